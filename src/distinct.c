/*
 * distinct.c - sorted runs of distinct keys under a memory budget (see
 * distinct.h). Does not parse or print anything.
 *
 * Runs stay in memory while the store's bytes of runs in memory allow
 * (dstore.run_budget), then go to one unlinked temporary file, appended
 * under the store's lock; a failing file is noted (dstore_problem) and
 * later runs stay in memory, so counts are exact even then. A set's runs
 * are read back by a heap of cursors, each spilled run through its own
 * read window.
 */
#include "distinct.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "varint.h"
#include "xalloc.h"
#include "banned.h"

#define WINDOW (64u << 10)             /* read buffer of a spilled run */

/* ---- the store ---- */

void dstore_init(struct dstore *s, size_t run_budget, const char *tmpdir,
		 const char *prefix)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->run_budget = run_budget;
	s->fd = -1;
	s->tmpdir = tmpdir;
	s->prefix = prefix;
}

void dstore_close(struct dstore *s)
{
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}

void dstore_release(struct dstore *s)
{
	dstore_close(s);
	pthread_mutex_destroy(&s->mu);
	buf_release(&s->problem);
}

const char *dstore_problem(const struct dstore *s)
{
	return s->problem.len ? buf_cstr((struct buf *)&s->problem) : NULL;
}

static void note_errno(struct dstore *s, const char *what, int err)
{
	char tmp[128];
	if (s->problem.len)
		return;
	if (strerror_r(err, tmp, sizeof(tmp)) != 0)
		snprintf(tmp, sizeof(tmp), "error %d", err);
	buf_addf(&s->problem, "%s: %s", what, tmp);
}

/* Create the spill file (caller holds the lock); 0 or -1. */
static int spill_open(struct dstore *s)
{
	const char *dir = s->tmpdir && *s->tmpdir ? s->tmpdir : "/tmp";
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/%s-XXXXXX", dir, s->prefix ? s->prefix : "cdrsift");
	int fd = mkstemp(path.data);
	if (fd < 0) {
		struct buf what = BUF_INIT;
		buf_addf(&what, "cannot create a temporary file in '%s'", dir);
		note_errno(s, buf_cstr(&what), errno);
		buf_release(&what);
		buf_release(&path);
		return -1;
	}
	unlink(path.data); /* gone when closed, even after a crash */
	buf_release(&path);
	s->fd = fd;
	return 0;
}

/* Write 'len' bytes at 'off' of the spill file; 0 or -1 (errno set). */
static int spill_write(int fd, const uint8_t *p, uint64_t len, uint64_t off)
{
	while (len) {
		size_t step = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t w = pwrite(fd, p, step, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

/* ---- runs ---- */

void druns_store(struct dstore *s, struct druns *rs, uint8_t *mem,
		 uint64_t bytes, uint64_t n)
{
	struct drun r = { mem, 0, bytes, n };
	pthread_mutex_lock(&s->mu);
	int to_file = s->mem_runs + bytes > s->run_budget && !s->disabled;
	if (to_file && s->fd < 0 && spill_open(s) < 0) {
		s->disabled = 1;
		to_file = 0;
	}
	if (to_file) {
		if (spill_write(s->fd, mem, bytes, s->off) == 0) {
			r.off = s->off;
			s->off += bytes;
			r.mem = NULL;
		} else {
			note_errno(s, "cannot write the temporary file", errno);
			s->disabled = 1;
			to_file = 0;
		}
	}
	if (!to_file)
		s->mem_runs += bytes;
	pthread_mutex_unlock(&s->mu);
	if (!r.mem)
		free(mem);
	VEC_GROW(rs->r, rs->n + 1, rs->alloc);
	rs->r[rs->n++] = r;
}

void distinct_radix_sort(uint64_t *a, size_t n, uint64_t *tmp)
{
	size_t count[8][256];
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++)
			count[b][(a[i] >> (8 * b)) & 0xff]++;
	uint64_t *src = a, *dst = tmp;
	for (int b = 0; b < 8; b++) {
		if (count[b][(a[0] >> (8 * b)) & 0xff] == n)
			continue; /* one value at this byte: nothing to do */
		size_t pos = 0;
		for (int c = 0; c < 256; c++) {
			size_t k = count[b][c];
			count[b][c] = pos;
			pos += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[b][(src[i] >> (8 * b)) & 0xff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
}

void druns_add_keys(struct dstore *s, struct druns *rs, uint64_t *a, size_t n,
		    uint64_t *tmp)
{
	size_t m = 0;
	if (!n)
		return;
	distinct_radix_sort(a, n, tmp);
	for (size_t i = 0; i < n; i++)
		if (!m || a[i] != a[m - 1])
			a[m++] = a[i];
	uint64_t bytes = 0;
	uint32_t ph = 0, plo = UINT32_MAX;
	for (size_t i = 0; i < m; i++) {
		uint32_t hi = (uint32_t)(a[i] >> 32), lo = (uint32_t)a[i];
		bytes += varint_len(hi - ph);
		bytes += varint_len(hi != ph ? lo : lo - plo - 1);
		ph = hi;
		plo = lo;
	}
	uint8_t *mem = xmalloc((size_t)bytes), *p = mem;
	ph = 0;
	plo = UINT32_MAX;
	for (size_t i = 0; i < m; i++) {
		uint32_t hi = (uint32_t)(a[i] >> 32), lo = (uint32_t)a[i];
		p = put_varint(p, hi - ph);
		p = put_varint(p, hi != ph ? lo : lo - plo - 1);
		ph = hi;
		plo = lo;
	}
	druns_store(s, rs, mem, bytes, m);
}

void druns_move(struct druns *into, struct druns *from)
{
	for (size_t i = 0; i < from->n; i++) {
		VEC_GROW(into->r, into->n + 1, into->alloc);
		into->r[into->n++] = from->r[i];
	}
	free(from->r);
	from->r = NULL;
	from->n = from->alloc = 0;
}

void druns_release(struct dstore *s, struct druns *rs)
{
	size_t mem = 0;
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->r[i].mem)
			mem += rs->r[i].bytes;
		free(rs->r[i].mem);
	}
	if (mem) {
		pthread_mutex_lock(&s->mu);
		s->mem_runs -= mem;
		pthread_mutex_unlock(&s->mu);
	}
	free(rs->r);
	rs->r = NULL;
	rs->n = rs->alloc = 0;
}

/* ---- the buffer ---- */

void dbuf_flush(struct dstore *s, struct dbuf *b, struct druns *rs,
		uint64_t *scratch)
{
	size_t n = b->n;
	b->n = 0;
	druns_add_keys(s, rs, b->a, n, scratch);
}

void dbuf_room(struct dstore *s, struct dbuf *b, struct druns *rs, size_t cap,
	       uint64_t *scratch)
{
	if (b->alloc >= cap) {
		dbuf_flush(s, b, rs, scratch);
		return;
	}
	size_t n = b->alloc ? b->alloc * 2 : 256;
	if (n > cap)
		n = cap;
	b->a = xreallocarray(b->a, n, sizeof(*b->a));
	b->alloc = n;
}

void dbuf_release(struct dbuf *b)
{
	free(b->a);
	b->a = NULL;
	b->n = b->alloc = 0;
}

/* ---- reading runs back ---- */

/* One run being read back. */
struct dcursor {
	const unsigned char *p, *end; /* bytes at hand */
	unsigned char *buf;           /* spilled run: the read window */
	uint64_t off, left;           /* spilled: next file offset, bytes unread */
	uint64_t n;                   /* entries not decoded yet */
	uint32_t hi, lo;              /* the last entry decoded */
	uint64_t key;                 /* hi << 32 | lo */
};

/* Decode the next entry into c->key: 1, 0 at the end, -1 on a read error. */
static int cursor_next(struct dcursor *c, int fd)
{
	if (!c->n)
		return 0;
	if (c->left && c->end - c->p < 20) {
		size_t keep = (size_t)(c->end - c->p);
		memmove(c->buf, c->p, keep);
		size_t want = WINDOW - keep;
		if (want > c->left)
			want = (size_t)c->left;
		size_t got = 0;
		while (got < want) {
			ssize_t r = pread(fd, c->buf + keep + got, want - got,
					  (off_t)(c->off + got));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				if (r == 0)
					errno = EIO;
				return -1;
			}
			got += (size_t)r;
		}
		c->off += got;
		c->left -= got;
		c->p = c->buf;
		c->end = c->buf + keep + got;
	}
	uint64_t dh = get_varint(&c->p), lv = get_varint(&c->p);
	if (c->p > c->end) {
		errno = EIO;
		return -1;
	}
	if (dh) {
		c->hi += (uint32_t)dh;
		c->lo = (uint32_t)lv;
	} else {
		c->lo = c->lo + 1 + (uint32_t)lv;
	}
	c->key = (uint64_t)c->hi << 32 | c->lo;
	c->n--;
	return 1;
}

static void heap_down(struct dmerge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < m->nheap && m->c[m->heap[l]].key < m->c[m->heap[s]].key)
			s = l;
		if (r < m->nheap && m->c[m->heap[r]].key < m->c[m->heap[s]].key)
			s = r;
		if (s == i)
			return;
		size_t t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

int dmerge_init(struct dmerge *m, const struct druns *rs,
		const struct dstore *s)
{
	memset(m, 0, sizeof(*m));
	m->fd = s->fd;
	m->ncur = rs->n;
	m->c = xcalloc(rs->n ? rs->n : 1, sizeof(*m->c));
	m->heap = xcalloc(rs->n ? rs->n : 1, sizeof(*m->heap));
	for (size_t i = 0; i < rs->n; i++) {
		struct dcursor *c = &m->c[i];
		const struct drun *r = &rs->r[i];
		c->n = r->n;
		c->lo = UINT32_MAX;
		if (r->mem) {
			c->p = r->mem;
			c->end = r->mem + r->bytes;
		} else {
			c->buf = xmalloc(WINDOW);
			c->p = c->end = c->buf;
			c->off = r->off;
			c->left = r->bytes;
		}
		int rc = cursor_next(c, m->fd);
		if (rc < 0)
			return -1;
		if (rc)
			m->heap[m->nheap++] = i;
	}
	for (size_t i = m->nheap / 2; i-- > 0;)
		heap_down(m, i);
	return 0;
}

int dmerge_next(struct dmerge *m, uint64_t *key)
{
	while (m->nheap) {
		struct dcursor *c = &m->c[m->heap[0]];
		uint64_t k = c->key;
		int rc = cursor_next(c, m->fd);
		if (rc < 0)
			return -1;
		if (!rc)
			m->heap[0] = m->heap[--m->nheap];
		heap_down(m, 0);
		if (m->any && k == m->last)
			continue;
		m->any = 1;
		m->last = k;
		*key = k;
		return 1;
	}
	return 0;
}

void dmerge_release(struct dmerge *m)
{
	for (size_t i = 0; i < m->ncur; i++)
		free(m->c[i].buf);
	free(m->c);
	free(m->heap);
}

/* ---- sets deduplicated in a table first ---- */

uint64_t distinct_hash(uint64_t x)
{
	x ^= 0x9e3779b97f4a7c15ull;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

#define DHASH_MIN 1024             /* slots of a first table (always given) */

static void dhash_insert(uint64_t *slot, size_t size, uint64_t key)
{
	size_t i = (size_t)distinct_hash(key) & (size - 1);
	while (slot[i]) {
		if (slot[i] == key + 1)
			return;
		i = (i + 1) & (size - 1);
	}
	slot[i] = key + 1;
}

void dhash_flush(struct dstore *s, struct dhash *h)
{
	if (!h->n)
		return;
	size_t n = 0;
	for (size_t i = 0; i < h->size; i++)
		if (h->slot[i])
			h->slot[n++] = h->slot[i] - 1; /* n <= i: in place */
	uint64_t *tmp = xcalloc(n, sizeof(*tmp));
	druns_add_keys(s, &h->runs, h->slot, n, tmp);
	free(tmp);
	memset(h->slot, 0, h->size * sizeof(*h->slot));
	h->n = 0;
}

/* Room for one more key: a larger table while the budget allows, else
   the table becomes a run. */
static void dhash_room(struct dstore *s, struct dhash *h)
{
	size_t size = h->size ? h->size * 2 : DHASH_MIN;
	size_t more = (size - h->size) * sizeof(*h->slot);
	pthread_mutex_lock(&s->mu);
	int ok = !h->size || s->table_bytes + more <= s->table_budget;
	if (ok)
		s->table_bytes += more;
	pthread_mutex_unlock(&s->mu);
	if (!ok) {
		dhash_flush(s, h);
		return;
	}
	uint64_t *slot = xcalloc(size, sizeof(*slot));
	for (size_t i = 0; i < h->size; i++)
		if (h->slot[i])
			dhash_insert(slot, size, h->slot[i] - 1);
	free(h->slot);
	h->slot = slot;
	h->size = size;
}

void dhash_add(struct dstore *s, struct dhash *h, uint64_t key)
{
	if ((h->n + 1) * 2 > h->size)
		dhash_room(s, h);
	size_t i = (size_t)distinct_hash(key) & (h->size - 1);
	while (h->slot[i]) {
		if (h->slot[i] == key + 1)
			return;
		i = (i + 1) & (h->size - 1);
	}
	h->slot[i] = key + 1;
	h->n++;
}

int dhash_merge(struct dstore *into_s, struct dhash *into,
		struct dstore *from_s, struct dhash *from)
{
	int rc = 0;
	if (into_s == from_s) {
		/* the smaller table's keys go into the other's table */
		for (size_t i = 0; i < from->size && from->n; i++)
			if (from->slot[i])
				dhash_add(into_s, into, from->slot[i] - 1);
		druns_move(&into->runs, &from->runs);
	} else {
		for (size_t i = 0; i < from->size; i++)
			if (from->slot[i])
				dhash_add(into_s, into, from->slot[i] - 1);
		struct dmerge m;
		uint64_t key;
		int r = dmerge_init(&m, &from->runs, from_s);
		while (r >= 0 && (r = dmerge_next(&m, &key)) > 0)
			dhash_add(into_s, into, key);
		dmerge_release(&m);
		rc = r < 0 ? -1 : 0;
	}
	dhash_release(from_s, from);
	return rc;
}

int dhash_count_union(struct dstore *s, struct dhash *const *hs, size_t n,
		      uint64_t *count)
{
	struct druns all = { NULL, 0, 0 };
	size_t nrun = 0, with_keys = 0;
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		nrun += hs[i]->runs.n;
		with_keys += hs[i]->n || hs[i]->runs.n;
	}
	if (nrun == 0 && with_keys <= 1) {
		for (size_t i = 0; i < n; i++)
			*count += hs[i]->n;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		dhash_flush(s, hs[i]);
		for (size_t j = 0; j < hs[i]->runs.n; j++) {
			VEC_GROW(all.r, all.n + 1, all.alloc);
			all.r[all.n++] = hs[i]->runs.r[j]; /* borrowed */
		}
	}
	if (all.n == 1) {
		*count = all.r[0].n;
		free(all.r);
		return 0;
	}
	struct dmerge m;
	uint64_t key;
	int r = dmerge_init(&m, &all, s);
	while (r >= 0 && (r = dmerge_next(&m, &key)) > 0)
		(*count)++;
	dmerge_release(&m);
	free(all.r);
	return r < 0 ? -1 : 0;
}

int dhash_count(struct dstore *s, struct dhash *h, uint64_t *n)
{
	return dhash_count_union(s, &h, 1, n);
}

size_t dhash_memory(const struct dhash *h)
{
	size_t m = h->size * sizeof(*h->slot);
	for (size_t i = 0; i < h->runs.n; i++)
		if (h->runs.r[i].mem)
			m += (size_t)h->runs.r[i].bytes;
	return m;
}

void dhash_release(struct dstore *s, struct dhash *h)
{
	if (h->size) {
		pthread_mutex_lock(&s->mu);
		s->table_bytes -= h->size * sizeof(*h->slot);
		pthread_mutex_unlock(&s->mu);
	}
	free(h->slot);
	h->slot = NULL;
	h->size = h->n = 0;
	druns_release(s, &h->runs);
}
