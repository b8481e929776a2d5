#!/bin/sh
# tests/bench/partial.sh - `make bench`'s row for partial files (issue 13):
# BENCH_PARTIAL_ROWS (default 1 million) canonical CDR rows of the bench's
# population (200000 subscribers, 5000 cells, 90 days) cut into
# BENCH_PARTIAL_FILES (default 100) gzip files; one `stats --partial` per
# file and one over the whole; printed: partial bytes per input row (whole
# and per file) and per distinct key, and the wall time and peak RSS of
# `merge` over the 100 partials (into a report and into a partial),
# beside `stats` over the 100 files. The merged report is checked to equal
# the single run's before a figure counts.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}"
cd "$(dirname "$0")" || exit 2
rows=${BENCH_PARTIAL_ROWS:-1000000}
nfiles=${BENCH_PARTIAL_FILES:-100}
dir=data/partial-$rows-$nfiles
if [ ! -s "$dir/whole.csv.gz" ] || [ ! -d "$dir/in" ]; then
	echo "generating $rows rows into $dir (once)..." >&2
	rm -rf "$dir" && mkdir -p "$dir/in" || exit 2
	"$CDRSIFT_GEN" --rows "$rows" --seed 5 --subscribers 200000 \
		--cells 5000 --days 90 >"$dir/whole.csv" || exit 2
	mawk -v rows="$rows" -v n="$nfiles" -v d="$dir/in" '
	NR == 1 { h = $0; next }
	{
		p = int((NR - 2) * n / rows)
		if (NR == 2 || p != cur) {
			if (NR > 2) close(f)
			cur = p; f = sprintf("%s/part-%03d.csv", d, p); print h >f
		}
		print >f
	}' "$dir/whole.csv" || exit 2
	gzip -1 "$dir"/in/*.csv && gzip -1 "$dir/whole.csv" || exit 2
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/cdrsift-bench-partial.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT
mkdir "$out/p"
# time_of CMD...: "seconds peak_KiB" of one run (status 0 or 1 expected)
time_of() {
	/usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null 2>"$out/err"
	rc=$?
	[ "$rc" -le 1 ] || { echo "bench: exit $rc: $*" >&2; cat "$out/err" >&2; exit 1; }
	cat "$out/time"
}
whole=$(time_of "$CDRSIFT" stats --partial "$out/whole.part" "$dir/whole.csv.gz")
for f in "$dir"/in/*.csv.gz; do
	"$CDRSIFT" stats -j 1 --partial "$out/p/${f##*/}.part" "$f" 2>/dev/null ||
		[ $? -le 1 ] || exit 1
done
single=$(time_of "$CDRSIFT" stats -f csv -o "$out/want.csv" "$dir"/in/*.csv.gz)
merge=$(time_of "$CDRSIFT" merge -f csv -o "$out/got.csv" "$out"/p/*.part)
mpart=$(time_of "$CDRSIFT" merge --partial "$out/all.part" "$out"/p/*.part)
cmp -s "$out/want.csv" "$out/got.csv" ||
	{ echo "bench: merged report differs from the single run" >&2; exit 1; }
"$CDRSIFT" stats -f csv "$dir/whole.csv.gz" 2>/dev/null >"$out/whole.csv"
wb=$(wc -c <"$out/whole.part")
pb=$(cat "$out"/p/*.part | wc -c)
ab=$(wc -c <"$out/all.part")
keys=$(mawk -F, 'NR == 2 { print $16 + $17 + $18 }' "$out/whole.csv")
pkeys=$(mawk -F, '$1 != "(total)" && NR > 1 { k += $16 + $17 + $18 } END { print k }' "$out/want.csv")
echo "partial files: stats, $rows rows ($nfiles files of $((rows / nfiles)))"
awk -v rows="$rows" -v n="$nfiles" -v wb="$wb" -v pb="$pb" -v ab="$ab" \
    -v keys="$keys" -v pkeys="$pkeys" -v whole="$whole" -v single="$single" \
    -v merge="$merge" -v mpart="$mpart" 'BEGIN {
	printf "  one partial of all rows   %10d bytes  %5.2f bytes/row  %5.2f bytes/distinct key (%d keys)\n", wb, wb / rows, wb / keys, keys
	printf "  %d partials, one a file  %10d bytes  %5.2f bytes/row  %5.2f bytes/distinct key per file (%d)\n", n, pb, pb / rows, pb / pkeys, pkeys
	printf "  merged partial of those   %10d bytes (the per-input keys are kept)\n", ab
	split(whole, a, " "); split(single, b, " "); split(merge, c, " "); split(mpart, d, " ")
	printf "  %-34s %7s s  %8.1f MiB peak\n", "stats --partial, all rows", a[1], a[2] / 1024
	printf "  %-34s %7s s  %8.1f MiB peak\n", "stats over the " n " files", b[1], b[2] / 1024
	printf "  %-34s %7s s  %8.1f MiB peak\n", "merge of " n " partials -> csv", c[1], c[2] / 1024
	printf "  %-34s %7s s  %8.1f MiB peak\n", "merge of " n " partials -> partial", d[1], d[2] / 1024
}'
# volume --by subscriber (issue 13): partial bytes per row and per group,
# and merging the 100 partials, checked against one run over the files
mkdir "$out/v"
vwhole=$(time_of "$CDRSIFT" volume --by subscriber --partial "$out/vwhole.part" "$dir/whole.csv.gz")
for f in "$dir"/in/*.csv.gz; do
	"$CDRSIFT" volume --by subscriber -j 1 --partial "$out/v/${f##*/}.part" "$f" 2>/dev/null ||
		[ $? -le 1 ] || exit 1
done
vsingle=$(time_of "$CDRSIFT" volume --by subscriber -f csv -o "$out/vwant.csv" "$dir"/in/*.csv.gz)
vmerge=$(time_of "$CDRSIFT" merge -f csv -o "$out/vgot.csv" "$out"/v/*.part)
vmpart=$(time_of "$CDRSIFT" merge --partial "$out/vall.part" "$out"/v/*.part)
cmp -s "$out/vwant.csv" "$out/vgot.csv" ||
	{ echo "bench: merged volume report differs from the single run" >&2; exit 1; }
vwb=$(wc -c <"$out/vwhole.part")
vpb=$(cat "$out"/v/*.part | wc -c)
vab=$(wc -c <"$out/vall.part")
groups=$(($(wc -l <"$out/vwant.csv") - 1))
echo "partial files: volume --by subscriber, $rows rows, $groups groups"
awk -v rows="$rows" -v n="$nfiles" -v wb="$vwb" -v pb="$vpb" -v ab="$vab" \
    -v groups="$groups" -v whole="$vwhole" -v single="$vsingle" \
    -v merge="$vmerge" -v mpart="$vmpart" 'BEGIN {
	printf "  one partial of all rows   %10d bytes  %5.2f bytes/row  %6.1f bytes/group\n", wb, wb / rows, wb / groups
	printf "  %d partials, one a file  %10d bytes  %5.2f bytes/row\n", n, pb, pb / rows
	printf "  merged partial of those   %10d bytes\n", ab
	split(whole, a, " "); split(single, b, " "); split(merge, c, " "); split(mpart, d, " ")
	printf "  %-34s %7s s  %8.1f MiB peak\n", "volume --partial, all rows", a[1], a[2] / 1024
	printf "  %-34s %7s s  %8.1f MiB peak\n", "volume over the " n " files", b[1], b[2] / 1024
	printf "  %-34s %7s s  %8.1f MiB peak\n", "merge of " n " partials -> csv", c[1], c[2] / 1024
	printf "  %-34s %7s s  %8.1f MiB peak\n", "merge of " n " partials -> partial", d[1], d[2] / 1024
}'
