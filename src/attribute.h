/*
 * attribute.h - the interval engine behind `cdrsift attribute` (issue 16,
 * DESIGN section 5): who held public address A, port P at time T.
 *
 * The core that attr_analysis.c wraps as an analysis (analysis.h).
 * Queries are indexed twice: by (public address, time) and by (public
 * address, port, time), the addresses hashed. A binding record is kept
 * only when some query names its address and a port of its block (a
 * session: and a time it covers; an allocation: not after the block's
 * last query time plus the slack), so memory follows the records that
 * can answer, not the size of the logs or the number of addresses the
 * queries name. attr_solve() pairs allocate and
 * release events and matches every query in one sweep, reading the
 * records through sort keys in canonical order, not moving them.
 *
 * Rules (times in ms since the epoch, UTC; 'slack' widens both ends):
 *   session record  holds [start, end]        (both ends inclusive)
 *   allocate..release  holds [allocate, release)  (release excluded)
 *   allocate with no later release: [allocate, allocate + max_binding),
 *     marked open
 * A binding covers a query when the public address is equal, the port is
 * inside lo..hi (hi = lo for a single port; with a step, one of lo,
 * lo + step, ...), the protocols are equal
 * where both carry one, and the time is inside the widened interval.
 * Marks: exact (inside the interval), slack (only inside the widened
 * one), open (no release), ambiguous (the query is covered by bindings of
 * two or more holders, as after a release and a reallocation in the
 * same second; the holder is the subscriber, or the private address when
 * the record names no subscriber); the most cautious applies: ambiguous,
 * open, slack, exact.
 * Pairing: events are grouped per (public address, lo, hi, step) and sorted by
 * (time, release before allocate, input, line); each allocate is closed by
 * the first release after it; a release with no open allocate is unused.
 */
#ifndef CDRSIFT_ATTRIBUTE_H
#define CDRSIFT_ATTRIBUTE_H

#include <stddef.h>
#include <stdint.h>

#include "partial.h"
#include "record.h"

/* ATTR_HOP2: a session of the second hop (PGW, RADIUS): private address
   'priv' to subscriber during [start, end]; no public side. */
enum attr_kind { ATTR_SESSION = 0, ATTR_ALLOC = 1, ATTR_RELEASE = 2,
		 ATTR_HOP2 = 3 };
enum attr_mark { MARK_EXACT = 0, MARK_SLACK, MARK_OPEN, MARK_AMBIGUOUS };

struct attr_qkey {
	uint32_t port;
	int64_t t;
};

struct attr_query {
	char *id;             /* owned, or NULL */
	struct ipaddr ip;
	uint32_t port;
	int64_t t;            /* ms */
	char proto[8];        /* "" when not given */
	uint64_t seq;         /* position in the query list (output order) */
};

/* Fields ordered widest first: one is kept per binding record (112
   bytes; ports and the prefix length in the widths they have). */
struct attr_rec {
	int64_t start, end;   /* end: sessions only */
	uint64_t line;
	char *subscriber, *imsi, *imei; /* owned, or NULL */
	char *vrf;            /* the private address's VRF: owned, or NULL */
	uint32_t input;       /* index of the input */
	uint16_t lo, hi;
	uint16_t step;        /* 0: every port lo..hi; else lo, lo + step, ... */
	uint8_t plen;         /* 0: the address 'pub'; else the prefix
				 pub/plen ('pub' its first address) */
	uint8_t kind;         /* enum attr_kind */
	uint8_t has_priv;
	struct ipaddr pub, priv;
	char proto[8];
};

/* One answer row: query 'q' covered by binding [start, end). */
struct attr_answer {
	size_t q;
	size_t rec;           /* the session or allocate record */
	const char *sub;      /* its subscriber (borrowed), or NULL */
	size_t release;       /* the release record, or (size_t)-1 */
	size_t hop2;          /* the second hop's session, or (size_t)-1 */
	size_t rec_rank, hop2_rank; /* rec's and hop2's places in
				 attr_order (SIZE_MAX: no hop2): the
				 answers' order follows them, not where
				 the records are held */
	int64_t start, end;   /* the binding, unwidened */
	enum attr_mark mark;
};

struct attr {
	int64_t slack, max_binding; /* ms */
	int64_t skew;         /* ms: the second hop's clock minus the NAT's */
	int64_t *qt;          /* attr_index: the query times, sorted */
	int64_t median_gap;   /* attr_solve: median of hop-2 start minus
				 binding start over 'npairs' pairs */
	size_t npairs;
	struct attr_query *q;
	size_t nq, qalloc;
	int sorted;
	size_t *qset, qcap;   /* attr_index: the distinct query addresses,
				 hashed (index of a query, or SIZE_MAX) */
	size_t *qp;           /* attr_index: query indices by (address,
				 port, time); an address's run holds the
				 same positions as in q */
	struct attr_qkey *qk; /* attr_index: beside qp, its queries' port
				 and time (what the feeds look up) */
	size_t *qend;         /* per qset slot: the end of its address's
				 run in q and qp */
	struct attr_rec *r;
	size_t nr, ralloc;
	struct attr_answer *a;
	size_t na, aalloc;
	/* the records' strings, each distinct one held once (a log names
	   a subscriber in thousands of records): 'sown' every string the
	   state frees, 'sset' those a new record can share, hashed */
	char **sown;
	size_t nsown, asown;
	char **sset;
	size_t sset_cap, nsset;
	struct attr_bcache *bc; /* attr_block_cached: NULL until used */
};

void attr_init(struct attr *at, int64_t slack_ms, int64_t max_binding_ms);
void attr_add_query(struct attr *at, const struct attr_query *q);
/* Sort the queries; call once before the first attr_wanted/attr_keep. */
void attr_index(struct attr *at);
/* 1 when some query names public address 'ip'. */
int attr_wanted(const struct attr *at, const struct ipaddr *ip);
/* 1 when some query names public address 'ip' and a port of the block
   lo..hi (every 'step'-th port from lo when step > 1): the records of a
   block are kept or dropped together, so pairing is as with them all. */
int attr_wanted_block(const struct attr *at, const struct ipaddr *ip,
		      uint32_t lo, uint32_t hi, uint32_t step);
/* attr_wanted_block, and '*tmax' the latest time of those queries
   (INT64_MAX when the index is not built). An allocation later than
   tmax + slack answers none of them, and neither does any allocation
   after it: each release closes the earliest open allocation, so the
   allocations before it pair as they would with it, and what it and
   those after it would have taken closes nothing they answer with. */
int attr_block_latest(const struct attr *at, const struct ipaddr *ip,
		      uint32_t lo, uint32_t hi, uint32_t step, int64_t *tmax);
/* attr_block_latest through a small cache of blocks in 'at' (a log
   names a few thousand blocks millions of times): the same answer. */
int attr_block_cached(struct attr *at, const struct ipaddr *ip,
		      uint32_t lo, uint32_t hi, uint32_t step, int64_t *tmax);
/* The same, and a query time inside [start - slack, end + slack]: a
   session, which pairs with nothing, is kept only when it can answer. */
int attr_wanted_session(const struct attr *at, const struct ipaddr *ip,
			uint32_t lo, uint32_t hi, uint32_t step,
			int64_t start, int64_t end);
/* 1 when some query's address is inside prefix 'net'/'plen'. */
int attr_wanted_prefix(const struct attr *at, const struct ipaddr *net,
		       unsigned plen);
/* Parse "ADDR/LEN" into the prefix's first address and length (1-32 or
   1-128). 0, or -1. */
int attr_prefix_parse(const char *s, size_t len, struct ipaddr *net,
		      unsigned *plen);
/* 1 when a second-hop session [start, end] could cover some query time
   (shifted by the skew, widened by the slack). */
int attr_wanted_hop2(const struct attr *at, int64_t start, int64_t end);
/* Keep a copy of 'rec' (strings copied) when its block is wanted
   (attr_wanted_block; a session: attr_wanted_session; an allocation:
   attr_block_latest). */
void attr_keep(struct attr *at, const struct attr_rec *rec);
/* Keep 'rec' as it is, whatever its address: its strings (heap, or NULL)
   belong to 'at' from now on (freed at once where 'at' holds the same
   string already). */
void attr_take(struct attr *at, const struct attr_rec *rec);
/* The string s[0, len) (up to a NUL) as 'at' holds it: shared, owned by
   'at', valid until attr_release. */
char *attr_str(struct attr *at, const char *s, size_t len);
/* attr_take for a record whose strings all come from attr_str(at). */
void attr_take_shared(struct attr *at, const struct attr_rec *rec);
/* Move the records of 'from' into 'at' (exact: a union of lists). */
void attr_merge(struct attr *at, struct attr *from);
/* Pair events and fill at->a, sorted by (query, start, input, line). */
void attr_solve(struct attr *at);
const char *attr_mark_name(enum attr_mark m);
/* Sort the kept records in their canonical order (what attr_solve uses). */
void attr_sort(struct attr *at);
/* The canonical order without moving the records: a new array whose
   position i holds the index of the record that goes there (at least
   one element; free it). */
size_t *attr_order(const struct attr *at);
/*
 * The kind of a CGNAT log's event value (F_EVENT): ATTR_ALLOC for
 * "allocate", "alloc", "allocated", "assign", "add", "create", "open",
 * "start", "A", "1" and any value containing "alloc" (Juniper's
 * JSERVICES_NAT_PORT_BLOCK_ALLOC); ATTR_RELEASE for "release", "freed",
 * "free", "delete", "dealloc", "close", "stop", "end", "R", "0", "D" and
 * values containing "releas" or "dealloc"; case ignored. -1 otherwise.
 */
int attr_event_kind(const char *s, size_t len);
/* A protocol as compared: lower case, 6 -> tcp, 17 -> udp, 1 -> icmp,
   58 -> icmpv6; at most 7 bytes ("" when empty or longer). */
void attr_proto_norm(const char *s, size_t len, char out[8]);
void attr_release(struct attr *at);

/*
 * The analysis (attr_analysis.c, analysis.h) of `cdrsift attribute`: its
 * own options, the queries included (borrowed; copied by create). A
 * query with no covering binding is reported once, match "none".
 */
#define ATTR_TAG PARTIAL_TAG('A', 'T', 'T', 'R')
#define ATTR_SLACK_MS 2000
#define ATTR_MAX_BINDING_MS (24 * 3600 * (int64_t)1000)

struct attr_opts {
	int64_t slack_ms;         /* --slack [2 s] */
	int64_t skew_ms;          /* --skew [0] */
	int64_t max_binding_ms;   /* --max-binding [24 h] */
	const struct attr_query *q;
	size_t nq;
};

void attr_opts_init(struct attr_opts *o);
/* After the run: the median gap of the second hop (its session's start
   minus the NAT binding's start, ms) over '*pairs' matched pairs; 1 when
   there were any. */
int attr_state_gap(void *state, int64_t *median_ms, size_t *pairs);
struct buf;
/* The note of the offset the data suggests (attribute_analysis' 'note'),
   as `attribute` and `merge` print it on stderr after the rows ("attribute: second hop: N
   NAT-session pairs, median offset +S s (...; --skew +S s)"), appended
   to 'msg'; 0 (nothing appended) when no pair matched. The merged
   state's pairs are those of one run: the partials hold the records. */
int attr_gap_note(void *state, struct buf *msg);

#endif
