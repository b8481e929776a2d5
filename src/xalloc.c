/*
 * xalloc.c - allocation with one out-of-memory policy and a fault hook.
 * Not thread-safe in its fault hook counter (tests use it single-threaded);
 * the allocation paths themselves are.
 */
#include "xalloc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

static atomic_ulong fail_countdown; /* 0: hook off; else allocations left + 1 */

void xalloc_fail_nth(unsigned long n)
{
	atomic_store(&fail_countdown, n);
}

void xalloc_init_from_env(void)
{
	const char *s = getenv("CDRSIFT_FAIL_ALLOC");
	if (s && *s) {
		char *end;
		unsigned long n = strtoul(s, &end, 10);
		if (*end == '\0')
			xalloc_fail_nth(n);
	}
}

static _Noreturn void oom(void)
{
	static const char msg[] = "cdrsift: out of memory\n";
	/* write(2) rather than stdio: stdio may itself need memory */
	ssize_t rc = write(2, msg, sizeof(msg) - 1);
	(void)rc;
	_exit(4);
}

static int injected_failure(void)
{
	unsigned long v = atomic_load(&fail_countdown);
	if (v == 0)
		return 0;
	if (v == 1) {
		atomic_store(&fail_countdown, 0);
		return 1;
	}
	atomic_store(&fail_countdown, v - 1);
	return 0;
}

void *xmalloc(size_t size)
{
	void *p;
	if (injected_failure())
		oom();
	p = malloc(size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;
	if (injected_failure())
		oom();
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p;
	if (injected_failure())
		oom();
	p = realloc(ptr, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(nmemb, size, &total))
		oom();
	return xrealloc(ptr, total);
}

size_t xsize_add(size_t a, size_t b)
{
	size_t r;
	if (__builtin_add_overflow(a, b, &r))
		oom();
	return r;
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(xsize_add(len, 1));
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}
