/*
 * test_input_isal.c - input.c's ISA-L fast path against zlib, the reference
 * (issue #5). Every file is read with CDRSIFT_INFLATE=zlib and without it,
 * with several caller buffer sizes, and all that input.h promises must
 * agree: bytes, message, status, counters, member starts and SHA-256.
 * Cases: clean members with every optional header field, headers zlib
 * rejects, truncation at every length, bit flips, and damage far into a
 * member larger than the read buffer, so that zlib must read the member
 * again. Built without ISA-L, both reads are zlib's and must still agree.
 *
 * One difference is known (input.c says why): ISA-L 2.30 accepts a block
 * whose Huffman code is incomplete, which zlib rejects. With small caller
 * buffers a header bit flip can make one, and ISA-L then delivers bytes
 * past zlib's stop. Such a case passes only as exactly that: zlib's message
 * names an incomplete code and its bytes are a prefix of ISA-L's.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../../src/buf.h"
#include "../../src/diag.h"
#include "../../src/input.h"
#include "../../src/xalloc.h"
#include "../../src/banned.h"

#define MAX_MEMBERS 8

/* Everything one read of a file to its end shows. */
struct outcome {
	struct buf out;                  /* every byte returned */
	struct buf msg;                  /* the message, empty when none */
	int status;                      /* first status other than INPUT_OK */
	struct input in;                 /* the public fields at the end */
	uint64_t starts[MAX_MEMBERS];    /* 'member_start' seen per member */
};

/* A summary of how the groups went, for the closing note. */
static unsigned known_differences;

static void outcome_release(struct outcome *o)
{
	buf_release(&o->out);
	buf_release(&o->msg);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
		abort();
}

/* Read 'path' to its end with 'cap'-byte calls and backend 'zlib' or not. */
static void read_outcome(const char *path, size_t cap, int zlib,
			 struct outcome *o)
{
	struct diag d = DIAG_INIT;
	char *dst = xmalloc(cap);
	size_t got;
	int rc;

	if (zlib)
		setenv("CDRSIFT_INFLATE", "zlib", 1);
	else
		unsetenv("CDRSIFT_INFLATE");
	memset(o, 0, sizeof(*o));
	if (input_open(&o->in, path, &d) != 0)
		abort();
	for (;;) {
		rc = input_read(&o->in, dst, cap, &got, &d);
		buf_add(&o->out, dst, got);
		if (o->in.members >= 1 && o->in.members <= MAX_MEMBERS)
			o->starts[o->in.members - 1] = o->in.member_start;
		if (rc != INPUT_OK || got == 0)
			break;
	}
	o->status = rc;
	if (d.set)
		buf_adds(&o->msg, buf_cstr(&d.msg));
	input_close(&o->in);
	diag_release(&d);
	free(dst);
	unsetenv("CDRSIFT_INFLATE");
}

/* First difference between 'a' (ISA-L) and 'b' (zlib), or NULL. */
static const char *difference(const struct outcome *a,
			      const struct outcome *b)
{
	if (a->out.len != b->out.len ||
	    (a->out.len && memcmp(a->out.data, b->out.data, a->out.len)))
		return "output";
	if (strcmp(buf_cstr(&a->msg), buf_cstr(&b->msg)))
		return "message";
	if (a->status != b->status || a->in.damaged != b->in.damaged)
		return "status";
	if (a->in.bytes_in != b->in.bytes_in ||
	    a->in.bytes_out != b->in.bytes_out || a->in.eof != b->in.eof)
		return "counters";
	if (a->in.is_gzip != b->in.is_gzip || a->in.members != b->in.members ||
	    memcmp(a->starts, b->starts, sizeof(a->starts)))
		return "members";
	if (a->in.zero_padding != b->in.zero_padding)
		return "zero padding";
	if (memcmp(a->in.sha256, b->in.sha256, 32))
		return "sha256";
	return NULL;
}

/*
 * The documented difference (see the banner), and nothing else: ISA-L reads
 * whole a member zlib rejects, or it delivers more than zlib, which it can
 * only when its bytes filled the caller's 'cap'-byte buffer.
 */
static int known_difference(const struct outcome *a, const struct outcome *b,
			    size_t cap)
{
	static const char *const sets[] = {
		"(invalid code lengths set)", "(invalid literal/lengths set)",
		"(invalid distances set)" };
	const char *zmsg = buf_cstr(&b->msg);
	int named = 0;

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		named |= strstr(zmsg, sets[i]) != NULL;
	return named && b->status == INPUT_DAMAGED &&
	       a->out.len >= b->out.len &&
	       (!b->out.len || !memcmp(a->out.data, b->out.data, b->out.len)) &&
	       (a->status == INPUT_OK ||
		(!strcmp(buf_cstr(&a->msg), zmsg) && cap <= a->out.len)) &&
	       a->in.bytes_in == b->in.bytes_in &&
	       !memcmp(a->in.sha256, b->in.sha256, 32);
}

/*
 * A group of cases: each is written to a file and read with both backends
 * at each of 'ncaps' sizes. Counts the cases that disagree and keeps the
 * first one's description; check_group() reports.
 */
struct group {
	const char *name;  /* what the cases are */
	const size_t *caps; /* caller buffer sizes */
	size_t ncaps;      /* entries in 'caps' */
	unsigned cases;    /* cases read */
	unsigned bad;      /* cases that disagree */
	unsigned known;    /* cases that differ only as documented */
	int strict;        /* 1: not even the documented difference */
	unsigned fast;     /* reads in which ISA-L inflated a whole member */
	char first[300];   /* the first disagreement */
};

static void group_case(struct group *g, const char *label, const void *data,
		       size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/isal-case", test_tmp_dir());
	write_file(path, data, len);
	g->cases++;
	for (size_t i = 0; i < g->ncaps; i++) {
		struct outcome a, b;
		const char *what;
		read_outcome(path, g->caps[i], 0, &a);
		read_outcome(path, g->caps[i], 1, &b);
		g->fast += a.in.isal_members > 0;
		what = difference(&a, &b);
		if (what && !g->strict && known_difference(&a, &b,
							   g->caps[i])) {
			g->known++;
		} else if (what || b.in.isal_members != 0) {
			if (!g->bad++)
				snprintf(g->first, sizeof(g->first),
					 "%s, cap %zu: %s differs (ISA-L %zu "
					 "bytes \"%s\", zlib %zu bytes \"%s\")",
					 label, g->caps[i],
					 what ? what : "zlib's isal_members",
					 a.out.len, buf_cstr(&a.msg),
					 b.out.len, buf_cstr(&b.msg));
		}
		outcome_release(&a);
		outcome_release(&b);
		if (what)
			break; /* one size is enough to report a case */
	}
}

static void check_group(struct group *g, int line)
{
	char what[200];
	snprintf(what, sizeof(what), "%s: %u cases read alike by ISA-L and "
		 "zlib", g->name, g->cases);
	check_report(g->bad == 0 && g->cases > 0, __FILE__, line, what, "%u "
		     "disagree; first: %s", g->bad, g->first);
	known_differences += g->known;
}
#define CHECK_GROUP(g) check_group(g, __LINE__)

/* Raw deflate of 'len' bytes of 'data' appended to 'out'. */
static void raw_deflate(struct buf *out, const void *data, size_t len,
			int level)
{
	z_stream zs;
	int ret;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	do {
		buf_grow(out, 65536);
		zs.next_out = (unsigned char *)out->data + out->len;
		zs.avail_out = (uInt)(out->alloc - out->len - 1);
		ret = deflate(&zs, Z_FINISH);
		out->len = out->alloc - 1 - zs.avail_out;
		out->data[out->len] = '\0';
	} while (ret != Z_STREAM_END);
	deflateEnd(&zs);
}

static void le32(struct buf *out, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		buf_addch(out, (int)((v >> (8 * i)) & 0xff));
}

/*
 * Append a gzip member of 'data' whose header has the flags 'flg' (FEXTRA
 * with 'xlen' bytes of extra field, FNAME, FCOMMENT, FHCRC) and method
 * 'cm'; 'bad_hcrc' stores a wrong header CRC.
 */
static void gz_member_hdr(struct buf *out, const void *data, size_t len,
			  int flg, int cm, size_t xlen, int bad_hcrc)
{
	size_t start = out->len;
	unsigned char h[10] = { 0x1f, 0x8b, 0, 0, 1, 2, 3, 4, 0, 3 };
	h[2] = (unsigned char)cm;
	h[3] = (unsigned char)flg;
	buf_add(out, h, sizeof(h));
	if (flg & 4) {
		buf_addch(out, (int)(xlen & 0xff));
		buf_addch(out, (int)(xlen >> 8));
		for (size_t i = 0; i < xlen; i++)
			buf_addch(out, 'x' + (int)(i % 3));
	}
	if (flg & 8)
		buf_add(out, "calls.csv", 10);
	if (flg & 16)
		buf_add(out, "exported by switch 7", 21);
	if (flg & 2) {
		uLong c = crc32(0, (const unsigned char *)out->data + start,
				(uInt)(out->len - start));
		if (bad_hcrc)
			c ^= 1;
		buf_addch(out, (int)(c & 0xff));
		buf_addch(out, (int)((c >> 8) & 0xff));
	}
	raw_deflate(out, data, len, 6);
	le32(out, (uint32_t)crc32(0, data, (uInt)len));
	le32(out, (uint32_t)len);
}

static void gz_member(struct buf *out, const void *data, size_t len)
{
	gz_member_hdr(out, data, len, 0, 8, 0, 0);
}

static const size_t all_caps[] = { 1, 7, 4096, (size_t)1 << 20 };
static const size_t few_caps[] = { 7, (size_t)1 << 20 };

static void test_clean_and_headers(const struct buf *rows)
{
	struct group g = { .name = "clean members and header fields",
			   .caps = all_caps, .ncaps = 4 };
	struct buf f = BUF_INIT, big = BUF_INIT;
	static const struct {
		const char *label;
		int flg, cm, bad_hcrc;
		size_t xlen;
	} hdrs[] = {
		{ "plain header", 0, 8, 0, 0 },
		{ "FTEXT", 1, 8, 0, 0 },
		{ "FNAME", 8, 8, 0, 0 },
		{ "FCOMMENT", 16, 8, 0, 0 },
		{ "FEXTRA", 4, 8, 0, 40 },
		{ "FEXTRA, empty", 4, 8, 0, 0 },
		{ "FHCRC", 2, 8, 0, 0 },
		{ "all fields", 2 | 4 | 8 | 16, 8, 0, 300 },
		{ "wrong FHCRC", 2 | 8, 8, 1, 0 },
		{ "reserved flag 0x20", 0x20, 8, 0, 0 },
		{ "reserved flag 0x80", 0x88, 8, 0, 0 },
		{ "method 7", 0, 7, 0, 0 },
		{ "FEXTRA 65535 bytes", 4, 8, 0, 65535 },
	};

	for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		buf_reset(&f);
		gz_member_hdr(&f, rows->data, rows->len, hdrs[i].flg,
			      hdrs[i].cm, hdrs[i].xlen, hdrs[i].bad_hcrc);
		group_case(&g, hdrs[i].label, f.data, f.len);
		/* the same header on a second member */
		buf_reset(&f);
		gz_member(&f, rows->data, 100);
		gz_member_hdr(&f, rows->data + 100, rows->len - 100,
			      hdrs[i].flg, hdrs[i].cm, hdrs[i].xlen,
			      hdrs[i].bad_hcrc);
		group_case(&g, hdrs[i].label, f.data, f.len);
	}

	/* a name longer than the read buffer: zlib's alone, and clean */
	buf_reset(&f);
	buf_add(&f, "\x1f\x8b\x08\x08\0\0\0\0\0\x03", 10);
	for (size_t i = 0; i < ((size_t)5 << 18); i++)
		buf_addch(&f, 'n');
	buf_addch(&f, 0);
	raw_deflate(&f, rows->data, rows->len, 6);
	le32(&f, (uint32_t)crc32(0, (const unsigned char *)rows->data,
				 (uInt)rows->len));
	le32(&f, (uint32_t)rows->len);
	group_case(&g, "1.25 MiB name", f.data, f.len);

	/* members: empty, stored (level 0), many small ones, zero padding */
	buf_reset(&f);
	gz_member(&f, "", 0);
	group_case(&g, "one empty member", f.data, f.len);
	gz_member(&f, rows->data, rows->len);
	gz_member(&f, "", 0);
	group_case(&g, "empty, full, empty", f.data, f.len);
	buf_reset(&f);
	gz_member_hdr(&f, "", 0, 0, 8, 0, 0);
	f.len -= 10; /* keep the header, make the data stored */
	raw_deflate(&f, rows->data, rows->len, 0);
	le32(&f, (uint32_t)crc32(0, (const unsigned char *)rows->data,
				 (uInt)rows->len));
	le32(&f, (uint32_t)rows->len);
	group_case(&g, "stored blocks", f.data, f.len);
	buf_reset(&f);
	for (int i = 0; i < 6; i++)
		gz_member(&f, rows->data + i * 300, 300);
	group_case(&g, "six small members", f.data, f.len);
	buf_add(&f, "\0\0\0\0\0\0\0", 7);
	group_case(&g, "zero padding", f.data, f.len);
	buf_addch(&f, 'x');
	group_case(&g, "zeros, then garbage", f.data, f.len);

	/* padding longer than the read buffer, after an ISA-L member */
	buf_reset(&big);
	gz_member(&big, rows->data, rows->len);
	buf_grow(&big, (size_t)3 << 19);
	memset(big.data + big.len, 0, (size_t)3 << 19);
	big.len += (size_t)3 << 19;
	group_case(&g, "1.5 MiB of padding", big.data, big.len);
	CHECK_GROUP(&g);
	if (!strcmp(input_inflate_backend(), "isal"))
		CHECK(g.fast > 0);
	else
		SKIP("ISA-L read some members itself", "built without ISA-L");
	buf_release(&f);
	buf_release(&big);
}

/* Every length of a two-member file: headers, data and trailers cut. */
static void test_truncation(const struct buf *rows)
{
	struct group g = { .name = "truncated at every length",
			   .caps = few_caps, .ncaps = 2 };
	struct buf f = BUF_INIT;
	gz_member_hdr(&f, rows->data, 700, 8, 8, 0, 0);
	gz_member_hdr(&f, rows->data + 700, 900, 2 | 4, 8, 5, 0);
	for (size_t n = 0; n <= f.len; n++) {
		char label[64];
		snprintf(label, sizeof(label), "first %zu bytes", n);
		group_case(&g, label, f.data, n);
	}
	CHECK_GROUP(&g);
	buf_release(&f);
}

/* Bit flips: every bit of the headers and trailers, every 5th elsewhere. */
static void test_flips(const struct buf *rows)
{
	struct group g = { .name = "one bit flipped", .caps = few_caps,
			   .ncaps = 2 };
	struct buf f = BUF_INIT;
	size_t m1;
	gz_member(&f, rows->data, 1500);
	m1 = f.len;
	gz_member(&f, rows->data + 1500, 1500);
	for (size_t bit = 0; bit < f.len * 8; bit++) {
		size_t at = bit / 8;
		int edge = at < 80 || (at >= f.len - 8) ||
			   (at >= m1 - 8 && at < m1 + 80);
		char label[64];
		if (!edge && bit % 5)
			continue;
		f.data[at] ^= (char)(1 << (bit % 8));
		snprintf(label, sizeof(label), "bit %zu of byte %zu", bit % 8,
			 at);
		group_case(&g, label, f.data, f.len);
		f.data[at] ^= (char)(1 << (bit % 8));
	}
	CHECK_GROUP(&g);
	buf_release(&f);
}

/*
 * Damage far into members larger than the read buffer: zlib must read the
 * member again from its start (pread), dropping what ISA-L gave, and the
 * SHA-256 must still count every byte once.
 */
static void test_far_damage(void)
{
	struct group g = { .name = "damage past the read buffer",
			   .caps = all_caps + 2, .ncaps = 2 };
	struct buf data = BUF_INIT, f = BUF_INIT, two = BUF_INIT;
	uint32_t x = 2463534242u;
	size_t m1;

	for (int i = 0; i < (1 << 19); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf_addch(&data, (int)(x & 0xff));
	}
	test_make_rows(&data, 60000, 11);
	gz_member(&f, data.data, data.len);
	group_case(&g, "clean", f.data, f.len);
	{
		struct {
			const char *label;
			size_t at;  /* byte to flip, from the end */
			int mask;
		} flips[] = {
			{ "CRC", 8, 0x01 },
			{ "ISIZE", 2, 0x10 },
			{ "deflate data near the end", 40, 0x04 },
			{ "deflate data, 300 KB from the end", 300000, 0x20 },
		};
		for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
			f.data[f.len - flips[i].at] ^= (char)flips[i].mask;
			group_case(&g, flips[i].label, f.data, f.len);
			f.data[f.len - flips[i].at] ^= (char)flips[i].mask;
		}
	}
	group_case(&g, "cut 3 bytes short", f.data, f.len - 3);
	/*
	 * Cut in the compressed rows: ISA-L stops short of the last symbol or
	 * two that zlib still decodes, so zlib must go past what it drops.
	 */
	for (size_t cut = 8; cut < 200000; cut = cut * 3 / 2 + 7) {
		char label[64];
		snprintf(label, sizeof(label), "cut %zu bytes short", cut);
		group_case(&g, label, f.data, f.len - cut);
	}
	buf_add(&f, "GARBAGE\n", 8);
	group_case(&g, "trailing garbage", f.data, f.len);

	/* two big members, the second damaged: replay from its start */
	gz_member(&two, data.data, data.len / 2);
	m1 = two.len;
	gz_member(&two, data.data + data.len / 2, data.len - data.len / 2);
	group_case(&g, "two members, clean", two.data, two.len);
	two.data[two.len - 7] ^= 0x40;
	group_case(&g, "two members, second CRC", two.data, two.len);
	two.data[two.len - 7] ^= 0x40;
	two.data[m1 - 6] ^= 0x02;
	group_case(&g, "two members, first CRC", two.data, two.len);
	CHECK_GROUP(&g);
	if (!strcmp(input_inflate_backend(), "isal"))
		CHECK(g.fast > 0);
	else
		SKIP("ISA-L read some members itself", "built without ISA-L");
	buf_release(&data);
	buf_release(&f);
	buf_release(&two);
}

/*
 * A member valid but for an incomplete literal/length code (3 of 4 codes
 * of length 2 used: "aba"), which zlib rejects and ISA-L 2.30 decodes.
 * Cut anywhere, it must read alike: ISA-L's bytes are dropped when it hits
 * the end of the file in the same call, as for any damage.
 */
static void test_incomplete_code(void)
{
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0x05, 0xc0, 0x21, 0x01, 0x00, 0x00, 0x00, 0x80, 0xa0, 0xad,
		0xfa, 0x7f, 0x84, 0x20, 0x01, 0xee, 0x20, 0x2a, 0xdb, 0x03,
		0x00, 0x00, 0x00 };
	struct group g = { .name = "an incomplete Huffman code, cut anywhere",
			   .caps = few_caps, .ncaps = 2, .strict = 1 };
	struct outcome a, b;
	char path[512];

	for (size_t n = 0; n < sizeof(gz); n++) {
		char label[64];
		snprintf(label, sizeof(label), "first %zu bytes", n);
		group_case(&g, label, gz, n);
	}
	CHECK_GROUP(&g);

	snprintf(path, sizeof(path), "%s/isal-incomplete", test_tmp_dir());
	write_file(path, gz, sizeof(gz));
	read_outcome(path, 4096, 1, &b);
	CHECK_EQ_STR(buf_cstr(&b.msg), "corrupt gzip data (invalid "
		     "literal/lengths set) at compressed offset 24");
	read_outcome(path, 4096, 0, &a);
	if (difference(&a, &b))
		printf("# input_isal: known difference: the whole member reads "
		       "as \"%s\" (%s)\n", buf_cstr(&a.out),
		       a.status == INPUT_OK ? "no damage" : buf_cstr(&a.msg));
	outcome_release(&a);
	outcome_release(&b);
}

/*
 * Issue #10: from a member with an incomplete literal/length code (CSV
 * rows, cut 3 bytes before its end), ISA-L delivered the rows with small
 * caller buffers and none with large ones, so csvrow's rows depended on
 * the read size. Whatever the cut and the backend, every buffer size must
 * now read alike: bytes, message, status, counters.
 */
static void test_read_size_independent(void)
{
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x05, 0xc0,
		0x21, 0x09, 0x00, 0x20, 0x00, 0x00, 0x80, 0xee, 0x0a, 0x07, 0x28, 0xa8,
		0xaa, 0xaa, 0x6f, 0x44, 0x0d, 0x82, 0x28, 0xa8, 0xfe, 0x97, 0xe0, 0x4b,
		0x49, 0x1d, 0x05, 0x5f, 0x4a, 0x4a, 0x68, 0x4c, 0xdf, 0x27, 0x8a, 0xab,
		0xfb, 0x99, 0x5b, 0x05, 0x8a, 0x50, 0xc6, 0x85, 0x54, 0xda, 0x10, 0xa4,
		0x08, 0xb5, 0x46, 0x2b, 0x29, 0x38, 0x41, 0x8c, 0x30, 0x89, 0x09, 0xc5,
		0x84, 0x43, 0x62, 0x1c, 0x21, 0x8e, 0x10, 0x44, 0x09, 0x50, 0x84, 0x32,
		0x2e, 0xa4, 0xd2, 0x86, 0x22, 0x45, 0xa8, 0x35, 0x5a, 0x49, 0xc1, 0x29,
		0x62, 0x84, 0x49, 0x4c, 0x28, 0x26, 0x1c, 0x12, 0xe3, 0x08, 0x75, 0x84,
		0x20, 0x4a, 0x81, 0x22, 0x94, 0x71, 0x21, 0x95, 0x36, 0x0c, 0x29, 0x42,
		0xad, 0xd1, 0x4a, 0x0a, 0xce, 0x10, 0x23, 0x4c, 0x62, 0x42, 0x31, 0xe1,
		0x90, 0x18, 0x47, 0x98, 0x23, 0x04, 0x51, 0x06, 0x14, 0xa1, 0x8c, 0x0b,
		0xa9, 0xb4, 0xe1, 0x48, 0x11, 0x6a, 0x8d, 0x56, 0x52, 0x70, 0x8e, 0x18,
		0x61, 0x12, 0x13, 0x8a, 0x09, 0x87, 0xc4, 0x38, 0xc2, 0x1d, 0x21, 0x88,
		0x72, 0xa0, 0x08, 0x65, 0x5c, 0x48, 0xa5, 0x8d, 0x40, 0x8a, 0x50, 0x6b,
		0xb4, 0x92, 0x82, 0x0b, 0xc4, 0x08, 0x93, 0x98, 0x50, 0x4c, 0x38, 0x24,
		0xc6, 0x11, 0xe1, 0x08, 0x41, 0x54, 0x00, 0x45, 0x28, 0xe3, 0x42, 0x2a,
		0x6d, 0x24, 0x52, 0x84, 0x5a, 0xa3, 0x95, 0x14, 0x5c, 0x22, 0x46, 0x98,
		0xc4, 0x84, 0x62, 0xc2, 0x21, 0x31, 0x8e, 0x48, 0x47, 0x08 };
	static const size_t caps[] = { 1, 2, 3, 5, 7, 64, 4096 };
	static const char *const backend[] = { "isal", "zlib" };
	unsigned cases = 0, bad = 0;
	char path[512], first[300] = "";

	snprintf(path, sizeof(path), "%s/isal-readsize", test_tmp_dir());
	for (size_t n = 10; n <= sizeof(gz); n++) {
		write_file(path, gz, n);
		for (int z = 0; z < 2; z++) {
			struct outcome ref;
			read_outcome(path, (size_t)1 << 20, z, &ref);
			cases++;
			for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
				struct outcome o;
				const char *what;
				read_outcome(path, caps[i], z, &o);
				what = difference(&o, &ref);
				if (what && !bad++)
					snprintf(first, sizeof(first), "%s, first "
						 "%zu bytes, cap %zu: %s differs "
						 "(%zu bytes, 1 MiB reads %zu)",
						 backend[z], n, caps[i], what,
						 o.out.len, ref.out.len);
				outcome_release(&o);
			}
			outcome_release(&ref);
		}
	}
	check_report(bad == 0, __FILE__, __LINE__, "an incomplete Huffman "
		     "code, damaged: every read size reads alike",
		     "%u reads of %u cases disagree; first: %s", bad, cases,
		     first);
}

static void test_backend_choice(void)
{
	const char *built = input_inflate_backend();
	setenv("CDRSIFT_INFLATE", "zlib", 1);
	CHECK_EQ_STR(input_inflate_backend(), "zlib");
	setenv("CDRSIFT_INFLATE", "isal", 1);
	CHECK_EQ_STR(input_inflate_backend(), built);
	unsetenv("CDRSIFT_INFLATE");
	CHECK_EQ_STR(input_inflate_backend(), built);
	CHECK(!strcmp(built, "isal") || !strcmp(built, "zlib"));
}

TEST_SUITE(input_isal)
{
	struct buf rows = BUF_INIT;
	const char *saved = getenv("CDRSIFT_INFLATE");
	char *keep = saved ? xstrndup(saved, strlen(saved)) : NULL;

	test_make_rows(&rows, 400, 3);
	test_backend_choice();
	test_clean_and_headers(&rows);
	test_truncation(&rows);
	test_flips(&rows);
	test_far_damage();
	test_incomplete_code();
	test_read_size_independent();
	printf("# input_isal: %u reads differ as documented (incomplete "
	       "Huffman codes)\n", known_differences);
	if (keep)
		setenv("CDRSIFT_INFLATE", keep, 1);
	free(keep);
	buf_release(&rows);
}
