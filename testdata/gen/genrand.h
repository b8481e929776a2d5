/*
 * genrand.h - seeded PRNG, samplers and libm-free math for cdrgen.
 * xoshiro256** seeded through splitmix64 (Blackman and Vigna). exp, log and
 * cos are written with + - * / only, so that every IEEE-754 machine computes
 * the same bits (libm's exp and log may differ in the last ulp between C
 * libraries, which would change a rounded duration somewhere in a file of
 * millions of rows). Nothing here is fit for cryptography.
 */
#ifndef CDRGEN_GENRAND_H
#define CDRGEN_GENRAND_H

#include <stdint.h>

struct rng {
	uint64_t s[4]; /* xoshiro256** state, never all zero */
};

/* The splitmix64 finaliser: a fast 64-bit hash with good avalanche. */
uint64_t mix64(uint64_t x);

/*
 * Seed 'r' from 'seed' and a 'stream' number: different streams of one seed
 * are independent sequences, so that (for instance) the population does not
 * depend on how many rows are drawn afterwards.
 */
void rng_init(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); 'n' must be > 0. Bias below 2^-32 for n <= 2^32. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [lo, hi], both inclusive; lo <= hi. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);
/* Uniform double in [0, 1) with 53 random bits. */
double rng_unit(struct rng *r);
/* 1 with probability 'p' (clamped to 0..1), else 0. */
int rng_chance(struct rng *r, double p);
/* Standard normal deviate (Marsaglia's polar method). */
double rng_normal(struct rng *r);
/* Log-normal deviate with the given median and log-space deviation. */
double rng_lognormal(struct rng *r, double median, double sigma);
/*
 * Binomial(n, p) deviate: exact Bernoulli counting for n <= 64, Poisson
 * inversion for small means, a rounded normal approximation otherwise.
 * Always in [0, n]; p >= 1 gives exactly n.
 */
uint64_t rng_binomial(struct rng *r, uint64_t n, double p);

double det_exp(double x);
double det_log(double x); /* x > 0 */
double det_cos(double x); /* |x| <= 2 */
double det_pow(double x, double y); /* x > 0 */

#endif
