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

#include "../rrd/graph.h"
#include "../rrd/rrdview.h"
#include "log.h"
#include "period.h"

struct grapher {
    struct loop *loop;
    struct config *const *config;
    struct store *store;
    grapher_idle_fn idle;
    void *arg;
    char (*queue)[INDICATOR_ID_MAX + 1];
    size_t n, cap;
    pid_t child;
    unsigned failures;
};

static void kick(struct grapher *g);

struct grapher *grapher_new(struct loop *loop, struct config *const *config, struct store *store,
                            grapher_idle_fn idle, void *arg)
{
    struct grapher *g = calloc(1, sizeof *g);
    if (g)
        *g = (struct grapher){.loop = loop, .config = config, .store = store, .idle = idle,
                              .arg = arg};
    return g;
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
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        void *grown = realloc(g->queue, cap * sizeof *g->queue);
        if (!grown) {
            log_err("%s: graph not queued: out of memory", id);
            return;
        }
        g->queue = grown;
        g->cap = cap;
    }
    snprintf(g->queue[g->n++], sizeof *g->queue, "%s", id);
    kick(g);
}

bool grapher_busy(const struct grapher *g)
{
    return g->child > 0 || g->n > 0;
}

unsigned grapher_failures(const struct grapher *g)
{
    return g->failures;
}

/* What one graph shows: the own series, or else every member of a panel. */
struct graph_plan {
    const struct indicator *indicator;
    struct rrdview *view;
    struct graph_spec spec;
    char *paths[GRAPH_MAX_LINES];
    int64_t first, last; /* range of the data */
};

static void plan_line(const struct series *s, void *arg)
{
    struct graph_plan *p = arg;
    const struct stored_observation *first = NULL, *last = NULL;
    for (size_t i = 0; i < s->n; i++) {
        if (s->items[i].obs.period.kind != p->indicator->frequency)
            continue;
        first = first ? first : &s->items[i];
        last = &s->items[i];
    }
    if (!first || p->spec.n_lines == GRAPH_MAX_LINES)
        return;
    size_t k = p->spec.n_lines++;
    p->paths[k] = rrdview_path(p->view, s->id);
    const char *dot = strchr(s->id, '.');
    p->spec.lines[k] = (struct graph_line){.rrd_path = p->paths[k],
                                           .label = dot ? dot + 1 : "observed"};
    int64_t a = period_start(&first->obs.period), b = period_end(&last->obs.period);
    p->first = p->first && p->first < a ? p->first : a;
    p->last = p->last > b ? p->last : b;
}

int grapher_draw_one(const struct config *config, struct store *store, const char *id)
{
    struct graph_plan p = {.indicator = config_find(config, id), .view = store_rrdview(store)};
    if (!p.indicator)
        return 0;
    const struct series *own = store_series(store, id);
    if (own)
        plan_line(own, &p);
    if (p.spec.n_lines == 0)
        series_each_member(store_series_set(store), id, plan_line, &p);
    if (p.spec.n_lines == 0)
        return 0; /* nothing stored yet: no graph */
    char err[512], *png = NULL;
    int64_t margin = (int64_t)period_kind_max_days(p.indicator->frequency) * 86400;
    int64_t now = (int64_t)time(NULL);
    p.spec.title = p.indicator->title;
    p.spec.unit = p.indicator->unit;
    p.spec.daemon = rrdview_daemon(p.view);
    p.spec.start = p.first - margin;
    p.spec.end = p.last + margin > now ? p.last + margin : now;
    int rc = -1;
    if (asprintf(&png, "%s/%s.png", config->graph_dir, id) >= 0) {
        p.spec.image_path = png;
        rc = graph_draw(&p.spec, err, sizeof err);
        if (rc < 0)
            log_err("%s: graph not drawn: %s", id, err);
    }
    for (size_t i = 0; i < p.spec.n_lines; i++)
        free(p.paths[i]);
    free(png);
    return rc;
}

/* The child: draws the queue it was forked with, then exits. */
static void __attribute__((noreturn)) draw_queue(struct grapher *g)
{
    int failed = 0;
    setenv("TZ", "UTC", 1); /* periods are UTC; so are the axes */
    tzset();
    if (rrdview_daemon(store_rrdview(g->store)))
        rrdc_disconnect(); /* the parent's connection is not ours to use */
    for (size_t i = 0; i < g->n; i++)
        failed += grapher_draw_one(*g->config, g->store, g->queue[i]) < 0;
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
