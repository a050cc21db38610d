/*
 * compare.h — "since the last meeting": what changed between a moment
 * then (a snapshot, a date) and now, for the page of a report an analyst
 * reads first: periods that appeared, figures revised (the value then and
 * now), targets whose progress category changed, ranks that moved, and
 * alerts that opened or closed in between.
 *
 * The figures come from the journal's history of every value with its
 * vintage (as_of.h): a value counts then when its vintage is no later than
 * then, and now when no later than now. The evaluations come from the
 * store as known then and the store of now (assess.h), the alerts from
 * each alert's transitions with their times (alert.h keeps the last
 * ALERT_HISTORY_MAX of them; an alert that changed more often since then
 * is marked, its earliest changes no longer known). Pure reading: it
 * writes nothing and never steps an alert.
 */
#ifndef PEJL_COMPARE_H
#define PEJL_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerting.h"
#include "evaluate.h"
#include "indicator.h"
#include "store.h"

/* One period that is new or revised since then. */
struct period_change {
    struct pejl_period period;
    double then_value; /* NAN: not known then (a new period) */
    double now_value;
    uint32_t now_status;
    int64_t now_vintage; /* when the value of now was first seen */
    unsigned revisions;  /* value changes after then (of a new period: after its first value) */
};

/* A period new or revised since then, of an indicator's own series
 * (member "") or one of its members. */
struct compare_figure {
    const struct indicator *indicator;
    char member[PEJL_MEMBER_MAX + 1];
    struct period_change change;
};

/* A target whose progress category or rank changed. */
struct compare_target {
    const struct indicator *indicator;
    size_t target; /* index into indicator->targets */
    struct evaluation then, now;
};

/* One episode of an alert away from OK that began or ended in between. */
struct compare_alert {
    const struct indicator *indicator; /* NULL: no longer in the config */
    char indicator_id[INDICATOR_ID_MAX + 1];
    char rule[RULE_NAME_MAX];
    enum alert_state state; /* the state it opened with (the worst it reached) */
    int64_t opened, closed; /* in (then, now]; 0: before then, or still open */
    bool history_cut;       /* transitions before the earliest kept are forgotten */
};

struct comparison {
    int64_t then, now;
    struct compare_figure *new_periods, *revised;
    size_t n_new_periods, n_revised;
    struct compare_target *progress, *ranks;
    size_t n_progress, n_ranks;
    struct compare_alert *alerts;
    size_t n_alerts;
    bool alerts_read; /* false: no alert state was given (a report as of a moment) */
};

/* What a comparison reads. `then_store` holds what was known at `then`
 * (the journal cut at that vintage), `store` what is known now. */
struct compare_inputs {
    const struct indicator *indicators;
    size_t n_indicators;
    const char *state_dir;
    const struct store *then_store, *store;
    const struct alerting *alerting; /* NULL: no alerts */
    int64_t then, now;
};

/* Fills `c`; -1 with err when the journal cannot be read or memory ran out. */
int compare_build(struct comparison *c, const struct compare_inputs *in, char *err, size_t errlen);
void compare_free(struct comparison *c);

/* A revision in % of the value then; NAN when that was 0 or there was none. */
double compare_change_pct(const struct period_change *change);

#endif
