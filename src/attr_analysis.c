/*
 * attr_analysis.c - `cdrsift attribute` as an analysis (analysis.h) over
 * the interval engine of attribute.h: which record is a binding, the
 * feeds, merge, the report and the partial section.
 *
 * A record of an IP log is a binding when it carries a public address
 * and a port block that some query names (attr_wanted_block; a session:
 * and a time it covers, attr_wanted_session; an allocation: not after
 * the block's last query time plus the slack, attr_block_latest) and a
 * start:
 *   event column (F_EVENT) present: an allocate or a release of the port
 *     block public_port..public_port_end (attr_event_kind; a value it
 *     does not know makes the record no binding);
 *   no event, an end (or a duration): a session [start, end];
 *   no event, no end: an allocation with no release yet (open).
 * No public_port: the whole address (ports 0..65535); no public_port_end:
 * the one port; a public_prefix ADDR/LEN instead of a public_ip: every
 * address inside it; public_port_step S (above 1): the ports lo, lo + S, ...
 * up to hi. A record with no public address but a src_ip, a
 * subscriber, a start and an end (or duration) is a second-hop session
 * (PGW, RADIUS: private address to subscriber), kept when it could cover
 * some query's time (attr_wanted_hop2). Everything else (subscriber, imsi, imei, src_ip as the
 * private address, its vrf, protocol) is kept as given.
 *
 * Feeds are private states that borrow the shared, sorted queries; merge
 * is a union of the kept records (inputs mapped); finish pairs and
 * matches them (attr_solve). The queries travel in the partial, and the
 * options key carries their SHA-256, so partials of other queries are
 * refused by merge.
 *
 * Partial section ATTR:
 *   svarint slack_ms, max_binding_ms, skew_ms
 *   uvarint queries, each: uvarint seq; u8 has_id, bytes id; u8 v6,
 *     4 or 16 address bytes; uvarint port; svarint t; bytes proto
 *   uvarint records, each: u8 kind; address pub; u8 has_priv, address
 *     priv; uvarint lo, hi, step, plen; svarint start, end; bytes proto; subscriber,
 *     imsi, imei, vrf each u8 has + bytes; uvarint input, line
 *   queries in (address, time, port, proto, id) order, records in
 *   attr_sort order.
 */
#include "attribute.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "digest.h"
#include "pipeline.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

void attr_opts_init(struct attr_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->slack_ms = ATTR_SLACK_MS;
	o->max_binding_ms = ATTR_MAX_BINDING_MS;
	o->skew_ms = 0;
}

struct astate {
	struct attr core;
	int borrowed;       /* a feed: core.q belongs to the state */
	int solved;
};

static uint64_t op_needs(const struct analysis_opts *o)
{
	(void)o;
	return FIELD_BIT(F_PUBLIC_IP) | FIELD_BIT(F_PUBLIC_PORT) |
	       FIELD_BIT(F_PUBLIC_PORT_END) | FIELD_BIT(F_SRC_IP) |
	       FIELD_BIT(F_PROTOCOL) | FIELD_BIT(F_SUBSCRIBER) |
	       FIELD_BIT(F_IMSI) | FIELD_BIT(F_IMEI) | FIELD_BIT(F_START) |
	       FIELD_BIT(F_END) | FIELD_BIT(F_DURATION) | FIELD_BIT(F_EVENT) |
	       FIELD_BIT(F_PUBLIC_PORT_STEP) | FIELD_BIT(F_PUBLIC_PREFIX) |
	       FIELD_BIT(F_VRF);
}

static void put_ip(struct partial_writer *w, const struct ipaddr *ip)
{
	partial_put_u8(w, ip->v6);
	partial_put_bytes(w, ip->b, ip->v6 ? 16 : 4);
}

static void put_opt_str(struct partial_writer *w, const char *s)
{
	partial_put_u8(w, s != NULL);
	partial_put_bytes(w, s ? s : "", s ? strlen(s) : 0);
}

/* The queries in their canonical bytes (what the partial and the options
   key both hold). */
static void put_queries(struct partial_writer *w, const struct attr *at)
{
	partial_put_uvarint(w, at->nq);
	for (size_t i = 0; i < at->nq; i++) {
		const struct attr_query *q = &at->q[i];
		partial_put_uvarint(w, q->seq);
		put_opt_str(w, q->id);
		put_ip(w, &q->ip);
		partial_put_uvarint(w, q->port);
		partial_put_svarint(w, q->t);
		partial_put_bytes(w, q->proto, strlen(q->proto));
	}
}

static void fill_core(struct attr *at, const struct attr_opts *o)
{
	attr_init(at, o->slack_ms, o->max_binding_ms);
	at->skew = o->skew_ms;
	for (size_t i = 0; i < o->nq; i++)
		attr_add_query(at, &o->q[i]);
	attr_index(at);
}

static void op_options_key(const struct analysis_opts *ao, struct buf *b)
{
	struct attr_opts d;
	const struct attr_opts *o = ao->own;
	struct attr at;
	struct partial_writer w;
	char hex[DIGEST_HEX];

	if (!o) {
		attr_opts_init(&d);
		o = &d;
	}
	fill_core(&at, o);
	partial_writer_init(&w);
	partial_section_begin(&w, ATTR_TAG);
	put_queries(&w, &at);
	partial_section_end(&w);
	digest_mem(w.b.data, w.b.len, hex);
	partial_writer_release(&w);
	buf_addf(b, "slack=%lld max-binding=%lld skew=%lld queries=%zu "
		 "sha256=%s", (long long)o->slack_ms,
		 (long long)o->max_binding_ms, (long long)o->skew_ms, at.nq,
		 hex);
	attr_release(&at);
}

static void *op_create(const struct analysis_opts *ao)
{
	struct astate *s = xcalloc(1, sizeof(*s));
	struct attr_opts d;
	const struct attr_opts *o = ao ? ao->own : NULL;

	if (!o) {
		attr_opts_init(&d);
		o = &d;
	}
	fill_core(&s->core, o);
	return s;
}

static void op_destroy(void *state)
{
	struct astate *s = state;

	if (!s)
		return;
	if (s->borrowed) {
		s->core.q = NULL;
		s->core.nq = 0;
		s->core.qset = NULL;
		s->core.qend = NULL;
		s->core.qp = NULL;
		s->core.qk = NULL;
		s->core.qt = NULL;
	}
	attr_release(&s->core);
	free(s);
}

static void *op_feed_new(void *state)
{
	struct astate *s = state;
	struct astate *f = xcalloc(1, sizeof(*f));

	attr_init(&f->core, s->core.slack, s->core.max_binding);
	f->core.skew = s->core.skew;
	f->core.qt = s->core.qt;
	f->core.q = s->core.q;
	f->core.nq = s->core.nq;
	f->core.qset = s->core.qset;
	f->core.qcap = s->core.qcap;
	f->core.qend = s->core.qend;
	f->core.qp = s->core.qp;
	f->core.qk = s->core.qk;
	f->core.sorted = 1;
	f->borrowed = 1;
	return f;
}

/* The field's text as the feed holds it (shared), or NULL. */
static char *strv_dup(struct attr *at, const struct record *r,
		      enum field_id f)
{
	if (!record_has(r, f))
		return NULL;
	return attr_str(at, r->v[f].s.s, r->v[f].s.len);
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct astate *f = feed;
	struct attr_rec x;
	int64_t tmax = INT64_MAX;

	if (!record_has(r, F_START))
		return;
	memset(&x, 0, sizeof(x));
	if (!record_has(r, F_PUBLIC_IP) && record_has(r, F_PUBLIC_PREFIX)) {
		/* a delegated prefix: every address inside, every port */
		unsigned plen;
		if (attr_prefix_parse(r->v[F_PUBLIC_PREFIX].s.s,
				      r->v[F_PUBLIC_PREFIX].s.len, &x.pub,
				      &plen) < 0 ||
		    !attr_wanted_prefix(&f->core, &x.pub, plen))
			return;
		x.plen = (uint8_t)plen;
	} else if (!record_has(r, F_PUBLIC_IP)) {
		/* the second hop: private address to subscriber */
		if (!record_has(r, F_SRC_IP) || !record_has(r, F_SUBSCRIBER))
			return;
		x.start = r->v[F_START].i;
		if (record_has(r, F_END))
			x.end = r->v[F_END].i;
		else if (record_has(r, F_DURATION))
			x.end = x.start + r->v[F_DURATION].i / 1000;
		else
			return;
		if (!attr_wanted_hop2(&f->core, x.start, x.end))
			return;
		x.kind = ATTR_HOP2;
		x.priv = r->v[F_SRC_IP].ip;
		x.has_priv = 1;
		x.input = (uint32_t)pin->index;
		x.line = r->line;
		x.subscriber = strv_dup(&f->core, r, F_SUBSCRIBER);
		x.imsi = strv_dup(&f->core, r, F_IMSI);
		x.imei = strv_dup(&f->core, r, F_IMEI);
		x.vrf = strv_dup(&f->core, r, F_VRF);
		attr_take_shared(&f->core, &x);
		return;
	}
	if (!x.plen)
		x.pub = r->v[F_PUBLIC_IP].ip;
	if (record_has(r, F_PUBLIC_PORT)) {
		int64_t lo = r->v[F_PUBLIC_PORT].i, hi = lo;
		if (record_has(r, F_PUBLIC_PORT_END))
			hi = r->v[F_PUBLIC_PORT_END].i;
		if (lo < 0 || hi < lo || hi > 65535)
			return;
		x.lo = (uint16_t)lo;
		x.hi = (uint16_t)hi;
		if (record_has(r, F_PUBLIC_PORT_STEP)) {
			struct strv v = r->v[F_PUBLIC_PORT_STEP].s;
			uint32_t st = 0;
			if (!v.len || v.len > 5)
				return;
			for (uint32_t i = 0; i < v.len; i++) {
				if (v.s[i] < '0' || v.s[i] > '9')
					return;
				st = st * 10 + (uint32_t)(v.s[i] - '0');
			}
			if (st < 1 || st > 65535)
				return;
			x.step = (uint16_t)(st > 1 ? st : 0);
		}
	} else {
		x.lo = 0;
		x.hi = 65535;
	}
	/* only a block some query names a port of (a session: and a time
	   it covers); a block's events go or stay together, but for the
	   allocations after its last query (attr_block_latest) */
	if (!x.plen && !attr_block_cached(&f->core, &x.pub, x.lo, x.hi, x.step,
					  &tmax))
		return;
	if (record_has(r, F_EVENT)) {
		int k = attr_event_kind(r->v[F_EVENT].s.s, r->v[F_EVENT].s.len);
		if (k < 0)
			return;
		x.kind = (uint8_t)k;
	} else if (record_has(r, F_END)) {
		x.kind = ATTR_SESSION;
		x.end = r->v[F_END].i;
	} else if (record_has(r, F_DURATION)) {
		x.kind = ATTR_SESSION;
		/* whole milliseconds of the duration (us) */
		x.end = r->v[F_START].i + r->v[F_DURATION].i / 1000;
	} else {
		x.kind = ATTR_ALLOC;
	}
	if (record_has(r, F_SRC_IP)) {
		x.priv = r->v[F_SRC_IP].ip;
		x.has_priv = 1;
	}
	x.start = r->v[F_START].i;
	if (!x.plen && (x.kind == ATTR_SESSION ?
	    !attr_wanted_session(&f->core, &x.pub, x.lo, x.hi, x.step,
				 x.start, x.end) :
	    x.kind == ATTR_ALLOC && x.start - f->core.slack > tmax))
		return;
	if (record_has(r, F_PROTOCOL))
		attr_proto_norm(r->v[F_PROTOCOL].s.s, r->v[F_PROTOCOL].s.len,
				x.proto);
	x.input = (uint32_t)pin->index;
	x.line = r->line;
	/* a release names nothing an answer shows (its holder is the
	   allocation's): only its place, not its strings */
	if (x.kind != ATTR_RELEASE) {
		x.subscriber = strv_dup(&f->core, r, F_SUBSCRIBER);
		x.imsi = strv_dup(&f->core, r, F_IMSI);
		x.imei = strv_dup(&f->core, r, F_IMEI);
		x.vrf = strv_dup(&f->core, r, F_VRF);
	}
	attr_take_shared(&f->core, &x);
}

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct astate *a = into, *b = from;

	(void)d;
	if (map)
		for (size_t i = 0; i < b->core.nr; i++)
			b->core.r[i].input = (uint32_t)map[b->core.r[i].input];
	attr_merge(&a->core, &b->core);
	a->solved = 0;
	return 0;
}

static void op_feed_free(void *state, void *feed)
{
	op_merge(state, feed, NULL, NULL);
	op_destroy(feed);
}

static void op_order(void *state, const size_t *perm, size_t n)
{
	struct astate *s = state;
	size_t *inv = xcalloc(n ? n : 1, sizeof(*inv));

	for (size_t i = 0; i < n; i++)
		inv[perm[i]] = i;
	for (size_t i = 0; i < s->core.nr; i++)
		if (s->core.r[i].input < n)
			s->core.r[i].input = (uint32_t)inv[s->core.r[i].input];
	free(inv);
	s->solved = 0;
}

static int op_finish(void *state, struct diag *d)
{
	struct astate *s = state;

	(void)d;
	if (!s->solved) {
		attr_solve(&s->core);
		s->solved = 1;
	}
	return 0;
}

enum { C_ID, C_IP, C_PORT, C_TIME, C_SUB, C_IMSI, C_IMEI, C_PRIV,
       C_BSTART, C_BEND, C_MATCH, C_EVIDENCE, C_NCOLS };

static const struct table_col attr_columns[C_NCOLS] = {
	{ "id", COL_KEY }, { "ip", COL_KEY }, { "port", COL_NUMKEY },
	{ "time", COL_TIMESTAMP }, { "subscriber", COL_KEY },
	{ "imsi", COL_KEY }, { "imei", COL_KEY }, { "private_ip", COL_KEY },
	{ "binding_start", COL_TIMESTAMP }, { "binding_end", COL_TIMESTAMP },
	{ "match", COL_KEY }, { "evidence", COL_TEXT },
};

static void set_s(struct table *t, size_t row, int col, const char *s)
{
	if (s)
		table_set_text(t, row, (size_t)col, s, strlen(s));
}

static void ev_add(struct buf *b, struct runfacts *rf,
		   const struct attr_rec *x)
{
	const char *path = x->input < rf->n && rf->in[x->input].path ?
			   rf->in[x->input].path : "-";

	if (b->len)
		buf_addch(b, ' ');
	buf_addf(b, "%s:%llu", path, (unsigned long long)x->line);
}

static void query_cells(struct table *t, size_t row,
			const struct attr_query *q)
{
	char ip[64], port[16];

	set_s(t, row, C_ID, q->id);
	ip_format(&q->ip, ip, sizeof(ip));
	set_s(t, row, C_IP, ip);
	snprintf(port, sizeof(port), "%u", (unsigned)q->port);
	set_s(t, row, C_PORT, port);
	table_set_i64(t, row, C_TIME, q->t);
}

/* Query indices in their list order. */
struct seq_view {
	uint64_t seq;
	size_t q;
};

static int cmp_seqv(const void *pa, const void *pb)
{
	const struct seq_view *a = pa, *b = pb;

	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->q < b->q ? -1 : a->q > b->q;
}

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct astate *s = state;
	struct attr *at = &s->core;
	struct seq_view *v = xcalloc(at->nq ? at->nq : 1, sizeof(*v));
	size_t *first = xcalloc(at->nq + 1, sizeof(*first));
	struct buf ev = BUF_INIT;

	op_finish(state, d);
	table_init(t, attr_columns, C_NCOLS);
	/* answers are sorted by query: first[q] .. first[q + 1] */
	for (size_t i = 0, k = 0; i <= at->nq; i++) {
		while (k < at->na && at->a[k].q < i)
			k++;
		first[i] = k;
	}
	for (size_t i = 0; i < at->nq; i++) {
		v[i].seq = at->q[i].seq;
		v[i].q = i;
	}
	qsort(v, at->nq, sizeof(*v), cmp_seqv);
	for (size_t i = 0; i < at->nq; i++) {
		size_t qi = v[i].q;
		const struct attr_query *q = &at->q[qi];
		size_t lo = first[qi], hi = qi + 1 <= at->nq ?
			    first[qi + 1] : at->na;
		if (lo == hi) {
			size_t row = table_add_row(t);
			query_cells(t, row, q);
			set_s(t, row, C_MATCH, "none");
			table_set_blank(t, row, C_EVIDENCE);
			continue;
		}
		for (size_t k = lo; k < hi; k++) {
			const struct attr_answer *a = &at->a[k];
			const struct attr_rec *r = &at->r[a->rec];
			const struct attr_rec *who = a->hop2 != (size_t)-1 ?
						     &at->r[a->hop2] : r;
			size_t row = table_add_row(t);
			query_cells(t, row, q);
			set_s(t, row, C_SUB, who->subscriber);
			set_s(t, row, C_IMSI, who->imsi);
			set_s(t, row, C_IMEI, who->imei);
			if (r->has_priv) {
				char ip[64];
				ip_format(&r->priv, ip, sizeof(ip));
				set_s(t, row, C_PRIV, ip);
			}
			table_set_i64(t, row, C_BSTART, a->start);
			/* an allocation with no release: no end known */
			if (!(r->kind == ATTR_ALLOC &&
			      a->release == (size_t)-1))
				table_set_i64(t, row, C_BEND, a->end);
			set_s(t, row, C_MATCH, attr_mark_name(a->mark));
			buf_reset(&ev);
			ev_add(&ev, rf, r);
			if (a->release != (size_t)-1)
				ev_add(&ev, rf, &at->r[a->release]);
			if (a->hop2 != (size_t)-1)
				ev_add(&ev, rf, &at->r[a->hop2]);
			table_set_text(t, row, C_EVIDENCE, buf_cstr(&ev),
				       ev.len);
		}
	}
	buf_release(&ev);
	free(v);
	free(first);
	return 0;
}

static void op_save(void *state, struct partial_writer *w)
{
	struct astate *s = state;
	struct attr *at = &s->core;
	size_t *ord = attr_order(at);

	partial_section_begin(w, ATTR_TAG);
	partial_put_svarint(w, at->slack);
	partial_put_svarint(w, at->max_binding);
	partial_put_svarint(w, at->skew);
	put_queries(w, at);
	partial_put_uvarint(w, at->nr);
	for (size_t i = 0; i < at->nr; i++) {
		const struct attr_rec *r = &at->r[ord[i]];
		partial_put_u8(w, (unsigned)r->kind);
		put_ip(w, &r->pub);
		partial_put_u8(w, (unsigned)r->has_priv);
		put_ip(w, &r->priv);
		partial_put_uvarint(w, r->lo);
		partial_put_uvarint(w, r->hi);
		partial_put_uvarint(w, r->step);
		partial_put_uvarint(w, r->plen);
		partial_put_svarint(w, r->start);
		partial_put_svarint(w, r->end);
		partial_put_bytes(w, r->proto, strlen(r->proto));
		put_opt_str(w, r->subscriber);
		put_opt_str(w, r->imsi);
		put_opt_str(w, r->imei);
		put_opt_str(w, r->vrf);
		partial_put_uvarint(w, r->input);
		partial_put_uvarint(w, r->line);
	}
	free(ord);
	partial_section_end(w);
}

/* Reading back: every value checked (the file is untrusted). */
static void get_ip(struct partial_reader *r, struct ipaddr *ip)
{
	size_t len;
	const unsigned char *p;
	unsigned v6 = partial_get_u8(r);

	memset(ip, 0, sizeof(*ip));
	p = partial_get_bytes(r, &len);
	if (!p || v6 > 1 || len != (v6 ? 16u : 4u)) {
		r->failed = 1;
		return;
	}
	ip->v6 = (uint8_t)v6;
	memcpy(ip->b, p, len);
}

/* An optional string: owned copy, or NULL. Text without NUL bytes. */
static char *get_opt_str(struct partial_reader *r)
{
	size_t len;
	unsigned has = partial_get_u8(r);
	const unsigned char *p = partial_get_bytes(r, &len);

	if (!p || has > 1 || (!has && len) || memchr(p, 0, len) ||
	    len > INT32_MAX) {
		r->failed = 1;
		return NULL;
	}
	return has ? xstrndup((const char *)p, len) : NULL;
}

static void get_proto(struct partial_reader *r, char out[8])
{
	size_t len;
	const unsigned char *p = partial_get_bytes(r, &len);

	out[0] = 0;
	if (!p || len > 7 || memchr(p, 0, len)) {
		r->failed = 1;
		return;
	}
	memcpy(out, p, len);
	out[len] = 0;
}

#define T_LIMIT (INT64_MAX / 4)

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct astate *s = state;
	struct attr *at = &s->core;
	struct partial_reader r;
	uint64_t nq, nr;

	if (partial_section(pf, ATTR_TAG, &r) < 0) {
		diag_error(d, "not a usable partial file: no ATTR section");
		return -1;
	}
	attr_release(at);
	at->slack = partial_get_svarint(&r);
	at->max_binding = partial_get_svarint(&r);
	at->skew = partial_get_svarint(&r);
	if (at->skew < -T_LIMIT || at->skew > T_LIMIT || at->slack < 0 || at->slack > T_LIMIT || at->max_binding < 0 ||
	    at->max_binding > T_LIMIT)
		r.failed = 1;
	nq = r.failed ? 0 : partial_get_count(&r, 10);
	for (uint64_t i = 0; i < nq && !r.failed; i++) {
		struct attr_query q;
		uint64_t port;

		memset(&q, 0, sizeof(q));
		q.seq = partial_get_uvarint(&r);
		q.id = get_opt_str(&r);
		get_ip(&r, &q.ip);
		port = partial_get_uvarint(&r);
		q.t = partial_get_svarint(&r);
		get_proto(&r, q.proto);
		if (port > 65535 || q.t < -T_LIMIT || q.t > T_LIMIT)
			r.failed = 1;
		q.port = (uint32_t)port;
		if (!r.failed)
			attr_add_query(at, &q);
		free(q.id);
	}
	/* the file's order must be the canonical one */
	attr_index(at);
	nr = r.failed ? 0 : partial_get_count(&r, 20);
	for (uint64_t i = 0; i < nr && !r.failed; i++) {
		struct attr_rec x;
		uint64_t lo, hi, step, plen, input;
		unsigned kind, has_priv;

		memset(&x, 0, sizeof(x));
		kind = partial_get_u8(&r);
		get_ip(&r, &x.pub);
		has_priv = partial_get_u8(&r);
		get_ip(&r, &x.priv);
		lo = partial_get_uvarint(&r);
		hi = partial_get_uvarint(&r);
		step = partial_get_uvarint(&r);
		plen = partial_get_uvarint(&r);
		x.start = partial_get_svarint(&r);
		x.end = partial_get_svarint(&r);
		get_proto(&r, x.proto);
		x.subscriber = get_opt_str(&r);
		x.imsi = get_opt_str(&r);
		x.imei = get_opt_str(&r);
		x.vrf = get_opt_str(&r);
		input = partial_get_uvarint(&r);
		x.line = partial_get_uvarint(&r);
		if (kind > ATTR_HOP2 || has_priv > 1 || lo > hi ||
		    step == 1 || step > 65535 ||
		    plen > (x.pub.v6 ? 128u : 32u) ||
		    hi > 65535 || input >= ninputs || x.start < -T_LIMIT ||
		    x.start > T_LIMIT || x.end < -T_LIMIT || x.end > T_LIMIT ||
		    (kind == ATTR_HOP2 ? !has_priv :
		     plen ? !attr_wanted_prefix(at, &x.pub, (unsigned)plen) :
		     !attr_wanted(at, &x.pub)))
			r.failed = 1;
		x.kind = (uint8_t)kind;
		x.has_priv = (uint8_t)has_priv;
		x.lo = (uint16_t)lo;
		x.hi = (uint16_t)hi;
		x.step = (uint16_t)step;
		x.plen = (uint8_t)plen;
		x.input = (uint32_t)input;
		if (!r.failed) {
			attr_take(at, &x);
		} else {
			free(x.subscriber);
			free(x.imsi);
			free(x.imei);
			free(x.vrf);
		}
	}
	s->solved = 0;
	return partial_reader_finish(&r, pf, d);
}

int attr_state_gap(void *state, int64_t *median_ms, size_t *pairs)
{
	struct astate *s = state;

	op_finish(state, NULL);
	*median_ms = s->core.median_gap;
	*pairs = s->core.npairs;
	return s->core.npairs > 0;
}

int attr_gap_note(void *state, struct buf *msg)
{
	struct astate *s = state;
	int64_t gap;
	size_t pairs;

	if (!attr_state_gap(state, &gap, &pairs))
		return 0;
	buf_addf(msg, "attribute: second hop: %zu NAT-session pair%s, median "
		 "offset %+.3f s (session start minus NAT binding start; "
		 "--skew %+.3f s)", pairs, pairs == 1 ? "" : "s",
		 (double)gap / 1000.0, (double)s->core.skew / 1000.0);
	return 1;
}

const struct analysis_ops attribute_analysis = {
	"attribute", ATTR_TAG, op_needs, op_options_key, op_create,
	op_feed_new, op_add, op_feed_free, op_merge, op_order, op_finish,
	op_report, op_save, op_load, op_destroy, attr_gap_note,
};
