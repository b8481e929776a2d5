#!/usr/bin/python3
"""sklearn_check.py - compare src/dbscan.c (through dbscan-run) with
scikit-learn's DBSCAN(metric='haversine', algorithm='ball_tree') and
sample_weight on one data set, written from the definition in dbscan.h:
identical core points, identical partition of the core points, identical
noise, every border point within eps of a core point of its own cluster,
and the same answer for the points shuffled.

Usage: sklearn_check.py DBSCAN_RUN DATASET EPS_M MIN_WEIGHT [none]
DATASET: blobs, boundary, antimeridian, pole, heavy."""
import math, random, subprocess, sys
import numpy as np
from sklearn.cluster import DBSCAN

R = 6371008.8

def dest(lat, lon, bearing, d):
    """The point at distance d (m) from (lat, lon) along 'bearing' (deg)."""
    p1, l1, b, a = map(math.radians, (lat, lon, bearing, 0))
    a = d / R
    p2 = math.asin(math.sin(p1) * math.cos(a) +
                   math.cos(p1) * math.sin(a) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(a) * math.cos(p1),
                         math.cos(a) - math.sin(p1) * math.sin(p2))
    lon2 = (math.degrees(l2) + 540) % 360 - 180
    return math.degrees(p2), lon2

def dataset(name, eps, rnd):
    pts = []
    if name == 'blobs':
        for c in [(3.139, 101.6869), (3.2, 101.6), (5.98, 116.07), (1.55, 110.35)]:
            for _ in range(700):
                pts.append((c[0] + rnd.gauss(0, 0.004), c[1] + rnd.gauss(0, 0.004),
                            rnd.randint(1, 5)))
        for _ in range(300):
            pts.append((rnd.uniform(1, 6), rnd.uniform(100, 117), 1))
    elif name == 'boundary':
        # pairs at eps*(1-1e-6) (neighbours) and eps*(1+1e-6) (not), in
        # every direction, at several latitudes
        for k in range(200):
            lat, lon = rnd.uniform(-60, 60), rnd.uniform(-179, 179)
            f = 1 - 1e-6 if k % 2 == 0 else 1 + 1e-6
            lat2, lon2 = dest(lat, lon, rnd.uniform(0, 360), eps * f)
            pts.append((lat, lon, 1))
            pts.append((lat2, lon2, 1))
    elif name == 'antimeridian':
        for c in [(-17.0, 179.999), (-17.0, -179.999), (52.0, 180.0), (52.0, -180.0)]:
            for _ in range(400):
                lon = c[1] + rnd.gauss(0, 0.003)
                lon = (lon + 540) % 360 - 180
                pts.append((c[0] + rnd.gauss(0, 0.003), lon, rnd.randint(1, 3)))
    elif name == 'pole':
        for _ in range(1500):
            pts.append((rnd.uniform(89.98, 90.0), rnd.uniform(-180, 180), rnd.randint(1, 3)))
        for _ in range(500):
            pts.append((rnd.uniform(-90.0, -89.99), rnd.uniform(-180, 180), 1))
    elif name == 'heavy':
        for c in [(48.85, 2.35), (48.86, 2.30)]:
            for _ in range(1500):
                pts.append((c[0] + rnd.gauss(0, 0.01), c[1] + rnd.gauss(0, 0.01),
                            rnd.choice([1, 1, 2, 50, 400])))
    else:
        sys.exit('unknown dataset ' + name)
    # distinct positions, as geo gives them
    seen, out = set(), []
    for p in pts:
        key = (round(p[0], 7), round(p[1], 7))
        if key not in seen:
            seen.add(key)
            out.append((key[0], key[1], p[2]))
    return out

def run(tool, pts, eps, minw, border):
    text = ''.join('%.7f,%.7f,%d\n' % p for p in pts)
    args = [tool, str(eps), str(minw)] + (['none'] if border else [])
    r = subprocess.run(args, input=text, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit('dbscan-run exited %d: %s' % (r.returncode, r.stderr))
    res = []
    for line in r.stdout.splitlines():
        c, role = line.split(',')
        res.append((int(c), role))
    if len(res) != len(pts):
        sys.exit('dbscan-run gave %d answers for %d points' % (len(res), len(pts)))
    return res

def hav_dist(a, b):
    p1, l1, p2, l2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    s0, s1 = math.sin((p1 - p2) / 2), math.sin((l1 - l2) / 2)
    return 2 * R * math.asin(math.sqrt(s0 * s0 + math.cos(p1) * math.cos(p2) * s1 * s1))

def main():
    tool, name, eps, minw = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    border_none = len(sys.argv) > 5 and sys.argv[5] == 'none'
    rnd = random.Random(20261202)
    pts = dataset(name, eps, rnd)
    X = np.radians(np.array([[p[0], p[1]] for p in pts]))
    w = np.array([p[2] for p in pts], dtype=float)
    db = DBSCAN(eps=eps / R, min_samples=minw, metric='haversine',
                algorithm='ball_tree').fit(X, sample_weight=w)
    sk_core = set(int(i) for i in db.core_sample_indices_)
    sk_label = db.labels_
    ours = run(tool, pts, eps, minw, border_none)
    fails = []
    our_core = set(i for i, (c, r) in enumerate(ours) if r == 'core')
    if our_core != sk_core:
        fails.append('core points differ: %d only ours, %d only sklearn' %
                     (len(our_core - sk_core), len(sk_core - our_core)))
    # partition of core points
    def part(labels):
        groups = {}
        for i in sorted(sk_core & our_core):
            groups.setdefault(labels[i], set()).add(i)
        return sorted(sorted(g) for g in groups.values())
    if part([c for c, r in ours]) != part(list(sk_label)):
        fails.append('the partition of core points differs')
    sk_noise = set(i for i in range(len(pts)) if sk_label[i] == -1)
    sk_border = set(i for i in range(len(pts)) if sk_label[i] != -1 and i not in sk_core)
    our_noise = set(i for i, (c, r) in enumerate(ours) if r == 'noise')
    want_noise = sk_noise | sk_border if border_none else sk_noise
    if our_noise != want_noise:
        fails.append('noise differs: %d only ours, %d only sklearn' %
                     (len(our_noise - want_noise), len(want_noise - our_noise)))
    # border points: within eps of a core point of their own cluster
    cores_of = {}
    for i in our_core:
        cores_of.setdefault(ours[i][0], []).append(i)
    bad = 0
    for i, (c, r) in enumerate(ours):
        if r != 'border':
            continue
        if not any(hav_dist(pts[i], pts[j]) <= eps * (1 + 1e-9) for j in cores_of.get(c, [])):
            bad += 1
    if bad:
        fails.append('%d border points are not within eps of a core point of their cluster' % bad)
    # numbering: 1.. by records, largest first
    weight = {}
    for i, (c, r) in enumerate(ours):
        if c:
            weight[c] = weight.get(c, 0) + pts[i][2]
    ws = [weight[k] for k in sorted(weight)]
    if sorted(weight) != list(range(1, len(weight) + 1)) or ws != sorted(ws, reverse=True):
        fails.append('clusters are not numbered 1.. by records')
    # the same answer for the points in another order
    order = list(range(len(pts)))
    rnd.shuffle(order)
    shuffled = run(tool, [pts[i] for i in order], eps, minw, border_none)
    if any(shuffled[k] != ours[i] for k, i in enumerate(order)):
        fails.append('the answer depends on the order of the points')
    ncl = len(set(c for c, r in ours if c))
    print('# %s: %d points, %d core, %d border, %d noise, %d clusters (sklearn %d)' %
          (name, len(pts), len(our_core), sum(1 for c, r in ours if r == 'border'),
           len(our_noise), ncl, len(set(sk_label) - {-1})))
    if name == 'boundary' and not (0 < len(our_core) < len(pts)):
        fails.append('the boundary data set did not test the boundary')
    for f in fails:
        print(f)
    sys.exit(1 if fails else 0)

main()
