/*
 * input.h - one input: a path or standard input, plain or gzip.
 * gzip is recognised by its magic bytes 1f 8b, never by the name. Members are
 * inflated with zlib's inflate() directly (not gzread, which hides
 * truncation and trailing garbage), or with ISA-L on a fast path that hands
 * anything unusual to zlib; concatenated members are read whole. The
 * SHA-256 of the bytes as read (compressed) is computed while streaming.
 * Damage is reported, never hidden: truncation, corrupt data, CRC or length
 * mismatch and trailing garbage each end the stream with a message naming
 * the compressed byte offset. Zero bytes after the last member are accepted
 * as padding and noted.
 * xz, zstd and bzip2 are recognised by their magic bytes too (issue #12)
 * and decompressed through libarchive (its filters and "raw" format), the
 * SHA-256 still that of the compressed bytes; libarchive's failure is
 * damage ("damaged xz stream (libarchive: ...) at or before compressed
 * offset N"), the blocks it decompressed before it delivered.
 */
#ifndef CDRSIFT_INPUT_H
#define CDRSIFT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

enum input_status {
	INPUT_OK = 0,       /* bytes were returned, or clean end of input */
	INPUT_DAMAGED = -1, /* the stream is damaged; see diag; input ends */
	INPUT_IOERR = -2,   /* read(2) failed; see diag; input ends */
};

struct input {
	/* public, read-only for callers */
	const char *name;         /* display name: the path, or "-" for stdin */
	int is_gzip;              /* 1 when the magic bytes said gzip */
	const char *codec;        /* "gzip", "xz", "zstd", "bzip2" (static),
				     or NULL: plain bytes */
	uint64_t bytes_in;        /* compressed (raw) bytes read so far */
	uint64_t bytes_out;       /* bytes returned to the caller so far */
	unsigned members;         /* gzip members started so far */
	uint64_t member_start;    /* bytes_out at the start of the current member */
	int damaged;              /* 1 once any damage was found */
	int eof;                  /* 1 once input_read has returned 0 bytes */
	uint64_t zero_padding;    /* zero bytes accepted after the last member */
	unsigned isal_members;    /* members ISA-L inflated whole (see below) */
	unsigned char sha256[32]; /* valid once eof is set (whole file read) */
	unsigned char head[512];  /* the first bytes returned (decompressed), */
	size_t head_len;          /* to tell what a file is (source.c) */
	/* private */
	void *priv;
};

/*
 * Open 'path' ("-" or NULL: standard input). Returns 0, or -1 with the
 * reason (strerror) in 'd' when the file cannot be opened. The input owns
 * its buffers; release them with input_close().
 */
int input_open(struct input *in, const char *path, struct diag *d);

/*
 * Read up to 'cap' decompressed bytes into 'dst'. Sets '*got' (0 at end of
 * input) and returns INPUT_OK, or returns INPUT_DAMAGED / INPUT_IOERR with
 * '*got' bytes still valid and a message in 'd' such as
 *   "truncated gzip stream at compressed offset 1234"
 *   "corrupt gzip data (invalid distance too far back) at compressed offset 88"
 *   "gzip member 2 failed its CRC check at compressed offset 5120"
 *   "trailing garbage after gzip member 1 at compressed offset 4096"
 * After a damage report the next call returns 0 bytes. A call never returns
 * bytes from two different gzip members, so a caller can tell which member
 * a byte came from by looking at 'members' after the call.
 * Whatever the damage, the SHA-256 covers every byte of the file: after
 * damage the rest of the file is read (and hashed) without being inflated.
 */
int input_read(struct input *in, char *dst, size_t cap, size_t *got,
	       struct diag *d);

/*
 * "isal" when gzip members of regular files are inflated with ISA-L (built
 * with CDRSIFT_ISAL and CDRSIFT_INFLATE is not "zlib"), else "zlib". ISA-L
 * is only a fast path: whatever it does not take cleanly goes to zlib,
 * which stays the reference for every byte, message and offset (input.c
 * says how, and names the one known difference).
 */
const char *input_inflate_backend(void);

/* Lower-case hex of the SHA-256, 65 bytes with the NUL. */
void input_sha256_hex(const struct input *in, char out[65]);

/* Close the file (not stdin) and free everything. Safe to call twice. */
void input_close(struct input *in);

#endif
