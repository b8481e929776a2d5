/*
 * test_intern.c - interning against a naive oracle: ids are dense and
 * stable, equal strings get equal ids, and digit strings (which take the
 * numeric table) keep leading zeros and lengths apart ("0123" != "123").
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"

TEST_SUITE(intern)
{
	struct intern t = INTERN_INIT;
	static char keys[20000][24];
	/* mixed numeric and text keys force both tables to grow many times */
	uint32_t ids[20000];
	uint64_t seed = 12345;
	int ok = 1, added;
	size_t distinct = 0;

	for (int i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned kind = (unsigned)(seed >> 60) % 4;
		unsigned v = (unsigned)(seed >> 33) % 3000;
		if (kind == 0)
			snprintf(keys[i], sizeof(keys[i]), "%u", v);
		else if (kind == 1)
			snprintf(keys[i], sizeof(keys[i]), "0%u", v);
		else if (kind == 2)
			snprintf(keys[i], sizeof(keys[i]), "60123%012u", v);
		else
			snprintf(keys[i], sizeof(keys[i]), "cell-%u", v);
		ids[i] = intern_put(&t, keys[i], strlen(keys[i]), &added);
		/* naive oracle: the first earlier equal key */
		int first = -1;
		for (int j = 0; j < i && first < 0; j++)
			if (!strcmp(keys[j], keys[i]))
				first = j;
		if (first < 0) {
			if (!added || ids[i] != distinct)
				ok = 0;
			distinct++;
		} else if (added || ids[i] != ids[first]) {
			ok = 0;
		}
	}
	CHECK(ok);
	CHECK_EQ_INT(intern_count(&t), distinct);
	for (int i = 0; i < 20000; i += 97) {
		size_t len;
		const char *s = intern_str(&t, ids[i], &len);
		CHECK_EQ_MEM(s, len, keys[i], strlen(keys[i]));
		CHECK_EQ_INT(intern_get(&t, keys[i], strlen(keys[i])), ids[i]);
	}
	CHECK(intern_get(&t, "0", 1) != intern_get(&t, "00", 2) ||
	      intern_get(&t, "0", 1) < 0);
	CHECK_EQ_INT(intern_get(&t, "99999999999999999999", 20), -1);
	CHECK_EQ_INT(intern_get(&t, "", 0), -1);
	uint32_t e = intern_put(&t, "", 0, &added);
	CHECK(added);
	CHECK_EQ_INT(intern_get(&t, "", 0), e);
	/* 18+ digits go through the string table */
	uint32_t l1 = intern_put(&t, "123456789012345678", 18, &added);
	CHECK(added);
	CHECK_EQ_INT(intern_put(&t, "123456789012345678", 18, &added), l1);
	CHECK(!added);
	intern_release(&t);

	/* intern_merge: each id of 'from' maps to the id of the same string
	   in 'into', strings already there keep their ids, new ones come
	   after them */
	struct intern a = INTERN_INIT, b = INTERN_INIT;
	intern_put(&a, "x", 1, NULL);
	intern_put(&a, "12", 2, NULL);
	intern_put(&b, "12", 2, NULL);
	intern_put(&b, "y", 1, NULL);
	intern_put(&b, "012", 3, NULL);
	uint32_t *m = intern_merge(&a, &b);
	CHECK_EQ_INT(intern_count(&a), 4);
	CHECK_EQ_INT(m[0], 1);
	CHECK_EQ_INT(m[1], 2);
	CHECK_EQ_INT(m[2], 3);
	for (uint32_t i = 0; i < 3; i++) {
		size_t la, lb;
		const char *sa = intern_str(&a, m[i], &la);
		const char *sb = intern_str(&b, i, &lb);
		CHECK_EQ_MEM(sa, la, sb, lb);
	}
	free(m);
	struct intern none = INTERN_INIT;
	m = intern_merge(&a, &none); /* nothing to merge: still one entry */
	CHECK_EQ_INT(intern_count(&a), 4);
	free(m);
	intern_release(&a);
	intern_release(&b);

	/* intern_sort: byte order (a prefix first), numeric and text keys
	   alike; each old id maps to the id of its string in the new set */
	static const char *const words[] = { "b", "10", "ab", "9", "a", "" };
	struct intern w = INTERN_INIT;
	for (int i = 0; i < 6; i++)
		intern_put(&w, words[i], strlen(words[i]), NULL);
	size_t nw = 0;
	uint32_t *rk = intern_sort(&w, &nw);
	CHECK_EQ_INT(nw, 6);
	static const char *const in_order[] = { "", "10", "9", "a", "ab", "b" };
	for (uint32_t i = 0; i < 6; i++) {
		size_t len;
		const char *got = intern_str(&w, i, &len);
		CHECK_EQ_MEM(got, len, in_order[i], strlen(in_order[i]));
		got = intern_str(&w, rk[i], &len);
		CHECK_EQ_MEM(got, len, words[i], strlen(words[i]));
		CHECK_EQ_INT(intern_get(&w, words[i], strlen(words[i])), rk[i]);
	}
	free(rk);
	intern_release(&w);
}
