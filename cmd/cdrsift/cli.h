/*
 * cli.h - what every command shares: the common options of DESIGN section 1,
 * the exit statuses of section 3, the input loop with its accounting and
 * reject reporting, and the output set-up. Only cmd/ parses argv, prints and
 * exits (STYLE rule 13).
 */
#ifndef CDRSIFT_CLI_H
#define CDRSIFT_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "evidence.h"
#include "members.h"
#include "output.h"
#include "pipeline.h"
#include "privacy.h"
#include "record.h"
#include "schema.h"
#include "source.h"

#define CDRSIFT_VERSION "0.2.0"

enum exit_status {
	EXIT_OK = 0,       /* success */
	EXIT_REJECTS = 1,  /* success, but rows were rejected or input damaged */
	EXIT_USAGE = 2,    /* usage or expression error: nothing was read */
	EXIT_INPUT = 3,    /* an input could not be read, or output not written */
	EXIT_INTERNAL = 4, /* out of memory or another internal failure */
};

struct expr;
struct expr_state;

/* One finished input, as json meta lists it. */
struct input_summary {
	const char *path;  /* display name, borrowed from argv */
	uint64_t bytes;    /* compressed bytes read */
	char sha256[65];   /* hex, empty when not read to the end */
	int damaged;       /* 1 when gzip damage was found */
	int member;        /* a member of an archive (not in --audit) */
};
struct tz;
struct cells;

struct cli {
	const char *cmd;            /* command name */
	int argc;                   /* the whole argument list, for json meta */
	char **argv;
	/* common options */
	const char *where;          /* -w EXPR, or NULL */
	struct schema_opts so;      /* kind, --no-header, --map, tz, ... */
	struct csvrow_opts co;      /* --delimiter, --field-cap */
	struct map_entry *map;      /* owned --map entries */
	char *map_text;             /* owned copy of the --map argument */
	struct tz *tz;              /* owned --tz zone (NULL: UTC) */
	struct cells *cells;        /* owned --cells table */
	char cells_sha256[65];      /* hex SHA-256 of the --cells file, or "" */
	const char *partial_path;   /* --partial FILE, or NULL */
	const char *cells_path;     /* --cells FILE, loaded after the options */
	const char *cells_map;      /* --cells-map text, or NULL */
	const char *subscriber_arg; /* --subscriber NUMBER as given */
	char subscriber[64];        /* it normalised (so.subscriber) */
	int format;                 /* enum out_format, -1 until decided */
	const char *output;         /* -o FILE, or NULL */
	FILE *out;                  /* where data goes */
	int out_tty;                /* 'out' is a terminal */
	int out_closed;             /* 1 once 'out' is a closed pipe: the
				       run ends there, quietly (DESIGN 3) */
	int cancel;                 /* the pipeline's cancel flag (atomic) */
	int threads;                /* -j N (0: all cores) */
	const char *rejects_path;   /* --rejects FILE */
	FILE *rejects;              /* open --rejects file */
	int progress;               /* -1 auto, 0 off, 1 on */
	int verbose;                /* --verbose */
	int debug_dump_expr;        /* hidden --debug-dump-expr */
	int max_reject_messages;    /* per input, on stderr */
	int ignore_rejects;         /* schema: samples only, rejects not reported */
	uint64_t sample_rows;       /* schema: records sampled per input */
	char **files;               /* inputs (NULL-terminated), or "-" */
	int nfiles;
	/* filter */
	/* fields the command cannot do without, by option (cli_require);
	   cli_setup adds those of -w */
	struct field_need require[SOURCE_MAX_NEEDS];
	size_t nrequire;
	struct expr *expr;          /* compiled -w, or NULL */
	struct expr_state *expr_st; /* its state */
	/* results */
	enum exit_status status;    /* highest status so far */
	struct acct total;          /* accounting over every input */
	struct cell_use cell_total; /* cell spellings and --cells use, all
				       inputs */
	struct input_summary *inputs; /* finished inputs, for json meta */
	size_t ninputs, inputs_alloc;
	struct evidence ev;         /* --audit, --provenance, --manifest */
	/* zip and tar deliveries (issue 12): the inputs after unpacking
	   (cli_setup); an archive stays one input of its own in 'files' */
	struct members *mem;        /* items (heap: removed at exit should
				       the command not reach cli_finish) */
	const char **mem_paths;     /* mem's paths, for the pipeline */
	struct privacy priv;        /* --pseudonymize, --suppress-below */
};

/* A command's own options: getopt_long entries and a handler. */
struct cmd_opts {
	const struct option *longopts; /* terminated by a zero entry */
	/* Handle option 'c' (its getopt value) with 'arg'; 0, or -1 on error
	 * after printing a message. */
	int (*handle)(void *ctx, int c, const char *arg);
	void *ctx;
	const char *usage;             /* the command's usage text */
};

/* Parse argv into 'cli' (common and command options). 0, or an exit status. */
int cli_parse(struct cli *cli, int argc, char **argv, const struct cmd_opts *co);
/* Set up output, rejects file, expression. 0, or an exit status. */
int cli_setup(struct cli *cli, enum record_kind kind_hint);
/* Before cli_setup: every input must carry 'fields', asked for by 'by'. */
void cli_require(struct cli *cli, uint64_t fields, const char *by);
/* Raise the run's status to at least 's'. */
void cli_status(struct cli *cli, enum exit_status s);
/* Print "cdrsift: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Free everything; returns the final exit status. */
int cli_finish(struct cli *cli);
/*
 * Set by main's SIGPIPE handler (SIGPIPE does not kill the process, so a
 * write to a closed pipe fails with EPIPE): with an error on 'out', it
 * tells a closed pipe (quiet end) from a failed write (exit 3).
 */
extern volatile sig_atomic_t cli_sigpipe;
/* 1 when 'out' has failed because its reader is gone; sets out_closed. */
int cli_out_closed(struct cli *cli);
/* "s" after a count other than one: "%llu row%s", n, PLURAL(n) */
#define PLURAL(n) ((n) == 1 ? "" : "s")

/*
 * The width tables fit: COLUMNS when set, else that of the terminal on
 * standard output when the output goes there (not with -o FILE), else 0.
 */
int cli_term_width(void);

/* Called for each source once its header is known, each record that
 * passed the filter, and each source at its end. on_record returns 0 to
 * go on, 1 when it has had enough of this input (the run goes on with the
 * next input; this one is not read to its end, so it has no SHA-256), or
 * -1 to stop the run (output failed). A non-zero on_start stops the run. */
/*
 * Read every input through the thread pipeline (-j), the one row loop of
 * every command; the command's hooks see records in workers and blocks,
 * inputs and rejects in input order. Rejects, damage and accounting are
 * reported here (not rejects with ignore_rejects); with sample_rows, each
 * input's first records only (pipe_opts.sample_rows).
 */
void cli_pipeline(struct cli *cli, const struct pipe_hooks *h);

/* The JSON meta object of DESIGN 6 for 'inputs', into 'b'. */
void cli_meta_json(struct cli *cli, const struct input_summary *in, size_t n,
		   struct buf *b);
struct runfacts;
/* The same from run facts (the inputs and accounting of 'rf'). */
void cli_meta_json_rf(struct cli *cli, struct runfacts *rf, struct buf *b);
/* Remember a finished source's summary for json meta (kept by cli_pipeline). */
const struct input_summary *cli_inputs(const struct cli *cli, size_t *n);

/* Format helpers shared by commands. */
void fmt_time(const struct cli *cli, int64_t ms, struct buf *b);
void fmt_duration(int64_t us, struct buf *b); /* microseconds as seconds */
/* One record field as text into 'b' (empty when missing). 1 when present. */
int fmt_field(const struct cli *cli, const struct record *r, int f,
	      struct buf *b);

/* commands */
int cmd_filter(int argc, char **argv);
int cmd_stats(int argc, char **argv);
/* geo (issue 14) */
int cmd_geo(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_volume(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_manifest(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_anomalies(int argc, char **argv);
int cmd_attribute(int argc, char **argv); /* attribute (issue 16) */

#endif
