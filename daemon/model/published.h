/*
 * published.h — figures an indicator's owner has published (the strategy's
 * anchors: "174 bn DKK in 2023"), set beside pejl's own figure for the same
 * period, so that a basket or code list that does not reproduce the
 * official figure shows (and the reconcile rule can say so).
 *
 * A published period is one of the indicator's frequency, or a year for a
 * monthly, quarterly or daily series: pejl's figure for that year is then
 * the mean of its periods, all of them present (the same reading the
 * evaluation gives a baseline year of such a series; a sum over the year
 * is configured as an annual indicator, derive = { annual = "sum"; }).
 *
 * Pure functions over a series; no I/O.
 */
#ifndef PEJL_PUBLISHED_H
#define PEJL_PUBLISHED_H

#include <stdbool.h>
#include <stddef.h>

#include "collector.h"
#include "series.h"

#define PUBLISHED_MAX 100        /* published figures per indicator */
#define PUBLISHED_SOURCE_MAX 200 /* bytes of UTF-8 naming who published it */

struct published_figure {
    struct pejl_period period;
    double value;
    char *source; /* UTF-8, e.g. "Erhvervsministeriet pba. Danmarks Statistik (2024)" */
    int line;     /* in the config */
};

struct published_check {
    const struct published_figure *figure;
    double pejl_value; /* pejl's figure for the period; NAN when it has none */
    double diff_pct;   /* pejl's against the published, %; NAN when not comparable */
};

/* pejl's figure for `period` in items[0..n): that period's value, or for a
 * year over a finer series the mean of the year's periods when every one
 * has a value; NAN otherwise. */
double published_pejl_value(const struct pejl_period *period,
                            const struct stored_observation *items, size_t n);

/* The published figure `f` beside pejl's in items[0..n). */
void published_check(const struct published_figure *f, const struct stored_observation *items,
                     size_t n, struct published_check *out);

/* Whether a published figure for a `period` can be set beside a series of
 * `frequency`: the same kind, or a year over months, quarters or days. */
bool published_period_fits(const struct pejl_period *period, enum pejl_period_kind frequency);

#endif
