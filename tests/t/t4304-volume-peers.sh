#!/bin/sh
# distinct_peers relative to the key (issue 11 item 5) and the new
# distinct_subscribers column, against sqlite3 queries written from the
# man page: for a party key the peers are each record's other party
# relative to the key's value (--by caller: its callees, mt rows included;
# a number is its own peer only on a call to itself); for other keys the
# records' peer field; distinct_subscribers (keys that are not a party)
# counts the served parties: how many phones were on this cell.
. "$(dirname "$0")/lib.sh"
[ -x "$GEN" ] || { echo "not ok 1 - generator missing"; echo "0 passed, 1 failed"; exit 1; }
command -v sqlite3 >/dev/null || { echo "not ok 1 - sqlite3 missing"; echo "0 passed, 1 failed"; exit 1; }

# the benchmark's shape (tests/bench/run.sh), smaller
"$GEN" --rows 100000 --seed 5 --subscribers 20000 --cells 500 --days 9 >bench.csv
sqlite3 db <<'SQL'
.mode csv
.import bench.csv cdr
SQL

q() { sqlite3 -csv db <"$1.sql"; }
cat >top_caller.sql <<'SQL'
SELECT caller, COUNT(*), (SELECT COUNT(DISTINCT callee) FROM cdr d
  WHERE d.caller = c.caller AND d.callee <> '')
FROM cdr c GROUP BY caller ORDER BY COUNT(*) DESC, CAST(caller AS INTEGER) LIMIT 10;
SQL
cat >top_callee.sql <<'SQL'
SELECT callee, COUNT(*), (SELECT COUNT(DISTINCT caller) FROM cdr d
  WHERE d.callee = c.callee AND d.caller <> '')
FROM cdr c WHERE callee <> '' GROUP BY callee
ORDER BY COUNT(*) DESC, CAST(callee AS INTEGER) LIMIT 10;
SQL
cat >by_subscriber.sql <<'SQL'
WITH s AS (SELECT CASE WHEN direction = 'mt' THEN callee ELSE caller END AS sub,
                  caller, callee FROM cdr)
SELECT sub, COUNT(*), COUNT(DISTINCT NULLIF(CASE WHEN caller = sub THEN callee ELSE caller END, ''))
FROM s WHERE sub <> '' GROUP BY sub ORDER BY sub;
SQL
cat >by_cell.sql <<'SQL'
SELECT CASE WHEN lac <> '' THEN lac || '-' || cell ELSE cell END AS ck, COUNT(*),
       COUNT(DISTINCT NULLIF(CASE WHEN direction = 'mt' THEN caller ELSE callee END, '')),
       COUNT(DISTINCT NULLIF(CASE WHEN direction = 'mt' THEN callee ELSE caller END, ''))
FROM cdr WHERE cell <> '' GROUP BY ck ORDER BY ck;
SQL
cat >by_hour.sql <<'SQL'
SELECT CAST(substr(start, 12, 2) AS INTEGER) h,
       COUNT(DISTINCT NULLIF(CASE WHEN direction = 'mt' THEN callee ELSE caller END, ''))
FROM cdr GROUP BY h ORDER BY h;
SQL


test_expect_success '--by caller: the top callers, peers = their distinct callees' '
	q top_caller >want &&
	cdrsift volume --by caller --top 10 -f csv bench.csv >run.out &&
	<run.out tail -n +2 | cut -d, -f1,2,6 >got &&
	test_cmp want got
'
test_expect_success '--by callee: the top callees, peers = their distinct callers' '
	q top_callee >want &&
	cdrsift volume --by callee --top 11 -f csv bench.csv >run.out &&
	<run.out tail -n +2 | grep -v "^," | head -10 | cut -d, -f1,2,6 >got &&
	test_cmp want got
'
test_expect_success '--by subscriber: peers = the other party of each record' '
	q by_subscriber >want &&
	cdrsift volume --by subscriber -f csv bench.csv >run.out &&
	<run.out tail -n +2 | grep -v "^," | cut -d, -f1,2,6 | sort -t, -k1,1 >got &&
	test_cmp want got
'
test_expect_success '--by cell: distinct_subscribers, how many phones were on the cell' '
	q by_cell >want &&
	cdrsift volume --by cell -f csv bench.csv >out &&
	head -1 out | grep -q "^cell,records,duration_total,duration_mean,duration_max,distinct_peers,distinct_subscribers,distinct_cells," &&
	tail -n +2 out | grep -v "^," | cut -d, -f1,2,6,7 | sort -t, -k1,1 >got &&
	test_cmp want got
'
test_expect_success 'party keys do not show distinct_subscribers' '
	for k in caller callee subscriber peer caller,hour; do
		cdrsift volume --by $k --top 1 -f csv bench.csv >run.out &&
		<run.out head -1 >h &&
		! grep -q distinct_subscribers h || return 1
	done
'
test_expect_success 'distinct_subscribers stays exact when every run is spilled, for every -j' '
	cdrsift volume -j1 --by hour -f csv bench.csv >want &&
	for j in 1 2 4; do
		CDRSIFT_VOLUME_BUDGET=1 CDRSIFT_BLOCK_SIZE=65536 \
			cdrsift volume -j$j --by hour -f csv bench.csv >got &&
		cmp want got || return 1
	done &&
	q by_hour >want2 &&
	tail -n +2 want | cut -d, -f1,7 >got2 &&
	test_cmp want2 got2
'

# by hand: A calls itself; B calls A (seen on both sides, mo and mt)
cat >self.csv <<'CSV'
caller,callee,direction,start,duration,cell
601,601,mo,2025-01-03T08:00:00Z,10,c1
602,601,mo,2025-01-03T08:01:00Z,10,c1
602,601,mt,2025-01-03T08:01:00Z,10,c2
603,604,mt,2025-01-03T08:02:00Z,10,c2
CSV
test_expect_success 'a number is its own peer only on a call to itself' '
	cdrsift volume --by caller --sort key -f csv self.csv >run.out &&
	<run.out cut -d, -f1,6 >got &&
	printf "caller,distinct_peers\n601,1\n602,1\n603,1\n" >want && test_cmp want got &&
	cdrsift volume --by callee --sort key -f csv self.csv >run.out &&
	<run.out cut -d, -f1,6 >got &&
	printf "callee,distinct_peers\n601,2\n604,1\n" >want && test_cmp want got &&
	cdrsift volume --by subscriber --sort key -f csv self.csv >run.out &&
	<run.out cut -d, -f1,6 >got &&
	printf "subscriber,distinct_peers\n601,2\n602,1\n604,1\n" >want && test_cmp want got &&
	cdrsift volume --by peer --sort key -f csv self.csv >run.out &&
	<run.out cut -d, -f1,6 >got &&
	printf "peer,distinct_peers\n601,2\n602,1\n603,1\n" >want && test_cmp want got &&
	cdrsift volume --by cell --sort key -f csv self.csv >run.out &&
	<run.out cut -d, -f1,6,7 >got &&
	printf "cell,distinct_peers,distinct_subscribers\nc1,1,2\nc2,2,2\n" >want && test_cmp want got
'
test_done
