/*
 * unstream.c - xz and bzip2 decoders that lose no decoded byte to a fault
 * (see unstream.h for why libarchive is not used for these two).
 *
 *   STREAM --end of stream--> BETWEEN --input left--> STREAM (next one)
 *     |                          |--end of input--> END
 *     +--fault--> DAMAGED        +--(xz) zero padding: skipped
 *
 * Memory comes from xmalloc, so running out exits 4 as everywhere else
 * (and CDRSIFT_FAIL_ALLOC reaches the decoders too).
 */
#include "unstream.h"

#include <bzlib.h>
#include <limits.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xalloc.h"
#include "banned.h"

/* largest avail_in/avail_out handed to libbz2 (unsigned int) */
#define CHUNK_MAX ((size_t)1 << 30)

enum phase { PH_STREAM, PH_BETWEEN, PH_END, PH_DAMAGED };

struct unstream {
	int xz;              /* 1: liblzma, 0: libbz2 */
	enum phase phase;
	int ready;           /* the decoder of the current stream is set up */
	unsigned streams;    /* streams ended so far */
	unsigned padding;    /* xz: zero bytes since the last stream ended */
	const char *pending; /* a fault found while bytes were handed out */
	const char *why;     /* the fault, once DAMAGED */
	lzma_stream lz;
	bz_stream bz;
	lzma_allocator la;
};

static void *lz_alloc(void *opaque, size_t nmemb, size_t size)
{
	(void)opaque;
	return xmalloc(nmemb && size ? nmemb * size : 1);
}

static void lz_free(void *opaque, void *p)
{
	(void)opaque;
	free(p);
}

static void *bz_alloc(void *opaque, int n, int m)
{
	(void)opaque;
	return xcalloc(n > 0 ? (size_t)n : 1, m > 0 ? (size_t)m : 1);
}

static void bz_free(void *opaque, void *p)
{
	(void)opaque;
	free(p);
}

struct unstream *unstream_new(const char *codec)
{
	struct unstream *u;
	if (!codec || (strcmp(codec, "xz") && strcmp(codec, "bzip2")))
		return NULL;
	u = xcalloc(1, sizeof(*u));
	u->xz = !strcmp(codec, "xz");
	u->phase = PH_STREAM;
	u->la.alloc = lz_alloc;
	u->la.free = lz_free;
	return u;
}

static void end_decoder(struct unstream *u)
{
	if (!u->ready)
		return;
	if (u->xz)
		lzma_end(&u->lz);
	else
		BZ2_bzDecompressEnd(&u->bz);
	u->ready = 0;
}

static void start_decoder(struct unstream *u)
{
	if (u->xz) {
		lzma_stream init = LZMA_STREAM_INIT;
		u->lz = init;
		u->lz.allocator = &u->la;
		/* no memory limit: the header states what the stream needs */
		if (lzma_stream_decoder(&u->lz, UINT64_MAX, 0) != LZMA_OK)
			BUG("lzma_stream_decoder failed");
	} else {
		memset(&u->bz, 0, sizeof(u->bz));
		u->bz.bzalloc = bz_alloc;
		u->bz.bzfree = bz_free;
		if (BZ2_bzDecompressInit(&u->bz, 0, 0) != BZ_OK)
			BUG("BZ2_bzDecompressInit failed");
	}
	u->ready = 1;
}

static const char *lz_why(const struct unstream *u, lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR:
		return u->streams ? "trailing garbage after the last stream"
				  : "not an xz stream";
	case LZMA_OPTIONS_ERROR:
		return "unsupported compression options";
	case LZMA_DATA_ERROR:
		return "corrupt data";
	case LZMA_BUF_ERROR:
		return "unexpected end of input";
	case LZMA_MEM_ERROR: /* xmalloc exits first; kept for completeness */
		return "out of memory";
	default:
		return "decoder error";
	}
}

static const char *bz_why(const struct unstream *u, int r)
{
	switch (r) {
	case BZ_DATA_ERROR_MAGIC:
		return u->streams ? "trailing garbage after the last stream"
				  : "not a bzip2 stream";
	case BZ_DATA_ERROR:
		return "corrupt data (block CRC or structure)";
	case BZ_MEM_ERROR:
		return "out of memory";
	default:
		return "decoder error";
	}
}

/* One decoder call; returns 1 at the end of the stream, -1 on a fault. */
static int step(struct unstream *u, const unsigned char **in, size_t *inlen,
		int eof, unsigned char *out, size_t cap, size_t *got,
		const char **fault)
{
	size_t ni = *inlen < CHUNK_MAX ? *inlen : CHUNK_MAX;
	size_t no = cap < CHUNK_MAX ? cap : CHUNK_MAX;
	if (u->xz) {
		u->lz.next_in = *in;
		u->lz.avail_in = ni;
		u->lz.next_out = out;
		u->lz.avail_out = no;
		lzma_ret r = lzma_code(&u->lz, eof && ni == *inlen ? LZMA_FINISH
								   : LZMA_RUN);
		*in += ni - u->lz.avail_in;
		*inlen -= ni - u->lz.avail_in;
		*got = no - u->lz.avail_out;
		if (r == LZMA_STREAM_END)
			return 1;
		if (r == LZMA_OK)
			return 0;
		*fault = lz_why(u, r);
		return -1;
	}
	u->bz.next_in = (char *)(uintptr_t)*in;
	u->bz.avail_in = (unsigned)ni;
	u->bz.next_out = (char *)out;
	u->bz.avail_out = (unsigned)no;
	int r = BZ2_bzDecompress(&u->bz);
	size_t used = ni - u->bz.avail_in;
	*in += used;
	*inlen -= used;
	*got = no - u->bz.avail_out;
	if (r == BZ_STREAM_END)
		return 1;
	if (r == BZ_OK) {
		/* no byte in or out with the input at its end: truncated */
		if (eof && !*inlen && !used && !*got) {
			*fault = "unexpected end of input";
			return -1;
		}
		return 0;
	}
	*fault = bz_why(u, r);
	return -1;
}

int unstream_run(struct unstream *u, const unsigned char **in, size_t *inlen,
		 int eof, unsigned char *out, size_t cap, size_t *got,
		 const char **why)
{
	*got = 0;
	for (;;) {
		if (u->pending) {
			u->why = u->pending;
			u->pending = NULL;
			u->phase = PH_DAMAGED;
			end_decoder(u);
		}
		switch (u->phase) {
		case PH_END:
			return UNS_END;
		case PH_DAMAGED:
			*why = u->why;
			return UNS_DAMAGED;
		case PH_BETWEEN:
			if (u->xz) {
				while (*inlen && **in == 0) {
					(*in)++;
					(*inlen)--;
					u->padding++;
				}
			}
			if (*inlen) {
				/* another stream, or garbage: its magic says
				   (bytes too few to tell are garbage at the
				   end, or wait for more) */
				const char *magic = u->xz ? "\xfd" "7zXZ" : "BZh";
				size_t mlen = strlen(magic);
				size_t k = *inlen < mlen ? *inlen : mlen;
				if (memcmp(*in, magic, k)) {
					u->pending = "trailing garbage after "
						     "the last stream";
					continue;
				}
				if (k < mlen && !eof)
					return UNS_OK;
				if (k < mlen) {
					u->pending = "trailing garbage after "
						     "the last stream";
					continue;
				}
				if (u->padding % 4) {
					u->pending = "stream padding not a "
						     "multiple of 4 bytes";
					continue;
				}
				u->padding = 0;
				start_decoder(u);
				u->phase = PH_STREAM;
				continue;
			}
			if (!eof)
				return UNS_OK;
			if (u->padding % 4) {
				u->pending = "stream padding not a multiple "
					     "of 4 bytes";
				continue;
			}
			u->phase = PH_END;
			continue;
		case PH_STREAM:
			break;
		}
		if (!u->ready)
			start_decoder(u);
		const char *fault = NULL;
		int r = step(u, in, inlen, eof, out, cap, got, &fault);
		if (r < 0) {
			u->pending = fault;
			if (*got)
				return UNS_OK; /* the fault on the next call */
			continue;
		}
		if (r > 0) {
			u->streams++;
			end_decoder(u);
			u->phase = PH_BETWEEN;
			if (*got)
				return UNS_OK;
			continue;
		}
		/* progress, or the decoder wants input we do not have yet */
		if (*got || !eof || *inlen)
			return UNS_OK;
		/* xz at the end of input: liblzma reports the truncation on a
		   call that makes no progress; one more call returns it */
	}
}

void unstream_free(struct unstream *u)
{
	if (!u)
		return;
	end_decoder(u);
	free(u);
}
