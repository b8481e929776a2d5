/*
 * runfacts.h - the facts of a run as one mergeable object (issue 13): the
 * command and the options that decide what a record means, and per input
 * its path, sizes, SHA-256, damage, problem, dialect, accounting, rows out
 * of time order and cell-table counters. The run driver in cmd/ fills it
 * as inputs end; it is the first section ("FACT") of every partial file,
 * and `cdrsift merge` rebuilds the per-input rows of a report and the json
 * meta (DESIGN section 6) from it, byte for byte.
 *
 * Merging appends the other object's inputs and refuses an input covered
 * twice (the same SHA-256). runfacts_sort then puts the inputs in the
 * canonical order (path, then SHA-256, bytes and rows read), so that any
 * grouping of merges gives the same object.
 *
 * Ownership: a runfacts owns its inputs' paths, problems and the reason
 * texts it loaded; a merge moves them from the other object, which is
 * left empty.
 */
#ifndef CDRSIFT_RUNFACTS_H
#define CDRSIFT_RUNFACTS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "intern.h"
#include "partial.h"
#include "record.h"
#include "source.h"

#define RUNFACTS_TAG PARTIAL_TAG('F', 'A', 'C', 'T')

/* One input, as it ended (field names as stats reports them). */
struct rf_input {
	char *path;             /* display name, owned */
	uint64_t bytes;         /* compressed bytes read */
	uint64_t bytes_out;     /* bytes after inflating */
	char sha256[65];        /* hex, empty when not read to the end */
	int damaged;            /* gzip damage found */
	int unusable;           /* no row could be read */
	int status;             /* exit status this input gives (0, 1, 3) */
	char *problem;          /* owned, or NULL: why damaged or unusable */
	int kind;               /* enum record_kind */
	char delimiter;         /* as read ("" when unknown) */
	int header, crlf, bom;  /* dialect facts */
	int member;             /* a member of an archive: its bytes are
				   the archive's, counted once (issue 12) */
	int archive;            /* an archive's own row: no record read */
	char *mapping;          /* owned, or NULL: "field <- column; ..." */
	struct cell_use cell;   /* how cells were written; --cells use */
	uint64_t ooo;           /* records out of time order */
	struct acct acct;       /* rows read, accepted, rejected by reason */
};

/* An option that must agree between partials ("--tz", "Europe/Paris"). */
struct rf_option {
	char *name, *value;     /* owned */
};

struct runfacts {
	char *command;          /* "stats", owned */
	struct rf_option *opt;  /* in the order set */
	size_t nopt, opt_alloc;
	struct rf_input *in;    /* by input index */
	size_t n, alloc;
	char **strs;            /* owned reason texts of loaded inputs */
	size_t nstrs, strs_alloc;
	/* private: SHA-256 -> input, for merge's covered-twice check */
	struct intern shas;
	size_t *sha_input;      /* by intern id */
	size_t sha_alloc;
	size_t sha_n;           /* inputs indexed so far */
};

void runfacts_init(struct runfacts *rf, const char *command);
void runfacts_release(struct runfacts *rf);
/* Record option 'name' with 'value' (copied; NULL is stored as ""). */
void runfacts_set_option(struct runfacts *rf, const char *name,
			 const char *value);
/* The value of option 'name', or NULL. */
const char *runfacts_option(const struct runfacts *rf, const char *name);
/* Input 'index', created empty (with those before it) when new. */
struct rf_input *runfacts_input(struct runfacts *rf, size_t index);
/* Set an input's problem text (copied; replaces the old one). */
void runfacts_set_problem(struct rf_input *in, const char *text);

/*
 * 0 when 'a' and 'b' may merge: the same command and options. Otherwise
 * -1 and a message in 'd' naming the first difference (the option, both
 * values), 'apath' and 'bpath' naming the partials.
 */
int runfacts_compatible(const struct runfacts *a, const char *apath,
			const struct runfacts *b, const char *bpath,
			struct diag *d);
/* 1 when an input of 'rf' has SHA-256 'sha256' (64 lowercase hex). */
int runfacts_covers(struct runfacts *rf, const char *sha256);
/* 0, or -1 with a message when 'rf' holds one input twice (SHA-256). */
int runfacts_check_unique(const struct runfacts *rf, struct diag *d);
/*
 * Append the inputs of 'from' to 'into' (moved: 'from' keeps no input).
 * '*map' gets a new array: map[i] is the index in 'into' of from's input
 * i (free it). -1 with a message in 'd' and nothing changed when an input
 * of 'from' has the SHA-256 of one in 'into' (covered twice).
 */
int runfacts_merge(struct runfacts *into, struct runfacts *from,
		   size_t **map, struct diag *d);
/*
 * Put the inputs in canonical order. '*perm' gets a new array: the input
 * now at i was at perm[i] (free it).
 */
void runfacts_sort(struct runfacts *rf, size_t **perm);
/* The total over every input (path NULL); release its acct. */
void runfacts_total(const struct runfacts *rf, struct rf_input *total);
/* The exit status the inputs give (the highest of theirs). */
int runfacts_status(const struct runfacts *rf);

/* The FACT section of a partial; and back, from an untrusted file. */
void runfacts_save(struct runfacts *rf, struct partial_writer *w);
int runfacts_load(struct runfacts *rf, const struct partial_file *pf,
		  struct diag *d);

/*
 * The json meta's members after "command" (DESIGN section 6): ,"inputs":
 * [...],"accounting":{...} into 'b'. Shared with commands that keep their
 * inputs elsewhere through the two parts.
 */
void runfacts_meta_json(struct runfacts *rf, struct buf *b);
void meta_json_input(struct buf *b, int first, const char *path,
		     uint64_t bytes, const char *sha256, int damaged);
void meta_json_accounting(struct buf *b, struct acct *total);

/* The SHA-256 of file 'path' in hex into 'out'. 0, or -1 (errno). */
int file_sha256_hex(const char *path, char out[65]);

/* Names in reports: "comma", ...; "cdr", "ip" ("" when unknown). */
const char *delimiter_name(char d);
const char *kind_name(int kind);

#endif
