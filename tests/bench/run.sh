#!/bin/sh
# tests/bench/run.sh - `make bench`. Generates the benchmark data if absent
# (10 million canonical CDR rows, gzip -6, in tests/bench/data/), then times
# each command against the floor (a bare zlib inflate loop, floor.c) and
# `zcat FILE >/dev/null`, measured in the same run, alternating, median of
# BENCH_RUNS (default 3) runs. Prints wall-time ratios and peak RSS.
# With ISA-L (floor_isal beside floor, issue #5) it also times the ISA-L
# floor and `stats` with CDRSIFT_INFLATE=zlib, so both inflates show.
# Never used as a timed assertion: this machine is shared and noisy.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}" "${FLOOR:?}"
FLOOR_ISAL=${FLOOR_ISAL:-$(dirname "$FLOOR")/floor_isal}
[ -x "$FLOOR_ISAL" ] || FLOOR_ISAL=
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
echo "cdrsift $("$CDRSIFT" --version | grep '^inflate:')"

# time_cmd NAME CMD... : wall seconds and peak RSS (KiB) -> results file
results=$(mktemp)
trap 'rm -f "$results"' EXIT
time_cmd() {
	name=$1; shift
	/usr/bin/time -f "%e %M" -o /tmp/bench.time.$$ sh -c "$*" >/dev/null 2>&1
	echo "$name $(cat /tmp/bench.time.$$)" >>"$results"
	rm -f /tmp/bench.time.$$
}
EXPR='type == voice and duration > 30s and hour between 8 and 20 and callee ~ "^601[0-9]" and not (cell in {"6553659", "119"})'
MAWK_TOP='mawk -F, "NR > 1 { n[\$4]++ } END { for (k in n) print n[k] \",\" k }" | sort -t, -k1,1nr -k2,2 | head -10'
i=0
while [ "$i" -lt "$runs" ]; do
	time_cmd floor "$FLOOR $data"
	[ -n "$FLOOR_ISAL" ] && time_cmd floor_isal "$FLOOR_ISAL $data"
	time_cmd zcat "zcat $data"
	time_cmd stats "$CDRSIFT stats -f csv $data"
	[ -n "$FLOOR_ISAL" ] &&
		time_cmd stats_zlib "CDRSIFT_INFLATE=zlib $CDRSIFT stats -f csv $data"
	time_cmd stats_j1 "$CDRSIFT stats -j1 -f csv $data"
	time_cmd volume_top10 "$CDRSIFT volume --by caller --top 10 -f csv $data"
	time_cmd filter_count "$CDRSIFT filter --count -f csv $data"
	time_cmd filter_5clause "$CDRSIFT filter --count -f csv -w '$EXPR' $data"
	time_cmd mawk_top10 "zcat $data | $MAWK_TOP"
	i=$((i + 1))
done
# the peer must give the same answer: top 10 callers and their counts
"$CDRSIFT" volume --by caller --top 10 -f csv "$data" | tail -n +2 | cut -d, -f1,2 >/tmp/bench.ours.$$
zcat "$data" | sh -c "$MAWK_TOP" | mawk -F, '{ print $2 "," $1 }' >/tmp/bench.mawk.$$
if cmp -s /tmp/bench.ours.$$ /tmp/bench.mawk.$$; then
	echo "volume --by caller --top 10 agrees with mawk"
else
	echo "volume --by caller --top 10 DISAGREES with mawk:"; diff /tmp/bench.ours.$$ /tmp/bench.mawk.$$ | head
fi
rm -f /tmp/bench.ours.$$ /tmp/bench.mawk.$$
echo "threads: $(nproc) cores; default -j = all cores; median of $runs runs"
# median per name, then ratios to the floor and to zcat
sort -k1,1 -k2,2n "$results" | mawk '
{ t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; names[$1] = 1 }
END {
	for (k in names) med[k] = t[k, int((n[k] + 1) / 2)]
	printf "%-15s %9s %8s %8s %12s\n", "command", "median_s", "x_floor", "x_zcat", "peak_rss_MiB"
	norder = split("floor floor_isal zcat stats stats_zlib stats_j1 volume_top10 filter_count filter_5clause mawk_top10", order, " ")
	for (i = 1; i <= norder; i++) {
		k = order[i]; if (!(k in med)) continue
		printf "%-15s %9.2f %8.2f %8.2f %12.1f\n", k, med[k], med[k] / med["floor"],
			med[k] / med["zcat"], rss[k] / 1024
	}
	if (("filter_5clause" in med) && ("filter_count" in med))
		printf "filter cost: %+.1f%% (5 clauses with a regex vs no -w)\n",
			(med["filter_5clause"] / med["filter_count"] - 1) * 100
}'
