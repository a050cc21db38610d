/*
 * graph_plan.c — an indicator's graph, planned and drawn (see graph_plan.h).
 */
#include "graph_plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rrdview.h"
#include "assess.h"
#include "log.h"
#include "name_index.h"
#include "period.h"
#include "range.h"
#include "rule.h"
#include "value.h"

#define PATH_COLOR "66A182"
#define PROJECTION_COLOR "E07A5F"
#define MARK_COLOR "6B705C"

/* One label the spec points at; the plan owns them all. */
struct plan_text {
    struct plan_text *next;
    char text[];
};

struct graph_plan {
    const struct indicator *indicator;
    const struct words *w;
    struct rrdview *view;
    struct graph_spec spec;
    char *paths[GRAPH_MAX_LINES];
    struct plan_text *texts;
    bool out_of_memory;
    /* what did not fit on the graph: said on it, and in the log */
    size_t lines_left_out, curves_left_out, rules_left_out, before_view;
    size_t marks_left_out; /* published figures outside the drawn periods */
    int64_t first, last;
    struct pejl_period first_period; /* the earliest drawn */
    size_t n_points;
    int64_t *period_ends; /* spec.period_ends */
    double low, high;     /* of the values drawn (NAN: none yet) */
    int64_t *earlier_times; /* spec.earlier_times, spec.earlier_values */
    double *earlier_values;
};

/* Beyond this many periods (days or weeks over years) a period is narrower
 * than a pixel: the lines are drawn as the RRD files hold them. */
#define PLAN_MAX_PERIOD_ENDS 1000

/* A label of any length, kept until the plan is freed; "" (and the plan
 * given up) without memory. */
__attribute__((format(printf, 2, 3))) static const char *plan_text(struct graph_plan *p,
                                                                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    struct plan_text *t = n >= 0 ? malloc(sizeof *t + (size_t)n + 1) : NULL;
    if (!t) {
        p->out_of_memory = true;
        return "";
    }
    va_start(ap, fmt);
    vsnprintf(t->text, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->next = p->texts;
    p->texts = t;
    return t->text;
}

static void add_curve(struct graph_plan *p, struct graph_curve curve)
{
    if (p->spec.n_curves == GRAPH_MAX_CURVES)
        p->curves_left_out++;
    else
        p->spec.curves[p->spec.n_curves++] = curve;
}

/* The end of the last period of the graph's frequency with a value, 0 if none. */
static int64_t last_end(const struct series *s, enum pejl_period_kind kind)
{
    for (size_t i = s->n; i-- > 0;)
        if (s->items[i].obs.period.kind == kind && !isnan(s->items[i].obs.value))
            return period_end(&s->items[i].obs.period);
    return 0;
}

static void plan_line(const struct series *s, void *arg)
{
    struct graph_plan *p = arg;
    const struct stored_observation *first = NULL, *last = NULL;
    size_t points = 0;
    int64_t end = last_end(s, p->indicator->frequency);
    for (size_t i = 0; i < s->n; i++) {
        const struct pejl_period *period = &s->items[i].obs.period;
        if (period->kind != p->indicator->frequency || isnan(s->items[i].obs.value))
            continue;
        if (!rrdview_holds(period_start(period), period_end(period), end)) { /* not in the file */
            p->before_view++;
            continue;
        }
        first = first ? first : &s->items[i];
        last = &s->items[i];
        points++;
        p->low = isnan(p->low) ? s->items[i].obs.value : fmin(p->low, s->items[i].obs.value);
        p->high = isnan(p->high) ? s->items[i].obs.value : fmax(p->high, s->items[i].obs.value);
    }
    if (!first)
        return;
    if (p->spec.n_lines == GRAPH_MAX_LINES) {
        p->lines_left_out++;
        return;
    }
    size_t k = p->spec.n_lines++;
    p->paths[k] = rrdview_path(p->view, s->id);
    const char *dot = strchr(s->id, '.');
    p->spec.lines[k] = (struct graph_line){.rrd_path = p->paths[k], .label = dot ? dot + 1 : p->w->observed};
    int64_t a = period_start(&first->obs.period), b = period_end(&last->obs.period);
    if (!p->first || a < p->first)
        p->first = a, p->first_period = first->obs.period;
    p->last = p->last > b ? p->last : b;
    p->n_points += points;
}

/* The trailing stretch of provisional values starts here (0: none). */
static int64_t provisional_from(const struct series *s, enum pejl_period_kind kind)
{
    int64_t from = 0;
    for (size_t i = s ? s->n : 0; i-- > 0;) {
        if (s->items[i].obs.period.kind != kind || isnan(s->items[i].obs.value))
            continue;
        if (!(s->items[i].obs.status & PEJL_STATUS_PROVISIONAL))
            break;
        from = period_start(&s->items[i].obs.period);
    }
    return from;
}

static void add_rule(struct graph_plan *p, bool vertical, double value, int64_t time,
                     const char *label, const char *color)
{
    if (p->spec.n_rules == GRAPH_MAX_RULES)
        p->rules_left_out++;
    else
        p->spec.rules[p->spec.n_rules++] = (struct graph_rule){
            .vertical = vertical, .value = value, .time = time, .label = label, .color = color};
}

static int64_t target_end(const struct target *t)
{
    struct pejl_period y = {.year = (int16_t)t->year, .kind = PEJL_PERIOD_YEAR};
    return period_end(&y);
}

/* A path target: its path from the baseline, the target marked at the end
 * of its year, the baseline year. The first target leads; a second one
 * (an older report's) is drawn lighter. */
static void plan_path(struct graph_plan *p, const struct target *t, const struct evaluation *e,
                      bool first)
{
    char v[32], base[PERIOD_TEXT_MAX];
    if (isnan(e->baseline_value))
        return;
    value_format(t->value, v, sizeof v);
    period_format(&t->baseline, base, sizeof base);
    const char *color = first ? PATH_COLOR : "A9C8B2";
    add_curve(
        p, (struct graph_curve){
               .t0 = period_end(&t->baseline),
               .t1 = target_end(t),
               .v0 = e->baseline_value,
               .v1 = t->value,
               .log = t->path == PATH_CAGR && e->baseline_value > 0 && t->value > 0,
               .dashed = !first,
               .label = plan_text(p, "%s %s %s %d", p->w->target_path, v, p->w->in_year, t->year),
               .color = color});
    add_curve(p,
              (struct graph_curve){/* a short bar at the target year */
                                   .t0 = target_end(t) - 60 * 86400,
                                   .t1 = target_end(t),
                                   .v0 = t->value,
                                   .v1 = t->value,
                                   .width = 7,
                                   .label = plan_text(p, "%s %s %s %s %d", p->w->target, v,
                                                      p->indicator->unit, p->w->in_year, t->year),
                                   .color = first ? "2E6B45" : "A9C8B2"});
    if (first)
        add_rule(p, true, 0, period_end(&t->baseline), plan_text(p, "%s %s", p->w->baseline, base),
                 MARK_COLOR);
}

static void plan_projection(struct graph_plan *p, const struct target *t,
                            const struct evaluation *e)
{
    if (isnan(e->projection) || isnan(e->latest_value) || period_end(&e->latest) >= target_end(t))
        return;
    add_curve(p, (struct graph_curve){.t0 = period_end(&e->latest),
                                      .t1 = target_end(t),
                                      .v0 = e->latest_value,
                                      .v1 = e->projection,
                                      .log = e->latest_value > 0 && e->projection > 0,
                                      .dashed = true,
                                      .label = p->w->projection,
                                      .color = PROJECTION_COLOR});
}

static void plan_target(struct graph_plan *p, const struct target *t, const struct evaluation *e,
                        bool first)
{
    char base[PERIOD_TEXT_MAX];
    switch (t->kind) {
    case TARGET_PATH:
        plan_path(p, t, e, first);
        if (first)
            plan_projection(p, t, e);
        break;
    case TARGET_ABOVE_BASELINE:
        period_format(&t->baseline, base, sizeof base);
        if (!isnan(e->baseline_value))
            add_rule(p, false, e->baseline_value, 0,
                     plan_text(p, "%s %s (%s %d)", p->w->level_of, base, p->w->target, t->year),
                     PATH_COLOR);
        break;
    case TARGET_RANK: /* from first place to a little past the top N, so the line shows */
        p->spec.lower = 0;
        p->spec.upper = t->top + 3;
        add_rule(p, false, t->top, 0,
                 plan_text(p, "%s %d (%s %s %d)", p->w->top, t->top, p->w->target, p->w->in_year,
                           t->year),
                 PATH_COLOR);
        break;
    case TARGET_TREND:
        break;
    }
}

/* Thresholds of range rules: the finite ends of warning and critical. */
static void plan_thresholds(struct graph_plan *p)
{
    for (size_t k = 0; k < p->indicator->n_rules; k++) {
        const struct alert_rule *r = &p->indicator->rules[k];
        const struct range *ranges[] = {&r->warning, &r->critical};
        if (r->kind != RULE_RANGE)
            continue;
        for (int i = 0; i < 2; i++) {
            double ends[] = {ranges[i]->start, ranges[i]->end};
            for (int j = 0; j < 2; j++) {
                char v[32];
                if (!ranges[i]->set || !isfinite(ends[j]) || (j == 0 && ends[j] == 0 && !ranges[i]->inside))
                    continue;
                value_format(ends[j], v, sizeof v);
                add_rule(p, false, ends[j], 0,
                         plan_text(p, "%s %s", i ? p->w->critical : p->w->warning, v),
                         i ? "D1495B" : "EDAE49");
            }
        }
    }
}

/* The figures behind the status, in words: " · 1,2 years ahead · …". */
static const char *status_details(struct graph_plan *p, const struct target *t,
                                  const struct evaluation *e)
{
    const struct words *w = p->w;
    const char *distance = "", *detail = "";
    char a[32], b[32];
    if (t->kind == TARGET_PATH && !isnan(e->time_distance_years)) {
        words_number(w, fabs(e->time_distance_years), 1, a, sizeof a);
        distance = plan_text(p, " · %s %s", a,
                             e->time_distance_years >= 0 ? w->years_ahead : w->years_behind);
    }
    if (t->kind == TARGET_PATH && !isnan(e->projection)) {
        words_number(w, e->projection, 1, a, sizeof a);
        words_number(w, e->shortfall_pct, 1, b, sizeof b);
        detail = plan_text(p, " · %s %s %d: %s (%s %%)", w->projection, w->in_year, t->year, a, b);
    } else if (t->kind == TARGET_ABOVE_BASELINE && !isnan(e->gap_pct)) {
        words_number(w, e->gap_pct, 1, a, sizeof a);
        detail = plan_text(p, " · %s %s %%", w->gap, a);
    } else if (t->kind == TARGET_TREND && !isnan(e->actual_growth)) {
        words_number(w, e->actual_growth * 100, 1, a, sizeof a);
        detail = plan_text(p, " · %s %%/%s", a, w == words_for(LANGUAGE_EN) ? "yr" : "år");
    }
    return plan_text(p, "%s%s", distance, detail);
}

/* The latest value, and the figure compared when it is another one:
 * " · Seneste 2025-08: 162,6 · 12 mdr. gns. 2024-09–2025-08: 151,8". */
static const char *status_figures(struct graph_plan *p, const struct evaluation *e)
{
    const struct words *w = p->w;
    char period[PERIOD_TEXT_MAX], from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX], a[32], b[32];
    if (isnan(e->latest_value))
        return "";
    period_format(&e->latest, period, sizeof period);
    words_number(w, e->latest_value, 1, a, sizeof a);
    if (isnan(e->compared_value))
        return plan_text(p, " · %s %s: %s", w->latest, period, a);
    period_format(&e->compared_from, from, sizeof from);
    period_format(&e->compared_to, to, sizeof to);
    words_number(w, e->compared_value, 1, b, sizeof b);
    return plan_text(p, " · %s %s: %s · %s %s–%s: %s", w->latest, period, a, w->compared_mean,
                     from, to, b);
}

/* The figures the indicator's owner published, marked where the
 * evaluation places their periods' values (at the period's end). */
static void plan_published(struct graph_plan *p)
{
    const struct indicator *ind = p->indicator;
    for (size_t i = 0; i < ind->n_published; i++) {
        int64_t end = period_end(&ind->published[i].period);
        if (p->spec.n_marks == GRAPH_MAX_MARKS || end <= p->first || end > p->last)
            p->marks_left_out++; /* outside the drawn periods, or no room: said on the graph */
        else
            p->spec.marks[p->spec.n_marks++] =
                (struct graph_mark){.time = end, .value = ind->published[i].value};
    }
    p->spec.marks_label = p->w->published;
}

/* Where the indicator stands against its first target, in words. */
static void plan_status(struct graph_plan *p, const struct target *t, const struct evaluation *e)
{
    p->spec.status = plan_text(p, "%s: %s%s%s%s", p->w->status, p->w->categories[e->progress],
                               status_figures(p, e), status_details(p, t, e),
                               e->final ? " (final)" : "");
}

static void date_text(int64_t t, char *buf, size_t size)
{
    time_t v = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&v, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
        snprintf(buf, size, "-");
}

/* The source in words, then how recent the data are: the last period, the
 * day it was fetched and the day of the status. A fetch after the status
 * day (a status as at an earlier day, with --now) is not shown: the graph
 * says what was known on its status day. */
static void plan_footer(struct graph_plan *p, const struct stored_observation *latest, int64_t now)
{
    char period[PERIOD_TEXT_MAX] = "-", seen[16] = "", as_at[16];
    const char *fetched = "";
    date_text(now, as_at, sizeof as_at);
    if (latest) {
        period_format(&latest->obs.period, period, sizeof period);
        date_text(latest->vintage, seen, sizeof seen);
        if (strcmp(seen, as_at) <= 0)
            fetched = plan_text(p, " · %s %s", p->w->collected, seen);
    }
    p->spec.footer = plan_text(p, "%s: %s", p->w->source, p->indicator->source_name);
    p->spec.vintage =
        plan_text(p, "%s %s%s · %s %s", p->w->data_to_cap, period, fetched, p->w->as_at, as_at);
    if (p->indicator->illustrative)
        p->spec.watermark = p->w->illustrative;
}

static void plan_message(struct graph_plan *p, const struct stored_observation *latest)
{
    char v[32], period[PERIOD_TEXT_MAX];
    if (p->n_points != 1 || !latest)
        return;
    value_format(latest->obs.value, v, sizeof v);
    period_format(&latest->obs.period, period, sizeof period);
    p->spec.message = plan_text(p, "%s: %s = %s %s", p->w->only_one, period, v, p->indicator->unit);
}

/* The end of the period after the one ending at `end` (a period end of
 * `kind`: 00:00 UTC on the 1st of a month for years, quarters and months). */
static int64_t next_period_end(enum pejl_period_kind kind, int64_t end)
{
    int months = kind == PEJL_PERIOD_YEAR ? 12 : kind == PEJL_PERIOD_QUARTER ? 3 : 1;
    if (kind == PEJL_PERIOD_WEEK || kind == PEJL_PERIOD_DAY)
        return end + (kind == PEJL_PERIOD_WEEK ? 7 : 1) * 86400;
    time_t t = (time_t)end;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return INT64_MAX;
    int64_t m = (int64_t)tm.tm_year + 1900;
    m = m * 12 + tm.tm_mon + months;
    return period_days_from_civil(m / 12, (unsigned)(m % 12) + 1, 1) * 86400;
}

/* Where each value is drawn: the ends of the periods from the first drawn
 * to the last, those missing included (see graph.h). */
static void plan_period_ends(struct graph_plan *p)
{
    size_t n = 0;
    int64_t e = period_end(&p->first_period);
    for (int64_t t = e; t <= p->last && n <= PLAN_MAX_PERIOD_ENDS;
         t = next_period_end(p->indicator->frequency, t))
        n++;
    if (n > PLAN_MAX_PERIOD_ENDS || !(p->period_ends = calloc(n, sizeof *p->period_ends))) {
        p->out_of_memory = n <= PLAN_MAX_PERIOD_ENDS;
        return;
    }
    for (size_t i = 0; i < n; i++, e = next_period_end(p->indicator->frequency, e))
        p->period_ends[i] = e;
    p->spec.period_ends = p->period_ends;
    p->spec.n_period_ends = n;
}

/* Room above the data for the illustrative mark, so that it covers none:
 * the axis reaches a seventh of the drawn range above the highest value,
 * target or marker. */
static void plan_mark_room(struct graph_plan *p)
{
    double low = p->low, high = p->high;
    if (!p->spec.watermark || !isnan(p->spec.upper) || isnan(high))
        return;
    for (size_t i = 0; i < p->spec.n_curves; i++)
        high = fmax(high, fmax(p->spec.curves[i].v0, p->spec.curves[i].v1));
    for (size_t i = 0; i < p->spec.n_rules; i++)
        if (!p->spec.rules[i].vertical)
            high = fmax(high, p->spec.rules[i].value);
    p->spec.upper = high + (high > low ? (high - low) / 7 : fabs(high) / 7 + 1);
}

/* From the first period to the last target year (or today), with a margin. */
static void plan_range(struct graph_plan *p, int64_t now)
{
    int64_t margin = (int64_t)period_kind_max_days(p->indicator->frequency) * 86400, end = p->last;
    for (size_t i = 0; i < p->indicator->n_targets; i++)
        if (p->indicator->targets[i].year && target_end(&p->indicator->targets[i]) > end)
            end = target_end(&p->indicator->targets[i]);
    p->spec.start = p->first - margin;
    if (p->spec.start < RRD_FIRST_TIME) /* librrd reads an earlier --start as a date */
        p->spec.start = RRD_FIRST_TIME;
    p->spec.end = (end > now ? end : now) + margin / 2; /* the last year label inside */
}

static void plan_evaluated(struct graph_plan *p, struct store *store, int64_t now)
{
    const struct indicator *ind = p->indicator;
    struct evaluation *evals = calloc(ind->n_targets + 1, sizeof *evals);
    if (!evals) {
        p->out_of_memory = true;
        return;
    }
    const struct stored_observation *latest = assess(ind, store, now, evals);
    for (size_t k = 0; k < ind->n_targets; k++)
        plan_target(p, &ind->targets[k], &evals[k], k == 0);
    if (ind->n_targets)
        plan_status(p, &ind->targets[0], &evals[0]);
    plan_thresholds(p);
    plan_published(p);
    plan_footer(p, latest, now);
    plan_message(p, latest);
    free(evals);
}

/* "1 of 9 series (at most 8)", or "" when none was left out. */
static const char *left_out_part(struct graph_plan *p, size_t left, int max, const char *what)
{
    return left ? plan_text(p, "%zu %s %zu %s (%s %d)", left, p->w->of, left + (size_t)max, what,
                            p->w->at_most, max)
                : "";
}

/* What did not fit, said on the graph itself (the message line) rather
 * than left out without a word: series, curves and rules past the spec's
 * room, and periods the RRD files do not hold (before 1980, or over 40
 * years before the last). */
static void plan_left_out(struct graph_plan *p)
{
    const struct words *w = p->w;
    char first[PERIOD_TEXT_MAX];
    period_format(&p->first_period, first, sizeof first);
    const char *part[5] = {
        left_out_part(p, p->lines_left_out, GRAPH_MAX_LINES, w->left_lines),
        left_out_part(p, p->curves_left_out, GRAPH_MAX_CURVES, w->left_curves),
        left_out_part(p, p->rules_left_out, GRAPH_MAX_RULES, w->left_rules),
        p->before_view ? plan_text(p, "%s %s %s", w->periods_before, first, w->journal_only) : "",
        p->marks_left_out ? plan_text(p, "%s: %zu", w->published_figures, p->marks_left_out) : "",
    };
    const char *said = "";
    for (size_t i = 0; i < 5; i++)
        if (part[i][0])
            said = plan_text(p, "%s%s%s", said, said[0] ? "; " : "", part[i]);
    if (!said[0])
        return;
    p->spec.message = plan_text(p, "%s%s%s: %s", p->spec.message ? p->spec.message : "",
                                p->spec.message ? " · " : "", w->not_shown, said);
}

void graph_plan_free(struct graph_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->spec.n_lines; i++)
        free(p->paths[i]);
    free(p->period_ends);
    free(p->earlier_times);
    free(p->earlier_values);
    for (struct plan_text *t = p->texts, *next; t; t = next) {
        next = t->next;
        free(t);
    }
    free(p);
}

/* The lines: the indicator's own series, or else its panel's members. */
static void plan_lines(struct graph_plan *p, struct store *store, const char *id)
{
    const struct series *own = store_series(store, id);
    if (own)
        plan_line(own, p);
    if (p->spec.n_lines == 0)
        series_each_member(store_series_set(store), id, plan_line, p);
    p->spec.provisional_from = own && own->n ? provisional_from(own, p->indicator->frequency) : 0;
}

static void plan_title(struct graph_plan *p)
{
    if (p->indicator->pejlemaerke)
        p->spec.title = plan_text(p, "%s %d · %s", p->w->pejlemaerke, p->indicator->pejlemaerke,
                                  p->indicator->title);
    else
        p->spec.title = p->indicator->title;
    p->spec.unit = p->indicator->unit;
    p->spec.daemon = rrdview_daemon(p->view);
    p->spec.provisional_label = p->w->provisional;
}

struct graph_plan *graph_plan_new(const struct graph_settings *settings, struct store *store,
                                  const char *id, int64_t now, char *err, size_t errlen)
{
    struct graph_plan *p = calloc(1, sizeof *p);
    err[0] = '\0';
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *p = (struct graph_plan){
        .indicator = settings->by_id
                         ? name_index_get(settings->by_id, id)
                         : indicator_find(settings->indicators, settings->n_indicators, id),
        .view = store_rrdview(store),
        .w = words_for(settings->language),
        .spec = {.lower = NAN, .upper = NAN},
        .low = NAN,
        .high = NAN};
    if (p->indicator)
        plan_lines(p, store, id);
    if (p->indicator && p->spec.n_lines > 0) {
        plan_title(p);
        plan_period_ends(p);
        plan_evaluated(p, store, now);
        plan_mark_room(p);
        plan_range(p, now);
        plan_left_out(p);
    }
    if (p->out_of_memory || p->spec.n_lines == 0) { /* no lines: nothing stored yet, no graph */
        snprintf(err, errlen, "%s", p->out_of_memory ? "out of memory" : "");
        graph_plan_free(p);
        return NULL;
    }
    return p;
}

/* The own series as known then: each value at its period's end, a gap
 * (a missing period) as a NAN point that breaks the line. */
int graph_plan_earlier(struct graph_plan *p, const struct store *then_store, int64_t then)
{
    const struct series *s = store_series(then_store, p->indicator->id);
    size_t n = 0, cap = s ? 2 * s->n : 0;
    char day[16];
    if (!s || s->n < 2 || cap > 2 * PLAN_MAX_PERIOD_ENDS)
        return 0; /* a panel kept as members, too little, or days over decades: no line */
    p->earlier_times = calloc(cap, sizeof *p->earlier_times);
    p->earlier_values = calloc(cap, sizeof *p->earlier_values);
    if (!p->earlier_times || !p->earlier_values)
        return -1;
    int64_t last = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct pejl_period *period = &s->items[i].obs.period;
        if (period->kind != p->indicator->frequency || isnan(s->items[i].obs.value))
            continue;
        if (last && period_start(period) != last) /* a period missing between */
            p->earlier_times[n] = period_start(period), p->earlier_values[n++] = NAN;
        p->earlier_times[n] = last = period_end(period);
        p->earlier_values[n++] = s->items[i].obs.value;
    }
    date_text(then, day, sizeof day);
    p->spec.earlier_times = p->earlier_times;
    p->spec.earlier_values = p->earlier_values;
    p->spec.n_earlier = n;
    p->spec.earlier_label =
        plan_text(p, "%s %s", p->w == words_for(LANGUAGE_EN) ? "As known on" : "Kendt pr.", day);
    return p->out_of_memory ? -1 : 0;
}

const struct graph_spec *graph_plan_spec(const struct graph_plan *p)
{
    return &p->spec;
}

int graph_plan_draw(struct graph_plan *p, const char *id, const char *image_path,
                    const char *format)
{
    char err[512];
    if (p->lines_left_out || p->curves_left_out || p->rules_left_out)
        log_warn("%s: graph drawn without what does not fit on it: %s", id, p->spec.message);
    p->spec.image_path = image_path;
    p->spec.format = format;
    int rc = graph_draw(&p->spec, err, sizeof err);
    if (rc < 0)
        log_err("%s: graph not drawn: %s", id, err);
    return rc;
}

int graph_indicator(const struct graph_settings *settings, struct store *store, const char *id,
                    int64_t now, const char *image_path, const char *format)
{
    char err[512];
    struct graph_plan *p = graph_plan_new(settings, store, id, now, err, sizeof err);
    if (!p && err[0])
        log_err("%s: graph not drawn: %s", id, err);
    if (!p)
        return err[0] ? -1 : 0;
    int rc = graph_plan_draw(p, id, image_path, format);
    graph_plan_free(p);
    return rc;
}
