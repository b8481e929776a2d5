/*
 * source.h - one input file as a stream of canonical records, with the
 * accounting that DESIGN section 3 promises: every data row is either
 * accepted (a record is returned) or rejected (the reason is returned and
 * counted). Repeated header lines and blank lines are counted apart: they
 * are not rows. Commands drive the loop; the future thread pipeline drives
 * the same calls.
 */
#ifndef CDRSIFT_SOURCE_H
#define CDRSIFT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csvrow.h"
#include "diag.h"
#include "input.h"
#include "record.h"
#include "schema.h"

struct reason_count {
	const char *reason; /* static text */
	uint64_t n;
};

/* Row accounting: read = accepted + rejected; accepted = matched + filtered. */
struct acct {
	uint64_t read;             /* data rows read */
	uint64_t accepted;         /* rows that became records */
	uint64_t rejected;         /* rows refused, with a reason */
	uint64_t filtered;         /* accepted rows the filter removed */
	uint64_t matched;          /* accepted rows the filter kept */
	uint64_t repeated_headers; /* header lines met again mid-stream */
	uint64_t blank_lines;      /* empty lines (not rows) */
	struct reason_count *reasons; /* rejects by reason, in first-seen order */
	size_t nreasons, alloc;
};

void acct_reject(struct acct *a, const char *reason, uint64_t n);
/* Add 'from' into 'into' (reasons merged by text). */
void acct_merge(struct acct *into, const struct acct *from);
/* Reasons sorted by count (desc), then text: a stable report order. */
void acct_sort_reasons(struct acct *a);
void acct_release(struct acct *a);

/* A row rejected while looking for the first data row (no header). */
struct early_reject {
	uint64_t line;      /* physical line */
	const char *reason; /* static text */
	size_t off, len;    /* its raw bytes in source.early_raw (cut to 64 KiB) */
};

enum source_event {
	SRC_RECORD = 1, /* 'rec' holds an accepted record */
	SRC_EOF = 0,    /* no more rows */
	SRC_REJECT = -1 /* a rejected row; see source's last_* fields */
};

struct source {
	const char *path;         /* as given ("-" for stdin), borrowed */
	const char *name;         /* display name, borrowed */
	struct input in;
	struct csvrow rd;
	struct schema *schema;    /* owned once the header was read */
	struct acct acct;
	int open_failed;          /* could not be opened or read at all */
	int unusable;             /* empty, header not understood, UTF-16 */
	int lacks_field;          /* a field the command needs is not in it:
				     refused before any row (exit 2) */
	int foreign;              /* a format this version does not read
				     (archive, xz, gzip inside gzip): it
				     cannot be read at all (exit 3) */
	int damaged;              /* gzip damage found */
	int read_failed;          /* reading failed part-way (I/O error) */
	struct buf problem;       /* message for open_failed/unusable/damaged */
	enum diag_class problem_cls; /* what kind of failure 'problem' is */
	struct buf header_raw;    /* the header line's bytes as read */
	/* rows rejected before the first data row of a header-less input,
	   counted in acct; reported by the caller (source_open cannot) */
	struct early_reject *early;
	size_t nearly, early_alloc;
	struct buf early_raw;
	/* last reject */
	uint64_t last_line;       /* physical line of the rejected row */
	const char *last_reason;  /* static reason text */
	struct buf last_detail;   /* more about the reason, may be empty */
	const char *last_raw;     /* raw bytes of the rejected row, borrowed */
	size_t last_raw_len;
	/* private */
	struct csvrow_row row;    /* current row */
	int pending_first;        /* the header row was data (no header) */
	uint64_t need;            /* fields the command reads */
	int eof;
};

/* 'problem' becomes the message of 'd', with its class. */
void source_set_problem(struct source *src, const struct diag *d);

/*
 * Open 'path' and read its header. Returns 0 when rows can be read; -1 with
 * src->problem set when the file could not be opened (open_failed) or has
 * no usable header (unusable). Both leave the source safe to release.
 */
int source_open(struct source *src, const char *path,
		const struct schema_opts *so, const struct csvrow_opts *co,
		uint64_t need);
/* Fields a command cannot do without, and the option that asks for them. */
struct field_need {
	uint64_t fields;     /* FIELD_BIT()s */
	const char *by;      /* "-w", "--by", "--split", "--sort duration" */
};
#define SOURCE_MAX_NEEDS 8

/*
 * After source_open: check that the input carries every field of the
 * 'n' entries of 'needs'. Returns 0, or -1 with the input made unusable
 * (lacks_field, problem set naming the field and option, no row counted).
 */
int source_require(struct source *src, const struct field_need *needs,
		   size_t n);
/* The next record or reject (enum source_event). */
int source_next(struct source *src, struct record *rec);
void source_release(struct source *src);

#endif
