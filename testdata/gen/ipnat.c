/*
 * ipnat.c - destination hosts, CGNAT port blocks and their release heap.
 *
 * Bulk port allocation (cgnat dialect): a subscriber's first flow opens a
 * block [lo, hi] on a public address; the block is released when the
 * session ends. Blocks of one address never overlap while open, so a
 * (public address, port, time) triple names exactly one subscriber, which
 * is what attribution relies on. Open blocks sit in a binary min-heap keyed
 * on (release time, block id); ties break on the id, so the order of
 * release rows is fully determined.
 *
 *   address 203.0.113.7, size 512:   block 0       block 1       ...
 *                                    1024..1535    1536..2047
 */
#include "ipnat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "../../src/banned.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
			 ((uint32_t)(c) << 8) | (uint32_t)(d))

/*
 * Destinations: names of familiar services at documentation addresses
 * (192.0.2.0/24, RFC 5737), plus the two public resolvers everyone knows.
 */
static const struct ip_host hosts[] = {
	{ "www.google.com", IP4(192, 0, 2, 10), 443, PROTO_TCP, 0, 200, 40 },
	{ "www.youtube.com", IP4(192, 0, 2, 11), 443, PROTO_UDP, 0, 150, 900 },
	{ "graph.facebook.com", IP4(192, 0, 2, 20), 443, PROTO_TCP, 0, 120, 60 },
	{ "g.whatsapp.net", IP4(192, 0, 2, 30), 5222, PROTO_TCP, 0, 100, 4 },
	{ "mmg.whatsapp.net", IP4(192, 0, 2, 31), 443, PROTO_TCP, 0, 60, 300 },
	{ "api.tiktokv.com", IP4(192, 0, 2, 40), 443, PROTO_TCP, 0, 80, 1200 },
	{ "www.example.com", IP4(192, 0, 2, 50), 80, PROTO_TCP, 0, 40, 30 },
	{ "dns.google", IP4(8, 8, 8, 8), 53, PROTO_UDP, 0, 80, 1 },
	{ "one.one.one.one", IP4(1, 1, 1, 1), 53, PROTO_UDP, 0, 40, 1 },
	{ "stun.l.google.com", IP4(192, 0, 2, 60), 3478, PROTO_UDP, 0, 30, 2 },
	{ "ims.mnc016.mcc502.3gppnetwork.org", IP4(192, 0, 2, 70), 5060,
	  PROTO_UDP, 1, 30, 2 },
	{ "", IP4(192, 0, 2, 80), 443, PROTO_TCP, 0, 40, 20 },
	{ "time.google.com", IP4(192, 0, 2, 90), 123, PROTO_UDP, 0, 10, 1 },
	{ "", IP4(192, 0, 2, 100), 853, PROTO_TCP, 0, 10, 2 },
};

#define N_HOSTS ((int)(sizeof(hosts) / sizeof(hosts[0])))

const struct ip_host *ip_host_get(int i)
{
	return &hosts[i];
}

int ip_host_pick(struct rng *r)
{
	int total = 0, i, u;

	for (i = 0; i < N_HOSTS; i++)
		total += hosts[i].weight;
	u = (int)rng_below(r, (uint64_t)total);
	for (i = 0; i < N_HOSTS - 1; i++) {
		if (u < hosts[i].weight)
			return i;
		u -= hosts[i].weight;
	}
	return N_HOSTS - 1;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fputs("cdrgen: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static int64_t gcd64(int64_t a, int64_t b)
{
	while (b) {
		int64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

void nat_init(struct nat *n, uint64_t seed, int n_subs)
{
	static const int sizes[] = { 64, 128, 256, 512, 512, 1024, 1024, 2048,
				     4096 };
	struct rng r;
	int i, b = 0;

	memset(n, 0, sizeof(*n));
	rng_init(&r, seed, 0x600);
	n->n_ips = 508;
	n->ip = xcalloc((size_t)n->n_ips, sizeof(*n->ip));
	n->size = xcalloc((size_t)n->n_ips, sizeof(*n->size));
	n->first = xcalloc((size_t)n->n_ips + 1, sizeof(*n->first));
	n->free_head = xcalloc((size_t)n->n_ips, sizeof(*n->free_head));
	for (i = 0; i < n->n_ips; i++) {
		n->ip[i] = i < 254 ? IP4(203, 0, 113, i + 1) :
				     IP4(198, 51, 100, i - 254 + 1);
		n->size[i] = (uint16_t)sizes[rng_below(&r, sizeof(sizes) /
							   sizeof(sizes[0]))];
		n->first[i] = b;
		b += NAT_PORTS / n->size[i];
	}
	n->first[n->n_ips] = b;
	n->n_blocks = b;
	n->block_ip = xcalloc((size_t)b, sizeof(*n->block_ip));
	n->next_free = xcalloc((size_t)b, sizeof(*n->next_free));
	n->due = xcalloc((size_t)b, sizeof(*n->due));
	n->owner = xcalloc((size_t)b, sizeof(*n->owner));
	n->priv = xcalloc((size_t)b, sizeof(*n->priv));
	n->heap = xcalloc((size_t)b, sizeof(*n->heap));
	n->heap_pos = xcalloc((size_t)b, sizeof(*n->heap_pos));
	for (i = 0; i < n->n_ips; i++) {
		int k;
		n->free_head[i] = n->first[i];
		for (k = n->first[i]; k < n->first[i + 1]; k++) {
			n->block_ip[k] = i;
			n->next_free[k] = k + 1 < n->first[i + 1] ? k + 1 : -1;
			n->heap_pos[k] = -1;
		}
	}
	n->sub_open = xcalloc((size_t)n_subs * NAT_SUB_OPEN,
			      sizeof(*n->sub_open));
	n->sub_n = xcalloc((size_t)n_subs, sizeof(*n->sub_n));

	/* day bindings: the largest block size that still fits everyone */
	n->day_size = 4096;
	while (n->day_size > 64 &&
	       (int64_t)n->n_ips * (NAT_PORTS / n->day_size) < n_subs)
		n->day_size /= 2;
	n->day_blocks = (int64_t)n->n_ips * (NAT_PORTS / n->day_size);
	n->day_mult = n->day_blocks / 2 + 1;
	while (gcd64(n->day_mult, n->day_blocks) != 1)
		n->day_mult++;
}

void nat_release(struct nat *n)
{
	free(n->ip);
	free(n->size);
	free(n->first);
	free(n->free_head);
	free(n->block_ip);
	free(n->next_free);
	free(n->due);
	free(n->owner);
	free(n->priv);
	free(n->heap);
	free(n->heap_pos);
	free(n->sub_open);
	free(n->sub_n);
	memset(n, 0, sizeof(*n));
}

static int heap_less(const struct nat *n, int a, int b)
{
	if (n->due[a] != n->due[b])
		return n->due[a] < n->due[b];
	return a < b;
}

static void heap_set(struct nat *n, int i, int b)
{
	n->heap[i] = b;
	n->heap_pos[b] = i;
}

static void heap_up(struct nat *n, int i)
{
	int b = n->heap[i];

	while (i > 0) {
		int parent = (i - 1) / 2;
		if (!heap_less(n, b, n->heap[parent]))
			break;
		heap_set(n, i, n->heap[parent]);
		i = parent;
	}
	heap_set(n, i, b);
}

static void heap_down(struct nat *n, int i)
{
	int b = n->heap[i];

	for (;;) {
		int c = 2 * i + 1;
		if (c >= n->heap_n)
			break;
		if (c + 1 < n->heap_n && heap_less(n, n->heap[c + 1], n->heap[c]))
			c++;
		if (!heap_less(n, n->heap[c], b))
			break;
		heap_set(n, i, n->heap[c]);
		i = c;
	}
	heap_set(n, i, b);
}

int nat_open(struct nat *n, int sub, uint32_t priv, int64_t due)
{
	int start = (int)(mix64((uint64_t)sub * 0x9e3779b97f4a7c15u) %
			  (uint64_t)n->n_ips);
	int i, a = -1, b;

	for (i = 0; i < n->n_ips; i++) {
		int cand = (start + i) % n->n_ips;
		if (n->free_head[cand] >= 0) {
			a = cand;
			break;
		}
	}
	if (a < 0 || n->sub_n[sub] >= NAT_SUB_OPEN)
		return -1;
	b = n->free_head[a];
	n->free_head[a] = n->next_free[b];
	n->due[b] = due;
	n->owner[b] = sub;
	n->priv[b] = priv;
	n->heap_n++;
	heap_set(n, n->heap_n - 1, b);
	heap_up(n, n->heap_n - 1);
	n->sub_open[(size_t)sub * NAT_SUB_OPEN + n->sub_n[sub]++] = b;
	return b;
}

int nat_next_due(const struct nat *n)
{
	return n->heap_n ? n->heap[0] : -1;
}

void nat_close(struct nat *n, int b)
{
	int i = n->heap_pos[b], sub = n->owner[b], k, a = n->block_ip[b];
	int32_t *open = &n->sub_open[(size_t)sub * NAT_SUB_OPEN];

	n->heap_n--;
	if (i != n->heap_n) {
		int moved = n->heap[n->heap_n];
		heap_set(n, i, moved);
		heap_down(n, i);
		heap_up(n, n->heap_pos[moved]);
	}
	n->heap_pos[b] = -1;
	for (k = 0; k < n->sub_n[sub]; k++) {
		if (open[k] == b) {
			open[k] = open[--n->sub_n[sub]];
			break;
		}
	}
	/* LIFO reuse: the block just freed is the next one handed out */
	n->next_free[b] = n->free_head[a];
	n->free_head[a] = b;
}

int nat_sub_first(const struct nat *n, int sub)
{
	const int32_t *open = &n->sub_open[(size_t)sub * NAT_SUB_OPEN];
	int k, best = -1;

	for (k = 0; k < n->sub_n[sub]; k++)
		if (best < 0 || heap_less(n, open[k], best))
			best = open[k];
	return best;
}

int nat_sub_count(const struct nat *n, int sub)
{
	return n->sub_n[sub];
}

void nat_block(const struct nat *n, int b, struct nat_block_info *info)
{
	int a = n->block_ip[b];

	info->pub_ip = n->ip[a];
	info->port_lo = (uint16_t)(NAT_PORT_FIRST + (b - n->first[a]) * n->size[a]);
	info->port_hi = (uint16_t)(info->port_lo + n->size[a] - 1);
}

void nat_day_binding(const struct nat *n, uint64_t seed, int sub, int64_t day,
		     struct nat_block_info *info)
{
	uint64_t off = mix64(seed ^ 0x3c6ef372fe94f82bu ^ (uint64_t)day);
	int64_t b = (int64_t)(((uint64_t)sub % (uint64_t)n->day_blocks) *
			      (uint64_t)n->day_mult % (uint64_t)n->day_blocks);
	int64_t per_ip = NAT_PORTS / n->day_size;

	b = (b + (int64_t)(off % (uint64_t)n->day_blocks)) % n->day_blocks;
	info->pub_ip = n->ip[b / per_ip];
	info->port_lo = (uint16_t)(NAT_PORT_FIRST + (b % per_ip) * n->day_size);
	info->port_hi = (uint16_t)(info->port_lo + n->day_size - 1);
}
