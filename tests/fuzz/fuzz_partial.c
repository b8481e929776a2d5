/*
 * fuzz_partial.c - the partial-file loader on arbitrary bytes. Random
 * bytes rarely carry a valid digest, so the input is tried twice: as it
 * is, and with a header before it and a correct digest after it, so that
 * the section framing and the bounded readers are reached. Every section
 * found is then read with a mix of readers chosen by its own bytes.
 * Checks, besides surviving: a refused file leaves a message without raw
 * control bytes; a reader never moves outside its section.
 *
 * Then the loaders of what merge reads: the run facts (FACT) and the
 * state of the analysis they name (STAT, VOLU, GEOC, ANOM, ATTR, ...). A state
 * that loads is reported into a table (gaps from hostile hour keys), with
 * the analysis's note where it has one, and saved again; that partial must load, and
 * save to the same bytes (the saved form is canonical).
 */
#include "fuzz.h"

#include <openssl/evp.h>

#include "../../src/analysis.h"
#include "../../src/partial.h"
#include "../../src/runfacts.h"
#include "../../src/stats.h"
#include "../../src/table.h"
#include "../../src/xalloc.h"

/* Run facts and analysis state (of the command the facts name: stats,
   volume, ...) of 'pf' saved as a new partial, into 'out'. A report is
   built from a second state loaded alike (finish may come first). */
static int load_save(const struct partial_file *pf, struct buf *out,
		     int report)
{
	struct runfacts rf;
	struct diag d = DIAG_INIT;
	int rc = -1;
	void *st = NULL;
	const struct analysis_ops *ops = NULL;
	if (runfacts_load(&rf, pf, &d) < 0) {
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		goto out;
	}
	ops = analysis_by_name(rf.command);
	if (!ops)
		goto out;
	st = ops->create(NULL);
	if (ops->load(st, pf, rf.n, &d) < 0) {
		FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
		goto out;
	}
	if (report) {
		struct table t;
		void *st2 = ops->create(NULL);
		FUZZ_CHECK(ops->load(st2, pf, rf.n, &d) == 0);
		if (!ops->finish || ops->finish(st2, &d) == 0) {
			/* a report fails only on a --columns list (of stats or
			   geo) that names no columns, with a clean message */
			const char *cols = runfacts_option(&rf, "--columns");
			int rr = ops->report(st2, &rf, &t, &d);
			FUZZ_CHECK(rr == 0 || (cols && *cols && ops != &volume_analysis));
			if (rr)
				FUZZ_CHECK(!fuzz_has_control(d.msg.data, d.msg.len, 0));
			if (!rr && ops == &stats_analysis)
				FUZZ_CHECK(t.nrows == rf.n + 1);
			if (!rr && ops == &geo_analysis)
				FUZZ_CHECK(t.nrows >= 1); /* the noise row at least */
			if (!rr)
				table_release(&t);
			if (ops->note) { /* attribute's second-hop offset */
				struct buf note = BUF_INIT;
				ops->note(st2, &note);
				buf_release(&note);
			}
		}
		ops->destroy(st2);
	}
	struct partial_writer w;
	const unsigned char *data;
	size_t len;
	partial_writer_init(&w);
	runfacts_save(&rf, &w);
	ops->save(st, &w);
	partial_writer_finish(&w, &data, &len);
	buf_add(out, data, len);
	partial_writer_release(&w);
	rc = 0;
out:
	if (st)
		ops->destroy(st);
	runfacts_release(&rf);
	diag_release(&d);
	return rc;
}

static void try_stats(const struct partial_file *pf)
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
		try_stats(&pf);
		partial_file_release(&pf);
	}
	diag_release(&d);
}

FUZZ_ENTRY(partial)
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
