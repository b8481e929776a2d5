/*
 * dbscan.h - weighted DBSCAN on the sphere with an exact grid index, the
 * clustering behind `geo` (issue 14). It clusters distinct positions,
 * each with a weight (its record count), and knows nothing of records,
 * subscribers or output: the geo analysis aggregates what it reports.
 *
 * Definition (scikit-learn's DBSCAN(metric='haversine') with
 * sample_weight; the design comment in dbscan.c has the details):
 *   - distance: haversine on a sphere of radius GEO_EARTH_RADIUS_M;
 *   - the neighbours of a point are the points at distance <= eps, the
 *     point itself among them;
 *   - a point is core when its neighbours' weights sum to at least
 *     'min_weight';
 *   - clusters are the connected components of core points, two core
 *     points being connected when they are neighbours;
 *   - a non-core point with a core neighbour is a border point: it joins
 *     the cluster of its nearest core neighbour, ties broken by the
 *     smaller (lat, lon) of that core point; with 'border_none' it is
 *     noise instead (DBSCAN*);
 *   - every other point is noise.
 * Clusters are numbered from 1 by total weight (largest first), then by
 * the smallest (lat, lon) among their points, so the result depends on
 * the set of points and nothing else: not on their order.
 */
#ifndef CDRSIFT_DBSCAN_H
#define CDRSIFT_DBSCAN_H

#include <stddef.h>
#include <stdint.h>

struct dbscan_point {
	double lat, lon;      /* degrees; lat in [-90, 90], lon in [-180, 180] */
	uint64_t weight;      /* records at this position, >= 1 */
};

struct dbscan_opts {
	double eps_m;         /* neighbourhood radius, metres, > 0 */
	uint64_t min_weight;  /* core threshold, >= 1 */
	int border_none;      /* 1: border points are noise (DBSCAN*) */
};

enum dbscan_role { DB_NOISE = 0, DB_CORE, DB_BORDER };

struct dbscan_result {
	uint32_t *cluster;    /* owned, per input point: 0 noise, else 1.. */
	unsigned char *role;  /* owned, per input point: enum dbscan_role */
	uint32_t nclusters;   /* clusters found */
	/* work done, for the benchmark and the tests of the grid shortcut */
	uint64_t distance_tests;  /* exact distance evaluations */
	uint64_t cells;           /* non-empty grid cells */
	uint64_t dense_cells;     /* cells whose weight alone made them core */
};

/*
 * Cluster the 'n' points at 'pts' (distinct positions; a repeated
 * position is allowed and behaves as scikit-learn's duplicate rows).
 * Fills 'res' (free with dbscan_result_release). Returns 0, or -1 when
 * an option or a coordinate is out of range (nothing is filled then).
 */
int dbscan_run(const struct dbscan_point *pts, size_t n,
	       const struct dbscan_opts *o, struct dbscan_result *res);
void dbscan_result_release(struct dbscan_result *res);

/* The haversine term of scikit-learn between two points in radians:
 * sin^2(dlat/2) + cos(lat1) cos(lat2) sin^2(dlon/2). Two points are
 * within eps when this is <= sin^2(eps/(2R)). */
double dbscan_rdist(double lat1, double lon1, double lat2, double lon2);

#endif
