/*
 * anom_calls.c - the simbox and duplicate detectors (anom_calls.h).
 *
 * Both read the anomalies state's common record (anom_rec.h), of which
 * this module fills the call fields of every CDR record (AF_CALL): the
 * other party, the cell and the operator (ids in this module's sets,
 * ANOM_NONE when missing), direction and the id's hash; the duration (us,
 * from the duration field, else end - start) and the type are the
 * record's own. Canonical form: every set in byte order, ids as ranks,
 * records sorted by (subscriber, start, peer, duration, type,
 * direction, operator, cell, input, line), anomaly.c's order, so the
 * flags do not depend on row order, file order or -j.
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
 *   (the records are in the ANOM section)
 */
#include "anom_calls.h"
#include "anom_rec.h"
#include "diag.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "partial.h"
#include "pipeline.h"
#include "record.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

#define NONE ANOM_NONE
#define M_TYPE(x) A_TYPE(x)
#define M_DIR(x) A_DIR(x)
#define M_HASDUR(x) A_HASDUR(x)
#define M_HASID(x) A_HASID(x)
#define M_IDH(x) A_IDH(x)

struct anom_calls {
	struct intern parties, cells, ops;
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
	free(c);
}

static uint32_t put_str(struct intern *set, const struct record *r,
			enum field_id f)
{
	if (!record_has(r, f) || r->v[f].s.len > INTERN_MAX_LEN)
		return NONE;
	return intern_put(set, r->v[f].s.s, r->v[f].s.len, NULL);
}

void anom_calls_prefetch(const struct anom_calls *c, const struct record *r)
{
	if (r->kind != KIND_CDR)
		return;
	if (record_has(r, F_PEER))
		intern_prefetch(&c->parties, r->v[F_PEER].s.s,
				r->v[F_PEER].s.len);
	if (record_has(r, F_CELL))
		intern_prefetch(&c->cells, r->v[F_CELL].s.s,
				r->v[F_CELL].s.len);
}

void anom_calls_fill(struct anom_calls *c, const struct record *r,
		     struct arec *x)
{
	unsigned dir = 0, hasid = 0;
	uint32_t idh = 0;
	x->peer = x->cell = x->op = NONE;
	if (r->kind != KIND_CDR)
		return;
	x->flags |= AF_CALL;
	x->peer = put_str(&c->parties, r, F_PEER);
	x->cell = put_str(&c->cells, r, F_CELL);
	x->op = put_str(&c->ops, r, F_OPERATOR);
	if (record_has(r, F_DIRECTION))
		dir = (unsigned)r->v[F_DIRECTION].i;
	if (record_has(r, F_ID) && r->v[F_ID].s.len) {
		hasid = 1;
		idh = intern_hash(r->v[F_ID].s.s, r->v[F_ID].s.len);
	}
	x->meta = anom_meta(A_TYPE(x), dir, A_HASDUR(x), hasid, idh);
}

static uint32_t map_id(const uint32_t *ids, uint32_t id)
{
	return id == NONE ? NONE : ids[id];
}

void anom_calls_map_free(struct anom_calls_map *m)
{
	free(m->p);
	free(m->c);
	free(m->o);
	m->p = m->c = m->o = NULL;
}

void anom_calls_merge(struct anom_calls *a, struct anom_calls *b,
		      struct anom_calls_map *m)
{
	m->p = intern_merge(&a->parties, &b->parties);
	m->c = intern_merge(&a->cells, &b->cells);
	m->o = intern_merge(&a->ops, &b->ops);
}

void anom_calls_swap(struct anom_calls *a, struct anom_calls *b)
{
	struct anom_calls t = *a;
	*a = *b;
	*b = t;
}

void anom_calls_remap(const struct anom_calls_map *m, struct arec *x)
{
	x->peer = map_id(m->p, x->peer);
	x->cell = map_id(m->c, x->cell);
	x->op = map_id(m->o, x->op);
}

void anom_calls_rank(struct anom_calls *c, struct anom_calls_map *m)
{
	m->p = intern_sort(&c->parties, NULL);
	m->c = intern_sort(&c->cells, NULL);
	m->o = intern_sort(&c->ops, NULL);
}

void anom_calls_counts(const struct anom_calls *c, uint64_t *np,
		       uint64_t *nc, uint64_t *no)
{
	*np = intern_count(&c->parties);
	*nc = intern_count(&c->cells);
	*no = intern_count(&c->ops);
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/* The duplicate key: equal when 0. */
static int cmp_key(const struct arec *a, const struct arec *b)
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

int anom_calls_cmp(const struct arec *a, const struct arec *b)
{
	int c = cmp_key(a, b);
	if (c)
		return c;
	CMP(a->op, b->op);
	CMP(a->cell, b->cell);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
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
static void simbox(const struct arec *R, const struct intern *subs,
		   const struct anom_opts *o,
		   size_t lo, size_t hi, struct runfacts *rf, struct table *t,
		   struct buf *sc, struct buf *de, struct buf *ev)
{
	uint64_t out = 0, in = 0, smsdata = 0, distinct = 0, ncell = 0;
	size_t ncall = 0;
	for (size_t i = lo; i < hi; i++) {
		const struct arec *x = &R[i];
		if (!(x->flags & AF_CALL))
			continue;
		ncall++;
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
		const struct arec *x = &R[i];
		if (!(x->flags & AF_CALL) || M_TYPE(x) != TYPE_VOICE ||
		    M_DIR(x) != DIR_MO)
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
	struct evref *e = xcalloc(ncall, sizeof(*e));
	size_t ne = 0;
	for (size_t i = lo; i < hi; i++) {
		if (!(R[i].flags & AF_CALL))
			continue;
		e[ne].input = R[i].input;
		e[ne++].line = R[i].line;
	}
	anom_ev_list(ev, rf, e, ne);
	free(e);
	size_t len;
	const char *s = intern_str(subs, R[lo].sub, &len);
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
static const struct arec *sort_base;
static size_t sort_off;

static uint32_t field_at(const struct arec *x, size_t off)
{
	uint32_t f;
	memcpy(&f, (const char *)x + off, sizeof(f));
	return f;
}

/* By the field, then records without an id first, then the id hash. */
static int cmp_by_field(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct arec *x = &sort_base[a], *y = &sort_base[b];
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
static void link_by(const struct arec *r, uint32_t *g, size_t k,
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
static void duplicate(struct anom_calls *c, const struct intern *subs,
		      const struct anom_opts *o, const struct arec *r, size_t k,
		      struct runfacts *rf, struct table *t, struct buf *sc,
		      struct buf *de, struct buf *ev)
{
	uint32_t *up = xcalloc(k, sizeof(*up));
	uint32_t *g = xcalloc(k, sizeof(*g));
	uint32_t *cnt = xcalloc(k, sizeof(*cnt));
	struct evref *e = xcalloc(k, sizeof(*e));
	for (size_t i = 0; i < k; i++)
		up[i] = g[i] = (uint32_t)i;
	link_by(r, g, k, offsetof(struct arec, input), up, 0, o->dup_id != 0);
	link_by(r, g, k, offsetof(struct arec, op), up, 1, o->dup_id != 0);
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
		const char *s = intern_str(subs, r->sub, &len);
		anom_flag(t, AK_DUPLICATE, s, len, r->t, r->t, sc, de, ev);
	}
	free(up);
	free(g);
	free(cnt);
	free(e);
}

void anom_calls_report(struct anom_calls *c, const struct intern *subs,
		       const struct arec *R, size_t n,
		       const struct anom_opts *o, int k, struct runfacts *rf,
		       struct table *t, struct buf *sc, struct buf *de,
		       struct buf *ev)
{
	struct arec *g = NULL;
	size_t galloc = 0;
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		if (k == AK_SIMBOX) {
			for (hi = lo + 1; hi < n && R[hi].sub == R[lo].sub;
			     hi++)
				;
			simbox(R, subs, o, lo, hi, rf, t, sc, de, ev);
			continue;
		}
		/* a run of one (subscriber, start): its call records are in
		   anom_calls_cmp order, copies next to each other */
		for (hi = lo + 1; hi < n && R[hi].sub == R[lo].sub &&
		     R[hi].t == R[lo].t; hi++)
			;
		if (hi - lo < 2)
			continue;
		for (size_t i = lo, j; i < hi; i = j) {
			if (!(R[i].flags & AF_CALL)) {
				j = i + 1;
				continue;
			}
			size_t m = 0;
			for (j = i; j < hi; j++) {
				if (!(R[j].flags & AF_CALL))
					continue;
				if (cmp_key(&R[j], &R[i]))
					break;
				VEC_GROW(g, m + 1, galloc);
				g[m++] = R[j];
			}
			if (m >= 2)
				duplicate(c, subs, o, g, m, rf, t, sc, de, ev);
		}
	}
	free(g);
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

void anom_calls_save(struct anom_calls *c, const struct anom_opts *o,
		     struct partial_writer *w)
{
	partial_section_begin(w, ANCL_TAG);
	partial_put_uvarint(w, o->simbox_calls);
	partial_put_uvarint(w, o->simbox_ratio);
	partial_put_uvarint(w, o->simbox_distinct);
	partial_put_uvarint(w, o->simbox_median);
	partial_put_uvarint(w, o->simbox_cells);
	partial_put_uvarint(w, o->dup_id);
	partial_put_strings(w, &c->parties);
	partial_put_strings(w, &c->cells);
	partial_put_strings(w, &c->ops);
	partial_section_end(w);
}

int anom_calls_load(struct anom_calls *c, struct anom_opts *o,
		    const struct partial_file *pf, struct diag *d)
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
	uint64_t np = r.failed ? 0 : partial_get_strings(&r, &c->parties, 1);
	uint64_t nc = r.failed ? 0 : partial_get_strings(&r, &c->cells, 1);
	uint64_t no = r.failed ? 0 : partial_get_strings(&r, &c->ops, 1);
	(void)np;
	(void)nc;
	(void)no;
	return partial_reader_finish(&r, pf, d);
}
