#!/bin/sh
# t7003: the man page's GNU parallel recipe on one machine (PARTIAL
# FILES), run exactly as printed on the demo files: its report equals one
# run over the same files, every file is covered, and each input's rows
# read are the file's lines after the header (wc -l; cdr-bad, whose broken
# rows span lines, left out) (issue 13).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"

MAN=$T/../../man/cdrsift.1

test_expect_success 'the recipe, as printed' '
	awk "/recipe: parallel-one-machine/ { on = 1; next }
	     on && /^\.EX/ { next }
	     on && /^\.EE/ { exit }
	     on { print }" "$MAN" |
		sed -e "s/\\\\-/-/g" -e "s/\\\\e/\\\\/g" >recipe.sh &&
	grep -q "^parallel " recipe.sh && [ $(wc -l <recipe.sh) = 4 ] &&
	mkdir bin work &&
	printf "#!/bin/sh\nexec %s \"\$@\"\n" "$CDRSIFT_RUN" >bin/cdrsift &&
	chmod +x bin/cdrsift &&
	cp $TESTDATA/demo/*.csv.gz work/ &&
	(cd work && PATH=$TRASH/bin:$PATH test_exit 1 sh ../recipe.sh 2>../err) &&
	! grep "not covered" err &&
	[ $(ls work/parts | wc -l) = $(ls work/*.csv.gz | wc -l) ] &&
	(cd work && test_exit 1 cdrsift stats -f csv *.csv.gz >../want 2>/dev/null) &&
	test_cmp want work/stats.csv &&
	# cdr-bad holds broken rows on purpose (lines are not rows there)
	for f in $(ls work/*.csv.gz | grep -v cdr-bad); do
		printf "%s,%s\n" "${f#work/}" $(($(gzip -dc $f | wc -l) - 1))
	done >want.read &&
	python3 -c "
import csv, sys
for r in csv.DictReader(open(\"work/stats.csv\")):
    if r[\"input\"] not in (\"(total)\", \"cdr-bad.csv.gz\"):
        print(r[\"input\"] + \",\" + r[\"read\"])" >got.read &&
	test_cmp want.read got.read
'

# The ssh recipe with the local host (":") for the two nodes and the work
# directory for /evidence: a job that fails (an input that cannot be read)
# is the only one run again by --resume-failed.
test_expect_success 'the ssh recipe, on the local host' '
	awk "/^parallel .*sshlogin/ { on = 1 } on { print } on && /^cdrsift merge/ { exit }" "$MAN" |
		sed -e "s/\\\\-/-/g" -e "s/\\\\e/\\\\/g" \
		    -e "s|8/node1,8/node2|2/:|" -e "s|/evidence/|$TRASH/ssh/|" >ssh.sh &&
	grep -q "resume-failed" ssh.sh && [ $(wc -l <ssh.sh) = 5 ] &&
	mkdir ssh && cp $TESTDATA/demo/*.csv.gz ssh/ &&
	mkdir ssh/late.csv.gz && cp $TESTDATA/bad/multi-valid.csv.gz late.csv.gz &&
	(cd ssh && sha256sum *.csv.gz ../late.csv.gz 2>/dev/null | sed "s|\.\./||" >manifest;
	 mkdir parts && PATH=$TRASH/bin:$PATH sh ../ssh.sh >../ssh.out 2>../ssh.err;
	 echo $? >../ssh.rc) &&
	grep -q "not covered by any partial: .late.csv.gz." ssh.err &&
	[ $(awk "NR > 1 && \$7 != 0" ssh/parts.log | wc -l) = 1 ] &&
	rmdir ssh/late.csv.gz && mv late.csv.gz ssh/ &&
	(cd ssh && PATH=$TRASH/bin:$PATH sh ../ssh.sh >../ssh.out 2>../ssh.err;
	 echo $? >../ssh.rc) &&
	[ $(awk "NR > 1" ssh/parts.log | wc -l) = 7 ] &&
	! grep "not covered" ssh.err &&
	echo 1 >want.rc && test_cmp want.rc ssh.rc &&
	test_exit 1 cdrsift stats -f json $TRASH/ssh/*.csv.gz >want.json 2>/dev/null &&
	python3 -c "
import json
a = json.load(open(\"want.json\")); b = json.load(open(\"ssh/stats.json\"))
for m in (a, b):
    del m[\"meta\"][\"command\"]; m[\"meta\"].pop(\"time\", None)
assert a == b, \"ssh recipe report differs\""
'

test_done
