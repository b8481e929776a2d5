#!/bin/sh
# tests/demo.sh BIN - `make demo`: a real analysis of the bundled data set
# (testdata/demo, made by the synthetic generator; see make-demo.sh there).
bin=${1:?usage: demo.sh BIN}
cd "$(dirname "$0")/.." || exit 2
demo=testdata/demo
run() {
	printf '\n$ cdrsift %s\n' "$*"
	"$bin" "$@"
	rc=$?
	[ "$rc" -ne 0 ] && printf '(exit status %d: see the messages above)\n' "$rc"
	return 0
}
run schema -f table $demo/cdr-opa.csv.gz
run stats -f table --country 60 --tz Asia/Kuala_Lumpur --max-reject-messages 3 $demo/*.csv.gz
run volume -f table --country 60 --tz Asia/Kuala_Lumpur --by date $demo/cdr-opa.csv.gz
run volume -f table --country 60 --tz Asia/Kuala_Lumpur --by subscriber --top 5 $demo/cdr-opa.csv.gz
run filter -f table --country 60 --tz Asia/Kuala_Lumpur --max-reject-messages 0 $demo/cdr-canonical.csv.gz | head -12
