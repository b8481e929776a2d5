#!/bin/sh
# t5102 - `cdrsift geo -f geojson` (issue 14): an RFC 7946
# FeatureCollection, one Point per cluster at its centroid in [lon, lat]
# order, the cluster's csv figures as properties, the noise row left out;
# read by python's json and, where Debian's gdal-bin is installed, by
# GDAL's ogrinfo (feature count and a property).
T=$(cd "$(dirname "$0")" && pwd)
ORACLE=$T/../geo/geo_oracle.py
. "$T/lib.sh"
command -v ogrinfo >/dev/null 2>&1 && test_set_prereq OGR

test_expect_success 'geojson and csv of the same run' '
	/usr/bin/python3 "$ORACLE" gen antimeridian 400 am.csv &&
	"$CDRSIFT_GEN" --rows 20000 --seed 3 >gen.csv &&
	cdrsift geo --eps 2km --min-records 200 -f csv gen.csv >g.csv &&
	cdrsift geo --eps 2km --min-records 200 -f geojson gen.csv >g.json &&
	cdrsift geo --eps 400m --min-records 8 --format=csv am.csv >a.csv &&
	cdrsift geo --eps 400m --min-records 8 --format geojson am.csv >a.json
'

test_expect_success 'the FeatureCollection holds the csv clusters' '
	for s in g a; do
		/usr/bin/python3 - $s.csv $s.json <<-\PY || return 1
	import csv, json, sys
	rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["cluster"] != "noise"]
	doc = json.load(open(sys.argv[2]))
	assert doc["type"] == "FeatureCollection", doc["type"]
	fs = doc["features"]
	assert len(fs) == len(rows) > 0, (len(fs), len(rows))
	for r, f in zip(rows, fs):
	    assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
	    lon, lat = f["geometry"]["coordinates"]
	    assert abs(lon - float(r["lon"])) < 1e-9 and abs(lat - float(r["lat"])) < 1e-9
	    assert -180 <= lon <= 180 and -90 <= lat <= 90
	    p = f["properties"]
	    assert p["cluster"] == r["cluster"]
	    for k in ("records", "subscribers", "cells", "radius_m", "radius90_m", "positions"):
	        assert p[k] == int(r[k]), (k, p[k], r[k])
	    assert p["first_seen"] == r["first_seen"] and p["busiest_hours"] == r["busiest_hours"]
	PY
	done
'

test_expect_success OGR 'ogrinfo reads it: feature count and a property' '
	ogrinfo -ro -al -so g.json >ogr.txt 2>ogr.err &&
	n=$(grep -c -v "^cluster\|^noise" g.csv) &&
	grep -q "Feature Count: $n\$" ogr.txt &&
	grep -q "^records: Integer" ogr.txt &&
	r1=$(sed -n 2p g.csv | cut -d, -f6) &&
	ogrinfo -ro -al g.json -where "cluster = '\''1'\''" >one.txt 2>>ogr.err &&
	grep -q "records (Integer) = $r1\$" one.txt
'
test_done
