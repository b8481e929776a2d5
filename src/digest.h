/*
 * digest.h - SHA-256 (OpenSSL's EVP interface) of bytes in memory and of a
 * file's bytes as they are on disk, in lower-case hex: what the evidence
 * features (manifests, the audit chain, provenance) compare. The streaming
 * hash of an analysed input stays in input.c, computed while it is read.
 */
#ifndef CDRSIFT_DIGEST_H
#define CDRSIFT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define DIGEST_HEX 65 /* 64 hex digits and the NUL */

/* The SHA-256 of 'len' bytes at 'data', as hex into 'hex'. */
void digest_mem(const void *data, size_t len, char hex[DIGEST_HEX]);

/*
 * The SHA-256 of the file at 'path' ("-" is not standard input here: it is
 * refused), read from its first byte to its end, as hex into 'hex', and
 * its size into '*bytes' (may be NULL). Only regular files are read: a
 * FIFO or a device would be consumed or never end. Returns 0, or -1 with
 * "cannot open 'PATH': REASON", "cannot read 'PATH': REASON" or
 * "'PATH' is not a regular file" in 'd' (the path escaped); 'errno_out'
 * (may be NULL) gets the errno of an open failure, 0 otherwise.
 */
int digest_file(const char *path, char hex[DIGEST_HEX], uint64_t *bytes,
		int *errno_out, struct diag *d);

/* 1 when 's' is exactly 64 lower- or upper-case hex digits. */
int digest_is_hex(const char *s, size_t len);

#endif
