#!/usr/bin/python3
"""hull_oracle.py - the oracle of t5300 (`cdrsift geo -f geojson --hulls`,
`--noise`), from the man page's definition, python3 standard library only.

  gen CSV TRUTH.json     clusters made to be clusters whatever the DBSCAN
                         details (every position alone holds --min-records
                         3, positions of a cluster within a few km of each
                         other, clusters hundreds of km apart, --eps 20km),
                         noise positions (one record each, far from all),
                         and what they are: each cluster's positions and
                         records, the noise positions.
  check TRUTH.json GEOJSON [hulls|points]
                         the FeatureCollection against the truth: one
                         feature per cluster (matched by records, which
                         differ), and per noise position with --noise.
                         hulls: each cluster's geometry is the convex hull
                         of its positions, computed here exactly (fractions
                         of the decimal coordinates, Andrew's monotone chain
                         in (lon, lat) with the longitudes taken around the
                         cluster): a Point for one distinct position, a
                         LineString for collinear ones, else a Polygon whose
                         vertices are the hull's, ring closed and
                         counterclockwise (signed area > 0), every position
                         inside or on it; across the antimeridian cut along
                         lon 180 into a MultiPolygon (MultiLineString) whose
                         parts are each closed and counterclockwise, meet at
                         the same cut points on the meridian, and together
                         have the hull's area. points: Points at the
                         centroids (no hulls). Prints the geometry types.
  noise TRUTH.json CSV   the csv of --noise: one row per noise position
                         (cluster "noise", its lat/lon, its records), most
                         records first, then by (lat, lon).
"""
import csv
import json
import random
import sys
from fractions import Fraction as F

TOL = 1e-9  # degrees: a float read back from json against an exact value


def gen(out_csv, out_truth):
    rnd = random.Random(5300)
    clusters = []

    def blob(lat0, lon0, n, sd):
        pts = set()
        while len(pts) < n:
            lat = lat0 + rnd.gauss(0, sd)
            lon = lon0 + rnd.gauss(0, sd)
            if lon > 180:
                lon -= 360
            if lon < -180:
                lon += 360
            pts.add(('%.6f' % lat, '%.6f' % lon))
        return sorted(pts)

    def line(lat0, lon0, dlat, dlon, n):
        pts = []
        for i in range(n):
            lat = F('%.6f' % lat0) + i * F('%.6f' % dlat)
            lon = F('%.6f' % lon0) + i * F('%.6f' % dlon)
            if lon > 180:
                lon -= 360
            pts.append(('%.6f' % float(lat), '%.6f' % float(lon)))
        rnd.shuffle(pts)
        return pts

    clusters.append(blob(3.139, 101.6869, 200, 0.01))       # a town
    clusters.append(blob(-17.0, 179.999, 150, 0.006))       # antimeridian
    clusters.append(blob(78.22, 15.65, 60, 0.004))          # far north
    clusters.append([('40.416800', '-3.703800')])           # one position
    clusters.append(line(45.0, 20.5, 0.001, 0, 11))         # a meridian
    clusters.append(line(-33.9, 18.40, 0, 0.002, 9))        # a parallel
    clusters.append(line(60.0, 10.0, 0.001, 0.001, 12))     # a diagonal
    clusters.append(line(10.0, 179.995, 0, 0.001, 10))      # across 180
    # a square with positions on its edges and inside: only the corners
    # are vertices
    sq = [('%.6f' % (-1 + 0.002 * i), '%.6f' % (-60 + 0.002 * j))
          for i in range(5) for j in range(5)]
    clusters.append(sq)
    truth = {'clusters': [], 'noise': []}
    rows = []
    for k, pts in enumerate(clusters):
        # records differ between clusters: cluster k has 1000 - 37 k more
        # than its positions' base weights
        weights = [3 + (i % 3) for i in range(len(pts))]
        weights[0] += 1000 - 37 * k
        truth['clusters'].append({'positions': [[a, b] for a, b in pts],
                                  'weights': weights,
                                  'records': sum(weights)})
        for (lat, lon), w in zip(pts, weights):
            rows += [(lat, lon)] * w
    for i in range(25):  # noise: alone, one or two records (< 3)
        p = ('%.6f' % (-50 + rnd.random()), '%.6f' % (-170 + 13 * i + rnd.random()))
        w = 1 + i % 2
        truth['noise'].append({'position': list(p), 'records': w})
        rows += [p] * w
    rnd.shuffle(rows)
    with open(out_csv, 'w') as f:
        f.write('start,caller,lat,lon\n')
        for i, (lat, lon) in enumerate(rows):
            f.write('2025-03-%02dT%02d:%02d:00,6012%07d,%s,%s\n' % (
                1 + i % 28, i % 24, i % 60, rnd.randrange(500), lat, lon))
    with open(out_truth, 'w') as f:
        json.dump(truth, f)


def unwrap(pts):
    """(lon, lat) fractions, longitudes within 180 of the first one's"""
    ref = F(pts[0][1])
    out = []
    for lat, lon in pts:
        x = F(lon)
        if x - ref > 180:
            x -= 360
        elif x - ref < -180:
            x += 360
        out.append((x, F(lat)))
    return out


def cross(o, a, b):
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def hull(pts):
    """Andrew's monotone chain, exact: counterclockwise, no collinear
    vertices"""
    p = sorted(set(pts))
    if len(p) < 3:
        return p
    lower, upper = [], []
    for q in p:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], q) <= 0:
            lower.pop()
        lower.append(q)
    for q in reversed(p):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], q) <= 0:
            upper.pop()
        upper.append(q)
    h = lower[:-1] + upper[:-1]
    return h


def area(ring):
    """signed area (shoelace) of a ring given without its closing vertex,
    exact (the floats read as the fractions they are)"""
    s = 0
    for i in range(len(ring)):
        a, b = ring[i], ring[(i + 1) % len(ring)]
        s += F(a[0]) * F(b[1]) - F(b[0]) * F(a[1])
    return s / 2


def wrap(x):
    x = float(x)
    return x - 360 if x > 180 else x + 360 if x < -180 else x


def near(a, b, tol=TOL):
    return abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol


def same_set(got, exp, what):
    assert len(got) == len(exp), (what, 'vertices', len(got), len(exp), got, exp)
    for e in exp:
        assert any(near(g, e) for g in got), (what, 'missing vertex', e, got)


def closed_ring(ring, what):
    assert len(ring) >= 4, (what, 'ring too short', ring)
    assert ring[0] == ring[-1], (what, 'ring not closed', ring[0], ring[-1])
    for lon, lat in ring:
        assert -180 <= lon <= 180 and -90 <= lat <= 90, (what, lon, lat)
    r = ring[:-1]
    assert area(r) > 0, (what, 'not counterclockwise', area(r))
    return r


def inside(ring, p, tol=TOL):
    """p inside or on the convex counterclockwise ring (no closing vertex)"""
    for i in range(len(ring)):
        a, b = ring[i], ring[(i + 1) % len(ring)]
        length = ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5
        if cross(a, b, p) < -tol * length:
            return False
    return True


def check_hull(c, geom, what):
    pts = [(float(lon), float(lat)) for lat, lon in c['positions']]
    exact = unwrap(c['positions'])
    h = hull(exact)
    t, co = geom['type'], geom['coordinates']
    crosses = any(x > 180 or x < -180 for x, _ in h)
    if len(h) == 1:
        assert t == 'Point', (what, t)
        assert near(co, pts[0]), (what, co, pts[0])
        return t
    if len(h) == 2:
        ends = [(wrap(x), float(y)) for x, y in h]
        if not crosses:
            assert t == 'LineString', (what, t)
            same_set([tuple(p) for p in co], ends, what)
            return t
        assert t == 'MultiLineString' and len(co) == 2, (what, t)
        a, b = co
        assert len(a) == len(b) == 2, (what, co)
        assert a[1][0] == 180 and b[0][0] == -180 and a[1][1] == b[0][1], (what, co)
        same_set([tuple(a[0]), tuple(b[1])], ends, what)
        # the cut point is on the segment
        (x1, y1), (x2, y2) = sorted((float(x), float(y)) for x, y in h)
        lat = y1 + (y2 - y1) * (180 - x1) / (x2 - x1)
        assert abs(a[1][1] - lat) <= TOL, (what, a[1][1], lat)
        return t
    full = float(area(h))
    if not crosses:
        assert t == 'Polygon' and len(co) == 1, (what, t)
        ring = closed_ring([tuple(p) for p in co[0]], what)
        same_set(ring, [(wrap(x), float(y)) for x, y in h], what)
        for p in pts:
            assert inside(ring, p), (what, 'outside the hull', p)
        assert abs(float(area(ring)) - full) <= 1e-9 * full, (what, float(area(ring)), full)
        return t
    assert t == 'MultiPolygon' and len(co) == 2, (what, t, co)
    east = closed_ring([tuple(p) for p in co[0][0]], what + ' (to 180)')
    west = closed_ring([tuple(p) for p in co[1][0]], what + ' (from -180)')
    assert len(co[0]) == len(co[1]) == 1, (what, 'holes')
    assert all(x >= 0 for x, _ in east) and all(x <= 0 for x, _ in west), (what, co)
    cut_e = sorted(y for x, y in east if x == 180)
    cut_w = sorted(y for x, y in west if x == -180)
    assert len(cut_e) == len(cut_w) == 2 and cut_e == cut_w, (what, cut_e, cut_w)
    # vertices off the meridian: exactly the hull's
    got = [p for p in east if p[0] != 180] + [p for p in west if p[0] != -180]
    same_set(got, [(wrap(x), float(y)) for x, y in h if x != 180 and x != -180], what)
    # the cut points lie on the hull's edges that cross lon 180
    for y in cut_e:
        on = False
        for i in range(len(h)):
            (x1, y1), (x2, y2) = h[i], h[(i + 1) % len(h)]
            x1, y1, x2, y2 = float(x1), float(y1), float(x2), float(y2)
            if (x1 - 180) * (x2 - 180) < 0:
                lat = y1 + (y2 - y1) * (180 - x1) / (x2 - x1)
                on = on or abs(lat - y) <= TOL
        assert on, (what, 'cut point off the hull', y)
    tot = float(area(east) + area(west))
    assert abs(tot - full) <= 1e-9 * full, (what, tot, full)
    for p in pts:
        assert inside(east, p) or inside(west, p), (what, 'outside', p)
    return t


def check(truth_path, gj_path, mode):
    truth = json.load(open(truth_path))
    doc = json.load(open(gj_path))
    assert doc['type'] == 'FeatureCollection', doc['type']
    fs = doc['features']
    by_records = {c['records']: c for c in truth['clusters']}
    noise = sorted((n['records'], float(n['position'][1]), float(n['position'][0]))
                   for n in truth['noise'])
    types = []
    got_noise = []
    order = []
    for f in fs:
        assert f['type'] == 'Feature', f['type']
        p, g = f['properties'], f['geometry']
        if p['cluster'] == 'noise':
            assert g['type'] == 'Point', g
            lon, lat = g['coordinates']
            got_noise.append((p['records'], lon, lat))
            assert p['positions'] == 1, p
            types.append('Point')
            continue
        c = by_records.get(p['records'])
        assert c is not None, ('no cluster with these records', p)
        assert p['positions'] == len(set(map(tuple, c['positions']))), p
        order.append(p['records'])
        what = 'cluster %s' % p['cluster']
        if mode == 'hulls':
            assert isinstance(p['lat'], float) and isinstance(p['lon'], float), p
            types.append(check_hull(c, g, what))
        else:
            assert g['type'] == 'Point', (what, g['type'])
            types.append('Point')
    assert sorted(order) == sorted(by_records), (order, sorted(by_records))
    # clusters numbered by records, most first
    assert order == sorted(order, reverse=True), order
    if got_noise:
        tol = TOL if mode == 'hulls' else 5e-7  # exact / micro-degrees
        assert len(got_noise) == len(noise), (len(got_noise), len(noise))
        for r, lon, lat in got_noise:
            assert any(r == n[0] and near((lon, lat), n[1:], tol) for n in noise), \
                ('not a noise position', r, lon, lat)
    for t in sorted(set(types)):
        print('%s %d' % (t, types.count(t)))


def check_noise_csv(truth_path, csv_path):
    truth = json.load(open(truth_path))
    rows = [r for r in csv.DictReader(open(csv_path))
            if r['cluster'] == 'noise' and r['lat'] != '']
    exp = sorted(((n['records'], F(n['position'][0]), F(n['position'][1]))
                  for n in truth['noise']), key=lambda e: (-e[0], e[1], e[2]))
    assert len(rows) == len(exp), (len(rows), len(exp))
    for r, (rec, lat, lon) in zip(rows, exp):
        assert int(r['records']) == rec, (r, rec)
        assert F(r['lat']) == lat and F(r['lon']) == lon, (r, lat, lon)
        assert r['positions'] == '1' and r['radius_m'] == '0', r
        assert int(r['subscribers']) >= 1, r
    summary = [r for r in csv.DictReader(open(csv_path))
               if r['cluster'] == 'noise' and r['lat'] == '']
    assert len(summary) == 1, summary
    assert int(summary[0]['records']) == sum(e[0] for e in exp), summary
    assert int(summary[0]['positions']) == len(exp), summary


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else 'hulls')
    elif sys.argv[1] == 'noise':
        check_noise_csv(sys.argv[2], sys.argv[3])
    else:
        sys.exit('usage: hull_oracle.py gen|check|noise ...')
