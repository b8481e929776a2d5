/*
 * geodesy.c - haversine distance, bearing and bounding boxes (geodesy.h).
 *
 * Haversine (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope
 * 68(2), 1984), well conditioned for the short distances we care about:
 *
 *   a = sin^2(dlat/2) + cos(lat1) cos(lat2) sin^2(dlon/2)
 *   d = 2 R asin(min(1, sqrt(a)))
 *
 * Box around a circle of radius r (angular radius q = r / R): latitude
 * lat +- q exactly; longitude lon +- asin(sin q / cos lat), the widest
 * point of the circle (J. P. Matuschek, "Finding points within a distance
 * of a latitude/longitude using bounding coordinates"). The asin form is
 * exact for the sphere, so the box never cuts the circle.
 *
 *        lat_max +-----------+
 *                |   .---.   |
 *                |  /  o  \  |   o = (lat, lon), circle of radius r
 *                |  \     /  |
 *                |   '---'   |
 *        lat_min +-----------+
 *             lon_min     lon_max
 */
#include "geodesy.h"

#include <math.h>
#include <stdlib.h>

#include "banned.h"

#define DEG2RAD(x) ((x) * (M_PI / 180.0))
#define RAD2DEG(x) ((x) * (180.0 / M_PI))

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = DEG2RAD(lat1), p2 = DEG2RAD(lat2);
	double dp = p2 - p1, dl = DEG2RAD(lon2 - lon1);
	double s1 = sin(dp / 2), s2 = sin(dl / 2);
	double a = s1 * s1 + cos(p1) * cos(p2) * s2 * s2;
	if (a > 1.0)
		a = 1.0;
	return 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(a));
}

double geo_bearing_deg(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = DEG2RAD(lat1), p2 = DEG2RAD(lat2);
	double dl = DEG2RAD(lon2 - lon1);
	double y = sin(dl) * cos(p2);
	double x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl);
	double b = RAD2DEG(atan2(y, x));
	b = fmod(b + 360.0, 360.0);
	return b >= 360.0 ? 0.0 : b;
}

int geo_box_around(double lat, double lon, double r, struct geo_box *out)
{
	double q = r / GEO_EARTH_RADIUS_M; /* angular radius, radians */
	double p = DEG2RAD(lat), dlon;

	if (!(r >= 0) || q >= M_PI / 2)
		return -1;
	out->lat_min = RAD2DEG(p - q);
	out->lat_max = RAD2DEG(p + q);
	if (out->lat_min <= -90.0 || out->lat_max >= 90.0)
		return -1;
	dlon = RAD2DEG(asin(sin(q) / cos(p)));
	out->lon_min = lon - dlon;
	out->lon_max = lon + dlon;
	if (out->lon_min < -180.0 || out->lon_max > 180.0)
		return -1;
	/* a hair wider, so that rounding never excludes a point on the rim */
	out->lat_min -= 1e-9;
	out->lat_max += 1e-9;
	out->lon_min -= 1e-9;
	out->lon_max += 1e-9;
	return 0;
}

/* ---- summaries of a set of positions (geo clusters) ---- */

int geo_centroid(const struct geo_wpoint *p, size_t n, double *lat,
		 double *lon)
{
	double x = 0, y = 0, z = 0, w = 0;
	for (size_t i = 0; i < n; i++) {
		double phi = DEG2RAD(p[i].lat), lam = DEG2RAD(p[i].lon);
		double k = (double)p[i].weight;
		x += k * cos(phi) * cos(lam);
		y += k * cos(phi) * sin(lam);
		z += k * sin(phi);
		w += k;
	}
	double r = sqrt(x * x + y * y + z * z);
	if (!(w > 0) || r < 1e-9 * w)
		return -1;
	*lat = RAD2DEG(asin(z / r > 1 ? 1 : z / r < -1 ? -1 : z / r));
	*lon = (x == 0 && y == 0) ? 0 : RAD2DEG(atan2(y, x));
	return 0;
}

struct dist_w {
	double d;     /* metres */
	uint64_t w;   /* weight */
};

size_t geo_radii_scratch(size_t n)
{
	return n * sizeof(struct dist_w);
}

static int cmp_dist_w(const void *a, const void *b)
{
	const struct dist_w *x = a, *y = b;
	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	return x->w < y->w ? -1 : x->w > y->w;
}

void geo_radii(const struct geo_wpoint *p, size_t n, double lat, double lon,
	       void *scratch, double *max_m, double *p90_m)
{
	struct dist_w *dw = scratch;
	uint64_t total = 0;
	*max_m = *p90_m = 0;
	for (size_t i = 0; i < n; i++) {
		dw[i].d = geo_distance_m(lat, lon, p[i].lat, p[i].lon);
		dw[i].w = p[i].weight;
		total += p[i].weight;
		if (dw[i].d > *max_m)
			*max_m = dw[i].d;
	}
	qsort(dw, n, sizeof(*dw), cmp_dist_w);
	/* the first distance whose cumulative weight reaches 90%, in
	 * integers: 10 * cum >= 9 * total (128 bits: no overflow) */
	unsigned __int128 cum = 0, want = (unsigned __int128)total * 9;
	for (size_t k = 0; k < n; k++) {
		cum += dw[k].w;
		if (cum * 10 >= want) {
			*p90_m = dw[k].d;
			break;
		}
	}
}
