/*
 * test_period.c — unit tests of daemon/model/period.c: every accepted period form
 * and its canonical print, the forms that must be refused, period starts and
 * ends in UTC, ordering, and status letters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "period.h"

/* Parses `text` (asserting success) and returns the period. */
static struct pejl_period parse_ok(const char *text)
{
    struct pejl_period p = {0};
    if (period_parse(text, strlen(text), &p) != 0)
        fail_msg("period_parse(\"%s\") failed", text);
    return p;
}

static void assert_canonical(const char *text, const char *canonical)
{
    struct pejl_period p = parse_ok(text);
    char buf[PERIOD_TEXT_MAX];
    size_t n = period_format(&p, buf, sizeof buf);
    if (strcmp(buf, canonical) != 0)
        fail_msg("\"%s\" printed as \"%s\", expected \"%s\"", text, buf, canonical);
    assert_int_equal(n, strlen(canonical));
}

static void assert_refused(const char *text)
{
    struct pejl_period p = {.year = 1234, .kind = 9, .index = 8, .day = 7};
    if (period_parse(text, strlen(text), &p) == 0)
        fail_msg("period_parse(\"%s\") accepted it", text);
    /* A refused text leaves the output alone. */
    assert_int_equal(p.year, 1234);
    assert_int_equal(p.kind, 9);
    assert_int_equal(p.index, 8);
    assert_int_equal(p.day, 7);
}

static void test_year(void **state)
{
    (void)state;
    struct pejl_period p = parse_ok("2023");
    assert_int_equal(p.year, 2023);
    assert_int_equal(p.kind, PEJL_PERIOD_YEAR);
    assert_int_equal(p.index, 0);
    assert_int_equal(p.day, 0);
    assert_canonical("2023", "2023");
    assert_canonical("1000", "1000");
    assert_canonical("9999", "9999");
}

static void test_quarter_forms(void **state)
{
    (void)state;
    struct pejl_period p = parse_ok("2023K3");
    assert_int_equal(p.year, 2023);
    assert_int_equal(p.kind, PEJL_PERIOD_QUARTER);
    assert_int_equal(p.index, 3);
    assert_int_equal(p.day, 0);
    assert_canonical("2023Q1", "2023-Q1");
    assert_canonical("2023K1", "2023-Q1");
    assert_canonical("2023-Q1", "2023-Q1");
    assert_canonical("2023-K2", "2023-Q2");
    assert_canonical("2023q4", "2023-Q4");
    assert_canonical("2023k4", "2023-Q4");
}

static void test_month_forms(void **state)
{
    (void)state;
    struct pejl_period p = parse_ok("2023M07");
    assert_int_equal(p.year, 2023);
    assert_int_equal(p.kind, PEJL_PERIOD_MONTH);
    assert_int_equal(p.index, 7);
    assert_int_equal(p.day, 0);
    assert_canonical("2023M01", "2023-01");
    assert_canonical("2023m01", "2023-01");
    assert_canonical("2023-01", "2023-01");
    assert_canonical("2023-12", "2023-12");
}

static void test_week_forms(void **state)
{
    (void)state;
    struct pejl_period p = parse_ok("2023U05");
    assert_int_equal(p.year, 2023);
    assert_int_equal(p.kind, PEJL_PERIOD_WEEK);
    assert_int_equal(p.index, 5);
    assert_int_equal(p.day, 0);
    assert_canonical("2023-W05", "2023-W05");
    assert_canonical("2023W05", "2023-W05");
    assert_canonical("2023U05", "2023-W05");
    assert_canonical("2023-U05", "2023-W05");
    assert_canonical("2023w52", "2023-W52");
    assert_canonical("2020-W53", "2020-W53");
}

static void test_day_forms(void **state)
{
    (void)state;
    struct pejl_period p = parse_ok("2023-01-31");
    assert_int_equal(p.year, 2023);
    assert_int_equal(p.kind, PEJL_PERIOD_DAY);
    assert_int_equal(p.index, 1);
    assert_int_equal(p.day, 31);
    assert_canonical("2023-01-31", "2023-01-31");
    assert_canonical("2023M01D31", "2023-01-31");
    assert_canonical("2024-02-29", "2024-02-29");
    assert_canonical("2000-02-29", "2000-02-29");
}

static void test_parse_respects_len(void **state)
{
    (void)state;
    /* The text need not be NUL-terminated: only `len` bytes count. */
    struct pejl_period p = {0};
    assert_int_equal(period_parse("2023-Q1xyz", 7, &p), 0);
    assert_int_equal(p.kind, PEJL_PERIOD_QUARTER);
    assert_int_equal(p.index, 1);
    assert_int_equal(period_parse("2023-01-31", 7, &p), 0);
    assert_int_equal(p.kind, PEJL_PERIOD_MONTH);
    assert_int_equal(period_parse("2023", 3, &p), -1);
}

static void test_refused_out_of_range(void **state)
{
    (void)state;
    assert_refused("2023M13");
    assert_refused("2023-13");
    assert_refused("2023M00");
    assert_refused("2023-00");
    assert_refused("2023Q5");
    assert_refused("2023Q0");
    assert_refused("2023-W00");
    assert_refused("2023-W54");
    assert_refused("2023-W53"); /* 2023 has 52 ISO weeks */
    assert_refused("2023-02-29");
    assert_refused("1900-02-29");
    assert_refused("2023-04-31");
    assert_refused("2023-01-00");
    assert_refused("0999");
    assert_refused("10000");
}

static void test_refused_garbage(void **state)
{
    (void)state;
    assert_refused("");
    assert_refused("abc");
    assert_refused("2023-");
    assert_refused("2023-1");
    assert_refused("2023M1");
    assert_refused("2023Q");
    assert_refused("2023Q11");
    assert_refused("2023-W5");
    assert_refused("2023-M01");
    assert_refused("2023-01-1");
    assert_refused("2023-01-31x");
    assert_refused("2023M01-31");
    assert_refused(" 2023");
    assert_refused("2023 ");
    assert_refused("202");
    assert_refused("2023X1");
}

static void test_refused_embedded_nul(void **state)
{
    (void)state;
    struct pejl_period p;
    assert_int_equal(period_parse("2023\0Q1", 7, &p), -1);
    assert_int_equal(period_parse("2023-Q\0", 7, &p), -1);
}

static void assert_span(const char *text, int64_t start, int64_t end)
{
    struct pejl_period p = parse_ok(text);
    if (period_start(&p) != start || period_end(&p) != end)
        fail_msg("%s spans [%lld, %lld), expected [%lld, %lld)", text, (long long)period_start(&p),
                 (long long)period_end(&p), (long long)start, (long long)end);
}

static void test_start_and_end(void **state)
{
    (void)state;
    assert_span("2023", 1672531200, 1704067200);       /* 2023-01-01 .. 2024-01-01 */
    assert_span("2023-Q1", 1672531200, 1680307200);    /* .. 2023-04-01 */
    assert_span("2023-Q4", 1696118400, 1704067200);    /* 2023-10-01 .. 2024-01-01 */
    assert_span("2023-01", 1672531200, 1675209600);    /* .. 2023-02-01 */
    assert_span("2023-12", 1701388800, 1704067200);    /* 2023-12-01 .. 2024-01-01 */
    assert_span("2023-W01", 1672617600, 1673222400);   /* Monday 2023-01-02 .. 01-09 */
    assert_span("2023-W05", 1675036800, 1675641600);   /* 2023-01-30 .. 02-06 */
    assert_span("2023-W52", 1703462400, 1704067200);   /* 2023-12-25 .. 2024-01-01 */
    assert_span("2020-W53", 1609113600, 1609718400);   /* 2020-12-28 .. 2021-01-04 */
    assert_span("2023-01-31", 1675123200, 1675209600); /* one day */
    assert_span("2024-02-29", 1709164800, 1709251200);
}

static void test_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(period_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(period_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(period_days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(period_days_from_civil(1969, 12, 31), -1);
}

static void test_compare(void **state)
{
    (void)state;
    /* In order of period end; equal ends by kind: year, quarter, month, week, day. */
    const char *sorted[] = {"2022",    "2023-01", "2023-01-31", "2023-W05",
                            "2023-Q1", "2023",    "2023-Q4",    "2023-12"};
    size_t n = sizeof sorted / sizeof *sorted;
    for (size_t i = 0; i + 1 < n; i++) {
        struct pejl_period a = parse_ok(sorted[i]), b = parse_ok(sorted[i + 1]);
        if (period_compare(&a, &b) != -1 || period_compare(&b, &a) != 1)
            fail_msg("%s should sort before %s", sorted[i], sorted[i + 1]);
    }
    struct pejl_period a = parse_ok("2023K2"), b = parse_ok("2023-Q2");
    assert_int_equal(period_compare(&a, &b), 0);
    assert_true(period_equal(&a, &b));
    struct pejl_period c = parse_ok("2023-Q3");
    assert_false(period_equal(&a, &c));
}

static void test_format_truncates(void **state)
{
    (void)state;
    struct pejl_period p = parse_ok("2023-Q1");
    char buf[5];
    /* Like snprintf: the full length is returned, the text is cut. */
    assert_int_equal(period_format(&p, buf, sizeof buf), 7);
    assert_string_equal(buf, "2023");
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(period_kind_name(PEJL_PERIOD_YEAR), "annual");
    assert_string_equal(period_kind_name(PEJL_PERIOD_QUARTER), "quarterly");
    assert_string_equal(period_kind_name(PEJL_PERIOD_MONTH), "monthly");
    assert_string_equal(period_kind_name(PEJL_PERIOD_WEEK), "weekly");
    assert_string_equal(period_kind_name(PEJL_PERIOD_DAY), "daily");
    assert_string_equal(period_kind_name(PEJL_PERIOD_NONE), "none");
    assert_int_equal(period_kind_from_name("weekly"), PEJL_PERIOD_WEEK);
    assert_int_equal(period_kind_from_name("yearly"), PEJL_PERIOD_NONE);
    assert_int_equal(period_kind_max_days(PEJL_PERIOD_QUARTER), 92);
    assert_int_equal(period_kind_max_days(PEJL_PERIOD_NONE), 0);
}

static void test_status_parse(void **state)
{
    (void)state;
    uint32_t status = 99;
    assert_int_equal(status_parse("pe", 2, &status), 0);
    assert_int_equal(status, PEJL_STATUS_PROVISIONAL | PEJL_STATUS_ESTIMATED);
    assert_int_equal(status_parse("pebduc", 6, &status), 0);
    assert_int_equal(status, 63);
    assert_int_equal(status_parse("c", 1, &status), 0);
    assert_int_equal(status, PEJL_STATUS_CONFIDENTIAL);
    assert_int_equal(status_parse("", 0, &status), 0);
    assert_int_equal(status, 0);
    status = 99;
    assert_int_equal(status_parse("-", 1, &status), 0);
    assert_int_equal(status, 0);
}

static void test_status_refused(void **state)
{
    (void)state;
    uint32_t status = 99;
    assert_int_equal(status_parse("x", 1, &status), -1);
    assert_int_equal(status_parse("P", 1, &status), -1);
    assert_int_equal(status_parse("p ", 2, &status), -1);
    assert_int_equal(status_parse("p-", 2, &status), -1);
    assert_int_equal(status_parse("p\0", 2, &status), -1);
    assert_int_equal(status, 99);
}

static void test_status_format(void **state)
{
    (void)state;
    char buf[8];
    assert_int_equal(
        status_format(PEJL_STATUS_PROVISIONAL | PEJL_STATUS_ESTIMATED, buf, sizeof buf), 2);
    assert_string_equal(buf, "pe");
    assert_int_equal(status_format(63, buf, sizeof buf), 6);
    assert_string_equal(buf, "pebduc");
    assert_int_equal(status_format(PEJL_STATUS_BREAK | PEJL_STATUS_UNRELIABLE, buf, sizeof buf), 2);
    assert_string_equal(buf, "bu");
    assert_int_equal(status_format(0, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    char small[3];
    assert_int_equal(status_format(63, small, sizeof small), 2);
    assert_string_equal(small, "pe");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_year),
        cmocka_unit_test(test_quarter_forms),
        cmocka_unit_test(test_month_forms),
        cmocka_unit_test(test_week_forms),
        cmocka_unit_test(test_day_forms),
        cmocka_unit_test(test_parse_respects_len),
        cmocka_unit_test(test_refused_out_of_range),
        cmocka_unit_test(test_refused_garbage),
        cmocka_unit_test(test_refused_embedded_nul),
        cmocka_unit_test(test_start_and_end),
        cmocka_unit_test(test_days_from_civil),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_format_truncates),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_status_parse),
        cmocka_unit_test(test_status_refused),
        cmocka_unit_test(test_status_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
