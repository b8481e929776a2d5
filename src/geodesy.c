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
