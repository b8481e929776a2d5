/*
 * anomaly.c - the anomalies analysis (anomaly.h).
 *
 * State: an interned set of subscribers and a vector of compact records
 * (subscriber id, input, line, start, position, duration, end, type).
 * Merge re-interns the other state's subscribers and maps its inputs;
 * finish ranks subscribers by their bytes and sorts the records by
 * (subscriber, start, position, duration, end, type, input, line): the detectors then walk each
 * subscriber's records in time order.
 *
 * Partial section ANOM:
 *   uvarint only, speed_kmh, min_km, max_duration_s, slack_s,
 *     night_min, night_pct, night_from, night_to
 *   uvarint subscribers, each a byte string, ascending, and a uvarint:
 *     its records (night's denominator)
 *   uvarint IMEI values that are no handset, each a byte string, ascending
 *   uvarint records, each: uvarint subscriber rank, input, line;
 *     svarint start, lat, lon (micro-degrees), duration (us), end (ms);
 *     u8 flags (1: position, 2: duration, 4: end, 8: night, 16: IMEI
 *     no handset), u8 type, and with 16: uvarint IMEI rank
 *   records in (subscriber, start, input, line, rest) order.
 *   then the imei detector's: the handsets (14-digit keys) and the SIMs
 *   ('I' IMSI or 'S' subscriber, then its bytes), each as a set above,
 *   and uvarint records, each uvarint handset rank, SIM rank, input,
 *   line, svarint start; in (handset, start, SIM, input, line) order.
 */
#include "anomaly.h"
#include "anom_series.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "anom_calls.h"
#include "geodesy.h"
#include "imei.h"
#include "intern.h"
#include "keysort.h"
#include "pipeline.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

static const char *const kind_names[AK_COUNT] = { "travel", "duration",
						  "night", "imei-invalid", "imei",
						  "simbox", "duplicate",
						  "spike", "gap" };

const char *anom_kind_name(int k)
{
	return k >= 0 && k < AK_COUNT ? kind_names[k] : "";
}

void anom_opts_init(struct anom_opts *o)
{
	o->only = (1u << AK_COUNT) - 1;
	o->speed_kmh = 1000;
	o->min_km = 50;
	o->max_duration_s = 21600;
	o->slack_s = 5;
	o->night_min = 30;
	o->night_pct = 60;
	o->night_from = 0;
	o->night_to = 5;
	o->imei_sims = 3;
	o->imei_handsets = 4;
	o->imei_days = 30;
	o->simbox_calls = 100;
	o->simbox_ratio = 10;
	o->simbox_distinct = 70;
	o->simbox_median = 60;
	o->simbox_cells = 3;
	o->dup_id = 0;
	series_opts_init(o);
}

int anom_parse_only(struct anom_opts *o, const char *s)
{
	unsigned only = 0;
	while (*s) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int k;
		for (k = 0; k < AK_COUNT; k++)
			if (strlen(kind_names[k]) == n &&
			    !memcmp(kind_names[k], s, n))
				break;
		if (k == AK_COUNT)
			return -1;
		only |= 1u << k;
		s += n + (e != NULL);
	}
	if (!only)
		return -1;
	o->only = only;
	return 0;
}

#define AF_POS 1u
#define AF_DUR 2u
#define AF_END 4u
#define AF_NIGHT 8u /* start in the night window (local hour) */
#define AF_BADIMEI 16u /* an IMEI that cannot be a handset (imei.h) */
#define AF_RANGE 32u /* position from --cells with the cell's range */

struct arec {
	uint32_t sub;       /* id in the state's set (rank after finish) */
	uint32_t input;     /* input index */
	uint64_t line;      /* physical line */
	int64_t t;          /* start, ms */
	int64_t dur;        /* duration, us (AF_DUR) */
	int64_t end;        /* end, ms (AF_END) */
	int32_t lat, lon;   /* micro-degrees (AF_POS) */
	uint32_t imei;      /* id in the state's IMEI set (AF_BADIMEI) */
	uint8_t flags, type;
	uint16_t range8;    /* cell range, metres / 8 rounded up (AF_RANGE) */
};

/* A record with a handset: its 14-digit key and its SIM (imei detector). */
struct hrec {
	uint32_t hs, sim;   /* ids in the handset and SIM sets */
	uint32_t input;
	int64_t t;
	uint64_t line;
};

struct anom {
	struct anom_opts o;
	struct intern handsets; /* 14-digit keys */
	struct intern sims;     /* 'I' IMSI or 'S' subscriber, then its bytes */
	struct hrec *h;
	size_t nh, halloc;
	struct intern subs;
	struct intern imeis; /* IMEI values that are no handset, as written */
	struct arec *r;
	size_t n, alloc;
	uint64_t *tot;      /* records of each subscriber id (night) */
	size_t tot_alloc;
	uint32_t *rank;     /* after finish: rank of each subscriber id */
	int finished;
	struct anom_calls *calls; /* simbox, duplicate (anom_calls.c) */
	struct series *ser; /* spike and gap (anom_series.c) */
};

static uint64_t op_needs(const struct analysis_opts *o)
{
	(void)o;
	return series_needs() | FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_START) |
	       FIELD_BIT(F_END) | FIELD_BIT(F_DURATION) | FIELD_BIT(F_LAT) |
	       FIELD_BIT(F_LON) | FIELD_BIT(F_TYPE) | FIELD_BIT(F_HOUR) |
	       FIELD_BIT(F_IMEI) | FIELD_BIT(F_IMSI) | FIELD_BIT(F_PEER) |
	       FIELD_BIT(F_DIRECTION) | FIELD_BIT(F_CELL) |
	       FIELD_BIT(F_OPERATOR) | FIELD_BIT(F_ID) |
	       FIELD_BIT(F_CELL_RANGE);
}

static void op_options_key(const struct analysis_opts *ao, struct buf *b)
{
	struct anom_opts d;
	const struct anom_opts *o = ao->own;
	if (!o) {
		anom_opts_init(&d);
		o = &d;
	}
	buf_adds(b, "only=");
	for (int k = 0, first = 1; k < AK_COUNT; k++)
		if (o->only & (1u << k)) {
			buf_addf(b, "%s%s", first ? "" : ",", kind_names[k]);
			first = 0;
		}
	buf_addf(b, " travel-speed=%llu travel-distance=%llu "
		 "max-duration=%llu duration-slack=%llu",
		 (unsigned long long)o->speed_kmh,
		 (unsigned long long)o->min_km,
		 (unsigned long long)o->max_duration_s,
		 (unsigned long long)o->slack_s);
	buf_addf(b, " night-min=%llu night-share=%llu night-from=%llu "
		 "night-to=%llu", (unsigned long long)o->night_min,
		 (unsigned long long)o->night_pct,
		 (unsigned long long)o->night_from,
		 (unsigned long long)o->night_to);
	buf_addf(b, " imei-sims=%llu imei-handsets=%llu imei-window=%llu",
		 (unsigned long long)o->imei_sims,
		 (unsigned long long)o->imei_handsets,
		 (unsigned long long)o->imei_days);
	anom_calls_options_key(o, b);
	series_options_key(o, b);
}

static void *op_create(const struct analysis_opts *ao)
{
	struct anom *a = xcalloc(1, sizeof(*a));
	if (ao && ao->own)
		a->o = *(const struct anom_opts *)ao->own;
	else
		anom_opts_init(&a->o);
	a->calls = anom_calls_new();
	a->ser = series_new(&a->o);
	return a;
}

static void op_destroy(void *state)
{
	struct anom *a = state;
	if (!a)
		return;
	intern_release(&a->subs);
	intern_release(&a->imeis);
	intern_release(&a->handsets);
	intern_release(&a->sims);
	free(a->h);
	free(a->r);
	free(a->tot);
	free(a->rank);
	anom_calls_free(a->calls);
	series_free(a->ser);
	free(a);
}

static void *op_feed_new(void *state)
{
	struct anom *s = state;
	struct anom *f = xcalloc(1, sizeof(*f));
	f->o = s->o;
	f->calls = anom_calls_new();
	f->ser = series_new(&f->o);
	return f;
}

static int32_t micro(double d)
{
	return (int32_t)lround(d * 1e6);
}

static int in_night(const struct anom_opts *o, int64_t hour)
{
	int64_t f = (int64_t)o->night_from, t = (int64_t)o->night_to;
	return f < t ? hour >= f && hour < t : hour >= f || hour < t;
}

/* The subscriber's id, its record count grown by one. */
static uint32_t count_sub(struct anom *a, const struct record *r)
{
	struct strv s = r->v[F_SUBSCRIBER].s;
	uint32_t id = intern_put(&a->subs, s.s, s.len, NULL);
	if (id >= a->tot_alloc) {
		size_t old = a->tot_alloc;
		VEC_GROW(a->tot, (size_t)id + 1, a->tot_alloc);
		memset(a->tot + old, 0, (a->tot_alloc - old) * sizeof(*a->tot));
	}
	a->tot[id]++;
	return id;
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct anom *a = feed;
	struct arec x;
	series_add(a->ser, pin, r);
	if (!record_has(r, F_SUBSCRIBER) || !record_has(r, F_START))
		return;
	if (anom_calls_wanted(&a->o))
		anom_calls_add(a->calls, pin, r);
	memset(&x, 0, sizeof(x));
	x.sub = count_sub(a, r);
	if (record_has(r, F_LAT) && record_has(r, F_LON)) {
		x.flags |= AF_POS;
		x.lat = micro(r->v[F_LAT].d);
		x.lon = micro(r->v[F_LON].d);
		if (record_has(r, F_CELL_RANGE)) {
			/* rounded up: the subtraction errs against a flag */
			double q = ceil(r->v[F_CELL_RANGE].d / 8.0);
			x.flags |= AF_RANGE;
			x.range8 = (uint16_t)(q > 65535 ? 65535 : q);
		}
	}
	if (record_has(r, F_TYPE))
		x.type = (uint8_t)r->v[F_TYPE].i;
	if (x.type == TYPE_VOICE && record_has(r, F_DURATION)) {
		x.flags |= AF_DUR;
		x.dur = r->v[F_DURATION].i;
	}
	if (x.type == TYPE_VOICE && record_has(r, F_END)) {
		x.flags |= AF_END;
		x.end = r->v[F_END].i;
	}
	if (record_has(r, F_HOUR) && in_night(&a->o, r->v[F_HOUR].i))
		x.flags |= AF_NIGHT;
	if (record_has(r, F_IMEI)) {
		struct strv v = r->v[F_IMEI].s;
		char key[15];
		enum imei_class c = v.len <= INTERN_MAX_LEN ?
			imei_classify(v.s, v.len, key, NULL) : IMEI_BAD_LENGTH;
		if (c != IMEI_HANDSET && v.len <= INTERN_MAX_LEN) {
			x.flags |= AF_BADIMEI;
			x.imei = intern_put(&a->imeis, v.s, v.len, NULL);
		} else if (c == IMEI_HANDSET) {
			int imsi = record_has(r, F_IMSI) &&
				   r->v[F_IMSI].s.len > 0;
			struct strv sv = imsi ? r->v[F_IMSI].s :
					 r->v[F_SUBSCRIBER].s;
			char sk[256];
			struct hrec h;
			if (sv.len < sizeof(sk)) {
				sk[0] = imsi ? 'I' : 'S';
				memcpy(sk + 1, sv.s, sv.len);
				h.hs = intern_put(&a->handsets, key, 14, NULL);
				h.sim = intern_put(&a->sims, sk, sv.len + 1, NULL);
				h.input = (uint32_t)pin->index;
				h.t = r->v[F_START].i;
				h.line = r->line;
				VEC_GROW(a->h, a->nh + 1, a->halloc);
				a->h[a->nh++] = h;
			}
		}
	}
	/* only what a detector reads is kept */
	if (!x.flags)
		return;
	x.input = (uint32_t)pin->index;
	x.line = r->line;
	x.t = r->v[F_START].i;
	VEC_GROW(a->r, a->n + 1, a->alloc);
	a->r[a->n++] = x;
}

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct anom *a = into, *b = from;
	(void)d;
	/* Merging a feed copies its records: keep the larger side's arrays
	   and sets and copy the smaller one (states of one run have the
	   same options; the caller frees 'from'). With -j1 the one feed's
	   state is then taken whole, not copied: peak memory one copy of
	   the records, not two. */
	if (!map && a->n + a->nh < b->n + b->nh) {
		struct anom t = *a;
		*a = *b;
		*b = t;
	}
	size_t ns = intern_count(&b->subs);
	uint32_t *ids = intern_merge(&a->subs, &b->subs);
	for (size_t i = 0; i < ns; i++) {
		if (ids[i] >= a->tot_alloc) {
			size_t old = a->tot_alloc;
			VEC_GROW(a->tot, (size_t)ids[i] + 1, a->tot_alloc);
			memset(a->tot + old, 0,
			       (a->tot_alloc - old) * sizeof(*a->tot));
		}
		a->tot[ids[i]] += i < b->tot_alloc ? b->tot[i] : 0;
	}
	uint32_t *mids = intern_merge(&a->imeis, &b->imeis);
	uint32_t *hids = intern_merge(&a->handsets, &b->handsets);
	uint32_t *sids = intern_merge(&a->sims, &b->sims);
	VEC_GROW(a->h, a->nh + b->nh, a->halloc);
	for (size_t i = 0; i < b->nh; i++) {
		struct hrec h = b->h[i];
		h.hs = hids[h.hs];
		h.sim = sids[h.sim];
		if (map)
			h.input = (uint32_t)map[h.input];
		a->h[a->nh++] = h;
	}
	free(hids);
	free(sids);
	VEC_GROW(a->r, a->n + b->n, a->alloc);
	for (size_t i = 0; i < b->n; i++) {
		struct arec x = b->r[i];
		x.sub = ids[x.sub];
		if (x.flags & AF_BADIMEI)
			x.imei = mids[x.imei];
		if (map)
			x.input = (uint32_t)map[x.input];
		a->r[a->n++] = x;
	}
	free(ids);
	free(mids);
	anom_calls_merge(a->calls, b->calls, map);
	series_merge(a->ser, b->ser, map);
	return 0;
}

static void op_feed_free(void *state, void *feed)
{
	op_merge(state, feed, NULL, NULL);
	op_destroy(feed);
}

static void op_order(void *state, const size_t *perm, size_t n)
{
	struct anom *a = state;
	size_t *inv = xcalloc(n ? n : 1, sizeof(*inv));
	for (size_t i = 0; i < n; i++)
		inv[perm[i]] = i;
	for (size_t i = 0; i < a->n; i++)
		if (a->r[i].input < n)
			a->r[i].input = (uint32_t)inv[a->r[i].input];
	for (size_t i = 0; i < a->nh; i++)
		if (a->h[i].input < n)
			a->h[i].input = (uint32_t)inv[a->h[i].input];
	anom_calls_order(a->calls, inv, n);
	series_order(a->ser, inv, n);
	free(inv);
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

static int cmp_rec(const void *pa, const void *pb)
{
	const struct arec *a = pa, *b = pb;
	CMP(a->sub, b->sub);
	CMP(a->t, b->t);
	/* equal starts: by what the records say, not where they stand, so
	   that shuffled rows pair the same records (evidence aside) */
	CMP(a->flags, b->flags);
	CMP(a->lat, b->lat);
	CMP(a->lon, b->lon);
	CMP(a->range8, b->range8);
	CMP(a->dur, b->dur);
	CMP(a->end, b->end);
	CMP(a->type, b->type);
	CMP(a->imei, b->imei);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

/*
 * Sorting: the records are put into subscriber groups in place (ids are
 * ranks, keysort.h groupsort) and each group qsorted by cmp_rec: no
 * second array of records or keys.
 */
static void sort_records(struct arec *r, size_t n, size_t nsubs)
{
	groupsort(r, n, sizeof(*r), offsetof(struct arec, sub), nsubs,
		  cmp_rec);
}

static int cmp_hrec(const void *pa, const void *pb)
{
	const struct hrec *a = pa, *b = pb;
	CMP(a->hs, b->hs);
	CMP(a->t, b->t);
	CMP(a->sim, b->sim);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

static int cmp_hrec_sim(const void *pa, const void *pb)
{
	const struct hrec *a = pa, *b = pb;
	CMP(a->sim, b->sim);
	CMP(a->t, b->t);
	CMP(a->hs, b->hs);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

/* The handset records' keys sorted by cmp_hrec (by_sim 0) or
   cmp_hrec_sim (1), the way sort_records sorts the records. */
static const struct hrec *sort_hbase;
static int (*sort_hcmp)(const void *, const void *);

static int cmp_hsort_key(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	int c = sort_hcmp(&sort_hbase[a->idx], &sort_hbase[b->idx]);
	return c ? c : a->idx < b->idx ? -1 : a->idx > b->idx;
}

static struct sort_key *hrec_keys(const struct hrec *h, size_t n, int by_sim)
{
	struct sort_key *k = xcalloc(n ? n : 1, sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		k[i].id = by_sim ? h[i].sim : h[i].hs;
		k[i].idx = (uint32_t)i;
		k[i].t = h[i].t;
	}
	keysort(k, n);
	sort_hbase = h;
	sort_hcmp = by_sim ? cmp_hrec_sim : cmp_hrec;
	keysort_ties(k, n, cmp_hsort_key);
	sort_hbase = NULL;
	return k;
}

/* In place, by cmp_hrec: the canonical order. */
static void sort_hrecs(struct hrec *h, size_t n, size_t nhs)
{
	groupsort(h, n, sizeof(*h), offsetof(struct hrec, hs), nhs, cmp_hrec);
}

/* The indexes of h[0..n) in cmp_hrec_sim order (caller frees); n is at
   most UINT32_MAX. */
static uint32_t *sim_order(const struct hrec *h, size_t n)
{
	struct sort_key *k = hrec_keys(h, n, 1);
	uint32_t *ord = xcalloc(n ? n : 1, sizeof(*ord));
	for (size_t i = 0; i < n; i++)
		ord[i] = k[i].idx;
	free(k);
	return ord;
}

/* Subscriber and IMEI ids become ranks in byte order (new sets, same
   order), records sorted: the canonical state. */
static void canonical(struct anom *a)
{
	if (a->finished)
		return;
	size_t ns, nm;
	uint32_t *rank = intern_sort(&a->subs, &ns);
	uint32_t *mrank = intern_sort(&a->imeis, &nm);
	for (size_t i = 0; i < a->n; i++) {
		a->r[i].sub = rank[a->r[i].sub];
		if (a->r[i].flags & AF_BADIMEI)
			a->r[i].imei = mrank[a->r[i].imei];
	}
	uint64_t *tot = xcalloc(ns ? ns : 1, sizeof(*tot));
	for (size_t i = 0; i < ns && i < a->tot_alloc; i++)
		tot[rank[i]] = a->tot[i];
	free(a->tot);
	a->tot = tot;
	a->tot_alloc = ns ? ns : 1;
	free(rank);
	free(mrank);
	size_t nhs, nsim;
	uint32_t *hrank = intern_sort(&a->handsets, &nhs);
	uint32_t *srank = intern_sort(&a->sims, &nsim);
	for (size_t i = 0; i < a->nh; i++) {
		a->h[i].hs = hrank[a->h[i].hs];
		a->h[i].sim = srank[a->h[i].sim];
	}
	free(hrank);
	free(srank);
	/* no more records come: give back the growth slack (up to a third
	   of each array) before the sorts and the report allocate theirs */
	if (a->halloc > a->nh && a->nh) {
		a->h = xreallocarray(a->h, a->nh, sizeof(*a->h));
		a->halloc = a->nh;
	}
	if (a->alloc > a->n && a->n) {
		a->r = xreallocarray(a->r, a->n, sizeof(*a->r));
		a->alloc = a->n;
	}
	sort_hrecs(a->h, a->nh, nhs);
	/* Subscriber ids are ranks in byte order now: the canonical state */
	sort_records(a->r, a->n, ns);
	anom_calls_canonical(a->calls);
	series_canonical(a->ser);
	a->finished = 1;
}

static int op_finish(void *state, struct diag *d)
{
	(void)d;
	canonical(state);
	return 0;
}

enum { AC_KIND, AC_ENTITY, AC_FROM, AC_TO, AC_SCORE, AC_DETAIL,
       AC_EVIDENCE, AC_NCOLS };

static const struct table_col anom_columns[AC_NCOLS] = {
	{ "kind", COL_KEY }, { "entity", COL_KEY },
	{ "from", COL_TIMESTAMP }, { "to", COL_TIMESTAMP },
	{ "score", COL_TEXT }, { "detail", COL_TEXT },
	{ "evidence", COL_TEXT },
};

static void ev_add(struct buf *b, struct runfacts *rf, const struct arec *x)
{
	const char *path = x->input < rf->n && rf->in[x->input].path ?
			   rf->in[x->input].path : "-";
	if (b->len)
		buf_addch(b, ' ');
	buf_addf(b, "%s:%llu", path, (unsigned long long)x->line);
}

static void set_str(struct table *t, size_t row, int col, const char *s,
		    size_t n)
{
	table_set_text(t, row, (size_t)col, s, n);
}

/* A flag row; its row number, for an entity that is no subscriber. */
static size_t flag(struct table *t, int kind, const char *sub, size_t sublen,
		   int64_t from, int64_t to, struct buf *score,
		   struct buf *detail, struct buf *ev)
{
	size_t row = table_add_row(t);
	const char *k = kind_names[kind];
	set_str(t, row, AC_KIND, k, strlen(k));
	set_str(t, row, AC_ENTITY, sub, sublen);
	table_set_i64(t, row, AC_FROM, from);
	table_set_i64(t, row, AC_TO, to);
	set_str(t, row, AC_SCORE, buf_cstr(score), score->len);
	set_str(t, row, AC_DETAIL, buf_cstr(detail), detail->len);
	set_str(t, row, AC_EVIDENCE, buf_cstr(ev), ev->len);
	buf_reset(score);
	buf_reset(detail);
	buf_reset(ev);
	return row;
}

static void travel(struct anom *a, struct runfacts *rf, struct table *t,
		   size_t lo, size_t hi, struct buf *sc, struct buf *de,
		   struct buf *ev)
{
	const struct arec *prev = NULL;
	size_t len;
	const char *sub;
	for (size_t i = lo; i < hi; i++) {
		const struct arec *x = &a->r[i];
		if (!(x->flags & AF_POS))
			continue;
		if (prev) {
			double gc = geo_distance_m(prev->lat / 1e6,
						   prev->lon / 1e6,
						   x->lat / 1e6,
						   x->lon / 1e6) / 1000.0;
			/* each position is somewhere in its cell's range:
			   the least distance the subscriber went */
			double rkm = ((prev->flags & AF_RANGE ? prev->range8 : 0) +
				      (x->flags & AF_RANGE ? x->range8 : 0)) *
				     8 / 1000.0;
			double km = gc > rkm ? gc - rkm : 0;
			int64_t dt = x->t - prev->t;
			double kmh = dt > 0 ? km / ((double)dt / 3600000.0) :
					      (double)INFINITY;
			if (km > (double)a->o.min_km &&
			    kmh > (double)a->o.speed_kmh) {
				sub = intern_str(&a->subs, x->sub, &len);
				if (dt > 0)
					buf_addf(sc, "%.0f", kmh);
				else
					buf_adds(sc, "inf");
				buf_addf(de, "%.6f,%.6f -> %.6f,%.6f: %.1f km "
					 "in %lld s", prev->lat / 1e6,
					 prev->lon / 1e6, x->lat / 1e6,
					 x->lon / 1e6, km,
					 (long long)(dt / 1000));
				if (rkm > 0)
					buf_addf(de, " (%.1f km apart, less "
						 "%.1f km of cell ranges)", gc,
						 rkm);
				ev_add(ev, rf, prev);
				ev_add(ev, rf, x);
				flag(t, AK_TRAVEL, sub, len, prev->t, x->t, sc,
				     de, ev);
			}
		}
		prev = x;
	}
}

static void duration(struct anom *a, struct runfacts *rf, struct table *t,
		     const struct arec *x, struct buf *sc, struct buf *de,
		     struct buf *ev)
{
	size_t len;
	const char *sub;
	int64_t max = (int64_t)a->o.max_duration_s * 1000000;
	int64_t slack = (int64_t)a->o.slack_s * 1000000;
	int bad = 0;
	if (x->flags & AF_DUR) {
		if (x->dur < 0) {
			buf_adds(de, "negative duration");
			bad = 1;
		} else if (x->dur > max) {
			buf_addf(de, "duration above %llu s",
				 (unsigned long long)a->o.max_duration_s);
			bad = 1;
		}
		if ((x->flags & AF_END)) {
			int64_t span = (x->end - x->t) * 1000;
			int64_t diff = span - x->dur;
			if (diff < 0)
				diff = -diff;
			if (diff > slack) {
				struct buf s = BUF_INIT;
				format_duration(span, &s);
				buf_addf(de, "%send - start %s s disagrees",
					 bad ? "; " : "", buf_cstr(&s));
				buf_release(&s);
				bad = 1;
			}
		}
	}
	if (!bad)
		return;
	format_duration(x->dur, sc);
	sub = intern_str(&a->subs, x->sub, &len);
	ev_add(ev, rf, x);
	flag(t, AK_DURATION, sub, len, x->t, x->t, sc, de, ev);
}

static int cmp_evref(const void *pa, const void *pb)
{
	const struct evref *a = pa, *b = pb;
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

/* Evidence of many records: in input and line order, runs of
   consecutive lines of one input as FIRST-LAST. Sorts 'e'. */
static void ev_list(struct buf *b, struct runfacts *rf, struct evref *e,
		    size_t n)
{
	qsort(e, n, sizeof(*e), cmp_evref);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && e[j].input == e[i].input &&
		     e[j].line <= e[j - 1].line + 1; j++)
			;
		const char *path = e[i].input < rf->n && rf->in[e[i].input].path ?
				   rf->in[e[i].input].path : "-";
		if (b->len)
			buf_addch(b, ' ');
		buf_addf(b, "%s:%llu", path, (unsigned long long)e[i].line);
		if (e[j - 1].line != e[i].line)
			buf_addf(b, "-%llu", (unsigned long long)e[j - 1].line);
	}
}

static void night(struct anom *a, struct runfacts *rf, struct table *t,
		  size_t lo, size_t hi, struct buf *sc, struct buf *de,
		  struct buf *ev)
{
	uint64_t total = a->r[lo].sub < a->tot_alloc ? a->tot[a->r[lo].sub] : 0;
	uint64_t n = 0;
	for (size_t i = lo; i < hi; i++)
		n += (a->r[i].flags & AF_NIGHT) != 0;
	if (!n || total < a->o.night_min || n * 100 < a->o.night_pct * total)
		return;
	struct evref *e = xcalloc(n, sizeof(*e));
	int64_t from = 0, to = 0;
	size_t k = 0;
	for (size_t i = lo; i < hi; i++) {
		const struct arec *x = &a->r[i];
		if (!(x->flags & AF_NIGHT))
			continue;
		if (!k)
			from = x->t;
		to = x->t;
		e[k].input = x->input;
		e[k++].line = x->line;
	}
	size_t len;
	const char *sub = intern_str(&a->subs, a->r[lo].sub, &len);
	buf_addf(sc, "%.1f", 100.0 * (double)n / (double)total);
	buf_addf(de, "%llu of %llu record%s from %02llu:00 to %02llu:00",
		 (unsigned long long)n, (unsigned long long)total,
		 total == 1 ? "" : "s",
		 (unsigned long long)a->o.night_from,
		 (unsigned long long)a->o.night_to);
	ev_list(ev, rf, e, n);
	free(e);
	flag(t, AK_NIGHT, sub, len, from, to, sc, de, ev);
}

struct badref {
	uint32_t imei, sub, input;
	int64_t t;
	uint64_t line;
};

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

static int cmp_badref(const void *pa, const void *pb)
{
	const struct badref *a = pa, *b = pb;
	CMP(a->imei, b->imei);
	CMP(a->t, b->t);
	CMP(a->sub, b->sub);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

/* imei-invalid: one flag per IMEI value that cannot be a handset. */
static void imei_invalid(struct anom *a, struct runfacts *rf,
			 struct table *t, struct buf *sc, struct buf *de,
			 struct buf *ev)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n; i++)
		n += (a->r[i].flags & AF_BADIMEI) != 0;
	if (!n)
		return;
	struct badref *b = xcalloc(n, sizeof(*b));
	struct evref *e = xcalloc(n, sizeof(*e));
	size_t k = 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct arec *x = &a->r[i];
		if (!(x->flags & AF_BADIMEI))
			continue;
		b[k].imei = x->imei;
		b[k].sub = x->sub;
		b[k].input = x->input;
		b[k].t = x->t;
		b[k++].line = x->line;
	}
	qsort(b, n, sizeof(*b), cmp_badref);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		size_t subs = 0;
		for (hi = lo; hi < n && b[hi].imei == b[lo].imei; hi++) {
			e[hi - lo].input = b[hi].input;
			e[hi - lo].line = b[hi].line;
		}
		/* distinct subscribers: sort the ids of the group */
		uint32_t *ids = xcalloc(hi - lo, sizeof(*ids));
		for (size_t i = lo; i < hi; i++)
			ids[i - lo] = b[i].sub;
		qsort(ids, hi - lo, sizeof(*ids), cmp_u32);
		for (size_t i = 0; i < hi - lo; i++)
			subs += !i || ids[i] != ids[i - 1];
		free(ids);
		size_t len;
		const char *v = intern_str(&a->imeis, b[lo].imei, &len);
		char key[15];
		enum imei_class c = imei_classify(v, len, key, NULL);
		buf_addf(sc, "%zu", hi - lo);
		buf_addf(de, "%s; %zu record%s, %zu subscriber%s",
			 imei_class_name(c), hi - lo, hi - lo == 1 ? "" : "s",
			 subs, subs == 1 ? "" : "s");
		ev_list(ev, rf, e, hi - lo);
		size_t row = flag(t, AK_IMEI_INVALID, v, len, b[lo].t,
				  b[hi - 1].t, sc, de, ev);
		/* the entity is an IMEI value: its own kind of pseudonym */
		table_set_ident(t, row, AC_ENTITY, ID_IMEI);
	}
	free(b);
	free(e);
}

/* The SIM of id 'id' as shown: "imsi X" or "subscriber X". */
static void add_sim(struct buf *b, const struct intern *sims, uint32_t id)
{
	size_t len;
	const char *s = intern_str(sims, id, &len);
	if (!len)
		return;
	buf_adds(b, s[0] == 'I' ? "imsi " : "subscriber ");
	buf_add(b, s + 1, len - 1);
}

/*
 * imei, one facet: 'h' sorted by group (handset, or SIM with by_sim) then
 * start; per group the window of starts within the window length holding
 * the most distinct others (the earliest such), flagged when they reach
 * 'min'. Evidence: the first record of each other in the window.
 */
static void imei_facet(struct anom *a, struct runfacts *rf, struct table *t,
		       const struct hrec *h, const uint32_t *ord, size_t nh,
		       int by_sim,
		       uint64_t min, struct buf *sc, struct buf *de,
		       struct buf *ev)
{
	size_t nother = intern_count(by_sim ? &a->handsets : &a->sims);
	uint32_t *cnt = xcalloc(nother ? nother : 1, sizeof(*cnt));
	int64_t w = (int64_t)a->o.imei_days * 86400000;
#define AT(i) h[ord ? ord[i] : (i)]
#define GROUP(x) (by_sim ? (x).sim : (x).hs)
#define OTHER(x) (by_sim ? (x).hs : (x).sim)
	for (size_t lo = 0, hi; lo < nh; lo = hi) {
		for (hi = lo + 1; hi < nh && GROUP(AT(hi)) == GROUP(AT(lo)); hi++)
			;
		size_t best = 0, bj = lo, bk = lo, distinct = 0, k = lo;
		for (size_t j = lo; j < hi; j++) {
			while (k < hi && AT(k).t - AT(j).t < w)
				distinct += cnt[OTHER(AT(k++))]++ == 0;
			if (distinct > best) {
				best = distinct;
				bj = j;
				bk = k;
			}
			distinct -= --cnt[OTHER(AT(j))] == 0;
		}
		if (best < min || !best)
			continue;
		struct evref *e = xcalloc(best, sizeof(*e));
		uint32_t *ids = xcalloc(best, sizeof(*ids));
		size_t ne = 0;
		for (size_t i = bj; i < bk; i++)
			if (cnt[OTHER(AT(i))]++ == 0) {
				e[ne].input = AT(i).input;
				e[ne].line = AT(i).line;
				ids[ne++] = OTHER(AT(i));
			}
		for (size_t i = bj; i < bk; i++)
			cnt[OTHER(AT(i))] = 0;
		qsort(ids, ne, sizeof(*ids), cmp_u32);
		buf_addf(sc, "%zu", ne);
		buf_addf(de, "%zu %s within %llu day%s:", ne,
			 by_sim ? "handsets for one SIM" : "SIMs in one handset",
			 (unsigned long long)a->o.imei_days,
			 a->o.imei_days == 1 ? "" : "s");
		for (size_t i = 0; i < ne; i++) {
			buf_addch(de, ' ');
			if (by_sim) {
				size_t len;
				const char *s = intern_str(&a->handsets, ids[i],
							   &len);
				buf_add(de, s, len);
			} else {
				add_sim(de, &a->sims, ids[i]);
			}
		}
		ev_list(ev, rf, e, ne);
		size_t len;
		const char *ent;
		enum ident_kind ik = ID_IMEI; /* a handset: 14 digits */
		if (by_sim) {
			ent = intern_str(&a->sims, AT(lo).sim, &len);
			ik = ent[0] == 'I' ? ID_IMSI : ID_NUMBER;
			ent++;
			len--;
		} else {
			ent = intern_str(&a->handsets, AT(lo).hs, &len);
		}
		size_t row = flag(t, AK_IMEI, ent, len, AT(bj).t, AT(bk - 1).t,
				  sc, de, ev);
		table_set_ident(t, row, AC_ENTITY, ik);
		free(e);
		free(ids);
	}
#undef AT
#undef GROUP
#undef OTHER
	free(cnt);
}

static void imei_detect(struct anom *a, struct runfacts *rf, struct table *t,
			struct buf *sc, struct buf *de, struct buf *ev)
{
	imei_facet(a, rf, t, a->h, NULL, a->nh, 0, a->o.imei_sims, sc, de, ev);
	/* SIM order as 4 bytes a record of indexes, not a copy of the
	   records (32 bytes) nor a sort in place and back (four random
	   moves a record) */
	if (a->nh > UINT32_MAX) { /* beyond 32-bit indexes: a sorted copy */
		struct hrec *c = xreallocarray(NULL, a->nh, sizeof(*c));
		memcpy(c, a->h, a->nh * sizeof(*c));
		qsort(c, a->nh, sizeof(*c), cmp_hrec_sim);
		imei_facet(a, rf, t, c, NULL, a->nh, 1, a->o.imei_handsets, sc,
			   de, ev);
		free(c);
		return;
	}
	uint32_t *ord = sim_order(a->h, a->nh);
	imei_facet(a, rf, t, a->h, ord, a->nh, 1, a->o.imei_handsets, sc, de,
		   ev);
	free(ord);
}

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct anom *a = state;
	struct buf sc = BUF_INIT, de = BUF_INIT, ev = BUF_INIT;
	(void)d;
	canonical(a);
	table_init(t, anom_columns, AC_NCOLS);
	for (int k = 0; k < AK_COUNT; k++) {
		if (!(a->o.only & (1u << k)))
			continue;
		if (k == AK_IMEI_INVALID) {
			imei_invalid(a, rf, t, &sc, &de, &ev);
			continue;
		}
		if (k == AK_IMEI) {
			imei_detect(a, rf, t, &sc, &de, &ev);
			continue;
		}
		if (k == AK_SIMBOX || k == AK_DUPLICATE) {
			anom_calls_report(a->calls, &a->o, k, rf, t, &sc, &de,
					  &ev);
			continue;
		}
		if (k == AK_SPIKE || k == AK_GAP) {
			series_report(a->ser, k, rf, t);
			continue;
		}
		for (size_t lo = 0, hi; lo < a->n; lo = hi) {
			for (hi = lo + 1; hi < a->n && a->r[hi].sub == a->r[lo].sub;
			     hi++)
				;
			if (k == AK_TRAVEL)
				travel(a, rf, t, lo, hi, &sc, &de, &ev);
			else if (k == AK_NIGHT)
				night(a, rf, t, lo, hi, &sc, &de, &ev);
			else
				for (size_t i = lo; i < hi; i++)
					duration(a, rf, t, &a->r[i], &sc, &de,
						 &ev);
		}
	}
	buf_release(&sc);
	buf_release(&de);
	buf_release(&ev);
	return 0;
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

/* A set of distinct strings, ascending as saved; their count. */
static uint64_t get_set(struct partial_reader *r, struct intern *set)
{
	uint64_t n = partial_get_count(r, 1);
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(r, &len);
		int added = 0;
		if (!p || len > INTERN_MAX_LEN || !len) {
			r->failed = 1;
			break;
		}
		intern_put(set, (const char *)p, len, &added);
		if (!added)
			r->failed = 1;
	}
	return r->failed ? 0 : n;
}

static void op_save(void *state, struct partial_writer *w)
{
	struct anom *a = state;
	a->finished = 0; /* input order may have changed since */
	canonical(a);
	a->finished = 0;
	partial_section_begin(w, ANOM_TAG);
	partial_put_uvarint(w, a->o.only);
	partial_put_uvarint(w, a->o.speed_kmh);
	partial_put_uvarint(w, a->o.min_km);
	partial_put_uvarint(w, a->o.max_duration_s);
	partial_put_uvarint(w, a->o.slack_s);
	partial_put_uvarint(w, a->o.night_min);
	partial_put_uvarint(w, a->o.night_pct);
	partial_put_uvarint(w, a->o.night_from);
	partial_put_uvarint(w, a->o.night_to);
	partial_put_uvarint(w, a->o.imei_sims);
	partial_put_uvarint(w, a->o.imei_handsets);
	partial_put_uvarint(w, a->o.imei_days);
	size_t ns = intern_count(&a->subs);
	partial_put_uvarint(w, ns);
	for (size_t i = 0; i < ns; i++) {
		size_t len;
		const char *s = intern_str(&a->subs, (uint32_t)i, &len);
		partial_put_bytes(w, s, len);
		partial_put_uvarint(w, i < a->tot_alloc ? a->tot[i] : 0);
	}
	size_t nm = intern_count(&a->imeis);
	partial_put_uvarint(w, nm);
	for (size_t i = 0; i < nm; i++) {
		size_t len;
		const char *s = intern_str(&a->imeis, (uint32_t)i, &len);
		partial_put_bytes(w, s, len);
	}
	partial_put_uvarint(w, a->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct arec *x = &a->r[i];
		partial_put_uvarint(w, x->sub);
		partial_put_uvarint(w, x->input);
		partial_put_uvarint(w, x->line);
		partial_put_svarint(w, x->t);
		partial_put_svarint(w, x->lat);
		partial_put_svarint(w, x->lon);
		partial_put_svarint(w, x->dur);
		partial_put_svarint(w, x->end);
		partial_put_u8(w, x->flags);
		partial_put_u8(w, x->type);
		if (x->flags & AF_BADIMEI)
			partial_put_uvarint(w, x->imei);
		if (x->flags & AF_RANGE)
			partial_put_uvarint(w, x->range8);
	}
	put_set(w, &a->handsets);
	put_set(w, &a->sims);
	partial_put_uvarint(w, a->nh);
	for (size_t i = 0; i < a->nh; i++) {
		const struct hrec *h = &a->h[i];
		partial_put_uvarint(w, h->hs);
		partial_put_uvarint(w, h->sim);
		partial_put_uvarint(w, h->input);
		partial_put_uvarint(w, h->line);
		partial_put_svarint(w, h->t);
	}
	partial_section_end(w);
	anom_calls_save(a->calls, &a->o, w);
	series_save(a->ser, w);
}

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct anom *a = state;
	struct partial_reader r;
	if (partial_section(pf, ANOM_TAG, &r) < 0) {
		diag_error(d, "not a usable partial file: no ANOM section");
		return -1;
	}
	a->o.only = (unsigned)partial_get_uvarint(&r);
	a->o.speed_kmh = partial_get_uvarint(&r);
	a->o.min_km = partial_get_uvarint(&r);
	a->o.max_duration_s = partial_get_uvarint(&r);
	a->o.slack_s = partial_get_uvarint(&r);
	a->o.night_min = partial_get_uvarint(&r);
	a->o.night_pct = partial_get_uvarint(&r);
	a->o.night_from = partial_get_uvarint(&r);
	a->o.night_to = partial_get_uvarint(&r);
	a->o.imei_sims = partial_get_uvarint(&r);
	a->o.imei_handsets = partial_get_uvarint(&r);
	a->o.imei_days = partial_get_uvarint(&r);
	if (a->o.imei_sims > 1000000000 || a->o.imei_handsets > 1000000000 ||
	    a->o.imei_days > 1000000)
		r.failed = 1;
	if (a->o.night_min > 1000000000 || a->o.night_pct > 100 ||
	    a->o.night_from > 23 || a->o.night_to > 24 ||
	    a->o.night_from == a->o.night_to)
		r.failed = 1;
	if (a->o.only >= (1u << AK_COUNT) ||
	    a->o.max_duration_s > INT64_MAX / 2000000 ||
	    a->o.slack_s > INT64_MAX / 2000000)
		r.failed = 1;
	uint64_t ns = partial_get_count(&r, 1);
	for (uint64_t i = 0; i < ns && !r.failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(&r, &len);
		int added = 0;
		if (!p || len > INTERN_MAX_LEN) {
			r.failed = 1;
			break;
		}
		uint32_t id = intern_put(&a->subs, (const char *)p, len, &added);
		if (!added)
			r.failed = 1;
		if (id >= a->tot_alloc) {
			size_t old = a->tot_alloc;
			VEC_GROW(a->tot, (size_t)id + 1, a->tot_alloc);
			memset(a->tot + old, 0,
			       (a->tot_alloc - old) * sizeof(*a->tot));
		}
		a->tot[id] = partial_get_uvarint(&r);
		if (a->tot[id] > UINT64_MAX / 256)
			r.failed = 1;
	}
	uint64_t nm = r.failed ? 0 : partial_get_count(&r, 1);
	for (uint64_t i = 0; i < nm && !r.failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(&r, &len);
		int added = 0;
		if (!p || len > INTERN_MAX_LEN) {
			r.failed = 1;
			break;
		}
		intern_put(&a->imeis, (const char *)p, len, &added);
		if (!added)
			r.failed = 1;
	}
	uint64_t n = r.failed ? 0 : partial_get_count(&r, 10);
	if (!r.failed)
		VEC_GROW(a->r, (size_t)n, a->alloc);
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		struct arec x;
		memset(&x, 0, sizeof(x));
		uint64_t sub = partial_get_uvarint(&r);
		uint64_t input = partial_get_uvarint(&r);
		x.line = partial_get_uvarint(&r);
		x.t = partial_get_svarint(&r);
		int64_t lat = partial_get_svarint(&r);
		int64_t lon = partial_get_svarint(&r);
		x.dur = partial_get_svarint(&r);
		x.end = partial_get_svarint(&r);
		x.flags = (uint8_t)partial_get_u8(&r);
		x.type = (uint8_t)partial_get_u8(&r);
		uint64_t imei = x.flags & AF_BADIMEI ? partial_get_uvarint(&r) : 0;
		if (imei >= (nm ? nm : 1))
			r.failed = 1;
		x.imei = (uint32_t)imei;
		uint64_t range8 = x.flags & AF_RANGE ? partial_get_uvarint(&r) : 0;
		if (range8 > UINT16_MAX || ((x.flags & AF_RANGE) &&
					    !(x.flags & AF_POS)))
			r.failed = 1;
		x.range8 = (uint16_t)range8;
		if (sub >= ns || input >= ninputs || lat < -90000000 ||
		    lat > 90000000 || lon < -180000000 || lon > 180000000 ||
		    x.flags > 63 || x.t < -(INT64_MAX / 4) ||
		    x.t > INT64_MAX / 4 || x.end < -(INT64_MAX / 4000) ||
		    x.end > INT64_MAX / 4000 || x.dur < -(INT64_MAX / 4) ||
		    x.dur > INT64_MAX / 4) {
			r.failed = 1;
			break;
		}
		x.sub = (uint32_t)sub;
		x.input = (uint32_t)input;
		x.lat = (int32_t)lat;
		x.lon = (int32_t)lon;
		a->r[a->n++] = x;
	}
	uint64_t nhs = r.failed ? 0 : get_set(&r, &a->handsets);
	uint64_t nsim = r.failed ? 0 : get_set(&r, &a->sims);
	uint64_t nh = r.failed ? 0 : partial_get_count(&r, 5);
	if (!r.failed)
		VEC_GROW(a->h, (size_t)nh, a->halloc);
	for (uint64_t i = 0; i < nh && !r.failed; i++) {
		struct hrec h;
		uint64_t hs = partial_get_uvarint(&r);
		uint64_t sim = partial_get_uvarint(&r);
		uint64_t input = partial_get_uvarint(&r);
		h.line = partial_get_uvarint(&r);
		h.t = partial_get_svarint(&r);
		if (hs >= nhs || sim >= nsim || input >= ninputs ||
		    h.t < -(INT64_MAX / 4) || h.t > INT64_MAX / 4) {
			r.failed = 1;
			break;
		}
		h.hs = (uint32_t)hs;
		h.sim = (uint32_t)sim;
		h.input = (uint32_t)input;
		a->h[a->nh++] = h;
	}
	if (partial_reader_finish(&r, pf, d) < 0)
		return -1;
	if (anom_calls_load(a->calls, &a->o, pf, ninputs, d) < 0)
		return -1;
	return series_load(a->ser, &a->o, pf, ninputs, d);
}

size_t anom_flag(struct table *t, int kind, const char *entity, size_t len,
		 int64_t from, int64_t to, struct buf *score,
		 struct buf *detail, struct buf *ev)
{
	return flag(t, kind, entity, len, from, to, score, detail, ev);
}

void anom_ev_list(struct buf *b, struct runfacts *rf, struct evref *e,
		  size_t n)
{
	ev_list(b, rf, e, n);
}

const struct analysis_ops anomalies_analysis = {
	"anomalies", ANOM_TAG, op_needs, op_options_key, op_create,
	op_feed_new, op_add, op_feed_free, op_merge, op_order, op_finish,
	op_report, op_save, op_load, op_destroy, NULL,
};
