/*
 * privacy.c - --pseudonymize, --pseudonymize-ips, --rejects-raw and
 * --suppress-below (see privacy.h; the definitions are in the man page,
 * PSEUDONYMS and SUPPRESSION).
 */
#include "privacy.h"

#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "cli.h"
#include "keyfile.h"
#include "runfacts.h"
#include "table.h"
#include "xalloc.h"
#include "banned.h"

/* The key of the run, for messages (cli_error has no cli). */
static const struct pseudo *msg_pseudo;

void privacy_scrub_msg(struct buf *msg)
{
	if (!msg_pseudo || !msg->len)
		return;
	struct buf b = BUF_INIT;
	pseudo_scrub(msg_pseudo, msg->data, msg->len, &b);
	buf_reset(msg);
	buf_add(msg, b.data, b.len);
	buf_release(&b);
}

void privacy_show_expr(const struct cli *cli, const char *s, struct buf *b)
{
	if (!cli->priv.pseudo) {
		buf_adds(b, s);
		return;
	}
	pseudo_expr(cli->priv.pseudo, s, b);
}

/* Option 'a' of argv, "--name" or "--name=value": its value, or NULL. */
static const char *long_value(const char *a, const char *name, int *joined)
{
	size_t n = strlen(name);
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=') {
		*joined = 1;
		return a + n + 1;
	}
	*joined = 0;
	return a[n] ? NULL : "";
}

/*
 * The argument list as the run may write it: the text of -w (however
 * given: -w X, -wX, --where X, --where=X) and --subscriber's number
 * replaced. getopt has already moved the operands last; "--" ends the
 * options.
 */
static void shown_argv(struct cli *cli)
{
	struct privacy *pv = &cli->priv;
	pv->argv_given = cli->argv;
	pv->argv_shown = xcalloc((size_t)cli->argc + 1, sizeof(char *));
	for (int i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i];
		struct buf b = BUF_INIT;
		int joined = 0, expr = 0, number = 0;
		const char *v = NULL;
		if (!strcmp(a, "--"))
			break;
		if ((v = long_value(a, "--where", &joined)))
			expr = 1;
		else if ((v = long_value(a, "--subscriber", &joined)))
			number = 1;
		else if (!strncmp(a, "-w", 2)) {
			expr = 1;
			joined = a[2] != '\0';
			v = a + 2;
		}
		if ((expr || number) && !joined && i + 1 < cli->argc) {
			pv->argv_shown[i] = xstrdup(a);
			a = cli->argv[++i];
			v = a;
		} else if (expr || number) {
			buf_add(&b, a, (size_t)(v - a));
		} else {
			continue;
		}
		if (expr)
			pseudo_expr(pv->pseudo, v, &b);
		else
			pseudo_token(pv->pseudo, ID_NUMBER, v, strlen(v), &b);
		pv->argv_shown[i] = xstrdup(buf_cstr(&b));
		buf_release(&b);
	}
	for (int i = 0; i < cli->argc; i++)
		if (!pv->argv_shown[i])
			pv->argv_shown[i] = xstrdup(cli->argv[i]);
	cli->argv = pv->argv_shown;
}

/*
 * The commands whose output goes through the report tables, or, for
 * filter, through the canonical rows tokenised here: the analyses (a
 * command ported to the run driver joins them by its ANALYSES line) and
 * merge. Others would write identifiers this layer never sees.
 */
static int writes_tables(const char *cmd)
{
	return analysis_by_name(cmd) || !strcmp(cmd, "merge");
}

int privacy_setup(struct cli *cli)
{
	struct privacy *pv = &cli->priv;
	if (pv->ips && !pv->key_path) {
		cli_error("--pseudonymize-ips: no --pseudonymize KEYFILE");
		return EXIT_USAGE;
	}
	if (pv->rejects_raw && !pv->key_path) {
		cli_error("--rejects-raw: only with --pseudonymize (without it "
			  "--rejects keeps raw rows)");
		return EXIT_USAGE;
	}
	if (pv->suppress_below && !writes_tables(cli->cmd)) {
		cli_error("--suppress-below: '%s' writes no aggregate groups "
			  "(records, or one subscriber's, are pseudonymised, "
			  "not suppressed)", cli->cmd);
		return EXIT_USAGE;
	}
	if (pv->suppress_below && !strcmp(cli->cmd, "anomalies")) {
		cli_error("--suppress-below: anomaly flags are each about one "
			  "subscriber, no aggregate: they are pseudonymised "
			  "(--pseudonymize), not suppressed");
		return EXIT_USAGE;
	}
	if (pv->suppress_below && cli->partial_path) {
		cli_error("--suppress-below: a partial keeps every group: "
			  "suppress in 'cdrsift merge'");
		return EXIT_USAGE;
	}
	if (!pv->key_path)
		return 0;
	if (!writes_tables(cli->cmd) && strcmp(cli->cmd, "filter")) {
		cli_error("--pseudonymize: '%s' does not write its output "
			  "through report tables in this version", cli->cmd);
		return EXIT_USAGE;
	}
	if (cli->partial_path) {
		cli_error("--pseudonymize: a partial is the exact state, raw "
			  "identifiers included: pseudonymise in 'cdrsift "
			  "merge'");
		return EXIT_USAGE;
	}
	struct diag d = DIAG_INIT;
	pv->pseudo = xcalloc(1, sizeof(*pv->pseudo));
	if (keyfile_load(pv->key_path, pv->pseudo->key, &pv->pseudo->keylen,
			 &d) < 0) {
		cli_error("--pseudonymize: %s", buf_cstr(&d.msg));
		diag_release(&d);
		return EXIT_USAGE;
	}
	diag_release(&d);
	pv->pseudo->country = cli->so.country;
	pv->pseudo->ips_all = pv->ips && !strcmp(pv->ips, "all");
	cli->so.pseudo = pv->pseudo;
	msg_pseudo = pv->pseudo;
	shown_argv(cli);
	return 0;
}

/*
 * The identifier kind of volume's --split key (the "options" the run
 * facts keep, "... split=KEY sort=..."), so that its records_VALUE
 * columns are named by tokens; ID_NONE without one.
 */
static enum ident_kind split_kind(const struct runfacts *rf)
{
	const char *o = rf ? runfacts_option(rf, "options") : NULL;
	const char *at = o ? strstr(o, " split=") : NULL;
	char name[64];
	size_t n = 0;
	if (!at)
		return ID_NONE;
	at += 7;
	while (at[n] && at[n] != ' ' && n + 1 < sizeof(name)) {
		name[n] = at[n];
		n++;
	}
	name[n] = '\0';
	return ident_of_name(name);
}

/* The inputs' problem and mapping texts, which the table format prints
   from the run facts: scrubbed as the table's text (pseudo_scrub). */
static void scrub_facts(const struct pseudo *p, struct runfacts *rf)
{
	for (size_t i = 0; rf && i < rf->n; i++) {
		struct rf_input *e = &rf->in[i];
		struct buf b = BUF_INIT;
		if (e->problem) {
			pseudo_scrub(p, e->problem, strlen(e->problem), &b);
			runfacts_set_problem(e, buf_cstr(&b));
		}
		if (e->mapping) {
			buf_reset(&b);
			pseudo_scrub(p, e->mapping, strlen(e->mapping), &b);
			free(e->mapping);
			e->mapping = xstrdup(buf_cstr(&b));
		}
		buf_release(&b);
	}
}

/* Column 'name' of 't', or TABLE_NONE. */
static size_t col_named(const struct table *t, const char *name)
{
	for (size_t k = 0; k < t->ncols; k++)
		if (!strcmp(t->cols[k].name, name))
			return k;
	return TABLE_NONE;
}

/* The number after "NAME=" in option text 'o' (e.g. "min-count=3"), or 0. */
static uint64_t option_number(const char *o, const char *name)
{
	const char *at = o ? strstr(o, name) : NULL;
	return at ? strtoull(at + strlen(name), NULL, 10) : 0;
}

static int is_party(const char *name)
{
	return !strcmp(name, "caller") || !strcmp(name, "callee") ||
	       !strcmp(name, "subscriber") || !strcmp(name, "peer");
}

/*
 * What --suppress-below needs of a volume or geo table (man page
 * SUPPRESSION): each group's distinct subscribers (volume's
 * distinct_subscribers; a group keyed by a party is that one party's:
 * 1; a pair's, its distinct parties; geo's subscribers per cluster) and
 * the fewest records a reader knows each group has. 0, or -1 with
 * 'why' set when the table's groups are not of subscribers.
 */
static int plan(const char *cmd, const struct runfacts *rf, struct table *t,
		uint64_t *subs, uint64_t *floor, int *per_party)
{
	const char *o = rf ? runfacts_option(rf, "options") : NULL;
	*per_party = 0;
	if (!strcmp(cmd, "volume")) {
		size_t rec = col_named(t, "records");
		size_t ds = col_named(t, "distinct_subscribers");
		size_t pa = col_named(t, "party_a"), pb = col_named(t, "party_b");
		uint64_t mc = option_number(o, "min-count=");
		if (rec == TABLE_NONE)
			return -1;
		t->records_col = rec;
		for (size_t k = 0; k < rec; k++)
			if (is_party(t->cols[k].name))
				*per_party = 1;
		for (size_t r = 0; r < t->nrows; r++) {
			floor[r] = mc > 1 ? mc : 1;
			if (pa != TABLE_NONE && pb != TABLE_NONE) {
				const struct table_cell *x = table_cell(t, r, pa);
				const struct table_cell *y = table_cell(t, r, pb);
				int hx = x->state == CELL_VALUE;
				int hy = y->state == CELL_VALUE;
				subs[r] = (uint64_t)hx + (uint64_t)hy;
				if (hx && hy && x->len == y->len &&
				    !memcmp(t->text.data + x->off,
					    t->text.data + y->off, x->len))
					subs[r] = 1;
				*per_party = 1;
			} else if (*per_party) {
				subs[r] = 1;
			} else if (ds != TABLE_NONE) {
				const struct table_cell *c = table_cell(t, r, ds);
				subs[r] = c->state == CELL_VALUE ? c->v : 0;
			} else {
				return -1;
			}
		}
		return 0;
	}
	if (!strcmp(cmd, "geo")) {
		size_t rec = col_named(t, "records");
		size_t sc = col_named(t, "subscribers");
		size_t id = col_named(t, "cluster");
		uint64_t mr = option_number(o, "min-records=");
		if (rec == TABLE_NONE || sc == TABLE_NONE || id == TABLE_NONE)
			return -1;
		t->records_col = rec;
		for (size_t r = 0; r < t->nrows; r++) {
			const struct table_cell *c = table_cell(t, r, sc);
			const struct table_cell *k = table_cell(t, r, id);
			const char *name = t->text.data + k->off;
			/* no_position: records with no subscriber count */
			subs[r] = c->state == CELL_VALUE ? c->v : 0;
			if (k->len == 5 && !memcmp(name, "noise", 5))
				floor[r] = 0; /* the noise row may be empty */
			else if (k->len == 11 && !memcmp(name, "no_position", 11))
				floor[r] = 1;
			else
				floor[r] = mr > 1 ? mr : 1; /* a core's weight */
		}
		return 0;
	}
	return -1;
}

/*
 * geo numbers its clusters by records, most first: a gap left by a
 * hidden cluster would place its records between its neighbours'. The
 * clusters shown are numbered 1, 2, ... again, in their order.
 */
static void renumber_clusters(struct table *t)
{
	size_t id = col_named(t, "cluster");
	size_t next = 1;
	if (id == TABLE_NONE)
		return;
	for (size_t r = 0; r < t->nrows; r++) {
		const struct table_cell *c = table_cell(t, r, id);
		const char *s = t->text.data + c->off;
		char num[24];
		if (c->state != CELL_VALUE || !c->len || s[0] < '1' || s[0] > '9')
			continue; /* noise, no_position */
		int n = snprintf(num, sizeof(num), "%zu", next++);
		table_set_text(t, r, id, num, (size_t)n);
	}
}

/*
 * volume --split names a column after each value: one whose records are
 * all in hidden groups would still say that value (a callee, say) was
 * there. Such columns go with the groups.
 */
static void drop_hidden_splits(struct table *t)
{
	unsigned char *drop = xcalloc(t->ncols ? t->ncols : 1, 1);
	for (size_t k = 0; k < t->ncols; k++) {
		if (strncmp(t->cols[k].name, "records_", 8))
			continue;
		drop[k] = 1;
		for (size_t r = 0; r < t->nrows && drop[k]; r++) {
			const struct table_cell *c = table_cell(t, r, k);
			if (c->state == CELL_VALUE && c->v)
				drop[k] = 0;
		}
	}
	table_drop_cols(t, drop);
	free(drop);
}

/* --suppress-below on 't': 0, or an exit status (nothing may be written). */
static int suppress(struct cli *cli, struct runfacts *rf, struct table *t)
{
	struct privacy *pv = &cli->priv;
	const char *cmd = rf && rf->command ? rf->command : cli->cmd;
	struct table_suppressed s;
	uint64_t *subs = NULL, *floor = NULL;
	int per_party = 0, rc = 0;
	if (!strcmp(cmd, "anomalies")) {
		cli_error("--suppress-below: anomaly flags are each about one "
			  "subscriber, no aggregate: they are pseudonymised "
			  "(--pseudonymize), not suppressed; nothing written");
		return EXIT_USAGE;
	}
	if (t->subs_col == TABLE_NONE) {
		size_t n = t->nrows ? t->nrows : 1;
		subs = xcalloc(n, sizeof(*subs));
		floor = xcalloc(n, sizeof(*floor));
		if (plan(cmd, rf, t, subs, floor, &per_party) < 0) {
			cli_error("--suppress-below: the %s report has no groups "
				  "of subscribers to count: nothing written", cmd);
			rc = EXIT_USAGE;
			goto done;
		}
	}
	size_t groups = t->nrows;
	table_suppress(t, pv->suppress_below, subs, floor, &s);
	pv->suppressed = (int)(s.primary + s.complementary);
	if (!strcmp(cmd, "geo") && s.removed && pv->suppressed)
		renumber_clusters(t);
	if (!strcmp(cmd, "volume") && s.removed && pv->suppressed)
		drop_hidden_splits(t);
	if (per_party && groups && s.primary + s.complementary == groups) {
		cli_error("--suppress-below %llu: each group of this report is "
			  "keyed by its %s, so has %s: such outputs are about "
			  "individuals and are pseudonymised (--pseudonymize), "
			  "not suppressed; nothing written (group by a key that "
			  "is no party, e.g. --by cell, to suppress)",
			  (unsigned long long)pv->suppress_below,
			  col_named(t, "party_a") != TABLE_NONE ? "two parties" :
			  "party", col_named(t, "party_a") != TABLE_NONE ?
			  "at most two subscribers" : "one subscriber");
		rc = EXIT_USAGE;
	} else if (s.pinned) {
		cli_error("--suppress-below %llu: %zu group%s with fewer "
			  "subscribers, and no further group would keep the "
			  "record total from revealing their records: nothing "
			  "written", (unsigned long long)pv->suppress_below,
			  s.primary, PLURAL(s.primary));
		rc = EXIT_USAGE;
	} else if (s.primary) {
		cli_error("--suppress-below %llu: %zu group%s with fewer "
			  "subscribers %s%s%s", (unsigned long long)
			  pv->suppress_below, s.primary,
			  PLURAL(s.primary), s.removed ? "left out" :
			  "shown without figures", s.complementary ?
			  ", and more so that totals reveal none" : "",
			  s.total_withheld ? "; total figures withheld" : "");
	}
done:
	free(subs);
	free(floor);
	return rc;
}

int privacy_table(struct cli *cli, struct runfacts *rf, struct table *t)
{
	struct privacy *pv = &cli->priv;
	if (pv->suppress_below) {
		int rc = suppress(cli, rf, t);
		if (rc)
			return rc;
	}
	if (pv->pseudo) {
		/* merge: numbers canonical under the partials' --country */
		const char *cc = rf ? runfacts_option(rf, "--country") : NULL;
		const char *given = pv->pseudo->country;
		if (!given && cc && *cc)
			pv->pseudo->country = cc;
		table_pseudonymize(t, pv->pseudo);
		scrub_facts(pv->pseudo, rf);
		if (rf && rf->command && !strcmp(rf->command, "volume"))
			table_pseudonymize_names(t, pv->pseudo, "records_",
						 split_kind(rf), "none");
		pv->pseudo->country = given;
	}
	return 0;
}

void privacy_meta(const struct cli *cli, struct buf *b)
{
	const struct privacy *pv = &cli->priv;
	if (!pv->pseudo && !pv->suppress_below)
		return;
	buf_adds(b, ",\"privacy\":{");
	if (pv->pseudo) {
		/* the key's fingerprint: one key, one id */
		buf_adds(b, "\"pseudonyms\":\"hmac-sha256\",\"key_id\":\"");
		pseudo_token(pv->pseudo, ID_TEXT, "cdrsift key id", 14, b);
		buf_addf(b, "\",\"ips\":\"%s\"", pv->pseudo->ips_all ? "all" :
			 "subscriber");
	}
	if (pv->suppress_below)
		buf_addf(b, "%s\"suppress_below\":%llu,\"suppressed\":%d",
			 pv->pseudo ? "," : "",
			 (unsigned long long)pv->suppress_below, pv->suppressed);
	buf_addch(b, '}');
}

void privacy_release(struct cli *cli)
{
	struct privacy *pv = &cli->priv;
	if (pv->pseudo) {
		if (msg_pseudo == pv->pseudo)
			msg_pseudo = NULL;
		pseudo_release(pv->pseudo);
		free(pv->pseudo);
		pv->pseudo = NULL;
	}
	if (pv->argv_shown) {
		for (int i = 0; i < cli->argc; i++)
			free(pv->argv_shown[i]);
		free(pv->argv_shown);
		pv->argv_shown = NULL;
		cli->argv = pv->argv_given;
	}
}
