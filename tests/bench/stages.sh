#!/bin/sh
# tests/bench/stages.sh - part of `make bench`: CPU seconds (user+sys) per
# 10M rows for each stage, from differences of -j1 commands that do
# progressively more work on the same file (median of BENCH_RUNS):
#   inflate         the zlib floor program (and the ISA-L one when built)
#   cut+split+map   filter --count -j1 minus cdrsift's inflate (block cutting,
#                   field splitting, mapping and validation together: no
#                   command stops between them; see the perf profile below)
#   filter          filter --count -j1 -w EXPR minus filter --count -j1
#   analysis        stats -j1 / volume -j1 minus filter --count -j1
# and the ratio of the default-thread wall time to the two-core bound
# (inflate + parse + analysis CPU) / 2, that is the -j1 CPU / 2. With perf
# present it also prints the profile of filter --count -j1 grouped by
# stage (symbols mapped to their source file with nm -l; cutting, which
# lives in csvrow.c and input.c, by function name), which splits the
# cut+split+map row. BENCH_PERF=0 skips the profile.
set -u
: "${CDRSIFT:?}" "${FLOOR:?}"
FLOOR_ISAL=${FLOOR_ISAL:-$(dirname "$FLOOR")/floor_isal}
[ -x "$FLOOR_ISAL" ] || FLOOR_ISAL=
cd "$(dirname "$0")" || exit 2
rows=${BENCH_ROWS:-10000000}
runs=${BENCH_RUNS:-3}
data=data/cdr-${rows}.csv.gz
[ -s "$data" ] || { echo "stages: $data absent (run.sh makes it): skipped"; exit 0; }
EXPR='type == voice and duration > 30s and hour between 8 and 20 and callee ~ "^601[0-9]" and not (cell in {"6553659", "119"})'
res=$(mktemp); trap 'rm -f "$res"' EXIT
cpu() { # NAME CMD : user+sys and wall seconds
	name=$1; shift
	/usr/bin/time -f "%U %S %e" -o /tmp/stages.t.$$ sh -c "$*" >/dev/null 2>&1
	read -r u s e </tmp/stages.t.$$; rm -f /tmp/stages.t.$$
	echo "$name $(echo "$u $s" | mawk '{ print $1 + $2 }') $e" >>"$res"
}
isal=0; "$CDRSIFT" --version | grep -q '^inflate:.*isa' && isal=1
i=0
while [ "$i" -lt "$runs" ]; do
	cpu floor "$FLOOR $data"
	[ -n "$FLOOR_ISAL" ] && cpu floor_isal "$FLOOR_ISAL $data"
	cpu count "$CDRSIFT filter --count -j1 -f csv $data"
	cpu where "$CDRSIFT filter --count -j1 -f csv -w '$EXPR' $data"
	cpu stats "$CDRSIFT stats -j1 -f csv $data"
	cpu volume "$CDRSIFT volume -j1 --by caller --top 10 -f csv $data"
	cpu stats_wall "$CDRSIFT stats -f csv $data"
	cpu volume_wall "$CDRSIFT volume --by caller --top 10 -f csv $data"
	i=$((i + 1))
done
echo "stages: CPU s per 10M rows, -j1, $data, median of $runs (differences of commands)"
sort -k1,1 -k2,2n "$res" | mawk -v rows="$rows" -v isal="$isal" '
{ c[$1, ++n[$1]] = $2; w[$1, n[$1]] = $3; names[$1] = 1 }
END {
	for (k in names) { m = int((n[k] + 1) / 2); cm[k] = c[k, m]; wm[k] = w[k, m] }
	f = 1e7 / rows
	inf = (isal && ("floor_isal" in cm)) ? cm["floor_isal"] : cm["floor"]
	printf "%-28s %8.2f\n", "inflate (zlib floor)", cm["floor"] * f
	if ("floor_isal" in cm) printf "%-28s %8.2f\n", "inflate (ISA-L floor)", cm["floor_isal"] * f
	parse = cm["count"] - inf
	printf "%-28s %8.2f\n", "cut+split+map+validate", parse * f
	printf "%-28s %8.2f\n", "filter (5 clauses, regex)", (cm["where"] - cm["count"]) * f
	printf "%-28s %8.2f\n", "analysis: stats", (cm["stats"] - cm["count"]) * f
	printf "%-28s %8.2f\n", "analysis: volume --by caller", (cm["volume"] - cm["count"]) * f
	printf "%-28s %8.2f\n", "total filter --count -j1", cm["count"] * f
	split("stats volume", a, " ")
	for (i = 1; i <= 2; i++) {
		bound = cm[a[i]] / 2
		printf "%s: wall %.2f s (default -j), two-core bound %.2f s, ratio %.2f\n",
			a[i], wm[a[i] "_wall"], bound, wm[a[i] "_wall"] / bound
	}
}'
if [ "${BENCH_PERF:-1}" != 0 ] && command -v perf >/dev/null; then
	pd=/tmp/stages.perf.$$
	if perf record -q -o "$pd" -- "$CDRSIFT" filter --count -j1 -f csv "$data" >/dev/null 2>&1; then
		echo "perf profile of filter --count -j1, grouped by stage (symbol -> source file"
		echo "from nm -l; inflate = zlib/ISA-L; libc/kernel shown apart):"
		nm -l --defined-only "$CDRSIFT" 2>/dev/null |
			mawk 'NF >= 4 { sub(/:.*/, "", $4); n = split($4, a, "/"); print $3, a[n] }' >"$pd.map"
		perf report -i "$pd" --stdio --sort dso,sym 2>/dev/null | grep -v '^#' | grep . |
		mawk -v map="$pd.map" '
		BEGIN { while ((getline l < map) > 0) { split(l, a, " "); f[a[1]] = a[2] } }
		{
			p = $1; sub(/%/, "", p); dso = $2; sym = $4
			if (dso ~ /libisal|libz/) st = "inflate"
			else if (dso ~ /libc|ld-linux/) st = "libc (memchr, memmove, str*: all stages)"
			else if (dso ~ /kernel/) st = "kernel (read, page faults)"
			else if (dso ~ /libcrypto/) st = "sha256 of the input (provenance)"
			else if (dso ~ /libpcre/) st = "filter (regex)"
			else {
				src = (sym in f) ? f[sym] : "?"
				if (sym ~ /^(find_eol|slice_end|next_slice|feed|refill|scan_line|ends_line)$/) st = "block cutting"
				else if (src == "input.c") st = "inflate (glue, input.c)"
				else if (src == "csvrow.c") st = "splitting (csvrow.c)"
				else if (src ~ /^(schema|timeparse|phone|cells|record|tz|imei|text)\.c$/) st = "mapping+validation"
				else if (src ~ /^expr/) st = "filter"
				else if (src ~ /^(stats|volume|intern|analysis|table)\.c$/) st = "analysis"
				else st = "other (" src ")"
			}
			pct[st] += p
		}
		END { for (k in pct) printf "  %6.2f%%  %s\n", pct[k], k }' | sort -k1,1nr
		rm -f "$pd.map"
	else
		echo "perf: record failed (perf_event_paranoid?): profile skipped"
	fi
	rm -f "$pd"
else
	echo "perf: not available: profile skipped"
fi
