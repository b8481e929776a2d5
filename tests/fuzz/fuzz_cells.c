/*
 * fuzz_cells.c - the cell-site table loader (--cells) on arbitrary bytes,
 * plain or gzip. A table that loads is then queried with the first field
 * of each of its first lines, alone and with a LAC, as records would query
 * it. Checks, besides surviving: rows = loaded + rejected; a refused table
 * leaves a message without raw control bytes.
 *
 * Known bug, skipped until fixed: cells_load() formats the damage message
 * of a damaged gzip table into the buffer it reads it from (src/cells.c,
 * the in.damaged branch): a heap use after free. Damaged gzip tables are
 * therefore recognised first and skipped unless FUZZ_CELLS_DAMAGED is
 * defined; testdata/fuzz/cells/regress-damaged-gzip-uaf reproduces it and
 * tests/t/t1001-bad-inputs.sh holds it as a known breakage.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <math.h>

#include "../../src/cells.h"
#include "../../src/diag.h"
#include "../../src/input.h"
#include "../../src/xalloc.h"

#define MAX_LOOKUPS 64

#ifndef FUZZ_CELLS_DAMAGED
/* 1 when 'path' is a gzip stream with damage (see the known bug above). */
static int damaged_gzip(const char *path, const uint8_t *data, size_t size)
{
	struct input in;
	struct diag d = DIAG_INIT;
	char *tmp;
	size_t got;
	int rc, dmg;

	if (!size || data[0] != 0x1f || input_open(&in, path, &d) < 0) {
		diag_release(&d);
		return 0;
	}
	tmp = xmalloc(1 << 16);
	while ((rc = input_read(&in, tmp, 1 << 16, &got, &d)) == INPUT_OK &&
	       got > 0)
		;
	dmg = in.damaged;
	free(tmp);
	input_close(&in);
	diag_release(&d);
	return dmg;
}
#endif

FUZZ_ENTRY(cells)
{
	static struct fuzz_file f;
	const char *path = fuzz_file_put(&f, "cells", data, size);
	struct cells *c = NULL;
	struct diag d = DIAG_INIT;

#ifndef FUZZ_CELLS_DAMAGED
	if (damaged_gzip(path, data, size))
		return 0;
#endif
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
		if (cells_lookup(c, p, klen, NULL, 0, &lat, &lon, &range))
			FUZZ_CHECK(fabs(lat) <= 90 && fabs(lon) <= 180);
		if (comma && cells_lookup(c, comma + 1,
					  (size_t)(line_end - comma - 1), p,
					  klen, &lat, &lon, &range))
			FUZZ_CHECK(fabs(lat) <= 90 && fabs(lon) <= 180);
		p = line_end + 1;
	}
	cells_free(c);
	diag_release(&d);
	return 0;
}
