/*
 * cmd_geo.c - `cdrsift geo`: clusters of the records' positions (weighted
 * DBSCAN on great-circle distance; src/geo.c), through the run driver, so
 * threads, --partial and merge work as for every analysis.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_places.h"
#include "geo.h"
#include "geodesy.h"
#include "output.h"
#include "run.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

enum { O_EPS = 512, O_MIN_RECORDS, O_BORDER, O_K_DISTANCE, O_HULLS, O_NOISE,
       O_COLUMNS };

static const struct option geo_opts_long[] = {
	{ "eps", required_argument, NULL, O_EPS },
	{ "min-records", required_argument, NULL, O_MIN_RECORDS },
	{ "border", required_argument, NULL, O_BORDER },
	{ "k-distance", required_argument, NULL, O_K_DISTANCE },
	{ "hulls", no_argument, NULL, O_HULLS },
	{ "noise", no_argument, NULL, O_NOISE },
	{ "columns", required_argument, NULL, O_COLUMNS },
	{ NULL, 0, NULL, 0 },
};

struct geo_ctx {
	struct geo_opts o;
	const char *columns;   /* --columns as given, or NULL */
	size_t cols[16];       /* --columns: cluster, then the listed ones */
	size_t ncols;          /* 0: no --columns */
};

static int handle(void *ctx, int c, const char *arg)
{
	struct geo_ctx *x = ctx;
	struct geo_opts *o = &x->o;
	char *end;
	switch (c) {
	case O_COLUMNS: {
		struct buf msg = BUF_INIT;
		x->ncols = geo_columns_parse(arg, x->cols, &msg);
		if (!x->ncols)
			cli_error("--columns: %s", buf_cstr(&msg));
		buf_release(&msg);
		x->columns = arg;
		return x->ncols ? 0 : -1;
	}
	case O_HULLS:
		o->hulls = 1;
		return 0;
	case O_NOISE:
		o->noise = 1;
		return 0;
	case O_EPS:
		if (geo_parse_distance(arg, &o->eps_m) < 0 ||
		    o->eps_m > 0.5 * GEO_EARTH_RADIUS_M) {
			cli_error("--eps: expected a distance such as 300m or "
				  "0.3km, at most 3185km, found '%s'", arg);
			return -1;
		}
		return 0;
	case O_MIN_RECORDS:
	case O_K_DISTANCE: {
		const char *name = c == O_K_DISTANCE ? "--k-distance" :
						       "--min-records";
		unsigned long long n = strtoull(arg, &end, 10);
		if (!*arg || *end || arg[0] == '-' || n < 1 ||
		    (c == O_K_DISTANCE && n > 100000)) {
			cli_error("%s: expected a number >= 1%s, found '%s'",
				  name, c == O_K_DISTANCE ? " and <= 100000" : "",
				  arg);
			return -1;
		}
		if (c == O_K_DISTANCE)
			o->k_distance = n;
		else
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

/*
 * -f geojson: an RFC 7946 FeatureCollection, one Point feature per
 * cluster at its centroid ([lon, lat]), the row's other columns as
 * properties (numbers bare, text quoted, missing values null); the noise
 * row is left out. With --hulls the table has a "geometry" column (hull.h)
 * that is the feature's geometry, and lat, lon are properties too. With
 * --columns the properties are the listed columns, in their order (lat
 * and lon among them when listed). The common option parser knows the five table formats
 * only, so geo takes "geojson" out of argv before it and asks for csv.
 */
static int take_geojson(int argc, char **argv, char **out)
{
	int found = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		out[i] = argv[i];
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-f") || !strcmp(a, "--format")) && i + 1 < argc &&
		    !strcmp(argv[i + 1], "geojson")) {
			out[i + 1] = (char *)"csv";
			i++;
			found = 1;
		} else if (!strcmp(a, "--format=geojson") || !strcmp(a, "-fgeojson")) {
			out[i] = (char *)"--format=csv";
			found = 1;
		}
	}
	for (int i = 0; i < argc; i++)
		if (!out[i])
			out[i] = argv[i];
	return found;
}

static void write_geojson(struct cli *cli, const struct analysis_ops *ops,
			  void *state, struct runfacts *rf)
{
	struct table t;
	struct diag d = DIAG_INIT;
	if (ops->report(state, rf, &t, &d) < 0) {
		cli_error("%s", buf_cstr(&d.msg));
		cli_status(cli, EXIT_INTERNAL);
		diag_release(&d);
		return;
	}
	diag_release(&d);
	int prc = privacy_table(cli, rf, &t); /* issue 17: as run_report */
	if (prc) {
		cli_status(cli, (enum exit_status)prc);
		table_release(&t);
		return;
	}
	struct table_fmt f = { cli->tz };
	struct out_col *cols = xcalloc(t.ncols ? t.ncols : 1, sizeof(*cols));
	table_out_cols(&t, cols);
	struct buf b = BUF_INIT, cell = BUF_INIT;
	size_t nfeat = 0, geom = TABLE_NONE;
	for (size_t c = 0; c < t.ncols; c++)
		if (!strcmp(t.cols[c].name, "geometry"))
			geom = c;
	buf_adds(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (size_t row = 0; row < t.nrows; row++) {
		struct buf lat = BUF_INIT, lon = BUF_INIT;
		if (table_format_cell(&t, row, 1, &f, &lat) != CELL_VALUE ||
		    table_format_cell(&t, row, 2, &f, &lon) != CELL_VALUE) {
			buf_release(&lat);
			buf_release(&lon);
			continue; /* the noise row: no centre */
		}
		buf_reset(&cell);
		if (geom != TABLE_NONE &&
		    table_format_cell(&t, row, geom, &f, &cell) == CELL_VALUE)
			buf_addf(&b, "%s\n{\"type\":\"Feature\",\"geometry\":%s,"
				 "\"properties\":{", nfeat++ ? "," : "",
				 buf_cstr(&cell));
		else
			buf_addf(&b, "%s\n{\"type\":\"Feature\",\"geometry\":{"
				 "\"type\":\"Point\",\"coordinates\":[%s,%s]},"
				 "\"properties\":{", nfeat++ ? "," : "",
				 buf_cstr(&lon), buf_cstr(&lat));
		buf_release(&lat);
		buf_release(&lon);
		/* the properties: --columns' (cluster first), else every one */
		size_t nprop = t.show ? t.nshow : t.ncols;
		for (size_t pi = 0; pi < nprop; pi++) {
			size_t c = t.show ? t.show[pi] : pi;
			if (c == geom || (geom == TABLE_NONE && !t.show &&
					  (c == 1 || c == 2)))
				continue;
			buf_reset(&cell);
			enum cell_state cs = table_format_cell(&t, row, c, &f, &cell);
			if (c)
				buf_addch(&b, ',');
			json_add_str(&b, t.cols[c].name, strlen(t.cols[c].name));
			buf_addch(&b, ':');
			if (cs != CELL_VALUE)
				buf_adds(&b, "null");
			else if (cols[c].type == OT_NUM && c)
				buf_add(&b, cell.data, cell.len);
			else
				json_add_str(&b, cell.data ? cell.data : "", cell.len);
		}
		buf_adds(&b, "}}");
	}
	buf_adds(&b, "\n]}\n");
	fwrite(b.data, 1, b.len, cli->out);
	buf_release(&b);
	buf_release(&cell);
	free(cols);
	table_release(&t);
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
"  --k-distance K     instead: quantiles of each position's distance to its\n"
"                     K-th nearest record (to choose --eps)\n"
"  -f geojson         a GeoJSON FeatureCollection of the cluster centres\n"
"  --hulls            with -f geojson: each cluster as its convex hull\n"
"  --noise            also a row (a Point feature) per noise position\n"
"  --columns LIST     only these columns, in this order, after cluster;\n"
"                     subscribers and cells are collected, the radii\n"
"                     computed, only when listed\n"
"  --per subscriber   instead: each subscriber's places, labelled home, work\n"
"                     or other (cdrsift geo --per subscriber --help)\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";

int cmd_geo(int argc, char **argv)
{
	struct cli cli;
	struct geo_ctx x;
	memset(&x, 0, sizeof(x));
	x.o.eps_m = 300;
	x.o.min_records = 5;
	struct geo_opts *op = &x.o;
	struct cmd_opts co = { geo_opts_long, handle, &x, geo_usage };
	struct run r;
	if (places_wanted(argc, argv)) /* --per subscriber: cmd_places.c */
		return cmd_places(argc, argv);
	char **av = xcalloc((size_t)argc + 1, sizeof(*av));
	int geojson = take_geojson(argc, argv, av);
	/* 'cli' keeps pointers into 'av' (the inputs): freed at the end */
	int rc = cli_parse(&cli, argc, av, &co);
	if (rc == 0 && op->hulls && !geojson) {
		cli_error("--hulls: convex hulls are GeoJSON geometry: use it "
			  "with -f geojson");
		rc = EXIT_USAGE;
	} else if (rc == 0 && op->hulls && cli.priv.suppress_below) {
		/* a hull's corners are recorded positions, not aggregates:
		   one corner can be one subscriber's one record */
		cli_error("--hulls: a hull's corners are single recorded "
			  "positions, and are not suppressed: use "
			  "--suppress-below without --hulls");
		rc = EXIT_USAGE;
	} else if (rc == 0 && x.ncols && op->k_distance) {
		cli_error("--columns: --k-distance reports quantiles, not "
			  "clusters: use one or the other");
		rc = EXIT_USAGE;
	} else if (rc == 0 && op->noise && cli.priv.suppress_below) {
		/* a noise position is a group of its own, and the noise row
		   already sums them: suppression would be undone by
		   subtraction */
		cli_error("--noise: noise positions are single places, mostly "
			  "of one subscriber, and are not suppressed: use "
			  "--suppress-below without --noise");
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_USAGE)
		cli_status(&cli, EXIT_USAGE); /* for --audit */
	if (rc == 0)
		rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc) {
		int st = cli_finish(&cli);
		free(av);
		return rc < 0 ? st : rc;
	}
	if (x.ncols) {
		/* collect what the columns show, and what --suppress-below
		   judges a cluster by */
		op->shown = geo_columns_mask(x.cols, x.ncols);
		if (cli.priv.suppress_below)
			op->shown |= geo_suppress_needs();
	}
	run_init(&r, &cli, &geo_analysis, op);
	if (x.ncols) {
		/* the report shows them; merge refuses partials of other
		   lists (a list that parsed is its names as given) */
		runfacts_set_option(&r.rf, "--columns", x.columns);
	}
	run_inputs(&r);
	if (cli.partial_path) {
		rc = run_save_partial(&r);
		if (rc)
			cli_status(&cli, (enum exit_status)rc);
	} else if (geojson) {
		write_geojson(&cli, r.ops, r.state, &r.rf);
	} else {
		run_report(&cli, r.ops, r.state, &r.rf);
	}
	run_release(&r);
	rc = cli_finish(&cli);
	free(av);
	return rc;
}
