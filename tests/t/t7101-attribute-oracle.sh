#!/bin/sh
# t7101: `cdrsift attribute` (issue 16) against an independent python
# oracle written from the man page (ATTRIBUTION: attr-oracle.py) over
# generated CGNAT logs laid out as ../shared/FORMATS.md describes them
# (attr-gen.py: bulk port allocation rows, DoT IPDR session rows; same-
# second reallocation, lost releases, neighbouring blocks, boundaries and
# one second outside them, protocols): defaults, --slack, --max-binding;
# one query against the query file; -j, row and file order; partial and
# merge; the query file's and the options' errors.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

# every column but the evidence (its lines: see the known bug below)
cols() { cut -d, -f1-11; }

check() { # SEED [OPTIONS...]: oracle and cdrsift agree
	seed=$1; shift
	python3 "$T/attr-oracle.py" "$@" g$seed/queries.csv g$seed/bpa.csv \
		g$seed/ipdr.csv | cols >want.$seed &&
	cdrsift attribute "$@" --queries g$seed/queries.csv -f csv \
		g$seed/bpa.csv g$seed/ipdr.csv >got.csv &&
	cols <got.csv >got.$seed &&
	test_cmp want.$seed got.$seed
}

test_setup 'generated logs, three seeds' '
	for s in 1 2 3; do python3 "$T/attr-gen.py" $s g$s || exit 1; done
'

test_expect_success 'the fixtures hold every case (oracle counts)' '
	for s in 1 2 3; do
		python3 "$T/attr-oracle.py" g$s/queries.csv g$s/bpa.csv g$s/ipdr.csv
	done | cut -d, -f11 | sort | uniq -c >marks &&
	for m in exact slack open ambiguous none; do
		grep -q " $m\$" marks || { cat marks; exit 1; }
	done
'

test_expect_success 'defaults (--slack 2s, --max-binding 24h): as the oracle' '
	check 1 && check 2 && check 3
'

test_expect_success '--slack 0 and --slack 5: as the oracle' '
	check 1 --slack 0 && check 2 --slack 5 && check 3 --slack 0
'

test_expect_success '--max-binding 1h bounds the open allocations' '
	check 1 --max-binding 3600 && check 2 --max-binding 3600 --slack 0 &&
	cdrsift attribute --max-binding 1h --queries g1/queries.csv -f csv \
		g1/bpa.csv g1/ipdr.csv | cols >h &&
	cdrsift attribute --max-binding 3600 --queries g1/queries.csv -f csv \
		g1/bpa.csv g1/ipdr.csv | cols >s &&
	test_cmp h s &&
	cdrsift attribute --queries g1/queries.csv -f csv g1/bpa.csv \
		g1/ipdr.csv | cols >d && ! test_cmp d h >/dev/null
'

test_expect_success 'one query with --ip/--port/--at/--proto: the file row' '
	python3 - g1/queries.csv <<-\PY >singles &&
	import csv, sys
	rows = list(csv.DictReader(open(sys.argv[1])))
	for r in rows[::97]:
	    print(r["id"], r["ip"], r["port"], r["time"], r["proto"])
	PY
	cdrsift attribute --queries g1/queries.csv -f csv g1/bpa.csv \
		g1/ipdr.csv >all.csv &&
	while read id ip port at proto; do
		cdrsift attribute --ip $ip --port $port --at $at \
			${proto:+--proto $proto} -f csv g1/bpa.csv g1/ipdr.csv |
			tail -n +2 | cut -d, -f2- >one &&
		grep "^$id," all.csv | cut -d, -f2- >from-file &&
		test_cmp from-file one || exit 1
	done <singles
'

test_expect_success 'a protocol of 6 or 17 in the query is tcp or udp' '
	line=$(grep ",tcp\$" g2/queries.csv | head -1) &&
	ip=$(echo "$line" | cut -d, -f2) && port=$(echo "$line" | cut -d, -f3) &&
	at=$(echo "$line" | cut -d, -f4) &&
	cdrsift attribute --ip $ip --port $port --at $at --proto tcp -f csv \
		g2/bpa.csv g2/ipdr.csv >a &&
	cdrsift attribute --ip $ip --port $port --at $at --proto 6 -f csv \
		g2/bpa.csv g2/ipdr.csv >b &&
	test_cmp a b
'

test_expect_success '-j 1 and -j 2: the same bytes' '
	cdrsift attribute -j 1 --queries g2/queries.csv -f csv g2/bpa.csv \
		g2/ipdr.csv >j1 &&
	cdrsift attribute -j 2 --queries g2/queries.csv -f csv g2/bpa.csv \
		g2/ipdr.csv >j2 &&
	test_cmp j1 j2
'

test_expect_success 'rows shuffled, files swapped: the same answers' '
	mkdir -p sh && for f in bpa ipdr; do
		(head -1 g3/$f.csv; tail -n +2 g3/$f.csv | sort -r) >sh/$f.csv
	done &&
	cdrsift attribute --queries g3/queries.csv -f csv sh/ipdr.csv \
		sh/bpa.csv | cols >shuf &&
	check 3 && test_cmp want.3 shuf
'

test_expect_success 'evidence: the files of every record used, two per block' '
	python3 "$T/attr-oracle.py" g1/queries.csv g1/bpa.csv g1/ipdr.csv \
		>want.ev &&
	cdrsift attribute -j 1 --queries g1/queries.csv -f csv g1/bpa.csv \
		g1/ipdr.csv >got.ev &&
	python3 - want.ev got.ev <<-\PY
	import csv, sys
	w = list(csv.reader(open(sys.argv[1])))
	g = list(csv.reader(open(sys.argv[2])))
	assert len(w) == len(g)
	files = lambda e: [x.rsplit(":", 1)[0] for x in e.split()]
	for a, b in zip(w[1:], g[1:]):
	    assert files(a[11]) == files(b[11]), (a, b)
	PY
'

test_expect_success 'evidence names the physical lines of the inputs' '
	test_cmp want.ev got.ev
'

test_expect_success 'partials of the parts merge to the report of one run' '
	mkdir parts &&
	partial_split g1/bpa.csv 3 parts/bpa && partial_split g1/ipdr.csv 2 parts/ipdr &&
	mv parts/bpa/part-00.csv parts/a0.csv && mv parts/bpa/part-01.csv.gz parts/a1.csv.gz &&
	mv parts/bpa/part-02.csv parts/a2.csv && mv parts/ipdr/part-00.csv parts/b0.csv &&
	mv parts/ipdr/part-01.csv.gz parts/b1.csv.gz && rmdir parts/bpa parts/ipdr &&
	PARTIAL_TREES=3 partial_check parts attribute --queries g1/queries.csv
'

test_expect_success 'merge: partials of other queries or options are refused' '
	cdrsift attribute --queries g1/queries.csv --partial p1 g1/bpa.csv &&
	cdrsift attribute --queries g2/queries.csv --partial p2 g1/ipdr.csv &&
	cdrsift attribute --queries g1/queries.csv --slack 0 --partial p3 g1/ipdr.csv &&
	test_exit 2 cdrsift merge p1 p2 2>err && grep -q "differ in options" err &&
	test_exit 2 cdrsift merge p1 p3 2>err && grep -q "slack=0" err
'

test_expect_success 'IPv6: a query address inside a delegated prefix' '
	cat >pd.csv <<-\EOF &&
	User-Name,Framed-IP-Address,Delegated-IPv6-Prefix,Start Time,Stop Time
	60171111111,100.64.0.9,2001:db8:1200::/56,2025-01-03 08:00:00,2025-01-03 09:00:00
	60172222222,100.64.0.10,2001:db8:1200:100::/56,2025-01-03 08:00:00,2025-01-03 09:00:00
	60173333333,100.64.0.11,2001:db8:1200:ff00::/56,2025-01-03 08:59:59,2025-01-03 10:00:00
	60174444444,,2001:db8:99::/48,2025-01-03 08:00:00,
	EOF
	cat >pq.csv <<-\EOF &&
	id,ip,port,time
	p1,2001:db8:1200:ab::1,443,2025-01-03T08:30:00Z
	p2,2001:db8:1200:1ff:ffff:ffff:ffff:ffff,5,2025-01-03T09:00:00Z
	p3,2001:db8:1200:200::1,5,2025-01-03T08:30:00Z
	p4,2001:db8:1200:ff00::1,5,2025-01-03T09:00:01Z
	p5,2001:db8:1200::,5,2025-01-03T07:59:57Z
	p6,2001:db8:99:ffff::2,5,2025-01-04T07:00:00Z
	p7,2001:db8:1201::1,5,2025-01-03T08:30:00Z
	p8,2001:db8:1200:ff00::1,5,2025-01-03T09:00:00Z
	EOF
	python3 "$T/attr-oracle.py" pq.csv pd.csv | cols >want.pd &&
	cdrsift attribute --queries pq.csv -f csv pd.csv | cols >got.pd &&
	test_cmp want.pd got.pd &&
	grep -q "^p1,.*,60171111111,.*,exact\$" got.pd &&
	grep -q "^p3,.*,none\$" got.pd && grep -q "^p6,.*,open\$" got.pd &&
	grep -q "^p8,.*,60173333333,.*,exact\$" got.pd
'

test_expect_success 'a query no log can answer is one row, match none' '
	cdrsift attribute --ip 192.0.2.77 --port 9 --at 2025-01-03T08:00:00 \
		-f csv g1/bpa.csv >none.csv &&
	echo ",192.0.2.77,9,2025-01-03T08:00:00Z,,,,,,,none," >want &&
	tail -n +2 none.csv >got && test_cmp want got &&
	cdrsift attribute --ip 192.0.2.77 --port 9 --at 2025-01-03T08:00:00 \
		-f json g1/bpa.csv | grep -q "\"port\":9,"
'

test_expect_success 'errors: no query, both forms, bad values, bad query rows' '
	test_exit 2 cdrsift attribute g1/bpa.csv 2>err &&
	grep -q "needs --ip, --port and --at" err &&
	test_exit 2 cdrsift attribute --queries g1/queries.csv --ip 1.2.3.4 g1/bpa.csv &&
	test_exit 2 cdrsift attribute --ip 1.2.3 --port 1 --at 2025-01-03 g1/bpa.csv &&
	test_exit 2 cdrsift attribute --ip 1.2.3.4 --port 65536 --at 2025-01-03 g1/bpa.csv &&
	test_exit 2 cdrsift attribute --ip 1.2.3.4 --port 1 --at yesterday g1/bpa.csv &&
	test_exit 2 cdrsift attribute --ip 1.2.3.4 --port 1 --at 2025-01-03 --slack x g1/bpa.csv &&
	printf "id,ip,port,time\nq1,1.2.3.4,80,2025-01-03T08:00:00Z\nq2,1.2.3.4,80,not-a-time\n" >bad.csv &&
	test_exit 2 cdrsift attribute --queries bad.csv g1/bpa.csv 2>err &&
	grep -q "^cdrsift: bad.csv:3: " err &&
	printf "id,ip,port,time\nq1,1.2.3.4,x80,2025-01-03T08:00:00Z\n" >bad2.csv &&
	test_exit 2 cdrsift attribute --queries bad2.csv g1/bpa.csv 2>err &&
	grep -q "^cdrsift: bad2.csv:2: a query needs a port" err &&
	printf "id,address,when\n" >bad3.csv &&
	test_exit 2 cdrsift attribute --queries bad3.csv g1/bpa.csv 2>err &&
	grep -q "bad3.csv: line 1: header not understood" err &&
	printf "id,ip,time\n" >bad4.csv &&
	test_exit 2 cdrsift attribute --queries bad4.csv g1/bpa.csv 2>err &&
	grep -q "needs an address" err &&
	test_exit 3 cdrsift attribute --queries missing.csv g1/bpa.csv
'

test_expect_success 'an input with no address column is named on stderr' '
	printf "caller,callee,start\n601,602,2025-01-03 08:00:00\n" >cdr.csv &&
	cdrsift attribute --ip 1.2.3.4 --port 1 --at 2025-01-03 cdr.csv 2>err &&
	grep -q "^cdrsift: cdr.csv: no public_ip or src_ip column" err
'

test_done
