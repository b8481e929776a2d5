#!/bin/sh
# The bad-input suite of issue 6. Every case of testdata/bad/expect.txt
# must give its exit status and message (DESIGN section 3), never a crash,
# a sanitizer report or a raw control byte on standard error. Then: the
# accounting adds up for every file and the damaged ones keep their good
# rows; multi-member and line-end variants read the same records; memory
# stays bounded for a 10 MiB field and two 1 GiB decompression bombs (peak
# RSS printed as "# peak RSS"); escapes never reach a terminal raw.
# The big cases are made here by make-bad.sh --big (BOMB_MB=64 makes the
# bombs smaller for a quick run).
. "$(dirname "$0")/lib.sh"

BAD=$TESTDATA/bad
RSS_LIMIT_KB=${CDRSIFT_RSS_LIMIT_KB:-204800} # 200 MiB: generous
SEP=$(printf '\037')
CTL=$(printf '\001-\011\013-\037\177')
# ASan's shadow memory and quarantine: allow four times as much
if grep -q __asan_init "$CDRSIFT" 2>/dev/null; then
	RSS_LIMIT_KB=$((RSS_LIMIT_KB * 4))
fi

test_setup 'make the big cases (million fields, 10 MiB field, bombs)' '
	sh "$BAD/make-bad.sh" --big "$TRASH/big" &&
	test -s big/bomb-zeros.csv.gz && test -s big/million-fields.csv
'

# Run one case of the table; the case_* variables describe it.
check_case() {
	(
		set -f
		cd "$case_dir" &&
		$CDRSIFT_RUN $case_cmd "$case_file"
	) >"$TRASH/case.out" 2>"$TRASH/case.err"
	rc=$?
	if [ "$rc" -ge 128 ] || grep -q -e 'Sanitizer' -e 'runtime error:' \
			-e 'cdrsift: BUG' "$TRASH/case.err"; then
		echo "crashed (exit $rc)"
		head -20 "$TRASH/case.err"
		return 1
	fi
	if [ "$(tr -dc "$CTL" <"$TRASH/case.err" | wc -c)" -ne 0 ]; then
		echo "raw control bytes on stderr:"
		od -c "$TRASH/case.err" | head -10
		return 1
	fi
	if [ "$rc" -ne "$case_status" ]; then
		echo "exit status $rc, expected $case_status"
		head -10 "$TRASH/case.err"
		return 1
	fi
	if [ -z "$case_want" ]; then
		if [ -s "$TRASH/case.err" ]; then
			echo "expected no message, got:"
			head -10 "$TRASH/case.err"
			return 1
		fi
	elif ! grep -q -F -e "$case_want" "$TRASH/case.err"; then
		echo "expected on stderr: $case_want"
		echo "got:"
		head -10 "$TRASH/case.err"
		return 1
	fi
}

# FILE | COMMAND | STATUS | STDERR [| todo], fields trimmed, into SEP-separated
awk -F'|' -v sep="$SEP" '/^#/ || /^[ \t]*$/ { next }
	{
		out = ""
		for (i = 1; i <= 5; i++) {
			f = i <= NF ? $i : ""
			if (i == 4)   # the message may hold "|": keep the rest
				for (j = 5; j < NF; j++) f = f "|" $j
			if (i == 5) f = NF > 4 ? $NF : ""
			gsub(/^[ \t]+|[ \t]+$/, "", f)
			out = out (i > 1 ? sep : "") f
		}
		print out
	}' "$BAD/expect.txt" >cases
test_setup 'expect.txt holds the cases' 'test "$(wc -l <cases)" -gt 50'

while IFS=$SEP read -r case_file case_cmd case_status case_want case_todo; do
	case $case_file in
	@*) case_file=${case_file#@} case_dir=$TRASH/big ;;
	*) case_dir=$BAD ;;
	esac
	echo "$case_file" >>files
	label="$case_file: $case_cmd -> $case_status"
	case $case_status in
	[0-9]) ;;
	*) test_expect_success "$label: bad line in expect.txt" false; continue ;;
	esac
	if [ "$case_todo" = todo ]; then
		test_expect_failure "$label" check_case
	else
		test_expect_success "$label" check_case
	fi
done <cases

# ---- accounting: read = accepted + rejected, accepted = matched +
# filtered, for every file; exact figures where the promise is specific
# (FILE READ ACCEPTED REJECTED DAMAGED)
cat >want-acct <<\EOF
gz-trunc-header.csv.gz 0 0 0 true
gz-trunc-data.csv.gz 184 183 1 true
gz-trunc-trailer.csv.gz 5 5 0 true
gz-crc.csv.gz 5 5 0 true
gz-isize.csv.gz 5 5 0 true
gz-trailing-garbage.csv.gz 5 5 0 true
gz-zero-padding.csv.gz 5 5 0 false
multi-valid.csv.gz 5 5 0 false
multi-empty-member.csv.gz 5 5 0 false
multi-split-row.csv.gz 5 5 0 false
multi-split-quoted.csv.gz 2 2 0 false
multi-second-truncated.csv.gz 5 4 1 true
empty.csv 0 0 0 false
header-only.csv 0 0 0 false
eol-cr.csv 5 5 0 false
eol-crlf.csv 5 5 0 false
eol-mixed.csv 5 5 0 false
eol-lone-cr.csv 2 2 0 false
bom-utf8.csv 5 5 0 false
quote-stray.csv 2 1 1 false
quote-text-after.csv 2 1 1 false
quote-unterminated.csv 3 2 1 false
ragged.csv 3 1 2 false
nul-byte.csv 2 1 1 false
million-fields.csv 2 1 1 false
field-10mib.csv 2 1 1 false
field-10mib-quoted.csv.gz 1 0 1 false
long-reject.csv 2 1 1 false
EOF

# stats -f json of 'file' (in testdata/bad or big/) into json/FILE, its
# exit status into rc/FILE: 0 or 1 (EXIT STATUS), anything else fails
stats_json() {
	mkdir -p json rc
	if [ -f "big/$1" ]; then
		(cd big && cdrsift stats -f json "$1") >"json/$1" 2>/dev/null
	else
		(cd "$BAD" && cdrsift stats -f json "$1") >"json/$1" 2>/dev/null
	fi
	echo $? >"rc/$1"
	# 3: an input that cannot be read at all (gzip inside gzip, an
	# archive), still reported with 0 rows
	case $(cat "rc/$1") in
	0 | 1 | 3) ;;
	*) echo "exit status $(cat "rc/$1"): stats $1"; return 1 ;;
	esac
	[ -s "json/$1" ]
}

test_expect_success 'the accounting adds up for every file, and damage keeps good rows' '
	for f in $(sort -u files | grep -v "^bomb-"); do
		stats_json "$f" || { echo "no json for $f"; exit 1; }
	done &&
	/usr/bin/python3 - json want-acct <<-\PY
	import json, os, sys
	# status 1 when a row was rejected or the input damaged (EXIT STATUS)
	want = {}
	for line in open(sys.argv[2]):
	    f, r, a, j, d = line.split()
	    want[f] = (int(r), int(a), int(j), d == "true")
	bad = 0
	for f in sorted(os.listdir(sys.argv[1])):
	    m = json.load(open(os.path.join(sys.argv[1], f)))["meta"]
	    a = m["accounting"]
	    rc = int(open(os.path.join("rc", f)).read())
	    if (a["rejected"] > 0 or m["inputs"][0]["damaged"]) and rc != 1:
	        print(f, "rejects or damage, but exit status", rc); bad += 1
	    if a["read"] != a["accepted"] + a["rejected"] or \
	       a["accepted"] != a["matched"] + a["filtered"] or \
	       sum(a["rejected_by_reason"].values()) != a["rejected"]:
	        print(f, "does not add up:", a); bad += 1
	    if f in want:
	        got = (a["read"], a["accepted"], a["rejected"],
	               m["inputs"][0]["damaged"])
	        if got != want[f]:
	            print(f, "read/accepted/rejected/damaged", got,
	                  "expected", want[f]); bad += 1
	sys.exit(1 if bad else 0)
	PY
'

test_expect_success 'a 70 KB line with a doubled quote, replayed after an unterminated quote, is read once (phantom row)' '
	stats_json phantom-row.csv &&
	/usr/bin/python3 -c "
import json
a = json.load(open(\"json/phantom-row.csv\"))[\"meta\"][\"accounting\"]
assert (a[\"read\"], a[\"accepted\"], a[\"rejected\"]) == (4, 1, 3), a
"
'

test_expect_success 'a rejected 70 KB line is written whole to --rejects' '
	(cd big && test_exit 1 cdrsift stats --rejects "$TRASH/rej.csv" \
		long-reject.csv) >/dev/null 2>&1 &&
	/usr/bin/python3 -c "
import csv
rows = list(csv.DictReader(open(\"rej.csv\", newline=\"\")))
line = open(\"big/long-reject.csv\", \"rb\").read().split(b\"\n\")[1]
assert len(rows) == 1 and rows[0][\"line\"] == \"2\", rows
assert len(rows[0][\"raw\"]) == len(line), (len(rows[0][\"raw\"]), len(line))
"
'

# ---- the same records, whatever the line ends, BOM or member boundaries
printf 'caller,callee,start,duration\n60123456789,60198765432,2025-01-03 08:00:00,60\n60123456789,60187654321,2025-01-03 08:05:10,125\n60198765432,60123456789,2025-01-03 09:12:44,7\n60111222333,60198765432,2025-01-03 12:30:00,300\n60123456789,60111222333,2025-01-03 23:59:59,42\n' >lf.csv
test_expect_success 'CR, CRLF, mixed line ends, a UTF-8 BOM and split members give the same records' '
	cdrsift filter -f csv lf.csv >want.csv &&
	for f in eol-cr.csv eol-crlf.csv eol-mixed.csv bom-utf8.csv \
		 multi-valid.csv.gz multi-empty-member.csv.gz \
		 multi-split-row.csv.gz; do
		cdrsift filter -f csv "$BAD/$f" >got.csv &&
		test_cmp want.csv got.csv || { echo "differs: $f"; exit 1; }
	done
'
test_expect_success 'a member split inside a quoted field keeps the field whole' '
	cdrsift filter -f json "$BAD/multi-split-quoted.csv.gz" >out.json &&
	/usr/bin/python3 -c "
import json
r = json.load(open(\"out.json\"))[\"rows\"]
assert len(r) == 2 and r[0][\"status\"] == \"a, \\\"quoted\\\"\\nnote\", r
assert r[1][\"status\"] == \"plain\", r
"
'
test_expect_success 'a UTF-8 BOM is not part of the first column name' '
	cdrsift schema -f csv "$BAD/bom-utf8.csv" >out &&
	grep -q "^[^,]*,1,caller,caller,name," out
'
test_expect_success 'duplicate and colliding names: refused until --map says which' '
	test_exit 1 cdrsift filter -f csv "$BAD/header-duplicate.csv" >out 2>err &&
	grep -q "column 1 .caller. and column 3 .caller. both reach field .caller." err &&
	test_exit 0 cdrsift filter -f csv --map caller=1 "$BAD/header-duplicate.csv" >out &&
	test "$(cut -d, -f4 out | tail -1)" = 60123456789 &&
	test_exit 0 cdrsift filter -f csv --map caller=A_NUMBER "$BAD/header-colliding.csv" >out &&
	test "$(cut -d, -f4 out | tail -1)" = 60123456789
'

# ---- memory does not grow with one bad field or with a bomb
# peak RSS (KiB) of 'cdrsift stats -f json FILE' in big/, checked and shown
rss_case() {
	(cd big && /usr/bin/time -f %M -o "$TRASH/rss.$1" \
		"$CDRSIFT" stats -f json "$1") >"json/$1" 2>"err.$1"
	rc=$?
	kb=$(tail -1 "rss.$1")
	echo "# peak RSS $1: $kb KiB (limit $RSS_LIMIT_KB)" >>rss-figures
	echo "peak RSS $kb KiB, exit $rc"
	[ "$rc" -eq 1 ] && [ "$kb" -lt "$RSS_LIMIT_KB" ] &&
	/usr/bin/python3 -c "
import json, sys
a = json.load(open(\"json/$1\"))[\"meta\"][\"accounting\"]
assert (a[\"read\"], a[\"rejected\"]) == ($2, 1), a
"
}
mkdir -p json
if [ -x /usr/bin/time ]; then
	test_expect_success 'a 10 MiB field: rejected with bounded memory' '
		rss_case field-10mib.csv 2
	'
	test_expect_success 'a 10 MiB quoted field never closed: bounded memory' '
		rss_case field-10mib-quoted.csv.gz 1
	'
	test_expect_success 'a million fields in one row: bounded memory' '
		rss_case million-fields.csv 2
	'
	test_expect_success "${BOMB_MB:-1024} MiB of NUL bytes in a small gzip: one bad row, bounded memory" '
		rss_case bomb-zeros.csv.gz 1
	'
	test_expect_success "${BOMB_MB:-1024} MiB of \"a,\" in a small gzip: one bad row, bounded memory" '
		rss_case bomb-fields.csv.gz 1
	'
	cat rss-figures 2>/dev/null
else
	echo "# /usr/bin/time missing: peak RSS not measured (apt-get install time)"
fi

# ---- escapes: never raw on a terminal, nor in messages
test_expect_success 'table output on a terminal escapes control bytes' '
	/usr/bin/python3 - "$CDRSIFT" "$BAD/escape-values.csv" <<-\PY
	import os, pty, sys
	pid, fd = pty.fork()
	if pid == 0:
	    os.environ["COLUMNS"] = "300"
	    os.execv(sys.argv[1], [sys.argv[1], "filter", "--no-progress",
	                           sys.argv[2]])
	out = b""
	while True:
	    try:
	        chunk = os.read(fd, 65536)
	    except OSError:
	        break
	    if not chunk:
	        break
	    out += chunk
	_, st = os.waitpid(pid, 0)
	# escape-values.csv holds a rejected row: exit status 1
	assert os.WIFEXITED(st) and os.WEXITSTATUS(st) == 1, st
	assert b"owned" in out and b"red" in out, out
	assert b"\x1b" not in out and b"\x07" not in out, out
	PY
'
test_expect_success 'table output written to a file escapes control bytes too' '
	test_exit 1 cdrsift filter -f table "$BAD/escape-values.csv" >out 2>/dev/null &&
	grep -q owned out && test "$(tr -dc "$CTL" <out | wc -c)" -eq 0
'
test_expect_success 'file names with control bytes are escaped in messages' '
	esc=$(printf "\033")
	: >"evil${esc}[31m.csv" &&
	test_exit 1 cdrsift stats "evil${esc}[31m.csv" >/dev/null 2>err &&
	grep -q "evil.x1b" err && test "$(tr -dc "$CTL" <err | wc -c)" -eq 0
'
test_expect_success 'json output is valid UTF-8 when fields are not' '
	cdrsift filter -f json "$BAD/invalid-utf8.csv" >out.json &&
	/usr/bin/python3 -c "
import json
json.loads(open(\"out.json\", \"rb\").read().decode(\"utf-8\"))
"
'

# ---- a damaged --cells table is an error naming the damage
test_expect_success 'a truncated gzip cell table: exit 3, the damage named' '
	test_exit 3 cdrsift stats --cells "$BAD/cells-truncated.csv.gz" \
		"$BAD/multi-valid.csv.gz" >/dev/null 2>err &&
	grep -q "cell table .*: truncated gzip stream at compressed offset" err
'
# ---- a zone file is input too: a crafted TZif whose last two transitions
# are an hour apart (+10:00, then +02:00 for an hour, then +03:00)
test_expect_success 'an overlap just before the last transition resolves to the earlier instant' '
	mkdir -p zones/Test &&
	/usr/bin/python3 - zones/Test/Overlap <<-\PY &&
	import struct, sys
	def block(tsize, times, idx, types, chars):
	    fmt = ">q" if tsize == 8 else ">i"
	    b = b"".join(struct.pack(fmt, t) for t in times) + bytes(idx)
	    b += b"".join(struct.pack(">iBB", o, 0, 0) for o in types)
	    return b + chars
	def header(times, types, chars):
	    return b"TZif2" + b"\0" * 15 + struct.pack(">6I", 0, 0, 0,
	        len(times), len(types), len(chars))
	t1 = 1735689600                  # 2025-01-01T00:00:00Z
	times, idx = [t1, t1 + 3600], [1, 2]
	types, chars = [36000, 7200, 10800], b"X\0"
	d = header(times, types, chars) + block(4, times, idx, types, chars)
	d += header(times, types, chars) + block(8, times, idx, types, chars)
	open(sys.argv[1], "wb").write(d + b"\n<+03>-3\n")
	PY
	printf "caller,callee,start\n601,602,2025-01-01 02:30:00\n" >ov.csv &&
	TZDIR=$TRASH/zones cdrsift filter -f csv --tz Test/Overlap ov.csv >out &&
	grep -q "2025-01-01T02:30:00+10:00" out
'
test_done
