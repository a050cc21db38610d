/*
 * test_grapher.c — when the grapher (grapher.c) starts its drawing
 * processes, with a real loop, store and fork: a lone request is drawn at
 * once; requests within the batch window after it wait for the window,
 * unless GRAPHER_BATCH_FULL of them wait: those start a drawing process as
 * soon as none runs (the window here is ten minutes, so a process that
 * started meanwhile started because the batch was full). Nothing is stored,
 * so each drawing process finds nothing to draw and ends at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "grapher.h"
#include "loop.h"
#include "store.h"
#include "unit_files.h"

#define WINDOW_MS (10 * 60 * 1000)

struct fixture {
    char *dir, *state, *rrd, *graphs;
    struct loop *loop;
    struct store *store;
    struct grapher *grapher;
    bool idle, timed_out;
};

static void on_idle(void *arg)
{
    struct fixture *f = arg;
    f->idle = true;
    loop_stop(f->loop);
}

static void on_time_up(struct loop *loop, void *arg)
{
    struct fixture *f = arg;
    f->timed_out = true;
    loop_stop(loop);
}

/* Runs the loop until the grapher has nothing left to do, or `limit_ms`. */
static void run_until_idle(struct fixture *f, int64_t limit_ms)
{
    f->idle = f->timed_out = false;
    uint64_t timer = loop_add_timer(f->loop, limit_ms, on_time_up, f);
    assert_true(timer != 0);
    assert_int_equal(loop_run(f->loop), 0);
    loop_cancel_timer(f->loop, timer);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[512];
    assert_non_null(f);
    f->dir = unit_temp_dir("test_grapher");
    f->state = unit_path(f->dir, "state");
    f->rrd = unit_path(f->dir, "rrd");
    f->graphs = unit_path(f->dir, "graphs");
    struct store_settings settings = {
        .state_dir = f->state, .rrd_dir = f->rrd, .graph_dir = f->graphs};
    f->store = store_open(&settings, err, sizeof err);
    assert_non_null(f->store);
    assert_int_equal(store_use_settings(f->store, &settings), 0);
    assert_non_null(f->loop = loop_new());
    struct graph_settings graphs = {.graph_dir = f->graphs, .scale = 1};
    f->grapher = grapher_new(f->loop, &graphs, f->store, on_idle, f);
    assert_non_null(f->grapher);
    grapher_set_window(f->grapher, WINDOW_MS);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    grapher_free(f->grapher);
    store_close(f->store);
    loop_free(f->loop);
    free(f->state);
    free(f->rrd);
    free(f->graphs);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

static void request(struct fixture *f, int first, int n)
{
    for (int i = first; i < first + n; i++) {
        char id[16];
        snprintf(id, sizeof id, "s%04d", i);
        grapher_request(f->grapher, id);
    }
}

static void test_full_batch_does_not_wait_for_the_window(void **state)
{
    struct fixture *f = *state;
    request(f, 0, 1); /* a lone request: drawn at once */
    run_until_idle(f, 30000);
    assert_true(f->idle);
    assert_int_equal(grapher_forks(f->grapher), 1);

    request(f, 1, GRAPHER_BATCH_FULL - 1); /* within the window: they wait */
    run_until_idle(f, 300);
    assert_true(f->timed_out);
    assert_true(grapher_busy(f->grapher));
    assert_int_equal(grapher_forks(f->grapher), 1);

    request(f, GRAPHER_BATCH_FULL, 1); /* the batch is full: drawn now */
    run_until_idle(f, 30000);
    assert_true(f->idle);
    assert_false(grapher_busy(f->grapher));
    assert_int_equal(grapher_forks(f->grapher), 2);
    assert_int_equal(grapher_failures(f->grapher), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_batch_does_not_wait_for_the_window, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
