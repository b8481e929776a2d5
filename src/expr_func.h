/*
 * expr_func.h - the value semantics shared by constant folding (check pass)
 * and the evaluator, so that a folded constant and a computed value can
 * never disagree: arithmetic with its missing-value results, comparisons,
 * CIDR containment, near(), text to number. Private to expr_*.c.
 */
#ifndef CDRSIFT_EXPR_FUNC_H
#define CDRSIFT_EXPR_FUNC_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "geodesy.h"
#include "record.h"

/* Relations of comparison instructions. */
enum rel { REL_EQ, REL_NE, REL_LT, REL_LE, REL_GT, REL_GE };

/* Apply relation 'rel' to the three-way comparison result 'c'. */
static inline int rel_holds(int rel, int c)
{
	switch (rel) {
	case REL_EQ: return c == 0;
	case REL_NE: return c != 0;
	case REL_LT: return c < 0;
	case REL_LE: return c <= 0;
	case REL_GT: return c > 0;
	default: return c >= 0;
	}
}

static inline int cmp_i(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static inline int cmp_d(double a, double b)
{
	return (a > b) - (a < b);
}

/* Bytewise, shorter first on a common prefix (memcmp order). */
static inline int cmp_s(const char *a, size_t alen, const char *b,
			size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	if (c)
		return c < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

/* IPv4 addresses sort before IPv6 ones; then by bytes. */
static inline int cmp_ip(const struct ipaddr *a, const struct ipaddr *b)
{
	int c;
	if (a->v6 != b->v6)
		return a->v6 ? 1 : -1;
	c = memcmp(a->b, b->b, a->v6 ? 16 : 4);
	return (c > 0) - (c < 0);
}

/* 1 when 'ip' lies in 'net'/'prefix' (same family only). */
static inline int cidr_contains(const struct ipaddr *net, int prefix,
				const struct ipaddr *ip)
{
	int full = prefix / 8, rest = prefix % 8;
	if (net->v6 != ip->v6)
		return 0;
	if (full && memcmp(net->b, ip->b, (size_t)full))
		return 0;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));
		if ((net->b[full] & m) != (ip->b[full] & m))
			return 0;
	}
	return 1;
}

/* The arithmetic operators + - * / %. */
enum arith { AR_ADD, AR_SUB, AR_MUL, AR_DIV, AR_MOD };

/*
 * Integer arithmetic. Returns 0 and '*out', or -1 for a missing result:
 * overflow, division or remainder by zero. '/' truncates (it serves a
 * duration divided by a number, in milliseconds).
 */
static inline int arith_i(enum arith op, int64_t a, int64_t b, int64_t *out)
{
	switch (op) {
	case AR_ADD: return __builtin_add_overflow(a, b, out) ? -1 : 0;
	case AR_SUB: return __builtin_sub_overflow(a, b, out) ? -1 : 0;
	case AR_MUL: return __builtin_mul_overflow(a, b, out) ? -1 : 0;
	case AR_DIV:
		if (b == 0 || (a == INT64_MIN && b == -1))
			return -1;
		*out = a / b;
		return 0;
	default:
		if (b == 0 || (a == INT64_MIN && b == -1))
			return -1;
		*out = a % b;
		return 0;
	}
}

/* Decimal arithmetic; a result that is not finite is missing. */
static inline int arith_d(enum arith op, double a, double b, double *out)
{
	double r;
	switch (op) {
	case AR_ADD: r = a + b; break;
	case AR_SUB: r = a - b; break;
	case AR_MUL: r = a * b; break;
	case AR_DIV:
		if (b == 0)
			return -1;
		r = a / b;
		break;
	default:
		if (b == 0)
			return -1;
		r = fmod(a, b);
		break;
	}
	if (!isfinite(r))
		return -1;
	*out = r;
	return 0;
}

/* A decimal rounded to int64 (durations scaled by a decimal); -1 if out
 * of range. */
static inline int real_to_int(double d, int64_t *out)
{
	if (!(d > -9.2e18 && d < 9.2e18))
		return -1;
	*out = (int64_t)llround(d);
	return 0;
}

/*
 * The number written in text 's' (blanks around it allowed): decimal,
 * optionally signed, with fraction and exponent. 0 and '*out', or -1.
 */
int text_to_real(const char *s, size_t len, double *out);

/* near(): a circle, with its box for a cheap first test. */
struct expr_near {
	double lat, lon;    /* centre, degrees */
	double radius_m;    /* metres */
	struct geo_box box; /* valid when 'use_box' */
	int use_box;
};

void expr_near_init(struct expr_near *n, double lat, double lon, double r);

static inline int expr_near_test(const struct expr_near *n, double lat,
				 double lon)
{
	if (n->use_box && !geo_box_contains(&n->box, lat, lon))
		return 0;
	return geo_distance_m(n->lat, n->lon, lat, lon) <= n->radius_m;
}

/*
 * Format microseconds of duration 'us' the way dumps show it: the largest
 * unit that divides it exactly (1d, 2h, 10min, 90s, 250ms, 123us).
 */
struct buf;
void expr_dur_dump(int64_t us, struct buf *out);

#endif
