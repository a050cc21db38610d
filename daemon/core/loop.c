/*
 * loop.c — the event loop (see loop.h).
 *
 * Timers are a binary min-heap keyed by (deadline, registration sequence):
 * timers due in one pass fire by deadline and, at equal deadlines, in the
 * order they were added, at O(log n) each, and a callback may add or cancel
 * any timer. The heap holds indices into a table of slots; a timer id is the
 * slot plus its generation, so cancelling an id that already fired, or whose
 * slot has been reused since, does nothing. Watches removed while a batch of
 * epoll events is being dispatched are only marked dead and freed after the
 * batch, so a callback may remove any watch, including its own.
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

#define TIMER_NONE UINT32_MAX /* no slot: end of the free list, not in the heap */

struct timer {
    int64_t due_ms;
    uint64_t seq; /* registration order: breaks ties between equal deadlines */
    loop_timer_fn fn;
    void *arg;
    uint32_t generation; /* bumped when the slot is freed: old ids go stale */
    uint32_t heap_pos;   /* index in loop->heap, or TIMER_NONE when free */
    uint32_t next_free;
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
    struct timer *timers; /* slots, live or free */
    uint32_t *heap;       /* slot indices, earliest (due, seq) first */
    uint32_t n_heap, n_slots, free_slot;
    uint64_t next_seq;
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
    loop->free_slot = TIMER_NONE;
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
    free(loop->heap);
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

static bool timer_before(const struct loop *loop, uint32_t a, uint32_t b)
{
    const struct timer *ta = &loop->timers[a], *tb = &loop->timers[b];
    return ta->due_ms < tb->due_ms || (ta->due_ms == tb->due_ms && ta->seq < tb->seq);
}

static void heap_place(struct loop *loop, uint32_t pos, uint32_t slot)
{
    loop->heap[pos] = slot;
    loop->timers[slot].heap_pos = pos;
}

static void heap_up(struct loop *loop, uint32_t pos)
{
    uint32_t slot = loop->heap[pos];
    while (pos > 0 && timer_before(loop, slot, loop->heap[(pos - 1) / 2])) {
        heap_place(loop, pos, loop->heap[(pos - 1) / 2]);
        pos = (pos - 1) / 2;
    }
    heap_place(loop, pos, slot);
}

static void heap_down(struct loop *loop, uint32_t pos)
{
    uint32_t slot = loop->heap[pos];
    for (;;) {
        uint32_t child = 2 * pos + 1;
        if (child >= loop->n_heap)
            break;
        if (child + 1 < loop->n_heap &&
            timer_before(loop, loop->heap[child + 1], loop->heap[child]))
            child++;
        if (!timer_before(loop, loop->heap[child], slot))
            break;
        heap_place(loop, pos, loop->heap[child]);
        pos = child;
    }
    heap_place(loop, pos, slot);
}

/* Takes the slot out of the heap and puts it on the free list. */
static void timer_release(struct loop *loop, uint32_t slot)
{
    struct timer *t = &loop->timers[slot];
    uint32_t pos = t->heap_pos, last = loop->heap[--loop->n_heap];
    t->heap_pos = TIMER_NONE;
    t->generation++;
    t->next_free = loop->free_slot;
    loop->free_slot = slot;
    if (pos == loop->n_heap)
        return;
    heap_place(loop, pos, last); /* the last leaf fills the hole, then finds its place */
    if (pos > 0 && timer_before(loop, last, loop->heap[(pos - 1) / 2]))
        heap_up(loop, pos);
    else
        heap_down(loop, pos);
}

/* Doubles the slot table (and the heap with it); -1 when out of memory. */
static int timers_grow(struct loop *loop)
{
    uint32_t cap = loop->n_slots ? loop->n_slots * 2 : 16;
    if (loop->n_slots >= TIMER_NONE / 2)
        return -1;
    struct timer *timers = reallocarray(loop->timers, cap, sizeof *timers);
    if (!timers)
        return -1;
    loop->timers = timers;
    uint32_t *heap = reallocarray(loop->heap, cap, sizeof *heap);
    if (!heap)
        return -1;
    loop->heap = heap;
    for (uint32_t i = loop->n_slots; i < cap; i++)
        timers[i] =
            (struct timer){.heap_pos = TIMER_NONE, .next_free = i + 1 < cap ? i + 1 : TIMER_NONE};
    loop->free_slot = loop->n_slots; /* only grown when the free list is empty */
    loop->n_slots = cap;
    return 0;
}

uint64_t loop_add_timer(struct loop *loop, int64_t delay_ms, loop_timer_fn fn, void *arg)
{
    if (loop->free_slot == TIMER_NONE && timers_grow(loop) < 0)
        return 0;
    int64_t now = loop_now_ms();
    if (delay_ms < 0)
        delay_ms = 0;
    if (delay_ms > INT64_MAX - now) /* "never", in effect; no overflow */
        delay_ms = INT64_MAX - now;
    uint32_t slot = loop->free_slot;
    struct timer *t = &loop->timers[slot];
    loop->free_slot = t->next_free;
    t->due_ms = now + delay_ms;
    t->seq = loop->next_seq++;
    t->fn = fn;
    t->arg = arg;
    loop->heap[loop->n_heap] = slot;
    heap_up(loop, loop->n_heap++);
    return (uint64_t)t->generation << 32 | (uint64_t)(slot + 1);
}

void loop_cancel_timer(struct loop *loop, uint64_t id)
{
    uint32_t slot = (uint32_t)(id & 0xffffffffu) - 1, generation = (uint32_t)(id >> 32);
    if (id == 0 || slot >= loop->n_slots)
        return;
    struct timer *t = &loop->timers[slot];
    if (t->heap_pos != TIMER_NONE && t->generation == generation)
        timer_release(loop, slot);
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
    if (loop->n_heap == 0)
        return -1;
    int64_t wait = loop->timers[loop->heap[0]].due_ms - loop_now_ms();
    if (wait < 0)
        return 0;
    return wait > 3600000 ? 3600000 : (int)wait;
}

/* Fires timers that were due when the pass began, earliest first; timers
 * they add wait for the next pass. A timer added now sorts after every
 * timer that was due at the start of the pass, so meeting one ends it. */
static void run_timers(struct loop *loop)
{
    int64_t now = loop_now_ms();
    uint64_t first_new = loop->next_seq;
    while (loop->n_heap > 0 && !loop->stopping) {
        uint32_t slot = loop->heap[0];
        struct timer t = loop->timers[slot];
        if (t.due_ms > now || t.seq >= first_new)
            break;
        timer_release(loop, slot); /* before the call: it may add or cancel timers */
        t.fn(loop, t.arg);
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
