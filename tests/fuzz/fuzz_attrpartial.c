/*
 * fuzz_attrpartial.c - fuzz_partial.c for the attribute state (ATTR
 * section, src/attr_analysis.c: queries and kept binding records, with
 * their VRFs): the same framing as fuzz_geopartial.c, then the attribute
 * loader, the solve and report (pairing, the second hop, the median
 * offset note) and the canonical re-save.
 * Random bytes rarely carry a valid digest, so the input is tried twice:
 * as it is, and with a header before it and a correct digest after it.
 * Checks, besides surviving: a refused file leaves a message without raw
 * control bytes; a reader never moves outside its section; a state that
 * loads reports, and saves to a partial that loads and saves to the same
 * bytes (the saved form is canonical).
 */
#include "fuzz.h"

#include <openssl/evp.h>

#include "../../src/partial.h"
#include "../../src/runfacts.h"
#include "../../src/attribute.h"
#include "../../src/analysis.h"
#include "../../src/buf.h"
#include "../../src/table.h"
#include "../../src/xalloc.h"

/* Run facts and attribute state of 'pf' saved as a new partial, into 'out'. */
static int load_save(const struct partial_file *pf, struct buf *out,
		     int report)
{
	struct runfacts rf;
	struct diag d = DIAG_INIT;
	int rc = -1;
	void *st = NULL;
	if (runfacts_load(&rf, pf, &d) < 0) {
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		goto out;
	}
	st = attribute_analysis.create(NULL);
	if (attribute_analysis.load(st, pf, rf.n, &d) < 0) {
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		goto out;
	}
	if (report) {
		struct table t;
		struct buf note = BUF_INIT;
		FUZZ_CHECK(attribute_analysis.report(st, &rf, &t, &d) == 0);
		table_release(&t);
		attr_gap_note(st, &note);
		buf_release(&note);
	}
	struct partial_writer w;
	const unsigned char *data;
	size_t len;
	partial_writer_init(&w);
	runfacts_save(&rf, &w);
	attribute_analysis.save(st, &w);
	partial_writer_finish(&w, &data, &len);
	buf_add(out, data, len);
	partial_writer_release(&w);
	rc = 0;
out:
	if (st)
		attribute_analysis.destroy(st);
	runfacts_release(&rf);
	diag_release(&d);
	return rc;
}

static void try_attr(const struct partial_file *pf)
{
	struct buf once = BUF_INIT, twice = BUF_INIT;
	if (load_save(pf, &once, 1) == 0) {
		struct partial_file again;
		struct diag d = DIAG_INIT;
		unsigned char *copy = xmalloc(once.len);
		memcpy(copy, once.data, once.len);
		FUZZ_CHECK(partial_file_parse(&again, copy, once.len, "again",
					      &d) == 0);
		FUZZ_CHECK(load_save(&again, &twice, 0) == 0);
		FUZZ_CHECK(twice.len == once.len &&
			   !memcmp(twice.data, once.data, once.len));
		partial_file_release(&again);
		diag_release(&d);
	}
	buf_release(&once);
	buf_release(&twice);
}

static void read_all(const struct partial_file *pf)
{
	struct diag d = DIAG_INIT;
	for (size_t i = 0; i < pf->nsections; i++) {
		struct partial_reader r;
		FUZZ_CHECK(partial_section(pf, pf->sections[i].tag, &r) == 0);
		const unsigned char *start = r.p, *end = r.end;
		FUZZ_CHECK(start >= pf->data && end <= pf->data + pf->len);
		while (!r.failed && r.p < r.end) {
			size_t n;
			switch (*r.p % 6) {
			case 0: partial_get_u8(&r); break;
			case 1: partial_get_u64(&r); break;
			case 2: partial_get_uvarint(&r); break;
			case 3: partial_get_svarint(&r); break;
			case 4:
				if (partial_get_bytes(&r, &n))
					FUZZ_CHECK(n <= (size_t)(end - start));
				break;
			default: partial_get_count(&r, 8); break;
			}
			FUZZ_CHECK(r.p >= start && r.p <= end);
		}
		if (partial_reader_finish(&r, pf, &d) < 0)
			FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		diag_clear(&d);
	}
	diag_release(&d);
}

static void try_parse(unsigned char *copy, size_t len)
{
	struct partial_file pf;
	struct diag d = DIAG_INIT;
	if (partial_file_parse(&pf, copy, len, "fuzz\x1b.partial", &d) < 0) {
		FUZZ_CHECK(d.set);
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
	} else {
		read_all(&pf);
		try_attr(&pf);
		partial_file_release(&pf);
	}
	diag_release(&d);
}

FUZZ_ENTRY(attrpartial)
{
	unsigned char *copy = xmalloc(size ? size : 1);
	memcpy(copy, data, size);
	try_parse(copy, size);

	/* header + the input as sections + a digest that matches */
	struct partial_writer w;
	const unsigned char *ok;
	size_t oklen;
	partial_writer_init(&w);
	buf_add(&w.b, data, size);
	partial_writer_finish(&w, &ok, &oklen);
	copy = xmalloc(oklen);
	memcpy(copy, ok, oklen);
	partial_writer_release(&w);
	try_parse(copy, oklen);
	return 0;
}
