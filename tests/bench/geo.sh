#!/bin/sh
# tests/bench/geo.sh - `make bench`'s rows for `cdrsift geo` (issue 14):
#  1. the whole command over 1e4, 1e5 and 1e6 distinct GPS-like positions
#     (four towns, eps 300 m, min-records 50; each position written as 1
#     to 3 records; the towns' spread grows with sqrt(n), so that every
#     size has the density of the 1e6 set, tests/bench/dbscan.sh's), wall time and peak RSS, with the DBSCAN work done
#     (distance tests per position), against scikit-learn's
#     DBSCAN(metric='haversine', algorithm='ball_tree') with sample_weight
#     on the same weighted points in the same run; the two answers are
#     compared first (clusters, noise positions and their records), and a
#     time counts only when they agree;
#  2. geo --per subscriber (places, man PLACES) over places-gen.py's
#     subscribers (BENCH_PLACES_SUBS, default 10000, 28 days, GPS-like
#     positions with commutes): wall time, peak RSS, -j1 and the default
#     -j, the same bytes from both, and the labels' accuracy against the
#     generator's truth; BENCH_PLACES=0 skips it;
#  3. geo over the 10-million-row file of run.sh (tower positions) against
#     the zlib floor (floor.c), median of BENCH_RUNS (default 3).
# BENCH_SKLEARN=0 skips scikit-learn (about a minute and 2 GiB at 1e6);
# BENCH_GEO_SIZES overrides the sizes; BENCH_GEO_10M=0 skips row 2.
# Never a timed assertion: the machine is shared and noisy.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}" "${FLOOR:?}"
cd "$(dirname "$0")" || exit 2
mkdir -p data
o=/tmp/bench.geo.$$
trap 'rm -f $o.*' EXIT
sizes=${BENCH_GEO_SIZES:-10000 100000 1000000}
printf '%-9s %9s %9s %10s %9s %9s %9s %8s %s\n' positions records \
	geo_s geo_MiB tests/pos sk_s sk_MiB x_faster answers
for n in $sizes; do
	csv=data/geo-pos-$n.csv
	if [ ! -s "$csv" ]; then
		/usr/bin/python3 - "$n" "$csv.tmp" "$csv.pts" <<'PY' && mv "$csv.tmp" "$csv"
import random, sys
n = int(sys.argv[1])
rnd = random.Random(7)
towns = [(3.139, 101.6869), (5.98, 116.07), (1.55, 110.35), (4.6, 101.08)]
sd = 0.03 * (n / 1e6) ** 0.5  # the same density at every size
seen, pts = set(), []
while len(pts) < n:
    c = rnd.choice(towns)
    p = (round(c[0] + rnd.gauss(0, sd), 6), round(c[1] + rnd.gauss(0, sd), 6))
    if p in seen:
        continue
    seen.add(p)
    pts.append((p[0], p[1], rnd.randint(1, 3)))
with open(sys.argv[3], 'w') as f:
    for p in pts:
        f.write('%.6f,%.6f,%d\n' % p)
rows = [('2025-01-%02dT%02d:%02d:00' % (1 + rnd.randrange(28), rnd.randrange(24),
         rnd.randrange(60)), '6012%07d' % rnd.randrange(100000), p[0], p[1])
        for p in pts for _ in range(p[2])]
rnd.shuffle(rows)
with open(sys.argv[2], 'w') as f:
    f.write('start,caller,lat,lon\n')
    for r in rows:
        f.write('%s,%s,%.6f,%.6f\n' % r)
PY
	fi
	recs=$(($(wc -l <"$csv") - 1))
	/usr/bin/time -f "%e %M" -o $o.t "$CDRSIFT" geo --eps 300m \
		--min-records 50 -f csv "$csv" >$o.geo 2>$o.err ||
		{ echo "geo failed at $n:"; head -3 $o.err; continue; }
	read -r gs gkb <$o.t
	# the DBSCAN work on the same points (distance tests, from dbscan-run)
	tests=-
	if [ -n "${DBSCAN_RUN:-}" ]; then
		"$DBSCAN_RUN" 300 50 <"$csv.pts" >/dev/null 2>$o.db &&
			tests=$(sed -n 's/.* tests=\([0-9]*\).*/\1/p' $o.db |
				mawk -v n="$n" '{ printf "%.2f", $1 / n }')
	fi
	# ours: clusters, noise positions, noise records
	mine=$(mawk -F, 'NR > 1 && $1 ~ /^[0-9]+$/ { c++ }
		$1 == "noise" { np = $NF; nr = $6 }
		END { print c + 0, np + 0, nr + 0 }' $o.geo)
	sk=- skm=- x=- agree=skipped
	if [ "${BENCH_SKLEARN:-1}" != 0 ]; then
		/usr/bin/time -f "%e %M" -o $o.s /usr/bin/python3 - "$csv.pts" \
			>$o.sk <<'PY'
import sys
import numpy as np
from sklearn.cluster import DBSCAN
a = np.loadtxt(sys.argv[1], delimiter=',', ndmin=2)
db = DBSCAN(eps=300 / 6371008.8, min_samples=50, metric='haversine',
            algorithm='ball_tree').fit(np.radians(a[:, :2]), sample_weight=a[:, 2])
lab = db.labels_
print(len(set(lab[lab >= 0])), int((lab == -1).sum()), int(a[lab == -1, 2].sum()))
PY
		read -r sk skkb <$o.s
		skm=$((skkb / 1024))
		if [ "$(cat $o.sk)" = "$mine" ]; then
			agree="same ($mine: clusters, noise positions, noise records)"
			x=$(echo "$sk $gs" | mawk '{ printf "%.1f", $1 / ($2 > 0 ? $2 : 0.01) }')
		else
			agree="DIFFER: ours $mine, scikit-learn $(cat $o.sk)"
			sk=- skm=-
		fi
	fi
	printf '%-9s %9s %9s %10s %9s %9s %9s %8s %s\n' "$n" "$recs" "$gs" \
		$((gkb / 1024)) "$tests" "$sk" "$skm" "$x" "$agree"
done

if [ "${BENCH_PLACES:-1}" != 0 ]; then
	ns=${BENCH_PLACES_SUBS:-10000}
	pcsv=data/places-$ns.csv
	if [ ! -s "$pcsv" ]; then
		echo "generating $ns subscribers into $pcsv (once)..." >&2
		python3 ../t/places-gen.py 11 "$ns" 28 "$pcsv.tmp" "$pcsv.truth" &&
			mv "$pcsv.tmp" "$pcsv"
	fi
	prec=$(($(wc -l <"$pcsv") - 1))
	/usr/bin/time -f "%e %M" -o $o.p1 "$CDRSIFT" geo --per subscriber -j 1 \
		-f csv "$pcsv" >$o.pl1 2>/dev/null
	/usr/bin/time -f "%e %M" -o $o.pn "$CDRSIFT" geo --per subscriber \
		-f csv "$pcsv" >$o.pln 2>/dev/null
	read -r p1 p1kb <$o.p1
	read -r pn pnkb <$o.pn
	same=same; cmp -s $o.pl1 $o.pln || same=DIFFER
	acc=$(sed -n '/^cat >accuracy.py/,/^PY$/p' ../t/t5201-geo-places.sh |
		sed '1d;$d' >$o.acc.py && python3 $o.acc.py "$pcsv.truth" $o.pln)
	places=$(grep -c '^[0-9]' $o.pln)
	echo "geo --per subscriber over $ns subscribers, $prec records ($places places): -j1 $p1 s $((p1kb / 1024)) MiB, default -j $pn s $((pnkb / 1024)) MiB; outputs $same; $acc"
fi

[ "${BENCH_GEO_10M:-1}" = 0 ] && exit 0
rows=${BENCH_ROWS:-10000000}
data=data/cdr-${rows}.csv.gz
if [ ! -s "$data" ]; then
	echo "generating $rows rows into $data (once)..." >&2
	"$CDRSIFT_GEN" --rows "$rows" --seed 5 --subscribers 200000 \
		--cells 5000 --days 90 | gzip -6 >"$data.tmp" && mv "$data.tmp" "$data"
fi
runs=${BENCH_RUNS:-3}
: >$o.r
i=0
while [ "$i" -lt "$runs" ]; do
	/usr/bin/time -f "floor %e %M" -a -o $o.r "$FLOOR" "$data" >/dev/null 2>&1
	/usr/bin/time -f "geo %e %M" -a -o $o.r "$CDRSIFT" geo --eps 300m \
		--min-records 50 -f csv "$data" >$o.g10 2>/dev/null
	/usr/bin/time -f "geo_cols %e %M" -a -o $o.r "$CDRSIFT" geo --eps 300m \
		--min-records 50 --columns lat,lon,records -f csv "$data" >$o.gc 2>/dev/null
	i=$((i + 1))
done
clusters=$(grep -c '^[0-9]' $o.g10)
# --columns lat,lon,records must be the full run's same columns
mawk -F, '{ print $1 "," $2 "," $3 "," $6 }' $o.g10 | cmp -s - $o.gc &&
	echo "geo --columns lat,lon,records agrees with the full run" ||
	echo "!!! geo --columns lat,lon,records DISAGREES with the full run !!!"
sort -k1,1 -k2,2n $o.r | mawk -v rows="$rows" -v cl="$clusters" '
{ t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3 }
END {
	f = t["floor", int((n["floor"] + 1) / 2)]; g = t["geo", int((n["geo"] + 1) / 2)]
	printf "geo over %d rows (tower positions, eps 300m, min-records 50, %d clusters): %.2f s, %.2fx the zlib floor (%.2f s), %.1f MiB peak\n",
		rows, cl, g, g / f, f, rss["geo"] / 1024
	c = t["geo_cols", int((n["geo_cols"] + 1) / 2)]
	printf "geo --columns lat,lon,records: %.2f s, %.2fx the zlib floor, %.2fx the full run, %.1f MiB peak\n",
		c, c / f, c / g, rss["geo_cols"] / 1024
}'
