/*
 * cells.h - cell keys and the cell-site table. A cell key is the four
 * parts that name a cell worldwide: MCC, MNC, LAC (or TAC) and CI (or the
 * LTE ECI), written as a CGI "MCC-MNC-LAC-CI", or in fewer parts when a
 * record carries fewer (see the Cells section of the man page).
 *
 * The table reads OpenCellID exports (radio,mcc,net,area,cell,unit,lon,lat,
 * range,...; note lon before lat) or any CSV whose header names a cell id
 * and lat/lon columns, plain or gzip. A record's cell is found by exactly
 * the parts it carries: a CGI only by its CGI, never by its trailing parts
 * (that put Malaysian records on German towers). A record that carries
 * fewer parts finds a row only when every table row sharing those parts
 * has one position; otherwise the answer is "ambiguous", never a guess.
 */
#ifndef CDRSIFT_CELLS_H
#define CDRSIFT_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* One part of a cell key: a borrowed view, len 0 when the part is absent. */
struct cell_part {
	const char *s; /* borrowed, not NUL-terminated */
	size_t len;    /* bytes; 0: absent */
};

/* The parts of one cell key. 'ci' is set whenever any part is. */
struct cell_key {
	struct cell_part mcc, mnc, lac, ci;
};

/*
 * Split cell text 's' as records and expressions write it, into 'k' (views
 * into 's'). Dash-separated runs of digits are parts:
 *   MCC-MNC-LAC-CI (4 parts, MCC of 3 digits, MNC of 1 to 3),
 *   MCC-MNC-CI (3 parts, the same, LTE's ECGI),
 *   LAC-CI (2 parts).
 * Anything else is one opaque cell identity (ci = all of 's').
 * Returns the number of parts found (1 for an opaque value), 0 for "".
 */
int cell_split(const char *s, size_t len, struct cell_key *k);

/*
 * The canonical text of key 'k', the record's full key, into 'out' (NUL-
 * terminated): MCC-MNC-LAC-CI, MCC-MNC-CI without a LAC, LAC-CI without
 * both MCC and MNC, else CI. Returns the length, or 0 when 'k' has no CI
 * or the text does not fit 'outlen'.
 */
size_t cell_key_format(const struct cell_key *k, char *out, size_t outlen);

/* 1 when parts 'a' and 'b' name the same number (leading zeros aside). */
int cell_part_same(const struct cell_part *a, const struct cell_part *b);

struct cells;

struct cells_stats {
	uint64_t rows;      /* data rows read */
	uint64_t loaded;    /* rows that gave a position */
	uint64_t rejected;  /* rows without a usable id or position */
	uint64_t ambiguous; /* keys shared by rows at different positions */
};

/* Load 'path'. 0 and '*out' (free with cells_free), or -1 with 'd' set. */
int cells_load(struct cells **out, const char *path, struct diag *d);
/*
 * cells_load with the columns named by 'map' (--cells-map, or NULL):
 * "role=column[,role=column...]", roles cell, lat, lon, range, mcc, mnc
 * and lac, a column by its header name (exact, then case- and
 * punctuation-insensitive). A mapped role wins over the names the table's
 * header gives; roles the map leaves out are found by name as without it.
 * Returns 0, -2 when 'map' itself is malformed (an unknown or repeated
 * role, an entry without '='; nothing is read), or -1 as cells_load
 * (also for a column the table does not have), with 'd' set.
 */
int cells_load_map(struct cells **out, const char *path, const char *map,
		   struct diag *d);

enum cells_answer {
	CELLS_UNKNOWN = 0,   /* no table row has the record's key */
	CELLS_FOUND = 1,     /* one position: lat/lon/range filled */
	CELLS_AMBIGUOUS = 2, /* rows at several positions share the key */
};

/*
 * Position of the cell named by the parts 'k' carries, looked up by
 * exactly those parts (MCC and MNC count only together). Fills lat/lon
 * (degrees) and range (metres, 0 when unknown) when CELLS_FOUND.
 */
enum cells_answer cells_find(const struct cells *c, const struct cell_key *k,
			     double *lat, double *lon, double *range);
const struct cells_stats *cells_stats(const struct cells *c);
void cells_free(struct cells *c);

#endif
