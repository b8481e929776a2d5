/*
 * expr_lex.h - tokens of the filter language, each with the byte range it
 * covers in the source, and the caret diagnostics every later pass uses.
 * Private to the expr_*.c files; the public API is expr.h.
 */
#ifndef CDRSIFT_EXPR_LEX_H
#define CDRSIFT_EXPR_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "record.h"

struct expr_pool;

/* X(ID, how a message names it) */
#define EXPR_TOKENS(X)                                                         \
	X(TK_EOF, "end of expression")                                         \
	X(TK_INT, "a number")                                                  \
	X(TK_REAL, "a number")                                                 \
	X(TK_UNIT, "a number with a unit")                                     \
	X(TK_STR, "a string")                                                  \
	X(TK_TIME, "a timestamp")                                              \
	X(TK_IP, "an IP address")                                              \
	X(TK_CIDR, "a CIDR block")                                             \
	X(TK_NAME, "a name")                                                   \
	X(TK_AND, "'and'")                                                     \
	X(TK_OR, "'or'")                                                       \
	X(TK_NOT, "'not'")                                                     \
	X(TK_IN, "'in'")                                                       \
	X(TK_BETWEEN, "'between'")                                             \
	X(TK_TRUE, "'true'")                                                   \
	X(TK_FALSE, "'false'")                                                 \
	X(TK_EQ, "'=='")                                                       \
	X(TK_NE, "'!='")                                                       \
	X(TK_LT, "'<'")                                                        \
	X(TK_LE, "'<='")                                                       \
	X(TK_GT, "'>'")                                                        \
	X(TK_GE, "'>='")                                                       \
	X(TK_MATCH, "'~'")                                                     \
	X(TK_NMATCH, "'!~'")                                                   \
	X(TK_PLUS, "'+'")                                                      \
	X(TK_MINUS, "'-'")                                                     \
	X(TK_STAR, "'*'")                                                      \
	X(TK_SLASH, "'/'")                                                     \
	X(TK_PERCENT, "'%'")                                                   \
	X(TK_LPAREN, "'('")                                                    \
	X(TK_RPAREN, "')'")                                                    \
	X(TK_LBRACE, "'{'")                                                    \
	X(TK_RBRACE, "'}'")                                                    \
	X(TK_COMMA, "','")

enum tok {
#define X(id, desc) id,
	EXPR_TOKENS(X)
#undef X
	TK_COUNT
};

/* How a message names token kind 'k' ("'=='", "end of expression"). */
const char *tok_desc(enum tok k);
/* The operator as written ("==", "and"); "" for tokens without one. */
const char *tok_text(enum tok k);

/* A timestamp literal as written: 2025-01-03[T08:00[:00[.fff]]][Z|+hh:mm] */
struct lit_time {
	int64_t days;     /* civil date, days since 1970-01-01 */
	int64_t tod_ms;   /* time of day in ms; 0 for a date alone */
	int has_time;     /* 1 when a time of day was written */
	int has_zone;     /* 1 when "Z" or an offset was written */
	int32_t offset_s; /* seconds east of UTC, when has_zone */
};

struct token {
	enum tok kind;
	uint32_t start, end; /* byte range [start, end) in the source */
	int64_t i;           /* TK_INT; TK_UNIT when num_is_int */
	double d;            /* TK_REAL, TK_UNIT, and TK_INT as a double */
	int num_is_int;      /* TK_INT, TK_UNIT: written without a fraction */
	int int_overflow;    /* TK_INT: does not fit in int64 ('i' invalid) */
	char unit[4];        /* TK_UNIT: "ms" "s" "m" "min" "h" "d" "w" "km" */
	const char *s;       /* TK_STR: decoded text (pool); TK_NAME: source */
	uint32_t len;        /* bytes of 's' */
	struct lit_time t;   /* TK_TIME */
	struct ipaddr ip;    /* TK_IP, TK_CIDR */
	int prefix;          /* TK_CIDR: prefix length */
};

/* The source under compilation, and where its diagnostics go. */
struct expr_src {
	const char *text; /* the expression */
	size_t len;       /* bytes of 'text' */
	struct diag *d;   /* receives the three-line diagnostic */
};

/*
 * Record in src->d the diagnostic made of the message 'fmt', the source line
 * holding byte 'start', and carets under bytes [start, end) (one caret when
 * the range is empty). Returns -1.
 */
int expr_fail(const struct expr_src *src, uint32_t start, uint32_t end,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The source text of a token, quoted for a message: 'foo', or "..." as is. */
void expr_tok_quote(const struct expr_src *src, const struct token *t,
		    char *out, size_t outlen);

struct lexer {
	const struct expr_src *src;
	struct expr_pool *pool; /* decoded strings live here */
	size_t pos;             /* next byte to read */
	struct token tok;       /* the current token */
	struct token ahead;     /* the next one, when 'has_ahead' */
	int has_ahead;
};

/* Start lexing and read the first token. 0, or -1 with the diagnostic. */
int lex_init(struct lexer *lx, const struct expr_src *src,
	     struct expr_pool *pool);
/* Advance to the next token. 0, or -1 with the diagnostic set. */
int lex_next(struct lexer *lx);
/* Look at the token after the current one without consuming it. 0 or -1. */
int lex_peek(struct lexer *lx, const struct token **out);

/*
 * Byte offset in the source of byte 'k' of the decoded text of the string
 * token starting at source byte 'tok_start' (escapes make them differ).
 */
uint32_t lex_string_srcpos(const struct expr_src *src, uint32_t tok_start,
			   size_t k);

#endif
