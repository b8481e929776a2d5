#!/bin/sh
# --suppress-below (issue 17) on stats: an input whose distinct
# subscribers are fewer than N shows no figures (its accounting stays),
# and the total's figures go too, so subtraction recovers nothing; the
# oracle (python sqlite3) counts distinct subscribers per input from the
# man page's definition and checks every released figure.
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start,duration\n601111,602222,2025-01-03 08:00:00,5\n601111,602223,2025-01-03 08:30:00,5\n' >b.csv
printf 'caller,callee,start,duration\n603333,602222,2025-01-03 08:00:00,5\n604444,602222,2025-01-03 08:30:00,5\n605555,602222,2025-01-03 09:30:00,5\n' >c.csv
printf 'caller,callee,start,duration\n606666,602222,2025-01-04 08:00:00,5\n607777,602222,2025-01-04 08:30:00,5\n608888,602222,2025-01-04 09:30:00,5\n609999,602222,2025-01-04 09:40:00,5\n' >d.csv

cat >oracle.py <<'PY'
import csv, sqlite3, sys
n = int(sys.argv[1])
db = sqlite3.connect(':memory:')
db.execute('create table r(input, caller)')
for f in ('b.csv', 'c.csv', 'd.csv'):
    for row in csv.DictReader(open(f)):
        db.execute('insert into r values (?, ?)', (f, row['caller']))
subs = dict(db.execute('select input, count(distinct caller) from r group by input'))
out = list(csv.DictReader(open('out.csv')))
hidden = [f for f in subs if subs[f] < n]
for row in out:
    f = row['input']
    if f in subs:
        # accounting stays; figures go exactly when the group is small
        assert row['read'] != '', row
        if f in hidden:
            assert row['subscribers'] == row['first'] == row['voice'] == '', row
        else:
            assert row['subscribers'] == str(subs[f]), (row, subs[f])
    else:
        tot = row
if hidden:
    # no total figure to subtract from
    assert tot['subscribers'] == tot['first'] == tot['mo'] == '', tot
else:
    assert tot['subscribers'] != ''
print(len(hidden))
PY

for n in 2 3 4 5; do
	test_expect_success "--suppress-below $n: what the oracle says is hidden, and the total" "
		cdrsift stats --suppress-below $n -f csv b.csv c.csv d.csv >out.csv 2>err &&
		python3 oracle.py $n >hidden &&
		if test \$(cat hidden) -gt 0; then grep -q 'suppress-below $n' err; fi
	"
done
test_expect_success 'filter refuses --suppress-below (records are no groups)' '
	test_exit 2 cdrsift filter --suppress-below 3 b.csv 2>err &&
	grep -q "no aggregate groups" err
'
test_expect_success 'json meta says what was suppressed' '
	cdrsift stats --suppress-below 4 -f json b.csv c.csv d.csv >o.json 2>/dev/null &&
	python3 -c "import json; m = json.load(open(\"o.json\"))[\"meta\"][\"privacy\"]; assert m == {\"suppress_below\": 4, \"suppressed\": 2}, m"
'
test_done
