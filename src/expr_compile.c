/*
 * expr_compile.c - code generation: the checked AST becomes linear
 * bytecode whose instructions are chosen by type here, once, so that the
 * per-row loop never looks at a type (expr_vm.c). 'and' and 'or' are jumps
 * that skip the right operand (Lua's jump lists, in their simplest form),
 * and the commonest clause, a field compared with a constant, is one fused
 * instruction.
 *
 *   duration > 10m and caller ~ "^6011"
 *
 *   0000 cmpfk.i   duration > dur:10min
 *   0001 jf        0005
 *   0002 ldf.s     caller
 *   0003 match     re:0 "^6011"
 *   0004 halt
 */
#include "expr_compile.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

const struct op_info op_table[OP_COUNT] = {
#define OP(id, name, args, effect) { name, args, effect },
#include "expr_ops.def"
#undef OP
};

struct gen {
	struct expr *e;
	size_t alloc, kalloc, nalloc;
	int depth; /* current stack depth */
};

static size_t emit(struct gen *g, enum opcode op, int flag, unsigned a,
		   uint32_t b)
{
	struct expr *e = g->e;
	struct instr *in;
	VEC_GROW(e->code, e->ncode + 1, g->alloc);
	in = &e->code[e->ncode];
	in->op = (uint8_t)op;
	in->flag = (uint8_t)flag;
	in->a = (uint16_t)a;
	in->b = b;
	g->depth += op_table[op].effect;
	if (g->depth > (int)e->max_stack)
		e->max_stack = (size_t)g->depth;
	return e->ncode++;
}

static uint32_t add_const(struct gen *g, const struct expr_node *n)
{
	struct expr *e = g->e;
	struct vmval *v;
	if (e->nk == g->kalloc) {
		size_t alloc = g->kalloc;
		VEC_GROW(e->k, e->nk + 1, alloc);
		VEC_GROW(e->ktype, e->nk + 1, g->kalloc);
	}
	v = &e->k[e->nk];
	memset(v, 0, sizeof(*v));
	e->ktype[e->nk] = n->type;
	switch (type_storage(n->type)) {
	case S_I: v->u.i = n->k.i; break;
	case S_D: v->u.d = n->k.d; break;
	case S_S:
		v->u.s.s = n->k.s;
		v->u.s.len = n->k.len;
		break;
	case S_IP: v->u.ip = &n->k.ip; break;
	default: BUG("constant of type %s", type_name(n->type));
	}
	return (uint32_t)e->nk++;
}

static enum opcode by_storage(enum storage s, enum opcode i, enum opcode d,
			      enum opcode str, enum opcode ip)
{
	switch (s) {
	case S_I: return i;
	case S_D: return d;
	case S_S: return str;
	case S_IP: return ip;
	default: BUG("no storage");
	}
}

static int flip(int rel)
{
	switch (rel) {
	case REL_LT: return REL_GT;
	case REL_LE: return REL_GE;
	case REL_GT: return REL_LT;
	case REL_GE: return REL_LE;
	default: return rel;
	}
}

static void gen(struct gen *g, const struct expr_node *n);

static void gen_compare(struct gen *g, const struct expr_node *n)
{
	int rel = expr_rel_of(n->op);
	enum storage s = type_storage(n->a->type);
	const struct expr_node *f = NULL, *k = NULL;

	if (n->a->kind == N_FIELD && n->b->kind == N_CONST) {
		f = n->a;
		k = n->b;
	} else if (n->b->kind == N_FIELD && n->a->kind == N_CONST) {
		f = n->b;
		k = n->a;
		rel = flip(rel);
	}
	if (f && s != S_IP) {
		g->e->needs |= FIELD_BIT(f->field);
		emit(g, by_storage(s, OP_CMPFK_I, OP_CMPFK_D, OP_CMPFK_S,
				   OP_HALT),
		     rel, (unsigned)f->field, add_const(g, k));
		return;
	}
	gen(g, n->a);
	gen(g, n->b);
	emit(g, by_storage(s, OP_CMP_I, OP_CMP_D, OP_CMP_S, OP_CMP_IP), rel,
	     0, 0);
}

static void gen_arith(struct gen *g, const struct expr_node *n)
{
	static const enum opcode ops_i[] = { OP_ADD_I, OP_SUB_I, OP_MUL_I,
					     OP_DIV_I, OP_MOD_I };
	static const enum opcode ops_d[] = { OP_ADD_D, OP_SUB_D, OP_MUL_D,
					     OP_DIV_D, OP_MOD_D };
	int k = n->op == TK_PLUS ? 0 : n->op == TK_MINUS ? 1 :
		n->op == TK_STAR ? 2 : n->op == TK_SLASH ? 3 : 4;
	gen(g, n->a);
	gen(g, n->b);
	emit(g, type_storage(n->a->type) == S_D ? ops_d[k] : ops_i[k], 0, 0,
	     0);
}

static void gen_call(struct gen *g, const struct expr_node *n)
{
	struct expr *e = g->e;
	const struct expr_node *a = n->nargs ? n->args[0] : NULL;

	switch ((enum expr_func)n->func) {
	case FN_EXISTS:
		if (a->kind == N_FIELD) {
			e->needs |= FIELD_BIT(a->field);
			emit(g, OP_EXISTS, 0, (unsigned)a->field, 0);
		} else {
			emit(g, OP_EXISTS_COL, 0, (unsigned)a->slot, 0);
		}
		return;
	case FN_NEAR: {
		struct expr_near *nr;
		VEC_GROW(e->nears, e->nnears + 1, g->nalloc);
		nr = &e->nears[e->nnears];
		expr_near_init(nr, n->args[0]->k.d, n->args[1]->k.d,
			       n->args[2]->k.d);
		e->needs |= FIELD_BIT(F_LAT) | FIELD_BIT(F_LON);
		emit(g, OP_NEAR, 0, 0, (uint32_t)e->nnears++);
		return;
	}
	case FN_HOUR:
	case FN_DOW:
	case FN_DATE:
		gen(g, a);
		emit(g, n->func == FN_HOUR ? OP_HOUR :
			n->func == FN_DOW ? OP_DOW : OP_DATE, 0, 0, 0);
		return;
	case FN_LEN:
		gen(g, a);
		emit(g, OP_LEN, 0, 0, 0);
		return;
	case FN_LOWER:
		gen(g, a);
		emit(g, OP_LOWER, 0, (unsigned)e->nscratch++, 0);
		return;
	case FN_STARTSWITH:
		gen(g, a);
		gen(g, n->args[1]);
		emit(g, OP_STARTSWITH, 0, 0, 0);
		return;
	default:
		BUG("function %d in code generation", n->func);
	}
}

static void gen(struct gen *g, const struct expr_node *n)
{
	struct expr *e = g->e;

	switch (n->kind) {
	case N_CONST:
		emit(g, OP_LDK, 0, 0, add_const(g, n));
		return;
	case N_FIELD:
		e->needs |= FIELD_BIT(n->field);
		emit(g, by_storage(type_storage(n->type), OP_LDF_I, OP_LDF_D,
				   OP_LDF_S, OP_LDF_IP),
		     0, (unsigned)n->field, 0);
		return;
	case N_COL:
		emit(g, OP_LDCOL, 0, (unsigned)n->slot, 0);
		return;
	case N_CONV: {
		enum storage from = type_storage(n->a->type);
		enum storage to = type_storage(n->type);
		gen(g, n->a);
		if (from == S_I && to == S_D)
			emit(g, OP_I2D, 0, 0, 0);
		else if (from == S_D && to == S_I)
			emit(g, OP_D2I, 0, 0, 0);
		else if (from == S_S && to == S_D)
			emit(g, OP_T2D, 0, 0, 0);
		else if (from != to)
			BUG("conversion %s to %s", type_name(n->a->type),
			    type_name(n->type));
		return;
	}
	case N_UNARY:
		gen(g, n->a);
		if (n->op == TK_NOT)
			emit(g, OP_NOT, 0, 0, 0);
		else
			emit(g, type_storage(n->type) == S_D ? OP_NEG_D :
							       OP_NEG_I,
			     0, 0, 0);
		return;
	case N_BINARY:
		switch (n->op) {
		case TK_AND:
		case TK_OR: {
			size_t j;
			gen(g, n->a);
			j = emit(g, n->op == TK_AND ? OP_JF : OP_JT, 0, 0, 0);
			g->depth--; /* the right operand replaces the left */
			gen(g, n->b);
			e->code[j].b = (uint32_t)e->ncode;
			return;
		}
		case TK_MATCH:
		case TK_NMATCH:
			gen(g, n->a);
			emit(g, n->a->type == T_IP ? OP_MATCH_IP : OP_MATCH,
			     n->op == TK_NMATCH, 0, (uint32_t)n->slot);
			return;
		case TK_PLUS:
		case TK_MINUS:
		case TK_STAR:
		case TK_SLASH:
		case TK_PERCENT:
			gen_arith(g, n);
			return;
		default:
			gen_compare(g, n);
			return;
		}
	case N_IN: {
		const struct expr_set *set = &e->sets[n->b->slot];
		gen(g, n->a);
		emit(g, set->type == T_CIDR ? OP_IN_CIDR :
			by_storage(type_storage(set->type), OP_IN_I, OP_IN_D,
				   OP_IN_S, OP_IN_IP),
		     n->neg, 0, (uint32_t)n->b->slot);
		return;
	}
	case N_BETWEEN:
		gen(g, n->a);
		gen(g, n->b);
		gen(g, n->c);
		emit(g, by_storage(type_storage(n->a->type), OP_BETWEEN_I,
				   OP_BETWEEN_D, OP_BETWEEN_S, OP_BETWEEN_IP),
		     n->neg, 0, 0);
		return;
	case N_CALL:
		gen_call(g, n);
		return;
	default:
		BUG("node kind %d in code generation", (int)n->kind);
	}
}

/*
 * Jump threading: in "a and b and c" a false 'a' jumps to the test of the
 * first 'and', which can only jump again; go to the final target at once.
 */
static void thread_jumps(struct expr *e)
{
	for (size_t pc = 0; pc < e->ncode; pc++) {
		struct instr *in = &e->code[pc];
		if (in->op != OP_JF && in->op != OP_JT)
			continue;
		while (e->code[in->b].op == in->op)
			in->b = e->code[in->b].b;
	}
}

void expr_codegen(struct expr *e)
{
	struct gen g;
	memset(&g, 0, sizeof(g));
	g.e = e;
	gen(&g, e->root);
	emit(&g, OP_HALT, 0, 0, 0);
	thread_jumps(e);
	/* a position is a pair: the schema checks lat and lon together */
	if (e->needs & (FIELD_BIT(F_LAT) | FIELD_BIT(F_LON)))
		e->needs |= FIELD_BIT(F_LAT) | FIELD_BIT(F_LON);
	if (e->max_stack == 0)
		e->max_stack = 1;
}
