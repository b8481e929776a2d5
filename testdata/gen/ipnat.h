/*
 * ipnat.h - the IP side of cdrgen: destination hosts, per-day CGNAT port
 * bindings for flow records (ipdr), and a port-block allocator with
 * timed releases for bulk-port-allocation logs (cgnat).
 *
 * Ownership: a struct nat owns its arrays; release it with nat_release().
 */
#ifndef CDRGEN_IPNAT_H
#define CDRGEN_IPNAT_H

#include <stdint.h>

#include "genrand.h"
#include "world.h"

struct ip_host {
	const char *name;          /* SNI or DNS name; "" when none is seen */
	uint32_t ip;               /* destination IPv4 */
	uint16_t port;
	uint8_t proto;             /* enum ip_proto */
	uint8_t apn;               /* 0 internet, 1 ims */
	uint16_t weight;           /* relative popularity */
	uint16_t down_kb;          /* median kilobytes downloaded per flow */
};

const struct ip_host *ip_host_get(int i);
int ip_host_pick(struct rng *r);

#define NAT_PORT_FIRST 1024        /* ports below are never translated */
#define NAT_PORTS 64512            /* ports 1024..65535 */
#define NAT_SUB_OPEN 8             /* blocks one subscriber may hold */

struct nat_block_info {
	uint32_t pub_ip;           /* public address */
	uint16_t port_lo, port_hi; /* inclusive port range */
};

struct nat {
	int n_ips;                 /* public addresses in the pool */
	uint32_t *ip;              /* the addresses */
	uint16_t *size;            /* block size per address */
	int32_t *first;            /* first global block id of each address */
	int n_blocks;              /* blocks over all addresses */
	int32_t *block_ip;         /* address index of each block */
	int32_t *free_head;        /* per address: first free block, or -1 */
	int32_t *next_free;        /* per block: next free block, or -1 */
	int64_t *due;              /* per block: release time while open */
	int32_t *owner;            /* per block: subscriber while open */
	uint32_t *priv;            /* per block: private address while open */
	int32_t *heap;             /* open blocks, min-heap on (due, id) */
	int32_t *heap_pos;         /* per block: index in 'heap', or -1 */
	int heap_n;
	int32_t *sub_open;         /* NAT_SUB_OPEN block ids per subscriber */
	uint8_t *sub_n;            /* open blocks per subscriber */
	int day_size;              /* flow records: block size of day bindings */
	int64_t day_blocks;        /* flow records: blocks in the day pool */
	int64_t day_mult;          /* coprime to day_blocks: the permutation */
};

/*
 * Pool of 508 public addresses (203.0.113.0/24 and 198.51.100.0/24 without
 * .0 and .255), each cut into blocks of one size drawn from 64..4096.
 */
void nat_init(struct nat *n, uint64_t seed, int n_subs);
void nat_release(struct nat *n);
/*
 * Open a block for 'sub' with private address 'priv', to be released at
 * 'due'. The public address prefers one per subscriber ("paired" pooling).
 * Returns the block id, or -1 when every block is in use.
 */
int nat_open(struct nat *n, int sub, uint32_t priv, int64_t due);
/* Earliest open block, or -1 when none is open. */
int nat_next_due(const struct nat *n);
/* Close block 'b' (open) and return it to its address's free list. */
void nat_close(struct nat *n, int b);
/* The open block of 'sub' that is due first, or -1. */
int nat_sub_first(const struct nat *n, int sub);
int nat_sub_count(const struct nat *n, int sub);
void nat_block(const struct nat *n, int b, struct nat_block_info *info);

/*
 * Flow records (ipdr): the port block subscriber 'sub' holds all day 'day'.
 * A per-day permutation of the pool, so that no two subscribers share a
 * block on a day while subscribers <= blocks (else blocks are shared).
 */
void nat_day_binding(const struct nat *n, uint64_t seed, int sub, int64_t day,
		     struct nat_block_info *info);

#endif
