/*
 * runfacts.c - the facts of a run, merged, saved and loaded (runfacts.h).
 *
 * The FACT section of a partial (encodings of partial.c):
 *
 *   str     command ("stats")
 *   uvarint number of options, then each: str name, str value
 *   uvarint number of inputs, then each:
 *     str path; uvarint bytes, bytes_out; str sha256 (0 or 64 hex)
 *     u8 flags (1 damaged, 2 unusable, 4 header, 8 crlf, 16 bom,
 *              32 archive member, 64 archive row)
 *     u8 status (0, 1, 3); u8 kind (0-2); u8 delimiter byte
 *     str problem (empty: none); str mapping (empty: none)
 *     uvarint cell use: filled, disagree, unknown, ambiguous, then the
 *             records of each cell form (CELL_FORM_COUNT); out of order
 *     uvarint read, accepted, rejected, filtered, matched,
 *             repeated_headers, blank_lines
 *     uvarint number of reasons, then each: str reason, uvarint count
 *             (sorted as acct_sort_reasons sorts: deterministic bytes)
 */
#include "runfacts.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "xalloc.h"
#include "banned.h"

void runfacts_init(struct runfacts *rf, const char *command)
{
	memset(rf, 0, sizeof(*rf));
	rf->command = xstrdup(command ? command : "");
}

static void input_release(struct rf_input *in)
{
	free(in->path);
	free(in->problem);
	free(in->mapping);
	acct_release(&in->acct);
}

void runfacts_release(struct runfacts *rf)
{
	free(rf->command);
	for (size_t i = 0; i < rf->nopt; i++) {
		free(rf->opt[i].name);
		free(rf->opt[i].value);
	}
	free(rf->opt);
	for (size_t i = 0; i < rf->n; i++)
		input_release(&rf->in[i]);
	free(rf->in);
	for (size_t i = 0; i < rf->nstrs; i++)
		free(rf->strs[i]);
	free(rf->strs);
	intern_release(&rf->shas);
	free(rf->sha_input);
	memset(rf, 0, sizeof(*rf));
}

/* Index the SHA-256 of inputs not indexed yet (the first input of a
   SHA-256 keeps it). */
static void index_shas(struct runfacts *rf)
{
	for (size_t i = rf->sha_n; i < rf->n; i++) {
		int added = 0;
		if (!rf->in[i].sha256[0])
			continue;
		uint32_t id = intern_put(&rf->shas, rf->in[i].sha256, 64, &added);
		if (!added)
			continue;
		VEC_GROW(rf->sha_input, (size_t)id + 1, rf->sha_alloc);
		rf->sha_input[id] = i;
	}
	rf->sha_n = rf->n;
}

/* The input of 'rf' with SHA-256 'sha' (64 hex digits), or -1. */
static long long input_of_sha(struct runfacts *rf, const char *sha)
{
	index_shas(rf);
	int64_t id = intern_get(&rf->shas, sha, 64);
	return id < 0 ? -1 : (long long)rf->sha_input[id];
}

void runfacts_set_option(struct runfacts *rf, const char *name,
			 const char *value)
{
	VEC_GROW(rf->opt, rf->nopt + 1, rf->opt_alloc);
	rf->opt[rf->nopt].name = xstrdup(name);
	rf->opt[rf->nopt].value = xstrdup(value ? value : "");
	rf->nopt++;
}

const char *runfacts_option(const struct runfacts *rf, const char *name)
{
	for (size_t i = 0; i < rf->nopt; i++)
		if (!strcmp(rf->opt[i].name, name))
			return rf->opt[i].value;
	return NULL;
}

struct rf_input *runfacts_input(struct runfacts *rf, size_t index)
{
	if (index >= rf->n) {
		VEC_GROW(rf->in, index + 1, rf->alloc);
		memset(rf->in + rf->n, 0, (index + 1 - rf->n) * sizeof(*rf->in));
		rf->n = index + 1;
	}
	return &rf->in[index];
}

void runfacts_set_problem(struct rf_input *in, const char *text)
{
	free(in->problem);
	in->problem = text ? xstrdup(text) : NULL;
}

/* 'text' escaped for a message, into 'b'. */
static const char *shown(const char *text, struct buf *b)
{
	buf_add_escaped(b, text, strlen(text), 256);
	return buf_cstr(b);
}

int runfacts_compatible(const struct runfacts *a, const char *apath,
			const struct runfacts *b, const char *bpath,
			struct diag *d)
{
	struct buf s[4] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	int rc = 0;
	if (strcmp(a->command, b->command)) {
		rc = diag_error(d, "'%s' is a partial of '%s', '%s' of '%s'",
				shown(bpath, &s[0]), shown(b->command, &s[1]),
				shown(apath, &s[2]), shown(a->command, &s[3]));
		goto out;
	}
	/* every option of either side, compared by name */
	for (int side = 0; side < 2 && !rc; side++) {
		const struct runfacts *x = side ? b : a, *y = side ? a : b;
		for (size_t i = 0; i < x->nopt; i++) {
			const char *xv = x->opt[i].value;
			const char *yv = runfacts_option(y, x->opt[i].name);
			if (yv && !strcmp(xv, yv))
				continue;
			const char *av = side ? yv : xv, *bv = side ? xv : yv;
			if (av && !*av)
				av = NULL;
			if (bv && !*bv)
				bv = NULL;
			rc = diag_error(d, "'%s' and '%s' differ in %s "
					"('%s' and '%s'): partials merge only "
					"when it is the same",
					shown(apath, &s[0]), shown(bpath, &s[1]),
					x->opt[i].name,
					shown(av ? av : "(none)", &s[2]),
					shown(bv ? bv : "(none)", &s[3]));
			break;
		}
	}
out:
	for (int i = 0; i < 4; i++)
		buf_release(&s[i]);
	return rc;
}

int runfacts_covers(struct runfacts *rf, const char *sha256)
{
	return input_of_sha(rf, sha256) >= 0;
}

int runfacts_check_unique(const struct runfacts *rf, struct diag *d)
{
	struct intern seen;
	int rc = 0;
	memset(&seen, 0, sizeof(seen));
	for (size_t i = 0; i < rf->n && !rc; i++) {
		int added = 0;
		if (!rf->in[i].sha256[0])
			continue;
		intern_put(&seen, rf->in[i].sha256, 64, &added);
		if (!added) {
			struct buf a = BUF_INIT;
			rc = diag_error(d, "input '%s' (sha256 %s) is covered "
					"twice in one partial",
					shown(rf->in[i].path, &a),
					rf->in[i].sha256);
			buf_release(&a);
		}
	}
	intern_release(&seen);
	return rc;
}

int runfacts_merge(struct runfacts *into, struct runfacts *from,
		   size_t **map, struct diag *d)
{
	for (size_t i = 0; i < from->n; i++) {
		if (!from->in[i].sha256[0])
			continue;
		long long j = input_of_sha(into, from->in[i].sha256);
		if (j >= 0) {
			struct buf a = BUF_INIT, b = BUF_INIT;
			diag_error(d, "input '%s' (sha256 %s) is covered twice "
				   "(also as '%s'): each input may be in one "
				   "partial only", shown(from->in[i].path, &a),
				   from->in[i].sha256,
				   shown(into->in[j].path, &b));
			buf_release(&a);
			buf_release(&b);
			return -1;
		}
	}
	size_t *m = xcalloc(from->n ? from->n : 1, sizeof(*m));
	VEC_GROW(into->in, into->n + from->n, into->alloc);
	for (size_t i = 0; i < from->n; i++) {
		m[i] = into->n;
		into->in[into->n++] = from->in[i];
	}
	from->n = 0;
	for (size_t i = 0; i < from->nstrs; i++) {
		VEC_GROW(into->strs, into->nstrs + 1, into->strs_alloc);
		into->strs[into->nstrs++] = from->strs[i];
	}
	from->nstrs = 0;
	*map = m;
	return 0;
}

static const struct runfacts *sort_rf; /* qsort has no context argument */

static int cmp_input(const void *pa, const void *pb)
{
	const struct rf_input *a = &sort_rf->in[*(const size_t *)pa];
	const struct rf_input *b = &sort_rf->in[*(const size_t *)pb];
	int c = strcmp(a->path, b->path);
	if (!c)
		c = strcmp(a->sha256, b->sha256);
	if (!c && a->bytes != b->bytes)
		c = a->bytes < b->bytes ? -1 : 1;
	if (!c && a->acct.read != b->acct.read)
		c = a->acct.read < b->acct.read ? -1 : 1;
	if (!c)
		c = *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
	return c;
}

void runfacts_sort(struct runfacts *rf, size_t **perm)
{
	size_t *p = xcalloc(rf->n ? rf->n : 1, sizeof(*p));
	for (size_t i = 0; i < rf->n; i++) {
		p[i] = i;
		if (!rf->in[i].path)
			rf->in[i].path = xstrdup("");
	}
	sort_rf = rf;
	qsort(p, rf->n, sizeof(*p), cmp_input);
	sort_rf = NULL;
	struct rf_input *in = xcalloc(rf->n ? rf->n : 1, sizeof(*in));
	for (size_t i = 0; i < rf->n; i++)
		in[i] = rf->in[p[i]];
	free(rf->in);
	rf->in = in;
	rf->alloc = rf->n ? rf->n : 1;
	/* the SHA-256 index names positions: built again when needed */
	intern_release(&rf->shas);
	memset(&rf->shas, 0, sizeof(rf->shas));
	rf->sha_n = 0;
	*perm = p;
}

void runfacts_total(const struct runfacts *rf, struct rf_input *total)
{
	memset(total, 0, sizeof(*total));
	for (size_t i = 0; i < rf->n; i++) {
		const struct rf_input *e = &rf->in[i];
		acct_merge(&total->acct, &e->acct);
		if (!e->member) /* a member's bytes are its archive's */
			total->bytes += e->bytes;
		total->bytes_out += e->bytes_out;
		total->damaged |= e->damaged;
		cell_use_add(&total->cell, &e->cell);
		total->ooo += e->ooo;
		if (i == 0 || total->kind == e->kind)
			total->kind = e->kind;
		else
			total->kind = 0;
		if (e->status > total->status)
			total->status = e->status;
	}
}

int runfacts_status(const struct runfacts *rf)
{
	int s = 0;
	for (size_t i = 0; i < rf->n; i++)
		if (rf->in[i].status > s)
			s = rf->in[i].status;
	return s;
}

/* ---- the FACT section ---- */

void runfacts_save(struct runfacts *rf, struct partial_writer *w)
{
	partial_section_begin(w, RUNFACTS_TAG);
	partial_put_str(w, rf->command);
	partial_put_uvarint(w, rf->nopt);
	for (size_t i = 0; i < rf->nopt; i++) {
		partial_put_str(w, rf->opt[i].name);
		partial_put_str(w, rf->opt[i].value);
	}
	partial_put_uvarint(w, rf->n);
	for (size_t i = 0; i < rf->n; i++) {
		struct rf_input *e = &rf->in[i];
		partial_put_str(w, e->path ? e->path : "");
		partial_put_uvarint(w, e->bytes);
		partial_put_uvarint(w, e->bytes_out);
		partial_put_str(w, e->sha256);
		partial_put_u8(w, (e->damaged ? 1u : 0) | (e->unusable ? 2u : 0) |
				  (e->header ? 4u : 0) | (e->crlf ? 8u : 0) |
				  (e->bom ? 16u : 0) | (e->member ? 32u : 0) |
				  (e->archive ? 64u : 0));
		partial_put_u8(w, (unsigned)e->status);
		partial_put_u8(w, (unsigned)e->kind);
		partial_put_u8(w, (unsigned char)e->delimiter);
		partial_put_str(w, e->problem ? e->problem : "");
		partial_put_str(w, e->mapping ? e->mapping : "");
		partial_put_uvarint(w, e->cell.filled);
		partial_put_uvarint(w, e->cell.disagree);
		partial_put_uvarint(w, e->cell.unknown);
		partial_put_uvarint(w, e->cell.ambiguous);
		for (int k = 0; k < CELL_FORM_COUNT; k++)
			partial_put_uvarint(w, e->cell.form[k]);
		partial_put_uvarint(w, e->ooo);
		struct acct *a = &e->acct;
		partial_put_uvarint(w, a->read);
		partial_put_uvarint(w, a->accepted);
		partial_put_uvarint(w, a->rejected);
		partial_put_uvarint(w, a->filtered);
		partial_put_uvarint(w, a->matched);
		partial_put_uvarint(w, a->repeated_headers);
		partial_put_uvarint(w, a->blank_lines);
		acct_sort_reasons(a);
		partial_put_uvarint(w, a->nreasons);
		for (size_t r = 0; r < a->nreasons; r++) {
			partial_put_str(w, a->reasons[r].reason);
			partial_put_uvarint(w, a->reasons[r].n);
		}
	}
	partial_section_end(w);
}

/* A string of at most 'max' bytes without NUL, owned by the caller. */
static char *get_str(struct partial_reader *r, size_t max)
{
	size_t len;
	const unsigned char *p = partial_get_bytes(r, &len);
	if (!p)
		return NULL;
	if (len > max || memchr(p, 0, len)) {
		r->failed = 1;
		return NULL;
	}
	return xstrndup((const char *)p, len);
}

static int is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* the longest path, problem or option text a loader takes: far beyond
   any a run writes */
#define STR_MAX (1u << 20)

int runfacts_load(struct runfacts *rf, const struct partial_file *pf,
		  struct diag *d)
{
	struct partial_reader r;
	memset(rf, 0, sizeof(*rf));
	if (partial_section(pf, RUNFACTS_TAG, &r) < 0) {
		runfacts_init(rf, "");
		struct buf b = BUF_INIT;
		diag_error(d, "'%s' is not a usable partial file: no FACT "
			   "section", shown(pf->path ? pf->path : "-", &b));
		buf_release(&b);
		return -1;
	}
	char *cmd = get_str(&r, 64);
	runfacts_init(rf, cmd ? cmd : "");
	free(cmd);
	uint64_t nopt = partial_get_count(&r, 2);
	for (uint64_t i = 0; i < nopt && !r.failed; i++) {
		char *name = get_str(&r, 64), *value = get_str(&r, STR_MAX);
		if (name && value)
			runfacts_set_option(rf, name, value);
		free(name);
		free(value);
	}
	/* the least an input takes: one byte a field (empty strings, zero
	   counts) */
	uint64_t n = partial_get_count(&r, 23 + CELL_FORM_COUNT);
	for (uint64_t i = 0; i < n && !r.failed; i++) {
		struct rf_input *e = runfacts_input(rf, (size_t)i);
		e->path = get_str(&r, STR_MAX);
		e->bytes = partial_get_uvarint(&r);
		e->bytes_out = partial_get_uvarint(&r);
		char *sha = get_str(&r, 64);
		if (sha && *sha && !is_hex64(sha))
			r.failed = 1;
		if (sha)
			memcpy(e->sha256, sha, strlen(sha) + 1);
		free(sha);
		unsigned flags = partial_get_u8(&r);
		e->damaged = !!(flags & 1);
		e->unusable = !!(flags & 2);
		e->header = !!(flags & 4);
		e->crlf = !!(flags & 8);
		e->bom = !!(flags & 16);
		e->member = !!(flags & 32);
		e->archive = !!(flags & 64);
		e->status = (int)partial_get_u8(&r);
		e->kind = (int)partial_get_u8(&r);
		e->delimiter = (char)partial_get_u8(&r);
		if (flags > 127 || (flags & 96) == 96 || (e->status != 0 && e->status != 1 &&
				   e->status != 3) || e->kind > 2)
			r.failed = 1;
		char *problem = get_str(&r, STR_MAX);
		if (problem && *problem)
			e->problem = problem;
		else
			free(problem);
		char *mapping = get_str(&r, STR_MAX);
		if (mapping && *mapping)
			e->mapping = mapping;
		else
			free(mapping);
		e->cell.filled = partial_get_uvarint(&r);
		e->cell.disagree = partial_get_uvarint(&r);
		e->cell.unknown = partial_get_uvarint(&r);
		e->cell.ambiguous = partial_get_uvarint(&r);
		for (int k = 0; k < CELL_FORM_COUNT; k++)
			e->cell.form[k] = partial_get_uvarint(&r);
		e->ooo = partial_get_uvarint(&r);
		struct acct *a = &e->acct;
		a->read = partial_get_uvarint(&r);
		a->accepted = partial_get_uvarint(&r);
		a->rejected = partial_get_uvarint(&r);
		a->filtered = partial_get_uvarint(&r);
		a->matched = partial_get_uvarint(&r);
		a->repeated_headers = partial_get_uvarint(&r);
		a->blank_lines = partial_get_uvarint(&r);
		uint64_t nr = partial_get_count(&r, 2);
		for (uint64_t k = 0; k < nr && !r.failed; k++) {
			char *reason = get_str(&r, 256);
			uint64_t cnt = partial_get_uvarint(&r);
			if (!reason)
				break;
			for (size_t j = 0; j < a->nreasons; j++)
				if (!strcmp(a->reasons[j].reason, reason))
					r.failed = 1;
			VEC_GROW(rf->strs, rf->nstrs + 1, rf->strs_alloc);
			rf->strs[rf->nstrs++] = reason;
			if (!r.failed)
				acct_reject(a, reason, cnt);
		}
		if (!e->path)
			e->path = xstrdup("");
	}
	if (partial_reader_finish(&r, pf, d) < 0)
		return -1;
	return 0;
}

/* ---- json meta ---- */

void meta_json_input(struct buf *b, int first, const char *path,
		     uint64_t bytes, const char *sha256, int damaged)
{
	if (!first)
		buf_addch(b, ',');
	buf_adds(b, "{\"path\":");
	json_add_str(b, path, strlen(path));
	buf_addf(b, ",\"bytes\":%llu,\"sha256\":", (unsigned long long)bytes);
	if (sha256[0])
		json_add_str(b, sha256, 64);
	else
		buf_adds(b, "null");
	buf_addf(b, ",\"damaged\":%s}", damaged ? "true" : "false");
}

void meta_json_accounting(struct buf *b, struct acct *a)
{
	buf_addf(b, "\"accounting\":{\"read\":%llu,\"accepted\":%llu,"
		 "\"rejected\":%llu,\"filtered\":%llu,\"matched\":%llu,"
		 "\"repeated_headers\":%llu,\"rejected_by_reason\":{",
		 (unsigned long long)a->read, (unsigned long long)a->accepted,
		 (unsigned long long)a->rejected, (unsigned long long)a->filtered,
		 (unsigned long long)a->matched,
		 (unsigned long long)a->repeated_headers);
	acct_sort_reasons(a);
	for (size_t i = 0; i < a->nreasons; i++) {
		if (i)
			buf_addch(b, ',');
		json_add_str(b, a->reasons[i].reason, strlen(a->reasons[i].reason));
		buf_addf(b, ":%llu", (unsigned long long)a->reasons[i].n);
	}
	buf_adds(b, "}}");
}

void runfacts_meta_json(struct runfacts *rf, struct buf *b)
{
	struct rf_input total;
	buf_adds(b, "\"inputs\":[");
	for (size_t i = 0; i < rf->n; i++)
		meta_json_input(b, i == 0, rf->in[i].path ? rf->in[i].path : "",
				rf->in[i].bytes, rf->in[i].sha256,
				rf->in[i].damaged);
	buf_adds(b, "],");
	runfacts_total(rf, &total);
	meta_json_accounting(b, &total.acct);
	acct_release(&total.acct);
}

const char *delimiter_name(char d)
{
	switch (d) {
	case ',': return "comma";
	case ';': return "semicolon";
	case '\t': return "tab";
	case '|': return "pipe";
	case ':': return "colon";
	default: return "";
	}
}

const char *kind_name(int k)
{
	return k == KIND_CDR ? "cdr" : k == KIND_IP ? "ip" : "";
}

int file_sha256_hex(const char *path, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[65536], md[32];
	unsigned int mdlen = 0;
	size_t got;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	while (ok && (got = fread(buf, 1, sizeof(buf), f)) > 0)
		ok = EVP_DigestUpdate(ctx, buf, got) == 1;
	ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 &&
	     mdlen == 32;
	EVP_MD_CTX_free(ctx);
	fclose(f);
	if (!ok)
		return -1;
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = 0;
	return 0;
}
