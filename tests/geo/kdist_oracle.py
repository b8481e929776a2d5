#!/usr/bin/python3
"""kdist_oracle.py - `cdrsift geo --k-distance K` from the man page
definition, with Debian's scikit-learn NearestNeighbors (haversine,
ball_tree): for each distinct position of the records, weighted by its
record count, the smallest distance d such that the positions within d
(itself included) hold at least K records; quantiles by nearest rank over
the positions, with the number of positions whose k-distance is <= the
quantile's value. Compares with cdrsift's csv on stdin.
Usage: kdist_oracle.py K CSV... <cdrsift-csv"""
import csv, math, sys
import numpy as np
from sklearn.neighbors import NearestNeighbors

R = 6371008.8
K = int(sys.argv[1])
w = {}
for path in sys.argv[2:]:
    for r in csv.DictReader(open(path, newline='')):
        try:
            lat, lon = float(r['lat']), float(r['lon'])
        except (ValueError, KeyError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            k = (lat + 0.0, lon + 0.0)
            w[k] = w.get(k, 0) + 1
pts = sorted(w)
n = len(pts)
wt = np.array([w[p] for p in pts])
kd = []
if n and wt.sum() >= K:
    X = np.radians(np.array(pts))
    nn = NearestNeighbors(n_neighbors=min(K, n), metric='haversine',
                          algorithm='ball_tree').fit(X)
    dist, idx = nn.kneighbors(X)
    for i in range(n):
        s = 0
        for d, j in zip(dist[i], idx[i]):
            s += wt[j]
            if s >= K:
                kd.append(d * R)
                break
kd.sort()
got = list(csv.reader(sys.stdin))
assert got[0] == ['quantile', 'k_distance_m', 'positions'], got[0]
qs = ['0', '0.05', '0.1', '0.25', '0.5', '0.75', '0.9', '0.95', '0.99', '1']
assert [r[0] for r in got[1:]] == qs, [r[0] for r in got[1:]]
bad = 0
for q, row in zip(qs, got[1:]):
    if not kd:
        exp = ['', '0']
        ok = row[1:] == exp
    else:
        r = max(1, math.ceil(float(q) * n - 1e-9))
        v = kd[r - 1]
        c = sum(1 for x in kd if x <= v * (1 + 1e-9))
        ok = abs(float(row[1]) - v) <= 0.051 + 1e-9 * v and int(row[2]) == c
        exp = ['%.1f' % v, str(c)]
    if not ok:
        bad += 1
        print('quantile %s: cdrsift %s, oracle %s' % (q, row[1:], exp), file=sys.stderr)
sys.exit(1 if bad else 0)
