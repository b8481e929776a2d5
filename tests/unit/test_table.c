/*
 * test_table.c - table_select_cols and table_drop_cols on a small table:
 * the names, every cell (numbers and texts), the marks that name columns
 * (subs_col, records_col, keep) following their columns, and the columns
 * to show following theirs through a drop; table_columns_parse's lists.
 */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "table.h"

static const struct table_col cols5[5] = {
	{ "key", COL_KEY }, { "a", COL_COUNT }, { "b", COL_TEXT },
	{ "c", COL_COUNT }, { "d", COL_TEXT },
};

static void fill(struct table *t)
{
	static const unsigned char keep[5] = { 1, 0, 1, 0, 1 };
	table_init(t, cols5, 5);
	for (int r = 0; r < 3; r++) {
		char s[16];
		size_t row = table_add_row(t);
		for (int c = 0; c < 5; c++) {
			if (cols5[c].type == COL_COUNT) {
				table_set_u64(t, row, (size_t)c, (uint64_t)(10 * r + c));
			} else {
				int n = snprintf(s, sizeof(s), "r%dc%d", r, c);
				table_set_text(t, row, (size_t)c, s, (size_t)n);
			}
		}
	}
	t->subs_col = 3;
	t->records_col = 1;
	t->keep = keep;
}

/* "name=value|..." of every row, to compare whole tables */
static void dump(const struct table *t, struct buf *b)
{
	struct table_fmt f = { NULL };
	buf_reset(b);
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			buf_addf(b, "%s%s=", c ? "|" : "", t->cols[c].name);
			table_format_cell(t, r, c, &f, b);
		}
		buf_addch(b, '\n');
	}
}

TEST_SUITE(table)
{
	struct table t;
	struct buf b = BUF_INIT;
	fill(&t);
	table_select_cols(&t, (const size_t[]){ 0, 3, 2 }, 3);
	dump(&t, &b);
	CHECK_EQ_STR(buf_cstr(&b), "key=r0c0|c=3|b=r0c2\nkey=r1c0|c=13|b=r1c2\n"
				   "key=r2c0|c=23|b=r2c2\n");
	CHECK_EQ_INT(t.subs_col, 1);
	CHECK(t.records_col == TABLE_NONE);
	CHECK(t.keep && t.keep[0] == 1 && t.keep[1] == 0 && t.keep[2] == 1);
	table_release(&t);

	/* drop b and c while showing d, a, c: show becomes d, a */
	fill(&t);
	table_show(&t, (const size_t[]){ 0, 4, 1, 3 }, 4);
	table_drop_cols(&t, (const unsigned char[]){ 0, 0, 1, 1, 0 });
	dump(&t, &b);
	CHECK_EQ_STR(buf_cstr(&b), "key=r0c0|a=1|d=r0c4\nkey=r1c0|a=11|d=r1c4\n"
				   "key=r2c0|a=21|d=r2c4\n");
	CHECK(t.subs_col == TABLE_NONE && t.records_col == TABLE_NONE && !t.keep);
	CHECK(t.nshow == 3 && t.show[0] == 0 && t.show[1] == 2 && t.show[2] == 1);
	table_select_cols(&t, t.show, t.nshow);
	dump(&t, &b);
	CHECK_EQ_STR(buf_cstr(&b), "key=r0c0|d=r0c4|a=1\nkey=r1c0|d=r1c4|a=11\n"
				   "key=r2c0|d=r2c4|a=21\n");
	CHECK(!t.show && t.nshow == 0);
	table_release(&t);

	/* lists */
	size_t out[5];
	buf_reset(&b);
	CHECK_EQ_INT(table_columns_parse(cols5, 5, "d,a", out, &b, "test"), 3);
	CHECK(out[0] == 0 && out[1] == 4 && out[2] == 1);
	CHECK_EQ_INT(table_columns_parse(cols5, 5, "a,,b", out, &b, "test"), 0);
	CHECK_EQ_STR(buf_cstr(&b), "expected a comma-separated list of columns, found 'a,,b'");
	buf_reset(&b);
	CHECK_EQ_INT(table_columns_parse(cols5, 5, "key", out, &b, "test"), 0);
	CHECK_EQ_STR(buf_cstr(&b), "unknown column 'key' (key is always the first)");
	buf_reset(&b);
	CHECK_EQ_INT(table_columns_parse(cols5, 5, "a,zzz", out, &b, "test"), 0);
	CHECK_EQ_STR(buf_cstr(&b), "unknown column 'zzz' (see the test columns in cdrsift(1))");
	buf_reset(&b);
	CHECK_EQ_INT(table_columns_parse(cols5, 5, "b,a,b", out, &b, "test"), 0);
	CHECK_EQ_STR(buf_cstr(&b), "'b' is listed twice");
	buf_release(&b);
}
