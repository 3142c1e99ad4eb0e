/*
 * hash.h - the one hash function of Quire: FNV-1a.
 *
 * Chosen because its value depends only on the bytes (not on the platform,
 * the process or a random seed): document ids are routed to shards by it,
 * so the value is part of the on-disk format (see schema/schema.h) and must
 * never change. Its distribution is good enough for short keys (ids, words,
 * cache keys); nothing here needs resistance to chosen inputs.
 */
#ifndef QUIRE_HASH_H
#define QUIRE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define QUIREI_FNV32_INIT 2166136261u
#define QUIREI_FNV64_INIT 1469598103934665603ull

/* 32-bit FNV-1a of s[0..len), continuing from h (QUIREI_FNV32_INIT to start). */
static inline uint32_t quirei_fnv1a32(uint32_t h, const void *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* 64-bit FNV-1a of s[0..len), continuing from h (QUIREI_FNV64_INIT to start). */
static inline uint64_t quirei_fnv1a64(uint64_t h, const void *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

#endif
