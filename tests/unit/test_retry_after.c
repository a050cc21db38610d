/*
 * test_retry_after.c — a server's Retry-After, malformed or hostile: delta
 * seconds and HTTP dates are read, garbage and negatives are ignored, and
 * whatever is asked for, the retry waits at most max_backoff (a huge value
 * must neither overflow nor shrink the wait to the plain backoff).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "http.h"

#define NOW 1445412470 /* Wed, 21 Oct 2015 07:27:50 GMT */

static void test_delta_seconds(void **state)
{
    (void)state;
    assert_int_equal(http_parse_retry_after("120", NOW), 120);
    assert_int_equal(http_parse_retry_after(" 7 ", NOW), 7);
    assert_int_equal(http_parse_retry_after("0", NOW), 0);
}

static void test_http_dates(void **state)
{
    (void)state;
    assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", NOW), 10);
    assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", NOW), 0); /* past */
}

static void test_garbage_and_negatives_ignored(void **state)
{
    (void)state;
    const char *bad[] = {"",   "  ",    "-5",  "-99999999999999999999", "5s", "abc", "0x10", "1.5",
                         "+5", "12 34", "\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(http_parse_retry_after(bad[i], NOW), -1);
    assert_int_equal(http_parse_retry_after(NULL, NOW), -1);
}

static struct http_settings settings(void)
{
    struct http_settings s;
    http_settings_default(&s);
    s.backoff_ms = 2000;
    s.max_backoff_ms = 300000;
    return s;
}

/* Whatever the server asks, the wait is max_backoff: not an overflow, not
 * the 2 s backoff. */
static void test_huge_values_clamped_to_max_backoff(void **state)
{
    (void)state;
    struct http_settings s = settings();
    const char *huge[] = {"99999999999999999999", "9223372036854775807", "9223372036854775",
                          "31536000", "Fri, 31 Dec 9999 23:59:59 GMT"};
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        int64_t after = http_parse_retry_after(huge[i], NOW);
        assert_true(after > 300);
        for (int try = 2; try <= 5; try++)
            assert_int_equal(http_retry_delay_ms(&s, try, after), s.max_backoff_ms);
    }
    assert_int_equal(http_retry_delay_ms(&s, 2, INT64_MAX), s.max_backoff_ms);
}

static void test_short_retry_after_within_backoff(void **state)
{
    (void)state;
    struct http_settings s = settings();
    assert_int_equal(http_retry_delay_ms(&s, 2, 60), 60000);
    int64_t plain = http_retry_delay_ms(&s, 2, -1);
    assert_in_range(plain, 1000, 2000);
    assert_in_range(http_retry_delay_ms(&s, 2, 1), 1000, 2000); /* the longer one wins */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delta_seconds),
        cmocka_unit_test(test_http_dates),
        cmocka_unit_test(test_garbage_and_negatives_ignored),
        cmocka_unit_test(test_huge_values_clamped_to_max_backoff),
        cmocka_unit_test(test_short_retry_after_within_backoff),
    };
    return cmocka_run_group_tests_name("retry_after", tests, NULL, NULL);
}
