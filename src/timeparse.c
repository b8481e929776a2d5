/*
 * timeparse.c - civil-calendar arithmetic, the timestamp, time-of-day and
 * duration parsers, and ISO 8601 formatting of timeparse.h. Zones live in
 * tz.c. Nothing here allocates, reads TZ or the locale, or calls the C
 * library's time functions: ts_parse runs once per row of billions, so its
 * digits are read by hand (no sscanf, no strtol).
 */

/*
 * The calendar is the proleptic Gregorian one, counted in days from
 * 1970-01-01 (day 0). days_from_civil and civil_from_days follow the method
 * of Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (http://howardhinnant.github.io/date_algorithms.html): shift the year to
 * start on March 1, so that February 29 is the last day of its year, and cut
 * time into 400-year eras of exactly 146097 days:
 *
 *   era 0 = 0000-03-01 .. 0400-02-29, era 1 = 0400-03-01 .. 0800-02-29, ...
 *   day of year (March = 0): doy = (153 * mp + 2) / 5 + d - 1,
 *   mp = month index from March (Mar 0 .. Feb 11); 153 days per 5 months.
 *   day of era: doe = 365 * yoe + yoe / 4 - yoe / 100 + doy
 *
 * 1970-01-01 is day 719468 after 0000-03-01, and a Thursday.
 */
#include "timeparse.h"

#include <string.h>

#include "banned.h"

#define MS_PER_DAY INT64_C(86400000)
#define MAX_ZONE_MINUTES (18 * 60) /* largest |offset| in a stamp: +18:00 */

int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                                   /* 0..399 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;                        /* 0..146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
	int64_t mp = (5 * doy + 2) / 153;                      /* 0..11 */

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int civil_valid(int64_t y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * Validate y-m-d for a four-digit year 'y' (0..9999) and set '*days'. The
 * parsers use this rather than civil_valid + days_from_civil (a fifth of
 * ts_parse's time in a profile): for years this small the day count from
 * 0001-01-01 fits unsigned 32-bit arithmetic with no sign handling. 'y' is
 * moved 400 years on (a whole cycle, so leap years stay leap years) to keep
 * year 0 positive; 865259 is the count for 2370-01-01, that is 1970-01-01
 * moved likewise.
 */
static inline int small_ymd_days(unsigned y, unsigned m, unsigned d,
				 int64_t *days)
{
	static const unsigned short before[13] = { 0,   31,  59,  90,  120,
						   151, 181, 212, 243, 273,
						   304, 334, 365 };
	unsigned leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	unsigned yy = y + 399;

	if (m - 1 > 11 ||
	    d - 1 >= before[m] - before[m - 1] + (unsigned)(m == 2 && leap))
		return -1;
	*days = (int64_t)(365 * yy + yy / 4 - yy / 100 + yy / 400 +
			  before[m - 1] + (m > 2 && leap) + d - 1) -
		865259;
	return 0;
}

/* ---- scanning ---------------------------------------------------------- */

/*
 * A cursor over one field: 'p' is the next byte, 'e' the end. The helpers
 * return 0 and advance 'p', or -1 and leave the field rejected (callers stop
 * at the first failure, so 'p' is then unspecified).
 */
struct scan {
	const char *p; /* next byte */
	const char *e; /* one past the last byte */
	int us;        /* microseconds past the ms of the last fraction read */
	int mdy;       /* 1: the short date forms are month first */
	int order_conflict; /* the short date was read in the other order
			       (its month field is above 12): the stamp
			       fails with -2 if the rest of it parses */
};

static inline unsigned digit_at(const struct scan *sc, size_t i)
{
	return sc->p + i < sc->e ? (unsigned)(unsigned char)sc->p[i] - '0' : 10;
}

static inline int peek(const struct scan *sc, char c)
{
	return sc->p < sc->e && *sc->p == c;
}

/* Exactly 'n' digits (n <= 9). */
static inline int scan_fixed(struct scan *sc, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		unsigned dg = digit_at(sc, (size_t)i);
		if (dg > 9)
			return -1;
		v = v * 10 + (int)dg;
	}
	sc->p += n;
	*out = v;
	return 0;
}

/* 'n' digits already known to be there. */
static inline int take_known(struct scan *sc, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (int)digit_at(sc, (size_t)i);
	sc->p += n;
	return v;
}

/* One or two digits. */
static inline int scan_1or2(struct scan *sc, int *out)
{
	unsigned d0 = digit_at(sc, 0), d1 = digit_at(sc, 1);
	if (d0 > 9)
		return -1;
	if (d1 > 9) {
		sc->p += 1;
		*out = (int)d0;
	} else {
		sc->p += 2;
		*out = (int)(d0 * 10 + d1);
	}
	return 0;
}

/* The number of digits from 'p' on, at most 'max'. */
static inline size_t count_digits(const struct scan *sc, size_t max)
{
	size_t n = 0;
	while (n < max && digit_at(sc, n) <= 9)
		n++;
	return n;
}

/*
 * frac -> ('.' | ',') digit{1,9}          (only '.' when 'comma' is 0)
 * Adds the milliseconds (truncated, not rounded) to '*ms' and keeps the
 * next three digits, the microseconds past them, in 'sc->us'. Nothing to
 * read is success.
 */
static inline int scan_frac(struct scan *sc, int comma, int64_t *ms)
{
	size_t n;
	int v = 0;

	if (!(peek(sc, '.') || (comma && peek(sc, ','))))
		return 0;
	sc->p++;
	n = count_digits(sc, 10);
	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < 3; i++)
		v = v * 10 + (int)(i < n ? digit_at(sc, i) : 0);
	sc->us = 0;
	for (size_t i = 3; i < 6; i++)
		sc->us = sc->us * 10 + (int)(i < n ? digit_at(sc, i) : 0);
	sc->p += n;
	*ms += v;
	return 0;
}

static inline void trim_blanks(struct scan *sc)
{
	while (sc->p < sc->e && (*sc->p == ' ' || *sc->p == '\t'))
		sc->p++;
	while (sc->e > sc->p && (sc->e[-1] == ' ' || sc->e[-1] == '\t'))
		sc->e--;
}

/*
 * clock -> h[h] ':' mm [':' ss [frac]]
 * Sets '*ms' to milliseconds since midnight; hour 0..23, minute and second
 * 0..59 (no leap second).
 */
static inline int scan_clock(struct scan *sc, int64_t *ms)
{
	int h, mi, s = 0, has_s = 0;

	if (scan_1or2(sc, &h) || !peek(sc, ':'))
		return -1;
	sc->p++;
	if (scan_fixed(sc, 2, &mi))
		return -1;
	if (peek(sc, ':')) {
		sc->p++;
		if (scan_fixed(sc, 2, &s))
			return -1;
		has_s = 1;
	}
	if (h > 23 || mi > 59 || s > 59)
		return -1;
	*ms = ((int64_t)h * 3600 + mi * 60 + s) * 1000;
	return has_s ? scan_frac(sc, 1, ms) : 0;
}

/*
 * offset -> ('+' | '-') hh [':' mm [':' ss] | mm]     (at most 18:00)
 * The seconds are there so that ts_format's output for historical offsets
 * ("+06:46:46", local mean time) parses back.
 */
static inline int scan_offset(struct scan *sc, int32_t *off)
{
	int neg = *sc->p == '-', h, m = 0, s = 0;

	sc->p++;
	if (scan_fixed(sc, 2, &h))
		return -1;
	if (peek(sc, ':')) {
		sc->p++;
		if (scan_fixed(sc, 2, &m))
			return -1;
		if (peek(sc, ':')) {
			sc->p++;
			if (scan_fixed(sc, 2, &s) || s > 59)
				return -1;
		}
	} else if (digit_at(sc, 0) <= 9 && scan_fixed(sc, 2, &m)) {
		return -1;
	}
	if (m > 59 || (h * 60 + m) * 60 + s > MAX_ZONE_MINUTES * 60)
		return -1;
	*off = (int32_t)((h * 60 + m) * 60 + s) * (neg ? -1 : 1);
	return 0;
}

/*
 * zone -> 'Z' | 'z' | [' '] offset | ' UTC' | ' GMT'
 * Sets '*has' to 1 and '*off' (seconds east) when a zone is present. Must
 * end the field.
 */
static inline int scan_zone(struct scan *sc, int *has, int32_t *off)
{
	if (sc->p == sc->e)
		return 0;
	*has = 1;
	*off = 0;
	if (*sc->p == 'Z' || *sc->p == 'z') {
		sc->p++;
	} else {
		if (*sc->p == ' ') {
			sc->p++;
			if (sc->e - sc->p == 3 && (!memcmp(sc->p, "UTC", 3) ||
						   !memcmp(sc->p, "GMT", 3))) {
				sc->p += 3;
				return 0;
			}
		}
		if (!(peek(sc, '+') || peek(sc, '-')) || scan_offset(sc, off))
			return -1;
	}
	return sc->p == sc->e ? 0 : -1;
}

/*
 * Local milliseconds to an instant: with an explicit zone 'off', else as
 * local time in 'tz'.
 */
static inline int64_t settle(int64_t local_ms, int has_zone, int32_t off,
			     const struct tz *tz)
{
	if (has_zone)
		return local_ms - (int64_t)off * 1000;
	return tz ? tz_local_to_utc(tz, local_ms) : local_ms;
}

/*
 * Dates. ymd -> yyyy sep m[m] sep d[d]    (sep '-' or '/', the same twice)
 *        dmy -> d[d] sep m[m] sep yyyy    (sep '/', '-' or '.', the same;
 *                                         m[m] sep d[d] sep yyyy when
 *                                         sc->mdy)
 * Set '*days' and '*sep'. A short date whose month field is above 12 while
 * the other order gives a real date is read in that order only to see
 * whether the rest of the stamp parses: sc->order_conflict is set and the
 * stamp fails (-2), never takes that value.
 */
static inline int scan_ymd(struct scan *sc, int64_t *days, char *sep)
{
	int y, m, d;

	if (scan_fixed(sc, 4, &y) || sc->p >= sc->e)
		return -1;
	*sep = *sc->p++;
	if ((*sep != '-' && *sep != '/') || scan_1or2(sc, &m) ||
	    !peek(sc, *sep))
		return -1;
	sc->p++;
	if (scan_1or2(sc, &d))
		return -1;
	return small_ymd_days((unsigned)y, (unsigned)m, (unsigned)d, days);
}

static inline int scan_dmy(struct scan *sc, int64_t *days)
{
	int y, a, b, m, d;
	char sep;

	if (scan_1or2(sc, &a) || sc->p >= sc->e)
		return -1;
	sep = *sc->p++;
	if ((sep != '/' && sep != '-' && sep != '.') || scan_1or2(sc, &b) ||
	    !peek(sc, sep))
		return -1;
	sc->p++;
	if (scan_fixed(sc, 4, &y))
		return -1;
	d = sc->mdy ? b : a;
	m = sc->mdy ? a : b;
	if (m > 12 && d >= 1 && d <= 12) {
		int t = m;
		m = d;
		d = t;
		sc->order_conflict = 1;
	}
	return small_ymd_days((unsigned)y, (unsigned)m, (unsigned)d, days);
}

/* yyyymmdd, already known to be 8 digits. */
static int scan_ymd8(struct scan *sc, int64_t *days)
{
	int y = take_known(sc, 4), m = take_known(sc, 2), d = take_known(sc, 2);
	return small_ymd_days((unsigned)y, (unsigned)m, (unsigned)d, days);
}

/* Digits from 'p' as an int64; the caller bounds the count (<= 18). */
static inline int64_t digits_value(const struct scan *sc, size_t n)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + digit_at(sc, i);
	return v;
}

/*
 * The common layout "YYYY-MM-DD HH:MM:SS" (or with 'T') read at fixed
 * positions of 'p' (at least 19 bytes): 1 and '*days', '*tod' (ms since
 * midnight) when it matches and is a valid time, else 0 and the general
 * grammar below decides. With small_ymd_days this took "2025-01-03
 * 08:00:00" with a fixed offset from 21 to 12.5 ns per call (gcc -O2).
 */
static inline int iso_fast(const char *p, int64_t *days, int64_t *tod)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned y0 = u[0] - '0', y1 = u[1] - '0', y2 = u[2] - '0',
		 y3 = u[3] - '0', mo0 = u[5] - '0', mo1 = u[6] - '0',
		 d0 = u[8] - '0', d1 = u[9] - '0', h0 = u[11] - '0',
		 h1 = u[12] - '0', mi0 = u[14] - '0', mi1 = u[15] - '0',
		 s0 = u[17] - '0', s1 = u[18] - '0';
	unsigned h, mi, se;

	if (u[4] != '-' || u[7] != '-' || (u[10] != ' ' && u[10] != 'T') ||
	    u[13] != ':' || u[16] != ':')
		return 0;
	if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || mo0 > 9 || mo1 > 9 ||
	    d0 > 9 || d1 > 9 || h0 > 9 || h1 > 9 || mi0 > 9 || mi1 > 9 ||
	    s0 > 9 || s1 > 9)
		return 0;
	h = h0 * 10 + h1;
	mi = mi0 * 10 + mi1;
	se = s0 * 10 + s1;
	if (h > 23 || mi > 59 || se > 59 ||
	    small_ymd_days(y0 * 1000 + y1 * 100 + y2 * 10 + y3,
			   mo0 * 10 + mo1, d0 * 10 + d1, days))
		return 0;
	*tod = (int64_t)(h * 3600 + mi * 60 + se) * 1000;
	return 1;
}

/*
 * stamp -> ymd [dtsep clock] [zone]          dtsep: 'T' 't' ' ', or '-'
 *                                            after a '-' date (IPDR)
 *        | dmy [' ' clock] [zone]
 *        | yyyymmdd                          8 digits: a date
 *        | yyyymmddhhmmss [frac] [zone]      14 digits
 *        | unix_s [frac]                     9-11 digits, seconds (UT)
 *        | unix_ms                           12-13 digits (UT)
 * A zone only follows a time of day.
 */
int ts_parse(const char *s, size_t len, const struct tz *tz, int64_t *out_ms)
{
	return ts_parse_us(s, len, tz, out_ms, NULL);
}

int ts_parse_us(const char *s, size_t len, const struct tz *tz,
		int64_t *out_ms, int *out_us)
{
	int rc = ts_parse_order(s, len, tz, DATE_DMY, out_ms, out_us);
	return rc < 0 ? -1 : 0;
}

int ts_parse_order(const char *s, size_t len, const struct tz *tz,
		   enum date_order order, int64_t *out_ms, int *out_us)
{
	struct scan sc = { s, s + len, 0, order == DATE_MDY, 0 };
	int64_t days, tod = 0;
	size_t n;
	int has_zone = 0;
	int32_t off = 0;
	char sep = 0;

	trim_blanks(&sc);
	if (sc.e - sc.p >= 19 && iso_fast(sc.p, &days, &tod)) {
		sc.p += 19;
		if (sc.p < sc.e && (scan_frac(&sc, 1, &tod) ||
				    scan_zone(&sc, &has_zone, &off)))
			return -1;
		*out_ms = settle(days * MS_PER_DAY + tod, has_zone, off, tz);
		if (out_us)
			*out_us = sc.us;
		return 0;
	}
	n = count_digits(&sc, 15);
	if (n == 4 && sc.p + 4 < sc.e) {
		if (scan_ymd(&sc, &days, &sep))
			return -1;
		if (sc.p < sc.e) {
			char c = *sc.p++;
			if (!(c == 'T' || c == 't' || c == ' ' ||
			      (c == '-' && sep == '-')) ||
			    scan_clock(&sc, &tod) ||
			    scan_zone(&sc, &has_zone, &off))
				return -1;
		}
	} else if ((n == 1 || n == 2) && sc.p + n < sc.e) {
		if (scan_dmy(&sc, &days))
			return -1;
		if (sc.p < sc.e) {
			if (*sc.p++ != ' ' || scan_clock(&sc, &tod) ||
			    scan_zone(&sc, &has_zone, &off))
				return -1;
		}
	} else if (n == 8 && sc.p + 8 == sc.e) {
		if (scan_ymd8(&sc, &days))
			return -1;
	} else if (n == 14) {
		int h, mi, se;
		if (scan_ymd8(&sc, &days))
			return -1;
		h = take_known(&sc, 2);
		mi = take_known(&sc, 2);
		se = take_known(&sc, 2);
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		tod = ((int64_t)h * 3600 + mi * 60 + se) * 1000;
		if (scan_frac(&sc, 0, &tod) || scan_zone(&sc, &has_zone, &off))
			return -1;
	} else if (n >= 9 && n <= 11) {
		int64_t ms = digits_value(&sc, n) * 1000;
		sc.p += n;
		if (scan_frac(&sc, 0, &ms) || sc.p != sc.e)
			return -1;
		*out_ms = ms;
		if (out_us)
			*out_us = sc.us;
		return 0;
	} else if ((n == 12 || n == 13) && sc.p + n == sc.e) {
		*out_ms = digits_value(&sc, n);
		if (out_us)
			*out_us = 0;
		return 0;
	} else {
		return -1;
	}
	if (sc.order_conflict)
		return -2;
	*out_ms = settle(days * MS_PER_DAY + tod, has_zone, off, tz);
	if (out_us)
		*out_us = sc.us;
	return 0;
}

/*
 * date -> ymd | dmy | yyyymmdd          (see ts_parse)
 */
int ts_parse_date(const char *s, size_t len, int64_t *out_days)
{
	return ts_parse_date_order(s, len, DATE_DMY, out_days) < 0 ? -1 : 0;
}

int ts_parse_date_order(const char *s, size_t len, enum date_order order,
			int64_t *out_days)
{
	struct scan sc = { s, s + len, 0, order == DATE_MDY, 0 };
	size_t n;
	int64_t days;
	char sep;

	trim_blanks(&sc);
	n = count_digits(&sc, 9);
	if (n == 4) {
		if (scan_ymd(&sc, &days, &sep))
			return -1;
	} else if (n == 1 || n == 2) {
		if (scan_dmy(&sc, &days))
			return -1;
	} else if (n == 8) {
		if (scan_ymd8(&sc, &days))
			return -1;
	} else {
		return -1;
	}
	if (sc.p != sc.e)
		return -1;
	if (sc.order_conflict)
		return -2;
	*out_days = days;
	return 0;
}

/*
 * time -> clock | hhmmss                (clock as in ts_parse)
 */
int ts_parse_time(const char *s, size_t len, int64_t *out_ms)
{
	return ts_parse_time_us(s, len, out_ms, NULL);
}

int ts_parse_time_us(const char *s, size_t len, int64_t *out_ms, int *out_us)
{
	struct scan sc = { s, s + len, 0, 0, 0 };
	if (out_us)
		*out_us = 0;
	int64_t ms;

	trim_blanks(&sc);
	if (count_digits(&sc, 7) == 6 && sc.p + 6 == sc.e) {
		int h = take_known(&sc, 2), mi = take_known(&sc, 2),
		    se = take_known(&sc, 2);
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		*out_ms = ((int64_t)h * 3600 + mi * 60 + se) * 1000;
		return 0;
	}
	if (scan_clock(&sc, &ms) || sc.p != sc.e)
		return -1;
	*out_ms = ms;
	if (out_us)
		*out_us = sc.us;
	return 0;
}

/*
 * Digits from 'p' as an unsigned count, at least one; fails on overflow past
 * 'max'.
 */
static int scan_count(struct scan *sc, int64_t max, int64_t *out)
{
	int64_t v = 0;
	const char *start = sc->p;
	unsigned dg;

	while ((dg = digit_at(sc, 0)) <= 9) {
		if (v > (max - (int64_t)dg) / 10)
			return -1;
		v = v * 10 + dg;
		sc->p++;
	}
	if (sc->p == start)
		return -1;
	*out = v;
	return 0;
}

/*
 * duration -> secs [frac]                     seconds: "93", "93.5"
 *           | mins ':' ss [frac]              "2:03", "90:00"
 *           | hours ':' mm ':' ss [frac]      "01:02:03", "100:00:00"
 * secs, mins and hours are any number of digits; mm and ss exactly two and
 * below 60; frac is '.' and 1-9 digits, truncated to microseconds. The
 * total must fit in int64 microseconds.
 */
int dur_parse(const char *s, size_t len, int64_t *out_us)
{
	const int64_t max_s = INT64_MAX / 1000000 - 1; /* room for the fraction */
	struct scan sc = { s, s + len, 0, 0, 0 };
	int64_t first, total, ms = 0;
	int mid, last;

	trim_blanks(&sc);
	if (scan_count(&sc, max_s, &first))
		return -1;
	total = first;
	if (peek(&sc, ':')) {
		sc.p++;
		if (scan_fixed(&sc, 2, &mid) || mid > 59)
			return -1;
		if (peek(&sc, ':')) {
			sc.p++;
			if (scan_fixed(&sc, 2, &last) || last > 59 ||
			    first > (max_s - mid * 60 - last) / 3600)
				return -1;
			total = first * 3600 + mid * 60 + last;
		} else {
			if (first > (max_s - mid) / 60)
				return -1;
			total = first * 60 + mid;
		}
	}
	if (scan_frac(&sc, 0, &ms) || sc.p != sc.e)
		return -1;
	*out_us = (total * 1000 + ms) * 1000 + sc.us;
	return 0;
}

/* ---- output ------------------------------------------------------------ */

void ts_civil(int64_t ms, const struct tz *tz, struct civil *out)
{
	int32_t off = tz_offset_at(tz, ms);
	int64_t local, days, rem;

	if (__builtin_add_overflow(ms, (int64_t)off * 1000, &local))
		local = off > 0 ? INT64_MAX : INT64_MIN;
	days = local / MS_PER_DAY;
	rem = local % MS_PER_DAY;
	if (rem < 0) { /* floor, without days * MS_PER_DAY overflowing */
		rem += MS_PER_DAY;
		days--;
	}
	civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(rem / 3600000);
	out->minute = (int)(rem / 60000 % 60);
	out->second = (int)(rem / 1000 % 60);
	out->msec = (int)(rem % 1000);
	out->dow = (int)((days % 7 + 7 + 3) % 7) + 1; /* 1970-01-01: Thursday */
	out->offset = off;
}

static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Decimal digits of 'v' (>= 0), at least 'width' of them. */
static char *put_uint(char *p, uint64_t v, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

size_t ts_format(int64_t ms, const struct tz *tz, char *out, size_t outlen)
{
	struct civil c;
	char tmp[64], *p = tmp;
	size_t n;

	ts_civil(ms, tz, &c);
	if (c.year < 0 || c.year > 9999) {
		*p++ = c.year < 0 ? '-' : '+';
		p = put_uint(p, c.year < 0 ? 0 - (uint64_t)c.year :
					     (uint64_t)c.year, 4);
	} else {
		p = put_uint(p, (uint64_t)c.year, 4);
	}
	*p++ = '-';
	p = put2(p, c.month);
	*p++ = '-';
	p = put2(p, c.day);
	*p++ = 'T';
	p = put2(p, c.hour);
	*p++ = ':';
	p = put2(p, c.minute);
	*p++ = ':';
	p = put2(p, c.second);
	if (c.msec) {
		*p++ = '.';
		p = put_uint(p, (uint64_t)c.msec, 3);
	}
	if (!tz || !strcmp(tz_name(tz), "UTC")) {
		*p++ = 'Z';
	} else {
		int32_t a = c.offset < 0 ? -c.offset : c.offset;
		*p++ = c.offset < 0 ? '-' : '+';
		p = put2(p, a / 3600);
		*p++ = ':';
		p = put2(p, a / 60 % 60);
		if (a % 60) {
			*p++ = ':';
			p = put2(p, a % 60);
		}
	}
	n = (size_t)(p - tmp);
	if (!outlen)
		return 0;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, tmp, n);
	out[n] = '\0';
	return n;
}
