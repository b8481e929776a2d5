/*
 * suggest.c - nearest names for "did you mean" (see suggest.h).
 */
#include "suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

/* Optimal string alignment distance (Levenshtein plus transpositions). */
size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t *d, r;
	if (n > 64 || m > 64)
		return (size_t)-1;
	d = xcalloc((n + 1) * (m + 1), sizeof(*d));
#define D(i, j) d[(i) * (m + 1) + (j)]
	for (size_t i = 0; i <= n; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= m; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t v = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < v)
				v = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	r = D(n, m);
#undef D
	free(d);
	return r;
}

void suggest_init(struct suggest *s, size_t len)
{
	s->best = NULL;
	s->dist = (size_t)-1;
	s->limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
}

void suggest_try(struct suggest *s, const char *name, size_t len,
		 const char *cand)
{
	size_t dist = edit_distance(name, len, cand, strlen(cand));
	if (dist <= s->limit && dist < s->dist) {
		s->best = cand;
		s->dist = dist;
	}
}

size_t suggest_norm(const char *name, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n + 1 < cap; i++)
		if (isalnum((unsigned char)name[i]))
			out[n++] = (char)tolower((unsigned char)name[i]);
	out[n] = '\0';
	return n;
}

/* 1 when normalised 'word' is one of the space-separated 'aliases'. */
int suggest_alias_has(const char *aliases, const char *word)
{
	size_t wl = strlen(word);
	const char *p = aliases;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == wl && !memcmp(p, word, l))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

void suggest_append(struct buf *b, const char *name, size_t len,
		    const char *const *cands)
{
	struct suggest s;
	suggest_init(&s, len);
	for (size_t i = 0; cands[i]; i++)
		suggest_try(&s, name, len, cands[i]);
	if (s.best)
		buf_addf(b, " (did you mean '%s'?)", s.best);
}
