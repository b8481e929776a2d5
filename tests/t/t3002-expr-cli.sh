#!/bin/sh
# t3002-expr-cli.sh - filter expressions through the command line: the
# caret diagnostic and exit status 2 before any input is read, rows that
# hit a regex limit rejected (quickly, JIT or not) and accounted for,
# --debug-dump-expr, col() warnings, --tz and --country for literals.
# Every run's exit status is checked. Prints TAP lines and "N passed, N
# failed, 0 skipped"; exit 1 on any failure.
LC_ALL=C TZ=UTC
export LC_ALL TZ
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${CDRSIFT:=$top/cdrsift}"

pass=0 fail=0 n=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t3002.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"
	shift
	for f in "$@"; do [ -f "$f" ] && sed 's/^/#   /' "$f" | head -20; done
}
# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		printf '%s\n' "got: $2" "want: $3" >"$tmp/why"
		not_ok "$1" "$tmp/why"
	fi
}

cat >"$tmp/cdr.csv" <<'EOF'
caller,callee,type,start,duration,imei
60123456789,60111111111,voice,2025-01-03 08:00:00,700,356938035643809
60123456789,60122222222,sms,2025-01-03 09:30:00,0,
60133333333,60123456789,voice,2025-01-03 23:30:00,45,490154203237518
EOF

# 1. an invalid expression: exit 2, exact diagnostic, nothing on stdout,
#    the input never opened (a missing file is not reported)
"$CDRSIFT" filter -w 'calller == "1" and duration > 5km' "$tmp/nonexistent.csv" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
cat >"$tmp/want" <<'EOF'
cdrsift: unknown field 'calller' (did you mean 'caller'?)
  calller == "1" and duration > 5km
  ^^^^^^^
EOF
expect_eq "unknown field: exit 2" "$rc" 2
if cmp -s "$tmp/err" "$tmp/want"; then ok "unknown field: caret diagnostic"
else not_ok "unknown field: caret diagnostic" "$tmp/err"; fi
expect_eq "unknown field: nothing on stdout" "$(wc -c <"$tmp/out" | tr -d ' ')" 0

"$CDRSIFT" filter -w 'duration > 5km' "$tmp/cdr.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat >"$tmp/want" <<'EOF'
cdrsift: unit mismatch: expected a duration, found '5km' (a distance)
  duration > 5km
             ^^^
EOF
expect_eq "unit mismatch: exit 2" "$rc" 2
if cmp -s "$tmp/err" "$tmp/want"; then ok "unit mismatch: caret diagnostic"
else not_ok "unit mismatch: caret diagnostic" "$tmp/err"; fi

"$CDRSIFT" filter -w 'caller ~ "60(12"' "$tmp/cdr.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat >"$tmp/want" <<'EOF'
cdrsift: invalid regular expression: missing closing parenthesis
  caller ~ "60(12"
                 ^
EOF
expect_eq "invalid regex: exit 2" "$rc" 2
if cmp -s "$tmp/err" "$tmp/want"; then ok "invalid regex: caret on PCRE2's offset"
else not_ok "invalid regex: caret on PCRE2's offset" "$tmp/err"; fi

# 2. counts on a small file, by hand
# the count, followed by " (exit N)" when the status is not 0
count() {
	"$CDRSIFT" filter --count -f csv "$@" >"$tmp/count" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ]; then tail -1 "$tmp/count"
	else echo "$(tail -1 "$tmp/count") (exit $rc)"; fi
}
expect_eq "phone literal normalised" \
	"$(count -w 'caller == "+60 12-345 6789"' "$tmp/cdr.csv")" 2
expect_eq "one number's contacts" \
	"$(count -w 'caller == 60123456789 or callee == 60123456789' "$tmp/cdr.csv")" 3
expect_eq "missing imei: != is false" \
	"$(count -w 'imei != "356938035643809"' "$tmp/cdr.csv")" 1
expect_eq "missing imei: not exists" \
	"$(count -w 'not exists(imei)' "$tmp/cdr.csv")" 1
expect_eq "duration units" "$(count -w 'duration > 10m' "$tmp/cdr.csv")" 1
expect_eq "time window" \
	"$(count -w 'start >= 2025-01-03T08:00 and start < 2025-01-03T10:00' "$tmp/cdr.csv")" 2
# with --tz +08:00 both the rows and the literal are local time
expect_eq "--tz applies to literals and rows alike" \
	"$(count --tz +08:00 -w 'start >= 2025-01-03T08:00 and start < 2025-01-03T10:00' "$tmp/cdr.csv")" 2
expect_eq "--tz: a literal with a zone" \
	"$(count --tz +08:00 -w 'start == 2025-01-03T00:00Z' "$tmp/cdr.csv")" 1
expect_eq "--tz: hour is local" \
	"$(count --tz +08:00 -w 'hour == 23' "$tmp/cdr.csv")" 1
expect_eq "--country: trunk 0 in a literal" \
	"$(count --country 60 -w 'callee == "012-222 2222"' "$tmp/cdr.csv")" 1

# 3. col() of a column this file lacks: a warning, values missing
"$CDRSIFT" filter --count -f csv -w 'not exists(col("Roaming"))' "$tmp/cdr.csv" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
expect_eq "missing col(): all rows match not exists(), exit 0" \
	"$(tail -1 "$tmp/out") $rc" "3 0"
if grep -q 'no column "Roaming" for col()' "$tmp/err"; then
	ok "missing col(): warning on stderr"
else
	not_ok "missing col(): warning on stderr" "$tmp/err"
fi

# 4. --debug-dump-expr prints the compiled form and reads nothing
"$CDRSIFT" filter --debug-dump-expr -w 'duration > 1h + 30m' "$tmp/nonexistent.csv" \
	>"$tmp/out" 2>"$tmp/err"
echo "exit $?" >>"$tmp/out"
cat >"$tmp/want" <<'EOF'
ast: (> duration dur:90min)
needs: duration
0000 cmpfk.i        duration > dur:90min
0001 halt
exit 0
EOF
if cmp -s "$tmp/out" "$tmp/want"; then ok "--debug-dump-expr folds 1h + 30m"
else not_ok "--debug-dump-expr folds 1h + 30m" "$tmp/out" "$tmp/err"; fi

# 5. the pathological pattern: rows built for catastrophic backtracking
#    are rejected with a reason, counted, and the run finishes quickly
awk 'BEGIN {
	print "caller,callee,type"
	for (i = 0; i < 300; i++) {
		s = ""
		for (k = 0; k < 40 + i % 50; k++) s = s "a"
		print s "b,1,voice"
		printf "6012%07d,1,sms\n", i
		print "aaaa,1,voice"
	}
}' >"$tmp/patho.csv"
for mode in jit interpreter; do
	start=$(date +%s)
	if [ $mode = jit ]; then
		"$CDRSIFT" filter --count -f csv --rejects "$tmp/rej.csv" \
			-w 'caller ~ "(a+)+$"' "$tmp/patho.csv" >"$tmp/out" 2>"$tmp/err"
	else
		CDRSIFT_NO_JIT=1 "$CDRSIFT" filter --count -f csv --rejects "$tmp/rej.csv" \
			-w 'caller ~ "(a+)+$"' "$tmp/patho.csv" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	secs=$(( $(date +%s) - start ))
	expect_eq "pathological regex ($mode): exit 1 (rows rejected)" "$rc" 1
	expect_eq "pathological regex ($mode): the short rows still match" \
		"$(tail -1 "$tmp/out")" 300
	expect_eq "pathological regex ($mode): 300 rows rejected with the reason" \
		"$(grep -c ',"regex match limit exceeded",' "$tmp/rej.csv")" 300
	if [ "$secs" -le 30 ]; then ok "pathological regex ($mode): ${secs}s"
	else not_ok "pathological regex ($mode): took ${secs}s"; fi
done

# a row is rejected only when the pattern runs: short circuit spares it
"$CDRSIFT" filter --count -f csv -w 'type == sms and caller ~ "(a+)+$"' \
	"$tmp/patho.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_eq "short circuit: no reject, exit 0" "$rc" 0
expect_eq "short circuit: no sms matches" "$(tail -1 "$tmp/out")" 0

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
