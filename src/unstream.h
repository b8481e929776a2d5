/*
 * unstream.h - xz and bzip2 streams decoded with liblzma and libbz2
 * themselves, for the bare streams of src/input.c (issue #12).
 *
 * Why not libarchive, which reads zstd and every archive: its xz and
 * bzip2 filters decode into a 64 KiB block and drop the whole block when
 * the stream fails inside it, so a truncated file lost up to 64 KiB of
 * rows that xzcat and bzcat still deliver (about 420 rows of a 130-byte
 * CDR). Here every byte the decoder produced before the fault is handed
 * out, then the fault. Both decoders are dependencies of libarchive
 * already (liblzma-dev, libbz2-dev).
 *
 * Concatenated streams are read as one (xz -T, pbzip2 and cat a b write
 * them); for xz the stream padding between them is accepted, as xz does.
 * Anything after the last stream that is not another stream is damage
 * ("trailing garbage"), like gzip's.
 */
#ifndef CDRSIFT_UNSTREAM_H
#define CDRSIFT_UNSTREAM_H

#include <stddef.h>

struct unstream;

enum {
	UNS_OK,      /* progress, or more input needed (*got may be 0) */
	UNS_END,     /* the last stream ended cleanly at the end of input */
	UNS_DAMAGED, /* a fault; *why says what (static text) */
};

/* "xz" or "bzip2" (as stream_magic names them); NULL for another name. */
struct unstream *unstream_new(const char *codec);

/*
 * Decode from *in (*inlen bytes; both advanced past what was consumed)
 * into out (cap bytes), *got set to the bytes written. 'eof': no input
 * follows *in. Returns UNS_OK while output or input remain to be used;
 * the fault of a call that also produced bytes is returned by the next
 * call, so no decoded byte is lost. After UNS_END or UNS_DAMAGED, calls
 * return the same without reading.
 */
int unstream_run(struct unstream *u, const unsigned char **in, size_t *inlen,
		 int eof, unsigned char *out, size_t cap, size_t *got,
		 const char **why);

void unstream_free(struct unstream *u);

#endif
