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

#endif
