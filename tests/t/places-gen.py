#!/usr/bin/env python3
"""places-gen.py - seeded CDRs of subscribers with known homes and
workplaces, for t5201 (`cdrsift geo --per subscriber`). Python std lib.

  places-gen.py SEED NSUBS DAYS OUT.csv TRUTH.csv

Each subscriber has a home, a workplace 3-20 km away and two other spots
(shops). Every night (records between 19:00 and 07:00) it is at home, GPS
noise of about 40 m, except on a few nights away; on working days (Mon-Fri)
it is at work between 09:00 and 17:00, records on the way in the morning
and the evening (commuting, on the line between home and work), sometimes
lunch at a spot near work; weekends at the shops and at home. A few
records land anywhere in the region. One subscriber in ten is sparse (two
days only): TRUTH marks them enough=0. Subscriber 60190000000 has, on top
of its ordinary life, 200 records on one night at a hotel 30 km away.
TRUTH: subscriber,home_lat,home_lon,work_lat,work_lon,enough.
"""
import datetime
import math
import random
import sys

R = 6371008.8
LAT0, LAT1, LON0, LON1 = 2.9, 3.3, 101.4, 101.9
BASE = datetime.datetime(2025, 3, 3)  # a Monday


def offset(lat, lon, dist, bearing):
    """the point 'dist' metres from (lat, lon) on 'bearing' radians"""
    d = dist / R
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) +
                   math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1),
                         math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def main():
    seed, nsubs, days = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    rows, truth = [], []

    def jitter(p, sd=40.0):
        return offset(p[0], p[1], abs(rnd.gauss(0, sd)), rnd.uniform(0, 2 * math.pi))

    def rec(sub, day, secs, p):
        t = BASE + datetime.timedelta(days=day, seconds=secs)
        rows.append((sub, t, p))

    def anywhere():
        return (rnd.uniform(LAT0, LAT1), rnd.uniform(LON0, LON1))

    for i in range(nsubs + 1):
        special = i == nsubs
        sub = '60190000000' if special else '6012%07d' % i
        home = anywhere()
        work = offset(home[0], home[1], rnd.uniform(3000, 20000),
                      rnd.uniform(0, 2 * math.pi))
        shops = [offset(home[0], home[1], rnd.uniform(2000, 10000),
                        rnd.uniform(0, 2 * math.pi)) for _ in range(2)]
        lunch = offset(work[0], work[1], rnd.uniform(700, 1200),
                       rnd.uniform(0, 2 * math.pi))
        sparse = not special and i % 10 == 9
        active = sorted(rnd.sample(range(days), 2)) if sparse else range(days)
        truth.append((sub, home, work, 0 if sparse else 1))

        def put(day, secs, p, sd=40.0):
            if rnd.random() < 0.02:
                p = anywhere()
            rec(sub, day, secs, jitter(p, sd))

        away = set(rnd.sample(range(days), 2)) if not sparse else set()
        for d in active:
            dow = (BASE + datetime.timedelta(days=d)).weekday()  # 0 Monday
            # the night that starts on day d: 19:00 .. 07:00 next morning
            where = anywhere() if d in away else home
            for _ in range(rnd.randint(1, 4)):
                put(d, rnd.randrange(19 * 3600, 31 * 3600), where)
            if dow < 5 and rnd.random() < 0.9:
                for _ in range(rnd.randint(2, 5)):
                    put(d, rnd.randrange(9 * 3600, 17 * 3600), work)
                for lo in (7 * 3600, 17 * 3600):
                    for _ in range(rnd.randint(0, 2)):
                        f = rnd.random()
                        p = (home[0] + f * (work[0] - home[0]),
                             home[1] + f * (work[1] - home[1]))
                        put(d, rnd.randrange(lo, lo + 2 * 3600), p)
                if rnd.random() < 0.3:
                    put(d, rnd.randrange(12 * 3600, 13 * 3600), lunch)
            elif dow >= 5:
                for _ in range(rnd.randint(2, 4)):
                    p = rnd.choice(shops + [home])
                    put(d, rnd.randrange(9 * 3600, 19 * 3600), p)
        if special:
            hotel = offset(home[0], home[1], 30000, 1.0)
            d = days // 2
            for _ in range(200):
                rec(sub, d, rnd.randrange(20 * 3600, 30 * 3600), jitter(hotel))

    with open(sys.argv[4], 'w') as f:
        f.write('id,type,direction,caller,callee,start,duration,lat,lon\n')
        for k, (sub, t, p) in enumerate(rows):
            f.write('%d,voice,mo,%s,60300000000,%s,30,%.6f,%.6f\n' %
                    (k + 1, sub, t.strftime('%Y-%m-%d %H:%M:%S'), p[0], p[1]))
    with open(sys.argv[5], 'w') as f:
        f.write('subscriber,home_lat,home_lon,work_lat,work_lon,enough\n')
        for sub, h, w, e in truth:
            f.write('%s,%.6f,%.6f,%.6f,%.6f,%d\n' % (sub, h[0], h[1], w[0], w[1], e))


main()
