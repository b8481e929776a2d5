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
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "buf.h"
#include "xalloc.h"
#include "banned.h"

#define IBUF_SIZE ((size_t)1 << 20)
/* largest avail_in/avail_out handed to zlib: uInt may be 32 bits */
#define ZCHUNK_MAX ((size_t)1 << 30)

enum input_mode {
	MODE_START,   /* nothing read yet: the magic bytes decide */
	MODE_PLAIN,   /* not gzip: bytes pass through unchanged */
	MODE_MEMBER,  /* inside a gzip member */
	MODE_BETWEEN, /* after a member's trailer: next member, padding or end */
	MODE_DONE,    /* end of input, damage or I/O error: reads return 0 */
};

struct input_state {
	int fd;                /* file descriptor (0 for stdin) */
	int own_fd;            /* 1 when input_close must close 'fd' */
	enum input_mode mode;  /* see the diagram above */
	unsigned char *ibuf;   /* IBUF_SIZE bytes of raw input */
	size_t ipos;           /* next unconsumed byte in 'ibuf' */
	size_t ilen;           /* bytes held; ibuf[ilen-1] is file byte bytes_in-1 */
	int read_eof;          /* read(2) has returned 0 */
	z_stream zs;           /* inflate state, valid when 'z_ready' */
	int z_ready;           /* inflateInit2 succeeded; inflateEnd pending */
	EVP_MD_CTX *md;        /* SHA-256 of every byte read; NULL once final */
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
	return in->bytes_in - (st->ilen - st->ipos);
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
	diag_error(d, "read error at offset %" PRIu64 ": %s", in->bytes_in,
		   errno_text(err, tmp, sizeof(tmp)));
	return INPUT_IOERR;
}

/*
 * Read more of the file until at least 'want' unconsumed bytes are held or
 * the file ends, hashing and counting everything read. Unconsumed bytes are
 * moved to the front of the buffer first; 'want' is small (at most 2) or the
 * buffer is empty, so the move is cheap.
 */
static int fill(struct input *in, struct input_state *st, struct diag *d,
		size_t want)
{
	while (st->ilen - st->ipos < want && !st->read_eof) {
		ssize_t n;
		if (st->ipos > 0) {
			memmove(st->ibuf, st->ibuf + st->ipos,
				st->ilen - st->ipos);
			st->ilen -= st->ipos;
			st->ipos = 0;
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
	while (!st->read_eof) {
		st->ipos = st->ilen;
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
	st->mode = MODE_DONE;
	finish_hash(in, st);
	return INPUT_DAMAGED;
}

static int start_member(struct input *in, struct input_state *st)
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
	in->members++;
	in->member_start = in->bytes_out;
	st->mode = MODE_MEMBER;
	return INPUT_OK;
}

/* First call: gzip if the file starts with 1f 8b (or is the lone byte 1f). */
static int sniff(struct input *in, struct input_state *st, struct diag *d)
{
	size_t have;
	if (fill(in, st, d, 2) != INPUT_OK)
		return INPUT_IOERR;
	have = st->ilen - st->ipos;
	if (have > 0 && st->ibuf[0] == 0x1f &&
	    (have == 1 || st->ibuf[1] == 0x8b)) {
		in->is_gzip = 1;
		return start_member(in, st);
	}
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
		diag_error(d, "gzip member %u failed its CRC check at "
			   "compressed offset %" PRIu64, in->members, off - 4);
	else if (!strcmp(msg, "incorrect length check"))
		diag_error(d, "gzip member %u failed its length check at "
			   "compressed offset %" PRIu64, in->members, off - 4);
	else
		diag_error(d, "corrupt gzip data (%s) at compressed offset %"
			   PRIu64, msg, off);
	return damaged(in, st, d);
}

/*
 * Inflate the current member into 'dst' until 'dst' is full, the member
 * ends, or the input buffer is empty after some output (so that a slow pipe
 * does not hold back bytes already decoded).
 */
static int read_member(struct input *in, struct input_state *st, char *dst,
		       size_t cap, size_t *got, struct diag *d)
{
	size_t done = 0;
	for (;;) {
		size_t avail_in = st->ilen - st->ipos, avail_out = cap - done;
		uInt zin = (uInt)(avail_in < ZCHUNK_MAX ? avail_in : ZCHUNK_MAX);
		uInt zout = (uInt)(avail_out < ZCHUNK_MAX ? avail_out : ZCHUNK_MAX);
		int ret;

		st->zs.next_in = st->ibuf + st->ipos;
		st->zs.avail_in = zin;
		st->zs.next_out = (unsigned char *)dst + done;
		st->zs.avail_out = zout;
		ret = inflate(&st->zs, Z_NO_FLUSH);
		st->ipos += zin - st->zs.avail_in;
		done += zout - st->zs.avail_out;
		*got = done;

		if (ret == Z_STREAM_END) {
			st->mode = MODE_BETWEEN;
			return INPUT_OK;
		}
		if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT)
			return inflate_failed(in, st, d);
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			BUG("inflate returned %d", ret);
		if (done == cap)
			return INPUT_OK;
		if (st->ipos < st->ilen)
			continue;
		/* inflate wants more input */
		if (done > 0)
			return INPUT_OK;
		if (st->read_eof) {
			diag_error(d, "truncated gzip stream at compressed "
				   "offset %" PRIu64, in->bytes_in);
			return damaged(in, st, d);
		}
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
}

static int trailing_garbage(struct input *in, struct input_state *st,
			    struct diag *d, uint64_t off)
{
	diag_error(d, "trailing garbage after gzip member %u at compressed "
		   "offset %" PRIu64, in->members, off);
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
		if (st->read_eof)
			break;
		if (fill(in, st, d, 1) != INPUT_OK)
			return INPUT_IOERR;
	}
	in->zero_padding = zeros;
	st->mode = MODE_DONE;
	finish_hash(in, st);
	return INPUT_OK;
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
			diag_error(d, "cannot open '%s': %s", buf_cstr(&esc),
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
		if (st->mode == MODE_PLAIN)
			ret = read_plain(in, st, dst, cap, got, d);
		else if (st->mode == MODE_MEMBER)
			ret = read_member(in, st, dst, cap, got, d);
		else if (st->mode == MODE_BETWEEN)
			ret = next_member(in, st, d);
		else
			break;
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
	EVP_MD_CTX_free(st->md);
	if (st->own_fd)
		close(st->fd);
	free(st->ibuf);
	free(st);
	in->priv = NULL;
}
