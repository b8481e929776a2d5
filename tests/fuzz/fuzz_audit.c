/*
 * fuzz_audit.c - the audit-log line parser (cdrsift verify, and --audit
 * reading the last line before it appends) on arbitrary bytes, one line
 * per LF. Checks, besides surviving: a refused line leaves a message
 * without control bytes; a line that parses is written again by
 * audit_format, which must parse back to the same entry and the same
 * bytes, and pass audit_check_line against its own seq and prev.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include "../../src/audit.h"
#include "../../src/diag.h"

static void same_files(const struct audit_files *a, const struct audit_files *b)
{
	FUZZ_CHECK(a->nr == b->nr);
	for (size_t i = 0; i < a->nr; i++) {
		FUZZ_CHECK(!strcmp(a->items[i].path, b->items[i].path));
		FUZZ_CHECK(a->items[i].has_bytes == b->items[i].has_bytes);
		FUZZ_CHECK(!a->items[i].has_bytes ||
			   a->items[i].bytes == b->items[i].bytes);
		FUZZ_CHECK(!strcmp(a->items[i].sha256, b->items[i].sha256));
	}
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void one_line(const char *s, size_t len)
{
	struct audit_entry e, e2;
	struct diag d = DIAG_INIT;
	struct buf out = BUF_INIT, out2 = BUF_INIT;
	memset(&e, 0, sizeof(e));
	memset(&e2, 0, sizeof(e2));
	if (audit_parse_line(s, len, &e, &d) < 0) {
		FUZZ_CHECK(d.set);
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		goto out;
	}
	FUZZ_CHECK(e.body_len < len);
	diag_clear(&d);
	(void)audit_check_line(&e, s, len, e.seq, e.prev, &d);
	audit_format(&e, &out);
	FUZZ_CHECK(audit_parse_line(out.data, out.len, &e2, &d) == 0);
	FUZZ_CHECK(e2.seq == e.seq && !strcmp(e2.prev, e.prev));
	FUZZ_CHECK(!strcmp(e2.hash, e.hash) && e2.exit_status == e.exit_status);
	FUZZ_CHECK(same_str(e.time, e2.time) && same_str(e.cwd, e2.cwd));
	FUZZ_CHECK(same_str(e.user, e2.user) && same_str(e.host, e2.host));
	FUZZ_CHECK(e.ncommand == e2.ncommand);
	for (size_t i = 0; i < e.ncommand; i++)
		FUZZ_CHECK(!strcmp(e.command[i], e2.command[i]));
	same_files(&e.inputs, &e2.inputs);
	same_files(&e.outputs, &e2.outputs);
	FUZZ_CHECK(audit_check_line(&e2, out.data, out.len, e2.seq, e2.prev,
				    &d) == 0);
	audit_format(&e2, &out2);
	FUZZ_CHECK(out.len == out2.len && !memcmp(out.data, out2.data, out.len));
out:
	audit_entry_release(&e);
	audit_entry_release(&e2);
	buf_release(&out);
	buf_release(&out2);
	diag_release(&d);
}

FUZZ_ENTRY(audit)
{
	const char *p = (const char *)data, *end = p + size;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		one_line(p, (size_t)(stop - p));
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
