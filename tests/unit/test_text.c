/*
 * test_text.c - text.h's word-at-a-time predicates against the byte
 * definitions written out here: every byte value at every position of
 * strings of 0 to 40 bytes, in a background of digits and of letters, and
 * at every offset from an aligned buffer (the word loads are unaligned).
 * One check per predicate and background, counting the disagreements.
 * text_number and text_pair_number on the values at and past their
 * limits: a kept number written back (text_pair_format, or as digits)
 * gives the text again, and no two texts give one number.
 */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

static int digits_oracle(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] >= '0' && s[i] <= '9'))
			return 0;
	return 1;
}

static int control_oracle(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x1f || c == 0x7f)
			return 1;
	}
	return 0;
}

TEST_SUITE(text)
{
	static const char fill[2] = { '7', 'a' };
	char buf[64];
	for (int bg = 0; bg < 2; bg++) {
		long bad_digits = 0, bad_control = 0, cases = 0;
		for (size_t len = 0; len <= 40; len++)
			for (size_t off = 0; off < 8; off++)
				for (size_t at = 0; at < (len ? len : 1); at++)
					for (int v = 0; v < 256; v++) {
						char *s = buf + off;
						memset(buf, fill[bg], sizeof(buf));
						if (len)
							s[at] = (char)v;
						/* bytes around it must not count */
						if (off)
							s[-1] = '\x01';
						s[len] = '\x01';
						cases++;
						bad_digits += text_is_digits(s, len) !=
							      digits_oracle(s, len);
						bad_control += text_has_control(s, len) !=
							       control_oracle(s, len);
					}
		CHECK(cases > 100000);
		CHECK_EQ_INT(bad_digits, 0);
		CHECK_EQ_INT(bad_control, 0);
	}
}

TEST_SUITE(text_numbers)
{
	static const char *const kept[] = {
		"0", "7", "999999999999999999", "0-0", "0-1", "1-0",
		"2214-102438146", "536870911-4294967295", "536870911-0",
	};
	static const char *const text[] = {
		"", "05", "1000000000000000000", "-", "-5", "5-", "1-2-3",
		"01-5", "1-05", "536870912-1", "1-4294967296", "a-1", "1-a",
		"1 -2", "12345678901234567890-1", "1--2",
	};
	int bad = 0;
	uint64_t seen[sizeof(kept) / sizeof(kept[0])];
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		const char *k = kept[i];
		uint64_t n = text_number(k, strlen(k));
		if (n == UINT64_MAX)
			n = text_pair_number(k, strlen(k));
		char out[24];
		size_t len = text_pair_format(n, out);
		if (!len)
			len = (size_t)snprintf(out, sizeof(out), "%llu",
					       (unsigned long long)n);
		if (n == UINT64_MAX || len != strlen(k) || memcmp(out, k, len)) {
			printf("# %s: %llu -> %.*s\n", k, (unsigned long long)n,
			       (int)len, out);
			bad++;
		}
		for (size_t j = 0; j < i; j++)
			bad += seen[j] == n;
		seen[i] = n;
		bad += (n >> 62) != 0; /* bits 62 and 63 stay the caller's */
	}
	for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		const char *t = text[i];
		if (text_number(t, strlen(t)) != UINT64_MAX ||
		    text_pair_number(t, strlen(t)) != UINT64_MAX) {
			printf("# %s: kept as a number\n", t);
			bad++;
		}
	}
	CHECK_EQ_INT(bad, 0);
}
