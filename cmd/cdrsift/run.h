/*
 * run.h - the one run driver of the analysing commands (issue 13): it
 * feeds an analysis (analysis.h) through the thread pipeline, keeps the
 * run facts (runfacts.h) as inputs end, and then either writes the
 * report (any -f format) or, with --partial FILE, the exact state.
 * `cdrsift merge` (cmd_merge.c) builds the same two things from partials.
 */
#ifndef CDRSIFT_RUN_H
#define CDRSIFT_RUN_H

#include "analysis.h"
#include "cli.h"
#include "runfacts.h"

struct table;

struct run {
	struct cli *cli;
	const struct analysis_ops *ops;
	struct analysis_opts ao;
	void *state;               /* the analysis's state */
	struct runfacts rf;        /* the driver's facts */
	/* the command's own look at an input whose header is known (may be
	   NULL): warnings about figures it cannot give */
	void (*input_start)(void *ctx, struct pipe_input *pin);
	void *ctx;
};

/*
 * A report printed for people in the table format, when an analysis's
 * report has a layout of its own (stats: one block per input). 'rf' and
 * 'state' are what the table 't' was built from.
 */
typedef void (*human_printer)(struct cli *cli, struct runfacts *rf,
			      void *state, struct table *t);
/* The human printer of command 'name', or NULL (the table writer). */
human_printer run_human_printer(const char *name);

/* Set up 'r' for 'cli' (parsed and set up) and 'ops' ('own': options). */
void run_init(struct run *r, struct cli *cli, const struct analysis_ops *ops,
	      const void *own);
/* Read every input into the state and the run facts. */
void run_inputs(struct run *r);
/* The partial of the run, to cli->partial_path. 0, or an exit status. */
int run_save_partial(struct run *r);
/* The report of 'state' and 'rf' on cli->out in cli->format, then the
   analysis's note (analysis.h) on stderr. */
void run_report(struct cli *cli, const struct analysis_ops *ops, void *state,
		struct runfacts *rf);
/* What a run ends with: its partial (with --partial; a failure's exit
   status set on the cli) or its report. */
void run_output(struct run *r);
/* Write 'state' and 'rf' as a partial to 'path'. 0, or an exit status. */
int run_write_partial(const struct analysis_ops *ops, void *state,
		      struct runfacts *rf, const char *path);
void run_release(struct run *r);

/* stats' human report (cmd_stats.c) */
void stats_human(struct cli *cli, struct runfacts *rf, void *state,
		 struct table *t);
/* volume's table format: a bar, the terminal's width, a footer
   (cmd_volume.c) */
void volume_human(struct cli *cli, struct runfacts *rf, void *state,
		  struct table *t);

#endif
