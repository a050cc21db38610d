/*
 * spawn.c — programs run for the exec collector (see spawn.h).
 *
 * The child gets its own process group so a timeout kills whatever it
 * started too, whether the program itself is still running or has exited
 * and left a child holding its stdout. The result is reported once the
 * process has exited (the loop reaps it) and both pipes are closed,
 * whichever comes last;
 * once the group has been killed, the pipes are not waited for: a process
 * that left the group (setsid) could hold them forever.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

struct spawn {
    struct loop *loop;
    pid_t pid;
    int out_fd, err_fd;
    int status;
    bool exited, timed_out, too_big, killed;
    bool exited_first; /* the program had exited when its timeout came */
    uint64_t timer;
    char *program;
    size_t max_bytes;
    struct spawn_result result;
    size_t cap;
    char err_tail[SPAWN_STDERR_TAIL];
    size_t err_len;
    spawn_done_fn done;
    void *arg;
};

static void child(const char *const *argv, int out, int err)
{
    static char *const clean_env[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                                      "LC_ALL=C.UTF-8", NULL};
    int null = open("/dev/null", O_RDONLY);
    setpgid(0, 0);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* the loop blocks signals; the program must not inherit that */
    signal(SIGPIPE, SIG_DFL);
    closefrom(3);
    execve(argv[0], (char *const *)argv, clean_env);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void close_pipe(struct spawn *s, int *fd)
{
    if (*fd < 0)
        return;
    loop_remove_fd(s->loop, *fd);
    close(*fd);
    *fd = -1;
}

static void failure(const struct spawn *s, char *why, size_t size)
{
    if (s->timed_out && s->exited_first)
        snprintf(why, size,
                 "%s: exited, but a process it started kept its output open past the "
                 "timeout; killed",
                 s->program);
    else if (s->timed_out)
        snprintf(why, size, "%s: killed after its timeout", s->program);
    else if (s->too_big)
        snprintf(why, size, "%s: wrote more than %zu bytes; killed", s->program, s->max_bytes);
    else if (WIFSIGNALED(s->status))
        snprintf(why, size, "%s: killed by signal %d", s->program, WTERMSIG(s->status));
    else if (WEXITSTATUS(s->status) != 0)
        snprintf(why, size, "%s: exit status %d", s->program, WEXITSTATUS(s->status));
}

static void maybe_finish(struct spawn *s)
{
    if (!s->exited)
        return;
    if (s->killed) { /* what still holds a pipe is past saving */
        close_pipe(s, &s->out_fd);
        close_pipe(s, &s->err_fd);
    }
    if (s->out_fd >= 0 || s->err_fd >= 0)
        return;
    if (s->timer)
        loop_cancel_timer(s->loop, s->timer);
    struct spawn_result *r = &s->result;
    char why[256] = "";
    failure(s, why, sizeof why);
    if (why[0]) {
        snprintf(r->error, sizeof r->error, "%s%s%.*s", why, s->err_len ? "; stderr: " : "",
                 (int)s->err_len, s->err_tail);
        for (char *c = r->error; *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        free(r->out);
        r->out = NULL;
    } else if (!r->out) {
        r->out = calloc(1, 1);
        if (!r->out)
            snprintf(r->error, sizeof r->error, "%s: out of memory", s->program);
    }
    s->done(s->arg, r);
    free(r->out);
    free(s->program);
    free(s);
}

/* The whole group, also after the program itself has exited: what it left
 * running may hold the pipes. The group id is not reused while any member
 * lives; once none does, the kill finds no group (a new group taking that
 * very number in between is the one risk left, as with any kill(-pgid)). */
static void kill_group(struct spawn *s)
{
    s->killed = true;
    kill(-s->pid, SIGKILL);
}

static void keep_tail(struct spawn *s, const char *buf, size_t n)
{
    if (n >= sizeof s->err_tail) {
        memcpy(s->err_tail, buf + n - sizeof s->err_tail, sizeof s->err_tail);
        s->err_len = sizeof s->err_tail;
        return;
    }
    if (s->err_len + n > sizeof s->err_tail) {
        size_t drop = s->err_len + n - sizeof s->err_tail;
        memmove(s->err_tail, s->err_tail + drop, s->err_len - drop);
        s->err_len -= drop;
    }
    memcpy(s->err_tail + s->err_len, buf, n);
    s->err_len += n;
}

static int keep_out(struct spawn *s, const char *buf, size_t n)
{
    struct spawn_result *r = &s->result;
    if (r->len + n > s->max_bytes)
        return -1;
    if (r->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *grown = realloc(r->out, cap);
        if (!grown)
            return -1;
        r->out = grown;
        s->cap = cap;
    }
    memcpy(r->out + r->len, buf, n);
    r->len += n;
    r->out[r->len] = '\0';
    return 0;
}

static void on_pipe(struct loop *loop, int fd, uint32_t events, void *arg)
{
    struct spawn *s = arg;
    char buf[65536];
    (void)events;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n > 0) {
        if (fd == s->err_fd)
            keep_tail(s, buf, (size_t)n);
        else if (!s->too_big && keep_out(s, buf, (size_t)n) < 0) {
            s->too_big = true;
            kill_group(s);
        }
        return;
    }
    loop_remove_fd(loop, fd);
    close(fd);
    if (fd == s->out_fd)
        s->out_fd = -1;
    else
        s->err_fd = -1;
    maybe_finish(s);
}

static void on_exit_status(struct loop *loop, pid_t pid, int status, void *arg)
{
    (void)loop;
    (void)pid;
    struct spawn *s = arg;
    s->exited = true;
    s->status = status;
    maybe_finish(s);
}

static void on_timeout(struct loop *loop, void *arg)
{
    (void)loop;
    struct spawn *s = arg;
    s->timer = 0;
    s->timed_out = true;
    s->exited_first = s->exited;
    kill_group(s);
    maybe_finish(s); /* at once if the program had exited; else when it is reaped */
}

/* Undoes what spawn_start() set up before the fork, or all of it. */
static void unwatch(struct spawn *s, bool watching)
{
    if (watching) {
        loop_remove_fd(s->loop, s->out_fd);
        loop_remove_fd(s->loop, s->err_fd);
        loop_cancel_timer(s->loop, s->timer);
    }
    if (s->out_fd >= 0)
        close(s->out_fd);
    if (s->err_fd >= 0)
        close(s->err_fd);
    free(s->program);
    free(s);
}

/* Registered before the fork, so that nothing can fail after it but the
 * child watch. */
static int watch(struct spawn *s, int64_t timeout_ms)
{
    fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
    fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
    if (loop_add_fd(s->loop, s->out_fd, EPOLLIN, on_pipe, s) < 0)
        return -1;
    if (loop_add_fd(s->loop, s->err_fd, EPOLLIN, on_pipe, s) < 0) {
        loop_remove_fd(s->loop, s->out_fd);
        return -1;
    }
    s->timer = loop_add_timer(s->loop, timeout_ms, on_timeout, s);
    if (!s->timer) {
        loop_remove_fd(s->loop, s->out_fd);
        loop_remove_fd(s->loop, s->err_fd);
        return -1;
    }
    return 0;
}

struct spawn *spawn_start(struct loop *loop, const char *const *argv, int64_t timeout_ms,
                          size_t max_bytes, spawn_done_fn done, void *arg)
{
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (!argv || !argv[0] || argv[0][0] != '/')
        return NULL;
    struct spawn *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    *s = (struct spawn){.loop = loop,
                        .out_fd = -1,
                        .err_fd = -1,
                        .max_bytes = max_bytes,
                        .done = done,
                        .arg = arg,
                        .program = strdup(argv[0])};
    if (!s->program || pipe2(out, O_CLOEXEC) < 0)
        goto fail;
    s->out_fd = out[0];
    if (pipe2(err, O_CLOEXEC) < 0)
        goto fail;
    s->err_fd = err[0];
    if (watch(s, timeout_ms) < 0)
        goto fail;
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0) {
        unwatch(s, true);
        goto close_ends;
    }
    if (s->pid == 0)
        child(argv, out[1], err[1]);
    setpgid(s->pid, s->pid); /* also in the parent: no race with kill(-pid) */
    close(out[1]);
    close(err[1]);
    if (loop_watch_child(loop, s->pid, on_exit_status, s) < 0) {
        kill(-s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0); /* SIGKILLed: does not block for long */
        unwatch(s, true);
        return NULL;
    }
    return s;
fail:
    unwatch(s, false);
close_ends:
    if (out[1] >= 0)
        close(out[1]);
    if (err[1] >= 0)
        close(err[1]);
    return NULL;
}

/* The callback must not run any more: hand the remains to a no-op. */
static void discard(void *arg, const struct spawn_result *result)
{
    (void)arg;
    (void)result;
}

void spawn_cancel(struct spawn *s)
{
    kill_group(s);
    s->done = discard;
}

void spawn_die_with_parent(pid_t parent)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_UNBLOCK, &stop, NULL); /* blocked for the loop's signalfd */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* it died before the line above */
        _exit(1);
}
