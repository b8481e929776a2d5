#!/bin/sh
# "Did you mean" for the names a user types in --map and anomalies --only
# (issue 13; --by, --split and --sort are in t4503, -w's fields in t3002):
# a slip of a letter or two gets the nearest name, an alias its field, a
# word near nothing no guess; exit 2 and nothing read either way.
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start\n601,602,2025-01-03 08:00:00\n' >c.csv

refused() { # WANT ARGS...: exit 2, stdout empty, stderr exactly WANT
	msg=$1; shift
	test_exit 2 cdrsift "$@" c.csv >out 2>err &&
	! test -s out &&
	test "$(cat err)" = "$msg"
}

test_expect_success '--map: a transposed or doubled letter gets the field' '
	refused "cdrsift: --map: unknown field '\''calller'\'' (did you mean '\''caller'\''?)" \
		stats --map calller=1 &&
	refused "cdrsift: --map: unknown field '\''calee'\'' (did you mean '\''callee'\''?)" \
		stats --map caller=1,calee=2
'
test_expect_success '--map: an alias gets the field it stands for' '
	refused "cdrsift: --map: unknown field '\''msisdn'\'' (did you mean '\''subscriber'\''?)" \
		stats --map msisdn=1
'
test_expect_success '--map: a word near no field gets no guess' '
	refused "cdrsift: --map: unknown field '\''zzzzzz'\''" stats --map zzzzzz=1
'
test_expect_success '--only: the unknown kind named, the nearest kind, the list' '
	refused "cdrsift: anomalies: --only: unknown kind '\''nigth'\'' (did you mean '\''night'\''?); the kinds: travel, duration, night, imei-invalid, imei, simbox, duplicate, spike, gap" \
		anomalies --only travel,nigth &&
	refused "cdrsift: anomalies: --only: unknown kind '\''bogus'\''; the kinds: travel, duration, night, imei-invalid, imei, simbox, duplicate, spike, gap" \
		anomalies --only bogus
'
test_done
