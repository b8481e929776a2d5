/*
 * test_input.c - input.c against gzip streams built at run time with zlib's
 * deflate(): members, truncation in header, data and trailer, CRC and length
 * failures, corrupt data, trailing garbage, zero padding, plain and empty
 * files. Every case is read with several caller buffer sizes, and the output,
 * the message, the SHA-256 and the counters must agree with an oracle.
 * Suite "input" reads with the default inflate (ISA-L when built with it:
 * then every member of a clean file must be ISA-L's), "input_zlib" the same
 * cases with CDRSIFT_INFLATE=zlib; test_input_isal.c compares the two.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>
#include <zlib.h>

#include "../../src/buf.h"
#include "../../src/diag.h"
#include "../../src/input.h"
#include "../../src/xalloc.h"
#include "../../src/banned.h"

/* What reading one file must give, whatever the caller's buffer size. */
struct expect {
	const char *name;         /* case name, also the file name */
	const struct buf *file;   /* the file's bytes */
	const void *out;          /* expected output, or NULL: only compare caps */
	size_t out_len;           /* bytes in 'out' */
	int status;               /* INPUT_OK or INPUT_DAMAGED */
	const char *msg;          /* exact message, or NULL for none */
	int msg_is_prefix;        /* 1: 'msg' only starts the message */
	int is_gzip;              /* expected 'is_gzip' */
	unsigned members;         /* expected 'members' at the end */
	const uint64_t *starts;   /* output offset of each member; NULL: {0} */
	uint64_t zero_padding;    /* expected 'zero_padding' */
	int big;                  /* 1: skip the tiny caller buffers */
};

/* The result of reading a file to its end with one caller buffer size. */
struct run {
	struct buf out;     /* every byte returned */
	struct buf msg;     /* the diag message, empty when none was set */
	int status;         /* first status other than INPUT_OK, or INPUT_OK */
	int boundary_bad;   /* calls whose bytes were not all in one member */
	int after_ok;       /* the call after the last returned 0, INPUT_OK */
	struct input in;    /* the public fields after input_close */
};

static const size_t caps[] = { 1, 7, 4096, (size_t)1 << 20 };

static void check_int(const char *ctx, const char *what, long long got,
		      long long want, int line)
{
	char label[200];
	snprintf(label, sizeof(label), "%s: %s", ctx, what);
	check_report(got == want, __FILE__, line, label,
		     "got %lld, expected %lld", got, want);
}
#define CK_INT(ctx, what, got, want)                                           \
	check_int(ctx, what, (long long)(got), (long long)(want), __LINE__)

static void check_str(const char *ctx, const char *what, const char *got,
		      const char *want, int line)
{
	char label[200];
	snprintf(label, sizeof(label), "%s: %s", ctx, what);
	check_report(strcmp(got, want) == 0, __FILE__, line, label,
		     "got \"%s\", expected \"%s\"", got, want);
}
#define CK_STR(ctx, what, got, want) check_str(ctx, what, got, want, __LINE__)

static void check_bytes(const char *ctx, const char *what,
			const struct buf *got, const void *want,
			size_t want_len, int line)
{
	char label[200];
	size_t i = 0, n = got->len < want_len ? got->len : want_len;
	while (i < n && got->data[i] == ((const char *)want)[i])
		i++;
	snprintf(label, sizeof(label), "%s: %s", ctx, what);
	check_report(got->len == want_len && i == n, __FILE__, line, label,
		     "got %zu bytes, expected %zu, first difference at %zu",
		     got->len, want_len, i);
}
#define CK_BYTES(ctx, what, got, want, len)                                    \
	check_bytes(ctx, what, got, want, len, __LINE__)

/* Deflate 'len' bytes of 'data' into 'out' with 'flush' (gzip wrapper). */
static void deflate_feed(z_stream *zs, struct buf *out, const void *data,
			 size_t len, int flush)
{
	int ret;
	zs->next_in = (unsigned char *)data;
	zs->avail_in = (uInt)len;
	do {
		buf_grow(out, 65536);
		zs->next_out = (unsigned char *)out->data + out->len;
		zs->avail_out = (uInt)(out->alloc - out->len - 1);
		ret = deflate(zs, flush);
		out->len = out->alloc - 1 - zs->avail_out;
		out->data[out->len] = '\0';
	} while (zs->avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
}

/*
 * Append one gzip member holding 'len' bytes of 'data' to 'out'. When
 * 'split' is not NULL, the first '*split' bytes are followed by a full
 * flush and '*split' is replaced by the file offset where the next deflate
 * block starts (byte-aligned after the flush).
 */
static void gz_member(struct buf *out, const void *data, size_t len,
		      size_t *split)
{
	z_stream zs;
	size_t first = split ? *split : 0;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	if (split) {
		deflate_feed(&zs, out, data, first, Z_FULL_FLUSH);
		*split = out->len;
	}
	deflate_feed(&zs, out, (const char *)data + first, len - first,
		     Z_FINISH);
	deflateEnd(&zs);
}

static void le32(struct buf *out, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		buf_addch(out, (int)((v >> (8 * i)) & 0xff));
}

/*
 * A gzip member whose deflate data was made with a preset dictionary, which
 * gzip cannot carry: its first back-reference into the dictionary makes
 * inflate fail with "invalid distance too far back" mid-stream.
 */
static void gz_member_with_dict(struct buf *out, const void *data,
				size_t len, const void *dict, size_t dict_len)
{
	static const unsigned char header[10] = { 0x1f, 0x8b, 8, 0, 0, 0,
						  0, 0, 0, 3 };
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) !=
		    Z_OK ||
	    deflateSetDictionary(&zs, dict, (uInt)dict_len) != Z_OK)
		abort();
	buf_add(out, header, sizeof(header));
	deflate_feed(&zs, out, data, len, Z_FINISH);
	deflateEnd(&zs);
	le32(out, (uint32_t)crc32(0, data, (uInt)len));
	le32(out, (uint32_t)len);
}

/* What inflate makes of a single gzip member given all of it at once. */
static size_t oracle_inflate(const struct buf *gz, size_t len,
			     unsigned char *out, size_t cap)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		abort();
	zs.next_in = (unsigned char *)gz->data;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	(void)inflate(&zs, Z_NO_FLUSH);
	inflateEnd(&zs);
	return cap - zs.avail_out;
}

static void write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->data ? b->data : "", 1, b->len, f) != b->len ||
	    fclose(f) != 0)
		abort();
}

static int in_one_member(const struct expect *e, const struct input *in,
			 uint64_t before)
{
	static const uint64_t zero[1] = { 0 };
	const uint64_t *starts = e->starts ? e->starts : zero;
	unsigned m = in->members;
	uint64_t end;
	if (m == 0)
		return !in->is_gzip;
	if (m > e->members)
		return 0;
	end = m < e->members ? starts[m] : UINT64_MAX;
	return in->member_start == starts[m - 1] && before >= starts[m - 1] &&
	       in->bytes_out <= end;
}

static void read_all(const char *path, size_t cap, const struct expect *e,
		     struct run *r)
{
	struct diag d = DIAG_INIT;
	char *dst = xmalloc(cap); /* exactly 'cap': ASan sees any overrun */
	size_t got;
	int rc;

	memset(r, 0, sizeof(*r));
	if (input_open(&r->in, path, &d) != 0)
		abort();
	for (;;) {
		uint64_t before = r->in.bytes_out;
		rc = input_read(&r->in, dst, cap, &got, &d);
		buf_add(&r->out, dst, got);
		if (got && !in_one_member(e, &r->in, before))
			r->boundary_bad++;
		if (rc != INPUT_OK || got == 0)
			break;
	}
	r->status = rc;
	if (d.set)
		buf_adds(&r->msg, buf_cstr(&d.msg));
	rc = input_read(&r->in, dst, cap, &got, &d);
	r->after_ok = rc == INPUT_OK && got == 0 && r->in.eof;
	input_close(&r->in);
	input_close(&r->in); /* twice is safe */
	diag_release(&d);
	free(dst);
}

/*
 * Read the case's file with every caller buffer size and check everything
 * against 'e'; every size must give the same output and message. The output
 * and message of the first size are appended to 'out0' and 'msg0' when not
 * NULL, for checks the case adds.
 */
static void run_case(const struct expect *e, struct buf *out0,
		     struct buf *msg0)
{
	char path[512], ctx[160];
	unsigned char sha[32];
	struct buf first = BUF_INIT, first_msg = BUF_INIT;
	int have0 = 0;

	snprintf(path, sizeof(path), "%s/%s", test_tmp_dir(), e->name);
	write_file(path, e->file);
	SHA256((const unsigned char *)(e->file->data ? e->file->data : ""),
	       e->file->len, sha);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct run r;
		if (e->big && caps[i] < 4096)
			continue;
		snprintf(ctx, sizeof(ctx), "%s cap=%zu", e->name, caps[i]);
		read_all(path, caps[i], e, &r);
		CK_INT(ctx, "status", r.status, e->status);
		if (e->msg_is_prefix)
			CK_INT(ctx, "message prefix",
			       strncmp(buf_cstr(&r.msg), e->msg,
				       strlen(e->msg)), 0);
		else
			CK_STR(ctx, "message", buf_cstr(&r.msg),
			       e->msg ? e->msg : "");
		if (e->out)
			CK_BYTES(ctx, "output", &r.out, e->out, e->out_len);
		if (have0) {
			CK_BYTES(ctx, "output as with the first size", &r.out,
				 first.data, first.len);
			CK_STR(ctx, "message as with the first size",
			       buf_cstr(&r.msg), buf_cstr(&first_msg));
		}
		CK_INT(ctx, "bytes_out", r.in.bytes_out, r.out.len);
		CK_INT(ctx, "bytes_in is the file size", r.in.bytes_in,
		       e->file->len);
		check_report(memcmp(r.in.sha256, sha, 32) == 0, __FILE__,
			     __LINE__, ctx, "%s", "sha256 differs");
		CK_INT(ctx, "eof, then 0 bytes and INPUT_OK", r.after_ok, 1);
		CK_INT(ctx, "damaged", r.in.damaged, e->status != INPUT_OK);
		CK_INT(ctx, "is_gzip", r.in.is_gzip, e->is_gzip);
		CK_INT(ctx, "members", r.in.members, e->members);
		CK_INT(ctx, "zero_padding", r.in.zero_padding, e->zero_padding);
		if (strcmp(input_inflate_backend(), "isal"))
			CK_INT(ctx, "no member inflated by ISA-L",
			       r.in.isal_members, 0);
		else if (e->status == INPUT_OK)
			CK_INT(ctx, "every member inflated by ISA-L",
			       r.in.isal_members, e->members);
		else
			CK_INT(ctx, "ISA-L members at most the members",
			       r.in.isal_members <= r.in.members, 1);
		CK_INT(ctx, "calls within one member", r.boundary_bad, 0);
		if (!have0) {
			buf_add(&first, r.out.data, r.out.len);
			buf_add(&first_msg, r.msg.data, r.msg.len);
			have0 = 1;
		}
		buf_release(&r.out);
		buf_release(&r.msg);
	}
	if (out0)
		buf_add(out0, first.data, first.len);
	if (msg0)
		buf_add(msg0, first_msg.data, first_msg.len);
	buf_release(&first);
	buf_release(&first_msg);
}

/* A copy of the first 'len' bytes of 'src', plus 'tail_len' bytes of 'tail'. */
static void splice(struct buf *dst, const struct buf *src, size_t len,
		   const void *tail, size_t tail_len)
{
	buf_reset(dst);
	buf_add(dst, src->data, len);
	buf_add(dst, tail, tail_len);
}

static void test_members(const struct buf *rows)
{
	struct buf gz = BUF_INIT;
	size_t a = rows->len / 3, b = rows->len - rows->len / 5;
	uint64_t starts[3];

	gz_member(&gz, rows->data, rows->len, NULL);
	run_case(&(struct expect){ .name = "single", .file = &gz,
				   .out = rows->data, .out_len = rows->len,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	/* three members, the middle one empty */
	buf_reset(&gz);
	gz_member(&gz, rows->data, a, NULL);
	gz_member(&gz, "", 0, NULL);
	gz_member(&gz, rows->data + a, rows->len - a, NULL);
	starts[0] = 0, starts[1] = a, starts[2] = a;
	run_case(&(struct expect){ .name = "multi3", .file = &gz,
				   .out = rows->data, .out_len = rows->len,
				   .is_gzip = 1, .members = 3,
				   .starts = starts }, NULL, NULL);

	/* two members split in the middle of a line */
	while (rows->data[b] == '\n' || rows->data[b - 1] == '\n')
		b++;
	buf_reset(&gz);
	gz_member(&gz, rows->data, b, NULL);
	gz_member(&gz, rows->data + b, rows->len - b, NULL);
	starts[1] = b;
	run_case(&(struct expect){ .name = "split-line", .file = &gz,
				   .out = rows->data, .out_len = rows->len,
				   .is_gzip = 1, .members = 2,
				   .starts = starts }, NULL, NULL);

	/* gzip inside gzip: the outer layer only */
	{
		struct buf inner = BUF_INIT;
		gz_member(&inner, rows->data, rows->len, NULL);
		buf_reset(&gz);
		gz_member(&gz, inner.data, inner.len, NULL);
		run_case(&(struct expect){ .name = "gz-in-gz", .file = &gz,
					   .out = inner.data,
					   .out_len = inner.len, .is_gzip = 1,
					   .members = 1 }, NULL, NULL);
		buf_release(&inner);
	}
	buf_release(&gz);
}

static void test_truncated(const struct buf *rows)
{
	struct buf gz = BUF_INIT, cut = BUF_INIT;
	unsigned char *want = xmalloc(rows->len);
	char msg[128], name[64];
	size_t sizes[8];

	gz_member(&gz, rows->data, rows->len, NULL);
	sizes[0] = 1;            /* the lone magic byte 1f */
	sizes[1] = 5;            /* in the header */
	sizes[2] = 10;           /* the header and nothing else */
	sizes[3] = gz.len / 2;   /* in the deflate data */
	sizes[4] = gz.len - 8;   /* all data, no trailer */
	sizes[5] = gz.len - 5;   /* in the CRC */
	sizes[6] = gz.len - 1;   /* in the length */
	sizes[7] = gz.len - 4;   /* CRC whole, no length */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = oracle_inflate(&gz, sizes[i], want, rows->len);
		splice(&cut, &gz, sizes[i], "", 0);
		snprintf(name, sizeof(name), "truncated-at-%zu", sizes[i]);
		snprintf(msg, sizeof(msg),
			 "truncated gzip stream at compressed offset %zu",
			 sizes[i]);
		CK_INT(name, "oracle output is a prefix of the data",
		       memcmp(want, rows->data, n), 0);
		if (sizes[i] >= gz.len - 8)
			CK_INT(name, "oracle output is all the data", n,
			       rows->len);
		if (i == 3)
			CK_INT(name, "oracle output is not empty", n > 0, 1);
		run_case(&(struct expect){ .name = name, .file = &cut,
					   .out = want, .out_len = n,
					   .status = INPUT_DAMAGED, .msg = msg,
					   .is_gzip = 1, .members = 1 }, NULL, NULL);
	}

	/* a truncated second member */
	{
		size_t a = rows->len / 2;
		uint64_t starts[2] = { 0, a };
		buf_reset(&cut);
		gz_member(&cut, rows->data, a, NULL);
		gz_member(&cut, rows->data + a, rows->len - a, NULL);
		cut.len -= 3;
		snprintf(msg, sizeof(msg),
			 "truncated gzip stream at compressed offset %zu",
			 cut.len);
		run_case(&(struct expect){ .name = "truncated-member-2",
					   .file = &cut, .out = rows->data,
					   .out_len = rows->len,
					   .status = INPUT_DAMAGED, .msg = msg,
					   .is_gzip = 1, .members = 2,
					   .starts = starts }, NULL, NULL);
	}

	/* a lone 1f after a good member reads as a truncated member */
	splice(&cut, &gz, gz.len, "\x1f", 1);
	snprintf(msg, sizeof(msg),
		 "truncated gzip stream at compressed offset %zu", cut.len);
	{
		uint64_t starts[2] = { 0, rows->len };
		run_case(&(struct expect){ .name = "lone-1f-after-member",
					   .file = &cut, .out = rows->data,
					   .out_len = rows->len,
					   .status = INPUT_DAMAGED, .msg = msg,
					   .is_gzip = 1, .members = 2,
					   .starts = starts }, NULL, NULL);
	}
	free(want);
	buf_release(&gz);
	buf_release(&cut);
}

static void test_checks(const struct buf *rows)
{
	struct buf gz = BUF_INIT, bad = BUF_INIT;
	size_t a = rows->len / 2, m1;
	uint64_t starts[2] = { 0, a };
	char msg[128];

	gz_member(&gz, rows->data, rows->len, NULL);
	splice(&bad, &gz, gz.len, "", 0);
	bad.data[bad.len - 8] ^= 0x01;
	snprintf(msg, sizeof(msg), "gzip member 1 failed its CRC check at "
		 "compressed offset %zu", gz.len - 8);
	run_case(&(struct expect){ .name = "crc", .file = &bad,
				   .out = rows->data, .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	splice(&bad, &gz, gz.len, "", 0);
	bad.data[bad.len - 1] ^= 0x40;
	snprintf(msg, sizeof(msg), "gzip member 1 failed its length check at "
		 "compressed offset %zu", gz.len - 4);
	run_case(&(struct expect){ .name = "length", .file = &bad,
				   .out = rows->data, .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	/* the first of two members fails: the second is not read */
	buf_reset(&bad);
	gz_member(&bad, rows->data, a, NULL);
	m1 = bad.len;
	gz_member(&bad, rows->data + a, rows->len - a, NULL);
	bad.data[m1 - 7] ^= 0x80;
	snprintf(msg, sizeof(msg), "gzip member 1 failed its CRC check at "
		 "compressed offset %zu", m1 - 8);
	run_case(&(struct expect){ .name = "crc-member-1-of-2", .file = &bad,
				   .out = rows->data, .out_len = a,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	bad.data[m1 - 7] ^= 0x80;
	bad.data[bad.len - 6] ^= 0x02;
	snprintf(msg, sizeof(msg), "gzip member 2 failed its CRC check at "
		 "compressed offset %zu", bad.len - 8);
	run_case(&(struct expect){ .name = "crc-member-2-of-2", .file = &bad,
				   .out = rows->data, .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 2,
				   .starts = starts }, NULL, NULL);
	buf_release(&gz);
	buf_release(&bad);
}

static void test_corrupt(const struct buf *rows)
{
	struct buf gz = BUF_INIT, out = BUF_INIT, msg0 = BUF_INIT;
	struct buf uniq = BUF_INIT;
	size_t split = rows->len / 2, at;
	char msg[128];
	const char *prefix = "corrupt gzip data (invalid distance too far "
			     "back) at compressed offset ";
	unsigned long long off;
	char *end;

	/* a reserved block type right after a full flush: exact offset */
	gz_member(&gz, rows->data, rows->len, &split);
	at = split;
	gz.data[at] |= 0x06;
	snprintf(msg, sizeof(msg), "corrupt gzip data (invalid block type) at "
		 "compressed offset %zu", at + 1);
	run_case(&(struct expect){ .name = "bad-block-type", .file = &gz,
				   .out = rows->data,
				   .out_len = rows->len / 2,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	/* a back-reference before the start of the output, mid-stream */
	for (int i = 0; i < 3000; i++)
		buf_addch(&uniq, 'g' + (i * 7 + i / 19) % 20);
	buf_add(&uniq, rows->data, rows->len);
	buf_reset(&gz);
	gz_member_with_dict(&gz, uniq.data, uniq.len, rows->data, 4096);
	run_case(&(struct expect){ .name = "too-far-back", .file = &gz,
				   .status = INPUT_DAMAGED, .msg = prefix,
				   .msg_is_prefix = 1, .is_gzip = 1,
				   .members = 1 }, &out, &msg0);
	off = strtoull(buf_cstr(&msg0) + strlen(prefix), &end, 10);
	CHECK(*end == '\0' && off > 10 && off < gz.len - 8);
	CHECK(out.len >= 3000 && out.len < uniq.len);
	CHECK(memcmp(out.data, uniq.data, out.len) == 0);
	buf_release(&gz);
	buf_release(&out);
	buf_release(&msg0);
	buf_release(&uniq);
}

static void test_trailing(const struct buf *rows)
{
	struct buf gz = BUF_INIT, f = BUF_INIT, zeros = BUF_INIT;
	char msg[128];
	size_t a = rows->len / 4;
	uint64_t starts[2] = { 0, a };

	gz_member(&gz, rows->data, rows->len, NULL);
	snprintf(msg, sizeof(msg), "trailing garbage after gzip member 1 at "
		 "compressed offset %zu", gz.len);

	splice(&f, &gz, gz.len, "GARBAGE\n", 8);
	run_case(&(struct expect){ .name = "garbage", .file = &f,
				   .out = rows->data, .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	splice(&f, &gz, gz.len, "\x1f\x8a\x08", 3);
	run_case(&(struct expect){ .name = "garbage-1f-not-8b", .file = &f,
				   .out = rows->data, .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	/* zeros and then something else: garbage from the first zero */
	buf_grow(&zeros, 100);
	memset(zeros.data, 0, 100);
	zeros.len = 100;
	zeros.data[99] = 'x';
	splice(&f, &gz, gz.len, zeros.data, 100);
	run_case(&(struct expect){ .name = "zeros-then-garbage", .file = &f,
				   .out = rows->data, .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);

	zeros.data[99] = 0;
	splice(&f, &gz, gz.len, zeros.data, 100);
	run_case(&(struct expect){ .name = "zero-padding", .file = &f,
				   .out = rows->data, .out_len = rows->len,
				   .is_gzip = 1, .members = 1,
				   .zero_padding = 100 }, NULL, NULL);

	/* padding longer than the reader's 1 MiB buffer */
	buf_grow(&zeros, (3u << 19) + 7);
	memset(zeros.data, 0, (3u << 19) + 7);
	splice(&f, &gz, gz.len, zeros.data, (3u << 19) + 7);
	run_case(&(struct expect){ .name = "zero-padding-big", .file = &f,
				   .out = rows->data, .out_len = rows->len,
				   .is_gzip = 1, .members = 1,
				   .zero_padding = (3u << 19) + 7 }, NULL, NULL);

	/* garbage after the second member names member 2 */
	buf_reset(&f);
	gz_member(&f, rows->data, a, NULL);
	gz_member(&f, rows->data + a, rows->len - a, NULL);
	snprintf(msg, sizeof(msg), "trailing garbage after gzip member 2 at "
		 "compressed offset %zu", f.len);
	buf_add(&f, "\r\n", 2);
	run_case(&(struct expect){ .name = "garbage-after-member-2",
				   .file = &f, .out = rows->data,
				   .out_len = rows->len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 2,
				   .starts = starts }, NULL, NULL);
	buf_release(&gz);
	buf_release(&f);
	buf_release(&zeros);
}

static void test_plain(const struct buf *rows)
{
	struct buf f = BUF_INIT;

	run_case(&(struct expect){ .name = "plain", .file = rows,
				   .out = rows->data, .out_len = rows->len },
		 NULL, NULL);
	splice(&f, rows, 0, "\x1f\x8a plain", 8);
	run_case(&(struct expect){ .name = "plain-1f", .file = &f,
				   .out = f.data, .out_len = f.len }, NULL, NULL);
	splice(&f, rows, 0, "x", 1);
	run_case(&(struct expect){ .name = "plain-1-byte", .file = &f,
				   .out = f.data, .out_len = f.len }, NULL, NULL);
	splice(&f, rows, 0, "", 0);
	run_case(&(struct expect){ .name = "empty", .file = &f, .out = "",
				   .out_len = 0 }, NULL, NULL);
	buf_release(&f);
}

/* Input larger than the reader's buffer: stored and coded blocks. */
static void test_big(void)
{
	struct buf data = BUF_INIT, gz = BUF_INIT;
	uint32_t x = 2463534242u;
	char msg[128];
	uint64_t starts[2];

	for (int i = 0; i < (3 << 19); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf_addch(&data, (int)(x & 0xff));
	}
	test_make_rows(&data, 20000, 7);
	starts[0] = 0, starts[1] = 1u << 20;
	gz_member(&gz, data.data, (size_t)starts[1], NULL);
	gz_member(&gz, data.data + starts[1], data.len - starts[1], NULL);
	run_case(&(struct expect){ .name = "big", .file = &gz,
				   .out = data.data, .out_len = data.len,
				   .is_gzip = 1, .members = 2, .starts = starts,
				   .big = 1 }, NULL, NULL);

	/*
	 * Damage long before the end of a file larger than the read buffer:
	 * the rest is still read and hashed (bytes_in, sha256).
	 */
	snprintf(msg, sizeof(msg), "trailing garbage after gzip member 2 at "
		 "compressed offset %zu", gz.len);
	buf_add(&gz, "GARBAGE\n", 8);
	buf_add(&gz, data.data, data.len);
	run_case(&(struct expect){ .name = "big-garbage", .file = &gz,
				   .out = data.data, .out_len = data.len,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 2, .starts = starts,
				   .big = 1 }, NULL, NULL);
	buf_reset(&gz);
	gz_member(&gz, "tiny\n", 5, NULL);
	gz.data[gz.len - 8] ^= 0x01;
	snprintf(msg, sizeof(msg), "gzip member 1 failed its CRC check at "
		 "compressed offset %zu", gz.len - 8);
	gz_member(&gz, data.data, data.len, NULL);
	run_case(&(struct expect){ .name = "big-crc", .file = &gz,
				   .out = "tiny\n", .out_len = 5,
				   .status = INPUT_DAMAGED, .msg = msg,
				   .is_gzip = 1, .members = 1 }, NULL, NULL);
	buf_release(&data);
	buf_release(&gz);
}

static void test_open(void)
{
	struct input in;
	struct diag d = DIAG_INIT;
	char path[512], hex[65], want[600];
	size_t got;

	snprintf(path, sizeof(path), "%s/no-such-file", test_tmp_dir());
	CHECK_EQ_INT(input_open(&in, path, &d), -1);
	snprintf(want, sizeof(want),
		 "cannot open '%s': No such file or directory", path);
	CHECK_EQ_STR(buf_cstr(&d.msg), want);
	input_close(&in);

	CHECK_EQ_INT(input_open(&in, "\x1b[31m", &d), -1);
	CHECK_EQ_STR(buf_cstr(&d.msg),
		     "cannot open '\\x1b[31m': No such file or directory");

	diag_clear(&d);
	CHECK_EQ_INT(input_open(&in, "-", &d), 0);
	CHECK_EQ_STR(in.name, "-");
	input_close(&in);
	CHECK_EQ_INT(input_open(&in, NULL, &d), 0);
	CHECK_EQ_STR(in.name, "-");
	input_close(&in);
	CHECK_EQ_INT(d.set, 0);

	/* a directory opens but cannot be read */
	CHECK_EQ_INT(input_open(&in, test_tmp_dir(), &d), 0);
	CHECK_EQ_INT(input_read(&in, hex, sizeof(hex), &got, &d), INPUT_IOERR);
	CHECK_EQ_INT(got, 0);
	CHECK_EQ_STR(buf_cstr(&d.msg), "read error at offset 0: Is a directory");
	CHECK(d.file == in.name);
	CHECK_EQ_INT(input_read(&in, hex, sizeof(hex), &got, &d), INPUT_OK);
	CHECK_EQ_INT(got, 0);
	input_close(&in);

	/* SHA-256 of no bytes, in hex */
	snprintf(path, sizeof(path), "%s/empty-sha", test_tmp_dir());
	write_file(path, &(struct buf)BUF_INIT);
	CHECK_EQ_INT(input_open(&in, path, &d), 0);
	CHECK_EQ_INT(input_read(&in, hex, sizeof(hex), &got, &d), INPUT_OK);
	CHECK_EQ_INT(in.eof, 1);
	input_sha256_hex(&in, hex);
	CHECK_EQ_STR(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			  "27ae41e4649b934ca495991b7852b855");
	input_close(&in);
	diag_release(&d);
}

static void input_cases(void)
{
	struct buf rows = BUF_INIT;
	test_make_rows(&rows, 1500, 1);
	test_members(&rows);
	test_truncated(&rows);
	test_checks(&rows);
	test_corrupt(&rows);
	test_trailing(&rows);
	test_plain(&rows);
	test_big();
	test_open();
	buf_release(&rows);
}

TEST_SUITE(input)
{
	input_cases();
}

/* The same cases and oracles with zlib alone (issue #5: the reference). */
TEST_SUITE(input_zlib)
{
	const char *saved = getenv("CDRSIFT_INFLATE");
	char *keep = saved ? xstrndup(saved, strlen(saved)) : NULL;
	setenv("CDRSIFT_INFLATE", "zlib", 1);
	CHECK_EQ_STR(input_inflate_backend(), "zlib");
	input_cases();
	if (keep)
		setenv("CDRSIFT_INFLATE", keep, 1);
	else
		unsetenv("CDRSIFT_INFLATE");
	free(keep);
}
