/*
 * anom_calls.c - the simbox and duplicate detectors (anom_calls.h).
 *
 * Both read the same compact record, kept for every CDR record with a
 * subscriber and a start: the subscriber and the other party (ids in one
 * set of parties), the cell and the operator (ids in their sets, NONE
 * when missing), start (ms), duration (us, from the duration field, else
 * end - start), type, direction, input and line: 48 bytes a record, the
 * strings once each. Canonical form: every set in byte order, ids as
 * ranks, records sorted by (subscriber, start, peer, duration, type,
 * direction, operator, cell, input, line), so the flags do not depend on
 * row order, file order or -j; the detectors walk that order.
 *
 * simbox: per subscriber, all six conditions of man ANOMALIES hold.
 * duplicate: records with equal (subscriber, peer, start, duration, type,
 * direction) - the parties and direction as the record gives them - are
 * copies; two copies are linked when they share an input or a (present)
 * operator, and each connected set of two or more copies is one flag.
 * Legs of one call differ in direction, so they are never copies.
 *
 * Partial section ANCL:
 *   uvarint simbox_calls, simbox_ratio, simbox_distinct, simbox_median,
 *     simbox_cells, duplicate-id (0 or 1)
 *   three sets (parties, cells, operators), each a uvarint count and
 *     byte strings, ascending
 *   uvarint records, each: uvarint subscriber, peer + 1, cell + 1,
 *     operator + 1 (0: none), input, line; svarint start, duration;
 *     u8 type, direction, has-duration; uvarint id hash + 1 (0: no id);
 *     in the canonical order.
 */
#include "anom_calls.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "keysort.h"
#include "partial.h"
#include "pipeline.h"
#include "record.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

#define NONE UINT32_MAX

struct crec {
	uint32_t sub, peer, cell, op, input;
	uint32_t meta;  /* type (3 bits), direction (2), has duration (1),
			   has id (1), a 25-bit hash of the id (M_* below) */
	int64_t t;      /* start, ms */
	int64_t dur;    /* us, when hasdur */
	uint64_t line;
};

#define M_TYPE(x) ((x)->meta & 7u)
#define M_DIR(x) (((x)->meta >> 3) & 3u)
#define M_HASDUR(x) (((x)->meta >> 5) & 1u)
#define M_HASID(x) (((x)->meta >> 6) & 1u)
#define M_IDH(x) ((x)->meta >> 7)
#define IDH_BITS 25

static uint32_t mk_meta(unsigned type, unsigned dir, unsigned hasdur,
			unsigned hasid, uint32_t idh)
{
	return (type & 7u) | (dir & 3u) << 3 | (hasdur & 1u) << 5 |
	       (hasid & 1u) << 6 | (idh & ((1u << IDH_BITS) - 1)) << 7;
}

struct anom_calls {
	struct intern parties, cells, ops;
	struct crec *r;
	size_t n, alloc;
};

struct anom_calls *anom_calls_new(void)
{
	return xcalloc(1, sizeof(struct anom_calls));
}

void anom_calls_free(struct anom_calls *c)
{
	if (!c)
		return;
	intern_release(&c->parties);
	intern_release(&c->cells);
	intern_release(&c->ops);
	free(c->r);
	free(c);
}

static uint32_t put_str(struct intern *set, const struct record *r,
			enum field_id f)
{
	if (!record_has(r, f) || r->v[f].s.len > INTERN_MAX_LEN)
		return NONE;
	return intern_put(set, r->v[f].s.s, r->v[f].s.len, NULL);
}

void anom_calls_add(struct anom_calls *c, const struct pipe_input *pin,
		    const struct record *r)
{
	struct crec x;
	unsigned type = 0, dir = 0, hasdur = 0, hasid = 0;
	uint32_t idh = 0;
	if (r->kind != KIND_CDR || !record_has(r, F_SUBSCRIBER) ||
	    !record_has(r, F_START) ||
	    r->v[F_SUBSCRIBER].s.len > INTERN_MAX_LEN)
		return;
	memset(&x, 0, sizeof(x));
	x.sub = put_str(&c->parties, r, F_SUBSCRIBER);
	x.peer = put_str(&c->parties, r, F_PEER);
	x.cell = put_str(&c->cells, r, F_CELL);
	x.op = put_str(&c->ops, r, F_OPERATOR);
	x.input = (uint32_t)pin->index;
	x.line = r->line;
	x.t = r->v[F_START].i;
	if (record_has(r, F_TYPE))
		type = (unsigned)r->v[F_TYPE].i;
	if (record_has(r, F_DIRECTION))
		dir = (unsigned)r->v[F_DIRECTION].i;
	if (record_has(r, F_ID) && r->v[F_ID].s.len) {
		hasid = 1;
		idh = intern_hash(r->v[F_ID].s.s, r->v[F_ID].s.len);
	}
	if (record_has(r, F_DURATION)) {
		hasdur = 1;
		x.dur = r->v[F_DURATION].i;
	} else if (record_has(r, F_END)) {
		hasdur = 1;
		x.dur = (r->v[F_END].i - x.t) * 1000 +
			(r->sub_us[1] - r->sub_us[0]);
	}
	x.meta = mk_meta(type, dir, hasdur, hasid, idh);
	VEC_GROW(c->r, c->n + 1, c->alloc);
	c->r[c->n++] = x;
}

static uint32_t map_id(const uint32_t *ids, uint32_t id)
{
	return id == NONE ? NONE : ids[id];
}

void anom_calls_merge(struct anom_calls *a, struct anom_calls *b,
		      const size_t *map)
{
	/* keep the larger side's vector and sets, copy the smaller (as
	   anomaly.c does): a run's one feed is taken whole, not copied */
	if (!map && a->n < b->n) {
		struct anom_calls t = *a;
		*a = *b;
		*b = t;
	}
	uint32_t *p = intern_merge(&a->parties, &b->parties);
	uint32_t *ce = intern_merge(&a->cells, &b->cells);
	uint32_t *op = intern_merge(&a->ops, &b->ops);
	VEC_GROW(a->r, a->n + b->n, a->alloc);
	for (size_t i = 0; i < b->n; i++) {
		struct crec x = b->r[i];
		x.sub = p[x.sub];
		x.peer = map_id(p, x.peer);
		x.cell = map_id(ce, x.cell);
		x.op = map_id(op, x.op);
		if (map)
			x.input = (uint32_t)map[x.input];
		a->r[a->n++] = x;
	}
	free(p);
	free(ce);
	free(op);
	free(b->r);
	b->r = NULL;
	b->n = b->alloc = 0;
}

void anom_calls_order(struct anom_calls *c, const size_t *inv, size_t n)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->r[i].input < n)
			c->r[i].input = (uint32_t)inv[c->r[i].input];
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/* The duplicate key: equal when 0. */
static int cmp_key(const struct crec *a, const struct crec *b)
{
	CMP(a->sub, b->sub);
	CMP(a->t, b->t);
	CMP(a->peer, b->peer);
	CMP(M_HASDUR(a), M_HASDUR(b));
	CMP(a->dur, b->dur);
	CMP(M_TYPE(a), M_TYPE(b));
	CMP(M_DIR(a), M_DIR(b));
	return 0;
}

static int cmp_crec(const void *pa, const void *pb)
{
	const struct crec *a = pa, *b = pb;
	int c = cmp_key(a, b);
	if (c)
		return c;
	CMP(a->op, b->op);
	CMP(a->cell, b->cell);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

void anom_calls_canonical(struct anom_calls *c)
{
	size_t np;
	uint32_t *p = intern_sort(&c->parties, &np);
	uint32_t *ce = intern_sort(&c->cells, NULL);
	uint32_t *op = intern_sort(&c->ops, NULL);
	for (size_t i = 0; i < c->n; i++) {
		struct crec *x = &c->r[i];
		x->sub = p[x->sub];
		x->peer = map_id(p, x->peer);
		x->cell = map_id(ce, x->cell);
		x->op = map_id(op, x->op);
	}
	free(p);
	free(ce);
	free(op);
	groupsort(c->r, c->n, sizeof(*c->r), offsetof(struct crec, sub), np,
		  cmp_crec);
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

static int cmp_i64(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return a < b ? -1 : a > b;
}

static void add_held(struct buf *de, int held)
{
	buf_adds(de, held ? " (held)" : " (not held)");
}

/*
 * simbox over the records [lo, hi) of one subscriber. Outgoing and
 * incoming: voice records of direction mo and mt. Flags when all hold:
 * out >= calls, out >= ratio * in, distinct callees * 100 >= distinct *
 * out, the median of the outgoing durations <= median, distinct cells of
 * the outgoing calls <= cells, and no SMS or data record.
 */
static void simbox(struct anom_calls *c, const struct anom_opts *o,
		   size_t lo, size_t hi, struct runfacts *rf, struct table *t,
		   struct buf *sc, struct buf *de, struct buf *ev)
{
	uint64_t out = 0, in = 0, smsdata = 0, distinct = 0, ncell = 0;
	for (size_t i = lo; i < hi; i++) {
		const struct crec *x = &c->r[i];
		if (M_TYPE(x) == TYPE_VOICE && M_DIR(x) == DIR_MO)
			out++;
		else if (M_TYPE(x) == TYPE_VOICE && M_DIR(x) == DIR_MT)
			in++;
		else if (M_TYPE(x) == TYPE_SMS || M_TYPE(x) == TYPE_DATA)
			smsdata++;
	}
	if (out < o->simbox_calls || !out)
		return;
	int64_t *d = xcalloc(out, sizeof(*d));
	uint32_t *cells = xcalloc(out, sizeof(*cells));
	uint32_t *peers = xcalloc(out, sizeof(*peers));
	size_t nd = 0, nc = 0, np = 0;
	int64_t from = INT64_MAX, to = INT64_MIN;
	for (size_t i = lo; i < hi; i++) {
		const struct crec *x = &c->r[i];
		if (M_TYPE(x) != TYPE_VOICE || M_DIR(x) != DIR_MO)
			continue;
		if (x->peer != NONE)
			peers[np++] = x->peer;
		if (M_HASDUR(x))
			d[nd++] = x->dur;
		if (x->cell != NONE)
			cells[nc++] = x->cell;
		from = x->t < from ? x->t : from;
		to = x->t > to ? x->t : to;
	}
	qsort(d, nd, sizeof(*d), cmp_i64);
	qsort(cells, nc, sizeof(*cells), cmp_u32);
	for (size_t i = 0; i < nc; i++)
		ncell += !i || cells[i] != cells[i - 1];
	qsort(peers, np, sizeof(*peers), cmp_u32);
	for (size_t i = 0; i < np; i++)
		distinct += !i || peers[i] != peers[i - 1];
	/* twice the median, exact in integers */
	int64_t med2 = !nd ? 0 : nd % 2 ? 2 * d[nd / 2] :
		       d[nd / 2 - 1] + d[nd / 2];
	int c_ratio = out >= o->simbox_ratio * in;
	int c_dist = distinct * 100 >= o->simbox_distinct * out;
	int c_med = nd && med2 <= 2 * (int64_t)o->simbox_median * 1000000;
	int c_cell = ncell <= o->simbox_cells;
	int c_own = smsdata == 0;
	free(d);
	free(cells);
	free(peers);
	if (!(c_ratio && c_dist && c_med && c_cell && c_own))
		return;
	buf_addf(sc, "%llu", (unsigned long long)out);
	buf_addf(de, "outgoing voice %llu >= %llu (held); outgoing:incoming "
		 "%llu:%llu >= %llu:1", (unsigned long long)out,
		 (unsigned long long)o->simbox_calls, (unsigned long long)out,
		 (unsigned long long)in, (unsigned long long)o->simbox_ratio);
	add_held(de, c_ratio);
	buf_addf(de, "; distinct callees %llu (%.1f%%) >= %llu%%",
		 (unsigned long long)distinct,
		 100.0 * (double)distinct / (double)out,
		 (unsigned long long)o->simbox_distinct);
	add_held(de, c_dist);
	buf_adds(de, "; median duration ");
	format_duration(med2 / 2, de);
	buf_addf(de, " s <= %llu s", (unsigned long long)o->simbox_median);
	add_held(de, c_med);
	buf_addf(de, "; cells %llu <= %llu", (unsigned long long)ncell,
		 (unsigned long long)o->simbox_cells);
	add_held(de, c_cell);
	buf_addf(de, "; sms and data records %llu", (unsigned long long)smsdata);
	add_held(de, c_own);
	struct evref *e = xcalloc(hi - lo, sizeof(*e));
	for (size_t i = lo; i < hi; i++) {
		e[i - lo].input = c->r[i].input;
		e[i - lo].line = c->r[i].line;
	}
	anom_ev_list(ev, rf, e, hi - lo);
	free(e);
	size_t len;
	const char *s = intern_str(&c->parties, c->r[lo].sub, &len);
	anom_flag(t, AK_SIMBOX, s, len, from, to, sc, de, ev);
}

static const char *type_word(unsigned t)
{
	static const char *const w[] = { "untyped", "voice", "sms", "data",
					 "other" };
	return t < 5 ? w[t] : "untyped";
}

static const char *dir_word(unsigned d)
{
	static const char *const w[] = { "no direction", "mo", "mt",
					 "no direction" };
	return d < 4 ? w[d] : "no direction";
}

static uint32_t uf_find(uint32_t *up, uint32_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

static void uf_join(uint32_t *up, uint32_t a, uint32_t b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a != b) {
		if (a < b)
			up[b] = a;
		else
			up[a] = b;
	}
}

/* 'g' indexes of a key group sorted by the field at 'off' (input or op). */
static const struct crec *sort_base;
static size_t sort_off;

static uint32_t field_at(const struct crec *x, size_t off)
{
	uint32_t f;
	memcpy(&f, (const char *)x + off, sizeof(f));
	return f;
}

/* By the field, then records without an id first, then the id hash. */
static int cmp_by_field(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct crec *x = &sort_base[a], *y = &sort_base[b];
	CMP(field_at(x, sort_off), field_at(y, sort_off));
	CMP(M_HASID(x), M_HASID(y));
	CMP(M_IDH(x), M_IDH(y));
	return a < b ? -1 : a > b;
}

/*
 * Link the members of 'g' (group indexes) equal in the field (NONE
 * never, with skip_none). With by_id, two records that both carry an id
 * and whose ids differ are not linked directly: within a run of one
 * field value, a member without an id links the whole run, else runs of
 * one id hash are linked.
 */
static void link_by(const struct crec *r, uint32_t *g, size_t k,
		    size_t off, uint32_t *up, int skip_none, int by_id)
{
	sort_base = r;
	sort_off = off;
	qsort(g, k, sizeof(*g), cmp_by_field);
	for (size_t lo = 0, hi; lo < k; lo = hi) {
		uint32_t f = field_at(&r[g[lo]], off);
		for (hi = lo + 1; hi < k && field_at(&r[g[hi]], off) == f; hi++)
			;
		if (skip_none && f == NONE)
			continue;
		int all = !by_id || !M_HASID(&r[g[lo]]);
		for (size_t i = lo + 1; i < hi; i++)
			if (all || M_IDH(&r[g[i]]) == M_IDH(&r[g[i - 1]]))
				uf_join(up, g[i - 1], g[i]);
	}
}

/* duplicate over one key group [lo, hi), hi - lo >= 2. */
static void duplicate(struct anom_calls *c, const struct anom_opts *o,
		      size_t lo, size_t hi, struct runfacts *rf, struct table *t, struct buf *sc,
		      struct buf *de, struct buf *ev)
{
	size_t k = hi - lo;
	const struct crec *r = c->r + lo;
	uint32_t *up = xcalloc(k, sizeof(*up));
	uint32_t *g = xcalloc(k, sizeof(*g));
	uint32_t *cnt = xcalloc(k, sizeof(*cnt));
	struct evref *e = xcalloc(k, sizeof(*e));
	for (size_t i = 0; i < k; i++)
		up[i] = g[i] = (uint32_t)i;
	link_by(r, g, k, offsetof(struct crec, input), up, 0, o->dup_id != 0);
	link_by(r, g, k, offsetof(struct crec, op), up, 1, o->dup_id != 0);
	for (size_t i = 0; i < k; i++)
		cnt[uf_find(up, (uint32_t)i)]++;
	/* components in the order of their first member (canonical) */
	for (size_t root = 0; root < k; root++) {
		if (up[root] != root || cnt[root] < 2)
			continue;
		size_t ne = 0;
		int one_input = 1, one_op = 1;
		for (size_t i = 0; i < k; i++) {
			if (uf_find(up, (uint32_t)i) != root)
				continue;
			if (r[i].input != r[root].input)
				one_input = 0;
			if (r[i].op != r[root].op || r[i].op == NONE)
				one_op = 0;
			e[ne].input = r[i].input;
			e[ne++].line = r[i].line;
		}
		buf_addf(sc, "%zu", ne);
		buf_addf(de, "%zu copies of %s %s", ne, type_word(M_TYPE(r)),
			 dir_word(M_DIR(r)));
		if (r->peer != NONE) {
			size_t len;
			const char *p = intern_str(&c->parties, r->peer, &len);
			buf_adds(de, M_DIR(r) == DIR_MT ? " from " : " to ");
			buf_add(de, p, len);
		}
		if (M_HASDUR(r)) {
			buf_adds(de, ", duration ");
			format_duration(r->dur, de);
			buf_adds(de, " s");
		}
		if (one_input) {
			buf_adds(de, "; in one input");
		} else if (one_op) {
			size_t len;
			const char *p = intern_str(&c->ops, r[root].op, &len);
			buf_adds(de, "; in one operator, ");
			buf_add(de, p, len);
		} else {
			buf_adds(de, "; linked by input and operator");
		}
		anom_ev_list(ev, rf, e, ne);
		size_t len;
		const char *s = intern_str(&c->parties, r->sub, &len);
		anom_flag(t, AK_DUPLICATE, s, len, r->t, r->t, sc, de, ev);
	}
	free(up);
	free(g);
	free(cnt);
	free(e);
}

void anom_calls_report(struct anom_calls *c, const struct anom_opts *o,
		       int k, struct runfacts *rf, struct table *t,
		       struct buf *sc, struct buf *de, struct buf *ev)
{
	for (size_t lo = 0, hi; lo < c->n; lo = hi) {
		if (k == AK_SIMBOX) {
			for (hi = lo + 1; hi < c->n && c->r[hi].sub == c->r[lo].sub;
			     hi++)
				;
			simbox(c, o, lo, hi, rf, t, sc, de, ev);
		} else {
			for (hi = lo + 1;
			     hi < c->n && !cmp_key(&c->r[hi], &c->r[lo]); hi++)
				;
			if (hi - lo >= 2)
				duplicate(c, o, lo, hi, rf, t, sc, de, ev);
		}
	}
}

void anom_calls_options_key(const struct anom_opts *o, struct buf *b)
{
	buf_addf(b, " simbox-calls=%llu simbox-ratio=%llu "
		 "simbox-distinct=%llu simbox-median=%llu simbox-cells=%llu "
		 "duplicate-id=%s",
		 (unsigned long long)o->simbox_calls,
		 (unsigned long long)o->simbox_ratio,
		 (unsigned long long)o->simbox_distinct,
		 (unsigned long long)o->simbox_median,
		 (unsigned long long)o->simbox_cells, o->dup_id ? "yes" : "no");
}

static void put_set(struct partial_writer *w, const struct intern *set)
{
	size_t n = intern_count(set);
	partial_put_uvarint(w, n);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *s = intern_str(set, (uint32_t)i, &len);
		partial_put_bytes(w, s, len);
	}
}

void anom_calls_save(struct anom_calls *c, const struct anom_opts *o,
		     struct partial_writer *w)
{
	anom_calls_canonical(c);
	partial_section_begin(w, ANCL_TAG);
	partial_put_uvarint(w, o->simbox_calls);
	partial_put_uvarint(w, o->simbox_ratio);
	partial_put_uvarint(w, o->simbox_distinct);
	partial_put_uvarint(w, o->simbox_median);
	partial_put_uvarint(w, o->simbox_cells);
	partial_put_uvarint(w, o->dup_id);
	put_set(w, &c->parties);
	put_set(w, &c->cells);
	put_set(w, &c->ops);
	partial_put_uvarint(w, c->n);
	for (size_t i = 0; i < c->n; i++) {
		const struct crec *x = &c->r[i];
		partial_put_uvarint(w, x->sub);
		partial_put_uvarint(w, x->peer == NONE ? 0 : (uint64_t)x->peer + 1);
		partial_put_uvarint(w, x->cell == NONE ? 0 : (uint64_t)x->cell + 1);
		partial_put_uvarint(w, x->op == NONE ? 0 : (uint64_t)x->op + 1);
		partial_put_uvarint(w, x->input);
		partial_put_uvarint(w, x->line);
		partial_put_svarint(w, x->t);
		partial_put_svarint(w, x->dur);
		partial_put_u8(w, M_TYPE(x));
		partial_put_u8(w, M_DIR(x));
		partial_put_u8(w, M_HASDUR(x));
		partial_put_uvarint(w, M_HASID(x) ? (uint64_t)M_IDH(x) + 1 : 0);
	}
	partial_section_end(w);
}

/* A set of distinct strings as saved; its count (0 on a fault). */
static uint64_t get_set(struct partial_reader *r, struct intern *set)
{
	uint64_t n = partial_get_count(r, 1);
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(r, &len);
		int added = 0;
		if (!p || len > INTERN_MAX_LEN || n > UINT32_MAX - 1) {
			r->failed = 1;
			break;
		}
		intern_put(set, (const char *)p, len, &added);
		if (!added)
			r->failed = 1;
	}
	return r->failed ? 0 : n;
}

/* An optional id saved as id + 1: NONE for 0; 'bad' set past 'n'. */
static uint32_t get_opt(struct partial_reader *r, uint64_t n, int *bad)
{
	uint64_t v = partial_get_uvarint(r);
	if (!v)
		return NONE;
	if (v > n)
		*bad = 1;
	return (uint32_t)(v - 1);
}

int anom_calls_load(struct anom_calls *c, struct anom_opts *o,
		    const struct partial_file *pf, size_t ninputs,
		    struct diag *d)
{
	struct partial_reader r;
	if (partial_section(pf, ANCL_TAG, &r) < 0) {
		diag_error(d, "not a usable partial file: no ANCL section");
		return -1;
	}
	o->simbox_calls = partial_get_uvarint(&r);
	o->simbox_ratio = partial_get_uvarint(&r);
	o->simbox_distinct = partial_get_uvarint(&r);
	o->simbox_median = partial_get_uvarint(&r);
	o->simbox_cells = partial_get_uvarint(&r);
	o->dup_id = partial_get_uvarint(&r);
	if (o->simbox_calls > 1000000000 || o->simbox_ratio > 1000000000 ||
	    o->simbox_distinct > 100 || o->simbox_median > 1000000000 ||
	    o->simbox_cells > 1000000000 || o->dup_id > 1)
		r.failed = 1;
	uint64_t np = r.failed ? 0 : get_set(&r, &c->parties);
	uint64_t nc = r.failed ? 0 : get_set(&r, &c->cells);
	uint64_t no = r.failed ? 0 : get_set(&r, &c->ops);
	uint64_t n = r.failed ? 0 : partial_get_count(&r, 12);
	if (!r.failed)
		VEC_GROW(c->r, (size_t)n, c->alloc);
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		struct crec x;
		int bad = 0;
		memset(&x, 0, sizeof(x));
		uint64_t sub = partial_get_uvarint(&r);
		x.peer = get_opt(&r, np, &bad);
		x.cell = get_opt(&r, nc, &bad);
		x.op = get_opt(&r, no, &bad);
		uint64_t input = partial_get_uvarint(&r);
		x.line = partial_get_uvarint(&r);
		x.t = partial_get_svarint(&r);
		x.dur = partial_get_svarint(&r);
		unsigned type = partial_get_u8(&r);
		unsigned dir = partial_get_u8(&r);
		unsigned hasdur = partial_get_u8(&r);
		uint64_t id1 = partial_get_uvarint(&r);
		if (bad || sub >= np || input >= ninputs || type > TYPE_OTHER ||
		    dir > DIR_UNKNOWN || hasdur > 1 || id1 > (1u << IDH_BITS) ||
		    x.t < -(INT64_MAX / 4) || x.t > INT64_MAX / 4 ||
		    x.dur < -(INT64_MAX / 4) || x.dur > INT64_MAX / 4) {
			r.failed = 1;
			break;
		}
		x.sub = (uint32_t)sub;
		x.input = (uint32_t)input;
		x.meta = mk_meta(type, dir, hasdur, id1 != 0,
				 id1 ? (uint32_t)(id1 - 1) : 0);
		c->r[c->n++] = x;
	}
	return partial_reader_finish(&r, pf, d);
}
