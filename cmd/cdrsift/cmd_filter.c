/*
 * cmd_filter.c - `cdrsift filter`: the records that match -w EXPR, as
 * canonical columns (default), as the original rows byte for byte (--raw,
 * with the header of each input whose header differs from the previous
 * one), or only their number (--count).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "xalloc.h"
#include "banned.h"

enum { O_RAW = 512, O_COUNT };

static const struct option filter_opts[] = {
	{ "raw", no_argument, NULL, O_RAW },
	{ "count", no_argument, NULL, O_COUNT },
	{ NULL, 0, NULL, 0 },
};

struct filter_ctx {
	struct cli *cli;
	int raw, count;
	uint64_t n;                  /* records written or counted */
	struct writer *w;            /* canonical output */
	int fields[F_COUNT];         /* field of each output column */
	struct out_col cols[F_COUNT];
	size_t ncols;
	struct buf cell[F_COUNT];
	struct buf last_header;      /* raw header last written (--raw) */
	int failed;                  /* output could not be written */
};

static int handle(void *ctx, int c, const char *arg)
{
	struct filter_ctx *f = ctx;
	(void)arg;
	if (c == O_RAW)
		f->raw = 1;
	else if (c == O_COUNT)
		f->count = 1;
	else
		return -1;
	return 0;
}

/* The canonical columns of a kind, in canon.def order. */
static void choose_columns(struct filter_ctx *f, enum record_kind kind)
{
	unsigned kb = kind == KIND_IP ? KB_IP : KB_CDR;
	f->ncols = 0;
	for (int i = 0; i < F_COUNT; i++) {
		unsigned k = field_table[i].kinds;
		if (!(k & kb) || (k & (KB_AUX | KB_DERIVED)))
			continue;
		if (kind != KIND_IP && i == F_SUBSCRIBER)
			continue; /* derived for CDRs */
		f->fields[f->ncols] = i;
		f->cols[f->ncols].name = field_table[i].name;
		f->cols[f->ncols].type = field_table[i].type == FT_INT ||
			field_table[i].type == FT_REAL ||
			field_table[i].type == FT_DUR ? OT_NUM : OT_STR;
		f->ncols++;
	}
}

static int on_start(void *ctx, struct source *src)
{
	struct filter_ctx *f = ctx;
	if (f->count)
		return 0;
	if (f->raw) {
		const char *h = src->schema->has_header ? src->header_raw.data : NULL;
		size_t hl = src->schema->has_header ? src->header_raw.len : 0;
		if (h && (hl != f->last_header.len ||
			  memcmp(h, buf_cstr(&f->last_header), hl))) {
			fwrite(h, 1, hl, f->cli->out);
			buf_reset(&f->last_header);
			buf_add(&f->last_header, h, hl);
		}
		return 0;
	}
	if (!f->w) {
		choose_columns(f, src->schema->kind);
		f->w = writer_new(f->cli->out, (enum out_format)f->cli->format,
				  f->cols, f->ncols, f->cli->out_tty,
				  cli_term_width());
	}
	return 0;
}

static int on_record(void *ctx, struct source *src, struct record *rec)
{
	struct filter_ctx *f = ctx;
	(void)src;
	f->n++;
	if (f->count)
		return 0;
	if (f->raw) {
		if (fwrite(rec->row->raw, 1, rec->row->raw_len, f->cli->out) !=
		    rec->row->raw_len)
			return f->failed = 1;
		return 0;
	}
	const char *cells[F_COUNT];
	size_t lens[F_COUNT];
	for (size_t i = 0; i < f->ncols; i++) {
		buf_reset(&f->cell[i]);
		int have = fmt_field(f->cli, rec, f->fields[i], &f->cell[i]);
		cells[i] = have ? buf_cstr(&f->cell[i]) : NULL;
		lens[i] = f->cell[i].len;
	}
	writer_row(f->w, cells, lens);
	if (ferror(f->cli->out))
		return f->failed = 1;
	return 0;
}

static const char filter_usage[] =
"Prints the records that match -w EXPR (all records without -w).\n"
"      --raw              the original rows, byte for byte, with the header\n"
"      --count            only the number of matching records\n";

int cmd_filter(int argc, char **argv)
{
	struct cli cli;
	struct filter_ctx f;
	memset(&f, 0, sizeof(f));
	struct cmd_opts co = { filter_opts, handle, &f, filter_usage };
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	f.cli = &cli;
	uint64_t need = f.raw || f.count ? 0 : ~(uint64_t)0;
	struct run_hooks h = { &f, need, on_start, on_record, NULL };
	cli_run(&cli, &h);
	if (f.count) {
		static const struct out_col ccol[] = { { "count", OT_NUM } };
		struct writer *w = writer_new(cli.out, (enum out_format)cli.format,
					      ccol, 1, cli.out_tty, 0);
		char num[32];
		snprintf(num, sizeof(num), "%llu", (unsigned long long)f.n);
		const char *cells[1] = { num };
		size_t lens[1] = { strlen(num) };
		if (cli.format == OUT_TABLE) {
			fprintf(cli.out, "%s\n", num);
		} else {
			writer_row(w, cells, lens);
			struct buf meta = BUF_INIT;
			size_t nin;
			const struct input_summary *in = cli_inputs(&cli, &nin);
			cli_meta_json(&cli, in, nin, &meta);
			writer_meta(w, buf_cstr(&meta));
			buf_release(&meta);
			writer_finish(w);
		}
		writer_free(w);
	} else if (!f.raw) {
		if (!f.w) {
			choose_columns(&f, cli.so.kind);
			f.w = writer_new(cli.out, (enum out_format)cli.format,
					 f.cols, f.ncols, cli.out_tty,
					 cli_term_width());
		}
		struct buf meta = BUF_INIT;
		size_t nin;
		const struct input_summary *in = cli_inputs(&cli, &nin);
		cli_meta_json(&cli, in, nin, &meta);
		writer_meta(f.w, buf_cstr(&meta));
		if (cli.format == OUT_TABLE) {
			struct buf foot = BUF_INIT;
			buf_addf(&foot, "(%llu records)", (unsigned long long)f.n);
			writer_footer(f.w, buf_cstr(&foot));
			buf_release(&foot);
		}
		buf_release(&meta);
		writer_finish(f.w);
		writer_free(f.w);
	}
	for (size_t i = 0; i < F_COUNT; i++)
		buf_release(&f.cell[i]);
	buf_release(&f.last_header);
	return cli_finish(&cli);
}
