/*
 * anom_calls.h - the call-pattern detectors of `cdrsift anomalies`
 * (issue 15): simbox (a SIM that only places many short calls to
 * distinct numbers from few cells) and duplicate (the same record more
 * than once within one input or one operator). Called from anomaly.c's
 * analysis operations; definitions and defaults in man/cdrsift.1.
 *
 * State: one 48-byte record per CDR record with a subscriber and a start
 * (parties, cell and operator interned once), sorted at finish; partial
 * section ANCL.
 */
#ifndef CDRSIFT_ANOM_CALLS_H
#define CDRSIFT_ANOM_CALLS_H

#include <stddef.h>

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

struct anom_calls *anom_calls_new(void);
void anom_calls_free(struct anom_calls *c);
/* Whether a record is kept: only when a detector of these runs. */
static inline int anom_calls_wanted(const struct anom_opts *o)
{
	return (o->only & ((1u << AK_SIMBOX) | (1u << AK_DUPLICATE))) != 0;
}
void anom_calls_add(struct anom_calls *c, const struct pipe_input *pin,
		    const struct record *r);
/* Move the records of 'from' into 'into'; 'map' (may be NULL) maps its
   input indexes. 'from' is left empty. */
void anom_calls_merge(struct anom_calls *into, struct anom_calls *from,
		      const size_t *map);
/* Renumber inputs: input i becomes inv[i] (for i < n). */
void anom_calls_order(struct anom_calls *c, const size_t *inv, size_t n);
/* Sets ranked in byte order, records sorted: the canonical state. */
void anom_calls_canonical(struct anom_calls *c);
/* The flags of kind 'k' (AK_SIMBOX or AK_DUPLICATE), canonical first. */
void anom_calls_report(struct anom_calls *c, const struct anom_opts *o,
		       int k, struct runfacts *rf, struct table *t,
		       struct buf *sc, struct buf *de, struct buf *ev);
void anom_calls_options_key(const struct anom_opts *o, struct buf *b);
void anom_calls_save(struct anom_calls *c, const struct anom_opts *o,
		     struct partial_writer *w);
/* 0, or -1 with a message in 'd'. */
int anom_calls_load(struct anom_calls *c, struct anom_opts *o,
		    const struct partial_file *pf, size_t ninputs,
		    struct diag *d);

#endif
