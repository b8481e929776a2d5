/*
 * anomaly.c - the anomalies analysis (anomaly.h).
 *
 * State: an interned set of subscribers and one common record (anom_rec.h,
 * 72 bytes) per record with a subscriber and a start, which travel,
 * night, imei, simbox, duplicate (anom_calls.c) and spike by subscriber
 * (anom_series.c) all read; the few records of duration and imei-invalid
 * flags in lists of their own.
 * Merge re-interns the other state's sets, maps its inputs and copies its
 * records block by block, shrinking the source as it goes; finish ranks
 * the sets by their bytes and sorts the records in place by subscriber
 * (groupsort), each subscriber's by start and content (cmp_canon): the
 * detectors then walk each subscriber's records in time order.
 *
 * Partial section ANOM:
 *   uvarint only, speed_kmh, min_km, max_duration_s, slack_s,
 *     night_min, night_pct, night_from, night_to, imei_sims,
 *     imei_handsets, imei_days
 *   the subscribers, the IMEI values that are no handset, the handsets
 *     (14-digit keys) and the IMSIs, each a uvarint count and byte
 *     strings, ascending
 *   uvarint records, each: uvarint subscriber rank, input, line; svarint
 *     start (ms), duration (us); uvarint flags, meta (anom_rec.h), peer
 *     + 1, cell + 1, operator + 1 (0: none; ids of section ANCL's sets);
 *     with AF_POS svarint lat, lon (micro-degrees), with AF_RANGE uvarint
 *     range8, with AF_SPIKE svarint local day; uvarint handset + 1
 *     (0: none), and with a handset uvarint SIM (its IMSI's rank, or
 *     2^31 + the record's subscriber rank); in canonical order
 *   uvarint duration records, each: uvarint subscriber, input, line;
 *     svarint start, lat, lon, duration, end; u8 flags, type; uvarint
 *     IMEI rank, range8; in cmp_rec order
 *   uvarint imei-invalid records, each uvarint IMEI rank, subscriber,
 *     input, line, svarint start; in (IMEI, start, subscriber, input,
 *     line) order
 */
#include "anomaly.h"
#include "anom_series.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "anom_calls.h"
#include "anom_rec.h"
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

/* Flags AF_* and the common record: anom_rec.h. */

/* A voice record whose duration a duration flag names (few): kept in a
   list of its own with what its flag and its order need. */
struct drec {
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

/* A record with an IMEI that cannot be a handset (imei-invalid). */
struct badref {
	uint32_t imei, sub, input;
	int64_t t;
	uint64_t line;
};

/* A SIM that is a subscriber (no IMSI): this bit and its id. IMSIs
   (bit clear) come first, as 'I' before 'S' in the byte order the SIMs
   were once compared in, each kind in the order of its set. */
#define SIM_SUB 0x80000000u

struct anom {
	struct anom_opts o;
	struct intern handsets; /* 14-digit keys */
	struct intern sims;     /* IMSIs (imei: a SIM is its IMSI, else its
				   subscriber: SIM_SUB | subscriber id) */
	struct intern subs;
	struct intern imeis; /* IMEI values that are no handset, as written */
	struct arec *r;      /* every record with a subscriber and a start */
	size_t n, alloc;
	struct drec *d;      /* the records of duration flags */
	size_t nd, dalloc;
	struct badref *b;    /* the records of imei-invalid flags */
	size_t nb, balloc;
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
	free(a->r);
	free(a->d);
	free(a->b);
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

/* Whether a voice record's duration raises a duration flag. */
static int dur_bad(const struct anom_opts *o, const struct drec *x)
{
	int64_t max = (int64_t)o->max_duration_s * 1000000;
	int64_t slack = (int64_t)o->slack_s * 1000000;
	if (!(x->flags & AF_DUR))
		return 0;
	if (x->dur < 0 || x->dur > max)
		return 1;
	if (x->flags & AF_END) {
		int64_t diff = (x->end - x->t) * 1000 - x->dur;
		if (diff < 0)
			diff = -diff;
		if (diff > slack)
			return 1;
	}
	return 0;
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct anom *a = feed;
	struct arec x;
	int32_t day = 0;
	int keep = record_has(r, F_SUBSCRIBER) && record_has(r, F_START) &&
		   r->v[F_SUBSCRIBER].s.len <= INTERN_MAX_LEN;
	enum imei_class c = IMEI_BAD_LENGTH;
	char key[15];
	int imsi = record_has(r, F_IMSI) && r->v[F_IMSI].s.len > 0;
	if (keep) {
		/* start loading every set's slot: the misses overlap */
		struct strv v = r->v[F_SUBSCRIBER].s;
		intern_prefetch(&a->subs, v.s, v.len);
		if (anom_calls_wanted(&a->o))
			anom_calls_prefetch(a->calls, r);
		if (record_has(r, F_IMEI)) {
			v = r->v[F_IMEI].s;
			if (v.len <= INTERN_MAX_LEN)
				c = imei_classify(v.s, v.len, key, NULL);
			if (c == IMEI_HANDSET) {
				intern_prefetch(&a->handsets, key, 14);
				if (imsi)
					intern_prefetch(&a->sims,
							r->v[F_IMSI].s.s,
							r->v[F_IMSI].s.len);
			}
		}
	}
	int spiked = series_add(a->ser, pin, r, &day);
	if (!keep)
		return;
	memset(&x, 0, sizeof(x));
	x.hs = x.sim = ANOM_NONE;
	struct strv sv0 = r->v[F_SUBSCRIBER].s;
	x.sub = intern_put(&a->subs, sv0.s, sv0.len, NULL);
	x.input = (uint32_t)pin->index;
	x.line = r->line;
	x.t = r->v[F_START].i;
	if (spiked) {
		x.flags |= AF_SPIKE;
		x.day = day;
	}
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
	unsigned type = record_has(r, F_TYPE) ? (unsigned)r->v[F_TYPE].i : 0;
	unsigned hasdur = 0;
	/* the duration field, else end - start (simbox, duplicate) */
	if (record_has(r, F_DURATION)) {
		hasdur = 1;
		x.dur = r->v[F_DURATION].i;
	} else if (record_has(r, F_END)) {
		hasdur = 1;
		x.dur = (r->v[F_END].i - x.t) * 1000 +
			(r->sub_us[1] - r->sub_us[0]);
	}
	x.meta = anom_meta(type, 0, hasdur, 0, 0);
	if (type == TYPE_VOICE && record_has(r, F_DURATION))
		x.flags |= AF_DUR;
	if (type == TYPE_VOICE && record_has(r, F_END))
		x.flags |= AF_END;
	if (record_has(r, F_HOUR) && in_night(&a->o, r->v[F_HOUR].i))
		x.flags |= AF_NIGHT;
	if (anom_calls_wanted(&a->o))
		anom_calls_fill(a->calls, r, &x);
	else
		x.peer = x.cell = x.op = ANOM_NONE;
	uint32_t imei = 0;
	if (record_has(r, F_IMEI)) {
		struct strv v = r->v[F_IMEI].s;
		if (c != IMEI_HANDSET && v.len <= INTERN_MAX_LEN) {
			struct badref b;
			x.flags |= AF_BADIMEI;
			imei = intern_put(&a->imeis, v.s, v.len, NULL);
			b.imei = imei;
			b.sub = x.sub;
			b.input = x.input;
			b.t = x.t;
			b.line = x.line;
			VEC_GROW(a->b, a->nb + 1, a->balloc);
			a->b[a->nb++] = b;
		} else if (c == IMEI_HANDSET) {
			struct strv sv = imsi ? r->v[F_IMSI].s :
					 r->v[F_SUBSCRIBER].s;
			/* (ids of 2^31 subscribers and more: no SIM) */
			if (sv.len < 256 && (imsi || x.sub < SIM_SUB)) {
				x.hs = intern_put(&a->handsets, key, 14, NULL);
				x.sim = imsi ? intern_put(&a->sims, sv.s, sv.len,
							  NULL) :
				       SIM_SUB | x.sub;
			}
		}
	}
	if (x.flags & AF_DUR) {
		struct drec d;
		memset(&d, 0, sizeof(d));
		d.sub = x.sub;
		d.input = x.input;
		d.line = x.line;
		d.t = x.t;
		d.dur = r->v[F_DURATION].i;
		if (x.flags & AF_END)
			d.end = r->v[F_END].i;
		d.lat = x.lat;
		d.lon = x.lon;
		d.imei = imei;
		d.flags = (uint8_t)(x.flags & 63u);
		d.type = (uint8_t)type;
		d.range8 = x.range8;
		if (dur_bad(&a->o, &d)) {
			VEC_GROW(a->d, a->nd + 1, a->dalloc);
			a->d[a->nd++] = d;
		}
	}
	VEC_GROW(a->r, a->n + 1, a->alloc);
	a->r[a->n++] = x;
}

/* Block of records copied at a time when merging: the source array
   shrinks behind the copy, so a merge holds one copy of the records. */
#define MERGE_BLOCK 65536

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct anom *a = into, *b = from;
	(void)d;
	/* Merging a feed copies its records: keep the larger side's arrays
	   and sets and copy the smaller one (states of one run have the
	   same options; the caller frees 'from'). With -j1 the one feed's
	   state is then taken whole, not copied. */
	if (!map && a->n < b->n) {
		struct anom t = *a;
		*a = *b;
		*b = t;
	}
	uint32_t *ids = intern_merge(&a->subs, &b->subs);
	uint32_t *mids = intern_merge(&a->imeis, &b->imeis);
	uint32_t *hids = intern_merge(&a->handsets, &b->handsets);
	uint32_t *sids = intern_merge(&a->sims, &b->sims);
	struct anom_calls_map cm;
	anom_calls_merge(a->calls, b->calls, &cm);
	VEC_GROW(a->r, a->n + b->n, a->alloc);
	for (size_t hi = b->n; hi > 0;) {
		size_t lo = hi > MERGE_BLOCK ? hi - MERGE_BLOCK : 0;
		for (size_t i = lo; i < hi; i++) {
			struct arec x = b->r[i];
			x.sub = ids[x.sub];
			if (x.hs != ANOM_NONE) {
				x.hs = hids[x.hs];
				x.sim = x.sim & SIM_SUB ?
					SIM_SUB | ids[x.sim & ~SIM_SUB] :
					sids[x.sim];
			}
			anom_calls_remap(&cm, &x);
			if (map)
				x.input = (uint32_t)map[x.input];
			a->r[a->n + i] = x;
		}
		hi = lo;
		b->r = xreallocarray(b->r, hi ? hi : 1, sizeof(*b->r));
		b->alloc = hi ? hi : 1;
	}
	a->n += b->n;
	b->n = 0;
	free(hids);
	free(sids);
	anom_calls_map_free(&cm);
	VEC_GROW(a->d, a->nd + b->nd, a->dalloc);
	for (size_t i = 0; i < b->nd; i++) {
		struct drec x = b->d[i];
		x.sub = ids[x.sub];
		if (x.flags & AF_BADIMEI)
			x.imei = mids[x.imei];
		if (map)
			x.input = (uint32_t)map[x.input];
		a->d[a->nd++] = x;
	}
	VEC_GROW(a->b, a->nb + b->nb, a->balloc);
	for (size_t i = 0; i < b->nb; i++) {
		struct badref x = b->b[i];
		x.sub = ids[x.sub];
		x.imei = mids[x.imei];
		if (map)
			x.input = (uint32_t)map[x.input];
		a->b[a->nb++] = x;
	}
	free(ids);
	free(mids);
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
	for (size_t i = 0; i < a->nd; i++)
		if (a->d[i].input < n)
			a->d[i].input = (uint32_t)inv[a->d[i].input];
	for (size_t i = 0; i < a->nb; i++)
		if (a->b[i].input < n)
			a->b[i].input = (uint32_t)inv[a->b[i].input];
	series_order(a->ser, inv, n);
	free(inv);
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/* The order of the duration records (and of their flags). */
static int cmp_rec(const void *pa, const void *pb)
{
	const struct drec *a = pa, *b = pb;
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

/* The canonical order of the common records: anom_calls_cmp's
   (subscriber, start, the call fields, input, line), then the rest. */
static int cmp_canon(const void *pa, const void *pb)
{
	const struct arec *a = pa, *b = pb;
	int c = anom_calls_cmp(a, b);
	if (c)
		return c;
	CMP(a->flags, b->flags);
	CMP(a->lat, b->lat);
	CMP(a->lon, b->lon);
	CMP(a->range8, b->range8);
	CMP(a->day, b->day);
	CMP(a->meta, b->meta);
	return 0;
}

/* travel's order of records of one (subscriber, start): by what they
   say, then where they stand (as cmp_rec). */
static int cmp_travel(const void *pa, const void *pb)
{
	const struct arec *a = *(const struct arec *const *)pa;
	const struct arec *b = *(const struct arec *const *)pb;
	CMP(a->flags & 63u, b->flags & 63u);
	CMP(a->lat, b->lat);
	CMP(a->lon, b->lon);
	CMP(a->range8, b->range8);
	CMP(a->flags & AF_DUR ? a->dur : 0, b->flags & AF_DUR ? b->dur : 0);
	CMP(A_TYPE(a), A_TYPE(b));
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

/*
 * Sorting: the records are put into subscriber groups in place (ids are
 * ranks, keysort.h groupsort) and each group qsorted by cmp_canon: no
 * second array of records or keys.
 */
static void sort_records(struct arec *r, size_t n, size_t nsubs)
{
	groupsort(r, n, sizeof(*r), offsetof(struct arec, sub), nsubs,
		  cmp_canon);
}

/*
 * The imei detector's orders: the records with a handset, by handset
 * (or SIM), start, the other, input and line, as indexes into the common
 * records (4 bytes a record; 8 beyond 2^32 records), grouped in one
 * counting pass and each group qsorted.
 */
static const struct arec *ord_base;
static int ord_by_sim;

static int cmp_hs(const struct arec *a, const struct arec *b)
{
	if (ord_by_sim) {
		CMP(a->sim, b->sim);
		CMP(a->t, b->t);
		CMP(a->hs, b->hs);
	} else {
		CMP(a->hs, b->hs);
		CMP(a->t, b->t);
		CMP(a->sim, b->sim);
	}
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

static int cmp_ord32(const void *pa, const void *pb)
{
	return cmp_hs(&ord_base[*(const uint32_t *)pa],
		      &ord_base[*(const uint32_t *)pb]);
}

static int cmp_ord64(const void *pa, const void *pb)
{
	return cmp_hs(&ord_base[*(const size_t *)pa],
		      &ord_base[*(const size_t *)pb]);
}

struct hs_order {
	uint32_t *o32; /* n <= UINT32_MAX */
	size_t *o64;   /* else */
	size_t m;      /* records with a handset */
};

#define ORD_AT(o, i) ((o)->o32 ? (size_t)(o)->o32[i] : (o)->o64[i])

/* A SIM as a dense index: IMSIs, then subscribers after them. */
static size_t sim_dense(const struct anom *a, uint32_t sim)
{
	return sim & SIM_SUB ? intern_count(&a->sims) + (sim & ~SIM_SUB) : sim;
}

static size_t sim_count(const struct anom *a)
{
	return intern_count(&a->sims) + intern_count(&a->subs);
}

static void hs_order(struct hs_order *o, const struct anom *a, int by_sim,
		     size_t nkeys)
{
	const struct arec *r = a->r;
	size_t n = a->n;
	size_t *start = xcalloc(nkeys + 1, sizeof(*start));
	size_t m = 0;
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < n; i++)
		if (r[i].hs != ANOM_NONE) {
			start[(by_sim ? sim_dense(a, r[i].sim) : r[i].hs) + 1]++;
			m++;
		}
	for (size_t k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	if (n <= UINT32_MAX)
		o->o32 = xcalloc(m ? m : 1, sizeof(*o->o32));
	else
		o->o64 = xcalloc(m ? m : 1, sizeof(*o->o64));
	size_t *next = xcalloc(nkeys + 1, sizeof(*next));
	memcpy(next, start, (nkeys + 1) * sizeof(*next));
	for (size_t i = 0; i < n; i++) {
		if (r[i].hs == ANOM_NONE)
			continue;
		size_t p = next[by_sim ? sim_dense(a, r[i].sim) : r[i].hs]++;
		if (o->o32)
			o->o32[p] = (uint32_t)i;
		else
			o->o64[p] = i;
	}
	ord_base = r;
	ord_by_sim = by_sim;
	for (size_t k = 0; k < nkeys; k++) {
		size_t lo = start[k], c = start[k + 1] - lo;
		if (c < 2)
			continue;
		if (o->o32)
			qsort_unsorted(o->o32 + lo, c, sizeof(*o->o32),
				       cmp_ord32);
		else
			qsort_unsorted(o->o64 + lo, c, sizeof(*o->o64),
				       cmp_ord64);
	}
	ord_base = NULL;
	o->m = m;
	free(next);
	free(start);
}

static int cmp_badref(const void *pa, const void *pb);

/* Subscriber, IMEI and call ids become ranks in byte order (new sets,
   same order), records sorted: the canonical state. */
static void canonical(struct anom *a)
{
	if (a->finished)
		return;
	size_t ns, nm;
	uint32_t *rank = intern_sort(&a->subs, &ns);
	uint32_t *mrank = intern_sort(&a->imeis, &nm);
	struct anom_calls_map cm;
	anom_calls_rank(a->calls, &cm);
	uint32_t *hrank = intern_sort(&a->handsets, NULL);
	uint32_t *srank = intern_sort(&a->sims, NULL);
	for (size_t i = 0; i < a->n; i++) {
		struct arec *x = &a->r[i];
		x->sub = rank[x->sub];
		anom_calls_remap(&cm, x);
		if (x->hs != ANOM_NONE) {
			x->hs = hrank[x->hs];
			x->sim = x->sim & SIM_SUB ? SIM_SUB | x->sub :
				 srank[x->sim];
		}
	}
	free(hrank);
	free(srank);
	anom_calls_map_free(&cm);
	for (size_t i = 0; i < a->nd; i++) {
		a->d[i].sub = rank[a->d[i].sub];
		if (a->d[i].flags & AF_BADIMEI)
			a->d[i].imei = mrank[a->d[i].imei];
	}
	for (size_t i = 0; i < a->nb; i++) {
		a->b[i].sub = rank[a->b[i].sub];
		a->b[i].imei = mrank[a->b[i].imei];
	}
	free(rank);
	free(mrank);
	/* no more records come: give back the growth slack (up to a third
	   of each array) before the sorts and the report allocate theirs */
	if (a->alloc > a->n && a->n) {
		a->r = xreallocarray(a->r, a->n, sizeof(*a->r));
		a->alloc = a->n;
	}
	/* Subscriber ids are ranks in byte order now: the canonical state */
	sort_records(a->r, a->n, ns);
	if (a->nd)
		qsort(a->d, a->nd, sizeof(*a->d), cmp_rec);
	if (a->nb)
		qsort(a->b, a->nb, sizeof(*a->b), cmp_badref);
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

static void ev_add(struct buf *b, struct runfacts *rf, uint32_t input,
		   uint64_t line)
{
	const char *path = input < rf->n && rf->in[input].path ?
			   rf->in[input].path : "-";
	if (b->len)
		buf_addch(b, ' ');
	buf_addf(b, "%s:%llu", path, (unsigned long long)line);
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

/* Whether 'x' came so long after 'prev' that no distance could give a
   speed above the limit: no two places on Earth are more than 20015.1
   km apart (pi R), so the distance need not be computed. */
static int beyond_reach(const struct anom_opts *o, const struct arec *prev,
			const struct arec *x)
{
	int64_t dt = x->t - prev->t;
	return dt > 0 &&
	       (double)dt / 3600000.0 * (double)o->speed_kmh >= 20016.0;
}

static void travel(struct anom *a, struct runfacts *rf, struct table *t,
		  size_t lo, size_t hi, struct buf *sc, struct buf *de,
		  struct buf *ev, const struct arec ***tie, size_t *tie_alloc)
{
	const struct arec *prev = NULL;
	size_t len;
	const char *sub;
	for (size_t i0 = lo, i1; i0 < hi; i0 = i1) {
		/* a run of one start: in cmp_travel order */
		size_t m = 0;
		for (i1 = i0; i1 < hi && a->r[i1].t == a->r[i0].t; i1++)
			if (a->r[i1].flags & AF_POS) {
				VEC_GROW(*tie, m + 1, *tie_alloc);
				(*tie)[m++] = &a->r[i1];
			}
		if (m > 1)
			qsort(*tie, m, sizeof(**tie), cmp_travel);
		for (size_t q = 0; q < m; q++) {
		const struct arec *x = (*tie)[q];
		if (prev && !beyond_reach(&a->o, prev, x)) {
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
				ev_add(ev, rf, prev->input, prev->line);
				ev_add(ev, rf, x->input, x->line);
				flag(t, AK_TRAVEL, sub, len, prev->t, x->t, sc,
				     de, ev);
			}
		}
		prev = x;
		}
	}
}

static void duration(struct anom *a, struct runfacts *rf, struct table *t,
		     const struct drec *x, struct buf *sc, struct buf *de,
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
	ev_add(ev, rf, x->input, x->line);
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
	uint64_t total = hi - lo; /* every record of the subscriber */
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
	size_t n = a->nb;
	if (!n)
		return;
	const struct badref *b = a->b; /* sorted by cmp_badref */
	struct evref *e = xcalloc(n, sizeof(*e));
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
	free(e);
}

/* The SIM 'sim' as shown: "imsi X" or "subscriber X". */
static void add_sim(struct buf *b, const struct anom *a, uint32_t sim)
{
	size_t len;
	const char *s;
	if (sim & SIM_SUB) {
		s = intern_str(&a->subs, sim & ~SIM_SUB, &len);
		buf_adds(b, "subscriber ");
	} else {
		s = intern_str(&a->sims, sim, &len);
		buf_adds(b, "imsi ");
	}
	buf_add(b, s, len);
}

/*
 * imei, one facet: 'h' sorted by group (handset, or SIM with by_sim) then
 * start; per group the window of starts within the window length holding
 * the most distinct others (the earliest such), flagged when they reach
 * 'min'. Evidence: the first record of each other in the window.
 */
static void imei_facet(struct anom *a, struct runfacts *rf, struct table *t,
		       const struct hs_order *ord, int by_sim,
		       uint64_t min, struct buf *sc, struct buf *de,
		       struct buf *ev)
{
	size_t nother = by_sim ? intern_count(&a->handsets) : sim_count(a);
	uint32_t *cnt = xcalloc(nother ? nother : 1, sizeof(*cnt));
	int64_t w = (int64_t)a->o.imei_days * 86400000;
	const struct arec *h = a->r;
	size_t nh = ord->m;
#define AT(i) h[ORD_AT(ord, i)]
#define GROUP(x) (by_sim ? (x).sim : (x).hs)
#define OTHER(x) (by_sim ? (x).hs : (uint32_t)sim_dense(a, (x).sim))
#define OTHER_RAW(x) (by_sim ? (x).hs : (x).sim)
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
				ids[ne++] = OTHER_RAW(AT(i));
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
				add_sim(de, a, ids[i]);
			}
		}
		ev_list(ev, rf, e, ne);
		size_t len;
		const char *ent;
		enum ident_kind ik = ID_IMEI; /* a handset: 14 digits */
		if (by_sim) {
			uint32_t sim = AT(lo).sim;
			ent = sim & SIM_SUB ?
			      intern_str(&a->subs, sim & ~SIM_SUB, &len) :
			      intern_str(&a->sims, sim, &len);
			ik = sim & SIM_SUB ? ID_NUMBER : ID_IMSI;
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
#undef OTHER_RAW
	free(cnt);
}

static void imei_detect(struct anom *a, struct runfacts *rf, struct table *t,
			struct buf *sc, struct buf *de, struct buf *ev)
{
	struct hs_order o;
	/* by handset, then by SIM: 4 bytes a record of indexes each, one
	   at a time */
	hs_order(&o, a, 0, intern_count(&a->handsets));
	imei_facet(a, rf, t, &o, 0, a->o.imei_sims, sc, de, ev);
	free(o.o32);
	free(o.o64);
	hs_order(&o, a, 1, sim_count(a));
	imei_facet(a, rf, t, &o, 1, a->o.imei_handsets, sc, de, ev);
	free(o.o32);
	free(o.o64);
}

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct anom *a = state;
	struct buf sc = BUF_INIT, de = BUF_INIT, ev = BUF_INIT;
	const struct arec **tie = NULL;
	size_t tie_alloc = 0;
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
			anom_calls_report(a->calls, &a->subs, a->r, a->n,
					  &a->o, k, rf, t, &sc, &de, &ev);
			continue;
		}
		if (k == AK_SPIKE || k == AK_GAP) {
			struct series_src src = { a->r, a->n, &a->subs };
			series_report(a->ser, k, rf, t, &src);
			continue;
		}
		if (k == AK_DURATION) {
			for (size_t i = 0; i < a->nd; i++)
				duration(a, rf, t, &a->d[i], &sc, &de, &ev);
			continue;
		}
		for (size_t lo = 0, hi; lo < a->n; lo = hi) {
			for (hi = lo + 1; hi < a->n && a->r[hi].sub == a->r[lo].sub;
			     hi++)
				;
			if (k == AK_TRAVEL)
				travel(a, rf, t, lo, hi, &sc, &de, &ev, &tie,
				       &tie_alloc);
			else if (k == AK_NIGHT)
				night(a, rf, t, lo, hi, &sc, &de, &ev);
		}
	}
	free(tie);
	buf_release(&sc);
	buf_release(&de);
	buf_release(&ev);
	return 0;
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
	partial_put_strings(w, &a->subs);
	partial_put_strings(w, &a->imeis);
	partial_put_strings(w, &a->handsets);
	partial_put_strings(w, &a->sims);
	partial_put_uvarint(w, a->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct arec *x = &a->r[i];
		partial_put_uvarint(w, x->sub);
		partial_put_uvarint(w, x->input);
		partial_put_uvarint(w, x->line);
		partial_put_svarint(w, x->t);
		partial_put_svarint(w, x->dur);
		partial_put_uvarint(w, x->flags);
		partial_put_uvarint(w, x->meta);
		partial_put_uvarint(w, x->peer == ANOM_NONE ? 0 :
				    (uint64_t)x->peer + 1);
		partial_put_uvarint(w, x->cell == ANOM_NONE ? 0 :
				    (uint64_t)x->cell + 1);
		partial_put_uvarint(w, x->op == ANOM_NONE ? 0 :
				    (uint64_t)x->op + 1);
		if (x->flags & AF_POS) {
			partial_put_svarint(w, x->lat);
			partial_put_svarint(w, x->lon);
		}
		if (x->flags & AF_RANGE)
			partial_put_uvarint(w, x->range8);
		if (x->flags & AF_SPIKE)
			partial_put_svarint(w, x->day);
		partial_put_uvarint(w, x->hs == ANOM_NONE ? 0 :
				    (uint64_t)x->hs + 1);
		if (x->hs != ANOM_NONE)
			partial_put_uvarint(w, x->sim);
	}
	partial_put_uvarint(w, a->nd);
	for (size_t i = 0; i < a->nd; i++) {
		const struct drec *x = &a->d[i];
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
		partial_put_uvarint(w, x->imei);
		partial_put_uvarint(w, x->range8);
	}
	partial_put_uvarint(w, a->nb);
	for (size_t i = 0; i < a->nb; i++) {
		const struct badref *x = &a->b[i];
		partial_put_uvarint(w, x->imei);
		partial_put_uvarint(w, x->sub);
		partial_put_uvarint(w, x->input);
		partial_put_uvarint(w, x->line);
		partial_put_svarint(w, x->t);
	}
	partial_section_end(w);
	anom_calls_save(a->calls, &a->o, w);
	series_save(a->ser, w);
}

/* An optional id saved as id + 1: ANOM_NONE for 0; 'bad' set past 'n'. */
static uint32_t get_opt(struct partial_reader *r, uint64_t n, int *bad)
{
	uint64_t v = partial_get_uvarint(r);
	if (!v)
		return ANOM_NONE;
	if (v > n)
		*bad = 1;
	return (uint32_t)(v - 1);
}

#define T_OK(x) ((x) >= -(INT64_MAX / 4) && (x) <= INT64_MAX / 4)
#define LAT_OK(x) ((x) >= -90000000 && (x) <= 90000000)
#define LON_OK(x) ((x) >= -180000000 && (x) <= 180000000)

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct anom *a = state;
	struct partial_reader r;
	uint64_t np, nc, no;
	/* the call sets first: the records name their ids */
	if (anom_calls_load(a->calls, &a->o, pf, d) < 0)
		return -1;
	anom_calls_counts(a->calls, &np, &nc, &no);
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
	uint64_t ns = r.failed ? 0 : partial_get_strings(&r, &a->subs, 1);
	uint64_t nm = r.failed ? 0 : partial_get_strings(&r, &a->imeis, 0);
	uint64_t nhs = r.failed ? 0 : partial_get_strings(&r, &a->handsets, 0);
	uint64_t nsim = r.failed ? 0 : partial_get_strings(&r, &a->sims, 0);
	uint64_t n = r.failed ? 0 : partial_get_count(&r, 11);
	if (!r.failed)
		VEC_GROW(a->r, (size_t)n, a->alloc);
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		struct arec x;
		int bad = 0;
		memset(&x, 0, sizeof(x));
		uint64_t sub = partial_get_uvarint(&r);
		uint64_t input = partial_get_uvarint(&r);
		x.line = partial_get_uvarint(&r);
		x.t = partial_get_svarint(&r);
		x.dur = partial_get_svarint(&r);
		uint64_t flags = partial_get_uvarint(&r);
		uint64_t meta = partial_get_uvarint(&r);
		x.peer = get_opt(&r, np, &bad);
		x.cell = get_opt(&r, nc, &bad);
		x.op = get_opt(&r, no, &bad);
		int64_t lat = flags & AF_POS ? partial_get_svarint(&r) : 0;
		int64_t lon = flags & AF_POS ? partial_get_svarint(&r) : 0;
		uint64_t range8 = flags & AF_RANGE ? partial_get_uvarint(&r) : 0;
		int64_t day = flags & AF_SPIKE ? partial_get_svarint(&r) : 0;
		uint64_t hs1 = partial_get_uvarint(&r);
		uint64_t sim = hs1 ? partial_get_uvarint(&r) : 0;
		if (hs1 > nhs || sim > UINT32_MAX || (hs1 && (sim & SIM_SUB ?
					   (sim & ~(uint64_t)SIM_SUB) != sub :
					   sim >= nsim)))
			bad = 1;
		x.hs = hs1 ? (uint32_t)(hs1 - 1) : ANOM_NONE;
		x.sim = hs1 ? (uint32_t)sim : ANOM_NONE;
		if (bad || sub >= ns || input >= ninputs || flags > 255 ||
		    meta > UINT32_MAX || (meta & 7u) > TYPE_OTHER ||
		    ((meta >> 3) & 3u) > DIR_UNKNOWN || !LAT_OK(lat) ||
		    !LON_OK(lon) || range8 > UINT16_MAX ||
		    ((flags & AF_RANGE) && !(flags & AF_POS)) ||
		    day < -8000000 || day > 8000000 || !T_OK(x.t) ||
		    !T_OK(x.dur)) {
			r.failed = 1;
			break;
		}
		x.sub = (uint32_t)sub;
		x.input = (uint32_t)input;
		x.flags = (uint16_t)flags;
		x.meta = (uint32_t)meta;
		x.lat = (int32_t)lat;
		x.lon = (int32_t)lon;
		x.range8 = (uint16_t)range8;
		x.day = (int32_t)day;
		a->r[a->n++] = x;
	}
	uint64_t nd = r.failed ? 0 : partial_get_count(&r, 12);
	if (!r.failed)
		VEC_GROW(a->d, (size_t)nd, a->dalloc);
	for (uint64_t i = 0; i < nd && !r.failed; i++) {
		struct drec x;
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
		uint64_t imei = partial_get_uvarint(&r);
		uint64_t range8 = partial_get_uvarint(&r);
		if (sub >= ns || input >= ninputs || !LAT_OK(lat) ||
		    !LON_OK(lon) || x.flags > 63 || !(x.flags & AF_DUR) ||
		    ((x.flags & AF_BADIMEI) ? imei >= nm : imei != 0) ||
		    range8 > UINT16_MAX || !T_OK(x.t) ||
		    x.end < -(INT64_MAX / 4000) || x.end > INT64_MAX / 4000 ||
		    !T_OK(x.dur)) {
			r.failed = 1;
			break;
		}
		x.sub = (uint32_t)sub;
		x.input = (uint32_t)input;
		x.lat = (int32_t)lat;
		x.lon = (int32_t)lon;
		x.imei = (uint32_t)imei;
		x.range8 = (uint16_t)range8;
		a->d[a->nd++] = x;
	}
	uint64_t nb = r.failed ? 0 : partial_get_count(&r, 5);
	if (!r.failed)
		VEC_GROW(a->b, (size_t)nb, a->balloc);
	for (uint64_t i = 0; i < nb && !r.failed; i++) {
		struct badref x;
		uint64_t imei = partial_get_uvarint(&r);
		uint64_t sub = partial_get_uvarint(&r);
		uint64_t input = partial_get_uvarint(&r);
		x.line = partial_get_uvarint(&r);
		x.t = partial_get_svarint(&r);
		if (imei >= nm || sub >= ns || input >= ninputs || !T_OK(x.t)) {
			r.failed = 1;
			break;
		}
		x.imei = (uint32_t)imei;
		x.sub = (uint32_t)sub;
		x.input = (uint32_t)input;
		a->b[a->nb++] = x;
	}
	if (partial_reader_finish(&r, pf, d) < 0)
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
