#!/bin/sh
# Expression errors quote the expression's bytes with control bytes
# escaped, in the message ("found '...'") as on the repeated line, and a
# backslash as typed (issue 11 item 9; item 8: not escaped twice).
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start\n1,2,2025-01-01 00:00:00\n' >in.csv

# stderr may hold \n between its three lines and nothing else below 0x20
no_raw_controls='import sys
b = open(sys.argv[1], "rb").read()
bad = [c for c in b if (c < 0x20 and c != 0x0a) or c == 0x7f]
assert b, "no message"
assert not bad, ("raw control bytes", bad, b)
'

test_expect_success 'the fuzz crash input: no raw CR in found part' '
	test_exit 2 cdrsift filter -w "$(printf -- "--2d/--\r--0d--46")" in.csv >out 2>err &&
	test ! -s out &&
	/usr/bin/python3 -c "$no_raw_controls" err &&
	grep -q "found .--\\\\x0d--0d." err
'
/usr/bin/python3 - <<-\PY
	for c in (0x01, 0x07, 0x09, 0x0b, 0x0c, 0x0d, 0x1b, 0x7f):
	    open("tok.%02x" % c, "wb").write(b'caller == 1 "a' + bytes([c]) + b'b"')
	    open("chr.%02x" % c, "wb").write(b"caller == " + bytes([c]) + b"1")
	PY
for c in 01 07 09 0b 0c 0d 1b 7f; do
	test_expect_success "control byte 0x$c inside a token: quoted escaped" "
		test_exit 2 cdrsift filter -w \"\$(cat tok.$c)\" in.csv >out 2>err &&
		/usr/bin/python3 -c \"\$no_raw_controls\" err &&
		grep -q 'found \"a.x$c' err
	"
done
# tab and CR between tokens are white space; the others are errors
for c in 01 07 0b 0c 1b 7f; do
	test_expect_success "control byte 0x$c between tokens: message escaped" "
		test_exit 2 cdrsift filter -w \"\$(cat chr.$c)\" in.csv >out 2>err &&
		/usr/bin/python3 -c \"\$no_raw_controls\" err &&
		grep -q \"unexpected character '.x$c'\" err
	"
done
test_expect_success 'a backslash in a token is shown once, as typed' '
	test_exit 2 cdrsift filter -w "caller == 1 \"a\\\\b\"" in.csv 2>err &&
	/usr/bin/python3 - err <<-\PY
	import sys
	lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
	typed = "caller == 1 \"a\\\\b\""
	assert lines[1].strip() == typed, lines
	assert lines[0].endswith("found \"a\\\\b\""), lines[0]
	PY
'
test_done
