/*
 * pseudo.c - keyed tokens for identifiers (see pseudo.h and PSEUDONYMS in
 * the man page, which define them; tests/t/t9601 recomputes them from
 * that definition with python's hmac module).
 */
#include "pseudo.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "expr_lex.h"
#include "expr_pool.h"
#include "record.h"
#include "schema.h"
#include "diag.h"
#include "banned.h"

void pseudo_release(struct pseudo *p)
{
	OPENSSL_cleanse(p->key, sizeof(p->key));
	p->keylen = 0;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return len > 0;
}

const char *pseudo_canon(enum ident_kind k, const char *s, size_t len,
			 const char *country, struct buf *out)
{
	buf_reset(out);
	trim(&s, &len);
	switch (k) {
	case ID_NUMBER: {
		char tmp[80];
		int n = phone_normalise(s, len, country, tmp, sizeof(tmp));
		if (n > 0)
			buf_add(out, tmp, (size_t)n);
		else
			buf_add(out, s, len);
		return "number";
	}
	case ID_IMSI:
		buf_add(out, s, len);
		return "imsi";
	case ID_IMEI:
		buf_add(out, s, all_digits(s, len) && len >= 14 && len <= 16 ?
			14 : len);
		return "imei";
	case ID_IP_SUB:
	case ID_IP_PUB: {
		struct ipaddr ip;
		char tmp[64];
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0,
							  0, 0, 0, 0xff, 0xff };
		if (ip_parse(s, len, &ip) < 0) {
			buf_add(out, s, len);
			return "ip";
		}
		if (ip.v6 && !memcmp(ip.b, mapped, sizeof(mapped))) {
			memmove(ip.b, ip.b + 12, 4);
			memset(ip.b + 4, 0, 12);
			ip.v6 = 0;
		}
		buf_add(out, tmp, ip_format(&ip, tmp, sizeof(tmp)));
		return "ip";
	}
	case ID_NONE:
	case ID_TEXT:
		break;
	}
	buf_add(out, s, len);
	return "text";
}

int pseudo_replaces(const struct pseudo *p, enum ident_kind k)
{
	return k != ID_NONE && (k != ID_IP_PUB || p->ips_all);
}

static const char *prefix_of(const char *type)
{
	if (!strcmp(type, "number"))
		return "num_";
	if (!strcmp(type, "imsi"))
		return "imsi_";
	if (!strcmp(type, "imei"))
		return "imei_";
	if (!strcmp(type, "ip"))
		return "ip_";
	return "txt_";
}

void pseudo_token(const struct pseudo *p, enum ident_kind k, const char *s,
		  size_t len, struct buf *out)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	struct buf canon = BUF_INIT, msg = BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const char *t = s;
	size_t tl = len;
	trim(&t, &tl);
	if (!pseudo_replaces(p, k) || tl == 0) {
		buf_add(out, s, len);
		return;
	}
	const char *type = pseudo_canon(k, s, len, p->country, &canon);
	buf_adds(&msg, type);
	buf_addch(&msg, ':');
	buf_add(&msg, canon.data ? canon.data : "", canon.len);
	if (!HMAC(EVP_sha256(), p->key, (int)p->keylen,
		  (const unsigned char *)(msg.data ? msg.data : ""), msg.len,
		  md, &mdlen) || mdlen < 10)
		BUG("HMAC-SHA256 failed");
	buf_adds(out, prefix_of(type));
	/* 80 bits, 5 at a time, most significant first */
	for (int i = 0; i < PSEUDO_TOKEN_CHARS; i++) {
		int bit = i * 5, v = 0;
		for (int b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((md[bit / 8] >> (7 - bit % 8)) & 1);
		buf_addch(out, b32[v]);
	}
	OPENSSL_cleanse(md, sizeof(md));
	buf_release(&canon);
	buf_release(&msg);
}

int pseudo_is_token(const char *s, size_t len)
{
	static const char *const prefixes[] = { "num_", "imsi_", "imei_",
						"ip_", "txt_" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		if (len != pl + PSEUDO_TOKEN_CHARS || memcmp(s, prefixes[i], pl))
			continue;
		for (size_t k = pl; k < len; k++)
			if (!((s[k] >= 'a' && s[k] <= 'z') ||
			      (s[k] >= '2' && s[k] <= '7')))
				return 0;
		return 1;
	}
	return 0;
}

enum ident_kind ident_of_field(int f)
{
	switch (f) {
	case F_CALLER:
	case F_CALLEE:
	case F_SUBSCRIBER:
	case F_PEER:
		return ID_NUMBER;
	case F_IMSI:
		return ID_IMSI;
	case F_IMEI:
		return ID_IMEI;
	case F_SRC_IP:
		return ID_IP_SUB;
	case F_PUBLIC_IP:
	case F_DST_IP:
		return ID_IP_PUB;
	default:
		return ID_NONE;
	}
}

enum ident_kind ident_of_name(const char *name)
{
	if (!strcmp(name, "private_ip"))
		return ID_IP_SUB;
	if (!strcmp(name, "ip"))
		return ID_IP_PUB;
	/* volume --pairs' parties; anomalies' subscriber (an analysis whose
	   entities are of other kinds sets each cell's own: table_set_ident) */
	if (!strcmp(name, "party_a") || !strcmp(name, "party_b") ||
	    !strcmp(name, "entity"))
		return ID_NUMBER;
	for (int f = 0; f < F_COUNT; f++)
		if (!(field_table[f].kinds & KB_AUX) &&
		    !strcmp(field_table[f].name, name))
			return ident_of_field(f);
	return ID_NONE;
}

/* The literal of token 't' replaced by its token, quoted, into 'out'. */
static void put_literal(const struct pseudo *p, enum ident_kind k,
			const char *s, size_t len, struct buf *out)
{
	buf_addch(out, '"');
	pseudo_token(p, k, s, len, out);
	buf_addch(out, '"');
}

int pseudo_expr(const struct pseudo *p, const char *text, struct buf *out)
{
	struct diag d = DIAG_INIT;
	struct expr_src src = { text, strlen(text), &d };
	struct expr_pool pool = EXPR_POOL_INIT;
	struct lexer lx;
	size_t done = 0, at = out->len;
	enum ident_kind ctx = ID_NONE;  /* kind of the last field named */
	int after_col = 0;              /* the token before was "col(" */
	int prev_col = 0;               /* the token before was "col" */
	int rc = 0;
	if (lex_init(&lx, &src, &pool) < 0)
		goto bad;
	while (lx.tok.kind != TK_EOF) {
		const struct token *t = &lx.tok;
		buf_add(out, text + done, t->start - done);
		done = t->start;
		switch (t->kind) {
		case TK_NAME: {
			int f = field_by_name(t->s, t->len);
			if (f >= 0)
				ctx = ident_of_field(f);
			break;
		}
		case TK_AND:
		case TK_OR:
			ctx = ID_NONE;
			break;
		case TK_STR:
			if (after_col)
				break; /* a column's name, not a value */
			put_literal(p, ctx != ID_NONE ? ctx : ID_TEXT, t->s,
				    t->len, out);
			done = t->end;
			break;
		case TK_INT:
			if (ctx == ID_NONE && t->end - t->start < 5)
				break;
			put_literal(p, ctx != ID_NONE ? ctx : ID_NUMBER,
				    text + t->start, t->end - t->start, out);
			done = t->end;
			break;
		case TK_IP:
		case TK_CIDR: {
			enum ident_kind k = ctx == ID_IP_PUB ? ID_IP_PUB :
					    ID_IP_SUB;
			const char *s = text + t->start;
			size_t len = t->end - t->start;
			const char *slash = t->kind == TK_CIDR ?
					    memchr(s, '/', len) : NULL;
			if (!pseudo_replaces(p, k))
				break;
			pseudo_token(p, k, s, slash ? (size_t)(slash - s) : len,
				     out);
			if (slash)
				buf_add(out, slash, (size_t)(s + len - slash));
			done = t->end;
			break;
		}
		default:
			break;
		}
		after_col = prev_col && t->kind == TK_LPAREN;
		prev_col = t->kind == TK_NAME && t->len == 3 &&
			   !memcmp(t->s, "col", 3);
		if (lex_next(&lx) < 0)
			goto bad;
	}
	buf_adds(out, text + done);
	goto done;
bad:
	out->len = at;
	buf_adds(out, "(expression withheld: it does not lex)");
	rc = -1;
done:
	pool_release(&pool);
	diag_release(&d);
	return rc;
}

/* May a run of digits start after 'c' (or at the start) in free text? */
static int scrub_before(char c)
{
	return c == ' ' || c == '(' || c == '\'' || c == '"' || c == ',' ||
	       c == '=' || c == '[' || c == '\t';
}

static int scrub_after(char c)
{
	return c == ' ' || c == ')' || c == '\'' || c == '"' || c == ',' ||
	       c == ';' || c == ']' || c == '\t' || c == '\n' || c == '|';
}

void pseudo_scrub(const struct pseudo *p, const char *s, size_t len,
		  struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		if ((i == 0 || scrub_before(s[i - 1])) &&
		    (s[i] == '+' || (s[i] >= '0' && s[i] <= '9'))) {
			j = i + (s[i] == '+');
			while (j < len && s[j] >= '0' && s[j] <= '9')
				j++;
			if (j - i - (s[i] == '+') >= PSEUDO_SCRUB_DIGITS &&
			    (j == len || scrub_after(s[j]))) {
				pseudo_token(p, ID_NUMBER, s + i, j - i, out);
				i = j;
				continue;
			}
		}
		/* copy up to the next possible start */
		j = i + 1;
		buf_add(out, s + i, 1);
		i = j;
	}
}
