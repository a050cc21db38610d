/*
 * fetch.h — the core's way of getting the bytes a collector asked for:
 * http(s):// and file:// through the HTTP engine, exec: through spawn.
 *
 * Completion is always reported from the event loop, never from inside
 * fetch_start(). file:relative/path is resolved against the config file's
 * directory first.
 */
#ifndef PEJL_FETCH_H
#define PEJL_FETCH_H

#include <stddef.h>

#include "collector.h"
#include "http.h"
#include "loop.h"

struct fetcher {
    struct loop *loop;
    struct http_engine *http;
    int64_t exec_timeout_ms;
    size_t max_bytes;
};

struct fetch_result {
    long status;       /* 0 on failure */
    const char *body;  /* NUL-terminated; NULL on failure */
    size_t len;
    const char *error; /* one line, on failure */
    const struct http_result *http; /* headers; NULL for exec: */
    bool not_modified;
};

typedef void (*fetch_done_fn)(void *arg, const struct fetch_result *result);

struct fetch;

struct fetch *fetch_start(struct fetcher *fetcher, const struct pejl_request *request,
                          const char *base_dir, fetch_done_fn done, void *arg);
/* Stops a fetch whose callback has not run yet; the callback never runs. */
void fetch_cancel(struct fetch *fetch);

/* file:relative → file:///abs (percent-encoded); other URLs unchanged.
 * NULL with `err` for a file: URL that names no path. Caller frees. */
char *fetch_resolve_url(const char *url, const char *base_dir, char *err, size_t errlen);

#endif
