/*
 * anomaly.h - the analysis behind `cdrsift anomalies` (DESIGN section 5,
 * issue 15): flags, each a row kind, entity, from, to, score, detail,
 * evidence. Detectors so far: travel (impossible speed between two
 * consecutive positioned records of one subscriber) and duration
 * (negative, extreme, or disagreeing with end - start), night (most of a
 * subscriber's records in the night window); spike and gap, the series
 * detectors, in anom_series.c.
 *
 * Order: records arrive in any order (blocks, threads, files); the state
 * keeps one 72-byte record per record with a subscriber and a start
 * (anom_rec.h, the subscriber interned once), and 'finish' sorts them by
 * subscriber, start and content, then input and line (imei: indexes by
 * handset and by SIM), so flags do not depend on arrival order or -j.
 */
#ifndef CDRSIFT_ANOMALY_H
#define CDRSIFT_ANOMALY_H

#include <stdint.h>

#include "analysis.h"

#define ANOM_TAG PARTIAL_TAG('A', 'N', 'O', 'M')

enum anom_kind { AK_TRAVEL, AK_DURATION, AK_NIGHT, AK_IMEI_INVALID,
		 AK_IMEI, AK_SIMBOX, AK_DUPLICATE, AK_SPIKE, AK_GAP, AK_COUNT };

/* The thresholds (every one an option; the defaults of anom_opts_init). */
struct anom_opts {
	unsigned only;            /* bit (1 << AK_x) per detector run */
	uint64_t speed_kmh;       /* --travel-speed: flag above this [1000] */
	uint64_t min_km;          /* --travel-distance: and above this [50] */
	uint64_t max_duration_s;  /* --max-duration: extreme above [21600] */
	uint64_t slack_s;         /* --duration-slack: end-start disagrees
				     with duration by more [5] */
	uint64_t night_min;       /* --night-min: records at least [30] */
	uint64_t night_pct;       /* --night-share: percent at night [60] */
	uint64_t night_from;      /* --night-from: hour, inclusive [0] */
	uint64_t night_to;        /* --night-to: hour, exclusive [5] */
	uint64_t imei_sims;       /* --imei-sims: SIMs in one handset [3] */
	uint64_t imei_handsets;   /* --imei-handsets: handsets of one SIM [4] */
	uint64_t imei_days;       /* --imei-window: within days [30] */
	/* simbox (anom_calls.c) */
	uint64_t simbox_calls;    /* --simbox-calls: outgoing voice [100] */
	uint64_t simbox_ratio;    /* --simbox-ratio: outgoing:incoming [10] */
	uint64_t simbox_distinct; /* --simbox-distinct: % distinct callees [70] */
	uint64_t simbox_median;   /* --simbox-median: median duration, s [60] */
	uint64_t simbox_cells;    /* --simbox-cells: distinct cells at most [3] */
	uint64_t dup_id;          /* --duplicate-id: records whose ids differ
				     are no copies [0: off] */
	/* spike and gap (anom_series.h) */
	uint64_t spike_by;        /* --spike-by: 0 subscriber, 1 cell */
	uint64_t spike_min;       /* --spike-min: day count at least [50] */
	uint64_t spike_z;         /* --spike-z: robust z above [6], in
				     hundredths (600) */
	uint64_t spike_holiday;   /* --spike-holiday: dataset day total at
				     least this times its median [2.5], in
				     hundredths (250); 0 off */
	uint64_t spike_days;      /* --spike-days: fewest days a baseline
				     spans [7] */
	uint64_t gap_min;         /* --gap-min: hour-of-day median [5] */
};

void anom_opts_init(struct anom_opts *o);
/* Parse "travel,duration" into o->only. 0, or -1 (unknown kind). */
int anom_parse_only(struct anom_opts *o, const char *s);
const char *anom_kind_name(int k);

extern const struct analysis_ops anomalies_analysis;

/* For the detector files (anom_calls.c, anom_series.c): a record
   behind a flag, and the flag row and evidence list every detector
   writes. */
struct evref {
	uint32_t input;
	uint64_t line;
};
struct buf;
struct table;
struct runfacts;
/* Add a flag row (score, detail and evidence taken from the buffers,
   which are reset); its row number. */
size_t anom_flag(struct table *t, int kind, const char *entity, size_t len,
		 int64_t from, int64_t to, struct buf *score,
		 struct buf *detail, struct buf *ev);
/* Evidence of many records into 'b': input and line order, runs of
   consecutive lines as FIRST-LAST. Sorts 'e'. */
void anom_ev_list(struct buf *b, struct runfacts *rf, struct evref *e,
		  size_t n);

#endif
