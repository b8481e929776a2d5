/*
 * output.c - table, csv, tsv, json and ndjson writers (see output.h).
 */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

#define TABLE_PREFETCH 1000 /* rows kept to size table columns */
#define BAR_WIDTH 30        /* widest bar, in characters */

static const char *const format_names[] = {
#define X(id, name) name,
	OUTPUT_FORMATS(X)
#undef X
};

int out_format_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (!strcmp(name, format_names[i]))
			return (int)i;
	return -1;
}

struct writer {
	FILE *fp;
	enum out_format fmt;
	const struct out_col *cols;
	size_t ncols;
	int tty, width;
	size_t nrows;          /* rows written so far */
	struct buf line;       /* scratch for one output line */
	/* table */
	struct buf *held;      /* held rows: each a buffer of cells + lengths */
	size_t nheld, held_alloc;
	size_t *colw;          /* column widths, in bytes */
	int widths_fixed;      /* 1 once held rows were flushed */
	double bar_max;        /* largest value of the bar's source column */
	struct buf footer;
	struct buf meta;
};

struct writer *writer_new(FILE *fp, enum out_format fmt,
			  const struct out_col *cols, size_t ncols, int tty,
			  int width)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	w->fp = fp;
	w->fmt = fmt;
	w->cols = cols;
	w->ncols = ncols;
	w->tty = tty;
	w->width = width;
	w->colw = xcalloc(ncols ? ncols : 1, sizeof(*w->colw));
	for (size_t i = 0; i < ncols; i++)
		w->colw[i] = cols[i].type == OT_BAR ? 0 : strlen(cols[i].name);
	return w;
}

/* Bytes in a valid UTF-8 sequence starting at s[i], or 0. */
static size_t utf8_seq(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (!n || c >= 0xf5 || i + n > len)
		return 0;
	for (size_t k = 1; k < n; k++)
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
	/* overlongs, surrogates and code points above U+10FFFF */
	if ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0) ||
	    (c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))
		return 0;
	return n;
}

/*
 * JSON must be UTF-8; evidence need not be. Valid sequences pass through,
 * and a byte that is not part of one is written as the code point of the
 * same number (\u00XX, its Latin-1 reading), so nothing is dropped.
 */
void json_add_str(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	buf_addch(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t n = utf8_seq(u, i, len);
			if (n) {
				buf_add(b, s + i, n);
				i += n - 1;
			} else {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4],
					      hex[c & 15] };
				buf_add(b, e, 6);
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			buf_addch(b, '\\');
			buf_addch(b, c);
		} else if (c == '\n') {
			buf_add(b, "\\n", 2);
		} else if (c == '\r') {
			buf_add(b, "\\r", 2);
		} else if (c == '\t') {
			buf_add(b, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_add(b, e, 6);
		} else {
			buf_addch(b, c);
		}
	}
	buf_addch(b, '"');
}

/* Cell text as it may be shown: control bytes escaped on a terminal. */
static void add_cell_text(struct writer *w, struct buf *b, const char *s,
			  size_t len)
{
	/* tables are for people: escaped wherever they go; data formats
	 * keep their bytes unless they go to a terminal */
	if (!w->tty && w->fmt != OUT_TABLE) {
		buf_add(b, s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			buf_add_escaped(b, s + i, 1, 1);
		} else {
			buf_addch(b, c);
		}
	}
}

static void csv_cell(struct writer *w, const char *s, size_t len, char delim)
{
	int quote = 0;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == delim || s[i] == '"' || s[i] == '\n' ||
			s[i] == '\r';
	if (len && (s[0] == ' ' || s[len - 1] == ' '))
		quote = 1;
	if (!quote) {
		add_cell_text(w, &w->line, s, len);
		return;
	}
	buf_addch(&w->line, '"');
	size_t start = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '"') {
			add_cell_text(w, &w->line, s + start, i + 1 - start);
			buf_addch(&w->line, '"');
			start = i + 1;
		}
	add_cell_text(w, &w->line, s + start, len - start);
	buf_addch(&w->line, '"');
}

/* TSV has no quoting: tab, newline, CR and backslash are escaped. */
static void tsv_cell(struct writer *w, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\t')
			buf_add(&w->line, "\\t", 2);
		else if (c == '\n')
			buf_add(&w->line, "\\n", 2);
		else if (c == '\r')
			buf_add(&w->line, "\\r", 2);
		else if (c == '\\')
			buf_add(&w->line, "\\\\", 2);
		else
			add_cell_text(w, &w->line, &c, 1);
	}
}

static void emit_line(struct writer *w)
{
	fwrite(w->line.data ? w->line.data : "", 1, w->line.len, w->fp);
	buf_reset(&w->line);
}

static void write_header(struct writer *w)
{
	if (w->fmt == OUT_CSV || w->fmt == OUT_TSV) {
		for (size_t i = 0; i < w->ncols; i++) {
			if (i)
				buf_addch(&w->line, w->fmt == OUT_CSV ? ',' : '\t');
			buf_adds(&w->line, w->cols[i].name);
		}
		buf_addch(&w->line, '\n');
		emit_line(w);
	} else if (w->fmt == OUT_JSON) {
		fputs("{\"rows\":[", w->fp);
	}
}

static int is_number_text(const char *s, size_t len)
{
	size_t i = 0;
	int digits = 0, dot = 0;
	if (len && s[0] == '-')
		i = 1;
	for (; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0 && !(len > 1 && s[0] == '0' && s[1] != '.');
}

static void json_row(struct writer *w, const char *const *cells,
		     const size_t *lens)
{
	buf_addch(&w->line, '{');
	int first = 1;
	for (size_t i = 0; i < w->ncols; i++) {
		if (w->cols[i].type == OT_BAR)
			continue;
		if (!first)
			buf_addch(&w->line, ',');
		first = 0;
		json_add_str(&w->line, w->cols[i].name, strlen(w->cols[i].name));
		buf_addch(&w->line, ':');
		if (!cells[i])
			buf_adds(&w->line, "null");
		else if (w->cols[i].type == OT_NUM &&
			 is_number_text(cells[i], lens[i]))
			buf_add(&w->line, cells[i], lens[i]);
		else
			json_add_str(&w->line, cells[i], lens[i]);
	}
	buf_addch(&w->line, '}');
}

/* ---- table ---- */

static size_t display_width(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80; /* UTF-8 lead bytes */
	return n;
}

/* The number in a cell of 'len' bytes (cells need not be NUL-terminated). */
static double cell_number(const char *s, size_t len)
{
	char tmp[64];
	if (!s || !len || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return strtod(tmp, NULL);
}

static void table_line(struct writer *w, const char *const *cells,
		       const size_t *lens)
{
	struct buf cell = BUF_INIT;
	for (size_t i = 0; i < w->ncols; i++) {
		if (i)
			buf_add(&w->line, "  ", 2);
		if (w->cols[i].type == OT_BAR) {
			double v = i > 0 ? cell_number(cells[i - 1], lens[i - 1]) : 0;
			size_t n = w->bar_max > 0 ?
				   (size_t)(v / w->bar_max * BAR_WIDTH + 0.5) : 0;
			if (v > 0 && n == 0)
				n = 1;
			if (n > BAR_WIDTH)
				n = BAR_WIDTH;
			for (size_t k = 0; k < n; k++)
				buf_adds(&w->line, "\xe2\x96\x88"); /* full block */
			for (size_t k = n; k < BAR_WIDTH && i + 1 < w->ncols; k++)
				buf_addch(&w->line, ' ');
			continue;
		}
		buf_reset(&cell);
		if (cells[i])
			add_cell_text(w, &cell, cells[i], lens[i]);
		size_t cw = display_width(buf_cstr(&cell), cell.len);
		if (cw > w->colw[i] && w->cols[i].type != OT_NUM && w->colw[i] > 1) {
			/* cut to the column, on a character boundary, with "…" */
			size_t keep = 0, chars = 0;
			while (keep < cell.len) {
				size_t n = 1;
				while (keep + n < cell.len &&
				       ((unsigned char)cell.data[keep + n] & 0xc0) == 0x80)
					n++;
				if (chars + 1 > w->colw[i] - 1)
					break;
				keep += n;
				chars++;
			}
			cell.len = keep;
			buf_adds(&cell, "\xe2\x80\xa6");
			cw = chars + 1;
		}
		size_t pad = w->colw[i] > cw ? w->colw[i] - cw : 0;
		if (w->cols[i].type == OT_NUM)
			for (size_t k = 0; k < pad; k++)
				buf_addch(&w->line, ' ');
		buf_add(&w->line, buf_cstr(&cell), cell.len);
		if (w->cols[i].type != OT_NUM && i + 1 < w->ncols)
			for (size_t k = 0; k < pad; k++)
				buf_addch(&w->line, ' ');
	}
	while (w->line.len && w->line.data[w->line.len - 1] == ' ')
		w->line.len--;
	buf_addch(&w->line, '\n');
	emit_line(w);
	buf_release(&cell);
}

static void table_header(struct writer *w)
{
	const char **names = xcalloc(w->ncols ? w->ncols : 1, sizeof(*names));
	size_t *lens = xcalloc(w->ncols ? w->ncols : 1, sizeof(*lens));
	for (size_t i = 0; i < w->ncols; i++) {
		names[i] = w->cols[i].type == OT_BAR ? "" : w->cols[i].name;
		lens[i] = strlen(names[i]);
	}
	enum out_type *saved = xcalloc(w->ncols ? w->ncols : 1, sizeof(*saved));
	/* header: bars are blank, numbers right-aligned like their values */
	double bm = w->bar_max;
	w->bar_max = 0;
	table_line(w, names, lens);
	w->bar_max = bm;
	free(saved);
	free(names);
	free(lens);
}

/* Held rows are stored as: ncols lengths (size_t, SIZE_MAX = missing), then bytes. */
static void hold_row(struct writer *w, const char *const *cells,
		     const size_t *lens)
{
	VEC_GROW(w->held, w->nheld + 1, w->held_alloc);
	struct buf *b = &w->held[w->nheld++];
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < w->ncols; i++) {
		size_t l = cells[i] ? lens[i] : SIZE_MAX;
		buf_add(b, &l, sizeof(l));
	}
	for (size_t i = 0; i < w->ncols; i++)
		if (cells[i])
			buf_add(b, cells[i], lens[i]);
}

static void measure(struct writer *w, const char *const *cells,
		    const size_t *lens)
{
	for (size_t i = 0; i < w->ncols; i++) {
		if (!cells[i])
			continue;
		if (w->cols[i].type == OT_BAR) {
			continue;
		}
		struct buf t = BUF_INIT;
		add_cell_text(w, &t, cells[i], lens[i]);
		size_t cw = display_width(buf_cstr(&t), t.len);
		buf_release(&t);
		if (cw > w->colw[i])
			w->colw[i] = cw;
		if (i + 1 < w->ncols && w->cols[i + 1].type == OT_BAR) {
			double v = cell_number(cells[i], lens[i]);
			if (v > w->bar_max)
				w->bar_max = v;
		}
	}
}

/*
 * Fit the table to the terminal when it can be helped (DESIGN 6): while
 * the line is too wide, narrow the widest text column (never below 8
 * characters); cells cut short end in "…". Numbers are never cut, and
 * when even the narrowest layout is too wide nothing is cut.
 */
static void fit_width(struct writer *w)
{
	if (w->width <= 0)
		return;
	/* if even the narrowest layout does not fit, cut nothing: a wrapped
	 * table still shows whole identifiers, a mangled one does not */
	size_t least = 0;
	for (size_t i = 0; i < w->ncols; i++) {
		size_t cw = w->cols[i].type == OT_BAR ? BAR_WIDTH : w->colw[i];
		if (w->cols[i].type == OT_STR && cw > 8)
			cw = 8;
		least += cw + (i ? 2 : 0);
	}
	if (least > (size_t)w->width)
		return;
	for (;;) {
		size_t total = 0, widest = SIZE_MAX;
		for (size_t i = 0; i < w->ncols; i++) {
			size_t cw = w->cols[i].type == OT_BAR ? BAR_WIDTH : w->colw[i];
			total += cw + (i ? 2 : 0);
			if (w->cols[i].type == OT_STR && w->colw[i] > 8 &&
			    (widest == SIZE_MAX || w->colw[i] > w->colw[widest]))
				widest = i;
		}
		if (total <= (size_t)w->width || widest == SIZE_MAX)
			return;
		size_t over = total - (size_t)w->width;
		size_t room = w->colw[widest] - 8;
		w->colw[widest] -= over < room ? over : room;
	}
}

static void flush_held(struct writer *w)
{
	const char **cells = xcalloc(w->ncols ? w->ncols : 1, sizeof(*cells));
	size_t *lens = xcalloc(w->ncols ? w->ncols : 1, sizeof(*lens));
	fit_width(w);
	table_header(w);
	for (size_t r = 0; r < w->nheld; r++) {
		const char *p = w->held[r].data;
		const char *bytes = p + w->ncols * sizeof(size_t);
		for (size_t i = 0; i < w->ncols; i++) {
			size_t l;
			memcpy(&l, p + i * sizeof(size_t), sizeof(l));
			cells[i] = l == SIZE_MAX ? NULL : bytes;
			lens[i] = l == SIZE_MAX ? 0 : l;
			if (l != SIZE_MAX)
				bytes += l;
		}
		table_line(w, cells, lens);
		buf_release(&w->held[r]);
	}
	w->nheld = 0;
	w->widths_fixed = 1;
	free(cells);
	free(lens);
}

void writer_row(struct writer *w, const char *const *cells, const size_t *lens)
{
	if (w->nrows == 0 && w->fmt != OUT_TABLE)
		write_header(w);
	switch (w->fmt) {
	case OUT_TABLE:
		if (!w->widths_fixed) {
			measure(w, cells, lens);
			hold_row(w, cells, lens);
			if (w->nheld >= TABLE_PREFETCH)
				flush_held(w);
		} else {
			table_line(w, cells, lens);
		}
		break;
	case OUT_CSV:
	case OUT_TSV:
		for (size_t i = 0; i < w->ncols; i++) {
			if (i)
				buf_addch(&w->line, w->fmt == OUT_CSV ? ',' : '\t');
			if (!cells[i])
				continue;
			if (w->fmt == OUT_CSV)
				csv_cell(w, cells[i], lens[i], ',');
			else
				tsv_cell(w, cells[i], lens[i]);
		}
		buf_addch(&w->line, '\n');
		emit_line(w);
		break;
	case OUT_JSON:
		if (w->nrows)
			buf_addch(&w->line, ',');
		json_row(w, cells, lens);
		emit_line(w);
		break;
	case OUT_NDJSON:
		json_row(w, cells, lens);
		buf_addch(&w->line, '\n');
		emit_line(w);
		break;
	}
	w->nrows++;
}

void writer_footer(struct writer *w, const char *text)
{
	buf_reset(&w->footer);
	buf_adds(&w->footer, text);
}

void writer_meta(struct writer *w, const char *json)
{
	buf_reset(&w->meta);
	buf_adds(&w->meta, json);
}

int writer_finish(struct writer *w)
{
	if (w->nrows == 0 && w->fmt != OUT_TABLE && w->fmt != OUT_NDJSON)
		write_header(w);
	if (w->fmt == OUT_TABLE) {
		if (!w->widths_fixed)
			flush_held(w);
		if (w->footer.len)
			fprintf(w->fp, "%s\n", buf_cstr(&w->footer));
	} else if (w->fmt == OUT_JSON) {
		fprintf(w->fp, "],\"meta\":%s}\n",
			w->meta.len ? buf_cstr(&w->meta) : "{}");
	}
	if (fflush(w->fp) != 0 || ferror(w->fp))
		return -1;
	return 0;
}

void writer_free(struct writer *w)
{
	if (!w)
		return;
	for (size_t r = 0; r < w->nheld; r++)
		buf_release(&w->held[r]);
	free(w->held);
	free(w->colw);
	buf_release(&w->line);
	buf_release(&w->footer);
	buf_release(&w->meta);
	free(w);
}
