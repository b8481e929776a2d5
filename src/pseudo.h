/*
 * pseudo.h - pseudonyms for --pseudonymize (issue 17, man page PSEUDONYMS):
 * an identifier (a phone number, an IMSI, an IMEI, an IP address) becomes
 * a keyed token over its canonical value and its type,
 *
 *   token = PREFIX base32(HMAC-SHA256(key, TYPE ":" CANONICAL)[0..9])
 *
 *   TYPE    PREFIX  CANONICAL
 *   number  num_    E.164 digits (phone_normalise with --country), else
 *                   the value as written (trimmed): "anonymous"
 *   imsi    imsi_   the value trimmed (its digits)
 *   imei    imei_   the first 14 digits of 14 to 16 digits (IMEI, IMEI
 *                   with check digit, IMEISV), else the value as written
 *   ip      ip_     RFC 5952 text of IPv6 (inet_ntop), dotted IPv4; an
 *                   IPv4-mapped IPv6 address is its IPv4 address
 *   text    txt_    the bytes as written (-w strings that are no value)
 *
 * base32 is RFC 4648's alphabet in lower case, 16 characters for the 80
 * bits, no padding. So "+60123456789", "0060123456789" and, with
 * --country 60, "0123456789" get one token, under one key, in every run
 * and command. Pure functions of the key and the value: no state, safe
 * on any thread. Nothing here prints.
 */
#ifndef CDRSIFT_PSEUDO_H
#define CDRSIFT_PSEUDO_H

#include <stddef.h>

#include "buf.h"
#include "keyfile.h"

/* What kind of identifier a value is (table.h types columns with it). */
enum ident_kind {
	ID_NONE = 0,  /* not an identifier: left as it is */
	ID_NUMBER,    /* a party: caller, callee, subscriber, peer */
	ID_IMSI,
	ID_IMEI,
	ID_IP_SUB,    /* a subscriber's address: source, private */
	ID_IP_PUB,    /* shared infrastructure: public, destination */
	ID_TEXT,      /* other text withheld: a -w regex or string */
};

#define PSEUDO_TOKEN_BITS 80   /* HMAC bits kept */
#define PSEUDO_TOKEN_CHARS 16  /* base32 characters after the prefix */

struct pseudo {
	unsigned char key[KEYFILE_MAX]; /* the key file's bytes */
	size_t keylen;
	const char *country;            /* --country, borrowed, or NULL */
	int ips_all;                    /* --pseudonymize-ips all: public and
					   destination addresses too */
};

/* Wipe the key. */
void pseudo_release(struct pseudo *p);

/*
 * The canonical value of 's' ('len' bytes) as kind 'k', into 'out'
 * (reset first); returns the type name ("number", "imsi", "imei", "ip", "text").
 */
const char *pseudo_canon(enum ident_kind k, const char *s, size_t len,
			 const char *country, struct buf *out);

/*
 * Append to 'out' the token of 's' as kind 'k'; for ID_IP_PUB without
 * 'ips_all', and for ID_NONE, 's' itself. An empty value stays empty.
 */
void pseudo_token(const struct pseudo *p, enum ident_kind k, const char *s,
		  size_t len, struct buf *out);

/* 1 when kind 'k' is replaced under 'p' (ID_IP_PUB only with ips_all). */
int pseudo_replaces(const struct pseudo *p, enum ident_kind k);

/* 1 when 's' reads as a token (a prefix and 16 base32 characters). */
int pseudo_is_token(const char *s, size_t len);

/* The identifier kind of canonical field 'f' (enum field_id), or ID_NONE. */
enum ident_kind ident_of_field(int f);
/*
 * The identifier kind of a report column named 'name' (DESIGN 5: keys
 * under the fields' names; attribute's private_ip and ip), or ID_NONE.
 */
enum ident_kind ident_of_name(const char *name);

/*
 * Append 'text', a -w expression, to 'out' with each literal that names
 * an identifier replaced by its token: string and number literals after
 * a party, imsi or imei field (the last field name before the literal),
 * as that kind; any other string literal (a regular expression, a
 * col() value) as a token of type "text" over its bytes; IP and CIDR
 * literals as "ip" tokens ("ip_.../24") unless they follow a public or
 * destination field and 'ips_all' is off. Durations, times, small
 * numbers (under 5 digits) and names stay. Returns 0, or -1 when the
 * text does not lex (then 'out' holds a placeholder, never the text).
 */
int pseudo_expr(const struct pseudo *p, const char *text, struct buf *out);

/*
 * The safety net for free text (report text cells, messages on standard
 * error): append 's' to 'out' with every run of at least
 * PSEUDO_SCRUB_DIGITS digits (a leading '+' included) that stands alone
 * (after a space, '(', quote, ',', '=' or '[' or the start; before a
 * space, ')', quote, ',', ';', ']', '|' or the end) replaced by its
 * "number" token. A run inside a word or a path ("/d/60123456789.csv",
 * "x_0123456789") is left. Identifiers of known kind are tokenised by
 * their columns first; this catches what an analysis quoted in a sentence.
 */
#define PSEUDO_SCRUB_DIGITS 8
void pseudo_scrub(const struct pseudo *p, const char *s, size_t len,
		  struct buf *out);

#endif
