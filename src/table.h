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
#include "pseudo.h"

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
	uint8_t ident;     /* enum ident_kind of this cell when its column
			      holds several kinds (anomalies' entity); 0:
			      the column's */
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
	/*
	 * What --suppress-below needs (table_suppress); TABLE_NONE when it
	 * does not apply. An aggregate table names the column of each
	 * group's distinct subscribers; 'records_col' its records, whose
	 * total the json meta releases ("matched"); 'total_row' a row that
	 * sums the rows before it.
	 */
	size_t subs_col, records_col, total_row;
	/* per column, or NULL: 1 for a fact about the row that suppression
	   leaves (stats: an input's size, hash, accounting) */
	const unsigned char *keep;
	unsigned char *own_keep;      /* 'keep' when the table made it */
	/* the columns to show, in order (owned; NULL: all): the report
	   driver selects them (table_select_cols) after suppression */
	size_t *show;
	size_t nshow;
	/* owned copies of the columns when their names were tokenised
	   (table_pseudonymize_names); 'cols' then points here */
	struct table_col *own_cols;
	struct buf names;
};

#define TABLE_NONE ((size_t)-1)

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
/* Cell (row, col) holds identifier kind 'k' (overrides its column's). */
void table_set_ident(struct table *t, size_t row, size_t col,
		     enum ident_kind k);
/* The identifier kind of column 'col': a key or text column named as a
   field (ident_of_name: caller, imsi, src_ip, private_ip...). */
enum ident_kind table_col_ident(const struct table *t, size_t col);

/*
 * Replace every identifier cell of 't' by its token under 'p'
 * (pseudo.h): the columns table_col_ident names, cells with an ident of
 * their own (a "peer" that is an IP address is a destination, ID_IP_PUB),
 * and, in free text columns other than "evidence", lone runs of digits
 * (pseudo_scrub). Done once, on the finished table, before any writer sees it.
 */
void table_pseudonymize(struct table *t, const struct pseudo *p);

/*
 * Tokenise the part after 'prefix' of every column name that has one
 * (volume's "records_VALUE" of --split), as kind 'k', except the name
 * 'prefix' 'keep' ("records_none"): the table then owns its columns.
 */
void table_pseudonymize_names(struct table *t, const struct pseudo *p,
			      const char *prefix, enum ident_kind k,
			      const char *keep);

/*
 * Remove the columns 'drop' marks (t->ncols entries, 1: drop); the table
 * then owns its columns, and its keep, subs_col and records_col are unset.
 */
void table_drop_cols(struct table *t, const unsigned char *drop);
/*
 * A --columns LIST of the report columns 'cols[1..ncols)' (column 0, the
 * key, always comes first and is not listed): comma-separated names, each
 * once, into 'out' (room for ncols: 0, then the listed indices in order);
 * returns how many, or 0 with a message in 'msg' (a did-you-mean, or
 * "see the WHAT columns in cdrsift(1)").
 */
size_t table_columns_parse(const struct table_col *cols, size_t ncols,
			   const char *list, size_t *out, struct buf *msg,
			   const char *what);
/* Ask that only columns 'cols[0..n)' be shown, in that order (copied). */
void table_show(struct table *t, const size_t *cols, size_t n);
/*
 * Keep columns 'cols[0..n)' (distinct indices), in that order, and drop
 * the others; the marks that name columns (subs_col, records_col, keep)
 * follow their columns or are dropped with them. Clears 'show'.
 */
void table_select_cols(struct table *t, const size_t *cols, size_t n);

/* What table_suppress did. */
struct table_suppressed {
	int applies;          /* the table is an aggregate (subs_col or subs) */
	size_t primary;       /* groups with fewer than N subscribers */
	size_t complementary; /* groups hidden so the total of the hidden
				 records is no figure of one group */
	int total_withheld;   /* the total row's figures made missing */
	int removed;          /* rows removed (else their figures missing) */
	int pinned;           /* removed rows whose records the total still
				 pins (every group hidden, none above its
				 floor): the caller must not write the table */
	uint64_t hidden_records; /* records of the hidden groups */
};

/*
 * Small-cell suppression (--suppress-below 'below', man page
 * SUPPRESSION): a group (a row other than the total row) with fewer than
 * 'below' distinct subscribers is hidden: subs[row] of them, or, with
 * 'subs' NULL, column t->subs_col's. A table whose columns are all keys
 * or figures loses the row; one with facts to keep (t->keep) keeps the
 * row with its figures missing. When any group is hidden, the total
 * row's figures are missing too, and, where rows are removed and records
 * counted, further groups are hidden (the fewest records first) until at
 * least two are and their records exceed the sum of their floors
 * (floor[row]: the fewest records a group of that row can have, known to
 * any reader; NULL: 1), so that the meta's record total minus the rows
 * shown neither names one group's records nor pins each to one value.
 */
void table_suppress(struct table *t, uint64_t below, const uint64_t *subs,
		    const uint64_t *floor, struct table_suppressed *out);

/* The writer columns of 't' ('out' holds t->ncols entries). */
void table_out_cols(const struct table *t, struct out_col *out);
/* Every row of 't', formatted, to 'w' (created with table_out_cols). */
void table_write(const struct table *t, struct writer *w,
		 const struct table_fmt *f);

#endif
