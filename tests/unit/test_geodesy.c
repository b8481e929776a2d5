/*
 * test_geodesy.c - the cluster summaries of geodesy.c: a centroid across
 * the antimeridian stays there, weights move it, the 90th percentile
 * radius counts records not positions, and the hull is the convex hull,
 * counterclockwise, with interior and collinear points left out. Expected
 * values are worked out by hand from the definitions in geodesy.h.
 */
#include "check.h"

#include <math.h>
#include <stdlib.h>

#include "geodesy.h"
#include "../../src/banned.h"

TEST_SUITE(geodesy)
{
	double lat, lon;
	/* two points either side of the antimeridian */
	struct geo_wpoint am[] = { { 10, 179, 1 }, { 10, -179, 1 } };
	CHECK_EQ_INT(geo_centroid(am, 2, &lat, &lon), 0);
	CHECK(fabs(fabs(lon) - 180) < 1e-9);
	CHECK(lat > 10 && lat < 10.01);
	/* weights: 3 records at the equator/0, 1 at the equator/90E */
	struct geo_wpoint wt[] = { { 0, 0, 3 }, { 0, 90, 1 } };
	CHECK_EQ_INT(geo_centroid(wt, 2, &lat, &lon), 0);
	CHECK(fabs(lon - atan2(1, 3) * 180 / M_PI) < 1e-9);
	CHECK(fabs(lat) < 1e-12);
	/* antipodes: no centre */
	struct geo_wpoint ap[] = { { 0, 0, 1 }, { 0, 180, 1 } };
	CHECK_EQ_INT(geo_centroid(ap, 2, &lat, &lon), -1);

	/* radii: 9 records at the centre, 1 at 1 degree of latitude */
	struct geo_wpoint rp[] = { { 0, 0, 9 }, { 1, 0, 1 } };
	char scratch[4096];
	double mx, p90;
	geo_radii(rp, 2, 0, 0, scratch, &mx, &p90);
	CHECK(fabs(mx - GEO_EARTH_RADIUS_M * M_PI / 180) < 1e-6);
	CHECK(p90 == 0);
	/* 8 and 2: 90% needs the far point too */
	rp[0].weight = 8;
	rp[1].weight = 2;
	geo_radii(rp, 2, 0, 0, scratch, &mx, &p90);
	CHECK(p90 == mx);

	/* hull: a square of 0.01 degrees with its centre, a point on its
	 * west edge (a meridian: a geodesic, so collinear; a point on a
	 * parallel would not be) and a duplicate; vertices counterclockwise
	 * from the south-west */
	struct geo_wpoint sq[] = {
		{ 3.00, 101.00, 1 }, { 3.01, 101.01, 1 }, { 3.005, 101.005, 1 },
		{ 3.00, 101.01, 1 }, { 3.01, 101.00, 1 }, { 3.005, 101.00, 1 },
		{ 3.01, 101.01, 1 },
	};
	size_t out[7];
	long k = geo_hull(sq, 7, 3.005, 101.005, scratch, out);
	CHECK_EQ_INT(k, 4);
	if (k == 4) {
		/* SW (0), SE (3), NE (1), NW (4) */
		CHECK_EQ_INT(out[0], 0);
		CHECK_EQ_INT(out[1], 3);
		CHECK(out[2] == 1 || out[2] == 6);
		CHECK_EQ_INT(out[3], 4);
		/* positive signed area in (lon, lat): counterclockwise */
		double area = 0;
		for (int i = 0; i < 4; i++) {
			const struct geo_wpoint *a = &sq[out[i]], *b = &sq[out[(i + 1) % 4]];
			area += a->lon * b->lat - b->lon * a->lat;
		}
		CHECK(area > 0);
	}
	/* a point on a parallel between two corners bulges out of the
	 * geodesic edge: it is a vertex */
	sq[5].lat = 3.00;
	sq[5].lon = 101.005;
	CHECK_EQ_INT(geo_hull(sq, 7, 3.005, 101.005, scratch, out), 5);
	/* across the antimeridian the hull is the small one */
	struct geo_wpoint tri[] = { { -17, 179.99, 1 }, { -17, -179.99, 1 },
				    { -16.99, 180, 1 } };
	CHECK_EQ_INT(geo_hull(tri, 3, -16.995, 180, scratch, out), 3);
	/* a point half a world away is refused */
	struct geo_wpoint far[] = { { 0, 0, 1 }, { 0, 100, 1 }, { 1, 0, 1 } };
	CHECK_EQ_INT(geo_hull(far, 3, 0, 0, scratch, out), -1);
	/* two points: both, no polygon */
	CHECK_EQ_INT(geo_hull(am, 2, 10, 180, scratch, out), 2);
}
