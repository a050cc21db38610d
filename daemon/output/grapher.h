/*
 * grapher.h — keeps the PNG graphs in step with the data.
 *
 * Indicators whose data changed are queued; one child process at a time
 * draws the queue (librrd's graphing must never run twice at once, and a
 * graph must not hold up the event loop). The parent learns the outcome
 * when the loop reaps the child.
 *
 * A child starts at most once per batch window (grapher_set_window: 2 s in
 * the daemon, none for --once); requests queued in the window wait and one
 * child draws them all: the fork, librrd's and fontconfig's set-up are paid
 * once per window, not per collection, and a lone request is not delayed.
 * A full batch (GRAPHER_BATCH_FULL) does not wait for the window: at
 * start-up the CPUs draw while the collections come in. A long-lived child
 * taking requests over a pipe would pay them once per run, but the child
 * draws from the series it was forked with: a long-lived one would need
 * every change sent to it, or the journal re-read, and would keep a second
 * copy of the series. The child draws a graph only when its key
 * (graph_key.h) changed, so a batch with nothing new draws nothing. A
 * child that crashes or runs past GRAPHER_CHILD_LIMIT_MS is killed and its
 * batch drawn once more.
 */
#ifndef PEJL_GRAPHER_H
#define PEJL_GRAPHER_H

#include <stdbool.h>

#include "graph_plan.h"
#include "loop.h"
#include "store.h"

struct grapher;

typedef void (*grapher_idle_fn)(void *arg);

/* `settings` is copied; its pointers must stay valid until the next
 * grapher_use_settings() (a reload) or grapher_free(). */
struct grapher *grapher_new(struct loop *loop, const struct graph_settings *settings,
                            struct store *store, grapher_idle_fn idle, void *arg);
void grapher_free(struct grapher *g);
/* A reload: graphs drawn from now on follow `settings` (copied, as above). */
void grapher_use_settings(struct grapher *g, const struct graph_settings *settings);

/* The batch window in the daemon. */
#define GRAPHER_WINDOW_MS 2000
/* This many requests start a child as soon as none runs, window or not. */
#define GRAPHER_BATCH_FULL 64
/* How long a child may take for n graphs before it counts as hung. */
#define GRAPHER_CHILD_LIMIT_MS(n) (60000 + 2000 * (int64_t)(n))

void grapher_request(struct grapher *g, const char *id);
/* A child starts at most once per `window_ms` (0: whenever the last has
 * ended); requests queued meanwhile are drawn by one child. */
void grapher_set_window(struct grapher *g, int64_t window_ms);
/* True while a child draws or requests wait. */
bool grapher_busy(const struct grapher *g);
/* Graphs drawn and failed since start. */
unsigned grapher_failures(const struct grapher *g);
/* Drawing processes started since start. */
unsigned grapher_forks(const struct grapher *g);

/* Graphs are evaluated as at `now` (pejld --now); 0: the clock. */
void grapher_set_now(struct grapher *g, int64_t now);
/* Draws one indicator's graph in this process (used by the child), unless
 * its key says the one on disk shows the same: 0 when drawn, -1 on failure,
 * GRAPHER_UNCHANGED when not drawn (unchanged, or nothing stored yet). */
#define GRAPHER_UNCHANGED 1
/* Copies `id`'s PNG from the graph directory to `dest` when its key says
 * it shows what would be drawn at `now` (pejld --report: the daemon drew it
 * already, and drawing costs 20-50 ms a graph). False when it is not
 * current or cannot be copied: then `dest` is not there, and the caller
 * draws it. */
bool grapher_copy_current(const struct graph_settings *settings, struct store *store,
                          const char *id, int64_t now, const char *dest);
int grapher_draw_one(const struct graph_settings *settings, struct store *store, const char *id,
                     int64_t now);

#endif
