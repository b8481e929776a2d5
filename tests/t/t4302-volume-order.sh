#!/bin/sh
# volume --sort key orders typed keys by their type (issue 11 item 3):
# addresses as numbers with IPv4 before IPv6 (10.0.0.80 before 10.0.0.254),
# integers by value (ports), digit strings (phone numbers, cell ids) by
# value before other text, text bytewise, several keys lexicographically;
# ties of --sort count broken by that key order; the same for every -j.
# Expected orders come from Python's ipaddress and sorted().
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3

cat >mk.py <<'PY'
import random
rnd = random.Random(5)
ips = ['10.0.0.254', '10.0.0.80', '10.0.0.9', '9.255.255.255', '192.0.2.1',
       '2001:db8::1', '2001:db8::a', '::1', 'fe80::1', '100.64.0.1']
print('subscriber,start,dst_ip,dst_port,cell,bytes_up,bytes_down,duration')
for i in range(600):
    print('%s,2025-01-03T%02d:%02d:00Z,%s,%d,%s,%d,%d,%d' % (
        rnd.choice(['601', '6012', '60123', '7', 'abc', 'ab', '60110']),
        rnd.randint(0, 23), rnd.randint(0, 59), rnd.choice(ips),
        rnd.choice([53, 123, 443, 5060, 8080, 22]),
        rnd.choice(['102405123', '99', '1024', 'CGI-7', 'CGI-10', '']),
        rnd.randint(0, 9999), rnd.randint(0, 9999), rnd.randint(0, 600)))
PY
$PY mk.py >ip.csv

# python3 order.py KEY...: the key order volume must list (from the data)
cat >order.py <<'PY'
import csv, sys, ipaddress
keys = sys.argv[1:]
def rank(k, v):
    if v == '':
        return (0,)
    if k == 'dst_ip':
        a = ipaddress.ip_address(v)
        return (1, a.version, int(a))
    if k == 'dst_port':
        return (1, int(v))
    if v.isdigit():
        return (1, 0, int(v), v.encode())
    return (1, 1, v.encode())
with open('ip.csv', newline='') as f:
    rows = list(csv.DictReader(f))
groups = sorted({tuple(r[k] for k in keys) for r in rows},
                key=lambda g: [rank(k, v) for k, v in zip(keys, g)])
for g in groups:
    print(','.join(g))
PY

for keys in dst_ip dst_port subscriber cell dst_ip,dst_port cell,dst_ip; do
	n=$(echo $keys | tr , '\n' | wc -l)
	test_expect_success "--sort key orders $keys by type" "
		$PY order.py $(echo $keys | tr , ' ') >want &&
		cdrsift volume --kind ip --by $keys --sort key -f csv ip.csv >out &&
		tail -n +2 out | cut -d, -f1-$n >got &&
		test_cmp want got
	"
done

test_expect_success '--sort count: ties broken by the typed key order' '
	$PY -c "
import csv, ipaddress, collections
n = collections.Counter(r[\"dst_ip\"] for r in csv.DictReader(open(\"ip.csv\")))
key = lambda v: (ipaddress.ip_address(v).version, int(ipaddress.ip_address(v)))
for v in sorted(n, key=lambda v: (-n[v], key(v))):
    print(\"%s,%d\" % (v, n[v]))
" >want &&
	cdrsift volume --kind ip --by dst_ip -f csv ip.csv >run.out &&
	<run.out tail -n +2 | cut -d, -f1,2 >got &&
	test_cmp want got
'

test_expect_success '--split values in typed order too' '
	cdrsift volume --kind ip --by subscriber --split dst_port -f csv ip.csv >out &&
	head -1 out | grep -q ",records,records_22,records_53,records_123,records_443,records_5060,records_8080,"
'

test_expect_success 'the same order for every -j and block size' '
	cdrsift volume -j1 --kind ip --by cell,dst_ip --sort key -f csv ip.csv >want &&
	for j in 2 4; do
		CDRSIFT_BLOCK_SIZE=1024 cdrsift volume -j$j --kind ip --by cell,dst_ip \
			--sort key -f csv ip.csv >got && cmp want got || return 1
	done
'
test_done
