/*
 * collect.h — one collection of one indicator: ask its collector for the
 * requests, fetch each, let the collector decode the bytes, and check the
 * observations it produced before anyone stores them.
 *
 * A collection holds a reference to the config it started under, so a
 * reload in the middle cannot pull the indicator out from under it. It
 * stores nothing itself.
 */
#ifndef PEJL_COLLECT_H
#define PEJL_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "loop.h"

#define COLLECT_MAX_OBSERVATIONS (10u * 1000 * 1000)

struct collection {
    struct config *config; /* referenced */
    const struct indicator *indicator;
    struct pejl_observation *obs; /* sorted by period when done */
    size_t n, cap;
    char error[512]; /* set when the collection failed */
    bool failed;
    /* private */
    struct loop *loop;
    size_t next_request, n_requests;
    const struct pejl_request *requests;
    struct fetch *fetch;
    void (*done)(struct collection *c, void *arg);
    void *arg;
};

typedef void (*collect_done_fn)(struct collection *c, void *arg);

/* Starts collecting; `done` is called from the loop exactly once, after which
 * the caller frees the collection. NULL when out of memory. */
struct collection *collect_start(struct loop *loop, struct config *config,
                                 const struct indicator *indicator, collect_done_fn done,
                                 void *arg);
void collect_free(struct collection *c);

/* Sorts and checks decoded observations: right frequency, finite values,
 * one per period. Returns 0, or -1 with the reason in `err`. */
int collect_check(const struct indicator *indicator, struct pejl_observation *obs, size_t n,
                  char *err, size_t errlen);

#endif
