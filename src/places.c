/*
 * places.c - the places analysis (places.h): each subscriber's places,
 * labelled home, work or other. The definitions (man page PLACES):
 *
 *   - days of presence. A record at local time t (--tz) is on the date of
 *     t; it is on the night N when t lies in the night window (--night,
 *     default 19:00-07:00, half-open: start included, end excluded), N
 *     being the date on which that window started (a record at 02:00 on
 *     the 5th is on the night of the 4th); it is on the working day W
 *     when t lies in the work window (--work, default 09:00-17:00) and
 *     the date that window started on, W, is a Monday to Friday.
 *
 *   - clustering. The subscriber's distinct positions, each weighted by
 *     the distinct dates the subscriber was seen there, go to DBSCAN
 *     (dbscan.h) with eps --place-eps (200 m) and min_weight
 *     --place-min-days (3): a position is core when the distinct dates
 *     of the positions within eps add up to 3. Each cluster is a place,
 *     numbered by days (most first), then records, then as dbscan
 *     numbers its clusters.
 *     Positions in no cluster, and those seen only in untimed records,
 *     are in no place (the "noise" row).
 *
 *   - figures of a place: days, nights and workdays are the distinct
 *     dates, nights and working days on which some record of the
 *     subscriber was at one of its positions (a union, never a sum over
 *     positions); records, first and last seen; the centroid of its
 *     positions weighted by records.
 *
 *   - labels. home: the place with the most nights (ties: more days,
 *     more records, the smaller number), when one has a night. work: of
 *     the other places, the one with the most working days (the same
 *     ties), when one has a working day. Every other place: other.
 *     Weighing by nights and days, not records, is what keeps one busy
 *     night elsewhere from moving a home.
 *
 *   - confidence. For home, the share of the subscriber's nights (those
 *     with a positioned record in the night window) on which home was
 *     the most used place: the place with the most of that night's
 *     records (ties: the smaller number; positions in no place do not
 *     compete). For work, the same over the subscriber's working days
 *     and the work window. Other places have none.
 *
 * State (exact, mergeable): per (position, subscriber) its records and
 * first/last seen, and per (position, subscriber, kind, date) the
 * records of that date, night or working day. Merging sums counts and
 * takes min/max; the clustering happens in 'report' only.
 */
#include "places.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "dbscan.h"
#include "geodesy.h"
#include "intern.h"
#include "pipeline.h"
#include "runfacts.h"
#include "table.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

#define POSLEN 16            /* bits of lat and lon */
#define DAYLEN 13            /* u32 sp id, u8 kind, i64 date */
#define DAY_MS 86400000LL
#define MAX_DAY 100000000LL  /* |date| bound in a loaded partial */

enum { K_DATE, K_NIGHT, K_WORK, K_COUNT };

struct sprec {
	uint64_t records;
	int64_t first, last;   /* INT64_MAX / INT64_MIN when untimed */
};

struct places {
	struct places_opts o;
	int have_opts;
	const struct tz *tz;
	struct intern sp;      /* position key + subscriber -> s[] */
	struct sprec *s;
	size_t salloc;
	struct intern day;     /* DAYLEN keys -> dc[] */
	uint64_t *dc;          /* records of that (sp, kind, date) */
	size_t dalloc;
	uint64_t records;      /* every record fed */
	uint64_t nopos;        /* records without a usable position */
	uint64_t nosub;        /* records with a position, no subscriber */
	struct buf key;        /* scratch */
};

static int parse_hm(const char *s, int *min)
{
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	      s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' &&
	      s[4] <= '9'))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

int places_parse_window(const char *s, struct places_window *w)
{
	int a, b;
	if (strlen(s) != 11 || s[5] != '-' || parse_hm(s, &a) < 0 ||
	    parse_hm(s + 6, &b) < 0 || a == 1440 || b == 0 || a == b)
		return -1;
	w->start = a;
	w->end = b;
	return 0;
}

static int window_ok(const struct places_window *w)
{
	return w->start >= 0 && w->start < 1440 && w->end >= 1 &&
	       w->end <= 1440 && w->start != w->end;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* 1 = Monday .. 7 = Sunday, for a date in days since 1970-01-01 (a
   Thursday) */
static int weekday(int64_t day)
{
	return (int)(((day % 7 + 7) % 7 + 3) % 7) + 1;
}

/*
 * Whether local time of day 'tod' (ms) on date 'day' lies in 'w'; the
 * date the window started on into '*out'.
 */
static int in_window(const struct places_window *w, int64_t day, int64_t tod,
		     int64_t *out)
{
	int64_t s = (int64_t)w->start * 60000, e = (int64_t)w->end * 60000;
	if (s < e) {
		*out = day;
		return tod >= s && tod < e;
	}
	if (tod >= s) {
		*out = day;
		return 1;
	}
	if (tod < e) {
		*out = day - 1;
		return 1;
	}
	return 0;
}

static void fmt_window(struct buf *b, const struct places_window *w)
{
	buf_addf(b, "%02d:%02d-%02d:%02d", w->start / 60, w->start % 60,
		 w->end / 60, w->end % 60);
}

static uint64_t op_needs(const struct analysis_opts *o)
{
	(void)o;
	return FIELD_BIT(F_LAT) | FIELD_BIT(F_LON) | FIELD_BIT(F_START) |
	       FIELD_BIT(F_SUBSCRIBER);
}

static void op_options_key(const struct analysis_opts *o, struct buf *b)
{
	const struct places_opts *p = o ? o->own : NULL;
	if (!p)
		return;
	buf_addf(b, "place-eps=%.17g;place-min-days=%llu;night=", p->eps_m,
		 (unsigned long long)p->min_days);
	fmt_window(b, &p->night);
	buf_adds(b, ";work=");
	fmt_window(b, &p->work);
}

static void *op_create(const struct analysis_opts *o)
{
	struct places *g = xcalloc(1, sizeof(*g));
	struct places_opts def = PLACES_OPTS_INIT;
	g->o = def;
	g->tz = o ? o->tz : NULL;
	if (o && o->own) {
		g->o = *(const struct places_opts *)o->own;
		g->have_opts = 1;
	}
	return g;
}

static void op_destroy(void *state)
{
	struct places *g = state;
	if (!g)
		return;
	intern_release(&g->sp);
	intern_release(&g->day);
	free(g->s);
	free(g->dc);
	buf_release(&g->key);
	free(g);
}

static void *op_feed_new(void *state)
{
	struct places *s = state;
	struct places *g = xcalloc(1, sizeof(*g));
	g->tz = s->tz;
	g->o = s->o;
	g->have_opts = s->have_opts;
	return g;
}

static uint32_t sp_put(struct places *g, const char *k, size_t len)
{
	int added = 0;
	uint32_t id = intern_put(&g->sp, k, len, &added);
	if (added) {
		VEC_GROW(g->s, (size_t)id + 1, g->salloc);
		g->s[id].records = 0;
		g->s[id].first = INT64_MAX;
		g->s[id].last = INT64_MIN;
	}
	return id;
}

static void day_key(char *k, uint32_t sp, int kind, int64_t day)
{
	memcpy(k, &sp, 4);
	k[4] = (char)kind;
	memcpy(k + 5, &day, 8);
}

static void day_add(struct places *g, uint32_t sp, int kind, int64_t day,
		    uint64_t n)
{
	char k[DAYLEN];
	int added = 0;
	day_key(k, sp, kind, day);
	uint32_t id = intern_put(&g->day, k, DAYLEN, &added);
	if (added) {
		VEC_GROW(g->dc, (size_t)id + 1, g->dalloc);
		g->dc[id] = 0;
	}
	g->dc[id] += n;
}

static void make_pos(double lat, double lon, char *k)
{
	lat += 0.0; /* -0 as +0 */
	lon += 0.0;
	memcpy(k, &lat, 8);
	memcpy(k + 8, &lon, 8);
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct places *g = feed;
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
	if (!record_has(r, F_SUBSCRIBER) || !r->v[F_SUBSCRIBER].s.len) {
		g->nosub++;
		return;
	}
	struct strv sub = r->v[F_SUBSCRIBER].s;
	char pk[POSLEN];
	make_pos(lat, lon, pk);
	buf_reset(&g->key);
	buf_add(&g->key, pk, POSLEN);
	buf_add(&g->key, sub.s, sub.len);
	if (g->key.len > INTERN_MAX_LEN) {
		g->nosub++;
		return;
	}
	uint32_t id = sp_put(g, g->key.data, g->key.len);
	struct sprec *s = &g->s[id];
	s->records++;
	if (!record_has(r, F_START))
		return;
	int64_t t = r->v[F_START].i;
	if (t < s->first)
		s->first = t;
	if (t > s->last)
		s->last = t;
	int64_t local = t + (int64_t)tz_offset_at(g->tz, t) * 1000;
	int64_t day = floor_div(local, DAY_MS), tod = local - day * DAY_MS;
	int64_t d;
	day_add(g, id, K_DATE, day, 1);
	if (in_window(&g->o.night, day, tod, &d))
		day_add(g, id, K_NIGHT, d, 1);
	if (in_window(&g->o.work, day, tod, &d) && weekday(d) <= 5)
		day_add(g, id, K_WORK, d, 1);
}

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct places *a = into, *b = from;
	(void)map;
	(void)d;
	if (!a->have_opts && b->have_opts) {
		a->o = b->o;
		a->have_opts = 1;
	}
	a->records += b->records;
	a->nopos += b->nopos;
	a->nosub += b->nosub;
	size_t n = intern_count(&b->sp);
	uint32_t *to = xcalloc(n ? n : 1, sizeof(*to));
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *k = intern_str(&b->sp, (uint32_t)i, &len);
		uint32_t id = sp_put(a, k, len);
		struct sprec *p = &a->s[id], *q = &b->s[i];
		to[i] = id;
		p->records += q->records;
		if (q->first < p->first)
			p->first = q->first;
		if (q->last > p->last)
			p->last = q->last;
	}
	for (size_t i = 0; i < intern_count(&b->day); i++) {
		const char *k = intern_str(&b->day, (uint32_t)i, NULL);
		uint32_t sp;
		int64_t day;
		memcpy(&sp, k, 4);
		memcpy(&day, k + 5, 8);
		day_add(a, to[sp], k[4], day, b->dc[i]);
	}
	free(to);
	return 0;
}

static void op_feed_free(void *state, void *feed)
{
	op_merge(state, feed, NULL, NULL);
	op_destroy(feed);
}

/* ---- report ---- */

enum {
	PC_SUB, PC_PLACE, PC_LABEL, PC_LAT, PC_LON, PC_DAYS, PC_NIGHTS,
	PC_WORKDAYS, PC_RECORDS, PC_CONF, PC_FIRST, PC_LAST, PC_NCOLS
};

static const struct table_col places_columns[PC_NCOLS] = {
	{ "subscriber", COL_KEY }, { "place", COL_NUMKEY },
	{ "label", COL_TEXT }, { "lat", COL_LAT }, { "lon", COL_LON },
	{ "days", COL_COUNT }, { "nights", COL_COUNT },
	{ "workdays", COL_COUNT }, { "records", COL_COUNT },
	{ "confidence", COL_TEXT }, { "first_seen", COL_TIMESTAMP },
	{ "last_seen", COL_TIMESTAMP },
};

/* a (position, subscriber) entry, for sorting */
struct spe {
	const char *k;         /* key: position, then subscriber */
	size_t len;
	uint32_t id;
};

static int cmp_sub_pos(const void *pa, const void *pb)
{
	const struct spe *a = pa, *b = pb;
	size_t la = a->len - POSLEN, lb = b->len - POSLEN;
	int c = memcmp(a->k + POSLEN, b->k + POSLEN, la < lb ? la : lb);
	if (c)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a->k, b->k, POSLEN);
}

static int cmp_bytes(const void *pa, const void *pb)
{
	const struct spe *a = pa, *b = pb;
	int c = memcmp(a->k, b->k, a->len < b->len ? a->len : b->len);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* the entries of 'sp' in the order 'cmp' */
static struct spe *sp_sorted(const struct places *g,
			     int (*cmp)(const void *, const void *))
{
	size_t n = intern_count(&g->sp);
	struct spe *e = xcalloc(n ? n : 1, sizeof(*e));
	for (size_t i = 0; i < n; i++) {
		e[i].k = intern_str(&g->sp, (uint32_t)i, &e[i].len);
		e[i].id = (uint32_t)i;
	}
	qsort(e, n, sizeof(*e), cmp);
	return e;
}

/* a (sp, kind, date) entry with the rank of its sp in some order */
struct dent {
	uint32_t grp;          /* report: subscriber group; save: 0 */
	uint32_t rank;         /* the sp's rank */
	int kind;
	int64_t day;
	uint64_t count;
};

static int cmp_dent(const void *pa, const void *pb)
{
	const struct dent *a = pa, *b = pb;
	if (a->grp != b->grp)
		return a->grp < b->grp ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static int cmp_dent_save(const void *pa, const void *pb)
{
	const struct dent *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->day < b->day ? -1 : a->day > b->day;
}

/* every day entry, with the rank of its sp from 'rank' */
static struct dent *dents(const struct places *g, const uint32_t *rank,
			  const uint32_t *grp)
{
	size_t n = intern_count(&g->day);
	struct dent *e = xcalloc(n ? n : 1, sizeof(*e));
	for (size_t i = 0; i < n; i++) {
		const char *k = intern_str(&g->day, (uint32_t)i, NULL);
		uint32_t sp;
		memcpy(&sp, k, 4);
		memcpy(&e[i].day, k + 5, 8);
		e[i].kind = k[4];
		e[i].rank = rank[sp];
		e[i].grp = grp ? grp[rank[sp]] : 0;
		e[i].count = g->dc[i];
	}
	return e;
}

struct pagg {
	uint64_t records, days[K_COUNT], top[K_COUNT];
	int64_t first, last;
	size_t cnt_stamp;      /* run in which 'cnt' was last reset */
	uint64_t cnt;          /* records of the current (kind, date) run */
};

static void set_ratio(struct table *t, size_t row, uint64_t k, uint64_t n)
{
	char txt[32];
	int len = snprintf(txt, sizeof(txt), "%.3f", n ? (double)k / (double)n : 0.0);
	table_set_text(t, row, PC_CONF, txt, (size_t)len);
}

/* the rows of one subscriber: sp entries e[a..b) (sorted by position) */
struct rep {
	const struct places *g;
	const struct spe *e;
	const uint64_t *sdays;     /* per rank: distinct dates */
	const struct dent *de;     /* sorted by (grp, kind, day, rank) */
	size_t nde;
	size_t di;                 /* next day entry */
	uint32_t *cl;              /* per rank: place, 0 none */
	uint64_t noise;            /* records in no place */
	struct dbscan_point *pts;  /* scratch, per rank */
	uint32_t *pr;              /* scratch: rank of each point */
	struct geo_wpoint *wp;     /* scratch */
	struct table *t;
	struct diag *d;
};

static int better(const struct pagg *x, const struct pagg *y, int kind)
{
	if (x->days[kind] != y->days[kind])
		return x->days[kind] > y->days[kind];
	if (x->days[K_DATE] != y->days[K_DATE])
		return x->days[K_DATE] > y->days[K_DATE];
	return x->records > y->records;
}

/*
 * The (kind, date) runs of subscriber group 'grp' from R->di on: pass 0
 * counts each place's distinct dates, nights and working days (and the
 * subscriber's, into 'total'); pass 1 gives each night and working day
 * to its most used place (ties: the smaller number).
 */
static void runs(struct rep *R, uint32_t grp, struct pagg *pa, int pass,
		 uint64_t *total)
{
	size_t run = 0;
	while (R->di < R->nde && R->de[R->di].grp == grp) {
		size_t j = R->di;
		int kind = R->de[j].kind;
		int64_t day = R->de[j].day;
		size_t end = j;
		while (end < R->nde && R->de[end].grp == grp &&
		       R->de[end].kind == kind && R->de[end].day == day)
			end++;
		for (size_t x = j; x < end; x++) {
			struct pagg *p = &pa[R->cl[R->de[x].rank]];
			if (p->cnt_stamp != run) {
				p->cnt_stamp = run;
				p->cnt = 0;
				if (!pass)
					p->days[kind]++;
			}
			p->cnt += R->de[x].count;
		}
		if (!pass)
			total[kind]++;
		uint32_t best = 0;
		for (size_t x = j; pass && x < end; x++) {
			uint32_t c = R->cl[R->de[x].rank];
			if (c && (!best || pa[c].cnt > pa[best].cnt ||
				  (pa[c].cnt == pa[best].cnt && c < best)))
				best = c;
		}
		if (best)
			pa[best].top[kind]++;
		run++;
		R->di = end;
	}
}

/* a place as it is ordered: more days, then more records, then dbscan's
   number */
struct pord {
	uint64_t days, records;
	uint32_t c;
};

static int cmp_place(const void *pa, const void *pb)
{
	const struct pord *p = pa, *q = pb;
	if (p->days != q->days)
		return p->days > q->days ? -1 : 1;
	if (p->records != q->records)
		return p->records > q->records ? -1 : 1;
	return p->c < q->c ? -1 : p->c > q->c;
}

/*
 * Number the 'nc' places of ranks [a, b) by days, most first, then by
 * records, then as dbscan numbered them: 'pa' and R->cl follow.
 */
static void renumber(struct rep *R, size_t a, size_t b, struct pagg *pa,
		     size_t nc)
{
	struct pord *ord = xcalloc(nc + 1, sizeof(*ord));
	uint32_t *num = xcalloc(nc + 1, sizeof(*num));
	struct pagg *cp = xcalloc(nc + 1, sizeof(*cp));
	for (size_t c = 0; c < nc; c++)
		ord[c] = (struct pord){ pa[c + 1].days[K_DATE],
					pa[c + 1].records, (uint32_t)(c + 1) };
	qsort(ord, nc, sizeof(*ord), cmp_place);
	memcpy(cp, pa, (nc + 1) * sizeof(*cp));
	for (size_t k = 0; k < nc; k++) {
		num[ord[k].c] = (uint32_t)(k + 1);
		pa[k + 1] = cp[ord[k].c];
	}
	for (size_t r = a; r < b; r++)
		R->cl[r] = num[R->cl[r]];
	for (size_t c = 0; c <= nc; c++)
		pa[c].cnt_stamp = SIZE_MAX;
	free(cp);
	free(num);
	free(ord);
}

static int subscriber_rows(struct rep *R, uint32_t grp, size_t a, size_t b)
{
	const struct places *g = R->g;
	size_t np = 0;
	for (size_t r = a; r < b; r++) {
		R->cl[r] = 0;
		if (!R->sdays[r])
			continue;
		double lat, lon;
		memcpy(&lat, R->e[r].k, 8);
		memcpy(&lon, R->e[r].k + 8, 8);
		R->pts[np] = (struct dbscan_point){ lat, lon, R->sdays[r] };
		R->pr[np++] = (uint32_t)r;
	}
	struct dbscan_opts o = { g->o.eps_m, g->o.min_days, 0 };
	struct dbscan_result res;
	if (dbscan_run(R->pts, np, &o, &res) < 0)
		return diag_error(R->d, "geo --per subscriber: --place-eps or "
				  "--place-min-days out of range");
	for (size_t i = 0; i < np; i++)
		R->cl[R->pr[i]] = res.cluster[i];
	size_t nc = res.nclusters;
	dbscan_result_release(&res);
	struct pagg *pa = xcalloc(nc + 1, sizeof(*pa));
	for (size_t c = 0; c <= nc; c++) {
		pa[c].first = INT64_MAX;
		pa[c].last = INT64_MIN;
		pa[c].cnt_stamp = SIZE_MAX;
	}
	for (size_t r = a; r < b; r++) {
		const struct sprec *s = &g->s[R->e[r].id];
		struct pagg *p = &pa[R->cl[r]];
		p->records += s->records;
		if (s->first < p->first)
			p->first = s->first;
		if (s->last > p->last)
			p->last = s->last;
	}
	R->noise += pa[0].records;
	/* the (kind, date) runs: days of presence first, then (places
	   numbered) the most used place of each night and working day */
	size_t from = R->di;
	uint64_t total[K_COUNT] = { 0 };
	runs(R, grp, pa, 0, total);
	renumber(R, a, b, pa, nc);
	R->di = from;
	runs(R, grp, pa, 1, total);
	/* labels */
	size_t home = 0, work = 0;
	for (size_t c = 1; c <= nc; c++)
		if (pa[c].days[K_NIGHT] &&
		    (!home || better(&pa[c], &pa[home], K_NIGHT)))
			home = c;
	for (size_t c = 1; c <= nc; c++)
		if (c != home && pa[c].days[K_WORK] &&
		    (!work || better(&pa[c], &pa[work], K_WORK)))
			work = c;
	/* rows, place by place, with the centroid of its positions */
	const char *sub = R->e[a].k + POSLEN;
	size_t sublen = R->e[a].len - POSLEN;
	for (size_t c = 1; c <= nc; c++) {
		struct pagg *p = &pa[c];
		size_t nw = 0;
		for (size_t r = a; r < b; r++) {
			if (R->cl[r] != c)
				continue;
			double lat, lon;
			memcpy(&lat, R->e[r].k, 8);
			memcpy(&lon, R->e[r].k + 8, 8);
			R->wp[nw++] = (struct geo_wpoint){
				lat, lon, g->s[R->e[r].id].records };
		}
		struct table *t = R->t;
		size_t row = table_add_row(t);
		char num[24];
		int n = snprintf(num, sizeof(num), "%zu", c);
		table_set_text(t, row, PC_SUB, sub, sublen);
		table_set_text(t, row, PC_PLACE, num, (size_t)n);
		const char *label = c == home ? "home" : c == work ? "work" :
								    "other";
		table_set_text(t, row, PC_LABEL, label, strlen(label));
		double clat, clon;
		if (geo_centroid(R->wp, nw, &clat, &clon) == 0) {
			table_set_i64(t, row, PC_LAT,
				      (int64_t)llround(clat * 1e6));
			table_set_i64(t, row, PC_LON,
				      (int64_t)llround(clon * 1e6));
		}
		table_set_u64(t, row, PC_DAYS, p->days[K_DATE]);
		table_set_u64(t, row, PC_NIGHTS, p->days[K_NIGHT]);
		table_set_u64(t, row, PC_WORKDAYS, p->days[K_WORK]);
		table_set_u64(t, row, PC_RECORDS, p->records);
		if (c == home)
			set_ratio(t, row, p->top[K_NIGHT], total[K_NIGHT]);
		else if (c == work)
			set_ratio(t, row, p->top[K_WORK], total[K_WORK]);
		if (p->first <= p->last) {
			table_set_i64(t, row, PC_FIRST, p->first);
			table_set_i64(t, row, PC_LAST, p->last);
		}
	}
	free(pa);
	return 0;
}

static void count_row(struct table *t, const char *name, uint64_t n)
{
	size_t row = table_add_row(t);
	table_set_text(t, row, PC_PLACE, name, strlen(name));
	table_set_u64(t, row, PC_RECORDS, n);
}

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct places *g = state;
	(void)rf;
	table_init(t, places_columns, PC_NCOLS);
	size_t n = intern_count(&g->sp);
	struct spe *e = sp_sorted(g, cmp_sub_pos);
	uint32_t *rank = xcalloc(n ? n : 1, sizeof(*rank));
	uint32_t *grp = xcalloc(n ? n : 1, sizeof(*grp));
	uint32_t ng = 0;
	for (size_t r = 0; r < n; r++) {
		rank[e[r].id] = (uint32_t)r;
		if (r && (e[r].len != e[r - 1].len ||
			  memcmp(e[r].k + POSLEN, e[r - 1].k + POSLEN,
				 e[r].len - POSLEN)))
			ng++;
		grp[r] = ng;
	}
	size_t nde = intern_count(&g->day);
	struct dent *de = dents(g, rank, grp);
	qsort(de, nde, sizeof(*de), cmp_dent);
	uint64_t *sdays = xcalloc(n ? n : 1, sizeof(*sdays));
	for (size_t i = 0; i < nde; i++)
		if (de[i].kind == K_DATE)
			sdays[de[i].rank]++;
	struct rep R = {
		g, e, sdays, de, nde, 0,
		xcalloc(n ? n : 1, sizeof(uint32_t)), 0,
		xcalloc(n ? n : 1, sizeof(struct dbscan_point)),
		xcalloc(n ? n : 1, sizeof(uint32_t)),
		xcalloc(n ? n : 1, sizeof(struct geo_wpoint)), t, d,
	};
	int rc = 0;
	for (size_t a = 0; a < n && rc == 0;) {
		size_t b = a + 1;
		while (b < n && grp[b] == grp[a])
			b++;
		rc = subscriber_rows(&R, grp[a], a, b);
		a = b;
	}
	if (rc == 0) {
		count_row(t, "noise", R.noise);
		if (g->nosub)
			count_row(t, "no_subscriber", g->nosub);
		if (g->nopos)
			count_row(t, "no_position", g->nopos);
	}
	free(R.cl);
	free(R.pts);
	free(R.pr);
	free(R.wp);
	free(sdays);
	free(de);
	free(grp);
	free(rank);
	free(e);
	return rc;
}

/* ---- partial section GPLC ----
 *   u64 place-eps (bits of the double), uvarint place-min-days, uvarint
 *   night start, end, work start, end (minutes); uvarint records, nopos,
 *   nosub; uvarint count of (position, subscriber) entries, each in
 *   ascending key bytes:
 *     bytes key (16 bytes of position, then the subscriber),
 *     uvarint records, svarint first, last,
 *     uvarint count of its dates, each in ascending (kind, date):
 *       u8 kind (0 date, 1 night, 2 working day), svarint date (days
 *       since 1970-01-01), uvarint records
 */
static void op_save(void *state, struct partial_writer *w)
{
	struct places *g = state;
	uint64_t eb;
	memcpy(&eb, &g->o.eps_m, 8);
	partial_section_begin(w, PLACES_TAG);
	partial_put_u64(w, eb);
	partial_put_uvarint(w, g->o.min_days);
	partial_put_uvarint(w, (uint64_t)g->o.night.start);
	partial_put_uvarint(w, (uint64_t)g->o.night.end);
	partial_put_uvarint(w, (uint64_t)g->o.work.start);
	partial_put_uvarint(w, (uint64_t)g->o.work.end);
	partial_put_uvarint(w, g->records);
	partial_put_uvarint(w, g->nopos);
	partial_put_uvarint(w, g->nosub);
	size_t n = intern_count(&g->sp);
	struct spe *e = sp_sorted(g, cmp_bytes);
	uint32_t *rank = xcalloc(n ? n : 1, sizeof(*rank));
	for (size_t r = 0; r < n; r++)
		rank[e[r].id] = (uint32_t)r;
	size_t nde = intern_count(&g->day);
	struct dent *de = dents(g, rank, NULL);
	qsort(de, nde, sizeof(*de), cmp_dent_save);
	partial_put_uvarint(w, n);
	size_t di = 0;
	for (size_t r = 0; r < n; r++) {
		const struct sprec *s = &g->s[e[r].id];
		partial_put_bytes(w, e[r].k, e[r].len);
		partial_put_uvarint(w, s->records);
		partial_put_svarint(w, s->first);
		partial_put_svarint(w, s->last);
		size_t end = di;
		while (end < nde && de[end].rank == r)
			end++;
		partial_put_uvarint(w, end - di);
		for (; di < end; di++) {
			partial_put_u8(w, (unsigned)de[di].kind);
			partial_put_svarint(w, de[di].day);
			partial_put_uvarint(w, de[di].count);
		}
	}
	free(de);
	free(rank);
	free(e);
	partial_section_end(w);
}

/* one (position, subscriber) entry and its dates; sets r->failed */
static void load_sp(struct partial_reader *r, struct places *g,
		    uint64_t *sum)
{
	size_t len;
	const unsigned char *k = partial_get_bytes(r, &len);
	double lat, lon;
	if (!k || len <= POSLEN || len > INTERN_MAX_LEN) {
		r->failed = 1;
		return;
	}
	memcpy(&lat, k, 8);
	memcpy(&lon, k + 8, 8);
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) ||
	    intern_get(&g->sp, (const char *)k, len) >= 0) {
		r->failed = 1;
		return;
	}
	uint32_t id = sp_put(g, (const char *)k, len);
	struct sprec *s = &g->s[id];
	s->records = partial_get_uvarint(r);
	s->first = partial_get_svarint(r);
	s->last = partial_get_svarint(r);
	if (s->records < 1 || __builtin_add_overflow(*sum, s->records, sum)) {
		r->failed = 1;
		return;
	}
	uint64_t nd = partial_get_count(r, 3);
	uint64_t by[K_COUNT] = { 0 };
	int pk = -1;
	int64_t pd = 0;
	for (uint64_t i = 0; i < nd && !r->failed; i++) {
		int kind = (int)partial_get_u8(r);
		int64_t day = partial_get_svarint(r);
		uint64_t c = partial_get_uvarint(r);
		if (kind >= K_COUNT || day < -MAX_DAY || day > MAX_DAY ||
		    c < 1 || (kind < pk || (kind == pk && day <= pd)) ||
		    (kind == K_WORK && weekday(day) > 5) ||
		    __builtin_add_overflow(by[kind], c, &by[kind])) {
			r->failed = 1;
			return;
		}
		pk = kind;
		pd = day;
		day_add(g, id, kind, day, c);
	}
	for (int kind = 0; kind < K_COUNT; kind++)
		if (by[kind] > by[K_DATE] || by[kind] > s->records)
			r->failed = 1;
	if (by[K_DATE] ? s->first > s->last :
			 (s->first != INT64_MAX || s->last != INT64_MIN))
		r->failed = 1;
}

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct places *g = state;
	struct partial_reader r;
	(void)ninputs;
	if (partial_section(pf, PLACES_TAG, &r) < 0) {
		diag_error(d, "not a usable partial file: no GPLC section");
		return -1;
	}
	uint64_t eb = partial_get_u64(&r);
	memcpy(&g->o.eps_m, &eb, 8);
	g->o.min_days = partial_get_uvarint(&r);
	uint64_t win[4];
	for (int i = 0; i < 4; i++) {
		win[i] = partial_get_uvarint(&r);
		if (win[i] > 1440)
			r.failed = 1;
	}
	g->o.night.start = (int)(win[0] & 0x7ff);
	g->o.night.end = (int)(win[1] & 0x7ff);
	g->o.work.start = (int)(win[2] & 0x7ff);
	g->o.work.end = (int)(win[3] & 0x7ff);
	g->have_opts = 1;
	if (!(g->o.eps_m > 0) || !(g->o.eps_m <= 0.5 * GEO_EARTH_RADIUS_M) ||
	    g->o.min_days < 1 || !window_ok(&g->o.night) ||
	    !window_ok(&g->o.work))
		r.failed = 1;
	g->records = partial_get_uvarint(&r);
	g->nopos = partial_get_uvarint(&r);
	g->nosub = partial_get_uvarint(&r);
	uint64_t sum = 0;
	if (__builtin_add_overflow(g->nopos, g->nosub, &sum))
		r.failed = 1;
	uint64_t n = r.failed ? 0 : partial_get_count(&r, POSLEN + 6);
	for (uint64_t i = 0; i < n && !r.failed; i++)
		load_sp(&r, g, &sum);
	if (!r.failed && sum != g->records)
		r.failed = 1;
	return partial_reader_finish(&r, pf, d);
}

const struct analysis_ops places_analysis = {
	"places", PLACES_TAG, op_needs, op_options_key, op_create,
	op_feed_new, op_add, op_feed_free, op_merge, NULL, NULL, op_report,
	op_save, op_load, op_destroy, NULL,
};
