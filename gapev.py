import csv, io, sys, zipfile
flags = list(csv.DictReader(open(sys.argv[1])))
rows = {}   # path as cdrsift names it -> list of lines
for f in sys.argv[2:]:
    if f.endswith('.zip'):
        z = zipfile.ZipFile(f)
        for n in z.namelist():
            rows[f + ':' + n] = z.read(n).decode().split('\n')
    else:
        rows[f] = open(f).read().split('\n')
start = lambda l: l.split(',')[5]
n = 0
for fl in flags:
    if fl['kind'] != 'gap':
        continue
    paths = [p for p in rows if fl['entity'] in ('*', p, p.split(':')[0])]
    before = max(start(l) for p in paths for l in rows[p][1:] if l and start(l) < fl['from'][:19])
    after = min(start(l) for p in paths for l in rows[p][1:] if l and start(l) >= fl['to'][:19])
    ev = []
    for tok in fl['evidence'].split():
        path, line = tok.rsplit(':', 1)
        lo, _, hi = line.partition('-')
        ev += [(path, k) for k in range(int(lo), int(hi or lo) + 1)]
    assert len(ev) == 2, fl
    got = [start(rows[p][k - 1]) for p, k in ev]
    assert sorted(got) == [before, after], (fl, got, before, after)
    n += 1
print(n)
