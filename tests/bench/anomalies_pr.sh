#!/bin/sh
# tests/bench/anomalies_pr.sh - precision and recall of every detector of
# `cdrsift anomalies` on a generated baseline (issue 15): cdrgen
# --anomalies over PR_SUBSCRIBERS subscribers (default 100000) and PR_ROWS
# rows (default 2000000, 7 days), then each flag is a true positive when
# its kind, entity and start are a truth line's (a handset: its first 14
# digits), else a false positive; a truth line no flag matches is a false
# negative. Flags on a confounder's entity are counted apart. Prints one
# line per kind; not a test (no threshold asserted).
#   CDRSIFT=build/cdrsift CDRSIFT_GEN=build/cdrgen sh tests/bench/anomalies_pr.sh
set -eu
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}"
subs=${PR_SUBSCRIBERS:-100000}
rows=${PR_ROWS:-2000000}
seed=${PR_SEED:-3}
# PR_KEEP=DIR keeps the data, truth and flags there
if [ -n "${PR_KEEP:-}" ]; then
	dir=$PR_KEEP && mkdir -p "$dir"
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/cdrsift-pr.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
fi
# PR_OPTS: options for `anomalies` (such as --duplicate-id); data already
# in PR_KEEP is reused
[ -s "$dir/g.csv" ] && [ -s "$dir/truth.csv" ] ||
nice -n 10 "$CDRSIFT_GEN" --rows "$rows" --subscribers "$subs" --seed "$seed" \
	--anomalies --truth "$dir/truth.csv" >"$dir/g.csv"
# shellcheck disable=SC2086
nice -n 10 "$CDRSIFT" anomalies -f csv ${PR_OPTS:-} "$dir/g.csv" >"$dir/flags.csv"
python3 - "$dir/truth.csv" "$dir/flags.csv" "$subs" "$rows" "${PR_OPTS:-}" <<'PY'
import csv, sys
truth = [r for r in csv.DictReader(open(sys.argv[1])) if r['kind'] != 'bad_row']
flags = list(csv.DictReader(open(sys.argv[2])))
conf = {r['entity'] for r in truth if r['kind'] == 'confounder'}
conf |= {e[:14] for e in conf}
# a gap's truth entity is "all": with one input, the per-delivery flag
# (entity the input) and the all-input one (*) are both that gap
key = lambda k, e, t: (k, e[:14] if k == 'imei' else '' if k == 'gap' else e,
                       t.rstrip('Z'))
want = {}
for r in truth:
    if r['kind'] != 'confounder':
        want.setdefault(key(r['kind'], r['entity'], r['start']), r)
print('baseline: %s subscribers, %s rows, cdrgen --anomalies; anomalies %s' % (sys.argv[3], sys.argv[4], sys.argv[5]))
print('%-14s %7s %5s %5s %5s %10s %9s %6s' % ('kind', 'planted', 'TP', 'FP', 'FN',
                                              'precision', 'recall', 'confnd'))
kinds = []
for r in truth + flags:
    if r['kind'] not in kinds and r['kind'] != 'confounder':
        kinds.append(r['kind'])
for k in kinds:
    planted = {x for x in want if x[0] == k}
    fl = [f for f in flags if f['kind'] == k]
    hit = {key(k, f['entity'], f['from']) for f in fl} & planted
    tp = sum(1 for f in fl if key(k, f['entity'], f['from']) in planted)
    fp = len(fl) - tp
    cf = sum(1 for f in fl if f['entity'] in conf)
    fn = len(planted) - len(hit)
    prec = '%.4f' % (tp / len(fl)) if fl else '-'
    rec = '%.4f' % (len(hit) / len(planted)) if planted else '-'
    print('%-14s %7d %5d %5d %5d %10s %9s %6d' % (k, len(planted), tp, fp, fn, prec, rec, cf))
PY
