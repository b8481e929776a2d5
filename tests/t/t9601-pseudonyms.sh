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
test_done
