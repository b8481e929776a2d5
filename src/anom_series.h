/*
 * anom_series.h - the series detectors of `cdrsift anomalies`: spike (an
 * entity's day far above its own robust baseline, and the dataset's
 * holiday days) and gap (hours without records where that hour of day
 * normally has many, per delivery and over all inputs). Their state is a
 * part of the anomalies state (anomaly.c), saved in its own partial
 * section ASER.
 */
#ifndef CDRSIFT_ANOM_SERIES_H
#define CDRSIFT_ANOM_SERIES_H

#include <stdint.h>

#include "anomaly.h"
#include "buf.h"
#include "diag.h"
#include "partial.h"
#include "pipeline.h"
#include "record.h"
#include "runfacts.h"
#include "table.h"

#define ASER_TAG PARTIAL_TAG('A', 'S', 'E', 'R')

struct series;

/* The defaults of the spike and gap options. */
void series_opts_init(struct anom_opts *o);
void series_options_key(const struct anom_opts *o, struct buf *b);
/* The fields the series detectors read. */
uint64_t series_needs(void);

struct series *series_new(const struct anom_opts *o);
void series_free(struct series *s);
/* 1 when 'r' counts for spike by subscriber: the caller keeps it, with
   its local day from '*day' (anom_rec.h AF_SPIKE); 0 otherwise. */
int series_add(struct series *s, const struct pipe_input *pin,
	       const struct record *r, int32_t *day);
/* Move what 'from' holds into 'into'; 'map' (or NULL) maps its inputs. */
void series_merge(struct series *into, struct series *from,
		  const size_t *map);
/* Renumber inputs: input i becomes inv[i] (for i < n). */
void series_order(struct series *s, const size_t *inv, size_t n);
/* Entities in byte order, everything sorted: the canonical state. */
void series_canonical(struct series *s);
/* The flags of kind AK_SPIKE or AK_GAP (canonical state). */
/* The common records of the anomalies state, canonical (spike by
   subscriber reads those with AF_SPIKE). */
struct arec;
struct series_src {
	const struct arec *r;
	size_t n;
	const struct intern *subs;
};
void series_report(struct series *s, int kind, struct runfacts *rf,
		   struct table *t, const struct series_src *src);
void series_save(struct series *s, struct partial_writer *w);
/* The section ASER of 'pf' into a new 's': its options from 'o' (the
   other detectors' as loaded), the spike and gap ones into both. */
int series_load(struct series *s, struct anom_opts *o,
		const struct partial_file *pf, size_t ninputs,
		struct diag *d);

#endif
