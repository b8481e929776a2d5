/*
 * fuzz_cells.c - the cell-site table loader (--cells) on arbitrary bytes,
 * plain or gzip. A table that loads is then queried with the first field
 * of each of its first lines, split as a record's cell, and as a LAC with
 * the second field as the CI, as records would query it; the canonical
 * text of a split key splits back into the same parts. Checks, besides
 * surviving: rows = loaded + rejected; a refused table leaves a message
 * without raw control bytes (a damaged gzip table once freed its own
 * message: testdata/fuzz/cells/regress-damaged-gzip-uaf).
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <math.h>

#include "../../src/cells.h"
#include "../../src/diag.h"

#define MAX_LOOKUPS 64

FUZZ_ENTRY(cells)
{
	static struct fuzz_file f;
	const char *path = fuzz_file_put(&f, "cells", data, size);
	struct cells *c = NULL;
	struct diag d = DIAG_INIT;

	if (cells_load(&c, path, &d) < 0) {
		FUZZ_CHECK(c == NULL && d.set);
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		diag_release(&d);
		return 0;
	}
	const struct cells_stats *st = cells_stats(c);
	FUZZ_CHECK(st->rows == st->loaded + st->rejected);
	const char *p = (const char *)data, *end = p + size;
	for (int n = 0; n < MAX_LOOKUPS && p < end; n++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		const char *comma = memchr(p, ',', (size_t)(line_end - p));
		const char *key_end = comma ? comma : line_end;
		double lat, lon, range;
		size_t klen = (size_t)(key_end - p);
		struct cell_key k;
		char text[512];
		int nparts = cell_split(p, klen, &k);
		FUZZ_CHECK(nparts >= 0 && nparts <= 4 && (klen == 0) == (nparts == 0));
		if (cells_find(c, &k, &lat, &lon, &range) == CELLS_FOUND)
			FUZZ_CHECK(fabs(lat) <= 90 && fabs(lon) <= 180);
		/* the canonical text splits into the same parts */
		size_t tl = cell_key_format(&k, text, sizeof(text));
		if (tl && nparts > 1) {
			struct cell_key k2;
			FUZZ_CHECK(cell_split(text, tl, &k2) == nparts);
			FUZZ_CHECK(k2.ci.len == k.ci.len &&
				   !memcmp(k2.ci.s, k.ci.s, k.ci.len));
		}
		if (comma) {
			k.lac.s = p;
			k.lac.len = klen;
			k.ci.s = comma + 1;
			k.ci.len = (size_t)(line_end - comma - 1);
			if (k.ci.len && cells_find(c, &k, &lat, &lon, &range) ==
					CELLS_FOUND)
				FUZZ_CHECK(fabs(lat) <= 90 && fabs(lon) <= 180);
		}
		p = line_end + 1;
	}
	cells_free(c);
	diag_release(&d);
	return 0;
}
