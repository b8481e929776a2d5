/*
 * main.c - unit-test runner: runs the registered suites (all, or those named
 * as arguments) and ends with "N passed, N failed, N skipped". Exit 1 on any
 * failure.
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "../../src/banned.h"

struct suite {
	const char *name;
	test_suite_fn fn;
};

static struct suite suites[64];
static int nsuites;
static int npass, nfail, nskip;
static const char *current;
static char tmpdir[256];

void test_make_rows(struct buf *b, int nrows, uint32_t seed)
{
	buf_adds(b, "caller,callee,start,duration\n");
	for (int i = 0; i < nrows; i++) {
		seed = seed * 1103515245u + 12345u;
		buf_addf(b, "6012%07u,6019%07u,2025-01-03 %02u:%02u:%02u,%u\n",
			 (seed >> 8) % 10000000u, (seed >> 4) % 9999991u,
			 (seed >> 16) % 24u, (seed >> 10) % 60u,
			 (seed >> 20) % 60u, (seed >> 3) % 3600u);
	}
}

void test_register(const char *name, test_suite_fn fn)
{
	if (nsuites < (int)(sizeof(suites) / sizeof(suites[0])))
		suites[nsuites++] = (struct suite){ name, fn };
}

void check_report(int ok, const char *file, int line, const char *what,
		  const char *fmt, ...)
{
	int n = npass + nfail + nskip + 1;
	if (ok) {
		npass++;
		printf("ok %d - %s: %s\n", n, current, what);
		return;
	}
	nfail++;
	printf("not ok %d - %s: %s\n#   at %s:%d: ", n, current, what, file,
	       line);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void check_skip(const char *what, const char *why)
{
	nskip++;
	printf("ok %d # skip %s: %s (%s)\n", npass + nfail + nskip, current,
	       what, why);
}

const char *test_data_dir(void)
{
	const char *d = getenv("CDRSIFT_TESTDATA");
	return d && *d ? d : "testdata";
}

static void rm_tmp(void)
{
	char cmd[300];
	if (tmpdir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", tmpdir);
	}
}

const char *test_tmp_dir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(tmpdir, sizeof(tmpdir), "%s/cdrsift-unit-XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(rm_tmp);
	}
	return tmpdir;
}

static int cmp_suite(const void *a, const void *b)
{
	return strcmp(((const struct suite *)a)->name,
		      ((const struct suite *)b)->name);
}

int main(int argc, char **argv)
{
	qsort(suites, (size_t)nsuites, sizeof(suites[0]), cmp_suite);
	for (int i = 0; i < nsuites; i++) {
		int want = argc < 2;
		for (int j = 1; j < argc; j++)
			if (!strcmp(argv[j], suites[i].name))
				want = 1;
		if (!want)
			continue;
		current = suites[i].name;
		printf("# suite %s\n", current);
		fflush(stdout);
		suites[i].fn();
		fflush(stdout);
	}
	printf("%d passed, %d failed, %d skipped\n", npass, nfail, nskip);
	return nfail ? 1 : 0;
}
