/*
 * fuzz_input.c - input.c on arbitrary bytes: gzip, xz and bzip2 (unstream.c),
 * zstd (libarchive), issue 12, or plain, any damage.
 * Reads the whole input with caller buffers of 1, 5, 4096 and 65536 bytes
 * in turn and checks input.h's promises: plain bytes pass through
 * unchanged; damage ends the stream with a message naming a compressed
 * offset inside the file, and the next read returns nothing; the counters
 * add up; the SHA-256 covers every byte of the file whatever the damage.
 * Output is cut off at OUT_LIMIT so that a small bomb stays fast.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <inttypes.h>

#include <openssl/evp.h>

#include "../../src/diag.h"
#include "../../src/input.h"
#include "../../src/xalloc.h"

#define OUT_LIMIT ((uint64_t)16 << 20) /* decompressed bytes looked at */
#define DST_SIZE ((size_t)1 << 16)

/* The offset after the last "offset " in 'msg', or UINT64_MAX. */
static uint64_t msg_offset(const char *msg)
{
	const char *p = NULL, *q = msg;
	while ((q = strstr(q, "offset ")))
		p = q += 7;
	if (!p)
		return UINT64_MAX;
	return strtoull(p, NULL, 10);
}

FUZZ_ENTRY(input)
{
	static const size_t caps[] = { 1, 5, 4096, DST_SIZE };
	static struct fuzz_file f;
	const char *path = fuzz_file_put(&f, "input", data, size);
	struct input in;
	struct diag d = DIAG_INIT;
	char *dst = xmalloc(DST_SIZE);
	uint64_t total = 0;
	unsigned calls = 0;
	int rc = INPUT_OK, cut = 0;

	FUZZ_CHECK(input_open(&in, path, &d) == 0);
	for (;;) {
		size_t cap = caps[calls++ % 4], got = 12345;
		rc = input_read(&in, dst, cap, &got, &d);
		FUZZ_CHECK(got <= cap);
		if (!in.codec)
			FUZZ_CHECK(total + got <= size &&
				   !memcmp(dst, data + total, got));
		total += got;
		if (rc != INPUT_OK || got == 0)
			break;
		if (total >= OUT_LIMIT) {
			cut = 1;
			break;
		}
	}
	FUZZ_CHECK(in.bytes_out == total);
	FUZZ_CHECK(in.bytes_in <= size);
	if (!cut) {
		unsigned char want[32];
		unsigned int n = 0;
		size_t got = 1;

		/* the end, or the damage, is final */
		FUZZ_CHECK(input_read(&in, dst, DST_SIZE, &got, &d) == INPUT_OK);
		FUZZ_CHECK(got == 0 && in.eof);
		FUZZ_CHECK(in.bytes_in == size);
		FUZZ_CHECK(EVP_Digest(data, size, want, &n, EVP_sha256(), NULL));
		FUZZ_CHECK(n == 32 && !memcmp(want, in.sha256, 32));
		if (!in.codec)
			FUZZ_CHECK(rc == INPUT_OK && total == size && !in.damaged);
		else if (in.is_gzip)
			FUZZ_CHECK(size > 0 && data[0] == 0x1f);
		else
			FUZZ_CHECK(size >= 4 && data[0] != 0x1f);
	}
	if (rc == INPUT_DAMAGED) {
		const char *msg = buf_cstr(&d.msg);
		FUZZ_CHECK(in.damaged && in.codec && d.set);
		FUZZ_CHECK(msg_offset(msg) <= size);
		FUZZ_CHECK(!fuzz_has_control(msg, d.msg.len, 0));
	} else {
		FUZZ_CHECK(rc == INPUT_OK && !in.damaged);
	}
	if (in.zero_padding)
		FUZZ_CHECK(in.is_gzip && in.zero_padding < size);
	input_close(&in);
	input_close(&in);
	diag_release(&d);
	free(dst);
	return 0;
}
