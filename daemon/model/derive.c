/*
 * derive.c — derived series (see derive.h).
 *
 * Works on a growable array of observations; each step reads one array and
 * writes the next, so every step is a small function over plain data.
 */
#include "derive.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "period.h"

#define PROPAGATED (PEJL_STATUS_PROVISIONAL | PEJL_STATUS_ESTIMATED)

struct obs_list {
    struct pejl_observation *items;
    size_t n, cap;
};

static int push(struct obs_list *l, const struct pejl_observation *o)
{
    if (array_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items) < 0)
        return -1;
    l->items[l->n++] = *o;
    return 0;
}

static bool same_member(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int compare_member_period(const void *a, const void *b)
{
    const struct pejl_observation *x = a, *y = b;
    int m = strcmp(x->member ? x->member : "", y->member ? y->member : "");
    return m ? m : period_compare(&x->period, &y->period);
}

static int compare_period_member(const void *a, const void *b)
{
    const struct pejl_observation *x = a, *y = b;
    int p = period_compare(&x->period, &y->period);
    return p ? p : strcmp(x->member ? x->member : "", y->member ? y->member : "");
}

/* End of the run of observations of the same member starting at `i`. */
static size_t run_end(const struct obs_list *l, size_t i)
{
    size_t j = i + 1;
    while (j < l->n && same_member(l->items[j].member, l->items[i].member))
        j++;
    return j;
}

/* ---- 2. temporal ---- */

static int periods_per_year(enum pejl_period_kind kind)
{
    return kind == PEJL_PERIOD_MONTH ? 12 : kind == PEJL_PERIOD_QUARTER ? 4 : 0;
}

/* Calendar-year sums of one member's run [i, j); complete years only. */
static int annual_run(const struct obs_list *in, size_t i, size_t j, struct obs_list *out,
                      char *err, size_t errlen)
{
    while (i < j) {
        const struct pejl_observation *first = &in->items[i];
        if (first->period.kind == PEJL_PERIOD_YEAR) { /* a year already (a spliced annual table) */
            if (push(out, first) < 0)
                return -1;
            i++;
            continue;
        }
        int per_year = periods_per_year(first->period.kind);
        if (!per_year) {
            snprintf(err, errlen, "annual = \"sum\" needs monthly or quarterly data, not %s",
                     period_kind_name(first->period.kind));
            return -1;
        }
        struct pejl_observation sum = {.period = {.year = first->period.year, .kind = PEJL_PERIOD_YEAR},
                                       .member = first->member};
        int count = 0;
        for (; i < j && in->items[i].period.year == sum.period.year; i++, count++) {
            if (in->items[i].period.kind != first->period.kind) {
                snprintf(err, errlen,
                         "annual = \"sum\": %d has both %s and %s values; give one "
                         "kind per year",
                         sum.period.year, period_kind_name(first->period.kind),
                         period_kind_name(in->items[i].period.kind));
                return -1;
            }
            sum.value += in->items[i].value; /* NAN makes the year incomplete */
            sum.status |= in->items[i].status & PROPAGATED;
        }
        if (count == per_year && !isnan(sum.value) && push(out, &sum) < 0)
            return -1;
    }
    return 0;
}

static bool consecutive(const struct pejl_period *a, const struct pejl_period *b)
{
    return a->kind == b->kind && period_end(a) == period_start(b);
}

/* Sums over the last n periods of one member's run [i, j). */
static int rolling_run(const struct obs_list *in, size_t i, size_t j, int n, struct obs_list *out)
{
    for (size_t k = i + (size_t)n - 1; k < j; k++) {
        struct pejl_observation sum = in->items[k];
        sum.value = 0;
        sum.status = in->items[k].status & PEJL_STATUS_BREAK; /* the seam's own period only */
        bool whole = true;
        for (size_t m = k + 1 - (size_t)n; m <= k && whole; m++) {
            whole = !isnan(in->items[m].value) &&
                    (m == k + 1 - (size_t)n || consecutive(&in->items[m - 1].period, &in->items[m].period));
            sum.value += in->items[m].value;
            sum.status |= in->items[m].status & PROPAGATED;
        }
        if (whole && push(out, &sum) < 0)
            return -1;
    }
    return 0;
}

static int temporal(const struct derive_spec *spec, const struct obs_list *in,
                    struct obs_list *out, char *err, size_t errlen)
{
    for (size_t i = 0; i < in->n;) {
        size_t j = run_end(in, i);
        int rc = spec->temporal == TEMPORAL_ANNUAL_SUM
                     ? annual_run(in, i, j, out, err, errlen)
                     : rolling_run(in, i, j, spec->rolling, out);
        if (rc < 0)
            return -1;
        i = j;
    }
    return 0;
}

/* ---- 3. per million inhabitants ---- */

static void per_million(const struct derive_input *in, struct obs_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        struct pejl_observation *o = &l->items[i];
        double population;
        uint32_t status;
        bool exact;
        if (isnan(o->value))
            continue;
        if (!in->lookup(in->lookup_arg, in->spec->per_million, o->member, period_end(&o->period),
                        &population, &status, &exact) ||
            !(population > 0)) {
            o->value = NAN; /* no population to divide by: missing, not a wrong number */
            continue;
        }
        o->value = o->value / population * 1e6;
        o->status |= (status & PROPAGATED) | (exact ? 0 : PEJL_STATUS_ESTIMATED);
    }
}

/* ---- 4. combining members ---- */

/* The own-series value of one period from its members [i, j) (sorted by member). */
static bool combine_period(const struct derive_spec *spec, const struct pejl_observation *group,
                           size_t n, size_t members, struct pejl_observation *own)
{
    size_t have = 0;
    const struct pejl_observation *ranked = NULL;
    *own = (struct pejl_observation){.period = group[0].period};
    for (size_t k = 0; k < n; k++) {
        if (!group[k].member || isnan(group[k].value))
            continue;
        have++;
        own->status |= group[k].status & (PROPAGATED | PEJL_STATUS_BREAK);
        own->value += spec->combine == COMBINE_SUM ? group[k].value : 0;
        if (spec->combine == COMBINE_RANK && strcmp(group[k].member, spec->rank_member) == 0)
            ranked = &group[k];
    }
    if (spec->combine == COMBINE_SUM)
        return have == members;
    if (!ranked || have != members)
        return false;
    own->value = 1; /* competition ranking: 1 + how many are strictly higher */
    for (size_t k = 0; k < n; k++)
        if (group[k].member && !isnan(group[k].value) && group[k].value > ranked->value)
            own->value += 1;
    return true;
}

static size_t count_members(const struct obs_list *l)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i = run_end(l, i))
        n += l->items[i].member != NULL;
    return n;
}

static int combine(const struct derive_spec *spec, struct obs_list *l)
{
    size_t members = count_members(l), n = l->n;
    struct pejl_observation *by_period = malloc((n ? n : 1) * sizeof *by_period);
    if (!by_period)
        return -1;
    memcpy(by_period, l->items, n * sizeof *by_period);
    qsort(by_period, n, sizeof *by_period, compare_period_member);
    /* the own series is replaced by the combination */
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].member)
            l->items[kept++] = l->items[i];
    l->n = kept;
    int rc = 0;
    for (size_t i = 0, j; i < n && rc == 0; i = j) {
        for (j = i + 1; j < n && period_equal(&by_period[j].period, &by_period[i].period); j++)
            ;
        struct pejl_observation own;
        if (combine_period(spec, &by_period[i], j - i, members, &own))
            rc = push(l, &own);
    }
    free(by_period);
    return rc;
}

/* ---- 5. scale ---- */

/* Last, because sums of whole numbers are exact and a scale of 0.001 is not
 * a double: dividing by 1000 gives 70.4 where multiplying gives
 * 70.400000000000006. A rank is not scaled. */
static void scale(const struct derive_spec *spec, struct obs_list *l)
{
    double inverse = 1 / spec->scale, whole = round(inverse);
    bool divide = whole >= 1 && fabs(inverse - whole) <= 1e-9 * whole;
    for (size_t i = 0; i < l->n; i++) {
        if (!l->items[i].member && spec->combine == COMBINE_RANK)
            continue;
        l->items[i].value = divide ? l->items[i].value / whole : l->items[i].value * spec->scale;
    }
}

/* ---- the whole ---- */

static int check_kinds(const struct obs_list *l, enum pejl_period_kind frequency, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i].period.kind != frequency) {
            snprintf(err, errlen, "derived values are %s, but the indicator's frequency is %s",
                     period_kind_name(l->items[i].period.kind), period_kind_name(frequency));
            return -1;
        }
    }
    return 0;
}

int derive_apply(const struct derive_input *in, const struct pejl_observation *obs, size_t n,
                 struct pejl_observation **out, size_t *n_out, char *err, size_t errlen)
{
    const struct derive_spec *spec = in->spec;
    struct obs_list a = {0}, b = {0};
    int rc = 0;
    err[0] = '\0';
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = push(&a, &obs[i]);
    if (rc == 0 && spec->temporal != TEMPORAL_NONE) {
        rc = temporal(spec, &a, &b, err, errlen);
        free(a.items);
        a = b;
    }
    if (rc == 0)
        rc = check_kinds(&a, in->frequency, err, errlen);
    if (rc == 0 && spec->per_million)
        per_million(in, &a);
    if (rc == 0 && spec->combine != COMBINE_NONE)
        rc = combine(spec, &a);
    if (rc == 0 && spec->scale != 1)
        scale(spec, &a);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory deriving values");
        free(a.items);
        return -1;
    }
    qsort(a.items, a.n, sizeof *a.items, compare_member_period);
    *out = a.items;
    *n_out = a.n;
    return 0;
}

int derive_annual_sums(const struct pejl_observation *obs, size_t n, struct pejl_observation **out,
                       size_t *n_out, char *err, size_t errlen)
{
    static const struct derive_spec annual = {.scale = 1, .temporal = TEMPORAL_ANNUAL_SUM};
    struct obs_list a = {0}, b = {0};
    int rc = 0;
    err[0] = '\0';
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = push(&a, &obs[i]);
    if (rc == 0)
        rc = temporal(&annual, &a, &b, err, errlen);
    free(a.items);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory deriving values");
        free(b.items);
        return -1;
    }
    *out = b.items;
    *n_out = b.n;
    return 0;
}

void derive_spec_free(struct derive_spec *spec)
{
    free(spec->per_million);
    spec->per_million = NULL;
}
