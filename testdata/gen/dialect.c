/*
 * dialect.c - field layouts of the seven dialects, quoting, and bad rows.
 * Each fill function lays out one event; row_write() joins the fields.
 * The formats are documented in the banner of cdrgen.c and, for
 * Asterisk, follow cdr_csv.c's build_csv_record(): strings quoted with
 * inner quotes doubled, integers bare, a zero (unanswered) time empty.
 */
#include "dialect.h"

#include <string.h>

#include "ipnat.h"
#include "../../src/banned.h"

static const char *const bad_names[BAD_KINDS] = {
	"field_count", "bad_timestamp", "impossible_date", "bad_latitude",
	"unterminated_quote", "bad_duration",
};

const char *bad_kind_name(int kind)
{
	return bad_names[kind];
}

static const char *const ussd_codes[] = { "*100#", "*124#", "*131*1#" };

/* Free text for the opc Remarks column; index 0 means none. */
static const char *const remarks[] = {
	"",
	"diverted to voicemail, no answer",
	"roaming partner \"MY-XL\", tariff B",
	"customer note: \"urgent\"",
	"line 1\tline 2",
	"ported number; donor network 13",
};

static const char *const names[] = {
	"Ahmad Faiz", "Siti Aminah", "Tan Wei Ming", "Muthu Kumar",
	"Lim Mei Ling", "Nurul Huda", "Raj Patel", "Wong Ka Yan",
	"Chong Li", "Farah Idris", "O'Neil Ravi", "Aisyah Zain",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- building a row ---- */

static char *fb(struct row *r)
{
	return r->text + (r->n ? r->end[r->n - 1] + 1 : 0);
}

/* The handset as written: 15-digit IMEI, or 14 digits and an IMEISV's
   two version digits. */
static char *imei_text(char *p, const struct event *ev)
{
	if (!ev->imeisv)
		return fmt_pad(p, ev->imei, 15);
	p = fmt_pad(p, ev->imei / 10, 14);
	return fmt_pad(p, (uint64_t)(ev->imeisv - 1), 2);
}

static void fe(struct row *r, char *p)
{
	*p = r->delim;
	r->end[r->n++] = (uint16_t)(p - r->text);
}

static void f_str(struct row *r, const char *s)
{
	fe(r, fmt_str(fb(r), s));
}

static void f_u64(struct row *r, uint64_t v)
{
	fe(r, fmt_u64(fb(r), v));
}

static void f_empty(struct row *r)
{
	fe(r, fb(r));
}

static void f_iso(struct row *r, int64_t t, char sep)
{
	fe(r, fmt_iso(fb(r), t, sep));
}

static void f_micro(struct row *r, int32_t v)
{
	fe(r, fmt_micro(fb(r), v));
}

static void f_ip(struct row *r, uint32_t ip)
{
	fe(r, fmt_ipv4(fb(r), ip));
}

/* Mark the field just added as a quoted string (Asterisk). */
static void f_q(struct row *r)
{
	r->quoted |= 1u << (r->n - 1);
}

enum num_style {
	NF_INTL,     /* 60123456789 */
	NF_PLUS,     /* +60123456789 */
	NF_NATIONAL, /* 0123456789 at home, 0065... abroad */
	NF_00        /* 0060123456789 */
};

static char *fmt_number(char *p, const struct phone_number *n, int home_cc,
			int style)
{
	if (n->kind == NUM_NONE)
		return p;
	if (n->kind == NUM_SERVICE)
		return fmt_str(p, ussd_codes[n->nsn % COUNT(ussd_codes)]);
	/* nationally, numbers abroad are dialled with the 00 prefix */
	if (style == NF_NATIONAL && n->cc != home_cc)
		style = NF_00;
	switch (style) {
	case NF_PLUS:
		*p++ = '+';
		p = fmt_u64(p, n->cc);
		break;
	case NF_NATIONAL:
		*p++ = '0';
		break;
	case NF_00:
		*p++ = '0';
		*p++ = '0';
		p = fmt_u64(p, n->cc);
		break;
	default:
		p = fmt_u64(p, n->cc);
		break;
	}
	return fmt_pad(p, n->nsn, n->len);
}

static void f_num(struct row *r, const struct phone_number *n, int home_cc,
		  int style)
{
	fe(r, fmt_number(fb(r), n, home_cc, style));
}

static char *fmt_hex8(char *p, uint32_t v)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 7; i >= 0; i--)
		*p++ = hex[(v >> (4 * i)) & 15];
	return p;
}

static char *fmt_cgi(char *p, const struct world *w, const struct cell *c)
{
	p = fmt_u64(p, (uint64_t)w->country->mcc);
	*p++ = '-';
	p = fmt_pad(p, (uint64_t)w->country->mnc[c->op], 2);
	*p++ = '-';
	p = fmt_u64(p, c->lac);
	*p++ = '-';
	return fmt_u64(p, c->ci);
}

static int64_t to_utc(const struct world *w, int64_t t)
{
	return t - (int64_t)w->country->tz_min * 60;
}

/* The served party and the other party as caller and callee. */
static void parties(const struct event *ev, const struct world *w,
		    struct phone_number *caller, struct phone_number *callee)
{
	struct phone_number self = world_msisdn(w, ev->sub);

	if (ev->dir == DIR_MO) {
		*caller = self;
		*callee = ev->peer;
	} else {
		*caller = ev->peer;
		*callee = self;
	}
}

/* ---- canonical ---- */

static const char *const type_lower[] = { "voice", "sms", "data", "other" };
static const char *const status_lower[] = {
	"answered", "no_answer", "busy", "failed", "delivered", "completed"
};

static void fill_canonical(struct row *r, const struct event *ev,
			   const struct world *w)
{
	const struct cell *c = &w->cells[ev->cell];
	const struct subscriber *s = &w->subs[ev->sub];
	struct phone_number a, b;
	char *p;

	parties(ev, w, &a, &b);
	f_u64(r, ev->id);
	f_str(r, type_lower[ev->type]);
	f_str(r, ev->dir == DIR_MO ? "mo" : "mt");
	f_num(r, &a, 0, NF_INTL);
	f_num(r, &b, 0, NF_INTL);
	f_iso(r, ev->t, 'T');
	f_iso(r, ev->t + ev->dur, 'T');
	f_u64(r, (uint64_t)ev->dur);
	f_u64(r, s->imsi);
	fe(r, imei_text(fb(r), ev));
	f_u64(r, c->ci);
	f_u64(r, c->lac);
	f_micro(r, c->lat);
	f_micro(r, c->lon);
	p = fmt_u64(fb(r), (uint64_t)w->country->mcc);
	fe(r, fmt_pad(p, (uint64_t)w->country->mnc[s->op], 2));
	f_str(r, status_lower[ev->status]);
}

/* ---- opa: semicolons, DD/MM/YYYY, HH:MM:SS durations, CGI ---- */

static const char *const opa_status[] = {
	"ANSWERED", "NOT ANSWERED", "BUSY", "FAILED", "DELIVERED", "COMPLETED"
};

static void fill_opa(struct row *r, const struct event *ev,
		     const struct world *w)
{
	static const char *const types[2][4] = {
		{ "MOC", "SMS-MO", "GPRS", "USSD" },
		{ "MTC", "SMS-MT", "GPRS", "USSD" },
	};
	const struct subscriber *s = &w->subs[ev->sub];
	struct phone_number a, b;
	int cc = w->country->cc;
	int64_t day = floor_div(ev->t, 86400);

	parties(ev, w, &a, &b);
	fe(r, fmt_pad(fb(r), ev->id, 10));
	f_str(r, types[ev->dir][ev->type]);
	f_num(r, &a, cc, ev->fmt & 1 ? NF_PLUS : NF_NATIONAL);
	f_num(r, &b, cc, ev->fmt & 2 ? NF_PLUS : NF_NATIONAL);
	fe(r, fmt_dmy(fb(r), ev->t));
	fe(r, fmt_hms(fb(r), ev->t - day * 86400));
	fe(r, fmt_hms(fb(r), ev->dur));
	f_u64(r, s->imsi);
	fe(r, imei_text(fb(r), ev));
	fe(r, fmt_cgi(fb(r), w, &w->cells[ev->cell]));
	f_str(r, opa_status[ev->status]);
}

/* ---- opb: pipes, epoch seconds, 00-prefixed numbers, lat/lon ---- */

static void fill_opb(struct row *r, const struct event *ev,
		     const struct world *w)
{
	static const char *const services[] = { "VOICE", "SMS", "DATA", "USSD" };
	const struct subscriber *s = &w->subs[ev->sub];
	const struct cell *c = &w->cells[ev->cell];
	struct phone_number self = world_msisdn(w, ev->sub);
	int64_t utc = to_utc(w, ev->t);

	f_num(r, &self, 0, NF_INTL);
	f_num(r, &ev->peer, 0, ev->fmt & 4 ? NF_00 : NF_INTL);
	f_str(r, ev->dir == DIR_MO ? "OUT" : "IN");
	f_str(r, services[ev->type]);
	fe(r, fmt_i64(fb(r), utc));
	fe(r, fmt_i64(fb(r), utc + ev->dur));
	fe(r, imei_text(fb(r), ev));
	f_u64(r, s->imsi);
	fe(r, fmt_cgi(fb(r), w, c));
	f_micro(r, c->lat);
	f_micro(r, c->lon);
}

/* ---- opc: tabs, CRLF, ISO with offset, Call Type 1/2, Remarks ---- */

static void fill_opc(struct row *r, const struct event *ev,
		     const struct world *w)
{
	const struct subscriber *s = &w->subs[ev->sub];
	const struct cell *c = &w->cells[ev->cell];
	struct phone_number a, b;
	int tz = w->country->tz_min;
	char *p;

	parties(ev, w, &a, &b);
	f_num(r, &a, 0, NF_INTL);
	f_num(r, &b, 0, NF_INTL);
	f_str(r, ev->dir == DIR_MO ? "1" : "2");
	p = fmt_iso(fb(r), ev->t, 'T');
	*p++ = tz < 0 ? '-' : '+';
	p = fmt_pad(p, (uint64_t)(tz < 0 ? -tz : tz) / 60, 2);
	*p++ = ':';
	fe(r, fmt_pad(p, (uint64_t)(tz < 0 ? -tz : tz) % 60, 2));
	f_u64(r, (uint64_t)ev->dur);
	fe(r, imei_text(fb(r), ev));
	f_u64(r, s->imsi);
	f_u64(r, c->ci);
	f_u64(r, c->lac);
	f_str(r, remarks[ev->remark % COUNT(remarks)]);
	r->check |= 1u << (r->n - 1);
}

/* ---- asterisk: Master.csv of cdr_csv, no header ---- */

static const char *const disposition[] = {
	"ANSWERED", "NO ANSWER", "BUSY", "FAILED", "ANSWERED", "ANSWERED"
};

static void fill_asterisk(struct row *r, const struct event *ev,
			  const struct world *w)
{
	struct phone_number a, b;
	int cc = w->country->cc, answered = ev->status == ST_ANSWERED;
	int64_t answer = ev->t + ev->ring;
	int64_t end = answered ? answer + ev->dur : answer;
	uint32_t chan = (uint32_t)(ev->id * 2);
	char *p;

	parties(ev, w, &a, &b);
	f_empty(r); f_q(r);                              /* accountcode */
	f_num(r, &a, cc, NF_NATIONAL); f_q(r);           /* src */
	f_num(r, &b, cc, NF_NATIONAL); f_q(r);           /* dst */
	f_str(r, ev->dir == DIR_MO ? "from-internal" : "from-trunk"); f_q(r);
	p = fb(r);                                       /* clid */
	*p++ = '"';
	if (ev->dir == DIR_MO)
		p = fmt_str(p, names[mix64((uint64_t)ev->sub) % COUNT(names)]);
	else
		p = fmt_number(p, &a, cc, NF_NATIONAL);
	p = fmt_str(p, "\" <");
	p = fmt_number(p, &a, cc, NF_NATIONAL);
	*p++ = '>';
	fe(r, p); f_q(r);
	p = fmt_str(fb(r), "PJSIP/");                    /* channel */
	if (ev->dir == DIR_MO)
		p = fmt_number(p, &a, cc, NF_NATIONAL);
	else
		p = fmt_str(p, "trunk");
	*p++ = '-';
	fe(r, fmt_hex8(p, chan)); f_q(r);
	if (ev->status == ST_FAILED) {                   /* dstchannel */
		f_empty(r);
	} else {
		p = fmt_str(fb(r), "PJSIP/");
		if (ev->dir == DIR_MO)
			p = fmt_str(p, "trunk");
		else
			p = fmt_number(p, &b, cc, NF_NATIONAL);
		*p++ = '-';
		fe(r, fmt_hex8(p, chan + 1));
	}
	f_q(r);
	f_str(r, "Dial"); f_q(r);                        /* lastapp */
	p = fmt_str(fb(r), "PJSIP/");                    /* lastdata */
	p = fmt_number(p, &b, cc, NF_NATIONAL);
	p = fmt_str(p, ev->dir == DIR_MO ? "@trunk,60,tT" : ",30,t");
	fe(r, p); f_q(r);
	f_iso(r, ev->t, ' '); f_q(r);                    /* start */
	if (answered) {                                  /* answer */
		f_iso(r, answer, ' ');
		f_q(r);
	} else {
		f_empty(r);
	}
	f_iso(r, end, ' '); f_q(r);                      /* end */
	f_u64(r, (uint64_t)(end - ev->t));               /* duration */
	f_u64(r, answered ? (uint64_t)ev->dur : 0);      /* billsec */
	f_str(r, disposition[ev->status]); f_q(r);
	f_str(r, "DOCUMENTATION"); f_q(r);
	p = fmt_i64(fb(r), to_utc(w, ev->t));            /* uniqueid */
	*p++ = '.';
	fe(r, fmt_u64(p, ev->id)); f_q(r);
}

/* ---- ipdr: flow records under the canonical IP names ---- */

static void fill_ipdr(struct row *r, const struct event *ev,
		      const struct world *w)
{
	const struct subscriber *s = &w->subs[ev->sub];
	const struct ip_host *h = ip_host_get(ev->host);
	struct phone_number self = world_msisdn(w, ev->sub);

	f_num(r, &self, 0, NF_INTL);
	f_u64(r, s->imsi);
	fe(r, imei_text(fb(r), ev));
	f_iso(r, ev->t, 'T');
	f_iso(r, ev->t + ev->dur, 'T');
	f_u64(r, (uint64_t)ev->dur);
	f_ip(r, ev->src_ip);
	f_u64(r, ev->src_port);
	f_ip(r, ev->pub_ip);
	f_u64(r, ev->pub_port);
	f_ip(r, h->ip);
	f_u64(r, ev->dst_port);
	f_str(r, ev->proto == PROTO_TCP ? "tcp" : "udp");
	f_u64(r, ev->up);
	f_u64(r, ev->down);
	f_str(r, ev->apn ? "ims" : "internet");
	f_str(r, h->name);
	f_u64(r, w->cells[ev->cell].ci);
}

/* ---- cgnat: bulk port allocation, UTC timestamps ---- */

static void fill_cgnat(struct row *r, const struct event *ev,
		       const struct world *w)
{
	struct phone_number self = world_msisdn(w, ev->sub);
	char *p = fmt_iso(fb(r), to_utc(w, ev->t), 'T');

	*p++ = 'Z';
	fe(r, p);
	f_str(r, ev->type == EV_ALLOC ? "allocate" : "release");
	f_ip(r, ev->src_ip);
	f_ip(r, ev->pub_ip);
	f_u64(r, ev->pub_port);
	f_u64(r, ev->pub_end);
	f_num(r, &self, 0, NF_INTL);
}

/* ---- the table ---- */

static const struct dialect dialects[] = {
	{ "canonical", KIND_CDR, ',', "\n",
	  "id,type,direction,caller,callee,start,end,duration,imsi,imei,"
	  "cell,lac,lat,lon,operator,status",
	  0, 1, 1, 1, 5, 5, 7, 12, 0, 1, fill_canonical },
	{ "opa", KIND_CDR, ';', "\n",
	  "RECORD_ID;CALL_TYPE;A_NUMBER;B_NUMBER;CALL_DATE;CALL_TIME;"
	  "CALL_DURATION;SERVED_IMSI;SERVED_IMEI;CGI;STATUS",
	  0, 1, 1, 1, 4, 5, 6, -1, 1, 1, fill_opa },
	{ "opb", KIND_CDR, '|', "\n",
	  "msisdn|other_party|direction|service|start_time|end_time|imei|"
	  "imsi|cell_id|latitude|longitude",
	  0, 1, 1, 1, -1, 4, -1, 9, 0, 1, fill_opb },
	{ "opc", KIND_CDR, '\t', "\r\n",
	  "Calling Number\tCalled Number\tCall Type\tStart Time\t"
	  "Duration (s)\tIMEI\tIMSI\tCell ID\tLAC\tRemarks",
	  1, 1, 1, 1, 3, 3, 4, -1, 0, 1, fill_opc },
	{ "asterisk", KIND_CDR, ',', "\n", NULL,
	  1, 0, 0, 0, 9, 9, 12, -1, 0, 3, fill_asterisk },
	{ "ipdr", KIND_IP, ',', "\n",
	  "subscriber,imsi,imei,start,end,duration,src_ip,src_port,"
	  "public_ip,public_port,dst_ip,dst_port,protocol,bytes_up,"
	  "bytes_down,apn,host,cell",
	  0, 0, 1, 1, 3, 3, 5, -1, 0, 1, fill_ipdr },
	{ "cgnat", KIND_IP, ',', "\n",
	  "Timestamp,Event,Private IP,Public IP,Port Start,Port End,Subscriber",
	  0, 0, 0, 0, 0, 0, -1, -1, 0, 1, fill_cgnat },
};

const struct dialect *dialect_find(const char *name)
{
	int i;

	for (i = 0; i < COUNT(dialects); i++)
		if (!strcmp(dialects[i].name, name))
			return &dialects[i];
	return NULL;
}

void dialect_row(const struct dialect *d, struct row *row,
		 const struct event *ev, const struct world *w)
{
	row->n = 0;
	row->quoted = 0;
	row->check = 0;
	row->delim = d->delim;
	d->fill(row, ev, w);
}

int dialect_header(struct out *o, const struct dialect *d)
{
	if (!d->header)
		return 0;
	out_str(o, d->header);
	out_str(o, d->eol);
	return 1;
}

static int needs_quotes(const struct dialect *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == d->delim || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n' || s[i] == ',' || s[i] == '\t')
			return 1;
	return 0;
}

/* Write the first 'n' fields of 'row' (n >= 1), quoting where needed. */
static void write_fields(struct out *o, const struct dialect *d,
			 const struct row *row, int n)
{
	uint32_t mask = n >= 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1;
	int i, start = 0;

	if (!((row->quoted | row->check) & mask)) {
		out_mem(o, row->text, row->end[n - 1]);
		return;
	}
	for (i = 0; i < n; i++) {
		const char *s = row->text + start;
		size_t len = (size_t)(row->end[i] - start);
		int q = (row->quoted >> i) & 1;
		char *p = out_reserve(o, 2 * len + 3);

		if (!q && ((row->check >> i) & 1))
			q = needs_quotes(d, s, len);
		if (i)
			*p++ = d->delim;
		if (q) {
			size_t k;
			*p++ = '"';
			for (k = 0; k < len; k++) {
				if (s[k] == '"')
					*p++ = '"';
				*p++ = s[k];
			}
			*p++ = '"';
		} else {
			memcpy(p, s, len);
			p += len;
		}
		out_commit(o, p);
		start = row->end[i] + 1;
	}
}

void row_write(struct out *o, const struct dialect *d, const struct row *row)
{
	write_fields(o, d, row, row->n);
	out_str(o, d->eol);
}

int dialect_bad_kinds(const struct dialect *d, int *kinds)
{
	int n = 0;

	kinds[n++] = BAD_FIELD_COUNT;
	if (d->f_time >= 0)
		kinds[n++] = BAD_TIMESTAMP;
	if (d->f_date >= 0)
		kinds[n++] = BAD_DATE;
	if (d->f_lat >= 0)
		kinds[n++] = BAD_LATITUDE;
	kinds[n++] = BAD_QUOTE;
	if (d->f_dur >= 0)
		kinds[n++] = BAD_DURATION;
	return n;
}

static char *field_text(struct row *r, int i, size_t *len)
{
	int start = i ? r->end[i - 1] + 1 : 0;

	*len = (size_t)(r->end[i] - start);
	return r->text + start;
}

/* Replace field 'i' of 'r' by 's'. */
static void field_set(struct row *r, int i, const char *s)
{
	size_t old, n = strlen(s), tail;
	char *p = field_text(r, i, &old);
	int k, delta = (int)n - (int)old;

	/* the rest of the row, with the delimiter after the last field */
	tail = (size_t)(r->end[r->n - 1] + 1 - r->end[i]);
	memmove(p + n, p + old, tail);
	memcpy(p, s, n);
	for (k = i; k < r->n; k++)
		r->end[k] = (uint16_t)(r->end[k] + delta);
}

/*
 * Replace one digit of field 'i' with 'x': the first digit in its second
 * half, so "2025-01-03T08:00:00" becomes "2025-01-0xT08:00:00" and "65"
 * becomes "6x". The length stays, so the line stays one physical line.
 */
static void field_garble(struct row *r, int i)
{
	size_t len, k;
	char *p = field_text(r, i, &len);

	for (k = len / 2; k < len; k++) {
		if (p[k] >= '0' && p[k] <= '9') {
			p[k] = 'x';
			return;
		}
	}
	for (k = 0; k < len; k++) {
		if (p[k] >= '0' && p[k] <= '9') {
			p[k] = 'x';
			return;
		}
	}
}

int row_write_bad(struct out *o, const struct dialect *d,
		  const struct row *row, int kind, struct rng *r)
{
	struct row b = *row;
	size_t len;
	char *p;

	switch (kind) {
	case BAD_FIELD_COUNT:
		if (d->drop_fields > 1 || rng_chance(r, 0.5)) {
			b.n -= d->drop_fields;
		} else {
			p = fb(&b);
			fe(&b, fmt_str(p, "extra"));
		}
		break;
	case BAD_TIMESTAMP:
		field_garble(&b, d->f_time);
		break;
	case BAD_DATE:
		p = field_text(&b, d->f_date, &len);
		if (d->date_dmy)
			memcpy(p, "30/02", 5);
		else
			memcpy(p + 5, "02-30", 5);
		break;
	case BAD_LATITUDE:
		field_set(&b, d->f_lat, "91.000000");
		break;
	case BAD_DURATION:
		field_garble(&b, d->f_dur);
		break;
	case BAD_QUOTE:
		/*
		 * Two physical lines: the quote opened in the third field
		 * runs through the line end and is closed on the next line,
		 * leaving a record of four fields.
		 */
		write_fields(o, d, &b, 2);
		p = out_reserve(o, 32);
		*p++ = d->delim;
		p = fmt_str(p, "\"unterminated remark");
		out_commit(o, p);
		out_str(o, d->eol);
		p = out_reserve(o, 32);
		p = fmt_str(p, "continued\"");
		*p++ = d->delim;
		*p++ = 'x';
		out_commit(o, p);
		out_str(o, d->eol);
		return 2;
	}
	row_write(o, d, &b);
	return 1;
}
