/*
 * series.c — in-memory series (see series.h). The set finds a series by its
 * key, and an indicator's member series by the indicator's id, through two
 * name indexes (name_index.h); series are appended to in period order
 * almost always, so insertion is a binary search and usually no move.
 */
#include "series.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "name_index.h"
#include "period.h"
#include "utf8.h"

/* The member series of one indicator, in the order they were added. */
struct member_list {
    char indicator[INDICATOR_ID_MAX + 1];
    struct series **members;
    size_t n, cap;
};

struct series_set {
    struct name_index by_key;       /* series key -> struct series */
    struct name_index by_indicator; /* indicator id -> struct member_list */
};

struct series_set *series_set_new(void)
{
    return calloc(1, sizeof(struct series_set));
}

static void free_series(void *value, void *arg)
{
    struct series *s = value;
    (void)arg;
    free(s->items);
    free(s);
}

static void free_member_list(void *value, void *arg)
{
    struct member_list *list = value;
    (void)arg;
    free(list->members);
    free(list);
}

void series_set_free(struct series_set *set)
{
    if (!set)
        return;
    name_index_each(&set->by_key, free_series, NULL);
    name_index_each(&set->by_indicator, free_member_list, NULL);
    name_index_clear(&set->by_key);
    name_index_clear(&set->by_indicator);
    free(set);
}

struct series *series_get(const struct series_set *set, const char *id)
{
    return name_index_get(&set->by_key, id);
}

/* The member list of the indicator of key `id` ("indicator.member"),
 * created if need be, with room for one more member. */
static struct member_list *member_room(struct series_set *set, const char *id, size_t indicator_len)
{
    struct member_list *list = name_index_get_len(&set->by_indicator, id, indicator_len);
    if (!list) {
        if (indicator_len > INDICATOR_ID_MAX || !(list = calloc(1, sizeof *list)))
            return NULL;
        memcpy(list->indicator, id, indicator_len);
        if (name_index_put(&set->by_indicator, list->indicator, list) < 0) {
            free(list);
            return NULL;
        }
    }
    if (array_grow((void **)&list->members, &list->cap, list->n + 1, sizeof *list->members) < 0)
        return NULL;
    return list;
}

struct series *series_get_or_add(struct series_set *set, const char *id)
{
    if (strlen(id) > SERIES_KEY_MAX)
        return NULL;
    struct series *s = series_get(set, id);
    if (s)
        return s;
    const char *dot = strchr(id, '.');
    struct member_list *list = NULL;
    if ((dot && !(list = member_room(set, id, (size_t)(dot - id)))) || !(s = calloc(1, sizeof *s)))
        return NULL;
    strcpy(s->id, id);
    if (name_index_put(&set->by_key, s->id, s) < 0) {
        free(s);
        return NULL;
    }
    if (list) /* room was made above: this cannot fail */
        list->members[list->n++] = s;
    return s;
}

size_t series_count(const struct series_set *set)
{
    return set->by_key.n;
}

/* The code point of the valid UTF-8 sequence of `len` bytes at `s`. */
static unsigned code_point(const unsigned char *s, size_t len)
{
    static const unsigned char lead_mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    unsigned cp = s[0] & lead_mask[len];
    for (size_t i = 1; i < len; i++)
        cp = cp << 6 | (s[i] & 0x3fu);
    return cp;
}

/* Control characters (C0, DEL, C1) and Unicode's White_Space. */
static bool blank_or_control(unsigned cp)
{
    return cp <= 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

bool series_member_valid(const char *member)
{
    const unsigned char *s = (const unsigned char *)member;
    size_t n = strlen(member);
    if (n == 0 || n > PEJL_MEMBER_MAX)
        return false;
    for (size_t i = 0, len; i < n; i += len)
        if (!(len = utf8_sequence(s + i, n - i)) || blank_or_control(code_point(s + i, len)))
            return false;
    return true;
}

int series_key(char *buf, size_t size, const char *indicator, const char *member)
{
    int n = member ? snprintf(buf, size, "%s.%s", indicator, member)
                   : snprintf(buf, size, "%s", indicator);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

void series_each_member(const struct series_set *set, const char *indicator,
                        void (*fn)(const struct series *s, void *arg), void *arg)
{
    const struct member_list *list = name_index_get(&set->by_indicator, indicator);
    for (size_t i = 0; list && i < list->n; i++)
        fn(list->members[i], arg);
}

/* Index of the first item not before `p`. */
static size_t lower_bound(const struct series *s, const struct pejl_period *p)
{
    size_t lo = 0, hi = s->n;
    if (hi > 0 && period_compare(&s->items[hi - 1].obs.period, p) < 0)
        return hi; /* the usual case: appending */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (period_compare(&s->items[mid].obs.period, p) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct stored_observation *series_find(const struct series *s, const struct pejl_period *p)
{
    size_t i = lower_bound(s, p);
    return i < s->n && period_equal(&s->items[i].obs.period, p) ? &s->items[i] : NULL;
}

static bool same_value(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

enum series_change series_classify(const struct series *s, const struct pejl_observation *obs,
                                   const struct stored_observation **previous)
{
    const struct stored_observation *old = s ? series_find(s, &obs->period) : NULL;
    *previous = old;
    if (!old)
        return SERIES_NEW;
    return same_value(old->obs.value, obs->value) && old->obs.status == obs->status
               ? SERIES_SAME
               : SERIES_REVISED;
}

bool series_provisional(const struct stored_observation *old)
{
    return (old->obs.status & PEJL_STATUS_PROVISIONAL) != 0;
}

long series_put(struct series *s, const struct pejl_observation *obs, int64_t vintage)
{
    size_t i = lower_bound(s, &obs->period);
    struct stored_observation item = {.obs = *obs, .vintage = vintage};
    if (i < s->n && period_equal(&s->items[i].obs.period, &obs->period)) {
        const struct stored_observation *old = &s->items[i];
        if (series_provisional(old) &&
            (!same_value(old->obs.value, obs->value) || old->obs.status != obs->status))
            s->provisional_updates++;
        s->items[i] = item;
        return (long)i;
    }
    if (array_grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items) < 0)
        return -1;
    memmove(&s->items[i + 1], &s->items[i], (s->n - i) * sizeof *s->items);
    s->items[i] = item;
    s->n++;
    return (long)i;
}
