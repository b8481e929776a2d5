/*
 * fuzz_archive.c - members.c on arbitrary bytes (issue 12): zip and tar
 * archives, bare or in gzip, xz, zstd, bzip2, any damage. Checks
 * members.h's promises: one item for a file that is no archive (its own
 * path); for an archive its own row first (its size, the file's), then
 * members named "PATH:..." whose files exist in the private folder; and
 * members_release leaves no folder behind.
 */
#include "fuzz.h"

#include <sys/stat.h>

#include "../../src/diag.h"
#include "../../src/members.h"

FUZZ_ENTRY(archive)
{
	static struct fuzz_file f;
	const char *path = fuzz_file_put(&f, "archive", data, size);
	const char *paths[1] = { path };
	struct members m;
	struct diag d = DIAG_INIT;
	struct stat st;
	size_t plen = strlen(path);
	char *dir = NULL;

	FUZZ_CHECK(members_expand(&m, paths, 1, &d) == 0);
	FUZZ_CHECK(m.n >= 1 && !strcmp(m.item[0].name, path));
	if (m.item[0].kind == MEMBER_LOOSE) {
		FUZZ_CHECK(m.n == 1 && m.narchives == 0 && !m.dir);
	} else {
		FUZZ_CHECK(m.item[0].kind == MEMBER_ARCHIVE && m.narchives == 1);
		FUZZ_CHECK(m.item[0].bytes == size);
		for (size_t i = 1; i < m.n; i++) {
			const struct member_item *it = &m.item[i];
			FUZZ_CHECK(it->kind == MEMBER_OF && it->archive == 0);
			FUZZ_CHECK(!strncmp(it->name, path, plen) &&
				   it->name[plen] == ':');
			FUZZ_CHECK(stat(it->path, &st) == 0 && S_ISREG(st.st_mode));
			FUZZ_CHECK(!it->refused || it->problem);
		}
		if (m.dir)
			dir = strdup(m.dir);
	}
	members_release(&m);
	if (dir)
		FUZZ_CHECK(stat(dir, &st) != 0);
	free(dir);
	diag_release(&d);
	return 0;
}
