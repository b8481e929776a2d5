#!/bin/sh
# t5401: geo --columns LIST (issue 18, "Columns on demand"): cluster,
# then only the listed columns in the order given; subscribers and cells
# are collected, and the radii computed, only when listed
# (a partial without them is smaller). The full run is checked against
# scikit-learn (tests/geo/geo_oracle.py, as t5101 does); every --columns
# run must give its columns cell for cell, in csv and json, with
# --noise, in GeoJSON's properties, under --suppress-below, for -j1 and
# -j2 and through partial/merge; merge refuses partials of another list;
# errors are usage errors (exit 2) with nothing on stdout.
T=$(cd "$(dirname "$0")" && pwd)
ORACLE=$T/../geo/geo_oracle.py
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

test_setup 'generated towers and blobs' '
	"$CDRSIFT_GEN" --rows 20000 --seed 5401 >gen.csv &&
	/usr/bin/python3 "$ORACLE" gen blobs 400 blobs.csv
'
test_expect_success 'the full runs agree with scikit-learn' '
	cdrsift geo --eps 500m --min-records 20 -f csv gen.csv >full.csv &&
	/usr/bin/python3 "$ORACLE" check 500 20 gen.csv <full.csv &&
	cdrsift geo --eps 400m --min-records 8 -f csv blobs.csv >fullb.csv &&
	/usr/bin/python3 "$ORACLE" check 400 8 blobs.csv <fullb.csv
'
cat >project.py <<\PY
import csv, json, sys
# project.py FULL.csv LIST GOT FORMAT: GOT must be FULL's cluster column
# and the listed ones, in that order, every row
full = list(csv.reader(open(sys.argv[1], newline="")))
cols = ["cluster"] + sys.argv[2].split(",")
at = [full[0].index(c) for c in cols]
want = [[r[i] for i in at] for r in full]
fmt = sys.argv[4]
if fmt == "csv":
    got = list(csv.reader(open(sys.argv[3], newline="")))
else:
    rows = json.load(open(sys.argv[3]))["rows"]
    assert all(list(r) == cols for r in rows), [list(r) for r in rows[:1]]
    got = [cols] + [["" if r[c] is None else str(r[c]) for c in cols] for r in rows]
    def num(v):  # json writes numbers bare: 101.62948 is 101.629480
        try:
            return float(v)
        except ValueError:
            return v
    got = [[num(v) for v in r] for r in got]
    want = [[num(v) for v in r] for r in want]
if got != want:
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            print("row %d: got %s, want %s" % (i, g, w)); break
    print("rows: got %d, want %d" % (len(got), len(want)))
    sys.exit(1)
PY
check_cols() { # FILE FULL LIST FORMAT [OPTIONS...]
	f=$1 full=$2 list=$3 fmt=$4; shift 4
	cdrsift geo "$@" --columns "$list" -f "$fmt" "$f" >got.$fmt &&
	/usr/bin/python3 project.py "$full" "$list" got.$fmt "$fmt"
}
test_expect_success 'one column, two, in the order given' '
	check_cols gen.csv full.csv records csv --eps 500m --min-records 20 &&
	check_cols gen.csv full.csv lon,lat csv --eps 500m --min-records 20 &&
	check_cols gen.csv full.csv positions,records,first_seen csv --eps 500m --min-records 20
'
test_expect_success 'what is collected only when listed: subscribers, cells, radii' '
	check_cols gen.csv full.csv subscribers csv --eps 500m --min-records 20 &&
	check_cols gen.csv full.csv cells,busiest_hours csv --eps 500m --min-records 20 &&
	check_cols gen.csv full.csv radius90_m,radius_m,records csv --eps 500m --min-records 20 &&
	check_cols blobs.csv fullb.csv busiest_hours,subscribers,lat,lon,radius_m json --eps 400m --min-records 8
'
test_expect_success 'every column, in reverse order; json' '
	check_cols gen.csv full.csv positions,busiest_hours,last_seen,first_seen,cells,subscribers,records,radius90_m,radius_m,lon,lat json --eps 500m --min-records 20
'
test_expect_success '--noise: the noise positions'\'' rows too' '
	cdrsift geo --eps 400m --min-records 8 --noise -f csv blobs.csv >fulln.csv &&
	[ "$(wc -l <fulln.csv)" -gt "$(wc -l <fullb.csv)" ] &&
	check_cols blobs.csv fulln.csv records,lat,subscribers csv --eps 400m --min-records 8 --noise
'
test_expect_success 'GeoJSON: the listed columns are the properties, in order' '
	cdrsift geo --eps 500m --min-records 20 --columns records,subscribers -f geojson gen.csv >g.json &&
	/usr/bin/python3 - full.csv g.json <<\PY
import csv, json, sys
full = list(csv.DictReader(open(sys.argv[1], newline="")))
feats = json.load(open(sys.argv[2]))["features"]
rows = [r for r in full if r["lat"] != ""]
assert len(feats) == len(rows), (len(feats), len(rows))
for f, r in zip(feats, rows):
    p = f["properties"]
    assert list(p) == ["cluster", "records", "subscribers"], list(p)
    assert (p["cluster"], str(p["records"]), str(p["subscribers"])) == (r["cluster"], r["records"], r["subscribers"])
    assert f["geometry"]["coordinates"] == [float(r["lon"]), float(r["lat"])]
PY
'
test_expect_success 'a partial without subscribers and cells is smaller' '
	cdrsift geo --eps 500m --min-records 20 --partial all.part gen.csv &&
	cdrsift geo --eps 500m --min-records 20 --columns records,lat,lon --partial few.part gen.csv &&
	[ $(($(wc -c <few.part) * 3)) -lt "$(wc -c <all.part)" ]
'
test_expect_success '--suppress-below judges by the subscribers, shown or not' '
	cdrsift geo --eps 500m --min-records 20 --suppress-below 40 -f csv gen.csv >sup.csv &&
	check_cols gen.csv sup.csv records,lat csv --eps 500m --min-records 20 --suppress-below 40 &&
	! cmp -s sup.csv full.csv
'

# errors: usage errors, exit 2, the message, nothing on stdout
check() { # MESSAGE ARGS...
	msg=$1; shift
	printf 'cdrsift: %s\n' "$msg" >expect &&
	test_exit 2 cdrsift geo "$@" gen.csv >out 2>err &&
	test ! -s out &&
	test_cmp expect err
}
test_expect_success 'an unknown column, cluster, a name twice, --k-distance' '
	check "--columns: unknown column '\''subscriber'\'' (did you mean '\''subscribers'\''?)" --columns subscriber &&
	check "--columns: unknown column '\''cluster'\'' (cluster is always the first)" --columns cluster,records &&
	check "--columns: unknown column '\''zzzz'\'' (see the geo columns in cdrsift(1))" --columns zzzz &&
	check "--columns: '\''lat'\'' is listed twice" --columns lat,lon,lat &&
	check "--columns: expected a comma-separated list of columns, found '\''lat,'\''" --columns lat, &&
	check "--columns: --k-distance reports quantiles, not clusters: use one or the other" --columns records --k-distance 5
'
test_expect_success 'the usage names the option' '
	{ cdrsift geo --help >help 2>&1; true; } && grep -q -- "--columns LIST" help
'
test_expect_success '-j1 and -j2 give the same bytes' '
	for f in csv json table; do
		cdrsift geo -j1 --eps 500m --min-records 20 -f $f --columns subscribers,cells,radius_m gen.csv blobs.csv >j1 &&
		cdrsift geo -j2 --eps 500m --min-records 20 -f $f --columns subscribers,cells,radius_m gen.csv blobs.csv >j2 &&
		partial_cmp j1 j2 $f || { echo "-f $f"; return 1; }
	done
'
test_expect_success 'split the file into parts' '
	partial_split gen.csv 4 parts
'
test_expect_success 'partials with --columns merge to one run' '
	PARTIAL_TREES=3 partial_check parts geo --eps 500m --min-records 20 --columns records,subscribers,busiest_hours,radius90_m
'
test_expect_success 'merge refuses partials of another --columns list' '
	cdrsift geo --eps 500m --columns records,cells --partial a.part parts/$(ls parts | head -1) &&
	cdrsift geo --eps 500m --columns cells,records --partial b.part parts/$(ls parts | tail -1) &&
	cdrsift geo --eps 500m --partial c.part parts/$(ls parts | tail -1) &&
	test_exit 2 cdrsift merge -f csv a.part b.part >out 2>err &&
	test ! -s out && grep -q "differ in --columns" err &&
	test_exit 2 cdrsift merge -f csv a.part c.part >out 2>err &&
	test ! -s out && grep -q "differ in --columns" err
'
test_done
