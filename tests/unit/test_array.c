/*
 * test_array.c — daemon/core/array.c: array_grow() refuses a size that would
 * overflow (leaving the array as it was), grows geometrically, and keeps
 * the elements already there.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "array.h"

static void test_overflow_refused(void **state)
{
    (void)state;
    int *items = NULL;
    size_t cap = 0;
    assert_int_equal(array_grow((void **)&items, &cap, 4, sizeof *items), 0);
    int *before = items;
    errno = 0;
    assert_int_equal(array_grow((void **)&items, &cap, SIZE_MAX / 2, sizeof *items), -1);
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_int_equal(array_grow((void **)&items, &cap, SIZE_MAX, 1), -1);
    assert_int_equal(errno, ENOMEM);
    assert_ptr_equal(items, before);
    assert_int_equal(cap, ARRAY_FIRST_CAP);
    free(items);
}

static void test_growth_geometric(void **state)
{
    (void)state;
    char *items = NULL;
    size_t cap = 0, reallocs = 0;
    for (size_t need = 1; need <= 100000; need++) {
        size_t old = cap;
        assert_int_equal(array_grow((void **)&items, &cap, need, 1), 0);
        assert_true(cap >= need);
        if (cap != old) {
            reallocs++;
            assert_int_equal(cap, old ? old * 2 : ARRAY_FIRST_CAP);
        }
    }
    assert_true(reallocs <= 15); /* 8 .. 131072 */
    size_t big = cap * 5;        /* one call may more than double */
    assert_int_equal(array_grow((void **)&items, &cap, big, 1), 0);
    assert_true(cap >= big);
    free(items);
}

static void test_contents_kept(void **state)
{
    (void)state;
    long *items = NULL;
    size_t cap = 0;
    for (long i = 0; i < 1000; i++) {
        assert_int_equal(array_grow((void **)&items, &cap, (size_t)i + 1, sizeof *items), 0);
        items[i] = i * 7;
    }
    for (long i = 0; i < 1000; i++)
        assert_int_equal(items[i], i * 7);
    free(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overflow_refused),
        cmocka_unit_test(test_growth_geometric),
        cmocka_unit_test(test_contents_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
