/*
 * tz.c - the time zones of timeparse.h: UTC, fixed offsets, and IANA zones
 * read from TZif files (RFC 8536) together with the POSIX TZ rule in their
 * footer. It never reads or sets TZ and never calls localtime or mktime:
 * every conversion is a binary search or arithmetic on the loaded zone, so a
 * struct tz is immutable after tz_load and threads may share it.
 * It does not support leap-second ("right/") zones: they are refused.
 */

/*
 * TZif layout (RFC 8536 section 3), all integers big-endian:
 *
 *   +------------------+  "TZif", version (0, '2', '3', '4'), 15 unused,
 *   | header v1 (44 B) |  six uint32 counts: isutcnt isstdcnt leapcnt
 *   +------------------+                     timecnt typecnt charcnt
 *   | data v1          |  timecnt x int32 transition times (UT seconds)
 *   |                  |  timecnt x uint8 local time type index
 *   |                  |  typecnt x { int32 utoff, uint8 isdst, uint8 idx }
 *   |                  |  charcnt bytes of abbreviations
 *   |                  |  leapcnt x { int32 time, int32 correction }
 *   |                  |  isstdcnt + isutcnt indicator bytes
 *   +------------------+  --- version 2 and later only: ---
 *   | header v2 (44 B) |  same shape, counts for the block below
 *   | data v2          |  as v1 with int64 times (leap records 12 bytes)
 *   +------------------+
 *   | "\n" TZ "\n"     |  footer: a POSIX TZ string ("CET-1CEST,M3.5.0,
 *   +------------------+  M10.5.0/3"), for instants after the last transition
 *
 * The file is untrusted input (STYLE rule 32): its size is capped, every count
 * is checked against the bytes that remain before anything is read, type
 * indexes and offsets are range-checked and transitions must ascend.
 *
 * A loaded zone is a table of transitions { at, off, wall }: from UT second
 * 'at' on, the offset is 'off'; before the first one it is 'off0'. Local to
 * UT conversion needs, per transition with offsets 'ob' before and 'oa'
 * after, the first local second that already maps to 'oa':
 *
 *   wall = at + max(ob, oa)
 *
 *        spring forward (oa > ob)            fall back (oa < ob)
 *   local  ----[at+ob ..gap.. at+oa)----    ----[at+oa ..twice.. at+ob)----
 *   rule   a local time in the gap uses     a local time in the overlap uses
 *          ob (the offset before the gap)   ob (the earlier of two instants)
 *
 * so a binary search for the last wall <= local gives the offset in force.
 * (This is Python zoneinfo's fold=0 rule.) When the footer has a DST rule its
 * transitions are appended to the table up to the year TZ_EXTEND_YEAR, so
 * that slim TZif files (which stop at the last rule change) cost a binary
 * search like fat ones; beyond that the rule is evaluated directly.
 *
 * POSIX TZ strings: POSIX.1-2017 section 8.3, with the RFC 8536 section 3.3.1
 * extensions (hours of rule times in -167..167, angle-bracket names).
 */
#include "timeparse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "xalloc.h"
#include "banned.h"

#define TZIF_MAX_BYTES (256 * 1024) /* real files are under 5 KiB */
#define TZ_MAX_OFFSET (26 * 3600)   /* largest |UT offset| accepted, seconds */
#define TZ_MAX_TIME ((int64_t)1 << 60) /* |transition time| bound, seconds */
#define TZ_EXTEND_YEAR 2100 /* footer rule transitions tabulated up to here */
#define TZ_NAME_MAX 255

enum rule_kind {
	RULE_JULIAN1, /* Jn: day 1..365, February 29 never counted */
	RULE_JULIAN0, /* n: day 0..365, February 29 counted */
	RULE_MONTH    /* Mm.w.d: weekday d of week w (5 = last) of month m */
};

struct rule_date {
	enum rule_kind kind;
	int day;      /* Jn/n: day number; M: weekday 0..6, 0 = Sunday */
	int week;     /* M only: 1..5, 5 meaning the last one in the month */
	int month;    /* M only: 1..12 */
	int32_t secs; /* local time of day of the change, seconds (may be <0) */
};

struct posix_rule {
	int32_t std_off;        /* standard time, seconds east of UT */
	int32_t dst_off;        /* daylight time, seconds east of UT */
	int has_dst;            /* 0: std_off all year */
	struct rule_date start; /* std -> dst, given in local standard time */
	struct rule_date end;   /* dst -> std, given in local daylight time */
};

struct transition {
	int64_t at;   /* UT seconds; strictly ascending in the table */
	int64_t wall; /* at + max(offset before, after); non-decreasing */
	int32_t off;  /* seconds east of UT in force from 'at' on */
};

struct tz {
	char *name;               /* owned canonical name */
	int32_t off0;             /* offset before items[0]; the fixed offset */
	struct transition *items; /* owned table; NULL for fixed zones */
	size_t nr, alloc;         /* transitions used and allocated */
	int has_rule;             /* the TZif footer holds a rule */
	struct posix_rule rule;   /* that rule, valid when 'has_rule' */
	int64_t rule_after;       /* UT second up to which 'items' is complete;
				     'rule' governs later instants. INT64_MIN
				     when the file has no transitions */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b < 0)
		q--;
	return q;
}

/* a - b, clamped to the int64 range instead of overflowing */
static int64_t sat_sub(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* ---- POSIX TZ rules ---------------------------------------------------- */

/* Days since the epoch of rule date 'rd' in year 'y'. */
static int64_t rule_day(const struct rule_date *rd, int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1);
	int leap = civil_valid(y, 2, 29);
	switch (rd->kind) {
	case RULE_JULIAN1:
		return jan1 + rd->day - 1 + (leap && rd->day >= 60);
	case RULE_JULIAN0:
		return jan1 + rd->day;
	case RULE_MONTH:
	default: {
		int64_t first = days_from_civil(y, rd->month, 1);
		/* weekday of the 1st, 0 = Sunday (1970-01-01 was a Thursday) */
		int wd_first = (int)(((first + 4) % 7 + 7) % 7);
		int64_t day = first + (rd->day - wd_first + 7) % 7 +
			      (int64_t)(rd->week - 1) * 7;
		int64_t next = rd->month == 12 ?
			days_from_civil(y + 1, 1, 1) :
			days_from_civil(y, rd->month + 1, 1);
		while (day >= next)
			day -= 7;
		return day;
	}
	}
}

/*
 * The two transitions of 'r' (which has DST) in year 'y', as UT seconds:
 * '*start' (to dst_off) and '*end' (to std_off).
 */
static void rule_year(const struct posix_rule *r, int64_t y, int64_t *start,
		      int64_t *end)
{
	*start = rule_day(&r->start, y) * 86400 + r->start.secs - r->std_off;
	*end = rule_day(&r->end, y) * 86400 + r->end.secs - r->dst_off;
}

/* The offset that rule 'r' gives at UT second 's'. */
static int32_t rule_offset(const struct posix_rule *r, int64_t s)
{
	struct {
		int64_t at;
		int dst;
	} ev[8], tmp;
	int n = 0, best = -1;
	int64_t y;
	int mo, da;

	if (!r->has_dst)
		return r->std_off;
	civil_from_days(floor_div(s + r->std_off, 86400), &y, &mo, &da);
	/*
	 * Rule times may lie up to 167 hours outside their year, so take the
	 * transitions of four years around 's' in time order (a stable sort, so
	 * that of two equal times the later year's wins, as in "0/0,J365/25",
	 * daylight time all year) and keep the last one at or before 's'.
	 */
	for (int64_t yy = y - 2; yy <= y + 1; yy++) {
		int64_t a, b;
		rule_year(r, yy, &a, &b);
		ev[n].at = a;
		ev[n++].dst = 1;
		ev[n].at = b;
		ev[n++].dst = 0;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && ev[j - 1].at > ev[j].at; j--) {
			tmp = ev[j];
			ev[j] = ev[j - 1];
			ev[j - 1] = tmp;
		}
	for (int i = 0; i < n; i++)
		if (ev[i].at <= s)
			best = i;
	if (best < 0)
		return r->std_off;
	return ev[best].dst ? r->dst_off : r->std_off;
}

/*
 * A cursor over a NUL-free TZ string of known length. Each parse function
 * below returns 0 and advances 'p', or -1.
 */
struct tzstr {
	const char *p; /* next byte */
	const char *e; /* end of the string */
};

static int tzstr_digits(struct tzstr *t, int maxdig, int *out)
{
	int v = 0, n = 0;
	while (t->p < t->e && (unsigned)(*t->p - '0') < 10 && n < maxdig) {
		v = v * 10 + (*t->p++ - '0');
		n++;
	}
	if (!n)
		return -1;
	*out = v;
	return 0;
}

/*
 * name -> '<' [A-Za-z0-9+-]{3,} '>' | [A-Za-z]{3,}
 */
static int tzstr_name(struct tzstr *t)
{
	int n = 0;
	if (t->p < t->e && *t->p == '<') {
		t->p++;
		while (t->p < t->e && *t->p != '>') {
			char c = *t->p++;
			if (!((c >= 'A' && c <= 'Z') ||
			      (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '+' || c == '-'))
				return -1;
			n++;
		}
		if (t->p == t->e)
			return -1;
		t->p++;
		return n >= 3 ? 0 : -1;
	}
	while (t->p < t->e && ((*t->p >= 'A' && *t->p <= 'Z') ||
			       (*t->p >= 'a' && *t->p <= 'z'))) {
		t->p++;
		n++;
	}
	return n >= 3 ? 0 : -1;
}

/*
 * time -> [+-] hh [':' mm [':' ss]]     (hh at most 'maxh')
 * Sets '*out' to the signed number of seconds.
 */
static int tzstr_time(struct tzstr *t, int maxh, int32_t *out)
{
	int neg = 0, h, m = 0, s = 0;
	if (t->p < t->e && (*t->p == '+' || *t->p == '-'))
		neg = *t->p++ == '-';
	if (tzstr_digits(t, 3, &h) || h > maxh)
		return -1;
	if (t->p < t->e && *t->p == ':') {
		t->p++;
		if (tzstr_digits(t, 2, &m) || m > 59)
			return -1;
		if (t->p < t->e && *t->p == ':') {
			t->p++;
			if (tzstr_digits(t, 2, &s) || s > 59)
				return -1;
		}
	}
	*out = (int32_t)((h * 60 + m) * 60 + s) * (neg ? -1 : 1);
	return 0;
}

/*
 * date -> 'J' n (1..365) | n (0..365) | 'M' m '.' w '.' d
 * rule_date -> date ['/' time]        (time defaults to 02:00:00)
 */
static int tzstr_rule_date(struct tzstr *t, struct rule_date *rd)
{
	rd->week = rd->month = 0;
	if (t->p < t->e && *t->p == 'J') {
		t->p++;
		rd->kind = RULE_JULIAN1;
		if (tzstr_digits(t, 3, &rd->day) || rd->day < 1 ||
		    rd->day > 365)
			return -1;
	} else if (t->p < t->e && *t->p == 'M') {
		t->p++;
		rd->kind = RULE_MONTH;
		if (tzstr_digits(t, 2, &rd->month) || rd->month < 1 ||
		    rd->month > 12 || t->p == t->e || *t->p++ != '.' ||
		    tzstr_digits(t, 1, &rd->week) || rd->week < 1 ||
		    rd->week > 5 || t->p == t->e || *t->p++ != '.' ||
		    tzstr_digits(t, 1, &rd->day) || rd->day > 6)
			return -1;
	} else {
		rd->kind = RULE_JULIAN0;
		if (tzstr_digits(t, 3, &rd->day) || rd->day > 365)
			return -1;
	}
	rd->secs = 2 * 3600;
	if (t->p < t->e && *t->p == '/') {
		t->p++;
		if (tzstr_time(t, 167, &rd->secs))
			return -1;
	}
	return 0;
}

/*
 * tz_string -> std offset [dst [offset] [',' rule_date ',' rule_date]]
 * Offsets are POSIX's: positive west of Greenwich, so "CET-1" is one hour
 * east. A missing DST offset is one hour ahead of standard time; a DST name
 * without rules gets the US rules "M3.2.0,M11.1.0", as tzcode does.
 */
static int posix_rule_parse(const char *s, size_t len, struct posix_rule *r)
{
	struct tzstr t = { s, s + len };
	int32_t off;

	memset(r, 0, sizeof(*r));
	if (tzstr_name(&t) || tzstr_time(&t, 24, &off))
		return -1;
	r->std_off = -off;
	if (t.p == t.e)
		return 0;
	if (tzstr_name(&t))
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (t.p < t.e && *t.p != ',') {
		if (tzstr_time(&t, 24, &off))
			return -1;
		r->dst_off = -off;
	}
	if (t.p == t.e) {
		r->start = (struct rule_date){ RULE_MONTH, 0, 2, 3, 7200 };
		r->end = (struct rule_date){ RULE_MONTH, 0, 1, 11, 7200 };
		return 0;
	}
	if (*t.p++ != ',' || tzstr_rule_date(&t, &r->start) || t.p == t.e ||
	    *t.p++ != ',' || tzstr_rule_date(&t, &r->end) || t.p != t.e)
		return -1;
	return 0;
}

/* ---- the transition table ---------------------------------------------- */

static int32_t off_before(const struct tz *tz, size_t i)
{
	return i ? tz->items[i - 1].off : tz->off0;
}

/*
 * Append a transition to offset 'off' at UT second 'at', which must not
 * precede the last one. An equal time replaces the last offset (the later
 * rule wins); a transition that changes nothing is dropped.
 */
static void table_push(struct tz *tz, int64_t at, int32_t off)
{
	if (tz->nr && at == tz->items[tz->nr - 1].at)
		tz->nr--;
	if (off == off_before(tz, tz->nr))
		return;
	VEC_GROW(tz->items, tz->nr + 1, tz->alloc);
	tz->items[tz->nr].at = at;
	tz->items[tz->nr].off = off;
	tz->nr++;
}

/*
 * Tabulate the footer rule's transitions after the file's last one up to
 * TZ_EXTEND_YEAR, then compute every 'wall'. Wall times are made
 * non-decreasing (they can only go back when two transitions are closer than
 * their offsets differ, which no real zone has done) so the search is sound.
 */
static void table_finish(struct tz *tz)
{
	/*
	 * The footer governs every instant after the last transition (RFC
	 * 8536 section 3.3), even where it disagrees with the last type:
	 * its offset one second later starts the tabulated part. A footer
	 * without DST is then one offset for ever (for all time in a file
	 * without transitions), and the table is complete: local times on
	 * either side of the last transition resolve by the same search.
	 */
	if (tz->has_rule && tz->rule_after != INT64_MIN) {
		int32_t o = rule_offset(&tz->rule, tz->rule_after + 1);
		if (o != off_before(tz, tz->nr)) {
			table_push(tz, tz->rule_after + 1, o);
			tz->rule_after++;
		}
	} else if (tz->has_rule && !tz->rule.has_dst) {
		tz->off0 = tz->rule.std_off;
	}
	if (tz->has_rule && tz->rule.has_dst && tz->rule_after != INT64_MIN) {
		int64_t last = tz->rule_after, y, a, b;
		int mo, da;
		civil_from_days(floor_div(last, 86400), &y, &mo, &da);
		for (y = y - 1; y <= TZ_EXTEND_YEAR; y++) {
			rule_year(&tz->rule, y, &a, &b);
			if (a <= b) {
				if (a > last)
					table_push(tz, a, tz->rule.dst_off);
				if (b > last)
					table_push(tz, b, tz->rule.std_off);
			} else {
				if (b > last)
					table_push(tz, b, tz->rule.std_off);
				if (a > last)
					table_push(tz, a, tz->rule.dst_off);
			}
			if (a > tz->rule_after)
				tz->rule_after = a;
			if (b > tz->rule_after)
				tz->rule_after = b;
		}
	}
	/*
	 * A footer without DST is one offset for ever after the last
	 * transition (and for all time in a file without transitions): put
	 * it in the table too, so that local times on either side of the
	 * last transition resolve by the same search as every other
	 */
	for (size_t i = 0; i < tz->nr; i++) {
		int32_t ob = off_before(tz, i), oa = tz->items[i].off;
		int64_t w = tz->items[i].at + (ob > oa ? ob : oa);
		if (i && w < tz->items[i - 1].wall)
			w = tz->items[i - 1].wall;
		tz->items[i].wall = w;
	}
}

/* ---- TZif ---------------------------------------------------------------- */

struct tzif_counts {
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
	uint64_t v = (uint64_t)be32(p) << 32 | be32(p + 4);
	return (int64_t)v; /* two's complement, as RFC 8536 specifies */
}

static int32_t be32s(const unsigned char *p)
{
	uint32_t v = be32(p);
	return v <= INT32_MAX ? (int32_t)v : -(int32_t)(~v) - 1;
}

/* Bytes of the data block that follows a header with counts 'c'. */
static uint64_t tzif_block_size(const struct tzif_counts *c, unsigned tsize)
{
	return (uint64_t)c->timecnt * tsize + c->timecnt +
	       (uint64_t)c->typecnt * 6 + c->charcnt +
	       (uint64_t)c->leapcnt * (tsize + 4) + c->isstdcnt + c->isutcnt;
}

/*
 * header -> "TZif" version[1] unused[15] counts[6 x 4]
 * Reads the header at 'p' ('avail' bytes left) into 'c' and '*version'
 * (1, 2, 3, ...), and checks that the data block it announces, with
 * 'tsize'-byte times, fits in the bytes left. Returns NULL on success or
 * the reason it is unusable.
 */
static const char *tzif_header(const unsigned char *p, size_t avail,
			       unsigned tsize, struct tzif_counts *c,
			       int *version)
{
	if (avail < 44)
		return "truncated header";
	if (memcmp(p, "TZif", 4))
		return "bad magic";
	if (p[4] == 0)
		*version = 1;
	else if (p[4] >= '2' && p[4] <= '9')
		*version = p[4] - '0';
	else
		return "unknown version";
	c->isutcnt = be32(p + 20);
	c->isstdcnt = be32(p + 24);
	c->leapcnt = be32(p + 28);
	c->timecnt = be32(p + 32);
	c->typecnt = be32(p + 36);
	c->charcnt = be32(p + 40);
	if (c->typecnt == 0 || c->typecnt > 256)
		return "bad local time type count";
	if ((c->isutcnt && c->isutcnt != c->typecnt) ||
	    (c->isstdcnt && c->isstdcnt != c->typecnt))
		return "bad indicator count";
	if (c->leapcnt)
		return "leap seconds are not supported";
	if (tzif_block_size(c, tsize) > avail - 44)
		return "truncated data";
	return NULL;
}

/*
 * Load the data block at 'p' (already checked to hold 'c') with 'tsize'-byte
 * times into 'tz'. Returns NULL or the reason it is corrupt.
 */
static const char *tzif_block(struct tz *tz, const unsigned char *p,
			      const struct tzif_counts *c, unsigned tsize)
{
	const unsigned char *times = p;
	const unsigned char *idx = times + (size_t)c->timecnt * tsize;
	const unsigned char *types = idx + c->timecnt;
	int64_t prev = 0;

	for (uint32_t i = 0; i < c->typecnt; i++) {
		const unsigned char *ty = types + 6 * (size_t)i;
		int32_t utoff = be32s(ty);
		if (utoff < -TZ_MAX_OFFSET || utoff > TZ_MAX_OFFSET)
			return "UT offset out of range";
		if (ty[4] > 1 || ty[5] >= c->charcnt)
			return "bad local time type";
	}
	tz->off0 = be32s(types);
	for (uint32_t i = 0; i < c->timecnt; i++) {
		int64_t at = tsize == 8 ? be64(times + 8 * (size_t)i) :
					  be32s(times + 4 * (size_t)i);
		if (idx[i] >= c->typecnt)
			return "bad local time type index";
		if (at <= -TZ_MAX_TIME || at >= TZ_MAX_TIME)
			return "transition time out of range";
		if (i && at <= prev)
			return "transition times not ascending";
		prev = at;
		table_push(tz, at, be32s(types + 6 * (size_t)idx[i]));
	}
	tz->rule_after = c->timecnt ? prev : INT64_MIN;
	return NULL;
}

/*
 * tzif -> header data [header data footer]     (the second part: v2+)
 * footer -> '\n' [tz_string] '\n'
 */
static const char *tzif_parse(struct tz *tz, const unsigned char *p,
			      size_t len)
{
	struct tzif_counts c;
	int version;
	const char *why = tzif_header(p, len, 4, &c, &version);
	const unsigned char *nl;
	size_t skip;

	if (why)
		return why;
	if (version == 1)
		return tzif_block(tz, p + 44, &c, 4);
	skip = 44 + (size_t)tzif_block_size(&c, 4); /* fits: checked above */
	p += skip;
	len -= skip;
	if ((why = tzif_header(p, len, 8, &c, &version)))
		return why;
	if ((why = tzif_block(tz, p + 44, &c, 8)))
		return why;
	skip = 44 + (size_t)tzif_block_size(&c, 8);
	p += skip;
	len -= skip;
	if (len == 0 || p[0] != '\n')
		return "missing footer";
	nl = memchr(p + 1, '\n', len - 1);
	if (!nl)
		return "truncated footer";
	if (nl > p + 1) {
		if (memchr(p + 1, '\0', (size_t)(nl - p - 1)) ||
		    posix_rule_parse((const char *)p + 1,
				     (size_t)(nl - p - 1), &tz->rule))
			return "bad TZ string in footer";
		tz->has_rule = 1;
	}
	return NULL;
}

/*
 * Read the regular file 'path' (at most TZIF_MAX_BYTES) into '*out' (owned)
 * and '*len'. Returns 0, or -1 with errno set (EFBIG when too large, EISDIR
 * or EINVAL for directories and special files).
 */
static int read_small_file(const char *path, unsigned char **out, size_t *len)
{
	struct stat st;
	unsigned char *data;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	if (st.st_size > TZIF_MAX_BYTES) {
		errno = EFBIG;
		goto fail;
	}
	/* one byte more than the size, to notice a file that grew */
	data = xmalloc((size_t)st.st_size + 1);
	while (got <= (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(data);
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > (size_t)st.st_size) {
		free(data);
		errno = EFBIG;
		return -1;
	}
	*out = data;
	*len = got;
	return 0;
fail:
	{
		int e = errno;
		close(fd);
		errno = e;
	}
	return -1;
}

/* An IANA name: [A-Za-z0-9._+-/], no leading '/', no "..", not too long. */
static int iana_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > TZ_NAME_MAX || s[0] == '/' || s[n - 1] == '/' ||
	    strstr(s, ".."))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '+' || c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

static void add_quoted(struct buf *b, const char *s)
{
	buf_add_escaped(b, s, strlen(s), 80);
}

/*
 * Load the IANA zone 'name' from $TZDIR or /usr/share/zoneinfo into 'tz'
 * ('shown' is the name escaped for messages). 0, or -1 with a message.
 */
static int load_tzif(struct tz *tz, const char *name, const char *shown,
		     struct diag *d)
{
	const char *dir = getenv("TZDIR");
	struct buf path = BUF_INIT;
	unsigned char *data = NULL;
	size_t len = 0;
	const char *why;
	int ret = 0;

	if (!iana_name_ok(name)) {
		ret = diag_error(d, "invalid time zone name '%s'", shown);
		goto out;
	}
	buf_adds(&path, dir && *dir ? dir : "/usr/share/zoneinfo");
	buf_addch(&path, '/');
	buf_adds(&path, name);
	if (read_small_file(buf_cstr(&path), &data, &len)) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR ||
		    errno == EINVAL)
			ret = diag_error(d, "unknown time zone '%s'", shown);
		else
			ret = diag_error(d, "cannot read time zone file "
					 "'%s': %s", buf_cstr(&path),
					 strerror(errno));
		goto out;
	}
	if ((why = tzif_parse(tz, data, len))) {
		if (len < 4 || memcmp(data, "TZif", 4))
			ret = diag_error(d, "unknown time zone '%s': '%s' is "
					 "not a TZif file", shown,
					 buf_cstr(&path));
		else
			ret = diag_error(d, "corrupt time zone file '%s': %s",
					 buf_cstr(&path), why);
		goto out;
	}
	table_finish(tz);
out:
	free(data);
	buf_release(&path);
	return ret;
}

/*
 * fixed -> ('+' | '-') (h | hh | h ':' mm | hh ':' mm | hh mm)
 * At most 18:00 either way. Sets '*off' in seconds east of UT.
 */
static int parse_fixed(const char *s, int32_t *off)
{
	const char *p = s + 1;
	int h = 0, m = 0, nh = 0;

	while (nh < 2 && (unsigned)(p[nh] - '0') <= 9)
		h = h * 10 + (p[nh++] - '0');
	if (!nh)
		return -1;
	p += nh;
	if (*p == ':' || (nh == 2 && *p)) {
		if (*p == ':')
			p++;
		if ((unsigned)(p[0] - '0') > 9 || (unsigned)(p[1] - '0') > 9 ||
		    p[2])
			return -1;
		m = (p[0] - '0') * 10 + (p[1] - '0');
	} else if (*p) {
		return -1;
	}
	if (m > 59 || h * 60 + m > 18 * 60)
		return -1;
	*off = (int32_t)((h * 60 + m) * 60) * (s[0] == '-' ? -1 : 1);
	return 0;
}

/* 1 when 'a' starts with lowercase ASCII 'prefix', ignoring case. */
static int ascii_iprefix(const char *a, const char *prefix)
{
	for (; *prefix; a++, prefix++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		if (x != *prefix)
			return 0;
	}
	return 1;
}

static int ascii_ieq(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && ascii_iprefix(a, b);
}

/* Make 'tz' the fixed zone 'off' seconds east, named "UTC" or "+hh:mm". */
static void set_fixed(struct tz *tz, int32_t off)
{
	char name[16];
	int32_t a = off < 0 ? -off : off;

	tz->off0 = off;
	if (off == 0) {
		tz->name = xstrdup("UTC");
		return;
	}
	snprintf(name, sizeof(name), "%c%02d:%02d", off < 0 ? '-' : '+',
		 (int)(a / 3600), (int)(a / 60 % 60));
	tz->name = xstrdup(name);
}

/*
 * spec -> 'UTC' | 'Z' | 'GMT' (any case) | fixed | iana_name
 * 'shown' is 'spec' escaped for messages.
 */
static int load_spec(struct tz *tz, const char *spec, const char *shown,
		     struct diag *d)
{
	int32_t off, a;

	if (ascii_ieq(spec, "utc") || ascii_ieq(spec, "z") ||
	    ascii_ieq(spec, "gmt")) {
		set_fixed(tz, 0);
		return 0;
	}
	if (spec[0] == '+' || spec[0] == '-') {
		if (parse_fixed(spec, &off))
			return diag_error(d, "invalid time zone offset '%s' "
					  "(expected +hh:mm, +hhmm or +hh, at "
					  "most 18 hours)", shown);
		set_fixed(tz, off);
		return 0;
	}
	if ((ascii_iprefix(spec, "utc") || ascii_iprefix(spec, "gmt")) &&
	    (spec[3] == '+' || spec[3] == '-')) {
		/*
		 * "UTC+8" means 8 hours east to most people but 8 hours west
		 * to POSIX TZ (and IANA's Etc/GMT+8): refuse to guess, except
		 * for a zero offset, which reads the same both ways.
		 */
		if (parse_fixed(spec + 3, &off))
			return diag_error(d, "invalid time zone '%s': write an "
					  "offset such as '+08:00'", shown);
		if (off) {
			a = off < 0 ? -off : off;
			return diag_error(d, "ambiguous time zone '%s': write "
					  "'%c%02d:%02d' (%s of UTC) or "
					  "'%c%02d:%02d' (as POSIX reads it)",
					  shown, off < 0 ? '-' : '+',
					  (int)(a / 3600), (int)(a / 60 % 60),
					  off < 0 ? "west" : "east",
					  off < 0 ? '+' : '-', (int)(a / 3600),
					  (int)(a / 60 % 60));
		}
		set_fixed(tz, 0);
		return 0;
	}
	if (load_tzif(tz, spec, shown, d))
		return -1;
	tz->name = xstrdup(spec);
	return 0;
}

int tz_load(struct tz **out, const char *spec, struct diag *d)
{
	struct buf shown = BUF_INIT;
	struct tz *tz;
	int ret;

	*out = NULL;
	if (!spec || !*spec)
		return diag_error(d, "empty time zone");
	tz = xcalloc(1, sizeof(*tz));
	add_quoted(&shown, spec);
	ret = load_spec(tz, spec, buf_cstr(&shown), d);
	buf_release(&shown);
	if (ret) {
		tz_free(tz);
		return -1;
	}
	*out = tz;
	return 0;
}

void tz_free(struct tz *tz)
{
	if (!tz)
		return;
	free(tz->items);
	free(tz->name);
	free(tz);
}

const char *tz_name(const struct tz *tz)
{
	return tz ? tz->name : "UTC";
}

/* Index of the last item whose field 'at' (or 'wall') is <= 's', or -1. */
#define LAST_LE(tz, field, s, out)                                             \
	do {                                                                   \
		size_t lo_ = 0, hi_ = (tz)->nr;                                \
		while (lo_ < hi_) {                                            \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                   \
			if ((tz)->items[mid_].field <= (s))                    \
				lo_ = mid_ + 1;                                \
			else                                                   \
				hi_ = mid_;                                    \
		}                                                              \
		(out) = (ptrdiff_t)lo_ - 1;                                    \
	} while (0)

int32_t tz_offset_at(const struct tz *tz, int64_t utc_ms)
{
	int64_t s;
	ptrdiff_t i;

	if (!tz)
		return 0;
	if (!tz->nr && !tz->has_rule)
		return tz->off0;
	s = floor_div(utc_ms, 1000);
	if (tz->has_rule && s > tz->rule_after)
		return rule_offset(&tz->rule, s);
	LAST_LE(tz, at, s, i);
	return i < 0 ? tz->off0 : tz->items[i].off;
}

int64_t tz_local_to_utc(const struct tz *tz, int64_t local_ms)
{
	int32_t cand[4], o;
	int64_t s, best = INT64_MAX;
	ptrdiff_t i;
	int found = 0;

	if (!tz)
		return local_ms;
	if (!tz->nr && !tz->has_rule)
		return sat_sub(local_ms, (int64_t)tz->off0 * 1000);
	s = floor_div(local_ms, 1000);
	/* the table is complete unless a DST rule goes on past its end */
	if (!tz->has_rule || !tz->rule.has_dst ||
	    (tz->rule_after != INT64_MIN &&
	     s + TZ_MAX_OFFSET <= tz->rule_after)) {
		LAST_LE(tz, wall, s, i);
		o = i < 0 ? tz->off0 : tz->items[i].off;
		return sat_sub(local_ms, (int64_t)o * 1000);
	}
	/*
	 * Within a day of the end of the table or past it, the offsets in
	 * play are the rule's two and those around the table's last
	 * transition. Keep the earliest instant that one of them maps to
	 * 'local_ms'; when none does (a gap), use the offset in force before
	 * the gap, which is the one seen at local time minus the largest.
	 */
	cand[0] = tz->rule.std_off;
	cand[1] = tz->rule.has_dst ? tz->rule.dst_off : cand[0];
	cand[2] = tz->nr ? tz->items[tz->nr - 1].off : cand[0];
	cand[3] = tz->nr ? off_before(tz, tz->nr - 1) : cand[0];
	o = cand[0];
	for (int k = 0; k < 4; k++) {
		int64_t u = sat_sub(local_ms, (int64_t)cand[k] * 1000);
		if (cand[k] > o)
			o = cand[k];
		if (tz_offset_at(tz, u) == cand[k] && (!found || u < best)) {
			best = u;
			found = 1;
		}
	}
	if (found)
		return best;
	o = tz_offset_at(tz, sat_sub(local_ms, (int64_t)o * 1000));
	return sat_sub(local_ms, (int64_t)o * 1000);
}
