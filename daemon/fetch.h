/*
 * fetch.h — the core's way of getting the bytes a collector asked for.
 *
 * Completion is always reported from the event loop, never from inside
 * fetch_start(), so callers behave the same for local files and (later)
 * network transfers. This version reads file: URLs: file:///absolute/path,
 * or file:relative/path resolved against the config file's directory.
 */
#ifndef PEJL_FETCH_H
#define PEJL_FETCH_H

#include <stddef.h>

#include "../collectors/collector.h"
#include "loop.h"

#define FETCH_DEFAULT_MAX_BYTES (64u << 20)

struct fetch_result {
    const char *body; /* NULL on failure */
    size_t len;
    const char *error; /* one line, on failure */
};

typedef void (*fetch_done_fn)(void *arg, const struct fetch_result *result);

struct fetch;

/* Starts fetching `request`; `base_dir` resolves relative file: URLs. */
struct fetch *fetch_start(struct loop *loop, const struct pejl_request *request,
                          const char *base_dir, fetch_done_fn done, void *arg);
/* Stops a fetch whose callback has not run yet; the callback never runs. */
void fetch_cancel(struct loop *loop, struct fetch *fetch);

/* Resolves a file: URL to a path; NULL with `err` when it is not one we read. */
char *fetch_file_path(const char *url, const char *base_dir, char *err, size_t errlen);

#endif
