/*
 * nearest.c — nearest valid codes (see nearest.h).
 */
#include "nearest.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define COMPARED 32

struct candidate {
    size_t index, distance, prefix;
};

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Levenshtein distance of the first COMPARED bytes of each. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strnlen(a, COMPARED), lb = strnlen(b, COMPARED);
    size_t row[COMPARED + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            row[j] = min3(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1]));
            diagonal = above;
        }
    }
    return row[lb];
}

static size_t shared_prefix(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && a[n] == b[n])
        n++;
    return n;
}

static bool near(const char *wanted, const char *code, size_t d)
{
    size_t lw = strlen(wanted), lc = strlen(code), limit = lw / 2 ? lw / 2 : 1;
    bool contains = (lc >= 2 && strstr(wanted, code)) || (lw >= 2 && strstr(code, wanted));
    return d <= limit || contains;
}

static bool better(const struct candidate *a, const struct candidate *b)
{
    if (a->distance != b->distance)
        return a->distance < b->distance;
    if (a->prefix != b->prefix)
        return a->prefix > b->prefix;
    return a->index < b->index;
}

/* Keeps `c` among the best `*n` (sorted), at most NEAREST_SHOWN. */
static void keep(struct candidate *best, size_t *n, struct candidate c)
{
    size_t at = *n;
    while (at > 0 && better(&c, &best[at - 1]))
        at--;
    if (at >= NEAREST_SHOWN)
        return;
    size_t last = *n < NEAREST_SHOWN ? *n : NEAREST_SHOWN - 1;
    memmove(&best[at + 1], &best[at], (last - at) * sizeof *best);
    best[at] = c;
    if (*n < NEAREST_SHOWN)
        (*n)++;
}

size_t nearest_codes(const char *wanted, const char *const *codes, size_t n, char *buf, size_t size)
{
    struct candidate best[NEAREST_SHOWN];
    size_t kept = 0, len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(wanted, codes[i]);
        if (strcmp(wanted, codes[i]) != 0 && near(wanted, codes[i], d))
            keep(best, &kept, (struct candidate){i, d, shared_prefix(wanted, codes[i])});
    }
    if (size)
        buf[0] = '\0';
    for (size_t i = 0; i < kept && len < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%.40s", i ? ", " : "", codes[best[i].index]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return kept;
}
