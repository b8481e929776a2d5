/*
 * flagset.c - the rows a flags file names (flagset.h).
 *
 * The file is read as RFC 4180 CSV (quotes, doubled quotes, line ends
 * inside quotes) or, when its header line has a tab and no comma, as the
 * TSV cdrsift writes (\t \n \r \\ escapes). Every evidence item is kept
 * as (name, lo, hi); at the end they are sorted by name and line and the
 * ranges of one name merged.
 */
#include "flagset.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

struct item {
	size_t off, len;          /* name in the names buffer */
	const char *name;         /* set once the buffer is complete */
	uint64_t lo, hi;
};

struct parse {
	const char *s;
	size_t n, pos;
	uint64_t line;            /* line of the flags file at pos */
	char delim;
	struct buf field;         /* the current row's fields, NUL-separated */
	size_t *foff;             /* field starts in 'field' */
	size_t nf, falloc;
	struct buf names;
	struct item *it;
	size_t ni, ialloc;
};

static size_t eol_len(const char *s, size_t n, size_t i)
{
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
	return 0;
}

/* A shown piece of untrusted text: printable ASCII, at most 60 bytes. */
static void add_shown(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f)
			buf_addch(b, (char)c);
		else
			buf_addf(b, "\\x%02x", c);
	}
	if (n > 60)
		buf_adds(b, "...");
}

static void end_field(struct parse *p)
{
	buf_addch(&p->field, '\0');
}

static void begin_field(struct parse *p)
{
	VEC_GROW(p->foff, p->nf + 1, p->falloc);
	p->foff[p->nf++] = p->field.len;
}

/*
 * The next row's fields into p->field / p->foff. 1: a row, 0: end of
 * data, -1: malformed (d set). Blank lines are skipped.
 */
static int next_row(struct parse *p, uint64_t *row_line, struct diag *d)
{
	const char *s = p->s;
	size_t n = p->n;
	size_t k;
	while (p->pos < n && (k = eol_len(s, n, p->pos)) != 0) {
		p->pos += k;
		p->line++;
	}
	if (p->pos >= n)
		return 0;
	*row_line = p->line;
	buf_reset(&p->field);
	p->nf = 0;
	begin_field(p);
	int quoted = 0, was_quoted = 0;
	while (p->pos < n) {
		char c = s[p->pos];
		if (quoted) {
			if (c == '"') {
				if (p->pos + 1 < n && s[p->pos + 1] == '"') {
					buf_addch(&p->field, '"');
					p->pos += 2;
					continue;
				}
				quoted = 0;
				p->pos++;
				continue;
			}
			if ((k = eol_len(s, n, p->pos)) != 0) {
				buf_add(&p->field, s + p->pos, k);
				p->pos += k;
				p->line++;
				continue;
			}
			buf_addch(&p->field, c);
			p->pos++;
			continue;
		}
		if ((k = eol_len(s, n, p->pos)) != 0) {
			p->pos += k;
			p->line++;
			end_field(p);
			return 1;
		}
		if (c == p->delim) {
			end_field(p);
			begin_field(p);
			was_quoted = 0;
			p->pos++;
			continue;
		}
		if (p->delim == ',' && c == '"') {
			if (was_quoted || p->field.len != p->foff[p->nf - 1]) {
				d->line = p->line;
				return diag_error(d, "quote inside a field");
			}
			quoted = was_quoted = 1;
			p->pos++;
			continue;
		}
		if (was_quoted) {
			d->line = p->line;
			return diag_error(d, "text after a closing quote");
		}
		if (p->delim == '\t' && c == '\\' && p->pos + 1 < n) {
			char e = s[p->pos + 1];
			char v = e == 't' ? '\t' : e == 'n' ? '\n' :
				 e == 'r' ? '\r' : e == '\\' ? '\\' : 0;
			if (v) {
				buf_addch(&p->field, v);
				p->pos += 2;
				continue;
			}
		}
		buf_addch(&p->field, c);
		p->pos++;
	}
	if (quoted) {
		d->line = *row_line;
		return diag_error(d, "unterminated quoted field");
	}
	end_field(p);
	return 1;
}

static const char *field_at(const struct parse *p, size_t i, size_t *len)
{
	size_t a = p->foff[i];
	size_t b = i + 1 < p->nf ? p->foff[i + 1] - 1 : p->field.len - 1;
	*len = b - a;
	return p->field.data + a;
}

/* Digits s[0..n) as a line number 1..2^62. 0, or -1. */
static int line_number(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (!n || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!v)
		return -1;
	*out = v;
	return 0;
}

static int add_item(struct parse *p, const char *t, size_t n,
		    uint64_t line, struct diag *d)
{
	const char *colon = NULL;
	for (size_t i = n; i-- > 0;)
		if (t[i] == ':') {
			colon = t + i;
			break;
		}
	uint64_t lo = 0, hi = 0;
	if (colon && colon > t) {
		const char *num = colon + 1;
		size_t nn = n - (size_t)(num - t);
		const char *dash = memchr(num, '-', nn);
		if (dash) {
			if (line_number(num, (size_t)(dash - num), &lo) < 0 ||
			    line_number(dash + 1, nn - (size_t)(dash + 1 - num),
					&hi) < 0 || hi < lo)
				lo = 0;
		} else if (line_number(num, nn, &lo) == 0) {
			hi = lo;
		}
	}
	if (!lo) {
		struct buf m = BUF_INIT;
		add_shown(&m, t, n);
		d->line = line;
		diag_error(d, "evidence '%s': expected INPUT:LINE or "
			   "INPUT:FIRST-LAST (a terminal table cuts evidence: "
			   "write the flags with -f csv)", buf_cstr(&m));
		buf_release(&m);
		return -1;
	}
	VEC_GROW(p->it, p->ni + 1, p->ialloc);
	struct item *x = &p->it[p->ni++];
	x->off = p->names.len;
	x->len = (size_t)(colon - t);
	buf_add(&p->names, t, x->len);
	x->lo = lo;
	x->hi = hi;
	return 0;
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->hi < b->hi ? -1 : a->hi > b->hi;
}

static void build(struct flagset *fs, struct parse *p)
{
	if (!p->ni)
		return;
	for (size_t i = 0; i < p->ni; i++)
		p->it[i].name = p->names.data + p->it[i].off;
	qsort(p->it, p->ni, sizeof(*p->it), cmp_item);
	struct flagset_input *cur = NULL;
	for (size_t i = 0; i < p->ni; i++) {
		const struct item *x = &p->it[i];
		const char *name = x->name;
		if (!cur || cur->len != x->len || memcmp(cur->name, name, x->len)) {
			VEC_GROW(fs->in, fs->n + 1, fs->alloc);
			cur = &fs->in[fs->n++];
			memset(cur, 0, sizeof(*cur));
			cur->name = xmalloc(x->len + 1);
			memcpy(cur->name, name, x->len);
			cur->name[x->len] = '\0';
			cur->len = x->len;
		}
		if (cur->nr && x->lo <= cur->r[cur->nr - 1].hi + 1) {
			if (x->hi > cur->r[cur->nr - 1].hi)
				cur->r[cur->nr - 1].hi = x->hi;
			continue;
		}
		VEC_GROW(cur->r, cur->nr + 1, cur->alloc);
		cur->r[cur->nr].lo = x->lo;
		cur->r[cur->nr].hi = x->hi;
		cur->nr++;
	}
	for (size_t i = 0; i < fs->n; i++)
		for (size_t j = 0; j < fs->in[i].nr; j++)
			fs->lines += fs->in[i].r[j].hi - fs->in[i].r[j].lo + 1;
}

int flagset_parse(struct flagset *fs, const char *data, size_t len,
		  struct diag *d)
{
	struct parse p;
	memset(&p, 0, sizeof(p));
	p.s = data;
	p.n = len;
	p.line = 1;
	/* the dialect, from the first line */
	size_t hl = 0;
	while (hl < len && data[hl] != '\n' && data[hl] != '\r')
		hl++;
	p.delim = memchr(data, '\t', hl) && !memchr(data, ',', hl) ? '\t' : ',';
	uint64_t row_line = 0;
	int rc = next_row(&p, &row_line, d);
	size_t evcol = 0, ncols = 0;
	if (rc == 1) {
		ncols = p.nf;
		for (evcol = 0; evcol < p.nf; evcol++) {
			size_t fl;
			const char *f = field_at(&p, evcol, &fl);
			if (fl == 8 && !memcmp(f, "evidence", 8))
				break;
		}
		if (evcol == p.nf) {
			d->line = row_line;
			rc = diag_error(d, "no 'evidence' column in the header: "
					"not a flags file of cdrsift anomalies");
		}
	} else if (rc == 0) {
		d->line = 1;
		rc = diag_error(d, "empty: not a flags file of cdrsift "
				"anomalies");
	}
	while (rc == 1) {
		rc = next_row(&p, &row_line, d);
		if (rc != 1)
			break;
		if (p.nf != ncols) {
			d->line = row_line;
			rc = diag_error(d, "row has %zu field%s, the header %zu",
					p.nf, p.nf == 1 ? "" : "s", ncols);
			break;
		}
		size_t el;
		const char *e = field_at(&p, evcol, &el);
		for (size_t i = 0; i < el && rc == 1;) {
			while (i < el && e[i] == ' ')
				i++;
			size_t j = i;
			while (j < el && e[j] != ' ')
				j++;
			if (j > i && add_item(&p, e + i, j - i, row_line, d) < 0)
				rc = -1;
			i = j;
		}
	}
	if (rc == 0)
		build(fs, &p);
	buf_release(&p.field);
	buf_release(&p.names);
	free(p.foff);
	free(p.it);
	return rc < 0 ? -1 : 0;
}

const struct flagset_input *flagset_find(const struct flagset *fs,
					 const char *name, size_t len)
{
	size_t lo = 0, hi = fs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flagset_input *x = &fs->in[mid];
		size_t n = x->len < len ? x->len : len;
		int c = memcmp(x->name, name, n);
		if (!c)
			c = x->len < len ? -1 : x->len > len;
		if (!c)
			return x;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int flagset_has_line(const struct flagset_input *in, uint64_t line)
{
	if (!in)
		return 0;
	size_t lo = 0, hi = in->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (in->r[mid].hi < line)
			lo = mid + 1;
		else if (in->r[mid].lo > line)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

void flagset_release(struct flagset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->in[i].name);
		free(fs->in[i].r);
	}
	free(fs->in);
	memset(fs, 0, sizeof(*fs));
}
