# attr-oracle.py [--slack S] [--max-binding S] [--skew S] [--gap FILE]
# QUERIES LOG... - the
# answers of `cdrsift attribute` written again from the man page
# (ATTRIBUTION), not from the code: csv rows id, ip, port, time,
# subscriber, imsi, imei, private_ip, binding_start, binding_end, match,
# evidence (input:line, physical lines: the header is line 1). Records
# with no public address but a private one, a subscriber, start and end
# are second-hop sessions; --gap FILE gets "PAIRS MEDIAN_MS" of them.
import calendar
import csv
import ipaddress
import sys
import time

args = sys.argv[1:]
slack, maxb, skew, gapf = 2, 86400, 0, None
while args and args[0].startswith('--'):
    if args[0] == '--slack':
        slack = float(args[1])
    elif args[0] == '--max-binding':
        maxb = float(args[1])
    elif args[0] == '--skew':
        skew = float(args[1])
    elif args[0] == '--gap':
        gapf = args[1]
    args = args[2:]
qpath, logs = args[0], args[1:]


def ts(s):
    s = s.strip()
    for fmt in ('%Y-%m-%dT%H:%M:%SZ', '%Y-%m-%d %H:%M:%S',
                '%Y-%m-%d-%H:%M:%S', '%Y-%m-%dT%H:%M:%S'):
        try:
            return calendar.timegm(time.strptime(s, fmt))
        except ValueError:
            pass
    raise ValueError(s)


def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


def proto(p):
    p = (p or '').strip().lower()
    return {'6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6'}.get(p, p)


def col(row, *names):
    for n in names:
        for k in row:
            if ''.join(c for c in k.lower() if c.isalnum()) == n:
                v = row[k]
                return v if v != '' else None
    return None


sessions, events, hop2 = [], [], []
for path in logs:
    with open(path, newline='') as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            pub = col(row, 'publicip', 'natip')
            start = col(row, 'starttime', 'timestamp', 'start')
            if start is None:
                continue
            pfx = col(row, 'delegatedipv6prefix', 'publicprefix')
            net = None
            if pub is None and pfx is not None:
                net = ipaddress.ip_network(pfx, strict=False)
                pub = str(net.network_address)
            if pub is None:
                priv = col(row, 'framedipaddress', 'privateip', 'sourceip')
                sub = col(row, 'username', 'userid', 'subscriber')
                end = col(row, 'stoptime', 'endtime', 'end')
                if priv and sub and end:
                    hop2.append(dict(priv=priv, sub=sub, imsi=col(row, 'imsi'),
                                     imei=col(row, 'imei'), start=ts(start),
                                     end=ts(end), ev='%s:%d' % (path, line),
                                     input=logs.index(path), line=line))
                continue
            lo = col(row, 'portstart', 'natport', 'publicport')
            hi = col(row, 'portend', 'publicportend')
            lo = int(lo) if lo is not None else 0
            hi = int(hi) if hi is not None else (lo if lo else 65535)
            step = col(row, 'portstep')
            step = int(step) if step is not None and int(step) > 1 else 0
            b = dict(pub=ipaddress.ip_address(pub), net=net, lo=lo, hi=hi,
                     step=step,
                     start=ts(start),
                     sub=col(row, 'userid', 'subscriberid', 'subscriber',
                             'username'),
                     imsi=col(row, 'imsi'), imei=col(row, 'imei'),
                     priv=col(row, 'privateip', 'sourceip', 'srcip',
                              'framedipaddress'),
                     proto=proto(col(row, 'protocol', 'proto')),
                     ev='%s:%d' % (path, line), input=logs.index(path),
                     line=line)
            kind = col(row, 'event')
            end = col(row, 'endtime', 'end', 'stoptime')
            if kind is not None:
                b['kind'] = 'release' if 'releas' in kind.lower() else 'alloc'
                events.append(b)
            elif end is not None:
                b['end'] = ts(end)
                sessions.append(b)
            else:
                b['kind'] = 'alloc'
                events.append(b)

# bindings: (record, start, end, end included, open, evidence)
bindings = []
for s in sessions:
    bindings.append(dict(s, bstart=s['start'], bend=s['end'], incl=True,
                         open=False, evid=[s['ev']]))
blocks = {}
for e in events:
    blocks.setdefault((e['pub'], e['net'], e['lo'], e['hi'], e['step']),
                      []).append(e)
for key, evs in blocks.items():
    # time order; at one instant releases first; then input and line
    evs.sort(key=lambda e: (e['start'], 0 if e['kind'] == 'release' else 1,
                            e['input'], e['line']))
    waiting = []
    for e in evs:
        if e['kind'] == 'alloc':
            waiting.append(e)
        elif waiting:
            a = waiting.pop(0)  # the earliest open allocation closes
            bindings.append(dict(a, bstart=a['start'], bend=e['start'],
                                 incl=False, open=False,
                                 evid=[a['ev'], e['ev']]))
    for a in waiting:
        bindings.append(dict(a, bstart=a['start'], bend=a['start'] + maxb,
                             incl=False, open=True, evid=[a['ev']]))

gaps = []
out = csv.writer(sys.stdout, lineterminator='\n')
out.writerow(['id', 'ip', 'port', 'time', 'subscriber', 'imsi', 'imei',
              'private_ip', 'binding_start', 'binding_end', 'match',
              'evidence'])
with open(qpath, newline='') as f:
    for q in csv.DictReader(f):
        ip = ipaddress.ip_address(q['ip'])
        port, t, qp = int(q['port']), ts(q['time']), proto(q.get('proto'))
        hits = []
        for b in bindings:
            if b['net'] is not None:
                if ip.version != b['net'].version or ip not in b['net']:
                    continue
            elif b['pub'] != ip:
                continue
            if not (b['lo'] <= port <= b['hi']):
                continue
            if b['step'] and (port - b['lo']) % b['step']:
                continue
            if qp and b['proto'] and qp != b['proto']:
                continue
            lo, hi = b['bstart'] - slack, b['bend'] + slack
            if not (lo <= t and (t <= hi if b['incl'] else t < hi)):
                continue
            inside = b['bstart'] <= t and (t <= b['bend'] if b['incl']
                                           else t < b['bend'])
            m = 'open' if b['open'] else 'exact' if inside else 'slack'
            hits.append([b, m])
        # the second hop: a binding with a private address, no subscriber
        order = ['exact', 'slack', 'open', 'ambiguous']
        joined = []
        for b, m in hits:
            if b['sub'] is not None or b['priv'] is None:
                joined.append([b, m])
                continue
            t2 = t + skew
            found = [s for s in hop2 if s['priv'] == b['priv'] and
                     s['start'] - slack <= t2 <= s['end'] + slack]
            if not found:
                joined.append([b, m])
            for s in found:
                m2 = 'exact' if s['start'] <= t2 <= s['end'] else 'slack'
                gaps.append(s['start'] - b['bstart'])
                joined.append([dict(b, sub=s['sub'], imsi=s['imsi'],
                                    imei=s['imei'], evid=b['evid'] + [s['ev']],
                                    h2=(s['start'], s['input'], s['line'])),
                               max(m, m2, key=order.index)])
        hits = joined
        holders = set(b['sub'] if b['sub'] is not None else ('ip', b['priv'])
                      for b, m in hits)
        if len(holders) > 1:
            for h in hits:
                h[1] = 'ambiguous'
        head = [q['id'], q['ip'], port, iso(t)]
        if not hits:
            out.writerow(head + ['', '', '', '', '', '', 'none', ''])
        hits.sort(key=lambda h: (h[0]['bstart'], h[0]['sub'] or '',
                                 h[0]['bend'], h[0]['pub'], h[0]['lo'], h[0]['hi'],
                                 h[0]['step'],
                                 h[0]['input'], h[0]['line'],
                                 h[0].get('h2', ())))
        for b, m in hits:
            out.writerow(head + [b['sub'] or '', b['imsi'] or '',
                                 b['imei'] or '', b['priv'] or '',
                                 iso(b['bstart']),
                                 '' if b['open'] else iso(b['bend']), m,
                                 ' '.join(b['evid'])])
if gapf:
    with open(gapf, 'w') as f:
        gaps.sort()
        f.write('%d %d\n' % (len(gaps), gaps[(len(gaps) - 1) // 2] * 1000
                              if gaps else 0))
