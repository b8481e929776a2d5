/*
 * expr_regex.h - the PCRE2 side of '~' and '!~': patterns compiled once
 * (8-bit, no UTF: evidence is bytes), JIT-compiled when the library and the
 * system allow it, else run by the interpreter; per-thread matchers holding
 * the match data, the match context with the match/depth/heap limits and
 * the JIT stack. A pattern that hits a limit on a row makes that row a
 * reject, never a hang.
 */
#ifndef CDRSIFT_EXPR_REGEX_H
#define CDRSIFT_EXPR_REGEX_H

#include <stddef.h>
#include <stdint.h>

struct expr_regex;   /* a compiled pattern: immutable, shared by threads */
struct expr_matcher; /* per thread */

struct expr_regex_limits {
	uint32_t match;    /* pcre2_set_match_limit */
	uint32_t depth;    /* pcre2_set_depth_limit (interpreter only) */
	uint32_t heap_kib; /* pcre2_set_heap_limit (interpreter only) */
};

/*
 * Compile the 'len' bytes of 'pat'. With 'use_jit', try the JIT and fall
 * back to the interpreter silently when it is unavailable or fails.
 * Returns 0 and '*out' (owned: expr_regex_free()), or -1 with PCRE2's
 * message in 'err' and the offending byte of the pattern in '*erroff'.
 */
int expr_regex_compile(struct expr_regex **out, const char *pat, size_t len,
		       int use_jit, char *err, size_t errlen, size_t *erroff);
void expr_regex_free(struct expr_regex *re);
/* 1 when 're' runs JIT-compiled. */
int expr_regex_is_jit(const struct expr_regex *re);
/* The pattern as given (borrowed, NUL-terminated), and its length. */
const char *expr_regex_pattern(const struct expr_regex *re, size_t *len);

/* A matcher for one thread. Owned: expr_matcher_free(). */
struct expr_matcher *expr_matcher_new(const struct expr_regex_limits *lim);
void expr_matcher_free(struct expr_matcher *m);

/*
 * Match 're' against the 'len' bytes of 's' (not NUL-terminated). Returns
 * 1 on a match, 0 on none, -1 when a limit was hit or PCRE2 failed, with a
 * static reason ("regex match limit exceeded") in '*reason'.
 */
int expr_regex_match(const struct expr_regex *re, struct expr_matcher *m,
		     const char *s, size_t len, const char **reason);

#endif
