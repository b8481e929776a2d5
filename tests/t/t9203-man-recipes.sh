#!/bin/sh
# The recipes of the man page's EXAMPLES run as printed (issue 11): each
# .EX block there, marked "recipe: NAME" in the man source, runs with sh in
# a directory whose files carry the recipe's names and are made from the
# bundled data (testdata/demo; Master.csv by cdrgen with the demo's seed);
# its exit status is checked, and its figures against Python's reading of
# the same files. The README's "$ cdrsift ..." lines run there too.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$TESTDATA/.." && pwd)
DEMO=$TESTDATA/demo

mkdir bin box &&
printf '#!/bin/sh\nexec %s "$@"\n' "$CDRSIFT_RUN" >bin/cdrsift &&
chmod +x bin/cdrsift || exit 2
PATH=$TRASH/bin:$PATH
export PATH

# ---- the files the recipes name, from the bundled data
(cd box && DEMO=$DEMO /usr/bin/python3 - <<\PY) || exit 2
import gzip, os, shutil
demo = os.environ["DEMO"]
def lines(name):
    return gzip.open(os.path.join(demo, name)).read().splitlines(keepends=True)
def gz(name, data):
    open(name, "wb").write(gzip.compress(data, mtime=0))
opa = lines("cdr-opa.csv.gz")
gz("opa-2025-02.csv.gz", b"".join(opa[:10001]))
gz("opa-2025-03.csv.gz", opa[0] + b"".join(opa[10001:]))
gz("cell_towers.csv.gz", open(os.path.join(demo, "cells.csv"), "rb").read())
can = lines("cdr-canonical.csv.gz")
for k in range(3):
    gz("part-%d.csv.gz" % (k + 1), can[0] + b"".join(can[1 + k * 7000:1 + (k + 1) * 7000]))
os.mkdir("dumps")
for f in ("cdr-canonical.csv.gz", "ip-ipdr.csv.gz", "ip-cgnat.csv.gz"):
    shutil.copy(os.path.join(demo, f), "dumps/" + f)
shutil.copy(os.path.join(demo, "cdr-canonical.csv.gz"), "dump.csv.gz")
# the README's gzip file cut short
g = open("opa-2025-03.csv.gz", "rb").read()
open("cut.csv.gz", "wb").write(g[:9000])
import csv, io
rows = list(csv.reader(io.StringIO(b"".join(can).decode())))
with open("calls.txt", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    for r in rows[1:]:
        w.writerow([r[3], r[4], r[5], r[7]])
with open("export.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["Numero A", "Numero B", "Fecha"])
    for r in rows[1:]:
        w.writerow([r[3], r[4], r[5]])
open("sheet.csv", "wb").write(b"".join(can[:101]).decode().encode("utf-16"))
# the operator's manifest of the opa delivery, and a delivery folder
import hashlib
with open("delivery.sha256", "w") as f:
    for n in ("opa-2025-02.csv.gz", "opa-2025-03.csv.gz"):
        f.write("%s  %s\n" % (hashlib.sha256(open(n, "rb").read()).hexdigest(), n))
os.mkdir("delivery")
for n in ("opa-2025-02.csv.gz", "opa-2025-03.csv.gz"):
    shutil.copy(n, "delivery/" + n)
PY
"${GEN:?the recipes need cdrgen (CDRSIFT_GEN)}" --dialect asterisk --rows 2000 --seed 7 >box/Master.csv || exit 2

# ---- the recipes, as printed: one file per NAME
/usr/bin/python3 - "$SRC/man/cdrsift.1" <<\PY || exit 2
import re, sys
man = open(sys.argv[1], encoding="utf-8").read()
ex = man.split("\n.SH EXAMPLES\n", 1)[1].split("\n.SH ", 1)[0].split("\n")
names, i = [], 0
while i < len(ex):
    if ex[i] == ".EX":
        m = re.match(r'^\.\\" recipe: (\S+)( doc-only.*)?$', ex[i - 1])
        assert m, "an example without a recipe marker: " + ex[i + 1]
        j = ex.index(".EE", i)
        text = "\n".join(ex[i + 1:j]) + "\n"
        for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\&", ""), ("\\e", "\\")):
            text = text.replace(a, b)
        assert "\\" not in text.replace("\\\n", ""), ("groff escape left", text)
        if not m.group(2):
            open("recipe." + m.group(1), "w").write(text)
            names.append(m.group(1))
        i = j
    i += 1
open("recipes", "w").write("\n".join(names) + "\n")
PY

# ---- the figures, from Python's reading of the same files (check.py NAME)
cat >check.py <<\PY
import csv, gzip, io, json, os, re, sys
name = sys.argv[1]
os.chdir("box")
out = open("../out." + name, encoding="utf-8").read()
def rows(path):
    op = gzip.open if path.endswith(".gz") else open
    text = op(path, "rb").read().decode("utf-8")
    delim = ";" if text.split("\n", 1)[0].count(";") > 1 else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delim))
opa = rows("opa-2025-02.csv.gz") + rows("opa-2025-03.csv.gz")
def norm(n):  # the man page's rule for --country 60
    n = re.sub(r"[^0-9+]", "", n)
    if n.startswith("+"): return n[1:]
    if n.startswith("0"): return "60" + n[1:]
    return n
def table(text):
    return list(csv.DictReader(io.StringIO(text)))
if name == "schema":
    t = table(out)
    assert len(t) == 11, len(t)
    fields = {r["field"] for r in t}
    assert {"caller", "callee", "start_date", "start_time_of_day", "duration",
            "cell", "imei", "imsi"} <= fields, fields
elif name == "stats":
    t = table(out)
    assert [r["input"] for r in t] == ["opa-2025-02.csv.gz", "opa-2025-03.csv.gz", "(total)"], t
    assert int(t[-1]["read"]) == len(opa) == 20000
    assert [int(r["read"]) for r in t[:2]] == [10000, 10000], t
    span = sorted(r["CALL_DATE"][6:] + r["CALL_DATE"][3:5] + r["CALL_DATE"][:2] + r["CALL_TIME"] for r in opa)
    first = span[0][:4] + "-" + span[0][4:6] + "-" + span[0][6:8] + "T" + span[0][8:] + "+08:00"
    assert t[-1]["first"] == first, (t[-1]["first"], first)
elif name == "stats-csv":
    assert out == "", out
    t = table(open("stats.csv").read())
    assert int(t[-1]["read"]) == len(opa) and int(t[-1]["rejected"]) == 0, t[-1]
    assert open("rejects.csv").read().count("\n") <= 1
elif name == "stats-json":
    a = json.loads(out)
    assert a["read"] == len(opa) == a["accepted"] + a["rejected"], a
    assert a["accepted"] == a["matched"] + a["filtered"], a
elif name == "canonical":
    assert out == ""
    t = table(gzip.open("opa-canonical.csv.gz").read().decode())
    src = rows("opa-2025-03.csv.gz")
    assert len(t) == len(src) == 10000, len(t)
    cells = {"%s-%s-%s-%s" % (c["mcc"], c["net"], c["area"], c["cell"]) for c in rows("cell_towers.csv.gz")}
    placed = sum(1 for r in src if r["CGI"] in cells)
    assert sum(1 for r in t if r["lat"]) >= placed > 0, (placed, sum(1 for r in t if r["lat"]))
elif name == "join":
    assert out == ""
    want = gzip.open("dump.csv.gz").read()
    assert gzip.open("all.csv.gz").read() == want, "join differs from the original"
elif name == "count":
    n = sum(len(rows("dumps/" + f)) for f in os.listdir("dumps"))
    assert out.strip() == "count\n%d" % n or out.strip() == str(n), (out, n)
elif name == "pairs":
    t = table(out)
    me = "60163554700"
    want = sum(1 for r in opa if me in (norm(r["A_NUMBER"]), norm(r["B_NUMBER"])))
    assert want > 0 and sum(int(r["records"]) for r in t) == want, (want, t[:3])
elif name == "tower-hours":
    t = table(out)
    assert [r["hour"] for r in t] == [str(h) for h in range(24)], [r["hour"] for r in t]
    want = sum(1 for r in opa if r["CGI"] == "502-12-1224-102405123")
    assert want > 0 and sum(int(r["records"]) for r in t) == want, want
elif name == "top":
    parts = out.split("subscriber,", 2)
    assert len(parts) == 3, out[:200]
    assert len(table("subscriber," + parts[1])) == 20
    assert len(table("subscriber," + parts[2])) == 20
elif name == "daily":
    assert out == ""
    t = table(open("daily.csv").read())
    assert len(t) == 7 and sum(int(r["records"]) for r in t) == len(opa), t
elif name == "no-header":
    t = table(out)
    assert len(t) == sum(1 for _ in open("calls.txt")), len(t)
elif name == "map":
    t = table(out)
    assert int(t[0]["read"]) == int(t[0]["accepted"]) == len(rows("export.csv")), t[0]
elif name == "asterisk":
    t = table(out)
    assert len(t) == len(list(csv.reader(open("Master.csv")))) == 2000, len(t)
elif name == "utf16":
    t = table(out)
    assert int(t[0]["read"]) == 100, t[0]
elif name == "batch":
    assert out == "", out
    t = table(open("report.csv").read())
    assert [r["input"] for r in t] == ["dump.csv.gz", "(total)"], t
    assert int(t[0]["read"]) == len(rows("dump.csv.gz")), t[0]
elif name == "evidence":
    import hashlib
    man = dict(l.split()[::-1] for l in open("delivery.sha256"))
    t = table(open("stats.csv").read())
    assert int(t[-1]["read"]) == len(opa), t[-1]
    meta = json.load(open("stats.json"))
    assert {i["path"]: i["sha256"] for i in meta["inputs"]} == man, meta["inputs"]
    rep = dict(l.split()[::-1] for l in open("reports.sha256"))
    for n, h in rep.items():
        assert hashlib.sha256(open(n, "rb").read()).hexdigest() == h, n
    assert sum(1 for _ in open("audit.log")) == 3
    assert "chain intact" in out and " 0 changed, 0 missing" in out, out
elif name == "receipt":
    import hashlib
    got = dict(l.split()[::-1] for l in open("received.sha256"))
    want = {"delivery/" + n: hashlib.sha256(open("delivery/" + n, "rb").read()).hexdigest()
            for n in os.listdir("delivery")}
    assert got == want, (got, want)
else:
    raise SystemExit("no check for recipe " + name)
print("ok", name)
PY

test_expect_success 'every example in EXAMPLES is a recipe (18 of them, and one doc-only)' '
	test "$(wc -l <recipes)" -eq 18
'
for name in $(cat recipes); do
	test_expect_success "man recipe $name runs as printed" "
		(cd box && sh ../recipe.$name) >out.$name 2>err.$name ||
		{ echo exit \$?; cat err.$name; false; } &&
		/usr/bin/python3 check.py $name
	"
done

# ---- the README's command lines
/usr/bin/python3 - "$SRC/README.md" <<\PY || exit 2
import sys
cmds = [l.strip()[2:] for l in open(sys.argv[1], encoding="utf-8")
        if l.startswith("    $ cdrsift ")]
open("readme.cmds", "w").write("\n".join(cmds) + "\n")
PY
ln -s "$TESTDATA" box/testdata
n=0
while read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" >readme.$n
	test_expect_success "README line $n runs: $line" "
		(cd box && sh ../readme.$n) >rout.$n 2>rerr.$n; rc=\$?
		test \$rc -le 1 || { echo exit \$rc; cat rerr.$n; false; } &&
		test -s rout.$n && ! grep -q 'cannot open' rerr.$n
	"
done <readme.cmds
test_done
