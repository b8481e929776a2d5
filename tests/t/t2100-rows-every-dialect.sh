#!/bin/sh
# Every data row is read exactly once, whatever the dialect, the preset,
# the header and the thread count (issue #10 item 1: with --no-header or
# the header-less Asterisk preset the first data row was lost).
# For each dialect cdrgen writes, and each way of reading it (its header;
# the header removed and --no-header; Asterisk detected and forced),
# 'read' must equal the records Python's csv module counts in the bytes
# given, at -j1 and -j2, with small blocks so that rows cross blocks.
. "$(dirname "$0")/lib.sh"
: "${GEN:?CDRSIFT_GEN must name cdrgen}"

# records in FILE (csv module, delimiter D), minus SKIP header lines
count_records() {
	/usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import csv, sys
path, delim, skip = sys.argv[1], sys.argv[2], int(sys.argv[3])
delim = "\t" if delim == "tab" else delim
with open(path, newline="") as f:
    n = sum(1 for rec in csv.reader(f, delimiter=delim) if rec)
print(n - skip)
PY
}

# the 'read' figure of stats' (total) row
read_figure() {
	/usr/bin/python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["input"] == "(total)": print(r["read"])' "$1"
}

# check DESC FILE DELIM SKIP OPTIONS...: read == records, -j1 and -j2
check() {
	desc=$1 file=$2 delim=$3 skip=$4; shift 4
	want=$(count_records "$file" "$delim" "$skip") || return 1
	[ "$want" -gt 0 ] || { echo "no records counted in $file"; return 1; }
	for j in 1 2; do
		for bs in 0 4096; do
			CDRSIFT_BLOCK_SIZE=$bs cdrsift stats -j$j -f csv \
				--max-reject-messages 0 "$@" "$file" >out.csv 2>err
			rc=$?
			if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
				echo "$desc -j$j: exit $rc"; cat err; return 1
			fi
			got=$(read_figure out.csv)
			if [ "$got" != "$want" ]; then
				echo "$desc -j$j block $bs: read $got, python counts $want"
				return 1
			fi
		done
	done
}

for d in canonical opa opb opc asterisk ipdr cgnat; do
	for bad in 0 0.03; do
		$GEN --dialect $d --rows 700 --seed 21 --bad-rate $bad >$d-$bad.csv ||
			exit 2
	done
done
delim_of() {
	case $1 in opa) echo ';' ;; opb) echo '|' ;; opc) echo tab ;; *) echo , ;; esac
}

for d in canonical opa opb opc ipdr cgnat; do
	for bad in 0 0.03; do
		f=$d-$bad.csv dl=$(delim_of $d)
		test_expect_success "$d (bad rate $bad), with its header: read = records" "
			check '$d' $f '$dl' 1
		"
		tail -n +2 $f >$d-$bad-nohdr.csv
		test_expect_success "$d (bad rate $bad), header removed, --no-header: read = records" "
			check '$d no header' $d-$bad-nohdr.csv '$dl' 0 \
				--no-header --map imsi=1
		"
	done
done

for bad in 0 0.03; do
	test_expect_success "asterisk (bad rate $bad), preset detected: read = records" "
		check asterisk asterisk-$bad.csv , 0
	"
	test_expect_success "asterisk (bad rate $bad), --dialect asterisk: read = records" "
		check 'asterisk forced' asterisk-$bad.csv , 0 --dialect asterisk
	"
	test_expect_success "asterisk (bad rate $bad), --no-header --map: read = records" "
		check 'asterisk no header' asterisk-$bad.csv , 0 \
			--no-header --map caller=2,callee=3,start=10
	"
done

# Asterisk's columns with a header line (a cdr_custom layout, or a PBX
# database export): the preset by names
for bad in 0 0.03; do
	{ echo accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags,uniqueid
	  cat asterisk-$bad.csv; } >asterisk-hdr-$bad.csv
	test_expect_success "asterisk (bad rate $bad) with a header line: read = records" "
		check 'asterisk header' asterisk-hdr-$bad.csv , 1 &&
		check 'asterisk header forced' asterisk-hdr-$bad.csv , 1 --dialect asterisk
	"
done

test_expect_success 'the issue example: two rows with --no-header read 2' '
	printf "a,b,2025-01-01 00:00:00,5\nc,d,2025-01-01 01:00:00,6\n" >two.csv &&
	for j in 1 2; do
		test_exit 0 cdrsift stats -j$j -f csv --no-header \
			--map caller=1,callee=2,start=3,duration=4 two.csv >out.csv &&
		test "$(read_figure out.csv)" = 2 || return 1
	done
'

test_expect_success 'a header-less first row keeps its line number in rejects' '
	printf "a,b,xx,5\nc,d,2025-01-01 01:00:00,6\ne,f,yy,7\n" >bad.csv &&
	for j in 1 2; do
		test_exit 1 cdrsift stats -j$j -f csv --no-header \
			--map caller=1,callee=2,start=3,duration=4 bad.csv \
			>out.csv 2>err &&
		grep -c "^cdrsift: bad.csv:[13]: unparsable start" err >n &&
		test "$(cat n)" = 2 || { cat err; return 1; }
	done
'

test_done
