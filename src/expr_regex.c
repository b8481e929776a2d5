/*
 * expr_regex.c - PCRE2 behind '~' and '!~' (see expr_regex.h).
 *
 * Decisions, after PCRE2's pcre2api(3) and git's grep.c:
 * - 8-bit code units, no PCRE2_UTF: operator data are bytes, and a field
 *   holding invalid UTF-8 must match or not match, never fail.
 * - JIT when pcre2_config(PCRE2_CONFIG_JIT) says it is built in and
 *   pcre2_jit_compile() succeeds (it fails where the system forbids
 *   executable memory); otherwise the interpreter runs the same pattern.
 *   EXPR_NO_JIT forces the interpreter so that the tests exercise it.
 * - Each thread has one match data of a single pair (we only ask whether
 *   there is a match, so a return of 0, "ovector too small", is a match),
 *   one match context carrying the limits, and a JIT stack of up to 1 MiB.
 * - Any error other than "no match" rejects the row. The limits (and the
 *   JIT stack running out) give "regex match limit exceeded".
 */
#include "expr_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xalloc.h"
#include "banned.h"

struct expr_regex {
	pcre2_code *code; /* compiled pattern, shared read-only */
	int jit;          /* 1 when JIT-compiled */
	char *pattern;    /* owned copy, NUL-terminated */
	size_t len;       /* bytes of 'pattern' */
};

struct expr_matcher {
	pcre2_match_data *md;     /* one pair */
	pcre2_match_context *mc;  /* limits; the JIT stack */
	pcre2_jit_stack *stack;   /* NULL until a JIT pattern runs */
	pcre2_general_context *gc;/* xmalloc-backed allocator */
};

/*
 * Every PCRE2 allocation goes through xmalloc, so that out of memory has
 * the one policy of STYLE rule 15 (and the fail-Nth test hook reaches it).
 * The interpreter's backtracking frames are bounded by the heap limit.
 */
static void *pcre_xmalloc(PCRE2_SIZE size, void *data)
{
	(void)data;
	return xmalloc(size ? size : 1);
}

static void pcre_xfree(void *ptr, void *data)
{
	(void)data;
	free(ptr);
}

static pcre2_general_context *general_context(void)
{
	pcre2_general_context *gc =
		pcre2_general_context_create(pcre_xmalloc, pcre_xfree, NULL);
	if (!gc) /* only when xmalloc failed, and it exits first */
		BUG("pcre2_general_context_create failed");
	return gc;
}

#define JIT_STACK_MIN (32 * 1024)
#define JIT_STACK_MAX (1024 * 1024)

int expr_regex_compile(struct expr_regex **out, const char *pat, size_t len,
		       int use_jit, char *err, size_t errlen, size_t *erroff)
{
	int errcode;
	PCRE2_SIZE off = 0;
	pcre2_code *code;
	struct expr_regex *re;
	pcre2_general_context *gc = general_context();
	pcre2_compile_context *cc = pcre2_compile_context_create(gc);

	code = pcre2_compile((PCRE2_SPTR)pat, len, 0, &errcode, &off, cc);
	pcre2_compile_context_free(cc);
	pcre2_general_context_free(gc);
	if (!code) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(errcode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", errcode);
		snprintf(err, errlen, "%s", (const char *)msg);
		*erroff = off > len ? len : off;
		return -1;
	}
	re = xcalloc(1, sizeof(*re));
	re->code = code;
	re->pattern = xstrndup(pat, len);
	re->len = len;
	if (use_jit) {
		uint32_t have_jit = 0;
		if (pcre2_config(PCRE2_CONFIG_JIT, &have_jit) >= 0 && have_jit &&
		    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0)
			re->jit = 1;
	}
	*out = re;
	return 0;
}

void expr_regex_free(struct expr_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re->pattern);
	free(re);
}

int expr_regex_is_jit(const struct expr_regex *re)
{
	return re->jit;
}

const char *expr_regex_pattern(const struct expr_regex *re, size_t *len)
{
	if (len)
		*len = re->len;
	return re->pattern;
}

struct expr_matcher *expr_matcher_new(const struct expr_regex_limits *lim)
{
	struct expr_matcher *m = xcalloc(1, sizeof(*m));
	pcre2_general_context *gc = general_context();
	m->md = pcre2_match_data_create(1, gc);
	m->mc = pcre2_match_context_create(gc);
	m->gc = gc;
	if (!m->md || !m->mc)
		BUG("pcre2 match data allocation failed");
	pcre2_set_match_limit(m->mc, lim->match);
	pcre2_set_depth_limit(m->mc, lim->depth);
	pcre2_set_heap_limit(m->mc, lim->heap_kib);
	return m;
}

void expr_matcher_free(struct expr_matcher *m)
{
	if (!m)
		return;
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mc);
	if (m->stack)
		pcre2_jit_stack_free(m->stack);
	pcre2_general_context_free(m->gc);
	free(m);
}

int expr_regex_match(const struct expr_regex *re, struct expr_matcher *m,
		     const char *s, size_t len, const char **reason)
{
	int rc;

	if (re->jit && !m->stack) {
		m->stack = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX,
						  m->gc);
		if (m->stack)
			pcre2_jit_stack_assign(m->mc, NULL, m->stack);
	}
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, m->md, m->mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		*reason = "regex match limit exceeded";
		break;
	case PCRE2_ERROR_NOMEMORY:
		*reason = "regex out of memory";
		break;
	default:
		*reason = "regex match failed";
		break;
	}
	return -1;
}
