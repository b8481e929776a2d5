/*
 * expr.c - the compiler driver (lex and parse, check, generate code) and
 * the dump of the compiled form for --debug-dump-expr and the tests. The
 * passes themselves are expr_lex.c, expr_parse.c, expr_check.c,
 * expr_compile.c; the evaluator is expr_vm.c.
 */
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_compile.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

int expr_compile(struct expr **out, const char *text,
		 const struct expr_opts *opts, struct diag *d)
{
	struct expr_opts o;
	struct expr_src src;
	struct expr_check_ctx cx;
	struct expr *e;

	memset(&o, 0, sizeof(o));
	if (opts)
		o = *opts;
	e = xcalloc(1, sizeof(*e));
	e->text = xstrdup(text);
	e->limits.match = o.match_limit ? o.match_limit : EXPR_MATCH_LIMIT;
	e->limits.depth = o.depth_limit ? o.depth_limit : EXPR_DEPTH_LIMIT;
	e->limits.heap_kib = o.heap_limit_kib ? o.heap_limit_kib :
						EXPR_HEAP_LIMIT;
	src.text = e->text;
	src.len = strlen(e->text);
	src.d = d;

	memset(&cx, 0, sizeof(cx));
	cx.src = &src;
	cx.pool = &e->pool;
	cx.opts = &o;
	if (expr_parse(&src, &e->pool, &e->root) < 0 ||
	    expr_check(&cx, &e->root) < 0) {
		for (size_t i = 0; i < cx.nres; i++)
			expr_regex_free(cx.res[i]);
		free(cx.res);
		free(cx.sets);
		free(cx.cols);
		free(cx.col_lens);
		free(e->text);
		pool_release(&e->pool);
		free(e);
		*out = NULL;
		return -1;
	}
	e->sets = cx.sets;
	e->nsets = cx.nsets;
	e->res = cx.res;
	e->nres = cx.nres;
	e->cols = cx.cols;
	e->col_lens = cx.col_lens;
	e->ncols = cx.ncols;
	expr_codegen(e);
	*out = e;
	return 0;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nres; i++)
		expr_regex_free(e->res[i]);
	free(e->res);
	free(e->sets);
	free(e->cols);
	free(e->col_lens);
	free(e->code);
	free(e->k);
	free(e->ktype);
	free(e->nears);
	free(e->text);
	pool_release(&e->pool);
	free(e);
}

uint64_t expr_needs(const struct expr *e)
{
	return e->needs;
}

int expr_jit_count(const struct expr *e)
{
	int n = 0;
	for (size_t i = 0; i < e->nres; i++)
		n += expr_regex_is_jit(e->res[i]);
	return n;
}

/* ---- dump --------------------------------------------------------------- */

static void add_quoted(struct buf *out, const char *s, size_t len)
{
	buf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_add(out, "\\\"", 2);
		else
			buf_add_escaped(out, s + i, 1, 1);
	}
	buf_addch(out, '"');
}

void expr_const_dump(enum expr_type t, const struct expr_const *k,
		     struct buf *out)
{
	char tmp[64];
	switch (t) {
	case T_BOOL:
		buf_adds(out, k->i ? "true" : "false");
		return;
	case T_INT:
		buf_addf(out, "%lld", (long long)k->i);
		return;
	case T_REAL:
	case T_DIST:
		if (t == T_DIST)
			buf_adds(out, "dist:");
		snprintf(tmp, sizeof(tmp), "%.15g", k->d);
		if (strtod(tmp, NULL) != k->d)
			snprintf(tmp, sizeof(tmp), "%.17g", k->d);
		buf_adds(out, tmp);
		if (t == T_DIST)
			buf_addch(out, 'm');
		else if (!strpbrk(tmp, ".en"))
			buf_adds(out, ".0");
		return;
	case T_STR:
		add_quoted(out, k->s, k->len);
		return;
	case T_PHONE:
	case T_TEXT:
		buf_addf(out, "%s:", type_name(t));
		add_quoted(out, k->s, k->len);
		return;
	case T_TIME: {
		int64_t days = k->i / 86400000, ms = k->i % 86400000, y;
		int m, d;
		if (ms < 0) {
			ms += 86400000;
			days--;
		}
		civil_from_days(days, &y, &m, &d);
		buf_addf(out, "time:%04lld-%02d-%02dT%02d:%02d:%02d",
			 (long long)y, m, d, (int)(ms / 3600000),
			 (int)(ms / 60000 % 60), (int)(ms / 1000 % 60));
		if (ms % 1000)
			buf_addf(out, ".%03d", (int)(ms % 1000));
		buf_addch(out, 'Z');
		return;
	}
	case T_DATE: {
		int64_t y;
		int m, d;
		civil_from_days(k->i, &y, &m, &d);
		buf_addf(out, "date:%04lld-%02d-%02d", (long long)y, m, d);
		return;
	}
	case T_DUR:
		buf_adds(out, "dur:");
		expr_dur_dump(k->i, out);
		return;
	case T_TYPE:
		buf_addf(out, "type:%s", rec_type_name((int)k->i));
		return;
	case T_DIR:
		buf_addf(out, "dir:%s", rec_dir_name((int)k->i));
		return;
	case T_IP:
		ip_format(&k->ip, tmp, sizeof(tmp));
		buf_addf(out, "ip:%s", tmp);
		return;
	case T_CIDR:
		ip_format(&k->ip, tmp, sizeof(tmp));
		buf_addf(out, "cidr:%s/%d", tmp, k->prefix);
		return;
	default:
		buf_adds(out, "?");
		return;
	}
}

static void dump_set(const struct expr *e, int idx, struct buf *out)
{
	const struct expr_set *set = &e->sets[idx];
	buf_addch(out, '{');
	for (size_t i = 0; i < set->nr; i++) {
		if (i)
			buf_addch(out, ' ');
		expr_const_dump(set->type, &set->items[i], out);
	}
	buf_addch(out, '}');
}

static void dump_regex(const struct expr *e, int idx, struct buf *out)
{
	size_t len;
	const char *p = expr_regex_pattern(e->res[idx], &len);
	struct expr_const k;
	memset(&k, 0, sizeof(k));
	k.s = p;
	k.len = (uint32_t)len;
	buf_adds(out, "re:");
	expr_const_dump(T_STR, &k, out);
}

static void dump_node(const struct expr *e, const struct expr_node *n,
		      struct buf *out)
{
	switch (n->kind) {
	case N_CONST:
		expr_const_dump(n->type, &n->k, out);
		return;
	case N_FIELD:
		buf_adds(out, field_table[n->field].name);
		return;
	case N_COL: {
		struct expr_const k;
		memset(&k, 0, sizeof(k));
		k.s = e->cols[n->slot];
		k.len = e->col_lens[n->slot];
		buf_adds(out, "col(");
		expr_const_dump(T_STR, &k, out);
		buf_addch(out, ')');
		return;
	}
	case N_CONV:
		buf_addf(out, "(%s ", type_name(n->type));
		dump_node(e, n->a, out);
		buf_addch(out, ')');
		return;
	case N_UNARY:
		buf_addf(out, "(%s ", n->op == TK_NOT ? "not" : "neg");
		dump_node(e, n->a, out);
		buf_addch(out, ')');
		return;
	case N_BINARY:
		buf_addf(out, "(%s ", tok_text(n->op));
		dump_node(e, n->a, out);
		buf_addch(out, ' ');
		if (n->op == TK_MATCH || n->op == TK_NMATCH)
			dump_regex(e, n->slot, out);
		else
			dump_node(e, n->b, out);
		buf_addch(out, ')');
		return;
	case N_IN:
		buf_adds(out, n->neg ? "(not-in " : "(in ");
		dump_node(e, n->a, out);
		buf_addch(out, ' ');
		dump_set(e, n->b->slot, out);
		buf_addch(out, ')');
		return;
	case N_BETWEEN:
		buf_adds(out, n->neg ? "(not-between " : "(between ");
		dump_node(e, n->a, out);
		buf_addch(out, ' ');
		dump_node(e, n->b, out);
		buf_addch(out, ' ');
		dump_node(e, n->c, out);
		buf_addch(out, ')');
		return;
	case N_CALL:
		buf_addf(out, "(%s", func_table[n->func].name);
		for (size_t i = 0; i < n->nargs; i++) {
			buf_addch(out, ' ');
			dump_node(e, n->args[i], out);
		}
		buf_addch(out, ')');
		return;
	default:
		buf_adds(out, "?");
		return;
	}
}

static const char *const rel_names[] = { "==", "!=", "<", "<=", ">", ">=" };

static void dump_instr(const struct expr *e, size_t pc, struct buf *out)
{
	const struct instr *in = &e->code[pc];
	const struct op_info *oi = &op_table[in->op];
	size_t start = out->len;

	buf_addf(out, "%04zu %s", pc, oi->name);
	while (out->len - start < 20)
		buf_addch(out, ' ');
	switch (oi->args) {
	case ARGS_NONE:
		break;
	case ARGS_FIELD:
		buf_adds(out, field_table[in->a].name);
		break;
	case ARGS_COL: {
		struct expr_const k;
		memset(&k, 0, sizeof(k));
		k.s = e->cols[in->a];
		k.len = e->col_lens[in->a];
		buf_addf(out, "col:%u ", (unsigned)in->a);
		expr_const_dump(T_STR, &k, out);
		break;
	}
	case ARGS_CONST: {
		struct expr_const k;
		const struct vmval *v = &e->k[in->b];
		memset(&k, 0, sizeof(k));
		k.i = v->u.i;
		k.d = v->u.d;
		if (type_storage(e->ktype[in->b]) == S_S) {
			k.s = v->u.s.s;
			k.len = v->u.s.len;
		}
		if (type_storage(e->ktype[in->b]) == S_IP)
			k.ip = *v->u.ip;
		if (type_storage(e->ktype[in->b]) == S_I)
			k.d = 0;
		expr_const_dump(e->ktype[in->b], &k, out);
		break;
	}
	case ARGS_REL:
		buf_adds(out, rel_names[in->flag]);
		break;
	case ARGS_FIELD_REL_CONST: {
		struct expr_const k;
		const struct vmval *v = &e->k[in->b];
		memset(&k, 0, sizeof(k));
		switch (type_storage(e->ktype[in->b])) {
		case S_I: k.i = v->u.i; break;
		case S_D: k.d = v->u.d; break;
		default:
			k.s = v->u.s.s;
			k.len = v->u.s.len;
			break;
		}
		buf_addf(out, "%s %s ", field_table[in->a].name,
			 rel_names[in->flag]);
		expr_const_dump(e->ktype[in->b], &k, out);
		break;
	}
	case ARGS_JUMP:
		buf_addf(out, "%04u", (unsigned)in->b);
		break;
	case ARGS_REGEX:
		if (in->flag)
			buf_adds(out, "not ");
		dump_regex(e, (int)in->b, out);
		break;
	case ARGS_SET:
		if (in->flag)
			buf_adds(out, "not ");
		dump_set(e, (int)in->b, out);
		break;
	case ARGS_NEG:
		if (in->flag)
			buf_adds(out, "not");
		break;
	case ARGS_NEAR: {
		const struct expr_near *nr = &e->nears[in->b];
		buf_addf(out, "%.6f %.6f %gm", nr->lat, nr->lon, nr->radius_m);
		break;
	}
	case ARGS_SCRATCH:
		buf_addf(out, "scratch:%u", (unsigned)in->a);
		break;
	}
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->len--;
	out->data[out->len] = '\0';
	buf_addch(out, '\n');
}

void expr_dump(const struct expr *e, struct buf *out)
{
	int any = 0;
	buf_adds(out, "ast: ");
	dump_node(e, e->root, out);
	buf_adds(out, "\nneeds:");
	for (int f = 0; f < F_COUNT; f++)
		if (e->needs & FIELD_BIT(f)) {
			buf_addf(out, " %s", field_table[f].name);
			any = 1;
		}
	if (!any)
		buf_adds(out, " -");
	buf_addch(out, '\n');
	for (size_t pc = 0; pc < e->ncode; pc++)
		dump_instr(e, pc, out);
}
