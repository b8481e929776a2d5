/*
 * audit.c - writing, reading and appending audit-log lines (see audit.h
 * for the chain rule, the man page's AUDIT LOG for the fields).
 *
 * The reader is a small strict JSON parser for exactly the shape
 * audit_format writes (RFC 8259 syntax, no whitespace needed but allowed
 * between tokens, depth at most 4):
 *
 *   line    -> '{' member (',' member)* '}'
 *   member  -> STRING ':' value          (known names only, each once)
 *   files   -> '[' (file (',' file)*)? ']'
 *   file    -> '{' "path" STRING, "bytes" (UINT | null),
 *                  "sha256" (HEX64 | null) '}'   (any order, path required)
 *   strings -> '[' (STRING (',' STRING)*)? ']'
 *
 * Strings are decoded as audit_format's json_add_str writes them: UTF-8
 * as is, and \u0080-\u00ff for a byte that is not part of valid UTF-8
 * (so file names that are not UTF-8 come back byte for byte; a generic
 * JSON writer never produces those escapes for our lines, which it
 * cannot write without breaking their hash anyway).
 */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "output.h"
#include "xalloc.h"
#include "banned.h"

void audit_files_add(struct audit_files *fs, const char *path, int has_bytes,
		     uint64_t bytes, const char *sha256)
{
	VEC_GROW(fs->items, fs->nr + 1, fs->alloc);
	struct audit_file *f = &fs->items[fs->nr++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->has_bytes = has_bytes;
	f->bytes = bytes;
	if (sha256 && strlen(sha256) == 64)
		memcpy(f->sha256, sha256, 65);
}

void audit_entry_add_arg(struct audit_entry *e, const char *arg)
{
	VEC_GROW(e->command, e->ncommand + 1, e->command_alloc);
	e->command[e->ncommand++] = xstrdup(arg);
}

void audit_files_release(struct audit_files *fs)
{
	for (size_t i = 0; i < fs->nr; i++)
		free(fs->items[i].path);
	free(fs->items);
	memset(fs, 0, sizeof(*fs));
}

void audit_entry_release(struct audit_entry *e)
{
	free(e->time);
	free(e->finished);
	free(e->user);
	free(e->host);
	free(e->cwd);
	free(e->version);
	for (size_t i = 0; i < e->ncommand; i++)
		free(e->command[i]);
	free(e->command);
	audit_files_release(&e->inputs);
	audit_files_release(&e->outputs);
	memset(e, 0, sizeof(*e));
}

/* ---- writing ---- */

static void add_str_or_null(struct buf *b, const char *s)
{
	if (s)
		json_add_str(b, s, strlen(s));
	else
		buf_adds(b, "null");
}

static void add_files(struct buf *b, const struct audit_files *fs, int bytes)
{
	buf_addch(b, '[');
	for (size_t i = 0; i < fs->nr; i++) {
		const struct audit_file *f = &fs->items[i];
		if (i)
			buf_addch(b, ',');
		buf_adds(b, "{\"path\":");
		json_add_str(b, f->path, strlen(f->path));
		if (bytes) {
			if (f->has_bytes)
				buf_addf(b, ",\"bytes\":%llu",
					 (unsigned long long)f->bytes);
			else
				buf_adds(b, ",\"bytes\":null");
		}
		buf_adds(b, ",\"sha256\":");
		add_str_or_null(b, f->sha256[0] ? f->sha256 : NULL);
		buf_addch(b, '}');
	}
	buf_addch(b, ']');
}

void audit_format(struct audit_entry *e, struct buf *b)
{
	size_t start = b->len;
	buf_addf(b, "{\"seq\":%llu,\"prev\":", (unsigned long long)e->seq);
	json_add_str(b, e->prev, strlen(e->prev));
	buf_adds(b, ",\"time\":");
	add_str_or_null(b, e->time);
	buf_adds(b, ",\"finished\":");
	add_str_or_null(b, e->finished);
	buf_adds(b, ",\"user\":");
	add_str_or_null(b, e->user);
	buf_adds(b, ",\"host\":");
	add_str_or_null(b, e->host);
	buf_adds(b, ",\"cwd\":");
	add_str_or_null(b, e->cwd);
	buf_adds(b, ",\"version\":");
	add_str_or_null(b, e->version);
	buf_adds(b, ",\"command\":[");
	for (size_t i = 0; i < e->ncommand; i++) {
		if (i)
			buf_addch(b, ',');
		json_add_str(b, e->command[i], strlen(e->command[i]));
	}
	buf_adds(b, "],\"inputs\":");
	add_files(b, &e->inputs, 1);
	buf_adds(b, ",\"outputs\":");
	add_files(b, &e->outputs, 0);
	buf_addf(b, ",\"exit\":%d", e->exit_status);
	/* H = SHA-256(BODY '}') */
	buf_addch(b, '}');
	digest_mem(b->data + start, b->len - start, e->hash);
	b->len--;
	b->data[b->len] = '\0';
	e->body_len = b->len - start;
	buf_adds(b, ",\"hash\":\"");
	buf_add(b, e->hash, 64);
	buf_adds(b, "\"}");
}

/* ---- reading ---- */

struct reader {
	const char *s;    /* the line */
	size_t len, pos;  /* its length; the next byte */
	struct diag *d;
	struct buf str;   /* the last string read */
};

static int fail(struct reader *r, const char *what)
{
	return diag_error(r->d, "%s at byte %zu", what, r->pos + 1);
}

static void skip_ws(struct reader *r)
{
	while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t'))
		r->pos++;
}

static int expect(struct reader *r, char c)
{
	skip_ws(r);
	if (r->pos >= r->len || r->s[r->pos] != c) {
		char what[40];
		snprintf(what, sizeof(what), "expected '%c'", c);
		return fail(r, what);
	}
	r->pos++;
	return 0;
}

/* 1 and consume 'c' when it is next, else 0. */
static int accept(struct reader *r, char c)
{
	skip_ws(r);
	if (r->pos < r->len && r->s[r->pos] == c) {
		r->pos++;
		return 1;
	}
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int read_u4(struct reader *r, unsigned *out)
{
	unsigned v = 0;
	if (r->len - r->pos < 4)
		return fail(r, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		int h = hexval(r->s[r->pos + (size_t)i]);
		if (h < 0)
			return fail(r, "bad \\u escape");
		v = v * 16 + (unsigned)h;
	}
	r->pos += 4;
	*out = v;
	return 0;
}

static void add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addch(b, (int)(0xc0 | (cp >> 6)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addch(b, (int)(0xe0 | (cp >> 12)));
		buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		buf_addch(b, (int)(0xf0 | (cp >> 18)));
		buf_addch(b, (int)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addch(b, (int)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* STRING -> '"' (CHAR | ESCAPE)* '"', decoded into r->str; no NUL. */
static int read_string(struct reader *r)
{
	buf_reset(&r->str);
	if (expect(r, '"') < 0)
		return -1;
	while (r->pos < r->len) {
		unsigned char c = (unsigned char)r->s[r->pos++];
		if (c == '"')
			return 0;
		if (c < 0x20)
			return fail(r, "control byte in a string");
		if (c != '\\') {
			buf_addch(&r->str, c);
			continue;
		}
		if (r->pos >= r->len)
			break;
		c = (unsigned char)r->s[r->pos++];
		switch (c) {
		case '"': case '\\': case '/':
			buf_addch(&r->str, c);
			break;
		case 'b': buf_addch(&r->str, '\b'); break;
		case 'f': buf_addch(&r->str, '\f'); break;
		case 'n': buf_addch(&r->str, '\n'); break;
		case 'r': buf_addch(&r->str, '\r'); break;
		case 't': buf_addch(&r->str, '\t'); break;
		case 'u': {
			unsigned cp, lo;
			if (read_u4(r, &cp) < 0)
				return -1;
			if (cp == 0)
				return fail(r, "\\u0000 in a string");
			if (cp >= 0x80 && cp <= 0xff) {
				/* a byte that is not UTF-8 (see the top) */
				buf_addch(&r->str, (int)cp);
				break;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(r, "lone low surrogate");
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->len - r->pos < 2 || r->s[r->pos] != '\\' ||
				    r->s[r->pos + 1] != 'u')
					return fail(r, "lone high surrogate");
				r->pos += 2;
				if (read_u4(r, &lo) < 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fail(r, "lone high surrogate");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			add_utf8(&r->str, cp);
			break;
		}
		default:
			r->pos--;
			return fail(r, "bad escape in a string");
		}
	}
	return fail(r, "unterminated string");
}

/* UINT -> '0' | [1-9][0-9]*, at most 'max'. */
static int read_uint(struct reader *r, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t start;
	skip_ws(r);
	start = r->pos;
	while (r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9') {
		unsigned dgt = (unsigned)(r->s[r->pos] - '0');
		if (v > (max - dgt) / 10)
			return fail(r, "number too large");
		v = v * 10 + dgt;
		r->pos++;
	}
	if (r->pos == start)
		return fail(r, "expected a whole number");
	if (r->s[start] == '0' && r->pos - start > 1)
		return fail(r, "a number with a leading zero");
	if (r->pos < r->len && strchr(".eE-+", r->s[r->pos]))
		return fail(r, "expected a whole number");
	*out = v;
	return 0;
}

/* 1 and consume "null" when it is next. */
static int accept_null(struct reader *r)
{
	skip_ws(r);
	if (r->len - r->pos >= 4 && !memcmp(r->s + r->pos, "null", 4)) {
		r->pos += 4;
		return 1;
	}
	return 0;
}

/* STRING | null into an owned copy (NULL for null). */
static int read_opt_string(struct reader *r, char **out)
{
	if (accept_null(r))
		return 0;
	if (read_string(r) < 0)
		return -1;
	*out = xstrndup(r->str.data ? r->str.data : "", r->str.len);
	return 0;
}

static int read_hex(struct reader *r, char out[65], int nullable)
{
	if (nullable && accept_null(r)) {
		out[0] = '\0';
		return 0;
	}
	if (read_string(r) < 0)
		return -1;
	if (!digest_is_hex(r->str.data ? r->str.data : "", r->str.len))
		return fail(r, "expected 64 hex digits");
	for (int i = 0; i < 64; i++) {
		char c = r->str.data[i];
		if (c >= 'A' && c <= 'F')
			return fail(r, "expected lower-case hex digits");
		out[i] = c;
	}
	out[64] = '\0';
	return 0;
}

/* file -> '{' members '}' */
static int read_file(struct reader *r, struct audit_files *fs, int want_bytes)
{
	int seen_path = 0, seen_bytes = 0, seen_sha = 0;
	char *path = NULL;
	char sha[65] = "";
	uint64_t bytes = 0;
	int has_bytes = 0;
	if (expect(r, '{') < 0)
		return -1;
	do {
		if (read_string(r) < 0 || expect(r, ':') < 0)
			goto bad;
		if (!strcmp(buf_cstr(&r->str), "path") && !seen_path) {
			seen_path = 1;
			if (read_string(r) < 0)
				goto bad;
			if (!r->str.len) {
				fail(r, "an empty path");
				goto bad;
			}
			path = xstrndup(r->str.data, r->str.len);
		} else if (!strcmp(buf_cstr(&r->str), "bytes") && want_bytes &&
			   !seen_bytes) {
			seen_bytes = 1;
			if (!accept_null(r)) {
				if (read_uint(r, UINT64_MAX, &bytes) < 0)
					goto bad;
				has_bytes = 1;
			}
		} else if (!strcmp(buf_cstr(&r->str), "sha256") && !seen_sha) {
			seen_sha = 1;
			if (read_hex(r, sha, 1) < 0)
				goto bad;
		} else {
			fail(r, "unknown or repeated member in a file");
			goto bad;
		}
	} while (accept(r, ','));
	if (expect(r, '}') < 0)
		goto bad;
	if (!seen_path || !seen_sha || seen_bytes != want_bytes) {
		fail(r, want_bytes ? "a file needs path, bytes and sha256" :
		     "a file needs path and sha256");
		goto bad;
	}
	audit_files_add(fs, path, has_bytes, bytes, sha);
	free(path);
	return 0;
bad:
	free(path);
	return -1;
}

static int read_files(struct reader *r, struct audit_files *fs, int bytes)
{
	if (expect(r, '[') < 0)
		return -1;
	if (accept(r, ']'))
		return 0;
	do {
		if (read_file(r, fs, bytes) < 0)
			return -1;
	} while (accept(r, ','));
	return expect(r, ']');
}

static int read_command(struct reader *r, struct audit_entry *e)
{
	if (expect(r, '[') < 0)
		return -1;
	if (accept(r, ']'))
		return 0;
	do {
		if (read_string(r) < 0)
			return -1;
		audit_entry_add_arg(e, buf_cstr(&r->str));
	} while (accept(r, ','));
	return expect(r, ']');
}

enum member {
	M_SEQ, M_PREV, M_TIME, M_FINISHED, M_USER, M_HOST, M_CWD, M_VERSION,
	M_COMMAND, M_INPUTS, M_OUTPUTS, M_EXIT, M_HASH, M_COUNT
};

static const char *const member_names[M_COUNT] = {
	"seq", "prev", "time", "finished", "user", "host", "cwd", "version",
	"command", "inputs", "outputs", "exit", "hash",
};

int audit_parse_line(const char *line, size_t len, struct audit_entry *e,
		     struct diag *d)
{
	struct reader r = { line, len, 0, d, BUF_INIT };
	int seen[M_COUNT] = { 0 };
	uint64_t v;
	int rc = -1;

	if (len > AUDIT_MAX_LINE)
		return diag_error(d, "line longer than 64 MiB");
	if (memchr(line, '\0', len))
		return diag_error(d, "a NUL byte in the line");
	if (expect(&r, '{') < 0)
		goto out;
	for (;;) {
		size_t member_start = r.pos - 1; /* the '{' or ',' before it */
		int m;
		if (read_string(&r) < 0 || expect(&r, ':') < 0)
			goto out;
		for (m = 0; m < M_COUNT; m++)
			if (!strcmp(buf_cstr(&r.str), member_names[m]))
				break;
		if (m == M_COUNT) {
			fail(&r, "unknown member");
			goto out;
		}
		if (seen[m]) {
			fail(&r, "a member given twice");
			goto out;
		}
		seen[m] = 1;
		switch (m) {
		case M_SEQ:
			if (read_uint(&r, UINT64_MAX, &e->seq) < 0)
				goto out;
			break;
		case M_PREV:
			if (read_hex(&r, e->prev, 0) < 0)
				goto out;
			break;
		case M_TIME:
			if (read_opt_string(&r, &e->time) < 0)
				goto out;
			break;
		case M_FINISHED:
			if (read_opt_string(&r, &e->finished) < 0)
				goto out;
			break;
		case M_USER:
			if (read_opt_string(&r, &e->user) < 0)
				goto out;
			break;
		case M_HOST:
			if (read_opt_string(&r, &e->host) < 0)
				goto out;
			break;
		case M_CWD:
			if (read_opt_string(&r, &e->cwd) < 0)
				goto out;
			break;
		case M_VERSION:
			if (read_opt_string(&r, &e->version) < 0)
				goto out;
			break;
		case M_COMMAND:
			if (read_command(&r, e) < 0)
				goto out;
			break;
		case M_INPUTS:
			if (read_files(&r, &e->inputs, 1) < 0)
				goto out;
			break;
		case M_OUTPUTS:
			if (read_files(&r, &e->outputs, 0) < 0)
				goto out;
			break;
		case M_EXIT:
			if (read_uint(&r, 255, &v) < 0)
				goto out;
			e->exit_status = (int)v;
			break;
		case M_HASH:
			if (read_hex(&r, e->hash, 0) < 0)
				goto out;
			/* "hash" is the last member, '}' the last byte */
			if (r.pos + 1 != len || line[r.pos] != '}') {
				fail(&r, "expected the line to end after \"hash\"");
				goto out;
			}
			if (line[member_start] != ',') {
				fail(&r, "\"hash\" cannot be the only member");
				goto out;
			}
			e->body_len = member_start;
			break;
		}
		if (m == M_HASH)
			break;
		if (!accept(&r, ',')) {
			fail(&r, "expected ',' and \"hash\" last");
			goto out;
		}
	}
	for (int m = 0; m < M_COUNT; m++)
		if (!seen[m] && (m == M_SEQ || m == M_PREV || m == M_INPUTS ||
				 m == M_OUTPUTS || m == M_EXIT)) {
			diag_error(d, "no \"%s\" member", member_names[m]);
			goto out;
		}
	rc = 0;
out:
	buf_release(&r.str);
	return rc;
}

int audit_check_line(const struct audit_entry *e, const char *line,
		     size_t len, uint64_t seq, const char *prev,
		     struct diag *d)
{
	struct buf body = BUF_INIT;
	char h[DIGEST_HEX];
	if (e->body_len > len)
		BUG("audit body longer than its line");
	buf_add(&body, line, e->body_len);
	buf_addch(&body, '}');
	digest_mem(body.data, body.len, h);
	buf_release(&body);
	if (strcmp(h, e->hash) != 0)
		return diag_error(d, "line changed: its hash does not match "
				  "its contents");
	if (e->seq != seq)
		return diag_error(d, "seq is %llu, expected %llu (a line was "
				  "deleted or inserted before it)",
				  (unsigned long long)e->seq,
				  (unsigned long long)seq);
	if (strcmp(e->prev, prev) != 0) {
		if (seq <= 1)
			return diag_error(d, "prev is not the hash of nothing, "
					  "as the first line's must be");
		return diag_error(d, "prev does not match line %llu (line "
				  "%llu was changed, or a line was deleted "
				  "between)", (unsigned long long)(seq - 1),
				  (unsigned long long)(seq - 1));
	}
	return 0;
}

/* ---- appending ---- */

/*
 * The last line of the open log 'fd' of 'size' bytes (ending in LF) into
 * 'out' without its LF. -1 when the file does not end in LF or the line
 * is too long.
 */
static int last_line(int fd, uint64_t size, struct buf *out, struct diag *d)
{
	char c;
	if (pread(fd, &c, 1, (off_t)(size - 1)) != 1)
		return diag_error(d, "cannot read it: %s", strerror(errno));
	if (c != '\n')
		return diag_error(d, "its last line is incomplete (no line "
				  "feed at the end)");
	uint64_t end = size - 1, start = end;
	char chunk[4096];
	while (start > 0) {
		size_t n = start < sizeof(chunk) ? (size_t)start : sizeof(chunk);
		ssize_t got = pread(fd, chunk, n, (off_t)(start - n));
		if (got != (ssize_t)n)
			return diag_error(d, "cannot read it: %s",
					  got < 0 ? strerror(errno) : "short read");
		const char *nl = NULL;
		for (size_t i = n; i > 0; i--)
			if (chunk[i - 1] == '\n') {
				nl = chunk + i - 1;
				break;
			}
		if (nl) {
			start = start - n + (uint64_t)(nl - chunk) + 1;
			break;
		}
		start -= n;
		if (end - start > AUDIT_MAX_LINE)
			return diag_error(d, "its last line is longer than 64 MiB");
	}
	buf_reset(out);
	buf_grow(out, (size_t)(end - start) + 1);
	if (end > start && pread(fd, out->data, (size_t)(end - start),
				 (off_t)start) != (ssize_t)(end - start))
		return diag_error(d, "cannot read it: %s", strerror(errno));
	out->len = (size_t)(end - start);
	out->data[out->len] = '\0';
	return 0;
}

static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) :
		    xstrdup(".");
	int fd = open(dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int audit_append(const char *path, struct audit_entry *e, struct diag *d)
{
	struct buf esc = BUF_INIT, last = BUF_INIT, line = BUF_INIT;
	struct stat st;
	int rc = -1, created = 0;
	buf_add_escaped(&esc, path, strlen(path), 256);
	int fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC |
			  O_NOCTTY, 0600);
		created = fd >= 0;
		if (fd < 0 && errno == EEXIST) /* another run created it */
			fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0) {
		diag_error(d, "cannot open audit log '%s': %s", buf_cstr(&esc),
			   strerror(errno));
		goto out_noclose;
	}
	struct flock lk;
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &lk) != 0) {
		if (errno != EINTR) {
			diag_error(d, "cannot lock audit log '%s': %s",
				   buf_cstr(&esc), strerror(errno));
			goto out;
		}
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, "audit log '%s' is not a regular file",
			   buf_cstr(&esc));
		goto out;
	}
	if (st.st_size == 0) {
		e->seq = 1;
		digest_mem("", 0, e->prev);
	} else {
		struct audit_entry prev;
		struct diag pd = DIAG_INIT;
		memset(&prev, 0, sizeof(prev));
		if (last_line(fd, (uint64_t)st.st_size, &last, &pd) < 0 ||
		    audit_parse_line(last.data, last.len, &prev, &pd) < 0 ||
		    audit_check_line(&prev, last.data, last.len, prev.seq,
				     prev.prev, &pd) < 0) {
			diag_error(d, "audit log '%s' not appended to: its last "
				   "line: %s (see cdrsift verify)",
				   buf_cstr(&esc), buf_cstr(&pd.msg));
			diag_release(&pd);
			audit_entry_release(&prev);
			goto out;
		}
		diag_release(&pd);
		if (prev.seq == UINT64_MAX) {
			audit_entry_release(&prev);
			diag_error(d, "audit log '%s' is full", buf_cstr(&esc));
			goto out;
		}
		e->seq = prev.seq + 1;
		audit_entry_release(&prev);
		digest_mem(last.data, last.len, e->prev);
	}
	audit_format(e, &line);
	buf_addch(&line, '\n');
	size_t done = 0;
	while (done < line.len) {
		ssize_t n = write(fd, line.data + done, line.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			diag_error(d, "cannot write audit log '%s': %s",
				   buf_cstr(&esc), n < 0 ? strerror(errno) :
				   "nothing written");
			/* no half line is left behind for the next run */
			if (done && ftruncate(fd, st.st_size) != 0)
				diag_error(d, "cannot write audit log '%s', and "
					   "a partial line is left in it: %s",
					   buf_cstr(&esc), strerror(errno));
			goto out;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0) {
		diag_error(d, "cannot sync audit log '%s': %s", buf_cstr(&esc),
			   strerror(errno));
		goto out;
	}
	if (created)
		sync_dir_of(path);
	rc = 0;
out:
	close(fd); /* releases the lock */
out_noclose:
	buf_release(&esc);
	buf_release(&last);
	buf_release(&line);
	return rc;
}
