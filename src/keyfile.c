/*
 * keyfile.c - creating and loading --pseudonymize keys (see keyfile.h).
 * The checks are made on the open descriptor (fstat), not on the name, so
 * the file checked is the file read.
 */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "banned.h"

static int fill_random(unsigned char *p, size_t n, struct diag *d)
{
	size_t done = 0;
	while (done < n) {
		ssize_t got = getrandom(p + done, n - done, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return diag_error(d, "cannot get random bytes: %s",
					  got < 0 ? strerror(errno) : "none");
		done += (size_t)got;
	}
	return 0;
}

int keyfile_create(const char *path, struct diag *d)
{
	unsigned char key[KEYFILE_BYTES];
	struct buf esc = BUF_INIT;
	struct stat st;
	int rc = -1;
	memset(&st, 0, sizeof(st));
	buf_add_escaped(&esc, path, strlen(path), 256);
	if (fill_random(key, sizeof(key), d) < 0)
		goto out_noclose;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
		      O_NOCTTY, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_error(d, "'%s' exists: a key is never overwritten",
				   buf_cstr(&esc));
		else
			diag_error(d, "cannot create '%s': %s", buf_cstr(&esc),
				   strerror(errno));
		goto out_noclose;
	}
	/* umask can only take bits away; a file system may ignore them all */
	if (fchmod(fd, 0600) != 0 || fstat(fd, &st) != 0 ||
	    (st.st_mode & 077) != 0) {
		diag_error(d, "'%s' would be readable by others (mode %04o: the "
			   "file system does not keep file modes); not written",
			   buf_cstr(&esc), (unsigned)(st.st_mode & 07777));
		close(fd);
		unlink(path);
		goto out_noclose;
	}
	size_t done = 0;
	while (done < sizeof(key)) {
		ssize_t n = write(fd, key + done, sizeof(key) - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done != sizeof(key) || fsync(fd) != 0) {
		diag_error(d, "cannot write '%s': %s", buf_cstr(&esc),
			   strerror(errno ? errno : EIO));
		close(fd);
		unlink(path);
		goto out_noclose;
	}
	if (close(fd) != 0) {
		diag_error(d, "cannot write '%s': %s", buf_cstr(&esc),
			   strerror(errno));
		unlink(path);
		goto out_noclose;
	}
	rc = 0;
out_noclose:
	OPENSSL_cleanse(key, sizeof(key));
	buf_release(&esc);
	return rc;
}

int keyfile_load(const char *path, unsigned char *key, size_t *len,
		 struct diag *d)
{
	struct buf esc = BUF_INIT;
	struct stat st;
	int rc = -1;
	buf_add_escaped(&esc, path, strlen(path), 256);
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_error(d, "cannot open key file '%s': %s", buf_cstr(&esc),
			   strerror(errno));
		goto out_noclose;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, "key file '%s' is not a regular file",
			   buf_cstr(&esc));
		goto out;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		diag_error(d, "key file '%s' belongs to another user (uid %lu)",
			   buf_cstr(&esc), (unsigned long)st.st_uid);
		goto out;
	}
	if (st.st_mode & 077) {
		diag_error(d, "key file '%s' is readable or writable by others "
			   "(mode %04o); chmod 600 it", buf_cstr(&esc),
			   (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_size > KEYFILE_MAX) {
		diag_error(d, "key file '%s' is longer than %d bytes: not a key",
			   buf_cstr(&esc), KEYFILE_MAX);
		goto out;
	}
	size_t done = 0;
	for (;;) {
		ssize_t n = read(fd, key + done, KEYFILE_MAX - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_error(d, "cannot read key file '%s': %s",
				   buf_cstr(&esc), strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		done += (size_t)n;
		if (done == KEYFILE_MAX) {
			char extra;
			if (read(fd, &extra, 1) > 0) {
				diag_error(d, "key file '%s' is longer than %d "
					   "bytes: not a key", buf_cstr(&esc),
					   KEYFILE_MAX);
				goto out;
			}
			break;
		}
	}
	if (done < KEYFILE_BYTES) {
		diag_error(d, "key file '%s' is too short (%zu byte%s; at least "
			   "%d)", buf_cstr(&esc), done, done == 1 ? "" : "s",
			   KEYFILE_BYTES);
		goto out;
	}
	*len = done;
	rc = 0;
out:
	if (rc)
		OPENSSL_cleanse(key, KEYFILE_MAX);
	close(fd);
out_noclose:
	buf_release(&esc);
	return rc;
}
