/*
 * places.h - the `places` analysis behind `cdrsift geo --per subscriber`
 * (issue 14, DESIGN section 5): each subscriber's own positions clustered
 * with the project's DBSCAN (dbscan.h), each position weighted by the
 * distinct days the subscriber was seen there, and each place labelled
 * home, work or other from the days, nights and working days of presence.
 * The definitions are in the man page (PLACES) and at the top of places.c.
 */
#ifndef CDRSIFT_PLACES_H
#define CDRSIFT_PLACES_H

#include <stdint.h>

#include "partial.h"

#define PLACES_TAG PARTIAL_TAG('G', 'P', 'L', 'C')

/* A daily time window [start, end) in minutes of the local day; end <
   start spans midnight (the window then belongs to the date it starts). */
struct places_window {
	int start, end;        /* 0..1439, 1..1440; start != end */
};

struct places_opts {
	double eps_m;              /* --place-eps, metres (default 200) */
	uint64_t min_days;         /* --place-min-days (default 3) */
	struct places_window night; /* --night (default 19:00-07:00) */
	struct places_window work;  /* --work (default 09:00-17:00), Mon-Fri */
};

#define PLACES_OPTS_INIT { 200, 3, { 19 * 60, 7 * 60 }, { 9 * 60, 17 * 60 } }

/*
 * Parse a window "HH:MM-HH:MM" (00:00..23:59, the end also 24:00; the
 * two ends different). 0, or -1 when 's' is not one.
 */
int places_parse_window(const char *s, struct places_window *w);

#endif
