/*
 * schema.h - how one file's columns become canonical fields.
 * A schema is built from the header row (or, with no header, from --map and
 * the dialect presets), through the alias table of canon.def matched
 * case- and punctuation-insensitively. It then turns each raw row into a
 * struct record: phone numbers normalised to international digits, type and
 * direction values normalised, timestamps parsed (one column, or date and
 * time in two) in the --tz zone, durations parsed or derived from end-start,
 * cell positions filled from a cell table. Rows it cannot understand are
 * rejected with a reason, never guessed.
 */
#ifndef CDRSIFT_SCHEMA_H
#define CDRSIFT_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csvrow.h"
#include "diag.h"
#include "record.h"

struct tz;
struct cells;

enum dialect {
	DIALECT_AUTO = 0, DIALECT_NONE,
	DIALECT_ASTERISK,        /* Asterisk cdr_csv Master.csv */
	DIALECT_ZEEK,            /* a Zeek log (#separator, #fields) */
	DIALECT_ASTERISK_CUSTOM, /* Asterisk cdr_custom, stock mapping */
	DIALECT_FREESWITCH,      /* FreeSWITCH mod_cdr_csv, example template */
};

/* 1 for the header-less PBX presets (voice CDRs mapped by position). */
static inline int dialect_is_pbx(enum dialect d)
{
	return d == DIALECT_ASTERISK || d == DIALECT_ASTERISK_CUSTOM ||
	       d == DIALECT_FREESWITCH;
}

/* One --map entry: canonical field = column name, or 1-based position. */
struct map_entry {
	int field;          /* enum field_id */
	const char *column; /* borrowed header name, or NULL */
	int position;       /* 1-based column number, or 0 */
};

struct pseudo;

struct schema_opts {
	enum record_kind kind;        /* KIND_UNKNOWN: detect from the header */
	int no_header;                /* 1: the first row is data */
	enum dialect dialect;         /* preset; AUTO detects Asterisk */
	const struct map_entry *map;  /* --map entries, borrowed */
	size_t nmap;
	const struct tz *tz;          /* zone for stamps without one; NULL UTC */
	const char *country;          /* calling code for trunk 0 ("60"), or NULL */
	const struct cells *cells;    /* cell table, or NULL */
	int decimal_comma;            /* 1: --decimal-comma, a comma may be
					 the decimal separator of lat/lon */
	const char *subscriber;       /* --subscriber NUMBER, normalised as
					 phone_normalise() writes it, or
					 NULL (see schema_map_row) */
	int date_order;               /* enum date_order (timeparse.h):
					 DATE_DMY (0) or --date-order mdy */
	const char *nulls;            /* --null: comma-separated markers of a
					 missing value, or NULL */
	const struct pseudo *pseudo;  /* --pseudonymize: reject details give
					 identifier values as tokens; NULL */
};

/*
 * The reject reasons of a short date that reads only in the other order
 * (a month above 12): one per order in force, naming --date-order.
 * cli_rows.c tells once per input when rows were rejected for one of them.
 */
extern const char schema_reason_dmy_conflict[];
extern const char schema_reason_mdy_conflict[];

/* How one column was understood (the `schema` command shows these). */
struct schema_column {
	char *name;      /* owned: header text (or "column N") */
	int field;       /* enum field_id, or -1 when unmapped */
	const char *how; /* static: "alias", "name", "--map", "preset", ... */
};

struct schema {
	enum record_kind kind;        /* decided kind */
	enum dialect dialect;         /* DIALECT_NONE or a preset */
	int has_header;               /* 1 when the first row was a header */
	size_t ncolumns;              /* fields per row */
	struct schema_column *columns;/* owned, ncolumns entries */
	int column_of[F_COUNT];       /* column index of each field, or -1 */
	int time_split;               /* 1: start = start_date + start_time */
	int dur_derived;              /* 1: duration = end - start */
	int served_mode;              /* 1: CDR as served party + other party */
	const struct schema_opts *opts; /* borrowed, must outlive the schema */
	struct nullset nulls;         /* --null markers, and a Zeek log's */
	char *zeek_path;              /* owned: a Zeek log's #path, or NULL */
	/* the columns schema_map_row parses, in field order (set by
	   schema_build from column_of) */
	unsigned char parse_field[F_COUNT];
	int parse_col[F_COUNT];
	size_t nparse;
};

/*
 * A schema is read-only once built: threads share it. Counters of cell
 * table use are kept in the record (record.h), one per thread.
 */

/*
 * Build the schema from the first row 'hdr' of a file. When the options say
 * there is no header (or the Asterisk preset is detected from the shape of
 * the row), 'hdr' is data and '*first_is_data' is set to 1. Returns 0, or -1
 * with a message in 'd' (no usable column, unknown --map column, a field
 * mapped twice by --map, ...). Free with schema_free().
 */
int schema_build(struct schema **out, const struct schema_opts *opts,
		 const struct csvrow_row *hdr, int *first_is_data,
		 struct diag *d);
void schema_free(struct schema *s);

/*
 * 1 when records read with 's' can carry field 'f' (enum field_id): a
 * column maps to it, or it is derived from mapped ones (subscriber and
 * peer from the parties, hour/dow/date from the start, duration from end
 * - start, lat/lon from a cell and the --cells table, ...). A field of the
 * other kind is never carried.
 */
int schema_provides(const struct schema *s, int f);
/*
 * 0 when every field of 'fields' (FIELD_BIT()s) is carried; else -1 with
 * a message in 'd' naming the first missing field, 'asked_by' (such as
 * "asked for by -w"), and the input's columns.
 */
int schema_check_fields(const struct schema *s, uint64_t fields,
			const char *asked_by, struct diag *d);

/*
 * 1 when header 'hdr' is that of a cell-site table rather than records:
 * OpenCellID's (radio, mcc, net, area, cell, lon, lat), or a cell id with
 * latitude and longitude and no party, time, address or identity column.
 */
int schema_is_cell_table(const struct csvrow_row *hdr);

/* Column index of the raw column named 'name' (exact, then normalised); -1. */
int schema_column_index(const struct schema *s, const char *name, size_t len);

/* 1 when row 'row' repeats the header (a `cat a.csv b.csv` join). */
int schema_is_header_row(const struct schema *s, const struct csvrow_row *row);

/*
 * What a row is before it is mapped: SCHEMA_ROW_DATA, SCHEMA_ROW_HEADER (a
 * repeated header: counted apart, not read) or SCHEMA_ROW_DIRECTIVE (a Zeek
 * log's '#' line other than a #fields line equal to the first: neither
 * read nor counted). In a Zeek log a row whose first field starts with '#'
 * is a directive.
 */
enum { SCHEMA_ROW_DATA = 0, SCHEMA_ROW_HEADER, SCHEMA_ROW_DIRECTIVE };
int schema_row_class(const struct schema *s, const struct csvrow_row *row);

/*
 * Make 's' (built from a Zeek log's #fields line, its first field dropped)
 * read the Zeek log: the #unset_field marker 'unset' is missing, the
 * #empty_field marker 'empty' the empty text, 'path' the #path (each NULL
 * when the log did not give it).
 */
void schema_set_zeek(struct schema *s, const char *unset, const char *empty,
		     const char *path);

/*
 * Fill 'rec' from 'row'. 'need' is the set of fields the caller will read
 * (FIELD_BIT()s; ~0 for all): only those, and what they depend on, are
 * parsed. Returns 0, or -1 with the static reason in '*reason' (for
 * instance "unparsable start timestamp") and the field in 'detail'.
 */
int schema_map_row(struct schema *s, const struct csvrow_row *row,
		   struct record *rec, uint64_t need, const char **reason,
		   struct buf *detail);

/* Lower-case letters and digits of 'name' into 'out' (NUL-terminated). */
size_t schema_normalise_name(const char *name, size_t len, char *out,
			     size_t outlen);

/*
 * A phone number as international digits: separators dropped, "+" and
 * "00" prefixes removed, a national trunk "0" replaced by 'country' when
 * given. Writes to 'out' and returns the length, or -1 when the value holds
 * no digits or characters other than digits and separators.
 */
int phone_normalise(const char *s, size_t len, const char *country,
		    char *out, size_t outlen);

#endif
