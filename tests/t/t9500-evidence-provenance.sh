#!/bin/sh
# Provenance (issue 17): the json meta of every command carries the
# version, the command line, the run's time and each input's path, size
# and SHA-256 (checked against coreutils' sha256sum, not the program), and
# --provenance writes that same object beside a csv output that stays clean.
. "$(dirname "$0")/lib.sh"

printf 'caller,callee,start,duration\n601,602,2025-01-03 08:00:00,60\n603,604,bad,5\n605,606,2025-01-03 09:00:00,7\n' >a.csv
printf 'caller,callee,start,duration\n607,608,2025-01-04 10:00:00,30\n' | gzip -n >b.csv.gz
sha256sum a.csv b.csv.gz >want.sha

# meta FILE.json: the meta's inputs as sha256sum lines
meta_sums() {
	/usr/bin/python3 - "$1" <<-\PY
	import json, sys
	m = json.load(open(sys.argv[1]))["meta"]
	for i in m["inputs"]:
	    print("%s  %s" % (i["sha256"], i["path"]))
	PY
}

# the exit status: 1 for the rejected row of a.csv; schema reports none
for cmd in "1 filter" "1 stats" "1 volume --by caller" "0 schema"; do
	rc=${cmd%% *} cmd=${cmd#* } name=${cmd%% *}
	test_expect_success "$name -f json: meta digests are sha256sum's" "
		test_exit $rc cdrsift $cmd -f json a.csv b.csv.gz >$name.json 2>/dev/null &&
		meta_sums $name.json >$name.sha &&
		test_cmp want.sha $name.sha
	"
done

test_expect_success 'stats csv: its sha256 column is sha256sum'"'"'s' '
	test_exit 1 cdrsift stats -f csv a.csv b.csv.gz >st.csv 2>/dev/null &&
	/usr/bin/python3 - <<-\PY
	import csv
	rows = list(csv.DictReader(open("st.csv", newline="")))
	got = ["%s  %s" % (r["sha256"], r["input"]) for r in rows[:-1]]
	want = open("want.sha").read().splitlines()
	assert got == want, (got, want)
	PY
'

test_expect_success 'meta: version, command, sizes, accounting, time fixed by SOURCE_DATE_EPOCH' '
	test_exit 1 cdrsift stats -f json a.csv b.csv.gz >m.json 2>/dev/null &&
	cdrsift --version >ver &&
	/usr/bin/python3 - <<-\PY
	import json, os
	m = json.load(open("m.json"))["meta"]
	assert "cdrsift " + m["version"] == open("ver").readline().strip(), m["version"]
	assert m["command"] == ["stats", "-f", "json", "a.csv", "b.csv.gz"], m["command"]
	assert [i["bytes"] for i in m["inputs"]] == [os.path.getsize("a.csv"), os.path.getsize("b.csv.gz")]
	a = m["accounting"]
	assert (a["read"], a["accepted"], a["rejected"]) == (4, 3, 1), a
	assert m["time"] == "2025-01-01T00:00:00Z", m["time"]
	PY
'

test_expect_success 'meta time is the clock in UTC ISO 8601 without SOURCE_DATE_EPOCH' '
	/usr/bin/python3 -c "import time; print(int(time.time()))" >t0 &&
	(unset SOURCE_DATE_EPOCH; test_exit 1 cdrsift stats -f json a.csv >m2.json 2>/dev/null) &&
	/usr/bin/python3 -c "import time; print(int(time.time()))" >t1 &&
	/usr/bin/python3 - <<-\PY
	import json, datetime
	t = json.load(open("m2.json"))["meta"]["time"]
	d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
	lo, hi = int(open("t0").read()), int(open("t1").read())
	assert lo <= d.timestamp() <= hi, (t, lo, hi)
	PY
'

test_expect_success 'standard input: meta digest of the bytes read' '
	test_exit 1 cdrsift stats -f json - <a.csv >in.json 2>/dev/null &&
	meta_sums in.json >in.sha &&
	sed -n "1s/  a.csv\$/  -/p" want.sha >want-in.sha &&
	test_cmp want-in.sha in.sha
'

test_expect_success '--provenance beside csv: the csv is unchanged, the file is the meta' '
	test_exit 1 cdrsift volume --by caller -f csv a.csv b.csv.gz >plain.csv 2>/dev/null &&
	test_exit 1 cdrsift volume --by caller -f csv --provenance prov.json a.csv b.csv.gz >with.csv 2>/dev/null &&
	cmp plain.csv with.csv &&
	test_exit 1 cdrsift volume --by caller -f json a.csv b.csv.gz >v.json 2>/dev/null &&
	/usr/bin/python3 - <<-\PY
	import json
	p = json.load(open("prov.json"))
	m = json.load(open("v.json"))["meta"]
	assert p["command"] == ["volume", "--by", "caller", "-f", "csv", "--provenance", "prov.json", "a.csv", "b.csv.gz"], p["command"]
	del p["command"], m["command"]
	assert p == m, (p, m)
	PY
'

test_expect_success '--provenance with a table and with filter --raw' '
	test_exit 1 cdrsift stats -f table --provenance p1.json a.csv >t.out 2>/dev/null &&
	! grep -q sha256.: t.out &&
	cdrsift filter --raw --provenance p2.json b.csv.gz >raw.out &&
	gzip -dc b.csv.gz | cmp - raw.out &&
	meta_sums_p() { /usr/bin/python3 -c "import json,sys; [print(\"%s  %s\" % (i[\"sha256\"], i[\"path\"])) for i in json.load(open(sys.argv[1]))[\"inputs\"]]" "$1"; } &&
	meta_sums_p p1.json >p1.sha && sed -n 1p want.sha | test_cmp - p1.sha &&
	meta_sums_p p2.json >p2.sha && sed -n 2p want.sha | test_cmp - p2.sha
'

test_expect_success '--provenance that cannot be written: exit 3 before reading' '
	test_exit 3 cdrsift stats -o never.csv --provenance no/such/dir/p.json a.csv 2>err &&
	grep -q "cannot write .no/such/dir/p.json." err &&
	test ! -e never.csv
'
test_done
