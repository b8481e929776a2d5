/*
 * cli_meta.c - the json meta of a run (version, command line, time,
 * inputs with their SHA-256, accounting, cell-table counters, privacy
 * facts), from a live run or from merged run facts, and the formatting
 * of times, durations and fields in the zone in force.
 */
#include "cli.h"

#include <string.h>

#include "timeparse.h"
#include "runfacts.h"
#include "banned.h"

/* The meta's members that name the run itself: version and command. */
static void meta_head(struct cli *cli, struct buf *b)
{
	buf_adds(b, "{\"version\":\"" CDRSIFT_VERSION "\",\"command\":[");
	for (int i = 0; i < cli->argc; i++) {
		if (i)
			buf_addch(b, ',');
		json_add_str(b, cli->argv[i], strlen(cli->argv[i]));
	}
	buf_adds(b, "],\"time\":");
	json_add_str(b, cli->ev.run_time, strlen(cli->ev.run_time));
	buf_addch(b, ',');
}

/* The meta's cell-table counters, when a table was given. */
static void meta_cells(struct buf *b, const struct cell_use *u)
{
	buf_addf(b, ",\"cells\":{\"filled\":%llu,\"disagree\":%llu,"
		 "\"unknown\":%llu,\"ambiguous\":%llu}",
		 (unsigned long long)u->filled,
		 (unsigned long long)u->disagree,
		 (unsigned long long)u->unknown,
		 (unsigned long long)u->ambiguous);
}

void cli_meta_json(struct cli *cli, const struct input_summary *in, size_t n,
		   struct buf *b)
{
	meta_head(cli, b);
	buf_adds(b, "\"inputs\":[");
	for (size_t i = 0; i < n; i++)
		meta_json_input(b, i == 0, in[i].path, in[i].bytes, in[i].sha256,
				in[i].damaged);
	buf_adds(b, "],");
	meta_json_accounting(b, &cli->total);
	if (cli->cells)
		meta_cells(b, &cli->cell_total);
	privacy_meta(cli, b);
	buf_addch(b, '}');
}

void cli_meta_json_rf(struct cli *cli, struct runfacts *rf, struct buf *b)
{
	const char *cells = runfacts_option(rf, "--cells (sha256)");
	meta_head(cli, b);
	runfacts_meta_json(rf, b);
	if (cells && *cells) {
		struct rf_input total;
		runfacts_total(rf, &total);
		meta_cells(b, &total.cell);
		acct_release(&total.acct);
	}
	privacy_meta(cli, b);
	buf_addch(b, '}');
}

void fmt_time(const struct cli *cli, int64_t ms, struct buf *b)
{
	char tmp[48];
	size_t n = ts_format(ms, cli->tz, tmp, sizeof(tmp));
	buf_add(b, tmp, n);
}

void fmt_duration(int64_t us, struct buf *b)
{
	format_duration(us, b);
}

int fmt_field(const struct cli *cli, const struct record *r, int f,
	      struct buf *b)
{
	return record_format(r, f, cli->tz, b);
}
