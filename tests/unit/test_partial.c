/*
 * test_partial.c - the partial-file container: values round-trip at their
 * edges, sections are found by tag, and every damaged file (each byte
 * flipped, each truncation, a bad header, a repeated section, hostile
 * lengths) is refused with a message instead of being read.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "partial.h"
#include "xalloc.h"
#include "../../src/banned.h"

#define T_ACCT PARTIAL_TAG('A', 'C', 'C', 'T')
#define T_VOLU PARTIAL_TAG('V', 'O', 'L', 'U')

static const uint64_t uedges[] = {
	0, 1, 127, 128, 255, 16383, 16384, UINT64_C(1) << 32,
	(UINT64_C(1) << 63) - 1, UINT64_C(1) << 63, UINT64_MAX,
};
static const int64_t sedges[] = {
	0, 1, -1, 63, -64, 64, -65, INT64_MAX, INT64_MIN, INT64_MIN + 1,
	-1000000007,
};

/* A small partial with two sections; its bytes copied into '*out'. */
static size_t sample(unsigned char **out)
{
	struct partial_writer w;
	const unsigned char *data;
	size_t len;
	partial_writer_init(&w);
	partial_section_begin(&w, T_ACCT);
	for (size_t i = 0; i < sizeof(uedges) / sizeof(uedges[0]); i++)
		partial_put_uvarint(&w, uedges[i]);
	for (size_t i = 0; i < sizeof(sedges) / sizeof(sedges[0]); i++)
		partial_put_svarint(&w, sedges[i]);
	partial_put_u64(&w, UINT64_C(0x0123456789abcdef));
	partial_put_u8(&w, 200);
	partial_section_begin(&w, T_VOLU);
	partial_put_str(&w, "caller");
	partial_put_bytes(&w, "", 0);
	partial_writer_finish(&w, &data, &len);
	*out = xmalloc(len);
	memcpy(*out, data, len);
	partial_writer_release(&w);
	return len;
}

static int parses(const unsigned char *data, size_t len, struct diag *d)
{
	struct partial_file pf;
	unsigned char *copy = xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	int rc = partial_file_parse(&pf, copy, len, "t.partial", d);
	if (rc == 0)
		partial_file_release(&pf);
	return rc;
}

TEST_SUITE(partial)
{
	unsigned char *data;
	size_t len = sample(&data);
	struct diag d = DIAG_INIT;
	struct partial_file pf;
	struct partial_reader r;

	/* round trip */
	unsigned char *copy = xmalloc(len);
	memcpy(copy, data, len);
	CHECK_EQ_INT(partial_file_parse(&pf, copy, len, "t.partial", &d), 0);
	CHECK_EQ_INT(pf.nsections, 2);
	CHECK_EQ_INT(pf.version, PARTIAL_VERSION);
	CHECK_EQ_INT(partial_section(&pf, T_ACCT, &r), 0);
	int all = 1;
	for (size_t i = 0; i < sizeof(uedges) / sizeof(uedges[0]); i++)
		all &= partial_get_uvarint(&r) == uedges[i];
	CHECK(all);
	all = 1;
	for (size_t i = 0; i < sizeof(sedges) / sizeof(sedges[0]); i++)
		all &= partial_get_svarint(&r) == sedges[i];
	CHECK(all);
	CHECK(partial_get_u64(&r) == UINT64_C(0x0123456789abcdef));
	CHECK_EQ_INT(partial_get_u8(&r), 200);
	CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), 0);
	CHECK_EQ_INT(partial_section(&pf, T_VOLU, &r), 0);
	size_t n;
	const unsigned char *s = partial_get_bytes(&r, &n);
	CHECK(s && n == 6 && memcmp(s, "caller", 6) == 0);
	s = partial_get_bytes(&r, &n);
	CHECK(s && n == 0);
	CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), 0);
	CHECK_EQ_INT(partial_section(&pf, PARTIAL_TAG('N', 'O', 'N', 'E'), &r),
		     -1);

	/* a reader that stops early, or reads past its section */
	CHECK_EQ_INT(partial_section(&pf, T_VOLU, &r), 0);
	partial_get_bytes(&r, &n);
	CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), -1);
	CHECK(strstr(buf_cstr(&d.msg), "'VOLU' has bytes") != NULL);
	diag_clear(&d);
	partial_get_bytes(&r, &n);
	partial_get_u64(&r);
	CHECK(r.failed);
	CHECK(partial_get_uvarint(&r) == 0 && r.failed);
	CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), -1);
	CHECK(strstr(buf_cstr(&d.msg), "cut short") != NULL);
	diag_clear(&d);
	partial_file_release(&pf);

	/* every single-bit change anywhere is refused */
	int refused = 0;
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			data[i] ^= (unsigned char)(1u << bit);
			refused += parses(data, len, &d) < 0;
			diag_clear(&d);
			data[i] ^= (unsigned char)(1u << bit);
		}
	}
	CHECK_EQ_INT(refused, (long long)len * 8);
	/* every truncation is refused */
	refused = 0;
	for (size_t cut = 0; cut < len; cut++) {
		refused += parses(data, cut, &d) < 0;
		diag_clear(&d);
	}
	CHECK_EQ_INT(refused, (long long)len);
	/* the messages say what is wrong */
	parses(data, len - 1, &d);
	CHECK(strstr(buf_cstr(&d.msg), "'t.partial' is not a usable "
		     "partial file") != NULL);
	diag_clear(&d);
	parses((const unsigned char *)"radio,mcc,net\n", 14, &d);
	CHECK(strstr(buf_cstr(&d.msg), "no partial-file header") != NULL);
	diag_clear(&d);
	data[4] = 0x0a; /* CR LF became LF LF: a text-mode transfer */
	parses(data, len, &d);
	CHECK(strstr(buf_cstr(&d.msg), "changed in transit") != NULL);
	data[4] = 0x0d;
	diag_clear(&d);

	/* a version from elsewhere, with a digest that matches */
	{
		struct partial_writer w;
		const unsigned char *p;
		size_t plen;
		partial_writer_init(&w);
		w.b.data[8] = 9;
		partial_section_begin(&w, T_ACCT);
		partial_writer_finish(&w, &p, &plen);
		CHECK_EQ_INT(parses(p, plen, &d), -1);
		CHECK(strstr(buf_cstr(&d.msg), "format version 9") != NULL);
		diag_clear(&d);
		partial_writer_release(&w);
	}
	/* a section twice */
	{
		struct partial_writer w;
		const unsigned char *p;
		size_t plen;
		partial_writer_init(&w);
		partial_section_begin(&w, T_ACCT);
		partial_put_u8(&w, 1);
		partial_section_begin(&w, T_ACCT);
		partial_writer_finish(&w, &p, &plen);
		CHECK_EQ_INT(parses(p, plen, &d), -1);
		CHECK(strstr(buf_cstr(&d.msg), "appears twice") != NULL);
		diag_clear(&d);
		partial_writer_release(&w);
	}
	/* hostile lengths and counts inside a section */
	{
		struct partial_writer w;
		const unsigned char *p;
		size_t plen;
		struct partial_file hf;
		partial_writer_init(&w);
		partial_section_begin(&w, T_ACCT);
		partial_put_uvarint(&w, UINT64_MAX); /* a string that long */
		partial_put_u8(&w, 'x');
		partial_section_begin(&w, T_VOLU);
		partial_put_uvarint(&w, 1000);       /* 1000 items of 8 bytes */
		partial_put_u64(&w, 0);
		partial_section_begin(&w, PARTIAL_TAG('V', 'A', 'R', 'I'));
		for (int i = 0; i < 11; i++)          /* an 11-byte varint */
			partial_put_u8(&w, 0x80);
		partial_put_u8(&w, 0);
		partial_writer_finish(&w, &p, &plen);
		unsigned char *hc = xmalloc(plen);
		memcpy(hc, p, plen);
		CHECK_EQ_INT(partial_file_parse(&hf, hc, plen, "h", &d), 0);
		partial_section(&hf, T_ACCT, &r);
		CHECK(partial_get_bytes(&r, &n) == NULL && r.failed && n == 0);
		partial_section(&hf, T_VOLU, &r);
		CHECK(partial_get_count(&r, 8) == 0 && r.failed);
		partial_section(&hf, PARTIAL_TAG('V', 'A', 'R', 'I'), &r);
		partial_get_uvarint(&r);
		CHECK(r.failed);
		partial_file_release(&hf);
		partial_writer_release(&w);
	}
	/* a ten-byte varint whose last byte carries more than one bit */
	{
		struct partial_writer w;
		const unsigned char *p;
		size_t plen;
		struct partial_file hf;
		partial_writer_init(&w);
		partial_section_begin(&w, T_ACCT);
		for (int i = 0; i < 9; i++)
			partial_put_u8(&w, 0xff);
		partial_put_u8(&w, 0x02);
		partial_writer_finish(&w, &p, &plen);
		unsigned char *hc = xmalloc(plen);
		memcpy(hc, p, plen);
		CHECK_EQ_INT(partial_file_parse(&hf, hc, plen, "h", &d), 0);
		partial_section(&hf, T_ACCT, &r);
		partial_get_uvarint(&r);
		CHECK(r.failed);
		partial_file_release(&hf);
		partial_writer_release(&w);
	}

	/* save and load through a file; a save that cannot be done says so
	 * and leaves nothing behind */
	{
		struct partial_writer w;
		char path[] = "/tmp/cdrsift-partial-XXXXXX";
		int fd = mkstemp(path);
		close(fd);
		partial_writer_init(&w);
		partial_section_begin(&w, T_ACCT);
		partial_put_svarint(&w, -5);
		CHECK_EQ_INT(partial_writer_save(&w, path, &d), 0);
		partial_writer_release(&w);
		CHECK_EQ_INT(partial_file_load(&pf, path, &d), 0);
		CHECK_EQ_INT(partial_section(&pf, T_ACCT, &r), 0);
		CHECK(partial_get_svarint(&r) == -5);
		CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), 0);
		partial_file_release(&pf);
		unlink(path);
		CHECK_EQ_INT(partial_file_load(&pf, path, &d), -1);
		CHECK(strstr(buf_cstr(&d.msg), "cannot open partial") != NULL);
		diag_clear(&d);
		partial_writer_init(&w);
		CHECK_EQ_INT(partial_writer_save(&w, "/nonexistent/dir/x", &d),
			     -1);
		CHECK(strstr(buf_cstr(&d.msg), "cannot write partial "
			     "'/nonexistent/dir/x'") != NULL);
		partial_writer_release(&w);
	}
	/* a file written by an independent writer (Python, from the layout
	 * in partial.c's comment: testdata/fuzz/partial/seed-two-sections) */
	CHECK_EQ_INT(partial_file_load(&pf, "testdata/fuzz/partial/"
				       "seed-two-sections", &d), 0);
	if (pf.data) {
		CHECK_EQ_INT(partial_section(&pf, T_ACCT, &r), 0);
		CHECK(partial_get_uvarint(&r) == 5);
		CHECK(partial_get_uvarint(&r) == 300);
		CHECK(partial_get_u64(&r) == 7);
		CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), 0);
		CHECK_EQ_INT(partial_section(&pf, T_VOLU, &r), 0);
		s = partial_get_bytes(&r, &n);
		CHECK(s && n == 6 && memcmp(s, "caller", 6) == 0);
		s = partial_get_bytes(&r, &n);
		CHECK(s && n == 0);
		CHECK_EQ_INT(partial_reader_finish(&r, &pf, &d), 0);
		partial_file_release(&pf);
	}
	free(data);
	diag_release(&d);
}
