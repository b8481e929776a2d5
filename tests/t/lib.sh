# tests/t/lib.sh - a small git-style test library for workflow scripts.
#   test_expect_success 'what' 'commands'   run in a subshell; must succeed
#   test_expect_failure 'what' 'commands'   a known bug: reported, not failed
#   test_cmp expected actual                diff, shown on failure
#   test_exit N command...                  the command must exit with N
# Each script runs in its own temporary directory (removed at exit) and
# ends with test_done, which prints "N passed, N failed".
LC_ALL=C TZ=UTC
export LC_ALL TZ
# the json meta's run time (2025-01-01T00:00:00Z), so runs compare byte
# for byte; tests of the time itself unset it
SOURCE_DATE_EPOCH=1735689600
export SOURCE_DATE_EPOCH
: "${CDRSIFT:?CDRSIFT must name the binary}"
TESTDATA=${CDRSIFT_TESTDATA:-$(pwd)/testdata}
GEN=${CDRSIFT_GEN:-}
if [ "${VALGRIND:-}" = 1 ]; then
	CDRSIFT_RUN="valgrind -q --error-exitcode=99 --leak-check=full $CDRSIFT"
else
	CDRSIFT_RUN=$CDRSIFT
fi
cdrsift() { $CDRSIFT_RUN "$@"; }
test_count=0 test_pass=0 test_fail=0
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/cdrsift-t.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 2

test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.out" 2>&1; then
		test_pass=$((test_pass + 1))
		echo "ok $test_count - $1"
	else
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out" | head -40
	fi
}

test_expect_failure() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.out" 2>&1; then
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	test_pass=$((test_pass + 1))
}

test_cmp() {
	diff -u "$1" "$2"
}

test_exit() {
	want=$1; shift
	"$@"; got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit status $got, expected $want: $*"
		return 1
	fi
}

test_done() {
	echo "$test_pass passed, $test_fail failed"
	[ "$test_fail" -eq 0 ]
}
