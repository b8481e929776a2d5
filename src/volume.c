/*
 * volume.c - grouping, exact distinct sets, merge and ordering for
 * `cdrsift volume` (see volume.h).
 *
 * Layout: a group's key is the text of its key fields joined by 0x1f,
 * interned in 'keys'; the group id is that key id, and 'groups' is indexed
 * by it. Distinct peers and cells are not a set per group (which explodes
 * with many small groups) but one open-addressing set of 64-bit
 * (group id << 32 | item id) pairs per kind, items interned once. A group
 * costs its aggregate struct (~140 bytes), its key text, and 8-16 bytes per
 * distinct (group, peer) and (group, cell) pair.
 *
 *   record --key text--> keys (intern) --id--> groups[id]
 *          --peer text-> peer pool --id--> pairset{(group, peer)}
 */
#include "volume.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "intern.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

#define SEP '\x1f'

struct pairset {
	uint64_t *slot;  /* key + 1 (0 = empty) */
	size_t mask, n;
};

struct volume {
	struct volume_opts o;
	struct intern keys;          /* group key texts */
	struct volume_group *groups; /* indexed by key id */
	size_t ngroups, alloc;
	struct intern items;         /* peers and cells, one pool */
	struct pairset peers, cells; /* (group, item) pairs seen */
	struct intern splits;        /* split values (split mode) */
	struct intern cellkeys;      /* split mode: "group,split" -> count slot */
	uint64_t *cellcount;
	size_t ncell, cellalloc;
	struct buf scratch;          /* key text being built */
	/* report */
	struct volume_group **sorted;
	struct volume_group *filler; /* empty time buckets */
	size_t nfiller;
	struct intern fillkeys;      /* texts of the empty buckets */
};

/* ---- keys ---- */

int volume_key_by_name(const char *name, size_t len)
{
	if (len == 4 && !memcmp(name, "week", 4))
		return VK_WEEK;
	if (len == 5 && !memcmp(name, "month", 5))
		return VK_MONTH;
	int f = field_by_name(name, len);
	if (f < 0 || (field_table[f].kinds & KB_AUX))
		return -1;
	return f;
}

const char *volume_key_name(int key)
{
	return key == VK_WEEK ? "week" : key == VK_MONTH ? "month" :
	       field_table[key].name;
}

int volume_key_is_time(int key)
{
	return key == F_HOUR || key == F_DOW || key == F_DATE ||
	       key == VK_WEEK || key == VK_MONTH;
}

uint64_t volume_needs(const struct volume_opts *o)
{
	uint64_t need = FIELD_BIT(F_START) | FIELD_BIT(F_DURATION) |
			FIELD_BIT(F_TYPE) | FIELD_BIT(F_PEER) |
			FIELD_BIT(F_CELL) | FIELD_BIT(F_BYTES_UP) |
			FIELD_BIT(F_BYTES_DOWN) | FIELD_BIT(F_DST_IP);
	for (size_t i = 0; i < o->nkeys; i++)
		need |= o->keys[i] < F_COUNT ? FIELD_BIT(o->keys[i]) :
					       FIELD_BIT(F_START);
	if (o->split >= 0)
		need |= o->split < F_COUNT ? FIELD_BIT(o->split) :
					     FIELD_BIT(F_START);
	if (o->pairs)
		need |= FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE);
	return need;
}

/* ISO 8601 week: year and week number of 'days' since the epoch. */
static void iso_week(int64_t days, int64_t *year, int *week)
{
	int64_t y;
	int m, d;
	int dow = (int)(((days % 7) + 7 + 3) % 7) + 1; /* 1970-01-01: Thursday */
	int64_t thursday = days - dow + 4;
	civil_from_days(thursday, &y, &m, &d);
	*year = y;
	*week = (int)((thursday - days_from_civil(y, 1, 1)) / 7) + 1;
}

/* Numeric value of a time key, for ordering and for listing empty buckets. */
static int64_t time_value(const struct volume *v, int key,
			  const struct record *r)
{
	struct civil c;
	ts_civil(r->v[F_START].i, v->o.tz, &c);
	int64_t days = days_from_civil(c.year, c.month, c.day);
	switch (key) {
	case F_HOUR: return c.hour;
	case F_DOW: return c.dow;
	case F_DATE: return days;
	case VK_WEEK: return days - (c.dow - 1); /* the Monday */
	case VK_MONTH: return c.year * 12 + (c.month - 1);
	}
	return 0;
}

static void time_text(int key, int64_t val, struct buf *b)
{
	int64_t y;
	int m, d, w;
	switch (key) {
	case F_HOUR:
	case F_DOW:
		buf_addf(b, "%lld", (long long)val);
		break;
	case F_DATE:
		civil_from_days(val, &y, &m, &d);
		buf_addf(b, "%04lld-%02d-%02d", (long long)y, m, d);
		break;
	case VK_WEEK:
		iso_week(val, &y, &w);
		buf_addf(b, "%04lld-W%02d", (long long)y, w);
		break;
	case VK_MONTH:
		y = val >= 0 ? val / 12 : -((-val + 11) / 12);
		buf_addf(b, "%04lld-%02d", (long long)y, (int)(val - y * 12) + 1);
		break;
	}
}

/* Append the text of key 'key' of record 'r' ("" when missing). */
static void key_text(const struct volume *v, int key, const struct record *r,
		     struct buf *b)
{
	if (key >= F_COUNT || key == F_HOUR || key == F_DOW || key == F_DATE) {
		if (record_has(r, F_START))
			time_text(key, time_value(v, key, r), b);
		return;
	}
	record_format(r, key, v->o.tz, b);
}

/* ---- pair sets ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static void pairset_prefetch(const struct pairset *s, uint64_t key)
{
	if (s->slot)
		__builtin_prefetch(&s->slot[mix64(key) & s->mask]);
}

/* Insert 'key'; 1 when it was new. */
static int pairset_add(struct pairset *s, uint64_t key)
{
	if (!s->slot || (s->n + 1) * 4 > (s->mask + 1) * 3) {
		size_t n = s->slot ? (s->mask + 1) * 2 : 1024;
		uint64_t *slot = xcalloc(n, sizeof(*slot));
		for (size_t i = 0; s->slot && i <= s->mask; i++) {
			if (!s->slot[i])
				continue;
			size_t j = mix64(s->slot[i] - 1) & (n - 1);
			while (slot[j])
				j = (j + 1) & (n - 1);
			slot[j] = s->slot[i];
		}
		free(s->slot);
		s->slot = slot;
		s->mask = n - 1;
	}
	for (size_t i = mix64(key) & s->mask;; i = (i + 1) & s->mask) {
		if (!s->slot[i]) {
			s->slot[i] = key + 1;
			s->n++;
			return 1;
		}
		if (s->slot[i] == key + 1)
			return 0;
	}
}

/* ---- groups ---- */

struct volume *volume_new(const struct volume_opts *o)
{
	struct volume *v = xcalloc(1, sizeof(*v));
	v->o = *o;
	return v;
}

static struct volume_group *group_for(struct volume *v, const char *key,
				      size_t len)
{
	int added;
	uint32_t id = intern_put(&v->keys, key, len, &added);
	if (id == UINT32_MAX)
		return NULL;
	if (added) {
		VEC_GROW(v->groups, (size_t)id + 1, v->alloc);
		memset(&v->groups[id], 0, sizeof(v->groups[id]));
		v->groups[id].key = id;
		v->ngroups = (size_t)id + 1;
	}
	return &v->groups[id];
}

static void add_split(struct volume *v, uint32_t gid, const char *sval,
		      size_t slen, uint64_t n)
{
	char tmp[32];
	uint32_t sid = intern_put(&v->splits, sval, slen, NULL);
	int added;
	uint64_t k = (uint64_t)gid << 32 | sid;
	memcpy(tmp, &k, 8);
	uint32_t cid = intern_put(&v->cellkeys, tmp, 8, &added);
	if (added) {
		VEC_GROW(v->cellcount, (size_t)cid + 1, v->cellalloc);
		v->cellcount[cid] = 0;
		v->ncell = (size_t)cid + 1;
	}
	v->cellcount[cid] += n;
}

void volume_add(struct volume *v, const struct record *r)
{
	struct buf *b = &v->scratch;
	int dir = 0;
	buf_reset(b);
	if (v->o.pairs) {
		struct strv a = record_has(r, F_CALLER) ? r->v[F_CALLER].s :
			(struct strv){ "", 0 };
		struct strv c = record_has(r, F_CALLEE) ? r->v[F_CALLEE].s :
			(struct strv){ "", 0 };
		size_t m = a.len < c.len ? a.len : c.len;
		int cmp = memcmp(a.s, c.s, m);
		if (cmp > 0 || (cmp == 0 && a.len > c.len)) {
			struct strv t = a;
			a = c;
			c = t;
			dir = 1;
		}
		buf_add(b, a.s, a.len);
		buf_addch(b, SEP);
		buf_add(b, c.s, c.len);
	} else {
		for (size_t i = 0; i < v->o.nkeys; i++) {
			if (i)
				buf_addch(b, SEP);
			key_text(v, v->o.keys[i], r, b);
		}
	}
	/* the group, the peer and the cell are random lookups: overlap them */
	intern_prefetch(&v->keys, b->data ? b->data : "", b->len);
	if (record_has(r, F_PEER))
		intern_prefetch(&v->items, r->v[F_PEER].s.s, r->v[F_PEER].s.len);
	if (record_has(r, F_CELL))
		intern_prefetch(&v->items, r->v[F_CELL].s.s, r->v[F_CELL].s.len);
	struct volume_group *g = group_for(v, b->data ? b->data : "", b->len);
	if (!g)
		return;
	g->records++;
	/*
	 * The ids of the peer (the other party of a CDR, the destination of
	 * an IP log) and the cell, then a prefetch of their (group, item)
	 * slots: the aggregates below are updated while those lines load.
	 */
	uint32_t pid = UINT32_MAX, cid = UINT32_MAX;
	char ipbuf[64];
	if (record_has(r, F_PEER)) {
		pid = intern_put(&v->items, r->v[F_PEER].s.s, r->v[F_PEER].s.len,
				 NULL);
	} else if (r->kind == KIND_IP && record_has(r, F_DST_IP)) {
		size_t pl = ip_format(&r->v[F_DST_IP].ip, ipbuf, sizeof(ipbuf));
		pid = intern_put(&v->items, ipbuf, pl, NULL);
	}
	if (record_has(r, F_CELL))
		cid = intern_put(&v->items, r->v[F_CELL].s.s, r->v[F_CELL].s.len,
				 NULL);
	if (pid != UINT32_MAX)
		pairset_prefetch(&v->peers, (uint64_t)g->key << 32 | pid);
	if (cid != UINT32_MAX)
		pairset_prefetch(&v->cells, (uint64_t)g->key << 32 | cid);
	if (v->o.nkeys == 1 && volume_key_is_time(v->o.keys[0]) &&
	    record_has(r, F_START))
		g->tkey = time_value(v, v->o.keys[0], r);
	if (record_has(r, F_DURATION) &&
	    !(record_has(r, F_TYPE) && r->v[F_TYPE].i == TYPE_SMS)) {
		int64_t d = r->v[F_DURATION].i;
		g->dur_n++;
		g->dur_total += d;
		if (d > g->dur_max)
			g->dur_max = d;
		if (v->o.pairs)
			g->dir_dur[dir] += d;
	}
	if (v->o.pairs)
		g->dir_n[dir]++;
	if (record_has(r, F_BYTES_UP))
		g->bytes_up += (uint64_t)r->v[F_BYTES_UP].i;
	if (record_has(r, F_BYTES_DOWN))
		g->bytes_down += (uint64_t)r->v[F_BYTES_DOWN].i;
	if (record_has(r, F_START)) {
		int64_t t = r->v[F_START].i;
		if (!g->timed || t < g->first)
			g->first = t;
		if (!g->timed || t > g->last)
			g->last = t;
		g->timed++;
	}
	if (pid != UINT32_MAX &&
	    pairset_add(&v->peers, (uint64_t)g->key << 32 | pid))
		g->peers++;
	if (cid != UINT32_MAX &&
	    pairset_add(&v->cells, (uint64_t)g->key << 32 | cid))
		g->cells++;
	if (v->o.split >= 0) {
		struct buf sv = BUF_INIT;
		key_text(v, v->o.split, r, &sv);
		add_split(v, g->key, buf_cstr(&sv), sv.len, 1);
		buf_release(&sv);
	}
}

/*
 * Merge: groups are matched by key text, distinct items by their text, so
 * states built from any split of the input give the same result.
 */
void volume_merge(struct volume *into, const struct volume *from)
{
	uint32_t *gmap = xcalloc(from->ngroups ? from->ngroups : 1, sizeof(*gmap));
	for (size_t i = 0; i < from->ngroups; i++) {
		size_t len;
		const char *k = intern_str(&from->keys, (uint32_t)i, &len);
		const struct volume_group *src = &from->groups[i];
		struct volume_group *g = group_for(into, k, len);
		gmap[i] = g->key;
		if (src->timed) {
			if (!g->timed || src->first < g->first)
				g->first = src->first;
			if (!g->timed || src->last > g->last)
				g->last = src->last;
		}
		if (src->records)
			g->tkey = src->tkey;
		g->timed += src->timed;
		g->records += src->records;
		g->dur_n += src->dur_n;
		g->dur_total += src->dur_total;
		if (src->dur_max > g->dur_max)
			g->dur_max = src->dur_max;
		g->bytes_up += src->bytes_up;
		g->bytes_down += src->bytes_down;
		for (int d = 0; d < 2; d++) {
			g->dir_n[d] += src->dir_n[d];
			g->dir_dur[d] += src->dir_dur[d];
		}
	}
	const struct pairset *sets[2] = { &from->peers, &from->cells };
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; sets[s]->slot && i <= sets[s]->mask; i++) {
			uint64_t k = sets[s]->slot[i];
			if (!k)
				continue;
			k--;
			size_t len;
			const char *item = intern_str(&from->items,
						      (uint32_t)(k & 0xffffffff), &len);
			uint32_t id = intern_put(&into->items, item, len, NULL);
			uint32_t gid = gmap[k >> 32];
			if (pairset_add(s ? &into->cells : &into->peers,
					(uint64_t)gid << 32 | id)) {
				if (s)
					into->groups[gid].cells++;
				else
					into->groups[gid].peers++;
			}
		}
	}
	for (size_t c = 0; c < from->ncell; c++) {
		uint64_t k;
		memcpy(&k, intern_str(&from->cellkeys, (uint32_t)c, NULL), 8);
		size_t len;
		const char *sv = intern_str(&from->splits, (uint32_t)(k & 0xffffffff),
					    &len);
		add_split(into, gmap[k >> 32], sv, len, from->cellcount[c]);
	}
	free(gmap);
}

/* ---- report ---- */

/* Compare key texts component by component, numbers as numbers. */
static int cmp_component(const char *a, size_t al, const char *b, size_t bl)
{
	char *ea, *eb;
	if (al && bl && al < 32 && bl < 32) {
		char ta[32], tb[32];
		memcpy(ta, a, al);
		ta[al] = '\0';
		memcpy(tb, b, bl);
		tb[bl] = '\0';
		double x = strtod(ta, &ea), y = strtod(tb, &eb);
		if (!*ea && !*eb && ea != ta && eb != tb && x != y)
			return x < y ? -1 : 1;
	}
	size_t m = al < bl ? al : bl;
	int c = memcmp(a, b, m);
	return c ? c : (al < bl ? -1 : al > bl);
}

/* One entry to sort: qsort has no context pointer, so each carries it. */
struct sort_item {
	const struct volume *v;
	struct volume_group *g;
	uint64_t primary; /* sort value, larger first; 0 for key order */
};

static const char *group_text(const struct volume *v,
			      const struct volume_group *g, size_t *len)
{
	if (g->key & 0x80000000u)
		return intern_str(&v->fillkeys, g->key & 0x7fffffffu, len);
	return intern_str(&v->keys, g->key, len);
}

static int cmp_key(const struct volume *v, const struct volume_group *a,
		   const struct volume_group *b)
{
	size_t al, bl;
	const char *x = group_text(v, a, &al), *y = group_text(v, b, &bl);
	if (v->o.nkeys == 1 && volume_key_is_time(v->o.keys[0]) && al && bl &&
	    a->tkey != b->tkey)
		return a->tkey < b->tkey ? -1 : 1;
	const char *xe = x + al, *ye = y + bl;
	for (;;) {
		const char *xs = memchr(x, SEP, (size_t)(xe - x));
		const char *ys = memchr(y, SEP, (size_t)(ye - y));
		size_t xl = xs ? (size_t)(xs - x) : (size_t)(xe - x);
		size_t yl = ys ? (size_t)(ys - y) : (size_t)(ye - y);
		int c = cmp_component(x, xl, y, yl);
		if (c)
			return c;
		if (!xs || !ys)
			return xs ? 1 : ys ? -1 : 0;
		x = xs + 1;
		y = ys + 1;
	}
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	if (a->primary != b->primary)
		return a->primary > b->primary ? -1 : 1;
	return cmp_key(a->v, a->g, b->g);
}

static uint64_t primary_of(const struct volume_group *g, enum volume_sort sort)
{
	switch (sort) {
	case VS_COUNT: return g->records;
	case VS_DURATION: return (uint64_t)g->dur_total;
	case VS_BYTES: return g->bytes_up + g->bytes_down;
	case VS_DISTINCT: return g->peers;
	case VS_DEFAULT:
	case VS_KEY: return 0;
	}
	return 0;
}

size_t volume_report(struct volume *v, enum volume_sort sort, size_t top,
		     uint64_t min_count, const struct volume_group ***out,
		     uint64_t *hidden)
{
	int lone_time = v->o.nkeys == 1 && volume_key_is_time(v->o.keys[0]);
	if (sort == VS_DEFAULT && !lone_time)
		sort = VS_COUNT;
	free(v->sorted);
	free(v->filler);
	intern_release(&v->fillkeys);
	v->filler = NULL;
	v->nfiller = 0;
	/* empty buckets between the first and last time key */
	if (lone_time && (sort == VS_DEFAULT || sort == VS_KEY) && v->ngroups) {
		int key = v->o.keys[0];
		int64_t lo = INT64_MAX, hi = INT64_MIN;
		uint8_t *seen;
		for (size_t i = 0; i < v->ngroups; i++) {
			size_t len;
			intern_str(&v->keys, (uint32_t)i, &len);
			if (!len)
				continue;
			if (v->groups[i].tkey < lo)
				lo = v->groups[i].tkey;
			if (v->groups[i].tkey > hi)
				hi = v->groups[i].tkey;
		}
		if (key == F_HOUR)
			lo = 0, hi = 23;
		if (key == F_DOW)
			lo = 1, hi = 7;
		int64_t step = key == VK_WEEK ? 7 : 1;
		if (lo <= hi && (hi - lo) / step < 10000000) {
			size_t span = (size_t)((hi - lo) / step) + 1;
			seen = xcalloc(span, 1);
			for (size_t i = 0; i < v->ngroups; i++) {
				size_t len;
				intern_str(&v->keys, (uint32_t)i, &len);
				if (len)
					seen[(v->groups[i].tkey - lo) / step] = 1;
			}
			size_t alloc = 0;
			struct buf t = BUF_INIT;
			for (size_t k = 0; k < span; k++) {
				if (seen[k])
					continue;
				buf_reset(&t);
				time_text(key, lo + (int64_t)k * step, &t);
				VEC_GROW(v->filler, v->nfiller + 1, alloc);
				struct volume_group *g = &v->filler[v->nfiller++];
				memset(g, 0, sizeof(*g));
				g->key = 0x80000000u |
					 intern_put(&v->fillkeys, buf_cstr(&t), t.len, NULL);
				g->tkey = lo + (int64_t)k * step;
			}
			buf_release(&t);
			free(seen);
		}
	}
	size_t n = 0;
	v->sorted = xcalloc(v->ngroups + v->nfiller + 1, sizeof(*v->sorted));
	*hidden = 0;
	for (size_t i = 0; i < v->ngroups; i++) {
		if (v->groups[i].records < min_count) {
			(*hidden)++;
			continue;
		}
		v->sorted[n++] = &v->groups[i];
	}
	if (min_count == 0 || min_count <= 1)
		for (size_t i = 0; i < v->nfiller; i++)
			v->sorted[n++] = &v->filler[i];
	struct sort_item *items = xcalloc(n ? n : 1, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = (struct sort_item){ v, v->sorted[i],
					       primary_of(v->sorted[i], sort) };
	qsort(items, n, sizeof(*items), cmp_items);
	for (size_t i = 0; i < n; i++)
		v->sorted[i] = items[i].g;
	free(items);
	if (top && n > top)
		n = top;
	*out = (const struct volume_group **)v->sorted;
	return n;
}

const char *volume_key_text(const struct volume *v,
			    const struct volume_group *g, size_t i, size_t *len)
{
	size_t tl;
	const char *t = group_text(v, g, &tl), *end = t + tl;
	for (; i > 0; i--) {
		const char *s = memchr(t, SEP, (size_t)(end - t));
		if (!s) {
			*len = 0;
			return "";
		}
		t = s + 1;
	}
	const char *s = memchr(t, SEP, (size_t)(end - t));
	*len = s ? (size_t)(s - t) : (size_t)(end - t);
	return t;
}

size_t volume_ngroups(const struct volume *v)
{
	return v->ngroups;
}

size_t volume_memory(const struct volume *v)
{
	return intern_memory(&v->keys) + intern_memory(&v->items) +
	       v->alloc * sizeof(*v->groups) +
	       (v->peers.slot ? (v->peers.mask + 1) * 8 : 0) +
	       (v->cells.slot ? (v->cells.mask + 1) * 8 : 0) +
	       intern_memory(&v->cellkeys) + v->cellalloc * 8;
}

struct split_item {
	const struct volume *v;
	uint32_t id;
};

static int cmp_split(const void *a, const void *b)
{
	const struct split_item *x = a, *y = b;
	size_t al, bl;
	const char *s1 = intern_str(&x->v->splits, x->id, &al);
	const char *s2 = intern_str(&y->v->splits, y->id, &bl);
	return cmp_component(s1, al, s2, bl);
}

size_t volume_split_values(const struct volume *v, uint32_t **ids)
{
	size_t n = intern_count(&v->splits);
	struct split_item *items = xcalloc(n ? n : 1, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i] = (struct split_item){ v, (uint32_t)i };
	qsort(items, n, sizeof(*items), cmp_split);
	*ids = xcalloc(n ? n : 1, sizeof(**ids));
	for (size_t i = 0; i < n; i++)
		(*ids)[i] = items[i].id;
	free(items);
	return n;
}

const char *volume_split_text(const struct volume *v, uint32_t id)
{
	return intern_str(&v->splits, id, NULL);
}

uint64_t volume_split_count(const struct volume *v,
			    const struct volume_group *g, uint32_t split_id)
{
	if (g->key & 0x80000000u)
		return 0;
	uint64_t k = (uint64_t)g->key << 32 | split_id;
	int64_t cid = intern_get(&v->cellkeys, (const char *)&k, 8);
	return cid < 0 ? 0 : v->cellcount[cid];
}

void volume_free(struct volume *v)
{
	if (!v)
		return;
	intern_release(&v->keys);
	intern_release(&v->items);
	intern_release(&v->splits);
	intern_release(&v->cellkeys);
	intern_release(&v->fillkeys);
	free(v->groups);
	free(v->peers.slot);
	free(v->cells.slot);
	free(v->cellcount);
	free(v->sorted);
	free(v->filler);
	buf_release(&v->scratch);
	free(v);
}
