/*
 * text.h - small predicates on byte strings (not NUL-terminated) that
 * several modules share. Inline; no state.
 */
#ifndef CDRSIFT_TEXT_H
#define CDRSIFT_TEXT_H

#include <stddef.h>

/* 1 when 's' holds at least one byte and only ASCII digits. */
static inline int text_is_digits(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

#endif
