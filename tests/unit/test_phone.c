/*
 * test_phone.c - numbers inside tel: and sip: URIs (phone.h), from the
 * examples of RFC 3966 and RFC 3261 and the forms IMS CDRs write, and
 * through phone_normalise() the same digits as the plain number.
 */
#include "check.h"

#include <string.h>

#include "phone.h"
#include "schema.h"
#include "../../src/banned.h"

static const char *uri(const char *s)
{
	static char out[96];
	int n = phone_from_uri(s, strlen(s), out, sizeof(out));
	if (n < 0)
		return "(refused)";
	if (n == 0)
		return "(not a uri)";
	return out;
}

static const char *norm(const char *s, const char *country)
{
	static char out[96];
	int n = phone_normalise(s, strlen(s), country, out, sizeof(out));
	return n < 0 ? "(kept as written)" : out;
}

TEST_SUITE(phone)
{
	CHECK_EQ_STR(uri("tel:+60-3-1234-5678"), "+60-3-1234-5678");
	CHECK_EQ_STR(uri("TEL:+1-201-555-0123"), "+1-201-555-0123");
	CHECK_EQ_STR(uri("tel:1234-5678;phone-context=+60-3"), "+60-31234-5678");
	CHECK_EQ_STR(uri("tel:863-1234;phone-context=+1-914-555"),
		     "+1-914-555863-1234");
	CHECK_EQ_STR(uri("tel:7042;phone-context=example.com"), "(refused)");
	CHECK_EQ_STR(uri("tel:+60123456789;isub=1411"), "+60123456789");
	CHECK_EQ_STR(uri("sip:+60123456789@ims.example;user=phone"),
		     "+60123456789");
	CHECK_EQ_STR(uri("sips:+60123456789@ims.example"), "+60123456789");
	CHECK_EQ_STR(uri("sip:%2B60123456789@ims.example"), "+60123456789");
	CHECK_EQ_STR(uri("sip:+60123456789;npdi;rn=+60120000@ims.example"),
		     "+60123456789");
	CHECK_EQ_STR(uri("sip:0123456789@ims.example;user=phone"), "0123456789");
	CHECK_EQ_STR(uri("sip:alice@example.com"), "(refused)");
	CHECK_EQ_STR(uri("sip:ims.example"), "(refused)");
	CHECK_EQ_STR(uri("sip:%2@x"), "(refused)");
	CHECK_EQ_STR(uri("tel:"), "(refused)");
	CHECK_EQ_STR(uri("+60123456789"), "(not a uri)");
	CHECK_EQ_STR(uri("60123456789"), "(not a uri)");
	CHECK_EQ_STR(uri("telephone"), "(not a uri)");

	/* one number written five ways, one normal form */
	CHECK_EQ_STR(norm("sip:+60123456789@ims.example;user=phone", "60"),
		     "60123456789");
	CHECK_EQ_STR(norm("tel:+60-12-345-6789", "60"), "60123456789");
	CHECK_EQ_STR(norm("sip:0123456789@ims.example;user=phone", "60"),
		     "60123456789");
	CHECK_EQ_STR(norm("tel:12-345-6789;phone-context=+60", "60"),
		     "60123456789");
	CHECK_EQ_STR(norm("+60 12-345 6789", "60"), "60123456789");
	CHECK_EQ_STR(norm("sip:alice@example.com", "60"), "(kept as written)");
}
