#!/bin/sh
# --cells matches a record's cell on the full key it carries (issue 11
# item 1): a Malaysian CGI 502-16-852-2521 must not take the position of
# the German tower 262-2-852-2521 that shares its LAC and CI. The
# position stays unknown (counted under cell_ids_unknown), and only a
# record whose CGI is in the table gets a position. Figures from the
# test's own table: which keys it holds.
. "$(dirname "$0")/lib.sh"

cat >cells.csv <<\EOF
radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
LTE,262,2,852,2521,0,13.404954,52.520008,1000,10,1,0,0,0
LTE,502,16,1224,102405123,0,101.686855,3.139003,1000,10,1,0,0,0
EOF
cat >in.csv <<\EOF
caller,callee,start,cell
60123456789,60198765432,2025-01-03 08:00:00,502-16-852-2521
60123456789,60198765432,2025-01-03 09:00:00,502-16-1224-102405123
60123456789,60198765432,2025-01-03 10:00:00,262-2-852-2521
EOF
# row 1: not in the table (only a German tower with the same LAC and CI);
# rows 2 and 3: in it
test_expect_success 'a CGI in the table gets its position' '
	cdrsift filter -f csv --cells cells.csv in.csv >out.csv &&
	/usr/bin/python3 -c "
import csv
r = list(csv.DictReader(open(\"out.csv\", newline=\"\")))
assert (r[1][\"lat\"], r[1][\"lon\"]) == (\"3.139003\", \"101.686855\"), r[1]
assert (r[2][\"lat\"], r[2][\"lon\"]) == (\"52.520008\", \"13.404954\"), r[2]
"
'
test_expect_success 'a Malaysian CGI never takes a German position (issue 11 item 1)' '
	cdrsift filter -f csv --cells cells.csv in.csv >out.csv &&
	/usr/bin/python3 -c "
import csv
r = list(csv.DictReader(open(\"out.csv\", newline=\"\")))
assert (r[0][\"lat\"], r[0][\"lon\"]) == (\"\", \"\"), r[0]
" &&
	cdrsift stats -f csv --cells cells.csv in.csv >s.csv &&
	/usr/bin/python3 -c "
import csv
s = list(csv.DictReader(open(\"s.csv\", newline=\"\")))[0]
assert (s[\"cell_positions_filled\"], s[\"cell_ids_unknown\"]) == (\"2\", \"1\"), s
"
'
test_done
