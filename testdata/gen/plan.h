/*
 * plan.h - event factories shared by the background traffic and the
 * planted anomalies, and the anomaly plan itself: a time-sorted list of
 * events decided before the first row is written, with their ground truth.
 *
 * Ownership: a struct plan owns its events; release it with plan_release().
 */
#ifndef CDRGEN_PLAN_H
#define CDRGEN_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "dialect.h"
#include "event.h"
#include "genout.h"
#include "genrand.h"
#include "ipnat.h"
#include "world.h"

struct span {
	int64_t start, end;        /* civil seconds, [start, end) */
	int days;
	int64_t gap_start, gap_end; /* planted coverage gap; equal: none */
	int64_t holiday_start, holiday_end; /* --holiday: traffic x3 */
};

struct gen_env {
	struct world *w;
	const struct dialect *d;
	const struct nat *nat;     /* day bindings for flow records */
	struct span span;
};

int span_in_gap(const struct span *s, int64_t t);

/*
 * Fill 'ev' as a CDR leg of subscriber 'sub' at 't': status, duration,
 * ring time, cell, handset and format bits drawn from 'r'. A voice-only
 * dialect turns every service into voice.
 */
void make_call(struct event *ev, const struct gen_env *g, struct rng *r,
	       int sub, int dir, int type, const struct phone_number *peer,
	       int64_t t);
/* Fill 'ev' as an IP flow of 'sub' starting at 't'. */
void make_flow(struct event *ev, const struct gen_env *g, struct rng *r,
	       int sub, int64_t t);
/* Fill 'ev' as the MT leg, for subscriber 'callee', of the MO leg 'mo'. */
void make_mt_leg(struct event *ev, const struct gen_env *g, struct rng *r,
		 const struct event *mo, int callee);

struct plan {
	struct event *ev;          /* sorted by (t, seq) once built */
	size_t n, alloc;
	size_t next;               /* first event not yet written */
	uint64_t rows;             /* rows the events will write */
};

/*
 * Plan the anomalies that apply to g->d for a file of 'rows' rows and
 * write their ground-truth lines to 'truth' (NULL: none). Returns 0, or -1
 * when 'rows' is too small to hold them, with the minimum in '*need'.
 */
int plan_build(struct plan *p, const struct gen_env *g, uint64_t seed,
	       uint64_t rows, struct out *truth, uint64_t *need);
void plan_release(struct plan *p);

/* One line of the truth file; 'start'/'end' INT64_MIN leave it empty. */
void truth_line(struct out *o, const char *kind, const char *entity,
		int64_t start, int64_t end, const char *detail);

#endif
