/*
 * manifest.c - reading and writing sha256sum manifests (see manifest.h).
 *
 * The lines, as coreutils 9 writes them (md5sum.c, output_file and
 * split_3) and as this parser takes them:
 *
 *   line  -> blank | '#' ANY | ['\'] gnu | ['\'] tag
 *   gnu   -> HEX64 ' ' (' ' | '*') NAME
 *   tag   -> "SHA256 (" NAME ") = " HEX64
 *
 * A leading '\' says NAME is escaped: "\\" is a backslash, "\n" a line
 * feed, "\r" a carriage return; any other escape is refused, as
 * sha256sum -c refuses it. A CR before the LF ends the line (CRLF files).
 * Stricter than sha256sum -c (which warns and goes on): a line of any
 * other shape, a NUL byte or an empty name refuses the whole manifest,
 * since a forensic check must not skip what it cannot read.
 */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "xalloc.h"
#include "banned.h"

/* Unescape 'len' bytes of 's' into 'out' when 'escaped'; -1 on a bad escape. */
static int take_name(const char *s, size_t len, int escaped, struct buf *out,
		     struct diag *d)
{
	buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0')
			return diag_error(d, "a NUL byte in a name");
		if (!escaped || s[i] != '\\') {
			buf_addch(out, s[i]);
			continue;
		}
		if (i + 1 == len)
			return diag_error(d, "a name ends in a lone '\\'");
		char c = s[++i];
		if (c == '\\')
			buf_addch(out, '\\');
		else if (c == 'n')
			buf_addch(out, '\n');
		else if (c == 'r')
			buf_addch(out, '\r');
		else if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
			return diag_error(d, "bad escape '\\%c' in a name", c);
		else
			return diag_error(d, "bad escape '\\\\x%02x' in a name",
					  (unsigned char)c);
	}
	if (out->len == 0)
		return diag_error(d, "an empty name");
	return 0;
}

/* Lexical form used for matching: no "./" components, no "//". */
static void normalise(const char *s, size_t len, struct buf *out)
{
	size_t i = 0;
	buf_reset(out);
	if (len && s[0] == '/') {
		buf_addch(out, '/');
		while (i < len && s[i] == '/')
			i++;
	}
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '/')
			j++;
		if (!(j - i == 1 && s[i] == '.')) {
			if (out->len && out->data[out->len - 1] != '/')
				buf_addch(out, '/');
			buf_add(out, s + i, j - i);
		}
		while (j < len && s[j] == '/')
			j++;
		i = j;
	}
	if (out->len == 0)
		buf_addch(out, '.');
}

static void add_entry(struct manifest *m, const struct buf *name,
		      const char *hex, uint64_t line)
{
	struct buf norm = BUF_INIT;
	VEC_GROW(m->items, m->nr + 1, m->alloc);
	struct manifest_entry *e = &m->items[m->nr++];
	e->name = xstrndup(name->data, name->len);
	e->name_len = name->len;
	normalise(name->data, name->len, &norm);
	e->norm = xstrndup(norm.data, norm.len);
	buf_release(&norm);
	for (int i = 0; i < 64; i++) {
		char c = hex[i];
		e->sha256[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	e->sha256[64] = '\0';
	e->line = line;
}

static int cmp_norm(const void *a, const void *b)
{
	const struct manifest_entry *x = *(struct manifest_entry *const *)a;
	const struct manifest_entry *y = *(struct manifest_entry *const *)b;
	int c = strcmp(x->norm, y->norm);
	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

/*
 * Index the entries by name, and refuse a name listed twice with two
 * digests (naming the later line; the earliest such pair in name order).
 */
static int index_entries(struct manifest *m, struct diag *d)
{
	m->sorted = xreallocarray(NULL, m->nr ? m->nr : 1, sizeof(*m->sorted));
	for (size_t i = 0; i < m->nr; i++)
		m->sorted[i] = &m->items[i];
	qsort(m->sorted, m->nr, sizeof(*m->sorted), cmp_norm);
	for (size_t i = 1; i < m->nr; i++) {
		const struct manifest_entry *x = m->sorted[i - 1];
		const struct manifest_entry *y = m->sorted[i];
		if (strcmp(x->norm, y->norm) || !strcmp(x->sha256, y->sha256))
			continue;
		struct buf esc = BUF_INIT;
		buf_add_escaped(&esc, y->name, y->name_len, 256);
		diag_error(d, "'%s' is listed twice with different digests "
			   "(first on line %llu)", buf_cstr(&esc),
			   (unsigned long long)x->line);
		if (d)
			d->line = y->line;
		buf_release(&esc);
		free(m->sorted);
		m->sorted = NULL;
		return -1;
	}
	return 0;
}

/*
 * One line without its LF (and CR).
 *   line -> blank | '#' ANY | ['\'] gnu | ['\'] tag
 */
static int parse_line(struct manifest *m, const char *s, size_t len,
		      uint64_t line, struct buf *name, struct diag *d)
{
	static const char tag[] = "SHA256 (";
	int escaped = 0;
	char hex[65];

	if (len == 0 || s[0] == '#')
		return 0;
	if (s[0] == '\\') {
		escaped = 1;
		s++;
		len--;
	}
	if (len >= sizeof(tag) - 1 && !memcmp(s, tag, sizeof(tag) - 1)) {
		/* tag -> "SHA256 (" NAME ") = " HEX64 */
		if (len < sizeof(tag) - 1 + 1 + 4 + 64 ||
		    memcmp(s + len - 68, ") = ", 4) != 0 ||
		    !digest_is_hex(s + len - 64, 64))
			return diag_error(d, "expected 'SHA256 (NAME) = ' and "
					  "64 hex digits");
		memcpy(hex, s + len - 64, 64);
		if (take_name(s + sizeof(tag) - 1, len - (sizeof(tag) - 1) - 68,
			      escaped, name, d) < 0)
			return -1;
		add_entry(m, name, hex, line);
		return 0;
	}
	/* gnu -> HEX64 ' ' (' ' | '*') NAME */
	if (len > 66 && digest_is_hex(s, 64) && s[64] == ' ' &&
	    (s[65] == ' ' || s[65] == '*')) {
		memcpy(hex, s, 64);
		if (take_name(s + 66, len - 66, escaped, name, d) < 0)
			return -1;
		add_entry(m, name, hex, line);
		return 0;
	}
	size_t w = 0;
	while (w < len && w < 16 && s[w] >= 'A' && s[w] <= 'Z')
		w++;
	if (w && w + 2 <= len && s[w] == ' ' && s[w + 1] == '(')
		return diag_error(d, "not a sha256 line (%.*s tag)", (int)w, s);
	return diag_error(d, "expected 64 hex digits, two spaces and a name");
}

int manifest_parse(struct manifest *m, const char *data, size_t len,
		   struct diag *d)
{
	struct buf name = BUF_INIT;
	uint64_t line = 0;
	size_t i = 0;
	int rc = 0;
	while (i < len) {
		const char *eol = memchr(data + i, '\n', len - i);
		size_t end = eol ? (size_t)(eol - data) : len;
		size_t n = end - i;
		line++;
		if (n && data[i + n - 1] == '\r')
			n--;
		if (parse_line(m, data + i, n, line, &name, d) < 0) {
			if (d)
				d->line = line;
			rc = -1;
			break;
		}
		i = end + 1;
	}
	buf_release(&name);
	if (rc == 0)
		rc = index_entries(m, d);
	return rc;
}

int manifest_load(struct manifest *m, const char *path, struct diag *d)
{
	struct buf text = BUF_INIT, esc = BUF_INIT;
	int rc = -1;
	buf_add_escaped(&esc, path, strlen(path), 256);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		diag_error(d, "cannot open '%s': %s", buf_cstr(&esc),
			   strerror(errno));
		goto out;
	}
	for (;;) {
		buf_grow(&text, 65536);
		ssize_t got = read(fd, text.data + text.len, 65536);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			diag_error(d, "cannot read '%s': %s", buf_cstr(&esc),
				   strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		text.len += (size_t)got;
		text.data[text.len] = '\0';
		if (text.len > MANIFEST_MAX_BYTES) {
			diag_error(d, "'%s': manifest larger than 256 MiB",
				   buf_cstr(&esc));
			goto out;
		}
	}
	rc = manifest_parse(m, text.data ? text.data : "", text.len, d);
out:
	if (fd >= 0)
		close(fd);
	buf_release(&text);
	buf_release(&esc);
	return rc;
}

const struct manifest_entry *manifest_find(const struct manifest *m,
					   const char *name, size_t len)
{
	struct buf key = BUF_INIT;
	const struct manifest_entry *found = NULL;
	size_t lo = 0, hi = m->sorted ? m->nr : 0;
	normalise(name, len, &key);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->sorted[mid]->norm, key.data);
		if (c < 0) {
			lo = mid + 1;
		} else {
			if (c == 0)
				found = m->sorted[mid];
			hi = mid;
		}
	}
	buf_release(&key);
	return found;
}

void manifest_add_line(struct buf *b, const char *hex, const char *name,
		       size_t len)
{
	int escape = memchr(name, '\\', len) || memchr(name, '\n', len) ||
		     memchr(name, '\r', len);
	if (escape)
		buf_addch(b, '\\');
	buf_add(b, hex, 64);
	buf_add(b, "  ", 2);
	for (size_t i = 0; i < len; i++) {
		if (escape && name[i] == '\\')
			buf_add(b, "\\\\", 2);
		else if (escape && name[i] == '\n')
			buf_add(b, "\\n", 2);
		else if (escape && name[i] == '\r')
			buf_add(b, "\\r", 2);
		else
			buf_addch(b, name[i]);
	}
	buf_addch(b, '\n');
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		free(m->items[i].name);
		free(m->items[i].norm);
	}
	free(m->items);
	free(m->sorted);
	m->items = NULL;
	m->sorted = NULL;
	m->nr = m->alloc = 0;
}
