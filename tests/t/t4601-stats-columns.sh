#!/bin/sh
# t4601: stats --columns LIST (issue 18, "Columns on demand"): the input
# column, then only the listed ones in the order given, as a plain table
# in every format; a distinct set (subscribers, cells, imeis) that is not
# listed is not built (a partial then holds none of its keys); the figures
# equal mawk's count from the man page's definitions and the default run's
# same columns; -j1 and -j2 give the same bytes; partials with --columns
# merge to the single run, merge refuses partials of another list; errors
# are usage errors (exit 2) with nothing on stdout.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

test_setup 'the generator is there' 'test -x "$GEN"'
"$GEN" --dialect canonical --rows 20000 --seed 4601 --anomalies >can.csv
# every 499th data line gets a bad date: rejected, counted apart
mawk -F, 'BEGIN { OFS = "," } NR > 1 && NR % 499 == 0 { $6 = "2025-13-01T00:00:00" } { print }' can.csv >bad.csv

# oracle FILE: "name=value" per figure (man page, stats columns): read and
# accepted rows, the served party (caller of an mo row, callee of an mt
# row), cells as LAC-CI, IMEIs, first and last start, voice, sms, mo, mt
oracle() {
	mawk -F, '
	NR == 1 { next }
	{ read++ }
	$6 !~ /^2025-(0[1-9]|1[0-2])-/ { rej++; next }
	{
		ok++
		s = ($3 == "mt") ? $5 : $4; subs[s] = 1
		if ($11 != "") cells[($12 != "") ? $12 "-" $11 : $11] = 1
		if ($10 != "") imeis[$10] = 1
		if (min == "" || $6 < min) min = $6
		if ($6 > max) max = $6
		t[$2]++; d[$3]++
	}
	END {
		ns = 0; for (k in subs) ns++; nc = 0; for (k in cells) nc++
		ni = 0; for (k in imeis) ni++
		printf "read=%d\naccepted=%d\nrejected=%d\nsubscribers=%d\ncells=%d\n", read, ok, rej + 0, ns, nc
		printf "imeis=%d\nfirst=%sZ\nlast=%sZ\nvoice=%d\nsms=%d\nmo=%d\nmt=%d\n", ni, min, max,
			t["voice"], t["sms"], d["mo"], d["mt"]
	}' "$1"
}
# want FILE LIST: the csv stats --columns LIST should print for one input
want() {
	oracle "$1" >fig &&
	{ printf 'input,%s\n' "$2"
	  for row in "$1" "(total)"; do
		printf '%s' "$row"
		for c in $(echo "$2" | tr , ' '); do
			printf ',%s' "$(sed -n "s/^$c=//p" fig)"
		done
		printf '\n'
	  done; }
}
check_cols() { # FILE LIST [OPTIONS...]
	f=$1 list=$2; shift 2
	want "$f" "$list" >want.csv &&
	{ cdrsift stats "$@" --columns "$list" -f csv "$f" >got.csv; [ $? -le 1 ]; } &&
	test_cmp want.csv got.csv
}

test_expect_success 'two columns, in that order; the figures are mawk'\''s' '
	check_cols can.csv accepted,subscribers &&
	check_cols can.csv subscribers,accepted
'
test_expect_success 'each distinct set alone, and all three' '
	check_cols can.csv cells &&
	check_cols can.csv imeis,read &&
	check_cols can.csv imeis,cells,subscribers
'
test_expect_success 'no distinct set: span, types, directions' '
	check_cols can.csv last,first,voice,sms,mo,mt
'
test_expect_success 'rejected rows: counted, and not in the figures' '
	check_cols bad.csv read,accepted,rejected,subscribers,first,last --max-reject-messages 0
'

# the same figures as the default run's columns, in every format but the
# table (the default table is the blocks; --columns prints a table)
test_expect_success 'the default run'\''s columns, in csv, tsv, json, ndjson' '
	cdrsift stats -f csv can.csv >all.csv &&
	/usr/bin/python3 - all.csv <<\PY >cut.csv &&
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
cols = ["input", "gaps", "imeis", "accepted", "sha256", "rejected_by_reason", "cells_as_id"]
at = [rows[0].index(c) for c in cols]
w = csv.writer(sys.stdout, lineterminator="\n")
for r in rows:
    w.writerow([r[i] for i in at])
PY
	cdrsift stats -f csv --columns gaps,imeis,accepted,sha256,rejected_by_reason,cells_as_id can.csv >got.csv &&
	test_cmp cut.csv got.csv &&
	cdrsift stats -f json can.csv >all.json &&
	cdrsift stats -f json --columns gaps,imeis,accepted can.csv >got.json &&
	/usr/bin/python3 - all.json got.json <<\PY
import json, sys
a, g = (json.load(open(p)) for p in sys.argv[1:3])
keys = ["input", "gaps", "imeis", "accepted"]
want = [{k: r[k] for k in keys} for r in a["rows"]]
assert g["rows"] == want, (g["rows"], want)
assert [list(r) for r in g["rows"]] == [keys] * len(want)
PY
	cdrsift stats -f tsv --columns accepted,first can.csv >got.tsv &&
	printf "input\taccepted\tfirst\n" >h.want && head -1 got.tsv >h && test_cmp h.want h &&
	cdrsift stats -f ndjson --columns accepted can.csv >got.nd &&
	[ "$(grep -c "\"accepted\":" got.nd)" = 2 ] && ! grep -q "\"sha256\"" got.nd
'
test_expect_success 'the table format: a table of the columns, not the blocks' '
	cdrsift stats -f table --columns accepted,subscribers can.csv >t &&
	head -1 t | grep -q "^input  *accepted  *subscribers\$" &&
	! grep -q "distinct" t && [ "$(wc -l <t)" = 3 ]
'

# only what is listed is built: a partial without the sets is far smaller
test_expect_success 'a set not listed is not built (its keys are not in the partial)' '
	cdrsift stats --partial all.part can.csv &&
	cdrsift stats --columns accepted,first --partial few.part can.csv &&
	cdrsift stats --columns accepted,cells --partial cells.part can.csv &&
	[ $(($(wc -c <few.part) * 10)) -lt "$(wc -c <all.part)" ] &&
	[ "$(wc -c <few.part)" -lt "$(wc -c <cells.part)" ] &&
	[ "$(wc -c <cells.part)" -lt "$(wc -c <all.part)" ]
'
test_expect_success '--suppress-below still judges by the subscribers, shown or not' '
	cdrsift stats -f csv --suppress-below 100000 can.csv >sup.csv &&
	/usr/bin/python3 - sup.csv <<\PY >cut.csv &&
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
at = [rows[0].index(c) for c in ("input", "accepted", "voice")]
w = csv.writer(sys.stdout, lineterminator="\n")
for r in rows:
    w.writerow([r[i] for i in at])
PY
	cdrsift stats -f csv --suppress-below 100000 --columns accepted,voice can.csv >got.csv &&
	test_cmp cut.csv got.csv &&
	[ "$(sed -n 2p got.csv | cut -d, -f3)" = "" ]
'

# errors: usage errors, exit 2, the message, nothing on stdout
check() { # MESSAGE ARGS...
	msg=$1; shift
	printf 'cdrsift: %s\n' "$msg" >expect &&
	test_exit 2 cdrsift stats "$@" can.csv >out 2>err &&
	test ! -s out &&
	test_cmp expect err
}
test_expect_success 'an unknown column, input, an empty name, a column twice' '
	check "--columns: unknown column '\''subscriber'\'' (did you mean '\''subscribers'\''?)" --columns subscriber &&
	check "--columns: unknown column '\''acepted'\'' (did you mean '\''accepted'\''?)" --columns read,acepted &&
	check "--columns: unknown column '\''zzzz'\'' (see the stats columns in cdrsift(1))" --columns zzzz &&
	check "--columns: unknown column '\''input'\'' (input is always the first)" --columns input,read &&
	check "--columns: expected a comma-separated list of columns, found '\'''\''" --columns "" &&
	check "--columns: expected a comma-separated list of columns, found '\''read,'\''" --columns read, &&
	check "--columns: '\''read'\'' is listed twice" --columns read,first,read
'
test_expect_success 'the usage names the option' '
	{ cdrsift stats --help >help 2>&1; true; } && grep -q -- "--columns LIST" help
'
test_expect_success '-j1 and -j2 give the same bytes' '
	for f in csv json table; do
		cdrsift stats -j1 -f $f --columns subscribers,cells,imeis,accepted can.csv bad.csv >j1 2>/dev/null
		cdrsift stats -j2 -f $f --columns subscribers,cells,imeis,accepted can.csv bad.csv >j2 2>/dev/null
		partial_cmp j1 j2 $f || { echo "-f $f"; return 1; }
	done
'

# partials: merge gives the single run; other column lists are refused
test_expect_success 'split the file into parts' '
	partial_split can.csv 4 parts
'
test_expect_success 'partials with --columns merge to one run' '
	PARTIAL_TREES=3 partial_check parts stats --columns accepted,subscribers,cells,first,last
'
test_expect_success 'merge refuses partials of another --columns list' '
	cdrsift stats --columns accepted,cells --partial a.part parts/$(ls parts | head -1) &&
	cdrsift stats --columns cells,accepted --partial b.part parts/$(ls parts | tail -1) &&
	cdrsift stats --partial c.part parts/$(ls parts | tail -1) &&
	test_exit 2 cdrsift merge -f csv a.part b.part >out 2>err &&
	test ! -s out && grep -q "differ in --columns" err &&
	test_exit 2 cdrsift merge -f csv a.part c.part >out 2>err &&
	test ! -s out && grep -q "differ in --columns" err
'
test_done
