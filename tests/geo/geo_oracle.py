#!/usr/bin/python3
"""geo_oracle.py - the figures of `cdrsift geo` computed from the man page
definition, with Debian's scikit-learn for the DBSCAN core:
DBSCAN(metric='haversine', algorithm='ball_tree').fit(X, sample_weight=w)
over the distinct positions weighted by record count; border points to the
nearest core neighbour (ties: smaller lat, lon of the core point); clusters
numbered by records (most first), then smallest (lat, lon) of their points.

Usage:
  geo_oracle.py gen NAME EPS_M OUT.csv      write a hand-made CDR file
  geo_oracle.py check EPS_M MIN [none] CSV... <cdrsift-geo-csv
NAME: boundary, antimeridian, pole, blobs."""
import csv, datetime, gzip, math, random, sys
import numpy as np
from sklearn.cluster import DBSCAN
from sklearn.neighbors import BallTree

R = 6371008.8
HEAD = ['id', 'type', 'direction', 'caller', 'callee', 'start', 'end',
        'duration', 'imsi', 'imei', 'cell', 'lac', 'lat', 'lon', 'operator',
        'status']

def dest(lat, lon, bearing, d):
    p1, l1, b = map(math.radians, (lat, lon, bearing))
    a = d / R
    p2 = math.asin(math.sin(p1) * math.cos(a) +
                   math.cos(p1) * math.sin(a) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(a) * math.cos(p1),
                         math.cos(a) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180

def gen(name, eps, out):
    rnd = random.Random(5101)
    pos = []
    if name == 'boundary':
        for k in range(120):
            lat, lon = rnd.uniform(-60, 60), rnd.uniform(-179, 179)
            f = 1 - 1e-6 if k % 2 == 0 else 1 + 1e-6
            pos += [(lat, lon, 3), (*dest(lat, lon, rnd.uniform(0, 360), eps * f), 3)]
    elif name == 'antimeridian':
        for c in [(-17.0, 179.999), (-17.0, -179.999), (52.0, 180.0)]:
            for _ in range(150):
                lon = (c[1] + rnd.gauss(0, 0.003) + 540) % 360 - 180
                pos.append((c[0] + rnd.gauss(0, 0.003), lon, rnd.randint(1, 4)))
    elif name == 'pole':
        for plat in (90.0, -90.0):
            for _ in range(150):
                lat = plat - math.copysign(abs(rnd.gauss(0, 0.004)), plat)
                pos.append((lat, rnd.uniform(-180, 180), rnd.randint(1, 3)))
            pos.append((plat, 0.0, 5))
            pos.append((plat, 120.0, 5))
    elif name == 'nopos':
        for _ in range(60):
            pos.append((48.85 + rnd.gauss(0, 0.001), 2.35 + rnd.gauss(0, 0.001), 2))
        pos.append((None, None, 7))
    elif name == 'blobs':
        for c in [(3.139, 101.6869), (3.2, 101.6), (1.55, 110.35)]:
            for _ in range(300):
                pos.append((c[0] + rnd.gauss(0, 0.004),
                            c[1] + rnd.gauss(0, 0.004), rnd.randint(1, 5)))
        for _ in range(100):
            pos.append((rnd.uniform(1, 6), rnd.uniform(100, 117), 1))
    t0 = datetime.datetime(2025, 1, 1)
    rows, i = [], 0
    for lat, lon, w in pos:
        for _ in range(w):
            i += 1
            t = t0 + datetime.timedelta(seconds=rnd.randint(0, 7 * 86400))
            mo = rnd.random() < 0.5
            rows.append([i, 'voice', 'mo' if mo else 'mt',
                         '6012%07d' % rnd.randint(0, 30),
                         '6013%07d' % rnd.randint(0, 30),
                         t.strftime('%Y-%m-%dT%H:%M:%S'),
                         (t + datetime.timedelta(seconds=5)).strftime('%Y-%m-%dT%H:%M:%S'),
                         5, '', '', str(rnd.randint(1, 9)), '1',
                         '' if lat is None else repr(lat), '' if lon is None else repr(lon), '50212', 'answered'])
    rnd.shuffle(rows)
    with open(out, 'w', newline='') as f:
        wr = csv.writer(f)
        wr.writerow(HEAD)
        wr.writerows(rows)

def hav(a, b, c, d):
    a, b, c, d = map(math.radians, (a, b, c, d))
    h = math.sin((c - a) / 2) ** 2 + math.cos(a) * math.cos(c) * math.sin((d - b) / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(h)))

NOPOS = [0]

def load(paths):
    P = {}
    for p in paths:
        op = gzip.open if p.endswith('.gz') else open
        with op(p, 'rt', newline='') as f:
            for r in csv.DictReader(f):
                if not r['lat'] or not r['lon']:
                    NOPOS[0] += 1
                    continue
                k = (float(r['lat']) + 0.0, float(r['lon']) + 0.0)
                e = P.setdefault(k, {'w': 0, 'subs': set(), 'cells': set(),
                                     'times': []})
                e['w'] += 1
                sub = r['callee'] if r['direction'] == 'mt' else r['caller']
                if sub:
                    e['subs'].add(sub)
                if r['cell']:
                    e['cells'].add(r['cell'])
                e['times'].append(datetime.datetime.fromisoformat(r['start']))
    return P

def check(eps, minw, none, paths):
    P = load(paths)
    keys = sorted(P)
    X = np.radians(np.array(keys, dtype=float).reshape(-1, 2))
    w = np.array([P[k]['w'] for k in keys])
    db = DBSCAN(eps=eps / R, min_samples=minw, metric='haversine',
                algorithm='ball_tree').fit(X, sample_weight=w)
    core = np.zeros(len(keys), bool)
    core[db.core_sample_indices_] = True
    lab = [-1] * len(keys)
    for i in range(len(keys)):
        if core[i]:
            lab[i] = db.labels_[i]
    if not none:
        tree = BallTree(X, metric='haversine')
        nb = tree.query_radius(X, r=eps / R)
        for i in range(len(keys)):
            if core[i]:
                continue
            best = None
            for j in nb[i]:
                if core[j]:
                    cand = (hav(*keys[i], *keys[j]), keys[j], j)
                    if best is None or cand[:2] < best[:2]:
                        best = cand
            if best:
                lab[i] = db.labels_[best[2]]
    groups = {}
    for i, l in enumerate(lab):
        groups.setdefault(l, []).append(i)
    noise = groups.pop(-1, [])
    order = sorted(groups.values(),
                   key=lambda g: (-sum(w[i] for i in g), min(keys[i] for i in g)))
    want = []
    for n, g in enumerate(order + [noise]):
        is_noise = n == len(order)
        recs = sum(P[keys[i]]['w'] for i in g)
        subs = set().union(*[P[keys[i]]['subs'] for i in g]) if g else set()
        cells = set().union(*[P[keys[i]]['cells'] for i in g]) if g else set()
        times = [t for i in g for t in P[keys[i]]['times']]
        hours = [0] * 24
        for t in times:
            hours[t.hour] += 1
        top = sorted((h for h in range(24) if hours[h]), key=lambda h: (-hours[h], h))[:3]
        row = {'cluster': 'noise' if is_noise else str(n + 1),
               'records': str(recs), 'subscribers': str(len(subs)),
               'cells': str(len(cells)), 'positions': str(len(g)),
               'first_seen': min(times).strftime('%Y-%m-%dT%H:%M:%SZ') if times else '',
               'last_seen': max(times).strftime('%Y-%m-%dT%H:%M:%SZ') if times else '',
               'busiest_hours': ','.join('%02d' % h for h in top)}
        if not is_noise:
            x = y = z = 0.0
            for i in g:
                la, lo = map(math.radians, keys[i])
                x += w[i] * math.cos(la) * math.cos(lo)
                y += w[i] * math.cos(la) * math.sin(lo)
                z += w[i] * math.sin(la)
            clat = math.degrees(math.atan2(z, math.hypot(x, y)))
            clon = math.degrees(math.atan2(y, x))
            ds = sorted((hav(clat, clon, *keys[i]), w[i]) for i in g)
            acc, p90 = 0, None
            for d, wi in ds:
                acc += wi
                if p90 is None and acc * 10 >= 9 * recs:
                    p90 = d
            row.update(lat=clat, lon=clon, radius_m=ds[-1][0], radius90_m=p90)
        want.append(row)
    if NOPOS[0]:
        want.append({'cluster': 'no_position', 'records': str(NOPOS[0]),
                     'lat': '', 'subscribers': ''})
    got = list(csv.DictReader(sys.stdin))
    bad = 0
    if len(got) != len(want):
        print('rows: got %d, want %d' % (len(got), len(want)))
        return 1
    for g_, w_ in zip(got, want):
        for k, v in w_.items():
            if w_['cluster'] == 'no_position':
                ok = g_[k] == v
            elif k in ('lat', 'lon'):
                ok = abs(float(g_[k]) - v) <= 1.5e-6 or (k == 'lon' and abs(abs(float(g_[k]) - v) - 360) <= 1.5e-6)
            elif k in ('radius_m', 'radius90_m'):
                ok = abs(float(g_[k]) - v) <= 1.0
            else:
                ok = g_[k] == v
            if not ok:
                bad += 1
                if bad < 10:
                    print('cluster %s %s: got %s, want %s' % (w_['cluster'], k, g_[k], v))
    print('# %d clusters, %d noise positions, %d core' %
          (len(order), len(noise), int(core.sum())))
    return 1 if bad else 0

if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2], float(sys.argv[3]), sys.argv[4])
    else:
        a = sys.argv[2:]
        none = len(a) > 2 and a[2] == 'none'
        sys.exit(check(float(a[0]), int(a[1]), none, a[3 if none else 2:]))
