/*
 * stats.c - overview counters and exact distinct sets (see stats.h).
 *
 * Coverage gaps: every record marks the clock hour (in the --tz zone) of
 * its start; a gap is a run of unmarked hours strictly between the first and
 * the last marked hour. Hours are kept as interned 8-byte keys, so the cost
 * grows with the span of the data, never with the rows.
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#include "timeparse.h"
#include "xalloc.h"
#include "banned.h"

#define HOUR_MS 3600000LL

uint64_t stats_needs(void)
{
	return FIELD_BIT(F_START) | FIELD_BIT(F_SUBSCRIBER) | FIELD_BIT(F_CELL) |
	       FIELD_BIT(F_IMEI) | FIELD_BIT(F_TYPE) | FIELD_BIT(F_DIRECTION);
}

void stats_init(struct stats *st, const struct tz *tz)
{
	memset(st, 0, sizeof(*st));
	st->tz = tz;
	st->last_hour = INT64_MIN;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t hour_key(const struct stats *st, int64_t ms)
{
	int64_t local = ms + (int64_t)tz_offset_at(st->tz, ms) * 1000;
	return floor_div(local, HOUR_MS);
}

static void mark_hour(struct stats *st, int64_t key)
{
	if (key == st->last_hour)
		return;
	st->last_hour = key;
	intern_put(&st->hours, (const char *)&key, sizeof(key), NULL);
}

static struct intern *lag_set(struct stats *st, int k)
{
	return k == 0 ? &st->subscribers : k == 1 ? &st->cells : &st->imeis;
}

/* Look up the keys of lag slot 'slot', and empty it. */
static void lag_put(struct stats *st, struct stats_lag *slot)
{
	for (int k = 0; k < 3; k++)
		if (slot->len[k]) {
			intern_put(lag_set(st, k), slot->key[k],
				   (size_t)slot->len[k] - 1, NULL);
			slot->len[k] = 0;
		}
}

void stats_flush(struct stats *st)
{
	for (unsigned i = 0; i < STATS_LAG; i++)
		lag_put(st, &st->lag[(st->lag_pos + i) % STATS_LAG]);
}

void stats_add(struct stats *st, const struct record *r)
{
	/*
	 * Subscriber, cell and IMEI are random lookups in large sets: their
	 * lines are prefetched now and looked up STATS_LAG records later
	 * (keys too long for the ring are looked up at once).
	 */
	static const enum field_id keys[3] = { F_SUBSCRIBER, F_CELL, F_IMEI };
	struct stats_lag *slot = &st->lag[st->lag_pos];
	st->lag_pos = (st->lag_pos + 1) % STATS_LAG;
	lag_put(st, slot);
	for (int k = 0; k < 3; k++) {
		if (!record_has(r, keys[k]))
			continue;
		struct strv v = r->v[keys[k]].s;
		if (v.len < STATS_KEY_MAX) {
			intern_prefetch(lag_set(st, k), v.s, v.len);
			memcpy(slot->key[k], v.s, v.len);
			slot->len[k] = (uint8_t)(v.len + 1);
		} else {
			intern_put(lag_set(st, k), v.s, v.len, NULL);
		}
	}
	st->records++;
	if (record_has(r, F_START)) {
		int64_t t = r->v[F_START].i;
		if (st->timed == 0) {
			st->tmin = st->tmax = t;
		} else {
			if (t < st->tmin)
				st->tmin = t;
			if (t > st->tmax)
				st->tmax = t;
			if (t < st->last_start)
				st->out_of_order++;
		}
		st->last_start = t;
		st->timed++;
		mark_hour(st, hour_key(st, t));
	}
	if (record_has(r, F_TYPE) && r->v[F_TYPE].i > 0 && r->v[F_TYPE].i < 5)
		st->by_type[r->v[F_TYPE].i]++;
	else
		st->by_type[0]++;
	if (r->kind == KIND_CDR) {
		if (record_has(r, F_DIRECTION) && r->v[F_DIRECTION].i > 0 &&
		    r->v[F_DIRECTION].i < 4)
			st->by_dir[r->v[F_DIRECTION].i]++;
		else
			st->by_dir[0]++;
	}
}

static void merge_set(struct intern *into, const struct intern *from)
{
	for (size_t i = 0; i < intern_count(from); i++) {
		size_t len;
		const char *s = intern_str(from, (uint32_t)i, &len);
		intern_put(into, s, len, NULL);
	}
}

void stats_merge(struct stats *into, struct stats *from)
{
	stats_flush(into);
	stats_flush(from);
	if (from->timed) {
		if (!into->timed || from->tmin < into->tmin)
			into->tmin = from->tmin;
		if (!into->timed || from->tmax > into->tmax)
			into->tmax = from->tmax;
	}
	into->records += from->records;
	into->timed += from->timed;
	into->out_of_order += from->out_of_order;
	for (int i = 0; i < 5; i++)
		into->by_type[i] += from->by_type[i];
	for (int i = 0; i < 4; i++)
		into->by_dir[i] += from->by_dir[i];
	merge_set(&into->subscribers, &from->subscribers);
	merge_set(&into->cells, &from->cells);
	merge_set(&into->imeis, &from->imeis);
	merge_set(&into->hours, &from->hours);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

size_t stats_gaps(const struct stats *st, struct gap **out, uint64_t *hours)
{
	size_t n = intern_count(&st->hours), ngap = 0, alloc = 0;
	int64_t *keys = xcalloc(n ? n : 1, sizeof(*keys));
	struct gap *gaps = NULL;
	*hours = 0;
	for (size_t i = 0; i < n; i++)
		memcpy(&keys[i], intern_str(&st->hours, (uint32_t)i, NULL),
		       sizeof(int64_t));
	qsort(keys, n, sizeof(*keys), cmp_i64);
	for (size_t i = 1; i < n; i++) {
		if (keys[i] - keys[i - 1] <= 1)
			continue;
		VEC_GROW(gaps, ngap + 1, alloc);
		/* local hour keys back to instants */
		gaps[ngap].start = tz_local_to_utc(st->tz, (keys[i - 1] + 1) * HOUR_MS);
		gaps[ngap].end = tz_local_to_utc(st->tz, keys[i] * HOUR_MS);
		*hours += (uint64_t)(keys[i] - keys[i - 1] - 1);
		ngap++;
	}
	free(keys);
	*out = gaps;
	return ngap;
}

void stats_release(struct stats *st)
{
	intern_release(&st->subscribers);
	intern_release(&st->cells);
	intern_release(&st->imeis);
	intern_release(&st->hours);
}
