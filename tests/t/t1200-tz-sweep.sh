#!/bin/sh
# --tz: every local time near a zone's transitions resolves to the instant
# Python's zoneinfo gives with fold=0, the rule the man page states (in a
# gap the offset before it; in an overlap the earlier instant), and is
# printed with the offset zoneinfo gives that instant (issue 11 item 10).
# Transitions swept: those of the last 3 years and the next 2 (the footer
# rule of slim files), of 2037-2038 (where fat files end), and the last one
# before that window (Asia/Kuala_Lumpur 1981, America/Sao_Paulo 2019), and
# of 2100-2102 (past the table, the footer rule evaluated directly);
# every 30 minutes from 4 hours before to 4 hours after each, plus the
# seconds either side of each wall-clock edge. Crafted zones in $TZDIR too.
# glibc's mktime (tm_isdst -1) is checked to give the same instants.
. "$(dirname "$0")/lib.sh"

ZONES="America/New_York Europe/London Australia/Lord_Howe Asia/Kuala_Lumpur America/Sao_Paulo"

# A TZif file with 'times' -> type 'idx' over 'types' offsets, and a footer.
cat >mktzif.py <<\PY
import struct, sys
def block(tsize, times, idx, types, chars):
    fmt = ">q" if tsize == 8 else ">i"
    b = b"".join(struct.pack(fmt, t) for t in times) + bytes(idx)
    b += b"".join(struct.pack(">iBB", o, d, 0) for o, d in types)
    return b + chars
def header(times, types, chars):
    return b"TZif2" + b"\0" * 15 + struct.pack(">6I", 0, 0, 0,
        len(times), len(types), len(chars))
def tzif(path, times, idx, types, footer):
    chars = b"X\0"
    d = header(times, types, chars) + block(4, times, idx, types, chars)
    d += header(times, types, chars) + block(8, times, idx, types, chars)
    open(path, "wb").write(d + b"\n" + footer + b"\n")
t1 = 1735689600  # 2025-01-01T00:00:00Z
# +10:00, then +02:00 for an hour, then +03:00 for ever (t1001's zone)
tzif("zones/Test/Overlap", [t1, t1 + 3600], [1, 2],
     [(36000, 0), (7200, 0), (10800, 0)], b"<+03>-3")
# no transitions at all: the footer's DST rule governs every instant
tzif("zones/Test/RuleOnly", [], [], [(-18000, 0)], b"EST5EDT,M3.2.0,M11.1.0")
# transitions until 2025, then a southern DST rule with 30 minute steps
tzif("zones/Test/Southern", [t1 - 86400 * 300, t1], [1, 0],
     [(37800, 0), (39600, 1)], b"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0")
PY

test_expect_success 'sweep local times around transitions against zoneinfo' '
	mkdir -p zones/Test && /usr/bin/python3 mktzif.py &&
	for z in $ZONES; do
		ln -s "/usr/share/zoneinfo/$z" "zones/$(echo $z | tr / _)" || return 1
	done &&
	/usr/bin/python3 - $ZONES <<-\PY &&
	import sys, datetime as dt, zoneinfo, csv
	UTC = dt.timezone.utc
	now = dt.datetime.now(UTC).year
	def load(name):
	    if name.startswith("Test/"):
	        return zoneinfo.ZoneInfo.from_file(open("zones/" + name, "rb"), key=name)
	    return zoneinfo.ZoneInfo(name)
	def off(z, t):
	    return dt.datetime.fromtimestamp(t, UTC).astimezone(z).utcoffset()
	def transitions(z, y0=1970, y1=2040):
	    # daily steps from y0 to y1, each change bisected to the second
	    out, step = [], 86400
	    t = int(dt.datetime(y0, 1, 1, tzinfo=UTC).timestamp())
	    end = int(dt.datetime(y1, 1, 1, tzinfo=UTC).timestamp())
	    prev = off(z, t)
	    while t < end:
	        o = off(z, t + step)
	        if o != prev:
	            lo, hi = t, t + step
	            while hi - lo > 1:
	                mid = (lo + hi) // 2
	                if off(z, mid) == prev: lo = mid
	                else: hi = mid
	            out.append((hi, prev, o))
	            prev = o
	        t += step
	    return out
	zones = sys.argv[1:] + ["Test/Overlap", "Test/RuleOnly", "Test/Southern"]
	for name in zones:
	    z = load(name)
	    # past 2100 cdrsift evaluates the footer rule directly
	    tr = transitions(z) + transitions(z, 2100, 2103)
	    year = lambda t: dt.datetime.fromtimestamp(t, UTC).year
	    keep = [x for x in tr if now - 3 <= year(x[0]) <= now + 2 or
	            2037 <= year(x[0]) <= 2038 or year(x[0]) >= 2100]
	    before = [x for x in tr if year(x[0]) < now - 3]
	    if before: keep.append(before[-1])
	    assert keep, name
	    locs = set()
	    for at, ob, oa in keep:
	        for o in (ob, oa):
	            edge = dt.datetime.fromtimestamp(at, UTC).replace(tzinfo=None) + o
	            for k in range(-16, 17):
	                locs.add(edge + dt.timedelta(minutes=30 * k))
	            for s in (-1, 0, 1):
	                locs.add(edge + dt.timedelta(seconds=s))
	    locs = sorted(locs)
	    fn = name.replace("/", "_")
	    with open(fn + ".csv", "w") as f:
	        f.write("caller,callee,start\n")
	        for l in locs:
	            f.write("1,2,%s\n" % l.strftime("%Y-%m-%d %H:%M:%S"))
	    with open(fn + ".want", "w") as f:
	        for l in locs:
	            a = l.replace(tzinfo=z, fold=0)
	            u = int(a.timestamp())
	            f.write("%s %d %d\n" % (l.isoformat(), u,
	                    off(z, u).total_seconds()))
	    print(name, len(keep), "transitions", len(locs), "local times")
	    if name in ("America/New_York", "Europe/London", "Australia/Lord_Howe",
	                "Test/RuleOnly", "Test/Southern"):
	        assert sum(1 for x in keep if year(x[0]) >= 2100) == 6, name
	        assert sum(1 for x in keep if now - 3 <= year(x[0]) <= now + 2) >= 10, name
	PY
	for z in $ZONES Test/Overlap Test/RuleOnly Test/Southern; do
		fn=$(echo $z | tr / _) &&
		case $z in Test/*) spec=$z ;; *) spec=$fn ;; esac &&
		TZDIR=$PWD/zones cdrsift filter -f csv --tz "$spec" "$fn.csv" >"$fn.out" || return 1
	done &&
	/usr/bin/python3 - $ZONES Test/Overlap Test/RuleOnly Test/Southern <<-\PY
	import sys, csv, datetime as dt
	bad = 0
	for name in sys.argv[1:]:
	    fn = name.replace("/", "_")
	    want = [l.split() for l in open(fn + ".want")]
	    got = list(csv.DictReader(open(fn + ".out", newline="")))
	    assert len(got) == len(want), (name, len(got), len(want))
	    for w, g in zip(want, got):
	        t = dt.datetime.fromisoformat(g["start"].replace("Z", "+00:00"))
	        u, o = int(t.timestamp()), int(t.utcoffset().total_seconds())
	        if (u, o) != (int(w[1]), int(w[2])):
	            bad += 1
	            if bad < 20:
	                print(name, "local", w[0], "want", w[1], w[2], "got", g["start"], u, o)
	assert bad == 0, "%d local times off" % bad
	PY
'
# glibc's answer for the same local times: mktime with tm_isdst -1
cat >glibc.py <<\PY
import os, sys, time
bad = 0; n = 0
for name in sys.argv[1:]:
    fn = name.replace("/", "_")
    os.environ["TZ"] = name; time.tzset()
    for l in open(fn + ".want"):
        loc, u, o = l.split()
        d, t = loc.split("T")
        Y, M, D = map(int, d.split("-")); h, m, s = map(int, t.split(":"))
        g = int(time.mktime((Y, M, D, h, m, s, 0, 0, -1)))
        n += 1
        if g != int(u):
            bad += 1
            if bad < 10: print(name, loc, "zoneinfo", u, "glibc", g)
print(n, "compared", bad, "differ")
assert n > 0 and bad == 0
PY
test_expect_success "glibc mktime (tm_isdst -1) gives the same instants for the real zones" "
	/usr/bin/python3 glibc.py $ZONES
"
test_done
