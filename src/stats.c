/*
 * stats.c - overview counters and exact distinct sets (see stats.h).
 *
 * Coverage gaps: every record marks the clock hour (in the --tz zone) of
 * its start; a gap is a run of unmarked hours strictly between the first and
 * the last marked hour. Hours are kept as interned 8-byte keys, so the cost
 * grows with the span of the data, never with the rows.
 */
#include "stats.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partial.h"
#include "pipeline.h"
#include "runfacts.h"
#include "table.h"
#include "text.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

#define HOUR_MS 3600000LL

uint64_t stats_needs(void)
{
	return FIELD_BIT(F_START) | FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_CELL) |
	       FIELD_BIT(F_IMEI) | FIELD_BIT(F_TYPE) | FIELD_BIT(F_DIRECTION);
}

void stats_init(struct stats *st, const struct tz *tz, struct dstore *store)
{
	memset(st, 0, sizeof(*st));
	st->tz = tz;
	st->store = store;
	st->last_hour = INT64_MIN;
	st->sets = STATS_SETS_ALL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t hour_key(const struct stats *st, int64_t ms)
{
	int64_t local = ms + (int64_t)tz_offset_at(st->tz, ms) * 1000;
	return floor_div(local, HOUR_MS);
}

static void mark_hour(struct stats *st, int64_t key)
{
	if (key == st->last_hour)
		return;
	st->last_hour = key;
	intern_put(&st->hours, (const char *)&key, sizeof(key), NULL);
}

/* The number a set keeps for key 's' (text.h), or UINT64_MAX for text. */
static uint64_t key_value(const char *s, size_t len)
{
	uint64_t n = text_number(s, len);
	return n != UINT64_MAX ? n : text_pair_number(s, len);
}

static void key_text(uint64_t key, struct buf *b)
{
	char tmp[24];
	size_t n = text_pair_format(key, tmp);
	if (n)
		buf_add(b, tmp, n);
	else
		buf_addf(b, "%llu", (unsigned long long)key);
}

/* Add value 's' to set 'k'. */
static void set_put(struct stats *st, int k, const char *s, size_t len)
{
	uint64_t n = key_value(s, len);
	if (n != UINT64_MAX)
		dhash_add(st->store, &st->set[k].num, n);
	else
		intern_put(&st->set[k].text, s, len, NULL);
}

/* Look up the keys of lag slot 'slot', and empty it. */
static void lag_put(struct stats *st, struct stats_lag *slot)
{
	for (int k = 0; k < 3; k++)
		if (slot->len[k]) {
			if (slot->isnum[k])
				dhash_add(st->store, &st->set[k].num,
					  slot->num[k]);
			else
				intern_put(&st->set[k].text, slot->key[k],
					   (size_t)slot->len[k] - 1, NULL);
			slot->len[k] = 0;
		}
}

void stats_flush(struct stats *st)
{
	for (unsigned i = 0; i < STATS_LAG; i++)
		lag_put(st, &st->lag[(st->lag_pos + i) % STATS_LAG]);
}

void stats_add(struct stats *st, const struct record *r)
{
	/*
	 * Subscriber, cell and IMEI are random lookups in large sets: their
	 * lines are prefetched now and looked up STATS_LAG records later
	 * (keys too long for the ring are looked up at once).
	 */
	static const enum field_id keys[3] = { F_SUBSCRIBER, F_CELL, F_IMEI };
	struct stats_lag *slot = &st->lag[st->lag_pos];
	st->lag_pos = (st->lag_pos + 1) % STATS_LAG;
	lag_put(st, slot);
	for (int k = 0; k < 3; k++) {
		if (!record_has(r, keys[k]) || !(st->sets & 1u << k))
			continue;
		struct strv v = r->v[keys[k]].s;
		uint64_t n = key_value(v.s, v.len);
		if (n != UINT64_MAX) {
			dhash_prefetch(&st->set[k].num, n);
			slot->num[k] = n;
			slot->isnum[k] = 1;
			slot->len[k] = 1;
		} else if (v.len < STATS_KEY_MAX) {
			intern_prefetch(&st->set[k].text, v.s, v.len);
			memcpy(slot->key[k], v.s, v.len);
			slot->isnum[k] = 0;
			slot->len[k] = (uint8_t)(v.len + 1);
		} else {
			intern_put(&st->set[k].text, v.s, v.len, NULL);
		}
	}
	st->records++;
	if (record_has(r, F_START)) {
		int64_t t = r->v[F_START].i;
		if (st->timed == 0) {
			st->tmin = st->tmax = t;
		} else {
			if (t < st->tmin)
				st->tmin = t;
			if (t > st->tmax)
				st->tmax = t;
			if (t < st->last_start)
				st->out_of_order++;
		}
		st->last_start = t;
		st->timed++;
		mark_hour(st, hour_key(st, t));
	}
	if (record_has(r, F_TYPE) && r->v[F_TYPE].i > 0 && r->v[F_TYPE].i < 5)
		st->by_type[r->v[F_TYPE].i]++;
	else
		st->by_type[0]++;
	if (r->kind == KIND_CDR) {
		if (record_has(r, F_DIRECTION) && r->v[F_DIRECTION].i > 0 &&
		    r->v[F_DIRECTION].i < 4)
			st->by_dir[r->v[F_DIRECTION].i]++;
		else
			st->by_dir[0]++;
	}
}

static void merge_set(struct intern *into, const struct intern *from)
{
	for (size_t i = 0; i < intern_count(from); i++) {
		size_t len;
		const char *s = intern_str(from, (uint32_t)i, &len);
		intern_put(into, s, len, NULL);
	}
}

/* The figures of 'from' (not its distinct sets) into 'into'. */
static void merge_figures(struct stats *into, struct stats *from)
{
	stats_flush(into);
	stats_flush(from);
	if (from->timed) {
		if (!into->timed || from->tmin < into->tmin)
			into->tmin = from->tmin;
		if (!into->timed || from->tmax > into->tmax)
			into->tmax = from->tmax;
	}
	into->records += from->records;
	into->timed += from->timed;
	into->out_of_order += from->out_of_order;
	for (int i = 0; i < 5; i++)
		into->by_type[i] += from->by_type[i];
	for (int i = 0; i < 4; i++)
		into->by_dir[i] += from->by_dir[i];
	merge_set(&into->hours, &from->hours);
}

int stats_merge(struct stats *into, struct stats *from)
{
	int rc = 0;
	merge_figures(into, from);
	for (int k = 0; k < 3; k++) {
		merge_set(&into->set[k].text, &from->set[k].text);
		if (dhash_merge(into->store, &into->set[k].num, from->store,
				&from->set[k].num) < 0)
			rc = -1;
	}
	stats_release(from);
	stats_init(from, into->tz, from->store);
	return rc;
}

int stats_distinct(struct stats *const *sts, size_t n, int k, uint64_t *count)
{
	struct dhash **hs = xcalloc(n ? n : 1, sizeof(*hs));
	struct intern text = INTERN_INIT;
	const struct intern *only = n == 1 ? &sts[0]->set[k].text : &text;
	for (size_t i = 0; i < n; i++) {
		hs[i] = &sts[i]->set[k].num;
		if (n > 1)
			merge_set(&text, &sts[i]->set[k].text);
	}
	int rc = n ? dhash_count_union(sts[0]->store, hs, n, count) : 0;
	if (!n)
		*count = 0;
	*count += intern_count(only);
	intern_release(&text);
	free(hs);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

size_t stats_gaps(const struct stats *st, struct gap **out, uint64_t *hours)
{
	size_t n = intern_count(&st->hours), ngap = 0, alloc = 0;
	int64_t *keys = xcalloc(n ? n : 1, sizeof(*keys));
	struct gap *gaps = NULL;
	*hours = 0;
	for (size_t i = 0; i < n; i++)
		memcpy(&keys[i], intern_str(&st->hours, (uint32_t)i, NULL),
		       sizeof(int64_t));
	qsort(keys, n, sizeof(*keys), cmp_i64);
	for (size_t i = 1; i < n; i++) {
		if (keys[i] - keys[i - 1] <= 1)
			continue;
		VEC_GROW(gaps, ngap + 1, alloc);
		/* local hour keys back to instants */
		gaps[ngap].start = tz_local_to_utc(st->tz, (keys[i - 1] + 1) * HOUR_MS);
		gaps[ngap].end = tz_local_to_utc(st->tz, keys[i] * HOUR_MS);
		*hours += (uint64_t)(keys[i] - keys[i - 1] - 1);
		ngap++;
	}
	free(keys);
	*out = gaps;
	return ngap;
}

void stats_release(struct stats *st)
{
	for (int k = 0; k < 3; k++) {
		dhash_release(st->store, &st->set[k].num);
		intern_release(&st->set[k].text);
	}
	intern_release(&st->hours);
}

/* ---- the analysis: per-input states, report, partial section ---- */

const struct table_col stats_columns[SC_NCOLS] = {
	{ "input", COL_KEY }, { "bytes", COL_BYTES },
	{ "bytes_uncompressed", COL_BYTES }, { "sha256", COL_TEXT },
	{ "kind", COL_TEXT }, { "delimiter", COL_TEXT },
	{ "damaged", COL_TEXT }, { "read", COL_COUNT },
	{ "accepted", COL_COUNT }, { "rejected", COL_COUNT },
	{ "filtered", COL_COUNT }, { "matched", COL_COUNT },
	{ "repeated_headers", COL_COUNT }, { "first", COL_TIMESTAMP },
	{ "last", COL_TIMESTAMP }, { "subscribers", COL_COUNT },
	{ "cells", COL_COUNT }, { "imeis", COL_COUNT },
	{ "voice", COL_COUNT }, { "sms", COL_COUNT }, { "data", COL_COUNT },
	{ "other", COL_COUNT }, { "mo", COL_COUNT }, { "mt", COL_COUNT },
	{ "direction_unknown", COL_COUNT }, { "gaps", COL_COUNT },
	{ "gap_hours", COL_COUNT }, { "gap_list", COL_TEXT },
	{ "out_of_order", COL_COUNT }, { "rejected_by_reason", COL_TEXT },
	{ "cell_positions_filled", COL_COUNT },
	{ "cell_positions_disagree", COL_COUNT },
	{ "cell_ids_unknown", COL_COUNT }, { "problem", COL_TEXT },
	/* added in 0.2.0, after the others: scripts cut by position */
	{ "mapping", COL_TEXT }, { "cell_ids_ambiguous", COL_COUNT },
	{ "cells_as_cgi", COL_COUNT }, { "cells_as_columns", COL_COUNT },
	{ "cells_as_id", COL_COUNT },
};

size_t stats_columns_parse(const char *list, size_t *cols, struct buf *msg)
{
	return table_columns_parse(stats_columns, SC_NCOLS, list, cols, msg,
				   "stats");
}

unsigned stats_columns_sets(const size_t *cols, size_t n)
{
	unsigned sets = 0;
	for (size_t i = 0; i < n; i++)
		sets |= cols[i] == SC_SUBS ? 1u : cols[i] == SC_CELLS ? 2u :
			cols[i] == SC_IMEIS ? 4u : 0u;
	return sets;
}

static void run_grow(struct stats_run *sr, size_t n)
{
	if (n <= sr->n)
		return;
	VEC_GROW(sr->in, n, sr->alloc);
	for (size_t i = sr->n; i < n; i++) {
		stats_init(&sr->in[i], sr->tz, sr->store);
		sr->in[i].sets = sr->sets;
	}
	sr->n = n;
}

const struct stats *stats_run_input(const struct stats_run *sr, size_t i)
{
	if (i == sr->n && sr->has_total)
		return &sr->total;
	if (i >= sr->n)
		BUG("stats input %zu of %zu", i, sr->n);
	return &sr->in[i];
}

static uint64_t op_needs(const struct analysis_opts *o)
{
	(void)o;
	return stats_needs();
}

static void op_options_key(const struct analysis_opts *o, struct buf *b)
{
	/* stats has no options of its own: the common ones are the driver's */
	(void)o;
	(void)b;
}

/* CDRSIFT_STATS_BUDGET in bytes (K, M, G suffixes); the default when
   unset or not such a number. */
static size_t stats_budget(void)
{
	const char *s = getenv("CDRSIFT_STATS_BUDGET");
	char *end;
	if (!s || !*s || s[0] == '-')
		return STATS_BUDGET_DEFAULT;
	unsigned long long n = strtoull(s, &end, 10);
	int shift = *end == 'K' || *end == 'k' ? 10 :
		    *end == 'M' || *end == 'm' ? 20 :
		    *end == 'G' || *end == 'g' ? 30 : 0;
	if (shift)
		end++;
	if (*end || n == 0 || n > (SIZE_MAX >> shift))
		return STATS_BUDGET_DEFAULT;
	return (size_t)n << shift;
}

static struct stats_run *run_new(const struct tz *tz, struct dstore *store,
				 unsigned sets)
{
	struct stats_run *sr = xcalloc(1, sizeof(*sr));
	sr->tz = tz;
	sr->sets = sets;
	if (store) {
		sr->store = store;
	} else {
		size_t budget = stats_budget();
		sr->store = xcalloc(1, sizeof(*sr->store));
		sr->own_store = 1;
		dstore_init(sr->store, budget / 3, getenv("TMPDIR"),
			    "cdrsift-stats");
		sr->store->table_budget = budget - budget / 3;
	}
	return sr;
}

static void *op_create(const struct analysis_opts *o)
{
	const struct stats_own *own = o ? o->own : NULL;
	return run_new(o ? o->tz : NULL, NULL,
		       own ? own->sets & STATS_SETS_ALL : STATS_SETS_ALL);
}

static void op_destroy(void *state)
{
	struct stats_run *sr = state;
	if (!sr)
		return;
	for (size_t i = 0; i < sr->n; i++)
		stats_release(&sr->in[i]);
	free(sr->in);
	if (sr->has_total)
		stats_release(&sr->total);
	if (sr->own_store) {
		dstore_release(sr->store);
		free(sr->store);
	}
	free(sr);
}

static void *op_feed_new(void *state)
{
	struct stats_run *sr = state;
	/* one budget for all threads */
	return run_new(sr->tz, sr->store, sr->sets);
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct stats_run *f = feed;
	size_t i = pin->index;
	run_grow(f, i + 1);
	stats_add(&f->in[i], r);
}

static int read_error(struct diag *d)
{
	char tmp[128];
	int e = errno ? errno : EIO;
	if (strerror_r(e, tmp, sizeof(tmp)) != 0)
		snprintf(tmp, sizeof(tmp), "error %d", e);
	return diag_error(d, "cannot read the temporary file: %s", tmp);
}

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct stats_run *a = into, *b = from;
	int rc = 0;
	for (size_t i = 0; i < b->n; i++) {
		size_t j = map ? map[i] : i;
		run_grow(a, j + 1);
		if (stats_merge(&a->in[j], &b->in[i]) < 0 && !rc)
			rc = read_error(d);
	}
	return rc;
}

static void op_feed_free(void *state, void *feed)
{
	struct diag d = DIAG_INIT;
	/* one store: the runs move, nothing is read back */
	if (op_merge(state, feed, NULL, &d) < 0)
		BUG("stats: feed merge failed: %s", buf_cstr(&d.msg));
	diag_release(&d);
	op_destroy(feed);
}

static void op_order(void *state, const size_t *perm, size_t n)
{
	struct stats_run *sr = state;
	run_grow(sr, n);
	struct stats *in = xcalloc(sr->n ? sr->n : 1, sizeof(*in));
	for (size_t i = 0; i < n; i++)
		in[i] = sr->in[perm[i]];
	for (size_t i = n; i < sr->n; i++)
		in[i] = sr->in[i];
	free(sr->in);
	sr->in = in;
	sr->alloc = sr->n ? sr->n : 1;
}

static void set_str(struct table *t, size_t row, int col, const char *s)
{
	table_set_text(t, row, (size_t)col, s, strlen(s));
}

/* One row: the facts 'e' of an input (or the total: path NULL), its
   figures 'st'. */
static void report_row(struct table *t, const struct tz *tz,
		       struct rf_input *e, struct stats *st,
		       const uint64_t count[3])
{
	size_t row = table_add_row(t);
	struct buf b = BUF_INIT;
	set_str(t, row, SC_INPUT, e->path ? e->path : "(total)");
	table_set_u64(t, row, SC_BYTES, e->bytes);
	table_set_u64(t, row, SC_BYTES_OUT, e->bytes_out);
	set_str(t, row, SC_SHA, e->sha256);
	set_str(t, row, SC_KIND, kind_name(e->kind));
	set_str(t, row, SC_DELIM, e->path ? delimiter_name(e->delimiter) : "");
	set_str(t, row, SC_DAMAGED, e->damaged ? "yes" : "no");
	table_set_u64(t, row, SC_READ, e->acct.read);
	table_set_u64(t, row, SC_ACCEPTED, e->acct.accepted);
	table_set_u64(t, row, SC_REJECTED, e->acct.rejected);
	table_set_u64(t, row, SC_FILTERED, e->acct.filtered);
	table_set_u64(t, row, SC_MATCHED, e->acct.matched);
	table_set_u64(t, row, SC_REPEATED, e->acct.repeated_headers);
	/* an input without a timed record: blank, as stats always wrote */
	if (st->timed) {
		table_set_i64(t, row, SC_FIRST, st->tmin);
		table_set_i64(t, row, SC_LAST, st->tmax);
	} else {
		table_set_blank(t, row, SC_FIRST);
		table_set_blank(t, row, SC_LAST);
	}
	memcpy(st->count, count, sizeof(st->count));
	table_set_u64(t, row, SC_SUBS, count[0]);
	table_set_u64(t, row, SC_CELLS, count[1]);
	table_set_u64(t, row, SC_IMEIS, count[2]);
	table_set_u64(t, row, SC_VOICE, st->by_type[TYPE_VOICE]);
	table_set_u64(t, row, SC_SMS, st->by_type[TYPE_SMS]);
	table_set_u64(t, row, SC_DATA, st->by_type[TYPE_DATA]);
	table_set_u64(t, row, SC_OTHER, st->by_type[TYPE_OTHER]);
	table_set_u64(t, row, SC_MO, st->by_dir[DIR_MO]);
	table_set_u64(t, row, SC_MT, st->by_dir[DIR_MT]);
	table_set_u64(t, row, SC_UNKNOWN_DIR, st->by_dir[DIR_UNKNOWN]);
	struct gap *gaps;
	uint64_t hours;
	size_t ngap = stats_gaps(st, &gaps, &hours);
	table_set_u64(t, row, SC_GAPS, ngap);
	table_set_u64(t, row, SC_GAP_HOURS, hours);
	for (size_t g = 0; g < ngap; g++) {
		char tmp[48];
		if (g)
			buf_addch(&b, ' ');
		buf_add(&b, tmp, ts_format(gaps[g].start, tz, tmp, sizeof(tmp)));
		buf_addch(&b, '/');
		buf_add(&b, tmp, ts_format(gaps[g].end, tz, tmp, sizeof(tmp)));
	}
	free(gaps);
	table_set_text(t, row, SC_GAP_LIST, b.data ? b.data : "", b.len);
	table_set_u64(t, row, SC_OOO, e->ooo);
	buf_reset(&b);
	acct_sort_reasons(&e->acct);
	for (size_t r = 0; r < e->acct.nreasons; r++)
		buf_addf(&b, "%s%s=%llu", r ? "; " : "",
			 e->acct.reasons[r].reason,
			 (unsigned long long)e->acct.reasons[r].n);
	table_set_text(t, row, SC_REASONS, b.data ? b.data : "", b.len);
	table_set_u64(t, row, SC_CELL_FILLED, e->cell.filled);
	table_set_u64(t, row, SC_CELL_DISAGREE, e->cell.disagree);
	table_set_u64(t, row, SC_CELL_UNKNOWN, e->cell.unknown);
	set_str(t, row, SC_PROBLEM, e->problem ? e->problem : "");
	set_str(t, row, SC_MAPPING, e->mapping ? e->mapping : "");
	table_set_u64(t, row, SC_CELL_AMBIGUOUS, e->cell.ambiguous);
	table_set_u64(t, row, SC_CELLS_CGI, e->cell.form[CELL_FORM_CGI]);
	table_set_u64(t, row, SC_CELLS_COLUMNS, e->cell.form[CELL_FORM_COLUMNS]);
	table_set_u64(t, row, SC_CELLS_ID, e->cell.form[CELL_FORM_ID]);
	buf_release(&b);
}

static const unsigned char stats_keep[SC_NCOLS] = {
	[SC_INPUT] = 1, [SC_BYTES] = 1, [SC_BYTES_OUT] = 1, [SC_SHA] = 1,
	[SC_KIND] = 1, [SC_DELIM] = 1, [SC_DAMAGED] = 1, [SC_READ] = 1,
	[SC_ACCEPTED] = 1, [SC_REJECTED] = 1, [SC_FILTERED] = 1,
	[SC_MATCHED] = 1, [SC_REPEATED] = 1, [SC_REASONS] = 1,
	[SC_PROBLEM] = 1, [SC_MAPPING] = 1, [SC_CELL_FILLED] = 1,
	[SC_CELL_DISAGREE] = 1, [SC_CELL_UNKNOWN] = 1,
	[SC_CELL_AMBIGUOUS] = 1, [SC_CELLS_CGI] = 1, [SC_CELLS_COLUMNS] = 1,
	[SC_CELLS_ID] = 1,
};

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct stats_run *sr = state;
	struct rf_input total;
	uint64_t count[3];
	run_grow(sr, rf->n);
	table_init(t, stats_columns, SC_NCOLS);
	if (sr->has_total)
		stats_release(&sr->total);
	stats_init(&sr->total, sr->tz, sr->store);
	sr->has_total = 1;
	struct stats **all = xcalloc(rf->n ? rf->n : 1, sizeof(*all));
	for (size_t i = 0; i < rf->n; i++) {
		struct stats *st = &sr->in[i];
		stats_flush(st);
		for (int k = 0; k < 3; k++)
			if (stats_distinct(&st, 1, k, &count[k]) < 0) {
				free(all);
				return read_error(d);
			}
		report_row(t, sr->tz, &rf->in[i], st, count);
		merge_figures(&sr->total, st);
		all[i] = st;
	}
	/* the total's distinct sets: the union of the inputs' */
	for (int k = 0; k < 3; k++)
		if (stats_distinct(all, rf->n, k, &count[k]) < 0) {
			free(all);
			return read_error(d);
		}
	free(all);
	runfacts_total(rf, &total);
	report_row(t, sr->tz, &total, &sr->total, count);
	acct_release(&total.acct);
	/* --suppress-below (table_suppress): an input is a group of its
	   subscribers; what it says of them is suppressed, its size, hash
	   and accounting are facts about the file and stay */
	t->subs_col = SC_SUBS;
	t->total_row = rf->n;
	t->keep = stats_keep;
	/* --columns (of the run, or of the partials merged): shown after
	   suppression has seen every figure */
	const char *list = runfacts_option(rf, "--columns");
	if (list && *list) {
		struct buf msg = BUF_INIT;
		size_t cols[SC_NCOLS + 1];
		size_t n = strlen(list) < 4096 ?
			   stats_columns_parse(list, cols, &msg) : 0;
		if (!n) {
			diag_error(d, "the run's --columns is not a list of "
				   "stats columns: %s", buf_cstr(&msg));
			buf_release(&msg);
			table_release(t);
			return -1;
		}
		buf_release(&msg);
		table_show(t, cols, n);
	}
	return 0;
}

/*
 * The STAT section:
 *   uvarint number of inputs (as in FACT), then for each:
 *     uvarint records, timed; svarint first, last (0 when not timed);
 *     uvarint by_type[0..4], by_dir[0..3]
 *     three sets (subscribers, cells, IMEIs), each: uvarint count, then
 *       the keys in ascending byte order, front-coded: uvarint bytes
 *       shared with the previous key, then the rest as a byte string
 *     hours: uvarint count, svarint the first local hour key, uvarint
 *       each following key's distance from the one before (>= 1)
 * Sorted keys make the bytes a function of the state alone. The state's
 * own out_of_order count depends on the order records arrived in (per
 * thread, per block): it is not saved; the report's comes from the run
 * facts, counted in input order by the pipeline.
 */
struct key_view {
	const char *s;
	size_t len;
};

static int cmp_key(const void *pa, const void *pb)
{
	const struct key_view *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Set 'ks' of 'st' (numbers as their digits, then the texts), sorted by
   bytes. 0, or -1 when a spilled run could not be read back: then the
   count written is one no loader accepts. */
static int save_set(struct partial_writer *w, struct stats *st, int ks)
{
	const struct intern *set = &st->set[ks].text;
	struct dhash *h = &st->set[ks].num;
	struct buf digits = BUF_INIT;
	uint64_t *off = NULL;
	size_t nnum = 0, oalloc = 0;
	struct dmerge dm;
	uint64_t key;
	dhash_flush(st->store, h);
	int r = dmerge_init(&dm, &h->runs, st->store);
	while (r >= 0 && (r = dmerge_next(&dm, &key)) > 0) {
		VEC_GROW(off, nnum + 1, oalloc);
		off[nnum++] = digits.len;
		key_text(key, &digits);
	}
	dmerge_release(&dm);
	size_t n = intern_count(set) + nnum;
	struct key_view *k = xcalloc(n ? n : 1, sizeof(*k));
	for (size_t i = 0; i < nnum; i++) {
		k[i].s = digits.data + off[i];
		k[i].len = (i + 1 < nnum ? off[i + 1] : digits.len) - off[i];
	}
	for (size_t i = nnum; i < n; i++)
		k[i].s = intern_str(set, (uint32_t)(i - nnum), &k[i].len);
	free(off);
	if (r < 0) {
		/* a count no loader accepts: the partial is refused, never
		   merged with a set short of its keys */
		partial_put_uvarint(w, UINT64_MAX);
		free(k);
		buf_release(&digits);
		return -1;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	partial_put_uvarint(w, n);
	for (size_t i = 0; i < n; i++) {
		size_t shared = 0;
		if (i) {
			size_t m = k[i - 1].len < k[i].len ? k[i - 1].len :
							     k[i].len;
			while (shared < m && k[i - 1].s[shared] == k[i].s[shared])
				shared++;
		}
		partial_put_uvarint(w, shared);
		partial_put_bytes(w, k[i].s + shared, k[i].len - shared);
	}
	free(k);
	buf_release(&digits);
	return r < 0 ? -1 : 0;
}

static void save_hours(struct partial_writer *w, const struct intern *set)
{
	size_t n = intern_count(set);
	int64_t *keys = xcalloc(n ? n : 1, sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		memcpy(&keys[i], intern_str(set, (uint32_t)i, NULL),
		       sizeof(int64_t));
	qsort(keys, n, sizeof(*keys), cmp_i64);
	partial_put_uvarint(w, n);
	for (size_t i = 0; i < n; i++) {
		if (i == 0)
			partial_put_svarint(w, keys[0]);
		else
			partial_put_uvarint(w, (uint64_t)keys[i] -
					       (uint64_t)keys[i - 1]);
	}
	free(keys);
}

static void op_save(void *state, struct partial_writer *w)
{
	struct stats_run *sr = state;
	partial_section_begin(w, STATS_TAG);
	partial_put_uvarint(w, sr->n);
	for (size_t i = 0; i < sr->n; i++) {
		struct stats *st = &sr->in[i];
		stats_flush(st);
		partial_put_uvarint(w, st->records);
		partial_put_uvarint(w, st->timed);
		partial_put_svarint(w, st->timed ? st->tmin : 0);
		partial_put_svarint(w, st->timed ? st->tmax : 0);
		for (int k = 0; k < 5; k++)
			partial_put_uvarint(w, st->by_type[k]);
		for (int k = 0; k < 4; k++)
			partial_put_uvarint(w, st->by_dir[k]);
		for (int k = 0; k < 3; k++)
			save_set(w, st, k);
		save_hours(w, &st->hours);
	}
	partial_section_end(w);
}

/* Hour keys a loaded state may hold: far beyond any clock, small enough
   that key * HOUR_MS and key differences never overflow. */
#define HOUR_KEY_MAX (INT64_MAX / HOUR_MS / 4)

static void load_set(struct partial_reader *r, struct stats *st, int ks,
		     uint64_t records)
{
	struct buf prev = BUF_INIT, cur = BUF_INIT;
	uint64_t n = partial_get_count(r, 2);
	if (n > records)
		r->failed = 1;
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		uint64_t shared = partial_get_uvarint(r);
		size_t len;
		const unsigned char *p = partial_get_bytes(r, &len);
		if (!p || shared > prev.len ||
		    len > INTERN_MAX_LEN - shared) {
			r->failed = 1;
			break;
		}
		buf_reset(&cur);
		buf_add(&cur, prev.data, (size_t)shared);
		buf_add(&cur, p, len);
		struct key_view a = { prev.data, prev.len };
		struct key_view b = { cur.data ? cur.data : "", cur.len };
		if (i && cmp_key(&a, &b) >= 0) {
			r->failed = 1; /* not ascending: not what save writes */
			break;
		}
		set_put(st, ks, b.s, b.len);
		struct buf t = prev;
		prev = cur;
		cur = t;
	}
	buf_release(&prev);
	buf_release(&cur);
}

static void load_hours(struct partial_reader *r, struct intern *set,
		       uint64_t timed)
{
	uint64_t n = partial_get_count(r, 1);
	int64_t key = 0;
	if (n > timed || (timed && !n))
		r->failed = 1;
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		if (i == 0) {
			key = partial_get_svarint(r);
		} else {
			uint64_t step = partial_get_uvarint(r);
			if (step == 0 || step > (uint64_t)2 * HOUR_KEY_MAX) {
				r->failed = 1;
				break;
			}
			key = (int64_t)((uint64_t)key + step);
		}
		if (key > HOUR_KEY_MAX || key < -HOUR_KEY_MAX) {
			r->failed = 1;
			break;
		}
		intern_put(set, (const char *)&key, sizeof(key), NULL);
	}
}

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct stats_run *sr = state;
	struct partial_reader r;
	if (partial_section(pf, STATS_TAG, &r) < 0) {
		struct buf b = BUF_INIT;
		const char *path = pf->path ? pf->path : "-";
		buf_add_escaped(&b, path, strlen(path), 4096);
		diag_error(d, "'%s' is not a usable partial file: no STAT "
			   "section", buf_cstr(&b));
		buf_release(&b);
		return -1;
	}
	/* an input without records takes 17 bytes: 13 one-byte figures,
	   four empty sets */
	uint64_t n = partial_get_count(&r, 17);
	if (!r.failed && n != ninputs)
		r.failed = 1;
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		run_grow(sr, (size_t)i + 1);
		struct stats *st = &sr->in[i];
		uint64_t sum = 0, dsum = 0;
		st->records = partial_get_uvarint(&r);
		st->timed = partial_get_uvarint(&r);
		st->tmin = partial_get_svarint(&r);
		st->tmax = partial_get_svarint(&r);
		for (int k = 0; k < 5; k++) {
			st->by_type[k] = partial_get_uvarint(&r);
			if (__builtin_add_overflow(sum, st->by_type[k], &sum))
				r.failed = 1;
		}
		for (int k = 0; k < 4; k++) {
			st->by_dir[k] = partial_get_uvarint(&r);
			if (__builtin_add_overflow(dsum, st->by_dir[k], &dsum))
				r.failed = 1;
		}
		if (sum != st->records || dsum > st->records ||
		    st->timed > st->records || st->tmin > st->tmax ||
		    (!st->timed && (st->tmin || st->tmax)))
			r.failed = 1;
		for (int k = 0; k < 3; k++)
			load_set(&r, st, k, st->records);
		load_hours(&r, &st->hours, st->timed);
	}
	if (!r.failed && sr->n < ninputs)
		run_grow(sr, ninputs);
	return partial_reader_finish(&r, pf, d);
}

const struct analysis_ops stats_analysis = {
	"stats", STATS_TAG, op_needs, op_options_key, op_create, op_feed_new,
	op_add, op_feed_free, op_merge, op_order, NULL, op_report, op_save,
	op_load, op_destroy, NULL,
};
