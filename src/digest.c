/*
 * digest.c - SHA-256 of memory and of files on disk (see digest.h).
 * Files are read with read(2) in 64 KiB pieces; nothing is kept.
 */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "banned.h"

static void to_hex(const unsigned char *md, char hex[DIGEST_HEX])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

void digest_mem(const void *data, size_t len, char hex[DIGEST_HEX])
{
	unsigned char md[32];
	unsigned n = 0;
	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		BUG("sha-256 failed");
	to_hex(md, hex);
}

int digest_is_hex(const char *s, size_t len)
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}

int digest_file(const char *path, char hex[DIGEST_HEX], uint64_t *bytes,
		int *errno_out, struct diag *d)
{
	char buf[65536];
	struct buf name = BUF_INIT;
	struct stat st;
	unsigned char md[32];
	unsigned n = 0;
	uint64_t total = 0;
	int rc = -1;

	if (errno_out)
		*errno_out = 0;
	buf_add_escaped(&name, path, strlen(path), 256);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno_out)
			*errno_out = errno;
		diag_error(d, "cannot open '%s': %s", buf_cstr(&name),
			   strerror(errno));
		buf_release(&name);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, "'%s' is not a regular file", buf_cstr(&name));
		close(fd);
		buf_release(&name);
		return -1;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		BUG("sha-256 initialisation failed");
	for (;;) {
		ssize_t got = read(fd, buf, sizeof(buf));
		if (got < 0) {
			if (errno == EINTR)
				continue;
			diag_error(d, "cannot read '%s': %s", buf_cstr(&name),
				   strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
			BUG("sha-256 update failed");
		total += (uint64_t)got;
	}
	if (EVP_DigestFinal_ex(ctx, md, &n) != 1 || n != 32)
		BUG("sha-256 finalisation failed");
	to_hex(md, hex);
	if (bytes)
		*bytes = total;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	buf_release(&name);
	return rc;
}
