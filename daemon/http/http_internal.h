/*
 * http_internal.h — what http.c (fetches, the queue, the multi handle) and
 * http_deliver.c (notifications: one-try POSTs and SMTP) share: the
 * engine's and a transfer's insides. Not for anything outside the engine.
 */
#ifndef PEJL_HTTP_INTERNAL_H
#define PEJL_HTTP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "http.h"

enum transfer_state { QUEUED, ACTIVE, WAITING };

struct host_state {
    struct http_engine *engine;
    char *name;
    int active;
    int64_t last_start_ms;
    uint64_t timer; /* pending start when spacing holds the queue back */
    struct http_transfer *head, *tail;
    struct host_state *next;
};

struct http_transfer {
    struct http_engine *engine;
    struct host_state *host;
    enum transfer_state state;
    struct http_transfer *next;                 /* in the host queue */
    struct http_transfer *all_prev, *all_next;  /* every transfer of the engine */
    char *url, *method, *body, *content_type, *cache_key;
    char *shown_url; /* url as every message shows it (url_redact) */
    /* a delivery (http_deliver) rather than a fetch */
    bool delivery, require_tls;
    size_t body_len, sent;
    char *mail_from, *username, *password;
    struct curl_slist *rcpt, *extra_headers;
    /* SMTP with an attachment (extra_headers are the mail's headers then) */
    unsigned char *attachment;
    size_t attachment_len;
    char *attachment_name;
    curl_mime *mime;
    int64_t timeout_ms;
    CURL *easy;
    struct curl_slist *request_headers;
    struct http_result result;
    size_t cap;
    bool too_big, header_started;
    uint64_t retry_timer;
    char curl_error[CURL_ERROR_SIZE];
    http_done_fn done;
    void *arg;
};

struct http_engine {
    struct loop *loop;
    CURLM *multi;
    struct http_settings settings;
    uint64_t curl_timer;
    struct host_state *hosts;
    struct http_transfer *all; /* so that http_free frees what is in flight */
};

struct host_state *http_host_get(struct http_engine *e, const char *url);
size_t http_on_body(char *data, size_t size, size_t n, void *arg);
size_t http_on_header(char *data, size_t size, size_t n, void *arg);
void http_transfer_free(struct http_transfer *t);
/* Lists the transfer with the engine and queues it at its host. */
void http_track(struct http_engine *e, struct http_transfer *t);
char *http_dup_or_null(const char *s);
/* `url` redacted (url.h), for the transfer's messages; NULL without memory. */
char *http_shown_url(const char *url);
/* http_deliver.c: the easy handle of a delivery. */
/* A new easy handle for `t` with what fetches and deliveries share. */
CURL *http_easy_common(struct http_transfer *t, int64_t timeout_ms);
int http_setup_delivery(struct http_transfer *t);

#endif
