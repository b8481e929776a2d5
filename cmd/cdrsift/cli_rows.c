/*
 * cli_rows.c - the input loop every command runs through (cli.h): each
 * input's header and rows through the thread pipeline (cli_pipeline),
 * schema's samples included; rejects reported on
 * standard error and in --rejects, the accounting of every row, the
 * progress line, the exit status of what was read (DESIGN section 3).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expr.h"
#include "xalloc.h"
#include "banned.h"

/* DESIGN 3: with --verbose, every command accounts for every row. */
static void print_accounting(const struct cli *cli)
{
	const struct acct *a = &cli->total;
	if (!cli->verbose)
		return;
	cli_error("read %llu, accepted %llu, rejected %llu, filtered %llu, "
		  "matched %llu", (unsigned long long)a->read,
		  (unsigned long long)a->accepted,
		  (unsigned long long)a->rejected,
		  (unsigned long long)a->filtered,
		  (unsigned long long)a->matched);
}

const struct input_summary *cli_inputs(const struct cli *cli, size_t *n)
{
	*n = cli->ninputs;
	return cli->inputs;
}

static void csv_field(FILE *fp, const char *s, size_t len)
{
	fputc('"', fp);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', fp);
		fputc(s[i], fp);
	}
	fputc('"', fp);
}

static void report_reject(struct cli *cli, struct source *src,
			  uint64_t *shown)
{
	const char *detail = buf_cstr(&src->last_detail);
	if (cli->rejects) {
		size_t rl = src->last_raw_len;
		while (rl && (src->last_raw[rl - 1] == '\n' ||
			      src->last_raw[rl - 1] == '\r'))
			rl--;
		/* the file name escaped as the detail is: no raw control bytes */
		struct buf fname = BUF_INIT;
		buf_add_escaped(&fname, src->name, strlen(src->name), (size_t)-1);
		csv_field(cli->rejects, fname.data ? fname.data : "", fname.len);
		buf_release(&fname);
		fprintf(cli->rejects, ",%llu,", (unsigned long long)src->last_line);
		csv_field(cli->rejects, src->last_reason, strlen(src->last_reason));
		fputc(',', cli->rejects);
		csv_field(cli->rejects, detail, strlen(detail));
		fputc(',', cli->rejects);
		/* under --pseudonymize the raw row only with --rejects-raw */
		if (cli->priv.pseudo && !cli->priv.rejects_raw)
			rl = 0;
		csv_field(cli->rejects, src->last_raw ? src->last_raw : "", rl);
		fputc('\n', cli->rejects);
	}
	if (*shown < (uint64_t)cli->max_reject_messages) {
		struct buf name = BUF_INIT;
		buf_add_escaped(&name, src->name, strlen(src->name), 256);
		fprintf(stderr, "cdrsift: %s:%llu: %s%s%s%s\n", buf_cstr(&name),
			(unsigned long long)src->last_line, src->last_reason,
			*detail ? " (" : "", detail, *detail ? ")" : "");
		buf_release(&name);
	}
	(*shown)++;
}

/*
 * Once per input: rows rejected because their dates read only in the
 * other day-month order, and the option that says which order the file
 * uses. The rows stay rejected: a file is never re-read in another order.
 */
static void date_order_hint(const char *name, const struct acct *a)
{
	for (size_t i = 0; i < a->nreasons; i++) {
		const char *r = a->reasons[i].reason;
		int mdy = !strcmp(r, schema_reason_mdy_conflict);
		if (!mdy && strcmp(r, schema_reason_dmy_conflict))
			continue;
		cli_error("%s: %llu row%s with a month above 12 in %s: if the "
			  "file writes %s first, run again with --date-order %s",
			  name, (unsigned long long)a->reasons[i].n,
			  PLURAL(a->reasons[i].n),
			  mdy ? "a month-first date" : "a day-first date",
			  mdy ? "days" : "months", mdy ? "dmy" : "mdy");
		return;
	}
}

static void remember_input(struct cli *cli, struct source *src)
{
	VEC_GROW(cli->inputs, cli->ninputs + 1, cli->inputs_alloc);
	struct input_summary *s = &cli->inputs[cli->ninputs++];
	memset(s, 0, sizeof(*s));
	s->path = src->name;
	s->bytes = src->in.bytes_in;
	s->damaged = src->damaged;
	s->member = !!strchr(src->name, ':') && src->path &&
		    strcmp(src->path, src->name) != 0;
	if (src->in.eof && !src->open_failed)
		input_sha256_hex(&src->in, s->sha256);
}

/*
 * An input that reads no row: the message, and the status: 3 when it
 * could not be opened or read at all (missing, a directory, a format this
 * version does not read), 1 when it is empty or its header cannot be
 * understood (DESIGN section 3).
 */
static void report_unusable(struct cli *cli, struct source *src)
{
	/* open errors name the file themselves */
	if (src->open_failed && src->problem_cls == DIAG_OPEN)
		cli_error("%s", buf_cstr(&src->problem));
	else
		cli_error("%s: %s", src->name, buf_cstr(&src->problem));
	cli_status(cli, src->open_failed || src->foreign ? EXIT_INPUT :
		   src->lacks_field ? EXIT_USAGE : EXIT_REJECTS);
}

struct pipe_wrap {
	struct cli *cli;
	const struct pipe_hooks *cmd; /* the command's hooks */
	uint64_t shown;               /* reject messages shown for this input */
	int progress_shown;           /* a progress line needs clearing */
};

/* Messages start on a clean line: the progress line goes first. */
static void clear_progress(struct pipe_wrap *pw)
{
	if (pw->progress_shown) {
		fprintf(stderr, "\r%60s\r", "");
		pw->progress_shown = 0;
	}
}

static void *wrap_worker_new(void *ctx)
{
	struct pipe_wrap *pw = ctx;
	return pw->cmd->worker_new ? pw->cmd->worker_new(pw->cmd->ctx) : NULL;
}

static void wrap_input_start(void *ctx, struct pipe_input *pin)
{
	struct pipe_wrap *pw = ctx;
	if (cli_out_closed(pw->cli))
		return;
	clear_progress(pw);
	pw->shown = 0;
	if (pin->usable && pw->cli->expr) {
		/* say once, here, when a col() column is missing from this input */
		struct expr_state *st = expr_state_new(pw->cli->expr);
		struct diag d = DIAG_INIT;
		if (expr_state_bind(st, pin->src.schema, &d) != 0 && d.set)
			cli_error("%s: %s", pin->name, buf_cstr(&d.msg));
		diag_release(&d);
		expr_state_free(st);
	}
	if (pw->cmd->input_start)
		pw->cmd->input_start(pw->cmd->ctx, pin);
	cli_out_closed(pw->cli);
}

static void wrap_block_out(void *ctx, struct pipe_input *pin, struct buf *out)
{
	struct pipe_wrap *pw = ctx;
	if (cli_out_closed(pw->cli))
		return;
	if (pw->cmd->block_out)
		pw->cmd->block_out(pw->cmd->ctx, pin, out);
	cli_out_closed(pw->cli);
}

static void wrap_reject(void *ctx, struct pipe_input *pin,
			const struct pipe_reject *rj)
{
	struct pipe_wrap *pw = ctx;
	struct source tmp;
	if (cli_out_closed(pw->cli) || pw->cli->ignore_rejects)
		return;
	clear_progress(pw);
	memset(&tmp, 0, sizeof(tmp));
	tmp.name = pin->name;
	tmp.last_line = rj->line;
	tmp.last_reason = rj->reason;
	tmp.last_raw = rj->raw;
	tmp.last_raw_len = rj->raw_len;
	buf_add(&tmp.last_detail, rj->detail, rj->detail_len);
	report_reject(pw->cli, &tmp, &pw->shown);
	buf_release(&tmp.last_detail);
	/* the status of what was done, should the run end before input_end */
	cli_status(pw->cli, EXIT_REJECTS);
}

static void wrap_input_end(void *ctx, struct pipe_input *pin)
{
	struct pipe_wrap *pw = ctx;
	struct cli *cli = pw->cli;
	struct source *src = &pin->src;
	if (cli_out_closed(cli))
		return;
	clear_progress(pw);
	if (pin->archive) { /* an archive's own row: its note or damage */
		if (src->problem.len)
			cli_error("%s: %s%s", pin->name, pin->damaged ? "" :
				  "note: ", buf_cstr(&src->problem));
		if (pin->damaged)
			cli_status(cli, EXIT_REJECTS);
	} else if (!pin->usable) {
		report_unusable(cli, src);
	} else {
		if (pw->shown > (uint64_t)cli->max_reject_messages)
			cli_error("%s: %llu more rejected row%s not shown%s",
				  pin->name,
				  (unsigned long long)(pw->shown -
					(uint64_t)cli->max_reject_messages),
				  PLURAL(pw->shown - (uint64_t)cli->max_reject_messages),
				  cli->rejects ? "" : " (see --rejects FILE)");
		date_order_hint(pin->name, &pin->acct);
		if (pin->read_failed) {
			cli_error("%s: %s", pin->name, buf_cstr(&src->problem));
			cli_status(cli, EXIT_INPUT);
		} else if (pin->damaged) {
			cli_error("%s: %s", pin->name, buf_cstr(&src->problem));
			cli_status(cli, EXIT_REJECTS);
		} else if (src->in.zero_padding) {
			cli_error("%s: note: %llu zero byte%s of padding after the "
				  "last gzip member", pin->name,
				  (unsigned long long)src->in.zero_padding,
				  PLURAL(src->in.zero_padding));
		}
		if (pin->acct.rejected && !cli->ignore_rejects)
			cli_status(cli, EXIT_REJECTS);
	}
	src->damaged = pin->damaged;
	src->read_failed = pin->read_failed;
	remember_input(cli, src);
	acct_merge(&cli->total, &pin->acct);
	cell_use_add(&cli->cell_total, &pin->cell);
	if (pw->cmd->input_end)
		pw->cmd->input_end(pw->cmd->ctx, pin);
	cli_out_closed(cli);
}

static void wrap_worker_done(void *ctx, void *wctx)
{
	struct pipe_wrap *pw = ctx;
	if (pw->cmd->worker_done)
		pw->cmd->worker_done(pw->cmd->ctx, wctx);
}

/*
 * Progress on standard error, for long runs on a terminal only (never in
 * a pipeline unless --progress): input, share read, rows, rate, ETA.
 */
static void wrap_progress(void *ctx, const char *path, uint64_t done,
			  uint64_t rows, double seconds)
{
	struct pipe_wrap *pw = ctx;
	struct stat st;
	uint64_t size = 0;
	int is_stdin = !strcmp(path, "-");
	if (!is_stdin && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		size = (uint64_t)st.st_size;
	double rate = seconds > 0 ? (double)done / 1e6 / seconds : 0;
	struct buf name = BUF_INIT;
	buf_add_escaped(&name, path, strlen(path), 80);
	fprintf(stderr, "\rcdrsift: %s: %.1f", buf_cstr(&name), (double)done / 1e6);
	buf_release(&name);
	if (size) {
		double left = rate > 0 ? ((double)(size - (done < size ? done : size)) /
					  1e6) / rate : 0;
		fprintf(stderr, "/%.1f MB (%.0f%%), ", (double)size / 1e6,
			100.0 * (double)done / (double)size);
		fprintf(stderr, "%.2fM rows, %.1f MB/s, ETA %d:%02d  ",
			(double)rows / 1e6, rate, (int)left / 60, (int)left % 60);
	} else {
		fprintf(stderr, " MB, %.2fM rows, %.1f MB/s  ", (double)rows / 1e6,
			rate);
	}
	pw->progress_shown = 1;
}

void cli_pipeline(struct cli *cli, const struct pipe_hooks *h)
{
	static const char *const stdin_only[] = { "-" };
	struct pipe_wrap pw = { cli, h, 0, 0 };
	int progress = cli->progress < 0 ? isatty(2) : cli->progress;
	struct pipe_hooks wh = {
		&pw, h->need, wrap_worker_new, h->record, wrap_input_start,
		wrap_block_out, wrap_reject, wrap_input_end, wrap_worker_done,
		progress ? wrap_progress : NULL,
	};
	struct pipe_opts o;
	memset(&o, 0, sizeof(o));
	o.so = &cli->so;
	o.co = &cli->co;
	o.expr = cli->expr;
	o.require = cli->require;
	o.nrequire = cli->nrequire;
	o.cancel = &cli->cancel;
	o.sample_rows = cli->sample_rows;
	/* test knob: small blocks make many blocks out of small test files */
	const char *bs = getenv("CDRSIFT_BLOCK_SIZE");
	if (bs && *bs)
		o.block_size = (size_t)strtoul(bs, NULL, 10);
	/* test knob: a small budget makes later inputs wait for their turn */
	const char *dm = getenv("CDRSIFT_DEFER_MAX");
	if (dm && *dm)
		o.defer_max = (size_t)strtoul(dm, NULL, 10);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	o.threads = cli->threads ? (unsigned)cli->threads :
		    ncpu > 0 ? (unsigned)ncpu : 1;
	const char *const *paths = cli->nfiles ? (const char *const *)cli->files :
						 stdin_only;
	size_t npaths = cli->nfiles ? (size_t)cli->nfiles : 1;
	if (cli->mem_paths) { /* archives unpacked: their rows and members */
		paths = cli->mem_paths;
		npaths = cli->mem->n;
		o.items = cli->mem->item;
	}
	pipeline_run(paths, npaths, &o, &wh);
	if (cli_out_closed(cli))
		return; /* quietly: the reader of the output is gone */
	clear_progress(&pw);
	print_accounting(cli);
}
