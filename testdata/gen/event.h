/*
 * event.h - one logical record of cdrgen before a dialect writes it:
 * a CDR leg (voice, SMS, data, USSD), an IP flow, or a CGNAT port-block
 * allocation or release. Every random choice a dialect needs (number
 * formats, remarks, ring time) is drawn into the event first, so writing
 * is a pure function of the event and a duplicate is byte-identical.
 */
#ifndef CDRGEN_EVENT_H
#define CDRGEN_EVENT_H

#include <stdint.h>

#include "world.h"

enum ev_type {
	EV_VOICE, EV_SMS, EV_DATA, EV_OTHER, /* CDR services */
	EV_FLOW,                             /* IP flow record */
	EV_ALLOC, EV_RELEASE                 /* CGNAT port-block events */
};

enum ev_dir { DIR_MO, DIR_MT };

enum ev_status {
	ST_ANSWERED, ST_NO_ANSWER, ST_BUSY, ST_FAILED, ST_DELIVERED,
	ST_COMPLETED
};

enum ip_proto { PROTO_TCP, PROTO_UDP };

struct event {
	int64_t t;                 /* start, civil (local) seconds */
	uint64_t id;               /* record id, set when written */
	uint32_t seq;              /* planning order, breaks time ties */
	int32_t sub;               /* served subscriber */
	int32_t cell;              /* cell index into world.cells */
	int32_t dur;               /* seconds: talk time, session, flow */
	int32_t ring;              /* seconds from start to answer/give-up */
	uint64_t imei;             /* handset in use (normally the SIM's own) */
	struct phone_number peer;  /* the other party (CDR) */
	uint8_t type;              /* enum ev_type */
	uint8_t dir;               /* enum ev_dir */
	uint8_t status;            /* enum ev_status */
	uint8_t fmt;               /* random bits for number formats */
	uint8_t remark;            /* free-text remark index, 0 for none */
	uint8_t planned;           /* anomaly row: never turned into a bad row */
	uint8_t imeisv;            /* 0, or an IMEISV's version + 1: the handset
				      written as 14 digits and 2 of version */
	uint8_t no_release;        /* allocation whose release is past the end */
	uint8_t proto;             /* enum ip_proto */
	uint8_t host;              /* index into the host table (dialect.c) */
	uint8_t apn;               /* 0 internet, 1 ims */
	uint32_t src_ip, pub_ip;   /* private and public IPv4 */
	uint16_t src_port;         /* private port */
	uint16_t pub_port;         /* public port, or first of a block */
	uint16_t pub_end;          /* last port of a block (CGNAT) */
	uint16_t dst_port;
	uint64_t up, down;         /* bytes */
};

#endif
