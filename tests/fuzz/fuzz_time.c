/*
 * fuzz_time.c - timestamps, dates, times of day, durations and zones.
 *
 * Bytes that start with "TZif" are a zone file: they are written to a
 * memfd and loaded by name with TZDIR=/proc/self/fd, the way --tz reads
 * /usr/share/zoneinfo, and the loaded zone is then probed across the whole
 * time line (offsets within 26 hours, local-to-UT conversion consistent).
 * Any other bytes are one field given to ts_parse (in UTC, +08:00 and an
 * IANA zone with DST), ts_parse_date, ts_parse_time and dur_parse, and, when
 * short, to tz_load as a zone spec. Checks, besides surviving:
 *   - a parsed instant formats (ts_format) to text that parses back to the
 *     same instant, for years 0-9999 and offsets within 18 hours;
 *   - a parsed date is a real civil date, and days_from_civil inverts it;
 *   - times of day lie in [0, 24h); durations are not negative.
 * TZDIR is set once, on the first call; the IANA zone is loaded before
 * that from the system's zoneinfo (the zone is optional: without tzdata
 * that part is skipped).
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "../../src/buf.h"
#include "../../src/diag.h"
#include "../../src/timeparse.h"

#define MAX_OFF_MS ((int64_t)26 * 3600 * 1000) /* tz.c's TZ_MAX_OFFSET */

static struct tz *tz_utc, *tz_fixed, *tz_iana;

static void setup(void)
{
	struct diag d = DIAG_INIT;
	FUZZ_CHECK(tz_load(&tz_utc, "UTC", &d) == 0);
	FUZZ_CHECK(tz_load(&tz_fixed, "+08:00", &d) == 0);
	if (tz_load(&tz_iana, "Europe/London", &d) < 0)
		tz_iana = NULL;
	diag_release(&d);
	setenv("TZDIR", "/proc/self/fd", 1);
}

/* The parsed instant 'ms' must survive ts_format and ts_parse. */
static void round_trip(int64_t ms, const struct tz *tz)
{
	char text[64];
	int64_t back = 0;
	struct civil cv;
	size_t n = ts_format(ms, tz, text, sizeof(text));

	FUZZ_CHECK(n > 0 && n < sizeof(text) && text[n] == '\0');
	ts_civil(ms, tz, &cv);
	FUZZ_CHECK(cv.month >= 1 && cv.month <= 12 && cv.day >= 1 &&
		   cv.day <= 31 && cv.hour >= 0 && cv.hour <= 23 &&
		   cv.minute >= 0 && cv.minute <= 59 && cv.second >= 0 &&
		   cv.second <= 59 && cv.msec >= 0 && cv.msec <= 999 &&
		   cv.dow >= 1 && cv.dow <= 7);
	FUZZ_CHECK(civil_valid(cv.year, cv.month, cv.day));
	/*
	 * ts_parse takes zones up to 18:00, tz.c loads TZif offsets up to
	 * 26 hours (RFC 8536): a crafted zone past 18 hours formats stamps
	 * that do not parse back (reported; regress-tzif-offset-over-18h)
	 */
	if (cv.year < 0 || cv.year > 9999 || cv.offset > 18 * 3600 ||
	    cv.offset < -18 * 3600)
		return;
	if (ts_parse(text, n, tz, &back) != 0 || back != ms) {
		fprintf(stderr, "round trip: %lld -> '%s' -> %lld\n",
			(long long)ms, text, (long long)back);
		FUZZ_CHECK(!"ts_format output parses back");
	}
}

static void strings(const char *s, size_t len)
{
	int64_t v;
	const struct tz *zones[] = { NULL, tz_utc, tz_fixed, tz_iana };

	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (i == 3 && !tz_iana)
			break;
		if (ts_parse(s, len, zones[i], &v) == 0)
			round_trip(v, zones[i]);
	}
	/*
	 * The day-month orders: day first is ts_parse; a field that reads
	 * only in the other order (-2) does read in it, and a value never
	 * leaks out of a failure.
	 */
	{
		int64_t a = 7, b = 7, p = 7;
		int ra = ts_parse_order(s, len, NULL, DATE_DMY, &a, NULL);
		int rb = ts_parse_order(s, len, NULL, DATE_MDY, &b, NULL);
		int rp = ts_parse(s, len, NULL, &p);
		FUZZ_CHECK(ra >= -2 && ra <= 0 && rb >= -2 && rb <= 0);
		FUZZ_CHECK((ra == 0) == (rp == 0) && (ra != 0 || a == p));
		FUZZ_CHECK(ra != -2 || rb == 0);
		FUZZ_CHECK(rb != -2 || ra == 0);
		FUZZ_CHECK(ra == 0 || a == 7);
		FUZZ_CHECK(rb == 0 || b == 7);
		if (rb == 0)
			round_trip(b, NULL);
		a = b = 7;
		ra = ts_parse_date_order(s, len, DATE_DMY, &a);
		rb = ts_parse_date_order(s, len, DATE_MDY, &b);
		FUZZ_CHECK(ra != -2 || rb == 0);
		FUZZ_CHECK(rb != -2 || ra == 0);
		FUZZ_CHECK((ra == 0 || a == 7) && (rb == 0 || b == 7));
	}
	if (ts_parse_date(s, len, &v) == 0) {
		int64_t y;
		int m, d;
		civil_from_days(v, &y, &m, &d);
		FUZZ_CHECK(civil_valid(y, m, d));
		FUZZ_CHECK(days_from_civil(y, m, d) == v);
	}
	if (ts_parse_time(s, len, &v) == 0)
		FUZZ_CHECK(v >= 0 && v < (int64_t)86400 * 1000);
	if (dur_parse(s, len, &v) == 0)
		FUZZ_CHECK(v >= 0);
}

/*
 * Probe a loaded zone along the time line: offsets stay within 26 hours,
 * and the local time of every instant 't' converts back to an instant
 * within 52 hours of 't'. Known bug, checked only with -DFUZZ_TZ_EXACT:
 * that instant should have the same local time and be no later than 't'
 * (the earlier of two in an overlap), but within a day of the last
 * transition tz_local_to_utc() only tries the offsets of the last
 * transition and of the footer rule, so a local time in the overlap of the
 * transition before resolves late, or to an instant with another local
 * time (see t1001 and testdata/fuzz/time/regress-tzif-*).
 */
static void probe_zone(const struct tz *tz)
{
	FUZZ_CHECK(tz_name(tz) != NULL);
	for (int k = -62; k <= 62; k++) {
		int64_t base = (int64_t)1 << (k < 0 ? -k : k);
		int64_t ms = k < 0 ? -base : base;
		for (int j = 0; j < 3; j++) {
			int64_t t = ms + (j - 1) * (int64_t)3600 * 1000 * 13;
			int32_t off = tz_offset_at(tz, t);
			FUZZ_CHECK(off >= -26 * 3600 && off <= 26 * 3600);
			int64_t local = t + (int64_t)off * 1000;
			int64_t u = tz_local_to_utc(tz, local);
			int64_t back = u + (int64_t)tz_offset_at(tz, u) * 1000;
#ifdef FUZZ_TZ_EXACT
			if (back != local || u > t) {
#else
			if (u - t > 2 * MAX_OFF_MS || t - u > 2 * MAX_OFF_MS) {
#endif
				fprintf(stderr, "zone %s: instant %lld, local "
					"%lld, back to %lld (local %lld)\n",
					tz_name(tz), (long long)t,
					(long long)local, (long long)u,
					(long long)back);
				FUZZ_CHECK(!"local time converts back");
			}
		}
	}
	{
		int64_t v;
		static const char stamp[] = "2025-03-30 01:30:00";
		if (ts_parse(stamp, sizeof(stamp) - 1, tz, &v) == 0)
			round_trip(v, tz);
	}
}

FUZZ_ENTRY(time)
{
	static struct fuzz_file f;
	static int ready;
	struct diag d = DIAG_INIT;
	struct tz *tz = NULL;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size >= 4 && !memcmp(data, "TZif", 4)) {
		char name[32];
		fuzz_file_put(&f, "tzif", data, size);
		if (f.is_temp) /* no memfd: the zone cannot be named */
			return 0;
		snprintf(name, sizeof(name), "%d", f.fd);
		if (tz_load(&tz, name, &d) == 0) {
			probe_zone(tz);
			tz_free(tz);
		} else {
			FUZZ_CHECK(d.set && tz == NULL);
			FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		}
		diag_release(&d);
		return 0;
	}
	strings((const char *)data, size);
	/* date and time in two columns, as schema.c splits them */
	const uint8_t *comma = memchr(data, ',', size);
	if (comma) {
		size_t a = (size_t)(comma - data);
		int64_t v;
		if (ts_parse_date((const char *)data, a, &v) == 0)
			FUZZ_CHECK(v > INT64_MIN / 86400000 &&
				   v < INT64_MAX / 86400000);
		strings((const char *)comma + 1, size - a - 1);
	}
	if (size < 64 && !memchr(data, '\0', size)) {
		char spec[64];
		memcpy(spec, data, size);
		spec[size] = '\0';
		if (tz_load(&tz, spec, &d) == 0) {
			probe_zone(tz);
			tz_free(tz);
		} else {
			FUZZ_CHECK(d.set && tz == NULL);
			FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		}
	}
	diag_release(&d);
	return 0;
}
