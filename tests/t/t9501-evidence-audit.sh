#!/bin/sh
# --audit and verify (issue 17). The chain is re-computed by Python from
# the rule the man page gives (AUDIT LOG), not from the program's code:
#   line N = BODY ',"hash":"' H '"}' LF,  H = SHA-256(BODY '}'),
#   prev = SHA-256(line N-1 without LF), SHA-256 of nothing for line 1.
# verify must pass on an untouched log and name exactly the file or line
# after one input byte changes, an output is deleted, a line is edited or
# a line is deleted; 8 concurrent runs append 8 lines that chain.
. "$(dirname "$0")/lib.sh"

cat >chain.py <<\PY
# chain.py LOG [N]: the log chains by the documented rule (N lines when
# given), and every digest in it is the file's (paths from the line's cwd)
import hashlib, json, os, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\n"), "no LF at the end"
lines = data[:-1].split(b"\n")
prev = hashlib.sha256(b"").hexdigest()
for n, line in enumerate(lines, 1):
    o = json.loads(line)
    i = line.rindex(b',"hash":"')
    assert line[i:] == b',"hash":"' + o["hash"].encode() + b'"}', n
    assert hashlib.sha256(line[:i] + b"}").hexdigest() == o["hash"], ("hash", n)
    assert o["seq"] == n, ("seq", n)
    assert o["prev"] == prev, ("prev", n)
    prev = hashlib.sha256(line).hexdigest()
    for f in o["inputs"] + o["outputs"]:
        if f["sha256"] is None:
            continue
        p = os.path.join(o["cwd"], f["path"])
        assert hashlib.sha256(open(p, "rb").read()).hexdigest() == f["sha256"], (n, p)
if len(sys.argv) > 2:
    assert len(lines) == int(sys.argv[2]), len(lines)
print(len(lines), "lines chain")
PY

printf 'caller,callee,start,duration\n601,602,2025-01-03 08:00:00,60\n603,604,bad,5\n605,606,2025-01-03 09:00:00,7\n' >a.csv
printf 'caller,callee,start,duration\n607,608,2025-01-04 10:00:00,30\n' | gzip -n >b.csv.gz

test_expect_success 'an audited run: one line with everything, chained' '
	test_exit 1 cdrsift volume --by caller -f csv -o out.csv --rejects rej.csv \
		--provenance prov.json --audit au.log a.csv b.csv.gz 2>/dev/null &&
	/usr/bin/python3 chain.py au.log 1 &&
	/usr/bin/python3 - <<-\PY
	import getpass, hashlib, json, os, socket
	o = json.loads(open("au.log").readline())
	assert o["prev"] == hashlib.sha256(b"").hexdigest()
	assert o["command"] == ["volume", "--by", "caller", "-f", "csv", "-o", "out.csv",
	    "--rejects", "rej.csv", "--provenance", "prov.json", "--audit", "au.log",
	    "a.csv", "b.csv.gz"], o["command"]
	assert o["exit"] == 1 and o["user"] == getpass.getuser(), o
	assert o["host"] == socket.gethostname() and o["cwd"] == os.getcwd(), o
	h = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
	assert o["inputs"] == [{"path": p, "bytes": os.path.getsize(p), "sha256": h(p)}
	    for p in ("a.csv", "b.csv.gz")], o["inputs"]
	assert o["outputs"] == [{"path": p, "sha256": h(p)}
	    for p in ("out.csv", "rej.csv", "prov.json")], o["outputs"]
	assert o["time"] == json.load(open("prov.json"))["time"]
	PY
'
test_expect_success 'more runs append; stdout not a file is "-" without a digest' '
	cdrsift filter -f csv --audit au.log b.csv.gz | cat >piped.csv &&
	test_exit 1 cdrsift stats -f json --audit au.log a.csv >st.json 2>/dev/null &&
	/usr/bin/python3 chain.py au.log 3 &&
	/usr/bin/python3 - <<-\PY
	import hashlib, json, os
	l = [json.loads(x) for x in open("au.log")]
	assert l[1]["outputs"] == [{"path": "-", "sha256": None}], l[1]["outputs"]
	assert l[1]["exit"] == 0 and l[2]["exit"] == 1
	# stdout redirected to a file is named by its absolute path, hashed
	assert l[2]["outputs"] == [{"path": os.path.abspath("st.json"),
	    "sha256": hashlib.sha256(open("st.json", "rb").read()).hexdigest()}], l[2]["outputs"]
	PY
'
test_expect_success 'verify passes on the untouched log' '
	cdrsift verify au.log >v.out 2>v.err &&
	test ! -s v.err && grep -q "3 lines, chain intact" v.out
'
cp au.log au.orig
cp a.csv a.orig

test_expect_success 'one input byte changed: verify names that input, exactly' '
	/usr/bin/python3 -c "
d = bytearray(open(\"a.csv\", \"rb\").read()); d[40] ^= 1
open(\"a.csv\", \"wb\").write(d)" &&
	test_exit 1 cdrsift verify au.log >v.out 2>v.err &&
	cp a.orig a.csv &&
	sed "s/(sha256 [0-9a-f]*, recorded [0-9a-f]*)/(...)/" v.err >got &&
	printf "%s\n" "cdrsift: au.log:1: input '"'"'a.csv'"'"' changed (...)" \
		"cdrsift: au.log:3: input '"'"'a.csv'"'"' changed (...)" >want &&
	test_cmp want got && grep -q "chain intact" v.out
'
test_expect_success 'one output deleted: verify names that output, exactly' '
	mv rej.csv rej.keep &&
	test_exit 1 cdrsift verify au.log >v.out 2>v.err &&
	mv rej.keep rej.csv &&
	echo "cdrsift: au.log:1: output '"'"'rej.csv'"'"' is missing" >want &&
	test_cmp want v.err
'
test_expect_success 'one audit line edited: verify names that line' '
	sed "2s/\"exit\":0/\"exit\":9/" au.orig >au.log &&
	! cmp -s au.log au.orig &&
	test_exit 1 cdrsift verify au.log >v.out 2>v.err &&
	echo "cdrsift: au.log:2: line changed: its hash does not match its contents" >want &&
	test_cmp want v.err && grep -q "chain BROKEN" v.out &&
	! /usr/bin/python3 chain.py au.log 2>/dev/null
'
test_expect_success 'one line edited with its own hash made good: the next line names it' '
	/usr/bin/python3 - <<-\PY &&
	import hashlib
	l = open("au.orig", "rb").read().split(b"\n")
	line = l[1].replace(b"\"exit\":0", b"\"exit\":9")
	i = line.rindex(b",\"hash\":\"")
	l[1] = line[:i] + b",\"hash\":\"" + hashlib.sha256(line[:i] + b"}").hexdigest().encode() + b"\"}"
	open("au.log", "wb").write(b"\n".join(l))
	PY
	test_exit 1 cdrsift verify au.log >v.out 2>v.err &&
	echo "cdrsift: au.log:3: prev does not match line 2 (line 2 was changed, or a line was deleted between)" >want &&
	test_cmp want v.err
'
test_expect_success 'one audit line deleted: verify names where it was' '
	sed 2d au.orig >au.log &&
	test_exit 1 cdrsift verify au.log >v.out 2>v.err &&
	echo "cdrsift: au.log:2: seq is 3, expected 2 (a line was deleted or inserted before it)" >want &&
	test_cmp want v.err
'
test_expect_success 'the first line deleted is seen too' '
	sed 1d au.orig >au.log &&
	test_exit 1 cdrsift verify au.log 2>v.err &&
	grep -q "^cdrsift: au.log:1: seq is 2, expected 1" v.err
'
test_expect_success 'a log whose last line does not verify is not appended to' '
	sed "3s/\"exit\":1/\"exit\":7/" au.orig >au.log && cp au.log au.bad &&
	test_exit 3 cdrsift stats -o x.csv --audit au.log b.csv.gz 2>err &&
	grep -q "audit log .au.log. not appended to: its last line: line changed" err &&
	cmp au.log au.bad
'
cp au.orig au.log

test_expect_success 'verify -C: relative paths found in the case folder moved' '
	mkdir moved && cp a.csv b.csv.gz out.csv rej.csv prov.json moved/ &&
	cdrsift verify -C moved au.log >v.out &&
	echo x >>moved/out.csv &&
	test_exit 1 cdrsift verify -C moved au.log >v.out 2>v.err &&
	grep -q "^cdrsift: au.log:1: output .out.csv. changed" v.err &&
	test "$(wc -l <v.err)" = 1 &&
	cdrsift verify au.log >v.out
'
test_expect_success 'a refused run (usage error) is recorded with its status' '
	test_exit 2 cdrsift stats --kind nope --audit au2.log a.csv 2>/dev/null &&
	/usr/bin/python3 chain.py au2.log 1 &&
	/usr/bin/python3 -c "
import json; o = json.loads(open(\"au2.log\").readline()); assert o[\"exit\"] == 2, o"
'
test_expect_success '8 concurrent runs append 8 lines to one log, and they chain' '
	pids=
	for i in 1 2 3 4 5 6 7 8; do
		cdrsift volume --by caller -j1 -f csv -o par$i.csv --audit par.log a.csv b.csv.gz 2>/dev/null &
		pids="$pids $!"
	done
	bad=0
	for p in $pids; do wait $p; [ $? -eq 1 ] || bad=$((bad + 1)); done
	test $bad = 0 &&
	/usr/bin/python3 chain.py par.log 8 &&
	/usr/bin/python3 - <<-\PY &&
	import json
	outs = sorted(json.loads(l)["outputs"][0]["path"] for l in open("par.log"))
	assert outs == ["par%d.csv" % i for i in range(1, 9)], outs
	PY
	cdrsift verify par.log >v.out && grep -q "^par.log: 8 lines, chain intact; 24 files checked, 0 changed, 0 missing" v.out
'
test_expect_success 'the same with GNU parallel, when it is installed' '
	if command -v parallel >/dev/null; then
		seq 1 8 | parallel -j8 "$CDRSIFT stats -j1 -f csv -o gp{}.csv --audit gp.log a.csv 2>/dev/null; test \$? -eq 1" &&
		/usr/bin/python3 chain.py gp.log 8 && cdrsift verify gp.log >/dev/null
	fi
'
test_expect_success 'verify: an empty log verifies, a missing one is exit 3' '
	: >empty.log && cdrsift verify empty.log >v.out && grep -q "0 lines" v.out &&
	test_exit 3 cdrsift verify nosuch.log 2>/dev/null
'
test_expect_success 'verify: a line that is not an audit line is named' '
	{ cat au.orig; echo "{\"seq\":4}"; } >au3.log &&
	test_exit 1 cdrsift verify au3.log 2>v.err &&
	grep -q "^cdrsift: au3.log:4: not an audit line" v.err
'
test_done
