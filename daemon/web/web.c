/*
 * web.c — the HTTP endpoint (see web.h): libmicrohttpd in the event loop,
 * the routes, and responses built in bounded memory.
 *
 * libmicrohttpd runs without a thread of its own (no
 * MHD_USE_INTERNAL_POLLING_THREAD) on its own epoll descriptor, which is
 * one descriptor of our loop: when it is readable, MHD_run() does what is
 * ready, and MHD_get_timeout() says when to run it next (an idle
 * connection to drop, or work pending: 0).
 *
 * A request with ?as_of= reads the journal back, which takes long on a
 * large state: it is done in a child (offload.h) while its connection is
 * suspended (MHD_suspend_connection), and answered when the child's
 * document comes back (MHD_resume_connection); the loop serves everything
 * else meanwhile.
 */
#include "web.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "as_of.h"
#include "log.h"
#include "metrics.h"
#include "offload.h"
#include "status.h"
#include "web_files.h"

struct as_of_request;

struct web {
    struct loop *loop;
    struct MHD_Daemon *mhd;
    int epoll_fd;
    uint64_t timer;
    struct web_daemon daemon;
    struct as_of_request *waiting; /* suspended for their as-of reads */
    char said[256];                /* libmicrohttpd's last message: why it could not start */
};

/* A request's state once its headers are in: none, or an as-of read. */
static char headers_seen;

/* A request waiting for its as-of read; what the child reads is copied
 * here before the fork (the child sees it as it was then). */
struct as_of_request {
    struct web *web;
    struct MHD_Connection *connection;
    struct offload_job *job; /* NULL once it has ended */
    bool suspended;
    const struct indicator *indicators;
    size_t n_indicators;
    struct store_settings settings;
    int64_t as_of;
    char *document; /* the answer, or NULL and `error` */
    size_t len;
    char error[1200];
    struct as_of_request *next;
};

/* ---- driving libmicrohttpd from the loop ---- */

static void run(struct web *w);

static void on_timer(struct loop *loop, void *arg)
{
    struct web *w = arg;
    (void)loop;
    w->timer = 0;
    run(w);
}

static void on_ready(struct loop *loop, int fd, uint32_t events, void *arg)
{
    (void)loop, (void)fd, (void)events;
    run(arg);
}

/* Does what is ready, then arms the timer for what is due next. */
static void run(struct web *w)
{
    MHD_UNSIGNED_LONG_LONG ms;
    MHD_run(w->mhd);
    if (w->timer)
        loop_cancel_timer(w->loop, w->timer);
    w->timer = 0;
    if (MHD_get_timeout(w->mhd, &ms) == MHD_YES)
        w->timer = loop_add_timer(w->loop, ms > 3600000 ? 3600000 : (int64_t)ms, on_timer, w);
}

/* ---- responses ---- */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                             const char *type)
{
    if (!r)
        return MHD_NO; /* out of memory: libmicrohttpd drops the connection */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* A short text answer: "ok", or what is wrong and what to do. */
static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
    char body[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body - 1, fmt, ap);
    va_end(ap);
    n = n < 0 ? 0 : n > (int)sizeof body - 2 ? (int)sizeof body - 2 : n;
    body[n++] = '\n';
    struct MHD_Response *r =
        MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
    if (r)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return queue(c, status, r, "text/plain; charset=utf-8");
}

/* An API error: {"error": "…"}. */
static enum MHD_Result json_error(struct MHD_Connection *c, unsigned status, const char *message)
{
    json_t *o = json_pack("{s:s}", "error", message);
    char *body = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
    json_decref(o);
    if (!body)
        return MHD_NO;
    size_t len = strlen(body);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(len, body, free);
    if (!r)
        free(body);
    return queue(c, status, r, "application/json");
}

/* Text built with stdio into memory that refuses to grow past
 * WEB_RESPONSE_MAX: a catalogue too large for one response fails its
 * writes instead of taking the daemon's memory. */
struct bounded {
    char *buf;
    size_t len, cap;
    bool full;
};

static ssize_t bounded_write(void *cookie, const char *data, size_t size)
{
    struct bounded *b = cookie;
    if (b->full || size > WEB_RESPONSE_MAX - b->len) {
        b->full = true;
        return -1;
    }
    if (b->len + size > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < b->len + size)
            cap *= 2;
        cap = cap > WEB_RESPONSE_MAX ? WEB_RESPONSE_MAX : cap;
        char *grown = realloc(b->buf, cap);
        if (!grown) {
            b->full = true;
            return -1;
        }
        b->buf = grown, b->cap = cap;
    }
    memcpy(b->buf + b->len, data, size);
    b->len += size;
    return (ssize_t)size;
}

typedef int (*document_fn)(FILE *out, const struct web_state *s, const void *arg);

/* A document written by `fn` into bounded memory, answered with `type`. */
static enum MHD_Result document(struct MHD_Connection *c, const struct web_state *s, document_fn fn,
                                const void *arg, const char *type)
{
    struct bounded b = {0};
    FILE *f = fopencookie(&b, "w", (cookie_io_functions_t){.write = bounded_write});
    if (!f)
        return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    int rc = fn(f, s, arg);
    if (fclose(f) != 0 || rc < 0 || b.full) {
        free(b.buf);
        return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
                    "the answer would be larger than the %zu MiB a response may hold, or "
                    "memory ran out; see pejld's log",
                    WEB_RESPONSE_MAX >> 20);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(b.len, b.buf, free);
    if (!r)
        free(b.buf);
    else
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return queue(c, MHD_HTTP_OK, r, type);
}

/* ---- the documents ---- */

static int write_metrics(FILE *out, const struct web_state *s, const void *arg)
{
    (void)arg;
    struct metrics_input in = {.indicators = s->indicators,
                               .n_indicators = s->n_indicators,
                               .store = s->store,
                               .alerting = s->alerting,
                               .now = s->now,
                               .collections_failed = s->collections_failed,
                               .outbox_pending = s->outbox_pending};
    return metrics_write(out, &in);
}

static int write_status(FILE *out, const struct web_state *s, const void *arg)
{
    const struct indicator *one = arg;
    return status_print_json(out, one ? one : s->indicators, one ? 1 : s->n_indicators, s->store,
                             s->alerting, s->now);
}

static int write_alerts(FILE *out, const struct web_state *s, const void *arg)
{
    (void)arg;
    return alerting_print_json(out, s->alerting, s->now);
}

/* ---- the routes ---- */

static enum MHD_Result healthz(struct MHD_Connection *c, const struct web_state *s)
{
    char why[600];
    if (s->stopping)
        return text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "pejld is stopping");
    if (store_journal_health(s->store, why, sizeof why) < 0)
        return text(c, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", why);
    /* answered from the event loop itself: an answer means the loop runs */
    return text(c, MHD_HTTP_OK, "ok");
}

/* ---- ?as_of=: the documents as known then, read in a child ---- */

/* In the child: the status rows (all, or one indicator's) as known at
 * `as_of`, evaluated then, without alerts: pejld --status --json --as-of. */
static int as_of_work(FILE *out, void *arg, char *err, size_t errlen)
{
    const struct as_of_request *q = arg;
    struct store *store = store_read_as_of(&q->settings, q->as_of, err, errlen);
    if (!store)
        return -1;
    int rc = status_print_json(out, q->indicators, q->n_indicators, store, NULL, q->as_of);
    store_close(store);
    if (rc < 0)
        snprintf(err, errlen, "the status cannot be written; see pejld's log");
    return rc;
}

static void unlink_waiting(struct as_of_request *q)
{
    for (struct as_of_request **p = &q->web->waiting; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            return;
        }
}

static void resume(struct as_of_request *q)
{
    if (!q->suspended)
        return;
    q->suspended = false;
    MHD_resume_connection(q->connection);
}

/* From the loop: the child's document or error; the request goes on. */
static void as_of_done(void *arg, const char *document, size_t len, const char *error)
{
    struct as_of_request *q = arg;
    q->job = NULL;
    if (document && !(q->document = malloc(len + 1)))
        snprintf(q->error, sizeof q->error, "out of memory");
    else if (document)
        memcpy(q->document, document, len + 1), q->len = len;
    else
        snprintf(q->error, sizeof q->error, "%s", error);
    resume(q);
    run(q->web); /* libmicrohttpd answers it now, not at the next network event */
}

/* libmicrohttpd is done with a request: an as-of read still running for
 * it (the daemon stops) is killed. */
static void completed(void *cls, struct MHD_Connection *c, void **request,
                      enum MHD_RequestTerminationCode why)
{
    struct as_of_request *q = *request;
    (void)cls, (void)c, (void)why;
    if (!q || *request == &headers_seen)
        return;
    offload_cancel(q->job);
    unlink_waiting(q);
    free(q->document);
    free(q);
    *request = NULL;
}

/* The third call for an as-of request: its answer, now that it is in. */
static enum MHD_Result as_of_answer(struct MHD_Connection *c, struct as_of_request *q)
{
    if (!q->document)
        return json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, q->error);
    struct MHD_Response *r =
        MHD_create_response_from_buffer_with_free_callback(q->len, q->document, free);
    if (!r)
        return MHD_NO;
    q->document = NULL; /* the response's now */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return queue(c, MHD_HTTP_OK, r, "application/json");
}

/* Starts the as-of read of `one` (NULL: all indicators) and suspends the
 * request until it ends; or answers at once why it cannot. */
static enum MHD_Result as_of_start(struct web *w, struct MHD_Connection *c,
                                   const struct web_state *s, const struct indicator *one,
                                   int64_t as_of, void **request)
{
    char err[256];
    struct as_of_request *q = calloc(1, sizeof *q);
    if (!q || !s->as_of_reads) {
        free(q);
        return json_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    }
    *q = (struct as_of_request){.web = w,
                                .connection = c,
                                .indicators = one ? one : s->indicators,
                                .n_indicators = one ? 1 : s->n_indicators,
                                .settings = s->store_settings,
                                .as_of = as_of};
    enum offload_start started =
        offload_start(s->as_of_reads, as_of_work, q, as_of_done, q, &q->job, err, sizeof err);
    if (started != OFFLOAD_STARTED) {
        free(q);
        return json_error(c,
                          started == OFFLOAD_BUSY ? MHD_HTTP_SERVICE_UNAVAILABLE
                                                  : MHD_HTTP_INTERNAL_SERVER_ERROR,
                          err);
    }
    q->next = w->waiting;
    w->waiting = q;
    *request = q;
    q->suspended = true;
    MHD_suspend_connection(c);
    return MHD_YES;
}

/* ?as_of=TIME as the control socket reads it (as_of_resolve): 1 and the
 * moment in *as_of, 0 when there is none, -1 when it is answered (400). */
static int as_of_argument(struct MHD_Connection *c, const struct web_state *s, int64_t *as_of,
                          enum MHD_Result *answer)
{
    const char *value = NULL;
    char spec[256], err[1024], why[1100];
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "as_of", 5, &value, NULL) !=
        MHD_YES)
        return 0;
    if (!value || !*value)
        snprintf(err, sizeof err,
                 "needs a value: a date (2025-06-01), an RFC 3339 time "
                 "(2025-06-01T10:00:00Z) or a snapshot's name");
    else if (web_as_of_text(value, spec, sizeof spec) < 0)
        snprintf(err, sizeof err, "is longer than any moment or snapshot name (%zu bytes)",
                 strlen(value));
    else if (as_of_resolve(s->store_settings.state_dir, spec, as_of, err, sizeof err) == 0)
        return 1;
    snprintf(why, sizeof why, "as_of %s", err);
    *answer = json_error(c, MHD_HTTP_BAD_REQUEST, why);
    return -1;
}

int web_as_of_text(const char *value, char *out, size_t size)
{
    size_t len = strlen(value);
    if (len >= size)
        return -1;
    for (size_t i = 0; i <= len; i++)
        out[i] = value[i] == ' ' ? '+' : value[i];
    return 0;
}

static enum MHD_Result api(struct web *w, struct MHD_Connection *c, const struct web_state *s,
                           const char *path, void **request)
{
    static const char json_type[] = "application/json";
    const char *prefix = "/api/v1/indicators/";
    const struct indicator *ind = NULL;
    enum MHD_Result answer = MHD_NO;
    int64_t as_of = 0;
    int asked = as_of_argument(c, s, &as_of, &answer);
    if (asked < 0)
        return answer;
    if (strncmp(path, prefix, strlen(prefix)) == 0) {
        const char *id = path + strlen(prefix);
        ind = indicator_id_valid(id) ? indicator_find(s->indicators, s->n_indicators, id) : NULL;
        if (!ind)
            return json_error(c, MHD_HTTP_NOT_FOUND,
                              "no such indicator; /api/v1/status lists them");
    } else if (strcmp(path, "/api/v1/alerts") == 0 && asked) {
        return json_error(c, MHD_HTTP_BAD_REQUEST,
                          "as_of is for /api/v1/status and /api/v1/indicators/ID: alerts are "
                          "what pejld saw as it ran, and a view as of then has none");
    } else if (strcmp(path, "/api/v1/alerts") == 0) {
        return document(c, s, write_alerts, NULL, json_type);
    } else if (strcmp(path, "/api/v1/status") != 0) {
        return json_error(c, MHD_HTTP_NOT_FOUND,
                          "no such resource; there are /api/v1/status, /api/v1/alerts and "
                          "/api/v1/indicators/ID");
    }
    if (asked)
        return as_of_start(w, c, s, ind, as_of, request);
    return document(c, s, write_status, ind, json_type);
}

static enum MHD_Result report_file(struct MHD_Connection *c, const struct web_state *s,
                                   const char *path)
{
    struct web_file file;
    char why[600];
    unsigned status = web_files_open(s->report_dir, path, &file, why, sizeof why);
    if (status != 200)
        return text(c, status, "%s", why);
    struct MHD_Response *r = MHD_create_response_from_fd(file.size, file.fd);
    if (!r) {
        close(file.fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    return queue(c, MHD_HTTP_OK, r, file.type);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **request)
{
    struct web *w = cls;
    struct web_state s;
    (void)version, (void)upload;
    /* Refused at once (the connection is closed after the answer, its body
     * never read): other methods, and a GET or HEAD that carries a body. */
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
                    "only GET and HEAD: this endpoint is read-only");
    if (*upload_size > 0)
        return text(c, MHD_HTTP_CONTENT_TOO_LARGE, "a GET or HEAD request carries no body");
    /* Answered on the second call, once the request is whole: an answer
     * queued before that closes the connection, and a scraper that keeps
     * it open would connect anew every time. */
    if (!*request) {
        *request = &headers_seen;
        return MHD_YES;
    }
    if (*request != &headers_seen) /* resumed: its as-of read has ended */
        return as_of_answer(c, *request);
    w->daemon.state(w->daemon.arg, &s);
    if (strcmp(url, "/healthz") == 0)
        return healthz(c, &s);
    if (strcmp(url, "/metrics") == 0)
        return document(c, &s, write_metrics, NULL, "text/plain; version=0.0.4; charset=utf-8");
    if (strncmp(url, "/api/", 5) == 0)
        return api(w, c, &s, url, request);
    return report_file(c, &s, url);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* %XX decoded in place, as libmicrohttpd's own unescaper does, except that
 * %00 becomes a byte no route or file name takes (0x01): a NUL would cut
 * "/index.html%00.png" short into a path that was not asked for. */
static size_t unescape(void *arg, struct MHD_Connection *c, char *uri)
{
    char *out = uri;
    (void)arg, (void)c;
    for (const char *in = uri; *in; out++) {
        int hi = in[0] == '%' ? hex_digit(in[1]) : -1, lo = hi >= 0 ? hex_digit(in[2]) : -1;
        if (lo >= 0) {
            *out = (char)(hi * 16 + lo) ? (char)(hi * 16 + lo) : '\x01';
            in += 3;
        } else {
            *out = *in++;
        }
    }
    *out = '\0';
    return (size_t)(out - uri);
}

/* libmicrohttpd's complaints (a client that broke off, a request too
 * large) are about clients, not pejld: debug level. */
static void mhd_log(void *arg, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_log(void *arg, const char *fmt, va_list ap)
{
    struct web *w = arg;
    vsnprintf(w->said, sizeof w->said, fmt, ap);
    w->said[strcspn(w->said, "\n")] = '\0';
    log_debug("http endpoint: %s", w->said);
}

struct web *web_open(struct loop *loop, const struct sockaddr *addr, socklen_t addr_len,
                     const struct web_daemon *daemon, char *err, size_t errlen)
{
    struct web *w = calloc(1, sizeof *w);
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    (void)addr_len;
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (addr->sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    w->loop = loop, w->daemon = *daemon, w->epoll_fd = -1;
    w->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS_MAX,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS_PER_ADDRESS,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_REQUEST_MAX, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)WEB_IDLE_TIMEOUT_S, MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w, MHD_OPTION_NOTIFY_COMPLETED,
        completed, w, MHD_OPTION_END);
    const union MHD_DaemonInfo *info =
        w->mhd ? MHD_get_daemon_info(w->mhd, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
    if (!w->mhd || !info || (w->epoll_fd = info->epoll_fd) < 0 ||
        loop_add_fd(loop, w->epoll_fd, EPOLLIN, on_ready, w) < 0) {
        /* "Failed to bind to port 0: Address already in use": the port is ours, the why MHD's */
        const char *why = strrchr(w->said, ':');
        snprintf(err, errlen, "cannot listen there: %s",
                 why          ? why + 2
                 : w->said[0] ? w->said
                              : "out of memory");
        if (w->mhd)
            MHD_stop_daemon(w->mhd);
        free(w);
        return NULL;
    }
    run(w); /* arms the timer */
    return w;
}

void web_close(struct web *w)
{
    if (!w)
        return;
    if (w->timer)
        loop_cancel_timer(w->loop, w->timer);
    loop_remove_fd(w->loop, w->epoll_fd);
    /* libmicrohttpd may not stop with suspended connections: their reads
     * are killed, and they are closed with the rest (completed() frees) */
    for (struct as_of_request *q = w->waiting; q; q = q->next) {
        offload_cancel(q->job);
        q->job = NULL;
        resume(q);
    }
    MHD_stop_daemon(w->mhd);
    free(w);
}
