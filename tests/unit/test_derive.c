/*
 * test_derive.c — derived series on known numbers: scaling, calendar-year
 * and rolling sums (complete periods only), per-million normalisation with
 * the nearest earlier population period marked estimated, sums of members,
 * Denmark's rank among a panel (ties share a rank), and provisional inputs
 * making provisional results.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "derive.h"
#include "period.h"

static struct pejl_observation ob(const char *member, const char *period, double value,
                                  uint32_t status)
{
    struct pejl_observation o = {.value = value, .status = status, .member = member};
    assert_int_equal(period_parse(period, strlen(period), &o.period), 0);
    return o;
}

struct result {
    struct pejl_observation *obs;
    size_t n;
    char err[256];
    int rc;
};

static bool population(void *arg, const char *indicator, const char *member, int64_t end,
                       double *value, uint32_t *status, bool *exact)
{
    (void)arg;
    assert_string_equal(indicator, "population");
    /* DK: 2022 5.9 m (provisional), 2023 6.0 m; SE only 2022: 10.5 m */
    struct pejl_period y2022 = {.year = 2022, .kind = PEJL_PERIOD_YEAR};
    struct pejl_period y2023 = {.year = 2023, .kind = PEJL_PERIOD_YEAR};
    if (member && strcmp(member, "DK") == 0 && end >= period_end(&y2023)) {
        *value = 6.0e6, *status = 0, *exact = end == period_end(&y2023);
        return true;
    }
    if (member && end >= period_end(&y2022)) {
        *value = strcmp(member, "DK") == 0 ? 5.9e6 : 10.5e6;
        *status = strcmp(member, "DK") == 0 ? PEJL_STATUS_PROVISIONAL : 0;
        *exact = end == period_end(&y2022);
        return true;
    }
    return false;
}

static struct result run(const struct derive_spec *spec, enum pejl_period_kind frequency,
                         const struct pejl_observation *obs, size_t n)
{
    struct result r = {0};
    struct derive_input in = {.spec = spec, .frequency = frequency, .lookup = population};
    r.rc = derive_apply(&in, obs, n, &r.obs, &r.n, r.err, sizeof r.err);
    return r;
}

static const struct pejl_observation *at(const struct result *r, const char *member,
                                         const char *period)
{
    struct pejl_period p;
    period_parse(period, strlen(period), &p);
    for (size_t i = 0; i < r->n; i++)
        if (period_equal(&r->obs[i].period, &p) &&
            strcmp(r->obs[i].member ? r->obs[i].member : "", member ? member : "") == 0)
            return &r->obs[i];
    return NULL;
}

static void test_scale(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1e-6};
    struct pejl_observation in[] = {ob(NULL, "2023", 174000000, 0)};
    struct result r = run(&spec, PEJL_PERIOD_YEAR, in, 1);
    assert_int_equal(r.rc, 0);
    assert_float_equal(at(&r, NULL, "2023")->value, 174.0, 1e-9);
    free(r.obs);
}

static void test_annual_sum_complete_years_only(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1, .temporal = TEMPORAL_ANNUAL_SUM};
    struct pejl_observation in[36];
    char period[16];
    for (int i = 0; i < 36; i++) {
        snprintf(period, sizeof period, "%dM%02d", 2021 + i / 12, i % 12 + 1);
        in[i] = ob(NULL, period, 10.0 + i / 12, i == 17 ? PEJL_STATUS_PROVISIONAL : 0);
    }
    in[30].value = NAN; /* 2023-07 missing: 2023 is incomplete */
    struct result r = run(&spec, PEJL_PERIOD_YEAR, in, 35); /* and 2023-12 not yet published */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    assert_float_equal(at(&r, NULL, "2021")->value, 120.0, 0);
    assert_float_equal(at(&r, NULL, "2022")->value, 132.0, 0);
    assert_int_equal(at(&r, NULL, "2021")->status, 0);
    assert_int_equal(at(&r, NULL, "2022")->status, PEJL_STATUS_PROVISIONAL); /* June 2022 was */
    assert_null(at(&r, NULL, "2023"));
    free(r.obs);

    struct pejl_observation weekly[] = {ob(NULL, "2023-W01", 1, 0)};
    r = run(&spec, PEJL_PERIOD_YEAR, weekly, 1);
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.err, "annual = \"sum\" needs monthly or quarterly data, not weekly");
}

static void test_rolling_sum(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1, .temporal = TEMPORAL_ROLLING_SUM, .rolling = 3};
    struct pejl_observation in[] = {ob(NULL, "2023-01", 1, 0), ob(NULL, "2023-02", 2, 0),
                                    ob(NULL, "2023-03", 3, PEJL_STATUS_PROVISIONAL),
                                    ob(NULL, "2023-04", 4, 0), ob(NULL, "2023-06", 6, 0),
                                    ob(NULL, "2023-07", 7, 0), ob(NULL, "2023-08", 8, 0)};
    struct result r = run(&spec, PEJL_PERIOD_MONTH, in, 7);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 3); /* 2023-03, 2023-04, 2023-08; May is missing */
    assert_float_equal(at(&r, NULL, "2023-03")->value, 6, 0);
    assert_int_equal(at(&r, NULL, "2023-03")->status, PEJL_STATUS_PROVISIONAL);
    assert_float_equal(at(&r, NULL, "2023-04")->value, 9, 0);
    assert_int_equal(at(&r, NULL, "2023-04")->status, PEJL_STATUS_PROVISIONAL);
    assert_null(at(&r, NULL, "2023-06"));
    assert_null(at(&r, NULL, "2023-07"));
    assert_float_equal(at(&r, NULL, "2023-08")->value, 21, 0);
    free(r.obs);
}

static void test_per_million(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1, .per_million = "population"};
    struct pejl_observation in[] = {ob("DK", "2022", 413, 0), ob("DK", "2023", 444, 0),
                                    ob("SE", "2023", 525, 0), ob("SE", "2021", 500, 0)};
    struct result r = run(&spec, PEJL_PERIOD_YEAR, in, 4);
    assert_int_equal(r.rc, 0);
    assert_float_equal(at(&r, "DK", "2022")->value, 70.0, 1e-9);
    assert_int_equal(at(&r, "DK", "2022")->status, PEJL_STATUS_PROVISIONAL); /* the population was */
    assert_float_equal(at(&r, "DK", "2023")->value, 74.0, 1e-9);
    assert_int_equal(at(&r, "DK", "2023")->status, 0);
    assert_float_equal(at(&r, "SE", "2023")->value, 50.0, 1e-9); /* 2022's population */
    assert_int_equal(at(&r, "SE", "2023")->status, PEJL_STATUS_ESTIMATED);
    assert_true(isnan(at(&r, "SE", "2021")->value)); /* no population that early */
    free(r.obs);
}

static void test_sum_of_members(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1, .combine = COMBINE_SUM};
    struct pejl_observation in[] = {ob("S54", "2023", 150.5, 0), ob("S54", "2024", 160, PEJL_STATUS_PROVISIONAL),
                                    ob("S774", "2023", 23.5, 0), ob("S774", "2024", 25, 0),
                                    ob("S872", "2023", 0.25, 0),
                                    ob(NULL, "2023", 999, 0)}; /* replaced by the sum */
    struct result r = run(&spec, PEJL_PERIOD_YEAR, in, 6);
    assert_int_equal(r.rc, 0);
    assert_float_equal(at(&r, NULL, "2023")->value, 174.25, 0);
    assert_null(at(&r, NULL, "2024")); /* S872 has no 2024 yet */
    assert_float_equal(at(&r, "S774", "2024")->value, 25, 0); /* members are kept */
    assert_int_equal(r.n, 6);
    free(r.obs);
}

static void test_rank_with_ties(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1, .combine = COMBINE_RANK, .rank_member = "DK"};
    struct pejl_observation in[] = {
        ob("DK", "2022", 80, 0), ob("DK", "2023", 5, PEJL_STATUS_PROVISIONAL),
        ob("FI", "2022", 30, 0), ob("FI", "2023", 3, 0),
        ob("NO", "2022", 60, 0), ob("NO", "2023", 5, 0),
        ob("SE", "2022", 70, 0), ob("SE", "2023", 7, 0)};
    struct result r = run(&spec, PEJL_PERIOD_YEAR, in, 8);
    assert_int_equal(r.rc, 0);
    assert_float_equal(at(&r, NULL, "2022")->value, 1, 0); /* the most of all */
    assert_float_equal(at(&r, NULL, "2023")->value, 2, 0); /* SE 7; DK and NO share 5 */
    assert_int_equal(at(&r, NULL, "2023")->status, PEJL_STATUS_PROVISIONAL);
    free(r.obs);
}

static void test_wrong_frequency_after_derive(void **state)
{
    (void)state;
    struct derive_spec spec = {.active = true, .scale = 1};
    struct pejl_observation in[] = {ob(NULL, "2023-Q1", 1, 0)};
    struct result r = run(&spec, PEJL_PERIOD_YEAR, in, 1);
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.err, "derived values are quarterly, but the indicator's frequency is annual");
}

/* A spliced series (splice.h) reaches derive as years already: they pass
 * annual = "sum" as they are; a year given both as a year and as months
 * is refused. A break in a member carries into the members' sum, and a
 * rolling sum keeps its own period's break only. */
static void test_splice_inputs(void **state)
{
    (void)state;
    struct derive_spec annual = {
        .active = true, .scale = 1, .temporal = TEMPORAL_ANNUAL_SUM, .combine = COMBINE_SUM};
    struct pejl_observation years[] = {ob("54", "2021", 100, 0),
                                       ob("54", "2022", 110, PEJL_STATUS_BREAK),
                                       ob("87", "2021", 10, 0), ob("87", "2022", 12, 0)};
    struct result r = run(&annual, PEJL_PERIOD_YEAR, years, 4);
    assert_int_equal(r.rc, 0);
    assert_float_equal(at(&r, NULL, "2021")->value, 110.0, 0);
    assert_float_equal(at(&r, NULL, "2022")->value, 122.0, 0);
    assert_int_equal(at(&r, NULL, "2021")->status, 0);
    assert_int_equal(at(&r, NULL, "2022")->status, PEJL_STATUS_BREAK);
    free(r.obs);

    struct pejl_observation mixed[13];
    for (int m = 0; m < 11; m++)
        mixed[m] = (struct pejl_observation){
            .value = 1,
            .period = {.year = 2021, .kind = PEJL_PERIOD_MONTH, .index = (uint8_t)(m + 1)}};
    mixed[11] = ob(NULL, "2021", 12, 0);
    mixed[12] = ob(NULL, "2021-12", 1, 0);
    r = run(&annual, PEJL_PERIOD_YEAR, mixed, 13);
    assert_int_equal(r.rc, -1);
    assert_string_equal(r.err,
                        "annual = \"sum\": 2021 has both monthly and annual values; give one "
                        "kind per year");

    struct derive_spec rolling = {
        .active = true, .scale = 1, .temporal = TEMPORAL_ROLLING_SUM, .rolling = 2};
    struct pejl_observation months[] = {ob(NULL, "2021-12", 1, 0),
                                        ob(NULL, "2022-01", 2, PEJL_STATUS_BREAK),
                                        ob(NULL, "2022-02", 3, 0)};
    r = run(&rolling, PEJL_PERIOD_MONTH, months, 3);
    assert_int_equal(r.rc, 0);
    assert_int_equal(at(&r, NULL, "2022-01")->status, PEJL_STATUS_BREAK);
    assert_int_equal(at(&r, NULL, "2022-02")->status, 0);
    free(r.obs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_annual_sum_complete_years_only),
        cmocka_unit_test(test_rolling_sum),
        cmocka_unit_test(test_per_million),
        cmocka_unit_test(test_sum_of_members),
        cmocka_unit_test(test_rank_with_ties),
        cmocka_unit_test(test_wrong_frequency_after_derive),
        cmocka_unit_test(test_splice_inputs),
    };
    return cmocka_run_group_tests_name("derive", tests, NULL, NULL);
}
