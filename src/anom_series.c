/*
 * anom_series.c - the spike and gap detectors of `cdrsift anomalies`
 * (anom_series.h; definitions and formulas in man/cdrsift.1, ANOMALIES).
 *
 * State:
 *   spike: by subscriber, the anomalies state's common records
 *     (anom_rec.h: AF_SPIKE and the local day, --tz), passed to the
 *     report; with --spike-by cell the cells, interned once, and one
 *     24-byte record per record with a start and a cell: cell id, local
 *     day, input, line, sorted at the end by (entity, day, input, line).
 *     Counts and evidence both come from these; the day table holds each
 *     local day's bounds in UTC.
 *   gap: one 56-byte bucket per (input, UTC hour) with records: the
 *     count, the UTC offset at the hour's start, and the first and the
 *     last record (start, line), kept in a hash while feeding and sorted
 *     by (input, hour) at the end. Memory grows with hours, not rows.
 * Everything merges by sums, minima and maxima, and is sorted before use,
 * so flags do not depend on the order of rows, files or -j; only the
 * evidence lines follow where equal records stand.
 *
 * Partial section ASER:
 *   uvarint spike_by, spike_min, spike_z, spike_holiday, spike_days,
 *     gap_min
 *   uvarint entities, each a byte string, ascending
 *   uvarint days, each svarint day, from, to (ms), ascending by day
 *   uvarint records (--spike-by cell), each uvarint entity, svarint
 *     day, uvarint input, line; in (entity, day, input, line) order
 *   uvarint buckets, each uvarint input, svarint hour, svarint offset (s),
 *     uvarint count, svarint first start, uvarint its line, svarint last
 *     start, uvarint its line; in (input, hour) order, no two alike
 */
#include "anom_series.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "anom_rec.h"
#include "intern.h"
#include "keysort.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

#define DAY_MS INT64_C(86400000)
#define HOUR_MS INT64_C(3600000)
/* bounds a loaded partial must keep (years -9999..9999 and more) */
#define DAY_MAX INT64_C(8000000)
#define HOUR_MAX (DAY_MAX * 24)
#define MS_MAX (INT64_MAX / 4)

struct srec {
	uint32_t ent;   /* entity id (rank after canonical) */
	int32_t day;    /* local day, days since 1970-01-01 */
	uint32_t input;
	uint64_t line;
};

struct sday {
	int64_t day, from, to; /* local day; its first instant and the next
				  day's, UTC ms */
};

struct hbucket {
	uint32_t input;
	int32_t off;          /* seconds east of UTC at the hour's start */
	int64_t hour;         /* UTC hour: floor(start / 3600000) */
	uint64_t count;
	int64_t tmin, tmax;   /* first and last start in the hour */
	uint64_t lmin, lmax;  /* their lines (on a tie the first line for
				 the first, the last for the last) */
};

struct series {
	struct anom_opts o;
	struct intern ents;
	struct srec *r;
	size_t n, alloc;
	struct sday *days;    /* ascending by day */
	size_t nday, day_alloc, day_last;
	struct hbucket *b;
	size_t nb, b_alloc;
	uint32_t *slot;       /* hash: bucket index + 1, or 0 */
	size_t mask;          /* slots - 1 */
	size_t b_last;        /* the bucket last used, + 1 */
};

void series_opts_init(struct anom_opts *o)
{
	o->spike_by = 0;
	o->spike_min = 50;
	o->spike_z = 600;
	o->spike_holiday = 250;
	o->spike_days = 7;
	o->gap_min = 5;
}

void series_options_key(const struct anom_opts *o, struct buf *b)
{
	buf_addf(b, " spike-by=%s spike-min=%llu spike-z=%llu.%02llu "
		 "spike-holiday=%llu.%02llu spike-days=%llu gap-min=%llu",
		 o->spike_by ? "cell" : "subscriber",
		 (unsigned long long)o->spike_min,
		 (unsigned long long)(o->spike_z / 100),
		 (unsigned long long)(o->spike_z % 100),
		 (unsigned long long)(o->spike_holiday / 100),
		 (unsigned long long)(o->spike_holiday % 100),
		 (unsigned long long)o->spike_days,
		 (unsigned long long)o->gap_min);
}

uint64_t series_needs(void)
{
	return FIELD_BIT(F_START) | FIELD_BIT(F_DATE) |
	       FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_CELL);
}

struct series *series_new(const struct anom_opts *o)
{
	struct series *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	return s;
}

void series_free(struct series *s)
{
	if (!s)
		return;
	intern_release(&s->ents);
	free(s->r);
	free(s->days);
	free(s->b);
	free(s->slot);
	free(s);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The index of 'day' in the day table, or where it would go. */
static size_t day_find(const struct series *s, int64_t day)
{
	size_t lo = 0, hi = s->nday;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void day_insert(struct series *s, const struct sday *d)
{
	size_t i = day_find(s, d->day);
	if (i < s->nday && s->days[i].day == d->day)
		return;
	VEC_GROW(s->days, s->nday + 1, s->day_alloc);
	memmove(s->days + i + 1, s->days + i,
		(s->nday - i) * sizeof(*s->days));
	s->days[i] = *d;
	s->nday++;
}

static void day_note(struct series *s, int64_t day, const struct tz *tz)
{
	if (s->day_last && s->days[s->day_last - 1].day == day)
		return;
	size_t i = day_find(s, day);
	if (i == s->nday || s->days[i].day != day) {
		struct sday d = { day, tz_local_to_utc(tz, day * DAY_MS),
				  tz_local_to_utc(tz, (day + 1) * DAY_MS) };
		day_insert(s, &d);
	}
	s->day_last = i + 1;
}

static size_t bucket_hash(uint32_t input, int64_t hour)
{
	uint64_t k = ((uint64_t)hour * UINT64_C(0x9e3779b97f4a7c15)) ^
		     ((uint64_t)input * UINT64_C(0xc2b2ae3d27d4eb4f));
	return (size_t)(k ^ (k >> 29));
}

static void slot_rebuild(struct series *s, size_t slots)
{
	free(s->slot);
	s->slot = xcalloc(slots, sizeof(*s->slot));
	s->mask = slots - 1;
	for (size_t i = 0; i < s->nb; i++) {
		size_t h = bucket_hash(s->b[i].input, s->b[i].hour) & s->mask;
		while (s->slot[h])
			h = (h + 1) & s->mask;
		s->slot[h] = (uint32_t)(i + 1);
	}
}

/* A hash of room for the buckets held and one more. */
static void slot_fit(struct series *s)
{
	size_t slots = 64;
	while (2 * (s->nb + 1) > slots)
		slots *= 2;
	slot_rebuild(s, slots);
}

/* The bucket of (input, hour), created empty when new. */
static struct hbucket *bucket_get(struct series *s, uint32_t input,
				  int64_t hour, const struct tz *tz)
{
	if (s->b_last) {
		struct hbucket *b = &s->b[s->b_last - 1];
		if (b->hour == hour && b->input == input)
			return b;
	}
	if (!s->slot || 2 * (s->nb + 1) > s->mask + 1)
		slot_rebuild(s, s->slot ? 2 * (s->mask + 1) : 64);
	size_t h = bucket_hash(input, hour) & s->mask;
	while (s->slot[h]) {
		struct hbucket *b = &s->b[s->slot[h] - 1];
		if (b->hour == hour && b->input == input) {
			s->b_last = s->slot[h];
			return b;
		}
		h = (h + 1) & s->mask;
	}
	VEC_GROW(s->b, s->nb + 1, s->b_alloc);
	struct hbucket *b = &s->b[s->nb];
	memset(b, 0, sizeof(*b));
	b->input = input;
	b->hour = hour;
	b->off = tz_offset_at(tz, hour * HOUR_MS);
	s->slot[h] = (uint32_t)(++s->nb);
	s->b_last = s->nb;
	return b;
}

/* Fold record (t, line) or a bucket's ends into 'b'. */
static void bucket_fold(struct hbucket *b, uint64_t count, int64_t tmin,
			uint64_t lmin, int64_t tmax, uint64_t lmax)
{
	if (!b->count || tmin < b->tmin ||
	    (tmin == b->tmin && lmin < b->lmin)) {
		b->tmin = tmin;
		b->lmin = lmin;
	}
	if (!b->count || tmax > b->tmax ||
	    (tmax == b->tmax && lmax > b->lmax)) {
		b->tmax = tmax;
		b->lmax = lmax;
	}
	b->count += count;
}

int series_add(struct series *s, const struct pipe_input *pin,
	       const struct record *r, int32_t *dayp)
{
	int counted = 0;
	if (!record_has(r, F_START))
		return 0;
	int64_t t = r->v[F_START].i;
	uint32_t input = (uint32_t)pin->index;
	if (s->o.only & (1u << AK_SPIKE)) {
		int f = s->o.spike_by ? F_CELL : F_SUBSCRIBER;
		if (record_has(r, f) && r->v[f].s.len > 0 &&
		    r->v[f].s.len <= INTERN_MAX_LEN) {
			int64_t day = record_has(r, F_DATE) ? r->v[F_DATE].i :
				      floor_div(t + 1000 * (int64_t)
						tz_offset_at(r->tz, t), DAY_MS);
			day_note(s, day, r->tz);
			if (!s->o.spike_by) {
				/* the caller keeps it (anom_rec.h) */
				*dayp = (int32_t)day;
				counted = 1;
			} else {
				struct srec x;
				x.ent = intern_put(&s->ents, r->v[f].s.s,
						   r->v[f].s.len, NULL);
				x.day = (int32_t)day;
				x.input = input;
				x.line = r->line;
				VEC_GROW(s->r, s->n + 1, s->alloc);
				s->r[s->n++] = x;
			}
		}
	}
	if (s->o.only & (1u << AK_GAP)) {
		struct hbucket *b = bucket_get(s, input, floor_div(t, HOUR_MS),
					       r->tz);
		bucket_fold(b, 1, t, r->line, t, r->line);
	}
	return counted;
}

static void merge_bucket(struct series *s, const struct hbucket *x)
{
	if (!s->slot || 2 * (s->nb + 1) > s->mask + 1)
		slot_rebuild(s, s->slot ? 2 * (s->mask + 1) : 64);
	size_t h = bucket_hash(x->input, x->hour) & s->mask;
	while (s->slot[h]) {
		struct hbucket *b = &s->b[s->slot[h] - 1];
		if (b->hour == x->hour && b->input == x->input) {
			bucket_fold(b, x->count, x->tmin, x->lmin, x->tmax,
				    x->lmax);
			return;
		}
		h = (h + 1) & s->mask;
	}
	VEC_GROW(s->b, s->nb + 1, s->b_alloc);
	s->b[s->nb] = *x;
	s->slot[h] = (uint32_t)(++s->nb);
}

void series_merge(struct series *into, struct series *from,
		  const size_t *map)
{
	uint32_t *ids = intern_merge(&into->ents, &from->ents);
	VEC_GROW(into->r, into->n + from->n, into->alloc);
	for (size_t i = 0; i < from->n; i++) {
		struct srec x = from->r[i];
		x.ent = ids[x.ent];
		if (map)
			x.input = (uint32_t)map[x.input];
		into->r[into->n++] = x;
	}
	free(ids);
	free(from->r);
	from->r = NULL;
	from->n = from->alloc = 0;
	for (size_t i = 0; i < from->nday; i++)
		day_insert(into, &from->days[i]);
	into->day_last = 0;
	into->b_last = 0;
	for (size_t i = 0; i < from->nb; i++) {
		struct hbucket x = from->b[i];
		if (map)
			x.input = (uint32_t)map[x.input];
		merge_bucket(into, &x);
	}
}

void series_order(struct series *s, const size_t *inv, size_t n)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].input < n)
			s->r[i].input = (uint32_t)inv[s->r[i].input];
	for (size_t i = 0; i < s->nb; i++)
		if (s->b[i].input < n)
			s->b[i].input = (uint32_t)inv[s->b[i].input];
	if (s->nb)
		slot_fit(s);
	s->b_last = 0;
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

static int cmp_srec(const void *pa, const void *pb)
{
	const struct srec *a = pa, *b = pb;
	CMP(a->ent, b->ent);
	CMP(a->day, b->day);
	CMP(a->input, b->input);
	CMP(a->line, b->line);
	return 0;
}

static int cmp_bucket(const void *pa, const void *pb)
{
	const struct hbucket *a = pa, *b = pb;
	CMP(a->input, b->input);
	CMP(a->hour, b->hour);
	return 0;
}

void series_canonical(struct series *s)
{
	size_t ne;
	uint32_t *rank = intern_sort(&s->ents, &ne);
	for (size_t i = 0; i < s->n; i++)
		s->r[i].ent = rank[s->r[i].ent];
	free(rank);
	groupsort(s->r, s->n, sizeof(*s->r), offsetof(struct srec, ent), ne,
		  cmp_srec);
	if (s->nb) {
		qsort(s->b, s->nb, sizeof(*s->b), cmp_bucket);
		slot_fit(s);
	}
	s->day_last = 0;
	s->b_last = 0;
}

/* ---- medians ---- */

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return a < b ? -1 : a > b;
}

/* The i-th smallest (from 0) of sorted a[0..n) together with z copies
   of v. */
static double kth(const double *a, size_t n, uint64_t z, double v,
		  uint64_t i)
{
	size_t p = 0, hi = n;
	while (p < hi) { /* first element >= v */
		size_t mid = p + (hi - p) / 2;
		if (a[mid] < v)
			p = mid + 1;
		else
			hi = mid;
	}
	if (i < p)
		return a[i];
	if (i < p + z)
		return v;
	return a[i - z];
}

/* The median of sorted a[0..n) and z copies of v (n + z > 0). */
static double median_with(const double *a, size_t n, uint64_t z, double v)
{
	uint64_t m = n + z;
	if (m % 2)
		return kth(a, n, z, v, m / 2);
	return (kth(a, n, z, v, m / 2 - 1) + kth(a, n, z, v, m / 2)) / 2;
}

/* ---- spike ---- */

static void ev_range(struct buf *ev, struct runfacts *rf,
		     const struct srec *r, size_t lo, size_t hi)
{
	struct evref *e = xcalloc(hi - lo ? hi - lo : 1, sizeof(*e));
	for (size_t i = lo; i < hi; i++) {
		e[i - lo].input = r[i].input;
		e[i - lo].line = r[i].line;
	}
	anom_ev_list(ev, rf, e, hi - lo);
	free(e);
}

static void fmt_num(struct buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		buf_addf(b, "%lld", (long long)v);
	else
		buf_addf(b, "%.2f", v);
}

/*
 * The spike records, one entity group at a time, in (entity, day, input,
 * line) order: with --spike-by cell the series' own records, by
 * subscriber the common records of the anomalies state (sorted by
 * subscriber; each subscriber's copied and sorted by day).
 */
struct spike_iter {
	const struct series *s;
	const struct series_src *src;
	size_t pos;
	struct srec *g;  /* by subscriber: the group's copy */
	size_t galloc;
};

/* The next group: its records and count, 0 at the end. */
static size_t spike_next(struct spike_iter *it, const struct srec **out)
{
	const struct series *s = it->s;
	if (s->o.spike_by) {
		size_t lo = it->pos, hi;
		if (lo >= s->n)
			return 0;
		for (hi = lo; hi < s->n && s->r[hi].ent == s->r[lo].ent; hi++)
			;
		it->pos = hi;
		*out = s->r + lo;
		return hi - lo;
	}
	const struct arec *R = it->src ? it->src->r : NULL;
	size_t n = it->src ? it->src->n : 0;
	for (;;) {
		size_t lo = it->pos, hi, m = 0;
		if (lo >= n)
			return 0;
		for (hi = lo; hi < n && R[hi].sub == R[lo].sub; hi++)
			if (R[hi].flags & AF_SPIKE)
				m++;
		it->pos = hi;
		if (!m)
			continue;
		VEC_GROW(it->g, m, it->galloc);
		m = 0;
		for (size_t i = lo; i < hi; i++)
			if (R[i].flags & AF_SPIKE) {
				it->g[m].ent = R[i].sub;
				it->g[m].day = R[i].day;
				it->g[m].input = R[i].input;
				it->g[m++].line = R[i].line;
			}
		qsort_unsorted(it->g, m, sizeof(*it->g), cmp_srec);
		*out = it->g;
		return m;
	}
}

/* Every spike record's day into 'each' (day index), in no order. */
static void spike_days_each(const struct series *s,
			    const struct series_src *src,
			    void (*each)(void *ctx, size_t k, uint32_t input,
					 uint64_t line),
			    void *ctx)
{
	if (s->o.spike_by) {
		for (size_t i = 0; i < s->n; i++)
			each(ctx, day_find(s, s->r[i].day), s->r[i].input,
			     s->r[i].line);
		return;
	}
	for (size_t i = 0; src && i < src->n; i++) {
		const struct arec *x = &src->r[i];
		if (!(x->flags & AF_SPIKE))
			continue;
		each(ctx, day_find(s, x->day), x->input, x->line);
	}
}

static void count_day(void *ctx, size_t k, uint32_t input, uint64_t line)
{
	uint64_t *tot = ctx;
	(void)input;
	(void)line;
	tot[k]++;
}

struct day_ev {
	size_t k, ne;
	struct evref *e;
};

static void collect_day(void *ctx, size_t k, uint32_t input, uint64_t line)
{
	struct day_ev *d = ctx;
	if (k != d->k)
		return;
	d->e[d->ne].input = input;
	d->e[d->ne++].line = line;
}

static void spike_report(struct series *s, struct runfacts *rf,
			 struct table *t, const struct series_src *src)
{
	struct buf sc = BUF_INIT, de = BUF_INIT, ev = BUF_INIT;
	size_t nd = s->nday;
	if (!nd)
		return;
	/* the dataset's daily totals T and the holiday factors f */
	uint64_t *tot = xcalloc(nd, sizeof(*tot));
	double *fac = xcalloc(nd, sizeof(*fac));
	spike_days_each(s, src, count_day, tot);
	double *v = xcalloc(nd, sizeof(*v));
	size_t nv = 0;
	int64_t first = 0, last = 0;
	for (size_t k = 0; k < nd; k++)
		if (tot[k]) {
			if (!nv)
				first = s->days[k].day;
			last = s->days[k].day;
			v[nv++] = (double)tot[k];
		}
	if (!nv) {
		free(tot);
		free(fac);
		free(v);
		return;
	}
	uint64_t span = (uint64_t)(last - first + 1);
	qsort(v, nv, sizeof(*v), cmp_double);
	double med_t = median_with(v, nv, span - nv, 0);
	for (size_t k = 0; k < nd; k++) {
		/* a day busier than the median is scaled down to it */
		fac[k] = med_t > 0 && (double)tot[k] > med_t ?
			 (double)tot[k] / med_t : 1;
		if (!tot[k] || !s->o.spike_holiday || med_t <= 0 ||
		    span < s->o.spike_days ||
		    100 * (double)tot[k] < (double)s->o.spike_holiday * med_t)
			continue;
		/* one dataset flag; its evidence: the day's records */
		struct day_ev dv = { k, 0, xcalloc(tot[k], sizeof(struct evref)) };
		spike_days_each(s, src, collect_day, &dv);
		buf_addf(&sc, "%.2f", fac[k]);
		buf_addf(&de, "%llu record%s on the day, %.2f times the "
			 "median daily total ", (unsigned long long)tot[k],
			 tot[k] == 1 ? "" : "s", fac[k]);
		fmt_num(&de, med_t);
		buf_addf(&de, " over %llu day%s; entities judged on their "
			 "counts divided by %.2f", (unsigned long long)span,
			 span == 1 ? "" : "s", fac[k]);
		anom_ev_list(&ev, rf, dv.e, dv.ne);
		free(dv.e);
		size_t row = anom_flag(t, AK_SPIKE, "*", 1, s->days[k].from,
				       s->days[k].to, &sc, &de, &ev);
		table_set_ident(t, row, 1, ID_NONE);
	}
	/* each entity's days */
	double *x = NULL, *xs = NULL;
	size_t *g = NULL, xalloc_ = 0;
	struct spike_iter it = { s, src, 0, NULL, 0 };
	const struct srec *r;
	size_t gn;
	while ((gn = spike_next(&it, &r)) > 0) {
		size_t lo = 0, hi = gn;
		if (gn + 1 > xalloc_) {
			xalloc_ = gn + 1;
			x = xreallocarray(x, xalloc_, sizeof(*x));
			xs = xreallocarray(xs, xalloc_, sizeof(*xs));
			g = xreallocarray(g, xalloc_, sizeof(*g));
		}
		/* groups of one day: g[0..ng] their starts */
		size_t ng = 0;
		for (size_t i = lo; i < hi; i++)
			if (i == lo || r[i].day != r[i - 1].day)
				g[ng++] = i;
		g[ng] = hi;
		for (size_t j = 0; j < ng; j++) {
			double c = (double)(g[j + 1] - g[j]);
			x[j] = c / fac[day_find(s, r[g[j]].day)];
			xs[j] = x[j];
		}
		uint64_t days = (uint64_t)((int64_t)r[hi - 1].day -
					   (int64_t)r[lo].day + 1);
		uint64_t zeros = days - ng;
		if (days < s->o.spike_days)
			continue;
		qsort(xs, ng, sizeof(*xs), cmp_double);
		double med = median_with(xs, ng, zeros, 0);
		for (size_t j = 0; j < ng; j++)
			xs[j] = fabs(x[j] - med);
		qsort(xs, ng, sizeof(*xs), cmp_double);
		double mad = median_with(xs, ng, zeros, med);
		/* counting noise floors the spread: sqrt(median), at least 1 */
		double scale = 1.4826 * mad, noise = sqrt(med > 1 ? med : 1);
		if (scale < noise)
			scale = noise;
		for (size_t j = 0; j < ng; j++) {
			uint64_t c = g[j + 1] - g[j];
			double z = (x[j] - med) / scale;
			if (c < s->o.spike_min ||
			    !(100 * z > (double)s->o.spike_z))
				continue;
			size_t k = day_find(s, r[g[j]].day);
			buf_addf(&sc, "%.1f", z);
			buf_addf(&de, "%llu record%s on the day",
				 (unsigned long long)c, c == 1 ? "" : "s");
			if (fac[k] != 1) {
				buf_addf(&de, ", %.2f scaled (the dataset's "
					 "day at %.2f times its median)", x[j],
					 fac[k]);
			}
			buf_adds(&de, "; median ");
			fmt_num(&de, med);
			buf_adds(&de, ", MAD ");
			fmt_num(&de, mad);
			buf_addf(&de, " over %llu day%s",
				 (unsigned long long)days, days == 1 ? "" : "s");
			ev_range(&ev, rf, r, g[j], g[j + 1]);
			size_t len;
			const char *ent = s->o.spike_by ?
				intern_str(&s->ents, r[lo].ent, &len) :
				intern_str(src->subs, r[lo].ent, &len);
			size_t row = anom_flag(t, AK_SPIKE, ent, len,
					       s->days[k].from, s->days[k].to,
					       &sc, &de, &ev);
			if (s->o.spike_by)
				table_set_ident(t, row, 1, ID_NONE);
		}
	}
	free(it.g);
	free(x);
	free(xs);
	free(g);
	free(v);
	free(tot);
	free(fac);
	buf_release(&sc);
	buf_release(&de);
	buf_release(&ev);
}

/* ---- gap ---- */

/* One hour of a delivery (or of all inputs): its buckets folded. */
struct hour {
	int64_t hour;
	int32_t off;
	uint64_t count;
	int64_t tmin, tmax;
	uint32_t imin, imax;
	uint64_t lmin, lmax;
};

static int cmp_hour(const void *pa, const void *pb)
{
	const struct hour *a = pa, *b = pb;
	CMP(a->hour, b->hour);
	CMP(a->imin, b->imin);
	return 0;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* The local hour (hours since 1970-01-01 00:00 local) of UTC hour h. */
static int64_t local_hour(int64_t h, int32_t off)
{
	return floor_div(h * 3600 + off, 3600);
}

/* Sort 'h' by hour and fold the buckets of one hour; the hours left. */
static size_t fold_hours(struct hour *h, size_t n)
{
	size_t k = 0;
	if (!n)
		return 0;
	qsort(h, n, sizeof(*h), cmp_hour);
	for (size_t i = 1; i < n; i++) {
		struct hour *p = &h[k];
		const struct hour *x = &h[i];
		if (x->hour != p->hour) {
			h[++k] = *x;
			continue;
		}
		p->count += x->count;
		if (x->tmin < p->tmin || (x->tmin == p->tmin &&
		    (x->imin < p->imin || (x->imin == p->imin &&
					   x->lmin < p->lmin)))) {
			p->tmin = x->tmin;
			p->imin = x->imin;
			p->lmin = x->lmin;
		}
		if (x->tmax > p->tmax || (x->tmax == p->tmax &&
		    (x->imax > p->imax || (x->imax == p->imax &&
					   x->lmax > p->lmax)))) {
			p->tmax = x->tmax;
			p->imax = x->imax;
			p->lmax = x->lmax;
		}
	}
	return k + 1;
}

static void gap_flag(struct series *s, struct runfacts *rf, struct table *t,
		     const char *ent, const struct hour *before,
		     const struct hour *after, int64_t e0, int64_t e1,
		     const double *med, int64_t ndays)
{
	struct buf sc = BUF_INIT, de = BUF_INIT, ev = BUF_INIT;
	int64_t n = e1 - e0;
	int seen[24] = { 0 };
	buf_addf(&sc, "%lld", (long long)n);
	buf_addf(&de, "%lld hour%s without records; median records of the "
		 "hour of day over %lld day%s:", (long long)n,
		 n == 1 ? "" : "s", (long long)ndays, ndays == 1 ? "" : "s");
	for (int64_t e = e0; e < e1 && e < e0 + 24; e++) {
		int q = (int)floor_mod(local_hour(e, before->off), 24);
		if (seen[q]++)
			continue;
		buf_addf(&de, "%s %02d:00 ", e > e0 ? "," : "", q);
		fmt_num(&de, med[q]);
	}
	struct evref x[2] = { { before->imax, before->lmax },
			      { after->imin, after->lmin } };
	anom_ev_list(&ev, rf, x, 2);
	(void)s;
	size_t row = anom_flag(t, AK_GAP, ent, strlen(ent), e0 * HOUR_MS,
			       e1 * HOUR_MS, &sc, &de, &ev);
	table_set_ident(t, row, 1, ID_NONE);
	buf_release(&sc);
	buf_release(&de);
	buf_release(&ev);
}

/* The gaps of the hours h[0..n) (folded), as flags of entity 'ent'. */
static void gap_run(struct series *s, struct runfacts *rf, struct table *t,
		    const char *ent, struct hour *h, size_t n)
{
	n = fold_hours(h, n);
	if (n < 2)
		return;
	int64_t d1 = floor_div(local_hour(h[0].hour, h[0].off), 24);
	int64_t dk = floor_div(local_hour(h[n - 1].hour, h[n - 1].off), 24);
	int64_t ndays = dk - d1 + 1;
	/* the median count of each hour of day over the days of the span */
	double med[24];
	double *v = xcalloc(n, sizeof(*v));
	int all = 1, any = 0;
	for (int q = 0; q < 24; q++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (floor_mod(local_hour(h[i].hour, h[i].off), 24) == q)
				v[k++] = (double)h[i].count;
		qsort(v, k, sizeof(*v), cmp_double);
		uint64_t zeros = (int64_t)k < ndays ? (uint64_t)ndays - k : 0;
		med[q] = k + zeros ? median_with(v, k, zeros, 0) : 0;
		if (med[q] >= (double)s->o.gap_min)
			any = 1;
		else
			all = 0;
	}
	free(v);
	if (!any)
		return;
	for (size_t i = 0; i + 1 < n; i++) {
		int64_t a = h[i].hour + 1, b = h[i + 1].hour;
		if (a >= b)
			continue;
		if (all) {
			gap_flag(s, rf, t, ent, &h[i], &h[i + 1], a, b, med,
				 ndays);
			continue;
		}
		int64_t run = -1;
		for (int64_t e = a; e <= b; e++) {
			int hit = e < b && med[floor_mod(local_hour(e, h[i].off),
							 24)] >=
					   (double)s->o.gap_min;
			if (hit && run < 0)
				run = e;
			if (!hit && run >= 0) {
				gap_flag(s, rf, t, ent, &h[i], &h[i + 1], run, e,
					 med, ndays);
				run = -1;
			}
		}
	}
}

static int cmp_cstr(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/* The delivery of input i: its path, or for a member its archive's. */
static const char *delivery(const struct runfacts *rf, size_t i)
{
	const char *p = rf->in[i].path ? rf->in[i].path : "-";
	if (!rf->in[i].member)
		return p;
	for (size_t j = 0; j < rf->n; j++) {
		const char *a = rf->in[j].path;
		size_t n = a ? strlen(a) : 0;
		if (rf->in[j].archive && n && !strncmp(p, a, n) && p[n] == ':')
			return a;
	}
	return p;
}

static void gap_report(struct series *s, struct runfacts *rf,
		       struct table *t)
{
	if (!s->nb)
		return;
	/* the deliveries, in byte order, and each input's */
	const char **names = xcalloc(rf->n ? rf->n : 1, sizeof(*names));
	size_t nn = 0;
	for (size_t i = 0; i < rf->n; i++)
		if (!rf->in[i].archive)
			names[nn++] = delivery(rf, i);
	qsort(names, nn, sizeof(*names), cmp_cstr);
	size_t nd = 0;
	for (size_t i = 0; i < nn; i++)
		if (!nd || strcmp(names[i], names[nd - 1]))
			names[nd++] = names[i];
	size_t *of = xcalloc(rf->n ? rf->n : 1, sizeof(*of));
	for (size_t i = 0; i < rf->n; i++) {
		const char *p = delivery(rf, i), **f = bsearch(&p, names, nd,
			sizeof(*names), cmp_cstr);
		of[i] = f ? (size_t)(f - names) : nd;
	}
	struct hour *h = xcalloc(s->nb, sizeof(*h));
	/* all inputs, when there are two deliveries or more */
	for (size_t pass = nd > 1 ? 0 : 1; pass <= nd; pass++) {
		size_t n = 0;
		for (size_t i = 0; i < s->nb; i++) {
			const struct hbucket *b = &s->b[i];
			if (pass && (b->input >= rf->n || of[b->input] != pass - 1))
				continue;
			h[n].hour = b->hour;
			h[n].off = b->off;
			h[n].count = b->count;
			h[n].tmin = b->tmin;
			h[n].tmax = b->tmax;
			h[n].imin = h[n].imax = b->input;
			h[n].lmin = b->lmin;
			h[n].lmax = b->lmax;
			n++;
		}
		gap_run(s, rf, t, pass ? names[pass - 1] : "*", h, n);
	}
	free(h);
	free(of);
	free(names);
}

void series_report(struct series *s, int kind, struct runfacts *rf,
		   struct table *t, const struct series_src *src)
{
	if (kind == AK_SPIKE)
		spike_report(s, rf, t, src);
	else if (kind == AK_GAP)
		gap_report(s, rf, t);
}

/* ---- partial ---- */

void series_save(struct series *s, struct partial_writer *w)
{
	partial_section_begin(w, ASER_TAG);
	partial_put_uvarint(w, s->o.spike_by);
	partial_put_uvarint(w, s->o.spike_min);
	partial_put_uvarint(w, s->o.spike_z);
	partial_put_uvarint(w, s->o.spike_holiday);
	partial_put_uvarint(w, s->o.spike_days);
	partial_put_uvarint(w, s->o.gap_min);
	size_t ne = intern_count(&s->ents);
	partial_put_uvarint(w, ne);
	for (size_t i = 0; i < ne; i++) {
		size_t len;
		const char *e = intern_str(&s->ents, (uint32_t)i, &len);
		partial_put_bytes(w, e, len);
	}
	partial_put_uvarint(w, s->nday);
	for (size_t i = 0; i < s->nday; i++) {
		partial_put_svarint(w, s->days[i].day);
		partial_put_svarint(w, s->days[i].from);
		partial_put_svarint(w, s->days[i].to);
	}
	partial_put_uvarint(w, s->n);
	for (size_t i = 0; i < s->n; i++) {
		partial_put_uvarint(w, s->r[i].ent);
		partial_put_svarint(w, s->r[i].day);
		partial_put_uvarint(w, s->r[i].input);
		partial_put_uvarint(w, s->r[i].line);
	}
	partial_put_uvarint(w, s->nb);
	for (size_t i = 0; i < s->nb; i++) {
		const struct hbucket *b = &s->b[i];
		partial_put_uvarint(w, b->input);
		partial_put_svarint(w, b->hour);
		partial_put_svarint(w, b->off);
		partial_put_uvarint(w, b->count);
		partial_put_svarint(w, b->tmin);
		partial_put_uvarint(w, b->lmin);
		partial_put_svarint(w, b->tmax);
		partial_put_uvarint(w, b->lmax);
	}
	partial_section_end(w);
}

int series_load(struct series *s, struct anom_opts *o,
		const struct partial_file *pf, size_t ninputs,
		struct diag *d)
{
	struct partial_reader r;
	s->o = *o;
	if (partial_section(pf, ASER_TAG, &r) < 0) {
		diag_error(d, "not a usable partial file: no ASER section");
		return -1;
	}
	s->o.spike_by = partial_get_uvarint(&r);
	s->o.spike_min = partial_get_uvarint(&r);
	s->o.spike_z = partial_get_uvarint(&r);
	s->o.spike_holiday = partial_get_uvarint(&r);
	s->o.spike_days = partial_get_uvarint(&r);
	s->o.gap_min = partial_get_uvarint(&r);
	if (s->o.spike_by > 1 || s->o.spike_min > 1000000000 ||
	    s->o.spike_z > UINT64_C(100000000000) ||
	    s->o.spike_holiday > UINT64_C(100000000000) ||
	    s->o.spike_days > 1000000000 || s->o.gap_min > 1000000000)
		r.failed = 1;
	o->spike_by = s->o.spike_by;
	o->spike_min = s->o.spike_min;
	o->spike_z = s->o.spike_z;
	o->spike_holiday = s->o.spike_holiday;
	o->spike_days = s->o.spike_days;
	o->gap_min = s->o.gap_min;
	uint64_t ne = r.failed ? 0 : partial_get_count(&r, 1);
	for (uint64_t i = 0; i < ne && !r.failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(&r, &len);
		int added = 0;
		if (!p || !len || len > INTERN_MAX_LEN) {
			r.failed = 1;
			break;
		}
		intern_put(&s->ents, (const char *)p, len, &added);
		if (!added)
			r.failed = 1;
	}
	uint64_t nd = r.failed ? 0 : partial_get_count(&r, 3);
	for (uint64_t i = 0; i < nd && !r.failed; i++) {
		struct sday x;
		x.day = partial_get_svarint(&r);
		x.from = partial_get_svarint(&r);
		x.to = partial_get_svarint(&r);
		if (x.day < -DAY_MAX || x.day > DAY_MAX || x.from < -MS_MAX ||
		    x.from > MS_MAX || x.to < -MS_MAX || x.to > MS_MAX ||
		    (s->nday && s->days[s->nday - 1].day >= x.day)) {
			r.failed = 1;
			break;
		}
		VEC_GROW(s->days, s->nday + 1, s->day_alloc);
		s->days[s->nday++] = x;
	}
	uint64_t n = r.failed ? 0 : partial_get_count(&r, 4);
	if (!r.failed && n)
		VEC_GROW(s->r, (size_t)n, s->alloc);
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		struct srec x;
		uint64_t ent = partial_get_uvarint(&r);
		int64_t day = partial_get_svarint(&r);
		uint64_t input = partial_get_uvarint(&r);
		x.line = partial_get_uvarint(&r);
		if (ent >= ne || input >= ninputs || day < -DAY_MAX ||
		    day > DAY_MAX) {
			r.failed = 1;
			break;
		}
		size_t k = day_find(s, day);
		if (k == s->nday || s->days[k].day != day) {
			r.failed = 1;
			break;
		}
		x.ent = (uint32_t)ent;
		x.day = (int32_t)day;
		x.input = (uint32_t)input;
		s->r[s->n++] = x;
	}
	uint64_t nb = r.failed ? 0 : partial_get_count(&r, 8);
	for (uint64_t i = 0; i < nb && !r.failed; i++) {
		struct hbucket b;
		uint64_t input = partial_get_uvarint(&r);
		b.hour = partial_get_svarint(&r);
		int64_t off = partial_get_svarint(&r);
		b.count = partial_get_uvarint(&r);
		b.tmin = partial_get_svarint(&r);
		b.lmin = partial_get_uvarint(&r);
		b.tmax = partial_get_svarint(&r);
		b.lmax = partial_get_uvarint(&r);
		if (input >= ninputs || b.hour < -HOUR_MAX ||
		    b.hour > HOUR_MAX || off < -86400 || off > 86400 ||
		    !b.count || b.count > (UINT64_C(1) << 48) ||
		    b.tmin > b.tmax || floor_div(b.tmin, HOUR_MS) != b.hour ||
		    floor_div(b.tmax, HOUR_MS) != b.hour) {
			r.failed = 1;
			break;
		}
		b.input = (uint32_t)input;
		b.off = (int32_t)off;
		if (s->nb && cmp_bucket(&s->b[s->nb - 1], &b) >= 0) {
			r.failed = 1;
			break;
		}
		VEC_GROW(s->b, s->nb + 1, s->b_alloc);
		s->b[s->nb++] = b;
	}
	if (!r.failed && s->nb)
		slot_fit(s);
	return partial_reader_finish(&r, pf, d);
}
