/*
 * rule.c — the alert rules (see rule.h): one check per kind, each giving a
 * state, the figure it read and the words an analyst reads.
 */
#include "rule.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "indicator.h"
#include "period.h"
#include "timestamp.h"

static const char *const kind_names[RULE_KINDS] = {
    "progress", "path_gap", "projection", "baseline", "rank",
    "range",    "stale",    "collect",    "revision", "reconcile"};
static const char *const state_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *rule_kind_name(enum rule_kind kind)
{
    return kind < RULE_KINDS ? kind_names[kind] : "?";
}

int rule_kind_from_name(const char *name)
{
    for (int k = 0; name && k < RULE_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

const char *alert_state_name(enum alert_state state)
{
    return state <= ALERT_UNKNOWN ? state_names[state] : "?";
}

int alert_state_from_name(const char *name)
{
    for (int s = 0; name && s <= ALERT_UNKNOWN; s++)
        if (strcmp(name, state_names[s]) == 0)
            return s;
    return -1;
}

const char *alert_severity(enum rule_kind kind, enum alert_state state)
{
    static const char *const names[] = {NULL, "warning", "critical", "unknown"};
    if (kind == RULE_REVISION && state != ALERT_OK)
        return "info"; /* a revision is news, not a fault */
    return names[state];
}

int alert_state_rank(enum alert_state state)
{
    static const int rank[] = {0, 2, 3, 1};
    return rank[state];
}

bool rule_needs_target(enum rule_kind kind)
{
    return kind <= RULE_RANK;
}

bool rule_takes_target(enum rule_kind kind, enum target_kind target)
{
    switch (kind) {
    case RULE_PROGRESS: return true;
    case RULE_PATH_GAP:
    case RULE_PROJECTION: return target == TARGET_PATH;
    case RULE_BASELINE: return target == TARGET_ABOVE_BASELINE;
    case RULE_RANK: return target == TARGET_RANK;
    default: return false;
    }
}

/* ---- defaults ---- */

static void default_range(struct range *r, const char *text)
{
    char err[128];
    if (!r->set && text)
        range_parse(text, r, err, sizeof err); /* our own texts always parse */
}

void rule_defaults(struct alert_rule *rule, const struct indicator *ind)
{
    const struct target *t = rule->target >= 0 ? &ind->targets[rule->target] : NULL;
    char a[RANGE_TEXT_MAX], b[RANGE_TEXT_MAX];
    static const double progress_margin[] = {
        [TARGET_PATH] = 0.02, [TARGET_ABOVE_BASELINE] = 0.005, [TARGET_RANK] = 0,
        [TARGET_TREND] = 0.001};
    double margin = 0;
    switch (rule->kind) {
    case RULE_PROGRESS: margin = progress_margin[t->kind]; break;
    case RULE_PATH_GAP: default_range(&rule->warning, "-5:"), default_range(&rule->critical, "-10:"), margin = 0.5; break;
    case RULE_PROJECTION: default_range(&rule->warning, "-5:"), default_range(&rule->critical, "-15:"), margin = 0.5; break;
    case RULE_BASELINE: default_range(&rule->warning, "0:"), default_range(&rule->critical, "-5:"), margin = 0.5; break;
    case RULE_RANK:
        snprintf(a, sizeof a, "~:%d", t->top), snprintf(b, sizeof b, "~:%d", t->top + 2);
        default_range(&rule->warning, a), default_range(&rule->critical, b);
        break;
    case RULE_STALE:
        snprintf(a, sizeof a, "~:%lld", (long long)(ind->stale_after_s / 86400));
        default_range(&rule->warning, a);
        break;
    case RULE_COLLECT: default_range(&rule->warning, "~:2"); break; /* 3 in a row */
    case RULE_REVISION: default_range(&rule->warning, "~:2"); break; /* more than 2 % */
    case RULE_RECONCILE: default_range(&rule->warning, "-2:2"), margin = 0.2; break; /* ±2 % */
    default: break;
    }
    if (isnan(rule->hysteresis))
        rule->hysteresis = margin;
    if (rule->for_count == 0)
        rule->for_count = 1;
}

/* ---- words ---- */

struct text {
    char *buf;
    size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void say(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (t->len < t->size) {
        int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
        t->len = n < 0 ? t->size : t->len + (size_t)n;
    }
    va_end(ap);
}

/* A figure as people write it: 189, 151.8, 0.907, 5912000. */
static const char *num(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (fabs(v) >= 1e4)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.4g", v);
    return buf;
}

static void say_latest(struct text *t, const struct rule_input *in)
{
    char period[PERIOD_TEXT_MAX], v[32];
    if (!in->latest) {
        say(t, " No figure has been stored yet.");
        return;
    }
    const char *unit = in->indicator->unit;
    size_t n = strlen(unit);
    period_format(&in->latest->obs.period, period, sizeof period);
    say(t, " Latest: %s = %s%s%s%s", period, num(in->latest->obs.value, v, sizeof v), n ? " " : "",
        unit, n && unit[n - 1] == '.' ? "" : "."); /* "mia. kr." ends the sentence itself */
}

static void say_target(struct text *t, const struct indicator *ind, const struct target *tg)
{
    char v[32], b[32], base[PERIOD_TEXT_MAX];
    period_format(&tg->baseline, base, sizeof base);
    switch (tg->kind) {
    case TARGET_PATH:
        say(t, " Target: %s %s in %d, on a %s path from %s in %s.", num(tg->value, v, sizeof v),
            ind->unit, tg->year, tg->path == PATH_CAGR ? "constant-growth" : "linear",
            num(tg->baseline_value, b, sizeof b), base);
        break;
    case TARGET_ABOVE_BASELINE: say(t, " Target: above the %s level in %d.", base, tg->year); break;
    case TARGET_RANK: say(t, " Target: top %d of the panel in %d.", tg->top, tg->year); break;
    case TARGET_TREND: say(t, " Target: a trend %s.", tg->direction > 0 ? "up" : "down"); break;
    }
}

static void say_source(struct text *t, const struct rule_input *in)
{
    char when[TIMESTAMP_TEXT_MAX];
    const struct indicator *ind = in->indicator;
    say(t, " Source: %s", ind->source_name ? ind->source_name : ind->collector->name);
    if (ind->illustrative)
        say(t, " (illustrative data, not official statistics)");
    if (in->collection && in->collection->last_success) {
        timestamp_format(in->collection->last_success, when, sizeof when);
        say(t, ", last collected %s", when);
    }
    say(t, ".");
}

/* ---- states ---- */

static enum alert_state from_progress(enum progress p)
{
    static const enum alert_state map[] = {
        [PROGRESS_UNKNOWN] = ALERT_UNKNOWN, [PROGRESS_SIGNIFICANT] = ALERT_OK,
        [PROGRESS_MODERATE] = ALERT_WARNING, [PROGRESS_INSUFFICIENT] = ALERT_CRITICAL,
        [PROGRESS_MOVING_AWAY] = ALERT_CRITICAL};
    return map[p];
}

static enum alert_state worse(enum alert_state a, enum alert_state b)
{
    return alert_state_rank(a) >= alert_state_rank(b) ? a : b;
}

/* Leaving `current` for a better state needs the margin: the better state
 * counts only as far as the figure with the margin gives it. */
static bool improving(enum alert_state raw, enum alert_state current)
{
    return raw != ALERT_UNKNOWN && (current == ALERT_WARNING || current == ALERT_CRITICAL) &&
           alert_state_rank(raw) < alert_state_rank(current);
}

static enum alert_state by_ranges(const struct alert_rule *r, double x)
{
    if (isnan(x))
        return ALERT_UNKNOWN;
    return range_alerts(&r->critical, x) ? ALERT_CRITICAL
           : range_alerts(&r->warning, x) ? ALERT_WARNING
                                          : ALERT_OK;
}

static enum alert_state ranged(const struct alert_rule *r, double x, enum alert_state current)
{
    enum alert_state raw = by_ranges(r, x);
    if (!improving(raw, current) || !(r->hysteresis > 0))
        return raw;
    enum alert_state held = worse(by_ranges(r, x - r->hysteresis), by_ranges(r, x + r->hysteresis));
    return alert_state_rank(held) > alert_state_rank(current) ? current : held;
}

static void say_thresholds(struct text *t, const struct alert_rule *r)
{
    char w[RANGE_TEXT_MAX], c[RANGE_TEXT_MAX];
    range_format(&r->warning, w, sizeof w);
    range_format(&r->critical, c, sizeof c);
    say(t, " Thresholds: warning %s, critical %s.", w, c);
}

/* ---- the rules ---- */

/* ", was 3 in 2023" or ", unchanged since 2023"; "" without an earlier value. */
static void rank_change(const struct evaluation *e, char *buf, size_t size)
{
    char p[PERIOD_TEXT_MAX], v[32];
    if (isnan(e->previous_value) || isnan(e->latest_value)) {
        snprintf(buf, size, "%s", "");
        return;
    }
    period_format(&e->previous, p, sizeof p);
    if (e->previous_value == e->latest_value)
        snprintf(buf, size, ", unchanged since %s", p);
    else
        snprintf(buf, size, ", was %s in %s", num(e->previous_value, v, sizeof v), p);
}

/* A path target's figures, each only when it is known (a young series
 * has a gap to the path long before it has five years of growth). */
static void say_path_figures(struct text *d, const struct target *tg, const struct evaluation *e)
{
    char a[32], b[32];
    if (!isnan(e->actual_growth) && !isnan(e->required_growth))
        say(d,
            " Growth over the last %d years: %.1f %%/yr; required for the target: %.1f %%/yr"
            " (ratio %s: %s).",
            tg->window_years, e->actual_growth * 100, e->required_growth * 100,
            isnan(e->ratio) ? "-" : (snprintf(a, sizeof a, "%.2f", e->ratio), a),
            evaluate_progress_name(e->progress));
    if (!isnan(e->still_required_growth))
        say(d, " Still required from the latest value: %.1f %%/yr.", e->still_required_growth * 100);
    if (!isnan(e->path_value))
        say(d, " Path value %s (gap %+.1f %%).", num(e->path_value, a, sizeof a), e->gap_pct);
    if (!isnan(e->time_distance_years))
        say(d, " Time distance: %.1f years %s the path.", fabs(e->time_distance_years),
            e->time_distance_years >= 0 ? "ahead of" : "behind");
    if (!isnan(e->projection))
        say(d, " Projection for %d: %s (%+.1f %% against the target).", tg->year,
            num(e->projection, b, sizeof b), e->shortfall_pct);
}

static void say_progress_figures(struct text *d, const struct target *tg, const struct evaluation *e)
{
    char a[32], b[32];
    if (tg->kind == TARGET_PATH) {
        say_path_figures(d, tg, e);
    } else if (tg->kind == TARGET_TREND) {
        say(d, " Growth over the last %d years: %+.1f %%/yr (%s).", tg->window_years,
            e->actual_growth * 100, evaluate_progress_name(e->progress));
    } else if (tg->kind == TARGET_ABOVE_BASELINE && !isnan(e->compared_value)) {
        char from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX];
        period_format(&e->compared_from, from, sizeof from);
        period_format(&e->compared_to, to, sizeof to);
        say(d, " 12-month mean %s (%s to %s) against the baseline %s: %+.1f %% (%s).",
            num(e->compared_value, a, sizeof a), from, to, num(e->baseline_value, b, sizeof b),
            e->gap_pct, evaluate_progress_name(e->progress));
    } else if (tg->kind == TARGET_ABOVE_BASELINE) {
        say(d, " Level %s against the baseline %s: %+.1f %% (%s).",
            num(e->latest_value, a, sizeof a), num(e->baseline_value, b, sizeof b), e->gap_pct,
            evaluate_progress_name(e->progress));
    } else {
        char change[64], p[PERIOD_TEXT_MAX];
        rank_change(e, change, sizeof change);
        period_format(&e->latest, p, sizeof p);
        say(d, " Rank %s in %s%s (%s).", num(e->latest_value, a, sizeof a), p, change,
            evaluate_progress_name(e->progress));
    }
    if (e->final)
        say(d, " The target year has passed: this is the final assessment.");
    if (e->why)
        say(d, " Note: %s.", e->why);
}

static void summarize_progress(struct text *s, const struct indicator *ind, const struct target *tg,
                               const struct evaluation *e)
{
    char a[32];
    const char *cat = evaluate_progress_name(e->progress);
    if (e->progress == PROGRESS_UNKNOWN)
        say(s, "%s: progress unknown: %s", ind->id, e->why ? e->why : "no usable data");
    else if (tg->kind == TARGET_PATH && !isnan(e->time_distance_years))
        say(s, "%s %s: %.1f years %s the path to %s %s (%d)", ind->id, cat,
            fabs(e->time_distance_years), e->time_distance_years >= 0 ? "ahead of" : "behind",
            num(tg->value, a, sizeof a), ind->unit, tg->year);
    else if (tg->kind == TARGET_PATH)
        say(s, "%s %s: growth %.1f %%/yr against %.1f %%/yr required for %s %s (%d)", ind->id, cat,
            e->actual_growth * 100, e->required_growth * 100, num(tg->value, a, sizeof a),
            ind->unit, tg->year);
    else if (tg->kind == TARGET_TREND)
        say(s, "%s %s: %+.1f %%/yr over %d years (trend %s)", ind->id, cat, e->actual_growth * 100,
            tg->window_years, tg->direction > 0 ? "up" : "down");
    else if (tg->kind == TARGET_ABOVE_BASELINE)
        say(s, "%s %s: %+.1f %% against the baseline level (above it in %d)", ind->id, cat,
            e->gap_pct, tg->year);
    else {
        char change[64];
        rank_change(e, change, sizeof change);
        say(s, "%s %s: rank %s%s (target top %d in %d)", ind->id, cat,
            num(e->latest_value, a, sizeof a), change, tg->top, tg->year);
    }
}

static double progress_figure(const struct target *tg, const struct evaluation *e)
{
    return tg->kind == TARGET_TREND ? e->actual_growth
           : tg->kind == TARGET_RANK ? e->latest_value
                                     : e->ratio;
}

static void check_progress(const struct alert_rule *r, const struct rule_input *in,
                           enum alert_state current, struct rule_result *out, struct text *s,
                           struct text *d)
{
    const struct target *tg = &in->indicator->targets[r->target];
    const struct evaluation *e = &in->evaluations[r->target];
    out->state = from_progress(evaluate_progress_classify(tg, e, 0));
    if (improving(out->state, current)) {
        enum alert_state held = from_progress(evaluate_progress_classify(tg, e, r->hysteresis));
        out->state = alert_state_rank(held) > alert_state_rank(current) ? current : held;
    }
    out->value = progress_figure(tg, e);
    summarize_progress(s, in->indicator, tg, e);
    if (e->progress != PROGRESS_UNKNOWN)
        say_progress_figures(d, tg, e);
    say_target(d, in->indicator, tg);
}

/* path_gap, projection, baseline and rank: a figure of the evaluation against ranges. */
static void check_figure(const struct alert_rule *r, const struct rule_input *in,
                         enum alert_state current, struct rule_result *out, struct text *s,
                         struct text *d)
{
    const struct indicator *ind = in->indicator;
    const struct target *tg = &ind->targets[r->target];
    const struct evaluation *e = &in->evaluations[r->target];
    char a[32], b[32];
    out->value = r->kind == RULE_PROJECTION ? e->shortfall_pct
                 : r->kind == RULE_RANK      ? e->latest_value
                                             : e->gap_pct;
    out->state = ranged(r, out->value, current);
    if (isnan(out->value))
        say(s, "%s: %s unknown: %s", ind->id, kind_names[r->kind], e->why ? e->why : "no usable data");
    else if (r->kind == RULE_PATH_GAP)
        say(s, "%s: %.1f %% %s the path to %s %s (%d)", ind->id, fabs(out->value),
            out->value < 0 ? "below" : "above", num(tg->value, a, sizeof a), ind->unit, tg->year);
    else if (r->kind == RULE_PROJECTION)
        say(s, "%s: projected %s %s in %d, %.1f %% %s the target of %s", ind->id,
            num(e->projection, a, sizeof a), ind->unit, tg->year, fabs(out->value),
            out->value < 0 ? "short of" : "above", num(tg->value, b, sizeof b));
    else if (r->kind == RULE_BASELINE)
        say(s, "%s: %.1f %% %s the baseline level", ind->id, fabs(out->value),
            out->value < 0 ? "below" : "above");
    else {
        char change[64];
        rank_change(e, change, sizeof change);
        say(s, "%s: rank %s%s (target top %d in %d)", ind->id, num(out->value, a, sizeof a),
            change, tg->top, tg->year);
    }
    if (!isnan(out->value))
        say_progress_figures(d, tg, e);
    say_target(d, ind, tg);
    say_thresholds(d, r);
}

static void check_range(const struct alert_rule *r, const struct rule_input *in,
                        enum alert_state current, struct rule_result *out, struct text *s,
                        struct text *d)
{
    char a[32], p[PERIOD_TEXT_MAX];
    out->value = in->latest ? in->latest->obs.value : NAN;
    out->state = ranged(r, out->value, current);
    if (!in->latest) {
        say(s, "%s: no figure yet", in->indicator->id);
    } else {
        period_format(&in->latest->obs.period, p, sizeof p);
        say(s, "%s: %s %s in %s", in->indicator->id, num(out->value, a, sizeof a),
            in->indicator->unit, p);
    }
    say_thresholds(d, r);
}

static void check_stale(const struct alert_rule *r, const struct rule_input *in,
                        enum alert_state current, struct rule_result *out, struct text *s,
                        struct text *d)
{
    char p[PERIOD_TEXT_MAX];
    if (!in->latest) {
        out->value = NAN, out->state = ALERT_UNKNOWN;
        say(s, "%s: no figure yet, so no age", in->indicator->id);
        return;
    }
    int64_t end = period_end(&in->latest->obs.period);
    out->value = floor((double)(in->now - end) / 86400);
    out->state = ranged(r, out->value, current);
    period_format(&in->latest->obs.period, p, sizeof p);
    say(s, "%s: newest figure is for %s, %.0f days after the period ended (expected within %lld)",
        in->indicator->id, p, out->value, (long long)(in->indicator->stale_after_s / 86400));
    if (out->state == ALERT_WARNING || out->state == ALERT_CRITICAL)
        say(d, " A newer period should have been published by now: check the source and the "
               "collector's log.");
    say_thresholds(d, r);
}

static void check_collect(const struct alert_rule *r, const struct rule_input *in,
                          enum alert_state current, struct rule_result *out, struct text *s,
                          struct text *d)
{
    const struct collection_record *c = in->collection;
    unsigned failures = c ? c->consecutive_failures : 0;
    out->value = failures;
    out->state = ranged(r, out->value, current);
    if (failures == 0)
        say(s, "%s: the last collection succeeded", in->indicator->id);
    else
        say(s, "%s: %u collection%s in a row failed: %s", in->indicator->id, failures,
            failures == 1 ? "" : "s", c->last_error);
    if (failures > 0)
        say(d, " Stored data are kept while collections fail.");
    say_thresholds(d, r);
}

/* provisional = true: a provisional figure's update larger than any revision. */
static bool provisional_larger(const struct alert_rule *r, const struct collection_record *c)
{
    return r->provisional && c &&
           c->provisional.pct > (isnan(c->revision_pct) ? 0 : c->revision_pct);
}

static void check_provisional_update(const struct alert_rule *r, const struct rule_input *in,
                                     enum alert_state current, struct rule_result *out,
                                     struct text *s, struct text *d)
{
    const struct figure_change *u = &in->collection->provisional;
    char p[PERIOD_TEXT_MAX], a[32], b[32];
    out->value = u->pct;
    out->state = ranged(r, out->value, current);
    period_format(&u->period, p, sizeof p);
    say(s, "%s: %s of %s updated from %s to %s (%+.1f %%, provisional)", in->indicator->id, p,
        u->series, num(u->from, a, sizeof a), num(u->to, b, sizeof b), (u->to / u->from - 1) * 100);
    say(d, " The source updated a figure it had marked provisional (provisional = true).");
    say_thresholds(d, r);
}

/* By default only figures that were final when first seen: a provisional
 * one (this year's count so far) is expected to change. */
static void check_revision(const struct alert_rule *r, const struct rule_input *in,
                           enum alert_state current, struct rule_result *out, struct text *s,
                           struct text *d)
{
    const struct collection_record *c = in->collection;
    char p[PERIOD_TEXT_MAX], a[32], b[32];
    if (provisional_larger(r, c)) {
        check_provisional_update(r, in, current, out, s, d);
        return;
    }
    out->value = c && !isnan(c->revision_pct) ? c->revision_pct : 0;
    out->state = ranged(r, out->value, current);
    if (out->value == 0) {
        say(s, "%s: the last collection revised nothing", in->indicator->id);
        return;
    }
    period_format(&c->revised_period, p, sizeof p);
    say(s, "%s: %s of %s revised from %s to %s (%+.1f %%)", in->indicator->id, p,
        c->revised_series, num(c->revised_from, a, sizeof a), num(c->revised_to, b, sizeof b),
        (c->revised_to / c->revised_from - 1) * 100);
    say(d, " The source published a changed figure; the journal keeps both.");
    say_thresholds(d, r);
}

/* The published figure pejl's differs from the most; NULL when none compares. */
static const struct published_check *worst_published(const struct rule_input *in)
{
    const struct published_check *worst = NULL;
    for (size_t i = 0; i < in->n_published; i++) {
        const struct published_check *c = &in->published[i];
        if (!isnan(c->diff_pct) && (!worst || fabs(c->diff_pct) > fabs(worst->diff_pct)))
            worst = c;
    }
    return worst;
}

static void say_published(struct text *d, const struct rule_input *in)
{
    char p[PERIOD_TEXT_MAX], a[32], b[32];
    for (size_t i = 0; i < in->n_published; i++) {
        const struct published_check *c = &in->published[i];
        period_format(&c->figure->period, p, sizeof p);
        if (isnan(c->diff_pct))
            say(d, " %s: published %s, pejl has no figure.", p, num(c->figure->value, a, sizeof a));
        else
            say(d, " %s: published %s, pejl %s (%+.1f %%).", p, num(c->figure->value, a, sizeof a),
                num(c->pejl_value, b, sizeof b), c->diff_pct);
    }
}

static void check_reconcile(const struct alert_rule *r, const struct rule_input *in,
                            enum alert_state current, struct rule_result *out, struct text *s,
                            struct text *d)
{
    const struct published_check *c = worst_published(in);
    const struct indicator *ind = in->indicator;
    char p[PERIOD_TEXT_MAX], a[32], b[32];
    out->value = c ? c->diff_pct : NAN;
    out->state = ranged(r, out->value, current);
    if (!c) {
        say(s, "%s: pejl has no figure yet for any of its %zu published period%s", ind->id,
            in->n_published, in->n_published == 1 ? "" : "s");
        say_published(d, in);
        return;
    }
    period_format(&c->figure->period, p, sizeof p);
    bool off = out->state == ALERT_WARNING || out->state == ALERT_CRITICAL;
    if (fabs(c->diff_pct) < 0.05) {
        say(s, "%s: pejl's %s figure %s %s matches the published one (%s)", ind->id, p,
            num(c->pejl_value, a, sizeof a), ind->unit, c->figure->source);
        say_published(d, in);
        say_thresholds(d, r);
        return;
    }
    say(s, "%s: pejl's %s figure %s %s is %.1f %% %s the published %s%s (%s)", ind->id, p,
        num(c->pejl_value, a, sizeof a), ind->unit, fabs(c->diff_pct),
        c->diff_pct < 0 ? "below" : "above", num(c->figure->value, b, sizeof b),
        off ? ": the basket or codes do not reproduce the official figure" : "", c->figure->source);
    if (off)
        say(d,
            " The source's basket or codes in the config do not reproduce the official figure "
            "for %s: check them against the publisher's definition.",
            p);
    say_published(d, in);
    say_thresholds(d, r);
}

void rule_check(const struct alert_rule *rule, const struct rule_input *in,
                enum alert_state current, struct rule_result *out)
{
    struct text s = {out->summary, sizeof out->summary, 0};
    struct text d = {out->description, sizeof out->description, 0};
    out->summary[0] = out->description[0] = '\0';
    out->value = NAN;
    switch (rule->kind) {
    case RULE_PROGRESS: check_progress(rule, in, current, out, &s, &d); break;
    case RULE_PATH_GAP:
    case RULE_PROJECTION:
    case RULE_BASELINE:
    case RULE_RANK: check_figure(rule, in, current, out, &s, &d); break;
    case RULE_RANGE: check_range(rule, in, current, out, &s, &d); break;
    case RULE_STALE: check_stale(rule, in, current, out, &s, &d); break;
    case RULE_COLLECT: check_collect(rule, in, current, out, &s, &d); break;
    case RULE_REVISION: check_revision(rule, in, current, out, &s, &d); break;
    case RULE_RECONCILE: check_reconcile(rule, in, current, out, &s, &d); break;
    default: out->state = ALERT_UNKNOWN; break;
    }
    say_latest(&d, in);
    say_source(&d, in);
    /* the description starts with a blank from the first sentence */
    if (out->description[0] == ' ')
        memmove(out->description, out->description + 1, strlen(out->description));
}
