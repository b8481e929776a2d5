/*
 * fuzz_anomflags.c - the flags file parser of `filter --evidence`
 * (flagset.h) on arbitrary bytes. Checks, besides surviving: a refused
 * file names a line within the text and a message without control bytes;
 * in a parsed one, inputs are sorted and unique, ranges sorted, disjoint
 * and not adjacent, every range's ends are found and the line after it
 * is not, and 'lines' is the sum of the ranges.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "../../src/diag.h"
#include "../../src/flagset.h"

FUZZ_ENTRY(anomflags)
{
	struct flagset fs = FLAGSET_INIT;
	struct diag d = DIAG_INIT;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' ||
			 (data[i] == '\r' && (i + 1 >= size || data[i + 1] != '\n'));
	if (flagset_parse(&fs, (const char *)data, size, &d) < 0) {
		FUZZ_CHECK(d.set && d.line >= 1 && d.line <= lines);
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		FUZZ_CHECK(fs.n == 0);
		goto out;
	}
	uint64_t sum = 0;
	for (size_t i = 0; i < fs.n; i++) {
		const struct flagset_input *e = &fs.in[i];
		FUZZ_CHECK(e->len > 0 && e->nr > 0);
		FUZZ_CHECK(flagset_find(&fs, e->name, e->len) == e);
		if (i) {
			const struct flagset_input *p = &fs.in[i - 1];
			size_t n = p->len < e->len ? p->len : e->len;
			int c = memcmp(p->name, e->name, n);
			FUZZ_CHECK(c < 0 || (c == 0 && p->len < e->len));
		}
		for (size_t j = 0; j < e->nr; j++) {
			const struct flagset_range *r = &e->r[j];
			FUZZ_CHECK(r->lo >= 1 && r->lo <= r->hi);
			if (j)
				FUZZ_CHECK(e->r[j - 1].hi + 1 < r->lo);
			FUZZ_CHECK(flagset_has_line(e, r->lo));
			FUZZ_CHECK(flagset_has_line(e, r->hi));
			FUZZ_CHECK(!flagset_has_line(e, r->hi + 1));
			FUZZ_CHECK(!flagset_has_line(e, r->lo - 1));
			sum += r->hi - r->lo + 1;
		}
	}
	FUZZ_CHECK(sum == fs.lines);
out:
	flagset_release(&fs);
	diag_release(&d);
	return 0;
}
