/*
 * geo.c - the geo analysis (see geo.h). The state is exact and mergeable:
 * the distinct positions (key: the bits of lat and lon) with their record
 * counts, first and last seen, and local-hour histogram, plus the sets of
 * (position, subscriber) and (position, cell) pairs, from which distinct
 * subscribers and cells per cluster are counted after clustering.
 *
 * Memory, for a million distinct positions (GPS-like data: a few records
 * each). A position is 32 bytes (struct gpos): the hours of its first
 * HOURS_INLINE timed records are kept in it, and only a position with
 * more gets the 24 counters, in a side table (towers: every position
 * there; few positions). Subscribers and cells are interned once each;
 * a pair is the 64-bit key (position id, value id) in an open-addressing
 * set, 8 bytes a slot, instead of a string of the 16 key bytes and the
 * value. What a cluster reports (centroid, radii, counts, hours) is
 * computed after clustering, from these. The partial section's bytes do
 * not depend on this layout (op_save).
 */
#include "geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "dbscan.h"
#include "geodesy.h"
#include "hull.h"
#include "intern.h"
#include "kdist.h"
#include "pipeline.h"
#include "runfacts.h"
#include "table.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

#define KEYLEN 16

/*
 * A position's local-hour histogram: the hours of up to HOURS_INLINE timed
 * records in h[] (nh of them), or, once there are more, nh HOURS_SPILLED
 * and h[0..3] the index of its 24 counters in the side table.
 */
#define HOURS_INLINE 7
#define HOURS_SPILLED 0xff

struct gpos {
	uint64_t weight;
	int64_t first, last;   /* INT64_MAX / INT64_MIN when untimed */
	uint8_t h[HOURS_INLINE];
	uint8_t nh;
};

struct hours24 {
	uint64_t c[24];
};

/* A set of 64-bit keys (position id << 32 | value id): open addressing,
   linear probing, a slot holds key + 1 (0: empty). */
struct pset {
	uint64_t *slot;
	size_t mask, n;
};

struct geo {
	struct geo_opts o;
	int have_opts;
	const struct tz *tz;
	struct intern pos;     /* KEYLEN-byte keys -> index into p */
	struct gpos *p;
	size_t palloc;
	struct hours24 *hx;    /* spilled hour histograms */
	size_t nhx, hxalloc;
	struct intern subnames, cellnames; /* value -> value id */
	struct pset subs;      /* (position, subscriber) pairs */
	struct pset cells;     /* (position, cell) pairs */
	uint64_t records, nopos;
	uint32_t shown;        /* report: the columns shown (the run facts'
				  --columns, of a run or a merge), 0: all */
};

int geo_parse_distance(const char *s, double *m)
{
	char *end;
	double v = strtod(s, &end);
	double mul = 1;
	if (end == s || !(v > 0) || !isfinite(v))
		return -1;
	if (!strcmp(end, "km"))
		mul = 1000;
	else if (*end && strcmp(end, "m"))
		return -1;
	*m = v * mul;
	return 0;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void pset_grow(struct pset *s)
{
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

/* 1 when 'key' was not in the set (it is now) */
static int pset_add(struct pset *s, uint64_t key)
{
	if (!s->slot || (s->n + 1) * 4 > (s->mask + 1) * 3)
		pset_grow(s);
	size_t j = mix64(key) & s->mask;
	while (s->slot[j]) {
		if (s->slot[j] == key + 1)
			return 0;
		j = (j + 1) & s->mask;
	}
	s->slot[j] = key + 1;
	s->n++;
	return 1;
}

static void pset_release(struct pset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

#define PSET_EACH(s, i, key)                                                 \
	for (size_t i = 0; (s)->slot && i <= (s)->mask; i++)                  \
		if ((s)->slot[i] && ((key) = (s)->slot[i] - 1, 1))

static uint64_t *hours_ext(const struct geo *g, const struct gpos *p)
{
	uint32_t x;
	memcpy(&x, p->h, sizeof(x));
	return g->hx[x].c;
}

/* 'n' records of 'p' at local hour 'hour' */
static void hours_add(struct geo *g, struct gpos *p, unsigned hour,
		      uint64_t n)
{
	if (p->nh != HOURS_SPILLED && n <= (uint64_t)(HOURS_INLINE - p->nh)) {
		while (n--)
			p->h[p->nh++] = (uint8_t)hour;
		return;
	}
	if (p->nh != HOURS_SPILLED) {
		VEC_GROW(g->hx, g->nhx + 1, g->hxalloc);
		struct hours24 *e = &g->hx[g->nhx];
		memset(e, 0, sizeof(*e));
		for (unsigned i = 0; i < p->nh; i++)
			e->c[p->h[i]]++;
		uint32_t x = (uint32_t)g->nhx++;
		memcpy(p->h, &x, sizeof(x));
		p->nh = HOURS_SPILLED;
	}
	hours_ext(g, p)[hour] += n;
}

/* add the histogram of 'p' to 'c' */
static void hours_sum(const struct geo *g, const struct gpos *p, uint64_t *c)
{
	if (p->nh == HOURS_SPILLED) {
		const uint64_t *e = hours_ext(g, p);
		for (int h = 0; h < 24; h++)
			c[h] += e[h];
		return;
	}
	for (unsigned i = 0; i < p->nh; i++)
		c[p->h[i]]++;
}

static void make_key(double lat, double lon, char *k)
{
	lat += 0.0; /* -0 as +0 */
	lon += 0.0;
	memcpy(k, &lat, 8);
	memcpy(k + 8, &lon, 8);
}

static void key_pos(const char *k, double *lat, double *lon)
{
	memcpy(lat, k, 8);
	memcpy(lon, k + 8, 8);
}

static uint32_t pos_put(struct geo *g, const char *k)
{
	int added = 0;
	uint32_t id = intern_put(&g->pos, k, KEYLEN, &added);
	if (added) {
		VEC_GROW(g->p, (size_t)id + 1, g->palloc);
		memset(&g->p[id], 0, sizeof(g->p[id]));
		g->p[id].first = INT64_MAX;
		g->p[id].last = INT64_MIN;
	}
	return id;
}

enum {
	GC_CLUSTER, GC_LAT, GC_LON, GC_RADIUS_MAX, GC_RADIUS_P90,
	GC_RECORDS, GC_SUBS, GC_CELLS, GC_FIRST, GC_LAST, GC_HOURS,
	GC_POSITIONS, GC_NCOLS,
	GC_GEOMETRY = GC_NCOLS /* --hulls only: GeoJSON geometry, for cmd/ */
};

static const struct table_col geo_columns[GC_NCOLS + 1] = {
	{ "cluster", COL_KEY }, { "lat", COL_LAT }, { "lon", COL_LON },
	{ "radius_m", COL_COUNT }, { "radius90_m", COL_COUNT },
	{ "records", COL_COUNT }, { "subscribers", COL_COUNT },
	{ "cells", COL_COUNT }, { "first_seen", COL_TIMESTAMP },
	{ "last_seen", COL_TIMESTAMP }, { "busiest_hours", COL_TEXT },
	{ "positions", COL_COUNT },
	/* a key, not free text: pseudonyms leave its digits alone */
	{ "geometry", COL_KEY },
};

/* 1 when column 'c' is shown under mask 'mask' (0: every column) */
static int shown(uint32_t mask, int c)
{
	return !mask || (mask & (uint32_t)1 << c);
}

size_t geo_columns_parse(const char *list, size_t *out, struct buf *msg)
{
	return table_columns_parse(geo_columns, GC_NCOLS, list, out, msg,
				   "geo");
}

uint32_t geo_suppress_needs(void)
{
	return (uint32_t)1 << GC_RECORDS | (uint32_t)1 << GC_SUBS;
}

uint32_t geo_columns_mask(const size_t *cols, size_t n)
{
	uint32_t m = 0;
	for (size_t i = 0; i < n; i++)
		m |= (uint32_t)1 << cols[i];
	return m;
}

static uint64_t op_needs(const struct analysis_opts *o)
{
	(void)o;
	return FIELD_BIT(F_LAT) | FIELD_BIT(F_LON) | FIELD_BIT(F_START) |
	       FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_CELL);
}

static void op_options_key(const struct analysis_opts *o, struct buf *b)
{
	const struct geo_opts *g = o ? o->own : NULL;
	if (!g)
		return;
	buf_addf(b, "eps=%.17g;min-records=%llu;border=%s", g->eps_m,
		 (unsigned long long)g->min_records,
		 g->border_none ? "none" : "nearest");
	if (g->k_distance)
		buf_addf(b, ";k-distance=%llu", (unsigned long long)g->k_distance);
}

static void *op_create(const struct analysis_opts *o)
{
	struct geo *g = xcalloc(1, sizeof(*g));
	g->tz = o ? o->tz : NULL;
	if (o && o->own) {
		g->o = *(const struct geo_opts *)o->own;
		g->have_opts = 1;
	}
	return g;
}

static void op_destroy(void *state)
{
	struct geo *g = state;
	if (!g)
		return;
	intern_release(&g->pos);
	intern_release(&g->subnames);
	intern_release(&g->cellnames);
	pset_release(&g->subs);
	pset_release(&g->cells);
	free(g->hx);
	free(g->p);
	free(g);
}

static void *op_feed_new(void *state)
{
	struct geo *s = state;
	struct geo *g = xcalloc(1, sizeof(*g));
	g->tz = s->tz;
	g->o = s->o;
	g->have_opts = s->have_opts;
	return g;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static void pair_put(struct pset *set, struct intern *names, uint32_t pos,
		     const char *v, size_t len)
{
	uint32_t id = intern_put(names, v, len, NULL);
	if (id != UINT32_MAX) /* longer than any value can be */
		pset_add(set, (uint64_t)pos << 32 | id);
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct geo *g = feed;
	(void)pin;
	g->records++;
	if (!record_has(r, F_LAT) || !record_has(r, F_LON)) {
		g->nopos++;
		return;
	}
	double lat = r->v[F_LAT].d, lon = r->v[F_LON].d;
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
		g->nopos++;
		return;
	}
	char k[KEYLEN];
	make_key(lat, lon, k);
	uint32_t id = pos_put(g, k);
	struct gpos *p = &g->p[id];
	p->weight++;
	if (record_has(r, F_START)) {
		int64_t t = r->v[F_START].i;
		if (t < p->first)
			p->first = t;
		if (t > p->last)
			p->last = t;
		/* kept whatever is shown: a partial's hours say which
		   positions are timed */
		int64_t local = t + (int64_t)tz_offset_at(g->tz, t) * 1000;
		int64_t h = floor_div(local, 3600000LL) % 24;
		hours_add(g, p, (unsigned)(h < 0 ? h + 24 : h), 1);
	}
	if (record_has(r, F_SUBSCRIBER) && shown(g->o.shown, GC_SUBS))
		pair_put(&g->subs, &g->subnames, id, r->v[F_SUBSCRIBER].s.s,
			 r->v[F_SUBSCRIBER].s.len);
	if (record_has(r, F_CELL) && shown(g->o.shown, GC_CELLS))
		pair_put(&g->cells, &g->cellnames, id, r->v[F_CELL].s.s,
			 r->v[F_CELL].s.len);
}

/* b's pairs into a's, b's position ids mapped by 'pmap' */
static void merge_pairs(struct pset *into, struct intern *inames,
			const struct pset *from, const struct intern *fnames,
			const uint32_t *pmap)
{
	uint32_t *vmap = intern_merge(inames, fnames);
	uint64_t key;
	PSET_EACH(from, i, key)
		pset_add(into, (uint64_t)pmap[key >> 32] << 32 |
				       vmap[key & 0xffffffff]);
	free(vmap);
}

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct geo *a = into, *b = from;
	(void)map;
	(void)d;
	if (!a->have_opts && b->have_opts) {
		a->o = b->o;
		a->have_opts = 1;
	}
	a->records += b->records;
	a->nopos += b->nopos;
	size_t nb = intern_count(&b->pos);
	uint32_t *pmap = xcalloc(nb ? nb : 1, sizeof(*pmap));
	for (size_t i = 0; i < nb; i++) {
		const char *k = intern_str(&b->pos, (uint32_t)i, NULL);
		uint32_t id = pos_put(a, k);
		struct gpos *p = &a->p[id], *q = &b->p[i];
		pmap[i] = id;
		p->weight += q->weight;
		if (q->first < p->first)
			p->first = q->first;
		if (q->last > p->last)
			p->last = q->last;
		if (q->nh == HOURS_SPILLED) {
			const uint64_t *e = hours_ext(b, q);
			for (unsigned h = 0; h < 24; h++)
				if (e[h])
					hours_add(a, p, h, e[h]);
		} else {
			for (unsigned j = 0; j < q->nh; j++)
				hours_add(a, p, q->h[j], 1);
		}
	}
	merge_pairs(&a->subs, &a->subnames, &b->subs, &b->subnames, pmap);
	merge_pairs(&a->cells, &a->cellnames, &b->cells, &b->cellnames, pmap);
	free(pmap);
	return 0;
}

static void op_feed_free(void *state, void *feed)
{
	op_merge(state, feed, NULL, NULL);
	op_destroy(feed);
}

/* ---- report ---- */

struct cagg {
	uint64_t positions, records, subs, cells;
	int64_t first, last;
	uint64_t hours[24];
};

/* distinct (cluster, value) pairs of a pair set, counted per cluster */
static void count_pairs(const struct pset *set, const uint32_t *cl,
			struct cagg *agg, int which)
{
	struct pset seen;
	memset(&seen, 0, sizeof(seen));
	uint64_t key;
	PSET_EACH(set, i, key) {
		uint32_t c = cl[key >> 32];
		if (pset_add(&seen, (uint64_t)c << 32 | (key & 0xffffffff))) {
			if (which)
				agg[c].cells++;
			else
				agg[c].subs++;
		}
	}
	pset_release(&seen);
}

/*
 * One row: cluster 'c' (1..), the noise row (c 0, no position), or with
 * 'one' a noise position of its own (wp[0], nwp 1).
 */
static void set_row(struct table *t, const struct geo *g, size_t c, int one,
		    const struct cagg *a, const struct geo_wpoint *wp,
		    size_t nwp, void *scratch)
{
	int radii = shown(g->shown, GC_RADIUS_MAX) ||
		    shown(g->shown, GC_RADIUS_P90);
	size_t row = table_add_row(t);
	char id[24];
	int n = c ? snprintf(id, sizeof(id), "%zu", c) :
		    snprintf(id, sizeof(id), "noise");
	table_set_text(t, row, GC_CLUSTER, id, (size_t)n);
	double clat = 0, clon = 0;
	int centred = 0;
	if (one && nwp == 1) {
		clat = wp[0].lat;
		clon = wp[0].lon;
		centred = 1;
	} else if (c && nwp) {
		centred = geo_centroid(wp, nwp, &clat, &clon) == 0;
	}
	if (centred) {
		double mx = 0, p90 = 0;
		if (radii) /* the costly part of a row: a distance each */
			geo_radii(wp, nwp, clat, clon, scratch, &mx, &p90);
		table_set_i64(t, row, GC_LAT, (int64_t)llround(clat * 1e6));
		table_set_i64(t, row, GC_LON, (int64_t)llround(clon * 1e6));
		table_set_u64(t, row, GC_RADIUS_MAX, (uint64_t)llround(mx));
		table_set_u64(t, row, GC_RADIUS_P90, (uint64_t)llround(p90));
		if (g->o.hulls) {
			struct buf gj = BUF_INIT;
			hull_geojson(wp, nwp, clat, clon, &gj);
			table_set_text(t, row, GC_GEOMETRY, gj.data, gj.len);
			buf_release(&gj);
		}
	} else {
		table_set_blank(t, row, GC_LAT);
		table_set_blank(t, row, GC_LON);
		table_set_blank(t, row, GC_RADIUS_MAX);
		table_set_blank(t, row, GC_RADIUS_P90);
	}
	table_set_u64(t, row, GC_POSITIONS, a->positions);
	table_set_u64(t, row, GC_RECORDS, a->records);
	table_set_u64(t, row, GC_SUBS, a->subs);
	table_set_u64(t, row, GC_CELLS, a->cells);
	if (a->first <= a->last) {
		table_set_i64(t, row, GC_FIRST, a->first);
		table_set_i64(t, row, GC_LAST, a->last);
	} else {
		table_set_blank(t, row, GC_FIRST);
		table_set_blank(t, row, GC_LAST);
	}
	/* the busiest hours: up to three with the most records, most first,
	   ties by the earlier hour */
	char txt[16];
	size_t tl = 0;
	int used[24] = { 0 };
	for (int k = 0; k < 3; k++) {
		int best = -1;
		for (int h = 0; h < 24; h++)
			if (!used[h] && a->hours[h] &&
			    (best < 0 || a->hours[h] > a->hours[best]))
				best = h;
		if (best < 0)
			break;
		used[best] = 1;
		tl += (size_t)snprintf(txt + tl, sizeof(txt) - tl, "%s%02d",
				       k ? "," : "", best);
	}
	table_set_text(t, row, GC_HOURS, txt, tl);
}

/* --noise: the noise positions, most records first, then by (lat, lon) */
struct noise_pos {
	uint64_t weight;
	double lat, lon;
	size_t i;
};

static int cmp_noise(const void *pa, const void *pb)
{
	const struct noise_pos *a = pa, *b = pb;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if (a->lat != b->lat)
		return a->lat < b->lat ? -1 : 1;
	return a->lon < b->lon ? -1 : a->lon > b->lon;
}

/* distinct values per noise position of a pair set (pairs are distinct) */
static void count_noise_pairs(const struct pset *set, const uint32_t *cl,
			      uint64_t *cnt)
{
	uint64_t key;
	PSET_EACH(set, i, key)
		if (!cl[key >> 32])
			cnt[key >> 32]++;
}

static void noise_rows(struct table *t, const struct geo *g,
		       const struct dbscan_point *pts, size_t n,
		       const uint32_t *cl, void *scratch)
{
	struct noise_pos *np = xcalloc(n ? n : 1, sizeof(*np));
	uint64_t *subs = xcalloc(n ? n : 1, sizeof(*subs));
	uint64_t *cells = xcalloc(n ? n : 1, sizeof(*cells));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!cl[i]) {
			np[m].weight = pts[i].weight;
			np[m].lat = pts[i].lat;
			np[m].lon = pts[i].lon;
			np[m++].i = i;
		}
	qsort(np, m, sizeof(*np), cmp_noise);
	count_noise_pairs(&g->subs, cl, subs);
	count_noise_pairs(&g->cells, cl, cells);
	for (size_t k = 0; k < m; k++) {
		size_t i = np[k].i;
		const struct gpos *p = &g->p[i];
		struct cagg a;
		memset(&a, 0, sizeof(a));
		a.positions = 1;
		a.records = p->weight;
		a.subs = subs[i];
		a.cells = cells[i];
		a.first = p->first;
		a.last = p->last;
		hours_sum(g, p, a.hours);
		struct geo_wpoint w = { pts[i].lat, pts[i].lon, pts[i].weight };
		set_row(t, g, 0, 1, &a, &w, 1, scratch);
	}
	free(cells);
	free(subs);
	free(np);
}

/*
 * --k-distance K: the k-distance of every distinct position (kdist.h),
 * reported as quantiles over the positions: for q, the smallest value v
 * such that at least q of the positions have a k-distance <= v (nearest
 * rank: the ceil(q n)-th smallest), with the number of positions whose
 * k-distance is <= v: those that are core at --eps v --min-records K.
 */
enum { GK_QUANTILE, GK_DIST, GK_CORE, GK_NCOLS };

static const struct table_col kd_columns[GK_NCOLS] = {
	{ "quantile", COL_KEY }, { "k_distance_m", COL_TEXT },
	{ "positions", COL_COUNT },
};

static int cmp_dbl(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

static void kd_report(const struct geo *g, const struct dbscan_point *pts,
		      size_t n, struct table *t)
{
	static const char *const qs[] = { "0", "0.05", "0.1", "0.25", "0.5",
					  "0.75", "0.9", "0.95", "0.99", "1" };
	table_init(t, kd_columns, GK_NCOLS);
	double *kd = xcalloc(n ? n : 1, sizeof(*kd));
	kdist_run(pts, n, g->o.k_distance, kd);
	qsort(kd, n, sizeof(*kd), cmp_dbl);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		size_t row = table_add_row(t);
		table_set_text(t, row, GK_QUANTILE, qs[i], strlen(qs[i]));
		double q = strtod(qs[i], NULL);
		size_t r = (size_t)ceil(q * (double)n - 1e-9);
		if (r < 1)
			r = 1;
		if (!n || kd[r - 1] < 0) {
			table_set_blank(t, row, GK_DIST);
			table_set_u64(t, row, GK_CORE, 0);
			continue;
		}
		double v = kd[r - 1];
		size_t c = r;
		while (c < n && kd[c] <= v)
			c++;
		char txt[48];
		int len = snprintf(txt, sizeof(txt), "%.1f", v);
		table_set_text(t, row, GK_DIST, txt, (size_t)len);
		table_set_u64(t, row, GK_CORE, c);
	}
	free(kd);
}

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct geo *g = state;
	size_t n = intern_count(&g->pos);
	const char *list = runfacts_option(rf, "--columns");
	size_t cols[GC_NCOLS], ncols = 0;
	g->shown = 0;
	if (list && *list && !g->o.k_distance) {
		struct buf msg = BUF_INIT;
		ncols = strlen(list) < 4096 ? geo_columns_parse(list, cols, &msg) : 0;
		if (!ncols) {
			diag_error(d, "the run's --columns is not a list of geo "
				   "columns: %s", buf_cstr(&msg));
			buf_release(&msg);
			return -1;
		}
		buf_release(&msg);
		g->shown = geo_columns_mask(cols, ncols);
	}
	struct dbscan_point *pts = xcalloc(n ? n : 1, sizeof(*pts));
	for (size_t i = 0; i < n; i++) {
		key_pos(intern_str(&g->pos, (uint32_t)i, NULL), &pts[i].lat,
			&pts[i].lon);
		pts[i].weight = g->p[i].weight;
	}
	if (g->o.k_distance) {
		kd_report(g, pts, n, t);
		free(pts);
		return 0;
	}
	table_init(t, geo_columns, g->o.hulls ? GC_NCOLS + 1 : GC_NCOLS);
	struct dbscan_opts o = { g->o.eps_m, g->o.min_records,
				 g->o.border_none };
	struct dbscan_result res;
	if (dbscan_run(pts, n, &o, &res) < 0) {
		diag_error(d, "geo: --eps or --min-records out of range");
		free(pts);
		return -1;
	}
	size_t nc = res.nclusters;
	struct cagg *agg = xcalloc(nc + 1, sizeof(*agg));
	for (size_t c = 0; c <= nc; c++) {
		agg[c].first = INT64_MAX;
		agg[c].last = INT64_MIN;
	}
	size_t *start = xcalloc(nc + 2, sizeof(*start));
	for (size_t i = 0; i < n; i++) {
		struct cagg *a = &agg[res.cluster[i]];
		struct gpos *p = &g->p[i];
		a->positions++;
		a->records += p->weight;
		if (p->first < a->first)
			a->first = p->first;
		if (p->last > a->last)
			a->last = p->last;
		hours_sum(g, p, a->hours);
		start[res.cluster[i] + 1]++;
	}
	/* empty when --columns did not collect them (op_add) */
	count_pairs(&g->subs, res.cluster, agg, 0);
	count_pairs(&g->cells, res.cluster, agg, 1);
	for (size_t c = 1; c <= nc + 1; c++)
		start[c] += start[c - 1];
	struct geo_wpoint *wp = xcalloc(n ? n : 1, sizeof(*wp));
	size_t *fill = xcalloc(nc + 1, sizeof(*fill));
	for (size_t i = 0; i < n; i++) {
		uint32_t c = res.cluster[i];
		struct geo_wpoint *w = &wp[start[c] + fill[c]++];
		w->lat = pts[i].lat;
		w->lon = pts[i].lon;
		w->weight = pts[i].weight;
	}
	void *scratch = xmalloc(geo_radii_scratch(n ? n : 1));
	for (size_t c = 1; c <= nc; c++)
		set_row(t, g, c, 0, &agg[c], wp + start[c],
			start[c + 1] - start[c], scratch);
	if (g->o.noise)
		noise_rows(t, g, pts, n, res.cluster, scratch);
	set_row(t, g, 0, 0, &agg[0], NULL, 0, scratch);
	if (g->nopos) {
		/* records without a usable position: counted, never dropped
		   silently */
		size_t row = table_add_row(t);
		table_set_text(t, row, GC_CLUSTER, "no_position", 11);
		for (size_t c = 1; c < GC_NCOLS; c++)
			table_set_blank(t, row, c);
		if (g->o.hulls)
			table_set_blank(t, row, GC_GEOMETRY);
		table_set_u64(t, row, GC_RECORDS, g->nopos);
	}
	free(scratch);
	free(fill);
	free(wp);
	free(start);
	free(agg);
	free(pts);
	dbscan_result_release(&res);
	if (ncols)
		table_show(t, cols, ncols);
	return 0;
}

/* ---- partial section GEOC ----
 *   u64 eps (bits of the double), uvarint min_records, u8 border_none,
 *   uvarint k_distance (0: clusters), uvarint records, nopos, positions; per position in ascending key
 *   bytes: 16 key bytes, uvarint weight, svarint first, last, 24 uvarint
 *   hours; then the two pair sets: uvarint count, then each key as a
 *   byte string, ascending.
 */
struct kv {
	const char *s;
	size_t len;
	uint32_t id;
};

static int cmp_kv(const void *pa, const void *pb)
{
	const struct kv *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static struct kv *sorted(const struct intern *set)
{
	size_t n = intern_count(set);
	struct kv *k = xcalloc(n ? n : 1, sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		k[i].s = intern_str(set, (uint32_t)i, &k[i].len);
		k[i].id = (uint32_t)i;
	}
	qsort(k, n, sizeof(*k), cmp_kv);
	return k;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

/*
 * A pair set as the byte strings (16 key bytes, then the value) it stood
 * for, ascending: all keys are 16 bytes, so that is the order of (the
 * position's rank among the keys, the value's rank among the values).
 * 'pk' are the positions sorted, 'prank' each position's rank.
 */
static void save_set(struct partial_writer *w, const struct pset *set,
		     const struct intern *names, const struct kv *pk,
		     const uint32_t *prank)
{
	size_t nv = intern_count(names);
	struct kv *vk = sorted(names);
	uint32_t *vrank = xcalloc(nv ? nv : 1, sizeof(*vrank));
	for (size_t i = 0; i < nv; i++)
		vrank[vk[i].id] = (uint32_t)i;
	uint64_t *keys = xcalloc(set->n ? set->n : 1, sizeof(*keys));
	size_t n = 0;
	uint64_t key;
	PSET_EACH(set, i, key)
		keys[n++] = (uint64_t)prank[key >> 32] << 32 |
			    vrank[key & 0xffffffff];
	qsort(keys, n, sizeof(*keys), cmp_u64);
	partial_put_uvarint(w, n);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const struct kv *v = &vk[keys[i] & 0xffffffff];
		buf_reset(&b);
		buf_add(&b, pk[keys[i] >> 32].s, KEYLEN);
		buf_add(&b, v->s, v->len);
		partial_put_bytes(w, b.data, b.len);
	}
	buf_release(&b);
	free(keys);
	free(vrank);
	free(vk);
}

static void op_save(void *state, struct partial_writer *w)
{
	struct geo *g = state;
	uint64_t eb;
	memcpy(&eb, &g->o.eps_m, 8);
	partial_section_begin(w, GEO_TAG);
	partial_put_u64(w, eb);
	partial_put_uvarint(w, g->o.min_records);
	partial_put_u8(w, (unsigned)g->o.border_none);
	partial_put_uvarint(w, g->o.k_distance);
	partial_put_uvarint(w, g->records);
	partial_put_uvarint(w, g->nopos);
	size_t n = intern_count(&g->pos);
	struct kv *k = sorted(&g->pos);
	uint32_t *rank = xcalloc(n ? n : 1, sizeof(*rank));
	partial_put_uvarint(w, n);
	for (size_t i = 0; i < n; i++) {
		const struct gpos *p = &g->p[k[i].id];
		uint64_t hours[24] = { 0 };
		rank[k[i].id] = (uint32_t)i;
		hours_sum(g, p, hours);
		partial_put_bytes(w, k[i].s, KEYLEN);
		partial_put_uvarint(w, p->weight);
		partial_put_svarint(w, p->first);
		partial_put_svarint(w, p->last);
		for (int h = 0; h < 24; h++)
			partial_put_uvarint(w, hours[h]);
	}
	save_set(w, &g->subs, &g->subnames, k, rank);
	save_set(w, &g->cells, &g->cellnames, k, rank);
	free(rank);
	free(k);
	partial_section_end(w);
}

static void load_set(struct partial_reader *r, struct geo *g,
		     struct pset *set, struct intern *names)
{
	uint64_t n = partial_get_count(r, 2);
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(r, &len);
		int64_t pos = p && len >= KEYLEN ?
			intern_get(&g->pos, (const char *)p, KEYLEN) : -1;
		if (pos < 0 || len - KEYLEN > INTERN_MAX_LEN) {
			r->failed = 1;
			break;
		}
		pair_put(set, names, (uint32_t)pos, (const char *)p + KEYLEN,
			 len - KEYLEN);
	}
}

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct geo *g = state;
	struct partial_reader r;
	(void)ninputs;
	if (partial_section(pf, GEO_TAG, &r) < 0) {
		diag_error(d, "not a usable partial file: no GEOC section");
		return -1;
	}
	uint64_t eb = partial_get_u64(&r);
	memcpy(&g->o.eps_m, &eb, 8);
	g->o.min_records = partial_get_uvarint(&r);
	g->o.border_none = (int)partial_get_u8(&r);
	g->o.k_distance = partial_get_uvarint(&r);
	g->have_opts = 1;
	if (!(g->o.eps_m > 0) || !(g->o.eps_m <= 0.5 * GEO_EARTH_RADIUS_M) ||
	    g->o.min_records < 1 || g->o.border_none > 1 ||
	    g->o.k_distance > 100000)
		r.failed = 1;
	g->records = partial_get_uvarint(&r);
	g->nopos = partial_get_uvarint(&r);
	if (g->nopos > g->records)
		r.failed = 1;
	uint64_t n = r.failed ? 0 : partial_get_count(&r, 28 + KEYLEN);
	uint64_t sum = g->nopos;
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		size_t len;
		const unsigned char *k = partial_get_bytes(&r, &len);
		double lat, lon;
		if (!k || len != KEYLEN) {
			r.failed = 1;
			break;
		}
		key_pos((const char *)k, &lat, &lon);
		int added = 0;
		uint32_t id = intern_put(&g->pos, (const char *)k, KEYLEN,
					 &added);
		if (!added || !(lat >= -90 && lat <= 90 && lon >= -180 &&
				lon <= 180)) {
			r.failed = 1;
			break;
		}
		VEC_GROW(g->p, (size_t)id + 1, g->palloc);
		struct gpos *p = &g->p[id];
		memset(p, 0, sizeof(*p));
		p->weight = partial_get_uvarint(&r);
		p->first = partial_get_svarint(&r);
		p->last = partial_get_svarint(&r);
		uint64_t hs = 0, hours[24];
		for (int h = 0; h < 24; h++) {
			hours[h] = partial_get_uvarint(&r);
			if (__builtin_add_overflow(hs, hours[h], &hs))
				r.failed = 1;
		}
		for (unsigned h = 0; h < 24 && !r.failed; h++)
			if (hours[h])
				hours_add(g, p, h, hours[h]);
		if (p->weight < 1 || hs > p->weight ||
		    (hs && p->first > p->last) ||
		    (!hs && (p->first != INT64_MAX || p->last != INT64_MIN)) ||
		    __builtin_add_overflow(sum, p->weight, &sum))
			r.failed = 1;
	}
	if (!r.failed && sum != g->records)
		r.failed = 1;
	if (!r.failed)
		load_set(&r, g, &g->subs, &g->subnames);
	if (!r.failed)
		load_set(&r, g, &g->cells, &g->cellnames);
	return partial_reader_finish(&r, pf, d);
}

const struct analysis_ops geo_analysis = {
	"geo", GEO_TAG, op_needs, op_options_key, op_create, op_feed_new,
	op_add, op_feed_free, op_merge, NULL, NULL, op_report, op_save,
	op_load, op_destroy, NULL,
};
