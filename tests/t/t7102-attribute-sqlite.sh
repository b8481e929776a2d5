#!/bin/sh
# t7102: `cdrsift attribute` (issue 16) on the project generator's
# bulk-port-allocation log (testdata/demo/ip-cgnat.csv.gz, cdrgen --dialect
# cgnat: every allocation released, at most one holder per block at a
# time) against an independent interval join written in SQL and run by
# Debian's sqlite3: each allocate pairs with the first release of its
# block strictly after it, a query matches when the address is equal, the
# port inside the block and the time inside [allocate - slack, release +
# slack); ambiguous when two holders match. Queries: a port inside the
# block, the first, the last and one past it, at every event's time and up
# to 3 s either side, and in the middle of bindings. Then the same with
# --slack 0, and through partial/merge.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

command -v sqlite3 >/dev/null && test_set_prereq SQLITE

test_setup 'the demo NAT log and queries at its boundaries' '
	gzip -dc "$TESTDATA/demo/ip-cgnat.csv.gz" >nat.csv &&
	python3 - nat.csv <<-\PY >q.csv
	import calendar, csv, random, sys, time
	rnd = random.Random(5)
	rows = list(csv.DictReader(open(sys.argv[1])))
	iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
	print("id,ip,port,time")
	n = 0
	for r in rows:
	    if rnd.random() > 0.15:
	        continue
	    t = calendar.timegm(time.strptime(r["Timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
	    lo, hi = int(r["Port Start"]), int(r["Port End"])
	    for dt in (-3, -2, -1, 0, 1, 2, 3, 600 if r["Event"] == "allocate" else -600):
	        for port in (lo, hi, hi + 1, rnd.randint(lo, hi)):
	            if rnd.random() < 0.35:
	                n += 1
	                print("q%05d,%s,%d,%s" % (n, r["Public IP"], port, iso(t + dt)))
	PY
'

cat >join.sql <<'EOF'
CREATE TABLE ev(ts TEXT, event TEXT, priv TEXT, pub TEXT, lo INT, hi INT, sub TEXT);
CREATE TABLE q(id TEXT, ip TEXT, port INT, ts TEXT);
.mode csv
.import --skip 1 nat.csv ev
.import --skip 1 q.csv q
CREATE TABLE b AS
  SELECT a.pub, a.lo, a.hi, a.sub, a.priv,
         CAST(strftime('%s', a.ts) AS INT) AS s,
         (SELECT min(CAST(strftime('%s', r.ts) AS INT)) FROM ev r
           WHERE r.event = 'release' AND r.pub = a.pub AND r.lo = a.lo
             AND r.hi = a.hi
             AND CAST(strftime('%s', r.ts) AS INT) > CAST(strftime('%s', a.ts) AS INT)) AS e
  FROM ev a WHERE a.event = 'allocate';
CREATE TABLE m AS
  SELECT q.id, q.ip, q.port, CAST(strftime('%s', q.ts) AS INT) AS t, b.*
  FROM q JOIN b ON b.pub = q.ip AND q.port BETWEEN b.lo AND b.hi
   AND CAST(strftime('%s', q.ts) AS INT) >= b.s - :slack
   AND CAST(strftime('%s', q.ts) AS INT) < b.e + :slack;
.mode list
.separator ,
SELECT m.id, m.ip, m.port, strftime('%Y-%m-%dT%H:%M:%SZ', m.t, 'unixepoch'),
       m.sub, m.priv, strftime('%Y-%m-%dT%H:%M:%SZ', m.s, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', m.e, 'unixepoch'),
       CASE WHEN (SELECT count(DISTINCT n.sub) FROM m n WHERE n.id = m.id) > 1
            THEN 'ambiguous'
            WHEN m.t >= m.s AND m.t < m.e THEN 'exact' ELSE 'slack' END
  FROM m
UNION ALL
SELECT q.id, q.ip, q.port, strftime('%Y-%m-%dT%H:%M:%SZ', q.ts), '', '', '', '', 'none'
  FROM q WHERE q.id NOT IN (SELECT id FROM m);
EOF

# cdrsift's rows in the join's columns, sorted
ours() {
	cdrsift attribute "$@" --queries q.csv -f csv nat.csv |
		tail -n +2 | cut -d, -f1-5,8-11 | LC_ALL=C sort
}

test_expect_success SQLITE 'every allocation is released (the join assumes it)' '
	python3 - nat.csv <<-\PY
	import csv, sys
	n = {}
	for r in csv.DictReader(open(sys.argv[1])):
	    k = (r["Public IP"], r["Port Start"], r["Port End"])
	    n[k] = n.get(k, 0) + (1 if r["Event"] == "allocate" else -1)
	assert all(v == 0 for v in n.values()), [k for k, v in n.items() if v]
	PY
'

test_expect_success SQLITE 'default slack (2 s): as the SQL join' '
	sqlite3 -cmd ".parameter set :slack 2" :memory: <join.sql |
		LC_ALL=C sort >want &&
	ours >got && test_cmp want got &&
	cut -d, -f9 got | sort | uniq -c >marks &&
	grep -q " exact" marks && grep -q " slack" marks && grep -q " none" marks
'

test_expect_success SQLITE '--slack 0: as the SQL join' '
	sqlite3 -cmd ".parameter set :slack 0" :memory: <join.sql |
		LC_ALL=C sort >want0 &&
	ours --slack 0 >got0 && test_cmp want0 got0 &&
	! grep -q ",slack\$" got0
'

test_expect_success 'split in three, partials merged: the report of one run' '
	mkdir parts && partial_split nat.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts attribute --queries q.csv
'

test_done
