/*
 * test_base64.c — MIME base64 for e-mail attachments: the RFC 4648
 * vectors, lines of exactly 76 characters ended by CRLF, every byte value,
 * and sizes that would not fit in memory refused rather than wrapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"

static void assert_encodes(const void *data, size_t len, const char *expected)
{
    size_t n = 12345;
    char *text = base64_mime(data, len, &n);
    assert_non_null(text);
    assert_string_equal(text, expected);
    assert_int_equal(n, strlen(expected));
    assert_int_equal(base64_encoded_size(len), n);
    free(text);
}

/* RFC 4648 section 10, each one line ended by CRLF. */
static void test_rfc4648_vectors(void **state)
{
    (void)state;
    assert_encodes("", 0, "");
    assert_encodes(NULL, 0, "");
    assert_encodes("f", 1, "Zg==\r\n");
    assert_encodes("fo", 2, "Zm8=\r\n");
    assert_encodes("foo", 3, "Zm9v\r\n");
    assert_encodes("foob", 4, "Zm9vYg==\r\n");
    assert_encodes("fooba", 5, "Zm9vYmE=\r\n");
    assert_encodes("foobar", 6, "Zm9vYmFy\r\n");
}

/* 57 bytes make exactly one full line of 76 characters; one more byte
 * starts a second line. */
static void test_line_wrapping(void **state)
{
    (void)state;
    unsigned char zeros[58] = {0};
    char *text = base64_mime(zeros, 57, NULL);
    assert_non_null(text);
    assert_int_equal(strlen(text), 78);
    assert_int_equal(strcspn(text, "\r\n"), 76);
    assert_string_equal(text + 76, "\r\n");
    free(text);
    text = base64_mime(zeros, 58, NULL);
    assert_non_null(text);
    assert_int_equal(strcspn(text, "\r\n"), 76);
    assert_string_equal(text + 76, "\r\nAA==\r\n");
    free(text);
}

/* `text` with every LF made CRLF; the caller frees it. */
static char *crlf(const char *text)
{
    char *out = malloc(2 * strlen(text) + 1), *p = out;
    assert_non_null(out);
    for (; *text; text++) {
        if (*text == '\n')
            *p++ = '\r';
        *p++ = *text;
    }
    *p = '\0';
    return out;
}

/* Bytes 0..255; expected text made with coreutils when this test was
 * written: python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))'
 * | base64 -w 76 (LF line ends there, CRLF here). */
static void test_all_byte_values(void **state)
{
    (void)state;
    static const char coreutils[] =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\n"
        "OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx\n"
        "cnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmq\n"
        "q6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj\n"
        "5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==\n";
    unsigned char bytes[256];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)i;
    char *expected = crlf(coreutils);
    assert_encodes(bytes, sizeof bytes, expected);
    free(expected);
}

/* 17 full lines of 78 characters, then 31 bytes in 44 characters + CRLF. */
static void test_encoded_size(void **state)
{
    (void)state;
    assert_int_equal(base64_encoded_size(0), 0);
    assert_int_equal(base64_encoded_size(1), 6);
    assert_int_equal(base64_encoded_size(57), 78);
    assert_int_equal(base64_encoded_size(114), 156);
    assert_int_equal(base64_encoded_size(1000), 17 * 78 + 46);
}

/* A length whose text would not fit in a size_t is refused before the
 * data is read, so a dummy buffer does. */
static void test_overflow_refused(void **state)
{
    (void)state;
    static const char dummy[1];
    size_t n = 7;
    assert_int_equal(base64_encoded_size(SIZE_MAX), SIZE_MAX);
    assert_int_equal(base64_encoded_size(SIZE_MAX / 4 * 3), SIZE_MAX);
    assert_null(base64_mime(dummy, SIZE_MAX, &n));
    assert_null(base64_mime(dummy, SIZE_MAX / 4 * 3, &n));
    assert_int_equal(n, 7);
    size_t lines = (SIZE_MAX - 1) / 78; /* the most full lines that fit */
    assert_int_equal(base64_encoded_size(lines * 57), lines * 78);
    assert_int_equal(base64_encoded_size(lines * 57 + 57), SIZE_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_line_wrapping),
        cmocka_unit_test(test_all_byte_values),
        cmocka_unit_test(test_encoded_size),
        cmocka_unit_test(test_overflow_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
