/*
 * cmd_manifest.c - `cdrsift manifest FILE...`: the SHA-256 of each file's
 * bytes, one sha256sum line each ("HEX  NAME", names with a backslash or
 * line break escaped as coreutils does), so that `sha256sum -c` and
 * `cdrsift --manifest` accept it. Files are hashed as they are on disk,
 * compressed or not.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "digest.h"
#include "evidence.h"
#include "manifest.h"
#include "banned.h"

static const char manifest_usage[] =
"usage: cdrsift manifest [-o FILE] [--audit FILE] FILE...\n"
"Writes a sha256sum manifest of the files (sha256sum -c reads it).\n"
"  -o, --output FILE      write there instead of standard output\n"
"      --audit FILE       append a hash-chained record of the run there\n";

int cmd_manifest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "audit", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *audit = NULL;
	char run_time[32];
	struct buf text = BUF_INIT, e = BUF_INIT;
	struct audit_files ins = { NULL, 0, 0 }, outs = { NULL, 0, 0 };
	int status = EXIT_OK;

	evidence_now(run_time, 1);
	optind = 1;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":o:h", opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'A':
			audit = optarg;
			break;
		case 'h':
			fputs(manifest_usage, stdout);
			return EXIT_OK;
		case ':':
			cli_error("option '%s' needs a value", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			cli_error("unknown option '%s' (see 'cdrsift manifest "
				  "--help')", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("manifest: no files given");
		fputs(manifest_usage, stderr);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-")) {
			cli_error("manifest: standard input has no name to list; "
				  "name the files");
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		char hex[DIGEST_HEX];
		uint64_t bytes;
		struct diag d = DIAG_INIT;
		if (digest_file(argv[i], hex, &bytes, NULL, &d) < 0) {
			cli_error("%s", buf_cstr(&d.msg));
			status = EXIT_INPUT;
			audit_files_add(&ins, argv[i], 0, 0, NULL);
		} else {
			manifest_add_line(&text, hex, argv[i], strlen(argv[i]));
			audit_files_add(&ins, argv[i], 1, bytes, hex);
		}
		diag_release(&d);
	}
	FILE *fp = stdout;
	if (output) {
		fp = fopen(output, "w");
		if (!fp) {
			buf_add_escaped(&e, output, strlen(output), 256);
			cli_error("cannot write '%s': %s", buf_cstr(&e),
				  strerror(errno));
			status = EXIT_INPUT;
		}
	}
	if (fp) {
		if ((text.len && fwrite(text.data, 1, text.len, fp) != text.len) ||
		    fflush(fp) != 0 || ferror(fp) ||
		    (fp != stdout && fclose(fp) != 0)) {
			if (errno != EPIPE) {
				cli_error("cannot write output: %s",
					  strerror(errno));
				status = EXIT_INPUT;
			}
		}
	}
	if (audit) {
		evidence_add_output(&outs, output, fp != NULL);
		status = evidence_audit(audit, run_time, argc, argv, &ins, &outs,
					status);
	}
	audit_files_release(&ins);
	audit_files_release(&outs);
	buf_release(&text);
	buf_release(&e);
	return status;
}
