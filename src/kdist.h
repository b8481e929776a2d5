/*
 * kdist.h - the record-weighted k-distance of distinct positions, for
 * `geo --k-distance K` (issue 14), which helps to choose eps: the
 * k-distance of a position is the smallest great-circle distance d such
 * that the positions within d of it (itself included) hold at least K
 * records. A position is a DBSCAN core position at eps with min-records
 * K exactly when its k-distance is <= eps (up to the rounding of the two
 * distance formulas). Exact: a 3-D k-d tree over unit vectors (the chord
 * orders points as the great-circle distance does), K nearest positions
 * per query (each holds at least one record, so K positions suffice).
 */
#ifndef CDRSIFT_KDIST_H
#define CDRSIFT_KDIST_H

#include <stddef.h>
#include <stdint.h>

#include "dbscan.h"

/* Fills out[i] with the k-distance of pts[i] in metres, or -1 when all
 * the positions together hold fewer than k records. */
void kdist_run(const struct dbscan_point *pts, size_t n, uint64_t k,
	       double *out);

#endif
