#!/bin/sh
# t5101 - `cdrsift geo` (issue 14): every cluster row (centroid, radii,
# records, subscribers, cells, first/last seen, busiest hours, positions)
# and the noise row against tests/geo/geo_oracle.py, which clusters the
# same weighted distinct positions with Debian's scikit-learn
# (DBSCAN(metric='haversine', algorithm='ball_tree'), sample_weight) and
# computes the figures from the man page definition. Data: cdrgen towers,
# the demo file, hand-made pairs at eps*(1-1e-6) and eps*(1+1e-6), the
# antimeridian, both poles, blobs with noise; DBSCAN*; the same bytes
# for shuffled rows, reordered files and any -j; partial/merge.
T=$(cd "$(dirname "$0")" && pwd)
ORACLE=$T/../geo/geo_oracle.py
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"
D=$TESTDATA/demo

test_expect_success 'hand-made and generated data sets' '
	for s in boundary antimeridian pole blobs nopos; do
		/usr/bin/python3 "$ORACLE" gen $s 400 $s.csv || return 1
	done &&
	"$CDRSIFT_GEN" --rows 20000 --seed 3 >gen.csv
'

for set in "boundary 400m 400 6" "boundary 400m 400 6 none" \
	   "antimeridian 400m 400 8" "pole 0.4km 400 8" \
	   "blobs 400m 400 8" "blobs 250m 250 30 none" \
	   "nopos 300m 300 10" "gen 2km 2000 200" "gen 500m 500 20" "gen 1.5km 1500 300 none"; do
	set -- $set
	b=; [ "$5" = none ] && b="--border none"
	test_expect_success "geo agrees with scikit-learn: $set" "
		cdrsift geo --eps $2 --min-records $4 $b -f csv $1.csv >out.csv &&
		/usr/bin/python3 '$ORACLE' check $3 $4 $5 $1.csv <out.csv
	"
done

test_expect_success 'the boundary set: pairs inside eps cluster, outside not' '
	cdrsift geo --eps 400m --min-records 6 -f csv boundary.csv >b.csv &&
	# 60 pairs at eps*(1-1e-6) make 60 clusters; 120 points stay noise
	[ "$(grep -c -v "^cluster\|^noise" b.csv)" = 60 ] &&
	grep -q "^noise,,,,,360," b.csv
'

test_expect_success 'records without a position: a no_position row' '
	cdrsift geo --eps 300m --min-records 10 -f csv nopos.csv >np.csv &&
	grep -q "^no_position,,,,,7,,,,,,\$" np.csv
'

test_expect_success 'the demo file with its cell table' '
	cdrsift geo --eps 1km --min-records 50 --cells $D/cells.csv -f csv \
		$D/cdr-canonical.csv.gz >demo.csv &&
	[ "$(wc -l <demo.csv)" -gt 2 ]
'

test_expect_success 'shuffled rows, reordered files, -j1 and -j2: same bytes' '
	cdrsift geo --eps 500m --min-records 20 -j 1 -f csv gen.csv >j1 &&
	head -1 gen.csv >shuf.csv &&
	tail -n +2 gen.csv | /usr/bin/python3 -c "
import random, sys
l = sys.stdin.readlines(); random.Random(7).shuffle(l); sys.stdout.writelines(l)" >>shuf.csv &&
	cdrsift geo --eps 500m --min-records 20 -j 2 -f csv shuf.csv >j2 &&
	test_cmp j1 j2 &&
	partial_split gen.csv 3 parts3 &&
	cdrsift geo --eps 500m --min-records 20 -j 2 -f csv \
		parts3/part-02.csv parts3/part-01.csv.gz parts3/part-00.csv >j3 &&
	test_cmp j1 j3
'

test_expect_success 'geo: partials of split inputs merge to the one run' '
	partial_split gen.csv 4 parts &&
	PARTIAL_TREES=5 partial_check parts geo --eps 500m --min-records 20
'

test_expect_success 'geo: merge refuses partials of different --eps' '
	cdrsift geo --eps 500m --partial a.part parts/part-00.csv &&
	cdrsift geo --eps 600m --partial b.part parts/part-02.csv &&
	test_exit 2 cdrsift merge a.part b.part 2>err &&
	grep -q eps err
'

test_expect_success 'bad options are refused with exit 2' '
	test_exit 2 cdrsift geo --eps 0 gen.csv &&
	test_exit 2 cdrsift geo --eps 3furlongs gen.csv &&
	test_exit 2 cdrsift geo --min-records 0 gen.csv &&
	test_exit 2 cdrsift geo --border some gen.csv
'
test_done
