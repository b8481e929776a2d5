#!/bin/sh
# t4600: volume --columns LIST (issue 18, "Columns on demand"): only the
# listed aggregate columns, in the order given, after the key columns;
# --sort on a column not listed still orders the rows; every error is a
# usage error (exit 2) with its message and nothing on stdout; the same
# bytes for -j1 and -j2; partials with --columns merge to the single run,
# and merge refuses partials of other column lists.
#
# Expected figures come from tests/t/volume-oracle.py (the man page's
# definitions, shared with t4102); the order of the rows from the man
# page's --sort (largest first, ties in key order: the empty value first,
# all-digit values in numeric order, then the rest byte by byte).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

D=$TESTDATA/demo
test_setup 'the demo files and a small file' '
	gzip -dc "$D/cdr-canonical.csv.gz" >can.csv &&
	gzip -dc "$D/ip-ipdr.csv.gz" >ip.csv &&
	cp "$T/volume-oracle.py" oracle.py
'
/usr/bin/python3 - <<\PY
import random
r = random.Random(4600)
nums = ["6012000%04d" % i for i in range(15)]
with open("small.csv", "w") as f:
    f.write("type,direction,caller,callee,start,duration,cell\n")
    for i in range(800):
        a, b = r.choice(nums), r.choice(nums)
        if r.random() < 0.05:
            b = a                                   # a call to oneself
        if r.random() < 0.03:
            a = ""                                  # no caller
        typ = r.choice(["voice", "voice", "sms", "data"])
        d = r.choice(["", "%d" % r.randrange(500), "%d.%03d" % (r.randrange(90), r.randrange(1000))])
        cell = r.choice(["", "1001", "1002", "502-16-10-77", "1003"])
        f.write("%s,%s,%s,%s,2025-02-%02d %02d:%02d:%02d,%s,%s\n" % (
            typ, r.choice(["mo", "mt", ""]), a, b, r.randint(1, 9), r.randrange(24),
            r.randrange(60), r.randrange(60), d, cell))
PY

# expect.py WANT.json KEYCOLS COLUMNS SORT TOP OUT.csv: the csv volume
# should print, header and rows in order, compared with OUT.csv
cat >expect.py <<\PY
import csv, json, sys
from decimal import Decimal
want = json.load(open(sys.argv[1]))
keycols = sys.argv[2].split(",") if sys.argv[2] != "-" else []
cols, sort, top, out = sys.argv[3].split(","), sys.argv[4], int(sys.argv[5]), sys.argv[6]
def korder(v):   # key order of one value (man page, --sort)
    return (v != "", not v.isdigit(), int(v) if v.isdigit() else 0, v.encode())
def us(v):       # seconds text -> microseconds, "" -> 0
    return int(Decimal(v) * 1000000) if v != "" else 0
def primary(o):
    if sort == "count": return int(o["records"])
    if sort == "duration": return us(o["duration_total"])
    if sort == "distinct": return int(o["distinct_peers"])
    if sort == "bytes": return int(o.get("bytes_up") or 0) + int(o.get("bytes_down") or 0)
    return 0
rows = sorted(want, key=lambda o: (-primary(o), [korder(o[k]) for k in keycols]))
if top:
    rows = rows[:top]
splits = sorted((k[8:] for k in (want[0] if want else {}) if k.startswith("records_")), key=korder)
head = list(keycols)
for c in cols:
    head += ["records_" + s for s in splits] if c == "split" else [c]
exp = [head] + [[o.get(h, "") for h in head] for o in rows]
got = list(csv.reader(open(out, newline="")))
if got != exp:
    print("header: got %s\n        want %s" % (got[0] if got else None, head))
    for i, (g, w) in enumerate(zip(got, exp)):
        if g != w:
            print("line %d: got %s\n        want %s" % (i + 1, g, w)); break
    print("lines: got %d, want %d" % (len(got), len(exp)))
    sys.exit(1)
PY

# cols FILE KIND KEYS SPLIT COLUMNS SORT TOP [OPTIONS...]: volume
# --columns against the oracle, header and rows in order (SORT: count,
# duration, distinct, bytes; "-" for the default, count)
cols() {
	file=$1 kind=$2 keys=$3 split=$4 list=$5 sort=$6 top=$7
	shift 7
	keycols=$keys
	[ "$keys" = pairs ] && keycols=party_a,party_b
	[ "$keys" = pairs ] && set -- "$@" --pairs
	[ "$keys" != - ] && [ "$keys" != pairs ] && set -- "$@" --by "$keys"
	[ "$split" != - ] && set -- "$@" --split "$split"
	[ "$sort" != - ] && set -- "$@" --sort "$sort"
	[ "$top" != 0 ] && set -- "$@" --top "$top"
	[ "$sort" = - ] && sort=count
	/usr/bin/python3 oracle.py "$file" "$kind" "$keys" "$split" >want.json &&
	cdrsift volume "$@" --columns "$list" -f csv "$file" >out.csv &&
	/usr/bin/python3 expect.py want.json "$keycols" "$list" "$sort" "$top" out.csv
}

test_expect_success PYTHON 'records,duration_total by caller: two columns, in that order' '
	cols can.csv cdr caller - records,duration_total - 0 &&
	head -1 out.csv >head && echo caller,records,duration_total >head.want &&
	test_cmp head.want head
'
test_expect_success PYTHON 'the order given, not the default one' '
	cols can.csv cdr caller - duration_max,records,distinct_cells - 20 &&
	cols small.csv cdr callee - last_seen,duration_mean,first_seen,distinct_peers - 0
'
test_expect_success PYTHON 'one column; the total row' '
	cols can.csv cdr - - distinct_peers - 0 &&
	cols small.csv cdr - - distinct_subscribers,records - 0
'
test_expect_success PYTHON 'two keys, distinct sets alone' '
	cols small.csv cdr cell,type - distinct_subscribers,distinct_cells,distinct_peers - 0 &&
	cols can.csv cdr type,direction - first_seen,last_seen,records - 0
'
test_expect_success PYTHON 'every column, in reverse order' '
	cols small.csv cdr cell - last_seen,first_seen,distinct_cells,distinct_subscribers,distinct_peers,duration_max,duration_mean,duration_total,records - 0
'
test_expect_success PYTHON 'split: the --split columns where the list puts them' '
	cols can.csv cdr date type duration_total,split count 0 &&
	cols small.csv cdr cell direction split,records,distinct_peers - 0 &&
	head -1 out.csv | grep -q "^cell,records_mo,records_mt,records_unknown,records,distinct_peers\$"
'
test_expect_success PYTHON 'IP logs: bytes in any order' '
	cols ip.csv ip subscriber - bytes_down,bytes_up,records bytes 15 &&
	cols ip.csv ip - - bytes_up,distinct_peers - 0
'
test_expect_success PYTHON 'bytes asked of CDRs: the columns are there, empty' '
	cols can.csv cdr type - records,bytes_up,bytes_down - 0 &&
	head -1 out.csv | grep -q "^type,records,bytes_up,bytes_down\$"
'
test_expect_success PYTHON 'pairs: the directions in any order' '
	cols small.csv cdr pairs - b_to_a,a_to_b_duration,records,b_to_a_duration,a_to_b - 0 &&
	cols can.csv cdr pairs - a_to_b,distinct_cells duration 25
'

# --sort on a column that is not listed: computed, ordered by, not shown
test_expect_success PYTHON '--sort duration, --sort distinct, --sort bytes on columns not listed' '
	cols can.csv cdr caller - records duration 10 &&
	head -1 out.csv >head && echo caller,records >head.want && test_cmp head.want head &&
	cols can.csv cdr caller - records,duration_total distinct 10 &&
	cols small.csv cdr callee - first_seen distinct 0 &&
	cols ip.csv ip dst_ip - records bytes 5 &&
	cols small.csv cdr cell - distinct_peers count 3
'
test_expect_success '--sort key and a lone time key keep their order' '
	cdrsift volume --by hour --columns duration_total -f csv can.csv >out &&
	cut -d, -f1 out | tail -n +2 >hours && seq 0 23 >hours.want &&
	test_cmp hours.want hours &&
	cdrsift volume --by type --sort key --columns records -f csv can.csv >out &&
	printf "type,records\n" >h.want && head -1 out >h && test_cmp h.want h &&
	cut -d, -f1 out | tail -n +2 >types && LC_ALL=C sort types >types.sorted &&
	test_cmp types.sorted types
'

# only what is shown or sorted by is computed: under a 1-byte budget every
# distinct pair built is spilled (--verbose says how many bytes), so no
# distinct column and no --sort distinct means no pairs at all
spilled() { # OPTIONS...: bytes of pairs spilled
	CDRSIFT_VOLUME_BUDGET=1 cdrsift volume --verbose --by cell "$@" -f csv can.csv 2>&1 >/dev/null |
		sed -n "s/.*, \([0-9]*\) bytes\{0,1\} of pairs spilled\$/\1/p"
}
test_expect_success 'distinct sets only when shown or sorted by' '
	[ "$(spilled)" -gt 0 ] &&
	[ "$(spilled --columns records,duration_total,first_seen)" = 0 ] &&
	[ "$(spilled --split type --columns split,records)" = 0 ] &&
	[ "$(spilled --sort distinct --columns records)" -gt 0 ] &&
	[ "$(spilled --columns distinct_cells)" -gt 0 ] &&
	[ "$(spilled --columns distinct_subscribers)" -gt 0 ] &&
	[ "$(spilled --columns distinct_cells)" -lt "$(spilled)" ]
'
test_expect_success 'a partial holds only what its columns need' '
	cdrsift volume --by caller --partial all.part can.csv &&
	cdrsift volume --by caller --columns records --partial rec.part can.csv &&
	[ $(($(wc -c <rec.part) * 4)) -lt "$(wc -c <all.part)" ]
'

# the default columns listed by name give the default output, byte for byte
test_expect_success 'listing the default columns gives the default bytes, every format' '
	for f in table csv tsv json ndjson; do
		cdrsift volume --by cell -f $f can.csv >def.$f &&
		cdrsift volume --by cell -f $f --columns records,duration_total,duration_mean,duration_max,distinct_peers,distinct_subscribers,distinct_cells,first_seen,last_seen can.csv >lst.$f &&
		partial_cmp def.$f lst.$f $f || return 1
	done &&
	cdrsift volume --by hour -f table can.csv >def.t &&
	cdrsift volume --by hour -f table --columns records,duration_total,duration_mean,duration_max,distinct_peers,distinct_subscribers,distinct_cells,first_seen,last_seen can.csv >lst.t &&
	test_cmp def.t lst.t &&
	cdrsift volume --by date --split protocol -f csv ip.csv >def.c &&
	cdrsift volume --by date --split protocol -f csv --columns records,split,duration_total,duration_mean,duration_max,bytes_up,bytes_down,distinct_peers,distinct_subscribers,distinct_cells,first_seen,last_seen ip.csv >lst.c &&
	test_cmp def.c lst.c
'
test_expect_success 'table: the bar follows records, none without it' '
	cdrsift volume --by hour -f table --columns duration_total,records can.csv >t1 &&
	grep -q "█" t1 &&
	cdrsift volume --by hour -f table --columns duration_total can.csv >t2 &&
	! grep -q "█" t2
'

# errors: usage errors, exit 2, the message, nothing on stdout
check() { # MESSAGE ARGS...
	msg=$1; shift
	printf 'cdrsift: %s\n' "$msg" >expect &&
	test_exit 2 cdrsift volume "$@" can.csv >out 2>err &&
	test ! -s out &&
	test_cmp expect err
}
test_expect_success 'an unknown column: did you mean, or the list' '
	check "--columns: unknown column '\''recrods'\'' (did you mean '\''records'\''?)" --columns recrods &&
	check "--columns: unknown column '\''duration_totl'\'' (did you mean '\''duration_total'\''?)" --by caller --columns records,duration_totl &&
	check "--columns: unknown column '\''distinct_peer'\'' (did you mean '\''distinct_peers'\''?)" --columns distinct_peer &&
	check "--columns: unknown column '\''zzz'\'' (columns: records, split, a_to_b, a_to_b_duration, b_to_a, b_to_a_duration, duration_total, duration_mean, duration_max, bytes_up, bytes_down, distinct_peers, distinct_subscribers, distinct_cells, first_seen, last_seen)" --columns zzz &&
	check "--columns: unknown column '\''caller'\'' (columns: records, split, a_to_b, a_to_b_duration, b_to_a, b_to_a_duration, duration_total, duration_mean, duration_max, bytes_up, bytes_down, distinct_peers, distinct_subscribers, distinct_cells, first_seen, last_seen)" --by caller --columns caller
'
test_expect_success 'an empty list, an empty name, a column twice' '
	check "--columns: expected a comma-separated list of columns, found '\'''\''" --columns "" &&
	check "--columns: expected a comma-separated list of columns, found '\''records,'\''" --columns records, &&
	check "--columns: expected a comma-separated list of columns, found '\'',records'\''" --columns ,records &&
	check "--columns: expected a comma-separated list of columns, found '\''records,,first_seen'\''" --columns records,,first_seen &&
	check "--columns: '\''records'\'' is listed twice" --columns records,duration_total,records
'
test_expect_success 'columns that do not fit the other options' '
	check "--columns: a_to_b is a column of --pairs" --by caller --columns records,a_to_b &&
	check "--columns: b_to_a_duration is a column of --pairs" --columns b_to_a_duration &&
	check "--columns: split needs --split KEY" --by cell --columns split &&
	check "--columns: distinct_subscribers is only for keys that are not a party (caller, callee, subscriber, peer) and not with --pairs" --by caller --columns distinct_subscribers &&
	check "--columns: distinct_subscribers is only for keys that are not a party (caller, callee, subscriber, peer) and not with --pairs" --pairs --columns records,distinct_subscribers &&
	check "--columns: distinct_subscribers is only for keys that are not a party (caller, callee, subscriber, peer) and not with --pairs" --by cell,peer --columns distinct_subscribers
'
test_expect_success 'the last --columns counts; the usage names the option' '
	cdrsift volume --by type --columns records,first_seen --columns records -f csv can.csv >out &&
	head -1 out >h && echo type,records >h.want && test_cmp h.want h &&
	{ cdrsift volume --help >help 2>&1; true; } && grep -q -- "--columns LIST" help
'

# -j: the same bytes
test_expect_success '-j1 and -j2 give the same bytes' '
	for opts in "--by caller --columns records,duration_total --top 10" \
	    "--by cell --columns distinct_peers,records --sort duration" \
	    "--pairs --columns a_to_b,b_to_a,distinct_cells" \
	    "--by date --split type --columns split,first_seen"; do
		for f in csv json table; do
			cdrsift volume $opts -j1 -f $f can.csv small.csv >j1 &&
			cdrsift volume $opts -j2 -f $f can.csv small.csv >j2 &&
			partial_cmp j1 j2 $f || { echo "$opts -f $f"; return 1; }
		done
	done
'

# partials: merge gives the single run; other column lists are refused
test_expect_success 'split the demo file into parts' '
	partial_split $D/cdr-canonical.csv.gz 4 cdr &&
	partial_split $D/ip-ipdr.csv.gz 3 ip
'
test_expect_success 'partials with --columns merge to one run' '
	PARTIAL_TREES=3 partial_check cdr volume --by caller --top 10 --columns records,duration_total
'
test_expect_success 'partials: --sort on a column not listed, --split' '
	PARTIAL_TREES=2 partial_check cdr volume --by cell --split type --sort distinct --columns split,records
'
test_expect_success 'partials: IP, bytes and distinct subscribers' '
	PARTIAL_TREES=2 partial_check ip volume --by dst_port --columns bytes_up,distinct_subscribers,records
'

refused() { # WANT MESSAGE PARTIALS...
	st=$1 msg=$2; shift 2
	test_exit "$st" cdrsift merge "$@" >out 2>err &&
	test ! -s out &&
	grep -q -- "$msg" err || { echo "message: $(cat err)"; return 1; }
}
test_expect_success 'merge refuses partials of other column lists' '
	f=cdr/part-00.csv && g=cdr/part-02.csv &&
	test_exit 0 cdrsift volume --by caller --columns records --partial a.part $f &&
	test_exit 0 cdrsift volume --by caller --columns records,duration_total --partial b.part $g &&
	refused 2 "cdrsift: merge: .a.part. and .b.part. differ in --columns (.records. and .records,duration_total.): partials merge only when it is the same" a.part b.part &&
	test_exit 0 cdrsift volume --by caller --partial c.part $g &&
	refused 2 "differ in --columns (.records. and .(none).)" a.part c.part &&
	refused 2 "differ in --columns (.(none). and .records.)" c.part a.part &&
	test_exit 0 cdrsift volume --by caller --columns duration_total,records --partial d.part $f &&
	refused 2 "differ in --columns (.records,duration_total. and .duration_total,records.)" b.part d.part
'
test_expect_success 'a partial keeps its columns through merges' '
	f=cdr/part-00.csv && g=cdr/part-01.csv.gz &&
	test_exit 0 cdrsift volume --by caller --columns duration_max --partial m1.part $f &&
	test_exit 0 cdrsift volume --by caller --columns duration_max --partial m2.part $g &&
	test_exit 0 cdrsift merge --partial m12.part m1.part m2.part &&
	test_exit 0 cdrsift merge -f csv m12.part >got &&
	test_exit 0 cdrsift volume --by caller --columns duration_max -f csv $f $g >want &&
	test_cmp want got && head -1 got >h && echo caller,duration_max >h.want &&
	test_cmp h.want h
'
test_done
