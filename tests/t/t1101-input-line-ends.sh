#!/bin/sh
# Mixed line ends (issue #10 item 4): LF, CRLF and bare CR row by row in
# one file, as after concatenating exports from different systems, with
# quoted fields holding CR, LF and CRLF, blank lines and short rows. The
# oracle is Python's csv module reading with newline='' (each of \n, \r\n
# and \r ends a line, a \r\n pair is one; inside quotes they are data):
# the accepted rows' fields, in order, and the physical line of every
# rejected row. Checked for the streaming reader (-j1, a pipe, gzip) and
# the block cutter (-j2 and blocks of a few dozen bytes, so that cuts fall
# next to every CR).
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<\PY
import random
rnd = random.Random(1101)
ends = ["\n", "\r\n", "\r"]
def end():
    return rnd.choice(ends)
def status(i):
    k = rnd.randrange(6)
    if k == 0:
        return "plain%d" % i
    if k == 1:
        return '"a%s""b""%sc, d"' % (end(), end())
    if k == 2:
        return '"x\r"'
    if k == 3:
        return '"\r\n%d\n"' % i
    if k == 4:
        return '"%s"' % end()
    return ""
out = ["caller,callee,start,duration,status" + end()]
for i in range(3000):
    t = "2025-01-03 %02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60)
    if rnd.randrange(25) == 0:
        out.append(end())                           # a blank line
    if rnd.randrange(20) == 0:                      # a short row: rejected
        out.append("6011%07d,%s,%d,%s" % (i, t, i % 50, status(i)) + end())
        continue
    out.append("6012%07d,6019%07d,%s,%d,%s" % (i, i, t, i % 50, status(i)) + end())
if rnd.randrange(2):
    out[-1] = out[-1].rstrip("\r\n")               # last line unterminated
open("mixed.csv", "w", newline="").write("".join(out))
PY

# expected: accepted rows (caller callee duration status) and reject lines
/usr/bin/python3 - <<\PY
import csv
rows, rejects, line = [], [], 0
r = csv.reader(open("mixed.csv", newline=""))
header = None
for rec in r:
    start = line + 1
    line = r.line_num
    if not rec:
        continue
    if header is None:
        header = rec
        continue
    if len(rec) == 5:
        rows.append([rec[0], rec[1], rec[3], rec[4]])
    else:
        rejects.append(str(start))
w = csv.writer(open("want.rows", "w", newline=""), lineterminator="\n")
w.writerows(rows)
open("want.rejects", "w").write("\n".join(rejects) + "\n")
print(len(rows), "rows", len(rejects), "rejects")
PY

# cdrsift's output, reduced to the same shape
got() {
	/usr/bin/python3 - "$1" "$2" <<-\PY
	import csv, sys
	rows = [[d["caller"], d["callee"], d["duration"], d["status"]]
	        for d in csv.DictReader(open(sys.argv[1], newline=""))]
	w = csv.writer(open(sys.argv[1] + ".rows", "w", newline=""),
	               lineterminator="\n")
	w.writerows(rows)
	lines = [d["line"] for d in csv.DictReader(open(sys.argv[2], newline=""))]
	open(sys.argv[2] + ".lines", "w").write("\n".join(lines) + "\n")
	PY
}

check_run() {
	test_cmp want.rows out.csv.rows && test_cmp want.rejects rej.csv.lines
}

test_expect_success 'the oracle sees every kind of line end' '
	test "$(tr -dc "\r" <mixed.csv | wc -c)" -gt 1000 &&
	test "$(wc -l <want.rejects)" -gt 50
'

for j in 1 2; do
	for bs in "" 61 64 97 128 1000 4096; do
		test_expect_success "-j$j, blocks ${bs:-default}: rows and reject lines as Python's csv reads them" '
			CDRSIFT_BLOCK_SIZE=$bs test_exit 1 cdrsift filter -j$j -f csv \
				--rejects rej.csv mixed.csv >out.csv 2>err &&
			got out.csv rej.csv && check_run
		'
	done
done

test_expect_success 'standard input (a pipe) reads the same rows' '
	cat mixed.csv | test_exit 1 cdrsift filter -f csv --rejects rej.csv - \
		>out.csv 2>err &&
	got out.csv rej.csv && check_run
'
test_expect_success 'gzip in two members cut next to a CR reads the same rows' '
	/usr/bin/python3 -c "
import gzip
d = open(\"mixed.csv\", \"rb\").read()
k = d.index(b\"\\r\", len(d) // 2) + 1
open(\"mixed.csv.gz\", \"wb\").write(gzip.compress(d[:k]) + gzip.compress(d[k:]))
" &&
	test_exit 1 cdrsift filter -f csv --rejects rej.csv mixed.csv.gz \
		>out.csv 2>err &&
	got out.csv rej.csv && check_run
'
test_expect_success 'stats counts every row Python reads; its messages name the lines' '
	test_exit 1 cdrsift stats -f json mixed.csv >s.json 2>err &&
	/usr/bin/python3 -c "
import csv, json
a = json.load(open(\"s.json\"))[\"meta\"][\"accounting\"]
rows = len(list(csv.reader(open(\"want.rows\", newline=\"\"))))
rej = sum(1 for _ in open(\"want.rejects\"))
assert (a[\"read\"], a[\"accepted\"], a[\"rejected\"]) == (rows + rej, rows, rej), a
" &&
	sed -n "s/^cdrsift: mixed.csv:\([0-9]*\): .*/\1/p" err >err.lines &&
	n=$(wc -l <err.lines) && test "$n" -ge 10 &&
	head -n "$n" want.rejects >want.first &&
	test_cmp want.first err.lines
'
test_done
