#!/bin/sh
# t5001 - the DBSCAN core of geo (src/dbscan.c) against Debian's
# scikit-learn on the same weighted points: identical core points,
# partition of core points and noise; border points within eps of a core
# point of their own cluster; the same answer for shuffled points. Data
# sets: town blobs, pairs at eps*(1-1e-6) and eps*(1+1e-6), the
# antimeridian, both poles, heavy weights (dense cells), and DBSCAN*.
CHECK=$(cd "$(dirname "$0")/../geo" && pwd)/sklearn_check.py
. "$(dirname "$0")/lib.sh"
: "${CDRSIFT_DBSCAN:?CDRSIFT_DBSCAN must name build/dbscan-run}"

for set in "blobs 300 20" "boundary 500 2" "antimeridian 250 10" \
	   "pole 300 8" "heavy 200 400" "blobs 300 20 none"; do
	test_expect_success "dbscan agrees with scikit-learn: $set" "
		/usr/bin/python3 '$CHECK' '$CDRSIFT_DBSCAN' $set
	"
done

test_expect_success 'bad options and coordinates are refused' '
	echo "3.1,101.6,1" >p.csv &&
	test_exit 2 "$CDRSIFT_DBSCAN" 0 5 <p.csv &&
	test_exit 2 "$CDRSIFT_DBSCAN" 300 0 <p.csv &&
	echo "91,101.6,1" >bad.csv &&
	test_exit 2 "$CDRSIFT_DBSCAN" 300 5 <bad.csv &&
	echo "nan,101.6,1" >nan.csv &&
	test_exit 2 "$CDRSIFT_DBSCAN" 300 5 <nan.csv
'

test_expect_success 'no points: no clusters' '
	: >none.csv &&
	"$CDRSIFT_DBSCAN" 300 5 <none.csv >out 2>err &&
	test ! -s out && grep -q "clusters=0" err
'
test_done
