/*
 * manifest.h - sha256sum manifests: one "HEX  NAME" line per file, as GNU
 * coreutils' sha256sum writes them and `sha256sum -c` reads them (names
 * holding a backslash, LF or CR escaped, the line then starting with '\').
 * The parser also takes sha256sum --tag lines ("SHA256 (NAME) = HEX"),
 * '*' (binary) markers, CRLF line ends, blank lines and '#' comments. A
 * manifest is untrusted input: every other line is refused, naming its line.
 * Ownership: a struct manifest owns its entries and their names; release it
 * with manifest_release().
 */
#ifndef CDRSIFT_MANIFEST_H
#define CDRSIFT_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

struct manifest_entry {
	char *name;      /* owned, unescaped, NUL-terminated (never holds NUL) */
	size_t name_len; /* bytes in 'name' */
	char *norm;      /* owned: 'name' without "./" components and "//" */
	char sha256[65]; /* lower-case hex, NUL-terminated */
	uint64_t line;   /* 1-based line of the manifest it came from */
};

struct manifest {
	struct manifest_entry *items; /* in manifest order */
	size_t nr, alloc;
	struct manifest_entry **sorted; /* into 'items', by 'norm', then line */
};

#define MANIFEST_INIT { NULL, 0, 0, NULL }
#define MANIFEST_MAX_BYTES ((size_t)256 << 20) /* larger manifests refused */

/*
 * Parse 'len' bytes of manifest text into the empty 'm'. Returns 0, or
 * -1 with the message in 'd' and the 1-based line in 'd->line':
 *   "expected 64 hex digits, two spaces and a name"
 *   "not a sha256 line (MD5 tag)"     "bad escape '\q' in a name"
 *   "'NAME' is listed twice with different digests (first on line N)"
 * A name listed twice with one digest is one entry. On error 'm' holds
 * the entries before the bad line, and manifest_find finds none.
 */
int manifest_parse(struct manifest *m, const char *data, size_t len,
		   struct diag *d);

/*
 * Read and parse the manifest at 'path'. -1 with "cannot open ...",
 * "cannot read ...", "manifest larger than 256 MiB" (d->line 0) or a
 * parse error (d->line set) in 'd'.
 */
int manifest_load(struct manifest *m, const char *path, struct diag *d);

/*
 * The entry listing 'name', compared after dropping "./" components and
 * repeated slashes from both (a/./b, ./a//b and a/b are one name), or
 * NULL. Borrowed: valid until 'm' changes.
 */
const struct manifest_entry *manifest_find(const struct manifest *m,
					   const char *name, size_t len);

/* Append the sha256sum line for 'name' with digest 'hex' to 'b'. */
void manifest_add_line(struct buf *b, const char *hex, const char *name,
		       size_t len);

void manifest_release(struct manifest *m);

#endif
