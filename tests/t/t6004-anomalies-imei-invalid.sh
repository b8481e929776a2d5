#!/bin/sh
# t6004: the `imei-invalid` detector of `cdrsift anomalies` against python
# written from the man page (ANOMALIES, imei-invalid): every column; the
# same flags with rows shuffled and -j; partial/merge (issue 15).
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"
PARTIAL_LIB_DIR=$T . "$T/partial-lib.sh"

cat >gen.py <<'PY'
import random, sys, time
random.seed(int(sys.argv[1]))
bad = ['12345', '35332510754831A', '3533251075483199', '00000000000000',
       '999999999999990', '01234567890123', '123456789012345',
       '0012345678901234', '001234567890123', '35-332510-754831',
       '35332510754831000', ' 00440012345678 ', '1111111111111',
       '01234567890124', '1234567890123456']
good = ['353325107548319', '35332510754831', '3533251075483101',
        '490154203237518', '123456789012340', '356938035643809']
rows = []
for s in range(150):
    for k in range(random.randint(1, 6)):
        im = random.choice(bad) if random.random() < 0.3 else random.choice(good)
        rows.append(('6013%06d' % s, 1735689600 + random.randint(0, 9 * 86400), im))
print('caller,callee,type,direction,start,imei')
f = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
for sub, t, im in rows:
    print('%s,60999,sms,mo,%s,"%s"' % (sub, f(t), im))
PY

cat >oracle.py <<'PY'
# imei-invalid as the man page defines it: the class by the first test
# that holds; one flag per distinct value, in byte order.
import csv, sys, time, calendar
path = sys.argv[1]
ts = lambda s: calendar.timegm(time.strptime(s, '%Y-%m-%dT%H:%M:%SZ'))
iso = lambda x: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(x))
def cls(v):
    v = v.strip(' \t')
    if any(c not in '0123456789' for c in v): return 'not digits'
    if not 14 <= len(v) <= 16: return 'bad length'
    if len(set(v[:14])) == 1: return 'one digit repeated'
    if v[:14] in ('01234567890123', '12345678901234'): return 'placeholder sequence'
    if v.startswith('00'): return 'test TAC'
    return None
vals = {}
for i, r in enumerate(csv.DictReader(open(path))):
    c = cls(r['imei'])
    if c:
        vals.setdefault(r['imei'].strip(' \t'), []).append((ts(r['start']), r['caller'], i + 2))
pl = lambda n, w: '%d %s%s' % (n, w, '' if n == 1 else 's')
for v in sorted(vals, key=lambda s: s.encode()):
    rs = vals[v]
    lines = sorted(x[2] for x in rs)
    ev, i = [], 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1] == lines[j] + 1:
            j += 1
        ev.append('%s:%d' % (path, lines[i]) + ('-%d' % lines[j] if j > i else ''))
        i = j + 1
    out = ['imei-invalid', v, iso(min(rs)[0]), iso(max(rs)[0]), str(len(rs)),
           '%s; %s, %s' % (cls(v), pl(len(rs), 'record'), pl(len({x[1] for x in rs}), 'subscriber')),
           ' '.join(ev)]
    w = csv.writer(sys.stdout, lineterminator='\n')
    w.writerow(out)
PY

test_setup 'data' '
	python3 gen.py 5 >a.csv &&
	{ head -1 a.csv; tail -n +2 a.csv | sort -R; } >a-shuf.csv
'
test_expect_success 'every column as the oracle' '
	python3 oracle.py a.csv >want &&
	cdrsift anomalies --only imei-invalid -f csv a.csv | tail -n +2 >got &&
	test $(wc -l <want) -ge 10 && test_cmp want got
'
test_expect_success 'valid handsets raise nothing' '
	! grep -q ",353325107548319,\\|,35332510754831,\\|,3533251075483101," got
'
test_expect_success 'rows shuffled, -j 1 and -j 2: the same flags but evidence' '
	cdrsift anomalies --only imei-invalid -f csv -j 1 a.csv |
		python3 -c "import csv,sys; [print(r[:6]) for r in csv.reader(sys.stdin)]" >j1 &&
	CDRSIFT_BLOCK_SIZE=4096 cdrsift anomalies --only imei-invalid -f csv -j 2 a-shuf.csv |
		python3 -c "import csv,sys; [print(r[:6]) for r in csv.reader(sys.stdin)]" >j2 &&
	test_cmp j1 j2
'
test_expect_success 'partials merge to the report of one run' '
	mkdir parts && partial_split a.csv 3 parts &&
	PARTIAL_TREES=3 partial_check parts anomalies
'
test_done
