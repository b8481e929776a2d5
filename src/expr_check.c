/*
 * expr_check.c - the check pass: resolves names, types every node, gives
 * literals their meaning from context, folds constants, builds the constant
 * sets and compiles the regexes, all before any row is read. What it
 * accepts is the language; what it refuses gets a caret diagnostic.
 *
 * Names. A bare name is a canonical or derived field of canon.def (any
 * case: CALLER is caller), else an enum word (voice sms data other, mo mt
 * unknown) where the other operand is a type or direction field, else an
 * error suggesting the nearest field by edit distance or by alias
 * ("msisdn": did you mean 'subscriber'?). Raw columns are col("Header").
 *
 * Literals take their type from the other operand ("context"):
 *
 *   literal        beside a duration   a distance  a timestamp  text/phone
 *   42, 1.5        seconds             metres      error        "42" as written
 *   30s 2h 1d 1w   duration            error       error        error
 *   5m             5 minutes           5 metres    error        error
 *   2km            error               distance    error        error
 *   2025-01-03     error               error       midnight in the --tz zone
 *   "..."          "01:30:00" parsed   error       parsed as a record's
 *                                                  timestamp (ts_parse)
 *
 * Beside a date (the derived field date, or date(t)) a date literal is that
 * day. A string beside a phone field is normalised like the records'
 * numbers ("+60 12-345 6789" is 60123456789). Beside a number, "42" is 42.
 * With no context at all (5m == 5m) "m" is an error: write 5min.
 *
 * Arithmetic: int + - * % int is int, and / is exact (decimal); time +-
 * duration is a time, time - time a duration, duration * / number a
 * duration, duration / duration a number, date +- int days a date. A
 * result that overflows or divides by zero is missing.
 *
 * Cells. The name "cell" reads the cell identity (CI or ECI) alone, the
 * hidden field F_CELL_ID, whatever the spelling of the record's cell (a CGI
 * in one column, or separate mcc, mnc, lac and cell columns). A string
 * literal that is a key of several parts ("502-16-1224-102405123",
 * "502-16-102405123", "1224-102405123") compares the parts it names:
 * "cell == KEY" becomes "mcc == .. and mnc == .. and lac == .. and cell
 * == ..", "!=" their "or" of "!=", and "in" sets holding keys the "or" of
 * those (see the Cells section of the man page).
 *
 * Folding: operators whose operands are all constants are computed here
 * with the evaluator's own helpers (expr_func.h), so that "duration >
 * 1h + 30m" costs one comparison per row.
 */
#include "expr_parse.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cells.h"
#include "expr_func.h"
#include "schema.h"
#include "suggest.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

static const char *const type_names[T_COUNT] = {
#define X(id, name, noun) name,
	EXPR_TYPES(X)
#undef X
};

static const char *const type_nouns[T_COUNT] = {
#define X(id, name, noun) noun,
	EXPR_TYPES(X)
#undef X
};

const char *type_name(enum expr_type t)
{
	return (unsigned)t < T_COUNT ? type_names[t] : "?";
}

const char *type_noun(enum expr_type t)
{
	return (unsigned)t < T_COUNT ? type_nouns[t] : "?";
}

enum storage type_storage(enum expr_type t)
{
	switch (t) {
	case T_BOOL:
	case T_INT:
	case T_TIME:
	case T_DUR:
	case T_DATE:
	case T_TYPE:
	case T_DIR:
		return S_I;
	case T_REAL:
		return S_D;
	case T_STR:
	case T_PHONE:
	case T_TEXT:
		return S_S;
	case T_IP:
		return S_IP;
	default:
		return S_NONE;
	}
}

enum expr_type type_of_field_type(enum field_type ft)
{
	switch (ft) {
	case FT_STR: return T_STR;
	case FT_PHONE: return T_PHONE;
	case FT_INT: return T_INT;
	case FT_REAL: return T_REAL;
	case FT_TIME: return T_TIME;
	case FT_DUR: return T_DUR;
	case FT_TYPE: return T_TYPE;
	case FT_DIR: return T_DIR;
	case FT_IP: return T_IP;
	case FT_DATE: return T_DATE;
	}
	return T_NONE;
}

static int is_textual(enum expr_type t)
{
	return t == T_STR || t == T_PHONE || t == T_TEXT;
}

static int is_numeric(enum expr_type t)
{
	return t == T_INT || t == T_REAL;
}

struct checker {
	struct expr_check_ctx *cx;
	const struct expr_src *src;
	const struct expr_opts *o;
};

static int check(struct checker *c, struct expr_node **np);
static int check_flex(struct checker *c, struct expr_node **np);

/* ---- messages ----------------------------------------------------------- */

static int fail_at(struct checker *c, const struct expr_node *n,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail_at(struct checker *c, const struct expr_node *n,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return expr_fail(c->src, n->start, n->end, "%s", msg);
}

/* The source text of 'n', escaped and shortened, into 'b'. */
static void add_source(struct checker *c, const struct expr_node *n,
		       struct buf *b)
{
	buf_add_escaped(b, c->src->text + n->start, n->end - n->start, 40);
}

/* The natural type of a literal or bare word (T_NONE: undecided). */
static enum expr_type natural(const struct expr_node *n)
{
	if (n->kind == N_NAME) {
		if (rec_type_from_name(n->lit.s, n->lit.len) > 0)
			return T_TYPE;
		if (rec_dir_from_name(n->lit.s, n->lit.len) > 0)
			return T_DIR;
		return T_NONE;
	}
	if (n->kind != N_LIT)
		return n->type;
	switch (n->lit.kind) {
	case TK_INT: return T_INT;
	case TK_REAL: return T_REAL;
	case TK_UNIT:
		if (!strcmp(n->lit.unit, "m"))
			return T_NONE;
		return !strcmp(n->lit.unit, "km") ? T_DIST : T_DUR;
	case TK_STR: return T_STR;
	case TK_TIME: return n->lit.t.has_time ? T_TIME : T_DATE;
	case TK_IP: return T_IP;
	case TK_CIDR: return T_CIDR;
	case TK_TRUE:
	case TK_FALSE: return T_BOOL;
	default: return T_NONE;
	}
}

/* "field 'start' (a timestamp)", "'5km' (a distance)", "\"x\" (text)". */
static void describe(struct checker *c, const struct expr_node *n,
		     struct buf *b)
{
	enum expr_type t = natural(n);
	const char *noun = type_noun(t);

	if (n->kind == N_LIT && n->lit.kind == TK_UNIT && t == T_NONE)
		noun = "a duration or distance";
	if (t == T_TYPE)
		noun = "a record type";
	if (t == T_DIR)
		noun = "a direction";
	if (n->kind == N_LIT && n->lit.kind == TK_TIME && !n->lit.t.has_time)
		noun = "a date";
	if (n->kind == N_FIELD) {
		buf_addf(b, "field '%s' (%s)", field_table[n->field].name,
			 noun);
		return;
	}
	if (n->kind == N_NAME && t == T_NONE) {
		buf_addch(b, '\'');
		add_source(c, n, b);
		buf_addch(b, '\'');
		return;
	}
	if (c->src->text[n->start] == '"' || c->src->text[n->start] == '\'') {
		add_source(c, n, b);
	} else {
		buf_addch(b, '\'');
		add_source(c, n, b);
		buf_addch(b, '\'');
	}
	buf_addf(b, " (%s)", noun);
}

static int is_unit_type(enum expr_type t)
{
	return t == T_DUR || t == T_DIST;
}

/* "expected <want>, found <n>", with "unit mismatch: " between units. */
static int fail_expected(struct checker *c, const struct expr_node *n,
			 const char *want_noun, enum expr_type want)
{
	struct buf b = BUF_INIT;
	enum expr_type have = natural(n);
	int unit = is_unit_type(want) &&
		   (is_unit_type(have) ||
		    (n->kind == N_LIT && n->lit.kind == TK_UNIT));
	int rc;
	describe(c, n, &b);
	rc = fail_at(c, n, "%sexpected %s, found %s", unit ? "unit mismatch: " : "",
		     want_noun, buf_cstr(&b));
	buf_release(&b);
	return rc;
}

/* ---- edit distance and suggestions ------------------------------------- */

static int field_allowed(const struct checker *c, int f)
{
	unsigned k = field_table[f].kinds;
	if (k & KB_AUX)
		return 0;
	if (c->o->kind == KIND_CDR)
		return (k & KB_CDR) != 0;
	if (c->o->kind == KIND_IP)
		return (k & KB_IP) != 0;
	return 1;
}

/* The field to suggest for unknown name 'name', or NULL. */
static const char *suggest_field(const struct checker *c, const char *name,
				 size_t len)
{
	struct suggest s;
	char norm[80];
	size_t nl = suggest_norm(name, len, norm, sizeof(norm));

	for (int f = 0; f < F_COUNT; f++)
		if (field_allowed(c, f) && nl &&
		    suggest_alias_has(field_table[f].aliases, norm))
			return field_table[f].name;
	suggest_init(&s, len);
	for (int f = 0; f < F_COUNT; f++)
		if (field_allowed(c, f))
			suggest_try(&s, name, len, field_table[f].name);
	return s.best;
}

static int fail_unknown_name(struct checker *c, const struct expr_node *n)
{
	const char *best = suggest_field(c, n->lit.s, n->lit.len);
	if (best)
		return fail_at(c, n, "unknown field '%.*s' (did you mean '%s'?)",
			       (int)n->lit.len, n->lit.s, best);
	return fail_at(c, n,
		       "unknown field '%.*s' (a raw column is written "
		       "col(\"%.*s\"))",
		       (int)n->lit.len, n->lit.s, (int)n->lit.len, n->lit.s);
}

/* ---- node helpers ------------------------------------------------------- */

static void make_const(struct expr_node *n, enum expr_type t)
{
	n->kind = N_CONST;
	n->type = t;
	n->flex = 0;
	n->a = n->b = n->c = NULL;
}

static int is_flex(const struct expr_node *n)
{
	return n->kind == N_LIT || n->kind == N_NAME ||
	       (n->kind == N_CONST && n->flex);
}

/* Wrap '*np' in a conversion to 't' (folded at once for a constant). */
static int convert(struct checker *c, struct expr_node **np,
		   enum expr_type t);

/* The source text of a literal, as a pool string constant of type 't'. */
static void text_const(struct checker *c, struct expr_node *n,
		       enum expr_type t, const char *s, size_t len)
{
	make_const(n, t);
	n->k.s = pool_strndup(c->cx->pool, s, len);
	n->k.len = (uint32_t)len;
}

/* A phone-number literal normalised as schema_map_row() does to records. */
static void phone_const(struct checker *c, struct expr_node *n,
			const char *s, size_t len)
{
	char *out = pool_alloc(c->cx->pool, len + 32);
	int r = phone_normalise(s, len, c->o->country, out, len + 32);
	if (r < 0)
		text_const(c, n, T_PHONE, s, len); /* "anonymous": as written */
	else
		text_const(c, n, T_PHONE, out, (size_t)r);
}

/* Microseconds in one 'unit' (durations are microseconds, record.h). */
static int64_t unit_us(const char *unit)
{
	if (!strcmp(unit, "us")) return 1;
	if (!strcmp(unit, "ms")) return 1000;
	if (!strcmp(unit, "s")) return 1000000;
	if (!strcmp(unit, "m") || !strcmp(unit, "min")) return 60000000;
	if (!strcmp(unit, "h")) return 3600000000LL;
	if (!strcmp(unit, "d")) return 86400000000LL;
	if (!strcmp(unit, "w")) return 7 * 86400000000LL;
	return 0;
}

static int set_dur(struct checker *c, struct expr_node *n, double us)
{
	int64_t v;
	if (real_to_int(us, &v) < 0)
		return fail_at(c, n, "expected a duration, found a number too "
			       "large");
	make_const(n, T_DUR);
	n->k.i = v;
	return 0;
}

static void enum_suggestion(const char *word, size_t len, int is_dir,
			    struct buf *b)
{
	struct suggest s;
	suggest_init(&s, len);
	for (int i = 1; i <= (is_dir ? 3 : 4); i++)
		suggest_try(&s, word, len,
			    is_dir ? rec_dir_name(i) : rec_type_name(i));
	if (s.best)
		buf_addf(b, " (did you mean '%s'?)", s.best);
}

/*
 * Give flexible node 'n' (a literal, a bare word, or a constant folded from
 * plain numbers) the type 'want', or fail with "expected ..., found ...".
 */
static int coerce(struct checker *c, struct expr_node *n, enum expr_type want)
{
	const struct token *t = &n->lit;

	if (n->kind == N_CONST) {
		if (n->type == want)
			return 0;
		if (n->flex && want == T_REAL && n->type == T_INT) {
			n->k.d = (double)n->k.i;
			n->type = T_REAL;
			return 0;
		}
		if (n->flex && (want == T_DUR || want == T_DIST)) {
			double v = n->type == T_INT ? (double)n->k.i : n->k.d;
			if (want == T_DIST) {
				make_const(n, T_DIST);
				n->k.d = v;
				return 0;
			}
			return set_dur(c, n, v * 1e6);
		}
		return fail_expected(c, n, type_noun(want), want);
	}

	if (n->kind == N_NAME) {
		if (want == T_TYPE || want == T_DIR) {
			int v = want == T_TYPE ?
					rec_type_from_name(n->lit.s, n->lit.len) :
					rec_dir_from_name(n->lit.s, n->lit.len);
			struct buf b = BUF_INIT;
			int rc;
			if (v > 0) {
				make_const(n, want);
				n->k.i = v;
				return 0;
			}
			if (natural(n) != T_NONE)
				return fail_expected(c, n, type_noun(want), want);
			buf_addf(&b, "expected %s, found '%.*s'", type_noun(want),
				 (int)n->lit.len, n->lit.s);
			enum_suggestion(n->lit.s, n->lit.len, want == T_DIR, &b);
			rc = fail_at(c, n, "%s", buf_cstr(&b));
			buf_release(&b);
			return rc;
		}
		if (natural(n) != T_NONE)
			return fail_expected(c, n, type_noun(want), want);
		return fail_unknown_name(c, n);
	}

	switch (t->kind) {
	case TK_INT:
	case TK_REAL:
		switch (want) {
		case T_INT:
			if (t->kind == TK_INT && !t->int_overflow) {
				make_const(n, T_INT);
				n->k.i = t->i;
				return 0;
			}
			break;
		case T_REAL:
			if (t->int_overflow)
				break;
			make_const(n, T_REAL);
			n->k.d = t->kind == TK_INT ? (double)t->i : t->d;
			return 0;
		case T_DUR:
			if (t->int_overflow)
				break;
			return set_dur(c, n, (t->kind == TK_INT ? (double)t->i :
							       t->d) * 1e6);
		case T_DIST:
			if (t->int_overflow)
				break;
			make_const(n, T_DIST);
			n->k.d = t->kind == TK_INT ? (double)t->i : t->d;
			return 0;
		case T_STR:
		case T_TEXT:
			text_const(c, n, want, c->src->text + n->start,
				   n->end - n->start);
			return 0;
		case T_PHONE:
			phone_const(c, n, c->src->text + n->start,
				    n->end - n->start);
			return 0;
		default:
			break;
		}
		if (t->int_overflow && is_numeric(want))
			return fail_at(c, n, "expected a number that fits in "
				       "64 bits, found '%.*s'",
				       (int)(n->end - n->start),
				       c->src->text + n->start);
		break;
	case TK_UNIT:
		if (want == T_DUR && unit_us(t->unit))
			return set_dur(c, n, t->d * (double)unit_us(t->unit));
		if (want == T_DIST && (!strcmp(t->unit, "m") ||
				       !strcmp(t->unit, "km"))) {
			make_const(n, T_DIST);
			n->k.d = t->d * (t->unit[0] == 'k' ? 1000.0 : 1.0);
			return 0;
		}
		break;
	case TK_STR:
		switch (want) {
		case T_STR:
		case T_TEXT:
			text_const(c, n, want, t->s, t->len);
			return 0;
		case T_PHONE:
			phone_const(c, n, t->s, t->len);
			return 0;
		case T_TYPE:
		case T_DIR: {
			int v = want == T_TYPE ? rec_type_from_name(t->s, t->len) :
						 rec_dir_from_name(t->s, t->len);
			struct buf b = BUF_INIT;
			int rc;
			if (v > 0) {
				make_const(n, want);
				n->k.i = v;
				return 0;
			}
			buf_addf(&b, "expected %s, found ", type_noun(want));
			add_source(c, n, &b);
			enum_suggestion(t->s, t->len, want == T_DIR, &b);
			rc = fail_at(c, n, "%s", buf_cstr(&b));
			buf_release(&b);
			return rc;
		}
		case T_TIME: {
			int64_t ms;
			if (ts_parse(t->s, t->len, c->o->tz, &ms) < 0)
				return fail_expected(c, n, "a timestamp "
						     "(2025-01-03T08:00)", want);
			make_const(n, T_TIME);
			n->k.i = ms;
			return 0;
		}
		case T_DATE: {
			int64_t days;
			if (ts_parse_date(t->s, t->len, &days) < 0)
				return fail_expected(c, n, "a date (2025-01-03)",
						     want);
			make_const(n, T_DATE);
			n->k.i = days;
			return 0;
		}
		case T_DUR: {
			int64_t us;
			if (dur_parse(t->s, t->len, &us) < 0)
				return fail_expected(c, n, "a duration (90s, "
						     "1h, \"01:30:00\")", want);
			make_const(n, T_DUR);
			n->k.i = us;
			return 0;
		}
		case T_IP:
			if (ip_parse(t->s, t->len, &n->k.ip) < 0)
				return fail_expected(c, n, "an IP address", want);
			make_const(n, T_IP);
			return 0;
		case T_INT:
		case T_REAL: {
			double v;
			if (text_to_real(t->s, t->len, &v) < 0)
				break;
			if (want == T_INT) {
				if (v != floor(v) || fabs(v) > 9e18)
					break;
				make_const(n, T_INT);
				n->k.i = (int64_t)v;
			} else {
				make_const(n, T_REAL);
				n->k.d = v;
			}
			return 0;
		}
		default:
			break;
		}
		break;
	case TK_TIME:
		if (want == T_TIME) {
			int64_t local = t->t.days * 86400000 + t->t.tod_ms;
			make_const(n, T_TIME);
			n->k.i = t->t.has_zone ?
					 local - (int64_t)t->t.offset_s * 1000 :
					 tz_local_to_utc(c->o->tz, local);
			return 0;
		}
		if (want == T_DATE && !t->t.has_time) {
			make_const(n, T_DATE);
			n->k.i = t->t.days;
			return 0;
		}
		if (want == T_STR || want == T_TEXT) {
			text_const(c, n, want, c->src->text + n->start,
				   n->end - n->start);
			return 0;
		}
		break;
	case TK_IP:
		if (want == T_IP) {
			make_const(n, T_IP);
			n->k.ip = t->ip;
			return 0;
		}
		if (want == T_STR || want == T_TEXT) {
			text_const(c, n, want, c->src->text + n->start,
				   n->end - n->start);
			return 0;
		}
		break;
	case TK_CIDR:
		if (want == T_CIDR) {
			make_const(n, T_CIDR);
			n->k.ip = t->ip;
			n->k.prefix = t->prefix;
			return 0;
		}
		break;
	case TK_TRUE:
	case TK_FALSE:
		if (want == T_BOOL) {
			int v = t->kind == TK_TRUE;
			make_const(n, T_BOOL);
			n->k.i = v;
			return 0;
		}
		break;
	default:
		break;
	}
	return fail_expected(c, n, type_noun(want), want);
}

/*
 * Give a flexible node its natural type. Plain numbers stay flexible
 * constants (they may yet be seconds or metres); "5m" alone is an error.
 */
static int finalize(struct checker *c, struct expr_node *n)
{
	enum expr_type t;
	if (!is_flex(n) || n->kind == N_CONST)
		return 0;
	t = natural(n);
	if (t == T_NONE) {
		if (n->kind == N_NAME)
			return fail_unknown_name(c, n);
		return fail_at(c, n,
			       "ambiguous unit: '%.*s' is minutes beside a "
			       "duration and metres beside a distance (write "
			       "%.*smin for minutes)",
			       (int)(n->end - n->start), c->src->text + n->start,
			       (int)(n->end - n->start - 1),
			       c->src->text + n->start);
	}
	if (n->kind == N_LIT && (t == T_INT || t == T_REAL) &&
	    !n->lit.int_overflow) {
		int rc = coerce(c, n, t);
		n->flex = 1;
		return rc;
	}
	return coerce(c, n, t);
}

/* ---- constant folding --------------------------------------------------- */

static int fold_compare(struct expr_node *n, int rel)
{
	const struct expr_node *a = n->a, *b = n->b;
	int cmp;
	switch (type_storage(a->type)) {
	case S_I: cmp = cmp_i(a->k.i, b->k.i); break;
	case S_D: cmp = cmp_d(a->k.d, b->k.d); break;
	case S_S: cmp = cmp_s(a->k.s, a->k.len, b->k.s, b->k.len); break;
	case S_IP: cmp = cmp_ip(&a->k.ip, &b->k.ip); break;
	default: return 0;
	}
	make_const(n, T_BOOL);
	n->k.i = rel_holds(rel, cmp);
	return 0;
}

static enum arith arith_of(enum tok op)
{
	switch (op) {
	case TK_PLUS: return AR_ADD;
	case TK_MINUS: return AR_SUB;
	case TK_STAR: return AR_MUL;
	case TK_SLASH: return AR_DIV;
	default: return AR_MOD;
	}
}

int expr_rel_of(enum tok op)
{
	switch (op) {
	case TK_EQ: return REL_EQ;
	case TK_NE: return REL_NE;
	case TK_LT: return REL_LT;
	case TK_LE: return REL_LE;
	case TK_GT: return REL_GT;
	default: return REL_GE;
	}
}

static int fold_arith(struct checker *c, struct expr_node *n)
{
	const struct expr_node *a = n->a, *b = n->b;
	enum arith op = arith_of(n->op);
	int flex = a->flex && b->flex;
	enum expr_type t = n->type;

	if (type_storage(a->type) == S_D) {
		double r;
		if (arith_d(op, a->k.d, b->k.d, &r) < 0)
			goto bad;
		make_const(n, t);
		n->k.d = r;
	} else {
		int64_t r;
		if (arith_i(op, a->k.i, b->k.i, &r) < 0)
			goto bad;
		make_const(n, t);
		n->k.i = r;
	}
	n->flex = flex && is_numeric(t);
	return 0;
bad:
	if ((op == AR_DIV || op == AR_MOD) &&
	    (type_storage(b->type) == S_D ? b->k.d == 0 : b->k.i == 0))
		return fail_at(c, n, "expected a constant, found a division by "
			       "zero");
	return fail_at(c, n, "expected a result within 64 bits, found an "
		       "overflow");
}

/* Fold conversion node 'n' of a constant operand. */
static int fold_conv(struct checker *c, struct expr_node *n)
{
	const struct expr_node *a = n->a;
	enum expr_type t = n->type;
	int flex = a->flex;

	if (type_storage(t) == S_D && type_storage(a->type) == S_I) {
		double v = (double)a->k.i;
		make_const(n, t);
		n->k.d = v;
	} else if (type_storage(t) == S_I && type_storage(a->type) == S_D) {
		int64_t v;
		if (real_to_int(a->k.d, &v) < 0)
			return fail_at(c, n, "expected a result within 64 "
				       "bits, found an overflow");
		make_const(n, t);
		n->k.i = v;
	} else {
		return 0;
	}
	n->flex = flex && is_numeric(t);
	return 0;
}

static int convert(struct checker *c, struct expr_node **np,
		   enum expr_type t)
{
	struct expr_node *a = *np, *n;
	if (a->type == t)
		return 0;
	if (a->kind == N_CONST && a->flex && (is_numeric(t) ||
					      t == T_DUR || t == T_DIST))
		return coerce(c, a, t);
	n = pool_alloc(c->cx->pool, sizeof(*n));
	n->kind = N_CONV;
	n->type = t;
	n->start = a->start;
	n->end = a->end;
	n->op_start = a->op_start;
	n->op_end = a->op_end;
	n->a = a;
	*np = n;
	if (a->kind == N_CONST)
		return fold_conv(c, n);
	return 0;
}

/* ---- comparisons -------------------------------------------------------- */

/*
 * Give flexible '*fp' a type to compare or combine with concrete 'other'.
 */
static int coerce_beside(struct checker *c, struct expr_node **fp,
			 struct expr_node **op)
{
	struct expr_node *f = *fp, *o = *op;
	enum expr_type nat = natural(f);

	if (o->kind == N_FIELD &&
	    (o->field == F_CELL_OFFSET || o->field == F_CELL_RANGE) &&
	    f->kind == N_LIT && f->lit.kind == TK_UNIT &&
	    (!strcmp(f->lit.unit, "m") || !strcmp(f->lit.unit, "km"))) {
		/* a distance in metres: cell_offset > 1km, 500m (and
		   cell_range) */
		double v = f->lit.d * (f->lit.unit[0] == 'k' ? 1000.0 : 1.0);
		make_const(f, T_REAL);
		f->k.d = v;
		return 0;
	}
	if (o->type == T_TEXT) {
		/* col(): a number compares as a number, the rest as text */
		if (is_numeric(nat) && !(f->kind == N_LIT && f->lit.int_overflow)) {
			if (finalize(c, f) < 0 || coerce(c, f, T_REAL) < 0)
				return -1;
			return convert(c, op, T_REAL);
		}
		if (f->kind == N_NAME && nat == T_NONE)
			return fail_unknown_name(c, f);
		return coerce(c, f, T_TEXT);
	}
	if (is_numeric(o->type) && is_numeric(nat)) {
		if (nat == T_REAL || (f->kind == N_CONST && f->type == T_REAL)) {
			if (coerce(c, f, T_REAL) < 0)
				return -1;
			return convert(c, op, T_REAL);
		}
		return coerce(c, f, o->type);
	}
	return coerce(c, f, o->type);
}

/*
 * Bring operands '*ap' and '*bp' of a comparison (or of a set membership,
 * or between) to one comparable type; converts INT to REAL and col() text
 * to numbers where needed. Fails on incompatible types.
 */
static int unify(struct checker *c, struct expr_node **ap,
		 struct expr_node **bp)
{
	struct expr_node *a = *ap, *b = *bp;
	int fa = is_flex(a), fb = is_flex(b);

	if (fa && fb) {
		enum expr_type ta = natural(a), tb = natural(b);
		/*
		 * The literal with a definite meaning leads: in "5m < 30s"
		 * the seconds make 5m minutes, in "2025-01-03 <
		 * 2025-01-03T08:00" the time makes the date a midnight.
		 */
		int a_leads = !(ta == T_NONE || ta == T_INT || ta == T_REAL ||
				ta == T_DATE || ta == T_STR);
		int b_leads = !(tb == T_NONE || tb == T_INT || tb == T_REAL ||
				tb == T_DATE || tb == T_STR);
		if (a_leads && !b_leads) {
			if (finalize(c, a) < 0)
				return -1;
			fa = 0;
		} else if (b_leads && !a_leads) {
			if (finalize(c, b) < 0)
				return -1;
			fb = 0;
		} else {
			if (finalize(c, a) < 0 || finalize(c, b) < 0)
				return -1;
			fa = a->flex;
			fb = b->flex;
			if (fa && fb) {
				/* two plain numbers */
				if (a->type != b->type &&
				    (coerce(c, a, T_REAL) < 0 ||
				     coerce(c, b, T_REAL) < 0))
					return -1;
				return 0;
			}
		}
	}
	if (fa && !fb)
		return coerce_beside(c, ap, bp);
	if (fb && !fa)
		return coerce_beside(c, bp, ap);

	a = *ap;
	b = *bp;
	if (a->type == b->type)
		return 0;
	if (is_numeric(a->type) && is_numeric(b->type))
		return convert(c, a->type == T_INT ? ap : bp, T_REAL);
	if (is_textual(a->type) && is_textual(b->type))
		return 0;
	if (a->type == T_TEXT && is_numeric(b->type))
		return convert(c, ap, T_REAL) < 0 ? -1 :
		       b->type == T_INT ? convert(c, bp, T_REAL) : 0;
	if (b->type == T_TEXT && is_numeric(a->type))
		return convert(c, bp, T_REAL) < 0 ? -1 :
		       a->type == T_INT ? convert(c, ap, T_REAL) : 0;
	return fail_expected(c, b, type_noun(a->type), a->type);
}

/* ---- cell keys ---------------------------------------------------------- */

/* A string literal that names more than the cell identity: its parts. */
static int cell_literal(const struct expr_node *n, struct cell_key *k)
{
	if (n->kind != N_LIT || n->lit.kind != TK_STR)
		return 0;
	return cell_split(n->lit.s, n->lit.len, k) > 1;
}

/*
 * A cell key written without quotes (cell == 502-16-1224-7) reads as
 * arithmetic or a date: refuse it with the spelling that works.
 */
static int unquoted_key(struct checker *c, const struct expr_node *n)
{
	struct cell_key k;
	const char *text = c->src->text + n->start;
	size_t len = n->end - n->start;
	if ((n->kind == N_LIT && n->lit.kind == TK_STR) || n->kind == N_FIELD ||
	    n->kind == N_COL || cell_split(text, len, &k) < 2)
		return 0;
	return fail_at(c, n, "expected a cell key in quotes, found '%.*s' "
		       "(write \"%.*s\")", (int)len, text, (int)len, text);
}

static int is_cell(const struct expr_node *n)
{
	return n->kind == N_FIELD && n->field == F_CELL_ID;
}

static struct expr_node *new_node(struct checker *c,
				  const struct expr_node *at,
				  enum node_kind kind)
{
	struct expr_node *n = pool_alloc(c->cx->pool, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->start = at->start;
	n->end = at->end;
	n->op_start = at->op_start;
	n->op_end = at->op_end;
	n->height = at->height;
	return n;
}

/* 'l' op 'r' as a new boolean node (and, or, == or != of text). */
static struct expr_node *new_binary(struct checker *c,
				    const struct expr_node *at, enum tok op,
				    struct expr_node *l, struct expr_node *r)
{
	struct expr_node *n = new_node(c, at, N_BINARY);
	n->op = op;
	n->a = l;
	n->b = r;
	n->type = T_BOOL;
	return n;
}

/*
 * The comparisons "field op part" for each part of cell key 'k', joined
 * by 'join': for "cell == CGI" every part equal (and), for "cell != CGI"
 * some part different (or). A part the record lacks is missing, and a
 * comparison with a missing value is false: a record that carries only a
 * LAC and a CI is never "==" a CGI, and "!=" only when its LAC or CI
 * differ, so neither answer is a guess.
 */
static struct expr_node *cell_parts_node(struct checker *c,
					 const struct expr_node *at,
					 const struct cell_key *k, enum tok cmp,
					 enum tok join)
{
	const enum field_id fields[4] = { F_MCC, F_MNC, F_LAC, F_CELL_ID };
	const struct cell_part *parts[4] = { &k->mcc, &k->mnc, &k->lac,
					     &k->ci };
	struct expr_node *acc = NULL;
	for (int i = 0; i < 4; i++) {
		if (!parts[i]->len)
			continue;
		struct expr_node *f = new_node(c, at, N_FIELD);
		f->field = fields[i];
		f->type = T_STR;
		struct expr_node *v = new_node(c, at, N_CONST);
		text_const(c, v, T_STR, parts[i]->s, parts[i]->len);
		struct expr_node *e = new_binary(c, at, cmp, f, v);
		acc = acc ? new_binary(c, at, join, acc, e) : e;
	}
	return acc;
}

/*
 * "cell OP literal" where the literal is a cell key of several parts
 * ("502-16-1224-102405123", "1224-102405123"): 'n' becomes the comparison
 * of each part it names (see cell_parts_node). 1 when rewritten, 0 when
 * 'n' is not such a comparison, -1 on error (an order with a key).
 */
static int cell_key_compare(struct checker *c, struct expr_node *n)
{
	struct cell_key k;
	struct expr_node *lit = is_cell(n->a) ? n->b : is_cell(n->b) ? n->a :
									   NULL;
	if (lit && unquoted_key(c, lit) < 0)
		return -1;
	if (!lit || !cell_literal(lit, &k))
		return 0;
	if (n->op != TK_EQ && n->op != TK_NE)
		return expr_fail(c->src, n->op_start, n->op_end,
				 "expected '==', '!=' or 'in' with a cell key "
				 "(MCC-MNC-LAC-CI), found '%s'",
				 tok_text(n->op));
	struct expr_node *r = cell_parts_node(c, n, &k, n->op,
					      n->op == TK_EQ ? TK_AND : TK_OR);
	uint32_t s = n->start, e = n->end;
	*n = *r;
	n->start = s;
	n->end = e;
	return 1;
}

static int check_compare(struct checker *c, struct expr_node *n)
{
	enum expr_type t;
	if (check_flex(c, &n->a) < 0 || check_flex(c, &n->b) < 0)
		return -1;
	int rc = cell_key_compare(c, n);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (unify(c, &n->a, &n->b) < 0)
		return -1;
	t = n->a->type;
	if (t == T_BOOL)
		return fail_at(c, n->a, "expected a value to compare, found a "
			       "condition");
	if (t == T_DIST || t == T_CIDR)
		return fail_expected(c, n->a, "a field or value", T_NONE);
	if ((t == T_TYPE || t == T_DIR) && n->op != TK_EQ && n->op != TK_NE)
		return expr_fail(c->src, n->op_start, n->op_end,
				 "expected '==', '!=' or 'in' with %s, found "
				 "'%s'", type_noun(t), tok_text(n->op));
	n->type = T_BOOL;
	if (n->a->kind == N_CONST && n->b->kind == N_CONST)
		return fold_compare(n, expr_rel_of(n->op));
	return 0;
}

/* ---- regular expressions ------------------------------------------------ */

static int check_match(struct checker *c, struct expr_node *n)
{
	struct expr_node *re = n->b;
	struct expr_regex *rx;
	char err[256];
	size_t erroff = 0;

	if (check(c, &n->a) < 0)
		return -1;
	if (!is_textual(n->a->type) && n->a->type != T_IP)
		return fail_expected(c, n->a, "text or a phone number",
				     T_STR);
	if (re->kind != N_LIT || re->lit.kind != TK_STR) {
		struct buf b = BUF_INIT;
		int rc;
		if (re->kind == N_LIT || re->kind == N_NAME)
			describe(c, re, &b);
		else
			add_source(c, re, &b);
		rc = fail_at(c, re, "expected a regular expression in quotes "
			     "after '%s', found %s", tok_text(n->op),
			     buf_cstr(&b));
		buf_release(&b);
		return rc;
	}
	if (expr_regex_compile(&rx, re->lit.s, re->lit.len,
			       !(c->o->flags & EXPR_NO_JIT), err, sizeof(err),
			       &erroff) < 0) {
		uint32_t pos = lex_string_srcpos(c->src, re->start, erroff);
		return expr_fail(c->src, pos, pos + 1,
				 "invalid regular expression: %s", err);
	}
	VEC_GROW(c->cx->res, c->cx->nres + 1, c->cx->res_alloc);
	c->cx->res[c->cx->nres] = rx;
	n->slot = (int)c->cx->nres++;
	text_const(c, re, T_STR, re->lit.s, re->lit.len);
	n->type = T_BOOL;
	return 0;
}

/* ---- arithmetic --------------------------------------------------------- */

static int arith_ok(enum expr_type t)
{
	return is_numeric(t) || t == T_DUR || t == T_TIME || t == T_DATE ||
	       t == T_TEXT;
}

/* Type a flexible operand of arithmetic beside concrete 'other'. */
static int coerce_arith(struct checker *c, struct expr_node **fp,
			const struct expr_node *other, enum tok op)
{
	struct expr_node *f = *fp;
	enum expr_type nat = natural(f), ot = other->type;
	int additive = op == TK_PLUS || op == TK_MINUS;

	if ((ot == T_DUR || ot == T_TIME) && additive)
		return coerce(c, f, nat == T_TIME || nat == T_DATE ? T_TIME :
								     T_DUR);
	if (ot == T_DUR && op == TK_PERCENT)
		return coerce(c, f, T_DUR);
	if (nat == T_NONE && f->kind == N_LIT && ot == T_DUR)
		return coerce(c, f, T_DUR);
	if (nat == T_DATE && ot == T_DATE)
		return coerce(c, f, T_DATE);
	return finalize(c, f);
}

/*
 * Replace '*np' (a duration or a time difference) by '*np' times (TK_STAR)
 * or divided by (TK_SLASH) 1000, of type 't', folded when constant.
 */
static int scale_node(struct checker *c, struct expr_node **np, enum tok op,
		      enum expr_type t)
{
	struct expr_node *a = *np;
	struct expr_node *k = pool_alloc(c->cx->pool, sizeof(*k));
	struct expr_node *n = pool_alloc(c->cx->pool, sizeof(*n));
	*k = *a;
	make_const(k, T_INT);
	k->k.i = 1000;
	*n = *a;
	n->kind = N_BINARY;
	n->op = op;
	n->type = t;
	n->flex = 0;
	n->a = a;
	n->b = k;
	n->c = NULL;
	*np = n;
	if (a->kind == N_CONST)
		return fold_arith(c, n);
	return 0;
}

static int check_arith(struct checker *c, struct expr_node *n)
{
	enum tok op = n->op;
	enum expr_type ta, tb, res;
	int fa, fb;

	if (check_flex(c, &n->a) < 0 || check_flex(c, &n->b) < 0)
		return -1;
	fa = is_flex(n->a);
	fb = is_flex(n->b);
	if (fa && fb) {
		enum expr_type na = natural(n->a), nb = natural(n->b);
		/* "1h + 30m", "2025-01-03T10:00 - 90m": the unit leads */
		if (na == T_NONE && (nb == T_DUR || nb == T_TIME)) {
			if (finalize(c, n->b) < 0)
				return -1;
			fb = 0;
		} else if (nb == T_NONE && (na == T_DUR || na == T_TIME)) {
			if (finalize(c, n->a) < 0)
				return -1;
			fa = 0;
		} else {
			if (finalize(c, n->a) < 0 || finalize(c, n->b) < 0)
				return -1;
			fa = fb = 0;
		}
	}
	if (fa && !fb && coerce_arith(c, &n->a, n->b, op) < 0)
		return -1;
	if (fb && !fa && coerce_arith(c, &n->b, n->a, op) < 0)
		return -1;
	if (!arith_ok(n->a->type))
		return fail_expected(c, n->a, "a number", T_INT);
	if (!arith_ok(n->b->type))
		return fail_expected(c, n->b, "a number", T_INT);
	if (n->a->type == T_TEXT && convert(c, &n->a, T_REAL) < 0)
		return -1;
	if (n->b->type == T_TEXT && convert(c, &n->b, T_REAL) < 0)
		return -1;
	ta = n->a->type;
	tb = n->b->type;
	if ((op == TK_SLASH || op == TK_PERCENT) && n->b->kind == N_CONST &&
	    (type_storage(tb) == S_D ? n->b->k.d == 0 : n->b->k.i == 0))
		return fail_at(c, n->b, "expected a divisor other than zero, "
			       "found '%.*s'", (int)(n->b->end - n->b->start),
			       c->src->text + n->b->start);

	if (is_numeric(ta) && is_numeric(tb)) {
		if (ta == T_INT && tb == T_INT && op != TK_SLASH) {
			res = T_INT;
		} else {
			if (convert(c, &n->a, T_REAL) < 0 ||
			    convert(c, &n->b, T_REAL) < 0)
				return -1;
			res = T_REAL;
		}
	} else if (ta == T_DUR && tb == T_DUR &&
		   (op == TK_PLUS || op == TK_MINUS || op == TK_PERCENT)) {
		res = T_DUR;
	} else if (ta == T_DUR && tb == T_DUR && op == TK_SLASH) {
		if (convert(c, &n->a, T_REAL) < 0 ||
		    convert(c, &n->b, T_REAL) < 0)
			return -1;
		res = T_REAL;
	} else if ((ta == T_TIME && tb == T_DUR &&
		    (op == TK_PLUS || op == TK_MINUS)) ||
		   (ta == T_DUR && tb == T_TIME && op == TK_PLUS)) {
		res = T_TIME;
	} else if (ta == T_TIME && tb == T_TIME && op == TK_MINUS) {
		res = T_DUR;
	} else if ((ta == T_DUR && is_numeric(tb) &&
		    (op == TK_STAR || op == TK_SLASH)) ||
		   (is_numeric(ta) && tb == T_DUR && op == TK_STAR)) {
		if (ta == T_INT || tb == T_INT) {
			res = T_DUR; /* integer microseconds */
		} else {
			/* scale in decimal, round back to microseconds */
			struct expr_node *wrap;
			if (convert(c, &n->a, T_REAL) < 0 ||
			    convert(c, &n->b, T_REAL) < 0)
				return -1;
			n->type = T_REAL;
			if (n->a->kind == N_CONST && n->b->kind == N_CONST &&
			    fold_arith(c, n) < 0)
				return -1;
			wrap = pool_alloc(c->cx->pool, sizeof(*wrap));
			*wrap = *n;
			make_const(n, T_NONE);
			n->kind = N_CONV;
			n->type = T_DUR;
			n->a = wrap;
			if (wrap->kind == N_CONST)
				return fold_conv(c, n);
			return 0;
		}
	} else if (ta == T_DATE && tb == T_INT &&
		   (op == TK_PLUS || op == TK_MINUS)) {
		res = T_DATE;
	} else if (ta == T_INT && tb == T_DATE && op == TK_PLUS) {
		res = T_DATE;
	} else if (ta == T_DATE && tb == T_DATE && op == TK_MINUS) {
		res = T_INT;
	} else {
		const char *want;
		enum expr_type wt;
		if (ta == T_TIME)
			want = op == TK_MINUS ? "a duration or a timestamp" :
						"a duration";
		else if (ta == T_DUR)
			want = op == TK_STAR || op == TK_SLASH ? "a number" :
								 "a duration";
		else if (ta == T_DATE)
			want = op == TK_MINUS ? "a number of days or a date" :
						"a number of days";
		else
			want = tb == T_DUR && op == TK_STAR ? "a duration" :
							      "a number";
		wt = !strncmp(want, "a duration", 10) ? T_DUR : T_INT;
		return fail_expected(c, n->b, want, wt);
	}
	/*
	 * Timestamps are milliseconds, durations microseconds: a duration
	 * added to or taken from a time counts in whole ms (truncated), and
	 * the difference of two times is made microseconds.
	 */
	if (ta == T_TIME && tb == T_DUR &&
	    scale_node(c, &n->b, TK_SLASH, T_INT) < 0)
		return -1;
	if (ta == T_DUR && tb == T_TIME &&
	    scale_node(c, &n->a, TK_SLASH, T_INT) < 0)
		return -1;
	n->type = res;
	if (n->a->kind == N_CONST && n->b->kind == N_CONST &&
	    fold_arith(c, n) < 0)
		return -1;
	if (ta == T_TIME && tb == T_TIME) {
		/* 'n' becomes (copy of 'n') * 1000 */
		struct expr_node *inner = pool_alloc(c->cx->pool, sizeof(*inner));
		*inner = *n;
		if (scale_node(c, &inner, TK_STAR, T_DUR) < 0)
			return -1;
		*n = *inner;
	}
	return 0;
}

static int check_neg(struct checker *c, struct expr_node *n)
{
	struct expr_node *a;
	if (check_flex(c, &n->a) < 0)
		return -1;
	a = n->a;
	if (a->kind == N_LIT &&
	    (a->lit.kind == TK_INT || a->lit.kind == TK_REAL ||
	     a->lit.kind == TK_UNIT)) {
		/*
		 * A signed literal stays a literal: "-5" may be seconds, and
		 * "+60123456789" a phone number (its source text keeps the +).
		 */
		struct token t = a->lit;
		if (n->op == TK_MINUS) {
			t.i = -t.i;
			t.d = -t.d;
		}
		n->kind = N_LIT;
		n->lit = t;
		n->a = NULL;
		return 0;
	}
	if (is_flex(a) && finalize(c, a) < 0)
		return -1;
	if (a->type == T_TEXT && convert(c, &n->a, T_REAL) < 0)
		return -1;
	a = n->a;
	if (!is_numeric(a->type) && a->type != T_DUR)
		return fail_expected(c, a, "a number", T_INT);
	if (n->op == TK_PLUS) {
		uint32_t st = n->start;
		*n = *a;
		n->start = st;
		return 0;
	}
	n->type = a->type;
	if (a->kind == N_CONST) {
		int flex = a->flex;
		enum expr_type t = a->type;
		if (type_storage(t) == S_D) {
			double v = -a->k.d;
			make_const(n, t);
			n->k.d = v;
		} else {
			int64_t v;
			if (arith_i(AR_SUB, 0, a->k.i, &v) < 0)
				return fail_at(c, n, "expected a result "
					       "within 64 bits, found an "
					       "overflow");
			make_const(n, t);
			n->k.i = v;
		}
		n->flex = flex;
	}
	return 0;
}

/* ---- logic -------------------------------------------------------------- */

static int expect_bool(struct checker *c, struct expr_node *n,
		       const char *where)
{
	struct buf b = BUF_INIT;
	int rc;
	if (n->type == T_BOOL)
		return 0;
	describe(c, n, &b);
	if (n->kind == N_FIELD || n->kind == N_COL)
		buf_addf(&b, "; did you mean exists(%.*s)?",
			 (int)(n->end - n->start), c->src->text + n->start);
	rc = fail_at(c, n, "expected a condition%s, found %s", where,
		     buf_cstr(&b));
	buf_release(&b);
	return rc;
}

static int check_logic(struct checker *c, struct expr_node *n)
{
	char where[32];
	int is_and = n->op == TK_AND;
	struct expr_node *a, *b;

	if (check(c, &n->a) < 0 || check(c, &n->b) < 0)
		return -1;
	snprintf(where, sizeof(where), " before '%s'",
		 c->src->text[n->op_start] == '&' ? "&&" :
		 c->src->text[n->op_start] == '|' ? "||" :
		 is_and ? "and" : "or");
	if (expect_bool(c, n->a, where) < 0)
		return -1;
	snprintf(where, sizeof(where), " after '%.*s'",
		 (int)(n->op_end - n->op_start), c->src->text + n->op_start);
	if (expect_bool(c, n->b, where) < 0)
		return -1;
	n->type = T_BOOL;
	a = n->a;
	b = n->b;
	/*
	 * "true and x" is x, "false and x" is false, and so on. A dropped
	 * operand is not evaluated, so a row it would reject is not.
	 */
	if (a->kind == N_CONST || b->kind == N_CONST) {
		struct expr_node *k = a->kind == N_CONST ? a : b;
		struct expr_node *other = k == a ? b : a;
		int absorbing = is_and ? k->k.i == 0 : k->k.i != 0;
		if (absorbing) {
			int v = (int)k->k.i;
			make_const(n, T_BOOL);
			n->k.i = v;
		} else {
			uint32_t s = n->start, e = n->end;
			*n = *other;
			n->start = s;
			n->end = e;
		}
	}
	return 0;
}

static int check_not(struct checker *c, struct expr_node *n)
{
	char where[32];
	if (check(c, &n->a) < 0)
		return -1;
	snprintf(where, sizeof(where), " after '%.*s'",
		 (int)(n->op_end - n->op_start), c->src->text + n->op_start);
	if (expect_bool(c, n->a, where) < 0)
		return -1;
	n->type = T_BOOL;
	if (n->a->kind == N_CONST) {
		int v = !n->a->k.i;
		make_const(n, T_BOOL);
		n->k.i = v;
	}
	return 0;
}

/* ---- sets, CIDRs, between ----------------------------------------------- */

static int cmp_items_i(const void *x, const void *y)
{
	const struct expr_const *a = x, *b = y;
	return cmp_i(a->i, b->i);
}

static int cmp_items_d(const void *x, const void *y)
{
	const struct expr_const *a = x, *b = y;
	return cmp_d(a->d, b->d);
}

static int cmp_items_s(const void *x, const void *y)
{
	const struct expr_const *a = x, *b = y;
	return cmp_s(a->s, a->len, b->s, b->len);
}

static int cmp_items_ip(const void *x, const void *y)
{
	const struct expr_const *a = x, *b = y;
	return cmp_ip(&a->ip, &b->ip);
}

/* Sort and deduplicate; CIDR sets keep their order (tested in turn). */
static void set_finish(struct expr_set *set)
{
	int (*cmp)(const void *, const void *);
	size_t w = 0;
	switch (type_storage(set->type)) {
	case S_I: cmp = cmp_items_i; break;
	case S_D: cmp = cmp_items_d; break;
	case S_S: cmp = cmp_items_s; break;
	case S_IP: cmp = cmp_items_ip; break;
	default: return;
	}
	if (set->nr == 0)
		return;
	qsort(set->items, set->nr, sizeof(*set->items), cmp);
	for (size_t r = 1; r < set->nr; r++)
		if (cmp(&set->items[w], &set->items[r]) != 0)
			set->items[++w] = set->items[r];
	set->nr = w + 1;
}

static int new_set(struct checker *c, enum expr_type t, size_t nr)
{
	struct expr_check_ctx *cx = c->cx;
	struct expr_set *set;
	VEC_GROW(cx->sets, cx->nsets + 1, cx->sets_alloc);
	set = &cx->sets[cx->nsets];
	set->type = t;
	set->nr = nr;
	set->items = pool_alloc(cx->pool, (nr ? nr : 1) * sizeof(*set->items));
	return (int)cx->nsets++;
}

static int check_in(struct checker *c, struct expr_node *n);

/*
 * "cell [not] in {...}" with cell keys of several parts among the items:
 * 'n' becomes "cell in {the bare ids}" or-ed with "cell == KEY" for each
 * key ("not in": "cell not in {ids}" and-ed with "cell != KEY"). 1 when
 * rewritten, 0 when no item is such a key, -1 on error.
 */
static int cell_key_in(struct checker *c, struct expr_node *n)
{
	struct expr_node *set = n->b, *acc = NULL, *rest;
	struct cell_key k;
	size_t nkeys = 0, nrest = 0;
	enum tok cmp = n->neg ? TK_NE : TK_EQ, join = n->neg ? TK_AND : TK_OR;
	for (size_t i = 0; i < set->nargs; i++) {
		if (unquoted_key(c, set->args[i]) < 0)
			return -1;
		nkeys += cell_literal(set->args[i], &k);
	}
	if (!nkeys)
		return 0;
	rest = new_node(c, set, N_SET);
	rest->args = pool_alloc(c->cx->pool, (set->nargs ? set->nargs : 1) *
					     sizeof(*rest->args));
	for (size_t i = 0; i < set->nargs; i++) {
		struct expr_node *e;
		if (!cell_literal(set->args[i], &k)) {
			rest->args[nrest++] = set->args[i];
			continue;
		}
		e = cell_parts_node(c, set->args[i], &k, cmp,
				    n->neg ? TK_OR : TK_AND);
		acc = acc ? new_binary(c, n, join, acc, e) : e;
	}
	if (nrest) {
		struct expr_node *in = new_node(c, n, N_IN);
		rest->nargs = nrest;
		in->a = n->a;
		in->b = rest;
		in->neg = n->neg;
		if (check_in(c, in) < 0)
			return -1;
		acc = new_binary(c, n, join, in, acc);
	}
	uint32_t s = n->start, e = n->end;
	*n = *acc;
	n->start = s;
	n->end = e;
	return 1;
}

static int check_in(struct checker *c, struct expr_node *n)
{
	struct expr_node *rhs = n->b;
	enum expr_type t;
	int any_cidr = 0, idx;
	struct expr_set *set;

	if (check(c, &n->a) < 0)
		return -1;
	t = n->a->type;
	n->type = T_BOOL;

	if (rhs->kind == N_LIT) { /* in CIDR, in IP */
		if (t != T_IP)
			return fail_expected(c, n->a, "an IP address before 'in' "
					     "a CIDR block", T_IP);
		idx = new_set(c, T_CIDR, 1);
		set = &c->cx->sets[idx];
		set->items[0].ip = rhs->lit.ip;
		set->items[0].prefix = rhs->lit.kind == TK_CIDR ?
					       rhs->lit.prefix :
					       rhs->lit.ip.v6 ? 128 : 32;
		if (coerce(c, rhs, rhs->lit.kind == TK_CIDR ? T_CIDR : T_IP) < 0)
			return -1;
		rhs->type = T_CIDR;
		rhs->kind = N_SET;
		rhs->slot = idx;
		return 0;
	}
	if (t == T_BOOL || t == T_DIST || t == T_CIDR)
		return fail_expected(c, n->a, "a value before 'in'", T_NONE);
	if (is_cell(n->a)) {
		int rc = cell_key_in(c, n);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	if (t == T_TEXT && rhs->nargs > 0) {
		/* col() in a set of numbers compares as a number */
		size_t nums = 0;
		for (size_t i = 0; i < rhs->nargs; i++) {
			const struct expr_node *it = rhs->args[i];
			enum expr_type nt;
			if (it->kind == N_UNARY && it->op == TK_MINUS && it->a)
				it = it->a;
			nt = natural(it);
			nums += (it->kind == N_LIT || it->kind == N_CONST) &&
				is_numeric(nt) &&
				!(it->kind == N_LIT && it->lit.int_overflow);
		}
		if (nums == rhs->nargs) {
			if (convert(c, &n->a, T_REAL) < 0)
				return -1;
			t = T_REAL;
		}
	}

	for (size_t i = 0; i < rhs->nargs; i++) {
		struct expr_node **ip = &rhs->args[i], *item;
		if (check_flex(c, ip) < 0)
			return -1;
		item = *ip;
		if (t == T_IP && item->kind == N_LIT &&
		    item->lit.kind == TK_CIDR) {
			if (coerce(c, item, T_CIDR) < 0)
				return -1;
			any_cidr = 1;
			continue;
		}
		if (is_flex(item)) {
			if (t == T_REAL && coerce(c, item, T_REAL) < 0)
				return -1;
			if (t != T_REAL && coerce(c, item, t) < 0)
				return -1;
		} else if (item->kind != N_CONST) {
			struct buf b = BUF_INIT;
			int rc;
			describe(c, item, &b);
			rc = fail_at(c, item, "expected a constant in the set, "
				     "found %s", buf_cstr(&b));
			buf_release(&b);
			return rc;
		} else if (item->type != t &&
			   !(is_textual(item->type) && is_textual(t)) &&
			   !(t == T_REAL && item->type == T_INT)) {
			return fail_expected(c, item, type_noun(t), t);
		} else if (t == T_REAL && item->type == T_INT) {
			double v = (double)item->k.i;
			item->type = T_REAL;
			item->k.d = v;
		}
	}
	idx = new_set(c, any_cidr ? T_CIDR : t, rhs->nargs);
	set = &c->cx->sets[idx];
	for (size_t i = 0; i < rhs->nargs; i++) {
		struct expr_const k = rhs->args[i]->k;
		if (any_cidr && rhs->args[i]->type == T_IP)
			k.prefix = k.ip.v6 ? 128 : 32;
		set->items[i] = k;
	}
	if (!any_cidr)
		set_finish(set);
	rhs->type = set->type;
	rhs->slot = idx;
	return 0;
}

static int check_between(struct checker *c, struct expr_node *n)
{
	enum expr_type t;
	if (check(c, &n->a) < 0 || check_flex(c, &n->b) < 0 ||
	    check_flex(c, &n->c) < 0)
		return -1;
	if (unify(c, &n->a, &n->b) < 0 || unify(c, &n->a, &n->c) < 0)
		return -1;
	t = n->a->type;
	if (n->b->type != t && convert(c, &n->b, t) < 0)
		return -1;
	if (t == T_BOOL || t == T_TYPE || t == T_DIR || t == T_DIST ||
	    t == T_CIDR)
		return fail_expected(c, n->a, "a value with an order before "
				     "'between'", T_NONE);
	n->type = T_BOOL;
	if (n->a->kind == N_CONST && n->b->kind == N_CONST &&
	    n->c->kind == N_CONST) {
		struct expr_node lo = *n, hi = *n;
		int in;
		lo.a = n->a;
		lo.b = n->b;
		fold_compare(&lo, REL_GE);
		hi.a = n->a;
		hi.b = n->c;
		fold_compare(&hi, REL_LE);
		in = (int)(lo.k.i && hi.k.i);
		make_const(n, T_BOOL);
		n->k.i = n->neg ? !in : in;
	}
	return 0;
}

/* ---- functions ---------------------------------------------------------- */

static int col_slot(struct checker *c, const char *name, size_t len)
{
	struct expr_check_ctx *cx = c->cx;
	for (size_t i = 0; i < cx->ncols; i++)
		if (cx->col_lens[i] == len && !memcmp(cx->cols[i], name, len))
			return (int)i;
	if (cx->ncols == cx->cols_alloc) {
		size_t alloc = cx->cols_alloc;
		VEC_GROW(cx->cols, cx->ncols + 1, alloc);
		VEC_GROW(cx->col_lens, cx->ncols + 1, cx->cols_alloc);
	}
	cx->cols[cx->ncols] = pool_strndup(cx->pool, name, len);
	cx->col_lens[cx->ncols] = (uint32_t)len;
	return (int)cx->ncols++;
}

/* A constant number (degrees) for near(); folded by the caller. */
static int const_degrees(struct checker *c, struct expr_node *n,
			 const char *what, double limit, double *out)
{
	double v;
	if (is_flex(n) && n->kind != N_CONST && finalize(c, n) < 0)
		return -1;
	if (n->kind != N_CONST || !is_numeric(n->type)) {
		char want[64];
		snprintf(want, sizeof(want), "the %s of the centre in degrees",
			 what);
		return fail_expected(c, n, want, T_REAL);
	}
	v = n->type == T_INT ? (double)n->k.i : n->k.d;
	if (v < -limit || v > limit) {
		struct buf b = BUF_INIT;
		int rc;
		add_source(c, n, &b);
		rc = fail_at(c, n, "expected a %s between %g and %g, found '%s'",
			     what, -limit, limit, buf_cstr(&b));
		buf_release(&b);
		return rc;
	}
	*out = v;
	return 0;
}

static int check_call(struct checker *c, struct expr_node *n)
{
	const struct func_info *fi;
	struct expr_node **args = n->args;

	if (n->func < 0) {
		struct suggest s;
		suggest_init(&s, n->lit.len);
		for (int i = 0; i < FN_COUNT; i++)
			suggest_try(&s, n->lit.s, n->lit.len, func_table[i].name);
		if (s.best)
			return expr_fail(c->src, n->op_start, n->op_end,
					 "unknown function '%.*s' (did you mean "
					 "'%s'?)", (int)n->lit.len, n->lit.s,
					 s.best);
		return expr_fail(c->src, n->op_start, n->op_end,
				 "unknown function '%.*s' (functions: exists "
				 "near hour dow date len lower startswith col)",
				 (int)n->lit.len, n->lit.s);
	}
	fi = &func_table[n->func];
	if ((int)n->nargs != fi->nargs)
		return fail_at(c, n, "expected %d argument%s in %s, found %zu",
			       fi->nargs, fi->nargs == 1 ? "" : "s",
			       fi->signature, n->nargs);

	switch ((enum expr_func)n->func) {
	case FN_COL: {
		struct expr_node *a = args[0];
		if (a->kind != N_LIT || a->lit.kind != TK_STR || a->lit.len == 0) {
			struct buf b = BUF_INIT;
			int rc;
			if (a->kind == N_LIT || a->kind == N_NAME)
				describe(c, a, &b);
			else
				add_source(c, a, &b);
			rc = fail_at(c, a, "expected a column name in quotes in "
				     "col(), found %s", buf_cstr(&b));
			buf_release(&b);
			return rc;
		}
		n->kind = N_COL;
		n->slot = col_slot(c, a->lit.s, a->lit.len);
		n->type = T_TEXT;
		return 0;
	}
	case FN_EXISTS: {
		struct expr_node *a = args[0];
		if (a->kind == N_NAME || (a->kind == N_CALL && a->func == FN_COL)) {
			if (check(c, &args[0]) < 0)
				return -1;
			a = args[0];
		}
		if (a->kind != N_FIELD && a->kind != N_COL) {
			struct buf b = BUF_INIT;
			int rc;
			add_source(c, a, &b);
			rc = fail_at(c, a, "expected a field name or "
				     "col(\"...\") in exists(), found '%s'",
				     buf_cstr(&b));
			buf_release(&b);
			return rc;
		}
		n->type = T_BOOL;
		return 0;
	}
	case FN_NEAR: {
		double lat, lon;
		struct expr_node *d;
		for (int i = 0; i < 3; i++)
			if (check_flex(c, &args[i]) < 0)
				return -1;
		if (const_degrees(c, args[0], "latitude", 90, &lat) < 0 ||
		    const_degrees(c, args[1], "longitude", 180, &lon) < 0)
			return -1;
		d = args[2];
		if (is_flex(d)) {
			if (coerce(c, d, T_DIST) < 0)
				return -1;
		} else if (d->type != T_DIST || d->kind != N_CONST) {
			return fail_expected(c, d, "a distance (500m, 2km)",
					     T_DIST);
		}
		if (!(d->k.d > 0))
			return fail_at(c, d, "expected a distance above zero, "
				       "found '%.*s'", (int)(d->end - d->start),
				       c->src->text + d->start);
		for (int i = 0; i < 2; i++)
			if (args[i]->type == T_INT) {
				double v = (double)args[i]->k.i;
				args[i]->type = T_REAL;
				args[i]->k.d = v;
			}
		(void)lat;
		(void)lon;
		n->type = T_BOOL;
		return 0;
	}
	case FN_HOUR:
	case FN_DOW:
	case FN_DATE: {
		if (check_flex(c, &args[0]) < 0)
			return -1;
		if (is_flex(args[0])) {
			if (coerce(c, args[0], T_TIME) < 0)
				return -1;
		} else if (args[0]->type != T_TIME) {
			return fail_expected(c, args[0], "a timestamp",
					     T_TIME);
		}
		n->type = n->func == FN_DATE ? T_DATE : T_INT;
		return 0;
	}
	case FN_LEN:
	case FN_LOWER:
		if (check(c, &args[0]) < 0)
			return -1;
		if (!is_textual(args[0]->type))
			return fail_expected(c, args[0], "text", T_STR);
		n->type = n->func == FN_LEN ? T_INT : T_STR;
		return 0;
	case FN_STARTSWITH:
		if (check(c, &args[0]) < 0 || check_flex(c, &args[1]) < 0)
			return -1;
		if (!is_textual(args[0]->type))
			return fail_expected(c, args[0], "text", T_STR);
		if (is_flex(args[1])) {
			if (coerce(c, args[1], args[0]->type) < 0)
				return -1;
		} else if (!is_textual(args[1]->type)) {
			return fail_expected(c, args[1], "text", T_STR);
		}
		n->type = T_BOOL;
		return 0;
	default:
		break;
	}
	BUG("function %d not checked", n->func);
}

/* ---- names -------------------------------------------------------------- */

/* Turn N_NAME 'n' into N_FIELD when it names a field; else leave it. */
static int resolve_name(struct checker *c, struct expr_node *n)
{
	char lower[64];
	int f;
	if (n->lit.len >= sizeof(lower))
		return 0;
	for (size_t i = 0; i < n->lit.len; i++)
		lower[i] = (char)tolower((unsigned char)n->lit.s[i]);
	f = field_by_name(lower, n->lit.len);
	if (f < 0 || (field_table[f].kinds & KB_AUX))
		return 0;
	if (!field_allowed(c, f)) {
		int cdr = c->o->kind == KIND_CDR;
		return fail_at(c, n, "field '%s' is not in %s (it belongs to %s)",
			       field_table[f].name,
			       cdr ? "call records" : "IP logs",
			       cdr ? "IP logs" : "call records");
	}
	n->kind = N_FIELD;
	n->field = f == F_CELL ? F_CELL_ID : f; /* see "Cells" above */
	n->type = type_of_field_type(field_table[n->field].type);
	return 0;
}

/* ---- the pass ----------------------------------------------------------- */

/* Check '*np', leaving literals and bare words flexible. */
static int check_flex(struct checker *c, struct expr_node **np)
{
	struct expr_node *n = *np;
	switch (n->kind) {
	case N_LIT:
		n->type = natural(n);
		return 0;
	case N_NAME:
		if (resolve_name(c, n) < 0)
			return -1;
		if (n->kind == N_NAME && natural(n) == T_NONE) {
			int f = func_by_name(n->lit.s, n->lit.len);
			if (f >= 0)
				return fail_at(c, n, "expected a field, found "
					       "function '%s' without its "
					       "arguments (write %s)",
					       func_table[f].name,
					       func_table[f].signature);
		}
		return 0;
	case N_CONST:
	case N_FIELD:
	case N_COL:
	case N_CONV:
		return 0;
	case N_UNARY:
		return n->op == TK_NOT ? check_not(c, n) : check_neg(c, n);
	case N_BINARY:
		switch (n->op) {
		case TK_AND:
		case TK_OR:
			return check_logic(c, n);
		case TK_MATCH:
		case TK_NMATCH:
			return check_match(c, n);
		case TK_PLUS:
		case TK_MINUS:
		case TK_STAR:
		case TK_SLASH:
		case TK_PERCENT:
			return check_arith(c, n);
		default:
			return check_compare(c, n);
		}
	case N_IN:
		return check_in(c, n);
	case N_BETWEEN:
		return check_between(c, n);
	case N_CALL:
		return check_call(c, n);
	case N_SET:
		return fail_at(c, n, "expected a value, found a set (a set "
			       "follows 'in')");
	}
	BUG("node kind %d", (int)n->kind);
}

/* Check '*np' and give a literal its natural type. */
static int check(struct checker *c, struct expr_node **np)
{
	if (check_flex(c, np) < 0)
		return -1;
	return finalize(c, *np);
}

int expr_check(struct expr_check_ctx *cx, struct expr_node **root)
{
	struct checker c;
	struct expr_opts defaults;

	memset(&defaults, 0, sizeof(defaults));
	c.cx = cx;
	c.src = cx->src;
	c.o = cx->opts ? cx->opts : &defaults;
	if (check(&c, root) < 0)
		return -1;
	return expect_bool(&c, *root, "");
}
