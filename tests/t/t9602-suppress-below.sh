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

# ---- volume and geo (issue 17, defect b): groups of distinct subscribers
# range.py CMD N FILE OUT.json: the oracle (python sqlite3, from the man
# page: a CDR's subscriber is the callee when the direction is mt, else
# the caller; volume --by cell's key is LAC-CELL; a geo position with at
# least --min-records records is a core, alone at 10 km from the others:
# its own cluster, the rest noise) checks every released row and that no
# group below N appears; then, from the output alone (rows, the meta's
# matched records, the count of suppressed groups, the floor every
# reader knows: a volume group has >= 1 record, a cluster >= min-records,
# noise >= 0), it computes each hidden group's range of records and
# fails when one is pinned to one value. Prints the narrowest width.
cat >range.py <<'PY'
import csv, json, sqlite3, sys
cmd, n, path, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
minrec = int(sys.argv[5]) if len(sys.argv) > 5 else 1
db = sqlite3.connect(':memory:')
db.execute('create table r(g, sub)')
pos = {}
for row in csv.DictReader(open(path)):
    sub = row['callee'] if row.get('direction') == 'mt' else row['caller']
    if cmd == 'volume':
        g = (row['lac'] + '-' + row['cell']) if row.get('lac') else row['cell']
    else:
        g = '%.6f,%.6f' % (float(row['lat']), float(row['lon']))
    db.execute('insert into r values (?, ?)', (g, sub))
groups = {g: (c, s) for g, c, s in
          db.execute('select g, count(*), count(distinct sub) from r group by g')}
if cmd == 'geo':
    noise = [g for g in groups if groups[g][0] < minrec]
    cl = {g: v for g, v in groups.items() if v[0] >= minrec}
    ns = db.execute('select count(*), count(distinct sub) from r where g in (%s)'
                    % ','.join('?' * len(noise)), noise).fetchone() if noise else (0, 0)
    cl['noise'] = ns
    groups = cl
doc = json.load(open(out))
rows, meta = doc['rows'], doc['meta']
shown = {}
for r in rows:
    if cmd == 'volume':
        k = r['cell']
        s = r['distinct_subscribers']
    else:
        k = 'noise' if r['cluster'] == 'noise' else '%.6f,%.6f' % (r['lat'], r['lon'])
        s = r['subscribers']
    assert k in groups, k
    c, subs = groups[k]
    assert subs >= n, ('shown below the threshold', k, subs)
    assert (r['records'], s) == (c, subs), (k, r['records'], s, c, subs)
    shown[k] = r['records']
if cmd == 'geo':
    # clusters shown are numbered 1.. again: no gap places a hidden one
    ids = [r['cluster'] for r in rows if r['cluster'] not in ('noise', 'no_position')]
    assert ids == [str(i + 1) for i in range(len(ids))], ids
small = [g for g in groups if groups[g][1] < n]
hidden = [g for g in groups if g not in shown]
assert all(g in hidden for g in small)
k = len(hidden)
assert meta['privacy']['suppressed'] == k, (meta['privacy'], k)
if not k:
    print('none'); sys.exit(0)
# what a reader knows: the matched records, the rows, k, the floors
H = meta['accounting']['matched'] - sum(shown.values())
floor = {g: (0 if g == 'noise' else minrec if cmd == 'geo' else 1) for g in hidden}
narrow = None
for g in hidden:
    lo = floor[g]
    hi = H - sum(floor[h] for h in hidden if h != g)
    assert lo <= groups[g][0] <= hi, (g, lo, groups[g][0], hi)
    assert hi > lo, ('pinned', g, lo, hi)
    narrow = hi - lo if narrow is None else min(narrow, hi - lo)
# subscribers of a hidden group: 0..n-1, never one value for n >= 2
print('hidden %d groups, records range width >= %d, subscribers 0..%d'
      % (k, narrow, n - 1))
PY

test_expect_success 'volume: one small group takes a complementary one with it' '
	{ echo direction,caller,callee,start,duration,cell,lac
	  for s in 1 2 3 4 5 5; do echo mo,60100000$s,602,2025-01-03 08:00:00,5,A,1; done
	  for s in 1 2 3 4 4; do echo mo,60100001$s,602,2025-01-03 08:00:00,5,B,1; done
	  echo mo,601000020,602,2025-01-03 08:00:00,5,C,1; } >v1.csv &&
	cdrsift volume --by cell --suppress-below 2 -f json v1.csv >v1.json 2>err &&
	python3 range.py volume 2 v1.csv v1.json >r1 && cat r1 &&
	grep -q "hidden 2 groups, records range width >= 4" r1 &&
	grep -q "1 group with fewer subscribers left out, and more" err
'
test_expect_success 'volume: two one-record groups need a third with slack' '
	{ echo direction,caller,callee,start,duration,cell,lac
	  for s in 1 2 3 4 5 5; do echo mo,60100000$s,602,2025-01-03 08:00:00,5,A,1; done
	  for s in 1 2 3 3; do echo mo,60100001$s,602,2025-01-03 08:00:00,5,B,1; done
	  for s in 1 2 3; do echo mo,60100003$s,602,2025-01-03 08:00:00,5,D,1; done
	  echo mo,601000020,602,2025-01-03 08:00:00,5,C1,1
	  echo mo,601000021,602,2025-01-03 08:00:00,5,C2,1; } >v2.csv &&
	cdrsift volume --by cell --suppress-below 2 -f json v2.csv >v2.json 2>err &&
	python3 range.py volume 2 v2.csv v2.json >r2 && cat r2 &&
	grep -q "hidden 3 groups" r2
'
for n in 3 5 16; do
	test_expect_success GEN "volume --by cell --suppress-below $n on generated CDRs: ranges" "
		test -f g.csv || \"\$CDRSIFT_GEN\" --rows 3000 --subscribers 40 --seed 5 >g.csv;
		cdrsift volume --by cell --suppress-below $n -f json g.csv >g$n.json 2>/dev/null &&
		python3 range.py volume $n g.csv g$n.json >r &&
		cat r >>ranges.txt
	"
done
test_expect_success GEN 'volume --split: no column names a value seen only in hidden groups' '
	cdrsift volume --by cell --split callee --suppress-below 5 -f csv g.csv \
		>sp.csv 2>/dev/null &&
	python3 -c "
import csv, sys
shown = set(r[\"cell\"] for r in csv.DictReader(open(\"sp.csv\")))
seen, everywhere = set(), set()
for r in csv.DictReader(open(\"g.csv\")):
    everywhere.add(r[\"callee\"])
    if (r[\"lac\"] + \"-\" + r[\"cell\"]) in shown:
        seen.add(r[\"callee\"])
cols = [c[8:] for c in next(csv.reader(open(\"sp.csv\"))) if c.startswith(\"records_\")]
assert cols, cols
bad = [c for c in cols if c != \"none\" and c not in seen]
assert not bad, bad
# there were values only in hidden groups to leave out
assert everywhere - seen, \"no value is only in hidden groups\"
"
'
test_expect_success 'geo: clusters of fewer subscribers go, with complements' '
	python3 -c "
import random
rnd = random.Random(4)
print(\"direction,caller,callee,start,duration,lat,lon\")
# site i at 0.1 degree steps (11 km): (records, subscribers)
sites = [(40, 9), (30, 6), (25, 2), (12, 3), (9, 1), (8, 4), (3, 2), (2, 1)]
for i, (rec, subs) in enumerate(sites):
    for j in range(rec):
        print(\"mo,6010%02d%04d,602,2025-01-03 08:%02d:00,5,%.6f,101.5\" % (i, j % subs, j % 60, 3.0 + i / 10))
" >geo.csv &&
	for n in 2 3 5; do
		cdrsift geo --eps 300m --min-records 5 --suppress-below $n -f json \
			geo.csv >geo$n.json 2>/dev/null &&
		python3 range.py geo $n geo.csv geo$n.json 5 >r &&
		cat r >>ranges.txt || return 1
	done &&
	cdrsift geo --eps 300m --min-records 5 --suppress-below 5 -f geojson \
		geo.csv >geo5.geojson 2>/dev/null &&
	python3 -c "
import json
g = json.load(open(\"geo5.geojson\")); j = json.load(open(\"geo5.json\"))
assert len(g[\"features\"]) == len([r for r in j[\"rows\"] if r[\"cluster\"] != \"noise\"])
assert all(f[\"properties\"][\"subscribers\"] >= 5 for f in g[\"features\"])"
'
test_expect_success 'geo: two clusters at their floor (min-records) need a third' '
	python3 -c "
print(\"direction,caller,callee,start,duration,lat,lon\")
for i, (rec, subs) in enumerate([(40, 9), (30, 6), (5, 1), (5, 2)]):
    for j in range(rec):
        print(\"mo,6010%02d%04d,602,2025-01-03 08:%02d:00,5,%.6f,101.5\" % (i, j % subs, j, 3.0 + i / 10))
" >geof.csv &&
	cdrsift geo --eps 300m --min-records 5 --suppress-below 3 -f json \
		geof.csv >geof.json 2>/dev/null &&
	python3 range.py geo 3 geof.csv geof.json 5 >r && cat r &&
	grep -q "hidden 4 groups" r
'
test_expect_success 'refused, nothing written: party keys, pairs, anomalies, pinned' '
	test_exit 2 cdrsift volume --by caller --suppress-below 2 v1.csv >o 2>err &&
	test ! -s o && grep -q "about individuals" err &&
	test_exit 2 cdrsift volume --by cell,callee --suppress-below 2 v1.csv >o 2>err &&
	test ! -s o &&
	test_exit 2 cdrsift volume --pairs --suppress-below 3 v1.csv >o 2>err &&
	test ! -s o &&
	test_exit 2 cdrsift anomalies --suppress-below 2 geof.csv >o 2>err &&
	test ! -s o && grep -q "pseudonymised" err &&
	cdrsift anomalies --partial a.part geof.csv &&
	test_exit 2 cdrsift merge --suppress-below 2 a.part >o 2>err && test ! -s o &&
	{ echo direction,caller,callee,start,duration,cell
	  echo mo,601,602,2025-01-03 08:00:00,5,A
	  echo mo,603,602,2025-01-03 08:00:00,5,B; } >pin.csv &&
	test_exit 2 cdrsift volume --by cell --suppress-below 2 -f csv pin.csv >o 2>err &&
	test ! -s o && grep -q "nothing written" err
'
test_expect_success 'merge of partials suppresses as one run does' '
	cdrsift volume --by cell --partial v.part v2.csv &&
	cdrsift merge --suppress-below 2 -f csv v.part >m.csv 2>/dev/null &&
	cdrsift volume --by cell --suppress-below 2 -f csv v2.csv >d.csv 2>/dev/null &&
	test_cmp d.csv m.csv && test $(wc -l <m.csv) = 3 &&
	head -150 geo.csv >g1.csv && { head -1 geo.csv; tail -n +151 geo.csv; } >g2.csv &&
	cdrsift geo --eps 300m --min-records 5 --partial g1.part g1.csv &&
	cdrsift geo --eps 300m --min-records 5 --partial g2.part g2.csv &&
	cdrsift merge --suppress-below 5 -f csv g1.part g2.part >gm.csv 2>/dev/null &&
	cdrsift geo --eps 300m --min-records 5 --suppress-below 5 -f csv g1.csv g2.csv \
		>gd.csv 2>/dev/null &&
	test_cmp gd.csv gm.csv && test $(wc -l <gm.csv) -ge 3
'
test_expect_success "ranges found" "cat ranges.txt && test \$(wc -l <ranges.txt) = 6"
test_done
