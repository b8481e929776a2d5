/*
 * keyfile.h - the secret key of --pseudonymize: created by `cdrsift keygen`
 * (32 random bytes from the kernel, a new file of mode 0600, never
 * overwritten) and loaded with the checks ssh makes of a private key: a
 * regular file, owned by the user (or root), readable or writable by
 * nobody else, and long enough. The key is the file's bytes, as they are.
 */
#ifndef CDRSIFT_KEYFILE_H
#define CDRSIFT_KEYFILE_H

#include <stddef.h>

#include "diag.h"

#define KEYFILE_BYTES 32  /* what keygen writes, and the least load takes */
#define KEYFILE_MAX 1024  /* longer files are not keys */

/*
 * Create 'path' holding KEYFILE_BYTES random bytes (getrandom(2)): opened
 * with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600, so an existing file or a
 * link is never written through; refused, and removed again, when the
 * file system does not keep the mode (the key would be readable by
 * others, as on FAT or some network mounts). The file is synced. 0, or -1
 * with the reason in 'd'.
 */
int keyfile_create(const char *path, struct diag *d);

/*
 * Load the key at 'path' into 'key' (room for KEYFILE_MAX bytes), its
 * length into '*len'. Refused, with the reason in 'd':
 *   "key file 'K' is readable or writable by others (mode 0644); chmod 600 it"
 *   "key file 'K' is too short (16 bytes; at least 32)"
 *   "key file 'K' is not a regular file", "... belongs to another user",
 *   "... is longer than 1024 bytes: not a key"
 * The bytes of 'key' are the caller's to wipe (OPENSSL_cleanse).
 */
int keyfile_load(const char *path, unsigned char *key, size_t *len,
		 struct diag *d);

#endif
