/*
 * pipeline.c - blocks, workers and in-order completion (see pipeline.h).
 *
 * Cutting a block: the block ends just after the last line end that lies
 * outside quotes, counting quote characters from the block start (every
 * block starts outside quotes, so the parity is exact for well-formed CSV;
 * for broken quoting the cut is still deterministic, the same for every -j,
 * and the rows around it are rejected by the block's own parser). A record
 * longer than a block makes the block grow, up to BLOCK_MAX; past that the
 * block is cut at its last line end whatever the quotes.
 *
 * Queue: tasks are made in input order into a ring of MAX_INFLIGHT slots.
 * Workers take the oldest queued task; the main thread finishes tasks
 * strictly in ring order, so everything order-dependent comes out in input
 * order. With one thread the main thread parses each block as soon as it
 * is cut: the same code, the same blocks.
 */
#include "pipeline.h"

#include <pthread.h>
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
};

struct pipeline {
	const struct pipe_opts *o;
	const struct pipe_hooks *h;
	struct pipe_task **ring;        /* MAX_INFLIGHT slots */
	size_t cap, head, count;        /* oldest slot; tasks in the ring */
	size_t next_take;               /* tasks handed to workers so far */
	size_t made;                    /* tasks made so far */
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	int stop;
	struct worker *w;
	size_t nw;
	uint64_t rows_done;             /* rows of finished blocks, all inputs */
	/* finished blocks' buffers, kept for reuse: no page faults per block */
	char *spare[8];
	size_t spare_cap[8];
	size_t nspare;
	double t0, last_progress;       /* seconds (monotonic clock) */
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Report progress at most once a second (main thread). */
static void maybe_progress(struct pipeline *pl, const struct pipe_input *pin)
{
	if (!pl->h->progress)
		return;
	double t = now_seconds();
	if (t - pl->last_progress < 1.0)
		return;
	pl->last_progress = t;
	pl->h->progress(pl->h->ctx, pin, pl->rows_done, t - pl->t0);
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
	csvrow_open_block(&r, t->data, t->len, o->co, pin->delimiter, pin->term,
			  t->cut_short, t->skip_first_line);
	w->rec.cell_filled = w->rec.cell_disagree = w->rec.cell_unknown = 0;
	while ((rc = csvrow_next(&r, &row, &d)) != CSVROW_EOF) {
		if (rc == CSVROW_FATAL)
			break;
		if (rc == CSVROW_REJECT) {
			t->acct.read++;
			add_reject(t, row.line, r.reason, "", 0, row.raw, row.raw_len);
			continue;
		}
		if (schema_is_header_row(pin->src.schema, &row)) {
			t->acct.repeated_headers++;
			continue;
		}
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
	}
	t->lines = r.lines;
	t->acct.blank_lines = r.blank_lines;
	t->cell_filled = w->rec.cell_filled;
	t->cell_disagree = w->rec.cell_disagree;
	t->cell_unknown = w->rec.cell_unknown;
	csvrow_close(&r);
	diag_release(&d);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *pl = w->pl;
	pthread_mutex_lock(&pl->mu);
	for (;;) {
		while (!pl->stop && pl->next_take == pl->made)
			pthread_cond_wait(&pl->work, &pl->mu);
		if (pl->next_take == pl->made && pl->stop)
			break;
		struct pipe_task *t = pl->ring[pl->next_take % pl->cap];
		pl->next_take++;
		t->done = 1;
		pthread_mutex_unlock(&pl->mu);
		parse_block(w, t);
		pthread_mutex_lock(&pl->mu);
		t->done = 2;
		pthread_cond_broadcast(&pl->done);
	}
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

/* ---- the main thread: finish tasks in order ---- */

/* Lines in data[0..len) ended by 'term'. */
static uint64_t count_lines(const char *data, size_t len, char term)
{
	uint64_t n = 0;
	const char *p = data, *end = data + len;
	while (p < end && (p = memchr(p, term, (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

static void finish_task(struct pipeline *pl, struct pipe_task *t)
{
	const struct pipe_hooks *h = pl->h;
	struct pipe_input *pin = t->pin;

	if (t->seq == 0 && h->input_start)
		h->input_start(h->ctx, pin);
	/* the line where the latest gzip member began, for CRC reports */
	if (pin->member_no && !pin->member_line && pin->member_off >= pin->block_off &&
	    pin->member_off <= pin->block_off + t->len)
		pin->member_line = pin->lines + 1 +
			count_lines(t->data, (size_t)(pin->member_off - pin->block_off),
				    pin->term);
	/* rejects, with lines made absolute */
	const char *p = t->rejects.data, *end = p + t->rejects.len;
	while (p && p < end) {
		struct reject_head rh;
		memcpy(&rh, p, sizeof(rh));
		p += sizeof(rh);
		struct pipe_reject rj = { pin->lines + rh.line, rh.reason, p,
					  rh.detail_len, p + rh.detail_len,
					  rh.raw_len };
		p += rh.detail_len + rh.raw_len;
		if (h->reject)
			h->reject(h->ctx, pin, &rj);
	}
	if (h->block_out && t->out.len)
		h->block_out(h->ctx, pin, &t->out);
	acct_merge(&pin->acct, &t->acct);
	if (t->timed) {
		if (pin->timed && t->first_start < pin->last_start)
			pin->out_of_order++;
		pin->out_of_order += t->out_of_order;
		pin->last_start = t->last_start;
		pin->timed = 1;
	}
	pl->rows_done += t->acct.read;
	pin->cell_filled += t->cell_filled;
	pin->cell_disagree += t->cell_disagree;
	pin->cell_unknown += t->cell_unknown;
	pin->lines += t->lines;
	pin->block_off += t->len;
	pin->tasks_left--;
	if (t->last) {
		if (pin->damaged && pin->member_line && strstr(buf_cstr(&pin->src.problem), "check"))
			buf_addf(&pin->src.problem, " (lines %llu to %llu of that "
				 "member were read but cannot be trusted)",
				 (unsigned long long)pin->member_line,
				 (unsigned long long)pin->lines);
		if (h->input_end)
			h->input_end(h->ctx, pin);
		acct_release(&pin->acct);
		source_release(&pin->src);
		free(pin);
	}
	if (t->data && pl->nspare < 8) {
		pl->spare[pl->nspare] = t->data;
		pl->spare_cap[pl->nspare++] = t->cap;
	} else {
		free(t->data);
	}
	acct_release(&t->acct);
	buf_release(&t->out);
	buf_release(&t->rejects);
	free(t);
}

/*
 * Finish the oldest task. While it is not done, the main thread parses the
 * oldest task no worker has taken yet (with its own worker state, w[nw]),
 * and only waits when every task is taken: with N threads, N-1 workers and
 * the reader share the cores without oversubscribing them.
 */
static void finish_oldest(struct pipeline *pl)
{
	struct pipe_task *t = pl->ring[pl->head];
	if (pl->nw) {
		pthread_mutex_lock(&pl->mu);
		while (t->done != 2) {
			if (pl->next_take < pl->made) {
				struct pipe_task *u = pl->ring[pl->next_take % pl->cap];
				pl->next_take++;
				u->done = 1;
				pthread_mutex_unlock(&pl->mu);
				parse_block(&pl->w[pl->nw], u);
				pthread_mutex_lock(&pl->mu);
				u->done = 2;
				continue;
			}
			pthread_cond_wait(&pl->done, &pl->mu);
		}
		pthread_mutex_unlock(&pl->mu);
	}
	pl->ring[pl->head] = NULL;
	pl->head = (pl->head + 1) % pl->cap;
	pl->count--;
	finish_task(pl, t);
}

static void submit(struct pipeline *pl, struct pipe_task *t)
{
	if (pl->count == pl->cap)
		finish_oldest(pl);
	t->pin->tasks_left++;
	if (!pl->nw) {
		/* one thread: parse now, finish in order */
		parse_block(&pl->w[0], t);
		t->done = 2;
		pl->ring[(pl->head + pl->count) % pl->cap] = t;
		pl->count++;
		pl->made++;
		pl->next_take++;
		while (pl->count)
			finish_oldest(pl);
		return;
	}
	pthread_mutex_lock(&pl->mu);
	pl->ring[(pl->head + pl->count) % pl->cap] = t;
	pl->count++;
	pl->made++;
	pthread_cond_signal(&pl->work);
	pthread_mutex_unlock(&pl->mu);
}

static char *take_buffer(struct pipeline *pl, size_t *cap);

static struct pipe_task *new_task(struct pipe_input *pin, uint64_t seq)
{
	struct pipe_task *t = xcalloc(1, sizeof(*t));
	t->pin = pin;
	t->seq = seq;
	return t;
}

/* The last 'c' in s[0..n), or NULL (memrchr is a GNU extension). */
static const char *last_byte(const char *s, char c, size_t n)
{
	while (n > 0)
		if (s[--n] == c)
			return s + n;
	return NULL;
}

/*
 * The end of the last whole record in b[0..len): just past the last line
 * end outside quotes, or 0 when there is none.
 */
static size_t cut_point(const char *b, size_t len, char term)
{
	const char *nl = len ? last_byte(b, term, len) : NULL;
	if (!nl)
		return 0;
	if (!memchr(b, '"', len))
		return (size_t)(nl - b) + 1;
	/* quotes present: find the last line end with an even count before it */
	uint64_t total = 0;
	for (size_t i = 0; i < len; i++)
		total += b[i] == '"';
	uint64_t after = 0;
	for (size_t i = len; i-- > 0;) {
		if (b[i] == '"')
			after++;
		else if (b[i] == term && ((total - after) & 1) == 0)
			return i + 1;
	}
	return 0;
}

/* Read one input: header on the main thread, then blocks. */
static void read_input(struct pipeline *pl, const char *path, size_t index)
{
	const struct pipe_opts *o = pl->o;
	struct pipe_input *pin = xcalloc(1, sizeof(*pin));
	uint64_t need = pl->h->need | (o->expr ? expr_needs(o->expr) : 0);
	struct diag d = DIAG_INIT;
	uint64_t seq = 0;

	pin->index = index;
	if (source_open(&pin->src, path, o->so, o->co, need) < 0) {
		pin->name = pin->src.name;
		pin->damaged = pin->src.in.damaged;
		/* read the rest so that size and hash cover the whole file */
		char tmp[65536];
		size_t got;
		while (!pin->src.open_failed &&
		       input_read(&pin->src.in, tmp, sizeof(tmp), &got, &d) == INPUT_OK &&
		       got)
			;
		acct_merge(&pin->acct, &pin->src.acct);
		struct pipe_task *t = new_task(pin, seq);
		t->last = 1;
		submit(pl, t);
		diag_release(&d);
		return;
	}
	pin->name = pin->src.name;
	pin->usable = 1;
	pin->delimiter = pin->src.rd.delimiter;
	pin->term = csvrow_term(&pin->src.rd);
	acct_merge(&pin->acct, &pin->src.acct);
	pin->lines = pin->src.rd.lines;

	const char *rest;
	size_t rest_len;
	int at_eof;
	int damage = csvrow_take_rest(&pin->src.rd, &rest, &rest_len, &at_eof, &d);
	if (damage) {
		if (pin->src.rd.io_error)
			pin->read_failed = 1;
		else
			pin->damaged = 1;
		buf_reset(&pin->src.problem);
		buf_add(&pin->src.problem, buf_cstr(&d.msg), d.msg.len);
	}
	pin->block_off = pin->src.in.bytes_out - rest_len;
	pin->member_no = pin->src.in.members;
	pin->member_off = pin->src.in.member_start;
	if (pin->member_no <= 1) {
		pin->member_line = 1;
		pin->member_no = pin->src.in.members;
	}
	size_t bsize = o->block_size ? o->block_size : BLOCK_DEFAULT;
	size_t alloc = bsize > rest_len ? bsize : rest_len, len = 0;
	char *blk = take_buffer(pl, &alloc);
	/*
	 * A block grows to hold a long record, but only to what a row may
	 * be (4 field caps) plus slack: past that the row is rejected anyway,
	 * and the block is cut mid-line, the next one skipping the line's rest.
	 */
	size_t fcap = o->co && o->co->field_cap ? o->co->field_cap : (1u << 20);
	size_t grow_max = (fcap < (1u << 20) ? (4u << 20) : fcap * 4) + ROW_SLACK;
	int skip_next = 0;
	memcpy(blk, rest, rest_len);
	len = rest_len;
	int eof = at_eof || damage;
	for (;;) {
		/* fill to the block size, or to the end of the input */
		while (!eof && len < bsize) {
			size_t got = 0;
			size_t ask = bsize - len < READ_STEP ? bsize - len : READ_STEP;
			unsigned before = pin->src.in.members;
			int rc = input_read(&pin->src.in, blk + len, ask, &got, &d);
			if (pin->src.in.members != before) {
				pin->member_no = pin->src.in.members;
				pin->member_off = pin->src.in.member_start;
				pin->member_line = 0;
			}
			len += got;
			if (rc != INPUT_OK) {
				if (rc == INPUT_IOERR)
					pin->read_failed = 1;
				else
					pin->damaged = 1;
				buf_reset(&pin->src.problem);
				buf_add(&pin->src.problem, buf_cstr(&d.msg), d.msg.len);
				eof = 1;
			} else if (got == 0) {
				eof = 1;
			}
		}
		size_t cut = eof ? len : cut_point(blk, len, pin->term);
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
			while (!pin->src.in.eof &&
			       input_read(&pin->src.in, tmp, sizeof(tmp), &got,
					  &d) == INPUT_OK && got)
				;
		}
		submit(pl, t);
		if (eof && len == 0)
			break;
		maybe_progress(pl, pin);
		bsize = o->block_size ? o->block_size : BLOCK_DEFAULT;
	}
	free(blk);
	diag_release(&d);
}

/* A buffer of at least '*cap' bytes (+1): a spare one, or a new one. */
static char *take_buffer(struct pipeline *pl, size_t *cap)
{
	for (size_t i = 0; i < pl->nspare; i++)
		if (pl->spare_cap[i] >= *cap) {
			char *b = pl->spare[i];
			*cap = pl->spare_cap[i];
			pl->spare[i] = pl->spare[--pl->nspare];
			pl->spare_cap[i] = pl->spare_cap[pl->nspare];
			return b;
		}
	return xmalloc(*cap + 1);
}

void pipeline_run(const char *const *paths, size_t n,
		  const struct pipe_opts *o, const struct pipe_hooks *h)
{
	struct pipeline pl;
	memset(&pl, 0, sizeof(pl));
	pl.o = o;
	pl.h = h;
	pl.t0 = pl.last_progress = now_seconds();
	/* N threads: N-1 workers, and the main thread reads and helps */
	pl.nw = o->threads > 1 ? o->threads - 1 : 0;
	pl.cap = pl.nw ? 2 * pl.nw + 4 : 1;
	pl.ring = xcalloc(pl.cap, sizeof(*pl.ring));
	size_t nwork = pl.nw + 1;
	pl.w = xcalloc(nwork, sizeof(*pl.w));
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.work, NULL);
	pthread_cond_init(&pl.done, NULL);
	for (size_t i = 0; i < nwork; i++) {
		struct worker *w = &pl.w[i];
		w->pl = &pl;
		w->bound = SIZE_MAX;
		record_init(&w->rec);
		if (o->expr)
			w->est = expr_state_new(o->expr);
		w->wctx = h->worker_new ? h->worker_new(h->ctx) : NULL;
		if (i < pl.nw &&
		    pthread_create(&w->thread, NULL, worker_main, w) != 0)
			BUG("cannot start a worker thread");
	}
	for (size_t i = 0; i < n; i++)
		read_input(&pl, paths[i], i);
	while (pl.count)
		finish_oldest(&pl);
	if (pl.nw) {
		pthread_mutex_lock(&pl.mu);
		pl.stop = 1;
		pthread_cond_broadcast(&pl.work);
		pthread_mutex_unlock(&pl.mu);
		for (size_t i = 0; i < pl.nw; i++)
			pthread_join(pl.w[i].thread, NULL);
	}
	for (size_t i = 0; i < nwork; i++) {
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
	free(pl.w);
	free(pl.ring);
}
