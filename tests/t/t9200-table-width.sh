#!/bin/sh
# Tables fit the terminal when they can (DESIGN 6, issue 11 item 6): at
# COLUMNS=40, 60, 80 and 120 and in a real pty of those widths, no line of
# filter, volume, stats or schema output is wider than the terminal;
# numbers are never cut (every number of the csv output is whole in the
# table); the note under a narrowed table names exactly the columns the
# csv output has and the table does not; csv and json carry every column.
. "$(dirname "$0")/lib.sh"

cp "$TESTDATA"/demo/cdr-canonical.csv.gz cdr.csv.gz &&
cp "$TESTDATA"/demo/cdr-bad.csv.gz bad.csv.gz &&
cp "$TESTDATA"/demo/ip-ipdr.csv.gz ip.csv.gz || exit 2

# one line of arguments per case: the table must fit, the csv is the oracle
cat >cases <<\EOF_CASES
filter cdr.csv.gz
filter -w dst_port==443 ip.csv.gz
filter --tz Asia/Kuala_Lumpur -w hour==3 cdr.csv.gz
volume --by caller --top 30 cdr.csv.gz
volume --by hour cdr.csv.gz
volume --by date --tz Asia/Kuala_Lumpur cdr.csv.gz
volume --by cell,type cdr.csv.gz
volume --by subscriber --top 20 ip.csv.gz
volume --by dst_ip --top 20 ip.csv.gz
schema cdr.csv.gz
EOF_CASES

# the checker: python3 check.py WIDTH TABLE CSV (table output, csv output)
cat >check.py <<\PY
import csv, re, sys
width = int(sys.argv[1])
table = open(sys.argv[2], encoding="utf-8").read().split("\n")
assert table[-1] == "", "no final newline"
table = table[:-1]
rows = list(csv.reader(open(sys.argv[3], newline="", encoding="utf-8")))
header, data = rows[0], rows[1:]
over = [l for l in table if len(l) > width]
assert not over, ("wider than %d" % width, over[:3])
# the note, when there is one, names what is left out
text = " ".join(l.strip() for l in table)
m = re.search(r"\(to fit (\d+) columns: (.*?); -f csv shows all\)", text)
shown = table[0].split()
if sys.argv[4] == "schema":
    sys.exit(0)  # its table has a title line and no csv twin of the same shape
left = [c for c in header if c not in shown]
if left:
    assert m, ("columns left out without a note", left)
    assert int(m.group(1)) == width
    lo = re.search(r"left out: (.*)$", m.group(2))
    assert lo, m.group(2)
    assert lo.group(1).split(", ") == left, (lo.group(1), left)
else:
    assert not m or "left out" not in m.group(2), m.group(2)
assert shown == [c for c in header if c in shown], ("order", shown)
# numbers are whole: every numeric csv cell of a shown column is in its row
num = re.compile(r"^-?\d+(\.\d+)?$")
body = table[1:1 + len(data)]
assert len(body) == len(data), (len(body), len(data))
for line, r in zip(body, data):
    for c, v in zip(header, r):
        if c in shown and num.match(v) and c not in ("id",):
            assert re.search(r"(?<![\d.])" + re.escape(v) + r"(?![\d.])", line), (c, v, line)
print("ok", width, len(table), "lines")
PY

# a real terminal of WIDTH columns: python3 runpty.py WIDTH OUT cdrsift ARGS...
cat >runpty.py <<\PY
import fcntl, os, pty, struct, subprocess, sys, termios
width, out, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
m, s = pty.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
attr = termios.tcgetattr(s)
attr[1] &= ~termios.ONLCR  # keep "\n" as written
termios.tcsetattr(s, termios.TCSANOW, attr)
env = dict(os.environ)
env.pop("COLUMNS", None)
p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=s,
                     stderr=subprocess.DEVNULL, env=env)
os.close(s)
chunks = []
while True:
    try:
        b = os.read(m, 65536)
    except OSError:
        break
    if not b:
        break
    chunks.append(b)
p.wait()
open(out, "wb").write(b"".join(chunks))
sys.exit(p.returncode)
PY

run_case() { # WIDTH ARGS...: table by COLUMNS and by a pty, csv, then check
	w=$1; shift
	COLUMNS=$w cdrsift "$@" -f table >t.out 2>/dev/null; rc=$?
	[ $rc -le 1 ] || { echo "exit $rc: $*"; return 1; }
	cdrsift "$@" -f csv >c.out 2>/dev/null; rc2=$?
	[ $rc2 -eq $rc ] || { echo "csv exit $rc2, table $rc: $*"; return 1; }
	/usr/bin/python3 check.py "$w" t.out c.out "$1" || return 1
	/usr/bin/python3 runpty.py "$w" p.out $CDRSIFT_RUN "$@"; rc3=$?
	[ $rc3 -eq $rc ] || { echo "pty exit $rc3: $*"; return 1; }
	cmp t.out p.out || { echo "pty output differs from COLUMNS=$w"; return 1; }
}

for w in 40 60 80 120; do
	while read -r args; do
		test_expect_success "COLUMNS=$w and a pty of $w: $args" "
			run_case $w $args
		"
	done <cases
done

test_expect_success 'a narrowed table says what it left out; csv and json keep it' '
	COLUMNS=60 cdrsift volume --by caller cdr.csv.gz -f table >t.out &&
	tr "\n" " " <t.out | tr -s " " | grep -q "left out: duration_max, distinct_peers, distinct_cells, first_seen, last_seen;" &&
	cdrsift volume --by caller cdr.csv.gz -f csv | head -1 | grep -q ",last_seen$" &&
	cdrsift volume --by caller --top 1 cdr.csv.gz -f json >j.out &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"j.out\"))[\"rows\"][0]
assert \"last_seen\" in r and \"first_seen\" in r, r
"
'
test_expect_success 'the bar narrows (not below 10) before columns are left out' '
	COLUMNS=200 cdrsift volume --by hour cdr.csv.gz -f table >wide.out &&
	COLUMNS=60 cdrsift volume --by hour cdr.csv.gz -f table >narrow.out &&
	/usr/bin/python3 - <<-\PY
	import re
	def bar(f):
	    return max(len(m) for l in open(f, encoding="utf-8")
	               for m in re.findall("\u2588+", l))
	assert bar("wide.out") == 30, bar("wide.out")
	assert 10 <= bar("narrow.out") < 30, bar("narrow.out")
	PY
'
test_expect_success 'times are shortened before columns are left out, and the note says how' '
	COLUMNS=120 cdrsift filter -w "caller == \"60121710969\"" cdr.csv.gz -f table >t.out &&
	grep -q "times in UTC, to the minute" t.out &&
	grep -q "^id  *type  *direction  *caller  *callee  *start  *end" t.out
'
test_expect_success 'stats: no line wider than the terminal; figures whole' '
	for w in 40 60 80 120; do
		COLUMNS=$w cdrsift stats -f table cdr.csv.gz bad.csv.gz ip.csv.gz >s.$w 2>/dev/null
		test $? -eq 1 || return 1
	done &&
	test_exit 1 cdrsift stats -f csv cdr.csv.gz bad.csv.gz ip.csv.gz >s.csv 2>/dev/null &&
	/usr/bin/python3 - <<-\PY
	import csv, re
	rows = list(csv.DictReader(open("s.csv", newline="")))
	for w in (40, 60, 80, 120):
	    lines = open("s.%d" % w, encoding="utf-8").read().splitlines()
	    over = [l for l in lines if len(l) > w]
	    assert not over, (w, over)
	    # blocks: a line without indent starts one
	    blocks, cur = [], None
	    for l in lines:
	        if not l.startswith(" "):
	            cur = [l]; blocks.append(cur)
	        else:
	            cur.append(l.strip())
	    assert len(blocks) == 4, [b[0] for b in blocks]
	    for b, r in zip(blocks, rows):
	        text = " ".join(b)
	        for k in ("read", "accepted", "rejected", "subscribers", "cells", "imeis"):
	            assert re.search(r"(?<!\d)%s(?!\d)" % r[k], text), (w, k, r[k], text)
	        if w >= 80 and r["sha256"]:
	            assert r["sha256"] in text, (w, r["sha256"])
	        n = int(r["gaps"])
	        if n > 3:
	            assert ("\u2026 and %d more" % (n - 3)) in text, (w, n, text)
	PY
'
test_expect_success 'in a pty of 60, -o FILE is not narrowed to the terminal' '
	/usr/bin/python3 runpty.py 60 p.out $CDRSIFT_RUN volume --by caller -f table -o file.out cdr.csv.gz &&
	COLUMNS= cdrsift volume --by caller -f table cdr.csv.gz >wide.out &&
	cmp file.out wide.out &&
	test "$(head -1 file.out | wc -c)" -gt 100
'
test_done
