#!/bin/sh
# t5300 - `cdrsift geo -f geojson --hulls` and `--noise` (issue 14): each
# cluster's geometry is its convex hull (Point for one distinct position,
# LineString for collinear ones, Polygon with a closed counterclockwise
# ring, cut along the antimeridian into a MultiPolygon or
# MultiLineString, RFC 7946), against tests/geo/hull_oracle.py (exact
# monotone chain on the decimal coordinates); --noise adds the noise
# positions (Point features; csv rows) and changes nothing else; GDAL's
# ogrinfo, where Debian's gdal-bin is installed, reads the file and
# finds the oracle's feature count and geometry types; --hulls without
# -f geojson, and --hulls or --noise with --suppress-below, are usage errors.
T=$(cd "$(dirname "$0")" && pwd)
ORACLE=$T/../geo/hull_oracle.py
. "$T/lib.sh"
command -v ogrinfo >/dev/null 2>&1 && test_set_prereq OGR

test_expect_success PYTHON 'clusters and noise made to be what they are' '
	/usr/bin/python3 "$ORACLE" gen h.csv truth.json &&
	cdrsift geo --eps 20km --min-records 3 -f geojson --hulls h.csv >hulls.json &&
	cdrsift geo --eps 20km --min-records 3 -f geojson --hulls --noise h.csv >hn.json &&
	cdrsift geo --eps 20km --min-records 3 -f geojson --noise h.csv >pn.json &&
	cdrsift geo --eps 20km --min-records 3 -f geojson h.csv >p.json
'

test_expect_success PYTHON 'each cluster is its convex hull, RFC 7946' '
	/usr/bin/python3 "$ORACLE" check truth.json hulls.json hulls >types &&
	cat >expect <<-\EOF &&
	LineString 3
	MultiLineString 1
	MultiPolygon 1
	Point 1
	Polygon 3
	EOF
	test_cmp expect types
'

test_expect_success PYTHON '--noise: a Point feature per noise position' '
	/usr/bin/python3 "$ORACLE" check truth.json hn.json hulls >types.n &&
	grep -q "^Point 26\$" types.n &&
	/usr/bin/python3 "$ORACLE" check truth.json pn.json points >types.p &&
	grep -q "^Point 34\$" types.p &&
	/usr/bin/python3 "$ORACLE" check truth.json p.json points >types.0 &&
	grep -q "^Point 9\$" types.0
'

test_expect_success PYTHON '--noise in csv: rows of their own, the rest unchanged' '
	cdrsift geo --eps 20km --min-records 3 -f csv --noise h.csv >n.csv &&
	/usr/bin/python3 "$ORACLE" noise truth.json n.csv &&
	cdrsift geo --eps 20km --min-records 3 -f csv h.csv >d.csv &&
	grep -v "^noise,-*[0-9]" n.csv >n-rest.csv &&
	test_cmp d.csv n-rest.csv &&
	[ "$(grep -c "^noise,-*[0-9]" n.csv)" = 25 ]
'

test_expect_success PYTHON 'hulls: the same bytes for shuffled rows and -j2' '
	head -1 h.csv >shuf.csv &&
	tail -n +2 h.csv | /usr/bin/python3 -c "
import random, sys
l = sys.stdin.readlines(); random.Random(3).shuffle(l); sys.stdout.writelines(l)" >>shuf.csv &&
	cdrsift geo --eps 20km --min-records 3 -j 2 -f geojson --hulls --noise \
		shuf.csv >hn2.json &&
	test_cmp hn.json hn2.json
'

if test_have_prereq OGR; then
	test_expect_success PYTHON 'ogrinfo opens it: feature count, geometry types' '
		ogrinfo -ro -al -so hn.json >ogr.txt 2>ogr.err &&
		grep -q "Feature Count: 34\$" ogr.txt &&
		ogrinfo -ro -al hn.json >all.txt 2>>ogr.err &&
		grep -E -o "^  (MULTI)?(POINT|LINESTRING|POLYGON) \(" all.txt |
			sed "s/^  \([A-Z]*\) .*/\1/" | sort | uniq -c |
			mawk "{ print \$2, \$1 }" >ogr.types &&
		tr a-z A-Z <types.n | sort >oracle.types &&
		test_cmp oracle.types ogr.types
	'
else
	test_skip 'ogrinfo opens it: feature count, geometry types' \
		'no ogrinfo (Debian gdal-bin)'
fi

test_expect_success '--hulls without -f geojson, --hulls or --noise with --suppress-below: exit 2' '
	printf "start,caller,lat,lon\n2025-01-01T00:00:00,60123,3.1,101.6\n" >one.csv &&
	test_exit 2 cdrsift geo --hulls one.csv >out 2>err &&
	grep -q "hulls.*geojson" err && test ! -s out &&
	test_exit 2 cdrsift geo --hulls -f csv one.csv >out 2>err &&
	test ! -s out &&
	test_exit 2 cdrsift geo --noise --suppress-below 5 one.csv >out 2>err &&
	grep -q "noise" err && test ! -s out &&
	test_exit 2 cdrsift geo --hulls -f geojson --suppress-below 5 one.csv \
		>out 2>err &&
	grep -q "^cdrsift: --hulls: .*single recorded positions" err &&
	test ! -s out &&
	cdrsift geo --hulls -f geojson --min-records 1 one.csv >one.json &&
	grep -q "\"geometry\":{\"type\":\"Point\",\"coordinates\":\[101.6,3.1\]}" one.json
'
test_done
