/*
 * nearest.h — the valid codes nearest to one that does not exist, for a
 * message that says what to write instead ("no SITC 774; nearest: 77, 74").
 * Near means a small edit distance, or one code containing the other;
 * ties go to the longer shared prefix, then to the source's order. Pure;
 * compiled into the modules that verify codes.
 */
#ifndef PEJL_NEAREST_H
#define PEJL_NEAREST_H

#include <stddef.h>

#define NEAREST_SHOWN 5

/* Writes up to NEAREST_SHOWN of the `n` `codes` nearest to `wanted` into
 * `buf` as "a, b, c"; returns how many (0 leaves buf ""). Codes are
 * compared by their first 32 bytes, so the cost stays linear in n. */
size_t nearest_codes(const char *wanted, const char *const *codes, size_t n, char *buf,
                     size_t size);

#endif
