#!/bin/sh
# t7201: VRFs in two-hop attribution (issue 16). The NAT log names
# public to private address and the private address's VRF (FORMATS.md:
# bulk port allocation, "private IP (and VRF)"), the session log private
# address and VRF to subscriber; the same private address is in use in
# two VRFs at once, by two subscribers, behind different public blocks.
# A private address equals another only within the same VRF: every
# answer equals an independent interval join written in SQL and run by
# Debian's sqlite3 (hop 1: allocate to the first release of its block
# after it; hop 2: same address and VRF, the query time inside the
# session widened by the slack), with --slack 2 and 0, -j 1 and 2, and
# through partial/merge; and with the VRF column taken out of the
# session log, the answers of the shared addresses become ambiguous.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

command -v sqlite3 >/dev/null && test_set_prereq SQLITE

test_setup 'a NAT log and a session log, one private address in two VRFs' '
	python3 - <<-\PY
	import random, time
	rnd = random.Random(7)
	T0 = 1735891200
	fmt = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t))
	iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
	nat, sess, qs = [], [], []
	n = 0
	for vi, vrf in enumerate(("vrf-red", "vrf-blue")):
	    for p in range(1, 7):
	        priv = "100.64.0.%d" % p
	        pub = "198.51.100.%d" % (10 * vi + p)
	        t = T0 + rnd.randint(0, 60)
	        for k in range(2):
	            n += 1
	            sub = "6017%07d" % n
	            s0, s1 = t, t + rnd.choice([300, 900])
	            sess.append((sub, priv, vrf, s0, s1))
	            lo = 1024 + 64 * rnd.randint(0, 3)
	            hi = lo + 63
	            a, r = s0 + rnd.choice([1, 2, 5]), s1 - rnd.choice([0, 1, 3])
	            nat.append((a, vrf, priv, pub, lo, hi, "allocate"))
	            nat.append((r, vrf, priv, pub, lo, hi, "release"))
	            for dt in (-3, -1, 0, 7):
	                qs.append((pub, lo, a + dt))
	            for dt in (-1, 0, 1, 2, 3):
	                qs.append((pub, hi, r + dt))
	            qs.append((pub, hi + 1, (a + r) // 2))
	            qs.append((pub, rnd.randint(lo, hi), s1 + 1))
	            t = s1 + rnd.choice([0, 1, 30])
	rnd.shuffle(nat)
	with open("nat.csv", "w") as f:
	    f.write("timestamp,vrf,private_ip,public_ip,port_start,port_end,event\n")
	    for a, vrf, priv, pub, lo, hi, ev in nat:
	        f.write("%s,%s,%s,%s,%d,%d,%s\n" % (fmt(a), vrf, priv, pub, lo, hi, ev))
	with open("sess.csv", "w") as f:
	    f.write("User-Name,Framed-IP-Address,VRF,Start Time,Stop Time\n")
	    for sub, priv, vrf, s0, s1 in sess:
	        f.write("%s,%s,%s,%s,%s\n" % (sub, priv, vrf, fmt(s0), fmt(s1)))
	with open("q.csv", "w") as f:
	    f.write("id,ip,port,time\n")
	    for i, (pub, port, t) in enumerate(qs):
	        f.write("v%04d,%s,%d,%s\n" % (i, pub, port, iso(t)))
	PY
'

cat >join.sql <<'EOF'
CREATE TABLE ev(ts TEXT, vrf TEXT, priv TEXT, pub TEXT, lo INT, hi INT, event TEXT);
CREATE TABLE se(sub TEXT, priv TEXT, vrf TEXT, st TEXT, sp TEXT);
CREATE TABLE q(id TEXT, ip TEXT, port INT, ts TEXT);
.mode csv
.import --skip 1 nat.csv ev
.import --skip 1 sess.csv se
.import --skip 1 q.csv q
CREATE TABLE b AS
  SELECT a.pub, a.lo, a.hi, a.priv, a.vrf,
         CAST(strftime('%s', a.ts) AS INT) AS s,
         (SELECT min(CAST(strftime('%s', r.ts) AS INT)) FROM ev r
           WHERE r.event = 'release' AND r.pub = a.pub AND r.lo = a.lo
             AND r.hi = a.hi
             AND CAST(strftime('%s', r.ts) AS INT) > CAST(strftime('%s', a.ts) AS INT)) AS e
  FROM ev a WHERE a.event = 'allocate';
CREATE TABLE m1 AS
  SELECT q.id, q.ip, q.port, CAST(strftime('%s', q.ts) AS INT) AS t, b.*
  FROM q JOIN b ON b.pub = q.ip AND q.port BETWEEN b.lo AND b.hi
   AND CAST(strftime('%s', q.ts) AS INT) >= b.s - :slack
   AND CAST(strftime('%s', q.ts) AS INT) < b.e + :slack;
CREATE TABLE s2 AS
  SELECT sub, priv, vrf, CAST(strftime('%s', st) AS INT) AS ss,
         CAST(strftime('%s', sp) AS INT) AS sx FROM se;
-- hop 2: the same private address in the same VRF, or no session
CREATE TABLE m AS
  SELECT m1.*, s2.sub AS sub,
         CASE WHEN m1.t >= m1.s AND m1.t < m1.e
               AND m1.t BETWEEN s2.ss AND s2.sx THEN 0 ELSE 1 END AS sl
  FROM m1 JOIN s2 ON s2.priv = m1.priv AND s2.vrf = m1.vrf
   AND m1.t BETWEEN s2.ss - :slack AND s2.sx + :slack
  UNION ALL
  SELECT m1.*, '' AS sub,
         CASE WHEN m1.t >= m1.s AND m1.t < m1.e THEN 0 ELSE 1 END AS sl
  FROM m1 WHERE NOT EXISTS (SELECT 1 FROM s2 WHERE s2.priv = m1.priv
   AND s2.vrf = m1.vrf AND m1.t BETWEEN s2.ss - :slack AND s2.sx + :slack);
.mode list
.separator ,
SELECT m.id, m.ip, m.port, strftime('%Y-%m-%dT%H:%M:%SZ', m.t, 'unixepoch'),
       m.sub, m.priv, strftime('%Y-%m-%dT%H:%M:%SZ', m.s, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', m.e, 'unixepoch'),
       CASE WHEN (SELECT count(DISTINCT CASE WHEN n.sub <> '' THEN n.sub
                                        ELSE n.vrf || '/' || n.priv END)
                  FROM m n WHERE n.id = m.id) > 1 THEN 'ambiguous'
            WHEN m.sl = 0 THEN 'exact' ELSE 'slack' END
  FROM m
UNION ALL
SELECT q.id, q.ip, q.port, strftime('%Y-%m-%dT%H:%M:%SZ', q.ts), '', '', '', '', 'none'
  FROM q WHERE q.id NOT IN (SELECT id FROM m1);
EOF

ours() { # LOGS... then options: cdrsift's rows in the join's columns
	cdrsift attribute "$@" --queries q.csv -f csv |
		tail -n +2 | cut -d, -f1-5,8-11 | LC_ALL=C sort
}

test_expect_success SQLITE 'default slack: as the SQL join, one holder per VRF' '
	sqlite3 -cmd ".parameter set :slack 2" :memory: <join.sql |
		LC_ALL=C sort >want &&
	ours nat.csv sess.csv >got && test_cmp want got &&
	cut -d, -f9 got | sort | uniq -c >marks &&
	grep -q " exact" marks && grep -q " slack" marks &&
	grep -q " none" marks && grep -q " ambiguous" marks &&
	mawk -F, "\$9 == \"exact\" && \$5 != \"\"" got | wc -l >n && test $(cat n) -gt 50
'

test_expect_success SQLITE '--slack 0, -j 1 and -j 2, files swapped: as the SQL join' '
	sqlite3 -cmd ".parameter set :slack 0" :memory: <join.sql |
		LC_ALL=C sort >want0 &&
	ours --slack 0 -j 1 nat.csv sess.csv >got0 && test_cmp want0 got0 &&
	ours --slack 0 -j 2 sess.csv nat.csv >got0b && test_cmp want0 got0b
'

test_expect_success 'without the VRF the shared addresses are ambiguous' '
	cut -d, -f1,2,4,5 sess.csv >novrf.csv &&
	ours nat.csv novrf.csv >nv &&
	mawk -F, "\$9 == \"exact\"" got | cut -d, -f1 | sort -u >ex &&
	mawk -F, "\$9 == \"ambiguous\"" nv | cut -d, -f1 | sort -u >amb &&
	comm -12 ex amb >both && test $(wc -l <both) -gt 20
'

test_expect_success 'the vrf column is read under its aliases' '
	sed "1s/vrf/inside_vrf_name/" nat.csv >nat2.csv &&
	sed "1s/VRF/Routing Instance/" sess.csv >sess2.csv &&
	ours nat2.csv sess2.csv >got2 && test_cmp got got2
'

test_expect_success 'split, partials merged: the report of one run' '
	mkdir parts && partial_split nat.csv 2 parts/n && partial_split sess.csv 2 parts/s &&
	mv parts/n/part-00.csv parts/a.csv && mv parts/n/part-01.csv.gz parts/b.csv.gz &&
	mv parts/s/part-00.csv parts/c.csv && mv parts/s/part-01.csv.gz parts/d.csv.gz &&
	rmdir parts/n parts/s &&
	PARTIAL_TREES=3 partial_check parts attribute --queries q.csv
'

test_done
