/*
 * dbscan-run.c - the DBSCAN core of src/dbscan.c on points from standard
 * input, for the tests that compare it with scikit-learn (t5001) and for
 * the benchmark. Input: one "lat,lon,weight" line a point. Output: one
 * "cluster,role" line a point, in input order (role: core, border,
 * noise); the work done goes to standard error.
 * Usage: dbscan-run EPS_M MIN_WEIGHT [none]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbscan.h"
#include "xalloc.h"
#include "../../src/banned.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: dbscan-run EPS_M MIN_WEIGHT [none]\n");
		return 2;
	}
	struct dbscan_opts o = { strtod(argv[1], NULL),
				 strtoull(argv[2], NULL, 10),
				 argc > 3 && strcmp(argv[3], "none") == 0 };
	struct dbscan_point *pts = NULL;
	size_t n = 0, alloc = 0;
	char line[256];
	while (fgets(line, sizeof(line), stdin)) {
		struct dbscan_point p;
		unsigned long long w;
		if (sscanf(line, "%lf,%lf,%llu", &p.lat, &p.lon, &w) != 3) {
			fprintf(stderr, "dbscan-run: bad line %zu\n", n + 1);
			free(pts);
			return 2;
		}
		p.weight = w;
		VEC_GROW(pts, n + 1, alloc);
		pts[n++] = p;
	}
	struct dbscan_result r;
	if (dbscan_run(pts, n, &o, &r) < 0) {
		fprintf(stderr, "dbscan-run: bad options or points\n");
		free(pts);
		return 2;
	}
	static const char *const role[] = { "noise", "core", "border" };
	for (size_t i = 0; i < n; i++)
		printf("%u,%s\n", r.cluster[i], role[r.role[i]]);
	fprintf(stderr, "points=%zu clusters=%u tests=%llu cells=%llu "
		"dense_cells=%llu\n", n, r.nclusters,
		(unsigned long long)r.distance_tests,
		(unsigned long long)r.cells, (unsigned long long)r.dense_cells);
	dbscan_result_release(&r);
	free(pts);
	return 0;
}
