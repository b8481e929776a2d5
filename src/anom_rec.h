/*
 * anom_rec.h - the one compact record the anomalies state keeps per input
 * record with a subscriber and a start (anomaly.c), shared by the
 * detectors of anomaly.c (travel, night, imei), anom_calls.c (simbox,
 * duplicate), anom_series.c (spike by subscriber) and imei: 72 bytes,
 * the subscriber interned once. Each detector keeping its own copy of the
 * subscriber, start, input and line cost 160 bytes a record and three
 * lookups of the subscriber.
 *
 * The rare records of duration and imei-invalid are kept in side lists
 * of their own (anomaly.c), so the common record holds no end and no
 * IMEI.
 */
#ifndef CDRSIFT_ANOM_REC_H
#define CDRSIFT_ANOM_REC_H

#include <stdint.h>

#define ANOM_NONE UINT32_MAX

/* flags */
#define AF_POS 1u     /* lat, lon (micro-degrees) */
#define AF_DUR 2u     /* a voice record with a duration field */
#define AF_END 4u     /* a voice record with an end */
#define AF_NIGHT 8u   /* start in the night window (local hour) */
#define AF_BADIMEI 16u /* an IMEI that cannot be a handset (imei.h) */
#define AF_RANGE 32u  /* position from --cells with the cell's range */
#define AF_CALL 64u   /* a CDR record: simbox and duplicate read it */
#define AF_SPIKE 128u /* counted by spike (non-empty subscriber) */

struct arec {
	int64_t t;         /* start, ms */
	int64_t dur;       /* us: the duration field, else end - start
			      (A_HASDUR) */
	uint64_t line;     /* physical line */
	uint32_t sub;      /* id in the state's set (rank after canonical) */
	uint32_t peer;     /* the other party, id in anom_calls' set, or
			      ANOM_NONE */
	uint32_t cell, op; /* ids in anom_calls' sets, or ANOM_NONE */
	int32_t lat, lon;  /* micro-degrees (AF_POS) */
	uint32_t input;    /* input index */
	int32_t day;       /* local day, days since 1970-01-01 (AF_SPIKE) */
	uint32_t meta;     /* type (3 bits), direction (2), has duration
			      (1), has id (1), a 25-bit hash of the id */
	uint16_t flags;    /* AF_* */
	uint16_t range8;   /* cell range, metres / 8 rounded up (AF_RANGE) */
	uint32_t hs, sim;  /* imei: the handset (14-digit key) and the SIM,
			      ids in anomaly.c's sets; ANOM_NONE without a
			      handset */
};

#define A_TYPE(x) ((x)->meta & 7u)
#define A_DIR(x) (((x)->meta >> 3) & 3u)
#define A_HASDUR(x) (((x)->meta >> 5) & 1u)
#define A_HASID(x) (((x)->meta >> 6) & 1u)
#define A_IDH(x) ((x)->meta >> 7)
#define A_IDH_BITS 25

static inline uint32_t anom_meta(unsigned type, unsigned dir, unsigned hasdur,
				 unsigned hasid, uint32_t idh)
{
	return (type & 7u) | (dir & 3u) << 3 | (hasdur & 1u) << 5 |
	       (hasid & 1u) << 6 | (idh & ((1u << A_IDH_BITS) - 1)) << 7;
}

#endif
