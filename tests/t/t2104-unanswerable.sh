#!/bin/sh
# A question the data cannot answer is an error before any row is read
# (issue #10 item 3): a volume key, or a field the -w filter names, that no
# column of an input maps to and that cannot be derived from the columns
# that do. Exit 2, nothing on standard output, a message naming the field,
# the input and its columns (read here from the header by Python's csv
# module). stats warns when an input has no start or no party column.
. "$(dirname "$0")/lib.sh"

cat >nocaller.csv <<'X'
callee,start,duration
60198765432,2025-01-03 08:00:00,5
60198765433,2025-01-03 09:00:00,7
X
printf 'caller,callee,duration\n601,602,5\n' >nostart.csv
printf 'imsi,cell,start\n502121,12,2025-01-03 08:00:00\n' >noparty.csv
"$GEN" --rows 200 --seed 7 >cdr.csv &&
"$GEN" --dialect opa --rows 200 --seed 7 >opa.csv &&
"$GEN" --dialect opb --rows 200 --seed 7 >opb.csv &&
"$GEN" --kind ip --rows 200 --seed 7 >ip.csv &&
"$GEN" --rows 10 --seed 7 --cells-out cells.csv >/dev/null || exit 2

columns() { # the header's columns, as the message lists them (first 12)
	/usr/bin/python3 -c '
import csv, sys
with open(sys.argv[1], newline="") as f:
    first = f.readline()
d = ";" if first.count(";") > first.count(",") else "|" if "|" in first else ","
h = next(csv.reader([first], delimiter=d))
print(", ".join(h[:12]) + (", ..." if len(h) > 12 else ""))' "$1"
}

# refused WHAT FIELD FILE... : exit 2, stdout empty, the message for FILE
refused() {
	by=$1 field=$2; shift 2
	for j in 1 2; do
		test_exit 2 cdrsift $cmd -j$j "$@" >out 2>err || return 1
		test ! -s out || { echo "output:"; cat out; return 1; }
		grep -q -F "field '$field' (asked for by $by) is not in this input" err ||
			{ cat err; return 1; }
	done
}

test_expect_success 'volume --by caller without a caller column' '
	cmd="volume --by caller" refused --by caller nocaller.csv &&
	grep -q -F "cdrsift: nocaller.csv: field '\''caller'\'' (asked for by --by) is not in this input: no column maps to it, and it cannot be derived from those that do (columns: $(columns nocaller.csv))" err
'
test_expect_success 'volume by a derived key that cannot be derived (hour, no start)' '
	cmd="volume --by hour" refused --by hour nostart.csv &&
	cmd="volume --by week" refused --by start nostart.csv
'
test_expect_success 'volume --split and --sort duration need their field too' '
	cmd="volume --by caller --split type" refused --split type nocaller.csv --map caller=callee &&
	cmd="volume --sort duration" refused "--sort duration" duration noparty.csv &&
	test_exit 0 cdrsift volume --by caller --split type cdr.csv >/dev/null &&
	test_exit 0 cdrsift volume --sort duration opb.csv >/dev/null
'
test_expect_success '-w dst_ip on a file detected as CDR: filter, stats, volume' '
	for c in filter stats "volume --by caller"; do
		cmd=$c refused -w dst_ip -w "dst_ip == 1.2.3.4" cdr.csv || return 1
	done &&
	grep -q -F "it is an IP-log field and this input is read as CDRs (columns: $(columns cdr.csv))" err
'
test_expect_success '-w on a field no column gives (imei), exists() included' '
	cmd=filter refused -w imei -w "imei == \"356938035643809\"" nocaller.csv &&
	cmd=filter refused -w imei -w "not exists(imei)" nocaller.csv &&
	cmd=filter refused -w hour -w "hour < 6" nostart.csv &&
	cmd=filter refused -w lat -w "lat > 3" noparty.csv
'
test_expect_success 'one input lacking the field: nothing is analysed, every lacking input named' '
	cp nocaller.csv nocaller2.csv &&
	test_exit 2 cdrsift volume --by caller cdr.csv nocaller.csv opa.csv nocaller2.csv >out 2>err &&
	test ! -s out &&
	grep -q "^cdrsift: nocaller.csv: field .caller." err &&
	grep -q "^cdrsift: nocaller2.csv: field .caller." err &&
	test "$(grep -c . err)" = 2
'
test_expect_success 'standard input is checked at its header: refused then, exit 2' '
	test_exit 2 cdrsift volume --by caller -f json cdr.csv - <nocaller.csv >out.json 2>err &&
	grep -q "^cdrsift: -: field .caller. (asked for by --by) is not in this input" err &&
	/usr/bin/python3 -c "
import csv, json
m = json.load(open(\"out.json\"))[\"meta\"]
n = sum(1 for r in csv.reader(open(\"cdr.csv\", newline=\"\"))) - 1
assert m[\"accounting\"][\"read\"] == n, (m[\"accounting\"], n)
"
'
# (a pipe read twice would lose its first rows, or wait for ever: timeout)
test_expect_success 'a named pipe is read once: checked at its header, no row lost' '
	mkfifo fifo &&
	{ cat cdr.csv >fifo & } &&
	test_exit 0 timeout 60 $CDRSIFT_RUN volume --by caller -f json fifo >out.json &&
	wait &&
	/usr/bin/python3 -c "
import csv, json
m = json.load(open(\"out.json\"))[\"meta\"]
n = sum(1 for r in csv.reader(open(\"cdr.csv\", newline=\"\"))) - 1
assert m[\"accounting\"][\"read\"] == n, (m[\"accounting\"], n)
" &&
	{ cat nocaller.csv >fifo & } &&
	test_exit 2 timeout 60 $CDRSIFT_RUN volume --by caller fifo >out 2>err &&
	wait &&
	grep -q "^cdrsift: fifo: field .caller." err
'
test_expect_success 'what can be derived is answered: exit 0' '
	test_exit 0 cdrsift volume --by subscriber opb.csv >/dev/null &&
	test_exit 0 cdrsift volume --by caller opb.csv >/dev/null &&
	test_exit 0 cdrsift volume --by date,hour opa.csv >/dev/null &&
	test_exit 0 cdrsift filter -w "duration > 10" opb.csv >/dev/null &&
	test_exit 0 cdrsift volume --by peer ip.csv >/dev/null &&
	test_exit 0 cdrsift volume --by direction opa.csv >/dev/null &&
	test_exit 0 cdrsift filter -w "lat > 3" --cells cells.csv opa.csv >/dev/null &&
	test_exit 0 cdrsift volume --by caller --map caller=callee nocaller.csv >out &&
	test "$(wc -l <out)" = 3
'
test_expect_success 'stats warns when no start or no party column is mapped' '
	test_exit 0 cdrsift stats -f csv nostart.csv >/dev/null 2>err &&
	grep -q "^cdrsift: nostart.csv: warning: no column gives the start time" err &&
	test_exit 0 cdrsift stats -f csv noparty.csv >/dev/null 2>err &&
	grep -q "^cdrsift: noparty.csv: warning: no column gives a party" err &&
	test_exit 0 cdrsift stats -f csv cdr.csv opa.csv opb.csv ip.csv >/dev/null 2>err &&
	test ! -s err
'
test_done
