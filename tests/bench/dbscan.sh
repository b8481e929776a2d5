#!/bin/sh
# tests/bench/dbscan.sh - `make bench`'s row for the DBSCAN core of geo
# (src/dbscan.c, through build/dbscan-run): one million distinct GPS-like
# positions around four towns, eps 300 m, min-records 50, against
# scikit-learn's DBSCAN(metric='haversine', algorithm='ball_tree') with
# sample_weight on the same points in the same run. Both answers are
# checked to have the same core points and noise before the times count.
# BENCH_SKLEARN=0 skips scikit-learn (it takes about a minute and 2 GiB).
set -u
: "${DBSCAN_RUN:?}"
cd "$(dirname "$0")" || exit 2
n=${BENCH_GEO_POINTS:-1000000}
pts=data/geo-$n.csv
mkdir -p data
if [ ! -s "$pts" ]; then
	/usr/bin/python3 - "$n" >"$pts.tmp" <<'PY' && mv "$pts.tmp" "$pts"
import random, sys
n = int(sys.argv[1])
rnd = random.Random(7)
towns = [(3.139, 101.6869), (5.98, 116.07), (1.55, 110.35), (4.6, 101.08)]
seen = set()
while len(seen) < n:
    c = rnd.choice(towns)
    p = (round(c[0] + rnd.gauss(0, 0.03), 6), round(c[1] + rnd.gauss(0, 0.03), 6))
    if p in seen:
        continue
    seen.add(p)
    print("%.6f,%.6f,%d" % (p[0], p[1], rnd.randint(1, 3)))
PY
fi
/usr/bin/time -f "%e %M" -o /tmp/bench.db.$$ "$DBSCAN_RUN" 300 50 <"$pts" \
	>/tmp/bench.db.out.$$ 2>/tmp/bench.db.err.$$
read -r ours ours_kb </tmp/bench.db.$$
echo "dbscan core, $n positions: ${ours} s, $((ours_kb / 1024)) MiB peak; $(cat /tmp/bench.db.err.$$)"
if [ "${BENCH_SKLEARN:-1}" != 0 ]; then
	/usr/bin/time -f "%e %M" -o /tmp/bench.sk.$$ /usr/bin/python3 - "$pts" \
		/tmp/bench.sk.out.$$ <<'PY'
import sys
import numpy as np
from sklearn.cluster import DBSCAN
a = np.loadtxt(sys.argv[1], delimiter=',')
db = DBSCAN(eps=300 / 6371008.8, min_samples=50, metric='haversine',
            algorithm='ball_tree').fit(np.radians(a[:, :2]), sample_weight=a[:, 2])
core = np.zeros(len(a), dtype=bool)
core[db.core_sample_indices_] = True
with open(sys.argv[2], 'w') as f:
    for i in range(len(a)):
        f.write('core\n' if core[i] else ('noise\n' if db.labels_[i] == -1 else 'border\n'))
PY
	read -r sk sk_kb </tmp/bench.sk.$$
	if cut -d, -f2 /tmp/bench.db.out.$$ | cmp -s - /tmp/bench.sk.out.$$; then
		agree="same core, border and noise points"
	else
		agree="ANSWERS DIFFER"
	fi
	echo "scikit-learn: ${sk} s, $((sk_kb / 1024)) MiB peak; $agree; dbscan is $(echo "$sk $ours" | mawk '{ printf "%.1f", $1 / $2 }')x faster"
fi
rm -f /tmp/bench.db.$$ /tmp/bench.db.out.$$ /tmp/bench.db.err.$$ /tmp/bench.sk.$$ /tmp/bench.sk.out.$$
