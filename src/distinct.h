/*
 * distinct.h - exact distinct counting under a memory budget: sets of
 * 64-bit keys kept as sorted, deduplicated runs, in memory up to a budget
 * and in one unlinked temporary file beyond it. `volume` counts its
 * distinct (group, item) pairs with it, `stats` its distinct subscribers,
 * cells and IMEIs; any analysis that needs exact distinct counts of more
 * keys than memory should hold can use it.
 *
 * Pieces:
 *
 *   struct dstore   the budget of run bytes held in memory and the spill
 *                   file, shared by any number of sets (thread-safe)
 *   struct dbuf     an unsorted buffer of keys: when full it is radix
 *                   sorted, deduplicated and stored as one run
 *   struct dhash    a set of keys deduplicated in a hash table first:
 *                   when its table outgrows its share it becomes a run
 *   struct druns    a set's runs
 *   struct dmerge   the distinct keys of a set's runs in order (a heap of
 *                   cursors): counting them gives the exact distinct count,
 *                   whatever the budget, the threads and the key order
 *
 * Run layout: entries sorted by key, unique; a key is split into hi (its
 * upper 32 bits) and lo (its lower 32 bits):
 *
 *   +-----------+----------------------------------+-----------+-----
 *   | varint dh | varint (dh ? lo : lo - plo - 1)  | varint dh | ...
 *   +-----------+----------------------------------+-----------+-----
 *   dh = hi - previous hi (from 0); plo = previous lo (from -1)
 *
 * so keys that share their upper half (volume: a group's pairs) take 1 to
 * 3 bytes each.
 */
#ifndef CDRSIFT_DISTINCT_H
#define CDRSIFT_DISTINCT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct dstore {
	pthread_mutex_t mu;       /* guards every field below */
	size_t run_budget;        /* bytes of runs kept in memory */
	size_t mem_runs;          /* bytes of runs in memory */
	int fd;                   /* the spill file, -1: none yet */
	int disabled;             /* the file failed: keep runs in memory */
	uint64_t off;             /* bytes written to the file */
	struct buf problem;       /* why the file could not be used */
	const char *tmpdir;       /* borrowed; NULL or "": /tmp */
	const char *prefix;       /* file name: PREFIX-XXXXXX (borrowed) */
	size_t table_budget;      /* dhash: bytes of tables in all sets */
	size_t table_bytes;       /* dhash: bytes of tables now */
};

/* 'prefix' names the file ("cdrsift-volume"); both strings borrowed. */
void dstore_init(struct dstore *s, size_t run_budget, const char *tmpdir,
		 const char *prefix);
/* Close the spill file: no set of the store can be read afterwards. */
void dstore_close(struct dstore *s);
void dstore_release(struct dstore *s);
static inline uint64_t dstore_spilled(const struct dstore *s) { return s->off; }
/* Why the spill file could not be used (runs were kept in memory), or NULL. */
const char *dstore_problem(const struct dstore *s);

/* A run: in memory ('mem'), or 'bytes' at 'off' of the spill file. */
struct drun {
	uint8_t *mem;
	uint64_t off, bytes;
	uint64_t n;               /* entries */
};

struct druns {
	struct drun *r;
	size_t n, alloc;
};

/* Store encoded run 'mem' (owned, 'bytes', 'n' entries) into 'rs'. */
void druns_store(struct dstore *s, struct druns *rs, uint8_t *mem,
		 uint64_t bytes, uint64_t n);
/* Sort 'n' keys of 'a' (with scratch 'tmp' of 'n'), deduplicate and
   store them as a run of 'rs'. */
void druns_add_keys(struct dstore *s, struct druns *rs, uint64_t *a, size_t n,
		    uint64_t *tmp);
/* Move the runs of 'from' (same store) to 'into'. */
void druns_move(struct druns *into, struct druns *from);
void druns_release(struct dstore *s, struct druns *rs);

/* Sort 'n' keys of 'a' (LSD radix, bytes that never differ skipped). */
void distinct_radix_sort(uint64_t *a, size_t n, uint64_t *tmp);

/* An unsorted buffer of at most 'cap' keys (the caller's) before a run. */
struct dbuf {
	uint64_t *a;
	size_t n, alloc;
};

/* Make room for one key: grow, or flush into 'rs' (scratch: 'cap' keys). */
void dbuf_room(struct dstore *s, struct dbuf *b, struct druns *rs, size_t cap,
	       uint64_t *scratch);
static inline void dbuf_add(struct dstore *s, struct dbuf *b, struct druns *rs,
			    size_t cap, uint64_t key, uint64_t *scratch)
{
	if (b->n == b->alloc)
		dbuf_room(s, b, rs, cap, scratch);
	b->a[b->n++] = key;
}
/* The buffer as a run of 'rs' (scratch: at least b->n keys). */
void dbuf_flush(struct dstore *s, struct dbuf *b, struct druns *rs,
		uint64_t *scratch);
void dbuf_release(struct dbuf *b);

/* The distinct keys of a set's runs, in increasing order. */
struct dmerge {
	struct dcursor *c;
	size_t *heap, nheap;
	size_t ncur;
	int fd;
	uint64_t last;
	int any;
};

/* 0, or -1 on a read error (errno set); release in either case. */
int dmerge_init(struct dmerge *m, const struct druns *rs,
		const struct dstore *s);
/* The next distinct key: 1, 0 at the end, -1 on a read error (errno set). */
int dmerge_next(struct dmerge *m, uint64_t *key);
void dmerge_release(struct dmerge *m);

/*
 * A set of keys deduplicated in memory first: an open-addressing table
 * that grows while the store's table_budget allows; at its limit it
 * becomes a sorted run and starts empty. Not thread-safe: one set is fed
 * by one thread (the store is shared).
 */
struct dhash {
	uint64_t *slot;           /* key + 1; 0: empty */
	size_t size, n;           /* slots (a power of two); keys held */
	struct druns runs;
};

/* 'key' must not be UINT64_MAX. */
void dhash_add(struct dstore *s, struct dhash *h, uint64_t key);
uint64_t distinct_hash(uint64_t key);
/* Start loading the slot of 'key' (looked up a few records later). */
static inline void dhash_prefetch(const struct dhash *h, uint64_t key)
{
	if (h->slot)
		__builtin_prefetch(&h->slot[distinct_hash(key) & (h->size - 1)]);
}
/* Add every key of 'from' into 'into', and release 'from'. Stores may
   differ (then the runs of 'from' are read back): 0, or -1 on a read
   error (errno set). */
int dhash_merge(struct dstore *into_s, struct dhash *into,
		struct dstore *from_s, struct dhash *from);
/* The table as a run: afterwards every key is in h->runs. */
void dhash_flush(struct dstore *s, struct dhash *h);
/* The exact number of distinct keys of the union of 'n' sets of store
   's' (tables are flushed to runs): 0 and '*count', or -1 on a read
   error (errno set). */
int dhash_count_union(struct dstore *s, struct dhash *const *hs, size_t n,
		      uint64_t *count);
int dhash_count(struct dstore *s, struct dhash *h, uint64_t *n);
size_t dhash_memory(const struct dhash *h);
void dhash_release(struct dstore *s, struct dhash *h);

#endif
