#!/bin/sh
# Pseudonyms (issue 17): tokens recomputed from the man page's definition
# (PSEUDONYMS: prefix + base32 of the first 80 bits of HMAC-SHA256(key,
# TYPE ":" CANONICAL)) with python's hmac module; one number written
# three ways gets one token; another key gives others; no raw identifier
# in stdout, stderr, meta, provenance, audit or rejects.
. "$(dirname "$0")/lib.sh"

cdrsift keygen k1 && cdrsift keygen k2
cat >a.csv <<'CSV'
caller,callee,start,duration,imsi,imei
+60123456789,0060198765432,2025-01-03 08:00:00,10,502123456789012,356938035643809
0060123456789,60198765432,2025-01-03 09:00:00,20,502123456789012,35693803564380
0123456789,+60198765432,2025-01-03 10:00:00,30,502123456789012,3569380356438001
60177777777,60198765432,not a time,30,502999999999999,356938035643809
CSV

cat >oracle.py <<'PY'
import hmac, hashlib, base64, sys
key = open(sys.argv[1], 'rb').read()
def tok(prefix, typ, canon):
    d = hmac.new(key, (typ + ':' + canon).encode(), hashlib.sha256).digest()
    return prefix + base64.b32encode(d[:10]).decode().lower()
print(tok('num_', 'number', '60123456789'))
print(tok('num_', 'number', '60198765432'))
print(tok('imsi_', 'imsi', '502123456789012'))
print(tok('imei_', 'imei', '35693803564380'))
PY

test_expect_success 'filter: tokens as the man page defines them, one per number' '
	cdrsift filter --pseudonymize k1 --country 60 -f csv a.csv >out.csv 2>err;
	python3 oracle.py k1 >want &&
	cut -d, -f4 out.csv | sed 1d | sort -u >callers &&
	test "$(cat callers)" = "$(sed -n 1p want)" &&
	cut -d, -f5 out.csv | sed 1d | sort -u >callees &&
	test "$(cat callees)" = "$(sed -n 2p want)" &&
	cut -d, -f9 out.csv | sed 1d | sort -u >imsis &&
	test "$(cat imsis)" = "$(sed -n 3p want)" &&
	cut -d, -f10 out.csv | sed 1d | sort -u >imeis &&
	test "$(cat imeis)" = "$(sed -n 4p want)"
'
test_expect_success 'two runs, one key: the same tokens; another key: others' '
	cdrsift filter --pseudonymize k1 --country 60 -f csv a.csv >again.csv 2>/dev/null;
	cmp out.csv again.csv &&
	cdrsift filter --pseudonymize k2 --country 60 -f csv a.csv >other.csv 2>/dev/null;
	! cmp -s out.csv other.csv &&
	python3 oracle.py k2 >want2 &&
	grep -q "$(sed -n 1p want2)" other.csv &&
	! grep -q "$(sed -n 1p want)" other.csv
'
test_expect_success 'no raw identifier in any output, meta, audit, rejects or stderr' '
	: >all &&
	for f in csv json ndjson tsv table; do
		cdrsift filter --pseudonymize k1 --country 60 -f $f \
			-w "caller == \"+60123456789\" or imsi == \"502123456789012\"" \
			--rejects rj.csv --audit au.log --provenance pv.json \
			a.csv >o.$f 2>e.$f;
		cat o.$f e.$f rj.csv pv.json >>all
	done &&
	cdrsift stats --pseudonymize k1 --country 60 -f json \
		-w "callee == \"0198765432\"" --audit au.log a.csv >>all 2>>all;
	cat au.log >>all &&
	grep -q num_ all && grep -q "bad time\|unparsable\|time" all &&
	for raw in 60123456789 123456789 60198765432 198765432 \
		502123456789012 502999999999999 35693803564380 60177777777 177777777; do
		if grep -F "$raw" all; then echo "leak: $raw"; exit 1; fi
	done
'
test_expect_success 'a -w literal becomes the token the table holds' '
	grep -F "$(sed -n 1p want)" o.json | grep -q "\"command\""
'
test_expect_success '--rejects-raw keeps the raw row; filter --raw is refused' '
	cdrsift filter --pseudonymize k1 --rejects rr.csv --rejects-raw a.csv \
		>/dev/null 2>&1;
	grep -q "not a time" rr.csv &&
	test_exit 2 cdrsift filter --raw --pseudonymize k1 a.csv 2>err &&
	grep -q "refused with --pseudonymize" err
'
test_expect_success 'a key readable by others is refused; --partial is refused' '
	cp k1 k3 && chmod 644 k3 &&
	test_exit 2 cdrsift stats --pseudonymize k3 a.csv 2>err &&
	grep -q "readable or writable by others" err &&
	test_exit 2 cdrsift stats --pseudonymize k1 --partial p.part a.csv 2>err
'

# Every command, every format (issue 17, defect a): generated CDRs with
# anomalies and damaged rows, IP records, a file whose "header" is data.
# raw.py lists every identifier of the inputs from their columns (numbers
# by their digits after the country code, so +60.., 0060.., 0.. and 60..
# are all caught; IMEIs by their 14 digits; private addresses).
cat >raw.py <<'PY'
import csv, sys
vals = set()
def add_number(v):
    d = ''.join(ch for ch in v if ch.isdigit())
    if d.startswith('00'): d = d[2:]
    if d.startswith('60'): d = d[2:]
    elif d.startswith('0'): d = d[1:]
    if len(d) >= 7: vals.add(d)
for f, cols in (('c.csv', ('caller', 'callee', 'imsi', 'imei')),
                ('i.csv', ('subscriber', 'imsi', 'imei', 'src_ip'))):
    for r in csv.DictReader(open(f)):
        for c in cols:
            v = (r.get(c) or '').strip()
            if not v: continue
            if c in ('caller', 'callee', 'subscriber'): add_number(v)
            elif c == 'imei':
                d = ''.join(ch for ch in v if ch.isdigit())
                if len(d) >= 14: vals.add(d[:14])
            elif c == 'src_ip':
                if v.count('.') == 3: vals.add(v)
            elif len(v) >= 10: vals.add(v)
for row in csv.reader(open('h.csv')):
    add_number(row[0]); add_number(row[1])
for v in sorted(vals): print(v)
PY
# the token of every caller and callee, from the man page definition
cat >toks.py <<'PY'
import csv, hmac, hashlib, base64, sys
key = open(sys.argv[1], 'rb').read()
def tok(canon, typ='number', pre='num_'):
    d = hmac.new(key, (typ + ':' + canon).encode(), hashlib.sha256).digest()
    return pre + base64.b32encode(d[:10]).decode().lower()
def e164(v):
    if v.strip('+0123456789'): return v   # "*100#": as written
    d = ''.join(ch for ch in v if ch.isdigit())
    if v.startswith('+'): return d
    if d.startswith('00'): return d[2:]
    if d.startswith('0'): return '60' + d[1:]
    return d
cols = sys.argv[2].split(',')
out = set()
for r in csv.DictReader(open('c0.csv')):
    for c in cols:
        v = (r[c] or '').strip()
        if not v: continue
        if c == 'imei':  # the 14 digits of TAC and serial, else as written
            d = v[:14] if v.isdigit() and 14 <= len(v) <= 16 else v
            out.add(tok(d, 'imei', 'imei_'))
        elif c == 'imsi':
            out.add(tok(v, 'imsi', 'imsi_'))
        else:
            out.add(tok(e164(v)))
for t in sorted(out): print(t)
PY

test_expect_success GEN 'generated inputs and partials' '
	"$CDRSIFT_GEN" --rows 3000 --subscribers 20 --seed 2 --anomalies \
		--bad-rate 0.03 >c.csv &&
	"$CDRSIFT_GEN" --kind ip --rows 300 --subscribers 12 --seed 3 \
		--bad-rate 0.03 >i.csv &&
	printf "60123456789,60198765432,2025-01-01 10:00:00,5\n" >h.csv &&
	python3 raw.py >raw.txt && test $(wc -l <raw.txt) -gt 100 &&
	for c in "volume --pairs" "volume --by cell --split callee" \
		"geo --eps 2km --min-records 3" anomalies stats; do
		n=$(echo $c | tr -c "a-z\n" _) &&
		{ cdrsift $c --country 60 --partial $n.part c.csv 2>/dev/null;
		  test -s $n.part; } || return 1
	done
'

# run_all NAME ARGS...: ARGS in every format under k1, --rejects (not for
# merge), --audit
run_all() {
	n=$1; shift
	for f in table csv tsv json ndjson; do
		rj="--rejects rj.$n.$f"; test "$1" = merge && rj=
		cdrsift "$@" --pseudonymize k1 -f $f $rj --provenance pv.$n.$f \
			--audit all.log >o.$n.$f 2>e.$n.$f
		st=$?
		case $st in 0|1) ;; *) echo "$n $f: exit $st"; cat e.$n.$f; return 1;; esac
		test -s o.$n.$f || { echo "$n $f: no output"; return 1; }
	done
}
leaks() {
	for f in o.* e.* rj.* pv.* all.log; do
		if grep -F -f raw.txt "$f" >leak; then
			echo "leak in $f:"; head -3 leak; return 1
		fi
	done
}
test_expect_success GEN 'no raw identifier: every command, every format, merge' '
	run_all stats stats --country 60 c.csv i.csv h.csv &&
	run_all pairs volume --pairs --country 60 c.csv &&
	for k in caller callee imei imsi cell; do
		run_all c$k volume --country 60 --by $k c.csv || return 1
	done &&
	for k in subscriber peer imei imsi cell public_ip src_ip dst_ip; do
		run_all i$k volume --country 60 --by $k i.csv || return 1
	done &&
	run_all split volume --country 60 --by cell --split callee c.csv &&
	run_all split2 volume --country 60 --by hour --split caller c.csv &&
	run_all geo geo --country 60 --eps 2km --min-records 3 c.csv &&
	run_all anom anomalies --country 60 c.csv &&
	run_all hdr stats --country 60 h.csv &&
	cdrsift geo --pseudonymize k1 --eps 2km --min-records 3 -f geojson \
		c.csv >o.geo.geojson 2>e.geo.geojson;
	test -s o.geo.geojson &&
	for p in *.part; do
		run_all m$p merge $p || return 1
	done &&
	grep -q "num_" o.pairs.csv && grep -q "num_" o.anom.csv &&
	grep -q "num_" e.hdr.csv && grep -q "\"sha256\"" pv.pairs.csv && leaks
'
test_expect_success GEN 'pairs, entities, split columns: the tokens of the oracle' '
	"$CDRSIFT_GEN" --rows 3000 --subscribers 20 --seed 2 --anomalies >c0.csv &&
	for c in "pairs --pairs" "split --by cell --split callee"; do
		set -- $c; n=$1; shift
		cdrsift volume --country 60 "$@" --pseudonymize k1 -f csv c0.csv \
			>o.$n.csv || return 1
	done &&
	cdrsift anomalies --country 60 --pseudonymize k1 -f csv c0.csv >o.anom.csv &&
	cdrsift volume --pairs --country 60 --partial p0.part c0.csv &&
	cdrsift merge --pseudonymize k1 -f csv p0.part >o.mvolume___pairs_part.csv &&
	python3 toks.py k1 caller,callee >want.toks &&
	sed 1d o.pairs.csv | cut -d, -f1,2 | tr , "\n" | grep . | sort -u >pairs.toks &&
	test_cmp want.toks pairs.toks &&
	python3 toks.py k1 caller,callee,imei,imsi >ident.toks &&
	# gap names a delivery (a file) and spike * the dataset: no identifiers
	sed 1d o.anom.csv | grep -v "^gap," | grep -v "^spike,\*," |
		cut -d, -f2 | sort -u >anom.toks &&
	test -s anom.toks && comm -23 anom.toks ident.toks >bad && test ! -s bad &&
	# an imei flag names a handset by its own kind of token
	grep -q "^imei,imei_" o.anom.csv &&
	python3 toks.py k1 callee >callee.toks &&
	head -1 o.split.csv | tr , "\n" | sed -n "s/^records_//p" |
		grep -v "^none\$" | sort >split.toks &&
	# at most 32 split columns (volume): each the token of a callee
	test $(wc -l <split.toks) -ge 20 &&
	comm -13 callee.toks split.toks >bad && test ! -s bad &&
	sed 1d o.mvolume___pairs_part.csv | cut -d, -f1,2 | tr , "\n" | grep . |
		sort -u >mpairs.toks &&
	test_cmp want.toks mpairs.toks
'
test_expect_success GEN 'an IP record peer is a destination: it stays, as public_ip' '
	grep -q "^192\.0\.2\." o.ipeer.csv && ! grep -q "^num_" o.ipeer.csv &&
	grep -q "^198\.51\.100\." o.ipublic_ip.csv &&
	cdrsift volume --pseudonymize k1 --pseudonymize-ips all --by public_ip \
		-f csv i.csv >all.csv 2>/dev/null;
	sed 1d all.csv | cut -d, -f1 >ips && grep -q "^ip_" ips && ! grep -v "^ip_" ips
'
test_done
