#!/bin/sh
# t7200: `cdrsift attribute` keeps only the records a query can use (a
# block some query names a port of; a session, and a time it covers) and
# looks each record's queries up by (address, port) or by time, whichever
# run is shorter (issue 16: one pass for a batch). Whatever part of the
# queries is asked, every answer must be the python oracle's
# (attr-oracle.py, from the man page) for those queries: subsets that
# leave most blocks without a query (so their records are dropped while
# the blocks beside them pair as before), one query per address, the
# queries of one of four interleaved stepped sets, only sessions'
# boundaries; and a query's rows are the same asked alone, in a subset,
# or in the whole batch.
T=$(cd "$(dirname "$0")" && pwd)
. "$T/lib.sh"

cols() { cut -d, -f1-11; }

# subset SEED NAME: g$SEED/NAME.csv from g$SEED/queries.csv
subset() {
	python3 - "$1" "$2" <<-\PY
	import csv, sys
	seed, name = sys.argv[1], sys.argv[2]
	rows = list(csv.DictReader(open("g%s/queries.csv" % seed)))
	if name.startswith("every"):
	    k, off = (int(x) for x in name[5:].split("_"))
	    pick = rows[off::k]
	elif name == "peraddr":
	    seen, pick = set(), []
	    for r in rows:
	        if r["ip"] not in seen:
	            seen.add(r["ip"]); pick.append(r)
	elif name == "set1":  # one of the four interleaved stepped sets (2048 + b + 4i)
	    pick = [r for r in rows if r["ip"] == "198.51.100.4"
	            and int(r["port"]) >= 2048 and (int(r["port"]) - 2048) % 4 == 1]
	elif name == "sessions":
	    pick = [r for r in rows if r["ip"].startswith("203.0.113.")]
	elif name == "blocks":
	    pick = [r for r in rows if r["ip"].startswith("198.51.100.")][::5]
	w = csv.writer(open("g%s/%s.csv" % (seed, name), "w"), lineterminator="\n")
	w.writerow(["id", "ip", "port", "time", "proto"])
	for r in pick:
	    w.writerow([r["id"], r["ip"], r["port"], r["time"], r["proto"]])
	PY
}

check() { # SEED QUERYFILE [OPTIONS...]
	seed=$1 qf=$2; shift 2
	python3 "$T/attr-oracle.py" "$@" g$seed/$qf.csv g$seed/bpa.csv \
		g$seed/ipdr.csv | cols >want.$seed.$qf &&
	cdrsift attribute "$@" --queries g$seed/$qf.csv -f csv \
		g$seed/bpa.csv g$seed/ipdr.csv | cols >got.$seed.$qf &&
	test_cmp want.$seed.$qf got.$seed.$qf
}

SUBSETS="every3_0 every11_4 every50_7 every200_1 peraddr set1 sessions blocks"

test_setup 'generated logs, three seeds, and subsets of their queries' '
	for s in 4 5 6; do
		python3 "$T/attr-gen.py" $s g$s || exit 1
		for n in $SUBSETS; do subset $s $n || exit 1; done
	done
'

test_expect_success 'the subsets leave blocks without a query, hold answers' '
	for s in 4 5 6; do
		test $(wc -l <g$s/every200_1.csv) -lt 20 &&
		test $(wc -l <g$s/set1.csv) -gt 1 || exit 1
	done &&
	python3 "$T/attr-oracle.py" g4/blocks.csv g4/bpa.csv g4/ipdr.csv |
		cut -d, -f11 | sort -u >m && grep -q exact m && grep -q slack m
'

test_expect_success 'the whole batch and every subset: as the oracle' '
	for s in 4 5 6; do
		check $s queries || exit 1
		for n in $SUBSETS; do check $s $n || exit 1; done
	done
'

test_expect_success 'subsets with --slack 0 and --max-binding 1h: as the oracle' '
	for n in every11_4 sessions blocks; do
		check 5 $n --slack 0 && check 6 $n --max-binding 3600 || exit 1
	done
'

test_expect_success 'a query answers the same alone, in a subset, in the batch' '
	cdrsift attribute --queries g4/queries.csv -f csv g4/bpa.csv g4/ipdr.csv |
		cols >all &&
	for n in every11_4 set1 sessions; do
		cdrsift attribute -j 2 --queries g4/$n.csv -f csv g4/bpa.csv \
			g4/ipdr.csv | tail -n +2 | cols >sub.$n &&
		cut -d, -f1 sub.$n | sort -u | while read id; do
			grep "^$id," all
		done | sort >from-all.$n && sort sub.$n >sub.sorted &&
		test_cmp from-all.$n sub.sorted || exit 1
	done &&
	sed -n 2,12p g4/every200_1.csv | while IFS=, read id ip port at proto; do
		cdrsift attribute --ip $ip --port $port --at $at \
			${proto:+--proto $proto} -f csv g4/bpa.csv g4/ipdr.csv |
			tail -n +2 | cut -d, -f2-11 >one &&
		grep "^$id," all | cut -d, -f2- >from-all &&
		test_cmp from-all one || exit 1
	done
'

test_done
