/*
 * expr_vm.c - the per-row evaluator and the per-thread state. A switch
 * over the instructions of expr_ops.def; types were settled at compile
 * time, so no instruction looks at one. Values carry a missing bit that
 * arithmetic and functions propagate and that every comparison, membership
 * and match turns into false: "a comparison with a missing value is false"
 * (DESIGN section 4), including '!=' and 'not in'.
 */
#include "expr_compile.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

struct expr_state {
	const struct expr *e;      /* borrowed */
	struct vmval *stack;       /* e->max_stack slots */
	struct expr_matcher *m;    /* NULL when the expression has no regex */
	int *col_index;            /* column of each col() slot, or -1 */
	struct buf *scratch;       /* one per lower() */
	char ipbuf[64];            /* an address as text, for '~' on IPs */
};

struct expr_state *expr_state_new(const struct expr *e)
{
	struct expr_state *st = xcalloc(1, sizeof(*st));
	st->e = e;
	st->stack = xcalloc(e->max_stack, sizeof(*st->stack));
	if (e->nres)
		st->m = expr_matcher_new(&e->limits);
	st->col_index = xcalloc(e->ncols ? e->ncols : 1, sizeof(int));
	for (size_t i = 0; i < e->ncols; i++)
		st->col_index[i] = -1;
	st->scratch = xcalloc(e->nscratch ? e->nscratch : 1,
			      sizeof(*st->scratch));
	return st;
}

void expr_state_free(struct expr_state *st)
{
	if (!st)
		return;
	free(st->stack);
	expr_matcher_free(st->m);
	free(st->col_index);
	for (size_t i = 0; i < st->e->nscratch; i++)
		buf_release(&st->scratch[i]);
	free(st->scratch);
	free(st);
}

int expr_state_bind(struct expr_state *st, const struct schema *s,
		    struct diag *d)
{
	const struct expr *e = st->e;
	int missing = 0;

	for (size_t i = 0; i < e->ncols; i++) {
		st->col_index[i] = s ? schema_column_index(s, e->cols[i],
							   e->col_lens[i]) :
				       -1;
		if (st->col_index[i] < 0 && !missing) {
			struct buf name = BUF_INIT;
			buf_add_escaped(&name, e->cols[i], e->col_lens[i], 80);
			diag_error(d, "no column \"%s\" for col()%s%s: its "
				   "values are missing",
				   buf_cstr(&name), d && d->file ? " in " : "",
				   d && d->file ? d->file : "");
			buf_release(&name);
			missing = 1;
		}
	}
	return missing;
}

/* Binary search of 'set' (sorted by expr_check.c) for value 'v'. */
static int set_has(const struct expr_set *set, enum storage s,
		   const struct vmval *v)
{
	size_t lo = 0, hi = set->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct expr_const *k = &set->items[mid];
		int c;
		switch (s) {
		case S_I: c = cmp_i(v->u.i, k->i); break;
		case S_D: c = cmp_d(v->u.d, k->d); break;
		case S_S: c = cmp_s(v->u.s.s, v->u.s.len, k->s, k->len); break;
		default: c = cmp_ip(v->u.ip, &k->ip); break;
		}
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int cidr_set_has(const struct expr_set *set, const struct ipaddr *ip)
{
	for (size_t i = 0; i < set->nr; i++)
		if (cidr_contains(&set->items[i].ip, set->items[i].prefix, ip))
			return 1;
	return 0;
}

static void set_bool(struct vmval *v, int b)
{
	v->u.i = b;
	v->miss = 0;
}

/* Load field 'f' of record 'rec' into slot 'dst' (union member 'm'). */
#define LOAD_FIELD(dst, rec, f, m)                                             \
	do {                                                                   \
		if ((rec)->present & FIELD_BIT(f)) {                           \
			(dst)->u.m = (rec)->v[f].m;                            \
			(dst)->miss = 0;                                       \
		} else {                                                       \
			(dst)->miss = 1;                                       \
		}                                                              \
	} while (0)

int expr_eval(const struct expr *e, struct expr_state *st,
	      const struct record *r, const char **reject_reason)
{
	const struct instr *code = e->code;
	struct vmval *sp = st->stack; /* next free slot */
	size_t pc = 0;
	const char *why_local;

	if (!reject_reason)
		reject_reason = &why_local;

	for (;;) {
		const struct instr *in = &code[pc++];
		switch ((enum opcode)in->op) {
		case OP_HALT:
			return sp[-1].u.i != 0;

		case OP_LDF_I:
			LOAD_FIELD(sp, r, in->a, i);
			sp++;
			break;
		case OP_LDF_D:
			LOAD_FIELD(sp, r, in->a, d);
			sp++;
			break;
		case OP_LDF_S:
			LOAD_FIELD(sp, r, in->a, s);
			sp++;
			break;
		case OP_LDF_IP:
			if (r->present & FIELD_BIT(in->a)) {
				sp->u.ip = &r->v[in->a].ip;
				sp->miss = 0;
			} else {
				sp->miss = 1;
			}
			sp++;
			break;
		case OP_LDCOL: {
			int col = st->col_index[in->a];
			sp->miss = col < 0 || record_raw(r, (size_t)col,
							 &sp->u.s) < 0 ||
				   sp->u.s.len == 0;
			sp++;
			break;
		}
		case OP_LDK:
			*sp++ = e->k[in->b];
			break;

		case OP_CMP_I:
			sp--;
			set_bool(&sp[-1], !sp[-1].miss && !sp[0].miss &&
					  rel_holds(in->flag,
						    cmp_i(sp[-1].u.i, sp[0].u.i)));
			break;
		case OP_CMP_D:
			sp--;
			set_bool(&sp[-1], !sp[-1].miss && !sp[0].miss &&
					  rel_holds(in->flag,
						    cmp_d(sp[-1].u.d, sp[0].u.d)));
			break;
		case OP_CMP_S:
			sp--;
			set_bool(&sp[-1],
				 !sp[-1].miss && !sp[0].miss &&
					 rel_holds(in->flag,
						   cmp_s(sp[-1].u.s.s,
							 sp[-1].u.s.len,
							 sp[0].u.s.s,
							 sp[0].u.s.len)));
			break;
		case OP_CMP_IP:
			sp--;
			set_bool(&sp[-1], !sp[-1].miss && !sp[0].miss &&
					  rel_holds(in->flag,
						    cmp_ip(sp[-1].u.ip,
							   sp[0].u.ip)));
			break;

		case OP_CMPFK_I:
			set_bool(sp, (r->present & FIELD_BIT(in->a)) &&
					     rel_holds(in->flag,
						       cmp_i(r->v[in->a].i,
							     e->k[in->b].u.i)));
			sp++;
			break;
		case OP_CMPFK_D:
			set_bool(sp, (r->present & FIELD_BIT(in->a)) &&
					     rel_holds(in->flag,
						       cmp_d(r->v[in->a].d,
							     e->k[in->b].u.d)));
			sp++;
			break;
		case OP_CMPFK_S:
			set_bool(sp,
				 (r->present & FIELD_BIT(in->a)) &&
					 rel_holds(in->flag,
						   cmp_s(r->v[in->a].s.s,
							 r->v[in->a].s.len,
							 e->k[in->b].u.s.s,
							 e->k[in->b].u.s.len)));
			sp++;
			break;

		case OP_JF:
			if (!sp[-1].u.i) {
				pc = in->b;
				break;
			}
			sp--;
			break;
		case OP_JT:
			if (sp[-1].u.i) {
				pc = in->b;
				break;
			}
			sp--;
			break;
		case OP_NOT:
			sp[-1].u.i = !sp[-1].u.i;
			break;

#define ARITH(OPC, kind, member, fn)                                           \
	case OPC:                                                              \
		sp--;                                                          \
		sp[-1].miss = sp[-1].miss || sp[0].miss ||                     \
			      fn(kind, sp[-1].u.member, sp[0].u.member,        \
				 &sp[-1].u.member) < 0;                        \
		break;
		ARITH(OP_ADD_I, AR_ADD, i, arith_i)
		ARITH(OP_SUB_I, AR_SUB, i, arith_i)
		ARITH(OP_MUL_I, AR_MUL, i, arith_i)
		ARITH(OP_DIV_I, AR_DIV, i, arith_i)
		ARITH(OP_MOD_I, AR_MOD, i, arith_i)
		ARITH(OP_ADD_D, AR_ADD, d, arith_d)
		ARITH(OP_SUB_D, AR_SUB, d, arith_d)
		ARITH(OP_MUL_D, AR_MUL, d, arith_d)
		ARITH(OP_DIV_D, AR_DIV, d, arith_d)
		ARITH(OP_MOD_D, AR_MOD, d, arith_d)
#undef ARITH
		case OP_NEG_I:
			sp[-1].miss = sp[-1].miss ||
				      arith_i(AR_SUB, 0, sp[-1].u.i,
					      &sp[-1].u.i) < 0;
			break;
		case OP_NEG_D:
			sp[-1].u.d = -sp[-1].u.d;
			break;

		case OP_I2D:
			sp[-1].u.d = (double)sp[-1].u.i;
			break;
		case OP_D2I: {
			int64_t v = 0;
			sp[-1].miss = sp[-1].miss ||
				      real_to_int(sp[-1].u.d, &v) < 0;
			sp[-1].u.i = v;
			break;
		}
		case OP_T2D: {
			double v = 0;
			sp[-1].miss = sp[-1].miss ||
				      text_to_real(sp[-1].u.s.s, sp[-1].u.s.len,
						   &v) < 0;
			sp[-1].u.d = v;
			break;
		}

		case OP_MATCH:
		case OP_MATCH_IP: {
			const char *s;
			size_t len;
			int m;
			if (sp[-1].miss) {
				set_bool(&sp[-1], 0);
				break;
			}
			if (in->op == OP_MATCH_IP) {
				len = ip_format(sp[-1].u.ip, st->ipbuf,
						sizeof(st->ipbuf));
				s = st->ipbuf;
			} else {
				s = sp[-1].u.s.s;
				len = sp[-1].u.s.len;
			}
			m = expr_regex_match(e->res[in->b], st->m, s, len,
					     reject_reason);
			if (m < 0)
				return -1;
			set_bool(&sp[-1], m != in->flag);
			break;
		}
		case OP_IN_I:
		case OP_IN_D:
		case OP_IN_S:
		case OP_IN_IP: {
			static const enum storage st_of[] = { S_I, S_D, S_S,
							      S_IP };
			const struct expr_set *set = &e->sets[in->b];
			int found;
			if (sp[-1].miss) {
				set_bool(&sp[-1], 0);
				break;
			}
			found = set_has(set, st_of[in->op - OP_IN_I], &sp[-1]);
			set_bool(&sp[-1], found != in->flag);
			break;
		}
		case OP_IN_CIDR: {
			int found;
			if (sp[-1].miss) {
				set_bool(&sp[-1], 0);
				break;
			}
			found = cidr_set_has(&e->sets[in->b], sp[-1].u.ip);
			set_bool(&sp[-1], found != in->flag);
			break;
		}

#define BETWEEN(OPC, cmpexpr_lo, cmpexpr_hi)                                   \
	case OPC: {                                                            \
		struct vmval *x = &sp[-3], *lo = &sp[-2], *hi = &sp[-1];       \
		int inside;                                                    \
		sp -= 2;                                                       \
		if (x->miss || lo->miss || hi->miss) {                         \
			set_bool(x, 0);                                        \
			break;                                                 \
		}                                                              \
		inside = (cmpexpr_lo) >= 0 && (cmpexpr_hi) <= 0;               \
		set_bool(x, inside != in->flag);                               \
		break;                                                         \
	}
		BETWEEN(OP_BETWEEN_I, cmp_i(x->u.i, lo->u.i),
			cmp_i(x->u.i, hi->u.i))
		BETWEEN(OP_BETWEEN_D, cmp_d(x->u.d, lo->u.d),
			cmp_d(x->u.d, hi->u.d))
		BETWEEN(OP_BETWEEN_S,
			cmp_s(x->u.s.s, x->u.s.len, lo->u.s.s, lo->u.s.len),
			cmp_s(x->u.s.s, x->u.s.len, hi->u.s.s, hi->u.s.len))
		BETWEEN(OP_BETWEEN_IP, cmp_ip(x->u.ip, lo->u.ip),
			cmp_ip(x->u.ip, hi->u.ip))
#undef BETWEEN

		case OP_EXISTS:
			set_bool(sp, (r->present & FIELD_BIT(in->a)) != 0);
			sp++;
			break;
		case OP_EXISTS_COL: {
			int col = st->col_index[in->a];
			struct strv v;
			set_bool(sp, col >= 0 &&
					     record_raw(r, (size_t)col, &v) == 0 &&
					     v.len > 0);
			sp++;
			break;
		}
		case OP_NEAR: {
			const uint64_t both = FIELD_BIT(F_LAT) | FIELD_BIT(F_LON);
			set_bool(sp, (r->present & both) == both &&
					     expr_near_test(&e->nears[in->b],
							    r->v[F_LAT].d,
							    r->v[F_LON].d));
			sp++;
			break;
		}
		case OP_HOUR:
		case OP_DOW:
		case OP_DATE:
			if (!sp[-1].miss) {
				struct civil c;
				ts_civil(sp[-1].u.i, r->tz, &c);
				sp[-1].u.i = in->op == OP_HOUR ? c.hour :
					     in->op == OP_DOW ?
							 c.dow :
							 days_from_civil(c.year,
									 c.month,
									 c.day);
			}
			break;
		case OP_LEN:
			if (!sp[-1].miss)
				sp[-1].u.i = sp[-1].u.s.len;
			break;
		case OP_LOWER:
			if (!sp[-1].miss) {
				struct buf *b = &st->scratch[in->a];
				const char *s = sp[-1].u.s.s;
				uint32_t len = sp[-1].u.s.len;
				buf_reset(b);
				buf_grow(b, len);
				for (uint32_t i = 0; i < len; i++) {
					char ch = s[i];
					b->data[i] = ch >= 'A' && ch <= 'Z' ?
							     (char)(ch + 32) :
							     ch;
				}
				b->len = len;
				b->data[len] = '\0';
				sp[-1].u.s.s = b->data;
			}
			break;
		case OP_STARTSWITH:
			sp--;
			set_bool(&sp[-1],
				 !sp[-1].miss && !sp[0].miss &&
					 sp[0].u.s.len <= sp[-1].u.s.len &&
					 (sp[0].u.s.len == 0 ||
					  !memcmp(sp[-1].u.s.s, sp[0].u.s.s,
						  sp[0].u.s.len)));
			break;

		default:
			BUG("bad opcode %d at %zu", in->op, pc - 1);
		}
	}
}
