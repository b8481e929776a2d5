#!/bin/sh
# make-bad.sh - (re)create the bad-input suite of issue 6 in testdata/bad/:
# damaged gzip (truncated in the header, the data and the trailer; CRC and
# length failures; corrupt data; trailing garbage; padding), multi-member
# files (valid, an empty member, a member split mid-row and inside a quoted
# field, a truncated second member), gzip inside gzip, empty and header-only
# files, line endings, BOMs and UTF-16, quoting errors, ragged rows, NUL
# bytes, invalid UTF-8, terminal escapes, a binary file, duplicate and
# colliding header names, impossible dates and positions.
# Everything is deterministic: rows come from printf and awk, `gzip -n` adds
# no name or time stamp, and binary bytes come from a fixed LCG. The bytes
# of gzip output may differ between gzip versions, so the committed files,
# not this script, are what expect.txt describes (offsets included).
#
#   sh make-bad.sh            write the small files next to this script
#   sh make-bad.sh --big DIR  write the big cases into DIR instead (never
#                             committed; tests/t/t1001 makes them at test
#                             time): a million fields in one row, a 10 MiB
#                             field, lines over one 64 KiB slice, and two
#                             decompression bombs of 1 GiB (BOMB_MB to change)
set -eu
LC_ALL=C
export LC_ALL

rows() {
	printf 'caller,callee,start,duration\n'
	printf '60123456789,60198765432,2025-01-03 08:00:00,60\n'
	printf '60123456789,60187654321,2025-01-03 08:05:10,125\n'
	printf '60198765432,60123456789,2025-01-03 09:12:44,7\n'
	printf '60111222333,60198765432,2025-01-03 12:30:00,300\n'
	printf '60123456789,60111222333,2025-01-03 23:59:59,42\n'
}

# 400 rows: enough deflate data to cut in the middle of it
many() {
	printf 'caller,callee,start,duration\n'
	awk 'BEGIN { for (i = 0; i < 400; i++)
		printf "601%08d,601%08d,2025-01-03 %02d:%02d:%02d,%d\n",
			i * 7919 % 100000000, i * 104729 % 100000000,
			i % 24, i * 7 % 60, i * 13 % 60, i * 37 % 3600 }'
}

size() {
	wc -c <"$1" | tr -d ' '
}
head_bytes() {
	head -c "$1"
}
skip_bytes() {
	tail -c +"$(($1 + 1))"
}
# write byte value $1 (0-255)
byte() {
	printf "\\$(printf '%03o' "$1")"
}
# the file $1 with the byte at offset $2 XOR $3
flip() {
	b=$(skip_bytes "$2" <"$1" | head_bytes 1 | od -An -tu1 | tr -d ' ')
	head_bytes "$2" <"$1"
	byte $((b ^ $3))
	skip_bytes $(($2 + 1)) <"$1"
}
# $1 bytes from a fixed LCG (seed $2), as one octal-escape stream
lcg_bytes() {
	awk -v n="$1" -v s="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			s = (s * 1103515245 + 12345) % 2147483648
			printf "\\%03o", int(s / 65536) % 256
			if (i % 64 == 63) printf "\n"
		}
	}' | while IFS= read -r line; do printf "$line"; done
}

big() {
	dir=$1
	mkdir -p "$dir"
	# a million fields in one row (2 MB, under the 4 MiB row cap)
	{
		printf 'caller,callee,start,duration\n'
		awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "a,"; print "a" }'
		printf '60123456789,60198765432,2025-01-03 08:00:00,60\n'
	} >"$dir/million-fields.csv"
	# one 10 MiB field, then a good row
	{
		printf 'caller,callee,start,status\n'
		printf '60123456789,60198765432,2025-01-03 08:00:00,'
		head -c 10485760 /dev/zero | tr '\0' x
		printf '\n60123456789,60198765432,2025-01-03 08:00:00,ok\n'
	} >"$dir/field-10mib.csv"
	# a quoted 10 MiB field that is never closed
	{
		printf 'caller,callee,start,status\n'
		printf '60123456789,60198765432,2025-01-03 08:00:00,"'
		head -c 10485760 /dev/zero | tr '\0' x
		printf '\n'
	} | gzip -n -1 >"$dir/field-10mib-quoted.csv.gz"
	# a rejected line longer than one 64 KiB slice: --rejects must keep
	# it whole
	{
		printf 'caller,callee,start,status\n'
		printf '60123456789,6019"8765432,2025-01-03 08:00:00,'
		head -c 70000 /dev/zero | tr '\0' y
		printf '\n60123456789,60198765432,2025-01-03 08:00:00,ok\n'
	} >"$dir/long-reject.csv"
	# an unterminated quote whose replayed lines hold a 70 KB line with a
	# doubled quote: the line must be rejected once, not read twice
	{
		printf 'caller,callee,start,status\n'
		printf '60123456789,60198765432,2025-01-03 08:00:00,"open\n'
		printf 'x""y'
		head -c 70000 /dev/zero | tr '\0' a
		printf '\nend\n60123456789,60198765432,2025-01-03 08:00:00,ok\n'
	} >"$dir/phantom-row.csv"
	# decompression bombs: a header, then BOMB_MB MiB (a multiple of 64)
	# of NUL bytes, or of "a," (one row of endless fields), about 1 MB of
	# gzip each. One 64 MiB member is compressed and repeated: a valid
	# multi-member file, made in a second instead of a minute.
	mb=${BOMB_MB:-1024}
	printf 'caller,callee,start,duration\n' | gzip -n >"$dir/bomb.head"
	head -c 67108864 /dev/zero | gzip -n -9 >"$dir/bomb.zeros"
	awk 'BEGIN { s = "a,"; for (i = 0; i < 16; i++) s = s s   # 128 KiB
		for (i = 0; i < 512; i++) printf "%s", s }' |
		gzip -n -9 >"$dir/bomb.fields"
	cp "$dir/bomb.head" "$dir/bomb-zeros.csv.gz"
	cp "$dir/bomb.head" "$dir/bomb-fields.csv.gz"
	i=0
	while [ $i -lt $((mb / 64)) ]; do
		cat "$dir/bomb.zeros" >>"$dir/bomb-zeros.csv.gz"
		cat "$dir/bomb.fields" >>"$dir/bomb-fields.csv.gz"
		i=$((i + 1))
	done
	rm -f "$dir/bomb.head" "$dir/bomb.zeros" "$dir/bomb.fields"
}

if [ "${1:-}" = --big ]; then
	big "${2:?usage: make-bad.sh --big DIR}"
	exit 0
fi

cd "$(dirname "$0")"

# ---- gzip damage ----
rows | gzip -n -9 >ok.csv.gz
many | gzip -n -9 >many.csv.gz
n=$(size ok.csv.gz)
m=$(size many.csv.gz)
head_bytes 5 <ok.csv.gz >gz-trunc-header.csv.gz
head_bytes $((m / 2)) <many.csv.gz >gz-trunc-data.csv.gz
head_bytes $((n - 3)) <ok.csv.gz >gz-trunc-trailer.csv.gz
flip ok.csv.gz $((n - 8)) 255 >gz-crc.csv.gz
flip ok.csv.gz $((n - 1)) 1 >gz-isize.csv.gz
flip many.csv.gz $((m / 2)) 85 >gz-corrupt-data.csv.gz
flip ok.csv.gz 2 15 >gz-bad-method.csv.gz
{ cat ok.csv.gz; printf 'GARBAGE\n'; } >gz-trailing-garbage.csv.gz
{ cat ok.csv.gz; head -c 512 /dev/zero; } >gz-zero-padding.csv.gz
{ cat ok.csv.gz; head -c 16 /dev/zero; printf 'x'; } >gz-padding-then-garbage.csv.gz
{ cat ok.csv.gz; printf '\037'; } >gz-lone-magic-byte.csv.gz
rm -f ok.csv.gz many.csv.gz

# ---- multi-member ----
{
	rows | head -n 3 | gzip -n
	rows | tail -n +4 | gzip -n
} >multi-valid.csv.gz
{
	rows | head -n 3 | gzip -n
	printf '' | gzip -n
	rows | tail -n +4 | gzip -n
} >multi-empty-member.csv.gz
# split at byte 100, in the middle of the second data row
{
	rows | head_bytes 100 | gzip -n
	rows | skip_bytes 100 | gzip -n
} >multi-split-row.csv.gz
quoted() {
	printf 'caller,callee,start,status\n'
	printf '60123456789,60198765432,2025-01-03 08:00:00,"a, ""quoted""\nnote"\n'
	printf '60198765432,60123456789,2025-01-03 09:00:00,plain\n'
}
# split inside the quoted field, between the two lines of "a, ...\nnote"
{
	quoted | head_bytes 90 | gzip -n
	quoted | skip_bytes 90 | gzip -n
} >multi-split-quoted.csv.gz
rows | skip_bytes 100 | gzip -n >second.tmp
{
	rows | head_bytes 100 | gzip -n
	head_bytes $(($(size second.tmp) - 12)) <second.tmp
} >multi-second-truncated.csv.gz
rm -f second.tmp
rows | gzip -n | gzip -n >gzip-in-gzip.csv.gz

# ---- empty, header only ----
: >empty.csv
printf '' | gzip -n >empty-member.csv.gz
printf '\n\r\n\n' >blank-lines.csv
rows | head -n 1 >header-only.csv

# ---- line endings, BOMs, UTF-16 ----
rows | tr '\n' '\r' >eol-cr.csv
rows | sed 's/$/\r/' >eol-crlf.csv
rows | awk 'NR % 2 { printf "%s\r\n", $0; next } { print }' >eol-mixed.csv
# a lone CR inside an LF file ends a line, as in CR and CRLF files: two rows
printf 'caller,callee,start,duration\n60123456789,60198765432,2025-01-03 08:00:00,60\r60198765432,60123456789,2025-01-03 09:12:44,7\n' >eol-lone-cr.csv
{ printf '\357\273\277'; rows; } >bom-utf8.csv
{ printf '\377\376'; printf "$(rows | od -An -v -tu1 | tr -s ' \n' '\n\n' | grep . | awk '{ printf "\\%03o\\000", $1 }')"; } >bom-utf16le.csv
{ printf '\376\377'; printf "$(rows | od -An -v -tu1 | tr -s ' \n' '\n\n' | grep . | awk '{ printf "\\000\\%03o", $1 }')"; } >bom-utf16be.csv
printf "$(rows | od -An -v -tu1 | tr -s ' \n' '\n\n' | grep . | awk '{ printf "\\%03o\\000", $1 }')" >utf16le-no-bom.csv

# ---- quoting, field counts, bytes ----
printf 'caller,callee,start,status\n60123456789,601987"65432,2025-01-03 08:00:00,x\n60198765432,60123456789,2025-01-03 09:00:00,ok\n' >quote-stray.csv
printf 'caller,callee,start,status\n60123456789,60198765432,2025-01-03 08:00:00,"closed" late\n60198765432,60123456789,2025-01-03 09:00:00,ok\n' >quote-text-after.csv
# the quote opened on line 2 is never closed: line 2 is rejected, and
# reading resumes at line 3 (DESIGN section 3)
printf 'caller,callee,start,status\n60123456789,60198765432,2025-01-03 08:00:00,"never closed\n60198765432,60123456789,2025-01-03 09:00:00,ok\n60111222333,60198765432,2025-01-03 12:30:00,ok\n' >quote-unterminated.csv
printf 'caller,callee,start,duration\n60123456789,60198765432\n60123456789,60198765432,2025-01-03 08:00:00,60,surplus\n60198765432,60123456789,2025-01-03 09:12:44,7\n' >ragged.csv
printf 'caller,callee,start,duration\n60123456789,601987\00065432,2025-01-03 08:00:00,60\n60198765432,60123456789,2025-01-03 09:12:44,7\n' >nul-byte.csv
printf 'caller,callee,start,status\n60123456789,60198765432,2025-01-03 08:00:00,caf\351 \300\257 \355\240\200 \377\n' >invalid-utf8.csv
printf 'caller,callee,start,status\n60123456789,60198765432,2025-01-03 08:00:00,\033]0;owned\007\033[2J\033[31mred\n\033[31m601,60198765432,2025-01-03 08:00:00,x\n60123456789,60198765432,2025-01-03 08:00:00\033[0m,x\n' >escape-values.csv
# ESC + "duration" still maps to duration: its name appears in the reject
printf 'caller,callee,start,\033duration,st\033[31matus\n60123456789,60198765432,2025-01-03 08:00:00,x\033[0m,ok\n' >escape-header.csv
lcg_bytes 4096 7 >binary.bin

# ---- a damaged cell table (--cells) ----
{
	printf 'cell,lat,lon\n'
	awk 'BEGIN { for (i = 0; i < 300; i++)
		printf "%d,%.6f,%.6f\n", 1000 + i, 3 + i / 1000, 101 + i / 997 }'
} | gzip -n -9 >cells.tmp
head_bytes $(($(size cells.tmp) / 2)) <cells.tmp >cells-truncated.csv.gz
rm -f cells.tmp

# ---- header names ----
printf 'caller,callee,caller,start\n60123456789,60198765432,60111111111,2025-01-03 08:00:00\n' >header-duplicate.csv
printf 'A_NUMBER,calling_number,callee,start\n60123456789,60111111111,60198765432,2025-01-03 08:00:00\n' >header-colliding.csv
printf 'foo,bar,baz\n1,2,3\n' >header-unknown.csv

# ---- impossible values ----
printf 'caller,callee,start,duration\n60123456789,60198765432,2025-02-29 08:00:00,60\n60123456789,60198765432,2025-13-01 08:00:00,60\n60123456789,60198765432,2025-01-03 24:00:00,60\n60123456789,60198765432,2025-01-03 08:00:60,60\n60123456789,60198765432,2024-02-29 08:00:00,60\n' >date-impossible.csv
printf 'caller,callee,start,duration,lat,lon\n60123456789,60198765432,2025-01-03 08:00:00,60,91,101.6\n60123456789,60198765432,2025-01-03 08:00:00,60,3.1,181\n60123456789,60198765432,2025-01-03 08:00:00,60,nan,101.6\n60123456789,60198765432,2025-01-03 08:00:00,60,-90,-180\n' >position-impossible.csv
printf 'caller,callee,start,duration\n60123456789,60198765432,2025-01-03 08:00:00,-5\n60123456789,60198765432,2025-01-03 08:00:00,99999999999999999999\n60123456789,60198765432,2025-01-03 08:00:00,1:60:00\n' >duration-impossible.csv
