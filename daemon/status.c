/*
 * status.c — the status table (see status.h). Figures come from evaluate();
 * this file only lays them out.
 */
#include "status.h"

#include <jansson.h>
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
    fprintf(out, "%-24s %2d  %-10s %10s  %-22s %10s %7s  %-11s %7s %11s  %s\n", ind->id,
            ind->pejlemaerke, latest, figure(e->latest_value, a, sizeof a), target,
            figure(e->path_value, b, sizeof b), figure(e->gap_pct, c, sizeof c),
            progress_name(e->progress), figure(e->time_distance_years, d, sizeof d),
            figure(e->projection, f, sizeof f), e->stale ? "stale" : "");
}

typedef void (*row_fn)(void *arg, const struct indicator *ind, const struct target *t,
                       const struct evaluation *e);

/* Evaluates every target of every indicator once and hands each row on. */
static void each_row(const struct config *config, const struct store *store, int64_t now,
                     row_fn fn, void *arg)
{
    for (size_t i = 0; i < config->n_indicators; i++) {
        const struct indicator *ind = &config->indicators[i];
        const struct series *s = store_series(store, ind->id);
        for (size_t k = 0; k < ind->n_targets; k++) {
            struct evaluation e;
            evaluate(&ind->targets[k], s ? s->items : NULL, s ? s->n : 0, now, &e);
            evaluate_staleness(&e, now, ind->stale_after_s);
            fn(arg, ind, &ind->targets[k], &e);
        }
    }
}

static void print_row_to(void *arg, const struct indicator *ind, const struct target *t,
                         const struct evaluation *e)
{
    print_row(arg, ind, t, e);
}

void status_print(FILE *out, const struct config *config, const struct store *store, int64_t now)
{
    fprintf(out, "%-24s %2s  %-10s %10s  %-22s %10s %7s  %-11s %7s %11s  %s\n", "indicator",
            "pm", "latest", "value", "target", "path", "gap %", "progress", "years",
            "projection", "data");
    each_row(config, store, now, print_row_to, out);
}

static json_t *number_or_null(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *row_json(const struct indicator *ind, const struct target *t,
                        const struct evaluation *e)
{
    char latest[PERIOD_TEXT_MAX] = "", target[40];
    if (!isnan(e->latest_value))
        period_format(&e->latest, latest, sizeof latest);
    target_text(t, target, sizeof target);
    json_t *row = json_object();
    json_object_set_new(row, "indicator", json_string(ind->id));
    json_object_set_new(row, "pejlemaerke", json_integer(ind->pejlemaerke));
    json_object_set_new(row, "title", json_string(ind->title));
    json_object_set_new(row, "unit", json_string(ind->unit));
    json_object_set_new(row, "latest_period", latest[0] ? json_string(latest) : json_null());
    json_object_set_new(row, "latest_value", number_or_null(e->latest_value));
    json_object_set_new(row, "target", json_string(target));
    json_object_set_new(row, "target_year", t->year ? json_integer(t->year) : json_null());
    json_object_set_new(row, "target_value", number_or_null(t->kind == TARGET_PATH ? t->value : NAN));
    json_object_set_new(row, "baseline_value", number_or_null(e->baseline_value));
    json_object_set_new(row, "path_value", number_or_null(e->path_value));
    json_object_set_new(row, "gap_pct", number_or_null(e->gap_pct));
    json_object_set_new(row, "actual_growth", number_or_null(e->actual_growth));
    json_object_set_new(row, "required_growth", number_or_null(e->required_growth));
    json_object_set_new(row, "still_required_growth", number_or_null(e->still_required_growth));
    json_object_set_new(row, "ratio", number_or_null(e->ratio));
    json_object_set_new(row, "progress", json_string(progress_name(e->progress)));
    json_object_set_new(row, "time_distance_years", number_or_null(e->time_distance_years));
    json_object_set_new(row, "projection", number_or_null(e->projection));
    json_object_set_new(row, "shortfall_pct", number_or_null(e->shortfall_pct));
    json_object_set_new(row, "final", json_boolean(e->final));
    json_object_set_new(row, "stale", json_boolean(e->stale));
    json_object_set_new(row, "days_since_period_end", number_or_null(e->days_since_period_end));
    json_object_set_new(row, "note", e->why ? json_string(e->why) : json_null());
    return row;
}

static void append_row(void *arg, const struct indicator *ind, const struct target *t,
                       const struct evaluation *e)
{
    json_array_append_new(arg, row_json(ind, t, e));
}

int status_print_json(FILE *out, const struct config *config, const struct store *store,
                      int64_t now)
{
    json_t *rows = json_array();
    each_row(config, store, now, append_row, rows);
    int rc = json_dumpf(rows, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(rows);
    return rc;
}
