/*
 * analysis.c - the list of analyses (analysis.h).
 */
#include "analysis.h"

#include <string.h>

#include "banned.h"

static const struct analysis_ops *const analyses[] = {
#define X(name, ops) &ops,
	ANALYSES(X)
#undef X
};

const struct analysis_ops *analysis_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(analyses) / sizeof(*analyses); i++)
		if (!strcmp(analyses[i]->name, name))
			return analyses[i];
	return NULL;
}
