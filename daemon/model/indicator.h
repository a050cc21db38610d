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

/* At most this many sources splice one indicator's series. */
#define INDICATOR_MAX_SOURCES 8

/* One of an indicator's sources (source = ( { …; until = "2021"; }, { …;
 * from = "2022-01"; } )): its collector, the collector's state, and the
 * periods it is valid for. Observations outside from..until are dropped; a
 * period two sources give is the later one's (see splice.h). */
struct indicator_source {
    const struct collector_module *collector;
    void *state;                    /* from configure(); released with the config */
    struct pejl_period from, until; /* kind PEJL_PERIOD_NONE: open */
    int line;                       /* of the source group */
};

/* A dated event drawn on graphs' time axes (events = ( … )): the strategy's
 * launch, a table break, a change of method. */
#define EVENTS_MAX 16
#define EVENT_TEXT_MAX 80
struct time_event {
    int64_t time; /* 00:00 UTC of its day */
    char *text;   /* one line of UTF-8 */
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
    /* Every source, oldest first (one for most indicators); `collector` and
     * `source` above are the last of them, the one that gives the newest
     * periods. Never empty once loaded. */
    struct indicator_source *sources;
    size_t n_sources;
    struct time_event *events; /* events = ( … ) of this indicator, beside the global ones */
    size_t n_events;
};

/* Whether the period `p` lies inside the source's from..until (by the
 * periods' start and end, so that "2021" bounds months and "2022-01" years). */
bool indicator_source_covers(const struct indicator_source *s, const struct pejl_period *p);

/* [a-z0-9_-]{1,INDICATOR_ID_MAX}: an id is used in file names. */
bool indicator_id_valid(const char *id);

/* The indicator called `id` among the `n` of `indicators`, or NULL. */
const struct indicator *indicator_find(const struct indicator *indicators, size_t n,
                                       const char *id);

#endif
