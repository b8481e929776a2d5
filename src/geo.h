/*
 * geo.h - the `geo` analysis (issue 14, DESIGN section 5): weighted
 * DBSCAN (dbscan.h) over the distinct positions of the matching records,
 * each weighted by its record count, with per-cluster figures.
 */
#ifndef CDRSIFT_GEO_H
#define CDRSIFT_GEO_H

#include <stdint.h>

#include "partial.h"

#define GEO_TAG PARTIAL_TAG('G', 'E', 'O', 'C')

struct geo_opts {
	double eps_m;          /* --eps, metres (default 300) */
	uint64_t min_records;  /* --min-records (default 5) */
	int border_none;       /* --border none */
	uint64_t k_distance;   /* --k-distance K: the k-distance report (0: none) */
	/* report only (not in the partial, not in the options key) */
	int hulls;             /* --hulls: a "geometry" column (hull.h) */
	int noise;             /* --noise: a row per noise position */
};

/* Parse a distance: a number with an optional unit m or km (metres). */
int geo_parse_distance(const char *s, double *m);

#endif
