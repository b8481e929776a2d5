#!/bin/sh
# --null LIST: values equal to one of the markers are missing, in mapped
# fields and in raw columns alike; a Zeek log's #unset_field is one by
# default (whatever the log names), added to those of --null. Expected
# counts come from Python's csv module on the same files.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<'PY'
import csv, random
r = random.Random(2301)
marks = ["NULL", "\\N", "n/a"]
with open("n.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["caller", "callee", "start", "duration", "imsi", "note"])
    for i in range(60):
        def m(v):
            return r.choice(marks) if r.random() < 0.3 else v
        w.writerow(["60%d" % (123000000 + i), m("60%d" % (124000000 + i)),
                    "2024-01-01 10:%02d:00" % (i % 60), m(str(r.randint(0, 900))),
                    m("50212%010d" % i), m("x%d" % i)])
rows = list(csv.DictReader(open("n.csv", newline="")))
def count(col):
    return sum(x[col] not in marks for x in rows)
open("want.counts", "w").write("%d %d %d %d %d\n" % (len(rows), count("callee"),
    count("duration"), count("imsi"), count("note")))
open("want.bad", "w").write("%d\n" % sum(x["duration"] in marks for x in rows))
PY

test_expect_success 'without --null a marker in a number is rejected' '
	test_exit 1 cdrsift stats -f csv n.csv >s0.csv 2>/dev/null &&
	mawk -F, "NR == 2 { print \$10 }" s0.csv >got.bad &&
	test_cmp want.bad got.bad
'

test_expect_success '--null makes each marker missing, mapped or raw' '
	cdrsift stats -f csv --null "NULL,\\N,n/a" n.csv >s1.csv &&
	a=$(mawk -F, "NR == 2 { print \$8 }" s1.csv) &&
	b=$(cdrsift filter -f csv --null "NULL,\\N,n/a" -w "exists(callee)" n.csv | wc -l) &&
	c=$(cdrsift filter -f csv --null "NULL,\\N,n/a" -w "exists(duration)" n.csv | wc -l) &&
	d=$(cdrsift filter -f csv --null "NULL,\\N,n/a" -w "exists(imsi)" n.csv | wc -l) &&
	e=$(cdrsift filter -f csv --null "NULL,\\N,n/a" -w "exists(col(\"note\"))" n.csv | wc -l) &&
	echo "$a $((b - 1)) $((c - 1)) $((d - 1)) $((e - 1))" >got.counts &&
	test_cmp want.counts got.counts
'

test_expect_success '--null takes a non-empty comma-separated list' '
	test_exit 2 cdrsift stats --null "" n.csv 2>err1 &&
	grep -q "^cdrsift: --null: expected 1 to 12 comma-separated markers" err1 &&
	test_exit 2 cdrsift stats --null "NULL,,n/a" n.csv 2>err2 &&
	grep -q "^cdrsift: --null: expected" err2 &&
	test_exit 2 cdrsift stats --null "NULL," n.csv 2>/dev/null
'

printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(none)\n#unset_field\tNONE\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tduration\tconn_state\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tinterval\tstring\n1700000000.000001\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tNONE\tS0\n1700000001.5\tC2\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t1.5\tSF\n1700000002.25\tC3\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\t-\t(none)\n#close\t2023-11-14-22-13-22\n' >u.log

test_expect_success 'a Zeek log names its own unset and empty markers' '
	test_exit 1 cdrsift stats -f csv u.log >u.csv 2>uerr &&
	test "$(mawk -F, "NR == 2 { print \$8, \$9, \$10 }" u.csv)" = "3 2 1" &&
	grep -q "^cdrsift: u.log:10: unparsable duration" uerr &&
	test "$(cdrsift filter -f csv -w "exists(col(\"conn_state\"))" u.log 2>/dev/null | wc -l)" = 3
'

test_expect_success '--null adds to the Zeek markers' '
	cdrsift stats -f csv --null "-" u.log >u2.csv 2>/dev/null &&
	test "$(mawk -F, "NR == 2 { print \$8, \$9, \$10 }" u2.csv)" = "3 3 0" &&
	test "$(cdrsift filter -f csv --null SF -w "exists(col(\"conn_state\"))" u.log 2>/dev/null | wc -l)" = 2
'
test_done
