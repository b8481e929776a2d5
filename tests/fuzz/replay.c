/*
 * replay.c - feeds every file under DIR/<target>/ to its fuzz target, so
 * that `make test` replays the seed corpora and every crash reproducer
 * without libFuzzer. The targets are compiled with -DFUZZ_REPLAY,
 * which names their entry points fuzz_<target>_one (fuzz.h).
 *
 *   usage: replay [DIR [TARGET...]]      DIR defaults to testdata/fuzz
 *
 * Each file runs in a child process with a time limit, so that a crash or
 * a hang is one "not ok" line naming the file, and the others still run.
 * A known failure, a reproducer kept before its fix lands, is named in
 * DIR/known-failures, one "TARGET/FILE why" per line ('#' lines are
 * comments): its failure is counted as a known breakage, not as a failure,
 * and its passing as a failure ("known breakage vanished: promote it"), so
 * that the line goes when the fix comes.
 * Output is TAP, ending with "N passed, N failed, 0 skipped" (every file
 * runs) and, when there are any, "N known breakages"; exit 1 on any
 * failure.
 */
#define _GNU_SOURCE
#include "fuzz.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define TIME_LIMIT 60 /* seconds per file, generous for valgrind and ASan */

struct target {
	const char *name;
	int (*fn)(const uint8_t *data, size_t size);
};

static const struct target targets[] = {
	{ "input", fuzz_input_one },
	{ "csvrow", fuzz_csvrow_one },
	{ "time", fuzz_time_one },
	{ "expr", fuzz_expr_one },
	{ "cells", fuzz_cells_one },
	{ "partial", fuzz_partial_one },
	{ "audit", fuzz_audit_one },
	{ "manifest", fuzz_manifest_one },
	{ "archive", fuzz_archive_one },
	{ "pseudo", fuzz_pseudo_one },
	{ "anomflags", fuzz_anomflags_one },
};

static int npass, nfail, nknown;
static char *known_text; /* DIR/known-failures, or NULL */
/*
 * The file names of the target being replayed: static, so that the leak
 * check of a child (LeakSanitizer, valgrind) sees them as reachable.
 */
static char **names;
static size_t nnames, names_alloc;

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t n = 0, alloc = 0;

	if (!fp)
		return -1;
	for (;;) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			uint8_t *p = realloc(data, alloc);
			if (!p) {
				free(data);
				fclose(fp);
				return -1;
			}
			data = p;
		}
		size_t got = fread(data + n, 1, alloc - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	fclose(fp);
	*out = data;
	*len = n;
	return 0;
}

/* Run one file in a child; 0 when the target returned normally. */
static int run_one(const struct target *t, const char *path, char *why,
		   size_t whylen)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		uint8_t *data;
		size_t len;
		alarm(TIME_LIMIT);
		if (read_file(path, &data, &len) < 0) {
			fprintf(stderr, "cannot read %s\n", path);
			_exit(3);
		}
		t->fn(data, len);
		free(data);
		exit(0); /* exit, not _exit: LeakSanitizer runs at exit */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		snprintf(why, whylen, "killed by signal %d%s",
			 WTERMSIG(status),
			 WTERMSIG(status) == SIGALRM ? " (time limit)" : "");
	else
		snprintf(why, whylen, "exit status %d", WEXITSTATUS(status));
	return -1;
}

/* The reason given in known-failures for TARGET/NAME, or NULL. */
static const char *known_failure(const char *target, const char *name,
				 char *why, size_t whylen)
{
	char key[600];
	size_t klen;
	const char *p = known_text;

	if (!p)
		return NULL;
	klen = (size_t)snprintf(key, sizeof(key), "%s/%s", target, name);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (*p != '#' && n > klen && !memcmp(p, key, klen) &&
		    (p[klen] == ' ' || p[klen] == '\t')) {
			snprintf(why, whylen, "%.*s", (int)(n - klen - 1),
				 p + klen + 1);
			return why;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

static void replay_target(const struct target *t, const char *dir)
{
	char path[4096];
	DIR *dp;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/%s", dir, t->name);
	dp = opendir(path);
	if (!dp) {
		printf("not ok %d - %s: cannot open %s: %s\n",
		       npass + nfail + nknown + 1, t->name, path,
		       strerror(errno));
		nfail++;
		return;
	}
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (nnames == names_alloc) {
			names_alloc = names_alloc ? names_alloc * 2 : 64;
			names = realloc(names, names_alloc * sizeof(*names));
			if (!names)
				abort();
		}
		names[nnames] = strdup(de->d_name);
		if (!names[nnames])
			abort();
		nnames++;
	}
	closedir(dp);
	if (nnames)
		qsort(names, nnames, sizeof(*names), cmp_names);
	for (size_t i = 0; i < nnames; i++) {
		char why[128] = "";
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, t->name, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			char kwhy[256];
			const char *known = known_failure(t->name, names[i],
							  kwhy, sizeof(kwhy));
			int ok = run_one(t, path, why, sizeof(why)) == 0;
			if (known && ok) {
				nfail++;
				printf("not ok %d - %s/%s # known breakage "
				       "vanished: promote it (%s)\n",
				       npass + nfail + nknown, t->name,
				       names[i], known);
			} else if (known) {
				nknown++;
				printf("not ok %d - %s/%s: %s # TODO known "
				       "breakage (%s)\n", npass + nfail + nknown,
				       t->name, names[i], why, known);
			} else if (ok) {
				npass++;
				printf("ok %d - %s/%s\n", npass + nfail + nknown,
				       t->name, names[i]);
			} else {
				nfail++;
				printf("not ok %d - %s/%s: %s\n",
				       npass + nfail + nknown, t->name, names[i],
				       why);
			}
		}
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	if (nnames == 0) {
		nfail++;
		printf("not ok %d - %s: empty corpus %s/%s\n",
		       npass + nfail + nknown,
		       t->name, dir, t->name);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "testdata/fuzz";
	size_t nt = sizeof(targets) / sizeof(targets[0]);
	char kpath[4096];
	uint8_t *kdata;
	size_t klen;

	snprintf(kpath, sizeof(kpath), "%s/known-failures", dir);
	if (read_file(kpath, &kdata, &klen) == 0) {
		known_text = malloc(klen + 1);
		if (!known_text)
			abort();
		memcpy(known_text, kdata, klen);
		known_text[klen] = '\0';
		free(kdata);
	}

	for (size_t i = 0; i < nt; i++) {
		nnames = 0;
		int wanted = argc <= 2;
		for (int a = 2; a < argc; a++)
			wanted |= !strcmp(argv[a], targets[i].name);
		if (wanted)
			replay_target(&targets[i], dir);
	}
	free(names);
	free(known_text);
	printf("%d passed, %d failed, 0 skipped\n", npass, nfail);
	if (nknown)
		printf("%d known breakage%s\n", nknown, nknown > 1 ? "s" : "");
	return nfail ? 1 : 0;
}
