#!/bin/sh
# volume: every metric of every group, for a dozen key combinations, against
# an independent mawk computation over the same generated CSV.
. "$(dirname "$0")/lib.sh"
test_setup 'the generator is there' 'test -x "$GEN"'

"$GEN" --dialect canonical --rows 20000 --seed 21 --subscribers 300 --anomalies >can.csv
"$GEN" --kind ip --dialect ipdr --rows 8000 --seed 22 --subscribers 200 >ip.csv

# keys: comma-separated names; prints the csv volume would print, unsorted
cat >oracle.awk <<'AWK'
function days(y, m, d) {   # days since 1970-01-01, civil calendar
	y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
# durations in microseconds, printed as seconds: whole, else three decimals
# when a whole number of ms, else six
function dur(us) {
	if (us % 1000000 == 0) return sprintf("%d", us / 1000000)
	if (us % 1000 == 0) return sprintf("%d.%03d", int(us / 1000000), (us % 1000000) / 1000)
	return sprintf("%d.%06d", int(us / 1000000), us % 1000000)
}
# the peer (man page, volume; issue 11 item 5): for a party key, the
# record's other party relative to the key's value (itself only on a call
# to itself); for other keys the record's peer field, the caller of an mt
# record and the callee of the others
function peer_of(k,    v) {
	if (k != "caller" && k != "callee" && k != "subscriber" && k != "peer")
		return ($3 == "mt") ? $4 : $5
	v = keyval(k)
	if ($4 == v) return $5
	if ($5 == v) return $4
	return ""
}
# the cell key a canonical row carries (man page, Cells): LAC-CI, or the
# CI alone without a LAC
function cellkey() { return ($11 == "") ? "" : ($12 != "") ? $12 "-" $11 : $11 }
function keyval(k,    dd) {
	if (k == "caller") return $4
	if (k == "callee") return $5
	if (k == "subscriber") return ($3 == "mt") ? $5 : $4
	if (k == "peer") return ($3 == "mt") ? $4 : $5
	if (k == "cell") return cellkey()
	if (k == "imei") return $10
	if (k == "type") return $2
	if (k == "direction") return $3
	if (k == "hour") return substr($6, 12, 2) + 0
	if (k == "date") return substr($6, 1, 10)
	if (k == "dow") { dd = days(substr($6, 1, 4) + 0, substr($6, 6, 2) + 0, substr($6, 9, 2) + 0); return (dd + 3) % 7 + 1 }
	if (k == "month") return substr($6, 1, 7)
	return "?"
}
# subscribers: the served party (caller for mo or unknown direction, callee
# for mt), counted when no key is a party
BEGIN {
	nk = split(keys, K, ",")
	pk = ""
	for (i = nk; i >= 1; i--)
		if (K[i] == "caller" || K[i] == "callee" || K[i] == "subscriber" || K[i] == "peer") pk = K[i]
}
NR == 1 { next }
{
	g = ""
	for (i = 1; i <= nk; i++) g = g (i > 1 ? SUBSEP : "") keyval(K[i])
	n[g]++
	if ($2 != "sms" && $8 != "") { dn[g]++; d = $8 * 1000000; dt[g] += d; if (d > dm[g]) dm[g] = d }
	p = peer_of(pk != "" ? pk : K[1])
	if (p != "" && !((g, p) in P)) { P[g, p] = 1; np[g]++ }
	s = ($3 == "mt") ? $5 : $4
	if (pk == "" && s != "" && !((g, s) in S)) { S[g, s] = 1; ns[g]++ }
	c = cellkey()
	if (c != "" && !((g, c) in C)) { C[g, c] = 1; nc[g]++ }
	if (!(g in first) || $6 < first[g]) first[g] = $6
	if ($6 > last[g]) last[g] = $6
}
END {
	for (g in n) {
		line = g; gsub(SUBSEP, ",", line)
		if (dn[g]) extra = dur(dt[g]) "," dur(int(dt[g] / dn[g])) "," dur(dm[g]); else extra = ",,"
		printf "%s,%d,%s,%d,%s%d,%sZ,%sZ\n", line, n[g], extra, np[g] + 0, pk == "" ? (ns[g] + 0) "," : "", nc[g] + 0, first[g], last[g]
	}
}
AWK

for keys in caller callee subscriber peer cell imei type direction hour date dow month \
	caller,type subscriber,date cell,hour type,direction; do
	test_expect_success "volume --by $keys matches mawk" "
		mawk -F, -v keys=$keys -f oracle.awk can.csv | sort >want &&
		cdrsift volume --by $keys -f csv can.csv >run.out &&
			<run.out tail -n +2 | mawk -F, '\$($(echo $keys | tr , '\n' | wc -l) + 1) != 0' | sort >got &&
		test_cmp want got
	"
done

test_expect_success 'no --by: one total row' '
	cdrsift volume -f csv can.csv >out &&
	test "$(wc -l <out)" = 2 &&
	test "$(mawk -F, "NR == 2 { print \$1 }" out)" = 20000
'
test_expect_success '--top and --sort count: ties broken by key' '
	mawk -F, -v keys=subscriber -f oracle.awk can.csv | sort -t, -k2,2nr -k1,1 | head -7 | cut -d, -f1,2 >want &&
	cdrsift volume --by subscriber --top 7 -f csv can.csv >run.out &&
		<run.out tail -n +2 | cut -d, -f1,2 >got &&
	test_cmp want got
'
test_expect_success '--sort duration' '
	mawk -F, -v keys=caller -f oracle.awk can.csv | sort -t, -k3,3gr -k1,1 | head -5 | cut -d, -f1 >want &&
	cdrsift volume --by caller --sort duration --top 5 -f csv can.csv >run.out &&
		<run.out tail -n +2 | cut -d, -f1 >got &&
	test_cmp want got
'
test_expect_success '--sort distinct (peers of a caller relative to it, issue 11 item 5)' '
	mawk -F, -v keys=caller -f oracle.awk can.csv | sort -t, -k6,6nr -k1,1 | head -5 | cut -d, -f1 >want &&
	cdrsift volume --by caller --sort distinct --top 5 -f csv can.csv >run.out &&
		<run.out tail -n +2 | cut -d, -f1 >got &&
	test_cmp want got
'
test_expect_success 'time keys list every bucket in order, empty ones included' '
	cdrsift volume --by hour -f csv can.csv >run.out &&
		<run.out tail -n +2 | cut -d, -f1 >got &&
	seq 0 23 >want && test_cmp want got &&
	{ head -1 can.csv; mawk -F, "NR > 1 && substr(\$6, 12, 2) != \"03\"" can.csv; } >no3.csv &&
	cdrsift volume --by hour -f csv no3.csv >run.out &&
		<run.out mawk -F, "\$1 == 3 { print \$2 }" >got3 &&
	echo 0 >want3 && test_cmp want3 got3
'
test_expect_success '--min-count hides small groups and says so' '
	want=$(mawk -F, -v keys=cell -f oracle.awk can.csv | mawk -F, "\$2 >= 100" | wc -l) &&
	cdrsift volume --by cell --min-count 100 -f csv can.csv >run.out &&
		<run.out tail -n +2 >got &&
	test "$(wc -l <got)" = "$want" &&
	cdrsift volume --by cell --min-count 100 -f table can.csv >run.out &&
		<run.out tail -1 | grep -q "hidden by --min-count 100"
'
test_expect_success '--pairs: unordered pairs with counts and durations each way' '
	mawk -F, "NR > 1 { a = \$4; b = \$5; d = (\$2 == \"sms\" || \$8 == \"\") ? 0 : \$8
		if ((a \"\") < (b \"\") || a == b) { k = a \",\" b; n1[k]++; d1[k] += d } else { k = b \",\" a; n2[k]++; d2[k] += d }; n[k]++ }
		END { for (k in n) printf \"%s,%d,%d,%d,%d,%d\n\", k, n[k], n1[k], d1[k], n2[k], d2[k] }" can.csv | sort >want &&
	cdrsift volume --pairs -f csv can.csv >run.out &&
		<run.out tail -n +2 | cut -d, -f1-7 | sort >got &&
	test_cmp want got
'
test_expect_success '--split type gives one column per type, adding up to records' '
	cdrsift volume --by date --split type -f csv can.csv >out &&
	head -1 out | grep -q "^date,records,records_data,records_other,records_sms,records_voice," &&
	mawk -F, "NR > 1 && \$2 != \$3 + \$4 + \$5 + \$6 { bad++ } END { exit bad }" out
'
test_expect_success 'IP logs: bytes up and down per subscriber' '
	mawk -F, "NR > 1 { u[\$1] += \$14; d[\$1] += \$15; n[\$1]++ } END { for (k in n) print k \",\" n[k] \",\" u[k] \",\" d[k] }" ip.csv | sort >want &&
	cdrsift volume --by subscriber -f csv ip.csv >out &&
	head -1 out | grep -q "^subscriber,records,duration_total,duration_mean,duration_max,bytes_up,bytes_down,distinct_peers" &&
	tail -n +2 out | cut -d, -f1,2,6,7 | sort >got &&
	test_cmp want got
'
test_expect_success 'table output draws bars for a time key' '
	cdrsift volume --by dow -f table can.csv >out &&
	grep -q "█" out && test "$(wc -l <out)" = 9
'
test_expect_success 'a bad --by key is a usage error' '
	test_exit 2 cdrsift volume --by nosuch can.csv 2>err &&
	grep -q "unknown key .nosuch." err
'
test_done
