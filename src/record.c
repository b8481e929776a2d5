/*
 * record.c - the canonical field table, record lifetime, derived fields and
 * IP address text. Parsing of raw values lives in schema.c.
 */
#include "record.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "csvrow.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

const struct field_info field_table[F_COUNT] = {
#define FIELD(id, name, kinds, type, aliases) { name, kinds, type, aliases },
#include "canon.def"
#undef FIELD
};

int field_by_name(const char *name, size_t len)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strlen(field_table[i].name) == len &&
		    !memcmp(field_table[i].name, name, len))
			return i;
	return -1;
}

static const char *const type_names[] = { "", "voice", "sms", "data", "other" };
static const char *const dir_names[] = { "", "mo", "mt", "unknown" };

const char *rec_type_name(int t)
{
	return t >= TYPE_VOICE && t <= TYPE_OTHER ? type_names[t] : "";
}

const char *rec_dir_name(int d)
{
	return d >= DIR_MO && d <= DIR_UNKNOWN ? dir_names[d] : "";
}

static int name_index(const char *const *names, int n, const char *s,
		      size_t len)
{
	for (int i = 1; i < n; i++)
		if (strlen(names[i]) == len && !strncasecmp(names[i], s, len))
			return i;
	return -1;
}

int rec_type_from_name(const char *s, size_t len)
{
	return name_index(type_names, 5, s, len);
}

int rec_dir_from_name(const char *s, size_t len)
{
	return name_index(dir_names, 4, s, len);
}

void cell_use_add(struct cell_use *a, const struct cell_use *b)
{
	a->filled += b->filled;
	a->disagree += b->disagree;
	a->unknown += b->unknown;
	a->ambiguous += b->ambiguous;
	for (int i = 0; i < CELL_FORM_COUNT; i++)
		a->form[i] += b->form[i];
}

void record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
}

void record_release(struct record *r)
{
	free(r->scratch);
	memset(r, 0, sizeof(*r));
}

void record_clear(struct record *r)
{
	r->present = 0;
	r->scratch_len = 0;
	r->sub_us[0] = r->sub_us[1] = 0;
}

/*
 * The scratch buffer never moves while a row is being mapped: it is sized
 * for the whole raw row up front by schema_map_row (normalised values are
 * never longer than the raw ones), so earlier views stay valid.
 */
struct strv record_keep(struct record *r, const char *s, size_t len)
{
	struct strv v;
	if (r->scratch_len + len + 1 > r->scratch_alloc)
		BUG("record scratch too small (%zu + %zu > %zu)",
		    r->scratch_len, len, r->scratch_alloc);
	memcpy(r->scratch + r->scratch_len, s, len);
	r->scratch[r->scratch_len + len] = '\0';
	v.s = r->scratch + r->scratch_len;
	v.len = (uint32_t)len;
	r->scratch_len += len + 1;
	return v;
}

int nullset_match(const struct nullset *ns, const char *s, size_t len)
{
	if (!ns || !len)
		return 0;
	for (size_t i = 0; i < ns->n; i++)
		if (ns->len[i] == len && !memcmp(ns->v[i], s, len))
			return 1;
	if (ns->empty && ns->empty_len == len && !memcmp(ns->empty, s, len))
		return 2;
	return 0;
}

int record_raw(const struct record *r, size_t col, struct strv *out)
{
	if (!r->row || col >= r->row->nfield)
		return -1;
	out->s = r->row->field[col];
	out->len = r->row->len[col];
	switch (nullset_match(r->nulls, out->s, out->len)) {
	case 1:
		return -1;
	case 2:
		out->len = 0;
		break;
	default:
		break;
	}
	return 0;
}

void record_derive(struct record *r, uint64_t need)
{
	if (r->kind == KIND_CDR &&
	    (need & (FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_PEER)))) {
		int mt = record_has(r, F_DIRECTION) && r->v[F_DIRECTION].i == DIR_MT;
		enum field_id self = mt ? F_CALLEE : F_CALLER;
		enum field_id other = mt ? F_CALLER : F_CALLEE;
		r->present &= ~(FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_PEER));
		if (record_has(r, self)) {
			r->v[F_SUBSCRIBER] = r->v[self];
			r->present |= FIELD_BIT(F_SUBSCRIBER);
		}
		if (record_has(r, other)) {
			r->v[F_PEER] = r->v[other];
			r->present |= FIELD_BIT(F_PEER);
		}
	}
	if (r->kind == KIND_IP && (need & FIELD_BIT(F_PEER)) &&
	    record_has(r, F_DST_IP) && r->scratch) {
		/* an IP log's peer is the far end: the destination address */
		char tmp[64];
		size_t n = ip_format(&r->v[F_DST_IP].ip, tmp, sizeof(tmp));
		if (r->scratch_len + n + 1 <= r->scratch_alloc) {
			r->v[F_PEER].s = record_keep(r, tmp, n);
			r->present |= FIELD_BIT(F_PEER);
		}
	}
	if ((need & (FIELD_BIT(F_HOUR) | FIELD_BIT(F_DOW) | FIELD_BIT(F_DATE))) &&
	    record_has(r, F_START)) {
		struct civil c;
		ts_civil(r->v[F_START].i, r->tz, &c);
		r->v[F_HOUR].i = c.hour;
		r->v[F_DOW].i = c.dow;
		r->v[F_DATE].i = days_from_civil(c.year, c.month, c.day);
		r->present |= FIELD_BIT(F_HOUR) | FIELD_BIT(F_DOW) |
			      FIELD_BIT(F_DATE);
	}
}

/*
 * Dotted-quad IPv4 as inet_pton(AF_INET) takes it (four decimal parts
 * 0-255, no leading zero but a lone 0, nothing else) without the copy
 * and the libc call: 1 when 's' is one, else 0 (and inet_pton decides).
 */
static int ip4_fast(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;

	if (len < 7 || len > 15)
		return 0;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		if (part) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			nd++;
		}
		if (!nd || nd > 3 || v > 255 || (nd > 1 && s[i - nd] == '0'))
			return 0;
		out[part] = (uint8_t)v;
	}
	return i == len;
}

int ip_parse(const char *s, size_t len, struct ipaddr *out)
{
	char tmp[64];
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	if (ip4_fast(s, len, out->b)) {
		out->v6 = 0;
		memset(out->b + 4, 0, sizeof(out->b) - 4);
		return 0;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (memchr(tmp, ':', len)) {
		out->v6 = 1;
		return inet_pton(AF_INET6, tmp, out->b) == 1 ? 0 : -1;
	}
	return inet_pton(AF_INET, tmp, out->b) == 1 ? 0 : -1;
}

size_t ip_format(const struct ipaddr *ip, char *out, size_t outlen)
{
	if (!inet_ntop(ip->v6 ? AF_INET6 : AF_INET, ip->b, out,
		       (socklen_t)outlen)) {
		if (outlen)
			out[0] = '\0';
		return 0;
	}
	return strlen(out);
}

/*
 * "%.6f" of 'd' without printf where the result is certain: d * 1e6 is
 * within 2^-52 relative of the exact product, so unless it lies within
 * 1e-6 of a half, rounding it to the nearest integer gives the digits
 * printf (exact decimal rounding) gives. Other values go to printf.
 */
static void format_fixed6(double d, struct buf *b)
{
	double x = d * 1e6;
	if (isfinite(d) && fabs(x) < 1e15) {
		double ax = fabs(x), fl = floor(ax), frac = ax - fl;
		if (fabs(frac - 0.5) > 1e-6) {
			uint64_t r = (uint64_t)fl + (frac > 0.5);
			char tmp[8];
			for (int i = 6; i > 0; i--, r /= 10)
				tmp[i] = (char)('0' + r % 10);
			tmp[0] = '.';
			if (signbit(d))
				buf_addch(b, '-');
			buf_add_i64(b, (int64_t)r);
			buf_add(b, tmp, 7);
			return;
		}
	}
	buf_addf(b, "%.6f", d);
}

void format_duration(int64_t us, struct buf *b)
{
	if (us % 1000000 == 0) {
		buf_add_i64(b, us / 1000000);
		return;
	}
	/* magnitude without negating INT64_MIN */
	uint64_t m = us < 0 ? 0 - (uint64_t)us : (uint64_t)us;
	if (m % 1000 == 0)
		buf_addf(b, "%s%llu.%03llu", us < 0 ? "-" : "",
			 (unsigned long long)(m / 1000000),
			 (unsigned long long)(m % 1000000 / 1000));
	else
		buf_addf(b, "%s%llu.%06llu", us < 0 ? "-" : "",
			 (unsigned long long)(m / 1000000),
			 (unsigned long long)(m % 1000000));
}

int record_format(const struct record *r, int f, const struct tz *tz,
		  struct buf *b)
{
	char tmp[64];
	if (!record_has(r, (enum field_id)f))
		return 0;
	const union rvalue *v = &r->v[f];
	switch (field_table[f].type) {
	case FT_STR:
	case FT_PHONE:
		buf_add(b, v->s.s, v->s.len);
		break;
	case FT_INT:
		buf_add_i64(b, v->i);
		break;
	case FT_REAL:
		format_fixed6(v->d, b);
		break;
	case FT_TIME:
		buf_add(b, tmp, ts_format(v->i, tz, tmp, sizeof(tmp)));
		break;
	case FT_DUR:
		format_duration(v->i, b);
		break;
	case FT_TYPE:
		buf_adds(b, rec_type_name((int)v->i));
		break;
	case FT_DIR:
		buf_adds(b, rec_dir_name((int)v->i));
		break;
	case FT_IP:
		buf_add(b, tmp, ip_format(&v->ip, tmp, sizeof(tmp)));
		break;
	case FT_DATE: {
		int64_t y;
		int m, d;
		civil_from_days(v->i, &y, &m, &d);
		buf_addf(b, "%04lld-%02d-%02d", (long long)y, m, d);
		break;
	}
	}
	return 1;
}
