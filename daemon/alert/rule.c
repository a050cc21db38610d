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
#include "rule_words.h"
#include "words.h"

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

/* A text being written, in the rule's language: say() takes the English
 * and writes its translation (rule_words.h), with figures passed as text
 * formatted for the language (num, fixed). */
struct text {
    char *buf;
    size_t size, len;
    enum language language;
};

__attribute__((format(printf, 2, 3))) static void say(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (t->len < t->size) {
        int n = vsnprintf(t->buf + t->len, t->size - t->len, rule_words(t->language, fmt), ap);
        t->len = n < 0 ? t->size : t->len + (size_t)n;
    }
    va_end(ap);
}

/* A figure as people write it: 189, 151.8, 0.907, 5912000 (151,8 in Danish). */
static const char *num(const struct text *t, double v, char *buf, size_t size)
{
    return rule_words_number(t->language, v, buf, size);
}

/* "%.1f" (plus: "%+.1f") in the text's language. */
static const char *fixed(const struct text *t, double v, int decimals, bool plus, char *buf,
                         size_t size)
{
    return rule_words_fixed(t->language, v, decimals, plus, buf, size);
}

static const char *category(const struct text *t, enum progress p)
{
    return words_for(t->language)->categories[p];
}

/* A note of the evaluation (evaluate.c's `why`), or `otherwise`. */
static const char *note(const struct text *t, const char *why, const char *otherwise)
{
    return rule_words_text(t->language, why ? why : otherwise);
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
    say(t, " Latest: %s = %s%s%s%s", period, num(t, in->latest->obs.value, v, sizeof v),
        n ? " " : "", unit,
        n && unit[n - 1] == '.' ? "" : "."); /* "mia. kr." ends the sentence itself */
}

static void say_target(struct text *t, const struct indicator *ind, const struct target *tg)
{
    char v[32], b[32], base[PERIOD_TEXT_MAX];
    period_format(&tg->baseline, base, sizeof base);
    switch (tg->kind) {
    case TARGET_PATH:
        say(t,
            tg->path == PATH_CAGR ? " Target: %s %s in %d, on a constant-growth path from %s in %s."
                                  : " Target: %s %s in %d, on a linear path from %s in %s.",
            num(t, tg->value, v, sizeof v), ind->unit, tg->year,
            num(t, tg->baseline_value, b, sizeof b), base);
        break;
    case TARGET_ABOVE_BASELINE: say(t, " Target: above the %s level in %d.", base, tg->year); break;
    case TARGET_RANK: say(t, " Target: top %d of the panel in %d.", tg->top, tg->year); break;
    case TARGET_TREND:
        say(t, tg->direction > 0 ? " Target: a trend up." : " Target: a trend down.");
        break;
    }
}

static void say_source(struct text *t, const struct rule_input *in)
{
    char when[RULE_WORDS_MOMENT_MAX];
    const struct indicator *ind = in->indicator;
    say(t, " Source: %s", ind->source_name ? ind->source_name : ind->collector->name);
    if (ind->illustrative)
        say(t, " (illustrative data, not official statistics)");
    if (in->collection && in->collection->last_success) {
        rule_words_moment(t->language, in->collection->last_success, when, sizeof when);
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
    say(t, " Thresholds: warning %s, critical %s.", rule_words_text(t->language, w),
        rule_words_text(t->language, c)); /* "none": "ingen" */
}

/* ---- the rules ---- */

/* ", was 3 in 2023" or ", unchanged since 2023"; "" without an earlier value. */
static void rank_change(const struct text *in, const struct evaluation *e, char *buf, size_t size)
{
    char p[PERIOD_TEXT_MAX], v[32];
    struct text t = {buf, size, 0, in->language};
    buf[0] = '\0';
    if (isnan(e->previous_value) || isnan(e->latest_value))
        return;
    period_format(&e->previous, p, sizeof p);
    if (e->previous_value == e->latest_value)
        say(&t, ", unchanged since %s", p);
    else
        say(&t, ", was %s in %s", num(&t, e->previous_value, v, sizeof v), p);
}

/* A path target's figures, each only when it is known (a young series
 * has a gap to the path long before it has five years of growth). */
static void say_path_figures(struct text *d, const struct target *tg, const struct evaluation *e)
{
    char a[32], b[32], c[32];
    if (!isnan(e->actual_growth) && !isnan(e->required_growth))
        say(d,
            " Growth over the last %d years: %s %%/yr; required for the target: %s %%/yr"
            " (ratio %s: %s).",
            tg->window_years, fixed(d, e->actual_growth * 100, 1, false, a, sizeof a),
            fixed(d, e->required_growth * 100, 1, false, b, sizeof b),
            isnan(e->ratio) ? num(d, NAN, c, sizeof c) : fixed(d, e->ratio, 2, false, c, sizeof c),
            category(d, e->progress));
    if (!isnan(e->still_required_growth))
        say(d, " Still required from the latest value: %s %%/yr.",
            fixed(d, e->still_required_growth * 100, 1, false, a, sizeof a));
    if (!isnan(e->path_value))
        say(d, " Path value %s (gap %s %%).", num(d, e->path_value, a, sizeof a),
            fixed(d, e->gap_pct, 1, true, b, sizeof b));
    if (!isnan(e->time_distance_years))
        say(d,
            e->time_distance_years >= 0 ? " Time distance: %s years ahead of the path."
                                        : " Time distance: %s years behind the path.",
            fixed(d, fabs(e->time_distance_years), 1, false, a, sizeof a));
    if (!isnan(e->projection))
        say(d, " Projection for %d: %s (%s %% against the target).", tg->year,
            num(d, e->projection, b, sizeof b), fixed(d, e->shortfall_pct, 1, true, a, sizeof a));
}

static void say_progress_figures(struct text *d, const struct target *tg, const struct evaluation *e)
{
    char a[32], b[32], c[32];
    if (tg->kind == TARGET_PATH) {
        say_path_figures(d, tg, e);
    } else if (tg->kind == TARGET_TREND) {
        say(d, " Growth over the last %d years: %s %%/yr (%s).", tg->window_years,
            fixed(d, e->actual_growth * 100, 1, true, a, sizeof a), category(d, e->progress));
    } else if (tg->kind == TARGET_ABOVE_BASELINE && !isnan(e->compared_value)) {
        char from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX];
        period_format(&e->compared_from, from, sizeof from);
        period_format(&e->compared_to, to, sizeof to);
        say(d, " 12-month mean %s (%s to %s) against the baseline %s: %s %% (%s).",
            num(d, e->compared_value, a, sizeof a), from, to,
            num(d, e->baseline_value, b, sizeof b), fixed(d, e->gap_pct, 1, true, c, sizeof c),
            category(d, e->progress));
    } else if (tg->kind == TARGET_ABOVE_BASELINE) {
        say(d, " Level %s against the baseline %s: %s %% (%s).",
            num(d, e->latest_value, a, sizeof a), num(d, e->baseline_value, b, sizeof b),
            fixed(d, e->gap_pct, 1, true, c, sizeof c), category(d, e->progress));
    } else {
        char change[64], p[PERIOD_TEXT_MAX];
        rank_change(d, e, change, sizeof change);
        period_format(&e->latest, p, sizeof p);
        say(d, " Rank %s in %s%s (%s).", num(d, e->latest_value, a, sizeof a), p, change,
            category(d, e->progress));
    }
    if (e->final)
        say(d, " The target year has passed: this is the final assessment.");
    if (e->why)
        say(d, " Note: %s.", note(d, e->why, NULL));
}

static void summarize_path(struct text *s, const struct indicator *ind, const struct target *tg,
                           const struct evaluation *e)
{
    char a[32], b[32], c[32];
    const char *cat = category(s, e->progress);
    if (!isnan(e->time_distance_years))
        say(s,
            e->time_distance_years >= 0 ? "%s %s: %s years ahead of the path to %s %s (%d)"
                                        : "%s %s: %s years behind the path to %s %s (%d)",
            ind->id, cat, fixed(s, fabs(e->time_distance_years), 1, false, a, sizeof a),
            num(s, tg->value, b, sizeof b), ind->unit, tg->year);
    else
        say(s, "%s %s: growth %s %%/yr against %s %%/yr required for %s %s (%d)", ind->id, cat,
            fixed(s, e->actual_growth * 100, 1, false, a, sizeof a),
            fixed(s, e->required_growth * 100, 1, false, b, sizeof b),
            num(s, tg->value, c, sizeof c), ind->unit, tg->year);
}

static void summarize_progress(struct text *s, const struct indicator *ind, const struct target *tg,
                               const struct evaluation *e)
{
    char a[32];
    const char *cat = category(s, e->progress);
    if (e->progress == PROGRESS_UNKNOWN)
        say(s, "%s: progress unknown: %s", ind->id, note(s, e->why, "no usable data"));
    else if (tg->kind == TARGET_PATH)
        summarize_path(s, ind, tg, e);
    else if (tg->kind == TARGET_TREND)
        say(s,
            tg->direction > 0 ? "%s %s: %s %%/yr over %d years (trend up)"
                              : "%s %s: %s %%/yr over %d years (trend down)",
            ind->id, cat, fixed(s, e->actual_growth * 100, 1, true, a, sizeof a), tg->window_years);
    else if (tg->kind == TARGET_ABOVE_BASELINE)
        say(s, "%s %s: %s %% against the baseline level (above it in %d)", ind->id, cat,
            fixed(s, e->gap_pct, 1, true, a, sizeof a), tg->year);
    else {
        char change[64];
        rank_change(s, e, change, sizeof change);
        say(s, "%s %s: rank %s%s (target top %d in %d)", ind->id, cat,
            num(s, e->latest_value, a, sizeof a), change, tg->top, tg->year);
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

/* The summary of path_gap, projection, baseline and rank. */
static void summarize_figure(struct text *s, const struct alert_rule *r,
                             const struct indicator *ind, const struct evaluation *e, double value)
{
    const struct target *tg = &ind->targets[r->target];
    char a[32], b[32], c[32];
    bool below = value < 0;
    if (isnan(value))
        say(s, "%s: %s unknown: %s", ind->id, kind_names[r->kind],
            note(s, e->why, "no usable data"));
    else if (r->kind == RULE_PATH_GAP)
        say(s,
            below ? "%s: %s %% below the path to %s %s (%d)"
                  : "%s: %s %% above the path to %s %s (%d)",
            ind->id, fixed(s, fabs(value), 1, false, a, sizeof a), num(s, tg->value, b, sizeof b),
            ind->unit, tg->year);
    else if (r->kind == RULE_PROJECTION)
        say(s,
            below ? "%s: projected %s %s in %d, %s %% short of the target of %s"
                  : "%s: projected %s %s in %d, %s %% above the target of %s",
            ind->id, num(s, e->projection, a, sizeof a), ind->unit, tg->year,
            fixed(s, fabs(value), 1, false, b, sizeof b), num(s, tg->value, c, sizeof c));
    else if (r->kind == RULE_BASELINE)
        say(s, below ? "%s: %s %% below the baseline level" : "%s: %s %% above the baseline level",
            ind->id, fixed(s, fabs(value), 1, false, a, sizeof a));
    else {
        char change[64];
        rank_change(s, e, change, sizeof change);
        say(s, "%s: rank %s%s (target top %d in %d)", ind->id, num(s, value, a, sizeof a), change,
            tg->top, tg->year);
    }
}

/* path_gap, projection, baseline and rank: a figure of the evaluation against ranges. */
static void check_figure(const struct alert_rule *r, const struct rule_input *in,
                         enum alert_state current, struct rule_result *out, struct text *s,
                         struct text *d)
{
    const struct indicator *ind = in->indicator;
    const struct target *tg = &ind->targets[r->target];
    const struct evaluation *e = &in->evaluations[r->target];
    out->value = r->kind == RULE_PROJECTION ? e->shortfall_pct
                 : r->kind == RULE_RANK      ? e->latest_value
                                             : e->gap_pct;
    out->state = ranged(r, out->value, current);
    summarize_figure(s, r, ind, e, out->value);
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
        say(s, "%s: %s %s in %s", in->indicator->id, num(s, out->value, a, sizeof a),
            in->indicator->unit, p);
    }
    say_thresholds(d, r);
}

static void check_stale(const struct alert_rule *r, const struct rule_input *in,
                        enum alert_state current, struct rule_result *out, struct text *s,
                        struct text *d)
{
    char p[PERIOD_TEXT_MAX], a[32];
    if (!in->latest) {
        out->value = NAN, out->state = ALERT_UNKNOWN;
        say(s, "%s: no figure yet, so no age", in->indicator->id);
        return;
    }
    int64_t end = period_end(&in->latest->obs.period);
    out->value = floor((double)(in->now - end) / 86400);
    out->state = ranged(r, out->value, current);
    period_format(&in->latest->obs.period, p, sizeof p);
    say(s, "%s: newest figure is for %s, %s days after the period ended (expected within %lld)",
        in->indicator->id, p, fixed(s, out->value, 0, false, a, sizeof a),
        (long long)(in->indicator->stale_after_s / 86400));
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
        say(s,
            failures == 1 ? "%s: %u collection in a row failed: %s"
                          : "%s: %u collections in a row failed: %s",
            in->indicator->id, failures, c->last_error);
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
    char p[PERIOD_TEXT_MAX], a[32], b[32], c[32];
    out->value = u->pct;
    out->state = ranged(r, out->value, current);
    period_format(&u->period, p, sizeof p);
    say(s, "%s: %s of %s updated from %s to %s (%s %%, provisional)", in->indicator->id, p,
        u->series, num(s, u->from, a, sizeof a), num(s, u->to, b, sizeof b),
        fixed(s, (u->to / u->from - 1) * 100, 1, true, c, sizeof c));
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
    char p[PERIOD_TEXT_MAX], a[32], b[32], x[32];
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
    say(s, "%s: %s of %s revised from %s to %s (%s %%)", in->indicator->id, p, c->revised_series,
        num(s, c->revised_from, a, sizeof a), num(s, c->revised_to, b, sizeof b),
        fixed(s, (c->revised_to / c->revised_from - 1) * 100, 1, true, x, sizeof x));
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
    char p[PERIOD_TEXT_MAX], a[32], b[32], x[32];
    for (size_t i = 0; i < in->n_published; i++) {
        const struct published_check *c = &in->published[i];
        period_format(&c->figure->period, p, sizeof p);
        if (isnan(c->diff_pct))
            say(d, " %s: published %s, pejl has no figure.", p,
                num(d, c->figure->value, a, sizeof a));
        else
            say(d, " %s: published %s, pejl %s (%s %%).", p, num(d, c->figure->value, a, sizeof a),
                num(d, c->pejl_value, b, sizeof b), fixed(d, c->diff_pct, 1, true, x, sizeof x));
    }
}

static void check_reconcile(const struct alert_rule *r, const struct rule_input *in,
                            enum alert_state current, struct rule_result *out, struct text *s,
                            struct text *d)
{
    const struct published_check *c = worst_published(in);
    const struct indicator *ind = in->indicator;
    char p[PERIOD_TEXT_MAX], a[32], b[32], x[32];
    out->value = c ? c->diff_pct : NAN;
    out->state = ranged(r, out->value, current);
    if (!c) {
        say(s,
            in->n_published == 1
                ? "%s: pejl has no figure yet for any of its %zu published period"
                : "%s: pejl has no figure yet for any of its %zu published periods",
            ind->id, in->n_published);
        say_published(d, in);
        return;
    }
    period_format(&c->figure->period, p, sizeof p);
    bool off = out->state == ALERT_WARNING || out->state == ALERT_CRITICAL;
    if (fabs(c->diff_pct) < 0.05) {
        say(s, "%s: pejl's %s figure %s %s matches the published one (%s)", ind->id, p,
            num(s, c->pejl_value, a, sizeof a), ind->unit, c->figure->source);
        say_published(d, in);
        say_thresholds(d, r);
        return;
    }
    say(s,
        c->diff_pct < 0 ? "%s: pejl's %s figure %s %s is %s %% below the published %s%s (%s)"
                        : "%s: pejl's %s figure %s %s is %s %% above the published %s%s (%s)",
        ind->id, p, num(s, c->pejl_value, a, sizeof a), ind->unit,
        fixed(s, fabs(c->diff_pct), 1, false, x, sizeof x), num(s, c->figure->value, b, sizeof b),
        off ? rule_words_text(s->language,
                              ": the basket or codes do not reproduce the official figure")
            : "",
        c->figure->source);
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
    struct text s = {out->summary, sizeof out->summary, 0, in->language};
    struct text d = {out->description, sizeof out->description, 0, in->language};
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
