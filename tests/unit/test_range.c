/*
 * test_range.c — the monitoring-plugins range syntax: every form alerts
 * where the plugins' guidelines say it does, and malformed thresholds are
 * refused whole, with a message that shows the syntax.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "range.h"

static struct range parsed(const char *text)
{
    struct range r;
    char err[200];
    if (range_parse(text, &r, err, sizeof err) < 0)
        fail_msg("%s", err);
    return r;
}

static void test_forms(void **state)
{
    (void)state;
    struct range r = parsed("10"); /* outside 0..10 */
    assert_true(range_alerts(&r, -0.5));
    assert_false(range_alerts(&r, 0));
    assert_false(range_alerts(&r, 10));
    assert_true(range_alerts(&r, 10.01));
    r = parsed("300:"); /* below 300 */
    assert_true(range_alerts(&r, 299.9));
    assert_false(range_alerts(&r, 1e12));
    r = parsed("~:350"); /* above 350 */
    assert_false(range_alerts(&r, -1e12));
    assert_true(range_alerts(&r, 351));
    r = parsed("-5:5");
    assert_true(range_alerts(&r, -5.5));
    assert_false(range_alerts(&r, 0));
    r = parsed("@10:20"); /* inside 10..20 */
    assert_true(range_alerts(&r, 10));
    assert_true(range_alerts(&r, 20));
    assert_false(range_alerts(&r, 9.99));
    r = parsed("-2.5e1:");
    assert_float_equal(r.start, -25, 0);
}

static void test_no_data_never_alerts(void **state)
{
    (void)state;
    struct range r = parsed("@~:");
    assert_true(range_alerts(&r, 0));
    assert_false(range_alerts(&r, NAN));
    struct range none = {0};
    assert_false(range_alerts(&none, 1));
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "@", ":", "x", "10x", "20:10", "nan", "inf:", "~",
                                      "1:2:3", " 10", "10 ", "0x10", "+5", "~:~", "@@1",
                                      "1e999", "5:4.9", "12345678901234567890123456789012345678901234567890123456789012345"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct range r;
        char err[200] = "";
        if (range_parse(bad[i], &r, err, sizeof err) == 0)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_non_null(strstr(err, "write e.g. \"10\", \"10:\""));
    }
}

static void test_format_round_trips(void **state)
{
    (void)state;
    static const char *const forms[] = {"10", "10:", "~:350", "-5:5", "@10:20", "@~:0.5"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        char text[RANGE_TEXT_MAX];
        struct range r = parsed(forms[i]);
        range_format(&r, text, sizeof text);
        assert_string_equal(text, forms[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_no_data_never_alerts),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_format_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
