/*
 * text.h - small predicates on byte strings (not NUL-terminated) that
 * several modules share. Inline; no state.
 */
#ifndef CDRSIFT_TEXT_H
#define CDRSIFT_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Word-at-a-time predicates: eight bytes per step (an unaligned load
 * through memcpy), the last word overlapping the one before it, so a
 * string of 8 or more bytes costs len / 8 + 1 steps. Shorter strings take
 * the byte loop. The word tests are exact, not estimates:
 *   digits: b ^ '0' is 0..9 exactly when its high nibble is 0 and adding
 *           6 leaves it below 0x10 (no carry can cross bytes: at most 0x15);
 *   below:  (w - n*ones) & ~w & 0x80s is nonzero exactly when some byte
 *           is below n (n <= 0x80), the classic "hasless".
 */
#define TEXT_ONES 0x0101010101010101ULL
#define TEXT_HIGH 0x8080808080808080ULL

static inline uint64_t text_word(const char *s)
{
	uint64_t w;
	memcpy(&w, s, sizeof(w));
	return w;
}

static inline int text_word_digits(uint64_t w)
{
	uint64_t a = w ^ (0x30 * TEXT_ONES);
	return !(a & (0xf0 * TEXT_ONES)) &&
	       !((a + 0x06 * TEXT_ONES) & (0xf0 * TEXT_ONES));
}

/* 1 when some byte of 'w' is a control byte (below 0x20, or 0x7f) */
static inline int text_word_control(uint64_t w)
{
	uint64_t d = w ^ (0x7f * TEXT_ONES);
	return !!((((w - 0x20 * TEXT_ONES) & ~w) |
		   ((d - TEXT_ONES) & ~d)) & TEXT_HIGH);
}

/* 1 when 's' holds at least one byte and only ASCII digits. */
static inline int text_is_digits(const char *s, size_t len)
{
	if (!len)
		return 0;
	if (len < 8) {
		for (size_t i = 0; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		return 1;
	}
	for (size_t i = 0; i + 8 < len; i += 8)
		if (!text_word_digits(text_word(s + i)))
			return 0;
	return text_word_digits(text_word(s + len - 8));
}

/* 1 when 's' holds a control byte (below 0x20, or DEL 0x7f). */
static inline int text_has_control(const char *s, size_t len)
{
	if (len < 8) {
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7f)
				return 1;
		}
		return 0;
	}
	for (size_t i = 0; i + 8 < len; i += 8)
		if (text_word_control(text_word(s + i)))
			return 1;
	return text_word_control(text_word(s + len - 8));
}

/*
 * Identifiers as numbers, one to one with their text (stats' distinct
 * sets and volume's items keep them so, and write them back as text):
 * text_number is the value of 1 to 18 digits without a leading zero
 * ("0" itself is fine), below 10^18 < 2^60; text_pair_number packs two
 * such numbers joined by '-' (a LAC-CI cell key, "2214-102438146") as
 * TEXT_PAIR | a << 32 | b when a < 2^29 and b < 2^32, above every plain
 * number and below bits 62 and 63 (free for a caller's own flags). Both
 * give UINT64_MAX for any other text; text_pair_format writes a pair
 * back (24 bytes are enough) and returns its length, 0 for no pair.
 */
#define TEXT_PAIR ((uint64_t)1 << 61)

static inline uint64_t text_number(const char *s, size_t len)
{
	if (len == 0 || len > 18 || (s[0] == '0' && len > 1))
		return UINT64_MAX;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return UINT64_MAX;
		v = v * 10 + d;
	}
	return v;
}

static inline uint64_t text_pair_number(const char *s, size_t len)
{
	if (len < 3 || len > 21)
		return UINT64_MAX;
	const char *dash = memchr(s, '-', len);
	if (!dash || dash == s)
		return UINT64_MAX;
	size_t la = (size_t)(dash - s);
	uint64_t a = text_number(s, la), b = text_number(dash + 1, len - la - 1);
	if (a >= (1u << 29) || b > 0xffffffffu)
		return UINT64_MAX;
	return TEXT_PAIR | a << 32 | b;
}

static inline size_t text_pair_format(uint64_t v, char *out)
{
	if (v < TEXT_PAIR || v >= TEXT_PAIR << 1)
		return 0;
	uint64_t a = v >> 32 & ((1u << 29) - 1), b = v & 0xffffffffu;
	char tmp[24];
	size_t n = 0, m = 0;
	do
		tmp[n++] = (char)('0' + b % 10);
	while (b /= 10);
	tmp[n++] = '-';
	do
		tmp[n++] = (char)('0' + a % 10);
	while (a /= 10);
	while (n)
		out[m++] = tmp[--n];
	return m;
}

#endif
