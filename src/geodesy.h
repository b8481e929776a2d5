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

#endif
