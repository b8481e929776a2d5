/*
 * fuzz.h - what the fuzz targets share: the entry point macro and a file
 * that holds the fuzz bytes, for the readers that only take a path.
 *
 * Each target defines FUZZ_ENTRY(name). Built by `make fuzz` it is
 * LLVMFuzzerTestOneInput; built with -DFUZZ_REPLAY it is fuzz_<name>_one(),
 * and tests/fuzz/replay.c links the five into one plain program that
 * replays testdata/fuzz/<name>/ under `make test` (no libFuzzer needed).
 *
 * A target checks the contracts of the headers it calls (FUZZ_CHECK) as
 * well as surviving: a broken contract aborts with file:line, which the
 * fuzzer and the replay driver both report as a crash.
 */
#ifndef CDRSIFT_FUZZ_H
#define CDRSIFT_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef FUZZ_REPLAY
#define FUZZ_ENTRY(name) int fuzz_##name##_one(const uint8_t *data, size_t size)
#else
#define FUZZ_ENTRY(name)                                                       \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fuzz_input_one(const uint8_t *data, size_t size);
int fuzz_csvrow_one(const uint8_t *data, size_t size);
int fuzz_time_one(const uint8_t *data, size_t size);
int fuzz_expr_one(const uint8_t *data, size_t size);
int fuzz_cells_one(const uint8_t *data, size_t size);
int fuzz_partial_one(const uint8_t *data, size_t size);
int fuzz_audit_one(const uint8_t *data, size_t size);
int fuzz_manifest_one(const uint8_t *data, size_t size);
int fuzz_archive_one(const uint8_t *data, size_t size);
int fuzz_pseudo_one(const uint8_t *data, size_t size);
int fuzz_anomflags_one(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n",      \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/*
 * A file holding the current input. A memfd reached through /proc/self/fd
 * costs no disk and leaves nothing behind; where memfd or /proc is missing
 * it falls back to a temporary file, removed at exit.
 */
struct fuzz_file {
	int fd;         /* 0 until set up */
	char path[96];  /* what input_open() is given */
	int is_temp;    /* 'path' is a temporary file to unlink */
};

static struct fuzz_file *fuzz_temp_files[8]; /* to unlink at exit */

static inline void fuzz_file_cleanup(void)
{
	for (size_t i = 0; i < 8; i++)
		if (fuzz_temp_files[i])
			unlink(fuzz_temp_files[i]->path);
}

static inline void fuzz_file_setup(struct fuzz_file *f, const char *tag)
{
	if (f->fd > 0)
		return;
#ifdef MFD_CLOEXEC
	f->fd = memfd_create(tag, MFD_CLOEXEC);
	if (f->fd > 0) {
		snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
		if (access(f->path, R_OK) == 0)
			return;
		close(f->fd);
	}
#endif
	const char *dir = getenv("TMPDIR");
	snprintf(f->path, sizeof(f->path), "%s/cdrsift-fuzz-%s-XXXXXX",
		 dir && *dir ? dir : "/tmp", tag);
	f->fd = mkstemp(f->path);
	if (f->fd < 0) {
		fprintf(stderr, "fuzz: cannot create %s: %s\n", f->path,
			strerror(errno));
		abort();
	}
	f->is_temp = 1;
	for (size_t i = 0; i < 8; i++)
		if (!fuzz_temp_files[i]) {
			if (i == 0)
				atexit(fuzz_file_cleanup);
			fuzz_temp_files[i] = f;
			break;
		}
}

/* Make the file hold exactly 'data'; returns its path. */
static inline const char *fuzz_file_put(struct fuzz_file *f, const char *tag,
					const uint8_t *data, size_t size)
{
	size_t done = 0;
	fuzz_file_setup(f, tag);
	if (ftruncate(f->fd, 0) != 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(f->fd, data + done, size - done, (off_t)done);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			abort();
		}
		done += (size_t)n;
	}
	return f->path;
}

/* 1 when 'len' bytes of 's' hold a control byte other than 'allowed'. */
static inline int fuzz_has_control(const char *s, size_t len, char allowed)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 || c == 0x7f) && c != (unsigned char)allowed)
			return 1;
	}
	return 0;
}

/* FNV-1a, to compare two runs' event streams. */
static inline uint64_t fuzz_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}
#define FUZZ_HASH_INIT 14695981039346656037ull

static inline uint64_t fuzz_hash_u64(uint64_t h, uint64_t v)
{
	return fuzz_hash(h, &v, sizeof(v));
}

static inline uint64_t fuzz_hash_str(uint64_t h, const char *s)
{
	return s ? fuzz_hash(h, s, strlen(s) + 1) : fuzz_hash_u64(h, 0);
}

#endif
