#!/bin/sh
# Manifests (issue 17): `cdrsift manifest` writes what coreutils'
# sha256sum writes (the same bytes, and sha256sum -c accepts it, odd
# names included); --manifest refuses a tampered, missing or unlisted
# input before anything is read or written (exit 1, naming the file), and
# takes operators' manifests as sha256sum writes them (./ names, --tag).
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start,duration\n601,602,2025-01-03 08:00:00,60\n605,606,2025-01-03 09:00:00,7\n' >a.csv
mkdir sub
printf 'caller,callee,start,duration\n607,608,2025-01-04 10:00:00,30\n' | gzip -n >sub/b.csv.gz
cp a.csv 'we\ird.csv'
cp a.csv "$(printf 'line\nbreak.csv')"
nl=$(printf 'line\nbreak.csv')

test_expect_success 'manifest: the bytes sha256sum writes, odd names included' '
	cdrsift manifest a.csv sub/b.csv.gz "we\\ird.csv" "$nl" >m.sha &&
	sha256sum a.csv sub/b.csv.gz "we\\ird.csv" "$nl" >want.sha &&
	test_cmp want.sha m.sha
'
test_expect_success 'sha256sum -c accepts it' '
	sha256sum -c --strict m.sha >c.out &&
	test "$(grep -c ": OK\$" c.out)" = 4
'
test_expect_success 'manifest -o FILE writes the same; a missing file is exit 3, named' '
	cdrsift manifest -o m2.sha a.csv sub/b.csv.gz "we\\ird.csv" "$nl" &&
	cmp m.sha m2.sha &&
	test_exit 3 cdrsift manifest a.csv nosuch.csv >m3.sha 2>err &&
	grep -q "cannot open .nosuch.csv.: No such file" err &&
	sha256sum a.csv | test_cmp - m3.sha
'
test_expect_success '--manifest: inputs that match are analysed' '
	cdrsift stats -f csv -o ok.csv --manifest m.sha a.csv sub/b.csv.gz "$nl" &&
	test -s ok.csv
'
test_expect_success '--manifest: a name written another way is the same file' '
	cdrsift stats -f csv -o ok2.csv --manifest m.sha ./a.csv sub//b.csv.gz "$(pwd)/a.csv" &&
	test -s ok2.csv
'
cp sub/b.csv.gz b.orig
test_expect_success '--manifest refuses a tampered input before writing anything' '
	/usr/bin/python3 -c "
d = bytearray(open(\"sub/b.csv.gz\", \"rb\").read()); d[-9] ^= 1
open(\"sub/b.csv.gz\", \"wb\").write(d)" &&
	! sha256sum -c --quiet m.sha >/dev/null 2>&1 &&
	test_exit 1 cdrsift filter -f csv -o out.csv --rejects rej.csv \
		--provenance prov.json --manifest m.sha a.csv sub/b.csv.gz 2>err &&
	cp b.orig sub/b.csv.gz &&
	test ! -e out.csv && test ! -e rej.csv && test ! -e prov.json &&
	grep -q "^cdrsift: m.sha:2: .sub/b.csv.gz. does not match the manifest (sha256 [0-9a-f]*, listed $(sha256sum sub/b.csv.gz | cut -c1-64))\$" err &&
	test "$(grep -c "m.sha" err)" = 1
'
test_expect_success '--manifest refuses a missing input before writing anything' '
	mv a.csv a.away &&
	test_exit 1 cdrsift volume --by caller -o out.csv --manifest m.sha a.csv sub/b.csv.gz 2>err &&
	mv a.away a.csv &&
	test ! -e out.csv &&
	grep -q "^cdrsift: m.sha:1: cannot open .a.csv.: No such file or directory\$" err
'
test_expect_success '--manifest refuses an input it does not list' '
	cp a.csv extra.csv &&
	test_exit 1 cdrsift stats -o out.csv --manifest m.sha a.csv extra.csv 2>err &&
	test ! -e out.csv &&
	grep -q "^cdrsift: m.sha: .extra.csv. is not listed in the manifest\$" err
'
test_expect_success '--manifest: nothing is read (a FIFO input is not opened for reading)' '
	mkfifo fifo &&
	test_exit 1 cdrsift stats -o out.csv --manifest m.sha a.csv fifo 2>err &&
	test ! -e out.csv && grep -q "fifo" err
'
test_expect_success '--manifest with standard input is a usage error' '
	test_exit 2 cdrsift stats --manifest m.sha <a.csv 2>err &&
	test_exit 2 cdrsift stats --manifest m.sha - <a.csv 2>>err &&
	grep -q "standard input" err
'
test_expect_success 'an operator'"'"'s manifest: ./names, --tag lines, CRLF, comments' '
	{ echo "# delivery 2025-001"; sha256sum ./a.csv; sha256sum --tag sub/b.csv.gz; } |
		sed "s/\$/\r/" >op.sha &&
	sha256sum -c op.sha >/dev/null &&
	cdrsift stats -o op.csv --manifest op.sha a.csv ./sub/b.csv.gz &&
	test -s op.csv
'
test_expect_success 'a manifest line that is not sha256sum'"'"'s refuses the run, naming it' '
	{ sha256sum a.csv; echo "d41d8cd98f00b204e9800998ecf8427e  md5.csv"; } >bad.sha &&
	test_exit 1 cdrsift stats -o out.csv --manifest bad.sha a.csv 2>err &&
	test ! -e out.csv &&
	grep -q "^cdrsift: bad.sha:2: expected 64 hex digits, two spaces and a name\$" err &&
	test_exit 3 cdrsift stats --manifest nosuch.sha a.csv 2>err &&
	grep -q "cannot open .nosuch.sha." err
'
test_expect_success 'a name listed twice with two digests is refused' '
	{ sha256sum a.csv; sha256sum sub/b.csv.gz | sed "s,sub/b.csv.gz,./a.csv,"; } >dup.sha &&
	test_exit 1 cdrsift stats --manifest dup.sha a.csv 2>err &&
	grep -q "^cdrsift: dup.sha:2: .\\./a.csv. is listed twice with different digests (first on line 1)\$" err
'
test_expect_success '--manifest and --audit: the refused run is recorded, exit 1' '
	echo old >old.csv &&
	echo x >>a.csv &&
	test_exit 1 cdrsift stats --audit au.log -o old.csv --manifest m.sha a.csv 2>/dev/null &&
	echo old | cmp - old.csv &&
	/usr/bin/python3 -c "
import json; o = json.loads(open(\"au.log\").readline())
assert o[\"exit\"] == 1 and o[\"inputs\"] == [{\"path\": \"a.csv\", \"bytes\": None, \"sha256\": None}], o
# an old file of the output name is not vouched for
assert o[\"outputs\"] == [{\"path\": \"old.csv\", \"sha256\": None}], o"
'
test_done
