/*
 * fuzz_expr.c - the filter expression compiler and evaluator.
 * The first line of the input is the expression; the rest, when there is
 * any, is a CSV file whose records it is evaluated on (at most MAX_ROWS).
 *
 * The expression is compiled twice, with PCRE2's JIT and with its
 * interpreter (EXPR_NO_JIT). Checks, besides surviving:
 *   - a failed compilation leaves the three-line diagnostic of expr.h
 *     (message, expression, caret line), without raw control bytes;
 *   - a compiled expression dumps (--debug-dump-expr) without failing;
 *   - evaluation gives 1, 0, or -1 with a reject reason, and the JIT and
 *     the interpreter agree whenever neither hit a match limit.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "../../src/buf.h"
#include "../../src/diag.h"
#include "../../src/expr.h"
#include "../../src/record.h"
#include "../../src/source.h"

#define MAX_ROWS 200

static void check_diag(const struct diag *d)
{
	const char *m = buf_cstr(&d->msg);
	size_t lines = 0;

	FUZZ_CHECK(d->set && d->msg.len > 0);
	FUZZ_CHECK(!fuzz_has_control(m, d->msg.len, '\n'));
	for (size_t i = 0; i < d->msg.len; i++)
		lines += m[i] == '\n';
	FUZZ_CHECK(lines == 2);
	FUZZ_CHECK(strchr(m, '^') != NULL);
}

static void run_rows(const char *path, const struct expr *e1,
		     const struct expr *e2)
{
	struct source src;
	struct record rec;
	struct expr_state *s1 = expr_state_new(e1);
	struct expr_state *s2 = expr_state_new(e2);
	uint64_t need = expr_needs(e1) | expr_needs(e2);
	struct schema_opts so;

	memset(&so, 0, sizeof(so));
	record_init(&rec);
	if (source_open(&src, path, &so, NULL, need) == 0) {
		struct diag d = DIAG_INIT;
		int b1 = expr_state_bind(s1, src.schema, &d);
		diag_release(&d);
		int b2 = expr_state_bind(s2, src.schema, &d);
		FUZZ_CHECK(b1 == b2 && (b1 == 0 || b1 == 1));
		if (b1)
			FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		diag_release(&d);
		for (int n = 0; n < MAX_ROWS; n++) {
			int ev = source_next(&src, &rec);
			if (ev == SRC_EOF)
				break;
			if (ev != SRC_RECORD)
				continue;
			const char *why1 = NULL, *why2 = NULL;
			int m1 = expr_eval(e1, s1, &rec, &why1);
			int m2 = expr_eval(e2, s2, &rec, &why2);
			FUZZ_CHECK(m1 >= -1 && m1 <= 1 && m2 >= -1 && m2 <= 1);
			FUZZ_CHECK(m1 >= 0 || why1 != NULL);
			FUZZ_CHECK(m2 >= 0 || why2 != NULL);
			if (m1 >= 0 && m2 >= 0)
				FUZZ_CHECK(m1 == m2);
		}
	}
	source_release(&src);
	record_release(&rec);
	expr_state_free(s1);
	expr_state_free(s2);
}

FUZZ_ENTRY(expr)
{
	static struct fuzz_file f;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t elen = nl ? (size_t)(nl - data) : size;
	char *text;
	struct expr *e1 = NULL, *e2 = NULL;
	struct expr_opts o1, o2;
	struct diag d = DIAG_INIT;
	int r1, r2;

	if (memchr(data, '\0', elen)) /* argv cannot hold a NUL */
		return 0;
	text = malloc(elen + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, elen);
	text[elen] = '\0';
	memset(&o1, 0, sizeof(o1));
	o2 = o1;
	o2.flags = EXPR_NO_JIT;

	r1 = expr_compile(&e1, text, &o1, &d);
	if (r1 < 0) {
		check_diag(&d);
		FUZZ_CHECK(e1 == NULL);
	}
	diag_release(&d);
	r2 = expr_compile(&e2, text, &o2, &d);
	FUZZ_CHECK(r1 == r2);
	diag_release(&d);
	if (r1 == 0) {
		struct buf dump = BUF_INIT;
		expr_dump(e1, &dump);
		FUZZ_CHECK(dump.len > 0);
		buf_release(&dump);
		FUZZ_CHECK(expr_jit_count(e2) == 0);
		if (nl) {
			const char *path = fuzz_file_put(&f, "expr", nl + 1,
							 size - elen - 1);
			run_rows(path, e1, e2);
		}
	}
	expr_free(e1);
	expr_free(e2);
	free(text);
	return 0;
}
