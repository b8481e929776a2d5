/*
 * dbscan.c - weighted DBSCAN on the sphere over an exact grid (Gan and
 * Tao, "DBSCAN Revisited", SIGMOD 2015), without pairwise distances.
 *
 * Distance. scikit-learn's haversine works on the "rdist"
 *     r(p, q) = sin^2((lat_p - lat_q)/2) + cos lat_p cos lat_q sin^2((lon_p - lon_q)/2)
 * (radians), and p, q are neighbours when r(p, q) <= sin^2(e/2), e = eps/R.
 * Every exact test here computes that expression the same way, so points
 * at the boundary fall on the same side as in scikit-learn.
 *
 * Grid. Latitude is cut into bands of height h = e/sqrt(2). In band b,
 * with c the largest cos lat_p cos lat_q of two points of the band (the
 * band's latitude nearest the equator, squared), longitude is cut into
 * equal cells no wider than w, the largest width with
 *     hav(h) + c hav(w) <= hav(e)           (hav(x) = sin^2(x/2))
 * (shrunk by 1e-9 against rounding). Two points of one cell are then
 * within eps of each other: this is the "widened in longitude by
 * 1/cos(latitude)" cell of side eps/sqrt(2). Near the equator w is about
 * h; towards a pole the cells widen until one cell takes the whole band.
 *
 *       lon ->   cells of band b+1 (wider: further from the equator)
 *     +-------+-------+-------+
 *     |   .   |  . .  |       |  band b+1
 *     +-----+-----+-----+-----+
 *     |  .  | ..p |     |     |  band b     h = e / sqrt 2
 *     +-----+-----+-----+-----+
 *
 * Only the bands within two of a point's band are laid out (their cell
 * widths computed), so one call costs what its points need, not what the
 * sphere holds: `geo --per subscriber` makes one call per subscriber.
 *
 * Queries. The neighbours of p lie in bands b-2..b+2 (e = sqrt(2) h) and,
 * in each, in the cells that meet the longitude range of the spherical
 * cap of radius e around p: |dlon| <= asin(sin e / cos lat_p), or every
 * longitude when the cap holds a pole. Points are sorted by (band, cell),
 * so each range of cells is found by binary search.
 *
 * Steps, each exact:
 *   1. core: a cell whose weight alone reaches min_weight makes all its
 *      points core with no distance test; otherwise a point adds its own
 *      cell's weight (all within eps) and tests the other candidates,
 *      stopping as soon as min_weight is reached;
 *   2. clusters: the core points of a cell are one set (union-find); two
 *      cells' sets are joined when some pair of their core points is
 *      within eps, the pairs tested only until one is found;
 *   3. border: a non-core point with a core neighbour takes the cluster
 *      of the nearest one, ties broken by that core point's (lat, lon);
 *   4. numbering: by total weight, largest first, then by the smallest
 *      (lat, lon) of the cluster's points.
 * Work grows with points times candidate neighbours; dense cells cost
 * nothing in step 1 (the benchmark reports distance tests per point).
 */
#include "dbscan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "geodesy.h"
#include "xalloc.h"
#include "banned.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

struct gp {
	double phi, lam;    /* radians */
	double cphi;        /* cos(phi), as scikit-learn computes it */
	double lat, lon;    /* degrees, as given (for ties and numbering) */
	uint64_t w;         /* weight */
	uint32_t idx;       /* index in the caller's array */
	uint32_t band;      /* latitude band */
	uint32_t bi;        /* its index in grid.bands */
	uint32_t cell;      /* longitude cell within the band */
};

/* A latitude band that holds points or may hold their neighbours. */
struct band {
	uint32_t band;      /* its number, 0 at the south pole */
	uint32_t ncell;     /* longitude cells */
	double cellw;       /* their width, radians */
};

struct gcell {
	uint32_t band, cell;
	size_t start, end;  /* its points in the sorted array */
	uint64_t w;         /* their weight */
	int has_core;       /* some point of the cell is core */
};

struct grid {
	double e;           /* eps in radians */
	double thr;         /* sin^2(e/2): the neighbour test on rdist */
	double h;           /* band height, radians */
	uint32_t nbands;    /* bands on the sphere */
	struct band *bands; /* the bands within two of a point's, ascending */
	size_t nb;
	struct gp *p;       /* points, sorted by (band, cell, lat, lon) */
	size_t n;
	struct gcell *c;    /* non-empty cells, in (band, cell) order */
	size_t nc;
	size_t *cell_of;    /* per sorted point: its cell */
	uint64_t tests;     /* exact distance tests made (sin() calls) */
};

double dbscan_rdist(double lat1, double lon1, double lat2, double lon2)
{
	double s0 = sin(0.5 * (lat1 - lat2));
	double s1 = sin(0.5 * (lon1 - lon2));
	return s0 * s0 + cos(lat1) * cos(lat2) * s1 * s1;
}

static double hav(double x)
{
	double s = sin(0.5 * x);
	return s * s;
}

static int cmp_gp(const void *a, const void *b)
{
	const struct gp *x = a, *y = b;
	if (x->band != y->band)
		return x->band < y->band ? -1 : 1;
	if (x->cell != y->cell)
		return x->cell < y->cell ? -1 : 1;
	if (x->lat != y->lat)
		return x->lat < y->lat ? -1 : 1;
	if (x->lon != y->lon)
		return x->lon < y->lon ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The longitude cells of band 'b' (see the design comment). */
static void band_cells(const struct grid *g, uint32_t b, struct band *out)
{
	double he = hav(g->e), hh = hav(g->h);
	double lo = -M_PI / 2 + b * g->h, hi = lo + g->h;
	if (hi > M_PI / 2)
		hi = M_PI / 2;
	double eq = (lo <= 0 && hi >= 0) ? 0 : fmin(fabs(lo), fabs(hi));
	double c = cos(eq) * cos(eq);
	double q = c > 0 ? (he - hh) / c : 2;
	uint32_t nc = 1;
	if (q < 1) {
		double w = 2 * asin(sqrt(q)) * (1 - 1e-9);
		double k = ceil(2 * M_PI / w);
		nc = k > 4e9 ? 4000000000u : (uint32_t)k;
	}
	out->band = b;
	out->ncell = nc;
	out->cellw = 2 * M_PI / nc;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * The bands the queries can reach: those within two of a point's band
 * (a point's neighbours lie in bands b-2..b+2), each once, ascending.
 * Only these are laid out, not the whole sphere: a small eps makes
 * millions of bands (eps 200 m: 141,000), and geo --per subscriber
 * clusters each subscriber's few points on its own.
 */
static void grid_bands(struct grid *g)
{
	uint32_t *pb = xcalloc(g->n, sizeof(*pb));
	for (size_t i = 0; i < g->n; i++)
		pb[i] = g->p[i].band;
	qsort(pb, g->n, sizeof(*pb), cmp_u32);
	size_t alloc = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (i && pb[i] == pb[i - 1])
			continue;
		uint32_t b0 = pb[i] >= 2 ? pb[i] - 2 : 0;
		uint32_t b1 = pb[i] + 2 < g->nbands ? pb[i] + 2 : g->nbands - 1;
		if (g->nb && g->bands[g->nb - 1].band >= b0)
			b0 = g->bands[g->nb - 1].band + 1;
		for (uint32_t b = b0; b <= b1; b++) {
			VEC_GROW(g->bands, g->nb + 1, alloc);
			band_cells(g, b, &g->bands[g->nb++]);
		}
	}
	free(pb);
}

/* The index in g->bands of band 'b', which is there. */
static uint32_t band_index(const struct grid *g, uint32_t b)
{
	size_t lo = 0, hi = g->nb;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->bands[mid].band < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= g->nb || g->bands[lo].band != b)
		BUG("dbscan: a point's band was not laid out");
	return (uint32_t)lo;
}

static uint32_t band_of(const struct grid *g, double phi)
{
	double b = floor((phi + M_PI / 2) / g->h);
	if (b < 0)
		return 0;
	if (b >= g->nbands)
		return g->nbands - 1;
	return (uint32_t)b;
}

static uint32_t cell_of(const struct band *bd, double lam)
{
	double c = floor((lam + M_PI) / bd->cellw);
	if (c < 0)
		return 0;
	if (c >= bd->ncell)
		return bd->ncell - 1;
	return (uint32_t)c;
}

/* The first cell at or after (band, cell) in the cell array. */
static size_t cell_lower(const struct grid *g, uint32_t band, uint32_t cell)
{
	size_t lo = 0, hi = g->nc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gcell *c = &g->c[mid];
		if (c->band < band || (c->band == band && c->cell < cell))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The candidate cells of point 'i' (sorted index), as up to 10 ranges
 * [from, to) of the cell array: two per band at most (a longitude range
 * that wraps around the antimeridian splits in two).
 */
struct cand {
	size_t from[10], to[10];
	int n;
};

static void add_range(const struct grid *g, struct cand *k, uint32_t band,
		      uint32_t ncell, uint32_t c1, uint32_t c2)
{
	size_t a = cell_lower(g, band, c1);
	size_t b = c2 + 1 >= ncell ? cell_lower(g, band + 1, 0) :
					      cell_lower(g, band, c2 + 1);
	if (a < b) {
		k->from[k->n] = a;
		k->to[k->n] = b;
		k->n++;
	}
}

static void candidates(const struct grid *g, const struct gp *p,
		       struct cand *k)
{
	k->n = 0;
	double dl = -1; /* half-width in longitude; < 0: every longitude */
	if (fabs(p->phi) + g->e < M_PI / 2) {
		double s = sin(g->e) / cos(p->phi);
		if (s < 1)
			dl = asin(s) + 1e-9;
	}
	uint32_t b0 = p->band >= 2 ? p->band - 2 : 0;
	uint32_t b1 = p->band + 2 < g->nbands ? p->band + 2 : g->nbands - 1;
	for (uint32_t b = b0; b <= b1; b++) {
		/* bands p->band-2..p->band+2 are all laid out, consecutively */
		const struct band *bd = &g->bands[p->bi - (p->band - b)];
		uint32_t nc = bd->ncell;
		if (dl < 0 || 2 * dl >= 2 * M_PI - bd->cellw) {
			add_range(g, k, b, nc, 0, nc - 1);
			continue;
		}
		double w = bd->cellw;
		int64_t c1 = (int64_t)floor((p->lam - dl + M_PI) / w);
		int64_t c2 = (int64_t)floor((p->lam + dl + M_PI) / w);
		if (c2 - c1 + 1 >= (int64_t)nc) {
			add_range(g, k, b, nc, 0, nc - 1);
			continue;
		}
		/* wrap into [0, nc) */
		int64_t m = (int64_t)nc;
		int64_t a = ((c1 % m) + m) % m, z = ((c2 % m) + m) % m;
		if (a <= z) {
			add_range(g, k, b, nc, (uint32_t)a, (uint32_t)z);
		} else {
			add_range(g, k, b, nc, (uint32_t)a, nc - 1);
			add_range(g, k, b, nc, 0, (uint32_t)z);
		}
	}
}

/* The exact rdist of two grid points (their cosines kept). */
static double rdist_gp(const struct gp *a, const struct gp *b)
{
	double s0 = sin(0.5 * (a->phi - b->phi));
	double s1 = sin(0.5 * (a->lam - b->lam));
	return s0 * s0 + a->cphi * b->cphi * s1 * s1;
}

/*
 * Whether 'a' and 'b' are neighbours: rdist <= thr, decided without sin()
 * where the answer is certain. For 0 <= x < 0.01, x - x^3/6 <= sin x <= x,
 * which bounds rdist between L and U; a decision is taken from the bounds
 * only with a margin (1e-9 relative) far above their rounding errors, and
 * everything closer is computed exactly, so the answer is always the
 * exact formula's.
 */
static int near_pts(struct grid *g, const struct gp *a, const struct gp *b)
{
	double x0 = fabs(0.5 * (a->phi - b->phi));
	double x1 = fabs(0.5 * (a->lam - b->lam));
	double c = a->cphi * b->cphi;
	if (x0 < 0.01 && x1 < 0.01) {
		double u = x0 * x0 + c * x1 * x1;
		if (u <= g->thr * (1 - 1e-9))
			return 1;
		double l0 = x0 - x0 * x0 * x0 / 6, l1 = x1 - x1 * x1 * x1 / 6;
		if (l0 * l0 + c * l1 * l1 > g->thr * (1 + 1e-9))
			return 0;
	}
	g->tests++;
	return rdist_gp(a, b) <= g->thr;
}

/* union-find over sorted point indices */
static size_t uf_find(size_t *up, size_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

static void uf_union(size_t *up, size_t a, size_t b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a == b)
		return;
	if (a < b)
		up[b] = a;
	else
		up[a] = b;
}

struct cl {
	size_t root;        /* union-find root */
	uint64_t w;         /* total weight */
	double lat, lon;    /* smallest (lat, lon) of its points */
};

static int cmp_cl(const void *a, const void *b)
{
	const struct cl *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	if (x->lat != y->lat)
		return x->lat < y->lat ? -1 : 1;
	if (x->lon != y->lon)
		return x->lon < y->lon ? -1 : 1;
	return 0;
}

static int cmp_root(const void *a, const void *b)
{
	const struct cl *x = a, *y = b;
	return x->root < y->root ? -1 : x->root > y->root;
}

static int pt_less(const struct gp *a, const struct gp *b)
{
	return a->lat < b->lat || (a->lat == b->lat && a->lon < b->lon);
}

int dbscan_run(const struct dbscan_point *pts, size_t n,
	       const struct dbscan_opts *o, struct dbscan_result *res)
{
	memset(res, 0, sizeof(*res));
	if (!(o->eps_m > 0) || !isfinite(o->eps_m) ||
	    o->eps_m / GEO_EARTH_RADIUS_M > 0.5 || o->min_weight < 1 ||
	    n > UINT32_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(fabs(pts[i].lat) <= 90) || !(fabs(pts[i].lon) <= 180) ||
		    pts[i].weight < 1)
			return -1;

	if (n == 0) {
		res->cluster = xcalloc(1, sizeof(*res->cluster));
		res->role = xcalloc(1, 1);
		return 0;
	}
	struct grid g;
	memset(&g, 0, sizeof(g));
	g.e = o->eps_m / GEO_EARTH_RADIUS_M;
	g.thr = hav(g.e);
	g.h = g.e / sqrt(2.0);
	g.nbands = (uint32_t)ceil(M_PI / g.h);
	if (g.nbands < 1)
		g.nbands = 1;
	g.n = n;
	g.p = xcalloc(n ? n : 1, sizeof(*g.p));
	for (size_t i = 0; i < n; i++) {
		struct gp *p = &g.p[i];
		p->lat = pts[i].lat;
		p->lon = pts[i].lon;
		p->phi = pts[i].lat * (M_PI / 180.0);
		p->lam = pts[i].lon * (M_PI / 180.0);
		p->cphi = cos(p->phi);
		p->w = pts[i].weight;
		p->idx = (uint32_t)i;
		p->band = band_of(&g, p->phi);
	}
	grid_bands(&g);
	for (size_t i = 0; i < n; i++) {
		struct gp *p = &g.p[i];
		p->bi = band_index(&g, p->band);
		p->cell = cell_of(&g.bands[p->bi], p->lam);
	}
	qsort(g.p, n, sizeof(*g.p), cmp_gp);

	size_t calloc_ = 0;
	g.cell_of = xcalloc(n ? n : 1, sizeof(*g.cell_of));
	for (size_t i = 0; i < n; i++) {
		if (!g.nc || g.c[g.nc - 1].band != g.p[i].band ||
		    g.c[g.nc - 1].cell != g.p[i].cell) {
			VEC_GROW(g.c, g.nc + 1, calloc_);
			g.c[g.nc++] = (struct gcell){ g.p[i].band, g.p[i].cell,
						      i, i, 0, 0 };
		}
		struct gcell *c = &g.c[g.nc - 1];
		c->end = i + 1;
		c->w = c->w + g.p[i].w < c->w ? UINT64_MAX : c->w + g.p[i].w;
		g.cell_of[i] = g.nc - 1;
	}

	/* 1. core points */
	unsigned char *core = xcalloc(n ? n : 1, 1);
	for (size_t ci = 0; ci < g.nc; ci++) {
		struct gcell *c = &g.c[ci];
		if (c->w >= o->min_weight) {
			memset(core + c->start, 1, c->end - c->start);
			c->has_core = 1;
			res->dense_cells++;
			continue;
		}
		for (size_t i = c->start; i < c->end; i++) {
			uint64_t sum = c->w;
			struct cand k;
			candidates(&g, &g.p[i], &k);
			for (int r = 0; r < k.n && sum < o->min_weight; r++) {
				for (size_t cj = k.from[r];
				     cj < k.to[r] && sum < o->min_weight; cj++) {
					if (cj == ci)
						continue;
					const struct gcell *d = &g.c[cj];
					for (size_t j = d->start;
					     j < d->end && sum < o->min_weight; j++)
						if (near_pts(&g, &g.p[i], &g.p[j]))
							sum += g.p[j].w;
				}
			}
			if (sum >= o->min_weight) {
				core[i] = 1;
				c->has_core = 1;
			}
		}
	}

	/* 2. clusters of core points */
	size_t *up = xcalloc(n ? n : 1, sizeof(*up));
	for (size_t i = 0; i < n; i++)
		up[i] = i;
	size_t *first_core = xcalloc(g.nc ? g.nc : 1, sizeof(*first_core));
	for (size_t ci = 0; ci < g.nc; ci++) {
		const struct gcell *c = &g.c[ci];
		first_core[ci] = SIZE_MAX;
		for (size_t i = c->start; i < c->end; i++) {
			if (!core[i])
				continue;
			if (first_core[ci] == SIZE_MAX)
				first_core[ci] = i;
			else
				uf_union(up, first_core[ci], i);
		}
	}
	for (size_t ci = 0; ci < g.nc; ci++) {
		const struct gcell *c = &g.c[ci];
		if (!c->has_core)
			continue;
		for (size_t i = c->start; i < c->end; i++) {
			if (!core[i])
				continue;
			struct cand k;
			candidates(&g, &g.p[i], &k);
			for (int r = 0; r < k.n; r++) {
				for (size_t cj = k.from[r]; cj < k.to[r]; cj++) {
					const struct gcell *d = &g.c[cj];
					if (cj <= ci || !d->has_core)
						continue;
					if (uf_find(up, first_core[ci]) ==
					    uf_find(up, first_core[cj]))
						continue;
					for (size_t j = d->start; j < d->end; j++) {
						if (core[j] &&
						    near_pts(&g, &g.p[i], &g.p[j])) {
							uf_union(up, i, j);
							break;
						}
					}
				}
			}
		}
	}

	/* 3. border points: the nearest core neighbour's set */
	size_t *owner = xcalloc(n ? n : 1, sizeof(*owner));
	for (size_t i = 0; i < n; i++) {
		owner[i] = SIZE_MAX;
		if (core[i]) {
			owner[i] = uf_find(up, i);
			continue;
		}
		if (o->border_none)
			continue;
		struct cand k;
		candidates(&g, &g.p[i], &k);
		size_t best = SIZE_MAX;
		double bestd = 0;
		for (int r = 0; r < k.n; r++) {
			for (size_t cj = k.from[r]; cj < k.to[r]; cj++) {
				const struct gcell *d = &g.c[cj];
				if (!d->has_core)
					continue;
				for (size_t j = d->start; j < d->end; j++) {
					if (!core[j])
						continue;
					g.tests++;
					double rd = rdist_gp(&g.p[i], &g.p[j]);
					if (rd > g.thr)
						continue;
					if (best == SIZE_MAX || rd < bestd ||
					    (rd == bestd &&
					     pt_less(&g.p[j], &g.p[best]))) {
						best = j;
						bestd = rd;
					}
				}
			}
		}
		if (best != SIZE_MAX)
			owner[i] = uf_find(up, best);
	}

	/* 4. number the clusters */
	struct cl *cls = NULL;
	size_t ncl = 0, clalloc = 0;
	for (size_t i = 0; i < n; i++) {
		if (!core[i] || uf_find(up, i) != i)
			continue;
		VEC_GROW(cls, ncl + 1, clalloc);
		cls[ncl++] = (struct cl){ i, 0, 0, 0 };
	}
	/* roots are found in sorted-index order, so 'cls' is sorted by root */
	for (size_t i = 0; i < n; i++) {
		if (owner[i] == SIZE_MAX)
			continue;
		struct cl key = { owner[i], 0, 0, 0 };
		struct cl *c = bsearch(&key, cls, ncl, sizeof(*cls), cmp_root);
		if (!c)
			BUG("dbscan: a point's set has no root");
		int first = c->w == 0;
		c->w = c->w + g.p[i].w < c->w ? UINT64_MAX : c->w + g.p[i].w;
		if (first || pt_less(&g.p[i], &(struct gp){ .lat = c->lat,
							     .lon = c->lon })) {
			c->lat = g.p[i].lat;
			c->lon = g.p[i].lon;
		}
	}
	struct cl *byroot = xcalloc(ncl ? ncl : 1, sizeof(*byroot));
	if (ncl) {
		memcpy(byroot, cls, ncl * sizeof(*cls));
		qsort(cls, ncl, sizeof(*cls), cmp_cl);
	}
	/* number[k] for byroot[k] */
	uint32_t *number = xcalloc(ncl ? ncl : 1, sizeof(*number));
	for (size_t k = 0; k < ncl; k++) {
		struct cl *c = bsearch(&cls[k], byroot, ncl, sizeof(*byroot),
				       cmp_root);
		number[c - byroot] = (uint32_t)(k + 1);
	}

	res->cluster = xcalloc(n ? n : 1, sizeof(*res->cluster));
	res->role = xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++) {
		uint32_t idx = g.p[i].idx;
		if (owner[i] == SIZE_MAX) {
			res->role[idx] = DB_NOISE;
			continue;
		}
		struct cl key = { owner[i], 0, 0, 0 };
		struct cl *c = bsearch(&key, byroot, ncl, sizeof(*byroot),
				       cmp_root);
		res->cluster[idx] = number[c - byroot];
		res->role[idx] = core[i] ? DB_CORE : DB_BORDER;
	}
	res->nclusters = (uint32_t)ncl;
	res->distance_tests = g.tests;
	res->cells = g.nc;

	free(number);
	free(byroot);
	free(cls);
	free(owner);
	free(first_core);
	free(up);
	free(core);
	free(g.cell_of);
	free(g.c);
	free(g.p);
	free(g.bands);
	return 0;
}

void dbscan_result_release(struct dbscan_result *res)
{
	free(res->cluster);
	free(res->role);
	memset(res, 0, sizeof(*res));
}
