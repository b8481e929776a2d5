/*
 * table.c - typed report tables and their one formatter (see table.h).
 */
#include "table.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "record.h"
#include "suggest.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

void table_init(struct table *t, const struct table_col *cols, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
	t->subs_col = t->records_col = t->total_row = TABLE_NONE;
}

void table_release(struct table *t)
{
	free(t->show);
	free(t->own_keep);
	free(t->own_cols);
	buf_release(&t->names);
	free(t->cells);
	buf_release(&t->text);
	memset(t, 0, sizeof(*t));
}

size_t table_add_row(struct table *t)
{
	size_t need;
	if (__builtin_mul_overflow(t->nrows + 1, t->ncols, &need))
		BUG("table too large");
	VEC_GROW(t->cells, need, t->alloc);
	memset(t->cells + t->nrows * t->ncols, 0,
	       t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

static struct table_cell *cell_at(struct table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->ncols)
		BUG("table cell out of range");
	return &t->cells[row * t->ncols + col];
}

const struct table_cell *table_cell(const struct table *t, size_t row,
				    size_t col)
{
	return cell_at((struct table *)t, row, col);
}

void table_set_u64(struct table *t, size_t row, size_t col, uint64_t v)
{
	struct table_cell *c = cell_at(t, row, col);
	c->state = CELL_VALUE;
	c->v = v;
}

void table_set_i64(struct table *t, size_t row, size_t col, int64_t v)
{
	table_set_u64(t, row, col, (uint64_t)v);
}

void table_set_text(struct table *t, size_t row, size_t col, const char *s,
		    size_t len)
{
	struct table_cell *c = cell_at(t, row, col);
	c->state = CELL_VALUE;
	c->off = t->text.len;
	c->len = len;
	buf_add(&t->text, s, len);
}

void table_set_blank(struct table *t, size_t row, size_t col)
{
	cell_at(t, row, col)->state = CELL_BLANK;
}

static void add_micro_degrees(struct buf *out, int64_t v)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	buf_addf(out, "%s%llu.%06llu", v < 0 ? "-" : "",
		 (unsigned long long)(a / 1000000),
		 (unsigned long long)(a % 1000000));
}

enum cell_state table_format_cell(const struct table *t, size_t row,
				  size_t col, const struct table_fmt *f,
				  struct buf *out)
{
	const struct table_cell *c = table_cell(t, row, col);
	char tmp[48];
	if (c->state != CELL_VALUE)
		return (enum cell_state)c->state;
	switch (t->cols[col].type) {
	case COL_KEY:
	case COL_NUMKEY:
	case COL_TEXT:
		buf_add(out, t->text.data + c->off, c->len);
		break;
	case COL_COUNT:
	case COL_BYTES:
	case COL_BAR:
		buf_addf(out, "%llu", (unsigned long long)c->v);
		break;
	case COL_DURATION:
		format_duration((int64_t)c->v, out);
		break;
	case COL_TIMESTAMP:
		buf_add(out, tmp, ts_format((int64_t)c->v, f->tz, tmp,
					    sizeof(tmp)));
		break;
	case COL_LAT:
	case COL_LON:
		add_micro_degrees(out, (int64_t)c->v);
		break;
	}
	return CELL_VALUE;
}

void table_out_cols(const struct table *t, struct out_col *out)
{
	for (size_t i = 0; i < t->ncols; i++) {
		out[i].name = t->cols[i].name;
		switch (t->cols[i].type) {
		case COL_KEY:
		case COL_TEXT:
		case COL_TIMESTAMP:
			out[i].type = OT_STR;
			break;
		case COL_BAR:
			out[i].type = OT_BAR;
			break;
		default:
			out[i].type = OT_NUM;
			break;
		}
	}
}

void table_write(const struct table *t, struct writer *w,
		 const struct table_fmt *f)
{
	size_t n = t->ncols ? t->ncols : 1;
	struct buf *text = xcalloc(n, sizeof(*text));
	const char **cells = xcalloc(n, sizeof(*cells));
	size_t *lens = xcalloc(n, sizeof(*lens));
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t k = 0; k < t->ncols; k++) {
			buf_reset(&text[k]);
			enum cell_state s = table_format_cell(t, r, k, f,
							      &text[k]);
			cells[k] = s == CELL_MISSING ? NULL : buf_cstr(&text[k]);
			lens[k] = text[k].len;
		}
		writer_row(w, cells, lens);
	}
	for (size_t k = 0; k < n; k++)
		buf_release(&text[k]);
	free(text);
	free(cells);
	free(lens);
}

/* ---- privacy: pseudonyms and suppression (issue 17) ---- */

void table_set_ident(struct table *t, size_t row, size_t col,
		     enum ident_kind k)
{
	cell_at(t, row, col)->ident = (uint8_t)k;
}

enum ident_kind table_col_ident(const struct table *t, size_t col)
{
	const struct table_col *c = &t->cols[col];
	if (c->type == COL_KEY || c->type == COL_TEXT)
		return ident_of_name(c->name);
	return ID_NONE;
}

/* 1 when 's' is an IPv4 or IPv6 address as a whole. */
static int is_ip_text(const char *s, size_t len)
{
	char tmp[64];
	unsigned char addr[16];
	if (!len || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return inet_pton(AF_INET, tmp, addr) == 1 ||
	       inet_pton(AF_INET6, tmp, addr) == 1;
}

/* Free text no identifier column names: scrubbed (pseudo_scrub), except
   record references ("path:line", which the audit must find). */
static int scrubbed_text(const struct table *t, size_t col)
{
	return t->cols[col].type == COL_TEXT &&
	       strcmp(t->cols[col].name, "evidence") != 0;
}

void table_pseudonymize(struct table *t, const struct pseudo *p)
{
	struct buf text = BUF_INIT;
	enum ident_kind *kind = xcalloc(t->ncols ? t->ncols : 1, sizeof(*kind));
	for (size_t k = 0; k < t->ncols; k++)
		kind[k] = table_col_ident(t, k);
	/* every text cell moves to a new store, identifiers as tokens */
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t k = 0; k < t->ncols; k++) {
			struct table_cell *c = cell_at(t, r, k);
			enum col_type ty = t->cols[k].type;
			if (c->state != CELL_VALUE ||
			    (ty != COL_KEY && ty != COL_TEXT && ty != COL_NUMKEY))
				continue;
			enum ident_kind id = c->ident ? (enum ident_kind)c->ident :
					     kind[k];
			const char *s = t->text.data + c->off;
			size_t off = text.len;
			/* an IP record's peer is its destination (volume.h) */
			if (id == ID_NUMBER && !c->ident &&
			    !strcmp(t->cols[k].name, "peer") &&
			    is_ip_text(s, c->len))
				id = ID_IP_PUB;
			if (pseudo_replaces(p, id))
				pseudo_token(p, id, s, c->len, &text);
			else if (id == ID_NONE && scrubbed_text(t, k))
				pseudo_scrub(p, s, c->len, &text);
			else
				buf_add(&text, s, c->len);
			c->off = off;
			c->len = text.len - off;
		}
	buf_release(&t->text);
	t->text = text;
	free(kind);
}

void table_drop_cols(struct table *t, const unsigned char *drop)
{
	size_t n = 0, *kept = xcalloc(t->ncols ? t->ncols : 1, sizeof(*kept));
	size_t *at = xcalloc(t->ncols ? t->ncols : 1, sizeof(*at));
	for (size_t k = 0; k < t->ncols; k++)
		if (!drop[k]) {
			at[k] = n;
			kept[n++] = k;
		}
	if (n < t->ncols) {
		/* the columns to show follow theirs, or go with them */
		size_t *show = t->show, nshow = 0;
		for (size_t i = 0; show && i < t->nshow; i++)
			if (!drop[show[i]])
				show[nshow++] = at[show[i]];
		t->show = NULL;
		table_select_cols(t, kept, n);
		t->show = show;
		t->nshow = nshow;
		/* the per-column marks no longer line up */
		free(t->own_keep);
		t->own_keep = NULL;
		t->keep = NULL;
		t->subs_col = t->records_col = TABLE_NONE;
	}
	free(at);
	free(kept);
}

size_t table_columns_parse(const struct table_col *cols, size_t ncols,
			   const char *list, size_t *out, struct buf *msg,
			   const char *what)
{
	const char **names = xcalloc(ncols, sizeof(*names));
	unsigned char *seen = xcalloc(ncols ? ncols : 1, 1);
	size_t n = 0;
	const char *p = list;
	for (size_t k = 1; k < ncols; k++)
		names[k - 1] = cols[k].name;
	out[n++] = 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p), k;
		if (!len) {
			buf_adds(msg, "expected a comma-separated list of "
				 "columns, found '");
			buf_add_escaped(msg, list, strlen(list), 256);
			buf_addch(msg, '\'');
			n = 0;
			break;
		}
		for (k = 1; k < ncols; k++)
			if (strlen(cols[k].name) == len &&
			    !memcmp(cols[k].name, p, len))
				break;
		if (k == ncols) {
			buf_adds(msg, "unknown column '");
			buf_add_escaped(msg, p, len, 256);
			buf_addch(msg, '\'');
			size_t before = msg->len;
			if (len == strlen(cols[0].name) &&
			    !memcmp(p, cols[0].name, len))
				buf_addf(msg, " (%s is always the first)",
					 cols[0].name);
			else
				suggest_append(msg, p, len, names);
			if (msg->len == before)
				buf_addf(msg, " (see the %s columns in cdrsift(1))",
					 what);
			n = 0;
			break;
		}
		if (seen[k]) {
			buf_addch(msg, '\'');
			buf_add_escaped(msg, p, len, 256);
			buf_adds(msg, "' is listed twice");
			n = 0;
			break;
		}
		seen[k] = 1;
		out[n++] = k;
		if (!e)
			break;
		p = e + 1;
	}
	free(names);
	free(seen);
	return n;
}

void table_show(struct table *t, const size_t *cols, size_t n)
{
	free(t->show);
	t->show = xcalloc(n ? n : 1, sizeof(*t->show));
	memcpy(t->show, cols, n * sizeof(*cols));
	t->nshow = n;
}

void table_select_cols(struct table *t, const size_t *cols, size_t n)
{
	struct table_col *nc = xcalloc(n ? n : 1, sizeof(*nc));
	size_t ncells = t->nrows * n;
	struct table_cell *cells = xcalloc(ncells ? ncells : 1, sizeof(*cells));
	unsigned char *keep = t->keep ? xcalloc(n ? n : 1, 1) : NULL;
	struct buf names = BUF_INIT;
	size_t *at = xcalloc(n ? n : 1, sizeof(*at));
	size_t subs = TABLE_NONE, records = TABLE_NONE;
	for (size_t j = 0; j < n; j++) {
		size_t k = cols[j];
		if (k >= t->ncols)
			BUG("table_select_cols: column %zu of %zu", k, t->ncols);
		nc[j] = t->cols[k];
		at[j] = names.len;
		buf_adds(&names, t->cols[k].name);
		buf_addch(&names, '\0');
		if (keep)
			keep[j] = t->keep[k];
		if (k == t->subs_col)
			subs = j;
		if (k == t->records_col)
			records = j;
	}
	for (size_t j = 0; j < n; j++)
		nc[j].name = names.data + at[j];
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t j = 0; j < n; j++)
			cells[r * n + j] = t->cells[r * t->ncols + cols[j]];
	free(at);
	free(t->cells);
	t->cells = cells;
	t->alloc = ncells;
	free(t->own_cols);
	buf_release(&t->names);
	t->own_cols = nc;
	t->names = names;
	t->cols = nc;
	t->ncols = n;
	t->subs_col = subs;
	t->records_col = records;
	free(t->own_keep);
	t->own_keep = keep;
	t->keep = keep;
	free(t->show);
	t->show = NULL;
	t->nshow = 0;
}

void table_pseudonymize_names(struct table *t, const struct pseudo *p,
			      const char *prefix, enum ident_kind k,
			      const char *keep)
{
	size_t pl = strlen(prefix);
	if (!pseudo_replaces(p, k) || !t->ncols)
		return;
	struct table_col *cols = xcalloc(t->ncols, sizeof(*cols));
	size_t *at = xcalloc(t->ncols, sizeof(*at));
	struct buf names = BUF_INIT;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *n = t->cols[i].name;
		cols[i] = t->cols[i];
		at[i] = names.len;
		if (!strncmp(n, prefix, pl) && n[pl] && strcmp(n + pl, keep)) {
			buf_add(&names, n, pl);
			pseudo_token(p, k, n + pl, strlen(n + pl), &names);
		} else {
			buf_adds(&names, n);
		}
		buf_addch(&names, '\0');
	}
	for (size_t i = 0; i < t->ncols; i++)
		cols[i].name = names.data + at[i];
	free(at);
	free(t->own_cols);
	buf_release(&t->names);
	t->own_cols = cols;
	t->names = names;
	t->cols = cols;
}

static uint64_t cell_count(const struct table *t, size_t row, size_t col)
{
	const struct table_cell *c = table_cell(t, row, col);
	return c->state == CELL_VALUE ? c->v : 0;
}

/* Make the figures (columns neither keys nor kept) of 'row' missing. */
static void blank_figures(struct table *t, size_t row)
{
	for (size_t k = 0; k < t->ncols; k++)
		if (t->cols[k].type != COL_KEY && !(t->keep && t->keep[k]))
			cell_at(t, row, k)->state = CELL_MISSING;
}

void table_suppress(struct table *t, uint64_t below, const uint64_t *subs,
		    const uint64_t *floor, struct table_suppressed *out)
{
	memset(out, 0, sizeof(*out));
	if (t->subs_col == TABLE_NONE && !subs)
		return;
	out->applies = 1;
	int keeps = 0;
	for (size_t k = 0; k < t->ncols; k++)
		keeps |= t->keep && t->keep[k];
	out->removed = !keeps;
	unsigned char *hide = xcalloc(t->nrows ? t->nrows : 1, 1);
	size_t nhidden = 0;
	uint64_t hidden_records = 0, hidden_floor = 0;
#define ROW_RECORDS(r) (t->records_col != TABLE_NONE ? \
			cell_count(t, (r), t->records_col) : 0)
#define ROW_FLOOR(r) (floor ? floor[r] : 1)
	for (size_t r = 0; r < t->nrows; r++) {
		uint64_t n = subs ? subs[r] : cell_count(t, r, t->subs_col);
		if (r == t->total_row || n >= below)
			continue;
		hide[r] = 1;
		nhidden++;
		out->primary++;
		hidden_records += ROW_RECORDS(r);
		hidden_floor += ROW_FLOOR(r);
	}
	/*
	 * Removed rows leave the meta's record total: with one group hidden
	 * it is that group's records; with k groups of S records in all,
	 * each at least its floor F_i (one record, or --min-count's, or
	 * geo's --min-records for a cluster), group i has F_i..S - (sum of
	 * the other floors): one value exactly when S == sum F. Hide more
	 * until k >= 2 and S > sum F: the fewest records first (those above
	 * their floor when slack is wanted), then the first listed.
	 */
	while (out->removed && t->records_col != TABLE_NONE && nhidden &&
	       (nhidden < 2 || hidden_records <= hidden_floor)) {
		int want_slack = hidden_records <= hidden_floor;
		size_t pick = TABLE_NONE;
		for (size_t r = 0; r < t->nrows; r++) {
			if (hide[r] || r == t->total_row)
				continue;
			if (want_slack && ROW_RECORDS(r) <= ROW_FLOOR(r))
				continue;
			if (pick == TABLE_NONE || ROW_RECORDS(r) < ROW_RECORDS(pick))
				pick = r;
		}
		if (pick == TABLE_NONE) {
			out->pinned = 1; /* nothing left that would help */
			break;
		}
		hide[pick] = 1;
		nhidden++;
		out->complementary++;
		hidden_records += ROW_RECORDS(pick);
		hidden_floor += ROW_FLOOR(pick);
	}
#undef ROW_RECORDS
#undef ROW_FLOOR
	out->hidden_records = hidden_records;
	if (nhidden && t->total_row != TABLE_NONE) {
		blank_figures(t, t->total_row);
		out->total_withheld = 1;
	}
	if (!out->removed) {
		for (size_t r = 0; r < t->nrows; r++)
			if (hide[r])
				blank_figures(t, r);
	} else if (nhidden) {
		size_t w = 0, total = TABLE_NONE;
		for (size_t r = 0; r < t->nrows; r++) {
			if (hide[r])
				continue;
			if (r == t->total_row)
				total = w;
			if (w != r)
				memcpy(t->cells + w * t->ncols,
				       t->cells + r * t->ncols,
				       t->ncols * sizeof(*t->cells));
			w++;
		}
		t->nrows = w;
		t->total_row = total;
	}
	free(hide);
}
