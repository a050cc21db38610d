/*
 * grapher.c — graphs drawn in a child process (see grapher.h).
 */
#include "grapher.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "array.h"
#include "graph_plan.h"
#include "rrdview.h"
#include "log.h"
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
    pid_t child, parent;
    unsigned failures;
    int64_t now; /* --now: graphs evaluated as at then; 0: the clock */
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
    if (g->child > 0) { /* a graph is only a view: stop it, the next start redraws */
        kill(g->child, SIGTERM);
        waitpid(g->child, NULL, 0);
    }
    free(g->queue);
    free(g);
}

void grapher_request(struct grapher *g, const char *id)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->queue[i], id) == 0)
            return;
    if (array_grow((void **)&g->queue, &g->cap, g->n + 1, sizeof *g->queue) < 0) {
        log_err("%s: graph not queued: out of memory", id);
        return;
    }
    snprintf(g->queue[g->n++], sizeof *g->queue, "%s", id);
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

int grapher_draw_one(const struct graph_settings *settings, struct store *store, const char *id,
                     int64_t now)
{
    char *png = NULL;
    if (asprintf(&png, "%s/%s.png", settings->graph_dir, id) < 0)
        return -1;
    int rc = graph_indicator(settings, store, id, now, png, "PNG");
    free(png);
    return rc;
}

/* The child: draws the queue it was forked with, then exits. */
static void __attribute__((noreturn)) draw_queue(struct grapher *g)
{
    int failed = 0;
    spawn_die_with_parent(g->parent); /* a late drawing would race the next pejld */
    store_leave_journal(g->store); /* the journal lock is pejld's alone */
    setenv("TZ", "UTC", 1); /* periods are UTC; so are the axes */
    tzset();
    if (rrdview_daemon(store_rrdview(g->store)))
        rrdc_disconnect(); /* the parent's connection is not ours to use */
    for (size_t i = 0; i < g->n; i++)
        failed += grapher_draw_one(&g->settings, g->store, g->queue[i],
                                   g->now ? g->now : (int64_t)time(NULL)) < 0;
    _exit(failed ? 1 : 0);
}

static void on_child_exit(struct loop *loop, pid_t pid, int status, void *arg)
{
    (void)loop;
    (void)pid;
    struct grapher *g = arg;
    g->child = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g->failures++;
        log_err("graphs: the drawing process failed (%s %d)",
                WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    }
    kick(g);
    if (!grapher_busy(g) && g->idle)
        g->idle(g->arg);
}

static void kick(struct grapher *g)
{
    if (g->child > 0 || g->n == 0)
        return;
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
    g->n = 0;
    if (loop_watch_child(g->loop, pid, on_child_exit, g) < 0)
        log_err("graphs: cannot watch drawing process %d", (int)pid);
}
