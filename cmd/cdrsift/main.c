/*
 * main.c - the command table and dispatch (git.c's commands[]). Thin: each
 * command parses its own options and returns its exit status.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "input.h"
#include "xalloc.h"
#include "banned.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "filter", cmd_filter, "print the records that match -w EXPR" },
	{ "stats", cmd_stats, "overview: sizes, hashes, rows, span, distinct ids, gaps" },
	{ "geo", cmd_geo, "clusters of positions: weighted DBSCAN, great-circle distance" },
	{ "volume", cmd_volume, "call volumes by any key, with time bars" },
	{ "anomalies", cmd_anomalies, "flags: impossible travel, bad durations, with evidence" },
	{ "attribute", cmd_attribute, "who held public address A, port P at time T (CGNAT logs)" },
	{ "schema", cmd_schema, "show how each column of a file was understood" },
	{ "merge", cmd_merge, "merge --partial files into the report of one run" },
	{ "manifest", cmd_manifest, "write a sha256sum manifest of files" },
	{ "verify", cmd_verify, "check an --audit log: its chain, every file it names" },
	{ "keygen", cmd_keygen, "create a key for --pseudonymize (32 bytes, mode 0600)" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: cdrsift COMMAND [OPTIONS] [FILE...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\n'cdrsift COMMAND --help' lists a command's options; "
		"'man cdrsift' has the rest.\n");
}

/* A closed pipe: noted, and the write fails with EPIPE (cli_out_closed). */
static void on_sigpipe(int sig)
{
	(void)sig;
	cli_sigpipe = 1;
}

int main(int argc, char **argv)
{
	/* a closed pipe (| head) ends the run quietly: see cli_out_closed */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	xalloc_init_from_env();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("cdrsift %s\n", CDRSIFT_VERSION);
		printf("inflate: %s\n", input_inflate_backend());
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "cdrsift: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
