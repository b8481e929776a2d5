#!/bin/sh
# Every data line is a row (issue 10 item 1): without a header (--no-header
# with --map, the Asterisk preset detected or forced), read must equal the
# number of data lines this test wrote, and every row must come out of
# filter. Known breakage until the fix: the first row is dropped.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<\PY
import random
r = random.Random(101)
with open("plain.csv", "w") as f:
    for i in range(37):
        f.write("6012%07d,6019%07d,2025-01-01 %02d:%02d:00,%d\n" % (i, r.randrange(10**7), r.randrange(24), r.randrange(60), r.randrange(900)))
with open("Master.csv", "w") as f:
    for i in range(23):
        h, m = r.randrange(24), r.randrange(60)
        f.write('"","6012%07d","6019%07d","from-internal","""A"" <6012%07d>","SIP/1-%08x","SIP/2-%08x","Dial","SIP/2,30","2025-01-02 %02d:%02d:00","2025-01-02 %02d:%02d:05","2025-01-02 %02d:%02d:50",50,45,"ANSWERED","DOCUMENTATION","1735776000.%d",""\n' % (
            i, r.randrange(10**7), i, i, i, h, m, h, m, h, m, i))
PY
test_setup 'the files hold 37 and 23 lines' '
	test "$(wc -l <plain.csv)" = 37 && test "$(wc -l <Master.csv)" = 23
'
# reads N FILE ARGS...: stats -f json says N rows read and accepted, and
# filter prints N rows
reads() {
	n=$1; shift
	cdrsift stats -f json "$@" >s.json &&
	/usr/bin/python3 -c "
import json, sys
a = json.load(open(\"s.json\"))[\"meta\"][\"accounting\"]
assert (a[\"read\"], a[\"accepted\"]) == ($n, $n), a
" &&
	cdrsift filter -f csv "$@" >f.csv &&
	test "$(($(wc -l <f.csv) - 1))" = "$n"
}
test_expect_success '--no-header --map: all 37 lines are rows (issue 10 item 1)' '
	reads 37 --no-header --map caller=1,callee=2,start=3,duration=4 plain.csv
'
test_expect_success 'Asterisk Master.csv, preset detected: all 23 lines are rows (issue 10 item 1)' '
	reads 23 Master.csv
'
test_expect_success 'Asterisk Master.csv, --dialect asterisk: all 23 lines are rows (issue 10 item 1)' '
	reads 23 --dialect asterisk Master.csv
'
test_done
