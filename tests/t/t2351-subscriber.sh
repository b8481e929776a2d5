#!/bin/sh
# --subscriber NUMBER (issue 12): a bandicoot-style export of one target
# (interaction, direction in/out, correspondent_id, datetime, ...) has no
# subscriber column; the option makes the number the served party of every
# record, normalised as any number (--country applies), so caller/callee,
# subscriber, peer and volume --by subscriber work. With caller and callee
# columns the option checks: the party the direction serves must be the
# number (or missing, then it is filled), an unknown direction becomes mo
# or mt by the party that is the number, and a record that is not the
# number's is rejected. Expected figures from Python's csv module with the
# man page's rules (Served-party mode, --subscriber).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

$PY - <<'PY'
import csv, random
rnd = random.Random(2351)
with open("bc.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["interaction", "direction", "correspondent_id", "datetime", "call_duration", "antenna_id"])
    for i in range(400):
        w.writerow([rnd.choice(["call", "text"]), rnd.choice(["in", "out"]),
                    "0%d" % rnd.choice([112345678, 123456789, 139998887, 177776666]),
                    "2014-03-%02d %02d:%02d:00" % (rnd.randint(1, 28), rnd.randint(0, 23), rnd.randint(0, 59)),
                    rnd.randint(1, 900), rnd.randint(1, 30)])
PY

cat >oracle.py <<'PY'
import csv, sys
N = "60191234567"                       # 019-123 4567 with --country 60
def norm(x): return "60" + x[1:] if x.startswith("0") else x
what = sys.argv[1]
rows = list(csv.DictReader(open("bc.csv", newline="")))
if what == "parties":
    for r in rows:
        o = norm(r["correspondent_id"])
        print(",".join((N, o) if r["direction"] == "out" else (o, N)))
else:
    n = {}
    for r in rows:
        k = norm(r["correspondent_id"])
        c, d = n.get(k, (0, 0))
        n[k] = (c + 1, d + int(r["call_duration"]))
    for k in sorted(n):
        print("%s,%s,%d,%d" % (N, k, n[k][0], n[k][1]))
PY

test_expect_success 'the number is the served party of every record, by direction' '
	$PY oracle.py parties >want &&
	cdrsift filter -f csv --country 60 --subscriber "019-123 4567" bc.csv >out.csv &&
	$PY -c "import csv, sys; [print(r[\"caller\"] + \",\" + r[\"callee\"]) for r in csv.DictReader(sys.stdin)]" <out.csv >got &&
	test_cmp want got
'
test_expect_success '--country after --subscriber applies too' '
	cdrsift filter -f csv --subscriber 0191234567 --country 60 bc.csv >out2.csv &&
	test_cmp out.csv out2.csv
'
test_expect_success 'volume --by subscriber,peer counts as Python does' '
	$PY oracle.py volume >want &&
	cdrsift volume -f csv --by subscriber,peer --sort key --country 60 --subscriber +60191234567 bc.csv >v.csv &&
	$PY -c "import csv, sys; [print(\",\".join((r[\"subscriber\"], r[\"peer\"], r[\"records\"], r[\"duration_total\"]))) for r in csv.DictReader(sys.stdin)]" <v.csv >got &&
	test_cmp want got
'
test_expect_success '-w on subscriber and peer sees the number' '
	n=$($PY -c "import csv; print(sum(1 for r in csv.DictReader(open(\"bc.csv\")) if r[\"direction\"] == \"in\" and r[\"correspondent_id\"] == \"0112345678\"))") &&
	cdrsift filter --count --country 60 --subscriber 0191234567 -w "subscriber == 60191234567 and peer == 60112345678 and direction == mt" bc.csv >c &&
	printf "count\n%s\n" $n >want && test_cmp want c
'
test_expect_success 'caller and callee columns: records not the number'"'"'s are rejected' '
	cat >cc.csv <<-\EOF &&
	id,caller,callee,direction,start
	1,0123,0999,,2025-01-01 00:00
	2,0999,0123,,2025-01-01 00:01
	3,0999,0888,,2025-01-01 00:02
	4,0999,0123,mo,2025-01-01 00:03
	5,,0777,mo,2025-01-01 00:04
	6,0123,0123,,2025-01-01 00:05
	7,0555,,mt,2025-01-01 00:06
	EOF
	test_exit 1 cdrsift filter -f csv --country 60 --subscriber 0123 cc.csv >out.csv 2>err &&
	$PY -c "import csv, sys; [print(\",\".join((r[\"id\"], r[\"direction\"], r[\"caller\"], r[\"callee\"]))) for r in csv.DictReader(sys.stdin)]" <out.csv >got &&
	cat >want <<-\EOF &&
	1,mo,60123,60999
	2,mt,60999,60123
	5,mo,60123,60777
	6,mo,60123,60123
	7,mt,60555,60123
	EOF
	test_cmp want got &&
	grep -q "^cdrsift: cc.csv:4: served party is not the --subscriber number" err &&
	grep -q "^cdrsift: cc.csv:5: served party is not the --subscriber number" err &&
	test $(grep -c "served party is not" err) = 2
'
test_expect_success 'a served-party column must hold the number; an empty one is filled' '
	printf "msisdn,other party,call type,start\n0123,0999,MOC,2025-01-01 00:00\n0124,0999,MOC,2025-01-01 00:01\n,0888,MTC,2025-01-01 00:02\n" >sv.csv &&
	test_exit 1 cdrsift filter -f csv --country 60 --subscriber 0123 sv.csv >out.csv 2>err &&
	$PY -c "import csv, sys; [print(\",\".join((r[\"caller\"], r[\"callee\"]))) for r in csv.DictReader(sys.stdin)]" <out.csv >got &&
	printf "60123,60999\n60888,60123\n" >want && test_cmp want got &&
	grep -q "^cdrsift: sv.csv:3: served party is not the --subscriber number" err
'
test_expect_success 'a --subscriber that is no number is a usage error' '
	test_exit 2 cdrsift filter --count --subscriber alice bc.csv 2>err &&
	grep -q "^cdrsift: --subscriber: expected a phone number, found .alice.$" err
'
test_done
