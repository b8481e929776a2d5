/*
 * cmd_merge.c - `cdrsift merge [OPTIONS] PARTIAL...` (DESIGN section 7,
 * issue 13): the partials that `--partial FILE` wrote, merged into the
 * report one run over all their inputs would print (any -f format), or
 * into another partial (--partial). Every partial is loaded and checked
 * before anything is merged or written:
 *
 *   exit 3  a partial that cannot be read, is truncated, damaged or not
 *           what the format allows (the file named)
 *   exit 2  partials of different commands, options that change what a
 *           record means or what is computed (the option named), another
 *           format version, or an input covered twice (the same SHA-256)
 *
 * --expect MANIFEST (sha256sum format) lists on standard error each input
 * of the manifest that no partial covers; the report is still written,
 * and the exit status is then at least 1, as for a damaged input.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "manifest.h"
#include "partial.h"
#include "run.h"
#include "runfacts.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

enum { O_EXPECT = 1000 };

static const struct option merge_opts[] = {
	{ "expect", required_argument, NULL, O_EXPECT },
	{ NULL, 0, NULL, 0 },
};

struct merge_ctx {
	const char *expect;        /* --expect MANIFEST, or NULL */
};

static int merge_option(void *ctx, int c, const char *arg)
{
	struct merge_ctx *m = ctx;
	if (c != O_EXPECT)
		return -1;
	m->expect = arg;
	return 0;
}

static const char merge_usage[] =
"Merges partial files (written by --partial FILE, or by merge --partial)\n"
"into the report that one run over all their inputs prints, in any -f\n"
"format, or into another partial with --partial FILE. Partials of other\n"
"commands or options, or covering an input twice, are refused (exit 2);\n"
"a damaged partial is an error naming it (exit 3).\n"
"      --expect MANIFEST  list the inputs of a sha256sum manifest that no\n"
"                         partial covers (exit status 1 when there are)\n";

/* A path as messages show it. */
static const char *shown(const char *path, struct buf *b)
{
	buf_reset(b);
	buf_add_escaped(b, path, strlen(path), 4096);
	return buf_cstr(b);
}

/*
 * Load partial 'path' into '*pf' and its run facts into 'rf', and find
 * the analysis it names ('*ops'). 0, or an exit status after a message.
 */
static int load_facts(const char *path, struct partial_file *pf,
		      struct runfacts *rf, const struct analysis_ops **ops)
{
	struct diag d = DIAG_INIT;
	struct buf b = BUF_INIT;
	int rc = 0;
	memset(rf, 0, sizeof(*rf));
	int lrc = partial_file_load(pf, path, &d);
	if (lrc < 0) {
		/* another format version is a mismatch, not damage */
		rc = lrc == PARTIAL_E_VERSION ? EXIT_USAGE : EXIT_INPUT;
		cli_error("merge: %s", buf_cstr(&d.msg));
	} else if (runfacts_load(rf, pf, &d) < 0) {
		cli_error("merge: %s", buf_cstr(&d.msg));
		rc = EXIT_INPUT;
	} else if (!(*ops = analysis_by_name(rf->command))) {
		cli_error("merge: '%s' is a partial of '%s', which this version "
			  "cannot merge", shown(path, &b), rf->command);
		rc = EXIT_USAGE;
	}
	if (rc)
		partial_file_release(pf);
	diag_release(&d);
	buf_release(&b);
	return rc;
}

/* The state of loaded partial 'pf', into '*state'. 0, or exit status 3. */
static int load_state(struct partial_file *pf, const struct runfacts *rf,
		      const struct analysis_ops *ops,
		      const struct analysis_opts *ao, void **state)
{
	struct diag d = DIAG_INIT;
	int rc = 0;
	*state = ops->create(ao);
	if (ops->load(*state, pf, rf->n, &d) < 0) {
		cli_error("merge: %s", buf_cstr(&d.msg));
		rc = EXIT_INPUT;
	}
	diag_release(&d);
	return rc;
}

/*
 * The inputs of sha256sum manifest 'path' (manifest.h: escaped names,
 * --tag lines) that no input of 'rf' covers, listed on standard error.
 * Returns 0 (all covered), EXIT_REJECTS (some not), or an exit status
 * after a message (unreadable: 3, a bad line: 2).
 */
static int check_expect(const char *path, struct runfacts *rf)
{
	struct manifest m = MANIFEST_INIT;
	struct diag d = DIAG_INIT;
	struct buf b = BUF_INIT;
	int rc = 0;
	if (manifest_load(&m, path, &d) < 0) {
		if (d.line) {
			cli_error("%s:%llu: %s", shown(path, &b),
				  (unsigned long long)d.line, buf_cstr(&d.msg));
			rc = EXIT_USAGE;
		} else {
			cli_error("merge: --expect: %s", buf_cstr(&d.msg));
			rc = EXIT_INPUT;
		}
		goto out;
	}
	for (size_t i = 0; i < m.nr; i++) {
		const struct manifest_entry *e = &m.items[i];
		if (runfacts_covers(rf, e->sha256))
			continue;
		cli_error("merge: not covered by any partial: '%s' (sha256 %s)",
			  shown(e->name, &b), e->sha256);
		rc = EXIT_REJECTS;
	}
out:
	manifest_release(&m);
	diag_release(&d);
	buf_release(&b);
	return rc;
}

/* The common options that make no sense here: a partial carries its own. */
static int refuse_options(const struct cli *cli)
{
	const char *opt = cli->where ? "-w" : cli->tz ? "--tz" :
			  cli->cells ? "--cells" : cli->so.country ? "--country" :
			  cli->map_text ? "--map" : cli->rejects_path ?
			  "--rejects" : NULL;
	if (!opt)
		return 0;
	cli_error("merge: %s is not for merge: each partial keeps the options "
		  "of its run", opt);
	return EXIT_USAGE;
}

int cmd_merge(int argc, char **argv)
{
	struct cli cli;
	struct merge_ctx m = { NULL };
	struct cmd_opts co = { merge_opts, merge_option, &m, merge_usage };
	const struct analysis_ops *ops = NULL;
	struct analysis_opts ao = { NULL, NULL };
	struct runfacts acc;
	void *state = NULL;
	const char *first = NULL;
	int have = 0;
	int rc = cli_parse(&cli, argc, argv, &co);
	if (rc)
		return rc < 0 ? cli_finish(&cli) : (cli_finish(&cli), rc);
	if ((rc = refuse_options(&cli)) != 0)
		return cli_finish(&cli), rc;
	if (cli.nfiles < 1) {
		cli_error("merge: no partial files named (see 'cdrsift merge "
			  "--help')");
		return cli_finish(&cli), EXIT_USAGE;
	}
	memset(&acc, 0, sizeof(acc));
	/* every partial loaded, checked and merged before any output */
	for (int i = 0; i < cli.nfiles && !rc; i++) {
		struct partial_file pf;
		struct runfacts rf;
		const struct analysis_ops *pops = NULL;
		void *pstate = NULL;
		struct diag d = DIAG_INIT;
		rc = load_facts(cli.files[i], &pf, &rf, &pops);
		if (rc) {
			runfacts_release(&rf);
			break;
		}
		if (runfacts_check_unique(&rf, &d) < 0) {
			cli_error("merge: '%s': %s", cli.files[i],
				  buf_cstr(&d.msg));
			rc = EXIT_USAGE;
		} else if (have && runfacts_compatible(&acc, first, &rf,
						       cli.files[i], &d) < 0) {
			cli_error("merge: %s", buf_cstr(&d.msg));
			rc = EXIT_USAGE;
		} else if (!have) {
			/* the first partial decides the zone of the report */
			const char *zone = runfacts_option(&rf, "--tz");
			if (zone && *zone && tz_load(&cli.tz, zone, &d) < 0) {
				cli_error("merge: '%s': --tz: %s", cli.files[i],
					  buf_cstr(&d.msg));
				rc = EXIT_USAGE;
			}
			ops = pops;
			ao.tz = cli.tz;
		}
		if (!rc)
			rc = load_state(&pf, &rf, pops, &ao, &pstate);
		partial_file_release(&pf);
		if (!rc && !have) {
			acc = rf;
			state = pstate;
			first = cli.files[i];
			have = 1;
			diag_release(&d);
			continue;
		}
		if (!rc) {
			size_t *map = NULL;
			if (runfacts_merge(&acc, &rf, &map, &d) < 0) {
				cli_error("merge: %s", buf_cstr(&d.msg));
				rc = EXIT_USAGE;
			} else if (ops->merge(state, pstate, map, &d) < 0) {
				cli_error("merge: %s", buf_cstr(&d.msg));
				rc = EXIT_INTERNAL;
			}
			free(map);
		}
		if (pstate)
			pops->destroy(pstate);
		runfacts_release(&rf);
		diag_release(&d);
	}
	if (!rc) {
		size_t *perm;
		runfacts_sort(&acc, &perm);
		if (ops->order)
			ops->order(state, perm, acc.n);
		free(perm);
		rc = cli_setup(&cli, KIND_UNKNOWN);
		if (rc < 0)
			rc = 0;
	}
	if (!rc) {
		int expect = m.expect ? check_expect(m.expect, &acc) : 0;
		if (expect == EXIT_USAGE || expect == EXIT_INPUT) {
			rc = expect;
		} else {
			cli_status(&cli, (enum exit_status)runfacts_status(&acc));
			if (expect)
				cli_status(&cli, (enum exit_status)expect);
			if (cli.partial_path) {
				int w = run_write_partial(ops, state, &acc,
							  cli.partial_path);
				if (w)
					cli_status(&cli, (enum exit_status)w);
			} else {
				/* with the analysis's note, as one run */
				run_report(&cli, ops, state, &acc);
			}
		}
	}
	if (state)
		ops->destroy(state);
	if (have)
		runfacts_release(&acc);
	int status = cli_finish(&cli);
	return rc ? rc : status;
}
