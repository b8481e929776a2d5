/*
 * test_keysort.c - the radix sort against qsort on (id, t, input index):
 * the order is (id, t) with equal keys in input order (stable), for keys
 * with negative, huge and equal times, constant digits and full-range
 * ids; keysort_ties orders the runs of equal (id, t) by the caller's
 * comparison, and keysort_apply permutes records the same way.
 */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keysort.h"

static int cmp_oracle(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* ties by descending index: an order that stability alone does not give */
static int cmp_desc(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	return a->idx > b->idx ? -1 : a->idx < b->idx;
}

static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 11;
}

TEST_SUITE(keysort)
{
	enum { N = 30000 };
	static struct sort_key k[N], o[N];
	static uint64_t rec[N];
	uint64_t seed = 99;
	for (int shape = 0; shape < 5; shape++) {
		size_t n = shape == 4 ? 1 : N;
		for (size_t i = 0; i < n; i++) {
			uint64_t r = next(&seed);
			switch (shape) {
			case 0: /* a quarter of milliseconds, 1000 subscribers */
				k[i].id = (uint32_t)(r % 1000);
				k[i].t = 1735689600000 + (int64_t)(r % 7776000000);
				break;
			case 1: /* full range both, negative and extreme times */
				k[i].id = (uint32_t)next(&seed);
				k[i].t = (int64_t)(next(&seed) << 11) ^
					 (int64_t)r;
				if (i % 7 == 0)
					k[i].t = i % 2 ? INT64_MIN : INT64_MAX;
				break;
			case 2: /* many equal keys */
				k[i].id = (uint32_t)(r % 3);
				k[i].t = (int64_t)(r % 5) - 2;
				break;
			default: /* all equal; one key */
				k[i].id = 7;
				k[i].t = -1;
				break;
			}
			k[i].idx = (uint32_t)i;
		}
		memcpy(o, k, n * sizeof(*k));
		qsort(o, n, sizeof(*o), cmp_oracle);
		keysort(k, n);
		int same = 1;
		for (size_t i = 0; i < n; i++)
			if (k[i].id != o[i].id || k[i].t != o[i].t ||
			    k[i].idx != o[i].idx)
				same = 0;
		CHECK(same);
		/* ties by the caller's order */
		keysort_ties(k, n, cmp_desc);
		int ties_ok = 1;
		for (size_t i = 1; i < n; i++)
			if (k[i].id == k[i - 1].id && k[i].t == k[i - 1].t &&
			    k[i].idx > k[i - 1].idx)
				ties_ok = 0;
		CHECK(ties_ok);
		/* apply: record i was i*3+1; position i must hold k[i].idx's */
		for (size_t i = 0; i < n; i++)
			rec[i] = i * 3 + 1;
		memcpy(o, k, n * sizeof(*k));
		uint64_t tmp;
		keysort_apply(rec, sizeof(*rec), k, n, &tmp);
		int applied = 1;
		for (size_t i = 0; i < n; i++)
			if (rec[i] != (uint64_t)o[i].idx * 3 + 1)
				applied = 0;
		CHECK(applied);
	}
	keysort(k, 0); /* must not touch anything */
}
