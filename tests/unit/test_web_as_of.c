/*
 * test_web_as_of.c — ?as_of='s value as the API hands it to --as-of's
 * reader (web_as_of_text): a '+' a client did not escape arrives as a space
 * (form encoding) and is a '+' again; escaped or absent, the value is as
 * sent; a value too long for the buffer is refused, never cut short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web.h"

static void expect(const char *value, const char *want)
{
    char out[64];
    assert_int_equal(web_as_of_text(value, out, sizeof out), 0);
    assert_string_equal(out, want);
}

static void test_an_unescaped_plus_is_a_plus_again(void **state)
{
    (void)state;
    expect("2025-06-01T07:00:00 02:00", "2025-06-01T07:00:00+02:00");
    expect("2025-06-01T07:00:00+02:00", "2025-06-01T07:00:00+02:00");
}

static void test_dates_times_and_names_are_as_sent(void **state)
{
    (void)state;
    expect("2025-06-01", "2025-06-01");
    expect("2025-06-01T10:00:00Z", "2025-06-01T10:00:00Z");
    expect("2025-06-01T10:00:00-05:00", "2025-06-01T10:00:00-05:00");
    expect("board-2025.06_b", "board-2025.06_b");
    expect("", "");
}

static void test_too_long_is_refused(void **state)
{
    (void)state;
    char out[8] = "x";
    assert_int_equal(web_as_of_text("2025-06-01", out, sizeof out), -1);
    assert_int_equal(web_as_of_text("1234567", out, sizeof out), 0);
    assert_string_equal(out, "1234567");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_unescaped_plus_is_a_plus_again),
        cmocka_unit_test(test_dates_times_and_names_are_as_sent),
        cmocka_unit_test(test_too_long_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
