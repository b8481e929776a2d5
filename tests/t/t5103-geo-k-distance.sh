#!/bin/sh
# t5103 - `cdrsift geo --k-distance K` (issue 14): quantiles over the
# distinct positions of each one's record-weighted distance to its K-th
# nearest record, against tests/geo/kdist_oracle.py (Debian's
# scikit-learn NearestNeighbors, haversine, ball_tree, from the man page
# definition), on blobs with noise, the antimeridian, both poles, cdrgen
# towers and fewer records than K; the link with DBSCAN (positions with
# k-distance <= eps are the core positions at --min-records K);
# -j1 = -j2; partial/merge.
T=$(cd "$(dirname "$0")" && pwd)
GEO=$T/../geo
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

test_expect_success 'data sets' '
	for s in antimeridian pole blobs nopos; do
		/usr/bin/python3 "$GEO/geo_oracle.py" gen $s 400 $s.csv || return 1
	done &&
	"$CDRSIFT_GEN" --rows 20000 --seed 3 >gen.csv
'

for set in "blobs 8" "blobs 1" "blobs 60" "antimeridian 10" "pole 7" \
	   "nopos 5" "nopos 1000" "gen 50" "gen 400"; do
	set -- $set
	test_expect_success "k-distance agrees with scikit-learn: $set" "
		cdrsift geo --k-distance $2 -f csv $1.csv >out.csv &&
		/usr/bin/python3 '$GEO/kdist_oracle.py' $2 $1.csv <out.csv
	"
done

test_expect_success 'k-distance counts are the core positions of DBSCAN' '
	cdrsift geo --k-distance 8 -f csv blobs.csv >kd.csv &&
	v=$(grep "^0.5," kd.csv | cut -d, -f2) &&
	c=$(grep "^0.5," kd.csv | cut -d, -f3) &&
	# eps a hair above the median k-distance: at least that many core
	/usr/bin/python3 -c "print(\"%.6fm\" % ($v + 0.06))" >eps &&
	cdrsift geo --eps $(cat eps) --min-records 8 --border none -f csv blobs.csv >cl.csv &&
	/usr/bin/python3 - $c <<-\PY
	import csv, sys
	rows = [r for r in csv.DictReader(open("cl.csv")) if r["cluster"].isdigit()]
	core = sum(int(r["positions"]) for r in rows)
	assert core >= int(sys.argv[1]), (core, sys.argv[1])
	PY
'

test_expect_success '-j1 and -j2, partial/merge give the same report' '
	cdrsift geo --k-distance 50 -j1 -f csv gen.csv >j1 &&
	cdrsift geo --k-distance 50 -j2 -f csv gen.csv >j2 &&
	test_cmp j1 j2 &&
	partial_split gen.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts geo --k-distance 50
'

test_expect_success 'bad --k-distance is refused with exit 2' '
	test_exit 2 cdrsift geo --k-distance 0 gen.csv &&
	test_exit 2 cdrsift geo --k-distance x gen.csv &&
	test_exit 2 cdrsift geo --k-distance 100001 gen.csv
'
test_done
