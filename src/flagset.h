/*
 * flagset.h - the rows a flags file names (`filter --evidence`, issue 15).
 * A flags file is the CSV (or TSV) that `cdrsift anomalies` writes: a
 * header with an 'evidence' column, whose cells list records as
 * INPUT:LINE or INPUT:FIRST-LAST, separated by spaces (INPUT may itself
 * hold ':', as archive members do: the line is after the last one). The
 * set keeps, per input name, the sorted merged line ranges, so that a
 * record is looked up by (input name, line) in O(log n).
 */
#ifndef CDRSIFT_FLAGSET_H
#define CDRSIFT_FLAGSET_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct flagset_range {
	uint64_t lo, hi;          /* lines lo..hi, inclusive, lo >= 1 */
};

struct flagset_input {
	char *name;               /* owned, NUL-terminated */
	size_t len;
	struct flagset_range *r;  /* sorted, disjoint, not adjacent */
	size_t nr, alloc;
};

struct flagset {
	struct flagset_input *in; /* sorted by name (bytes) */
	size_t n, alloc;
	uint64_t lines;           /* lines named, after merging */
};

#define FLAGSET_INIT { NULL, 0, 0, 0 }

/*
 * Parse a flags file held in data[0..len) into 'fs' (empty before).
 * 0, or -1 with the line of the flags file in d->line and the message.
 * A file with no data rows gives an empty set.
 */
int flagset_parse(struct flagset *fs, const char *data, size_t len,
		  struct diag *d);
/* The input of that name, or NULL. */
const struct flagset_input *flagset_find(const struct flagset *fs,
					 const char *name, size_t len);
/* 1 when 'line' is in one of in's ranges ('in' may be NULL: 0). */
int flagset_has_line(const struct flagset_input *in, uint64_t line);
void flagset_release(struct flagset *fs);

#endif
