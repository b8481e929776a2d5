#!/bin/sh
# t4501 - IP call records whose parties are SIP or tel URIs reach the same
# numbers as voice CDRs (issue 16): a generated delivery writes each
# party, whose number the generator knows, in one of six spellings
# (plain, +, 00, trunk 0 with --country, tel: with separators or a
# phone-context, sip: with user=phone, percent-escaped sip:). volume --by
# caller and a filter on the number must see one party per number.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<'PY' || exit 1
import csv, random
rnd = random.Random(4501)
nums = ['601%08d' % rnd.randrange(10**8) for _ in range(40)]
def spell(n):
    nat = n[2:]                       # national significant number
    k = rnd.randrange(7)
    if k == 0: return n
    if k == 1: return '+' + n
    if k == 2: return '00' + n
    if k == 3: return '0' + nat
    if k == 4: return 'tel:+60-%s-%s' % (nat[:2], nat[2:])
    if k == 5: return 'tel:%s;phone-context=+60' % nat
    return rnd.choice(['sip:+%s@ims.example;user=phone' % n,
                       'sip:%%2B%s@ims.example' % n,
                       'sips:0%s@ims.example;user=phone' % nat])
truth = {}
with open('calls.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['caller', 'callee', 'start', 'duration'])
    for i in range(2000):
        a, b = rnd.choice(nums), rnd.choice(nums)
        w.writerow([spell(a), spell(b), '2025-03-01 %02d:%02d:00' % (i % 24, i % 60), i % 300])
        truth[a] = truth.get(a, 0) + 1
with open('expect.csv', 'w') as f:
    for k in sorted(truth):
        f.write('%s,%d\n' % (k, truth[k]))
PY

test_expect_success 'volume --by caller: one group per number, whatever the spelling' '
	cdrsift volume --by caller --country 60 --sort key -f csv calls.csv >out.csv &&
	cut -d, -f1,2 out.csv | tail -n +2 | sort >got.csv &&
	test_cmp expect.csv got.csv
'

test_expect_success 'a filter on the plain number finds every spelling' '
	n=$(head -1 expect.csv | cut -d, -f1) &&
	want=$(head -1 expect.csv | cut -d, -f2) &&
	cdrsift filter --country 60 --count -f csv -w "caller == \"$n\"" calls.csv >count.csv &&
	test "$(tail -1 count.csv)" = "$want"
'

test_expect_success 'a URI without a number stays as written, not a number' '
	printf "caller,callee,start,duration\nsip:alice@example.com,60123456789,2025-03-01 00:00:00,5\n" >alice.csv &&
	cdrsift volume --by caller -f csv alice.csv >a.csv &&
	grep -q "^sip:alice@example.com,1," a.csv
'
test_done
