/*
 * published.c — published figures beside pejl's (see published.h).
 */
#include "published.h"

#include <math.h>

#include "period.h"

/* The mean of the periods of kind `kind` that lie within `year`, when
 * they cover the whole year; NAN otherwise. */
static double year_mean(const struct pejl_period *year, enum pejl_period_kind kind,
                        const struct stored_observation *items, size_t n)
{
    int64_t start = period_start(year), end = period_end(year), covered = 0;
    double sum = 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct pejl_period *p = &items[i].obs.period;
        if (p->kind != kind || period_start(p) < start || period_end(p) > end ||
            isnan(items[i].obs.value))
            continue;
        covered += period_end(p) - period_start(p);
        sum += items[i].obs.value;
        count++;
    }
    return count && covered == end - start ? sum / (double)count : NAN;
}

double published_pejl_value(const struct pejl_period *period,
                            const struct stored_observation *items, size_t n)
{
    enum pejl_period_kind finer = PEJL_PERIOD_NONE;
    for (size_t i = n; i-- > 0;) {
        if (period_equal(&items[i].obs.period, period))
            return items[i].obs.value; /* NAN when the cell is missing */
        if (items[i].obs.period.kind > period->kind && !isnan(items[i].obs.value))
            finer = items[i].obs.period.kind;
    }
    if (period->kind != PEJL_PERIOD_YEAR || finer == PEJL_PERIOD_NONE || finer == PEJL_PERIOD_WEEK)
        return NAN;
    return year_mean(period, finer, items, n);
}

void published_check(const struct published_figure *f, const struct stored_observation *items,
                     size_t n, struct published_check *out)
{
    *out = (struct published_check){.figure = f, .diff_pct = NAN};
    out->pejl_value = published_pejl_value(&f->period, items, n);
    if (!isnan(out->pejl_value) && f->value != 0)
        out->diff_pct = (out->pejl_value / f->value - 1) * 100;
}

bool published_period_fits(const struct pejl_period *period, enum pejl_period_kind frequency)
{
    if (period->kind == frequency)
        return true;
    return period->kind == PEJL_PERIOD_YEAR &&
           (frequency == PEJL_PERIOD_QUARTER || frequency == PEJL_PERIOD_MONTH ||
            frequency == PEJL_PERIOD_DAY);
}
