/*
 * test_escape.c — daemon/core/file_name.c and csv_field.c: text from a
 * source (a category code) made safe for a file name and for a CSV field.
 * file_name_escape() keeps [A-Za-z0-9_-] (today's file names stay), writes
 * every other byte %XX, never lets a name leave its directory (no '/', no
 * leading '.', no NUL), gives different texts different names (a.b / a_b,
 * %41 / A), and hashes what does not fit its budget. csv_field_write()
 * quotes only what needs it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv_field.h"
#include "file_name.h"

static const char *escaped(const char *text)
{
    static char buf[256];
    file_name_escape(text, buf, sizeof buf);
    return buf;
}

static void test_plain_codes_unchanged(void **state)
{
    (void)state;
    assert_string_equal(escaped("DK"), "DK");
    assert_string_equal(escaped("EU27_2020"), "EU27_2020");
    assert_string_equal(escaped("PC_EU27_2020_MEUR_CP"), "PC_EU27_2020_MEUR_CP");
    assert_string_equal(escaped("a-b"), "a-b");
}

static void test_other_bytes_escaped(void **state)
{
    (void)state;
    assert_string_equal(escaped("M+K"), "M%2BK");
    assert_string_equal(escaped("K64.2"), "K64%2E2");
    assert_string_equal(escaped(".."), "%2E%2E");
    assert_string_equal(escaped("../x"), "%2E%2E%2Fx");
    assert_string_equal(escaped("/etc/passwd"), "%2Fetc%2Fpasswd");
    assert_string_equal(escaped("%"), "%25");
    assert_string_equal(escaped("KØN"), "K%C3%98N");
    assert_string_equal(escaped("a b\t\n"), "a%20b%09%0A");
    assert_string_equal(escaped("~"), "%7E");
    assert_int_equal(file_name_escape("", (char[64]){0}, 64), 0);
}

static void assert_safe(const char *name)
{
    assert_null(strchr(name, '/'));
    assert_true(name[0] != '.');
    for (const char *c = name; *c; c++)
        assert_true(*c > ' ' && *c < 0x7f);
}

/* Every byte alone and with a neighbour: a safe name, and no two alike. */
static void test_every_byte_safe_and_distinct(void **state)
{
    (void)state;
    static char names[255][40];
    for (int b = 1; b < 256; b++) {
        char text[2] = {(char)b, 0};
        file_name_escape(text, names[b - 1], sizeof names[0]);
        assert_safe(names[b - 1]);
        for (int k = 0; k < b - 1; k++)
            assert_string_not_equal(names[k], names[b - 1]);
    }
    assert_string_not_equal(escaped("a.b"), "a_b");
    assert_string_not_equal(escaped("%41"), "A");
    assert_string_equal(escaped("%41"), "%2541");
}

static void test_case_kept_hex_upper(void **state)
{
    (void)state;
    assert_string_equal(escaped("dk"), "dk");
    assert_string_equal(escaped("\xfe"), "%FE");
}

/* A 64-byte code of escaped bytes fits 192 bytes; with a budget of less it
 * is cut at a whole %XX and ends in ~ and a hash: still unique, still safe. */
static void test_long_codes(void **state)
{
    (void)state;
    char code[65], other[65], a[256], b[256];
    memset(code, '.', 64);
    code[64] = '\0';
    assert_int_equal(file_name_escape(code, a, 193), 192);
    assert_int_equal(file_name_escape(code, a, sizeof a), 192);
    size_t n = file_name_escape(code, a, 100);
    assert_true(n <= 99);
    assert_safe(a);
    assert_non_null(strchr(a, '~'));
    assert_int_equal(strlen(strchr(a, '~')), 33);
    memcpy(other, code, sizeof other);
    other[63] = '+';
    file_name_escape(other, b, 100);
    assert_string_not_equal(a, b);
    assert_memory_equal(a, b, n - 33); /* same cut prefix, different hash */
    assert_int_equal(file_name_escape(code, a, FILE_NAME_HASHED_MIN - 1), 0);
    assert_string_equal(a, "");
}

static char *csv_of(const char *text)
{
    static char buf[256];
    memset(buf, 0, sizeof buf);
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    csv_field_write(f, text);
    fclose(f);
    return buf;
}

static void test_csv_field(void **state)
{
    (void)state;
    assert_string_equal(csv_of("M+K"), "M+K");
    assert_string_equal(csv_of("K64.2"), "K64.2");
    assert_string_equal(csv_of(""), "");
    assert_string_equal(csv_of("A,B"), "\"A,B\"");
    assert_string_equal(csv_of("say \"x\""), "\"say \"\"x\"\"\"");
    assert_string_equal(csv_of("a\nb"), "\"a\nb\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_codes_unchanged),
        cmocka_unit_test(test_other_bytes_escaped),
        cmocka_unit_test(test_every_byte_safe_and_distinct),
        cmocka_unit_test(test_case_kept_hex_upper),
        cmocka_unit_test(test_long_codes),
        cmocka_unit_test(test_csv_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
