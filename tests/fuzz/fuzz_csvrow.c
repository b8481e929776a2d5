/*
 * fuzz_csvrow.c - bytes -> input -> csvrow -> schema_build ->
 * schema_map_row for every row, rejects included.
 *
 * Three passes over the same bytes (A, B, and C or D by the size's parity:
 * each pass allocates two 1 MiB buffers, which under ASan costs more than
 * the parsing):
 *   A  default options;
 *   B  the same with tiny reads (1-7 bytes) and tiny libcsv slices (1-5
 *      bytes): csvrow.h promises that every read size gives the same
 *      rows, so the event streams of A and B must hash alike, rejects
 *      included (line, lines spanned, raw bytes and reason);
 *   C  source.c with tiny caps (16-byte fields, 4 fields a row), tiny libcsv
 *      slices (1-5 bytes), a +08:00 zone and a national prefix: the
 *      accounting must add up;
 *   D  source.c with --no-header and a positional --map.
 * Reject details must not copy raw control bytes from the value (DESIGN
 * section 3); every string value of a record is read in full so that the
 * sanitizers see a dangling or short view.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <math.h>

#include "../../src/buf.h"
#include "../../src/csvrow.h"
#include "../../src/diag.h"
#include "../../src/input.h"
#include "../../src/record.h"
#include "../../src/schema.h"
#include "../../src/source.h"
#include "../../src/timeparse.h"

#define MAX_EVENTS 100000 /* a bound on events, for speed */

/* Read every present value of 'rec' and check the ranges it promises. */
static uint64_t touch_record(uint64_t h, const struct record *rec)
{
	for (int f = 0; f < F_COUNT; f++) {
		if (!record_has(rec, (enum field_id)f))
			continue;
		const union rvalue *v = &rec->v[f];
		h = fuzz_hash_u64(h, (uint64_t)f);
		switch (field_table[f].type) {
		case FT_STR:
		case FT_PHONE:
			FUZZ_CHECK(v->s.s != NULL || v->s.len == 0);
			h = fuzz_hash(h, v->s.s, v->s.len);
			break;
		case FT_REAL:
			FUZZ_CHECK(isfinite(v->d));
			if (f == F_LAT)
				FUZZ_CHECK(v->d >= -90 && v->d <= 90);
			if (f == F_LON)
				FUZZ_CHECK(v->d >= -180 && v->d <= 180);
			h = fuzz_hash(h, &v->d, sizeof(v->d));
			break;
		case FT_IP:
			h = fuzz_hash(h, &v->ip, sizeof(v->ip));
			break;
		default:
			h = fuzz_hash_u64(h, (uint64_t)v->i);
			break;
		}
	}
	if (record_has(rec, F_HOUR))
		FUZZ_CHECK(rec->v[F_HOUR].i >= 0 && rec->v[F_HOUR].i <= 23);
	if (record_has(rec, F_DOW))
		FUZZ_CHECK(rec->v[F_DOW].i >= 1 && rec->v[F_DOW].i <= 7);
	if (record_has(rec, F_DURATION))
		FUZZ_CHECK(rec->v[F_DURATION].i >= 0);
	return h;
}

/* A reject's detail: "column 'NAME': 'VALUE'", the value escaped. */
static void check_detail(const struct buf *detail)
{
	const char *s = buf_cstr(detail);
	const char *v = strstr(s, "': '");
	if (v)
		FUZZ_CHECK(!fuzz_has_control(v, strlen(v), 0));
}

static uint64_t hash_row(uint64_t h, int ev, const struct csvrow *r,
			 const struct csvrow_row *row)
{
	h = fuzz_hash_u64(h, (uint64_t)ev);
	h = fuzz_hash_u64(h, row->line);
	if (ev == CSVROW_REJECT) {
		h = fuzz_hash_u64(h, row->nlines);
		h = fuzz_hash(h, row->raw, row->raw_len);
		FUZZ_CHECK(r->reason != NULL);
		return fuzz_hash_str(h, r->reason);
	}
	h = fuzz_hash_u64(h, row->nlines);
	h = fuzz_hash(h, row->raw, row->raw_len);
	h = fuzz_hash_u64(h, row->nfield);
	for (size_t i = 0; i < row->nfield; i++) {
		FUZZ_CHECK(row->field[i][row->len[i]] == '\0');
		FUZZ_CHECK(memchr(row->field[i], '\0', row->len[i]) == NULL);
		h = fuzz_hash(h, row->field[i], row->len[i] + 1);
	}
	return h;
}

/* Passes A and B: the event stream, hashed. */
static uint64_t pass_rows(const char *path, const struct csvrow_opts *co,
			  const struct schema_opts *so)
{
	struct input in;
	struct csvrow r;
	struct csvrow_row row;
	struct diag d = DIAG_INIT;
	struct schema *s = NULL;
	struct record rec;
	struct buf detail = BUF_INIT;
	uint64_t h = FUZZ_HASH_INIT, prev_line = 0;
	int ev, first_is_data = 0, header_done = 0;

	FUZZ_CHECK(input_open(&in, path, &d) == 0);
	if (csvrow_open(&r, &in, co, &d) < 0) {
		FUZZ_CHECK(d.set && r.priv == NULL);
		h = fuzz_hash_str(h, buf_cstr(&d.msg));
		input_close(&in);
		diag_release(&d);
		return h;
	}
	h = fuzz_hash_u64(h, (uint64_t)r.delimiter);
	record_init(&rec);
	for (int n = 0; n < MAX_EVENTS; n++) {
		ev = csvrow_next(&r, &row, &d);
		FUZZ_CHECK(ev >= CSVROW_FATAL && ev <= CSVROW_ROW);
		if (ev == CSVROW_EOF || ev == CSVROW_FATAL) {
			h = fuzz_hash_u64(h, (uint64_t)ev);
			h = fuzz_hash_u64(h, (uint64_t)in.damaged);
			if (in.damaged)
				FUZZ_CHECK(d.set);
			break;
		}
		/* rows come in line order */
		FUZZ_CHECK(row.line > prev_line || row.line == 0);
		FUZZ_CHECK(row.line <= r.lines + 1);
		prev_line = row.line;
		h = hash_row(h, ev, &r, &row);
		if (ev != CSVROW_ROW)
			continue;
		if (!header_done) {
			header_done = 1;
			if (schema_build(&s, so, &row, &first_is_data, &d) < 0) {
				FUZZ_CHECK(d.set && s == NULL);
				FUZZ_CHECK(!fuzz_has_control(d.msg.data,
							     d.msg.len, 0));
				h = fuzz_hash_str(h, buf_cstr(&d.msg));
				break;
			}
			h = fuzz_hash_u64(h, (uint64_t)s->kind);
			h = fuzz_hash_u64(h, s->ncolumns);
			if (!first_is_data)
				continue;
		} else if (schema_is_header_row(s, &row)) {
			h = fuzz_hash_u64(h, 77);
			continue;
		}
		const char *reason = NULL;
		record_clear(&rec);
		buf_reset(&detail);
		rec.file = path;
		int rc = schema_map_row(s, &row, &rec, ~(uint64_t)0, &reason,
					&detail);
		FUZZ_CHECK(rc == 0 || rc == -1);
		if (rc < 0) {
			FUZZ_CHECK(reason != NULL);
			check_detail(&detail);
			h = fuzz_hash_str(h, reason);
			h = fuzz_hash_str(h, buf_cstr(&detail));
		} else {
			h = touch_record(h, &rec);
		}
	}
	record_release(&rec);
	buf_release(&detail);
	schema_free(s);
	csvrow_close(&r);
	input_close(&in);
	diag_release(&d);
	return h;
}

/* Passes C and D: source.c, whose accounting must add up. */
static void pass_source(const char *path, const struct csvrow_opts *co,
			const struct schema_opts *so)
{
	struct source src;
	struct record rec;
	uint64_t records = 0, rejects = 0;

	record_init(&rec);
	if (source_open(&src, path, so, co, ~(uint64_t)0) < 0) {
		FUZZ_CHECK(src.open_failed || src.unusable);
		FUZZ_CHECK(src.problem.len > 0);
		FUZZ_CHECK(!fuzz_has_control(src.problem.data, src.problem.len,
					     0));
	} else {
		for (int n = 0; n < MAX_EVENTS; n++) {
			int ev = source_next(&src, &rec);
			if (ev == SRC_EOF)
				break;
			if (ev == SRC_REJECT) {
				FUZZ_CHECK(src.last_reason != NULL);
				check_detail(&src.last_detail);
				rejects++;
				continue;
			}
			FUZZ_CHECK(ev == SRC_RECORD);
			touch_record(0, &rec);
			records++;
		}
		if (src.eof) {
			FUZZ_CHECK(src.acct.accepted == records);
			if (src.damaged)
				FUZZ_CHECK(src.problem.len > 0);
		}
	}
	/* header rejects are counted too, without an event */
	FUZZ_CHECK(src.acct.read == src.acct.accepted + src.acct.rejected);
	FUZZ_CHECK(src.acct.rejected >= rejects);
	source_release(&src);
	record_release(&rec);
}

FUZZ_ENTRY(csvrow)
{
	static struct fuzz_file f;
	static struct tz *tz8;
	const char *path = fuzz_file_put(&f, "csvrow", data, size);
	struct csvrow_opts a, b, c;
	struct schema_opts so, so8, sonh;
	static const struct map_entry map[] = {
		{ F_CALLER, "1", 1 }, { F_CALLEE, "2", 2 },
		{ F_START, "3", 3 }, { F_DURATION, "4", 4 },
	};

	if (!tz8) {
		struct diag d = DIAG_INIT;
		FUZZ_CHECK(tz_load(&tz8, "+08:00", &d) == 0);
		diag_release(&d);
	}
	memset(&a, 0, sizeof(a));
	memset(&so, 0, sizeof(so));
	b = a;
	b.read_size = 1 + size % 7;
	b.slice_max = 1 + size % 5;
	FUZZ_CHECK(pass_rows(path, &a, &so) == pass_rows(path, &b, &so));

	if (size % 2 == 0) {
		c = a;
		c.field_cap = 16;
		c.max_fields = 4;
		c.read_size = 3;
		c.slice_max = 1 + size % 5;
		so8 = so;
		so8.tz = tz8;
		so8.country = "60";
		pass_source(path, &c, &so8);
	} else {
		sonh = so;
		sonh.no_header = 1;
		sonh.map = map;
		sonh.nmap = sizeof(map) / sizeof(map[0]);
		pass_source(path, &a, &sonh);
	}
	return 0;
}
