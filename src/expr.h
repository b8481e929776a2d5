/*
 * expr.h - filter expressions (DESIGN section 4): compile once, evaluate per
 * row. The text is lexed, parsed, checked (names, types, units, constant
 * folding, regexes and sets) and compiled to bytecode before any input is
 * read; the evaluator then runs that bytecode against struct record.
 * The language itself is documented in man/cdrsift.1 (FILTER EXPRESSIONS)
 * and in the comments of expr_parse.c and expr_check.c.
 *
 * Ownership and threads: a struct expr is owned by the caller of
 * expr_compile() (free with expr_free()), immutable after compilation and
 * shared by every thread. Each thread makes its own struct expr_state (PCRE2
 * match data, JIT stack, scratch buffers, col() bindings), which must not
 * outlive the expr it was made from.
 */
#ifndef CDRSIFT_EXPR_H
#define CDRSIFT_EXPR_H

#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "record.h"

struct schema;
struct tz;

struct expr;       /* compiled, immutable, shared by threads */
struct expr_state; /* per thread: match data, scratch, col() bindings */

/* expr_opts.flags */
#define EXPR_NO_JIT 1u /* never JIT-compile regexes: use the interpreter */

/*
 * What a compilation needs to know besides the text. A zeroed struct (or a
 * NULL pointer) means: fields of both kinds, literal timestamps in UTC, no
 * national prefix for phone literals, JIT on, default match limits.
 */
struct expr_opts {
	enum record_kind kind;   /* KIND_UNKNOWN: fields of both kinds allowed */
	const struct tz *tz;     /* zone of literal timestamps without one (the
				    --tz zone); NULL: UTC. Borrowed, only
				    during expr_compile() */
	const char *country;     /* calling code replacing a trunk "0" in phone
				    literals, as schema_opts.country; NULL */
	unsigned flags;          /* EXPR_NO_JIT */
	uint32_t match_limit;    /* PCRE2 match limit; 0: EXPR_MATCH_LIMIT */
	uint32_t depth_limit;    /* PCRE2 depth limit; 0: EXPR_DEPTH_LIMIT */
	uint32_t heap_limit_kib; /* PCRE2 heap limit, KiB; 0: EXPR_HEAP_LIMIT */
};

#define EXPR_MATCH_LIMIT 200000u /* backtracking steps per match */
#define EXPR_DEPTH_LIMIT 10000u  /* nested backtracking frames */
#define EXPR_HEAP_LIMIT 8192u    /* KiB of backtracking memory per match */

/*
 * Compile 'text'. Returns 0 and sets '*out' (owned: expr_free()), or -1 with
 * the full diagnostic in 'd->msg': three lines, the message ("expected X,
 * found Y"; "unknown field 'calller' (did you mean 'caller'?)"), the
 * expression indented by two spaces, and a caret line under the offending
 * token. The command prints it after "cdrsift: " and exits with status 2.
 */
int expr_compile(struct expr **out, const char *text,
		 const struct expr_opts *opts, struct diag *d);
void expr_free(struct expr *e);

/*
 * The FIELD_BIT()s of the canonical and derived fields the evaluator may
 * read, to pass as 'need' to schema_map_row(). col() reads the raw row and
 * needs no bit.
 */
uint64_t expr_needs(const struct expr *e);

/* Number of regexes that run JIT-compiled (0 with EXPR_NO_JIT). */
int expr_jit_count(const struct expr *e);

/* Per-thread state for 'e'. Owned: expr_state_free(). */
struct expr_state *expr_state_new(const struct expr *e);
void expr_state_free(struct expr_state *st);

/*
 * Resolve the col("...") names of the expression against the columns of
 * one file's schema; call it for each file before its rows. Returns 0, or
 * 1 when some name is not a column of this file: its values are then
 * missing, and 'd' holds a warning naming the column and the file's
 * d->file. Never fails.
 */
int expr_state_bind(struct expr_state *st, const struct schema *s,
		    struct diag *d);

/*
 * Evaluate against 'r'. Returns 1 when the record matches, 0 when it does
 * not, and -1 when the row must be rejected: '*reject_reason' is then a
 * static string ("regex match limit exceeded") to count it by (DESIGN
 * section 3). A comparison with a missing value is false.
 */
int expr_eval(const struct expr *e, struct expr_state *st,
	      const struct record *r, const char **reject_reason);

/*
 * Append the compiled form, for --debug-dump-expr and the tests: a line
 * "ast: ..." (the checked and folded tree as an S-expression), a line
 * "needs: ..." and the bytecode listing, one instruction a line.
 */
void expr_dump(const struct expr *e, struct buf *out);

#endif
