#!/bin/sh
# Zeek conn.log (FORMATS.md): the '#separator \x09' line makes the file a
# Zeek log whatever its name; #fields is the header, the other directives
# are no rows; '-' is missing and '(empty)' empty. The fixture comes from
# testdata/zeek/mkconn.py, which follows Zeek's ASCII log format; every
# expected figure comes from a Python reading of the same bytes (split on
# tab, '#' lines skipped).
. "$(dirname "$0")/lib.sh"

cp "$TESTDATA/zeek/conn.log" a.log
/usr/bin/python3 "$TESTDATA/zeek/mkconn.py" 2 20 >b.log
cat a.log b.log >ab.txt      # two logs concatenated, named as no log is

/usr/bin/python3 - <<'PY'
import datetime, ipaddress
def rows(path):
    out, hdr = [], None
    for line in open(path, newline=""):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#fields"):
            hdr = f[1:]
        if not line.startswith("#"):
            out.append(dict(zip(hdr, f)))
    return out
def stamp(ts):
    sec, frac = ts.split(".")
    d = datetime.datetime.fromtimestamp(int(sec), datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (int(frac.ljust(6, "0")) // 1000)
def dur(v):
    if v == "-":
        return ""
    sec, _, frac = v.partition(".")
    us = int(sec) * 10**6 + int(frac.ljust(6, "0")[:6])
    if us % 10**6 == 0:
        return str(us // 10**6)
    if us % 1000 == 0:
        return "%d.%03d" % (us // 10**6, us % 10**6 // 1000)
    return "%d.%06d" % (us // 10**6, us % 10**6)
def val(v):
    return "" if v == "-" else v
r = rows("ab.txt")
with open("want.csv", "w") as w:
    for x in r:
        w.write(",".join([stamp(x["ts"]), dur(x["duration"]),
            ipaddress.ip_address(x["id.orig_h"]).compressed, x["id.orig_p"],
            ipaddress.ip_address(x["id.resp_h"]).compressed, x["id.resp_p"],
            x["proto"], val(x["orig_bytes"]), val(x["resp_bytes"])]) + "\n")
stamps = sorted(stamp(x["ts"]) for x in r)
with open("want.stats", "w") as w:
    w.write("%d %d 0 1 %s %s\n" % (len(r), len(r), stamps[0], stamps[-1]))
with open("want.a", "w") as w:
    w.write("%d\n" % len(rows("a.log")))
with open("want.hist", "w") as w:
    w.write("%d\n" % sum(x["history"] != "-" for x in r))
with open("want.tunnel", "w") as w:
    w.write("%d\n" % sum(x["tunnel_parents"] == "(empty)" for x in r))
with open("want.uid", "w") as w:
    w.write(r[5]["uid"] + " " + stamp(r[5]["ts"]) + "\n")
with open("want.sub", "w") as w:
    w.write("%d\n" % sum(x["duration"] not in ("-",) and dur(x["duration"]).startswith("0.000") for x in r))
PY

test_expect_success 'each row maps ts, duration, the 4-tuple, proto and bytes' '
	cdrsift filter -f csv ab.txt >out.csv &&
	mawk -F, "NR > 1 { print \$1 \",\" \$3 \",\" \$11 \",\" \$12 \",\" \$16 \",\" \$17 \",\" \$18 \",\" \$19 \",\" \$20 }" out.csv >got.csv &&
	head -1 out.csv | grep -q "^start,end,duration,.*,src_ip,src_port,public_ip,public_port,public_port_end,dst_ip,dst_port,protocol,bytes_up,bytes_down," &&
	test_cmp want.csv got.csv
'

test_expect_success 'stats: every data row read, no directive counted, span exact' '
	cdrsift stats -f csv ab.txt >st.csv 2>err &&
	grep -q "no column gives a party" err &&
	mawk -F, "NR == 2 { print \$8, \$9, \$10, \$13, \$14, \$15 }" st.csv >got.stats &&
	test_cmp want.stats got.stats
'

test_expect_success 'one log alone: rows as Python counts them, no repeated header' '
	cdrsift stats -f csv a.log >st1.csv 2>/dev/null &&
	mawk -F, "NR == 2 { print \$8; if (\$10 != 0 || \$13 != 0) print \"bad\" }" st1.csv >got.a &&
	test_cmp want.a got.a
'

test_expect_success 'threads read the same rows' '
	/usr/bin/python3 "$TESTDATA/zeek/mkconn.py" 3 30000 >big.log &&
	cat big.log a.log >big2.log &&
	cdrsift stats -j 1 -f csv big2.log >j1.csv 2>/dev/null &&
	cdrsift stats -j 2 -f csv big2.log >j2.csv 2>/dev/null &&
	test_cmp j1.csv j2.csv &&
	test "$(mawk -F, "NR == 2 { print \$9, \$10, \$13 }" j2.csv)" = "30036 0 1"
'

test_expect_success 'uid is reachable by name' '
	uid=$(cut -d" " -f1 want.uid) &&
	cdrsift filter -f csv -w "col(\"uid\") == \"$uid\"" ab.txt >uid.csv &&
	test "$(mawk -F, "NR > 1 { print \$1 }" uid.csv)" = "$(cut -d" " -f2 want.uid)" &&
	test "$(wc -l <uid.csv)" = 2
'

test_expect_success 'unset (-) is missing, (empty) is an empty value' '
	cdrsift filter -f csv -w "exists(col(\"history\"))" ab.txt >h.csv &&
	echo $(( $(wc -l <h.csv) - 1 )) >got.hist &&
	test_cmp want.hist got.hist &&
	cdrsift filter -f csv -w "not exists(col(\"tunnel_parents\"))" ab.txt >t.csv &&
	echo $(( $(wc -l <t.csv) - 1 )) >got.tunnel &&
	test_cmp want.tunnel got.tunnel
'

test_expect_success 'sub-millisecond durations compare in microseconds' '
	cdrsift filter -f csv -w "duration < 0.001" ab.txt >sub.csv &&
	echo $(( $(wc -l <sub.csv) - 1 )) >got.sub &&
	test_cmp want.sub got.sub
'

test_expect_success 'schema names the zeek conn log preset' '
	cdrsift schema -f table a.log >sch.txt &&
	head -1 sch.txt | grep -q "^a.log: ip log, tab-delimited, header, zeek conn log preset$" &&
	cdrsift schema -f csv a.log >sch.csv &&
	grep -q "^a.log,1,ts,start," sch.csv &&
	grep -q "^a.log,2,uid,,unmapped," sch.csv &&
	grep -q "^a.log,3,id.orig_h,src_ip," sch.csv &&
	grep -q "^a.log,6,id.resp_p,dst_port," sch.csv &&
	grep -q "^a.log,11,resp_bytes,bytes_down," sch.csv
'

test_expect_success 'a #fields line with other fields is rejected, not skipped' '
	sed "s/^#fields\tts\tuid/#fields\tts\tuuid/" b.log >c.log &&
	cat a.log c.log >ac.txt &&
	test_exit 1 cdrsift stats -f csv ac.txt >ac.csv 2>err &&
	test "$(mawk -F, "NR == 2 { print \$10, \$13 }" ac.csv)" = "1 0"
'

test_expect_success 'a CSV named conn.log is no Zeek log' '
	printf "src_ip,start\n10.0.0.1,2024-01-01 00:00:00\n" >conn.log &&
	cdrsift schema -f table conn.log >s2.txt &&
	head -1 s2.txt | grep -q "^conn.log: ip log, comma-delimited, header$"
'
test_done
