/*
 * imei.c - handset keys and classes of IMEI and IMEISV values (imei.h).
 * Luhn (ISO/IEC 7812-1, as 3GPP TS 23.003 annex B applies it): from the
 * right of the 14 digits, every second digit, starting with the last,
 * is doubled and its digits added; the check digit brings the sum to a
 * multiple of 10.
 */
#include "imei.h"

#include <string.h>

#include "banned.h"

char imei_check_digit(const char *d14)
{
	int sum = 0;
	for (int i = 0; i < 14; i++) {
		int v = d14[i] - '0';
		if (i % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

const char *imei_class_name(enum imei_class c)
{
	switch (c) {
	case IMEI_HANDSET: return "handset";
	case IMEI_BAD_LENGTH: return "bad length";
	case IMEI_NOT_DIGITS: return "not digits";
	case IMEI_ALL_SAME: return "one digit repeated";
	case IMEI_SEQUENCE: return "placeholder sequence";
	case IMEI_TEST: return "test TAC";
	}
	return "";
}

enum imei_class imei_classify(const char *s, size_t len, char key[15],
			      int *luhn)
{
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (luhn)
		*luhn = 0;
	key[0] = '\0';
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return IMEI_NOT_DIGITS;
	if (len < 14 || len > 16)
		return IMEI_BAD_LENGTH;
	int same = 1, up = 1, up1 = 1;
	for (size_t i = 1; i < 14; i++) {
		same &= s[i] == s[0];
		up &= s[i] - '0' == (int)(i % 10);        /* 0123456789... */
		up1 &= s[i] - '0' == (int)((i + 1) % 10); /* 1234567890... */
	}
	up &= s[0] == '0';
	up1 &= s[0] == '1';
	if (same)
		return IMEI_ALL_SAME;
	if (up || up1)
		return IMEI_SEQUENCE;
	if (s[0] == '0' && s[1] == '0')
		return IMEI_TEST;
	memcpy(key, s, 14);
	key[14] = '\0';
	if (luhn && len == 15)
		*luhn = s[14] == imei_check_digit(s) ? 1 : s[14] == '0' ? 0 : -1;
	return IMEI_HANDSET;
}
