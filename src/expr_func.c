/*
 * expr_func.c - the builtin function table and the runtime helpers of
 * expr_func.h that are too big to inline: text to number, near() set-up,
 * duration formatting for dumps.
 */
#include "expr_func.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "buf.h"
#include "expr_parse.h"
#include "banned.h"

const struct func_info func_table[FN_COUNT] = {
#define X(id, name, nargs, sig) { name, nargs, sig },
	EXPR_FUNCS(X)
#undef X
};

int func_by_name(const char *name, size_t len)
{
	for (int i = 0; i < FN_COUNT; i++)
		if (strlen(func_table[i].name) == len &&
		    !strncasecmp(func_table[i].name, name, len))
			return i;
	return -1;
}

int text_to_real(const char *s, size_t len, double *out)
{
	char tmp[64], *end;
	double v;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		/* strtod would also take "inf", "nan" and hex floats */
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '+' || c == 'e' || c == 'E'))
			return -1;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (end != tmp + len || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

void expr_near_init(struct expr_near *n, double lat, double lon, double r)
{
	n->lat = lat;
	n->lon = lon;
	n->radius_m = r;
	n->use_box = geo_box_around(lat, lon, r, &n->box) == 0;
}

void expr_dur_dump(int64_t us, struct buf *out)
{
	static const struct {
		int64_t us;
		const char *unit;
	} units[] = { { 86400000000LL, "d" }, { 3600000000LL, "h" },
		      { 60000000, "min" }, { 1000000, "s" }, { 1000, "ms" } };
	if (us != 0)
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (us % units[i].us == 0) {
				buf_addf(out, "%lld%s",
					 (long long)(us / units[i].us),
					 units[i].unit);
				return;
			}
	buf_addf(out, "%lldus", (long long)us);
}
