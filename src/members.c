/*
 * members.c - unpacking zip and tar deliveries before the run (members.h).
 */
#include "members.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "buf.h"
#include "input.h"
#include "xalloc.h"
#include "banned.h"

/* Names of skipped entries listed in an archive's note, at most. */
#define NOTE_NAMES 8

int members_is_archive(const unsigned char *b, size_t n, const char **what)
{
	if (n >= 4 && b[0] == 'P' && b[1] == 'K' &&
	    ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) ||
	     (b[2] == 7 && b[3] == 8))) {
		*what = "zip";
		return 1;
	}
	if (n >= 262 && !memcmp(b + 257, "ustar", 5)) {
		*what = "tar";
		return 1;
	}
	return 0;
}

/* The file's first decompressed bytes (input.c: gzip, xz, zstd, bzip2). */
static size_t head_bytes(const char *path, unsigned char *out, size_t cap,
			 const char **codec)
{
	struct input in;
	struct diag d = DIAG_INIT;
	size_t have = 0, got;
	*codec = NULL;
	if (input_open(&in, path, &d) < 0) {
		diag_release(&d);
		return 0;
	}
	while (have < cap && input_read(&in, (char *)out + have, cap - have,
					&got, &d) == INPUT_OK && got)
		have += got;
	*codec = in.codec;
	input_close(&in);
	diag_release(&d);
	return have;
}

/* What libarchive reads from: the file, hashed and counted as read. */
struct la_file {
	int fd;
	EVP_MD_CTX *md;
	uint64_t bytes;
	int ioerr;            /* errno of a failed read, or 0 */
	unsigned char buf[65536];
};

static la_ssize_t la_read(struct archive *a, void *opaque, const void **blk)
{
	struct la_file *f = opaque;
	ssize_t n;
	(void)a;
	do
		n = read(f->fd, f->buf, sizeof(f->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		f->ioerr = errno;
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	if (n > 0 && EVP_DigestUpdate(f->md, f->buf, (size_t)n) != 1)
		BUG("EVP_DigestUpdate failed");
	f->bytes += (uint64_t)n;
	*blk = f->buf;
	return n;
}

static struct member_item *new_item(struct members *m)
{
	VEC_GROW(m->item, m->n + 1, m->alloc);
	struct member_item *it = &m->item[m->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* libarchive's message, escaped (it may quote bytes of the file). */
static void la_message(struct buf *b, struct archive *a)
{
	const char *msg = archive_error_string(a);
	msg = msg ? msg : "unknown error";
	buf_add_escaped(b, msg, strlen(msg), 256);
}

/* An archive's note: the entries not unpacked, by kind. */
struct skipped {
	const char *what;     /* "link", ... */
	size_t n;
	struct buf names;     /* the first NOTE_NAMES, quoted */
};

static void skip_note(struct skipped *s, const char *name)
{
	if (s->n++ < NOTE_NAMES) {
		if (s->names.len)
			buf_adds(&s->names, ", ");
		buf_addch(&s->names, '\'');
		buf_add_escaped(&s->names, name, strlen(name), 128);
		buf_addch(&s->names, '\'');
	}
}

enum { SK_LINK, SK_DEV, SK_ENC, SK_N };

/* The entry's name as stored (never NULL). */
static const char *entry_name(struct archive_entry *e)
{
	const char *s = archive_entry_pathname(e);
	if (!s)
		s = archive_entry_pathname_utf8(e);
	return s && *s ? s : "?";
}

/*
 * Copy the entry's data into 'fd'. 0 when whole; else the member is
 * damaged: -1 with libarchive's word for it in 'why' (the next entry may
 * still be read), -2 when the archive can be read no further.
 */
static int copy_data(struct archive *a, int fd, unsigned char *head,
		     size_t *head_len, struct buf *why, int *wfail)
{
	const void *blk;
	size_t len;
	la_int64_t off;
	uint64_t at = 0;
	for (;;) {
		int r = archive_read_data_block(a, &blk, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			la_message(why, a);
			return r == ARCHIVE_FATAL ? -2 : -1;
		}
		/* a sparse tar member: its holes read as zero bytes */
		static const char zero[4096];
		while (off >= 0 && (uint64_t)off > at) {
			uint64_t gap = (uint64_t)off - at;
			size_t k = gap < sizeof(zero) ? (size_t)gap : sizeof(zero);
			if (write_all(fd, zero, k) < 0) {
				*wfail = errno;
				return -2;
			}
			at += k;
		}
		if (*head_len < 512 && len) {
			size_t k = 512 - *head_len < len ? 512 - *head_len : len;
			memcpy(head + *head_len, blk, k);
			*head_len += k;
		}
		if (len && write_all(fd, blk, len) < 0) {
			*wfail = errno;
			return -2;
		}
		at += len;
		if (r == ARCHIVE_WARN) { /* a failed check: the data is suspect */
			la_message(why, a);
			return -1;
		}
	}
}

/* The private folder, made on first need. */
static int make_dir(struct members *m, struct diag *d)
{
	if (m->dir)
		return 0;
	const char *tmp = getenv("TMPDIR");
	struct buf t = BUF_INIT;
	buf_adds(&t, tmp && *tmp ? tmp : "/tmp");
	buf_adds(&t, "/cdrsift-XXXXXX");
	if (!mkdtemp(t.data)) {
		diag_error(d, "cannot make a folder to unpack archives in "
			   "(under %s, TMPDIR): %s", tmp && *tmp ? tmp : "/tmp",
			   strerror(errno));
		buf_release(&t);
		return -1;
	}
	chmod(t.data, 0700);
	m->dir = xstrdup(t.data);
	buf_release(&t);
	return 0;
}

/*
 * Unpack archive 'path' ('what': "zip" or "tar", 'codec' around it or
 * NULL) into items after the archive's own. -1 only when a member file
 * cannot be written.
 */
static int unpack(struct members *m, const char *path, const char *what,
		  const char *codec, struct diag *d)
{
	size_t ai = m->n;
	struct member_item *arc = new_item(m);
	struct la_file *f = xcalloc(1, sizeof(*f));
	struct skipped sk[SK_N] = {
		{ "link", 0, BUF_INIT },
		{ "special file", 0, BUF_INIT },
		{ "encrypted member", 0, BUF_INIT },
	};
	struct buf kind = BUF_INIT, dmg = BUF_INIT;
	struct archive *a;
	struct archive_entry *ent;
	size_t nmembers = 0;
	int rc = 0, wfail = 0;

	arc->path = xstrdup(path);
	arc->name = xstrdup(path);
	arc->kind = MEMBER_ARCHIVE;
	buf_addf(&kind, "%s archive", what);
	if (codec)
		buf_addf(&kind, " in %s", codec);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	f->md = EVP_MD_CTX_new();
	if (!f->md || EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1)
		BUG("SHA-256 unavailable");
	a = archive_read_new();
	if (!a)
		BUG("archive_read_new failed");
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
	    archive_read_support_format_zip_streamable(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK)
		BUG("libarchive lacks a filter or format: %s",
		    archive_error_string(a));
	if (f->fd < 0) {
		buf_addf(&dmg, "cannot open: %s", strerror(errno));
		arc->damaged = 1;
	} else if (archive_read_open(a, f, NULL, la_read, NULL) != ARCHIVE_OK) {
		buf_addf(&dmg, "damaged %s (libarchive: ", buf_cstr(&kind));
		la_message(&dmg, a);
		buf_addf(&dmg, ") at or before byte %llu",
			 (unsigned long long)f->bytes);
		arc->damaged = 1;
	} else {
		for (;;) {
			int r = archive_read_next_header(a, &ent);
			if (r == ARCHIVE_EOF)
				break;
			if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
				buf_addf(&dmg, "damaged %s (libarchive: ",
					 buf_cstr(&kind));
				la_message(&dmg, a);
				buf_addf(&dmg, ") at or before byte %llu: no "
					 "member after it could be read",
					 (unsigned long long)f->bytes);
				arc = &m->item[ai];
				arc->damaged = 1;
				if (r == ARCHIVE_FATAL)
					break;
				continue;
			}
			const char *name = entry_name(ent);
			mode_t type = archive_entry_filetype(ent);
			if (type == AE_IFDIR)
				continue; /* holds no rows; zip -r writes one
					     per folder: not worth a note */
			if (type == AE_IFLNK || archive_entry_hardlink(ent)) {
				skip_note(&sk[SK_LINK], name);
				continue;
			}
			if (type != AE_IFREG) {
				skip_note(&sk[SK_DEV], name);
				continue;
			}
			if (make_dir(m, d) < 0) {
				rc = -1;
				break;
			}
			struct member_item *it = new_item(m);
			struct buf b = BUF_INIT;
			nmembers++;
			it->kind = MEMBER_OF;
			it->archive = ai;
			buf_addf(&b, "%s/m%06zu", m->dir, nmembers);
			it->path = xstrdup(buf_cstr(&b));
			buf_reset(&b);
			buf_adds(&b, path);
			buf_addch(&b, ':');
			buf_add_escaped(&b, name, strlen(name), 1024);
			it->name = xstrdup(buf_cstr(&b));
			buf_release(&b);
			int fd = open(it->path, O_WRONLY | O_CREAT | O_EXCL |
				      O_CLOEXEC, 0600);
			if (fd < 0) {
				wfail = errno;
				rc = -1;
				break;
			}
			if (archive_entry_is_encrypted(ent)) {
				skip_note(&sk[SK_ENC], name);
				it->damaged = 1;
				it->problem = xstrdup("an encrypted member: "
						      "cdrsift does not decrypt; "
						      "unpack the archive with "
						      "its password first");
				close(fd);
				continue;
			}
			unsigned char head[512];
			size_t head_len = 0;
			struct buf why = BUF_INIT;
			int c = copy_data(a, fd, head, &head_len, &why, &wfail);
			if (close(fd) != 0 && !wfail)
				wfail = errno;
			if (wfail) {
				buf_release(&why);
				rc = -1;
				break;
			}
			const char *inner;
			if (c < 0) {
				struct buf p = BUF_INIT;
				it->damaged = 1;
				buf_addf(&p, "damaged member of the %s "
					 "(libarchive: %s) at or before byte "
					 "%llu of the archive%s", buf_cstr(&kind),
					 buf_cstr(&why),
					 (unsigned long long)f->bytes,
					 c == -2 ? ": the member is cut there"
					 : "");
				it->problem = xstrdup(buf_cstr(&p));
				buf_release(&p);
			} else if (members_is_archive(head, head_len, &inner)) {
				struct buf p = BUF_INIT;
				it->refused = 1;
				buf_addf(&p, "a %s archive inside the archive, "
					 "which cdrsift does not unpack: "
					 "unpack it first", inner);
				it->problem = xstrdup(buf_cstr(&p));
				buf_release(&p);
			}
			buf_release(&why);
			if (c == -2) {
				arc = &m->item[ai];
				arc->damaged = 1;
				buf_addf(&dmg, "damaged %s (libarchive: ",
					 buf_cstr(&kind));
				la_message(&dmg, a);
				buf_addf(&dmg, ") at or before byte %llu: "
					 "member '", (unsigned long long)f->bytes);
				buf_add_escaped(&dmg, name, strlen(name), 128);
				buf_adds(&dmg, "' is cut there");
				break;
			}
		}
	}
	archive_read_free(a);
	/* the SHA-256 covers the whole file, whatever libarchive left */
	if (f->fd >= 0) {
		for (;;) {
			ssize_t n = read(f->fd, f->buf, sizeof(f->buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			if (EVP_DigestUpdate(f->md, f->buf, (size_t)n) != 1)
				BUG("EVP_DigestUpdate failed");
			f->bytes += (uint64_t)n;
		}
		close(f->fd);
	}
	arc = &m->item[ai];
	unsigned len = 0;
	if (EVP_DigestFinal_ex(f->md, arc->sha256, &len) != 1 || len != 32)
		BUG("EVP_DigestFinal_ex failed");
	EVP_MD_CTX_free(f->md);
	arc->bytes = f->bytes;
	arc->empty = nmembers == 0 && !arc->damaged;
	/* the note: damage first, then what was not unpacked */
	struct buf note = BUF_INIT;
	buf_add(&note, dmg.data ? dmg.data : "", dmg.len);
	if (arc->empty)
		buf_addf(&note, "a %s with no file in it", buf_cstr(&kind));
	for (int k = 0; k < SK_N; k++) {
		if (!sk[k].n)
			continue;
		buf_adds(&note, note.len ? "; " : "");
		buf_addf(&note, "not read: %zu %s%s (%s%s)", sk[k].n, sk[k].what,
			 sk[k].n == 1 ? "" : "s", buf_cstr(&sk[k].names),
			 sk[k].n > NOTE_NAMES ? ", ..." : "");
		buf_release(&sk[k].names);
	}
	if (note.len)
		arc->problem = xstrdup(buf_cstr(&note));
	buf_release(&note);
	buf_release(&dmg);
	buf_release(&kind);
	free(f);
	if (wfail) {
		diag_error(d, "cannot unpack '%s' into %s: %s", path,
			   m->dir ? m->dir : "TMPDIR", strerror(wfail));
		rc = -1;
	}
	return rc;
}

int members_expand(struct members *m, const char *const *paths, size_t n,
		   struct diag *d)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		unsigned char head[512];
		const char *codec = NULL, *what = NULL;
		size_t hl = 0;
		if (strcmp(paths[i], "-") && stat(paths[i], &st) == 0 &&
		    S_ISREG(st.st_mode))
			hl = head_bytes(paths[i], head, sizeof(head), &codec);
		/* zip only bare: a zip has its own compression */
		if (hl && members_is_archive(head, hl, &what) &&
		    (!codec || !strcmp(what, "tar"))) {
			m->narchives++;
			if (unpack(m, paths[i], what, codec, d) < 0)
				return -1;
			continue;
		}
		struct member_item *it = new_item(m);
		it->path = xstrdup(paths[i]);
		it->name = xstrdup(paths[i]);
	}
	return 0;
}

void members_release(struct members *m)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->item[i].kind == MEMBER_OF)
			unlink(m->item[i].path);
		free(m->item[i].path);
		free(m->item[i].name);
		free(m->item[i].problem);
	}
	if (m->dir)
		rmdir(m->dir);
	free(m->dir);
	free(m->item);
	memset(m, 0, sizeof(*m));
}
