#!/bin/sh
# json output: one document with rows and the meta object of DESIGN 6,
# whose accounting adds up; ndjson is one object per line; csv quoting.
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start,duration,status\n601,602,2025-01-03 08:00:00,60,"a, ""quoted"" note"\n603,604,bad,5,x\n605,606,2025-01-03 09:00:00,7,y\n' >in.csv

test_expect_success 'stats json has meta with inputs and accounting' '
	test_exit 1 cdrsift stats -f json in.csv >out.json 2>/dev/null &&
	/usr/bin/python3 - out.json <<-\PY
	import json, sys, hashlib
	d = json.load(open(sys.argv[1]))
	m = d["meta"]
	assert m["command"] == ["stats", "-f", "json", "in.csv"], m["command"]
	a = m["accounting"]
	assert a["read"] == 3 and a["accepted"] == 2 and a["rejected"] == 1, a
	assert a["read"] == a["accepted"] + a["rejected"]
	assert a["accepted"] == a["matched"] + a["filtered"]
	assert a["rejected_by_reason"] == {"unparsable start": 1}, a
	i = m["inputs"][0]
	assert i["path"] == "in.csv" and i["damaged"] is False
	assert i["bytes"] == len(open("in.csv", "rb").read())
	assert i["sha256"] == hashlib.sha256(open("in.csv", "rb").read()).hexdigest()
	assert d["rows"][0]["input"] == "in.csv" and d["rows"][0]["read"] == 3
	assert d["rows"][1]["input"] == "(total)"
	PY
'
test_expect_success 'filter json rows carry typed values; missing is null' '
	test_exit 1 cdrsift filter -f json in.csv >out.json 2>/dev/null &&
	/usr/bin/python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	r = d["rows"]
	assert len(r) == 2, r
	assert r[0]["caller"] == "601" and r[0]["duration"] == 60, r[0]
	assert r[0]["status"] == "a, \"quoted\" note", r[0]
	assert r[0]["imei"] is None
	PY
'
test_expect_success 'ndjson: one object per line, no meta' '
	test_exit 1 cdrsift filter -f ndjson in.csv >out.nd 2>/dev/null &&
	test "$(wc -l <out.nd)" = 2 &&
	/usr/bin/python3 -c "import json,sys; [json.loads(l) for l in open(\"out.nd\")]"
'
test_expect_success 'csv output quotes per RFC 4180 and reads back' '
	test_exit 1 cdrsift filter -f csv in.csv >out.csv 2>/dev/null &&
	/usr/bin/python3 -c "
import csv
rows = list(csv.DictReader(open(\"out.csv\", newline=\"\")))
assert rows[0][\"status\"] == \"a, \\\"quoted\\\" note\", rows[0]
assert rows[1][\"duration\"] == \"7\"
"
'
test_expect_success 'tsv escapes tabs and newlines' '
	printf "caller,status\n601,\"a\tb\nc\"\n" >t.csv &&
	cdrsift filter -f tsv t.csv >out.tsv &&
	tail -1 out.tsv | grep -q "a\\\\tb\\\\nc"
'
test_expect_success '--raw prints the matching rows byte for byte with the header' '
	printf "caller,callee,start\r\n601,602,2025-01-03 08:00:00\r\n" >crlf.csv &&
	cdrsift filter --raw crlf.csv >out.raw && cmp crlf.csv out.raw
'
test_expect_success 'tables fit the terminal width when they can, numbers whole' '
	mawk "BEGIN { print \"caller,callee,start,duration,status\"; for (i = 0; i < 50; i++) printf \"60%09d,60%09d,2025-01-03 08:00:00,%d,%s\n\", i, i, i * 1000, \"a long free-text status that would make the table very wide indeed\" }" >wide.csv &&
	COLUMNS=120 cdrsift filter -f table wide.csv >t.out &&
	/usr/bin/python3 -c "
lines = open(\"t.out\", encoding=\"utf-8\").read().splitlines()
assert max(len(l) for l in lines) <= 120, max(len(l) for l in lines)
assert any(\"\u2026\" in l for l in lines), \"nothing was cut\"
assert \"49000\" in lines[-3], lines[-3]
" &&
	COLUMNS=40 cdrsift filter -f table wide.csv >t2.out &&
	/usr/bin/python3 -c "
lines = open(\"t2.out\", encoding=\"utf-8\").read().splitlines()
assert max(len(l) for l in lines) <= 40, lines
note = \" \".join(l.strip() for l in lines)
assert \"left out: callee, start, end, duration, imsi, imei, cell, lac, lat, lon, operator, status;\" in note, note
"
'
test_done
