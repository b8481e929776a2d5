/*
 * table.h - typed report tables (DESIGN section 8, issue 13). An analysis
 * builds its report as a table in src/: columns with a type, rows of typed
 * cells. One formatter turns cells into text (table_format_cell), the same
 * for every output format, and table_write hands the rows to a writer of
 * output.h, which quotes, aligns and types them. Suppression, pseudonyms
 * and merges act on tables, once, in cmd/.
 *
 * A cell is missing (no value: empty in csv, null in json), blank (a
 * present, empty text: "" in json) or holds a value. Missing is never
 * zero: a count of 0 is a value.
 *
 * Ownership: a table owns its cells and the bytes of its text cells; the
 * columns are borrowed (usually a static array) and must outlive it.
 */
#ifndef CDRSIFT_TABLE_H
#define CDRSIFT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "output.h"

struct tz;

enum col_type {
	COL_KEY,       /* a group key, as text */
	COL_COUNT,     /* unsigned count */
	COL_DURATION,  /* signed duration, formatted by format_duration */
	COL_TIMESTAMP, /* instant (record.h units), formatted in the zone */
	COL_LAT,       /* latitude, micro-degrees */
	COL_LON,       /* longitude, micro-degrees */
	COL_BYTES,     /* unsigned byte count */
	COL_TEXT,      /* free text */
	COL_BAR,       /* table only: sized by the previous numeric column */
	COL_NUMKEY,    /* a group key of a numeric field, as text: json
			  writes it as a number where it is one */
};

struct table_col {
	const char *name;   /* column name (the contract of DESIGN 6) */
	enum col_type type;
};

enum cell_state {
	CELL_MISSING = 0, /* no value */
	CELL_BLANK,       /* present, empty text */
	CELL_VALUE,       /* 'v' or the text holds the value */
};

struct table_cell {
	uint8_t state;     /* enum cell_state */
	uint64_t v;        /* counts, bytes: as is; signed types: two's
			      complement of the int64 */
	size_t off, len;   /* text cells: bytes in the table's text store */
};

struct table {
	const struct table_col *cols; /* borrowed */
	size_t ncols;
	size_t nrows;
	struct table_cell *cells;     /* nrows * ncols, row-major */
	size_t alloc;                 /* cells allocated */
	struct buf text;              /* bytes of text cells */
};

/* How cells become text: the zone of timestamps. */
struct table_fmt {
	const struct tz *tz;          /* NULL: UTC */
};

void table_init(struct table *t, const struct table_col *cols, size_t ncols);
void table_release(struct table *t);
/* A new row, every cell missing; returns its index. */
size_t table_add_row(struct table *t);
void table_set_u64(struct table *t, size_t row, size_t col, uint64_t v);
void table_set_i64(struct table *t, size_t row, size_t col, int64_t v);
void table_set_text(struct table *t, size_t row, size_t col, const char *s,
		    size_t len);
void table_set_blank(struct table *t, size_t row, size_t col);
const struct table_cell *table_cell(const struct table *t, size_t row,
				    size_t col);
/*
 * Append cell (row, col) as text to 'out'. Returns its state: for
 * CELL_MISSING nothing is appended.
 */
enum cell_state table_format_cell(const struct table *t, size_t row,
				  size_t col, const struct table_fmt *f,
				  struct buf *out);
/* The writer columns of 't' ('out' holds t->ncols entries). */
void table_out_cols(const struct table *t, struct out_col *out);
/* Every row of 't', formatted, to 'w' (created with table_out_cols). */
void table_write(const struct table *t, struct writer *w,
		 const struct table_fmt *f);

#endif
