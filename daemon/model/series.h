/*
 * series.h — the current value of every period of every indicator, in
 * memory, as replayed from the journal and kept up to date by the store.
 *
 * A series holds one observation per period, sorted by period end, each
 * with its vintage (when that value was first seen). It decides what a
 * collected observation is: new, a revision, or the same as stored.
 * It never touches a file.
 */
#ifndef PEJL_SERIES_H
#define PEJL_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"

/* Indicator ids name files: [a-z0-9_-]{1,64} (checked by config.c). */
#ifndef INDICATOR_ID_MAX
#define INDICATOR_ID_MAX 64
#endif

/* A series is an indicator's own ("ls_exports") or one member of its panel
 * ("clinical_trials.DK"): the id, a dot, the member key. */
#define SERIES_KEY_MAX (INDICATOR_ID_MAX + 1 + PEJL_MEMBER_MAX)

struct stored_observation {
    struct pejl_observation obs;
    int64_t vintage;
};

struct series {
    char id[SERIES_KEY_MAX + 1];
    struct stored_observation *items; /* sorted by period end */
    size_t n, cap;
    size_t provisional_updates; /* values put in place of a provisional one */
};

/* A changed figure, as the revision alert tells it: the largest change of
 * one collection, in % of the value it replaced. */
struct figure_change {
    double pct; /* 0: none */
    char series[SERIES_KEY_MAX + 1];
    struct pejl_period period;
    double from, to;
};

enum series_change { SERIES_SAME, SERIES_NEW, SERIES_REVISED };

struct series_set;

struct series_set *series_set_new(void);
void series_set_free(struct series_set *set);
struct series *series_get(const struct series_set *set, const char *id);
struct series *series_get_or_add(struct series_set *set, const char *id);
size_t series_count(const struct series_set *set);
/* Whether `member` can be a panel member: a category code as a source
 * writes it ("DK", "M+K", "K64.2", "KØBENHAVN"), 1..PEJL_MEMBER_MAX bytes of
 * valid UTF-8 without whitespace or control characters (C0, DEL, C1, and
 * Unicode's White_Space: space, U+00A0, U+2000..U+200A, U+3000, …).
 * No space keeps the journal's space-separated records unambiguous. */
bool series_member_valid(const char *member);
/* The series key of an indicator's own series (member NULL) or a member's. */
int series_key(char *buf, size_t size, const char *indicator, const char *member);
/* Calls fn for every member series of `indicator` (keys "indicator.*"). */
void series_each_member(const struct series_set *set, const char *indicator,
                        void (*fn)(const struct series *s, void *arg), void *arg);

/* What storing `obs` would be; `*previous` points at the stored one, if any. */
enum series_change series_classify(const struct series *s, const struct pejl_observation *obs,
                                   const struct stored_observation **previous);
/* Whether a value that replaces `old` updates a provisional figure rather
 * than revising a final one. What counts is the status `old` had when it was
 * first seen: each status change is a journal record with its own vintage,
 * so a replayed series knows it too. */
bool series_provisional(const struct stored_observation *old);
/* Inserts or replaces the observation of its period (counting a replaced
 * provisional one in provisional_updates). Returns its index, or -1. */
long series_put(struct series *s, const struct pejl_observation *obs, int64_t vintage);
const struct stored_observation *series_find(const struct series *s, const struct pejl_period *p);

#endif
