#!/bin/sh
# make-fixtures.sh - (re)create the gzip fixtures in testdata/gz/ used by the
# command-line tests: good, multi-member, truncated, trailing garbage, zero
# padding, CRC failure, empty and plain-named-.gz. `gzip -n` keeps the bytes
# reproducible (no name, no time stamp). Run from anywhere; writes next to
# this script.
set -eu
cd "$(dirname "$0")"
LC_ALL=C
export LC_ALL

ok_csv() {
	printf 'caller,callee,start,duration\n'
	printf '60123456789,60198765432,2025-01-03 08:00:00,60\n'
	printf '60123456789,60187654321,2025-01-03 08:05:10,125\n'
	printf '60198765432,60123456789,2025-01-03 09:12:44,7\n'
	printf '60111222333,60198765432,2025-01-03 12:30:00,300\n'
	printf '60123456789,60111222333,2025-01-03 23:59:59,42\n'
}

size() {
	wc -c <"$1" | tr -d ' '
}

# the first N bytes of stdin / stdin from byte offset N on
head_bytes() {
	head -c "$1"
}
skip_bytes() {
	dd bs=1 skip="$1" 2>/dev/null
}

ok_csv | gzip -n -9 >ok.csv.gz
n=$(size ok.csv.gz)

# two members, split at byte 100, in the middle of the second data row
{
	ok_csv | head_bytes 100 | gzip -n -9
	ok_csv | skip_bytes 100 | gzip -n -9
} >multi.csv.gz

head_bytes $((n - 10)) <ok.csv.gz >truncated.csv.gz

{ cat ok.csv.gz; printf 'GARBAGE\n'; } >garbage.csv.gz

{ cat ok.csv.gz; dd if=/dev/zero bs=512 count=1 2>/dev/null; } >padded.csv.gz

# flip every bit of the first byte of the CRC-32 trailer field
b=$(skip_bytes $((n - 8)) <ok.csv.gz | head_bytes 1 | od -An -tu1 | tr -d ' ')
{
	head_bytes $((n - 8)) <ok.csv.gz
	printf "\\$(printf '%o' $((b ^ 255)))"
	skip_bytes $((n - 7)) <ok.csv.gz
} >crc.csv.gz

: >empty.gz

ok_csv >plain-named.csv.gz
