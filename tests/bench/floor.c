/*
 * floor.c - the speed floor for `make bench`: read a gzip file and inflate
 * it with zlib, large buffers, nothing else (multi-member aware). Any tool
 * that parses the data can at best match this; ratios are taken against it.
 * Prints the number of uncompressed bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

int main(int argc, char **argv)
{
	static unsigned char in[1 << 20], out[4 << 20];
	unsigned long long total = 0;
	z_stream z = { 0 };
	FILE *fp;
	int rc = Z_OK;

	if (argc != 2 || !(fp = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: floor FILE.gz\n");
		return 2;
	}
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return 2;
	for (;;) {
		if (z.avail_in == 0) {
			z.avail_in = (unsigned)fread(in, 1, sizeof(in), fp);
			z.next_in = in;
			if (z.avail_in == 0)
				break;
		}
		z.next_out = out;
		z.avail_out = sizeof(out);
		rc = inflate(&z, Z_NO_FLUSH);
		total += sizeof(out) - z.avail_out;
		if (rc == Z_STREAM_END)
			inflateReset(&z);
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			break;
	}
	inflateEnd(&z);
	fclose(fp);
	printf("%llu\n", total);
	return rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR ? 0 : 1;
}
