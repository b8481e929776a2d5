#!/bin/sh
# tests/bench/memory.sh - part of `make bench`: the memory row. Generates
# once BENCH_MEM_ROWS (default 20M) rows with BENCH_MEM_SUBS (default 2M,
# cdrgen's maximum) subscribers into tests/bench/data, and reports the peak
# RSS of `stats` and `volume --by caller` (default threads) and their counts.
# The counts are compared with the same commands at -j1, whose memory is not
# bounded by a budget either: so until stats spills, "equal" says that
# threads do not change the answer, not that a budget keeps it exact.
# BENCH_MEM=0 skips it.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}"
[ "${BENCH_MEM:-1}" = 0 ] && { echo "memory row: skipped (BENCH_MEM=0)"; exit 0; }
cd "$(dirname "$0")" || exit 2
rows=${BENCH_MEM_ROWS:-20000000}
subs=${BENCH_MEM_SUBS:-2000000}
data=data/mem-${rows}-${subs}.csv.gz
mkdir -p data
if [ ! -s "$data" ]; then
	echo "generating $rows rows, $subs subscribers into $data (once)..." >&2
	"$CDRSIFT_GEN" --rows "$rows" --seed 11 --subscribers "$subs" \
		--cells 20000 --days 30 | gzip -6 >"$data.tmp" && mv "$data.tmp" "$data"
fi
o=/tmp/memory.$$; trap 'rm -f $o.*' EXIT
run() { # NAME CMD... : peak RSS MiB and wall, output kept in $o.NAME
	name=$1; shift
	/usr/bin/time -f "%e %M" -o $o.t "$@" >$o.$name 2>$o.err || {
		echo "$name failed:"; head -3 $o.err; }
	read -r e m <$o.t
	echo "$name: $(echo "$m" | mawk '{ printf "%.1f", $1 / 1024 }') MiB peak RSS, $e s"
}
echo "memory row: $data ($rows rows, $subs subscribers)"
run stats "$CDRSIFT" stats -f csv "$data"
run volume "$CDRSIFT" volume --by caller --top 10 -f csv "$data"
echo "stats counts:"; cat $o.stats
echo "volume --by caller --top 10:"; cat $o.volume
run stats_j1 "$CDRSIFT" stats -j1 -f csv "$data"
run volume_j1 "$CDRSIFT" volume -j1 --by caller --top 10 -f csv "$data"
for k in stats volume; do
	cmp -s $o.$k $o.${k}_j1 && echo "$k: counts equal to the -j1 run" ||
		echo "!!! $k: counts DIFFER from the -j1 run !!!"
done
