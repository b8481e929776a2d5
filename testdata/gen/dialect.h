/*
 * dialect.h - how cdrgen writes an event in each operator's layout, and
 * how it damages a row on purpose. A row is first laid out as fields
 * (struct row), then joined with the dialect's delimiter, quoting and line
 * end; bad rows edit the fields in between. The dialects themselves are
 * described in the banner of cdrgen.c.
 */
#ifndef CDRGEN_DIALECT_H
#define CDRGEN_DIALECT_H

#include <stdint.h>

#include "event.h"
#include "genout.h"
#include "genrand.h"
#include "world.h"

enum gen_kind { KIND_CDR, KIND_IP };

enum bad_kind {
	BAD_FIELD_COUNT,           /* a field too few or too many */
	BAD_TIMESTAMP,             /* a digit of the start time replaced */
	BAD_DATE,                  /* start date 30 February */
	BAD_LATITUDE,              /* latitude 91 */
	BAD_QUOTE,                 /* quote opened on one line, closed on the next */
	BAD_DURATION,              /* a digit of the duration replaced */
	BAD_KINDS
};

/* Names used in the truth file: "field_count", "bad_timestamp", ... */
const char *bad_kind_name(int kind);

#define ROW_FIELDS 24
#define ROW_TEXT 2048

/*
 * Field texts (unquoted) each followed by the delimiter, so that a row
 * without quoting is written as one block:
 *
 *   text:  1 , v o i c e , m o , ... , a n s w e r e d ,
 *          ^end[-1]+1   ^end[0]    end[1]              ^end[n-1]
 */
struct row {
	char text[ROW_TEXT];       /* fields, each followed by 'delim' */
	uint16_t end[ROW_FIELDS];  /* field i is text[end[i-1] + 1 (or 0), end[i]) */
	uint32_t quoted;           /* bit i: always quote field i */
	uint32_t check;            /* bit i: quote field i if it needs quotes */
	int n;                     /* fields */
	char delim;                /* the dialect's delimiter */
};

struct dialect {
	const char *name;
	int kind;                  /* enum gen_kind */
	char delim;
	const char *eol;
	const char *header;        /* NULL: the format has no header line */
	int voice_only;            /* writes voice calls only */
	int paired;                /* an MT leg for calls between subscribers */
	int has_cell;              /* rows place the subscriber at a cell */
	int has_imei;              /* rows carry the handset */
	int f_date;                /* field holding the start date, -1 none */
	int f_time;                /* field damaged for bad_timestamp */
	int f_dur;                 /* duration field, -1 none */
	int f_lat;                 /* latitude field, -1 none */
	int date_dmy;              /* f_date is DD/MM/YYYY, else YYYY-MM-DD... */
	int drop_fields;           /* fields a short bad row loses */
	void (*fill)(struct row *, const struct event *, const struct world *);
};

const struct dialect *dialect_find(const char *name);

/* Lay 'ev' out as the fields of one row of 'd'. */
void dialect_row(const struct dialect *d, struct row *row,
		 const struct event *ev, const struct world *w);
/* Write the header line, if the dialect has one; returns lines written. */
int dialect_header(struct out *o, const struct dialect *d);
/* Write 'row' as one line. */
void row_write(struct out *o, const struct dialect *d, const struct row *row);
/* The bad-row kinds 'd' can show, into 'kinds'; returns how many. */
int dialect_bad_kinds(const struct dialect *d, int *kinds);
/*
 * Write 'row' damaged in way 'kind' (one of dialect_bad_kinds); returns the
 * physical lines written: 1, or 2 for BAD_QUOTE.
 */
int row_write_bad(struct out *o, const struct dialect *d,
		  const struct row *row, int kind, struct rng *r);

#endif
