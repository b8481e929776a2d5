#!/bin/sh
# ISA-L against zlib (issue #5): ISA-L is only a fast path, so every gzip
# file we hold must give the same standard output, standard error and exit
# status with ISA-L (the default when built with it) as with
# CDRSIFT_INFLATE=zlib, the reference. Compared: `stats -f json` (sizes,
# SHA-256, damage, accounting, messages) and `filter --raw` (the bytes),
# over testdata/gz, the gzip files of testdata/bad, the fuzz corpus of the
# input target, and files made here: larger than the 1 MiB read buffer,
# damaged far from the start (zlib reads the member again), several
# members, standard input from a pipe and from a file read part-way. A
# build without ISA-L skips the comparisons.
. "$(dirname "$0")/lib.sh"

unset CDRSIFT_INFLATE
TD=$TESTDATA

test_expect_success '--version names the inflate in use, CDRSIFT_INFLATE=zlib forces zlib' '
	cdrsift --version >v && grep -q "^inflate: \(isal\|zlib\)$" v &&
	(CDRSIFT_INFLATE=zlib && export CDRSIFT_INFLATE &&
	 cdrsift --version) >vz && grep -q "^inflate: zlib$" vz
'
if ! grep -q '^inflate: isal$' v 2>/dev/null; then
	test_skip 'ISA-L and zlib agree on every gzip input' 'built without ISA-L'
	test_done
	exit
fi
test_expect_success 'the binary is linked with ISA-L' '
	! command -v ldd >/dev/null || ldd "$CDRSIFT" | grep -q libisal
'

# same CMD...: CMD (cdrsift, or a function running it) with ISA-L and
# with zlib; stdout, stderr and status compared, and kept under cmp/
same() {
	mkdir -p cmp
	"$@" >cmp/isal.out 2>cmp/isal.err
	echo $? >cmp/isal.rc
	(CDRSIFT_INFLATE=zlib && export CDRSIFT_INFLATE && "$@") \
		>cmp/zlib.out 2>cmp/zlib.err
	echo $? >cmp/zlib.rc
	for f in out err rc; do
		if ! cmp -s cmp/isal.$f cmp/zlib.$f; then
			echo "ISA-L and zlib differ ($f): $*"
			diff cmp/isal.$f cmp/zlib.$f | head -6
			return 1
		fi
	done
	# statuses are 0 to 4: anything else (a crash, valgrind's 99) fails
	# even when both runs fail alike
	if [ "$(cat cmp/isal.rc)" -gt 4 ]; then
		echo "exit status $(cat cmp/isal.rc): $*"
		return 1
	fi
}

# every gzip FILE given: stats -f json and filter --raw agree
same_all() {
	bad=0 n=0
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(head -c 1 "$f" | od -An -tx1 | tr -d ' ')" = 1f ] || continue
		n=$((n + 1))
		same cdrsift stats -f json "$f" || bad=$((bad + 1))
		same cdrsift filter --raw "$f" || bad=$((bad + 1))
	done
	echo "$n gzip files, $bad differences"
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

test_expect_success 'testdata/gz: ISA-L and zlib agree' '
	same_all "$TD"/gz/*
'
test_expect_success 'testdata/bad (gzip files): ISA-L and zlib agree' '
	same_all "$TD"/bad/*
'
test_expect_success 'the input fuzz corpus: ISA-L and zlib agree' '
	same_all "$TD"/fuzz/input/*
'

# ---- files made here: 70,000 rows, about 3 MB of CSV
/usr/bin/python3 - <<\PY
import random
r = random.Random(7)
with open("rows.csv", "w") as f:
    f.write("caller,callee,start,duration,cell\n")
    for i in range(70000):
        f.write("6012%07d,6019%07d,2025-01-%02d %02d:%02d:%02d,%d,%d\n" % (
            r.randrange(10**7), r.randrange(10**7), r.randrange(1, 29),
            r.randrange(24), r.randrange(60), r.randrange(60),
            r.randrange(3600), r.randrange(5000)))
PY
gzip -6 -n <rows.csv >big.csv.gz
gzip -1 <rows.csv >big1.csv.gz  # with a name and a time stamp
head -c 2000000 rows.csv | gzip -9 -n >two.csv.gz
tail -c +2000001 rows.csv | gzip -9 -n >>two.csv.gz
size=$(wc -c <big.csv.gz)
# flip one bit at byte offset $2 of $1 into $3
flip() {
	/usr/bin/python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[int(sys.argv[2])] ^= int(sys.argv[4])
open(sys.argv[3], "wb").write(d)' "$1" "$2" "$3" "${4:-16}"
}

test_setup 'the made files are larger than the read buffer' '
	test "$size" -gt 1048576 && test "$(wc -c <two.csv.gz)" -gt 1048576
'
test_expect_success 'clean files, one and two members: ISA-L and zlib agree' '
	same_all big.csv.gz big1.csv.gz two.csv.gz
'
test_expect_success 'damage far into a member (zlib reads it again): ISA-L and zlib agree' '
	flip big.csv.gz $((size - 7)) crc.gz &&
	flip big.csv.gz $((size - 2)) isize.gz &&
	flip big.csv.gz $((size - 5000)) late.gz &&
	flip big.csv.gz $((size / 2)) mid.gz 4 &&
	flip big.csv.gz 100 early.gz 2 &&
	head -c $((size - 3)) big.csv.gz >cut-trailer.gz &&
	head -c $((size - 100000)) big.csv.gz >cut-data.gz &&
	same_all crc.gz isize.gz late.gz mid.gz early.gz cut-trailer.gz \
		cut-data.gz &&
	same cdrsift stats -f json crc.gz &&
	grep -q "member 1 failed its CRC check at compressed offset $((size - 8))" \
		cmp/isal.err
'
test_expect_success 'garbage, padding and a damaged second member: ISA-L and zlib agree' '
	{ cat big.csv.gz; printf "GARBAGE\n"; } >garbage.gz &&
	{ cat big.csv.gz; head -c 1200000 /dev/zero; } >padded.gz &&
	{ cat big.csv.gz; head -c 1200000 /dev/zero; printf x; } >pad-garbage.gz &&
	tsize=$(wc -c <two.csv.gz) &&
	flip two.csv.gz $((tsize - 6)) two-crc.gz &&
	head -c $((tsize - 20000)) two.csv.gz >two-cut.gz &&
	same_all garbage.gz padded.gz pad-garbage.gz two-crc.gz two-cut.gz
'
# standard input: redirected from file $IN, read from a pipe, or from
# $IN after its first line (the descriptor does not start at offset 0)
from_file() { cdrsift filter --raw - <"$IN"; }
from_pipe() { cat "$IN" | cdrsift filter --raw -; }
part_way() { { read -r _ && cdrsift stats -f json -; } <"$IN"; }
test_expect_success 'standard input from a file, and from a pipe (always zlib)' '
	for IN in big.csv.gz crc.gz cut-data.gz two-crc.gz; do
		same from_pipe && cp cmp/zlib.out pipe.out &&
		cp cmp/zlib.err pipe.err && cp cmp/zlib.rc pipe.rc &&
		same from_file &&
		cmp -s pipe.out cmp/zlib.out && cmp -s pipe.err cmp/zlib.err &&
		cmp -s pipe.rc cmp/zlib.rc || { echo "differs: $IN"; exit 1; }
	done
'
test_expect_success 'standard input from a file read part-way: offsets count from there' '
	{ echo "a first line"; cat crc.gz; } >offset.gz && IN=offset.gz &&
	same part_way &&
	grep -q "CRC check at compressed offset $((size - 8))" cmp/isal.err
'

# A member valid but for an incomplete Huffman code, which zlib rejects
# (invalid literal/lengths set) and ISA-L 2.30 decodes: the one known
# difference (src/input.c, man page under CDRSIFT_INFLATE).
/usr/bin/python3 - <<\PY
import struct, zlib
bits = []
def put(v, n):                       # fields, least significant bit first
    bits.extend((v >> i) & 1 for i in range(n))
def code(c, n):                      # Huffman codes, most significant first
    bits.extend((c >> i) & 1 for i in reversed(range(n)))
put(1, 1); put(2, 2)                 # final block, dynamic codes
put(0, 5); put(0, 5); put(14, 4)     # 257 lengths, 1 distance, 18 cl codes
order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
cl = {1: 2, 2: 2, 17: 2, 18: 2}      # complete: codes 00 01 10 11
for s in order[:18]:
    put(cl.get(s, 0), 3)
clc = {1: 0, 2: 1, 17: 2, 18: 3}
code(clc[18], 2); put(97 - 11, 7)    # 0..96 unused
code(clc[2], 2); code(clc[2], 2)     # 'a' and 'b': length 2
code(clc[18], 2); put(127, 7)        # 99..236 unused
code(clc[18], 2); put(8, 7)          # 237..255 unused
code(clc[2], 2)                      # 256 (end of block): length 2
code(clc[1], 2)                      # one distance code, length 1
for c in (0, 1, 0, 2):               # a b a, end: 3 of 4 codes used
    code(c, 2)
raw = bytes(sum(b << i for i, b in enumerate(bits[k:k + 8]))
            for k in range(0, len(bits), 8))
data = b"aba"
open("incomplete.gz", "wb").write(b"\x1f\x8b\x08\0\0\0\0\0\0\x03" + raw +
    struct.pack("<II", zlib.crc32(data), len(data)))
PY
test_expect_success 'the incomplete-code member: zlib rejects it' '
	(CDRSIFT_INFLATE=zlib && export CDRSIFT_INFLATE &&
	 test_exit 1 cdrsift filter --raw incomplete.gz) 2>err &&
	grep -q "invalid literal/lengths set" err
'
test_expect_failure 'the incomplete-code member: ISA-L 2.30 reads it as zlib does' '
	same cdrsift filter --raw incomplete.gz
'
test_done
