# attr-gen.py SEED DIR - CGNAT logs with known bindings for the attribute
# tests (issue 16), laid out as ../shared/FORMATS.md describes them:
#   DIR/bpa.csv    bulk port allocation (Cisco BPA and similar): one row per
#                  allocate or release of a port block: timestamp, vrf,
#                  private ip, public ip, port range start-end, event, user
#   DIR/ipdr.csv   ISP IPDR (India DoT style): protocol, source ip and port,
#                  destination ip and port, start and end time
#                  (YYYY-MM-DD-HH:MM:SS), NAT IP and NAT port,
#                  SubscriberID
#   DIR/queries.csv  id, ip, port, time, proto: at every boundary, one
#                  second inside and outside, at and past the slack, on
#                  the first and last port of a block and one past it,
#                  with the wrong protocol
# Blocks hold a sequence of subscribers: releases and reallocations in the
# same second, gaps, lost releases (an allocation with no release), lost
# allocations (the log begins mid-binding: a release with none before it),
# neighbouring blocks of other subscribers, stepped port sets (a
# port_step column: four sets interleaved on one address). Rows are
# shuffled.
import os
import random
import sys
import time

seed, out = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(seed)
os.makedirs(out, exist_ok=True)
T0 = 1735891200  # 2025-01-03T08:00:00Z


def bpa_ts(t):
    return time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t))


def ipdr_ts(t):
    return time.strftime('%Y-%m-%d-%H:%M:%S', time.gmtime(t))


def q_ts(t):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


subs = ['6011%07d' % i for i in range(40)]
bpa, ipdr, marks = [], [], []
for a in range(4):
    pub = '198.51.100.%d' % (a + 1)
    size = rnd.choice([64, 256, 1024])
    for b in range(4):
        if a < 3:  # contiguous blocks side by side
            lo, hi, step = 1024 + b * size, 1024 + (b + 1) * size - 1, ''
        else:  # stepped sets, interleaved: lo, lo + 4, ... up to hi
            lo, hi, step = 2048 + b, 2048 + b + 4 * (size - 1), 4
        t = T0 + rnd.randint(0, 600)
        for k in range(rnd.randint(1, 4)):
            sub = rnd.choice(subs)
            priv = '100.64.%d.%d' % (rnd.randint(0, 3), rnd.randint(1, 250))
            # the log begins mid-binding: the first allocate is not in it
            if k or rnd.random() > 0.2:
                bpa.append((t, 'vrf%d' % (a % 2), priv, pub, lo, hi,
                            'ALLOCATE', sub, step))
            marks.append((pub, lo, hi, t))
            if step:  # a port of the set, and one beside it
                marks.append((pub, lo + 4 * rnd.randint(1, size - 2), hi, t))
            dur = rnd.choice([30, 300, 3600])
            end = t + dur
            lost = rnd.random() < 0.15
            if not lost:
                bpa.append((end, 'vrf%d' % (a % 2), priv, pub, lo, hi,
                            'RELEASE', sub, step))
                marks.append((pub, lo, hi, end))
            # next holder: the same second, or after a gap
            t = end + rnd.choice([0, 0, 1, 5, 120])
# sessions: single ports, some with a protocol, restarting sessions
for s in range(30):
    pub = '203.0.113.%d' % (s % 3 + 1)
    port = 40000 + rnd.randint(0, 40)
    sub = rnd.choice(subs)
    t = T0 + rnd.randint(0, 1200)
    for k in range(rnd.randint(1, 3)):
        dur = rnd.choice([0, 1, 10, 300])
        proto = rnd.choice(['TCP', 'UDP', '6', '17'])
        ipdr.append((proto, '10.%d.0.%d' % (s % 4, s + 1), 50000 + s,
                     '93.184.216.%d' % (s % 200), 443, t, t + dur, pub, port,
                     sub))
        marks.append((pub, port, port, t))
        marks.append((pub, port, port, t + dur))
        t = t + dur + rnd.choice([0, 1, 3, 60])

rnd.shuffle(bpa)
rnd.shuffle(ipdr)
with open(os.path.join(out, 'bpa.csv'), 'w') as f:
    f.write('timestamp,vrf,private_ip,public_ip,port_start,port_end,event,'
            'user_id,port_step\n')
    for t, vrf, priv, pub, lo, hi, ev, sub, step in bpa:
        f.write('%s,%s,%s,%s,%d,%d,%s,%s,%s\n' % (bpa_ts(t), vrf, priv, pub,
                                                 lo, hi, ev, sub, step))
with open(os.path.join(out, 'ipdr.csv'), 'w') as f:
    f.write('Protocol,Source IP,Source Port,Destination IP,Destination Port,'
            'Start Time,End Time,NAT IP,NAT Port,SubscriberID\n')
    for (proto, sip, sp, dip, dp, t, e, pub, port, sub) in ipdr:
        f.write('%s,%s,%d,%s,%d,%s,%s,%s,%d,%s\n' % (
            proto, sip, sp, dip, dp, ipdr_ts(t), ipdr_ts(e), pub, port, sub))
qs = []
for pub, lo, hi, t in marks:
    for dt in (-3, -2, -1, 0, 1, 2, 3):
        for port in (lo, hi, hi + 1, lo - 1):
            if 0 <= port <= 65535 and rnd.random() < 0.3:
                qs.append((pub, port, t + dt,
                           rnd.choice(['', '', 'tcp', 'udp'])))
# open allocations: near the --max-binding bound
for pub, lo, hi, t in marks[:20]:
    for dt in (3599, 3600, 3601, 86399, 86400, 86401, 86402):
        qs.append((pub, lo, t + dt, ''))
qs.append(('192.0.2.1', 80, T0, ''))  # an address no log names
with open(os.path.join(out, 'queries.csv'), 'w') as f:
    f.write('id,ip,port,time,proto\n')
    for i, (pub, port, t, proto) in enumerate(qs):
        f.write('q%04d,%s,%d,%s,%s\n' % (i, pub, port, q_ts(t), proto))
