/*
 * grapher.c — graphs drawn in a child process (see grapher.h).
 */
#include "grapher.h"

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "array.h"
#include "atomic_file.h"
#include "graph_key.h"
#include "graph_plan.h"
#include "rrdview.h"
#include "log.h"
#include "name_index.h"
#include "spawn.h"
#include "period.h"

struct grapher {
    struct loop *loop;
    struct graph_settings settings;
    struct store *store;
    grapher_idle_fn idle;
    void *arg;
    char (*queue)[INDICATOR_ID_MAX + 1];
    size_t n, cap;
    struct name_index queued; /* the ids in queue (its keys live there) */
    pid_t child, parent;
    unsigned failures;
    int64_t now; /* --now: graphs evaluated as at then; 0: the clock */
    /* The batch window: a child starts at most once per `window_ms` (from
     * the start of the last, `forked_ms`); requests queued meanwhile wait
     * and one child draws them all (timer `window`). */
    int64_t window_ms, forked_ms, window_due;
    uint64_t window, deadline;           /* timers; deadline: the child is hung */
    char (*batch)[INDICATOR_ID_MAX + 1]; /* the queue the child was given */
    size_t n_batch, cap_batch;
    bool retried; /* the batch is drawn again once after the child crashed */
    unsigned forks;
};

static void kick(struct grapher *g);

struct grapher *grapher_new(struct loop *loop, const struct graph_settings *settings,
                            struct store *store, grapher_idle_fn idle, void *arg)
{
    struct grapher *g = calloc(1, sizeof *g);
    if (g)
        *g = (struct grapher){
            .loop = loop, .settings = *settings, .store = store, .idle = idle, .arg = arg};
    return g;
}

void grapher_use_settings(struct grapher *g, const struct graph_settings *settings)
{
    g->settings = *settings;
}

void grapher_free(struct grapher *g)
{
    if (!g)
        return;
    loop_cancel_timer(g->loop, g->window);
    loop_cancel_timer(g->loop, g->deadline);
    if (g->child > 0) { /* a graph is only a view: stop it, the next start redraws */
        kill(g->child, SIGTERM);
        waitpid(g->child, NULL, 0);
    }
    name_index_clear(&g->queued);
    free(g->queue);
    free(g->batch);
    free(g);
}

/* Indexes the queue afresh: its ids moved when it grew. */
static int index_queue(struct grapher *g)
{
    name_index_clear(&g->queued);
    for (size_t i = 0; i < g->n; i++)
        if (name_index_put(&g->queued, g->queue[i], g->queue[i]) < 0)
            return -1;
    return 0;
}

/* A request already queued is not queued twice; found by a hash, as a
 * start-up queues every indicator. (Without memory for the index an id
 * may be queued twice: drawn twice, the second time found unchanged.) */
void grapher_request(struct grapher *g, const char *id)
{
    if (name_index_get(&g->queued, id))
        return;
    const void *before = g->queue;
    if (array_grow((void **)&g->queue, &g->cap, g->n + 1, sizeof *g->queue) < 0) {
        log_err("%s: graph not queued: out of memory", id);
        return;
    }
    char *slot = g->queue[g->n++];
    snprintf(slot, sizeof *g->queue, "%s", id);
    if ((g->queue != before ? index_queue(g) : name_index_put(&g->queued, slot, slot)) < 0)
        log_err("%s: out of memory for the graph queue's index", id);
    kick(g);
}

void grapher_set_now(struct grapher *g, int64_t now)
{
    g->now = now;
}

bool grapher_busy(const struct grapher *g)
{
    return g->child > 0 || g->n > 0;
}

unsigned grapher_failures(const struct grapher *g)
{
    return g->failures;
}

unsigned grapher_forks(const struct grapher *g)
{
    return g->forks;
}

void grapher_set_window(struct grapher *g, int64_t window_ms)
{
    g->window_ms = window_ms;
}

/* Draws the planned graph unless the one on disk was drawn with the same key. */
static int draw_if_changed(struct graph_plan *plan, struct store *store, const char *id,
                           int64_t now, const char *png)
{
    char err[512];
    uint64_t key = graph_key_of(graph_plan_spec(plan), store_series_set(store), id, now);
    if (graph_key_current(png, key))
        return GRAPHER_UNCHANGED;
    if (graph_plan_draw(plan, id, png, "PNG") < 0)
        return -1;
    if (graph_key_save(png, key, err, sizeof err) < 0)
        log_warn("%s: graph drawn, but its key not kept (it is drawn again next time): %s", id,
                 err);
    return 0;
}

/* Copies the open file `from` (of `size` bytes) to a new file `dest`. */
static int copy_file(int from, off_t size, const char *dest)
{
    int to = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
    char buf[64 * 1024];
    off_t done = 0;
    ssize_t n = 0;
    while (to >= 0 && done < size && (n = read(from, buf, sizeof buf)) > 0 &&
           atomic_file_write_all(to, buf, (size_t)n) == 0)
        done += n;
    if (to >= 0 && close(to) < 0)
        done = -1;
    return to >= 0 && done == size ? 0 : -1;
}

bool grapher_copy_current(const struct graph_settings *settings, struct store *store,
                          const char *id, int64_t now, const char *dest)
{
    char *png = NULL, err[512];
    struct graph_plan *plan = graph_plan_new(settings, store, id, now, err, sizeof err);
    if (!plan || asprintf(&png, "%s/%s.png", settings->graph_dir, id) < 0) {
        graph_plan_free(plan);
        return false;
    }
    uint64_t key = graph_key_of(graph_plan_spec(plan), store_series_set(store), id, now);
    graph_plan_free(plan);
    bool copied = false;
    int from = graph_key_current(png, key) ? open(png, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    struct stat st;
    if (from >= 0 && fstat(from, &st) == 0 && copy_file(from, st.st_size, dest) == 0)
        copied = graph_key_current(png, key); /* not redrawn meanwhile */
    if (from >= 0)
        close(from);
    if (!copied)
        unlink(dest); /* what was begun; the caller draws it */
    free(png);
    return copied;
}

int grapher_draw_one(const struct graph_settings *settings, struct store *store, const char *id,
                     int64_t now)
{
    char *png = NULL, err[512];
    struct graph_plan *plan = graph_plan_new(settings, store, id, now, err, sizeof err);
    if (!plan && err[0])
        log_err("%s: graph not drawn: %s", id, err);
    if (!plan)
        return err[0] ? -1 : GRAPHER_UNCHANGED; /* nothing stored yet: no graph */
    int rc = asprintf(&png, "%s/%s.png", settings->graph_dir, id) < 0
                 ? -1
                 : draw_if_changed(plan, store, id, now, png);
    free(png);
    graph_plan_free(plan);
    return rc;
}

/* A batch this large is shared with a second drawing process when the
 * machine has a second CPU: a start-up's whole catalogue is drawn in half
 * the time, and a graph (librrd, cairo, PNG encoding) is all CPU. Smaller
 * batches are not worth the fork. */
#define GRAPHER_SHARE_MIN 16
#define GRAPHER_WORKERS_MAX 2

static size_t drawing_workers(size_t n)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < GRAPHER_SHARE_MIN || cpus < 2)
        return 1;
    return cpus < GRAPHER_WORKERS_MAX ? (size_t)cpus : GRAPHER_WORKERS_MAX;
}

/* This process's CPU time (user + system), for the log. */
static double cpu_seconds(void)
{
    struct timespec ts;
    return clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 ? (double)ts.tv_sec + ts.tv_nsec / 1e9
                                                             : 0;
}

/* The next graph of the batch, shared by its drawing processes (a page
 * mapped before they are forked): each takes the next one not yet taken,
 * so one held up by a costly graph, or given less CPU, does not leave the
 * other idle at the end of the batch (as every other graph each did). */
struct share {
    atomic_size_t next;
};

static struct share *share_new(void)
{
    struct share *share =
        mmap(NULL, sizeof *share, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (share == MAP_FAILED)
        return NULL;
    atomic_init(&share->next, 0);
    return share;
}

/* Draws graphs of the queue taken from `share` until none is left; the
 * number that failed. */
static int draw_share(struct grapher *g, struct share *share)
{
    int failed = 0;
    size_t unchanged = 0, n = 0;
    int64_t started = loop_now_ms();
    double cpu = cpu_seconds();
    for (size_t i; (i = atomic_fetch_add(&share->next, 1)) < g->n; n++) {
        int rc = grapher_draw_one(&g->settings, g->store, g->queue[i],
                                  g->now ? g->now : (int64_t)time(NULL));
        failed += rc < 0;
        unchanged += rc == GRAPHER_UNCHANGED;
    }
    log_info("graphs: %zu drawn, %zu unchanged, %d failed in %.2f s (%.2f s CPU)",
             n - unchanged - (size_t)failed, unchanged, failed,
             (double)(loop_now_ms() - started) / 1000, cpu_seconds() - cpu);
    return failed;
}

/* The child: draws the queue it was forked with, then exits; a large
 * queue shared with helpers it forks (each dies with it, so the parent's
 * kill of a hung child stops them all). */
static void __attribute__((noreturn)) draw_queue(struct grapher *g)
{
    spawn_die_with_parent(g->parent); /* a late drawing would race the next pejld */
    store_leave_journal(g->store); /* the journal lock is pejld's alone */
    setenv("TZ", "UTC", 1); /* periods are UTC; so are the axes */
    tzset();
    if (rrdview_daemon(store_rrdview(g->store)))
        rrdc_disconnect(); /* the parent's connection is not ours to use */
    struct share own, *share = share_new();
    size_t workers = share ? drawing_workers(g->n) : 1; /* no shared page: all here */
    pid_t helpers[GRAPHER_WORKERS_MAX] = {0}, self = getpid();
    if (!share) {
        atomic_init(&own.next, 0);
        share = &own;
    }
    for (size_t w = 1; w < workers; w++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) { /* a helper: takes graphs until none is left */
            spawn_die_with_parent(self);
            _exit(draw_share(g, share) ? 1 : 0);
        }
        helpers[w] = pid; /* fork failed (-1): the others draw its share */
    }
    int failed = draw_share(g, share);
    for (size_t w = 1; w < workers; w++) {
        int status;
        if (helpers[w] > 0 && (waitpid(helpers[w], &status, 0) != helpers[w] ||
                               !WIFEXITED(status) || WEXITSTATUS(status) != 0))
            failed++;
    }
    _exit(failed ? 1 : 0);
}

/* A child killed by a signal (a crash, or hung and killed) draws its batch
 * again, once: graphs it finished are skipped by their keys. */
static void retry_batch(struct grapher *g)
{
    if (g->retried) {
        g->retried = false;
        return;
    }
    g->retried = true;
    for (size_t i = 0; i < g->n_batch; i++)
        grapher_request(g, g->batch[i]);
}

static void on_child_exit(struct loop *loop, pid_t pid, int status, void *arg)
{
    (void)loop;
    (void)pid;
    struct grapher *g = arg;
    g->child = 0;
    loop_cancel_timer(g->loop, g->deadline);
    g->deadline = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g->failures++;
        log_err("graphs: the drawing process failed (%s %d)",
                WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    }
    if (WIFSIGNALED(status))
        retry_batch(g);
    else
        g->retried = false;
    kick(g);
    if (!grapher_busy(g) && g->idle)
        g->idle(g->arg);
}

static void on_hung(struct loop *loop, void *arg)
{
    (void)loop;
    struct grapher *g = arg;
    g->deadline = 0;
    if (g->child <= 0)
        return;
    log_err("graphs: the drawing process %d ran past %d s for %zu graphs; killed", (int)g->child,
            (int)(GRAPHER_CHILD_LIMIT_MS(g->n_batch) / 1000), g->n_batch);
    kill(g->child, SIGKILL);
}

/* The queue becomes the child's batch; the old batch's array is reused. */
static void hand_over_queue(struct grapher *g)
{
    char(*queue)[INDICATOR_ID_MAX + 1] = g->batch;
    size_t cap = g->cap_batch;
    g->batch = g->queue;
    g->cap_batch = g->cap;
    g->n_batch = g->n;
    g->queue = queue;
    g->cap = cap;
    g->n = 0;
    name_index_clear(&g->queued); /* its keys went with the queue */
}

static void fork_child(struct grapher *g)
{
    fflush(NULL);
    g->parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        log_err("graphs: cannot fork a drawing process: %m");
        return; /* retried at the next request */
    }
    if (pid == 0)
        draw_queue(g);
    g->child = pid;
    g->forks++;
    g->forked_ms = loop_now_ms();
    log_info("graphs: %zu to draw in process %d", g->n, (int)pid);
    hand_over_queue(g);
    if (loop_watch_child(g->loop, pid, on_child_exit, g) < 0)
        log_err("graphs: cannot watch drawing process %d", (int)pid);
    g->deadline = loop_add_timer(g->loop, GRAPHER_CHILD_LIMIT_MS(g->n_batch), on_hung, g);
}

static void on_window(struct loop *loop, void *arg)
{
    (void)loop;
    struct grapher *g = arg;
    g->window = 0;
    if (g->child <= 0 && g->n > 0)
        fork_child(g);
}

/* A request after a quiet spell is drawn at the next pass of the loop;
 * requests within the window of the last child's start wait for it to
 * close, and for that child to end, so that one child draws them all.
 * GRAPHER_BATCH_FULL of them wait no longer than for the child to end: a
 * batch that large pays for its fork many times over, and waiting out the
 * window would leave the CPUs idle while a start-up's first collections
 * come in (the window was measured from a child of one graph or two). */
static void kick(struct grapher *g)
{
    if (g->n == 0 || g->child > 0)
        return;
    int64_t now = loop_now_ms();
    int64_t delay = g->forks ? g->forked_ms + g->window_ms - now : 0;
    if (delay < 0 || g->n >= GRAPHER_BATCH_FULL)
        delay = 0;
    if (g->window && g->window_due <= now + delay)
        return; /* it comes as soon */
    loop_cancel_timer(g->loop, g->window);
    g->window = loop_add_timer(g->loop, delay, on_window, g);
    g->window_due = now + delay;
    if (!g->window) /* out of memory: draw now rather than never */
        fork_child(g);
}
