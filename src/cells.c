/*
 * cells.c - cell keys (split, canonical text) and the cell-site table:
 * every row indexed under each key shape a record could carry for it
 * (CGI, MCC-MNC-CI, LAC-CI, CI), a shape's key shared by rows at different
 * positions marked ambiguous; a record looks up its own shape only.
 */
#include "cells.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvrow.h"
#include "input.h"
#include "intern.h"
#include "schema.h"
#include "xalloc.h"
#include "text.h"
#include "banned.h"

struct cell_pos {
	double lat, lon; /* degrees; NAN when the key is ambiguous */
	double range;    /* metres, 0 when unknown */
};

struct cells {
	struct intern keys;   /* index key text (see index_key) -> id */
	struct cell_pos *pos; /* indexed by key id */
	size_t alloc;
	struct cells_stats st;
};

enum { C_MCC, C_MNC, C_LAC, C_CELL, C_LAT, C_LON, C_RANGE, C_N };

/* ---- cell keys ---- */

int cell_split(const char *s, size_t len, struct cell_key *k)
{
	struct cell_part p[4];
	size_t n = 0, at = 0;
	memset(k, 0, sizeof(*k));
	if (!len)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '-')
			continue;
		if (n == 4 || !text_is_digits(s + at, i - at))
			goto opaque;
		p[n].s = s + at;
		p[n].len = i - at;
		n++;
		at = i + 1;
	}
	if (n >= 3 && (p[0].len != 3 || p[1].len > 3))
		goto opaque;
	switch (n) {
	case 4:
		k->mcc = p[0], k->mnc = p[1], k->lac = p[2], k->ci = p[3];
		return 4;
	case 3:
		k->mcc = p[0], k->mnc = p[1], k->ci = p[2];
		return 3;
	case 2:
		k->lac = p[0], k->ci = p[1];
		return 2;
	default:
		break;
	}
opaque:
	k->ci.s = s;
	k->ci.len = len;
	return 1;
}

static int add_part(char *out, size_t outlen, size_t *n,
		    const struct cell_part *p, int last)
{
	if (*n + p->len + 1 >= outlen)
		return -1;
	memcpy(out + *n, p->s, p->len);
	*n += p->len;
	if (!last)
		out[(*n)++] = '-';
	return 0;
}

size_t cell_key_format(const struct cell_key *k, char *out, size_t outlen)
{
	size_t n = 0;
	int plmn = k->mcc.len && k->mnc.len;
	if (!k->ci.len || !outlen)
		return 0;
	if ((plmn && (add_part(out, outlen, &n, &k->mcc, 0) < 0 ||
		      add_part(out, outlen, &n, &k->mnc, 0) < 0)) ||
	    (k->lac.len && add_part(out, outlen, &n, &k->lac, 0) < 0) ||
	    add_part(out, outlen, &n, &k->ci, 1) < 0) {
		out[0] = '\0';
		return 0;
	}
	out[n] = '\0';
	return n;
}

/* A digits-only part without its leading zeros ("0" stays "0"). */
static struct cell_part part_number(const struct cell_part *p)
{
	struct cell_part q = *p;
	if (text_is_digits(q.s, q.len))
		while (q.len > 1 && q.s[0] == '0')
			q.s++, q.len--;
	return q;
}

int cell_part_same(const struct cell_part *a, const struct cell_part *b)
{
	struct cell_part x = part_number(a), y = part_number(b);
	return x.len == y.len && !memcmp(x.s, y.s, x.len);
}

/*
 * The index key of the parts 'k' names for 'shape' (4: MCC MNC LAC CI, 3:
 * MCC MNC CI, 2: LAC CI, 1: CI): the shape digit, then each part, numbers
 * without leading zeros (OpenCellID writes MNC 02 as 2), each after a 0x1f
 * separator. Returns the length, 0 when it does not fit.
 */
static size_t index_key(const struct cell_key *k, int shape, char *out,
			size_t outlen)
{
	const struct cell_part *parts[4];
	size_t np = 0, n = 0;
	if (shape == 4 || shape == 3) {
		parts[np++] = &k->mcc;
		parts[np++] = &k->mnc;
	}
	if (shape == 4 || shape == 2)
		parts[np++] = &k->lac;
	parts[np++] = &k->ci;
	out[n++] = (char)('0' + shape);
	for (size_t i = 0; i < np; i++) {
		struct cell_part q = part_number(parts[i]);
		if (n + q.len + 1 > outlen)
			return 0;
		out[n++] = '\x1f';
		memcpy(out + n, q.s, q.len);
		n += q.len;
	}
	return n;
}

/* The shape of the key a record carries: the parts it has. */
static int key_shape(const struct cell_key *k)
{
	int plmn = k->mcc.len && k->mnc.len;
	if (!k->ci.len)
		return 0;
	if (plmn && k->lac.len)
		return 4;
	if (plmn)
		return 3;
	return k->lac.len ? 2 : 1;
}

/* ---- the table ---- */

static int column_role(const char *name, size_t len)
{
	char n[64];
	schema_normalise_name(name, len, n, sizeof(n));
	static const struct { const char *names; int role; } roles[] = {
		{ " mcc mobilecountrycode ", C_MCC },
		{ " mnc net mobilenetworkcode ", C_MNC },
		{ " lac area tac locationareacode trackingareacode ", C_LAC },
		{ " cell cellid ci cid eci cgi ecgi cellidentity ", C_CELL },
		{ " lat latitude ", C_LAT },
		{ " lon lng long longitude ", C_LON },
		{ " range radius rangem ", C_RANGE },
	};
	char pat[70];
	snprintf(pat, sizeof(pat), " %s ", n);
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strstr(roles[i].names, pat))
			return roles[i].role;
	return -1;
}

static int parse_real(const char *s, double *out)
{
	char *end;
	if (!*s)
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return errno || *end || !isfinite(*out) ? -1 : 0;
}

static void add_key(struct cells *c, const char *key, size_t len,
		    const struct cell_pos *p)
{
	int added;
	uint32_t id = intern_put(&c->keys, key, len, &added);
	if (id == UINT32_MAX)
		return;
	if (added) {
		VEC_GROW(c->pos, (size_t)id + 1, c->alloc);
		c->pos[id] = *p;
		return;
	}
	struct cell_pos *old = &c->pos[id];
	if (!isnan(old->lat) && (old->lat != p->lat || old->lon != p->lon)) {
		old->lat = old->lon = NAN;
		c->st.ambiguous++;
	}
}

/*
 * Merge part 'col' (a table column, may be empty) into 'into' (from the
 * cell column's own text). -1 when both are given and differ.
 */
static int merge_part(struct cell_part *into, const char *col)
{
	struct cell_part p = { col, strlen(col) };
	if (!p.len)
		return 0;
	if (into->len && !cell_part_same(into, &p))
		return -1;
	*into = p;
	return 0;
}

/*
 * Index table row parts 'k' under every key a record could carry for it:
 * its CI alone, LAC-CI when the row has a LAC, MCC-MNC-CI and the CGI
 * when it has MCC and MNC.
 */
static void add_row(struct cells *c, const struct cell_key *k,
		    const struct cell_pos *p)
{
	char key[300];
	int plmn = k->mcc.len && k->mnc.len;
	for (int shape = 4; shape >= 1; shape--) {
		size_t n;
		if ((shape >= 3 && !plmn) || ((shape == 4 || shape == 2) &&
					      !k->lac.len))
			continue;
		n = index_key(k, shape, key, sizeof(key));
		if (n)
			add_key(c, key, n, p);
	}
}

int cells_load(struct cells **out, const char *path, struct diag *d)
{
	struct input in;
	struct csvrow rd;
	struct csvrow_row row;
	int col[C_N], rc;
	struct cells *c;

	if (input_open(&in, path, d) < 0)
		return -1;
	if (csvrow_open(&rd, &in, NULL, d) < 0) {
		input_close(&in);
		return -1;
	}
	c = xcalloc(1, sizeof(*c));
	for (int i = 0; i < C_N; i++)
		col[i] = -1;
	while ((rc = csvrow_next(&rd, &row, d)) == CSVROW_REJECT)
		;
	if (rc != CSVROW_ROW) {
		if (!d->set)
			diag_error(d, "cell table '%s' is empty", path);
		goto fail;
	}
	for (size_t i = 0; i < row.nfield; i++) {
		int role = column_role(row.field[i], row.len[i]);
		if (role >= 0 && col[role] < 0)
			col[role] = (int)i;
	}
	if (col[C_CELL] < 0 || col[C_LAT] < 0 || col[C_LON] < 0) {
		diag_error(d, "cell table '%s' needs cell id, lat and lon columns",
			   path);
		goto fail;
	}
	while ((rc = csvrow_next(&rd, &row, d)) != CSVROW_EOF) {
		struct cell_pos p = { 0, 0, 0 };
		const char *f[C_N];
		if (rc == CSVROW_FATAL)
			goto fail;
		c->st.rows++;
		if (rc == CSVROW_REJECT) {
			c->st.rejected++;
			continue;
		}
		for (int i = 0; i < C_N; i++)
			f[i] = col[i] >= 0 && (size_t)col[i] < row.nfield ?
			       row.field[col[i]] : "";
		if (!*f[C_CELL] || parse_real(f[C_LAT], &p.lat) < 0 ||
		    parse_real(f[C_LON], &p.lon) < 0 || fabs(p.lat) > 90 ||
		    fabs(p.lon) > 180) {
			c->st.rejected++;
			continue;
		}
		if (*f[C_RANGE] && parse_real(f[C_RANGE], &p.range) < 0)
			p.range = 0;
		struct cell_key k;
		cell_split(f[C_CELL], strlen(f[C_CELL]), &k);
		if (merge_part(&k.mcc, f[C_MCC]) < 0 ||
		    merge_part(&k.mnc, f[C_MNC]) < 0 ||
		    merge_part(&k.lac, f[C_LAC]) < 0) {
			c->st.rejected++; /* a CGI that its own columns deny */
			continue;
		}
		c->st.loaded++;
		add_row(c, &k, &p);
	}
	if (in.damaged || rd.io_error) {
		char *why = xstrdup(buf_cstr(&d->msg));
		diag_error(d, "cell table '%s': %s", path, why);
		free(why);
		goto fail;
	}
	csvrow_close(&rd);
	input_close(&in);
	*out = c;
	return 0;
fail:
	csvrow_close(&rd);
	input_close(&in);
	cells_free(c);
	return -1;
}

enum cells_answer cells_find(const struct cells *c, const struct cell_key *k,
			     double *lat, double *lon, double *range)
{
	char key[300];
	int shape = key_shape(k);
	size_t n = shape ? index_key(k, shape, key, sizeof(key)) : 0;
	int64_t id = n ? intern_get(&c->keys, key, n) : -1;
	if (id < 0)
		return CELLS_UNKNOWN;
	if (isnan(c->pos[id].lat))
		return CELLS_AMBIGUOUS;
	*lat = c->pos[id].lat;
	*lon = c->pos[id].lon;
	*range = c->pos[id].range;
	return CELLS_FOUND;
}

const struct cells_stats *cells_stats(const struct cells *c)
{
	return &c->st;
}

void cells_free(struct cells *c)
{
	if (!c)
		return;
	intern_release(&c->keys);
	free(c->pos);
	free(c);
}
