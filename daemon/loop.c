/*
 * loop.c — the event loop (see loop.h).
 *
 * Timers live in a plain array: pejld has one per indicator plus a few, and a
 * linear scan per pass is cheaper than keeping a heap for dozens to a few
 * thousand entries. Watches removed while a batch of epoll events is being
 * dispatched are only marked dead and freed after the batch, so a callback
 * may remove any watch, including its own.
 */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOOP_MAX_EVENTS 64
#define LOOP_MAX_SIGNALS 8
#define LOOP_MAX_HOOKS 4

struct fd_watch {
    int fd;
    bool dead;
    loop_fd_fn fn;
    void *arg;
    struct fd_watch *next; /* all watches, for lookup and deferred free */
};

struct timer {
    uint64_t id;
    int64_t due_ms;
    loop_timer_fn fn;
    void *arg;
};

struct child {
    pid_t pid;
    loop_child_fn fn;
    void *arg;
};

struct signal_handler {
    int signo;
    loop_signal_fn fn;
    void *arg;
};

struct hook {
    loop_hook_fn fn;
    void *arg;
};

struct loop {
    int epfd;
    int sigfd;
    sigset_t sigmask;
    bool stopping;
    struct fd_watch *watches;
    struct timer *timers;
    size_t n_timers, cap_timers;
    uint64_t next_timer_id;
    struct child *children;
    size_t n_children, cap_children;
    struct signal_handler signals[LOOP_MAX_SIGNALS];
    size_t n_signals;
    struct hook hooks[LOOP_MAX_HOOKS];
    size_t n_hooks;
};

static void on_signalfd(struct loop *loop, int fd, uint32_t events, void *arg);

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
    struct loop *loop = calloc(1, sizeof *loop);
    if (!loop)
        return NULL;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->sigfd = -1;
    loop->next_timer_id = 1;
    sigemptyset(&loop->sigmask);
    if (loop->epfd < 0) {
        free(loop);
        return NULL;
    }
    /* SIGCHLD is always ours: children are reaped by the loop. */
    sigaddset(&loop->sigmask, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0 ||
        (loop->sigfd = signalfd(-1, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0 ||
        loop_add_fd(loop, loop->sigfd, EPOLLIN, on_signalfd, NULL) < 0) {
        loop_free(loop);
        return NULL;
    }
    return loop;
}

void loop_free(struct loop *loop)
{
    if (!loop)
        return;
    for (struct fd_watch *w = loop->watches, *next; w; w = next) {
        next = w->next;
        free(w);
    }
    if (loop->sigfd >= 0)
        close(loop->sigfd);
    close(loop->epfd);
    free(loop->timers);
    free(loop->children);
    free(loop);
}

void loop_stop(struct loop *loop)
{
    loop->stopping = true;
}

static struct fd_watch *find_watch(struct loop *loop, int fd)
{
    for (struct fd_watch *w = loop->watches; w; w = w->next)
        if (w->fd == fd && !w->dead)
            return w;
    return NULL;
}

int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
    struct fd_watch *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    *w = (struct fd_watch){.fd = fd, .fn = fn, .arg = arg, .next = loop->watches};
    struct epoll_event ev = {.events = events, .data.ptr = w};
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        free(w);
        return -1;
    }
    loop->watches = w;
    return 0;
}

int loop_modify_fd(struct loop *loop, int fd, uint32_t events)
{
    struct fd_watch *w = find_watch(loop, fd);
    struct epoll_event ev = {.events = events, .data.ptr = w};
    return w ? epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) : -1;
}

void loop_remove_fd(struct loop *loop, int fd)
{
    struct fd_watch *w = find_watch(loop, fd);
    if (!w)
        return;
    epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    w->dead = true; /* freed after the current dispatch batch */
}

static void free_dead_watches(struct loop *loop)
{
    struct fd_watch **link = &loop->watches;
    while (*link) {
        struct fd_watch *w = *link;
        if (w->dead) {
            *link = w->next;
            free(w);
        } else {
            link = &w->next;
        }
    }
}

uint64_t loop_add_timer(struct loop *loop, int64_t delay_ms, loop_timer_fn fn, void *arg)
{
    if (loop->n_timers == loop->cap_timers) {
        size_t cap = loop->cap_timers ? loop->cap_timers * 2 : 16;
        struct timer *t = realloc(loop->timers, cap * sizeof *t);
        if (!t)
            return 0;
        loop->timers = t;
        loop->cap_timers = cap;
    }
    uint64_t id = loop->next_timer_id++;
    loop->timers[loop->n_timers++] =
        (struct timer){.id = id, .due_ms = loop_now_ms() + delay_ms, .fn = fn, .arg = arg};
    return id;
}

void loop_cancel_timer(struct loop *loop, uint64_t id)
{
    for (size_t i = 0; i < loop->n_timers; i++) {
        if (loop->timers[i].id == id) {
            loop->timers[i] = loop->timers[--loop->n_timers];
            return;
        }
    }
}

int loop_on_signal(struct loop *loop, int signo, loop_signal_fn fn, void *arg)
{
    if (loop->n_signals == LOOP_MAX_SIGNALS)
        return -1;
    loop->signals[loop->n_signals++] = (struct signal_handler){signo, fn, arg};
    sigaddset(&loop->sigmask, signo);
    if (sigprocmask(SIG_BLOCK, &loop->sigmask, NULL) < 0)
        return -1;
    return signalfd(loop->sigfd, &loop->sigmask, 0) < 0 ? -1 : 0;
}

int loop_watch_child(struct loop *loop, pid_t pid, loop_child_fn fn, void *arg)
{
    if (loop->n_children == loop->cap_children) {
        size_t cap = loop->cap_children ? loop->cap_children * 2 : 8;
        struct child *c = realloc(loop->children, cap * sizeof *c);
        if (!c)
            return -1;
        loop->children = c;
        loop->cap_children = cap;
    }
    loop->children[loop->n_children++] = (struct child){pid, fn, arg};
    return 0;
}

size_t loop_children(const struct loop *loop)
{
    return loop->n_children;
}

int loop_before_sleep(struct loop *loop, loop_hook_fn fn, void *arg)
{
    if (loop->n_hooks == LOOP_MAX_HOOKS)
        return -1;
    loop->hooks[loop->n_hooks++] = (struct hook){fn, arg};
    return 0;
}

/* Reaps every exited child we watch; SIGCHLD signals coalesce, so loop. */
static void reap_children(struct loop *loop)
{
    for (size_t i = 0; i < loop->n_children;) {
        int status;
        pid_t pid = waitpid(loop->children[i].pid, &status, WNOHANG);
        if (pid <= 0) {
            i++;
            continue;
        }
        struct child c = loop->children[i];
        loop->children[i] = loop->children[--loop->n_children];
        c.fn(loop, pid, status, c.arg);
    }
}

static void on_signalfd(struct loop *loop, int fd, uint32_t events, void *arg)
{
    (void)events;
    (void)arg;
    struct signalfd_siginfo si;
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if ((int)si.ssi_signo == SIGCHLD) {
            reap_children(loop);
            continue;
        }
        for (size_t i = 0; i < loop->n_signals; i++)
            if (loop->signals[i].signo == (int)si.ssi_signo)
                loop->signals[i].fn(loop, (int)si.ssi_signo, loop->signals[i].arg);
    }
}

static int next_timeout_ms(const struct loop *loop)
{
    if (loop->n_timers == 0)
        return -1;
    int64_t due = loop->timers[0].due_ms;
    for (size_t i = 1; i < loop->n_timers; i++)
        if (loop->timers[i].due_ms < due)
            due = loop->timers[i].due_ms;
    int64_t wait = due - loop_now_ms();
    if (wait < 0)
        return 0;
    return wait > 3600000 ? 3600000 : (int)wait;
}

/* Fires timers that were due when the pass began; timers they add wait for the next pass. */
static void run_timers(struct loop *loop)
{
    int64_t now = loop_now_ms();
    uint64_t last_id = loop->next_timer_id - 1;
    for (size_t i = 0; i < loop->n_timers && !loop->stopping;) {
        struct timer t = loop->timers[i];
        if (t.due_ms > now || t.id > last_id) {
            i++;
            continue;
        }
        loop->timers[i] = loop->timers[--loop->n_timers];
        t.fn(loop, t.arg);
        i = 0; /* the callback may have changed the array */
    }
}

static void dispatch(struct loop *loop, struct epoll_event *events, int n)
{
    for (int i = 0; i < n; i++) {
        struct fd_watch *w = events[i].data.ptr;
        if (!w->dead)
            w->fn(loop, w->fd, events[i].events, w->arg);
    }
    free_dead_watches(loop);
}

int loop_run(struct loop *loop)
{
    struct epoll_event events[LOOP_MAX_EVENTS];
    loop->stopping = false;
    while (!loop->stopping) {
        for (size_t i = 0; i < loop->n_hooks; i++)
            loop->hooks[i].fn(loop, loop->hooks[i].arg);
        if (loop->stopping)
            break;
        int n = epoll_wait(loop->epfd, events, LOOP_MAX_EVENTS, next_timeout_ms(loop));
        if (n < 0 && errno != EINTR) {
            log_err("event loop: epoll_wait: %s", strerror(errno));
            return -1;
        }
        if (n > 0)
            dispatch(loop, events, n);
        run_timers(loop);
    }
    return 0;
}
