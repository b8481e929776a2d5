/*
 * test_schema.c - header aliases, kind detection, composites, phone
 * normalisation and value parsing, through the public schema API.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "schema.h"
#include "timeparse.h"

/* A row view over a '|'-separated list (no escaping needed in tests). */
struct fake_row {
	char buf[1024];
	const char *field[64];
	uint32_t len[64];
	struct csvrow_row row;
};

static const struct csvrow_row *make_row(struct fake_row *f, const char *text)
{
	size_t n = 0;
	snprintf(f->buf, sizeof(f->buf), "%s", text);
	char *p = f->buf;
	for (;;) {
		char *bar = strchr(p, '|');
		f->field[n] = p;
		f->len[n] = (uint32_t)(bar ? (size_t)(bar - p) : strlen(p));
		n++;
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	memset(&f->row, 0, sizeof(f->row));
	f->row.field = f->field;
	f->row.len = f->len;
	f->row.nfield = n;
	f->row.line = 2;
	f->row.raw = text;
	f->row.raw_len = strlen(text);
	return &f->row;
}

static struct schema *build(const struct schema_opts *o, const char *hdr,
			    int *first_is_data)
{
	struct fake_row h;
	struct schema *s = NULL;
	struct diag d = DIAG_INIT;
	int fid = 0;
	if (schema_build(&s, o, make_row(&h, hdr), &fid, &d) < 0)
		s = NULL;
	if (first_is_data)
		*first_is_data = fid;
	diag_release(&d);
	return s;
}

static int column_field(const struct schema *s, size_t col)
{
	return col < s->ncolumns ? s->columns[col].field : -2;
}

static void check_phone(const char *in, const char *cc, const char *want)
{
	char out[64];
	int n = phone_normalise(in, strlen(in), cc, out, sizeof(out));
	if (!want) {
		check_report(n < 0, __FILE__, __LINE__, in, "got %d", n);
		return;
	}
	check_report(n >= 0 && !strcmp(out, want), __FILE__, __LINE__, in,
		     "got \"%s\", expected \"%s\"", n >= 0 ? out : "(none)", want);
}

TEST_SUITE(schema)
{
	struct schema_opts o;
	struct schema *s;
	struct fake_row r;
	struct record rec;
	const char *reason;
	struct buf detail = BUF_INIT;

	/* phone numbers: one person written three ways */
	check_phone("+60 12-345 6789", NULL, "60123456789");
	check_phone("0060123456789", NULL, "60123456789");
	check_phone("0123456789", "60", "60123456789");
	check_phone("0123456789", NULL, "0123456789");
	check_phone("(012) 345.6789", "60", "60123456789");
	check_phone("60123456789", "60", "60123456789");
	check_phone("anonymous", NULL, NULL);
	check_phone("", NULL, NULL);
	check_phone("+", NULL, NULL);

	/* aliases, case and punctuation insensitive */
	memset(&o, 0, sizeof(o));
	s = build(&o, "A_NUMBER|b-number|Call Start|DURATION (s)|Served IMSI|x", NULL);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->kind, KIND_CDR);
		CHECK_EQ_INT(column_field(s, 0), F_CALLER);
		CHECK_EQ_INT(column_field(s, 1), F_CALLEE);
		CHECK_EQ_INT(column_field(s, 2), F_START);
		CHECK_EQ_INT(column_field(s, 3), F_DURATION); /* "durations" */
		CHECK_EQ_INT(column_field(s, 4), F_IMSI);
		CHECK_EQ_INT(column_field(s, 5), -1);
		CHECK_EQ_INT(schema_column_index(s, "x", 1), 5);
		CHECK_EQ_INT(schema_column_index(s, "CALL_START", 10), 2);
		schema_free(s);
	}

	/* IP logs are recognised by their fields */
	s = build(&o, "MSISDN|Private IP|NAT IP|NAT Port|Destination IP|Destination Port|Start Time|Bytes Up", NULL);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->kind, KIND_IP);
		CHECK_EQ_INT(column_field(s, 0), F_SUBSCRIBER);
		CHECK_EQ_INT(column_field(s, 1), F_SRC_IP);
		CHECK_EQ_INT(column_field(s, 2), F_PUBLIC_IP);
		CHECK_EQ_INT(column_field(s, 3), F_PUBLIC_PORT);
		CHECK_EQ_INT(column_field(s, 4), F_DST_IP);
		CHECK_EQ_INT(column_field(s, 7), F_BYTES_UP);
		schema_free(s);
	}

	/* a header nothing matches is refused */
	CHECK(build(&o, "foo|bar|baz", NULL) == NULL);

	/* duplicate names: the first column wins */
	s = build(&o, "caller|calling_number|callee", NULL);
	if (s) {
		CHECK_EQ_INT(column_field(s, 0), F_CALLER);
		CHECK_EQ_INT(column_field(s, 1), -1);
		CHECK_EQ_STR(s->columns[1].how, "duplicate");
		schema_free(s);
	}

	/* date and time in two columns, HH:MM:SS duration, MOC/MTC */
	record_init(&rec);
	s = build(&o, "Call Type|A Number|B Number|Call Date|Call Time|Duration", NULL);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->time_split, 1);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "MTC|0123456789|+60 19 8765432|03/01/2025|08:00:05|01:02:03"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_INT(rec.v[F_TYPE].i, TYPE_VOICE);
		CHECK_EQ_INT(rec.v[F_DIRECTION].i, DIR_MT);
		CHECK_EQ_INT(rec.v[F_START].i, 1735891205000LL);
		CHECK_EQ_INT(rec.v[F_DURATION].i, 3723000000LL); /* us */
		CHECK_EQ_MEM(rec.v[F_CALLEE].s.s, rec.v[F_CALLEE].s.len, "60198765432", 11);
		/* no --country: the trunk 0 stays */
		CHECK_EQ_MEM(rec.v[F_CALLER].s.s, rec.v[F_CALLER].s.len, "0123456789", 10);
		/* subscriber of an MT record is the callee */
		CHECK_EQ_MEM(rec.v[F_SUBSCRIBER].s.s, rec.v[F_SUBSCRIBER].s.len, "60198765432", 11);
		CHECK_EQ_MEM(rec.v[F_PEER].s.s, rec.v[F_PEER].s.len, "0123456789", 10);
		CHECK_EQ_INT(rec.v[F_HOUR].i, 8);
		CHECK_EQ_INT(rec.v[F_DOW].i, 5); /* 2025-01-03 was a Friday */
		CHECK_EQ_INT(rec.v[F_DATE].i, 20091);
		/* bad values reject the row with a reason */
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "MOC|1|2|31/02/2025|08:00:05|1"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		CHECK_EQ_STR(reason, "unparsable start date");
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "MOC|1|2|03/01/2025|08:00:05|x"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		CHECK_EQ_STR(reason, "unparsable duration");
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "MOC|1|2|03/01/2025"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		CHECK_EQ_STR(reason, "too few fields");
		/* an empty field is missing, not zero */
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "SMS-MO|1|2|03/01/2025|08:00:05|"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK(!record_has(&rec, F_DURATION));
		CHECK_EQ_INT(rec.v[F_TYPE].i, TYPE_SMS);
		CHECK_EQ_INT(rec.v[F_DIRECTION].i, DIR_MO);
		schema_free(s);
	}

	/* served party + other party + direction (operator "msisdn" exports) */
	s = build(&o, "msisdn|other_party|direction|start_time|end_time", NULL);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->served_mode, 1);
		CHECK_EQ_INT(s->dur_derived, 1);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "601|602|IN|1735891200|1735891290"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_MEM(rec.v[F_CALLER].s.s, rec.v[F_CALLER].s.len, "602", 3);
		CHECK_EQ_MEM(rec.v[F_CALLEE].s.s, rec.v[F_CALLEE].s.len, "601", 3);
		CHECK_EQ_MEM(rec.v[F_SUBSCRIBER].s.s, rec.v[F_SUBSCRIBER].s.len, "601", 3);
		CHECK_EQ_INT(rec.v[F_DURATION].i, 90000000LL); /* us, from end - start */
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "601|602|OUT|1735891290|1735891200"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		CHECK_EQ_STR(reason, "end before start");
		schema_free(s);
	}

	/* positions are checked; a CGI gives the LAC */
	s = build(&o, "caller|cell|lat|lon", NULL);
	if (s) {
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|502-16-290-12345|3.1|101.6"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_MEM(rec.v[F_LAC].s.s, rec.v[F_LAC].s.len, "290", 3);
		CHECK_EQ_MEM(rec.v[F_MCC].s.s, rec.v[F_MCC].s.len, "502", 3);
		CHECK_EQ_MEM(rec.v[F_MNC].s.s, rec.v[F_MNC].s.len, "16", 2);
		CHECK_EQ_MEM(rec.v[F_CELL_ID].s.s, rec.v[F_CELL_ID].s.len,
			     "12345", 5);
		CHECK_EQ_MEM(rec.v[F_CELL].s.s, rec.v[F_CELL].s.len,
			     "502-16-290-12345", 16);
		/* not a key of digit parts: one opaque identity */
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|KL-0042-B|3.1|101.6"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK(!record_has(&rec, F_LAC));
		CHECK_EQ_MEM(rec.v[F_CELL_ID].s.s, rec.v[F_CELL_ID].s.len,
			     "KL-0042-B", 9);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|x|91|101.6"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		CHECK_EQ_STR(reason, "latitude outside -90..90");
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|x|3.1|"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		schema_free(s);
	}

	/* cell parts in columns make the same key as a CGI; parts must agree */
	s = build(&o, "caller|mcc|mnc|lac|cell", NULL);
	if (s) {
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|502|16|290|12345"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_MEM(rec.v[F_CELL].s.s, rec.v[F_CELL].s.len,
			     "502-16-290-12345", 16);
		CHECK_EQ_MEM(rec.v[F_CELL_ID].s.s, rec.v[F_CELL_ID].s.len,
			     "12345", 5);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|||290|12345"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_MEM(rec.v[F_CELL].s.s, rec.v[F_CELL].s.len,
			     "290-12345", 9);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|502|16||12345"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_MEM(rec.v[F_CELL].s.s, rec.v[F_CELL].s.len,
			     "502-16-12345", 12);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|502|16|0290|502-16-290-12345"),
					    &rec, ~(uint64_t)0, &reason, &detail), 0);
		CHECK_EQ_INT(schema_map_row(s, make_row(&r, "1|502|19|290|502-16-290-12345"),
					    &rec, ~(uint64_t)0, &reason, &detail), -1);
		CHECK_EQ_STR(reason, "cell and its parts disagree");
		schema_free(s);
	}

	/* the Asterisk preset is detected from the shape of a header-less row */
	int fid = 0;
	s = build(&o, "acct|1001|2002|default|\"A\" <1001>|SIP/1001-0001|SIP/2002-0002|Dial|SIP/2002|2025-01-03 08:00:00|2025-01-03 08:00:05|2025-01-03 08:01:05|65|60|ANSWERED|DOCUMENTATION|1735891200.1", &fid);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(s->dialect, DIALECT_ASTERISK);
		CHECK_EQ_INT(fid, 1);
		CHECK_EQ_INT(column_field(s, 1), F_CALLER);
		CHECK_EQ_INT(column_field(s, 13), F_DURATION);
		schema_free(s);
	}

	/* --map by name and by position; a field mapped twice is an error */
	struct map_entry m[2] = { { F_CALLER, "who", 0 }, { F_START, NULL, 3 } };
	o.map = m;
	o.nmap = 2;
	s = build(&o, "who|whom|when", NULL);
	CHECK(s != NULL);
	if (s) {
		CHECK_EQ_INT(column_field(s, 0), F_CALLER);
		CHECK_EQ_INT(column_field(s, 2), F_START);
		CHECK_EQ_STR(s->columns[0].how, "--map");
		schema_free(s);
	}
	m[1].field = F_CALLER;
	CHECK(build(&o, "who|whom|when", NULL) == NULL);
	m[1].field = F_START;
	m[1].position = 9;
	CHECK(build(&o, "who|whom|when", NULL) == NULL);

	record_release(&rec);
	buf_release(&detail);
}
