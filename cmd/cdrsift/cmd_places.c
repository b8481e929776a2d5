/*
 * cmd_places.c - `cdrsift geo --per subscriber`: each subscriber's places
 * (src/places.c), through the run driver, so threads, --partial and merge
 * work as for every analysis. Options and wiring only.
 */
#include "cmd_places.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "geo.h"
#include "geodesy.h"
#include "places.h"
#include "run.h"
#include "banned.h"

enum { O_PER = 512, O_PLACE_EPS, O_PLACE_MIN_DAYS, O_NIGHT, O_WORK };

static const struct option places_opts_long[] = {
	{ "per", required_argument, NULL, O_PER },
	{ "place-eps", required_argument, NULL, O_PLACE_EPS },
	{ "place-min-days", required_argument, NULL, O_PLACE_MIN_DAYS },
	{ "night", required_argument, NULL, O_NIGHT },
	{ "work", required_argument, NULL, O_WORK },
	{ NULL, 0, NULL, 0 },
};

int places_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--per") || !strncmp(argv[i], "--per=", 6))
			return 1;
	}
	return 0;
}

static int handle(void *ctx, int c, const char *arg)
{
	struct places_opts *o = ctx;
	char *end;
	switch (c) {
	case O_PER:
		if (strcmp(arg, "subscriber")) {
			cli_error("--per: expected subscriber, found '%s'", arg);
			return -1;
		}
		return 0;
	case O_PLACE_EPS:
		if (geo_parse_distance(arg, &o->eps_m) < 0 ||
		    o->eps_m > 0.5 * GEO_EARTH_RADIUS_M) {
			cli_error("--place-eps: expected a distance such as 200m "
				  "or 0.2km, at most 3185km, found '%s'", arg);
			return -1;
		}
		return 0;
	case O_PLACE_MIN_DAYS: {
		unsigned long long n = strtoull(arg, &end, 10);
		if (!*arg || *end || arg[0] == '-' || n < 1) {
			cli_error("--place-min-days: expected a number >= 1, "
				  "found '%s'", arg);
			return -1;
		}
		o->min_days = n;
		return 0;
	}
	case O_NIGHT:
	case O_WORK:
		if (places_parse_window(arg, c == O_NIGHT ? &o->night :
							    &o->work) < 0) {
			cli_error("%s: expected a window HH:MM-HH:MM such as "
				  "%s (start included, end excluded, the two "
				  "different), found '%s'",
				  c == O_NIGHT ? "--night" : "--work",
				  c == O_NIGHT ? "19:00-07:00" : "09:00-17:00",
				  arg);
			return -1;
		}
		return 0;
	}
	return -1;
}

static const char places_usage[] =
"geo --per subscriber: each subscriber's own distinct positions, weighted\n"
"by the distinct days it was seen at each, clustered (DBSCAN) into places;\n"
"each place labelled home (most nights), work (most working days, other\n"
"than home) or other, with a confidence (the share of the subscriber's\n"
"nights, or working days, on which it was the most used place).\n"
"One row per place: subscriber, place, label, lat, lon, days, nights,\n"
"workdays, records, confidence, first_seen, last_seen.\n"
"  --per subscriber      places per subscriber (required here)\n"
"  --place-eps DIST      neighbourhood radius, m or km (default 200m)\n"
"  --place-min-days N    distinct days within eps that make a core\n"
"                        position (default 3)\n"
"  --night HH:MM-HH:MM   the night window (default 19:00-07:00; a night\n"
"                        belongs to the date it starts)\n"
"  --work HH:MM-HH:MM    the work window, Monday to Friday (default\n"
"                        09:00-17:00)\n"
"Windows are half-open: start included, end excluded.\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";

/*
 * Plain geo's own options (and -f geojson) mean nothing here: say so,
 * rather than "unknown option". 0, or -1 after a message.
 */
static int refuse_geo_options(int argc, char **argv)
{
	static const char *const geo_only[] = {
		"--eps", "--min-records", "--border", "--k-distance", "--hulls",
		"--noise",
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			break;
		for (size_t k = 0; k < sizeof(geo_only) / sizeof(*geo_only); k++) {
			size_t n = strlen(geo_only[k]);
			if (!strncmp(a, geo_only[k], n) && (!a[n] || a[n] == '=')) {
				cli_error("%s: an option of geo's clusters, not of "
					  "--per subscriber (places have --place-eps "
					  "and --place-min-days)", geo_only[k]);
				return -1;
			}
		}
		if (((!strcmp(a, "-f") || !strcmp(a, "--format")) && i + 1 < argc &&
		     !strcmp(argv[i + 1], "geojson")) ||
		    !strcmp(a, "--format=geojson") || !strcmp(a, "-fgeojson")) {
			cli_error("-f geojson: geo --per subscriber writes table, "
				  "csv, tsv, json or ndjson");
			return -1;
		}
	}
	return 0;
}

int cmd_places(int argc, char **argv)
{
	if (refuse_geo_options(argc, argv) < 0)
		return EXIT_USAGE;
	struct cli cli;
	struct places_opts o = PLACES_OPTS_INIT;
	struct cmd_opts co = { places_opts_long, handle, &o, places_usage };
	struct run r;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc == 0)
		rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc) {
		int st = cli_finish(&cli);
		return rc < 0 ? st : rc;
	}
	run_init(&r, &cli, &places_analysis, &o);
	run_inputs(&r);
	run_output(&r);
	run_release(&r);
	return cli_finish(&cli);
}
