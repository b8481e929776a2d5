/*
 * cmd_schema.c - `cdrsift schema`: for each input, the dialect and how each
 * column was understood: its header name, the canonical field it reaches
 * (and how: name, alias, --map, preset; for the cell column, how the
 * sampled rows wrote their cells), sample values, and the columns
 * that reach nothing (still usable as col("...") in expressions).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xalloc.h"
#include "banned.h"

#define SAMPLE_ROWS 200 /* data rows read for samples */
#define SAMPLES 3       /* distinct sample values shown per column */

static const struct out_col columns[] = {
	{ "input", OT_STR }, { "column", OT_NUM }, { "name", OT_STR },
	{ "field", OT_STR }, { "how", OT_STR }, { "samples", OT_STR },
};
#define NCOLS (sizeof(columns) / sizeof(columns[0]))

/*
 * The pipeline reads each input's first SAMPLE_ROWS records on one thread
 * (pipe_opts.sample_rows), in input order, so the samples of the input
 * under way can live here: 'cur' says whose they are.
 */
struct schema_ctx {
	struct cli *cli;
	struct writer *w;         /* csv/json: one writer for all inputs */
	size_t cur;               /* index + 1 of the input sampled, 0: none */
	struct buf *samples;      /* per column: samples joined by " | " */
	int *nsamples;
	size_t ncol;
	uint64_t cell_form[CELL_FORM_COUNT]; /* sampled rows by cell spelling */
};

/*
 * How the sampled rows wrote their cells, into 'b': "CGI", "separate
 * columns", "bare id", or several with their row counts.
 */
static void cell_forms(const struct schema_ctx *c, struct buf *b)
{
	static const char *const names[CELL_FORM_COUNT] = {
		"CGI", "separate columns", "bare id" };
	int kinds = 0;
	for (int i = 0; i < CELL_FORM_COUNT; i++)
		kinds += c->cell_form[i] != 0;
	for (int i = 0; i < CELL_FORM_COUNT; i++) {
		if (!c->cell_form[i])
			continue;
		if (b->len)
			buf_adds(b, ", ");
		buf_adds(b, names[i]);
		if (kinds > 1)
			buf_addf(b, " (%llu row%s)",
				 (unsigned long long)c->cell_form[i],
				 c->cell_form[i] == 1 ? "" : "s");
	}
}

static void drop_samples(struct schema_ctx *c)
{
	for (size_t i = 0; i < c->ncol; i++)
		buf_release(&c->samples[i]);
	free(c->samples);
	free(c->nsamples);
	c->samples = NULL;
	c->nsamples = NULL;
	c->ncol = 0;
	c->cur = 0;
}

/* The samples of input 'pin', begun at its first record or at its end. */
static void samples_of(struct schema_ctx *c, const struct pipe_input *pin)
{
	if (c->cur == pin->index + 1)
		return;
	drop_samples(c);
	c->cur = pin->index + 1;
	c->ncol = pin->src.schema ? pin->src.schema->ncolumns : 0;
	c->samples = xcalloc(c->ncol ? c->ncol : 1, sizeof(*c->samples));
	c->nsamples = xcalloc(c->ncol ? c->ncol : 1, sizeof(*c->nsamples));
}

static void *sample_worker(void *ctx)
{
	return ctx; /* one thread when sampling: the context itself */
}

static void on_record(void *wctx, const struct pipe_input *pin,
		      const struct record *rec, struct buf *out)
{
	struct schema_ctx *c = wctx;
	(void)out;
	samples_of(c, pin);
	for (size_t i = 0; i < c->ncol && i < rec->row->nfield; i++) {
		const char *v = rec->row->field[i];
		size_t len = rec->row->len[i];
		if (!len || c->nsamples[i] >= SAMPLES)
			continue;
		/* distinct values only */
		struct buf probe = BUF_INIT;
		buf_add_escaped(&probe, v, len, 40);
		const char *have = buf_cstr(&c->samples[i]);
		int dup = 0;
		for (const char *p = have; (p = strstr(p, buf_cstr(&probe)));
		     p++) {
			size_t pl = probe.len;
			if ((p == have || p[-1] == ' ') &&
			    (p[pl] == '\0' || p[pl] == ' ')) {
				dup = 1;
				break;
			}
		}
		if (!dup) {
			if (c->samples[i].len)
				buf_adds(&c->samples[i], " | ");
			buf_add(&c->samples[i], probe.data, probe.len);
			c->nsamples[i]++;
		}
		buf_release(&probe);
	}
}

static const char *delim_name(char d)
{
	switch (d) {
	case ',': return "comma";
	case ';': return "semicolon";
	case '\t': return "tab";
	case '|': return "pipe";
	default: return "other";
	}
}

static void on_end(void *ctx, struct pipe_input *pin)
{
	struct schema_ctx *c = ctx;
	struct cli *cli = c->cli;
	const struct source *src = &pin->src;
	const struct schema *s = src->schema;
	if (!s || pin->archive)
		return;
	samples_of(c, pin);
	memcpy(c->cell_form, pin->cell.form, sizeof(c->cell_form));
	struct writer *w = c->w;
	struct buf forms = BUF_INIT;
	cell_forms(c, &forms);
	if (!w) {
		/* the title wraps at the terminal's width, the name escaped */
		struct buf title = BUF_INIT, wrapped = BUF_INIT;
		int width = cli_term_width();
		buf_add_escaped(&title, pin->name, strlen(pin->name), 256);
		buf_addf(&title, ": %s, %s-delimited, %s%s%s%s%s%s%s%s",
			s->kind == KIND_IP ? "ip log" : "cdr",
			delim_name(src->rd.delimiter),
			s->has_header ? "header" : "no header",
			s->dialect == DIALECT_ASTERISK ? ", asterisk dialect" :
			s->dialect == DIALECT_ASTERISK_CUSTOM ?
			", asterisk cdr_custom preset" :
			s->dialect == DIALECT_FREESWITCH ?
			", freeswitch mod_cdr_csv preset" :
			s->dialect != DIALECT_ZEEK ? "" :
			s->zeek_path && !strcmp(s->zeek_path, "conn") ?
			", zeek conn log preset" : ", zeek log preset",
			src->rd.crlf ? ", CRLF" : "", src->rd.bom ? ", BOM" : "",
			s->time_split ? ", start from date + time columns" : "",
			s->dur_derived ? ", duration from end - start" : "",
			forms.len ? ", cells as " : "", buf_cstr(&forms));
		text_wrap(&wrapped, title.data, title.len,
			  width > 0 ? (size_t)width : 0, 2);
		fputs(buf_cstr(&wrapped), cli->out);
		buf_release(&title);
		buf_release(&wrapped);
		w = writer_new(cli->out, OUT_TABLE, columns + 1, NCOLS - 1,
			       cli->out_tty, cli_term_width());
	}
	for (size_t i = 0; i < s->ncolumns; i++) {
		char num[24];
		snprintf(num, sizeof(num), "%zu", i + 1);
		struct buf name = BUF_INIT;
		buf_add_escaped(&name, s->columns[i].name,
				strlen(s->columns[i].name), 64);
		int f = s->columns[i].field;
		const char *fname = f >= 0 ? field_table[f].name : "";
		if (f == F_SUBSCRIBER && s->served_mode)
			fname = "subscriber (served party)";
		const char *how = s->columns[i].how;
		struct buf how_cell = BUF_INIT;
		if (f == F_CELL && forms.len) {
			buf_addf(&how_cell, "%s; cells as %s", how,
				 buf_cstr(&forms));
			how = buf_cstr(&how_cell);
		}
		const char *cells[NCOLS] = { pin->name, num, buf_cstr(&name),
					     fname, how,
					     c->samples ? buf_cstr(&c->samples[i]) : "" };
		size_t lens[NCOLS];
		for (size_t k = 0; k < NCOLS; k++)
			lens[k] = strlen(cells[k]);
		if (c->w)
			writer_row(w, cells, lens);
		else
			writer_row(w, cells + 1, lens + 1);
		buf_release(&name);
		buf_release(&how_cell);
	}
	buf_release(&forms);
	if (!c->w) {
		writer_finish(w);
		writer_free(w);
		fputc('\n', cli->out);
	}
	drop_samples(c);
}

static const char schema_usage[] =
"Shows, for each input, the dialect (delimiter, header, line ends, preset)\n"
"and each column: its name, the canonical field it was mapped to and how,\n"
"and sample values from the first rows.\n";

int cmd_schema(int argc, char **argv)
{
	struct cli cli;
	struct schema_ctx c;
	struct cmd_opts co = { NULL, NULL, NULL, schema_usage };
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	memset(&c, 0, sizeof(c));
	c.cli = &cli;
	cli.ignore_rejects = 1;
	cli.sample_rows = SAMPLE_ROWS;
	if (cli.format != OUT_TABLE)
		c.w = writer_new(cli.out, (enum out_format)cli.format, columns,
				 NCOLS, cli.out_tty, 0);
	struct pipe_hooks h;
	memset(&h, 0, sizeof(h));
	h.ctx = &c;
	h.need = FIELD_BIT(F_CELL); /* the cell: how cells were written */
	h.worker_new = sample_worker;
	h.record = on_record;
	h.input_end = on_end;
	cli_pipeline(&cli, &h);
	drop_samples(&c);
	if (c.w) {
		struct buf meta = BUF_INIT;
		size_t nin;
		const struct input_summary *in = cli_inputs(&cli, &nin);
		cli_meta_json(&cli, in, nin, &meta);
		writer_meta(c.w, buf_cstr(&meta));
		buf_release(&meta);
		writer_finish(c.w);
		writer_free(c.w);
	}
	return cli_finish(&cli);
}
