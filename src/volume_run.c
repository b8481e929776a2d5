/*
 * volume_run.c - `cdrsift volume` as an analysis (analysis.h): the shared
 * state of volume.c behind the run driver's operations, the report as a
 * typed table, and the partial section VOLU.
 *
 * Section VOLU (after the driver's FACT):
 *
 *   uvarint nkeys, key names (bytes); split key name (bytes, "" none);
 *   u8 pairs, u8 flags (1 distinct subscribers, 2 a column list),
 *   u8 sort; uvarint top, min_count;
 *   with flag 2 (--columns): uvarint ncolumns (1 or more), column names
 *   (bytes, volume_col_names, each once);
 *   u8 kinds (1 CDR, 2 IP records seen); uvarint records;
 *   the state (volume.c: groups, split counts, distinct items)
 *
 * The options are also in the FACT section's "options" (options_key),
 * which merge compares; here they rebuild the state in `cdrsift merge`,
 * which has no volume options of its own.
 */
#include "volume.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

size_t volume_budget_parse(const char *s, int *bad)
{
	char *end;
	*bad = 0;
	if (!s || !*s)
		return 0;
	unsigned long long n = strtoull(s, &end, 10);
	int shift = *end == 'K' || *end == 'k' ? 10 :
		    *end == 'M' || *end == 'm' ? 20 :
		    *end == 'G' || *end == 'g' ? 30 : 0;
	if (shift)
		end++;
	if (*end || s[0] == '-' || n == 0 || n > (SIZE_MAX >> shift)) {
		*bad = 1;
		return 0;
	}
	return (size_t)n << shift;
}

static const char *const sort_names[] = {
	"default", "count", "duration", "bytes", "distinct", "key",
};

static int listed(const struct volume_own *c, int col)
{
	return memchr(c->columns, col, c->ncolumns) != NULL;
}

void volume_state_opts(const struct volume_own *c, struct volume_opts *o)
{
	*o = c->o;
	if (!c->ncolumns)
		return;
	if (!listed(c, VC_DURATION_TOTAL) && !listed(c, VC_DURATION_MEAN) &&
	    !listed(c, VC_DURATION_MAX) && !listed(c, VC_A_TO_B_DURATION) &&
	    !listed(c, VC_B_TO_A_DURATION) && c->sort != VS_DURATION)
		o->skip |= VSKIP_DUR;
	if (!listed(c, VC_FIRST_SEEN) && !listed(c, VC_LAST_SEEN))
		o->skip |= VSKIP_START;
	if (!listed(c, VC_BYTES_UP) && !listed(c, VC_BYTES_DOWN) &&
	    c->sort != VS_BYTES)
		o->skip |= VSKIP_BYTES;
	if (!listed(c, VC_DISTINCT_PEERS) && c->sort != VS_DISTINCT)
		o->skip |= VSKIP_PEERS;
	if (!listed(c, VC_DISTINCT_CELLS))
		o->skip |= VSKIP_CELLS;
	if (!listed(c, VC_DISTINCT_SUBSCRIBERS))
		o->subscribers = 0;
	if (!listed(c, VC_SPLIT))
		o->split = -1;
}

static uint64_t op_needs(const struct analysis_opts *o)
{
	const struct volume_own *c = o->own;
	struct volume_opts so;
	volume_state_opts(c, &so);
	return volume_needs(&so);
}

static void op_options_key(const struct analysis_opts *o, struct buf *b)
{
	const struct volume_own *c = o->own;
	buf_adds(b, c->o.pairs ? "pairs" : "by=");
	for (size_t i = 0; i < c->o.nkeys; i++)
		buf_addf(b, "%s%s", i ? "," : "", volume_key_name(c->o.keys[i]));
	buf_addf(b, " split=%s sort=%s top=%zu min-count=%llu",
		 c->o.split >= 0 ? volume_key_name(c->o.split) : "",
		 sort_names[c->sort], c->top, (unsigned long long)c->min_count);
}

static void make_state(struct volume_run *vr)
{
	int bad;
	vr->c.o.tz = vr->tz;
	if (!vr->c.o.budget)
		vr->c.o.budget = volume_budget_parse(
			getenv("CDRSIFT_VOLUME_BUDGET"), &bad);
	if (!vr->c.o.tmpdir)
		vr->c.o.tmpdir = getenv("TMPDIR");
	struct volume_opts so;
	volume_state_opts(&vr->c, &so);
	vr->v = volume_new(&so);
}

static void *op_create(const struct analysis_opts *o)
{
	struct volume_run *vr = xcalloc(1, sizeof(*vr));
	vr->tz = o ? o->tz : NULL;
	vr->c.o.split = -1;
	if (o && o->own) {
		vr->c = *(const struct volume_own *)o->own;
		make_state(vr);
	}
	return vr;
}

static void op_destroy(void *state)
{
	struct volume_run *vr = state;
	if (!vr)
		return;
	volume_free(vr->v);
	for (size_t i = 0; i < vr->nsplit; i++)
		free(vr->split_names[i]);
	free(vr->split_names);
	free(vr->cols);
	free(vr);
}

/* A thread's handle into the shared state, and what it saw. */
struct vfeed {
	struct volume_feed *feed;
	unsigned kinds;
	uint64_t records;
};

static void *op_feed_new(void *state)
{
	struct volume_run *vr = state;
	struct vfeed *f = xcalloc(1, sizeof(*f));
	f->feed = volume_feed_new(vr->v);
	return f;
}

static void op_add(void *feed, const struct pipe_input *pin,
		   const struct record *r)
{
	struct vfeed *f = feed;
	(void)pin;
	f->kinds |= r->kind == KIND_IP ? KB_IP : KB_CDR;
	f->records++;
	volume_feed_add(f->feed, r);
}

static void op_feed_free(void *state, void *feed)
{
	struct volume_run *vr = state;
	struct vfeed *f = feed;
	volume_feed_free(f->feed); /* its last batches go into the state */
	__atomic_fetch_or(&vr->kinds, f->kinds, __ATOMIC_RELAXED);
	__atomic_fetch_add(&vr->records, f->records, __ATOMIC_RELAXED);
	free(f);
}

static int op_merge(void *into, void *from, const size_t *map,
		    struct diag *d)
{
	struct volume_run *a = into, *b = from;
	(void)map; /* no figures per input */
	a->kinds |= b->kinds;
	a->records += b->records;
	if (volume_merge(a->v, b->v, d) < 0) {
		struct buf m = BUF_INIT;
		buf_addf(&m, "volume: %s", buf_cstr(&d->msg));
		buf_reset(&d->msg);
		buf_adds(&d->msg, buf_cstr(&m));
		buf_release(&m);
		return -1;
	}
	return 0;
}

static int op_finish(void *state, struct diag *d)
{
	struct volume_run *vr = state;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = vr->c.threads ? vr->c.threads :
			   ncpu > 0 ? (unsigned)ncpu : 1;
	struct diag e = DIAG_INIT;
	int rc = volume_finish(vr->v, threads, &e);
	if (rc < 0)
		diag_error(d, "volume: %s", buf_cstr(&e.msg));
	diag_release(&e);
	return rc;
}

const char *const volume_col_names[VC_COUNT + 1] = {
	"records", "split", "a_to_b", "a_to_b_duration", "b_to_a",
	"b_to_a_duration", "duration_total", "duration_mean", "duration_max",
	"bytes_up", "bytes_down", "distinct_peers", "distinct_subscribers",
	"distinct_cells", "first_seen", "last_seen", NULL,
};

int volume_col_by_name(const char *name, size_t len)
{
	for (int c = 0; c < VC_COUNT; c++)
		if (strlen(volume_col_names[c]) == len &&
		    !memcmp(volume_col_names[c], name, len))
			return c;
	return -1;
}

static int is_pairs_col(int c)
{
	return c >= VC_A_TO_B && c <= VC_B_TO_A_DURATION;
}

int volume_columns_check(const struct volume_own *c, struct buf *msg)
{
	for (size_t i = 0; i < c->ncolumns; i++) {
		int col = c->columns[i];
		const char *name = volume_col_names[col];
		if (is_pairs_col(col) && !c->o.pairs) {
			buf_addf(msg, "%s is a column of --pairs", name);
			return -1;
		}
		if (col == VC_SPLIT && c->o.split < 0) {
			buf_addf(msg, "%s needs --split KEY", name);
			return -1;
		}
		if (col == VC_DISTINCT_SUBSCRIBERS && !c->o.subscribers) {
			buf_addf(msg, "%s is only for keys that are not a party "
				 "(caller, callee, subscriber, peer) and not "
				 "with --pairs", name);
			return -1;
		}
	}
	return 0;
}

void volume_columns_text(const struct volume_own *c, struct buf *b)
{
	for (size_t i = 0; i < c->ncolumns; i++)
		buf_addf(b, "%s%s", i ? "," : "",
			 volume_col_names[c->columns[i]]);
}

/*
 * The columns reported, in order, into 'out': --columns, or by default
 * every column that applies (bytes only when an IP log was read).
 */
static size_t report_columns(const struct volume_run *vr, unsigned char *out)
{
	const struct volume_opts *o = &vr->c.o;
	size_t n = 0;
	if (vr->c.ncolumns) {
		memcpy(out, vr->c.columns, vr->c.ncolumns);
		return vr->c.ncolumns;
	}
	out[n++] = VC_RECORDS;
	if (o->split >= 0)
		out[n++] = VC_SPLIT;
	if (o->pairs)
		for (int c = VC_A_TO_B; c <= VC_B_TO_A_DURATION; c++)
			out[n++] = (unsigned char)c;
	out[n++] = VC_DURATION_TOTAL;
	out[n++] = VC_DURATION_MEAN;
	out[n++] = VC_DURATION_MAX;
	if (vr->kinds & KB_IP) {
		out[n++] = VC_BYTES_UP;
		out[n++] = VC_BYTES_DOWN;
	}
	out[n++] = VC_DISTINCT_PEERS;
	if (o->subscribers)
		out[n++] = VC_DISTINCT_SUBSCRIBERS;
	out[n++] = VC_DISTINCT_CELLS;
	out[n++] = VC_FIRST_SEEN;
	out[n++] = VC_LAST_SEEN;
	return n;
}

static const enum col_type col_types[VC_COUNT] = {
	[VC_RECORDS] = COL_COUNT, [VC_SPLIT] = COL_COUNT,
	[VC_A_TO_B] = COL_COUNT, [VC_A_TO_B_DURATION] = COL_DURATION,
	[VC_B_TO_A] = COL_COUNT, [VC_B_TO_A_DURATION] = COL_DURATION,
	[VC_DURATION_TOTAL] = COL_DURATION, [VC_DURATION_MEAN] = COL_DURATION,
	[VC_DURATION_MAX] = COL_DURATION, [VC_BYTES_UP] = COL_BYTES,
	[VC_BYTES_DOWN] = COL_BYTES, [VC_DISTINCT_PEERS] = COL_COUNT,
	[VC_DISTINCT_SUBSCRIBERS] = COL_COUNT, [VC_DISTINCT_CELLS] = COL_COUNT,
	[VC_FIRST_SEEN] = COL_TIMESTAMP, [VC_LAST_SEEN] = COL_TIMESTAMP,
};

/* Cell 'at' of 'row': the value of column 'col' for group 'g'. */
static void set_cell(struct table *t, size_t row, size_t at, int col,
		     const struct volume_group *g)
{
	switch (col) {
	case VC_RECORDS: table_set_u64(t, row, at, g->records); break;
	case VC_A_TO_B: table_set_u64(t, row, at, g->dir_n[0]); break;
	case VC_A_TO_B_DURATION:
		table_set_i64(t, row, at, g->dir_dur[0]);
		break;
	case VC_B_TO_A: table_set_u64(t, row, at, g->dir_n[1]); break;
	case VC_B_TO_A_DURATION:
		table_set_i64(t, row, at, g->dir_dur[1]);
		break;
	/* durations over the records that have one; missing when none has */
	case VC_DURATION_TOTAL:
		if (g->dur_n)
			table_set_i64(t, row, at, g->dur_total);
		break;
	case VC_DURATION_MEAN:
		if (g->dur_n)
			table_set_i64(t, row, at,
				      g->dur_total / (int64_t)g->dur_n);
		break;
	case VC_DURATION_MAX:
		if (g->dur_n)
			table_set_i64(t, row, at, g->dur_max);
		break;
	/* a sum over the records that have it; missing when none has */
	case VC_BYTES_UP:
		if (g->up_n)
			table_set_u64(t, row, at, g->bytes_up);
		break;
	case VC_BYTES_DOWN:
		if (g->down_n)
			table_set_u64(t, row, at, g->bytes_down);
		break;
	case VC_DISTINCT_PEERS: table_set_u64(t, row, at, g->peers); break;
	case VC_DISTINCT_SUBSCRIBERS:
		table_set_u64(t, row, at, g->subscribers);
		break;
	case VC_DISTINCT_CELLS: table_set_u64(t, row, at, g->cells); break;
	case VC_FIRST_SEEN:
		if (g->timed)
			table_set_i64(t, row, at, g->first);
		break;
	case VC_LAST_SEEN:
		if (g->timed)
			table_set_i64(t, row, at, g->last);
		break;
	}
}

#define MAXCOLS (VOLUME_MAX_KEYS + 64)

static int op_report(void *state, struct runfacts *rf, struct table *t,
		     struct diag *d)
{
	struct volume_run *vr = state;
	struct volume *v = vr->v;
	const struct volume_opts *o = &vr->c.o;
	struct table_col *cols = vr->cols = xcalloc(MAXCOLS, sizeof(*cols));
	size_t nc = 0;
	uint32_t *splits = NULL;
	unsigned char shown[VC_COUNT];
	size_t at[VC_COUNT];     /* first table column of each shown one */
	(void)rf;
	(void)d;
	vr->lone_time = o->nkeys == 1 && volume_key_is_time(o->keys[0]);
	if (o->pairs) {
		cols[nc++] = (struct table_col){ "party_a", COL_KEY };
		cols[nc++] = (struct table_col){ "party_b", COL_KEY };
	} else {
		for (size_t i = 0; i < o->nkeys; i++) {
			int f = o->keys[i] < F_COUNT ? o->keys[i] : F_DATE;
			cols[nc++] = (struct table_col){
				volume_key_name(o->keys[i]),
				field_table[f].type == FT_INT ? COL_NUMKEY :
				COL_KEY };
		}
	}
	size_t nkeycols = vr->nkeycols = nc;
	size_t nshown = report_columns(vr, shown);
	vr->records_col = SIZE_MAX;
	for (size_t ci = 0; ci < nshown; ci++) {
		int col = shown[ci];
		at[ci] = nc;
		if (col == VC_RECORDS)
			vr->records_col = nc;
		if (col != VC_SPLIT) {
			cols[nc++] = (struct table_col){ volume_col_names[col],
							 col_types[col] };
			continue;
		}
		size_t nsplit = volume_split_values(v, &splits);
		if (nsplit > 32)
			nsplit = 32; /* wider splits belong in --by */
		vr->split_names = xcalloc(nsplit ? nsplit : 1,
					  sizeof(*vr->split_names));
		vr->nsplit = nsplit;
		for (size_t i = 0; i < nsplit; i++) {
			const char *s = volume_split_text(v, splits[i]);
			size_t l = strlen(s) + 16;
			vr->split_names[i] = xmalloc(l);
			snprintf(vr->split_names[i], l, "records_%s",
				 *s ? s : "none");
			cols[nc++] = (struct table_col){ vr->split_names[i],
							 COL_COUNT };
		}
	}

	table_init(t, cols, nc);
	size_t ng = volume_report(v, vr->c.sort, vr->c.top, vr->c.min_count,
				  &vr->hidden);
	for (size_t gi = 0; gi < ng; gi++) {
		struct volume_group g;
		volume_row(v, gi, &g);
		size_t row = table_add_row(t);
		for (size_t i = 0; i < nkeycols; i++) {
			size_t len;
			const char *s = volume_key_text(v, &g, i, &len);
			if (len)
				table_set_text(t, row, i, s, len);
		}
		for (size_t ci = 0; ci < nshown; ci++) {
			if (shown[ci] != VC_SPLIT) {
				set_cell(t, row, at[ci], shown[ci], &g);
				continue;
			}
			for (size_t s = 0; s < vr->nsplit; s++)
				table_set_u64(t, row, at[ci] + s,
					      volume_split_count(v, &g,
								 splits[s]));
		}
	}
	free(splits);
	return 0;
}

static void op_save(void *state, struct partial_writer *w)
{
	struct volume_run *vr = state;
	const struct volume_opts *o = &vr->c.o;
	partial_section_begin(w, VOLUME_TAG);
	partial_put_uvarint(w, o->nkeys);
	for (size_t i = 0; i < o->nkeys; i++)
		partial_put_str(w, volume_key_name(o->keys[i]));
	partial_put_str(w, o->split >= 0 ? volume_key_name(o->split) : "");
	partial_put_u8(w, (unsigned)o->pairs);
	partial_put_u8(w, (unsigned)o->subscribers |
			  (vr->c.ncolumns ? 2u : 0u));
	partial_put_u8(w, (unsigned)vr->c.sort);
	partial_put_uvarint(w, vr->c.top);
	partial_put_uvarint(w, vr->c.min_count);
	if (vr->c.ncolumns) {
		partial_put_uvarint(w, vr->c.ncolumns);
		for (size_t i = 0; i < vr->c.ncolumns; i++)
			partial_put_str(w, volume_col_names[vr->c.columns[i]]);
	}
	partial_put_u8(w, vr->kinds);
	partial_put_uvarint(w, vr->records);
	volume_save(vr->v, w);
	partial_section_end(w);
}

/* Key 'name' of a partial ('len' bytes): its id, or -1. */
static int load_key(const unsigned char *p, size_t len)
{
	if (!p || !len || len > 64)
		return -1;
	return volume_key_by_name((const char *)p, len);
}

static int op_load(void *state, const struct partial_file *pf,
		   size_t ninputs, struct diag *d)
{
	struct volume_run *vr = state;
	struct partial_reader r;
	struct volume_own c;
	const char *path = pf->path ? pf->path : "-";
	(void)ninputs;
	if (partial_section(pf, VOLUME_TAG, &r) < 0) {
		struct buf b = BUF_INIT;
		buf_add_escaped(&b, path, strlen(path), 4096);
		diag_error(d, "'%s' is not a usable partial file: no VOLU "
			   "section", buf_cstr(&b));
		buf_release(&b);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.o.split = -1;
	uint64_t nkeys = partial_get_uvarint(&r);
	if (nkeys > VOLUME_MAX_KEYS)
		r.failed = 1;
	for (uint64_t i = 0; i < nkeys && !r.failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(&r, &len);
		int k = load_key(p, len);
		if (k < 0)
			r.failed = 1;
		c.o.keys[c.o.nkeys++] = k;
	}
	size_t slen;
	const unsigned char *sp = partial_get_bytes(&r, &slen);
	if (sp && slen && (c.o.split = load_key(sp, slen)) < 0)
		r.failed = 1;
	c.o.pairs = (int)partial_get_u8(&r);
	unsigned flags = partial_get_u8(&r);
	c.o.subscribers = (int)(flags & 1);
	unsigned sort = partial_get_u8(&r);
	c.top = (size_t)partial_get_uvarint(&r);
	c.min_count = partial_get_uvarint(&r);
	if (flags & 2) {
		uint64_t n = partial_get_uvarint(&r);
		unsigned seen = 0;
		if (!n || n > VC_COUNT)
			r.failed = 1;
		for (uint64_t i = 0; i < n && !r.failed; i++) {
			size_t len;
			const unsigned char *p = partial_get_bytes(&r, &len);
			int col = p ? volume_col_by_name((const char *)p, len) :
				  -1;
			if (col < 0 || (seen & 1u << col)) {
				r.failed = 1;
				break;
			}
			seen |= 1u << col;
			c.columns[c.ncolumns++] = (unsigned char)col;
		}
	}
	unsigned kinds = partial_get_u8(&r);
	uint64_t records = partial_get_uvarint(&r);
	struct buf why = BUF_INIT;
	if (c.o.pairs > 1 || flags > 3 || (c.o.pairs && c.o.nkeys) ||
	    sort > VS_KEY || kinds > (KB_CDR | KB_IP) ||
	    volume_columns_check(&c, &why) < 0)
		r.failed = 1;
	buf_release(&why);
	c.sort = (enum volume_sort)sort;
	if (r.failed)
		return partial_reader_finish(&r, pf, d);
	if (!vr->v) {
		vr->c = c;
		make_state(vr);
	}
	vr->kinds |= kinds;
	vr->records += records;
	if (volume_load(vr->v, &r) == 1) {
		struct buf b = BUF_INIT;
		buf_add_escaped(&b, path, strlen(path), 4096);
		diag_error(d, "'%s': the run that wrote it could not read its "
			   "temporary file back: its distinct counts are "
			   "incomplete", buf_cstr(&b));
		buf_release(&b);
		return -1;
	}
	return partial_reader_finish(&r, pf, d);
}

const struct analysis_ops volume_analysis = {
	"volume", VOLUME_TAG, op_needs, op_options_key, op_create,
	op_feed_new, op_add, op_feed_free, op_merge, NULL, op_finish,
	op_report, op_save, op_load, op_destroy, NULL,
};
