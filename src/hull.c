/*
 * hull.c - a cluster's convex hull as GeoJSON geometry (see hull.h):
 * Andrew's monotone chain in the centroid's (lon, lat) tangent plane,
 * then the cut along the antimeridian (Sutherland-Hodgman against the
 * meridian, once for each side).
 */
#include "hull.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"
#include "banned.h"

#define DEG2RAD(d) ((d) * (M_PI / 180.0))

struct hpt {
	double x, y;     /* the tangent plane: degrees east and north */
	double lat, lon; /* the position as given */
	double u;        /* lon taken within 180 of the centre's: outside
			    [-180, 180] when the cluster crosses there */
};

/* a vertex of the output: lon as written */
struct vtx {
	double lat, lon;
};

static int cmp_hpt(const void *pa, const void *pb)
{
	const struct hpt *a = pa, *b = pb;
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->lat != b->lat)
		return a->lat < b->lat ? -1 : 1;
	return a->lon < b->lon ? -1 : a->lon > b->lon;
}

/* twice the signed area of (o, a, b): > 0 for a left turn */
static double cross(const struct hpt *o, const struct hpt *a,
		    const struct hpt *b)
{
	return (a->x - o->x) * (b->y - o->y) - (a->y - o->y) * (b->x - o->x);
}

/* 'a' turns left of o->b by more than HULL_COLLINEAR_DEG: keep it */
static int left_turn(const struct hpt *o, const struct hpt *a,
		     const struct hpt *b)
{
	double len = hypot(b->x - o->x, b->y - o->y);
	return cross(o, a, b) > HULL_COLLINEAR_DEG * len;
}

void hull_add_coord(struct buf *out, double v)
{
	char s[32];
	v += 0.0; /* -0 as 0 */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	buf_adds(out, s);
}

static void add_pos(struct buf *out, double lon, double lat)
{
	buf_addch(out, '[');
	hull_add_coord(out, lon);
	buf_addch(out, ',');
	hull_add_coord(out, lat);
	buf_addch(out, ']');
}

/* a closed ring of 'n' vertices: [[lon,lat],...,first] */
static void add_ring(struct buf *out, const struct vtx *v, size_t n)
{
	buf_addch(out, '[');
	for (size_t i = 0; i <= n; i++) {
		if (i)
			buf_addch(out, ',');
		add_pos(out, v[i % n].lon, v[i % n].lat);
	}
	buf_addch(out, ']');
}

/*
 * The part of the ring 'h' (k vertices, counterclockwise) on one side of
 * the meridian u = L: u <= L when 'le', else u >= L; its vertices go to
 * 'out' (room for 2k) with longitudes as written in that part ('ps' is
 * what the part's longitudes are shifted by: 0 or -+360). Returns the
 * count.
 */
static size_t clip(const struct hpt *h, size_t k, double L, int le,
		   double ps, struct vtx *out)
{
	size_t m = 0;
	for (size_t i = 0; i < k; i++) {
		const struct hpt *p = &h[i], *q = &h[(i + 1) % k];
		double sp = le ? p->u - L : L - p->u;
		double sq = le ? q->u - L : L - q->u;
		if (sp <= 0) {
			out[m].lat = p->lat;
			out[m].lon = p->u == L ? L + ps : p->lon;
			m++;
		}
		if ((sp < 0 && sq > 0) || (sp > 0 && sq < 0)) {
			double t = (L - p->u) / (q->u - p->u);
			out[m].lat = p->lat + (q->lat - p->lat) * t;
			out[m].lon = L + ps;
			m++;
		}
	}
	return m;
}

/* a part worth drawing: three vertices enclosing some area */
static int real_part(const struct vtx *v, size_t n)
{
	double a = 0;
	if (n < 3)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct vtx *p = &v[i], *q = &v[(i + 1) % n];
		a += p->lon * q->lat - q->lon * p->lat;
	}
	return a > 0;
}

static void polygon(const struct hpt *h, size_t k, double L,
		    struct buf *out)
{
	struct vtx *v = xcalloc(2 * k, sizeof(*v));
	if (L == 0) {
		for (size_t i = 0; i < k; i++) {
			v[i].lat = h[i].lat;
			v[i].lon = h[i].u;
		}
		buf_adds(out, "{\"type\":\"Polygon\",\"coordinates\":[");
		add_ring(out, v, k);
		buf_adds(out, "]}");
		free(v);
		return;
	}
	/* the part up to lon 180 first, then the part from lon -180 */
	struct vtx *w = xcalloc(2 * k, sizeof(*w));
	size_t a, b;
	if (L > 0) {
		a = clip(h, k, L, 1, 0, v);
		b = clip(h, k, L, 0, -360, w);
	} else {
		a = clip(h, k, L, 1, 360, v);
		b = clip(h, k, L, 0, 0, w);
	}
	int ra = real_part(v, a), rb = real_part(w, b);
	if (ra && rb) {
		buf_adds(out, "{\"type\":\"MultiPolygon\",\"coordinates\":[[");
		add_ring(out, v, a);
		buf_adds(out, "],[");
		add_ring(out, w, b);
		buf_adds(out, "]]}");
	} else {
		buf_adds(out, "{\"type\":\"Polygon\",\"coordinates\":[");
		if (ra || !rb)
			add_ring(out, v, a ? a : 1);
		else
			add_ring(out, w, b);
		buf_adds(out, "]}");
	}
	free(w);
	free(v);
}

static void line(const struct hpt *e1, const struct hpt *e2, double L,
		 struct buf *out)
{
	const struct hpt *lo = e1->u <= e2->u ? e1 : e2;
	const struct hpt *hi = lo == e1 ? e2 : e1;
	if (L == 0) {
		buf_adds(out, "{\"type\":\"LineString\",\"coordinates\":[");
		add_pos(out, lo->u, lo->lat);
		buf_addch(out, ',');
		add_pos(out, hi->u, hi->lat);
		buf_adds(out, "]}");
		return;
	}
	if (lo->u < L && hi->u > L) {
		double lat = lo->lat + (hi->lat - lo->lat) * (L - lo->u) /
					       (hi->u - lo->u);
		/* the part up to 180: lo when cut at 180, hi at -180 */
		const struct hpt *pos = L > 0 ? lo : hi, *neg = L > 0 ? hi : lo;
		buf_adds(out, "{\"type\":\"MultiLineString\",\"coordinates\":[[");
		add_pos(out, pos->lon, pos->lat);
		buf_addch(out, ',');
		add_pos(out, 180, lat);
		buf_adds(out, "],[");
		add_pos(out, -180, lat);
		buf_addch(out, ',');
		add_pos(out, neg->lon, neg->lat);
		buf_adds(out, "]]}");
		return;
	}
	/* on one side of the meridian, touching it: written on that side */
	buf_adds(out, "{\"type\":\"LineString\",\"coordinates\":[");
	double side = (lo->u < L || hi->u < L) ? (L < 0 ? 360 : 0) :
						  (L > 0 ? -360 : 0);
	add_pos(out, lo->u == L ? L + side : lo->lon, lo->lat);
	buf_addch(out, ',');
	add_pos(out, hi->u == L ? L + side : hi->lon, hi->lat);
	buf_adds(out, "]}");
}

void hull_geojson(const struct geo_wpoint *p, size_t n, double clat,
		  double clon, struct buf *out)
{
	struct buf g = BUF_INIT;
	struct hpt *pt = xcalloc(n ? n : 1, sizeof(*pt));
	struct hpt *h = xcalloc(2 * n + 1, sizeof(*h));
	double cosc = cos(DEG2RAD(clat));
	if (cosc < 0.01)
		cosc = 0.01; /* at a pole: keep the x axis from vanishing */
	for (size_t i = 0; i < n; i++) {
		double d = p[i].lon - clon;
		double shift = d > 180 ? -360 : d <= -180 ? 360 : 0;
		pt[i].lat = p[i].lat;
		pt[i].lon = p[i].lon;
		pt[i].u = p[i].lon + shift;
		pt[i].x = (d + shift) * cosc;
		pt[i].y = p[i].lat - clat;
	}
	qsort(pt, n, sizeof(*pt), cmp_hpt);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || pt[i].x != pt[m - 1].x || pt[i].y != pt[m - 1].y)
			pt[m++] = pt[i];
	/* the lower hull west to east, then the upper hull back: the
	   ring is counterclockwise */
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		while (k >= 2 && !left_turn(&h[k - 2], &h[k - 1], &pt[i]))
			k--;
		h[k++] = pt[i];
	}
	for (size_t i = m - 1, t = k + 1; i-- > 0;) {
		while (k >= t && !left_turn(&h[k - 2], &h[k - 1], &pt[i]))
			k--;
		h[k++] = pt[i];
	}
	if (m > 1)
		k--; /* the first vertex came back at the end */
	/* the meridian the hull crosses, if any (0: none); within 180 of
	   the centre, a hull can reach past one of the two only */
	double L = 0;
	for (size_t i = 0; i < k; i++) {
		if (h[i].u > 180)
			L = 180;
		else if (h[i].u < -180)
			L = -180;
	}
	if (m <= 1) {
		buf_adds(&g, "{\"type\":\"Point\",\"coordinates\":");
		add_pos(&g, m ? pt[0].lon : 0, m ? pt[0].lat : 0);
		buf_addch(&g, '}');
	} else if (k <= 2) {
		line(&h[0], &h[k - 1], L, &g);
	} else {
		polygon(h, k, L, &g);
	}
	buf_add(out, g.data, g.len);
	buf_release(&g);
	free(h);
	free(pt);
}
