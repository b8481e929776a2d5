# tests/t/partial-lib.sh - "split, partial, merge, compare" for any
# analysing command (issue 13), sourced after lib.sh:
#
#   partial_split SRC N DIR        split CSV SRC (plain or .gz) into N
#                                  parts with its header, in DIR; the odd
#                                  parts gzipped (gzip -n)
#   partial_check DIR CMD [OPT...] run CMD OPT... once over every file of
#                                  DIR (in name order) in each format, then
#                                  make one partial per file under GNU
#                                  parallel (separate processes), merge
#                                  them in two groupings and in 20 random
#                                  merge trees (partial-tree.py; fewer with
#                                  PARTIAL_TREES=N), and
#                                  compare every format byte for byte
#                                  (json: the meta's command and time left
#                                  out, DESIGN 6), the exit status, and the
#                                  partials of every tree (canonical: the
#                                  same bytes)
# Volume and the coming analyses reuse it with their own CMD and options.
PARTIAL_FORMATS="table csv tsv json ndjson"
PARTIAL_LIB_DIR=${PARTIAL_LIB_DIR:-$(cd "$(dirname "$0")" && pwd)}

partial_split() {
	python3 - "$1" "$2" "$3" <<'PY' || return 1
import gzip, os, subprocess, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
op = gzip.open if src.endswith('.gz') else open
with op(src, 'rb') as f:
    lines = f.read().split(b'\n')
if lines and lines[-1] == b'':
    lines.pop()
head, rows = lines[0], lines[1:]
os.makedirs(out, exist_ok=True)
step = (len(rows) + n - 1) // n
for i in range(n):
    part = rows[i * step:(i + 1) * step]
    name = os.path.join(out, 'part-%02d.csv' % i)
    with open(name, 'wb') as f:
        f.write(b'\n'.join([head] + part) + b'\n')
    if i % 2:
        subprocess.run(['gzip', '-n', name], check=True)
PY
}

# The json document on stdin with the meta's "command" and "time" members
# cut out, every other byte kept.
partial_json_strip() {
	python3 -c '
import json, sys
s = sys.stdin.read()
dec = json.JSONDecoder()
for key in ("\"command\":", "\"time\":"):
    i = s.find(key)
    if i < 0:
        continue
    _, end = dec.raw_decode(s, i + len(key))
    if s[end:end + 1] == ",":
        end += 1
    s = s[:i] + s[end:]
sys.stdout.write(s)'
}

# Compare report $1 (expected) with $2 in format $3.
partial_cmp() {
	if [ "$3" = json ]; then
		partial_json_strip <"$1" >"$1.stripped" &&
		partial_json_strip <"$2" >"$2.stripped" &&
		test_cmp "$1.stripped" "$2.stripped"
	else
		test_cmp "$1" "$2"
	fi
}

partial_check() {
	dir=$1; shift
	inputs=$(ls "$dir"/* | LC_ALL=C sort)
	rm -rf pc && mkdir -p pc/p pc/g pc/t || return 1
	want_rc=
	for f in $PARTIAL_FORMATS; do
		cdrsift "$@" -f "$f" $inputs >pc/want.$f 2>pc/want.err
		rc=$?
		[ "$rc" -le 1 ] || { echo "single run: exit $rc"; cat pc/want.err; return 1; }
		[ -s pc/want.$f ] || { echo "single run: no $f output"; return 1; }
		[ -z "$want_rc" ] || [ "$rc" = "$want_rc" ] || { echo "exit $rc in $f"; return 1; }
		want_rc=$rc
	done
	# one partial per input, each by its own process
	parallel --will-cite -j 2 --joblog pc/joblog -q \
		$CDRSIFT_RUN "$@" --partial pc/p/{/}.part {} ::: $inputs
	awk 'NR > 1 && $7 > 1 { bad = 1; print "job exit " $7 ": " $0 }
	     END { exit bad }' pc/joblog || return 1
	[ "$(ls pc/p | wc -l)" -eq "$(echo "$inputs" | wc -l)" ] ||
		{ echo "a partial is missing"; return 1; }
	# grouping 1: all at once, in reverse order
	rev=$(ls pc/p/* | LC_ALL=C sort -r)
	for f in $PARTIAL_FORMATS; do
		test_exit "$want_rc" cdrsift merge -f "$f" $rev >pc/all.$f &&
		partial_cmp pc/want.$f pc/all.$f "$f" || return 1
	done
	test_exit "$want_rc" cdrsift merge --partial pc/all.part $rev || return 1
	# grouping 2: pairs first, then the pairs' partials
	set -- $(ls pc/p/* | LC_ALL=C sort)
	k=0
	while [ $# -gt 0 ]; do
		if [ $# -ge 2 ]; then
			cdrsift merge --partial pc/g/$k.part "$1" "$2"
			[ $? -le "$want_rc" ] || return 1
			shift 2
		else
			cp "$1" pc/g/$k.part; shift
		fi
		k=$((k + 1))
	done
	for f in $PARTIAL_FORMATS; do
		test_exit "$want_rc" cdrsift merge -f "$f" pc/g/*.part >pc/pairs.$f &&
		partial_cmp pc/want.$f pc/pairs.$f "$f" || return 1
	done
	# random merge trees: each root the same bytes as grouping 1
	for seed in $(seq 1 "${PARTIAL_TREES:-20}"); do
		root=$(python3 "$PARTIAL_LIB_DIR/partial-tree.py" "$seed" \
			pc/t/$seed "$want_rc" $CDRSIFT_RUN -- pc/p/*) ||
			{ echo "tree $seed failed"; return 1; }
		cmp pc/all.part "$root" || { echo "tree $seed: other bytes"; return 1; }
		for f in $PARTIAL_FORMATS; do
			test_exit "$want_rc" cdrsift merge -f "$f" "$root" >pc/tree.$f &&
			partial_cmp pc/want.$f pc/tree.$f "$f" || return 1
		done
	done
}
