/*
 * test_spawn.c — programs run for the exec collector, on a real loop: the
 * output of one that exits, and the timeout of one that exits but leaves a
 * child holding its stdout, whether that child stayed in its process group
 * (killed with it) or left it (the spawn finishes anyway). Every spawn ends
 * with no child left to reap and no fd left open; and one that cannot be
 * registered with the loop (out of memory) is refused, leaving neither.
 * A program that fails says how (exit status, signal, stderr's tail), and
 * one that writes more than the cap is killed, its output not passed on.
 *
 * realloc and reallocarray are wrapped (ld --wrap) so that a test can make
 * the loop's timer table unable to grow, and sd_event_add_child so that it
 * can make watching a child fail as it does without memory.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <systemd/sd-event.h>

#include "spawn.h"

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

int __real_sd_event_add_child(sd_event *e, sd_event_source **s, pid_t pid, int options,
                              sd_event_child_handler_t fn, void *arg);
int __wrap_sd_event_add_child(sd_event *e, sd_event_source **s, pid_t pid, int options,
                              sd_event_child_handler_t fn, void *arg);

int __wrap_sd_event_add_child(sd_event *e, sd_event_source **s, pid_t pid, int options,
                              sd_event_child_handler_t fn, void *arg)
{
    return refuse_growth ? -ENOMEM : __real_sd_event_add_child(e, s, pid, options, fn, arg);
}

struct outcome {
    int calls;
    char out[64];
    char error[sizeof((struct spawn_result *)0)->error];
};

static void on_done(void *arg, const struct spawn_result *r)
{
    struct outcome *o = arg;
    o->calls++;
    if (r->out)
        snprintf(o->out, sizeof o->out, "%s", r->out);
    else
        snprintf(o->error, sizeof o->error, "%s", r->error);
}

static void on_guard(struct loop *loop, void *arg)
{
    *(bool *)arg = true;
    loop_stop(loop);
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

static bool no_child_left(void);

struct run {
    struct loop *loop;
    struct outcome outcome;
    bool guard_fired;
};

static void poll_done(struct loop *loop, void *arg)
{
    struct run *r = arg;
    if (r->outcome.calls && loop_children(loop) == 0)
        loop_stop(loop);
    else
        loop_add_timer(loop, 10, poll_done, r);
}

/* Runs `script` until its callback has run and its child is reaped, or a
 * generous bound that proves it does not hang; returns the milliseconds. */
static int64_t run_capped(struct run *r, const char *script, int64_t timeout_ms, size_t max_bytes)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    r->loop = loop_new();
    assert_non_null(r->loop);
    struct spawn *s = spawn_start(r->loop, argv, timeout_ms, max_bytes, on_done, &r->outcome);
    assert_non_null(s);
    int64_t start = loop_now_ms();
    loop_add_timer(r->loop, 15000, on_guard, &r->guard_fired);
    loop_add_timer(r->loop, 10, poll_done, r);
    assert_int_equal(loop_run(r->loop), 0);
    int64_t took = loop_now_ms() - start;
    loop_free(r->loop);
    return took;
}

static int64_t run_spawn(struct run *r, const char *script, int64_t timeout_ms)
{
    return run_capped(r, script, timeout_ms, 1 << 20);
}

static pid_t read_pid(const char *path)
{
    FILE *f = fopen(path, "r");
    int pid = 0;
    if (f && fscanf(f, "%d", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    unlink(path);
    return (pid_t)pid;
}

/* True once `pid` has gone or is a zombie (for init to reap). */
static bool dead(pid_t pid)
{
    char path[64], stat[256] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *paren = strrchr(stat, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static bool dies_within(pid_t pid, int ms)
{
    for (int waited = 0; waited < ms; waited += 10) {
        if (dead(pid))
            return true;
        usleep(10000);
    }
    return dead(pid);
}

static void test_output_of_a_program_that_exits(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r = {0};
    run_spawn(&r, "echo 2020,1", 5000);
    assert_false(r.guard_fired);
    assert_int_equal(r.outcome.calls, 1);
    assert_string_equal(r.outcome.out, "2020,1\n");
    assert_int_equal(open_fds(), fds);
}

/* A program that fails: its exit status and the tail of its stderr, on
 * one line; its stdout is not passed on as if it had succeeded. */
static void test_exit_status_and_stderr_of_a_failure(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r = {0};
    run_spawn(&r, "echo 2020,1; printf 'no such table\\nline two\\n' >&2; exit 3", 5000);
    assert_false(r.guard_fired);
    assert_int_equal(r.outcome.calls, 1);
    assert_string_equal(r.outcome.out, "");
    assert_string_equal(r.outcome.error, "/bin/sh: exit status 3; stderr: no such table line two ");
    assert_int_equal(open_fds(), fds);
}

static void test_killed_by_a_signal(void **state)
{
    (void)state;
    struct run r = {0};
    run_spawn(&r, "kill -TERM $$", 5000);
    assert_int_equal(r.outcome.calls, 1);
    assert_string_equal(r.outcome.error, "/bin/sh: killed by signal 15");
}

/* Exactly the cap is taken; one byte more and the program is killed. */
static void test_output_up_to_the_cap(void **state)
{
    (void)state;
    struct run r = {0};
    run_capped(&r, "printf 12345678", 5000, 8);
    assert_int_equal(r.outcome.calls, 1);
    assert_string_equal(r.outcome.out, "12345678");
    assert_string_equal(r.outcome.error, "");
}

static void test_output_past_the_cap_kills(void **state)
{
    (void)state;
    int fds = open_fds();
    struct run r = {0};
    run_capped(&r, "printf 123456789", 5000, 8);
    assert_int_equal(r.outcome.calls, 1);
    assert_string_equal(r.outcome.out, "");
    assert_string_equal(r.outcome.error, "/bin/sh: wrote more than 8 bytes; killed");
    assert_int_equal(open_fds(), fds);
}

/* One that would write forever is killed at the cap, long before its
 * timeout (the guard would show a hang). */
static void test_endless_output_is_cut_at_the_cap(void **state)
{
    (void)state;
    struct run r = {0};
    int64_t took = run_capped(&r, "exec yes 2020,1", 10000, 1 << 20);
    assert_false(r.guard_fired);
    assert_int_equal(r.outcome.calls, 1);
    assert_non_null(strstr(r.outcome.error, "wrote more than 1048576 bytes; killed"));
    printf("# killed at the cap %lld ms after the start\n", (long long)took);
}

static void test_a_relative_program_is_refused(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "echo 1", NULL};
    struct outcome outcome = {0};
    struct loop *loop = loop_new();
    assert_null(spawn_start(loop, argv, 1000, 1 << 20, on_done, &outcome));
    assert_true(no_child_left());
    loop_free(loop);
    assert_int_equal(outcome.calls, 0);
}

static char *pid_file(void)
{
    static char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/test_spawn.%d.pid", tmp ? tmp : "/tmp", (int)getpid());
    return path;
}

/* `sleep 300 &` keeps the pipe open after the shell exits: the timeout
 * kills the group, the sleep with it, and the spawn reports. */
static void test_timeout_kills_a_child_holding_stdout(void **state)
{
    (void)state;
    char script[512];
    snprintf(script, sizeof script, "sleep 300 & echo $! >%s; echo 2020,1", pid_file());
    int fds = open_fds();
    struct run r = {0};
    int64_t took = run_spawn(&r, script, 500);
    pid_t orphan = read_pid(pid_file());
    bool orphan_dead = orphan > 0 && dies_within(orphan, 5000);
    if (orphan > 0 && !orphan_dead)
        kill(orphan, SIGKILL); /* ours: started by the test */
    assert_false(r.guard_fired);
    assert_int_equal(r.outcome.calls, 1);
    assert_non_null(strstr(r.outcome.error, "timeout"));
    assert_true(orphan_dead);
    assert_int_equal(open_fds(), fds);
    printf("# finished %lld ms after the start, timeout 500 ms\n", (long long)took);
}

/* A child in a session of its own escapes the group kill; the spawn must
 * finish at the timeout all the same, not when that child lets go. */
static void test_timeout_finishes_when_an_escaped_child_holds_stdout(void **state)
{
    (void)state;
    char script[512];
    snprintf(script, sizeof script, "setsid sleep 300 & echo $! >%s; echo 2020,1", pid_file());
    int fds = open_fds();
    struct run r = {0};
    run_spawn(&r, script, 500);
    pid_t escaped = read_pid(pid_file());
    if (escaped > 0)
        kill(escaped, SIGKILL); /* ours: started by the test */
    assert_true(escaped > 0);
    assert_false(r.guard_fired);
    assert_int_equal(r.outcome.calls, 1);
    assert_non_null(strstr(r.outcome.error, "timeout"));
    assert_int_equal(open_fds(), fds);
}

static void on_nothing(struct loop *loop, void *arg)
{
    (void)loop;
    (void)arg;
}

static bool no_child_left(void)
{
    return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* No room for its timeout: refused before anything is started. */
static void test_refused_without_a_timer(void **state)
{
    (void)state;
    const char *argv[] = {"/bin/sh", "-c", "echo 2020,1", NULL};
    struct outcome outcome = {0};
    int fds = open_fds();
    struct loop *loop = loop_new();
    refuse_growth = true;
    while (loop_add_timer(loop, 3600000, on_nothing, NULL) != 0)
        ; /* until the timer table is full */
    struct spawn *s = spawn_start(loop, argv, 1000, 1 << 20, on_done, &outcome);
    refuse_growth = false;
    assert_null(s);
    assert_true(no_child_left());
    loop_free(loop);
    assert_int_equal(open_fds(), fds);
}

/* No room to watch the child: it is killed and reaped, and refused. */
static void test_refused_without_a_child_watch(void **state)
{
    (void)state;
    const char *argv[] = {"/bin/sleep", "30", NULL};
    struct outcome outcome = {0};
    int fds = open_fds();
    struct loop *loop = loop_new();
    loop_cancel_timer(loop, loop_add_timer(loop, 0, on_nothing, NULL)); /* timers have room */
    refuse_growth = true; /* sd-event cannot add the child's source */
    struct spawn *s = spawn_start(loop, argv, 1000, 1 << 20, on_done, &outcome);
    refuse_growth = false;
    assert_null(s);
    assert_int_equal(loop_children(loop), 0);
    assert_true(no_child_left());
    loop_free(loop);
    assert_int_equal(open_fds(), fds);
    assert_int_equal(outcome.calls, 0);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_of_a_program_that_exits),
        cmocka_unit_test(test_exit_status_and_stderr_of_a_failure),
        cmocka_unit_test(test_killed_by_a_signal),
        cmocka_unit_test(test_output_up_to_the_cap),
        cmocka_unit_test(test_output_past_the_cap_kills),
        cmocka_unit_test(test_endless_output_is_cut_at_the_cap),
        cmocka_unit_test(test_a_relative_program_is_refused),
        cmocka_unit_test(test_timeout_kills_a_child_holding_stdout),
        cmocka_unit_test(test_timeout_finishes_when_an_escaped_child_holds_stdout),
        cmocka_unit_test(test_refused_without_a_timer),
        cmocka_unit_test(test_refused_without_a_child_watch),
    };
    return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
