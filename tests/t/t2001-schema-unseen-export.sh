#!/bin/sh
# An operator export no other test uses: semicolons, date and time in two
# columns (DD.MM.YYYY and HH:MM:SS), HH:MM:SS durations, MOC/MTC types,
# numbers written three ways, some bad rows and a planted gap of 5 hours.
# stats must count it exactly; the expected figures come from mawk.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 - <<'PY' >export.csv
import random
r = random.Random(2001)
print("Rec No;Call Type;Served MSISDN;Other Party;Call Date;Call Time;Conversation Time;IMEI;First CGI;Remarks")
subs = ["60%d" % (123000000 + i) for i in range(40)]
def written(n):
    k = r.random()
    if k < 0.3: return "+" + n
    if k < 0.6: return "0" + n[2:]
    return n
t = 3 * 86400 + 7200          # 1970-01-04 02:00, shifted below
base = 1735689600             # 2025-01-01T00:00:00Z
rows = 0
while rows < 3000:
    t += r.randint(20, 200)
    day, sec = divmod(t, 86400)
    if day == 5 and 10 * 3600 <= sec < 15 * 3600:   # the planted gap
        continue
    h, rem = divmod(sec, 3600); m, s = divmod(rem, 60)
    d = 1 + day
    typ = r.choice(["MOC", "MTC"])
    dur = r.randint(0, 5000)
    a = r.choice(subs)
    b = "60%d" % r.randint(100000000, 199999999)
    line = "%d;%s;%s;%s;%02d.01.2025;%02d:%02d:%02d;%02d:%02d:%02d;35693803564380%d;502-16-%d-%d;%s" % (
        rows, typ, written(a), written(b), d, h, m, s, dur // 3600, dur // 60 % 60, dur % 60,
        r.randint(0, 9), r.randint(100, 105), r.randint(1000, 1050),
        r.choice(["ok", "note; with semicolon", ""]))
    if "note; with semicolon" in line:
        line = line.replace("note; with semicolon", '"note; with semicolon"')
    k = r.random()
    if k < 0.01:
        line = line.replace(".01.2025", ".13.2025", 1)      # month 13
    elif k < 0.02:
        line = line.rsplit(";", 2)[0]                        # too few fields
    print(line)
    rows += 1
PY

# The oracle: a row is good when it has 10 fields and month 01.
mawk -F';' '
function norm(n) { sub(/^\+/, "", n); if (n ~ /^00/) n = substr(n, 3); else if (n ~ /^0/) n = "60" substr(n, 2); return n }
NR == 1 { next }
{ read++; gsub(/"note; with semicolon"/, "note"); $0 = $0 }
NF != 10 || $5 !~ /\.01\.2025$/ { rej++; next }
{
	ok++
	split($5, d, "."); split($6, tm, ":")
	stamp = d[3] "-" d[2] "-" d[1] "T" $6 "Z"
	if (min == "" || stamp < min) min = stamp
	if (stamp > max) max = stamp
	subs[norm($3)] = 1      # the served party, whatever the direction
	hours[d[3] d[2] d[1] tm[1]] = 1
}
END {
	n = 0; for (s in subs) n++
	printf "%d %d %d %s %s %d\n", read, ok, rej, min, max, n
}' export.csv >oracle.txt

test_expect_success 'stats counts rows, span and subscribers exactly' '
	test_exit 1 cdrsift stats --country 60 -f csv export.csv >out.csv 2>err &&
	mawk -F, "NR==2 { print \$8, \$9, \$10, \$14, \$15, \$16 }" out.csv >got.txt &&
	test_cmp oracle.txt got.txt
'

test_expect_success 'the planted 5-hour gap is found' '
	test_exit 1 cdrsift stats --country 60 -f csv export.csv 2>/dev/null >out.csv &&
	mawk -F, "NR==2 { print \$26, \$27, \$28 }" out.csv >gap.txt &&
	echo "1 5 2025-01-06T10:00:00Z/2025-01-06T15:00:00Z" >want.txt &&
	test_cmp want.txt gap.txt
'

test_expect_success 'schema maps the operator names' '
	cdrsift schema -f csv export.csv >schema.csv &&
	grep -q "^export.csv,2,Call Type,type,alias," schema.csv &&
	grep -q "^export.csv,3,Served MSISDN,subscriber (served party),alias," schema.csv &&
	grep -q "^export.csv,5,Call Date,start_date,alias," schema.csv &&
	grep -q "^export.csv,6,Call Time,start_time_of_day,alias," schema.csv &&
	grep -q "^export.csv,7,Conversation Time,duration,alias," schema.csv &&
	grep -q "^export.csv,9,First CGI,cell,alias; cells as CGI," schema.csv &&
	grep -q "^export.csv,10,Remarks,,unmapped," schema.csv &&
	grep -q "^export.csv,1,Rec No,id,alias," schema.csv
'

test_expect_success 'every reject is reported with its line' '
	test_exit 1 cdrsift stats --country 60 --max-reject-messages 1000 export.csv 2>err >/dev/null &&
	rej=$(cut -d" " -f3 oracle.txt) &&
	test "$(grep -c "^cdrsift: export.csv:[0-9]*: " err)" = "$rej"
'

mawk -F';' 'NR > 1 { gsub(/"note; with semicolon"/, "note"); $0 = $0 }
NR > 1 && NF == 10 && $5 ~ /\.01\.2025$/ {
	split($7, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3]
}' export.csv >want.dur

test_expect_success 'durations in HH:MM:SS become seconds' '
	test_exit 1 cdrsift filter --country 60 export.csv 2>/dev/null >f.csv &&
	mawk -F, "NR > 1 { print \$8 }" f.csv >got.dur &&
	test_cmp want.dur got.dur
'
test_done
