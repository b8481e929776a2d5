#!/bin/sh
# tests/bench/run.sh - `make bench`. Generates the benchmark data if absent
# (10 million canonical CDR rows, gzip -6, in tests/bench/data/, and the
# same rows as four files of 2.5 million), then times each command against
# the floor (a bare zlib inflate loop, floor.c) and `zcat FILE >/dev/null`,
# measured in the same run, alternating, median of BENCH_RUNS (default 3)
# runs. Prints wall-time ratios and peak RSS.
#
# With ISA-L (floor_isal beside floor) it also times the ISA-L floor and
# `stats` with CDRSIFT_INFLATE=zlib, so both inflates show; ratios stay
# against the zlib floor, the issue's reference.
#
# Four files: `stats -j2` over the four parts against the sum of their
# four floors (floor4, the floor program run on each part in turn).
#
# Peers, each checked to give our top-10 callers and counts: mawk (zcat |
# mawk), ClickHouse embedded (chdb 3.4.0), Polars (nodejs-polars 0.25.2)
# and DuckDB through npm (peers.mjs; installed into tests/bench/node_modules
# when node and npm are present; BENCH_NPM=0 skips them, BENCH_DUCKDB=0
# DuckDB), two queries each (count and sum; every volume column), checked
# equal to `volume --by caller --top 10` before timing, and Miller (mlr, one run only: it takes minutes and gigabytes;
# BENCH_MILLER=0 skips it).
#
# volume_cols is the count-and-sum query as cdrsift asks it (`volume --by
# caller --top 10 --columns records,duration_total`), checked equal to the
# default run's first three columns; the count-and-sum peer ratios use it.
#
# Never used as a timed assertion: this machine is shared and noisy.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}" "${FLOOR:?}"
FLOOR_ISAL=${FLOOR_ISAL:-$(dirname "$FLOOR")/floor_isal}
[ -x "$FLOOR_ISAL" ] || FLOOR_ISAL=
cd "$(dirname "$0")" || exit 2
here=$(pwd)
rows=${BENCH_ROWS:-10000000}
runs=${BENCH_RUNS:-3}
data=data/cdr-${rows}.csv.gz
mkdir -p data
if [ ! -s "$data" ]; then
	echo "generating $rows rows into $data (once)..." >&2
	"$CDRSIFT_GEN" --rows "$rows" --seed 5 --subscribers 200000 \
		--cells 5000 --days 90 | gzip -6 >"$data.tmp" && mv "$data.tmp" "$data"
fi
# the same rows as four files, each with the header
parts=
for p in 0 1 2 3; do parts="$parts data/cdr-${rows}-part$p.csv.gz"; done
if [ ! -s "data/cdr-${rows}-part3.csv.gz" ]; then
	echo "splitting $data into four files (once)..." >&2
	zcat "$data" | mawk -v rows="$rows" '
	NR == 1 { h = $0; next }
	{
		p = int((NR - 2) * 4 / rows)
		if (NR == 2 || p != cur) {
			if (NR > 2) close(cmd)
			cur = p; cmd = "gzip -6 >data/part" p ".tmp"; print h | cmd
		}
		print | cmd
	}' && for p in 0 1 2 3; do mv "data/part$p.tmp" "data/cdr-${rows}-part$p.csv.gz"; done
fi
echo "data: $data, $(wc -c <"$data") bytes gzip, $rows rows; four parts:$parts"
# attribute (issue 16): a bulk-port-allocation NAT log by cdrgen
# (BENCH_NAT_ROWS, default 10 million, the issue's size), 10,000 queries
# drawn from its blocks (a port inside the block, at an event's time) and
# one of them alone: the "one pass" ratio is the 10,000 queries' time over
# the one query's
nat_rows=${BENCH_NAT_ROWS:-10000000}
nat=data/nat-${nat_rows}.csv.gz
# the queries are drawn from that log: named by its size, so that a
# file drawn from a log of another size is not reused
q10k=data/nat-${nat_rows}-q10k.csv q1=data/nat-${nat_rows}-q1.csv
if [ ! -s "$nat" ]; then
	echo "generating $nat_rows NAT rows into $nat (once)..." >&2
	"$CDRSIFT_GEN" --kind ip --dialect cgnat --rows "$nat_rows" --seed 7 |
		gzip -6 >"$nat.tmp" && mv "$nat.tmp" "$nat"
fi
if [ ! -s "$q10k" ]; then
	zcat "$nat" | mawk -F, -v rows="$nat_rows" 'BEGIN { srand(11); print "id,ip,port,time" }
	NR > 1 && n < 10000 && rand() < 10500 / rows {
		n++; print "q" n "," $4 "," ($5 + int(rand() * ($6 - $5 + 1))) "," $1
	}' >"$q10k"
	head -2 "$q10k" >"$q1"
fi
echo "nat: $nat, $(wc -c <"$nat") bytes gzip, $nat_rows rows; $(($(wc -l <"$q10k") - 1)) queries"
echo "cdrsift $("$CDRSIFT" --version | grep '^inflate:')"

# The npm peers (ClickHouse embedded, Polars, DuckDB), once, into
# tests/bench/node_modules, when node and npm are here; BENCH_NPM=0 skips
# them. Each is checked below, before the timing, to give cdrsift's answer
# on both queries; one that does not is printed and not timed.
npm_peers=
if [ "${BENCH_NPM:-1}" = 0 ]; then
	echo "npm peers: skipped (BENCH_NPM=0)"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "npm peers (ClickHouse, Polars, DuckDB): skipped, node and npm needed"
else
	# one npm install for all of them: with --no-save and no
	# package.json, each install prunes what an earlier one added
	specs= missing=
	for spec in chdb@3.4.0:chdb nodejs-polars@0.25.2:nodejs-polars \
	    nodejs-polars-linux-x64-gnu@0.25.2:nodejs-polars-linux-x64-gnu \
	    @duckdb/node-api:@duckdb/node-api; do
		specs="$specs ${spec%%:*}"
		[ -d "node_modules/${spec#*:}" ] || missing=1
	done
	[ -z "$missing" ] ||
		npm install --no-audit --no-fund --no-save --prefix "$here" \
			$specs >/dev/null 2>&1 ||
		echo "npm install$specs failed"
	[ "${BENCH_DUCKDB:-1}" != 0 ] && [ -d node_modules/@duckdb/node-api ] &&
		npm_peers="$npm_peers duckdb"
	[ -d node_modules/chdb ] && npm_peers="$npm_peers chdb" ||
		echo "ClickHouse peer: chdb not installed"
	[ -d node_modules/nodejs-polars-linux-x64-gnu ] && npm_peers="$npm_peers polars" ||
		echo "Polars peer: nodejs-polars not installed"
fi
vol_ours() { # sum|full FILES... : cdrsift's answer in the peers' columns
	q=$1; shift
	if [ "$q" = sum ]; then c=1-3; else c=1-3,5-9; fi
	"$CDRSIFT" volume --by caller --top 10 -f csv "$@" | tail -n +2 | cut -d, -f$c
}
# volume_cols (count and sum alone) must give the default run's first columns
"$CDRSIFT" volume --by caller --top 10 --columns records,duration_total -f csv "$data" |
	tail -n +2 >/tmp/bench.c.$$
if vol_ours sum "$data" | cmp -s - /tmp/bench.c.$$; then
	echo "volume --columns records,duration_total agrees with the default run"
else
	echo "!!! volume --columns records,duration_total DISAGREES with the default run !!!"
fi
rm -f /tmp/bench.c.$$
# stats_cols (no distinct set: read, accepted, rejected, span) must give
# the default run's same columns
SCOLS=read,accepted,rejected,first,last
"$CDRSIFT" stats -f csv "$data" | mawk -F, -v want="input,$SCOLS" '
	NR == 1 { n = split(want, w, ","); for (i = 1; i <= NF; i++) at[$i] = i }
	{ line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "," : "") $(at[w[i]]); print line }' >/tmp/bench.s.$$
if "$CDRSIFT" stats -f csv --columns $SCOLS "$data" | cmp -s - /tmp/bench.s.$$; then
	echo "stats --columns $SCOLS agrees with the default run"
else
	echo "!!! stats --columns $SCOLS DISAGREES with the default run !!!"
fi
rm -f /tmp/bench.s.$$
checked=
for e in $npm_peers; do
	ok=1
	for q in sum full; do
		vol_ours $q "$data" >/tmp/bench.o.$$
		THREADS=2 node "$here/peers.mjs" $e $q "$data" >/tmp/bench.p.$$ 2>/tmp/bench.e.$$
		if cmp -s /tmp/bench.o.$$ /tmp/bench.p.$$; then
			echo "volume --by caller --top 10 ($q) agrees with $e"
		else
			ok=0
			echo "!!! $e ($q) DISAGREES with cdrsift volume: its time is NOT reported !!!"
			diff /tmp/bench.o.$$ /tmp/bench.p.$$ | head; head -3 /tmp/bench.e.$$
		fi
	done
	[ $ok = 1 ] && checked="$checked $e"
done
rm -f /tmp/bench.o.$$ /tmp/bench.p.$$ /tmp/bench.e.$$

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
FLOOR4="for f in $parts; do $FLOOR \$f; done"
i=0
while [ "$i" -lt "$runs" ]; do
	time_cmd floor "$FLOOR $data"
	[ -n "$FLOOR_ISAL" ] && time_cmd floor_isal "$FLOOR_ISAL $data"
	time_cmd zcat "zcat $data"
	time_cmd stats "$CDRSIFT stats -f csv $data"
	[ -n "$FLOOR_ISAL" ] &&
		time_cmd stats_zlib "CDRSIFT_INFLATE=zlib $CDRSIFT stats -f csv $data"
	time_cmd stats_j1 "$CDRSIFT stats -j1 -f csv $data"
	time_cmd stats_cols "$CDRSIFT stats -f csv --columns $SCOLS $data"
	time_cmd volume_top10 "$CDRSIFT volume --by caller --top 10 -f csv $data"
	time_cmd volume_cols "$CDRSIFT volume --by caller --top 10 --columns records,duration_total -f csv $data"
	[ -n "$FLOOR_ISAL" ] &&
		time_cmd volume_zlib "CDRSIFT_INFLATE=zlib $CDRSIFT volume --by caller --top 10 -f csv $data"
	time_cmd filter_count "$CDRSIFT filter --count -f csv $data"
	time_cmd filter_5clause "$CDRSIFT filter --count -f csv -w '$EXPR' $data"
	[ -n "$FLOOR_ISAL" ] &&
		time_cmd filter_5c_zlib "CDRSIFT_INFLATE=zlib $CDRSIFT filter --count -f csv -w '$EXPR' $data"
	time_cmd anomalies "$CDRSIFT anomalies -f csv $data"
	time_cmd floor4 "$FLOOR4"
	time_cmd stats4_j2 "$CDRSIFT stats -j2 -f csv $parts"
	[ -n "$FLOOR_ISAL" ] &&
		time_cmd stats4_zlib "CDRSIFT_INFLATE=zlib $CDRSIFT stats -j2 -f csv $parts"
	time_cmd mawk_top10 "zcat $data | $MAWK_TOP"
	time_cmd floor_nat "$FLOOR $nat"
	time_cmd attr_1q "$CDRSIFT attribute --queries $q1 -f csv $nat"
	time_cmd attr_10kq "$CDRSIFT attribute --queries $q10k -f csv $nat"
	for e in $checked; do
		time_cmd ${e}_sum "THREADS=2 node $here/peers.mjs $e sum $data"
		time_cmd ${e}_full "THREADS=2 node $here/peers.mjs $e full $data"
	done
	i=$((i + 1))
done
if [ "${BENCH_MILLER:-1}" != 0 ] && command -v mlr >/dev/null; then
	MLR_TOP="mlr --icsv --ocsv --headerless-csv-output --gzin count -g caller then sort -nr count -f caller then head -n 10 then reorder -f caller,count $data"
	time_cmd miller_top10 "$MLR_TOP >/tmp/bench.mlr.$$"
fi

# every peer must give the same answer: top 10 callers and their counts
ours=/tmp/bench.ours.$$ theirs=/tmp/bench.peer.$$
"$CDRSIFT" volume --by caller --top 10 -f csv "$data" | tail -n +2 | cut -d, -f1,2 >"$ours"
"$CDRSIFT" volume --by caller --top 10 -f csv $parts | tail -n +2 | cut -d, -f1,2 >"$theirs"
cmp -s "$ours" "$theirs" && echo "four files give the same top 10 as one" ||
	echo "four files DISAGREE with one file"
agree() {
	if cmp -s "$ours" "$theirs"; then
		echo "volume --by caller --top 10 agrees with $1"
	else
		echo "volume --by caller --top 10 DISAGREES with $1:"; diff "$ours" "$theirs" | head
	fi
}
zcat "$data" | sh -c "$MAWK_TOP" | mawk -F, '{ print $2 "," $1 }' >"$theirs"
agree mawk
if [ -s /tmp/bench.mlr.$$ ]; then
	mv /tmp/bench.mlr.$$ "$theirs" # the timed run's answer: one run only
	agree Miller
fi
rm -f "$ours" "$theirs"
echo "threads: $(nproc) cores; default -j = all cores; median of $runs runs (Miller: 1)"
# median per name, then ratios to the floor and to zcat (four files: to floor4)
sort -k1,1 -k2,2n "$results" | mawk -v scols="$SCOLS" '
{ t[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3; names[$1] = 1 }
END {
	for (k in names) med[k] = t[k, int((n[k] + 1) / 2)]
	printf "%-15s %9s %8s %8s %12s\n", "command", "median_s", "x_floor", "x_zcat", "peak_rss_MiB"
	norder = split("floor floor_isal zcat stats stats_zlib stats_j1 stats_cols volume_top10 volume_cols volume_zlib filter_count filter_5clause filter_5c_zlib anomalies mawk_top10 duckdb_sum duckdb_full chdb_sum chdb_full polars_sum polars_full miller_top10 floor4 stats4_j2 stats4_zlib", order, " ")
	for (i = 1; i <= norder; i++) {
		k = order[i]; if (!(k in med)) continue
		base = (k ~ /4/) ? med["floor4"] : med["floor"]
		printf "%-15s %9.2f %8.2f %8.2f %12.1f\n", k, med[k], med[k] / base,
			med[k] / med["zcat"], rss[k] / 1024
	}
	if (("filter_5clause" in med) && ("filter_count" in med))
		printf "filter cost: %+.1f%% (5 clauses with a regex vs no -w)\n",
			(med["filter_5clause"] / med["filter_count"] - 1) * 100
	for (i = split("chdb duckdb polars", pe, " "); i > 0; i--) {
		if ((pe[i] "_sum") in med)
			printf "cdrsift volume / %s: %.2fx (count and sum: volume_cols), %.2fx (every volume column: volume_top10)\n",
				pe[i], med["volume_cols"] / med[pe[i] "_sum"], med["volume_top10"] / med[pe[i] "_full"]
	}
	if (("stats_cols" in med) && ("stats" in med))
		printf "stats --columns %s (no distinct set): %.2fx the default stats run\n",
			scols, med["stats_cols"] / med["stats"]
	if (("volume_cols" in med) && ("volume_top10" in med))
		printf "volume --columns records,duration_total: %.2fx the default volume run\n",
			med["volume_cols"] / med["volume_top10"]
	if (("attr_10kq" in med) && ("attr_1q" in med) && ("floor_nat" in med)) {
		printf "attribute, NAT log: 1 query %.2f s (%.2fx its floor), 10,000 queries %.2f s (%.2fx), peak %.1f MiB\n",
			med["attr_1q"], med["attr_1q"] / med["floor_nat"], med["attr_10kq"],
			med["attr_10kq"] / med["floor_nat"], rss["attr_10kq"] / 1024
		printf "attribute one pass: 10,000 queries cost %.2fx one query\n",
			med["attr_10kq"] / med["attr_1q"]
	}
	print "four-file rows: x_floor is against floor4, the sum of the four floors"
}'
