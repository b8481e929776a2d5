#!/bin/sh
# Output is byte-identical for every thread count: -j1, -j2, -j3, -j4 and
# -j8 (one reader thread, then several files read in parallel), with
# blocks small enough (CDRSIFT_BLOCK_SIZE) that a small file makes dozens of
# them, including quoted multi-line fields across block boundaries, bad
# rows, several files, a damaged gzip, a missing file and standard input;
# and with CDRSIFT_DEFER_MAX=1, which makes every input read ahead of its
# turn stop after one block until the inputs before it are done.
. "$(dirname "$0")/lib.sh"
test_setup 'the generator is there' 'test -x "$GEN"'

"$GEN" --dialect canonical --rows 20000 --seed 31 --anomalies --bad-rate 0.01 >a.csv
"$GEN" --dialect opc --rows 8000 --seed 32 --bad-rate 0.01 >b.csv
"$GEN" --kind ip --dialect ipdr --rows 6000 --seed 33 >ip.csv
gzip -n -c a.csv | head -c 300000 >cut.csv.gz
CDRSIFT_BLOCK_SIZE=16384
export CDRSIFT_BLOCK_SIZE

same_for_all_j() {
	cmd=$1; shift
	for j in 1 2 3 4 8; do
		cdrsift "$cmd" -j $j "$@" <"${STDIN_FILE:-/dev/null}" >out.$j 2>err.$j
		echo $? >>out.$j
		# json meta repeats the command line, -j included
		sed -i "s/\"command\":\[[^]]*\]//" out.$j
	done
	# a real result (exit status RC, default 1: every file but ip.csv
	# holds bad rows; some output), the same for every -j
	if [ "$(tail -1 out.1)" != "${RC:-1}" ]; then
		echo "exit status $(tail -1 out.1), expected ${RC:-1}: $cmd $*"
		return 1
	fi
	test "$(wc -c <out.1)" -gt 5 &&
	for j in 2 3 4 8; do
		cmp out.1 out.$j && cmp err.1 err.$j || return 1
	done
}
test_expect_success 'stats: same bytes for -j1, -j2, -j8' '
	same_for_all_j stats -f json a.csv b.csv cut.csv.gz --country 60
'
test_expect_success 'volume by subscriber: same bytes for every -j' '
	same_for_all_j volume --by subscriber a.csv b.csv --country 60
'
test_expect_success 'volume by date with split, pairs: same bytes' '
	same_for_all_j volume --by date --split type a.csv &&
	same_for_all_j volume --pairs --top 50 a.csv b.csv
'
test_expect_success 'filter: same rows in the same order, rejects in order' '
	same_for_all_j filter -w "type == voice and duration > 60" a.csv b.csv cut.csv.gz &&
	same_for_all_j filter --raw b.csv &&
	RC=0 same_for_all_j filter --count -w "dst_port == 443" ip.csv
'
test_expect_success 'many inputs read in parallel, one missing, one damaged, stdin: same bytes' '
	STDIN_FILE=a.csv RC=3 same_for_all_j filter -w "duration > 100" b.csv a.csv missing.csv cut.csv.gz - b.csv &&
	grep -q "missing.csv" err.1 &&
	STDIN_FILE=b.csv same_for_all_j stats -f csv a.csv cut.csv.gz ip.csv b.csv - a.csv
'
test_expect_success 'later inputs wait for their turn past the output budget: same bytes' '
	test_exit 1 cdrsift filter -j1 a.csv b.csv a.csv b.csv cut.csv.gz >want 2>want.err &&
	CDRSIFT_DEFER_MAX=1 test_exit 1 cdrsift filter -j8 a.csv b.csv a.csv b.csv cut.csv.gz >got 2>got.err &&
	test "$(wc -l <want)" -gt 50000 && cmp want got && cmp want.err got.err
'
test_expect_success 'blocks change nothing: 16 KiB blocks give the default result' '
	test_exit 1 cdrsift stats -j2 -f csv a.csv b.csv >small 2>&1 &&
	CDRSIFT_BLOCK_SIZE= test_exit 1 cdrsift stats -j2 -f csv a.csv b.csv >big 2>&1 &&
	test "$(wc -l <small)" -gt 3 && cmp small big
'
test_expect_success 'filter --raw of a file with quoted newlines gives it back whole' '
	{ echo "caller,callee,note"; i=0; while [ $i -lt 3000 ]; do
		printf "6010%05d,6020%05d,\"line one\nline, two \"\"q\"\"\"\n" $i $i; i=$((i + 1)); done; } >q.csv &&
	cdrsift filter -j2 --raw q.csv >q.out && cmp q.csv q.out &&
	cdrsift filter -j8 --count -f csv q.csv >count &&
	printf "count\n3000\n" >want.count && test_cmp want.count count
'
test_done
