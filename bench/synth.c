/*
 * synth.c — the benchmark's synthetic monthly series, and the RRD definition
 * and update strings every variant writes them with. The definition is the
 * one rrdview.c uses for a monthly indicator, built from its constants and
 * the period helpers; only its two offsets (heartbeat = longest period + 2
 * days, start = first value - longest period - 1 day) are repeated here,
 * because rrdview.c keeps them in static functions.
 */
#include "ingest.h"

#include <stdio.h>
#include <stdlib.h>

#include "period.h"
#include "rrdview.h"

#define FIRST_YEAR 2005
#define POINT_WIDTH 48 /* "%lld:%.17g" fits in 44, as in rrdview.c */

void synth_id(size_t series, char *buf, size_t size)
{
    snprintf(buf, size, "s%06zu", series);
}

struct pejl_period synth_period(size_t month)
{
    return (struct pejl_period){.year = (int16_t)(FIRST_YEAR + month / 12),
                                .kind = PEJL_PERIOD_MONTH,
                                .index = (uint8_t)(month % 12 + 1)};
}

int64_t synth_time(size_t month)
{
    struct pejl_period p = synth_period(month);
    return period_end(&p);
}

double synth_value(size_t series, size_t month)
{
    /* Exact binary fractions, different for every month of a series. */
    return (double)(series % 1000) * 8.0 + (double)month * 0.25 + 0.125;
}

void synth_observations(size_t series, size_t months, struct pejl_observation *obs)
{
    for (size_t j = 0; j < months; j++)
        obs[j] =
            (struct pejl_observation){.period = synth_period(j), .value = synth_value(series, j)};
}

void synth_rrd_path(const char *dir, size_t series, char *buf, size_t size)
{
    snprintf(buf, size, "%s/rrd/s%06zu.rrd", dir, series);
}

void rrd_definition_init(struct rrd_definition *def)
{
    int max_days = period_kind_max_days(PEJL_PERIOD_MONTH);
    snprintf(def->ds, sizeof def->ds, "DS:value:GAUGE:%ld:U:U", (long)(max_days + 2) * RRD_STEP);
    snprintf(def->last, sizeof def->last, "RRA:LAST:0.5:1:%d", RRD_LAST_ROWS);
    snprintf(def->average, sizeof def->average, "RRA:AVERAGE:0.5:%d:%d", RRD_AVERAGE_STEPS,
             RRD_AVERAGE_ROWS);
    def->argv[0] = def->ds;
    def->argv[1] = def->last;
    def->argv[2] = def->average;
    def->start = (time_t)(synth_time(0) - (int64_t)(max_days + 1) * RRD_STEP);
}

int update_text_init(struct update_text *u, size_t months)
{
    u->months = months;
    u->text = malloc(months * POINT_WIDTH);
    u->argv = calloc(months, sizeof *u->argv);
    if (u->text && u->argv)
        return 0;
    update_text_free(u);
    return -1;
}

void update_text_fill(struct update_text *u, size_t series)
{
    for (size_t j = 0; j < u->months; j++) {
        char *slot = u->text + j * POINT_WIDTH;
        snprintf(slot, POINT_WIDTH, "%lld:%.17g", (long long)synth_time(j), synth_value(series, j));
        u->argv[j] = slot;
    }
}

void update_text_free(struct update_text *u)
{
    free(u->text);
    free(u->argv);
    u->text = NULL;
    u->argv = NULL;
}
