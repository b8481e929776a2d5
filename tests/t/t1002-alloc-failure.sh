#!/bin/sh
# Allocation-failure injection (issue 6): with CDRSIFT_FAIL_ALLOC=N the Nth
# allocation fails. For N = 1, 2, 3, ... until the run no longer reaches an
# Nth allocation, a small run must either succeed exactly as it does
# without injection, or exit 4 with "cdrsift: out of memory" alone on
# standard error: never crash, never another status or message. Covered:
# a whole run (stats, plain, gzip, xz and bzip2), schema mapping (schema), a filter
# with a regex, and expression compilation alone (--debug-dump-expr).
# N steps by FAIL_STRIDE (default 1; 7 under valgrind) and stops at
# FAIL_MAX (400); the Ns that misbehave are listed.
. "$(dirname "$0")/lib.sh"

FAIL_MAX=${FAIL_MAX:-400}
# Under valgrind the injected runs skip the leak check: out of memory ends
# the process at once (_exit in xalloc.c), holding whatever it held.
if [ "${VALGRIND:-}" = 1 ]; then
	FAIL_STRIDE=${FAIL_STRIDE:-7}
	FAIL_RUN="valgrind -q --error-exitcode=99 --leak-check=no $CDRSIFT"
else
	FAIL_STRIDE=${FAIL_STRIDE:-1}
	FAIL_RUN=$CDRSIFT
fi
failing() (
	CDRSIFT_FAIL_ALLOC=$1
	export CDRSIFT_FAIL_ALLOC
	shift
	exec $FAIL_RUN "$@"
)
EXPR='caller ~ "^60" and duration > 10'

printf 'caller,callee,start,duration,lat,lon,status\n' >small.csv
printf '60123456789,60198765432,2025-01-03 08:00:00,60,3.1,101.6,ok\n' >>small.csv
printf '60123456789,60187654321,2025-01-03 08:05:10,125,3.2,101.7,"a, b"\n' >>small.csv
printf '60198765432,60123456789,2025-01-03 09:12:44,7,,,busy\n' >>small.csv
gzip -n <small.csv >small.csv.gz
/usr/bin/python3 -c '
import bz2, lzma
d = open("small.csv", "rb").read()
open("small.csv.xz", "wb").write(lzma.compress(d))
open("small.csv.bz2", "wb").write(bz2.compress(d))'

# Run "cdrsift ARGS..." with N = 1, 2, ... failing; see the banner.
# The last line of output says how far it went.
inject() {
	cdrsift "$@" >want.out 2>want.err
	want_rc=$?
	if [ "$want_rc" -ne 0 ]; then   # small.csv has no bad row
		echo "the run fails without injection (exit $want_rc)"
		cat want.err
		return 1
	fi
	n=1 bad="" oom=0 done=0
	while [ "$n" -le "$FAIL_MAX" ]; do
		failing "$n" "$@" >got.out 2>got.err
		rc=$?
		if [ "$rc" -eq 4 ] &&
		   [ "$(cat got.err)" = "cdrsift: out of memory" ]; then
			oom=$((oom + 1))
		elif [ "$rc" -eq "$want_rc" ] && cmp -s want.out got.out &&
		     cmp -s want.err got.err; then
			done=1
			break
		else
			bad="$bad $n"
			echo "N=$n: exit $rc"
			head -5 got.err
		fi
		n=$((n + FAIL_STRIDE))
	done
	echo "$*: $oom injected failures ended cleanly; the run needs fewer than $n allocations${bad:+; misbehaved at N=$bad}" |
		tee -a "$TRASH/summary"
	if [ "$done" = 0 ]; then
		echo "still failing at N=$FAIL_MAX: raise FAIL_MAX or FAIL_STRIDE"
		return 1
	fi
	[ -z "$bad" ] && [ "$oom" -gt 0 ]
}

test_expect_success 'the hook itself: N=1 fails the first allocation' '
	failing 1 stats small.csv >/dev/null 2>err
	test $? -eq 4 && test "$(cat err)" = "cdrsift: out of memory"
'
test_expect_success 'stats: every injected failure succeeds or exits 4' '
	inject stats small.csv
'
test_expect_success 'stats on gzip input (zlib allocates through xalloc)' '
	inject stats small.csv.gz
'
test_expect_success 'stats on xz and bzip2 input (liblzma and libbz2 through xalloc)' '
	inject stats small.csv.xz && inject stats small.csv.bz2
'
test_expect_success 'schema mapping (schema command)' '
	inject schema small.csv
'
test_expect_success 'filter with a regex and a comparison' '
	inject filter -w "$EXPR" small.csv
'
test_expect_success 'filter -f json, one thread' '
	inject filter -j1 -f json -w "$EXPR" small.csv
'
test_expect_success 'expression compilation alone (--debug-dump-expr)' '
	inject filter --debug-dump-expr -w "$EXPR"
'
test_expect_success 'a failing expression still fails cleanly (exit 2 or 4)' '
	n=1 bad=""
	while [ "$n" -le 60 ]; do
		failing "$n" filter -w "caller ~ \"(\"" small.csv >/dev/null 2>err
		rc=$?
		case $rc in
		2) grep -q "^cdrsift: " err || bad="$bad $n" ;;
		4) test "$(cat err)" = "cdrsift: out of memory" || bad="$bad $n" ;;
		*) bad="$bad $n" ;;
		esac
		n=$((n + FAIL_STRIDE))
	done
	test -z "$bad" || { echo "misbehaved at N=$bad"; exit 1; }
'
# A thread that cannot start is a resource limit like memory: exit 4 with
# a message that names it, never an abort. The thread stacks are made
# larger (ulimit -s: glibc's default stack size) than the address space
# left (ulimit -v), so pthread_create fails with EAGAIN. Sanitizer and
# valgrind builds reserve address space of their own: skipped there.
if ldd "$CDRSIFT" 2>/dev/null | grep -q -e libasan -e libubsan ||
   [ "${VALGRIND:-}" = 1 ]; then
	test_skip 'a thread that cannot start: exit 4' 'sanitizer or valgrind build'
else
	test_expect_success 'a thread that cannot start: exit 4, named, no abort' '
		( ulimit -v 600000 && ulimit -s 1000000 &&
		  exec "$CDRSIFT" stats -j4 small.csv ) >out 2>err
		rc=$?
		test "$rc" = 4 &&
		grep -q "^cdrsift: cannot start a thread (.*); try fewer with -j$" err &&
		test ! -s out || { echo "rc=$rc"; cat err; exit 1; }
	'
fi
sed 's/^/# /' "$TRASH/summary" 2>/dev/null
test_done
