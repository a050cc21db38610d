/*
 * web.h — pejld's read-only HTTP endpoint, off unless `listen` is set:
 *
 *   /metrics                Prometheus' text format (metrics.h)
 *   /healthz                200 "ok", or 503 and the reason
 *   /api/v1/status          the status table as JSON (pejld --status --json)
 *   /api/v1/alerts          the alerts away from OK (pejlctl alerts --json)
 *   /api/v1/indicators/ID   one indicator's status rows (pejlctl status ID --json)
 *   ?as_of=TIME             on status and indicators/ID: as known at TIME (a date, an
 *                           RFC 3339 time or a snapshot's name), read in a child while
 *                           the request waits (pejld --status --json --as-of TIME)
 *   /...                    the latest report folder (report.directory), as files
 *
 * Only GET and HEAD; everything is bounded: connections (in all and per
 * address), the request's size, idle time, and what a response may hold.
 * libmicrohttpd runs in the daemon's event loop (its epoll descriptor is
 * one source of the loop, its timeout one timer): no thread, and a
 * request is answered from the daemon's state as it is between two passes.
 *
 * The server never sees the daemon's context: the wiring hands it what it
 * may read in struct web_state, taken afresh for each request.
 */
#ifndef PEJL_WEB_H
#define PEJL_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "alerting.h"
#include "indicator.h"
#include "loop.h"
#include "store.h"

struct offload;

/* Bounds: connections in all and from one address; bytes of a request's
 * line and headers; seconds a connection may stay idle; bytes of a
 * response built in memory and of a file served. */
#define WEB_CONNECTIONS_MAX 256
#define WEB_CONNECTIONS_PER_ADDRESS 64
#define WEB_REQUEST_MAX (32 * 1024)
#define WEB_IDLE_TIMEOUT_S 5
#define WEB_RESPONSE_MAX ((size_t)32 << 20)
#define WEB_FILE_MAX ((int64_t)64 << 20)

/* The daemon as a request sees it. */
struct web_state {
    const struct indicator *indicators;
    size_t n_indicators;
    const struct store *store;
    const struct alerting *alerting;
    int64_t now; /* the moment alerts and targets are evaluated at */
    unsigned collections_failed;
    size_t outbox_pending;
    const char *report_dir;               /* report = { directory = …; }; NULL: none */
    struct store_settings store_settings; /* to read the journal back as of a moment */
    struct offload *as_of_reads;          /* where that reading runs; NULL: nowhere */
    bool stopping;
};

struct web_daemon {
    void *arg;
    void (*state)(void *arg, struct web_state *out);
};

struct web;

/* Listens on `addr` (a copy of `daemon` is kept); NULL with `err` when the
 * address cannot be bound. */
struct web *web_open(struct loop *loop, const struct sockaddr *addr, socklen_t addr_len,
                     const struct web_daemon *daemon, char *err, size_t errlen);
/* Closes the listening socket and every connection. */
void web_close(struct web *web);

/* ?as_of='s value as --as-of reads it, into `out`: a '+' (of an RFC 3339
 * offset) that the client did not escape arrives as a space (form
 * encoding), and no moment or snapshot name holds a space, so each space
 * is a '+' again. -1 when it does not fit in `size`. */
int web_as_of_text(const char *value, char *out, size_t size);

#endif
