/*
 * audit.h - the hash-chained audit log of --audit and `cdrsift verify`:
 * one JSON object per line and per run, appended under a lock and synced.
 * Each line carries the SHA-256 of the line before it ("prev") and of
 * itself ("hash"), so an edited, inserted or deleted line breaks the
 * chain at a line that verify can name. The rule, written for anyone to
 * re-compute it (man page, AUDIT LOG):
 *
 *   line N = BODY ',"hash":"' H '"}'          (no spaces, then one LF)
 *   H      = SHA-256(BODY '}')                 (the line without "hash")
 *   prev   = SHA-256(line N-1 without its LF); for line 1, SHA-256 of
 *            no bytes (e3b0c442...b855)
 *   seq    = N
 *
 * Lines are untrusted input when read back: audit_parse_line() checks the
 * whole shape and refuses anything else, naming what is wrong. Ownership:
 * a struct audit_entry owns every string and array in it; release it with
 * audit_entry_release().
 */
#ifndef CDRSIFT_AUDIT_H
#define CDRSIFT_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

#define AUDIT_MAX_LINE ((size_t)64 << 20) /* longer lines are refused */

/* One file a run read or wrote. */
struct audit_file {
	char *path;       /* owned; as given ("-": standard input or output) */
	uint64_t bytes;   /* size; meaningful when 'has_bytes' */
	int has_bytes;    /* 0: written as null (outputs never carry bytes) */
	char sha256[65];  /* lower-case hex, "" when null (not known) */
};

struct audit_files {
	struct audit_file *items;
	size_t nr, alloc;
};

struct audit_entry {
	uint64_t seq;               /* 1-based position in the log */
	char prev[65];              /* SHA-256 of the line before */
	char hash[65];              /* SHA-256 of this line without "hash" */
	char *time;                 /* run start, UTC ISO 8601 (json meta's) */
	char *finished;             /* when the line was appended */
	char *user, *host, *cwd;    /* who ran it, where, in which directory */
	char *version;              /* cdrsift version */
	char **command;             /* argument list from the command name on */
	size_t ncommand, command_alloc;
	struct audit_files inputs;  /* files read */
	struct audit_files outputs; /* files written */
	int exit_status;            /* 0..255 */
	size_t body_len;            /* parse: bytes of the line before ',"hash"' */
};

/* Add a file to 'fs'; 'sha256' NULL or "" when not known. */
void audit_files_add(struct audit_files *fs, const char *path, int has_bytes,
		     uint64_t bytes, const char *sha256);
/* Free the files of 'fs' and empty it. */
void audit_files_release(struct audit_files *fs);
/* Add an argument to 'e->command' (copied). */
void audit_entry_add_arg(struct audit_entry *e, const char *arg);
void audit_entry_release(struct audit_entry *e);

/*
 * The line for 'e' (its seq and prev as set), with its "hash" computed and
 * stored in 'e->hash', without the LF, appended to 'b'.
 */
void audit_format(struct audit_entry *e, struct buf *b);

/*
 * Parse one line ('len' bytes, no LF) into the zeroed 'e'. Checks the
 * JSON and the shape: an object whose members are those audit_format
 * writes, "seq", "prev", "inputs", "outputs", "exit" and "hash" required,
 * "hash" last and nothing after it, no member twice. Does not check the
 * digests (audit_check_line does). 0, or -1 with the problem in 'd'.
 */
int audit_parse_line(const char *line, size_t len, struct audit_entry *e,
		     struct diag *d);

/*
 * Check a parsed line against the chain: its "hash" against its own
 * bytes, its "seq" against 'seq' and its "prev" against 'prev' (the hex
 * SHA-256 of the line before, or of nothing for the first). 0, or -1 with
 * the first problem in 'd': "line changed: its hash does not match its
 * contents", "seq is N, expected M (a line was deleted or inserted
 * before it)", "prev does not match line M (line M was changed, or a
 * line was deleted between)".
 */
int audit_check_line(const struct audit_entry *e, const char *line,
		     size_t len, uint64_t seq, const char *prev,
		     struct diag *d);

/*
 * Append 'e' to the audit log at 'path' (created with mode 0600 when
 * missing): under an exclusive fcntl lock on the whole file, read its last
 * line, check it (audit_parse_line and its own hash; the chain before it
 * is verify's work), set 'e->seq' and 'e->prev' from it, write the line
 * with one write(2), fsync the file (and its directory when created),
 * unlock. Concurrent runs appending to one log each get their own line.
 * A log whose last line is incomplete or not an audit line is left as it
 * is. 0, or -1 with the problem in 'd'.
 */
int audit_append(const char *path, struct audit_entry *e, struct diag *d);

#endif
