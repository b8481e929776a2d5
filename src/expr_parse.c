/*
 * expr_parse.c - precedence-climbing parser of filter expressions (after
 * Lua's subexpr and its priority table). It builds an untyped AST whose
 * every node keeps the source bytes it covers; names, types and units are
 * the check pass's business (expr_check.c).
 *
 * Operators, loosest first:
 *
 *   1  or ||                      left
 *   2  and &&                     left
 *   3  not !                      prefix
 *   4  == != < <= > >= ~ !~       do not chain (a < b < c is an error)
 *      in {set}, in CIDR, between A and B, not in, not between
 *   5  + -                        left
 *   6  * / %                      left
 *   7  - +                        prefix (+60123456789 is a number)
 *
 * "between" takes its bounds at level 5, so that in
 * "hour between 0 and 5 and type == voice" the second "and" is boolean.
 */
#include "expr_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#include "banned.h"

#define MAX_DEPTH 256 /* nested parentheses, unary operators, calls */
/*
 * The tree's height bounds the recursion of the later passes; a chain of
 * operators ("a or b or c ...") is iterative here but deep there.
 */
#define MAX_HEIGHT 1024

enum {
	PRIO_OR = 1,
	PRIO_AND = 2,
	PRIO_NOT = 3, /* operand of 'not': a comparison or tighter */
	PRIO_CMP = 4,
	PRIO_ADD = 5,
	PRIO_MUL = 6,
	PRIO_NEG = 7, /* operand of unary minus: a primary */
};

/* Left and right priority of each binary operator (Lua's priority[]). */
static const struct {
	uint8_t left, right;
} priority[TK_COUNT] = {
	[TK_OR] = { PRIO_OR, PRIO_OR },
	[TK_AND] = { PRIO_AND, PRIO_AND },
	[TK_EQ] = { PRIO_CMP, PRIO_CMP },
	[TK_NE] = { PRIO_CMP, PRIO_CMP },
	[TK_LT] = { PRIO_CMP, PRIO_CMP },
	[TK_LE] = { PRIO_CMP, PRIO_CMP },
	[TK_GT] = { PRIO_CMP, PRIO_CMP },
	[TK_GE] = { PRIO_CMP, PRIO_CMP },
	[TK_MATCH] = { PRIO_CMP, PRIO_CMP },
	[TK_NMATCH] = { PRIO_CMP, PRIO_CMP },
	[TK_IN] = { PRIO_CMP, PRIO_CMP },
	[TK_BETWEEN] = { PRIO_CMP, PRIO_CMP },
	[TK_NOT] = { PRIO_CMP, PRIO_CMP }, /* only as "not in", "not between" */
	[TK_PLUS] = { PRIO_ADD, PRIO_ADD },
	[TK_MINUS] = { PRIO_ADD, PRIO_ADD },
	[TK_STAR] = { PRIO_MUL, PRIO_MUL },
	[TK_SLASH] = { PRIO_MUL, PRIO_MUL },
	[TK_PERCENT] = { PRIO_MUL, PRIO_MUL },
};

struct parser {
	struct lexer lx;
	const struct expr_src *src;
	struct expr_pool *pool;
	int depth;              /* recursion depth, bounded by MAX_DEPTH */
	enum tok after;         /* operator before the value expected, or TK_EOF */
};

static struct expr_node *new_node(struct parser *p, enum node_kind kind,
				  uint32_t start, uint32_t end)
{
	struct expr_node *n = pool_alloc(p->pool, sizeof(*n));
	n->kind = kind;
	n->start = start;
	n->end = end;
	n->op_start = start;
	n->op_end = end;
	n->height = 1;
	return n;
}

/* Raise 'n' above 'child'; fail when the tree grows too tall. */
static int grow(struct parser *p, struct expr_node *n,
		const struct expr_node *child)
{
	if (child && child->height + 1 > n->height)
		n->height = child->height + 1;
	if (n->height > MAX_HEIGHT)
		return expr_fail(p->src, n->op_start, n->op_end,
				 "expression too long: operators nested more "
				 "than %d deep (for a list of values, use "
				 "'in {...}')", MAX_HEIGHT);
	return 0;
}

static int is_comparison(enum tok k)
{
	return k == TK_EQ || k == TK_NE || k == TK_LT || k == TK_LE ||
	       k == TK_GT || k == TK_GE || k == TK_MATCH || k == TK_NMATCH ||
	       k == TK_IN || k == TK_BETWEEN;
}

/* "expected WHAT, found <the current token>", caret on that token. */
static int fail_expected(struct parser *p, const char *what)
{
	char found[80];
	const struct token *t = &p->lx.tok;
	expr_tok_quote(p->src, t, found, sizeof(found));
	return expr_fail(p->src, t->start, t->end, "expected %s, found %s",
			 what, found);
}

static int subexpr(struct parser *p, int limit, struct expr_node **out);

static int enter(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return expr_fail(p->src, p->lx.tok.start, p->lx.tok.end,
				 "expression nested too deeply (more than "
				 "%d levels)", MAX_DEPTH);
	return 0;
}

/*
 * args -> '(' [ subexpr(0) { ',' subexpr(0) } ] ')'
 */
static int call_args(struct parser *p, struct expr_node *call)
{
	struct expr_node **items = NULL;
	size_t nr = 0, alloc = 0;
	uint32_t open = p->lx.tok.start;
	int rc = -1;
	char what[96];

	if (lex_next(&p->lx) < 0)
		return -1;
	if (p->lx.tok.kind != TK_RPAREN) {
		for (;;) {
			struct expr_node *arg;
			p->after = TK_EOF;
			if (subexpr(p, 0, &arg) < 0)
				goto out;
			VEC_GROW(items, nr + 1, alloc);
			items[nr++] = arg;
			if (p->lx.tok.kind != TK_COMMA)
				break;
			if (lex_next(&p->lx) < 0)
				goto out;
		}
	}
	if (p->lx.tok.kind != TK_RPAREN) {
		snprintf(what, sizeof(what),
			 "',' or ')' to close the '(' at column %u",
			 (unsigned)open + 1);
		fail_expected(p, what);
		goto out;
	}
	call->end = p->lx.tok.end;
	call->args = pool_alloc(p->pool, (nr ? nr : 1) * sizeof(*items));
	if (nr)
		memcpy(call->args, items, nr * sizeof(*items));
	call->nargs = nr;
	for (size_t i = 0; i < nr; i++)
		if (grow(p, call, items[i]) < 0)
			goto out;
	rc = lex_next(&p->lx);
out:
	free(items);
	return rc;
}

/*
 * simple -> INT | REAL | UNIT | STR | TIME | IP | CIDR | 'true' | 'false'
 *         | NAME [ args ]
 *         | '(' subexpr(0) ')'
 */
static int simple(struct parser *p, struct expr_node **out)
{
	struct token *t = &p->lx.tok;
	struct expr_node *n;

	switch (t->kind) {
	case TK_INT:
	case TK_REAL:
	case TK_UNIT:
	case TK_STR:
	case TK_TIME:
	case TK_IP:
	case TK_CIDR:
	case TK_TRUE:
	case TK_FALSE:
		n = new_node(p, N_LIT, t->start, t->end);
		n->lit = *t;
		*out = n;
		return lex_next(&p->lx);
	case TK_NAME:
		n = new_node(p, N_NAME, t->start, t->end);
		n->lit = *t;
		if (lex_next(&p->lx) < 0)
			return -1;
		if (p->lx.tok.kind == TK_LPAREN) {
			int f = func_by_name(n->lit.s, n->lit.len);
			n->kind = N_CALL;
			n->func = f;
			n->op_start = n->start;
			n->op_end = n->end;
			if (call_args(p, n) < 0)
				return -1;
		}
		*out = n;
		return 0;
	case TK_LPAREN: {
		uint32_t open = t->start;
		char what[64];
		if (lex_next(&p->lx) < 0)
			return -1;
		p->after = TK_EOF;
		if (subexpr(p, 0, &n) < 0)
			return -1;
		if (p->lx.tok.kind != TK_RPAREN) {
			snprintf(what, sizeof(what),
				 "')' to close the '(' at column %u",
				 (unsigned)open + 1);
			return fail_expected(p, what);
		}
		/* the parentheses belong to the node, for carets */
		n->start = open;
		n->end = p->lx.tok.end;
		*out = n;
		return lex_next(&p->lx);
	}
	default:
		break;
	}
	if (p->after != TK_EOF) {
		char what[64];
		snprintf(what, sizeof(what), "a value after '%s'",
			 tok_text(p->after));
		return fail_expected(p, what);
	}
	return fail_expected(p, "an expression");
}

/*
 * set -> '{' [ subexpr(PRIO_CMP) { ',' subexpr(PRIO_CMP) } [ ',' ] ] '}'
 */
static int set_literal(struct parser *p, struct expr_node **out)
{
	struct expr_node *set = new_node(p, N_SET, p->lx.tok.start,
					 p->lx.tok.end);
	struct expr_node **items = NULL;
	size_t nr = 0, alloc = 0;
	int rc = -1;

	if (lex_next(&p->lx) < 0)
		return -1;
	while (p->lx.tok.kind != TK_RBRACE) {
		struct expr_node *item;
		p->after = TK_EOF;
		if (p->lx.tok.kind == TK_EOF) {
			fail_expected(p, "'}' to close the set");
			goto out;
		}
		if (subexpr(p, PRIO_CMP, &item) < 0)
			goto out;
		VEC_GROW(items, nr + 1, alloc);
		items[nr++] = item;
		if (p->lx.tok.kind == TK_COMMA) {
			if (lex_next(&p->lx) < 0)
				goto out;
		} else if (p->lx.tok.kind != TK_RBRACE) {
			fail_expected(p, "',' or '}' in the set");
			goto out;
		}
	}
	set->end = p->lx.tok.end;
	set->args = pool_alloc(p->pool, (nr ? nr : 1) * sizeof(*items));
	if (nr)
		memcpy(set->args, items, nr * sizeof(*items));
	set->nargs = nr;
	for (size_t i = 0; i < nr; i++)
		if (grow(p, set, items[i]) < 0)
			goto out;
	*out = set;
	rc = lex_next(&p->lx);
out:
	free(items);
	return rc;
}

/*
 * in_rhs -> set | CIDR | IP
 */
static int in_rhs(struct parser *p, struct expr_node **out)
{
	struct token *t = &p->lx.tok;
	if (t->kind == TK_LBRACE)
		return set_literal(p, out);
	if (t->kind == TK_CIDR || t->kind == TK_IP) {
		struct expr_node *n = new_node(p, N_LIT, t->start, t->end);
		n->lit = *t;
		*out = n;
		return lex_next(&p->lx);
	}
	return fail_expected(p, "'{' or a CIDR block after 'in'");
}

/*
 * subexpr -> ( 'not' | '!' ) subexpr(PRIO_NOT)
 *          | ( '-' | '+' ) subexpr(PRIO_NEG)
 *          | simple
 *            { binop subexpr(priority[binop].right)
 *            | [ 'not' ] 'in' in_rhs
 *            | [ 'not' ] 'between' subexpr(PRIO_CMP) 'and' subexpr(PRIO_CMP) }
 *   where only operators whose left priority is above 'limit' are taken
 */
static int subexpr(struct parser *p, int limit, struct expr_node **out)
{
	struct expr_node *left = NULL;
	struct token *t = &p->lx.tok;
	int chained = 0; /* 'left' is a comparison made in this loop */

	if (enter(p) < 0)
		return -1;
	if (t->kind == TK_NOT || t->kind == TK_MINUS || t->kind == TK_PLUS) {
		struct token op = *t;
		struct expr_node *operand;
		if (lex_next(&p->lx) < 0)
			return -1;
		p->after = op.kind;
		if (subexpr(p, op.kind == TK_NOT ? PRIO_NOT - 1 : PRIO_NEG - 1,
			    &operand) < 0)
			return -1;
		left = new_node(p, N_UNARY, op.start, operand->end);
		left->op = op.kind;
		left->op_start = op.start;
		left->op_end = op.end;
		left->a = operand;
		if (grow(p, left, operand) < 0)
			return -1;
	} else if (simple(p, &left) < 0) {
		return -1;
	}

	for (;;) {
		struct token op = *t;
		struct expr_node *n;
		int neg = 0;

		if (op.kind >= TK_COUNT || priority[op.kind].left <= limit)
			break;
		if (op.kind == TK_NOT) {
			/* only "not in" and "not between" are infix */
			const struct token *next;
			if (lex_peek(&p->lx, &next) < 0)
				return -1;
			if (next->kind != TK_IN && next->kind != TK_BETWEEN)
				break;
			neg = 1;
			if (lex_next(&p->lx) < 0)
				return -1;
			op.kind = t->kind;
			op.end = t->end;
		}
		if (is_comparison(op.kind) && chained)
			return expr_fail(p->src, op.start, op.end,
					 "expected 'and' or 'or', found '%s' "
					 "(comparisons do not chain)",
					 tok_text(op.kind));
		if (lex_next(&p->lx) < 0)
			return -1;
		p->after = op.kind;

		if (op.kind == TK_IN) {
			n = new_node(p, N_IN, left->start, 0);
			n->neg = neg;
			n->a = left;
			if (in_rhs(p, &n->b) < 0)
				return -1;
		} else if (op.kind == TK_BETWEEN) {
			n = new_node(p, N_BETWEEN, left->start, 0);
			n->neg = neg;
			n->a = left;
			if (subexpr(p, PRIO_CMP, &n->b) < 0)
				return -1;
			if (t->kind != TK_AND)
				return fail_expected(p, "'and' in "
						     "'between ... and ...'");
			if (lex_next(&p->lx) < 0)
				return -1;
			p->after = op.kind;
			if (subexpr(p, PRIO_CMP, &n->c) < 0)
				return -1;
		} else {
			n = new_node(p, N_BINARY, left->start, 0);
			n->a = left;
			if (subexpr(p, priority[op.kind].right, &n->b) < 0)
				return -1;
		}
		n->op = op.kind;
		n->op_start = op.start;
		n->op_end = op.end;
		n->end = (n->c ? n->c : n->b)->end;
		if (grow(p, n, n->a) < 0 || grow(p, n, n->b) < 0 ||
		    grow(p, n, n->c) < 0)
			return -1;
		left = n;
		chained = is_comparison(op.kind);
		p->after = TK_EOF;
	}
	p->depth--;
	*out = left;
	return 0;
}

/*
 * expr -> subexpr(0) EOF
 */
int expr_parse(const struct expr_src *src, struct expr_pool *pool,
	       struct expr_node **out)
{
	struct parser p;
	struct expr_node *root;

	memset(&p, 0, sizeof(p));
	p.after = TK_EOF;
	p.src = src;
	p.pool = pool;
	if (lex_init(&p.lx, src, pool) < 0)
		return -1;
	if (subexpr(&p, 0, &root) < 0)
		return -1;
	if (p.lx.tok.kind != TK_EOF) {
		if (p.lx.tok.kind == TK_RPAREN)
			return fail_expected(&p, "end of expression");
		return fail_expected(&p, "an operator or end of expression");
	}
	*out = root;
	return 0;
}
