/*
 * assess.c — an indicator's targets evaluated once (see assess.h).
 */
#include "assess.h"

#include <math.h>

#include "period.h"

static const struct stored_observation *newest(const struct series *s)
{
    for (size_t i = s ? s->n : 0; i-- > 0;)
        if (!isnan(s->items[i].obs.value))
            return &s->items[i];
    return NULL;
}

/* A panel kept only as members (no combine): its newest member value. */
static void newest_member(const struct series *s, void *arg)
{
    const struct stored_observation **best = arg, *o = newest(s);
    if (o && (!*best || period_end(&o->obs.period) > period_end(&(*best)->obs.period)))
        *best = o;
}

const struct stored_observation *assess(const struct indicator *ind, const struct store *store,
                                        int64_t now, struct evaluation *out)
{
    const struct series *s = store_series(store, ind->id);
    for (size_t k = 0; k < ind->n_targets; k++) {
        evaluate(&ind->targets[k], s ? s->items : NULL, s ? s->n : 0, now, &out[k]);
        evaluate_staleness(&out[k], now, ind->stale_after_s);
    }
    const struct stored_observation *latest = newest(s);
    if (!latest)
        series_each_member(store_series_set(store), ind->id, newest_member, &latest);
    return latest;
}

void assess_published(const struct indicator *ind, const struct store *store,
                      struct published_check *out)
{
    const struct series *s = store_series(store, ind->id);
    for (size_t i = 0; i < ind->n_published; i++)
        published_check(&ind->published[i], s ? s->items : NULL, s ? s->n : 0, &out[i]);
}
