#!/bin/sh
# Values that are not values (issue #10 item 5): hex floats, inf, nan and a
# decimal comma nobody declared are not coordinates; an identifier (caller,
# callee, IMSI, IMEI, cell, LAC) holding a control byte is not one. Each is
# rejected with its reason; --decimal-comma allows the comma. The oracle
# is the manual's grammar written in Python (Rejected rows, and
# --decimal-comma under COMMON OPTIONS): a coordinate is
# [+|-] (digits [sep digits*] | sep digits) [(e|E) [+|-] digits], sep "."
# (or "," with --decimal-comma), within -90..90 / -180..180.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<\PY
import csv, random
rnd = random.Random(1103)
coords = ["3.139", "-3.5", "+12", "0", "90", "-90.000", "91", "1e1", "1.5E+1",
          "2e-3", ".5", "5.", "-.25", "0x1p4", "0X1P4", "inf", "-inf", "nan",
          "NaN", "infinity", "1e", "1.2.3", "3,139", "-3,5", ",5", "1,5e1",
          "12a", "1 2", "--1", "0x10", "1_000", "١٢", "3.1415926535897932384",
          "45.000000000000001", "", "  7.25  "]
ids = ["60123456789", "+60 12-345 6789", "502153100000001", "35693803564380",
       "anonymous", "cell-17", "60\x01123", "50215\x1b[31m", "3569\x7f38",
       "12\t34", "ok\x0b"]
rows = []
for i in range(4000):
    lat = rnd.choice(coords)
    lon = rnd.choice(coords) if rnd.randrange(3) else "101.6869"
    caller = rnd.choice(ids) if rnd.randrange(4) == 0 else "6012%07d" % i
    imsi = rnd.choice(ids) if rnd.randrange(4) == 0 else "50215%010d" % i
    cell = rnd.choice(ids) if rnd.randrange(6) == 0 else "%d" % (i % 97)
    if lat == "" and lon != "":
        lat = "1.0"
    if lon == "" and lat != "":
        lon = "2.0"
    rows.append([caller, "60198765432", "2025-01-03 08:00:00", "5", lat, lon,
                 imsi, cell])
with open("values.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["caller", "callee", "start", "duration", "lat", "lon", "imsi",
                "cell"])
    w.writerows(rows)
PY

# the oracle: expected (caller, lat, lon) of kept rows and the reason of
# every rejected one, for --decimal-comma off (0) and on (1)
cat >oracle.py <<\PY
import csv, re, sys
comma_ok = sys.argv[1] == "1"
sep = "[.,]" if comma_ok else "[.]"
real = re.compile(r"[+-]?(?:[0-9]+(?:%s[0-9]*)?|%s[0-9]+)(?:[eE][+-]?[0-9]+)?\Z"
                  % (sep, sep))
with_comma = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
def ctl(s):
    return any(ord(c) < 0x20 or ord(c) == 0x7f for c in s)
def coord(name, v, lim):
    v = v.strip(" \t")
    if v == "":
        return None, None
    if not real.match(v):
        if with_comma.match(v):
            return None, "decimal comma in " + name
        return None, "unparsable " + name
    x = float(v.replace(",", "."))
    if abs(x) > lim:
        return None, ("latitude outside -90..90" if name == "lat"
                      else "longitude outside -180..180")
    return "%.6f" % x, None
kept, rej = [], []
r = csv.reader(open("values.csv", newline=""))
next(r)
for line, rec in enumerate(r, start=2):
    caller, callee, start, dur, lat, lon, imsi, cell = rec
    why = None
    # the order in which fields are checked: the manual does not say,
    # so a row with several problems is compared on "some reason" only
    reasons = []
    for name, v in (("caller", caller), ("imsi", imsi), ("cell", cell)):
        if ctl(v.strip(" \t")):
            reasons.append("control character in " + name)
    la, e1 = coord("lat", lat, 90)
    lo, e2 = coord("lon", lon, 180)
    reasons += [e for e in (e1, e2) if e]
    if reasons:
        rej.append("%d %s" % (line, "|".join(sorted(reasons))))
    else:
        kept.append("%s,%s,%s" % (caller.strip(" \t"), la or "", lo or ""))
open("want.kept", "w").write("\n".join(kept) + "\n")
open("want.rej", "w").write("\n".join(rej) + "\n")
PY

# cdrsift's kept rows (caller as read, before normalising: --raw) and
# rejects, in the oracle's shape: a reject matches when its reason is one
# of the oracle's for that line
compare() {
	/usr/bin/python3 - <<-\PY
	import csv, sys
	kept = []
	for d in csv.DictReader(open("out.csv", newline="")):
	    kept.append("%s,%s,%s" % (d["caller"], d["lat"], d["lon"]))
	got_rej = {}
	for d in csv.DictReader(open("rej.csv", newline="")):
	    got_rej[int(d["line"])] = d["reason"]
	want_kept = open("want.kept").read().split("\n")[:-1]
	want_rej = {}
	for l in open("want.rej").read().split("\n")[:-1]:
	    n, why = l.split(" ", 1)
	    want_rej[int(n)] = why.split("|")
	bad = 0
	if sorted(got_rej) != sorted(want_rej):
	    print("reject lines differ:", sorted(set(got_rej) ^ set(want_rej))[:10])
	    bad = 1
	for n in sorted(set(got_rej) & set(want_rej)):
	    if got_rej[n] not in want_rej[n]:
	        print("line", n, "reason", got_rej[n], "expected one of", want_rej[n])
	        bad = 1
	        break
	if len(kept) != len(want_kept):
	    print("kept", len(kept), "expected", len(want_kept))
	    bad = 1
	else:
	    for a, b in zip(kept, want_kept):
	        # callers are normalised by cdrsift: compare the coordinates
	        if a.split(",")[1:] != b.split(",")[1:]:
	            print("row", a, "expected", b)
	            bad = 1
	            break
	print("#", len(kept), "kept,", len(got_rej), "rejected")
	sys.exit(bad)
	PY
}

test_expect_success 'dot-decimal: hex floats, inf, nan, decimal commas, control bytes rejected' '
	/usr/bin/python3 oracle.py 0 &&
	test_exit 1 cdrsift filter -j2 -f csv --rejects rej.csv values.csv \
		>out.csv 2>err &&
	compare
'
test_expect_success '--decimal-comma: the comma is the decimal separator too' '
	/usr/bin/python3 oracle.py 1 &&
	test_exit 1 cdrsift filter -j2 -f csv --decimal-comma \
		--rejects rej.csv values.csv >out.csv 2>err &&
	compare
'
test_expect_success 'the new reasons are listed in the manual' '
	test_exit 1 cdrsift filter -f csv --rejects rej.csv values.csv \
		>/dev/null 2>&1 &&
	/usr/bin/python3 - "$TESTDATA/../man/cdrsift.1" <<-\PY
	import csv, re, sys
	got = {d["reason"] for d in csv.DictReader(open("rej.csv", newline=""))}
	want = {"unparsable lat", "unparsable lon", "decimal comma in lat",
	        "decimal comma in lon", "latitude outside -90..90",
	        "control character in caller",
	        "control character in imsi", "control character in cell"}
	assert got == want, got ^ want
	man = open(sys.argv[1]).read().replace("\\-", "-")
	for r in ("decimal comma in", "control character in"):
	    assert r in man, r
	PY
'
test_expect_success 'a control byte never reaches stderr raw' '
	test_exit 1 cdrsift filter -f csv --max-reject-messages 100000 \
		values.csv >/dev/null 2>err &&
	test "$(tr -dc "\001-\010\013-\037\177" <err | wc -c)" -eq 0 &&
	grep -q "control character in caller (column .caller.: .60\\\\x01123.)" err
'
test_done
