#!/bin/sh
# t6101: travel with cell ranges (issue 15): with a --cells table, a
# record's position is its cell's and the cell's range (OpenCellID's
# "range", metres) is where in the cell the phone may have been, so both
# records' ranges are subtracted from the distance before the speed and
# distance tests (man ANOMALIES, travel; ranges rounded up to 8 m). An
# independent python oracle of that definition over generated cells and
# records; the same data without ranges must give other flags (so the
# subtraction is what the test sees); records with their own lat/lon
# subtract nothing; cell_range reads as a filter field in metres; the
# flags survive a partial/merge.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PY=/usr/bin/python3

cat >gen.py <<'PY'
import random, time
rnd = random.Random(6101)
cells = []
for i in range(60):
    lat = rnd.uniform(1.3, 6.5)
    lon = rnd.uniform(100.2, 104.0) if i < 40 else rnd.uniform(110.0, 118.0)
    rng = rnd.choice([0, 0, 500, 2000, 8000, 15000, 25000, 40000, 60000,
                      rnd.randint(1, 70000)])
    cells.append(("502", "16", str(1000 + i), str(50000 + i), lat, lon, rng))
with open("cells.csv", "w") as f:
    f.write("radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,"
            "created,updated,averageSignal\n")
    for c in cells:
        f.write("LTE,%s,%s,%s,%s,0,%.6f,%.6f,%d,10,1,1600000000,1700000000,0\n"
                % (c[0], c[1], c[2], c[3], c[5], c[4], c[6]))
iso = lambda x: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(x))
rows = []
for s in range(300):
    sub = "6012%06d" % s
    t = 1735891200 + rnd.randint(0, 3600)
    own = s % 5 == 0  # these carry their own GPS position
    for k in range(rnd.randint(2, 9)):
        t += rnd.choice([60, 300, 600, 1200, 1800, 3600, 7200, 20000])
        c = rnd.choice(cells)
        if own:
            rows.append((sub, iso(t), "", "%.6f" % c[4], "%.6f" % c[5]))
        else:
            rows.append((sub, iso(t), "-".join(c[:4]), "", ""))
rnd.shuffle(rows)
with open("recs.csv", "w") as f:
    f.write("caller,callee,type,direction,start,duration,cell,lat,lon\n")
    for r in rows:
        f.write("%s,60999,voice,mo,%s,10,%s,%s,%s\n" % r)
PY

cat >oracle.py <<'PY'
# man ANOMALIES, travel, written again: consecutive positioned records of
# a subscriber (by start); d = haversine (R 6371008.8 m) between the
# positions rounded to micro-degrees, less both cells' ranges (each
# rounded up to a multiple of 8 m, and only where the position is the
# cell table's), not below 0; a flag when d > 50 km and d / t > 1000 km/h.
import csv, math, sys, time, calendar
use_ranges = sys.argv[1] == "ranges"
R = 6371008.8
def hav(a, b):
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1, math.sqrt(h))) / 1000
cells = {}
for c in csv.DictReader(open("cells.csv")):
    key = "-".join((c["mcc"], c["net"], c["area"], c["cell"]))
    r = int(c["range"])
    cells[key] = (float(c["lat"]), float(c["lon"]), math.ceil(r / 8) * 8 if r > 0 else 0)
ts = lambda s: calendar.timegm(time.strptime(s, "%Y-%m-%d %H:%M:%S"))
iso = lambda x: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(x))
recs = []
for r in csv.DictReader(open("recs.csv")):
    if r["lat"]:
        pos, rng = (float(r["lat"]), float(r["lon"])), 0
    else:
        c = cells[r["cell"]]
        pos, rng = (c[0], c[1]), c[2]
    pos = (round(pos[0] * 1e6) / 1e6, round(pos[1] * 1e6) / 1e6)
    recs.append((r["caller"], ts(r["start"]), pos, rng if use_ranges else 0))
recs.sort(key=lambda x: (x[0].encode(), x[1]))
for a, b in zip(recs, recs[1:]):
    if a[0] != b[0]:
        continue
    km = max(0.0, hav(a[2], b[2]) - (a[3] + b[3]) / 1000)
    dt = b[1] - a[1]
    if km > 50 and km / (dt / 3600) > 1000:
        print("travel,%s,%s,%s" % (a[0], iso(a[1]), iso(b[1])))
PY

test_setup 'generated cells with ranges, records by cell and by GPS' '
	$PY gen.py &&
	$PY oracle.py ranges | sort >want-ranges &&
	$PY oracle.py none | sort >want-none &&
	test -s want-ranges && ! test_cmp want-ranges want-none >/dev/null
'

test_expect_success 'travel flags are the oracle ones, ranges subtracted' '
	cdrsift anomalies -f csv --only travel --cells cells.csv recs.csv >got.csv &&
	tail -n +2 got.csv | cut -d, -f1-4 | sort >got &&
	test_cmp want-ranges got
'

test_expect_success 'the detail names the distance apart and the ranges taken off' '
	grep -q "km apart, less [0-9.]* km of cell ranges)" got.csv &&
	# subscribers with their own GPS positions (ids ending 0 or 5) have none
	! grep "^travel,6012[0-9]*[05]," got.csv | grep -q "cell ranges"
'

test_expect_success 'cell_range is a filter field in metres, missing for GPS rows' '
	cdrsift filter --count --cells cells.csv -w "cell_range > 20km" recs.csv | tail -n 1 >n1 &&
	cdrsift filter --count --cells cells.csv -w "exists(cell_range)" recs.csv | tail -n 1 >n3 &&
	$PY -c "
import csv
rng = {\"-\".join((c[\"mcc\"], c[\"net\"], c[\"area\"], c[\"cell\"])): int(c[\"range\"])
       for c in csv.DictReader(open(\"cells.csv\"))}
rows = [r for r in csv.DictReader(open(\"recs.csv\")) if not r[\"lat\"]]
print(sum(1 for r in rows if rng[r[\"cell\"]] > 20000))
print(sum(1 for r in rows if rng[r[\"cell\"]] > 0))" >n2 &&
	test "$(cat n1)" -gt 0 &&
	test "$(cat n1) $(cat n3)" = "$(head -1 n2) $(tail -1 n2)"
'

test_expect_success 'partial and merge give the one-run flags' '
	head -1 recs.csv >h && tail -n +2 recs.csv >body &&
	split -n l/2 body part. &&
	cat h part.aa >p1.csv && cat h part.ab >p2.csv &&
	cdrsift anomalies --only travel --cells cells.csv --partial p1.part p1.csv &&
	cdrsift anomalies --only travel --cells cells.csv --partial p2.part p2.csv &&
	cdrsift merge -f csv p1.part p2.part | cut -d, -f1-6 >merged &&
	cdrsift anomalies -f csv --only travel --cells cells.csv p1.csv p2.csv \
		| cut -d, -f1-6 >one &&
	test_cmp one merged
'
test_done
