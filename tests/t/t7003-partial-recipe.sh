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

test_done
