/*
 * test_splice.c — one series from several sources (daemon/model/splice.c):
 * each source kept to its from..until, the later source winning where two
 * give a period (and the overlap noted), a gap left a gap, the first
 * period taken from a later source marked as a break, and with annual =
 * "sum" the months of each source summed on their own before the splice
 * (a year split between two tables, or cut by a range, is no year).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "period.h"
#include "splice.h"

static struct pejl_period year(int y)
{
    return (struct pejl_period){.year = (int16_t)y, .kind = PEJL_PERIOD_YEAR};
}

static struct pejl_period month(int y, int m)
{
    return (struct pejl_period){.year = (int16_t)y, .kind = PEJL_PERIOD_MONTH, .index = (uint8_t)m};
}

static struct pejl_observation obs(struct pejl_period p, double v)
{
    return (struct pejl_observation){.period = p, .value = v};
}

/* An indicator of two sources with the given ranges (kind 0: open). */
static struct indicator two_sources(struct indicator_source *s, struct pejl_period until0,
                                    struct pejl_period from1)
{
    s[0] = (struct indicator_source){.until = until0};
    s[1] = (struct indicator_source){.from = from1};
    return (struct indicator){.id = "x",
                              .frequency = PEJL_PERIOD_YEAR,
                              .sources = s,
                              .n_sources = 2,
                              .derive = {.scale = 1}};
}

static struct splice_result splice(const struct indicator *ind, const struct pejl_observation *a,
                                   size_t na, const struct pejl_observation *b, size_t nb)
{
    struct splice_part parts[2] = {{a, na}, {b, nb}};
    struct splice_result r;
    char err[256];
    assert_int_equal(splice_apply(ind, parts, 2, &r, err, sizeof err), 0);
    return r;
}

static void test_ranges_and_break(void **state)
{
    (void)state;
    struct indicator_source s[2];
    struct indicator ind = two_sources(s, year(2021), year(2022));
    /* each source also gives a year outside its range: dropped */
    struct pejl_observation old[] = {obs(year(2020), 1), obs(year(2021), 2), obs(year(2022), 99)};
    struct pejl_observation new[] = {obs(year(2021), 98), obs(year(2022), 3), obs(year(2023), 4)};
    struct splice_result r = splice(&ind, old, 3, new, 3);
    assert_int_equal(r.n, 4);
    double want[] = {1, 2, 3, 4};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r.obs[i].period.year, 2020 + (int)i);
        assert_true(r.obs[i].value == want[i]);
        assert_int_equal(r.obs[i].status, i == 2 ? PEJL_STATUS_BREAK : 0);
    }
    assert_int_equal(r.n_overlaps, 0);
    assert_int_equal(r.n_seams, 1);
    assert_int_equal(r.seams[0].source, 1);
    assert_int_equal(r.seams[0].first.year, 2022);
    splice_result_free(&r);
}

static void test_overlap_newer_wins(void **state)
{
    (void)state;
    struct indicator_source s[2];
    struct indicator ind = two_sources(s, (struct pejl_period){0}, year(2020));
    struct pejl_observation old[] = {obs(year(2019), 10), obs(year(2020), 20), obs(year(2021), 30)};
    struct pejl_observation new[] = {obs(year(2020), 22), obs(year(2021), NAN),
                                     obs(year(2022), 40)};
    struct splice_result r = splice(&ind, old, 3, new, 3);
    assert_int_equal(r.n, 4);
    assert_true(r.obs[1].value == 22); /* both give 2020: the later source */
    assert_true(r.obs[1].status == PEJL_STATUS_BREAK);
    assert_true(r.obs[2].value == 30);                 /* a missing value does not beat a value */
    assert_true(r.obs[2].status == PEJL_STATUS_BREAK); /* back to the older source */
    assert_true(r.obs[3].value == 40);
    assert_int_equal(r.n_overlaps, 2);
    assert_int_equal(r.overlaps[0].period.year, 2020);
    assert_true(r.overlaps[0].value[0] == 20 && r.overlaps[0].value[1] == 22);
    assert_true(isnan(r.overlaps[1].value[1]));
    splice_result_free(&r);
}

static void test_gap_stays_a_gap(void **state)
{
    (void)state;
    struct indicator_source s[2];
    struct indicator ind = two_sources(s, year(2019), year(2022));
    struct pejl_observation old[] = {obs(year(2018), 1), obs(year(2019), 2)};
    struct pejl_observation new[] = {obs(year(2022), 3)};
    struct splice_result r = splice(&ind, old, 2, new, 1);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.obs[2].period.year, 2022);
    assert_int_equal(r.obs[2].status, PEJL_STATUS_BREAK);
    splice_result_free(&r);
}

/* Members are spliced each on their own; order of the output as collect's. */
static void test_members_and_order(void **state)
{
    (void)state;
    struct indicator_source s[2];
    struct indicator ind = two_sources(s, year(2021), year(2022));
    struct pejl_observation old[] = {obs(year(2021), 1), obs(year(2021), 2)};
    old[0].member = "54";
    old[1].member = "87";
    struct pejl_observation new[] = {obs(year(2022), 3), obs(year(2022), 4)};
    new[0].member = "54";
    new[1].member = "87";
    struct splice_result r = splice(&ind, old, 2, new, 2);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.obs[0].member, "54");
    assert_int_equal(r.obs[0].period.year, 2021);
    assert_string_equal(r.obs[1].member, "54");
    assert_int_equal(r.obs[1].status, PEJL_STATUS_BREAK);
    assert_string_equal(r.obs[2].member, "87");
    assert_int_equal(r.obs[2].status, 0); /* a member's first period is no break */
    assert_int_equal(r.obs[3].status, PEJL_STATUS_BREAK);
    assert_int_equal(r.n_seams, 1);
    assert_int_equal(r.seams[0].members, 2);
    splice_result_free(&r);
}

/* Annual SITC2R4Y for 2020–2021 and monthly SITC2R4 from 2022-01 (to
 * 2023-06): years as they are, 2022 the sum of its months, 2023 not yet a
 * year. A from in mid-year makes that year no year either. */
static void test_annual_sums_per_source(void **state)
{
    (void)state;
    struct indicator_source s[2];
    struct indicator ind = two_sources(s, year(2021), month(2022, 1));
    ind.derive.temporal = TEMPORAL_ANNUAL_SUM;
    struct pejl_observation annual[] = {obs(year(2020), 100), obs(year(2021), 110)};
    struct pejl_observation monthly[18];
    for (int i = 0; i < 18; i++)
        monthly[i] = obs(month(2022 + i / 12, i % 12 + 1), 10);
    struct splice_result r = splice(&ind, annual, 2, monthly, 18);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.obs[2].period.kind, PEJL_PERIOD_YEAR);
    assert_int_equal(r.obs[2].period.year, 2022);
    assert_true(r.obs[2].value == 120);
    assert_int_equal(r.obs[2].status, PEJL_STATUS_BREAK);
    splice_result_free(&r);

    s[1].from = month(2022, 7); /* half of 2022: not summed as a year */
    s[0].until = year(2022);
    r = splice(&ind, annual, 2, monthly, 18);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.obs[1].period.year, 2021);
    splice_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges_and_break),       cmocka_unit_test(test_overlap_newer_wins),
        cmocka_unit_test(test_gap_stays_a_gap),        cmocka_unit_test(test_members_and_order),
        cmocka_unit_test(test_annual_sums_per_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
