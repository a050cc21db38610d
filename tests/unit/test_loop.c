/*
 * test_loop.c — the event loop: timers in order (by deadline, then by
 * registration, also when many are due in one pass), cancelled timers silent,
 * timers added by a callback wait for the next pass, fd watches (including
 * one removed by another callback in the same batch), signals through
 * signalfd, children reaped with their status (exit or signal, several at
 * once), before-sleep hooks once per pass (not once per event, and a hook
 * that stops the loop), and systemd's watchdog pinged from the loop.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"

struct record {
    struct loop *loop;
    char order[32];
    size_t n;
    int child_status;
    int signo;
    int hooks;
    int fds[2][2];
};

static void note(struct record *r, char c)
{
    if (r->n < sizeof r->order - 1)
        r->order[r->n++] = c;
}

static void on_timer_a(struct loop *loop, void *arg)
{
    (void)loop;
    note(arg, 'a');
}

static void on_timer_b(struct loop *loop, void *arg)
{
    (void)loop;
    note(arg, 'b');
}

static void on_stop(struct loop *loop, void *arg)
{
    (void)arg;
    loop_stop(loop);
}

static void test_timers_fire_in_order_and_cancel(void **state)
{
    (void)state;
    struct record r = {0};
    struct loop *loop = loop_new();
    assert_non_null(loop);
    loop_add_timer(loop, 30, on_timer_b, &r);
    loop_add_timer(loop, 10, on_timer_a, &r);
    uint64_t cancelled = loop_add_timer(loop, 20, on_timer_a, &r);
    loop_cancel_timer(loop, cancelled);
    loop_add_timer(loop, 60, on_stop, NULL);
    int64_t before = loop_now_ms();
    assert_int_equal(loop_run(loop), 0);
    assert_string_equal(r.order, "ab");
    assert_true(loop_now_ms() - before >= 60);
    loop_free(loop);
}

/* 200 timers with shuffled and equal deadlines, some cancelled before the
 * run and some by a callback, all due by the time the loop first looks:
 * they must fire by deadline, and by registration among equal deadlines. */
#define SHUFFLED 200
#define SPACING_MS 10

struct shuffled {
    struct loop *loop;
    int64_t due[SHUFFLED];
    uint64_t ids[SHUFFLED];
    bool cancelled[SHUFFLED];
    int fired[SHUFFLED];
    size_t n_fired;
    struct shuffled_timer {
        struct shuffled *all;
        int index;
    } timers[SHUFFLED];
};

static void on_shuffled(struct loop *loop, void *arg)
{
    struct shuffled_timer *t = arg;
    struct shuffled *s = t->all;
    const int *index = &t->index;
    assert_false(s->cancelled[*index]);
    s->fired[s->n_fired++] = *index;
    if (*index % 11 == 0) { /* cancel the next one due after us, if any */
        int victim = -1;
        for (int i = 0; i < SHUFFLED; i++)
            if (!s->cancelled[i] &&
                (s->due[i] > s->due[*index] || (s->due[i] == s->due[*index] && i > *index)) &&
                (victim < 0 || s->due[i] < s->due[victim]))
                victim = i;
        if (victim >= 0) {
            loop_cancel_timer(loop, s->ids[victim]);
            s->cancelled[victim] = true;
        }
    }
}

/* Adds the timers; false when adding them straddled more than the spacing,
 * which would make the expected order uncertain. */
static bool add_shuffled(struct shuffled *s)
{
    int64_t start = loop_now_ms();
    for (int i = 0; i < SHUFFLED; i++) {
        int64_t delay = (int64_t)((i * 7919) % 20) * SPACING_MS;
        s->timers[i] = (struct shuffled_timer){s, i};
        s->due[i] = delay; /* relative: the adds take well under SPACING_MS */
        s->ids[i] = loop_add_timer(s->loop, delay, on_shuffled, &s->timers[i]);
        assert_true(s->ids[i] != 0);
    }
    for (int i = 0; i < SHUFFLED; i += 7) {
        loop_cancel_timer(s->loop, s->ids[i]);
        s->cancelled[i] = true;
    }
    return loop_now_ms() - start < SPACING_MS / 2;
}

static void test_timers_fire_by_deadline_then_registration(void **state)
{
    (void)state;
    struct shuffled *s = NULL;
    for (int attempt = 0; attempt < 20; attempt++) {
        if (s) {
            loop_free(s->loop);
            free(s);
        }
        s = calloc(1, sizeof *s);
        assert_non_null(s);
        s->loop = loop_new();
        assert_non_null(s->loop);
        if (add_shuffled(s))
            break;
    }
    loop_add_timer(s->loop, 20 * SPACING_MS, on_stop, NULL);
    usleep(30 * SPACING_MS * 1000); /* every timer is due when the loop first looks */
    assert_int_equal(loop_run(s->loop), 0);
    size_t expected = 0;
    for (int i = 0; i < SHUFFLED; i++)
        expected += !s->cancelled[i];
    assert_int_equal(s->n_fired, expected);
    for (size_t k = 1; k < s->n_fired; k++) {
        int a = s->fired[k - 1], b = s->fired[k];
        assert_true(s->due[a] < s->due[b] || (s->due[a] == s->due[b] && a < b));
    }
    loop_free(s->loop);
    free(s);
}

static void on_timer_rearm(struct loop *loop, void *arg)
{
    struct record *r = arg;
    note(r, 'r');
    if (r->n < 3)
        loop_add_timer(loop, 0, on_timer_rearm, r); /* must wait for the next pass */
    else
        loop_stop(loop);
}

static void count_hook(struct loop *loop, void *arg)
{
    (void)loop;
    ((struct record *)arg)->hooks++;
}

static void test_timer_added_by_callback_runs_next_pass(void **state)
{
    (void)state;
    struct record r = {0};
    struct loop *loop = loop_new();
    loop_before_sleep(loop, count_hook, &r);
    loop_add_timer(loop, 0, on_timer_rearm, &r);
    loop_run(loop);
    assert_string_equal(r.order, "rrr");
    assert_int_equal(r.hooks, 3); /* one pass per timer: the hook ran before each wait */
    loop_free(loop);
}

static void on_readable(struct loop *loop, int fd, uint32_t events, void *arg)
{
    struct record *r = arg;
    char c;
    assert_true(events & EPOLLIN);
    assert_int_equal(read(fd, &c, 1), 1);
    note(r, c);
    /* Remove the other pipe's watch although its event may be in this batch. */
    loop_remove_fd(loop, fd == r->fds[0][0] ? r->fds[1][0] : r->fds[0][0]);
    loop_remove_fd(loop, fd);
    loop_add_timer(loop, 20, on_stop, NULL);
}

static void test_fd_watch_and_removal_in_batch(void **state)
{
    (void)state;
    struct record r = {0};
    struct loop *loop = loop_new();
    assert_int_equal(pipe(r.fds[0]), 0);
    assert_int_equal(pipe(r.fds[1]), 0);
    assert_int_equal(loop_add_fd(loop, r.fds[0][0], EPOLLIN, on_readable, &r), 0);
    assert_int_equal(loop_add_fd(loop, r.fds[1][0], EPOLLIN, on_readable, &r), 0);
    assert_int_equal(write(r.fds[0][1], "x", 1), 1);
    assert_int_equal(write(r.fds[1][1], "y", 1), 1);
    loop_run(loop);
    assert_int_equal(r.n, 1); /* exactly one callback: the other watch was removed */
    for (int i = 0; i < 2; i++) {
        close(r.fds[i][0]);
        close(r.fds[i][1]);
    }
    loop_free(loop);
}

static void on_signal(struct loop *loop, int signo, void *arg)
{
    ((struct record *)arg)->signo = signo;
    loop_stop(loop);
}

static void test_signal_through_signalfd(void **state)
{
    (void)state;
    struct record r = {0};
    struct loop *loop = loop_new();
    assert_int_equal(loop_on_signal(loop, SIGUSR2, on_signal, &r), 0);
    kill(getpid(), SIGUSR2); /* blocked: delivered to the signalfd, not a handler */
    loop_run(loop);
    assert_int_equal(r.signo, SIGUSR2);
    loop_free(loop);
}

static void on_child(struct loop *loop, pid_t pid, int status, void *arg)
{
    (void)pid;
    struct record *r = arg;
    r->child_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    loop_stop(loop);
}

static void test_child_reaped_with_status(void **state)
{
    (void)state;
    struct record r = {.child_status = -2};
    struct loop *loop = loop_new();
    pid_t pid = fork();
    if (pid == 0) {
        usleep(20000);
        _exit(3);
    }
    assert_int_equal(loop_watch_child(loop, pid, on_child, &r), 0);
    assert_int_equal(loop_children(loop), 1);
    loop_run(loop);
    assert_int_equal(r.child_status, 3);
    assert_int_equal(loop_children(loop), 0);
    loop_free(loop);
}

/* Several children ending at once, by exit and by signal: each reported
 * once with its own status, and none left to reap. */
#define CHILDREN 4

struct children {
    pid_t pids[CHILDREN];
    int status[CHILDREN];
    int reported;
};

static void on_one_child(struct loop *loop, pid_t pid, int status, void *arg)
{
    struct children *c = arg;
    for (int i = 0; i < CHILDREN; i++)
        if (c->pids[i] == pid)
            c->status[i] = status;
    if (++c->reported == CHILDREN)
        loop_stop(loop);
}

static void test_children_by_exit_and_signal(void **state)
{
    (void)state;
    struct children c = {0};
    struct loop *loop = loop_new();
    for (int i = 0; i < CHILDREN; i++) {
        c.pids[i] = fork();
        if (c.pids[i] == 0) {
            if (i == CHILDREN - 1)
                pause(); /* killed below */
            _exit(i + 1);
        }
        assert_true(c.pids[i] > 0);
        assert_int_equal(loop_watch_child(loop, c.pids[i], on_one_child, &c), 0);
    }
    kill(c.pids[CHILDREN - 1], SIGKILL);
    /* let them all end before the loop looks */
    usleep(20000);
    loop_add_timer(loop, 10000, on_stop, NULL); /* does not hang */
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(c.reported, CHILDREN);
    for (int i = 0; i < CHILDREN - 1; i++) {
        assert_true(WIFEXITED(c.status[i]));
        assert_int_equal(WEXITSTATUS(c.status[i]), i + 1);
    }
    assert_true(WIFSIGNALED(c.status[CHILDREN - 1]));
    assert_int_equal(WTERMSIG(c.status[CHILDREN - 1]), SIGKILL);
    assert_int_equal(loop_children(loop), 0);
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* all reaped */
    loop_free(loop);
}

/* Notes 'h' and stops the loop once the pass's three events are noted: the
 * stop comes from the pass itself, not from a timer that a loaded machine
 * may let fall due in the same pass as the events. */
static void note_hook(struct loop *loop, void *arg)
{
    struct record *r = arg;
    note(r, 'h');
    if (r->n - (size_t)++r->hooks >= 3)
        loop_stop(loop);
}

static void on_pipe_once(struct loop *loop, int fd, uint32_t events, void *arg)
{
    (void)events;
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    note(arg, c);
    loop_remove_fd(loop, fd);
}

/* Two readable pipes and a due timer make one pass: the hook (the group
 * commit) runs before the wait that finds them and once after all three,
 * not after each. */
static void test_hooks_run_once_per_pass(void **state)
{
    (void)state;
    struct record r = {0};
    struct loop *loop = loop_new();
    assert_int_equal(pipe(r.fds[0]), 0);
    assert_int_equal(pipe(r.fds[1]), 0);
    assert_int_equal(loop_before_sleep(loop, note_hook, &r), 0);
    assert_int_equal(loop_add_fd(loop, r.fds[0][0], EPOLLIN, on_pipe_once, &r), 0);
    assert_int_equal(loop_add_fd(loop, r.fds[1][0], EPOLLIN, on_pipe_once, &r), 0);
    assert_int_equal(write(r.fds[0][1], "x", 1), 1);
    assert_int_equal(write(r.fds[1][1], "y", 1), 1);
    loop_add_timer(loop, 0, on_timer_a, &r);
    loop_add_timer(loop, 10000, on_stop, NULL); /* does not hang */
    usleep(2000); /* the timer is due when the loop first looks */
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.order[0], 'h');
    assert_int_equal(r.order[4], 'h');
    for (size_t i = 1; i < 4; i++)
        assert_non_null(strchr("xya", r.order[i]));
    assert_true(r.order[1] != r.order[2] && r.order[2] != r.order[3] && r.order[1] != r.order[3]);
    for (int i = 0; i < 2; i++) {
        close(r.fds[i][0]);
        close(r.fds[i][1]);
    }
    loop_free(loop);
}

static void stop_in_hook(struct loop *loop, void *arg)
{
    struct record *r = arg;
    if (++r->hooks == 1)
        loop_stop(loop);
}

static void on_readable_stop(struct loop *loop, int fd, uint32_t events, void *arg)
{
    on_pipe_once(loop, fd, events, arg);
    loop_stop(loop);
}

/* A hook that stops the loop stops it before any callback; what was ready
 * is delivered by the next run. */
static void test_hook_stops_loop_then_run_again(void **state)
{
    (void)state;
    struct record r = {0};
    struct loop *loop = loop_new();
    assert_int_equal(pipe(r.fds[0]), 0);
    assert_int_equal(loop_before_sleep(loop, stop_in_hook, &r), 0);
    assert_int_equal(loop_add_fd(loop, r.fds[0][0], EPOLLIN, on_readable_stop, &r), 0);
    assert_int_equal(write(r.fds[0][1], "x", 1), 1);
    loop_add_timer(loop, 10000, on_stop, NULL); /* does not hang */
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(loop_run(loop), 0);
    assert_string_equal(r.order, "x");
    close(r.fds[0][0]);
    close(r.fds[0][1]);
    loop_free(loop);
}

/* A datagram socket playing systemd's NOTIFY_SOCKET; returns its fd. */
static int notify_socket(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    return fd;
}

static int count_pings(int fd)
{
    char msg[256];
    ssize_t n;
    int pings = 0;
    while ((n = recv(fd, msg, sizeof msg - 1, 0)) > 0) {
        msg[n] = '\0';
        pings += strstr(msg, "WATCHDOG=1") != NULL;
    }
    return pings;
}

/* WATCHDOG_USEC=100 ms: the loop pings at once and then every 50 to 75 ms
 * while it runs; without WATCHDOG_USEC it says so and sends nothing. */
static void test_watchdog_pinged_from_the_loop(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/pejl-test-loop-%d.sock", (int)getpid());
    int fd = notify_socket(path);
    setenv("NOTIFY_SOCKET", path, 1);
    unsetenv("WATCHDOG_PID");
    unsetenv("WATCHDOG_USEC");
    struct loop *loop = loop_new();
    assert_int_equal(loop_watchdog(loop), 0);
    loop_free(loop);
    assert_int_equal(count_pings(fd), 0);

    setenv("WATCHDOG_USEC", "100000", 1);
    loop = loop_new();
    assert_int_equal(loop_watchdog(loop), 1);
    loop_add_timer(loop, 300, on_stop, NULL);
    assert_int_equal(loop_run(loop), 0);
    int pings = count_pings(fd);
    printf("watchdog: %d pings in 300 ms at WATCHDOG_USEC=100000\n", pings);
    assert_true(pings >= 2); /* the first, and one from the running loop */
    loop_free(loop);
    unsetenv("WATCHDOG_USEC");
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_order_and_cancel),
        cmocka_unit_test(test_timers_fire_by_deadline_then_registration),
        cmocka_unit_test(test_timer_added_by_callback_runs_next_pass),
        cmocka_unit_test(test_fd_watch_and_removal_in_batch),
        cmocka_unit_test(test_signal_through_signalfd),
        cmocka_unit_test(test_child_reaped_with_status),
        cmocka_unit_test(test_children_by_exit_and_signal),
        cmocka_unit_test(test_hooks_run_once_per_pass),
        cmocka_unit_test(test_hook_stops_loop_then_run_again),
        cmocka_unit_test(test_watchdog_pinged_from_the_loop),
    };
    return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
