/*
 * plan.c - event factories and the planted anomalies of --anomalies.
 * Every anomaly is decided up front (times, cells, parties) from its own
 * random stream, written to the truth file, and then merged into the row
 * stream in time order by cdrgen.c. The definitions and sizes are in the
 * banner of cdrgen.c; the code below is the one place they are made.
 */
#include "plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/banned.h"

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

enum { STREAM_PLAN = 0x700 };

int span_in_gap(const struct span *s, int64_t t)
{
	return t >= s->gap_start && t < s->gap_end;
}

static int32_t clamp_round(double x, int32_t lo, int32_t hi)
{
	double v = floor(x + 0.5);

	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return (int32_t)v;
}

void make_call(struct event *ev, const struct gen_env *g, struct rng *r,
	       int sub, int dir, int type, const struct phone_number *peer,
	       int64_t t)
{
	static const struct phone_number none = { 0, 0, 0, NUM_NONE };
	int u;

	memset(ev, 0, sizeof(*ev));
	if (g->d->voice_only)
		type = EV_VOICE;
	ev->t = t;
	ev->sub = sub;
	ev->dir = (uint8_t)dir;
	ev->type = (uint8_t)type;
	ev->peer = peer ? *peer : none;
	ev->cell = world_cell_at(g->w, sub, t);
	ev->imei = g->w->subs[sub].imei;
	ev->fmt = (uint8_t)rng_next(r);
	if (rng_chance(r, 0.03))
		ev->remark = (uint8_t)rng_range(r, 1, 5);
	switch (type) {
	case EV_VOICE:
		u = (int)rng_below(r, 1000);
		if (u < 850) {
			ev->status = ST_ANSWERED;
			ev->dur = clamp_round(rng_lognormal(r, 60, 1.0), 1, 7200);
			ev->ring = (int32_t)rng_range(r, 3, 20);
		} else if (u < 940) {
			ev->status = ST_NO_ANSWER;
			ev->ring = (int32_t)rng_range(r, 15, 45);
		} else if (u < 980) {
			ev->status = ST_BUSY;
			ev->ring = (int32_t)rng_range(r, 1, 3);
		} else {
			ev->status = ST_FAILED;
			ev->ring = (int32_t)rng_range(r, 0, 2);
		}
		break;
	case EV_SMS:
		ev->status = rng_chance(r, 0.97) ? ST_DELIVERED : ST_FAILED;
		break;
	case EV_DATA:
		ev->status = ST_COMPLETED;
		ev->peer = none;
		ev->dur = clamp_round(rng_lognormal(r, 300, 1.2), 1, 14400);
		break;
	default:
		ev->status = ST_COMPLETED;
		ev->peer.kind = NUM_SERVICE;
		ev->peer.nsn = rng_below(r, 3);
		ev->dur = (int32_t)rng_range(r, 5, 60);
		break;
	}
}

void make_mt_leg(struct event *ev, const struct gen_env *g, struct rng *r,
		 const struct event *mo, int callee)
{
	*ev = *mo;
	ev->sub = callee;
	ev->dir = DIR_MT;
	ev->peer = world_msisdn(g->w, mo->sub);
	ev->cell = world_cell_at(g->w, callee, mo->t);
	ev->imei = g->w->subs[callee].imei;
	ev->fmt = (uint8_t)rng_next(r);
	ev->planned = 0;
}

void make_flow(struct event *ev, const struct gen_env *g, struct rng *r,
	       int sub, int64_t t)
{
	const struct ip_host *h;
	struct nat_block_info b;
	int64_t day = floor_div(t, 86400);

	memset(ev, 0, sizeof(*ev));
	ev->type = EV_FLOW;
	ev->t = t;
	ev->sub = sub;
	ev->cell = world_cell_at(g->w, sub, t);
	ev->imei = g->w->subs[sub].imei;
	ev->host = (uint8_t)ip_host_pick(r);
	h = ip_host_get(ev->host);
	ev->proto = h->proto;
	ev->dst_port = h->port;
	ev->apn = h->apn;
	ev->src_ip = world_private_ip(g->w, sub, day);
	ev->src_port = (uint16_t)rng_range(r, 32768, 60999);
	nat_day_binding(g->nat, g->w->seed, sub, day, &b);
	ev->pub_ip = b.pub_ip;
	ev->pub_port = (uint16_t)rng_range(r, b.port_lo, b.port_hi);
	if (h->port == 53 || h->port == 123) {
		ev->dur = (int32_t)rng_range(r, 0, 1);
		ev->up = (uint64_t)rng_range(r, 60, 120);
		ev->down = (uint64_t)rng_range(r, 80, 512);
	} else {
		double down = rng_lognormal(r, 1024.0 * h->down_kb, 1.2);
		ev->dur = clamp_round(rng_lognormal(r, 20, 1.5), 0, 3600);
		ev->down = (uint64_t)clamp_round(down, 60, 2000000000);
		ev->up = (uint64_t)clamp_round(rng_lognormal(r, 300 + 0.06 * down,
							     0.7), 40, 200000000);
	}
}

/* ---- the plan ---- */

static struct event *plan_add(struct plan *p)
{
	struct event *ev;

	if (p->n == p->alloc) {
		p->alloc = p->alloc ? p->alloc * 2 : 256;
		p->ev = realloc(p->ev, p->alloc * sizeof(*p->ev));
		if (!p->ev) {
			fputs("cdrgen: out of memory\n", stderr);
			exit(1);
		}
	}
	ev = &p->ev[p->n];
	memset(ev, 0, sizeof(*ev));
	ev->seq = (uint32_t)p->n;
	p->n++;
	return ev;
}

static int event_order(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void plan_release(struct plan *p)
{
	free(p->ev);
	memset(p, 0, sizeof(*p));
}

static int64_t day_start(const struct gen_env *g, int day)
{
	return g->span.start + (int64_t)day * 86400;
}

/* A time on 'day' between hours 'h_lo' and 'h_hi', outside the gap. */
static int64_t pick_time(const struct gen_env *g, struct rng *r, int day,
			 int h_lo, int h_hi)
{
	int64_t lo = day_start(g, day) + (int64_t)h_lo * 3600;
	int64_t hi = day_start(g, day) + (int64_t)h_hi * 3600 - 1;
	int64_t t;
	int tries = 0;

	do {
		t = rng_range(r, lo, hi);
	} while (span_in_gap(&g->span, t) && ++tries < 1000);
	if (span_in_gap(&g->span, t))
		t = g->span.gap_end;
	return t;
}

/*
 * A note that holds for every caller below: C leaves the order in which a
 * call's arguments are evaluated unspecified (gcc and clang differ), so no
 * call may take two arguments that both draw from 'r'; draw into locals.
 *
 * Add one planted row for 'sub' at 't': a call in a CDR dialect, a flow in
 * ipdr, an allocation (completed by the writer) in cgnat.
 */
static struct event *plant(struct plan *p, const struct gen_env *g,
			   struct rng *r, int sub, int dir, int type,
			   const struct phone_number *peer, int64_t t)
{
	struct event *ev = plan_add(p);
	uint32_t seq = ev->seq;

	if (g->d->kind == KIND_CDR) {
		make_call(ev, g, r, sub, dir, type, peer, t);
		p->rows += 1;
	} else if (!strcmp(g->d->name, "cgnat")) {
		memset(ev, 0, sizeof(*ev));
		ev->type = EV_ALLOC;
		ev->t = t;
		ev->sub = sub;
		p->rows += 2; /* the allocation and its release */
	} else {
		make_flow(ev, g, r, sub, t);
		p->rows += 1;
	}
	ev->seq = seq;
	ev->planned = 1;
	return ev;
}

static const struct phone_number *ext_peer(const struct gen_env *g,
					   struct rng *r)
{
	return &g->w->ext[world_pick_ext(g->w, r)];
}

static char *msisdn_text(char *buf, const struct world *w, int sub)
{
	char *p = fmt_u64(buf, (uint64_t)w->country->cc);

	p = fmt_pad(p, w->subs[sub].nsn, w->country->nsn_len);
	*p = '\0';
	return buf;
}

/* 's' as a CSV field: quoted, inner quotes doubled, if it needs it. */
static void csv_field(struct out *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		out_str(o, s);
		return;
	}
	out_str(o, "\"");
	for (; *s; s++) {
		if (*s == '"')
			out_str(o, "\"");
		out_mem(o, s, 1);
	}
	out_str(o, "\"");
}

void truth_line(struct out *o, const char *kind, const char *entity,
		int64_t start, int64_t end, const char *detail)
{
	char *p;

	csv_field(o, kind);
	out_str(o, ",");
	csv_field(o, entity);
	p = out_reserve(o, 64);
	*p++ = ',';
	if (start != INT64_MIN)
		p = fmt_iso(p, start, 'T');
	*p++ = ',';
	if (end != INT64_MIN)
		p = fmt_iso(p, end, 'T');
	*p++ = ',';
	out_commit(o, p);
	csv_field(o, detail);
	out_str(o, "\n");
}

/* Two rows at cell A, then two at far cell B minutes later. */
static void plan_travel(struct plan *p, const struct gen_env *g,
			struct rng *r, struct out *truth, int who, int day,
			int hour, int city_a, int city_b, int gap_min)
{
	struct world *w = g->w;
	int sub = w->travel[who], op = w->subs[sub].op;
	int64_t t0 = pick_time(g, r, day, hour, hour + 2);
	int64_t t_b = t0 + 300 + (int64_t)gap_min * 60;
	int cell_a = city_a < 0 ? w->subs[sub].home : world_far_cell(w, city_a, op);
	int cell_b = world_far_cell(w, city_b, op);
	int64_t times[4] = { t0, t0 + 300, t_b, t_b + 300 };
	char ent[32], detail[256];
	const char *name_a = city_a < 0 ? w->country->region :
			     w->country->far ? w->country->far[city_a].name : "far city";
	const char *name_b = w->country->far ? w->country->far[city_b].name :
			     "far city";
	int i;

	for (i = 0; i < 4; i++) {
		struct event *ev = plant(p, g, r, sub, DIR_MO,
					 i % 2 ? EV_SMS : EV_VOICE,
					 ext_peer(g, r), times[i]);
		ev->cell = i < 2 ? cell_a : cell_b;
	}
	if (truth) {
		snprintf(detail, sizeof(detail),
			 "cell %u (%s) to cell %u (%s): %d km in %d min",
			 (unsigned)w->cells[cell_a].ci, name_a,
			 (unsigned)w->cells[cell_b].ci, name_b,
			 world_distance_km(&w->cells[cell_a], &w->cells[cell_b]),
			 (int)((times[2] - times[1]) / 60));
		truth_line(truth, "travel", msisdn_text(ent, w, sub), times[1],
			   times[2], detail);
	}
}

static void plan_simbox(struct plan *p, const struct gen_env *g,
			struct rng *r, struct out *truth, uint64_t rows)
{
	struct world *w = g->w;
	int sub = w->simbox, days = g->span.days < 3 ? g->span.days : 3;
	uint64_t k = rows / 50, i;
	int64_t first = INT64_MAX, last = INT64_MIN;
	int cell = w->subs[sub].home;
	char ent[32], detail[160];

	k = k < 300 ? 300 : k > 3000 ? 3000 : k;
	for (i = 0; i < k; i++) {
		struct phone_number callee = world_fresh_mobile(w, r);
		int64_t t = pick_time(g, r, (int)rng_below(r, (uint64_t)days), 8, 22);
		struct event *ev = plant(p, g, r, sub, DIR_MO, EV_VOICE, &callee, t);
		int u = (int)rng_below(r, 100);
		ev->cell = cell;
		ev->ring = (int32_t)rng_range(r, 2, 10);
		if (u < 85) {
			ev->status = ST_ANSWERED;
			ev->dur = clamp_round(rng_lognormal(r, 25, 0.6), 3, 180);
		} else {
			ev->status = u < 95 ? ST_NO_ANSWER : ST_BUSY;
			ev->dur = 0;
		}
		first = t < first ? t : first;
		last = t > last ? t : last;
	}
	if (truth) {
		snprintf(detail, sizeof(detail),
			 "%u mo voice calls to %u distinct numbers; no mt; "
			 "one cell %u", (unsigned)k, (unsigned)k,
			 (unsigned)w->cells[cell].ci);
		truth_line(truth, "simbox", msisdn_text(ent, w, sub), first,
			   last, detail);
	}
}

static void plan_imei(struct plan *p, const struct gen_env *g, struct rng *r,
		      struct out *truth)
{
	struct world *w = g->w;
	int64_t first = INT64_MAX, last = INT64_MIN;
	char ent[32], detail[160];
	int k;

	for (k = 0; k < WORLD_IMEI_GROUP; k++) {
		int sub = w->imei_group[k], n = (int)rng_range(r, 4, 6), i;
		for (i = 0; i < n; i++) {
			int day = (int)rng_below(r, (uint64_t)g->span.days);
			int64_t t = pick_time(g, r, day, 8, 23);
			int type = rng_chance(r, 0.5) ? EV_VOICE : EV_SMS;
			const struct phone_number *peer = ext_peer(g, r);
			struct event *ev = plant(p, g, r, sub, DIR_MO, type, peer, t);
			ev->imei = w->shared_imei;
			first = t < first ? t : first;
			last = t > last ? t : last;
		}
	}
	if (truth) {
		fmt_pad(ent, w->shared_imei, 15)[0] = '\0';
		snprintf(detail, sizeof(detail), "%d imsis on one handset",
			 WORLD_IMEI_GROUP);
		truth_line(truth, "imei", ent, first, last, detail);
	}
}

static void plan_night(struct plan *p, const struct gen_env *g, struct rng *r,
		       struct out *truth)
{
	struct world *w = g->w;
	int sub = w->night, day, night = 0, all = 0;
	int64_t first = INT64_MAX, last = INT64_MIN;
	char ent[32], detail[160];

	for (day = 0; day < g->span.days; day++) {
		int n_night = (int)rng_range(r, 8, 14), n_day = (int)rng_range(r, 0, 2);
		int i;
		for (i = 0; i < n_night + n_day; i++) {
			int64_t t = i < n_night ? pick_time(g, r, day, 0, 5) :
						  pick_time(g, r, day, 10, 20);
			int dir = rng_chance(r, 0.7) ? DIR_MO : DIR_MT;
			int type = rng_chance(r, 0.6) ? EV_VOICE : EV_SMS;
			plant(p, g, r, sub, dir, type, ext_peer(g, r), t);
			first = t < first ? t : first;
			last = t > last ? t : last;
		}
		night += n_night;
		all += n_night + n_day;
	}
	if (truth) {
		snprintf(detail, sizeof(detail),
			 "%d of %d rows between 00:00 and 05:00", night, all);
		truth_line(truth, "night", msisdn_text(ent, w, sub), first, last,
			   detail);
	}
}

/*
 * A normal subscriber whose expected daily count is near four gets
 * 19 times that again on one day, so the day totals about 20x normal.
 */
static void plan_spike(struct plan *p, const struct gen_env *g, struct rng *r,
		       struct out *truth, uint64_t rows, int gap_day)
{
	struct world *w = g->w;
	const double *cum = w->act_cum;
	double total = cum[w->n_normal - 1], per_day, best_diff = 1e300;
	double lambda = 0, base;
	int k, best = 0, day, sub;
	uint64_t extra, i;
	char ent[32], detail[160];

	base = (double)rows / (double)g->span.days;
	if (!strcmp(g->d->name, "cgnat"))
		base /= 2;
	for (k = 0; k < w->n_normal; k++) {
		double diff;
		per_day = base * (cum[k] - (k ? cum[k - 1] : 0)) / total;
		diff = per_day > 4 ? per_day - 4 : 4 - per_day;
		if (diff < best_diff) {
			best_diff = diff;
			best = k;
			lambda = per_day;
		}
	}
	sub = w->act_sub[best];
	/*
	 * A tiny population has no subscriber near 4 a day; keep the spike
	 * to a twentieth of the file then (the detail states the baseline).
	 */
	extra = (uint64_t)floor(19 * lambda + 0.5);
	if (extra > rows / 20)
		extra = rows / 20;
	if (extra < 20)
		extra = 20;
	day = g->span.days >= 5 ? 4 : g->span.days - 1;
	if (day == gap_day && g->span.days > 1)
		day = day > 0 ? day - 1 : day + 1;
	for (i = 0; i < extra; i++) {
		const struct subscriber *s = &w->subs[sub];
		int32_t c = s->n_contacts ?
			    w->contacts[s->contacts + rng_below(r, s->n_contacts)] : -1;
		struct phone_number peer = c >= 0 ? world_msisdn(w, c) :
					   w->ext[-1 - c];
		int type = rng_chance(r, 0.6) ? EV_VOICE : EV_SMS;
		int64_t t = pick_time(g, r, day, 7, 23);
		plant(p, g, r, sub, DIR_MO, type, &peer, t);
	}
	if (truth) {
		int tenths = (int)floor(lambda * 10 + 0.5);
		snprintf(detail, sizeof(detail),
			 "%u extra rows on one day; baseline about %d.%d a day",
			 (unsigned)extra, tenths / 10, tenths % 10);
		truth_line(truth, "spike", msisdn_text(ent, w, sub),
			   day_start(g, day), day_start(g, day + 1), detail);
	}
}

static void plan_duration(struct plan *p, const struct gen_env *g,
			  struct rng *r, struct out *truth)
{
	struct world *w = g->w;
	int k;

	for (k = 0; k < 3; k++) {
		int sub = world_pick_active(w, r);
		int day = (int)rng_below(r, (uint64_t)g->span.days);
		int64_t t = pick_time(g, r, day, 0, 20);
		struct event *ev = plant(p, g, r, sub, DIR_MO, EV_VOICE,
					 ext_peer(g, r), t);
		char ent[32], detail[64];
		ev->status = ST_ANSWERED;
		ev->ring = 5;
		ev->dur = (int32_t)rng_range(r, 93600, 144000);
		if (truth) {
			snprintf(detail, sizeof(detail), "%d s voice call",
				 (int)ev->dur);
			truth_line(truth, "duration", msisdn_text(ent, w, sub), t,
				   t + ev->dur, detail);
		}
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Confounders: look like anomalies, must raise no flag. Truth lines of
 * kind "confounder" name each with its entity and span.
 */
static void plan_confounders(struct plan *p, const struct gen_env *g,
			     struct rng *r, struct out *truth)
{
	struct world *w = g->w;
	const struct dialect *d = g->d;
	char ent[32], detail[200];
	int64_t first, last;
	int k, i;

	if (d->has_cell && w->country->far) {
		/* Kuala Lumpur to Kota Kinabalu: records 15 min before
		   take-off and 10 after landing, 2 h 30 min in the air */
		int sub = w->flyer, op = w->subs[sub].op;
		int cell_a = w->subs[sub].home, cell_b = world_far_cell(w, 4, op);
		int64_t off = pick_time(g, r, 0, 15, 17);
		int64_t land = off + 150 * 60;
		int64_t times[4] = { off - 40 * 60, off - 15 * 60, land + 10 * 60,
				     land + 60 * 60 };
		for (i = 0; i < 4; i++) {
			struct event *ev = plant(p, g, r, sub, DIR_MO,
						 i % 2 ? EV_SMS : EV_VOICE,
						 ext_peer(g, r), times[i]);
			ev->cell = i < 2 ? cell_a : cell_b;
			if (ev->type == EV_VOICE && ev->dur > 600)
				ev->dur = 600; /* ends before boarding */
		}
		if (truth) {
			snprintf(detail, sizeof(detail),
				 "domestic flight: cell %u (%s) to cell %u (%s): "
				 "%d km in %d min",
				 (unsigned)w->cells[cell_a].ci, w->country->region,
				 (unsigned)w->cells[cell_b].ci,
				 w->country->far[4].name,
				 world_distance_km(&w->cells[cell_a],
						   &w->cells[cell_b]),
				 (int)((times[2] - times[1]) / 60));
			truth_line(truth, "confounder", msisdn_text(ent, w, sub),
				   times[1], times[2], detail);
		}
	}
	if (d->has_imei) {
		/* dual SIM: two SIMs in one handset */
		first = INT64_MAX;
		last = INT64_MIN;
		for (k = 0; k < 2; k++)
			for (i = 0; i < 4; i++) {
				int day = (int)rng_below(r, (uint64_t)g->span.days);
				int64_t t = pick_time(g, r, day, 8, 22);
				struct event *ev = plant(p, g, r, w->dual[k], DIR_MO,
							 EV_VOICE, ext_peer(g, r), t);
				ev->imei = w->dual_imei;
				first = t < first ? t : first;
				last = t > last ? t : last;
			}
		if (truth) {
			fmt_pad(ent, w->dual_imei, 15)[0] = '\0';
			truth_line(truth, "confounder", ent, first, last,
				   "dual SIM: 2 imsis on one handset");
		}
		/* IMEISV software update: same 14 digits, version 01 then 02 */
		int64_t t6[6];
		for (i = 0; i < 6; i++) {
			int day = (int)rng_below(r, (uint64_t)g->span.days);
			t6[i] = pick_time(g, r, day, 8, 22);
		}
		qsort(t6, 6, sizeof(t6[0]), cmp_i64);
		for (i = 0; i < 6; i++) {
			struct event *ev = plant(p, g, r, w->svup, DIR_MO, EV_SMS,
						 ext_peer(g, r), t6[i]);
			ev->imeisv = (uint8_t)(i < 3 ? 2 : 3);
		}
		if (truth) {
			char sv[32];
			fmt_pad(sv, w->subs[w->svup].imei / 10, 14)[0] = '\0';
			snprintf(detail, sizeof(detail),
				 "imeisv update: %s01 to %s02, one handset", sv, sv);
			truth_line(truth, "confounder", msisdn_text(ent, w, w->svup),
				   t6[0], t6[5], detail);
		}
	}
	if (d->kind == KIND_CDR) {
		/* a call centre: many short outgoing calls to distinct
		   numbers from one cell, but called back and texting */
		int sub = w->callcentre, cell = w->subs[sub].home;
		int days = g->span.days < 3 ? g->span.days : 3;
		first = INT64_MAX;
		last = INT64_MIN;
		for (i = 0; i < 190; i++) {
			struct phone_number peer = world_fresh_mobile(w, r);
			int64_t t = pick_time(g, r, (int)rng_below(r, (uint64_t)days),
					      9, 18);
			int dir = i < 150 || i >= 180 ? DIR_MO : DIR_MT;
			int type = i < 180 ? EV_VOICE : EV_SMS;
			struct event *ev = plant(p, g, r, sub, dir, type, &peer, t);
			ev->cell = cell;
			first = t < first ? t : first;
			last = t > last ? t : last;
		}
		if (truth)
			truth_line(truth, "confounder", msisdn_text(ent, w, sub),
				   first, last,
				   "call centre: 150 mo calls, 30 mt, 10 sms");
	}
}

int plan_build(struct plan *p, const struct gen_env *g, uint64_t seed,
	       uint64_t rows, struct out *truth, uint64_t *need)
{
	const struct dialect *d = g->d;
	struct rng r;
	int gap_day = g->span.days >= 3 ? 2 : g->span.days - 1;

	memset(p, 0, sizeof(*p));
	rng_init(&r, seed, STREAM_PLAN);
	if (truth)
		truth_line(truth, "gap", "all", g->span.gap_start, g->span.gap_end,
			   "5 whole hours without rows");
	if (d->has_cell) {
		int days = g->span.days;
		plan_travel(p, g, &r, truth, 0, days > 1 ? 1 : 0, 14, -1, 4, 7);
		plan_travel(p, g, &r, truth, 1, days > 3 ? 3 : days - 1, 16, 0, 1,
			    20);
	}
	if (d->kind == KIND_CDR)
		plan_simbox(p, g, &r, truth, rows);
	if (d->has_imei)
		plan_imei(p, g, &r, truth);
	plan_night(p, g, &r, truth);
	plan_spike(p, g, &r, truth, rows, gap_day);
	if (d->kind == KIND_CDR)
		plan_duration(p, g, &r, truth);
	plan_confounders(p, g, &r, truth);
	qsort(p->ev, p->n, sizeof(*p->ev), event_order);
	if (rows < 2 * p->rows) {
		*need = 2 * p->rows;
		return -1;
	}
	return 0;
}
