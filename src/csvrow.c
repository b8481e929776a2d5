/*
 * csvrow.c - libcsv-driven row reader with physical line numbers.
 *
 * Data flow, one input:
 *
 *   input_read() --> chunk buffer --slices ending at '\n'--> csv_parse()
 *                      ^                                      | cb_field, cb_row
 *   replay buffer -----'  (lines after a bad row's first)     v
 *                                                   field buffer --> struct csvrow_row
 *
 * Why slices end at line ends: libcsv reports no positions, so feeding it
 * one physical line at a time (longer lines in pieces of at most SLICE_MAX
 * bytes) tells us the line on which every row ends, and lets us check the
 * field-length cap between pieces, so one stray quote in a 10 GB dump never
 * becomes a 10 GB field.
 *
 * Line ends (issue #10): outside quotes each of LF, CRLF and a bare CR ends
 * a line and a row, line by line in any mix (files concatenated from
 * systems that end lines differently), as Python's csv module reads with
 * newline=''; inside quotes they are data, kept as they are. A CRLF pair is
 * one line end: a slice never ends between its two bytes (a CR that is the
 * last byte read so far waits for the next byte), so physical line numbers
 * count LF, CRLF and CR alike, in quotes too. libcsv is given both bytes
 * as row terminators (a CR ends the row, the LF after it is an empty line
 * that libcsv does not report), and spaces and tabs as its space bytes.
 * pipeline.c cuts blocks by the same rule (csvrow_eol_len, csvrow_lines).
 *
 * Fast path: a whole line without a quote character is split on the
 * delimiter with memchr and trimmed the way libcsv trims unquoted fields
 * (spaces and tabs at both ends). libcsv stays the
 * reference: tests/unit/test_csvrow.c compares both paths on every case and
 * on random lines, and every other line goes through libcsv.
 *
 * Bad rows: strict mode makes a quote inside an unquoted field, text after a
 * closing quote, and an unterminated quote at the end of input errors. The
 * row is rejected with the line it started on, and reading resumes at the
 * next physical line: the lines after the first one of the bad row are fed
 * again from the replay buffer. A stray quote therefore costs one line,
 * never the rest of the file. When the error lies in the row's first line
 * and that line is not read to its end yet, its rest belongs to the bad
 * row (read into its raw bytes, never parsed), whether it comes from the
 * chunk or from the replay buffer: a replayed line longer than a slice is
 * rejected once, not read again as a row from where the slice ended.
 */
#include "csvrow.h"

#include <csv.h>
#include <ctype.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "xalloc.h"
#include "banned.h"

#define CHUNK_SIZE (1u << 20)   /* chunk buffer, bytes */
#define SLICE_MAX (64u << 10)   /* default most bytes fed to libcsv per call */
#define SNIFF_MAX (64u << 10)   /* bytes looked at to sniff the dialect */

struct reader {
	struct csv_parser p;     /* libcsv state */
	size_t field_cap;        /* longest field, bytes */
	size_t max_fields;       /* most fields in a row */
	size_t row_cap;          /* longest raw row, bytes */
	size_t read_size;        /* bytes asked of the input per read */
	size_t slice_max;        /* most bytes per csv_parse call */

	char *chunk;             /* decompressed bytes, CHUNK_SIZE + 1 */
	size_t pos, end;         /* unread bytes are chunk[pos..end) */
	int in_eof;              /* input has no more bytes */
	struct buf replay;       /* bytes to feed again before the chunk */
	size_t replay_pos;       /* next unread byte of replay */

	struct buf fields;       /* the current row's fields, each NUL-ended */
	uint32_t *off;           /* offsets of fields in 'fields' */
	uint32_t *len;           /* lengths of fields */
	const char **ptr;        /* pointers handed out in a row */
	size_t nfield, alloc;    /* fields in the current row; slots */
	struct buf raw;          /* raw bytes of the current row */
	uint64_t row_line;       /* line where the current row started */
	int row_started;         /* bytes of a row have been fed */
	int row_done;            /* cb_row fired: a complete row is ready */
	int row_blank;           /* the row's bytes so far are spaces, tabs
				    and line ends only (libcsv is still at
				    its row start) */
	const char *bad;         /* reason the current row will be rejected */
	int skip_line;           /* drop input up to the end of this line */
	uint64_t *member_line;   /* first line of each gzip member */
	size_t nmember_line, member_line_alloc;
	unsigned members_seen;   /* value of in->members at the last refill */
	int damage_pending;      /* input reported damage; diag is saved */
	struct diag damage;      /* the saved damage message */
	int parser_ready;        /* csv_init has been called */
	int chunk_borrowed;      /* block mode: 'chunk' is the caller's block */
	const char *pending_why; /* a bad row whose line is still being read */
	int cut_short;           /* block mode: damage follows the block */
	int fast;                /* fast path allowed */
	const char *fast_raw;    /* raw bytes of a fast-path row, in the chunk */
	size_t fast_raw_len;
	uint32_t *dpos;          /* fast line scan: delimiter offsets */
	size_t dpos_alloc;
	unsigned char trimtab[256]; /* fast path: 1 for is_trim() bytes */
	int trim_delim;          /* the delimiter trimtab is for, -1: none */
};

static int is_eol_byte(unsigned char c)
{
	return c == '\n' || c == '\r';
}

static int is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* The first line end byte (CR or LF) in s[0..n), or NULL. */
static const char *find_eol(const char *s, size_t n)
{
	const char *lf = n ? memchr(s, '\n', n) : NULL;
	size_t before = lf ? (size_t)(lf - s) : n;
	const char *cr = before ? memchr(s, '\r', before) : NULL;
	return cr ? cr : lf;
}

size_t csvrow_eol_len(const char *s, size_t n)
{
	if (!n || !is_eol_byte((unsigned char)s[n - 1]))
		return 0;
	return n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\r' ? 2 : 1;
}

uint64_t csvrow_lines(const char *s, size_t n, int after_cr)
{
	uint64_t lines = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r')
			lines++;
		else if (s[i] == '\n' && !(i ? s[i - 1] == '\r' : after_cr))
			lines++;
	}
	return lines;
}

/*
 * Bytes of s[0..n) up to and including its first line end (a CRLF pair
 * whole), or 0 when it has none.
 */
static size_t first_line_len(const char *s, size_t n)
{
	const char *e = find_eol(s, n);
	if (!e)
		return 0;
	size_t k = (size_t)(e - s) + 1;
	return *e == '\r' && k < n && s[k] == '\n' ? k + 1 : k;
}

/* 1 when the last byte of s[0..n) ends a line. */
static int ends_line(const char *s, size_t n)
{
	return n && is_eol_byte((unsigned char)s[n - 1]);
}

static void cb_field(void *s, size_t n, void *data)
{
	struct reader *rd = data;
	if (rd->bad)
		return;
	if (rd->nfield >= rd->max_fields) {
		rd->bad = "too many fields in row";
		return;
	}
	if (n > rd->field_cap) {
		rd->bad = "field longer than the cap";
		return;
	}
	if (rd->fields.len + n + 1 > UINT32_MAX || rd->fields.len + n > rd->row_cap) {
		rd->bad = "row longer than the cap";
		return;
	}
	if (n && memchr(s, '\0', n)) {
		rd->bad = "NUL byte in field";
		return;
	}
	if (rd->nfield + 1 > rd->alloc) {
		size_t want = rd->alloc ? rd->alloc * 2 : 64;
		rd->off = xreallocarray(rd->off, want, sizeof(*rd->off));
		rd->len = xreallocarray(rd->len, want, sizeof(*rd->len));
		rd->ptr = xreallocarray(rd->ptr, want, sizeof(*rd->ptr));
		rd->alloc = want;
	}
	rd->off[rd->nfield] = (uint32_t)rd->fields.len;
	rd->len[rd->nfield] = (uint32_t)n;
	if (rd->fields.len + n + 2 > rd->fields.alloc)
		buf_grow(&rd->fields, n + 1);
	if (n)
		memcpy(rd->fields.data + rd->fields.len, s, n);
	rd->fields.data[rd->fields.len + n] = '\0';
	rd->fields.len += n + 1;
	rd->nfield++;
}

static void cb_row(int c, void *data)
{
	struct reader *rd = data;
	(void)c;
	rd->row_done = 1;
}

static void parser_setup(struct reader *rd, char delim)
{
	csv_init(&rd->p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(&rd->p, (unsigned char)delim);
	csv_set_term_func(&rd->p, is_eol_byte);
	csv_set_space_func(&rd->p, is_space_byte);
	csv_set_blk_size(&rd->p, 16u << 10);
	rd->parser_ready = 1;
}

static void parser_reset(struct reader *rd, char delim)
{
	csv_free(&rd->p);
	parser_setup(rd, delim);
}

static void row_reset(struct reader *rd)
{
	buf_reset(&rd->fields);
	buf_reset(&rd->raw);
	rd->nfield = 0;
	rd->row_started = 0;
	rd->row_done = 0;
	rd->row_blank = 1;
	rd->bad = NULL;
	rd->fast_raw = NULL;
}

/* Note where each gzip member's bytes begin, in lines. */
static void note_member(struct reader *rd, struct input *in, uint64_t lines)
{
	while (rd->members_seen < in->members) {
		rd->members_seen++;
		VEC_GROW(rd->member_line, rd->members_seen, rd->member_line_alloc);
		while (rd->nmember_line < rd->members_seen)
			rd->member_line[rd->nmember_line++] = 0;
		rd->member_line[rd->members_seen - 1] = lines + 1;
	}
}

/*
 * Refill the chunk so that it holds more unread bytes, keeping the unread
 * tail. Returns 1 when bytes were added, 0 at end of input.
 */
static int refill(struct csvrow *r, struct reader *rd, struct diag *d)
{
	size_t got = 0;
	if (rd->in_eof || !r->in)
		return 0;
	if (rd->pos > 0) {
		memmove(rd->chunk, rd->chunk + rd->pos, rd->end - rd->pos);
		rd->end -= rd->pos;
		rd->pos = 0;
	}
	size_t ask = CHUNK_SIZE - rd->end;
	if (ask > rd->read_size)
		ask = rd->read_size;
	int rc = input_read(r->in, rd->chunk + rd->end, ask, &got, d);
	if (rd->members_seen < r->in->members) {
		uint64_t pending = csvrow_lines(rd->chunk + rd->pos,
						rd->end - rd->pos, 0);
		note_member(rd, r->in, r->lines + pending);
	}
	rd->end += got;
	if (rc != INPUT_OK) {
		rd->in_eof = 1;
		r->io_error = rc == INPUT_IOERR;
		rd->damage_pending = 1;
		diag_clear(&rd->damage);
		diag_copy(&rd->damage, d);
		rd->damage.set = 1;
		diag_clear(d);
		return got > 0;
	}
	if (got == 0) {
		rd->in_eof = 1;
		return 0;
	}
	return 1;
}

/*
 * The end of a slice of s[0..avail) that may stop at 'lim': just after the
 * first line end (a CRLF pair whole, even when the LF lies past 'lim'), or
 * 'lim'. Sets '*eol'. Returns 0 when the first line end is a CR that is the
 * last byte of 'avail' and 'more' bytes may follow: the next byte decides.
 */
static size_t slice_end(const char *s, size_t avail, size_t lim, int more,
			int *eol)
{
	const char *e = lim ? find_eol(s, lim) : NULL;
	*eol = e != NULL;
	if (!e)
		return lim;
	size_t k = (size_t)(e - s) + 1;
	if (*e == '\r') {
		if (k < avail)
			return s[k] == '\n' ? k + 1 : k;
		if (more)
			return 0;
	}
	return k;
}

/*
 * The next slice to feed: bytes up to and including the next line end,
 * at most SLICE_MAX (plus the LF of a CRLF pair). Sets '*eol' when the
 * slice ends a physical line. Returns 0 when no bytes are left at all.
 */
static int next_slice(struct csvrow *r, struct reader *rd, const char **s,
		      size_t *n, int *eol, int *from_replay, struct diag *d)
{
	if (rd->replay_pos && rd->replay_pos == rd->replay.len) {
		/* the previous slice came from here: only now may it be reused */
		buf_reset(&rd->replay);
		rd->replay_pos = 0;
	}
	if (rd->replay_pos < rd->replay.len) {
		const char *base = rd->replay.data + rd->replay_pos;
		size_t avail = rd->replay.len - rd->replay_pos;
		size_t lim = avail < rd->slice_max ? avail : rd->slice_max;
		*s = base;
		*n = slice_end(base, avail, lim, 0, eol);
		*from_replay = 1;
		rd->replay_pos += *n;
		return 1;
	}
	*from_replay = 0;
	for (;;) {
		const char *base = rd->chunk + rd->pos;
		size_t avail = rd->end - rd->pos;
		size_t lim = avail < rd->slice_max ? avail : rd->slice_max;
		size_t k = slice_end(base, avail, lim, !rd->in_eof, eol);
		if (k && (*eol || avail >= rd->slice_max ||
			  (rd->in_eof && avail))) {
			*s = base;
			*n = k;
			rd->pos += k;
			return 1;
		}
		if (!refill(r, rd, d)) {
			if (rd->end > rd->pos)
				continue; /* the last bytes, without a line end */
			return 0;
		}
	}
}

/* Feed 'n' bytes to libcsv. Returns 0, or -1 on a CSV syntax error. */
static int feed(struct reader *rd, const char *s, size_t n)
{
	return n && csv_parse(&rd->p, s, n, cb_field, cb_row, rd) < n ? -1 : 0;
}

/* libcsv's space characters as we configure it, never the delimiter. */
static int is_trim(char c, char delim)
{
	return c != delim && (c == ' ' || c == '\t');
}

/*
 * A line that yields no row: only line ends and space characters (libcsv
 * does not report empty rows).
 */
static int is_blank_line(const char *s, size_t n, char delim)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\n' && s[i] != '\r' && !is_trim(s[i], delim))
			return 0;
	return 1;
}

/*
 * Split a whole line that holds no quote character into fields, exactly as
 * libcsv would: fields end at the delimiter, and the space characters at
 * both ends of each are dropped. 'n' includes the line end.
 */
static void fast_split(struct reader *rd, const char *s, size_t n, char delim)
{
	const char *end = s + n - csvrow_eol_len(s, n), *p = s;
	for (;;) {
		const char *q = memchr(p, delim, (size_t)(end - p));
		const char *a = p, *b = q ? q : end;
		while (a < b && is_trim(*a, delim))
			a++;
		while (b > a && is_trim(b[-1], delim))
			b--;
		cb_field((void *)(uintptr_t)a, (size_t)(b - a), rd);
		if (!q)
			break;
		p = q + 1;
	}
	rd->row_done = 1;
}

static void fill_row(struct csvrow *r, struct reader *rd,
		     struct csvrow_row *row);

/* Reject a one-line row split by a fast path, for rd->bad. */
static int reject_line(struct csvrow *r, struct reader *rd,
		       struct csvrow_row *row, const char *s, size_t n)
{
	r->reason = rd->bad;
	memset(row, 0, sizeof(*row));
	row->line = rd->row_line;
	row->nlines = 1;
	row->raw = s;
	row->raw_len = n;
	row->member = r->in ? r->in->members : 0;
	return CSVROW_REJECT;
}

/*
 * One pass over the bytes at s[0..lim) for the line that starts there:
 * returns the line's length with its line end (CRLF whole: the LF may lie
 * at s[lim] when lim < avail), with its length without the line end in
 * '*body' and the offsets of its delimiters in rd->dpos[0..*nd). Returns 0
 * when the general path must take the line: no line end within 'lim', a
 * quote or NUL byte before it, more delimiters than a row may have fields,
 * or a CR that is the last byte read while more may follow ('more').
 */
static size_t scan_line(struct reader *rd, const char *s, size_t avail,
			size_t lim, int more, char delim, size_t *nd,
			size_t *body)
{
	size_t cap = rd->max_fields < rd->dpos_alloc ? rd->max_fields :
		     rd->dpos_alloc;
	uint32_t *pos = rd->dpos;
	size_t n = 0, i = 0;
	if (lim > UINT32_MAX)
		lim = UINT32_MAX;
#if defined(__SSE2__)
	const __m128i vlf = _mm_set1_epi8('\n');
	const __m128i vcr = _mm_set1_epi8('\r');
	const __m128i vd = _mm_set1_epi8(delim);
	const __m128i vq = _mm_set1_epi8('"');
	const __m128i vz = _mm_setzero_si128();
	for (; i + 16 <= lim; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned mt = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, vlf), _mm_cmpeq_epi8(v, vcr)));
		unsigned mb = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, vz)));
		unsigned md = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd));
		unsigned keep = mt ? (mt & (0u - mt)) - 1 : 0xffffu;
		if (mb & keep)
			return 0;
		for (md &= keep; md; md &= md - 1) {
			if (n == cap)
				return 0;
			pos[n++] = (uint32_t)(i + (size_t)__builtin_ctz(md));
		}
		if (mt) {
			i += (size_t)__builtin_ctz(mt);
			goto line_end;
		}
	}
#endif
	for (; i < lim; i++) {
		char c = s[i];
		if (c == '\n' || c == '\r')
			goto line_end;
		if (c == '"' || c == '\0')
			return 0;
		if (c == delim) {
			if (n == cap)
				return 0;
			pos[n++] = (uint32_t)i;
		}
	}
	return 0;
line_end:
	*nd = n;
	*body = i;
	if (s[i] == '\r') {
		if (i + 1 < avail)
			return s[i + 1] == '\n' ? i + 2 : i + 1;
		if (more)
			return 0;
	}
	return i + 1;
}

/*
 * The fast path at the start of a row: a whole line in the chunk with no
 * quote and no NUL byte, split at the delimiters found by scan_line, each
 * field trimmed and checked the way cb_field checks libcsv's fields, the
 * first failing check giving the reason. The line is copied once and its
 * delimiters become the fields' NUL ends. Returns CSVROW_ROW or
 * CSVROW_REJECT, 2 for a blank line (consumed), or 0 when the general
 * path must take the line (nothing consumed).
 */
static int fast_row(struct csvrow *r, struct reader *rd, struct csvrow_row *row)
{
	const char *s = rd->chunk + rd->pos;
	size_t avail = rd->end - rd->pos;
	size_t lim = avail < rd->slice_max ? avail : rd->slice_max;
	char delim = r->delimiter;
	size_t nd = 0;
	if (!rd->dpos) {
		rd->dpos_alloc = 256;
		rd->dpos = xreallocarray(NULL, rd->dpos_alloc, sizeof(*rd->dpos));
		rd->trim_delim = -1;
	}
	if (rd->trim_delim != (unsigned char)delim) {
		for (int c = 0; c < 256; c++)
			rd->trimtab[c] = (unsigned char)is_trim((char)c, delim);
		rd->trim_delim = (unsigned char)delim;
	}
	size_t body;
	size_t n = scan_line(rd, s, avail, lim, !rd->in_eof, delim, &nd, &body);
	if (!n)
		return 0;
	rd->pos += n;
	r->lines++;
	if (is_blank_line(s, n, delim)) {
		r->blank_lines++;
		return 2;
	}
	rd->row_line = r->lines;
	rd->fast_raw = s;
	rd->fast_raw_len = n;
	size_t nf = nd + 1;
	if (nf > rd->alloc) {
		size_t want = rd->alloc ? rd->alloc : 64;
		while (want < nf)
			want *= 2;
		rd->off = xreallocarray(rd->off, want, sizeof(*rd->off));
		rd->len = xreallocarray(rd->len, want, sizeof(*rd->len));
		rd->ptr = xreallocarray(rd->ptr, want, sizeof(*rd->ptr));
		rd->alloc = want;
	}
	if (body + 2 > rd->fields.alloc)
		buf_grow(&rd->fields, body + 2);
	char *f = rd->fields.data;
	memcpy(f, s, body);
	f[body] = '\0';
	/* the checks can only fire on a long line or one with many fields */
	int check = body > rd->field_cap || nf > rd->max_fields ||
		    body + nf > rd->row_cap;
	const unsigned char *tt = rd->trimtab;
	size_t acc = 0, a = 0;
	for (size_t j = 0; j < nf; j++) {
		size_t b = j < nd ? rd->dpos[j] : body;
		size_t x = a, y = b;
		while (x < y && tt[(unsigned char)f[x]])
			x++;
		while (y > x && tt[(unsigned char)f[y - 1]])
			y--;
		size_t len = y - x;
		if (check) {
			if (j >= rd->max_fields)
				rd->bad = "too many fields in row";
			else if (len > rd->field_cap)
				rd->bad = "field longer than the cap";
			else if (acc + len + 1 > UINT32_MAX ||
				 acc + len > rd->row_cap)
				rd->bad = "row longer than the cap";
			if (rd->bad)
				break;
			acc += len + 1;
		}
		f[y] = '\0';
		rd->off[j] = (uint32_t)x;
		rd->len[j] = (uint32_t)len;
		a = b + 1;
	}
	rd->nfield = nf;
	rd->fields.len = body + 1;
	if (rd->bad)
		return reject_line(r, rd, row, s, n);
	fill_row(r, rd, row);
	return CSVROW_ROW;
}

/*
 * A Zeek log's first line, "#separator \x09" (the byte written as \xHH or
 * as itself): 1 with the separator byte in '*sep', else 0.
 */
static int zeek_separator(const char *s, size_t n, char *sep)
{
	static const char tag[] = "#separator ";
	size_t t = sizeof(tag) - 1;
	if (n < t + 1 || memcmp(s, tag, t))
		return 0;
	s += t;
	n -= t;
	if (n == 4 && s[0] == '\\' && s[1] == 'x' && isxdigit((unsigned char)s[2]) &&
	    isxdigit((unsigned char)s[3])) {
		int hi = isdigit((unsigned char)s[2]) ? s[2] - '0' :
			 tolower((unsigned char)s[2]) - 'a' + 10;
		int lo = isdigit((unsigned char)s[3]) ? s[3] - '0' :
			 tolower((unsigned char)s[3]) - 'a' + 10;
		*sep = (char)(hi * 16 + lo);
	} else if (n == 1) {
		*sep = s[0];
	} else {
		return 0;
	}
	return *sep && *sep != '\n' && *sep != '\r' && *sep != '"';
}

/* Sniff BOMs, line ends and the delimiter from the first bytes. */
static int sniff(struct csvrow *r, struct reader *rd, char delim,
		 struct diag *d)
{
	while (rd->end < SNIFF_MAX && refill(r, rd, d))
		;
	const unsigned char *b = (const unsigned char *)rd->chunk;
	size_t n = rd->end;
	if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
		       (b[0] == 0xfe && b[1] == 0xff)))
		return diag_error(d, "UTF-16 input is not supported; convert it "
				  "with: iconv -f UTF-16 -t UTF-8");
	if (n >= 4 && ((b[0] && !b[1] && b[2] && !b[3]) ||
		       (!b[0] && b[1] && !b[2] && b[3])))
			return diag_error(d, "input looks like UTF-16 (NUL bytes "
					  "between characters); convert it "
					  "with: iconv -f UTF-16 -t UTF-8");
	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		r->bom = 1;
		rd->pos = 3;
	}
	const char *start = rd->chunk + rd->pos;
	size_t avail = rd->end - rd->pos;
	const char *nl = find_eol(start, avail);
	size_t first = nl ? (size_t)(nl - start) : avail;
	r->crlf = nl && *nl == '\r' && first + 1 < avail && nl[1] == '\n';
	if (zeek_separator(start, first, &r->zeek_delim)) {
		r->zeek = 1;
		if (!delim)
			delim = r->zeek_delim;
	}
	if (delim) {
		r->delimiter = delim;
		return 0;
	}
	/* count candidates outside quotes on the first line */
	static const char cand[] = { ',', ';', '\t', '|' };
	size_t count[4] = { 0 };
	int quoted = 0;
	for (size_t i = 0; i < first; i++) {
		char c = start[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted)
			for (int k = 0; k < 4; k++)
				count[k] += c == cand[k];
	}
	int best = 0;
	for (int k = 1; k < 4; k++)
		if (count[k] > count[best])
			best = k;
	r->delimiter = cand[best];
	return 0;
}

int csvrow_open(struct csvrow *r, struct input *in,
		const struct csvrow_opts *opts, struct diag *d)
{
	struct reader *rd = xcalloc(1, sizeof(*rd));
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->priv = rd;
	rd->field_cap = opts && opts->field_cap ? opts->field_cap : (1u << 20);
	rd->max_fields = opts && opts->max_fields ? opts->max_fields : 65536;
	rd->row_cap = rd->field_cap < (1u << 20) ? (4u << 20) : rd->field_cap * 4;
	rd->read_size = opts && opts->read_size ? opts->read_size : CHUNK_SIZE;
	rd->fast = !(opts && opts->no_fast_path);
	rd->slice_max = opts && opts->slice_max && opts->slice_max < SLICE_MAX ?
			opts->slice_max : SLICE_MAX;
	rd->chunk = xmalloc(CHUNK_SIZE + 1);
	if (sniff(r, rd, opts ? opts->delimiter : 0, d) < 0) {
		csvrow_close(r);
		return -1;
	}
	parser_setup(rd, r->delimiter);
	return 0;
}

/*
 * Start over after a bad row: the row's later lines are fed again, so the
 * reader resumes at the line after the one the row started on.
 */
static void resume_after_bad_row(struct csvrow *r, struct reader *rd)
{
	size_t first = first_line_len(rd->raw.data, rd->raw.len);
	if (first) {
		size_t keep = rd->raw.len - first;
		if (keep) {
			struct buf tail = BUF_INIT;
			buf_add(&tail, rd->raw.data + first, keep);
			buf_add(&tail, buf_cstr(&rd->replay) + rd->replay_pos,
				rd->replay.len - rd->replay_pos);
			buf_release(&rd->replay);
			rd->replay = tail;
			rd->replay_pos = 0;
			r->lines = rd->row_line;
		}
	}
	parser_reset(rd, r->delimiter);
}

/*
 * Physical lines the current row spans: its whole lines read so far, and
 * the line it stops in when that one is not whole (a syntax error found
 * before the end of a line, or the end of input), so that the figure does
 * not depend on where slices were cut.
 */
static uint64_t row_nlines(const struct csvrow *r, const struct reader *rd)
{
	if (r->lines < rd->row_line)
		return 1;
	uint64_t n = r->lines - rd->row_line + 1;
	if (rd->raw.len && !ends_line(rd->raw.data, rd->raw.len))
		n++;
	return n;
}

static void fill_row(struct csvrow *r, struct reader *rd,
		     struct csvrow_row *row)
{
	for (size_t i = 0; i < rd->nfield; i++)
		rd->ptr[i] = rd->fields.data + rd->off[i];
	row->field = rd->ptr;
	row->len = rd->len;
	row->nfield = rd->nfield;
	row->line = rd->row_line;
	row->nlines = rd->fast_raw ? 1 : row_nlines(r, rd);
	row->raw = rd->fast_raw ? rd->fast_raw : buf_cstr(&rd->raw);
	row->raw_len = rd->fast_raw ? rd->fast_raw_len : rd->raw.len;
	row->member = r->in ? r->in->members : 0;
}

/* Reject the current row with 'why' and set up to resume. */
static int reject_row(struct csvrow *r, struct reader *rd,
		      struct csvrow_row *row, const char *why)
{
	r->reason = why;
	memset(row, 0, sizeof(*row));
	row->line = rd->row_line;
	row->nlines = row_nlines(r, rd);
	/* hand out the raw bytes of the first line only: the rest is re-read */
	size_t first = first_line_len(rd->raw.data, rd->raw.len);
	resume_after_bad_row(r, rd);
	row->raw = buf_cstr(&rd->raw);
	row->raw_len = first ? first : rd->raw.len;
	row->member = r->in ? r->in->members : 0;
	rd->row_started = 0;
	rd->nfield = 0;
	rd->bad = NULL;
	rd->row_done = 0;
	buf_reset(&rd->fields);
	/* rd->raw stays valid until the next call, which resets it */
	return CSVROW_REJECT;
}

int csvrow_next(struct csvrow *r, struct csvrow_row *row, struct diag *d)
{
	struct reader *rd = r->priv;
	const char *s;
	size_t n;
	int eol, from_replay;

	if (!rd->row_started)
		row_reset(rd);
	for (;;) {
		if (rd->fast && !rd->row_started && !rd->skip_line &&
		    rd->replay_pos >= rd->replay.len) {
			int rc = fast_row(r, rd, row);
			if (rc == 2)
				continue;
			if (rc)
				return rc;
		}
		if (!next_slice(r, rd, &s, &n, &eol, &from_replay, d)) {
			/* end of input */
			if (rd->pending_why) {
				const char *why = rd->pending_why;
				rd->pending_why = NULL;
				rd->skip_line = 0;
				return reject_row(r, rd, row, why);
			}
			if (rd->row_started) {
				int rc = csv_fini(&rd->p, cb_field, cb_row, rd);
				if (rd->cut_short)
					rd->damage_pending = 1;
				if (rc < 0 || rd->damage_pending)
					return reject_row(r, rd, row,
						rd->damage_pending ?
						"row cut short by damaged input" :
						"unterminated quoted field");
				if (rd->bad)
					return reject_row(r, rd, row, rd->bad);
				rd->row_started = 0;
				if (rd->row_done) {
					fill_row(r, rd, row);
					return CSVROW_ROW;
				}
			}
			if (rd->damage_pending && !rd->cut_short) {
				rd->damage_pending = 0;
				diag_copy(d, &rd->damage);
				d->set = 1;
			}
			return CSVROW_EOF;
		}
		if (eol)
			r->lines++;
		if (rd->skip_line) {
			if (rd->pending_why &&
			    rd->raw.len + n <= rd->row_cap + rd->slice_max)
				buf_add(&rd->raw, s, n);
			if (eol) {
				rd->skip_line = 0;
				if (rd->pending_why) {
					const char *why = rd->pending_why;
					rd->pending_why = NULL;
					return reject_row(r, rd, row, why);
				}
			}
			continue;
		}
		if (!rd->row_started) {
			if (eol && is_blank_line(s, n, r->delimiter)) {
				r->blank_lines++;
				continue;
			}
			row_reset(rd);
			rd->row_started = 1;
			rd->row_line = eol ? r->lines : r->lines + 1;
			if (eol && rd->fast && !memchr(s, '"', n)) {
				fast_split(rd, s, n, r->delimiter);
				rd->fast_raw = s;
				rd->fast_raw_len = n;
				rd->row_started = 0;
				if (rd->bad)
					return reject_line(r, rd, row, s, n);
				fill_row(r, rd, row);
				return CSVROW_ROW;
			}
		}
		if (rd->raw.len + n <= rd->row_cap + rd->slice_max)
			buf_add(&rd->raw, s, n);
		if (rd->row_blank && !is_blank_line(s, n, r->delimiter))
			rd->row_blank = 0;
		const char *why = NULL;
		if (feed(rd, s, n) < 0)
			why = rd->p.quoted ? "text after a closing quote" :
					     "quote inside an unquoted field";
		else if (rd->p.entry_pos > rd->field_cap && !rd->row_done)
			why = "field longer than the cap";
		else if (rd->raw.len > rd->row_cap && !rd->row_done)
			why = "row longer than the cap";
		if (why && !eol &&
		    !first_line_len(rd->raw.data, rd->raw.len)) {
			/*
			 * A one-line bad row not read to its end yet: read the
			 * rest of the line into the raw row (up to the row cap)
			 * so that --rejects gets it whole, then reject it.
			 */
			rd->pending_why = why;
			rd->skip_line = 1;
			continue;
		}
		if (why)
			return reject_row(r, rd, row, why);
		if (eol && rd->row_blank && !rd->row_done) {
			/*
			 * A blank line that came in several slices: the same
			 * as one that came whole (skipped above), whatever the
			 * slice size.
			 */
			r->blank_lines++;
			row_reset(rd);
			continue;
		}
		if (rd->row_done) {
			rd->row_started = 0;
			if (rd->bad) {
				r->reason = rd->bad;
				memset(row, 0, sizeof(*row));
				row->line = rd->row_line;
				row->nlines = r->lines - rd->row_line + 1;
				row->raw = buf_cstr(&rd->raw);
				row->raw_len = rd->raw.len;
				row->member = r->in ? r->in->members : 0;
				return CSVROW_REJECT;
			}
			fill_row(r, rd, row);
			return CSVROW_ROW;
		}
	}
}

int csvrow_open_block(struct csvrow *r, char *data, size_t len,
		      const struct csvrow_opts *opts, char delimiter,
		      int cut_short, int skip_first_line)
{
	struct reader *rd = xcalloc(1, sizeof(*rd));
	memset(r, 0, sizeof(*r));
	r->priv = rd;
	r->delimiter = delimiter;
	rd->field_cap = opts && opts->field_cap ? opts->field_cap : (1u << 20);
	rd->max_fields = opts && opts->max_fields ? opts->max_fields : 65536;
	rd->row_cap = rd->field_cap < (1u << 20) ? (4u << 20) : rd->field_cap * 4;
	rd->read_size = CHUNK_SIZE;
	rd->slice_max = opts && opts->slice_max && opts->slice_max < SLICE_MAX ?
			opts->slice_max : SLICE_MAX;
	rd->fast = !(opts && opts->no_fast_path);
	rd->chunk = data;
	rd->chunk_borrowed = 1;
	rd->end = len;
	rd->in_eof = 1;
	rd->cut_short = cut_short;
	rd->skip_line = skip_first_line;
	parser_setup(rd, delimiter);
	return 0;
}

int csvrow_take_rest(struct csvrow *r, const char **data, size_t *len,
		     int *at_eof, struct diag *d)
{
	struct reader *rd = r->priv;
	*at_eof = rd->in_eof;
	/* replayed lines come first: append the chunk's rest to them */
	if (rd->replay_pos < rd->replay.len) {
		buf_add(&rd->replay, rd->chunk + rd->pos, rd->end - rd->pos);
		*data = rd->replay.data + rd->replay_pos;
		*len = rd->replay.len - rd->replay_pos;
	} else {
		*data = rd->chunk + rd->pos;
		*len = rd->end - rd->pos;
	}
	rd->pos = rd->end;
	if (!rd->damage_pending)
		return 0;
	rd->damage_pending = 0;
	diag_copy(d, &rd->damage);
	d->set = 1;
	return 1;
}

uint64_t csvrow_member_first_line(const struct csvrow *r, unsigned m)
{
	const struct reader *rd = r->priv;
	if (!rd || m == 0 || m > rd->nmember_line)
		return 0;
	return rd->member_line[m - 1];
}

void csvrow_close(struct csvrow *r)
{
	struct reader *rd = r->priv;
	if (!rd)
		return;
	if (rd->parser_ready)
		csv_free(&rd->p);
	if (!rd->chunk_borrowed)
		free(rd->chunk);
	buf_release(&rd->replay);
	buf_release(&rd->fields);
	buf_release(&rd->raw);
	diag_release(&rd->damage);
	free(rd->off);
	free(rd->len);
	free(rd->ptr);
	free(rd->dpos);
	free(rd->member_line);
	free(rd);
	r->priv = NULL;
}
