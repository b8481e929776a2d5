/*
 * evidence.h - the evidence options every command shares (issue 17):
 * --manifest (inputs checked against a sha256sum manifest before anything
 * is read), --provenance (the json meta beside any output) and --audit (a
 * hash-chained line per run), with the run's start time that the json
 * meta carries. cli.c calls these at parse, set-up and finish; manifest,
 * verify and keygen are commands of their own (cmd_*.c).
 */
#ifndef CDRSIFT_EVIDENCE_H
#define CDRSIFT_EVIDENCE_H

#include <stdio.h>

#include "audit.h"

struct cli;

/* A manifest's digest for one input, kept for the check at the end. */
struct evidence_expect {
	const char *path;  /* the input as given, borrowed from argv */
	char sha256[65];   /* what the manifest lists */
};

struct evidence {
	const char *audit_path;      /* --audit FILE, or NULL */
	const char *provenance_path; /* --provenance FILE, or NULL */
	const char *manifest_path;   /* --manifest FILE, or NULL */
	FILE *provenance;            /* open --provenance file */
	int provenance_made;         /* this run created the --provenance file */
	char run_time[32];           /* run start, UTC ISO 8601 (meta "time") */
	int no_run;                  /* -h, --version, --debug-dump-expr */
	struct evidence_expect *expect; /* one per input checked */
	size_t nexpect, expect_alloc;
};

/* After the options are parsed ('rc' as cli_parse returns it). */
void evidence_start(struct cli *cli, int rc);
/* First thing in cli_setup: the manifest check, then --provenance opened.
 * 0, or an exit status. */
int evidence_setup(struct cli *cli);
/* In cli_finish once the outputs are closed: provenance, the manifest's
 * digests against those read, the audit line. Returns the exit status. */
int evidence_finish(struct cli *cli, int status);

/* The current time, UTC ISO 8601 ("2025-01-03T08:00:00Z"), into 'out'. */
void evidence_now(char out[32], int honour_source_date_epoch);

/* Add output 'path' (NULL: standard output) to 'outs', hashed when it is
 * a regular file and 'written' (else its digest is null: a refused run
 * names an old file of that name without vouching for it). */
void evidence_add_output(struct audit_files *outs, const char *path,
			 int written);

/*
 * Append the audit line of a run to 'audit_path': 'argv' from the command
 * name on, the files read and written, its exit status. Returns
 * 'status', or EXIT_INPUT (3) when the line could not be appended.
 */
int evidence_audit(const char *audit_path, const char *run_time, int argc,
		   char **argv, struct audit_files *inputs,
		   struct audit_files *outputs, int status);

#endif
