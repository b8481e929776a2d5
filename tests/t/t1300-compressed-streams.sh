#!/bin/sh
# xz, zstd and bzip2 streams are read through libarchive (issue #12), found
# by their magic bytes whatever the name: each reads like the plain file
# (same accounting, bytes_uncompressed = the plain size), the SHA-256 is
# sha256sum's of the compressed file; a truncated or corrupted stream is
# damaged (exit 1) with libarchive's message, the rows before the damage
# counted. Fixtures from Python's lzma and bz2 modules and zstd(1).
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
b = bytearray(x)
b[len(b) * 3 // 4] ^= 0x55
open("bad.xz", "wb").write(bytes(b))
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

test_expect_success 'a truncated xz stream: exit 1, rows before the cut counted' '
	test_exit 1 cdrsift stats -f json cut.xz >c.json 2>err &&
	grep -q "^cdrsift: cut.xz: damaged xz stream (libarchive: " err &&
	read n rest <<-EOT &&
	$(acct c.json)
	EOT
	test "$n" -gt 0 && test "$n" -le "$(cat cut.max)" &&
	test "$(acct c.json | cut -d" " -f5)" = "$(sha256sum <cut.xz | cut -d" " -f1)"
'

test_expect_success 'a corrupted xz stream: exit 1, damaged in the json meta' '
	test_exit 1 cdrsift stats -f json bad.xz >b.json 2>err &&
	grep -q "^cdrsift: bad.xz: damaged xz stream (libarchive: " err &&
	/usr/bin/python3 -c "
import json, sys
m = json.load(open(\"b.json\"))[\"meta\"]
assert m[\"inputs\"][0][\"damaged\"] is True
assert m[\"accounting\"][\"read\"] < $want_rows
"
'

# libarchive stacks its filters: xz inside xz is read whole (documented),
# while gzip inside xz is named and refused like gzip inside gzip
/usr/bin/python3 - <<'PY'
import gzip, lzma
open("twice.xz", "wb").write(lzma.compress(open("p.xz", "rb").read()))
open("gz.xz", "wb").write(lzma.compress(gzip.compress(open("p.csv", "rb").read())))
PY
test_expect_success 'xz inside xz: read like the plain file' '
	cdrsift stats -f json twice.xz >t.json &&
	test "$(acct t.json | cut -d" " -f1-4)" = "$want_rows $want_rows 0 $plain_size"
'
test_expect_success 'gzip inside xz: refused with what to do, exit 3' '
	test_exit 3 cdrsift stats -f json gz.xz >t.json 2>err &&
	grep -q "^cdrsift: gz.xz: gzip data inside xz data, which this version does not read: decompress it with xzcat, then decompress it with zcat" err
'

test_done
