/*
 * test_log.c — daemon/core/log.c: log_err_errno()/log_warn_errno() log the
 * message followed by ": " and strerror(errno) of the errno at the call (the
 * formatting must not clobber it), and leave errno as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

/* Logs through `emit` with stderr sent to a file; returns what it wrote. */
static void captured(void (*emit)(void), char *out, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fileno(f), 2), 2);
    emit();
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    rewind(f);
    size_t n = fread(out, 1, len - 1, f);
    out[n] = '\0';
    fclose(f);
}

static void warn_enoent(void)
{
    errno = ENOENT;
    log_warn_errno("control: cannot open %s", "/nowhere");
    assert_int_equal(errno, ENOENT);
}

static void err_eacces(void)
{
    errno = EACCES;
    log_err_errno("outbox: cannot write %s", "x.log");
}

static void test_errno_appended(void **state)
{
    (void)state;
    char out[512], want[256];
    log_init(LOG_LEVEL_DEBUG, LOG_TO_JOURNAL);
    captured(warn_enoent, out, sizeof out);
    snprintf(want, sizeof want, "<4>control: cannot open /nowhere: %s\n", strerror(ENOENT));
    assert_string_equal(out, want);
    captured(err_eacces, out, sizeof out);
    snprintf(want, sizeof want, "<3>outbox: cannot write x.log: %s\n", strerror(EACCES));
    assert_string_equal(out, want);
}

static void test_below_level_silent(void **state)
{
    (void)state;
    char out[512];
    log_init(LOG_LEVEL_ERROR, LOG_TO_JOURNAL);
    captured(warn_enoent, out, sizeof out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errno_appended),
        cmocka_unit_test(test_below_level_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
