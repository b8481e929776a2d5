/*
 * test_attribute.c - the interval rules of attribute.h on a hand-built
 * log, each expected answer worked out from the rules as written there
 * (not from the code): block boundaries, one second outside, slack, a
 * release and reallocation in the same second, a lost release (open), a
 * session's inclusive end, protocol and neighbouring block, merge.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "attribute.h"
#include "check.h"

#define S(x) ((int64_t)(x) * 1000)

static void ip4(struct ipaddr *ip, const char *s)
{
	ip_parse(s, strlen(s), ip);
}

static void rec(struct attr *at, enum attr_kind k, const char *pub,
		uint32_t lo, uint32_t hi, int64_t start, int64_t end,
		const char *proto, const char *sub, uint64_t line)
{
	struct attr_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = k;
	ip4(&r.pub, pub);
	r.lo = lo;
	r.hi = hi;
	r.start = start;
	r.end = end;
	snprintf(r.proto, sizeof(r.proto), "%s", proto);
	r.subscriber = (char *)sub;
	r.line = line;
	attr_keep(at, &r);
}

static void query(struct attr *at, const char *id, const char *ip,
		  uint32_t port, int64_t t, const char *proto)
{
	struct attr_query q;

	memset(&q, 0, sizeof(q));
	q.id = (char *)id;
	ip4(&q.ip, ip);
	q.port = port;
	q.t = t;
	snprintf(q.proto, sizeof(q.proto), "%s", proto);
	attr_add_query(at, &q);
}

/* "sub:mark,..." for query 'id' */
static const char *answers(const struct attr *at, const char *id)
{
	static char out[256];
	size_t i, n = 0;

	out[0] = 0;
	for (i = 0; i < at->na; i++) {
		const struct attr_answer *a = &at->a[i];

		if (strcmp(at->q[a->q].id, id))
			continue;
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s:%s",
				      n ? "," : "", a->sub,
				      attr_mark_name(a->mark));
	}
	return out;
}

#define A "198.51.100.1"

static void queries(struct attr *at)
{
	query(at, "q1", A, 1030, S(1000), "");
	query(at, "q2", A, 1030, S(999), "");
	query(at, "q3", A, 1030, S(997), "");
	query(at, "q4", A, 1030, S(2000), "");
	query(at, "q5", A, 1030, S(1500), "");
	query(at, "q6", A, 1030, S(3001), "");
	query(at, "q7", A, 1030, S(3002), "");
	query(at, "q8", A, 1100, S(50000), "");
	query(at, "q9", A, 1100, S(1500 + 86400 + 2), "");
	query(at, "q10", A, 5000, S(4100), "tcp");
	query(at, "q11", A, 5000, S(4102), "");
	query(at, "q12", A, 5000, S(4103), "");
	query(at, "q13", A, 5000, S(4050), "udp");
	query(at, "q14", A, 5001, S(4050), "");
	query(at, "q15", "198.51.100.2", 1030, S(1500), "");
	query(at, "q16", A, 1087, S(1500), "");
	query(at, "q17", A, 1088, S(1500), "");
	query(at, "q18", A, 1100, S(1500 + 86400 + 1), "");
	attr_index(at);
}

/* the log, split in two halves (merge) or whole */
static void log_part(struct attr *at, int part)
{
	if (part != 2) {
		rec(at, ATTR_RELEASE, A, 1024, 1087, S(3000), 0, "", "s2", 4);
		rec(at, ATTR_ALLOC, A, 1024, 1087, S(1000), 0, "", "s1", 1);
		rec(at, ATTR_SESSION, A, 5000, 5000, S(4000), S(4100), "tcp",
		    "s4", 6);
	}
	if (part != 1) {
		rec(at, ATTR_ALLOC, A, 1024, 1087, S(2000), 0, "", "s2", 3);
		rec(at, ATTR_RELEASE, A, 1024, 1087, S(2000), 0, "", "s1", 2);
		rec(at, ATTR_ALLOC, A, 1088, 1151, S(1500), 0, "", "s3", 5);
		rec(at, ATTR_ALLOC, "192.0.2.9", 1024, 1087, S(1000), 0, "",
		    "s9", 7);
	}
}

static void expect(struct attr *at)
{
	CHECK_EQ_INT(at->nr, 6); /* 192.0.2.9 has no query: not kept */
	CHECK_EQ_STR(answers(at, "q1"), "s1:exact");
	CHECK_EQ_STR(answers(at, "q2"), "s1:slack");
	CHECK_EQ_STR(answers(at, "q3"), "");
	CHECK_EQ_STR(answers(at, "q4"), "s1:ambiguous,s2:ambiguous");
	CHECK_EQ_STR(answers(at, "q5"), "s1:exact");
	CHECK_EQ_STR(answers(at, "q6"), "s2:slack");
	CHECK_EQ_STR(answers(at, "q7"), "");
	CHECK_EQ_STR(answers(at, "q8"), "s3:open");
	CHECK_EQ_STR(answers(at, "q9"), "");
	CHECK_EQ_STR(answers(at, "q18"), "s3:open");
	CHECK_EQ_STR(answers(at, "q10"), "s4:exact");
	CHECK_EQ_STR(answers(at, "q11"), "s4:slack");
	CHECK_EQ_STR(answers(at, "q12"), "");
	CHECK_EQ_STR(answers(at, "q13"), "");
	CHECK_EQ_STR(answers(at, "q14"), "");
	CHECK_EQ_STR(answers(at, "q15"), "");
	CHECK_EQ_STR(answers(at, "q16"), "s1:exact");
	CHECK_EQ_STR(answers(at, "q17"), "s3:open");
}

TEST_SUITE(attribute)
{
	struct attr at, a1, a2;

	attr_init(&at, S(2), S(86400));
	queries(&at);
	log_part(&at, 0);
	attr_solve(&at);
	expect(&at);
	attr_release(&at);

	/* two halves merged: the same answers */
	attr_init(&a1, S(2), S(86400));
	attr_init(&a2, S(2), S(86400));
	queries(&a1);
	queries(&a2);
	log_part(&a2, 2);
	log_part(&a1, 1);
	attr_merge(&a2, &a1);
	attr_solve(&a2);
	expect(&a2);
	attr_release(&a1);
	attr_release(&a2);

	/* no slack: one second before the allocation is outside */
	attr_init(&at, 0, S(86400));
	queries(&at);
	log_part(&at, 0);
	attr_solve(&at);
	CHECK_EQ_STR(answers(&at, "q2"), "");
	CHECK_EQ_STR(answers(&at, "q4"), "s2:exact");
	CHECK_EQ_STR(answers(&at, "q11"), "");
	attr_release(&at);
}

/*
 * Random logs with known truth: per block a sequence of holders, each
 * allocated at a time t and released at t + d, the next allocated 0..4 s
 * after (0: the same second), the last release sometimes lost. The
 * records go in shuffled; the truth intervals are checked against queries
 * around every boundary by a brute-force scan of the truth.
 */
struct truth {
	int addr, block;
	int64_t a, r; /* r < 0: lost release */
	char sub[16];
};

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static const char *const addrs[3] = { "203.0.113.1", "203.0.113.2",
				      "2001:db8::7" };

static void oracle(const struct truth *tr, size_t nt, int addr, uint32_t port,
		   int64_t t, int64_t slack, int64_t maxb, char *out,
		   size_t outlen)
{
	size_t i, n = 0, k, c = 0;
	struct { int64_t a; const char *sub; int mark; } cand[16];

	for (i = 0; i < nt; i++) {
		int64_t end = tr[i].r >= 0 ? tr[i].r : tr[i].a + maxb;

		if (tr[i].addr != addr || port / 64 != (uint32_t)tr[i].block)
			continue;
		if (t < tr[i].a - slack || t >= end + slack)
			continue;
		cand[c].a = tr[i].a;
		cand[c].sub = tr[i].sub;
		cand[c].mark = tr[i].r < 0 ? MARK_OPEN
			: (t >= tr[i].a && t < end) ? MARK_EXACT : MARK_SLACK;
		c++;
	}
	/* insertion sort by (start, sub) */
	for (i = 1; i < c; i++)
		for (k = i; k > 0 && (cand[k - 1].a > cand[k].a ||
				      (cand[k - 1].a == cand[k].a &&
				       strcmp(cand[k - 1].sub, cand[k].sub) > 0));
		     k--) {
			__typeof__(cand[0]) x = cand[k];
			cand[k] = cand[k - 1];
			cand[k - 1] = x;
		}
	out[0] = 0;
	for (i = 0; i < c; i++)
		n += (size_t)snprintf(out + n, outlen - n, "%s%s:%s",
				      n ? "," : "", cand[i].sub,
				      attr_mark_name(c > 1 ? MARK_AMBIGUOUS :
						     (enum attr_mark)cand[i].mark));
}

TEST_SUITE(attribute_random)
{
	struct truth tr[3 * 4 * 5];
	struct attr_rec recs[2 * 3 * 4 * 5];
	size_t nt = 0, nr = 0, i, bad = 0, answered = 0;
	int64_t slack = S(2), maxb = S(60);
	int round;

	for (round = 0; round < 20; round++) {
		struct attr at;
		char qid[16], want[256];

		nt = nr = 0;
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 4; b++) {
				int64_t t = S(1000 + rnd(10));

				for (int k = 0; k < 5; k++) {
					struct truth *x = &tr[nt++];

					x->addr = a;
					x->block = b + 16;
					x->a = t;
					x->r = t + S(1 + rnd(20));
					if (k == 4 && rnd(3) == 0)
						x->r = -1;
					snprintf(x->sub, sizeof(x->sub),
						 "s%d.%d.%d", a, b, k);
					t = x->r + S(rnd(5));
				}
			}
		for (i = 0; i < nt; i++)
			for (int e = 0; e < 2; e++) {
				struct attr_rec *r = &recs[nr];

				if (e == 1 && tr[i].r < 0)
					continue;
				memset(r, 0, sizeof(*r));
				r->kind = e ? ATTR_RELEASE : ATTR_ALLOC;
				ip_parse(addrs[tr[i].addr],
					 strlen(addrs[tr[i].addr]), &r->pub);
				r->lo = (uint32_t)tr[i].block * 64;
				r->hi = r->lo + 63;
				r->start = e ? tr[i].r : tr[i].a;
				r->subscriber = tr[i].sub;
				r->line = nr + 2;
				nr++;
			}
		for (i = nr; i > 1; i--) { /* shuffle */
			size_t j = rnd((uint32_t)i);
			struct attr_rec x = recs[i - 1];

			recs[i - 1] = recs[j];
			recs[j] = x;
		}
		attr_init(&at, slack, maxb);
		/* queries: every boundary, +-1 s, +-2 s, +-3 s */
		for (i = 0; i < nt; i++)
			for (int d = -3; d <= 3; d++)
				for (int e = 0; e < 2; e++) {
					struct attr_query q;
					int64_t base = e ? tr[i].r : tr[i].a;

					if (base < 0)
						base = tr[i].a + maxb;
					memset(&q, 0, sizeof(q));
					snprintf(qid, sizeof(qid), "%zu",
						 at.nq);
					q.id = qid;
					ip_parse(addrs[tr[i].addr],
						 strlen(addrs[tr[i].addr]),
						 &q.ip);
					q.port = (uint32_t)tr[i].block * 64 +
						 rnd(64);
					q.t = base + S(d);
					attr_add_query(&at, &q);
				}
		attr_index(&at);
		for (i = 0; i < nr; i++)
			attr_keep(&at, &recs[i]);
		attr_solve(&at);
		for (i = 0; i < at.nq; i++) {
			const char *got;
			int a;

			for (a = 0; a < 3; a++) {
				struct ipaddr ip;

				ip_parse(addrs[a], strlen(addrs[a]), &ip);
				if (ip.v6 == at.q[i].ip.v6 &&
				    !memcmp(ip.b, at.q[i].ip.b, 16))
					break;
			}
			oracle(tr, nt, a, at.q[i].port, at.q[i].t, slack, maxb,
			       want, sizeof(want));
			got = answers(&at, at.q[i].id);
			if (strcmp(got, want)) {
				if (bad++ < 3)
					CHECK_EQ_STR(got, want);
			}
			answered += got[0] != 0;
		}
		attr_release(&at);
	}
	CHECK_EQ_INT(bad, 0);
	CHECK(answered > 1000);
}

/*
 * ip_parse's IPv4 fast path against inet_pton itself (the definition it
 * must keep): fixed edge cases, then random strings of digits and dots
 * (and a few other bytes), each accepted or refused alike, the same
 * bytes when accepted.
 */
static int ip_parse_agrees(const char *s, size_t len)
{
	char tmp[64];
	struct ipaddr got;
	uint8_t b[16];
	int pr, gr;

	memcpy(tmp, s, len);
	tmp[len] = 0;
	memset(b, 0, sizeof(b));
	pr = memchr(tmp, ':', len) ? inet_pton(AF_INET6, tmp, b) == 1 :
	     inet_pton(AF_INET, tmp, b) == 1;
	gr = ip_parse(s, len, &got) == 0;
	if (pr != gr)
		return 0;
	return !pr || (!memcmp(got.b, b, 16) && got.v6 == !!memchr(tmp, ':', len));
}

TEST_SUITE(ip_parse)
{
	static const char *const fixed[] = { "0.0.0.0", "255.255.255.255",
		"256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
		"1.2.3.0", "10.0.0.1 ", " 10.0.0.1", "1..2.3", "1.2.3.4.",
		".1.2.3", "1234.1.1.1", "1.2.3.255", "1.2.3.256", "0.0.0.00",
		"203.0.113.188", "::1", "::ffff:1.2.3.4", "1.2.3.4x",
		"999.999.999.999", "100.120.208.76", NULL };
	const char alpha[] = "0123456789....:x ";
	uint32_t x = 12345;
	int bad = 0;

	for (size_t i = 0; fixed[i]; i++)
		if (!ip_parse_agrees(fixed[i], strlen(fixed[i]))) {
			bad++;
			fprintf(stderr, "ip_parse disagrees on '%s'\n", fixed[i]);
		}
	CHECK_EQ_INT(bad, 0);
	for (int n = 0; n < 200000; n++) {
		char s[20];
		size_t len;

		x = x * 1103515245u + 12345u;
		len = 1 + (x >> 16) % 17;
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			/* mostly digits and dots: many valid quads */
			s[i] = alpha[(x >> 16) % ((x >> 8) % 8 ? 14 : 17)];
		}
		if (!ip_parse_agrees(s, len) && bad++ < 5)
			fprintf(stderr, "ip_parse disagrees on '%.*s'\n",
				(int)len, s);
	}
	CHECK_EQ_INT(bad, 0);
}
