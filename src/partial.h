/*
 * partial.h - the container of a partial file (DESIGN section 7): an
 * analysis's exact state, written by `--partial FILE` and read back by
 * `cdrsift merge`. This module knows the framing only: header checks,
 * length-prefixed sections, the closing digest, and bounded readers of
 * integers and byte strings inside a section. What a section holds is the
 * business of the analysis that wrote it (its save and load operations).
 *
 * A partial is untrusted input (STYLE rule 32): every length is checked
 * against what is left before it is used, a reader never reads past its
 * section, and any fault is a message in a struct diag, never a crash.
 * Layout and encodings are described at the top of partial.c and in the
 * man page (PARTIAL FILES).
 *
 * Ownership: a partial_writer owns its buffer (release with
 * partial_writer_release); a partial_file owns the bytes it loaded
 * (release with partial_file_release); a partial_reader borrows from its
 * partial_file and is valid as long as the file is.
 */
#ifndef CDRSIFT_PARTIAL_H
#define CDRSIFT_PARTIAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "intern.h"

/*
 * The format version: a partial of another is refused with both numbers
 * (PARTIAL_E_VERSION). 2: the anomalies sections (ANOM, ANCL, ASER) hold
 * one shared record per record (2026-12-06); version 1 partials came from
 * builds before that.
 */
#define PARTIAL_VERSION 2u

/* A section tag: four ASCII characters, as PARTIAL_TAG('A','C','C','T'). */
#define PARTIAL_TAG(a, b, c, d)                                                \
	((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8 |    \
	 (uint32_t)(unsigned char)(c) << 16 | (uint32_t)(unsigned char)(d) << 24)

struct partial_writer {
	struct buf b;          /* header, sections so far */
	size_t section_at;     /* offset of the open section's length, or 0 */
};

/* An empty partial with its header written. */
void partial_writer_init(struct partial_writer *w);
void partial_writer_release(struct partial_writer *w);

/* Open a section 'tag' (closing any open one); close it. */
void partial_section_begin(struct partial_writer *w, uint32_t tag);
void partial_section_end(struct partial_writer *w);

/* Values inside the open section. */
void partial_put_u8(struct partial_writer *w, unsigned v);
void partial_put_u64(struct partial_writer *w, uint64_t v);     /* fixed 8 */
void partial_put_uvarint(struct partial_writer *w, uint64_t v); /* LEB128 */
void partial_put_svarint(struct partial_writer *w, int64_t v);  /* zigzag */
/* A byte string: its length as a uvarint, then the bytes. */
void partial_put_bytes(struct partial_writer *w, const void *p, size_t len);
void partial_put_str(struct partial_writer *w, const char *s);
/* The strings of 'set' in id order: a uvarint count, then each string. */
void partial_put_strings(struct partial_writer *w, const struct intern *set);

/*
 * Close the open section, append the digest, and return the complete file
 * in '*data'/'*len' (borrowed from 'w', valid until it is released).
 */
void partial_writer_finish(struct partial_writer *w, const unsigned char **data,
			   size_t *len);
/*
 * Finish and write the partial to 'path' through a temporary file in the
 * same directory renamed into place, so that a partial either exists
 * whole or not at all (a job killed half-way leaves nothing to merge).
 * 0, or -1 with a message in 'd'.
 */
int partial_writer_save(struct partial_writer *w, const char *path,
			struct diag *d);

struct partial_file {
	unsigned char *data;   /* owned: the whole file */
	size_t len;            /* bytes */
	uint32_t version;      /* format version of the file */
	const char *path;      /* borrowed display name, for messages */
	size_t nsections;      /* sections found (the digest not counted) */
	struct partial_section_info {
		uint32_t tag;  /* as written */
		size_t off;    /* offset of the payload in 'data' */
		size_t len;    /* payload bytes */
	} *sections;           /* owned, in file order */
};

/* partial_file_parse's failure for a file of another format version: a
   mismatch to refuse (exit 2), not damage. */
#define PARTIAL_E_VERSION (-2)

/*
 * Check and index 'len' bytes at 'data' (taken over: freed by release,
 * also on failure): magic, version, byte-order and size sentinels,
 * section framing, each tag at most once, and the digest. 0, or -1 with a
 * message naming 'path' and the fault in 'd' (PARTIAL_E_VERSION when the
 * file is of another format version).
 */
int partial_file_parse(struct partial_file *pf, unsigned char *data,
		       size_t len, const char *path, struct diag *d);
/* Read 'path' whole and parse it. 0, or -1 (or PARTIAL_E_VERSION) with a
   message in 'd'. */
int partial_file_load(struct partial_file *pf, const char *path,
		      struct diag *d);
void partial_file_release(struct partial_file *pf);

/*
 * A bounded cursor over one section's payload. A read past the end, an
 * overlong varint or a string longer than what is left sets 'failed';
 * every later read then returns 0 and changes nothing, so that a loader
 * can read a whole structure and check once, at the end.
 */
struct partial_reader {
	const unsigned char *p, *end; /* what is left */
	uint32_t tag;                 /* the section's tag */
	int failed;                   /* 1 after the first bad read */
};

/* The section 'tag': 0 and a reader over it, or -1 when absent. */
int partial_section(const struct partial_file *pf, uint32_t tag,
		    struct partial_reader *r);
unsigned partial_get_u8(struct partial_reader *r);
uint64_t partial_get_u64(struct partial_reader *r);
uint64_t partial_get_uvarint(struct partial_reader *r);
int64_t partial_get_svarint(struct partial_reader *r);
/* A byte string, borrowed from the file; sets '*len'. NULL after a fault. */
const unsigned char *partial_get_bytes(struct partial_reader *r, size_t *len);
/* A count of items each taking at least 'min_size' bytes: a count that
 * could not fit in what is left fails, so that a hostile count never
 * makes a loader allocate more than the file could describe. */
uint64_t partial_get_count(struct partial_reader *r, size_t min_size);
/*
 * Strings as partial_put_strings wrote them, added to the empty 'set'
 * with the ids they had; their count, 0 after a fault (a string twice,
 * one too long, more than an intern holds, or an empty one unless
 * 'empty_ok').
 */
uint64_t partial_get_strings(struct partial_reader *r, struct intern *set,
			     int empty_ok);
/* 0 when every read succeeded and the payload was read to its end; -1
 * with a message naming the file and the section otherwise. */
int partial_reader_finish(struct partial_reader *r,
			  const struct partial_file *pf, struct diag *d);

/* The tag as text ("ACCT"), control bytes escaped, into 'out' (>= 17). */
void partial_tag_name(uint32_t tag, char *out, size_t outlen);

#endif
