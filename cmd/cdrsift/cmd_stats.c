/*
 * cmd_stats.c - `cdrsift stats`: per input and in total, sizes, SHA-256,
 * kind, dialect and column mapping, rows read/accepted/rejected by reason,
 * time span,
 * distinct subscribers, cells and IMEIs, coverage gaps, out-of-order rows.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stats.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

/* One input's figures, or the total (path NULL). */
struct stats_entry {
	const char *path;
	uint64_t bytes, bytes_out;
	char sha256[65];
	int damaged, unusable;
	char *problem;          /* owned: why the input was damaged or unusable */
	enum record_kind kind;
	char delimiter;
	int header, crlf, bom;
	struct buf mapping;     /* "field <- column; ..." (escaped) */
	struct cell_use cell;   /* how cells were written; --cells use */
	uint64_t ooo;           /* records out of time order */
	struct acct acct;
	struct stats st;
};

struct stats_ctx {
	struct cli *cli;
	struct stats_entry *e;    /* one per input, by index */
	size_t n, alloc;
};

/* A worker's states, one per input index. */
struct stats_worker {
	struct stats_ctx *c;
	struct stats *st;
	size_t n, alloc;
};

static struct stats_entry *entry(struct stats_ctx *c, size_t index)
{
	if (index >= c->n) {
		VEC_GROW(c->e, index + 1, c->alloc);
		memset(c->e + c->n, 0, (index + 1 - c->n) * sizeof(*c->e));
		for (size_t i = c->n; i <= index; i++)
			stats_init(&c->e[i].st, c->cli->tz);
		c->n = index + 1;
	}
	return &c->e[index];
}

static void *worker_new(void *ctx)
{
	struct stats_worker *w = xcalloc(1, sizeof(*w));
	w->c = ctx;
	return w;
}

static void on_record(void *wctx, const struct pipe_input *pin,
		      const struct record *rec, struct buf *out)
{
	struct stats_worker *w = wctx;
	(void)out;
	if (pin->index >= w->n) {
		VEC_GROW(w->st, pin->index + 1, w->alloc);
		for (size_t i = w->n; i <= pin->index; i++)
			stats_init(&w->st[i], w->c->cli->tz);
		w->n = pin->index + 1;
	}
	stats_add(&w->st[pin->index], rec);
}

static void worker_done(void *ctx, void *wctx)
{
	struct stats_worker *w = wctx;
	for (size_t i = 0; i < w->n; i++) {
		stats_merge(&entry(ctx, i)->st, &w->st[i]);
		stats_release(&w->st[i]);
	}
	free(w->st);
	free(w);
}

static void on_start(void *ctx, struct pipe_input *pin)
{
	struct stats_entry *e = entry(ctx, pin->index);
	struct source *src = &pin->src;
	e->path = pin->name;
	if (src->schema) {
		const struct schema *sc = src->schema;
		e->kind = sc->kind;
		e->header = sc->has_header;
		/* figures this input cannot give: said, not an error */
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
	e->delimiter = pin->delimiter ? pin->delimiter : src->rd.delimiter;
	e->crlf = src->rd.crlf;
	e->bom = src->rd.bom;
	buf_reset(&e->mapping);
	const struct schema *s = src->schema;
	if (!s)
		return;
	/* DESIGN section 5: per input, how its columns were mapped */
	for (size_t i = 0; i < s->ncolumns; i++) {
		int f = s->columns[i].field;
		if (f < 0)
			continue;
		if (e->mapping.len)
			buf_adds(&e->mapping, "; ");
		buf_adds(&e->mapping, field_table[f].name);
		buf_adds(&e->mapping, " <- ");
		buf_add_escaped(&e->mapping, s->columns[i].name,
				strlen(s->columns[i].name), 64);
	}
	if (s->time_split)
		buf_adds(&e->mapping, "; start <- start_date + start_time");
	if (s->dur_derived)
		buf_adds(&e->mapping, "; duration <- end - start");
}

static void on_end(void *ctx, struct pipe_input *pin)
{
	struct stats_entry *e = entry(ctx, pin->index);
	struct source *src = &pin->src;
	e->path = pin->name;
	e->bytes = src->in.bytes_in;
	e->bytes_out = src->in.bytes_out;
	e->damaged = pin->damaged;
	e->unusable = !pin->usable;
	e->ooo = pin->out_of_order;
	if (src->problem.len) {
		free(e->problem);
		e->problem = xstrdup(buf_cstr(&src->problem));
	}
	if (src->in.eof && !src->open_failed && !pin->read_failed)
		input_sha256_hex(&src->in, e->sha256);
	e->cell = pin->cell;
	acct_merge(&e->acct, &pin->acct);
}

static const char *delim_name(char d)
{
	switch (d) {
	case ',': return "comma";
	case ';': return "semicolon";
	case '\t': return "tab";
	case '|': return "pipe";
	case ':': return "colon";
	default: return "";
	}
}

static const char *kind_name(enum record_kind k)
{
	return k == KIND_CDR ? "cdr" : k == KIND_IP ? "ip" : "";
}

enum {
	C_INPUT, C_BYTES, C_BYTES_OUT, C_SHA, C_KIND, C_DELIM, C_DAMAGED,
	C_READ, C_ACCEPTED, C_REJECTED, C_FILTERED, C_MATCHED, C_REPEATED,
	C_FIRST, C_LAST, C_SUBS, C_CELLS, C_IMEIS, C_VOICE, C_SMS, C_DATA,
	C_OTHER, C_MO, C_MT, C_UNKNOWN_DIR, C_GAPS, C_GAP_HOURS, C_GAP_LIST,
	C_OOO, C_REASONS, C_CELL_FILLED, C_CELL_DISAGREE, C_CELL_UNKNOWN,
	C_PROBLEM, C_MAPPING, C_CELL_AMBIGUOUS, C_CELLS_CGI, C_CELLS_COLUMNS,
	C_CELLS_ID, C_NCOLS
};

static const struct out_col columns[C_NCOLS] = {
	{ "input", OT_STR }, { "bytes", OT_NUM }, { "bytes_uncompressed", OT_NUM },
	{ "sha256", OT_STR }, { "kind", OT_STR }, { "delimiter", OT_STR },
	{ "damaged", OT_STR }, { "read", OT_NUM }, { "accepted", OT_NUM },
	{ "rejected", OT_NUM }, { "filtered", OT_NUM }, { "matched", OT_NUM },
	{ "repeated_headers", OT_NUM }, { "first", OT_STR }, { "last", OT_STR },
	{ "subscribers", OT_NUM }, { "cells", OT_NUM }, { "imeis", OT_NUM },
	{ "voice", OT_NUM }, { "sms", OT_NUM }, { "data", OT_NUM },
	{ "other", OT_NUM }, { "mo", OT_NUM }, { "mt", OT_NUM },
	{ "direction_unknown", OT_NUM }, { "gaps", OT_NUM },
	{ "gap_hours", OT_NUM }, { "gap_list", OT_STR },
	{ "out_of_order", OT_NUM }, { "rejected_by_reason", OT_STR },
	{ "cell_positions_filled", OT_NUM }, { "cell_positions_disagree", OT_NUM },
	{ "cell_ids_unknown", OT_NUM }, { "problem", OT_STR },
	/* added in 0.2.0, after the others: scripts cut by position */
	{ "mapping", OT_STR }, { "cell_ids_ambiguous", OT_NUM },
	{ "cells_as_cgi", OT_NUM }, { "cells_as_columns", OT_NUM },
	{ "cells_as_id", OT_NUM },
};

/* All figures of one entry as text cells. */
static void entry_cells(struct cli *cli, struct stats_entry *e,
			struct buf *cell)
{
	for (int i = 0; i < C_NCOLS; i++)
		buf_reset(&cell[i]);
#define NUM(i, v) buf_addf(&cell[i], "%llu", (unsigned long long)(v))
	buf_adds(&cell[C_INPUT], e->path ? e->path : "(total)");
	NUM(C_BYTES, e->bytes);
	NUM(C_BYTES_OUT, e->bytes_out);
	buf_adds(&cell[C_SHA], e->sha256);
	buf_adds(&cell[C_KIND], kind_name(e->kind));
	buf_adds(&cell[C_DELIM], e->path ? delim_name(e->delimiter) : "");
	if (e->mapping.len)
		buf_add(&cell[C_MAPPING], e->mapping.data, e->mapping.len);
	buf_adds(&cell[C_DAMAGED], e->damaged ? "yes" : "no");
	NUM(C_READ, e->acct.read);
	NUM(C_ACCEPTED, e->acct.accepted);
	NUM(C_REJECTED, e->acct.rejected);
	NUM(C_FILTERED, e->acct.filtered);
	NUM(C_MATCHED, e->acct.matched);
	NUM(C_REPEATED, e->acct.repeated_headers);
	if (e->st.timed) {
		fmt_time(cli, e->st.tmin, &cell[C_FIRST]);
		fmt_time(cli, e->st.tmax, &cell[C_LAST]);
	}
	NUM(C_SUBS, intern_count(&e->st.subscribers));
	NUM(C_CELLS, intern_count(&e->st.cells));
	NUM(C_IMEIS, intern_count(&e->st.imeis));
	NUM(C_VOICE, e->st.by_type[TYPE_VOICE]);
	NUM(C_SMS, e->st.by_type[TYPE_SMS]);
	NUM(C_DATA, e->st.by_type[TYPE_DATA]);
	NUM(C_OTHER, e->st.by_type[TYPE_OTHER]);
	NUM(C_MO, e->st.by_dir[DIR_MO]);
	NUM(C_MT, e->st.by_dir[DIR_MT]);
	NUM(C_UNKNOWN_DIR, e->st.by_dir[DIR_UNKNOWN]);
	struct gap *gaps;
	uint64_t hours;
	size_t ngap = stats_gaps(&e->st, &gaps, &hours);
	NUM(C_GAPS, ngap);
	NUM(C_GAP_HOURS, hours);
	for (size_t g = 0; g < ngap; g++) {
		if (g)
			buf_addch(&cell[C_GAP_LIST], ' ');
		fmt_time(cli, gaps[g].start, &cell[C_GAP_LIST]);
		buf_adds(&cell[C_GAP_LIST], "/");
		fmt_time(cli, gaps[g].end, &cell[C_GAP_LIST]);
	}
	free(gaps);
	NUM(C_OOO, e->ooo);
	acct_sort_reasons(&e->acct);
	for (size_t r = 0; r < e->acct.nreasons; r++)
		buf_addf(&cell[C_REASONS], "%s%s=%llu", r ? "; " : "",
			 e->acct.reasons[r].reason,
			 (unsigned long long)e->acct.reasons[r].n);
	NUM(C_CELL_FILLED, e->cell.filled);
	NUM(C_CELL_DISAGREE, e->cell.disagree);
	NUM(C_CELL_UNKNOWN, e->cell.unknown);
	NUM(C_CELL_AMBIGUOUS, e->cell.ambiguous);
	NUM(C_CELLS_CGI, e->cell.form[CELL_FORM_CGI]);
	NUM(C_CELLS_COLUMNS, e->cell.form[CELL_FORM_COLUMNS]);
	NUM(C_CELLS_ID, e->cell.form[CELL_FORM_ID]);
	if (e->problem)
		buf_adds(&cell[C_PROBLEM], e->problem);
#undef NUM
}

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
static void print_block(struct cli *cli, struct stats_entry *e,
			struct buf *cell)
{
	struct buf t = BUF_INIT;
	entry_cells(cli, e, cell);
#define S(i) buf_cstr(&cell[i])
#define N(i, v) S(i), PLURAL(v)
	if (e->path)
		buf_add_escaped(&t, e->path, strlen(e->path), 4096);
	else
		buf_adds(&t, "total");
	buf_addch(&t, '\n');
	if (e->path) {
		buf_addf(&t, "  bytes        %s (%s uncompressed)%s\n", S(C_BYTES),
			S(C_BYTES_OUT), e->damaged ? "  DAMAGED" : "");
		buf_addf(&t, "  sha256       %s\n", *e->sha256 ? e->sha256 : "-");
		if (e->kind || *delim_name(e->delimiter))
			buf_addf(&t, "  format       %s, %s-delimited%s%s%s\n",
				e->kind ? kind_name(e->kind) : "unknown kind",
				*delim_name(e->delimiter) ?
				S(C_DELIM) : "unknown",
				e->header ? ", header" : ", no header",
				e->crlf ? ", CRLF" : "", e->bom ? ", BOM" : "");
		else
			buf_addf(&t, "  format       not understood\n");
		if (e->mapping.len)
			buf_addf(&t, "  columns      %s\n", S(C_MAPPING));
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
		S(C_READ), S(C_ACCEPTED), S(C_REJECTED));
	if (cli->expr)
		buf_addf(&t, ", %s filtered out, %s matched", S(C_FILTERED),
			S(C_MATCHED));
	buf_addch(&t, '\n');
	if (e->acct.nreasons) {
		/* wrapped between reasons, not inside one */
		buf_adds(&t, "  rejected     ");
		const char *r0 = S(C_REASONS);
		for (const char *q = r0; *q; q++)
			buf_addch(&t, *q == ' ' && q > r0 && q[-1] != ';' ?
				  WRAP_NBSP : *q);
		buf_addch(&t, '\n');
	}
	if (e->acct.repeated_headers)
		buf_addf(&t, "  headers      %s repeated header line%s skipped\n",
			N(C_REPEATED, e->acct.repeated_headers));
	if (e->st.timed)
		buf_addf(&t, "  span         %s .. %s\n", S(C_FIRST), S(C_LAST));
	buf_addf(&t, "  distinct     %s subscriber%s, %s cell%s, %s IMEI%s\n",
		N(C_SUBS, intern_count(&e->st.subscribers)),
		N(C_CELLS, intern_count(&e->st.cells)),
		N(C_IMEIS, intern_count(&e->st.imeis)));
	if (e->kind != KIND_IP)
		buf_addf(&t, "  types        %s voice, %s sms, %s data, %s other; "
			"%s mo, %s mt, %s unknown direction\n", S(C_VOICE),
			S(C_SMS), S(C_DATA), S(C_OTHER), S(C_MO), S(C_MT),
			S(C_UNKNOWN_DIR));
	{
		uint64_t ngap = strtoull(S(C_GAPS), NULL, 10);
		uint64_t hours = strtoull(S(C_GAP_HOURS), NULL, 10);
		struct buf gl = BUF_INIT;
		gaps_short(S(C_GAP_LIST), ngap, &gl);
		buf_addf(&t, "  gaps         %s (%s empty hour%s)%s%s\n",
			S(C_GAPS), S(C_GAP_HOURS), PLURAL(hours),
			gl.len ? ": " : "", buf_cstr(&gl));
		buf_release(&gl);
	}
	buf_addf(&t, "  out of order %s row%s\n", N(C_OOO, e->ooo));
	buf_addf(&t, "  cells as     CGI %s, separate columns %s, bare id %s\n",
		S(C_CELLS_CGI), S(C_CELLS_COLUMNS), S(C_CELLS_ID));
	if (cli->cells)
		buf_addf(&t, "  cell table   %s position%s filled, %s record%s "
			"disagree%s with it, %s cell id%s not in it, %s "
			"ambiguous\n",
			N(C_CELL_FILLED, e->cell.filled),
			N(C_CELL_DISAGREE, e->cell.disagree),
			e->cell.disagree == 1 ? "s" : "",
			N(C_CELL_UNKNOWN, e->cell.unknown), S(C_CELL_AMBIGUOUS));
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

static const char stats_usage[] =
"Prints, per input and in total: bytes (compressed and not), SHA-256 of the\n"
"bytes as read, kind, dialect and column mapping (field <- column), rows\n"
"read/accepted/rejected (by reason),\n"
"time span, distinct subscribers, cells and IMEIs, coverage gaps (clock\n"
"hours with no record inside the span) and rows out of time order.\n";

int cmd_stats(int argc, char **argv)
{
	struct cli cli;
	struct cmd_opts co = { NULL, NULL, NULL, stats_usage };
	struct stats_ctx c;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	memset(&c, 0, sizeof(c));
	c.cli = &cli;
	struct pipe_hooks h = { &c, stats_needs(), worker_new, on_record,
				on_start, NULL, NULL, on_end, worker_done, NULL };
	cli_pipeline(&cli, &h);

	struct stats_entry total;
	memset(&total, 0, sizeof(total));
	stats_init(&total.st, cli.tz);
	for (size_t i = 0; i < c.n; i++) {
		stats_merge(&total.st, &c.e[i].st);
		acct_merge(&total.acct, &c.e[i].acct);
		total.bytes += c.e[i].bytes;
		total.bytes_out += c.e[i].bytes_out;
		total.damaged |= c.e[i].damaged;
		cell_use_add(&total.cell, &c.e[i].cell);
		total.ooo += c.e[i].ooo;
		if (i == 0 || total.kind == c.e[i].kind)
			total.kind = c.e[i].kind;
		else
			total.kind = KIND_UNKNOWN;
	}
	struct buf cell[C_NCOLS];
	memset(cell, 0, sizeof(cell));
	if (cli.format == OUT_TABLE) {
		for (size_t i = 0; i < c.n; i++)
			print_block(&cli, &c.e[i], cell);
		if (c.n > 1)
			print_block(&cli, &total, cell);
	} else {
		struct writer *w = writer_new(cli.out, (enum out_format)cli.format,
					      columns, C_NCOLS, cli.out_tty, 0);
		const char *cells[C_NCOLS];
		size_t lens[C_NCOLS];
		for (size_t i = 0; i <= c.n; i++) {
			struct stats_entry *e = i < c.n ? &c.e[i] : &total;
			entry_cells(&cli, e, cell);
			for (int k = 0; k < C_NCOLS; k++) {
				cells[k] = buf_cstr(&cell[k]);
				lens[k] = cell[k].len;
			}
			writer_row(w, cells, lens);
		}
		struct buf meta = BUF_INIT;
		size_t nin;
		const struct input_summary *in = cli_inputs(&cli, &nin);
		cli_meta_json(&cli, in, nin, &meta);
		writer_meta(w, buf_cstr(&meta));
		buf_release(&meta);
		writer_finish(w);
		writer_free(w);
	}
	for (int k = 0; k < C_NCOLS; k++)
		buf_release(&cell[k]);
	for (size_t i = 0; i < c.n; i++) {
		stats_release(&c.e[i].st);
		acct_release(&c.e[i].acct);
		buf_release(&c.e[i].mapping);
		free(c.e[i].problem);
	}
	stats_release(&total.st);
	acct_release(&total.acct);
	free(c.e);
	return cli_finish(&cli);
}
