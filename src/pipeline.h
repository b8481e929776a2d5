/*
 * pipeline.h - reading inputs on all cores, with output identical for
 * every thread count.
 *
 *   reader threads (inputs in        worker threads and the main thread
 *   parallel)                        ----------------------------------
 *   --------------
 *   open input, read header
 *   inflate, cut blocks at record  -->  parse block (csvrow), map rows
 *   boundaries (quote-aware)            (schema), filter (expr), add to
 *                                       the worker's analysis state
 *   main thread: complete blocks   <--  block results: accounting,
 *   in input order (rejects,            rejects, output bytes
 *   output, accounting); merge
 *   worker states at the end
 *
 * Blocks are cut the same way whatever the thread count, and each block
 * is parsed on its own, so -j1 and -j8 see exactly the same rows; results
 * that depend on order (output, rejects, rows out of time order) are put
 * together in block order by the main thread, and analysis states merge
 * exactly (counts, sums, min/max, set unions), so every report is
 * byte-identical for every -j.
 */
#ifndef CDRSIFT_PIPELINE_H
#define CDRSIFT_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csvrow.h"
#include "members.h"
#include "record.h"
#include "schema.h"
#include "source.h"

struct expr;

/* One input as the pipeline reads it. Read-only for hooks. */
struct pipe_input {
	size_t index;            /* position among the inputs, from 0 */
	const char *name;        /* display name */
	struct source src;       /* input, header, schema, problem text */
	int usable;              /* 1 when the header was understood */
	char delimiter;          /* dialect, for the workers */
	/* filled as blocks finish, in order (main thread) */
	struct acct acct;        /* rows of the whole input */
	uint64_t lines;          /* physical lines so far */
	uint64_t out_of_order;   /* records starting before the previous one */
	int64_t last_start;      /* start of the last timed record so far */
	int timed;               /* a timed record was seen */
	struct cell_use cell;    /* cell spellings and cell table use */
	int damaged;             /* gzip damage: problem holds the message */
	int read_failed;         /* I/O error part-way */
	uint64_t bytes_read;     /* compressed bytes read so far (atomic:
				    for the progress line) */
	int archive;             /* an archive's own row (issue 12): not
				    read; bytes, SHA-256, note from members.h */
	int member;              /* a member of an archive */
	uint64_t sampled;        /* records passed to 'record' so far, when
				    sampling (pipe_opts.sample_rows) */
	/* private */
	uint64_t member_line;    /* first line of the last gzip member (0: unknown) */
	struct pipe_task *q_first, *q_last; /* made, not absorbed (block order) */
	struct pipe_task *d_first, *d_last; /* absorbed, output kept */
	size_t inflight;         /* blocks made and not absorbed */
	size_t deferred_bytes;   /* output kept for this input's turn */
};

/* One block of rows and, once a worker is done, its results. */
struct pipe_task {
	struct pipe_input *pin;  /* the input it belongs to */
	uint64_t seq;            /* block number within the input */
	char *data;              /* owned block bytes, whole records */
	size_t len;              /* bytes */
	size_t cap;              /* bytes allocated (+1), for reuse */
	int cut_short;           /* damage follows: a partial last row is bad */
	int skip_first_line;     /* starts inside an overlong line: skip it */
	int last;                /* the input's last task */
	/* results, written by the worker */
	struct acct acct;        /* rows of this block */
	uint64_t lines;          /* physical lines in the block */
	struct buf out;          /* command output of this block */
	struct buf rejects;      /* rejected rows, see pipe_task_reject() */
	int64_t first_start, last_start; /* first and last timed record */
	uint64_t out_of_order;   /* order breaks inside the block */
	int timed;               /* a timed record was seen */
	struct cell_use cell;    /* cell spellings and cell table use */
	int done;                /* 0 queued, 1 taken, 2 done */
	/* private */
	uint64_t member_rel;     /* a gzip member begins on this line of the
				    block (from 1), or 0 */
	uint64_t line_base;      /* lines of the input before the block,
				    counted by the reader as it cuts: a
				    record's line is absolute in the worker */
	struct pipe_task *next_in, *next_q; /* input list; parse queue */
};

struct pipe_reject {
	uint64_t line;           /* physical line in the input */
	const char *reason;      /* static text */
	const char *detail;      /* borrowed, may be "" */
	size_t detail_len;
	const char *raw;         /* the row's bytes, borrowed */
	size_t raw_len;
};

struct pipe_hooks {
	void *ctx;               /* the command's context */
	uint64_t need;           /* fields the command reads */
	/* a per-worker analysis state (may return NULL) */
	void *(*worker_new)(void *ctx);
	/* a record that passed the filter, in a worker; 'out' is the block's
	 * output buffer (written out in order by the main thread) */
	void (*record)(void *wctx, const struct pipe_input *pin,
		       const struct record *r, struct buf *out);
	/* main thread, in input order: an input begins (its header is known,
	 * or it is unusable); a block's output; an input is finished */
	void (*input_start)(void *ctx, struct pipe_input *pin);
	void (*block_out)(void *ctx, struct pipe_input *pin, struct buf *out);
	void (*reject)(void *ctx, struct pipe_input *pin,
		       const struct pipe_reject *rj);
	void (*input_end)(void *ctx, struct pipe_input *pin);
	/* main thread, at the end, in worker order: merge and free */
	void (*worker_done)(void *ctx, void *wctx);
	/* main thread, about once a second while reading (may be NULL):
	 * 'path' is the input being completed and 'bytes' how much of it
	 * has been read, 'seconds' the time since the start */
	void (*progress)(void *ctx, const char *path, uint64_t bytes,
			 uint64_t rows, double seconds);
};

struct pipe_opts {
	const struct schema_opts *so;
	const struct csvrow_opts *co;
	const struct expr *expr;  /* filter, or NULL */
	const struct field_need *require; /* fields the command (and the
				     filter) cannot do without: an input that
				     lacks one is refused at its header
				     (source_require) */
	size_t nrequire;
	unsigned threads;         /* threads in all; 0 or 1: the main thread alone */
	size_t block_size;        /* bytes per block; 0: 2 MiB */
	size_t defer_max;         /* output kept per later input; 0: 64 MiB */
	int *cancel;              /* or NULL: a hook (main thread) sets it to
				     1 to end the run now (a closed pipe) */
	const struct member_item *items; /* or NULL: per path, its display
				     name, archive row or member (issue 12) */
	uint64_t sample_rows;     /* 0, or: a sample of each input (schema):
				     its first N records that pass the filter,
				     the rows before them accounted as usual,
				     then the input is left unread (its
				     SHA-256 unknown unless it ended first).
				     One thread reads and parses. */
};

/*
 * Read 'paths' (n of them; "-" is standard input) through 'h'. Once a hook
 * sets '*o->cancel', no hook is called again (not even input_end of the
 * input under way), readers read no further, parsers take no new block,
 * and everything is freed; worker_done is still called for every worker.
 */
void pipeline_run(const char *const *paths, size_t n,
		  const struct pipe_opts *o, const struct pipe_hooks *h);

#endif
