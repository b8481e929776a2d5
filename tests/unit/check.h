/*
 * check.h - the unit-test macros (Redis test_cond, git test-tool, TAP).
 * Each CHECK prints "ok N - what" or "not ok N - what" with file:line and the
 * values compared; SKIP(what, why) prints "ok N # skip what (why)" for a
 * check that cannot run in this build. main.c counts them and ends with
 * "N passed, N failed, N skipped".
 * A suite is a function registered with TEST_SUITE(name); tests/unit/main.c
 * runs every suite, or those named on its command line.
 */
#ifndef CDRSIFT_CHECK_H
#define CDRSIFT_CHECK_H

#include <stdint.h>
#include <string.h>

void check_report(int ok, const char *file, int line, const char *what,
		  const char *detail_fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A check that cannot run in this build (such as one that needs ISA-L):
   counted as skipped, never as passed. */
void check_skip(const char *what, const char *why);

struct buf;
/* 'nrows' CDR rows (caller, callee, start, duration) after a header, the
   same for the same seed: data for the input suites. */
void test_make_rows(struct buf *b, int nrows, uint32_t seed);

typedef void (*test_suite_fn)(void);
void test_register(const char *name, test_suite_fn fn);

#define TEST_SUITE(name)                                                       \
	static void suite_##name(void);                                        \
	__attribute__((constructor)) static void register_##name(void)         \
	{                                                                      \
		test_register(#name, suite_##name);                            \
	}                                                                      \
	static void suite_##name(void)

#define CHECK(cond)                                                            \
	check_report(!!(cond), __FILE__, __LINE__, #cond, "%s", "")

#define SKIP(what, why) check_skip((what), (why))

#define CHECK_EQ_INT(a, b)                                                     \
	do {                                                                   \
		long long ca_ = (long long)(a), cb_ = (long long)(b);          \
		check_report(ca_ == cb_, __FILE__, __LINE__, #a " == " #b,     \
			     "got %lld, expected %lld", ca_, cb_);             \
	} while (0)

#define CHECK_EQ_STR(a, b)                                                     \
	do {                                                                   \
		const char *ca_ = (a), *cb_ = (b);                             \
		int eq_ = ca_ && cb_ && strcmp(ca_, cb_) == 0;                 \
		check_report(eq_, __FILE__, __LINE__, #a " == " #b,            \
			     "got \"%s\", expected \"%s\"",                    \
			     ca_ ? ca_ : "(null)", cb_ ? cb_ : "(null)");      \
	} while (0)

#define CHECK_EQ_MEM(a, alen, b, blen)                                         \
	do {                                                                   \
		size_t cal_ = (alen), cbl_ = (blen);                           \
		int eq_ = cal_ == cbl_ && memcmp((a), (b), cal_) == 0;          \
		check_report(eq_, __FILE__, __LINE__, #a " == " #b,            \
			     "got \"%.*s\", expected \"%.*s\"", (int)cal_,     \
			     (const char *)(a), (int)cbl_, (const char *)(b)); \
	} while (0)

/* Directory of test fixtures: $CDRSIFT_TESTDATA or "testdata". */
const char *test_data_dir(void);
/* A fresh private temporary directory for this run; removed at exit. */
const char *test_tmp_dir(void);

#endif
