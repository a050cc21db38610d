/*
 * evaluate.h — measuring an indicator against a target: the target path,
 * the gap to it, progress (Eurostat's SDG method: actual against required
 * compound growth over the assessment window), the time distance
 * (Sicherl: years ahead of or behind the path), the projection to the
 * target year, level against a baseline, and staleness.
 *
 * Pure functions over a series; no I/O. One struct per indicator and
 * target carries every figure, computed once, for whatever shows it
 * (the status table, alerts, graphs, reports).
 *
 * Time is measured in years at period ends: an annual value of 2025 sits at
 * 2026.0 (the end of 2025), so a target "in 2030" is met at 2031.0 and
 * differences in years come out right for any frequency.
 */
#ifndef PEJL_EVALUATE_H
#define PEJL_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "series.h"

enum target_kind { TARGET_PATH, TARGET_ABOVE_BASELINE, TARGET_RANK, TARGET_TREND };
enum target_path { PATH_CAGR, PATH_LINEAR };
enum progress {
    PROGRESS_UNKNOWN,      /* no usable data: never read as a missed target */
    PROGRESS_SIGNIFICANT,  /* on track */
    PROGRESS_MODERATE,     /* at risk */
    PROGRESS_INSUFFICIENT, /* off track */
    PROGRESS_MOVING_AWAY   /* off track, and going the wrong way */
};

struct target {
    enum target_kind kind;
    enum target_path path;
    int year;                       /* target year */
    double value;                   /* target value (TARGET_PATH) */
    struct pejl_period baseline;    /* baseline period */
    double baseline_value;          /* NAN: the stored value of the baseline period */
    int top;                        /* TARGET_RANK: top N */
    int direction;                  /* TARGET_TREND: +1 up, -1 down */
    int window_years;               /* assessment window k, default 5 */
    double significant, moderate;   /* category thresholds; NAN: the kind's defaults
                                     * (path 0.95/0.60 of the required growth, level
                                     * 1.0/0.98 of the baseline, trend +1 %/-1 % a year) */
};

struct evaluation {
    enum progress progress;
    const char *why;                 /* when UNKNOWN, or a note (e.g. linear fallback) */
    struct pejl_period latest;       /* newest period with a value */
    double latest_value;             /* the newest period's own figure, always */
    /* The figure the target compares when it is not the latest value: for a
     * monthly or quarterly series against a baseline year, the mean of the
     * year's worth of periods ending at the latest, compared_from..compared_to.
     * NAN (and kind NONE) when the comparison reads the latest value itself. */
    double compared_value;
    struct pejl_period compared_from, compared_to;
    struct pejl_period previous;     /* the period with a value before the latest */
    double previous_value;           /* NAN when there is none (a rank's change) */
    double baseline_value;
    double path_value;               /* on the path at the latest period */
    double gap_pct;                  /* latest against path, % */
    double actual_growth;            /* per year over the window (fraction) */
    double required_growth;          /* per year from t0 to the target */
    double still_required_growth;    /* per year from the latest value */
    double ratio;                    /* actual / required */
    double time_distance_years;      /* + ahead of, - behind the path */
    double projection;               /* at the target year from the recent trend */
    double shortfall_pct;            /* projection against the target, % (negative: short) */
    bool final;                      /* the target year's figure is in: met or missed */
    bool stale;                      /* no new period within the publication lag */
    double days_since_period_end;    /* of the latest period, at `now` */
};

/* How long after a period's end its figure is expected at the latest
 * (publication lag plus a margin): annual 400 days, quarterly 120, monthly
 * 75, weekly 30, daily 10. */
int64_t evaluate_stale_after_default(enum pejl_period_kind kind);
/* Staleness of the latest period at `now`, with `stale_after` seconds. */
void evaluate_staleness(struct evaluation *e, int64_t now, int64_t stale_after);

void evaluate_target_defaults(struct target *t);

/* Fractional year of a moment (UTC seconds), e.g. 2026.0 for 2026-01-01. */
double evaluate_year_of(int64_t t);
/* The path at fractional year `when`. */
double evaluate_path_at(const struct target *t, double baseline_value, double when);
/* Compound growth per year from (t0, v0) to (t1, v1); NAN when undefined. */
double evaluate_compound_growth(double t0, double v0, double t1, double v1);
/* When the path reaches `value` (fractional year); NAN when it never does. */
double evaluate_path_reaches(const struct target *t, double baseline_value, double value);
/* Log-linear least squares over (years, values), evaluated at `when`;
 * linear when a value is not positive. NAN with fewer than two points. */
double evaluate_projection_at(const double *years, const double *values, size_t n, double when,
                              bool *linear);

/* Evaluates `target` on the series items[0..n) of one frequency. Figures
 * are measured at the latest period; once the target year's figure is in,
 * the target is met or missed for good (final). A baseline after the
 * latest figure, or values that are not positive, leave the category
 * unknown with the reason in `why`. */
void evaluate(const struct target *target, const struct stored_observation *items, size_t n,
              int64_t now, struct evaluation *out);

/* The category from the figures in `e`, with every threshold raised by
 * `margin` (in the figure's unit: a ratio, growth per year, rank places):
 * a category is left for a better one only past the margin (hysteresis). */
enum progress evaluate_progress_classify(const struct target *t, const struct evaluation *e,
                                         double margin);

const char *evaluate_progress_name(enum progress p);

#endif
