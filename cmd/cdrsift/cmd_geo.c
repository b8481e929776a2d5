/*
 * cmd_geo.c - `cdrsift geo`: clusters of the records' positions (weighted
 * DBSCAN on great-circle distance; src/geo.c), through the run driver, so
 * threads, --partial and merge work as for every analysis.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "geo.h"
#include "run.h"
#include "banned.h"

enum { O_EPS = 512, O_MIN_RECORDS, O_BORDER };

static const struct option geo_opts_long[] = {
	{ "eps", required_argument, NULL, O_EPS },
	{ "min-records", required_argument, NULL, O_MIN_RECORDS },
	{ "border", required_argument, NULL, O_BORDER },
	{ NULL, 0, NULL, 0 },
};

static int handle(void *ctx, int c, const char *arg)
{
	struct geo_opts *o = ctx;
	char *end;
	switch (c) {
	case O_EPS:
		if (geo_parse_distance(arg, &o->eps_m) < 0 ||
		    o->eps_m > 20015000) {
			cli_error("--eps: expected a distance such as 300m or "
				  "0.3km, found '%s'", arg);
			return -1;
		}
		return 0;
	case O_MIN_RECORDS: {
		unsigned long long n = strtoull(arg, &end, 10);
		if (!*arg || *end || arg[0] == '-' || n < 1) {
			cli_error("--min-records: expected a number >= 1, "
				  "found '%s'", arg);
			return -1;
		}
		o->min_records = n;
		return 0;
	}
	case O_BORDER:
		if (!strcmp(arg, "none"))
			o->border_none = 1;
		else if (!strcmp(arg, "nearest"))
			o->border_none = 0;
		else {
			cli_error("--border: expected none or nearest, found "
				  "'%s'", arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

static const char geo_usage[] =
"Clusters the distinct positions (lat/lon, or the --cells table) of the\n"
"matching records, each weighted by its record count: weighted DBSCAN on\n"
"great-circle distance. One row per cluster (centroid, radius, records,\n"
"subscribers, cells, first and last seen, busiest hours), and a row\n"
"'noise' for the positions in no cluster.\n"
"  --eps DIST         neighbourhood radius, m or km (default 300m)\n"
"  --min-records N    records within eps that make a core position (5)\n"
"  --border none      border positions are noise (DBSCAN*)\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";

int cmd_geo(int argc, char **argv)
{
	struct cli cli;
	struct geo_opts o = { 300, 5, 0 };
	struct cmd_opts co = { geo_opts_long, handle, &o, geo_usage };
	struct run r;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	run_init(&r, &cli, &geo_analysis, &o);
	run_inputs(&r);
	if (cli.partial_path) {
		rc = run_save_partial(&r);
		if (rc)
			cli_status(&cli, (enum exit_status)rc);
	} else {
		run_report(&cli, r.ops, r.state, &r.rf);
	}
	run_release(&r);
	return cli_finish(&cli);
}
