/*
 * output.h - the writers every command shares: table (aligned, for people),
 * csv (RFC 4180), tsv, json ({"rows": [...], "meta": {...}}) and ndjson.
 * A command declares its columns once, then writes rows of text cells; the
 * writer quotes, aligns and types them. Rows stream: csv, tsv, json and
 * ndjson write each row at once; the table keeps the first rows to size its
 * columns, then streams with those widths. A table given a width fits it
 * when it can (DESIGN 6): it keeps the most columns from the left, narrows
 * its bar, shortens times and cuts text, in that order, never cuts a
 * number, and says under its rows what it no longer shows (see fit_width
 * in output.c and OUTPUT in the man page).
 *
 * On a terminal ('tty' set) control bytes in cells are escaped (\x1b) in
 * every format, so evidence never drives the terminal.
 */
#ifndef CDRSIFT_OUTPUT_H
#define CDRSIFT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

#define OUTPUT_FORMATS(X) X(OUT_TABLE, "table") X(OUT_CSV, "csv") \
	X(OUT_TSV, "tsv") X(OUT_JSON, "json") X(OUT_NDJSON, "ndjson")

enum out_format {
#define X(id, name) id,
	OUTPUT_FORMATS(X)
#undef X
};

/* The format named 'name', or -1. */
int out_format_by_name(const char *name);

enum out_type {
	OT_STR,  /* text: quoted in json */
	OT_NUM,  /* number: right-aligned, bare in json */
	OT_BAR,  /* table only: a bar sized by the previous numeric column */
};

struct out_col {
	const char *name;  /* column name (part of the contract, DESIGN 6) */
	enum out_type type;
};

struct writer;

/*
 * A writer on 'fp' (not closed by the writer). 'tty' escapes control
 * bytes; 'width' is the terminal width for tables (0: unlimited), which
 * also wraps the table's note and footer.
 */
struct writer *writer_new(FILE *fp, enum out_format fmt,
			  const struct out_col *cols, size_t ncols, int tty,
			  int width);
/* One row of 'ncols' cells; a NULL cell is a missing value (empty, null). */
void writer_row(struct writer *w, const char *const *cells,
		const size_t *lens);
/* Text printed under a table (the summary line); ignored by other formats. */
void writer_footer(struct writer *w, const char *text);
/* The JSON object written as "meta" in json output (already JSON). */
void writer_meta(struct writer *w, const char *json);
/* Finish the document and flush. 0, or -1 when writing failed (errno). */
int writer_finish(struct writer *w);
void writer_free(struct writer *w);

/* In text_wrap's input: a space at which no line breaks (ASCII US) */
#define WRAP_NBSP '\x1f'

/*
 * Append 'text' ('len' bytes, UTF-8) to 'out' as lines of at most 'width'
 * display columns, each ended by '\n', broken at spaces (a word longer
 * than a line where the line ends; WRAP_NBSP joins words and is written
 * as a space); continuation lines are indented by 'indent' spaces.
 * 'width' 0 writes the text as one line.
 */
void text_wrap(struct buf *out, const char *text, size_t len, size_t width,
	       size_t indent);

/* Append 's' as a JSON string literal (with quotes) to 'b'. */
void json_add_str(struct buf *b, const char *s, size_t len);

#endif
