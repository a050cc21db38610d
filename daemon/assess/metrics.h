/*
 * metrics.h — the figures and alerts in Prometheus' text exposition format
 * (version 0.0.4): what `pejlctl metrics` prints for a textfile collector
 * and what pejld's HTTP endpoint serves at /metrics. One generator for
 * both. Every family is a gauge (the one counter says so) with HELP and
 * TYPE; an absent figure is no sample, never a zero.
 *
 * It only writes what it is handed: the store, the alerts and a few
 * numbers the daemon counts (the outbox lies above this folder).
 */
#ifndef PEJL_METRICS_H
#define PEJL_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alerting.h"
#include "indicator.h"
#include "store.h"

struct metrics_input {
    const struct indicator *indicators;
    size_t n_indicators;
    const struct store *store;
    const struct alerting *alerting;
    int64_t now;                 /* the moment targets and staleness are evaluated at */
    unsigned collections_failed; /* since pejld started */
    size_t outbox_pending;       /* notifications waiting */
};

/* Writes the whole exposition to `out`; -1 when a write failed. */
int metrics_write(FILE *out, const struct metrics_input *in);

#endif
