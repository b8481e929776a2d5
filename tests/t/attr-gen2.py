# attr-gen2.py SEED SKEW DIR - two-hop logs for the attribute tests
# (issue 16): a bulk-port-allocation log with no subscriber (timestamp,
# vrf, private ip, public ip, port range, event: the NAT knows addresses
# only) and a RADIUS-style session log (User-Name, Framed-IP-Address,
# IMSI, Start Time, Stop Time) whose clock runs SKEW seconds ahead. Each
# NAT binding's private address belongs, in the session log, to the
# subscriber whose session covers it; private addresses are reused by other
# subscribers at other times (so the time decides), sessions begin a few
# seconds before the NAT's first allocation. Queries inside bindings and
# near the session boundaries.
import os
import random
import sys
import time

seed, skew, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(seed)
os.makedirs(out, exist_ok=True)
T0 = 1735891200
fmt = lambda t: time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t))
iso = lambda t: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))
subs = ['6019%07d' % i for i in range(30)]
nat, sess, qs = [], [], []
for p in range(12):
    priv = '100.64.9.%d' % (p + 1)
    t = T0 + rnd.randint(0, 300)
    for k in range(rnd.randint(1, 3)):  # holders of this private address
        sub = rnd.choice(subs)
        s0 = t
        s1 = t + rnd.choice([120, 900, 3600])
        sess.append((sub, priv, '50212%010d' % subs.index(sub), s0 + skew,
                     s1 + skew))
        # the NAT: blocks allocated inside the session
        a = s0 + rnd.choice([1, 2, 5])
        pub = '198.51.100.%d' % (p % 3 + 1)
        lo = 1024 + 512 * (p // 3 * 3 + k)
        r = min(s1, a + rnd.choice([60, 600, 3000]))
        nat.append((a, 'ALLOCATE', priv, pub, lo, lo + 511))
        nat.append((r, 'RELEASE', priv, pub, lo, lo + 511))
        for dt in (0, 1, (r - a) // 2, r - a - 1, r - a, r - a + 1):
            qs.append((pub, lo + rnd.randint(0, 511), a + dt))
        t = s1 + rnd.choice([0, 1, 30])
rnd.shuffle(nat)
rnd.shuffle(sess)
with open(os.path.join(out, 'nat.csv'), 'w') as f:
    f.write('timestamp,vrf,private_ip,public_ip,port_start,port_end,event\n')
    for a, ev, priv, pub, lo, hi in nat:
        f.write('%s,v1,%s,%s,%d,%d,%s\n' % (fmt(a), priv, pub, lo, hi, ev))
with open(os.path.join(out, 'radius.csv'), 'w') as f:
    f.write('User-Name,Framed-IP-Address,IMSI,Start Time,Stop Time\n')
    for sub, priv, imsi, s0, s1 in sess:
        f.write('%s,%s,%s,%s,%s\n' % (sub, priv, imsi, fmt(s0), fmt(s1)))
with open(os.path.join(out, 'queries.csv'), 'w') as f:
    f.write('id,ip,port,time\n')
    for i, (pub, port, t) in enumerate(qs):
        f.write('h%04d,%s,%d,%s\n' % (i, pub, port, iso(t)))
