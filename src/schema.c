/*
 * schema.c - header aliases, column mapping, dialect presets, and the
 * conversion of raw rows into canonical records.
 *
 * Mapping a header, in order:
 *   1. --map entries (by name or 1-based position) win;
 *   2. every other column is matched, normalised (lower case, letters and
 *      digits only), against each field's canonical name and aliases
 *      (canon.def); two columns that reach one field (and a served party
 *      beside a caller) make the header ambiguous, refused until --map
 *      says which (check_ambiguous); a preset decides for its own format
 *      (Asterisk, by position without a header, by name with one);
 *   3. the kind is decided (more IP-only than CDR-only fields: IP log);
 *      fields of the other kind are dropped back to unmapped;
 *   4. composites are settled: date and time in two columns; a lone date or
 *      time column that is really the whole timestamp; duration from end
 *      minus start; a CDR given as served party ("msisdn") + other party
 *      + direction. The cell key's parts (a CGI in one column, or mcc,
 *      mnc, lac and cell columns) are joined per row, in fill_cell().
 *
 * Values (see the VALUES section of the man page): empty fields are missing,
 * never zero. A value that does not parse as its field's type rejects the
 * row with "unparsable FIELD"; nothing is guessed.
 */
#include "schema.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cells.h"
#include "geodesy.h"
#include "phone.h"
#include "timeparse.h"
#include "xalloc.h"
#include "text.h"
#include "pseudo.h"
#include "banned.h"

size_t schema_normalise_name(const char *name, size_t len, char *out,
			     size_t outlen)
{
	size_t n = 0;
	if (!outlen)
		return 0;
	for (size_t i = 0; i < len && n + 1 < outlen; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

/* 1 when the space-separated list 'list' holds the word 'w'. */
static int word_in(const char *list, const char *w, size_t wlen)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) == wlen && !memcmp(p, w, wlen))
			return 1;
		p = e;
	}
	return 0;
}

/* Whether the normalised header 'n' is field f's own name, normalised the
 * same way ("Src IP" and "src_ip" are; "source_ip", an alias, is not). */
static int is_canonical_name(int f, const char *n, size_t len)
{
	char canon[64];
	size_t cl = schema_normalise_name(field_table[f].name,
					  strlen(field_table[f].name), canon,
					  sizeof(canon));
	return cl == len && !memcmp(canon, n, len);
}

/* The field whose name or alias is the normalised header 'n', or -1. */
static int field_for_header(const char *n, size_t len)
{
	if (!len)
		return -1;
	for (int f = 0; f < F_COUNT; f++) {
		if (field_table[f].kinds & KB_DERIVED)
			continue;
		if (is_canonical_name(f, n, len) ||
		    word_in(field_table[f].aliases, n, len))
			return f;
	}
	return -1;
}

int phone_normalise(const char *s, size_t len, const char *country, char *out,
		    size_t outlen)
{
	size_t i = 0, n = 0;
	int plus = 0;
	char ubuf[80];
	int un = phone_from_uri(s, len, ubuf, sizeof(ubuf));
	if (un < 0)
		return -1;
	if (un > 0) {
		s = ubuf;
		len = (size_t)un;
	}
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] == '+') {
		plus = 1;
		i++;
	}
	char digits[64];
	for (; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (n + 1 >= sizeof(digits))
				return -1;
			digits[n++] = c;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' ||
			   c == ')' || c == '\t' || c == '/') {
			continue;
		} else {
			return -1;
		}
	}
	if (n == 0)
		return -1;
	const char *d = digits;
	const char *prefix = "";
	if (!plus) {
		if (n > 2 && d[0] == '0' && d[1] == '0') {
			d += 2;
			n -= 2;
		} else if (country && n > 1 && d[0] == '0') {
			d += 1;
			n -= 1;
			prefix = country;
		}
	}
	size_t pl = strlen(prefix);
	if (pl + n + 1 > outlen)
		return -1;
	memcpy(out, prefix, pl);
	memcpy(out + pl, d, n);
	out[pl + n] = '\0';
	return (int)(pl + n);
}

/*
 * Type and direction words, normalised (lower case, alphanumeric). Where a
 * word says both (MOC), both are set. Values not listed: type "other",
 * direction "unknown" - recorded as such, not rejected.
 */
/* a word and its length, for the tables below */
#define W(w) w, sizeof(w) - 1

static const struct {
	const char *word;
	size_t len;
	int type, dir;
} type_words[] = {
	{ W("voice"), TYPE_VOICE, 0 },   { W("call"), TYPE_VOICE, 0 },
	{ W("calls"), TYPE_VOICE, 0 },   { W("tel"), TYPE_VOICE, 0 },
	{ W("speech"), TYPE_VOICE, 0 },  { W("telephony"), TYPE_VOICE, 0 },
	{ W("moc"), TYPE_VOICE, DIR_MO }, { W("mtc"), TYPE_VOICE, DIR_MT },
	{ W("mo"), 0, DIR_MO },          { W("mt"), 0, DIR_MT },
	{ W("out"), TYPE_VOICE, DIR_MO }, { W("in"), TYPE_VOICE, DIR_MT },
	{ W("outgoing"), TYPE_VOICE, DIR_MO }, { W("incoming"), TYPE_VOICE, DIR_MT },
	{ W("1"), TYPE_VOICE, DIR_MO },  { W("2"), TYPE_VOICE, DIR_MT },
	{ W("sms"), TYPE_SMS, 0 },       { W("text"), TYPE_SMS, 0 },
	{ W("smsmo"), TYPE_SMS, DIR_MO }, { W("smsmt"), TYPE_SMS, DIR_MT },
	{ W("mosms"), TYPE_SMS, DIR_MO }, { W("mtsms"), TYPE_SMS, DIR_MT },
	{ W("smo"), TYPE_SMS, DIR_MO },  { W("smt"), TYPE_SMS, DIR_MT },
	{ W("data"), TYPE_DATA, 0 },     { W("gprs"), TYPE_DATA, 0 },
	{ W("internet"), TYPE_DATA, 0 }, { W("ps"), TYPE_DATA, 0 },
	{ W("other"), TYPE_OTHER, 0 },    { W("ussd"), TYPE_OTHER, 0 },
};

static const struct {
	const char *word;
	size_t len;
	int dir;
} dir_words[] = {
	{ W("mo"), DIR_MO },       { W("mt"), DIR_MT },        { W("out"), DIR_MO },
	{ W("in"), DIR_MT },       { W("outgoing"), DIR_MO },  { W("incoming"), DIR_MT },
	{ W("o"), DIR_MO },        { W("i"), DIR_MT },         { W("orig"), DIR_MO },
	{ W("term"), DIR_MT },     { W("originating"), DIR_MO },
	{ W("terminating"), DIR_MT }, { W("moc"), DIR_MO },    { W("mtc"), DIR_MT },
	{ W("smsmo"), DIR_MO },    { W("smsmt"), DIR_MT },     { W("1"), DIR_MO },
	{ W("2"), DIR_MT },        { W("unknown"), DIR_UNKNOWN },
};
#undef W

static void value_type(const char *s, size_t len, int *type, int *dir)
{
	char n[32];
	size_t l = schema_normalise_name(s, len, n, sizeof(n));
	*type = TYPE_OTHER;
	*dir = 0;
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (type_words[i].len == l && type_words[i].word[0] == n[0] &&
		    !memcmp(type_words[i].word, n, l)) {
			*type = type_words[i].type;
			*dir = type_words[i].dir;
			return;
		}
}

static int value_dir(const char *s, size_t len)
{
	char n[32];
	size_t l = schema_normalise_name(s, len, n, sizeof(n));
	for (size_t i = 0; i < sizeof(dir_words) / sizeof(dir_words[0]); i++)
		if (dir_words[i].len == l && dir_words[i].word[0] == n[0] &&
		    !memcmp(dir_words[i].word, n, l))
			return dir_words[i].dir;
	return DIR_UNKNOWN;
}

/* Add marker s[0..len) to 'ns' (an empty one, or one too many, is not). */
static void nullset_add(struct nullset *ns, const char *s, size_t len)
{
	if (!len || ns->n >= NULLSET_MAX || nullset_match(ns, s, len) == 1)
		return;
	ns->v[ns->n] = xstrndup(s, len);
	ns->len[ns->n++] = len;
}

/* ---- Asterisk Master.csv preset (FORMATS.md) ---- */

struct preset_col {
	int col; /* 0-based */
	int field;
};

static const struct preset_col asterisk_map[] = {
	{ 1, F_CALLER }, { 2, F_CALLEE },  { 9, F_START },
	{ 10, F_ANSWER }, { 11, F_END },   { 13, F_DURATION },
	{ 14, F_STATUS }, { 16, F_ID },
};

/*
 * Asterisk cdr_custom's stock mapping (cdr_custom.conf): clid, src, dst,
 * dcontext, channel, dstchannel, lastapp, lastdata, start, answer, end,
 * duration, billsec, disposition, amaflags, accountcode, uniqueid,
 * userfield, sequence; billsec is the duration, as for cdr_csv.
 */
static const struct preset_col asterisk_custom_map[] = {
	{ 1, F_CALLER }, { 2, F_CALLEE },  { 8, F_START },
	{ 9, F_ANSWER }, { 10, F_END },    { 12, F_DURATION },
	{ 13, F_STATUS }, { 16, F_ID },
};

/*
 * FreeSWITCH mod_cdr_csv's example (default) template: caller_id_name,
 * caller_id_number, destination_number, context, start_stamp,
 * answer_stamp, end_stamp, duration, billsec, hangup_cause, uuid,
 * bleg_uuid, accountcode, read_codec, write_codec.
 */
static const struct preset_col freeswitch_map[] = {
	{ 1, F_CALLER }, { 2, F_CALLEE },  { 4, F_START },
	{ 5, F_ANSWER }, { 6, F_END },     { 8, F_DURATION },
	{ 9, F_STATUS }, { 10, F_ID },
};

static const struct preset_col *preset_map(enum dialect d, size_t *n)
{
	switch (d) {
	case DIALECT_ASTERISK_CUSTOM:
		*n = sizeof(asterisk_custom_map) / sizeof(asterisk_custom_map[0]);
		return asterisk_custom_map;
	case DIALECT_FREESWITCH:
		*n = sizeof(freeswitch_map) / sizeof(freeswitch_map[0]);
		return freeswitch_map;
	default:
		*n = sizeof(asterisk_map) / sizeof(asterisk_map[0]);
		return asterisk_map;
	}
}

static int is_disposition(const char *s)
{
	static const char *const v[] = { "ANSWERED", "NO ANSWER", "BUSY",
					 "FAILED", "CONGESTION" };
	for (size_t i = 0; i < 5; i++)
		if (!strcmp(s, v[i]))
			return 1;
	return 0;
}

/* The shape of an Asterisk cdr_csv row: 16 to 21 fields, stamps, ints. */
static int looks_asterisk(const struct csvrow_row *row)
{
	int64_t t;
	if (row->nfield < 16 || row->nfield > 21)
		return 0;
	return ts_parse(row->field[9], row->len[9], NULL, &t) == 0 &&
	       ts_parse(row->field[11], row->len[11], NULL, &t) == 0 &&
	       text_is_digits(row->field[12], row->len[12]) &&
	       text_is_digits(row->field[13], row->len[13]) &&
	       is_disposition(row->field[14]);
}

static int is_stamp(const struct csvrow_row *row, size_t i)
{
	int64_t t;
	return ts_parse(row->field[i], row->len[i], NULL, &t) == 0;
}

static int is_amaflags(const char *s)
{
	return !strcmp(s, "DOCUMENTATION") || !strcmp(s, "BILLING") ||
	       !strcmp(s, "OMIT") || !strcmp(s, "DEFAULT");
}

/*
 * The shape of a cdr_custom row in the stock mapping: 19 fields, stamps
 * in 9 and 11 (10 a stamp or empty), whole numbers in 12, 13 and 19, a
 * disposition in 14 and AMA flags in 15 (1-based).
 */
static int looks_asterisk_custom(const struct csvrow_row *row)
{
	return row->nfield == 19 && is_stamp(row, 8) && is_stamp(row, 10) &&
	       (!row->len[9] || is_stamp(row, 9)) &&
	       text_is_digits(row->field[11], row->len[11]) &&
	       text_is_digits(row->field[12], row->len[12]) &&
	       is_disposition(row->field[13]) && is_amaflags(row->field[14]) &&
	       text_is_digits(row->field[18], row->len[18]);
}

/* A Q.850 cause name as FreeSWITCH writes it: NORMAL_CLEARING, ... */
static int is_cause(const char *s, size_t len)
{
	if (len < 4)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			return 0;
	return 1;
}

/* A UUID in its 8-4-4-4-12 hex form. */
static int is_uuid(const char *s, size_t len)
{
	if (len != 36)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

/*
 * The shape of a FreeSWITCH example-template row: 15 fields, stamps in 5
 * and 7 (6 a stamp or empty), whole numbers in 8 and 9, a cause name in 10
 * and a UUID in 11 (1-based).
 */
static int looks_freeswitch(const struct csvrow_row *row)
{
	return row->nfield == 15 && is_stamp(row, 4) && is_stamp(row, 6) &&
	       (!row->len[5] || is_stamp(row, 5)) &&
	       text_is_digits(row->field[7], row->len[7]) &&
	       text_is_digits(row->field[8], row->len[8]) &&
	       is_cause(row->field[9], row->len[9]) &&
	       is_uuid(row->field[10], row->len[10]);
}

/*
 * The Asterisk CDR with a header: the columns of its cdr table (cdr_mysql,
 * cdr_adaptive_odbc, cdr_pgsql: calldate, clid, src, dst, dcontext, ...,
 * duration, billsec, disposition, ...) or a cdr_custom layout with a header
 * line, as exported from a PBX database. Known by dcontext, billsec and
 * disposition together.
 */
static const struct {
	const char *name; /* normalised column name */
	int field;
} asterisk_names[] = {
	{ "src", F_CALLER },       { "dst", F_CALLEE },
	{ "calldate", F_START },   { "start", F_START },
	{ "answer", F_ANSWER },    { "end", F_END },
	{ "billsec", F_DURATION }, { "disposition", F_STATUS },
	{ "uniqueid", F_ID },
};

static int asterisk_header(const struct csvrow_row *hdr)
{
	int have = 0;
	for (size_t i = 0; i < hdr->nfield; i++) {
		char n[128];
		schema_normalise_name(hdr->field[i], hdr->len[i], n, sizeof(n));
		have |= !strcmp(n, "dcontext") ? 1 : !strcmp(n, "billsec") ? 2 :
			!strcmp(n, "disposition") ? 4 : 0;
	}
	return have == 7;
}

static void map_column(struct schema *s, int col, int f, const char *how);

/*
 * Map an Asterisk header by the preset's names. Another column whose
 * alias reaches a field the preset gave (clid: the caller id text beside
 * src; duration: ring and talk time beside billsec; sequence beside
 * uniqueid) is not read: the preset decides for its own format. Other
 * columns map by alias as usual. 'header_field' gets each column's field
 * for the ambiguity check (-1 for those the preset set aside).
 */
static void asterisk_by_name(struct schema *s, const struct csvrow_row *hdr,
			     int *header_field)
{
	uint64_t preset = 0;
	for (size_t i = 0; i < s->ncolumns; i++) {
		char n[128];
		schema_normalise_name(hdr->field[i], hdr->len[i], n, sizeof(n));
		header_field[i] = -1;
		for (size_t k = 0; k < sizeof(asterisk_names) / sizeof(asterisk_names[0]); k++)
			if (!strcmp(n, asterisk_names[k].name) &&
			    s->column_of[asterisk_names[k].field] < 0) {
				map_column(s, (int)i, asterisk_names[k].field,
					   "preset");
				header_field[i] = asterisk_names[k].field;
				preset |= FIELD_BIT(asterisk_names[k].field);
			}
	}
	for (size_t i = 0; i < s->ncolumns; i++) {
		if (s->columns[i].field >= 0)
			continue;
		char n[128];
		size_t l = schema_normalise_name(hdr->field[i], hdr->len[i], n,
						 sizeof(n));
		int f = field_for_header(n, l);
		if (f < 0) {
			s->columns[i].how = "unmapped";
		} else if (preset & FIELD_BIT(f)) {
			s->columns[i].how = "preset: not read";
		} else {
			header_field[i] = f;
			if (s->column_of[f] >= 0)
				s->columns[i].how = "duplicate";
			else
				map_column(s, (int)i, f, "alias");
		}
	}
}

/* ---- building ---- */

static int kind_of_field(int f)
{
	unsigned k = field_table[f].kinds & (KB_CDR | KB_IP);
	return k == KB_CDR ? KIND_CDR : k == KB_IP ? KIND_IP : KIND_UNKNOWN;
}

static void map_column(struct schema *s, int col, int f, const char *how)
{
	s->columns[col].field = f;
	s->columns[col].how = how;
	s->column_of[f] = col;
}

static void unmap_field(struct schema *s, int f, const char *how)
{
	int col = s->column_of[f];
	if (col < 0)
		return;
	s->columns[col].field = -1;
	s->columns[col].how = how;
	s->column_of[f] = -1;
}

static int apply_map(struct schema *s, const struct schema_opts *o,
		     struct diag *d)
{
	for (size_t i = 0; i < o->nmap; i++) {
		const struct map_entry *m = &o->map[i];
		int col = -1;
		for (size_t j = 0; j < i; j++)
			if (o->map[j].field == m->field)
				return diag_error(d, "--map: field '%s' is mapped "
						  "twice", field_table[m->field].name);
		if (m->position > 0) {
			if ((size_t)m->position > s->ncolumns)
				return diag_error(d, "--map: %s=%d: the file has "
						  "only %zu column%s",
						  field_table[m->field].name,
						  m->position, s->ncolumns,
						  s->ncolumns == 1 ? "" : "s");
			col = m->position - 1;
		} else {
			col = schema_column_index(s, m->column,
						  strlen(m->column));
			if (col < 0)
				return diag_error(d, "--map: no column named '%s'",
						  m->column);
		}
		if (s->columns[col].field >= 0)
			s->column_of[s->columns[col].field] = -1;
		unmap_field(s, m->field, "replaced by --map");
		map_column(s, col, m->field, "--map");
	}
	return 0;
}

static void settle_kind(struct schema *s, const struct schema_opts *o)
{
	int cdr = 0, ip = 0;
	for (int f = 0; f < F_COUNT; f++) {
		if (s->column_of[f] < 0)
			continue;
		int k = kind_of_field(f);
		cdr += k == KIND_CDR;
		ip += k == KIND_IP;
	}
	s->kind = o->kind != KIND_UNKNOWN ? o->kind :
		  ip > cdr ? KIND_IP : KIND_CDR;
	unsigned keep = s->kind == KIND_CDR ? KB_CDR : KB_IP;
	for (int f = 0; f < F_COUNT; f++)
		if (s->column_of[f] >= 0 && !(field_table[f].kinds & keep))
			unmap_field(s, f, s->kind == KIND_CDR ?
				    "not a CDR field" : "not an IP-log field");
}

static void settle_composites(struct schema *s)
{
	int *c = s->column_of;
	/* "Call Date" (a start alias) next to "Call Time": a date and a time */
	if (c[F_START] >= 0 && c[F_START_TIME] >= 0 && c[F_START_DATE] < 0) {
		int col = c[F_START];
		unmap_field(s, F_START, "");
		map_column(s, col, F_START_DATE, "alias");
	}
	if (c[F_START] < 0 && c[F_START_DATE] >= 0 && c[F_START_TIME] >= 0) {
		s->time_split = 1;
	} else if (c[F_START] < 0 && c[F_START_DATE] >= 0) {
		int col = c[F_START_DATE];
		unmap_field(s, F_START_DATE, "");
		map_column(s, col, F_START, "alias");
	} else if (c[F_START] < 0 && c[F_START_TIME] >= 0) {
		int col = c[F_START_TIME];
		unmap_field(s, F_START_TIME, "");
		map_column(s, col, F_START, "alias");
	}
	if (c[F_DURATION] < 0 && c[F_END] >= 0 &&
	    (c[F_START] >= 0 || s->time_split))
		s->dur_derived = 1;
	/* a served party column in a CDR without caller: msisdn + other party */
	if (s->kind == KIND_CDR && c[F_SUBSCRIBER] >= 0 && c[F_CALLER] < 0)
		s->served_mode = 1;
	else if (s->kind == KIND_CDR && s->opts && s->opts->subscriber &&
		 c[F_CALLER] < 0 && c[F_SUBSCRIBER] < 0)
		s->served_mode = 1; /* --subscriber: one target, other party */
	else if (s->kind == KIND_CDR && c[F_SUBSCRIBER] >= 0)
		unmap_field(s, F_SUBSCRIBER, "caller already mapped");
}

/* 1 when --map names field 'f'. */
static int map_names(const struct schema_opts *o, int f)
{
	for (size_t i = 0; i < o->nmap; i++)
		if (o->map[i].field == f)
			return 1;
	return 0;
}

/* 1 when --map gave column 'col' (0-based) to some field. */
static int map_took(const struct schema *s, size_t col)
{
	return !strcmp(s->columns[col].how, "--map");
}

/* A header name that can be typed after --map F= as it is. */
static int plain_name(const char *name)
{
	if (!*name)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.'))
			return 0;
	return 1;
}

/* "--map F=NAME" when NAME is plain and unique in the header, else F=N. */
static void add_map_hint(const struct schema *s, struct buf *b, int f,
			 size_t col)
{
	const char *name = s->columns[col].name;
	int unique = 1;
	for (size_t i = 0; i < s->ncolumns; i++)
		if (i != col && !strcmp(s->columns[i].name, name))
			unique = 0;
	if (unique && plain_name(name))
		buf_addf(b, "--map %s=%s", field_table[f].name, name);
	else
		buf_addf(b, "--map %s=%zu", field_table[f].name, col + 1);
}

/* One ambiguity, appended to 'msg' ("; " between several). */
static void ambiguous(const struct schema *s, int f, size_t a, size_t b,
		      const char *why, struct buf *msg)
{
	struct buf na = BUF_INIT, nb = BUF_INIT;
	buf_add_escaped(&na, s->columns[a].name, strlen(s->columns[a].name), 64);
	buf_add_escaped(&nb, s->columns[b].name, strlen(s->columns[b].name), 64);
	buf_addf(msg, "%scolumn %zu '%s' and column %zu '%s' both reach field "
		 "'%s'%s; say which with ", msg->len ? "; also " : "", a + 1,
		 buf_cstr(&na), b + 1, buf_cstr(&nb), field_table[f].name, why);
	add_map_hint(s, msg, f, a);
	buf_adds(msg, " or ");
	add_map_hint(s, msg, f, b);
	buf_release(&na);
	buf_release(&nb);
}

/*
 * Two header columns that reach one field are refused until --map says
 * which (DESIGN section 3: a header that cannot be understood reads 0
 * rows). Columns --map gave to a field, and fields --map names, are
 * settled; fields of the other kind are not read and do not count. In a
 * CDR the served party (msisdn, subscriber) beside a caller column is
 * the same question: which column is the caller.
 */
static int check_ambiguous(const struct schema *s, const struct schema_opts *o,
			   const int *header_field, struct diag *d)
{
	unsigned keep = s->kind == KIND_CDR ? KB_CDR : KB_IP;
	struct buf msg = BUF_INIT;
	int caller_said = 0;
	for (int f = 0; f < F_COUNT; f++) {
		if (!(field_table[f].kinds & keep) || map_names(o, f))
			continue;
		size_t first = SIZE_MAX;
		for (size_t i = 0; i < s->ncolumns; i++) {
			if (header_field[i] != f || map_took(s, i))
				continue;
			if (first == SIZE_MAX) {
				first = i;
			} else {
				ambiguous(s, f, first, i, "", &msg);
				caller_said |= f == F_CALLER;
				break;
			}
		}
	}
	if (!caller_said && s->kind == KIND_CDR && !map_names(o, F_CALLER) &&
	    !map_names(o, F_SUBSCRIBER) && s->column_of[F_CALLER] >= 0 &&
	    s->column_of[F_SUBSCRIBER] >= 0 &&
	    !map_took(s, (size_t)s->column_of[F_CALLER]) &&
	    !map_took(s, (size_t)s->column_of[F_SUBSCRIBER])) {
		size_t a = (size_t)s->column_of[F_SUBSCRIBER];
		size_t b = (size_t)s->column_of[F_CALLER];
		ambiguous(s, F_CALLER, a < b ? a : b, a < b ? b : a,
			  " (a served party and a calling party)", &msg);
	}
	if (!msg.len)
		return 0;
	diag_error(d, "ambiguous header: %s", buf_cstr(&msg));
	buf_release(&msg);
	return -1;
}

int schema_build(struct schema **out, const struct schema_opts *opts,
		 const struct csvrow_row *hdr, int *first_is_data,
		 struct diag *d)
{
	struct schema *s = xcalloc(1, sizeof(*s));
	int *header_field = NULL; /* per column: the field its name reaches */
	s->opts = opts;
	s->ncolumns = hdr->nfield;
	s->columns = xcalloc(s->ncolumns ? s->ncolumns : 1, sizeof(*s->columns));
	for (int f = 0; f < F_COUNT; f++)
		s->column_of[f] = -1;
	*first_is_data = 0;
	for (const char *p = opts->nulls; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		nullset_add(&s->nulls, p, l);
		p = c ? c + 1 : p + l;
	}

	s->dialect = DIALECT_NONE;
	int named = !opts->no_header && opts->dialect != DIALECT_NONE &&
		    asterisk_header(hdr);
	int sniff = opts->dialect == DIALECT_AUTO && !opts->nmap;
	if (opts->dialect == DIALECT_ASTERISK || named ||
	    (sniff && looks_asterisk(hdr)))
		s->dialect = DIALECT_ASTERISK;
	else if (opts->dialect == DIALECT_ASTERISK_CUSTOM ||
		 (sniff && looks_asterisk_custom(hdr)))
		s->dialect = DIALECT_ASTERISK_CUSTOM;
	else if (opts->dialect == DIALECT_FREESWITCH ||
		 (sniff && looks_freeswitch(hdr)))
		s->dialect = DIALECT_FREESWITCH;
	s->has_header = !opts->no_header &&
			(!dialect_is_pbx(s->dialect) || named);
	*first_is_data = !s->has_header;

	for (size_t i = 0; i < s->ncolumns; i++) {
		struct buf name = BUF_INIT;
		if (s->has_header)
			buf_add(&name, hdr->field[i], hdr->len[i]);
		else
			buf_addf(&name, "column %zu", i + 1);
		s->columns[i].name = xstrndup(buf_cstr(&name), name.len);
		s->columns[i].field = -1;
		s->columns[i].how = "";
		buf_release(&name);
	}
	if (s->dialect == DIALECT_ASTERISK && named) {
		header_field = xcalloc(s->ncolumns ? s->ncolumns : 1,
				       sizeof(*header_field));
		asterisk_by_name(s, hdr, header_field);
		s->kind = KIND_CDR;
	} else if (dialect_is_pbx(s->dialect)) {
		size_t n;
		const struct preset_col *pm = preset_map(s->dialect, &n);
		for (size_t i = 0; i < n; i++)
			if ((size_t)pm[i].col < s->ncolumns)
				map_column(s, pm[i].col, pm[i].field, "preset");
		s->kind = KIND_CDR;
	} else if (s->has_header) {
		header_field = xcalloc(s->ncolumns ? s->ncolumns : 1,
				       sizeof(*header_field));
		for (size_t i = 0; i < s->ncolumns; i++) {
			char n[128];
			size_t l = schema_normalise_name(hdr->field[i],
							 hdr->len[i], n,
							 sizeof(n));
			int f = field_for_header(n, l);
			header_field[i] = f;
			if (f < 0) {
				s->columns[i].how = "unmapped";
				continue;
			}
			if (s->column_of[f] >= 0) {
				s->columns[i].how = "duplicate";
				continue;
			}
			map_column(s, (int)i, f,
				   is_canonical_name(f, n, l) ? "name" : "alias");
		}
	}
	if (apply_map(s, opts, d) < 0)
		goto fail;
	if (!dialect_is_pbx(s->dialect))
		settle_kind(s, opts);
	if (header_field && check_ambiguous(s, opts, header_field, d) < 0)
		goto fail;
	settle_composites(s);
	int any = 0;
	for (int f = 0; f < F_COUNT; f++)
		any |= s->column_of[f] >= 0;
	if (!any) {
		if (opts->no_header)
			diag_error(d, "no column is mapped: with --no-header, "
				   "give --map FIELD=N,...");
		else {
			struct buf names = BUF_INIT;
			for (size_t i = 0; i < s->ncolumns && i < 12; i++) {
				if (i)
					buf_adds(&names, ", ");
				buf_add_escaped(&names, s->columns[i].name,
						strlen(s->columns[i].name), 40);
			}
			diag_error(d, "header not understood: no column matches "
				   "a known field (columns: %s%s); map them with "
				   "--map FIELD=COLUMN", buf_cstr(&names),
				   s->ncolumns > 12 ? ", ..." : "");
			buf_release(&names);
		}
		goto fail;
	}
	for (int f = 0; f < F_COUNT; f++) {
		if (s->column_of[f] < 0 || (s->time_split &&
		    (f == F_START_DATE || f == F_START_TIME)))
			continue;
		s->parse_field[s->nparse] = (unsigned char)f;
		s->parse_col[s->nparse++] = s->column_of[f];
	}
	free(header_field);
	*out = s;
	return 0;
fail:
	free(header_field);
	schema_free(s);
	return -1;
}

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nulls.n; i++)
		free(s->nulls.v[i]);
	free(s->nulls.empty);
	free(s->zeek_path);
	for (size_t i = 0; i < s->ncolumns; i++)
		free(s->columns[i].name);
	free(s->columns);
	free(s);
}

int schema_provides(const struct schema *s, int f)
{
	unsigned keep = s->kind == KIND_CDR ? KB_CDR : KB_IP;
	if (f < 0 || f >= F_COUNT || !(field_table[f].kinds & keep))
		return 0;
	if (s->column_of[f] >= 0)
		return 1;
	switch (f) {
	case F_START:
		return s->time_split;
	case F_DURATION:
		return s->dur_derived;
	case F_CALLER:
	case F_CALLEE:
		return s->served_mode;
	case F_SUBSCRIBER:
		return s->kind == KIND_CDR &&
		       ((s->opts && s->opts->subscriber) ||
			schema_provides(s, F_CALLER) || schema_provides(s, F_CALLEE));
	case F_PEER:
		return s->kind == KIND_CDR ?
		       schema_provides(s, F_CALLER) || schema_provides(s, F_CALLEE) :
		       s->column_of[F_DST_IP] >= 0;
	case F_HOUR:
	case F_DOW:
	case F_DATE:
		return schema_provides(s, F_START);
	case F_DIRECTION:
		/* a type column may say it too (MOC, SMS-MT, ...) */
		return s->column_of[F_TYPE] >= 0 || dialect_is_pbx(s->dialect);
	case F_TYPE:
		return dialect_is_pbx(s->dialect);
	case F_LAT:
	case F_LON:
		return s->column_of[F_CELL] >= 0 && s->opts && s->opts->cells;
	case F_CELL_OFFSET:
		return s->column_of[F_CELL] >= 0 && s->opts && s->opts->cells &&
		       s->column_of[F_LAT] >= 0 && s->column_of[F_LON] >= 0;
	case F_CELL_RANGE:
		return s->column_of[F_CELL] >= 0 && s->opts && s->opts->cells;
	case F_LAC:
	case F_MCC:
	case F_MNC:
		return s->column_of[F_CELL] >= 0; /* from a CGI */
	case F_CELL_ID:
		return s->column_of[F_CELL] >= 0; /* the CI of the cell key */
	default:
		return 0;
	}
}

int schema_check_fields(const struct schema *s, uint64_t fields,
			const char *asked_by, struct diag *d)
{
	for (int f = 0; f < F_COUNT; f++) {
		if (!(fields & FIELD_BIT(f)) || schema_provides(s, f))
			continue;
		struct buf names = BUF_INIT;
		for (size_t i = 0; i < s->ncolumns && i < 12; i++) {
			if (i)
				buf_adds(&names, ", ");
			buf_add_escaped(&names, s->columns[i].name,
					strlen(s->columns[i].name), 40);
		}
		unsigned other = s->kind == KIND_CDR ? KB_IP : KB_CDR;
		int wrong_kind = (field_table[f].kinds & other) &&
				 !(field_table[f].kinds &
				   (s->kind == KIND_CDR ? KB_CDR : KB_IP));
		diag_error(d, "field '%s' (%s) is not in this input: %s "
			   "(columns: %s%s)", field_table[f].name, asked_by,
			   wrong_kind ? (s->kind == KIND_CDR ?
			   "it is an IP-log field and this input is read as "
			   "CDRs" : "it is a CDR field and this input is read "
			   "as an IP log") : "no column maps to it, and it "
			   "cannot be derived from those that do",
			   buf_cstr(&names), s->ncolumns > 12 ? ", ..." : "");
		buf_release(&names);
		return -1;
	}
	return 0;
}

int schema_is_cell_table(const struct csvrow_row *hdr)
{
	static const char *const ocid[] = { "radio", "mcc", "net", "area",
					    "cell", "lon", "lat" };
	unsigned have = 0;     /* OpenCellID names seen, bit per name */
	uint64_t fields = 0;   /* fields the columns reach */
	for (size_t i = 0; i < hdr->nfield; i++) {
		char n[128];
		size_t l = schema_normalise_name(hdr->field[i], hdr->len[i], n,
						 sizeof(n));
		for (size_t k = 0; k < sizeof(ocid) / sizeof(ocid[0]); k++)
			if (!strcmp(n, ocid[k]))
				have |= 1u << k;
		int f = field_for_header(n, l);
		if (f >= 0)
			fields |= FIELD_BIT(f);
	}
	if (have == (1u << (sizeof(ocid) / sizeof(ocid[0]))) - 1)
		return 1;
	uint64_t pos = FIELD_BIT(F_CELL) | FIELD_BIT(F_LAT) | FIELD_BIT(F_LON);
	uint64_t event = FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE) |
			 FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_START) |
			 FIELD_BIT(F_END) | FIELD_BIT(F_DURATION) |
			 FIELD_BIT(F_START_DATE) | FIELD_BIT(F_START_TIME) |
			 FIELD_BIT(F_SRC_IP) | FIELD_BIT(F_PUBLIC_IP) |
			 FIELD_BIT(F_DST_IP) | FIELD_BIT(F_IMSI) |
			 FIELD_BIT(F_IMEI);
	return (fields & pos) == pos && !(fields & event);
}

int schema_column_index(const struct schema *s, const char *name, size_t len)
{
	char a[128], b[128];
	for (size_t i = 0; i < s->ncolumns; i++)
		if (strlen(s->columns[i].name) == len &&
		    !memcmp(s->columns[i].name, name, len))
			return (int)i;
	size_t al = schema_normalise_name(name, len, a, sizeof(a));
	for (size_t i = 0; i < s->ncolumns; i++) {
		size_t bl = schema_normalise_name(s->columns[i].name,
						  strlen(s->columns[i].name), b,
						  sizeof(b));
		if (al && al == bl && !memcmp(a, b, al))
			return (int)i;
	}
	return -1;
}

int schema_row_class(const struct schema *s, const struct csvrow_row *row)
{
	if (s->dialect == DIALECT_ZEEK && row->nfield && row->len[0] &&
	    row->field[0][0] == '#') {
		if (row->len[0] == 7 && !memcmp(row->field[0], "#fields", 7)) {
			struct csvrow_row h = *row;
			h.field++;
			h.len++;
			h.nfield--;
			/* other fields: mapped, so rejected, never skipped */
			return schema_is_header_row(s, &h) ? SCHEMA_ROW_HEADER :
							     SCHEMA_ROW_DATA;
		}
		return SCHEMA_ROW_DIRECTIVE;
	}
	return schema_is_header_row(s, row) ? SCHEMA_ROW_HEADER : SCHEMA_ROW_DATA;
}

void schema_set_zeek(struct schema *s, const char *unset, const char *empty,
		     const char *path)
{
	s->dialect = DIALECT_ZEEK;
	if (unset && *unset)
		nullset_add(&s->nulls, unset, strlen(unset));
	if (empty && *empty) {
		free(s->nulls.empty);
		s->nulls.empty = xstrdup(empty);
		s->nulls.empty_len = strlen(empty);
	}
	free(s->zeek_path);
	s->zeek_path = path ? xstrdup(path) : NULL;
}

int schema_is_header_row(const struct schema *s, const struct csvrow_row *row)
{
	if (!s->has_header || row->nfield != s->ncolumns)
		return 0;
	for (size_t i = 0; i < row->nfield; i++)
		if (strlen(s->columns[i].name) != row->len[i] ||
		    memcmp(s->columns[i].name, row->field[i], row->len[i]))
			return 0;
	return 1;
}

/* ---- values ---- */

static inline void trim(const char **s, size_t *len)
{
	if (!*len || (**s != ' ' && **s != '\t' && (*s)[*len - 1] != ' ' &&
		      (*s)[*len - 1] != '\t'))
		return; /* the common case: nothing to trim */
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}


static int parse_int(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0;
	int neg = 0;
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return -1;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, s[i] - '0', &v))
			return -1;
	}
	*out = neg ? -v : v;
	return 0;
}

/* Exact powers of ten: a double holds 10^0 .. 10^22 exactly. */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * A decimal number (issue #10: hex floats, inf, nan and a decimal comma
 * nobody declared are not numbers):
 *
 *   real -> [+|-] mantissa [(e|E) [+|-] digit+]
 *   mantissa -> digit+ [sep digit*] | sep digit+
 *   sep -> '.' | ',' (',' only with --decimal-comma: 'comma_ok')
 *
 * Returns 0, -1 when 's' is not a real, or -2 when it would be one with a
 * decimal comma that is not allowed. The common form (no exponent, at most
 * 15 significant digits) is computed exactly: the digits as an integer
 * below 2^53, divided by an exact power of ten, which IEEE division rounds
 * correctly (Clinger's fast path); the rest goes to strtod once the
 * grammar has been checked here, on a copy with the separator a dot.
 */
static int parse_real(const char *s, size_t len, int comma_ok, double *out)
{
	size_t i = 0, digits = 0, frac = 0, sep_at = 0;
	int neg = 0, sep = 0, comma = 0, expo = 0;
	uint64_t m = 0;
	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	for (; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			if (digits < 19)
				m = m * 10 + (uint64_t)(c - '0');
			digits++;
			frac += sep;
		} else if ((c == '.' || c == ',') && !sep) {
			sep = 1;
			comma = c == ',';
			sep_at = i;
		} else {
			break;
		}
	}
	if (!digits)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t k = i + 1, ed = 0;
		if (k < len && (s[k] == '+' || s[k] == '-'))
			k++;
		for (; k < len && s[k] >= '0' && s[k] <= '9'; k++)
			ed++;
		if (!ed)
			return -1;
		expo = 1;
		i = k;
	}
	if (i != len)
		return -1;
	if (comma && !comma_ok)
		return -2;
	if (!expo && digits <= 15) {
		double v = (double)m / pow10_exact[frac];
		*out = neg ? -v : v;
		return 0;
	}
	char tmp[64], *end;
	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (sep)
		tmp[sep_at] = '.';
	errno = 0;
	*out = strtod(tmp, &end);
	return errno || *end || !isfinite(*out) ? -1 : 0;
}

static const char *const unparsable[F_COUNT] = {
#define FIELD(id, name, kinds, type, aliases) "unparsable " name,
#include "canon.def"
#undef FIELD
};
static const char *const decimal_comma_in[F_COUNT] = {
#define FIELD(id, name, kinds, type, aliases) "decimal comma in " name,
#include "canon.def"
#undef FIELD
};
static const char *const control_in[F_COUNT] = {
#define FIELD(id, name, kinds, type, aliases) "control character in " name,
#include "canon.def"
#undef FIELD
};

const char schema_reason_dmy_conflict[] =
	"month above 12 in a day-first date (see --date-order)";
const char schema_reason_mdy_conflict[] =
	"month above 12 in a month-first date (see --date-order)";

/* The reason for a date that reads only in the order not in force. */
static const char *order_conflict(const struct schema *s)
{
	return s->opts->date_order == DATE_MDY ? schema_reason_mdy_conflict :
						 schema_reason_dmy_conflict;
}

/*
 * Identifiers (parties, IMSI, IMEI, cell, LAC) name a subscriber, a
 * handset or a mast: a control byte in one is damage or an injection
 * attempt, never part of the identifier (issue #10).
 */
static int is_identifier(int f, enum field_type type)
{
	return type == FT_PHONE || f == F_IMSI || f == F_IMEI ||
	       f == F_CELL || f == F_LAC;
}

/* Parse one column into rec->v[f]. 0, or -1 with '*reason'. */
static int set_value(struct schema *s, struct record *rec, int f,
		     const char *v, size_t len, const char **reason)
{
	union rvalue *out = &rec->v[f];
	trim(&v, &len);
	if (!len)
		return 0; /* missing, not zero */
	enum field_type type = field_table[f].type;
	/*
	 * Digits alone, not starting with 0: a phone number already normal
	 * (and over 62 digits kept as written), the same text either way.
	 * The common case, and one that cannot hold a control byte.
	 */
	if (type == FT_PHONE && v[0] != '0' && text_is_digits(v, len)) {
		out->s.s = v;
		out->s.len = (uint32_t)len;
		rec->present |= FIELD_BIT(f);
		return 0;
	}
	if (is_identifier(f, type) && text_has_control(v, len)) {
		*reason = control_in[f];
		return -1;
	}
	switch (type) {
	case FT_STR:
		out->s.s = v;
		out->s.len = (uint32_t)len;
		break;
	case FT_PHONE: {
		char tmp[80];
		int n = phone_normalise(v, len, s->opts->country, tmp, sizeof(tmp));
		if (n < 0) {
			out->s.s = v; /* "anonymous", "s", ... kept as written */
			out->s.len = (uint32_t)len;
		} else {
			out->s = record_keep(rec, tmp, (size_t)n);
		}
		break;
	}
	case FT_INT:
		if (parse_int(v, len, &out->i) < 0)
			goto bad;
		if ((f == F_SRC_PORT || f == F_DST_PORT || f == F_PUBLIC_PORT ||
		     f == F_PUBLIC_PORT_END) && (out->i < 0 || out->i > 65535)) {
			*reason = "port out of range";
			return -1;
		}
		if ((f == F_BYTES_UP || f == F_BYTES_DOWN) && out->i < 0) {
			*reason = "negative byte count";
			return -1;
		}
		break;
	case FT_REAL: {
		int rc = parse_real(v, len, s->opts->decimal_comma, &out->d);
		if (rc == -2) {
			*reason = decimal_comma_in[f];
			return -1;
		}
		if (rc < 0)
			goto bad;
		if (f == F_LAT && fabs(out->d) > 90) {
			*reason = "latitude outside -90..90";
			return -1;
		}
		if (f == F_LON && fabs(out->d) > 180) {
			*reason = "longitude outside -180..180";
			return -1;
		}
		break;
	}
	case FT_TIME: {
		/* the microseconds too, for a duration from end - start */
		int us = 0, rc = ts_parse_order(v, len, s->opts->tz,
						(enum date_order)s->opts->date_order,
						&out->i, &us);
		if (rc == -2) {
			*reason = order_conflict(s);
			return -1;
		}
		if (rc < 0)
			goto bad;
		if (f == F_START || f == F_END)
			rec->sub_us[f == F_END] = us;
		break;
	}
	case FT_DUR:
		if (dur_parse(v, len, &out->i) < 0)
			goto bad;
		break;
	case FT_TYPE: {
		int t, dir;
		value_type(v, len, &t, &dir);
		if (dir && !record_has(rec, F_DIRECTION)) {
			rec->v[F_DIRECTION].i = dir;
			rec->present |= FIELD_BIT(F_DIRECTION);
		}
		if (!t)
			return 0; /* "MO" in a type column: a direction only */
		out->i = t;
		break;
	}
	case FT_DIR:
		out->i = value_dir(v, len);
		break;
	case FT_IP:
		if (ip_parse(v, len, &out->ip) < 0)
			goto bad;
		break;
	case FT_DATE:
		BUG("date is derived, never mapped");
	}
	rec->present |= FIELD_BIT(f);
	return 0;
bad:
	*reason = unparsable[f];
	return -1;
}

/* The fields a mapped field's value depends on, for the 'need' mask. */
static uint64_t expand_need(const struct schema *s, uint64_t need)
{
	if (need & (FIELD_BIT(F_HOUR) | FIELD_BIT(F_DOW) | FIELD_BIT(F_DATE)))
		need |= FIELD_BIT(F_START);
	if (need & (FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_PEER)))
		need |= FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE) |
			FIELD_BIT(F_DIRECTION) | FIELD_BIT(F_TYPE) |
			FIELD_BIT(F_SUBSCRIBER);
	if (need & (FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE)))
		need |= s->served_mode ? FIELD_BIT(F_SUBSCRIBER) |
			FIELD_BIT(F_DIRECTION) | FIELD_BIT(F_TYPE) : 0;
	if (need & FIELD_BIT(F_DIRECTION))
		need |= FIELD_BIT(F_TYPE);
	if (need & FIELD_BIT(F_DURATION))
		need |= FIELD_BIT(F_START) | FIELD_BIT(F_END);
	if (need & FIELD_BIT(F_START))
		need |= FIELD_BIT(F_START_DATE) | FIELD_BIT(F_START_TIME);
	if (need & (FIELD_BIT(F_CELL_OFFSET) | FIELD_BIT(F_CELL_RANGE)))
		need |= FIELD_BIT(F_LAT) | FIELD_BIT(F_LON);
	if (need & (FIELD_BIT(F_LAT) | FIELD_BIT(F_LON)))
		need |= FIELD_BIT(F_CELL) | FIELD_BIT(F_LAC) | FIELD_BIT(F_LAT) |
			FIELD_BIT(F_LON); /* a position is a pair */
	if (need & (FIELD_BIT(F_CELL_ID) | FIELD_BIT(F_MCC) | FIELD_BIT(F_MNC) |
		    FIELD_BIT(F_LAC)))
		need |= FIELD_BIT(F_CELL); /* one key: parts check each other */
	if (need & FIELD_BIT(F_CELL))
		need |= FIELD_BIT(F_MCC) | FIELD_BIT(F_MNC) | FIELD_BIT(F_LAC);
	return need;
}

/* "column 'NAME': 'VALUE'" for a reject's detail. */
static void detail_value(const struct schema *s, struct buf *detail, int col,
			 const char *v, size_t len)
{
	if (!detail)
		return;
	buf_adds(detail, "column '");
	buf_add_escaped(detail, s->columns[col].name,
			strlen(s->columns[col].name), 64);
	buf_adds(detail, "': '");
	int f = s->columns[col].field;
	if (s->opts->pseudo && f >= 0 &&
	    pseudo_replaces(s->opts->pseudo, ident_of_field(f))) {
		/* issue 17: no identifier on standard error or in --rejects */
		struct buf tok = BUF_INIT;
		pseudo_token(s->opts->pseudo, ident_of_field(f), v, len, &tok);
		buf_add_escaped(detail, tok.data ? tok.data : "", tok.len, 64);
		buf_release(&tok);
	} else {
		buf_add_escaped(detail, v, len, 64);
	}
	buf_addch(detail, '\'');
}

static int is_number(const struct record *rec, int f, const char *n,
		     size_t nl)
{
	return record_has(rec, f) && rec->v[f].s.len == nl &&
	       !memcmp(rec->v[f].s.s, n, nl);
}

static void set_number(struct record *rec, int f, const char *n, size_t nl)
{
	rec->v[f].s.s = n;
	rec->v[f].s.len = (uint32_t)nl;
	rec->present |= FIELD_BIT(f);
}

/*
 * --subscriber NUMBER: every record is that target's. It fills what the
 * file does not say and checks what it does: a served-party value, when
 * the file has one, must be the number; with caller and callee, the party
 * the direction serves (the caller of mo, the callee of mt) must be the
 * number or missing (then it becomes the number), and an unknown
 * direction becomes mo or mt by the party that is the number (mo when
 * both are). -1 when the record is someone else's.
 */
static int served_by_option(const struct schema *s, struct record *rec)
{
	const char *n = s->opts->subscriber;
	size_t nl = strlen(n);
	int dir = record_has(rec, F_DIRECTION) ? (int)rec->v[F_DIRECTION].i :
						 DIR_UNKNOWN;
	if (s->served_mode) {
		if (!record_has(rec, F_SUBSCRIBER))
			set_number(rec, F_SUBSCRIBER, n, nl);
		return is_number(rec, F_SUBSCRIBER, n, nl) ? 0 : -1;
	}
	if (dir == DIR_MO || dir == DIR_MT) {
		int f = dir == DIR_MT ? F_CALLEE : F_CALLER;
		if (!record_has(rec, f))
			set_number(rec, f, n, nl);
		return is_number(rec, f, n, nl) ? 0 : -1;
	}
	if (is_number(rec, F_CALLER, n, nl))
		dir = DIR_MO;
	else if (is_number(rec, F_CALLEE, n, nl))
		dir = DIR_MT;
	else
		return -1;
	rec->v[F_DIRECTION].i = dir;
	rec->present |= FIELD_BIT(F_DIRECTION);
	return 0;
}

/* A CDR's start from date + time columns. */
static int split_start(struct schema *s, const struct csvrow_row *row,
		       struct record *rec, const char **reason,
		       struct buf *detail)
{
	const char *dv = row->field[s->column_of[F_START_DATE]];
	size_t dl = row->len[s->column_of[F_START_DATE]];
	const char *tv = row->field[s->column_of[F_START_TIME]];
	size_t tl = row->len[s->column_of[F_START_TIME]];
	int64_t days, ms;
	trim(&dv, &dl);
	trim(&tv, &tl);
	if (!dl && !tl)
		return 0;
	int rc = ts_parse_date_order(dv, dl,
				     (enum date_order)s->opts->date_order, &days);
	if (rc < 0) {
		*reason = rc == -2 ? order_conflict(s) : "unparsable start date";
		detail_value(s, detail, s->column_of[F_START_DATE], dv, dl);
		return -1;
	}
	if (ts_parse_time_us(tv, tl, &ms, &rec->sub_us[0]) < 0) {
		*reason = "unparsable start time";
		detail_value(s, detail, s->column_of[F_START_TIME], tv, tl);
		return -1;
	}
	rec->v[F_START].i = tz_local_to_utc(s->opts->tz, days * 86400000 + ms);
	rec->present |= FIELD_BIT(F_START);
	return 0;
}

/*
 * The cell key (cells.h): the parts the cell text carries (a CGI
 * "MCC-MNC-LAC-CI", an ECGI "MCC-MNC-ECI", "LAC-CI", or a bare id) and
 * the parts separate mcc, mnc and lac columns give are one key; a part
 * given twice must agree. F_CELL becomes the key's canonical text (what
 * output, --by and counts see), F_CELL_ID the cell identity alone (what
 * "cell" reads in expressions), and the parts fill mcc, mnc and lac.
 * Then, with a cell table, the record's own parts find its position.
 */
static int fill_cell(const struct schema *s, struct record *rec,
		     const char **reason, struct buf *detail)
{
	static const enum field_id part_field[3] = { F_MCC, F_MNC, F_LAC };
	struct cell_key k;
	struct cell_part *part[3] = { &k.mcc, &k.mnc, &k.lac };
	int nparts = 0, from_columns = 0;
	char tmp[512];

	memset(&k, 0, sizeof(k));
	if (record_has(rec, F_CELL))
		nparts = cell_split(rec->v[F_CELL].s.s, rec->v[F_CELL].s.len,
				    &k);
	for (int i = 0; i < 3; i++) {
		if (!record_has(rec, part_field[i]))
			continue;
		struct cell_part col = { rec->v[part_field[i]].s.s,
					 rec->v[part_field[i]].s.len };
		if (part[i]->len && !cell_part_same(part[i], &col)) {
			*reason = "cell and its parts disagree";
			if (detail) {
				buf_adds(detail, "cell '");
				buf_add_escaped(detail, rec->v[F_CELL].s.s,
						rec->v[F_CELL].s.len, 64);
				buf_addf(detail, "' has %s ",
					 field_table[part_field[i]].name);
				buf_add_escaped(detail, part[i]->s,
						part[i]->len, 64);
				buf_adds(detail, ", its column says ");
				buf_add_escaped(detail, col.s, col.len, 64);
			}
			return -1;
		}
		if (!part[i]->len)
			from_columns = 1;
		*part[i] = col;
	}
	if (!k.ci.len)
		return 0;
	for (int i = 0; i < 3; i++)
		if (part[i]->len && !record_has(rec, part_field[i])) {
			rec->v[part_field[i]].s.s = part[i]->s;
			rec->v[part_field[i]].s.len = (uint32_t)part[i]->len;
			rec->present |= FIELD_BIT(part_field[i]);
		}
	rec->v[F_CELL_ID].s.s = k.ci.s;
	rec->v[F_CELL_ID].s.len = (uint32_t)k.ci.len;
	rec->present |= FIELD_BIT(F_CELL_ID);
	size_t n = cell_key_format(&k, tmp, sizeof(tmp));
	if (n && (n != rec->v[F_CELL].s.len ||
		  memcmp(tmp, rec->v[F_CELL].s.s, n)))
		rec->v[F_CELL].s = record_keep(rec, tmp, n);
	rec->cell.form[nparts > 1 ? CELL_FORM_CGI : from_columns ?
		       CELL_FORM_COLUMNS : CELL_FORM_ID]++;

	if (!s->opts->cells)
		return 0;
	double lat, lon, range;
	switch (cells_find(s->opts->cells, &k, &lat, &lon, &range)) {
	case CELLS_UNKNOWN:
		rec->cell.unknown++;
		return 0;
	case CELLS_AMBIGUOUS:
		rec->cell.ambiguous++;
		return 0;
	case CELLS_FOUND:
		break;
	}
	if (record_has(rec, F_LAT) && record_has(rec, F_LON)) {
		/* keep the record's own position; count a disagreement */
		rec->v[F_CELL_OFFSET].d = geo_distance_m(rec->v[F_LAT].d,
							 rec->v[F_LON].d,
							 lat, lon);
		rec->present |= FIELD_BIT(F_CELL_OFFSET);
		double dlat = (rec->v[F_LAT].d - lat) * 111195.0;
		double dlon = (rec->v[F_LON].d - lon) * 111195.0 *
			      cos(lat * M_PI / 180.0);
		double limit = range > 1000.0 ? range : 1000.0;
		if (dlat * dlat + dlon * dlon > limit * limit)
			rec->cell.disagree++;
		return 0;
	}
	rec->v[F_LAT].d = lat;
	rec->v[F_LON].d = lon;
	rec->present |= FIELD_BIT(F_LAT) | FIELD_BIT(F_LON);
	if (range > 0) {
		rec->v[F_CELL_RANGE].d = range;
		rec->present |= FIELD_BIT(F_CELL_RANGE);
	}
	rec->cell.filled++;
	return 0;
}

/* 1 when a row may give a cell part twice (cell text and a part column). */
static int cell_parts_twice(const struct schema *s)
{
	return s->column_of[F_CELL] >= 0 &&
	       (s->column_of[F_MCC] >= 0 || s->column_of[F_MNC] >= 0 ||
		s->column_of[F_LAC] >= 0);
}

int schema_map_row(struct schema *s, const struct csvrow_row *row,
		   struct record *rec, uint64_t need, const char **reason,
		   struct buf *detail)
{
	record_clear(rec);
	rec->kind = s->kind;
	rec->row = row;
	rec->tz = s->opts->tz;
	rec->line = row->line;
	rec->nulls = s->nulls.n || s->nulls.empty ? &s->nulls : NULL;
	*reason = NULL;
	if (row->nfield != s->ncolumns) {
		*reason = row->nfield < s->ncolumns ? "too few fields" :
						      "too many fields";
		if (detail)
			buf_addf(detail, "expected %zu field%s, found %zu",
				 s->ncolumns, s->ncolumns == 1 ? "" : "s",
				 row->nfield);
		return -1;
	}
	size_t want = row->raw_len * 2 + 512;
	if (rec->scratch_alloc < want) {
		free(rec->scratch);
		rec->scratch = xmalloc(want);
		rec->scratch_alloc = want;
	}
	/*
	 * Composite values (date + time, end - start, the served party, a
	 * cell key whose parts two columns give) are built and checked
	 * whatever the caller reads, so that every command accepts and
	 * rejects the same rows.
	 */
	need = expand_need(s, need | FIELD_BIT(F_START) | FIELD_BIT(F_DURATION) |
				FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE) |
				(cell_parts_twice(s) ? FIELD_BIT(F_CELL) : 0));
	/*
	 * Every mapped column is parsed whatever the command reads, so that
	 * every command accepts and rejects the same rows.
	 */
	for (size_t i = 0; i < s->nparse; i++) {
		int f = s->parse_field[i], col = s->parse_col[i];
		if (rec->nulls && nullset_match(rec->nulls, row->field[col],
						row->len[col]))
			continue; /* missing (or empty: missing too) */
		if (set_value(s, rec, f, row->field[col], row->len[col],
			      reason) < 0) {
			detail_value(s, detail, col, row->field[col],
				     row->len[col]);
			return -1;
		}
	}
	if (s->time_split && (need & FIELD_BIT(F_START)) &&
	    split_start(s, row, rec, reason, detail) < 0)
		return -1;
	if (s->kind == KIND_CDR && (need & FIELD_BIT(F_DIRECTION)) &&
	    !record_has(rec, F_DIRECTION)) {
		rec->v[F_DIRECTION].i = DIR_UNKNOWN;
		rec->present |= FIELD_BIT(F_DIRECTION);
	}
	if (s->kind == KIND_CDR && s->opts->subscriber &&
	    served_by_option(s, rec) < 0) {
		*reason = "served party is not the --subscriber number";
		return -1;
	}
	if (s->served_mode && record_has(rec, F_SUBSCRIBER)) {
		int mt = rec->v[F_DIRECTION].i == DIR_MT;
		enum field_id self = mt ? F_CALLEE : F_CALLER;
		enum field_id other = mt ? F_CALLER : F_CALLEE;
		struct strv peer = rec->v[F_CALLEE].s;
		int has_peer = record_has(rec, F_CALLEE);
		rec->present &= ~(FIELD_BIT(F_CALLER) | FIELD_BIT(F_CALLEE));
		rec->v[self].s = rec->v[F_SUBSCRIBER].s;
		rec->present |= FIELD_BIT(self);
		if (has_peer) {
			rec->v[other].s = peer;
			rec->present |= FIELD_BIT(other);
		}
	}
	/* Asterisk's Master.csv holds voice calls; direction is unknown */
	if (dialect_is_pbx(s->dialect) && (need & FIELD_BIT(F_TYPE))) {
		rec->v[F_TYPE].i = TYPE_VOICE;
		rec->present |= FIELD_BIT(F_TYPE);
	}
	if (s->dur_derived && (need & FIELD_BIT(F_DURATION)) &&
	    record_has(rec, F_START) && record_has(rec, F_END)) {
		/* microseconds: the ms stamps and what their fractions had past */
		int64_t dus;
		if (__builtin_sub_overflow(rec->v[F_END].i, rec->v[F_START].i,
					   &dus) ||
		    __builtin_mul_overflow(dus, 1000, &dus) ||
		    __builtin_add_overflow(dus, rec->sub_us[1] - rec->sub_us[0],
					   &dus)) {
			*reason = "unparsable duration";
			return -1;
		}
		if (dus < 0) {
			*reason = "end before start";
			return -1;
		}
		rec->v[F_DURATION].i = dus;
		rec->present |= FIELD_BIT(F_DURATION);
	}
	if ((need & (FIELD_BIT(F_CELL) | FIELD_BIT(F_LAT) | FIELD_BIT(F_LON))) &&
	    fill_cell(s, rec, reason, detail) < 0)
		return -1;
	if (record_has(rec, F_LAT) != record_has(rec, F_LON)) {
		*reason = "latitude without longitude, or the reverse";
		return -1;
	}
	record_derive(rec, need);
	return 0;
}
