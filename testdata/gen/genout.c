/*
 * genout.c - output buffer, integer and timestamp formatting for cdrgen.
 * Writes go through one large buffer and fwrite, so that a 10-million-row
 * run makes a few thousand system calls rather than millions.
 */
#include "genout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/banned.h"

void out_init(struct out *o, FILE *fp, size_t cap)
{
	o->fp = fp;
	o->cap = cap;
	o->len = 0;
	o->failed = 0;
	o->err = 0;
	o->buf = malloc(cap);
	if (!o->buf) {
		fputs("cdrgen: out of memory\n", stderr);
		exit(1);
	}
}

int out_flush(struct out *o)
{
	if (o->len && !o->failed) {
		if (fwrite(o->buf, 1, o->len, o->fp) != o->len) {
			o->failed = 1;
			o->err = errno;
		}
	}
	o->len = 0;
	return o->failed ? -1 : 0;
}

int out_release(struct out *o)
{
	int rc = out_flush(o);

	if (!o->failed && fflush(o->fp) != 0) {
		o->failed = 1;
		o->err = errno;
		rc = -1;
	}
	free(o->buf);
	o->buf = NULL;
	return rc;
}

void out_mem(struct out *o, const void *p, size_t n)
{
	while (n) {
		size_t room, k;
		if (o->len == o->cap)
			out_flush(o);
		room = o->cap - o->len;
		k = n < room ? n : room;
		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p = (const char *)p + k;
		n -= k;
	}
}

void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

char *fmt_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static const char digits2[201] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The decimal digits of 'v' < 100000000 right-aligned ending at 'end'. */
static char *digits_back32(char *end, uint32_t v)
{
	while (v >= 100) {
		unsigned k = (v % 100) * 2;
		v /= 100;
		end -= 2;
		end[0] = digits2[k];
		end[1] = digits2[k + 1];
	}
	if (v >= 10) {
		end -= 2;
		end[0] = digits2[v * 2];
		end[1] = digits2[v * 2 + 1];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

/* Exactly eight digits of 'v' < 100000000 ending at 'end'. */
static void digits8_back(char *end, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned k = (v % 100) * 2;
		v /= 100;
		end -= 2;
		end[0] = digits2[k];
		end[1] = digits2[k + 1];
	}
}

static int count_digits(uint64_t v)
{
	int n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	if (v >= 10)
		n++;
	if (v >= 100)
		n++;
	if (v >= 1000)
		n++;
	return n;
}

/* Digits of 'v' right-aligned ending at 'end'; returns the first digit. */
static char *digits_back(char *end, uint64_t v)
{
	while (v >= 100000000) {
		digits8_back(end, (uint32_t)(v % 100000000));
		v /= 100000000;
		end -= 8;
	}
	return digits_back32(end, (uint32_t)v);
}

char *fmt_u64(char *p, uint64_t v)
{
	int n = count_digits(v);

	digits_back(p + n, v);
	return p + n;
}

char *fmt_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return fmt_u64(p, (uint64_t)0 - (uint64_t)v);
	}
	return fmt_u64(p, (uint64_t)v);
}

char *fmt_pad(char *p, uint64_t v, int width)
{
	int n = count_digits(v), i;

	for (i = n; i < width; i++)
		*p++ = '0';
	digits_back(p + n, v);
	return p + n;
}

/* Two digits of 'v' < 100. */
static char *fmt_2(char *p, unsigned v)
{
	p[0] = digits2[v * 2];
	p[1] = digits2[v * 2 + 1];
	return p + 2;
}

char *fmt_micro(char *p, int32_t v)
{
	uint32_t a;

	if (v < 0) {
		*p++ = '-';
		a = (uint32_t)0 - (uint32_t)v;
	} else {
		a = (uint32_t)v;
	}
	p = fmt_u64(p, a / 1000000);
	*p++ = '.';
	return fmt_pad(p, a % 1000000, 6);
}

int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int weekday_from_days(int64_t days)
{
	/* 1970-01-01 was a Thursday (4) */
	int64_t w = (days + 3) % 7;

	if (w < 0)
		w += 7;
	return (int)w + 1;
}

/*
 * Rows arrive in time order, so nearly every timestamp falls on the same
 * day as the one before: remember the last day's date digits.
 */
struct day_cache {
	int64_t day;  /* days since 1970-01-01, or INT64_MIN */
	char ymd[10]; /* YYYY-MM-DD */
	char dmy[10]; /* DD/MM/YYYY */
};

static struct day_cache cache = { INT64_MIN, "", "" };

static const struct day_cache *day_lookup(int64_t day)
{
	if (cache.day != day) {
		int64_t y;
		int m, d;
		char *p;
		civil_from_days(day, &y, &m, &d);
		p = fmt_pad(cache.ymd, (uint64_t)y, 4);
		*p++ = '-';
		p = fmt_pad(p, (uint64_t)m, 2);
		*p++ = '-';
		fmt_pad(p, (uint64_t)d, 2);
		p = fmt_pad(cache.dmy, (uint64_t)d, 2);
		*p++ = '/';
		p = fmt_pad(p, (uint64_t)m, 2);
		*p++ = '/';
		fmt_pad(p, (uint64_t)y, 4);
		cache.day = day;
	}
	return &cache;
}

char *fmt_hms(char *p, int64_t secs)
{
	if (secs < 360000)
		p = fmt_2(p, (unsigned)(secs / 3600));
	else
		p = fmt_u64(p, (uint64_t)(secs / 3600));
	*p++ = ':';
	p = fmt_2(p, (unsigned)(secs / 60 % 60));
	*p++ = ':';
	return fmt_2(p, (unsigned)(secs % 60));
}

char *fmt_iso(char *p, int64_t t, char sep)
{
	int64_t day = floor_div(t, 86400);

	memcpy(p, day_lookup(day)->ymd, 10);
	p += 10;
	*p++ = sep;
	return fmt_hms(p, t - day * 86400);
}

char *fmt_dmy(char *p, int64_t t)
{
	memcpy(p, day_lookup(floor_div(t, 86400))->dmy, 10);
	return p + 10;
}

char *fmt_ipv4(char *p, uint32_t ip)
{
	p = fmt_u64(p, ip >> 24);
	*p++ = '.';
	p = fmt_u64(p, (ip >> 16) & 255);
	*p++ = '.';
	p = fmt_u64(p, (ip >> 8) & 255);
	*p++ = '.';
	return fmt_u64(p, ip & 255);
}
