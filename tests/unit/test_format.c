/*
 * test_format.c - number formatting without printf (record_format for
 * integers, reals and durations) gives exactly printf's text: random
 * doubles over many magnitudes, values at and near rounding halves, signed
 * zeros, the int64 extremes.
 */
#include "check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "record.h"

static int same_real(struct record *r, double d, struct buf *got)
{
	char want[512];
	snprintf(want, sizeof(want), "%.6f", d);
	r->v[F_LAT].d = d;
	buf_reset(got);
	record_format(r, F_LAT, NULL, got);
	if (!strcmp(buf_cstr(got), want))
		return 1;
	check_report(0, __FILE__, __LINE__, "real as %.6f",
		     "%.17g: got \"%s\", printf \"%s\"", d, buf_cstr(got), want);
	return 0;
}

TEST_SUITE(format)
{
	struct record r;
	struct buf got = BUF_INIT;
	record_init(&r);
	r.present = FIELD_BIT(F_LAT) | FIELD_BIT(F_BYTES_UP) | FIELD_BIT(F_DURATION);
	int ok = 1;
	uint64_t seed = 0x243f6a8885a308d3ull;
	static const double fixed[] = {
		0.0, -0.0, 0.5e-6, -0.5e-6, 0.4999999e-6, 1.2345675, 1.2345665,
		-1.2345675, 3.140688, 101.596690, -89.9999995, 179.9999999,
		1e14, -1e14, 9.99999999e14, 1e15, 1e300, -1e-300, 2.5e-7,
		0.0000015, 0.0000025, 1234567.8912345, NAN, INFINITY, -INFINITY,
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		ok &= same_real(&r, fixed[i], &got);
	for (int i = 0; i < 200000 && ok; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		double d;
		if (i % 3 == 0) {
			/* coordinates as written in exports: up to 7 decimals */
			long long q = (long long)(seed % 3600000000ull) - 1800000000ll;
			d = (double)q / pow(10.0, (double)((seed >> 60) % 8));
		} else if (i % 3 == 1) {
			/* near halves of the sixth decimal */
			long long q = (long long)(seed % 2000000000ull) - 1000000000ll;
			d = ((double)q + 0.5) / 1e6 + (double)((int)(seed >> 58) - 32) * 1e-16;
		} else {
			/* any bits that make a finite double */
			memcpy(&d, &seed, sizeof(d));
			if (!isfinite(d))
				continue;
		}
		ok &= same_real(&r, d, &got);
	}
	if (ok)
		check_report(1, __FILE__, __LINE__,
			     "reals: the same text as printf %.6f on 200000 values", "%s", "");

	static const int64_t ints[] = { 0, 1, -1, 9, 10, -10, 1234567890123ll,
					INT64_MAX, INT64_MIN, INT64_MIN + 1 };
	int iok = 1;
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		char want[64];
		snprintf(want, sizeof(want), "%lld", (long long)ints[i]);
		r.v[F_BYTES_UP].i = ints[i];
		buf_reset(&got);
		record_format(&r, F_BYTES_UP, NULL, &got);
		if (strcmp(buf_cstr(&got), want)) {
			iok = 0;
			check_report(0, __FILE__, __LINE__, "integer as %lld",
				     "got \"%s\", want \"%s\"", buf_cstr(&got), want);
		}
		/* durations: whole seconds through the same code */
		if (ints[i] > INT64_MIN / 1000000 && ints[i] < INT64_MAX / 1000000) {
			snprintf(want, sizeof(want), "%lld", (long long)ints[i]);
			buf_reset(&got);
			format_duration(ints[i] * 1000000, &got); /* us */
			if (strcmp(buf_cstr(&got), want)) {
				iok = 0;
				check_report(0, __FILE__, __LINE__, "duration seconds",
					     "got \"%s\", want \"%s\"", buf_cstr(&got), want);
			}
		}
	}
	if (iok)
		check_report(1, __FILE__, __LINE__, "integers and whole durations as printf",
			     "%s", "");
	/* durations with a fraction: ms as three decimals, else six */
	static const struct {
		int64_t us;
		const char *want;
	} durs[] = { { 93500000, "93.500" }, { 123, "0.000123" },
		     { 1000, "0.001" }, { 1500001, "1.500001" },
		     { -123, "-0.000123" }, { -93500000, "-93.500" },
		     { INT64_MIN, "-9223372036854.775808" },
		     { INT64_MAX, "9223372036854.775807" } };
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		buf_reset(&got);
		format_duration(durs[i].us, &got);
		CHECK_EQ_STR(buf_cstr(&got), durs[i].want);
	}
	buf_release(&got);
	record_release(&r);
}
