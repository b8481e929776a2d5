#!/bin/sh
# t7001: stats over inputs split into parts equals the merge of one
# partial per part, made by separate processes under GNU parallel, in two
# groupings and 20 random merge trees, in every format (issue 13).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

D=$TESTDATA/demo

test_expect_success 'split the demo files into parts' '
	partial_split $D/cdr-canonical.csv.gz 5 cdr &&
	partial_split $D/cdr-bad.csv.gz 3 bad &&
	partial_split $D/ip-ipdr.csv.gz 4 ip &&
	[ $(ls cdr | wc -l) = 5 ] &&
	gzip -dc cdr/part-01.csv.gz | head -1 >h.part &&
	gzip -dc $D/cdr-canonical.csv.gz | head -1 >h.whole &&
	test_cmp h.whole h.part &&
	# the parts hold every row once (mawk counts, not cdrsift)
	for f in cdr/*; do gzip -dcf "$f" | tail -n +2; done | wc -l >n.parts &&
	gzip -dc $D/cdr-canonical.csv.gz | tail -n +2 | wc -l >n.whole &&
	test_cmp n.whole n.parts
'

test_expect_success 'stats: CDR parts' '
	partial_check cdr stats
'

test_expect_success 'stats: parts with rejects (exit 1 all along)' '
	PARTIAL_TREES=3 partial_check bad stats
'

test_expect_success 'stats: IP parts, a filter, a zone and a country' '
	PARTIAL_TREES=3 partial_check ip stats -w "bytes_up > 1000" --tz Asia/Kuala_Lumpur --country 60
'

test_expect_success 'stats: CDR parts with the cell table, -j1' '
	PARTIAL_TREES=3 partial_check cdr stats --cells $D/cells.csv -j 1
'

test_expect_success 'stats: whole demo files of both kinds together' '
	mkdir mixed && cp $D/cdr-opa.csv.gz $D/ip-cgnat.csv.gz $D/cdr-bad.csv.gz mixed/ &&
	PARTIAL_TREES=3 partial_check mixed stats
'

test_expect_success 'stats: damaged, unusable and odd inputs (problems, dialects)' '
	mkdir odd &&
	for f in binary.bin bom-utf16le.csv empty.csv gz-crc.csv.gz \
		gz-trunc-data.csv.gz eol-crlf.csv bom-utf8.csv blank-lines.csv \
		escape-values.csv header-only.csv multi-valid.csv.gz \
		quote-unterminated.csv nul-byte.csv; do
		cp $TESTDATA/bad/$f odd/ || return 1
	done &&
	PARTIAL_TREES=3 partial_check odd stats
'

test_expect_success 'partial bytes do not depend on -j or block size' '
	# rows out of time order, so that arrival order could matter
	gzip -dc $D/cdr-canonical.csv.gz | python3 -c "
import random, sys
lines = sys.stdin.readlines()
body = lines[1:]
random.Random(5).shuffle(body)
sys.stdout.writelines(lines[:1] + body)" >shuffled.csv &&
	test_exit 0 cdrsift stats -j 1 --partial j1.part shuffled.csv &&
	CDRSIFT_BLOCK_SIZE=4096 test_exit 0 cdrsift stats -j 4 --partial j4.part \
		shuffled.csv &&
	cmp j1.part j4.part
'

test_done
