#!/bin/sh
# Inputs that read no row are accounted as 0 rows read and say what they
# are (issue #10 item 6): a header that is not valid CSV (was counted as
# one row read and rejected, "empty input"), gzip inside gzip, archives
# and compressions this version does not read (exit 3: cannot be read at
# all), a cell-site table given as an input. Each is still hashed: the
# SHA-256 in the json meta is sha256sum's.
. "$(dirname "$0")/lib.sh"

meta() { # FILE: "read rejected sha256" of the json meta's first input
	/usr/bin/python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["meta"]
a = m["accounting"]
print(a["read"], a["rejected"], m["inputs"][0]["sha256"])' "$1"
}

# unread FILE STATUS MESSAGE: every command and -j, 0 rows, hashed, message
unread() {
	sha=$(sha256sum "$1" | cut -d" " -f1)
	for cmd in stats "volume --by caller" filter schema; do
		for j in 1 2; do
			test_exit "$2" cdrsift $cmd -j$j -f json "$1" >out.json 2>err ||
				return 1
			grep -q -F "cdrsift: $1: $3" err || { cat err; return 1; }
			test "$(grep -c . err)" = 1 || { cat err; return 1; }
			test "$(meta out.json)" = "0 0 $sha" ||
				{ echo "$cmd: $(meta out.json)"; return 1; }
		done
	done
}

printf '"caller,callee,start\n601,602,2025-01-03 08:00:00\n' >badhdr.csv
printf '"caller,callee,start\n' >badhdr-only.csv
test_expect_success 'a header that is not valid CSV reads 0 rows' '
	unread badhdr.csv 1 "line 1: header not understood: unterminated quoted field"
'
test_expect_success 'a lone header line that is not valid CSV: 0 rows, not "empty"' '
	unread badhdr-only.csv 1 "line 1: header not understood: unterminated quoted field"
'
test_expect_success 'without a header a first line that is not CSV is one rejected row, reported' '
	printf "a\"b,602,2025-01-03 08:00:00\n601,602,2025-01-03 09:00:00\n" >nohdr.csv &&
	for j in 1 2; do
		test_exit 1 cdrsift stats -j$j -f json --no-header --rejects rej.csv \
			--map caller=1,callee=2,start=3 nohdr.csv >out.json 2>err &&
		test "$(meta out.json | cut -d" " -f1-2)" = "2 1" &&
		grep -q "^cdrsift: nohdr.csv:1: quote inside an unquoted field" err &&
		test "$(grep -c "^\"nohdr.csv\",1," rej.csv)" = 1 || return 1
	done
'
test_expect_success 'without a header, every line rejected: said so, not "empty"' '
	printf "a\"b,602\nc\"d,603\n" >allbad.csv &&
	test_exit 1 cdrsift stats -f json --no-header --map caller=1 allbad.csv >out.json 2>err &&
	test "$(meta out.json | cut -d" " -f1-2)" = "2 2" &&
	grep -q "^cdrsift: allbad.csv: no valid row: each of its 2 rows was rejected" err &&
	grep -q "^cdrsift: allbad.csv:2: quote inside an unquoted field" err
'

printf 'caller,callee,start\n601,602,2025-01-03 08:00:00\n' >rows.csv
gzip -n -c rows.csv | gzip -n -c >twice.csv.gz
test_expect_success 'gzip inside gzip: exit 3, says to decompress once' '
	unread twice.csv.gz 3 "gzip data inside gzip (compressed twice): decompress it once with zcat" &&
	zcat twice.csv.gz | cdrsift stats -f csv - >out.csv &&
	test "$(sed -n 2p out.csv | cut -d, -f8)" = 1
'

/usr/bin/python3 - <<'PY'
import bz2, lzma, tarfile, zipfile
data = open("rows.csv", "rb").read()
with zipfile.ZipFile("d.zip", "w") as z:
    z.write("rows.csv")
with tarfile.open("d.tar", "w") as t:
    t.add("rows.csv")
with tarfile.open("d.tar.gz", "w:gz") as t:
    t.add("rows.csv")
open("d.csv.xz", "wb").write(lzma.compress(data))
open("d.csv.bz2", "wb").write(bz2.compress(data))
# zstd, 7z and rar by their magic numbers (frame / signature headers)
open("d.csv.zst", "wb").write(b"\x28\xb5\x2f\xfd\x04\x58" + data)
open("d.7z", "wb").write(b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24))
open("d.rar", "wb").write(b"Rar!\x1a\x07\x01\x00" + bytes(24))
PY
test_expect_success 'a zip archive is read by name (issue 12), refused on stdin: exit 3' '
	cdrsift stats -f csv d.zip >out.csv 2>err &&
	test "$(grep "^d.zip:rows.csv," out.csv | cut -d, -f8)" = 1 &&
	test_exit 3 cdrsift stats -f csv - <d.zip >out.csv 2>err &&
	grep -q "a zip archive on standard input, which cdrsift does not unpack: name the file" err
'
test_expect_success 'a tar archive and a .tar.gz are read by name (issue 12)' '
	cdrsift stats -f csv d.tar >out.csv 2>err &&
	test "$(grep "^d.tar:rows.csv," out.csv | cut -d, -f8)" = 1 &&
	cdrsift stats -f csv d.tar.gz >out.csv 2>err &&
	test "$(grep "^d.tar.gz:rows.csv," out.csv | cut -d, -f8)" = 1
'
test_expect_success 'xz and bzip2 are read (issue 12); a false zstd frame is damaged' '
	cdrsift stats -f csv d.csv.xz d.csv.bz2 >out.csv &&
	test "$(sed -n 2p out.csv | cut -d, -f8)" = 1 &&
	test "$(sed -n 3p out.csv | cut -d, -f8)" = 1 &&
	test_exit 1 cdrsift stats -f csv d.csv.zst >out.csv 2>err &&
	grep -q "^cdrsift: d.csv.zst: damaged zstd stream (libarchive: " err
'
test_expect_success '7z and rar archives: exit 3' '
	unread d.7z 3 "a 7z archive, which this version does not read" &&
	unread d.rar 3 "a rar archive, which this version does not read"
'
test_expect_success 'an unreadable input among good ones: the good ones are read' '
	test_exit 3 cdrsift stats -f csv rows.csv d.7z rows.csv >out.csv 2>err &&
	test "$(grep -c "^rows.csv," out.csv)" = 2 &&
	test "$(grep "^(total)," out.csv | cut -d, -f8)" = 2
'
test_expect_success 'a missing input: its own message, named once, exit 3' '
	test_exit 3 cdrsift stats -f csv rows.csv nope.csv >out.csv 2>err &&
	grep -qx "cdrsift: cannot open .nope.csv.: No such file or directory" err &&
	test "$(grep -c "^rows.csv," out.csv)" = 1
'
test_expect_success 'an input that cannot be read: named once, exit 3' '
	mkdir adir &&
	test_exit 3 cdrsift stats -f csv adir >out.csv 2>err &&
	test "$(grep -c "adir" err)" = 1 &&
	grep -q "^cdrsift: adir: " err
'

"$GEN" --rows 10 --cells-out cells.csv >/dev/null || exit 2
printf 'cell_id,latitude,longitude\n1234,3.1,101.6\n' >generic-cells.csv
test_expect_success 'an OpenCellID table as input: 0 rows, says to use --cells' '
	unread cells.csv 1 "a cell-site table (cell id with latitude and longitude), not records: pass it with --cells FILE"
'
test_expect_success 'a generic cell table as input: 0 rows, says to use --cells' '
	unread generic-cells.csv 1 "a cell-site table (cell id with latitude and longitude), not records: pass it with --cells FILE"
'
test_expect_success 'records with a cell and a position are still records' '
	printf "caller,start,cell,lat,lon\n601,2025-01-03 08:00:00,1234,3.1,101.6\n" >recs.csv &&
	test_exit 0 cdrsift stats -f json recs.csv >out.json &&
	test "$(meta out.json | cut -d" " -f1)" = 1
'
test_done
