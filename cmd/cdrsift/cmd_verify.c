/*
 * cmd_verify.c - `cdrsift verify [-C DIR] AUDIT`: checks an --audit log.
 * First the chain (audit.h): each line's own hash, its seq and its link to
 * the line before; the first broken line is named. Then every input and
 * output the lines name is hashed again: each one that changed, vanished
 * or cannot be read is named with the line that recorded it. A file that
 * a later line wrote again (an output of that line) is checked against
 * that later line only. Problems go to standard error in line order as
 * "cdrsift: AUDIT:LINE: ..."; a summary line goes to standard output.
 * Exit 0 when everything verifies, 1 when anything does not, 3 when the
 * log cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "digest.h"
#include "xalloc.h"
#include "banned.h"

/* One file named by a line. */
struct mention {
	char *path;       /* owned: resolved against the line's cwd or -C */
	const char *shown;/* the path as recorded (borrowed from the entry) */
	uint64_t line;    /* audit line */
	size_t order;     /* mention order within the log, for sorting */
	int output;       /* 1: an output of that line */
	char sha256[65];  /* recorded digest */
};

struct problem {
	uint64_t line;
	size_t order;
	char *text;       /* owned message, without "cdrsift: AUDIT:LINE: " */
};

struct verify {
	struct mention *m;
	size_t nm, m_alloc;
	struct problem *p;
	size_t np, p_alloc;
	struct audit_entry *entries;  /* every parsed line, kept for 'shown' */
	uint64_t *lineno;             /* the line of each entry */
	size_t ne, e_alloc, l_alloc;
};

static void problem(struct verify *v, uint64_t line, size_t order,
		    const char *text)
{
	VEC_GROW(v->p, v->np + 1, v->p_alloc);
	v->p[v->np].line = line;
	v->p[v->np].order = order;
	v->p[v->np].text = xstrdup(text);
	v->np++;
}

static int cmp_mention(const void *a, const void *b)
{
	const struct mention *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_problem(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static char *resolve(const char *path, const char *cwd, const char *dir)
{
	struct buf b = BUF_INIT;
	const char *base = dir ? dir : cwd;
	if (path[0] == '/' || !base)
		return xstrdup(path);
	buf_adds(&b, base);
	if (b.len && b.data[b.len - 1] != '/')
		buf_addch(&b, '/');
	buf_adds(&b, path);
	char *s = xstrdup(buf_cstr(&b));
	buf_release(&b);
	return s;
}

static void add_mentions(struct verify *v, const struct audit_entry *e,
			 uint64_t line, const char *dir, size_t *skipped)
{
	for (int out = 0; out < 2; out++) {
		const struct audit_files *fs = out ? &e->outputs : &e->inputs;
		for (size_t i = 0; i < fs->nr; i++) {
			const struct audit_file *f = &fs->items[i];
			if (!f->sha256[0] || !strcmp(f->path, "-")) {
				(*skipped)++;
				continue;
			}
			VEC_GROW(v->m, v->nm + 1, v->m_alloc);
			struct mention *m = &v->m[v->nm];
			m->path = resolve(f->path, e->cwd, dir);
			m->shown = f->path;
			m->line = line;
			m->order = v->nm;
			m->output = out;
			memcpy(m->sha256, f->sha256, 65);
			v->nm++;
		}
	}
}

/*
 * Read one line of at most AUDIT_MAX_LINE bytes into 'b' (without its LF).
 * Returns 1 for a line ending in LF, 2 for a last line without one, 0 at
 * the end, -1 for a longer line or a read error (errno).
 */
static int read_line(FILE *fp, struct buf *b)
{
	int c;
	buf_reset(b);
	while ((c = getc(fp)) != EOF) {
		if (c == '\n')
			return 1;
		if (b->len >= AUDIT_MAX_LINE) {
			errno = EFBIG;
			return -1;
		}
		buf_addch(b, c);
	}
	if (ferror(fp))
		return -1;
	return b->len ? 2 : 0;
}

static const char verify_usage[] =
"usage: cdrsift verify [-C DIR] AUDIT\n"
"Checks an --audit log: the hash chain of its lines, then the SHA-256 of\n"
"every input and output they name. Exit 0 when all verifies, 1 when not.\n"
"  -C, --directory DIR    resolve relative paths against DIR instead of\n"
"                         the directory each run was started in\n";

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "directory", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	struct verify v;
	struct buf line = BUF_INIT, msg = BUF_INIT, name = BUF_INIT;
	char prev[DIGEST_HEX];
	uint64_t n = 0, broken = 0;
	size_t skipped = 0, checked = 0, changed = 0, missing = 0, later = 0;
	int rc;

	memset(&v, 0, sizeof(v));
	optind = 1;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":C:h", opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'C':
			dir = optarg;
			break;
		case 'h':
			fputs(verify_usage, stdout);
			return EXIT_OK;
		case ':':
			cli_error("option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			cli_error("unknown option '%s' (see 'cdrsift verify "
				  "--help')", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_error("verify: expected one AUDIT file");
		fputs(verify_usage, stderr);
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	buf_add_escaped(&name, path, strlen(path), 256);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		cli_error("cannot open '%s': %s", buf_cstr(&name), strerror(errno));
		buf_release(&name);
		return EXIT_INPUT;
	}
	digest_mem("", 0, prev);
	while ((rc = read_line(fp, &line)) > 0) {
		struct audit_entry e;
		struct diag d = DIAG_INIT;
		n++;
		memset(&e, 0, sizeof(e));
		if (rc == 2) {
			if (!broken) {
				problem(&v, n, 0, "incomplete last line (no line "
					"feed at its end)");
				broken = n;
			}
		} else if (audit_parse_line(line.data ? line.data : "", line.len,
					    &e, &d) < 0) {
			if (!broken) {
				buf_reset(&msg);
				buf_addf(&msg, "not an audit line: %s",
					 buf_cstr(&d.msg));
				problem(&v, n, 0, buf_cstr(&msg));
				broken = n;
			}
			audit_entry_release(&e);
		} else {
			if (!broken && audit_check_line(&e, line.data, line.len, n,
							prev, &d) < 0) {
				problem(&v, n, 0, buf_cstr(&d.msg));
				broken = n;
			}
			VEC_GROW(v.entries, v.ne + 1, v.e_alloc);
			VEC_GROW(v.lineno, v.ne + 1, v.l_alloc);
			v.lineno[v.ne] = n;
			v.entries[v.ne++] = e;
		}
		diag_release(&d);
		digest_mem(line.data ? line.data : "", line.len, prev);
	}
	if (rc < 0) {
		cli_error("cannot read '%s': %s", buf_cstr(&name), strerror(errno));
		fclose(fp);
		rc = EXIT_INPUT;
		goto out;
	}
	fclose(fp);
	for (size_t i = 0; i < v.ne; i++)
		add_mentions(&v, &v.entries[i], v.lineno[i], dir, &skipped);
	if (v.nm)
		qsort(v.m, v.nm, sizeof(*v.m), cmp_mention);
	for (size_t i = 0; i < v.nm;) {
		size_t j = i, last_out = (size_t)-1;
		while (j < v.nm && !strcmp(v.m[j].path, v.m[i].path)) {
			if (v.m[j].output)
				last_out = j;
			j++;
		}
		char hex[DIGEST_HEX];
		struct diag d = DIAG_INIT;
		int err;
		int ok = digest_file(v.m[i].path, hex, NULL, &err, &d) == 0;
		for (size_t k = i; k < j; k++) {
			struct mention *m = &v.m[k];
			struct buf shown = BUF_INIT;
			if (last_out != (size_t)-1 && k < last_out) {
				later++;
				continue;
			}
			checked++;
			buf_add_escaped(&shown, m->shown, strlen(m->shown), 256);
			buf_reset(&msg);
			if (!ok && err == ENOENT) {
				missing++;
				buf_addf(&msg, "%s '%s' is missing",
					 m->output ? "output" : "input",
					 buf_cstr(&shown));
			} else if (!ok) {
				missing++;
				buf_addf(&msg, "%s '%s' cannot be checked: %s",
					 m->output ? "output" : "input",
					 buf_cstr(&shown), buf_cstr(&d.msg));
			} else if (strcmp(hex, m->sha256) != 0) {
				changed++;
				buf_addf(&msg, "%s '%s' changed (sha256 %s, "
					 "recorded %s)",
					 m->output ? "output" : "input",
					 buf_cstr(&shown), hex, m->sha256);
			}
			if (msg.len)
				problem(&v, m->line, m->order + 1, buf_cstr(&msg));
			buf_release(&shown);
		}
		diag_release(&d);
		i = j;
	}
	if (v.np)
		qsort(v.p, v.np, sizeof(*v.p), cmp_problem);
	for (size_t i = 0; i < v.np; i++)
		cli_error("%s:%llu: %s", buf_cstr(&name),
			  (unsigned long long)v.p[i].line, v.p[i].text);
	printf("%s: %llu line%s, chain %s; %zu file%s checked, %zu changed, "
	       "%zu missing or unreadable, %zu not checkable (no digest), %zu "
	       "checked at a later line; head %s\n", buf_cstr(&name),
	       (unsigned long long)n, n == 1 ? "" : "s",
	       broken ? "BROKEN" : "intact", checked, checked == 1 ? "" : "s",
	       changed, missing, skipped, later, prev);
	rc = broken || changed || missing ? EXIT_REJECTS : EXIT_OK;
out:
	for (size_t i = 0; i < v.nm; i++)
		free(v.m[i].path);
	free(v.m);
	for (size_t i = 0; i < v.np; i++)
		free(v.p[i].text);
	free(v.p);
	for (size_t i = 0; i < v.ne; i++)
		audit_entry_release(&v.entries[i]);
	free(v.entries);
	free(v.lineno);
	buf_release(&line);
	buf_release(&msg);
	buf_release(&name);
	return rc;
}
