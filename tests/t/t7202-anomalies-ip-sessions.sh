#!/bin/sh
# t7202: `cdrsift anomalies` on IP session logs (issue 16: IP logs
# through every analysis). An IPDR-style data-session log (SubscriberID,
# IMSI, IMEI, source and NAT address, start and end, the session's
# latitude and longitude) with planted cases: impossible travel between
# two sessions (Kuala Lumpur to Kota Kinabalu in minutes, two sessions
# at one instant far apart) and near misses (the same trip in hours, a
# fast 40 km hop); a handset used by three SIMs within 30 days and a SIM
# in four handsets, with near misses (two SIMs, three handsets, three
# SIMs spread over 60 days). travel and imei flags equal a python
# oracle written from the man page (ANOMALIES); every planted case is
# found and no near miss; the same flags with rows shuffled, -j 1 and 2,
# and through partial/merge.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >gen.py <<'PY'
import random, sys, time
rnd = random.Random(int(sys.argv[1]))
T0 = 1735891200
KL, KK, JB = (3.139, 101.6869), (5.98, 116.07), (1.4927, 103.7414)
def luhn(d14):
    s = 0
    for i, c in enumerate(d14):
        v = int(c) * (2 if i % 2 else 1)
        s += v - 9 if v > 9 else v
    return d14 + str((10 - s % 10) % 10)
rows, planted, misses = [], [], []
def sess(sub, imsi, imei, t, pos, jitter=0.05):
    lat = pos[0] + rnd.uniform(-jitter, jitter)
    lon = pos[1] + rnd.uniform(-jitter, jitter)
    rows.append((sub, imsi, imei, t, t + rnd.choice([60, 300, 900]), lat, lon))
n = 0
def newsub():
    global n
    n += 1
    return '6017%07d' % n, '50212%010d' % n, luhn('3520990%07d' % n)
# ordinary subscribers: one city, sessions hours apart
for s in range(60):
    sub, imsi, imei = newsub()
    t = T0 + rnd.randint(0, 3600)
    home = rnd.choice([KL, JB])
    for k in range(rnd.randint(2, 8)):
        sess(sub, imsi, imei, t, home)
        t += rnd.choice([3600, 7200, 20000])
# travel: KL then KK ten minutes later; two places at one instant
for s in range(3):
    sub, imsi, imei = newsub()
    t = T0 + 1000 * s
    sess(sub, imsi, imei, t, KL, 0.01); sess(sub, imsi, imei, t + 600, KK, 0.01)
    planted.append(('travel', sub))
sub, imsi, imei = newsub()
sess(sub, imsi, imei, T0 + 50, KL, 0.01); sess(sub, imsi, imei, T0 + 50, KK, 0.01)
planted.append(('travel', sub))
# near misses: the trip in 3 hours (about 540 km/h); a fast 40 km hop
sub, imsi, imei = newsub()
sess(sub, imsi, imei, T0, KL, 0.0); sess(sub, imsi, imei, T0 + 10800, KK, 0.0)
misses.append(('travel', sub))
sub, imsi, imei = newsub()
sess(sub, imsi, imei, T0, KL, 0.0)
sess(sub, imsi, imei, T0 + 60, (KL[0] + 0.36, KL[1]), 0.0)
misses.append(('travel', sub))
# imei: one handset, three SIMs within 30 days; a SIM in four handsets
for sims, spread, hit in ((3, 86400 * 10, 1), (2, 86400, 0), (3, 86400 * 60, 0)):
    d = luhn('8611110%07d' % (100 + sims + spread // 86400))
    for i in range(sims):
        sub, imsi, _ = newsub()
        sess(sub, imsi, d, T0 + i * spread // max(1, sims - 1), JB)
    (planted if hit else misses).append(('imei', d[:14]))
for hs, hit in ((4, 1), (3, 0)):
    sub, imsi, _ = newsub()
    for i in range(hs):
        sess(sub, imsi, luhn('8622220%07d' % (10 * hs + i)), T0 + 86400 * i, KL)
    (planted if hit else misses).append(('imei', imsi))
rnd.shuffle(rows)
fmt = lambda t: time.strftime('%Y-%m-%d-%H:%M:%S', time.gmtime(t))
with open('ip.csv', 'w') as f:
    f.write('SubscriberID,IMSI,IMEI,Source IP,NAT IP,NAT Port,Start Time,'
            'End Time,Latitude,Longitude\n')
    for i, (sub, imsi, imei, t, e, lat, lon) in enumerate(rows):
        f.write('%s,%s,%s,10.%d.%d.%d,198.51.100.%d,%d,%s,%s,%.6f,%.6f\n' % (
            sub, imsi, imei, i % 4, i // 250 % 250, i % 250 + 1, i % 20 + 1,
            1024 + 64 * (i % 50), fmt(t), fmt(e), lat, lon))
with open('planted', 'w') as f:
    for k, e in planted: f.write('%s,%s\n' % (k, e))
with open('misses', 'w') as f:
    for k, e in misses: f.write('%s,%s\n' % (k, e))
PY

cat >oracle.py <<'PY'
# The man page's travel and imei, written again: kind,entity,from,to,score
import calendar, csv, math, sys, time
R = 6371008.8
ts = lambda s: calendar.timegm(time.strptime(s, '%Y-%m-%d-%H:%M:%S'))
iso = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
def hav(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1, math.sqrt(h))) / 1000
recs = []
for i, r in enumerate(csv.DictReader(open(sys.argv[1]))):
    recs.append(dict(sub=r['SubscriberID'], imsi=r['IMSI'], imei=r['IMEI'],
                     t=ts(r['Start Time']), line=i + 2,
                     pos=(round(float(r['Latitude']) * 1e6) / 1e6,
                          round(float(r['Longitude']) * 1e6) / 1e6)))
out = []
# travel: consecutive positions of a subscriber, by start then position
recs.sort(key=lambda x: (x['sub'].encode(), x['t'], x['pos'], x['line']))
for a, b in zip(recs, recs[1:]):
    if a['sub'] != b['sub']:
        continue
    km, dt = hav(a['pos'], b['pos']), b['t'] - a['t']
    if km > 50 and (dt == 0 or km / (dt / 3600) > 1000):
        score = 'inf' if dt == 0 else '%d' % round(km / (dt / 3600))
        out.append(('travel', a['sub'], iso(a['t']), iso(b['t']), score))
# imei: per handset distinct SIMs >= 3; per SIM distinct handsets >= 4
W = 30 * 86400
def facet(key, other, need):
    groups = {}
    for r in sorted(recs, key=lambda x: (x['t'], x['line'])):
        groups.setdefault(key(r), []).append(r)
    res = []
    for g in sorted(groups, key=lambda s: s.encode()):
        rs, best = groups[g], None
        for j in range(len(rs)):
            win = [k for k in rs[j:] if k['t'] - rs[j]['t'] < W]
            n = len(set(other(k) for k in win))
            if best is None or n > best[0]:
                best = (n, rs[j]['t'], max(k['t'] for k in win))
        if best[0] >= need:
            res.append(('imei', g, iso(best[1]), iso(best[2]), str(best[0])))
    return res
out += facet(lambda r: r['imei'][:14], lambda r: r['imsi'], 3)
out += facet(lambda r: r['imsi'], lambda r: r['imei'][:14], 4)
for o in out:
    print(','.join(o))
PY

flags() { # the csv report on stdin: kind,entity,from,to,score
	python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(",".join([r["kind"], r["entity"], r["from"], r["to"], r["score"]]))'
}

test_setup 'an IP session log with planted cases' '
	python3 gen.py 3 && python3 oracle.py ip.csv >want &&
	{ head -1 ip.csv; tail -n +2 ip.csv | sort -r; } >shuf.csv
'

test_expect_success 'the columns are read as an IP log with positions and IMEIs' '
	cdrsift schema -f csv ip.csv >schema.csv &&
	for f in subscriber imsi imei start end lat lon public_ip; do
		grep -q ",$f," schema.csv || exit 1
	done
'

test_expect_success 'travel and imei: as the oracle' '
	cdrsift anomalies --only travel,imei -f csv ip.csv >got.csv &&
	flags <got.csv >got && test_cmp want got
'

test_expect_success 'every planted case is found, no near miss' '
	cut -d, -f1,2 got | sort -u >found &&
	sort planted >p && comm -23 p found >lost && test_cmp /dev/null lost &&
	sort misses >m && comm -12 m found >wrong && test_cmp /dev/null wrong &&
	test $(wc -l <p) -eq 6
'

test_expect_success 'all detectors run on the IP log; travel and imei rows the same' '
	cdrsift anomalies -f csv ip.csv >all.csv &&
	flags <all.csv | grep "^\(travel\|imei\)," >all && test_cmp want all
'

test_expect_success 'rows shuffled, -j 1 and -j 2: the same flags' '
	cdrsift anomalies -j 1 --only travel,imei -f csv shuf.csv | flags >s1 &&
	cdrsift anomalies -j 2 --only travel,imei -f csv shuf.csv | flags >s2 &&
	test_cmp want s1 && test_cmp want s2
'

test_expect_success 'split, partials merged: the report of one run' '
	mkdir parts && partial_split ip.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts anomalies --only travel,imei
'

test_done
