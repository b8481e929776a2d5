#!/bin/sh
# Words of the human output (issue 11 item 8): counts of one take the
# singular; a problem is neither cut at 256 bytes nor escaped twice;
# UTF-16 input's format is "not understood" (not "unknown, -delimited");
# the table's gap list shows three gaps and how many more there are.
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start\n601,602,2025-01-03 08:10:00\n601,602,2025-01-03 10:10:00\n' >onegap.csv

test_expect_success 'one gap of one hour: "1 (1 empty hour)", singular counts' '
	test_exit 0 cdrsift stats -f table onegap.csv >out &&
	grep -q "^  gaps         1 (1 empty hour): 2025-01-03T09:00:00Z/10:00:00Z$" out &&
	grep -q "^  distinct     1 subscriber, 0 cells, 0 IMEIs$" out ||
	{ cat out; false; }
'
test_expect_success 'filter and volume summary lines: one record, one row, one group' '
	printf "caller,callee,start\n601,602,2025-01-03 08:10:00\n" >one.csv &&
	test_exit 0 cdrsift filter -f table one.csv >out &&
	test "$(tail -1 out)" = "(1 record)" &&
	test_exit 0 cdrsift volume --by caller -f table one.csv >out &&
	test "$(tail -1 out)" = "1 row shown, 1 group with records, 1 record"
'
test_expect_success '--map past the columns of a one-column file: "only 1 column"' '
	printf "caller\n601\n" >col1.csv &&
	test_exit 1 cdrsift filter --map callee=3 col1.csv >/dev/null 2>err &&
	grep -q "the file has only 1 column$" err
'
test_expect_success 'a row against a one-column header: "expected 1 field"' '
	printf "caller\n601,602\n" >f1.csv &&
	test_exit 1 cdrsift filter col1.csv f1.csv >/dev/null 2>err &&
	grep -q "too many fields (expected 1 field, found 2)" err
'
test_expect_success 'one rejected row past the shown ones: "1 more rejected row not shown"' '
	printf "caller,callee,start\n601,602,x\n601,602,y\n" >two.csv &&
	test_exit 1 cdrsift filter --max-reject-messages 1 two.csv >/dev/null 2>err &&
	grep -q "two.csv: 1 more rejected row not shown" err
'
test_expect_success 'a long problem is shown whole: not cut at 256 bytes, in csv or table' '
	/usr/bin/python3 -c "
import sys
names = [\"unmapped column number %d of a wide export\" % i for i in range(12)]
open(\"wide.csv\", \"w\").write(\",\".join(names) + \"\n1,2,3,4,5,6,7,8,9,10,11,12\n\")
" &&
	test_exit 1 cdrsift stats -f csv wide.csv >s.csv 2>err &&
	COLUMNS=70 cdrsift stats -f table wide.csv >s.txt 2>/dev/null;
	test $? -eq 1 &&
	/usr/bin/python3 - <<-\PY
	import csv
	msg = open("err").read().strip().split("cdrsift: wide.csv: ", 1)[1]
	assert len(msg) > 400, len(msg)
	assert "unmapped column number 11 of a wide expo" in msg, msg
	row = next(csv.DictReader(open("s.csv", newline="")))
	assert row["problem"] == msg, (row["problem"], msg)
	lines = open("s.txt").read().splitlines()
	i = [k for k, l in enumerate(lines) if l.startswith("  problem")][0]
	shown = [lines[i][15:]]
	for l in lines[i + 1:]:
	    if not l.startswith(" " * 15): break
	    shown.append(l[15:])
	assert " ".join(shown) == msg, (shown, msg)
	assert max(len(l) for l in lines) <= 70
	PY
'
test_expect_success 'a backslash in a problem is escaped once, as on stderr' '
	printf "x\\\\y,z\n1,2\n" >bs.csv &&
	test "$(head -c 4 bs.csv)" = "x\\y," &&
	test_exit 1 cdrsift stats -f table bs.csv >out 2>err &&
	grep -q "columns: x\\\\\\\\y, z" err &&
	grep "^  problem" out >p &&
	grep -q "columns: x\\\\\\\\y, z" p && ! grep -q "x\\\\\\\\\\\\\\\\y" p
'
test_expect_success 'UTF-16 input: format not understood, the problem says why' '
	printf "caller,callee\n601,602\n" | iconv -f UTF-8 -t UTF-16 >u16.csv &&
	test_exit 1 cdrsift stats -f table u16.csv >out 2>/dev/null &&
	grep -q "^  format       not understood$" out &&
	! grep -q -- "-delimited" out &&
	grep -q "^  problem      UTF-16 input is not supported" out
'
test_expect_success 'the gap list: three gaps, then "… and 2 more"; csv lists all' '
	/usr/bin/python3 -c "
rows = [\"caller,callee,start\"]
for d in range(1, 7):
    rows.append(\"601,602,2025-01-0%d 08:00:00\" % d)
open(\"gaps.csv\", \"w\").write(\"\n\".join(rows) + \"\n\")
" &&
	test_exit 0 cdrsift stats -f table gaps.csv >out &&
	test_exit 0 cdrsift stats -f csv gaps.csv >out.csv &&
	/usr/bin/python3 - <<-\PY
	import csv, datetime as dt
	row = next(csv.DictReader(open("out.csv", newline="")))
	gaps = row["gap_list"].split()
	# the oracle: hours strictly between consecutive records, all empty
	want = ["2025-01-0%dT09:00:00Z/2025-01-0%dT08:00:00Z" % (d, d + 1) for d in range(1, 6)]
	assert gaps == want, gaps
	line = [l for l in open("out") if l.startswith("  gaps")][0].rstrip("\n")
	assert line == ("  gaps         5 (115 empty hours): " + ", ".join(want[:3]) +
	                " \u2026 and 2 more"), line
	PY
'
test_expect_success 'schema: the title names the file escaped, and wraps at the width' '
	esc=$(printf "\033") &&
	printf "caller,callee,start\n601,602,2025-01-03 08:10:00\n" >"a-long-delivery-name-${esc}[31m-2025-03.csv" &&
	COLUMNS=40 cdrsift schema -f table a-long-delivery-name-*.csv >out &&
	/usr/bin/python3 - <<-\PY
	b = open("out", "rb").read()
	assert not [c for c in b if c < 0x20 and c != 0x0a], b[:200]
	lines = b.decode().splitlines()
	assert max(len(l) for l in lines) <= 40, lines
	assert lines[0].startswith("a-long-delivery-name-\\x1b"), lines[0]
	PY
'
test_expect_success 'stats: the block of a file with an ESC in its name escapes it' '
	esc=$(printf "\033") &&
	test_exit 0 cdrsift stats -f table a-long-delivery-name-*.csv >out &&
	/usr/bin/python3 -c "
b = open(\"out\", \"rb\").read()
assert not [c for c in b if c < 0x20 and c != 0x0a], b[:100]
assert b.startswith(b\"a-long-delivery-name-\\\\x1b[31m\"), b[:100]
"
'
test_expect_success 'no count in the sources is followed by a plural noun unless it is always plural' '
	SRC=$(cd "$TESTDATA/.." && pwd) &&
	/usr/bin/python3 - "$SRC" <<-\PY
	import glob, re, sys
	src = sys.argv[1]
	# a conversion for a count, then a word ending in s: "%zu rows"
	pat = re.compile(r"%(zu|llu|lu|u|d|\" PRIu64 \")\)? ([a-z_]+s)\b")
	# constants, BUG(), numbers that are not counts ("line %llu was"), and
	# counts that cannot be 1 (a duplicate is two copies or more)
	always = {"at most %d keys", "%d levels", "fill wants %zu bytes",
	          "longer than %d bytes", "usable key of %zu bytes", "%llu was changed",
	          "%zu copies of %s %s"}
	bad = []
	for f in glob.glob(src + "/src/*.c") + glob.glob(src + "/cmd/cdrsift/*.c"):
	    for n, line in enumerate(open(f, encoding="utf-8"), 1):
	        for m in pat.finditer(line):
	            if not any(a in line for a in always):
	                bad.append("%s:%d: %s" % (f[len(src) + 1:], n, line.strip()))
	assert not bad, "\n".join(bad)
	PY
'
test_done
