/*
 * status.c — the status table (see status.h). Figures come from assess()
 * and the alerts from alerting; this file only lays them out.
 */
#include "status.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "evaluate.h"
#include "period.h"
#include "timestamp.h"
#include "utf8.h"
#include "value.h"
#include "words.h"

static void target_text(const struct target *t, char *buf, size_t size)
{
    char value[32];
    if (!t) {
        snprintf(buf, size, "-");
        return;
    }
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

/* A number to one decimal with thousands separated ("6,044,961.0": the
 * table is English), or "-" when there is none; an ASCII minus and dash
 * keep the columns aligned. */
static const char *figure(double v, char *buf, size_t size)
{
    if (isnan(v) || isinf(v))
        snprintf(buf, size, "-");
    else
        number_format(LANGUAGE_EN, v, 1, NUMBER_FORMAT_GROUPED | NUMBER_FORMAT_ASCII, buf, size);
    return buf;
}

/* "OK", or the worst alert's state and rule: "CRITICAL stale", "-" without alerts. */
static void alert_text(const struct alert *a, bool silenced, char *buf, size_t size)
{
    if (!a)
        snprintf(buf, size, "-");
    else if (a->state == ALERT_OK)
        snprintf(buf, size, "OK");
    else
        snprintf(buf, size, "%s %s%s", alert_state_name(a->state), a->rule,
                 silenced ? " (silenced)" : "");
}

static void print_row(FILE *out, const struct indicator *ind, const struct target *t,
                      const struct evaluation *e, const struct alert *a, bool silenced)
{
    char latest[PERIOD_TEXT_MAX] = "-", target[40], v[24], m[24], p[24], g[24], y[24], f[24],
                                  alert[64];
    if (!isnan(e->days_since_period_end))
        period_format(&e->latest, latest, sizeof latest);
    target_text(t, target, sizeof target);
    alert_text(a, silenced, alert, sizeof alert);
    fprintf(out, "%-24s %2d  %-10s %10s %10s  %-22s %10s %7s  %-11s %7s %11s  %-5s  %s\n", ind->id,
            ind->pejlemaerke, latest, figure(e->latest_value, v, sizeof v),
            figure(e->compared_value, m, sizeof m), target,
            figure(e->path_value, p, sizeof p), figure(e->gap_pct, g, sizeof g),
            t ? evaluate_progress_name(e->progress) : "-",
            figure(e->time_distance_years, y, sizeof y), figure(e->projection, f, sizeof f),
            e->stale ? "stale" : "", alert);
}

struct row {
    const struct indicator *ind;
    const struct target *target; /* NULL: an indicator without targets */
    const struct evaluation *e;
    const struct alert *alert;   /* the worst of the row; NULL without alerts */
    bool silenced;
    size_t provisional_updates; /* the indicator's, see provisional_updates() */
    const struct published_check *published; /* the indicator's, beside pejl's figures */
    bool last;                               /* the indicator's last row */
};

typedef void (*row_fn)(void *arg, const struct row *row);

static void add_updates(const struct series *s, void *arg)
{
    *(size_t *)arg += s->provisional_updates;
}

/* How often the journal updated a figure that was provisional when first
 * seen, over the indicator's series: changes the revision alert leaves out. */
static size_t provisional_updates(const struct store *store, const struct indicator *ind)
{
    const struct series *own = store_series(store, ind->id);
    size_t n = own ? own->provisional_updates : 0;
    series_each_member(store_series_set(store), ind->id, add_updates, &n);
    return n;
}

/* An indicator without targets: only its latest value and its age (a
 * panel kept as members shows its newest period, but no one value). */
static void plain_evaluation(const struct series *own, const struct stored_observation *latest,
                             int64_t now, int64_t stale_after, struct evaluation *e)
{
    *e = (struct evaluation){.progress = PROGRESS_UNKNOWN, .latest_value = NAN,
                             .path_value = NAN, .gap_pct = NAN, .time_distance_years = NAN,
                             .compared_value = NAN, .projection = NAN, .shortfall_pct = NAN, .ratio = NAN,
                             .actual_growth = NAN, .required_growth = NAN,
                             .still_required_growth = NAN, .baseline_value = NAN,
                             .previous_value = NAN, .days_since_period_end = NAN};
    if (latest) {
        e->latest = latest->obs.period;
        e->latest_value = latest->obs.value;
    }
    evaluate_staleness(e, now, stale_after);
    if (latest && !(own && latest >= own->items && latest < own->items + own->n))
        e->latest_value = NAN;
}

/* Every indicator, each of its targets evaluated once, handed on as rows. */
static void each_row(const struct indicator *indicators, size_t n_indicators,
                     const struct store *store, const struct alerting *alerting, int64_t now,
                     row_fn fn, void *arg)
{
    for (size_t i = 0; i < n_indicators; i++) {
        const struct indicator *ind = &indicators[i];
        size_t rows = ind->n_targets ? ind->n_targets : 1;
        struct evaluation *evals = calloc(rows, sizeof *evals);
        struct published_check *published = calloc(ind->n_published + 1, sizeof *published);
        if (!evals || !published) {
            free(evals);
            free(published);
            continue;
        }
        const struct stored_observation *latest = assess(ind, store, now, evals);
        assess_published(ind, store, published);
        if (!ind->n_targets)
            plain_evaluation(store_series(store, ind->id), latest, now, ind->stale_after_s, evals);
        for (size_t k = 0; k < rows; k++) {
            struct row row = {.ind = ind, .target = ind->n_targets ? &ind->targets[k] : NULL,
                              .e = &evals[k], .published = published, .last = k == rows - 1};
            row.alert = alerting ? alerting_worst(alerting, ind, (int)k) : NULL;
            row.silenced = row.alert && alerting_silenced(alerting, row.alert, now);
            row.provisional_updates = provisional_updates(store, ind);
            fn(arg, &row);
        }
        free(evals);
        free(published);
    }
}

/* Under an indicator's rows: its newest published figure beside pejl's,
 * "  published 2023: 174.0, pejl 171.3 (-1.6 %) · SOURCE (+2 more)". */
static void print_published(FILE *out, const struct row *r)
{
    const struct published_check *newest = NULL;
    for (size_t i = 0; i < r->ind->n_published; i++)
        if (!newest || period_end(&r->published[i].figure->period) >
                           period_end(&newest->figure->period))
            newest = &r->published[i];
    if (!newest)
        return;
    char p[PERIOD_TEXT_MAX], v[24], mine[24], diff[24] = "";
    period_format(&newest->figure->period, p, sizeof p);
    if (!isnan(newest->diff_pct))
        snprintf(diff, sizeof diff, " (%+.1f %%)", newest->diff_pct);
    fprintf(out, "  %-22s published %s: %s, pejl %s%s · %s", "", p,
            figure(newest->figure->value, v, sizeof v),
            figure(newest->pejl_value, mine, sizeof mine), diff, newest->figure->source);
    if (r->ind->n_published > 1)
        fprintf(out, " (+%zu more in --json)", r->ind->n_published - 1);
    fputc('\n', out);
}

/* Under the table: each indicator's source, and, for made-up figures, the
 * words a reader cannot miss, in both languages (the table is English,
 * the graphs may be Danish). */
static void print_provenance(FILE *out, const struct indicator *indicators, size_t n_indicators)
{
    size_t illustrative = 0;
    for (size_t i = 0; i < n_indicators; i++)
        illustrative += indicators[i].illustrative;
    bool some = illustrative > 0 && illustrative < n_indicators;
    fprintf(out, "\nsources:\n");
    for (size_t i = 0; i < n_indicators; i++)
        fprintf(out, "  %-24s %s%s\n", indicators[i].id, indicators[i].source_name,
                some && indicators[i].illustrative ? " (illustrative)" : "");
    if (illustrative > 0)
        fprintf(out, "\n%s / %s: %s\n", words_for(LANGUAGE_EN)->illustrative,
                words_for(LANGUAGE_DA)->illustrative,
                some ? "the indicators marked above" : "every indicator above");
}

static void print_row_to(void *arg, const struct row *r)
{
    print_row(arg, r->ind, r->target, r->e, r->alert, r->silenced);
    if (r->last)
        print_published(arg, r);
}

void status_print(FILE *out, const struct indicator *indicators, size_t n_indicators,
                  const struct store *store, const struct alerting *alerting, int64_t now)
{
    fprintf(out, "%-24s %2s  %-10s %10s %10s  %-22s %10s %7s  %-11s %7s %11s  %-5s  %s\n",
            "indicator", "pm", "latest", "value", "12-mo mean", "target", "path", "gap %",
            "progress", "years", "projection", "data", "alert");
    each_row(indicators, n_indicators, store, alerting, now, print_row_to, out);
    for (size_t i = 0; i < n_indicators; i++) {
        size_t n = provisional_updates(store, &indicators[i]);
        if (n > 0)
            fprintf(out, "note: %s: %zu update%s of a provisional figure\n",
                    indicators[i].id, n, n == 1 ? "" : "s");
    }
    print_provenance(out, indicators, n_indicators);
}

static json_t *number_or_null(double v)
{
    return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *alert_json(const struct alert *a, bool silenced)
{
    if (!a)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "state", json_string(alert_state_name(a->state)));
    json_object_set_new(o, "rule", json_string(a->rule));
    json_object_set_new(o, "fingerprint", json_string(a->fingerprint));
    json_object_set_new(o, "since", timestamp_json(a->since));
    json_object_set_new(o, "starts_at", timestamp_json(a->starts_at));
    json_object_set_new(o, "silenced", json_boolean(silenced));
    json_object_set_new(o, "summary", json_string(a->summary));
    return o;
}

static json_t *period_json(const struct pejl_period *p)
{
    char text[PERIOD_TEXT_MAX];
    period_format(p, text, sizeof text);
    return json_string(text);
}

/* {from, to} of the compared figure, or null when the latest value is compared. */
static json_t *compared_period_json(const struct evaluation *e)
{
    if (isnan(e->compared_value))
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "from", period_json(&e->compared_from));
    json_object_set_new(o, "to", period_json(&e->compared_to));
    return o;
}

/* [{period, value, source, pejl_value, diff_pct}] of the indicator. */
static json_t *published_json(const struct row *r)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->ind->n_published; i++) {
        const struct published_check *c = &r->published[i];
        json_t *o = json_object();
        json_object_set_new(o, "period", period_json(&c->figure->period));
        json_object_set_new(o, "value", number_or_null(c->figure->value));
        json_object_set_new(o, "source", utf8_json(c->figure->source));
        json_object_set_new(o, "pejl_value", number_or_null(c->pejl_value));
        json_object_set_new(o, "diff_pct", number_or_null(c->diff_pct));
        json_array_append_new(list, o);
    }
    return list;
}

static json_t *row_json(const struct row *r)
{
    const struct indicator *ind = r->ind;
    const struct target *t = r->target;
    const struct evaluation *e = r->e;
    char latest[PERIOD_TEXT_MAX] = "", target[40];
    if (!isnan(e->days_since_period_end))
        period_format(&e->latest, latest, sizeof latest);
    target_text(t, target, sizeof target);
    json_t *row = json_object();
    json_object_set_new(row, "indicator", json_string(ind->id));
    json_object_set_new(row, "pejlemaerke", json_integer(ind->pejlemaerke));
    json_object_set_new(row, "title", json_string(ind->title));
    json_object_set_new(row, "unit", json_string(ind->unit));
    json_object_set_new(row, "latest_period", latest[0] ? json_string(latest) : json_null());
    json_object_set_new(row, "latest_value", number_or_null(e->latest_value));
    json_object_set_new(row, "compared_value", number_or_null(e->compared_value));
    json_object_set_new(row, "compared_period", compared_period_json(e));
    json_object_set_new(row, "target", json_string(target));
    json_object_set_new(row, "target_year", t && t->year ? json_integer(t->year) : json_null());
    json_object_set_new(row, "target_value", number_or_null(t && t->kind == TARGET_PATH ? t->value : NAN));
    json_object_set_new(row, "baseline_value", number_or_null(e->baseline_value));
    json_object_set_new(row, "path_value", number_or_null(e->path_value));
    json_object_set_new(row, "gap_pct", number_or_null(e->gap_pct));
    json_object_set_new(row, "actual_growth", number_or_null(e->actual_growth));
    json_object_set_new(row, "required_growth", number_or_null(e->required_growth));
    json_object_set_new(row, "still_required_growth", number_or_null(e->still_required_growth));
    json_object_set_new(row, "ratio", number_or_null(e->ratio));
    json_object_set_new(row, "progress",
                        t ? json_string(evaluate_progress_name(e->progress)) : json_null());
    json_object_set_new(row, "time_distance_years", number_or_null(e->time_distance_years));
    json_object_set_new(row, "projection", number_or_null(e->projection));
    json_object_set_new(row, "shortfall_pct", number_or_null(e->shortfall_pct));
    json_object_set_new(row, "final", json_boolean(e->final));
    json_object_set_new(row, "stale", json_boolean(e->stale));
    json_object_set_new(row, "days_since_period_end", number_or_null(e->days_since_period_end));
    json_object_set_new(row, "note", e->why ? json_string(e->why) : json_null());
    json_object_set_new(row, "alert", alert_json(r->alert, r->silenced));
    json_object_set_new(row, "provisional_updates",
                        json_integer((json_int_t)r->provisional_updates));
    json_object_set_new(row, "published", published_json(r));
    return row;
}

/* Where the row's figures come from, and whether they are real. */
static json_t *with_provenance(json_t *row, const struct indicator *ind)
{
    json_object_set_new(row, "source", json_string(ind->source_name));
    json_object_set_new(row, "illustrative", json_boolean(ind->illustrative));
    return row;
}

static void append_row(void *arg, const struct row *r)
{
    json_array_append_new(arg, with_provenance(row_json(r), r->ind));
}

int status_print_json(FILE *out, const struct indicator *indicators, size_t n_indicators,
                      const struct store *store, const struct alerting *alerting, int64_t now)
{
    json_t *rows = json_array();
    each_row(indicators, n_indicators, store, alerting, now, append_row, rows);
    int rc = json_dumpf(rows, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(rows);
    return rc;
}
