/*
 * varint.h - LEB128 varints in a memory buffer, for the hot paths that
 * cannot afford a call (volume's digests and keys, distinct's runs). The
 * partial files have their own checked readers (partial.h).
 */
#ifndef CDRSIFT_VARINT_H
#define CDRSIFT_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Write 'v' at 'p' (at most 10 bytes); the byte after it. */
static inline unsigned char *put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

/* Read a varint at *pp (the writer's own bytes: not checked), *pp past it. */
static inline uint64_t get_varint(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		unsigned char c = *p++;
		if (shift < 64)
			v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
	}
	*pp = p;
	return v;
}

/* Bytes put_varint writes for 'v'. */
static inline size_t varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

#endif
