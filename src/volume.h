/*
 * volume.h - call volumes by any key (DESIGN section 5, `cdrsift volume`).
 * Records are grouped by the values of one or more key fields; per group it
 * keeps records, total/mean/max duration, bytes up and down, exact distinct
 * peers, subscribers and cells, first and last seen. With 'pairs' the key is the
 * unordered pair {caller, callee}, with counts and durations kept for each
 * direction: the edges of the call graph.
 *
 * One state is shared by all threads: each thread adds records through its
 * own feed (volume_feed_*), and the feeds' batches go into the state under
 * fine-grained locks. Memory is the groups plus a bounded budget for the
 * distinct (group, peer), (group, cell) and (group, subscriber) pairs; beyond the budget sorted
 * runs of pairs go to a temporary file. Distinct counts are exact.
 * Merging (volume_merge) is exact and order-independent, so states built
 * from any split of the input combine into the same report.
 */
#ifndef CDRSIFT_VOLUME_H
#define CDRSIFT_VOLUME_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "partial.h"
#include "record.h"

struct buf;
struct tz;
struct table_col;

/* Keys beyond the canonical fields: calendar buckets of 'start'. */
enum { VK_WEEK = F_COUNT, VK_MONTH, VK_COUNT };
#define VOLUME_MAX_KEYS 8

/* The key named 'name' (a canonical or derived field, "week", "month"), or -1. */
int volume_key_by_name(const char *name, size_t len);
const char *volume_key_name(int key);
/* 1 for hour, dow, date, week and month: listed in time order, gaps shown. */
int volume_key_is_time(int key);
/* 1 for the party keys: caller, callee, subscriber, peer. */
int volume_key_is_party(int key);

/* Default bytes of distinct-pair data held in memory (volume_opts.budget). */
#define VOLUME_BUDGET_DEFAULT ((size_t)4 << 20)

struct volume_opts {
	int keys[VOLUME_MAX_KEYS]; /* key ids (F_* or VK_*) */
	size_t nkeys;              /* 0: one total row */
	int split;                 /* key whose values become columns, or -1 */
	int pairs;                 /* group by unordered {caller, callee} */
	const struct tz *tz;       /* zone of the calendar keys */
	size_t budget;             /* bytes of pair data kept in memory before
				      spilling (0: VOLUME_BUDGET_DEFAULT) */
	const char *tmpdir;        /* directory of the spill file (borrowed;
				      NULL: /tmp) */
	int subscribers;           /* count distinct subscribers per group */
	unsigned skip;             /* VSKIP_*: aggregates not computed (no
				      report column or --sort needs them) */
};

/* volume_opts.skip: the aggregates a group does not keep (0: all kept). */
enum {
	VSKIP_DUR = 1,     /* durations (total, max, the directions') */
	VSKIP_START = 2,   /* first and last seen */
	VSKIP_BYTES = 4,   /* bytes up and down */
	VSKIP_PEERS = 8,   /* distinct peers */
	VSKIP_CELLS = 16,  /* distinct cells */
};

/*
 * The field whose distinct values are a group's distinct peers (the man
 * page's definition): with a party key among 'o->keys' (the first one)
 * the record's other party relative to the key's value (--by caller:
 * callee; callee: caller; subscriber: peer; peer: subscriber), else the
 * record's peer field (an IP log without one: its dst_ip).
 */
int volume_peer_field(const struct volume_opts *o);

/* One reported row, filled by volume_row(). */
struct volume_group {
	uint64_t id;           /* handle for volume_key_text/volume_split_count */
	uint64_t records;      /* records in the group */
	uint64_t dur_n;        /* records with a duration (not SMS) */
	int64_t dur_total;     /* us */
	int64_t dur_max;       /* us */
	uint64_t bytes_up, bytes_down; /* sums over the records that have them */
	uint64_t up_n, down_n; /* records with bytes up, down (0: missing) */
	uint64_t peers;        /* exact distinct peers */
	uint64_t cells;        /* exact distinct cells */
	uint64_t subscribers;  /* exact distinct subscribers (opts.subscribers) */
	int64_t first, last;   /* first and last start, ms (when timed) */
	uint64_t timed;        /* records with a start */
	uint64_t dir_n[2];     /* pairs: a->b and b->a records */
	int64_t dir_dur[2];    /* pairs: a->b and b->a durations, us */
	int64_t tkey;          /* numeric value of a lone time key */
};

struct volume;
struct volume_feed;

/* Owned; free with volume_free(). 'o' is copied ('o->tz', 'o->tmpdir' are
 * borrowed and must outlive the state). */
struct volume *volume_new(const struct volume_opts *o);
/* The fields volume_feed_add reads. */
uint64_t volume_needs(const struct volume_opts *o);

/*
 * A feed adds records to 'v' from one thread. Any number of feeds of one
 * state may run at once, each in its own thread; a feed itself is not
 * shared. Records are batched: they are in the state once the feed is
 * freed (volume_feed_free flushes it). Owned; free before volume_finish.
 */
struct volume_feed *volume_feed_new(struct volume *v);
void volume_feed_add(struct volume_feed *f, const struct record *r);
void volume_feed_free(struct volume_feed *f);
/* Single-threaded shortcut: add through the state's own feed. */
void volume_add(struct volume *v, const struct record *r);

/*
 * Add every group of 'from' into 'into' (same options; no live feeds on
 * either; neither finished). 'from' is emptied of its pairs and can only
 * be freed afterwards. Returns 0, or -1 with a message in 'd' when a
 * spilled run of 'from' could not be read back.
 */
int volume_merge(struct volume *into, struct volume *from, struct diag *d);

/*
 * Count the distinct pairs (merging the sorted runs, using up to 'threads'
 * threads) once every feed is freed. Call once, before volume_report.
 * Returns 0, or -1 with a message in 'd' when the spill file could not be
 * read back (the counts would be wrong).
 */
int volume_finish(struct volume *v, unsigned threads, struct diag *d);
void volume_free(struct volume *v);

enum volume_sort { VS_DEFAULT, VS_COUNT, VS_DURATION, VS_BYTES, VS_DISTINCT, VS_KEY };

/*
 * Order the groups to report ('sort'; ties broken by key, so output is
 * deterministic), those under 'min_count' records left out (their number
 * in '*hidden'), at most 'top' (0: all). With a lone time key and
 * VS_DEFAULT or VS_KEY, every bucket between the first and last is
 * listed, empty ones as groups with zero records. Returns the number of
 * rows; volume_row() fills row 'i' (0 <= i < that number).
 */
size_t volume_report(struct volume *v, enum volume_sort sort, size_t top,
		     uint64_t min_count, uint64_t *hidden);
void volume_row(const struct volume *v, size_t i, struct volume_group *g);
/*
 * Text of a group's key component 'i' ("" when missing). Borrowed, valid
 * until the next call on 'v'.
 */
const char *volume_key_text(struct volume *v, const struct volume_group *g,
			    size_t i, size_t *len);
/* Number of groups held, and bytes used, for memory reports. */
size_t volume_ngroups(const struct volume *v);
size_t volume_memory(const struct volume *v);
/* Bytes of pair runs written to the spill file so far. */
uint64_t volume_spilled(const struct volume *v);
/* Why the spill file could not be used (pairs were kept in memory), or NULL. */
const char *volume_spill_problem(const struct volume *v);

/* Split mode (after volume_finish): the distinct split values, sorted
 * ('*ids' owned by the caller: free); their text; the records of group
 * 'g' for split value 'split_id'. */
size_t volume_split_values(const struct volume *v, uint32_t **ids);
const char *volume_split_text(const struct volume *v, uint32_t id);
uint64_t volume_split_count(const struct volume *v,
			    const struct volume_group *g, uint32_t split_id);

/*
 * The state as partial-file bytes (the body of volume's section; layout in
 * volume.c), and back. volume_save is for a state not finished; it reads
 * the spilled runs. volume_load adds the groups and pairs of 'r' into 'v'
 * (same options, not finished): any fault sets r->failed; returns 1 when
 * the partial says its run could not read its own temporary file, else 0.
 */
void volume_save(struct volume *v, struct partial_writer *w);
int volume_load(struct volume *v, struct partial_reader *r);

/*
 * The analysis (analysis.h, src/volume_run.c): its own options, and its
 * state as the run driver and `cdrsift merge` hold it.
 */
#define VOLUME_TAG PARTIAL_TAG('V', 'O', 'L', 'U')

/*
 * The aggregate columns --columns names (man page, "volume columns"), in
 * the default order. VC_SPLIT stands for the records_VALUE columns of
 * --split, VC_A_TO_B... for the --pairs ones.
 */
enum volume_col {
	VC_RECORDS, VC_SPLIT, VC_A_TO_B, VC_A_TO_B_DURATION, VC_B_TO_A,
	VC_B_TO_A_DURATION, VC_DURATION_TOTAL, VC_DURATION_MEAN,
	VC_DURATION_MAX, VC_BYTES_UP, VC_BYTES_DOWN, VC_DISTINCT_PEERS,
	VC_DISTINCT_SUBSCRIBERS, VC_DISTINCT_CELLS, VC_FIRST_SEEN,
	VC_LAST_SEEN, VC_COUNT
};
/* NULL-ended names, indexed by enum volume_col. */
extern const char *const volume_col_names[VC_COUNT + 1];
/* The column named 'name' ('len' bytes), or -1. */
int volume_col_by_name(const char *name, size_t len);

struct volume_own {
	struct volume_opts o;      /* tz is taken from analysis_opts */
	enum volume_sort sort;
	size_t top;
	uint64_t min_count;
	unsigned threads;          /* for volume_finish (0: the CPUs) */
	unsigned char columns[VC_COUNT]; /* --columns, in order (VC_*) */
	size_t ncolumns;           /* 0: the default columns */
};

/*
 * Why the --columns of 'c' do not fit its other options (a column of
 * --pairs or --split without it, distinct_subscribers of a party key), as
 * a message into 'why'; 0 when they fit (or there are none), else -1.
 */
int volume_columns_check(const struct volume_own *c, struct buf *why);
/* The --columns of 'c' as a comma-separated list, into 'b'. */
void volume_columns_text(const struct volume_own *c, struct buf *b);
/*
 * The options of the state that computes what 'c' reports, into 'o': with
 * --columns, only the aggregates listed and the one --sort orders by
 * (VSKIP_*; no --split counts, no distinct subscribers unless listed).
 */
void volume_state_opts(const struct volume_own *c, struct volume_opts *o);

struct volume_run {
	struct volume_own c;
	const struct tz *tz;
	struct volume *v;          /* NULL until options are known (merge) */
	unsigned kinds;            /* KB_CDR / KB_IP of the records seen */
	uint64_t records;
	/* the report, after op_report */
	struct table_col *cols;
	char **split_names;
	size_t nsplit;
	size_t nkeycols;           /* key columns, first in the table */
	size_t records_col;        /* the records column, or SIZE_MAX */
	int lone_time;             /* one calendar key: the table gets a bar */
	uint64_t hidden;           /* groups hidden by --min-count */
};

/* CDRSIFT_VOLUME_BUDGET's value 's' in bytes (K, M, G suffixes), or 0
   when 's' is NULL, empty or not such a number ('*bad' set then). */
size_t volume_budget_parse(const char *s, int *bad);

#endif
