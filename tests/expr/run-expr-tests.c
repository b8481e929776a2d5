/*
 * run-expr-tests.c - the expression-table runner (after jq's --run-tests):
 * reads the .test files of tests/expr, compiles each expression with the
 * library, builds each record through the real schema (a one-row CSV whose
 * header is the field names), evaluates, and prints TAP lines and "N
 * passed, N failed, 0 skipped" (every case selected runs: none is skipped).
 * Exit 1 on any failure.
 *
 * File format: groups separated by blank lines; '#' lines are comments.
 *
 *   EXPR                      a valid expression, then pairs of lines:
 *   field=value,...           a record ("-" for one with no fields; an
 *   true|false|reject         empty value is missing; "x" quotes commas;
 *   ...                       or @FILE[:N]: line N of a CSV fixture beside
 *                             the .test file, with its header)
 *
 *   %%FAIL                    an invalid expression and its exact
 *   EXPR                      diagnostic: message, expression, carets
 *   message
 *     EXPR
 *     ^^^^
 *
 *   %%FAIL IGNORE MSG         invalid; the message is not compared
 *   %%AST                     EXPR, then the expected "ast:" line body
 *   %%DUMP                    EXPR, then the whole expected dump
 *   %%OPTIONS k=v ...         for the rest of the file: kind=cdr|ip|any,
 *                             tz=ZONE, country=CC, match_limit=N
 *
 * Every evaluation runs twice, with PCRE2's JIT and with the interpreter
 * (EXPR_NO_JIT), and both must give the expected result; a "reject" must
 * come back in under REJECT_SECONDS.
 *
 * Usage: run-expr [--skip N] [--take N] [FILE.test | DIR]...
 *        (default: tests/expr, or $CDRSIFT_EXPR_TESTS)
 *        run-expr -e EXPR [RECORD]   print the dump or diagnostic (and the
 *                                    result for RECORD), to write tests
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../../src/buf.h"
#include "../../src/csvrow.h"
#include "../../src/diag.h"
#include "../../src/expr.h"
#include "../../src/geodesy.h"
#include "../../src/record.h"
#include "../../src/schema.h"
#include "../../src/timeparse.h"
#include "../../src/xalloc.h"
#include "../../src/banned.h"

#define REJECT_SECONDS 5.0

struct opts {
	enum record_kind kind;
	struct tz *tz;
	char country[16];
	uint32_t match_limit;
};

static int npass, nfail, ncase;
static long skip, take = -1;

/* ---- TAP ---------------------------------------------------------------- */

static int selected(void)
{
	ncase++;
	if (ncase <= skip)
		return 0;
	if (take >= 0 && ncase > skip + take)
		return 0;
	return 1;
}

static void print_indented(const char *what, const char *text)
{
	const char *p = text;
	printf("#   %s:\n", what);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		printf("#     |%.*s|\n", (int)n, p);
		if (!e)
			break;
		p = e + 1;
	}
}

static void report(int ok, const char *file, int line, const char *expr,
		   const char *extra)
{
	if (ok)
		npass++;
	else
		nfail++;
	if (line)
		printf("%s %d - %s:%d: %s%s%s\n", ok ? "ok" : "not ok", ncase,
		       file, line, expr, extra ? " " : "", extra ? extra : "");
	else
		printf("%s %d - %s: %s\n", ok ? "ok" : "not ok", ncase, file,
		       expr);
}

/* ---- records ------------------------------------------------------------ */

struct fake_row {
	char **field;
	uint32_t *len;
	size_t n, alloc;
	struct csvrow_row row;
};

static void row_add(struct fake_row *r, const char *s, size_t len)
{
	if (r->n == r->alloc) {
		size_t alloc = r->alloc;
		VEC_GROW(r->field, r->n + 1, alloc);
		VEC_GROW(r->len, r->n + 1, r->alloc);
	}
	r->field[r->n] = xstrndup(s, len);
	r->len[r->n] = (uint32_t)len;
	r->n++;
}

static void row_finish(struct fake_row *r, uint64_t line, const char *raw)
{
	memset(&r->row, 0, sizeof(r->row));
	r->row.field = (const char *const *)r->field;
	r->row.len = r->len;
	r->row.nfield = r->n;
	r->row.line = line;
	r->row.nlines = 1;
	r->row.raw = raw;
	r->row.raw_len = strlen(raw);
}

static void row_release(struct fake_row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->field[i]);
	free(r->field);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

/*
 * Split "a=1,b=\"x,y\",c=" into a header row (a, b, c) and a data row
 * (1, x,y, ""). Returns 0, or -1 on a malformed line.
 */
static char *slurp(const char *path);

/* Split one CSV line (RFC 4180 quotes, no line breaks inside) into 'r'. */
static void split_csv(const char *p, size_t len, struct fake_row *r)
{
	const char *end = p + len;
	for (;;) {
		struct buf v = BUF_INIT;
		if (p < end && *p == '"') {
			p++;
			while (p < end) {
				if (*p == '"' && p + 1 < end && p[1] == '"') {
					buf_addch(&v, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					buf_addch(&v, *p++);
				}
			}
		}
		while (p < end && *p != ',')
			buf_addch(&v, *p++);
		row_add(r, buf_cstr(&v), v.len);
		buf_release(&v);
		if (p >= end)
			break;
		p++;
	}
}

/*
 * "@FILE" or "@FILE:N": the header and data line N (default 2) of a CSV
 * fixture, FILE relative to the directory of the .test file being run.
 */
static const char *fixture_dir = ".";

static int parse_fixture(const char *spec, struct fake_row *hdr,
			 struct fake_row *data)
{
	char path[4096], *text, *colon, *p;
	long want = 2, lineno = 1;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/%s", fixture_dir, spec + 1);
	colon = strrchr(path, ':');
	if (colon) {
		want = strtol(colon + 1, NULL, 10);
		*colon = '\0';
	}
	text = slurp(path);
	if (!text)
		return -1;
	for (p = text; *p; lineno++) {
		char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len && p[len - 1] == '\r')
			len--;
		if (lineno == 1)
			split_csv(p, len, hdr);
		if (lineno == want) {
			split_csv(p, len, data);
			rc = 0;
			break;
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	free(text);
	return rc;
}

static int parse_record(const char *line, struct fake_row *hdr,
			struct fake_row *data)
{
	const char *p = line;
	if (!strcmp(line, "-"))
		return 0;
	if (line[0] == '@')
		return parse_fixture(line, hdr, data);
	while (*p) {
		const char *eq = strchr(p, '=');
		struct buf v = BUF_INIT;
		if (!eq)
			return -1;
		row_add(hdr, p, (size_t)(eq - p));
		p = eq + 1;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p) {
					buf_release(&v);
					return -1;
				}
				if (*p == '"' && p[1] == '"') {
					buf_addch(&v, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					buf_addch(&v, *p++);
				}
			}
		} else {
			while (*p && *p != ',')
				buf_addch(&v, *p++);
		}
		row_add(data, buf_cstr(&v), v.len);
		buf_release(&v);
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return 0;
}

/*
 * Evaluate compiled 'e' against the record of 'line'. Returns 1, 0 or -1
 * as expr_eval does, or -2 with a message in 'err' when the record itself
 * cannot be built. '*secs' gets the evaluation time.
 */
static int eval_record(const struct expr *e, const char *line,
		       const struct opts *o, struct buf *err, double *secs)
{
	struct fake_row hdr, data;
	struct schema_opts so;
	struct schema *s = NULL;
	struct record rec;
	struct diag d = DIAG_INIT;
	struct expr_state *st = NULL;
	const char *reason = NULL;
	int first_is_data, rc = -2;
	struct timespec t0, t1;
	char fallback_name[] = "unmapped_fallback";

	memset(&hdr, 0, sizeof(hdr));
	memset(&data, 0, sizeof(data));
	record_init(&rec);
	if (parse_record(line, &hdr, &data) < 0) {
		buf_addf(err, "malformed record line");
		goto out;
	}
	if (hdr.n == 0) {
		/* a record with no fields: one column that maps to nothing */
		row_add(&hdr, fallback_name, strlen(fallback_name));
		row_add(&data, "", 0);
	}
	row_finish(&hdr, 1, line);
	row_finish(&data, 2, line);
	memset(&so, 0, sizeof(so));
	so.kind = o->kind;
	so.tz = o->tz;
	so.country = o->country[0] ? o->country : NULL;
	if (schema_build(&s, &so, &hdr.row, &first_is_data, &d) < 0) {
		/* no mapped column at all: evaluate against an empty record */
		s = NULL;
		diag_clear(&d);
	}
	st = expr_state_new(e);
	if (s) {
		expr_state_bind(st, s, &d);
		if (schema_map_row(s, &data.row, &rec, expr_needs(e), &reason,
				   err) < 0) {
			buf_addf(err, " (schema rejected the row: %s)", reason);
			goto out;
		}
	} else {
		rec.kind = o->kind;
		rec.row = &data.row;
		rec.tz = o->tz;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = expr_eval(e, st, &rec, &reason);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc < 0)
		buf_addf(err, "%s", reason ? reason : "(no reason)");
out:
	expr_state_free(st);
	schema_free(s);
	record_release(&rec);
	row_release(&hdr);
	row_release(&data);
	diag_release(&d);
	return rc;
}

static void set_expr_opts(struct expr_opts *eo, const struct opts *o,
			  unsigned flags)
{
	memset(eo, 0, sizeof(*eo));
	eo->kind = o->kind;
	eo->tz = o->tz;
	eo->country = o->country[0] ? o->country : NULL;
	eo->flags = flags;
	eo->match_limit = o->match_limit;
}

static int jit_available(void)
{
	uint32_t have = 0;
	return pcre2_config(PCRE2_CONFIG_JIT, &have) >= 0 && have;
}

/* ---- groups ------------------------------------------------------------- */

static const char *result_name(int r)
{
	return r == 1 ? "true" : r == 0 ? "false" : r == -1 ? "reject" :
							   "error";
}

static void run_eval_group(const char *file, int line, char **lines,
			   size_t n, const struct opts *o)
{
	struct expr *e[2] = { NULL, NULL };
	struct diag d = DIAG_INIT;
	struct expr_opts eo;
	int compiled = 1;

	for (int mode = 0; mode < 2; mode++) {
		set_expr_opts(&eo, o, mode ? EXPR_NO_JIT : 0);
		if (expr_compile(&e[mode], lines[0], &eo, &d) < 0)
			compiled = 0;
	}
	if (n < 3 || n % 2 == 0) {
		if (selected()) {
			report(0, file, line, lines[0], "(malformed group)");
		}
		goto out;
	}
	for (size_t i = 1; i + 1 < n; i += 2) {
		const char *want = lines[i + 1];
		char extra[64];
		int ok = 1;
		struct buf why = BUF_INIT;
		if (!selected())
			continue;
		snprintf(extra, sizeof(extra), "[record %zu]", (i + 1) / 2);
		if (!compiled) {
			report(0, file, line, lines[0], extra);
			print_indented("compile error", buf_cstr(&d.msg));
			continue;
		}
		if (strcmp(want, "true") && strcmp(want, "false") &&
		    strcmp(want, "reject")) {
			report(0, file, line, lines[0], "(bad expectation)");
			continue;
		}
		for (int mode = 0; mode < 2; mode++) {
			struct buf err = BUF_INIT;
			double secs = 0;
			int r = eval_record(e[mode], lines[i], o, &err, &secs);
			if (strcmp(result_name(r), want)) {
				ok = 0;
				buf_addf(&why, "%s: got %s, expected %s %s\n",
					 mode ? "interpreter" : "jit",
					 result_name(r), want, buf_cstr(&err));
			} else if (r == -1 && secs > REJECT_SECONDS) {
				ok = 0;
				buf_addf(&why, "%s: reject took %.1fs\n",
					 mode ? "interpreter" : "jit", secs);
			}
			buf_release(&err);
		}
		if (expr_jit_count(e[1]) != 0) {
			ok = 0;
			buf_addf(&why, "EXPR_NO_JIT compiled %d regex(es) JIT\n",
				 expr_jit_count(e[1]));
		}
		report(ok, file, line, lines[0], extra);
		if (!ok) {
			printf("#   record: %s\n", lines[i]);
			print_indented("why", buf_cstr(&why));
		}
		buf_release(&why);
	}
out:
	expr_free(e[0]);
	expr_free(e[1]);
	diag_release(&d);
}

static void run_fail_group(const char *file, int line, char **lines,
			   size_t n, const struct opts *o, int ignore_msg)
{
	struct expr *e = NULL;
	struct diag d = DIAG_INIT;
	struct expr_opts eo;
	struct buf want = BUF_INIT;
	int ok;

	if (!selected())
		return;
	if (n < 1) {
		report(0, file, line, "%%FAIL", "(no expression)");
		return;
	}
	for (size_t i = 1; i < n; i++) {
		if (i > 1)
			buf_addch(&want, '\n');
		buf_adds(&want, lines[i]);
	}
	set_expr_opts(&eo, o, 0);
	if (expr_compile(&e, lines[0], &eo, &d) == 0) {
		report(0, file, line, lines[0], "(compiled, expected an error)");
		expr_free(e);
		goto out;
	}
	ok = ignore_msg || !strcmp(buf_cstr(&d.msg), buf_cstr(&want));
	report(ok, file, line, lines[0], "(error)");
	if (!ok) {
		print_indented("expected", buf_cstr(&want));
		print_indented("got", buf_cstr(&d.msg));
	}
out:
	buf_release(&want);
	diag_release(&d);
}

static void run_dump_group(const char *file, int line, char **lines,
			   size_t n, const struct opts *o, int ast_only)
{
	struct expr *e = NULL;
	struct diag d = DIAG_INIT;
	struct expr_opts eo;
	struct buf got = BUF_INIT, want = BUF_INIT;
	int ok;

	if (!selected())
		return;
	if (n < 2) {
		report(0, file, line, lines[0], "(malformed dump group)");
		return;
	}
	set_expr_opts(&eo, o, 0);
	if (expr_compile(&e, lines[0], &eo, &d) < 0) {
		report(0, file, line, lines[0], "(dump)");
		print_indented("compile error", buf_cstr(&d.msg));
		diag_release(&d);
		return;
	}
	expr_dump(e, &got);
	if (ast_only) {
		const char *nl = strchr(buf_cstr(&got), '\n');
		size_t len = nl ? (size_t)(nl - got.data) : got.len;
		struct buf first = BUF_INIT;
		buf_add(&first, got.data + 5, len - 5); /* after "ast: " */
		buf_release(&got);
		got = first;
		buf_adds(&want, lines[1]);
	} else {
		for (size_t i = 1; i < n; i++) {
			buf_adds(&want, lines[i]);
			buf_addch(&want, '\n');
		}
	}
	ok = !strcmp(buf_cstr(&got), buf_cstr(&want));
	report(ok, file, line, lines[0], ast_only ? "(ast)" : "(dump)");
	if (!ok) {
		print_indented("expected", buf_cstr(&want));
		print_indented("got", buf_cstr(&got));
	}
	buf_release(&got);
	buf_release(&want);
	expr_free(e);
}

static int set_option(struct opts *o, const char *kv, const char *file,
		      int line)
{
	struct diag d = DIAG_INIT;
	if (!strcmp(kv, "kind=cdr")) {
		o->kind = KIND_CDR;
	} else if (!strcmp(kv, "kind=ip")) {
		o->kind = KIND_IP;
	} else if (!strcmp(kv, "kind=any")) {
		o->kind = KIND_UNKNOWN;
	} else if (!strncmp(kv, "tz=", 3)) {
		tz_free(o->tz);
		o->tz = NULL;
		if (tz_load(&o->tz, kv + 3, &d) < 0) {
			fprintf(stderr, "%s:%d: %s\n", file, line,
				buf_cstr(&d.msg));
			diag_release(&d);
			return -1;
		}
	} else if (!strncmp(kv, "country=", 8)) {
		snprintf(o->country, sizeof(o->country), "%s", kv + 8);
	} else if (!strncmp(kv, "match_limit=", 12)) {
		o->match_limit = (uint32_t)strtoul(kv + 12, NULL, 10);
	} else {
		fprintf(stderr, "%s:%d: unknown option %s\n", file, line, kv);
		return -1;
	}
	diag_release(&d);
	return 0;
}

/* ---- files -------------------------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (!b.data)
		buf_add(&b, "", 0);
	return b.data;
}

static int run_file(const char *path)
{
	static char dir[4096];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? path : ".");
	fixture_dir = dir;
	char *text = slurp(path), *p;
	char **lines = NULL;
	size_t n = 0, alloc = 0;
	int lineno = 0, group_line = 0;
	struct opts o;

	if (!text) {
		fprintf(stderr, "run-expr: cannot read %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	memset(&o, 0, sizeof(o));
	p = text;
	for (;;) {
		char *eol = p ? strchr(p, '\n') : NULL;
		int at_end = !p || !*p;
		if (eol)
			*eol = '\0';
		if (!at_end)
			lineno++;
		if (!at_end && p[0] == '#')
			goto next;
		if (at_end || p[0] == '\0') {
			if (n > 0) {
				if (!strcmp(lines[0], "%%FAIL"))
					run_fail_group(path, group_line,
						       lines + 1, n - 1, &o, 0);
				else if (!strcmp(lines[0], "%%FAIL IGNORE MSG"))
					run_fail_group(path, group_line,
						       lines + 1, n - 1, &o, 1);
				else if (!strcmp(lines[0], "%%AST"))
					run_dump_group(path, group_line,
						       lines + 1, n - 1, &o, 1);
				else if (!strcmp(lines[0], "%%DUMP"))
					run_dump_group(path, group_line,
						       lines + 1, n - 1, &o, 0);
				else if (!strncmp(lines[0], "%%OPTIONS", 9)) {
					char *q = lines[0] + 9, *tok;
					char *save = NULL;
					while ((tok = strtok_r(q, " ", &save))) {
						q = NULL;
						if (set_option(&o, tok, path,
							       group_line) < 0) {
							free(lines);
							free(text);
							tz_free(o.tz);
							return -1;
						}
					}
				} else
					run_eval_group(path, group_line, lines,
						       n, &o);
				n = 0;
			}
			if (at_end)
				break;
			goto next;
		}
		if (n == 0)
			group_line = lineno;
		VEC_GROW(lines, n + 1, alloc);
		lines[n++] = p;
next:
		p = eol ? eol + 1 : NULL;
	}
	free(lines);
	free(text);
	tz_free(o.tz);
	return 0;
}

/* ---- API checks that the table format cannot express ---------------- */

static void api_check(int ok, const char *what, const char *detail)
{
	if (!selected())
		return;
	report(ok, "api", 0, what, NULL);
	if (!ok && detail)
		print_indented("detail", detail);
}

/* A schema and record for 'line', for API checks; 0 or -1. */
struct built {
	struct fake_row hdr, data;
	struct schema_opts so;
	struct schema *s;
	struct record rec;
};

static int build(struct built *b, const char *line, uint64_t need)
{
	struct diag d = DIAG_INIT;
	const char *reason;
	int first;
	memset(b, 0, sizeof(*b));
	record_init(&b->rec);
	if (parse_record(line, &b->hdr, &b->data) < 0)
		return -1;
	row_finish(&b->hdr, 1, line);
	row_finish(&b->data, 2, line);
	if (schema_build(&b->s, &b->so, &b->hdr.row, &first, &d) < 0) {
		diag_release(&d);
		return -1;
	}
	diag_release(&d);
	return schema_map_row(b->s, &b->data.row, &b->rec, need, &reason,
			      NULL);
}

static void unbuild(struct built *b)
{
	schema_free(b->s);
	record_release(&b->rec);
	row_release(&b->hdr);
	row_release(&b->data);
}

struct thread_arg {
	const struct expr *e;
	const struct record *rec;
	int rounds;
	int matches;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	struct expr_state *st = expr_state_new(a->e);
	const char *why;
	for (int i = 0; i < a->rounds; i++)
		a->matches += expr_eval(a->e, st, a->rec, &why) == 1;
	expr_state_free(st);
	return NULL;
}

static void api_tests(void)
{
	struct expr *e = NULL;
	struct diag d = DIAG_INIT;
	struct built b1, b2;
	struct expr_state *st;
	const char *why;
	struct buf big = BUF_INIT;
	int rc;

	/* the empty expression, which a .test line cannot hold */
	rc = expr_compile(&e, "", NULL, &d);
	api_check(rc < 0 && !strcmp(buf_cstr(&d.msg),
				    "expected an expression, found end of "
				    "expression\n  \n  ^"),
		  "empty expression is an error", buf_cstr(&d.msg));
	diag_clear(&d);

	/* control bytes are escaped in the repeated expression */
	rc = expr_compile(&e, "caller ==\t\x01", NULL, &d);
	api_check(rc < 0 && strstr(buf_cstr(&d.msg), "caller ==\\x09\\x01") &&
			  strstr(buf_cstr(&d.msg), "\n               ^"),
		  "control bytes escaped, caret after them", buf_cstr(&d.msg));
	diag_clear(&d);

	/* needs: derived fields and near() */
	expr_compile(&e, "hour == 1 or near(1, 2, 3km)", NULL, &d);
	api_check(e && expr_needs(e) == (FIELD_BIT(F_HOUR) | FIELD_BIT(F_LAT) |
					 FIELD_BIT(F_LON)),
		  "expr_needs lists hour, lat, lon", NULL);
	expr_free(e);
	e = NULL;

	/* col() bindings: a warning for a missing column, rebinding per file */
	expr_compile(&e, "col(\"Band\") == \"B\"", NULL, &d);
	st = e ? expr_state_new(e) : NULL;
	if (st && build(&b1, "caller=1,Band=B", 0) == 0 &&
	    build(&b2, "Band=B,caller=1", 0) == 0) {
		rc = expr_state_bind(st, b1.s, &d);
		api_check(rc == 0 && expr_eval(e, st, &b1.rec, &why) == 1,
			  "col() bound to column 2", NULL);
		rc = expr_state_bind(st, b2.s, &d);
		api_check(rc == 0 && expr_eval(e, st, &b2.rec, &why) == 1,
			  "col() rebound to column 1", NULL);
		unbuild(&b1);
		unbuild(&b2);
		if (build(&b1, "caller=1,Other=B", 0) == 0) {
			d.file = "x.csv";
			rc = expr_state_bind(st, b1.s, &d);
			api_check(rc == 1 && !strcmp(buf_cstr(&d.msg),
						     "no column \"Band\" for "
						     "col() in x.csv: its values "
						     "are missing"),
				  "missing column warns", buf_cstr(&d.msg));
			api_check(expr_eval(e, st, &b1.rec, &why) == 0,
				  "missing column is missing", NULL);
			unbuild(&b1);
		}
	} else {
		api_check(0, "col() set-up", buf_cstr(&d.msg));
	}
	expr_state_free(st);
	expr_free(e);
	e = NULL;
	diag_clear(&d);

	/* JIT on by default where PCRE2 has it; off with EXPR_NO_JIT */
	{
		struct expr_opts eo;
		memset(&eo, 0, sizeof(eo));
		expr_compile(&e, "caller ~ \"^6\" and callee ~ \"1$\"", &eo,
			     &d);
		api_check(e && expr_jit_count(e) == (jit_available() ? 2 : 0),
			  "regexes JIT-compiled", NULL);
		expr_free(e);
		eo.flags = EXPR_NO_JIT;
		expr_compile(&e, "caller ~ \"^6\" and callee ~ \"1$\"", &eo,
			     &d);
		api_check(e && expr_jit_count(e) == 0,
			  "EXPR_NO_JIT compiles for the interpreter", NULL);
		expr_free(e);
		e = NULL;
	}

	/* nesting: deep but bounded, never a stack overflow */
	for (int i = 0; i < 150; i++)
		buf_addch(&big, '(');
	buf_adds(&big, "caller == 1");
	for (int i = 0; i < 150; i++)
		buf_addch(&big, ')');
	rc = expr_compile(&e, buf_cstr(&big), NULL, &d);
	api_check(rc == 0, "150 nested parentheses", buf_cstr(&d.msg));
	expr_free(e);
	e = NULL;
	buf_reset(&big);
	for (int i = 0; i < 5000; i++)
		buf_addch(&big, '(');
	rc = expr_compile(&e, buf_cstr(&big), NULL, &d);
	api_check(rc < 0 && strstr(buf_cstr(&d.msg), "nested too deeply"),
		  "5000 nested parentheses are refused", buf_cstr(&d.msg));
	diag_clear(&d);
	buf_reset(&big);
	for (int i = 0; i < 5000; i++)
		buf_adds(&big, "not ");
	buf_adds(&big, "true");
	rc = expr_compile(&e, buf_cstr(&big), NULL, &d);
	api_check(rc < 0 && strstr(buf_cstr(&d.msg), "nested too deeply"),
		  "5000 nested 'not's are refused", buf_cstr(&d.msg));
	diag_clear(&d);

	/* a long flat expression: 1000 clauses, but not 1100 */
	buf_reset(&big);
	for (int i = 0; i < 1100; i++)
		buf_addf(&big, "%scell == \"C%d\"", i ? " or " : "", i);
	rc = expr_compile(&e, buf_cstr(&big), NULL, &d);
	api_check(rc < 0 && strstr(buf_cstr(&d.msg), "expression too long"),
		  "1100-clause or is refused", buf_cstr(&d.msg));
	api_check(strlen(buf_cstr(&d.msg)) < 400,
		  "a long expression is shown around the caret only",
		  buf_cstr(&d.msg));
	diag_clear(&d);
	buf_reset(&big);
	for (int i = 0; i < 1000; i++)
		buf_addf(&big, "%scell == \"C%d\"", i ? " or " : "", i);
	rc = expr_compile(&e, buf_cstr(&big), NULL, &d);
	if (rc == 0 && build(&b1, "cell=C999", expr_needs(e)) == 0) {
		st = expr_state_new(e);
		api_check(expr_eval(e, st, &b1.rec, &why) == 1,
			  "1000-clause or matches its last clause", NULL);
		expr_state_free(st);
		unbuild(&b1);
	} else {
		api_check(0, "1000-clause or compiles", buf_cstr(&d.msg));
	}
	expr_free(e);
	e = NULL;

	/* geodesy: distances and boxes near(), DBSCAN and travel rely on */
	{
		struct geo_box box;
		double deg = geo_distance_m(0, 0, 0, 1);
		double kl_sg = geo_distance_m(3.1390, 101.6869, 1.3521, 103.8198);
		char msg[128];
		snprintf(msg, sizeof(msg), "%.3f", deg);
		api_check(deg > 111195.0 && deg < 111195.2,
			  "one degree of the equator is 111195 m", msg);
		snprintf(msg, sizeof(msg), "%.1f", kl_sg);
		api_check(kl_sg > 308000 && kl_sg < 318000,
			  "Kuala Lumpur to Singapore is about 313 km", msg);
		api_check(geo_distance_m(45, 10, 45, 10) == 0,
			  "a point is 0 m from itself", NULL);
		api_check(geo_distance_m(90, 0, -90, 0) > 20015000 &&
				  geo_distance_m(90, 0, -90, 0) < 20016000,
			  "pole to pole is half a great circle", NULL);
		api_check(fabs(geo_bearing_deg(0, 0, 1, 0)) < 1e-9 &&
				  fabs(geo_bearing_deg(0, 0, 0, 1) - 90) < 1e-9 &&
				  fabs(geo_bearing_deg(0, 0, -1, 0) - 180) < 1e-9 &&
				  fabs(geo_bearing_deg(0, 0, 0, -1) - 270) < 1e-9,
			  "bearings north, east, south, west", NULL);
		api_check(geo_box_around(3.139, 101.6869, 1000, &box) == 0 &&
				  geo_box_contains(&box, 3.139 + 0.00898, 101.6869) &&
				  !geo_box_contains(&box, 3.139 + 0.00901, 101.6869),
			  "a 1 km box around Kuala Lumpur", NULL);
		api_check(geo_box_around(89.999, 0, 1000, &box) < 0 &&
				  geo_box_around(0, 179.999, 1000, &box) < 0,
			  "no box over a pole or the antimeridian", NULL);
	}

	/* a NULL reject reason pointer is allowed */
	rc = expr_compile(&e, "caller ~ \"(a+)+$\"", NULL, &d);
	if (rc == 0 && build(&b1, "caller=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
			     expr_needs(e)) == 0) {
		st = expr_state_new(e);
		api_check(expr_eval(e, st, &b1.rec, NULL) == -1,
			  "reject with a NULL reason pointer", NULL);
		expr_state_free(st);
		unbuild(&b1);
	}
	expr_free(e);
	e = NULL;

	/* one compiled expression, four threads, each with its own state */
	rc = expr_compile(&e, "lower(operator) ~ \"^max\" and "
			  "imei in {\"1\", \"2\"} and duration > 1m", NULL,
			  &d);
	if (rc == 0 && build(&b1, "operator=MAXIS,imei=2,duration=61",
			     expr_needs(e)) == 0) {
		pthread_t th[4];
		struct thread_arg args[4];
		int ok = 1;
		for (int i = 0; i < 4; i++) {
			args[i] = (struct thread_arg){ e, &b1.rec, 20000, 0 };
			pthread_create(&th[i], NULL, thread_main, &args[i]);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			ok &= args[i].matches == 20000;
		}
		api_check(ok, "four threads share one expression", NULL);
		unbuild(&b1);
	} else {
		api_check(0, "thread set-up", buf_cstr(&d.msg));
	}
	expr_free(e);
	buf_release(&big);
	diag_release(&d);
}

/* Run every .test file of directory 'dir', in name order. */
static int run_dir(const char *dir)
{
	char pattern[4096];
	glob_t g;
	int rc = 0;

	memset(&g, 0, sizeof(g));
	snprintf(pattern, sizeof(pattern), "%s/*.test", dir);
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "run-expr: no test files match %s\n", pattern);
		return -1;
	}
	for (size_t k = 0; k < g.gl_pathc; k++)
		if (run_file(g.gl_pathv[k]) < 0)
			rc = -1;
	globfree(&g);
	return rc;
}

/* -e EXPR [RECORD]: show what the library makes of an expression. */
static int explain(const char *text, const char *record)
{
	struct expr *e;
	struct diag d = DIAG_INIT;
	struct buf out = BUF_INIT;
	struct opts o;
	memset(&o, 0, sizeof(o));
	if (expr_compile(&e, text, NULL, &d) < 0) {
		printf("%s\n", buf_cstr(&d.msg));
		diag_release(&d);
		return 2;
	}
	expr_dump(e, &out);
	fputs(buf_cstr(&out), stdout);
	if (record) {
		struct buf err = BUF_INIT;
		double secs = 0;
		int r = eval_record(e, record, &o, &err, &secs);
		printf("result: %s %s (%.3fs)\n", result_name(r), buf_cstr(&err),
		       secs);
		buf_release(&err);
	}
	buf_release(&out);
	expr_free(e);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc >= 3 && !strcmp(argv[1], "-e"))
		return explain(argv[2], argc >= 4 ? argv[3] : NULL);
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--skip") && i + 1 < argc)
			skip = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--take") && i + 1 < argc)
			take = strtol(argv[++i], NULL, 10);
		else
			break;
	}
	if (!jit_available())
		printf("# PCRE2 JIT not available: both runs use the "
		       "interpreter\n");
	api_tests();
	if (i == argc) {
		const char *dir = getenv("CDRSIFT_EXPR_TESTS");
		if (run_dir(dir ? dir : "tests/expr") < 0)
			nfail++;
	}
	for (; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (run_dir(argv[i]) < 0)
				nfail++;
		} else if (run_file(argv[i]) < 0) {
			nfail++;
		}
	}
	printf("1..%d\n", npass + nfail);
	printf("%d passed, %d failed, 0 skipped\n", npass, nfail);
	return nfail ? 1 : 0;
}
