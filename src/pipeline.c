/*
 * pipeline.c - readers, workers and in-order completion (see pipeline.h).
 *
 * Threads, for -j N (N >= 2): R = min(inputs, N/2) reader threads, each
 * taking the next unread input and cutting it into blocks; N-1-R worker
 * threads parsing blocks; and the main thread, which completes blocks and
 * parses too whenever it has nothing to complete. A reader whose input has
 * as many blocks in flight as allowed parses blocks instead of waiting.
 * With N = 1 the main thread does it all, block by block: the same blocks,
 * so the same results.
 *
 * Cutting a block: the block ends just after the last line end (LF, CRLF
 * or CR, csvrow.h's rule; never between the CR and LF of a pair) that lies
 * outside quotes, counting quote characters from the block start (every
 * block starts outside quotes, so the parity is exact for well-formed CSV;
 * for broken quoting the cut is still deterministic, the same for every -j,
 * and the rows around it are rejected by the block's own parser). A record
 * longer than a block makes the block grow, up to BLOCK_MAX; past that the
 * block is cut at its last line end whatever the quotes.
 *
 * Completing a block has two halves. Absorbing it (its input's line count,
 * accounting, order checks) happens in block order within its input, as
 * soon as it is parsed, for any input. Emitting it (the command's
 * input_start, rejects and output hooks, input_end after the last block)
 * happens in input order: blocks of inputs after the lowest unfinished one
 * keep their output and rejects until their input's turn, up to
 * DEFER_MAX bytes per input, past which that input waits. So output is in
 * input order and byte-identical for every -j, and inputs are read in
 * parallel.
 *
 * Cancelling (a closed pipe, DESIGN 3): a hook sets *o->cancel. The main
 * thread then emits nothing more and stops completing; readers stop before
 * their next read or block, parsers before their next block, threads
 * waiting for room or work are woken; after the join, the main thread
 * frees the blocks and inputs left over.
 */
#include "pipeline.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expr.h"
#include "input.h"
#include "xalloc.h"
#include "banned.h"

#define BLOCK_DEFAULT (2u << 20)
#define ROW_SLACK (2u << 20) /* beyond the row cap before a forced cut */
#define READ_STEP (1u << 20)
#define DEFER_MAX (64u << 20) /* output kept for a later input, bytes */

/* ---- rejects, serialised into a task's buffer ---- */

struct reject_head {
	uint64_t line;       /* line within the block, from 1 */
	const char *reason;  /* static */
	uint32_t detail_len; /* bytes of detail that follow */
	uint32_t raw_len;    /* bytes of raw row that follow the detail */
};

static void add_reject(struct pipe_task *t, uint64_t line, const char *reason,
		       const char *detail, size_t dl, const char *raw, size_t rl)
{
	struct reject_head h = { line, reason, (uint32_t)dl, (uint32_t)rl };
	if (dl > UINT32_MAX || rl > UINT32_MAX)
		h.detail_len = h.raw_len = 0;
	buf_add(&t->rejects, &h, sizeof(h));
	buf_add(&t->rejects, detail, h.detail_len);
	buf_add(&t->rejects, raw, h.raw_len);
	t->acct.rejected++;
	acct_reject(&t->acct, reason, 1);
}

/* ---- the worker side: parse one block ---- */

struct worker {
	pthread_t thread;
	struct pipeline *pl;
	struct record rec;
	struct expr_state *est;
	size_t bound;                   /* index of the input the expr state
					   is bound to (SIZE_MAX: none) */
	void *wctx;                     /* the command's state */
	struct buf detail;
	int is_reader;                  /* reads inputs before it parses */
};

struct pipeline {
	const struct pipe_opts *o;
	const struct pipe_hooks *h;
	const char *const *paths;
	size_t n;                       /* inputs */
	struct pipe_input **pins;       /* n slots, made when read starts */
	size_t next_input;              /* inputs taken by readers */
	size_t head;                    /* lowest input not yet emitted whole */
	size_t quota;                   /* blocks in flight per input */
	size_t defer_max;               /* output kept per later input */
	pthread_mutex_t mu;
	pthread_cond_t work, done, room;
	int stop;
	int threaded;                   /* 0: the main thread does it all */
	struct pipe_task *q_head, *q_tail; /* blocks not taken by a parser */
	struct worker *w;
	size_t nw;                      /* worker slots: threads + main */
	size_t nthreads;                /* of which running as threads */
	uint64_t rows_done;             /* rows of absorbed blocks */
	/* finished blocks' buffers, kept for reuse: no page faults per block */
	char *spare[16];
	size_t spare_cap[16];
	size_t nspare;
	double t0, last_progress;       /* seconds (monotonic clock) */
};

static int cancelled(const struct pipeline *pl)
{
	return pl->o->cancel && __atomic_load_n(pl->o->cancel, __ATOMIC_ACQUIRE);
}

/* Free a block that will never be completed. */
static void drop_task(struct pipe_task *t)
{
	free(t->data);
	buf_release(&t->out);
	buf_release(&t->rejects);
	acct_release(&t->acct);
	free(t);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Report progress at most once a second (main thread). */
static void maybe_progress(struct pipeline *pl)
{
	if (!pl->h->progress || pl->head >= pl->n || !pl->pins[pl->head])
		return;
	double t = now_seconds();
	if (t - pl->last_progress < 1.0)
		return;
	pl->last_progress = t;
	const struct pipe_input *pin = pl->pins[pl->head];
	pl->h->progress(pl->h->ctx, pl->paths[pl->head],
			__atomic_load_n(&pin->bytes_read, __ATOMIC_RELAXED),
			pl->rows_done, t - pl->t0);
}

static void parse_block(struct worker *w, struct pipe_task *t)
{
	const struct pipe_opts *o = w->pl->o;
	const struct pipe_hooks *h = w->pl->h;
	const struct pipe_input *pin = t->pin;
	struct csvrow r;
	struct csvrow_row row;
	struct diag d = DIAG_INIT;
	int rc;

	if (!pin->usable || !t->len)
		return;
	if (w->est && w->bound != pin->index) {
		struct diag bd = DIAG_INIT;
		expr_state_bind(w->est, pin->src.schema, &bd);
		diag_release(&bd);
		w->bound = pin->index;
	}
	uint64_t need = h->need | (o->expr ? expr_needs(o->expr) : 0);
	csvrow_open_block(&r, t->data, t->len, o->co, pin->delimiter,
			  t->cut_short, t->skip_first_line);
	memset(&w->rec.cell, 0, sizeof(w->rec.cell));
	while ((rc = csvrow_next(&r, &row, &d)) != CSVROW_EOF) {
		if (rc == CSVROW_FATAL)
			break;
		if (rc == CSVROW_REJECT) {
			t->acct.read++;
			add_reject(t, row.line, r.reason, "", 0, row.raw, row.raw_len);
			continue;
		}
		int cls = schema_row_class(pin->src.schema, &row);
		if (cls == SCHEMA_ROW_HEADER)
			t->acct.repeated_headers++;
		if (cls != SCHEMA_ROW_DATA)
			continue;
		t->acct.read++;
		const char *reason;
		buf_reset(&w->detail);
		w->rec.file = pin->name;
		if (schema_map_row(pin->src.schema, &row, &w->rec, need, &reason,
				   &w->detail) < 0) {
			add_reject(t, row.line, reason, w->detail.data ? w->detail.data : "",
				   w->detail.len, row.raw, row.raw_len);
			continue;
		}
		t->acct.accepted++;
		w->rec.line += t->line_base; /* absolute, for the analyses */
		if (o->expr) {
			const char *why = NULL;
			int m = expr_eval(o->expr, w->est, &w->rec, &why);
			if (m < 0) {
				t->acct.accepted--;
				add_reject(t, row.line, why ? why : "filter error", "",
					   0, row.raw, row.raw_len);
				continue;
			}
			if (m == 0) {
				t->acct.filtered++;
				continue;
			}
		}
		t->acct.matched++;
		if (record_has(&w->rec, F_START)) {
			int64_t s = w->rec.v[F_START].i;
			if (!t->timed)
				t->first_start = s;
			else if (s < t->last_start)
				t->out_of_order++;
			t->last_start = s;
			t->timed = 1;
		}
		if (h->record)
			h->record(w->wctx, pin, &w->rec, &t->out);
		/* sampling runs on one thread: 'pin' is this parser's alone */
		if (o->sample_rows &&
		    ++((struct pipe_input *)pin)->sampled >= o->sample_rows)
			break;
	}
	t->lines = r.lines;
	t->acct.blank_lines = r.blank_lines;
	t->cell = w->rec.cell;
	csvrow_close(&r);
	diag_release(&d);
}

/* ---- queues (callers hold pl->mu) ---- */

/* The oldest block no parser has taken, or NULL. */
static struct pipe_task *take_untaken(struct pipeline *pl)
{
	struct pipe_task *t = pl->q_head;
	if (t) {
		pl->q_head = t->next_q;
		if (!pl->q_head)
			pl->q_tail = NULL;
		t->done = 1;
	}
	return t;
}

/* Parse 't' (taken under the lock) with 'w', unlocked, and say so. */
static void parse_taken(struct pipeline *pl, struct worker *w,
			struct pipe_task *t)
{
	pthread_mutex_unlock(&pl->mu);
	parse_block(w, t);
	pthread_mutex_lock(&pl->mu);
	t->done = 2;
	pthread_cond_broadcast(&pl->done);
}

static void *worker_main(void *arg);

/* A buffer of at least '*cap' bytes (+1): a spare one, or a new one. */
static char *take_buffer(struct pipeline *pl, size_t *cap)
{
	if (pl->threaded)
		pthread_mutex_lock(&pl->mu);
	for (size_t i = 0; i < pl->nspare; i++)
		if (pl->spare_cap[i] >= *cap) {
			char *b = pl->spare[i];
			*cap = pl->spare_cap[i];
			pl->spare[i] = pl->spare[--pl->nspare];
			pl->spare_cap[i] = pl->spare_cap[pl->nspare];
			if (pl->threaded)
				pthread_mutex_unlock(&pl->mu);
			return b;
		}
	if (pl->threaded)
		pthread_mutex_unlock(&pl->mu);
	return xmalloc(*cap + 1);
}

/* Keep a block buffer for reuse, or free it (caller holds the lock). */
static void give_buffer(struct pipeline *pl, char *data, size_t cap)
{
	if (data && pl->nspare < sizeof(pl->spare) / sizeof(pl->spare[0])) {
		pl->spare[pl->nspare] = data;
		pl->spare_cap[pl->nspare++] = cap;
	} else {
		free(data);
	}
}

/* ---- completing blocks (main thread) ---- */

/* Append 't' to one of its input's lists (linked through next_in). */
static void append_in(struct pipe_task **first, struct pipe_task **last,
		      struct pipe_task *t)
{
	t->next_in = NULL;
	if (*last)
		(*last)->next_in = t;
	else
		*first = t;
	*last = t;
}


/* The input-order half of completing a block: its input's counters. */
static void absorb_task(struct pipeline *pl, struct pipe_task *t)
{
	struct pipe_input *pin = t->pin;
	/* t->line_base was set by the reader; the worker's count of the
	   block's lines agrees with it (the same rule, csvrow_lines) */
	if (t->member_rel)
		pin->member_line = t->line_base + t->member_rel;
	acct_merge(&pin->acct, &t->acct);
	if (t->timed) {
		if (pin->timed && t->first_start < pin->last_start)
			pin->out_of_order++;
		pin->out_of_order += t->out_of_order;
		pin->last_start = t->last_start;
		pin->timed = 1;
	}
	pl->rows_done += t->acct.read;
	cell_use_add(&pin->cell, &t->cell);
	pin->lines += t->lines;
	acct_release(&t->acct);
}

/* The output-order half: the command's hooks; frees the task. */
static void emit_task(struct pipeline *pl, struct pipe_task *t)
{
	const struct pipe_hooks *h = pl->h;
	struct pipe_input *pin = t->pin;

	if (cancelled(pl)) {
		drop_task(t); /* its input is freed at the end of the run */
		return;
	}

	if (t->seq == 0 && h->input_start)
		h->input_start(h->ctx, pin);
	/* rows rejected before a header-less input's first data row */
	for (size_t i = 0; t->seq == 0 && h->reject && i < pin->src.nearly; i++) {
		const struct early_reject *e = &pin->src.early[i];
		struct pipe_reject rj = { e->line, e->reason, "", 0,
					  pin->src.early_raw.data + e->off,
					  e->len };
		h->reject(h->ctx, pin, &rj);
	}
	/* rejects, with lines made absolute */
	const char *p = t->rejects.data, *end = p + t->rejects.len;
	while (p && p < end) {
		struct reject_head rh;
		memcpy(&rh, p, sizeof(rh));
		p += sizeof(rh);
		struct pipe_reject rj = { t->line_base + rh.line, rh.reason, p,
					  rh.detail_len, p + rh.detail_len,
					  rh.raw_len };
		p += rh.detail_len + rh.raw_len;
		if (h->reject && !cancelled(pl))
			h->reject(h->ctx, pin, &rj);
	}
	if (h->block_out && t->out.len && !cancelled(pl))
		h->block_out(h->ctx, pin, &t->out);
	if (t->last && !cancelled(pl)) {
		if (pin->damaged && pin->member_line &&
		    pin->src.problem_cls == DIAG_CHECK)
			buf_addf(&pin->src.problem, " (lines %llu to %llu of that "
				 "member were read but cannot be trusted)",
				 (unsigned long long)pin->member_line,
				 (unsigned long long)pin->lines);
		if (h->input_end)
			h->input_end(h->ctx, pin);
		acct_release(&pin->acct);
		source_release(&pin->src);
		pl->pins[pin->index] = NULL;
		free(pin);
	}
	buf_release(&t->out);
	buf_release(&t->rejects);
	free(t);
}

/*
 * The next block the main thread can complete (caller holds the lock):
 * the oldest parsed block of the head input, else of a later input whose
 * kept output is under DEFER_MAX. Sets '*is_head'.
 */
static struct pipe_task *next_absorbable(struct pipeline *pl, int *is_head)
{
	for (size_t i = pl->head; i < pl->next_input && i < pl->n; i++) {
		struct pipe_input *pin = pl->pins[i];
		if (!pin || !pin->q_first || pin->q_first->done != 2)
			continue;
		if (i != pl->head && pin->deferred_bytes >= pl->defer_max)
			continue;
		struct pipe_task *t = pin->q_first;
		pin->q_first = t->next_in;
		if (!pin->q_first)
			pin->q_last = NULL;
		pin->inflight--;
		give_buffer(pl, t->data, t->cap);
		t->data = NULL;
		pthread_cond_broadcast(&pl->room);
		*is_head = i == pl->head;
		return t;
	}
	return NULL;
}

/*
 * Complete what can be completed (main thread, lock held on entry and
 * exit). Returns 1 when something was done, 0 when nothing could be.
 */
static int complete_some(struct pipeline *pl)
{
	/* first the head input: emit what it kept while it waited; move on */
	if (pl->head < pl->n && pl->head < pl->next_input) {
		struct pipe_input *pin = pl->pins[pl->head];
		if (!pin) {
			/* emitted whole (its last block freed it) */
			pl->head++;
			return 1;
		}
		if (pin->d_first) {
			struct pipe_task *d = pin->d_first;
			pin->d_first = NULL;
			pin->d_last = NULL;
			pin->deferred_bytes = 0;
			pthread_mutex_unlock(&pl->mu);
			while (d) {
				struct pipe_task *next = d->next_in;
				emit_task(pl, d); /* may free pin with the last */
				d = next;
			}
			if (cancelled(pl)) {
				pthread_mutex_lock(&pl->mu);
				return 0;
			}
			pthread_mutex_lock(&pl->mu);
			return 1;
		}
	}
	int is_head;
	struct pipe_task *t = next_absorbable(pl, &is_head);
	if (!t)
		return 0;
	pthread_mutex_unlock(&pl->mu);
	absorb_task(pl, t);
	if (is_head)
		emit_task(pl, t);
	pthread_mutex_lock(&pl->mu);
	if (!is_head) {
		struct pipe_input *pin = t->pin;
		append_in(&pin->d_first, &pin->d_last, t);
		pin->deferred_bytes += t->out.len + t->rejects.len + sizeof(*t);
	}
	return 1;
}

/* ---- making blocks (readers) ---- */

/*
 * Hand block 't' over. Threaded: queue it for the parsers, once its input
 * has room, parsing other blocks while it has none. One thread: parse it,
 * complete it, now.
 */
static void submit(struct pipeline *pl, struct worker *self, struct pipe_task *t)
{
	struct pipe_input *pin = t->pin;
	if (cancelled(pl)) {
		drop_task(t);
		return;
	}
	if (!pl->threaded) {
		parse_block(self, t);
		give_buffer(pl, t->data, t->cap);
		t->data = NULL;
		absorb_task(pl, t);
		emit_task(pl, t);
		return;
	}
	pthread_mutex_lock(&pl->mu);
	while (pin->inflight >= pl->quota && !cancelled(pl)) {
		struct pipe_task *u = take_untaken(pl);
		if (u)
			parse_taken(pl, self, u);
		else
			pthread_cond_wait(&pl->room, &pl->mu);
	}
	if (cancelled(pl)) {
		pthread_mutex_unlock(&pl->mu);
		drop_task(t);
		return;
	}
	pin->inflight++;
	append_in(&pin->q_first, &pin->q_last, t);
	t->next_q = NULL;
	if (pl->q_tail)
		pl->q_tail->next_q = t;
	else
		pl->q_head = t;
	pl->q_tail = t;
	pthread_cond_signal(&pl->work);
	pthread_cond_broadcast(&pl->done); /* the main thread may parse it */
	pthread_mutex_unlock(&pl->mu);
}

static struct pipe_task *new_task(struct pipe_input *pin, uint64_t seq)
{
	struct pipe_task *t = xcalloc(1, sizeof(*t));
	t->pin = pin;
	t->seq = seq;
	return t;
}

/*
 * 1 when a line ends just after b[i] (csvrow.h's rule: LF, CRLF or CR).
 * A CR that is the block's last byte is not known to end a line: the LF
 * of a CRLF pair may come with the next read, and the pair is never cut.
 */
static int line_ends_at(const char *b, size_t len, size_t i)
{
	if (b[i] == '\n')
		return 1;
	return b[i] == '\r' && i + 1 < len && b[i + 1] != '\n';
}

/*
 * The end of the last whole record in b[0..len): just past the last line
 * end outside quotes, or 0 when there is none.
 */
static size_t cut_point(const char *b, size_t len)
{
	if (!memchr(b, '"', len)) {
		for (size_t i = len; i-- > 0;)
			if (line_ends_at(b, len, i))
				return i + 1;
		return 0;
	}
	/* quotes present: find the last line end with an even count before it */
	uint64_t total = 0;
	for (size_t i = 0; i < len; i++)
		total += b[i] == '"';
	uint64_t after = 0;
	for (size_t i = len; i-- > 0;) {
		if (b[i] == '"')
			after++;
		else if (((total - after) & 1) == 0 && line_ends_at(b, len, i))
			return i + 1;
	}
	return 0;
}

/*
 * Line ends in b[0..n) by csvrow_lines's rule (LF, CRLF, CR; a block
 * starts afresh, as the worker's reader does): bytes equal to LF counted
 * sixteen at a time (SSE2: a compare gives -1 per LF, subtracted into
 * byte counters that a sum of absolute differences empties every 255
 * steps, before any can wrap) or eight at a time, and the exact rule only
 * where a CR occurs.
 */
static uint64_t count_lines(const char *b, size_t n)
{
	if (memchr(b, '\r', n))
		return csvrow_lines(b, n, 0);
	uint64_t lines = 0;
	size_t i = 0;
#if defined(__SSE2__)
	const __m128i lf16 = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i acc = zero;
		size_t steps = (n - i) / 16;
		if (steps > 255)
			steps = 255;
		for (size_t k = 0; k < steps; k++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, lf16));
		}
		__m128i sum = _mm_sad_epu8(acc, zero);
		lines += (uint64_t)_mm_cvtsi128_si32(sum) +
			 (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
	}
#endif
	const uint64_t ones = 0x0101010101010101ull, lf = ones * '\n';
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		w ^= lf; /* bytes that were LF are now zero */
		uint64_t z = ~(((w & low7) + low7) | w | low7);
		lines += ((z >> 7) * ones) >> 56; /* zero bytes, 0..8 */
	}
	for (; i < n; i++)
		lines += b[i] == '\n';
	return lines;
}

/* Reading progress for the progress line (any thread may read it). */
static void note_bytes(struct pipe_input *pin)
{
	__atomic_store_n(&pin->bytes_read, pin->src.in.bytes_in, __ATOMIC_RELAXED);
}

/* An archive's own row (issue 12): what members.c found, nothing read. */
static void archive_row(struct pipe_input *pin, const struct member_item *it)
{
	pin->name = it->name;
	pin->src.name = it->name;
	pin->archive = 1;
	pin->damaged = it->damaged;
	pin->src.in.bytes_in = it->bytes;
	pin->src.in.eof = 1;
	memcpy(pin->src.in.sha256, it->sha256, sizeof(it->sha256));
	if (it->problem)
		buf_adds(&pin->src.problem, it->problem);
}

/* A member that unpacking found damaged or refused: its input ends so. */
static void member_problem(struct pipe_input *pin,
			   const struct member_item *it)
{
	if (!it || !it->problem || pin->damaged || pin->read_failed)
		return;
	if (it->refused) {
		pin->src.foreign = 1;
		pin->src.unusable = 1;
	} else {
		pin->damaged = 1;
		pin->src.damaged = 1;
	}
	buf_reset(&pin->src.problem);
	buf_adds(&pin->src.problem, it->problem);
	pin->src.problem_cls = it->refused ? DIAG_OTHER : DIAG_DAMAGED;
}

/* Read input 'index' with worker slot 'self': header, then blocks. */
static void read_input(struct pipeline *pl, struct worker *self, size_t index)
{
	const struct pipe_opts *o = pl->o;
	const char *path = pl->paths[index];
	struct pipe_input *pin = pl->pins[index];
	uint64_t need = pl->h->need | (o->expr ? expr_needs(o->expr) : 0);
	struct diag d = DIAG_INIT;
	uint64_t seq = 0;

	const struct member_item *it = o->items ? &o->items[index] : NULL;
	if (it && it->kind == MEMBER_ARCHIVE) {
		archive_row(pin, it);
		struct pipe_task *t = new_task(pin, seq);
		t->last = 1;
		submit(pl, self, t);
		return;
	}
	int opened = source_open(&pin->src, path, o->so, o->co, need);
	if (it) {
		/* members keep the archive's name: "delivery.zip:q1/a.csv" */
		pin->src.name = it->name;
		pin->src.in.name = it->name;
		pin->member = it->kind == MEMBER_OF;
	}
	if (opened < 0 ||
	    source_require(&pin->src, o->require, o->nrequire) < 0) {
		pin->name = pin->src.name;
		pin->damaged = pin->src.in.damaged;
		member_problem(pin, it);
		/* read the rest so that size and hash cover the whole file */
		char tmp[65536];
		size_t got;
		while (!pin->src.open_failed && !cancelled(pl) &&
		       input_read(&pin->src.in, tmp, sizeof(tmp), &got, &d) == INPUT_OK &&
		       got)
			;
		note_bytes(pin);
		acct_merge(&pin->acct, &pin->src.acct);
		struct pipe_task *t = new_task(pin, seq);
		t->last = 1;
		submit(pl, self, t);
		diag_release(&d);
		return;
	}
	pin->name = pin->src.name;
	pin->usable = 1;
	pin->delimiter = pin->src.rd.delimiter;
	acct_merge(&pin->acct, &pin->src.acct);
	pin->lines = pin->src.rd.lines;
	/*
	 * With no header (--no-header, a header-less preset) the first row
	 * the schema was built from is data: it goes back in front of the
	 * first block, its lines not yet counted, so that it is read like
	 * every other row.
	 */
	const char *first = NULL;
	size_t first_len = 0;
	if (pin->src.pending_first) {
		pin->src.pending_first = 0;
		first = pin->src.header_raw.data;
		first_len = pin->src.header_raw.len;
		pin->lines = pin->src.row.line - 1;
	}

	const char *rest;
	size_t rest_len;
	int at_eof;
	int damage = csvrow_take_rest(&pin->src.rd, &rest, &rest_len, &at_eof, &d);
	if (damage) {
		if (pin->src.rd.io_error)
			pin->read_failed = 1;
		else
			pin->damaged = 1;
		source_set_problem(&pin->src, &d);
	}
	/*
	 * Where the latest gzip member began (uncompressed offset), for the
	 * line numbers of a CRC report: found in the block that holds it.
	 */
	uint64_t blk_off = pin->src.in.bytes_out - rest_len - first_len;
	uint64_t member_off = pin->src.in.member_start;
	int member_open = 0;
	if (pin->src.in.members <= 1)
		pin->member_line = 1;
	else
		member_open = 1;
	size_t bsize = o->block_size ? o->block_size : BLOCK_DEFAULT;
	size_t alloc = bsize > rest_len + first_len ? bsize : rest_len + first_len;
	size_t len = 0;
	char *blk = take_buffer(pl, &alloc);
	/*
	 * A block grows to hold a long record, but only to what a row may
	 * be (4 field caps) plus slack: past that the row is rejected anyway,
	 * and the block is cut mid-line, the next one skipping the line's rest.
	 */
	size_t fcap = o->co && o->co->field_cap ? o->co->field_cap : (1u << 20);
	size_t grow_max = (fcap < (1u << 20) ? (4u << 20) : fcap * 4) + ROW_SLACK;
	int skip_next = 0;
	uint64_t line_base = pin->lines; /* the reader's own count */
	if (first_len)
		memcpy(blk, first, first_len);
	memcpy(blk + first_len, rest, rest_len);
	len = first_len + rest_len;
	int eof = at_eof || damage;
	if (at_eof && !damage)
		member_problem(pin, it); /* read whole with its header */
	note_bytes(pin);
	while (!cancelled(pl)) {
		/* fill to the block size, or to the end of the input */
		while (!eof && len < bsize && !cancelled(pl)) {
			size_t got = 0;
			size_t ask = bsize - len < READ_STEP ? bsize - len : READ_STEP;
			unsigned before = pin->src.in.members;
			int rc = input_read(&pin->src.in, blk + len, ask, &got, &d);
			if (pin->src.in.members != before) {
				member_off = pin->src.in.member_start;
				member_open = 1;
			}
			len += got;
			note_bytes(pin);
			if (rc != INPUT_OK) {
				if (rc == INPUT_IOERR)
					pin->read_failed = 1;
				else
					pin->damaged = 1;
				source_set_problem(&pin->src, &d);
				eof = 1;
			} else if (got == 0) {
				eof = 1;
				member_problem(pin, it);
			}
		}
		size_t cut = eof ? len : cut_point(blk, len);
		int forced = 0;
		if (!eof && cut == 0) {
			if (alloc < grow_max) {
				/* a record longer than the block: grow it */
				alloc = alloc * 2 < grow_max ? alloc * 2 : grow_max;
				blk = xrealloc(blk, alloc + 1);
				bsize = alloc;
				continue;
			}
			cut = len; /* an overlong line: cut it */
			forced = 1;
		}
		struct pipe_task *t = new_task(pin, seq++);
		t->skip_first_line = skip_next;
		skip_next = forced;
		/* lines are counted here, in input order, so that a record's
		   line is absolute in the worker already */
		t->line_base = line_base;
		line_base += count_lines(blk, cut);
		if (member_open && member_off >= blk_off &&
		    member_off <= blk_off + cut) {
			t->member_rel = 1 + csvrow_lines(blk,
					(size_t)(member_off - blk_off), 0);
			member_open = 0;
		}
		blk_off += cut;
		/* the block buffer goes to the task; the carry to a new buffer */
		size_t want = bsize > len - cut ? bsize : len - cut;
		char *next = take_buffer(pl, &want);
		memcpy(next, blk + cut, len - cut);
		t->data = blk;
		t->cap = alloc;
		t->len = cut;
		blk = next;
		alloc = want;
		len -= cut;
		if (eof && len == 0) {
			t->last = 1;
			t->cut_short = pin->damaged || pin->read_failed;
			/*
			 * After damage the input has read (and hashed) the rest;
			 * one more call lets it say so (eof). The last submit may
			 * free 'pin', so this comes first.
			 */
			size_t got;
			char tmp[4096];
			while (!pin->src.in.eof && !cancelled(pl) &&
			       input_read(&pin->src.in, tmp, sizeof(tmp), &got,
					  &d) == INPUT_OK && got)
				;
			note_bytes(pin);
		}
		int last = eof && len == 0;
		submit(pl, self, t); /* may free 'pin' when last */
		if (last)
			break;
		if (o->sample_rows && pin->sampled >= o->sample_rows) {
			/* the sample is complete: an empty last block ends
			   the input here, the rest unread */
			t = new_task(pin, seq++);
			t->last = 1;
			submit(pl, self, t);
			break;
		}
		if (!pl->threaded)
			maybe_progress(pl);
		bsize = o->block_size ? o->block_size : BLOCK_DEFAULT;
	}
	free(blk);
	diag_release(&d);
}

/* ---- threads ---- */

/* A reader takes inputs until none is left, then parses like a worker. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *pl = w->pl;
	pthread_mutex_lock(&pl->mu);
	while (w->is_reader && pl->next_input < pl->n && !cancelled(pl)) {
		size_t i = pl->next_input++;
		pthread_mutex_unlock(&pl->mu);
		read_input(pl, w, i);
		pthread_mutex_lock(&pl->mu);
	}
	for (;;) {
		struct pipe_task *t = cancelled(pl) ? NULL : take_untaken(pl);
		if (t) {
			parse_taken(pl, w, t);
			continue;
		}
		if (pl->stop)
			break;
		pthread_cond_wait(&pl->work, &pl->mu);
	}
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

void pipeline_run(const char *const *paths, size_t n,
		  const struct pipe_opts *o, const struct pipe_hooks *h)
{
	struct pipeline pl;
	memset(&pl, 0, sizeof(pl));
	pl.o = o;
	pl.h = h;
	pl.paths = paths;
	pl.n = n;
	pl.t0 = pl.last_progress = now_seconds();
	pl.pins = xcalloc(n ? n : 1, sizeof(*pl.pins));
	for (size_t i = 0; i < n; i++) {
		pl.pins[i] = xcalloc(1, sizeof(*pl.pins[i]));
		pl.pins[i]->index = i;
		pl.pins[i]->name = o->items ? o->items[i].name : paths[i];
	}
	/*
	 * N threads: R readers (half the threads, at most one an input),
	 * N-1-R workers, and the main thread completing and parsing.
	 */
	size_t nt = o->sample_rows ? 1 : o->threads > 1 ? o->threads : 1;
	size_t readers = nt > 1 ? (nt / 2 < n ? nt / 2 : n) : 0;
	if (nt > 1 && readers == 0)
		readers = 1;
	size_t workers = nt > 1 ? nt - 1 - readers : 0;
	pl.threaded = nt > 1;
	pl.nthreads = readers + workers;
	pl.nw = pl.nthreads + 1;
	pl.quota = 2 * (workers + 1) + 4;
	pl.defer_max = o->defer_max ? o->defer_max : DEFER_MAX;
	pl.w = xcalloc(pl.nw, sizeof(*pl.w));
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.work, NULL);
	pthread_cond_init(&pl.done, NULL);
	pthread_cond_init(&pl.room, NULL);
	for (size_t i = 0; i < pl.nw; i++) {
		struct worker *w = &pl.w[i];
		w->pl = &pl;
		w->bound = SIZE_MAX;
		w->is_reader = i >= workers && i < pl.nthreads;
		record_init(&w->rec);
		if (o->expr)
			w->est = expr_state_new(o->expr);
		w->wctx = h->worker_new ? h->worker_new(h->ctx) : NULL;
	}
	struct worker *self = &pl.w[pl.nthreads]; /* the main thread's slot */
	if (!pl.threaded) {
		for (size_t i = 0; i < n && !cancelled(&pl); i++) {
			pl.next_input = i + 1;
			read_input(&pl, self, i);
		}
	} else {
		for (size_t i = 0; i < pl.nthreads; i++) {
			int rc = pthread_create(&pl.w[i].thread, NULL,
						worker_main, &pl.w[i]);
			if (rc != 0) {
				/* a resource limit, not a bug: exit 4 as out
				   of memory does (DESIGN section 7), through
				   exit() so that atexit cleanups (unpacked
				   archives) run; the workers started so far
				   wait for work and touch nothing */
				fprintf(stderr,
					"cdrsift: cannot start a thread (%s); "
					"try fewer with -j\n", strerror(rc));
				exit(4);
			}
		}
		pthread_mutex_lock(&pl.mu);
		while (pl.head < n && !cancelled(&pl)) {
			if (complete_some(&pl))
				continue;
			struct pipe_task *t = take_untaken(&pl);
			if (t) {
				parse_taken(&pl, self, t);
				continue;
			}
			pthread_mutex_unlock(&pl.mu);
			maybe_progress(&pl);
			pthread_mutex_lock(&pl.mu);
			if (!complete_some(&pl) && !pl.q_head) {
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_sec += 1; /* wake for the progress line */
				pthread_cond_timedwait(&pl.done, &pl.mu, &ts);
			}
		}
		pl.stop = 1;
		pthread_cond_broadcast(&pl.work);
		pthread_cond_broadcast(&pl.room);
		pthread_mutex_unlock(&pl.mu);
		for (size_t i = 0; i < pl.nthreads; i++)
			pthread_join(pl.w[i].thread, NULL);
	}
	/* after a cancel: the blocks and inputs no one will complete */
	for (size_t i = 0; i < n; i++) {
		struct pipe_input *pin = pl.pins[i];
		if (!pin)
			continue;
		struct pipe_task *lists[2] = { pin->q_first, pin->d_first };
		for (int k = 0; k < 2; k++)
			for (struct pipe_task *t = lists[k], *next; t; t = next) {
				next = t->next_in;
				drop_task(t);
			}
		acct_release(&pin->acct);
		source_release(&pin->src);
		free(pin);
		pl.pins[i] = NULL;
	}
	for (size_t i = 0; i < pl.nw; i++) {
		struct worker *w = &pl.w[i];
		if (h->worker_done)
			h->worker_done(h->ctx, w->wctx);
		if (w->est)
			expr_state_free(w->est);
		record_release(&w->rec);
		buf_release(&w->detail);
	}
	for (size_t i = 0; i < pl.nspare; i++)
		free(pl.spare[i]);
	pthread_mutex_destroy(&pl.mu);
	pthread_cond_destroy(&pl.work);
	pthread_cond_destroy(&pl.done);
	pthread_cond_destroy(&pl.room);
	free(pl.pins);
	free(pl.w);
}
