#!/bin/sh
# Two header columns that reach one field (the same name twice, two
# aliases of one field, a served party beside a caller) are refused before
# any row is read: exit 1, 0 rows read, a message naming both columns and
# the --map that settles it (issue #10 item 2). With that --map, every row
# is read: read = the data lines Python's csv module counts.
. "$(dirname "$0")/lib.sh"

records() {
	/usr/bin/python3 -c '
import csv, sys
print(sum(1 for r in csv.reader(open(sys.argv[1], newline="")) if r) - 1)' "$1"
}
accounting() { # FILE KEY: a figure of the json meta's accounting
	/usr/bin/python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["meta"]["accounting"][sys.argv[2]])' "$1" "$2"
}

cat >dup.csv <<'X'
caller,callee,caller,start
60123456789,60198765432,60111111111,2025-01-03 08:00:00
60123456780,60198765432,60111111112,2025-01-03 09:00:00
X
cat >alias.csv <<'X'
A_NUMBER,calling_number,callee,start
60123456789,60111111111,60198765432,2025-01-03 08:00:00
60123456780,60111111112,60198765432,2025-01-03 09:00:00
X
cat >served.csv <<'X'
msisdn,caller,callee,start
60123456789,60111111111,60198765432,2025-01-03 08:00:00
X
cat >ipdup.csv <<'X'
subscriber,start,Private IP,src_ip,dst_ip
60123456789,2025-01-03 08:00:00,10.0.0.1,10.0.0.2,192.0.2.1
X

# refused FILE COLUMNS-TEXT: exit 1, read 0, message naming both columns
refused() {
	for cmd in stats "volume --by callee" filter; do
		for j in 1 2; do
			test_exit 1 cdrsift $cmd -j$j -f json "$1" >out.json 2>err ||
				return 1
			grep -q "^cdrsift: $1: line 1: ambiguous header: $2" err ||
				{ cat err; return 1; }
			grep -q "say which with --map" err || return 1
			test "$(grep -c . err)" = 1 || { cat err; return 1; }
		done
	done
	test "$(accounting out.json read)" = 0
}

test_expect_success 'the same name twice is refused' '
	refused dup.csv "column 1 .caller. and column 3 .caller. both reach field .caller.; say which with --map caller=1 or --map caller=3"
'
test_expect_success 'two aliases of one field are refused' '
	refused alias.csv "column 1 .A_NUMBER. and column 2 .calling_number. both reach field .caller.; say which with --map caller=A_NUMBER or --map caller=calling_number"
'
test_expect_success 'a served party beside a caller column is refused' '
	refused served.csv "column 1 .msisdn. and column 2 .caller. both reach field .caller."
'
test_expect_success 'an IP log with two source-address columns is refused' '
	refused ipdup.csv "column 3 .Private IP. and column 4 .src_ip. both reach field .src_ip.; say which with --map src_ip=3 or --map src_ip=src_ip"
'

# settled FILE MAP: exit 0, read = records, the chosen column is the caller
settled() {
	nrec=$(records "$1")
	for j in 1 2; do
		test_exit 0 cdrsift stats -j$j -f json --map "$2" "$1" >out.json ||
			return 1
		test "$(accounting out.json read)" = "$nrec" || return 1
	done
}
test_expect_success 'the --map in the message settles each case' '
	settled dup.csv caller=3 && settled dup.csv caller=1 &&
	settled alias.csv caller=calling_number &&
	settled served.csv caller=msisdn && settled ipdup.csv src_ip=3 &&
	test_exit 0 cdrsift filter -f csv --map caller=3 dup.csv >out &&
	test "$(cut -d, -f4 out | sed -n 2p)" = 60111111111 &&
	test_exit 0 cdrsift filter -f csv --map caller=msisdn served.csv >out &&
	test "$(cut -d, -f4 out | sed -n 2p)" = 60123456789
'

test_expect_success 'no header that cdrgen writes is ambiguous' '
	for d in canonical opa opb opc ipdr cgnat; do
		"$GEN" --dialect $d --rows 50 --seed 2 >g.csv &&
		test_exit 0 cdrsift stats -f csv g.csv >/dev/null 2>err &&
		! grep ambiguous err || return 1
	done
'

# An Asterisk cdr table exported with its header (FreePBX columns): clid
# and src, duration and billsec, uniqueid and sequence each reach one
# field. The preset decides for its own format: src, billsec, uniqueid.
cat >ast.csv <<'X'
calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,disposition,amaflags,accountcode,uniqueid,userfield,did,recordingfile,cnum,cnam,outbound_cnum,outbound_cnam,dst_cnam,linkedid,peeraccount,sequence
2025-01-03 08:00:00,"""Alice"" <1001>",1001,60123456789,from-internal,SIP/1001-0001,SIP/trunk-0002,Dial,SIP/trunk/60123456789,35,30,ANSWERED,DOCUMENTATION,,1735891200.1,,,,1001,Alice,,,,1735891200.1,,7
2025-01-03 09:00:00,"""Bob"" <1002>",1002,60123456780,from-internal,SIP/1002-0003,,Dial,SIP/trunk/60123456780,12,0,NO ANSWER,DOCUMENTATION,,1735894800.2,,,,1002,Bob,,,,1735894800.2,,8
X
test_expect_success 'an Asterisk header: the preset takes src, billsec and uniqueid' '
	/usr/bin/python3 -c "
import csv
for r in csv.DictReader(open(\"ast.csv\", newline=\"\")):
    print(r[\"uniqueid\"], r[\"src\"], r[\"dst\"], r[\"billsec\"])" >want &&
	for j in 1 2; do
		test_exit 0 cdrsift filter -j$j -f csv ast.csv >out &&
		/usr/bin/python3 -c "
import csv
for r in csv.DictReader(open(\"out\", newline=\"\")):
    print(r[\"id\"], r[\"caller\"], r[\"callee\"], r[\"duration\"])" >got &&
		test_cmp want got || return 1
	done &&
	test_exit 0 cdrsift schema -f csv ast.csv >out &&
	grep -q "^ast.csv,2,clid,,preset: not read," out &&
	grep -q "^ast.csv,10,duration,,preset: not read," out &&
	grep -q "^ast.csv,11,billsec,duration,preset," out
'
test_expect_success 'the same header without the preset: every ambiguity named at once' '
	test_exit 1 cdrsift stats -f csv --dialect none ast.csv >out 2>err &&
	grep -q "both reach field .id.; say which with --map id=uniqueid or --map id=sequence; also column 2 .clid. and column 3 .src. both reach field .caller.;.*; also column 10 .duration. and column 11 .billsec. both reach field .duration." err &&
	test_exit 0 cdrsift stats -f csv --dialect none \
		--map id=uniqueid,caller=src,duration=billsec ast.csv >out
'

test_expect_success 'fields of the other kind do not count (host and server in a CDR)' '
	printf "caller,callee,start,host,server\n601,602,2025-01-03 08:00:00,a,b\n" >k.csv &&
	test_exit 0 cdrsift stats -f csv k.csv >/dev/null
'
test_done
