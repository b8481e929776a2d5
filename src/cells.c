/*
 * cells.c - load a cell-site table into an interned key index.
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
#include "banned.h"

struct cell_pos {
	double lat, lon; /* degrees; NAN when the key is ambiguous */
	double range;    /* metres, 0 when unknown */
};

struct cells {
	struct intern keys;   /* key text -> id */
	struct cell_pos *pos; /* indexed by key id */
	size_t alloc;
	struct cells_stats st;
};

enum { C_MCC, C_MNC, C_LAC, C_CELL, C_LAT, C_LON, C_RANGE, C_N };

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
		char key[256];
		int n;
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
		c->st.loaded++;
		if (*f[C_MCC] && *f[C_MNC] && *f[C_LAC]) {
			n = snprintf(key, sizeof(key), "%s-%s-%s-%s", f[C_MCC],
				     f[C_MNC], f[C_LAC], f[C_CELL]);
			if (n > 0 && (size_t)n < sizeof(key))
				add_key(c, key, (size_t)n, &p);
		}
		if (*f[C_LAC]) {
			n = snprintf(key, sizeof(key), "%s-%s", f[C_LAC],
				     f[C_CELL]);
			if (n > 0 && (size_t)n < sizeof(key))
				add_key(c, key, (size_t)n, &p);
		}
		add_key(c, f[C_CELL], strlen(f[C_CELL]), &p);
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

static int find(const struct cells *c, const char *key, size_t len,
		double *lat, double *lon, double *range)
{
	int64_t id = intern_get(&c->keys, key, len);
	if (id < 0 || isnan(c->pos[id].lat))
		return 0;
	*lat = c->pos[id].lat;
	*lon = c->pos[id].lon;
	*range = c->pos[id].range;
	return 1;
}

int cells_lookup(const struct cells *c, const char *cell, size_t len,
		 const char *lac, size_t laclen, double *lat, double *lon,
		 double *range)
{
	char key[256];
	if (find(c, cell, len, lat, lon, range))
		return 1;
	if (lac && laclen && laclen + len + 2 < sizeof(key)) {
		int n = snprintf(key, sizeof(key), "%.*s-%.*s", (int)laclen,
				 lac, (int)len, cell);
		if (n > 0 && find(c, key, (size_t)n, lat, lon, range))
			return 1;
	}
	/* a CGI whose full form is unknown: try LAC-CI, then CI */
	const char *dash = memchr(cell, '-', len);
	if (dash) {
		const char *p = cell + len;
		int dashes = 0;
		while (p > cell && dashes < 2) {
			p--;
			if (*p == '-')
				dashes++;
		}
		if (dashes == 2 &&
		    find(c, p + 1, len - (size_t)(p + 1 - cell), lat, lon, range))
			return 1;
		const char *last = cell + len - 1;
		while (*last != '-')
			last--;
		return find(c, last + 1, len - (size_t)(last + 1 - cell), lat,
			    lon, range);
	}
	return 0;
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
