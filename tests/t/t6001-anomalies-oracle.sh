#!/bin/sh
# t6001: `cdrsift anomalies` travel and duration flags against an
# independent python implementation of the man page definitions (ANOMALIES),
# with defaults and with options; the same flags with rows shuffled and
# any -j; partial/merge through the shared helper (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >gen.py <<'PY'
import random, sys
random.seed(int(sys.argv[1]))
cities = [(3.139, 101.6869), (5.98, 116.07), (1.3521, 103.8198),
          (3.07, 101.52), (2.19, 102.25)]
rows = []
for s in range(200):
    sub = '6011%06d' % s
    t = 1735891200 + random.randint(0, 3600)
    for k in range(random.randint(1, 12)):
        t += random.choice([0, 60, 600, 1800, 3600, 7200, 36000])
        c = random.choice(cities[:2] if s % 3 == 0 else cities[2:4])
        lat = c[0] + random.uniform(-0.2, 0.2)
        lon = c[1] + random.uniform(-0.2, 0.2)
        d = random.choice([30, 60, 120, 0, 30000, 200])
        e = t + (d if random.random() < 0.8 else d + random.choice([3, 10, 600]))
        rows.append((sub, t, e, d, lat, lon))
random.shuffle(rows)
print('caller,callee,type,direction,start,end,duration,lat,lon')
import time
f = lambda x: time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(x))
for sub, t, e, d, lat, lon in rows:
    print('%s,60999,voice,mo,%s,%s,%d,%.6f,%.6f' % (sub, f(t), f(e), d, lat, lon))
PY

cat >oracle.py <<'PY'
# The man page definitions, written again: travel and duration.
import csv, math, sys, time, calendar
path, speed, dist, maxdur, slack = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
R = 6371008.8
def hav(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1, math.sqrt(h))) / 1000
ts = lambda s: calendar.timegm(time.strptime(s, '%Y-%m-%d %H:%M:%S'))
iso = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
recs = []
with open(path) as f:
    for i, r in enumerate(csv.DictReader(f)):
        recs.append((r['caller'], ts(r['start']), i + 2, ts(r['end']),
                     int(r['duration']), (round(float(r['lat']) * 1e6) / 1e6,
                                          round(float(r['lon']) * 1e6) / 1e6)))
recs.sort(key=lambda x: (x[0].encode(), x[1], round(x[5][0] * 1e6), round(x[5][1] * 1e6), x[2]))
out = []
for i in range(1, len(recs)):
    a, b = recs[i - 1], recs[i]
    if a[0] != b[0]:
        continue
    km = hav(a[5], b[5]); dt = b[1] - a[1]
    if km > dist and (dt == 0 or km / (dt / 3600) > speed):
        out.append(('travel', a[0], iso(a[1]), iso(b[1])))
for r in recs:
    bad = r[4] < 0 or r[4] > maxdur or abs((r[3] - r[1]) - r[4]) > slack
    if bad:
        out.append(('duration', r[0], iso(r[1]), iso(r[1])))
for o in out:
    print(','.join(o))
PY

test_setup 'data' '
	python3 gen.py 7 >a.csv && python3 gen.py 8 >b.csv &&
	{ head -1 a.csv; tail -n +2 a.csv | sort -R; } >a-shuf.csv
'

check() {
	python3 oracle.py a.csv "$@" >want &&
	# its records repeat (parties, start, duration) on purpose (equal
	# starts): duplicates by that detector's key, tested in t6150
	cdrsift anomalies -f csv --only travel,duration,night,imei-invalid,imei \
		$OPTS a.csv >got.csv &&
	python3 -c "
import csv, sys
for r in csv.DictReader(open(\"got.csv\")):
    print(\",\".join([r[\"kind\"], r[\"entity\"], r[\"from\"], r[\"to\"]]))
" >got &&
	[ -s want ] && test_cmp want got
}

test_expect_success 'defaults: travel and duration as the oracle finds' '
	OPTS= check 1000 50 21600 5
'
test_expect_success 'thresholds as options' '
	OPTS="--travel-speed 300 --travel-distance 20 --max-duration 100 --duration-slack 2" \
		check 300 20 100 2
'
test_expect_success '--only selects' '
	cdrsift anomalies --only duration -f csv a.csv >d.csv &&
	! grep -q "^travel," d.csv && grep -q "^duration," d.csv &&
	test_exit 2 cdrsift anomalies --only bogus a.csv
'
test_expect_success 'rows shuffled, -j 1 and -j 2: the same flags but evidence' '
	cdrsift anomalies -f csv -j 1 a.csv | cut -d, -f1-4 >j1 &&
	cdrsift anomalies -f csv -j 2 a-shuf.csv | cut -d, -f1-4 >j2 &&
	test_cmp j1 j2
'
cat >evcheck.py <<'PY'
# Every evidence input:line of a flags file, read back as the physical
# line of the input (LF, CRLF, CR each end one; the header is line 1):
# the row names the flag's entity, and its start is the flag's from (the
# first record) or to (the last); for kinds of many records, between; for
# gap, the two records around the empty hours.
import csv, gzip, io, re, sys
flags, files = sys.argv[1], sys.argv[2:]
lines = {}
for f in files:
    raw = (gzip.open if f.endswith('.gz') else open)(f, 'rb').read().decode()
    lines[f] = re.split(r'\r\n|\n|\r', raw)
n = 0
norm = lambda x: x.rstrip('Z').replace('T', ' ')
for r in csv.DictReader(open(flags)):
    ev = []
    for e in r['evidence'].split():
        path, line = e.rsplit(':', 1)
        lo, _, hi = line.partition('-')
        ev += [(path, k) for k in range(int(lo), int(hi or lo) + 1)]
    assert ev, r
    if r['kind'] == 'gap':
        # the last record before the empty hours and the first after
        st = [norm(next(csv.reader([lines[p][l - 1]]))[next(csv.reader(
              [lines[p][0]])).index('start')]) for p, l in ev]
        assert len(st) == 2 and min(st) < norm(r['from']) <= norm(r['to']) <= max(st), (r, st)
        n += 2
        continue
    for k, (path, line) in enumerate(ev):
        row = next(csv.reader([lines[path][line - 1]]))
        # imei: the handset is the first 14 digits of the row's IMEI
        assert r['entity'] == '*' or any(x == r['entity'] or (r['kind'] == 'imei' and
                   x.startswith(r['entity'])) for x in row), (path, line, row)
        start = norm(row[next(csv.reader([lines[path][0]])).index('start')])
        if r['kind'] in ('travel', 'duration'):
            want = r['from'] if k == 0 else r['to']
            assert norm(want) == start, (path, line, want, row)
        else:
            assert norm(r['from']) <= start <= norm(r['to']), (path, line, row)
        n += 1
assert n > 0
print(n)
PY

test_expect_success 'evidence names the physical lines of the input' '
	cdrsift anomalies -f csv a.csv >got.csv &&
	python3 evcheck.py got.csv a.csv
'
test_expect_success 'multi-block inputs: evidence lines absolute at -j1 and -j2' '
	"$GEN" --rows 60000 --seed 4 --subscribers 3000 --anomalies >big.csv &&
	python3 -c "import sys; d=open(\"big.csv\",\"rb\").read(); open(\"crlf.csv\",\"wb\").write(d.replace(b\"\\n\",b\"\\r\\n\"))" &&
	gzip -c big.csv >big.csv.gz &&
	for f in big.csv crlf.csv big.csv.gz; do
		for j in 1 2; do
			for bs in 65536 0; do
				CDRSIFT_BLOCK_SIZE=$bs cdrsift anomalies -f csv \
					-j $j $f >ev-$j-$bs.csv &&
				python3 evcheck.py ev-$j-$bs.csv $f >n &&
				test $(cat n) -ge 7 || return 1
			done
		done
	done &&
	test_cmp ev-1-65536.csv ev-2-0.csv
'
test_expect_success 'partials merge to the report of one run' '
	mkdir parts && cp a.csv parts/a.csv && cp b.csv parts/b.csv &&
	PARTIAL_TREES=3 partial_check parts anomalies
'
test_done
