/*
 * expr_pool.c - the allocation pool of one compiled expression; see
 * expr_pool.h. Compilation makes few and small blocks, so a list of
 * malloc'ed blocks is enough: no bump allocator, no size classes.
 */
#include "expr_pool.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

void *pool_alloc(struct expr_pool *p, size_t size)
{
	void *block = xcalloc(1, size ? size : 1);
	VEC_GROW(p->items, p->nr + 1, p->alloc);
	p->items[p->nr++] = block;
	return block;
}

char *pool_strndup(struct expr_pool *p, const char *s, size_t len)
{
	char *copy = pool_alloc(p, xsize_add(len, 1));
	if (len)
		memcpy(copy, s, len);
	return copy;
}

void pool_release(struct expr_pool *p)
{
	for (size_t i = 0; i < p->nr; i++)
		free(p->items[i]);
	free(p->items);
	p->items = NULL;
	p->nr = p->alloc = 0;
}
