/*
 * test_offload.c — slow work in forked children (core/offload.h), on a
 * real loop: a document comes back whole; a child's error comes back as
 * its message; one that runs past its timeout is killed and said so; one
 * that writes more than the cap is an error, not a truncated document; a
 * third job beside two running ones is BUSY; a cancelled job never calls
 * back; the loop keeps firing its timers while a child works; freeing the
 * pool kills what runs. Every case ends with no child left to reap and no
 * descriptor left open; in_child runs in the child only.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "offload.h"

struct outcome {
    int calls;
    char doc[256];
    size_t len;
    char error[1200];
};

static void on_done(void *arg, const char *doc, size_t len, const char *error)
{
    struct outcome *o = arg;
    o->calls++;
    o->len = len;
    if (doc)
        snprintf(o->doc, sizeof o->doc, "%s", doc);
    else
        snprintf(o->error, sizeof o->error, "%s", error);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int hello(FILE *out, void *arg, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    fprintf(out, "[{\"as_of\": \"%s\"}]\n", (const char *)arg);
    return 0;
}

static int refuse(FILE *out, void *arg, char *err, size_t errlen)
{
    (void)arg;
    fputs("half a document", out);
    snprintf(err, errlen, "the journal cannot be read: line 7 is damaged");
    return -1;
}

static int forever(FILE *out, void *arg, char *err, size_t errlen)
{
    (void)out, (void)arg, (void)err, (void)errlen;
    for (;;)
        pause();
    return 0;
}

static int big(FILE *out, void *arg, char *err, size_t errlen)
{
    (void)arg, (void)err, (void)errlen;
    for (int i = 0; i < 100000; i++)
        fputs("0123456789", out);
    return 0;
}

static bool in_parent_marker;

static void in_child(void *arg)
{
    (void)arg;
    in_parent_marker = true; /* the child's copy: the parent's stays false */
}

struct run {
    struct loop *loop;
    struct offload *pool;
    struct outcome outcome[3];
    int ticks; /* the loop's timer kept firing while children worked */
    bool guard_fired;
};

static void on_guard(struct loop *loop, void *arg)
{
    *(bool *)arg = true;
    loop_stop(loop);
}

static void poll_done(struct loop *loop, void *arg)
{
    struct run *r = arg;
    r->ticks++;
    if (offload_running(r->pool) == 0 && loop_children(loop) == 0)
        loop_stop(loop);
    else
        loop_add_timer(loop, 10, poll_done, r);
}

static void setup_run(struct run *r, int64_t timeout_ms, size_t max_bytes)
{
    *r = (struct run){.loop = loop_new()};
    assert_non_null(r->loop);
    struct offload_settings s = {.what = "as-of read",
                                 .max_jobs = 2,
                                 .timeout_ms = timeout_ms,
                                 .max_bytes = max_bytes,
                                 .in_child = in_child};
    r->pool = offload_new(r->loop, &s);
    assert_non_null(r->pool);
}

static void start(struct run *r, offload_work_fn work, void *arg, int i)
{
    char err[256];
    struct offload_job *job;
    assert_int_equal(
        offload_start(r->pool, work, arg, on_done, &r->outcome[i], &job, err, sizeof err),
        OFFLOAD_STARTED);
    assert_non_null(job);
}

static void run_loop(struct run *r)
{
    loop_add_timer(r->loop, 15000, on_guard, &r->guard_fired);
    loop_add_timer(r->loop, 10, poll_done, r);
    assert_int_equal(loop_run(r->loop), 0);
    assert_false(r->guard_fired);
    offload_free(r->pool);
    loop_free(r->loop);
}

static void test_a_document_comes_back_whole(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r;
    setup_run(&r, 5000, 1 << 20);
    start(&r, hello, "2025-06-01", 0);
    run_loop(&r);
    assert_int_equal(r.outcome[0].calls, 1);
    assert_string_equal(r.outcome[0].doc, "[{\"as_of\": \"2025-06-01\"}]\n");
    assert_int_equal(r.outcome[0].len, strlen(r.outcome[0].doc));
    assert_false(in_parent_marker);
    assert_int_equal(open_fds(), fds);
}

static void test_an_error_comes_back_as_the_message(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r;
    setup_run(&r, 5000, 1 << 20);
    start(&r, refuse, NULL, 0);
    run_loop(&r);
    assert_int_equal(r.outcome[0].calls, 1);
    assert_string_equal(r.outcome[0].error, "the journal cannot be read: line 7 is damaged");
    assert_int_equal(open_fds(), fds);
}

static void test_a_child_past_its_timeout_is_killed(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r;
    setup_run(&r, 200, 1 << 20);
    start(&r, forever, NULL, 0);
    run_loop(&r);
    assert_int_equal(r.outcome[0].calls, 1);
    assert_string_equal(r.outcome[0].error,
                        "the as-of read took longer than 0.2 s and was stopped; try again later");
    assert_true(r.ticks > 1); /* the loop went on while the child worked */
    assert_int_equal(open_fds(), fds);
}

static void test_more_than_the_cap_is_an_error(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r;
    setup_run(&r, 5000, 64 * 1024);
    start(&r, big, NULL, 0);
    run_loop(&r);
    assert_int_equal(r.outcome[0].calls, 1);
    assert_string_equal(r.outcome[0].error,
                        "the as-of read's answer is larger than the 64 KiB one may hold");
    assert_int_equal(open_fds(), fds);
}

/* Two run; a third is refused at once; a cancelled one never calls back. */
static void test_a_third_job_is_busy_and_a_cancelled_one_is_silent(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r;
    char err[256];
    struct offload_job *held, *third;
    setup_run(&r, 5000, 1 << 20);
    assert_int_equal(
        offload_start(r.pool, forever, NULL, on_done, &r.outcome[0], &held, err, sizeof err),
        OFFLOAD_STARTED);
    start(&r, hello, "then", 1);
    assert_int_equal(offload_running(r.pool), 2);
    assert_int_equal(
        offload_start(r.pool, hello, "x", on_done, &r.outcome[2], &third, err, sizeof err),
        OFFLOAD_BUSY);
    assert_null(third);
    assert_string_equal(err, "busy: 2 as-of reads run already; try again shortly");
    offload_cancel(held);
    run_loop(&r);
    assert_int_equal(r.outcome[0].calls, 0);
    assert_int_equal(r.outcome[1].calls, 1);
    assert_string_equal(r.outcome[1].doc, "[{\"as_of\": \"then\"}]\n");
    assert_int_equal(r.outcome[2].calls, 0);
    assert_int_equal(open_fds(), fds);
}

/* The daemon stops with a job running: the child is killed and reaped. */
static void test_freeing_the_pool_kills_what_runs(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r;
    setup_run(&r, 5000, 1 << 20);
    start(&r, forever, NULL, 0);
    offload_free(r.pool);
    loop_free(r.loop);
    assert_int_equal(r.outcome[0].calls, 0);
    assert_int_equal(open_fds(), fds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_document_comes_back_whole),
        cmocka_unit_test(test_an_error_comes_back_as_the_message),
        cmocka_unit_test(test_a_child_past_its_timeout_is_killed),
        cmocka_unit_test(test_more_than_the_cap_is_an_error),
        cmocka_unit_test(test_a_third_job_is_busy_and_a_cancelled_one_is_silent),
        cmocka_unit_test(test_freeing_the_pool_kills_what_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
