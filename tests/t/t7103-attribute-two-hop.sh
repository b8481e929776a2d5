#!/bin/sh
# t7103: `cdrsift attribute` over two-hop logs (issue 16): a NAT log that
# gives public to private address only, and a RADIUS-style session log
# (private address to subscriber) whose clock runs 30 s ahead
# (attr-gen2.py), against the python oracle (attr-oracle.py, from the man
# page): --skew 30 and --skew 0, the median offset on stderr, -j, and
# partial/merge over both logs split.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cols() { cut -d, -f1-11; }

test_setup 'two-hop logs, two seeds' '
	python3 "$T/attr-gen2.py" 1 30 h1 && python3 "$T/attr-gen2.py" 2 30 h2
'

two() { # DIR SKEW: oracle and cdrsift agree, answers and median offset
	python3 "$T/attr-oracle.py" --skew $2 --gap gap $1/queries.csv \
		$1/nat.csv $1/radius.csv | cols >want &&
	cdrsift attribute --skew $2 --queries $1/queries.csv -f csv \
		$1/nat.csv $1/radius.csv 2>err | cols >got &&
	test_cmp want got &&
	read pairs ms <gap &&
	python3 -c "import sys; print(\"cdrsift: attribute: second hop: %s NAT-session pair%s, median offset %+.3f s (session start minus NAT binding start; --skew %+.3f s)\" % (sys.argv[1], \"\" if sys.argv[1] == \"1\" else \"s\", int(sys.argv[2]) / 1000, float(sys.argv[3])))" \
		$pairs $ms $2 >want.err &&
	test_cmp want.err err
}

test_expect_success '--skew 30 (the true offset): as the oracle' '
	two h1 30 && two h2 30 &&
	cut -d, -f5 got | grep -q "^6019" && ! grep -q ",none\$" got
'

test_expect_success '--skew 0: as the oracle; the median offset shows the skew' '
	two h1 0 && grep -q "median offset +2[0-9]" err && two h2 0
'

test_expect_success 'the right skew names a subscriber for more queries' '
	for k in 30 0; do
		cdrsift attribute --skew $k --queries h1/queries.csv -f csv \
			h1/nat.csv h1/radius.csv 2>/dev/null |
			mawk -F, "NR > 1 && \$5 != \"\" { print \$1 }" | sort -u | wc -l >n$k
	done &&
	test $(cat n30) -gt $(cat n0)
'

test_expect_success 'the subscriber comes from the second hop, with its evidence' '
	cdrsift attribute -j 1 --skew 30 --queries h1/queries.csv -f csv \
		h1/nat.csv h1/radius.csv 2>/dev/null >ev.csv &&
	python3 - ev.csv <<-\PY
	import csv, sys
	for r in csv.DictReader(open(sys.argv[1])):
	    files = [e.rsplit(":", 1)[0] for e in r["evidence"].split()]
	    assert files == ["h1/nat.csv", "h1/nat.csv", "h1/radius.csv"], r
	    assert r["imsi"].startswith("50212"), r
	PY
'

test_expect_success '-j 1 and -j 2: the same bytes' '
	cdrsift attribute -j 1 --skew 30 --queries h2/queries.csv -f csv \
		h2/nat.csv h2/radius.csv >j1 2>/dev/null &&
	cdrsift attribute -j 2 --skew 30 --queries h2/queries.csv -f csv \
		h2/nat.csv h2/radius.csv >j2 2>/dev/null &&
	test_cmp j1 j2
'

test_expect_success 'both logs split, partials merged: the report of one run' '
	mkdir parts && partial_split h1/nat.csv 2 parts/n &&
	partial_split h1/radius.csv 2 parts/r &&
	mv parts/n/part-00.csv parts/a.csv && mv parts/n/part-01.csv.gz parts/b.csv.gz &&
	mv parts/r/part-00.csv parts/c.csv && mv parts/r/part-01.csv.gz parts/d.csv.gz &&
	rmdir parts/n parts/r &&
	PARTIAL_TREES=3 partial_check parts attribute --skew 30 --queries h1/queries.csv
'

test_expect_success '--skew takes a sign; a bad one is refused' '
	cdrsift attribute --skew -30s --queries h1/queries.csv -f csv h1/nat.csv \
		h1/radius.csv >/dev/null 2>err && grep -q "skew -30.000 s" err &&
	test_exit 2 cdrsift attribute --skew x --queries h1/queries.csv h1/nat.csv
'

test_done
