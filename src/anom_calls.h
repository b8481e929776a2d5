/*
 * anom_calls.h - the call-pattern detectors of `cdrsift anomalies`
 * (issue 15): simbox (a SIM that only places many short calls to
 * distinct numbers from few cells) and duplicate (the same record more
 * than once within one input or one operator). Called from anomaly.c's
 * analysis operations; definitions and defaults in man/cdrsift.1.
 *
 * State: the sets of parties, cells and operators; the records are the
 * anomalies state's common ones (anom_rec.h); partial section ANCL.
 */
#ifndef CDRSIFT_ANOM_CALLS_H
#define CDRSIFT_ANOM_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "anomaly.h"

struct anom_calls;
struct buf;
struct partial_writer;
struct partial_file;
struct diag;
struct record;
struct pipe_input;
struct runfacts;
struct table;

#define ANCL_TAG PARTIAL_TAG('A', 'N', 'C', 'L')

struct arec;
struct intern;

struct anom_calls *anom_calls_new(void);
void anom_calls_free(struct anom_calls *c);
/* Whether a record is kept: only when a detector of these runs. */
static inline int anom_calls_wanted(const struct anom_opts *o)
{
	return (o->only & ((1u << AK_SIMBOX) | (1u << AK_DUPLICATE))) != 0;
}
/* Start loading the set slots anom_calls_fill will look up. */
void anom_calls_prefetch(const struct anom_calls *c, const struct record *r);
/* The call fields of 'x' from 'r' (x's type and duration set before):
   with AF_CALL for a CDR record, else peer, cell and operator none. */
void anom_calls_fill(struct anom_calls *c, const struct record *r,
		     struct arec *x);
/* Id maps of the three sets (parties, cells, operators). */
struct anom_calls_map {
	uint32_t *p, *c, *o;
};
void anom_calls_map_free(struct anom_calls_map *m);
/* The sets of 'from' into 'into'; 'm' gets the id of each of from's ids
   in 'into' (for anom_calls_remap of from's records). */
void anom_calls_merge(struct anom_calls *into, struct anom_calls *from,
		      struct anom_calls_map *m);
void anom_calls_swap(struct anom_calls *a, struct anom_calls *b);
void anom_calls_remap(const struct anom_calls_map *m, struct arec *x);
/* The sets in byte order; 'm' gets each old id's rank. */
void anom_calls_rank(struct anom_calls *c, struct anom_calls_map *m);
void anom_calls_counts(const struct anom_calls *c, uint64_t *np,
		       uint64_t *nc, uint64_t *no);
/* The canonical order of the call records: subscriber, start, the
   duplicate key, operator, cell, input, line. */
int anom_calls_cmp(const struct arec *a, const struct arec *b);
/* The flags of kind 'k' (AK_SIMBOX or AK_DUPLICATE) over the records
   R[0..n) in canonical order; subscriber strings from 'subs'. */
void anom_calls_report(struct anom_calls *c, const struct intern *subs,
		       const struct arec *R, size_t n,
		       const struct anom_opts *o, int k, struct runfacts *rf,
		       struct table *t, struct buf *sc, struct buf *de,
		       struct buf *ev);
void anom_calls_options_key(const struct anom_opts *o, struct buf *b);
void anom_calls_save(struct anom_calls *c, const struct anom_opts *o,
		     struct partial_writer *w);
/* 0, or -1 with a message in 'd'. */
int anom_calls_load(struct anom_calls *c, struct anom_opts *o,
		    const struct partial_file *pf, struct diag *d);

#endif
