/*
 * test_number_format.c — numbers as people read them: Danish and English
 * decimals, thousands, compact forms, percentages, ranks, units, dates and
 * spreadsheet cells, and what happens at the edges: NaN, ±inf, −0, huge and
 * tiny values, half-way rounding (9.995), buffers too small.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "number_format.h"

#define M "\xe2\x88\x92" /* U+2212 MINUS SIGN */
#define DA LANGUAGE_DA
#define EN LANGUAGE_EN

static void fixed(enum language l, double v, int decimals, const char *text)
{
    char buf[600];
    assert_int_equal(number_format_fixed(l, v, decimals, buf, sizeof buf), 0);
    assert_string_equal(buf, text);
}

static void grouped(enum language l, double v, int decimals, const char *text)
{
    char buf[600];
    assert_int_equal(number_format_grouped(l, v, decimals, buf, sizeof buf), 0);
    assert_string_equal(buf, text);
}

static void compact(enum language l, double v, int decimals, const char *text)
{
    char buf[600];
    assert_int_equal(number_format_compact(l, v, decimals, buf, sizeof buf), 0);
    assert_string_equal(buf, text);
}

static void test_decimals(void **state)
{
    (void)state;
    fixed(DA, 6.4, 1, "6,4");
    fixed(EN, 6.4, 1, "6.4");
    fixed(DA, -16.6, 1, M "16,6");
    fixed(EN, -16.6, 1, M "16.6");
    fixed(DA, 0.2, 1, "0,2");
    fixed(DA, 3, 0, "3");
    fixed(DA, 3, 2, "3,00");
    fixed(DA, 6044961, 0, "6044961");
    fixed(DA, 0.05, 3, "0,050");
}

static void test_rounding(void **state)
{
    (void)state;
    fixed(DA, 9.995, 2, "10,00"); /* the double is 9.99499999…; on paper it rounds up */
    fixed(EN, 9.995, 2, "10.00");
    fixed(DA, 9.995, 1, "10,0");
    fixed(DA, 9.995, 0, "10");
    fixed(DA, 9.994, 2, "9,99");
    fixed(DA, 0.5, 0, "1"); /* half away from zero, not to even */
    fixed(DA, 2.5, 0, "3");
    fixed(DA, -2.5, 0, M "3");
    fixed(DA, 1.005, 2, "1,01");
    fixed(DA, 0.45, 1, "0,5");
    fixed(DA, 0.04, 0, "0");
    fixed(DA, 0.006, 2, "0,01");
    fixed(DA, 0.004, 0, "0");
    fixed(DA, 999.96, 1, "1000,0");
    grouped(DA, 999999.5, 0, "1.000.000");
    fixed(DA, 0.1 + 0.2, 2, "0,30");
}

static void test_zero_and_sign(void **state)
{
    (void)state;
    fixed(DA, 0, 1, "0,0");
    fixed(DA, -0.0, 1, "0,0");  /* no "−0,0" */
    fixed(DA, -0.04, 1, "0,0"); /* rounds to zero: no sign */
    fixed(DA, -0.05, 1, M "0,1");
    char buf[40];
    assert_int_equal(number_format(DA, 2.34, 1, NUMBER_FORMAT_PLUS, buf, sizeof buf), 0);
    assert_string_equal(buf, "+2,3");
    assert_int_equal(number_format(DA, 0.01, 1, NUMBER_FORMAT_PLUS, buf, sizeof buf), 0);
    assert_string_equal(buf, "0,0");
    assert_int_equal(number_format(DA, -2.34, 1, NUMBER_FORMAT_PLUS, buf, sizeof buf), 0);
    assert_string_equal(buf, M "2,3");
    assert_int_equal(
        number_format(DA, -1234.5, 1, NUMBER_FORMAT_ASCII | NUMBER_FORMAT_GROUPED, buf, sizeof buf),
        0);
    assert_string_equal(buf, "-1.234,5");
}

static void test_thousands(void **state)
{
    (void)state;
    grouped(DA, 63000, 0, "63.000");
    grouped(DA, 6044961, 0, "6.044.961");
    grouped(EN, 6044961, 0, "6,044,961");
    grouped(DA, 1234.5, 1, "1.234,5");
    grouped(EN, 1234.5, 1, "1,234.5");
    grouped(DA, 999, 0, "999");
    grouped(DA, 1000, 0, "1.000");
    grouped(DA, -70000, 0, M "70.000");
    grouped(DA, 100000, 0, "100.000");
    grouped(DA, 0.25, 2, "0,25");
}

static void test_compact(void **state)
{
    (void)state;
    compact(DA, 6.0e6, 1, "6,0 mio.");
    compact(EN, 6.0e6, 1, "6.0 m");
    compact(DA, 6044961, 1, "6,0 mio.");
    compact(DA, 1.2e9, 1, "1,2 mia.");
    compact(EN, 1.2e9, 1, "1.2 bn");
    compact(DA, 70000, 0, "70.000"); /* no "70 k" */
    compact(EN, 70000, 0, "70,000");
    compact(DA, 6.4, 1, "6,4");
    compact(DA, -2.5e6, 1, M "2,5 mio.");
    compact(DA, 999.96e6, 1, "1,0 mia."); /* rounds up into the next step */
    compact(DA, 999999.6, 0, "1 mio.");
    compact(DA, 999999.4, 0, "999.999");
    compact(DA, 500000, 0, "500.000"); /* not "1 mio." */
    compact(DA, 999.94e6, 1, "999,9 mio.");
    compact(DA, 1.5e12, 0, "1.500 mia.");
    compact(DA, 0, 0, "0");
}

static void test_not_a_number(void **state)
{
    (void)state;
    fixed(DA, NAN, 1, NUMBER_FORMAT_NONE);
    fixed(EN, INFINITY, 1, NUMBER_FORMAT_NONE);
    fixed(DA, -INFINITY, 0, NUMBER_FORMAT_NONE);
    grouped(DA, NAN, 0, NUMBER_FORMAT_NONE);
    compact(DA, INFINITY, 1, NUMBER_FORMAT_NONE);
    char buf[40];
    number_format_percent(DA, NAN, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, NUMBER_FORMAT_NONE); /* no "– %" */
    number_format_rank(DA, NAN, buf, sizeof buf);
    assert_string_equal(buf, NUMBER_FORMAT_NONE);
    number_format_spreadsheet(DA, NAN, buf, sizeof buf);
    assert_string_equal(buf, "");
    number_format_spreadsheet(DA, -INFINITY, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_huge_and_tiny(void **state)
{
    (void)state;
    char buf[600];
    assert_int_equal(number_format_grouped(DA, DBL_MAX, 2, buf, sizeof buf), 0);
    assert_true(strncmp(buf, "179.769.313.486.231.570", 23) == 0);
    assert_string_equal(buf + strlen(buf) - 3, ",00");
    assert_int_equal(number_format_fixed(DA, -DBL_MAX, 0, buf, sizeof buf), 0);
    assert_int_equal(strlen(buf), strlen(M) + 309);
    fixed(DA, DBL_MIN, 9, "0,000000000");
    fixed(DA, 5e-324, 2, "0,00");
    fixed(DA, 1e-7, 20, "0,000000100"); /* decimals clamped to 9 */
    fixed(DA, 1.5, -3, "2");            /* and to 0 */
    fixed(DA, 1e15, 0, "1000000000000000");
    grouped(DA, 9007199254740993.0, 0, "9.007.199.254.740.992");
    assert_int_equal(number_format_compact(DA, DBL_MAX, 0, buf, sizeof buf), 0);
    assert_string_equal(buf + strlen(buf) - 5, " mia.");
}

static void test_small_buffer(void **state)
{
    (void)state;
    char buf[8];
    /* a cut-off figure would be a wrong one: the dash instead */
    assert_int_equal(number_format_grouped(DA, 6044961.25, 2, buf, sizeof buf), -1);
    assert_string_equal(buf, NUMBER_FORMAT_NONE);
    char two[2];
    assert_int_equal(number_format_grouped(DA, 123, 0, two, sizeof two), -1);
    assert_string_equal(two, ""); /* the dash needs 4 bytes */
    assert_int_equal(number_format_fixed(DA, 1, 0, buf, 0), -1);
    char exact[4];
    assert_int_equal(number_format_fixed(DA, 123, 0, exact, sizeof exact), 0);
    assert_string_equal(exact, "123");
    char unit[10];
    assert_int_equal(number_format_unit(DA, "63.000", "årsværk", unit, sizeof unit), -1);
    assert_string_equal(unit, NUMBER_FORMAT_NONE);
}

static void test_percent(void **state)
{
    (void)state;
    char buf[40];
    number_format_percent(DA, 12.5, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, "12,5 %");
    number_format_percent(EN, 12.5, 1, 0, buf, sizeof buf);
    assert_string_equal(buf, "12.5%");
    number_format_percent(DA, -3.04, 1, NUMBER_FORMAT_PLUS, buf, sizeof buf);
    assert_string_equal(buf, M "3,0 %");
    number_format_percent(DA, 3.04, 1, NUMBER_FORMAT_PLUS, buf, sizeof buf);
    assert_string_equal(buf, "+3,0 %");
    number_format_percent(DA, 1234, 0, 0, buf, sizeof buf);
    assert_string_equal(buf, "1.234 %");
}

static void rank(enum language l, double v, const char *text)
{
    char buf[40];
    number_format_rank(l, v, buf, sizeof buf);
    assert_string_equal(buf, text);
}

static void test_rank(void **state)
{
    (void)state;
    rank(DA, 3.0, "3.");
    rank(DA, 2.6, "3."); /* a rank is whole */
    rank(EN, 1, "1st");
    rank(EN, 2, "2nd");
    rank(EN, 3, "3rd");
    rank(EN, 4, "4th");
    rank(EN, 11, "11th");
    rank(EN, 12, "12th");
    rank(EN, 13, "13th");
    rank(EN, 21, "21st");
    rank(EN, 22, "22nd");
    rank(EN, 111, "111th");
    rank(EN, 101, "101st");
    rank(DA, 0, NUMBER_FORMAT_NONE);
    rank(DA, 0.4, NUMBER_FORMAT_NONE);
    rank(DA, -3, NUMBER_FORMAT_NONE);
    rank(DA, 1e300, NUMBER_FORMAT_NONE);
    rank(DA, 0.5, "1.");
}

static void test_unit(void **state)
{
    (void)state;
    char buf[64];
    number_format_unit(DA, "63.000", "årsværk", buf, sizeof buf);
    assert_string_equal(buf, "63.000 årsværk");
    number_format_unit(DA, "350", "mia. kr.", buf, sizeof buf);
    assert_string_equal(buf, "350 mia. kr.");
    number_format_unit(DA, "12,5", "%", buf, sizeof buf);
    assert_string_equal(buf, "12,5 %");
    number_format_unit(EN, "12.5", "%", buf, sizeof buf);
    assert_string_equal(buf, "12.5%");
    number_format_unit(DA, "3", "", buf, sizeof buf);
    assert_string_equal(buf, "3");
    number_format_unit(DA, "3", NULL, buf, sizeof buf);
    assert_string_equal(buf, "3");
    number_format_unit(DA, NUMBER_FORMAT_NONE, "årsværk", buf, sizeof buf);
    assert_string_equal(buf, NUMBER_FORMAT_NONE);
}

static void sheet(enum language l, double v, const char *text)
{
    char buf[40];
    assert_int_equal(number_format_spreadsheet(l, v, buf, sizeof buf), 0);
    assert_string_equal(buf, text);
}

static void test_spreadsheet(void **state)
{
    (void)state;
    sheet(DA, 6044961, "6044961");
    sheet(DA, -16.6, "-16,6");
    sheet(EN, -16.6, "-16.6");
    sheet(DA, 0.1 + 0.2, "0,30000000000000004");
    sheet(DA, -0.0, "0");
    sheet(DA, 1e300, "1e+300");
    sheet(DA, 1.5e-7, "1,5e-07");
}

static void test_step_decimals(void **state)
{
    (void)state;
    assert_int_equal(number_format_step_decimals(0.5), 1);
    assert_int_equal(number_format_step_decimals(2), 0);
    assert_int_equal(number_format_step_decimals(20000), 0);
    assert_int_equal(number_format_step_decimals(0.25), 2);
    assert_int_equal(number_format_step_decimals(0.1 + 0.2), 9); /* 0.30000000000000004 */
    assert_int_equal(number_format_step_decimals(0.3), 1);
    assert_int_equal(number_format_step_decimals(1e-12), 9);
    assert_int_equal(number_format_step_decimals(0), 0);
    assert_int_equal(number_format_step_decimals(-1), 0);
    assert_int_equal(number_format_step_decimals(NAN), 0);
    assert_int_equal(number_format_step_decimals(INFINITY), 0);
}

static void test_date(void **state)
{
    (void)state;
    char buf[40];
    assert_int_equal(number_format_date(DA, 2025, 10, 1, buf, sizeof buf), 0);
    assert_string_equal(buf, "1. oktober 2025");
    assert_int_equal(number_format_date(EN, 2025, 10, 1, buf, sizeof buf), 0);
    assert_string_equal(buf, "1 October 2025");
    assert_int_equal(number_format_date(DA, 2030, 12, 31, buf, sizeof buf), 0);
    assert_string_equal(buf, "31. december 2030");
    assert_int_equal(number_format_date(DA, 2025, 13, 1, buf, sizeof buf), -1);
    assert_string_equal(buf, NUMBER_FORMAT_NONE);
    assert_int_equal(number_format_date(DA, 2025, 0, 1, buf, sizeof buf), -1);
    assert_int_equal(number_format_date(EN, 2025, 1, 0, buf, sizeof buf), -1);
    assert_int_equal(number_format_date(EN, 2025, 1, 32, buf, sizeof buf), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimals),      cmocka_unit_test(test_rounding),
        cmocka_unit_test(test_zero_and_sign), cmocka_unit_test(test_thousands),
        cmocka_unit_test(test_compact),       cmocka_unit_test(test_not_a_number),
        cmocka_unit_test(test_huge_and_tiny), cmocka_unit_test(test_small_buffer),
        cmocka_unit_test(test_percent),       cmocka_unit_test(test_rank),
        cmocka_unit_test(test_unit),          cmocka_unit_test(test_spreadsheet),
        cmocka_unit_test(test_step_decimals), cmocka_unit_test(test_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
