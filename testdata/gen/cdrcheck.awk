# cdrcheck.awk - independent checker for cdrgen output (POSIX awk; mawk ok).
# Reads one generated file and, for its dialect, checks every record:
# field count, timestamps (real calendar dates), durations, latitudes,
# quoting, IMEI check digits, non-decreasing start times, and nothing
# inside the planted gap. Records that fail are written to 'bad' as
# "LINE REASON" with reasons named as cdrgen's bad-row kinds, so that the
# caller can compare them with the truth file.
#
#   mawk -v dialect=opa -v bad=bad.txt [-v gap_start=ISO -v gap_end=ISO] \
#        -f cdrcheck.awk file.csv
#
# Prints one summary line: records=N good=N bad=N order_errors=N
# in_gap=N other_errors=N, and details of other errors on stderr.

function days_from_civil(y, m, d,    era, yoe, doy, doe) {
	y -= (m <= 2)
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}

function valid_date(y, m, d,    ml) {
	if (m < 1 || m > 12 || d < 1)
		return 0
	ml = substr("312831303130313130313031", 2 * m - 1, 2) + 0
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		ml = 29
	return d <= ml
}

# "YYYY-MM-DD?HH:MM:SS" -> seconds; -1 unparsable, -2 no such date
function iso_secs(s,    y, m, d, H, M, S) {
	if (s !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/)
		return -1
	y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
	H = substr(s, 12, 2) + 0; M = substr(s, 15, 2) + 0; S = substr(s, 18, 2) + 0
	if (!valid_date(y, m, d))
		return -2
	if (H > 23 || M > 59 || S > 59)
		return -1
	return days_from_civil(y, m, d) * 86400 + H * 3600 + M * 60 + S
}

function hms_secs(s) {
	if (s !~ /^[0-9][0-9]+:[0-5][0-9]:[0-5][0-9]$/)
		return -1
	split(s, T, ":")
	return T[1] * 3600 + T[2] * 60 + T[3]
}

function is_uint(s) { return s ~ /^[0-9]+$/ }

# An IMEI with a valid check digit, or an IMEISV (14 digits and two of
# software version, no check digit: the --anomalies confounder).
function luhn_ok(s,    i, sum, dgt) {
	if (s ~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/)
		return 1
	if (s !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/)
		return 0
	sum = 0
	for (i = 1; i <= 15; i++) {
		dgt = substr(s, i, 1) + 0
		if (i % 2 == 0) {
			dgt *= 2
			if (dgt > 9)
				dgt -= 9
		}
		sum += dgt
	}
	return sum % 10 == 0
}

function lat_ok(s) {
	return s ~ /^-?[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ && s + 0 <= 90 && s + 0 >= -90
}

# Split record 'rec' on 'delim' honouring RFC 4180 quotes into F[1..n] with
# Q[i] = 1 for quoted fields; QERR = 1 on text after a closing quote.
function parse(rec, delim,    n, i, c, f, inq, closed, L) {
	QERR = 0
	if (index(rec, "\"") == 0) {
		n = split(rec, F, delim == "|" ? "[|]" : delim)
		for (i = 1; i <= n; i++)
			Q[i] = 0
		return n
	}
	n = 1; f = ""; inq = 0; closed = 0; Q[1] = 0; L = length(rec)
	for (i = 1; i <= L; i++) {
		c = substr(rec, i, 1)
		if (inq) {
			if (c == "\"") {
				if (substr(rec, i + 1, 1) == "\"") {
					f = f "\""; i++
				} else {
					inq = 0; closed = 1
				}
			} else
				f = f c
		} else if (c == delim) {
			F[n++] = f; f = ""; closed = 0; Q[n] = 0
		} else if (closed) {
			QERR = 1; f = f c
		} else if (c == "\"" && f == "") {
			inq = 1; Q[n] = 1
		} else
			f = f c
	}
	F[n] = f
	return n
}

function other(msg) {
	other_errors++
	if (other_errors <= 20)
		printf("cdrcheck: line %d: %s\n", recline, msg) > "/dev/stderr"
	return "other"
}

# Each check_* returns "" for a good record (setting START), else a reason.
function check_canonical(n,    s, e) {
	if (n != 16) return "field_count"
	s = iso_secs(F[6])
	if (s == -2) return "impossible_date"
	if (s < 0) return "bad_timestamp"
	if (!is_uint(F[8])) return "bad_duration"
	if (!lat_ok(F[13])) return "bad_latitude"
	e = iso_secs(F[7])
	if (e < 0 || e - s != F[8]) return other("end - start != duration")
	if (F[2] !~ /^(voice|sms|data|other)$/ || F[3] !~ /^(mo|mt)$/) return other("type or direction")
	if (!luhn_ok(F[10])) return other("IMEI check digit: " F[10])
	if (F[9] !~ /^[0-9]+$/ || length(F[9]) != 15) return other("IMSI")
	if (F[14] + 0 < -180 || F[14] + 0 > 180) return other("longitude")
	if (F[2] == "sms" && F[8] != 0) return other("sms with a duration")
	START = s; SUBJ = F[3] == "mo" ? F[4] : F[5]
	return ""
}

function check_opa(n,    dt, y, m, d, tm, du) {
	if (n != 11) return "field_count"
	dt = F[5]
	if (dt !~ /^[0-9][0-9]\/[0-9][0-9]\/[0-9][0-9][0-9][0-9]$/) return "bad_timestamp"
	d = substr(dt, 1, 2) + 0; m = substr(dt, 4, 2) + 0; y = substr(dt, 7, 4) + 0
	if (!valid_date(y, m, d)) return "impossible_date"
	tm = hms_secs(F[6])
	if (tm < 0 || tm >= 86400) return "bad_timestamp"
	du = hms_secs(F[7])
	if (du < 0) return "bad_duration"
	if (F[2] !~ /^(MOC|MTC|SMS-MO|SMS-MT|GPRS|USSD)$/) return other("CALL_TYPE " F[2])
	if (F[10] !~ /^[0-9]+-[0-9][0-9]-[0-9]+-[0-9]+$/) return other("CGI " F[10])
	if (!luhn_ok(F[9])) return other("IMEI check digit")
	if (F[3] !~ /^(\+|0)[0-9]+$/ && F[3] !~ /^\*/) return other("A_NUMBER " F[3])
	START = days_from_civil(y, m, d) * 86400 + tm
	return ""
}

function check_opb(n) {
	if (n != 11) return "field_count"
	if (!is_uint(F[5])) return "bad_timestamp"
	if (!lat_ok(F[10])) return "bad_latitude"
	if (!is_uint(F[6]) || F[6] + 0 < F[5] + 0) return other("end_time")
	if (F[3] !~ /^(IN|OUT)$/ || F[4] !~ /^(VOICE|SMS|DATA|USSD)$/) return other("direction or service")
	if (!luhn_ok(F[7])) return other("IMEI check digit")
	START = F[5] + 0
	return ""
}

function check_opc(n,    s) {
	if (n != 10) return "field_count"
	if (F[4] !~ /[+-][0-9][0-9]:[0-9][0-9]$/) return "bad_timestamp"
	s = iso_secs(substr(F[4], 1, 19))
	if (s == -2) return "impossible_date"
	if (s < 0) return "bad_timestamp"
	if (!is_uint(F[5])) return "bad_duration"
	if (F[3] !~ /^[12]$/) return other("Call Type")
	if (!luhn_ok(F[6])) return other("IMEI check digit")
	START = s
	return ""
}

function check_asterisk(n,    s, a, e, i) {
	if (n != 17) return "field_count"
	s = iso_secs(F[10])
	if (s == -2) return "impossible_date"
	if (s < 0) return "bad_timestamp"
	if (!is_uint(F[13])) return "bad_duration"
	e = iso_secs(F[12])
	if (e < 0 || e - s != F[13]) return other("duration != end - start")
	if (!is_uint(F[14])) return other("billsec")
	if (F[11] == "") {
		if (Q[11]) return other("empty answer must be unquoted")
		if (F[14] != 0 || F[15] == "ANSWERED") return other("unanswered with billsec")
	} else {
		a = iso_secs(F[11])
		if (a < s || e - a != F[14] || F[15] != "ANSWERED") return other("answer/billsec")
	}
	for (i = 1; i <= 17; i++)
		if (i != 11 && i != 13 && i != 14 && !Q[i]) return other("field " i " not quoted")
	if (Q[13] || Q[14]) return other("integer quoted")
	if (F[15] !~ /^(ANSWERED|NO ANSWER|BUSY|FAILED)$/) return other("disposition")
	START = s
	return ""
}

function check_ipdr(n,    s, e) {
	if (n != 18) return "field_count"
	s = iso_secs(F[4])
	if (s == -2) return "impossible_date"
	if (s < 0) return "bad_timestamp"
	if (!is_uint(F[6])) return "bad_duration"
	e = iso_secs(F[5])
	if (e < 0 || e - s != F[6]) return other("end - start != duration")
	if (F[13] !~ /^(tcp|udp)$/) return other("protocol")
	if (F[7] !~ /^(10|100)\./ || F[9] !~ /^(203\.0\.113|198\.51\.100)\./) return other("addresses")
	if (!luhn_ok(F[3])) return other("IMEI check digit")
	START = s
	return ""
}

function check_cgnat(n,    s, size, key) {
	if (n != 7) return "field_count"
	if (F[1] !~ /Z$/) return "bad_timestamp"
	s = iso_secs(substr(F[1], 1, 19))
	if (s == -2) return "impossible_date"
	if (s < 0) return "bad_timestamp"
	if (F[2] !~ /^(allocate|release)$/) return other("Event")
	size = F[6] - F[5] + 1
	if (size != 64 && size != 128 && size != 256 && size != 512 &&
	    size != 1024 && size != 2048 && size != 4096) return other("block size " size)
	START = s
	# bindings: a block is allocated only while free, released by its holder
	key = F[4] ":" F[5]
	if (natcheck) {
		if (F[2] == "allocate") {
			if (key in OPEN) other("block " key " allocated twice")
			OPEN[key] = F[7] "/" F[3]
			nopen++
		} else {
			if (!(key in OPEN)) other("release of a free block " key)
			else if (OPEN[key] != F[7] "/" F[3]) other("release by another holder " key)
			delete OPEN[key]
			nopen--
		}
	}
	return ""
}

function check(n) {
	if (dialect == "canonical") return check_canonical(n)
	if (dialect == "opa") return check_opa(n)
	if (dialect == "opb") return check_opb(n)
	if (dialect == "opc") return check_opc(n)
	if (dialect == "asterisk") return check_asterisk(n)
	if (dialect == "ipdr") return check_ipdr(n)
	if (dialect == "cgnat") return check_cgnat(n)
	print "cdrcheck: unknown dialect " dialect > "/dev/stderr"
	exit 2
}

function quotes(s,    t) {
	t = s
	return gsub(/"/, "", t)
}

function finish_record(rec, lines,    n, why) {
	records++
	if (lines > 1) {
		why = "unterminated_quote"
	} else {
		n = parse(rec, delim)
		why = QERR ? "quote_error" : check(n)
	}
	if (why != "") {
		nbad++
		print recline, why > bad
		return
	}
	good++
	if (START < last_start)
		order_errors++
	last_start = START
	if (START >= gs && START < ge)
		in_gap++
}

BEGIN {
	delim = dialect == "opa" ? ";" : dialect == "opb" ? "|" : dialect == "opc" ? "\t" : ","
	has_header = dialect != "asterisk"
	crlf = dialect == "opc"
	gs = gap_start != "" ? iso_secs(gap_start) : 0
	ge = gap_end != "" ? iso_secs(gap_end) : 0
	if (dialect == "opb") {
		# epoch seconds are UTC; the gap is given in local time
		gs -= tz_min * 60; ge -= tz_min * 60
	}
	if (dialect == "cgnat") {
		gs -= tz_min * 60; ge -= tz_min * 60
	}
	last_start = -1e18
	if (bad == "")
		bad = "/dev/null"
}

{
	line = $0
	if (crlf) {
		if (line !~ /\r$/)
			other("line without CR")
		sub(/\r$/, "", line)
	} else if (line ~ /\r$/)
		other("stray CR")
}

NR == 1 && has_header { next }

pending != "" {
	pending = pending "\n" line
	plines++
	if (quotes(pending) % 2 == 0) {
		finish_record(pending, plines)
		pending = ""
	}
	next
}

{
	recline = NR
	if (quotes(line) % 2 == 1) {
		pending = line
		plines = 1
		next
	}
	finish_record(line, 1)
}

END {
	if (pending != "")
		finish_record(pending, plines)
	printf("records=%d good=%d bad=%d order_errors=%d in_gap=%d other_errors=%d",
	       records, good, nbad, order_errors, in_gap, other_errors)
	if (natcheck)
		printf(" open_blocks=%d", nopen)
	printf("\n")
}
