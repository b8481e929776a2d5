/*
 * expr_pool.h - the allocations of one compiled expression (AST nodes,
 * decoded strings, constant tables), freed all at once with the expression
 * or when compilation fails half way, so that no error path leaks.
 */
#ifndef CDRSIFT_EXPR_POOL_H
#define CDRSIFT_EXPR_POOL_H

#include <stddef.h>

struct expr_pool {
	void **items; /* owned blocks */
	size_t nr;    /* blocks in use */
	size_t alloc; /* slots in 'items' */
};

#define EXPR_POOL_INIT { NULL, 0, 0 }

/* 'size' zeroed bytes owned by 'p' (out of memory exits, as xmalloc). */
void *pool_alloc(struct expr_pool *p, size_t size);
/* A copy of 'len' bytes of 's' plus a NUL, owned by 'p'. */
char *pool_strndup(struct expr_pool *p, const char *s, size_t len);
/* Free every block; 'p' is then empty and reusable. */
void pool_release(struct expr_pool *p);

#endif
