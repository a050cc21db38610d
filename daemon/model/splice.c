/*
 * splice.c — one series from several sources (see splice.h).
 *
 * Every source's observations, kept inside its range (and summed to years
 * where the indicator sums them), are tagged with the source's index and
 * sorted together by member, period and source; each run of one member's
 * period then keeps its last source's value and, when there are several,
 * notes an overlap.
 */
#include "splice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "derive.h"
#include "period.h"

struct tagged {
    struct pejl_observation obs;
    size_t source;
};

struct tagged_list {
    struct tagged *items;
    size_t n, cap;
};

static bool same_member(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int compare_tagged(const void *a, const void *b)
{
    const struct tagged *x = a, *y = b;
    int m = strcmp(x->obs.member ? x->obs.member : "", y->obs.member ? y->obs.member : "");
    if (m)
        return m;
    int p = period_compare(&x->obs.period, &y->obs.period);
    return p ? p : (x->source > y->source) - (x->source < y->source);
}

static int add(struct tagged_list *l, const struct pejl_observation *o, size_t source)
{
    if (array_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items) < 0)
        return -1;
    l->items[l->n++] = (struct tagged){.obs = *o, .source = source};
    return 0;
}

/* Source i's observations inside its range, summed to years when the
 * indicator sums them, onto `all`. */
static int take_part(const struct indicator *ind, size_t i, const struct splice_part *part,
                     struct tagged_list *all, char *err, size_t errlen)
{
    struct pejl_observation *kept = malloc((part->n ? part->n : 1) * sizeof *kept), *years = NULL;
    size_t n = 0, n_years = 0;
    if (!kept)
        return -1;
    for (size_t k = 0; k < part->n; k++)
        if (indicator_source_covers(&ind->sources[i], &part->obs[k].period))
            kept[n++] = part->obs[k];
    int rc = 0;
    if (ind->derive.temporal == TEMPORAL_ANNUAL_SUM) {
        rc = derive_annual_sums(kept, n, &years, &n_years, err, errlen);
        free(kept);
        kept = years;
        n = n_years;
    }
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = add(all, &kept[k], i);
    free(kept);
    return rc;
}

static int note_overlap(struct splice_result *r, size_t *cap, const struct tagged *run, size_t n)
{
    if (array_grow((void **)&r->overlaps, cap, r->n_overlaps + 1, sizeof *r->overlaps) < 0)
        return -1;
    struct splice_overlap *o = &r->overlaps[r->n_overlaps++];
    o->member = run[0].obs.member;
    o->period = run[0].obs.period;
    for (size_t i = 0; i < INDICATOR_MAX_SOURCES; i++)
        o->value[i] = NAN;
    for (size_t k = 0; k < n; k++)
        o->value[run[k].source] = run[k].obs.value;
    return 0;
}

/* The run's winner: the last source with a value, else the last source. */
static const struct tagged *winner(const struct tagged *run, size_t n)
{
    for (size_t k = n; k-- > 0;)
        if (!isnan(run[k].obs.value))
            return &run[k];
    return &run[n - 1];
}

static void note_seam(struct splice_result *r, size_t source, const struct pejl_period *first)
{
    for (size_t i = 0; i < r->n_seams; i++) {
        struct splice_seam *s = &r->seams[i];
        if (s->source != source)
            continue;
        s->members++;
        if (period_compare(first, &s->first) < 0)
            s->first = *first;
        return;
    }
    if (r->n_seams < INDICATOR_MAX_SOURCES)
        r->seams[r->n_seams++] =
            (struct splice_seam){.source = source, .first = *first, .members = 1};
}

/* Keeps one observation per member and period; marks each change of source. */
static int merge(struct tagged_list *all, struct splice_result *r, size_t *sources)
{
    size_t cap_overlaps = 0, kept = 0;
    for (size_t i = 0, j; i < all->n; i = j) {
        for (j = i + 1;
             j < all->n && same_member(all->items[j].obs.member, all->items[i].obs.member) &&
             period_equal(&all->items[j].obs.period, &all->items[i].obs.period);
             j++)
            ;
        if (j - i > 1 && note_overlap(r, &cap_overlaps, &all->items[i], j - i) < 0)
            return -1;
        const struct tagged *w = winner(&all->items[i], j - i);
        struct pejl_observation o = w->obs;
        bool follows = kept > 0 && same_member(r->obs[kept - 1].member, o.member);
        if (follows && sources[kept - 1] != w->source) {
            o.status |= PEJL_STATUS_BREAK;
            note_seam(r, w->source, &o.period);
        }
        sources[kept] = w->source;
        r->obs[kept++] = o;
    }
    r->n = kept;
    return 0;
}

int splice_apply(const struct indicator *ind, const struct splice_part *parts, size_t n_parts,
                 struct splice_result *out, char *err, size_t errlen)
{
    struct tagged_list all = {0};
    size_t *sources = NULL;
    int rc = 0;
    *out = (struct splice_result){0};
    err[0] = '\0';
    for (size_t i = 0; i < n_parts && i < ind->n_sources && rc == 0; i++)
        rc = take_part(ind, i, &parts[i], &all, err, errlen);
    if (rc == 0) {
        qsort(all.items, all.n, sizeof *all.items, compare_tagged);
        out->obs = malloc((all.n ? all.n : 1) * sizeof *out->obs);
        sources = malloc((all.n ? all.n : 1) * sizeof *sources);
        rc = out->obs && sources ? merge(&all, out, sources) : -1;
    }
    free(all.items);
    free(sources);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory splicing the sources");
        splice_result_free(out);
        return -1;
    }
    return 0;
}

void splice_result_free(struct splice_result *r)
{
    free(r->obs);
    free(r->overlaps);
    *r = (struct splice_result){0};
}
