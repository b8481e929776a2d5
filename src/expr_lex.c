/*
 * expr_lex.c - the hand-written lexer of the filter language (after Lua's
 * llex.c) and the caret diagnostics shared by every compiler pass.
 *
 * Tokens, with the byte range [start, end) of each:
 *
 *   numbers     42  3.1390  (an integer too large for int64 is kept as text
 *               for comparisons with text fields such as imsi)
 *   units       30s 5m 2h 1d 1w 250ms 10min 1.5h 500m 2km: a number with a
 *               suffix; "m" is minutes or metres, decided later by context
 *   strings     "..." and '...': a backslash escapes the quote and itself,
 *               every other backslash is kept, so "^\d+$" reaches PCRE2 as
 *               written
 *   timestamps  2025-01-03, 2025-01-03T08:00, 2025-01-03T08:00:00.250,
 *               each optionally followed by Z or +hh:mm / -hh:mm / +hhmm
 *   addresses   10.1.2.3, 2001:db8::1, ::1, and CIDR blocks 10.0.0.0/8
 *   names       [A-Za-z_][A-Za-z0-9_]*; and or not in between true false
 *               are keywords in any case (AND, Or)
 *   operators   == != < <= > >= ~ !~ ! && || + - * / % ( ) { } ,
 *
 * ':' has no other use in the language, so a run of hex digits, dots and
 * colons that holds a ':' is an IPv6 address whether it starts with a digit
 * (2001:db8::1), a letter (fe80::1) or a colon (::1).
 */
#include "expr_lex.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "expr_pool.h"
#include "timeparse.h"
#include "banned.h"

static const char *const tok_descs[TK_COUNT] = {
#define X(id, desc) desc,
	EXPR_TOKENS(X)
#undef X
};

const char *tok_desc(enum tok k)
{
	return (unsigned)k < TK_COUNT ? tok_descs[k] : "?";
}

const char *tok_text(enum tok k)
{
	switch (k) {
	case TK_AND: return "and";
	case TK_OR: return "or";
	case TK_NOT: return "not";
	case TK_IN: return "in";
	case TK_BETWEEN: return "between";
	case TK_EQ: return "==";
	case TK_NE: return "!=";
	case TK_LT: return "<";
	case TK_LE: return "<=";
	case TK_GT: return ">";
	case TK_GE: return ">=";
	case TK_MATCH: return "~";
	case TK_NMATCH: return "!~";
	case TK_PLUS: return "+";
	case TK_MINUS: return "-";
	case TK_STAR: return "*";
	case TK_SLASH: return "/";
	case TK_PERCENT: return "%";
	default: return "";
	}
}

/* ---- diagnostics -------------------------------------------------------- */

/* Display columns taken by source byte 'c' in the repeated expression. */
static int byte_cols(unsigned char c)
{
	if (c < 0x20 || c == 0x7f)
		return 4; /* shown as \xHH */
	if (c >= 0x80 && c < 0xc0)
		return 0; /* UTF-8 continuation byte */
	return 1;
}

static void add_shown(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			buf_add(b, e, 4);
		} else {
			buf_addch(b, c);
		}
	}
}

#define SHOW_MAX 120    /* longest expression line repeated whole */
#define SHOW_CONTEXT 40 /* bytes shown each side of a long line's token */

/*
 * The expression is repeated whole when it is one line; for a multi-line
 * expression (from a script) only the line holding 'start' is shown, and
 * the carets stop at its end.
 */
int expr_fail(const struct expr_src *src, uint32_t start, uint32_t end,
	      const char *fmt, ...)
{
	struct diag *d = src->d;
	struct buf *b, raw = BUF_INIT;
	va_list ap;
	size_t ls = 0, le = src->len, cols = 0, width = 0;

	if (!d)
		return -1;
	b = &d->msg;
	buf_reset(b);
	va_start(ap, fmt);
	buf_vaddf(&raw, fmt, ap);
	va_end(ap);
	/*
	 * Messages quote the expression's own bytes ("found '...'"): control
	 * bytes are escaped as on the repeated line below, never copied raw
	 */
	add_shown(b, buf_cstr(&raw), raw.len);
	buf_release(&raw);
	d->set = 1;

	if (start > src->len)
		start = (uint32_t)src->len;
	if (end < start)
		end = start;
	if (end > src->len)
		end = (uint32_t)src->len;
	for (size_t i = start; i > 0; i--)
		if (src->text[i - 1] == '\n') {
			ls = i;
			break;
		}
	for (size_t i = start; i < src->len; i++)
		if (src->text[i] == '\n') {
			le = i;
			break;
		}
	/* a token that is only the newline itself points at the line's end */
	if (end > le)
		end = (uint32_t)le;

	/* a long line is shown around the caret only */
	if (le - ls > SHOW_MAX) {
		size_t ws = start > ls + SHOW_CONTEXT ? start - SHOW_CONTEXT : ls;
		size_t we = end + SHOW_CONTEXT < le ? end + SHOW_CONTEXT : le;
		while (ws > ls && ((unsigned char)src->text[ws] & 0xc0) == 0x80)
			ws--;
		while (we < le && ((unsigned char)src->text[we] & 0xc0) == 0x80)
			we++;
		if (end > we)
			end = (uint32_t)we;
		buf_adds(b, "\n  ");
		if (ws > ls) {
			buf_adds(b, "...");
			cols = 3;
		}
		add_shown(b, src->text + ws, we - ws);
		if (we < le)
			buf_adds(b, "...");
		ls = ws;
	} else {
		buf_adds(b, "\n  ");
		add_shown(b, src->text + ls, le - ls);
	}
	for (size_t i = ls; i < start; i++)
		cols += (size_t)byte_cols((unsigned char)src->text[i]);
	for (size_t i = start; i < end; i++)
		width += (size_t)byte_cols((unsigned char)src->text[i]);
	if (width == 0)
		width = 1;
	buf_adds(b, "\n  ");
	for (size_t i = 0; i < cols; i++)
		buf_addch(b, ' ');
	for (size_t i = 0; i < width; i++)
		buf_addch(b, '^');
	return -1;
}

void expr_tok_quote(const struct expr_src *src, const struct token *t,
		    char *out, size_t outlen)
{
	struct buf b = BUF_INIT;
	size_t n = t->end - t->start;

	if (t->kind == TK_EOF) {
		snprintf(out, outlen, "end of expression");
		return;
	}
	if (t->kind != TK_STR)
		buf_addch(&b, '\'');
	/* as the repeated expression shows it: control bytes escaped, a
	 * backslash kept as typed (escaping it too would show it twice) */
	if (n > 40) {
		size_t k = 40;
		while (k > 0 && ((unsigned char)src->text[t->start + k] & 0xc0) == 0x80)
			k--;
		add_shown(&b, src->text + t->start, k);
		buf_adds(&b, "...");
	} else {
		add_shown(&b, src->text + t->start, n);
	}
	if (t->kind != TK_STR)
		buf_addch(&b, '\'');
	snprintf(out, outlen, "%s", buf_cstr(&b));
	buf_release(&b);
}

/* ---- character classes (ASCII only: the C locale is never assumed) ----- */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int peekc(const struct lexer *lx, size_t off)
{
	size_t p = lx->pos + off;
	return p < lx->src->len ? (unsigned char)lx->src->text[p] : -1;
}

/* ---- numbers and units -------------------------------------------------- */

static const char *const units[] = { "us", "ms", "s", "m", "min", "h", "d",
				     "w", "km" };

static double unit_ms_of(const char *u, size_t len)
{
	static const struct {
		const char *unit;
		double ms;
	} tab[] = { { "us", 0.001 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		    { "min", 60000 }, { "h", 3600000 }, { "d", 86400000 },
		    { "w", 604800000 } };
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strlen(tab[i].unit) == len && !memcmp(tab[i].unit, u, len))
			return tab[i].ms;
	return 0;
}

/*
 * compound -> UNITNUM DIGITS UNIT { DIGITS UNIT }   (1h30m, 2m30s, 1d12h)
 * A compound is a duration: its "m" means minutes. It becomes one TK_UNIT
 * token in milliseconds.
 */
static int lex_compound(struct lexer *lx, struct token *t, size_t p)
{
	const char *s = lx->src->text;
	size_t len = lx->src->len;
	double total = unit_ms_of(t->unit, strlen(t->unit));

	if (total == 0)
		goto bad;
	total *= t->d;
	while (p < len && is_digit(s[p])) {
		size_t q = p, u;
		double v = 0, ms;
		while (q < len && is_digit(s[q]))
			v = v * 10 + (s[q++] - '0');
		u = q;
		while (q < len && is_alpha(s[q]))
			q++;
		ms = unit_ms_of(s + u, q - u);
		if (ms == 0) {
			p = q;
			goto bad;
		}
		total += v * ms;
		p = q;
	}
	if (p < len && (is_alnum(s[p]) || s[p] == '.'))
		goto bad;
	t->d = total;
	t->num_is_int = 0;
	memcpy(t->unit, "ms", 3);
	t->end = (uint32_t)p;
	lx->pos = p;
	return 0;
bad:
	while (p < len && is_alnum(s[p]))
		p++;
	return expr_fail(lx->src, (uint32_t)lx->pos, (uint32_t)p,
			 "expected a duration such as 1h30m, found '%.*s'",
			 (int)(p - lx->pos), s + lx->pos);
}

/*
 * number -> DIGITS [ '.' DIGITS ] [ UNIT ] | compound
 */
static int lex_number(struct lexer *lx, struct token *t)
{
	const char *s = lx->src->text;
	size_t p = lx->pos, q;
	int is_int = 1, overflow = 0;
	int64_t v = 0;

	while (p < lx->src->len && is_digit(s[p])) {
		int dig = s[p] - '0';
		if (v > (INT64_MAX - dig) / 10)
			overflow = 1;
		else
			v = v * 10 + dig;
		p++;
	}
	if (p + 1 < lx->src->len && s[p] == '.' && is_digit(s[p + 1])) {
		is_int = 0;
		p++;
		while (p < lx->src->len && is_digit(s[p]))
			p++;
	}
	{
		char tmp[64];
		size_t n = p - lx->pos;
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		memcpy(tmp, s + lx->pos, n);
		tmp[n] = '\0';
		t->d = strtod(tmp, NULL);
	}
	t->i = v;
	t->num_is_int = is_int;
	t->int_overflow = is_int && overflow;
	t->kind = is_int ? TK_INT : TK_REAL;

	q = p;
	while (q < lx->src->len && is_alpha(s[q]))
		q++;
	if (q > p) {
		size_t ulen = q - p;
		size_t k;
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++)
			if (strlen(units[k]) == ulen &&
			    !memcmp(units[k], s + p, ulen))
				break;
		if (k == sizeof(units) / sizeof(units[0])) {
			while (q < lx->src->len && is_alnum(s[q]))
				q++;
			return expr_fail(lx->src, (uint32_t)lx->pos,
					 (uint32_t)q,
					 "expected a unit (us ms s min m h d w "
					 "km), found '%.*s'",
					 (int)(q - p), s + p);
		}
		if (t->int_overflow)
			return expr_fail(lx->src, (uint32_t)lx->pos,
					 (uint32_t)q,
					 "expected a number that fits in 64 "
					 "bits, found '%.*s'",
					 (int)(q - lx->pos), s + lx->pos);
		memcpy(t->unit, units[k], ulen + 1);
		t->kind = TK_UNIT;
		p = q;
		if (p < lx->src->len && is_digit(s[p]))
			return lex_compound(lx, t, p);
	}
	t->end = (uint32_t)p;
	lx->pos = p;
	return 0;
}

/* ---- timestamps --------------------------------------------------------- */

static int digits_at(const char *s, size_t len, size_t p, size_t n)
{
	if (p + n > len)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[p + i]))
			return 0;
	return 1;
}

static int num_at(const char *s, size_t p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[p + i] - '0');
	return v;
}

static int looks_like_date(const struct lexer *lx)
{
	const char *s = lx->src->text;
	size_t len = lx->src->len, p = lx->pos;
	return digits_at(s, len, p, 4) && p + 4 < len && s[p + 4] == '-' &&
	       digits_at(s, len, p + 5, 2) && p + 7 < len &&
	       s[p + 7] == '-' && digits_at(s, len, p + 8, 2);
}

/*
 * time   -> DATE [ ('T'|'t') HH ':' MM [ ':' SS [ '.' FRACTION ] ] ] [ zone ]
 * zone   -> 'Z' | 'z' | ('+'|'-') HH [ ':' ] MM
 */
static int lex_time(struct lexer *lx, struct token *t)
{
	const char *s = lx->src->text;
	size_t len = lx->src->len, p = lx->pos;
	int y = num_at(s, p, 4), mo = num_at(s, p + 5, 2),
	    dd = num_at(s, p + 8, 2);
	int hh = 0, mi = 0, ss = 0, ms = 0;

	memset(&t->t, 0, sizeof(t->t));
	p += 10;
	if (p < len && (s[p] == 'T' || s[p] == 't') &&
	    digits_at(s, len, p + 1, 2) && p + 3 < len && s[p + 3] == ':' &&
	    digits_at(s, len, p + 4, 2)) {
		t->t.has_time = 1;
		hh = num_at(s, p + 1, 2);
		mi = num_at(s, p + 4, 2);
		p += 6;
		if (p < len && s[p] == ':' && digits_at(s, len, p + 1, 2)) {
			ss = num_at(s, p + 1, 2);
			p += 3;
			if (p < len && s[p] == '.' && p + 1 < len &&
			    is_digit(s[p + 1])) {
				int scale = 100;
				p++;
				while (p < len && is_digit(s[p])) {
					ms += (s[p] - '0') * scale;
					scale /= 10;
					p++;
				}
			}
		}
		if (p < len && (s[p] == 'Z' || s[p] == 'z')) {
			t->t.has_zone = 1;
			p++;
		} else if (p < len && (s[p] == '+' || s[p] == '-') &&
			   digits_at(s, len, p + 1, 2)) {
			size_t q = p + 3;
			int oh = num_at(s, p + 1, 2), om;
			if (q < len && s[q] == ':' && digits_at(s, len, q + 1, 2)) {
				om = num_at(s, q + 1, 2);
				q += 3;
			} else if (digits_at(s, len, q, 2)) {
				om = num_at(s, q, 2);
				q += 2;
			} else {
				om = -1;
			}
			if (om >= 0) {
				if (oh > 14 || om > 59)
					return expr_fail(
						lx->src, (uint32_t)p,
						(uint32_t)q,
						"expected a zone offset between "
						"-14:00 and +14:00, found '%.*s'",
						(int)(q - p), s + p);
				t->t.has_zone = 1;
				t->t.offset_s = (oh * 3600 + om * 60) *
						(s[p] == '-' ? -1 : 1);
				p = q;
			}
		}
	}
	if (p < len && is_alnum(s[p])) {
		size_t q = p;
		while (q < len && (is_alnum(s[q]) || s[q] == ':' || s[q] == '.'))
			q++;
		return expr_fail(lx->src, (uint32_t)lx->pos, (uint32_t)q,
				 "expected a timestamp such as "
				 "2025-01-03T08:00:00, found '%.*s'",
				 (int)(q - lx->pos), s + lx->pos);
	}
	if (!civil_valid(y, mo, dd) || hh > 23 || mi > 59 || ss > 59)
		return expr_fail(lx->src, (uint32_t)lx->pos, (uint32_t)p,
				 "expected a valid date and time, found '%.*s'",
				 (int)(p - lx->pos), s + lx->pos);
	t->t.days = days_from_civil(y, mo, dd);
	t->t.tod_ms = ((int64_t)hh * 3600 + mi * 60 + ss) * 1000 + ms;
	t->kind = TK_TIME;
	t->end = (uint32_t)p;
	lx->pos = p;
	return 0;
}

/* ---- addresses ---------------------------------------------------------- */

/* Length of the run of address characters at the current position. */
static size_t addr_run(const struct lexer *lx, int *colons, int *dots,
		       int *hexletters)
{
	const char *s = lx->src->text;
	size_t p = lx->pos;
	*colons = *dots = *hexletters = 0;
	while (p < lx->src->len &&
	       (is_hex(s[p]) || s[p] == ':' || s[p] == '.')) {
		if (s[p] == ':')
			(*colons)++;
		else if (s[p] == '.')
			(*dots)++;
		else if (!is_digit(s[p]))
			(*hexletters)++;
		p++;
	}
	return p - lx->pos;
}

static int mask_check(struct lexer *lx, struct token *t, size_t start,
		      size_t end)
{
	int nbytes = t->ip.v6 ? 16 : 4;
	struct ipaddr net = t->ip;
	int host_bits = 0;
	for (int i = 0; i < nbytes; i++) {
		int keep = t->prefix - i * 8;
		uint8_t m = keep >= 8 ? 0xff :
			    keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		if (net.b[i] & ~m)
			host_bits = 1;
		net.b[i] &= m;
	}
	if (host_bits) {
		char txt[64];
		ip_format(&net, txt, sizeof(txt));
		return expr_fail(lx->src, (uint32_t)start, (uint32_t)end,
				 "expected a network address, found host bits "
				 "set in '%.*s' (did you mean %s/%d?)",
				 (int)(end - start), lx->src->text + start, txt,
				 t->prefix);
	}
	return 0;
}

/*
 * address -> IPV4 | IPV6 ;  cidr -> address '/' DIGITS
 */
static int lex_address(struct lexer *lx, struct token *t, size_t runlen)
{
	const char *s = lx->src->text;
	size_t start = lx->pos, p = lx->pos + runlen;

	if (ip_parse(s + start, runlen, &t->ip) < 0) {
		size_t q = p;
		while (q < lx->src->len && (is_alnum(s[q]) || s[q] == ':' ||
					    s[q] == '.' || s[q] == '/'))
			q++;
		return expr_fail(lx->src, (uint32_t)start, (uint32_t)q,
				 "expected an IP address, found '%.*s'",
				 (int)(q - start), s + start);
	}
	t->kind = TK_IP;
	if (p < lx->src->len && s[p] == '/' && p + 1 < lx->src->len &&
	    is_digit(s[p + 1])) {
		size_t q = p + 1;
		int prefix = 0, max = t->ip.v6 ? 128 : 32;
		while (q < lx->src->len && is_digit(s[q])) {
			if (prefix <= 1000)
				prefix = prefix * 10 + (s[q] - '0');
			q++;
		}
		if (prefix > max) {
			return expr_fail(lx->src, (uint32_t)p + 1,
					 (uint32_t)q,
					 "expected a prefix length from 0 to "
					 "%d, found '%.*s'",
					 max, (int)(q - p - 1), s + p + 1);
		}
		t->prefix = prefix;
		t->kind = TK_CIDR;
		if (mask_check(lx, t, start, q) < 0)
			return -1;
		p = q;
	}
	if (p < lx->src->len && is_alnum(s[p])) {
		size_t q = p;
		while (q < lx->src->len && is_alnum(s[q]))
			q++;
		return expr_fail(lx->src, (uint32_t)start, (uint32_t)q,
				 "expected an IP address, found '%.*s'",
				 (int)(q - start), s + start);
	}
	t->end = (uint32_t)p;
	lx->pos = p;
	return 0;
}

/* ---- strings ------------------------------------------------------------ */

/*
 * string -> '"' { CHAR | '\"' | '\\' } '"'  |  "'" { CHAR | "\'" | '\\' } "'"
 */
static int lex_string(struct lexer *lx, struct token *t)
{
	const char *s = lx->src->text;
	size_t len = lx->src->len, p = lx->pos + 1;
	char q = s[lx->pos];
	struct buf b = BUF_INIT;

	for (;;) {
		if (p >= len) {
			buf_release(&b);
			return expr_fail(lx->src, (uint32_t)lx->pos,
					 (uint32_t)lx->pos + 1,
					 "expected a closing %c, found end of "
					 "expression", q);
		}
		if (s[p] == q)
			break;
		if (s[p] == '\\' && p + 1 < len &&
		    (s[p + 1] == q || s[p + 1] == '\\')) {
			buf_addch(&b, s[p + 1]);
			p += 2;
			continue;
		}
		buf_addch(&b, s[p]);
		p++;
	}
	p++;
	t->kind = TK_STR;
	t->s = pool_strndup(lx->pool, b.data ? b.data : "", b.len);
	t->len = (uint32_t)b.len;
	buf_release(&b);
	t->end = (uint32_t)p;
	lx->pos = p;
	return 0;
}

uint32_t lex_string_srcpos(const struct expr_src *src, uint32_t tok_start,
			   size_t k)
{
	const char *s = src->text;
	size_t p = tok_start + 1;
	char q = s[tok_start];
	while (p < src->len && s[p] != q) {
		size_t step = (s[p] == '\\' && p + 1 < src->len &&
			       (s[p + 1] == q || s[p + 1] == '\\')) ? 2 : 1;
		if (k == 0)
			return (uint32_t)p;
		k--;
		p += step;
	}
	return (uint32_t)p;
}

/* ---- names and keywords ------------------------------------------------- */

static const struct {
	const char *word;
	enum tok kind;
} keywords[] = {
	{ "and", TK_AND }, { "or", TK_OR }, { "not", TK_NOT },
	{ "in", TK_IN }, { "between", TK_BETWEEN }, { "true", TK_TRUE },
	{ "false", TK_FALSE },
};

static void lex_name(struct lexer *lx, struct token *t)
{
	const char *s = lx->src->text;
	size_t p = lx->pos;
	while (p < lx->src->len && is_alnum(s[p]))
		p++;
	t->kind = TK_NAME;
	t->s = s + lx->pos;
	t->len = (uint32_t)(p - lx->pos);
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (strlen(keywords[k].word) == t->len &&
		    !strncasecmp(keywords[k].word, t->s, t->len))
			t->kind = keywords[k].kind;
	t->end = (uint32_t)p;
	lx->pos = p;
}

/* ---- the token loop ----------------------------------------------------- */

static int op2(struct lexer *lx, struct token *t, enum tok k, size_t n)
{
	t->kind = k;
	lx->pos += n;
	t->end = (uint32_t)lx->pos;
	return 0;
}

static int read_token(struct lexer *lx, struct token *t)
{
	const char *s = lx->src->text;
	int c, c1, colons, dots, hexl;
	size_t run;

	memset(t, 0, sizeof(*t));
	while (lx->pos < lx->src->len &&
	       (s[lx->pos] == ' ' || s[lx->pos] == '\t' ||
		s[lx->pos] == '\n' || s[lx->pos] == '\r'))
		lx->pos++;
	t->start = t->end = (uint32_t)lx->pos;
	if (lx->pos >= lx->src->len) {
		t->kind = TK_EOF;
		return 0;
	}
	c = (unsigned char)s[lx->pos];
	c1 = peekc(lx, 1);

	if (is_digit(c)) {
		if (looks_like_date(lx))
			return lex_time(lx, t);
		run = addr_run(lx, &colons, &dots, &hexl);
		if (colons > 0 || dots == 3)
			return lex_address(lx, t, run);
		if (dots >= 2 && !hexl)
			return lex_address(lx, t, run); /* reports the error */
		return lex_number(lx, t);
	}
	if (is_alpha(c)) {
		run = addr_run(lx, &colons, &dots, &hexl);
		if (colons > 0 && (lx->pos + run >= lx->src->len ||
				   !is_alnum(s[lx->pos + run]))) {
			size_t p = lx->pos;
			while (p < lx->src->len && is_hex(s[p]))
				p++;
			if (p < lx->src->len && s[p] == ':')
				return lex_address(lx, t, run);
		}
		lex_name(lx, t);
		return 0;
	}
	switch (c) {
	case '"':
	case '\'':
		return lex_string(lx, t);
	case ':':
		if (c1 == ':') {
			run = addr_run(lx, &colons, &dots, &hexl);
			return lex_address(lx, t, run);
		}
		break;
	case '=':
		if (c1 == '=')
			return op2(lx, t, TK_EQ, 2);
		return expr_fail(lx->src, (uint32_t)lx->pos,
				 (uint32_t)lx->pos + 1,
				 "expected '==', found '='");
	case '!':
		if (c1 == '=')
			return op2(lx, t, TK_NE, 2);
		if (c1 == '~')
			return op2(lx, t, TK_NMATCH, 2);
		return op2(lx, t, TK_NOT, 1);
	case '<':
		if (c1 == '=')
			return op2(lx, t, TK_LE, 2);
		if (c1 == '>')
			return expr_fail(lx->src, (uint32_t)lx->pos,
					 (uint32_t)lx->pos + 2,
					 "expected '!=', found '<>'");
		return op2(lx, t, TK_LT, 1);
	case '>':
		if (c1 == '=')
			return op2(lx, t, TK_GE, 2);
		return op2(lx, t, TK_GT, 1);
	case '&':
		if (c1 == '&')
			return op2(lx, t, TK_AND, 2);
		return expr_fail(lx->src, (uint32_t)lx->pos,
				 (uint32_t)lx->pos + 1,
				 "expected '&&', found '&'");
	case '|':
		if (c1 == '|')
			return op2(lx, t, TK_OR, 2);
		return expr_fail(lx->src, (uint32_t)lx->pos,
				 (uint32_t)lx->pos + 1,
				 "expected '||', found '|'");
	case '~': return op2(lx, t, TK_MATCH, 1);
	case '+': return op2(lx, t, TK_PLUS, 1);
	case '-': return op2(lx, t, TK_MINUS, 1);
	case '*': return op2(lx, t, TK_STAR, 1);
	case '/': return op2(lx, t, TK_SLASH, 1);
	case '%': return op2(lx, t, TK_PERCENT, 1);
	case '(': return op2(lx, t, TK_LPAREN, 1);
	case ')': return op2(lx, t, TK_RPAREN, 1);
	case '{': return op2(lx, t, TK_LBRACE, 1);
	case '}': return op2(lx, t, TK_RBRACE, 1);
	case ',': return op2(lx, t, TK_COMMA, 1);
	default:
		break;
	}
	{
		/* one whole UTF-8 character under the caret */
		size_t e = lx->pos + 1;
		while (e < lx->src->len && e - lx->pos < 4 &&
		       ((unsigned char)s[e] & 0xc0) == 0x80)
			e++;
		/* expr_fail escapes its control bytes */
		return expr_fail(lx->src, (uint32_t)lx->pos, (uint32_t)e,
				 "unexpected character '%.*s'",
				 (int)(e - lx->pos), s + lx->pos);
	}
}

int lex_init(struct lexer *lx, const struct expr_src *src,
	     struct expr_pool *pool)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->pool = pool;
	return read_token(lx, &lx->tok);
}

int lex_next(struct lexer *lx)
{
	if (lx->has_ahead) {
		lx->tok = lx->ahead;
		lx->has_ahead = 0;
		return 0;
	}
	return read_token(lx, &lx->tok);
}

int lex_peek(struct lexer *lx, const struct token **out)
{
	if (!lx->has_ahead) {
		if (read_token(lx, &lx->ahead) < 0)
			return -1;
		lx->has_ahead = 1;
	}
	*out = &lx->ahead;
	return 0;
}
