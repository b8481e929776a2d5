#!/bin/sh
# tests/bench/run.sh - `make bench`. Generates the benchmark data if absent
# (10 million canonical CDR rows, gzip -6, in tests/bench/data/), then times
# each command against the floor (a bare zlib inflate loop, floor.c) and
# `zcat FILE >/dev/null`, measured in the same run, alternating, median of
# BENCH_RUNS (default 3) runs. Prints wall-time ratios and peak RSS.
# Never used as a timed assertion: this machine is shared and noisy.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}" "${FLOOR:?}"
cd "$(dirname "$0")" || exit 2
rows=${BENCH_ROWS:-10000000}
runs=${BENCH_RUNS:-3}
data=data/cdr-${rows}.csv.gz
mkdir -p data
if [ ! -s "$data" ]; then
	echo "generating $rows rows into $data (once)..." >&2
	"$CDRSIFT_GEN" --rows "$rows" --seed 5 --subscribers 200000 \
		--cells 5000 --days 90 | gzip -6 >"$data.tmp" && mv "$data.tmp" "$data"
fi
echo "data: $data, $(wc -c <"$data") bytes gzip, $rows rows"

# time_cmd NAME CMD... : wall seconds and peak RSS (KiB) -> results file
results=$(mktemp)
trap 'rm -f "$results"' EXIT
time_cmd() {
	name=$1; shift
	/usr/bin/time -f "%e %M" -o /tmp/bench.time.$$ sh -c "$*" >/dev/null 2>&1
	echo "$name $(cat /tmp/bench.time.$$)" >>"$results"
	rm -f /tmp/bench.time.$$
}
i=0
while [ "$i" -lt "$runs" ]; do
	time_cmd floor "$FLOOR $data"
	time_cmd zcat "zcat $data"
	time_cmd stats "$CDRSIFT stats -f csv $data"
	time_cmd filter_count "$CDRSIFT filter --count -f csv $data"
	i=$((i + 1))
done
# median per name, then ratios to the floor and to zcat
sort -k1,1 -k2,2n "$results" | mawk -v runs="$runs" '
{ t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; names[$1] = 1 }
END {
	for (k in names) med[k] = t[k, int((n[k] + 1) / 2)]
	printf "%-14s %9s %8s %8s %10s\n", "command", "median_s", "x_floor", "x_zcat", "peak_rss_MiB"
	split("floor zcat stats filter_count", order, " ")
	for (i = 1; i <= 4; i++) {
		k = order[i]; if (!(k in med)) continue
		printf "%-14s %9.2f %8.2f %8.2f %10.1f\n", k, med[k], med[k] / med["floor"],
			med[k] / med["zcat"], rss[k] / 1024
	}
}'
