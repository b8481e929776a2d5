#!/bin/sh
# t6100: the spike (and gap) detectors of `cdrsift anomalies` against an
# independent python reading of the man page's formulas (ANOMALIES), on
# cdrgen's planted data: the planted spike found with its entity and day,
# no other flag on the generator's baseline, a day on which all traffic
# triples gives exactly one dataset flag and no entity flag, evidence
# given back by `filter --evidence`, the same flags with rows shuffled and
# -j1/-j2, partials merging to one run's report (issue 15).
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
test_expect_success 'partials merge to the report of one run' '
	partial_split g.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts anomalies --only spike,gap \
		--spike-min 20
'
test_done
