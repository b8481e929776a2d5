#!/bin/sh
# make-demo.sh - regenerate the bundled demo data set with a built cdrgen.
#
#   sh testdata/demo/make-demo.sh build/cdrgen
#
# Every file is a pure function of the cdrgen options below (gzip -n
# stores no name or time), so rerunning this must leave git clean.
# cdr-canonical and cdr-opa share seed 7: the same records, planted
# anomalies included, written in two dialects.
set -eu
GEN=${1:?usage: make-demo.sh CDRGEN}
case $GEN in /*) ;; *) GEN=$(pwd)/$GEN ;; esac
cd "$(dirname "$0")"

# gen NAME CDRGEN-OPTIONS...: write NAME.csv.gz
gen() {
	name=$1
	shift
	"$GEN" "$@" > "$name.csv.tmp"
	gzip -n -9 < "$name.csv.tmp" > "$name.csv.gz"
	rm -f "$name.csv.tmp"
}

gen cdr-canonical --dialect canonical --rows 20000 --seed 7 --anomalies \
	--truth cdr-canonical.truth.csv --cells-out cells.csv
gen cdr-opa --dialect opa --rows 20000 --seed 7 --anomalies \
	--truth cdr-opa.truth.csv
gen cdr-bad --dialect canonical --rows 2000 --seed 8 --bad-rate 0.02 \
	--truth cdr-bad.truth.csv
gen ip-ipdr --kind ip --dialect ipdr --rows 5000 --seed 7 --anomalies \
	--truth ip-ipdr.truth.csv
gen ip-cgnat --kind ip --dialect cgnat --rows 5000 --seed 7
