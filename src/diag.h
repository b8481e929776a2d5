/*
 * diag.h - how library code reports errors without printing (STYLE rule 13).
 * A caller-owned struct diag receives the message, the file, the line and the
 * compressed byte offset of a failure. Only cmd/ prints it. Messages follow
 * git's rules: lowercase, no final full stop, problem first.
 */
#ifndef CDRSIFT_DIAG_H
#define CDRSIFT_DIAG_H

#include <stdint.h>

#include "buf.h"

/*
 * What kind of failure a message reports, for callers that act on it
 * (never by matching the message's words, which may change).
 */
enum diag_class {
	DIAG_OTHER,   /* usage, format, anything not below */
	DIAG_OPEN,    /* an input could not be opened; the message names it */
	DIAG_IO,      /* a read failed part-way */
	DIAG_DAMAGED, /* compressed data damaged: what came before counts */
	DIAG_CHECK,   /* damaged, found by a check after the data it covers
			 was delivered (gzip CRC-32 or length): that member's
			 rows were read but cannot be trusted */
};

struct diag {
	struct buf msg;   /* the message, without "cdrsift: FILE:LINE: " */
	const char *file; /* borrowed display name of the input, or NULL */
	uint64_t line;    /* physical line, 0 when not about a line */
	int set;          /* 1 once diag_error has been called */
	enum diag_class cls; /* DIAG_OTHER unless diag_fail said */
};

#define DIAG_INIT { BUF_INIT, NULL, 0, 0, DIAG_OTHER }

/* Record the message and return -1, so that code can "return diag_error(...)". */
int diag_error(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same with a class. */
int diag_fail(struct diag *d, enum diag_class cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 'to' gets the message, class and set flag of 'from' (file, line kept). */
void diag_copy(struct diag *to, const struct diag *from);
void diag_clear(struct diag *d);
void diag_release(struct diag *d);

/* Abort with file:line for a broken invariant; never for bad input. */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bug_fl(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
