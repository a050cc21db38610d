/*
 * timers.c — bench_timers: the event loop's timers with many of them, against
 * the plain array they replaced (copied below as the baseline, so one run
 * prints both).
 *
 * Three workloads on N timers (-n, default 100000):
 *   pass    half the timers due now, half in an hour: one loop pass fires
 *           the due half (the array rescanned from the start after each);
 *   cancel  every timer cancelled, in random order (the array searched);
 *   order   deadlines shuffled with many ties, all due in one pass: how
 *           many fired before a timer with an earlier (deadline, id).
 * The loop is driven through loop_run() and its public API; the baseline
 * through the same calls on its own array. Exit status 1 when the loop
 * fired out of order or lost a timer.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the baseline: the loop's timers before the heap, verbatim in substance ---- */

struct array_timer {
    uint64_t id;
    int64_t due_ms;
    loop_timer_fn fn;
    void *arg;
};

struct array_timers {
    struct array_timer *timers;
    size_t n, cap;
    uint64_t next_id;
};

static uint64_t array_add(struct array_timers *a, int64_t delay_ms, loop_timer_fn fn, void *arg)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        struct array_timer *t = realloc(a->timers, cap * sizeof *t);
        if (!t)
            return 0;
        a->timers = t;
        a->cap = cap;
    }
    uint64_t id = ++a->next_id;
    a->timers[a->n++] =
        (struct array_timer){.id = id, .due_ms = loop_now_ms() + delay_ms, .fn = fn, .arg = arg};
    return id;
}

static void array_cancel(struct array_timers *a, uint64_t id)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->timers[i].id == id) {
            a->timers[i] = a->timers[--a->n];
            return;
        }
    }
}

static void array_run(struct array_timers *a)
{
    int64_t now = loop_now_ms();
    uint64_t last_id = a->next_id;
    for (size_t i = 0; i < a->n;) {
        struct array_timer t = a->timers[i];
        if (t.due_ms > now || t.id > last_id) {
            i++;
            continue;
        }
        a->timers[i] = a->timers[--a->n];
        t.fn(NULL, t.arg);
        i = 0;
    }
}

/* ---- what the timers record ---- */

struct fired {
    int64_t *due; /* per timer: its deadline, or -1 when not known exactly */
    size_t n, late;
    int64_t last_due;
    size_t last_index;
};

struct tag {
    struct fired *fired;
    size_t index;
};

static void on_fire(struct loop *loop, void *arg)
{
    (void)loop;
    struct tag *t = arg;
    struct fired *f = t->fired;
    f->n++;
    if (f->due[t->index] < 0)
        return; /* the clock ticked while it was added: its deadline is uncertain */
    if (f->last_due >= 0 && (f->due[t->index] < f->last_due ||
                             (f->due[t->index] == f->last_due && t->index < f->last_index)))
        f->late++;
    f->last_due = f->due[t->index];
    f->last_index = t->index;
}

/* The deadline the timer got, or -1 when the millisecond changed during the
 * call and it is not known which one it got. */
static int64_t due_of(int64_t before, int64_t delay_ms)
{
    return loop_now_ms() == before ? before + delay_ms : -1;
}

static void on_stop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

/* ---- workloads ---- */

enum workload { PASS, CANCEL, ORDER };

struct setup {
    size_t n;
    struct tag *tags;
    int64_t *due;
    uint64_t *ids;
    size_t *shuffle;
};

static int64_t delay_of(enum workload w, size_t i)
{
    if (w == PASS)
        return i % 2 ? 3600000 : 0;
    if (w == ORDER)
        return (int64_t)((i * 7919) % 50);
    return 3600000;
}

static double run_loop(enum workload w, struct setup *s)
{
    struct loop *loop = loop_new();
    if (!loop)
        return -1;
    for (size_t i = 0; i < s->n; i++) {
        int64_t before = loop_now_ms();
        s->ids[i] = loop_add_timer(loop, delay_of(w, i), on_fire, &s->tags[i]);
        s->due[i] = due_of(before, delay_of(w, i));
    }
    if (w != CANCEL)
        loop_add_timer(loop, w == ORDER ? 50 : 0, on_stop, NULL);
    if (w == ORDER)
        usleep(60000); /* all due by the first pass */
    double start = seconds();
    if (w == CANCEL) {
        for (size_t i = 0; i < s->n; i++)
            loop_cancel_timer(loop, s->ids[s->shuffle[i]]);
    } else {
        loop_run(loop);
    }
    double took = seconds() - start;
    loop_free(loop);
    return took;
}

static double run_array(enum workload w, struct setup *s)
{
    struct array_timers a = {0};
    for (size_t i = 0; i < s->n; i++) {
        int64_t before = loop_now_ms();
        s->ids[i] = array_add(&a, delay_of(w, i), on_fire, &s->tags[i]);
        s->due[i] = due_of(before, delay_of(w, i));
    }
    if (w == ORDER)
        usleep(60000);
    double start = seconds();
    if (w == CANCEL) {
        for (size_t i = 0; i < s->n; i++)
            array_cancel(&a, s->ids[s->shuffle[i]]);
    } else {
        array_run(&a);
    }
    double took = seconds() - start;
    free(a.timers);
    return took;
}

static const char *const names[] = {"pass", "cancel", "order"};

static bool bench(enum workload w, struct setup *s)
{
    struct fired by_loop = {.due = s->due, .last_due = -1}, by_array = by_loop;
    for (size_t i = 0; i < s->n; i++)
        s->tags[i] = (struct tag){&by_array, i};
    double array_s = run_array(w, s);
    for (size_t i = 0; i < s->n; i++)
        s->tags[i].fired = &by_loop;
    double loop_s = run_loop(w, s);
    size_t expected = w == PASS ? (s->n + 1) / 2 : w == ORDER ? s->n : 0;
    printf("%-7s %8zu %12.4f %12.4f %9.1fx %8zu %8zu %10zu %10zu\n", names[w], s->n, array_s,
           loop_s, loop_s > 0 ? array_s / loop_s : 0.0, by_array.n, by_loop.n, by_array.late,
           by_loop.late);
    return loop_s >= 0 && by_loop.n == expected && by_loop.late == 0;
}

int main(int argc, char **argv)
{
    struct setup s = {.n = 100000};
    int opt;
    while ((opt = getopt(argc, argv, "n:")) != -1) {
        if (opt != 'n' || (s.n = strtoull(optarg, NULL, 10)) == 0) {
            fprintf(stderr, "usage: bench_timers [-n TIMERS]\n");
            return 2;
        }
    }
    s.tags = calloc(s.n, sizeof *s.tags);
    s.due = calloc(s.n, sizeof *s.due);
    s.ids = calloc(s.n, sizeof *s.ids);
    s.shuffle = calloc(s.n, sizeof *s.shuffle);
    if (!s.tags || !s.due || !s.ids || !s.shuffle)
        return 1;
    srand(11);
    for (size_t i = 0; i < s.n; i++)
        s.shuffle[i] = i;
    for (size_t i = s.n; i-- > 1;) {
        size_t j = (size_t)rand() % (i + 1), t = s.shuffle[i];
        s.shuffle[i] = s.shuffle[j];
        s.shuffle[j] = t;
    }
    printf("bench_timers (%s build)\n", PEJL_BENCH_BUILD_TYPE);
    printf("%-7s %8s %12s %12s %10s %8s %8s %10s %10s\n", "work", "timers", "array_s", "heap_s",
           "speedup", "fired_a", "fired_h", "late_a", "late_h");
    bool ok = true;
    for (enum workload w = PASS; w <= ORDER; w++)
        ok &= bench(w, &s);
    free(s.tags);
    free(s.due);
    free(s.ids);
    free(s.shuffle);
    if (!ok)
        fprintf(stderr, "bench_timers: the loop fired out of order or lost timers\n");
    return ok ? 0 : 1;
}
