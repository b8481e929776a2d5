/*
 * cmd_filter.c - `cdrsift filter`: the records that match -w EXPR, as
 * canonical columns (default), as the original rows byte for byte (--raw,
 * with the header of each input whose header differs from the previous
 * one), or only their number (--count).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flagset.h"
#include "xalloc.h"
#include "banned.h"

enum { O_RAW = 512, O_COUNT, O_EVIDENCE };

static const struct option filter_opts[] = {
	{ "raw", no_argument, NULL, O_RAW },
	{ "count", no_argument, NULL, O_COUNT },
	{ "evidence", required_argument, NULL, O_EVIDENCE },
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
	enum record_kind kind;       /* kind whose columns are printed */
	/* --evidence FLAGS (issue 15): only the rows the flags name */
	const char *ev_path;
	struct flagset ev;
	unsigned char *ev_seen;      /* per ev.in[]: an input of that name */
	uint64_t ev_n;               /* records found (atomic: workers) */
};

static int handle(void *ctx, int c, const char *arg)
{
	struct filter_ctx *f = ctx;
	(void)arg;
	if (c == O_RAW)
		f->raw = 1;
	else if (c == O_COUNT)
		f->count = 1;
	else if (c == O_EVIDENCE)
		f->ev_path = arg;
	else
		return -1;
	return 0;
}

/*
 * Fields that are no column of the canonical output: the cell key's MCC
 * and MNC are in the cell column's text already (DESIGN 2 lists the
 * columns), and lac stays for the scripts that read it.
 */
static int not_a_column(int f)
{
	return f == F_MCC || f == F_MNC;
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
		if ((kind != KIND_IP && i == F_SUBSCRIBER) || not_a_column(i))
			continue; /* derived for CDRs; part of the cell */
		f->fields[f->ncols] = i;
		f->cols[f->ncols].name = field_table[i].name;
		f->cols[f->ncols].type = field_table[i].type == FT_INT ||
			field_table[i].type == FT_REAL ||
			field_table[i].type == FT_DUR ? OT_NUM : OT_STR;
		f->ncols++;
	}
}

static void on_start(void *ctx, struct pipe_input *pin)
{
	struct filter_ctx *f = ctx;
	struct source *src = &pin->src;
	if (f->ev_path) {
		const struct flagset_input *e =
			flagset_find(&f->ev, pin->name, strlen(pin->name));
		if (e)
			f->ev_seen[e - f->ev.in] = 1;
	}
	if (f->count || !pin->usable)
		return;
	if (f->raw) {
		const char *h = src->schema->has_header ? src->header_raw.data : NULL;
		size_t hl = src->schema->has_header ? src->header_raw.len : 0;
		if (h && (hl != f->last_header.len ||
			  memcmp(h, buf_cstr(&f->last_header), hl))) {
			fwrite(h, 1, hl, f->cli->out);
			buf_reset(&f->last_header);
			buf_add(&f->last_header, h, hl);
		}
		return;
	}
	if (!f->w) {
		choose_columns(f, src->schema->kind);
		f->kind = src->schema->kind;
		f->w = writer_new(f->cli->out, (enum out_format)f->cli->format,
				  f->cols, f->ncols, f->cli->out_tty,
				  cli_term_width());
	} else if (src->schema->kind != f->kind) {
		cli_error("%s: warning: %s records printed under the %s columns "
			  "of the first input; fields of the other kind are left "
			  "out", pin->name, src->schema->kind == KIND_IP ? "ip log" :
			  "cdr", f->kind == KIND_IP ? "ip log" : "cdr");
	}
}

/*
 * In a worker: the record's present fields as text, appended to the
 * block's output as [field byte][length u32][bytes]..., ended by 0xff.
 * The main thread turns them into rows of the writer, in input order.
 */
static void on_record(void *wctx, const struct pipe_input *pin,
		      const struct record *rec, struct buf *out)
{
	struct filter_ctx *f = wctx;
	if (f->ev_path) {
		if (!flagset_has_line(flagset_find(&f->ev, pin->name,
						   strlen(pin->name)),
				      rec->line))
			return;
		__atomic_fetch_add(&f->ev_n, 1, __ATOMIC_RELAXED);
	}
	if (f->count)
		return;
	if (f->raw) {
		buf_add(out, rec->row->raw, rec->row->raw_len);
		return;
	}
	for (int i = 0; i < F_COUNT; i++) {
		unsigned k = field_table[i].kinds;
		if ((k & (KB_AUX | KB_DERIVED)) || not_a_column(i) ||
		    !record_has(rec, (enum field_id)i))
			continue;
		unsigned char fid = (unsigned char)i;
		size_t at = out->len;
		uint32_t len = 0;
		buf_add(out, &fid, 1);
		buf_add(out, &len, sizeof(len));
		if (f->cli->priv.pseudo &&
		    pseudo_replaces(f->cli->priv.pseudo, ident_of_field(i))) {
			/* --pseudonymize: the value's token (issue 17) */
			struct buf v = BUF_INIT;
			fmt_field(f->cli, rec, i, &v);
			pseudo_token(f->cli->priv.pseudo, ident_of_field(i),
				     v.data ? v.data : "", v.len, out);
			buf_release(&v);
		} else {
			fmt_field(f->cli, rec, i, out);
		}
		len = (uint32_t)(out->len - at - 1 - sizeof(len));
		memcpy(out->data + at + 1, &len, sizeof(len));
	}
	buf_addch(out, 0xff);
}

static void block_out(void *ctx, struct pipe_input *pin, struct buf *out)
{
	struct filter_ctx *f = ctx;
	(void)pin;
	if (f->raw) {
		if (fwrite(out->data, 1, out->len, f->cli->out) != out->len)
			f->failed = 1;
		return;
	}
	const char *cells[F_COUNT];
	size_t lens[F_COUNT];
	int col_of[F_COUNT];
	for (int i = 0; i < F_COUNT; i++)
		col_of[i] = -1;
	for (size_t i = 0; i < f->ncols; i++)
		col_of[f->fields[i]] = (int)i;
	const char *p = out->data, *end = p + out->len;
	while (p < end) {
		for (size_t i = 0; i < f->ncols; i++)
			cells[i] = NULL, lens[i] = 0;
		while (p < end && (unsigned char)*p != 0xff) {
			unsigned fid = (unsigned char)*p;
			uint32_t len;
			memcpy(&len, p + 1, sizeof(len));
			const char *text = p + 1 + sizeof(len);
			if (fid < F_COUNT && col_of[fid] >= 0) {
				cells[col_of[fid]] = text;
				lens[col_of[fid]] = len;
			}
			p = text + len;
		}
		p++; /* the 0xff */
		writer_row(f->w, cells, lens);
	}
	if (ferror(f->cli->out))
		f->failed = 1;
}

static void *worker_new(void *ctx)
{
	return ctx; /* workers only read the context (formats, zone) */
}

static const char filter_usage[] =
"Prints the records that match -w EXPR (all records without -w).\n"
"      --raw              the original rows, byte for byte, with the header\n"
"      --count            only the number of matching records\n"
"      --evidence FLAGS   only the rows FLAGS names: the 'evidence' column\n"
"                         (INPUT:LINE, INPUT:FIRST-LAST) of a flags file\n"
"                         of cdrsift anomalies (csv or tsv); with -w, both\n";

/* Read and parse the flags file of --evidence. 0, or an exit status. */
static int load_evidence(struct filter_ctx *f)
{
	FILE *fp = fopen(f->ev_path, "rb");
	if (!fp) {
		cli_error("%s: cannot open the flags file: %s", f->ev_path,
			  strerror(errno));
		return EXIT_INPUT;
	}
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t got;
	while ((got = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, got);
	int bad = ferror(fp);
	fclose(fp);
	if (bad) {
		cli_error("%s: cannot read the flags file", f->ev_path);
		buf_release(&b);
		return EXIT_INPUT;
	}
	struct diag d = DIAG_INIT;
	int rc = flagset_parse(&f->ev, b.data ? b.data : "", b.len, &d);
	buf_release(&b);
	if (rc < 0) {
		cli_error("%s:%llu: %s", f->ev_path, (unsigned long long)d.line,
			  buf_cstr(&d.msg));
		diag_release(&d);
		return EXIT_USAGE;
	}
	diag_release(&d);
	f->ev_seen = xcalloc(f->ev.n ? f->ev.n : 1, 1);
	return 0;
}

/* After the run: what the flags named and no input held. */
static void evidence_warnings(struct filter_ctx *f)
{
	uint64_t named = 0; /* lines named in the inputs read */
	for (size_t i = 0; i < f->ev.n; i++) {
		const struct flagset_input *e = &f->ev.in[i];
		if (!f->ev_seen[i]) {
			cli_error("warning: %s: evidence names input '%s', which "
				  "is not among the inputs", f->ev_path, e->name);
			continue;
		}
		for (size_t j = 0; j < e->nr; j++)
			named += e->r[j].hi - e->r[j].lo + 1;
	}
	if (f->ev_n < named)
		cli_error("warning: %s: %llu of the %llu line%s named in the "
			  "inputs are no record there%s", f->ev_path,
			  (unsigned long long)(named - f->ev_n),
			  (unsigned long long)named, PLURAL(named),
			  f->cli->expr ? " (or -w left them out)" : "");
}

int cmd_filter(int argc, char **argv)
{
	struct cli cli;
	struct filter_ctx f;
	memset(&f, 0, sizeof(f));
	struct cmd_opts co = { filter_opts, handle, &f, filter_usage };
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	if (f.raw && cli.priv.pseudo) {
		cli_error("--raw copies the evidence byte for byte: refused "
			  "with --pseudonymize");
		cli_status(&cli, EXIT_USAGE);
		cli.ev.no_run = 1;
		return cli_finish(&cli);
	}
	if (f.ev_path && (rc = load_evidence(&f)) != 0) {
		cli_status(&cli, (enum exit_status)rc);
		cli.ev.no_run = 1;
		flagset_release(&f.ev);
		return cli_finish(&cli);
	}
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc) {
		flagset_release(&f.ev);
		free(f.ev_seen);
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	}
	f.cli = &cli;
	uint64_t need = f.raw || f.count ? 0 : ~(uint64_t)0;
	struct pipe_hooks h = { &f, need, worker_new, on_record, on_start,
				block_out, NULL, NULL, NULL, NULL };
	cli_pipeline(&cli, &h);
	f.n = cli.total.matched;
	if (f.ev_path) {
		f.n = f.ev_n;
		evidence_warnings(&f);
	}
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
			buf_addf(&foot, "(%llu record%s)", (unsigned long long)f.n,
				 PLURAL(f.n));
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
	flagset_release(&f.ev);
	free(f.ev_seen);
	return cli_finish(&cli);
}
