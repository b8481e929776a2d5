/*
 * suggest.h - "did you mean" for names a user types: the nearest of some
 * candidates by edit distance (Levenshtein plus transpositions, case
 * folded), when near enough to be a typing slip. Used by -w for fields and
 * functions, and by the commands for the names of keys, sorts and columns.
 */
#ifndef CDRSIFT_SUGGEST_H
#define CDRSIFT_SUGGEST_H

#include <stddef.h>

struct buf;

/* Optimal string alignment distance; (size_t)-1 past 64 bytes. */
size_t edit_distance(const char *a, size_t n, const char *b, size_t m);

struct suggest {
	const char *best; /* candidate so far, or NULL */
	size_t dist;      /* its distance */
	size_t limit;     /* largest distance worth suggesting */
};

/* Start for a name of 'len' bytes; try each candidate; s->best the answer. */
void suggest_init(struct suggest *s, size_t len);
void suggest_try(struct suggest *s, const char *name, size_t len,
		 const char *cand);
/*
 * 'name' as aliases are written (letters and digits, lower case) into
 * 'out' of 'cap' bytes, NUL-ended and cut to fit; its length.
 */
size_t suggest_norm(const char *name, size_t len, char *out, size_t cap);
/* 1 when normalised 'word' is one of the space-separated 'aliases'. */
int suggest_alias_has(const char *aliases, const char *word);
/*
 * " (did you mean 'X'?)" appended to 'b' for the nearest of the NULL-ended
 * 'cands' to 'name', or nothing when none is near.
 */
void suggest_append(struct buf *b, const char *name, size_t len,
		    const char *const *cands);

#endif
