#!/bin/sh
# xz, zstd and bzip2 streams (issue #12), found by their magic bytes
# whatever the name: each reads like the plain file (same accounting,
# bytes_uncompressed = the plain size), the SHA-256 is sha256sum's of the
# compressed file; a truncated or corrupted stream is damaged (exit 1),
# and every row Python's own decompressor recovers before the damage is
# counted, not one fewer (libarchive's filters dropped up to 64 KiB: xz and
# bzip2 now go through liblzma and libbz2). Concatenated streams read as
# one; bytes after the last stream are damage. Fixtures from Python's lzma
# and bz2 modules and zstd(1).
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<'PY'
import bz2, lzma, random
random.seed(12)
rows = ["caller,callee,start,duration"]
for i in range(40000):
    rows.append("6012%07d,6013%07d,2024-01-0%d 10:%02d:00,%d" % (
        random.randrange(10**7), random.randrange(10**7),
        random.randrange(1, 9), random.randrange(60), random.randrange(300)))
data = ("\n".join(rows) + "\n").encode()
open("p.csv", "wb").write(data)
open("p.xz", "wb").write(lzma.compress(data))
open("p.bz2", "wb").write(bz2.compress(data))
x = lzma.compress(data)
cut = x[:len(x) // 2]
open("cut.xz", "wb").write(cut)
# rows wholly inside what can be decompressed from the cut stream
part = lzma.LZMADecompressor().decompress(cut)
open("cut.max", "w").write("%d\n" % (part.count(b"\n") - 1))
z = bz2.compress(data, 1)  # 100k blocks: a cut leaves whole blocks before it
zcut = z[:len(z) * 2 // 3]
open("cut.bz2", "wb").write(zcut)
part = bz2.BZ2Decompressor().decompress(zcut)
open("cutbz.max", "w").write("%d\n" % (part.count(b"\n") - 1))
# concatenated streams (pbzip2, xz -T, cat a.xz b.xz), cut inside a row
half = data.index(b"\n", len(data) // 2) - 10
open("cat.xz", "wb").write(lzma.compress(data[:half]) + lzma.compress(data[half:]))
open("cat.bz2", "wb").write(bz2.compress(data[:half]) + bz2.compress(data[half:]))
# xz stream padding (zeros, a multiple of 4) between and after streams
open("pad.xz", "wb").write(lzma.compress(data[:half]) + b"\0" * 8 +
                           lzma.compress(data[half:]) + b"\0" * 4)
open("garbage.xz", "wb").write(x + b"not xz\n")
open("garbage.bz2", "wb").write(bz2.compress(data) + b"not bzip2\n")
b = bytearray(x)
b[len(b) * 3 // 4] ^= 0x55
open("bad.xz", "wb").write(bytes(b))
# what liblzma hands out before it finds the fault, one byte a call (a
# bigger call loses its output with the exception): rows read = lines
# begun, the last one cut short
d, out = lzma.LZMADecompressor(), bytearray()
try:
    out += d.decompress(bytes(b), 1)
    while not d.eof:
        out += d.decompress(b"", 1)
except lzma.LZMAError:
    pass
open("bad.max", "w").write("%d\n" % (out.count(b"\n") - 1 + (not out.endswith(b"\n"))))
PY
zstd -q -c p.csv >p.zst

acct() { # JSON: "read accepted rejected bytes_uncompressed sha256" (input 0)
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m, r = d["meta"], d["rows"][0]
a = m["accounting"]
print(a["read"], a["accepted"], a["rejected"], r["bytes_uncompressed"],
      m["inputs"][0]["sha256"])' "$1"
}
want_rows=$(( $(wc -l <p.csv) - 1 ))
plain_size=$(wc -c <p.csv)

test_expect_success 'plain file: rows as wc -l counts them' '
	cdrsift stats -f json p.csv >plain.json &&
	test "$(acct plain.json)" = "$want_rows $want_rows 0 $plain_size $(sha256sum <p.csv | cut -d" " -f1)"
'
for f in p.xz p.bz2 p.zst; do
	test_expect_success "$f reads like the plain file, -j1 and -j2" "
		for j in 1 2; do
			cdrsift stats -j\$j -f json $f >s.json &&
			test \"\$(acct s.json)\" = \"$want_rows $want_rows 0 $plain_size \$(sha256sum <$f | cut -d' ' -f1)\" ||
			return 1
		done
	"
done

test_expect_success 'zstd on standard input reads like the plain file' '
	cdrsift stats -f json - <p.zst >i.json &&
	test "$(acct i.json)" = "$want_rows $want_rows 0 $plain_size $(sha256sum <p.zst | cut -d" " -f1)"
'

test_expect_success 'the format is found by content: a .csv name on xz data' '
	cp p.xz named.csv &&
	cdrsift stats -f json named.csv >n.json &&
	test "$(acct n.json | cut -d" " -f1)" = "$want_rows"
'

test_expect_success 'a truncated xz stream: exit 1, every row Python recovers counted' '
	test_exit 1 cdrsift stats -f json cut.xz >c.json 2>err &&
	grep -q "^cdrsift: cut.xz: damaged xz stream (unexpected end of input) at or before compressed offset $(wc -c <cut.xz)\$" err &&
	test "$(acct c.json | cut -d" " -f2)" = "$(cat cut.max)" &&
	test "$(acct c.json | cut -d" " -f5)" = "$(sha256sum <cut.xz | cut -d" " -f1)"
'

test_expect_success 'a truncated bzip2 stream: exit 1, every row Python recovers counted' '
	test_exit 1 cdrsift stats -f json cut.bz2 >c.json 2>err &&
	grep -q "^cdrsift: cut.bz2: damaged bzip2 stream (unexpected end of input)" err &&
	test "$(cat cutbz.max)" -gt 0 &&
	test "$(acct c.json | cut -d" " -f2)" = "$(cat cutbz.max)"
'

test_expect_success 'a corrupted xz stream: exit 1, damaged in the json meta' '
	test_exit 1 cdrsift stats -f json bad.xz >b.json 2>err &&
	grep -q "^cdrsift: bad.xz: damaged xz stream (corrupt data) at or before compressed offset " err &&
	/usr/bin/python3 -c "
import json, sys
m = json.load(open(\"b.json\"))[\"meta\"]
assert m[\"inputs\"][0][\"damaged\"] is True
assert m[\"accounting\"][\"read\"] == $(cat bad.max) < $want_rows
"
'

for f in cat.xz cat.bz2 pad.xz; do
	test_expect_success "$f: concatenated streams read as one file, -j1 and -j2" "
		for j in 1 2; do
			cdrsift stats -j\$j -f json $f >s.json &&
			test \"\$(acct s.json | cut -d' ' -f1-4)\" = \"$want_rows $want_rows 0 $plain_size\" ||
			return 1
		done
	"
done

for f in garbage.xz garbage.bz2; do
	test_expect_success "$f: bytes after the last stream are damage, every row kept" "
		test_exit 1 cdrsift stats -f json $f >g.json 2>err &&
		grep -q 'damaged .* stream (trailing garbage after the last stream)' err &&
		test \"\$(acct g.json | cut -d' ' -f1-4)\" = \"$want_rows $want_rows 0 $plain_size\"
	"
done

# compressed twice is named and refused, like gzip inside gzip
/usr/bin/python3 - <<'PY'
import gzip, lzma
open("twice.xz", "wb").write(lzma.compress(open("p.xz", "rb").read()))
open("gz.xz", "wb").write(lzma.compress(gzip.compress(open("p.csv", "rb").read())))
PY
test_expect_success 'xz inside xz: refused with what to do, exit 3' '
	test_exit 3 cdrsift stats -f json twice.xz >t.json 2>err &&
	grep -q "^cdrsift: twice.xz: xz data inside xz data, which this version does not read: decompress it with xzcat" err
'
test_expect_success 'gzip inside xz: refused with what to do, exit 3' '
	test_exit 3 cdrsift stats -f json gz.xz >t.json 2>err &&
	grep -q "^cdrsift: gz.xz: gzip data inside xz data, which this version does not read: decompress it with xzcat, then decompress it with zcat" err
'

test_done
