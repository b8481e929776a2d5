#!/bin/sh
# zip and tar deliveries (issue #12): an archive (bare zip; tar bare or in
# gzip, xz, zstd, bzip2; found by content) is unpacked once before the run
# and each regular member is an input of its own, "ARCHIVE:MEMBER", with
# the same counts and SHA-256 as the loose file; the archive's own row
# comes first (its bytes and sha256sum's SHA-256) and the (total) bytes
# count it once. Damage: a truncated zip keeps the members before the cut
# (exit 1); a bad CRC or an encrypted member damages that member only; a
# nested archive and an archive on stdin are refused (exit 3). Fixtures
# from Python's zipfile/tarfile, oracles hashlib, wc and mawk.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<'PY'
import hashlib, io, os, random, struct, tarfile, zipfile
random.seed(1301)
def csv(n):
    rows = ["caller,callee,start,duration"]
    for i in range(n):
        rows.append("6012%07d,6013%07d,2024-01-0%d 10:%02d:00,%d" % (
            random.randrange(10**7), random.randrange(10**7),
            random.randrange(1, 9), random.randrange(60), random.randrange(300)))
    return ("\n".join(rows) + "\n").encode()
os.makedirs("q1", exist_ok=True)
files = {"q1/day01.csv": csv(3000), "q1/day02.csv": csv(2000), "q2.csv": csv(1000)}
for k, v in files.items():
    open(k, "wb").write(v)
with zipfile.ZipFile("d.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("q1/"), b"")
    for k in files:
        z.write(k)
with tarfile.open("d.tar", "w") as t:
    t.add("q1/day01.csv"); t.add("q2.csv")
    li = tarfile.TarInfo("link.csv"); li.type = tarfile.SYMTYPE; li.linkname = "q2.csv"
    t.addfile(li)
os.system("zstd -q -f d.tar -o d.tar.zst")
# truncated: cut inside the third member's data
z = open("d.zip", "rb").read()
with zipfile.ZipFile("d.zip") as zz:
    last = zz.getinfo("q2.csv")
cut = last.header_offset + 30 + len("q2.csv") + last.compress_size // 2
open("cut.zip", "wb").write(z[:cut])
# bad CRC: stored member, one data byte flipped
with zipfile.ZipFile("crc.zip", "w", zipfile.ZIP_STORED) as zz:
    zz.write("q1/day01.csv"); zz.write("q2.csv")
b = bytearray(open("crc.zip", "rb").read())
with zipfile.ZipFile("crc.zip") as zz:
    i = zz.getinfo("q1/day01.csv")
pos = i.header_offset + 30 + len("q1/day01.csv") + 500
b[pos] = ord("7") if b[pos] != ord("7") else ord("8")
open("crc.zip", "wb").write(bytes(b))
# encrypted: the general-purpose flag bit 0 set by hand on the first member
b = bytearray(open("d.zip", "rb").read())
with zipfile.ZipFile("d.zip") as zz:
    i = zz.getinfo("q1/day01.csv")
b[i.header_offset + 6] |= 1
open("enc.zip", "wb").write(bytes(b))
# nested: a zip inside a zip, beside a csv
with zipfile.ZipFile("nest.zip", "w") as zz:
    zz.write("d.zip"); zz.write("q2.csv")
# an odd member name (a newline in it)
with zipfile.ZipFile("odd.zip", "w") as zz:
    zz.writestr("a\nb.csv", files["q2.csv"])
PY
Z=cdrsift
rows() { echo $(( $(wc -l <"$1") - 1 )); }
col() { # FILE INPUT COLUMN: that input's column in stats -f csv output
	mawk -F, -v n="$2" -v c="$3" '$1 == n { print $c }' "$1"
}

test_expect_success 'zip of three members: each counted as the loose file' '
	cdrsift stats -f csv d.zip >out.csv 2>err &&
	for m in q1/day01.csv q1/day02.csv q2.csv; do
		test "$(col out.csv "d.zip:$m" 8)" = "$(rows $m)" &&
		test "$(col out.csv "d.zip:$m" 4)" = "$(sha256sum <$m | cut -c1-64)" || return 1
	done &&
	test "$(col out.csv "(total)" 8)" = $(( $(rows q1/day01.csv) + $(rows q1/day02.csv) + $(rows q2.csv) ))
'
test_expect_success 'the archive row comes first: its bytes and SHA-256; (total) bytes counts it once' '
	test "$(sed -n 2p out.csv | cut -d, -f1)" = d.zip &&
	test "$(col out.csv d.zip 2)" = "$(wc -c <d.zip)" &&
	test "$(col out.csv d.zip 4)" = "$(sha256sum <d.zip | cut -c1-64)" &&
	test "$(col out.csv "(total)" 2)" = "$(wc -c <d.zip)"
'
test_expect_success 'zip totals = the loose files read together' '
	cdrsift stats -f csv q1/day01.csv q1/day02.csv q2.csv >loose.csv &&
	test "$(grep "^(total)" out.csv | cut -d, -f8-30)" = "$(grep "^(total)" loose.csv | cut -d, -f8-30)"
'
test_expect_success 'tar.zst of two: same totals as the members one by one; the link is noted, not read' '
	cdrsift stats -f csv d.tar.zst >tz.csv 2>err &&
	test "$(col tz.csv d.tar.zst:q1/day01.csv 8)" = "$(rows q1/day01.csv)" &&
	test "$(col tz.csv d.tar.zst:q2.csv 8)" = "$(rows q2.csv)" &&
	test "$(col tz.csv d.tar.zst 4)" = "$(sha256sum <d.tar.zst | cut -c1-64)" &&
	! grep -q "^d.tar.zst:link.csv" tz.csv &&
	grep -q "d.tar.zst: note: not read: 1 link (.link.csv.)" err
'
test_expect_success 'the zip directory entry is no input and no note' '
	cdrsift stats -f csv d.zip >out.csv 2>err &&
	python3 -c "import zipfile; assert \"q1/\" in zipfile.ZipFile(\"d.zip\").namelist()" &&
	! grep -q "not read" err &&
	test -z "$(col out.csv d.zip 34)" &&
	test "$(grep -c "^d.zip" out.csv)" = 4
'
test_expect_success 'truncated zip: members before the cut whole, the cut member damaged, exit 1' '
	test_exit 1 cdrsift stats -f csv cut.zip >c.csv 2>err &&
	test "$(col c.csv cut.zip:q1/day01.csv 8)" = "$(rows q1/day01.csv)" &&
	test "$(col c.csv cut.zip:q1/day02.csv 8)" = "$(rows q1/day02.csv)" &&
	test "$(col c.csv cut.zip:q1/day01.csv 7)" = no &&
	test "$(col c.csv cut.zip:q2.csv 7)" = yes &&
	test "$(col c.csv cut.zip:q2.csv 8)" -lt "$(rows q2.csv)" &&
	grep -q "cut.zip:q2.csv: damaged member" err
'
test_expect_success 'a bad CRC damages that member only (exit 1)' '
	test_exit 1 cdrsift stats -f csv crc.zip >c.csv 2>err &&
	test "$(col c.csv crc.zip:q1/day01.csv 7)" = yes &&
	test "$(col c.csv crc.zip:q2.csv 7)" = no &&
	test "$(col c.csv crc.zip:q2.csv 8)" = "$(rows q2.csv)"
'
test_expect_success 'an encrypted member is damaged with a reason; the others read' '
	test_exit 1 cdrsift stats -f csv enc.zip >c.csv 2>err &&
	grep -q "enc.zip:q1/day01.csv: an encrypted member" err &&
	test "$(col c.csv enc.zip:q2.csv 8)" = "$(rows q2.csv)"
'
test_expect_success 'a zip inside a zip is refused (exit 3); its sibling is read' '
	test_exit 3 cdrsift stats -f csv nest.zip >c.csv 2>err &&
	grep -q "nest.zip:d.zip: a zip archive inside the archive" err &&
	test "$(col c.csv nest.zip:q2.csv 8)" = "$(rows q2.csv)"
'
test_expect_success 'an archive on standard input is refused (exit 3)' '
	test_exit 3 cdrsift stats -f csv - <d.tar >/dev/null 2>err &&
	grep -q "a tar archive on standard input" err
'
test_expect_success 'an odd member name is escaped in messages and reports' '
	cdrsift stats -f csv odd.zip >c.csv 2>err &&
	test "$(grep -F "odd.zip:a\\x0ab.csv," c.csv | cut -d, -f8)" = "$(rows q2.csv)"
'
test_expect_success 'json meta lists the archive then its members, with SHA-256s' '
	cdrsift stats -f json d.zip >o.json &&
	/usr/bin/python3 -c "
import json, hashlib, sys
m = json.load(open(\"o.json\"))[\"meta\"][\"inputs\"]
assert m[0][\"path\"] == \"d.zip\", m[0]
assert m[0][\"sha256\"] == hashlib.sha256(open(\"d.zip\",\"rb\").read()).hexdigest()
for e in m[1:]:
    f = e[\"path\"].split(\":\", 1)[1]
    assert e[\"sha256\"] == hashlib.sha256(open(f,\"rb\").read()).hexdigest(), e
assert len(m) == 4
"
'
test_expect_success 'the private folder is gone after the run' '
	mkdir tmpd &&
	TMPDIR=$PWD/tmpd cdrsift stats -f csv d.zip cut.zip >/dev/null 2>&1;
	test -z "$(ls tmpd)"
'
test_expect_success 'merge refuses a member and the same loose file; --expect takes the archive and members' '
	cdrsift stats --partial a.part d.zip 2>/dev/null &&
	cdrsift stats --partial b.part q2.csv &&
	test_exit 2 cdrsift merge a.part b.part >/dev/null 2>err &&
	grep -q "covered twice (also as .d.zip:q2.csv.)" err &&
	sha256sum d.zip q1/day01.csv >m.sha &&
	cdrsift merge --expect m.sha a.part >/dev/null 2>err &&
	! grep -q "not covered" err &&
	echo nope >x.csv && sha256sum x.csv >>m.sha &&
	test_exit 1 cdrsift merge --expect m.sha a.part >/dev/null 2>err &&
	grep -q "not covered by any partial: .x.csv." err
'
test_expect_success '--audit lists the archive, not its members' '
	cdrsift stats -f csv --audit au.log d.zip >/dev/null &&
	grep -q "d.zip" au.log && ! grep -q "d.zip:" au.log
'
test_done
