#!/bin/sh
# Progress goes to standard error only when asked for (--progress) or when
# stderr is a terminal: never into a pipeline or a log by surprise.
. "$(dirname "$0")/lib.sh"
mawk 'BEGIN { print "caller,callee,start,duration"; for (i = 0; i < 300000; i++) printf "60%09d,602,2025-01-03 08:00:00,%d\n", i, i % 500 }' >big.csv
test_expect_success 'no progress when stderr is not a terminal' '
	cdrsift stats -f csv big.csv >out 2>err && ! test -s err
'
test_expect_success '--no-progress wins, --progress forces it, stdout untouched' '
	cdrsift stats -f csv --no-progress big.csv >out2 2>err2 && ! test -s err2 &&
	CDRSIFT_BLOCK_SIZE=65536 cdrsift stats -j1 -f csv --progress big.csv >out3 2>err3 &&
	cmp out2 out3
'
test_done
