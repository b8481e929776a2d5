/*
 * privacy.h - the privacy options every command shares (issue 17, man
 * page PSEUDONYMS and SUPPRESSION): --pseudonymize KEYFILE with
 * --pseudonymize-ips and --rejects-raw, and --suppress-below N. They act
 * once, on the report table (table.h) of every table-writing command, on
 * filter's canonical rows, and on what else the run writes: the command
 * line in the json meta, --provenance and --audit (cli->argv is replaced
 * by its pseudonymised copy), reject details on standard error and in
 * --rejects (src/schema.c tokenises them through schema_opts.pseudo).
 */
#ifndef CDRSIFT_PRIVACY_H
#define CDRSIFT_PRIVACY_H

#include <stdint.h>

#include "buf.h"
#include "pseudo.h"

struct cli;
struct runfacts;
struct table;

struct privacy {
	const char *key_path;      /* --pseudonymize KEYFILE, or NULL */
	struct pseudo *pseudo;     /* the loaded key (owned), or NULL */
	const char *ips;           /* --pseudonymize-ips subscriber|all */
	int rejects_raw;           /* --rejects-raw */
	uint64_t suppress_below;   /* --suppress-below N; 0: off */
	char **argv_given;         /* the argument list as given (borrowed) */
	char **argv_shown;         /* owned: what meta and audit write */
	int suppressed;            /* groups a report suppressed */
};

/*
 * After the common options are parsed: load the key, check what goes
 * with what, and replace cli->argv by the copy the run may write. 0, or
 * an exit status (2: usage; 3: the key file cannot be read).
 */
int privacy_setup(struct cli *cli);

/* 's' as the run may write it (a -w text or a --subscriber number). */
void privacy_show_expr(const struct cli *cli, const char *s, struct buf *b);

/*
 * On a finished report table: suppression, then pseudonyms; a note on
 * standard error says what was suppressed. 0, or an exit status (2) when
 * suppression cannot apply to this table (anomaly flags, groups keyed by
 * a party, a record total that would still pin hidden groups): then the
 * message is written and the caller must write no table.
 */
int privacy_table(struct cli *cli, struct runfacts *rf, struct table *t);

/*
 * Under --pseudonymize, lone runs of digits in a message for standard
 * error become number tokens (pseudo_scrub): a message that quotes a
 * header or a value it could not read names no one. Nothing otherwise.
 */
void privacy_scrub_msg(struct buf *msg);

/* Append the meta's "privacy" member (",\"privacy\":{...}") to 'b'. */
void privacy_meta(const struct cli *cli, struct buf *b);

void privacy_release(struct cli *cli);

#endif
