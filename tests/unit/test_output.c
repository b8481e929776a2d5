/*
 * test_output.c - the table writer fits its width: random tables (text,
 * numbers, identifiers, times, a bar) at random widths never print a line
 * wider than the width when their first column fits, never cut a number,
 * and name the columns they leave out; text_wrap keeps every word and
 * every line within the width.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "output.h"

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Display columns of one line (UTF-8 lead bytes). */
static size_t cols(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static size_t widest_line(const char *s, size_t n)
{
	size_t w = 0, start = 0;
	for (size_t i = 0; i <= n; i++)
		if (i == n || s[i] == '\n') {
			size_t c = cols(s + start, i - start);
			if (c > w)
				w = c;
			start = i + 1;
		}
	return w;
}

/* checks inside the loops are added up: one TAP line per property */
#define ACC(cond) (ok_ &= !!(cond))

TEST_SUITE(output)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int ok_ = 1;
	/* text_wrap: words kept in order, lines within the width */
	for (int t = 0; t < 300; t++) {
		struct buf in = BUF_INIT, out = BUF_INIT, back = BUF_INIT;
		size_t width = 10 + rng(&seed) % 70, nw = 1 + rng(&seed) % 30;
		buf_adds(&in, "  label      ");
		for (size_t k = 0; k < nw; k++) {
			size_t len = 1 + rng(&seed) % (k % 7 == 6 ? 90 : 12);
			if (k)
				buf_addch(&in, ' ');
			for (size_t i = 0; i < len; i++)
				buf_addch(&in, (char)('a' + rng(&seed) % 26));
		}
		text_wrap(&out, in.data, in.len, width, 15 < width - 8 ? 15 : 2);
		ACC(out.len && out.data[out.len - 1] == '\n');
		ACC(widest_line(out.data, out.len - 1) <= width);
		/* the words come back, joined, when breaks are undone */
		for (size_t i = 0; i < in.len; i++)
			if (in.data[i] != ' ')
				buf_addch(&back, in.data[i]);
		size_t j = 0;
		int same = 1;
		for (size_t i = 0; i < out.len; i++)
			if (out.data[i] != ' ' && out.data[i] != '\n')
				same &= j < back.len && out.data[i] == back.data[j++];
		ACC(same && j == back.len);
		buf_release(&in);
		buf_release(&out);
		buf_release(&back);
	}

	CHECK(ok_); /* text_wrap: lines within the width, words kept */
	ok_ = 1;
	/* random tables at random widths, written to memory */
	for (int t = 0; t < 200; t++) {
		struct out_col c[8];
		static const char *const names[8] = {
			"key", "records", "", "note", "first_seen", "total",
			"ident", "last_seen"
		};
		static const enum out_type types[8] = {
			OT_STR, OT_NUM, OT_BAR, OT_STR, OT_STR, OT_NUM, OT_STR,
			OT_STR
		};
		for (int i = 0; i < 8; i++)
			c[i] = (struct out_col){ names[i], types[i] };
		char *mem = NULL;
		size_t memlen = 0;
		FILE *fp = open_memstream(&mem, &memlen);
		int width = 20 + (int)(rng(&seed) % 140);
		struct writer *w = writer_new(fp, OUT_TABLE, c, 8, 0, width);
		size_t nrows = 1 + rng(&seed) % 40;
		char nums[40][3][32];
		for (size_t r = 0; r < nrows; r++) {
			char key[16], note[80], t1[32], t2[32], id[24];
			snprintf(key, sizeof(key), "k%zu", r);
			size_t nl = rng(&seed) % 60;
			for (size_t i = 0; i < nl; i++)
				note[i] = i % 6 == 5 ? ' ' : (char)('a' + rng(&seed) % 26);
			note[nl] = '\0';
			snprintf(nums[r][0], 32, "%llu", (unsigned long long)(rng(&seed) % 100000));
			snprintf(nums[r][1], 32, "%llu", (unsigned long long)(rng(&seed) % 1000000000));
			snprintf(t1, sizeof(t1), "2025-01-%02dT%02d:%02d:%02dZ",
				 (int)(1 + rng(&seed) % 28), (int)(rng(&seed) % 24),
				 (int)(rng(&seed) % 60), (int)(rng(&seed) % 60));
			snprintf(t2, sizeof(t2), "2025-02-01T00:00:00.%06dZ",
				 (int)(rng(&seed) % 1000000));
			snprintf(id, sizeof(id), "6012%llu",
				 (unsigned long long)(rng(&seed) % 100000000));
			const char *cells[8] = { key, nums[r][0], "", note, t1,
						 nums[r][1], id, t2 };
			size_t lens[8];
			for (int i = 0; i < 8; i++)
				lens[i] = strlen(cells[i]);
			writer_row(w, cells, lens);
		}
		writer_footer(w, "a summary line that is long enough to need wrapping on narrow terminals");
		ACC(writer_finish(w) == 0);
		writer_free(w);
		fclose(fp);
		ACC(widest_line(mem, memlen ? memlen - 1 : 0) <= (size_t)width);
		/* every number shown is whole: the header says which are shown */
		const char *nl = memchr(mem, '\n', memlen);
		char head[512];
		snprintf(head, sizeof(head), " %.*s ", nl ? (int)(nl - mem) : 0, mem);
		int show_rec = strstr(head, " records ") != NULL;
		int show_tot = strstr(head, " total ") != NULL;
		const char *p = nl ? nl + 1 : mem;
		for (size_t r = 0; r < nrows; r++) {
			const char *e = memchr(p, '\n', (size_t)(mem + memlen - p));
			ACC(e != NULL);
			if (!e)
				break;
			char line[512];
			snprintf(line, sizeof(line), " %.*s ", (int)(e - p), p);
			char pat[40];
			snprintf(pat, sizeof(pat), " %s ", nums[r][0]);
			ACC(!show_rec || strstr(line, pat));
			snprintf(pat, sizeof(pat), " %s ", nums[r][1]);
			ACC(!show_tot || strstr(line, pat));
			p = e + 1;
		}
		/* a note names what is left out, when anything is */
		int left = !show_tot;
		struct buf joined = BUF_INIT;
		for (size_t i = 0; i < memlen; i++) {
			if (mem[i] == '\n') {
				while (i + 1 < memlen && mem[i + 1] == ' ')
					i++;
				buf_addch(&joined, ' ');
			} else {
				buf_addch(&joined, mem[i]);
			}
		}
		ACC(!left || strstr(buf_cstr(&joined), "left out: "));
		buf_release(&joined);
		free(mem);
	}
	CHECK(ok_); /* tables: within the width, numbers whole, the note */
}
