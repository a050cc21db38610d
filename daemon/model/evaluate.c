/*
 * evaluate.c — progress against a target (see evaluate.h).
 */
#include "evaluate.h"

#include <math.h>
#include <string.h>

#include "period.h"

#define SECONDS_PER_YEAR 31556952.0 /* the Gregorian mean */

void evaluate_target_defaults(struct target *t)
{
    *t = (struct target){.kind = TARGET_PATH, .path = PATH_CAGR, .baseline_value = NAN,
                         .top = 5, .direction = 1, .window_years = 5, .significant = NAN,
                         .moderate = NAN};
}

double evaluate_year_of(int64_t t)
{
    /* exact at every 1 January: whole years from 1970, then the fraction of this one */
    int64_t days = t / 86400, year = 1970 + days / 366;
    while (period_days_from_civil(year + 1, 1, 1) <= days)
        year++;
    int64_t start = period_days_from_civil(year, 1, 1) * 86400,
            end = period_days_from_civil(year + 1, 1, 1) * 86400;
    return (double)year + (double)(t - start) / (double)(end - start);
}

static double target_time(const struct target *t)
{
    return (double)t->year + 1; /* the end of the target year */
}

static double baseline_time(const struct target *t)
{
    return evaluate_year_of(period_end(&t->baseline));
}

double evaluate_path_at(const struct target *t, double b, double when)
{
    double span = target_time(t) - baseline_time(t), x = (when - baseline_time(t)) / span;
    if (t->path == PATH_CAGR && b > 0 && t->value > 0)
        return b * pow(t->value / b, x);
    return b + (t->value - b) * x;
}

double evaluate_path_reaches(const struct target *t, double b, double value)
{
    double span = target_time(t) - baseline_time(t);
    if (t->path == PATH_CAGR && b > 0 && t->value > 0 && value > 0) {
        double whole = log(t->value / b);
        return whole == 0 ? NAN : baseline_time(t) + span * log(value / b) / whole;
    }
    return t->value == b ? NAN : baseline_time(t) + span * (value - b) / (t->value - b);
}

double evaluate_compound_growth(double t0, double v0, double t1, double v1)
{
    if (!(v0 > 0) || !(v1 > 0) || !(t1 > t0))
        return NAN; /* log growth is undefined for values that are not positive */
    return pow(v1 / v0, 1 / (t1 - t0)) - 1;
}

double evaluate_projection_at(const double *years, const double *values, size_t n, double when,
                              bool *linear)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    *linear = false;
    for (size_t i = 0; i < n; i++)
        *linear |= !(values[i] > 0);
    if (n < 2)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        double y = *linear ? values[i] : log(values[i]);
        sx += years[i], sy += y, sxx += years[i] * years[i], sxy += years[i] * y;
    }
    double d = (double)n * sxx - sx * sx;
    if (d == 0)
        return NAN;
    double slope = ((double)n * sxy - sx * sy) / d, intercept = (sy - slope * sx) / (double)n;
    double fitted = intercept + slope * when;
    return *linear ? fitted : exp(fitted);
}

/* ---- reading the series ---- */

static const struct stored_observation *latest_value(const struct stored_observation *items,
                                                     size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (!isnan(items[i].obs.value))
            return &items[i];
    return NULL;
}

/* The value nearest to fractional year `when`, within half a year. */
static const struct stored_observation *value_near(const struct stored_observation *items,
                                                   size_t n, double when)
{
    const struct stored_observation *best = NULL;
    double distance = 0.5;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(evaluate_year_of(period_end(&items[i].obs.period)) - when);
        if (!isnan(items[i].obs.value) && d < distance - 1e-9) {
            best = &items[i];
            distance = d;
        }
    }
    return best;
}

/* Mean of the values whose periods end in (from, to]; NAN when there are none. */
static double mean_between(const struct stored_observation *items, size_t n, int64_t from,
                           int64_t to)
{
    double sum = 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t end = period_end(&items[i].obs.period);
        if (end > from && end <= to && !isnan(items[i].obs.value))
            sum += items[i].obs.value, count++;
    }
    return count ? sum / (double)count : NAN;
}

/* The baseline: as configured, else the stored value of that period, or
 * for a monthly series and a baseline year the mean of its months. */
static double baseline_of(const struct target *t, const struct stored_observation *items, size_t n)
{
    if (!isnan(t->baseline_value))
        return t->baseline_value;
    return mean_between(items, n, period_start(&t->baseline), period_end(&t->baseline));
}

/* ---- per kind ---- */

/* The category thresholds of a target: ratios for a path or a level,
 * growth per year for a trend; configured, or the kind's defaults. */
static void thresholds(const struct target *t, double *significant, double *moderate)
{
    static const double defaults[][2] = {
        [TARGET_PATH] = {0.95, 0.60},
        [TARGET_ABOVE_BASELINE] = {1.0, 0.98},
        [TARGET_RANK] = {0, 0},
        [TARGET_TREND] = {0.01, -0.01},
    };
    *significant = isnan(t->significant) ? defaults[t->kind][0] : t->significant;
    *moderate = isnan(t->moderate) ? defaults[t->kind][1] : t->moderate;
}

/* +1 for a target above the baseline, -1 for one below it (fewer days, less CO2). */
static double target_direction(const struct target *t, const struct evaluation *e)
{
    return !(t->value < e->baseline_value) ? 1 : -1;
}

static enum progress classify_path(const struct target *t, const struct evaluation *e,
                                   double margin)
{
    double significant, moderate;
    thresholds(t, &significant, &moderate);
    if (e->final)
        return e->progress; /* met or missed: settled by the target year's figure */
    if (isnan(e->actual_growth) || isnan(e->required_growth))
        return PROGRESS_UNKNOWN;
    if (e->required_growth * target_direction(t, e) <= 0)
        return PROGRESS_SIGNIFICANT; /* already at or past the target at t0 */
    if (e->ratio < 0)
        return PROGRESS_MOVING_AWAY; /* growing the wrong way */
    return e->ratio >= significant + margin ? PROGRESS_SIGNIFICANT
           : e->ratio >= moderate + margin  ? PROGRESS_MODERATE
                                            : PROGRESS_INSUFFICIENT;
}

static enum progress classify_trend(const struct target *t, const struct evaluation *e,
                                    double margin)
{
    double significant, moderate, g = e->actual_growth * t->direction;
    thresholds(t, &significant, &moderate);
    return isnan(g)                      ? PROGRESS_UNKNOWN
           : g > significant + margin    ? PROGRESS_SIGNIFICANT
           : g >= moderate + margin      ? PROGRESS_MODERATE
                                         : PROGRESS_MOVING_AWAY;
}

static enum progress classify_level(const struct target *t, const struct evaluation *e,
                                    double margin)
{
    double significant, moderate;
    thresholds(t, &significant, &moderate);
    if (e->final)
        return e->progress;
    return isnan(e->ratio)                    ? PROGRESS_UNKNOWN
           : e->ratio >= significant + margin ? PROGRESS_SIGNIFICANT
           : e->ratio >= moderate + margin    ? PROGRESS_MODERATE
                                              : PROGRESS_INSUFFICIENT;
}

static enum progress classify_rank(const struct target *t, const struct evaluation *e,
                                   double margin)
{
    double rank = e->latest_value;
    if (e->final)
        return e->progress;
    return isnan(rank)                     ? PROGRESS_UNKNOWN
           : rank <= t->top - margin       ? PROGRESS_SIGNIFICANT
           : rank <= t->top + 2 - margin   ? PROGRESS_MODERATE
                                           : PROGRESS_INSUFFICIENT;
}

enum progress evaluate_progress_classify(const struct target *t, const struct evaluation *e,
                                         double margin)
{
    switch (t->kind) {
    case TARGET_PATH: return classify_path(t, e, margin);
    case TARGET_TREND: return classify_trend(t, e, margin);
    case TARGET_ABOVE_BASELINE: return classify_level(t, e, margin);
    case TARGET_RANK: return classify_rank(t, e, margin);
    }
    return PROGRESS_UNKNOWN;
}

static void window(const struct target *t, const struct stored_observation *items, size_t n,
                   double now_t, struct evaluation *e, double *t0, const struct stored_observation **first)
{
    *t0 = now_t - t->window_years;
    *first = value_near(items, n, *t0);
    if (!*first)
        return;
    *t0 = evaluate_year_of(period_end(&(*first)->obs.period));
    double years[512], values[512];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 512; i++) {
        double when = evaluate_year_of(period_end(&items[i].obs.period));
        if (!isnan(items[i].obs.value) && when >= *t0 - 1e-9 && when <= now_t + 1e-9)
            years[k] = when, values[k++] = items[i].obs.value;
    }
    bool linear;
    if (t->year == 0)
        return; /* a trend without a target year: nothing to project to */
    e->projection = evaluate_projection_at(years, values, k, target_time(t), &linear);
    if (linear)
        e->why = "values that are not positive: linear trend instead of log-linear";
}

static void evaluate_path(const struct target *t, const struct stored_observation *items, size_t n,
                          double now_t, struct evaluation *e)
{
    double b = e->baseline_value, t0;
    const struct stored_observation *first;
    if (isnan(b)) {
        e->why = "the baseline period has no value (yet)";
        return;
    }
    if (now_t < baseline_time(t) - 1e-9) {
        e->why = "the baseline period is after the latest figure: the path starts later";
        return;
    }
    e->path_value = evaluate_path_at(t, b, now_t);
    e->gap_pct = (e->latest_value / e->path_value - 1) * 100;
    e->time_distance_years = evaluate_path_reaches(t, b, e->latest_value) - now_t;
    e->still_required_growth =
        evaluate_compound_growth(now_t, e->latest_value, target_time(t), t->value);
    window(t, items, n, now_t, e, &t0, &first);
    if (!first || t0 >= now_t) {
        e->why = "too few observations for the assessment window";
        return;
    }
    e->actual_growth = evaluate_compound_growth(t0, first->obs.value, now_t, e->latest_value);
    e->required_growth = evaluate_compound_growth(t0, first->obs.value, target_time(t), t->value);
    e->shortfall_pct = (e->projection / t->value - 1) * 100;
    if (!isnan(e->actual_growth) && e->required_growth != 0)
        e->ratio = e->actual_growth / e->required_growth;
    e->progress = classify_path(t, e, 0);
    if (e->progress == PROGRESS_UNKNOWN)
        e->why = "growth is undefined for values that are not positive";
}

static void evaluate_trend(const struct target *t, const struct stored_observation *items, size_t n,
                           double now_t, struct evaluation *e)
{
    double t0;
    const struct stored_observation *first;
    window(t, items, n, now_t, e, &t0, &first);
    if (!first || t0 >= now_t) {
        e->why = "too few observations for the assessment window";
        return;
    }
    e->actual_growth = evaluate_compound_growth(t0, first->obs.value, now_t, e->latest_value);
    e->progress = classify_trend(t, e, 0);
}

/* The mean of the year's worth of periods ending at the latest, and the
 * first and last of them: what a finer series compares with a baseline year. */
static void compare_year_mean(const struct stored_observation *items, size_t n,
                              struct evaluation *e)
{
    int64_t end = period_end(&e->latest), from = end - 365 * 86400;
    e->compared_value = mean_between(items, n, from, end);
    for (size_t i = 0; i < n; i++) {
        int64_t at = period_end(&items[i].obs.period);
        if (at > from && at <= end && !isnan(items[i].obs.value)) {
            e->compared_from = items[i].obs.period;
            break;
        }
    }
    e->compared_to = e->latest;
}

/* Level against the baseline: a finer series compares its last 12 months'
 * mean (a year's worth) with the baseline year's; the latest value stays
 * the latest month's own. */
static void evaluate_level(const struct target *t, const struct stored_observation *items,
                           size_t n, struct evaluation *e)
{
    if (isnan(e->baseline_value)) {
        e->why = "the baseline period has no value (yet)";
        return;
    }
    double level = e->latest_value;
    if (e->latest.kind != PEJL_PERIOD_YEAR && t->baseline.kind == PEJL_PERIOD_YEAR) {
        compare_year_mean(items, n, e);
        level = e->compared_value;
    }
    e->ratio = level / e->baseline_value;
    e->gap_pct = (e->ratio - 1) * 100;
    e->progress = classify_level(t, e, 0);
}

static void evaluate_rank(const struct target *t, struct evaluation *e)
{
    e->progress = classify_rank(t, e, 0);
}

/* The target year's figure is in: the target is met or missed, for good. */
static void settle(const struct target *t, const struct stored_observation *items, size_t n,
                   struct evaluation *e)
{
    struct pejl_period year = {.year = (int16_t)t->year, .kind = PEJL_PERIOD_YEAR};
    const struct stored_observation *at = value_near(items, n, target_time(t));
    double level = mean_between(items, n, period_start(&year), period_end(&year));
    bool met;
    if (t->kind == TARGET_ABOVE_BASELINE && !isnan(level) && !isnan(e->baseline_value))
        met = level > e->baseline_value; /* "above the 2024 level" */
    else if (t->kind == TARGET_RANK && at)
        met = at->obs.value <= t->top;
    else if (t->kind == TARGET_PATH && at)
        met = target_direction(t, e) > 0 ? at->obs.value >= t->value : at->obs.value <= t->value;
    else
        return; /* no figure for the target year: keep assessing */
    e->final = true;
    e->progress = met ? PROGRESS_SIGNIFICANT : PROGRESS_INSUFFICIENT;
    e->why = met ? "final: the target year's figure meets the target"
                 : "final: the target year's figure misses the target";
}

void evaluate(const struct target *t, const struct stored_observation *items, size_t n,
              int64_t now, struct evaluation *e)
{
    *e = (struct evaluation){.progress = PROGRESS_UNKNOWN, .latest_value = NAN,
                             .baseline_value = NAN, .path_value = NAN, .gap_pct = NAN,
                             .actual_growth = NAN, .required_growth = NAN,
                             .still_required_growth = NAN, .ratio = NAN,
                             .time_distance_years = NAN, .projection = NAN, .shortfall_pct = NAN,
                             .previous_value = NAN, .days_since_period_end = NAN,
                             .compared_value = NAN};
    const struct stored_observation *latest = latest_value(items, n);
    if (!latest) {
        e->why = "no data";
        return;
    }
    e->latest = latest->obs.period;
    e->latest_value = latest->obs.value;
    for (const struct stored_observation *p = latest; p-- > items;)
        if (!isnan(p->obs.value)) {
            e->previous = p->obs.period;
            e->previous_value = p->obs.value;
            break;
        }
    e->baseline_value = baseline_of(t, items, n);
    double now_t = evaluate_year_of(period_end(&latest->obs.period));
    (void)now; /* figures are measured at the latest period; staleness uses `now` */
    switch (t->kind) {
    case TARGET_PATH: evaluate_path(t, items, n, now_t, e); break;
    case TARGET_TREND: evaluate_trend(t, items, n, now_t, e); break;
    case TARGET_ABOVE_BASELINE: evaluate_level(t, items, n, e); break;
    case TARGET_RANK: evaluate_rank(t, e); break;
    }
    if (t->kind != TARGET_TREND && now_t >= target_time(t) - 1e-9)
        settle(t, items, n, e);
}

int64_t evaluate_stale_after_default(enum pejl_period_kind kind)
{
    static const int days[] = {0, 400, 120, 75, 30, 10};
    return kind >= PEJL_PERIOD_YEAR && kind <= PEJL_PERIOD_DAY ? (int64_t)days[kind] * 86400 : 0;
}

void evaluate_staleness(struct evaluation *e, int64_t now, int64_t stale_after)
{
    if (isnan(e->latest_value)) {
        e->stale = false; /* no data is unknown, not stale */
        return;
    }
    int64_t age = now - period_end(&e->latest);
    e->days_since_period_end = (double)age / 86400;
    e->stale = age > stale_after;
}

const char *evaluate_progress_name(enum progress p)
{
    static const char *const names[] = {"unknown", "on track", "at risk", "off track",
                                        "moving away"};
    return names[p];
}
