/*
 * keysort.c - the stable LSD radix sort of keysort.h.
 *
 * One pass over the keys counts all digits at once (9 histograms of 2048
 * counters: 6 digits of the time minus the minimum, 3 of the id); then one
 * scatter pass per digit that is not constant, least significant first,
 * between k and a second array of the same size. Stability of each pass
 * makes the whole sort stable.
 */
#include "keysort.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

enum { BITS = 11, RADIX = 1 << BITS, NT = 6, NI = 3, ND = NT + NI };

static inline size_t digit(const struct sort_key *k, int64_t tmin, int d)
{
	if (d < NT) {
		/* t - tmin in unsigned arithmetic: exact, since t >= tmin */
		uint64_t u = (uint64_t)k->t - (uint64_t)tmin;
		return (size_t)(u >> (d * BITS)) & (RADIX - 1);
	}
	return (size_t)(k->id >> ((d - NT) * BITS)) & (RADIX - 1);
}

void keysort(struct sort_key *k, size_t n)
{
	if (n < 2)
		return;
	int64_t tmin = k[0].t;
	for (size_t i = 1; i < n; i++)
		if (k[i].t < tmin)
			tmin = k[i].t;
	size_t (*cnt)[RADIX] = xcalloc(ND, sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < ND; d++)
			cnt[d][digit(&k[i], tmin, d)]++;
	struct sort_key *tmp = xmalloc(n * sizeof(*tmp));
	struct sort_key *src = k, *dst = tmp;
	for (int d = 0; d < ND; d++) {
		if (cnt[d][digit(&src[0], tmin, d)] == n)
			continue; /* every key has this digit */
		size_t off = 0;
		for (size_t v = 0; v < RADIX; v++) {
			size_t c = cnt[d][v];
			cnt[d][v] = off;
			off += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[d][digit(&src[i], tmin, d)]++] = src[i];
		struct sort_key *s = src;
		src = dst;
		dst = s;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
	free(tmp);
	free(cnt);
}

void keysort_ties(struct sort_key *k, size_t n,
		  int (*cmp)(const void *, const void *))
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && k[j].id == k[i].id && k[j].t == k[i].t)
			j++;
		if (j - i > 1)
			qsort(k + i, j - i, sizeof(*k), cmp);
		i = j;
	}
}

static size_t group_of(const unsigned char *r, size_t key_off, size_t nkeys)
{
	uint32_t k;
	memcpy(&k, r + key_off, sizeof(k));
	return k < nkeys ? k : nkeys;
}

/*
 * One group [0, n) into cmp order: nothing when sorted already, a merge
 * of its two runs when there are two (the records of one id from two
 * time-ordered feeds), else qsort.
 */
static void group_order(unsigned char *r, size_t n, size_t size,
			int (*cmp)(const void *, const void *),
			unsigned char **tmp, size_t *tmp_n)
{
	size_t i = 1, j;
	while (i < n && cmp(r + (i - 1) * size, r + i * size) <= 0)
		i++;
	if (i >= n)
		return;
	for (j = i + 1; j < n && cmp(r + (j - 1) * size, r + j * size) <= 0;
	     j++)
		;
	if (j < n) {
		qsort(r, n, size, cmp);
		return;
	}
	/* two runs: the first to tmp, merged back from the front */
	if (i > *tmp_n) {
		*tmp = xreallocarray(*tmp, i, size);
		*tmp_n = i;
	}
	memcpy(*tmp, r, i * size);
	size_t a = 0, b = i, o = 0;
	while (a < i && b < n) {
		if (cmp(*tmp + a * size, r + b * size) <= 0)
			memcpy(r + o++ * size, *tmp + a++ * size, size);
		else
			memcpy(r + o++ * size, r + b++ * size, size);
	}
	if (a < i)
		memcpy(r + o * size, *tmp + a * size, (i - a) * size);
}

/*
 * Position p takes record ord[p], in place; ord[p] = p marks p done.
 * One cycle at a time is one chain of dependent cache misses (two
 * random loads a record, most of a sort of 10M records), so CHAINS
 * walks run in turn, each prefetching its next step. A walk saves the
 * record where it starts; it ends where the record it needs is already
 * done, which can only be a start still held (a moved record is never
 * needed again), so walks may meet in one cycle. A position that is a
 * walk's current hole is never a start.
 */
enum { CHAINS = 8 };

static void apply_order(unsigned char *r, size_t n, size_t size,
			uint32_t *ord)
{
	struct walk {
		size_t j, from; /* the hole, and where its record is */
		int live;
	} w[CHAINS];
	struct held {
		size_t pos;
		int used;
	} hd[CHAINS];
	unsigned char *buf = xmalloc(CHAINS * size);
	size_t scan = 0;
	memset(w, 0, sizeof(w));
	memset(hd, 0, sizeof(hd));
	for (;;) {
		int any = 0;
		for (int c = 0; c < CHAINS; c++) {
			if (!w[c].live) {
				/* a new start: not done, not a hole */
				for (; scan < n; scan++) {
					if (ord[scan] == scan)
						continue;
					int hole = 0;
					for (int d = 0; d < CHAINS; d++)
						hole |= w[d].live && w[d].j == scan;
					if (!hole)
						break;
				}
				if (scan >= n)
					continue;
				int h = 0;
				while (hd[h].used)
					h++; /* held <= live < CHAINS */
				hd[h].used = 1;
				hd[h].pos = scan;
				memcpy(buf + (size_t)h * size, r + scan * size, size);
				w[c].live = 1;
				w[c].j = scan;
				w[c].from = ord[scan];
				scan++;
			}
			any = 1;
			size_t j = w[c].j, from = w[c].from;
			if (ord[from] == from) {
				/* a held start: its saved record ends the walk */
				int h = 0;
				while (!hd[h].used || hd[h].pos != from)
					h++;
				memcpy(r + j * size, buf + (size_t)h * size, size);
				hd[h].used = 0;
				ord[j] = (uint32_t)j;
				w[c].live = 0;
				continue;
			}
			size_t next = ord[from];
			memcpy(r + j * size, r + from * size, size);
			ord[j] = (uint32_t)j;
			w[c].j = from;
			w[c].from = next;
			__builtin_prefetch(&ord[next]);
			__builtin_prefetch(r + next * size);
			__builtin_prefetch(r + next * size + size - 1);
		}
		if (!any)
			break;
	}
	free(buf);
}

void groupsort(void *base, size_t n, size_t size, size_t key_off,
	       size_t nkeys, int (*cmp)(const void *, const void *))
{
	unsigned char *r = base;
	if (n < 2)
		return;
	size_t ng = nkeys + 1;
	size_t *start = xcalloc(ng + 1, sizeof(*start));
	unsigned char *tmp = xmalloc(size);
	for (size_t i = 0; i < n; i++)
		start[group_of(r + i * size, key_off, nkeys) + 1]++;
	for (size_t g = 0; g < ng; g++)
		start[g + 1] += start[g];
	if (n <= UINT32_MAX) {
		/* stable: position p takes record ord[p], so each group keeps
		   the records' order (often by time already) */
		uint32_t *ord = xmalloc(n * sizeof(*ord));
		size_t *next = xmalloc(ng * sizeof(*next));
		memcpy(next, start, ng * sizeof(*next));
		for (size_t i = 0; i < n; i++)
			ord[next[group_of(r + i * size, key_off, nkeys)]++] =
				(uint32_t)i;
		free(next);
		apply_order(r, n, size, ord);
		free(ord);
	} else {
		/* in place, cycle by cycle: next[g] where group g's next
		   record goes */
		size_t *next = xmalloc(ng * sizeof(*next));
		unsigned char *tmp2 = xmalloc(size);
		memcpy(next, start, ng * sizeof(*next));
		for (size_t g = 0; g < ng; g++) {
			while (next[g] < start[g + 1]) {
				size_t i = next[g];
				size_t h = group_of(r + i * size, key_off, nkeys);
				if (h == g) {
					next[g]++;
					continue;
				}
				memcpy(tmp, r + i * size, size);
				do {
					size_t j = next[h]++;
					size_t k = group_of(r + j * size, key_off,
							    nkeys);
					if (k == h)
						continue;
					unsigned char *p = r + j * size, *q;
					memcpy(tmp2, p, size);
					memcpy(p, tmp, size);
					q = tmp;
					tmp = tmp2;
					tmp2 = q;
					h = k;
				} while (h != g);
				memcpy(r + i * size, tmp, size);
				next[g]++;
			}
		}
		free(tmp2);
		free(next);
	}
	unsigned char *mtmp = NULL;
	size_t mtmp_n = 0;
	for (size_t g = 0; g < ng; g++) {
		size_t lo = start[g], hi = start[g + 1];
		if (hi - lo > 1)
			group_order(r + lo * size, hi - lo, size, cmp, &mtmp,
				    &mtmp_n);
	}
	free(mtmp);
	free(tmp);
	free(start);
}
