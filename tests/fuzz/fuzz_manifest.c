/*
 * fuzz_manifest.c - the sha256sum manifest parser (--manifest, later
 * merge --expect) on arbitrary bytes. Checks, besides surviving: a refused
 * manifest names a line within the text and a message without control
 * bytes; in one that parses, every entry is found again by its name with
 * its digest, and the manifest written again with manifest_add_line
 * parses back to the same names and digests in the same order.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "../../src/diag.h"
#include "../../src/manifest.h"

FUZZ_ENTRY(manifest)
{
	struct manifest m = MANIFEST_INIT, m2 = MANIFEST_INIT;
	struct diag d = DIAG_INIT;
	struct buf out = BUF_INIT;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (manifest_parse(&m, (const char *)data, size, &d) < 0) {
		FUZZ_CHECK(d.set && d.line >= 1 && d.line <= lines);
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		FUZZ_CHECK(manifest_find(&m, "a", 1) == NULL);
		goto out;
	}
	for (size_t i = 0; i < m.nr; i++) {
		const struct manifest_entry *e = &m.items[i];
		const struct manifest_entry *f = manifest_find(&m, e->name,
							       e->name_len);
		FUZZ_CHECK(f && !strcmp(f->norm, e->norm));
		FUZZ_CHECK(!strcmp(f->sha256, e->sha256));
		FUZZ_CHECK(strlen(e->name) == e->name_len && e->name_len > 0);
		manifest_add_line(&out, e->sha256, e->name, e->name_len);
	}
	FUZZ_CHECK(manifest_parse(&m2, out.data ? out.data : "", out.len,
				  &d) == 0);
	FUZZ_CHECK(m2.nr == m.nr);
	for (size_t i = 0; i < m.nr; i++) {
		FUZZ_CHECK(!strcmp(m.items[i].name, m2.items[i].name));
		FUZZ_CHECK(!strcmp(m.items[i].sha256, m2.items[i].sha256));
	}
out:
	manifest_release(&m);
	manifest_release(&m2);
	buf_release(&out);
	diag_release(&d);
	return 0;
}
