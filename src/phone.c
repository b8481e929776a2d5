/*
 * phone.c - the number inside a tel: or sip: URI (see phone.h).
 *
 *   tel:+60-3-1234-5678                      -> +60-3-1234-5678
 *   tel:1234-5678;phone-context=+60-3        -> +60-31234-5678
 *   tel:7042;phone-context=example.com       -> (no number: -1)
 *   sip:+60123456789@ims.example;user=phone  -> +60123456789
 *   sip:%2B60123456789@ims.example           -> +60123456789
 *   sips:0123456789;npdi@ims.example         -> 0123456789
 *   sip:alice@example.com                    -> (no number: -1)
 *
 * Separators are left in place: phone_normalise() drops them and applies
 * its own rules (00 and trunk prefixes, --country) to what comes back.
 */
#include "phone.h"

#include <string.h>

#include "banned.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int has_prefix_ci(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);
	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != p[i])
			return 0;
	return 1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The characters a number may hold: digits, "+" first, visual separators
 * (RFC 3966's "-" "." "(" ")"). */
static int number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '(' ||
	       c == ')';
}

/* Append 'len' bytes of a number to 'out' at '*n'; -1 when it is not one. */
static int put_number(const char *s, size_t len, char *out, size_t outlen,
		      size_t *n, int allow_plus)
{
	int digits = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+' && i == 0 && allow_plus) {
			/* kept */
		} else if (!number_char(c)) {
			return -1;
		}
		digits += c >= '0' && c <= '9';
		if (*n + 1 >= outlen)
			return -1;
		out[(*n)++] = c;
	}
	return digits ? 0 : -1;
}

int phone_from_uri(const char *s, size_t len, char *out, size_t outlen)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	size_t n = 0;
	if (has_prefix_ci(s, len, "tel:")) {
		s += 4;
		len -= 4;
		const char *semi = memchr(s, ';', len);
		size_t nlen = semi ? (size_t)(semi - s) : len;
		const char *ctx = NULL;
		size_t ctxlen = 0;
		/* parameters: find phone-context */
		for (const char *p = semi; p && p < s + len;) {
			const char *q = p + 1;
			const char *next = memchr(q, ';', (size_t)(s + len - q));
			size_t plen = next ? (size_t)(next - q) : (size_t)(s + len - q);
			if (has_prefix_ci(q, plen, "phone-context=")) {
				ctx = q + 14;
				ctxlen = plen - 14;
			}
			p = next;
		}
		if (nlen && s[0] == '+') {
			if (put_number(s, nlen, out, outlen, &n, 1) < 0)
				return -1;
		} else {
			if (ctx) {
				/* a global-number context gives the prefix; a
				 * domain name cannot be made a number */
				if (!ctxlen || ctx[0] != '+' ||
				    put_number(ctx, ctxlen, out, outlen, &n, 1) < 0)
					return -1;
			}
			if (put_number(s, nlen, out, outlen, &n, 0) < 0)
				return -1;
		}
		out[n] = '\0';
		return (int)n;
	}
	size_t skip = has_prefix_ci(s, len, "sips:") ? 5 :
		      has_prefix_ci(s, len, "sip:") ? 4 : 0;
	if (!skip)
		return 0;
	s += skip;
	len -= skip;
	const char *at = memchr(s, '@', len);
	if (!at)
		return -1; /* no user part: a host, not a party */
	size_t ulen = (size_t)(at - s);
	const char *semi = memchr(s, ';', ulen);
	if (semi)
		ulen = (size_t)(semi - s); /* user-part parameters (npdi, rn) */
	char user[80];
	size_t u = 0;
	for (size_t i = 0; i < ulen; i++) {
		char c = s[i];
		if (c == '%' && i + 2 < ulen &&
		    hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			c = (char)(hexval((unsigned char)s[i + 1]) * 16 +
				   hexval((unsigned char)s[i + 2]));
			i += 2;
		}
		if (u + 1 >= sizeof(user))
			return -1;
		user[u++] = c;
	}
	if (put_number(user, u, out, outlen, &n, 1) < 0)
		return -1;
	out[n] = '\0';
	return (int)n;
}
