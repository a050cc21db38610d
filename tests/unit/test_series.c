/*
 * test_series.c — unit tests of daemon/model/series.c: the id-keyed set (10 000
 * ids through several hash-table growths, lookups of present and absent ids,
 * the id length limit), series_put in period order, out of order and across
 * array growth (always sorted, returned index exact), replacement of a
 * period's observation, series_classify (NEW, SAME, REVISED; NAN equals
 * NAN; a new status alone is a revision) and series_find.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "series.h"

static struct pejl_period period_of(const char *text)
{
    struct pejl_period p = {0};
    if (period_parse(text, strlen(text), &p) != 0)
        fail_msg("period_parse(\"%s\") failed", text);
    return p;
}

static struct pejl_observation obs_of(const char *period, double value, uint32_t status)
{
    return (struct pejl_observation){.period = period_of(period), .value = value, .status = status};
}

static struct pejl_observation year_obs(int year, double value)
{
    struct pejl_period p = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return (struct pejl_observation){.period = p, .value = value};
}

/* Asserts the series holds exactly `periods` (canonical text) in this order. */
static void assert_periods(const struct series *s, const char *const *periods, size_t n)
{
    assert_int_equal(s->n, n);
    for (size_t i = 0; i < n; i++) {
        char text[PERIOD_TEXT_MAX];
        period_format(&s->items[i].obs.period, text, sizeof text);
        if (strcmp(text, periods[i]) != 0)
            fail_msg("item %zu is %s, expected %s", i, text, periods[i]);
    }
}

static void assert_sorted(const struct series *s)
{
    for (size_t i = 1; i < s->n; i++)
        if (period_compare(&s->items[i - 1].obs.period, &s->items[i].obs.period) >= 0)
            fail_msg("items %zu and %zu are out of order", i - 1, i);
}

/* ---- the set ---- */

static void test_set_10k_ids(void **state)
{
    (void)state;
    enum { N = 10000 };
    struct series_set *set = series_set_new();
    assert_non_null(set);
    assert_int_equal(series_count(set), 0);
    assert_null(series_get(set, "ind_00000"));

    static struct series *added[N];
    char id[32];
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "ind_%05d", i);
        added[i] = series_get_or_add(set, id);
        assert_non_null(added[i]);
        assert_string_equal(added[i]->id, id);
        assert_int_equal(added[i]->n, 0);
        assert_int_equal(series_count(set), (size_t)i + 1);
    }
    /* Every id still finds its own series after all the growth. */
    for (int i = 0; i < N; i++) {
        snprintf(id, sizeof id, "ind_%05d", i);
        assert_ptr_equal(series_get(set, id), added[i]);
        assert_ptr_equal(series_get_or_add(set, id), added[i]);
    }
    assert_int_equal(series_count(set), N);
    for (int i = 0; i < N; i += 997)
        for (int j = i + 1; j < N; j += 991)
            assert_ptr_not_equal(added[i], added[j]);

    assert_null(series_get(set, "ind_10000"));
    assert_null(series_get(set, "ind_0000"));
    assert_null(series_get(set, ""));
    assert_int_equal(series_count(set), N);

    /* A series keeps its observations while the table grows around it. */
    struct pejl_observation o = year_obs(2020, 42.5);
    assert_int_equal(series_put(added[17], &o, 7), 0);
    for (int i = N; i < N + 3000; i++) {
        snprintf(id, sizeof id, "ind_%05d", i);
        assert_non_null(series_get_or_add(set, id));
    }
    const struct series *s = series_get(set, "ind_00017");
    assert_ptr_equal(s, added[17]);
    assert_int_equal(s->n, 1);
    assert_true(s->items[0].obs.value == 42.5);
    assert_int_equal(s->items[0].vintage, 7);
    series_set_free(set);
}

static void test_set_id_length(void **state)
{
    (void)state;
    struct series_set *set = series_set_new();
    /* A series key: a 64-character id, a dot and a 15-character member. */
    char id[SERIES_KEY_MAX + 2];
    memset(id, 'a', SERIES_KEY_MAX);
    id[INDICATOR_ID_MAX] = '.';
    id[SERIES_KEY_MAX] = '\0';
    struct series *s = series_get_or_add(set, id);
    assert_non_null(s);
    assert_string_equal(s->id, id);
    id[SERIES_KEY_MAX] = 'a';
    id[SERIES_KEY_MAX + 1] = '\0';
    assert_null(series_get_or_add(set, id));
    assert_int_equal(series_count(set), 1);
    series_set_free(set);
    series_set_free(NULL);
}

/* ---- series_put ---- */

static void test_put_in_order(void **state)
{
    (void)state;
    struct series s = {0};
    for (int i = 0; i < 40; i++) {
        char text[16];
        snprintf(text, sizeof text, "%d-%02d", 2020 + i / 12, 1 + i % 12);
        struct pejl_observation o = obs_of(text, i * 1.5, 0);
        assert_int_equal(series_put(&s, &o, 1000 + i), i);
    }
    assert_int_equal(s.n, 40);
    assert_sorted(&s);
    char text[PERIOD_TEXT_MAX];
    period_format(&s.items[0].obs.period, text, sizeof text);
    assert_string_equal(text, "2020-01");
    period_format(&s.items[39].obs.period, text, sizeof text);
    assert_string_equal(text, "2023-04");
    for (int i = 0; i < 40; i++) {
        assert_true(s.items[i].obs.value == i * 1.5);
        assert_int_equal(s.items[i].vintage, 1000 + i);
    }
    free(s.items);
}

static void test_put_out_of_order(void **state)
{
    (void)state;
    struct series s = {0};
    struct pejl_observation o;
    o = year_obs(2023, 23);
    assert_int_equal(series_put(&s, &o, 1), 0);
    o = year_obs(2021, 21);
    assert_int_equal(series_put(&s, &o, 2), 0);
    o = year_obs(2022, 22);
    assert_int_equal(series_put(&s, &o, 3), 1);
    o = year_obs(2020, 20);
    assert_int_equal(series_put(&s, &o, 4), 0);
    o = year_obs(2024, 24);
    assert_int_equal(series_put(&s, &o, 5), 4);
    const char *const want[] = {"2020", "2021", "2022", "2023", "2024"};
    assert_periods(&s, want, 5);
    const int64_t vintages[] = {4, 2, 3, 1, 5};
    for (int i = 0; i < 5; i++) {
        assert_true(s.items[i].obs.value == 20 + i);
        assert_int_equal(s.items[i].vintage, vintages[i]);
    }
    free(s.items);
}

static void test_put_reverse_across_growth(void **state)
{
    (void)state;
    struct series s = {0};
    /* 100 years newest first: every put inserts at the front, through growth. */
    for (int y = 2099; y >= 2000; y--) {
        struct pejl_observation o = year_obs(y, y * 0.25);
        assert_int_equal(series_put(&s, &o, y), 0);
    }
    assert_int_equal(s.n, 100);
    assert_true(s.cap >= 100);
    assert_sorted(&s);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(s.items[i].obs.period.year, 2000 + i);
        assert_true(s.items[i].obs.value == (2000 + i) * 0.25);
        assert_int_equal(s.items[i].vintage, 2000 + i);
    }
    free(s.items);
}

static void test_put_replaces_period(void **state)
{
    (void)state;
    struct series s = {0};
    struct pejl_observation o;
    for (int y = 2020; y <= 2022; y++) {
        o = year_obs(y, y);
        assert_int_equal(series_put(&s, &o, 100), y - 2020);
    }
    o = obs_of("2021", NAN, PEJL_STATUS_CONFIDENTIAL);
    assert_int_equal(series_put(&s, &o, 200), 1);
    assert_int_equal(s.n, 3);
    assert_true(isnan(s.items[1].obs.value));
    assert_int_equal(s.items[1].obs.status, PEJL_STATUS_CONFIDENTIAL);
    assert_int_equal(s.items[1].vintage, 200);
    o = obs_of("2022", -1.5, 0); /* the last one: the append fast path */
    assert_int_equal(series_put(&s, &o, 300), 2);
    assert_int_equal(s.n, 3);
    assert_true(s.items[2].obs.value == -1.5);
    assert_int_equal(s.items[2].vintage, 300);
    assert_true(s.items[0].obs.value == 2020);
    assert_int_equal(s.items[0].vintage, 100);
    free(s.items);
}

static void test_put_mixed_kinds_same_end(void **state)
{
    (void)state;
    /* 2021 and 2021-Q4 end at the same second: two periods, not one. */
    struct series s = {0};
    struct pejl_observation q4 = obs_of("2021-Q4", 4, 0), year = obs_of("2021", 1, 0);
    assert_int_equal(series_put(&s, &q4, 1), 0);
    assert_int_equal(series_put(&s, &year, 2), 0);
    const char *const want[] = {"2021", "2021-Q4"};
    assert_periods(&s, want, 2);
    free(s.items);
}

/* ---- classify and find ---- */

static void test_classify(void **state)
{
    (void)state;
    const struct stored_observation *previous = (void *)&previous;
    struct pejl_observation o = obs_of("2021", 5, 0);
    assert_int_equal(series_classify(NULL, &o, &previous), SERIES_NEW);
    assert_null(previous);

    struct series s = {0};
    struct pejl_observation stored[] = {
        obs_of("2020", 5, 0),
        obs_of("2021", NAN, 0),
        obs_of("2022", 0.1 + 0.2, PEJL_STATUS_PROVISIONAL),
        obs_of("2023", 0.0, 0),
    };
    for (int i = 0; i < 4; i++)
        assert_int_equal(series_put(&s, &stored[i], 10 + i), i);

    struct {
        struct pejl_observation obs;
        enum series_change want;
        int previous; /* index, or -1 */
    } cases[] = {
        {obs_of("2019", 5, 0), SERIES_NEW, -1},
        {obs_of("2024", 5, 0), SERIES_NEW, -1},
        {obs_of("2021-Q4", 5, 0), SERIES_NEW, -1},
        {obs_of("2020", 5, 0), SERIES_SAME, 0},
        {obs_of("2020", 5.000000000000001, 0), SERIES_REVISED, 0},
        {obs_of("2020", NAN, 0), SERIES_REVISED, 0},
        {obs_of("2020", 5, PEJL_STATUS_ESTIMATED), SERIES_REVISED, 0},
        {obs_of("2021", NAN, 0), SERIES_SAME, 1},
        {obs_of("2021", -NAN, 0), SERIES_SAME, 1},
        {obs_of("2021", 0, 0), SERIES_REVISED, 1},
        {obs_of("2021", NAN, PEJL_STATUS_CONFIDENTIAL), SERIES_REVISED, 1},
        {obs_of("2022", 0.1 + 0.2, PEJL_STATUS_PROVISIONAL), SERIES_SAME, 2},
        {obs_of("2022", 0.3, PEJL_STATUS_PROVISIONAL), SERIES_REVISED, 2},
        {obs_of("2022", 0.1 + 0.2, 0), SERIES_REVISED, 2},
        {obs_of("2023", -0.0, 0), SERIES_SAME, 3}, /* -0 == +0 as a figure */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        previous = (void *)&previous;
        enum series_change got = series_classify(&s, &cases[i].obs, &previous);
        if (got != cases[i].want)
            fail_msg("case %zu: classified %d, expected %d", i, got, cases[i].want);
        if (cases[i].previous < 0)
            assert_null(previous);
        else
            assert_ptr_equal(previous, &s.items[cases[i].previous]);
    }
    /* Classifying changes nothing. */
    assert_int_equal(s.n, 4);
    assert_true(s.items[0].obs.value == 5);
    free(s.items);
}

static void test_find(void **state)
{
    (void)state;
    struct series s = {0};
    struct pejl_period p = period_of("2021-03");
    assert_null(series_find(&s, &p));

    const char *const months[] = {"2021-01", "2021-03", "2021-04", "2021-07", "2022-01"};
    for (int i = 0; i < 5; i++) {
        struct pejl_observation o = obs_of(months[i], 100 + i, (uint32_t)i);
        assert_int_equal(series_put(&s, &o, 50 + i), i);
    }
    for (int i = 0; i < 5; i++) {
        p = period_of(months[i]);
        const struct stored_observation *found = series_find(&s, &p);
        assert_ptr_equal(found, &s.items[i]);
        assert_true(found->obs.value == 100 + i);
        assert_int_equal(found->obs.status, i);
        assert_int_equal(found->vintage, 50 + i);
    }
    const char *const absent[] = {"2020-12", "2021-02", "2021-05", "2021-12",
                                  "2022-02", "2021",    "2021-Q1", "2021-03-31"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        p = period_of(absent[i]);
        if (series_find(&s, &p))
            fail_msg("series_find(%s) found something", absent[i]);
    }
    free(s.items);
}

/* ---- members of an indicator ---- */

struct member_walk {
    char ids[64][SERIES_KEY_MAX + 1];
    size_t n;
};

static void note_member(const struct series *s, void *arg)
{
    struct member_walk *w = arg;
    if (w->n < 64)
        snprintf(w->ids[w->n], sizeof w->ids[0], "%s", s->id);
    w->n++;
}

/* An indicator's members, and only its own, in the order first stored: not
 * another indicator's whose id it begins ("ab" is not "a"'s), not its own
 * series, and a member with a dot in its code ("K64.2") once. */
static void test_each_member_own_in_order(void **state)
{
    (void)state;
    static const char *const keys[] = {"a.DK", "ab.SE", "a",  "a.K64.2", "b.DK",
                                       "a.SE", "a.M+K", "ab", "a.DK"};
    struct series_set *set = series_set_new();
    assert_non_null(set);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        assert_non_null(series_get_or_add(set, keys[i]));
    struct member_walk w = {0};
    series_each_member(set, "a", note_member, &w);
    assert_int_equal(w.n, 4);
    assert_string_equal(w.ids[0], "a.DK");
    assert_string_equal(w.ids[1], "a.K64.2");
    assert_string_equal(w.ids[2], "a.SE");
    assert_string_equal(w.ids[3], "a.M+K");
    w.n = 0;
    series_each_member(set, "ab", note_member, &w);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.ids[0], "ab.SE");
    w.n = 0;
    series_each_member(set, "c", note_member, &w);
    series_each_member(set, "a.DK", note_member, &w);
    assert_int_equal(w.n, 0);
    series_set_free(set);
}

static void count_member(const struct series *s, void *arg)
{
    (void)s;
    (*(size_t *)arg)++;
}

/* 2,000 indicators of 25 members each: every walk finds its 25 (and the
 * walks together take time in proportion to the members, not the set). */
static void test_each_member_many(void **state)
{
    (void)state;
    enum { INDICATORS = 2000, MEMBERS = 25 };
    struct series_set *set = series_set_new();
    char key[SERIES_KEY_MAX + 1], id[32];
    for (int m = 0; m < MEMBERS; m++)
        for (int i = 0; i < INDICATORS; i++) {
            snprintf(key, sizeof key, "ind%d.M%d", i, m);
            assert_non_null(series_get_or_add(set, key));
        }
    assert_int_equal(series_count(set), INDICATORS * MEMBERS);
    for (int i = 0; i < INDICATORS; i++) {
        size_t n = 0;
        snprintf(id, sizeof id, "ind%d", i);
        series_each_member(set, id, count_member, &n);
        assert_int_equal(n, MEMBERS);
    }
    series_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_10k_ids),
        cmocka_unit_test(test_set_id_length),
        cmocka_unit_test(test_put_in_order),
        cmocka_unit_test(test_put_out_of_order),
        cmocka_unit_test(test_put_reverse_across_growth),
        cmocka_unit_test(test_put_replaces_period),
        cmocka_unit_test(test_put_mixed_kinds_same_end),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_each_member_own_in_order),
        cmocka_unit_test(test_each_member_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
