/*
 * intern.c - open-addressing hash of strings to dense ids (linear probing,
 * power-of-two table, grown at load factor 0.7). The hash of each id is kept
 * so growing never rehashes strings and most failed compares cost nothing.
 */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/*
 * A small, fast hash for short keys (phone numbers, IMEIs, cell ids): 8
 * bytes at a time through a 64-bit multiply-xorshift mix.
 */
uint64_t intern_hash_raw(const void *data, size_t len)
{
	const char *s = data;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (len * 0xff51afd7ed558ccdull);
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	if (len) {
		uint64_t w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0x94d049bb133111ebull;
		h ^= h >> 29;
	}
	return h;
}

uint32_t intern_hash(const char *s, size_t len)
{
	uint64_t h = intern_hash_raw(s, len);
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* span bit marking an id held by the numeric table, not the string table */
#define NUMERIC_BIT ((uint64_t)1 << 63)
#define SPAN_OFF(sp) (((sp) & ~NUMERIC_BIT) >> 24)

static void grow_slots(struct intern *t)
{
	size_t n = t->slot ? (t->mask + 1) * 2 : 1024;
	uint64_t *slot = xcalloc(n, sizeof(*slot));
	for (size_t id = 0; id < t->n; id++) {
		if (t->span[id] & NUMERIC_BIT)
			continue; /* lives in the numeric table */
		size_t i = t->hash[id] & (n - 1);
		while (slot[i])
			i = (i + 1) & (n - 1);
		slot[i] = (uint64_t)t->hash[id] << 32 | ((uint64_t)id + 1);
	}
	free(t->slot);
	t->slot = slot;
	t->mask = n - 1;
}

static int same(const struct intern *t, uint32_t id, const char *s, size_t len)
{
	uint64_t sp = t->span[id];
	const char *b = t->bytes + SPAN_OFF(sp);
	if ((sp & 0xffffff) != len)
		return 0;
	/* short keys (numbers, ids) compare faster inline than through memcmp */
	for (size_t i = 0; i < len; i++)
		if (b[i] != s[i])
			return 0;
	return 1;
}

/* The numeric key of a string of 1..17 digits ("0123" != "123"), or 0. */
static uint64_t numeric_key(const char *s, size_t len)
{
	uint64_t v = 0;
	if (len == 0 || len > 17)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return 0;
		v = v * 10 + d;
	}
	return v * 32 + len + 1; /* never 0 */
}

static size_t num_hash(uint64_t k)
{
	k ^= k >> 31;
	k *= 0x7fb5d329728ea185ull;
	k ^= k >> 27;
	return (size_t)k;
}

static void grow_numeric(struct intern *t)
{
	size_t n = t->nslot ? (t->nmask + 1) * 2 : 1024;
	struct intern_nslot *slot = xcalloc(n, sizeof(*slot));
	for (size_t i = 0; t->nslot && i <= t->nmask; i++) {
		if (!t->nslot[i].key)
			continue;
		size_t j = num_hash(t->nslot[i].key) & (n - 1);
		while (slot[j].key)
			j = (j + 1) & (n - 1);
		slot[j] = t->nslot[i];
	}
	free(t->nslot);
	t->nslot = slot;
	t->nmask = n - 1;
}

/* Append the text of a new string and return its id (UINT32_MAX: full). */
static uint32_t add_text(struct intern *t, const char *s, size_t len,
			 uint32_t h)
{
	if (t->n >= UINT32_MAX - 1)
		return UINT32_MAX;
	if (t->n + 1 > t->alloc) {
		size_t want = t->alloc ? t->alloc * 2 : 1024;
		t->span = xreallocarray(t->span, want, sizeof(*t->span));
		t->hash = xreallocarray(t->hash, want, sizeof(*t->hash));
		t->alloc = want;
	}
	size_t need = xsize_add(xsize_add(t->bytes_len, len), 1);
	if (need > t->bytes_alloc) {
		size_t want = t->bytes_alloc ? t->bytes_alloc : 16384;
		while (want < need)
			want = xsize_add(want, want);
		t->bytes = xrealloc(t->bytes, want);
		t->bytes_alloc = want;
	}
	memcpy(t->bytes + t->bytes_len, s, len);
	t->bytes[t->bytes_len + len] = '\0';
	t->span[t->n] = ((uint64_t)t->bytes_len << 24) | len;
	t->hash[t->n] = h;
	t->bytes_len += len + 1;
	return (uint32_t)t->n++;
}

void intern_prefetch(const struct intern *t, const char *s, size_t len)
{
	uint64_t nk = numeric_key(s, len);
	if (nk) {
		if (t->nslot)
			__builtin_prefetch(&t->nslot[num_hash(nk) & t->nmask]);
	} else if (t->slot) {
		__builtin_prefetch(&t->slot[intern_hash(s, len) & t->mask]);
	}
}

int64_t intern_get(const struct intern *t, const char *s, size_t len)
{
	uint64_t nk = numeric_key(s, len);
	if (nk) {
		if (!t->nslot)
			return -1;
		for (size_t i = num_hash(nk) & t->nmask;; i = (i + 1) & t->nmask) {
			if (!t->nslot[i].key)
				return -1;
			if (t->nslot[i].key == nk)
				return (int64_t)t->nslot[i].id;
		}
	}
	if (!t->slot)
		return -1;
	uint32_t h = intern_hash(s, len);
	for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
		uint64_t v = t->slot[i];
		if (!v)
			return -1;
		uint32_t id = (uint32_t)v - 1;
		if ((uint32_t)(v >> 32) == h && same(t, id, s, len))
			return id;
	}
}

uint32_t intern_put(struct intern *t, const char *s, size_t len, int *added)
{
	if (added)
		*added = 0;
	if (len > INTERN_MAX_LEN)
		return UINT32_MAX;
	uint64_t nk = numeric_key(s, len);
	if (nk) {
		if (!t->nslot || (t->nn + 1) * 10 > (t->nmask + 1) * 7)
			grow_numeric(t);
		size_t i;
		for (i = num_hash(nk) & t->nmask; t->nslot[i].key;
		     i = (i + 1) & t->nmask)
			if (t->nslot[i].key == nk)
				return (uint32_t)t->nslot[i].id;
		uint32_t id = add_text(t, s, len, 0);
		if (id == UINT32_MAX)
			return id;
		t->span[id] |= NUMERIC_BIT;
		t->nslot[i].key = nk;
		t->nslot[i].id = id;
		t->nn++;
		if (added)
			*added = 1;
		return id;
	}
	if (!t->slot || (t->n - t->nn + 1) * 10 > (t->mask + 1) * 7)
		grow_slots(t);
	uint32_t h = intern_hash(s, len);
	size_t i;
	for (i = h & t->mask; t->slot[i]; i = (i + 1) & t->mask) {
		uint64_t v = t->slot[i];
		uint32_t id = (uint32_t)v - 1;
		if ((uint32_t)(v >> 32) == h && same(t, id, s, len))
			return id;
	}
	uint32_t id = add_text(t, s, len, h);
	if (id == UINT32_MAX)
		return id;
	t->slot[i] = (uint64_t)h << 32 | ((uint64_t)id + 1);
	if (added)
		*added = 1;
	return id;
}

const char *intern_str(const struct intern *t, uint32_t id, size_t *len)
{
	uint64_t sp = t->span[id];
	if (len)
		*len = sp & 0xffffff;
	return t->bytes + SPAN_OFF(sp);
}

size_t intern_memory(const struct intern *t)
{
	return (t->nslot ? (t->nmask + 1) * sizeof(*t->nslot) : 0) +
	       (t->slot ? (t->mask + 1) * sizeof(*t->slot) : 0) +
	       t->alloc * (sizeof(*t->span) + sizeof(*t->hash)) + t->bytes_alloc;
}

uint32_t *intern_merge(struct intern *into, const struct intern *from)
{
	size_t n = intern_count(from);
	uint32_t *ids = xcalloc(n ? n : 1, sizeof(*ids));
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *s = intern_str(from, (uint32_t)i, &len);
		ids[i] = intern_put(into, s, len, NULL);
	}
	return ids;
}

struct sort_view {
	uint64_t pre;  /* the first 8 bytes, big-endian, zero-padded */
	const char *s;
	size_t len;
	uint32_t id;
};

/* Byte order: prefixes that differ decide as the bytes would (a shorter
   string's padding sorts it first); equal prefixes compare whole. */
static int cmp_view(const void *pa, const void *pb)
{
	const struct sort_view *a = pa, *b = pb;
	if (a->pre != b->pre)
		return a->pre < b->pre ? -1 : 1;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

uint32_t *intern_sort(struct intern *t, size_t *count)
{
	size_t n = intern_count(t);
	struct sort_view *k = xcalloc(n ? n : 1, sizeof(*k));
	uint32_t *rank = xcalloc(n ? n : 1, sizeof(*rank));
	for (size_t i = 0; i < n; i++) {
		k[i].s = intern_str(t, (uint32_t)i, &k[i].len);
		k[i].id = (uint32_t)i;
		k[i].pre = 0;
		for (size_t j = 0; j < 8; j++)
			k[i].pre = k[i].pre << 8 |
				   (j < k[i].len ? (unsigned char)k[i].s[j] : 0);
	}
	if (n)
		qsort(k, n, sizeof(*k), cmp_view);
	struct intern sorted = INTERN_INIT;
	for (size_t i = 0; i < n; i++) {
		rank[k[i].id] = (uint32_t)i;
		intern_put(&sorted, k[i].s, k[i].len, NULL);
	}
	free(k);
	intern_release(t);
	*t = sorted;
	if (count)
		*count = n;
	return rank;
}

void intern_release(struct intern *t)
{
	free(t->slot);
	free(t->hash);
	free(t->bytes);
	free(t->span);
	free(t->nslot);
	memset(t, 0, sizeof(*t));
}
