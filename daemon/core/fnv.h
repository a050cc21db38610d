/*
 * fnv.h — the 64-bit FNV-1a hash, for keys that must be stable across
 * runs and machines (HTTP cache entries, alert fingerprints, series
 * buckets). Not for anything an attacker may choose to collide.
 */
#ifndef PEJL_FNV_H
#define PEJL_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV64_OFFSET 14695981039346656037ull

static inline uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

#endif
