/*
 * keysort.h - a stable radix sort of small (id, time, index) keys.
 *
 * The analyses sort millions of wide records by entity and time before
 * they walk them (anomalies: per subscriber, per handset, per SIM). A
 * comparison sort over the records spends most of its time in the
 * comparison callback and in moving 56-byte records. Instead:
 *
 *   records --(id, t, idx)--> keys --LSD radix, 11-bit digits--> keys
 *           --keysort_ties: runs of equal (id, t) by the caller's order
 *           --keysort_apply: permute the records in place, cycle by cycle
 *
 * Digits that are the same in every key are skipped (times of one quarter
 * span ~33 bits of milliseconds after subtracting the minimum; ids of a
 * country's subscribers ~26 bits), so a sort is usually 5 or 6 passes of
 * 16-byte keys. The order is (id, t) ascending, t signed; keys equal in
 * both keep their input order (stable) until keysort_ties orders them.
 */
#ifndef CDRSIFT_KEYSORT_H
#define CDRSIFT_KEYSORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sort_key {
	uint32_t id;  /* first key */
	uint32_t idx; /* the record's index before the sort */
	int64_t t;    /* second key */
};

/* Sort k[0..n) by (id, t), stable. */
void keysort(struct sort_key *k, size_t n);

/* Within each run of keys equal in (id, t), qsort by 'cmp' (which sees
   struct sort_key pointers): the tie order a caller defines. */
void keysort_ties(struct sort_key *k, size_t n,
		  int (*cmp)(const void *, const void *));

/* Put the records of base (n of 'size' bytes) in the order of k: position
   i takes the record k[i].idx. Overwrites k[].idx. Inline, so that with a
   constant 'size' each move is a few vector moves, not a memcpy call:
   the moves are cache misses in random order and dominate a sort of
   millions of records. 'tmp' holds one record. */
static inline void keysort_apply(void *base, size_t size, struct sort_key *k,
				 size_t n, void *tmp)
{
	unsigned char *r = base;
	/* position i takes record k[i].idx; follow each cycle once */
	for (size_t i = 0; i < n; i++) {
		if (k[i].idx == i)
			continue;
		memcpy(tmp, r + i * size, size);
		size_t j = i;
		for (;;) {
			size_t from = k[j].idx;
			k[j].idx = (uint32_t)j; /* done */
			if (from == i) {
				memcpy(r + j * size, tmp, size);
				break;
			}
			memcpy(r + j * size, r + from * size, size);
			j = from;
		}
	}
}

/*
 * Sort n records of 'size' bytes in place, without a second array of
 * records: they are first moved into groups by the uint32 at byte offset
 * 'key_off' (a dense id below 'nkeys', e.g. a rank from intern_sort),
 * ascending, keeping their order within a group (a permutation of 4-byte
 * indexes, applied cycle by cycle); then each group is put in 'cmp'
 * order, which must order by that id first: left when sorted, its two
 * runs merged when it has two (time-ordered feeds one after the other),
 * else qsorted. The order is cmp's. Memory: 4 bytes a record while it
 * runs (beyond 2^32 records an unstable in-place permutation instead),
 * one counter per id. Records whose id is >= nkeys go last, in a group
 * of their own.
 */
void groupsort(void *base, size_t n, size_t size, size_t key_off,
	       size_t nkeys, int (*cmp)(const void *, const void *));

/* qsort, after one pass that finds 'base' sorted already (common: the
   records of one entity in a time-ordered input) and then leaves it. */
static inline void qsort_unsorted(void *base, size_t n, size_t size,
				  int (*cmp)(const void *, const void *))
{
	const unsigned char *p = base;
	size_t i = 1;
	while (i < n && cmp(p + (i - 1) * size, p + i * size) <= 0)
		i++;
	if (i < n)
		qsort(base, n, size, cmp);
}

#endif
