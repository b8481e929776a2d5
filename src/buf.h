/*
 * buf.h - growable byte buffer (git strbuf's invariants, smaller).
 * Invariant: 'data' is NULL or holds 'len' bytes followed by a NUL, so
 * buf_cstr() is always a C string. A struct buf owns its memory; release it
 * with buf_release(). A zero-initialised struct buf is an empty buffer.
 */
#ifndef CDRSIFT_BUF_H
#define CDRSIFT_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	char *data;   /* owned; NULL until the first append */
	size_t len;   /* bytes in use, excluding the trailing NUL */
	size_t alloc; /* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t len);
/* The decimal text of 'v', as "%lld" writes it, without printf. */
void buf_add_i64(struct buf *b, int64_t v);
void buf_addch(struct buf *b, int c);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Keep the allocation, drop the contents. */
void buf_reset(struct buf *b);
void buf_release(struct buf *b);
/* Borrowed C string, valid until the next change to 'b'. Never NULL. */
const char *buf_cstr(const struct buf *b);

/*
 * Append 'len' bytes of 's' with every byte that is not printable ASCII
 * written as \xHH (and backslash as \\), so that evidence bytes never reach a
 * terminal raw (DESIGN section 3). At most 'max' input bytes are shown; a
 * longer input ends in "...".
 */
void buf_add_escaped(struct buf *b, const char *s, size_t len, size_t max);

#endif
