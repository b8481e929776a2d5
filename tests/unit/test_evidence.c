/*
 * test_evidence.c - the evidence formats: sha256sum manifests (names as
 * coreutils 9 escapes them, --tag lines, the lines refused) and audit
 * lines (one line's hash as Python's hashlib computes it by the man
 * page's rule, and the shapes the parser refuses).
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "digest.h"
#include "manifest.h"
#include "../../src/banned.h"

#define H_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

/* manifest text -> 0/-1, the error line into '*line' */
static int parse(struct manifest *m, const char *text, uint64_t *line)
{
	struct diag d = DIAG_INIT;
	int rc = manifest_parse(m, text, strlen(text), &d);
	*line = d.line;
	diag_release(&d);
	return rc;
}

TEST_SUITE(manifest)
{
	struct manifest m = MANIFEST_INIT;
	uint64_t line;
	struct buf b = BUF_INIT;

	CHECK_EQ_INT(parse(&m, H_ABC "  a.csv\n# note\n\n\\" H_EMPTY
			   "  we\\\\ird\\nname\r\nSHA256 (t (1).csv) = " H_ABC
			   "\n" H_EMPTY " *bin.gz\n", &line), 0);
	CHECK_EQ_INT(m.nr, 4);
	CHECK_EQ_STR(m.items[1].name, "we\\ird\nname");
	CHECK_EQ_INT(m.items[1].line, 4);
	CHECK_EQ_STR(m.items[2].name, "t (1).csv");
	CHECK_EQ_STR(m.items[3].name, "bin.gz");
	CHECK(manifest_find(&m, "./a.csv", 7) == &m.items[0]);
	CHECK(manifest_find(&m, "a.csv/", 6) == &m.items[0]);
	CHECK(manifest_find(&m, "b.csv", 5) == NULL);
	manifest_add_line(&b, m.items[1].sha256, m.items[1].name,
			  m.items[1].name_len);
	CHECK_EQ_STR(buf_cstr(&b), "\\" H_EMPTY "  we\\\\ird\\nname\n");
	manifest_release(&m);

	/* upper-case hex is read, written lower-case */
	CHECK_EQ_INT(parse(&m, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  x\n", &line), 0);
	CHECK_EQ_STR(m.items[0].sha256, H_ABC);
	manifest_release(&m);

	/* refused, with the line */
	CHECK_EQ_INT(parse(&m, H_ABC "  a\n" H_ABC " a\n", &line), -1);
	CHECK_EQ_INT(line, 2);
	manifest_release(&m);
	CHECK_EQ_INT(parse(&m, "d41d8cd98f00b204e9800998ecf8427e  md5\n", &line), -1);
	CHECK_EQ_INT(line, 1);
	manifest_release(&m);
	CHECK_EQ_INT(parse(&m, "MD5 (a) = d41d8cd98f00b204e9800998ecf8427e\n", &line), -1);
	manifest_release(&m);
	CHECK_EQ_INT(parse(&m, "\\" H_ABC "  a\\qb\n", &line), -1);
	manifest_release(&m);
	CHECK_EQ_INT(parse(&m, H_ABC "  \n", &line), -1);
	manifest_release(&m);
	/* one name, two digests; the same digest twice is one entry */
	CHECK_EQ_INT(parse(&m, H_ABC "  a\n" H_EMPTY "  ./a\n", &line), -1);
	CHECK_EQ_INT(line, 2);
	manifest_release(&m);
	CHECK_EQ_INT(parse(&m, H_ABC "  a\n" H_ABC "  ./a\n", &line), 0);
	manifest_release(&m);
	buf_release(&b);
}

/* the man page's rule, computed by hashlib for this body */
#define BODY "{\"seq\":1,\"prev\":\"" H_EMPTY "\",\"time\":null,\"finished\":null," \
	"\"user\":\"u\",\"host\":\"h\",\"cwd\":\"/c\",\"version\":\"0.2.0\"," \
	"\"command\":[\"stats\",\"a.csv\"],\"inputs\":[{\"path\":\"a.csv\"," \
	"\"bytes\":3,\"sha256\":\"" H_ABC "\"}],\"outputs\":[{\"path\":\"-\"," \
	"\"sha256\":null}],\"exit\":0"
#define H_BODY "61000d196024d0c5891a665b0c191985e9a25d122bfebf035a205ebb599e11d0"

static int parse_line(const char *s)
{
	struct audit_entry e;
	struct diag d = DIAG_INIT;
	memset(&e, 0, sizeof(e));
	int rc = audit_parse_line(s, strlen(s), &e, &d);
	audit_entry_release(&e);
	diag_release(&d);
	return rc;
}

TEST_SUITE(audit)
{
	struct audit_entry e;
	struct buf b = BUF_INIT;
	struct diag d = DIAG_INIT;
	char h[DIGEST_HEX];

	digest_mem("abc", 3, h);
	CHECK_EQ_STR(h, H_ABC);
	memset(&e, 0, sizeof(e));
	e.seq = 1;
	memcpy(e.prev, H_EMPTY, 65);
	e.user = strdup("u");
	e.host = strdup("h");
	e.cwd = strdup("/c");
	e.version = strdup("0.2.0");
	audit_entry_add_arg(&e, "stats");
	audit_entry_add_arg(&e, "a.csv");
	audit_files_add(&e.inputs, "a.csv", 1, 3, H_ABC);
	audit_files_add(&e.outputs, "-", 0, 0, NULL);
	audit_format(&e, &b);
	CHECK_EQ_STR(buf_cstr(&b), BODY ",\"hash\":\"" H_BODY "\"}");
	audit_entry_release(&e);

	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(audit_parse_line(b.data, b.len, &e, &d), 0);
	CHECK_EQ_INT(audit_check_line(&e, b.data, b.len, 1, H_EMPTY, &d), 0);
	CHECK_EQ_INT(audit_check_line(&e, b.data, b.len, 2, H_EMPTY, &d), -1);
	CHECK_EQ_INT(audit_check_line(&e, b.data, b.len, 1, H_ABC, &d), -1);
	CHECK_EQ_STR(e.inputs.items[0].path, "a.csv");
	CHECK_EQ_INT(e.inputs.items[0].bytes, 3);
	CHECK_EQ_STR(e.outputs.items[0].sha256, "");
	audit_entry_release(&e);

	/* an edit anywhere fails the line's own hash */
	b.data[b.len - 80] ^= 1;
	memset(&e, 0, sizeof(e));
	if (audit_parse_line(b.data, b.len, &e, &d) == 0)
		CHECK_EQ_INT(audit_check_line(&e, b.data, b.len, 1, H_EMPTY, &d), -1);
	audit_entry_release(&e);

	/* shapes refused */
	CHECK_EQ_INT(parse_line(BODY ",\"hash\":\"" H_BODY "\"} "), -1);
	CHECK_EQ_INT(parse_line(BODY ",\"hash\":\"" H_BODY "\",\"x\":1}"), -1);
	CHECK_EQ_INT(parse_line(BODY ",\"exit\":1,\"hash\":\"" H_BODY "\"}"), -1);
	CHECK_EQ_INT(parse_line(BODY ",\"hash\":\"" H_ABC "\"}"), 0);
	CHECK_EQ_INT(parse_line("{\"hash\":\"" H_ABC "\"}"), -1);
	CHECK_EQ_INT(parse_line("{\"seq\":01,\"prev\":\"" H_EMPTY "\",\"inputs\":[],"
				"\"outputs\":[],\"exit\":0,\"hash\":\"" H_ABC "\"}"), -1);
	CHECK_EQ_INT(parse_line("{\"seq\":1,\"prev\":\"" H_EMPTY "\",\"inputs\":[],"
				"\"outputs\":[],\"exit\":256,\"hash\":\"" H_ABC "\"}"), -1);
	CHECK_EQ_INT(parse_line("{\"seq\":1,\"prev\":\"" H_EMPTY "\",\"inputs\":[],"
				"\"outputs\":[],\"exit\":0,\"hash\":\"" H_ABC "\"}"), 0);
	CHECK_EQ_INT(parse_line("{\"seq\":1,\"prev\":\"" H_EMPTY "\",\"inputs\":[{\"path\":\"a\\u0000\",\"bytes\":1,\"sha256\":null}],"
				"\"outputs\":[],\"exit\":0,\"hash\":\"" H_ABC "\"}"), -1);
	CHECK_EQ_INT(parse_line("{\"seq\":1,\"prev\":\"" H_EMPTY "\",\"inputs\":[{\"path\":\"\\ud800\",\"bytes\":1,\"sha256\":null}],"
				"\"outputs\":[],\"exit\":0,\"hash\":\"" H_ABC "\"}"), -1);
	buf_release(&b);
	diag_release(&d);
}
