#!/bin/sh
# One cell, two spellings (issue 11, item 4): the same records written with
# a CGI column ("502-16-1224-102405123") and with separate MCC, MNC, LAC
# and cell columns give the same filter matches and the same volume --by
# cell groups; a delivery with only LAC and cell columns matches the
# comparisons of the parts it carries. Expected figures come from Python
# reading the files, with the rules of the man page (Cells, RECORDS): a
# comparison compares the parts it names, "cell" is the cell identity, a
# CGI literal names all four parts, --by cell groups on the full key each
# record carries.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

$PY - <<'PY'
import csv, random
rnd = random.Random(2200)
# the same CI in two LACs, in two networks, in two countries; and others
keys = [("502", "16", "1224", "102405123"), ("502", "16", "1225", "102405123"),
        ("502", "19", "1224", "102405123"), ("262", "2", "1224", "102405123"),
        ("502", "16", "1224", "4242"), ("502", "12", "3013", "10241"),
        ("502", "16", "1224", "7"), None]
cgi = open("cgi.csv", "w", newline="")
cols = open("cols.csv", "w", newline="")
lac = open("lac.csv", "w", newline="")
a, b, c = (csv.writer(f, lineterminator="\n") for f in (cgi, cols, lac))
a.writerow(["RECORD_ID", "A_NUMBER", "B_NUMBER", "CALL_START", "DURATION", "CGI"])
b.writerow(["RECORD_ID", "A_NUMBER", "B_NUMBER", "CALL_START", "DURATION", "MCC", "MNC", "LAC", "CELL_ID"])
c.writerow(["RECORD_ID", "A_NUMBER", "B_NUMBER", "CALL_START", "DURATION", "LAC", "CELL_ID"])
for i in range(1, 401):
    k = rnd.choice(keys)
    start = "2025-01-%02d %02d:%02d:00" % (1 + i % 5, i % 24, i % 60)
    row = [i, "6012%07d" % rnd.randrange(40), "6013%07d" % rnd.randrange(40), start, rnd.randrange(600)]
    a.writerow(row + ["-".join(k) if k else ""])
    b.writerow(row + (list(k) if k else ["", "", "", ""]))
    c.writerow(row + ([k[2], k[3]] if k else ["", ""]))
for f in (cgi, cols, lac):
    f.close()
PY

# the oracle: which record ids an expression keeps, by the parts it names
cat >oracle.py <<'PY'
import csv, sys
path, what = sys.argv[1], sys.argv[2]
recs = []
for r in csv.DictReader(open(path, newline="")):
    if "CGI" in r:
        p = r["CGI"].split("-") if r["CGI"] else []
        parts = dict(zip(("mcc", "mnc", "lac", "cell"), p))
    else:
        parts = {k.lower() if k != "CELL_ID" else "cell": v for k, v in r.items()
                 if k in ("MCC", "MNC", "LAC", "CELL_ID") and v}
    recs.append((r["RECORD_ID"], parts))

def eq(parts, want):   # every part named equal; a part the record lacks: false
    return all(k in parts and parts[k] == v for k, v in want.items())
def ne(parts, want):   # some part named present and different
    return any(k in parts and parts[k] != v for k, v in want.items())
CGI = dict(mcc="502", mnc="16", lac="1224", cell="102405123")
tests = {
    "plain": lambda p: eq(p, dict(cell="102405123", lac="1224")),
    "cgi": lambda p: eq(p, CGI),
    "not-cgi": lambda p: ne(p, CGI),
    "lac-ci": lambda p: eq(p, dict(lac="1224", cell="102405123")),
    "set": lambda p: eq(p, CGI) or eq(p, dict(cell="4242")),
    "not-set": lambda p: ne(p, CGI) and "cell" in p and p["cell"] != "4242",
    "mcc": lambda p: eq(p, dict(mcc="502", mnc="16")) and "cell" in p,
}
if what == "volume":
    # --by cell: the full key each record carries, MCC-MNC-LAC-CI or LAC-CI
    n = {}
    for _, p in recs:
        if "cell" not in p:
            key = ""
        else:
            key = "-".join(p[k] for k in ("mcc", "mnc", "lac", "cell") if k in p)
        n[key] = n.get(key, 0) + 1
    for k in sorted(n):
        print("%s,%d" % (k, n[k]))
else:
    for i, p in recs:
        if tests[what](p):
            print(i)
PY

ids() { $PY -c 'import csv, sys; [print(r["id"]) for r in csv.DictReader(sys.stdin)]'; }
check() {
	name=$1 expr=$2
	for f in cgi cols lac; do
		test_expect_success "$f: -w '$expr' keeps the records Python keeps" "
			$PY oracle.py $f.csv $name >want &&
			cdrsift filter -f csv -w '$expr' $f.csv >out.csv &&
			ids <out.csv >got &&
			test_cmp want got
		"
	done
	test_expect_success "-w '$expr': the CGI and the column spellings keep the same records" "
		cdrsift filter -f csv -w '$expr' cgi.csv | ids >a &&
		cdrsift filter -f csv -w '$expr' cols.csv | ids >b &&
		test_cmp a b && test -s a
	"
}
check plain 'cell == 102405123 and lac == 1224'
check cgi 'cell == "502-16-1224-102405123"'
check not-cgi 'cell != "502-16-1224-102405123"'
check lac-ci 'cell == "1224-102405123"'
check set 'cell in {"502-16-1224-102405123", 4242}'
check not-set 'cell not in {"502-16-1224-102405123", 4242}'
check mcc 'mcc == 502 and mnc == 16 and exists(cell)'

for f in cgi cols lac; do
	test_expect_success "$f: volume --by cell groups on the full key each record carries" "
		$PY oracle.py $f.csv volume >want &&
		cdrsift volume -f csv --by cell --sort key $f.csv >out.csv &&
		$PY -c 'import csv, sys; [print(\"%s,%s\" % (r[\"cell\"], r[\"records\"])) for r in csv.DictReader(sys.stdin)]' <out.csv | sort >got &&
		test_cmp want got
	"
done
test_expect_success 'the CGI and the column spellings give the same volume --by cell' '
	cdrsift volume -f csv --by cell cgi.csv >a &&
	cdrsift volume -f csv --by cell cols.csv >b &&
	test_cmp a b
'
test_expect_success 'a cell given twice (a CGI and a LAC column) must agree, else the row is rejected' '
	printf "id,caller,start,cgi,lac\n1,601,2025-01-01T00:00:00,502-16-1224-7,1224\n2,601,2025-01-01T00:00:00,502-16-1224-7,01224\n3,601,2025-01-01T00:00:00,502-16-1224-7,3013\n" >twice.csv &&
	test_exit 1 cdrsift filter -f csv twice.csv >out.csv 2>err &&
	ids <out.csv >got && printf "1\n2\n" >want && test_cmp want got &&
	grep -q "twice.csv:4: cell and its parts disagree" err
'
# (a control byte in a cell part is a reject of its own since issue 10
# item 5, found before the parts are compared)
test_expect_success 'a cell part with a control byte is rejected, the byte escaped' '
	printf "id,caller,start,cgi,lac\n1,601,2025-01-01T00:00:00,502-16-1224-7,30\03313\n" >esc.csv &&
	test_exit 1 cdrsift filter --count esc.csv >out 2>err &&
	grep -q "esc.csv:2: control character in lac (column .lac.: .30.x1b13.)" err &&
	! grep -q "$(printf "\033")" err
'

# how cells were written: Python counts the rows of each spelling
$PY - <<'PY'
import csv
for f in ("cgi", "cols", "lac"):
    n = dict(cgi=0, columns=0, id=0)
    cells = set()
    for r in csv.DictReader(open(f + ".csv", newline="")):
        if f == "cgi":
            if r["CGI"]:
                n["cgi"] += 1
                cells.add(r["CGI"])
        elif r["CELL_ID"]:
            n["columns"] += 1
            cells.add((r.get("MCC"), r.get("MNC"), r["LAC"], r["CELL_ID"]))
    open(f + ".want", "w").write("%d,%d,%d,%d\n" % (n["cgi"], n["columns"], n["id"], len(cells)))
PY
for f in cgi cols lac; do
	test_expect_success "$f: stats counts the cells by spelling and distinct full keys" "
		cdrsift stats -f csv $f.csv >st.csv &&
		$PY -c 'import csv, sys; r = next(csv.DictReader(sys.stdin)); print(\",\".join(r[k] for k in (\"cells_as_cgi\", \"cells_as_columns\", \"cells_as_id\", \"cells\")))' <st.csv >got &&
		test_cmp $f.want got
	"
done
test_expect_success 'schema says how the cells were written' '
	cdrsift schema -f table cgi.csv >s1 && grep -q "^cgi.csv: .*, cells as CGI$" s1 &&
	cdrsift schema -f table cols.csv >s2 && grep -q "^cols.csv: .*, cells as separate columns$" s2 &&
	cdrsift schema -f csv lac.csv >s3 && grep -q "^lac.csv,7,CELL_ID,cell,.*cells as separate columns" s3
'
test_done
