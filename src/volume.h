/*
 * volume.h - call volumes by any key (DESIGN section 5, `cdrsift volume`).
 * Records are grouped by the text of one or more key fields; per group it
 * keeps records, total/mean/max duration, bytes up and down, exact distinct
 * peers and cells, first and last seen. With 'pairs' the key is the
 * unordered pair {caller, callee}, with counts and durations kept for each
 * direction: the edges of the call graph.
 *
 * Same shape as every analysis: new, add, merge, report, free. Merging is
 * exact and order-independent, so per-thread states combine into the same
 * report.
 */
#ifndef CDRSIFT_VOLUME_H
#define CDRSIFT_VOLUME_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct tz;

/* Keys beyond the canonical fields: calendar buckets of 'start'. */
enum { VK_WEEK = F_COUNT, VK_MONTH, VK_COUNT };
#define VOLUME_MAX_KEYS 8

/* The key named 'name' (a canonical or derived field, "week", "month"), or -1. */
int volume_key_by_name(const char *name, size_t len);
const char *volume_key_name(int key);
/* 1 for hour, dow, date, week and month: listed in time order, gaps shown. */
int volume_key_is_time(int key);

struct volume_opts {
	int keys[VOLUME_MAX_KEYS]; /* key ids (F_* or VK_*) */
	size_t nkeys;              /* 0: one total row */
	int split;                 /* key whose values become columns, or -1 */
	int pairs;                 /* group by unordered {caller, callee} */
	const struct tz *tz;       /* zone of the calendar keys */
};

struct volume_group {
	uint32_t key;          /* id of the group's key text in the key pool */
	uint32_t split;        /* id of the split value (split mode), else 0 */
	uint64_t records;      /* records in the group */
	uint64_t dur_n;        /* records with a duration (not SMS) */
	int64_t dur_total;     /* ms */
	int64_t dur_max;       /* ms */
	uint64_t bytes_up, bytes_down;
	uint32_t peers;        /* exact distinct peers */
	uint32_t cells;        /* exact distinct cells */
	int64_t first, last;   /* first and last start, ms (when timed) */
	uint64_t timed;        /* records with a start */
	uint64_t dir_n[2];     /* pairs: a->b and b->a records */
	int64_t dir_dur[2];    /* pairs: a->b and b->a durations, ms */
	int64_t tkey;          /* numeric value of a lone time key */
};

struct volume;

struct volume *volume_new(const struct volume_opts *o);
/* The fields volume_add reads. */
uint64_t volume_needs(const struct volume_opts *o);
void volume_add(struct volume *v, const struct record *r);
/* Add every group of 'from' into 'into'. Both must use the same options. */
void volume_merge(struct volume *into, const struct volume *from);
void volume_free(struct volume *v);

enum volume_sort { VS_DEFAULT, VS_COUNT, VS_DURATION, VS_BYTES, VS_DISTINCT, VS_KEY };

/*
 * The groups to report, sorted ('sort'; ties broken by key, so output is
 * deterministic), those under 'min_count' records left out (their number in
 * '*hidden'), at most 'top' (0: all). With a lone time key and VS_DEFAULT or
 * VS_KEY, every bucket between the first and last is listed, empty ones as
 * groups with zero records. Returns the number of groups; '*out' is owned by
 * the caller (free), its entries are valid until the next call on 'v'.
 * In split mode the groups are the (key, split) cells: see volume_split_*.
 */
size_t volume_report(struct volume *v, enum volume_sort sort, size_t top,
		     uint64_t min_count, const struct volume_group ***out,
		     uint64_t *hidden);
/* Text of a group's key component 'i' (borrowed; "" when missing). */
const char *volume_key_text(const struct volume *v,
			    const struct volume_group *g, size_t i,
			    size_t *len);
/* Number of groups held, and bytes used, for memory reports. */
size_t volume_ngroups(const struct volume *v);
size_t volume_memory(const struct volume *v);

/* Split mode: the distinct split values, sorted; their text. */
size_t volume_split_values(const struct volume *v, uint32_t **ids);
const char *volume_split_text(const struct volume *v, uint32_t id);
/* Records of key group 'g' for split value 'split_id'. */
uint64_t volume_split_count(const struct volume *v,
			    const struct volume_group *g, uint32_t split_id);

#endif
