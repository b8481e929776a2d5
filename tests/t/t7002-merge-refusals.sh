#!/bin/sh
# t7002: merge refuses what it must, naming the file or the difference,
# with nothing merged or written: damaged partials (exit 3), partials of
# other commands, options or format versions, and inputs covered twice
# (exit 2); partials that differ only in how input was read merge; merge
# --expect lists the inputs of a sha256sum manifest that no partial
# covers (issue 13).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

D=$TESTDATA/demo
EDIT="python3 $T/partial-edit.py"

# merge must fail with status $1 and a message matching $2; nothing on
# stdout, and no --partial output left behind
refused() {
	want=$1 msg=$2; shift 2
	rm -f out.part
	test_exit "$want" cdrsift merge "$@" >out 2>err &&
	grep -q -- "$msg" err &&
	! test -s out || { cat err; return 1; }
	test_exit "$want" cdrsift merge --partial out.part "$@" 2>err2 &&
	! test -e out.part
}

test_expect_success 'partials of three inputs' '
	partial_split $D/cdr-canonical.csv.gz 3 in &&
	for f in in/*; do
		test_exit 0 cdrsift stats --partial "${f#in/}.part" "$f" || return 1
	done &&
	ls *.part >list && [ $(wc -l <list) = 3 ]
'

test_expect_success 'truncated partials: exit 3 naming the file' '
	len=$(wc -c <part-00.csv.part) &&
	for n in 0 7 19 20 31 100 $((len / 2)) $((len - 33)) $((len - 1)); do
		head -c $n part-00.csv.part >cut.part &&
		refused 3 "cdrsift: merge: .cut.part. is not a usable partial file" \
			part-01.csv.gz.part cut.part || { echo "cut at $n"; return 1; }
	done
'

test_expect_success 'bit-flipped partials: exit 3 naming the file' '
	len=$(wc -c <part-01.csv.gz.part) &&
	for off in 0 5 12 16 20 24 40 $((len / 3)) $((len / 2)) $((len - 40)) $((len - 1)); do
		python3 -c "import sys; d = bytearray(open(sys.argv[1], \"rb\").read()); d[int(sys.argv[2])] ^= 1 << (int(sys.argv[2]) % 8); open(sys.argv[3], \"wb\").write(d)" \
			part-01.csv.gz.part $off flip.part &&
		refused 3 "flip.part. is not a usable partial file" flip.part ||
			{ echo "flip at $off"; return 1; }
	done
'

test_expect_success 'not a partial, or no such file: exit 3' '
	refused 3 "no partial-file header" in/part-00.csv &&
	refused 3 "no-such.part" no-such.part part-00.csv.part
'

test_expect_success 'a partial of another command or format version: exit 2' '
	$EDIT part-00.csv.part vol.part command nosuch &&
	refused 2 "vol.part. is a partial of .nosuch., which this version cannot merge" \
		part-01.csv.gz.part vol.part &&
	$EDIT part-00.csv.part v1.part version 1 &&
	refused 2 "format version 1, this cdrsift reads version 2" \
		part-01.csv.gz.part v1.part &&
	$EDIT part-00.csv.part v3.part version 3 &&
	refused 2 "format version 3, this cdrsift reads version 2" \
		part-01.csv.gz.part v3.part
'

test_expect_success 'partials of other options: exit 2 naming the option' '
	f=in/part-02.csv &&
	test_exit 0 cdrsift stats --partial w.part -w "type == \"sms\"" $f &&
	refused 2 "differ in -w (.(none). and .type == \"sms\".)" part-00.csv.part w.part &&
	test_exit 0 cdrsift stats --partial tz.part --tz Asia/Kuala_Lumpur $f &&
	refused 2 "differ in --tz (.(none). and .Asia/Kuala_Lumpur.)" part-00.csv.part tz.part &&
	test_exit 0 cdrsift stats --partial cc.part --country 60 $f &&
	refused 2 "differ in --country" part-00.csv.part cc.part &&
	test_exit 0 cdrsift stats --partial c1.part --cells $D/cells.csv $f &&
	sed "\$d" $D/cells.csv >cells2.csv &&
	test_exit 0 cdrsift stats --partial c2.part --cells cells2.csv in/part-00.csv &&
	refused 2 "differ in --cells (sha256)" c2.part c1.part
'

test_expect_success 'the same cell table under another name merges' '
	cp $D/cells.csv same-cells.csv &&
	test_exit 0 cdrsift stats --partial c0.part --cells same-cells.csv in/part-00.csv &&
	test_exit 0 cdrsift merge -f csv c0.part c1.part >got &&
	test_exit 0 cdrsift stats -f csv --cells $D/cells.csv in/part-00.csv in/part-02.csv >want &&
	test_cmp want got
'

test_expect_success 'partials that differ in --map, --delimiter, --dialect merge' '
	test_exit 0 cdrsift stats --partial m0.part --map caller=caller in/part-00.csv &&
	test_exit 0 cdrsift stats --partial m1.part --delimiter , in/part-01.csv.gz &&
	test_exit 0 cdrsift stats --partial m2.part --dialect none in/part-02.csv &&
	test_exit 0 cdrsift merge -f csv m2.part m0.part m1.part >got &&
	test_exit 0 cdrsift stats -f csv in/part-00.csv in/part-01.csv.gz in/part-02.csv >want &&
	test_cmp want got
'

test_expect_success 'an input covered twice: exit 2' '
	refused 2 "input .in/part-00.csv. (sha256 [0-9a-f]*) is covered twice" \
		part-00.csv.part part-01.csv.gz.part part-00.csv.part &&
	test_exit 0 cdrsift merge --partial ab.part part-00.csv.part part-01.csv.gz.part &&
	refused 2 "is covered twice" ab.part part-01.csv.gz.part &&
	cp in/part-02.csv copy.csv &&
	test_exit 0 cdrsift stats --partial copy.part copy.csv &&
	refused 2 "input .copy.csv. (sha256 [0-9a-f]*) is covered twice (also as .in/part-02.csv.)" \
		part-02.csv.part copy.part &&
	test_exit 0 cdrsift stats --partial twice.part in/part-00.csv in/part-00.csv &&
	refused 2 "covered twice in one partial" twice.part
'

test_expect_success 'an input that cannot be read: merge gives the run its status 3' '
	mkdir adir &&
	test_exit 3 cdrsift stats --partial dir.part adir 2>err &&
	test_exit 3 cdrsift merge -f json dir.part part-00.csv.part >got 2>err &&
	! test -s err &&
	test_exit 3 cdrsift stats -f json adir in/part-00.csv >want 2>/dev/null &&
	partial_json_strip <want >want.s && partial_json_strip <got >got.s &&
	test_cmp want.s got.s
'

test_expect_success 'merge --expect: the inputs no partial covers' '
	sha256sum in/* >manifest &&
	test_exit 0 cdrsift merge -f csv --expect manifest part-00.csv.part \
		part-01.csv.gz.part part-02.csv.part >got 2>err &&
	! test -s err &&
	test_exit 1 cdrsift merge -f csv --expect manifest part-00.csv.part \
		part-02.csv.part >got2 2>err &&
	sha=$(sha256sum in/part-01.csv.gz | cut -c1-64) &&
	echo "cdrsift: merge: not covered by any partial: '\''in/part-01.csv.gz'\'' (sha256 $sha)" >want.err &&
	test_cmp want.err err &&
	test_exit 0 cdrsift stats -f csv in/part-00.csv in/part-02.csv >want &&
	test_cmp want got2 &&
	echo "not a manifest line" >bad.manifest &&
	test_exit 2 cdrsift merge --expect bad.manifest part-00.csv.part 2>err &&
	grep -q "bad.manifest:1: expected 64 hex digits" err &&
	test_exit 3 cdrsift merge --expect no-such.manifest part-00.csv.part
'

test_expect_success 'merge takes no reading options; --partial only where supported' '
	test_exit 2 cdrsift merge -w "type == \"sms\"" part-00.csv.part 2>err &&
	grep -q "merge: -w is not for merge" err &&
	test_exit 2 cdrsift merge --tz UTC part-00.csv.part &&
	test_exit 2 cdrsift merge 2>err && grep -q "no partial files named" err &&
	test_exit 2 cdrsift schema --partial v.part in/part-00.csv 2>err &&
	grep -q "cannot write a partial in this version" err && ! test -e v.part
'

test_done
