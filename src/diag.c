/*
 * diag.c - error records for library code; BUG() for broken invariants.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "banned.h"

static void diag_vset(struct diag *d, enum diag_class cls, const char *fmt,
		      va_list ap)
{
	buf_reset(&d->msg);
	buf_vaddf(&d->msg, fmt, ap);
	d->set = 1;
	d->cls = cls;
}

int diag_error(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	if (!d)
		return -1;
	va_start(ap, fmt);
	diag_vset(d, DIAG_OTHER, fmt, ap);
	va_end(ap);
	return -1;
}

int diag_fail(struct diag *d, enum diag_class cls, const char *fmt, ...)
{
	va_list ap;
	if (!d)
		return -1;
	va_start(ap, fmt);
	diag_vset(d, cls, fmt, ap);
	va_end(ap);
	return -1;
}

void diag_copy(struct diag *to, const struct diag *from)
{
	buf_reset(&to->msg);
	buf_add(&to->msg, buf_cstr(&from->msg), from->msg.len);
	to->set = from->set;
	to->cls = from->cls;
}

void diag_clear(struct diag *d)
{
	buf_reset(&d->msg);
	d->file = NULL;
	d->line = 0;
	d->set = 0;
	d->cls = DIAG_OTHER;
}

void diag_release(struct diag *d)
{
	buf_release(&d->msg);
	d->set = 0;
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "cdrsift: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
