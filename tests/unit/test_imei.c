/*
 * test_imei.c - handset keys and classes (imei.h). The check digits were
 * computed with an independent Luhn routine (Python, from ISO/IEC 7812-1)
 * and include the public example IMEI 49015420323751-8.
 */
#include "check.h"

#include <string.h>

#include "imei.h"
#include "../../src/banned.h"

static enum imei_class cls(const char *s, char key[15], int *luhn)
{
	return imei_classify(s, strlen(s), key, luhn);
}

TEST_SUITE(imei)
{
	char key[15];
	int luhn;
	CHECK_EQ_INT(imei_check_digit("26003178104694"), '1');
	CHECK_EQ_INT(imei_check_digit("49015420323751"), '8');
	CHECK_EQ_INT(imei_check_digit("35693803564380"), '9');

	/* the three forms of one handset, one key */
	CHECK_EQ_INT(cls("490154203237518", key, &luhn), IMEI_HANDSET);
	CHECK_EQ_STR(key, "49015420323751");
	CHECK_EQ_INT(luhn, 1);
	CHECK_EQ_INT(cls("490154203237510", key, &luhn), IMEI_HANDSET);
	CHECK_EQ_STR(key, "49015420323751");
	CHECK_EQ_INT(luhn, 0);   /* spare 0 */
	CHECK_EQ_INT(cls("4901542032375107", key, &luhn), IMEI_HANDSET);
	CHECK_EQ_STR(key, "49015420323751");
	CHECK_EQ_INT(cls("4901542032375199", key, &luhn), IMEI_HANDSET);
	CHECK_EQ_STR(key, "49015420323751"); /* another software version */
	CHECK_EQ_INT(cls(" 49015420323751 ", key, &luhn), IMEI_HANDSET);
	CHECK_EQ_STR(key, "49015420323751");
	CHECK_EQ_INT(cls("490154203237513", key, &luhn), IMEI_HANDSET);
	CHECK_EQ_INT(luhn, -1);  /* neither check digit nor spare */

	/* not handsets */
	CHECK_EQ_INT(cls("000000000000000", key, &luhn), IMEI_ALL_SAME);
	CHECK_EQ_STR(key, "");
	CHECK_EQ_INT(cls("999999999999999", key, NULL), IMEI_ALL_SAME);
	CHECK_EQ_INT(cls("123456789012345", key, NULL), IMEI_SEQUENCE);
	CHECK_EQ_INT(cls("012345678901234", key, NULL), IMEI_SEQUENCE);
	CHECK_EQ_INT(cls("001010123456789", key, NULL), IMEI_TEST);
	CHECK_EQ_INT(cls("4901542032375", key, NULL), IMEI_BAD_LENGTH);
	CHECK_EQ_INT(cls("49015420323751800", key, NULL), IMEI_BAD_LENGTH);
	CHECK_EQ_INT(cls("", key, NULL), IMEI_BAD_LENGTH);
	CHECK_EQ_INT(cls("49015420-323751-8", key, NULL), IMEI_NOT_DIGITS);
	CHECK_EQ_INT(cls("4901542032375\x01" "8", key, NULL), IMEI_NOT_DIGITS);
	CHECK_EQ_STR(imei_class_name(IMEI_TEST), "test TAC");
}
