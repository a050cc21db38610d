/*
 * http.c — the HTTP engine (see http.h).
 *
 * A transfer waits in its host's queue until the host has a free slot and
 * its spacing allows a start; it then runs on the curl multi handle, whose
 * sockets and timer are watched by the loop. When it ends it is either
 * finished (done callback) or put back in the queue after a backoff.
 */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>

#include <curl/curl.h>

#include "http_cache.h"
#include "http_internal.h"
#include "log.h"
#include "url.h"

static void pump(struct http_engine *e, struct host_state *h);
static void check_finished(struct http_engine *e);

/* ---- settings ---- */

void http_settings_default(struct http_settings *s)
{
    *s = (struct http_settings){.connect_timeout_ms = 15000, .timeout_ms = 120000,
                                .max_bytes = HTTP_DEFAULT_MAX_BYTES, .tries = 4,
                                .backoff_ms = 2000, .max_backoff_ms = 300000,
                                .default_concurrency = 2};
}

void http_settings_free(struct http_settings *s)
{
    for (size_t i = 0; i < s->n_hosts; i++)
        free(s->hosts[i].host);
    free(s->hosts);
    free(s->ca_file);
    free(s->cache_dir);
    memset(s, 0, sizeof *s);
}

int http_settings_copy(struct http_settings *to, const struct http_settings *from)
{
    *to = *from;
    to->hosts = NULL;
    to->n_hosts = 0;
    to->ca_file = from->ca_file ? strdup(from->ca_file) : NULL;
    to->cache_dir = from->cache_dir ? strdup(from->cache_dir) : NULL;
    if ((from->ca_file && !to->ca_file) || (from->cache_dir && !to->cache_dir))
        return -1; /* the caller frees what was copied */
    if (from->n_hosts && !(to->hosts = calloc(from->n_hosts, sizeof *to->hosts)))
        return -1;
    for (size_t i = 0; i < from->n_hosts; i++) {
        to->hosts[i] = from->hosts[i];
        if (!(to->hosts[i].host = strdup(from->hosts[i].host)))
            return -1;
        to->n_hosts++;
    }
    return 0;
}

/* ---- retry timing ---- */

int64_t http_parse_retry_after(const char *value, int64_t now)
{
    if (!value)
        return -1;
    while (isspace((unsigned char)*value))
        value++;
    if (isdigit((unsigned char)*value)) {
        char *end;
        errno = 0;
        long long s = strtoll(value, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (*end)
            return -1;
        return errno == ERANGE || s > HTTP_RETRY_AFTER_MAX_S ? HTTP_RETRY_AFTER_MAX_S : s;
    }
    time_t when = curl_getdate(value, NULL);
    if (when < 0)
        return -1;
    if (when <= now)
        return 0;
    int64_t ahead = (int64_t)when - now;
    return ahead > HTTP_RETRY_AFTER_MAX_S ? HTTP_RETRY_AFTER_MAX_S : ahead;
}

int64_t http_retry_delay_ms(const struct http_settings *s, int try, int64_t retry_after_s)
{
    int64_t delay = s->backoff_ms;
    for (int i = 2; i < try && delay < s->max_backoff_ms; i++)
        delay *= 2;
    if (delay > s->max_backoff_ms)
        delay = s->max_backoff_ms;
    /* jitter in [delay/2, delay]: tries of many clients do not line up */
    int64_t spread = delay / 2 + 1 > UINT32_MAX ? UINT32_MAX : delay / 2 + 1;
    delay = delay / 2 + (delay > 1 ? (int64_t)arc4random_uniform((uint32_t)spread) : 0);
    if (retry_after_s >= 0) {
        int64_t asked = s->max_backoff_ms; /* compared in seconds: no overflow */
        if (retry_after_s <= s->max_backoff_ms / 1000)
            asked = retry_after_s * 1000;
        if (asked > delay)
            delay = asked;
    }
    return delay;
}

/* ---- hosts ---- */

static char *host_of(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *copy = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        copy = strdup(host);
    curl_free(host);
    curl_url_cleanup(u);
    return copy ? copy : strdup(""); /* file:// and the like: the local "host" */
}

static const struct http_host_limit *limit_of(const struct http_engine *e, const char *host)
{
    for (size_t i = 0; i < e->settings.n_hosts; i++)
        if (strcasecmp(e->settings.hosts[i].host, host) == 0)
            return &e->settings.hosts[i];
    return NULL;
}

struct host_state *http_host_get(struct http_engine *e, const char *url)
{
    char *name = host_of(url);
    if (!name)
        return NULL;
    for (struct host_state *h = e->hosts; h; h = h->next) {
        if (strcmp(h->name, name) == 0) {
            free(name);
            return h;
        }
    }
    struct host_state *h = calloc(1, sizeof *h);
    if (!h) {
        free(name);
        return NULL;
    }
    h->engine = e;
    h->name = name;
    h->next = e->hosts;
    e->hosts = h;
    return h;
}

static void enqueue(struct host_state *h, struct http_transfer *t)
{
    t->state = QUEUED;
    t->next = NULL;
    if (h->tail)
        h->tail->next = t;
    else
        h->head = t;
    h->tail = t;
}

static void unqueue(struct host_state *h, struct http_transfer *t)
{
    struct http_transfer **link = &h->head, *prev = NULL;
    while (*link && *link != t) {
        prev = *link;
        link = &(*link)->next;
    }
    if (!*link)
        return;
    *link = t->next;
    if (h->tail == t)
        h->tail = prev;
    t->next = NULL;
}

/* ---- curl callbacks ---- */

size_t http_on_body(char *data, size_t size, size_t n, void *arg)
{
    struct http_transfer *t = arg;
    size_t len = size * n, max = t->engine->settings.max_bytes;
    if (t->result.len + len > max) {
        t->too_big = true;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    if (t->result.len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 16384;
        while (cap < t->result.len + len + 1)
            cap *= 2;
        char *grown = realloc(t->result.body, cap);
        if (!grown)
            return 0;
        t->result.body = grown;
        t->cap = cap;
    }
    memcpy(t->result.body + t->result.len, data, len);
    t->result.len += len;
    t->result.body[t->result.len] = '\0';
    return len;
}

static void clear_headers(struct http_result *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    r->headers = NULL;
    r->n_headers = 0;
}

static void trim(char **start, size_t *len)
{
    while (*len && isspace((unsigned char)**start)) {
        (*start)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*start)[*len - 1]))
        (*len)--;
}

size_t http_on_header(char *data, size_t size, size_t n, void *arg)
{
    struct http_transfer *t = arg;
    size_t len = size * n;
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        clear_headers(&t->result); /* a new response (redirect, 100-continue): keep the last */
        return len;
    }
    char *colon = memchr(data, ':', len);
    if (!colon || t->result.n_headers >= 200)
        return len;
    char *name = data, *value = colon + 1;
    size_t name_len = (size_t)(colon - data), value_len = len - name_len - 1;
    trim(&name, &name_len);
    trim(&value, &value_len);
    struct http_header *grown =
        realloc(t->result.headers, (t->result.n_headers + 1) * sizeof *grown);
    if (!grown)
        return 0; /* aborts the transfer */
    t->result.headers = grown;
    struct http_header h = {strndup(name, name_len), strndup(value, value_len)};
    if (!h.name || !h.value) {
        free(h.name);
        free(h.value);
        return 0; /* a header lost would be a lie told to the collector */
    }
    grown[t->result.n_headers++] = h;
    return len;
}

static void on_socket_event(struct loop *loop, int fd, uint32_t events, void *arg)
{
    (void)loop;
    struct http_engine *e = arg;
    int flags = (events & EPOLLIN ? CURL_CSELECT_IN : 0) | (events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                (events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    int running;
    curl_multi_socket_action(e->multi, fd, flags, &running);
    check_finished(e);
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *socket_arg)
{
    (void)easy;
    struct http_engine *e = arg;
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    if (what == CURL_POLL_REMOVE) {
        loop_remove_fd(e->loop, fd);
        curl_multi_assign(e->multi, fd, NULL);
    } else if (!socket_arg) {
        if (loop_add_fd(e->loop, fd, events, on_socket_event, e) == 0)
            curl_multi_assign(e->multi, fd, e);
        else
            log_err("http: cannot watch socket %d", (int)fd);
    } else {
        loop_modify_fd(e->loop, fd, events);
    }
    return 0;
}

static void on_curl_timer(struct loop *loop, void *arg)
{
    (void)loop;
    struct http_engine *e = arg;
    int running;
    e->curl_timer = 0;
    curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_finished(e);
}

static int on_timer_change(CURLM *multi, long timeout_ms, void *arg)
{
    (void)multi;
    struct http_engine *e = arg;
    if (e->curl_timer)
        loop_cancel_timer(e->loop, e->curl_timer);
    e->curl_timer = timeout_ms < 0 ? 0 : loop_add_timer(e->loop, timeout_ms, on_curl_timer, e);
    return 0;
}

/* ---- a transfer's life ---- */

void http_transfer_free(struct http_transfer *t)
{
    struct http_engine *e = t->engine;
    if (t->all_prev)
        t->all_prev->all_next = t->all_next;
    else if (e->all == t)
        e->all = t->all_next;
    if (t->all_next)
        t->all_next->all_prev = t->all_prev;
    if (t->retry_timer)
        loop_cancel_timer(e->loop, t->retry_timer);
    if (t->easy) {
        curl_multi_remove_handle(t->engine->multi, t->easy);
        curl_easy_cleanup(t->easy);
    }
    curl_slist_free_all(t->request_headers);
    curl_slist_free_all(t->rcpt);
    curl_slist_free_all(t->extra_headers);
    curl_mime_free(t->mime);
    free(t->attachment);
    free(t->attachment_name);
    free(t->mail_from);
    free(t->username);
    if (t->password)
        memset(t->password, 0, strlen(t->password));
    free(t->password);
    clear_headers(&t->result);
    free(t->result.body);
    free(t->url);
    free(t->shown_url);
    free(t->method);
    free(t->body);
    free(t->content_type);
    free(t->cache_key);
    free(t);
}

/* Appends "Name: value" to *list, whatever its length; -1 without memory. */
static int add_header(struct curl_slist **list, const char *name, const char *value)
{
    char *line;
    if (asprintf(&line, "%s: %s", name, value) < 0)
        return -1;
    struct curl_slist *grown = curl_slist_append(*list, line); /* copies line */
    free(line);
    if (!grown)
        return -1;
    *list = grown;
    return 0;
}

/* If-None-Match / If-Modified-Since from the kept validators, if any. */
static int add_conditional_headers(struct http_transfer *t)
{
    struct http_validators v = {0};
    int rc = 0;
    if (!t->engine->settings.cache_dir || !http_cache_applies(t->url) ||
        http_cache_validators(t->engine->settings.cache_dir, t->cache_key, &v) < 0)
        return 0; /* nothing kept: an unconditional request */
    if (v.etag)
        rc = add_header(&t->request_headers, "If-None-Match", v.etag);
    if (rc == 0 && v.last_modified)
        rc = add_header(&t->request_headers, "If-Modified-Since", v.last_modified);
    http_validators_free(&v);
    return rc;
}

/* What a fetch may speak, and be redirected to: from https only https (a
 * redirect to http would hand over in plain text what was asked for over
 * TLS, and store it), from http either; file: is never redirected, and
 * nothing is ever redirected to file:. */
static void limit_protocols(CURL *c, const char *url)
{
    bool file = url_has_scheme(url, "file"), https = url_has_scheme(url, "https");
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, file ? "file" : https ? "https" : "http,https");
    if (file)
        return;
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
}

/* What every transfer's easy handle has, a fetch's or a delivery's: the
 * URL, the limits, TLS verified, and the body and headers to `t`. */
CURL *http_easy_common(struct http_transfer *t, int64_t timeout_ms)
{
    const struct http_settings *s = &t->engine->settings;
    CURL *c = t->easy = curl_easy_init();
    if (!c)
        return NULL;
    curl_easy_setopt(c, CURLOPT_URL, t->url);
    curl_easy_setopt(c, CURLOPT_PRIVATE, t);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "pejl/" PEJL_VERSION);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)s->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L); /* never switched off */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (s->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->curl_error);
    return c;
}

static int setup_easy(struct http_transfer *t)
{
    const struct http_settings *s = &t->engine->settings;
    if (t->delivery)
        return http_setup_delivery(t);
    CURL *c = http_easy_common(t, s->timeout_ms);
    if (!c)
        return -1;
    limit_protocols(c, t->url);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl decodes */
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max_bytes);
    if (t->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, t->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(t->body));
    }
    if (t->method && strcmp(t->method, "GET") != 0 && strcmp(t->method, "POST") != 0)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, t->method);
    if ((t->content_type && add_header(&t->request_headers, "Content-Type", t->content_type) < 0) ||
        add_conditional_headers(t) < 0)
        return -1;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->request_headers);
    return 0;
}

static void reset_for_try(struct http_transfer *t)
{
    if (t->easy) {
        curl_multi_remove_handle(t->engine->multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = NULL;
    }
    curl_slist_free_all(t->request_headers);
    t->request_headers = NULL;
    clear_headers(&t->result);
    free(t->result.body);
    t->result.body = NULL;
    t->result.len = t->cap = 0;
    t->result.status = 0;
    t->too_big = false;
    t->curl_error[0] = '\0';
}

static void finish(struct http_transfer *t);

static void on_start_failed(struct loop *loop, void *arg)
{
    (void)loop;
    struct http_transfer *t = arg;
    t->retry_timer = 0;
    finish(t);
}

static void start(struct http_transfer *t)
{
    struct http_engine *e = t->engine;
    reset_for_try(t);
    t->result.tries++;
    t->state = ACTIVE;
    t->host->active++;
    t->host->last_start_ms = loop_now_ms();
    if (setup_easy(t) < 0 || curl_multi_add_handle(e->multi, t->easy) != CURLM_OK) {
        snprintf(t->result.error, sizeof t->result.error, "%s: cannot start a transfer",
                 t->shown_url);
        t->host->active--;
        t->state = WAITING; /* reported from the loop, never from inside http_fetch */
        t->retry_timer = loop_add_timer(e->loop, 0, on_start_failed, t);
    }
}

static void on_host_timer(struct loop *loop, void *arg)
{
    (void)loop;
    struct host_state *h = arg;
    h->timer = 0;
    pump(h->engine, h);
}

static void pump(struct http_engine *e, struct host_state *h)
{
    const struct http_host_limit *limit = limit_of(e, h->name);
    int max = limit ? limit->concurrency : e->settings.default_concurrency;
    int64_t spacing = limit ? limit->spacing_ms : 0;
    while (h->head && h->active < max) {
        int64_t wait = h->last_start_ms + spacing - loop_now_ms();
        if (spacing > 0 && h->last_start_ms > 0 && wait > 0) {
            if (!h->timer)
                h->timer = loop_add_timer(e->loop, wait, on_host_timer, h);
            return;
        }
        struct http_transfer *t = h->head;
        unqueue(h, t);
        start(t);
    }
}

static void on_retry_timer(struct loop *loop, void *arg)
{
    (void)loop;
    struct http_transfer *t = arg;
    t->retry_timer = 0;
    enqueue(t->host, t);
    pump(t->engine, t->host);
}

static bool retryable_curl_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT: case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR: case CURLE_RECV_ERROR: case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: case CURLE_HTTP2: case CURLE_HTTP2_STREAM: case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

/* A redirect curl did not follow because of its scheme: said with where
 * it pointed, not as curl's "Protocol not supported". */
static bool refused_redirect(struct http_transfer *t, CURLcode rc, char *why, size_t len)
{
    char *target = NULL, shown[URL_SHOWN_MAX];
    if (rc != CURLE_UNSUPPORTED_PROTOCOL || t->delivery ||
        curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &target) != CURLE_OK || !target ||
        strcmp(target, t->url) == 0)
        return false;
    bool https = url_has_scheme(t->url, "https");
    snprintf(why, len, "redirected to %s, which an %s source does not follow (%s only)",
             url_redact(target, shown, sizeof shown), https ? "https" : "http",
             https ? "https" : "http and https");
    return true;
}

/* Why this try failed, or "" when it did not; sets *retry for retryable ones. */
static void judge(struct http_transfer *t, CURLcode rc, bool *retry, char *why, size_t len)
{
    long status = t->result.status;
    *retry = false;
    why[0] = '\0';
    if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED)
        snprintf(why, len, "response larger than the %zu-byte limit (http max_bytes)",
                 t->engine->settings.max_bytes);
    else if (rc == CURLE_COULDNT_RESOLVE_HOST)
        snprintf(why, len, "no network or no DNS: %s (check the machine's network, DNS and proxy)",
                 t->curl_error[0] ? t->curl_error : curl_easy_strerror(rc));
    else if (rc != CURLE_OK && !refused_redirect(t, rc, why, len))
        snprintf(why, len, "%s", t->curl_error[0] ? t->curl_error : curl_easy_strerror(rc));
    else if (status == 429 || status >= 500)
        snprintf(why, len, "HTTP %ld", status);
    else if (t->delivery && !t->mail_from && (status < 200 || status >= 300))
        snprintf(why, len, "HTTP %ld", status); /* a receiver takes a notification with 2xx */
    *retry = why[0] && !t->too_big && rc != CURLE_FILESIZE_EXCEEDED &&
             (rc == CURLE_OK || retryable_curl_error(rc));
}

static void answer_from_cache(struct http_transfer *t)
{
    size_t len;
    char *body = http_cache_body(t->engine->settings.cache_dir, t->cache_key, &len);
    if (!body) {
        snprintf(t->result.error, sizeof t->result.error,
                 "%s: 304 Not Modified, but the kept body is gone", t->shown_url);
        return;
    }
    free(t->result.body);
    t->result.body = body;
    t->result.len = len;
    t->result.status = 200;
    t->result.not_modified = true;
}

static void keep_for_next_time(struct http_transfer *t)
{
    const char *etag = http_result_header(&t->result, "ETag");
    const char *modified = http_result_header(&t->result, "Last-Modified");
    if (!t->engine->settings.cache_dir || t->result.status != 200 || (!etag && !modified) ||
        !http_cache_applies(t->url))
        return;
    if ((etag && strlen(etag) > HTTP_CACHE_VALIDATOR_MAX) ||
        (modified && strlen(modified) > HTTP_CACHE_VALIDATOR_MAX))
        log_info("http: %s: a validator over %d bytes is not kept; the next request is "
                 "unconditional",
                 t->shown_url, HTTP_CACHE_VALIDATOR_MAX);
    else if (http_cache_store(t->engine->settings.cache_dir, t->cache_key, etag, modified,
                              t->result.body ? t->result.body : "", t->result.len) < 0)
        log_warn("http: cannot keep the response of %s for conditional requests", t->shown_url);
}

static void finish(struct http_transfer *t)
{
    if (!t->delivery && !t->result.error[0] && t->result.status == 304)
        answer_from_cache(t);
    else if (!t->delivery && !t->result.error[0]) /* nothing of a delivery is cached */
        keep_for_next_time(t);
    if (t->result.error[0]) { /* a failure carries no body, partial or not */
        free(t->result.body);
        t->result.body = NULL;
        t->result.len = 0;
    } else if (!t->result.body && !(t->result.body = calloc(1, 1))) {
        snprintf(t->result.error, sizeof t->result.error, "%s: out of memory", t->shown_url);
    }
    t->done(t->arg, &t->result);
    http_transfer_free(t);
}

static void completed(struct http_engine *e, struct http_transfer *t, CURLcode rc)
{
    char why[400];
    bool retry;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->result.status);
    if (strncmp(t->url, "file:", 5) == 0 && rc == CURLE_OK)
        t->result.status = 200;
    t->host->active--;
    judge(t, rc, &retry, why, sizeof why);
    if (why[0] && retry && !t->delivery && t->result.tries < e->settings.tries) {
        int64_t after = http_parse_retry_after(http_result_header(&t->result, "Retry-After"),
                                               (int64_t)time(NULL));
        int64_t delay = http_retry_delay_ms(&e->settings, t->result.tries + 1, after);
        log_info("http: %s: %s; try %d of %d in %.1f s", t->shown_url, why, t->result.tries + 1,
                 e->settings.tries, (double)delay / 1000.0);
        t->state = WAITING;
        t->retry_timer = loop_add_timer(e->loop, delay, on_retry_timer, t);
        if (!t->retry_timer) { /* else it would wait for ever */
            snprintf(t->result.error, sizeof t->result.error,
                     "%s: %s; cannot schedule the next try (out of memory)", t->shown_url, why);
            finish(t);
        }
    } else {
        if (why[0])
            snprintf(t->result.error, sizeof t->result.error, "%s: %s%s", t->shown_url, why,
                     retry && !t->delivery ? " (gave up after every try)" : "");
        finish(t); /* frees t */
    }
}

static void check_finished(struct http_engine *e)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(e->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct http_transfer *t;
        CURLcode rc = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        struct host_state *h = t->host;
        completed(e, t, rc);
        pump(e, h);
    }
}

/* ---- public ---- */

struct http_engine *http_new(struct loop *loop, const struct http_settings *settings)
{
    struct http_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->loop = loop;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(e->multi = curl_multi_init()) ||
        http_settings_copy(&e->settings, settings) < 0) {
        http_free(e);
        return NULL;
    }
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, on_timer_change);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    return e;
}

int http_configure(struct http_engine *e, const struct http_settings *settings)
{
    struct http_settings copy;
    if (http_settings_copy(&copy, settings) < 0) {
        http_settings_free(&copy);
        return -1;
    }
    http_settings_free(&e->settings);
    e->settings = copy;
    return 0;
}

void http_track(struct http_engine *e, struct http_transfer *t)
{
    t->all_next = e->all;
    if (e->all)
        e->all->all_prev = t;
    e->all = t;
    enqueue(t->host, t);
    pump(e, t->host);
}

char *http_dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *http_shown_url(const char *url)
{
    char shown[URL_SHOWN_MAX];
    return url ? strdup(url_redact(url, shown, sizeof shown)) : NULL;
}

struct http_transfer *http_fetch(struct http_engine *e, const struct pejl_request *req,
                                 http_done_fn done, void *arg)
{
    struct http_transfer *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    *t = (struct http_transfer){.engine = e, .done = done, .arg = arg};
    t->url = strdup(req->url);
    t->method = http_dup_or_null(req->method);
    t->body = http_dup_or_null(req->body);
    t->content_type = http_dup_or_null(req->content_type);
    t->cache_key = http_cache_key(req);
    t->shown_url = http_shown_url(t->url);
    t->host = t->url ? http_host_get(e, t->url) : NULL;
    if (!t->url || !t->shown_url || !t->cache_key || !t->host || (req->body && !t->body)) {
        http_transfer_free(t);
        return NULL;
    }
    http_track(e, t);
    return t;
}

void http_cancel(struct http_engine *e, struct http_transfer *t)
{
    if (t->state == QUEUED)
        unqueue(t->host, t);
    else if (t->state == ACTIVE)
        t->host->active--;
    struct host_state *h = t->host;
    http_transfer_free(t);
    pump(e, h);
}

void http_free(struct http_engine *e)
{
    if (!e)
        return;
    while (e->all)
        http_transfer_free(e->all);
    for (struct host_state *h = e->hosts, *next; h; h = next) {
        next = h->next;
        if (h->timer)
            loop_cancel_timer(e->loop, h->timer);
        free(h->name);
        free(h);
    }
    if (e->curl_timer)
        loop_cancel_timer(e->loop, e->curl_timer);
    if (e->multi)
        curl_multi_cleanup(e->multi);
    http_settings_free(&e->settings);
    free(e);
}

const char *http_result_header(const struct http_result *r, const char *name)
{
    for (size_t i = r->n_headers; i-- > 0;)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}
