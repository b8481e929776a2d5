#!/bin/sh
# verify.sh - check what cdrgen claims, with mawk and the shell only.
#
#   sh testdata/gen/verify.sh build/cdrgen [ROWS]
#
# For every dialect: exact row count, every record well formed except the
# bad rows, which must be exactly the truth file's bad_row lines with the
# same kinds; start times non-decreasing; nothing in the planted gap;
# byte-identical reruns. For the canonical dialect also each planted
# anomaly against its truth line, the cell table, and CGNAT block
# bookkeeping. Prints TAP-style lines, ends with "N passed, N failed,
# 0 skipped" and exits non-zero on any failure. A guard (the shape of the
# truth file itself) is not counted: when it fails the script stops.
set -u
GEN=${1:?usage: verify.sh CDRGEN [ROWS]}
ROWS=${2:-20000}
AWK=${AWK:-mawk}
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="$HERE/cdrcheck.awk"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export LC_ALL=C
n=0
failed=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

guard() { # guard DESCRIPTION ACTUAL WANTED: not a test; stops the script
	[ "$2" = "$3" ] && return 0
	echo "not ok - set-up: $1 (got '$2', want '$3')"
	echo "Bail out! $1"
	echo "$((n - failed)) passed, $((failed + 1)) failed, 0 skipped"
	exit 1
}

expect() { # expect DESCRIPTION ACTUAL WANTED
	if [ "$2" = "$3" ]; then ok 0 "$1"; else ok 1 "$1 (got '$2', want '$3')"; fi
}

GAP_S=2025-01-03T09:00:00
GAP_E=2025-01-03T14:00:00

for d in canonical opa opb opc asterisk ipdr cgnat; do
	args="--dialect $d --rows $ROWS --seed 7 --anomalies --bad-rate 0.01"
	"$GEN" $args --truth "$T/$d.truth" > "$T/$d.csv"
	ok $? "$d: generated"
	"$GEN" $args > "$T/$d.again"
	cmp -s "$T/$d.csv" "$T/$d.again"
	ok $? "$d: a second run is byte-identical"
	sum=$($AWK -v dialect=$d -v bad="$T/$d.bad" -v tz_min=480 \
		-v gap_start=$GAP_S -v gap_end=$GAP_E -f "$CHECK" "$T/$d.csv")
	echo "# $d: $sum"
	rec=$(echo "$sum" | sed 's/.*records=\([0-9]*\).*/\1/')
	expect "$d: exactly --rows records" "$rec" "$ROWS"
	for k in order_errors in_gap other_errors; do
		v=$(echo "$sum" | sed "s/.* $k=\([0-9]*\).*/\1/")
		expect "$d: $k" "$v" 0
	done
	$AWK -F, '$1 == "bad_row" { print $2, $5 }' "$T/$d.truth" > "$T/$d.tb"
	cmp -s "$T/$d.tb" "$T/$d.bad"
	ok $? "$d: bad records are exactly the truth's bad_row lines and kinds"
	kinds=$(cut -d' ' -f2 "$T/$d.tb" | sort -u | tr '\n' ' ')
	echo "# $d bad-row kinds: $kinds"
	# duplicates: the two named lines are identical
	$AWK -F, '$1 == "duplicate" { split($5, w, " "); print w[2], w[5] }' \
		"$T/$d.truth" > "$T/$d.dups"
	dn=$(wc -l < "$T/$d.dups")
	bad_dups=$($AWK 'NR == FNR { want[$1] = $2; next }
		{ line[FNR] = $0 }
		END { b = 0; for (l in want) if (line[l] != line[want[l]] || l != want[l] + 1) b++; print b }' \
		"$T/$d.dups" "$T/$d.csv")
	expect "$d: $dn duplicate pairs are identical consecutive lines" "$bad_dups" 0
done

# ---- planted anomalies, canonical dialect without bad rows ----
C="$T/anom.csv"
"$GEN" --rows "$ROWS" --seed 7 --anomalies --truth "$T/anom.truth" \
	--cells-out "$T/cells.csv" > "$C"
TR="$T/anom.truth"
field() { $AWK -F, -v k="$1" -v f="$2" '$1 == k { print $f; exit }' "$TR"; }

sb=$(field simbox 2)
res=$($AWK -F, -v s="$sb" 'NR > 1 && $4 == s && $3 == "mo" { n++; c[$5]; cell[$11] }
	NR > 1 && ($5 == s || ($3 == "mt" && $5 == s)) { mt++ }
	END { nc = 0; for (k in c) nc++; ncell = 0; for (k in cell) ncell++;
	      printf "%d mo voice calls to %d distinct numbers; no mt; cells %d mt %d", n, nc, ncell, mt + 0 }' "$C")
want=$(field simbox 5 | sed 's/; one cell [0-9]*$//')
expect "simbox: counts as the truth says" "$res" "$want; cells 1 mt 0"

im=$(field imei 2)
res=$($AWK -F, -v i="$im" 'NR > 1 && $10 == i { s[$9] } END { n = 0; for (k in s) n++; print n }' "$C")
expect "imei: one handset with 10 IMSIs" "$res" 10

ni=$(field night 2)
res=$($AWK -F, -v s="$ni" 'NR > 1 && (($3 == "mo" && $4 == s) || ($3 == "mt" && $5 == s)) {
	all++; if (substr($6, 12, 2) < "05") night++ }
	END { printf "%d of %d rows between 00:00 and 05:00", night, all }' "$C")
expect "night: counts as the truth says" "$res" "$(field night 5)"

sp=$(field spike 2)
day=$(field spike 3 | cut -c1-10)
extra=$(field spike 5 | cut -d' ' -f1)
res=$($AWK -F, -v s="$sp" -v day="$day" -v extra="$extra" '
	NR > 1 && (($3 == "mo" && $4 == s) || ($3 == "mt" && $5 == s)) {
		d = substr($6, 1, 10); c[d]++ }
	END { max = 0; for (k in c) if (k != day && c[k] > max) max = c[k];
	      print (c[day] >= extra && c[day] > 5 * max) ? "yes" : "no " c[day] " vs " max }' "$C")
expect "spike: the day holds the extra rows and dwarfs the others" "$res" yes

$AWK -F, '$1 == "travel" { print $2, $3, $4, $5 }' "$TR" > "$T/travel"
guard "travel: the truth file names two planted jumps" "$(wc -l < "$T/travel" | tr -d ' ')" 2
while read -r who t1 t2 rest; do
	ca=$(echo "$rest" | sed 's/^cell \([0-9]*\).*/\1/')
	cb=$(echo "$rest" | sed 's/.* to cell \([0-9]*\).*/\1/')
	r=$($AWK -F, -v s="$who" -v t1="$t1" -v t2="$t2" -v ca="$ca" -v cb="$cb" '
		NR > 1 && $4 == s && $6 == t1 && $11 == ca { a = 1 }
		NR > 1 && $4 == s && $6 == t2 && $11 == cb { b = 1 }
		END { print a + b }' "$C")
	[ "$r" = 2 ]
	ok $? "travel: $who at cell $ca at $t1 and cell $cb at $t2"
done < "$T/travel"

$AWK -F, '$1 == "duration" { print $2, $3, $4 }' "$TR" > "$T/duration"
while read -r who t1 t2; do
	r=$($AWK -F, -v s="$who" -v t1="$t1" -v t2="$t2" 'NR > 1 && $4 == s && $6 == t1 && $7 == t2 { f = 1 } END { print f + 0 }' "$C")
	expect "duration: $who call from $t1 to $t2" "$r" 1
done < "$T/duration"

# ---- the cell table ----
res=$($AWK -F, 'NR == 1 { h = $0; next }
	NF != 14 || $7 + 0 < -180 || $7 + 0 > 180 || $8 + 0 < -90 || $8 + 0 > 90 { bad++ }
	($5 in seen) { dup++ } { seen[$5] }
	END { print (h == "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal") + 0, bad + 0, dup + 0 }' "$T/cells.csv")
expect "cells-out: OpenCellID header, 14 fields, sane lon/lat, unique cell ids" "$res" "1 0 0"
res=$($AWK -F, 'NR == FNR { if (FNR > 1) cell[$5]; next } FNR > 1 && !($11 in cell) { miss++ } END { print miss + 0 }' \
	"$T/cells.csv" "$C")
expect "cells-out: every cell of the CDRs is in the table" "$res" 0
res=$($AWK -F, 'NR == FNR { if (FNR > 1) { lat[$5] = $8; lon[$5] = $7 }; next }
	FNR > 1 && (lat[$11] != $13 || lon[$11] != $14) { bad++ } END { print bad + 0 }' "$T/cells.csv" "$C")
expect "cells-out: CDR lat/lon agree with the table" "$res" 0

# ---- CGNAT bookkeeping without bad rows ----
"$GEN" --kind ip --dialect cgnat --rows "$ROWS" --seed 3 > "$T/nat.csv"
sum=$($AWK -v dialect=cgnat -v natcheck=1 -f "$CHECK" "$T/nat.csv")
echo "# cgnat: $sum"
expect "cgnat: blocks never overlap, releases match holders, all closed" \
	"$(echo "$sum" | sed 's/.*other_errors=\([0-9]*\) open_blocks=\([0-9]*\)/\1 \2/')" "0 0"
"$GEN" --kind ip --dialect cgnat --rows $((ROWS + 1)) --seed 3 > "$T/nat1.csv"
sum=$($AWK -v dialect=cgnat -v natcheck=1 -f "$CHECK" "$T/nat1.csv")
expect "cgnat: odd --rows leaves exactly one block open" \
	"$(echo "$sum" | sed 's/.*other_errors=\([0-9]*\) open_blocks=\([0-9]*\)/\1 \2/')" "0 1"

# ---- determinism across options that must not matter ----
"$GEN" --rows 5000 --seed 11 > "$T/a.csv"
"$GEN" --seed=11 --rows=5000 --dialect canonical --kind cdr > "$T/b.csv"
cmp -s "$T/a.csv" "$T/b.csv"
ok $? "option spelling does not change the output"
"$GEN" --rows 5000 --seed 12 > "$T/c.csv"
! cmp -s "$T/a.csv" "$T/c.csv"
ok $? "another seed gives other data"
"$GEN" --rows 5000 --seed 11 --bad-rate 0.05 > "$T/b5.csv"
sum=$($AWK -v dialect=canonical -f "$CHECK" "$T/b5.csv")
expect "--bad-rate keeps exactly --rows records" \
	"$(echo "$sum" | sed 's/.*records=\([0-9]*\).*/\1/')" 5000
res=$($AWK -F, 'NR == FNR { a[$1] = $0; next } ($1 in a) && a[$1] == $0 { same++ }
	END { print (same > 4500 && same < 5001) ? "yes" : "no " same }' "$T/a.csv" "$T/b5.csv")
expect "--bad-rate damages rows in place and leaves the others alone" "$res" yes

echo "1..$n"
echo "$((n - failed)) passed, $failed failed, 0 skipped"
[ "$failed" = 0 ]
