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

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31). */
int64_t days_from_civil(int64_t y, int m, int d);
/* Inverse of days_from_civil. */
void civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* 1 when y-m-d is a real date (Feb 29 only in leap years, ...). */
int civil_valid(int64_t y, int m, int d);

/*
 * A time zone: "UTC", "Z", a fixed offset ("+08:00", "-0530", "+8"), or an
 * IANA name read from the TZif file under $TZDIR or /usr/share/zoneinfo
 * (version 1 and 2+ files; the POSIX rule in the footer covers instants after
 * the last transition). Owned: free with tz_free().
 */
struct tz;
/* Returns 0 and sets '*out', or -1 with a message in 'd'. */
int tz_load(struct tz **out, const char *spec, struct diag *d);
void tz_free(struct tz *tz);
/* The canonical name given to tz_load ("UTC" for NULL). Borrowed. */
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
 *   ISO 8601  2025-01-03T08:00:00[.fff][Z|+hh:mm|+hhmm|+hh], 'T' or ' '
 *             between date and time, seconds optional
 *   2025-01-03 08:00:00, 2025/01/03 08:00:00, 2025-01-03-08:00:00 (IPDR)
 *   DD/MM/YYYY HH:MM[:SS] (day first; also DD-MM-YYYY and DD.MM.YYYY)
 *   YYYYMMDDHHMMSS (14 digits), YYYYMMDD (8 digits, a date)
 *   a date alone (midnight)
 *   Unix seconds (9-11 digits, optional fraction) and milliseconds (12-13)
 * Leading and trailing blanks are ignored. A stamp without a zone is local
 * time in 'tz'. Impossible values (month 13, Feb 30, hour 24, minute 60)
 * fail. Returns 0 and sets '*out_ms', or -1.
 */
int ts_parse(const char *s, size_t len, const struct tz *tz, int64_t *out_ms);
/* A date alone (the date forms above): days since epoch. 0 or -1. */
int ts_parse_date(const char *s, size_t len, int64_t *out_days);
/* A time of day alone, "HH:MM[:SS[.fff]]" or "HHMMSS": ms since midnight. */
int ts_parse_time(const char *s, size_t len, int64_t *out_ms);

/*
 * A duration: seconds ("93", "93.5"), "HH:MM:SS", "MM:SS" or "H:MM:SS" with
 * hours of any size. Negative values fail. Returns 0 and sets '*out_ms'.
 */
int dur_parse(const char *s, size_t len, int64_t *out_ms);

/*
 * Write 'ms' as ISO 8601 in zone 'tz' into 'out' (at least 32 bytes):
 * "2025-01-03T08:00:00Z" for UTC, "2025-01-03T16:00:00+08:00" otherwise,
 * with ".fff" only when the milliseconds are not zero. Returns the length.
 */
size_t ts_format(int64_t ms, const struct tz *tz, char *out, size_t outlen);

/* Civil fields of instant 'ms' seen in 'tz'. dow: 1=Monday .. 7=Sunday. */
struct civil {
	int64_t year;
	int month, day, hour, minute, second, msec, dow;
	int32_t offset; /* seconds east of UTC */
};
void ts_civil(int64_t ms, const struct tz *tz, struct civil *out);

#endif
