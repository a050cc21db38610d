/*
 * test_value.c — values are printed as the shortest text that reads back as
 * the very same double: the fast path for figures with a few decimals and
 * the fallback for everything else, negative numbers, zeros and huge values.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "value.h"

static void expect(double v, const char *text)
{
    char buf[40];
    value_format(v, buf, sizeof buf);
    assert_string_equal(buf, text);
    assert_true(isnan(v) ? isnan(strtod(buf, NULL)) : strtod(buf, NULL) == v);
}

static void test_fast_path(void **state)
{
    (void)state;
    expect(174, "174");
    expect(70.4, "70.4");
    expect(70400.0 / 1000, "70.4");
    expect(0.25, "0.25");
    expect(0.05, "0.05");
    expect(-3.5, "-3.5");
    expect(0, "0");
    expect(-0.0, "-0");
    expect(149.64, "149.64");
    expect(1234567.123456, "1234567.123456");
    expect(9007199254740991.0, "9007199254740991");
}

static void test_fallback(void **state)
{
    (void)state;
    expect(0.1 + 0.2, "0.30000000000000004");
    expect(1.0 / 3, "0.3333333333333333");
    expect(1e20, "1e+20");
    expect(1e-310, "1e-310");
    expect(DBL_MAX, "1.7976931348623157e+308");
    expect(NAN, "nan");
}

static double powers_of_ten(unsigned k)
{
    double p = 1;
    while (k--)
        p *= 10;
    return p;
}

static void test_round_trip_many(void **state)
{
    (void)state;
    char buf[40];
    unsigned seed = 12345;
    for (int i = 0; i < 200000; i++) {
        seed = seed * 1103515245u + 12345u;
        double v = (double)(seed % 10000000) / powers_of_ten(seed % 7);
        value_format(v, buf, sizeof buf);
        assert_true(strtod(buf, NULL) == v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_round_trip_many),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
