/*
 * run.c - the run driver (run.h): pipeline hooks around an analysis, the
 * run facts, the report through a typed table, and partial files.
 */
#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

human_printer run_human_printer(const char *name)
{
	if (!strcmp(name, "stats"))
		return stats_human;
	if (!strcmp(name, "volume"))
		return volume_human;
	return NULL;
}

/* The common options that decide what a record means or what is
   computed, as merge compares them (DESIGN section 7). */
static void record_options(struct run *r)
{
	struct cli *cli = r->cli;
	struct buf key = BUF_INIT;
	runfacts_set_option(&r->rf, "-w", cli->where ? cli->where : "");
	runfacts_set_option(&r->rf, "--tz", cli->tz ? tz_name(cli->tz) : "");
	runfacts_set_option(&r->rf, "--country",
			    cli->so.country ? cli->so.country : "");
	runfacts_set_option(&r->rf, "--cells (sha256)", cli->cells_sha256);
	r->ops->options_key(&r->ao, &key);
	runfacts_set_option(&r->rf, "options", buf_cstr(&key));
	buf_release(&key);
}

void run_init(struct run *r, struct cli *cli, const struct analysis_ops *ops,
	      const void *own)
{
	memset(r, 0, sizeof(*r));
	r->cli = cli;
	r->ops = ops;
	r->ao.tz = cli->tz;
	r->ao.own = own;
	r->state = ops->create(&r->ao);
	runfacts_init(&r->rf, ops->name);
	record_options(r);
}

void run_release(struct run *r)
{
	r->ops->destroy(r->state);
	runfacts_release(&r->rf);
}

/* A worker's feed, with the ops that feed it. */
struct run_feed {
	const struct analysis_ops *ops;
	void *feed;
};

static void *hook_worker_new(void *ctx)
{
	struct run *r = ctx;
	struct run_feed *f = xcalloc(1, sizeof(*f));
	f->ops = r->ops;
	f->feed = r->ops->feed_new(r->state);
	return f;
}

static void hook_record(void *wctx, const struct pipe_input *pin,
			const struct record *rec, struct buf *out)
{
	struct run_feed *f = wctx;
	(void)out;
	f->ops->add(f->feed, pin, rec);
}

static void hook_input_start(void *ctx, struct pipe_input *pin)
{
	struct run *r = ctx;
	struct rf_input *e = runfacts_input(&r->rf, pin->index);
	struct source *src = &pin->src;
	free(e->path);
	e->path = xstrdup(pin->name);
	if (src->schema) {
		e->kind = src->schema->kind;
		e->header = src->schema->has_header;
	}
	e->delimiter = pin->delimiter ? pin->delimiter : src->rd.delimiter;
	e->crlf = src->rd.crlf;
	e->bom = src->rd.bom;
	free(e->mapping);
	e->mapping = NULL;
	const struct schema *sc = src->schema;
	if (sc) {
		/* DESIGN section 5: per input, how its columns were mapped */
		struct buf m = BUF_INIT;
		for (size_t i = 0; i < sc->ncolumns; i++) {
			int f = sc->columns[i].field;
			if (f < 0)
				continue;
			if (m.len)
				buf_adds(&m, "; ");
			buf_adds(&m, field_table[f].name);
			buf_adds(&m, " <- ");
			buf_add_escaped(&m, sc->columns[i].name,
					strlen(sc->columns[i].name), 64);
		}
		if (sc->time_split)
			buf_adds(&m, "; start <- start_date + start_time");
		if (sc->dur_derived)
			buf_adds(&m, "; duration <- end - start");
		if (m.len)
			e->mapping = xstrdup(buf_cstr(&m));
		buf_release(&m);
	}
	if (r->input_start)
		r->input_start(r->ctx, pin);
}

static void hook_input_end(void *ctx, struct pipe_input *pin)
{
	struct run *r = ctx;
	struct rf_input *e = runfacts_input(&r->rf, pin->index);
	struct source *src = &pin->src;
	free(e->path);
	e->path = xstrdup(pin->name);
	e->bytes = src->in.bytes_in;
	e->bytes_out = src->in.bytes_out;
	e->damaged = pin->damaged;
	e->unusable = !pin->usable && !pin->archive;
	e->member = pin->member;
	e->archive = pin->archive;
	e->ooo = pin->out_of_order;
	if (src->problem.len)
		runfacts_set_problem(e, buf_cstr(&src->problem));
	if (src->in.eof && !src->open_failed && !pin->read_failed)
		input_sha256_hex(&src->in, e->sha256);
	e->cell = pin->cell;
	acct_merge(&e->acct, &pin->acct);
	/* the exit status this input gives, as cli_pipeline decides it */
	if (pin->archive)
		e->status = pin->damaged ? EXIT_REJECTS : 0;
	else if (!pin->usable)
		e->status = src->open_failed || src->foreign ? EXIT_INPUT :
			    EXIT_REJECTS;
	else if (pin->read_failed)
		e->status = EXIT_INPUT;
	else if (pin->damaged || pin->acct.rejected)
		e->status = EXIT_REJECTS;
}

static void hook_worker_done(void *ctx, void *wctx)
{
	struct run *r = ctx;
	struct run_feed *f = wctx;
	r->ops->feed_free(r->state, f->feed);
	free(f);
}

void run_inputs(struct run *r)
{
	struct pipe_hooks h = {
		r, r->ops->needs(&r->ao), hook_worker_new, hook_record,
		hook_input_start, NULL, NULL, hook_input_end,
		hook_worker_done, NULL,
	};
	cli_pipeline(r->cli, &h);
}

int run_write_partial(const struct analysis_ops *ops, void *state,
		      struct runfacts *rf, const char *path)
{
	struct partial_writer w;
	struct diag d = DIAG_INIT;
	size_t *perm;
	int rc = 0;
	/* canonical input order: the same bytes for any grouping */
	runfacts_sort(rf, &perm);
	if (ops->order)
		ops->order(state, perm, rf->n);
	free(perm);
	partial_writer_init(&w);
	runfacts_save(rf, &w);
	ops->save(state, &w);
	if (partial_writer_save(&w, path, &d) < 0) {
		cli_error("%s", buf_cstr(&d.msg));
		rc = EXIT_INPUT;
	}
	partial_writer_release(&w);
	diag_release(&d);
	return rc;
}

int run_save_partial(struct run *r)
{
	return run_write_partial(r->ops, r->state, &r->rf, r->cli->partial_path);
}

void run_output(struct run *r)
{
	if (r->cli->partial_path) {
		int rc = run_save_partial(r);
		if (rc)
			cli_status(r->cli, (enum exit_status)rc);
	} else {
		run_report(r->cli, r->ops, r->state, &r->rf);
	}
}

static void report_table(struct cli *cli, const struct analysis_ops *ops,
			 void *state, struct runfacts *rf)
{
	struct table t;
	struct diag d = DIAG_INIT;
	human_printer human = run_human_printer(ops->name);
	if (ops->finish && ops->finish(state, &d) < 0) {
		cli_error("%s", buf_cstr(&d.msg));
		cli_status(cli, EXIT_INTERNAL);
		diag_release(&d);
		return;
	}
	if (ops->report(state, rf, &t, &d) < 0) {
		cli_error("%s", buf_cstr(&d.msg));
		cli_status(cli, EXIT_INTERNAL);
		diag_release(&d);
		return;
	}
	diag_release(&d);
	/* suppression and pseudonyms act here, once, on the table */
	int prc = privacy_table(cli, rf, &t);
	if (prc) {
		cli_status(cli, (enum exit_status)prc);
		table_release(&t);
		return;
	}
	/* a report of chosen columns (stats --columns) is a plain table:
	   the human blocks are laid out for every figure */
	int chosen = t.show != NULL;
	if (chosen)
		table_select_cols(&t, t.show, t.nshow);
	if (cli->format == OUT_TABLE && human && !chosen) {
		human(cli, rf, state, &t);
	} else {
		struct out_col *cols = xcalloc(t.ncols ? t.ncols : 1,
					       sizeof(*cols));
		struct table_fmt f = { cli->tz };
		table_out_cols(&t, cols);
		struct writer *w = writer_new(cli->out,
					      (enum out_format)cli->format,
					      cols, t.ncols, cli->out_tty, 0);
		table_write(&t, w, &f);
		struct buf meta = BUF_INIT;
		cli_meta_json_rf(cli, rf, &meta);
		writer_meta(w, buf_cstr(&meta));
		buf_release(&meta);
		writer_finish(w);
		writer_free(w);
		free(cols);
	}
	table_release(&t);
}

void run_report(struct cli *cli, const struct analysis_ops *ops, void *state,
		struct runfacts *rf)
{
	struct buf note = BUF_INIT;
	report_table(cli, ops, state, rf);
	/* the analysis's line after the rows, whether they were written */
	if (ops->note && ops->note(state, &note))
		cli_error("%s", buf_cstr(&note));
	buf_release(&note);
}
