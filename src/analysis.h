/*
 * analysis.h - the one shape every analysis has (DESIGN section 8, STYLE
 * rule 31, issue 13): what it needs, how it is fed on many threads, how
 * two states merge, how it reports, and how its state goes into a partial
 * file and comes back. Threads, --partial and `cdrsift merge` are one
 * mechanism built on this table, so an analysis written to it gets all
 * three; the run driver in cmd/ (run.h) calls nothing else.
 *
 * Life of a state:
 *
 *   create(opts) -+--> feed_new --> add, add, ... --> feed_free (per thread)
 *                 |                                        |
 *                 |         merge(into, from) <------------+  private
 *                 |                                           states merge
 *                 |                                           here; shared
 *                 |                                           ones need
 *                 |                                           nothing
 *                 +--> load(partial) --> merge --> ... --> order
 *                 |
 *                 +--> finish --> report(table)    or    save(partial)
 *                 +--> destroy
 *
 * Inputs. A state may keep figures per input (stats reports each input
 * and the total): such figures are indexed by the input's index in the
 * run facts (runfacts.h), which belong to the driver. 'add' gets the
 * input (pin->index); 'merge' gets the map from the other state's input
 * indices to this one's (the driver merges the run facts first, which
 * appends inputs); 'order' applies the permutation the driver chose to
 * put inputs in canonical order. An analysis with no per-input figures
 * ignores the map and leaves 'order' NULL.
 *
 * Contract, for every implementation:
 *   - 'needs' names the record fields 'add' reads (FIELD_BIT()s), so the
 *     schema parses only those; every mapped column is still validated,
 *     whatever an analysis needs (DESIGN section 3).
 *   - A feed belongs to one thread. 'add' sees records in any order:
 *     blocks reach workers in any order, inputs are read in parallel.
 *     Anything order-dependent (a subscriber's records in time order)
 *     is kept and sorted in 'finish', never assumed from arrival.
 *   - 'merge' is exact, associative and commutative: integer sums
 *     (microseconds, bytes), set unions, min/max; never floating point.
 *     Merging the states of any split of the input, in any grouping,
 *     gives the state of one run over all of it. 'from' is consumed
 *     (destroy it after).
 *   - 'finish' is called once, after the last merge; 'report' after it.
 *     A partial holds the state before 'finish' (so that partials still
 *     merge); 'load' returns such a state. 'finish' may be NULL.
 *   - 'report' builds a typed table (table.h) and writes nothing: the
 *     writers, suppression and pseudonyms act on tables, in cmd/.
 *   - 'save' writes the state's own section (tag 'section') of a partial
 *     (partial.h) in deterministic bytes: the same state gives the same
 *     bytes, whatever the grouping of merges that built it. The run facts
 *     (accounting, inputs, hashes) are the driver's section (FACT), not
 *     the analysis's. 'load' reads the state back from an untrusted file:
 *     every count and length checked, any fault a message in 'd', never
 *     a crash; 'ninputs' is the number of inputs of the file's FACT
 *     section, which per-input figures must match.
 *   - 'note' (may be NULL, and is in most analyses) appends to 'msg' a
 *     line the driver prints on stderr after the report, one run's or a
 *     merge's alike (attribute: the second hop's clock offset); returns
 *     0 when it has nothing to say. Called after 'report'.
 *   - 'options_key' writes into 'b' the analysis's own options that change
 *     what a record means or what is computed (keys, thresholds): the
 *     driver stores it in the FACT section beside the common ones (filter,
 *     zone, country, cell table), and merge refuses partials whose keys
 *     differ, naming the difference. Options of how input was read (--map,
 *     --delimiter, --dialect) are not part of it.
 * All functions return 0 or -1 (with a message in 'd') where they can
 * fail; out of memory exits 4 (xalloc.h).
 */
#ifndef CDRSIFT_ANALYSIS_H
#define CDRSIFT_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "partial.h"
#include "record.h"

struct table;
struct pipe_input;
struct runfacts;
struct tz;

/* What every analysis is created from. */
struct analysis_opts {
	const struct tz *tz;     /* --tz zone (NULL: UTC), borrowed */
	const void *own;         /* the analysis's own options, or NULL */
};

struct analysis_ops {
	const char *name;        /* the command: "stats", "volume", ... */
	uint32_t section;        /* its partial section tag (PARTIAL_TAG) */
	uint64_t (*needs)(const struct analysis_opts *o);
	void (*options_key)(const struct analysis_opts *o, struct buf *b);
	/* a new, empty state ('o' borrowed: must outlive the state) */
	void *(*create)(const struct analysis_opts *o);
	/* a feed for one thread: a private state, or a handle into the
	   shared one */
	void *(*feed_new)(void *state);
	void (*add)(void *feed, const struct pipe_input *pin,
		    const struct record *r);
	/* the feed's records are in 'state' once this returns */
	void (*feed_free)(void *state, void *feed);
	int (*merge)(void *into, void *from, const size_t *map,
		     struct diag *d);
	void (*order)(void *state, const size_t *perm, size_t n);
	int (*finish)(void *state, struct diag *d);
	int (*report)(void *state, struct runfacts *rf, struct table *t,
		      struct diag *d);
	void (*save)(void *state, struct partial_writer *w);
	int (*load)(void *state, const struct partial_file *pf,
		    size_t ninputs, struct diag *d);
	void (*destroy)(void *state);
	int (*note)(void *state, struct buf *msg); /* or NULL */
};

/* Every analysis, in one place (as commands[] lists the commands). */
#define ANALYSES(X) X(stats, stats_analysis) \
	X(volume, volume_analysis) \
	X(geo, geo_analysis) \
	X(places, places_analysis) \
	X(anomalies, anomalies_analysis) \
	X(attribute, attribute_analysis)

#define X(name, ops) extern const struct analysis_ops ops;
ANALYSES(X)
#undef X

/* The analysis of command 'name', or NULL. */
const struct analysis_ops *analysis_by_name(const char *name);

#endif
