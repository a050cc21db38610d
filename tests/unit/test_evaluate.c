/*
 * test_evaluate.c — the arithmetic of progress against a target, checked
 * against cases computed by hand: 174 -> 350 over 2023-2030 needs 10.50 %/yr;
 * a value on the path is 0 years from it; the path's 2022 value reached in
 * 2023 is 1.0 year behind; 131 (2020) ... 205 (2025) against 350 in 2030:
 * actual 9.37 %/yr, required 10.33 %/yr, ratio 0.907, moderate; the path
 * gives 212.5 in 2025, a gap of -3.5 % and 0.36 years behind. Also: no data
 * is unknown (never a missed target), non-positive values fall back to a
 * linear trend, a single observation, level against a baseline, rank, trend.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "evaluate.h"
#include "period.h"
#include "published.h"

static struct target exports_target(void)
{
    struct target t;
    evaluate_target_defaults(&t);
    t.year = 2030;
    t.value = 350;
    t.baseline = (struct pejl_period){.year = 2023, .kind = PEJL_PERIOD_YEAR};
    t.baseline_value = 174;
    return t;
}

static size_t annual(struct stored_observation *items, int first_year, const double *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        items[i] = (struct stored_observation){
            .obs = {.period = {.year = (int16_t)(first_year + (int)i), .kind = PEJL_PERIOD_YEAR},
                    .value = values[i]}};
    return n;
}

static void test_required_growth_and_path(void **state)
{
    (void)state;
    struct target t = exports_target();
    assert_float_equal(evaluate_compound_growth(2024.0, 174, 2031.0, 350), 0.1050,
                       0.00005); /* 10.50 %/yr */
    assert_float_equal(evaluate_path_at(&t, 174, 2026.0), 212.46,
                       0.01); /* the 2025 value of the path: 212.5 */
    assert_float_equal(evaluate_path_at(&t, 174, 2031.0), 350, 1e-9);
    assert_float_equal(evaluate_path_at(&t, 174, 2024.0), 174, 1e-9);
    assert_float_equal(evaluate_year_of(period_end(&t.baseline)), 2024.0, 1e-12);
}

static void test_time_distance(void **state)
{
    (void)state;
    struct target t = exports_target();
    struct stored_observation items[3];
    struct evaluation e;
    /* on the path in 2025: 0 years */
    double on_path[] = {174, 192.3, evaluate_path_at(&t, 174, 2026.0)};
    evaluate(&t, items, annual(items, 2023, on_path, 3), 0, &e);
    assert_float_equal(e.time_distance_years, 0, 1e-9);
    assert_float_equal(e.gap_pct, 0, 1e-9);
    /* in 2023 the value the path has in 2022: one year behind */
    struct target t2 = exports_target();
    t2.baseline.year = 2021;
    t2.baseline_value = 150;
    double one_behind[] = {150, evaluate_path_at(&t2, 150, 2023.0),
                           evaluate_path_at(&t2, 150, 2023.0)};
    evaluate(&t2, items, annual(items, 2021, one_behind, 3), 0, &e);
    assert_float_equal(e.time_distance_years, -1.0, 1e-9);
}

static void test_exports_2020_to_2025(void **state)
{
    (void)state;
    struct target t = exports_target();
    struct stored_observation items[6];
    double values[] = {131, 145, 160, 174, 190, 205};
    struct evaluation e;
    evaluate(&t, items, annual(items, 2020, values, 6), 0, &e);
    assert_float_equal(e.actual_growth, 0.0937, 0.0001);
    assert_float_equal(e.required_growth, 0.1033, 0.0001);
    assert_float_equal(e.ratio, 0.907, 0.001);
    assert_int_equal(e.progress, PROGRESS_MODERATE);
    assert_float_equal(e.path_value, 212.5, 0.05);
    assert_float_equal(e.gap_pct, -3.5, 0.05);
    assert_float_equal(e.time_distance_years, -0.36, 0.005);
    assert_float_equal(e.still_required_growth, evaluate_compound_growth(2026.0, 205, 2031.0, 350),
                       1e-12);
    assert_true(e.projection > 300 && e.projection < 350); /* trend ~9.4 %/yr from 205 */
    assert_true(e.shortfall_pct < 0);
    assert_false(e.final);
}

static void test_no_data_is_unknown_not_missed(void **state)
{
    (void)state;
    struct target t = exports_target();
    struct stored_observation items[2];
    double missing[] = {NAN, NAN};
    struct evaluation e;
    evaluate(&t, items, 0, 0, &e);
    assert_int_equal(e.progress, PROGRESS_UNKNOWN);
    evaluate(&t, items, annual(items, 2024, missing, 2), 0, &e);
    assert_int_equal(e.progress, PROGRESS_UNKNOWN);
    assert_string_equal(e.why, "no data");
    double one[] = {180};
    evaluate(&t, items, annual(items, 2024, one, 1), 0, &e);
    assert_int_equal(e.progress, PROGRESS_UNKNOWN); /* a single observation: no growth */
    assert_false(isnan(e.gap_pct));                 /* but the gap to the path is known */
}

static void test_non_positive_values(void **state)
{
    (void)state;
    double years[] = {2020, 2021, 2022}, values[] = {-1, 0, 1};
    bool linear;
    assert_float_equal(evaluate_projection_at(years, values, 3, 2023, &linear), 2, 1e-9);
    assert_true(linear);
    assert_true(isnan(evaluate_compound_growth(2020, 0, 2021, 1)));
}

/* The target year passed: met or missed for good once its figure is in;
 * until then (the figure is published a year later) still assessed. */
static void test_target_year_passed_is_final(void **state)
{
    (void)state;
    struct target t = exports_target();
    struct stored_observation items[12];
    double values[] = {131, 145, 160, 174, 190, 205, 230, 255, 280, 310, 360};
    struct evaluation e;
    struct pejl_period y2032 = {.year = 2032, .kind = PEJL_PERIOD_YEAR};
    evaluate(&t, items, annual(items, 2020, values, 6), period_end(&y2032), &e);
    assert_false(e.final); /* 2030 not published yet */
    assert_int_equal(e.progress, PROGRESS_MODERATE);
    evaluate(&t, items, annual(items, 2020, values, 11), period_end(&y2032), &e);
    assert_true(e.final);
    assert_int_equal(e.progress, PROGRESS_SIGNIFICANT);
    assert_string_equal(e.why, "final: the target year's figure meets the target");
    values[10] = 340;
    evaluate(&t, items, annual(items, 2020, values, 11), period_end(&y2032), &e);
    assert_true(e.final);
    assert_int_equal(e.progress, PROGRESS_INSUFFICIENT);
    assert_int_equal(evaluate_progress_classify(&t, &e, 0.5), PROGRESS_INSUFFICIENT); /* settled */

    struct target rank;
    evaluate_target_defaults(&rank);
    rank.kind = TARGET_RANK;
    rank.year = 2030;
    double ranks[] = {7, 6, 4};
    evaluate(&rank, items, annual(items, 2028, ranks, 3), 0, &e);
    assert_true(e.final);
    assert_int_equal(e.progress, PROGRESS_SIGNIFICANT);
}

/* A target below the baseline (fewer days): growth must be negative. */
static void test_decreasing_target(void **state)
{
    (void)state;
    struct target t = exports_target();
    t.value = 150;
    t.baseline_value = 200; /* 200 days in 2023 -> 150 in 2030 */
    struct stored_observation items[6];
    double falling[] = {215, 210, 205, 200, 190, 185};
    struct evaluation e;
    evaluate(&t, items, annual(items, 2020, falling, 6), 0, &e);
    /* t0 = end of 2020, target at the end of 2030: ten years.
     * actual (185/215)^(1/5)-1 = -2.96 %/yr; required (150/215)^(1/10)-1 = -3.54 %/yr */
    assert_float_equal(e.actual_growth, -0.0296, 0.0001);
    assert_float_equal(e.required_growth, -0.0354, 0.0001);
    assert_float_equal(e.ratio, 0.837, 0.001);
    assert_int_equal(e.progress, PROGRESS_MODERATE);
    double rising[] = {190, 195, 200, 200, 205, 210};
    evaluate(&t, items, annual(items, 2020, rising, 6), 0, &e);
    assert_int_equal(e.progress, PROGRESS_MOVING_AWAY);
    double below[] = {140, 140, 140, 140, 140, 140};
    evaluate(&t, items, annual(items, 2020, below, 6), 0, &e);
    assert_int_equal(e.progress, PROGRESS_SIGNIFICANT); /* already past the target */
}

/* A baseline after the latest figure: no path yet, so no category. */
static void test_baseline_in_the_future(void **state)
{
    (void)state;
    struct target t = exports_target();
    t.baseline.year = 2027;
    t.baseline_value = 250;
    struct stored_observation items[6];
    double values[] = {131, 145, 160, 174, 190, 205};
    struct evaluation e;
    evaluate(&t, items, annual(items, 2020, values, 6), 0, &e);
    assert_int_equal(e.progress, PROGRESS_UNKNOWN);
    assert_true(isnan(e.gap_pct));
    assert_non_null(strstr(e.why, "the baseline period is after the latest figure"));
}

static void test_level_rank_trend(void **state)
{
    (void)state;
    struct stored_observation items[3];
    struct evaluation e;
    struct target level;
    evaluate_target_defaults(&level);
    level.kind = TARGET_ABOVE_BASELINE;
    level.year = 2030;
    level.baseline = (struct pejl_period){.year = 2024, .kind = PEJL_PERIOD_YEAR};
    double fdi[] = {70.4, 72.0, 71.0};
    evaluate(&level, items, annual(items, 2023, fdi, 3), 0, &e);
    assert_float_equal(e.baseline_value, 72.0, 0);
    assert_int_equal(e.progress, PROGRESS_MODERATE); /* 1.4 % below the 2024 level */
    struct target rank;
    evaluate_target_defaults(&rank);
    rank.kind = TARGET_RANK;
    rank.year = 2030;
    double ranks[] = {2, 3, 7};
    evaluate(&rank, items, annual(items, 2021, ranks, 3), 0, &e);
    assert_int_equal(e.progress, PROGRESS_MODERATE); /* 7th: outside the top 5, close */
    struct target trend;
    evaluate_target_defaults(&trend);
    trend.kind = TARGET_TREND;
    trend.window_years = 2;
    double ratio[] = {45.0, 44.1, 42.7};
    evaluate(&trend, items, annual(items, 2020, ratio, 3), 0, &e);
    assert_int_equal(e.progress, PROGRESS_MOVING_AWAY); /* -2.6 %/yr while it should rise */
}

/* A monthly series against a baseline year: the latest value is the newest
 * month's own figure; the 12-month mean that the level is compared by is a
 * figure of its own, with its months (pharma_production: August 2025 is
 * 162.6 while the mean of September 2024 - August 2025 is lower). */
static void test_level_monthly_compared_value(void **state)
{
    (void)state;
    struct stored_observation items[20];
    struct evaluation e;
    struct target level;
    evaluate_target_defaults(&level);
    level.kind = TARGET_ABOVE_BASELINE;
    level.year = 2030;
    level.baseline = (struct pejl_period){.year = 2024, .kind = PEJL_PERIOD_YEAR};
    for (int i = 0; i < 20; i++) /* 2024-01 .. 2025-08: 100, 101, ..., 119 */
        items[i] = (struct stored_observation){
            .obs = {.period = {.year = (int16_t)(2024 + i / 12), .kind = PEJL_PERIOD_MONTH,
                               .index = (uint8_t)(i % 12 + 1)},
                    .value = 100 + i}};
    items[19].obs.value = 162.6;
    evaluate(&level, items, 20, 0, &e);
    assert_float_equal(e.latest_value, 162.6, 0);
    double mean = (108 + 109 + 110 + 111 + 112 + 113 + 114 + 115 + 116 + 117 + 118 + 162.6) / 12;
    assert_float_equal(e.compared_value, mean, 1e-9);
    char from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX];
    period_format(&e.compared_from, from, sizeof from);
    period_format(&e.compared_to, to, sizeof to);
    assert_string_equal(from, "2024-09");
    assert_string_equal(to, "2025-08");
    assert_float_equal(e.baseline_value, 105.5, 1e-9); /* the mean of 2024's months */
    assert_float_equal(e.ratio, mean / 105.5, 1e-12); /* compared by the mean, as before */
    /* an annual series is compared by its latest value itself: no compared figure */
    double fdi[] = {70.4, 72.0, 71.0};
    for (int i = 0; i < 3; i++)
        items[i] = (struct stored_observation){
            .obs = {.period = {.year = (int16_t)(2023 + i), .kind = PEJL_PERIOD_YEAR},
                    .value = fdi[i]}};
    evaluate(&level, items, 3, 0, &e);
    assert_true(isnan(e.compared_value));
    assert_int_equal(e.compared_from.kind, PEJL_PERIOD_NONE);
}

/* A published figure beside pejl's: the same period's value; a year over
 * a monthly series is the mean of its twelve months, and none while a
 * month is missing; the difference in %. */
static void test_published_beside_pejl(void **state)
{
    (void)state;
    struct stored_observation items[24];
    for (int i = 0; i < 24; i++) /* 2022-01 .. 2023-12: 1 .. 24 */
        items[i] = (struct stored_observation){
            .obs = {.period = {.year = (int16_t)(2022 + i / 12), .kind = PEJL_PERIOD_MONTH,
                               .index = (uint8_t)(i % 12 + 1)},
                    .value = i + 1}};
    char source[] = "S";
    struct published_figure year = {.period = {.year = 2023, .kind = PEJL_PERIOD_YEAR},
                                    .value = 20, .source = source};
    struct published_figure month = {.period = {.year = 2022, .kind = PEJL_PERIOD_MONTH, .index = 3},
                                     .value = 3, .source = source};
    struct published_check c;
    published_check(&year, items, 24, &c);
    assert_float_equal(c.pejl_value, 18.5, 1e-12); /* mean of 13 .. 24 */
    assert_float_equal(c.diff_pct, -7.5, 1e-9);
    published_check(&month, items, 24, &c);
    assert_float_equal(c.pejl_value, 3, 0);
    assert_float_equal(c.diff_pct, 0, 0);
    items[20].obs.value = NAN; /* 2023-09 missing: no year figure */
    published_check(&year, items, 24, &c);
    assert_true(isnan(c.pejl_value) && isnan(c.diff_pct));
    year.period.year = 2021; /* before the series */
    published_check(&year, items, 24, &c);
    assert_true(isnan(c.pejl_value));
    struct pejl_period y = {.year = 2023, .kind = PEJL_PERIOD_YEAR};
    assert_true(published_period_fits(&y, PEJL_PERIOD_MONTH));
    assert_true(published_period_fits(&y, PEJL_PERIOD_YEAR));
    assert_false(published_period_fits(&y, PEJL_PERIOD_WEEK));
    assert_false(published_period_fits(&month.period, PEJL_PERIOD_YEAR));
}

/* Hysteresis: with a margin, a category is left for a better one only when
 * the figure is past the threshold by the margin. */
static void test_classify_with_margin(void **state)
{
    (void)state;
    struct target t = exports_target();
    struct evaluation e = {.actual_growth = 0.0980, .required_growth = 0.1, .ratio = 0.98};
    assert_int_equal(evaluate_progress_classify(&t, &e, 0), PROGRESS_SIGNIFICANT);
    assert_int_equal(evaluate_progress_classify(&t, &e, 0.05), PROGRESS_MODERATE);
    t.significant = 0.99; /* configured thresholds win over the defaults */
    assert_int_equal(evaluate_progress_classify(&t, &e, 0), PROGRESS_MODERATE);

    struct target trend;
    evaluate_target_defaults(&trend);
    trend.kind = TARGET_TREND;
    struct evaluation g = {.actual_growth = 0.012, .ratio = NAN};
    assert_int_equal(evaluate_progress_classify(&trend, &g, 0), PROGRESS_SIGNIFICANT);
    assert_int_equal(evaluate_progress_classify(&trend, &g, 0.005), PROGRESS_MODERATE);
    trend.direction = -1; /* growing is moving away from a "down" trend */
    assert_int_equal(evaluate_progress_classify(&trend, &g, 0), PROGRESS_MOVING_AWAY);

    struct target rank;
    evaluate_target_defaults(&rank);
    rank.kind = TARGET_RANK;
    rank.top = 5;
    struct evaluation r = {.latest_value = 5};
    assert_int_equal(evaluate_progress_classify(&rank, &r, 0), PROGRESS_SIGNIFICANT);
    assert_int_equal(evaluate_progress_classify(&rank, &r, 1), PROGRESS_MODERATE);
    r.latest_value = NAN;
    assert_int_equal(evaluate_progress_classify(&rank, &r, 0), PROGRESS_UNKNOWN);
}

/* The value before the latest: what a rank change is measured against. */
static void test_previous_value(void **state)
{
    (void)state;
    struct target t;
    evaluate_target_defaults(&t);
    t.kind = TARGET_RANK;
    t.year = 2030;
    struct stored_observation items[3];
    double ranks[] = {3, NAN, 6};
    struct evaluation e;
    evaluate(&t, items, annual(items, 2022, ranks, 3), 0, &e);
    assert_float_equal(e.latest_value, 6, 0);
    assert_float_equal(e.previous_value, 3, 0);
    assert_int_equal(e.previous.year, 2022);
    assert_int_equal(e.progress, PROGRESS_MODERATE);
    evaluate(&t, items, annual(items, 2024, ranks + 2, 1), 0, &e);
    assert_true(isnan(e.previous_value));
}

static void test_staleness(void **state)
{
    (void)state;
    struct evaluation e = {.latest = {.year = 2025, .kind = PEJL_PERIOD_MONTH, .index = 8},
                           .latest_value = 151.8};
    int64_t end = period_end(&e.latest), lag = evaluate_stale_after_default(PEJL_PERIOD_MONTH);
    assert_int_equal(lag, 75 * 86400);
    evaluate_staleness(&e, end + 74 * 86400, lag);
    assert_false(e.stale);
    assert_float_equal(e.days_since_period_end, 74, 1e-9);
    evaluate_staleness(&e, end + 76 * 86400, lag);
    assert_true(e.stale);
    e.latest_value = NAN; /* no data: unknown, not stale */
    evaluate_staleness(&e, end + 1000 * 86400, lag);
    assert_false(e.stale);
    assert_int_equal(evaluate_stale_after_default(PEJL_PERIOD_YEAR), 400 * 86400);
    assert_int_equal(evaluate_stale_after_default(PEJL_PERIOD_QUARTER), 120 * 86400);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_required_growth_and_path),
        cmocka_unit_test(test_time_distance),
        cmocka_unit_test(test_exports_2020_to_2025),
        cmocka_unit_test(test_no_data_is_unknown_not_missed),
        cmocka_unit_test(test_non_positive_values),
        cmocka_unit_test(test_target_year_passed_is_final),
        cmocka_unit_test(test_decreasing_target),
        cmocka_unit_test(test_baseline_in_the_future),
        cmocka_unit_test(test_level_rank_trend),
        cmocka_unit_test(test_level_monthly_compared_value),
        cmocka_unit_test(test_published_beside_pejl),
        cmocka_unit_test(test_classify_with_margin),
        cmocka_unit_test(test_previous_value),
        cmocka_unit_test(test_staleness),
    };
    return cmocka_run_group_tests_name("evaluate", tests, NULL, NULL);
}
