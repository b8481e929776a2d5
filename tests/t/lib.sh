# tests/t/lib.sh - a small git-style test library for workflow scripts.
#   test_expect_success [PREREQ] 'what' 'commands'
#                                  run in a subshell; must succeed
#   test_expect_failure [PREREQ] 'what' 'commands'
#                                  a known bug: counted as a known breakage,
#                                  not a pass; when it starts to pass it is
#                                  counted as a failure ("known breakage
#                                  vanished: promote it")
#   test_set_prereq NAME           declare that NAME is available
#   test_have_prereq NAME[,NAME]   true when every NAME was declared
#   test_skip 'what' 'why'         a check that cannot run here: a skip
#   test_setup 'what' 'commands'   set-up that is not a test: not counted;
#                                  when it fails the script stops and fails
#   test_cmp expected actual       diff, shown on failure
#   test_exit N command...         the command must exit with N
#   test_run N command...          run it, its exit status must be N (the
#                                  same as test_exit; reads better in pipes
#                                  written to files first)
# A PREREQ argument is a comma-separated list of names (git's
# test_have_prereq); a test whose prerequisite is missing is skipped.
# Each script runs in its own temporary directory (removed at exit) and ends
# with test_done, which prints "N passed, N failed, N skipped" and, when
# there are any, "N known breakages" on a line of its own.
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
test_count=0 test_pass=0 test_fail=0 test_skipped=0 test_known=0
test_prereqs=,
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/cdrsift-t.XXXXXX")
trap 'rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 2

[ -x "$GEN" ] && test_prereqs=${test_prereqs}GEN,
[ -x /usr/bin/python3 ] && test_prereqs=${test_prereqs}PYTHON,

test_set_prereq() {
	test_prereqs=$test_prereqs$1,
}

test_have_prereq() {
	# shellcheck disable=SC2086
	set -- $(echo "$1" | tr ',' ' ')
	for test_p_ in "$@"; do
		case $test_prereqs in
		*,"$test_p_",*) ;;
		*) test_missing_prereq=$test_p_; return 1 ;;
		esac
	done
	return 0
}

test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# test_expect_ WANT [PREREQ] TITLE COMMANDS
test_expect_() {
	test_want_=$1; shift
	if [ $# -eq 3 ]; then
		if ! test_have_prereq "$1"; then
			shift
			test_skip "$1" "missing $test_missing_prereq"
			return 0
		fi
		shift
	fi
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.out" 2>&1 </dev/null; then
		test_rc_=0
	else
		test_rc_=1
	fi
	if [ "$test_want_" = success ] && [ $test_rc_ -eq 0 ]; then
		test_pass=$((test_pass + 1))
		echo "ok $test_count - $1"
	elif [ "$test_want_" = success ]; then
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out" | head -40
	elif [ $test_rc_ -ne 0 ]; then
		test_known=$((test_known + 1))
		echo "not ok $test_count - $1 # TODO known breakage"
	else
		test_fail=$((test_fail + 1))
		echo "not ok $test_count - $1 # known breakage vanished: promote it"
	fi
}

test_expect_success() { test_expect_ success "$@"; }
test_expect_failure() { test_expect_ failure "$@"; }

test_setup() {
	if ! (eval "$2") >"$TRASH/.out" 2>&1 </dev/null; then
		test_fail=$((test_fail + 1))
		echo "not ok - set-up failed: $1"
		sed 's/^/#   /' "$TRASH/.out" | head -40
		echo "Bail out! set-up failed: $1"
		test_done
		exit 1
	fi
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

test_run() { test_exit "$@"; }

test_done() {
	echo "$test_pass passed, $test_fail failed, $test_skipped skipped"
	if [ "$test_known" -eq 1 ]; then
		echo "1 known breakage"
	elif [ "$test_known" -gt 1 ]; then
		echo "$test_known known breakages"
	fi
	[ "$test_fail" -eq 0 ]
}
