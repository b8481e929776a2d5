/*
 * test_timeparse.c - unit tests for timeparse.h: the calendar, every accepted
 * and rejected timestamp, time-of-day and duration form, fixed and IANA
 * zones (DST gaps and overlaps, the POSIX footer rule far in the future),
 * damaged TZif files, formatting, and a differential check against glibc.
 * Expected instants are literals computed independently with Python's
 * datetime and zoneinfo (and checked against zdump), never with this code.
 * This file alone may call setenv("TZ")/tzset/localtime_r: it does not
 * include banned.h, and it restores TZ and TZDIR afterwards.
 */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/buf.h"
#include "../../src/diag.h"
#include "../../src/timeparse.h"

/* ---- helpers --------------------------------------------------------- */

static void check_parse_ok(const struct tz *tz, const char *in, int64_t want,
			   int line)
{
	char what[200];
	int64_t got = 0;
	int rc = ts_parse(in, strlen(in), tz, &got);
	snprintf(what, sizeof(what), "ts_parse(\"%s\", %s) == %" PRId64, in,
		 tz_name(tz), want);
	check_report(rc == 0 && got == want, __FILE__, line, what,
		     "rc %d, got %" PRId64, rc, got);
}

static void check_parse_bad(const char *in, size_t len, int line)
{
	char what[200];
	int64_t got = 0;
	int rc = ts_parse(in, len, NULL, &got);
	snprintf(what, sizeof(what), "ts_parse(\"%.*s\") rejected", (int)len,
		 in);
	check_report(rc == -1, __FILE__, line, what, "rc %d, got %" PRId64,
		     rc, got);
}

/* Load 'spec' or fail the calling check; NULL on failure. */
static struct tz *load(const char *spec, int line)
{
	struct diag d = DIAG_INIT;
	struct tz *tz = NULL;
	char what[160];
	int rc = tz_load(&tz, spec, &d);
	snprintf(what, sizeof(what), "tz_load(\"%s\")", spec);
	check_report(rc == 0 && tz, __FILE__, line, what, "rc %d: %s", rc,
		     buf_cstr(&d.msg));
	diag_release(&d);
	return rc == 0 ? tz : NULL;
}

/* tz_load('spec') must fail with exactly message 'want'. */
static void check_load_error(const char *spec, const char *want, int line)
{
	struct diag d = DIAG_INIT;
	struct tz *tz = (struct tz *)&d; /* must be reset to NULL */
	char what[200];
	int rc = tz_load(&tz, spec, &d);
	snprintf(what, sizeof(what), "tz_load(\"%s\") fails: %s", spec, want);
	check_report(rc == -1 && tz == NULL && d.set &&
			     !strcmp(buf_cstr(&d.msg), want),
		     __FILE__, line, what, "rc %d, message \"%s\"", rc,
		     buf_cstr(&d.msg));
	if (rc == 0)
		tz_free(tz);
	diag_release(&d);
}

static void check_offset(const struct tz *tz, int64_t ms, int32_t want,
			 int line)
{
	char what[160];
	int32_t got = tz_offset_at(tz, ms);
	snprintf(what, sizeof(what), "tz_offset_at(%s, %" PRId64 ") == %d",
		 tz_name(tz), ms, (int)want);
	check_report(got == want, __FILE__, line, what, "got %d", (int)got);
}

static void check_format(int64_t ms, const struct tz *tz, const char *want,
			 int line)
{
	char out[64], what[160];
	size_t n = ts_format(ms, tz, out, sizeof(out));
	snprintf(what, sizeof(what), "ts_format(%" PRId64 ", %s) == %s", ms,
		 tz_name(tz), want);
	check_report(!strcmp(out, want) && n == strlen(want), __FILE__, line,
		     what, "got \"%s\" (length %zu)", out, n);
}

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64: deterministic, so failures reproduce */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- calendar ---------------------------------------------------------- */

static void test_calendar(void)
{
	static const struct {
		int64_t y;
		int m, d;
		int64_t days;
	} known[] = {
		{ 1970, 1, 1, 0 },         { 1969, 12, 31, -1 },
		{ 2000, 2, 29, 11016 },    { 2025, 1, 3, 20091 },
		{ 2400, 2, 29, 157113 },   { 2400, 12, 31, 157419 },
		{ 1900, 1, 1, -25567 },    { 1, 1, 1, -719162 },
		{ 0, 1, 1, -719528 },      { -1, 12, 31, -719529 },
		{ 9999, 12, 31, 2932896 },
	};
	int64_t y;
	int m, d;
	long bad_trip = 0, bad_next = 0;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		CHECK_EQ_INT(days_from_civil(known[i].y, known[i].m,
					     known[i].d), known[i].days);
		civil_from_days(known[i].days, &y, &m, &d);
		CHECK(y == known[i].y && m == known[i].m && d == known[i].d);
	}

	/*
	 * Every day from 1709 BC to AD 4707 (including 2400's Feb 29 and the
	 * negative, pre-1970 side) maps back to itself, and the next day is
	 * the next real date.
	 */
	int64_t py = 0;
	int pm = 0, pd = 0;
	for (int64_t day = -1344000; day <= 1000000; day++) {
		civil_from_days(day, &y, &m, &d);
		if (!civil_valid(y, m, d) || days_from_civil(y, m, d) != day)
			bad_trip++;
		if (day > -1344000) {
			int64_t ny = py;
			int nm = pm, nd = pd + 1;
			if (!civil_valid(ny, nm, nd)) {
				nd = 1;
				if (++nm > 12) {
					nm = 1;
					ny++;
				}
			}
			if (y != ny || m != nm || d != nd)
				bad_next++;
		}
		py = y;
		pm = m;
		pd = d;
	}
	CHECK_EQ_INT(bad_trip, 0);
	CHECK_EQ_INT(bad_next, 0);

	CHECK(civil_valid(2024, 2, 29));
	CHECK(!civil_valid(2025, 2, 29));
	CHECK(!civil_valid(1900, 2, 29));
	CHECK(civil_valid(2000, 2, 29));
	CHECK(civil_valid(2400, 2, 29));
	CHECK(!civil_valid(2100, 2, 29));
	CHECK(!civil_valid(2025, 4, 31));
	CHECK(!civil_valid(2025, 13, 1));
	CHECK(!civil_valid(2025, 0, 1));
	CHECK(!civil_valid(2025, 1, 0));
	CHECK(civil_valid(2025, 12, 31));
}

/* ---- ts_parse ---------------------------------------------------------- */

static void test_parse_accepts(void)
{
	static const struct {
		const char *in;
		int64_t want;
	} utc[] = {
		{ "2025-01-03T08:00:00Z", INT64_C(1735891200000) },
		{ "2025-01-03T08:00:00z", INT64_C(1735891200000) },
		{ "2025-01-03t08:00:00Z", INT64_C(1735891200000) },
		{ "2025-01-03T08:00:00", INT64_C(1735891200000) },
		{ "2025-01-03 08:00:00", INT64_C(1735891200000) },
		{ "2025-01-03T08:00", INT64_C(1735891200000) },
		{ "2025-01-03 8:05", INT64_C(1735891500000) },
		{ "2025-01-03T8:05:09", INT64_C(1735891509000) },
		{ "2025-01-03T08:00:00.123Z", INT64_C(1735891200123) },
		{ "2025-01-03T08:00:00.1Z", INT64_C(1735891200100) },
		{ "2025-01-03T08:00:00.12", INT64_C(1735891200120) },
		{ "2025-01-03T08:00:00.999999999Z", INT64_C(1735891200999) },
		{ "2025-01-03T08:00:00,5Z", INT64_C(1735891200500) },
		{ "2025-01-03T08:00:00+08:00", INT64_C(1735862400000) },
		{ "2025-01-03T08:00:00+0800", INT64_C(1735862400000) },
		{ "2025-01-03T08:00:00+08", INT64_C(1735862400000) },
		{ "2025-01-03T08:00:00-05:30", INT64_C(1735911000000) },
		{ "2025-01-03T08:00:00.250-0530", INT64_C(1735911000250) },
		{ "2025-01-03T08:00+01:00", INT64_C(1735887600000) },
		{ "2025-01-03T08:00:00+18:00", INT64_C(1735826400000) },
		{ "2025-01-03T08:00:00-18:00", INT64_C(1735956000000) },
		{ "1900-01-01T06:46:46+06:46:46", INT64_C(-2208988800000) },
		{ "2025-01-03 08:00:00 UTC", INT64_C(1735891200000) },
		{ "2025-01-03 08:00:00 GMT", INT64_C(1735891200000) },
		{ "2025-01-03 08:00:00 +0800", INT64_C(1735862400000) },
		{ "2025-01-03 08:00:00 -03:00", INT64_C(1735902000000) },
		{ "2025/01/03 08:00:00", INT64_C(1735891200000) },
		{ "2025/01/03T08:00:00Z", INT64_C(1735891200000) },
		{ "2025-01-03-08:00:00", INT64_C(1735891200000) },
		{ "2025-01-03-08:00:00.5", INT64_C(1735891200500) },
		{ "2025-01-03", INT64_C(1735862400000) },
		{ "2025/01/03", INT64_C(1735862400000) },
		{ "03/01/2025 08:00:00", INT64_C(1735891200000) },
		{ "3/1/2025 8:00", INT64_C(1735891200000) },
		{ "31/12/2024 23:59:59", INT64_C(1735689599000) },
		{ "03-01-2025 08:00:00", INT64_C(1735891200000) },
		{ "03.01.2025 08:00:00.75", INT64_C(1735891200750) },
		{ "03/01/2025 08:00:00+01:00", INT64_C(1735887600000) },
		{ "03/01/2025", INT64_C(1735862400000) },
		{ "29.02.2024", INT64_C(1709164800000) },
		{ "20250103080000", INT64_C(1735891200000) },
		{ "20250103080000Z", INT64_C(1735891200000) },
		{ "20250103080000+0800", INT64_C(1735862400000) },
		{ "20250103080000.5", INT64_C(1735891200500) },
		{ "20250103", INT64_C(1735862400000) },
		{ "1735891200", INT64_C(1735891200000) },
		{ "1735891200.5", INT64_C(1735891200500) },
		{ "1735891200.123456789", INT64_C(1735891200123) },
		{ "123456789", INT64_C(123456789000) },
		{ "99999999999", INT64_C(99999999999000) },
		{ "1735891200123", INT64_C(1735891200123) },
		{ "173589120012", INT64_C(173589120012) },
		{ "  2025-01-03 08:00:00\t", INT64_C(1735891200000) },
		{ "\t1735891200 ", INT64_C(1735891200000) },
		{ "2024-02-29T12:00:00Z", INT64_C(1709208000000) },
		{ "2000-02-29", INT64_C(951782400000) },
		{ "1969-12-31T23:59:59.999Z", INT64_C(-1) },
		{ "1900-01-01T00:00:00Z", INT64_C(-2208988800000) },
		{ "0001-01-01", INT64_C(-62135596800000) },
		{ "9999-12-31T23:59:59.999Z", INT64_C(253402300799999) },
		{ "0000-01-01T00:00:00Z", INT64_C(-62167219200000) },
		{ "0000-02-29", INT64_C(-62162121600000) },
	};
	static const struct {
		const char *in;
		int64_t want;
	} plus8[] = {
		{ "2025-01-03 08:00:00", INT64_C(1735862400000) },
		{ "2025-01-03", INT64_C(1735833600000) },
		{ "03/01/2025 08:00", INT64_C(1735862400000) },
		{ "20250103080000", INT64_C(1735862400000) },
		/* an explicit zone wins over 'tz'; Unix time is always UTC */
		{ "2025-01-03T08:00:00Z", INT64_C(1735891200000) },
		{ "2025-01-03T08:00:00-01:00", INT64_C(1735894800000) },
		{ "1735891200", INT64_C(1735891200000) },
	};
	struct tz *tz;

	for (size_t i = 0; i < sizeof(utc) / sizeof(utc[0]); i++)
		check_parse_ok(NULL, utc[i].in, utc[i].want, __LINE__);

	/* 'len' bounds the field: bytes after it are not looked at */
	int64_t ms = 0;
	CHECK(ts_parse("2025-01-03 08:00:00,next", 19, NULL, &ms) == 0 &&
	      ms == INT64_C(1735891200000));

	if ((tz = load("+08:00", __LINE__))) {
		for (size_t i = 0; i < sizeof(plus8) / sizeof(plus8[0]); i++)
			check_parse_ok(tz, plus8[i].in, plus8[i].want,
				       __LINE__);
		tz_free(tz);
	}
	if ((tz = load("-05:30", __LINE__))) {
		check_parse_ok(tz, "2025-01-03 08:00:00",
			       INT64_C(1735911000000), __LINE__);
		check_parse_ok(tz, "1969-12-31 20:00", INT64_C(5400000),
			       __LINE__);
		tz_free(tz);
	}
}

static void test_parse_rejects(void)
{
	static const char *const bad[] = {
		"", "   ", "\t",
		/* impossible values */
		"2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
		"2025-02-29", "2100-02-29 00:00:00", "2025-04-31",
		"2025-01-03T24:00:00", "2025-01-03T23:60:00",
		"2025-01-03T23:59:60", "2025-01-03 24:00",
		/* digit counts */
		"2025-001-03", "2025-01-003", "25-01-03", "02025-01-03",
		"2025-01-03T08", "2025-01-03T08:0", "2025-01-03T008:00",
		"2025-01-03T08:00:0", "2025-01-03T08:00:000",
		/* separators */
		"2025-01/03", "2025/01-03", "2025/01/03-08:00:00",
		"2025-01-03_08:00:00", "2025-01-03  08:00:00",
		"2025-01-03T08.00.00",
		/* trailing junk and misplaced parts */
		"2025-01-03x", "2025-01-03T08:00:00x",
		"2025-01-03 08:00:00 junk", "2025-01-03T08:00:00ZZ",
		"2025-01-03Z", "2025-01-03T08:00.5", "2025-01-03T08:00:00.",
		"2025-01-03T08:00:00.1234567890", "2025-01-03T08:00:00. 5",
		/* zones */
		"2025-01-03T08:00:00+8", "2025-01-03T08:00:00+08:0",
		"2025-01-03T08:00:00+080", "2025-01-03T08:00:00+18:01",
		"2025-01-03T08:00:00+08:60", "2025-01-03T08:00:00  +0800",
		"2025-01-03 08:00:00 EST", "2025-01-03T08:00:00 Z",
		"2025-01-03T08:00:00+", "2025-01-03 08:00:00 UTC+1",
		"2025-01-03T08:00:00+08:00:60", "2025-01-03T08:00:00+0800:00",
		"2025-01-03T08:00:00+18:00:01",
		/* day-first */
		"13/13/2025", "32/01/2025", "29/02/2025", "03/01/25",
		"03/01-2025", "003/01/2025", "03/01/2025T08:00",
		"03/01/2025 24:00", "03/01/2025 08:00:60", "03/001/2025",
		/* digit strings */
		"1234567", "12345678", "20251301", "20250230",
		"20250103080060", "20250103240000", "202501030800000",
		"1735891200.", "1735891200.1234567890", "1735891200123.5",
		"1735891200Z", "12345678901234567", "-1735891200",
		"+2025-01-03", "1735891200 5",
		/* words */
		"now", "Jan 3 2025", "2025-01-03T08:00:00 UTC junk",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_parse_bad(bad[i], strlen(bad[i]), __LINE__);
	/* an embedded NUL is junk, not an end */
	check_parse_bad("2025-01-03\0", 11, __LINE__);
}

static void test_parse_date_time(void)
{
	int64_t v = 0;

	CHECK(ts_parse_date("2025-01-03", 10, &v) == 0 && v == 20091);
	CHECK(ts_parse_date("2025/01/03", 10, &v) == 0 && v == 20091);
	CHECK(ts_parse_date("03/01/2025", 10, &v) == 0 && v == 20091);
	CHECK(ts_parse_date("3.1.2025", 8, &v) == 0 && v == 20091);
	CHECK(ts_parse_date("20250103", 8, &v) == 0 && v == 20091);
	CHECK(ts_parse_date(" 1969-12-31 ", 12, &v) == 0 && v == -1);
	CHECK(ts_parse_date("2400-02-29", 10, &v) == 0 && v == 157113);
	CHECK(ts_parse_date("2025-02-29", 10, &v) == -1);
	CHECK(ts_parse_date("2025-01-03 08:00", 16, &v) == -1);
	CHECK(ts_parse_date("2025-1-3", 8, &v) == 0 && v == 20091);
	CHECK(ts_parse_date("", 0, &v) == -1);
	CHECK(ts_parse_date("32/01/2025", 10, &v) == -1);
	CHECK(ts_parse_date("1735891200", 10, &v) == -1);

	CHECK(ts_parse_time("08:00", 5, &v) == 0 && v == 28800000);
	CHECK(ts_parse_time("8:00:01", 7, &v) == 0 && v == 28801000);
	CHECK(ts_parse_time("23:59:59.999", 12, &v) == 0 && v == 86399999);
	CHECK(ts_parse_time("23:59:59,5", 10, &v) == 0 && v == 86399500);
	CHECK(ts_parse_time("080001", 6, &v) == 0 && v == 28801000);
	CHECK(ts_parse_time("00:00", 5, &v) == 0 && v == 0);
	CHECK(ts_parse_time(" 12:34 ", 7, &v) == 0 && v == 45240000);
	CHECK(ts_parse_time("24:00", 5, &v) == -1);
	CHECK(ts_parse_time("12:60", 5, &v) == -1);
	CHECK(ts_parse_time("12:00:60", 8, &v) == -1);
	CHECK(ts_parse_time("1200", 4, &v) == -1);
	CHECK(ts_parse_time("12:0", 4, &v) == -1);
	CHECK(ts_parse_time("", 0, &v) == -1);
	CHECK(ts_parse_time("12:00:00Z", 9, &v) == -1);
	CHECK(ts_parse_time("240000", 6, &v) == -1);
	CHECK(ts_parse_time("0800011", 7, &v) == -1);
}

static void test_durations(void)
{
	static const struct {
		const char *in;
		int64_t want;
	} good[] = { /* microseconds */
		{ "93", 93000000 },
		{ "93.5", 93500000 },
		{ "93.1239", 93123900 },
		{ "93.1234567", 93123456 },
		{ "0", 0 },
		{ "0.001", 1000 },
		{ "0.000123", 123 },
		{ "0.0000009", 0 },
		{ "007", 7000000 },
		{ " 45 ", 45000000 },
		{ "01:02:03", 3723000000 },
		{ "1:02:03.25", 3723250000 },
		{ "2:03", 123000000 },
		{ "02:03", 123000000 },
		{ "90:00", 5400000000 },
		{ "100:00:00", 360000000000 },
		{ "0:00:59", 59000000 },
		{ "9223372036853", INT64_C(9223372036853000000) },
		{ "9223372036853.999999", INT64_C(9223372036853999999) },
	};
	static const char *const bad[] = {
		"", " ", "-5", "+5", "-0:01", "1:60", "1:60:00", "1:00:60",
		"1:5", "1:2:03", "1:02:3", "93.", ".5", "93.1234567890",
		"1e3", "10s", "abc", "1:00:00:00", "1::00", ":30", "1:",
		"99999999999999999999", "9223372036854775", "9223372036854",
		"2562047788015215:00:00", "153722867280912931:00",
	};
	char what[120];
	int64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = dur_parse(good[i].in, strlen(good[i].in), &v);
		snprintf(what, sizeof(what), "dur_parse(\"%s\") == %" PRId64,
			 good[i].in, good[i].want);
		check_report(rc == 0 && v == good[i].want, __FILE__, __LINE__,
			     what, "rc %d, got %" PRId64, rc, rc ? 0 : v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = dur_parse(bad[i], strlen(bad[i]), &v);
		snprintf(what, sizeof(what), "dur_parse(\"%s\") rejected",
			 bad[i]);
		check_report(rc == -1, __FILE__, __LINE__, what, "rc %d", rc);
	}
}

/* ---- zones ------------------------------------------------------------- */

static void test_zone_specs(void)
{
	static const struct {
		const char *spec, *name;
		int32_t off;
	} fixed[] = {
		{ "UTC", "UTC", 0 },       { "utc", "UTC", 0 },
		{ "Z", "UTC", 0 },         { "z", "UTC", 0 },
		{ "GMT", "UTC", 0 },       { "+00:00", "UTC", 0 },
		{ "-0000", "UTC", 0 },     { "UTC+0", "UTC", 0 },
		{ "GMT-00:00", "UTC", 0 }, { "+08:00", "+08:00", 28800 },
		{ "+0800", "+08:00", 28800 }, { "+08", "+08:00", 28800 },
		{ "+8", "+08:00", 28800 }, { "-05:30", "-05:30", -19800 },
		{ "-0530", "-05:30", -19800 }, { "+5:30", "+05:30", 19800 },
		{ "+05:45", "+05:45", 20700 }, { "+18:00", "+18:00", 64800 },
		{ "-18:00", "-18:00", -64800 },
	};
	char what[120];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct tz *tz = load(fixed[i].spec, __LINE__);
		if (!tz)
			continue;
		snprintf(what, sizeof(what), "\"%s\" is %s at %d",
			 fixed[i].spec, fixed[i].name, (int)fixed[i].off);
		check_report(!strcmp(tz_name(tz), fixed[i].name) &&
				     tz_offset_at(tz, 0) == fixed[i].off &&
				     tz_offset_at(tz, INT64_C(1735891200000)) ==
					     fixed[i].off,
			     __FILE__, __LINE__, what, "name %s, offset %d",
			     tz_name(tz), (int)tz_offset_at(tz, 0));
		tz_free(tz);
	}

	CHECK_EQ_STR(tz_name(NULL), "UTC");
	CHECK_EQ_INT(tz_offset_at(NULL, INT64_C(1735891200000)), 0);
	CHECK_EQ_INT(tz_local_to_utc(NULL, INT64_C(1735891200000)),
		     INT64_C(1735891200000));
	tz_free(NULL);

	check_load_error("", "empty time zone", __LINE__);
	check_load_error("Mars/Base", "unknown time zone 'Mars/Base'",
			 __LINE__);
	check_load_error("Europe", "unknown time zone 'Europe'", __LINE__);
	check_load_error("../etc/passwd",
			 "invalid time zone name '../etc/passwd'", __LINE__);
	check_load_error("Europe/../../etc/passwd",
			 "invalid time zone name 'Europe/../../etc/passwd'",
			 __LINE__);
	check_load_error("/etc/localtime",
			 "invalid time zone name '/etc/localtime'", __LINE__);
	check_load_error("Europe/London/", "invalid time zone name "
			 "'Europe/London/'", __LINE__);
	check_load_error("Europe/\x1b[31mLondon",
			 "invalid time zone name 'Europe/\\x1b[31mLondon'",
			 __LINE__);
	check_load_error("08:00", "invalid time zone name '08:00'", __LINE__);
	check_load_error("UTC+8", "ambiguous time zone 'UTC+8': write "
			 "'+08:00' (east of UTC) or '-08:00' (as POSIX reads it)",
			 __LINE__);
	check_load_error("GMT-5", "ambiguous time zone 'GMT-5': write "
			 "'-05:00' (west of UTC) or '+05:00' (as POSIX reads it)",
			 __LINE__);
	check_load_error("utc+05:30", "ambiguous time zone 'utc+05:30': "
			 "write '+05:30' (east of UTC) or '-05:30' (as POSIX "
			 "reads it)", __LINE__);
	check_load_error("UTC+x", "invalid time zone 'UTC+x': write an "
			 "offset such as '+08:00'", __LINE__);
	check_load_error("+19:00", "invalid time zone offset '+19:00' "
			 "(expected +hh:mm, +hhmm or +hh, at most 18 hours)",
			 __LINE__);
	check_load_error("+530", "invalid time zone offset '+530' (expected "
			 "+hh:mm, +hhmm or +hh, at most 18 hours)", __LINE__);
	check_load_error("+05:60", "invalid time zone offset '+05:60' "
			 "(expected +hh:mm, +hhmm or +hh, at most 18 hours)",
			 __LINE__);
	check_load_error("-", "invalid time zone offset '-' (expected "
			 "+hh:mm, +hhmm or +hh, at most 18 hours)", __LINE__);
}

static void test_dst(void)
{
	static const struct {
		const char *zone, *local;
		int64_t want;
	} local[] = {
		/* London 2025: 01:00 GMT -> 02:00 BST on Mar 30, back Oct 26 */
		{ "Europe/London", "2025-03-30 00:59:59", INT64_C(1743296399000) },
		{ "Europe/London", "2025-03-30 01:00:00", INT64_C(1743296400000) },
		{ "Europe/London", "2025-03-30 01:30:00", INT64_C(1743298200000) },
		{ "Europe/London", "2025-03-30 01:59:59", INT64_C(1743299999000) },
		{ "Europe/London", "2025-03-30 02:00:00", INT64_C(1743296400000) },
		{ "Europe/London", "2025-07-01 12:00:00", INT64_C(1751367600000) },
		{ "Europe/London", "2025-10-26 00:59:59", INT64_C(1761436799000) },
		{ "Europe/London", "2025-10-26 01:00:00", INT64_C(1761436800000) },
		{ "Europe/London", "2025-10-26 01:30:00", INT64_C(1761438600000) },
		{ "Europe/London", "2025-10-26 02:00:00", INT64_C(1761444000000) },
		{ "Europe/London", "2025-01-03 08:00:00", INT64_C(1735891200000) },
		/* New York 2025: gap Mar 9 02:00-03:00, overlap Nov 2 01:00-02:00 */
		{ "America/New_York", "2025-03-09 01:59:59", INT64_C(1741503599000) },
		{ "America/New_York", "2025-03-09 02:00:00", INT64_C(1741503600000) },
		{ "America/New_York", "2025-03-09 02:30:00", INT64_C(1741505400000) },
		{ "America/New_York", "2025-03-09 03:00:00", INT64_C(1741503600000) },
		{ "America/New_York", "2025-11-02 00:59:59", INT64_C(1762059599000) },
		{ "America/New_York", "2025-11-02 01:00:00", INT64_C(1762059600000) },
		{ "America/New_York", "2025-11-02 01:30:00", INT64_C(1762061400000) },
		{ "America/New_York", "2025-11-02 02:00:00", INT64_C(1762066800000) },
		{ "Europe/Berlin", "2025-03-30 02:30:00", INT64_C(1743298200000) },
		{ "Europe/Berlin", "2025-10-26 02:30:00", INT64_C(1761438600000) },
		/* 2080: past the fat file's 2037 table, from the footer rule */
		{ "America/New_York", "2080-03-10 02:30:00", INT64_C(3477281400000) },
		{ "America/New_York", "2080-11-03 01:30:00", INT64_C(3497837400000) },
		{ "America/New_York", "2080-07-04 12:00:00", INT64_C(3487334400000) },
		{ "Europe/London", "2080-07-01 12:00:00", INT64_C(3487057200000) },
		{ "Europe/London", "2080-03-31 01:30:00", INT64_C(3479074200000) },
		/* 2300: past the tabulated years, the rule evaluated directly */
		{ "Europe/London", "2300-03-25 01:30:00", INT64_C(10420968600000) },
		{ "Europe/London", "2300-10-28 01:30:00", INT64_C(10439713800000) },
		{ "Europe/London", "2300-07-01 12:00:00", INT64_C(10429470000000) },
		{ "America/New_York", "2300-03-11 02:30:00", INT64_C(10419780600000) },
		{ "America/New_York", "2300-11-04 01:30:00", INT64_C(10440336600000) },
		/* Kuala Lumpur: +08 since 1982 (23:30 -> 00:00 on Dec 31) */
		{ "Asia/Kuala_Lumpur", "2025-01-03 08:00:00", INT64_C(1735862400000) },
		{ "Asia/Kuala_Lumpur", "1981-12-31 23:29:59", INT64_C(378662399000) },
		{ "Asia/Kuala_Lumpur", "1981-12-31 23:45:00", INT64_C(378663300000) },
		{ "Asia/Kuala_Lumpur", "1982-01-01 00:00:00", INT64_C(378662400000) },
		{ "Asia/Kuala_Lumpur", "1900-01-01 00:00:00", INT64_C(-2209013206000) },
	};
	static const struct {
		const char *zone;
		int64_t utc;
		int32_t off;
	} offsets[] = {
		{ "Europe/London", INT64_C(1743296399000), 0 }, /* 2025-03-30T00:59:59Z */
		{ "Europe/London", INT64_C(1743296400000), 3600 }, /* 2025-03-30T01:00:00Z */
		{ "Europe/London", INT64_C(1761440399000), 3600 }, /* 2025-10-26T00:59:59Z */
		{ "Europe/London", INT64_C(1761440400000), 0 }, /* 2025-10-26T01:00:00Z */
		{ "America/New_York", INT64_C(1741503599000), -18000 }, /* 2025-03-09T06:59:59Z */
		{ "America/New_York", INT64_C(1741503600000), -14400 }, /* 2025-03-09T07:00:00Z */
		{ "America/New_York", INT64_C(1762063199000), -14400 }, /* 2025-11-02T05:59:59Z */
		{ "America/New_York", INT64_C(1762063200000), -18000 }, /* 2025-11-02T06:00:00Z */
		{ "America/New_York", INT64_C(3477279599000), -18000 }, /* 2080-03-10T06:59:59Z */
		{ "America/New_York", INT64_C(3477279600000), -14400 }, /* 2080-03-10T07:00:00Z */
		{ "America/New_York", INT64_C(3497839199000), -14400 }, /* 2080-11-03T05:59:59Z */
		{ "America/New_York", INT64_C(3497839200000), -18000 }, /* 2080-11-03T06:00:00Z */
		{ "Europe/London", INT64_C(3479072399000), 0 }, /* 2080-03-31T00:59:59Z */
		{ "Europe/London", INT64_C(3479072400000), 3600 }, /* 2080-03-31T01:00:00Z */
		{ "Europe/Berlin", INT64_C(3497216399000), 7200 }, /* 2080-10-27T00:59:59Z */
		{ "Europe/Berlin", INT64_C(3497216400000), 3600 }, /* 2080-10-27T01:00:00Z */
		{ "Europe/London", INT64_C(10420966799000), 0 }, /* 2300-03-25T00:59:59Z */
		{ "Europe/London", INT64_C(10420966800000), 3600 }, /* 2300-03-25T01:00:00Z */
		{ "America/New_York", INT64_C(10419778799000), -18000 }, /* 2300-03-11T06:59:59Z */
		{ "America/New_York", INT64_C(10419778800000), -14400 }, /* 2300-03-11T07:00:00Z */
		{ "America/New_York", INT64_C(10440338399000), -14400 }, /* 2300-11-04T05:59:59Z */
		{ "America/New_York", INT64_C(10440338400000), -18000 }, /* 2300-11-04T06:00:00Z */
		{ "Asia/Kuala_Lumpur", INT64_C(378662399000), 27000 }, /* 1981-12-31T15:59:59Z */
		{ "Asia/Kuala_Lumpur", INT64_C(378662400000), 28800 }, /* 1981-12-31T16:00:00Z */
		{ "Asia/Kuala_Lumpur", INT64_C(1748736000000), 28800 }, /* 2025-06-01T00:00:00Z */
		{ "Asia/Kuala_Lumpur", INT64_C(3484425600000), 28800 }, /* 2080-06-01T00:00:00Z */
		{ "Asia/Kuala_Lumpur", INT64_C(-2208988800000), 24406 }, /* 1900-01-01T00:00:00Z */
		{ "Asia/Kuala_Lumpur", INT64_C(-2177477207000), 24406 }, /* 1900-12-31T17:13:13Z */
		{ "Asia/Kuala_Lumpur", INT64_C(-2177477206000), 24925 }, /* 1900-12-31T17:13:14Z */
		{ "Europe/Berlin", INT64_C(-1693706401000), 3600 }, /* 1916-04-30T21:59:59Z */
		{ "Europe/Berlin", INT64_C(-1693706400000), 7200 }, /* 1916-04-30T22:00:00Z */
	};
	const char *names[] = { "Europe/London", "America/New_York",
				"Europe/Berlin", "Asia/Kuala_Lumpur" };
	struct tz *zones[4];

	for (int i = 0; i < 4; i++)
		zones[i] = load(names[i], __LINE__);
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		for (int k = 0; k < 4; k++)
			if (zones[k] && !strcmp(local[i].zone, names[k]))
				check_parse_ok(zones[k], local[i].local,
					       local[i].want, __LINE__);
	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
		for (int k = 0; k < 4; k++)
			if (zones[k] && !strcmp(offsets[i].zone, names[k]))
				check_offset(zones[k], offsets[i].utc,
					     offsets[i].off, __LINE__);
	if (zones[0]) {
		/* the API on local milliseconds directly: gap and overlap */
		CHECK_EQ_INT(tz_local_to_utc(zones[0], INT64_C(1743298200000)),
			     INT64_C(1743298200000));
		CHECK_EQ_INT(tz_local_to_utc(zones[0], INT64_C(1761442200000)),
			     INT64_C(1761438600000));
		CHECK_EQ_STR(tz_name(zones[0]), "Europe/London");
	}
	for (int i = 0; i < 4; i++)
		tz_free(zones[i]);
}

static void test_civil_format(void)
{
	struct tz *kl = load("Asia/Kuala_Lumpur", __LINE__);
	struct tz *lon = load("Europe/London", __LINE__);
	struct tz *ny = load("America/New_York", __LINE__);
	struct tz *fx = load("-05:30", __LINE__);
	struct tz *utc = load("UTC", __LINE__);
	struct civil c;
	char out[64];

	ts_civil(INT64_C(1735891200000), NULL, &c); /* 2025-01-03T08:00Z */
	CHECK(c.year == 2025 && c.month == 1 && c.day == 3 && c.hour == 8 &&
	      c.minute == 0 && c.second == 0 && c.msec == 0 && c.offset == 0);
	CHECK_EQ_INT(c.dow, 5); /* Friday */
	ts_civil(0, NULL, &c);
	CHECK(c.year == 1970 && c.month == 1 && c.day == 1 && c.dow == 4);
	ts_civil(-1, NULL, &c);
	CHECK(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 &&
	      c.minute == 59 && c.second == 59 && c.msec == 999 &&
	      c.dow == 3);
	ts_civil(INT64_C(1736035200000), NULL, &c); /* 2025-01-05 */
	CHECK_EQ_INT(c.dow, 7);
	ts_civil(INT64_C(1736121600000), NULL, &c); /* 2025-01-06 */
	CHECK_EQ_INT(c.dow, 1);
	ts_civil(INT64_C(-2208988800000), NULL, &c); /* 1900-01-01 */
	CHECK(c.year == 1900 && c.dow == 1);
	ts_civil(INT64_C(157419) * 86400000, NULL, &c); /* 2400-12-31 */
	CHECK(c.year == 2400 && c.month == 12 && c.day == 31 && c.dow == 7);
	if (kl) {
		/* 2025-01-03T20:30Z is Saturday 04:30 in Kuala Lumpur */
		ts_civil(INT64_C(1735936200000), kl, &c);
		CHECK(c.year == 2025 && c.month == 1 && c.day == 4 &&
		      c.hour == 4 && c.minute == 30 && c.dow == 6 &&
		      c.offset == 28800);
		check_format(INT64_C(1735891200000), kl,
			     "2025-01-03T16:00:00+08:00", __LINE__);
		check_format(INT64_C(-2208988800000), kl,
			     "1900-01-01T06:46:46+06:46:46", __LINE__);
	}
	if (lon) {
		ts_civil(INT64_C(1751367600000), lon, &c); /* 2025-07-01 11:00Z */
		CHECK(c.hour == 12 && c.offset == 3600 && c.dow == 2);
		check_format(INT64_C(1751367600000), lon,
			     "2025-07-01T12:00:00+01:00", __LINE__);
		check_format(INT64_C(1735891200000), lon,
			     "2025-01-03T08:00:00+00:00", __LINE__);
	}
	if (ny)
		check_format(INT64_C(1741503600000), ny,
			     "2025-03-09T03:00:00-04:00", __LINE__);
	if (fx)
		check_format(INT64_C(1735891200000), fx,
			     "2025-01-03T02:30:00-05:30", __LINE__);
	if (utc)
		check_format(INT64_C(1735891200000), utc,
			     "2025-01-03T08:00:00Z", __LINE__);
	check_format(INT64_C(1735891200000), NULL, "2025-01-03T08:00:00Z",
		     __LINE__);
	check_format(INT64_C(1735891200123), NULL, "2025-01-03T08:00:00.123Z",
		     __LINE__);
	check_format(INT64_C(1735891200007), NULL, "2025-01-03T08:00:00.007Z",
		     __LINE__);
	check_format(-1, NULL, "1969-12-31T23:59:59.999Z", __LINE__);
	check_format(INT64_C(-62167219200000), NULL, "0000-01-01T00:00:00Z",
		     __LINE__);
	check_format(INT64_C(-62167305600000), NULL, "-0001-12-31T00:00:00Z",
		     __LINE__);
	check_format(INT64_C(253402300800000), NULL, "+10000-01-01T00:00:00Z",
		     __LINE__);
	/* a short buffer is cut and terminated; 0 bytes writes nothing */
	CHECK_EQ_INT(ts_format(INT64_C(1735891200000), NULL, out, 11), 10);
	CHECK_EQ_STR(out, "2025-01-03");
	out[0] = 'x';
	CHECK_EQ_INT(ts_format(INT64_C(1735891200000), NULL, out, 0), 0);
	CHECK(out[0] == 'x');
	/* the 64-bit extremes do not trap (UBSan) and stay in bounds */
	CHECK(ts_format(INT64_MIN, kl, out, sizeof(out)) < sizeof(out));
	CHECK(ts_format(INT64_MAX, kl, out, sizeof(out)) < sizeof(out));
	(void)tz_local_to_utc(kl, INT64_MIN);
	(void)tz_local_to_utc(kl, INT64_MAX);
	(void)tz_local_to_utc(fx, INT64_MIN);

	/* format then parse gives the instant back, in any zone */
	uint64_t seed = 0x9e3779b97f4a7c15u;
	long bad = 0;
	for (int i = 0; i < 5000; i++) {
		int64_t ms = (int64_t)(rng_next(&seed) % UINT64_C(315537897600000)) -
			     INT64_C(62135596800000); /* 0001 .. 9999 */
		const struct tz *z = i % 3 == 0 ? kl : i % 3 == 1 ? ny : fx;
		int64_t back;
		size_t n = ts_format(ms, z, out, sizeof(out));
		if (ts_parse(out, n, NULL, &back) || back != ms)
			bad++;
	}
	CHECK_EQ_INT(bad, 0);

	tz_free(kl);
	tz_free(lon);
	tz_free(ny);
	tz_free(fx);
	tz_free(utc);
}

/* ---- synthetic TZif files ---------------------------------------------- */

static void put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)(v >> 24),
			       (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	buf_add(b, c, 4);
}

struct tzif_spec {
	char version;           /* 0, '2', '3' */
	int ntrans;             /* transitions */
	const int64_t *at;      /* their UT seconds */
	const unsigned char *idx; /* their type indexes */
	int ntypes;             /* local time types */
	const int32_t *utoff;   /* their offsets */
	uint32_t leapcnt;       /* written as a count only */
	const char *footer;     /* TZ string, or NULL for no footer at all */
};

static void tzif_block(struct buf *b, const struct tzif_spec *s, int wide)
{
	unsigned char hdr[20] = { 'T', 'Z', 'i', 'f' };
	hdr[4] = (unsigned char)s->version;
	buf_add(b, hdr, 20);
	put32(b, 0);
	put32(b, 0);
	put32(b, s->leapcnt);
	put32(b, (uint32_t)s->ntrans);
	put32(b, (uint32_t)s->ntypes);
	put32(b, 4);
	for (int i = 0; i < s->ntrans; i++) {
		if (wide)
			put32(b, (uint32_t)((uint64_t)s->at[i] >> 32));
		put32(b, (uint32_t)s->at[i]);
	}
	buf_add(b, s->idx, (size_t)s->ntrans);
	for (int i = 0; i < s->ntypes; i++) {
		unsigned char tail[2] = { 0, 0 };
		put32(b, (uint32_t)s->utoff[i]);
		buf_add(b, tail, 2);
	}
	buf_add(b, "AAA", 4);
	for (uint32_t i = 0; i < s->leapcnt; i++) {
		put32(b, 0);
		if (wide)
			put32(b, 0);
		put32(b, 1);
	}
}

static void tzif_build(struct buf *b, const struct tzif_spec *s)
{
	buf_reset(b);
	tzif_block(b, s, 0);
	if (s->version) {
		tzif_block(b, s, 1);
		if (s->footer) {
			buf_addch(b, '\n');
			buf_adds(b, s->footer);
			buf_addch(b, '\n');
		}
	}
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

/* Write 'len' bytes as zone 'name' in 'dir' and try to load it. */
static int try_tzif(const char *dir, const char *name, const void *data,
		    size_t len, struct tz **out, struct diag *d)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_file(path, data, len))
		return -2;
	diag_clear(d);
	return tz_load(out, name, d);
}

/* The load of 'data' must fail with "corrupt time zone file '...': why". */
static void check_corrupt(const char *dir, const char *name,
			  const struct buf *data, const char *why, int line)
{
	struct diag d = DIAG_INIT;
	struct tz *tz = NULL;
	char want[600], what[200];
	int rc = try_tzif(dir, name, data->data, data->len, &tz, &d);

	snprintf(want, sizeof(want), "corrupt time zone file '%s/%s': %s", dir,
		 name, why);
	snprintf(what, sizeof(what), "TZif %s refused: %s", name, why);
	check_report(rc == -1 && !tz && !strcmp(buf_cstr(&d.msg), want),
		     __FILE__, line, what, "rc %d, message \"%s\"", rc,
		     buf_cstr(&d.msg));
	tz_free(tz);
	diag_release(&d);
}

static void test_tzif_files(void)
{
	static const int64_t at[] = { 1000000000, 1010000000 };
	static const unsigned char idx[] = { 1, 0 };
	static const int32_t utoff[] = { 3600, 7200 };
	const struct tzif_spec good = { '2', 2, at, idx, 2, utoff, 0,
					"<+01>-1" };
	struct buf b = BUF_INIT, raw = BUF_INIT;
	struct diag d = DIAG_INIT;
	struct tz *tz = NULL;
	char dir[300], path[400], want[600];
	const char *old = getenv("TZDIR");
	char *saved = old ? strdup(old) : NULL;

	snprintf(dir, sizeof(dir), "%s/zoneinfo", test_tmp_dir());
	snprintf(path, sizeof(path), "mkdir -p '%s/T'", dir);
	CHECK(system(path) == 0);
	setenv("TZDIR", dir, 1);

	/* a well-formed version 2 file: the offset steps at each transition */
	tzif_build(&b, &good);
	CHECK(try_tzif(dir, "T/good", b.data, b.len, &tz, &d) == 0);
	if (tz) {
		CHECK_EQ_STR(tz_name(tz), "T/good");
		check_offset(tz, INT64_C(999999999999), 3600, __LINE__);
		check_offset(tz, INT64_C(1000000000000), 7200, __LINE__);
		check_offset(tz, INT64_C(1009999999999), 7200, __LINE__);
		check_offset(tz, INT64_C(1010000000000), 3600, __LINE__);
		check_offset(tz, INT64_C(4000000000000), 3600, __LINE__);
		tz_free(tz);
		tz = NULL;
	}
	/* the same as version 1 (32-bit data only, no footer) */
	struct tzif_spec v1 = good;
	v1.version = 0;
	tzif_build(&b, &v1);
	CHECK(try_tzif(dir, "T/v1", b.data, b.len, &tz, &d) == 0);
	if (tz) {
		check_offset(tz, INT64_C(1005000000000), 7200, __LINE__);
		check_offset(tz, INT64_C(1010000000000), 3600, __LINE__);
		tz_free(tz);
		tz = NULL;
	}
	/*
	 * Footer rules alone (no transitions: they hold for every instant).
	 * Expected offsets worked out by hand from POSIX.1-2017 8.3.
	 */
	static const int32_t std_only[] = { 3600 };
	struct tzif_spec rule = { '3', 0, NULL, NULL, 1, std_only, 0, NULL };
	static const struct {
		const char *footer;
		int64_t utc;
		int32_t off;
	} rules[] = {
		/* CET: last Sunday of March 01:00Z .. last Sunday of Oct */
		{ "CET-1CEST,M3.5.0,M10.5.0/3", INT64_C(1743296399000), 3600 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", INT64_C(1743296400000), 7200 },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", INT64_C(-299000000000), 7200 },
		{ "<+08>-8", INT64_C(1735891200000), 28800 },
		/* a DST name alone: one hour ahead, US rules (tzcode) */
		{ "EST5EDT", INT64_C(1751328000000), -14400 },
		{ "EST5EDT", INT64_C(1735689600000), -18000 },
		/* southern hemisphere: DST spans the new year */
		{ "<-03>3<-02>,M10.1.0/0,M2.3.0/0", INT64_C(1735689600000), -7200 },
		{ "<-03>3<-02>,M10.1.0/0,M2.3.0/0", INT64_C(1751328000000), -10800 },
		/* daylight time all year (RFC 8536 3.3.1), across a new year */
		{ "EST5EDT,0/0,J365/25", INT64_C(1767225600000), -14400 },
		{ "EST5EDT,0/0,J365/25", INT64_C(1767240000000), -14400 },
		{ "EST5EDT,0/0,J365/25", INT64_C(1751328000000), -14400 },
		/* n counts Feb 29, Jn does not: day 59 is Feb 29 in 2024 */
		{ "XXX3YYY,59/2,300/2", INT64_C(1709182799000), -10800 },
		{ "XXX3YYY,59/2,300/2", INT64_C(1709182800000), -7200 },
		{ "XXX3YYY,59/2,300/2", INT64_C(1677646800000), -7200 },
		{ "XXX3YYY,59/2,300/2", INT64_C(1677646799000), -10800 },
		{ "XXX3YYY,J60/2,J300/2", INT64_C(1709182800000), -10800 },
		{ "XXX3YYY,J60/2,J300/2", INT64_C(1709269200000), -7200 },
		/* v3 negative and >24 h rule times, offsets with minutes */
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", INT64_C(1743296399000), -7200 },
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", INT64_C(1743296400000), -3600 },
		{ "<+0330>-3:30<+0430>,J79/24,J263/24", INT64_C(1625097600000), 16200 },
		{ "<+0330>-3:30<+0430>,J79/24,J263/24", INT64_C(1609459200000), 12600 },
	};
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "T/rule%zu", i);
		rule.footer = rules[i].footer;
		tzif_build(&b, &rule);
		if (try_tzif(dir, name, b.data, b.len, &tz, &d) == 0) {
			check_offset(tz, rules[i].utc, rules[i].off, __LINE__);
			tz_free(tz);
			tz = NULL;
		} else {
			check_report(0, __FILE__, __LINE__, rules[i].footer,
				     "%s", buf_cstr(&d.msg));
		}
	}
	/* a footer-only zone resolves gaps and overlaps like a table */
	rule.footer = "CET-1CEST,M3.5.0,M10.5.0/3";
	tzif_build(&b, &rule);
	if (try_tzif(dir, "T/cet", b.data, b.len, &tz, &d) == 0) {
		check_parse_ok(tz, "2025-03-30 02:30:00",
			       INT64_C(1743298200000), __LINE__);
		check_parse_ok(tz, "2025-10-26 02:30:00",
			       INT64_C(1761438600000), __LINE__);
		tz_free(tz);
		tz = NULL;
	}

	/* damaged files */
	struct tzif_spec s;
	tzif_build(&b, &good);
	buf_reset(&raw);
	buf_add(&raw, b.data, b.len);
	raw.data[2] = 'X';
	snprintf(want, sizeof(want), "unknown time zone 'T/magic': '%s/T/magic'"
		 " is not a TZif file", dir);
	tz = NULL;
	CHECK(try_tzif(dir, "T/magic", raw.data, raw.len, &tz, &d) == -1 &&
	      !tz);
	CHECK_EQ_STR(buf_cstr(&d.msg), want);
	snprintf(want, sizeof(want), "unknown time zone 'T/empty': '%s/T/empty'"
		 " is not a TZif file", dir);
	CHECK(try_tzif(dir, "T/empty", "", 0, &tz, &d) == -1 && !tz);
	CHECK_EQ_STR(buf_cstr(&d.msg), want);

	buf_reset(&raw);
	buf_add(&raw, b.data, 30);
	check_corrupt(dir, "T/short", &raw, "truncated header", __LINE__);
	buf_reset(&raw);
	buf_add(&raw, b.data, 60);
	check_corrupt(dir, "T/cut", &raw, "truncated data", __LINE__);
	buf_reset(&raw);
	buf_add(&raw, b.data, b.len - 1);
	check_corrupt(dir, "T/nofootend", &raw, "truncated footer", __LINE__);
	s = good;
	s.footer = NULL;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/nofooter", &raw, "missing footer", __LINE__);
	s = good;
	s.version = '1';
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/version", &raw, "unknown version", __LINE__);
	tzif_build(&raw, &good);
	raw.data[32] = raw.data[33] = raw.data[34] = raw.data[35] = 0xff;
	check_corrupt(dir, "T/hugecount", &raw, "truncated data", __LINE__);
	tzif_build(&raw, &good);
	raw.data[36 + 3] = 0;
	check_corrupt(dir, "T/notypes", &raw, "bad local time type count",
		      __LINE__);
	tzif_build(&raw, &good);
	raw.data[36 + 2] = 1; /* 258 types */
	check_corrupt(dir, "T/manytypes", &raw, "bad local time type count",
		      __LINE__);
	tzif_build(&raw, &good);
	raw.data[20 + 3] = 1; /* isutcnt 1, typecnt 2 */
	check_corrupt(dir, "T/indicators", &raw, "bad indicator count",
		      __LINE__);
	s = good;
	s.leapcnt = 1;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/leap", &raw, "leap seconds are not supported",
		      __LINE__);
	static const unsigned char bad_idx[] = { 1, 2 };
	s = good;
	s.idx = bad_idx;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/index", &raw, "bad local time type index",
		      __LINE__);
	static const int64_t down[] = { 1010000000, 1000000000 };
	s = good;
	s.at = down;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/order", &raw, "transition times not ascending",
		      __LINE__);
	static const int64_t same[] = { 1000000000, 1000000000 };
	s = good;
	s.at = same;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/same", &raw, "transition times not ascending",
		      __LINE__);
	static const int64_t far[] = { INT64_MIN, 0 };
	s = good;
	s.at = far;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/far", &raw, "transition time out of range",
		      __LINE__);
	static const int32_t wild[] = { 3600, 100000 };
	s = good;
	s.utoff = wild;
	tzif_build(&raw, &s);
	check_corrupt(dir, "T/offset", &raw, "UT offset out of range", __LINE__);
	static const char *const bad_footers[] = {
		"CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
		"CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M3.5.0", "CE-1",
		"CET", "CET-25", "CET-1CEST,J0,J365", "CET-1CEST,366,0",
		"CET-1CEST,M3.5.0/168,M10.5.0", "<+08-8", "<+8>-8",
		"CET-1CEST,M3.5.0,M10.5.0junk", "CET-1:60",
	};
	for (size_t i = 0; i < sizeof(bad_footers) / sizeof(bad_footers[0]);
	     i++) {
		char name[32];
		snprintf(name, sizeof(name), "T/footer%zu", i);
		s = good;
		s.footer = bad_footers[i];
		tzif_build(&raw, &s);
		check_corrupt(dir, name, &raw, "bad TZ string in footer",
			      __LINE__);
	}

	/* every proper prefix of a good file is refused, none crashes */
	long accepted = 0;
	tzif_build(&b, &good);
	for (size_t n = 0; n < b.len; n++) {
		if (try_tzif(dir, "T/prefix", b.data, n, &tz, &d) != -1)
			accepted++;
		tz_free(tz);
		tz = NULL;
	}
	CHECK_EQ_INT(accepted, 0);
	/* random damage: any outcome but a crash (ASan) or a bad table */
	uint64_t seed = 12345;
	long loaded = 0;
	for (int i = 0; i < 2000; i++) {
		buf_reset(&raw);
		buf_add(&raw, b.data, b.len);
		for (int k = 0; k < 3; k++)
			raw.data[rng_next(&seed) % raw.len] =
				(char)rng_next(&seed);
		if (try_tzif(dir, "T/fuzz", raw.data, raw.len, &tz, &d) == 0) {
			loaded++;
			(void)tz_offset_at(tz, INT64_C(1005000000000));
			(void)tz_local_to_utc(tz, INT64_C(1005000000000));
			tz_free(tz);
			tz = NULL;
		}
	}
	CHECK(loaded < 2000);

	/* too large to be a TZif file */
	buf_reset(&raw);
	buf_add(&raw, b.data, b.len);
	while (raw.len <= 256 * 1024)
		buf_add(&raw, b.data, b.len);
	snprintf(want, sizeof(want), "cannot read time zone file '%s/T/big': ",
		 dir);
	CHECK(try_tzif(dir, "T/big", raw.data, raw.len, &tz, &d) == -1);
	CHECK(!strncmp(buf_cstr(&d.msg), want, strlen(want)));

	if (saved) {
		setenv("TZDIR", saved, 1);
		free(saved);
	} else {
		unsetenv("TZDIR");
	}
	buf_release(&b);
	buf_release(&raw);
	diag_release(&d);
}

/* ---- differential check against glibc ---------------------------------- */

/*
 * 20000 instants between 1971 and 2037 per zone: tz_offset_at must agree
 * with glibc's localtime_r, and tz_local_to_utc must invert it (the result
 * is the instant, or an earlier one showing the same wall time).
 */
static void test_against_glibc(void)
{
	const char *zones[] = { "Europe/Berlin", "America/New_York" };
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	uint64_t seed = 0x2545f4914f6cdd1du;

	for (int z = 0; z < 2; z++) {
		struct tz *tz = load(zones[z], __LINE__);
		long bad_off = 0, bad_inv = 0;
		char what[120];

		if (!tz)
			continue;
		setenv("TZ", zones[z], 1);
		tzset();
		for (int i = 0; i < 20000; i++) {
			/* 1971-01-01 .. 2037-01-01 */
			time_t t = (time_t)(31536000 +
					    (int64_t)(rng_next(&seed) %
						      UINT64_C(2082758400)));
			struct tm tm;
			int64_t ms = (int64_t)t * 1000 +
				     (int64_t)(rng_next(&seed) % 1000);
			localtime_r(&t, &tm);
			int32_t off = tz_offset_at(tz, ms);
			if (off != tm.tm_gmtoff)
				bad_off++;
			int64_t local = ms + (int64_t)off * 1000;
			int64_t back = tz_local_to_utc(tz, local);
			if (back != ms &&
			    !(back < ms &&
			      back + (int64_t)tz_offset_at(tz, back) * 1000 ==
				      local))
				bad_inv++;
		}
		snprintf(what, sizeof(what),
			 "%s: tz_offset_at agrees with glibc 20000 times",
			 zones[z]);
		check_report(bad_off == 0, __FILE__, __LINE__, what,
			     "%ld mismatches", bad_off);
		snprintf(what, sizeof(what),
			 "%s: tz_local_to_utc inverts tz_offset_at", zones[z]);
		check_report(bad_inv == 0, __FILE__, __LINE__, what,
			     "%ld mismatches", bad_inv);
		tz_free(tz);
	}
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

/*
 * Spreadsheet dates (issue #12): unpadded fields, minutes without seconds,
 * the day-month order, and the refusal of a date that reads only in the
 * other order. Expected instants from Python's datetime:
 *   datetime(2020,2,10,22,41,tzinfo=timezone.utc).timestamp() * 1000
 */
static void check_order(const char *in, enum date_order o, int want_rc,
			int64_t want, int line)
{
	char what[200];
	int64_t got = -7;
	int us = -7;
	int rc = ts_parse_order(in, strlen(in), NULL, o, &got, &us);
	snprintf(what, sizeof(what), "ts_parse_order(\"%s\", %s) == %d, %" PRId64,
		 in, o == DATE_MDY ? "mdy" : "dmy", want_rc, want);
	check_report(rc == want_rc && (rc != 0 || got == want) &&
		     (rc == 0 || (got == -7 && us == -7)),
		     __FILE__, line, what, "rc %d, got %" PRId64, rc, got);
}

static void test_spreadsheet_dates(void)
{
	int64_t v;

	check_parse_ok(NULL, "2020/2/10 22:41", 1581374460000, __LINE__);
	check_parse_ok(NULL, "2015-1-13 9:05:00", 1421139900000, __LINE__);
	check_parse_ok(NULL, "2015-01-13 9:05:00", 1421139900000, __LINE__);
	check_parse_ok(NULL, "2015-1-13T09:05", 1421139900000, __LINE__);
	check_parse_ok(NULL, "2025-1-3 8:00", 1735891200000, __LINE__);
	check_parse_ok(NULL, "3/1/2025 8:00", 1735891200000, __LINE__);
	/* day first by default: 4/3 is 4 March */
	check_order("4/3/2025 8:00", DATE_DMY, 0, 1741075200000, __LINE__);
	check_order("4/3/2025 8:00", DATE_MDY, 0, 1743667200000, __LINE__);
	check_order("04.03.2025 08:00:00", DATE_MDY, 0, 1743667200000, __LINE__);
	check_order("12/25/2025 23:59:59", DATE_MDY, 0, 1766707199000, __LINE__);
	/* a month above 12 that the other order would read: -2, no value */
	check_order("12/25/2025 23:59:59", DATE_DMY, -2, 0, __LINE__);
	check_order("25/12/2025 23:59:59", DATE_MDY, -2, 0, __LINE__);
	check_order("12-25-2025", DATE_DMY, -2, 0, __LINE__);
	/* not a date in either order, or broken elsewhere: -1 */
	check_order("13/13/2025 08:00", DATE_DMY, -1, 0, __LINE__);
	check_order("12/25/2025 24:00", DATE_DMY, -1, 0, __LINE__);
	check_order("12/25/2025 8:00 junk", DATE_DMY, -1, 0, __LINE__);
	check_order("2/30/2025", DATE_MDY, -1, 0, __LINE__);
	check_order("30/2/2025", DATE_DMY, -1, 0, __LINE__);
	/* YYYY-first is y-m-d in either order */
	check_order("2025-12-25 23:59:59", DATE_DMY, 0, 1766707199000, __LINE__);
	check_order("2025-12-25 23:59:59", DATE_MDY, 0, 1766707199000, __LINE__);
	check_order("2025-25-12 23:59:59", DATE_DMY, -1, 0, __LINE__);
	/* ts_parse (day first) turns the conflict into a plain failure */
	check_parse_bad("12/25/2025 23:59:59", 19, __LINE__);
	CHECK(ts_parse_date_order("4/3/2025", 8, DATE_MDY, &v) == 0 &&
	      v == 20181);
	CHECK(ts_parse_date_order("4/3/2025", 8, DATE_DMY, &v) == 0 &&
	      v == 20151);
	v = -7;
	CHECK(ts_parse_date_order("3/25/2025", 9, DATE_DMY, &v) == -2 &&
	      v == -7);
	CHECK(ts_parse_date("3/25/2025", 9, &v) == -1);
}

TEST_SUITE(timeparse)
{
	test_spreadsheet_dates();
	test_calendar();
	test_parse_accepts();
	test_parse_rejects();
	test_parse_date_time();
	test_durations();
	test_zone_specs();
	test_dst();
	test_civil_format();
	test_tzif_files();
	test_against_glibc();
}
