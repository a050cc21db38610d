/*
 * status.c — the status table (see status.h). Figures come from evaluate();
 * this file only lays them out.
 */
#include "status.h"

#include <math.h>
#include <string.h>

#include "evaluate.h"
#include "period.h"
#include "value.h"

static void target_text(const struct target *t, char *buf, size_t size)
{
    char value[32];
    switch (t->kind) {
    case TARGET_PATH:
        value_format(t->value, value, sizeof value);
        snprintf(buf, size, "%s in %d", value, t->year);
        break;
    case TARGET_ABOVE_BASELINE: {
        char base[PERIOD_TEXT_MAX];
        period_format(&t->baseline, base, sizeof base);
        snprintf(buf, size, "> %s level, %d", base, t->year);
        break;
    }
    case TARGET_RANK: snprintf(buf, size, "top %d, %d", t->top, t->year); break;
    case TARGET_TREND: snprintf(buf, size, "trend %s", t->direction > 0 ? "up" : "down"); break;
    }
}

/* A number to one decimal, or "-" when there is none. */
static const char *figure(double v, char *buf, size_t size)
{
    if (isnan(v) || isinf(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f", v);
    return buf;
}

static void print_row(FILE *out, const struct indicator *ind, const struct target *t,
                      const struct evaluation *e)
{
    char latest[PERIOD_TEXT_MAX] = "-", target[40], a[24], b[24], c[24], d[24], f[24];
    if (!isnan(e->latest_value))
        period_format(&e->latest, latest, sizeof latest);
    target_text(t, target, sizeof target);
    fprintf(out, "%-24s %2d  %-10s %10s  %-22s %10s %7s  %-11s %7s %11s\n", ind->id,
            ind->pejlemaerke, latest, figure(e->latest_value, a, sizeof a), target,
            figure(e->path_value, b, sizeof b), figure(e->gap_pct, c, sizeof c),
            progress_name(e->progress), figure(e->time_distance_years, d, sizeof d),
            figure(e->projection, f, sizeof f));
}

void status_print(FILE *out, const struct config *config, const struct store *store, int64_t now)
{
    fprintf(out, "%-24s %2s  %-10s %10s  %-22s %10s %7s  %-11s %7s %11s\n", "indicator", "pm",
            "latest", "value", "target", "path", "gap %", "progress", "years", "projection");
    for (size_t i = 0; i < config->n_indicators; i++) {
        const struct indicator *ind = &config->indicators[i];
        const struct series *s = store_series(store, ind->id);
        for (size_t k = 0; k < ind->n_targets; k++) {
            struct evaluation e;
            evaluate(&ind->targets[k], s ? s->items : NULL, s ? s->n : 0, now, &e);
            print_row(out, ind, &ind->targets[k], &e);
        }
    }
}
