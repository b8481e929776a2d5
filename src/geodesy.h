/*
 * geodesy.h - distances on the Earth for near() and the geo analyses:
 * great-circle distance by the haversine formula on a sphere of the mean
 * Earth radius, initial bearing, and a latitude/longitude box around a
 * circle for cheap rejection before the exact test. Accuracy: the sphere
 * is within 0.5% of the ellipsoid, far better than a cell's position.
 * Angles are degrees, distances metres. No state; thread-safe.
 */
#ifndef CDRSIFT_GEODESY_H
#define CDRSIFT_GEODESY_H

#include <stddef.h>
#include <stdint.h>

#define GEO_EARTH_RADIUS_M 6371008.8 /* IUGG mean radius R1 */

/* Great-circle distance in metres between two points. */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* Initial bearing from point 1 to point 2, degrees clockwise from north,
 * in [0, 360). */
double geo_bearing_deg(double lat1, double lon1, double lat2, double lon2);

struct geo_box {
	double lat_min, lat_max; /* degrees */
	double lon_min, lon_max; /* degrees, lon_min <= lon_max */
};

/*
 * The box holding every point within 'r' metres of (lat, lon). Returns 0,
 * or -1 when the circle reaches a pole or crosses the antimeridian, where
 * no such simple box exists (callers then test the distance alone).
 */
int geo_box_around(double lat, double lon, double r, struct geo_box *out);

static inline int geo_box_contains(const struct geo_box *b, double lat,
				   double lon)
{
	return lat >= b->lat_min && lat <= b->lat_max && lon >= b->lon_min &&
	       lon <= b->lon_max;
}

/* A weighted position, for the summaries below. */
struct geo_wpoint {
	double lat, lon;   /* degrees */
	uint64_t weight;   /* records, >= 1 */
};

/*
 * The record-weighted centroid of 'n' points: the mean of their unit
 * vectors, weighted, projected back onto the sphere, so a cluster across
 * the antimeridian has its centre there and not near longitude 0. Returns
 * 0, or -1 when the mean vector is (nearly) zero (points spread around
 * the globe: no meaningful centre).
 */
int geo_centroid(const struct geo_wpoint *p, size_t n, double *lat,
		 double *lon);

/*
 * The distances from (lat, lon) to the 'n' points: the largest into
 * '*max_m', and the record-weighted 90th percentile into '*p90_m' (the
 * smallest distance d such that points within d carry at least 90% of
 * the weight). 'scratch' holds 'n' doubles and 'n' indices for sorting
 * (geo_radii_scratch bytes).
 */
size_t geo_radii_scratch(size_t n);
void geo_radii(const struct geo_wpoint *p, size_t n, double lat, double lon,
	       void *scratch, double *max_m, double *p90_m);

#endif
