#!/bin/sh
# filter, stats and schema through every output format (table, csv, tsv,
# json, ndjson), each figure computed by Python from the input itself (the
# bundled demo files), from the man page's definitions: filter prints the
# canonical columns of the matching records, and in the table a closing
# line "(N records)" (timestamps in ISO 8601 with
# the zone, lat and lon with six decimals, missing values empty or null);
# stats counts rows, distinct subscribers, cells and IMEIs, types and
# directions, the span, coverage gaps (clock hours in the --tz zone with no
# start, strictly between the first and the last) and rows out of order,
# sizes and SHA-256 of the bytes read; schema lists every column with up to
# three distinct samples of the first 200 rows. volume is in t4102.
. "$(dirname "$0")/lib.sh"

CAN=$TESTDATA/demo/cdr-canonical.csv.gz IP=$TESTDATA/demo/ip-ipdr.csv.gz
test_setup 'the demo files, and a copy of the CDRs with rows out of order' '
	gzip -dc "$CAN" >can.csv && gzip -dc "$IP" >ip.csv &&
	/usr/bin/python3 -c "
import random
r = random.Random(9102)
lines = open(\"can.csv\").read().split(\"\\n\")[:-1]
head, rows = lines[0], lines[1:12001]
for _ in range(40):
    rows.insert(r.randrange(len(rows)), rows.pop(r.randrange(len(rows))))
open(\"shuffled.csv\", \"w\").write(\"\\n\".join([head] + rows) + \"\\n\")
# the same instants written in UTC with a Z, hours 10 to 13 of 5 January left out
z = []
for l in lines[1:]:
    f = l.split(\",\")
    if f[5][:10] == \"2025-01-05\" and \"10\" <= f[5][11:13] <= \"13\":
        continue
    f[5] += \"Z\"; f[6] += \"Z\"
    z.append(\",\".join(f))
open(\"zulu.csv\", \"w\").write(\"\\n\".join([head] + z) + \"\\n\")
"
'

cat >lib.py <<\PY
import csv, json
from decimal import Decimal, InvalidOperation
def unesc(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[s[i + 1]]); i += 2
        else:
            out.append(s[i]); i += 1
    return "".join(out)
def read(path, fmt):
    if fmt == "csv":
        return list(csv.DictReader(open(path, newline="")))
    if fmt == "tsv":
        lines = open(path).read().split("\n")[:-1]
        head = lines[0].split("\t")
        return [dict(zip(head, map(unesc, l.split("\t")))) for l in lines[1:]]
    if fmt == "json":
        return json.load(open(path))["rows"]
    return [json.loads(l) for l in open(path)]
def norm(v):
    if v is None: return ""
    if isinstance(v, bool): return str(v).lower()
    if isinstance(v, (int, float)): v = repr(v)
    try:
        d = Decimal(v)
    except InvalidOperation:
        return v
    return str(int(d)) if d == int(d) else format(d.normalize(), "f")
def same(got, want, cols):
    bad = 0
    if len(got) != len(want):
        print("rows: got %d, want %d" % (len(got), len(want))); return False
    for i, (g, w) in enumerate(zip(got, want)):
        for c in cols:
            if norm(g.get(c)) != norm(w.get(c)):
                print("row %d, %s: got %r, want %r" % (i + 1, c, g.get(c), w.get(c)))
                bad += 1
                if bad > 5: return False
    return bad == 0
PY

cat >filter.py <<\PY
# filter.py INPUT OUT FORMAT KIND: the matching rows, every column
import csv, sys
from lib import read, same
inp, out, fmt, kind = sys.argv[1:5]
CDR = "id type direction caller callee start end duration imsi imei cell lac lat lon operator status".split()
IP = "start end duration imsi imei cell lac lat lon subscriber src_ip src_port public_ip public_port public_port_end dst_ip dst_port protocol bytes_up bytes_down apn host".split()
want = []
for row in csv.DictReader(open(inp, newline="")):
    if kind == "cdr":
        # -w 'type == voice and duration > 10m and direction == mt'
        if not (row["type"] == "voice" and int(row["duration"]) > 600 and row["direction"] == "mt"):
            continue
        cols = CDR
    else:
        # -w 'dst_port == 443 and bytes_down > 1000000'
        if not (row["dst_port"] == "443" and int(row["bytes_down"]) > 1000000):
            continue
        cols = IP
    w = {c: row.get(c, "") for c in cols}
    # the cell column carries the full cell key (man page, Cells): the
    # LAC before a bare CI when the record has one
    if w["cell"] and w["lac"]: w["cell"] = w["lac"] + "-" + w["cell"]
    for c in ("start", "end"):
        if w[c]: w[c] = w[c] + "Z"
    for c in ("lat", "lon"):
        if w[c]: w[c] = "%.6f" % float(w[c])
    want.append(w)
assert len(want) > 20, len(want)
got = read(out, fmt)
assert all(list(g) == (CDR if kind == "cdr" else IP) for g in got), list(got[0])
sys.exit(0 if same(got, want, CDR if kind == "cdr" else IP) else 1)
PY

CDRW='type == voice and duration > 10m and direction == mt'
IPW='dst_port == 443 and bytes_down > 1000000'
for fmt in csv tsv json ndjson; do
	test_expect_success "filter -f $fmt (CDRs): the matching rows, every column, in input order" "
		cdrsift filter -f $fmt -w '$CDRW' can.csv >out.$fmt &&
		/usr/bin/python3 filter.py can.csv out.$fmt $fmt cdr
	"
	test_expect_success "filter -f $fmt (IP log, gzip): the matching rows, every column" "
		cdrsift filter -f $fmt -w '$IPW' '$IP' >out.$fmt &&
		/usr/bin/python3 filter.py ip.csv out.$fmt $fmt ip
	"
done
test_expect_success 'filter --count: a bare number in table, a count column in csv, json with meta' '
	/usr/bin/python3 -c "
import csv
print(sum(1 for r in csv.DictReader(open(\"ip.csv\", newline=\"\")) if r[\"dst_port\"] == \"443\" and int(r[\"bytes_down\"]) > 1000000))" >want &&
	cdrsift filter --count -f table -w "$IPW" ip.csv >got.table &&
	test_cmp want got.table &&
	cdrsift filter --count -f csv -w "$IPW" ip.csv >got.csv &&
	{ echo count; cat want; } >want.csv && test_cmp want.csv got.csv &&
	cdrsift filter --count -f json -w "$IPW" ip.csv >got.json &&
	/usr/bin/python3 -c "
import json
d = json.load(open(\"got.json\"))
n = int(open(\"want\").read())
assert d[\"rows\"] == [{\"count\": n}], d[\"rows\"]
a = d[\"meta\"][\"accounting\"]
assert (a[\"read\"], a[\"matched\"], a[\"filtered\"]) == (5000, n, 5000 - n), a
"
'
test_expect_success 'filter -f table: the rows and the closing record count' '
	cdrsift filter -f table -w "$CDRW" can.csv >out.table &&
	/usr/bin/python3 -c "
import csv
n = sum(1 for r in csv.DictReader(open(\"can.csv\", newline=\"\")) if r[\"type\"] == \"voice\" and int(r[\"duration\"]) > 600 and r[\"direction\"] == \"mt\")
lines = open(\"out.table\").read().rstrip(\"\\n\").split(\"\\n\")
assert lines[-1].strip() == \"(%d records)\" % n, (lines[-1], n)
assert len(lines) == n + 2, (len(lines), n)
"
'

# stats.py ZONE INPUT...: the rows stats should give, then (total)
cat >stats.py <<\PY
import csv, gzip, hashlib, json, sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
zname, inputs = sys.argv[1], sys.argv[2:]
if zname[0] in "+-":
    h, m = zname[1:].split(":")
    zone = timezone((1 if zname[0] == "+" else -1) * timedelta(hours=int(h), minutes=int(m)))
else:
    zone = ZoneInfo(zname)
def stamp(t):
    t = t.astimezone(zone)
    off = int(t.utcoffset().total_seconds()) // 60
    z = "Z" if zname == "UTC" else "%s%02d:%02d" % ("+" if off >= 0 else "-", abs(off) // 60, abs(off) % 60)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + z
def hour_of(t):   # the clock hour in the zone, as an instant
    l = t.astimezone(zone)
    return l.replace(minute=0, second=0, microsecond=0)
def gaps(starts):
    if not starts: return []
    hours = {hour_of(t) for t in starts}
    lo, hi = min(hours), max(hours)
    out, h, run = [], lo, None
    while h < hi:
        # next clock hour in the zone: through UTC
        h = (h.astimezone(timezone.utc) + timedelta(hours=1)).astimezone(zone)
        if h < hi and h not in hours:
            run = run or h
        elif run:
            out.append((run, h)); run = None
    return out
def figures(rows, kind):
    f = {"read": len(rows), "accepted": len(rows), "rejected": 0}
    starts = []
    subs, cells, imeis = set(), set(), set()
    types = dict.fromkeys(["voice", "sms", "data", "other"], 0)
    dirs = dict.fromkeys(["mo", "mt", "direction_unknown"], 0)
    prev, ooo = None, 0
    for r in rows:
        # no zone written: local time in the --tz zone (fold=0), as an
        # instant in UTC
        t = datetime.fromisoformat(r["start"])
        if t.tzinfo is None:
            t = t.replace(tzinfo=zone, fold=0)
        t = t.astimezone(timezone.utc)
        starts.append(t)
        if prev is not None and t < prev: ooo += 1
        prev = t
        if kind == "cdr":
            subs.add(r["callee"] if r["direction"] == "mt" else r["caller"])
            types[r["type"]] += 1
            dirs[r["direction"] or "direction_unknown"] += 1
        else:
            subs.add(r["subscriber"])
        # distinct cells: full cell keys (LAC-CI with a LAC)
        if r["cell"]: cells.add((r["lac"] + "-" + r["cell"]) if r.get("lac") else r["cell"])
        if r["imei"]: imeis.add(r["imei"])
    return f, starts, subs, cells, imeis, types, dirs, ooo
def row(name, f, starts, subs, cells, imeis, types, dirs, ooo):
    g = gaps(starts)
    o = dict(f, input=name, first=stamp(min(starts)), last=stamp(max(starts)),
             subscribers=len(subs), cells=len(cells), imeis=len(imeis), out_of_order=ooo,
             gaps=len(g), gap_hours=sum(int((b - a).total_seconds()) // 3600 for a, b in g),
             gap_list=" ".join(stamp(a) + "/" + stamp(b) for a, b in g))
    o.update(types); o.update(dirs)
    return o
out, every = [], []
allsubs, allcells, allimeis, allstarts = set(), set(), set(), []
tot = dict.fromkeys("read accepted rejected out_of_order voice sms data other mo mt direction_unknown bytes bytes_uncompressed".split(), 0)
for p in inputs:
    raw = open(p, "rb").read()
    text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    rows = list(csv.DictReader(text.decode().splitlines()))
    kind = "ip" if "subscriber" in rows[0] else "cdr"
    fig = figures(rows, kind)
    o = row(p, *fig)
    o.update(bytes=len(raw), bytes_uncompressed=len(text), sha256=hashlib.sha256(raw).hexdigest(), kind=kind)
    if kind == "ip":
        for k in ("voice", "sms", "data", "other", "mo", "mt", "direction_unknown"): o[k] = 0
    out.append(o)
    for k in tot: tot[k] += o[k]
    allsubs |= fig[2]; allcells |= fig[3]; allimeis |= fig[4]; allstarts += fig[1]
if len(inputs) > 1:
    g = gaps(allstarts)
    t = dict(tot, input="(total)", first=stamp(min(allstarts)), last=stamp(max(allstarts)),
             subscribers=len(allsubs), cells=len(allcells), imeis=len(allimeis),
             gaps=len(g), gap_hours=sum(int((b - a).total_seconds()) // 3600 for a, b in g),
             gap_list=" ".join(stamp(a) + "/" + stamp(b) for a, b in g))
    out.append(t)
json.dump(out, sys.stdout)
PY
cat >cmp-stats.py <<\PY
import json, sys
from lib import read, same
want = json.load(open(sys.argv[1]))
got = read(sys.argv[2], sys.argv[3])
cols = sorted(set().union(*want))
sys.exit(0 if same(got, want, cols) else 1)
PY

for fmt in csv tsv json ndjson; do
	for tz in UTC +05:30 America/New_York Asia/Kuala_Lumpur; do
		# one zone per format is enough for the formats; all four for csv
		[ "$fmt" != csv ] && [ "$tz" != +05:30 ] && continue
		test_expect_success "stats -f $fmt --tz $tz: every figure of each input and of the total" "
			/usr/bin/python3 stats.py $tz '$CAN' shuffled.csv zulu.csv '$IP' >want.json &&
			cdrsift stats -f $fmt --tz $tz '$CAN' shuffled.csv zulu.csv '$IP' >out.$fmt &&
			/usr/bin/python3 cmp-stats.py want.json out.$fmt $fmt
		"
	done
done
test_expect_success 'stats -f table: rows, span, distinct ids, gaps and order as Python counts them' '
	/usr/bin/python3 stats.py UTC shuffled.csv >want.json &&
	cdrsift stats -f table shuffled.csv >out.table &&
	/usr/bin/python3 - <<-\PY
	import json, re
	w = json.load(open("want.json"))[0]
	t = open("out.table").read()
	want = [
	    "rows         %d read, %d accepted, 0 rejected" % (w["read"], w["accepted"]),
	    "span         %s .. %s" % (w["first"], w["last"]),
	    "distinct     %d subscribers, %d cells, %d IMEIs" % (w["subscribers"], w["cells"], w["imeis"]),
	    "out of order %d rows" % w["out_of_order"],
	]
	for line in want:
	    assert "  " + line + "\n" in t, (line, t)
	assert w["out_of_order"] > 0 and w["gaps"] > 0, w
	PY
'

# schema: every column, the canonical name found by its name, samples
cat >schema.py <<\PY
import csv, gzip, sys
from lib import read
inp, out, fmt = sys.argv[1:4]
text = gzip.open(inp, "rt").read().splitlines()
rows = list(csv.reader(text))
head, data = rows[0], rows[1:201]
got = read(out, fmt)
assert [int(g["column"]) for g in got] == list(range(1, len(head) + 1)), [g["column"] for g in got]
bad = 0
for g, name in zip(got, head):
    vals = {r[head.index(name)] for r in data} - {""}
    samples = g["samples"].split(" | ") if g["samples"] else []
    if g["name"] != name or g["field"] != name or not set(samples) <= vals or len(set(samples)) != min(3, len(vals)):
        print("column %s: %r, samples %r of %d values" % (g["column"], g, samples, len(vals))); bad += 1
sys.exit(1 if bad else 0)
PY
for fmt in csv tsv json ndjson; do
	test_expect_success "schema -f $fmt: every column, its canonical field, samples from the first 200 rows" "
		cdrsift schema -f $fmt '$IP' >out.$fmt &&
		/usr/bin/python3 schema.py '$IP' out.$fmt $fmt &&
		cdrsift schema -f $fmt '$CAN' >out.$fmt &&
		/usr/bin/python3 schema.py '$CAN' out.$fmt $fmt
	"
done
test_expect_success 'schema: a header that is the canonical name says name, not alias (src_ip, bytes_up: found by issue 19)' '
	cdrsift schema -f csv "$IP" >out.csv &&
	/usr/bin/python3 -c "
import csv
bad = [r[\"name\"] for r in csv.DictReader(open(\"out.csv\", newline=\"\")) if r[\"name\"] == r[\"field\"] and r[\"how\"].split(\";\")[0] != \"name\"]
assert not bad, bad
"
'
test_done
