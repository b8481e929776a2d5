#!/bin/sh
# stats over generated data, every figure checked against mawk and the
# generator's ground truth: the same data in two dialects (canonical and
# opa, seed 7) must give the same answer, and damaged copies are counted.
. "$(dirname "$0")/lib.sh"
test_setup 'the generator is there' 'test -x "$GEN"'

"$GEN" --dialect canonical --rows 30000 --seed 11 --anomalies --truth truth.csv >can.csv
"$GEN" --dialect opa --rows 30000 --seed 11 --anomalies >opa.csv
# plant bad rows by hand: every 997th data line gets a bad date or loses a field
mawk -F, 'BEGIN { OFS = "," } NR > 1 && NR % 997 == 0 { if (NR % 2) $6 = "2025-13-01T00:00:00"; else NF = 15 } { print }' can.csv >bad.csv
gzip -n -c bad.csv >bad.csv.gz

# oracle: fields of a good canonical row; subscriber = caller (mo) or callee (mt)
oracle() {
	mawk -F, '
	NR == 1 { next }
	{ read++ }
	NF != 16 || $6 !~ /^2025-(0[1-9]|1[0-2])-/ { rej++; next }
	{
		ok++
		s = ($3 == "mt") ? $5 : $4; subs[s] = 1
		# a cell is the full key the row carries (man page, Cells): LAC-CI
		if ($11 != "") cells[($12 != "") ? $12 "-" $11 : $11] = 1
		if ($10 != "") imeis[$10] = 1
		if (min == "" || $6 < min) min = $6
		if ($6 > max) max = $6
		if ($6 < prev) ooo++
		prev = $6
		t[$2]++
	}
	END {
		ns = 0; for (k in subs) ns++; nc = 0; for (k in cells) nc++; ni = 0; for (k in imeis) ni++
		printf "%d %d %d %sZ %sZ %d %d %d %d %d %d %d %d\n", read, ok, rej + 0, min, max, ns, nc, ni,
			t["voice"], t["sms"], t["data"], t["other"], ooo + 0
	}' "$1"
}
fields='{ print $8, $9, $10, $14, $15, $16, $17, $18, $19, $20, $21, $22, $29 }'

test_expect_success 'canonical: rows, span, distinct ids, types, order' '
	oracle can.csv >want &&
	cdrsift stats -f csv can.csv >out.csv &&
	mawk -F, "NR == 2 $fields" out.csv >got &&
	test_cmp want got
'
test_expect_success 'damaged copy: the same figures as mawk, rejects counted' '
	oracle bad.csv >want &&
	test_exit 1 cdrsift stats -f csv --max-reject-messages 0 bad.csv.gz >out.csv &&
	mawk -F, "NR == 2 $fields" out.csv >got &&
	test_cmp want got
'
# IMEIs and cells of 31 to 40 characters (some past the 32-byte lag slots,
# looked up at once, others waiting in the ring) give the same counts
mawk -F, 'BEGIN { OFS = "," } NR > 1 && NR % 3 == 0 { $10 = $10 "-" substr("abcdefghijklmnopqrstuvwxyz", 1, 15 + NR % 10); $11 = "cell-" $11 "-" substr("0123456789012345678901234567", 1, 20 + NR % 7) } { print }' can.csv >long.csv
test_expect_success 'long keys (ring and direct lookups mixed) count like mawk, for -j1 and -j4' '
	oracle long.csv >want &&
	cdrsift stats -j1 -f csv long.csv >run.out &&
		<run.out mawk -F, "NR == 2 $fields" >got &&
	test_cmp want got &&
	CDRSIFT_BLOCK_SIZE=16384 cdrsift stats -j4 -f csv long.csv >run.out &&
		<run.out mawk -F, "NR == 2 $fields" >got4 &&
	test_cmp want got4
'
test_expect_success 'the planted gap is the one in the ground truth' '
	mawk -F, "\$1 == \"gap\" { print \$3 \"Z/\" \$4 \"Z\" }" truth.csv >want &&
	cdrsift stats -f csv can.csv >run.out &&
		<run.out mawk -F, "NR == 2 { print \$28 }" >got &&
	test_cmp want got
'
test_expect_success 'opa dialect (semicolons, split date/time, HH:MM:SS, MOC/MTC) gives the same figures' '
	cdrsift stats -f csv can.csv >run.out &&
		<run.out mawk -F, "NR == 2 { print \$8, \$9, \$14, \$15, \$16, \$17, \$18, \$26, \$27 }" >want &&
	cdrsift stats -f csv --country 60 opa.csv >run.out &&
		<run.out mawk -F, "NR == 2 { print \$8, \$9, \$14, \$15, \$16, \$17, \$18, \$26, \$27 }" >got &&
	test_cmp want got
'
test_expect_success 'sha256 and sizes are those of the bytes read' '
	test_exit 1 cdrsift stats -f csv bad.csv.gz >run.out 2>/dev/null &&
		<run.out mawk -F, "NR == 2 { print \$2, \$3, \$4 }" >got &&
	echo "$(wc -c <bad.csv.gz | tr -d " ") $(wc -c <bad.csv | tr -d " ") $(sha256sum bad.csv.gz | cut -d" " -f1)" >want &&
	test_cmp want got
'
test_expect_success 'several files: the total is the union (distinct ids not added)' '
	head -15001 can.csv >a.csv && { head -1 can.csv; tail -n +15002 can.csv; } >b.csv &&
	cdrsift stats -f csv a.csv b.csv >run.out &&
		<run.out mawk -F, "\$1 == \"(total)\" $fields" >got &&
	oracle can.csv >want && test_cmp want got
'
test_expect_success 'a header repeated mid-stream (cat a b) is skipped and counted' '
	cat a.csv b.csv >ab.csv &&
	cdrsift stats -f json ab.csv >out.json &&
	/usr/bin/python3 -c "
import json; m = json.load(open(\"out.json\"))[\"meta\"][\"accounting\"]
assert m[\"read\"] == 30000 and m[\"repeated_headers\"] == 1, m"
'
# cells kept as a number (LAC-CI of two digit strings) or as text (a
# leading zero, a part past 32 bits, a dash too many): each distinct key
# counts once, as mawk counts the texts, in one run, with a budget that
# spills, and through partials merged
/usr/bin/python3 - <<\PY
import random
r = random.Random(4001)
keys = ["2214-102438146", "0-0", "0-1", "1-0", "2147483646-4294967295",
        "536870911-4294967295", "536870912-1", "536870911-0",
        "2147483647-1", "2147483648-1", "1-4294967296", "4294967295-4294967295",
        "02214-5", "2214-05", "2214-5", "-5", "5-", "7-8-9", "1-2-3-4", "5",
        "0", "05", "123456789012345678901-1", "99999999999999999999", "a-1"]
keys += ["%d-%d" % (r.randrange(1 << 31), r.randrange(1 << 32)) for _ in range(300)]
keys += ["%d" % r.randrange(10 ** 12) for _ in range(300)]
with open("cells.csv", "w") as f:
    f.write("caller,callee,start,cell\n")
    for i in range(6000):
        f.write("6012%07d,6013%07d,2025-01-02T%02d:%02d:00,%s\n" % (
            r.randrange(500), r.randrange(500), r.randrange(24), r.randrange(60), r.choice(keys)))
PY
test_expect_success 'cell keys as numbers and as text count like mawk, spilled and merged' '
	mawk -F, "NR > 1 && \$4 != \"\" { c[\$4] = 1 } END { n = 0; for (k in c) n++; print n }" cells.csv >want &&
	cdrsift stats -f csv --columns cells cells.csv | mawk -F, "NR == 2 { print \$2 }" >got &&
	test_cmp want got &&
	CDRSIFT_STATS_BUDGET=4K cdrsift stats -f csv --columns cells cells.csv | mawk -F, "NR == 2 { print \$2 }" >got &&
	test_cmp want got &&
	head -3001 cells.csv >c1.csv && { head -1 cells.csv; tail -n +3002 cells.csv; } >c2.csv &&
	cdrsift stats --partial c1.part c1.csv && CDRSIFT_STATS_BUDGET=4K cdrsift stats --partial c2.part c2.csv &&
	cdrsift merge -f csv c1.part c2.part | mawk -F, "\$1 == \"(total)\" { print \$17 }" >got &&
	test_cmp want got
'
test_done
