/*
 * test_projection.c — projection.c's band and probability against figures
 * worked by hand (a linear fit of four points) and published t-table
 * values; the centre is evaluate_projection_at()'s, so the graph's band
 * sits around the projection the status line states.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "evaluate.h"
#include "projection.h"

static void test_t_table(void **state)
{
    (void)state;
    assert_float_equal(projection_t_quantile(0.9, 2), 1.885618, 1e-5);
    assert_float_equal(projection_t_quantile(0.9, 10), 1.372184, 1e-5);
    assert_float_equal(projection_t_cdf(2.0, 5), 0.9490303, 1e-6);
    assert_float_equal(projection_t_cdf(-2.0, 5), 1 - 0.9490303, 1e-6);
    assert_true(isnan(projection_t_quantile(1, 3)));
    /* by the incomplete beta function now: Cauchy's, a table's far values */
    assert_float_equal(projection_t_cdf(1.0, 1), 0.75, 1e-12);
    assert_float_equal(projection_t_quantile(0.975, 30), 2.042272, 1e-6);
    assert_float_equal(projection_t_cdf(3.0, 3), 0.9711656, 1e-7);
    assert_float_equal(projection_t_cdf(0.0, 7), 0.5, 1e-15);
    assert_float_equal(projection_t_quantile(0.995, 1), 63.65674, 1e-4);
    assert_float_equal(projection_t_quantile(0.9, 2), 1.885618, 1e-5); /* asked again: kept */
}

/* y = 0.3 + 0.8 t, residuals -0.3 0.9 -0.9 0.3: s² = 0.9, at t = 5 the
 * prediction's standard error is s·sqrt(1 + 1/4 + 3.5²/5). */
static void test_linear_by_hand(void **state)
{
    (void)state;
    const double years[] = {0, 1, 2, 3}, values[] = {0, 2, 1, 3};
    double se = sqrt(0.9) * sqrt(1.25 + 12.25 / 5), q = 1.885618;
    struct projection p;
    projection_fit(years, values, 4, 5, 0.8, 4.3, +1, &p);
    assert_true(p.linear);
    assert_float_equal(p.centre, 4.3, 1e-9);
    assert_float_equal(p.low, 4.3 - q * se, 1e-4);
    assert_float_equal(p.high, 4.3 + q * se, 1e-4);
    assert_float_equal(p.probability, 0.5, 1e-6);
    projection_fit(years, values, 4, 5, 0.8, 4.3 + q * se, +1, &p);
    assert_float_equal(p.probability, 0.1, 1e-4);
    projection_fit(years, values, 4, 5, 0.8, 4.3 + q * se, -1, &p);
    assert_float_equal(p.probability, 0.9, 1e-4);
}

/* A log fit: the centre is the evaluation's projection, the band is
 * symmetric in logs, a target below the trend is likely and one far above
 * it is not. */
static void test_log_fit_matches_the_evaluation(void **state)
{
    (void)state;
    const double years[] = {2019, 2020, 2021, 2022, 2023, 2024};
    const double values[] = {131, 145, 160, 174, 189, 205};
    bool linear;
    struct projection p;
    projection_fit(years, values, 6, 2031, 0.8, 350, +1, &p);
    assert_false(p.linear);
    assert_float_equal(p.centre, evaluate_projection_at(years, values, 6, 2031, &linear), 1e-9);
    assert_float_equal(p.low * p.high, p.centre * p.centre, 1e-6 * p.centre * p.centre);
    assert_true(p.low < p.centre && p.centre < p.high);
    assert_true(p.centre > 350 && p.probability > 0.5);
    projection_fit(years, values, 6, 2031, 0.8, 2 * p.high, +1, &p);
    assert_true(p.probability < 0.01);
    double low, high;
    projection_band_at(years, values, 6, 2031, 0.8, &low, &high);
    assert_float_equal(low, p.low, 1e-9);
    assert_float_equal(high, p.high, 1e-9);
}

static void test_too_few_points(void **state)
{
    (void)state;
    const double years[] = {2023, 2024}, values[] = {1, 2};
    struct projection p;
    projection_fit(years, values, 2, 2030, 0.8, 3, +1, &p);
    assert_false(isnan(p.centre));
    assert_true(isnan(p.low) && isnan(p.high) && isnan(p.probability));
    projection_fit(years, values, 1, 2030, 0.8, 3, +1, &p);
    assert_true(isnan(p.centre));
}

/* The chance as the report and the graph write it: never a 0 or 100 the fit cannot promise. */
static void test_chance_text(void **state)
{
    (void)state;
    char buf[32];
    projection_chance_text(LANGUAGE_DA, 0.0004, buf, sizeof buf);
    assert_string_equal(buf, "under 1 %");
    projection_chance_text(LANGUAGE_EN, 0.0004, buf, sizeof buf);
    assert_string_equal(buf, "below 1%");
    projection_chance_text(LANGUAGE_DA, 0.9996, buf, sizeof buf);
    assert_string_equal(buf, "over 99 %");
    projection_chance_text(LANGUAGE_DA, 0.034, buf, sizeof buf);
    assert_string_equal(buf, "3 %");
    projection_chance_text(LANGUAGE_EN, 0.5, buf, sizeof buf);
    assert_string_equal(buf, "50%");
    projection_chance_text(LANGUAGE_DA, 0, buf, sizeof buf);
    assert_string_equal(buf, "0 %");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chance_text),
        cmocka_unit_test(test_t_table),
        cmocka_unit_test(test_linear_by_hand),
        cmocka_unit_test(test_log_fit_matches_the_evaluation),
        cmocka_unit_test(test_too_few_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
