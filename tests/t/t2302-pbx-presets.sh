#!/bin/sh
# Header-less PBX exports (FORMATS.md): Asterisk cdr_custom's stock mapping
# and FreeSWITCH mod_cdr_csv's example template, detected by the shape of
# the first row, or named with --dialect. The fixtures come from
# testdata/zeek/mkpbx.py; expected fields from Python's csv module.
. "$(dirname "$0")/lib.sh"

cp "$TESTDATA/zeek/asterisk-custom-Master.csv" ac.csv
cp "$TESTDATA/zeek/freeswitch-Master.csv" fs.csv

/usr/bin/python3 - <<'PY'
import csv
def want(path, cols, out):
    # cols: 0-based caller, callee, start, end, billsec, status, id
    rows = list(csv.reader(open(path, newline="")))
    with open(out, "w") as w:
        for r in rows:
            v = [r[c] for c in cols]
            v[2] = v[2].replace(" ", "T") + "Z"
            v[3] = v[3].replace(" ", "T") + "Z"
            w.write(",".join([v[6], "voice", "unknown", v[0], v[1], v[2], v[3],
                              v[4], v[5]]) + "\n")
    starts = sorted(r[cols[2]] for r in rows)
    with open(out + ".stats", "w") as w:
        w.write("%d %d 0 %s %s\n" % (len(rows), len(rows),
                starts[0].replace(" ", "T") + "Z", starts[-1].replace(" ", "T") + "Z"))
want("ac.csv", [1, 2, 8, 10, 12, 13, 16], "want.ac")
want("fs.csv", [1, 2, 4, 6, 8, 9, 10], "want.fs")
PY

for p in ac fs; do
test_expect_success "$p: every row read with the preset's fields" "
	cdrsift filter -f csv $p.csv >$p.out &&
	mawk -F, 'NR > 1 { print \$1 \",\" \$2 \",\" \$3 \",\" \$4 \",\" \$5 \",\" \$6 \",\" \$7 \",\" \$8 \",\" \$16 }' $p.out >got.$p &&
	test_cmp want.$p got.$p &&
	cdrsift stats -f csv -j 2 $p.csv >$p.st &&
	mawk -F, 'NR == 2 { print \$8, \$9, \$10, \$14, \$15 }' $p.st >got.$p.stats &&
	test_cmp want.$p.stats got.$p.stats
"
done

test_expect_success 'schema says which preset' '
	cdrsift schema -f table ac.csv >s1 &&
	head -1 s1 | grep -q "^ac.csv: cdr, comma-delimited, no header, asterisk cdr_custom preset$" &&
	cdrsift schema -f table fs.csv >s2 &&
	head -1 s2 | grep -q "^fs.csv: cdr, comma-delimited, no header, freeswitch mod_cdr_csv preset$" &&
	cdrsift schema -f csv ac.csv >s3 &&
	grep -q "^ac.csv,13,column 13,duration,preset," s3 &&
	grep -q "^ac.csv,17,column 17,id,preset," s3 &&
	cdrsift schema -f csv fs.csv >s4 &&
	grep -q "^fs.csv,9,column 9,duration,preset," s4 &&
	grep -q "^fs.csv,11,column 11,id,preset," s4
'

test_expect_success 'a first row of another shape needs --dialect' '
	sed "1s/,0\$/,/" ac.csv >ac2.csv &&
	test_exit 1 cdrsift stats -f csv ac2.csv >/dev/null 2>err &&
	cdrsift stats -f csv --dialect asterisk-custom ac2.csv >st2 &&
	test "$(mawk -F, "NR == 2 { print \$8, \$9 }" st2)" = "30 30" &&
	sed "1s/,\"[0-9a-f-]*\",\"[0-9a-f-]*\",\"\",\"PCMU\"/,\"\",\"\",\"\",\"PCMU\"/" fs.csv >fs2.csv &&
	! cmp -s fs.csv fs2.csv &&
	test_exit 1 cdrsift stats -f csv fs2.csv >/dev/null 2>&1 &&
	cdrsift stats -f csv --dialect freeswitch fs2.csv >st3 &&
	test "$(mawk -F, "NR == 2 { print \$8, \$9 }" st3)" = "30 30"
'

test_expect_success '--dialect names the presets it knows' '
	test_exit 2 cdrsift stats --dialect pbx ac.csv 2>err &&
	grep -q "^cdrsift: --dialect: expected asterisk, asterisk-custom, freeswitch, none or auto, found .pbx.$" err
'
test_done
