/*
 * test_text.c - text.h's word-at-a-time predicates against the byte
 * definitions written out here: every byte value at every position of
 * strings of 0 to 40 bytes, in a background of digits and of letters, and
 * at every offset from an aligned buffer (the word loads are unaligned).
 * One check per predicate and background, counting the disagreements.
 */
#include "check.h"

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
