#!/bin/sh
# t5201 - `cdrsift geo --per subscriber` (issue 14, man page PLACES): on
# places-gen.py's subscribers with known homes and workplaces the labels
# are right for >= 95% of those with enough records (python computes the
# accuracy from the csv against the generator's truth); 200 records of one
# night elsewhere leave a home where it was; hand-made records exactly at
# the window ends (07:00, 19:00, 09:00, 17:00) and nights across midnight
# against figures counted by hand from the definitions; the same bytes for
# shuffled rows, reordered files and -j1/-j2; partial/merge; bad windows.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

test_expect_success 'generated subscribers with known homes and workplaces' '
	python3 "$T/places-gen.py" 5 300 28 gen.csv truth.csv &&
	[ "$(wc -l <truth.csv)" = 302 ]
'

cat >accuracy.py <<'PY'
import csv, math, sys
R = 6371008.8
def dist(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))
truth = {r['subscriber']: r for r in csv.DictReader(open(sys.argv[1]))}
lab = {}
for r in csv.DictReader(open(sys.argv[2])):
    if r['label'] in ('home', 'work'):
        key = (r['subscriber'], r['label'])
        if key in lab:
            sys.exit('two %s places for %s' % (r['label'], r['subscriber']))
        lab[key] = (float(r['lat']), float(r['lon']))
if len(sys.argv) > 3:
    # one subscriber's home only
    s, t = sys.argv[3], truth[sys.argv[3]]
    h, th = lab.get((s, 'home')), (float(t['home_lat']), float(t['home_lon']))
    ok = h and dist(h, th) < 300
    print('%s: home %s, truth %s' % (s, h, th))
    sys.exit(0 if ok else 1)
n = ok = 0
for s, t in truth.items():
    if t['enough'] != '1':
        continue
    n += 1
    h = lab.get((s, 'home')); w = lab.get((s, 'work'))
    th = (float(t['home_lat']), float(t['home_lon']))
    tw = (float(t['work_lat']), float(t['work_lon']))
    if h and w and dist(h, th) < 300 and dist(w, tw) < 300:
        ok += 1
print('labels right for %d of %d subscribers (%.1f%%)' % (ok, n, 100.0 * ok / n))
sys.exit(0 if n >= 250 and ok >= 0.95 * n else 1)
PY

test_expect_success 'home and work right for >= 95% of subscribers' '
	cdrsift geo --per subscriber -f csv gen.csv >out.csv &&
	head -1 out.csv >head &&
	echo subscriber,place,label,lat,lon,days,nights,workdays,records,confidence,first_seen,last_seen >head.want &&
	test_cmp head.want head &&
	python3 accuracy.py truth.csv out.csv
'

test_expect_success 'the oracle fails on swapped labels' '
	sed "s/,home,/,HOME,/; s/,work,/,home,/; s/,HOME,/,work,/" out.csv >swapped.csv &&
	! python3 accuracy.py truth.csv swapped.csv
'

test_expect_success '200 records of one night elsewhere leave the home' '
	python3 accuracy.py truth.csv out.csv 60190000000 &&
	# the hotel is a place of its own: one night, 200 records, other
	grep "^60190000000,[0-9]*,other,.*,1,0,20[0-9]," out.csv
'

# scikit-learn's DBSCAN (haversine, sample_weight = distinct dates of each
# position, eps 200 m, min_samples 3) on a few subscribers' positions;
# border positions to their nearest core position (man page geo): each
# cluster's distinct dates and records must be a place's.
cat >sk.py <<'PY'
import csv, sys
from collections import defaultdict
import numpy as np
from sklearn.cluster import DBSCAN
subs = sys.argv[3:]
pos = defaultdict(lambda: [0, set()])
for r in csv.DictReader(open(sys.argv[1])):
    if r['caller'] in subs:
        p = pos[(r['caller'], float(r['lat']), float(r['lon']))]
        p[0] += 1; p[1].add(r['start'][:10])
got = defaultdict(list)
for r in csv.DictReader(open(sys.argv[2])):
    if r['subscriber'] in subs:
        got[r['subscriber']].append((int(r['days']), int(r['records'])))
bad = 0
for s in subs:
    keys = sorted(k for k in pos if k[0] == s)
    X = np.radians([[k[1], k[2]] for k in keys])
    w = np.array([len(pos[k][1]) for k in keys])
    db = DBSCAN(eps=200 / 6371008.8, min_samples=3, metric='haversine',
                algorithm='ball_tree').fit(X, sample_weight=w)
    lab = db.labels_.copy()
    core = np.zeros(len(keys), bool); core[db.core_sample_indices_] = True
    for i in np.where(~core & (lab >= 0))[0]:
        d = np.sin((X[core, 0] - X[i, 0]) / 2) ** 2 + np.cos(X[i, 0]) * \
            np.cos(X[core, 0]) * np.sin((X[core, 1] - X[i, 1]) / 2) ** 2
        lab[i] = db.labels_[np.where(core)[0][np.argmin(d)]]
    want = []
    for c in set(lab[lab >= 0]):
        ks = [keys[i] for i in np.where(lab == c)[0]]
        want.append((len(set().union(*(pos[k][1] for k in ks))),
                     sum(pos[k][0] for k in ks)))
    if sorted(want) != sorted(got[s]):
        bad += 1
        print('%s: scikit-learn %s, cdrsift %s' % (s, sorted(want), sorted(got[s])))
sys.exit(1 if bad else 0)
PY

test_expect_success PYTHON 'places are scikit-learn DBSCAN clusters' '
	/usr/bin/python3 sk.py gen.csv out.csv 60120000000 60120000001 \
		60120000017 60120000123 60190000000
'

test_expect_success 'every record in exactly one row (places, noise)' '
	python3 -c "
import csv, sys
n = sum(int(r[\"records\"]) for r in csv.DictReader(open(\"out.csv\")))
rows = sum(1 for _ in open(\"gen.csv\")) - 1
sys.exit(0 if n == rows else \"%d records in the rows, %d in the input\" % (n, rows))"
'

# Hand-made records at exact positions 20 km apart (one position, one
# place: its centroid is the position), figures counted by hand:
#  601: P 19:00:00 on 5 days: 5 nights (19:00 is in the night);
#       C 07:00:00 on 10 days: no night (07:00 is not); D 18:59:59 on 8
#       days: no night. home P (confidence 5/5), C and D other.
#  602: H 23:30 on Mar 3-6 and 02:00 on Mar 4-7: 4 nights (a night is the
#       date it starts), 5 days; W1 09:00:00 Mon-Thu Mar 3-6: 4 working
#       days; W2 17:00:00 on 8 weekdays: none (17:00 is not in the work
#       window); W3 10:00 on 5 weekend days: none. home H, work W1 (4/4).
#  603: home 22:00 two records a night, Mar 3-8 (6 nights); on Mar 5 a
#       hotel with 200 records (distinct positions 20 m apart, 21:00 to
#       03:00): the hotel is the most used place of that night, so home's
#       confidence is 5/6; the hotel is other with 1 night, 2 days.
cat >hand.py <<'PY'
import sys
rows = []
def r(sub, day, hms, lat, lon):
    rows.append('%s,2025-03-%02d %s,%.6f,%.6f' % (sub, day, hms, lat, lon))
for d in range(3, 8): r('601', d, '19:00:00', 3.0, 101.0)
for d in range(3, 13): r('601', d, '07:00:00', 3.2, 101.0)
for d in range(3, 11): r('601', d, '18:59:59', 3.4, 101.0)
for d in range(3, 7): r('602', d, '23:30:00', 3.0, 102.0)
for d in range(4, 8): r('602', d, '02:00:00', 3.0, 102.0)
for d in range(3, 7): r('602', d, '09:00:00', 3.2, 102.0)
for d in (3, 4, 5, 6, 7, 10, 11, 12): r('602', d, '17:00:00', 3.4, 102.0)
for d in (8, 9, 15, 16, 22): r('602', d, '10:00:00', 3.6, 102.0)
for d in range(3, 9):
    r('603', d, '22:00:00', 3.0, 103.0); r('603', d, '22:30:00', 3.0, 103.0)
for k in range(200):
    h = 21 + k * 6 // 200
    r('603', 5 + h // 24, '%02d:%02d:00' % (h % 24, k % 60), 3.5 + (k % 10) * 0.00018, 103.0 + (k // 10) * 0.00018)
rows.append('604,2025-03-03 10:00:00,,')
rows.append(',2025-03-03 10:00:00,3.0,104.0')
order = sys.argv[1] if len(sys.argv) > 1 else ''
if order == 'reverse':
    rows.reverse()
print('caller,start,lat,lon')
print('\n'.join(rows))
PY

cat >hand.want <<'WANT'
601,home,3.000,101.000,5,5,0,5,1.000
601,other,3.200,101.000,10,0,0,10,
601,other,3.400,101.000,8,0,0,8,
602,home,3.000,102.000,5,4,0,8,1.000
602,other,3.400,102.000,8,0,0,8,
602,other,3.600,102.000,5,0,0,5,
602,work,3.200,102.000,4,0,4,4,1.000
603,home,3.000,103.000,6,6,0,12,0.833
603,other,3.501,103.002,2,1,0,200,
WANT

test_expect_success 'window ends half-open, nights across midnight, confidence' '
	python3 hand.py >hand.csv &&
	cdrsift geo --per subscriber -f csv hand.csv >hand.out &&
	python3 -c "
import csv
for r in csv.DictReader(open(\"hand.out\")):
    if r[\"subscriber\"]:
        r[\"lat\"] = \"%.3f\" % float(r[\"lat\"]); r[\"lon\"] = \"%.3f\" % float(r[\"lon\"])
        print(\",\".join(r[k] for k in (\"subscriber\", \"label\", \"lat\", \"lon\", \"days\", \"nights\", \"workdays\", \"records\", \"confidence\")))
" | sort >hand.got &&
	test_cmp hand.want hand.got &&
	grep -q "^,no_subscriber,,,,,,,1,,,\$" hand.out &&
	grep -q "^,no_position,,,,,,,1,,,\$" hand.out
'

test_expect_success '--night moves the night: 07:00 records then count' '
	cdrsift geo --per subscriber --night 06:00-08:00 -f csv hand.csv >n2.out &&
	grep -q "^601,[0-9]*,home,3.200000,101.000000,10,10," n2.out
'

test_expect_success 'shuffled rows, reordered files, -j1 and -j2: same bytes' '
	cdrsift geo --per subscriber -j 1 -f csv gen.csv >j1 &&
	head -1 gen.csv >shuf.csv &&
	tail -n +2 gen.csv | python3 -c "
import random, sys
l = sys.stdin.readlines(); random.Random(7).shuffle(l); sys.stdout.writelines(l)" >>shuf.csv &&
	cdrsift geo --per subscriber -j 2 -f csv shuf.csv >j2 &&
	test_cmp j1 j2 &&
	partial_split gen.csv 3 parts3 &&
	cdrsift geo --per subscriber -j 2 -f csv \
		parts3/part-02.csv parts3/part-01.csv.gz parts3/part-00.csv >j3 &&
	test_cmp j1 j3 &&
	python3 hand.py reverse >hand-r.csv &&
	cdrsift geo --per subscriber -j 2 -f csv hand-r.csv >hand-r.out &&
	test_cmp hand.out hand-r.out
'

test_expect_success 'places: partials of split inputs merge to the one run' '
	partial_split gen.csv 4 parts &&
	PARTIAL_TREES=5 partial_check parts geo --per subscriber
'

test_expect_success 'places: merge refuses other windows, and geo partials' '
	cdrsift geo --per subscriber --partial a.part parts/part-00.csv &&
	cdrsift geo --per subscriber --night 20:00-06:00 --partial b.part \
		parts/part-02.csv &&
	test_exit 2 cdrsift merge a.part b.part 2>err &&
	grep -q night err &&
	cdrsift geo --partial c.part parts/part-02.csv &&
	test_exit 2 cdrsift merge a.part c.part
'

test_expect_success 'bad windows and options exit 2 with a message' '
	for w in 19-07 19:00 25:00-07:00 19:60-07:00 07:00-07:00 7:00-19:00 \
		 19:00-07:00x ""; do
		test_exit 2 cdrsift geo --per subscriber --night "$w" hand.csv \
			2>err || return 1
		grep -q "^cdrsift: --night: expected a window HH:MM-HH:MM" err ||
			return 1
	done &&
	test_exit 2 cdrsift geo --per subscriber --work 9:00-17:00 hand.csv 2>err &&
	grep -q "^cdrsift: --work: expected a window" err &&
	test_exit 2 cdrsift geo --per cell hand.csv 2>err &&
	grep -q "^cdrsift: --per: expected subscriber" err &&
	test_exit 2 cdrsift geo --per subscriber --place-eps 0 hand.csv &&
	test_exit 2 cdrsift geo --per subscriber --place-min-days 0 hand.csv &&
	test_exit 2 cdrsift geo --per subscriber --eps 300m hand.csv 2>err &&
	grep -q "^cdrsift: --eps: an option of geo.s clusters" err &&
	test_exit 2 cdrsift geo --per subscriber -f geojson hand.csv 2>err &&
	grep -q "^cdrsift: -f geojson: geo --per subscriber writes" err
'
test_done
