/*
 * test_csvrow.c - the reader stack (input -> line slices -> libcsv -> rows)
 * gives the same events for every read size and slice size, after libcsv's
 * own test_csv.c, which feeds every input at every chunk size.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csvrow.h"
#include "input.h"

/*
 * Events as text: "L3:a|b|c" for a row starting on line 3, "R5:reason" for a
 * reject of line 5, "E" at the end, "D" when the input was damaged.
 */
static void events(const char *path, const struct csvrow_opts *o, struct buf *out)
{
	struct input in;
	struct csvrow r;
	struct csvrow_row row;
	struct diag d = DIAG_INIT;
	int rc;

	buf_reset(out);
	if (input_open(&in, path, &d) < 0) {
		buf_adds(out, "OPEN");
		diag_release(&d);
		return;
	}
	if (csvrow_open(&r, &in, o, &d) < 0) {
		buf_addf(out, "FATAL:%s", buf_cstr(&d.msg));
		input_close(&in);
		diag_release(&d);
		return;
	}
	while ((rc = csvrow_next(&r, &row, &d)) != CSVROW_EOF) {
		if (rc == CSVROW_FATAL) {
			buf_adds(out, "FATAL ");
			break;
		}
		if (rc == CSVROW_REJECT) {
			buf_addf(out, "R%llu:%s ", (unsigned long long)row.line,
				 r.reason);
			continue;
		}
		buf_addf(out, "L%llu:", (unsigned long long)row.line);
		for (size_t i = 0; i < row.nfield; i++) {
			if (i)
				buf_addch(out, '|');
			buf_add(out, row.field[i], row.len[i]);
		}
		buf_addch(out, ' ');
	}
	buf_adds(out, in.damaged ? "D" : "E");
	csvrow_close(&r);
	input_close(&in);
	diag_release(&d);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, len, fp);
	fclose(fp);
}

struct csv_case {
	const char *in;
	const char *want;
	size_t field_cap;
};

static const struct csv_case cases[] = {
	{ "a,b\n1,2\n", "L1:a|b L2:1|2 E", 0 },
	{ "a,b\r\n1,2\r\n", "L1:a|b L2:1|2 E", 0 },
	{ "a,b\n1,2", "L1:a|b L2:1|2 E", 0 },
	{ "\xef\xbb\xbf" "a,b\n1,2\n", "L1:a|b L2:1|2 E", 0 },
	{ "a;b\n1;2\n", "L1:a|b L2:1|2 E", 0 },
	{ "a|b\n1|2\n", "L1:a|b L2:1|2 E", 0 },
	{ "a\tb\n1\t2\n", "L1:a|b L2:1|2 E", 0 },
	{ "a,b\n\n1,2\n\n\n3,4\n", "L1:a|b L3:1|2 L6:3|4 E", 0 },
	{ "a,b\n\"x,y\",2\n", "L1:a|b L2:x,y|2 E", 0 },
	{ "a,b\n\"x\"\"y\",2\n", "L1:a|b L2:x\"y|2 E", 0 },
	{ "a,b\n\"multi\nline\",2\n3,4\n", "L1:a|b L2:multi\nline|2 L4:3|4 E", 0 },
	/* stray quote inside an unquoted field: that line only */
	{ "a,b\n1,x\"y\n3,4\n", "L1:a|b R2:quote inside an unquoted field L3:3|4 E", 0 },
	/* an opening quote closed on a later line by text: line 2 rejected,
	   line 3 read again on its own */
	{ "a,b\n\"open,2\n3,\"4\"x\n5,6\n",
	  "L1:a|b R2:text after a closing quote R3:text after a closing quote L4:5|6 E", 0 },
	/* unterminated quote at the end: the lines after it are read again */
	{ "a,b\n1,\"open\n3,4\n5,6\n",
	  "L1:a|b R2:unterminated quoted field L3:3|4 L4:5|6 E", 0 },
	/* field cap */
	{ "a,b\n1,0123456789012345678901234567890123456789\n3,4\n",
	  "L1:a|b R2:field longer than the cap L3:3|4 E", 16 },
	{ "a,b\n\"0123456789\n0123456789\n0123456789\",x\n3,4\n",
	  "L1:a|b R2:field longer than the cap L3:0123456789 R4:quote inside an unquoted field L5:3|4 E", 16 },
	/* CR-only line ends */
	{ "a,b\r1,2\r3,4\r", "L1:a|b L2:1|2 L3:3|4 E", 0 },
	/* mixed line ends, row by row (issue #10): LF, CRLF and CR each end a
	   line, a CRLF pair is one; in quotes they are data */
	{ "a,b\n1,2\r\n3,4\r5,6\n7,8", "L1:a|b L2:1|2 L3:3|4 L4:5|6 L5:7|8 E", 0 },
	{ "a,b\r\"x\r\ny\",2\r\"p\nq\rr\"\r\n3,4\n",
	  "L1:a|b L2:x\r\ny|2 L4:p\nq\rr L7:3|4 E", 0 },
	{ "a,b\r\r\n\n\r1 , 2 \r\"3\" ,4\r\n", "L1:a|b L5:1|2 L6:3|4 E", 0 },
	{ "a,b\r1,x\"y\r\n3,4\r", "L1:a|b R2:quote inside an unquoted field L3:3|4 E", 0 },
	{ "a,b\r\n1,\"open\r3,4\n5,6\r",
	  "L1:a|b R2:unterminated quoted field L3:3|4 L4:5|6 E", 0 },
	/* a line of spaces and tabs is blank whatever the slice size */
	{ "a,b\n \t \r\n1,2\n\t\n 3,4\n", "L1:a|b L3:1|2 L5:3|4 E", 0 },
	/* NUL byte in a field */
	{ "a,b\n1,x\0y\n3,4\n", "L1:a|b R2:NUL byte in field L3:3|4 E", 0 },
	/* spaces around unquoted fields are trimmed by libcsv */
	{ "a,b\n 1 , 2 \n", "L1:a|b L2:1|2 E", 0 },
	{ "", "E", 0 },
};

TEST_SUITE(csvrow)
{
	char path[512];
	struct buf got = BUF_INIT;
	snprintf(path, sizeof(path), "%s/csvrow.csv", test_tmp_dir());
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const char *in = cases[c].in;
		size_t len = strlen(in);
		if (strstr(in, "x") == in + 6 && in[7] == '\0')
			len = 14; /* the NUL case: strlen stops at the NUL */
		write_file(path, in, len);
		int all_same = 1;
		size_t bad_read = 0, bad_slice = 0;
		struct buf first = BUF_INIT;
		static const size_t slices[] = { 1, 2, 3, 5, 64 << 10 };
		for (size_t rs = 1; rs <= len + 1; rs++) {
			for (size_t s = 0; s < 2 * sizeof(slices) / sizeof(slices[0]); s++) {
				struct csvrow_opts o = { 0, cases[c].field_cap, 0,
							 rs, slices[s % 5], s >= 5 };
				events(path, &o, &got);
				if (strcmp(buf_cstr(&got), cases[c].want)) {
					if (all_same) {
						buf_adds(&first, buf_cstr(&got));
						bad_read = rs;
						bad_slice = slices[s];
					}
					all_same = 0;
				}
			}
		}
		check_report(all_same, __FILE__, __LINE__, cases[c].want,
			     "case %zu: read size %zu slice %zu gave \"%s\"", c,
			     bad_read, bad_slice, buf_cstr(&first));
		buf_release(&first);
	}
	/*
	 * Differential test of the fast path: random inputs over an alphabet
	 * rich in delimiters, spaces, CRs, quotes and line ends give the same
	 * events with the fast path on and off (libcsv alone). The second
	 * alphabet has no quotes and few line ends, so that long lines (past
	 * the 16-byte steps of the vector scan) take the fast path; field caps
	 * and field limits make its checks fire too.
	 */
	{
		static const char a0[] = "ab,, ;\t\r\n\n\"x\0";
		static const char a1[] = "abcdefgh,,,, \t\r\n12345678abcdefgh;;,xyz\0";
		static const char *const alphas[] = { a0, a1 };
		static const size_t alpha_len[] = { sizeof(a0) - 1, sizeof(a1) - 1 };
		uint64_t seed = 88172645463325252ull;
		int same = 1;
		struct buf fast = BUF_INIT, slow = BUF_INIT;
		char text[320];
		for (int iter = 0; iter < 6000 && same; iter++) {
			const char *alpha = alphas[iter & 1];
			size_t na = alpha_len[iter & 1];
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			size_t len = 4 + seed % ((iter & 1) ? 300 : 60);
			memcpy(text, "h1,h2\n", 6);
			for (size_t i = 6; i < len; i++) {
				seed ^= seed << 13;
				seed ^= seed >> 7;
				seed ^= seed << 17;
				text[i] = alpha[seed % na];
			}
			write_file(path, text, len);
			size_t cap = (iter % 3 == 1) ? 1 + seed % 12 : 0;
			size_t maxf = (iter % 5 == 3) ? 1 + seed % 9 : 0;
			struct csvrow_opts on = { ',', cap, maxf, 0, 0, 0 };
			struct csvrow_opts off = { ',', cap, maxf, 0, 0, 1 };
			events(path, &on, &fast);
			events(path, &off, &slow);
			if (strcmp(buf_cstr(&fast), buf_cstr(&slow))) {
				same = 0;
				check_report(0, __FILE__, __LINE__, "fast path == libcsv",
					     "input %d: fast \"%s\" libcsv \"%s\"", iter,
					     buf_cstr(&fast), buf_cstr(&slow));
			}
		}
		if (same)
			check_report(1, __FILE__, __LINE__,
				     "fast path == libcsv on 6000 random inputs", "%s", "");
		buf_release(&fast);
		buf_release(&slow);
	}

	/* UTF-16 is refused with a hint */
	write_file(path, "\xff\xfe" "a\0,\0b\0\n\0", 10);
	events(path, NULL, &got);
	CHECK(strstr(buf_cstr(&got), "FATAL:UTF-16") != NULL);
	buf_release(&got);
}
