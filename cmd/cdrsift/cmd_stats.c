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
#include "runfacts.h"
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

#define GAPS_SHOWN 3 /* gaps listed in the table; csv and json list all */

/*
 * Append to 'b' the first GAPS_SHOWN gaps of 'list' (space-separated, as
 * in the gap_list column) and how many more there are.
 */
static void gaps_short(const char *list, uint64_t ngap, struct buf *b)
{
	const char *p = list;
	for (uint64_t g = 0; g < ngap && g < GAPS_SHOWN && *p; g++) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *slash = memchr(p, '/', n);
		if (g)
			buf_adds(b, ", ");
		/* ISO 8601 abbreviates an interval's end to what differs:
		 * 2025-01-03T09:00:00Z/14:00:00Z */
		if (slash && slash - p > 11 && (size_t)(slash - p) + 12 < n &&
		    !memcmp(p, slash + 1, 11)) {
			buf_add(b, p, (size_t)(slash - p) + 1);
			buf_add(b, slash + 12, n - (size_t)(slash - p) - 12);
		} else {
			buf_add(b, p, n);
		}
		p += n + (e != NULL);
	}
	if (ngap > GAPS_SHOWN)
		buf_addf(b, " \xe2\x80\xa6 and %llu more",
			 (unsigned long long)(ngap - GAPS_SHOWN));
}

/*
 * The human report: one block per input, then the total. Lines longer
 * than the terminal wrap, continued under their value.
 */
static void print_block(struct cli *cli, const struct stats_view *v,
			const struct rf_input *e, const struct stats *st,
			struct buf *cell)
{
	struct buf t = BUF_INIT;
#define S(i) buf_cstr(&cell[i])
#define N(i, v) S(i), PLURAL(v)
	if (e->path)
		buf_add_escaped(&t, e->path, strlen(e->path), 4096);
	else
		buf_adds(&t, "total");
	buf_addch(&t, '\n');
	if (e->path) {
		buf_addf(&t, "  bytes        %s (%s uncompressed)%s\n", S(SC_BYTES),
			S(SC_BYTES_OUT), e->damaged ? "  DAMAGED" : "");
		buf_addf(&t, "  sha256       %s\n", *e->sha256 ? e->sha256 : "-");
		if (e->kind || *delimiter_name(e->delimiter))
			buf_addf(&t, "  format       %s, %s-delimited%s%s%s\n",
				e->kind ? kind_name(e->kind) : "unknown kind",
				*delimiter_name(e->delimiter) ?
				S(SC_DELIM) : "unknown",
				e->header ? ", header" : ", no header",
				e->crlf ? ", CRLF" : "", e->bom ? ", BOM" : "");
		else
			buf_addf(&t, "  format       not understood\n");
		if (e->mapping)
			buf_addf(&t, "  columns      %s\n", S(SC_MAPPING));
		if (e->problem) {
			/*
			 * The problem is already a message: its evidence was
			 * escaped where it was written, so only stray control
			 * bytes are escaped here (a backslash is not doubled)
			 */
			struct buf esc = BUF_INIT;
			for (const char *q = e->problem; *q; q++) {
				if ((unsigned char)*q < 0x20 || *q == 0x7f)
					buf_add_escaped(&esc, q, 1, 1);
				else
					buf_addch(&esc, *q);
			}
			buf_addf(&t, "  problem      %s\n", buf_cstr(&esc));
			buf_release(&esc);
		}
	}
	buf_addf(&t, "  rows         %s read, %s accepted, %s rejected",
		S(SC_READ), S(SC_ACCEPTED), S(SC_REJECTED));
	if (v->filter)
		buf_addf(&t, ", %s filtered out, %s matched", S(SC_FILTERED),
			S(SC_MATCHED));
	buf_addch(&t, '\n');
	if (e->acct.nreasons) {
		/* wrapped between reasons, not inside one */
		buf_adds(&t, "  rejected     ");
		const char *r0 = S(SC_REASONS);
		for (const char *q = r0; *q; q++)
			buf_addch(&t, *q == ' ' && q > r0 && q[-1] != ';' ?
				  WRAP_NBSP : *q);
		buf_addch(&t, '\n');
	}
	if (e->acct.repeated_headers)
		buf_addf(&t, "  headers      %s repeated header line%s skipped\n",
			N(SC_REPEATED, e->acct.repeated_headers));
	if (st->timed)
		buf_addf(&t, "  span         %s .. %s\n", S(SC_FIRST), S(SC_LAST));
	buf_addf(&t, "  distinct     %s subscriber%s, %s cell%s, %s IMEI%s\n",
		N(SC_SUBS, st->count[0]),
		N(SC_CELLS, st->count[1]),
		N(SC_IMEIS, st->count[2]));
	if (e->kind != KIND_IP)
		buf_addf(&t, "  types        %s voice, %s sms, %s data, %s other; "
			"%s mo, %s mt, %s unknown direction\n", S(SC_VOICE),
			S(SC_SMS), S(SC_DATA), S(SC_OTHER), S(SC_MO), S(SC_MT),
			S(SC_UNKNOWN_DIR));
	{
		uint64_t ngap = strtoull(S(SC_GAPS), NULL, 10);
		uint64_t hours = strtoull(S(SC_GAP_HOURS), NULL, 10);
		struct buf gl = BUF_INIT;
		gaps_short(S(SC_GAP_LIST), ngap, &gl);
		buf_addf(&t, "  gaps         %s (%s empty hour%s)%s%s\n",
			S(SC_GAPS), S(SC_GAP_HOURS), PLURAL(hours),
			gl.len ? ": " : "", buf_cstr(&gl));
		buf_release(&gl);
	}
	buf_addf(&t, "  out of order %s row%s\n", N(SC_OOO, e->ooo));
	buf_addf(&t, "  cells as     CGI %s, separate columns %s, bare id %s\n",
		S(SC_CELLS_CGI), S(SC_CELLS_COLUMNS), S(SC_CELLS_ID));
	if (v->cells)
		buf_addf(&t, "  cell table   %s position%s filled, %s record%s "
			"disagree%s with it, %s cell id%s not in it, %s "
			"ambiguous\n",
			N(SC_CELL_FILLED, e->cell.filled),
			N(SC_CELL_DISAGREE, e->cell.disagree),
			e->cell.disagree == 1 ? "s" : "",
			N(SC_CELL_UNKNOWN, e->cell.unknown), S(SC_CELL_AMBIGUOUS));
#undef N
#undef S
	/* each line wraps under its value (15 columns in) */
	struct buf out = BUF_INIT;
	size_t width = cli_term_width() > 0 ? (size_t)cli_term_width() : 0;
	const char *text = buf_cstr(&t);
	size_t text_len = t.len;
	for (const char *l = text; l < text + text_len;) {
		const char *nl = memchr(l, '\n', (size_t)(text + text_len - l));
		size_t n = nl ? (size_t)(nl - l) : (size_t)(text + text_len - l);
		text_wrap(&out, l, n, width, l[0] == ' ' ? 15 : 2);
		l += n + (nl != NULL);
	}
	fwrite(buf_cstr(&out), 1, out.len, cli->out);
	buf_release(&out);
	buf_release(&t);
}

/* Figures an input cannot give, said as its header is known: not errors. */
static void stats_input_start(void *ctx, struct pipe_input *pin)
{
	const struct schema *sc = pin->src.schema;
	(void)ctx;
	if (!sc)
		return;
	if (!schema_provides(sc, F_START))
		cli_error("%s: warning: no column gives the start time: "
			  "first, last, gaps and out_of_order are "
			  "empty or 0 for this input", pin->name);
	if (!schema_provides(sc, F_SUBSCRIBER))
		cli_error("%s: warning: no column gives a party (%s): "
			  "subscribers is 0 for this input", pin->name,
			  sc->kind == KIND_CDR ?
			  "caller, callee or a served party" :
			  "subscriber");
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
"bytes as read, kind, dialect and column mapping (field <- column), rows\n"
"read/accepted/rejected (by reason),\n"
"time span, distinct subscribers, cells and IMEIs, coverage gaps (clock\n"
"hours with no record inside the span) and rows out of time order.\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n"
"\n"
"stats options:\n"
"      --columns LIST     only these columns, in this order, after input (a\n"
"                         table, not the blocks); a distinct set not listed\n"
"                         (subscribers, cells, imeis) is not built\n";

enum { O_COLUMNS = 512 };

static const struct option stats_opts[] = {
	{ "columns", required_argument, NULL, O_COLUMNS },
	{ NULL, 0, NULL, 0 },
};

struct stats_ctx {
	const char *columns;   /* --columns as given, or NULL */
	size_t cols[SC_NCOLS + 1];
	size_t ncols;
};

static int handle(void *ctx, int c, const char *arg)
{
	struct stats_ctx *x = ctx;
	if (c != O_COLUMNS)
		return -1;
	struct buf msg = BUF_INIT;
	x->ncols = stats_columns_parse(arg, x->cols, &msg);
	if (!x->ncols) {
		cli_error("--columns: %s", buf_cstr(&msg));
		buf_release(&msg);
		return -1;
	}
	buf_release(&msg);
	x->columns = arg;
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	struct cli cli;
	struct stats_ctx x;
	memset(&x, 0, sizeof(x));
	struct cmd_opts co = { stats_opts, handle, &x, stats_usage };
	struct run r;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	/*
	 * --columns builds the distinct sets it shows, and the subscribers
	 * whenever --suppress-below needs them to judge an input
	 */
	struct stats_own own = { STATS_SETS_ALL };
	if (x.columns) {
		own.sets = stats_columns_sets(x.cols, x.ncols);
		if (cli.priv.suppress_below)
			own.sets |= 1u;
	}
	run_init(&r, &cli, &stats_analysis, &own);
	if (x.columns) {
		/* the report shows them; merge refuses partials of other
		   lists (a list that parsed is its names as given) */
		runfacts_set_option(&r.rf, "--columns", x.columns);
	}
	r.input_start = stats_input_start;
	run_inputs(&r);
	run_output(&r);
	run_release(&r);
	return cli_finish(&cli);
}
