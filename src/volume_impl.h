/*
 * volume_impl.h - the types and small helpers volume.c and
 * volume_report.c share; nothing outside src/volume*.c includes it.
 */
#ifndef CDRSIFT_VOLUME_IMPL_H
#define CDRSIFT_VOLUME_IMPL_H

#include "volume.h"

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "distinct.h"
#include "intern.h"
#include "varint.h"

#define SHARD_BITS 6
#define NSHARD (1u << SHARD_BITS)      /* group shards */
#define STRIPE_BITS 6
#define NSTRIPE (1u << STRIPE_BITS)    /* item stripes */
#define STAGE_BYTES 4096               /* a feed's batch for one shard */
#define ID_BITS 26                     /* index slot: 6-bit tag, id + 1 */
#define ID_MASK ((1u << ID_BITS) - 1)
#define SHARD_MAX (ID_MASK - 1)        /* groups a shard can hold */
#define CHUNK_BITS 10                  /* groups are kept in chunks */
#define CHUNK (1u << CHUNK_BITS)
#define PACK_IDS (1u << 24)              /* packed numeric items: ids below, */
#define PACK_KEY_END ((uint64_t)1 << 40) /* value + 1 below */
#define NO_ID UINT32_MAX
#define WIDE UINT32_MAX                /* ngroup.records of a wide group */
#define NOT_NUM UINT64_MAX
#define KEY_ARENA ((uint64_t)1 << 63)  /* group key: offset in the arena */
#define FILL ((uint64_t)1 << 32)       /* row handle of an empty bucket */
#define KIND_BITS 2                    /* pair: item id << KIND_BITS | kind */
#define NKIND 3                        /* item kinds: peer, cell, subscriber */

/* component tags (inline keys keep them in bits 61-62) */
enum { KT_NUM = 0, KT_TIME = 1, KT_EMPTY = 2, KT_TEXT = 3 };

/* digest flags */
enum {
	D_DUR = 1,     /* a duration that counts (not an SMS) */
	D_START = 2,
	D_DIR1 = 4,    /* pairs: from party b to party a */
	D_UP = 8,
	D_DOWN = 16,
	D_PEER = 32,
	D_CELL = 64,
	D_SPLIT = 128,
	D_SUB = 256,   /* a subscriber to count distinct */
};

/*
 * A group in its common, narrow form: 40 bytes. The records without a
 * start and those without a counted duration (SMS) are counted as such,
 * in 16 bits, since they are few in most groups; one more than fits, like
 * any other field that outgrows its width, moves the group to the wide
 * form.
 */
struct ngroup {
	uint64_t key;        /* inline key, or KEY_ARENA | arena offset */
	uint64_t dur_total;  /* us, at most INT64_MAX */
	uint32_t records;    /* WIDE: the group is wide[dur_max] */
	uint32_t dur_max;    /* us */
	uint16_t untimed;    /* records without a start */
	uint16_t undur;      /* records without a counted duration */
	uint8_t first[6];    /* ms, 48-bit two's complement, little-endian */
	uint8_t last[6];
};

_Static_assert(sizeof(struct ngroup) == 40, "narrow group: 40 bytes");

/* Records of narrow group 'g' with a start, with a counted duration. */
static inline uint32_t ng_timed(const struct ngroup *g)
{
	return g->records - g->untimed;
}

static inline uint32_t ng_dur_n(const struct ngroup *g)
{
	return g->records - g->undur;
}

/* --pairs: the two directions of a narrow group. */
struct ndir {
	uint32_t n[2];       /* records a->b, b->a */
	uint64_t dur[2];     /* their counted durations, us, at most INT64_MAX */
};

/* A group's aggregates in full. */
struct wgroup {
	uint64_t records, dur_n, timed;
	int64_t dur_total, dur_max;   /* us */
	int64_t first, last;          /* ms, when timed */
	uint64_t bytes_up, bytes_down;  /* sums over the records that have them */
	uint64_t up_n, down_n;        /* records with bytes up, down */
	uint64_t dir_n[2];
	int64_t dir_dur[2];           /* us */
};

struct gshard {
	pthread_mutex_t mu;
	uint32_t *index;          /* tag << ID_BITS | (local id + 1); 0: empty */
	size_t isize;             /* index slots */
	struct ngroup **g;        /* by local id, CHUNK to a chunk */
	struct ndir **dir;        /* --pairs: parallel to 'g' */
	size_t n;                 /* groups */
	size_t nchunk, chunk_alloc; /* chunks of 'g' (and 'dir'); slots */
	struct wgroup *wide;      /* groups that outgrew the narrow form */
	size_t nwide, walloc;
	uint8_t *arena;           /* keys not inline: varint length, bytes */
	size_t arena_len, arena_alloc;
	struct intern splits;     /* --split values seen in this shard */
	struct intern cellkeys;   /* (local << 32 | split id) -> count slot */
	uint64_t *cellcount;
	size_t ncell, cellalloc;
	uint32_t *cnt;            /* after finish: [NKIND local + kind] distinct
				     peers, cells, subscribers */
};

/* A numeric item too large to pack, or with an id past PACK_IDS. */
struct widenum {
	uint64_t key;             /* value + 1; 0: empty slot */
	uint32_t id;
};

struct istripe {
	pthread_mutex_t mu;
	uint64_t *num;            /* numeric items: (value + 1) << 24 | id; 0 empty */
	size_t nsize, nn;         /* slots; items in them */
	struct widenum *wnum;     /* numeric items that do not pack */
	size_t wsize, wn;
	struct intern text;       /* other items */
	uint32_t *text_id;        /* intern id -> item id */
	size_t text_alloc;
	uint32_t nitems;          /* ids given */
	struct dbuf pairs;        /* unsorted gid << 32 | f */
	struct druns runs;        /* sorted unique runs of them */
};

/* A row to order: 'a' the value sorted on, 'h' the group or FILL | bucket. */
struct rowent {
	uint64_t a, h;
};

struct volume {
	struct volume_opts o;
	int lone_time;            /* one key, a calendar one */
	int peer_field;           /* the field whose distinct values are the
				     peers (volume_peer_field) */
	size_t ncomp;             /* key components: nkeys, 2 with pairs */
	struct gshard shard[NSHARD];
	struct istripe stripe[NSTRIPE];
	size_t pair_cap;          /* entries of a stripe's pair buffer */
	struct dstore store;      /* runs in memory, and the spill file */
	struct volume_feed *own;  /* volume_add's feed */
	int finished;
	/* after finish */
	size_t ngroups;
	struct intern splits;     /* all split values */
	struct intern cellkeys;   /* (gid << 32 | split id) -> count slot */
	uint64_t *cellcount;
	size_t ncell, cellalloc;
	/* report */
	struct rowent *rows;
	size_t nrows;
	int64_t *filler;          /* time values of the empty buckets */
	size_t nfiller;
	struct buf text;          /* volume_key_text's result */
};

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static inline uint64_t hash_bytes(const void *data, size_t len)
{
	return mix64(intern_hash_raw(data, len));
}

static inline uint64_t key_hash_inline(uint64_t inl)
{
	return mix64(inl ^ 0x6a09e667f3bcc909ull);
}

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

static inline struct ngroup *grp(const struct gshard *s, uint32_t local)
{
	return &s->g[local >> CHUNK_BITS][local & (CHUNK - 1)];
}

/* Keys whose text is made from the start: the calendar ones. */
static inline int key_from_start(int key)
{
	return key >= F_COUNT || key == F_HOUR || key == F_DOW || key == F_DATE;
}

static inline int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	size_t m = al < bl ? al : bl;
	int c = m ? memcmp(a, b, m) : 0;
	return c ? c : (al < bl ? -1 : al > bl);
}

/* In volume.c, for the report too. */
void volume_group_get(const struct gshard *s, uint32_t local, struct wgroup *w);
size_t volume_time_text(int key, int64_t val, char *out);

#endif
