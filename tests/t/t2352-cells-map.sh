#!/bin/sh
# --cells-map and cell_offset (issue 12): a cell table with any column
# names is read through --cells-map cell=...,lat=...,lon=...[,range=...]
# (before or after --cells), and the derived field cell_offset is the
# distance in metres between a record's own lat/lon and the table's
# position for its cell, missing when either is missing. Expected
# distances from Python: haversine on a sphere of radius 6371008.8 m, as
# the man page (Derived fields) defines it.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

$PY - <<'PY'
import csv, random
rnd = random.Random(2352)
with open("sites.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["Site Code", "Y (deg)", "X (deg)", "Reach m", "lat"])
    for i in range(1, 41):
        # a "lat" column that is not the position: the map must win
        w.writerow(["S%03d" % i, "%.6f" % rnd.uniform(1, 6), "%.6f" % rnd.uniform(100, 104), rnd.randint(200, 3000), "0"])
sites = {r["Site Code"]: r for r in csv.DictReader(open("sites.csv"))}
with open("recs.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "caller", "start", "cell", "lat", "lon"])
    for i in range(1, 301):
        c = "S%03d" % rnd.randint(1, 45)          # S041..S045 not in the table
        own = rnd.random() < 0.85
        if own and c in sites:
            lat = float(sites[c]["Y (deg)"]) + rnd.gauss(0, 0.01)
            lon = float(sites[c]["X (deg)"]) + rnd.gauss(0, 0.01)
        else:
            lat, lon = rnd.uniform(1, 6), rnd.uniform(100, 104)
        w.writerow([i, "60123", "2025-01-01 00:00:00", c,
                    "%.6f" % lat if own else "", "%.6f" % lon if own else ""])
PY

cat >oracle.py <<'PY'
import csv, math, sys
R = 6371008.8
def hav(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    dp, dl = p2 - p1, math.radians(d - b)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1, math.sqrt(h)))
sites = {r["Site Code"]: r for r in csv.DictReader(open("sites.csv"))}
what = sys.argv[1]
for r in csv.DictReader(open("recs.csv")):
    s = sites.get(r["cell"])
    off = None
    if s and r["lat"]:
        off = hav(float(r["lat"]), float(r["lon"]), float(s["Y (deg)"]), float(s["X (deg)"]))
    if what == "over1km" and off is not None and off > 1000:
        print(r["id"])
    if what == "under500m" and off is not None and off < 500:
        print(r["id"])
    if what == "missing" and off is None:
        print(r["id"])
    if what == "values" and off is not None:
        print("%s %.3f" % (r["id"], off))
PY
MAP='cell=Site Code,lat=Y (deg),lon=X (deg),range=Reach m'
ids() { $PY -c 'import csv, sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }

test_expect_success "-w 'cell_offset > 1km' keeps the records Python finds" '
	$PY oracle.py over1km >want && test -s want &&
	cdrsift filter -f csv --cells sites.csv --cells-map "$MAP" -w "cell_offset > 1km" recs.csv >out.csv &&
	ids <out.csv >got && test_cmp want got
'
test_expect_success '--cells-map before --cells reads the same' '
	cdrsift filter -f csv --cells-map "$MAP" --cells sites.csv -w "cell_offset > 1km" recs.csv >out2.csv &&
	test_cmp out.csv out2.csv
'
test_expect_success "metres: -w 'cell_offset < 500m' and a plain number" '
	$PY oracle.py under500m >want && test -s want &&
	cdrsift filter -f csv --cells sites.csv --cells-map "$MAP" -w "cell_offset < 500m" recs.csv | ids >got &&
	test_cmp want got &&
	cdrsift filter -f csv --cells sites.csv --cells-map "$MAP" -w "cell_offset < 500" recs.csv | ids >got2 &&
	test_cmp want got2
'
test_expect_success 'cell_offset is missing without an own position or a table row' '
	$PY oracle.py missing >want && test -s want &&
	cdrsift filter -f csv --cells sites.csv --cells-map "$MAP" -w "not exists(cell_offset)" recs.csv | ids >got &&
	test_cmp want got
'
test_expect_success 'cell_offset agrees with the haversine to a millimetre (bisection on -w)' '
	$PY oracle.py values | head -20 >vals &&
	while read id m; do
		lo=$($PY -c "print($m - 0.001)") hi=$($PY -c "print($m + 0.001)") &&
		cdrsift filter --count --cells sites.csv --cells-map "$MAP" -w "id == \"$id\" and cell_offset between $lo and $hi" recs.csv >c &&
		printf "count\n1\n" >w1 && test_cmp w1 c || return 1
	done <vals
'
test_expect_success 'without --cells-map the table is refused with a hint' '
	test_exit 3 cdrsift filter --count --cells sites.csv recs.csv 2>err &&
	grep -q "needs cell id, lat and lon columns (name them with --cells-map)" err
'
test_expect_success 'a --cells-map column the table lacks, a bad role, no --cells' '
	test_exit 3 cdrsift filter --count --cells sites.csv --cells-map "cell=Site,lat=Y (deg),lon=X (deg)" recs.csv 2>err &&
	grep -q "has no column .Site. (--cells-map cell=)" err &&
	test_exit 2 cdrsift filter --count --cells sites.csv --cells-map "tower=Site Code" recs.csv 2>err &&
	grep -q "^cdrsift: --cells-map: unknown role .tower." err &&
	test_exit 2 cdrsift filter --count --cells-map "$MAP" recs.csv 2>err &&
	grep -q "^cdrsift: --cells-map: no --cells table to read with it$" err
'
test_expect_success 'cell_offset without a table is a question the data cannot answer' '
	test_exit 2 cdrsift filter --count -w "cell_offset > 1km" recs.csv 2>err &&
	grep -q "field .cell_offset. (asked for by -w) is not in this input" err
'
test_expect_success 'a distance beside another field is still refused' '
	test_exit 2 cdrsift filter --count -w "lat > 1km" recs.csv 2>err &&
	grep -q "expected a number, found .1km. (a distance)" err
'
test_done
