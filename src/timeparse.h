/*
 * timeparse.h - timestamps, durations and time zones, without touching the
 * process's TZ, localtime or setlocale (STYLE rule 21).
 * Instants are int64 milliseconds since 1970-01-01T00:00:00Z. Civil dates use
 * the proleptic Gregorian calendar. A struct tz is immutable once loaded and
 * may be shared by threads.
 */
#ifndef CDRSIFT_TIMEPARSE_H
#define CDRSIFT_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

struct diag;

/*
 * Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31; not
 * validated: see civil_valid). Exact for |y| below 10^12.
 */
int64_t days_from_civil(int64_t y, int m, int d);
/* Inverse of days_from_civil. */
void civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* 1 when y-m-d is a real date (Feb 29 only in leap years, ...). */
int civil_valid(int64_t y, int m, int d);

/*
 * A time zone. 'spec' is one of:
 *   "UTC", "Z" or "GMT" (any case; also "UTC+0", "GMT-00:00"): the UTC zone
 *   a fixed offset: "+08:00", "-05:30", "+0800", "+08", "+8", "+5:30"
 *       (at most 18:00; "+00:00" is the UTC zone)
 *   an IANA name ("Asia/Kuala_Lumpur") read from the TZif file under $TZDIR
 *       or /usr/share/zoneinfo: version 1 and 2+ files, with the POSIX TZ
 *       rule of the footer for instants after the last transition. Names
 *       are [A-Za-z0-9._+-/] without ".." or a leading '/'; leap-second
 *       ("right/") files and damaged files are refused.
 * "UTC+8" and "GMT-5" are refused as ambiguous: people mean east of UTC,
 * POSIX TZ (and IANA's Etc/GMT+8) mean west; the message suggests both
 * offsets. Owned: free with tz_free().
 */
struct tz;
/* Returns 0 and sets '*out', or -1 with a message in 'd'. */
int tz_load(struct tz **out, const char *spec, struct diag *d);
void tz_free(struct tz *tz);
/*
 * The canonical name of 'tz': "UTC" for the UTC zone and NULL, "+08:00" for
 * fixed offsets, the IANA name as given. Borrowed, valid until tz_free().
 */
const char *tz_name(const struct tz *tz);
/* Seconds east of UTC in force at instant 'utc_ms'. NULL tz means UTC. */
int32_t tz_offset_at(const struct tz *tz, int64_t utc_ms);
/*
 * The instant at which local wall time 'local_ms' (milliseconds of the
 * local civil time counted as if it were UTC) occurs. In a gap (spring
 * forward) the offset before the gap is used; in an overlap (fall back) the
 * earlier instant is chosen. NULL tz means UTC.
 */
int64_t tz_local_to_utc(const struct tz *tz, int64_t local_ms);

/*
 * Parse one timestamp field of 'len' bytes. Accepted forms (DESIGN section 2):
 *   ISO 8601  2025-01-03T08:00:00[.fff][zone], with 'T', 't' or ' ' between
 *             date and time; seconds optional; a fraction (1-9 digits, '.'
 *             or ',', truncated to ms) only after seconds
 *   2025/01/03 08:00:00, and 2025-01-03-08:00:00 (IPDR)
 *   DD/MM/YYYY HH:MM[:SS[.fff]][zone] (day first; also DD-MM-YYYY and
 *             DD.MM.YYYY; day and month 1 or 2 digits)
 *   YYYYMMDDHHMMSS[.fff][zone] (14 digits), YYYYMMDD (8 digits, a date)
 *   a date alone (midnight local time)
 *   Unix seconds (9-11 digits, optional '.' fraction) and milliseconds
 *             (12-13 digits), always UTC
 * zone: 'Z', 'z', +hh:mm, +hhmm or +hh (at most 18:00; also +hh:mm:ss, as
 * ts_format writes for local mean time), optionally after one space, or
 * " UTC" / " GMT". Hours, months and days take 1 or 2 digits (as
 * spreadsheets write "2020/2/10 22:41"), every other field its exact
 * count.
 * Leading and trailing blanks (space, tab) are ignored; anything else left
 * over fails. A stamp without a zone is local time in 'tz' (NULL: UTC),
 * resolved as tz_local_to_utc does. Impossible values (month 13, day 0,
 * Feb 29 in 2025, hour 24, minute or second 60) fail. Returns 0 and sets
 * '*out_ms', or -1. Allocates nothing; safe to call from many threads.
 */
int ts_parse(const char *s, size_t len, const struct tz *tz, int64_t *out_ms);
/*
 * ts_parse, and in '*out_us' (when not NULL) the microseconds past the
 * millisecond that the fraction also gave (0..999; 0 without one):
 * timestamps are kept in ms, but a duration derived from end - start is
 * exact to the microsecond (schema.c).
 */
int ts_parse_us(const char *s, size_t len, const struct tz *tz,
		int64_t *out_ms, int *out_us);

/*
 * The order of day and month in the short date forms (DD/MM/YYYY and its
 * '-' and '.' spellings): day first (DESIGN section 2, the default) or
 * month first (--date-order mdy). YYYY-first dates are always y-m-d.
 */
enum date_order { DATE_DMY = 0, DATE_MDY = 1 };
/*
 * ts_parse_us with the short dates read in 'order' (ts_parse and
 * ts_parse_us read them day first). Returns 0, -1 when the field is not a
 * timestamp, or -2 when it would be one only in the other order (its
 * month field is above 12 and its day field a month): the value is never
 * re-read that way, the caller rejects it and names the option. Nothing
 * is written to the outputs on failure. Allocates nothing; thread-safe.
 */
int ts_parse_order(const char *s, size_t len, const struct tz *tz,
		   enum date_order order, int64_t *out_ms, int *out_us);
/*
 * A date alone (YYYY-MM-DD, YYYY/MM/DD, the day-first forms, YYYYMMDD):
 * days since 1970-01-01. 0 or -1.
 */
int ts_parse_date(const char *s, size_t len, int64_t *out_days);
/* ts_parse_date in 'order': 0, -1, or -2 as ts_parse_order says. */
int ts_parse_date_order(const char *s, size_t len, enum date_order order,
			int64_t *out_days);
/*
 * A time of day alone, "H[H]:MM[:SS[.fff]]" or "HHMMSS": ms since midnight.
 * 0 or -1. ts_parse_time_us also sets '*out_us' (when not NULL) to the
 * microseconds past the ms, as ts_parse_us does.
 */
int ts_parse_time(const char *s, size_t len, int64_t *out_ms);
int ts_parse_time_us(const char *s, size_t len, int64_t *out_ms, int *out_us);

/*
 * A duration: seconds ("93", "93.5"), "MM:SS" ("2:03", "90:00") or
 * "H:MM:SS" ("01:02:03", "100:00:00"). The leading unit takes any number of
 * digits; the others exactly two and below 60. A '.' fraction of 1-9 digits
 * is truncated to microseconds. Negative, empty and overflowing values
 * fail. Returns 0 and sets '*out_us' (microseconds), or -1.
 */
int dur_parse(const char *s, size_t len, int64_t *out_us);

/*
 * Write 'ms' as ISO 8601 in zone 'tz' into 'out' (32 bytes are enough for
 * years 0-9999): "2025-01-03T08:00:00Z" for the UTC zone (NULL or named
 * "UTC"), "2025-01-03T16:00:00+08:00" otherwise ("+00:00" for an IANA zone
 * at offset 0; "+hh:mm:ss" for historical offsets with seconds), with ".fff"
 * only when the milliseconds are not zero. Years outside 0-9999 get a sign
 * ("-0001", "+10000"). The output is cut to 'outlen' - 1 bytes and always
 * NUL-terminated (when 'outlen' > 0). Returns the length written.
 */
size_t ts_format(int64_t ms, const struct tz *tz, char *out, size_t outlen);

/* Civil fields of instant 'ms' seen in 'tz'. dow: 1=Monday .. 7=Sunday. */
struct civil {
	int64_t year;   /* proleptic Gregorian; 0 is 1 BC */
	int month;      /* 1..12 */
	int day;        /* 1..31 */
	int hour;       /* 0..23 */
	int minute;     /* 0..59 */
	int second;     /* 0..59 */
	int msec;       /* 0..999 */
	int dow;        /* 1 = Monday .. 7 = Sunday (ISO 8601) */
	int32_t offset; /* seconds east of UTC in force at the instant */
};
void ts_civil(int64_t ms, const struct tz *tz, struct civil *out);

#endif
