/*
 * csvrow.h - CSV rows from an input, through libcsv.
 * The reader pulls decompressed bytes from a struct input, slices them at
 * line ends (so that every row has its physical line number), feeds libcsv
 * in strict mode, and hands out one row at a time as borrowed views into
 * its own field buffer. Each of LF, CRLF and CR ends a line, in any mix
 * (csvrow_eol_len). It sniffs the dialect (delimiter, UTF-8 BOM) from the
 * first bytes, refuses UTF-16, and turns every malformed row
 * (unterminated quote, quote in an unquoted field, field over the length
 * cap) into a reject with its line, resuming at the next physical line. It
 * knows nothing of headers or canonical fields (schema.h).
 */
#ifndef CDRSIFT_CSVROW_H
#define CDRSIFT_CSVROW_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "input.h"

/* One row: borrowed, valid until the next csvrow_next() on its reader. */
struct csvrow_row {
	const char *const *field; /* field[i]: NUL-terminated text */
	const uint32_t *len;      /* len[i]: bytes of field[i] */
	size_t nfield;            /* number of fields */
	uint64_t line;            /* physical line where the row starts (1-based) */
	uint64_t nlines;          /* physical lines the row spans (1 normally) */
	const char *raw;          /* the row's bytes as read, line end included */
	size_t raw_len;           /* bytes of 'raw' */
	unsigned member;          /* gzip member the row ended in (0: plain) */
};

enum csvrow_event {
	CSVROW_ROW = 1,     /* a row is in 'row' */
	CSVROW_EOF = 0,     /* no more rows; check in->damaged */
	CSVROW_REJECT = -1, /* a malformed row: 'row' has line and raw bytes, */
			    /* 'reason' says why; call again to go on */
	CSVROW_FATAL = -2,  /* the input cannot be read as CSV (UTF-16, I/O); */
			    /* see diag; no more rows */
};

struct csvrow_opts {
	char delimiter;     /* 0: sniff from the first line */
	size_t field_cap;   /* longest field in bytes; 0: 1 MiB */
	size_t max_fields;  /* most fields in one row; 0: 65536 */
	size_t read_size;   /* bytes asked of the input per read; 0: 1 MiB
			       (tests sweep it: every size gives the same rows) */
	size_t slice_max;   /* most bytes fed to libcsv per call; 0: 64 KiB */
	int no_fast_path;   /* 1: every line through libcsv (differential tests) */
};

struct csvrow {
	/* public, read-only */
	struct input *in;     /* borrowed */
	char delimiter;       /* in use (sniffed or given) */
	int bom;              /* 1 when a UTF-8 BOM was skipped */
	int crlf;             /* 1 when the first line ended in CRLF (the
				 others may end in LF, CRLF or CR) */
	int zeek;             /* 1 when the first line is a Zeek log's
				 "#separator \x09" directive */
	char zeek_delim;      /* the separator it names */
	uint64_t lines;       /* physical lines seen so far */
	uint64_t blank_lines; /* empty lines skipped (not rows) */
	int io_error;         /* 1 when reading failed (not damage) */
	const char *reason;   /* static text of the last reject */
	/* private */
	void *priv;
};

/* Set up a reader on an open input. 0, or -1 with diag set. */
int csvrow_open(struct csvrow *r, struct input *in,
		const struct csvrow_opts *opts, struct diag *d);
/*
 * The next row, reject, end or fatal error (enum csvrow_event). When the
 * input reports damage, the rows before it are still returned, a partial
 * last row is rejected ("row cut short by damaged input"), then the damage
 * is left in 'd' with CSVROW_EOF and in->damaged set.
 */
int csvrow_next(struct csvrow *r, struct csvrow_row *row, struct diag *d);
/*
 * A reader over one block of bytes in memory ('data', 'len', not copied;
 * the block must outlive the reader and may be modified by it), with the
 * dialect already known (no sniffing): the worker side of the thread
 * pipeline. 'cut_short' says damage follows the block, so a partial last
 * row is rejected as cut short. 'skip_first_line' drops the bytes up to
 * the first line end: the block continues an overlong line that the
 * previous block rejected. Line numbers count from 1 at the block start.
 * 0, or -1.
 */
int csvrow_open_block(struct csvrow *r, char *data, size_t len,
		      const struct csvrow_opts *opts, char delimiter,
		      int cut_short, int skip_first_line);
/*
 * Line ends, the rule every reader and the block cutter share: each of LF,
 * CRLF and a bare CR ends a physical line (outside quotes, a row too).
 * csvrow_eol_len: the bytes of the line end that s[0..n) ends with (2 for
 * CRLF, 1 for LF or CR, 0 when it ends with neither). csvrow_lines: the
 * line ends in s[0..n); 'after_cr' says the byte before s was a CR, so
 * that a leading LF completes that line end instead of making one.
 */
size_t csvrow_eol_len(const char *s, size_t n);
uint64_t csvrow_lines(const char *s, size_t n, int after_cr);
/*
 * Hand over the bytes read from the input but not consumed (after the last
 * row returned), so that a caller can go on reading the input itself. The
 * view is valid until csvrow_close(). The reader must not be used after.
 * Returns 1 (and the message in 'd') when the input already reported
 * damage or a read error while the reader buffered ahead; 0 otherwise.
 * '*at_eof' is set when the input has nothing more to give.
 */
int csvrow_take_rest(struct csvrow *r, const char **data, size_t *len,
		     int *at_eof, struct diag *d);

/*
 * The first physical line of gzip member 'm' (1-based), or 0 when unknown;
 * used to name the rows of a member whose CRC check failed.
 */
uint64_t csvrow_member_first_line(const struct csvrow *r, unsigned m);
void csvrow_close(struct csvrow *r);

#endif
