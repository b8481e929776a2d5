/*
 * intern.h - string interning: each distinct string gets a dense id
 * (0, 1, 2, ...) in order of first appearance. Analyses key their tables on
 * ids, so a subscriber seen ten million times is stored once. Exact, never
 * approximate: distinct counts built on it are exact.
 *
 * Memory per distinct string: its bytes + 1, 12 bytes of span and hash,
 * 8-16 bytes of hash slot (load factor at most 0.7). A slot holds the hash
 * beside the id, so a probe touches one cache line until the hash matches.
 * Short digit strings (phone numbers, IMSIs, IMEIs, cell ids: the keys of
 * nearly every analysis) are looked up by their numeric value in a table of
 * their own, one cache miss per lookup instead of three.
 * Ownership: the pool owns its strings; intern_str() views are borrowed and
 * valid until the next intern_put() (the byte store may move).
 */
#ifndef CDRSIFT_INTERN_H
#define CDRSIFT_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct intern {
	uint64_t *slot;   /* hash slots: hash << 32 | (id + 1); 0 when empty */
	uint32_t *hash;   /* hash of each id, for rehashing */
	size_t mask;      /* slots - 1 (slots a power of two) */
	char *bytes;      /* all strings, each NUL-terminated */
	size_t bytes_len, bytes_alloc;
	uint64_t *span;   /* id -> (offset << 24 | length) */
	size_t n, alloc;  /* strings interned; 'span' slots */
	/* digit strings of 1..17 digits: one probe in a numeric table */
	struct intern_nslot {
		uint64_t key; /* (digits value * 32 + length) + 1, or 0 */
		uint64_t id;  /* id of the string (in the same cache line) */
	} *nslot;
	size_t nmask, nn; /* numeric slots - 1; numeric strings held */
};

#define INTERN_INIT { 0 }

/* Strings longer than this are refused by intern_put (returns UINT32_MAX). */
#define INTERN_MAX_LEN ((1u << 24) - 1)

uint32_t intern_hash(const char *s, size_t len);
/* The 64-bit state intern_hash finishes: callers that want 64 bits mix it
   their own way. */
uint64_t intern_hash_raw(const void *data, size_t len);
/* The id of 's', adding it when new ('*added' set to 1 then). */
uint32_t intern_put(struct intern *t, const char *s, size_t len, int *added);
/*
 * Start loading the slot where 's' would be: callers that look up several
 * keys per record prefetch them all first, so the cache misses overlap.
 */
void intern_prefetch(const struct intern *t, const char *s, size_t len);
/* The id of 's', or -1 when it was never interned. */
int64_t intern_get(const struct intern *t, const char *s, size_t len);
/* The string of 'id' (NUL-terminated); '*len' gets its length. Borrowed. */
const char *intern_str(const struct intern *t, uint32_t id, size_t *len);
static inline size_t intern_count(const struct intern *t) { return t->n; }
/*
 * Every string of 'from' into 'into' (added where new), as when two
 * analyses' states merge; the id in 'into' of each id of 'from', an
 * array of intern_count(from) entries (at least one) the caller frees.
 */
uint32_t *intern_merge(struct intern *into, const struct intern *from);
/*
 * Replace 't' by the same strings in byte order (memcmp, then length),
 * for canonical ids in saved and reported states; the new id of each old
 * id, an array of intern_count(t) entries (at least one) the caller
 * frees. '*count' (when not NULL) gets the number of strings.
 */
uint32_t *intern_sort(struct intern *t, size_t *count);
/* Bytes held by the pool, for memory reports. */
size_t intern_memory(const struct intern *t);
void intern_release(struct intern *t);

#endif
