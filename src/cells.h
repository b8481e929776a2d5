/*
 * cells.h - a cell-site table: positions for records that only carry a
 * cell id. Reads OpenCellID exports (radio,mcc,net,area,cell,unit,lon,lat,
 * range,...; note lon before lat) or any CSV whose header names a cell id
 * and lat/lon columns (aliases as in canon.def), plain or gzip.
 *
 * Keys: a cell is found by its CGI "MCC-MNC-LAC-CI", by "LAC-CI", or by its
 * bare cell id. A shorter key shared by cells at different positions is
 * ambiguous and finds nothing (never a guess).
 */
#ifndef CDRSIFT_CELLS_H
#define CDRSIFT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct cells;

struct cells_stats {
	uint64_t rows;      /* data rows read */
	uint64_t loaded;    /* rows that gave a position */
	uint64_t rejected;  /* rows without a usable id or position */
	uint64_t ambiguous; /* short keys dropped as ambiguous */
};

/* Load 'path'. 0 and '*out' (free with cells_free), or -1 with 'd' set. */
int cells_load(struct cells **out, const char *path, struct diag *d);
/*
 * Position of 'cell' (with 'lac' when the record has one; may be NULL).
 * Returns 1 and fills lat/lon/range (metres, 0 when unknown), or 0.
 */
int cells_lookup(const struct cells *c, const char *cell, size_t len,
		 const char *lac, size_t laclen, double *lat, double *lon,
		 double *range);
const struct cells_stats *cells_stats(const struct cells *c);
void cells_free(struct cells *c);

#endif
