#!/bin/sh
# Usage errors exit 2 before reading anything; unreadable inputs exit 3;
# rejects exit 1; diagnostics go to stderr, data alone to stdout.
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start,duration\n601,602,2025-01-03 08:00:00,60\n' >ok.csv
printf 'caller,callee,start,duration\n601,602,2025-01-03 08:00:00,60\n603,604,not a time,5\n' >bad.csv

test_expect_success 'no command: usage, exit 2' '
	test_exit 2 cdrsift 2>err && grep -q "^usage: cdrsift COMMAND" err
'
test_expect_success 'unknown command: exit 2' '
	test_exit 2 cdrsift frobnicate ok.csv 2>err &&
	grep -q "^cdrsift: unknown command .frobnicate." err
'
test_expect_success 'unknown option: exit 2, names the option' '
	test_exit 2 cdrsift stats --frob ok.csv 2>err &&
	grep -q "unknown option .--frob." err
'
test_expect_success 'bad option values: exit 2' '
	test_exit 2 cdrsift stats --kind xyz ok.csv 2>/dev/null &&
	test_exit 2 cdrsift stats -f xml ok.csv 2>/dev/null &&
	test_exit 2 cdrsift stats --tz Mars/Base ok.csv 2>/dev/null &&
	test_exit 2 cdrsift stats --map nosuchfield=1 ok.csv 2>/dev/null &&
	test_exit 2 cdrsift stats --delimiter xx ok.csv 2>/dev/null &&
	test_exit 2 cdrsift stats -j many ok.csv 2>/dev/null
'
test_expect_success '--help and --version go to stdout, exit 0' '
	cdrsift --version >out && grep -q "^cdrsift [0-9]" out &&
	cdrsift stats --help >out && grep -q "^usage: cdrsift stats" out &&
	cdrsift --help >out && grep -q "stats" out
'
test_expect_success 'missing file: exit 3, message names it' '
	test_exit 3 cdrsift stats nosuch.csv 2>err >/dev/null &&
	grep -q "^cdrsift: cannot open .nosuch.csv.: No such file" err
'
test_expect_success 'a rejected row: exit 1, FILE:LINE: reason on stderr only' '
	test_exit 1 cdrsift filter -f csv bad.csv >out 2>err &&
	grep -q "^cdrsift: bad.csv:3: unparsable start" err &&
	test "$(wc -l <out)" = 2 && ! grep -q cdrsift out
'
test_expect_success 'stdin is read when no file is given' '
	cdrsift filter --count -f csv <ok.csv >out && test "$(tail -1 out)" = 1
'
test_expect_success 'unwritable output: exit 3' '
	test_exit 3 cdrsift stats -o /nonexistent/dir/out ok.csv 2>err &&
	grep -q "cannot write" err
'
test_expect_success 'a closed pipe ends the run quietly' '
	mawk "BEGIN { print \"caller,callee,start,duration\"; for (i = 0; i < 200000; i++) print 600000 + i \",602,2025-01-03 08:00:00,60\" }" >big.csv &&
	{ cdrsift filter -f csv big.csv 2>err; echo $? >rc; } | head -1 >/dev/null &&
	echo 0 >want.rc && test_cmp want.rc rc &&
	! test -s err
'
test_expect_success '--rejects writes file, line, reason, detail and the raw row' '
	test_exit 1 cdrsift stats --rejects rej.csv bad.csv >/dev/null 2>&1 &&
	printf "%s\n" "file,line,reason,detail,raw" \
	  "\"bad.csv\",3,\"unparsable start\",\"column '"'"'start'"'"': '"'"'not a time'"'"'\",\"603,604,not a time,5\"" >want &&
	test_cmp want rej.csv
'
test_done
