/*
 * test_name_index.c — unit tests of daemon/core/name_index.c: an empty
 * table, names that share slots (tens of thousands of names, so probes
 * wrap and collide), names that are prefixes of each other, lookups by a
 * length into a longer string, replacing a value, and clearing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name_index.h"

static void test_empty(void **state)
{
    (void)state;
    struct name_index index = {0};
    assert_null(name_index_get(&index, "ls_exports"));
    assert_null(name_index_get_len(&index, "ls_exports", 2));
    name_index_clear(&index);
    assert_int_equal(index.n, 0);
}

enum { MANY = 50000 };

static void count_value(void *value, void *arg)
{
    (void)value;
    (*(size_t *)arg)++;
}

/* 50,000 names through every growth: each found, with its own value. */
static void test_many_names(void **state)
{
    (void)state;
    struct name_index index = {0};
    char(*names)[16] = calloc(MANY, sizeof *names);
    assert_non_null(names);
    for (int i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "ind%d", i);
        assert_int_equal(name_index_put(&index, names[i], &names[i]), 0);
    }
    assert_int_equal(index.n, MANY);
    assert_true(index.n * 10 <= index.cap * 7);
    for (int i = 0; i < MANY; i++)
        assert_ptr_equal(name_index_get(&index, names[i]), &names[i]);
    assert_null(name_index_get(&index, "ind50000"));
    assert_null(name_index_get(&index, ""));
    size_t seen = 0;
    name_index_each(&index, count_value, &seen);
    assert_int_equal(seen, MANY);
    name_index_clear(&index);
    assert_null(name_index_get(&index, names[0]));
    free(names);
}

/* Every name lands in one of 16 slots: most probe past others. */
static void test_colliding_slots(void **state)
{
    (void)state;
    struct name_index index = {0};
    static const char *const names[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"};
    enum { N = sizeof names / sizeof *names };
    for (size_t i = 0; i < N; i++)
        assert_int_equal(name_index_put(&index, names[i], (void *)names[i]), 0);
    assert_int_equal(index.cap, 16); /* 11 of 16: no growth yet */
    for (size_t i = 0; i < N; i++)
        assert_ptr_equal(name_index_get(&index, names[i]), names[i]);
    assert_null(name_index_get(&index, "l"));
    name_index_clear(&index);
}

/* "ab" is not "a", and a name looked up by length inside a longer key
 * ("a" of "a.DK") finds "a" only. Putting a name again replaces its value. */
static void test_prefixes_and_length(void **state)
{
    (void)state;
    struct name_index index = {0};
    int one = 1, two = 2, three = 3;
    assert_int_equal(name_index_put(&index, "a", &one), 0);
    assert_int_equal(name_index_put(&index, "ab", &two), 0);
    assert_ptr_equal(name_index_get(&index, "a"), &one);
    assert_ptr_equal(name_index_get(&index, "ab"), &two);
    assert_null(name_index_get(&index, "abc"));
    assert_ptr_equal(name_index_get_len(&index, "a.DK", 1), &one);
    assert_ptr_equal(name_index_get_len(&index, "ab.DK", 2), &two);
    assert_null(name_index_get_len(&index, "abc.DK", 3));
    assert_int_equal(name_index_put(&index, "a", &three), 0);
    assert_int_equal(index.n, 2);
    assert_ptr_equal(name_index_get(&index, "a"), &three);
    name_index_clear(&index);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_many_names),
        cmocka_unit_test(test_colliding_slots),
        cmocka_unit_test(test_prefixes_and_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
