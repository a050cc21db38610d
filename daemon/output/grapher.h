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

#include "config.h"
#include "loop.h"
#include "store.h"

struct grapher;

typedef void (*grapher_idle_fn)(void *arg);

/* `config` points at the daemon's current-config pointer, so a reload is seen. */
struct grapher *grapher_new(struct loop *loop, struct config *const *config, struct store *store,
                            grapher_idle_fn idle, void *arg);
void grapher_free(struct grapher *g);

void grapher_request(struct grapher *g, const char *id);
/* True while a child draws or requests wait. */
bool grapher_busy(const struct grapher *g);
/* Graphs drawn and failed since start. */
unsigned grapher_failures(const struct grapher *g);

/* Graphs are evaluated as at `now` (pejld --now); 0: the clock. */
void grapher_set_now(struct grapher *g, int64_t now);
/* Draws one indicator's graph in this process (used by the child). */
int grapher_draw_one(const struct config *config, struct store *store, const char *id, int64_t now);

#endif
