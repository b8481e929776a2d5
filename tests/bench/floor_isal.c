/*
 * floor_isal.c - floor.c with ISA-L (issue #5): read a gzip file and
 * inflate it with isal_inflate(), large buffers, nothing else (multi-member
 * aware). The speed floor of a build with ISA-L; `make bench` shows both.
 * Prints the number of uncompressed bytes. It trusts its input: a bench
 * file, not evidence (the header is ISA-L's to parse, trailers are checked
 * by ISA-L, and trailing garbage ends it with an error).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/igzip_lib.h>

int main(int argc, char **argv)
{
	static unsigned char in[1 << 20], out[4 << 20];
	static struct inflate_state st;
	unsigned long long total = 0;
	size_t have = 0;
	FILE *fp;
	int rc = ISAL_DECOMP_OK;

	if (argc != 2 || !(fp = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: floor_isal FILE.gz\n");
		return 2;
	}
	isal_inflate_init(&st);
	st.crc_flag = ISAL_GZIP; /* header, CRC-32 and length checked */
	for (;;) {
		if (st.avail_in == 0) {
			have = fread(in, 1, sizeof(in), fp);
			st.next_in = in;
			st.avail_in = (uint32_t)have;
			if (have == 0)
				break;
		}
		st.next_out = out;
		st.avail_out = sizeof(out);
		rc = isal_inflate(&st);
		total += sizeof(out) - st.avail_out;
		if (rc != ISAL_DECOMP_OK)
			break;
		if (st.block_state == ISAL_BLOCK_FINISH) {
			/* another member may follow: keep the unread input */
			uint8_t *next = st.next_in;
			uint32_t left = st.avail_in;
			isal_inflate_reset(&st);
			st.crc_flag = ISAL_GZIP;
			st.next_in = next;
			st.avail_in = left;
		}
	}
	fclose(fp);
	printf("%llu\n", total);
	return rc == ISAL_DECOMP_OK ? 0 : 1;
}
