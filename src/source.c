/*
 * source.c - header handling, reject accounting and damage reports for one
 * input, on top of input.c, csvrow.c and schema.c.
 */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

void acct_reject(struct acct *a, const char *reason, uint64_t n)
{
	for (size_t i = 0; i < a->nreasons; i++)
		if (a->reasons[i].reason == reason ||
		    !strcmp(a->reasons[i].reason, reason)) {
			a->reasons[i].n += n;
			return;
		}
	VEC_GROW(a->reasons, a->nreasons + 1, a->alloc);
	a->reasons[a->nreasons].reason = reason;
	a->reasons[a->nreasons].n = n;
	a->nreasons++;
}

void acct_merge(struct acct *into, const struct acct *from)
{
	into->read += from->read;
	into->accepted += from->accepted;
	into->rejected += from->rejected;
	into->filtered += from->filtered;
	into->matched += from->matched;
	into->repeated_headers += from->repeated_headers;
	into->blank_lines += from->blank_lines;
	for (size_t i = 0; i < from->nreasons; i++)
		acct_reject(into, from->reasons[i].reason, from->reasons[i].n);
}

static int cmp_reason(const void *a, const void *b)
{
	const struct reason_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

void acct_sort_reasons(struct acct *a)
{
	if (a->nreasons > 1)
		qsort(a->reasons, a->nreasons, sizeof(*a->reasons), cmp_reason);
}

void acct_release(struct acct *a)
{
	free(a->reasons);
	memset(a, 0, sizeof(*a));
}

void source_set_problem(struct source *src, const struct diag *d)
{
	buf_reset(&src->problem);
	buf_add(&src->problem, buf_cstr(&d->msg), d->msg.len);
	src->problem_cls = d->cls;
}

/* Keep the damage message, with the row range of a member that failed. */
static void note_damage(struct source *src, struct diag *d)
{
	src->damaged = 1;
	source_set_problem(src, d);
	if (d->cls == DIAG_CHECK && src->in.members) {
		uint64_t first = csvrow_member_first_line(&src->rd,
							  src->in.members);
		if (first && src->rd.lines >= first)
			buf_addf(&src->problem, " (lines %llu to %llu of that "
				 "member were read but cannot be trusted)",
				 (unsigned long long)first,
				 (unsigned long long)src->rd.lines);
	}
}

/* A compression or archive format this version does not read. */
struct foreign {
	const char *what;  /* "a zip archive", "xz data", ... */
	const char *undo;  /* the command that makes it readable */
	int archive;       /* 1: unpack it; 0: decompress it */
};

/* What the bytes 'b' (n of them) begin with, or NULL: magic numbers. */
static const struct foreign *foreign_magic(const unsigned char *b, size_t n)
{
	static const struct foreign
		gz = { "gzip data", "zcat", 0 },
		xz = { "xz data", "xz -d (or xzcat FILE | cdrsift ... -)", 0 },
		zst = { "zstd data", "zstd -d (or zstdcat FILE | cdrsift ... -)", 0 },
		bz = { "bzip2 data", "bunzip2 (or bzcat FILE | cdrsift ... -)", 0 },
		lz = { "lz4 data", "lz4 -d", 0 },
		zip = { "a zip archive", "unzip", 1 },
		tar = { "a tar archive", "tar -xf", 1 },
		sz = { "a 7z archive", "7z x", 1 },
		rar = { "a rar archive", "unrar x", 1 };
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return &gz;
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return &xz;
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return &zst;
	if (n >= 10 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' &&
	    b[3] >= '1' && b[3] <= '9' &&
	    (!memcmp(b + 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	     !memcmp(b + 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return &bz;
	if (n >= 4 && !memcmp(b, "\x04\x22\x4d\x18", 4))
		return &lz;
	if (n >= 4 && b[0] == 'P' && b[1] == 'K' &&
	    ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) ||
	     (b[2] == 7 && b[3] == 8)))
		return &zip;
	if (n >= 262 && !memcmp(b + 257, "ustar", 5))
		return &tar;
	if (n >= 6 && !memcmp(b, "7z\xbc\xaf\x27\x1c", 6))
		return &sz;
	if (n >= 6 && !memcmp(b, "Rar!\x1a\x07", 6))
		return &rar;
	return NULL;
}

/*
 * 1 when the input is a format this version does not read (what the
 * decompressed bytes begin with: gzip inside gzip, an archive, another
 * compression), with the message in src->problem.
 */
static int foreign_input(struct source *src)
{
	const struct foreign *f = foreign_magic(src->in.head, src->in.head_len);
	struct buf *p = &src->problem;
	if (!f)
		return 0;
	buf_reset(p);
	int is_stdin = !src->path || !strcmp(src->path, "-");
	if (is_stdin && f->archive && (!strcmp(f->undo, "unzip") ||
				       !strcmp(f->undo, "tar -xf")))
		/* zip and tar are unpacked before the run (members.h): from
		   a named file only, so that each member is read once */
		buf_addf(p, "%s on standard input, which cdrsift does not "
			 "unpack: name the file instead of '-'", f->what);
	else if (src->in.codec && !src->in.is_gzip)
		buf_addf(p, "%s inside %s data, which this version does not "
			 "read: decompress it with %scat, then %s it with %s",
			 f->what, src->in.codec, !strcmp(src->in.codec, "bzip2") ?
			 "bz" : !strcmp(src->in.codec, "zstd") ? "zstd" : "xz",
			 f->archive ? "unpack" : "decompress", f->undo);
	else if (!src->in.is_gzip)
		buf_addf(p, "%s, which this version does not read: %s it "
			 "first with %s", f->what, f->archive ? "unpack" :
			 "decompress", f->undo);
	else if (f->undo[0] == 'z')
		buf_adds(p, "gzip data inside gzip (compressed twice): "
			 "decompress it once with zcat (zcat FILE | cdrsift "
			 "... -)");
	else if (!strcmp(f->undo, "tar -xf"))
		buf_adds(p, "a tar archive inside gzip (.tar.gz), which this "
			 "version does not read: unpack it first with tar -xzf");
	else
		buf_addf(p, "%s inside gzip, which this version does not read: "
			 "decompress it with zcat, then %s it with %s", f->what,
			 f->archive ? "unpack" : "decompress", f->undo);
	src->unusable = 1;
	src->foreign = 1;
	return 1;
}

/* 1 when field 0 of 'row' is the directive 'tag' ("#fields", ...). */
static int is_directive(const struct csvrow_row *row, const char *tag)
{
	size_t n = strlen(tag);
	return row->nfield && row->len[0] == n && !memcmp(row->field[0], tag, n);
}

/* Keep field 1 of directive 'row' (the whole value) in 'out'. */
static void directive_value(const struct csvrow_row *row, struct buf *out)
{
	buf_reset(out);
	if (row->nfield >= 2)
		buf_add(out, row->field[1], row->len[1]);
}

/*
 * A Zeek log (csvrow found "#separator" on its first line): the '#'
 * directive lines up to #fields are read here, none of them a row; the
 * #fields line less its first field is the header. The directives after
 * it (#close, and those of a log concatenated after this one) are sorted
 * out row by row by schema_row_class.
 */
static int zeek_open(struct source *src, const struct schema_opts *so)
{
	struct diag d = DIAG_INIT;
	struct buf unset = BUF_INIT, empty = BUF_INIT, path = BUF_INIT;
	int rc, have_path = 0, ret = -1;

	buf_adds(&unset, "-");
	buf_adds(&empty, "(empty)");
	for (;;) {
		rc = csvrow_next(&src->rd, &src->row, &d);
		if (rc != CSVROW_ROW)
			break;
		if (!src->row.nfield || !src->row.len[0] ||
		    src->row.field[0][0] != '#') {
			rc = -3;
			break;
		}
		if (is_directive(&src->row, "#fields"))
			break;
		if (is_directive(&src->row, "#unset_field"))
			directive_value(&src->row, &unset);
		else if (is_directive(&src->row, "#empty_field"))
			directive_value(&src->row, &empty);
		else if (is_directive(&src->row, "#path")) {
			directive_value(&src->row, &path);
			have_path = 1;
		}
	}
	src->unusable = 1;
	if (rc == CSVROW_REJECT) {
		buf_addf(&src->problem, "line %llu: zeek log header not "
			 "understood: %s", (unsigned long long)src->row.line,
			 src->rd.reason);
	} else if (rc == -3) {
		buf_addf(&src->problem, "line %llu: zeek log: a data row before "
			 "the #fields line", (unsigned long long)src->row.line);
	} else if (rc != CSVROW_ROW) {
		src->open_failed = src->rd.io_error;
		if (src->in.damaged && !src->rd.io_error)
			note_damage(src, &d);
		else if (d.set)
			source_set_problem(src, &d);
		else
			buf_adds(&src->problem, "zeek log without a #fields line");
	} else {
		struct csvrow_row h = src->row;
		int first_is_data = 0;
		h.field++;
		h.len++;
		h.nfield--;
		buf_add(&src->header_raw, src->row.raw, src->row.raw_len);
		if (schema_build(&src->schema, so, &h, &first_is_data, &d) < 0) {
			buf_addf(&src->problem, "line %llu: %s",
				 (unsigned long long)src->row.line,
				 buf_cstr(&d.msg));
		} else {
			schema_set_zeek(src->schema, buf_cstr(&unset),
					buf_cstr(&empty),
					have_path ? buf_cstr(&path) : NULL);
			src->unusable = 0;
			ret = 0;
		}
	}
	buf_release(&unset);
	buf_release(&empty);
	buf_release(&path);
	diag_release(&d);
	return ret;
}

int source_open(struct source *src, const char *path,
		const struct schema_opts *so, const struct csvrow_opts *co,
		uint64_t need)
{
	struct diag d = DIAG_INIT;
	int rc;

	memset(src, 0, sizeof(*src));
	src->path = path;
	src->name = path && strcmp(path, "-") ? path : "-";
	src->need = need;
	if (input_open(&src->in, path, &d) < 0) {
		src->open_failed = 1;
		source_set_problem(src, &d);
		diag_release(&d);
		return -1;
	}
	src->in.name = src->name;
	if (csvrow_open(&src->rd, &src->in, co, &d) < 0) {
		if (!src->rd.io_error && foreign_input(src)) {
			diag_release(&d);
			return -1;
		}
		src->unusable = 1;
		src->open_failed = src->rd.io_error;
		if (src->in.damaged && !src->rd.io_error)
			note_damage(src, &d);
		else
			source_set_problem(src, &d);
		diag_release(&d);
		return -1;
	}
	if (foreign_input(src)) {
		diag_release(&d);
		return -1;
	}
	if (src->rd.zeek && !so->no_header && so->dialect == DIALECT_AUTO)
		return zeek_open(src, so);
	/*
	 * The header is the first line: one that is no valid CSV cannot be
	 * understood, and the input reads 0 rows (DESIGN section 3). Without
	 * a header the first line is a data row: a CSV syntax error there is
	 * a rejected row, and the next row builds the schema.
	 */
	int header_expected = !so->no_header && !dialect_is_pbx(so->dialect);
	while ((rc = csvrow_next(&src->rd, &src->row, &d)) == CSVROW_REJECT) {
		if (header_expected) {
			src->unusable = 1;
			buf_addf(&src->problem, "line %llu: header not understood: "
				 "%s", (unsigned long long)src->row.line,
				 src->rd.reason);
			diag_release(&d);
			return -1;
		}
		src->acct.read++;
		src->acct.rejected++;
		acct_reject(&src->acct, src->rd.reason, 1);
		VEC_GROW(src->early, src->nearly + 1, src->early_alloc);
		struct early_reject *e = &src->early[src->nearly++];
		e->line = src->row.line;
		e->reason = src->rd.reason;
		e->off = src->early_raw.len;
		e->len = src->row.raw_len < 65536 ? src->row.raw_len : 65536;
		buf_add(&src->early_raw, src->row.raw, e->len);
	}
	if (rc != CSVROW_ROW) {
		src->unusable = 1;
		src->open_failed = src->rd.io_error;
		if (src->in.damaged && !src->rd.io_error)
			note_damage(src, &d);
		else if (d.set)
			source_set_problem(src, &d);
		else if (src->acct.read)
			buf_addf(&src->problem, "no valid row: each of its %llu "
				 "rows was rejected",
				 (unsigned long long)src->acct.read);
		else
			buf_adds(&src->problem, "empty input: no header and no rows");
		src->acct.blank_lines = src->rd.blank_lines;
		diag_release(&d);
		return -1;
	}
	buf_add(&src->header_raw, src->row.raw, src->row.raw_len);
	if (header_expected && schema_is_cell_table(&src->row)) {
		src->unusable = 1;
		buf_adds(&src->problem, "a cell-site table (cell id with "
			 "latitude and longitude), not records: pass it with "
			 "--cells FILE");
		diag_release(&d);
		return -1;
	}
	if (schema_build(&src->schema, so, &src->row, &src->pending_first,
			 &d) < 0) {
		src->unusable = 1;
		buf_addf(&src->problem, "line %llu: %s",
			 (unsigned long long)src->row.line, buf_cstr(&d.msg));
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	return 0;
}

int source_require(struct source *src, const struct field_need *needs,
		   size_t n)
{
	struct diag d = DIAG_INIT;
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		char by[64];
		snprintf(by, sizeof(by), "asked for by %s", needs[i].by);
		bad = schema_check_fields(src->schema, needs[i].fields, by, &d) < 0;
	}
	if (bad) {
		src->unusable = 1;
		src->lacks_field = 1;
		source_set_problem(src, &d);
		acct_release(&src->acct); /* no row is read */
		src->nearly = 0;
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	return 0;
}

static int reject(struct source *src, const char *reason, const char *raw,
		  size_t raw_len, uint64_t line)
{
	src->acct.rejected++;
	acct_reject(&src->acct, reason, 1);
	src->last_reason = reason;
	src->last_raw = raw;
	src->last_raw_len = raw_len;
	src->last_line = line;
	return SRC_REJECT;
}

int source_next(struct source *src, struct record *rec)
{
	struct diag d = DIAG_INIT;
	const char *reason;
	int rc;

	if (!src->schema || src->eof)
		return SRC_EOF;
	buf_reset(&src->last_detail);
	for (;;) {
		if (src->pending_first) {
			src->pending_first = 0;
			rc = CSVROW_ROW;
		} else {
			rc = csvrow_next(&src->rd, &src->row, &d);
		}
		if (rc == CSVROW_EOF || rc == CSVROW_FATAL) {
			src->eof = 1;
			src->acct.blank_lines = src->rd.blank_lines;
			if (src->rd.io_error) {
				src->read_failed = 1;
				buf_reset(&src->problem);
				source_set_problem(src, &d);
			} else if (src->in.damaged || rc == CSVROW_FATAL) {
				note_damage(src, &d);
			}
			diag_release(&d);
			return SRC_EOF;
		}
		if (rc == CSVROW_REJECT) {
			src->acct.read++;
			diag_release(&d);
			return reject(src, src->rd.reason, src->row.raw,
				      src->row.raw_len, src->row.line);
		}
		int cls = schema_row_class(src->schema, &src->row);
		if (cls == SCHEMA_ROW_HEADER)
			src->acct.repeated_headers++;
		if (cls != SCHEMA_ROW_DATA)
			continue;
		break;
	}
	diag_release(&d);
	src->acct.read++;
	rec->file = src->name;
	if (schema_map_row(src->schema, &src->row, rec, src->need, &reason,
			   &src->last_detail) < 0)
		return reject(src, reason, src->row.raw, src->row.raw_len,
			      src->row.line);
	src->acct.accepted++;
	return SRC_RECORD;
}

void source_release(struct source *src)
{
	if (src->rd.priv)
		csvrow_close(&src->rd);
	input_close(&src->in);
	schema_free(src->schema);
	acct_release(&src->acct);
	buf_release(&src->problem);
	buf_release(&src->header_raw);
	free(src->early);
	buf_release(&src->early_raw);
	buf_release(&src->last_detail);
	memset(src, 0, sizeof(*src));
}
