/*
 * genrand.c - xoshiro256** PRNG, samplers, and exp/log/cos from basic
 * arithmetic. Determinism rests on IEEE-754 doubles evaluated without excess
 * precision (FLT_EVAL_METHOD 0, every x86-64 and ARM64 target) and without
 * fused multiply-add contraction: gcc's -std=c11 already turns contraction
 * off, and the pragma below does it for clang. sqrt, floor, frexp and ldexp
 * are exact or correctly rounded in every libm, so they are used freely.
 */
#include "genrand.h"

#include <math.h>

#include "../../src/banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define LN2_HI 6.93147180369123816490e-01 /* k * LN2_HI exact for |k| < 2^11 */
#define LN2_LO 1.90821492927058770002e-10
#define LOG2E 1.44269504088896338700e+00
#define SQRT_HALF 7.07106781186547524401e-01

uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

void rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ mix64(stream * 0xd1342543de82ef95u + 1);
	int i;

	for (i = 0; i < 4; i++) {
		x += 0x9e3779b97f4a7c15u;
		r->s[i] = mix64(x);
	}
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	uint64_t x = rng_next(r);

	if (n <= 0xffffffffu)
		return ((x >> 32) * n) >> 32;
	return x % n;
}

int64_t rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int rng_chance(struct rng *r, double p)
{
	uint64_t x = rng_next(r) >> 11;

	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1;
	return x < (uint64_t)(p * 0x1.0p53);
}

double rng_normal(struct rng *r)
{
	double u, v, s;

	do {
		u = 2 * rng_unit(r) - 1;
		v = 2 * rng_unit(r) - 1;
		s = u * u + v * v;
	} while (s >= 1 || s == 0);
	return u * sqrt(-2 * det_log(s) / s);
}

double rng_lognormal(struct rng *r, double median, double sigma)
{
	return median * det_exp(sigma * rng_normal(r));
}

uint64_t rng_binomial(struct rng *r, uint64_t n, double p)
{
	double mean;

	if (n == 0 || p <= 0)
		return 0;
	if (p >= 1)
		return n;
	if (p > 0.5)
		return n - rng_binomial(r, n, 1 - p);
	if (n <= 64) {
		uint64_t k = 0, i;
		for (i = 0; i < n; i++)
			k += (uint64_t)rng_chance(r, p);
		return k;
	}
	mean = (double)n * p;
	if (mean < 24) {
		/* Poisson inversion; the loop ends by 'cdf' reaching 'u' */
		double prob = det_exp(-mean), cdf = prob, u = rng_unit(r);
		uint64_t k = 0;
		while (u > cdf && k < n && k < 1000) {
			k++;
			prob *= mean / (double)k;
			cdf += prob;
		}
		return k;
	} else {
		double sd = sqrt(mean * (1 - p));
		double x = floor(mean + sd * rng_normal(r) + 0.5);
		if (x < 0)
			return 0;
		if (x > (double)n)
			return n;
		return (uint64_t)x;
	}
}

/*
 * e^x = 2^k * e^r with k = round(x / ln 2) and |r| <= ln(2)/2; e^r from its
 * Taylor polynomial of degree 14 in Horner form (the next term is below
 * 2^-60 on that interval). The coefficients 1/n! are decimal literals, so
 * every compiler rounds them the same way.
 */
double det_exp(double x)
{
	static const double inv_fact[15] = {
		1.0, 1.0, 5.0e-1, 1.6666666666666666666666667e-1,
		4.1666666666666666666666667e-2, 8.3333333333333333333333333e-3,
		1.3888888888888888888888889e-3, 1.9841269841269841269841270e-4,
		2.4801587301587301587301587e-5, 2.7557319223985890652557319e-6,
		2.7557319223985890652557319e-7, 2.5052108385441718775052108e-8,
		2.0876756987868098979210090e-9, 1.6059043836821614599392377e-10,
		1.1470745597729724713851698e-11,
	};
	double k, rr, sum;
	int i;

	if (x > 709)
		return HUGE_VAL;
	if (x < -745)
		return 0;
	k = floor(x * LOG2E + 0.5);
	rr = (x - k * LN2_HI) - k * LN2_LO;
	sum = inv_fact[14];
	for (i = 13; i >= 0; i--)
		sum = sum * rr + inv_fact[i];
	return ldexp(sum, (int)k);
}

/*
 * log x = e ln 2 + log m with m in [sqrt(1/2), sqrt(2)); log m from the
 * atanh series 2 (s + s^3/3 + s^5/5 ...), s = (m - 1) / (m + 1), |s| < 0.172,
 * summed in Horner form in s^2 up to s^25.
 */
double det_log(double x)
{
	static const double inv_odd[13] = {
		1.0, 3.3333333333333333333333333e-1, 2.0e-1,
		1.4285714285714285714285714e-1, 1.1111111111111111111111111e-1,
		9.0909090909090909090909091e-2, 7.6923076923076923076923077e-2,
		6.6666666666666666666666667e-2, 5.8823529411764705882352941e-2,
		5.2631578947368421052631579e-2, 4.7619047619047619047619048e-2,
		4.3478260869565217391304348e-2, 4.0e-2,
	};
	double m, f, s, s2, sum;
	int e, k;

	if (!(x > 0))
		return -HUGE_VAL;
	m = frexp(x, &e);
	if (m < SQRT_HALF) {
		m *= 2;
		e--;
	}
	f = m - 1;
	s = f / (2 + f);
	s2 = s * s;
	sum = inv_odd[12];
	for (k = 11; k >= 0; k--)
		sum = sum * s2 + inv_odd[k];
	return (double)e * LN2_HI + ((double)e * LN2_LO + 2 * s * sum);
}

/* Taylor series; for |x| <= 2 the 14th term is below 2^-60. */
double det_cos(double x)
{
	double x2 = x * x, term = 1, sum = 1;
	int i;

	for (i = 1; i <= 14; i++) {
		term = -term * x2 / ((2 * i - 1) * (2 * i));
		sum += term;
	}
	return sum;
}

double det_pow(double x, double y)
{
	return det_exp(y * det_log(x));
}
