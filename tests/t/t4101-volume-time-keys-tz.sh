#!/bin/sh
# volume --by hour, date, dow, week and month under --tz, against Python's
# zoneinfo, datetime and isocalendar (the man page's definitions: buckets
# of the start in the --tz zone; every bucket from the first to the last
# listed in time order, empty ones with 0 records; the records without a
# start first, with an empty key; first_seen and last_seen written in the
# zone). The starts are written with Z, with offsets, as Unix seconds and
# milliseconds (always UTC) and without a zone (local time in --tz, where
# a time the clocks skip takes the offset before the gap and a repeated
# time the earlier instant: Python's fold=0). They cross the year (ISO week
# 2025-W01 starts on 2024-12-30) and New York's two DST changes of 2025.
. "$(dirname "$0")/lib.sh"

test_setup 'Python 3 with zoneinfo' '/usr/bin/python3 -c "import zoneinfo; zoneinfo.ZoneInfo(\"America/New_York\")"'

/usr/bin/python3 - <<\PY
import random
from datetime import datetime, timedelta, timezone
r = random.Random(4101)
UTC = timezone.utc
rows = []
def around(y, m, d, hours):
    t0 = datetime(y, m, d, tzinfo=UTC)
    return t0 + timedelta(seconds=r.randrange(int(hours * 3600)))
spans = [(2024, 12, 27, 24 * 9), (2025, 3, 8, 48), (2025, 11, 1, 48),
         (2025, 6, 30, 30)]
for i in range(3000):
    y, m, d, h = r.choice(spans)
    t = around(y, m, d, h)
    k = r.random()
    if k < 0.35:
        s = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif k < 0.5:
        off = timedelta(hours=r.choice([8, -3, 5.75, 0]))
        s = t.astimezone(timezone(off)).strftime("%Y-%m-%d %H:%M:%S%z")
    elif k < 0.6:
        s = str(int(t.timestamp()))
    elif k < 0.67:
        s = str(int(t.timestamp()) * 1000 + r.randrange(1000))
    else:                       # no zone: local time in --tz
        s = t.strftime("%Y-%m-%d %H:%M:%S")
    rows.append(s)
# local times New York skips (02:xx on 9 March) and repeats (01:xx on
# 2 November), and the edges of both
rows += ["2025-03-09 02:00:00", "2025-03-09 02:30:00", "2025-03-09 02:59:59",
         "2025-03-09 01:59:59", "2025-03-09 03:00:00",
         "2025-11-02 00:59:59", "2025-11-02 01:00:00", "2025-11-02 01:30:00",
         "2025-11-02 01:59:59", "2025-11-02 02:00:00",
         "2025-03-09T06:59:59Z", "2025-03-09T07:00:00Z",
         "2025-11-02T05:59:59Z", "2025-11-02T06:00:00Z"]
rows += ["", "", ""]            # no start
with open("t.csv", "w") as f:
    f.write("caller,callee,start,duration\n")
    for i, s in enumerate(rows):
        f.write("60123%06d,60198%06d,%s,%d\n" % (r.randrange(40), r.randrange(300), s, r.randrange(1, 900)))
PY

cat >oracle.py <<\PY
import csv, sys
from datetime import datetime, timedelta, timezone, date
from zoneinfo import ZoneInfo
tzname, key = sys.argv[1], sys.argv[2]
UTC = timezone.utc
if tzname[0] in "+-":
    sign = 1 if tzname[0] == "+" else -1
    hh, mm = tzname[1:].split(":")
    zone = timezone(sign * timedelta(hours=int(hh), minutes=int(mm)))
else:
    zone = ZoneInfo(tzname)
def instant(s):
    # the forms this file uses; a naive time is local in the zone, fold=0
    if s.isdigit():
        n = int(s)
        return datetime.fromtimestamp(n / 1000 if len(s) >= 12 else n, UTC)
    s = s.replace("Z", "+0000")
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z"):
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            pass
    return datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone, fold=0)
def bucket(t):
    if key == "hour": return t.hour
    if key == "dow": return t.isoweekday()
    if key == "date": return t.date()
    if key == "week": y, w, _ = t.isocalendar(); return (y, w)
    if key == "month": return (t.year, t.month)
def label(b):
    if key in ("hour", "dow"): return str(b)
    if key == "date": return b.isoformat()
    if key == "week": return "%04d-W%02d" % b
    return "%04d-%02d" % b
def succ(b):
    if key == "date": return b + timedelta(days=1)
    if key == "week":
        d = date.fromisocalendar(b[0], b[1], 1) + timedelta(days=7)
        y, w, _ = d.isocalendar(); return (y, w)
    if key == "month": return (b[0] + b[1] // 12, b[1] % 12 + 1)
def stamp(t):
    t = t.astimezone(zone)
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond // 1000:
        s += ".%03d" % (t.microsecond // 1000)
    off = t.utcoffset()
    if tzname == "UTC": return s + "Z"
    m = int(off.total_seconds()) // 60
    return s + "%s%02d:%02d" % ("+" if m >= 0 else "-", abs(m) // 60, abs(m) % 60)
groups = {}
for row in csv.DictReader(open(sys.argv[3], newline="")):
    s = row["start"]
    if s == "":
        b, t = None, None
    else:
        # through UTC: astimezone() to the zone a time already carries
        # returns it unchanged, a skipped 02:30 included
        t = instant(s).astimezone(UTC)
        b = bucket(t.astimezone(zone))
    g = groups.setdefault(b, {"n": 0, "dur": 0, "peers": set(), "ts": []})
    g["n"] += 1
    g["dur"] += int(row["duration"])
    g["peers"].add(row["callee"])     # no direction column: peer = callee
    if t is not None:
        g["ts"].append(t)             # UTC: compared as instants
out = []
if None in groups:
    g = groups.pop(None)
    out.append(["", g["n"], g["dur"], len(g["peers"]), "", ""])
if key == "hour": order = list(range(24))
elif key == "dow": order = list(range(1, 8))
else:
    order, b = [], min(groups)
    while b <= max(groups):
        order.append(b); b = succ(b)
for b in order:
    g = groups.get(b)
    if g is None:
        out.append([label(b), 0, "", 0, "", ""])
    else:
        out.append([label(b), g["n"], g["dur"], len(g["peers"]),
                    stamp(min(g["ts"])), stamp(max(g["ts"]))])
w = csv.writer(sys.stdout, lineterminator="\n")
for o in out:
    w.writerow(o)
PY

# columns.py CSV NAMES: those columns, by name, as csv
cat >columns.py <<\PY
import csv, sys
names = sys.argv[2].split(",")
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.DictReader(open(sys.argv[1], newline="")):
    w.writerow([row[n] for n in names])
PY

for tz in Asia/Kuala_Lumpur America/New_York +05:30 UTC; do
	for key in hour date dow week month; do
		test_expect_success "volume --by $key --tz $tz: every bucket, records, duration, peers, first and last seen" "
			/usr/bin/python3 oracle.py $tz $key t.csv >want &&
			cdrsift volume --by $key --tz $tz -f csv t.csv >out &&
			/usr/bin/python3 columns.py out $key,records,duration_total,distinct_peers,first_seen,last_seen >got &&
			test_cmp want got
		"
	done
done
test_done
