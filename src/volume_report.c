/*
 * volume_report.c - the order of volume's rows (see volume.c for the
 * state and volume.h for the interface).
 *
 * Report. Rows are first put in an order that depends on the keys alone
 * (hash, then bytes), then sorted (stable merge sort) or, for --top N,
 * selected with a heap of N. Key order is typed (cmp_typed: addresses,
 * numbers, durations and instants by value, digit strings before other
 * text) and total: only equal keys tie, so the order is the same for
 * every -j and every order of the input rows; the fixed start is kept as
 * a second guarantee.
 */
#include "volume_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeparse.h"
#include "xalloc.h"
#include "text.h"
#include "banned.h"

/* ---- report ---- */

/* A key component as stored. */
struct comp {
	int tag;                  /* KT_* */
	uint64_t val;             /* KT_NUM, KT_TIME (zigzag) */
	const char *s;            /* KT_TEXT */
	size_t len;
};

/* A key as stored: inline, or 'len' encoded bytes at 'p'. */
struct keyref {
	int is_inline;
	uint64_t inl;
	const unsigned char *p;
	size_t len;
};

static void key_of(const struct volume *v, uint64_t h, struct keyref *k)
{
	memset(k, 0, sizeof(*k));
	if (h & FILL) {
		k->is_inline = 1;
		k->inl = (uint64_t)KT_TIME << 61 |
			 zigzag(v->filler[h & 0xffffffffu]);
		return;
	}
	const struct gshard *s = &v->shard[h & (NSHARD - 1)];
	uint64_t key = grp(s, (uint32_t)(h & 0xffffffffu) >> SHARD_BITS)->key;
	if (key & KEY_ARENA) {
		k->p = s->arena + (key & ~KEY_ARENA);
		k->len = get_varint(&k->p);
	} else {
		k->is_inline = 1;
		k->inl = key;
	}
}

/* The next component of 'k' (advances an encoded key). */
static void comp_next(struct keyref *k, struct comp *c)
{
	memset(c, 0, sizeof(*c));
	if (k->is_inline) {
		c->tag = (int)((k->inl >> 61) & 3);
		c->val = k->inl & (((uint64_t)1 << 61) - 1);
		return;
	}
	if (!k->len) {
		c->tag = KT_EMPTY;
		return;
	}
	const unsigned char *p = k->p, *start = p;
	c->tag = *p++;
	if (c->tag == KT_NUM || c->tag == KT_TIME) {
		c->val = get_varint(&p);
	} else if (c->tag == KT_TEXT) {
		c->len = get_varint(&p);
		c->s = (const char *)p;
		p += c->len;
	}
	k->len -= (size_t)(p - start);
	k->p = p;
}

/* The text of component 'c' of key position 'i': in 'tmp' (64 bytes) or stored. */
static const char *comp_text(const struct volume *v, size_t i,
			     const struct comp *c, char *tmp, size_t *len)
{
	int n;
	switch (c->tag) {
	case KT_NUM:
		n = snprintf(tmp, 64, "%llu", (unsigned long long)c->val);
		*len = n > 0 ? (size_t)n : 0;
		return tmp;
	case KT_TIME:
		*len = volume_time_text(v->o.keys[i], unzigzag(c->val), tmp);
		return tmp;
	case KT_TEXT:
		*len = c->len;
		return c->s;
	}
	*len = 0;
	return "";
}

/* -1, 0 or 1 as 'x' is below, equal to or above 'y'. */
#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))

/*
 * Order of two key texts of a field of type 'type' (the man page's
 * `--sort key`): the empty (missing) value first; addresses as numbers,
 * IPv4 before IPv6; integers, decimals and durations by value; instants
 * in time order; other text (identifiers, words, dates written
 * YYYY-MM-DD) with the all-digit values (phone numbers, cell ids) first
 * in numeric order, then the rest bytewise. Values of equal rank compare
 * bytewise, so this is a total order in which only equal texts tie.
 */
static int cmp_typed(int type, const char *a, size_t al, const char *b,
		     size_t bl)
{
	if (!al || !bl)
		return CMP3(al != 0, bl != 0);
	char ta[64], tb[64];
	int c = 0;
	switch (type) {
	case FT_IP: {
		struct ipaddr x, y;
		if (ip_parse(a, al, &x) == 0 && ip_parse(b, bl, &y) == 0) {
			c = CMP3(x.v6, y.v6);
			if (!c)
				c = memcmp(x.b, y.b, x.v6 ? 16 : 4);
		}
		break;
	}
	case FT_INT:
	case FT_REAL:
		if (al < sizeof(ta) && bl < sizeof(tb)) {
			char *ea, *eb;
			memcpy(ta, a, al);
			ta[al] = '\0';
			memcpy(tb, b, bl);
			tb[bl] = '\0';
			if (type == FT_INT) {
				long long x = strtoll(ta, &ea, 10);
				long long y = strtoll(tb, &eb, 10);
				if (!*ea && !*eb)
					c = CMP3(x, y);
			} else {
				double x = strtod(ta, &ea), y = strtod(tb, &eb);
				if (!*ea && !*eb)
					c = CMP3(x, y);
			}
		}
		break;
	case FT_DUR: {
		int64_t x, y;
		if (dur_parse(a, al, &x) == 0 && dur_parse(b, bl, &y) == 0)
			c = CMP3(x, y);
		break;
	}
	case FT_TIME: {
		int64_t x, y;
		if (ts_parse(a, al, NULL, &x) == 0 && ts_parse(b, bl, NULL, &y) == 0)
			c = CMP3(x, y);
		break;
	}
	default: {
		int da = text_is_digits(a, al), db = text_is_digits(b, bl);
		if (da != db)
			return da ? -1 : 1;
		if (da) {
			/* numeric order of digit strings: skip the leading zeros */
			size_t za = 0, zb = 0;
			while (za + 1 < al && a[za] == '0')
				za++;
			while (zb + 1 < bl && b[zb] == '0')
				zb++;
			c = CMP3(al - za, bl - zb);
			if (!c)
				c = memcmp(a + za, b + zb, al - za);
		}
		break;
	}
	}
	return c ? c : cmp_bytes(a, al, b, bl);
}

/* The field type of key position 'i' (what cmp_typed orders by). */
static int comp_type(const struct volume *v, size_t i)
{
	if (v->o.pairs)
		return FT_PHONE;
	int key = v->o.keys[i];
	return key < F_COUNT ? (int)field_table[key].type : FT_DATE;
}

static int cmp_comp(const struct volume *v, size_t i, const struct comp *a,
		    const struct comp *b)
{
	char ta[64], tb[64];
	size_t al, bl;
	if (a->tag == KT_EMPTY || b->tag == KT_EMPTY)
		return CMP3(a->tag != KT_EMPTY, b->tag != KT_EMPTY);
	if (a->tag == KT_TIME && b->tag == KT_TIME)
		return CMP3(unzigzag(a->val), unzigzag(b->val));
	if (a->tag == KT_NUM && b->tag == KT_NUM)
		return CMP3(a->val, b->val); /* digits without a leading zero */
	const char *x = comp_text(v, i, a, ta, &al);
	const char *y = comp_text(v, i, b, tb, &bl);
	return cmp_typed(comp_type(v, i), x, al, y, bl);
}

static int key_empty(const struct keyref *k)
{
	return k->is_inline && ((k->inl >> 61) & 3) == KT_EMPTY;
}

static int64_t key_tkey(const struct keyref *k)
{
	if (k->is_inline && ((k->inl >> 61) & 3) == KT_TIME)
		return unzigzag(k->inl & (((uint64_t)1 << 61) - 1));
	return 0;
}

/* Key order (volume.h): time order for a lone time key, else by component. */
static int cmp_key(const struct volume *v, uint64_t ha, uint64_t hb)
{
	struct keyref a, b;
	key_of(v, ha, &a);
	key_of(v, hb, &b);
	if (v->lone_time && !key_empty(&a) && !key_empty(&b) &&
	    key_tkey(&a) != key_tkey(&b))
		return key_tkey(&a) < key_tkey(&b) ? -1 : 1;
	size_t n = v->ncomp ? v->ncomp : 1;
	for (size_t i = 0; i < n; i++) {
		struct comp ca, cb;
		comp_next(&a, &ca);
		comp_next(&b, &cb);
		int c = cmp_comp(v, i, &ca, &cb);
		if (c)
			return c;
	}
	return 0;
}

static uint64_t row_hash(const struct volume *v, uint64_t h)
{
	struct keyref k;
	key_of(v, h, &k);
	return k.is_inline ? key_hash_inline(k.inl) : hash_bytes(k.p, k.len);
}

/* Canonical order of two stored keys: hash, then bytes (total, fixed). */
static int cmp_canon(const struct volume *v, uint64_t hx, uint64_t hy)
{
	uint64_t ax = row_hash(v, hx), ay = row_hash(v, hy);
	if (ax != ay)
		return ax < ay ? -1 : 1;
	struct keyref a, b;
	key_of(v, hx, &a);
	key_of(v, hy, &b);
	if (a.is_inline != b.is_inline)
		return a.is_inline ? -1 : 1;
	if (a.is_inline)
		return a.inl < b.inl ? -1 : a.inl > b.inl;
	size_t m = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.p, b.p, m);
	return c ? c : (a.len < b.len ? -1 : a.len > b.len);
}

/* Report order: larger sort value first, then key order. */
static int cmp_rows(const struct volume *v, const struct rowent *x,
		    const struct rowent *y)
{
	if (x->a != y->a)
		return x->a > y->a ? -1 : 1;
	return cmp_key(v, x->h, y->h);
}

/* cmp_rows, then the canonical order: a total order on rows. */
static int cmp_total(const struct volume *v, const struct rowent *x,
		     const struct rowent *y)
{
	int c = cmp_rows(v, x, y);
	return c ? c : cmp_canon(v, x->h, y->h);
}

typedef int (*row_cmp)(const struct volume *v, const struct rowent *x,
		       const struct rowent *y);

/* Stable merge sort of 'n' rows ('tmp' holds n). */
static void sort_rows(const struct volume *v, struct rowent *a, size_t n,
		      struct rowent *tmp, row_cmp cmp)
{
	if (n < 2)
		return;
	if (n <= 12) {
		for (size_t i = 1; i < n; i++) {
			struct rowent x = a[i];
			size_t j = i;
			for (; j > 0 && cmp(v, &a[j - 1], &x) > 0; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	size_t h = n / 2;
	sort_rows(v, a, h, tmp, cmp);
	sort_rows(v, a + h, n - h, tmp, cmp);
	if (cmp(v, &a[h - 1], &a[h]) <= 0)
		return; /* already in order */
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = cmp(v, &a[j], &a[i]) < 0 ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	memcpy(a, tmp, k * sizeof(*a)); /* the rest of a[j..n) is in place */
}

/* The group of handle 'h' in full ('w'), with its distinct counts. */
static void row_group(const struct volume *v, uint64_t h, struct wgroup *w,
		      uint64_t *peers, uint64_t *cells, uint64_t *subs)
{
	*peers = *cells = *subs = 0;
	if (h & FILL) {
		memset(w, 0, sizeof(*w));
		return;
	}
	const struct gshard *s = &v->shard[h & (NSHARD - 1)];
	uint32_t local = (uint32_t)(h & 0xffffffffu) >> SHARD_BITS;
	volume_group_get(s, local, w);
	if (s->cnt) {
		*peers = s->cnt[NKIND * (size_t)local];
		*cells = s->cnt[NKIND * (size_t)local + 1];
		*subs = s->cnt[NKIND * (size_t)local + 2];
	}
}

static uint64_t primary_of(const struct volume *v, uint64_t h,
			   enum volume_sort sort)
{
	struct wgroup w;
	uint64_t peers, cells, subs;
	if (sort == VS_DEFAULT || sort == VS_KEY)
		return 0;
	row_group(v, h, &w, &peers, &cells, &subs);
	switch (sort) {
	case VS_COUNT: return w.records;
	case VS_DURATION: return (uint64_t)w.dur_total;
	case VS_BYTES: return w.bytes_up + w.bytes_down;
	case VS_DISTINCT: return peers;
	case VS_DEFAULT:
	case VS_KEY: return 0;
	}
	return 0;
}

/* The empty buckets between the first and the last time key. */
static void make_fillers(struct volume *v)
{
	int key = v->o.keys[0];
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (unsigned si = 0; si < NSHARD; si++) {
		const struct gshard *s = &v->shard[si];
		for (size_t i = 0; i < s->n; i++) {
			struct keyref k = { 1, grp(s, (uint32_t)i)->key, NULL, 0 };
			if (key_empty(&k))
				continue;
			int64_t t = key_tkey(&k);
			if (t < lo)
				lo = t;
			if (t > hi)
				hi = t;
		}
	}
	if (key == F_HOUR)
		lo = 0, hi = 23;
	if (key == F_DOW)
		lo = 1, hi = 7;
	int64_t step = key == VK_WEEK ? 7 : 1;
	if (!(lo <= hi && (hi - lo) / step < 10000000))
		return;
	size_t span = (size_t)((hi - lo) / step) + 1, alloc = 0;
	uint8_t *seen = xcalloc(span, 1);
	for (unsigned si = 0; si < NSHARD; si++) {
		const struct gshard *s = &v->shard[si];
		for (size_t i = 0; i < s->n; i++) {
			struct keyref k = { 1, grp(s, (uint32_t)i)->key, NULL, 0 };
			if (!key_empty(&k))
				seen[(key_tkey(&k) - lo) / step] = 1;
		}
	}
	for (size_t k = 0; k < span; k++) {
		if (seen[k])
			continue;
		VEC_GROW(v->filler, v->nfiller + 1, alloc);
		v->filler[v->nfiller++] = lo + (int64_t)k * step;
	}
	free(seen);
}

/* Sift row 'i' of max-heap 'a' (worst row on top) down. */
static void row_heap_down(const struct volume *v, struct rowent *a, size_t n,
			  size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < n && cmp_total(v, &a[l], &a[s]) > 0)
			s = l;
		if (r < n && cmp_total(v, &a[r], &a[s]) > 0)
			s = r;
		if (s == i)
			return;
		struct rowent t = a[i];
		a[i] = a[s];
		a[s] = t;
		i = s;
	}
}

/*
 * Offer the row of handle 'h' to rows[0..*n): kept in full without a
 * --top, else into the heap of the best 'top' (a heap from the moment it
 * is full).
 */
static void offer_row(const struct volume *v, struct rowent *rows, size_t *n,
		      size_t top, uint64_t h, enum volume_sort sort)
{
	struct rowent e = { primary_of(v, h, sort), h };
	if (!top || *n < top) {
		rows[(*n)++] = e;
		if (top && *n == top)
			for (size_t k = top / 2; k-- > 0;)
				row_heap_down(v, rows, top, k);
		return;
	}
	if (cmp_total(v, &e, &rows[0]) < 0) {
		rows[0] = e;
		row_heap_down(v, rows, top, 0);
	}
}

size_t volume_report(struct volume *v, enum volume_sort sort, size_t top,
		     uint64_t min_count, uint64_t *hidden)
{
	if (!v->finished)
		BUG("volume_report before volume_finish");
	if (sort == VS_DEFAULT && !v->lone_time)
		sort = VS_COUNT;
	free(v->rows);
	free(v->filler);
	v->rows = NULL;
	v->filler = NULL;
	v->nrows = v->nfiller = 0;
	if (v->lone_time && (sort == VS_DEFAULT || sort == VS_KEY) && v->ngroups)
		make_fillers(v);
	/*
	 * One pass over the groups: with --top only the best 'top' rows are
	 * kept (a heap with the worst of them on top), so the report costs
	 * 16 bytes a shown row, not a row per group. The order is total
	 * (cmp_total: the sort value, the key, then the canonical order of
	 * the stored keys), so the rows and their order depend on the groups
	 * alone, not on which thread added a group first: the same for
	 * every -j.
	 */
	size_t n = 0, cap = v->ngroups + v->nfiller;
	if (top && top < cap)
		cap = top;
	struct rowent *rows = xcalloc(cap + 1, sizeof(*rows));
	*hidden = 0;
	for (unsigned si = 0; si < NSHARD; si++) {
		const struct gshard *s = &v->shard[si];
		for (size_t i = 0; i < s->n; i++) {
			const struct ngroup *g = grp(s, (uint32_t)i);
			uint64_t rec = g->records == WIDE ?
				s->wide[g->dur_max].records : g->records;
			if (rec < min_count) {
				(*hidden)++;
				continue;
			}
			uint64_t h = (uint64_t)((uint32_t)i << SHARD_BITS | si);
			offer_row(v, rows, &n, top, h, sort);
		}
	}
	if (min_count <= 1)
		for (size_t i = 0; i < v->nfiller; i++)
			offer_row(v, rows, &n, top, FILL | i, sort);
	struct rowent *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
	sort_rows(v, rows, n, tmp, cmp_total);
	free(tmp);
	v->rows = rows;
	v->nrows = n;
	return n;
}

void volume_row(const struct volume *v, size_t i, struct volume_group *g)
{
	struct wgroup w;
	uint64_t h = v->rows[i].h;
	memset(g, 0, sizeof(*g));
	row_group(v, h, &w, &g->peers, &g->cells, &g->subscribers);
	g->id = h;
	g->records = w.records;
	g->dur_n = w.dur_n;
	g->dur_total = w.dur_total;
	g->dur_max = w.dur_max;
	g->bytes_up = w.bytes_up;
	g->bytes_down = w.bytes_down;
	g->up_n = w.up_n;
	g->down_n = w.down_n;
	g->first = w.first;
	g->last = w.last;
	g->timed = w.timed;
	for (int k = 0; k < 2; k++) {
		g->dir_n[k] = w.dir_n[k];
		g->dir_dur[k] = w.dir_dur[k];
	}
	struct keyref k;
	key_of(v, h, &k);
	g->tkey = key_tkey(&k);
}

const char *volume_key_text(struct volume *v, const struct volume_group *g,
			    size_t i, size_t *len)
{
	struct keyref k;
	struct comp c;
	char tmp[64];
	key_of(v, g->id, &k);
	for (size_t j = 0; j <= i; j++)
		comp_next(&k, &c);
	const char *t = comp_text(v, i, &c, tmp, len);
	if (t != tmp)
		return t;
	buf_reset(&v->text);
	buf_add(&v->text, tmp, *len);
	return buf_cstr(&v->text);
}

size_t volume_ngroups(const struct volume *v)
{
	size_t n = 0;
	for (unsigned si = 0; si < NSHARD; si++)
		n += v->shard[si].n;
	return n;
}

size_t volume_memory(const struct volume *v)
{
	size_t m = 0;
	for (unsigned si = 0; si < NSHARD; si++) {
		const struct gshard *s = &v->shard[si];
		m += s->nchunk * CHUNK * (sizeof(**s->g) +
					  (s->dir ? sizeof(**s->dir) : 0)) +
		     s->isize * sizeof(*s->index) +
		     s->walloc * sizeof(*s->wide) + s->arena_alloc +
		     (s->cnt ? s->n * NKIND * sizeof(*s->cnt) : 0) +
		     intern_memory(&s->splits) + intern_memory(&s->cellkeys) +
		     s->cellalloc * sizeof(*s->cellcount);
	}
	for (unsigned ti = 0; ti < NSTRIPE; ti++) {
		const struct istripe *t = &v->stripe[ti];
		m += t->nsize * sizeof(*t->num) + t->wsize * sizeof(*t->wnum) +
		     intern_memory(&t->text) + t->text_alloc * sizeof(*t->text_id) +
		     t->pairs.alloc * sizeof(*t->pairs.a);
	}
	return m + v->store.mem_runs + intern_memory(&v->cellkeys) +
	       v->cellalloc * sizeof(*v->cellcount);
}

uint64_t volume_spilled(const struct volume *v)
{
	return dstore_spilled(&v->store);
}

const char *volume_spill_problem(const struct volume *v)
{
	return dstore_problem(&v->store);
}

/* Split values: 'h' is the id; bytes order first, then key order. */
static int cmp_split_bytes(const struct volume *v, const struct rowent *x,
			   const struct rowent *y)
{
	size_t al, bl;
	const char *a = intern_str(&v->splits, (uint32_t)x->h, &al);
	const char *b = intern_str(&v->splits, (uint32_t)y->h, &bl);
	return cmp_bytes(a, al, b, bl);
}

static int cmp_split(const struct volume *v, const struct rowent *x,
		     const struct rowent *y)
{
	size_t al, bl;
	const char *a = intern_str(&v->splits, (uint32_t)x->h, &al);
	const char *b = intern_str(&v->splits, (uint32_t)y->h, &bl);
	int key = v->o.split;
	return cmp_typed(key < F_COUNT && !key_from_start(key) ?
			 (int)field_table[key].type : FT_DATE, a, al, b, bl);
}

size_t volume_split_values(const struct volume *v, uint32_t **ids)
{
	size_t n = intern_count(&v->splits);
	struct rowent *items = xcalloc(n ? n : 1, sizeof(*items));
	struct rowent *tmp = xcalloc(n ? n : 1, sizeof(*tmp));
	for (size_t i = 0; i < n; i++)
		items[i] = (struct rowent){ 0, i };
	/* a fixed start, as for the rows (see the top of this file) */
	sort_rows(v, items, n, tmp, cmp_split_bytes);
	sort_rows(v, items, n, tmp, cmp_split);
	*ids = xcalloc(n ? n : 1, sizeof(**ids));
	for (size_t i = 0; i < n; i++)
		(*ids)[i] = (uint32_t)items[i].h;
	free(items);
	free(tmp);
	return n;
}

const char *volume_split_text(const struct volume *v, uint32_t id)
{
	return intern_str(&v->splits, id, NULL);
}

uint64_t volume_split_count(const struct volume *v,
			    const struct volume_group *g, uint32_t split_id)
{
	if (g->id & FILL)
		return 0;
	uint64_t k = (g->id & 0xffffffffu) << 32 | split_id;
	int64_t cid = intern_get(&v->cellkeys, (const char *)&k, 8);
	return cid < 0 ? 0 : v->cellcount[cid];
}

