#!/bin/sh
# run.sh TARGET SECONDS MAXLEN - run one libFuzzer target for `make fuzz`.
# Niced (FUZZ_NICE, default 19: the machine is shared), with a 10 s
# per-input timeout and a 2 GiB memory limit. New inputs go to
# $FUZZ_DIR/corpus/TARGET, the seeds in testdata/fuzz/TARGET are read only,
# crashes and timeouts land in $FUZZ_DIR/artifacts/TARGET-*. The line for
# TARGET in $FUZZ_DIR/summary.txt is replaced with this run's figures:
# executions per second and the final cov: and ft: of libFuzzer.
# Exit 1 when the fuzzer found a crash.
set -u
t=$1 secs=$2 maxlen=$3
dir=${FUZZ_DIR:-build-fuzz}
bin=$dir/fuzz_$t
log=$dir/logs/$t.log
mkdir -p "$dir/corpus/$t" "$dir/artifacts" "$dir/logs"
set -- -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 \
	-max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$dir/artifacts/$t-"
[ -f "tests/fuzz/$t.dict" ] && set -- "$@" -dict="tests/fuzz/$t.dict"
echo "fuzz $t: ${secs}s, max_len $maxlen, log $log"
nice -n "${FUZZ_NICE:-19}" "$bin" "$@" "$dir/corpus/$t" "testdata/fuzz/$t" \
	>"$log" 2>&1
rc=$?

# the last status line: "#123 DONE cov: 456 ft: 789 corp: 12/3Kb ..."
last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
field() {
	echo "$last" | sed -n "s/.* $1 \\([0-9]*\\).*/\\1/p"
}
stat() {
	sed -n "s/^stat::$1: *//p" "$log" | tail -1
}
crashes=$(ls "$dir/artifacts" 2>/dev/null | grep -c "^$t-")
line=$(printf '%-7s %6ss  runs %-10s exec/s %-7s cov %-6s ft %-7s corpus %-6s peak-rss %sMB  artifacts %s  exit %s' \
	"$t" "$secs" "$(stat number_of_executed_units)" \
	"$(stat average_exec_per_sec)" "$(field cov:)" "$(field ft:)" \
	"$(field corp: | cut -d/ -f1)" "$(stat peak_rss_mb)" "$crashes" "$rc")
touch "$dir/summary.txt"
grep -v "^$t " "$dir/summary.txt" >"$dir/summary.tmp"
echo "$line" >>"$dir/summary.tmp"
mv "$dir/summary.tmp" "$dir/summary.txt"
echo "$line"
if [ "$rc" -ne 0 ]; then
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*fuzz check failed|artifact_prefix|Test unit written)' "$log" | head -20
	exit 1
fi
