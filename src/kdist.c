/*
 * kdist.c - record-weighted k-distance over a 3-D k-d tree (see kdist.h).
 * The tree is implicit: the point array is reordered so that each range
 * [lo, hi) has its splitting point at its middle, split on the axis of
 * largest spread, smaller coordinates before it.
 */
#include "kdist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geodesy.h"
#include "xalloc.h"
#include "banned.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

struct kp {
	double x[3];
	uint32_t idx;
	unsigned char axis;   /* split axis when this is a node's middle */
};

static void select_nth(struct kp *a, size_t lo, size_t hi, size_t nth, int ax)
{
	/* quickselect, middle-of-three pivot */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		double x = a[lo].x[ax], y = a[mid].x[ax], z = a[hi - 1].x[ax];
		double piv = x < y ? (y < z ? y : (x < z ? z : x)) :
				     (x < z ? x : (y < z ? z : y));
		/* three-way: [lo, lt) < piv, [lt, gt) == piv, [gt, hi) > piv;
		   the pivot is in the range, so each pass makes progress */
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			double v = a[i].x[ax];
			if (v < piv) {
				struct kp t = a[i];
				a[i++] = a[lt];
				a[lt++] = t;
			} else if (v > piv) {
				struct kp t = a[i];
				a[i] = a[--gt];
				a[gt] = t;
			} else {
				i++;
			}
		}
		if (nth < lt)
			hi = lt;
		else if (nth >= gt)
			lo = gt;
		else
			return;
	}
}

static void build(struct kp *a, size_t lo, size_t hi)
{
	while (hi - lo > 1) {
		double mn[3] = { 2, 2, 2 }, mx[3] = { -2, -2, -2 };
		for (size_t i = lo; i < hi; i++)
			for (int d = 0; d < 3; d++) {
				if (a[i].x[d] < mn[d])
					mn[d] = a[i].x[d];
				if (a[i].x[d] > mx[d])
					mx[d] = a[i].x[d];
			}
		int ax = 0;
		for (int d = 1; d < 3; d++)
			if (mx[d] - mn[d] > mx[ax] - mn[ax])
				ax = d;
		size_t mid = lo + (hi - lo) / 2;
		select_nth(a, lo, hi, mid, ax);
		a[mid].axis = (unsigned char)ax;
		build(a, lo, mid);
		lo = mid + 1;
	}
}

/* a bounded max-heap of (squared chord, index into the tree array) */
struct heap {
	double *d;
	size_t *i;
	size_t n, cap;
};

static void heap_push(struct heap *h, double d, size_t i)
{
	if (h->n == h->cap) {
		if (d >= h->d[0])
			return;
		/* replace the root, sift down */
		size_t p = 0;
		for (;;) {
			size_t c = 2 * p + 1;
			if (c >= h->n)
				break;
			if (c + 1 < h->n && h->d[c + 1] > h->d[c])
				c++;
			if (h->d[c] <= d)
				break;
			h->d[p] = h->d[c];
			h->i[p] = h->i[c];
			p = c;
		}
		h->d[p] = d;
		h->i[p] = i;
		return;
	}
	size_t p = h->n++;
	while (p > 0 && h->d[(p - 1) / 2] < d) {
		h->d[p] = h->d[(p - 1) / 2];
		h->i[p] = h->i[(p - 1) / 2];
		p = (p - 1) / 2;
	}
	h->d[p] = d;
	h->i[p] = i;
}

static void query(const struct kp *a, size_t lo, size_t hi, const double *q,
		  struct heap *h)
{
	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kp *m = &a[mid];
		double d0 = m->x[0] - q[0], d1 = m->x[1] - q[1],
		       d2 = m->x[2] - q[2];
		heap_push(h, d0 * d0 + d1 * d1 + d2 * d2, mid);
		if (hi - lo == 1)
			return;
		double diff = q[m->axis] - m->x[m->axis];
		size_t nlo, nhi, flo, fhi;
		if (diff < 0) {
			nlo = lo; nhi = mid; flo = mid + 1; fhi = hi;
		} else {
			nlo = mid + 1; nhi = hi; flo = lo; fhi = mid;
		}
		query(a, nlo, nhi, q, h);
		if (h->n == h->cap && diff * diff > h->d[0] * (1 + 1e-9) + 1e-30)
			return;
		lo = flo;
		hi = fhi;
	}
}

struct nb {
	double m;
	uint64_t w;
};

static int cmp_nb(const void *pa, const void *pb)
{
	const struct nb *a = pa, *b = pb;
	return a->m < b->m ? -1 : a->m > b->m;
}

void kdist_run(const struct dbscan_point *pts, size_t n, uint64_t k,
	       double *out)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total = total + pts[i].weight < total ? UINT64_MAX :
							total + pts[i].weight;
	if (total < k || n == 0) {
		for (size_t i = 0; i < n; i++)
			out[i] = -1;
		return;
	}
	struct kp *a = xcalloc(n, sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		double phi = pts[i].lat * (M_PI / 180.0);
		double lam = pts[i].lon * (M_PI / 180.0);
		a[i].x[0] = cos(phi) * cos(lam);
		a[i].x[1] = cos(phi) * sin(lam);
		a[i].x[2] = sin(phi);
		a[i].idx = (uint32_t)i;
	}
	build(a, 0, n);
	size_t cap = k < n ? (size_t)k : n;
	struct heap h = { xcalloc(cap, sizeof(double)),
			  xcalloc(cap, sizeof(size_t)), 0, cap };
	struct nb *nb = xcalloc(cap, sizeof(*nb));
	for (size_t t = 0; t < n; t++) {
		const struct dbscan_point *p = &pts[a[t].idx];
		h.n = 0;
		query(a, 0, n, a[t].x, &h);
		for (size_t j = 0; j < h.n; j++) {
			const struct dbscan_point *r = &pts[a[h.i[j]].idx];
			nb[j].m = geo_distance_m(p->lat, p->lon, r->lat, r->lon);
			nb[j].w = r->weight;
		}
		qsort(nb, h.n, sizeof(*nb), cmp_nb);
		uint64_t sum = 0;
		double d = -1;
		for (size_t j = 0; j < h.n; j++) {
			sum += nb[j].w;
			if (sum >= k) {
				d = nb[j].m;
				break;
			}
		}
		out[a[t].idx] = d;
	}
	free(nb);
	free(h.d);
	free(h.i);
	free(a);
}
