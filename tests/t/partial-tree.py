#!/usr/bin/python3
# partial-tree.py SEED DIR STATUS CDRSIFT... -- PARTIAL...
# Draws a random merge tree over the partials (seeded), runs it bottom up
# with `cdrsift merge --partial` (each node merges 1-4 children, in a
# shuffled order; leaves may sit at any depth), checks that every merge
# exits with at most STATUS (a subtree without the inputs that give it
# exits lower: the caller checks the root's), and prints the root's path.
import os, random, subprocess, sys

args = sys.argv[1:]
sep = args.index('--')
seed, out, status = int(args[0]), args[1], int(args[2])
cdrsift, leaves = args[3:sep], args[sep + 1:]
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
count = 0

def node(items):
    """Merge 'items' (paths) into one partial, returning its path."""
    global count
    items = items[:]
    rng.shuffle(items)
    if len(items) == 1 and rng.random() < 0.5:
        return items[0]
    # cut into 1-4 groups of random sizes, each a subtree
    k = min(len(items), rng.randint(1, 4))
    cuts = sorted(rng.sample(range(1, len(items)), k - 1)) if k > 1 else []
    groups, prev = [], 0
    for c in cuts + [len(items)]:
        groups.append(items[prev:c])
        prev = c
    children = [g[0] if len(g) == 1 else node(g) for g in groups]
    count += 1
    path = os.path.join(out, 'n%03d.part' % count)
    rc = subprocess.run(cdrsift + ['merge', '--partial', path] + children).returncode
    if rc > status:
        sys.exit('merge exit %d, expected at most %d: %s' % (rc, status, children))
    return path

print(node(leaves))
