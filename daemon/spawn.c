/*
 * spawn.c — programs run for the exec collector (see spawn.h).
 *
 * The child gets its own process group so a timeout kills whatever it
 * started too. The result is reported once the process has been reaped and
 * both pipes are closed, whichever comes last.
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
    bool exited, timed_out, too_big, cancelled;
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

static void maybe_finish(struct spawn *s)
{
    if (!s->exited || s->out_fd >= 0 || s->err_fd >= 0)
        return;
    if (s->timer)
        loop_cancel_timer(s->loop, s->timer);
    struct spawn_result *r = &s->result;
    char why[256] = "";
    if (s->timed_out)
        snprintf(why, sizeof why, "%s: killed after its timeout", s->program);
    else if (s->too_big)
        snprintf(why, sizeof why, "%s: wrote more than %zu bytes; killed", s->program, s->max_bytes);
    else if (WIFSIGNALED(s->status))
        snprintf(why, sizeof why, "%s: killed by signal %d", s->program, WTERMSIG(s->status));
    else if (WEXITSTATUS(s->status) != 0)
        snprintf(why, sizeof why, "%s: exit status %d", s->program, WEXITSTATUS(s->status));
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
    }
    s->done(s->arg, r);
    free(r->out);
    free(s->program);
    free(s);
}

static void kill_group(struct spawn *s)
{
    if (!s->exited)
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
    kill_group(s);
}

struct spawn *spawn_start(struct loop *loop, const char *const *argv, int64_t timeout_ms,
                          size_t max_bytes, spawn_done_fn done, void *arg)
{
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    struct spawn *s = calloc(1, sizeof *s);
    if (!s || !argv || !argv[0] || argv[0][0] != '/' || pipe2(out, O_CLOEXEC) < 0 ||
        pipe2(err, O_CLOEXEC) < 0)
        goto fail;
    *s = (struct spawn){.loop = loop, .out_fd = out[0], .err_fd = err[0], .max_bytes = max_bytes,
                        .done = done, .arg = arg, .program = strdup(argv[0])};
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0)
        goto fail;
    if (s->pid == 0)
        child(argv, out[1], err[1]);
    setpgid(s->pid, s->pid); /* also in the parent: no race with kill(-pid) */
    close(out[1]);
    close(err[1]);
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    loop_add_fd(loop, out[0], EPOLLIN, on_pipe, s);
    loop_add_fd(loop, err[0], EPOLLIN, on_pipe, s);
    loop_watch_child(loop, s->pid, on_exit_status, s);
    s->timer = loop_add_timer(loop, timeout_ms, on_timeout, s);
    return s;
fail:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (err[i] >= 0)
            close(err[i]);
    }
    if (s)
        free(s->program);
    free(s);
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
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* it died before the line above */
        _exit(1);
}
