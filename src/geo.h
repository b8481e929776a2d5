/*
 * geo.h - the `geo` analysis (issue 14, DESIGN section 5): weighted
 * DBSCAN (dbscan.h) over the distinct positions of the matching records,
 * each weighted by its record count, with per-cluster figures.
 */
#ifndef CDRSIFT_GEO_H
#define CDRSIFT_GEO_H

#include <stdint.h>

#include "buf.h"
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
	uint32_t shown;        /* --columns: bit c for each column c shown
				  (geo_columns_parse), 0 for all: the
				  subscribers and cells no column shows are
				  not collected */
};

/*
 * A --columns LIST of geo's columns but cluster (which comes first) into
 * 'out' (room for 16): see table_columns_parse. The mask of the columns
 * it names is geo_opts.shown.
 */
size_t geo_columns_parse(const char *list, size_t *out, struct buf *msg);
uint32_t geo_columns_mask(const size_t *cols, size_t n);
/* The columns --suppress-below judges a cluster by (records, subscribers). */
uint32_t geo_suppress_needs(void);

/* Parse a distance: a number with an optional unit m or km (metres). */
int geo_parse_distance(const char *s, double *m);

#endif
