/*
 * loop.c — the event loop (see loop.h), on systemd's sd-event.
 *
 * sd-event watches the fds, signals (signalfd) and children (pidfd), pings
 * the watchdog and sleeps. Timers are ours on top of it, for their order:
 * sd-event marks every time source that elapsed during one wait pending at
 * once and then dispatches them by priority alone, so timers due in the same
 * pass would fire neither by deadline nor by registration (measured with 200
 * such timers on libsystemd 252: 19 deadline and 97 registration
 * inversions). So timers are a binary min-heap keyed by (deadline,
 * registration sequence), and one sd-event time source, set to the heap's
 * earliest deadline before every wait, fires the due ones in that order. The
 * heap holds indices into a table of slots; a timer id is the slot plus its
 * generation, so cancelling an id that already fired, or whose slot has been
 * reused since, does nothing.
 *
 * sd-event dispatches one source per iteration; the loop drives it (prepare,
 * wait, dispatch) itself so that the before-sleep hooks run once nothing is
 * pending, i.e. once per pass as before, not once per event.
 */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "log.h"

#define LOOP_MAX_SIGNALS 8
#define LOOP_MAX_HOOKS 4
/* The hooks also run after this many dispatches without a sleep: a steady
 * stream of events must not put off the commit (the epoll batch before). */
#define LOOP_MAX_BATCH 64
/* Timers have millisecond deadlines; sd-event may wake up to this late to
 * coalesce wake-ups, never early. */
#define LOOP_ACCURACY_US 1000

struct fd_watch {
    struct loop *loop;
    int fd;
    sd_event_source *source;
    loop_fd_fn fn;
    void *arg;
    struct fd_watch *next; /* all watches, for lookup by fd */
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
    struct loop *loop;
    sd_event_source *source;
    loop_child_fn fn;
    void *arg;
    struct child *next;
};

struct signal_handler {
    struct loop *loop;
    loop_signal_fn fn;
    void *arg;
};

struct hook {
    loop_hook_fn fn;
    void *arg;
};

struct loop {
    sd_event *event;
    sd_event_source *clock; /* wakes the loop for the heap's earliest timer */
    uint64_t clock_us;      /* what `clock` is set to */
    bool stopping;
    struct fd_watch *watches;
    struct timer *timers; /* slots, live or free */
    uint32_t *heap;       /* slot indices, earliest (due, seq) first */
    uint32_t n_heap, n_slots, free_slot;
    uint64_t next_seq;
    struct child *children;
    size_t n_children;
    struct signal_handler signals[LOOP_MAX_SIGNALS];
    size_t n_signals;
    struct hook hooks[LOOP_MAX_HOOKS];
    size_t n_hooks;
};

static int on_clock(sd_event_source *source, uint64_t usec, void *arg);
static int on_prepare(sd_event_source *source, void *arg);

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGCHLD is blocked for sd-event's child watches: it refuses them
 * otherwise, and must not race a handler reaping them. */
static int block_signal(int signo)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return sigprocmask(SIG_BLOCK, &set, NULL);
}

struct loop *loop_new(void)
{
    struct loop *loop = calloc(1, sizeof *loop);
    if (!loop)
        return NULL;
    loop->free_slot = TIMER_NONE;
    loop->clock_us = UINT64_MAX;
    if (block_signal(SIGCHLD) < 0 || sd_event_new(&loop->event) < 0 ||
        sd_event_add_time(loop->event, &loop->clock, CLOCK_MONOTONIC, UINT64_MAX, LOOP_ACCURACY_US,
                          on_clock, loop) < 0 ||
        sd_event_source_set_prepare(loop->clock, on_prepare) < 0 ||
        sd_event_source_set_enabled(loop->clock, SD_EVENT_ON) < 0) {
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
        sd_event_source_disable_unref(w->source);
        free(w);
    }
    for (struct child *c = loop->children, *next; c; c = next) {
        next = c->next;
        sd_event_source_disable_unref(c->source);
        free(c);
    }
    sd_event_source_disable_unref(loop->clock);
    sd_event_unref(loop->event); /* and the signal sources it owns */
    free(loop->timers);
    free(loop->heap);
    free(loop);
}

void loop_stop(struct loop *loop)
{
    loop->stopping = true;
}

static struct fd_watch *find_watch(struct loop *loop, int fd)
{
    for (struct fd_watch *w = loop->watches; w; w = w->next)
        if (w->fd == fd)
            return w;
    return NULL;
}

/* `w` may be freed by its own callback: nothing touches it after the call. */
static int on_io(sd_event_source *source, int fd, uint32_t events, void *arg)
{
    (void)source;
    struct fd_watch *w = arg;
    w->fn(w->loop, fd, events, w->arg);
    return 0;
}

int loop_add_fd(struct loop *loop, int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
    struct fd_watch *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    *w = (struct fd_watch){.loop = loop, .fd = fd, .fn = fn, .arg = arg, .next = loop->watches};
    if (sd_event_add_io(loop->event, &w->source, fd, events, on_io, w) < 0) {
        free(w);
        return -1;
    }
    loop->watches = w;
    return 0;
}

int loop_modify_fd(struct loop *loop, int fd, uint32_t events)
{
    struct fd_watch *w = find_watch(loop, fd);
    return w && sd_event_source_set_io_events(w->source, events) >= 0 ? 0 : -1;
}

/* sd-event drops the source from what is pending, so a watch removed by
 * another callback of the same pass is not called any more. */
void loop_remove_fd(struct loop *loop, int fd)
{
    for (struct fd_watch **link = &loop->watches; *link; link = &(*link)->next) {
        struct fd_watch *w = *link;
        if (w->fd == fd) {
            *link = w->next;
            sd_event_source_disable_unref(w->source);
            free(w);
            return;
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

static void run_timers(struct loop *loop);

/* Before every wait: the clock source follows the heap's earliest deadline. */
static int on_prepare(sd_event_source *source, void *arg)
{
    struct loop *loop = arg;
    uint64_t at = UINT64_MAX; /* sd-event's "never" */
    if (loop->n_heap > 0) {
        int64_t due = loop->timers[loop->heap[0]].due_ms;
        at = due < INT64_MAX / 1000 ? (uint64_t)due * 1000 : UINT64_MAX;
    }
    if (at != loop->clock_us && sd_event_source_set_time(source, at) >= 0)
        loop->clock_us = at;
    return 0; /* a negative return would switch the source off for good */
}

static int on_clock(sd_event_source *source, uint64_t usec, void *arg)
{
    (void)source;
    (void)usec;
    run_timers(arg);
    return 0;
}

static int on_signal(sd_event_source *source, const struct signalfd_siginfo *si, void *arg)
{
    (void)source;
    struct signal_handler *h = arg;
    h->fn(h->loop, (int)si->ssi_signo, h->arg);
    return 0;
}

int loop_on_signal(struct loop *loop, int signo, loop_signal_fn fn, void *arg)
{
    if (loop->n_signals == LOOP_MAX_SIGNALS)
        return -1;
    struct signal_handler *h = &loop->signals[loop->n_signals];
    *h = (struct signal_handler){loop, fn, arg};
    /* blocked first, as sd-event wants: delivered through its signalfd only;
     * the source floats, owned and freed by the event loop */
    if (block_signal(signo) < 0 || sd_event_add_signal(loop->event, NULL, signo, on_signal, h) < 0)
        return -1;
    loop->n_signals++;
    return 0;
}

/* The waitpid() status the callers know, from waitid()'s siginfo. */
static int wait_status(const siginfo_t *si)
{
    switch (si->si_code) {
    case CLD_EXITED:
        return (si->si_status & 0xff) << 8;
    case CLD_DUMPED:
        return (si->si_status & 0x7f) | 0x80;
    default: /* CLD_KILLED: only exits are watched */
        return si->si_status & 0x7f;
    }
}

static void forget_child(struct loop *loop, struct child *c)
{
    for (struct child **link = &loop->children; *link; link = &(*link)->next)
        if (*link == c) {
            *link = c->next;
            break;
        }
    loop->n_children--;
}

/* sd-event reaps the child once this returns; unref'ing the source that is
 * being dispatched is safe, sd-event frees it after. */
static int on_child(sd_event_source *source, const siginfo_t *si, void *arg)
{
    struct child c = *(struct child *)arg;
    pid_t pid = si->si_pid;
    int status = wait_status(si);
    forget_child(c.loop, arg);
    free(arg);
    sd_event_source_unref(source);
    c.fn(c.loop, pid, status, c.arg);
    return 0;
}

int loop_watch_child(struct loop *loop, pid_t pid, loop_child_fn fn, void *arg)
{
    struct child *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    *c = (struct child){.loop = loop, .fn = fn, .arg = arg, .next = loop->children};
    if (sd_event_add_child(loop->event, &c->source, pid, WEXITED, on_child, c) < 0) {
        free(c);
        return -1;
    }
    loop->children = c;
    loop->n_children++;
    return 0;
}

size_t loop_children(const struct loop *loop)
{
    return loop->n_children;
}

int loop_watchdog(struct loop *loop)
{
    int r = sd_event_set_watchdog(loop->event, true);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return r > 0;
}

int loop_before_sleep(struct loop *loop, loop_hook_fn fn, void *arg)
{
    if (loop->n_hooks == LOOP_MAX_HOOKS)
        return -1;
    loop->hooks[loop->n_hooks++] = (struct hook){fn, arg};
    return 0;
}

static void run_hooks(struct loop *loop)
{
    for (size_t i = 0; i < loop->n_hooks && !loop->stopping; i++)
        loop->hooks[i].fn(loop, loop->hooks[i].arg);
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

/* One iteration: dispatches one pending source, or sleeps until there is
 * one. When nothing is pending the hooks run first; as they may add work
 * while the loop is armed, it then only polls, and sleeps the next time
 * round if they added nothing. A hook that stops the loop leaves what that
 * poll found pending, for the next loop_run(). */
static int iterate(struct loop *loop, unsigned *dispatched)
{
    int r = 1;
    if (sd_event_get_state(loop->event) != SD_EVENT_PENDING) {
        if (*dispatched >= LOOP_MAX_BATCH) {
            run_hooks(loop);
            *dispatched = 0;
            if (loop->stopping)
                return 0;
        }
        r = sd_event_prepare(loop->event);
        if (r == 0 && *dispatched > 0) {
            run_hooks(loop);
            *dispatched = 0;
            r = sd_event_wait(loop->event, 0);
        } else if (r == 0) {
            r = sd_event_wait(loop->event, UINT64_MAX);
        }
    }
    if (r > 0 && !loop->stopping) {
        r = sd_event_dispatch(loop->event);
        ++*dispatched;
    }
    return r;
}

int loop_run(struct loop *loop)
{
    unsigned dispatched = 1; /* the hooks run before the first wait too */
    loop->stopping = false;
    while (!loop->stopping) {
        int r = iterate(loop, &dispatched);
        if (r < 0) {
            errno = -r; /* sd-event returns -errno */
            log_err_errno("event loop");
            return -1;
        }
    }
    return 0;
}
