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
#define BAR_MIN 10          /* narrowest bar kept before columns are left out */
#define TEXT_MIN 8          /* narrowest a text column is cut to */

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

/*
 * Time shortening levels for tables, each dropping more of a time
 * "2025-01-03T08:00:30.250+08:00" than the one before; the note under the
 * table says what is no longer shown.
 */
enum {
	TL_FULL,     /* as formatted */
	TL_SECONDS,  /* fraction dropped */
	TL_NOZONE,   /* zone dropped when every time shares it: "2025-01-03 08:00:30" */
	TL_MINUTES,  /* seconds dropped */
	TL_SHORT,    /* date dropped when all share it ("08:00"), else the
		        year when all share it ("01-03 08:00") */
	TL_MAX = TL_SHORT
};

/* What the held times of every time column share (for TL_NOZONE and TL_SHORT). */
struct time_common {
	int any;           /* at least one time held */
	int frac;          /* some time has a fraction of a second */
	int zone_same;     /* every time has zone 'zone' */
	char zone[8];      /* "Z" or "+08:00" */
	int date_same;     /* every time is on 'date' */
	char date[11];     /* YYYY-MM-DD */
	int year_same;     /* every time is in the year date[0..3] */
};

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
	/* the layout fit_width chose (DESIGN 6: never wider than the terminal
	 * when it can be helped) */
	size_t nshow;          /* columns shown: the first 'nshow' */
	size_t bar_w;          /* bar width, BAR_MIN..BAR_WIDTH characters */
	int tlevel;            /* how far times are shortened, TL_FULL.. */
	int tmax;              /* the furthest they may be: TL_SHORT only when
				  every row is held (streamed rows could be
				  on another date) */
	unsigned char *is_time; /* per column: every held cell an ISO time */
	unsigned char *nocut;  /* per column: cells are never cut (numbers,
				  identifiers) */
	struct time_common tc; /* what all held times share */
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
	w->is_time = xcalloc(ncols ? ncols : 1, 1);
	w->nocut = xcalloc(ncols ? ncols : 1, 1);
	w->nshow = ncols;
	w->bar_w = BAR_WIDTH;
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

static int is_d(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * An ISO 8601 time as the writers' callers format them:
 *   YYYY-MM-DDTHH:MM:SS [.fraction] (Z | +HH:MM | -HH:MM)
 * 1 with '*frac' (where the fraction or the zone starts) and '*zone'
 * (where the zone starts), or 0.
 */
static int iso_time(const char *s, size_t len, size_t *frac, size_t *zone)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;
	if (len < 20)
		return 0;
	for (i = 0; i < 19; i++)
		if (pat[i] == 'd' ? !is_d(s[i]) : s[i] != pat[i])
			return 0;
	*frac = i;
	if (s[i] == '.') {
		i++;
		while (i < len && is_d(s[i]))
			i++;
		if (i == *frac + 1)
			return 0;
	}
	*zone = i;
	if (i + 1 == len && s[i] == 'Z')
		return 1;
	return i + 6 == len && (s[i] == '+' || s[i] == '-') && is_d(s[i + 1]) &&
	       is_d(s[i + 2]) && s[i + 3] == ':' && is_d(s[i + 4]) &&
	       is_d(s[i + 5]);
}

/*
 * Append time 's' shortened to 'level' (the TL_ list) to 'b'; a cell that
 * is not a time, or that does not share what the shortening leaves out, is
 * written more fully, never wrongly.
 */
static void time_short(const struct time_common *tc, int level, const char *s,
		       size_t len, struct buf *b)
{
	size_t frac, zone;
	if (level == TL_FULL || !iso_time(s, len, &frac, &zone)) {
		buf_add(b, s, len);
		return;
	}
	int keep_zone = level < TL_NOZONE || !tc->zone_same ||
			len - zone != strlen(tc->zone) ||
			memcmp(s + zone, tc->zone, len - zone);
	int keep_sec = level < TL_MINUTES;
	if (level >= TL_SHORT && tc->date_same && !keep_zone &&
	    !memcmp(s, tc->date, 10)) {
		buf_add(b, s + 11, 5);
		return;
	}
	if (level >= TL_SHORT && tc->year_same && !keep_zone &&
	    !memcmp(s, tc->date, 4))
		buf_add(b, s + 5, 5);
	else
		buf_add(b, s, 10);
	buf_addch(b, keep_zone ? 'T' : ' ');
	buf_add(b, s + 11, keep_sec ? 8 : 5);
	if (keep_zone)
		buf_add(b, s + zone, len - zone);
}

/* Held cell 'i' of held row 'r': 0 when missing. */
static int held_cell(const struct writer *w, size_t r, size_t i,
		     const char **s, size_t *len)
{
	const char *p = w->held[r].data;
	const char *bytes = p + w->ncols * sizeof(size_t);
	for (size_t k = 0; k <= i; k++) {
		size_t l;
		memcpy(&l, p + k * sizeof(size_t), sizeof(l));
		if (k == i) {
			if (l == SIZE_MAX)
				return 0;
			*s = bytes;
			*len = l;
			return 1;
		}
		if (l != SIZE_MAX)
			bytes += l;
	}
	return 0;
}

/* Cell 'i' as the table shows it, into 'cell' (reset first). */
static void shown_cell(struct writer *w, size_t i, const char *s, size_t len,
		       struct buf *cell)
{
	buf_reset(cell);
	if (!s)
		return;
	if (w->is_time[i] && w->tlevel != TL_FULL) {
		struct buf t = BUF_INIT;
		time_short(&w->tc, w->tlevel, s, len, &t);
		add_cell_text(w, cell, buf_cstr(&t), t.len);
		buf_release(&t);
	} else {
		add_cell_text(w, cell, s, len);
	}
}

/* One table line of the first 'nshow' columns; 'header' names, not cells. */
static void table_line(struct writer *w, const char *const *cells,
		       const size_t *lens, int header)
{
	struct buf cell = BUF_INIT;
	size_t n_show = w->nshow;
	/*
	 * A streamed cell wider than its column (numbers are never cut) takes
	 * the room from the padding of the cells after it, so that the line
	 * keeps its width when it can
	 */
	size_t debt = 0;
	for (size_t i = 0; i < n_show; i++) {
		if (i)
			buf_add(&w->line, "  ", 2);
		if (w->cols[i].type == OT_BAR) {
			double v = !header && i > 0 ?
				   cell_number(cells[i - 1], lens[i - 1]) : 0;
			size_t n = w->bar_max > 0 ?
				   (size_t)(v / w->bar_max * (double)w->bar_w + 0.5) : 0;
			if (v > 0 && n == 0)
				n = 1;
			if (n > w->bar_w)
				n = w->bar_w;
			for (size_t k = 0; k < n; k++)
				buf_adds(&w->line, "\xe2\x96\x88"); /* full block */
			for (size_t k = n; k < w->bar_w && i + 1 < n_show; k++)
				buf_addch(&w->line, ' ');
			continue;
		}
		if (header) {
			buf_reset(&cell);
			buf_add(&cell, cells[i], lens[i]);
		} else {
			shown_cell(w, i, cells[i], lens[i], &cell);
		}
		size_t cw = display_width(buf_cstr(&cell), cell.len);
		if (cw > w->colw[i] && !w->nocut[i] && !w->is_time[i] &&
		    w->colw[i] > 1) {
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
		if (cw > w->colw[i])
			debt += cw - w->colw[i];
		size_t paid = debt < pad ? debt : pad;
		pad -= paid;
		debt -= paid;
		if (w->cols[i].type == OT_NUM)
			for (size_t k = 0; k < pad; k++)
				buf_addch(&w->line, ' ');
		buf_add(&w->line, buf_cstr(&cell), cell.len);
		if (w->cols[i].type != OT_NUM && i + 1 < n_show)
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
	/* header: bars are blank, numbers right-aligned like their values */
	table_line(w, names, lens, 1);
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

/* A cell that reads as a number or an identifier: digits, hex, . : + - / */
static int is_ident_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!is_d(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') &&
		    c != '.' && c != ':' && c != '+' && c != '-' && c != '/')
			return 0;
	}
	return len > 0;
}

/*
 * From the held rows: which columns hold times (every cell an ISO time)
 * and which are never cut (numbers, and text columns whose every cell
 * reads as a number or an identifier); what the times share.
 */
static void classify(struct writer *w)
{
	struct time_common *tc = &w->tc;
	memset(tc, 0, sizeof(*tc));
	tc->zone_same = tc->date_same = tc->year_same = 1;
	for (size_t i = 0; i < w->ncols; i++) {
		int times = w->cols[i].type == OT_STR, ids = 1, any = 0;
		for (size_t r = 0; r < w->nheld; r++) {
			const char *s;
			size_t len, frac, zone;
			if (!held_cell(w, r, i, &s, &len))
				continue;
			any = 1;
			if (times && !iso_time(s, len, &frac, &zone))
				times = 0;
			if (ids && !is_ident_text(s, len))
				ids = 0;
		}
		w->is_time[i] = (unsigned char)(times && any);
		w->nocut[i] = (unsigned char)(w->cols[i].type == OT_NUM ||
					      (ids && any));
		if (!w->is_time[i])
			continue;
		for (size_t r = 0; r < w->nheld; r++) {
			const char *s;
			size_t len, frac, zone;
			if (!held_cell(w, r, i, &s, &len))
				continue;
			iso_time(s, len, &frac, &zone);
			tc->frac |= zone > frac;
			if (!tc->any) {
				snprintf(tc->zone, sizeof(tc->zone), "%.*s",
					 (int)(len - zone), s + zone);
				memcpy(tc->date, s, 10);
				tc->any = 1;
				continue;
			}
			if (len - zone != strlen(tc->zone) ||
			    memcmp(s + zone, tc->zone, len - zone))
				tc->zone_same = 0;
			if (memcmp(s, tc->date, 10))
				tc->date_same = 0;
			if (memcmp(s, tc->date, 4))
				tc->year_same = 0;
		}
	}
}

/* Width of column 'i' with times at 'level' (header included). */
static size_t time_col_width(struct writer *w, size_t i, int level)
{
	size_t cw = strlen(w->cols[i].name);
	struct buf t = BUF_INIT;
	for (size_t r = 0; r < w->nheld; r++) {
		const char *s;
		size_t len;
		if (!held_cell(w, r, i, &s, &len))
			continue;
		buf_reset(&t);
		time_short(&w->tc, level, s, len, &t);
		if (display_width(buf_cstr(&t), t.len) > cw)
			cw = display_width(buf_cstr(&t), t.len);
	}
	buf_release(&t);
	return cw;
}

/* The narrowest column 'i' may become before it is left out. */
static size_t col_min(struct writer *w, size_t i)
{
	if (w->cols[i].type == OT_BAR)
		return BAR_MIN;
	if (w->is_time[i])
		return time_col_width(w, i, w->tmax);
	if (w->nocut[i])
		return w->colw[i];
	size_t least = strlen(w->cols[i].name); /* a name is never cut */
	if (least < TEXT_MIN)
		least = TEXT_MIN;
	return least < w->colw[i] ? least : w->colw[i];
}

/* Width of the first 'n' columns as laid out now. */
static size_t layout_width(const struct writer *w, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += (w->cols[i].type == OT_BAR ? w->bar_w : w->colw[i]) +
			 (i ? 2 : 0);
	return total;
}

/*
 * Fit the table to the terminal when it can be helped (DESIGN 6). The
 * columns kept are the most, from the left, that fit at their narrowest
 * (the first is always kept); then, only as far as needed to fit, in this
 * order: the bar narrows (not below BAR_MIN); times shorten, one TL_ level
 * at a time; the widest text column narrows (not below TEXT_MIN nor its
 * name; cells cut short end in "…"). Numbers, identifiers and times are
 * never cut. The note under the table names what is left out.
 */
static void fit_width(struct writer *w)
{
	classify(w);
	if (w->width <= 0 || w->ncols == 0)
		return;
	size_t width = (size_t)w->width, least = 0, k;
	for (k = 0; k < w->ncols; k++) {
		least += col_min(w, k) + (k ? 2 : 0);
		if (least > width)
			break;
	}
	w->nshow = k ? k : 1;
	/* a bar alone at the right end says nothing without its room */
	if (layout_width(w, w->nshow) <= width)
		return;
	for (size_t i = 0; i < w->nshow; i++)
		if (w->cols[i].type == OT_BAR) {
			size_t over = layout_width(w, w->nshow) - width;
			size_t room = w->bar_w - BAR_MIN;
			w->bar_w -= over < room ? over : room;
		}
	int times = 0;
	for (size_t i = 0; i < w->nshow; i++)
		times |= w->is_time[i];
	while (times && layout_width(w, w->nshow) > width &&
	       w->tlevel < w->tmax) {
		w->tlevel++;
		for (size_t i = 0; i < w->nshow; i++)
			if (w->is_time[i])
				w->colw[i] = time_col_width(w, i, w->tlevel);
	}
	for (;;) {
		size_t total = layout_width(w, w->nshow), widest = SIZE_MAX;
		if (total <= width)
			return;
		for (size_t i = 0; i < w->nshow; i++)
			if (w->cols[i].type == OT_STR && !w->is_time[i] &&
			    !w->nocut[i] && w->colw[i] > col_min(w, i) &&
			    (widest == SIZE_MAX || w->colw[i] > w->colw[widest]))
				widest = i;
		if (widest == SIZE_MAX)
			return;
		size_t over = total - width;
		size_t room = w->colw[widest] - col_min(w, widest);
		w->colw[widest] -= over < room ? over : room;
	}
}

/*
 * Append 'text' to 'out' as lines of at most 'width' display columns,
 * broken at spaces; a word longer than a line is broken where the line
 * ends; WRAP_NBSP is written as a space that never breaks. Continuation
 * lines are indented by 'indent' spaces. 'width' 0 (or one too narrow for
 * the indent) leaves the text on one line.
 */
void text_wrap(struct buf *out, const char *text, size_t len, size_t width,
	       size_t indent)
{
	size_t col = 0, i = 0, first = 1;
	if (width == 0 || indent + 8 > width) {
		for (size_t k = 0; k < len; k++)
			buf_addch(out, text[k] == WRAP_NBSP ? ' ' : text[k]);
		buf_addch(out, '\n');
		return;
	}
	while (i < len) {
		size_t ws = i, we;
		while (ws < len && text[ws] == ' ')
			ws++;
		we = ws;
		while (we < len && text[we] != ' ')
			we++;
		size_t spaces = ws - i, wlen = display_width(text + ws, we - ws);
		if (first) {
			/* leading spaces of the first line are kept */
			buf_add(out, text + i, spaces);
			col = spaces;
			spaces = 0;
			first = 0;
		}
		if (we == ws)
			break;
		if (col > indent && col + spaces + wlen > width) {
			buf_addch(out, '\n');
			for (size_t k = 0; k < indent; k++)
				buf_addch(out, ' ');
			col = indent;
			spaces = 0;
		}
		for (size_t k = 0; k < spaces; k++)
			buf_addch(out, ' ');
		col += spaces;
		/* a word wider than what is left of the line is broken */
		size_t p = ws;
		while (p < we) {
			size_t n = 1;
			while (p + n < we && ((unsigned char)text[p + n] & 0xc0) == 0x80)
				n++;
			if (col + 1 > width) {
				buf_addch(out, '\n');
				for (size_t k = 0; k < indent; k++)
					buf_addch(out, ' ');
				col = indent;
			}
			if (text[p] == WRAP_NBSP)
				buf_addch(out, ' ');
			else
				buf_add(out, text + p, n);
			col++;
			p += n;
		}
		i = we;
	}
	buf_addch(out, '\n');
}

/* The note under a narrowed table: what it no longer shows. */
static void table_note(struct writer *w, struct buf *note)
{
	int times = 0, sep = 0;
	for (size_t i = 0; i < w->nshow; i++)
		times |= w->is_time[i];
	buf_addf(note, "(to fit %d column%s: ", w->width, w->width == 1 ? "" : "s");
	/* "-f csv" and "left out:" are not broken across lines */
	if (times && w->tlevel != TL_FULL) {
		buf_adds(note, "times");
		if (w->tlevel >= TL_NOZONE && w->tc.zone_same) {
			if (!strcmp(w->tc.zone, "Z"))
				buf_adds(note, " in UTC");
			else
				buf_addf(note, " at %s", w->tc.zone);
		}
		if (w->tlevel >= TL_MINUTES)
			buf_adds(note, ", to the minute");
		else if (w->tc.frac)
			buf_adds(note, ", to the second");
		if (w->tlevel >= TL_SHORT && w->tc.date_same && w->tc.zone_same)
			buf_addf(note, ", on %.10s", w->tc.date);
		else if (w->tlevel >= TL_SHORT && w->tc.year_same &&
			 w->tc.zone_same)
			buf_addf(note, ", in %.4s", w->tc.date);
		sep = 1;
	}
	if (w->nshow < w->ncols) {
		size_t named = 0;
		buf_adds(note, sep ? "; left\x1fout: " : "left\x1fout: ");
		for (size_t i = w->nshow; i < w->ncols; i++) {
			if (w->cols[i].type == OT_BAR)
				continue;
			buf_adds(note, named++ ? ", " : "");
			buf_adds(note, w->cols[i].name);
		}
		if (!named)
			buf_adds(note, "the bar");
	}
	buf_adds(note, "; -f\x1f" "csv shows all)");
}

/* Lay out the table and write the held rows; 'all' when no more will come. */
static void flush_held(struct writer *w, int all)
{
	const char **cells = xcalloc(w->ncols ? w->ncols : 1, sizeof(*cells));
	size_t *lens = xcalloc(w->ncols ? w->ncols : 1, sizeof(*lens));
	w->tmax = all ? TL_SHORT : TL_MINUTES;
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
		table_line(w, cells, lens, 0);
	}
	for (size_t r = 0; r < w->nheld; r++)
		buf_release(&w->held[r]);
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
				flush_held(w, 0);
		} else {
			table_line(w, cells, lens, 0);
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
			flush_held(w, 1);
		size_t width = w->width > 0 ? (size_t)w->width : 0;
		if (w->nshow < w->ncols || (w->tlevel != TL_FULL &&
					    w->tc.any)) {
			struct buf note = BUF_INIT;
			table_note(w, &note);
			text_wrap(&w->line, note.data, note.len, width, 1);
			emit_line(w);
			buf_release(&note);
		}
		if (w->footer.len) {
			text_wrap(&w->line, w->footer.data, w->footer.len,
				  width, 0);
			emit_line(w);
		}
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
	free(w->is_time);
	free(w->nocut);
	buf_release(&w->line);
	buf_release(&w->footer);
	buf_release(&w->meta);
	free(w);
}
