/*
 * config_index.c — the loaded config's indicators by id, and the indicators
 * derived from each (per_million), so that finding an indicator or its
 * dependents costs the same with 4,000 indicators as with 10 (a search per
 * collection made a pass over the catalogue quadratic).
 *
 * Built once the config is complete (its indicators no longer move) and
 * never changed after: a reload loads a new config.
 */
#include "config.h"

#include <stdlib.h>

#include "array.h"

static void free_dependents(void *value, void *arg)
{
    struct config_dependents *dependents = value;
    (void)arg;
    free(dependents->items);
    free(dependents);
}

void config_index_free(struct config *c)
{
    name_index_each(&c->dependents, free_dependents, NULL);
    name_index_clear(&c->dependents);
    name_index_clear(&c->by_id);
}

static int add_dependent(struct config *c, const struct indicator *ind)
{
    const char *of = ind->derive.per_million;
    struct config_dependents *d = name_index_get(&c->dependents, of);
    if (!d) {
        if (!(d = calloc(1, sizeof *d)))
            return -1;
        if (name_index_put(&c->dependents, of, d) < 0) {
            free(d);
            return -1;
        }
    }
    if (array_grow((void **)&d->items, &d->cap, d->n + 1, sizeof *d->items) < 0)
        return -1;
    d->items[d->n++] = ind;
    return 0;
}

int config_index_build(struct config *c)
{
    for (size_t i = 0; i < c->n_indicators; i++) {
        const struct indicator *ind = &c->indicators[i];
        if (!ind->id)
            continue;
        if ((!name_index_get(&c->by_id, ind->id) &&
             name_index_put(&c->by_id, ind->id, (void *)ind) < 0) ||
            (ind->derive.per_million && add_dependent(c, ind) < 0)) {
            config_index_free(c);
            return -1;
        }
    }
    return 0;
}

const struct config_dependents *config_dependents_of(const struct config *c, const char *id)
{
    return name_index_get(&c->dependents, id);
}
