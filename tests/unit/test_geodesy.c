/*
 * test_geodesy.c - the cluster summaries of geodesy.c: a centroid across
 * the antimeridian stays there, weights move it, the 90th percentile
 * radius counts records not positions (the GeoJSON hulls are hull.c's,
 * tested by t5300 against an oracle). Expected values are worked out by hand from the definitions in geodesy.h.
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
}
