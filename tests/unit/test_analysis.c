/*
 * test_analysis.c - the pieces of the analysis shape (issue 13): typed
 * tables (missing is not zero, one formatter for every format), the run
 * facts (save and load, inputs covered twice, canonical order) and the
 * stats state (its partial section round-trips to the same bytes, and
 * merging the states of any split gives the bytes of one state over all).
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "output.h"
#include "pipeline.h"
#include "runfacts.h"
#include "stats.h"
#include "table.h"
#include "xalloc.h"
#include "../../src/banned.h"

static const struct table_col cols[] = {
	{ "key", COL_KEY }, { "n", COL_COUNT }, { "lat", COL_LAT },
	{ "at", COL_TIMESTAMP }, { "note", COL_TEXT },
};

/* Table 't' written in format 'fmt' into 'out' (a C string, freed). */
static char *written(const struct table *t, enum out_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct out_col oc[5];
	struct table_fmt f = { NULL };
	table_out_cols(t, oc);
	struct writer *w = writer_new(fp, fmt, oc, 5, 0, 0);
	table_write(t, w, &f);
	writer_finish(w);
	writer_free(w);
	fclose(fp);
	return text;
}

static void test_table(void)
{
	struct table t;
	struct buf b = BUF_INIT;
	struct table_fmt f = { NULL };
	table_init(&t, cols, 5);
	size_t r0 = table_add_row(&t), r1 = table_add_row(&t);
	table_set_text(&t, r0, 0, "a,b", 3);
	table_set_u64(&t, r0, 1, 0);
	table_set_i64(&t, r0, 2, -1500000);
	table_set_i64(&t, r0, 3, 0);
	table_set_blank(&t, r0, 4);
	table_set_text(&t, r1, 0, "z", 1);
	table_set_i64(&t, r1, 2, -1);
	/* a count of 0 is a value; an unset cell is missing, not zero */
	CHECK_EQ_INT(table_format_cell(&t, r0, 1, &f, &b), CELL_VALUE);
	CHECK_EQ_STR(buf_cstr(&b), "0");
	buf_reset(&b);
	CHECK_EQ_INT(table_format_cell(&t, r1, 1, &f, &b), CELL_MISSING);
	CHECK_EQ_INT(b.len, 0);
	CHECK_EQ_INT(table_format_cell(&t, r0, 2, &f, &b), CELL_VALUE);
	CHECK_EQ_STR(buf_cstr(&b), "-1.500000");
	buf_reset(&b);
	table_format_cell(&t, r1, 2, &f, &b);
	CHECK_EQ_STR(buf_cstr(&b), "-0.000001");
	buf_reset(&b);
	table_format_cell(&t, r0, 3, &f, &b);
	CHECK_EQ_STR(buf_cstr(&b), "1970-01-01T00:00:00Z");
	buf_reset(&b);
	CHECK_EQ_INT(table_format_cell(&t, r0, 4, &f, &b), CELL_BLANK);
	char *csv = written(&t, OUT_CSV);
	CHECK_EQ_STR(csv, "key,n,lat,at,note\n"
			  "\"a,b\",0,-1.500000,1970-01-01T00:00:00Z,\n"
			  "z,,-0.000001,,\n");
	free(csv);
	char *nd = written(&t, OUT_NDJSON);
	CHECK_EQ_STR(nd, "{\"key\":\"a,b\",\"n\":0,\"lat\":-1.500000,"
			 "\"at\":\"1970-01-01T00:00:00Z\",\"note\":\"\"}\n"
			 "{\"key\":\"z\",\"n\":null,\"lat\":-0.000001,"
			 "\"at\":null,\"note\":null}\n");
	free(nd);
	buf_release(&b);
	table_release(&t);
}

/* Records of a small, varied stream: record i of 'n'. */
static void make_record(struct record *r, int i, char *sub, char *cell)
{
	memset(r, 0, sizeof(*r));
	r->kind = KIND_CDR;
	snprintf(sub, 16, "60%d", 1000 + (i * 7) % 13);
	snprintf(cell, 16, "c%d", (i * 5) % 9);
	r->v[F_SUBSCRIBER].s = (struct strv){ sub, strlen(sub) };
	r->v[F_CELL].s = (struct strv){ cell, strlen(cell) };
	r->v[F_START].i = (int64_t)((i * 7919) % 50) * 3600000 + i;
	r->v[F_TYPE].i = 1 + i % 4;
	r->v[F_DIRECTION].i = 1 + i % 3;
	r->present = FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_CELL) |
		     FIELD_BIT(F_TYPE) | FIELD_BIT(F_DIRECTION) |
		     (i % 6 ? FIELD_BIT(F_START) : 0);
}

/* The STAT section of 'state' as bytes, into 'b'. */
static void saved(void *state, struct buf *b)
{
	struct partial_writer w;
	const unsigned char *data;
	size_t len;
	partial_writer_init(&w);
	stats_analysis.save(state, &w);
	partial_writer_finish(&w, &data, &len);
	buf_reset(b);
	buf_add(b, data, len);
	partial_writer_release(&w);
}

/* A state of records [from, to) of input 'index'. */
static void *state_of(int from, int to, size_t index)
{
	struct analysis_opts o = { NULL, NULL };
	void *st = stats_analysis.create(&o);
	void *feed = stats_analysis.feed_new(st);
	struct pipe_input pin;
	memset(&pin, 0, sizeof(pin));
	pin.index = index;
	for (int i = from; i < to; i++) {
		struct record r;
		char sub[16], cell[16];
		make_record(&r, i, sub, cell);
		stats_analysis.add(feed, &pin, &r);
	}
	stats_analysis.feed_free(st, feed);
	return st;
}

static void test_stats_state(void)
{
	struct buf whole = BUF_INIT, parts = BUF_INIT, again = BUF_INIT;
	struct diag d = DIAG_INIT;
	void *all = state_of(0, 500, 0);
	saved(all, &whole);
	/* any split of input 0, merged in either order: the same bytes */
	for (int cut = 0; cut <= 500; cut += 125) {
		void *a = state_of(0, cut, 0), *b = state_of(cut, 500, 0);
		CHECK(stats_analysis.merge(b, a, NULL, &d) == 0);
		saved(b, &parts);
		CHECK_EQ_MEM(parts.data, parts.len, whole.data, whole.len);
		stats_analysis.destroy(a);
		stats_analysis.destroy(b);
	}
	/* save, load, save: the same bytes */
	struct partial_file pf;
	unsigned char *copy = xmalloc(whole.len);
	memcpy(copy, whole.data, whole.len);
	CHECK(partial_file_parse(&pf, copy, whole.len, "t", &d) == 0);
	void *back = stats_analysis.create(NULL);
	CHECK(stats_analysis.load(back, &pf, 1, &d) == 0);
	saved(back, &again);
	CHECK_EQ_MEM(again.data, again.len, whole.data, whole.len);
	stats_analysis.destroy(back);
	/* a count of inputs other than the FACT section's is refused */
	back = stats_analysis.create(NULL);
	CHECK(stats_analysis.load(back, &pf, 2, &d) < 0);
	CHECK(strstr(buf_cstr(&d.msg), "STAT") != NULL);
	stats_analysis.destroy(back);
	partial_file_release(&pf);
	/* inputs without records (the smallest entries) load too */
	static const size_t identity[3] = { 0, 1, 2 };
	void *empty = state_of(0, 0, 2);
	stats_analysis.order(empty, identity, 3); /* three inputs, no record */
	saved(empty, &parts);
	copy = xmalloc(parts.len);
	memcpy(copy, parts.data, parts.len);
	CHECK(partial_file_parse(&pf, copy, parts.len, "t", &d) == 0);
	back = stats_analysis.create(NULL);
	CHECK(stats_analysis.load(back, &pf, 3, &d) == 0);
	saved(back, &again);
	CHECK_EQ_MEM(again.data, again.len, parts.data, parts.len);
	stats_analysis.destroy(back);
	stats_analysis.destroy(empty);
	partial_file_release(&pf);
	stats_analysis.destroy(all);
	buf_release(&whole);
	buf_release(&parts);
	buf_release(&again);
	diag_release(&d);
}

static void test_runfacts(void)
{
	struct runfacts a, b, back;
	struct diag d = DIAG_INIT;
	size_t *map, *perm;
	runfacts_init(&a, "stats");
	runfacts_set_option(&a, "--tz", "");
	struct rf_input *e = runfacts_input(&a, 1);
	e->path = xstrdup("b.csv");
	memset(e->sha256, 'b', 64);
	e->acct.read = 3;
	acct_reject(&e->acct, "too few fields", 2);
	e = runfacts_input(&a, 0);
	e->path = xstrdup("a.csv");
	memset(e->sha256, 'a', 64);
	runfacts_set_problem(e, "damaged");
	/* save and load */
	struct partial_writer w;
	const unsigned char *data;
	size_t len;
	partial_writer_init(&w);
	runfacts_save(&a, &w);
	partial_writer_finish(&w, &data, &len);
	unsigned char *copy = xmalloc(len);
	memcpy(copy, data, len);
	partial_writer_release(&w);
	struct partial_file pf;
	CHECK(partial_file_parse(&pf, copy, len, "t", &d) == 0);
	CHECK(runfacts_load(&back, &pf, &d) == 0);
	partial_file_release(&pf);
	CHECK_EQ_INT(back.n, 2);
	CHECK_EQ_STR(back.in[1].path, "b.csv");
	CHECK_EQ_STR(back.in[0].problem, "damaged");
	CHECK_EQ_INT(back.in[1].acct.nreasons, 1);
	CHECK_EQ_INT(back.in[1].acct.reasons[0].n, 2);
	CHECK(runfacts_compatible(&a, "a", &back, "b", &d) == 0);
	/* covered twice: refused, nothing moved */
	CHECK(runfacts_merge(&a, &back, &map, &d) < 0);
	CHECK(strstr(buf_cstr(&d.msg), "covered twice") != NULL);
	CHECK_EQ_INT(back.n, 2);
	/* another input merges; the canonical order is by path */
	runfacts_init(&b, "stats");
	runfacts_set_option(&b, "--tz", "Europe/Paris");
	CHECK(runfacts_compatible(&a, "a", &b, "b", &d) < 0);
	CHECK(strstr(buf_cstr(&d.msg), "--tz") != NULL);
	e = runfacts_input(&b, 0);
	e->path = xstrdup("0.csv");
	CHECK(runfacts_merge(&a, &b, &map, &d) == 0);
	CHECK_EQ_INT(map[0], 2);
	free(map);
	runfacts_sort(&a, &perm);
	CHECK_EQ_STR(a.in[0].path, "0.csv");
	CHECK_EQ_INT(perm[0], 2);
	CHECK_EQ_INT(perm[1], 0);
	free(perm);
	runfacts_release(&a);
	runfacts_release(&b);
	runfacts_release(&back);
	/* inputs with nothing known (the smallest entries) load too */
	runfacts_init(&a, "stats");
	runfacts_input(&a, 2);
	partial_writer_init(&w);
	runfacts_save(&a, &w);
	partial_writer_finish(&w, &data, &len);
	copy = xmalloc(len);
	memcpy(copy, data, len);
	partial_writer_release(&w);
	CHECK(partial_file_parse(&pf, copy, len, "t", &d) == 0);
	CHECK(runfacts_load(&back, &pf, &d) == 0);
	CHECK_EQ_INT(back.n, 3);
	partial_file_release(&pf);
	runfacts_release(&a);
	runfacts_release(&back);
	diag_release(&d);
}

TEST_SUITE(analysis)
{
	test_table();
	test_stats_state();
	test_runfacts();
}
