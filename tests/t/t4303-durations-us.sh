#!/bin/sh
# Durations are kept in microseconds end to end (issue 11 item 2): parsed
# to the microsecond, derived from end - start with microsecond stamps,
# summed as integers, shown as "0.000123", compared with duration literals
# ("500us", "1ms", "0.0002") in filters. Zeek-style sessions under a
# millisecond used to sum to 0. Expected figures: Python's decimal module.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

cat >mk.py <<'PY'
import random
rnd = random.Random(7)
# Zeek conn.log style: ts (Unix seconds with microseconds) and a duration
with open('zeek.csv', 'w') as f:
    f.write('subscriber,start,dst_ip,duration,bytes_up,bytes_down\n')
    for i in range(400):
        d = '0.%06d' % rnd.randint(1, 999) if i % 3 else '%d.%06d' % (rnd.randint(0, 5), rnd.randint(0, 999999))
        f.write('60%d,%d.%06d,192.0.2.%d,%s,%d,%d\n' % (rnd.randint(1, 5), 1735891200 + i, rnd.randint(0, 999999),
                rnd.randint(1, 9), d, rnd.randint(0, 99), rnd.randint(0, 99)))
# start and end only: the duration is end - start, to the microsecond
with open('span.csv', 'w') as f:
    f.write('caller,callee,start,end\n')
    for i in range(300):
        s = rnd.randint(0, 999999)
        e = s + rnd.randint(0, 2500)
        f.write('60%d,60199,2025-01-03T08:%02d:00.%06d,2025-01-03T08:%02d:%02d.%06d\n' % (
            rnd.randint(1, 4), i % 60, s, i % 60, e // 1000000, e % 1000000))
PY
$PY mk.py

# python3 sums.py FILE KEY: key,records,total,mean,max (volume's first columns)
cat >sums.py <<'PY'
import csv, sys
from decimal import Decimal
path, key = sys.argv[1], sys.argv[2]
def us_of(r):
    if 'duration' in r:
        return int(Decimal(r['duration']) * 1000000)
    def stamp(t):   # 2025-01-03T08:MM:SS.ffffff -> microseconds of the hour
        return (int(t[14:16]) * 60 + int(t[17:19])) * 1000000 + int(t[20:26])
    return stamp(r['end']) - stamp(r['start'])
def fmt(v):
    if v % 1000000 == 0: return str(v // 1000000)
    if v % 1000 == 0: return '%d.%03d' % (v // 1000000, v % 1000000 // 1000)
    return '%d.%06d' % (v // 1000000, v % 1000000)
g = {}
for r in csv.DictReader(open(path)):
    g.setdefault(r[key], []).append(us_of(r))
for k, v in sorted(g.items()):
    print('%s,%d,%s,%s,%s' % (k, len(v), fmt(sum(v)), fmt(sum(v) // len(v)), fmt(max(v))))
PY

test_expect_success 'sub-millisecond durations sum exactly (Zeek)' '
	$PY sums.py zeek.csv subscriber >want &&
	cdrsift volume --by subscriber --sort key -f csv zeek.csv >run.out &&
	<run.out tail -n +2 | cut -d, -f1-5 >got &&
	test_cmp want got
'
test_expect_success 'a duration derived from end - start keeps the microseconds' '
	$PY sums.py span.csv caller >want &&
	cdrsift volume --by caller --sort key -f csv span.csv >run.out &&
	<run.out tail -n +2 | cut -d, -f1-5 >got &&
	test_cmp want got
'
test_expect_success 'filter shows a duration as 0.000123' '
	printf "caller,callee,start,duration\n601,602,2025-01-03T08:00:00Z,0.000123\n601,602,2025-01-03T08:00:00Z,93.5\n601,602,2025-01-03T08:00:00Z,0.0001239\n" >one.csv &&
	cdrsift filter -f csv one.csv >run.out &&
	<run.out cut -d, -f8 >got &&
	printf "duration\n0.000123\n93.500\n0.000123\n" >want &&
	test_cmp want got
'
for expr in "duration < 500us" "duration < 1ms" "duration > 0.0002" "duration >= 123us" \
	"duration == \"0.000123\"" "duration < 0.5ms and duration > 0"; do
	test_expect_success "filter -w '$expr' against Python" "
		$PY -c '
import csv, sys
from decimal import Decimal
e = sys.argv[1].replace(\"and\", \"and\")
n = 0
for r in csv.DictReader(open(\"zeek.csv\")):
    d = Decimal(r[\"duration\"])
    us, ms = Decimal(\"0.000001\"), Decimal(\"0.001\")
    ok = {
        \"duration < 500us\": d < 500 * us,
        \"duration < 1ms\": d < ms,
        \"duration > 0.0002\": d > Decimal(\"0.0002\"),
        \"duration >= 123us\": d >= 123 * us,
        \"duration == \\\"0.000123\\\"\": d == Decimal(\"0.000123\"),
        \"duration < 0.5ms and duration > 0\": d < ms / 2 and d > 0,
    }[e]
    n += ok
print(n)
' '$expr' >want &&
		cdrsift filter -w '$expr' -f csv zeek.csv >run.out &&
		<run.out tail -n +2 | wc -l | tr -d ' ' >got &&
		test_cmp want got
	"
done
test_expect_success 'the expression dump shows microsecond literals' '
	cdrsift filter --debug-dump-expr -w "duration < 250us" one.csv >out 2>&1 &&
	grep -q "dur:250us" out
'
test_done
