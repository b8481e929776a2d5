#!/bin/sh
# Output is byte-identical for every thread count: -j1, -j2 and -j8, with
# blocks small enough (CDRSIFT_BLOCK_SIZE) that a small file makes dozens of
# them, including quoted multi-line fields across block boundaries, bad
# rows, several files and a damaged gzip.
. "$(dirname "$0")/lib.sh"
[ -x "$GEN" ] || { echo "not ok 1 - generator missing"; echo "0 passed, 1 failed"; exit 1; }

"$GEN" --dialect canonical --rows 20000 --seed 31 --anomalies --bad-rate 0.01 >a.csv
"$GEN" --dialect opc --rows 8000 --seed 32 --bad-rate 0.01 >b.csv
"$GEN" --kind ip --dialect ipdr --rows 6000 --seed 33 >ip.csv
gzip -n -c a.csv | head -c 300000 >cut.csv.gz
CDRSIFT_BLOCK_SIZE=16384
export CDRSIFT_BLOCK_SIZE

same_for_all_j() {
	cmd=$1; shift
	for j in 1 2 8; do
		cdrsift "$cmd" -j $j "$@" >out.$j 2>err.$j
		echo $? >>out.$j
		# json meta repeats the command line, -j included
		sed -i "s/\"command\":\[[^]]*\]//" out.$j
	done
	# a real result (exit 0 or 1, some output), the same for every -j
	test "$(tail -1 out.1)" -le 1 && test "$(wc -c <out.1)" -gt 5 &&
	cmp out.1 out.2 && cmp out.1 out.8 && cmp err.1 err.2 && cmp err.1 err.8
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
	same_for_all_j filter --count -w "dst_port == 443" ip.csv
'
test_expect_success 'blocks change nothing: 16 KiB blocks give the default result' '
	cdrsift stats -j2 -f csv a.csv b.csv >small 2>&1;
	CDRSIFT_BLOCK_SIZE= cdrsift stats -j2 -f csv a.csv b.csv >big 2>&1;
	test "$(wc -l <small)" -gt 3 && cmp small big
'
test_expect_success 'filter --raw of a file with quoted newlines gives it back whole' '
	{ echo "caller,callee,note"; i=0; while [ $i -lt 3000 ]; do
		printf "6010%05d,6020%05d,\"line one\nline, two \"\"q\"\"\"\n" $i $i; i=$((i + 1)); done; } >q.csv &&
	cdrsift filter -j2 --raw q.csv >q.out && cmp q.csv q.out &&
	test "$(cdrsift filter -j8 --count -f csv q.csv)" = "$(printf "count\n3000")"
'
test_done
