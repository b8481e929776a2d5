#!/bin/sh
# t7203: the second hop's clock offset the data suggests (the median of
# session start minus NAT binding start over matched pairs, issue 16) is
# printed by `cdrsift merge` of attribute partials as one run prints it,
# and equals the python oracle's (attr-oracle.py --gap): the NAT log and
# the session log in partials of their own (no partial alone holds a
# pair), each log split in two, merged in two orders; merge --partial
# prints no note (as attribute --partial), nor does a merge with no pair.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

test_setup 'two-hop logs (session clock 30 s ahead), split' '
	python3 "$T/attr-gen2.py" 3 30 h &&
	partial_split h/nat.csv 2 n && partial_split h/radius.csv 2 r
'

note() { # PAIRS MS SKEW: the line the man page describes
	python3 -c "import sys; p = int(sys.argv[1]); print(\"cdrsift: attribute: second hop: %d NAT-session pair%s, median offset %+.3f s (session start minus NAT binding start; --skew %+.3f s)\" % (p, \"\" if p == 1 else \"s\", int(sys.argv[2]) / 1000, float(sys.argv[3])))" "$@"
}

for k in 0 30; do
test_expect_success "--skew $k: merge prints the one run's offset, the oracle's" '
	python3 "$T/attr-oracle.py" --skew '$k' --gap gap h/queries.csv \
		h/nat.csv h/radius.csv >/dev/null &&
	read pairs ms <gap && test "$pairs" -gt 1 &&
	note $pairs $ms '$k' >want.err &&
	cdrsift attribute --skew '$k' --queries h/queries.csv -f csv \
		h/nat.csv h/radius.csv >one.csv 2>one.err &&
	test_cmp want.err one.err &&
	q="--skew '$k' --queries h/queries.csv" &&
	cdrsift attribute $q --partial pn h/nat.csv &&
	cdrsift attribute $q --partial pr h/radius.csv 2>pr.err &&
	test_cmp /dev/null pr.err &&
	cdrsift merge -f csv pn pr >m.csv 2>m.err &&
	test_cmp one.csv m.csv && test_cmp want.err m.err &&
	cdrsift attribute $q --partial p0 n/part-00.csv &&
	cdrsift attribute $q --partial p1 n/part-01.csv.gz &&
	cdrsift attribute $q --partial p2 r/part-00.csv &&
	cdrsift attribute $q --partial p3 r/part-01.csv.gz &&
	cdrsift merge --partial p02 p0 p2 2>p02.err && test_cmp /dev/null p02.err &&
	cdrsift merge --partial p13 p3 p1 &&
	cdrsift merge -f json p13 p02 >/dev/null 2>m4.err &&
	test_cmp want.err m4.err
'
done

test_expect_success 'a merge with no second hop prints no offset' '
	cdrsift attribute --queries h/queries.csv --partial a n/part-00.csv &&
	cdrsift attribute --queries h/queries.csv --partial b n/part-01.csv.gz &&
	cdrsift merge -f csv a b >/dev/null 2>err && test_cmp /dev/null err
'

test_done
