/*
 * partial.c - the partial-file container: header, sections, digest, and
 * bounded readers. It does not know what any section means.
 *
 * Layout (every fixed-size integer little-endian, whatever the machine):
 *
 *   offset  bytes  field
 *   0       8      magic 89 'C' 'D' 'P' 0D 0A 1A 0A
 *   8       4      format version (PARTIAL_VERSION)
 *   12      4      byte-order sentinel 0x01020304
 *   16      1      size of a fixed integer field: 8
 *   17      3      zero
 *   20      ...    sections, each:
 *                    tag     4   four ASCII characters ("ACCT", "VOLU", ...)
 *                    length  8   payload bytes
 *                    payload length bytes
 *   ...     12+32  the digest section, always last: tag "SHA2", length 32,
 *                  SHA-256 of every byte before its tag
 *
 *   +--------+---------+---------+----+-------------+-----+-------------+
 *   | magic  | version | 0x0102… | 8  | tag|len|data| ... | SHA2|32|hash |
 *   +--------+---------+---------+----+-------------+-----+-------------+
 *
 * The magic follows PNG's: a byte above 0x7f catches a 7-bit channel, CR
 * LF catches a line-end translation (a partial sent through FTP in text
 * mode), ^Z stops a DOS `type`. The sentinels catch a writer that wrote
 * native integers on another kind of machine. The digest catches every
 * other change (a bit flip, a truncation that happens to end on a section
 * boundary); it is no MAC: a partial is a working file, and the evidence
 * chain is the audit log's business.
 *
 * Inside a payload, integers are written fixed (8 bytes) or as varints:
 * unsigned LEB128 (7 bits a byte, low group first, at most 10 bytes) and
 * signed zigzag over it. Byte strings are a uvarint length and the bytes.
 * Sums are integers (microseconds, bytes), never floating point, so that
 * merging in any grouping gives the same bytes (DESIGN section 7).
 */
#include "partial.h"

#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

static const unsigned char partial_magic[8] = {
	0x89, 'C', 'D', 'P', 0x0d, 0x0a, 0x1a, 0x0a
};
#define HEADER_LEN 20
#define SECTION_HEAD 12
#define DIGEST_TAG PARTIAL_TAG('S', 'H', 'A', '2')
#define DIGEST_LEN 32
/* Sections a file may hold: far more than any analysis writes, few enough
   that checking tags for repeats stays cheap on a hostile file. */
#define MAX_SECTIONS 256

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static int sha256(const unsigned char *p, size_t len, unsigned char out[32])
{
	unsigned int n = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
		 EVP_DigestUpdate(md, p, len) == 1 &&
		 EVP_DigestFinal_ex(md, out, &n) == 1 && n == 32;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

void partial_tag_name(uint32_t tag, char *out, size_t outlen)
{
	struct buf b = BUF_INIT;
	char raw[4];
	for (int i = 0; i < 4; i++)
		raw[i] = (char)(tag >> (8 * i));
	buf_add_escaped(&b, raw, 4, 4);
	snprintf(out, outlen, "%s", buf_cstr(&b));
	buf_release(&b);
}

/* ---- writing ---- */

void partial_writer_init(struct partial_writer *w)
{
	unsigned char h[HEADER_LEN] = { 0 };
	memcpy(h, partial_magic, 8);
	put_le(h + 8, PARTIAL_VERSION, 4);
	put_le(h + 12, 0x01020304u, 4);
	h[16] = 8;
	w->b = (struct buf)BUF_INIT;
	w->section_at = 0;
	buf_add(&w->b, h, sizeof(h));
}

void partial_writer_release(struct partial_writer *w)
{
	buf_release(&w->b);
	w->section_at = 0;
}

void partial_section_begin(struct partial_writer *w, uint32_t tag)
{
	unsigned char h[SECTION_HEAD] = { 0 };
	partial_section_end(w);
	put_le(h, tag, 4);
	buf_add(&w->b, h, sizeof(h));
	w->section_at = w->b.len - 8;
}

void partial_section_end(struct partial_writer *w)
{
	if (!w->section_at)
		return;
	put_le((unsigned char *)w->b.data + w->section_at,
	       w->b.len - w->section_at - 8, 8);
	w->section_at = 0;
}

void partial_put_u8(struct partial_writer *w, unsigned v)
{
	buf_addch(&w->b, (int)(v & 0xff));
}

void partial_put_u64(struct partial_writer *w, uint64_t v)
{
	unsigned char p[8];
	put_le(p, v, 8);
	buf_add(&w->b, p, 8);
}

void partial_put_uvarint(struct partial_writer *w, uint64_t v)
{
	unsigned char p[10];
	int n = 0;
	do {
		p[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			p[n] |= 0x80;
		n++;
	} while (v);
	buf_add(&w->b, p, (size_t)n);
}

void partial_put_svarint(struct partial_writer *w, int64_t v)
{
	uint64_t u = (uint64_t)v;
	partial_put_uvarint(w, (u << 1) ^ (uint64_t)-(int64_t)(u >> 63));
}

void partial_put_bytes(struct partial_writer *w, const void *p, size_t len)
{
	partial_put_uvarint(w, len);
	buf_add(&w->b, p, len);
}

void partial_put_str(struct partial_writer *w, const char *s)
{
	partial_put_bytes(w, s, strlen(s));
}

void partial_writer_finish(struct partial_writer *w, const unsigned char **data,
			   size_t *len)
{
	unsigned char digest[DIGEST_LEN];
	partial_section_end(w);
	if (sha256((const unsigned char *)w->b.data, w->b.len, digest) < 0)
		BUG("SHA-256 unavailable");
	partial_section_begin(w, DIGEST_TAG);
	buf_add(&w->b, digest, DIGEST_LEN);
	partial_section_end(w);
	*data = (const unsigned char *)w->b.data;
	*len = w->b.len;
}

int partial_writer_save(struct partial_writer *w, const char *path,
			struct diag *d)
{
	const unsigned char *data;
	size_t len;
	partial_writer_finish(w, &data, &len);

	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp.data);
	if (fd < 0) {
		diag_error(d, "cannot write partial '%s': %s", path,
			   strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	size_t done = 0;
	int err = 0;
	while (done < len && !err) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	if (!err && fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp.data, path) < 0)
		err = errno;
	if (err) {
		unlink(tmp.data);
		diag_error(d, "cannot write partial '%s': %s", path,
			   strerror(err));
		buf_release(&tmp);
		return -1;
	}
	buf_release(&tmp);
	return 0;
}

/* ---- reading ---- */

void partial_file_release(struct partial_file *pf)
{
	free(pf->data);
	free(pf->sections);
	memset(pf, 0, sizeof(*pf));
}

/* A path as messages show it: control bytes escaped, into 'b'. */
static const char *shown(const char *path, struct buf *b)
{
	path = path ? path : "-";
	buf_add_escaped(b, path, strlen(path), 4096);
	return buf_cstr(b);
}

static int bad(struct partial_file *pf, struct diag *d, const char *what)
{
	struct buf b = BUF_INIT;
	diag_error(d, "'%s' is not a usable partial file: %s",
		   shown(pf->path, &b), what);
	buf_release(&b);
	partial_file_release(pf);
	return -1;
}

int partial_file_parse(struct partial_file *pf, unsigned char *data,
		       size_t len, const char *path, struct diag *d)
{
	memset(pf, 0, sizeof(*pf));
	pf->data = data;
	pf->len = len;
	pf->path = path;
	if (len < 8 || memcmp(data, partial_magic, 8) != 0) {
		if (len >= 4 && memcmp(data + 1, "CDP", 3) == 0)
			return bad(pf, d, "its header was changed in transit "
				   "(line ends or 8-bit bytes translated)");
		return bad(pf, d, "no partial-file header (was it written by "
			   "--partial?)");
	}
	if (len < HEADER_LEN)
		return bad(pf, d, "truncated inside its header");
	pf->version = (uint32_t)get_le(data + 8, 4);
	if (get_le(data + 12, 4) != 0x01020304u || data[16] != 8 ||
	    data[17] || data[18] || data[19])
		return bad(pf, d, "byte-order or size check failed");
	if (pf->version != PARTIAL_VERSION) {
		char what[96];
		snprintf(what, sizeof(what), "format version %u, this cdrsift "
			 "reads version %u", pf->version, PARTIAL_VERSION);
		bad(pf, d, what);
		return PARTIAL_E_VERSION;
	}
	size_t pos = HEADER_LEN;
	size_t alloc = 0;
	for (;;) {
		if (len - pos < SECTION_HEAD)
			return bad(pf, d, "truncated (no digest at its end)");
		uint32_t tag = (uint32_t)get_le(data + pos, 4);
		uint64_t slen = get_le(data + pos + 4, 8);
		size_t off = pos + SECTION_HEAD;
		if (slen > len - off)
			return bad(pf, d, "truncated inside a section");
		if (tag == DIGEST_TAG) {
			unsigned char digest[DIGEST_LEN];
			if (slen != DIGEST_LEN || off + DIGEST_LEN != len)
				return bad(pf, d, "bytes after its digest, or a "
					   "digest of the wrong size");
			if (sha256(data, pos, digest) < 0)
				BUG("SHA-256 unavailable");
			if (memcmp(digest, data + off, DIGEST_LEN) != 0)
				return bad(pf, d, "digest mismatch (the file "
					   "was changed or damaged)");
			return 0;
		}
		for (size_t i = 0; i < pf->nsections; i++)
			if (pf->sections[i].tag == tag)
				return bad(pf, d, "a section appears twice");
		if (pf->nsections == MAX_SECTIONS)
			return bad(pf, d, "too many sections");
		VEC_GROW(pf->sections, pf->nsections + 1, alloc);
		pf->sections[pf->nsections++] =
			(struct partial_section_info){ tag, off, (size_t)slen };
		pos = off + (size_t)slen;
	}
}

int partial_file_load(struct partial_file *pf, const char *path,
		      struct diag *d)
{
	memset(pf, 0, sizeof(*pf));
	FILE *f = fopen(path, "rb");
	if (!f)
		return diag_error(d, "cannot open partial '%s': %s", path,
				  strerror(errno));
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	int rerr = ferror(f) ? errno : 0;
	fclose(f);
	if (rerr) {
		buf_release(&b);
		return diag_error(d, "cannot read partial '%s': %s", path,
				  strerror(rerr ? rerr : EIO));
	}
	unsigned char *data = (unsigned char *)b.data;
	if (!data)
		data = xcalloc(1, 1);
	return partial_file_parse(pf, data, b.len, path, d);
}

int partial_section(const struct partial_file *pf, uint32_t tag,
		    struct partial_reader *r)
{
	for (size_t i = 0; i < pf->nsections; i++) {
		if (pf->sections[i].tag != tag)
			continue;
		r->p = pf->data + pf->sections[i].off;
		r->end = r->p + pf->sections[i].len;
		r->tag = tag;
		r->failed = 0;
		return 0;
	}
	return -1;
}

static int need(struct partial_reader *r, size_t n)
{
	if (r->failed || (size_t)(r->end - r->p) < n) {
		r->failed = 1;
		return 0;
	}
	return 1;
}

unsigned partial_get_u8(struct partial_reader *r)
{
	if (!need(r, 1))
		return 0;
	return *r->p++;
}

uint64_t partial_get_u64(struct partial_reader *r)
{
	if (!need(r, 8))
		return 0;
	uint64_t v = get_le(r->p, 8);
	r->p += 8;
	return v;
}

uint64_t partial_get_uvarint(struct partial_reader *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (!need(r, 1))
			return 0;
		unsigned c = *r->p++;
		/* the tenth byte may carry one bit only */
		if (shift == 63 && c > 1) {
			r->failed = 1;
			return 0;
		}
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->failed = 1;
	return 0;
}

int64_t partial_get_svarint(struct partial_reader *r)
{
	uint64_t u = partial_get_uvarint(r);
	return (int64_t)((u >> 1) ^ (uint64_t)-(int64_t)(u & 1));
}

const unsigned char *partial_get_bytes(struct partial_reader *r, size_t *len)
{
	uint64_t n = partial_get_uvarint(r);
	*len = 0;
	if (r->failed || n > (uint64_t)(r->end - r->p)) {
		r->failed = 1;
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	*len = (size_t)n;
	return p;
}

uint64_t partial_get_count(struct partial_reader *r, size_t min_size)
{
	uint64_t n = partial_get_uvarint(r);
	if (r->failed)
		return 0;
	if (min_size == 0)
		min_size = 1;
	if (n > (uint64_t)(r->end - r->p) / min_size) {
		r->failed = 1;
		return 0;
	}
	return n;
}

void partial_put_strings(struct partial_writer *w, const struct intern *set)
{
	size_t n = intern_count(set);
	partial_put_uvarint(w, n);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *s = intern_str(set, (uint32_t)i, &len);
		partial_put_bytes(w, s, len);
	}
}

uint64_t partial_get_strings(struct partial_reader *r, struct intern *set,
			     int empty_ok)
{
	uint64_t n = partial_get_count(r, 1);
	for (uint64_t i = 0; i < n && !r->failed; i++) {
		size_t len;
		const unsigned char *p = partial_get_bytes(r, &len);
		int added = 0;
		if (!p || len > INTERN_MAX_LEN || n > UINT32_MAX - 1 ||
		    (!len && !empty_ok)) {
			r->failed = 1;
			break;
		}
		intern_put(set, (const char *)p, len, &added);
		if (!added)
			r->failed = 1;
	}
	return r->failed ? 0 : n;
}

int partial_reader_finish(struct partial_reader *r,
			  const struct partial_file *pf, struct diag *d)
{
	char name[20];
	struct buf b = BUF_INIT;
	if (!r->failed && r->p == r->end)
		return 0;
	partial_tag_name(r->tag, name, sizeof(name));
	diag_error(d, "'%s' is not a usable partial file: section '%s' %s",
		   shown(pf->path, &b), name,
		   r->failed ? "is cut short or holds a bad value" :
			       "has bytes its reader does not know");
	buf_release(&b);
	return -1;
}
