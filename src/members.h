/*
 * members.h - zip and tar deliveries (issue #12): each named input whose
 * content is a zip archive or a tar archive (bare, or inside gzip, xz,
 * zstd or bzip2; found by the bytes, never by the name) is unpacked once,
 * before the run, through libarchive into a private folder under TMPDIR
 * (mkdtemp, mode 0700, removed by members_release). Its regular files
 * then are inputs of their own, read like loose files and named
 * "ARCHIVE:MEMBER" (the member's name escaped as in messages), so that a
 * member's SHA-256 is that of its bytes as stored, the same as the loose
 * file's. The archive keeps an item of its own, first: its size, its
 * SHA-256 and a note of what was not unpacked (directories, links,
 * devices, encrypted members), or the damage libarchive found.
 *
 * Damage as for a gzip stream: a truncated archive keeps the members
 * before the cut whole and the cut member as far as it was read (damaged);
 * a member whose CRC check fails or that is encrypted is damaged on its
 * own; an archive inside the archive is refused (exit 3).
 */
#ifndef CDRSIFT_MEMBERS_H
#define CDRSIFT_MEMBERS_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum member_kind {
	MEMBER_LOOSE = 0,   /* a path as given, not an archive */
	MEMBER_ARCHIVE = 1, /* an archive's own row: not read as records */
	MEMBER_OF = 2,      /* a regular file of the archive before it */
};

struct member_item {
	char *path;          /* the file to read (owned) */
	char *name;          /* display name (owned) */
	int kind;            /* enum member_kind */
	int damaged;         /* archive: libarchive failed part-way;
				member: cut short, bad CRC or encrypted */
	int refused;         /* member: an archive inside the archive */
	int empty;           /* archive: no regular file in it */
	char *problem;       /* archive: damage or note; member: damage or
				refusal; or NULL (owned) */
	uint64_t bytes;      /* archive: its size in bytes */
	unsigned char sha256[32]; /* archive: SHA-256 of the file */
	size_t archive;      /* member: index of its archive's item */
};

struct members {
	char *dir;           /* the private folder, or NULL (owned) */
	struct member_item *item;
	size_t n, alloc;
	size_t narchives;    /* archives among the items */
};

/*
 * 1 when the bytes 'b' (n of them, decompressed) begin a zip or tar
 * archive: "zip" or "tar" into '*what'.
 */
int members_is_archive(const unsigned char *b, size_t n, const char **what);

/*
 * Items for the 'n' 'paths' (see above; "-" and whatever is no regular
 * file are items of their own, never unpacked). 0, or -1 with a message
 * in 'd' when the private folder or a member's file cannot be written;
 * 'm' is then safe to release.
 */
int members_expand(struct members *m, const char *const *paths, size_t n,
		   struct diag *d);

/* Remove the private folder and its files; free everything. */
void members_release(struct members *m);

#endif
