/*
 * test_scheduler.c — indicators run at their interval with ±10 % jitter,
 * an indicator still running is skipped rather than started twice, a
 * reload that removes an indicator drops it (after its run finishes), an
 * indicator the loop could not give a timer (out of memory) is scheduled
 * again rather than never collected, and no interval overflows.
 *
 * realloc and reallocarray are wrapped (ld --wrap) so that a test can make
 * the loop's timer table unable to grow.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scheduler.h"

static bool refuse_growth;

void *__real_realloc(void *p, size_t size);
void *__real_reallocarray(void *p, size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_reallocarray(void *p, size_t n, size_t size);

void *__wrap_realloc(void *p, size_t size)
{
    return refuse_growth ? NULL : __real_realloc(p, size);
}

void *__wrap_reallocarray(void *p, size_t n, size_t size)
{
    return refuse_growth ? NULL : __real_reallocarray(p, n, size);
}

struct starts {
    struct scheduler *scheduler;
    int fast, slow, late;
};

static int start(void *arg, const char *id)
{
    struct starts *s = arg;
    if (strcmp(id, "fast") == 0 || strcmp(id, "late") == 0) {
        s->fast += strcmp(id, "fast") == 0;
        s->late += strcmp(id, "late") == 0;
        scheduler_finished(s->scheduler, id); /* finishes at once */
    } else {
        s->slow++; /* never finishes */
    }
    return 0;
}

static void on_stop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

static struct indicator *two_indicators(void)
{
    static struct indicator inds[2];
    inds[0] = (struct indicator){.id = "fast", .interval_s = 1};
    inds[1] = (struct indicator){.id = "slow", .interval_s = 1};
    return inds;
}

static void test_running_indicator_is_never_started_twice(void **state)
{
    (void)state;
    struct starts s = {0};
    struct loop *loop = loop_new();
    s.scheduler = scheduler_new(loop, start, &s);
    assert_int_equal(scheduler_sync(s.scheduler, two_indicators(), 2, 0), 0);
    loop_add_timer(loop, 3500, on_stop, NULL);
    loop_run(loop);
    /* first run at once, then every 0.9-1.1 s: 4 runs in 3.5 s */
    assert_in_range(s.fast, 3, 4);
    assert_int_equal(s.slow, 1);
    assert_true(scheduler_running(s.scheduler, "slow"));
    assert_false(scheduler_running(s.scheduler, "fast"));
    scheduler_free(s.scheduler);
    loop_free(loop);
}

static void test_removed_indicator_dropped_after_its_run(void **state)
{
    (void)state;
    struct starts s = {0};
    struct loop *loop = loop_new();
    s.scheduler = scheduler_new(loop, start, &s);
    struct indicator *inds = two_indicators();
    scheduler_sync(s.scheduler, inds, 2, 0);
    loop_add_timer(loop, 100, on_stop, NULL);
    loop_run(loop);
    assert_int_equal(s.slow, 1);
    scheduler_sync(s.scheduler, inds, 1, 0); /* "slow" removed by a reload while it runs */
    assert_true(scheduler_running(s.scheduler, "slow")); /* kept until it finishes */
    scheduler_finished(s.scheduler, "slow");
    assert_false(scheduler_running(s.scheduler, "slow"));
    loop_add_timer(loop, 1300, on_stop, NULL);
    loop_run(loop);
    assert_int_equal(s.slow, 1); /* never started again */
    scheduler_free(s.scheduler);
    loop_free(loop);
}

/* Thousands of indicators, each found by its id (through the scheduler's
 * index), and after a reload that removes every other one, the rest still
 * are and the removed ones are not. */
static void test_many_indicators_found_after_reload(void **state)
{
    (void)state;
    enum { N = 3000 };
    struct starts s = {0};
    struct loop *loop = loop_new();
    s.scheduler = scheduler_new(loop, start, &s);
    static struct indicator inds[N], kept[N / 2];
    static char ids[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "ind%d", i);
        inds[i] = (struct indicator){.id = ids[i], .interval_s = 3600};
        if (i % 2)
            kept[i / 2] = inds[i];
    }
    assert_int_equal(scheduler_sync(s.scheduler, inds, N, 3600 * 1000), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(scheduler_run_now(s.scheduler, ids[i]), 0);
    assert_int_equal(scheduler_run_now(s.scheduler, "ind3000"), -1);
    assert_int_equal(scheduler_sync(s.scheduler, kept, N / 2, 3600 * 1000), 0);
    for (int i = 0; i < N; i++)
        assert_int_equal(scheduler_run_now(s.scheduler, ids[i]), i % 2 ? 0 : -1);
    scheduler_free(s.scheduler);
    loop_free(loop);
}

static void test_jitter_within_ten_percent(void **state)
{
    (void)state;
    int64_t lo = INT64_MAX, hi = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t ms = scheduler_jitter_ms(3600);
        lo = ms < lo ? ms : lo;
        hi = ms > hi ? ms : hi;
    }
    assert_true(lo >= 3240000 && hi <= 3960000);
    assert_true(lo < 3300000 && hi > 3900000); /* it does spread */
}

static void on_nothing(struct loop *loop, void *arg)
{
    (void)loop;
    (void)arg;
}

/* With the loop's timer table full and unable to grow, a new indicator gets
 * no timer: sync says so, and the next sync schedules it; meanwhile the
 * indicators already scheduled keep running (a firing timer's slot is
 * reused for its next run). */
static void test_indicator_without_a_timer_is_scheduled_again(void **state)
{
    (void)state;
    static struct indicator inds[2];
    inds[0] = (struct indicator){.id = "fast", .interval_s = 1};
    inds[1] = (struct indicator){.id = "late", .interval_s = 1};
    struct starts s = {0};
    struct loop *loop = loop_new();
    s.scheduler = scheduler_new(loop, start, &s);
    assert_int_equal(scheduler_sync(s.scheduler, inds, 1, 0), 0);
    loop_add_timer(loop, 2200, on_stop, NULL);
    refuse_growth = true;
    int fillers = 0;
    while (loop_add_timer(loop, 3600000, on_nothing, NULL) != 0)
        fillers++; /* until the table is full */
    assert_true(fillers < 100000);
    assert_int_equal(scheduler_sync(s.scheduler, inds, 2, 0), -1);
    assert_int_equal(scheduler_run_now(s.scheduler, "fast"), 0); /* its timer's slot serves */
    assert_int_equal(scheduler_run_now(s.scheduler, "late"), -1);
    loop_run(loop);
    refuse_growth = false;
    assert_in_range(s.fast, 2, 3); /* kept its schedule with no memory to grow */
    assert_int_equal(s.late, 0);
    assert_int_equal(scheduler_sync(s.scheduler, inds, 2, 0), 0); /* tried again */
    loop_add_timer(loop, 300, on_stop, NULL);
    loop_run(loop);
    assert_int_equal(s.late, 1);
    scheduler_free(s.scheduler);
    loop_free(loop);
}

/* Intervals the config refuses still make a sane delay, never an overflow. */
static void test_huge_interval_does_not_overflow(void **state)
{
    (void)state;
    int64_t year = 366 * 86400000ll;
    for (int i = 0; i < 100; i++) {
        assert_in_range(scheduler_jitter_ms(INT64_MAX), year - year / 10, year + year / 10);
        assert_in_range(scheduler_jitter_ms(INT64_MAX / 1000 + 1), year - year / 10,
                        year + year / 10);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_indicator_is_never_started_twice),
        cmocka_unit_test(test_removed_indicator_dropped_after_its_run),
        cmocka_unit_test(test_many_indicators_found_after_reload),
        cmocka_unit_test(test_jitter_within_ten_percent),
        cmocka_unit_test(test_indicator_without_a_timer_is_scheduled_again),
        cmocka_unit_test(test_huge_interval_does_not_overflow),
    };
    return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}
