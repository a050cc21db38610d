/*
 * metrics.c — the Prometheus text exposition (see metrics.h). Names and
 * labels: `pejl_` families; `indicator` and `pejlemaerke` on every figure
 * of an indicator, `target` (the year, or "trend") on a target's, `member`
 * on a panel member's, `unit` on values in the indicator's unit.
 */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "period.h"
#include "value.h"

static void label_value(FILE *f, const char *v)
{
    for (; *v; v++)
        if (*v == '\\' || *v == '"')
            fprintf(f, "\\%c", *v);
        else if (*v == '\n')
            fputs("\\n", f);
        else
            fputc(*v, f);
}

static void label(FILE *f, const char *name, const char *value)
{
    fprintf(f, ",%s=\"", name);
    label_value(f, value);
    fputc('"', f);
}

static void help(FILE *f, const char *name, const char *type, const char *text)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static void number(FILE *f, double v)
{
    char text[32];
    value_format(v, text, sizeof text); /* shortest exact: 6.4, not 6.4000000000000004 */
    fprintf(f, " %s\n", text);
}

/* name{indicator="…",pejlemaerke="…"[,target="…"][,unit="…"]} v */
static void sample(FILE *f, const char *name, const struct indicator *ind, const char *target,
                   const char *unit, double v)
{
    if (isnan(v) || isinf(v))
        return; /* an absent figure is no sample, not a zero */
    fprintf(f, "%s{indicator=\"%s\",pejlemaerke=\"%d\"", name, ind->id, ind->pejlemaerke);
    if (target)
        label(f, "target", target);
    if (unit)
        label(f, "unit", unit);
    fputc('}', f);
    number(f, v);
}

static void target_label(const struct target *t, char *buf, size_t size)
{
    snprintf(buf, size, t->year ? "%d" : "trend", t->year);
}

/* ---- each indicator: its latest value, period and age ---- */

/* The latest value of the indicator's own series; NAN for a panel kept as members. */
static double own_latest(const struct store *store, const struct indicator *ind,
                         const struct stored_observation *latest)
{
    const struct series *own = store_series(store, ind->id);
    return latest && own && latest >= own->items && latest < own->items + own->n ? latest->obs.value
                                                                                 : NAN;
}

enum indicator_family { IND_VALUE, IND_PERIOD_END, IND_AGE, IND_STALE, IND_FAMILIES };

static const struct {
    const char *name, *help;
} indicator_families[IND_FAMILIES] = {
    {"pejl_indicator_value", "The latest value of the indicator, in its unit."},
    {"pejl_indicator_latest_period_end_timestamp_seconds",
     "When the latest period with a value ends (Unix time)."},
    {"pejl_indicator_age_seconds", "Seconds from the latest period's end to now (staleness)."},
    {"pejl_indicator_stale", "1 when no newer period came within stale_after, else 0."},
};

/* An indicator assessed once for every family: its newest observation and
 * its targets' evaluations. */
struct assessed {
    const struct stored_observation *latest;
    struct evaluation *e;
};

static void indicator_samples(FILE *f, const struct metrics_input *in, const struct indicator *ind,
                              const struct assessed *a, enum indicator_family m)
{
    if (m == IND_VALUE) {
        sample(f, indicator_families[m].name, ind, NULL, ind->unit,
               own_latest(in->store, ind, a->latest));
        return;
    }
    if (!a->latest)
        return;
    struct evaluation e = {.latest = a->latest->obs.period, .latest_value = a->latest->obs.value};
    evaluate_staleness(&e, in->now, ind->stale_after_s);
    double v[] = {0, (double)period_end(&a->latest->obs.period), e.days_since_period_end * 86400,
                  e.stale ? 1 : 0};
    sample(f, indicator_families[m].name, ind, NULL, NULL, v[m]);
}

/* ---- each target ---- */

enum target_family {
    T_VALUE,
    T_PATH,
    T_GAP,
    T_YEARS,
    T_PROJECTION,
    T_CATEGORY,
    T_COMPARED,
    T_RANK,
    T_TOP,
    T_FAMILIES
};

static const struct {
    const char *name, *help;
} target_families[T_FAMILIES] = {
    {"pejl_target_value", "The target's value."},
    {"pejl_target_path_value", "The target path's value at the latest period."},
    {"pejl_target_gap_percent", "The latest value against the path, %."},
    {"pejl_target_time_distance_years", "Years ahead (+) of or behind (-) the path."},
    {"pejl_target_projection", "The projection to the target year."},
    {"pejl_target_progress_category",
     "0 unknown, 1 on track, 2 at risk, 3 off track, 4 moving away."},
    {"pejl_target_compared_value",
     "What the target compares when not the latest value (a 12-month mean)."},
    {"pejl_target_rank", "A rank target: the latest rank among the panel (1 = most)."},
    {"pejl_target_rank_top", "A rank target: the place to reach or keep (top N)."},
};

static double target_figure(const struct target *t, const struct evaluation *e,
                            enum target_family m)
{
    switch (m) {
    case T_VALUE:
        return t->kind == TARGET_PATH ? t->value : NAN;
    case T_PATH:
        return e->path_value;
    case T_GAP:
        return e->gap_pct;
    case T_YEARS:
        return e->time_distance_years;
    case T_PROJECTION:
        return e->projection;
    case T_CATEGORY:
        return (double)e->progress;
    case T_COMPARED:
        return e->compared_value;
    case T_RANK:
        return t->kind == TARGET_RANK ? e->latest_value : NAN;
    case T_TOP:
        return t->kind == TARGET_RANK ? t->top : NAN;
    default:
        return NAN;
    }
}

/* Each family's samples over every indicator, each target evaluated once
 * per indicator (not once per family). */
static void target_samples(FILE *f, const struct metrics_input *in, const struct assessed *a)
{
    for (int m = 0; m < T_FAMILIES; m++) {
        help(f, target_families[m].name, "gauge", target_families[m].help);
        for (size_t i = 0; i < in->n_indicators; i++) {
            const struct indicator *ind = &in->indicators[i];
            for (size_t k = 0; k < ind->n_targets; k++) {
                char target[16];
                target_label(&ind->targets[k], target, sizeof target);
                sample(f, target_families[m].name, ind, target,
                       m == T_VALUE || m == T_PATH || m == T_PROJECTION || m == T_COMPARED
                           ? ind->unit
                           : NULL,
                       target_figure(&ind->targets[k], &a[i].e[k], (enum target_family)m));
            }
        }
    }
    /* the category as a state set: one sample per category, 1 for the one it is in */
    help(f, "pejl_target_progress", "gauge",
         "1 for the target's progress category, 0 for the others.");
    for (size_t i = 0; i < in->n_indicators; i++) {
        const struct indicator *ind = &in->indicators[i];
        for (size_t k = 0; k < ind->n_targets; k++) {
            char target[16];
            target_label(&ind->targets[k], target, sizeof target);
            for (int p = PROGRESS_UNKNOWN; p <= PROGRESS_MOVING_AWAY; p++) {
                fprintf(f, "pejl_target_progress{indicator=\"%s\",pejlemaerke=\"%d\"", ind->id,
                        ind->pejlemaerke);
                label(f, "target", target);
                label(f, "category", evaluate_progress_name((enum progress)p));
                fprintf(f, "} %d\n", a[i].e[k].progress == (enum progress)p);
            }
        }
    }
}

/* ---- panel members ---- */

struct member_out {
    FILE *f;
    const struct indicator *ind;
    size_t n;
};

static void member_sample(const struct series *s, void *arg)
{
    struct member_out *o = arg;
    const char *member = strchr(s->id, '.');
    o->n++;
    for (size_t i = s->n; member && i-- > 0;) {
        if (isnan(s->items[i].obs.value))
            continue;
        fprintf(o->f, "pejl_member_value{indicator=\"%s\",pejlemaerke=\"%d\"", o->ind->id,
                o->ind->pejlemaerke);
        label(o->f, "member", member + 1);
        label(o->f, "unit", o->ind->unit);
        fputc('}', o->f);
        number(o->f, s->items[i].obs.value);
        return;
    }
}

static void count_member(const struct series *s, void *arg)
{
    (void)s;
    ++*(size_t *)arg;
}

static void member_samples(FILE *f, const struct metrics_input *in)
{
    const struct series_set *set = store_series_set(in->store);
    help(f, "pejl_member_value", "gauge",
         "A panel member's latest value, in the indicator's unit.");
    for (size_t i = 0; i < in->n_indicators; i++) {
        struct member_out o = {f, &in->indicators[i], 0};
        series_each_member(set, in->indicators[i].id, member_sample, &o);
    }
    help(f, "pejl_indicator_members", "gauge", "Panel members stored for the indicator.");
    for (size_t i = 0; i < in->n_indicators; i++) {
        size_t n = 0;
        series_each_member(set, in->indicators[i].id, count_member, &n);
        if (n > 0)
            sample(f, "pejl_indicator_members", &in->indicators[i], NULL, NULL, (double)n);
    }
}

/* ---- published figures ---- */

/* Each published figure, and pejl's against it as a ratio (-0.016: 1.6 % below). */
static void published_samples(FILE *f, const struct metrics_input *in)
{
    static const char *const names[] = {"pejl_published_value", "pejl_published_diff_ratio"};
    static const char *const helps[] = {
        "A figure the indicator's owner published (config: published).",
        "pejl's figure for the published period against the published one, as a ratio - 1."};
    for (int m = 0; m < 2; m++) {
        help(f, names[m], "gauge", helps[m]);
        for (size_t i = 0; i < in->n_indicators; i++) {
            const struct indicator *ind = &in->indicators[i];
            struct published_check *c = calloc(ind->n_published + 1, sizeof *c);
            if (!c)
                return;
            assess_published(ind, in->store, c);
            for (size_t k = 0; k < ind->n_published; k++) {
                char period[PERIOD_TEXT_MAX];
                double v = m == 0 ? c[k].figure->value : c[k].diff_pct / 100;
                if (isnan(v))
                    continue; /* pejl has no figure for the period: no sample, not a zero */
                period_format(&c[k].figure->period, period, sizeof period);
                fprintf(f, "%s{indicator=\"%s\",pejlemaerke=\"%d\",period=\"%s\"", names[m],
                        ind->id, ind->pejlemaerke, period);
                if (m == 0)
                    label(f, "unit", ind->unit);
                fputc('}', f);
                number(f, v);
            }
            free(c);
        }
    }
}

/* ---- alerts and collections ---- */

static void alert_samples(FILE *f, const struct metrics_input *in)
{
    const struct alert_ledger *l = alerting_ledger(in->alerting);
    size_t count[4] = {0};
    help(f, "pejl_alert_state", "gauge", "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
    for (size_t i = 0; i < l->n_alerts; i++) {
        const struct alert *a = &l->alerts[i];
        struct label_set labels;
        if (a->orphan)
            continue;
        count[a->state & 3]++;
        fprintf(f, "pejl_alert_state{fingerprint=\"%s\"", a->fingerprint);
        alert_label_set(a, &labels);
        for (size_t k = 0; k < labels.n; k++)
            if (strcmp(labels.items[k].name, "severity") != 0)
                label(f, labels.items[k].name, labels.items[k].value);
        fprintf(f, "} %d\n", (int)a->state);
    }
    /* apart, not a label: a rule's own labels may use any name but the reserved */
    help(f, "pejl_alert_silenced", "gauge",
         "1 while a silence holds the alert's notifications back.");
    for (size_t i = 0; i < l->n_alerts; i++)
        if (!l->alerts[i].orphan)
            fprintf(f, "pejl_alert_silenced{fingerprint=\"%s\"} %d\n", l->alerts[i].fingerprint,
                    alerting_silenced(in->alerting, &l->alerts[i], in->now));
    help(f, "pejl_alerts", "gauge", "Alerts by state.");
    for (int s = ALERT_OK; s <= ALERT_UNKNOWN; s++)
        fprintf(f, "pejl_alerts{state=\"%s\"} %zu\n", alert_state_name((enum alert_state)s),
                count[s]);
}

static void collection_samples(FILE *f, const struct metrics_input *in)
{
    const struct alert_ledger *l = alerting_ledger(in->alerting);
    int64_t last = 0;
    help(f, "pejl_collection_consecutive_failures", "gauge", "Failed collections in a row.");
    for (size_t i = 0; i < l->n_collections; i++)
        fprintf(f, "pejl_collection_consecutive_failures{indicator=\"%s\"} %u\n",
                l->collections[i].indicator, l->collections[i].record.consecutive_failures);
    help(f, "pejl_collection_last_success_timestamp_seconds", "gauge",
         "When the indicator was last collected.");
    for (size_t i = 0; i < l->n_collections; i++)
        if (l->collections[i].record.last_success)
            fprintf(f, "pejl_collection_last_success_timestamp_seconds{indicator=\"%s\"} %lld\n",
                    l->collections[i].indicator, (long long)l->collections[i].record.last_success);
    help(f, "pejl_collection_last_attempt_timestamp_seconds", "gauge",
         "When a collection of the indicator last ended, stored or failed.");
    for (size_t i = 0; i < l->n_collections; i++) {
        const struct collection_record *c = &l->collections[i].record;
        if (c->last_attempt)
            fprintf(f, "pejl_collection_last_attempt_timestamp_seconds{indicator=\"%s\"} %lld\n",
                    l->collections[i].indicator, (long long)c->last_attempt);
        last = c->last_attempt > last ? c->last_attempt : last;
    }
    help(f, "pejl_last_collection_timestamp_seconds", "gauge",
         "When the last collection of any indicator ended (0: none yet).");
    fprintf(f, "pejl_last_collection_timestamp_seconds %lld\n", (long long)last);
    help(f, "pejl_collections_failed_total", "counter",
         "Collections that failed since pejld started.");
    fprintf(f, "pejl_collections_failed_total %u\n", in->collections_failed);
}

static void daemon_samples(FILE *f, const struct metrics_input *in)
{
    help(f, "pejl_outbox_pending", "gauge", "Notifications waiting in the outbox.");
    fprintf(f, "pejl_outbox_pending %zu\n", in->outbox_pending);
    help(f, "pejl_journal_bytes", "gauge", "The journal's size, committed bytes.");
    fprintf(f, "pejl_journal_bytes %llu\n", (unsigned long long)store_journal_bytes(in->store));
    help(f, "pejl_journal_records", "gauge", "Observation records in the journal.");
    fprintf(f, "pejl_journal_records %llu\n", (unsigned long long)store_journal_records(in->store));
    help(f, "pejl_build_info", "gauge", "pejld's version.");
    fprintf(f, "pejl_build_info{version=\"%s\"} 1\n", PEJL_VERSION);
}

int metrics_write(FILE *f, const struct metrics_input *in)
{
    struct assessed *a = calloc(in->n_indicators + 1, sizeof *a);
    if (!a)
        return -1;
    for (size_t i = 0; i < in->n_indicators; i++) {
        const struct indicator *ind = &in->indicators[i];
        if (!(a[i].e = calloc(ind->n_targets + 1, sizeof *a[i].e))) {
            while (i-- > 0)
                free(a[i].e);
            free(a);
            return -1;
        }
        a[i].latest = assess(ind, in->store, in->now, a[i].e);
    }
    for (int m = 0; m < IND_FAMILIES; m++) {
        help(f, indicator_families[m].name, "gauge", indicator_families[m].help);
        for (size_t i = 0; i < in->n_indicators; i++)
            indicator_samples(f, in, &in->indicators[i], &a[i], (enum indicator_family)m);
    }
    target_samples(f, in, a);
    member_samples(f, in);
    published_samples(f, in);
    alert_samples(f, in);
    collection_samples(f, in);
    daemon_samples(f, in);
    for (size_t i = 0; i < in->n_indicators; i++)
        free(a[i].e);
    free(a);
    return ferror(f) ? -1 : 0;
}
