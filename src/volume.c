/*
 * volume.c - keys, feeds, grouping, exact distinct pairs and merge for
 * `cdrsift volume` (see volume.h), and its partial section; the report
 * order is in volume_report.c, the types both use in volume_impl.h.
 * Does not parse or print anything.
 *
 * Threads. One state is shared by every thread. A thread's feed cuts each
 * record into a small binary digest and batches it by the shard of its
 * group key (64 shards); a full batch (4 KiB, ~80 records) goes into the
 * shard under the shard's lock. Items (peers, cells, subscribers) are
 * batched the same way by their stripe (64 stripes). So a lock is taken
 * once per batch, two threads seldom want the same one, and no state is
 * kept twice: memory does not grow with -j, and there is nothing to merge
 * at the end.
 *
 *   feed (one per thread)                 state (shared)
 *   ---------------------                 --------------
 *   record -> digest -> batch[shard] ---> shard: index -> group aggregates
 *                                              | (group id, item)
 *             batch[stripe] <------------------+
 *             batch[stripe] ------------> stripe: item -> dense id;
 *                                          pairs (gid, id, kind) buffer
 *                                          -> sorted unique run
 *                                          -> memory, or the spill file
 *   volume_finish: per stripe, merge its runs; each distinct pair adds 1
 *
 * Within a batch, the memory of entry i + 8 (index slot, then group or
 * item slot) is prefetched while entry i is added, so the cache misses of
 * a batch overlap.
 *
 * Keys. A key is a list of components, each in a canonical form that
 * stands for its text one to one: a digit string of 1 to 18 digits without
 * a leading zero as its number (phone numbers, cells, ports), a calendar
 * key as its value (hour, days, months: the text is made from it), an
 * empty value as such, other text as its bytes. A lone number, calendar
 * value or empty key is kept inline in 8 bytes, other keys in the shard's
 * arena. Texts are made for the report only. Because the forms are one to
 * one, two records share a group exactly when their key texts are equal.
 *
 * Groups. 48 bytes in the common case, in chunks of 1024: counts and the
 * longest duration in 32 bits (durations are microseconds: calls to 71
 * minutes), the total duration in 64, times in 48. A group that outgrows
 * any of them (or has bytes, or a negative duration) moves to a wide
 * record of 64-bit fields, so nothing ever wraps. With --pairs, 24 more
 * bytes for the two directions. The index is 4 bytes a slot: a 6-bit tag of the hash and
 * the group's id, so a probe rarely touches a group that is not the one.
 *
 * Columns on demand. volume_opts.skip leaves out the aggregates no
 * report column (--columns) or --sort needs: their fields are not asked
 * of the schema, not put in the digest, and the distinct sets of peers or
 * cells are not built at all (they are most of the work).
 *
 * Distinct pairs. Every (group, peer), (group, cell) and (group,
 * subscriber: only when volume_opts.subscribers asks) seen goes to the
 * stripe of its item, where the item gets a dense id (each item lives in
 * one stripe only; numbers up to 12 digits pack with their id in 8
 * bytes), into a buffer; a full buffer is sorted (radix), deduplicated and
 * delta-encoded into a run (distinct.c), 1 to 3 bytes a pair. Runs stay in memory up to
 * half the budget (volume_opts.budget; the stripes' buffers take the other
 * half), then go to one unlinked temporary file. volume_finish merges each
 * stripe's runs (a heap of cursors) and every distinct pair adds one to
 * its group's count: exact whatever the budget, the thread count and the
 * order of the records.
 *
 * The pairs are a distinct.h set per stripe: key gid << 32 | f, f = item
 * id << 2 | kind (0 peer, 1 cell, 2 subscriber), gid = local group id << 6
 * | shard, so a group's pairs share the upper half of their keys and take
 * 1 to 3 bytes each in a run (the layout is in distinct.h).
 */
#include "volume_impl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "distinct.h"
#include "intern.h"
#include "timeparse.h"
#include "xalloc.h"
#include "text.h"
#include "banned.h"
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

int volume_key_is_party(int key)
{
	return key == F_CALLER || key == F_CALLEE || key == F_SUBSCRIBER ||
	       key == F_PEER;
}

/*
 * The field whose distinct values are a group's peers: for a party key
 * the other party relative to the key's value (caller -> callee, callee
 * -> caller, subscriber -> peer, peer -> subscriber: the derivation of
 * subscriber and peer from the direction makes the last two exact, a call
 * to oneself included); for any other key the records' peer field.
 */
int volume_peer_field(const struct volume_opts *o)
{
	for (size_t i = 0; i < o->nkeys && !o->pairs; i++) {
		switch (o->keys[i]) {
		case F_CALLER: return F_CALLEE;
		case F_CALLEE: return F_CALLER;
		case F_SUBSCRIBER: return F_PEER;
		case F_PEER: return F_SUBSCRIBER;
		}
	}
	return F_PEER;
}

uint64_t volume_needs(const struct volume_opts *o)
{
	uint64_t need = 0;
	if (!(o->skip & VSKIP_START))
		need |= FIELD_BIT(F_START);
	if (!(o->skip & VSKIP_DUR))
		need |= FIELD_BIT(F_DURATION) | FIELD_BIT(F_TYPE);
	if (!(o->skip & VSKIP_CELLS))
		need |= FIELD_BIT(F_CELL);
	if (!(o->skip & VSKIP_BYTES))
		need |= FIELD_BIT(F_BYTES_UP) | FIELD_BIT(F_BYTES_DOWN);
	if (!(o->skip & VSKIP_PEERS))
		need |= FIELD_BIT(F_PEER) | FIELD_BIT(F_DST_IP) |
			FIELD_BIT(volume_peer_field(o));
	for (size_t i = 0; i < o->nkeys; i++)
		need |= o->keys[i] < F_COUNT ? FIELD_BIT(o->keys[i]) :
					       FIELD_BIT(F_START);
	if (o->split >= 0)
		need |= o->split < F_COUNT ? FIELD_BIT(o->split) :
					     FIELD_BIT(F_START);
	if (o->pairs)
		need |= FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE);
	if (o->subscribers)
		need |= FIELD_BIT(F_SUBSCRIBER);
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

/* The text of time value 'val' of key 'key' in 'out' (64 bytes); its length. */
size_t volume_time_text(int key, int64_t val, char *out)
{
	int64_t y;
	int m, d, w, n = 0;
	switch (key) {
	case F_HOUR:
	case F_DOW:
		n = snprintf(out, 64, "%lld", (long long)val);
		break;
	case F_DATE:
		civil_from_days(val, &y, &m, &d);
		n = snprintf(out, 64, "%04lld-%02d-%02d", (long long)y, m, d);
		break;
	case VK_WEEK:
		iso_week(val, &y, &w);
		n = snprintf(out, 64, "%04lld-W%02d", (long long)y, w);
		break;
	case VK_MONTH:
		y = val >= 0 ? val / 12 : -((-val + 11) / 12);
		n = snprintf(out, 64, "%04lld-%02d", (long long)y,
			     (int)(val - y * 12) + 1);
		break;
	}
	return n > 0 ? (size_t)n : 0;
}

/* ---- canonical values, varints, hashes ---- */

/*
 * The number a digit string stands for: 1 to 18 digits, no leading zero
 * ("0" itself is fine). Such strings and their numbers correspond one to
 * one. NOT_NUM for any other string.
 */
static uint64_t digits_value(const char *s, size_t len)
{
	return text_number(s, len); /* NOT_NUM is UINT64_MAX */
}

/* 8 bytes of a digest field, written or read, and the pointer past them. */
static unsigned char *put8(unsigned char *p, const void *v)
{
	memcpy(p, v, 8);
	return p + 8;
}

static const unsigned char *get8(const unsigned char *p, void *v)
{
	memcpy(v, p, 8);
	return p + 8;
}

/*
 * Slot of 'hash' in a table of 'size' slots (any size below 2^32: tables
 * grow by half, not double): the low 32 bits of the hash, scaled.
 */
static size_t slot_of(uint64_t hash, size_t size)
{
	return (size_t)(((uint64_t)(uint32_t)hash * size) >> 32);
}

static uint64_t item_hash_num(uint64_t n)
{
	return mix64(n ^ 0xbb67ae8584caa73bull);
}

#define T48_MIN (-((int64_t)1 << 47))
#define T48_MAX (((int64_t)1 << 47) - 1)

static void put48(uint8_t *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	for (int i = 0; i < 6; i++)
		p[i] = (uint8_t)(u >> (8 * i));
}

static int64_t get48(const uint8_t *p)
{
	uint64_t u = 0;
	for (int i = 0; i < 6; i++)
		u |= (uint64_t)p[i] << (8 * i);
	if (u & ((uint64_t)1 << 47))
		u |= ~(((uint64_t)1 << 48) - 1);
	return (int64_t)u;
}

/* ---- digests: a record as a feed batches it ---- */

/* An item (peer, cell or subscriber) in canonical form. */
struct item {
	int text;                 /* 0: the number 'num'; 1: bytes 's' */
	uint64_t num;
	const unsigned char *s;
	size_t len;
};

struct digest {
	unsigned flags;           /* D_* */
	uint64_t hash;            /* of the key */
	uint64_t inl;             /* the key, when inline (klen 0) */
	const unsigned char *kbytes;
	size_t klen;              /* bytes of an arena key, 0: inline */
	int64_t dur, start;
	uint64_t up, down;
	struct item peer, cell, sub;
	const unsigned char *split;
	size_t split_len;
};

struct volume_feed {
	struct volume *v;
	struct buf stage[NSHARD];   /* digests by shard */
	struct buf istage[NSTRIPE]; /* (gid, item) by stripe */
	struct buf key;             /* the key being encoded */
	struct buf tmp;             /* a field formatted as text */
	uint64_t *scratch;          /* radix sort: pair_cap entries */
	struct digest *dg;          /* a batch decoded, to look ahead in it */
	size_t dg_alloc;
	struct ientry *ie;          /* an item batch decoded */
	size_t ie_alloc;
};

/* One (group, item) of an item batch. */
struct ientry {
	uint32_t gid;
	unsigned kind;            /* 0 peer, 1 cell, 2 subscriber */
	uint64_t hash;            /* of the item */
	struct item it;
};

/* How far ahead of its use a batch entry's memory is prefetched. */
#define AHEAD 16

/*
 * The number an item is kept as, or NOT_NUM for text: text_number and
 * text_pair_number (text.h), so that LAC-CI cells need no interning; a
 * pair stays below stripe_items' text flag (bit 63), and the partial
 * writes it back as its text, so its bytes do not depend on this.
 */
static uint64_t item_number(const char *s, size_t len)
{
	uint64_t n = text_number(s, len);
	return n != NOT_NUM ? n : text_pair_number(s, len);
}

static struct item item_of(const char *s, size_t len)
{
	struct item it = { 0, 0, (const unsigned char *)s, len };
	it.num = item_number(s, len);
	it.text = it.num == NOT_NUM;
	return it;
}

static unsigned char *put_item(unsigned char *p, const struct item *it)
{
	if (!it->text) {
		*p++ = 0;
		return put8(p, &it->num);
	}
	*p++ = 1;
	p = put_varint(p, it->len);
	memcpy(p, it->s, it->len);
	return p + it->len;
}

static const unsigned char *get_item(const unsigned char *p, struct item *it)
{
	it->text = *p++;
	if (!it->text) {
		it->s = NULL;
		it->len = 0;
		return get8(p, &it->num);
	}
	it->len = get_varint(&p);
	it->s = p;
	return p + it->len;
}

static uint64_t item_hash(const struct item *it)
{
	return it->text ? hash_bytes(it->s, it->len) : item_hash_num(it->num);
}

static const unsigned char *digest_read(const unsigned char *p,
					struct digest *d)
{
	d->flags = p[0] | (unsigned)p[1] << 8;
	p += 2;
	p = get8(p, &d->hash);
	d->klen = get_varint(&p);
	if (d->klen) {
		d->kbytes = p;
		p += d->klen;
	} else {
		p = get8(p, &d->inl);
	}
	if (d->flags & D_DUR)
		p = get8(p, &d->dur);
	if (d->flags & D_START)
		p = get8(p, &d->start);
	if (d->flags & D_UP)
		p = get8(p, &d->up);
	if (d->flags & D_DOWN)
		p = get8(p, &d->down);
	if (d->flags & D_PEER)
		p = get_item(p, &d->peer);
	if (d->flags & D_CELL)
		p = get_item(p, &d->cell);
	if (d->flags & D_SUB)
		p = get_item(p, &d->sub);
	if (d->flags & D_SPLIT) {
		d->split_len = get_varint(&p);
		d->split = p;
		p += d->split_len;
	}
	return p;
}

/* ---- groups ---- */

static struct ndir *gdir(const struct gshard *s, uint32_t local)
{
	return s->dir ? &s->dir[local >> CHUNK_BITS][local & (CHUNK - 1)] : NULL;
}

/* The index's tag of a key hash: bits under the shard's. */
static uint32_t hash_tag(uint64_t hash)
{
	return (uint32_t)(hash >> (64 - 2 * SHARD_BITS)) & (NSHARD - 1);
}

static void index_put(struct gshard *s, uint64_t hash, uint32_t local)
{
	size_t i = slot_of(hash, s->isize);
	while (s->index[i])
		i = i + 1 == s->isize ? 0 : i + 1;
	s->index[i] = hash_tag(hash) << ID_BITS | (local + 1);
}

/* The hash of a group's key, as the feeds compute it. */
static uint64_t group_hash(const struct gshard *s, const struct ngroup *g)
{
	if (!(g->key & KEY_ARENA))
		return key_hash_inline(g->key);
	const unsigned char *p = s->arena + (g->key & ~KEY_ARENA);
	size_t len = get_varint(&p);
	return hash_bytes(p, len);
}

static void index_grow(struct gshard *s)
{
	size_t n = s->index ? s->isize + s->isize / 2 : 16;
	free(s->index);
	s->index = xcalloc(n, sizeof(*s->index));
	s->isize = n;
	for (size_t i = 0; i < s->n; i++)
		index_put(s, group_hash(s, grp(s, (uint32_t)i)), (uint32_t)i);
}

static int key_equal(const struct gshard *s, const struct ngroup *g,
		     const struct digest *d)
{
	if (!d->klen)
		return g->key == d->inl;
	if (!(g->key & KEY_ARENA))
		return 0;
	const unsigned char *p = s->arena + (g->key & ~KEY_ARENA);
	size_t len = get_varint(&p);
	return len == d->klen && !memcmp(p, d->kbytes, len);
}

/*
 * The local id of the group of 'd's key in shard 's', added when new;
 * NO_ID when the shard is full (SHARD_MAX groups). Caller holds the lock.
 */
static uint32_t shard_put(const struct volume *v, struct gshard *s,
			  const struct digest *d)
{
	/* linear probing to 85% full: slots are 4 bytes, 16 to a line */
	if (!s->index || (s->n + 1) * 20 > s->isize * 17)
		index_grow(s);
	uint32_t tag = hash_tag(d->hash);
	size_t i;
	for (i = slot_of(d->hash, s->isize); s->index[i];
	     i = i + 1 == s->isize ? 0 : i + 1) {
		uint32_t e = s->index[i];
		if ((e >> ID_BITS) == tag &&
		    key_equal(s, grp(s, (e & ID_MASK) - 1), d))
			return (e & ID_MASK) - 1;
	}
	if (s->n >= SHARD_MAX)
		return NO_ID;
	uint32_t local = (uint32_t)s->n;
	if ((local & (CHUNK - 1)) == 0) {
		/* chunks, not one array: growing copies nothing */
		if (s->nchunk == s->chunk_alloc) {
			size_t n = s->chunk_alloc ? s->chunk_alloc * 2 : 4;
			s->g = xreallocarray(s->g, n, sizeof(*s->g));
			if (v->o.pairs)
				s->dir = xreallocarray(s->dir, n, sizeof(*s->dir));
			s->chunk_alloc = n;
		}
		s->g[s->nchunk] = xmalloc(CHUNK * sizeof(**s->g));
		if (v->o.pairs)
			s->dir[s->nchunk] = xmalloc(CHUNK * sizeof(**s->dir));
		s->nchunk++;
	}
	struct ngroup *g = grp(s, local);
	memset(g, 0, sizeof(*g));
	if (v->o.pairs)
		memset(gdir(s, local), 0, sizeof(struct ndir));
	if (d->klen) {
		size_t need = xsize_add(xsize_add(s->arena_len, d->klen), 10);
		if (need > s->arena_alloc) {
			size_t n = s->arena_alloc ? s->arena_alloc : 4096;
			while (n < need)
				n = xsize_add(n, n / 2);
			s->arena = xrealloc(s->arena, n);
			s->arena_alloc = n;
		}
		g->key = KEY_ARENA | s->arena_len;
		unsigned char *p = put_varint(s->arena + s->arena_len, d->klen);
		memcpy(p, d->kbytes, d->klen);
		s->arena_len = (size_t)(p - s->arena) + d->klen;
	} else {
		g->key = d->inl;
	}
	s->index[i] = tag << ID_BITS | (local + 1);
	s->n++;
	return local;
}

/* The aggregates of group 'local' in full. */
void volume_group_get(const struct gshard *s, uint32_t local,
		      struct wgroup *w)
{
	const struct ngroup *g = grp(s, local);
	if (g->records == WIDE) {
		*w = s->wide[g->dur_max];
		return;
	}
	memset(w, 0, sizeof(*w));
	w->records = g->records;
	w->dur_n = ng_dur_n(g);
	w->timed = ng_timed(g);
	w->dur_total = (int64_t)g->dur_total;
	w->dur_max = g->dur_max;
	if (w->timed) {
		w->first = get48(g->first);
		w->last = get48(g->last);
	}
	if (s->dir) {
		const struct ndir *dir = gdir(s, local);
		for (int k = 0; k < 2; k++) {
			w->dir_n[k] = dir->n[k];
			w->dir_dur[k] = (int64_t)dir->dur[k];
		}
	}
}

/* Move group 'local' to the wide form; returns it. */
static struct wgroup *promote(struct gshard *s, uint32_t local)
{
	struct ngroup *g = grp(s, local);
	if (g->records == WIDE)
		return &s->wide[g->dur_max];
	VEC_GROW(s->wide, s->nwide + 1, s->walloc);
	volume_group_get(s, local, &s->wide[s->nwide]);
	g->records = WIDE;
	g->dur_max = (uint32_t)s->nwide++;
	return &s->wide[g->dur_max];
}

static int64_t add_i64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b); /* wraps, never traps */
}

/* Add wide aggregates 'x' into wide 'w'. */
static void wide_merge(struct wgroup *w, const struct wgroup *x)
{
	if (x->timed) {
		if (!w->timed || x->first < w->first)
			w->first = x->first;
		if (!w->timed || x->last > w->last)
			w->last = x->last;
	}
	w->timed += x->timed;
	w->records += x->records;
	w->dur_n += x->dur_n;
	w->dur_total = add_i64(w->dur_total, x->dur_total);
	if (x->dur_max > w->dur_max)
		w->dur_max = x->dur_max;
	w->bytes_up += x->bytes_up;
	w->bytes_down += x->bytes_down;
	w->up_n += x->up_n;
	w->down_n += x->down_n;
	for (int k = 0; k < 2; k++) {
		w->dir_n[k] += x->dir_n[k];
		w->dir_dur[k] = add_i64(w->dir_dur[k], x->dir_dur[k]);
	}
}

/*
 * Add 'x' to narrow group 'g' (and 'dir') if every result still fits the
 * narrow form; 0 (nothing changed) when it does not.
 */
static int narrow_merge(struct ngroup *g, struct ndir *dir,
			const struct wgroup *x)
{
	uint64_t rec = (uint64_t)g->records + x->records;
	uint64_t undur = (uint64_t)g->undur + (x->records - x->dur_n);
	uint64_t untimed = (uint64_t)g->untimed + (x->records - x->timed);
	uint32_t timed0 = ng_timed(g);
	if (rec >= WIDE || undur > UINT16_MAX || untimed > UINT16_MAX ||
	    x->dur_n > x->records || x->timed > x->records ||
	    x->up_n || x->down_n || x->dur_total < 0 ||
	    x->dur_max < 0 || x->dur_max > UINT32_MAX ||
	    g->dur_total + (uint64_t)x->dur_total > (uint64_t)INT64_MAX)
		return 0;
	int64_t first = 0, last = 0;
	if (x->timed) {
		if (x->first < T48_MIN || x->last > T48_MAX)
			return 0;
		first = x->first;
		last = x->last;
		if (timed0) {
			int64_t f0 = get48(g->first), l0 = get48(g->last);
			if (f0 < first)
				first = f0;
			if (l0 > last)
				last = l0;
		}
	}
	uint64_t dn2[2], dd2[2];
	if (dir) {
		for (int k = 0; k < 2; k++) {
			dn2[k] = (uint64_t)dir->n[k] + x->dir_n[k];
			if (dn2[k] > UINT32_MAX || x->dir_dur[k] < 0)
				return 0;
			dd2[k] = dir->dur[k] + (uint64_t)x->dir_dur[k];
			if (dd2[k] > (uint64_t)INT64_MAX)
				return 0;
		}
	} else if (x->dir_n[0] || x->dir_n[1] || x->dir_dur[0] || x->dir_dur[1]) {
		return 0;
	}
	g->records = (uint32_t)rec;
	g->undur = (uint16_t)undur;
	g->dur_total += (uint64_t)x->dur_total;
	if ((uint32_t)x->dur_max > g->dur_max)
		g->dur_max = (uint32_t)x->dur_max;
	if (x->timed) {
		put48(g->first, first);
		put48(g->last, last);
	}
	g->untimed = (uint16_t)untimed;
	if (dir) {
		for (int k = 0; k < 2; k++) {
			dir->n[k] = (uint32_t)dn2[k];
			dir->dur[k] = dd2[k];
		}
	}
	return 1;
}

/* Add 'x' into group 'local' of 's', widening it when needed. */
static void group_merge(struct gshard *s, uint32_t local, const struct wgroup *x)
{
	struct ngroup *g = grp(s, local);
	if (g->records != WIDE && narrow_merge(g, gdir(s, local), x))
		return;
	wide_merge(promote(s, local), x);
}

/* Add the record of digest 'd' to group 'local' of 's'. */
static void group_add(struct gshard *s, uint32_t local, const struct digest *d)
{
	struct ngroup *g = grp(s, local);
	struct ndir *nd = gdir(s, local);
	int dir = (d->flags & D_DIR1) != 0;
	if (g->records != WIDE && g->records < WIDE - 1 &&
	    !(d->flags & (D_UP | D_DOWN))) {
		/* the common case, in place */
		uint64_t dv = 0;
		int ok = 1;
		if (d->flags & D_DUR) {
			ok = d->dur >= 0 && d->dur <= UINT32_MAX &&
			     g->dur_total + (uint64_t)d->dur <= (uint64_t)INT64_MAX;
			dv = (uint64_t)d->dur;
		} else {
			ok = g->undur < UINT16_MAX;
		}
		if (ok && (d->flags & D_START))
			ok = d->start >= T48_MIN && d->start <= T48_MAX;
		else if (ok)
			ok = g->untimed < UINT16_MAX;
		if (ok && nd)
			ok = nd->n[dir] < UINT32_MAX &&
			     nd->dur[dir] + dv <= (uint64_t)INT64_MAX;
		if (ok) {
			uint32_t timed0 = ng_timed(g);
			g->records++;
			if (d->flags & D_DUR) {
				g->dur_total += dv;
				if (dv > g->dur_max)
					g->dur_max = (uint32_t)dv;
			} else {
				g->undur++;
			}
			if (d->flags & D_START) {
				if (!timed0 || d->start < get48(g->first))
					put48(g->first, d->start);
				if (!timed0 || d->start > get48(g->last))
					put48(g->last, d->start);
			} else {
				g->untimed++;
			}
			if (nd) {
				nd->n[dir]++;
				nd->dur[dir] += dv;
			}
			return;
		}
	}
	struct wgroup x;
	memset(&x, 0, sizeof(x));
	x.records = 1;
	if (d->flags & D_DUR) {
		x.dur_n = 1;
		x.dur_total = d->dur;
		x.dur_max = d->dur > 0 ? d->dur : 0;
		if (s->dir)
			x.dir_dur[dir] = d->dur;
	}
	if (s->dir)
		x.dir_n[dir] = 1;
	if (d->flags & D_UP) {
		x.bytes_up = d->up;
		x.up_n = 1;
	}
	if (d->flags & D_DOWN) {
		x.bytes_down = d->down;
		x.down_n = 1;
	}
	if (d->flags & D_START) {
		x.timed = 1;
		x.first = x.last = d->start;
	}
	wide_merge(promote(s, local), &x);
}

/* --split: add 'n' records of split value 'sval' to group 'local'. */
static void split_add(struct gshard *s, uint32_t local, const char *sval,
		      size_t slen, uint64_t n)
{
	uint32_t sid = intern_put(&s->splits, sval, slen, NULL);
	if (sid == UINT32_MAX)
		return;
	uint64_t k = (uint64_t)local << 32 | sid;
	char tmp[8];
	int added;
	memcpy(tmp, &k, 8);
	uint32_t cid = intern_put(&s->cellkeys, tmp, 8, &added);
	if (cid == UINT32_MAX)
		return;
	if (added) {
		VEC_GROW(s->cellcount, (size_t)cid + 1, s->cellalloc);
		s->cellcount[cid] = 0;
		s->ncell = (size_t)cid + 1;
	}
	s->cellcount[cid] += n;
}

/* ---- items and runs of pairs ---- */

static void num_grow(struct istripe *t)
{
	size_t n = t->num ? t->nsize + t->nsize / 2 : 64;
	uint64_t *num = xcalloc(n, sizeof(*num));
	for (size_t i = 0; i < t->nsize; i++) {
		if (!t->num[i])
			continue;
		size_t j = slot_of(item_hash_num((t->num[i] >> 24) - 1), n);
		while (num[j])
			j = j + 1 == n ? 0 : j + 1;
		num[j] = t->num[i];
	}
	free(t->num);
	t->num = num;
	t->nsize = n;
}

static void wnum_grow(struct istripe *t)
{
	size_t n = t->wnum ? t->wsize + t->wsize / 2 : 16;
	struct widenum *w = xcalloc(n, sizeof(*w));
	for (size_t i = 0; i < t->wsize; i++) {
		if (!t->wnum[i].key)
			continue;
		size_t j = slot_of(item_hash_num(t->wnum[i].key - 1), n);
		while (w[j].key)
			j = j + 1 == n ? 0 : j + 1;
		w[j] = t->wnum[i];
	}
	free(t->wnum);
	t->wnum = w;
	t->wsize = n;
}

/*
 * The id of numeric item 'value' (hash 'h'), added when new. Most items
 * (values below 2^40 - 1: phone numbers to 12 digits, cells) pack value
 * and id into 8 bytes; the others take a 16-byte slot.
 */
static uint32_t num_put(struct istripe *t, uint64_t value, uint64_t h)
{
	uint64_t k = value + 1;
	size_t i;
	if (k < PACK_KEY_END && (t->nitems < PACK_IDS || t->nn)) {
		/* linear probing to 85% full */
		if (!t->num || (t->nn + 1) * 20 > t->nsize * 17)
			num_grow(t);
		for (i = slot_of(h, t->nsize); t->num[i];
		     i = i + 1 == t->nsize ? 0 : i + 1)
			if (t->num[i] >> 24 == k)
				return (uint32_t)(t->num[i] & (PACK_IDS - 1));
		if (t->nitems < PACK_IDS) {
			t->num[i] = k << 24 | t->nitems;
			t->nn++;
			return t->nitems++;
		}
	}
	if (!t->wnum || (t->wn + 1) * 20 > t->wsize * 17)
		wnum_grow(t);
	for (i = slot_of(h, t->wsize); t->wnum[i].key;
	     i = i + 1 == t->wsize ? 0 : i + 1)
		if (t->wnum[i].key == k)
			return t->wnum[i].id;
	t->wnum[i].key = k;
	t->wnum[i].id = t->nitems;
	t->wn++;
	return t->nitems++;
}

/* The id of item 'it' (hash 'h') in stripe 't', added when new; NO_ID when full. */
static uint32_t item_put(struct istripe *t, const struct item *it, uint64_t h)
{
	if (t->nitems >= (UINT32_MAX >> KIND_BITS))
		return NO_ID; /* ids must fit 30 bits */
	if (!it->text)
		return num_put(t, it->num, h);
	int added;
	uint32_t tid = intern_put(&t->text, (const char *)it->s, it->len, &added);
	if (tid == UINT32_MAX)
		return NO_ID;
	if (added) {
		VEC_GROW(t->text_id, (size_t)tid + 1, t->text_alloc);
		t->text_id[tid] = t->nitems++;
	}
	return t->text_id[tid];
}

/* Add pair 'key' to stripe 't' (lock held); 'scratch' holds pair_cap keys. */
static inline void pair_add(struct volume *v, struct istripe *t, uint64_t key,
			    uint64_t *scratch)
{
	dbuf_add(&v->store, &t->pairs, &t->runs, v->pair_cap, key, scratch);
}

/* Sort, deduplicate and encode the pair buffer of 't' into a run. */
static void flush_pairs(struct volume *v, struct istripe *t, uint64_t *scratch)
{
	dbuf_flush(&v->store, &t->pairs, &t->runs, scratch);
}

static void stripe_release(struct volume *v, struct istripe *t)
{
	druns_release(&v->store, &t->runs);
	dbuf_release(&t->pairs);
	free(t->num);
	t->num = NULL;
	t->nsize = t->nn = 0;
	free(t->wnum);
	t->wnum = NULL;
	t->wsize = t->wn = 0;
	intern_release(&t->text);
	free(t->text_id);
	t->text_id = NULL;
	t->text_alloc = 0;
}

/* ---- the state ---- */

struct volume *volume_new(const struct volume_opts *o)
{
	struct volume *v = xcalloc(1, sizeof(*v));
	v->o = *o;
	v->lone_time = o->nkeys == 1 && volume_key_is_time(o->keys[0]) &&
		       !o->pairs;
	v->ncomp = o->pairs ? 2 : o->nkeys;
	v->peer_field = volume_peer_field(o);
	size_t budget = o->budget ? o->budget : VOLUME_BUDGET_DEFAULT;
	/* half for the stripes' buffers, half for runs kept in memory */
	v->pair_cap = budget / 2 / NSTRIPE / sizeof(uint64_t);
	if (v->pair_cap < 16)
		v->pair_cap = 16;
	if (v->pair_cap > ((size_t)1 << 20))
		v->pair_cap = (size_t)1 << 20;
	dstore_init(&v->store, budget / 2, o->tmpdir, "cdrsift-volume");
	for (size_t i = 0; i < NSHARD; i++)
		pthread_mutex_init(&v->shard[i].mu, NULL);
	for (size_t i = 0; i < NSTRIPE; i++)
		pthread_mutex_init(&v->stripe[i].mu, NULL);
	return v;
}

struct volume_feed *volume_feed_new(struct volume *v)
{
	struct volume_feed *f = xcalloc(1, sizeof(*f));
	f->v = v;
	return f;
}

static uint64_t *feed_scratch(struct volume_feed *f)
{
	if (!f->scratch)
		f->scratch = xcalloc(f->v->pair_cap, sizeof(*f->scratch));
	return f->scratch;
}

/* Start loading the slot where numeric item 'e' would be. */
static void item_prefetch(const struct istripe *t, const struct ientry *e)
{
	if (!e->it.text && t->num)
		__builtin_prefetch(&t->num[slot_of(e->hash, t->nsize)]);
}

/* Put the feed's (gid, item) batch for stripe 'ti' into the state. */
static void apply_stripe(struct volume_feed *f, unsigned ti)
{
	struct volume *v = f->v;
	struct istripe *t = &v->stripe[ti];
	struct buf *st = &f->istage[ti];
	const unsigned char *p = (const unsigned char *)st->data;
	const unsigned char *end = p + st->len;
	uint64_t *scratch = feed_scratch(f);
	size_t n = 0;
	while (p < end) {
		VEC_GROW(f->ie, n + 1, f->ie_alloc);
		struct ientry *e = &f->ie[n++];
		memcpy(&e->gid, p, 4);
		e->kind = p[4];
		memcpy(&e->hash, p + 5, 8);
		p = get_item(p + 13, &e->it);
	}
	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < n && i < AHEAD; i++)
		item_prefetch(t, &f->ie[i]);
	for (size_t i = 0; i < n; i++) {
		const struct ientry *e = &f->ie[i];
		if (i + AHEAD < n)
			item_prefetch(t, &f->ie[i + AHEAD]);
		uint32_t id = item_put(t, &e->it, e->hash);
		if (id != NO_ID)
			pair_add(v, t, (uint64_t)e->gid << 32 |
				 (uint64_t)id << KIND_BITS | e->kind, scratch);
	}
	pthread_mutex_unlock(&t->mu);
	buf_reset(st);
}

/* Batch (group 'gid', item 'it' of 'kind') for the item's stripe. */
static void stage_item(struct volume_feed *f, uint32_t gid, unsigned kind,
		       const struct item *it)
{
	uint64_t h = item_hash(it);
	struct buf *b = &f->istage[h >> (64 - STRIPE_BITS)];
	buf_grow(b, 24 + it->len);
	unsigned char *p0 = (unsigned char *)b->data + b->len, *p = p0;
	memcpy(p, &gid, 4);
	p[4] = (unsigned char)kind;
	memcpy(p + 5, &h, 8);
	p = put_item(p + 13, it);
	b->len += (size_t)(p - p0);
}

/*
 * Prefetch for digest 'd' of shard 's': at 'stage' 0 its index slot; at
 * stage 1 (the slot loaded by then) the group its tag points to.
 */
static void shard_prefetch(const struct gshard *s, const struct digest *d,
			   int stage)
{
	if (!s->index)
		return;
	size_t i = slot_of(d->hash, s->isize);
	if (!stage) {
		__builtin_prefetch(&s->index[i]);
		return;
	}
	uint32_t tag = hash_tag(d->hash);
	for (; s->index[i]; i = i + 1 == s->isize ? 0 : i + 1)
		if ((s->index[i] >> ID_BITS) == tag) {
			__builtin_prefetch(grp(s, (s->index[i] & ID_MASK) - 1));
			return;
		}
}

/* Put the feed's digest batch for shard 'si' into the state. */
static void apply_shard(struct volume_feed *f, unsigned si)
{
	struct volume *v = f->v;
	struct gshard *s = &v->shard[si];
	struct buf *st = &f->stage[si];
	const unsigned char *p = (const unsigned char *)st->data;
	const unsigned char *end = p + st->len;
	size_t n = 0;
	while (p < end) {
		VEC_GROW(f->dg, n + 1, f->dg_alloc);
		p = digest_read(p, &f->dg[n++]);
	}
	/*
	 * A software pipeline: the index slot of digest i + 2 AHEAD and the
	 * group of i + AHEAD load while digest i is added.
	 */
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < n + 2 * AHEAD; i++) {
		if (i < n)
			shard_prefetch(s, &f->dg[i], 0);
		if (i >= AHEAD && i - AHEAD < n)
			shard_prefetch(s, &f->dg[i - AHEAD], 1);
		if (i < 2 * AHEAD || i - 2 * AHEAD >= n)
			continue;
		const struct digest *d = &f->dg[i - 2 * AHEAD];
		uint32_t local = shard_put(v, s, d);
		if (local == NO_ID)
			continue;
		group_add(s, local, d);
		if (d->flags & D_SPLIT)
			split_add(s, local, (const char *)d->split, d->split_len, 1);
		uint32_t gid = local << SHARD_BITS | si;
		if (d->flags & D_PEER)
			stage_item(f, gid, 0, &d->peer);
		if (d->flags & D_CELL)
			stage_item(f, gid, 1, &d->cell);
		if (d->flags & D_SUB)
			stage_item(f, gid, 2, &d->sub);
	}
	pthread_mutex_unlock(&s->mu);
	buf_reset(st);
	for (unsigned i = 0; i < NSTRIPE; i++)
		if (f->istage[i].len >= STAGE_BYTES)
			apply_stripe(f, i);
}

/* Append the canonical form of component text 's' to key buffer 'k'. */
static void comp_add(struct buf *k, const char *s, size_t len)
{
	unsigned char tmp[16], *p = tmp;
	uint64_t n = digits_value(s, len);
	if (!len) {
		*p++ = KT_EMPTY;
	} else if (n != NOT_NUM) {
		*p++ = KT_NUM;
		p = put_varint(p, n);
	} else {
		*p++ = KT_TEXT;
		p = put_varint(p, len);
	}
	buf_add(k, tmp, (size_t)(p - tmp));
	if (n == NOT_NUM && len)
		buf_add(k, s, len);
}

/*
 * The canonical key of 'r': returns 1 with '*inl' set when it is inline,
 * else 0 with the encoded components in f->key.
 */
static int encode_key(struct volume_feed *f, const struct record *r,
		      uint64_t *inl)
{
	const struct volume *v = f->v;
	struct buf *k = &f->key;
	buf_reset(k);
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
		}
		comp_add(k, a.s, a.len);
		comp_add(k, c.s, c.len);
		return 0;
	}
	if (v->o.nkeys == 0) {
		*inl = (uint64_t)KT_EMPTY << 61;
		return 1;
	}
	for (size_t i = 0; i < v->o.nkeys; i++) {
		int key = v->o.keys[i];
		uint64_t val = 0;
		int tag = KT_EMPTY;
		const char *s = NULL;
		size_t len = 0;
		if (key_from_start(key)) {
			if (record_has(r, F_START)) {
				tag = KT_TIME;
				val = zigzag(time_value(v, key, r));
			}
		} else if (record_has(r, (enum field_id)key)) {
			if (field_table[key].type == FT_STR ||
			    field_table[key].type == FT_PHONE) {
				s = r->v[key].s.s;
				len = r->v[key].s.len;
			} else {
				buf_reset(&f->tmp);
				record_format(r, key, v->o.tz, &f->tmp);
				s = f->tmp.data;
				len = f->tmp.len;
			}
			if (len) {
				val = digits_value(s, len);
				tag = val == NOT_NUM ? KT_TEXT : KT_NUM;
			}
		}
		if (v->o.nkeys == 1 && tag != KT_TEXT) {
			*inl = (uint64_t)tag << 61 | val;
			return 1;
		}
		unsigned char tmp[16], *p = tmp;
		*p++ = (unsigned char)tag;
		if (tag == KT_NUM || tag == KT_TIME)
			p = put_varint(p, val);
		else if (tag == KT_TEXT)
			p = put_varint(p, len);
		buf_add(k, tmp, (size_t)(p - tmp));
		if (tag == KT_TEXT)
			buf_add(k, s, len);
	}
	return 0;
}

void volume_feed_add(struct volume_feed *f, const struct record *r)
{
	struct volume *v = f->v;
	uint64_t inl = 0;
	int is_inline = encode_key(f, r, &inl);
	uint64_t h = is_inline ? key_hash_inline(inl) :
		     hash_bytes(f->key.data, f->key.len);
	unsigned flags = 0;
	struct item peer = { 0, 0, NULL, 0 }, cell = { 0, 0, NULL, 0 };
	struct item sub = { 0, 0, NULL, 0 };
	char ipbuf[64];
	int pf = v->peer_field;
	unsigned skip = v->o.skip; /* what no column or --sort needs */
	if (skip & VSKIP_PEERS) {
		/* no peer */
	} else if (record_has(r, (enum field_id)pf)) {
		peer = item_of(r->v[pf].s.s, r->v[pf].s.len);
		flags |= D_PEER;
	} else if (pf == F_PEER && r->kind == KIND_IP &&
		   record_has(r, F_DST_IP)) {
		size_t pl = ip_format(&r->v[F_DST_IP].ip, ipbuf, sizeof(ipbuf));
		peer = item_of(ipbuf, pl);
		flags |= D_PEER;
	}
	if (v->o.subscribers && record_has(r, F_SUBSCRIBER)) {
		sub = item_of(r->v[F_SUBSCRIBER].s.s, r->v[F_SUBSCRIBER].s.len);
		flags |= D_SUB;
	}
	if (!(skip & VSKIP_CELLS) && record_has(r, F_CELL)) {
		cell = item_of(r->v[F_CELL].s.s, r->v[F_CELL].s.len);
		flags |= D_CELL;
	}
	if (!(skip & VSKIP_DUR) && record_has(r, F_DURATION) &&
	    !(record_has(r, F_TYPE) && r->v[F_TYPE].i == TYPE_SMS))
		flags |= D_DUR;
	if (!(skip & VSKIP_START) && record_has(r, F_START))
		flags |= D_START;
	if (!(skip & VSKIP_BYTES)) {
		if (record_has(r, F_BYTES_UP))
			flags |= D_UP;
		if (record_has(r, F_BYTES_DOWN))
			flags |= D_DOWN;
	}
	if (v->o.pairs) {
		struct strv a = record_has(r, F_CALLER) ? r->v[F_CALLER].s :
			(struct strv){ "", 0 };
		struct strv c = record_has(r, F_CALLEE) ? r->v[F_CALLEE].s :
			(struct strv){ "", 0 };
		size_t m = a.len < c.len ? a.len : c.len;
		int cmp = memcmp(a.s, c.s, m);
		if (cmp > 0 || (cmp == 0 && a.len > c.len))
			flags |= D_DIR1;
	}
	const char *sval = NULL;
	size_t slen = 0;
	if (v->o.split >= 0) {
		flags |= D_SPLIT;
		buf_reset(&f->tmp);
		if (key_from_start(v->o.split)) {
			char t[64];
			if (record_has(r, F_START))
				buf_add(&f->tmp, t, volume_time_text(v->o.split,
					time_value(v, v->o.split, r), t));
		} else {
			record_format(r, v->o.split, v->o.tz, &f->tmp);
		}
		sval = f->tmp.data ? f->tmp.data : "";
		slen = f->tmp.len;
	}
	unsigned si = (unsigned)(h >> (64 - SHARD_BITS));
	struct buf *b = &f->stage[si];
	size_t need = 64 + f->key.len + 3 * 20 + peer.len + cell.len +
		      sub.len + slen;
	buf_grow(b, need);
	unsigned char *p0 = (unsigned char *)b->data + b->len, *p = p0;
	*p++ = (unsigned char)flags;
	*p++ = (unsigned char)(flags >> 8);
	p = put8(p, &h);
	if (is_inline) {
		*p++ = 0;
		p = put8(p, &inl);
	} else {
		p = put_varint(p, f->key.len);
		memcpy(p, f->key.data, f->key.len);
		p += f->key.len;
	}
	if (flags & D_DUR)
		p = put8(p, &r->v[F_DURATION].i);
	if (flags & D_START)
		p = put8(p, &r->v[F_START].i);
	if (flags & D_UP)
		p = put8(p, &r->v[F_BYTES_UP].i);
	if (flags & D_DOWN)
		p = put8(p, &r->v[F_BYTES_DOWN].i);
	if (flags & D_PEER)
		p = put_item(p, &peer);
	if (flags & D_CELL)
		p = put_item(p, &cell);
	if (flags & D_SUB)
		p = put_item(p, &sub);
	if (flags & D_SPLIT) {
		p = put_varint(p, slen);
		memcpy(p, sval, slen);
		p += slen;
	}
	b->len += (size_t)(p - p0);
	if (b->len >= STAGE_BYTES)
		apply_shard(f, si);
}

/* Put everything the feed holds into the state. */
static void feed_flush(struct volume_feed *f)
{
	for (unsigned i = 0; i < NSHARD; i++)
		if (f->stage[i].len)
			apply_shard(f, i);
	for (unsigned i = 0; i < NSTRIPE; i++)
		if (f->istage[i].len)
			apply_stripe(f, i);
}

void volume_feed_free(struct volume_feed *f)
{
	if (!f)
		return;
	feed_flush(f);
	for (unsigned i = 0; i < NSHARD; i++)
		buf_release(&f->stage[i]);
	for (unsigned i = 0; i < NSTRIPE; i++)
		buf_release(&f->istage[i]);
	buf_release(&f->key);
	buf_release(&f->tmp);
	free(f->scratch);
	free(f->dg);
	free(f->ie);
	free(f);
}

void volume_add(struct volume *v, const struct record *r)
{
	if (!v->own)
		v->own = volume_feed_new(v);
	volume_feed_add(v->own, r);
}

/* ---- merge ---- */

/* The canonical key of group 'g' of 's', as a digest for shard_put. */
static void digest_of_group(const struct gshard *s, const struct ngroup *g,
			    struct digest *d)
{
	memset(d, 0, sizeof(*d));
	if (g->key & KEY_ARENA) {
		const unsigned char *p = s->arena + (g->key & ~KEY_ARENA);
		d->klen = get_varint(&p);
		d->kbytes = p;
		d->hash = hash_bytes(p, d->klen);
	} else {
		d->inl = g->key;
		d->hash = key_hash_inline(g->key);
	}
}

/* Item id -> canonical item of stripe 't': value, or 1 << 63 | text id. */
static uint64_t *stripe_items(const struct istripe *t)
{
	uint64_t *rev = xcalloc(t->nitems ? t->nitems : 1, sizeof(*rev));
	for (size_t i = 0; i < t->nsize; i++)
		if (t->num[i])
			rev[t->num[i] & (PACK_IDS - 1)] = (t->num[i] >> 24) - 1;
	for (size_t i = 0; i < t->wsize; i++)
		if (t->wnum[i].key)
			rev[t->wnum[i].id] = t->wnum[i].key - 1;
	for (size_t i = 0; i < intern_count(&t->text); i++)
		rev[t->text_id[i]] = (uint64_t)1 << 63 | i;
	return rev;
}

int volume_merge(struct volume *into, struct volume *from, struct diag *dg)
{
	uint32_t *map[NSHARD];
	int rc = 0;
	if (into->own) {
		volume_feed_free(into->own);
		into->own = NULL;
	}
	if (from->own) {
		volume_feed_free(from->own);
		from->own = NULL;
	}
	for (unsigned si = 0; si < NSHARD; si++) {
		struct gshard *s = &from->shard[si], *S = &into->shard[si];
		map[si] = xcalloc(s->n ? s->n : 1, sizeof(*map[si]));
		for (size_t i = 0; i < s->n; i++) {
			struct digest d;
			struct wgroup w;
			digest_of_group(s, grp(s, (uint32_t)i), &d);
			uint32_t local = shard_put(into, S, &d);
			map[si][i] = local;
			if (local == NO_ID)
				continue;
			volume_group_get(s, (uint32_t)i, &w);
			group_merge(S, local, &w);
		}
		for (size_t c = 0; c < s->ncell; c++) {
			uint64_t k;
			size_t len;
			memcpy(&k, intern_str(&s->cellkeys, (uint32_t)c, NULL), 8);
			const char *sv = intern_str(&s->splits, (uint32_t)k, &len);
			uint32_t local = map[si][k >> 32];
			if (local != NO_ID)
				split_add(S, local, sv, len, s->cellcount[c]);
		}
	}
	uint64_t *scratch = xcalloc(into->pair_cap, sizeof(*scratch));
	uint64_t *fscratch = xcalloc(from->pair_cap, sizeof(*fscratch));
	for (unsigned ti = 0; ti < NSTRIPE && !rc; ti++) {
		struct istripe *t = &from->stripe[ti], *T = &into->stripe[ti];
		flush_pairs(from, t, fscratch);
		uint64_t *rev = stripe_items(t);
		struct dmerge m;
		uint64_t key;
		int r = dmerge_init(&m, &t->runs, &from->store);
		while (r >= 0 && (r = dmerge_next(&m, &key)) > 0) {
			uint32_t gid = (uint32_t)(key >> 32), f = (uint32_t)key;
			uint32_t local = map[gid & (NSHARD - 1)][gid >> SHARD_BITS];
			if (local == NO_ID)
				continue;
			uint64_t ref = rev[f >> KIND_BITS];
			struct item it;
			if (ref >> 63) {
				size_t len;
				const char *s = intern_str(&t->text,
							   (uint32_t)ref, &len);
				it = (struct item){ 1, 0, (const unsigned char *)s, len };
			} else {
				it = (struct item){ 0, ref, NULL, 0 };
			}
			uint32_t id = item_put(T, &it, item_hash(&it));
			if (id != NO_ID)
				pair_add(into, T, (uint64_t)(local << SHARD_BITS |
					 (gid & (NSHARD - 1))) << 32 |
					 (uint64_t)id << KIND_BITS |
					 (f & ((1u << KIND_BITS) - 1)), scratch);
		}
		if (r < 0) {
			char tmp[128];
			if (strerror_r(errno, tmp, sizeof(tmp)) != 0)
				snprintf(tmp, sizeof(tmp), "error %d", errno);
			rc = diag_error(dg, "cannot read the temporary file: %s", tmp);
		}
		dmerge_release(&m);
		free(rev);
		stripe_release(from, t);
	}
	free(scratch);
	free(fscratch);
	for (unsigned si = 0; si < NSHARD; si++)
		free(map[si]);
	return rc;
}

/* ---- finish: count the distinct pairs ---- */

struct finish_job {
	struct volume *v;
	pthread_mutex_t mu;
	unsigned next;            /* next stripe to take */
	int err;                  /* errno of a read failure, or 0 */
};

static void *finish_main(void *arg)
{
	struct finish_job *j = arg;
	struct volume *v = j->v;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		unsigned ti = j->next++;
		int stop = j->err != 0;
		pthread_mutex_unlock(&j->mu);
		if (ti >= NSTRIPE || stop)
			return NULL;
		struct istripe *t = &v->stripe[ti];
		struct dmerge m;
		uint64_t key;
		int r = dmerge_init(&m, &t->runs, &v->store);
		while (r >= 0 && (r = dmerge_next(&m, &key)) > 0) {
			uint32_t gid = (uint32_t)(key >> 32);
			struct gshard *s = &v->shard[gid & (NSHARD - 1)];
			size_t at = (size_t)(gid >> SHARD_BITS) * NKIND +
				    (key & ((1u << KIND_BITS) - 1));
			__atomic_fetch_add(&s->cnt[at], 1, __ATOMIC_RELAXED);
		}
		if (r < 0) {
			int e = errno ? errno : EIO;
			pthread_mutex_lock(&j->mu);
			j->err = e;
			pthread_mutex_unlock(&j->mu);
		}
		dmerge_release(&m);
	}
}

/* Collect the shards' split values and counts into the state's. */
static void finish_splits(struct volume *v)
{
	for (unsigned si = 0; si < NSHARD; si++) {
		struct gshard *s = &v->shard[si];
		for (size_t c = 0; c < s->ncell; c++) {
			uint64_t k;
			size_t len;
			memcpy(&k, intern_str(&s->cellkeys, (uint32_t)c, NULL), 8);
			const char *sv = intern_str(&s->splits, (uint32_t)k, &len);
			uint32_t sid = intern_put(&v->splits, sv, len, NULL);
			uint64_t gk = (uint64_t)((uint32_t)(k >> 32) << SHARD_BITS |
						 si) << 32 | sid;
			char tmp[8];
			int added;
			memcpy(tmp, &gk, 8);
			uint32_t cid = intern_put(&v->cellkeys, tmp, 8, &added);
			if (added) {
				VEC_GROW(v->cellcount, (size_t)cid + 1, v->cellalloc);
				v->cellcount[cid] = 0;
				v->ncell = (size_t)cid + 1;
			}
			v->cellcount[cid] += s->cellcount[c];
		}
		intern_release(&s->splits);
		intern_release(&s->cellkeys);
		free(s->cellcount);
		s->cellcount = NULL;
		s->ncell = s->cellalloc = 0;
	}
}

int volume_finish(struct volume *v, unsigned threads, struct diag *d)
{
	if (v->finished)
		BUG("volume_finish called twice");
	if (v->own) {
		volume_feed_free(v->own);
		v->own = NULL;
	}
	uint64_t *scratch = xcalloc(v->pair_cap, sizeof(*scratch));
	for (unsigned ti = 0; ti < NSTRIPE; ti++) {
		flush_pairs(v, &v->stripe[ti], scratch);
		dbuf_release(&v->stripe[ti].pairs);
		/* the dictionaries are not needed to count */
		free(v->stripe[ti].num);
		v->stripe[ti].num = NULL;
		v->stripe[ti].nsize = v->stripe[ti].nn = 0;
		free(v->stripe[ti].wnum);
		v->stripe[ti].wnum = NULL;
		v->stripe[ti].wsize = v->stripe[ti].wn = 0;
		intern_release(&v->stripe[ti].text);
		free(v->stripe[ti].text_id);
		v->stripe[ti].text_id = NULL;
	}
	free(scratch);
	v->ngroups = 0;
	for (unsigned si = 0; si < NSHARD; si++) {
		struct gshard *s = &v->shard[si];
		free(s->index); /* no lookups from now on */
		s->index = NULL;
		s->isize = 0;
		s->cnt = xcalloc(s->n ? s->n * NKIND : 1, sizeof(*s->cnt));
		v->ngroups += s->n;
	}
	struct finish_job j;
	memset(&j, 0, sizeof(j));
	j.v = v;
	pthread_mutex_init(&j.mu, NULL);
	if (threads > NSTRIPE)
		threads = NSTRIPE;
	pthread_t tid[NSTRIPE];
	unsigned started = 0;
	for (unsigned i = 1; i < threads; i++) {
		if (pthread_create(&tid[started], NULL, finish_main, &j) != 0)
			break;
		started++;
	}
	finish_main(&j);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&j.mu);
	for (unsigned ti = 0; ti < NSTRIPE; ti++)
		stripe_release(v, &v->stripe[ti]);
	dstore_close(&v->store);
	finish_splits(v);
	v->finished = 1;
	if (j.err) {
		char tmp[128];
		if (strerror_r(j.err, tmp, sizeof(tmp)) != 0)
			snprintf(tmp, sizeof(tmp), "error %d", j.err);
		return diag_error(d, "cannot read the temporary file: %s", tmp);
	}
	return 0;
}

void volume_free(struct volume *v)
{
	if (!v)
		return;
	volume_feed_free(v->own);
	for (unsigned si = 0; si < NSHARD; si++) {
		struct gshard *s = &v->shard[si];
		free(s->index);
		for (size_t c = 0; c < s->nchunk; c++) {
			free(s->g[c]);
			if (s->dir)
				free(s->dir[c]);
		}
		free(s->g);
		free(s->dir);
		free(s->wide);
		free(s->arena);
		intern_release(&s->splits);
		intern_release(&s->cellkeys);
		free(s->cellcount);
		free(s->cnt);
		pthread_mutex_destroy(&s->mu);
	}
	for (unsigned ti = 0; ti < NSTRIPE; ti++) {
		stripe_release(v, &v->stripe[ti]);
		pthread_mutex_destroy(&v->stripe[ti].mu);
	}
	dstore_release(&v->store);
	intern_release(&v->splits);
	intern_release(&v->cellkeys);
	free(v->cellcount);
	free(v->rows);
	free(v->filler);
	buf_release(&v->text);
	free(v);
}
/* ---- partial files: the state in canonical bytes ---- */

/*
 * Body of volume's partial section (volume_save, volume_load): every
 * group in canonical key order (inline keys first, by value; then encoded
 * keys by bytes), each with
 *
 *   u8 form (0 inline: u64 key; 1 encoded: bytes), the aggregates as
 *   varints (records, dur_n, timed, dur_total, dur_max, [first, last],
 *   up_n, bytes_up, down_n, bytes_down, [dir_n[2], dir_dur[2]]), with
 *   --split its split values (bytes, count) by text, then for each item
 *   kind (peer, cell, subscriber) its distinct items (u8 0 and a number,
 *   or u8 1 and bytes; numbers first by value, then texts by bytes)
 *
 * and a last u8: 1, or 0 when a spilled run could not be read back (such
 * a partial is refused on load). Local ids, shards, stripes and runs are
 * not in it: the same groups and pairs give the same bytes whatever the
 * thread count, budget and order of the records.
 */

struct save_group {
	uint32_t si, local;
	int arena;
	uint64_t inl;
	const unsigned char *kb;
	size_t klen;
};

struct save_item {
	uint32_t g;               /* canonical group index */
	uint32_t kind;            /* item kind, or split: unused */
	struct item it;
	uint64_t count;           /* split values: records */
};

static int cmp_save_group(const void *pa, const void *pb)
{
	const struct save_group *a = pa, *b = pb;
	if (a->arena != b->arena)
		return a->arena - b->arena;
	if (!a->arena)
		return a->inl < b->inl ? -1 : a->inl > b->inl;
	return cmp_bytes((const char *)a->kb, a->klen, (const char *)b->kb,
			 b->klen);
}

static int cmp_item(const struct item *a, const struct item *b)
{
	if (a->text != b->text)
		return a->text - b->text;
	if (!a->text)
		return a->num < b->num ? -1 : a->num > b->num;
	return cmp_bytes((const char *)a->s, a->len, (const char *)b->s, b->len);
}

static int cmp_save_item(const void *pa, const void *pb)
{
	const struct save_item *a = pa, *b = pb;
	if (a->g != b->g)
		return a->g < b->g ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return cmp_item(&a->it, &b->it);
}

static void put_item_partial(struct partial_writer *w, const struct item *it)
{
	partial_put_u8(w, (unsigned)it->text);
	if (it->text)
		partial_put_bytes(w, it->s, it->len);
	else
		partial_put_uvarint(w, it->num);
}

void volume_save(struct volume *v, struct partial_writer *w)
{
	int ok = 1;
	if (v->finished)
		BUG("volume_save after volume_finish");
	if (v->own) {
		volume_feed_free(v->own);
		v->own = NULL;
	}
	size_t ng = 0;
	for (unsigned si = 0; si < NSHARD; si++)
		ng += v->shard[si].n;
	struct save_group *g = xcalloc(ng ? ng : 1, sizeof(*g));
	uint32_t *map[NSHARD];
	size_t k = 0;
	for (unsigned si = 0; si < NSHARD; si++) {
		const struct gshard *s = &v->shard[si];
		map[si] = xcalloc(s->n ? s->n : 1, sizeof(*map[si]));
		for (size_t i = 0; i < s->n; i++, k++) {
			uint64_t key = grp(s, (uint32_t)i)->key;
			g[k].si = si;
			g[k].local = (uint32_t)i;
			if (key & KEY_ARENA) {
				const unsigned char *p = s->arena +
							 (key & ~KEY_ARENA);
				g[k].klen = get_varint(&p);
				g[k].kb = p;
				g[k].arena = 1;
			} else {
				g[k].inl = key;
			}
		}
	}
	if (ng)
		qsort(g, ng, sizeof(*g), cmp_save_group);
	for (size_t i = 0; i < ng; i++)
		map[g[i].si][g[i].local] = (uint32_t)i;
	/* split values */
	struct save_item *sp = NULL;
	size_t nsp = 0, spalloc = 0;
	for (unsigned si = 0; si < NSHARD; si++) {
		const struct gshard *s = &v->shard[si];
		for (size_t c = 0; c < s->ncell; c++) {
			uint64_t ck;
			size_t len;
			memcpy(&ck, intern_str(&s->cellkeys, (uint32_t)c, NULL), 8);
			const char *sv = intern_str(&s->splits, (uint32_t)ck, &len);
			VEC_GROW(sp, nsp + 1, spalloc);
			sp[nsp].g = map[si][ck >> 32];
			sp[nsp].kind = 0;
			sp[nsp].it = (struct item){ 1, 0,
				(const unsigned char *)sv, len };
			sp[nsp].count = s->cellcount[c];
			nsp++;
		}
	}
	if (nsp)
		qsort(sp, nsp, sizeof(*sp), cmp_save_item);
	/* distinct pairs, every stripe's runs merged */
	struct buf ptext = BUF_INIT;  /* the texts of pair items */
	struct save_item *pr = NULL;
	size_t npr = 0, pralloc = 0;
	uint64_t *scratch = xcalloc(v->pair_cap, sizeof(*scratch));
	uint64_t **revs = xcalloc(NSTRIPE, sizeof(*revs));
	for (unsigned ti = 0; ti < NSTRIPE && ok; ti++) {
		struct istripe *t = &v->stripe[ti];
		flush_pairs(v, t, scratch);
		uint64_t *rev = revs[ti] = stripe_items(t);
		struct dmerge m;
		uint64_t key;
		int r = dmerge_init(&m, &t->runs, &v->store);
		while (r >= 0 && (r = dmerge_next(&m, &key)) > 0) {
			uint32_t gid = (uint32_t)(key >> 32), f = (uint32_t)key;
			uint64_t ref = rev[f >> KIND_BITS];
			VEC_GROW(pr, npr + 1, pralloc);
			struct save_item *e = &pr[npr++];
			e->g = map[gid & (NSHARD - 1)][gid >> SHARD_BITS];
			e->kind = f & ((1u << KIND_BITS) - 1);
			e->count = 0;
			char pt[24];
			size_t pl;
			if (ref >> 63) {
				size_t len;
				const char *s = intern_str(&t->text,
							   (uint32_t)ref, &len);
				e->it = (struct item){ 1, 0,
					(const unsigned char *)s, len };
			} else if ((pl = text_pair_format(ref, pt))) {
				/* a pair as its text: where in 'ptext' (the
				   pointers are set once it stops growing) */
				e->it = (struct item){ 2, ptext.len, NULL, pl };
				buf_add(&ptext, pt, pl);
			} else {
				e->it = (struct item){ 0, ref, NULL, 0 };
			}
		}
		if (r < 0)
			ok = 0;
		dmerge_release(&m);
	}
	free(scratch);
	for (size_t i = 0; i < npr; i++)
		if (pr[i].it.text == 2)
			pr[i].it = (struct item){ 1, 0,
				(const unsigned char *)ptext.data + pr[i].it.num,
				pr[i].it.len };
	if (npr)
		qsort(pr, npr, sizeof(*pr), cmp_save_item);
	if (!ok)
		ng = 0;
	partial_put_uvarint(w, ng);
	size_t at_sp = 0, at_pr = 0;
	for (size_t i = 0; i < ng; i++) {
		const struct gshard *s = &v->shard[g[i].si];
		struct wgroup x;
		volume_group_get(s, g[i].local, &x);
		partial_put_u8(w, (unsigned)g[i].arena);
		if (g[i].arena)
			partial_put_bytes(w, g[i].kb, g[i].klen);
		else
			partial_put_u64(w, g[i].inl);
		partial_put_uvarint(w, x.records);
		partial_put_uvarint(w, x.dur_n);
		partial_put_uvarint(w, x.timed);
		partial_put_svarint(w, x.dur_total);
		partial_put_svarint(w, x.dur_max);
		if (x.timed) {
			partial_put_svarint(w, x.first);
			partial_put_svarint(w, x.last);
		}
		partial_put_uvarint(w, x.up_n);
		partial_put_uvarint(w, x.bytes_up);
		partial_put_uvarint(w, x.down_n);
		partial_put_uvarint(w, x.bytes_down);
		if (v->o.pairs)
			for (int d = 0; d < 2; d++) {
				partial_put_uvarint(w, x.dir_n[d]);
				partial_put_svarint(w, x.dir_dur[d]);
			}
		if (v->o.split >= 0) {
			size_t e = at_sp;
			while (e < nsp && sp[e].g == i)
				e++;
			partial_put_uvarint(w, e - at_sp);
			for (; at_sp < e; at_sp++) {
				partial_put_bytes(w, sp[at_sp].it.s,
						  sp[at_sp].it.len);
				partial_put_uvarint(w, sp[at_sp].count);
			}
		}
		for (uint32_t kind = 0; kind < NKIND; kind++) {
			size_t e = at_pr;
			while (e < npr && pr[e].g == i && pr[e].kind == kind)
				e++;
			partial_put_uvarint(w, e - at_pr);
			for (; at_pr < e; at_pr++)
				put_item_partial(w, &pr[at_pr].it);
		}
	}
	partial_put_u8(w, (unsigned)ok);
	for (unsigned ti = 0; ti < NSTRIPE; ti++)
		free(revs[ti]);
	free(revs);
	free(pr);
	buf_release(&ptext);
	free(sp);
	for (unsigned si = 0; si < NSHARD; si++)
		free(map[si]);
	free(g);
}

/* Largest canonical number (18 digits) and calendar values a loaded key
   may hold: beyond any clock of record.h, small enough for the civil
   arithmetic and for listing empty buckets. */
#define NUM_MAX 999999999999999999ull
#define DAYS_MAX 1700000

static int time_ok(int key, int64_t t)
{
	switch (key) {
	case F_HOUR: return t >= 0 && t <= 23;
	case F_DOW: return t >= 1 && t <= 7;
	case VK_MONTH: return t >= -DAYS_MAX / 28 && t <= DAYS_MAX / 28;
	}
	return t >= -DAYS_MAX && t <= DAYS_MAX;
}

/* 1 when component tag 'tag' and value 'val' can be key 'i' of 'v'. */
static int comp_ok(const struct volume *v, size_t i, int tag, uint64_t val)
{
	if (tag == KT_TIME)
		return !v->o.pairs && key_from_start(v->o.keys[i]) &&
		       time_ok(v->o.keys[i], unzigzag(val));
	if (tag == KT_NUM)
		return val <= NUM_MAX && !(v->o.nkeys &&
					   key_from_start(v->o.keys[i]));
	return 1;
}

/* 1 when encoded key 'p' ('len' bytes) is one volume could have made. */
static int key_valid(const struct volume *v, const unsigned char *p,
		     size_t len)
{
	const unsigned char *end = p + len;
	size_t n = 0;
	if (v->ncomp < 2 && !(v->ncomp == 1 && len && p[0] == KT_TEXT))
		return 0; /* a lone component not text is inline */
	while (p < end) {
		int tag = *p++;
		uint64_t val = 0;
		if (n >= v->ncomp || tag > KT_TEXT)
			return 0;
		if (tag == KT_NUM || tag == KT_TIME || tag == KT_TEXT) {
			unsigned shift = 0;
			for (;;) {
				if (p >= end || shift > 63)
					return 0;
				val |= (uint64_t)(*p & 0x7f) << shift;
				shift += 7;
				if (!(*p++ & 0x80))
					break;
			}
		}
		if (tag == KT_TEXT) {
			if (!val || val > (uint64_t)(end - p) ||
			    digits_value((const char *)p, (size_t)val) !=
			    NOT_NUM)
				return 0;
			p += val;
		} else if (!comp_ok(v, n, tag, val)) {
			return 0;
		}
		n++;
	}
	return n == v->ncomp;
}

static int load_item(struct partial_reader *r, struct item *it)
{
	unsigned text = partial_get_u8(r);
	memset(it, 0, sizeof(*it));
	if (text > 1)
		return -1;
	it->text = (int)text;
	if (!text) {
		it->num = partial_get_uvarint(r);
		return it->num <= NUM_MAX ? 0 : -1;
	}
	it->s = partial_get_bytes(r, &it->len);
	if (!it->s || it->len > INTERN_MAX_LEN ||
	    digits_value((const char *)it->s, it->len) != NOT_NUM)
		return -1;
	return 0;
}

int volume_load(struct volume *v, struct partial_reader *r)
{
	uint64_t *scratch = xcalloc(v->pair_cap, sizeof(*scratch));
	int rc = 0;
	/* a group takes at least 11 bytes: form, key, 9 figures, 3 counts */
	uint64_t ng = partial_get_count(r, 11);
	for (uint64_t gi = 0; gi < ng && !r->failed; gi++) {
		struct digest d;
		memset(&d, 0, sizeof(d));
		unsigned form = partial_get_u8(r);
		if (form == 1) {
			d.kbytes = partial_get_bytes(r, &d.klen);
			if (!d.kbytes || !key_valid(v, d.kbytes, d.klen))
				goto bad;
			d.hash = hash_bytes(d.kbytes, d.klen);
		} else if (form == 0) {
			d.inl = partial_get_u64(r);
			int tag = (int)(d.inl >> 61) & 3;
			uint64_t val = d.inl & (((uint64_t)1 << 61) - 1);
			if ((d.inl >> 63) || v->ncomp > 1 ||
			    (v->ncomp == 0 && d.inl != (uint64_t)KT_EMPTY << 61) ||
			    (v->ncomp == 1 && (tag == KT_TEXT ||
			     (tag == KT_EMPTY && val) || !comp_ok(v, 0, tag, val))))
				goto bad;
			d.hash = key_hash_inline(d.inl);
		} else {
			goto bad;
		}
		struct wgroup x;
		memset(&x, 0, sizeof(x));
		x.records = partial_get_uvarint(r);
		x.dur_n = partial_get_uvarint(r);
		x.timed = partial_get_uvarint(r);
		x.dur_total = partial_get_svarint(r);
		x.dur_max = partial_get_svarint(r);
		if (x.timed) {
			x.first = partial_get_svarint(r);
			x.last = partial_get_svarint(r);
		}
		x.up_n = partial_get_uvarint(r);
		x.bytes_up = partial_get_uvarint(r);
		x.down_n = partial_get_uvarint(r);
		x.bytes_down = partial_get_uvarint(r);
		if (v->o.pairs)
			for (int k = 0; k < 2; k++) {
				x.dir_n[k] = partial_get_uvarint(r);
				x.dir_dur[k] = partial_get_svarint(r);
			}
		if (r->failed || !x.records || x.records > (uint64_t)INT64_MAX ||
		    x.dur_n > x.records || x.timed > x.records ||
		    x.up_n > x.records || x.down_n > x.records ||
		    x.first > x.last || x.dir_n[0] > x.records ||
		    x.dir_n[1] > x.records - x.dir_n[0] ||
		    (!x.up_n && x.bytes_up) || (!x.down_n && x.bytes_down))
			goto bad;
		unsigned si = (unsigned)(d.hash >> (64 - SHARD_BITS));
		struct gshard *s = &v->shard[si];
		size_t before = s->n;
		uint32_t local = shard_put(v, s, &d);
		if (local == NO_ID || s->n == before)
			goto bad; /* full, or a group given twice */
		group_merge(s, local, &x);
		if (v->o.split >= 0) {
			uint64_t n = partial_get_count(r, 2);
			uint64_t sum = 0;
			for (uint64_t i = 0; i < n && !r->failed; i++) {
				size_t len;
				const unsigned char *p = partial_get_bytes(r, &len);
				uint64_t c = partial_get_uvarint(r);
				if (!p || len > INTERN_MAX_LEN || !c ||
				    __builtin_add_overflow(sum, c, &sum))
					goto bad;
				split_add(s, local, (const char *)p, len, c);
			}
			if (sum > x.records)
				goto bad;
		}
		uint32_t gid = local << SHARD_BITS | si;
		for (unsigned kind = 0; kind < NKIND; kind++) {
			uint64_t n = partial_get_count(r, 2);
			if (n > x.records)
				goto bad;
			struct item prev = { 0, 0, NULL, 0 };
			for (uint64_t i = 0; i < n && !r->failed; i++) {
				struct item it;
				if (load_item(r, &it) < 0 ||
				    (i && cmp_item(&prev, &it) >= 0))
					goto bad; /* not what save writes */
				prev = it;
				if (it.text) { /* a pair is kept as a number */
					uint64_t num = item_number(
						(const char *)it.s, it.len);
					if (num != NOT_NUM)
						it = (struct item){ 0, num, NULL, 0 };
				}
				uint64_t h = item_hash(&it);
				struct istripe *t = &v->stripe[h >> (64 - STRIPE_BITS)];
				uint32_t id = item_put(t, &it, h);
				if (id == NO_ID)
					goto bad;
				pair_add(v, t, (uint64_t)gid << 32 |
					 (uint64_t)id << KIND_BITS | kind,
					 scratch);
			}
		}
	}
	if (!r->failed && partial_get_u8(r) != 1 && !r->failed)
		rc = 1;
	free(scratch);
	return rc;
bad:
	r->failed = 1;
	free(scratch);
	return 0;
}
