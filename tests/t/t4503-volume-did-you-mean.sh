#!/bin/sh
# Names a user types to volume (--by, --split, --sort) that are not known
# get the nearest known name as "did you mean" (issue 13), from the same
# edit distance -w uses (src/suggest.c): a slip of one or two letters, a
# transposition, an alias of a field (msisdn is the subscriber); a name
# near nothing keeps the list of examples. Each is a usage error (exit 2)
# with nothing on stdout.
. "$(dirname "$0")/lib.sh"
test_setup 'the generator is there' 'test -x "$GEN"'
"$GEN" --dialect canonical --rows 50 --seed 3 >a.csv

check() { # WANT-MESSAGE ARGS...
	msg=$1; shift
	printf 'cdrsift: %s\n' "$msg" >expect &&
	test_exit 2 cdrsift volume "$@" a.csv >out 2>err &&
	test ! -s out &&
	test_cmp expect err
}
test_expect_success '--by: a doubled letter, a missing one, an alias' '
	check "--by: unknown key '\''calller'\'' (did you mean '\''caller'\''?)" --by calller &&
	check "--by: unknown key '\''calee'\'' (did you mean '\''callee'\''?)" --by calee &&
	check "--by: unknown key '\''msisdn'\'' (did you mean '\''subscriber'\''?)" --by msisdn &&
	check "--by: unknown key '\''wek'\'' (did you mean '\''week'\''?)" --by caller,wek
'
test_expect_success '--by: a name near nothing keeps the examples' '
	check "--by: unknown key '\''zzzzzz'\'' (a field such as caller, callee, subscriber, cell, imei, type, hour, date, dow, week, month)" --by zzzzzz
'
test_expect_success '--split and --sort suggest too' '
	check "--split: unknown key '\''tpye'\'' (did you mean '\''type'\''?)" --split tpye &&
	check "--sort: expected count, duration, bytes, distinct or key, found '\''durtion'\'' (did you mean '\''duration'\''?)" --sort durtion &&
	check "--sort: expected count, duration, bytes, distinct or key, found '\''dstnct'\'' (did you mean '\''distinct'\''?)" --sort dstnct &&
	check "--sort: expected count, duration, bytes, distinct or key, found '\''zzz'\''" --sort zzz
'
test_expect_success 'known names still work' '
	cdrsift volume --by caller --split type --sort duration -f csv a.csv >out &&
	test -s out
'
test_done
