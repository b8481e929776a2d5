/*
 * world.c - population, cells and the position model of cdrgen.
 * Everything here is drawn from the seed's own streams (not the row
 * stream), so the same --seed, --subscribers, --cells and --country give
 * the same people and cells whatever else is asked for.
 */
#include "world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genout.h"
#include "../../src/banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

enum {
	STREAM_CELLS = 0x100,
	STREAM_SUBS = 0x200,
	STREAM_EXT = 0x300,
	STREAM_CONTACTS = 0x400,
	STREAM_DEDICATED = 0x500
};

static const struct far_city my_far[WORLD_FAR] = {
	{ "George Town", 5414100, 100328800 },
	{ "Johor Bahru", 1492700, 103741400 },
	{ "Kota Bharu", 6125400, 102238100 },
	{ "Kuching", 1553500, 110359300 },
	{ "Kota Kinabalu", 5980400, 116073500 },
	{ "Alor Setar", 6124800, 100367800 },
};

static const struct country countries[] = {
	{ 60, "MY", "Kuala Lumpur", 502, { 12, 13, 16, 19 },
	  { "12", "13", "16", "19" }, { 35, 25, 25, 15 }, 9, "3",
	  3150000, 101650000, 480, my_far },
	{ 65, "SG", "Singapore", 525, { 1, 3, 5, 10 },
	  { "9", "8", "8", "9" }, { 45, 25, 25, 5 }, 8, "6",
	  1350000, 103820000, 480, NULL },
	{ 62, "ID", "Jakarta", 510, { 1, 10, 11, 89 },
	  { "85", "81", "87", "89" }, { 25, 45, 20, 10 }, 10, "21",
	  -6200000, 106820000, 420, NULL },
	{ 66, "TH", "Bangkok", 520, { 1, 3, 4, 5 },
	  { "81", "86", "89", "91" }, { 15, 45, 35, 5 }, 9, "2",
	  13750000, 100500000, 420, NULL },
	{ 63, "PH", "Manila", 515, { 2, 3, 5, 66 },
	  { "917", "918", "922", "995" }, { 40, 40, 10, 10 }, 10, "2",
	  14600000, 121000000, 480, NULL },
	{ 44, "GB", "London", 234, { 10, 15, 20, 30 },
	  { "77", "74", "78", "79" }, { 30, 20, 15, 35 }, 10, "20",
	  51510000, -130000, 0, NULL },
};

/* Synthetic far cities for countries without a list: about 280-470 km out. */
static const int32_t far_offset[WORLD_FAR][2] = {
	{ 2500000, 0 }, { -2500000, 0 }, { 0, 3000000 },
	{ 0, -3000000 }, { 2000000, 2500000 }, { -2000000, -2500000 },
};

/* Callees abroad: calling code, NSN length, leading digits. */
static const struct {
	int cc, len;
	const char *prefix;
} abroad[] = {
	{ 65, 8, "9" }, { 62, 10, "81" }, { 66, 9, "8" }, { 63, 10, "9" },
	{ 44, 10, "7" }, { 1, 10, "212" }, { 86, 11, "13" }, { 91, 10, "9" },
	{ 971, 9, "5" }, { 60, 9, "11" },
};

/*
 * Type Allocation Codes in the style of real allocations (35 BABT, 86 TAF,
 * 01 PTCRB, 49 the GSMA example); not a device database. The first two are
 * the well-known example IMEIs' TACs (356938035643809, 490154203237518).
 */
static const uint32_t tacs[] = {
	35693803, 49015420, 35332510, 35391805, 35824005, 35925406,
	35325807, 1332700, 86388003, 86513603, 86776303, 35290611,
};

const struct country *country_find(int cc)
{
	size_t i;

	for (i = 0; i < sizeof(countries) / sizeof(countries[0]); i++)
		if (countries[i].cc == cc)
			return &countries[i];
	return NULL;
}

const char *country_codes(void)
{
	return "60 (MY, default), 65 (SG), 62 (ID), 66 (TH), 63 (PH), 44 (GB)";
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("cdrgen: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* ---- a set of 64-bit keys (open addressing, linear probing) ---- */

static void set_init(struct u64set *s, size_t want)
{
	size_t cap = 64;

	while (cap < want * 2)
		cap *= 2;
	s->keys = xcalloc(cap, sizeof(*s->keys));
	s->mask = cap - 1;
	s->n = 0;
}

static void set_release(struct u64set *s)
{
	free(s->keys);
	s->keys = NULL;
	s->n = 0;
}

/* Add 'key' (non-zero); returns 0 if it was already there. */
static int set_add(struct u64set *s, uint64_t key)
{
	size_t i;

	if ((s->n + 1) * 2 > s->mask + 1) {
		struct u64set big;
		size_t j;
		set_init(&big, s->mask + 1);
		for (j = 0; j <= s->mask; j++)
			if (s->keys[j])
				set_add(&big, s->keys[j]);
		free(s->keys);
		*s = big;
	}
	i = (size_t)mix64(key) & s->mask;
	while (s->keys[i]) {
		if (s->keys[i] == key)
			return 0;
		i = (i + 1) & s->mask;
	}
	s->keys[i] = key;
	s->n++;
	return 1;
}

static uint64_t number_key(const struct phone_number *n)
{
	return (uint64_t)n->cc * 1000000000000u + n->nsn;
}

static uint64_t pow10u(int n)
{
	uint64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

/* 'prefix' digits followed by random digits up to 'len' digits in all. */
static uint64_t random_nsn(struct rng *r, const char *prefix, int len)
{
	int plen = (int)strlen(prefix);
	uint64_t v = strtoull(prefix, NULL, 10);

	return v * pow10u(len - plen) + rng_below(r, pow10u(len - plen));
}

uint64_t imei_with_check(uint64_t body)
{
	int sum = 0, i;
	uint64_t b = body;

	/* Luhn: from the right of the body, double every other digit first */
	for (i = 0; i < 14; i++) {
		int d = (int)(b % 10);
		b /= 10;
		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return body * 10 + (uint64_t)((10 - sum % 10) % 10);
}

/* Cumulative Zipf-Mandelbrot weights (k + 10)^-1.1 for ranks 1..n. */
static double *zipf_table(int n)
{
	double *cum = xcalloc((size_t)n, sizeof(*cum));
	double total = 0;
	int k;

	for (k = 0; k < n; k++) {
		total += det_pow((double)(k + 11), -1.1);
		cum[k] = total;
	}
	return cum;
}

/*
 * Vose's alias method over the differences of 'cum'. Built with plain
 * double arithmetic in a fixed order, so every machine builds the same
 * table; a draw is one bounded integer and one comparison.
 */
static void alias_init(struct alias_table *a, const double *cum, int n)
{
	double *p = xcalloc((size_t)n, sizeof(*p));
	int32_t *small = xcalloc((size_t)n, sizeof(*small));
	int32_t *large = xcalloc((size_t)n, sizeof(*large));
	int ns = 0, nl = 0, i;

	a->n = n;
	a->keep = xcalloc((size_t)n, sizeof(*a->keep));
	a->other = xcalloc((size_t)n, sizeof(*a->other));
	for (i = 0; i < n; i++) {
		p[i] = (cum[i] - (i ? cum[i - 1] : 0)) * n / cum[n - 1];
		if (p[i] < 1)
			small[ns++] = i;
		else
			large[nl++] = i;
	}
	while (ns && nl) {
		int l = small[--ns], g = large[--nl];
		a->keep[l] = (uint64_t)(p[l] * 0x1.0p53);
		a->other[l] = g;
		p[g] = (p[g] + p[l]) - 1;
		if (p[g] < 1)
			small[ns++] = g;
		else
			large[nl++] = g;
	}
	while (nl) {
		i = large[--nl];
		a->keep[i] = UINT64_C(1) << 53;
		a->other[i] = i;
	}
	while (ns) {
		i = small[--ns];
		a->keep[i] = UINT64_C(1) << 53;
		a->other[i] = i;
	}
	free(p);
	free(small);
	free(large);
}

static void alias_release(struct alias_table *a)
{
	free(a->keep);
	free(a->other);
	memset(a, 0, sizeof(*a));
}

static int alias_pick(const struct alias_table *a, struct rng *r)
{
	int i = (int)rng_below(r, (uint64_t)a->n);

	return (rng_next(r) >> 11) < a->keep[i] ? i : a->other[i];
}

int world_pick_active(const struct world *w, struct rng *r)
{
	return w->act_sub[alias_pick(&w->act, r)];
}

int world_pick_ext(const struct world *w, struct rng *r)
{
	return alias_pick(&w->ext_pick, r);
}

/* ---- cells ---- */

static int32_t region_offset(struct rng *r)
{
	/* triangular on [-WORLD_REGION, WORLD_REGION]: denser in the centre */
	int64_t a = rng_range(r, -WORLD_REGION / 2, WORLD_REGION / 2);

	return (int32_t)(a + rng_range(r, -WORLD_REGION / 2, WORLD_REGION / 2));
}

static void cell_identity(struct cell *c, struct rng *r, int site, int sector)
{
	if (c->radio == RADIO_GSM) {
		c->ci = (uint32_t)(site * 4 + sector + 1);
		c->unit = -1;
		c->range = (uint16_t)rng_range(r, 1000, 5000);
	} else if (c->radio == RADIO_UMTS) {
		c->ci = (uint32_t)((100 + site / 4096) * 65536 +
				   (site % 4096) * 4 + sector + 1);
		c->unit = (int16_t)rng_below(r, 512);
		c->range = (uint16_t)rng_range(r, 500, 3000);
	} else {
		c->ci = (uint32_t)((400000 + site) * 256 + sector + 1);
		c->unit = (int16_t)rng_below(r, 504);
		c->range = (uint16_t)rng_range(r, 300, 2000);
	}
	c->samples = (uint16_t)rng_range(r, 1, 800);
}

static void make_cells(struct world *w, int n_cells)
{
	const struct country *co = w->country;
	struct rng r;
	int n_sites = (n_cells + 2) / 3, site, i = 0, k, pos;

	rng_init(&r, w->seed, STREAM_CELLS);
	w->n_regional = n_cells;
	w->n_cells = n_cells + WORLD_FAR * WORLD_OPS;
	w->cells = xcalloc((size_t)w->n_cells, sizeof(*w->cells));
	for (site = 0; site < n_sites; site++) {
		int32_t lat = co->lat + region_offset(&r);
		int32_t lon = co->lon + region_offset(&r);
		int op = site % WORLD_OPS, sector;
		int radio = (int)rng_below(&r, 100);
		int gx = (int)((int64_t)(lon - co->lon + WORLD_REGION) * 4 /
			       (2 * WORLD_REGION + 1));
		int gy = (int)((int64_t)(lat - co->lat + WORLD_REGION) * 4 /
			       (2 * WORLD_REGION + 1));
		radio = radio < 60 ? RADIO_LTE : radio < 85 ? RADIO_UMTS :
			RADIO_GSM;
		if (radio == RADIO_GSM && site >= 16000)
			radio = RADIO_LTE;
		for (sector = 0; sector < 3 && i < n_cells; sector++, i++) {
			struct cell *c = &w->cells[i];
			c->lat = lat;
			c->lon = lon;
			c->op = (uint8_t)op;
			c->radio = (uint8_t)radio;
			c->far = -1;
			c->lac = (uint16_t)((op + 1) * 1000 + radio * 100 +
					    gy * 10 + gx + 1);
			cell_identity(c, &r, site, sector);
		}
	}
	/* far cities: one LTE cell per operator, each its own site */
	for (k = 0; k < WORLD_FAR; k++) {
		int32_t lat, lon;
		int op;
		if (co->far) {
			lat = co->far[k].lat;
			lon = co->far[k].lon;
		} else {
			lat = co->lat + far_offset[k][0];
			lon = co->lon + far_offset[k][1];
		}
		for (op = 0; op < WORLD_OPS; op++, i++) {
			struct cell *c = &w->cells[i];
			c->lat = lat + (int32_t)rng_range(&r, -8000, 8000);
			c->lon = lon + (int32_t)rng_range(&r, -8000, 8000);
			c->op = (uint8_t)op;
			c->radio = RADIO_LTE;
			c->far = (int8_t)k;
			c->lac = (uint16_t)((op + 1) * 1000 + 900 + k);
			cell_identity(c, &r, n_sites + k * WORLD_OPS + op, 0);
		}
	}
	/* regional cells grouped by operator, for home/work/random picks */
	w->op_cells = xcalloc((size_t)n_cells, sizeof(*w->op_cells));
	pos = 0;
	for (k = 0; k < WORLD_OPS; k++) {
		w->op_first[k] = pos;
		for (i = 0; i < n_cells; i++)
			if (w->cells[i].op == k)
				w->op_cells[pos++] = i;
	}
	w->op_first[WORLD_OPS] = pos;
}

int world_far_cell(const struct world *w, int city, int op)
{
	return w->n_regional + city * WORLD_OPS + op;
}

/* A random regional cell of operator 'op' (any cell if it has none). */
static int op_cell(const struct world *w, int op, uint64_t h)
{
	int n = w->op_first[op + 1] - w->op_first[op];

	if (n == 0)
		return (int)(h % (uint64_t)w->n_regional);
	return w->op_cells[w->op_first[op] + (int)(h % (uint64_t)n)];
}

static int64_t centre_dist2(const struct world *w, int cell)
{
	int64_t dy = w->cells[cell].lat - w->country->lat;
	int64_t dx = w->cells[cell].lon - w->country->lon;

	return dx * dx + dy * dy;
}

/* ---- subscribers ---- */

static int pick_op(const struct country *co, struct rng *r)
{
	int u = (int)rng_below(r, 100), k;

	for (k = 0; k < WORLD_OPS - 1; k++) {
		if (u < co->share[k])
			return k;
		u -= co->share[k];
	}
	return WORLD_OPS - 1;
}

static void make_subscriber(struct world *w, struct rng *r, int i, int role,
			    struct u64set *imsis, struct u64set *imeis)
{
	const struct country *co = w->country;
	struct subscriber *s = &w->subs[i];
	struct phone_number n;
	int c;

	s->role = (uint8_t)role;
	s->op = (uint8_t)pick_op(co, r);
	n.cc = (uint16_t)co->cc;
	n.len = (uint8_t)co->nsn_len;
	n.kind = NUM_MOBILE;
	do {
		n.nsn = random_nsn(r, co->mob_prefix[s->op], co->nsn_len);
	} while (!set_add(&w->numbers, number_key(&n)));
	s->nsn = n.nsn;
	do {
		s->imsi = (uint64_t)co->mcc * 1000000000000u +
			  (uint64_t)co->mnc[s->op] * 10000000000u +
			  rng_below(r, 10000000000u);
	} while (!set_add(imsis, s->imsi));
	do {
		uint64_t tac = tacs[rng_below(r, sizeof(tacs) / sizeof(tacs[0]))];
		s->imei = imei_with_check(tac * 1000000 + rng_below(r, 1000000));
	} while (!set_add(imeis, s->imei));
	s->home = op_cell(w, s->op, rng_next(r));
	if (rng_chance(r, 0.15)) {
		s->work = s->home;
	} else {
		/* workplaces lean towards the centre: best of three draws */
		s->work = op_cell(w, s->op, rng_next(r));
		for (c = 0; c < 2; c++) {
			int alt = op_cell(w, s->op, rng_next(r));
			if (centre_dist2(w, alt) < centre_dist2(w, s->work))
				s->work = alt;
		}
	}
}

static void make_externals(struct world *w)
{
	const struct country *co = w->country;
	struct rng r;
	int i;

	rng_init(&r, w->seed, STREAM_EXT);
	w->n_ext = w->n_normal * 3 < 64 ? 64 : w->n_normal * 3;
	w->ext = xcalloc((size_t)w->n_ext, sizeof(*w->ext));
	for (i = 0; i < w->n_ext; i++) {
		struct phone_number *n = &w->ext[i];
		int u = (int)rng_below(&r, 100);
		do {
			if (u < 55) {
				n->cc = (uint16_t)co->cc;
				n->len = (uint8_t)co->nsn_len;
				n->kind = NUM_MOBILE;
				n->nsn = random_nsn(&r,
					co->mob_prefix[rng_below(&r, WORLD_OPS)],
					co->nsn_len);
			} else if (u < 85) {
				n->cc = (uint16_t)co->cc;
				n->len = (uint8_t)co->nsn_len;
				n->kind = NUM_FIXED;
				n->nsn = random_nsn(&r, co->fixed_prefix,
						    co->nsn_len);
			} else {
				size_t a;
				do {
					a = rng_below(&r, sizeof(abroad) /
							  sizeof(abroad[0]));
				} while (abroad[a].cc == co->cc);
				n->cc = (uint16_t)abroad[a].cc;
				n->len = (uint8_t)abroad[a].len;
				n->kind = NUM_MOBILE;
				n->nsn = random_nsn(&r, abroad[a].prefix,
						    abroad[a].len);
			}
		} while (!set_add(&w->numbers, number_key(n)));
	}
	{
		double *cum = zipf_table(w->n_ext);
		alias_init(&w->ext_pick, cum, w->n_ext);
		free(cum);
	}
}

static void make_contacts(struct world *w)
{
	struct rng r;
	size_t total = 0, pos = 0;
	int i;

	rng_init(&r, w->seed, STREAM_CONTACTS);
	for (i = 0; i < w->n_normal; i++) {
		double u = rng_unit(&r);
		w->subs[i].n_contacts = (uint16_t)(3 + (int)(u * u * 23));
		total += w->subs[i].n_contacts;
	}
	w->contacts = xcalloc(total, sizeof(*w->contacts));
	for (i = 0; i < w->n_normal; i++) {
		int k;
		w->subs[i].contacts = (uint32_t)pos;
		for (k = 0; k < w->subs[i].n_contacts; k++) {
			int32_t c;
			if (w->n_normal > 1 && rng_chance(&r, 0.6)) {
				do {
					c = world_pick_active(w, &r);
				} while (c == i);
			} else {
				c = -1 - world_pick_ext(w, &r);
			}
			w->contacts[pos++] = c;
		}
	}
}

void world_init(struct world *w, const struct country *c, uint64_t seed,
		int n_subs, int n_cells)
{
	struct u64set imsis, imeis;
	struct rng r;
	int i, k, n_dedicated = 4 + WORLD_IMEI_GROUP +
					      WORLD_CONFOUND;

	memset(w, 0, sizeof(*w));
	w->country = c;
	w->seed = seed;
	make_cells(w, n_cells);

	w->n_normal = n_subs;
	w->n_subs = n_subs + n_dedicated;
	w->subs = xcalloc((size_t)w->n_subs, sizeof(*w->subs));
	set_init(&w->numbers, (size_t)w->n_subs * 4 + 4096);
	set_init(&imsis, (size_t)w->n_subs);
	set_init(&imeis, (size_t)w->n_subs + 1);
	rng_init(&r, seed, STREAM_SUBS);
	for (i = 0; i < n_subs; i++)
		make_subscriber(w, &r, i, ROLE_NORMAL, &imsis, &imeis);

	/* activity ranks: a random permutation, so index says nothing */
	w->act_cum = zipf_table(n_subs);
	alias_init(&w->act, w->act_cum, n_subs);
	w->act_sub = xcalloc((size_t)n_subs, sizeof(*w->act_sub));
	for (i = 0; i < n_subs; i++)
		w->act_sub[i] = i;
	for (i = n_subs - 1; i > 0; i--) {
		int j = (int)rng_below(&r, (uint64_t)i + 1), t = w->act_sub[i];
		w->act_sub[i] = w->act_sub[j];
		w->act_sub[j] = t;
	}

	/* dedicated subscribers for planted anomalies, always created */
	rng_init(&r, seed, STREAM_DEDICATED);
	i = n_subs;
	w->simbox = i;
	make_subscriber(w, &r, i++, ROLE_SIMBOX, &imsis, &imeis);
	w->night = i;
	make_subscriber(w, &r, i++, ROLE_NIGHT, &imsis, &imeis);
	for (k = 0; k < 2; k++) {
		w->travel[k] = i;
		make_subscriber(w, &r, i++, ROLE_TRAVEL, &imsis, &imeis);
	}
	for (k = 0; k < WORLD_IMEI_GROUP; k++) {
		w->imei_group[k] = i;
		make_subscriber(w, &r, i++, ROLE_IMEI_GROUP, &imsis, &imeis);
	}
	do {
		uint64_t tac = tacs[rng_below(&r, sizeof(tacs) / sizeof(tacs[0]))];
		w->shared_imei = imei_with_check(tac * 1000000 +
						 rng_below(&r, 1000000));
	} while (!set_add(&imeis, w->shared_imei));
	/* confounders, after every draw above so that those stay the same */
	w->flyer = i;
	make_subscriber(w, &r, i++, ROLE_TRAVEL, &imsis, &imeis);
	for (k = 0; k < 2; k++) {
		w->dual[k] = i;
		make_subscriber(w, &r, i++, ROLE_IMEI_GROUP, &imsis, &imeis);
	}
	do {
		uint64_t tac = tacs[rng_below(&r, sizeof(tacs) / sizeof(tacs[0]))];
		w->dual_imei = imei_with_check(tac * 1000000 +
					       rng_below(&r, 1000000));
	} while (!set_add(&imeis, w->dual_imei));
	w->svup = i;
	make_subscriber(w, &r, i++, ROLE_NORMAL, &imsis, &imeis);
	w->callcentre = i;
	make_subscriber(w, &r, i++, ROLE_SIMBOX, &imsis, &imeis);
	set_release(&imsis);
	set_release(&imeis);

	make_externals(w);
	make_contacts(w);
}

void world_release(struct world *w)
{
	free(w->cells);
	free(w->op_cells);
	free(w->subs);
	free(w->contacts);
	free(w->ext);
	free(w->act_cum);
	free(w->act_sub);
	alias_release(&w->act);
	alias_release(&w->ext_pick);
	set_release(&w->numbers);
	memset(w, 0, sizeof(*w));
}

struct phone_number world_msisdn(const struct world *w, int sub)
{
	struct phone_number n;

	n.cc = (uint16_t)w->country->cc;
	n.len = (uint8_t)w->country->nsn_len;
	n.kind = NUM_MOBILE;
	n.nsn = w->subs[sub].nsn;
	return n;
}

struct phone_number world_fresh_mobile(struct world *w, struct rng *r)
{
	const struct country *co = w->country;
	struct phone_number n;

	n.cc = (uint16_t)co->cc;
	n.len = (uint8_t)co->nsn_len;
	n.kind = NUM_MOBILE;
	do {
		n.nsn = random_nsn(r, co->mob_prefix[rng_below(r, WORLD_OPS)],
				   co->nsn_len);
	} while (!set_add(&w->numbers, number_key(&n)));
	return n;
}

/*
 * Position model. Whereabouts are a pure function of (subscriber, hour):
 * a hash picks home, work or a random cell of the subscriber's operator
 * with weights that depend on the hour and the day of the week, so that a
 * person stays put for the hour and every row of that hour agrees.
 */
int world_cell_at(const struct world *w, int sub, int64_t t)
{
	const struct subscriber *s = &w->subs[sub];
	int64_t slot = floor_div(t, 3600);
	int64_t day = floor_div(slot, 24);
	int hour = (int)(slot - day * 24);
	int dow = weekday_from_days(day);
	uint64_t h = mix64(w->seed ^ 0x6a09e667f3bcc908u ^
			   ((uint64_t)sub << 24) ^ (uint64_t)slot * 0x9e3779b97f4a7c15u);
	int u = (int)(h % 1000);
	int home, work;

	h = mix64(h);
	if (dow <= 5 && hour >= 9 && hour < 17) {
		work = 850;
		home = 50;
	} else if (hour < 7 || hour >= 20) {
		work = 0;
		home = 920;
	} else if (dow >= 6) {
		work = 0;
		home = 550;
	} else {
		work = 350;
		home = 400;
	}
	if (u < work)
		return s->work;
	if (u < work + home)
		return s->home;
	return op_cell(w, s->op, h);
}

uint32_t world_private_ip(const struct world *w, int sub, int64_t day)
{
	/* odd multiplier: a bijection of 22-bit indices, fresh per day */
	uint64_t off = mix64(w->seed ^ 0xbb67ae8584caa73bu ^ (uint64_t)day);
	uint32_t idx = (uint32_t)(((uint64_t)sub * 2654435761u + off) &
				  0x3fffff);

	if (w->subs[sub].op % 2 == 0)
		return (10u << 24) | idx;            /* 10.0.0.0/10 */
	return ((100u << 24) | (64u << 16)) + idx; /* 100.64.0.0/10 */
}

int world_distance_km(const struct cell *a, const struct cell *b)
{
	const double rad = 3.14159265358979323846 / 180e6;
	double mid = (double)(a->lat + b->lat) * 0.5 * rad;
	double x = (double)(b->lon - a->lon) * rad * det_cos(mid);
	double y = (double)(b->lat - a->lat) * rad;

	return (int)floor(6371.0088 * sqrt(x * x + y * y) + 0.5);
}
