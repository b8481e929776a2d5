/*
 * genout.h - buffered output and hand-rolled formatting for cdrgen.
 * One printf per field would cost more than generating the row; these
 * helpers write integers, fixed-point degrees and civil timestamps straight
 * into a caller's buffer. Time is "civil seconds": seconds since 1970-01-01
 * 00:00 counted on the local wall clock, so no time-zone database is read.
 */
#ifndef CDRGEN_GENOUT_H
#define CDRGEN_GENOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out {
	FILE *fp;     /* borrowed; the destination */
	char *buf;    /* owned; 'cap' bytes */
	size_t len;   /* bytes waiting in 'buf' */
	size_t cap;   /* size of 'buf' */
	int failed;   /* a write failed; errno was saved in 'err' */
	int err;      /* errno of the first failure */
};

/* Buffer writes to 'fp' through 'cap' bytes of memory. Exits on OOM. */
void out_init(struct out *o, FILE *fp, size_t cap);
/* Flush what is buffered; returns 0, or -1 once any write has failed. */
int out_flush(struct out *o);
/* Flush and free the buffer (does not close 'fp'). Returns as out_flush. */
int out_release(struct out *o);

/* Make room for 'n' more bytes and return where they go. n <= cap. */
static inline char *out_reserve(struct out *o, size_t n)
{
	if (o->len + n > o->cap)
		out_flush(o);
	return o->buf + o->len;
}

static inline void out_commit(struct out *o, char *end)
{
	o->len = (size_t)(end - o->buf);
}

void out_mem(struct out *o, const void *p, size_t n);
void out_str(struct out *o, const char *s);

/* Formatters: each writes at 'p' and returns the end of what it wrote. */
char *fmt_str(char *p, const char *s);
char *fmt_u64(char *p, uint64_t v);
char *fmt_i64(char *p, int64_t v);
/* 'v' zero-padded to at least 'width' digits. */
char *fmt_pad(char *p, uint64_t v, int width);
/* Micro-degrees as a decimal with exactly six fraction digits ("%.6f"). */
char *fmt_micro(char *p, int32_t v);
/* YYYY-MM-DD<sep>HH:MM:SS for civil seconds 't'. */
char *fmt_iso(char *p, int64_t t, char sep);
/* DD/MM/YYYY for civil seconds 't'. */
char *fmt_dmy(char *p, int64_t t);
/* HH:MM:SS for 'secs' (hours may exceed 23; at least two digits). */
char *fmt_hms(char *p, int64_t secs);
/* dotted-quad IPv4 */
char *fmt_ipv4(char *p, uint32_t ip);

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
int64_t days_from_civil(int64_t y, int m, int d);
void civil_from_days(int64_t days, int64_t *y, int *m, int *d);
/* 1 = Monday .. 7 = Sunday */
int weekday_from_days(int64_t days);
/* Floor division for seconds and days of dates before 1970. */
int64_t floor_div(int64_t a, int64_t b);

#endif
