/*
 * stats.h - the overview analysis behind `cdrsift stats` (DESIGN section 5):
 * records, time span, exact distinct subscribers, cells and IMEIs, records
 * by type and direction, coverage gaps and rows out of time order.
 *
 * Same shape as every analysis: init, add a record, merge another state,
 * report, release. Merging is exact (sets are unioned), so states built
 * per file or per thread combine into the same totals.
 *
 * Memory. A distinct set keeps its digit strings (1 to 18 digits without
 * a leading zero: phone numbers, IMSIs, IMEIs, most cell ids) and its
 * LAC-CI cell keys of two such numbers as numbers in a distinct.h set: a table while the store's budget allows, then
 * sorted runs in memory and beyond that in a temporary file, so memory
 * does not grow with the subscribers. Other text (names, SIP addresses,
 * LAC-CI cells) is interned in memory. Counts are exact either way.
 */
#ifndef CDRSIFT_STATS_H
#define CDRSIFT_STATS_H

#include <stdint.h>

#include "analysis.h"
#include "distinct.h"
#include "intern.h"
#include "table.h"
#include "record.h"

struct tz;

#define STATS_LAG 8
#define STATS_KEY_MAX 32

struct stats {
	uint64_t records;          /* records added */
	uint64_t timed;            /* records with a start time */
	int64_t tmin, tmax;        /* first and last start, ms (when timed) */
	int64_t last_start;        /* start of the previous record, ms */
	uint64_t out_of_order;     /* records starting before the previous one */
	uint64_t by_type[5];       /* indexed by enum rec_type (0: missing) */
	uint64_t by_dir[4];        /* indexed by enum rec_dir (0: missing) */
	struct stats_set {
		struct dhash num;  /* digit strings as their numbers */
		struct intern text; /* every other value */
	} set[3];                  /* distinct subscribers, cells, IMEIs */
	unsigned sets;             /* bit k: set[k] is built (--columns) */
	struct dstore *store;      /* of the sets' runs (borrowed) */
	uint64_t count[3];         /* the sets' distinct counts, once reported */
	struct intern hours;       /* local hours (int64 keys) with records */
	int64_t last_hour;         /* cache: hour key of the previous record */
	const struct tz *tz;       /* zone of the hours */
	/*
	 * Keys wait STATS_LAG records between their prefetch and their
	 * lookup, so that the cache misses of the three sets overlap with
	 * the work of the records in between. stats_flush() empties it.
	 */
	struct stats_lag {
		uint8_t len[3];    /* key lengths + 1; 0: no key; */
		uint8_t isnum[3];  /* 1: the key is num[k] */
		uint64_t num[3];
		char key[3][STATS_KEY_MAX];
	} lag[STATS_LAG];
	unsigned lag_pos;
};

/* The fields stats_add reads (for schema_map_row's 'need'). */
uint64_t stats_needs(void);
/* 'store' (borrowed) holds the runs of the distinct sets. */
void stats_init(struct stats *st, const struct tz *tz, struct dstore *store);
void stats_add(struct stats *st, const struct record *r);
/* Look up the keys still waiting in the lag ring. */
void stats_flush(struct stats *st);
/* Add 'from' into 'into' (flushing both), and release 'from';
   out-of-order counts add up (per file). 0, or -1 when a spilled run of
   'from' could not be read back (errno set). */
int stats_merge(struct stats *into, struct stats *from);
/* The exact distinct count of set 'k' (0 subscribers, 1 cells, 2 IMEIs)
   of the union of 'n' states of one store: 0, or -1 on a read error. */
int stats_distinct(struct stats *const *sts, size_t n, int k, uint64_t *count);

/* One coverage gap: hours [start, end) (ms, UTC) with no record. */
struct gap {
	int64_t start, end;
};
/*
 * The gaps inside [tmin, tmax]: runs of clock hours (in the zone) with no
 * record. Returns the number of gaps; '*out' is owned by the caller (free).
 * '*hours' gets the total number of empty hours.
 */
size_t stats_gaps(const struct stats *st, struct gap **out, uint64_t *hours);
void stats_release(struct stats *st);

/*
 * The analysis (analysis.h, stats_analysis): one struct stats per input,
 * indexed as the run facts index inputs, and after 'report' their total.
 * Its partial section "STAT" holds, per input, the integer figures and
 * the exact distinct sets as sorted keys (stats.c describes the bytes).
 */
struct stats_run {
	const struct tz *tz;       /* borrowed */
	struct dstore *store;      /* the distinct sets' runs */
	int own_store;             /* 1: this state made it (a feed borrows) */
	struct stats *in;          /* by input index */
	size_t n, alloc;
	struct stats total;        /* set by report */
	int has_total;
	unsigned sets;             /* the sets its inputs build (stats_own) */
};

#define STATS_TAG PARTIAL_TAG('S', 'T', 'A', 'T')

/* Default bytes of distinct-set tables and runs in memory: a third of it
   for runs; CDRSIFT_STATS_BUDGET (K, M, G suffixes) sets it. */
#define STATS_BUDGET_DEFAULT ((size_t)48 << 20)

/* The report's columns, in order (their names: stats_columns). */
enum stats_col {
	SC_INPUT, SC_BYTES, SC_BYTES_OUT, SC_SHA, SC_KIND, SC_DELIM,
	SC_DAMAGED, SC_READ, SC_ACCEPTED, SC_REJECTED, SC_FILTERED,
	SC_MATCHED, SC_REPEATED, SC_FIRST, SC_LAST, SC_SUBS, SC_CELLS,
	SC_IMEIS, SC_VOICE, SC_SMS, SC_DATA, SC_OTHER, SC_MO, SC_MT,
	SC_UNKNOWN_DIR, SC_GAPS, SC_GAP_HOURS, SC_GAP_LIST, SC_OOO,
	SC_REASONS, SC_CELL_FILLED, SC_CELL_DISAGREE, SC_CELL_UNKNOWN,
	SC_PROBLEM, SC_MAPPING, SC_CELL_AMBIGUOUS, SC_CELLS_CGI,
	SC_CELLS_COLUMNS, SC_CELLS_ID, SC_NCOLS
};
extern const struct table_col stats_columns[SC_NCOLS];

/*
 * stats' own options (analysis_opts.own; NULL: every set): the distinct
 * sets to build, bit k for set k (0 subscribers, 1 cells, 2 IMEIs).
 * `stats --columns` builds only those it shows (and subscribers for
 * --suppress-below); the run facts' "--columns" option names the columns
 * the report shows (stats_columns_parse), in a run and in a merge alike.
 */
struct stats_own {
	unsigned sets;
};

#define STATS_SETS_ALL 7u

/*
 * Parse a --columns list ("accepted,subscribers,..." of stats_columns'
 * names but input, each once) into 'cols' (column indices, input first,
 * then the list), returning how many; 0 with a message in 'msg' when
 * the list is not one.
 */
size_t stats_columns_parse(const char *list, size_t *cols, struct buf *msg);
/* The distinct sets the columns 'cols[0..n)' show (stats_own.sets). */
unsigned stats_columns_sets(const size_t *cols, size_t n);

/* Input 'i' of a state (i == n: the total, once reported). */
const struct stats *stats_run_input(const struct stats_run *sr, size_t i);

#endif
