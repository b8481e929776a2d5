#!/bin/sh
# t6100: the spike (and gap) detectors of `cdrsift anomalies` against an
# independent python reading of the man page's formulas (ANOMALIES), on
# cdrgen's planted data: the planted spike found with its entity and day,
# no other flag on the generator's baseline, a day on which all traffic
# triples gives exactly one dataset flag and no entity flag; the planted
# outage found, an outage of one of two files found for that delivery and
# not over all inputs, an archive one delivery; evidence given back by
# `filter --evidence`, the same flags with rows shuffled, files reordered
# and -j1/-j2, partials merging to one run's report (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >oracle.py <<'PY'
# man ANOMALIES, spike, written again from the text. Rows of cdrgen's
# canonical dialect: the subscriber is the caller (mo) or the callee (mt),
# the cell key LAC-CI; days are UTC dates (no --tz).
import csv, math, sys
from collections import Counter, defaultdict
args = dict(a.split('=', 1) for a in sys.argv[1:] if '=' in a)
files = [a for a in sys.argv[1:] if '=' not in a]
by = args.get('by', 'subscriber')
smin = int(args.get('min', 50))
z100 = round(float(args.get('z', 6)) * 100)
h100 = round(float(args.get('holiday', 2.5)) * 100)
mindays = int(args.get('days', 7))

def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2

def ordinal(d):  # 'YYYY-MM-DD' -> day number
    import datetime
    return datetime.date.fromisoformat(d).toordinal()

def iso(o):
    import datetime
    return datetime.date.fromordinal(o).isoformat() + 'T00:00:00Z'

count = Counter()      # (entity, day) -> records
for f in files:
    for r in csv.DictReader(open(f, newline='')):
        ent = (r['callee'] if r['direction'] == 'mt' else r['caller']) \
            if by == 'subscriber' else (r['lac'] + '-' + r['cell'] if r['cell'] else '')
        if not ent or not r['start']:
            continue
        count[(ent, ordinal(r['start'][:10]))] += 1
tot = Counter()
for (e, d), c in count.items():
    tot[d] += c
d0, d1 = min(tot), max(tot)
span = d1 - d0 + 1
M = median([tot.get(d, 0) for d in range(d0, d1 + 1)])
fac = {d: (t / M if M > 0 and t > M else 1.0) for d, t in tot.items()}
out = []
for d in sorted(tot):
    if h100 and M > 0 and span >= mindays and 100 * tot[d] >= h100 * M:
        out.append(('*', d, '%.2f' % fac[d]))
ents = defaultdict(dict)
for (e, d), c in count.items():
    ents[e][d] = c
for e in sorted(ents, key=lambda s: s.encode()):
    days = ents[e]
    a, b = min(days), max(days)
    if b - a + 1 < mindays:
        continue
    x = {d: days[d] / fac[d] for d in days}
    series = [x.get(d, 0.0) for d in range(a, b + 1)]
    med = median(series)
    mad = median([abs(v - med) for v in series])
    scale = max(1.4826 * mad, math.sqrt(max(med, 1)))
    for d in sorted(days):
        zz = (x[d] - med) / scale
        if days[d] >= smin and 100 * zz > z100:
            out.append((e, d, '%.1f' % zz))
for e, d, sc in out:
    print(','.join(['spike', e, iso(d), iso(d + 1), sc]))
PY

# kind,entity,from,to,score of a flags csv (or every column but evidence)
cat >cols.py <<'PY'
import csv, sys
csv.field_size_limit(1 << 30)
n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
for r in csv.reader(open(sys.argv[1], newline='')):
    if r[0] != 'kind':
        print(','.join(r[:n]))
PY

test_setup 'data: cdrgen with planted anomalies, a day tripled, shuffled' '
	"$GEN" --rows 80000 --seed 4 --subscribers 5000 --anomalies \
		--truth truth.csv >g.csv &&
	python3 -c "
import sys
lines = open(\"g.csv\").read().split(\"\\n\")
out = [lines[0]]
for l in lines[1:]:
    if l:
        out += [l] * (3 if l.split(\",\")[5].startswith(\"2025-01-02\") else 1)
open(\"hol.csv\", \"w\").write(\"\\n\".join(out) + \"\\n\")
" &&
	{ head -1 hol.csv; tail -n +2 hol.csv | shuf --random-source=g.csv; } >shuf.csv
'

test_expect_success 'spike: defaults as the oracle finds; the planted one, nothing else' '
	python3 oracle.py g.csv >want &&
	cdrsift anomalies --only spike -f csv g.csv >got.csv &&
	python3 cols.py got.csv >got &&
	test_cmp want got &&
	grep "^spike," truth.csv | cut -d, -f2-4 | sed "s/,\\([^,]*\\),\\([^,]*\\)$/,\\1Z,\\2Z/" >planted &&
	cut -d, -f2-4 got >found &&
	test_cmp planted found
'
test_expect_success 'spike: options as the oracle reads them' '
	for o in "min=20 z=4.5 holiday=2 days=5" "min=10 z=3" "by=cell min=40 z=5.25"; do
		args= &&
		for kv in $o; do
			k=${kv%%=*} v=${kv#*=} &&
			case $k in
			by) args="$args --spike-by $v" ;;
			*) args="$args --spike-$k $v" ;;
			esac
		done &&
		python3 oracle.py $o g.csv hol.csv >want &&
		cdrsift anomalies --only spike -f csv $args g.csv hol.csv >got.csv &&
		python3 cols.py got.csv >got &&
		test_cmp want got &&
		test -s want || return 1
	done
'
test_expect_success 'spike: a day of tripled traffic is one dataset flag, no entity flag' '
	python3 oracle.py hol.csv >want &&
	cdrsift anomalies --only spike -f csv hol.csv >got.csv &&
	python3 cols.py got.csv >got &&
	test_cmp want got &&
	grep "^spike,\\*,2025-01-02T00:00:00Z,2025-01-03T00:00:00Z," got &&
	test $(grep -c "^spike,\\*," got) -eq 1 &&
	grep -v "^spike,\\*," got | cut -d, -f2-4 >ents &&
	test_cmp planted ents
'
test_expect_success 'spike: --spike-holiday 0 and --spike-days are options; bad values refused' '
	cdrsift anomalies --only spike --spike-holiday 0 -f csv hol.csv >h0.csv &&
	! grep -q "^spike,\\*," h0.csv &&
	cdrsift anomalies --only spike --spike-days 8 -f csv g.csv >d8.csv &&
	test $(wc -l <d8.csv) -eq 1 &&
	test_exit 2 cdrsift anomalies --spike-z 1.234 g.csv 2>err &&
	grep -q "spike-z: .1.234. is not a number" err &&
	test_exit 2 cdrsift anomalies --spike-by imei g.csv 2>err &&
	grep -q "spike-by: .imei.: expected subscriber or cell" err
'
test_expect_success 'spike: evidence is the day of the entity, given back by filter --evidence' '
	cdrsift anomalies --only spike -f csv hol.csv >flags.csv &&
	python3 -c "
import csv
flags = list(csv.DictReader(open(\"flags.csv\")))
lines = open(\"hol.csv\").read().split(\"\\n\")
print(lines[0])
want = set()
for f in flags:
    for n, l in enumerate(lines[1:], 2):
        r = l.split(\",\")
        if len(r) < 6:
            continue
        sub = r[4] if r[2] == \"mt\" else r[3]
        if (f[\"entity\"] in (\"*\", sub)) and r[5][:10] == f[\"from\"][:10]:
            want.add(n)
for n in sorted(want):
    print(lines[n - 1])
" >want &&
	test $(wc -l <want) -gt 30000 &&
	for j in 1 2; do
		cdrsift filter --evidence flags.csv --raw -j $j hol.csv >got ||
		return 1
		test_cmp want got || return 1
	done
'
test_expect_success 'spike: rows shuffled, -j1 and -j2: every column but evidence alike' '
	cdrsift anomalies --only spike -f csv -j 1 hol.csv >a.csv &&
	cdrsift anomalies --only spike -f csv -j 2 shuf.csv >b.csv &&
	python3 cols.py a.csv 6 >a && python3 cols.py b.csv 6 >b &&
	test_cmp a b && test $(wc -l <a) -ge 2
'
cat >gaporacle.py <<'PY'
# man ANOMALIES, gap, written again from the text: per delivery (a file,
# or an archive's members together), and over all inputs when there are
# two deliveries or more. UTC (no --tz): the local hour is the UTC hour.
import csv, calendar, io, sys, time, zipfile
from collections import Counter
gmin = int(sys.argv[1])
files = sys.argv[2:]
def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
def hours(texts):
    c = Counter()
    for t in texts:
        for r in csv.DictReader(io.StringIO(t)):
            if r['start']:
                ts = calendar.timegm(time.strptime(r['start'], '%Y-%m-%dT%H:%M:%S'))
                c[ts // 3600] += 1
    return c
def text(f):
    if f.endswith('.zip'):
        z = zipfile.ZipFile(f)
        return [z.read(n).decode() for n in z.namelist()]
    return [open(f).read()]
iso = lambda h: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(h * 3600))
deliv = {f: text(f) for f in files}
runs = ([('*', [t for f in files for t in deliv[f]])] if len(files) > 1 else []) + \
    sorted(deliv.items(), key=lambda kv: kv[0].encode())
for ent, texts in runs:
    c = hours(texts)
    hs = sorted(c)
    d1, dk = hs[0] // 24, hs[-1] // 24
    med = [median([c.get(d * 24 + q, 0) for d in range(d1, dk + 1)]) for q in range(24)]
    for a, b in zip(hs, hs[1:]):
        run = None
        for e in range(a + 1, b + 1):
            hit = e < b and med[e % 24] >= gmin
            if hit and run is None:
                run = e
            if not hit and run is not None:
                print(','.join(['gap', ent, iso(run), iso(e), str(e - run)]))
                run = None
PY

# Each gap flag's evidence: two records, one the latest start before
# 'from' in the flag's delivery, the other the earliest at or after 'to'.
cat >gapev.py <<'PY'
import csv, sys, zipfile
flags = list(csv.DictReader(open(sys.argv[1])))
rows = {}   # path as cdrsift names it -> its lines
for f in sys.argv[2:]:
    if f.endswith('.zip'):
        z = zipfile.ZipFile(f)
        for n in z.namelist():
            rows[f + ':' + n] = z.read(n).decode().split('\n')
    else:
        rows[f] = open(f).read().split('\n')
start = lambda l: l.split(',')[5]
n = 0
for fl in flags:
    if fl['kind'] != 'gap':
        continue
    paths = [p for p in rows if fl['entity'] in ('*', p, p.split(':')[0])]
    starts = [start(l) for p in paths for l in rows[p][1:] if l]
    before = max(s for s in starts if s < fl['from'][:19])
    after = min(s for s in starts if s >= fl['to'][:19])
    ev = []
    for tok in fl['evidence'].split():
        path, line = tok.rsplit(':', 1)
        lo, _, hi = line.partition('-')
        ev += [(path, k) for k in range(int(lo), int(hi or lo) + 1)]
    assert len(ev) == 2, fl
    got = [start(rows[p][k - 1]) for p, k in ev]
    assert sorted(got) == [before, after], (fl, got, before, after)
    n += 1
assert n > 0
print(n)
PY

# The rows a flags file's evidence names, as filter --evidence --raw
# prints them: per input in command-line order, the header when it
# differs from the last one printed, then the named lines in order.
cat >evrows.py <<'PY'
import csv, sys
csv.field_size_limit(1 << 30)
seen = {}
for f in csv.DictReader(open(sys.argv[1], newline='')):
    for tok in f['evidence'].split():
        p, l = tok.rsplit(':', 1)
        lo, _, hi = l.partition('-')
        seen.setdefault(p, set()).update(range(int(lo), int(hi or lo) + 1))
last = None
for p in sys.argv[2:]:
    lines = open(p).read().split('\n')
    if lines[0] != last:
        print(lines[0]); last = lines[0]
    for k in sorted(seen.get(p, ())):
        print(lines[k - 1])
PY

test_expect_success 'gap data: a second file with an outage, the same split in an archive' '
	"$GEN" --rows 40000 --seed 5 --subscribers 3000 >a.csv &&
	"$GEN" --rows 40000 --seed 6 --subscribers 3000 >b.csv &&
	python3 -c "
import os
lines = open(\"b.csv\").read().split(\"\\n\")
keep = [l for l in lines[1:] if l and not (\"2025-01-04T10:00:00\" <= l.split(\",\")[5] < \"2025-01-04T13:00:00\")]
open(\"bo.csv\", \"w\").write(\"\\n\".join([lines[0]] + keep) + \"\\n\")
cut = next(i for i, l in enumerate(keep) if l.split(\",\")[5] >= \"2025-01-04T13\")
os.makedirs(\"z\", exist_ok=True)
open(\"z/m1.csv\", \"w\").write(\"\\n\".join([lines[0]] + keep[:cut]) + \"\\n\")
open(\"z/m2.csv\", \"w\").write(\"\\n\".join([lines[0]] + keep[cut:]) + \"\\n\")
" &&
	(cd z && zip -q ../d.zip m1.csv m2.csv)
'
test_expect_success 'gap: the planted outage of one file, as the oracle finds' '
	python3 gaporacle.py 5 g.csv >want &&
	cdrsift anomalies --only gap -f csv g.csv >got.csv &&
	python3 cols.py got.csv >got &&
	test_cmp want got &&
	echo "gap,g.csv,2025-01-03T09:00:00Z,2025-01-03T14:00:00Z,5" >planted-gap &&
	test_cmp planted-gap got &&
	python3 gapev.py got.csv g.csv
'
test_expect_success 'gap: an outage in one of two files: per delivery, not over all inputs' '
	python3 gaporacle.py 5 a.csv bo.csv >want &&
	cdrsift anomalies --only gap -f csv a.csv bo.csv >got.csv &&
	python3 cols.py got.csv >got &&
	test_cmp want got &&
	echo "gap,bo.csv,2025-01-04T10:00:00Z,2025-01-04T13:00:00Z,3" >want-bo &&
	test_cmp want-bo got &&
	python3 gapev.py got.csv a.csv bo.csv
'
test_expect_success 'gap: an outage of every delivery is also one of all inputs' '
	python3 gaporacle.py 5 bo.csv d.zip >want &&
	cdrsift anomalies --only gap -f csv bo.csv d.zip >got.csv &&
	python3 cols.py got.csv >got &&
	test_cmp want got &&
	grep -q "^gap,\\*,2025-01-04T10:00:00Z,2025-01-04T13:00:00Z,3$" got
'
test_expect_success 'gap: an archive is one delivery; its members split at the outage' '
	python3 gaporacle.py 5 a.csv d.zip >want &&
	cdrsift anomalies --only gap -f csv a.csv d.zip >got.csv &&
	python3 cols.py got.csv >got &&
	test_cmp want got &&
	echo "gap,d.zip,2025-01-04T10:00:00Z,2025-01-04T13:00:00Z,3" >want-z &&
	test_cmp want-z got &&
	python3 gapev.py got.csv a.csv d.zip &&
	grep -q ",d.zip:m1.csv:[0-9]* d.zip:m2.csv:2$" got.csv
'
test_expect_success 'gap: --gap-min as the oracle reads it' '
	for m in 0 1 400 2000; do
		python3 gaporacle.py $m a.csv bo.csv g.csv >want &&
		cdrsift anomalies --only gap --gap-min $m -f csv g.csv bo.csv a.csv >got.csv &&
		python3 cols.py got.csv >got &&
		test_cmp want got || return 1
	done
'
test_expect_success 'gap: evidence given back by filter --evidence' '
	cdrsift anomalies --only gap -f csv a.csv bo.csv g.csv >flags.csv &&
	test $(wc -l <flags.csv) -ge 3 &&
	python3 evrows.py flags.csv a.csv bo.csv g.csv >want &&
	for j in 1 2; do
		cdrsift filter --evidence flags.csv --raw -j $j a.csv bo.csv g.csv >got &&
		test_cmp want got || return 1
	done
'
test_expect_success 'gap: rows shuffled, files reordered, -j1 and -j2: every column but evidence alike' '
	mkdir sh && { head -1 bo.csv; tail -n +2 bo.csv | shuf --random-source=g.csv; } >sh/bo.csv &&
	cp a.csv g.csv sh/ &&
	cdrsift anomalies --only gap -f csv -j 1 a.csv bo.csv g.csv >x.csv &&
	(cd sh && cdrsift anomalies --only gap -f csv -j 2 g.csv bo.csv a.csv >../y.csv) &&
	python3 cols.py x.csv 6 >x && python3 cols.py y.csv 6 >y &&
	test_cmp x y && test $(wc -l <x) -ge 2
'
test_expect_success 'cdrgen --holiday: the planted holiday, spike and outage, nothing else' '
	for seed in 4 9; do
		"$GEN" --rows 80000 --seed $seed --subscribers 5000 --anomalies \
			--holiday $((seed / 2)) --truth th.csv >h.csv &&
		cdrsift anomalies --only spike,gap -f csv h.csv >got.csv &&
		python3 cols.py got.csv 4 >got &&
		grep -E "^(spike|gap)," th.csv | cut -d, -f1-4 |
			sed "s/,all,/,h.csv,/; s/,\\([^,]*\\),\\([^,]*\\)$/,\\1Z,\\2Z/" |
			LC_ALL=C sort >want &&
		LC_ALL=C sort got >got.sorted &&
		test_cmp want got.sorted &&
		test $(grep -c "^spike,\\*," got) -eq 1 &&
		python3 oracle.py h.csv >want-o &&
		grep "^spike," got.csv | python3 -c "
import csv, sys
for r in csv.reader(sys.stdin):
    print(\",\".join(r[:5]))" >got-o &&
		test_cmp want-o got-o || return 1
	done
'
test_expect_success 'partials merge to the report of one run' '
	partial_split g.csv 3 parts &&
	cp bo.csv parts/x-bo.csv &&
	PARTIAL_TREES=3 partial_check parts anomalies --only spike,gap \
		--spike-min 20 &&
	grep -q "^gap,parts/x-bo.csv," pc/want.csv &&
	grep -q "^spike," pc/want.csv
'
test_done
