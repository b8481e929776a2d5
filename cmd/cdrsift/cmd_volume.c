/*
 * cmd_volume.c - `cdrsift volume`: call volumes by any key (see volume.h).
 * Options, wiring and printing only; the grouping lives in src/volume.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "run.h"
#include "suggest.h"
#include "table.h"
#include "volume.h"
#include "xalloc.h"
#include "banned.h"

enum { O_BY = 512, O_TOP, O_SORT, O_SPLIT, O_PAIRS, O_MIN_COUNT, O_COLUMNS };

static const struct option volume_opts[] = {
	{ "by", required_argument, NULL, O_BY },
	{ "top", required_argument, NULL, O_TOP },
	{ "sort", required_argument, NULL, O_SORT },
	{ "split", required_argument, NULL, O_SPLIT },
	{ "pairs", no_argument, NULL, O_PAIRS },
	{ "min-count", required_argument, NULL, O_MIN_COUNT },
	{ "columns", required_argument, NULL, O_COLUMNS },
	{ NULL, 0, NULL, 0 },
};

struct volume_ctx {
	struct volume_opts o;
	size_t top;
	uint64_t min_count;
	enum volume_sort sort;
	unsigned char columns[VC_COUNT];
	size_t ncolumns;
};

static int parse_num(const char *opt, const char *arg, uint64_t *out)
{
	char *end;
	unsigned long long n = strtoull(arg, &end, 10);
	if (!*arg || *end || arg[0] == '-') {
		cli_error("%s: expected a number, found '%s'", opt, arg);
		return -1;
	}
	*out = n;
	return 0;
}

/*
 * " (did you mean 'K'?)" for an unknown key name (an alias such as msisdn
 * gives its field), else the list of common keys.
 */
static void key_hint(struct buf *b, const char *name, size_t len)
{
	const char *cands[F_COUNT + 3];
	size_t n = 0;
	char norm[80];
	size_t nl = suggest_norm(name, len, norm, sizeof(norm));
	for (int f = 0; f < F_COUNT; f++) {
		if (volume_key_by_name(field_table[f].name,
				       strlen(field_table[f].name)) < 0)
			continue;
		if (nl && suggest_alias_has(field_table[f].aliases, norm)) {
			buf_addf(b, " (did you mean '%s'?)", field_table[f].name);
			return;
		}
		cands[n++] = field_table[f].name;
	}
	cands[n++] = "week";
	cands[n++] = "month";
	cands[n] = NULL;
	size_t before = b->len;
	suggest_append(b, name, len, cands);
	if (b->len == before)
		buf_adds(b, " (a field such as caller, callee, subscriber, cell, "
			 "imei, type, hour, date, dow, week, month)");
}

/*
 * --columns LIST: aggregate column names, comma-separated, each once.
 * 0, or -1 after a message.
 */
static int parse_columns(struct volume_ctx *x, const char *arg)
{
	unsigned seen = 0;
	const char *p = arg;
	x->ncolumns = 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!len) {
			cli_error("--columns: expected a comma-separated list of "
				  "columns, found '%s'", arg);
			return -1;
		}
		int col = volume_col_by_name(p, len);
		if (col < 0) {
			struct buf h = BUF_INIT;
			suggest_append(&h, p, len, volume_col_names);
			if (!h.len) {
				buf_adds(&h, " (columns:");
				for (int i = 0; i < VC_COUNT; i++)
					buf_addf(&h, "%s %s", i ? "," : "",
						 volume_col_names[i]);
				buf_adds(&h, ")");
			}
			cli_error("--columns: unknown column '%.*s'%s", (int)len,
				  p, buf_cstr(&h));
			buf_release(&h);
			return -1;
		}
		if (seen & 1u << col) {
			cli_error("--columns: '%.*s' is listed twice", (int)len, p);
			return -1;
		}
		seen |= 1u << col;
		x->columns[x->ncolumns++] = (unsigned char)col;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int handle(void *ctx, int c, const char *arg)
{
	struct volume_ctx *x = ctx;
	uint64_t n;
	switch (c) {
	case O_BY: {
		x->o.nkeys = 0;
		const char *p = arg;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			int k = volume_key_by_name(p, len);
			if (k < 0) {
				struct buf h = BUF_INIT;
				key_hint(&h, p, len);
				cli_error("--by: unknown key '%.*s'%s", (int)len,
					  p, buf_cstr(&h));
				buf_release(&h);
				return -1;
			}
			if (x->o.nkeys == VOLUME_MAX_KEYS) {
				cli_error("--by: at most %d keys", VOLUME_MAX_KEYS);
				return -1;
			}
			x->o.keys[x->o.nkeys++] = k;
			p = e ? e + 1 : p + len;
		}
		return 0;
	}
	case O_TOP:
		if (parse_num("--top", arg, &n) < 0)
			return -1;
		x->top = (size_t)n;
		return 0;
	case O_MIN_COUNT:
		return parse_num("--min-count", arg, &x->min_count);
	case O_SORT: {
		static const char *const names[] = { "count", "duration", "bytes",
						     "distinct", "key" };
		static const enum volume_sort vals[] = { VS_COUNT, VS_DURATION,
			VS_BYTES, VS_DISTINCT, VS_KEY };
		for (size_t i = 0; i < 5; i++)
			if (!strcmp(arg, names[i])) {
				x->sort = vals[i];
				return 0;
			}
		struct buf h = BUF_INIT;
		static const char *const cands[] = { "count", "duration", "bytes",
						      "distinct", "key", NULL };
		suggest_append(&h, arg, strlen(arg), cands);
		cli_error("--sort: expected count, duration, bytes, distinct or "
			  "key, found '%s'%s", arg, buf_cstr(&h));
		buf_release(&h);
		return -1;
	}
	case O_SPLIT:
		x->o.split = volume_key_by_name(arg, strlen(arg));
		if (x->o.split < 0) {
			struct buf h = BUF_INIT;
			key_hint(&h, arg, strlen(arg));
			cli_error("--split: unknown key '%s'%s", arg, buf_cstr(&h));
			buf_release(&h);
			return -1;
		}
		return 0;
	case O_PAIRS:
		x->o.pairs = 1;
		return 0;
	case O_COLUMNS:
		return parse_columns(x, arg);
	}
	return -1;
}

/*
 * CDRSIFT_VOLUME_BUDGET: bytes of distinct-pair data kept in memory
 * (a number, optionally with K, M or G); 0 when unset or unreadable.
 */
static size_t budget_from_env(void)
{
	const char *s = getenv("CDRSIFT_VOLUME_BUDGET");
	int bad;
	size_t n = volume_budget_parse(s, &bad);
	if (bad)
		cli_error("CDRSIFT_VOLUME_BUDGET: expected a number of bytes, "
			  "found '%s' (ignored)", s);
	return n;
}

static const char volume_usage[] =
"Counts records by key: records, total/mean/max duration, bytes, distinct\n"
"peers, subscribers (keys other than a party) and cells, first and last seen.\n"
"      --by KEY[,KEY...]  group by fields (caller, callee, subscriber, peer,\n"
"                         cell, imei, imsi, type, direction, hour, date, dow,\n"
"                         week, month, dst_ip, dst_port, apn, public_ip, ...);\n"
"                         none: one total row\n"
"      --pairs            the contact list: unordered caller/callee pairs with\n"
"                         counts and durations in each direction\n"
"      --split KEY        one records column per value of KEY (e.g. type)\n"
"      --top N            the first N groups only\n"
"      --sort S           count, duration, bytes, distinct or key (default:\n"
"                         time order for a time key, else count)\n"
"      --min-count N      hide groups with fewer than N records\n"
"      --columns LIST     only these aggregate columns, in this order, after\n"
"                         the keys (records, split, duration_total,\n"
"                         duration_mean, duration_max, bytes_up, bytes_down,\n"
"                         distinct_peers, distinct_subscribers,\n"
"                         distinct_cells, first_seen, last_seen; with\n"
"                         --pairs a_to_b, a_to_b_duration, b_to_a,\n"
"                         b_to_a_duration); only they, and what --sort\n"
"                         needs, are computed\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";


int cmd_volume(int argc, char **argv)
{
	struct cli cli;
	struct volume_ctx x;
	memset(&x, 0, sizeof(x));
	x.o.split = -1;
	struct cmd_opts co = { volume_opts, handle, &x, volume_usage };
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	if (x.o.pairs && x.o.nkeys) {
		cli_error("--pairs and --by cannot be combined");
		cli_status(&cli, EXIT_USAGE); /* for --audit */
		cli_finish(&cli);
		return EXIT_USAGE;
	}
	/* distinct_subscribers: shown where the key is not a party */
	x.o.subscribers = !x.o.pairs;
	for (size_t i = 0; i < x.o.nkeys; i++)
		if (volume_key_is_party(x.o.keys[i]))
			x.o.subscribers = 0;
	struct volume_own chk = { x.o, x.sort, 0, 0, 0, { 0 }, x.ncolumns };
	struct buf why = BUF_INIT;
	memcpy(chk.columns, x.columns, x.ncolumns);
	if (volume_columns_check(&chk, &why) < 0) {
		cli_error("--columns: %s", buf_cstr(&why));
		buf_release(&why);
		cli_status(&cli, EXIT_USAGE); /* for --audit */
		cli_finish(&cli);
		return EXIT_USAGE;
	}
	buf_release(&why);
	/*
	 * every key, the --split key and a --sort duration must come from
	 * each input's columns (or be derived from them)
	 */
	uint64_t keys = 0;
	for (size_t i = 0; i < x.o.nkeys; i++)
		keys |= x.o.keys[i] < F_COUNT ?
			FIELD_BIT(x.o.keys[i]) : FIELD_BIT(F_START);
	cli_require(&cli, keys, "--by");
	if (x.o.split >= 0)
		cli_require(&cli, x.o.split < F_COUNT ? FIELD_BIT(x.o.split) :
			    FIELD_BIT(F_START), "--split");
	if (x.sort == VS_DURATION)
		cli_require(&cli, FIELD_BIT(F_DURATION), "--sort duration");
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	x.o.tz = cli.tz;
	x.o.budget = budget_from_env();
	x.o.tmpdir = getenv("TMPDIR");
	struct volume_own own = { x.o, x.sort, x.top, x.min_count,
				  cli.threads ? (unsigned)cli.threads : 0,
				  { 0 }, x.ncolumns };
	memcpy(own.columns, x.columns, x.ncolumns);
	struct run r;
	run_init(&r, &cli, &volume_analysis, &own);
	if (x.ncolumns) {
		/* merge refuses partials of other columns by this name */
		struct buf list = BUF_INIT;
		volume_columns_text(&own, &list);
		runfacts_set_option(&r.rf, "--columns", buf_cstr(&list));
		buf_release(&list);
	}
	run_inputs(&r);
	if (cli.partial_path) {
		rc = run_save_partial(&r);
		if (rc)
			cli_status(&cli, (enum exit_status)rc);
		run_release(&r);
		return cli_finish(&cli);
	}
	run_report(&cli, r.ops, r.state, &r.rf);
	struct volume_run *vr = r.state;
	if (volume_spill_problem(vr->v))
		cli_error("note: volume: %s (the pairs were kept in memory)",
			  volume_spill_problem(vr->v));
	if (cli.verbose)
		cli_error("volume: %zu group%s, %zu byte%s of group state, %llu "
			  "byte%s of pairs spilled", volume_ngroups(vr->v),
			  PLURAL(volume_ngroups(vr->v)), volume_memory(vr->v),
			  PLURAL(volume_memory(vr->v)),
			  (unsigned long long)volume_spilled(vr->v),
			  PLURAL(volume_spilled(vr->v)));
	run_release(&r);
	return cli_finish(&cli);
}

/*
 * The table format: the report's table with a bar after the records of
 * a lone calendar key, as wide as the terminal, and a footer.
 */
void volume_human(struct cli *cli, struct runfacts *rf, void *state,
		  struct table *t)
{
	struct volume_run *vr = state;
	struct table_fmt f = { cli->tz };
	/* the bar follows the records column */
	size_t bar = vr->lone_time && vr->records_col != SIZE_MAX ?
		     vr->records_col + 1 : SIZE_MAX;
	size_t nc = t->ncols + (bar != SIZE_MAX);
	struct out_col *tc = xcalloc(t->ncols ? t->ncols : 1, sizeof(*tc));
	struct out_col *cols = xcalloc(nc, sizeof(*cols));
	struct buf *cell = xcalloc(t->ncols ? t->ncols : 1, sizeof(*cell));
	const char **cells = xcalloc(nc, sizeof(*cells));
	size_t *lens = xcalloc(nc, sizeof(*lens));
	table_out_cols(t, tc);
	for (size_t i = 0, j = 0; i < nc; i++)
		cols[i] = i == bar ? (struct out_col){ "", OT_BAR } : tc[j++];
	struct writer *w = writer_new(cli->out, OUT_TABLE, cols, nc,
				      cli->out_tty, cli_term_width());
	for (size_t row = 0; row < t->nrows; row++) {
		for (size_t i = 0, j = 0; i < nc; i++) {
			cells[i] = NULL;
			lens[i] = 0;
			if (i == bar)
				continue;
			buf_reset(&cell[j]);
			if (table_format_cell(t, row, j, &f, &cell[j]) !=
			    CELL_MISSING) {
				cells[i] = buf_cstr(&cell[j]);
				lens[i] = cell[j].len;
			}
			j++;
		}
		writer_row(w, cells, lens);
	}
	size_t ng = volume_ngroups(vr->v), shown = t->nrows;
	struct buf foot = BUF_INIT;
	buf_addf(&foot, "%zu row%s shown, %zu group%s with records", shown,
		 PLURAL(shown), ng, PLURAL(ng));
	if (vr->hidden)
		buf_addf(&foot, " (%llu hidden by --min-count %llu)",
			 (unsigned long long)vr->hidden,
			 (unsigned long long)vr->c.min_count);
	buf_addf(&foot, ", %llu record%s", (unsigned long long)vr->records,
		 PLURAL(vr->records));
	writer_footer(w, buf_cstr(&foot));
	struct buf meta = BUF_INIT;
	cli_meta_json_rf(cli, rf, &meta);
	writer_meta(w, buf_cstr(&meta));
	writer_finish(w);
	writer_free(w);
	buf_release(&meta);
	buf_release(&foot);
	for (size_t i = 0; i < t->ncols; i++)
		buf_release(&cell[i]);
	free(cell);
	free(cells);
	free(lens);
	free(cols);
	free(tc);
}
