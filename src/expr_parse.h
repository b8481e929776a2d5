/*
 * expr_parse.h - the typed AST of a filter expression, the parser that
 * builds it and the check pass that resolves, types and folds it.
 * Private to the expr_*.c files; the public API is expr.h. Nodes live in the
 * expression's pool (expr_pool.h) and are never freed one by one.
 */
#ifndef CDRSIFT_EXPR_PARSE_H
#define CDRSIFT_EXPR_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "expr_lex.h"
#include "expr_pool.h"
#include "expr_regex.h"
#include "record.h"

/*
 * Static types. X(ID, name in dumps, how a message names a value of it).
 * T_TEXT is the raw text of col("..."): compared as text with text and as a
 * number with numbers.
 */
#define EXPR_TYPES(X)                                                          \
	X(T_NONE, "none", "nothing")                                           \
	X(T_BOOL, "bool", "a condition")                                       \
	X(T_INT, "int", "a number")                                            \
	X(T_REAL, "real", "a number")                                          \
	X(T_STR, "str", "text")                                                \
	X(T_PHONE, "phone", "a phone number")                                  \
	X(T_TIME, "time", "a timestamp")                                       \
	X(T_DUR, "dur", "a duration")                                          \
	X(T_DATE, "date", "a date")                                            \
	X(T_TYPE, "type", "a record type (voice, sms, data, other)")           \
	X(T_DIR, "dir", "a direction (mo, mt, unknown)")                       \
	X(T_IP, "ip", "an IP address")                                         \
	X(T_DIST, "dist", "a distance")                                        \
	X(T_CIDR, "cidr", "a CIDR block")                                      \
	X(T_TEXT, "text", "text")

enum expr_type {
#define X(id, name, noun) id,
	EXPR_TYPES(X)
#undef X
	T_COUNT
};

const char *type_name(enum expr_type t);
const char *type_noun(enum expr_type t);

/* How values of a type are held at run time. */
enum storage {
	S_NONE, /* no run-time value (DIST and CIDR are compile-time only) */
	S_I,    /* int64: INT TIME DUR DATE TYPE DIR BOOL */
	S_D,    /* double: REAL */
	S_S,    /* text view: STR PHONE TEXT */
	S_IP,   /* struct ipaddr: IP */
};
enum storage type_storage(enum expr_type t);

/* The expression type of a canonical field of type 'ft'. */
enum expr_type type_of_field_type(enum field_type ft);

/* Builtin functions. X(ID, name, number of arguments, signature) */
#define EXPR_FUNCS(X)                                                          \
	X(FN_EXISTS, "exists", 1, "exists(field)")                             \
	X(FN_NEAR, "near", 3, "near(lat, lon, distance)")                      \
	X(FN_HOUR, "hour", 1, "hour(timestamp)")                               \
	X(FN_DOW, "dow", 1, "dow(timestamp)")                                  \
	X(FN_DATE, "date", 1, "date(timestamp)")                               \
	X(FN_LEN, "len", 1, "len(text)")                                       \
	X(FN_LOWER, "lower", 1, "lower(text)")                                 \
	X(FN_STARTSWITH, "startswith", 2, "startswith(text, prefix)")          \
	X(FN_COL, "col", 1, "col(\"column name\")")

enum expr_func {
#define X(id, name, nargs, sig) id,
	EXPR_FUNCS(X)
#undef X
	FN_COUNT
};

struct func_info {
	const char *name;      /* as written */
	int nargs;             /* exact number of arguments */
	const char *signature; /* for messages */
};
extern const struct func_info func_table[FN_COUNT];
/* The function named 'name', or -1. */
int func_by_name(const char *name, size_t len);

enum node_kind {
	N_LIT,     /* a literal token not yet typed: 'lit' */
	N_NAME,    /* a bare name not yet resolved: 'lit' */
	N_CONST,   /* a typed constant: 'type' and 'k' */
	N_FIELD,   /* canonical or derived field 'field' */
	N_COL,     /* col("...") raw column, binding slot 'slot' */
	N_UNARY,   /* 'op' (TK_NOT, TK_MINUS) applied to 'a' */
	N_BINARY,  /* 'a' 'op' 'b': and or, comparisons, ~ !~, arithmetic */
	N_IN,      /* 'a' [not] in 'b' (an N_SET, or a CIDR constant) */
	N_BETWEEN, /* 'a' [not] between 'b' and 'c' */
	N_CALL,    /* builtin 'func' with 'args' */
	N_SET,     /* { args... }; after check, a constant set in 'slot' */
	N_CONV,    /* after check: 'a' converted to 'type' (int to real, ...) */
};

/* A constant value; which members are meaningful depends on the type. */
struct expr_const {
	int64_t i;        /* INT TIME DUR DATE TYPE DIR BOOL */
	double d;         /* REAL DIST */
	const char *s;    /* STR PHONE TEXT: pool text, NUL-terminated */
	uint32_t len;     /* bytes of 's' */
	struct ipaddr ip; /* IP CIDR */
	int prefix;       /* CIDR */
};

struct expr_node {
	enum node_kind kind;
	enum tok op;            /* N_UNARY, N_BINARY */
	uint32_t start, end;    /* source bytes the node covers */
	uint32_t op_start;      /* the operator or function name token */
	uint32_t op_end;
	enum expr_type type;    /* set by the check pass */
	uint32_t height;        /* 1 + the height of the tallest operand */
	int neg;                /* N_IN, N_BETWEEN: "not in", "not between" */
	int flex;               /* N_CONST folded from plain-number literals:
				   may still become seconds or metres */
	struct expr_node *a, *b, *c;
	struct expr_node **args;/* N_CALL arguments, N_SET items (pool) */
	size_t nargs;
	int func;               /* N_CALL: enum expr_func */
	int field;              /* N_FIELD: enum field_id */
	int slot;               /* N_COL: col() slot; N_SET: set index;
				   '~' '!~': regex index; N_CALL near: index */
	struct token lit;       /* N_LIT, N_NAME */
	struct expr_const k;    /* N_CONST */
};

/*
 * Parse the whole source into '*out'. 0, or -1 with the caret diagnostic
 * in the source's diag.
 */
int expr_parse(const struct expr_src *src, struct expr_pool *pool,
	       struct expr_node **out);

/* A constant set, sorted for binary search (CIDRs: in source order). */
struct expr_set {
	enum expr_type type;    /* element type: INT REAL STR PHONE TEXT IP CIDR */
	size_t nr;              /* elements */
	struct expr_const *items; /* pool */
};

/* What the check pass needs and what it produces besides the tree. */
struct expr_check_ctx {
	const struct expr_src *src;
	struct expr_pool *pool;
	const struct expr_opts *opts;  /* kind, tz, country */
	/* produced */
	const char **cols;             /* col() names by slot (pool) */
	uint32_t *col_lens;            /* their lengths */
	size_t ncols, cols_alloc;
	struct expr_set *sets;         /* constant sets by index */
	size_t nsets, sets_alloc;
	struct expr_regex **res;       /* compiled regexes by index (owned
					  by the expr once compiled) */
	size_t nres, res_alloc;
};

/*
 * Resolve names, type every node, coerce literals by context (units, phone
 * normalisation, timestamps in the opts' zone), fold constants and build
 * the constant sets. Replaces '*root' by the checked tree. 0, or -1 with
 * the diagnostic.
 */
int expr_check(struct expr_check_ctx *cx, struct expr_node **root);

/* The enum rel (expr_func.h) of comparison token 'op'. */
int expr_rel_of(enum tok op);

/* Append constant 'k' of type 't' as dumps show it ("dur:10min"). */
struct buf;
void expr_const_dump(enum expr_type t, const struct expr_const *k,
		     struct buf *out);

#endif
