/*
 * cmd_volume.c - `cdrsift volume`: call volumes by any key (see volume.h).
 * Options, wiring and printing only; the grouping lives in src/volume.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "volume.h"
#include "xalloc.h"
#include "banned.h"

enum { O_BY = 512, O_TOP, O_SORT, O_SPLIT, O_PAIRS, O_MIN_COUNT };

static const struct option volume_opts[] = {
	{ "by", required_argument, NULL, O_BY },
	{ "top", required_argument, NULL, O_TOP },
	{ "sort", required_argument, NULL, O_SORT },
	{ "split", required_argument, NULL, O_SPLIT },
	{ "pairs", no_argument, NULL, O_PAIRS },
	{ "min-count", required_argument, NULL, O_MIN_COUNT },
	{ NULL, 0, NULL, 0 },
};

struct volume_ctx {
	struct volume_opts o;
	size_t top;
	uint64_t min_count;
	enum volume_sort sort;
	struct volume *v;
	unsigned kinds;     /* KB_CDR / KB_IP of the records seen */
	uint64_t records;
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
				cli_error("--by: unknown key '%.*s' (a field such as "
					  "caller, callee, subscriber, cell, imei, "
					  "type, hour, date, dow, week, month)",
					  (int)len, p);
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
		cli_error("--sort: expected count, duration, bytes, distinct or "
			  "key, found '%s'", arg);
		return -1;
	}
	case O_SPLIT:
		x->o.split = volume_key_by_name(arg, strlen(arg));
		if (x->o.split < 0) {
			cli_error("--split: unknown key '%s'", arg);
			return -1;
		}
		return 0;
	case O_PAIRS:
		x->o.pairs = 1;
		return 0;
	}
	return -1;
}

/* A worker's feed into the shared state, and what it saw. */
struct volume_worker {
	struct volume_feed *feed;
	unsigned kinds;
	uint64_t records;
};

static void *worker_new(void *ctx)
{
	struct volume_ctx *x = ctx;
	struct volume_worker *w = xcalloc(1, sizeof(*w));
	w->feed = volume_feed_new(x->v);
	return w;
}

static void on_record(void *wctx, const struct pipe_input *pin,
		      const struct record *rec, struct buf *out)
{
	struct volume_worker *w = wctx;
	(void)pin;
	(void)out;
	w->kinds |= rec->kind == KIND_IP ? KB_IP : KB_CDR;
	w->records++;
	volume_feed_add(w->feed, rec);
}

static void worker_done(void *ctx, void *wctx)
{
	struct volume_ctx *x = ctx;
	struct volume_worker *w = wctx;
	volume_feed_free(w->feed); /* its last batches go into the state */
	x->kinds |= w->kinds;
	x->records += w->records;
	free(w);
}

/*
 * CDRSIFT_VOLUME_BUDGET: bytes of distinct-pair data kept in memory
 * (a number, optionally with K, M or G); 0 when unset or unreadable.
 */
static size_t budget_from_env(void)
{
	const char *s = getenv("CDRSIFT_VOLUME_BUDGET");
	char *end;
	if (!s || !*s)
		return 0;
	unsigned long long n = strtoull(s, &end, 10);
	int shift = *end == 'K' || *end == 'k' ? 10 :
		    *end == 'M' || *end == 'm' ? 20 :
		    *end == 'G' || *end == 'g' ? 30 : 0;
	if (shift)
		end++;
	if (*end || s[0] == '-' || n == 0 || n > (SIZE_MAX >> shift)) {
		cli_error("CDRSIFT_VOLUME_BUDGET: expected a number of bytes, "
			  "found '%s' (ignored)", s);
		return 0;
	}
	return (size_t)n << shift;
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
"      --min-count N      hide groups with fewer than N records\n";

#define MAXCOLS (VOLUME_MAX_KEYS + 64)

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
	/* distinct_subscribers: shown where the key is not a party */
	x.o.subscribers = !x.o.pairs;
	for (size_t i = 0; i < x.o.nkeys; i++)
		if (volume_key_is_party(x.o.keys[i]))
			x.o.subscribers = 0;
	x.o.budget = budget_from_env();
	x.o.tmpdir = getenv("TMPDIR");
	x.v = volume_new(&x.o);
	struct pipe_hooks h = { &x, volume_needs(&x.o), worker_new, on_record,
				NULL, NULL, NULL, NULL, worker_done, NULL };
	cli_pipeline(&cli, &h);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cli.threads ? (unsigned)cli.threads :
			   ncpu > 0 ? (unsigned)ncpu : 1;
	struct diag d = DIAG_INIT;
	if (volume_finish(x.v, threads, &d) < 0) {
		cli_error("volume: %s", buf_cstr(&d.msg));
		diag_release(&d);
		volume_free(x.v);
		cli_status(&cli, EXIT_INTERNAL);
		return cli_finish(&cli);
	}
	diag_release(&d);
	if (volume_spill_problem(x.v))
		cli_error("note: volume: %s (the pairs were kept in memory)",
			  volume_spill_problem(x.v));

	/* columns */
	struct out_col cols[MAXCOLS];
	size_t nc = 0, nkeycols;
	int lone_time = x.o.nkeys == 1 && volume_key_is_time(x.o.keys[0]);
	uint32_t *splits = NULL;
	size_t nsplit = 0;
	char **split_names = NULL;
	if (x.o.pairs) {
		cols[nc++] = (struct out_col){ "party_a", OT_STR };
		cols[nc++] = (struct out_col){ "party_b", OT_STR };
	} else {
		for (size_t i = 0; i < x.o.nkeys; i++)
			cols[nc++] = (struct out_col){ volume_key_name(x.o.keys[i]),
				field_table[x.o.keys[i] < F_COUNT ? x.o.keys[i] : F_DATE].type == FT_INT ?
				OT_NUM : OT_STR };
	}
	nkeycols = nc;
	cols[nc++] = (struct out_col){ "records", OT_NUM };
	if (lone_time && cli.format == OUT_TABLE)
		cols[nc++] = (struct out_col){ "", OT_BAR };
	if (x.o.split >= 0) {
		nsplit = volume_split_values(x.v, &splits);
		if (nsplit > 32)
			nsplit = 32; /* wider splits belong in --by */
		split_names = xcalloc(nsplit ? nsplit : 1, sizeof(*split_names));
		for (size_t i = 0; i < nsplit; i++) {
			const char *t = volume_split_text(x.v, splits[i]);
			size_t l = strlen(t) + 16;
			split_names[i] = xmalloc(l);
			snprintf(split_names[i], l, "records_%s", *t ? t : "none");
			cols[nc++] = (struct out_col){ split_names[i], OT_NUM };
		}
	}
	int cdr = (x.kinds & KB_CDR) || !x.kinds, ip = (x.kinds & KB_IP) != 0;
	size_t c_dur = 0, c_bytes = 0, c_rest, c_dir = 0;
	if (x.o.pairs) {
		c_dir = nc;
		cols[nc++] = (struct out_col){ "a_to_b", OT_NUM };
		cols[nc++] = (struct out_col){ "a_to_b_duration", OT_NUM };
		cols[nc++] = (struct out_col){ "b_to_a", OT_NUM };
		cols[nc++] = (struct out_col){ "b_to_a_duration", OT_NUM };
	}
	if (cdr || ip) {
		c_dur = nc;
		cols[nc++] = (struct out_col){ "duration_total", OT_NUM };
		cols[nc++] = (struct out_col){ "duration_mean", OT_NUM };
		cols[nc++] = (struct out_col){ "duration_max", OT_NUM };
	}
	if (ip) {
		c_bytes = nc;
		cols[nc++] = (struct out_col){ "bytes_up", OT_NUM };
		cols[nc++] = (struct out_col){ "bytes_down", OT_NUM };
	}
	c_rest = nc;
	cols[nc++] = (struct out_col){ "distinct_peers", OT_NUM };
	size_t c_subs = 0;
	if (x.o.subscribers) {
		c_subs = nc;
		cols[nc++] = (struct out_col){ "distinct_subscribers", OT_NUM };
	}
	size_t c_cells = nc;
	cols[nc++] = (struct out_col){ "distinct_cells", OT_NUM };
	size_t c_seen = nc;
	cols[nc++] = (struct out_col){ "first_seen", OT_STR };
	cols[nc++] = (struct out_col){ "last_seen", OT_STR };

	uint64_t hidden;
	size_t ng = volume_report(x.v, x.sort, x.top, x.min_count, &hidden);
	struct writer *w = writer_new(cli.out, (enum out_format)cli.format,
				      cols, nc, cli.out_tty, cli_term_width());
	struct buf cell[MAXCOLS];
	const char *cells[MAXCOLS];
	size_t lens[MAXCOLS];
	memset(cell, 0, sizeof(cell));
	for (size_t gi = 0; gi < ng; gi++) {
		struct volume_group row;
		const struct volume_group *g = &row;
		volume_row(x.v, gi, &row);
		for (size_t i = 0; i < nc; i++) {
			buf_reset(&cell[i]);
			cells[i] = NULL;
		}
		for (size_t i = 0; i < nkeycols; i++) {
			size_t len;
			const char *t = volume_key_text(x.v, g, i, &len);
			buf_add(&cell[i], t, len);
			cells[i] = len ? buf_cstr(&cell[i]) : NULL;
		}
#define SETNUM(i, val) do { buf_addf(&cell[i], "%llu", (unsigned long long)(val)); \
	cells[i] = buf_cstr(&cell[i]); } while (0)
#define SETDUR(i, us) do { fmt_duration(us, &cell[i]); cells[i] = buf_cstr(&cell[i]); } while (0)
		SETNUM(nkeycols, g->records);
		for (size_t s = 0; s < nsplit; s++) {
			size_t i = nkeycols + 1 + (lone_time && cli.format == OUT_TABLE) + s;
			SETNUM(i, volume_split_count(x.v, g, splits[s]));
		}
		if (x.o.pairs) {
			SETNUM(c_dir, g->dir_n[0]);
			SETDUR(c_dir + 1, g->dir_dur[0]);
			SETNUM(c_dir + 2, g->dir_n[1]);
			SETDUR(c_dir + 3, g->dir_dur[1]);
		}
		if (c_dur && g->dur_n) {
			SETDUR(c_dur, g->dur_total);
			SETDUR(c_dur + 1, g->dur_total / (int64_t)g->dur_n);
			SETDUR(c_dur + 2, g->dur_max);
		}
		/* a sum over the records that have it; missing when none has */
		if (c_bytes && g->up_n)
			SETNUM(c_bytes, g->bytes_up);
		if (c_bytes && g->down_n)
			SETNUM(c_bytes + 1, g->bytes_down);
		SETNUM(c_rest, g->peers);
		if (c_subs)
			SETNUM(c_subs, g->subscribers);
		SETNUM(c_cells, g->cells);
		if (g->timed) {
			fmt_time(&cli, g->first, &cell[c_seen]);
			fmt_time(&cli, g->last, &cell[c_seen + 1]);
			cells[c_seen] = buf_cstr(&cell[c_seen]);
			cells[c_seen + 1] = buf_cstr(&cell[c_seen + 1]);
		}
#undef SETNUM
#undef SETDUR
		for (size_t i = 0; i < nc; i++)
			lens[i] = cells[i] ? cell[i].len : 0;
		writer_row(w, cells, lens);
	}
	struct buf foot = BUF_INIT;
	buf_addf(&foot, "%zu row%s shown, %zu group%s with records", ng,
		 PLURAL(ng), volume_ngroups(x.v), PLURAL(volume_ngroups(x.v)));
	if (hidden)
		buf_addf(&foot, " (%llu hidden by --min-count %llu)",
			 (unsigned long long)hidden,
			 (unsigned long long)x.min_count);
	buf_addf(&foot, ", %llu record%s", (unsigned long long)x.records,
		 PLURAL(x.records));
	writer_footer(w, buf_cstr(&foot));
	struct buf meta = BUF_INIT;
	size_t nin;
	const struct input_summary *in = cli_inputs(&cli, &nin);
	cli_meta_json(&cli, in, nin, &meta);
	writer_meta(w, buf_cstr(&meta));
	writer_finish(w);
	writer_free(w);
	if (cli.verbose)
		cli_error("volume: %zu group%s, %zu byte%s of group state, %llu "
			  "byte%s of pairs spilled", volume_ngroups(x.v),
			  PLURAL(volume_ngroups(x.v)), volume_memory(x.v),
			  PLURAL(volume_memory(x.v)),
			  (unsigned long long)volume_spilled(x.v),
			  PLURAL(volume_spilled(x.v)));
	buf_release(&meta);
	buf_release(&foot);
	for (size_t i = 0; i < MAXCOLS; i++)
		buf_release(&cell[i]);
	for (size_t i = 0; i < nsplit; i++)
		free(split_names[i]);
	free(split_names);
	free(splits);
	volume_free(x.v);
	return cli_finish(&cli);
}
