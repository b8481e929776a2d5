#!/bin/sh
# t6003: the `night` detector of `cdrsift anomalies` against python written
# from the man page (ANOMALIES, night): every column, evidence ranges
# included; defaults, options (a window across midnight), --tz; rows
# shuffled and -j; partial/merge (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >gen.py <<'PY'
import random, sys, time
random.seed(int(sys.argv[1]))
rows = []
day0 = 1735689600  # 2025-01-01T00:00:00Z
for s in range(300):
    sub = '6012%06d' % s
    n = random.randint(5, 45)
    p = random.choice([0.0, 0.3, 0.55, 0.6, 0.62, 0.7, 0.9, 1.0])
    for k in range(n):
        d = random.randint(0, 9)
        if random.random() < p:
            h = random.choice([0, 1, 2, 3, 4, 4])
        else:
            h = random.choice([5, 6, 12, 16, 19, 21, 22, 23])
        t = day0 + d * 86400 + h * 3600 + random.randint(0, 3599)
        rows.append((sub, t, random.choice(['voice', 'sms', 'data'])))
random.shuffle(rows)
print('caller,callee,type,direction,start,duration')
# instants in UTC (Z): with --tz the local hour moves, the instant not
f = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
for sub, t, ty in rows:
    print('%s,60999,%s,mo,%s,%d' % (sub, ty, f(t), 30 if ty == 'voice' else 0))
PY

cat >oracle.py <<'PY'
# night, as the man page defines it: N records of a subscriber, n of them
# starting at a local hour h in the window (from <= h < to, or across
# midnight h >= from or h < to); a flag when N >= min and 100 n >= share N.
import csv, sys, time, calendar
path, nmin, share, hf, ht, off = sys.argv[1], *map(int, sys.argv[2:7])
ts = lambda s: calendar.timegm(time.strptime(s, '%Y-%m-%dT%H:%M:%SZ'))
zone = 'Z' if off == 0 else '%+03d:%02d' % (off // 3600, off % 3600 // 60)
iso = lambda x: time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(x + off)) + zone
win = (lambda h: hf <= h < ht) if hf < ht else (lambda h: h >= hf or h < ht)
subs = {}
for i, r in enumerate(csv.DictReader(open(path))):
    t = ts(r['start'])
    subs.setdefault(r['caller'], []).append((t, i + 2, win(((t + off) // 3600) % 24)))
for sub in sorted(subs, key=lambda s: s.encode()):
    rs = subs[sub]
    N = len(rs)
    night = [x for x in rs if x[2]]
    n = len(night)
    if n == 0 or N < nmin or 100 * n < share * N:
        continue
    lines = sorted(x[1] for x in night)
    ev, i = [], 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1] == lines[j] + 1:
            j += 1
        ev.append('%s:%d' % (path, lines[i]) + ('-%d' % lines[j] if j > i else ''))
        i = j + 1
    print(','.join(['night', sub, iso(min(night)[0]), iso(max(night)[0]),
                    '%.1f' % (100 * n / N),
                    '%d of %d records from %02d:00 to %02d:00' % (n, N, hf, ht),
                    ' '.join(ev)]))
PY

test_setup 'data' '
	python3 gen.py 11 >a.csv &&
	{ head -1 a.csv; tail -n +2 a.csv | sort -R; } >a-shuf.csv
'
check() {
	python3 oracle.py a.csv "$@" >want &&
	cdrsift anomalies --only night -f csv $OPTS a.csv | tail -n +2 >got &&
	test $(wc -l <want) -ge 5 && test_cmp want got
}
test_expect_success 'defaults: every column as the oracle' '
	OPTS= check 30 60 0 5 0
'
test_expect_success 'options: min, share, a window across midnight' '
	OPTS="--night-min 10 --night-share 50 --night-from 22 --night-to 6" \
		check 10 50 22 6 0
'
test_expect_success '--tz moves the window to local hours' '
	OPTS="--tz Asia/Kuala_Lumpur --night-min 10 --night-share 25" \
		check 10 25 0 5 28800
'
test_expect_success 'an empty window and bad shares are refused' '
	test_exit 2 cdrsift anomalies --night-from 3 --night-to 3 a.csv &&
	test_exit 2 cdrsift anomalies --night-share 101 a.csv &&
	test_exit 2 cdrsift anomalies --night-from 24 a.csv
'
test_expect_success 'rows shuffled, -j 1 and -j 2: the same flags but evidence' '
	cdrsift anomalies --only night -f csv -j 1 a.csv | cut -d, -f1-6 >j1 &&
	CDRSIFT_BLOCK_SIZE=4096 cdrsift anomalies --only night -f csv -j 2 \
		a-shuf.csv | cut -d, -f1-6 >j2 &&
	test_cmp j1 j2
'
test_expect_success 'partials merge to the report of one run' '
	mkdir parts && partial_split a.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts anomalies --only night --night-min 10
'
test_done
