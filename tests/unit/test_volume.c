/*
 * test_volume.c - volume against a naive oracle: every aggregate and the
 * exact distinct peers, subscribers and cells of every group, for one state fed
 * directly, for several feeds and threads on one state, and for states
 * built from random splits of the records (with a budget so small that
 * every run of pairs goes to the spill file) merged in different orders.
 * The records mix numbers, digit strings with leading zeros, text and
 * empty values, cells as LAC-CI pairs (kept as numbers) and the shapes
 * next to them (kept as text), and include groups that outgrow the narrow form (huge and
 * negative durations, far-off times, bytes). The reports must also come
 * out in the same order whichever way the state was built.
 */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "timeparse.h"
#include "volume.h"

#define NREC 3000

struct trec {
	char caller[24], callee[24], cell[24];
	int has_caller, has_callee, has_cell, has_start, has_dur, sms;
	int has_up, has_down;
	int64_t start, dur, up, down;
};

static struct trec recs[NREC];

static uint64_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void party(char *out, size_t cap, uint64_t *seed, unsigned pool)
{
	unsigned v = (unsigned)(rnd(seed) % pool);
	switch (rnd(seed) % 5) {
	case 0:
		snprintf(out, cap, "0%u", v); /* leading zero: text */
		break;
	case 1:
		snprintf(out, cap, "pbx-%u", v);
		break;
	default:
		snprintf(out, cap, "60123%06u", v);
	}
}

static void make_records(uint64_t seed)
{
	for (int i = 0; i < NREC; i++) {
		struct trec *t = &recs[i];
		memset(t, 0, sizeof(*t));
		t->has_caller = rnd(&seed) % 20 != 0;
		party(t->caller, sizeof(t->caller), &seed, 150);
		t->has_callee = rnd(&seed) % 25 != 0;
		party(t->callee, sizeof(t->callee), &seed, 500);
		t->has_cell = rnd(&seed) % 10 != 0;
		static const char *const edge[] = {
			/* LAC-CI pairs kept as numbers, and their neighbours
			   kept as text */
			"0-0", "0-1", "536870911-4294967295", "536870912-1",
			"1-4294967296", "01-5", "1-05", "1-5", "-5", "5-",
			"1-2-3", "5",
		};
		switch (rnd(&seed) % 6) {
		case 0:
			snprintf(t->cell, sizeof(t->cell), "CGI-%u",
				 (unsigned)(rnd(&seed) % 40));
			break;
		case 1:
			snprintf(t->cell, sizeof(t->cell), "%u-%u",
				 (unsigned)(2200 + rnd(&seed) % 3),
				 (unsigned)(102400000 + rnd(&seed) % 20));
			break;
		case 2:
			snprintf(t->cell, sizeof(t->cell), "%s",
				 edge[rnd(&seed) % (sizeof(edge) / sizeof(edge[0]))]);
			break;
		default:
			snprintf(t->cell, sizeof(t->cell), "%u",
				 (unsigned)(102400000 + rnd(&seed) % 80));
		}
		t->has_start = rnd(&seed) % 30 != 0;
		t->start = 1735689600000ll +
			   (int64_t)((rnd(&seed) << 31 | rnd(&seed)) % 7776000000ull);
		t->has_dur = rnd(&seed) % 12 != 0;
		t->dur = (int64_t)(rnd(&seed) % 4000) * 1000 + (int64_t)(rnd(&seed) % 3) * 250;
		t->sms = rnd(&seed) % 4 == 0;
		switch (rnd(&seed) % 60) { /* groups that must widen */
		case 0: t->dur = 5000000000ll; break;          /* > 32 bits */
		case 1: t->dur = -7000; break;                  /* negative */
		case 2: t->start = 250000000000000ll; break;    /* > 48 bits */
		case 3: t->start = -300000000000000ll; break;
		case 4: t->has_up = 1; t->up = 1 + (int64_t)rnd(&seed); break;
		case 5: t->has_down = 1; t->down = (int64_t)rnd(&seed); break;
		case 6: case 7: t->dur = 3000000000ll; break;  /* two overflow */
		}
	}
}

static void to_record(const struct trec *t, struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = KIND_CDR;
#define SETS(f, str) do { r->v[f].s = (struct strv){ str, (uint32_t)strlen(str) }; \
	r->present |= FIELD_BIT(f); } while (0)
#define SETI(f, x) do { r->v[f].i = (x); r->present |= FIELD_BIT(f); } while (0)
	if (t->has_caller) {
		SETS(F_CALLER, t->caller);
		SETS(F_SUBSCRIBER, t->caller); /* the served party of an mo call */
	}
	if (t->has_callee) {
		SETS(F_CALLEE, t->callee);
		SETS(F_PEER, t->callee);
	}
	if (t->has_cell)
		SETS(F_CELL, t->cell);
	if (t->has_start)
		SETI(F_START, t->start);
	if (t->has_dur)
		SETI(F_DURATION, t->dur);
	SETI(F_TYPE, t->sms ? TYPE_SMS : TYPE_VOICE);
	if (t->has_up)
		SETI(F_BYTES_UP, t->up);
	if (t->has_down)
		SETI(F_BYTES_DOWN, t->down);
#undef SETS
#undef SETI
}

/* ---- the oracle ---- */

struct ogroup {
	char key[64];
	uint64_t records, dur_n, timed, up, down, up_n, down_n, dir_n[2];
	int64_t dur_total, dur_max, first, last, dir_dur[2];
	uint64_t peers, cells, subs;
};

static void date_text(int64_t ms, char *out, size_t cap)
{
	int64_t y;
	int m, d;
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	civil_from_days(days, &y, &m, &d);
	snprintf(out, cap, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* The key text of 't' ('|' between components) and its direction. */
static int oracle_key(const struct volume_opts *o, const struct trec *t,
		      char *out, size_t cap)
{
	const char *a = t->has_caller ? t->caller : "";
	const char *b = t->has_callee ? t->callee : "";
	if (o->pairs) {
		int swap = strcmp(a, b) > 0;
		snprintf(out, cap, "%.23s|%.23s", swap ? b : a, swap ? a : b);
		return swap;
	}
	out[0] = '\0';
	for (size_t i = 0; i < o->nkeys; i++) {
		char part[40] = "";
		if (o->keys[i] == F_CALLER)
			snprintf(part, sizeof(part), "%.23s", a);
		else if (o->keys[i] == F_CELL && t->has_cell)
			snprintf(part, sizeof(part), "%.23s", t->cell);
		else if (o->keys[i] == F_DATE && t->has_start)
			date_text(t->start, part, sizeof(part));
		size_t l = strlen(out);
		snprintf(out + l, cap - l, "%s%s", i ? "|" : "", part);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *line_of(const char *key, uint64_t records, uint64_t dur_n,
		     int64_t dur_total, int64_t dur_max, uint64_t up,
		     uint64_t down, uint64_t up_n, uint64_t down_n,
		     uint64_t peers, uint64_t cells, uint64_t subs,
		     int64_t first, int64_t last, uint64_t timed,
		     const uint64_t *dn, const int64_t *dd)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s records=%llu dur_n=%llu total=%lld max=%lld up=%llu/%llu "
		 "down=%llu/%llu peers=%llu cells=%llu subs=%llu", key,
		 (unsigned long long)records, (unsigned long long)dur_n,
		 (long long)dur_total, (long long)dur_max,
		 (unsigned long long)up, (unsigned long long)up_n,
		 (unsigned long long)down, (unsigned long long)down_n,
		 (unsigned long long)peers, (unsigned long long)cells,
		 (unsigned long long)subs);
	if (timed)
		buf_addf(&b, " first=%lld last=%lld timed=%llu", (long long)first,
			 (long long)last, (unsigned long long)timed);
	buf_addf(&b, " dir=%llu/%lld,%llu/%lld", (unsigned long long)dn[0],
		 (long long)dd[0], (unsigned long long)dn[1], (long long)dd[1]);
	return (char *)buf_cstr(&b);
}

/* Count distinct "group\x1fitem" strings per group. */
static void distinct(char **pairs, size_t n, struct ogroup *g, size_t ng,
		     int kind)
{
	qsort(pairs, n, sizeof(*pairs), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(pairs[i], pairs[i - 1]))
			continue;
		size_t kl = (size_t)(strchr(pairs[i], '\x1f') - pairs[i]);
		for (size_t j = 0; j < ng; j++)
			if (strlen(g[j].key) == kl && !memcmp(g[j].key, pairs[i], kl)) {
				if (kind == 1)
					g[j].cells++;
				else if (kind == 2)
					g[j].subs++;
				else
					g[j].peers++;
			}
	}
}

/* The oracle's rows for 'o' over recs[], sorted; returns their number. */
static size_t oracle_rows(const struct volume_opts *o, char ***out)
{
	struct ogroup *g = calloc(NREC, sizeof(*g));
	char **pp = calloc(NREC, sizeof(*pp)), **pc = calloc(NREC, sizeof(*pc));
	char **ps = calloc(NREC, sizeof(*ps));
	size_t ng = 0, np = 0, nc = 0, ns = 0;
	for (int i = 0; i < NREC; i++) {
		const struct trec *t = &recs[i];
		char key[64];
		int dir = oracle_key(o, t, key, sizeof(key));
		size_t j;
		for (j = 0; j < ng && strcmp(g[j].key, key); j++)
			;
		if (j == ng)
			snprintf(g[ng++].key, sizeof(g[0].key), "%s", key);
		struct ogroup *x = &g[j];
		x->records++;
		if (t->has_dur && !t->sms) {
			x->dur_n++;
			x->dur_total += t->dur;
			if (t->dur > x->dur_max)
				x->dur_max = t->dur;
			if (o->pairs)
				x->dir_dur[dir] += t->dur;
		}
		if (o->pairs)
			x->dir_n[dir]++;
		x->up += (uint64_t)t->up;
		x->down += (uint64_t)t->down;
		x->up_n += t->has_up != 0;
		x->down_n += t->has_down != 0;
		if (t->has_start) {
			if (!x->timed || t->start < x->first)
				x->first = t->start;
			if (!x->timed || t->start > x->last)
				x->last = t->start;
			x->timed++;
		}
		struct buf b = BUF_INIT;
		if (t->has_callee) {
			buf_addf(&b, "%s\x1f%s", key, t->callee);
			pp[np++] = (char *)buf_cstr(&b);
		}
		if (t->has_cell) {
			struct buf c = BUF_INIT;
			buf_addf(&c, "%s\x1f%s", key, t->cell);
			pc[nc++] = (char *)buf_cstr(&c);
		}
		if (o->subscribers && t->has_caller) {
			struct buf c = BUF_INIT;
			buf_addf(&c, "%s\x1f%s", key, t->caller);
			ps[ns++] = (char *)buf_cstr(&c);
		}
	}
	distinct(pp, np, g, ng, 0);
	distinct(pc, nc, g, ng, 1);
	distinct(ps, ns, g, ng, 2);
	char **rows = calloc(ng, sizeof(*rows));
	for (size_t j = 0; j < ng; j++)
		rows[j] = line_of(g[j].key, g[j].records, g[j].dur_n,
				  g[j].dur_total, g[j].dur_max, g[j].up, g[j].down,
				  g[j].up_n, g[j].down_n, g[j].peers, g[j].cells,
				  g[j].subs, g[j].first, g[j].last,
				  g[j].timed, g[j].dir_n, g[j].dir_dur);
	qsort(rows, ng, sizeof(*rows), cmp_str);
	for (size_t i = 0; i < np; i++)
		free(pp[i]);
	for (size_t i = 0; i < nc; i++)
		free(pc[i]);
	for (size_t i = 0; i < ns; i++)
		free(ps[i]);
	free(pp);
	free(pc);
	free(ps);
	free(g);
	*out = rows;
	return ng;
}

/* The rows of finished state 'v' in report order (VS_COUNT, all). */
static size_t volume_rows(struct volume *v, const struct volume_opts *o,
			  char ***out)
{
	uint64_t hidden;
	size_t n = volume_report(v, VS_COUNT, 0, 0, &hidden);
	char **rows = calloc(n ? n : 1, sizeof(*rows));
	size_t ncomp = o->pairs ? 2 : o->nkeys;
	for (size_t i = 0; i < n; i++) {
		struct volume_group g;
		struct buf key = BUF_INIT;
		volume_row(v, i, &g);
		for (size_t c = 0; c < ncomp; c++) {
			size_t len;
			const char *t = volume_key_text(v, &g, c, &len);
			if (c)
				buf_addch(&key, '|');
			buf_add(&key, t, len);
		}
		rows[i] = line_of(buf_cstr(&key), g.records, g.dur_n, g.dur_total,
				  g.dur_max, g.bytes_up, g.bytes_down, g.up_n,
				  g.down_n, g.peers, g.cells, g.subscribers,
				  g.first, g.last, g.timed, g.dir_n,
				  g.dir_dur);
		buf_release(&key);
	}
	*out = rows;
	return n;
}

static void free_rows(char **rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

/* 1 when the two row lists are equal ('sorted': compare as sets). */
static int same_rows(char **a, size_t na, char **b, size_t nb, int sorted)
{
	if (na != nb)
		return 0;
	char **x = calloc(na ? na : 1, sizeof(*x)), **y = calloc(na ? na : 1, sizeof(*y));
	memcpy(x, a, na * sizeof(*x));
	memcpy(y, b, nb * sizeof(*y));
	if (sorted) {
		qsort(x, na, sizeof(*x), cmp_str);
		qsort(y, nb, sizeof(*y), cmp_str);
	}
	int ok = 1;
	for (size_t i = 0; i < na && ok; i++)
		if (strcmp(x[i], y[i])) {
			printf("# differ: %s\n#    and: %s\n", x[i], y[i]);
			ok = 0;
		}
	free(x);
	free(y);
	return ok;
}

struct slice {
	struct volume *v;
	int from, to;
};

static void *feed_slice(void *arg)
{
	struct slice *s = arg;
	struct volume_feed *f = volume_feed_new(s->v);
	struct record r;
	for (int i = s->from; i < s->to; i++) {
		to_record(&recs[i], &r);
		volume_feed_add(f, &r);
	}
	volume_feed_free(f);
	return NULL;
}

static void check_opts(struct volume_opts *o, const char *what)
{
	struct diag d = DIAG_INIT;
	struct record r;
	char **want, **got, **direct;
	size_t nwant = oracle_rows(o, &want), ngot, ndirect;

	/* one state, records added directly */
	struct volume *v = volume_new(o);
	for (int i = 0; i < NREC; i++) {
		to_record(&recs[i], &r);
		volume_add(v, &r);
	}
	CHECK_EQ_INT(volume_finish(v, 1, &d), 0);
	ndirect = volume_rows(v, o, &direct);
	printf("# %s: %zu groups\n", what, ndirect);
	CHECK(same_rows(want, nwant, direct, ndirect, 1));
	volume_free(v);

	/* four threads with a feed each, a tiny budget: everything spills */
	struct volume_opts small = *o;
	small.budget = 1;
	v = volume_new(&small);
	pthread_t th[4];
	struct slice sl[4];
	for (int k = 0; k < 4; k++) {
		sl[k] = (struct slice){ v, k * NREC / 4, (k + 1) * NREC / 4 };
		pthread_create(&th[k], NULL, feed_slice, &sl[k]);
	}
	for (int k = 0; k < 4; k++)
		pthread_join(th[k], NULL);
	CHECK(volume_spilled(v) > 0);
	CHECK_EQ_INT(volume_finish(v, 3, &d), 0);
	ngot = volume_rows(v, o, &got);
	CHECK(same_rows(direct, ndirect, got, ngot, 0)); /* same order too */
	free_rows(got, ngot);
	volume_free(v);

	/* random thirds in three states, merged two ways */
	for (int order = 0; order < 2; order++) {
		struct volume *part[3];
		uint64_t seed = 99 + (uint64_t)order;
		for (int k = 0; k < 3; k++)
			part[k] = volume_new(k == 1 ? &small : o);
		for (int i = 0; i < NREC; i++) {
			to_record(&recs[i], &r);
			volume_add(part[rnd(&seed) % 3], &r);
		}
		int into = order ? 2 : 0;
		for (int k = 0; k < 3; k++)
			if (k != into)
				CHECK_EQ_INT(volume_merge(part[into], part[k], &d), 0);
		CHECK_EQ_INT(volume_finish(part[into], 2, &d), 0);
		ngot = volume_rows(part[into], o, &got);
		CHECK(same_rows(direct, ndirect, got, ngot, 0));
		free_rows(got, ngot);
		for (int k = 0; k < 3; k++)
			volume_free(part[k]);
	}
	free_rows(want, nwant);
	free_rows(direct, ndirect);
	diag_release(&d);
}

TEST_SUITE(volume)
{
	struct volume_opts o;
	make_records(4242);

	memset(&o, 0, sizeof(o));
	o.split = -1;
	o.nkeys = 1;
	o.keys[0] = F_CALLER;
	check_opts(&o, "by caller");

	o.nkeys = 2;
	o.keys[1] = F_CELL;
	check_opts(&o, "by caller,cell");

	o.nkeys = 1;
	o.keys[0] = F_DATE;
	o.subscribers = 1; /* not a party key: distinct subscribers too */
	check_opts(&o, "by date");

	o.nkeys = 0;
	check_opts(&o, "no key");

	o.nkeys = 1;
	o.keys[0] = F_CELL;
	check_opts(&o, "by cell");

	o.nkeys = 0;
	o.subscribers = 0;
	o.pairs = 1;
	check_opts(&o, "pairs");
}

/*
 * The narrow form counts the records without a start and without a
 * counted duration in 16 bits: groups with up to 65,535 and past it, by
 * records added one by one and by merging two states, must give the
 * counts written out here (records, with a duration, with a start, the
 * first and last start, the total duration).
 */
struct lim_group {
	const char *caller;
	int sms, untimed, voice; /* SMS timed; voice untimed; voice timed */
};

static const struct lim_group lim_groups[] = {
	{ "60120000001", 65535, 0, 3 },     /* just fits */
	{ "60120000002", 65536, 0, 3 },     /* one SMS too many */
	{ "60120000003", 0, 65535, 2 },
	{ "60120000004", 0, 65536, 2 },
	{ "60120000005", 70000, 70000, 1 }, /* both */
};

static void lim_add(struct volume *v, const struct lim_group *g, int part,
		    int nparts)
{
	struct record r;
	int n = g->sms + g->untimed + g->voice;
	for (int i = part; i < n; i += nparts) {
		memset(&r, 0, sizeof(r));
		r.kind = KIND_CDR;
		r.v[F_CALLER].s = (struct strv){ g->caller, 11 };
		r.present |= FIELD_BIT(F_CALLER);
		int sms = i < g->sms, untimed = !sms && i < g->sms + g->untimed;
		r.v[F_TYPE].i = sms ? TYPE_SMS : TYPE_VOICE;
		r.present |= FIELD_BIT(F_TYPE);
		if (!sms) {
			r.v[F_DURATION].i = 1000000 * (int64_t)(1 + i % 7);
			r.present |= FIELD_BIT(F_DURATION);
		}
		if (!untimed) {
			r.v[F_START].i = 1735689600000ll + 1000 * (int64_t)i;
			r.present |= FIELD_BIT(F_START);
		}
		volume_add(v, &r);
	}
}

static void lim_check(struct volume *v, const char *how)
{
	uint64_t hidden;
	size_t n = volume_report(v, VS_KEY, 0, 0, &hidden);
	int bad = 0;
	CHECK_EQ_INT(n, sizeof(lim_groups) / sizeof(lim_groups[0]));
	for (size_t k = 0; k < n; k++) {
		struct volume_group g;
		size_t len;
		volume_row(v, k, &g);
		const char *key = volume_key_text(v, &g, 0, &len);
		const struct lim_group *e = NULL;
		for (size_t j = 0; j < n; j++)
			if (len == 11 && !memcmp(key, lim_groups[j].caller, 11))
				e = &lim_groups[j];
		if (!e) {
			bad++;
			continue;
		}
		int total = e->sms + e->untimed + e->voice;
		int64_t dur = 0, first = -1, last = -1;
		for (int i = e->sms; i < total; i++)
			dur += 1000000 * (int64_t)(1 + i % 7);
		for (int i = 0; i < total; i++)
			if (i < e->sms || i >= e->sms + e->untimed) {
				int64_t t = 1735689600000ll + 1000 * (int64_t)i;
				if (first < 0)
					first = t;
				last = t;
			}
		if (g.records != (uint64_t)total ||
		    g.dur_n != (uint64_t)(e->untimed + e->voice) ||
		    g.timed != (uint64_t)(e->sms + e->voice) ||
		    g.dur_total != dur || g.first != first || g.last != last) {
			printf("# %s: %s: records %llu dur_n %llu timed %llu\n",
			       how, e->caller, (unsigned long long)g.records,
			       (unsigned long long)g.dur_n,
			       (unsigned long long)g.timed);
			bad++;
		}
	}
	CHECK_EQ_INT(bad, 0);
}

TEST_SUITE(volume_narrow_limits)
{
	struct volume_opts o;
	struct diag d = DIAG_INIT;
	size_t ng = sizeof(lim_groups) / sizeof(lim_groups[0]);
	memset(&o, 0, sizeof(o));
	o.split = -1;
	o.nkeys = 1;
	o.keys[0] = F_CALLER;

	struct volume *v = volume_new(&o);
	for (size_t j = 0; j < ng; j++)
		lim_add(v, &lim_groups[j], 0, 1);
	CHECK_EQ_INT(volume_finish(v, 1, &d), 0);
	lim_check(v, "one by one");
	volume_free(v);

	/* halves in two states: each fits, the merge does not */
	struct volume *a = volume_new(&o), *b = volume_new(&o);
	for (size_t j = 0; j < ng; j++) {
		lim_add(a, &lim_groups[j], 0, 2);
		lim_add(b, &lim_groups[j], 1, 2);
	}
	CHECK_EQ_INT(volume_merge(a, b, &d), 0);
	CHECK_EQ_INT(volume_finish(a, 2, &d), 0);
	lim_check(a, "merged");
	volume_free(a);
	volume_free(b);
	diag_release(&d);
}
