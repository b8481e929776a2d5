#!/bin/sh
# Missing is not zero (issue 11 item 7): a group's bytes_up/bytes_down are
# the sum over its records that carry them, and missing (empty in csv,
# null in json) when none does, as durations are; `stats` shows how each
# input's columns were mapped (DESIGN section 5: field <- column); the
# --rejects file escapes control bytes in its file column as the detail
# column does. Expected values: Python's csv and json modules.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

cat >ip.csv <<'CSV'
subscriber,start,dst_ip,bytes_up,bytes_down,duration
601,2025-01-03T08:00:00Z,192.0.2.1,,5,1
601,2025-01-03T08:00:01Z,192.0.2.2,,0,
602,2025-01-03T08:00:02Z,192.0.2.1,7,,2
602,2025-01-03T08:00:03Z,192.0.2.1,0,,
603,2025-01-03T08:00:04Z,192.0.2.3,,,
604,2025-01-03T08:00:05Z,192.0.2.3,3,4,
CSV
cat >bytes.py <<'PY'
import csv, sys
g = {}
for r in csv.DictReader(open('ip.csv')):
    e = g.setdefault(r['subscriber'], {'up': None, 'down': None})
    for c, k in (('bytes_up', 'up'), ('bytes_down', 'down')):
        if r[c] != '':
            e[k] = (e[k] or 0) + int(r[c])
for s in sorted(g):
    print('%s,%s,%s' % (s, '' if g[s]['up'] is None else g[s]['up'],
                       '' if g[s]['down'] is None else g[s]['down']))
PY

test_expect_success 'bytes: the sum over the records that have them, else missing' '
	$PY bytes.py >want &&
	cdrsift volume --by subscriber --sort key -f csv ip.csv >out &&
	head -1 out | cut -d, -f6,7 | grep -qx "bytes_up,bytes_down" &&
	tail -n +2 out | cut -d, -f1,6,7 >got &&
	test_cmp want got
'
test_expect_success 'json: a missing byte count is null, a zero one 0' '
	cdrsift volume --by subscriber --sort key -f json ip.csv >out.json &&
	$PY -c "
import json
rows = {r[\"subscriber\"]: r for r in json.load(open(\"out.json\"))[\"rows\"]}
assert rows[\"601\"][\"bytes_up\"] is None, rows[\"601\"]
assert rows[\"601\"][\"bytes_down\"] == 5, rows[\"601\"]
assert rows[\"602\"][\"bytes_up\"] == 7 and rows[\"602\"][\"bytes_down\"] is None
assert rows[\"603\"][\"bytes_up\"] is None and rows[\"603\"][\"duration_total\"] is None
"
'
test_expect_success 'the total row: bytes over the records that have them' '
	cdrsift volume -f csv ip.csv >run.out &&
	<run.out tail -n +2 | cut -d, -f1,5,6 >got &&
	echo "6,10,9" >want && test_cmp want got
'

cat >alias.csv <<'CSV'
A_NUMBER,B_NUMBER,Start Time,duration,unmapped thing
60123,60124,2025-01-03T08:00:00Z,10,x
CSV
cat >span.csv <<'CSV'
caller,callee,start,end
60123,60124,2025-01-03T08:00:00Z,2025-01-03T08:00:09Z
CSV
test_expect_success 'stats: per input, canonical field <- column name' '
	cdrsift stats -f csv alias.csv span.csv >out &&
	$PY -c "
import csv
rows = {r[\"input\"]: r for r in csv.DictReader(open(\"out\"))}
m = rows[\"alias.csv\"][\"mapping\"].split(\"; \")
assert \"caller <- A_NUMBER\" in m and \"callee <- B_NUMBER\" in m, m
assert \"duration <- duration\" in m, m
assert not any(\"unmapped\" in x for x in m), m
s = rows[\"span.csv\"][\"mapping\"].split(\"; \")
assert s[-1] == \"duration <- end - start\", s
assert rows[\"(total)\"][\"mapping\"] == \"\"
" &&
	cdrsift stats -f table alias.csv >out &&
	grep -q "^  columns      caller <- A_NUMBER; callee <- B_NUMBER" out
'

test_expect_success '--rejects: the file column escapes control bytes' '
	name=$(printf "bad\033[31mname\r.csv") &&
	printf "caller,callee,start\n1,2,notatime\n" >"$name" &&
	test_exit 1 cdrsift filter --rejects rj.csv "$name" >/dev/null 2>err &&
	$PY -c "
import csv
rows = list(csv.reader(open(\"rj.csv\", newline=\"\")))
assert rows[0] == [\"file\", \"line\", \"reason\", \"detail\", \"raw\"], rows[0]
assert rows[1][0] == \"bad\\\\x1b[31mname\\\\x0d.csv\", repr(rows[1][0])
assert rows[1][1] == \"2\"
raw = open(\"rj.csv\", \"rb\").read()
assert not any(b < 0x20 and b != 0x0a for b in raw), raw
"
'
test_done
