#!/bin/sh
# Dates as spreadsheets leave them (issue 12): unpadded months, days and
# hours, minutes without seconds, day first in DD/MM/YYYY by default and
# month first with --date-order mdy. A date whose month field is above 12
# in the order in force is rejected with a reason that names --date-order,
# and a hint once per input says which option to set; it is never re-read
# in the other order. Expected instants from Python's datetime reading the
# same text with the man page's rules (TIMESTAMPS).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

$PY - <<'PY'
import csv, random
rnd = random.Random(2350)
def w(name, rows):
    with open(name, "w", newline="") as f:
        c = csv.writer(f, lineterminator="\n")
        c.writerow(["id", "caller", "callee", "start", "duration"])
        c.writerows(rows)
ymd, dmy, mdy = [], [], []
for i in range(1, 301):
    y, m, d = rnd.choice([2015, 2020, 2025]), rnd.randint(1, 12), rnd.randint(1, 28)
    h, mi, s = rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59)
    secs = ":%02d" % s if i % 2 else ""
    ymd.append([i, "601", "602", "%d/%d/%d %d:%02d%s" % (y, m, d, h, mi, secs), 5])
    dmy.append([i, "601", "602", "%d/%d/%d %d:%02d%s" % (d, m, y, h, mi, secs), 5])
    mdy.append([i, "601", "602", "%d/%d/%d %d:%02d%s" % (m, d, y, h, mi, secs), 5])
w("ymd.csv", ymd); w("dmy.csv", dmy); w("mdy.csv", mdy)
PY

cat >want.py <<'PY'
import csv, sys
from datetime import datetime
path, order = sys.argv[1], sys.argv[2]
for r in csv.DictReader(open(path, newline="")):
    d, t = r["start"].split(" ")
    a, b, c = (int(x) for x in d.split("/"))
    if a > 999:
        y, m, dd = a, b, c
    elif order == "dmy":
        dd, m, y = a, b, c
    else:
        m, dd, y = a, b, c
    hms = [int(x) for x in t.split(":")] + [0]
    print("%s,%s" % (r["id"], datetime(y, m, dd, hms[0], hms[1], hms[2]).strftime("%Y-%m-%dT%H:%M:%SZ")))
PY
got() { $PY -c 'import csv, sys; [print("%s,%s" % (r["id"], r["start"])) for r in csv.DictReader(sys.stdin)]'; }

test_expect_success 'YYYY/M/D H:MM[:SS] reads as Python reads it' '
	$PY want.py ymd.csv dmy >want &&
	cdrsift filter -f csv ymd.csv >out.csv && got <out.csv >got &&
	test_cmp want got
'
test_expect_success 'D/M/YYYY is day first by default' '
	$PY want.py dmy.csv dmy >want &&
	cdrsift filter -f csv dmy.csv >out.csv && got <out.csv >got &&
	test_cmp want got
'
test_expect_success '--date-order dmy is the default spelled out' '
	cdrsift filter -f csv --date-order dmy dmy.csv >out2.csv &&
	test_cmp out.csv out2.csv
'
test_expect_success '--date-order mdy reads M/D/YYYY' '
	$PY want.py mdy.csv mdy >want &&
	cdrsift filter -f csv --date-order mdy mdy.csv >out.csv && got <out.csv >got &&
	test_cmp want got
'
test_expect_success '--date-order does not touch YYYY-first dates' '
	cdrsift filter -f csv ymd.csv >a.csv &&
	cdrsift filter -f csv --date-order mdy ymd.csv >b.csv &&
	test_cmp a.csv b.csv
'
# the rows whose month field is above 12 in the order in force, by Python
cat >conflict.py <<'PY'
import csv, sys
path, order = sys.argv[1], sys.argv[2]
for n, r in enumerate(csv.DictReader(open(path, newline="")), 2):
    a, b, c = (int(x) for x in r["start"].split(" ")[0].split("/"))
    if (b if order == "dmy" else a) > 12:
        print(n)
PY
test_expect_success 'a month-first file read day first: those rows rejected, never re-read' '
	$PY conflict.py mdy.csv dmy >want_lines && test -s want_lines &&
	n=$(wc -l <want_lines) &&
	test_exit 1 cdrsift filter -f csv --max-reject-messages 0 --rejects rj.csv mdy.csv >out.csv 2>err &&
	$PY -c "import csv, sys; [print(r[1]) for r in csv.reader(open(\"rj.csv\")) if r[2] == \"month above 12 in a day-first date (see --date-order)\"]" >got_lines &&
	test_cmp want_lines got_lines &&
	test $(grep -c "month above 12" err) = 1 &&
	grep -q "^cdrsift: mdy.csv: $n rows with a month above 12 in a day-first date: if the file writes months first, run again with --date-order mdy$" err
'
test_expect_success 'the other rows of that file are read day first (no silent swap)' '
	$PY -c "
import csv
from datetime import datetime
for r in csv.DictReader(open(\"mdy.csv\", newline=\"\")):
    d, t = r[\"start\"].split(\" \")
    a, b, y = (int(x) for x in d.split(\"/\"))
    if b > 12: continue
    try: v = datetime(y, b, a, *[int(x) for x in (t.split(\":\") + [\"0\"])[:3]])
    except ValueError: continue
    print(\"%s,%s\" % (r[\"id\"], v.strftime(\"%Y-%m-%dT%H:%M:%SZ\")))
" >want &&
	got <out.csv >got && test_cmp want got
'
test_expect_success 'a day-first file read with --date-order mdy: the reason names the option' '
	test_exit 1 cdrsift filter --count --date-order mdy dmy.csv >out 2>err &&
	grep -q "^cdrsift: dmy.csv:[0-9]*: month above 12 in a month-first date (see --date-order) (column .start.: " err &&
	grep -q "^cdrsift: dmy.csv: [0-9]* rows\{0,1\} with a month above 12 in a month-first date: if the file writes days first, run again with --date-order dmy$" err
'
test_expect_success 'the hint is given once per input, threaded too' '
	cp mdy.csv mdy2.csv &&
	test_exit 1 cdrsift filter --count -j 2 --max-reject-messages 0 mdy.csv mdy2.csv >out 2>err &&
	test $(grep -c "run again with --date-order mdy" err) = 2 &&
	grep -q "^cdrsift: mdy2.csv: .* --date-order mdy$" err
'
test_expect_success 'split date and time columns follow --date-order too' '
	printf "id,caller,date,time\n1,601,4/3/2025,8:05\n2,601,3/25/2025,9:00\n" >split.csv &&
	cdrsift filter -f csv --date-order mdy split.csv >o.csv &&
	got <o.csv >g && printf "1,2025-04-03T08:05:00Z\n2,2025-03-25T09:00:00Z\n" >w && test_cmp w g &&
	test_exit 1 cdrsift filter -f csv split.csv >o.csv 2>err &&
	got <o.csv >g && printf "1,2025-03-04T08:05:00Z\n" >w && test_cmp w g &&
	grep -q "split.csv:3: month above 12 in a day-first date (see --date-order)" err
'
test_expect_success 'an unknown --date-order is a usage error' '
	test_exit 2 cdrsift filter --count --date-order ymd dmy.csv 2>err &&
	grep -q "^cdrsift: --date-order: expected dmy or mdy, found .ymd.$" err
'
test_done
