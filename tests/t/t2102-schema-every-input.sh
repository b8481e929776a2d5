#!/bin/sh
# schema lists every input or says why not (issue #10 item 7): after a
# first input of more than 200 rows (its sample size) the others were
# left out of the report and the json meta, and an input that could not
# be opened exited 0 without a message. Expected columns per input come
# from Python's csv module reading each header.
. "$(dirname "$0")/lib.sh"

"$GEN" --rows 1000 --seed 5 >big.csv &&
"$GEN" --dialect opa --rows 7 --seed 5 | gzip -n >small.csv.gz &&
"$GEN" --dialect ipdr --rows 300 --seed 5 >ip.csv || exit 2
zcat small.csv.gz >small.csv

# "NAME,NCOLUMNS" for each input, from its header
/usr/bin/python3 - big.csv small.csv ip.csv <<'PY' >expect
import csv, sys
for p in sys.argv[1:]:
    with open(p, newline="") as f:
        first = f.readline()
    delim = ";" if first.count(";") > first.count(",") else ","
    hdr = next(csv.reader([first], delimiter=delim))
    name = p.replace("small.csv", "small.csv.gz")
    print("%s,%d" % (name, len(hdr)))
PY

test_expect_success 'every input has its columns in the csv report' '
	test_exit 0 cdrsift schema -f csv big.csv small.csv.gz ip.csv >out.csv &&
	/usr/bin/python3 -c "
import csv, collections, sys
n = collections.OrderedDict()
for r in csv.DictReader(open(\"out.csv\", newline=\"\")):
    n[r[\"input\"]] = n.get(r[\"input\"], 0) + 1
for k, v in n.items(): print(\"%s,%d\" % (k, v))" >got &&
	test_cmp expect got
'

test_expect_success 'the json meta lists every input, with its SHA-256 when read whole' '
	test_exit 0 cdrsift schema -f json big.csv small.csv.gz ip.csv >out.json &&
	sha256sum small.csv.gz | cut -d" " -f1 >want.sha &&
	/usr/bin/python3 -c "
import json
m = json.load(open(\"out.json\"))[\"meta\"]
print(\" \".join(i[\"path\"] for i in m[\"inputs\"]))
print(m[\"inputs\"][1][\"sha256\"])" >got &&
	printf "big.csv small.csv.gz ip.csv\n%s\n" "$(cat want.sha)" >want &&
	test_cmp want got
'

test_expect_success 'the table names every input' '
	test_exit 0 cdrsift schema -f table big.csv small.csv.gz ip.csv >out.txt &&
	grep -c "^big.csv: cdr" out.txt &&
	grep -c "^small.csv.gz: cdr" out.txt &&
	grep -c "^ip.csv: ip log" out.txt
'

test_expect_success 'a missing input after a big one: message, exit 3, the rest still listed' '
	test_exit 3 cdrsift schema -f json big.csv missing.csv small.csv.gz >out.json 2>err &&
	grep -q "^cdrsift: cannot open .missing.csv.: " err &&
	/usr/bin/python3 -c "
import json
m = json.load(open(\"out.json\"))
print(\" \".join(i[\"path\"] for i in m[\"meta\"][\"inputs\"]))
print(\" \".join(sorted(set(r[\"input\"] for r in m[\"rows\"]))))" >got &&
	printf "big.csv missing.csv small.csv.gz\nbig.csv small.csv.gz\n" >want &&
	test_cmp want got
'

test_expect_success 'an unusable input after a big one is named, exit 1' '
	printf "foo,bar\n1,2\n" >unknown.csv &&
	test_exit 1 cdrsift schema -f table big.csv unknown.csv small.csv.gz >out.txt 2>err &&
	grep -q "^cdrsift: unknown.csv: line 1: header not understood" err &&
	grep -q "^small.csv.gz: cdr" out.txt
'
# schema reads through the pipeline like every command (issue 13: one row
# loop): its samples are the first three distinct values of each column in
# the first 200 data rows, whatever -j says; an input longer than the
# 2 MiB block read is left unread (null SHA-256), its accounting the 200
"$GEN" --rows 40000 --seed 9 >huge.csv || exit 2
test_expect_success 'samples: the first 3 distinct values of the first 200 rows (python), any -j' '
	/usr/bin/python3 - big.csv >want.samples <<-\PY &&
	import csv, sys
	rows = list(csv.reader(open(sys.argv[1], newline="")))
	hdr, data = rows[0], rows[1:201]
	for i, name in enumerate(hdr):
	    seen = []
	    for r in data:
	        v = r[i][:40] if i < len(r) else ""
	        if v and v not in seen and len(seen) < 3:
	            seen.append(v)
	    print("%d,%s" % (i + 1, " | ".join(seen)))
	PY
	for j in 1 2 4; do
		cdrsift schema -j$j -f csv big.csv >s$j.csv &&
		/usr/bin/python3 -c "
import csv
for r in csv.DictReader(open(\"s$j.csv\", newline=\"\")):
    print(\"%s,%s\" % (r[\"column\"], r[\"samples\"]))" >got$j &&
		test_cmp want.samples got$j || return 1
	done
'
test_expect_success 'a long input: 200 rows accounted, SHA-256 null; a short one: sha256sum' '
	test "$(wc -c <huge.csv)" -gt 4194304 &&
	cdrsift schema -f json huge.csv small.csv.gz >h.json &&
	/usr/bin/python3 -c "
import json
m = json.load(open(\"h.json\"))[\"meta\"]
a = m[\"accounting\"]
print(a[\"read\"], a[\"accepted\"], m[\"inputs\"][0][\"sha256\"], m[\"inputs\"][1][\"sha256\"])" >got &&
	echo "207 207 None $(sha256sum <small.csv.gz | cut -d" " -f1)" >want &&
	test_cmp want got
'
test_expect_success 'rejected rows among the sample: counted, not reported, exit 0' '
	{ head -1 big.csv; echo "not,enough"; sed -n 2,300p big.csv; } >rej.csv &&
	test_exit 0 cdrsift schema -f json rej.csv >r.json 2>err &&
	! test -s err &&
	/usr/bin/python3 -c "
import json
a = json.load(open(\"r.json\"))[\"meta\"][\"accounting\"]
assert (a[\"read\"], a[\"rejected\"], a[\"accepted\"]) == (201, 1, 200), a"
'

test_done
