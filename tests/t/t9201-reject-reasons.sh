#!/bin/sh
# The reject reasons the program prints (the rejected_by_reason keys of
# json meta) are the contract, so the man page lists exactly those (issue
# 11 item 8): a corpus of bad rows gives every reason, and every reason
# literal in the sources is in the man page too.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$TESTDATA/.." && pwd)

/usr/bin/python3 - <<\PY || exit 2
import gzip
w = lambda n, b: open(n, "wb").write(b)
H = b"caller,callee,start,end,duration,lat,lon,answer\n"
ok = b"601,602,2025-01-03 08:00:00,2025-01-03 08:01:00,60,3.1,101.6,2025-01-03 08:00:05\n"
rows = [
 b"601,602\n",                                              # too few fields
 b"601,602,2025-01-03 08:00:00,,,,,,9\n",                   # too many fields
 b'601,6"02,2025-01-03 08:00:00,,,,,\n',                    # quote inside an unquoted field
 b'601,"602"x,2025-01-03 08:00:00,,,,,\n',                  # text after a closing quote
 b"601,6\x0002,2025-01-03 08:00:00,,,,,\n",                 # NUL byte in field
 b"601,602,2025-13-01 08:00,,,,,\n",                        # unparsable start
 b"601,602,2025-01-03 08:00:00,yesterday,,,,\n",            # unparsable end
 b"601,602,2025-01-03 08:00:00,,ten,,,\n",                  # unparsable duration
 b"601,602,2025-01-03 08:00:00,,,north,101.6,\n",           # unparsable lat
 b"601,602,2025-01-03 08:00:00,,,3.1,east,\n",              # unparsable lon
 b"601,602,2025-01-03 08:00:00,,,,,soon\n",                 # unparsable answer
 b"601,602,2025-01-03 08:00:00,,,91,101.6,\n",              # latitude outside -90..90
 b"601,602,2025-01-03 08:00:00,,,3.1,181,\n",               # longitude outside -180..180
 b"601,602,2025-01-03 08:00:00,,,3.1,,\n",                  # latitude without longitude
]
w("cdr.csv", H + ok + b"".join(rows) + b'601,"602,2025-01-03 08:00:00,,,,,\n')
IH = (b"subscriber,start,src_ip,src_port,public_ip,public_port,"
      b"public_port_end,dst_ip,dst_port,bytes_up,bytes_down\n")
base = [b"601", b"2025-01-03 08:00:00", b"10.0.0.1", b"1234", b"203.0.113.7",
        b"40000", b"40100", b"192.0.2.1", b"443", b"10", b"20"]
ip = [b",".join(base)]
for i, bad in [(2, b"10.0.0.300"), (3, b"port"), (4, b"x.y"), (5, b"p"),
               (6, b"q"), (7, b"::g"), (8, b"https"), (9, b"ten"),
               (10, b"lots"), (3, b"70000"), (9, b"-5")]:
    r = list(base); r[i] = bad; ip.append(b",".join(r))
w("ip.csv", IH + b"\n".join(ip) + b"\n")
w("split.csv", b"caller,callee,date,time\n601,602,2025-01-03,08:00:00\n"
  b"601,602,2025-02-30,08:00:00\n601,602,2025-01-03,25:61:00\n")
w("neg.csv", b"caller,callee,start,end\n601,602,2025-01-03 08:00:00,2025-01-03 07:00:00\n")
w("cap.csv", H + b"601,602,2025-01-03 08:00:00,,,,," + b"x" * 40 + b"\n")
w("toomany.csv", H + b"," * 70000 + b"\n")
w("rowcap.csv", b"caller,callee\n" + b",".join([b"y" * 1000] * 5000) + b"\n")
w("header.csv", b'a"b,c\ncaller,callee,start\n601,602,2025-01-03 08:00:00\n')
g = gzip.compress(H + ok * 2000, mtime=0)
w("cut.csv.gz", g[: len(g) // 2])
w("regex.csv", b"caller,callee\n" + b"a" * 5000 + b"b,602\n")
# a CGI whose LAC contradicts the LAC column
w("cgi.csv", b"caller,callee,start,cell,lac\n"
  b"601,602,2025-01-03 08:00:00,502-16-1224-102405123,1224\n"
  b"601,602,2025-01-03 08:00:00,502-16-1224-102405123,999\n")
# issue 12: a date that reads only in the other day-month order (day
# first, and month first with --date-order mdy), and a record that is not
# the --subscriber number's
w("order.csv", b"caller,callee,start\n601,602,12/25/2025 08:00\n601,602,25/12/2025 08:00\n")
w("sub.csv", b"caller,callee,direction,start\n601,602,mo,2025-01-03 08:00:00\n603,602,mo,2025-01-03 08:00:00\n")
PY

test_expect_success 'the corpus gives every reason the program prints' '
	: >reasons.json &&
	for f in cdr.csv ip.csv split.csv neg.csv toomany.csv rowcap.csv header.csv cut.csv.gz cgi.csv; do
		test_exit 1 cdrsift filter -f json "$f" >>reasons.json 2>/dev/null || return 1
	done &&
	test_exit 1 cdrsift filter -f json --field-cap 16 cap.csv >>reasons.json 2>/dev/null &&
	test_exit 1 cdrsift filter -f json order.csv >>reasons.json 2>/dev/null &&
	test_exit 1 cdrsift filter -f json --date-order mdy order.csv >>reasons.json 2>/dev/null &&
	test_exit 1 cdrsift filter -f json --subscriber 601 sub.csv >>reasons.json 2>/dev/null &&
	test_exit 1 cdrsift filter -f json -w "caller ~ \"^(a|aa)+\$\"" regex.csv >>reasons.json 2>/dev/null &&
	/usr/bin/python3 - <<-\PY
	import json
	got = set()
	for line in open("reasons.json"):
	    got |= set(json.loads(line)["meta"]["accounting"]["rejected_by_reason"])
	open("printed", "w").write("".join(r + "\n" for r in sorted(got)))
	assert len(got) == 38, (len(got), sorted(got))
	PY
'
# the man page's list: the .B lines after .TP or .TQ between "The reasons:" and the
# "end of reasons" comment
cat >man_reasons.py <<\PY
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
part = text.split("\nThe reasons:\n", 1)[1].split('.\\" end of reasons', 1)[0]
out, prev = set(), ""
for line in part.splitlines():
    if line.startswith(".B ") and prev in (".TP", ".TQ"):
        out.add(line[3:].replace("\\-", "-").replace('"', ""))
    prev = line
print("\n".join(sorted(out)))
PY

test_expect_success 'the man page lists exactly the printed reasons' '
	/usr/bin/python3 man_reasons.py "$SRC/man/cdrsift.1" >listed &&
	# documented, but no input reaches them from the outside
	printf "%s\n" "regex match failed" "regex out of memory" >unreachable &&
	sort -u printed unreachable >expected &&
	sort listed >listed.sorted &&
	test_cmp expected listed.sorted
'
test_expect_success 'every reason literal in the sources is in the man page' '
	/usr/bin/python3 - "$SRC" <<-\PY
	import re, sys, os
	src = sys.argv[1]
	listed = set(open("listed").read().split("\n")) - {""}
	lits = set()
	pat = re.compile(r"(?:rd->bad|\bwhy|\*reason|reject_row\([^;]*?|acct_reject\([^;]*?)\s*[=,]?\s*\n?\s*\"([^\"]+)\"")
	for f in os.listdir(src + "/src"):
	    if f.endswith(".c"):
	        t = open(src + "/src/" + f, encoding="utf-8").read()
	        lits |= {m.group(1) for m in pat.finditer(t)}
	# "unparsable " + name for every typed field a column can hold
	for m in re.finditer(r"FIELD\(F_\w+, \"(\w+)\", ([^,]+), (FT_\w+)", open(src + "/src/canon.def").read()):
	    name, kinds, ft = m.groups()
	    if "KB_DERIVED" not in kinds and ft in ("FT_TIME", "FT_DUR", "FT_REAL", "FT_INT", "FT_IP"):
	        lits.add("unparsable " + name)
	lits.discard("filter error")  # a fallback: expr_eval always names its reason
	missing = sorted(lits - listed)
	assert not missing, missing
	assert len(lits) >= 30, sorted(lits)
	PY
'
test_done
