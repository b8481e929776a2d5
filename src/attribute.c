/*
 * attribute.c - the interval engine of `cdrsift attribute` (attribute.h
 * states the rules). Queries sorted by (address, time), and per address
 * by (port, time) (qp), the addresses hashed: a record finds its
 * address's queries in one probe and walks only those of its ports or
 * of its widened interval, whichever are fewer; so the cost is one sort
 * of the queries, one of the kept records' keys (a block's keys come
 * nearly in order: runs merged), and a short walk per binding,
 * whatever the number of queries.
 */
#include "attribute.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

void attr_init(struct attr *at, int64_t slack_ms, int64_t max_binding_ms)
{
	memset(at, 0, sizeof(*at));
	at->slack = slack_ms;
	at->max_binding = max_binding_ms;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrndup(s, strlen(s)) : NULL;
}

void attr_add_query(struct attr *at, const struct attr_query *q)
{
	struct attr_query *n;

	if (at->nq == at->qalloc) {
		at->qalloc = at->qalloc ? 2 * at->qalloc : 16;
		at->q = xreallocarray(at->q, at->qalloc, sizeof(*at->q));
	}
	n = &at->q[at->nq++];
	*n = *q;
	n->id = dup_or_null(q->id);
	at->sorted = 0;
}

/* Equal addresses; each length compared as a constant, inlined. */
static int ip_eq(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->v6 != b->v6)
		return 0;
	return a->v6 ? !memcmp(a->b, b->b, 16) : !memcmp(a->b, b->b, 4);
}

static int ip_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->v6 != b->v6)
		return a->v6 < b->v6 ? -1 : 1;
	return memcmp(a->b, b->b, a->v6 ? 16 : 4);
}

/* 1 when 'ip' is inside net/plen. */
static int in_prefix(const struct ipaddr *ip, const struct ipaddr *net,
		     unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (ip->v6 != net->v6)
		return 0;
	if (memcmp(ip->b, net->b, full))
		return 0;
	return !rest || ((ip->b[full] ^ net->b[full]) &
			 (0xffu << (8 - rest)) & 0xffu) == 0;
}

int attr_prefix_parse(const char *s, size_t len, struct ipaddr *net,
		      unsigned *plen)
{
	const char *slash = memchr(s, '/', len);
	unsigned v = 0, max, full, rest;
	size_t n;

	if (!slash)
		return -1;
	n = len - (size_t)(slash - s) - 1;
	if (!n || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (slash[1 + i] < '0' || slash[1 + i] > '9')
			return -1;
		v = v * 10 + (unsigned)(slash[1 + i] - '0');
	}
	if (ip_parse(s, (size_t)(slash - s), net) < 0)
		return -1;
	max = net->v6 ? 128 : 32;
	if (v < 1 || v > max)
		return -1;
	full = v / 8;
	rest = v % 8;
	if (rest)
		net->b[full++] &= (uint8_t)(0xffu << (8 - rest));
	memset(net->b + full, 0, (net->v6 ? 16 : 4) - full);
	*plen = v;
	return 0;
}

static int cmp_i64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static int str_cmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int query_cmp(const void *pa, const void *pb)
{
	const struct attr_query *a = pa, *b = pb;
	int c = ip_cmp(&a->ip, &b->ip);

	if (c)
		return c;
	if ((c = cmp_i64(a->t, b->t)))
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if ((c = strcmp(a->proto, b->proto)))
		return c;
	return str_cmp0(a->id, b->id);
}

static int i64_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return a < b ? -1 : a > b;
}

int attr_wanted_hop2(const struct attr *at, int64_t start, int64_t end)
{
	int64_t lo = start - at->slack - at->skew;
	int64_t hi = end + at->slack - at->skew;
	size_t a = 0, b = at->nq;

	if (!at->qt)
		return 1;
	while (a < b) { /* the first time >= lo */
		size_t mid = a + (b - a) / 2;

		if (at->qt[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < at->nq && at->qt[a] <= hi;
}

static size_t ip_hash(const struct ipaddr *ip)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < (ip->v6 ? 16u : 4u); i++)
		h = (h ^ ip->b[i]) * 1099511628211ULL;
	h = (h ^ ip->v6) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 31));
}

struct port_key {
	uint32_t port;
	int64_t t;
	size_t idx;
};

static int port_key_cmp(const void *pa, const void *pb)
{
	const struct port_key *a = pa, *b = pb;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

void attr_index(struct attr *at)
{
	struct port_key *pk;
	size_t ndist;

	if (at->nq)
		qsort(at->q, at->nq, sizeof(*at->q), query_cmp);
	at->sorted = 1;
	free(at->qt);
	at->qt = xreallocarray(NULL, at->nq ? at->nq : 1, sizeof(*at->qt));
	for (size_t i = 0; i < at->nq; i++)
		at->qt[i] = at->q[i].t;
	qsort(at->qt, at->nq, sizeof(*at->qt), i64_cmp);
	free(at->qset);
	free(at->qend);
	free(at->qp);
	free(at->qk);
	free(at->bc); /* what it says depends on the queries */
	at->bc = NULL;
	/* sized by the distinct addresses (a few hundred for thousands of
	   queries), so that the table stays in cache for every record */
	ndist = at->nq > 0;
	for (size_t i = 1; i < at->nq; i++)
		ndist += !ip_eq(&at->q[i].ip, &at->q[i - 1].ip);
	for (at->qcap = 16; at->qcap < 2 * ndist; at->qcap *= 2)
		;
	at->qset = xreallocarray(NULL, at->qcap, sizeof(*at->qset));
	at->qend = xreallocarray(NULL, at->qcap, sizeof(*at->qend));
	at->qp = xreallocarray(NULL, at->nq ? at->nq : 1, sizeof(*at->qp));
	at->qk = xreallocarray(NULL, at->nq ? at->nq : 1, sizeof(*at->qk));
	pk = xreallocarray(NULL, at->nq ? at->nq : 1, sizeof(*pk));
	for (size_t i = 0; i < at->qcap; i++)
		at->qset[i] = SIZE_MAX;
	for (size_t i = 0, e; i < at->nq; i = e) {
		size_t h;

		for (e = i + 1; e < at->nq && !ip_cmp(&at->q[e].ip,
						      &at->q[i].ip); e++)
			;
		h = ip_hash(&at->q[i].ip) & (at->qcap - 1);
		while (at->qset[h] != SIZE_MAX)
			h = (h + 1) & (at->qcap - 1);
		at->qset[h] = i;
		at->qend[h] = e;
		/* the address's run, by (port, time) */
		for (size_t k = i; k < e; k++) {
			pk[k].port = at->q[k].port;
			pk[k].t = at->q[k].t;
			pk[k].idx = k;
		}
		qsort(pk + i, e - i, sizeof(*pk), port_key_cmp);
		for (size_t k = i; k < e; k++) {
			at->qp[k] = pk[k].idx;
			at->qk[k].port = pk[k].port;
			at->qk[k].t = pk[k].t;
		}
	}
	free(pk);
}

/* The run [*first, *end) of the queries of address 'ip' (in q and in
   qp); 0 when no query names it. Needs attr_index. */
static int addr_run(const struct attr *at, const struct ipaddr *ip,
		    size_t *first, size_t *end)
{
	size_t h = ip_hash(ip) & (at->qcap - 1);

	for (; at->qset[h] != SIZE_MAX; h = (h + 1) & (at->qcap - 1))
		if (ip_eq(&at->q[at->qset[h]].ip, ip)) {
			*first = at->qset[h];
			*end = at->qend[h];
			return 1;
		}
	return 0;
}

/* The first position in qp[a, e) whose query's port is >= port. */
static size_t port_lower(const struct attr *at, size_t a, size_t e,
			 uint32_t port)
{
	while (a < e) {
		size_t mid = a + (e - a) / 2;

		if (at->qk[mid].port < port)
			a = mid + 1;
		else
			e = mid;
	}
	return a;
}

static int port_in(uint32_t port, uint32_t lo, uint32_t step)
{
	return step <= 1 || (port - lo) % step == 0;
}

/* The first query with address 'ip' and time >= t (or nq). */
static size_t query_lower(const struct attr *at, const struct ipaddr *ip,
			  int64_t t)
{
	size_t lo = 0, hi = at->nq;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ip_cmp(&at->q[mid].ip, ip);

		if (c < 0 || (c == 0 && at->q[mid].t < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int attr_wanted(const struct attr *at, const struct ipaddr *ip)
{
	size_t i, e;

	if (at->qset && at->sorted)
		return addr_run(at, ip, &i, &e);
	i = query_lower(at, ip, INT64_MIN);
	return i < at->nq && ip_cmp(&at->q[i].ip, ip) == 0;
}

int attr_wanted_block(const struct attr *at, const struct ipaddr *ip,
		      uint32_t lo, uint32_t hi, uint32_t step)
{
	size_t a, e;

	if (!at->qp || !at->sorted)
		return attr_wanted(at, ip);
	if (!addr_run(at, ip, &a, &e))
		return 0;
	for (a = port_lower(at, a, e, lo); a < e; a++) {
		uint32_t p = at->qk[a].port;

		if (p > hi)
			break;
		if (port_in(p, lo, step))
			return 1;
	}
	return 0;
}

int attr_block_latest(const struct attr *at, const struct ipaddr *ip,
		      uint32_t lo, uint32_t hi, uint32_t step, int64_t *tmax)
{
	size_t a, e;
	int any = 0;

	*tmax = INT64_MAX;
	if (!at->qp || !at->sorted)
		return attr_wanted(at, ip);
	if (!addr_run(at, ip, &a, &e))
		return 0;
	for (a = port_lower(at, a, e, lo); a < e; a++) {
		const struct attr_qkey *q = &at->qk[a];

		if (q->port > hi)
			break;
		if (!port_in(q->port, lo, step))
			continue;
		if (!any || q->t > *tmax)
			*tmax = q->t;
		any = 1;
	}
	return any;
}

/* One entry a slot, replaced on a collision: what attr_block_latest
   said for a block. */
struct attr_bcache {
	struct ipaddr ip;
	uint8_t used, wanted;
	uint16_t lo, hi, step;
	int64_t tmax;
};

#define BCACHE_SLOTS 4096

int attr_block_cached(struct attr *at, const struct ipaddr *ip,
		      uint32_t lo, uint32_t hi, uint32_t step, int64_t *tmax)
{
	struct attr_bcache *c;
	uint64_t h = ip_hash(ip);

	if (!at->qp || !at->sorted || lo > 65535 || hi > 65535 ||
	    step > 65535)
		return attr_block_latest(at, ip, lo, hi, step, tmax);
	if (!at->bc)
		at->bc = xcalloc(BCACHE_SLOTS, sizeof(*at->bc));
	h = (h ^ lo) * 1099511628211ULL;
	h = (h ^ hi) * 1099511628211ULL;
	h = (h ^ step) * 1099511628211ULL;
	c = &at->bc[(h ^ (h >> 32)) & (BCACHE_SLOTS - 1)];
	if (!c->used || c->lo != lo || c->hi != hi || c->step != step ||
	    !ip_eq(&c->ip, ip)) {
		c->used = 1;
		c->ip = *ip;
		c->lo = (uint16_t)lo;
		c->hi = (uint16_t)hi;
		c->step = (uint16_t)step;
		c->wanted = (uint8_t)attr_block_latest(at, ip, lo, hi, step,
						       &c->tmax);
	}
	*tmax = c->tmax;
	return c->wanted;
}

int attr_wanted_session(const struct attr *at, const struct ipaddr *ip,
			uint32_t lo, uint32_t hi, uint32_t step,
			int64_t start, int64_t end)
{
	size_t a, e;

	if (!at->qp || !at->sorted)
		return attr_wanted(at, ip);
	if (!addr_run(at, ip, &a, &e))
		return 0;
	for (a = port_lower(at, a, e, lo); a < e; a++) {
		const struct attr_qkey *q = &at->qk[a];

		if (q->port > hi)
			break;
		if (port_in(q->port, lo, step) && q->t >= start - at->slack &&
		    q->t <= end + at->slack)
			return 1;
	}
	return 0;
}

int attr_wanted_prefix(const struct attr *at, const struct ipaddr *net,
		       unsigned plen)
{
	size_t i = query_lower(at, net, INT64_MIN);

	return i < at->nq && in_prefix(&at->q[i].ip, net, plen);
}

static uint64_t str_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

/* The slot of s[0, len) in sset: its string, or an empty slot. */
static size_t sset_slot(const struct attr *at, const char *s, size_t len)
{
	size_t h = (size_t)str_hash(s, len) & (at->sset_cap - 1);

	while (at->sset[h] && (strncmp(at->sset[h], s, len) ||
			       at->sset[h][len]))
		h = (h + 1) & (at->sset_cap - 1);
	return h;
}

/* 'p' (owned by 'at' already) joins sset, which grows at half full. */
static void sset_add(struct attr *at, char *p)
{
	if (2 * (at->nsset + 1) > at->sset_cap) {
		char **old = at->sset;
		size_t ocap = at->sset_cap;

		at->sset_cap = ocap ? 2 * ocap : 256;
		at->sset = xcalloc(at->sset_cap, sizeof(*at->sset));
		for (size_t i = 0; i < ocap; i++)
			if (old[i])
				at->sset[sset_slot(at, old[i],
						   strlen(old[i]))] = old[i];
		free(old);
	}
	at->sset[sset_slot(at, p, strlen(p))] = p;
	at->nsset++;
}

static void sown_add(struct attr *at, char *p)
{
	VEC_GROW(at->sown, at->nsown + 1, at->asown);
	at->sown[at->nsown++] = p;
}

char *attr_str(struct attr *at, const char *s, size_t len)
{
	char *p;

	len = strnlen(s, len);
	if (at->sset_cap) {
		size_t h = sset_slot(at, s, len);

		if (at->sset[h])
			return at->sset[h];
	}
	p = xstrndup(s, len);
	sown_add(at, p);
	sset_add(at, p);
	return p;
}

/* A heap string handed to 'at': the one it holds already (freeing 'p'),
   or 'p', now owned. */
static char *str_take(struct attr *at, char *p)
{
	if (!p)
		return NULL;
	if (at->sset_cap) {
		char *q = at->sset[sset_slot(at, p, strlen(p))];

		if (q) {
			if (q != p)
				free(p);
			return q;
		}
	}
	sown_add(at, p);
	sset_add(at, p);
	return p;
}

void attr_take_shared(struct attr *at, const struct attr_rec *rec)
{
	if (at->nr == at->ralloc) {
		at->ralloc = at->ralloc ? 2 * at->ralloc : 64;
		at->r = xreallocarray(at->r, at->ralloc, sizeof(*at->r));
	}
	at->r[at->nr++] = *rec;
}

void attr_take(struct attr *at, const struct attr_rec *rec)
{
	struct attr_rec n = *rec;

	n.subscriber = str_take(at, n.subscriber);
	n.imsi = str_take(at, n.imsi);
	n.imei = str_take(at, n.imei);
	n.vrf = str_take(at, n.vrf);
	attr_take_shared(at, &n);
}

void attr_keep(struct attr *at, const struct attr_rec *rec)
{
	struct attr_rec n;
	int64_t tmax;

	if (!attr_wanted(at, &rec->pub))
		return;
	if (rec->kind == ATTR_SESSION && !rec->plen ?
	    !attr_wanted_session(at, &rec->pub, rec->lo, rec->hi, rec->step,
				 rec->start, rec->end) :
	    !rec->plen && (!attr_block_cached(at, &rec->pub, rec->lo, rec->hi,
					      rec->step, &tmax) ||
			   (rec->kind == ATTR_ALLOC &&
			    rec->start - at->slack > tmax)))
		return;
	n = *rec;
	n.subscriber = rec->subscriber ? attr_str(at, rec->subscriber,
						  strlen(rec->subscriber)) : NULL;
	n.imsi = rec->imsi ? attr_str(at, rec->imsi, strlen(rec->imsi)) : NULL;
	n.imei = rec->imei ? attr_str(at, rec->imei, strlen(rec->imei)) : NULL;
	n.vrf = rec->vrf ? attr_str(at, rec->vrf, strlen(rec->vrf)) : NULL;
	attr_take_shared(at, &n);
}

/* The records of 'from' join those of 'at' and 'from' lets its array
   go: taken whole when 'at' has none, else the larger array grows
   (exactly) and takes the other's records a piece at a time. */
#define ATTR_MERGE_STEP ((size_t)1 << 18)

void attr_merge(struct attr *at, struct attr *from)
{
	/* from's strings: 'at' frees them, and shares those it lacks */
	for (size_t i = 0; i < from->nsown; i++) {
		char *p = from->sown[i];

		sown_add(at, p);
		if (!at->sset_cap || !at->sset[sset_slot(at, p, strlen(p))])
			sset_add(at, p);
	}
	free(from->sown);
	free(from->sset);
	from->sown = from->sset = NULL;
	from->nsown = from->asown = from->sset_cap = from->nsset = 0;
	if (!from->nr)
		return;
	if (!at->nr) {
		free(at->r);
		at->r = from->r;
		at->ralloc = from->ralloc;
	} else {
		size_t left = from->nr;

		/* the larger array stays: where a record is held changes
		   nothing (attr_solve orders them) */
		if (from->nr > at->nr) {
			struct attr_rec *r = at->r;
			size_t n = at->nr, cap = at->ralloc;

			at->r = from->r;
			at->nr = from->nr;
			at->ralloc = from->ralloc;
			from->r = r;
			from->nr = left = n;
			from->ralloc = cap;
		}
		if (at->nr + from->nr > at->ralloc) {
			at->ralloc = at->nr + from->nr;
			at->r = xreallocarray(at->r, at->ralloc,
					      sizeof(*at->r));
		}
		/* copied from the end a piece at a time, 'from' shrunk
		   after each, so that both are not held whole at once */
		while (left) {
			size_t n = left < ATTR_MERGE_STEP ? left :
				   ATTR_MERGE_STEP;

			left -= n;
			memcpy(at->r + at->nr + left, from->r + left,
			       n * sizeof(*at->r));
			if (left)
				from->r = xreallocarray(from->r, left,
							sizeof(*from->r));
		}
		free(from->r);
	}
	at->nr += from->nr;
	from->r = NULL;
	from->nr = from->ralloc = 0;
}

/* Events of one block together, in time order, releases first. */
static int rec_cmp(const void *pa, const void *pb)
{
	const struct attr_rec *a = pa, *b = pb;
	int c = ip_cmp(&a->pub, &b->pub);

	if (c)
		return c;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->step != b->step)
		return a->step < b->step ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	if ((c = cmp_i64(a->start, b->start)))
		return c;
	if (a->kind != b->kind)
		return a->kind > b->kind ? -1 : 1; /* release, alloc, session */
	if (a->input != b->input)
		return a->input < b->input ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return str_cmp0(a->subscriber, b->subscriber);
}

struct span {
	size_t rec, release;
	size_t rank;          /* rec's place in attr_order */
	int64_t start, end;   /* end excluded unless 'incl' */
	int incl, open;
};

static void push_answer(struct attr *at, const struct attr_answer *a)
{
	if (at->na == at->aalloc) {
		at->aalloc = at->aalloc ? 2 * at->aalloc : 64;
		at->a = xreallocarray(at->a, at->aalloc, sizeof(*at->a));
	}
	at->a[at->na++] = *a;
}

/* Query 'i' against span 's': an answer when it covers it. */
static void try_query(struct attr *at, const struct span *s, size_t i)
{
	const struct attr_query *q = &at->q[i];
	int64_t wlo = s->start - at->slack, whi = s->end + at->slack;
	const struct attr_rec *r;
	struct attr_answer a;
	int inside;

	/* the time first: it needs no read of the record */
	if (q->t < wlo || (s->incl ? q->t > whi : q->t >= whi))
		return;
	r = &at->r[s->rec];
	if (r->plen ? !in_prefix(&q->ip, &r->pub, r->plen) :
	    ip_cmp(&q->ip, &r->pub) != 0)
		return;
	if (q->port < r->lo || q->port > r->hi)
		return;
	if (!port_in(q->port, r->lo, r->step))
		return;
	if (q->proto[0] && r->proto[0] && strcmp(q->proto, r->proto))
		return;
	inside = q->t >= s->start &&
		 (s->incl ? q->t <= s->end : q->t < s->end);
	a.q = i;
	a.rec = s->rec;
	a.sub = r->subscriber;
	a.release = s->release;
	a.hop2 = (size_t)-1;
	a.rec_rank = s->rank;
	a.hop2_rank = SIZE_MAX;
	a.start = s->start;
	a.end = s->end;
	a.mark = s->open ? MARK_OPEN : inside ? MARK_EXACT : MARK_SLACK;
	push_answer(at, &a);
}

/* A block's queries, found once for all its spans: the run [a, e) of
   its address (q and qp), the part [pa, pe) of qp in its ports, their
   earliest and latest times; 'none' when no query can match. */
struct blkq {
	size_t a, e, pa, pe;
	int64_t tmin, tmax;
	int none, prefix;
};

static void blk_queries(const struct attr *at, const struct attr_rec *r,
			struct blkq *bq)
{
	memset(bq, 0, sizeof(*bq));
	bq->prefix = r->plen != 0;
	if (r->plen)
		return;
	if (!addr_run(at, &r->pub, &bq->a, &bq->e)) {
		bq->none = 1;
		return;
	}
	bq->pa = port_lower(at, bq->a, bq->e, r->lo);
	bq->pe = r->hi >= 65535 ? bq->e :
		 port_lower(at, bq->pa, bq->e, r->hi + 1);
	bq->none = bq->pa == bq->pe;
	bq->tmin = INT64_MAX;
	bq->tmax = INT64_MIN;
	for (size_t i = bq->pa; i < bq->pe; i++) {
		int64_t t = at->qk[i].t;

		if (t < bq->tmin)
			bq->tmin = t;
		if (t > bq->tmax)
			bq->tmax = t;
	}
}

/* The first query of q[a, e) (one address, by time) at or after t. */
static size_t time_lower(const struct attr *at, size_t a, size_t e,
			 int64_t t)
{
	while (a < e) {
		size_t mid = a + (e - a) / 2;

		if (at->q[mid].t < t)
			a = mid + 1;
		else
			e = mid;
	}
	return a;
}

/*
 * Every query span 's' covers. A prefix: every query address inside it,
 * by time. One address: the queries of its run either in the block's
 * ports (qp) or in the widened time (q), whichever holds fewer; both
 * are checked in full by try_query, so the choice changes no answer,
 * and neither does passing over a span outside the block's query times.
 */
static void probe(struct attr *at, const struct span *s,
		  const struct blkq *bq)
{
	int64_t wlo = s->start - at->slack;
	int64_t whi = s->end + at->slack; /* last covered: whi (incl) or
					      whi - 1 */
	size_t i, ta, te;

	if (bq->prefix) { /* the block's, so the record's */
		const struct attr_rec *r = &at->r[s->rec];

		for (i = query_lower(at, &r->pub, INT64_MIN);
		     i < at->nq && in_prefix(&at->q[i].ip, &r->pub, r->plen);
		     i++)
			try_query(at, s, i);
		return;
	}
	if (bq->none || bq->tmax < wlo || bq->tmin > whi)
		return;
	if (bq->pe - bq->pa <= 8) {
		for (i = bq->pa; i < bq->pe; i++)
			try_query(at, s, at->qp[i]);
		return;
	}
	ta = time_lower(at, bq->a, bq->e, wlo);
	te = time_lower(at, ta, bq->e, s->incl ? whi + 1 : whi);
	if (bq->pe - bq->pa <= te - ta)
		for (i = bq->pa; i < bq->pe; i++)
			try_query(at, s, at->qp[i]);
	else
		for (i = ta; i < te; i++)
			try_query(at, s, i);
}

static int answer_cmp(const void *pa, const void *pb)
{
	const struct attr_answer *a = pa, *b = pb;
	int c;

	if (a->q != b->q)
		return a->q < b->q ? -1 : 1;
	if ((c = cmp_i64(a->start, b->start)))
		return c;
	if ((c = str_cmp0(a->sub, b->sub)))
		return c;
	/* then by what the binding is, not where its record stands */
	if ((c = cmp_i64(a->end, b->end)))
		return c;
	if (a->rec_rank != b->rec_rank)
		return a->rec_rank < b->rec_rank ? -1 : 1;
	return a->hop2_rank < b->hop2_rank ? -1 :
	       a->hop2_rank > b->hop2_rank;
}

/* Two VRFs are told apart only where both records name one. */
static int vrf_differ(const char *a, const char *b)
{
	return a && b && strcmp(a, b) != 0;
}

/* Who holds a binding: its subscriber, or its private address (in its
   VRF) when the log names no subscriber (a NAT log without AAA data). */
static int holder_cmp(const struct attr_rec *a, const struct attr_rec *b)
{
	if (a->subscriber || b->subscriber)
		return !a->subscriber || !b->subscriber ||
		       strcmp(a->subscriber, b->subscriber);
	if (a->has_priv != b->has_priv)
		return 1;
	return a->has_priv && (ip_cmp(&a->priv, &b->priv) ||
			       str_cmp0(a->vrf, b->vrf));
}

/*
 * attr_sort puts the records in rec_cmp's order without one big
 * comparison sort: blocks (address, lo, hi) are found by hashing, sorted
 * (a few thousand), the records placed by block (counting sort), and each
 * block's records sorted on integer keys (start, kind, input, line;
 * rec_cmp breaks what ties remain).
 */
struct blk {
	const struct attr_rec *r;   /* its first record */
	size_t n, at;               /* records; then where they go */
	uint32_t rank;
};

static uint64_t blk_hash(const struct attr_rec *r)
{
	uint64_t h = 1469598103934665603ULL;
	size_t n = r->pub.v6 ? 16 : 4;

	for (size_t i = 0; i < n; i++)
		h = (h ^ r->pub.b[i]) * 1099511628211ULL;
	h = (h ^ r->pub.v6) * 1099511628211ULL;
	h = (h ^ r->lo) * 1099511628211ULL;
	h = (h ^ r->hi) * 1099511628211ULL;
	h = (h ^ r->step) * 1099511628211ULL;
	h = (h ^ r->plen) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static int same_blk(const struct attr_rec *a, const struct attr_rec *b)
{
	return a->lo == b->lo && a->hi == b->hi && a->step == b->step &&
	       a->plen == b->plen && !ip_cmp(&a->pub, &b->pub);
}

static int blk_cmp(const void *pa, const void *pb)
{
	const struct blk *a = *(const struct blk *const *)pa;
	const struct blk *b = *(const struct blk *const *)pb;
	int c = ip_cmp(&a->r->pub, &b->r->pub);

	if (c)
		return c;
	if (a->r->lo != b->r->lo)
		return a->r->lo < b->r->lo ? -1 : 1;
	if (a->r->hi != b->r->hi)
		return a->r->hi < b->r->hi ? -1 : 1;
	if (a->r->step != b->r->step)
		return a->r->step < b->r->step ? -1 : 1;
	return a->r->plen < b->r->plen ? -1 : a->r->plen > b->r->plen;
}

/* 24 bytes a record while attr_solve runs: ties on (start, kind,
   input), rare, go to rec_cmp (the line). */
struct in_key {
	uint64_t start, rest;
	const struct attr_rec *r;
};

static int in_key_cmp(const void *pa, const void *pb)
{
	const struct in_key *a = pa, *b = pb;

#define KCMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
	KCMP(start);
	KCMP(rest);
#undef KCMP
	return rec_cmp(a->r, b->r);
}

/*
 * k[0..n) in in_key_cmp order. A block's keys come as a feed's records
 * came, one sorted stretch a feed (the merges concatenate them), each
 * out of order only where events of one second were written in another
 * order than release first. So: a key a few places out of order is
 * moved back into its stretch; a stretch that ends starts a run, and
 * the runs are merged pair by pair. 's' holds the scratch space.
 */
#define KEY_BACK 8

struct key_scratch {
	struct in_key *tmp;
	size_t tcap;
	size_t *b;
	size_t bcap;
};

static void keys_sort(struct in_key *k, size_t n, struct key_scratch *sc)
{
	size_t nb = 0, run = 0;
	struct in_key *src = k, *dst;

	for (size_t i = 1; i < n; i++) {
		struct in_key x;
		size_t j;

		if (in_key_cmp(&k[i - 1], &k[i]) <= 0)
			continue;
		x = k[i];
		for (j = i; j > run && i - j < KEY_BACK &&
		     in_key_cmp(&k[j - 1], &x) > 0; j--)
			k[j] = k[j - 1];
		if (j == run || in_key_cmp(&k[j - 1], &x) <= 0) {
			k[j] = x; /* in its place in the run */
			continue;
		}
		memmove(&k[j], &k[j + 1], (i - j) * sizeof(*k));
		k[i] = x; /* a new run starts at i */
		VEC_GROW(sc->b, nb + 1, sc->bcap);
		sc->b[nb++] = i;
		run = i;
	}
	if (!nb)
		return;
	VEC_GROW(sc->b, nb + 3, sc->bcap);
	memmove(sc->b + 1, sc->b, nb * sizeof(*sc->b));
	sc->b[0] = 0;
	nb++;
	sc->b[nb] = n;
	if (sc->tcap < n) {
		free(sc->tmp);
		sc->tmp = xreallocarray(NULL, n, sizeof(*sc->tmp));
		sc->tcap = n;
	}
	dst = sc->tmp;
	while (nb > 1) { /* runs [b[r], b[r + 1]) for r < nb */
		size_t *b = sc->b, m = 0;

		for (size_t r = 0; r < nb; r += 2) {
			size_t lo = b[r], mid = b[r + 1];
			size_t hi = r + 1 < nb ? b[r + 2] : mid;
			size_t x = lo, y = mid, o = lo;

			while (x < mid && y < hi)
				dst[o++] = in_key_cmp(&src[y], &src[x]) < 0 ?
					   src[y++] : src[x++];
			while (x < mid)
				dst[o++] = src[x++];
			while (y < hi)
				dst[o++] = src[y++];
			b[m++] = lo;
		}
		b[m] = n;
		nb = m;
		dst = src;
		src = src == k ? sc->tmp : k;
	}
	if (src != k)
		memcpy(k, src, n * sizeof(*k));
}

/*
 * The records' keys in canonical order (rec_cmp), at least one element,
 * and '*bn' the number of records of each block in that order ('*nbp'
 * blocks): the records themselves are not moved.
 */
static struct in_key *canon_keys(const struct attr *at, size_t **bnp,
				 size_t *nbp)
{
	size_t cap = 64, nb = 0, *slot, *bn;
	struct blk *b;
	struct blk **order;
	struct in_key *k;
	struct key_scratch sc = { NULL, 0, NULL, 0 };

	k = xreallocarray(NULL, at->nr ? at->nr : 1, sizeof(*k));
	if (at->nr < 2) {
		*bnp = xreallocarray(NULL, 1, sizeof(**bnp));
		(*bnp)[0] = at->nr;
		*nbp = at->nr;
		if (at->nr) {
			k[0].r = &at->r[0];
			k[0].start = (uint64_t)at->r[0].start ^
				     ((uint64_t)1 << 63);
			k[0].rest = (uint64_t)(2 - (unsigned)at->r[0].kind)
				    << 32 | at->r[0].input;
		}
		return k;
	}
	slot = xreallocarray(NULL, cap, sizeof(*slot));
	for (size_t i = 0; i < cap; i++)
		slot[i] = SIZE_MAX;
	b = xreallocarray(NULL, 16, sizeof(*b));
	for (size_t i = 0; i < at->nr; i++) {
		const struct attr_rec *r = &at->r[i];
		size_t h = (size_t)blk_hash(r) & (cap - 1);

		while (slot[h] != SIZE_MAX && !same_blk(b[slot[h]].r, r))
			h = (h + 1) & (cap - 1);
		if (slot[h] == SIZE_MAX) {
			if ((nb & (nb - 1)) == 0 && nb >= 16)
				b = xreallocarray(b, 2 * nb, sizeof(*b));
			b[nb].r = r;
			b[nb].n = 0;
			slot[h] = nb++;
			if (2 * nb > cap) { /* grow and rehash */
				free(slot);
				cap *= 2;
				slot = xreallocarray(NULL, cap, sizeof(*slot));
				for (size_t j = 0; j < cap; j++)
					slot[j] = SIZE_MAX;
				for (size_t j = 0; j < nb; j++) {
					size_t g = (size_t)blk_hash(b[j].r) &
						   (cap - 1);
					while (slot[g] != SIZE_MAX)
						g = (g + 1) & (cap - 1);
					slot[g] = j;
				}
				h = (size_t)blk_hash(r) & (cap - 1);
				while (slot[h] != nb - 1)
					h = (h + 1) & (cap - 1);
			}
		}
		b[slot[h]].n++;
	}
	order = xreallocarray(NULL, nb, sizeof(*order));
	for (size_t i = 0; i < nb; i++)
		order[i] = &b[i];
	qsort(order, nb, sizeof(*order), blk_cmp);
	for (size_t i = 0, at_ = 0; i < nb; i++) {
		order[i]->at = at_;
		at_ += order[i]->n;
	}
	/* each record's block found again (not held: 8 bytes a record) */
	for (size_t i = 0; i < at->nr; i++) {
		const struct attr_rec *r = &at->r[i];
		size_t h = (size_t)blk_hash(r) & (cap - 1);
		struct in_key *x;

		while (!same_blk(b[slot[h]].r, r))
			h = (h + 1) & (cap - 1);
		x = &k[b[slot[h]].at++];
		x->start = (uint64_t)r->start ^ ((uint64_t)1 << 63);
		/* release, alloc, session, as rec_cmp */
		x->rest = (uint64_t)(2 - (unsigned)r->kind) << 32 | r->input;
		x->r = r;
	}
	free(slot);
	bn = xreallocarray(NULL, nb, sizeof(*bn));
	for (size_t i = 0, lo = 0; i < nb; i++) {
		keys_sort(k + lo, order[i]->n, &sc);
		lo += order[i]->n;
		bn[i] = order[i]->n;
	}
	free(sc.tmp);
	free(sc.b);
	free(order);
	free(b);
	*bnp = bn;
	*nbp = nb;
	return k;
}

size_t *attr_order(const struct attr *at)
{
	size_t *bn, nb, *ord;
	struct in_key *k = canon_keys(at, &bn, &nb);

	ord = xreallocarray(NULL, at->nr ? at->nr : 1, sizeof(*ord));
	ord[0] = 0;
	/* position i takes record ord[i] */
	for (size_t i = 0; i < at->nr; i++)
		ord[i] = (size_t)(k[i].r - at->r);
	free(k);
	free(bn);
	return ord;
}

void attr_sort(struct attr *at)
{
	size_t *bof;

	if (at->nr < 2)
		return;
	bof = attr_order(at);
	/* applied in place, cycle by cycle, so that the records are never
	   held twice */
	for (size_t i = 0; i < at->nr; i++) {
		struct attr_rec tmp;
		size_t j = i;

		if (bof[i] == i)
			continue;
		tmp = at->r[i];
		while (bof[j] != i) {
			size_t from = bof[j];

			at->r[j] = at->r[from];
			bof[j] = j;
			j = from;
		}
		at->r[j] = tmp;
		bof[j] = j;
	}
	free(bof);
}

/* The record that names an answer's holder: the second hop's session
   where there is one. */
static const struct attr_rec *holder(const struct attr *at,
				     const struct attr_answer *a)
{
	return &at->r[a->hop2 != (size_t)-1 ? a->hop2 : a->rec];
}

struct hop_ix {
	struct ipaddr ip;
	int64_t start;
	size_t idx, rank;
};

static int hop_ix_cmp(const void *pa, const void *pb)
{
	const struct hop_ix *a = pa, *b = pb;
	int c = ip_cmp(&a->ip, &b->ip);

	if (c)
		return c;
	if ((c = cmp_i64(a->start, b->start)))
		return c;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/*
 * The second hop: an answer whose binding names a private address and no
 * subscriber is joined to every second-hop session of that address (in
 * the same VRF, where both name one) that
 * covers the query's time plus the skew, widened by the slack (both ends
 * included); one answer per session, marked the more cautious of the two
 * hops' marks. An answer no session covers stays as it was.
 */
static void hop2_expand(struct attr *at, const struct in_key *k)
{
	struct hop_ix *h = NULL;
	size_t nh = 0, halloc = 0, na = 0, nalloc = 0, ng = 0, galloc = 0;
	struct attr_answer *out = NULL;
	int64_t *gap = NULL;

	at->npairs = 0;
	at->median_gap = 0;
	for (size_t p = 0; p < at->nr; p++) {
		size_t i = (size_t)(k[p].r - at->r);

		/* the kind as canon_keys keeps it, not read from the record */
		if (2 - (unsigned)(k[p].rest >> 32) == ATTR_HOP2) {
			VEC_GROW(h, nh + 1, halloc);
			h[nh].ip = at->r[i].priv;
			h[nh].start = at->r[i].start;
			h[nh].rank = p;
			h[nh++].idx = i;
		}
	}
	if (!nh)
		return;
	qsort(h, nh, sizeof(*h), hop_ix_cmp);
	for (size_t i = 0; i < at->na; i++) {
		const struct attr_answer *a = &at->a[i];
		const struct attr_rec *r = &at->r[a->rec];
		int64_t t = at->q[a->q].t + at->skew;
		size_t lo = 0, hi = nh, hits = 0;

		if (!r->subscriber && r->has_priv) {
			while (lo < hi) { /* first session of the address */
				size_t mid = lo + (hi - lo) / 2;

				if (ip_cmp(&h[mid].ip, &r->priv) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < nh && !ip_cmp(&h[lo].ip, &r->priv); lo++) {
				const struct attr_rec *s2 = &at->r[h[lo].idx];
				struct attr_answer b = *a;
				enum attr_mark m;

				if (s2->start - at->slack > t)
					break;
				if (t > s2->end + at->slack ||
				    vrf_differ(r->vrf, s2->vrf))
					continue;
				m = t >= s2->start && t <= s2->end ?
				    MARK_EXACT : MARK_SLACK;
				b.hop2 = h[lo].idx;
				b.hop2_rank = h[lo].rank;
				b.sub = s2->subscriber;
				if (m > b.mark)
					b.mark = m;
				VEC_GROW(out, na + 1, nalloc);
				out[na++] = b;
				VEC_GROW(gap, ng + 1, galloc);
				gap[ng++] = s2->start - a->start;
				hits++;
			}
		}
		if (!hits) {
			VEC_GROW(out, na + 1, nalloc);
			out[na++] = *a;
		}
	}
	free(at->a);
	at->a = out;
	at->na = na;
	at->aalloc = nalloc;
	if (ng) {
		qsort(gap, ng, sizeof(*gap), i64_cmp);
		at->median_gap = gap[(ng - 1) / 2];
	}
	at->npairs = ng;
	free(gap);
	free(h);
}

void attr_solve(struct attr *at)
{
	size_t i, j, *open = NULL, nopen, oalloc = 0, *bn, nb;
	struct in_key *k;
	struct span s;

	if (!at->sorted)
		attr_index(at);
	at->na = 0;
	/* the records stay where they are: the keys' positions are the
	   canonical order (rec_cmp), what the ranks of the answers hold;
	   the pairing reads the keys, a record only when its span can
	   answer */
	k = canon_keys(at, &bn, &nb);
	for (size_t bi = 0, lo = 0; bi < nb; lo += bn[bi++]) {
		struct blkq bq;

		i = lo;
		j = lo + bn[bi];
		blk_queries(at, k[i].r, &bq);
		if (bq.none)
			continue; /* no span of it can answer */
		nopen = 0;
		for (size_t x = i; x < j; x++) {
			unsigned kind = 2 - (unsigned)(k[x].rest >> 32);
			int64_t start = (int64_t)(k[x].start ^
						  ((uint64_t)1 << 63));

			if (kind == ATTR_HOP2)
				continue;
			if (kind == ATTR_SESSION) {
				const struct attr_rec *r = k[x].r;

				s.rec = (size_t)(r - at->r);
				s.rank = x;
				s.release = (size_t)-1;
				s.start = start;
				s.end = r->end;
				s.incl = 1;
				s.open = 0;
				probe(at, &s, &bq);
			} else if (kind == ATTR_ALLOC) {
				if (nopen == oalloc) {
					oalloc = oalloc ? 2 * oalloc : 8;
					open = xreallocarray(open, oalloc,
							     sizeof(*open));
				}
				open[nopen++] = x;
			} else if (nopen) {
				/* the earliest open allocation closes */
				s.rec = (size_t)(k[open[0]].r - at->r);
				s.rank = open[0];
				s.release = (size_t)(k[x].r - at->r);
				s.start = (int64_t)(k[open[0]].start ^
						    ((uint64_t)1 << 63));
				s.end = start;
				s.incl = 0;
				s.open = 0;
				probe(at, &s, &bq);
				memmove(open, open + 1,
					--nopen * sizeof(*open));
			}
		}
		for (size_t x = 0; x < nopen; x++) {
			s.rec = (size_t)(k[open[x]].r - at->r);
			s.rank = open[x];
			s.release = (size_t)-1;
			s.start = (int64_t)(k[open[x]].start ^
					    ((uint64_t)1 << 63));
			s.end = s.start + at->max_binding;
			s.incl = 0;
			s.open = 1;
			probe(at, &s, &bq);
		}
	}
	free(open);
	free(bn);
	hop2_expand(at, k);
	free(k);
	if (at->na)
		qsort(at->a, at->na, sizeof(*at->a), answer_cmp);
	/* two holders for one query: every answer of it is ambiguous */
	for (i = 0; i < at->na; i = j) {
		int many = 0;

		for (j = i + 1; j < at->na && at->a[j].q == at->a[i].q; j++)
			if (holder_cmp(holder(at, &at->a[j]),
				       holder(at, &at->a[i])))
				many = 1;
		if (many)
			for (size_t x = i; x < j; x++)
				at->a[x].mark = MARK_AMBIGUOUS;
	}
}

const char *attr_mark_name(enum attr_mark m)
{
	static const char *const names[] = { "exact", "slack", "open",
					     "ambiguous" };

	return (unsigned)m < 4 ? names[m] : "";
}

static int lower_eq_n(const char *s, size_t len, const char *w, size_t n)
{
	if (len != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return 0;
	}
	return 1;
}

static int lower_has(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; i + n <= len; i++)
		if (lower_eq_n(s + i, n, w, n))
			return 1;
	return 0;
}

/* A word and its length, so that a record's event is not measured
   against every word's strlen. */
struct word {
	const char *w;
	size_t n;
};
#define W(s) { s, sizeof(s) - 1 }

int attr_event_kind(const char *s, size_t len)
{
	static const struct word alloc[] = { W("allocate"), W("alloc"),
		W("allocated"), W("allocation"), W("assign"), W("assigned"),
		W("add"), W("create"), W("created"), W("open"), W("start"),
		W("a"), W("1"), { NULL, 0 } };
	static const struct word rel[] = { W("release"), W("released"),
		W("free"), W("freed"), W("delete"), W("deleted"),
		W("dealloc"), W("deallocate"), W("deallocated"), W("close"),
		W("closed"), W("stop"), W("end"), W("r"), W("d"), W("0"),
		{ NULL, 0 } };

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; rel[i].w; i++)
		if (lower_eq_n(s, len, rel[i].w, rel[i].n))
			return ATTR_RELEASE;
	for (size_t i = 0; alloc[i].w; i++)
		if (lower_eq_n(s, len, alloc[i].w, alloc[i].n))
			return ATTR_ALLOC;
	if (lower_has(s, len, "dealloc") || lower_has(s, len, "releas"))
		return ATTR_RELEASE;
	if (lower_has(s, len, "alloc"))
		return ATTR_ALLOC;
	return -1;
}

void attr_proto_norm(const char *s, size_t len, char out[8])
{
	size_t i;

	out[0] = 0;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len || len > 7)
		return;
	for (i = 0; i < len; i++) {
		char c = s[i];

		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = 0;
	if (!strcmp(out, "6"))
		memcpy(out, "tcp", 4);
	else if (!strcmp(out, "17"))
		memcpy(out, "udp", 4);
	else if (!strcmp(out, "1"))
		memcpy(out, "icmp", 5);
	else if (!strcmp(out, "58"))
		memcpy(out, "icmpv6", 7);
}

void attr_release(struct attr *at)
{
	size_t i;

	for (i = 0; i < at->nq; i++)
		free(at->q[i].id);
	for (i = 0; i < at->nsown; i++)
		free(at->sown[i]);
	free(at->sown);
	free(at->sset);
	free(at->q);
	free(at->qset);
	free(at->qend);
	free(at->qp);
	free(at->qk);
	free(at->qt);
	free(at->bc);
	free(at->r);
	free(at->a);
	memset(at, 0, sizeof(*at));
}
