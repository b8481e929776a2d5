/*
 * evidence.c - --manifest, --provenance and --audit for every command
 * (see evidence.h; the man page's EVIDENCE section is the contract).
 * The file formats live in src/ (manifest.c, audit.c, digest.c); this
 * layer decides what is checked when, prints and sets exit statuses.
 */
#include "evidence.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "digest.h"
#include "manifest.h"
#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

void evidence_now(char out[32], int honour_source_date_epoch)
{
	int64_t secs = (int64_t)time(NULL);
	const char *sde = honour_source_date_epoch ? getenv("SOURCE_DATE_EPOCH")
						   : NULL;
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (!errno && !*end && v >= 0 && v < 253402300800LL)
			secs = v;
	}
	ts_format(secs * 1000, NULL, out, 32);
}

/*
 * After the options, 'rc' as cli_parse returns it. A bad option stops
 * getopt before it reaches the ones after it: --audit is then looked for
 * by hand, so that a refused run is recorded wherever --audit stood.
 */
void evidence_start(struct cli *cli, int rc)
{
	evidence_now(cli->ev.run_time, 1);
	if (rc < 0) {
		cli->ev.no_run = 1;
		return;
	}
	if (rc == 0)
		return;
	cli_status(cli, (enum exit_status)rc);
	for (int i = 1; i < cli->argc && !cli->ev.audit_path; i++) {
		const char *a = cli->argv[i];
		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "--audit") && i + 1 < cli->argc)
			cli->ev.audit_path = cli->argv[i + 1];
		else if (!strncmp(a, "--audit=", 8) && a[8])
			cli->ev.audit_path = a + 8;
	}
}

/* 'path' escaped for a message, into 'b'. */
static const char *esc(struct buf *b, const char *path)
{
	buf_reset(b);
	buf_add_escaped(b, path, strlen(path), 256);
	return buf_cstr(b);
}

/*
 * The entry of 'm' for input 'path': by name as sha256sum -c would open
 * it, else (a path written another way: absolute, through a link) by
 * the file it is.
 */
static const struct manifest_entry *find_entry(const struct manifest *m,
					       const char *path)
{
	const struct manifest_entry *e = manifest_find(m, path, strlen(path));
	struct stat a, b;
	if (e || stat(path, &a) != 0)
		return e;
	for (size_t i = 0; i < m->nr; i++)
		if (stat(m->items[i].name, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return &m->items[i];
	return NULL;
}

/*
 * --manifest: every input must be listed, present and the same bytes.
 * All inputs are checked, each failure named; then the run stops before
 * any output is created. Standard input cannot be checked (its bytes
 * would be gone), so it is a usage error.
 */
static int check_manifest(struct cli *cli)
{
	struct evidence *ev = &cli->ev;
	struct manifest m = MANIFEST_INIT;
	struct diag d = DIAG_INIT;
	struct buf e1 = BUF_INIT, e2 = BUF_INIT;
	int bad = 0, rc = 0;

	if (cli->nfiles == 0) {
		cli_error("--manifest: standard input cannot be checked against "
			  "a manifest; name the files");
		return EXIT_USAGE;
	}
	for (int i = 0; i < cli->nfiles; i++)
		if (!strcmp(cli->files[i], "-")) {
			cli_error("--manifest: standard input ('-') cannot be "
				  "checked against a manifest; name the files");
			return EXIT_USAGE;
		}
	if (manifest_load(&m, ev->manifest_path, &d) < 0) {
		if (d.line) {
			cli_error("%s:%llu: %s", esc(&e1, ev->manifest_path),
				  (unsigned long long)d.line, buf_cstr(&d.msg));
			rc = EXIT_REJECTS;
		} else {
			cli_error("--manifest: %s", buf_cstr(&d.msg));
			rc = EXIT_INPUT;
		}
		goto out;
	}
	for (int i = 0; i < cli->nfiles; i++) {
		const char *path = cli->files[i];
		const struct manifest_entry *e = find_entry(&m, path);
		char hex[DIGEST_HEX];
		uint64_t bytes;
		int err;
		if (!e) {
			cli_error("%s: '%s' is not listed in the manifest",
				  esc(&e1, ev->manifest_path), esc(&e2, path));
			bad++;
			continue;
		}
		diag_clear(&d);
		if (digest_file(path, hex, &bytes, &err, &d) < 0) {
			cli_error("%s:%llu: %s", esc(&e1, ev->manifest_path),
				  (unsigned long long)e->line, buf_cstr(&d.msg));
			bad++;
			continue;
		}
		if (strcmp(hex, e->sha256) != 0) {
			cli_error("%s:%llu: '%s' does not match the manifest "
				  "(sha256 %s, listed %s)",
				  esc(&e1, ev->manifest_path),
				  (unsigned long long)e->line, esc(&e2, path),
				  hex, e->sha256);
			bad++;
			continue;
		}
		VEC_GROW(ev->expect, ev->nexpect + 1, ev->expect_alloc);
		ev->expect[ev->nexpect].path = path;
		memcpy(ev->expect[ev->nexpect].sha256, e->sha256, 65);
		ev->nexpect++;
	}
	if (bad) {
		cli_error("--manifest: %d of %d input%s did not verify; nothing "
			  "was analysed", bad, cli->nfiles,
			  cli->nfiles == 1 ? "" : "s");
		rc = EXIT_REJECTS;
	}
out:
	manifest_release(&m);
	diag_release(&d);
	buf_release(&e1);
	buf_release(&e2);
	return rc;
}

int evidence_setup(struct cli *cli)
{
	struct evidence *ev = &cli->ev;
	if (ev->manifest_path) {
		int rc = check_manifest(cli);
		if (rc)
			return rc;
	}
	if (ev->provenance_path) {
		ev->provenance = fopen(ev->provenance_path, "w");
		if (!ev->provenance) {
			struct buf e = BUF_INIT;
			cli_error("cannot write '%s': %s",
				  esc(&e, ev->provenance_path), strerror(errno));
			buf_release(&e);
			return EXIT_INPUT;
		}
		ev->provenance_made = 1;
	}
	return 0;
}

void evidence_add_output(struct audit_files *outs, const char *path,
			 int written)
{
	char hex[DIGEST_HEX] = "";
	char link[PATH_MAX];
	struct stat st;
	if (!written) {
		audit_files_add(outs, path ? path : "-", 0, 0, NULL);
		return;
	}
	if (!path) {
		/* standard output: hashed when it is a file that has a name */
		ssize_t n = -1;
		if (fstat(1, &st) == 0 && S_ISREG(st.st_mode))
			n = readlink("/proc/self/fd/1", link, sizeof(link) - 1);
		if (n <= 0 || link[0] != '/') {
			audit_files_add(outs, "-", 0, 0, NULL);
			return;
		}
		link[n] = '\0';
		path = link;
	}
	struct diag d = DIAG_INIT;
	if (digest_file(path, hex, NULL, NULL, &d) < 0)
		hex[0] = '\0';
	diag_release(&d);
	audit_files_add(outs, path, 0, 0, hex);
}

static char *user_name(void)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];
	char num[32];
	if (getpwuid_r(geteuid(), &pw, tmp, sizeof(tmp), &res) == 0 && res &&
	    res->pw_name)
		return xstrdup(res->pw_name);
	snprintf(num, sizeof(num), "%lu", (unsigned long)geteuid());
	return xstrdup(num);
}

int evidence_audit(const char *audit_path, const char *run_time, int argc,
		   char **argv, struct audit_files *inputs,
		   struct audit_files *outputs, int status)
{
	struct audit_entry e;
	struct diag d = DIAG_INIT;
	char host[256] = "", now[32];
	char *cwd = getcwd(NULL, 0);
	memset(&e, 0, sizeof(e));
	e.time = xstrdup(run_time);
	evidence_now(now, 0);
	e.finished = xstrdup(now);
	e.user = user_name();
	if (gethostname(host, sizeof(host) - 1) == 0)
		e.host = xstrdup(host);
	e.cwd = cwd ? xstrdup(cwd) : NULL;
	free(cwd);
	e.version = xstrdup(CDRSIFT_VERSION);
	for (int i = 0; i < argc; i++)
		audit_entry_add_arg(&e, argv[i]);
	e.inputs = *inputs;
	e.outputs = *outputs;
	memset(inputs, 0, sizeof(*inputs));
	memset(outputs, 0, sizeof(*outputs));
	e.exit_status = status;
	if (audit_append(audit_path, &e, &d) < 0) {
		cli_error("%s", buf_cstr(&d.msg));
		if (status < EXIT_INPUT)
			status = EXIT_INPUT;
	}
	audit_entry_release(&e);
	diag_release(&d);
	return status;
}

int evidence_finish(struct cli *cli, int status)
{
	struct evidence *ev = &cli->ev;
	struct buf e = BUF_INIT;
	if (ev->provenance) {
		struct buf meta = BUF_INIT;
		cli_meta_json(cli, cli->inputs, cli->ninputs, &meta);
		buf_addch(&meta, '\n');
		if (fwrite(meta.data, 1, meta.len, ev->provenance) != meta.len ||
		    fflush(ev->provenance) != 0 || ferror(ev->provenance)) {
			cli_error("cannot write '%s': %s",
				  esc(&e, ev->provenance_path), strerror(errno));
			status = EXIT_INPUT;
		}
		if (fclose(ev->provenance) != 0 && status < EXIT_INPUT) {
			cli_error("cannot write '%s': %s",
				  esc(&e, ev->provenance_path), strerror(errno));
			status = EXIT_INPUT;
		}
		ev->provenance = NULL;
		buf_release(&meta);
	}
	/* the bytes analysed are those the manifest lists (no swap since) */
	for (size_t i = 0; i < ev->nexpect; i++)
		for (size_t k = 0; k < cli->ninputs; k++) {
			const struct input_summary *in = &cli->inputs[k];
			if (strcmp(in->path, ev->expect[i].path) != 0 ||
			    !in->sha256[0] ||
			    !strcmp(in->sha256, ev->expect[i].sha256))
				continue;
			cli_error("%s: changed while it was read: sha256 %s, "
				  "the manifest lists %s", esc(&e, in->path),
				  in->sha256, ev->expect[i].sha256);
			if (status < EXIT_REJECTS)
				status = EXIT_REJECTS;
		}
	if (ev->audit_path && !ev->no_run) {
		struct audit_files ins = { NULL, 0, 0 }, outs = { NULL, 0, 0 };
		for (size_t i = 0; i < cli->ninputs; i++)
			if (!cli->inputs[i].member) /* the archive stands */
			audit_files_add(&ins, cli->inputs[i].path, 1,
					cli->inputs[i].bytes,
					cli->inputs[i].sha256);
		if (cli->ninputs == 0) /* stopped before anything was read */
			for (int i = 0; i < cli->nfiles; i++)
				audit_files_add(&ins, cli->files[i], 0, 0, NULL);
		/* 'out' and 'rejects' are closed: only their being set counts */
		evidence_add_output(&outs, cli->output, cli->out != NULL);
		if (cli->rejects_path)
			evidence_add_output(&outs, cli->rejects_path,
					    cli->rejects != NULL);
		if (ev->provenance_path)
			evidence_add_output(&outs, ev->provenance_path,
					    ev->provenance_made);
		status = evidence_audit(ev->audit_path, ev->run_time, cli->argc,
					cli->argv, &ins, &outs, status);
	}
	free(ev->expect);
	ev->expect = NULL;
	buf_release(&e);
	return status;
}
