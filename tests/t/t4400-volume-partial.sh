#!/bin/sh
# t4400: volume over inputs split into parts equals the merge of one
# partial per part (separate processes under GNU parallel, two groupings,
# random merge trees), in every format, for the option sets of volume:
# no key, party keys with --sort/--top, a lone calendar key in a zone (the
# table's bar, empty buckets), two keys with --split, --pairs with
# --min-count, IP keys (bytes), and the distinct pairs spilled under a
# small memory budget (issue 13). The reference is one volume run over
# all the parts; the oracles of the figures themselves are t4002-t4305.
# Then: merge refuses volume partials made with other options, naming
# them, and a volume partial beside a stats one.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

D=$TESTDATA/demo

test_expect_success 'split the demo files into parts' '
	partial_split $D/cdr-canonical.csv.gz 5 cdr &&
	partial_split $D/ip-ipdr.csv.gz 4 ip &&
	partial_split $D/cdr-bad.csv.gz 3 bad &&
	for f in cdr/*; do gzip -dcf "$f" | tail -n +2; done | wc -l >n.parts &&
	gzip -dc $D/cdr-canonical.csv.gz | tail -n +2 | wc -l >n.whole &&
	test_cmp n.whole n.parts
'

test_expect_success 'volume: one total row' '
	PARTIAL_TREES=5 partial_check cdr volume
'

test_expect_success 'volume: --by caller, --sort duration --top 25' '
	PARTIAL_TREES=3 partial_check cdr volume --by caller --sort duration --top 25
'

test_expect_success 'volume: --by hour in a zone (bar, empty buckets)' '
	PARTIAL_TREES=3 partial_check cdr volume --by hour --tz Asia/Kuala_Lumpur
'

test_expect_success 'volume: --by date, --sort key' '
	PARTIAL_TREES=3 partial_check cdr volume --by date --sort key
'

test_expect_success 'volume: --by type,cell --split direction, a filter' '
	PARTIAL_TREES=3 partial_check cdr volume --by type,cell --split direction -w "duration > 10"
'

test_expect_success 'volume: --pairs --min-count 2 --sort distinct' '
	PARTIAL_TREES=3 partial_check cdr volume --pairs --min-count 2 --sort distinct
'

test_expect_success 'volume: IP parts by subscriber,dst_port, --sort bytes' '
	PARTIAL_TREES=3 partial_check ip volume --by subscriber,dst_port --sort bytes
'

test_expect_success 'volume: parts with rejects (exit 1 all along), --by week' '
	PARTIAL_TREES=3 partial_check bad volume --by week
'

test_expect_success 'volume: pairs spilled under a 1-byte budget, -j 1' '
	CDRSIFT_VOLUME_BUDGET=1 && export CDRSIFT_VOLUME_BUDGET &&
	cdrsift volume --verbose --by cell -f csv cdr/* >/dev/null 2>spill.err &&
	grep -q "[1-9][0-9]* bytes of pairs spilled" spill.err &&
	PARTIAL_TREES=3 partial_check cdr volume --by subscriber -j 1 &&
	unset CDRSIFT_VOLUME_BUDGET
'

test_expect_success 'partial bytes do not depend on -j, budget or row order' '
	gzip -dc $D/cdr-canonical.csv.gz | python3 -c "
import random, sys
lines = sys.stdin.readlines()
body = lines[1:]
random.Random(7).shuffle(body)
sys.stdout.writelines(lines[:1] + body)" >shuffled.csv &&
	gzip -dc $D/cdr-canonical.csv.gz >sorted.csv &&
	test_exit 0 cdrsift volume --by caller -j 1 --partial j1.part sorted.csv &&
	CDRSIFT_VOLUME_BUDGET=8K CDRSIFT_BLOCK_SIZE=4096 test_exit 0 \
		cdrsift volume --by caller -j 4 --partial j4.part shuffled.csv &&
	cdrsift merge -f csv j1.part >a.csv && cdrsift merge -f csv j4.part >b.csv &&
	test_cmp a.csv b.csv &&
	python3 -c "
import sys
a = open(sys.argv[1], \"rb\").read(); b = open(sys.argv[2], \"rb\").read()
i = a.find(b\"VOLU\"); j = b.find(b\"VOLU\")
sys.exit(0 if i > 0 and a[i:-40] == b[j:-40] else 1)" j1.part j4.part
'

refused() {
	want=$1 msg=$2; shift 2
	test_exit "$want" cdrsift merge -f csv "$@" >out 2>err || { cat err; return 1; }
	grep -q "$msg" err || { echo "message: $(cat err)"; return 1; }
	test ! -s out
}

test_expect_success 'merge refuses volume partials of other options' '
	f=cdr/part-00.csv && g=cdr/part-02.csv &&
	test_exit 0 cdrsift volume --by caller --partial a.part $f &&
	test_exit 0 cdrsift volume --by callee --partial b.part $g &&
	refused 2 "differ in options" a.part b.part &&
	refused 2 "by=caller" a.part b.part &&
	test_exit 0 cdrsift volume --by caller --top 5 --partial c.part $g &&
	refused 2 "top=5" a.part c.part &&
	test_exit 0 cdrsift volume --by caller --split type --partial d.part $g &&
	refused 2 "split=type" a.part d.part &&
	test_exit 0 cdrsift volume --pairs --partial e.part $g &&
	refused 2 "pairs" a.part e.part &&
	test_exit 0 cdrsift volume --by caller --tz Asia/Kuala_Lumpur --partial f.part $g &&
	refused 2 "differ in --tz" a.part f.part &&
	test_exit 0 cdrsift stats --partial s.part $g &&
	refused 2 "of .stats." a.part s.part &&
	test_exit 0 cdrsift volume --by caller --partial a2.part $f &&
	refused 2 "twice\|same input\|covered" a.part a2.part
'

test_expect_success 'a damaged volume partial: exit 3 naming it' '
	test_exit 0 cdrsift volume --by caller --partial a.part cdr/part-00.csv &&
	size=$(wc -c <a.part) &&
	head -c $((size / 2)) a.part >trunc.part &&
	refused 3 "trunc.part" trunc.part &&
	python3 -c "
import sys
b = bytearray(open(\"a.part\", \"rb\").read()); b[len(b) // 2] ^= 0x10
open(\"flip.part\", \"wb\").write(b)" &&
	refused 3 "flip.part" flip.part
'

test_done
