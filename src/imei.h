/*
 * imei.h - handset identities as anomaly detection and pseudonyms compare
 * them (issues 15 and 17). An IMEI is TAC (8 digits) + serial (6) + a
 * Luhn check digit; an IMEISV is TAC + serial + a 2-digit software
 * version. The check digit is not sent over the air and networks often
 * write a spare 0 in its place, and the version digits change with a
 * software update, so one handset is its first 14 digits, whatever of the
 * three forms a record carries. Values that cannot be a handset are
 * classified instead of compared. Pure functions; no state.
 */
#ifndef CDRSIFT_IMEI_H
#define CDRSIFT_IMEI_H

#include <stddef.h>

enum imei_class {
	IMEI_HANDSET = 0,  /* 14, 15 or 16 digits naming a handset */
	IMEI_BAD_LENGTH,   /* not 14, 15 or 16 characters of digits */
	IMEI_NOT_DIGITS,   /* holds something other than digits */
	IMEI_ALL_SAME,     /* one digit repeated (000..., 999...) */
	IMEI_SEQUENCE,     /* 0123456789... or 1234567890... (a placeholder) */
	IMEI_TEST,         /* reporting body 00 in the TAC: test equipment
			      (GSMA TS.06), not a handset in service */
};

/*
 * Classify the value 's' ('len' bytes; surrounding spaces ignored) and,
 * for a handset, write its 14-digit key and a NUL into 'key'. Returns the
 * class. 'luhn' (may be NULL) gets 1 when a 15-digit value's last digit
 * is its Luhn check digit, 0 when it is a spare 0 written instead, -1
 * when it is neither (a transcription error, or a made-up number), and 0
 * for the 14- and 16-digit forms, which carry none.
 */
enum imei_class imei_classify(const char *s, size_t len, char key[15],
			      int *luhn);
/* "handset", "bad length", "not digits", "one digit repeated",
 * "placeholder sequence", "test TAC". */
const char *imei_class_name(enum imei_class c);
/* The Luhn check digit of 14 digits (as a character). */
char imei_check_digit(const char *d14);

#endif
