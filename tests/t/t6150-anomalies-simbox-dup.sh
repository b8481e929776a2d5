#!/bin/sh
# t6150: the simbox and duplicate detectors of `cdrsift anomalies`
# against python written from the man page (ANOMALIES): every column, at
# and one past every threshold, options; the legs of one call in two
# operators' files and copies in two operators' files raise nothing;
# what cdrgen --anomalies plants is found with its entity and time, and
# `filter --evidence` gives back exactly the planted rows; its confounders
# (a domestic flight, dual SIM, an IMEISV update, a call centre, the legs
# of calls in two operators' files) raise no flag; shuffled rows,
# file order, -j; partial/merge (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >gen.py <<'PY'
# Synthetic CDRs for simbox and duplicate, near every threshold.
import random, sys, time
random.seed(int(sys.argv[1]))
t0 = 1735722000  # 2025-01-01T09:00:00Z
f = lambda x: time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(x))
rows = {'a': [], 'b': []}
def rec(file, typ, d, caller, callee, t, dur, cell, op):
    rows[file].append([typ, d, caller, callee, f(t), str(dur) if dur is not None else '', cell, op])
def box(sub, out, inc, distinct, med, cells, sms, file='a', op='50212'):
    peers = ['6019%07d' % random.randrange(10**7) for _ in range(distinct)]
    callees = peers + [random.choice(peers) for _ in range(out - distinct)]
    random.shuffle(callees)
    h = out // 2
    durs = [max(0, med - random.randint(0, 50)) for _ in range(h)] + \
           [med + random.randint(0, 300) for _ in range(out - h)]
    if out % 2 == 0:
        durs[h - 1] = med; durs[h] = med  # the two middle values
    else:
        durs[h] = med
    for i in range(out):
        rec(file, 'voice', 'mo', sub, callees[i], t0 + random.randint(0, 5 * 86400),
            durs[i], str(1000 + i % cells) if cells else '', op)
    for i in range(inc):
        rec(file, 'voice', 'mt', '6018%07d' % random.randrange(10**7), sub,
            t0 + random.randint(0, 5 * 86400), random.randint(1, 200), '1000', op)
    for i in range(sms):
        rec(file, random.choice(['sms', 'data']), 'mo', sub, '60170000000',
            t0 + random.randint(0, 5 * 86400), 0, '1000', op)
# at every threshold, and one past each
box('60110000000', 100, 10, 70, 60, 3, 0)
box('60110000001', 99, 0, 99, 20, 1, 0)
box('60110000002', 100, 11, 100, 20, 1, 0)
box('60110000003', 100, 0, 69, 20, 1, 0)
box('60110000004', 100, 0, 100, 61, 1, 0)
box('60110000005', 100, 0, 100, 20, 4, 0)
box('60110000006', 100, 0, 100, 20, 1, 1)
box('60110000007', 120, 0, 120, 20, 0, 0, 'b', '50216')
# random ones around the thresholds
for k in range(40):
    out = random.randint(90, 130)
    box('6012%07d' % k, out, random.randint(0, 14), random.randint(out * 6 // 10, out),
        random.randint(40, 80), random.randint(1, 5), random.choice([0, 0, 0, 1]),
        random.choice('ab'), random.choice(['50212', '50216']))
# background, and duplicates
for k in range(3000):
    caller, callee = '6013%07d' % random.randrange(300), '6014%07d' % random.randrange(300)
    t = t0 + random.randint(0, 5 * 86400)
    typ = random.choice(['voice', 'voice', 'sms', 'data'])
    dur = random.randint(1, 300) if typ != 'sms' else 0
    if random.random() < 0.1:
        dur = None
    file, op = random.choice([('a', '50212'), ('b', '50216'), ('b', '50212')])
    r = [file, typ, 'mo', caller, callee if typ != 'data' else '', t, dur, '', op]
    rec(*r)
    u = random.random()
    if u < 0.03:
        rec(*r)                                  # twice in one input
    elif u < 0.06:
        r2 = list(r); r2[0] = 'a' if file == 'b' else 'b'
        rec(*r2)                                 # another input, same operator
    elif u < 0.09:
        r2 = list(r); r2[0] = 'a' if file == 'b' else 'b'; r2[8] = '50219'
        rec(*r2)                                 # another operator: no copy
    elif u < 0.15 and typ != 'data':
        # the terminating leg, in the other operator's file: not a copy
        rec('b' if file == 'a' else 'a', typ, 'mt', caller, callee, t, dur, '', '50216')
    elif u < 0.17:
        r2 = list(r); r2[7] = '9999'; rec(*r2)  # same record, another cell
for k in 'ab':
    random.shuffle(rows[k])
    with open(k + '.csv', 'w') as o:
        o.write('type,direction,caller,callee,start,duration,cell,operator\n')
        for r in rows[k]:
            o.write(','.join(r) + '\n')
PY

cat >oracle.py <<'PY'
# simbox and duplicate as man/cdrsift.1 (ANOMALIES) defines them, over
# CSV files with columns type, direction, caller, callee, start,
# duration, cell (and lac), operator. Prints the flag rows, no header.
import csv, sys, time, calendar
args = sys.argv[1:]
opt = {'calls': 100, 'ratio': 10, 'distinct': 70, 'median': 60, 'cells': 3, 'dupid': 0}
while args and args[0].startswith('--'):
    opt[args[0][2:]] = int(args[1]); args = args[2:]
paths = args
TYPES = {'voice': 1, 'sms': 2, 'data': 3, 'other': 4}
DIRS = {'mo': 1, 'mt': 2}
ts = lambda s: calendar.timegm(time.strptime(s, '%Y-%m-%dT%H:%M:%S'))
iso = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
recs = []
for fi, p in enumerate(paths):
    for i, r in enumerate(csv.DictReader(open(p, newline=''))):
        d = r['direction']
        sub, peer = (r['callee'], r['caller']) if d == 'mt' else (r['caller'], r['callee'])
        if not sub or not r['start']:
            continue
        recs.append(dict(sub=sub, peer=peer or None, t=ts(r['start']),
                         dur=int(r['duration']) if r['duration'] != '' else None,
                         type=r['type'], dir=d, cell=(r.get('lac', ''), r['cell']) if r.get('cell') else None,
                         op=r.get('operator') or None, id=r.get('id') or None,
                         file=p, fi=fi, line=i + 2))
def ranges(rs):
    ls = sorted((r['fi'], r['line']) for r in rs); ev, i = [], 0
    while i < len(ls):
        j = i
        while j + 1 < len(ls) and ls[j + 1][0] == ls[i][0] and ls[j + 1][1] <= ls[j][1] + 1:
            j += 1
        ev.append('%s:%d' % (paths[ls[i][0]], ls[i][1]) + ('-%d' % ls[j][1] if ls[j][1] != ls[i][1] else ''))
        i = j + 1
    return ' '.join(ev)
secs = lambda x2: '%d' % (x2 // 2) if x2 % 2 == 0 else '%d.500' % (x2 // 2)
out = []
by_sub = {}
for r in recs:
    by_sub.setdefault(r['sub'], []).append(r)
for sub in sorted(by_sub, key=lambda s: s.encode()):
    rs = by_sub[sub]
    mo = [r for r in rs if r['type'] == 'voice' and r['dir'] == 'mo']
    O = len(mo)
    I = sum(1 for r in rs if r['type'] == 'voice' and r['dir'] == 'mt')
    S = sum(1 for r in rs if r['type'] in ('sms', 'data'))
    C = len({r['peer'] for r in mo if r['peer'] is not None})
    L = len({r['cell'] for r in mo if r['cell'] is not None})
    d = sorted(r['dur'] for r in mo if r['dur'] is not None)
    if not d:
        continue
    n = len(d)
    m2 = 2 * d[n // 2] if n % 2 else d[n // 2 - 1] + d[n // 2]
    if not (O >= opt['calls'] and O > 0 and O >= opt['ratio'] * I and
            100 * C >= opt['distinct'] * O and m2 <= 2 * opt['median'] and
            L <= opt['cells'] and S == 0):
        continue
    detail = ('outgoing voice %d >= %d (held); outgoing:incoming %d:%d >= %d:1 (held); '
              'distinct callees %d (%.1f%%) >= %d%% (held); median duration %s s <= %d s (held); '
              'cells %d <= %d (held); sms and data records %d (held)') % (
              O, opt['calls'], O, I, opt['ratio'], C, 100.0 * C / O, opt['distinct'],
              secs(m2), opt['median'], L, opt['cells'], S)
    out.append(['simbox', sub, iso(min(r['t'] for r in mo)), iso(max(r['t'] for r in mo)),
                str(O), detail, ranges(rs)])
groups = {}
for r in recs:
    groups.setdefault((r['sub'], r['peer'], r['t'], r['dur'], r['type'], r['dir']), []).append(r)
dups = []
for key, rs in groups.items():
    if len(rs) < 2:
        continue
    up = list(range(len(rs)))
    def find(i):
        while up[i] != i:
            i = up[i]
        return i
    for a in range(len(rs)):
        for b in range(a):
            if opt['dupid'] and rs[a]['id'] and rs[b]['id'] and rs[a]['id'] != rs[b]['id']:
                continue
            if rs[a]['file'] == rs[b]['file'] or (rs[a]['op'] and rs[a]['op'] == rs[b]['op']):
                up[find(a)] = find(b)
    comps = {}
    for i in range(len(rs)):
        comps.setdefault(find(i), []).append(rs[i])
    for c in comps.values():
        if len(c) < 2:
            continue
        r = c[0]
        det = '%d copies of %s %s' % (len(c), r['type'] or 'untyped', r['dir'] or 'no direction')
        if r['peer'] is not None:
            det += (' from ' if r['dir'] == 'mt' else ' to ') + r['peer']
        if r['dur'] is not None:
            det += ', duration %d s' % r['dur']
        if len({x['file'] for x in c}) == 1:
            det += '; in one input'
        elif len({x['op'] for x in c}) == 1 and r['op']:
            det += '; in one operator, ' + r['op']
        else:
            det += '; linked by input and operator'
        sk = (r['sub'].encode(), r['t'], (0, r['peer'].encode()) if r['peer'] else (1, b''),
              r['dur'] is not None, r['dur'] or 0, TYPES.get(r['type'], 0), DIRS.get(r['dir'], 0))
        dups.append((sk, ['duplicate', r['sub'], iso(r['t']), iso(r['t']), str(len(c)), det, ranges(c)]))
out += [row for _, row in sorted(dups, key=lambda x: x[0])]
w = csv.writer(sys.stdout, lineterminator='\n')
for row in out:
    w.writerow(row)
PY

test_setup 'data' '
	python3 gen.py 5 &&
	for f in a b; do
		{ head -1 $f.csv; tail -n +2 $f.csv | sort -R; } >$f-shuf.csv || return 1
	done
'
test_expect_success 'defaults: every column as the oracle, both detectors' '
	python3 oracle.py a.csv b.csv >want &&
	cdrsift anomalies --only simbox,duplicate -f csv a.csv b.csv >got.csv &&
	tail -n +2 got.csv >got &&
	test $(grep -c ^simbox, want) -ge 3 &&
	test $(grep -c ^duplicate, want) -ge 100 &&
	grep -q "^simbox,60110000000," want &&
	test_cmp want got
'
test_expect_success 'one past each threshold: no flag' '
	for s in 1 2 3 4 5 6; do
		! grep -q "^simbox,6011000000$s," got || return 1
	done
'
test_expect_success 'options: calls, ratio, distinct, median, cells' '
	O="--simbox-calls 95 --simbox-ratio 8 --simbox-distinct 65 --simbox-median 70 --simbox-cells 4" &&
	python3 oracle.py --calls 95 --ratio 8 --distinct 65 --median 70 --cells 4 a.csv b.csv >want-o &&
	cdrsift anomalies --only simbox $O -f csv a.csv b.csv | tail -n +2 >got-o &&
	! test_cmp want got-o >/dev/null &&
	grep ^simbox want-o >want-os && test_cmp want-os got-o
'
test_expect_success 'legs in two operators files, copies across operators: nothing' '
	cat >x.csv <<-\CSV &&
	type,direction,caller,callee,start,duration,operator
	voice,mo,60120000001,60160000001,2025-01-01T10:00:00,61,50212
	voice,mo,60120000002,60160000002,2025-01-01T11:00:00,62,50212
	CSV
	cat >y.csv <<-\CSV &&
	type,direction,caller,callee,start,duration,operator
	voice,mt,60120000001,60160000001,2025-01-01T10:00:00,61,50216
	voice,mo,60120000002,60160000002,2025-01-01T11:00:00,62,50216
	CSV
	cdrsift anomalies --only duplicate -f csv x.csv y.csv >got-x &&
	test $(wc -l <got-x) -eq 1 &&
	sed "s/,50216\$/,50212/" y.csv >z.csv &&
	cdrsift anomalies --only duplicate -f csv x.csv z.csv >got-z &&
	test $(wc -l <got-z) -eq 2 &&
	grep -q "^duplicate,60120000002,2025-01-01T11:00:00Z,2025-01-01T11:00:00Z,2,\"2 copies of voice mo to 60160000002, duration 62 s; in one operator, 50212\",x.csv:3 z.csv:3\$" got-z
'
test_expect_success 'rows shuffled, files reordered, -j 1 and -j 2: the same flags' '
	cut6() { python3 -c "import csv,sys; [print(r[:6]) for r in csv.reader(sys.stdin)]"; } &&
	sorted_ev() { python3 -c "import csv,sys; [print(r[:6], sorted(r[6].split())) for r in csv.reader(sys.stdin)]"; } &&
	cdrsift anomalies --only simbox,duplicate -f csv -j 1 a.csv b.csv | cut6 >j1 &&
	CDRSIFT_BLOCK_SIZE=4096 cdrsift anomalies --only simbox,duplicate -f csv -j 2 \
		b-shuf.csv a-shuf.csv | cut6 >j2 &&
	test_cmp j1 j2 &&
	cdrsift anomalies --only simbox,duplicate -f csv -j 2 b.csv a.csv >rev.csv &&
	sorted_ev <got.csv >s1 && sorted_ev <rev.csv >s2 && test_cmp s1 s2
'
test_expect_success GEN 'cdrgen --anomalies: planted simbox and duplicates found, as the oracle' '
	"$GEN" --rows 60000 --seed 11 --subscribers 4000 --anomalies \
		--truth truth.csv >g.csv &&
	cdrsift anomalies --only simbox,duplicate -f csv g.csv >gflags.csv &&
	python3 oracle.py g.csv >gwant &&
	tail -n +2 gflags.csv >ggot && test_cmp gwant ggot &&
	python3 - <<-\PY
	import csv, sys
	truth = [r for r in csv.DictReader(open("truth.csv")) if r["kind"] in ("simbox", "duplicate")]
	flags = list(csv.DictReader(open("gflags.csv")))
	assert sum(r["kind"] == "simbox" for r in truth) == 1
	assert sum(r["kind"] == "duplicate" for r in truth) >= 20
	keep = []
	for t in truth:
	    m = [f for f in flags if f["kind"] == t["kind"] and f["entity"] == t["entity"]
	         and f["from"].rstrip("Z") == t["start"]]
	    assert len(m) == 1, (t, m)
	    if t["kind"] == "duplicate":
	        a, b = t["detail"].split(" repeats line ")
	        assert m[0]["evidence"] == "g.csv:%s-%s" % (b, a.split()[1]), (t, m)
	    keep.append(m[0])
	# the simbox rule finds the planted one only
	assert sum(f["kind"] == "simbox" for f in flags) == 1
	w = csv.DictWriter(open("planted-flags.csv", "w"), fieldnames=list(flags[0]), lineterminator="\n")
	w.writeheader(); w.writerows(keep)
	# the planted rows: every row of the simbox SIM, both lines of each duplicate
	sb = [t["entity"] for t in truth if t["kind"] == "simbox"][0]
	lines = set()
	for i, r in enumerate(csv.DictReader(open("g.csv"))):
	    if (r["caller"] if r["direction"] != "mt" else r["callee"]) == sb:
	        lines.add(i + 2)
	for t in truth:
	    if t["kind"] == "duplicate":
	        a, b = t["detail"].split(" repeats line ")
	        lines |= {int(a.split()[1]), int(b)}
	src = open("g.csv", "rb").read().split(b"\n")
	open("planted-rows", "wb").write(b"".join(src[n - 1] + b"\n" for n in [1] + sorted(lines)))
	PY
'
test_expect_success GEN '--duplicate-id: only the planted duplicates, as the oracle' '
	cdrsift anomalies --only duplicate --duplicate-id -f csv g.csv >gid.csv &&
	python3 oracle.py --dupid 1 g.csv | grep ^duplicate, >gid-want &&
	tail -n +2 gid.csv >gid-got && test_cmp gid-want gid-got &&
	test $(wc -l <gid-got) -eq $(grep -c ^duplicate, truth.csv)
'
test_expect_success '--duplicate-id: different ids are no copies, a record without one links' '
	cat >id.csv <<-\CSV &&
	id,type,direction,caller,callee,start,duration,operator
	1,sms,mo,60120000001,60160000001,2025-01-01T10:00:00,0,
	2,sms,mo,60120000001,60160000001,2025-01-01T10:00:00,0,
	3,sms,mo,60120000001,60160000001,2025-01-01T11:00:00,0,
	3,sms,mo,60120000001,60160000001,2025-01-01T11:00:00,0,
	4,sms,mo,60120000001,60160000001,2025-01-01T12:00:00,0,
	5,sms,mo,60120000001,60160000001,2025-01-01T12:00:00,0,
	,sms,mo,60120000001,60160000001,2025-01-01T12:00:00,0,
	CSV
	cdrsift anomalies --only duplicate -f csv id.csv | cut -d, -f3,5 >id-off &&
	printf "%s\n" from,score 2025-01-01T10:00:00Z,2 2025-01-01T11:00:00Z,2 \
		2025-01-01T12:00:00Z,3 >id-off-want && test_cmp id-off-want id-off &&
	cdrsift anomalies --only duplicate --duplicate-id -f csv id.csv | cut -d, -f3,5 >id-on &&
	printf "%s\n" from,score 2025-01-01T11:00:00Z,2 2025-01-01T12:00:00Z,3 >id-on-want &&
	test_cmp id-on-want id-on &&
	python3 oracle.py --dupid 1 id.csv | cut -d, -f3,5 >id-or &&
	tail -n +2 id-on-want | test_cmp - id-or
'
test_expect_success GEN 'filter --evidence on the planted flags: exactly the planted rows' '
	cdrsift filter --evidence planted-flags.csv --raw g.csv >ev-rows &&
	test_cmp planted-rows ev-rows
'
cat >confound.py <<'PY'
# No flag rests on a confounder: its entity (a number, or a handset's 14
# digits) is no flag's entity, and no flag's evidence names its rows.
import csv, sys
truth, flags, data = sys.argv[1:4]
conf = [r for r in csv.DictReader(open(truth)) if r['kind'] == 'confounder']
kinds = sorted(r['detail'].split(':')[0] for r in conf)
assert len(conf) == int(sys.argv[4]), kinds
ents = {r['entity'] for r in conf} | {r['entity'][:14] for r in conf}
first = open(data).readline()
rows = list(csv.reader(open(data, newline=''), delimiter='|' if '|' in first else ','))
head = rows[0]
col = lambda n: head.index(n) if n in head else None
who = [c for c in (col('caller'), col('callee'), col('msisdn'), col('imei'), col('servedimei'))
       if c is not None]
lines = {i + 1 for i, r in enumerate(rows) if i and any(r[c] in ents or r[c][:14] in ents
                                                      for c in who)}
assert len(lines) >= 10, len(lines)
bad = []
for f in csv.DictReader(open(flags)):
    ev = set()
    for e in f['evidence'].split():
        a = e.rsplit(':', 1)[1].split('-')
        ev |= set(range(int(a[0]), int(a[-1]) + 1))
    if f['entity'] in ents or ev & lines:
        bad.append(f)
assert not bad, bad
print(kinds)
PY

test_expect_success GEN 'cdrgen confounders: flight, dual SIM, IMEISV update, call centre raise nothing' '
	cdrsift anomalies -f csv g.csv >all.csv &&
	python3 confound.py truth.csv all.csv g.csv 4 &&
	"$GEN" --dialect opb --rows 60000 --seed 12 --subscribers 4000 \
		--anomalies --truth truth-b.csv >b.txt &&
	cdrsift anomalies -f csv b.txt >all-b.csv &&
	python3 confound.py truth-b.csv all-b.csv b.txt 4
'
test_expect_success GEN 'the confounders are live: looser thresholds flag them' '
	fl=$(grep "^confounder,.*domestic flight" truth.csv | cut -d, -f2) &&
	ds=$(grep "^confounder,.*dual SIM" truth.csv | cut -d, -f2 | cut -c1-14) &&
	cdrsift anomalies -f csv --only travel,imei --travel-speed 500 \
		--imei-sims 2 g.csv >loose.csv &&
	grep -q "^travel,$fl," loose.csv &&
	grep -q "^imei,$ds," loose.csv
'
test_expect_success GEN 'the two legs of one call in two operators files: no duplicate' '
	python3 -c "
import csv
rows = list(csv.reader(open(\"g.csv\", newline=\"\")))
op = rows[0].index(\"operator\")
out = {}
for r in rows[1:]:
    out.setdefault(r[op], []).append(r)
for k, rs in out.items():
    w = csv.writer(open(\"op-%s.csv\" % k, \"w\", newline=\"\"), lineterminator=\"\\n\")
    w.writerow(rows[0]); w.writerows(rs)
# calls whose mo and mt legs are in two files
legs = {}
for k, rs in out.items():
    for r in rs:
        legs.setdefault((r[3], r[4], r[5], r[7], r[1]), set()).add((r[2], k))
n = sum(1 for v in legs.values() if {d for d, _ in v} == {\"mo\", \"mt\"} and len({k for _, k in v}) == 2)
assert n >= 100, n
" &&
	cdrsift anomalies --only duplicate -f csv op-*.csv | tail -n +2 >ops-got &&
	python3 oracle.py op-*.csv | grep ^duplicate, >ops-want &&
	test_cmp ops-want ops-got &&
	test $(wc -l <ops-got) -eq $(grep -c ^duplicate, gflags.csv)
'
test_expect_success 'partials merge to the report of one run' '
	mkdir parts && cp a.csv parts/a.csv && partial_split b.csv 2 parts &&
	PARTIAL_TREES=3 partial_check parts anomalies --only simbox,duplicate &&
	PARTIAL_TREES=1 partial_check parts anomalies --only duplicate --duplicate-id
'
test_done
