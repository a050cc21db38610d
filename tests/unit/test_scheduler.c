/*
 * test_scheduler.c — indicators run at their interval with ±10 % jitter,
 * an indicator still running is skipped rather than started twice, and a
 * reload that removes an indicator drops it (after its run finishes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/scheduler.h"

struct starts {
    struct scheduler *scheduler;
    int fast, slow;
};

static int start(void *arg, const char *id)
{
    struct starts *s = arg;
    if (strcmp(id, "fast") == 0) {
        s->fast++;
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

static struct config *two_indicators(void)
{
    static struct indicator inds[2];
    static struct config config;
    inds[0] = (struct indicator){.id = "fast", .interval_s = 1};
    inds[1] = (struct indicator){.id = "slow", .interval_s = 1};
    config = (struct config){.refs = 1, .indicators = inds, .n_indicators = 2};
    return &config;
}

static void test_running_indicator_is_never_started_twice(void **state)
{
    (void)state;
    struct starts s = {0};
    struct loop *loop = loop_new();
    s.scheduler = scheduler_new(loop, start, &s);
    assert_int_equal(scheduler_sync(s.scheduler, two_indicators(), 0), 0);
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
    struct config *config = two_indicators();
    scheduler_sync(s.scheduler, config, 0);
    loop_add_timer(loop, 100, on_stop, NULL);
    loop_run(loop);
    assert_int_equal(s.slow, 1);
    struct config without = *config;
    without.n_indicators = 1; /* "slow" removed by a reload while it runs */
    scheduler_sync(s.scheduler, &without, 0);
    assert_true(scheduler_running(s.scheduler, "slow")); /* kept until it finishes */
    scheduler_finished(s.scheduler, "slow");
    assert_false(scheduler_running(s.scheduler, "slow"));
    loop_add_timer(loop, 1300, on_stop, NULL);
    loop_run(loop);
    assert_int_equal(s.slow, 1); /* never started again */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_indicator_is_never_started_twice),
        cmocka_unit_test(test_removed_indicator_dropped_after_its_run),
        cmocka_unit_test(test_jitter_within_ten_percent),
    };
    return cmocka_run_group_tests_name("scheduler", tests, NULL, NULL);
}
