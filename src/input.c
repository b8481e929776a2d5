/*
 * input.c - read one input (path or stdin), plain or gzip, with a SHA-256 of
 * the bytes as read. Inflates gzip members with inflate() itself so that no
 * damage goes unnoticed, and names the compressed offset of every fault.
 * It does not parse CSV, detect UTF-16 or print anything (see input.h).
 *
 * The reader is a small state machine over one 1 MiB read buffer:
 *
 *   START --1f 8b--> MEMBER --Z_STREAM_END--> BETWEEN --1f 8b--> MEMBER ...
 *     |                 |                        |--zeros, EOF--> DONE
 *     +--other--> PLAIN |                        |--EOF---------> DONE
 *                   |   +--truncated, corrupt,   +--other bytes--> damage
 *                  EOF      CRC, length--> damage                    |
 *                   v                                                v
 *                  DONE <---- drain: read and hash the rest of the file
 *
 * Compressed offsets count bytes from the start of the file:
 * - truncation: where the input ran out (the file size);
 * - corrupt data: how far inflate had read when it failed (the bad bits are
 *   in the byte just before, or shortly before with a multi-byte header);
 * - CRC or length check: the start of the CRC-32 or ISIZE trailer field;
 * - trailing garbage: the first byte after the last good member (zeros
 *   followed by other bytes are garbage from the first zero).
 *
 * With ISA-L (built with CDRSIFT_ISAL; issue #5), zlib stays the reference
 * and ISA-L is only a fast path for what zlib would accept. A member goes to
 * ISA-L when its gzip header is one zlib accepts (checked here, header CRC
 * included); ISA-L inflates the raw deflate data and computes the CRC-32,
 * and the trailer is checked here. The moment anything is not clean
 * progress (an ISA-L error, an odd or oversized header, end of file, a CRC
 * or length mismatch), the rest of the file goes to zlib:
 *
 *   member start S                 ISA-L stops here (file offset F)
 *   |<----- N bytes delivered by ISA-L ----->|
 *   zlib restarts at S, inflates and discards N bytes, then goes on and
 *   produces zlib's own output and message.
 *
 * The bytes from S to F were read and hashed already: they are read again
 * with pread(2) ("replay") and neither hashed nor counted again. That needs
 * a seekable input, so ISA-L is used only for regular files (a pipe is
 * always zlib's). ISA-L decodes exactly what zlib decodes for every stream
 * zlib accepts, and fails no later on streams both reject. The one known
 * difference: ISA-L 2.30 accepts a dynamic block whose Huffman code is
 * incomplete, which zlib rejects ("invalid code lengths set", "invalid
 * literal/lengths set", "invalid distances set").
 *
 * ISA-L's output is handed out in units: a member's output is cut at every
 * multiple of ISAL_UNIT bytes (counted from the member's first byte), and
 * a unit reaches the caller only once ISA-L has decoded all of it (or the
 * member to its end, trailer checked) without a fault; a unit in which
 * anything goes wrong is dropped whole and zlib writes it again. A unit
 * that does not fit the caller's buffer is decoded into a staging buffer
 * and handed out from there. So the bytes delivered are a function of the
 * file alone, never of the caller's buffer size (issue #10: rows that
 * depended on the read size): with such a code and damage after it, ISA-L
 * delivers the whole units it decoded before the damage, and zlib stops
 * at the code, so the two backends differ by those units at most, for any
 * read size; zlib's message is reported all the same. A member valid but
 * for such a code is read whole, its CRC-32 and length checked against
 * the trailer. See man/cdrsift.1, CDRSIFT_INFLATE.
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <zlib.h>
#ifdef CDRSIFT_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "buf.h"
#include "unstream.h"
#include "xalloc.h"
#include "banned.h"

#define IBUF_SIZE ((size_t)1 << 20)
/* largest avail_in/avail_out handed to zlib: uInt may be 32 bits */
#define ZCHUNK_MAX ((size_t)1 << 30)
/* zlib's output while it catches up with ISA-L goes here and is dropped */
#define SCRATCH_SIZE ((size_t)1 << 16)
/* ISA-L output is delivered in whole units of this many bytes (banner) */
#define ISAL_UNIT ((size_t)1 << 16)

enum input_mode {
	MODE_START,   /* nothing read yet: the magic bytes decide */
	MODE_PLAIN,   /* not gzip: bytes pass through unchanged */
	MODE_MEMBER,  /* inside a gzip member */
	MODE_BETWEEN, /* after a member's trailer: next member, padding or end */
	MODE_STREAM,  /* xz, bzip2 (unstream.c) or zstd (libarchive) */
	MODE_DONE,    /* end of input, damage or I/O error: reads return 0 */
};

#ifdef CDRSIFT_ISAL
enum isal_phase {
	PHASE_HEADER,  /* the gzip header is not parsed yet */
	PHASE_DEFLATE, /* ISA-L is inflating the deflate data */
};
#endif

struct input_state {
	int fd;                /* file descriptor (0 for stdin) */
	int own_fd;            /* 1 when input_close must close 'fd' */
	enum input_mode mode;  /* see the diagram above */
	unsigned char *ibuf;   /* IBUF_SIZE bytes of raw input */
	size_t ipos;           /* next unconsumed byte in 'ibuf' */
	size_t ilen;           /* bytes held; ibuf[ilen-1] is file byte iend-1 */
	uint64_t iend;         /* file offset after 'ibuf'; < bytes_in: replay */
	uint64_t base;         /* lseek position of 'fd' at open: file offset 0 */
	int read_eof;          /* read(2) has returned 0 */
	z_stream zs;           /* inflate state, valid when 'z_ready' */
	int z_ready;           /* inflateInit2 succeeded; inflateEnd pending */
	uint64_t skip;         /* member bytes zlib must drop (ISA-L gave them) */
	unsigned char *scratch; /* SCRATCH_SIZE bytes for the dropped output */
	EVP_MD_CTX *md;        /* SHA-256 of every byte read; NULL once final */
	struct archive *la;    /* MODE_STREAM, zstd: libarchive's reader */
	struct unstream *us;   /* MODE_STREAM, xz and bzip2: our decoder */
	struct diag *la_diag;  /* where la_read_cb reports an I/O error */
	int la_ioerr;          /* la_read_cb met an I/O error */
	uint64_t la_used;      /* file bytes handed to libarchive so far */
	const char *la_blk;    /* the decompressed block being handed out */
	size_t la_len;         /* its bytes not yet handed out */
#ifdef CDRSIFT_ISAL
	int use_isal;          /* new members go to ISA-L (until a fallback) */
	int member_isal;       /* the current member is ISA-L's */
	enum isal_phase phase; /* where ISA-L is in the current member */
	uint64_t member_in;    /* file offset of the current member's 1f */
	uint64_t isal_out;     /* bytes ISA-L has produced for this member */
	struct inflate_state *is; /* ISA-L state, allocated at first use */
	unsigned char *stage;  /* ISAL_UNIT bytes: a unit too big for 'dst' */
	size_t stage_pos;      /* next byte of 'stage' to hand out */
	size_t stage_len;      /* bytes held in 'stage' */
#endif
};

/* zlib allocates through xalloc: one out-of-memory policy, one fault hook */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return xreallocarray(NULL, items, size);
}

static void z_free(voidpf opaque, voidpf ptr)
{
	(void)opaque;
	free(ptr);
}

static const char *errno_text(int err, char *tmp, size_t len)
{
	if (strerror_r(err, tmp, len) != 0)
		snprintf(tmp, len, "error %d", err);
	return tmp;
}

/* File offset of the next unconsumed byte. */
static uint64_t input_offset(const struct input *in,
			     const struct input_state *st)
{
	(void)in;
	return st->iend - (st->ilen - st->ipos);
}

/* 1 when every byte of the file has been read and consumed from 'ibuf'. */
static int at_eof(const struct input *in, const struct input_state *st)
{
	return st->read_eof && st->iend == in->bytes_in;
}

static void finish_hash(struct input *in, struct input_state *st)
{
	unsigned int n = 0;
	if (!st->md)
		return;
	if (EVP_DigestFinal_ex(st->md, in->sha256, &n) != 1 || n != 32)
		BUG("sha-256 finalisation failed");
	EVP_MD_CTX_free(st->md);
	st->md = NULL;
}

static int io_error(struct input *in, struct input_state *st,
		    struct diag *d, int err)
{
	char tmp[128];
	st->mode = MODE_DONE;
	finish_hash(in, st);
	if (d) {
		d->file = in->name;
		d->line = 0;
	}
	diag_fail(d, DIAG_IO, "read error at offset %" PRIu64 ": %s",
		  in->bytes_in, errno_text(err, tmp, sizeof(tmp)));
	return INPUT_IOERR;
}

/*
 * Read more of the file until at least 'want' (at most IBUF_SIZE)
 * unconsumed bytes are held or the file ends, hashing and counting
 * everything read. Unconsumed bytes are moved to the front of the buffer
 * first; 'want' is small or the buffer nearly empty, so the move is cheap.
 * While replaying (iend < bytes_in, after rewind_to), bytes read before are
 * read again with pread(2), neither hashed nor counted again.
 */
static int fill(struct input *in, struct input_state *st, struct diag *d,
		size_t want)
{
	if (want > IBUF_SIZE)
		BUG("fill wants %zu bytes", want);
	while (st->ilen - st->ipos < want && !at_eof(in, st)) {
		ssize_t n;
		if (st->ipos > 0) {
			memmove(st->ibuf, st->ibuf + st->ipos,
				st->ilen - st->ipos);
			st->ilen -= st->ipos;
			st->ipos = 0;
		}
		if (st->iend < in->bytes_in) {
			size_t room = IBUF_SIZE - st->ilen;
			if (in->bytes_in - st->iend < room)
				room = (size_t)(in->bytes_in - st->iend);
			n = pread(st->fd, st->ibuf + st->ilen, room,
				  (off_t)(st->base + st->iend));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) /* 0: the file shrank under us */
				return io_error(in, st, d, n < 0 ? errno : EIO);
			st->ilen += (size_t)n;
			st->iend += (uint64_t)n;
			continue;
		}
		n = read(st->fd, st->ibuf + st->ilen, IBUF_SIZE - st->ilen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return io_error(in, st, d, errno);
		}
		if (n == 0) {
			st->read_eof = 1;
			break;
		}
		if (EVP_DigestUpdate(st->md, st->ibuf + st->ilen,
				     (size_t)n) != 1)
			BUG("sha-256 update failed");
		st->ilen += (size_t)n;
		st->iend += (uint64_t)n;
		in->bytes_in += (uint64_t)n;
	}
	return INPUT_OK;
}

/*
 * Damage was found and recorded in 'd': mark the input damaged and read the
 * rest of the file without inflating it, so that 'sha256' and 'bytes_in'
 * cover the whole file. An I/O error while draining replaces the message.
 */
static int damaged(struct input *in, struct input_state *st, struct diag *d)
{
	in->damaged = 1;
	if (d) {
		d->file = in->name;
		d->line = 0;
	}
	st->ipos = st->ilen = 0; /* no replay: only the unread rest is left */
	st->iend = in->bytes_in;
	while (!st->read_eof) {
		st->ipos = st->ilen;
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
	st->mode = MODE_DONE;
	finish_hash(in, st);
	return INPUT_DAMAGED;
}

/* Ready zlib for a member from its first byte. */
static void zlib_member(struct input_state *st)
{
	if (!st->z_ready) {
		st->zs.zalloc = z_alloc;
		st->zs.zfree = z_free;
		st->zs.opaque = Z_NULL;
		st->zs.next_in = Z_NULL;
		st->zs.avail_in = 0;
		if (inflateInit2(&st->zs, 15 + 16) != Z_OK)
			BUG("inflateInit2 failed: %s",
			    st->zs.msg ? st->zs.msg : "zlib version mismatch");
		st->z_ready = 1;
	} else if (inflateReset(&st->zs) != Z_OK) {
		BUG("inflateReset failed");
	}
}

/* A member starts at the next unconsumed byte. */
static int start_member(struct input *in, struct input_state *st)
{
	in->members++;
	in->member_start = in->bytes_out;
	st->mode = MODE_MEMBER;
#ifdef CDRSIFT_ISAL
	if (st->use_isal) {
		if (!st->is) {
			st->is = xmalloc(sizeof(*st->is));
			isal_inflate_init(st->is);
		}
		st->member_isal = 1;
		st->phase = PHASE_HEADER;
		st->member_in = input_offset(in, st);
		st->isal_out = 0;
		return INPUT_OK;
	}
#endif
	zlib_member(st);
	return INPUT_OK;
}

/*
 * xz, zstd and bzip2 streams (issue #12), by their magic bytes: the name of
 * the compression, or NULL. bzip2 needs its block or end-of-stream magic
 * after "BZh1".."BZh9", so that a text file beginning "BZh5" stays text.
 */
static const char *stream_magic(const unsigned char *b, size_t n)
{
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 10 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' &&
	    b[3] >= '1' && b[3] <= '9' &&
	    (!memcmp(b + 4, "\x31\x41\x59\x26\x53\x59", 6) ||
	     !memcmp(b + 4, "\x17\x72\x45\x38\x50\x90", 6)))
		return "bzip2";
	return NULL;
}

/*
 * libarchive's read callback: the unconsumed bytes of 'ibuf', refilled
 * through fill() (so hashed and counted once). The block stays valid until
 * the next call, as libarchive requires: fill() moves nothing while every
 * byte is consumed.
 */
static la_ssize_t la_read_cb(struct archive *a, void *opaque,
			     const void **block)
{
	struct input *in = opaque;
	struct input_state *st = in->priv;
	size_t n;
	(void)a;
	if (st->ipos == st->ilen && fill(in, st, st->la_diag, 1) != INPUT_OK) {
		st->la_ioerr = 1;
		return -1;
	}
	n = st->ilen - st->ipos;
	*block = st->ibuf + st->ipos;
	st->ipos = st->ilen;
	st->la_used += n;
	return (la_ssize_t)n;
}

/* libarchive's message, escaped (it may quote bytes of the file). */
static void la_damage(struct input *in, struct input_state *st,
		      struct diag *d, const char *what)
{
	const char *msg = st->la ? archive_error_string(st->la) : NULL;
	struct buf esc = BUF_INIT;
	msg = msg ? msg : "unknown error";
	buf_add_escaped(&esc, msg, strlen(msg), 256);
	diag_fail(d, DIAG_DAMAGED, "damaged %s stream (%s: %s) at or before "
		  "compressed offset %" PRIu64, in->codec, what,
		  buf_cstr(&esc), st->la_used);
	buf_release(&esc);
}

/*
 * An xz or bzip2 stream through unstream.c (libarchive's filters drop up
 * to 64 KiB decoded before a fault; see unstream.h). Damage as for gzip:
 * what was decoded before it is delivered, then the rest is read and
 * hashed.
 */
static int read_unstream(struct input *in, struct input_state *st, char *dst,
			 size_t cap, size_t *got, struct diag *d)
{
	const char *why = NULL;
	for (;;) {
		if (st->ipos == st->ilen && fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
		const unsigned char *p = st->ibuf + st->ipos;
		size_t held = st->ilen - st->ipos, left = held;
		int r = unstream_run(st->us, &p, &left, at_eof(in, st),
				     (unsigned char *)dst, cap, got, &why);
		st->ipos = st->ilen - left;
		if (r == UNS_END) {
			st->mode = MODE_DONE;
			finish_hash(in, st);
			return INPUT_OK;
		}
		if (r == UNS_DAMAGED) {
			diag_fail(d, DIAG_DAMAGED, "damaged %s stream (%s) "
				  "at or before compressed offset %" PRIu64,
				  in->codec, why, input_offset(in, st));
			return damaged(in, st, d);
		}
		if (*got)
			return INPUT_OK;
		if (left == held && held && !at_eof(in, st)) {
			/* nothing used: the decoder wants more at once */
			if (held == IBUF_SIZE)
				BUG("unstream stalled on a full buffer");
			if (fill(in, st, d, held + 1) != INPUT_OK)
				return INPUT_IOERR;
		}
	}
}

/*
 * A zstd stream: libarchive's filter with its "raw" format (the
 * decompressed bytes as one entry); xz and bzip2 go to unstream.c.
 */
static int start_stream(struct input *in, struct input_state *st,
			const char *codec, struct diag *d)
{
	struct archive_entry *ent;
	in->codec = codec;
	st->mode = MODE_STREAM;
	if ((st->us = unstream_new(codec)) != NULL)
		return INPUT_OK;
	st->la = archive_read_new();
	if (!st->la)
		BUG("archive_read_new failed");
	st->la_diag = d;
	if (archive_read_support_filter_xz(st->la) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(st->la) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(st->la) != ARCHIVE_OK ||
	    archive_read_support_format_raw(st->la) != ARCHIVE_OK)
		BUG("libarchive lacks xz, zstd or bzip2: %s",
		    archive_error_string(st->la));
	if (archive_read_open(st->la, in, NULL, la_read_cb, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(st->la, &ent) != ARCHIVE_OK) {
		if (st->la_ioerr)
			return INPUT_IOERR;
		la_damage(in, st, d, "libarchive");
		return damaged(in, st, d);
	}
	return INPUT_OK;
}

static int read_stream(struct input *in, struct input_state *st, char *dst,
		       size_t cap, size_t *got, struct diag *d)
{
	const void *blk;
	size_t len;
	la_int64_t off;
	int r = ARCHIVE_OK;
	if (st->us)
		return read_unstream(in, st, dst, cap, got, d);
	st->la_diag = d;
	/*
	 * Blocks, not archive_read_data(): that one drops what it copied
	 * when the next block fails, so damage would lose the bytes before.
	 */
	while (st->la_len == 0) {
		r = archive_read_data_block(st->la, &blk, &len, &off);
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			break;
		st->la_blk = blk;
		st->la_len = len;
	}
	if (st->la_len > 0) {
		size_t n = st->la_len < cap ? st->la_len : cap;
		memcpy(dst, st->la_blk, n);
		st->la_blk += n;
		st->la_len -= n;
		*got = n;
		return INPUT_OK;
	}
	if (st->la_ioerr) {
		st->mode = MODE_DONE;
		return INPUT_IOERR;
	}
	if (r != ARCHIVE_EOF) {
		la_damage(in, st, d, "libarchive");
		return damaged(in, st, d);
	}
	/* the end of the stream: read and hash what follows it */
	st->ipos = st->ilen = 0;
	st->iend = in->bytes_in;
	while (!st->read_eof) {
		st->ipos = st->ilen;
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
	st->mode = MODE_DONE;
	finish_hash(in, st);
	return INPUT_OK;
}

/* First call: gzip if the file starts with 1f 8b (or is the lone byte 1f). */
static int sniff(struct input *in, struct input_state *st, struct diag *d)
{
	size_t have;
	const char *codec;
	if (fill(in, st, d, 10) != INPUT_OK)
		return INPUT_IOERR;
	have = st->ilen - st->ipos;
	if (have > 0 && st->ibuf[0] == 0x1f &&
	    (have == 1 || st->ibuf[1] == 0x8b)) {
		in->is_gzip = 1;
		in->codec = "gzip";
		return start_member(in, st);
	}
	if ((codec = stream_magic(st->ibuf, have)) != NULL)
		return start_stream(in, st, codec, d);
	st->mode = MODE_PLAIN;
	return INPUT_OK;
}

static int read_plain(struct input *in, struct input_state *st, char *dst,
		      size_t cap, size_t *got, struct diag *d)
{
	size_t n;
	if (fill(in, st, d, 1) != INPUT_OK)
		return INPUT_IOERR;
	n = st->ilen - st->ipos;
	if (n == 0) {
		st->mode = MODE_DONE;
		finish_hash(in, st);
		return INPUT_OK;
	}
	if (n > cap)
		n = cap;
	memcpy(dst, st->ibuf + st->ipos, n);
	st->ipos += n;
	*got = n;
	return INPUT_OK;
}

static int inflate_failed(struct input *in, struct input_state *st,
			  struct diag *d)
{
	const char *msg = st->zs.msg ? st->zs.msg : "unknown error";
	uint64_t off = input_offset(in, st);

	/* zlib reads exactly the 4-byte field before comparing it */
	if (!strcmp(msg, "incorrect data check"))
		diag_fail(d, DIAG_CHECK, "gzip member %u failed its CRC check "
			  "at compressed offset %" PRIu64, in->members,
			  off - 4);
	else if (!strcmp(msg, "incorrect length check"))
		diag_fail(d, DIAG_CHECK, "gzip member %u failed its length "
			  "check at compressed offset %" PRIu64, in->members,
			  off - 4);
	else
		diag_fail(d, DIAG_DAMAGED, "corrupt gzip data (%s) at "
			  "compressed offset %" PRIu64, msg, off);
	return damaged(in, st, d);
}

/*
 * Inflate the current member into 'dst' after the '*got' bytes already
 * there, until 'dst' is full, the member ends, or the input buffer is empty
 * after some output (so that a slow pipe does not hold back bytes already
 * decoded). The first 'skip' bytes of output are dropped: ISA-L gave them.
 */
static int read_member(struct input *in, struct input_state *st, char *dst,
		       size_t cap, size_t *got, struct diag *d)
{
	size_t done = *got;
	for (;;) {
		size_t avail_in = st->ilen - st->ipos, avail_out = cap - done;
		unsigned char *out = (unsigned char *)dst + done;
		int skipping = st->skip > 0;
		uInt zin, zout;
		int ret;

		if (skipping) {
			out = st->scratch;
			avail_out = st->skip < SCRATCH_SIZE ? (size_t)st->skip :
							      SCRATCH_SIZE;
		}
		zin = (uInt)(avail_in < ZCHUNK_MAX ? avail_in : ZCHUNK_MAX);
		zout = (uInt)(avail_out < ZCHUNK_MAX ? avail_out : ZCHUNK_MAX);
		st->zs.next_in = st->ibuf + st->ipos;
		st->zs.avail_in = zin;
		st->zs.next_out = out;
		st->zs.avail_out = zout;
		ret = inflate(&st->zs, Z_NO_FLUSH);
		st->ipos += zin - st->zs.avail_in;
		if (skipping)
			st->skip -= zout - st->zs.avail_out;
		else
			done += zout - st->zs.avail_out;
		*got = done;

		if (ret == Z_STREAM_END) {
			st->skip = 0;
			st->mode = MODE_BETWEEN;
			return INPUT_OK;
		}
		if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT)
			return inflate_failed(in, st, d);
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			BUG("inflate returned %d", ret);
		if (done == cap)
			return INPUT_OK;
		if (skipping && st->zs.avail_out == 0)
			continue; /* zlib may hold decoded bytes: room for them */
		if (st->ipos < st->ilen)
			continue;
		/* inflate wants more input */
		if (done > 0)
			return INPUT_OK;
		if (at_eof(in, st)) {
			diag_fail(d, DIAG_DAMAGED, "truncated gzip stream at "
				  "compressed offset %" PRIu64, in->bytes_in);
			return damaged(in, st, d);
		}
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
}

static int trailing_garbage(struct input *in, struct input_state *st,
			    struct diag *d, uint64_t off)
{
	diag_fail(d, DIAG_DAMAGED, "trailing garbage after gzip member %u "
		  "at compressed offset %" PRIu64, in->members, off);
	return damaged(in, st, d);
}

/*
 * After a member: another member (1f 8b, or a lone 1f at the very end,
 * which then reads as truncated), clean end of file, zero padding up to end
 * of file, or trailing garbage.
 */
static int next_member(struct input *in, struct input_state *st,
		       struct diag *d)
{
	uint64_t start;
	uint64_t zeros = 0;

	if (fill(in, st, d, 2) != INPUT_OK)
		return INPUT_IOERR;
	start = input_offset(in, st);
	if (st->ipos == st->ilen) {
		st->mode = MODE_DONE;
		finish_hash(in, st);
		return INPUT_OK;
	}
	if (st->ibuf[st->ipos] == 0x1f &&
	    (st->ilen - st->ipos == 1 || st->ibuf[st->ipos + 1] == 0x8b))
		return start_member(in, st);
	if (st->ibuf[st->ipos] != 0)
		return trailing_garbage(in, st, d, start);
	for (;;) {
		while (st->ipos < st->ilen && st->ibuf[st->ipos] == 0) {
			st->ipos++;
			zeros++;
		}
		if (st->ipos < st->ilen)
			return trailing_garbage(in, st, d, start);
		if (at_eof(in, st))
			break;
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
	in->zero_padding = zeros;
	st->mode = MODE_DONE;
	finish_hash(in, st);
	return INPUT_OK;
}

#ifdef CDRSIFT_ISAL
/*
 * Make file offset 'off' (already read) the next unconsumed byte: within
 * the buffer if it is still there, else by replaying from 'off'.
 */
static void rewind_to(struct input_state *st, uint64_t off)
{
	uint64_t start = st->iend - st->ilen; /* file offset of ibuf[0] */
	if (off >= start && off <= st->iend) {
		st->ipos = (size_t)(off - start);
	} else {
		st->ipos = st->ilen = 0;
		st->iend = off;
	}
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Scan the gzip header in the 'have' bytes at 'h' as zlib's inflate() would
 * read it (RFC 1952: magic, method 8, no reserved flags, then the optional
 * extra field, name, comment and header CRC). Returns 1 when the header is
 * whole and zlib accepts it ('*need' is its length), 0 when more bytes are
 * needed ('*need' is how many to hold), or -1 when zlib would reject it.
 */
static int gz_header_scan(const unsigned char *h, size_t have, size_t *need)
{
	size_t n = 10;
	int flags;

	*need = n;
	if (have < n)
		return 0;
	flags = h[3];
	if (h[0] != 0x1f || h[1] != 0x8b || h[2] != 8 || (flags & 0xe0))
		return -1;
	if (flags & 4) { /* FEXTRA: XLEN, then XLEN bytes */
		*need = n + 2;
		if (have < n + 2)
			return 0;
		n += 2 + (size_t)(h[n] | h[n + 1] << 8);
	}
	for (int f = 8; f <= 16; f += 8) { /* FNAME, FCOMMENT: to a NUL */
		const unsigned char *nul;
		if (!(flags & f))
			continue;
		nul = have > n ? memchr(h + n, 0, have - n) : NULL;
		if (!nul) {
			*need = (have > n ? have : n) + 1;
			return 0;
		}
		n = (size_t)(nul - h) + 1;
	}
	if (flags & 2) { /* FHCRC: the low 16 bits of the header's CRC-32 */
		*need = n + 2;
		if (have < n + 2)
			return 0;
		if ((crc32(0, h, (uInt)n) & 0xffff) !=
		    (uLong)(h[n] | h[n + 1] << 8))
			return -1;
		n += 2;
	}
	*need = n;
	return have >= n;
}

/*
 * The current member's header, at the next unconsumed byte. Returns 1 with
 * the header consumed when ISA-L may take the member, 0 when zlib must (a
 * header zlib would reject or that does not fit the buffer, or end of file),
 * or INPUT_IOERR.
 */
static int isal_header(struct input *in, struct input_state *st,
		       struct diag *d)
{
	for (;;) {
		size_t need;
		int r = gz_header_scan(st->ibuf + st->ipos, st->ilen - st->ipos,
				       &need);
		if (r > 0) {
			st->ipos += need;
			return 1;
		}
		if (r < 0 || need > IBUF_SIZE || at_eof(in, st))
			return 0;
		if (fill(in, st, d, need) != INPUT_OK)
			return INPUT_IOERR;
	}
}

/*
 * Hand the rest of the file to zlib: restart the current member at its
 * first byte and drop what ISA-L delivered of it: the 'delivered' bytes of
 * this call and those of earlier calls. See the diagram at the top. The
 * unit in progress is not delivered: zlib writes it again. That matters:
 * on an invalid distance, ISA-L 2.30 writes a few bogus bytes before it
 * reports the error, in the same isal_inflate() call, while every call
 * that returns ISAL_DECOMP_OK wrote good bytes only.
 */
static void isal_fallback(struct input *in, struct input_state *st,
			  size_t delivered)
{
	st->use_isal = 0;
	st->member_isal = 0;
	st->skip = in->bytes_out + delivered - in->member_start;
	if (st->skip && !st->scratch)
		st->scratch = xmalloc(SCRATCH_SIZE);
	rewind_to(st, st->member_in);
	zlib_member(st);
}

/*
 * ISA-L's AVX2/AVX-512 inflate kernels can return with the upper halves
 * of the vector registers dirty. Until a vzeroupper, every legacy-SSE
 * instruction after them (the CSV splitter, libm's trigonometry in geo
 * and anomalies) pays a state-transition penalty on many Intel cores:
 * measured here, anomalies -j2 over 1M rows took 4.4 s with the reader
 * threads left dirty and 2.3-2.9 s with this call. Clearing once per
 * isal_inflate() call (a unit is 64 KiB) costs nothing measurable.
 */
static void avx_clean(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	/* libgcc's constructor has filled in the CPU model: a load */
	if (__builtin_cpu_supports("avx"))
		__asm__ volatile("vzeroupper" ::: "memory");
#endif
}

enum { UNIT_CLEAN = 1, UNIT_FALLBACK = 0 };

/*
 * Decode the next unit of the current member into out[0..want), 'want'
 * being the bytes to the next unit boundary: all of them, or the member
 * to its end with its trailer checked (the member is then finished).
 * '*made' says how many bytes were written. Returns UNIT_CLEAN,
 * UNIT_FALLBACK when anything is not clean progress (the bytes written
 * are then not to be delivered), or INPUT_IOERR.
 */
static int isal_unit(struct input *in, struct input_state *st,
		     unsigned char *out, size_t want, size_t *made,
		     struct diag *d)
{
	struct inflate_state *is = st->is;

	*made = 0;
	for (;;) {
		size_t avail_in = st->ilen - st->ipos;
		uint32_t zin = (uint32_t)(avail_in < ZCHUNK_MAX ? avail_in :
								  ZCHUNK_MAX);
		uint32_t zout = (uint32_t)(want - *made);
		uint32_t used, wrote;
		int ret;

		is->next_in = st->ibuf + st->ipos;
		is->avail_in = zin;
		is->next_out = out + *made;
		is->avail_out = zout;
		ret = isal_inflate(is);
		avx_clean();
		used = zin - is->avail_in;
		wrote = zout - is->avail_out;
		st->ipos += used;
		*made += wrote;
		st->isal_out += wrote;

		if (ret != ISAL_DECOMP_OK)
			return UNIT_FALLBACK;
		if (is->block_state == ISAL_BLOCK_FINISH)
			break;
		if (*made == want)
			return UNIT_CLEAN;
		if (st->ipos < st->ilen) {
			if (used == 0 && wrote == 0)
				return UNIT_FALLBACK; /* stuck */
			continue;
		}
		/*
		 * Unlike read_member(), read on rather than return what we
		 * have: a regular file does not keep us waiting.
		 */
		if (at_eof(in, st))
			return UNIT_FALLBACK; /* truncated: zlib says where */
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}

	/*
	 * The deflate data ended. ISA-L may hold whole bytes after it in its
	 * bit buffer: the trailer starts that many bytes back.
	 */
	if (is->read_in_length < 0)
		return UNIT_FALLBACK;
	rewind_to(st, input_offset(in, st) - (uint64_t)(is->read_in_length / 8));
	if (fill(in, st, d, 8) != INPUT_OK)
		return INPUT_IOERR;
	if (st->ilen - st->ipos < 8 ||
	    le32(st->ibuf + st->ipos) != is->crc ||
	    le32(st->ibuf + st->ipos + 4) != (uint32_t)st->isal_out)
		return UNIT_FALLBACK;
	st->ipos += 8;
	st->member_isal = 0;
	st->mode = MODE_BETWEEN;
	in->isal_members++;
	return UNIT_CLEAN;
}

/*
 * read_member() with ISA-L, same contract, unit by unit (see the banner):
 * a unit that fits 'dst' is decoded there, one that does not goes to the
 * staging buffer, which input_read() empties first. Anything but clean
 * progress falls back to zlib, which then finishes the call.
 */
static int read_member_isal(struct input *in, struct input_state *st,
			    char *dst, size_t cap, size_t *got,
			    struct diag *d)
{
	size_t done = 0;

	if (st->phase == PHASE_HEADER) {
		int r = isal_header(in, st, d);
		if (r < 0)
			return r;
		if (r == 0)
			goto fallback;
		isal_inflate_reset(st->is);
		st->is->crc_flag = ISAL_GZIP_NO_HDR; /* raw deflate, CRC kept */
		st->is->hist_bits = 0;               /* the full 32 KiB window */
		st->phase = PHASE_DEFLATE;
	}
	while (st->member_isal && done < cap) {
		size_t room = ISAL_UNIT - (size_t)(st->isal_out % ISAL_UNIT);
		int staged = cap - done < room;
		unsigned char *out = staged ? st->stage : (unsigned char *)dst + done;
		size_t made;
		int r;

		if (staged && !st->stage)
			out = st->stage = xmalloc(ISAL_UNIT);
		r = isal_unit(in, st, out, room, &made, d);
		if (r < 0) {
			*got = done;
			return r;
		}
		if (r == UNIT_FALLBACK)
			goto fallback;
		if (staged) {
			size_t n = made < cap - done ? made : cap - done;
			memcpy(dst + done, st->stage, n);
			st->stage_pos = n;
			st->stage_len = made;
			done += n;
			break;
		}
		done += made;
	}
	*got = done;
	return INPUT_OK;

fallback:
	isal_fallback(in, st, done);
	*got = done;
	return read_member(in, st, dst, cap, got, d);
}

/* Hand out what the staging buffer still holds of a unit. */
static size_t isal_unstage(struct input_state *st, char *dst, size_t cap)
{
	size_t n = st->stage_len - st->stage_pos;
	if (n > cap)
		n = cap;
	memcpy(dst, st->stage + st->stage_pos, n);
	st->stage_pos += n;
	return n;
}
#endif

const char *input_inflate_backend(void)
{
#ifdef CDRSIFT_ISAL
	const char *e = getenv("CDRSIFT_INFLATE");
	if (!e || strcmp(e, "zlib") != 0)
		return "isal";
#endif
	return "zlib";
}

int input_open(struct input *in, const char *path, struct diag *d)
{
	struct input_state *st;
	int is_path = path && strcmp(path, "-") != 0;
	int fd = 0;

	memset(in, 0, sizeof(*in));
	if (is_path) {
		do
			fd = open(path, O_RDONLY | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			struct buf esc = BUF_INIT;
			char tmp[128];
			int err = errno;
			buf_add_escaped(&esc, path, strlen(path), 256);
			diag_fail(d, DIAG_OPEN, "cannot open '%s': %s",
				  buf_cstr(&esc),
				  errno_text(err, tmp, sizeof(tmp)));
			buf_release(&esc);
			return -1;
		}
	}
	st = xcalloc(1, sizeof(*st));
	st->fd = fd;
	st->own_fd = is_path;
	st->md = EVP_MD_CTX_new();
	if (!st->md || EVP_DigestInit_ex(st->md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(st->md);
		if (st->own_fd)
			close(fd);
		free(st);
		return diag_error(d, "cannot initialise sha-256");
	}
	st->ibuf = xmalloc(IBUF_SIZE);
#ifdef CDRSIFT_ISAL
	/* ISA-L needs to read a member again if it stops: a regular file */
	if (!strcmp(input_inflate_backend(), "isal")) {
		struct stat sb;
		off_t pos = lseek(fd, 0, SEEK_CUR);
		if (pos >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
			st->base = (uint64_t)pos;
			st->use_isal = 1;
		}
	}
#endif
	in->name = is_path ? path : "-";
	in->priv = st;
	return 0;
}

int input_read(struct input *in, char *dst, size_t cap, size_t *got,
	       struct diag *d)
{
	struct input_state *st = in->priv;
	int ret = INPUT_OK;

	*got = 0;
	if (!st)
		BUG("input_read on a closed input");
	if (st->mode == MODE_START)
		ret = sniff(in, st, d);
	while (ret == INPUT_OK && *got == 0 && cap > 0) {
#ifdef CDRSIFT_ISAL
		if (st->stage_pos < st->stage_len) {
			*got = isal_unstage(st, dst, cap);
			break;
		}
#endif
		if (st->mode == MODE_PLAIN)
			ret = read_plain(in, st, dst, cap, got, d);
#ifdef CDRSIFT_ISAL
		else if (st->mode == MODE_MEMBER && st->member_isal)
			ret = read_member_isal(in, st, dst, cap, got, d);
#endif
		else if (st->mode == MODE_MEMBER)
			ret = read_member(in, st, dst, cap, got, d);
		else if (st->mode == MODE_BETWEEN)
			ret = next_member(in, st, d);
		else if (st->mode == MODE_STREAM)
			ret = read_stream(in, st, dst, cap, got, d);
		else
			break;
	}
	if (*got && in->head_len < sizeof(in->head)) {
		size_t n = sizeof(in->head) - in->head_len;
		n = n < *got ? n : *got;
		memcpy(in->head + in->head_len, dst, n);
		in->head_len += n;
	}
	in->bytes_out += *got;
	if (*got == 0 && st->mode == MODE_DONE)
		in->eof = 1;
	return ret;
}

void input_sha256_hex(const struct input *in, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[in->sha256[i] >> 4];
		out[2 * i + 1] = hex[in->sha256[i] & 15];
	}
	out[64] = '\0';
}

void input_close(struct input *in)
{
	struct input_state *st = in->priv;
	if (!st)
		return;
	if (st->z_ready)
		inflateEnd(&st->zs);
#ifdef CDRSIFT_ISAL
	free(st->is);
	free(st->stage);
#endif
	free(st->scratch);
	if (st->la)
		archive_read_free(st->la);
	unstream_free(st->us);
	EVP_MD_CTX_free(st->md);
	if (st->own_fd)
		close(st->fd);
	free(st->ibuf);
	free(st);
	in->priv = NULL;
}
