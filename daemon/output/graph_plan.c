/*
 * graph_plan.c — an indicator's graph, planned and drawn (see graph_plan.h).
 */
#include "graph_plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rrdview.h"
#include "assess.h"
#include "projection.h"
#include "number_format.h"
#include "log.h"
#include "name_index.h"
#include "period.h"
#include "range.h"
#include "rule.h"
#include "value.h"

/* Okabe and Ito's colours (graph.c draws the lines in them too). */
#define PATH_COLOR "009E73"
#define PATH_DARK "00684C"
#define PATH_LIGHT "99D8C7"
#define PROJECTION_COLOR "D55E00"
#define MARK_COLOR "555555"
#define EVENT_COLOR "7F7F7F"

/* Each progress category in the colour of its words in the report (report.c's td.p0-p4). */
static const char *const progress_color[] = {"444444", "14532D", "6B4A00", "7A1F16", "5C0F08"};

/* Labels only graphs use, in the config's language. */
struct plan_words {
    const char *trend, *required_up, *required_down, *band, *probability, *stale_since, *rank_zone;
    const char *years_at_end; /* an annual graph's time axis, where it has events */
};

static const struct plan_words plan_words_da = {
    .trend = "Tendens",
    .required_up = "krav: stigende",
    .required_down = "krav: faldende",
    .band = "80 % af udfaldene ved tendensen",
    .probability = "sandsynlighed for at nå målet",
    .stale_since = "FORÆLDET: ingen ny periode siden",
    .rank_zone = "Top",
    .years_at_end = "Årstal ved årets udgang, hvor årets værdi står",
};

static const struct plan_words plan_words_en = {
    .trend = "Trend",
    .required_up = "required: rising",
    .required_down = "required: falling",
    .band = "80 % of outcomes at the trend",
    .probability = "probability of reaching the target",
    .stale_since = "STALE: no new period since",
    .rank_zone = "Top",
    .years_at_end = "Each year marked at its end, where its value is",
};

static void date_text(int64_t t, char *buf, size_t size);

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
    const struct plan_words *pw;
    const struct graph_settings *settings;
    /* a rank graph's members, point by point, and the projection's band */
    int64_t *track_times;
    double *track_values;
    int64_t *band_times;
    double *band_values;
    struct projection projection; /* of the first path target */
    const struct series *own;
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

/* The points the evaluation fits its trend to: the values of the last
 * `window_years` up to the latest (evaluate.c's window). */
#define PLAN_MAX_WINDOW 512
static size_t window_points(const struct graph_plan *p, const struct target *t,
                            const struct evaluation *e, double *years, double *values,
                            struct pejl_period *first)
{
    const struct series *s = p->own;
    size_t k = 0;
    if (!s || isnan(e->latest_value))
        return 0;
    double latest = evaluate_year_of(period_end(&e->latest));
    double from = latest - (t->window_years > 0 ? t->window_years : 5);
    for (size_t i = 0; i < s->n && k < PLAN_MAX_WINDOW; i++) {
        const struct pejl_observation *o = &s->items[i].obs;
        double when = evaluate_year_of(period_end(&o->period));
        if (o->period.kind == p->indicator->frequency && !isnan(o->value) && when >= from - 1e-6 &&
            when <= latest + 1e-6) {
            if (k == 0 && first)
                *first = o->period;
            years[k] = when, values[k++] = o->value;
        }
    }
    return k;
}

/* The projection's 80 % band, year by year from the latest period to the
 * target year (projection.h), and the probability of reaching the target. */
static void plan_band(struct graph_plan *p, const struct target *t, const struct evaluation *e)
{
    double years[PLAN_MAX_WINDOW], values[PLAN_MAX_WINDOW];
    size_t k = window_points(p, t, e, years, values, NULL);
    int direction = isnan(e->baseline_value) || t->value >= e->baseline_value ? 1 : -1;
    int64_t from = period_end(&e->latest), to = target_end(t);
    projection_fit(years, values, k, evaluate_year_of(to), PROJECTION_LEVEL, t->value, direction,
                   &p->projection);
    if (isnan(p->projection.low))
        return;
    size_t n = (size_t)((to - from) / (365 * 86400)) + 2;
    if (n > 64 || !(p->band_times = calloc(n, sizeof *p->band_times)) ||
        !(p->band_values = calloc(2 * n, sizeof *p->band_values))) {
        p->out_of_memory = n <= 64;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t when = i + 1 == n ? to : from + (int64_t)i * (to - from) / (int64_t)(n - 1);
        p->band_times[i] = when;
        projection_band_at(years, values, k, evaluate_year_of(when), PROJECTION_LEVEL,
                           &p->band_values[i], &p->band_values[n + i]);
    }
    p->spec.band = (struct graph_band){.times = p->band_times,
                                       .low = p->band_values,
                                       .high = p->band_values + n,
                                       .n = n,
                                       .label = p->pw->band};
}

/* A trend target: the fitted trend over the window, its growth and the
 * direction required, green when it goes that way, red when not. */
static void plan_trend(struct graph_plan *p, const struct target *t, const struct evaluation *e)
{
    double years[PLAN_MAX_WINDOW], values[PLAN_MAX_WINDOW];
    struct pejl_period first;
    size_t k = window_points(p, t, e, years, values, &first);
    struct projection a, b;
    if (k < 2 || isnan(e->actual_growth))
        return;
    projection_fit(years, values, k, years[0], PROJECTION_LEVEL, NAN, 1, &a);
    projection_fit(years, values, k, years[k - 1], PROJECTION_LEVEL, NAN, 1, &b);
    char growth[32], from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX];
    number_format(p->settings->language, e->actual_growth * 100, 1, NUMBER_FORMAT_PLUS, growth,
                  sizeof growth);
    period_format(&first, from, sizeof from);
    period_format(&e->latest, to, sizeof to);
    bool right_way = (e->actual_growth > 0) == (t->direction > 0);
    add_curve(p,
              (struct graph_curve){
                  .t0 = period_end(&first),
                  .t1 = period_end(&e->latest),
                  .v0 = a.centre,
                  .v1 = b.centre,
                  .log = !a.linear,
                  .dashed = true,
                  .width = 3,
                  .label = plan_text(p, "%s %s–%s: %s %%/%s (%s)", p->pw->trend, from, to, growth,
                                     p->w == words_for(LANGUAGE_EN) ? "yr" : "år",
                                     t->direction > 0 ? p->pw->required_up : p->pw->required_down),
                  .color = right_way ? PATH_COLOR : PROJECTION_COLOR});
}

static void plan_projection(struct graph_plan *p, const struct target *t,
                            const struct evaluation *e)
{
    if (isnan(e->projection) || isnan(e->latest_value) || period_end(&e->latest) >= target_end(t))
        return;
    plan_band(p, t, e);
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
    case TARGET_RANK:
        if (p->spec.rank_of > 0) { /* a league table: the top N shaded */
            p->spec.rank_top = first ? t->top : p->spec.rank_top;
            p->spec.zone_label = plan_text(p, "%s %d (%s %s %d)", p->pw->rank_zone, t->top,
                                           p->w->target, p->w->in_year, t->year);
            break;
        }
        /* from first place to a little past the top N, so the line shows */
        p->spec.lower = 0;
        p->spec.upper = t->top + 3;
        add_rule(p, false, t->top, 0,
                 plan_text(p, "%s %d (%s %s %d)", p->w->top, t->top, p->w->target, p->w->in_year,
                           t->year),
                 PATH_COLOR);
        break;
    case TARGET_TREND:
        if (first)
            plan_trend(p, t, e);
        break;
    }
}

/* The events, global and the indicator's, inside the drawn time: a
 * vertical mark each at its date, the date in words and the text in the
 * legend. An annual graph labels each year where it ends (its value is
 * drawn there), so an event in June 2024 sits left of "2024": the line
 * under the graph says where the years are, rather than moving either. */
static void plan_events(struct graph_plan *p)
{
    const struct time_event *lists[] = {p->settings->events, p->indicator->events};
    size_t counts[] = {p->settings->n_events, p->indicator->n_events}, drawn = 0;
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            const struct time_event *e = &lists[k][i];
            char day[48];
            time_t t = (time_t)e->time;
            struct tm tm;
            if (e->time <= p->spec.start || e->time >= p->spec.end || !e->text ||
                !gmtime_r(&t, &tm))
                continue;
            number_format_date(p->settings->language, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                               day, sizeof day);
            add_rule(p, true, 0, e->time, plan_text(p, "%s: %s", day, e->text), EVENT_COLOR);
            drawn++;
        }
    if (drawn && p->indicator->frequency == PEJL_PERIOD_YEAR)
        p->spec.time_note = p->pw->years_at_end;
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

/* A series of places (1 = best): ranked among a panel, with a rank
 * target, or kept by hand ("placering (1 = hurtigst)" from a report),
 * known by its unit naming a place (pejld.conf(5), unit). */
static bool plan_is_rank(const struct indicator *ind)
{
    static const char *const place[] = {"placering", "rank", "place"};
    if (ind->derive.combine == COMBINE_RANK ||
        (ind->n_targets && ind->targets[0].kind == TARGET_RANK))
        return true;
    for (size_t i = 0; ind->unit && i < sizeof place / sizeof *place; i++)
        if (strncasecmp(ind->unit, place[i], strlen(place[i])) == 0)
            return true;
    return false;
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
        detail =
            plan_text(p, " · %s %s %d: %s (%s\u00a0%%)", w->projection, w->in_year, t->year, a, b);
    } else if (t->kind == TARGET_ABOVE_BASELINE && !isnan(e->gap_pct)) {
        words_number(w, e->gap_pct, 1, a, sizeof a);
        detail = plan_text(p, " · %s %s %%", w->gap, a);
    } else if (t->kind == TARGET_TREND && !isnan(e->actual_growth)) {
        /* signed, as the trend's legend writes it */
        number_format(p->settings->language, e->actual_growth * 100, 1, NUMBER_FORMAT_PLUS, a,
                      sizeof a);
        /* a no-break space: the figure and its unit stay on one line */
        detail = plan_text(p, " · %s\u00a0%%/%s", a, w == words_for(LANGUAGE_EN) ? "yr" : "år");
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
    bool rank = plan_is_rank(p->indicator); /* a whole place: "3", not "3,0" */
    period_format(&e->latest, period, sizeof period);
    words_number(w, e->latest_value, rank ? 0 : 1, a, sizeof a);
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
    const char *stale = "", *chance = "";
    char period[PERIOD_TEXT_MAX], pct[32];
    if (e->stale && !isnan(e->latest_value)) {
        period_format(&e->latest, period, sizeof period);
        stale = plan_text(p, " · %s %s", p->pw->stale_since, period);
    }
    if (t->kind == TARGET_PATH && !isnan(p->projection.probability)) {
        projection_chance_text(p->settings->language, p->projection.probability, pct, sizeof pct);
        chance = plan_text(p, " · %s %d: %s", p->pw->probability, t->year, pct);
    }
    p->spec.status = plan_text(p, "%s: %s%s%s%s%s%s", p->w->status, p->w->categories[e->progress],
                               stale, status_figures(p, e), status_details(p, t, e), chance,
                               e->final ? " (final)" : "");
    p->spec.status_color = progress_color[e->progress];
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
    free(p->track_times);
    free(p->track_values);
    free(p->band_times);
    free(p->band_values);
    for (struct plan_text *t = p->texts, *next; t; t = next) {
        next = t->next;
        free(t);
    }
    free(p);
}

/* ---- a rank graph: every member's rank, the ranked one strong ---- */

struct members {
    const struct series *s[GRAPH_MAX_TRACKS + 1];
    size_t n, more;
};

static void add_member(const struct series *s, void *arg)
{
    struct members *m = arg;
    if (m->n < sizeof m->s / sizeof *m->s)
        m->s[m->n++] = s;
    else
        m->more++;
}

static const char *member_code(const struct series *s)
{
    const char *dot = strchr(s->id, '.');
    return dot ? dot + 1 : s->id;
}

/* Member m's value in `period`, NAN when it has none. */
static double member_value(const struct series *s, const struct pejl_period *period)
{
    const struct stored_observation *o = series_find(s, period);
    return o ? o->obs.value : NAN;
}

/* The rank (1 = most) of members[m] among them all in `period`. */
static double member_rank(const struct members *ms, size_t m, const struct pejl_period *period)
{
    double v = member_value(ms->s[m], period);
    int rank = 1;
    if (isnan(v))
        return NAN;
    for (size_t i = 0; i < ms->n; i++)
        rank += member_value(ms->s[i], period) > v;
    return rank;
}

/* The ranks of every member at the periods of the own series (where each
 * member has a value: derive ranks only there), sorted by the latest rank
 * for the legend; the ranked member is the own line, drawn strong. */
static void plan_ranks(struct graph_plan *p, struct store *store, const char *id)
{
    struct members ms = {0};
    const struct series *own = p->own;
    size_t n = 0, order[GRAPH_MAX_TRACKS + 1];
    series_each_member(store_series_set(store), id, add_member, &ms);
    for (size_t i = 0; own && i < own->n; i++)
        n += own->items[i].obs.period.kind == p->indicator->frequency;
    if (ms.n < 2 || n == 0 || ms.more)
        return;
    p->track_times = calloc(n, sizeof *p->track_times);
    p->track_values = calloc(n * ms.n, sizeof *p->track_values);
    if (!p->track_times || !p->track_values) {
        p->out_of_memory = true;
        return;
    }
    size_t j = 0;
    for (size_t i = 0; i < own->n; i++) {
        const struct pejl_period *period = &own->items[i].obs.period;
        if (period->kind != p->indicator->frequency)
            continue;
        p->track_times[j] = period_end(period);
        for (size_t m = 0; m < ms.n; m++)
            p->track_values[m * n + j] = member_rank(&ms, m, period);
        j++;
    }
    for (size_t m = 0; m < ms.n; m++) { /* by the latest rank, insertion sort */
        size_t k = m;
        for (; k > 0 && p->track_values[order[k - 1] * n + n - 1] > p->track_values[m * n + n - 1];
             k--)
            order[k] = order[k - 1];
        order[k] = m;
    }
    p->spec.rank_of = (int)ms.n;
    for (size_t k = 0; k < ms.n; k++) {
        size_t m = order[k];
        const double *ranks = &p->track_values[m * n];
        const char *label = isnan(ranks[n - 1])
                                ? member_code(ms.s[m])
                                : plan_text(p, "%.0f %s", ranks[n - 1], member_code(ms.s[m]));
        bool ranked = strcmp(member_code(ms.s[m]), p->indicator->derive.rank_member) == 0;
        if (!isnan(ranks[n - 1])) /* at the right edge, on its latest place */
            p->spec.edge_labels[p->spec.n_edge_labels++] = (struct graph_edge_label){
                .text = member_code(ms.s[m]), .rank = (int)ranks[n - 1], .strong = ranked};
        if (ranked) {
            p->spec.lines[0].label = label;
            continue;
        }
        p->spec.tracks[p->spec.n_tracks++] =
            (struct graph_track){.label = label, .times = p->track_times, .values = ranks, .n = n};
    }
}

#define PLAN_MAX_PLACES 40

/* A rank kept by hand, with no panel to count the places: drawn as a
 * league table too (rank 1 at the top), down to a place below the
 * lowest it or its curves reach. */
static void plan_manual_rank(struct graph_plan *p)
{
    double lowest = p->high;
    if (p->spec.rank_of > 0 || !plan_is_rank(p->indicator) || isnan(lowest))
        return;
    for (size_t i = 0; i < p->spec.n_curves; i++)
        lowest = fmax(lowest, fmax(p->spec.curves[i].v0, p->spec.curves[i].v1));
    for (size_t i = 0; i < p->spec.n_rules; i++)
        if (!p->spec.rules[i].vertical)
            lowest = fmax(lowest, p->spec.rules[i].value);
    if (lowest > PLAN_MAX_PLACES - 1)
        return; /* not places after all: drawn as values */
    p->spec.rank_of = (int)ceil(lowest - 1e-9) + 1;
}

/* The lines: the indicator's own series, or else its panel's members;
 * a rank's members drawn beside it. */
static void plan_lines(struct graph_plan *p, struct store *store, const char *id)
{
    const struct series *own = store_series(store, id);
    p->own = own;
    if (own)
        plan_line(own, p);
    if (p->spec.n_lines == 0) {
        series_each_member(store_series_set(store), id, plan_line, p);
        p->spec.strong = -1;
        for (size_t i = 0; i < p->spec.n_lines; i++)
            if (strcmp(p->spec.lines[i].label, "DK") == 0)
                p->spec.strong = (int)i;
    } else if (p->indicator->derive.combine == COMBINE_RANK) {
        plan_ranks(p, store, id);
    }
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
        .spec = {.lower = NAN,
                 .upper = NAN,
                 .width = settings->width,
                 .scale = settings->scale,
                 .decimal = words_for(settings->language)->decimal},
        .pw = settings->language == LANGUAGE_EN ? &plan_words_en : &plan_words_da,
        .settings = settings,
        .low = NAN,
        .high = NAN};
    if (p->indicator)
        plan_lines(p, store, id);
    if (p->indicator && p->spec.n_lines > 0) {
        plan_title(p);
        plan_period_ends(p);
        plan_evaluated(p, store, now);
        plan_manual_rank(p);
        plan_mark_room(p);
        p->spec.data_low = p->low, p->spec.data_high = p->high;
        plan_range(p, now);
        plan_events(p);
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
