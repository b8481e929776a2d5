#!/bin/sh
# t6002: `cdrsift filter --evidence FLAGS --raw` gives back exactly the
# rows a flags file of `cdrsift anomalies` names, byte for byte, against
# python reading the physical lines of the inputs (LF, CRLF, gzip; any
# -j); the flags file's own grammar (ranges, TSV, quotes, names with ':')
# and its refusals (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"

cat >want.py <<'PY'
# The rows the evidence column names, as filter --raw prints them: per
# input in command-line order, the header when it differs from the last
# one printed, then the named lines in line order (line 1 = header; LF,
# CRLF and CR each end a line).
import csv, gzip, re, sys
flags, files = sys.argv[1], sys.argv[2:]
delim = '\t' if '\t' in open(flags).readline() and ',' not in open(flags).readline() else ','
want = {}
for r in csv.DictReader(open(flags, newline=''), delimiter=delim):
    for tok in r['evidence'].split(' '):
        if not tok:
            continue
        path, lines = tok.rsplit(':', 1)
        lo, _, hi = lines.partition('-')
        for n in range(int(lo), int(hi or lo) + 1):
            want.setdefault(path, set()).add(n)
out = sys.stdout.buffer
last = None
for f in files:
    raw = (gzip.open if f.endswith('.gz') else open)(f, 'rb').read()
    lines = re.findall(rb'[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$', raw)
    if lines[0] != last:
        out.write(lines[0]); last = lines[0]
    for n in sorted(want.get(f, ())):
        out.write(lines[n - 1])
PY

test_setup 'data' '
	"$GEN" --rows 60000 --seed 4 --subscribers 3000 --anomalies >big.csv &&
	python3 -c "d=open(\"big.csv\",\"rb\").read(); open(\"crlf.csv\",\"wb\").write(d.replace(b\"\\n\",b\"\\r\\n\"))" &&
	gzip -c big.csv >big.csv.gz
'

test_expect_success 'flags of anomalies -f csv give back their rows byte for byte' '
	cdrsift anomalies -f csv big.csv crlf.csv big.csv.gz >flags.csv &&
	test $(wc -l <flags.csv) -ge 6 &&
	python3 want.py flags.csv big.csv crlf.csv big.csv.gz >want &&
	test $(wc -l <want) -ge 10 &&
	for j in 1 2; do
		CDRSIFT_BLOCK_SIZE=65536 cdrsift filter --evidence flags.csv \
			--raw -j $j big.csv crlf.csv big.csv.gz >got-$j 2>err &&
		test_cmp want got-$j && ! test -s err || return 1
	done
'
test_expect_success 'with --count: the number of records named' '
	python3 want.py flags.csv big.csv >want1 &&
	echo "count,$(($(wc -l <want1) - 1))" | tr , "\n" >want-count &&
	cdrsift filter --evidence flags.csv --count -f csv big.csv >got-count 2>err &&
	test_cmp want-count got-count &&
	grep -q "evidence names input .crlf.csv., which is not among" err
'
test_expect_success 'ranges, quotes, TSV, names with colons, repeats merged' '
	printf "kind,detail,evidence\n" >h.csv &&
	printf "x,\"a, \"\"q\"\"\nb\",big.csv:10-14 big.csv:2\n" >>h.csv &&
	printf "y,,big.csv:12-20  big.csv:59999-60001\r\n" >>h.csv &&
	python3 want.py h.csv big.csv >want-h &&
	cdrsift filter --evidence h.csv --raw big.csv >got-h &&
	test_cmp want-h got-h &&
	test $(wc -l <got-h) -eq 16 &&
	printf "kind\tevidence\nx\tbig.csv:5-6\n" >h.tsv &&
	python3 want.py h.tsv big.csv >want-t &&
	cdrsift filter --evidence h.tsv --raw big.csv >got-t &&
	test_cmp want-t got-t &&
	mkdir -p z && cp big.csv z/m.csv && (cd z && zip -q ../d.zip m.csv) &&
	printf "kind,evidence\nx,d.zip:m.csv:7\n" >z.csv &&
	cdrsift filter --evidence z.csv --raw d.zip >got-z &&
	sed -n "1p;7p" big.csv >want-z &&
	test_cmp want-z got-z
'
test_expect_success 'a beyond-the-end line is said, not invented' '
	printf "kind,evidence\nx,big.csv:60001-60005\n" >e.csv &&
	cdrsift filter --evidence e.csv --raw big.csv >got-e 2>err &&
	head -1 big.csv >want-e && tail -1 big.csv >>want-e &&
	test_cmp want-e got-e &&
	grep -q "4 of the 5 lines named in the inputs are no record" err
'
test_expect_success 'malformed flags files: FILE:LINE and exit 2' '
	printf "kind,what\nx,y\n" >b1.csv &&
	test_exit 2 cdrsift filter --evidence b1.csv big.csv 2>err &&
	grep -q "^cdrsift: b1.csv:1: no .evidence. column" err &&
	printf "kind,evidence\nx,big.csv:1\ny,big.csv:0\n" >b2.csv &&
	test_exit 2 cdrsift filter --evidence b2.csv big.csv 2>err &&
	grep -q "^cdrsift: b2.csv:3: evidence .big.csv:0.: expected" err &&
	printf "kind,evidence\nx,big.csv:9-3\n" >b3.csv &&
	test_exit 2 cdrsift filter --evidence b3.csv big.csv 2>err &&
	printf "kind,evidence\nx,\"big.csv:1\n" >b4.csv &&
	test_exit 2 cdrsift filter --evidence b4.csv big.csv 2>err &&
	grep -q "^cdrsift: b4.csv:2: unterminated" err &&
	printf "kind,evidence\nx,big.csv:1,z\n" >b5.csv &&
	test_exit 2 cdrsift filter --evidence b5.csv big.csv 2>err &&
	grep -q "^cdrsift: b5.csv:2: row has 3 fields" err &&
	test_exit 3 cdrsift filter --evidence nosuch.csv big.csv 2>err &&
	test_exit 2 cdrsift filter --evidence </dev/null
'
test_done
