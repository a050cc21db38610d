/*
 * indicator.h — an indicator as the config describes it: what is collected
 * (its collector and source), how often, what it is measured against
 * (targets) and when it alerts (rules). Read by settings/, shared by every
 * folder above model/.
 */
#ifndef PEJL_INDICATOR_H
#define PEJL_INDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "derive.h"
#include "evaluate.h"
#include "published.h"

struct alert_rule; /* alert/rule.h */

/* A loaded collector module (settings/plugin.c loads it). */
struct collector_module {
    char *name;
    char *path;
    void *dl;
    const struct pejl_collector *api;
};

struct indicator {
    char *id;        /* [a-z0-9_-]+, used in file names */
    char *title;     /* UTF-8 */
    char *unit;      /* UTF-8, e.g. "mia. kr." */
    int pejlemaerke; /* 1..6, or 0 for a context series */
    enum pejl_period_kind frequency;
    int64_t interval_s;
    int64_t stale_after_s; /* after a period's end; default by frequency */
    const struct collector_module *collector;
    void *source; /* the collector's state from configure() */
    struct derive_spec derive;
    struct target *targets; /* target = { … } or targets = ( … ) */
    size_t n_targets;
    struct alert_rule *rules; /* alerts = ( … ), or the defaults */
    size_t n_rules;
    size_t max_members; /* panel members a collection may have */
    int line;
    struct published_figure *published; /* published = ( … ): the owner's figures */
    size_t n_published;
    /* Where the figures come from, in words a reader knows ("Danmarks
     * Statistik, SITC2R4"): the config's source_name, else the collector's
     * describe(), else the collector's name. Never NULL once loaded. */
    char *source_name;
    bool illustrative; /* made-up figures: every output says so */
};

/* [a-z0-9_-]{1,INDICATOR_ID_MAX}: an id is used in file names. */
bool indicator_id_valid(const char *id);

/* The indicator called `id` among the `n` of `indicators`, or NULL. */
const struct indicator *indicator_find(const struct indicator *indicators, size_t n,
                                       const char *id);

#endif
