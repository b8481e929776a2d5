/*
 * xalloc.h - the allocation functions every module uses.
 * On failure they print "cdrsift: out of memory" and exit with status 4, the
 * one place in src/ allowed to exit (STYLE rule 15). A test hook fails the
 * Nth allocation so that tests can prove every path handles it.
 */
#ifndef CDRSIFT_XALLOC_H
#define CDRSIFT_XALLOC_H

#include <stddef.h>

/* Owned results: free with free(). Sizes are overflow-checked. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* realloc of an array of 'nmemb' elements of 'size' bytes, overflow-checked */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* a+b, or out of memory (exit 4) when the sum overflows */
size_t xsize_add(size_t a, size_t b);

/*
 * Test hook: when 'n' > 0 the nth allocation from now fails as if the system
 * were out of memory. Set from the environment variable CDRSIFT_FAIL_ALLOC=N
 * by xalloc_init_from_env(). 0 disables.
 */
void xalloc_fail_nth(unsigned long n);
void xalloc_init_from_env(void);

/* Grow 'items' (with 'alloc' slots) so that it holds at least 'nr' items. */
#define VEC_GROW(items, nr, alloc)                                             \
	do {                                                                   \
		if ((size_t)(nr) > (size_t)(alloc)) {                          \
			size_t vec_new_ = (size_t)(alloc) < 8 ? 8 :            \
				(size_t)(alloc) + (size_t)(alloc) / 2;          \
			if (vec_new_ < (size_t)(nr))                           \
				vec_new_ = (size_t)(nr);                       \
			(items) = xreallocarray((items), vec_new_,             \
						sizeof(*(items)));             \
			(alloc) = vec_new_;                                    \
		}                                                              \
	} while (0)

#endif
