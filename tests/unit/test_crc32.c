/*
 * test_crc32.c — crc32_line (daemon/core/crc32.c) is zlib's crc32(0, …)
 * exactly: the standard check value, every length from 0 to 300 at every
 * alignment of random bytes, and real journal lines, compared with zlib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "crc32.h"

static void test_check_value(void **state)
{
    (void)state;
    assert_int_equal(crc32_line("123456789", 9), 0xCBF43926u);
    assert_int_equal(crc32_line("", 0), 0);
}

static void test_same_as_zlib(void **state)
{
    (void)state;
    unsigned char buf[320];
    srand(15);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)rand();
    for (size_t at = 0; at < 8; at++)
        for (size_t len = 0; at + len <= 300; len++)
            assert_int_equal(crc32_line(buf + at, len), (uint32_t)crc32(0L, buf + at, (uInt)len));
}

static void test_journal_lines(void **state)
{
    (void)state;
    const char *lines[] = {"s00000 2005-03 103.5 - 1735689600",
                           "ls_exports 2023 174 p 1763846400",
                           "strafniveau.M+K 2024 6.1 - 1763846400",
                           "clinical_trials.KØBENHAVN 2024Q1 nan u 1763846400"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        assert_int_equal(crc32_line(lines[i], strlen(lines[i])),
                         (uint32_t)crc32(0L, (const Bytef *)lines[i], (uInt)strlen(lines[i])));
    assert_int_equal(crc32_line(lines[0], strlen(lines[0])), 0x6460da14u); /* as bench/asof-gen.py writes it */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_same_as_zlib),
        cmocka_unit_test(test_journal_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
