#!/bin/sh
# Per-reason reject accounting against the test's own plan: Python writes
# good rows and plants bad ones of every kind the man page lists under
# "Rejected rows" (a bad or impossible timestamp, too few and too many
# fields, latitude 91, longitude 181, a latitude without its longitude,
# an unparsable duration, latitude and end, CSV quote errors, a NUL byte, an
# unterminated quote at the end, an end before the start when the duration
# is derived, a port out of range, a negative byte count, bad addresses and
# ports), at lines it chooses, and knows the reason of each. The json meta
# (accounting and rejected_by_reason), the --rejects file (line by line)
# and the exit status 1 must say exactly that, for every command.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<\PY
import json, random
r = random.Random(9101)
def good_cdr():
    return ["6012%07d" % r.randrange(10**7), "6019%07d" % r.randrange(10**7),
            "2025-01-%02d %02d:%02d:%02d" % (r.randint(1, 28), r.randrange(24), r.randrange(60), r.randrange(60)),
            "", str(r.randrange(3600)), "%.5f" % r.uniform(-89, 89), "%.5f" % r.uniform(-179, 179)]
# kind -> (how a good row is damaged, the reason the man page gives)
def set_(i, v):
    def f(row): row[i] = v; return ",".join(row)
    return f
cdr_bad = {
    "month 13": (set_(2, "2025-13-01 08:00:00"), "unparsable start"),
    "29 February 2025": (set_(2, "2025-02-29 08:00:00"), "unparsable start"),
    "hour 24": (set_(2, "2025-01-05 24:00:00"), "unparsable start"),
    "few": (lambda row: ",".join(row[:-1]), "too few fields"),
    "many": (lambda row: ",".join(row + ["x"]), "too many fields"),
    "lat 91": (set_(5, "91"), "latitude outside -90..90"),
    "lat -90.5": (set_(5, "-90.5"), "latitude outside -90..90"),
    "lon 181": (set_(6, "181"), "longitude outside -180..180"),
    "lat alone": (set_(6, ""), "latitude without longitude, or the reverse"),
    "lon alone": (set_(5, ""), "latitude without longitude, or the reverse"),
    "duration abc": (set_(4, "abc"), "unparsable duration"),
    "lat text": (set_(5, "1.5e"), "unparsable lat"),
    "end junk": (set_(3, "2025-01-01 09:00:00x"), "unparsable end"),
    "quote inside": (lambda row: ",".join(["60\"1"] + row[1:]), "quote inside an unquoted field"),
    "text after quote": (lambda row: ",".join(["\"601\"x"] + row[1:]), "text after a closing quote"),
    "NUL": (lambda row: ",".join([row[0][:4] + "\0" + row[0][4:]] + row[1:]), "NUL byte in field"),
}
def write(path, header, good, bad, n, tail=None):
    plan = []
    with open(path, "w", newline="") as f:
        f.write(header + "\n")
        kinds = sorted(bad)
        for line in range(2, n + 2):
            if r.random() < 0.15:
                k = r.choice(kinds)
                f.write(bad[k][0](good()) + "\n")
                plan.append((line, bad[k][1]))
            else:
                f.write(",".join(good()) + "\n")
        if tail:
            f.write(tail[0])
            plan.append((n + 2, tail[1]))
    json.dump(plan, open(path + ".plan", "w"))
write("cdr.csv", "caller,callee,start,end,duration,lat,lon", good_cdr, cdr_bad, 3000,
      ("\"6012345,6019876,2025-01-01 08:00:00,,5,1,1\n", "unterminated quoted field"))
# the duration derived from end - start
def good_end():
    s = r.randrange(86400 * 20)
    return ["6012%07d" % r.randrange(10**7), "6019%07d" % r.randrange(10**7),
            "%d" % (1735689600 + s), "%d" % (1735689600 + s + r.randrange(600))]
end_bad = {"end before start": (lambda row: ",".join(row[:3] + [str(int(row[2]) - 1 - r.randrange(99))]), "end before start")}
write("end.csv", "caller,callee,start,end", good_end, end_bad, 1000)
def good_ip():
    return ["6012%07d" % r.randrange(10**6), "2025-01-02 %02d:%02d:00" % (r.randrange(24), r.randrange(60)),
            "10.%d.%d.%d" % (r.randrange(256), r.randrange(256), r.randrange(256)), str(r.randrange(65536)),
            "192.0.2.%d" % r.randrange(256), str(r.choice([53, 80, 443])), str(r.randrange(10**6)), str(r.randrange(10**7))]
ip_bad = {
    "port 70000": (set_(3, "70000"), "port out of range"),
    "port -1": (set_(5, "-1"), "port out of range"),
    "dst 1.2.3.400": (set_(4, "1.2.3.400"), "unparsable dst_ip"),
    "src junk": (set_(2, "10.0.0"), "unparsable src_ip"),
    "dst_port 80x": (set_(5, "80x"), "unparsable dst_port"),
    "bytes -1": (set_(6, "-1"), "negative byte count"),
    "bytes_down -5": (set_(7, "-5"), "negative byte count"),
    "bytes 1.5": (set_(7, "1.5"), "unparsable bytes_down"),
}
write("ip.csv", "subscriber,start,src_ip,src_port,dst_ip,dst_port,bytes_up,bytes_down", good_ip, ip_bad, 2000)
PY

# check FILE JSON-OUTPUT [REJECTS]: the meta and the rejects file say what
# the plan says
cat >check.py <<\PY
import collections, csv, json, sys
path, out = sys.argv[1], sys.argv[2]
plan = [tuple(p) for p in json.load(open(path + ".plan"))]
lines = sum(1 for _ in open(path, "rb")) - 1
m = json.load(open(out))["meta"]
a = m["accounting"]
want = dict(collections.Counter(reason for _, reason in plan))
assert a["rejected_by_reason"] == want, (a["rejected_by_reason"], want)
assert a["read"] == lines and a["rejected"] == len(plan), (a, lines, len(plan))
assert a["accepted"] == lines - len(plan), a
if len(sys.argv) > 3:
    got = [(int(row["line"]), row["reason"]) for row in csv.DictReader(open(sys.argv[3], newline=""))]
    assert got == plan, [x for x in zip(got, plan) if x[0] != x[1]][:5]
PY

for f in cdr end ip; do
	test_expect_success "$f.csv: stats json rejected_by_reason and --rejects as planted, exit 1" "
		test_exit 1 cdrsift stats -f json --rejects $f.rej $f.csv >$f.json 2>err &&
		/usr/bin/python3 check.py $f.csv $f.json $f.rej
	"
	test_expect_success "$f.csv: filter, filter --count and volume reject the same rows" "
		test_exit 1 cdrsift filter -f json $f.csv >f.json 2>err &&
		/usr/bin/python3 check.py $f.csv f.json &&
		test_exit 1 cdrsift filter --count -f json --rejects c.rej $f.csv >c.json 2>err &&
		/usr/bin/python3 check.py $f.csv c.json c.rej &&
		test_exit 1 cdrsift volume -f json $f.csv >v.json 2>err &&
		/usr/bin/python3 check.py $f.csv v.json
	"
done
test_expect_success 'stats csv: rejected_by_reason as reason=count pairs, the total adds the inputs' '
	test_exit 1 cdrsift stats -f csv cdr.csv ip.csv >s.csv 2>err &&
	/usr/bin/python3 - <<-\PY
	import collections, csv, json
	rows = {r["input"]: r for r in csv.DictReader(open("s.csv", newline=""))}
	total = collections.Counter()
	for f in ("cdr.csv", "ip.csv"):
	    want = collections.Counter(reason for _, reason in json.load(open(f + ".plan")))
	    total += want
	    got = dict(kv.rsplit("=", 1) for kv in rows[f]["rejected_by_reason"].split("; "))
	    assert {k: int(v) for k, v in got.items()} == dict(want), (got, want)
	    assert int(rows[f]["rejected"]) == sum(want.values())
	got = dict(kv.rsplit("=", 1) for kv in rows["(total)"]["rejected_by_reason"].split("; "))
	assert {k: int(v) for k, v in got.items()} == dict(total), (got, total)
	PY
'
test_done
