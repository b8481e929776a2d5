/*
 * cmd_keygen.c - `cdrsift keygen FILE`: a new key for --pseudonymize, 32
 * random bytes in a new file of mode 0600 (src/keyfile.c). `keygen
 * --check FILE` loads a key with the checks --pseudonymize makes and says
 * whether it would be taken, without printing it.
 */
#include <getopt.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "keyfile.h"
#include "banned.h"

static const char keygen_usage[] =
"usage: cdrsift keygen FILE\n"
"       cdrsift keygen --check FILE\n"
"Creates FILE holding a new 32-byte key (mode 0600, never overwritten);\n"
"--check loads FILE as --pseudonymize will and says whether it is usable.\n";

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int check = 0;
	struct diag d = DIAG_INIT;

	optind = 1;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, "h", opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'c':
			check = 1;
			break;
		case 'h':
			fputs(keygen_usage, stdout);
			return EXIT_OK;
		default:
			cli_error("unknown option '%s' (see 'cdrsift keygen "
				  "--help')", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_error("keygen: expected one FILE");
		fputs(keygen_usage, stderr);
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	if (!strcmp(path, "-")) {
		cli_error("keygen: a key is never written to standard output");
		return EXIT_USAGE;
	}
	if (check) {
		unsigned char key[KEYFILE_MAX];
		size_t len;
		int rc = keyfile_load(path, key, &len, &d);
		OPENSSL_cleanse(key, sizeof(key));
		if (rc < 0) {
			cli_error("%s", buf_cstr(&d.msg));
			diag_release(&d);
			return EXIT_REJECTS;
		}
		struct buf e = BUF_INIT;
		buf_add_escaped(&e, path, strlen(path), 256);
		printf("%s: a usable key of %zu bytes\n", buf_cstr(&e), len);
		buf_release(&e);
		return EXIT_OK;
	}
	if (keyfile_create(path, &d) < 0) {
		cli_error("keygen: %s", buf_cstr(&d.msg));
		diag_release(&d);
		return EXIT_INPUT;
	}
	diag_release(&d);
	return EXIT_OK;
}
