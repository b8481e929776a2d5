#!/bin/sh
# t3001-expr-oracle.sh - filter expressions against an independent oracle.
#
# Generates a CDR file and an IP-log file with cdrgen, then for each case
# compares `cdrsift filter --count -w EXPR` with the count that a Python
# script (below, written from the language's definition in the man page,
# not from the evaluator) computes over the same plain CSV. Regex cases run
# twice, with PCRE2's JIT and with CDRSIFT_NO_JIT=1 (the interpreter).
# Every run must exit 0 (the files have no bad rows). Prints TAP lines and
# "N passed, N failed, 0 skipped"; exit 1 on any failure.
LC_ALL=C TZ=UTC
export LC_ALL TZ
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${CDRSIFT:=$top/cdrsift}" "${CDRSIFT_GEN:=$top/build/cdrgen}"
ROWS=${T3001_ROWS:-20000}

pass=0 fail=0 n=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t3001.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! [ -x "$CDRSIFT_GEN" ] || ! [ -x "$CDRSIFT" ]; then
	echo "not ok 1 - cdrsift or cdrgen missing ($CDRSIFT, $CDRSIFT_GEN)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
"$CDRSIFT_GEN" --rows "$ROWS" --seed 3 >"$tmp/cdr.csv" &&
"$CDRSIFT_GEN" --kind ip --rows "$ROWS" --seed 3 >"$tmp/ip.csv" || {
	echo "not ok 1 - cdrgen failed"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

# values taken from the data, so that set cases match something
CELLS=$(awk -F, 'NR > 1 && NR < 400 && $11 != "" { print $11 }' "$tmp/cdr.csv" |
	sort -u | head -5 | tr '\n' ' ')
CALLERS=$(awk -F, 'NR > 1 && NR < 400 { print $4 }' "$tmp/cdr.csv" |
	sort -u | head -4 | tr '\n' ' ')
PUBIP=$(awk -F, 'NR == 2 { print $9 }' "$tmp/ip.csv")
# the busiest cell position: a tower dump around it
BUSY=$(awk -F, 'NR > 1 && $13 != "" { c[$13 " " $14]++ }
	END { for (k in c) print c[k], k }' "$tmp/cdr.csv" |
	sort -k1,1rn -k2,2 -k3,3 | head -1)
set -- $BUSY
BUSYLAT=$2 BUSYLON=$3
export CELLS CALLERS PUBIP BUSYLAT BUSYLON
cellset=$(for c in $CELLS; do printf '"%s", ' "$c"; done)
callerset=$(for c in $CALLERS; do printf '"+%s", ' "$c"; done)

# name|file|expression; the oracle below knows each name
cat >"$tmp/cases" <<EOF
voice|cdr|type == voice
sms_other|cdr|type in {sms, other}
not_voice_sms|cdr|not (type == voice or type == sms)
mt|cdr|direction == mt
not_mo|cdr|direction != mo
dur_5m|cdr|duration > 5m
dur_1h|cdr|duration >= 1h
dur_between|cdr|duration between 30s and 2m
dur_not_between|cdr|duration not between 30s and 2m
dur_zero|cdr|duration == 0
dur_arith|cdr|duration * 2 > 10m
dur_mod|cdr|duration % 60 == 0 and duration > 0
end_start|cdr|end - start > 10m
caller_re|cdr|caller ~ "^6012"
callee_nre|cdr|callee !~ "^60"
no_callee|cdr|not exists(callee)
callee_len|cdr|len(callee) != 11
callee_prefix|cdr|startswith(callee, "+60 3")
night|cdr|hour between 0 and 5
weekend|cdr|dow >= 6
day|cdr|date == 2025-01-03
window|cdr|start >= 2025-01-03T08:00 and start < 2025-01-03T10:00
end_hour|cdr|hour(end) != hour
tower_radius|cdr|near(3.15, 101.65, 2km)
tower_voice|cdr|near($BUSYLAT, $BUSYLON, 500m) and type == voice
tower_window|cdr|near($BUSYLAT, $BUSYLON, 1.5km) and start >= 2025-01-02T18:00 and start < 2025-01-03T06:00
lat_lon|cdr|lat > 3.2 or lon < 101.55
imei_re|cdr|imei ~ "^35"
imei_nre|cdr|exists(imei) and imei !~ "^35"
operator_set|cdr|operator in {50212, 50213}
status_ne|cdr|status != "answered"
status_re|cdr|lower(status) ~ "^(busy|failed)$"
raw_col|cdr|col("status") == "answered"
subscriber_re|cdr|subscriber ~ "^6013"
peer_re|cdr|peer ~ "^60"
night_calls|cdr|type == voice and (hour >= 22 or hour < 6) and duration > 1m
sat_after|cdr|date >= 2025-01-04 and dow == 6
cell_set|cdr|cell in {$cellset}
caller_set|cdr|caller in {$callerset} or callee in {$callerset}
lac_text|cdr|lac == 3213
dst_block|ip|dst_ip in 192.0.2.0/28
cgnat_src|ip|src_ip in 100.64.0.0/10
not_cgnat_src|ip|src_ip not in 100.64.0.0/10
ports|ip|dst_port in {443, 853}
udp_big|ip|protocol == "udp" and bytes_down > 1000000
bytes_sum|ip|bytes_up + bytes_down > 100000
ratio|ip|bytes_down / bytes_up > 10
host_re|ip|host ~ "google"
no_host|ip|not exists(host)
public_block|ip|public_ip in 203.0.113.0/24
public_ip|ip|public_ip == $PUBIP
public_ports|ip|public_port between 20000 and 30000
src_re|ip|src_ip ~ "^10\\."
apn_lower|ip|lower(apn) == "internet" and dst_port != 443
EOF

/usr/bin/python3 - "$tmp/cdr.csv" "$tmp/ip.csv" >"$tmp/expected" <<'PY' || {
import csv, math, os, re, sys
from datetime import datetime, timezone

R = 6371008.8  # metres, the mean radius the man page names

def dist(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(a)))

def ts(s):
    return datetime.fromisoformat(s).replace(tzinfo=timezone.utc) if s else None

def num(s):
    return float(s) if s != '' else None

def re_s(pat, v):          # '~': false when missing
    return v != '' and re.search(pat, v) is not None

def nre_s(pat, v):         # '!~': false when missing too
    return v != '' and re.search(pat, v) is None

def ne(v, x):              # '!=': false when missing
    return v != '' and v != x

cells = os.environ['CELLS'].split()
callers = os.environ['CALLERS'].split()
pubip = os.environ['PUBIP']
W0, W1 = ts('2025-01-03T08:00:00'), ts('2025-01-03T10:00:00')
N0, N1 = ts('2025-01-02T18:00:00'), ts('2025-01-03T06:00:00')
BLAT, BLON = float(os.environ['BUSYLAT']), float(os.environ['BUSYLON'])

def cdr_derive(r):
    r['_start'] = ts(r['start'])
    r['_end'] = ts(r['end'])
    d = num(r['duration'])
    if d is None and r['_start'] and r['_end']:
        d = (r['_end'] - r['_start']).total_seconds()
    r['_dur'] = d
    mt = r['direction'] == 'mt'
    r['_sub'] = r['callee'] if mt else r['caller']
    r['_peer'] = r['caller'] if mt else r['callee']
    return r

def both(v, f):
    return v is not None and f(v)

cdr_cases = {
 'voice': lambda r: r['type'] == 'voice',
 'sms_other': lambda r: r['type'] in ('sms', 'other'),
 'not_voice_sms': lambda r: not (r['type'] == 'voice' or r['type'] == 'sms'),
 'mt': lambda r: r['direction'] == 'mt',
 'not_mo': lambda r: ne(r['direction'], 'mo'),
 'dur_5m': lambda r: both(r['_dur'], lambda d: d > 300),
 'dur_1h': lambda r: both(r['_dur'], lambda d: d >= 3600),
 'dur_between': lambda r: both(r['_dur'], lambda d: 30 <= d <= 120),
 'dur_not_between': lambda r: both(r['_dur'], lambda d: not (30 <= d <= 120)),
 'dur_zero': lambda r: both(r['_dur'], lambda d: d == 0),
 'dur_arith': lambda r: both(r['_dur'], lambda d: 2 * d > 600),
 'dur_mod': lambda r: both(r['_dur'], lambda d: d % 60 == 0 and d > 0),
 'end_start': lambda r: bool(r['_start'] and r['_end']) and
                        (r['_end'] - r['_start']).total_seconds() > 600,
 'caller_re': lambda r: re_s(r'^6012', r['caller']),
 'callee_nre': lambda r: nre_s(r'^60', r['callee']),
 'no_callee': lambda r: r['callee'] == '',
 'callee_len': lambda r: r['callee'] != '' and len(r['callee']) != 11,
 'callee_prefix': lambda r: r['callee'].startswith('603'),
 'night': lambda r: both(r['_start'], lambda t: 0 <= t.hour <= 5),
 'weekend': lambda r: both(r['_start'], lambda t: t.isoweekday() >= 6),
 'day': lambda r: both(r['_start'], lambda t: t.date().isoformat() == '2025-01-03'),
 'window': lambda r: both(r['_start'], lambda t: W0 <= t < W1),
 'end_hour': lambda r: bool(r['_start'] and r['_end']) and r['_end'].hour != r['_start'].hour,
 'tower_radius': lambda r: r['lat'] != '' and dist(3.15, 101.65, float(r['lat']), float(r['lon'])) <= 2000,
 'tower_voice': lambda r: r['lat'] != '' and dist(BLAT, BLON, float(r['lat']), float(r['lon'])) <= 500
                          and r['type'] == 'voice',
 'tower_window': lambda r: r['lat'] != '' and dist(BLAT, BLON, float(r['lat']), float(r['lon'])) <= 1500
                           and both(r['_start'], lambda t: N0 <= t < N1),
 'lat_lon': lambda r: r['lat'] != '' and (float(r['lat']) > 3.2 or float(r['lon']) < 101.55),
 'imei_re': lambda r: re_s(r'^35', r['imei']),
 'imei_nre': lambda r: r['imei'] != '' and not r['imei'].startswith('35'),
 'operator_set': lambda r: r['operator'] in ('50212', '50213'),
 'status_ne': lambda r: ne(r['status'], 'answered'),
 'status_re': lambda r: r['status'].lower() in ('busy', 'failed'),
 'raw_col': lambda r: r['status'] == 'answered',
 'subscriber_re': lambda r: re_s(r'^6013', r['_sub']),
 'peer_re': lambda r: re_s(r'^60', r['_peer']),
 'night_calls': lambda r: r['type'] == 'voice' and both(r['_start'], lambda t: t.hour >= 22 or t.hour < 6)
                          and both(r['_dur'], lambda d: d > 60),
 'sat_after': lambda r: both(r['_start'], lambda t: t.date().isoformat() >= '2025-01-04' and t.isoweekday() == 6),
 'cell_set': lambda r: r['cell'] in cells,
 'caller_set': lambda r: r['caller'] in callers or r['callee'] in callers,
 'lac_text': lambda r: r['lac'] == '3213',
}

def ip4(s):
    p = s.split('.')
    if len(p) != 4:
        return None
    return (int(p[0]) << 24) | (int(p[1]) << 16) | (int(p[2]) << 8) | int(p[3])

def in_block(s, net, bits):
    v = ip4(s) if s else None
    return v is not None and (v >> (32 - bits)) == (ip4(net) >> (32 - bits))

def ints(r, k):
    return int(r[k]) if r[k] != '' else None

ip_cases = {
 'dst_block': lambda r: in_block(r['dst_ip'], '192.0.2.0', 28),
 'cgnat_src': lambda r: in_block(r['src_ip'], '100.64.0.0', 10),
 'not_cgnat_src': lambda r: ip4(r['src_ip']) is not None and not in_block(r['src_ip'], '100.64.0.0', 10),
 'ports': lambda r: r['dst_port'] in ('443', '853'),
 'udp_big': lambda r: r['protocol'] == 'udp' and both(ints(r, 'bytes_down'), lambda b: b > 1000000),
 'bytes_sum': lambda r: ints(r, 'bytes_up') is not None and ints(r, 'bytes_down') is not None
                        and ints(r, 'bytes_up') + ints(r, 'bytes_down') > 100000,
 'ratio': lambda r: bool(ints(r, 'bytes_up')) and ints(r, 'bytes_down') is not None
                    and ints(r, 'bytes_down') / ints(r, 'bytes_up') > 10,
 'host_re': lambda r: re_s('google', r['host']),
 'no_host': lambda r: r['host'] == '',
 'public_block': lambda r: in_block(r['public_ip'], '203.0.113.0', 24),
 'public_ip': lambda r: r['public_ip'] == pubip,
 'public_ports': lambda r: both(ints(r, 'public_port'), lambda p: 20000 <= p <= 30000),
 'src_re': lambda r: re_s(r'^10\.', r['src_ip']),
 'apn_lower': lambda r: r['apn'].lower() == 'internet' and ne(r['dst_port'], '443'),
}

for path, cases, derive in ((sys.argv[1], cdr_cases, cdr_derive), (sys.argv[2], ip_cases, lambda r: r)):
    counts = dict.fromkeys(cases, 0)
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            row = derive(row)
            for name, pred in cases.items():
                if pred(row):
                    counts[name] += 1
    for name in cases:
        print(name, counts[name])
PY
	echo "not ok 1 - the oracle failed"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

check() { # name file expr [env...]
	name=$1 file=$2 expr=$3 mode=$4
	n=$((n + 1))
	want=$(awk -v k="$name" '$1 == k { print $2 }' "$tmp/expected")
	if [ "$mode" = interp ]; then
		CDRSIFT_NO_JIT=1 "$CDRSIFT" filter --count -f csv -w "$expr" "$tmp/$file.csv" >"$tmp/out" 2>"$tmp/err"
	else
		"$CDRSIFT" filter --count -f csv -w "$expr" "$tmp/$file.csv" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	got=$(tail -1 "$tmp/out")
	if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $name${mode:+ ($mode)}: $expr ($got)"
	else
		fail=$((fail + 1))
		echo "not ok $n - $name${mode:+ ($mode)}: $expr"
		echo "#   cdrsift: '$got' (exit $rc), oracle: '$want' (exit 0)"
		sed 's/^/#   /' "$tmp/err" | head -5
	fi
}

while IFS='|' read -r name file expr; do
	check "$name" "$file" "$expr" ""
	case $expr in
	*'~'*) check "$name" "$file" "$expr" interp ;;
	esac
done <"$tmp/cases"

# a guard on the test itself, not counted as a pass: the oracle must not be
# trivial (most cases select some rows)
nonzero=$(awk '$2 > 0' "$tmp/expected" | wc -l)
if [ "$nonzero" -ge 40 ]; then
	echo "# $nonzero of the oracle's counts are not zero"
else
	n=$((n + 1))
	fail=$((fail + 1))
	echo "not ok $n - set-up: only $nonzero of the oracle's counts are not zero"
fi

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
