#!/bin/sh
# tests/bench/archive.sh - `make bench`'s row for compressed input read
# through libarchive (issue #12): `stats` on a generated file of
# BENCH_ARCHIVE_ROWS rows (1 million by default) compressed with zstd and
# xz, each as a ratio to the stand-alone decompressor (zstdcat, xzcat)
# writing to /dev/null, measured in the same run. The row counts are
# checked against wc -l before the times count. Zip and tar.zst rows
# (issue 12): the same file as the one member of a zip, as a ratio to
# `unzip -p` to /dev/null, and of a tar.zst, to zstdcat; cdrsift's time
# includes unpacking the member into TMPDIR before the run.
set -u
: "${CDRSIFT:?}" "${CDRSIFT_GEN:?}"
cd "$(dirname "$0")" || exit 2
n=${BENCH_ARCHIVE_ROWS:-1000000}
mkdir -p data
f=data/archive-$n.csv
if [ ! -s "$f" ]; then
	"$CDRSIFT_GEN" --rows "$n" --seed 12 >"$f.tmp" && mv "$f.tmp" "$f" || exit 2
fi
[ -s "$f.zst" ] || zstd -q -3 -c "$f" >"$f.zst" || exit 2
[ -s "$f.xz" ] || xz -3 -T1 -c "$f" >"$f.xz" || exit 2
[ -s "$f.zip" ] || (cd data && zip -q -6 "archive-$n.csv.zip" "archive-$n.csv") || exit 2
[ -s "$f.tar.zst" ] || (cd data && tar cf - "archive-$n.csv" | zstd -q -3 >"archive-$n.csv.tar.zst") || exit 2
want=$(( $(wc -l <"$f") - 1 ))
secs() { # COMMAND...: elapsed seconds, output to /dev/null
	/usr/bin/time -f "%e" -o /tmp/bench.ar.$$ "$@" >/dev/null 2>&1
	cat /tmp/bench.ar.$$
}
for c in zstd xz zip tar.zst; do
	case $c in
	zstd) z=$f.zst; cat=zstdcat ;;
	xz) z=$f.xz; cat=xzcat ;;
	zip) z=$f.zip; cat="unzip -p" ;;
	tar.zst) z=$f.tar.zst; cat=zstdcat ;;
	esac
	got=$("$CDRSIFT" stats -j1 -f csv "$z" | grep -v '^input,\|^(total)' | mawk -F, '{ s += $8 } END { print s }')
	if [ "$got" != "$want" ]; then
		echo "archive bench: $c read $got rows, wc -l says $want: NOT TIMED"
		continue
	fi
	ref=$(secs $cat "$z")  # $cat unquoted: "unzip -p" is two words
	ours=$(secs "$CDRSIFT" stats -j1 -f csv "$z")
	oursj=$(secs "$CDRSIFT" stats -f csv "$z")
	echo "$c, $n rows ($(wc -c <"$z") bytes): $cat ${ref} s; stats -j1 ${ours} s ($(echo "$ours $ref" | mawk '{ printf "%.2f", $1 / $2 }')x), stats -jN ${oursj} s ($(echo "$oursj $ref" | mawk '{ printf "%.2f", $1 / $2 }')x)"
done
rm -f /tmp/bench.ar.$$
