/*
 * cmd_anomalies.c - `cdrsift anomalies`: the flags of the anomalies
 * analysis (src/anomaly.c), through the run driver (run.h): any -f
 * format, --partial and merge.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "anomaly.h"
#include "cli.h"
#include "suggest.h"
#include "run.h"
#include "banned.h"

enum { O_ONLY = 1100, O_SPEED, O_DIST, O_MAXDUR, O_SLACK, O_NMIN, O_NPCT,
       O_NFROM, O_NTO, O_ISIMS, O_IHS, O_IWIN, O_SBCALLS, O_SBRATIO,
       O_SBDIST, O_SBMED, O_SBCELLS, O_DUPID, O_SBY, O_SMIN, O_SZ, O_SHOL, O_SDAYS,
       O_GMIN };

static const struct option anom_longopts[] = {
	{ "only", required_argument, NULL, O_ONLY },
	{ "travel-speed", required_argument, NULL, O_SPEED },
	{ "travel-distance", required_argument, NULL, O_DIST },
	{ "max-duration", required_argument, NULL, O_MAXDUR },
	{ "duration-slack", required_argument, NULL, O_SLACK },
	{ "night-min", required_argument, NULL, O_NMIN },
	{ "night-share", required_argument, NULL, O_NPCT },
	{ "night-from", required_argument, NULL, O_NFROM },
	{ "night-to", required_argument, NULL, O_NTO },
	{ "imei-sims", required_argument, NULL, O_ISIMS },
	{ "imei-handsets", required_argument, NULL, O_IHS },
	{ "imei-window", required_argument, NULL, O_IWIN },
	{ "simbox-calls", required_argument, NULL, O_SBCALLS },
	{ "simbox-ratio", required_argument, NULL, O_SBRATIO },
	{ "simbox-distinct", required_argument, NULL, O_SBDIST },
	{ "simbox-median", required_argument, NULL, O_SBMED },
	{ "simbox-cells", required_argument, NULL, O_SBCELLS },
	{ "duplicate-id", no_argument, NULL, O_DUPID },
	{ "spike-by", required_argument, NULL, O_SBY },
	{ "spike-min", required_argument, NULL, O_SMIN },
	{ "spike-z", required_argument, NULL, O_SZ },
	{ "spike-holiday", required_argument, NULL, O_SHOL },
	{ "spike-days", required_argument, NULL, O_SDAYS },
	{ "gap-min", required_argument, NULL, O_GMIN },
	{ NULL, 0, NULL, 0 },
};

static int number(const char *opt, const char *arg, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' ||
	    v > 1000000000ULL) {
		cli_error("anomalies: %s: '%s' is not a whole number from 0 "
			  "to 1000000000", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

static int bounded(const char *opt, const char *arg, uint64_t max,
		   uint64_t *out)
{
	uint64_t v;
	if (number(opt, arg, &v) < 0)
		return -1;
	if (v > max) {
		cli_error("anomalies: %s: '%s' is above %llu", opt, arg,
			  (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

/* A decimal of at most two places, from 0 to 1000000000, in hundredths. */
static int hundredths(const char *opt, const char *arg, uint64_t *out)
{
	const char *p = arg;
	uint64_t v = 0;
	int digits = 0, places = -1;
	for (; *p; p++) {
		if (*p == '.' && places < 0 && digits) {
			places = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || places >= 2 || digits >= 10)
			break;
		v = v * 10 + (uint64_t)(*p - '0');
		digits++;
		if (places >= 0)
			places++;
	}
	if (*p || !digits || places == 0 || v > 100000000000ULL) {
		cli_error("anomalies: %s: '%s' is not a number from 0 to "
			  "1000000000 with at most two decimals", opt, arg);
		return -1;
	}
	for (places = places < 0 ? 0 : places; places < 2; places++)
		v *= 10;
	if (v > 100000000000ULL) {
		cli_error("anomalies: %s: '%s' is above 1000000000", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * The --only refusal: the first word that is no kind, with the nearest
 * kind when it looks like a slip, else the list.
 */
static void only_refused(const char *arg)
{
	const char *cands[AK_COUNT + 1];
	struct buf h = BUF_INIT, all = BUF_INIT;
	for (int k = 0; k < AK_COUNT; k++) {
		cands[k] = anom_kind_name(k);
		buf_addf(&all, "%s%s", k ? ", " : "", cands[k]);
	}
	cands[AK_COUNT] = NULL;
	for (const char *s = arg;;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		int k = 0;
		while (k < AK_COUNT && (strlen(cands[k]) != n ||
					memcmp(cands[k], s, n)))
			k++;
		if (k == AK_COUNT) {
			suggest_append(&h, s, n, cands);
			cli_error("anomalies: --only: unknown kind '%.*s'%s; the "
				  "kinds: %s", (int)n, s, buf_cstr(&h),
				  buf_cstr(&all));
			break;
		}
		if (!e) {
			cli_error("anomalies: --only: '%s': expected a list of "
				  "%s", arg, buf_cstr(&all));
			break;
		}
		s = e + 1;
	}
	buf_release(&h);
	buf_release(&all);
}

static int anom_option(void *ctx, int c, const char *arg)
{
	struct anom_opts *o = ctx;
	switch (c) {
	case O_ONLY:
		if (anom_parse_only(o, arg) < 0) {
			only_refused(arg);
			return -1;
		}
		return 0;
	case O_SPEED:
		return number("--travel-speed", arg, &o->speed_kmh);
	case O_DIST:
		return number("--travel-distance", arg, &o->min_km);
	case O_MAXDUR:
		return number("--max-duration", arg, &o->max_duration_s);
	case O_SLACK:
		return number("--duration-slack", arg, &o->slack_s);
	case O_NMIN:
		return number("--night-min", arg, &o->night_min);
	case O_NPCT:
		return bounded("--night-share", arg, 100, &o->night_pct);
	case O_NFROM:
		return bounded("--night-from", arg, 23, &o->night_from);
	case O_NTO:
		return bounded("--night-to", arg, 24, &o->night_to);
	case O_ISIMS:
		return number("--imei-sims", arg, &o->imei_sims);
	case O_IHS:
		return number("--imei-handsets", arg, &o->imei_handsets);
	case O_IWIN:
		return bounded("--imei-window", arg, 1000000, &o->imei_days);
	case O_SBCALLS:
		return number("--simbox-calls", arg, &o->simbox_calls);
	case O_SBRATIO:
		return number("--simbox-ratio", arg, &o->simbox_ratio);
	case O_SBDIST:
		return bounded("--simbox-distinct", arg, 100,
			       &o->simbox_distinct);
	case O_SBMED:
		return number("--simbox-median", arg, &o->simbox_median);
	case O_SBCELLS:
		return number("--simbox-cells", arg, &o->simbox_cells);
	case O_DUPID:
		o->dup_id = 1;
		return 0;
	case O_SBY:
		if (!strcmp(arg, "subscriber") || !strcmp(arg, "cell")) {
			o->spike_by = !strcmp(arg, "cell");
			return 0;
		}
		cli_error("anomalies: --spike-by: '%s': expected subscriber or "
			  "cell", arg);
		return -1;
	case O_SMIN:
		return number("--spike-min", arg, &o->spike_min);
	case O_SZ:
		return hundredths("--spike-z", arg, &o->spike_z);
	case O_SHOL:
		return hundredths("--spike-holiday", arg, &o->spike_holiday);
	case O_SDAYS:
		return number("--spike-days", arg, &o->spike_days);
	case O_GMIN:
		return number("--gap-min", arg, &o->gap_min);
	}
	return -1;
}

static const char anom_usage[] =
"Flags anomalies, one row each: kind, entity, from, to, score, detail,\n"
"evidence (input:line of the records behind the flag).\n"
"      --only KIND,...        travel, duration, night, imei-invalid, imei,\n"
"                             simbox, duplicate, spike, gap\n"
"                             (default: all)\n"
"      --travel-speed KMH     travel: speed above this [1000]\n"
"      --travel-distance KM   travel: and distance above this [50]\n"
"      --max-duration S       duration: voice longer than this [21600]\n"
"      --duration-slack S     duration: end - start off by more [5]\n"
"      --night-min N          night: records at least [30]\n"
"      --night-share PCT      night: percent of them in the window [60]\n"
"      --night-from H         night: window from hour H, inclusive [0]\n"
"      --night-to H           night: to hour H, exclusive [5]\n"
"      --imei-sims N          imei: SIMs in one handset, at least [3]\n"
"      --imei-handsets N      imei: handsets of one SIM, at least [4]\n"
"      --imei-window DAYS     imei: within this many days [30]\n"
"      --simbox-calls N       simbox: outgoing voice calls, at least [100]\n"
"      --simbox-ratio R       simbox: outgoing:incoming, at least R:1 [10]\n"
"      --simbox-distinct PCT  simbox: distinct callees, percent [70]\n"
"      --simbox-median S      simbox: median call duration, at most [60]\n"
"      --simbox-cells N       simbox: distinct cells, at most [3]\n"
"      --duplicate-id         duplicate: records whose ids differ are no\n"
"                             copies [off]\n"
"      --spike-by WHAT        spike: per subscriber or cell [subscriber]\n"
"      --spike-min N          spike: a day's records at least [50]\n"
"      --spike-z Z            spike: robust z above [6]\n"
"      --spike-holiday X      spike: a dataset day at X times the median\n"
"                             daily total is one flag [2.5; 0: off]\n"
"      --spike-days N         spike: fewest days a baseline spans [7]\n"
"      --gap-min N            gap: hour-of-day median at least [5]\n"
"With --partial FILE, writes the exact state there instead (cdrsift merge).\n";

int cmd_anomalies(int argc, char **argv)
{
	struct cli cli;
	struct anom_opts o;
	anom_opts_init(&o);
	struct cmd_opts co = { anom_longopts, anom_option, &o, anom_usage };
	struct run r;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	rc = cli_setup(&cli, KIND_UNKNOWN);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	if (o.night_from == o.night_to % 24) {
		cli_error("anomalies: --night-from and --night-to: the window "
			  "%llu:00 to %llu:00 is empty",
			  (unsigned long long)o.night_from,
			  (unsigned long long)o.night_to);
		cli_status(&cli, EXIT_USAGE);
		return cli_finish(&cli);
	}
	run_init(&r, &cli, &anomalies_analysis, &o);
	run_inputs(&r);
	run_output(&r);
	run_release(&r);
	return cli_finish(&cli);
}
