#!/bin/sh
# t5301 - `cdrsift geo` on IP logs (issue 14: "works on IP logs with
# positions too"): data sessions whose records carry lat/lon cluster
# exactly as call records at the same positions. The same generated
# records are written twice, as a CDR file and as an IPDR-style session
# log (subscriber, addresses and ports, bytes, cell, lat, lon); geo over
# the session log must give the figures tests/geo/geo_oracle.py
# (scikit-learn's DBSCAN and the man page's definitions) computes from
# the CDR file, with and without --border none, and GeoJSON features for
# the same clusters.
T=$(cd "$(dirname "$0")" && pwd)
ORACLE=$T/../geo/geo_oracle.py
. "$T/lib.sh"

cat >toip.py <<'PY'
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["subscriber", "imsi", "start", "end", "src_ip", "src_port",
            "public_ip", "public_port", "dst_ip", "dst_port", "protocol",
            "bytes_up", "bytes_down", "cell", "lat", "lon"])
for i, r in enumerate(csv.DictReader(open(sys.argv[1]))):
    sub = r["callee"] if r["direction"] == "mt" else r["caller"]
    w.writerow([sub, r["imsi"], r["start"], r["end"] or r["start"],
                "10.0.%d.%d" % (i // 250 % 250, i % 250 + 1), 40000 + i % 20000,
                "203.0.113.7", 1024 + i % 60000, "192.0.2.1", 443, "tcp",
                100 + i, 2000 + i, r["cell"], r["lat"], r["lon"]])
PY

test_setup 'a CDR file and the same records as a session log' '
	/usr/bin/python3 "$ORACLE" gen blobs 400 cdr.csv &&
	"$CDRSIFT_GEN" --rows 20000 --seed 11 >gen.csv &&
	/usr/bin/python3 toip.py cdr.csv >cdr-ip.csv &&
	/usr/bin/python3 toip.py gen.csv >gen-ip.csv &&
	cdrsift stats -f csv gen-ip.csv >st.csv &&
	test "$(sed -n 2p st.csv | cut -d, -f5)" = ip
'

for set in "cdr 400m 400 8" "cdr 250m 250 30 none" "gen 2km 2000 200" \
	   "gen 500m 500 20 none"; do
	set -- $set
	b=; [ "$5" = none ] && b="--border none"
	test_expect_success "session log clusters as scikit-learn finds for the CDRs: $set" "
		cdrsift geo --eps $2 --min-records $4 $b -f csv $1-ip.csv >out.csv &&
		test \$(wc -l <out.csv) -gt 2 &&
		/usr/bin/python3 '$ORACLE' check $3 $4 $5 $1.csv <out.csv
	"
done

test_expect_success 'GeoJSON of the session log: one feature per cluster' '
	cdrsift geo --eps 2km --min-records 200 -f csv gen-ip.csv >c.csv &&
	cdrsift geo --eps 2km --min-records 200 -f geojson gen-ip.csv >c.json &&
	/usr/bin/python3 -c "
import csv, json, sys
rows = [r for r in csv.DictReader(open(\"c.csv\")) if r[\"cluster\"] not in (\"noise\", \"no_position\")]
fc = json.load(open(\"c.json\"))
assert fc[\"type\"] == \"FeatureCollection\"
assert len(fc[\"features\"]) == len(rows) > 0, (len(fc[\"features\"]), len(rows))
"
'
test_done
