#!/bin/sh
# volume keeps at most CDRSIFT_VOLUME_BUDGET bytes of distinct-pair data in
# memory and writes sorted runs of pairs to a temporary file beyond that
# (issue 5). With a budget of 1 byte every run goes to the file: distinct
# peers and cells must still be exact (an independent mawk count), the
# output the same bytes as in memory, for -j1, -j2 and -j8 with blocks
# small enough that every thread gets many. CDRSIFT_TEST_LARGE=1 adds a
# 2-million-row run whose peak RSS must stay under 64 MiB.
. "$(dirname "$0")/lib.sh"
test_setup 'the generator is there' 'test -x "$GEN"'

"$GEN" --dialect canonical --rows 30000 --seed 41 --subscribers 400 --anomalies >a.csv
"$GEN" --kind ip --dialect ipdr --rows 6000 --seed 42 --subscribers 150 >ip.csv

# per group: records, distinct peers, distinct subscribers (keys that are
# not a party), distinct cells (canonical dialect)
cat >distinct.awk <<'AWK'
# the peer (man page, volume; issue 11 item 5): for a party key, the
# record's other party relative to the key's value (itself only on a call
# to itself); for other keys the record's peer field, the caller of an mt
# record and the callee of the others
function peer_of(k,    v) {
	if (k != "caller" && k != "callee" && k != "subscriber" && k != "peer")
		return ($3 == "mt") ? $4 : $5
	v = keyval(k)
	if ($4 == v) return $5
	if ($5 == v) return $4
	return ""
}
# the cell key a canonical row carries (man page, Cells): LAC-CI, or the
# CI alone without a LAC
function cellkey() { return ($11 == "") ? "" : ($12 != "") ? $12 "-" $11 : $11 }
function keyval(k) {
	if (k == "caller") return $4
	if (k == "subscriber") return ($3 == "mt") ? $5 : $4
	if (k == "cell") return cellkey()
	if (k == "date") return substr($6, 1, 10)
	if (k == "type") return $2
	return "?"
}
NR == 1 { next }
{
	g = keyval(key); n[g]++
	p = peer_of(key)
	if (p != "" && !((g, p) in P)) { P[g, p] = 1; np[g]++ }
	party = key == "caller" || key == "subscriber"
	s = ($3 == "mt") ? $5 : $4
	if (s != "" && !((g, s) in S)) { S[g, s] = 1; ns[g]++ }
	c = cellkey()
	if (c != "" && !((g, c) in C)) { C[g, c] = 1; nc[g]++ }
}
END { for (g in n) printf "%s,%d,%d,%s%d\n", g, n[g], np[g] + 0, party ? "" : (ns[g] + 0) ",", nc[g] + 0 }
AWK

for key in caller subscriber cell date type; do
	case $key in caller|subscriber) cols=1,2,6,7 ;; *) cols=1,2,6-8 ;; esac
	test_expect_success "every run spilled: --by $key distinct counts match mawk" "
		mawk -F, -v key=$key -f distinct.awk a.csv | sort >want &&
		CDRSIFT_VOLUME_BUDGET=1 cdrsift volume --by $key --verbose -f csv a.csv \
			>out 2>err &&
		grep -q 'volume: .* [1-9][0-9]* bytes of pairs spilled' err &&
		tail -n +2 out | mawk -F, '\$2 != 0' | cut -d, -f$cols | sort >got &&
		test_cmp want got
	"
done

test_expect_success 'the default budget keeps a small input in memory' '
	cdrsift volume --by caller --verbose -f csv a.csv >out 2>err &&
	grep -q "volume: .* 0 bytes of pairs spilled" err
'

same_spilled_or_not() {
	cdrsift volume -j1 "$@" -f csv a.csv ip.csv >want 2>want.err || return 1
	test "$(wc -l <want)" -ge 2 || return 1
	for budget in 1 3000 ""; do
		for j in 1 2 8; do
			CDRSIFT_BLOCK_SIZE=16384 CDRSIFT_VOLUME_BUDGET=$budget \
				cdrsift volume -j$j "$@" -f csv a.csv ip.csv >got 2>got.err &&
			cmp want got && cmp want.err got.err || {
				echo "differs: budget '$budget' -j$j $*"; return 1; }
		done
	done
}
# (keys every input carries: an IP log has no caller or type, and --by caller or
# --split type over it is refused since issue #10; peer is the callee or the
# destination)
for opts in "--by peer" "--by subscriber,date --sort distinct" \
	"--pairs --top 200" "--by date --split dow" "--by cell,hour --min-count 3" \
	"--by subscriber --sort bytes" "--by week" "--sort duration"; do
	test_expect_success "same bytes spilled or not, for every -j: $opts" "
		same_spilled_or_not $opts
	"
done

# (the binary itself, not through valgrind, which needs TMPDIR too)
test_expect_success 'a TMPDIR that cannot be used: a note, the same result' '
	cdrsift volume --by caller -f csv a.csv >want &&
	TMPDIR=$TRASH/nonexistent CDRSIFT_VOLUME_BUDGET=1 \
		"$CDRSIFT" volume --by caller -f csv a.csv >got 2>err &&
	test_cmp want got &&
	grep -q "note: volume: cannot create a temporary file in .*nonexistent" err
'

test_expect_success 'a bad CDRSIFT_VOLUME_BUDGET is reported and ignored' '
	cdrsift volume --by cell -f csv a.csv >want &&
	CDRSIFT_VOLUME_BUDGET=lots cdrsift volume --by cell -f csv a.csv >got 2>err &&
	test_cmp want got &&
	grep -q "CDRSIFT_VOLUME_BUDGET: expected a number of bytes, found .lots." err &&
	CDRSIFT_VOLUME_BUDGET=2M cdrsift volume --by cell -f csv a.csv >got 2>err &&
	test_cmp want got && test ! -s err
'

# numbers mixed with text that sorts between them ("10" > "9" as numbers,
# "10" < "1a" < "9" as bytes): key order is then not transitive, yet the
# output must not depend on the order of the rows or on which thread saw a
# key first
test_expect_success 'mixed number and text keys: one order whatever the row order' '
	{ echo "caller,callee,start,duration"; i=1
	  while [ $i -le 600 ]; do
		printf "%d,601%05d,2025-01-02 10:%02d:00,%d\n" $i $i $((i % 60)) $((i % 7))
		printf "%da,601%05d,2025-01-02 11:%02d:00,%d\n" $i $i $((i % 60)) $((i % 5))
		i=$((i + 1))
	  done; } >mixed.csv &&
	{ head -1 mixed.csv; tail -n +2 mixed.csv | sort -r; } >mixed-rev.csv &&
	{ head -1 mixed.csv; tail -n +2 mixed.csv | sort -t, -k4; } >mixed-dur.csv &&
	for sort in count key; do
		cdrsift volume -j1 --by caller --sort $sort -f csv mixed.csv >want &&
		test "$(wc -l <want)" = 1201 &&
		for f in mixed-rev.csv mixed-dur.csv; do
			for j in 1 2 8; do
				CDRSIFT_BLOCK_SIZE=1024 cdrsift volume -j$j --by caller \
					--sort $sort -f csv $f >got && cmp want got || return 1
			done
		done
	done
'

if [ "${CDRSIFT_TEST_LARGE:-}" = 1 ] && [ -x /usr/bin/time ]; then
	test_expect_success 'large: 2M rows, 300k subscribers, peak RSS under 64 MiB, exact' '
		"$GEN" --rows 2000000 --seed 43 --subscribers 300000 --cells 5000 \
			--days 30 >big.csv &&
		mawk -F, -v key=caller -f distinct.awk big.csv | sort >want &&
		/usr/bin/time -f %M -o rss "$CDRSIFT" volume -j2 --by caller -f csv big.csv >out &&
		echo "# peak RSS $(cat rss) KiB" &&
		test "$(cat rss)" -lt 65536 &&
		tail -n +2 out | cut -d, -f1,2,6,7 | sort >got &&
		test_cmp want got
	'
else
	test_skip 'large: 2M rows, 300k subscribers, peak RSS under 64 MiB, exact' \
		'CDRSIFT_TEST_LARGE=1 and /usr/bin/time run it'
fi

test_done
