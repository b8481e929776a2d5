#!/bin/sh
# stats keeps its distinct sets (subscribers, cells, IMEIs) under a memory
# budget, CDRSIFT_STATS_BUDGET, with sorted runs of keys beyond it in a
# temporary file (issue 18). With a budget of 1 byte every set spills from
# its first 512 keys: the counts per input and in the total must equal an
# independent count (python3 + sqlite3 COUNT(DISTINCT), from the man
# page's definitions), for -j1, -j2 and -j8 with small blocks, on values
# that are numbers, digit strings with a leading zero and other text; and
# partials made under the small budget merge into the same bytes.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"
test_setup 'the generator is there' 'test -x "$GEN"'

"$GEN" --dialect canonical --rows 20000 --seed 61 --subscribers 3000 --cells 900 >g.csv
# mixed values: every 5th row a bare cell id (a number), every 7th caller
# with a leading zero, every 11th IMEI with one, every 13th caller a SIP
# address without a number (kept as written: text), so both kinds of key
# meet in every set
mawk -F, 'BEGIN { OFS = "," }
NR > 1 && NR % 5 == 0 { $12 = "" }
NR > 1 && NR % 7 == 0 { $4 = "0" $4 }
NR > 1 && NR % 11 == 0 { $10 = "0" substr($10, 2) }
NR > 1 && NR % 13 == 0 { $4 = "sip:u" $4 "@example.com" }
{ print }' g.csv >mixed.csv
# the same subscribers again in a second input (the total is the union)
"$GEN" --dialect canonical --rows 9000 --seed 62 --subscribers 3000 --cells 900 >h.csv

# oracle: per input and in total, distinct subscribers (caller of mo and
# unknown-direction rows, callee of mt), cells (LAC-CI, or the CI alone),
# IMEIs; empty values are not values
cat >oracle.py <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(':memory:')
db.execute('create table r (input int, sub text, cell text, imei text)')
for i, path in enumerate(sys.argv[1:]):
    with open(path, newline='') as f:
        rows = csv.reader(f)
        head = next(rows)
        c = {n: k for k, n in enumerate(head)}
        for row in rows:
            sub = row[c['callee']] if row[c['direction']] == 'mt' else row[c['caller']]
            ci, lac = row[c['cell']], row[c['lac']]
            cell = (lac + '-' + ci if lac else ci) if ci else ''
            db.execute('insert into r values (?, ?, ?, ?)',
                       (i, sub or None, cell or None, row[c['imei']] or None))
q = 'select count(distinct sub), count(distinct cell), count(distinct imei) from r'
for i in range(len(sys.argv) - 1):
    print(*db.execute(q + ' where input = ?', (i,)).fetchone(), sep=',')
print(*db.execute(q).fetchone(), sep=',')
PY

test_expect_success 'the oracle counts the planted kinds apart' '
	python3 oracle.py mixed.csv h.csv >want &&
	test "$(wc -l <want)" = 3 &&
	mawk -F, "NR == 1 && \$1 > 2000 && \$2 > 900 && \$3 > 2000 { ok = 1 } END { exit !ok }" want
'
for j in 1 2 8; do
	test_expect_success "budget of 1 byte, -j$j: distinct counts equal sqlite3" "
		CDRSIFT_STATS_BUDGET=1 CDRSIFT_BLOCK_SIZE=16384 cdrsift stats -j$j \
			-f csv mixed.csv h.csv >out.csv &&
		mawk -F, 'NR > 1 { print \$16 \",\" \$17 \",\" \$18 }' out.csv >got &&
		test_cmp want got
	"
done
test_expect_success 'every format: the same bytes under any budget' '
	for f in table csv tsv ndjson; do
		cdrsift stats -f $f mixed.csv h.csv >big.$f &&
		CDRSIFT_STATS_BUDGET=1 cdrsift stats -j2 -f $f mixed.csv h.csv >small.$f &&
		CDRSIFT_STATS_BUDGET=64K cdrsift stats -j1 -f $f mixed.csv h.csv >mid.$f &&
		test_cmp big.$f small.$f && test_cmp big.$f mid.$f || return 1
	done
'
test_expect_success 'a budget that is not a number is the default' '
	CDRSIFT_STATS_BUDGET=lots cdrsift stats -f csv mixed.csv h.csv >odd.csv &&
	test_cmp big.csv odd.csv
'
test_expect_success 'partials made under a 1-byte budget merge to the same bytes' '
	partial_split mixed.csv 4 parts &&
	CDRSIFT_STATS_BUDGET=1 PARTIAL_TREES=3 partial_check parts stats
'
test_expect_success 'spill file cannot be made: counts still exact (kept in memory)' '
	CDRSIFT_STATS_BUDGET=1 TMPDIR=/nonexistent/dir cdrsift stats -j2 -f csv \
		mixed.csv h.csv >nt.csv &&
	test_cmp big.csv nt.csv
'
test_done
