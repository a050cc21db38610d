/*
 * offload.c — slow work in forked children, read back by the loop (see
 * offload.h).
 *
 * A job ends when its child has exited (the loop reaps it) and its pipe is
 * at end of file, whichever comes last; once the child has been killed the
 * pipe is not waited for. The child writes into memory first and into the
 * pipe only once it knows whether it succeeded, so the pipe carries the
 * document or the error, never a document and then an error.
 */
#include "offload.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"

#define ERROR_MAX 1024

struct offload {
    struct loop *loop;
    struct offload_settings settings;
    struct offload_job *jobs;
    size_t n_jobs;
};

struct offload_job {
    struct offload *pool;
    pid_t pid;
    int fd; /* the pipe's read end; -1 once closed */
    uint64_t timer;
    int status;
    bool exited, killed, timed_out, too_big, cancelled;
    char *buf;
    size_t len, cap;
    offload_done_fn done;
    void *done_arg;
    struct offload_job *next;
};

struct offload *offload_new(struct loop *loop, const struct offload_settings *settings)
{
    struct offload *o = calloc(1, sizeof *o);
    if (o)
        *o = (struct offload){.loop = loop, .settings = *settings};
    return o;
}

size_t offload_running(const struct offload *o)
{
    return o ? o->n_jobs : 0;
}

/* ---- the child ---- */

static void hold_for_test(void)
{
    const char *hold = getenv(OFFLOAD_HOLD_ENV);
    const struct timespec tick = {.tv_nsec = 10 * 1000 * 1000};
    while (hold && *hold && access(hold, F_OK) != 0)
        nanosleep(&tick, NULL); /* the parent's timeout ends this if the file never comes */
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n, len -= (size_t)n;
    }
    return 0;
}

static void __attribute__((noreturn))
child(const struct offload *o, pid_t parent, int fd, offload_work_fn work, void *arg)
{
    char err[ERROR_MAX] = "", *doc = NULL;
    size_t len = 0;
    sigset_t none;
    spawn_die_with_parent(parent);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* the loop's signals (TERM) end the child */
    if (o->settings.in_child)
        o->settings.in_child(o->settings.in_child_arg);
    hold_for_test();
    FILE *out = open_memstream(&doc, &len);
    int rc = out ? work(out, arg, err, sizeof err) : -1;
    if (!out || fclose(out) != 0) {
        rc = -1;
        snprintf(err, sizeof err, "out of memory");
    }
    if (rc < 0 && !err[0])
        snprintf(err, sizeof err, "failed; see pejld's log");
    int wrote = rc == 0 ? write_all(fd, doc ? doc : "", len) : write_all(fd, err, strlen(err));
    _exit(rc == 0 && wrote == 0 ? 0 : 1);
}

/* ---- the parent ---- */

static void close_pipe(struct offload_job *j)
{
    if (j->fd < 0)
        return;
    loop_remove_fd(j->pool->loop, j->fd);
    close(j->fd);
    j->fd = -1;
}

static void unlink_job(struct offload_job *j)
{
    struct offload *o = j->pool;
    for (struct offload_job **p = &o->jobs; *p; p = &(*p)->next)
        if (*p == j) {
            *p = j->next;
            o->n_jobs--;
            return;
        }
}

static void job_free(struct offload_job *j)
{
    close_pipe(j);
    if (j->timer)
        loop_cancel_timer(j->pool->loop, j->timer);
    unlink_job(j);
    free(j->buf);
    free(j);
}

/* Why the job failed in `why`; "" when it did not. */
static void failure(const struct offload_job *j, char *why, size_t size)
{
    const struct offload_settings *s = &j->pool->settings;
    bool mib = s->max_bytes >= (1 << 20);
    why[0] = '\0';
    if (j->timed_out)
        snprintf(why, size, "the %s took longer than %g s and was stopped; try again later",
                 s->what, (double)s->timeout_ms / 1000);
    else if (j->too_big)
        snprintf(why, size, "the %s's answer is larger than the %zu %s one may hold", s->what,
                 s->max_bytes >> (mib ? 20 : 10), mib ? "MiB" : "KiB");
    else if (WIFSIGNALED(j->status))
        snprintf(why, size, "the %s was killed by signal %d", s->what, WTERMSIG(j->status));
    else if (WEXITSTATUS(j->status) != 0)
        snprintf(why, size, "%.*s", j->len ? (int)j->len : ERROR_MAX, j->len ? j->buf : "failed");
}

static void maybe_finish(struct offload_job *j)
{
    char why[ERROR_MAX + 128];
    if (!j->exited)
        return;
    if (j->killed)
        close_pipe(j); /* the child is gone; what it wrote is not wanted */
    if (j->fd >= 0)
        return;
    failure(j, why, sizeof why);
    if (!j->cancelled && why[0])
        j->done(j->done_arg, NULL, 0, why);
    else if (!j->cancelled)
        j->done(j->done_arg, j->buf ? j->buf : "", j->len, NULL);
    job_free(j);
}

static void kill_child(struct offload_job *j)
{
    if (j->exited || j->killed)
        return; /* reaped, or about to be: its pid may not be ours any more */
    j->killed = true;
    kill(j->pid, SIGKILL);
}

static int keep(struct offload_job *j, const char *data, size_t n)
{
    if (n > j->pool->settings.max_bytes - j->len)
        return -1;
    if (j->len + n + 1 > j->cap) {
        size_t cap = j->cap ? j->cap : 65536;
        while (cap < j->len + n + 1)
            cap *= 2;
        char *grown = realloc(j->buf, cap);
        if (!grown)
            return -1;
        j->buf = grown, j->cap = cap;
    }
    memcpy(j->buf + j->len, data, n);
    j->len += n;
    j->buf[j->len] = '\0';
    return 0;
}

static void on_pipe(struct loop *loop, int fd, uint32_t events, void *arg)
{
    struct offload_job *j = arg;
    char chunk[65536];
    (void)loop, (void)fd, (void)events;
    ssize_t n = read(j->fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n > 0) {
        if (!j->too_big && keep(j, chunk, (size_t)n) < 0) {
            j->too_big = true;
            kill_child(j);
        }
        return;
    }
    close_pipe(j);
    maybe_finish(j);
}

static void on_exit_status(struct loop *loop, pid_t pid, int status, void *arg)
{
    struct offload_job *j = arg;
    (void)loop, (void)pid;
    j->exited = true;
    j->status = status;
    maybe_finish(j);
}

static void on_timeout(struct loop *loop, void *arg)
{
    struct offload_job *j = arg;
    (void)loop;
    j->timer = 0;
    if (j->exited)
        return; /* only its pipe is open: an EOF is on its way */
    j->timed_out = true;
    log_warn("%s: no answer after %g s; killed", j->pool->settings.what,
             (double)j->pool->settings.timeout_ms / 1000);
    kill_child(j);
}

/* The pipe and the timer, watched before the fork so that nothing but the
 * child watch can fail after it. */
static int watch(struct offload_job *j)
{
    struct offload *o = j->pool;
    fcntl(j->fd, F_SETFL, O_NONBLOCK);
    if (loop_add_fd(o->loop, j->fd, EPOLLIN, on_pipe, j) < 0)
        return -1;
    j->timer = loop_add_timer(o->loop, o->settings.timeout_ms, on_timeout, j);
    if (!j->timer) {
        loop_remove_fd(o->loop, j->fd);
        return -1;
    }
    return 0;
}

static int fork_child(struct offload_job *j, int write_end, offload_work_fn work, void *arg)
{
    struct offload *o = j->pool;
    fflush(NULL); /* the child must not write out the parent's buffered stdio */
    pid_t parent = getpid();
    j->pid = fork();
    if (j->pid == 0) {
        close(j->fd);
        child(o, parent, write_end, work, arg);
    }
    close(write_end);
    if (j->pid < 0)
        return -1;
    if (loop_watch_child(o->loop, j->pid, on_exit_status, j) < 0) {
        kill(j->pid, SIGKILL);
        waitpid(j->pid, NULL, 0); /* SIGKILLed: does not block for long */
        return -1;
    }
    return 0;
}

enum offload_start offload_start(struct offload *o, offload_work_fn work, void *work_arg,
                                 offload_done_fn done, void *done_arg, struct offload_job **job,
                                 char *err, size_t errlen)
{
    int ends[2];
    *job = NULL;
    if (o->n_jobs >= o->settings.max_jobs) {
        snprintf(err, errlen, "busy: %zu %ss run already; try again shortly", o->n_jobs,
                 o->settings.what);
        return OFFLOAD_BUSY;
    }
    struct offload_job *j = calloc(1, sizeof *j);
    if (!j || pipe2(ends, O_CLOEXEC) < 0) {
        free(j);
        snprintf(err, errlen, "cannot start the %s: %s", o->settings.what, strerror(errno));
        return OFFLOAD_FAILED;
    }
    *j = (struct offload_job){.pool = o, .fd = ends[0], .done = done, .done_arg = done_arg};
    if (watch(j) < 0 || fork_child(j, ends[1], work, work_arg) < 0) {
        snprintf(err, errlen, "cannot start the %s: %s", o->settings.what, strerror(errno));
        if (j->timer) { /* watched: undo it */
            loop_remove_fd(o->loop, j->fd);
            loop_cancel_timer(o->loop, j->timer);
        } else {
            close(ends[1]);
        }
        close(j->fd);
        free(j);
        return OFFLOAD_FAILED;
    }
    j->next = o->jobs;
    o->jobs = j;
    o->n_jobs++;
    *job = j;
    return OFFLOAD_STARTED;
}

void offload_cancel(struct offload_job *j)
{
    if (!j)
        return;
    j->cancelled = true;
    kill_child(j);
}

void offload_free(struct offload *o)
{
    if (!o)
        return;
    while (o->jobs) {
        struct offload_job *j = o->jobs;
        if (!j->exited) {
            kill(j->pid, SIGKILL);
            waitpid(j->pid, NULL, 0);
        }
        job_free(j);
    }
    free(o);
}
