/*
 * http.h — the HTTP engine: every network (and file://) transfer pejld
 * makes, on libcurl's multi interface driven by the event loop.
 *
 * No transfer ever blocks the loop and no thread is started. The engine
 * owns what collectors must not: connect and total timeouts, a response
 * size cap, TLS verification (always on; only the CA file is configurable;
 * an https fetch speaks and follows https only, so no redirect downgrades it),
 * per-host concurrency and spacing, retries with exponential backoff and
 * jitter on connection errors, timeouts, 429 and 5xx (Retry-After honoured),
 * and conditional requests (ETag / Last-Modified, with the last body kept so
 * that a 304 can be decoded like the 200 it stands for).
 */
#ifndef PEJL_HTTP_H
#define PEJL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "loop.h"

#define HTTP_DEFAULT_MAX_BYTES ((size_t)64 << 20)

struct http_host_limit {
    char *host;      /* exact host name */
    int concurrency; /* transfers at once */
    int64_t spacing_ms; /* between the starts of two transfers */
};

struct http_settings {
    int64_t connect_timeout_ms, timeout_ms;
    size_t max_bytes;
    int tries;                /* attempts before giving up, >= 1 */
    int64_t backoff_ms;       /* first retry delay; doubles each try */
    int64_t max_backoff_ms;   /* cap on a retry delay, Retry-After included */
    char *ca_file;            /* NULL: the system's CA bundle */
    int default_concurrency;  /* per host without a limit of its own */
    struct http_host_limit *hosts;
    size_t n_hosts;
    char *cache_dir;          /* validators and last bodies; NULL: no conditional requests */
};

struct http_header {
    char *name, *value;
};

struct http_result {
    long status;      /* HTTP status (200 for file://), 0 when no response */
    char *body;       /* NUL-terminated, or NULL */
    size_t len;
    struct http_header *headers;
    size_t n_headers;
    bool not_modified; /* a 304 answered from the kept body */
    int tries;
    char error[512]; /* set when the transfer failed for good */
};

typedef void (*http_done_fn)(void *arg, const struct http_result *result);

struct http_engine;
struct http_transfer;

struct http_engine *http_new(struct loop *loop, const struct http_settings *settings);
/* New settings apply to transfers started from now on. */
int http_configure(struct http_engine *engine, const struct http_settings *settings);
void http_free(struct http_engine *engine);

/* Starts (or queues) a transfer; `done` runs from the loop, exactly once
 * unless the transfer is cancelled first. */
struct http_transfer *http_fetch(struct http_engine *engine, const struct pejl_request *request,
                                 http_done_fn done, void *arg);
void http_cancel(struct http_engine *engine, struct http_transfer *transfer);

/* A notification to send: an HTTP POST, or an e-mail over SMTP. A delivery
 * is tried once (the outbox retries, and remembers across restarts),
 * follows no redirect, uses no cache; its result has an error unless the
 * receiver took it (HTTP 2xx, or the SMTP server accepted the message). */
struct http_delivery {
    const char *url;                 /* http(s):// or smtp(s):// */
    const char *body;                /* the POST body, or the whole RFC 5322 message */
    size_t len;                      /* (with an attachment: the text part only) */
    const char *content_type;        /* HTTP */
    const char *const *headers;      /* HTTP: more "Name: value" lines, NULL-ended */
    const char *mail_from;           /* SMTP */
    const char *const *rcpt;         /* SMTP, NULL-ended */
    const char *username, *password; /* SMTP AUTH; NULL: none */
    bool require_tls;                /* smtp://: STARTTLS, or fail */
    int64_t timeout_ms;              /* 0: the engine's */
    /* SMTP with an attachment: libcurl's MIME API sends `mail_headers`
     * (NULL-ended lines), then `body` as a UTF-8 text/plain part, then the
     * attachment as an image/png part in base64. */
    const char *const *mail_headers;
    const unsigned char *attachment;
    size_t attachment_len;
    const char *attachment_name;
};
struct http_transfer *http_deliver(struct http_engine *engine, const struct http_delivery *delivery,
                                   http_done_fn done, void *arg);

const char *http_result_header(const struct http_result *result, const char *name);

/* Settings owned by the caller (config) are copied; this frees a copy. */
void http_settings_free(struct http_settings *settings);
int http_settings_copy(struct http_settings *to, const struct http_settings *from);
void http_settings_default(struct http_settings *settings);

/* Delay before try `try` (2, 3, …): backoff doubled per try, with jitter
 * in [half, full], capped; a Retry-After of `retry_after_s` (>= 0) wins
 * when longer. */
int64_t http_retry_delay_ms(const struct http_settings *s, int try, int64_t retry_after_s);
/* Retry-After as seconds from now: delta-seconds or an HTTP date; -1 if
 * none or malformed (negatives included); larger values, however large,
 * come back as HTTP_RETRY_AFTER_MAX_S (a year). */
#define HTTP_RETRY_AFTER_MAX_S (366 * 86400ll)
int64_t http_parse_retry_after(const char *value, int64_t now);

#endif
