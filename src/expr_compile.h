/*
 * expr_compile.h - the compiled form of an expression: linear bytecode
 * specialised by type (expr_ops.def), its constant tables, and the private
 * layout of struct expr shared by the code generator, the evaluator and the
 * dump. Private to the expr_*.c files; the public API is expr.h.
 */
#ifndef CDRSIFT_EXPR_COMPILE_H
#define CDRSIFT_EXPR_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "expr_func.h"
#include "expr_parse.h"
#include "expr_pool.h"
#include "expr_regex.h"

enum opcode {
#define OP(id, name, args, effect) id,
#include "expr_ops.def"
#undef OP
	OP_COUNT
};

/* How the disassembler shows an instruction's operands. */
enum op_args {
	ARGS_NONE, ARGS_FIELD, ARGS_COL, ARGS_CONST, ARGS_REL,
	ARGS_FIELD_REL_CONST, ARGS_JUMP, ARGS_REGEX, ARGS_SET, ARGS_NEG,
	ARGS_NEAR, ARGS_SCRATCH,
};

struct op_info {
	const char *name;  /* mnemonic */
	enum op_args args; /* operand layout */
	int effect;        /* change of stack depth */
};
extern const struct op_info op_table[OP_COUNT];

/* One instruction: 8 bytes. */
struct instr {
	uint8_t op;   /* enum opcode */
	uint8_t flag; /* enum rel, or 1 to negate */
	uint16_t a;   /* field id, col() slot, scratch slot */
	uint32_t b;   /* constant, set, regex, near or jump target index */
};

/* A value on the evaluation stack. */
struct vmval {
	union {
		int64_t i;               /* S_I, and bools */
		double d;                /* S_D */
		struct strv s;           /* S_S */
		const struct ipaddr *ip; /* S_IP: into the record or a constant */
	} u;
	int miss; /* 1: missing value (bools are never missing) */
};

struct expr {
	struct expr_pool pool;       /* AST, strings, set items */
	char *text;                  /* owned copy of the source */
	struct expr_node *root;      /* the checked tree, for dumps */
	struct instr *code;          /* owned */
	size_t ncode;
	struct vmval *k;             /* constants (owned) */
	enum expr_type *ktype;       /* their types, for dumps (owned) */
	size_t nk;
	struct expr_set *sets;       /* owned array; items in the pool */
	size_t nsets;
	struct expr_regex **res;     /* owned */
	size_t nres;
	struct expr_near *nears;     /* owned */
	size_t nnears;
	const char **cols;           /* col() names by slot (pool strings) */
	uint32_t *col_lens;          /* owned */
	size_t ncols;
	size_t nscratch;             /* lower() buffers per state */
	size_t max_stack;            /* deepest stack the code reaches */
	uint64_t needs;              /* FIELD_BIT()s read */
	struct expr_regex_limits limits;
};

/* Generate e->code and its tables from e->root. Cannot fail. */
void expr_codegen(struct expr *e);

#endif
