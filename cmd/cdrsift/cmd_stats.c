/*
 * cmd_stats.c - `cdrsift stats`: per input and in total, sizes, SHA-256,
 * kind and dialect, rows read/accepted/rejected by reason, time span,
 * distinct subscribers, cells and IMEIs, coverage gaps, out-of-order rows.
 * The figures are the stats analysis's table (src/stats.c), built by the
 * run driver (run.h); the table format's blocks are printed here from it.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run.h"
#include "stats.h"
#include "table.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

/* What the human blocks show beyond the table: taken from the run's
   options, so that merge prints what the run would have printed. */
struct stats_view {
	int filter;             /* a -w filter was given */
	int cells;              /* a --cells table was given */
};

/* The human report: one block per input, then the total. */
static void print_block(struct cli *cli, const struct stats_view *v,
			const struct rf_input *e, const struct stats *st,
			struct buf *cell)
{
	FILE *fp = cli->out;
#define S(i) buf_cstr(&cell[i])
	fprintf(fp, "%s\n", e->path ? S(SC_INPUT) : "total");
	if (e->path) {
		fprintf(fp, "  bytes        %s (%s uncompressed)%s\n", S(SC_BYTES),
			S(SC_BYTES_OUT), e->damaged ? "  DAMAGED" : "");
		fprintf(fp, "  sha256       %s\n", *e->sha256 ? e->sha256 : "-");
		fprintf(fp, "  format       %s, %s-delimited%s%s%s\n",
			e->kind ? kind_name(e->kind) : "unknown",
			S(SC_DELIM), e->header ? ", header" : ", no header",
			e->crlf ? ", CRLF" : "", e->bom ? ", BOM" : "");
		if (e->problem) {
			struct buf esc = BUF_INIT;
			buf_add_escaped(&esc, e->problem, strlen(e->problem), 256);
			fprintf(fp, "  problem      %s\n", buf_cstr(&esc));
			buf_release(&esc);
		}
	}
	fprintf(fp, "  rows         %s read, %s accepted, %s rejected",
		S(SC_READ), S(SC_ACCEPTED), S(SC_REJECTED));
	if (v->filter)
		fprintf(fp, ", %s filtered out, %s matched", S(SC_FILTERED),
			S(SC_MATCHED));
	fputc('\n', fp);
	if (e->acct.nreasons)
		fprintf(fp, "  rejected     %s\n", S(SC_REASONS));
	if (e->acct.repeated_headers)
		fprintf(fp, "  headers      %s repeated header lines skipped\n",
			S(SC_REPEATED));
	if (st->timed)
		fprintf(fp, "  span         %s .. %s\n", S(SC_FIRST), S(SC_LAST));
	fprintf(fp, "  distinct     %s subscribers, %s cells, %s IMEIs\n",
		S(SC_SUBS), S(SC_CELLS), S(SC_IMEIS));
	if (e->kind != KIND_IP)
		fprintf(fp, "  types        %s voice, %s sms, %s data, %s other; "
			"%s mo, %s mt, %s unknown direction\n", S(SC_VOICE),
			S(SC_SMS), S(SC_DATA), S(SC_OTHER), S(SC_MO), S(SC_MT),
			S(SC_UNKNOWN_DIR));
	fprintf(fp, "  gaps         %s (%s empty hours)%s%s\n", S(SC_GAPS),
		S(SC_GAP_HOURS), cell[SC_GAP_LIST].len ? ": " : "",
		S(SC_GAP_LIST));
	fprintf(fp, "  out of order %s rows\n", S(SC_OOO));
	if (v->cells)
		fprintf(fp, "  cell table   %s positions filled, %s records "
			"disagree with it, %s cell ids not in it\n",
			S(SC_CELL_FILLED), S(SC_CELL_DISAGREE), S(SC_CELL_UNKNOWN));
#undef S
}


void stats_human(struct cli *cli, struct runfacts *rf, void *state,
		 struct table *t)
{
	struct stats_run *sr = state;
	struct table_fmt f = { cli->tz };
	struct stats_view v;
	struct buf cell[SC_NCOLS];
	struct rf_input total;
	const char *where = runfacts_option(rf, "-w");
	const char *cells = runfacts_option(rf, "--cells (sha256)");
	v.filter = where && *where;
	v.cells = cells && *cells;
	memset(cell, 0, sizeof(cell));
	runfacts_total(rf, &total);
	for (size_t i = 0; i <= rf->n; i++) {
		if (i == rf->n && rf->n <= 1)
			break;
		for (size_t k = 0; k < SC_NCOLS; k++) {
			buf_reset(&cell[k]);
			table_format_cell(t, i, k, &f, &cell[k]);
		}
		print_block(cli, &v, i < rf->n ? &rf->in[i] : &total,
			    stats_run_input(sr, i), cell);
	}
	acct_release(&total.acct);
	for (int k = 0; k < SC_NCOLS; k++)
		buf_release(&cell[k]);
}

static const char stats_usage[] =
"Prints, per input and in total: bytes (compressed and not), SHA-256 of the\n"
"bytes as read, kind and dialect, rows read/accepted/rejected (by reason),\n"
"time span, distinct subscribers, cells and IMEIs, coverage gaps (clock\n"
"hours with no record inside the span) and rows out of time order.\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";

int cmd_stats(int argc, char **argv)
{
	struct cli cli;
	struct cmd_opts co = { NULL, NULL, NULL, stats_usage };
	struct run r;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	run_init(&r, &cli, &stats_analysis, NULL);
	run_inputs(&r);
	if (cli.partial_path) {
		rc = run_save_partial(&r);
		if (rc)
			cli_status(&cli, (enum exit_status)rc);
	} else {
		run_report(&cli, r.ops, r.state, &r.rf);
	}
	run_release(&r);
	return cli_finish(&cli);
}
