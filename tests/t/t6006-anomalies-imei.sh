#!/bin/sh
# t6006: the `imei` detector of `cdrsift anomalies` against python written
# from the man page (ANOMALIES, imei): every column, both facets, options;
# confounders (dual SIM, IMEISV update, check digit or spare 0) raise
# nothing; shuffled rows and -j; partial/merge (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >gen.py <<'PY'
import random, sys, time
random.seed(int(sys.argv[1]))
day = 86400
t0 = 1735689600
rows = []
tacs = ['35332510', '49015420', '86513603', '35925406']
def hs(i):
    return tacs[i % 4] + '%06d' % (100000 + i)
# random traffic: handsets shared by 1..5 SIMs over 90 days, some
# SIMs moving between handsets; IMSI missing on some rows
for h in range(120):
    base = hs(h)
    nsim = random.choice([1, 1, 2, 2, 3, 4, 5])
    for s in range(nsim):
        imsi = '50212%010d' % (h * 10 + s)
        sub = '6014%06d' % (h * 10 + s)
        for k in range(random.randint(1, 4)):
            t = t0 + random.randint(0, 90 * day)
            form = random.choice([base, base + '0', base + '7', base + '01', base + '23'])
            rows.append((sub, imsi if random.random() < 0.9 else '', form, t))
# one SIM in many handsets
for s in range(8):
    imsi = '50213%010d' % s
    for h in range(random.randint(2, 6)):
        rows.append(('6015%06d' % s, imsi, hs(500 + s * 10 + h), t0 + random.randint(0, 50 * day)))
random.shuffle(rows)
print('caller,callee,type,direction,start,imsi,imei')
f = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
for sub, imsi, im, t in rows:
    print('%s,60999,sms,mo,%s,%s,%s' % (sub, f(t), imsi, im))
PY

cat >oracle.py <<'PY'
# imei as the man page defines it (inputs here hold only valid handsets).
import csv, sys, time, calendar
path, nsims, nhs, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
W = days * 86400
ts = lambda s: calendar.timegm(time.strptime(s, '%Y-%m-%dT%H:%M:%SZ'))
iso = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
recs = []
for i, r in enumerate(csv.DictReader(open(path))):
    sim = ('I' + r['imsi']) if r['imsi'] else ('S' + r['caller'])
    recs.append((r['imei'][:14], sim, ts(r['start']), i + 2))
show = lambda s: ('imsi ' if s[0] == 'I' else 'subscriber ') + s[1:]
def ranges(lines):
    lines = sorted(lines); ev, i = [], 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1] == lines[j] + 1:
            j += 1
        ev.append('%s:%d' % (path, lines[i]) + ('-%d' % lines[j] if j > i else ''))
        i = j + 1
    return ' '.join(ev)
w = csv.writer(sys.stdout, lineterminator='\n')
for by_sim in (0, 1):
    g = (lambda r: r[1]) if by_sim else (lambda r: r[0])
    o = (lambda r: r[0]) if by_sim else (lambda r: r[1])
    groups = {}
    for r in recs:
        groups.setdefault(g(r), []).append(r)
    for key in sorted(groups, key=lambda s: s.encode()):
        rs = sorted(groups[key], key=lambda r: (r[2], (r[1] if not by_sim else r[0]).encode(), r[3]))
        best = None
        for j in range(len(rs)):
            win = [r for r in rs[j:] if r[2] - rs[j][2] < W]
            d = len({o(r) for r in win})
            if best is None or d > best[0]:
                best = (d, win)
        d, win = best
        if d < (nhs if by_sim else nsims):
            continue
        first = {}
        for r in win:
            first.setdefault(o(r), r)
        others = sorted(first, key=lambda s: s.encode())
        detail = '%d %s within %d days: %s' % (d,
            'handsets for one SIM' if by_sim else 'SIMs in one handset', days,
            ' '.join(others if by_sim else [show(x) for x in others]))
        w.writerow(['imei', key[1:] if by_sim else key, iso(win[0][2]), iso(win[-1][2]),
                    str(d), detail, ranges(r[3] for r in first.values())])
PY

test_setup 'data' '
	python3 gen.py 3 >a.csv &&
	{ head -1 a.csv; tail -n +2 a.csv | sort -R; } >a-shuf.csv
'
check() {
	python3 oracle.py a.csv "$@" >want &&
	cdrsift anomalies --only imei -f csv $OPTS a.csv | tail -n +2 >got &&
	test $(wc -l <want) -ge 5 && test_cmp want got
}
test_expect_success 'defaults: both facets, every column as the oracle' '
	OPTS= check 3 4 30
'
test_expect_success 'options: sims, handsets, window' '
	OPTS="--imei-sims 2 --imei-handsets 3 --imei-window 90" check 2 3 90
'
test_expect_success 'confounders: dual SIM, IMEISV update, spare 0 raise nothing' '
	cat >c.csv <<-\CSV &&
	caller,callee,type,direction,start,imsi,imei
	60140000001,60999,voice,mo,2025-01-01T10:00:00Z,502120000000001,353325107548319
	60140000002,60999,voice,mo,2025-01-02T10:00:00Z,502120000000002,3533251075483101
	60140000001,60999,voice,mo,2025-01-03T10:00:00Z,502120000000001,3533251075483102
	60140000002,60999,voice,mo,2025-01-04T10:00:00Z,502120000000002,353325107548310
	60140000001,60999,voice,mo,2025-01-05T10:00:00Z,502120000000001,35332510754831
	CSV
	cdrsift anomalies --only imei -f csv c.csv >got-c &&
	test $(wc -l <got-c) -eq 1 &&
	cdrsift anomalies --only imei --imei-sims 2 -f csv c.csv >got-c2 &&
	grep -q "^imei,35332510754831,2025-01-01T10:00:00Z,2025-01-05T10:00:00Z,2," got-c2
'
test_expect_success 'rows shuffled, -j 1 and -j 2: the same flags but evidence' '
	cdrsift anomalies --only imei -f csv -j 1 a.csv |
		python3 -c "import csv,sys; [print(r[:6]) for r in csv.reader(sys.stdin)]" >j1 &&
	CDRSIFT_BLOCK_SIZE=4096 cdrsift anomalies --only imei -f csv -j 2 a-shuf.csv |
		python3 -c "import csv,sys; [print(r[:6]) for r in csv.reader(sys.stdin)]" >j2 &&
	test_cmp j1 j2
'
test_expect_success 'partials merge to the report of one run' '
	mkdir parts && partial_split a.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts anomalies --only imei,imei-invalid
'
test_done
