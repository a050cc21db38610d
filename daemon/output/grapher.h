/*
 * grapher.h — keeps the PNG graphs in step with the data.
 *
 * Indicators whose data changed are queued; one child process at a time
 * draws the queue (librrd's graphing must never run twice at once, and a
 * graph must not hold up the event loop). The parent learns the outcome
 * when the loop reaps the child.
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

void grapher_request(struct grapher *g, const char *id);
/* True while a child draws or requests wait. */
bool grapher_busy(const struct grapher *g);
/* Graphs drawn and failed since start. */
unsigned grapher_failures(const struct grapher *g);

/* Graphs are evaluated as at `now` (pejld --now); 0: the clock. */
void grapher_set_now(struct grapher *g, int64_t now);
/* Draws one indicator's graph in this process (used by the child). */
int grapher_draw_one(const struct graph_settings *settings, struct store *store, const char *id,
                     int64_t now);

#endif
