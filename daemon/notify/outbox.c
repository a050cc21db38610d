/*
 * outbox.c — the durable outbox (see outbox.h).
 */
#include "outbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "atomic_file.h"
#include "log.h"
#include "store.h"
#include "timestamp.h"

#define OUTBOX_FORMAT "pejl-outbox 1"

struct entry {
    struct outbox *outbox;
    char id[48]; /* the file name stem; ids sort in the order they were queued */
    char receiver[RECEIVER_NAME_MAX + 1];
    char *summary, *fingerprints, *payload;
    size_t len;
    unsigned char *graph; /* e-mail: the PNG to attach; NULL: none */
    size_t graph_len;
    char graph_name[INDICATOR_ID_MAX + 5]; /* "ID.png" */
    int64_t created_at;
    unsigned attempts;          /* by this process */
    int64_t next_attempt_ms;    /* loop clock */
    struct http_transfer *transfer;
    bool receiver_missing;      /* logged once */
};

struct outbox {
    char *dir, *log_path;
    struct loop *loop;
    struct http_engine *http;
    struct outbox_delivery delivery;
    bool configured; /* outbox_use_settings was called */
    struct entry **entries;
    size_t n, cap;
    unsigned seq;
    uint64_t timer;
    bool full_logged;
    void (*settled)(void *arg);
    void *settled_arg;
};

static void pump(struct outbox *ob);

/* ---- entries and their files ---- */

static void entry_free(struct entry *e)
{
    if (!e)
        return;
    free(e->summary);
    free(e->fingerprints);
    free(e->payload);
    free(e->graph);
    free(e);
}

static char *entry_path(const struct outbox *ob, const char *id, const char *sub)
{
    char *path;
    return asprintf(&path, "%s/%s%s%s.json", ob->dir, sub, *sub ? "/" : "", id) < 0 ? NULL : path;
}

static int remember(struct outbox *ob, struct entry *e)
{
    if (array_grow((void **)&ob->entries, &ob->cap, ob->n + 1, sizeof *ob->entries) < 0)
        return -1;
    ob->entries[ob->n++] = e;
    return 0;
}

static void forget(struct outbox *ob, struct entry *e)
{
    for (size_t i = 0; i < ob->n; i++)
        if (ob->entries[i] == e) {
            memmove(ob->entries + i, ob->entries + i + 1, (ob->n - i - 1) * sizeof *ob->entries);
            ob->n--;
            break;
        }
    entry_free(e);
}

/* The graph as the entry file keeps it: a JSON string must be text. */
static json_t *graph_json(const struct entry *e)
{
    if (e->graph_len > INT_MAX / 4 * 3 - 3)
        return NULL;
    unsigned char *text = malloc(e->graph_len / 3 * 4 + 5);
    if (!text)
        return NULL;
    int n = EVP_EncodeBlock(text, e->graph, (int)e->graph_len);
    json_t *s = json_stringn((const char *)text, (size_t)n);
    free(text);
    return s;
}

static char *entry_text(const struct entry *e)
{
    char created[TIMESTAMP_TEXT_MAX];
    timestamp_format(e->created_at, created, sizeof created);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s%}", "format", OUTBOX_FORMAT, "id",
                            e->id, "receiver", e->receiver, "created_at", created, "summary",
                            e->summary, "fingerprints", e->fingerprints, "payload", e->payload,
                            e->len);
    if (doc && e->graph &&
        (json_object_set_new(doc, "graph", graph_json(e)) < 0 ||
         json_object_set_new(doc, "graph_name", json_string(e->graph_name)) < 0)) {
        json_decref(doc);
        doc = NULL;
    }
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return text;
}

static struct entry *entry_new(struct outbox *ob, const struct outbox_item *item)
{
    struct entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->outbox = ob;
    e->created_at = (int64_t)time(NULL);
    snprintf(e->id, sizeof e->id, "%lld-%06u-%d", (long long)e->created_at, ob->seq++ % 1000000,
             (int)getpid());
    snprintf(e->receiver, sizeof e->receiver, "%s", item->receiver);
    e->summary = strdup(item->summary ? item->summary : "");
    e->fingerprints = strdup(item->fingerprints ? item->fingerprints : "");
    e->payload = malloc(item->len + 1);
    if (!e->summary || !e->fingerprints || !e->payload) {
        entry_free(e);
        return NULL;
    }
    memcpy(e->payload, item->payload, item->len);
    e->payload[item->len] = '\0';
    e->len = item->len;
    if (item->graph) {
        if (!(e->graph = malloc(item->graph_len ? item->graph_len : 1))) {
            entry_free(e);
            return NULL;
        }
        memcpy(e->graph, item->graph, item->graph_len);
        e->graph_len = item->graph_len;
        snprintf(e->graph_name, sizeof e->graph_name, "%s",
                 item->graph_name ? item->graph_name : "graph.png");
    }
    return e;
}

bool outbox_full(const struct outbox *ob)
{
    return ob->configured && ob->n >= ob->delivery.limits.max_entries;
}

int outbox_add(struct outbox *ob, const struct outbox_item *item, bool urgent)
{
    char err[512];
    if (outbox_full(ob) && !urgent) {
        if (!ob->full_logged)
            log_err("outbox: full (%zu undelivered, outbox.max); new notifications wait in the "
                    "alert state until there is room: check the receivers", ob->n);
        ob->full_logged = true;
        return -1;
    }
    struct entry *e = entry_new(ob, item);
    char *text = e ? entry_text(e) : NULL, *path = e ? entry_path(ob, e->id, "") : NULL;
    int rc = text && path ? atomic_file_write(path, text, strlen(text), 0600, err, sizeof err)
                          : (snprintf(err, sizeof err, "out of memory"), -1);
    if (rc == 0 && remember(ob, e) < 0) {
        unlink(path); /* not remembered: not queued */
        rc = -1, snprintf(err, sizeof err, "out of memory");
    }
    if (rc < 0) {
        log_err("outbox: notification for %s not queued: %s", item->receiver, err);
        entry_free(e);
    }
    free(text);
    free(path);
    if (rc == 0)
        pump(ob);
    return rc;
}

size_t outbox_size(const struct outbox *ob)
{
    return ob->n;
}

/* ---- the notification log ---- */

/* One line per outcome; what was sent to whom, when. */
static void log_outcome(struct outbox *ob, const struct entry *e, const char *outcome,
                        const struct http_result *r)
{
    char now[TIMESTAMP_TEXT_MAX], *line = NULL;
    timestamp_format((int64_t)time(NULL), now, sizeof now);
    char why[1024];
    int fd = open(ob->log_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && atomic_file_state_link_error(ob->log_path, why, sizeof why))
        log_err("outbox: %s (%s) not logged: %s", e->id, outcome, why);
    else if (fd < 0 ||
             asprintf(&line,
                      "%s %s id=%s receiver=%s tries=%u status=%ld alerts=%s summary=\"%s\"%s%s\n",
                      now, outcome, e->id, e->receiver, e->attempts, r->status, e->fingerprints,
                      e->summary, r->error[0] ? " error=" : "", r->error) < 0 ||
             atomic_file_write_all(fd, line, strlen(line)) < 0 || fdatasync(fd) < 0)
        log_err_errno("outbox: cannot write %s", ob->log_path);
    if (fd >= 0)
        close(fd);
    free(line);
}

/* ---- delivery ---- */

static const struct receiver *receiver_of(const struct outbox *ob, const char *name)
{
    for (size_t i = 0; ob->configured && i < ob->delivery.n_receivers; i++)
        if (strcmp(ob->delivery.receivers[i].name, name) == 0)
            return &ob->delivery.receivers[i];
    return NULL;
}

/* 4xx other than 408 and 429: the receiver will never take this one. */
static bool refused_for_good(const struct http_result *r, const struct receiver *rc)
{
    return rc->type != RECEIVER_EMAIL && r->status >= 400 && r->status < 500 && r->status != 408 &&
           r->status != 429;
}

static int64_t retry_delay_ms(const struct outbox_settings *s, unsigned attempts)
{
    int64_t delay = s->backoff_ms;
    for (unsigned i = 1; i < attempts && delay < s->max_backoff_ms; i++)
        delay *= 2;
    if (delay > s->max_backoff_ms)
        delay = s->max_backoff_ms;
    return delay / 2 + (int64_t)arc4random_uniform((uint32_t)(delay / 2 + 1)); /* jitter */
}

static void move_to_failed(struct outbox *ob, const struct entry *e)
{
    char *from = entry_path(ob, e->id, ""), *to = entry_path(ob, e->id, "failed"), *dir = NULL;
    char err[256];
    if (from && to && asprintf(&dir, "%s/failed", ob->dir) >= 0 &&
        store_make_directories(dir, err, sizeof err) == 0 && rename(from, to) == 0)
        log_with(LOG_LEVEL_ERROR, &(struct log_fields){.receiver = e->receiver, .fingerprint = e->fingerprints, .event = "refused"},
                 "outbox: %s refused notification %s for good; kept as %s", e->receiver, e->id, to);
    else
        log_err("outbox: %s refused notification %s for good, and it could not be moved to "
                "failed/; it stays and will be tried again", e->receiver, e->id);
    free(from);
    free(to);
    free(dir);
}

static void on_delivered(void *arg, const struct http_result *r)
{
    struct entry *e = arg;
    struct outbox *ob = e->outbox;
    const struct receiver *rc = receiver_of(ob, e->receiver);
    e->transfer = NULL;
    if (!r->error[0]) {
        log_outcome(ob, e, "delivered", r);
        char *path = entry_path(ob, e->id, "");
        if (path && unlink(path) < 0)
            log_err("outbox: delivered %s but cannot remove %s: %s; it may be sent again", e->id,
                    path, strerror(errno));
        free(path);
        log_with(LOG_LEVEL_INFO, &(struct log_fields){.receiver = e->receiver, .fingerprint = e->fingerprints, .event = "delivered"},
                 "outbox: %s delivered to %s (%u %s)", e->id, e->receiver, e->attempts,
                 e->attempts == 1 ? "try" : "tries");
        forget(ob, e);
    } else if (rc && refused_for_good(r, rc)) {
        log_outcome(ob, e, "refused", r);
        move_to_failed(ob, e);
        forget(ob, e);
    } else {
        int64_t delay = retry_delay_ms(&ob->delivery.limits, e->attempts);
        e->next_attempt_ms = loop_now_ms() + delay;
        log_with(LOG_LEVEL_WARNING, &(struct log_fields){.receiver = e->receiver, .fingerprint = e->fingerprints, .event = "delivery_failed"},
                 "outbox: %s to %s failed (try %u): %s; next try in %.1f s", e->id, e->receiver,
                 e->attempts, r->error, (double)delay / 1000);
    }
    pump(ob);
}

int outbox_signature(const void *secret, size_t secret_len, const void *body, size_t len,
                     char out[OUTBOX_SIGNATURE_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    if (secret_len > INT_MAX ||
        !HMAC(EVP_sha256(), secret, (int)secret_len, body, len, mac, &mac_len) || mac_len != 32)
        return -1;
    char *o = out + snprintf(out, OUTBOX_SIGNATURE_SIZE, "sha256=");
    for (unsigned i = 0; i < mac_len; i++) {
        *o++ = hex[mac[i] >> 4];
        *o++ = hex[mac[i] & 15];
    }
    *o = '\0';
    return 0;
}

/* The timestamp and signature headers of a webhook body; "" without a
 * secret. The signature covers "TIMESTAMP.BODY", so a receiver that refuses
 * old timestamps refuses a captured webhook sent again (a retry is signed
 * anew). -1 when it cannot be signed. */
static int signature(const struct receiver *rc, const struct entry *e, char *stamp, char *line,
                     size_t size)
{
    char value[OUTBOX_SIGNATURE_SIZE], prefix[32];
    stamp[0] = line[0] = '\0';
    if (!rc->secret)
        return 0;
    int plen = snprintf(prefix, sizeof prefix, "%lld.", (long long)time(NULL));
    char *signed_text = malloc((size_t)plen + e->len);
    if (!signed_text)
        return -1;
    memcpy(signed_text, prefix, (size_t)plen);
    memcpy(signed_text + plen, e->payload, e->len);
    int rc_sign = outbox_signature(rc->secret, rc->secret_len, signed_text, (size_t)plen + e->len, value);
    free(signed_text);
    if (rc_sign < 0)
        return -1;
    snprintf(stamp, size, "X-Pejl-Timestamp: %.*s", plen - 1, prefix);
    snprintf(line, size, "X-Pejl-Signature: %s", value);
    return 0;
}

static struct http_transfer *send_http(struct outbox *ob, const struct receiver *rc, struct entry *e)
{
    char stamp[128], sig[128], *url = NULL, *lines[35] = {0};
    size_t n = 0;
    if (signature(rc, e, stamp, sig, sizeof sig) < 0)
        return NULL; /* tried again later, never sent unsigned */
    if (sig[0])
        lines[n++] = stamp, lines[n++] = sig;
    for (size_t i = 0; i < rc->n_headers && n < 32; i++)
        if (asprintf(&lines[n], "%s: %s", rc->headers[i].name, rc->headers[i].value) >= 0)
            n++;
    size_t ulen = strlen(rc->url);
    bool am = rc->type == RECEIVER_ALERTMANAGER;
    if (asprintf(&url, "%.*s%s", (int)(ulen && rc->url[ulen - 1] == '/' ? ulen - 1 : ulen), rc->url,
                 am ? "/api/v2/alerts" : "") < 0)
        url = NULL;
    struct http_delivery d = {.url = url,
                              .body = e->payload,
                              .len = e->len,
                              .content_type = "application/json",
                              .headers = (const char *const *)lines,
                              .timeout_ms = ob->delivery.limits.timeout_ms};
    struct http_transfer *t = url ? http_deliver(ob->http, &d, on_delivered, e) : NULL;
    for (size_t i = sig[0] ? 2 : 0; i < n; i++)
        free(lines[i]);
    free(url);
    return t;
}

/* The header lines of the text message `payload` (each with its folded
 * continuation lines), for the top of the multipart message libcurl makes;
 * the text's Content-Type and Content-Transfer-Encoding stay with the text
 * part. NULL-ended, in one allocation; NULL when out of memory. Sets *text
 * to where the text begins. */
static char **mail_headers(const char *payload, const char **text)
{
    const char *end = strstr(payload, "\r\n\r\n");
    size_t block = end ? (size_t)(end - payload) : strlen(payload), lines = 2;
    for (size_t i = 0; i + 1 < block; i++)
        lines += payload[i] == '\r' && payload[i + 1] == '\n';
    char **list = malloc(lines * sizeof *list + block + 1), *copy = (char *)(list + lines);
    if (!list)
        return NULL;
    memcpy(copy, payload, block);
    copy[block] = '\0';
    *text = end ? end + 4 : payload + block;
    size_t n = 0;
    for (char *line = copy; *line;) {
        char *cut = line;
        while ((cut = strstr(cut, "\r\n")) && (cut[2] == ' ' || cut[2] == '\t'))
            cut += 2; /* a folded header goes on */
        if (cut)
            *cut = '\0';
        if (strncmp(line, "Content-Type:", 13) != 0 &&
            strncmp(line, "Content-Transfer-Encoding:", 26) != 0)
            list[n++] = line;
        line = cut ? cut + 2 : line + strlen(line);
    }
    list[n] = NULL;
    return list;
}

static struct http_transfer *send_email(struct outbox *ob, const struct receiver *rc, struct entry *e)
{
    struct http_delivery d = {.url = rc->url,
                              .body = e->payload,
                              .len = e->len,
                              .mail_from = rc->from,
                              .rcpt = (const char *const *)rc->to,
                              .username = rc->username,
                              .password = rc->password,
                              .require_tls = rc->starttls,
                              .timeout_ms = ob->delivery.limits.timeout_ms};
    char **rcpt = calloc(rc->n_to + 1, sizeof *rcpt); /* NULL-ended */
    char **headers = NULL;
    if (!rcpt)
        return NULL;
    memcpy(rcpt, rc->to, rc->n_to * sizeof *rcpt);
    d.rcpt = (const char *const *)rcpt;
    if (e->graph) { /* libcurl makes it multipart: the text, then the graph */
        const char *text = NULL;
        if (!(headers = mail_headers(e->payload, &text))) {
            free(rcpt);
            return NULL;
        }
        d.mail_headers = (const char *const *)headers;
        d.body = text, d.len = e->len - (size_t)(text - e->payload);
        d.attachment = e->graph, d.attachment_len = e->graph_len;
        d.attachment_name = e->graph_name;
    }
    struct http_transfer *t = http_deliver(ob->http, &d, on_delivered, e);
    free(rcpt);
    free(headers);
    return t;
}

static void start(struct outbox *ob, struct entry *e)
{
    const struct receiver *rc = receiver_of(ob, e->receiver);
    if (!rc) {
        if (!e->receiver_missing)
            log_warn("outbox: %s is for receiver %s, which the config no longer has; it waits "
                     "for that receiver to come back", e->id, e->receiver);
        e->receiver_missing = true;
        return;
    }
    e->receiver_missing = false;
    e->attempts++;
    e->transfer = rc->type == RECEIVER_EMAIL ? send_email(ob, rc, e) : send_http(ob, rc, e);
    if (!e->transfer) {
        e->next_attempt_ms = loop_now_ms() + retry_delay_ms(&ob->delivery.limits, e->attempts);
        log_err("outbox: cannot start delivering %s to %s (out of memory?)", e->id, e->receiver);
    }
}

static bool receiver_busy(const struct outbox *ob, const char *receiver)
{
    for (size_t i = 0; i < ob->n; i++)
        if (ob->entries[i]->transfer && strcmp(ob->entries[i]->receiver, receiver) == 0)
            return true;
    return false;
}

static void on_timer(struct loop *loop, void *arg)
{
    (void)loop;
    struct outbox *ob = arg;
    ob->timer = 0;
    pump(ob);
}

/* Starts what is due, one delivery per receiver at a time, oldest first. */
static void pump(struct outbox *ob)
{
    int64_t now = loop_now_ms(), next = INT64_MAX;
    if (!ob->configured || !ob->http)
        return; /* not configured yet, or a test that only queues */
    for (size_t i = 0; i < ob->n; i++) {
        struct entry *e = ob->entries[i];
        if (e->transfer || receiver_busy(ob, e->receiver))
            continue;
        if (e->next_attempt_ms <= now)
            start(ob, e); /* one that cannot start is due again later: */
        if (!e->transfer && e->next_attempt_ms > now && e->next_attempt_ms < next)
            next = e->next_attempt_ms;
    }
    if (ob->n < ob->delivery.limits.max_entries)
        ob->full_logged = false;
    if (ob->timer)
        loop_cancel_timer(ob->loop, ob->timer);
    ob->timer = next == INT64_MAX ? 0 : loop_add_timer(ob->loop, next - now, on_timer, ob);
    if (ob->settled && outbox_settled(ob))
        ob->settled(ob->settled_arg);
}

bool outbox_settled(const struct outbox *ob)
{
    unsigned tries = ob->configured && ob->delivery.tries > 0 ? (unsigned)ob->delivery.tries : 1;
    for (size_t i = 0; i < ob->n; i++) {
        const struct entry *e = ob->entries[i];
        if (e->transfer || (e->attempts < tries && !e->receiver_missing))
            return false;
    }
    return true;
}

void outbox_on_settled(struct outbox *ob, void (*fn)(void *arg), void *arg)
{
    ob->settled = fn;
    ob->settled_arg = arg;
}

void outbox_use_settings(struct outbox *ob, const struct outbox_delivery *delivery)
{
    ob->delivery = *delivery;
    ob->configured = true;
    pump(ob);
}

/* ---- start-up ---- */

static int by_id(const void *a, const void *b)
{
    return strcmp((*(struct entry *const *)a)->id, (*(struct entry *const *)b)->id);
}

static char *string_copy(json_t *doc, const char *key, size_t *len)
{
    json_t *v = json_object_get(doc, key);
    if (!json_is_string(v))
        return NULL;
    char *copy = malloc(json_string_length(v) + 1);
    if (copy) {
        memcpy(copy, json_string_value(v), json_string_length(v) + 1);
        if (len)
            *len = json_string_length(v);
    }
    return copy;
}

/* The document in queued file `name`; NULL with the reason in `why`. The
 * file is opened without following a link: a link is not pejld's file. */
static json_t *read_entry_file(DIR *d, const char *name, const char *path, char *why, size_t whylen)
{
    json_error_t jerr;
    int fd = openat(dirfd(d), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        if (!atomic_file_state_link_error(path, why, whylen))
            snprintf(why, whylen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!doc)
        snprintf(why, whylen, "%s is damaged (line %d: %s)", path, jerr.line, jerr.text);
    return doc;
}

/* The id is the file name's stem: pejld removes and renames the file by
 * it, so an id that names another file must never be believed. */
static bool id_matches(const char *id, size_t id_len, const char *name)
{
    return id_len > 0 && strlen(name) == id_len + 5 && memcmp(name, id, id_len) == 0;
}

/* "ID.png" with an indicator id: the name goes into MIME headers. */
static bool graph_name_valid(json_t *name)
{
    const char *text = json_string_value(name);
    size_t len = text ? strlen(text) : 0;
    return len > 4 && len == json_string_length(name) && strcmp(text + len - 4, ".png") == 0 &&
           strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len - 4;
}

/* The graph an e-mail entry holds in base64; 0 when it holds none, -1 when
 * "graph" or "graph_name" is there but not right. */
static int graph_from(struct entry *e, json_t *doc)
{
    json_t *coded = json_object_get(doc, "graph"), *name = json_object_get(doc, "graph_name");
    if (!coded && !name)
        return 0;
    size_t len = json_is_string(coded) ? json_string_length(coded) : 0;
    if (!json_is_string(coded) || !graph_name_valid(name) || len % 4 || len > INT_MAX ||
        json_string_length(name) >= sizeof e->graph_name || !(e->graph = malloc(len / 4 * 3 + 1)))
        return -1;
    const char *text = json_string_value(coded);
    int n = EVP_DecodeBlock(e->graph, (const unsigned char *)text, (int)len);
    if (n < 0)
        return -1;
    /* EVP_DecodeBlock counts the padding as zero bytes */
    size_t padding = len && text[len - 1] == '=' ? (len > 1 && text[len - 2] == '=' ? 2 : 1) : 0;
    e->graph_len = (size_t)n - padding;
    snprintf(e->graph_name, sizeof e->graph_name, "%s", json_string_value(name));
    return 0;
}

/* The entry `doc` describes; NULL when a member is missing or wrong. */
static struct entry *entry_from(struct outbox *ob, json_t *doc, const char *name)
{
    struct entry *e = calloc(1, sizeof *e);
    json_t *v;
    int64_t created = 0;
    bool ok = e && json_is_string(v = json_object_get(doc, "format")) &&
              strcmp(json_string_value(v), OUTBOX_FORMAT) == 0 &&
              json_is_string(v = json_object_get(doc, "id")) &&
              json_string_length(v) < sizeof e->id &&
              id_matches(json_string_value(v), json_string_length(v), name) &&
              json_is_string(v = json_object_get(doc, "receiver")) &&
              json_string_length(v) < sizeof e->receiver &&
              json_is_string(v = json_object_get(doc, "created_at")) &&
              timestamp_parse(json_string_value(v), &created) == 0;
    if (ok) {
        e->outbox = ob;
        e->created_at = created;
        snprintf(e->id, sizeof e->id, "%s", json_string_value(json_object_get(doc, "id")));
        snprintf(e->receiver, sizeof e->receiver, "%s", json_string_value(json_object_get(doc, "receiver")));
        e->summary = string_copy(doc, "summary", NULL);
        e->fingerprints = string_copy(doc, "fingerprints", NULL);
        e->payload = string_copy(doc, "payload", &e->len);
        ok = e->summary && e->fingerprints && e->payload && graph_from(e, doc) == 0;
    }
    if (!ok) {
        entry_free(e);
        return NULL;
    }
    return e;
}

/* One queued notification from its file; NULL (and logged) when damaged. */
static struct entry *load_entry(struct outbox *ob, DIR *d, const char *name, const char *path)
{
    char why[1024];
    json_t *doc = read_entry_file(d, name, path, why, sizeof why);
    struct entry *e = doc ? entry_from(ob, doc, name) : NULL;
    if (doc && !e)
        snprintf(why, sizeof why,
                 "%s is damaged (a member is missing or wrong, or its id is not "
                 "its file name)",
                 path);
    if (!e)
        log_err("outbox: %s; it is left where it is and not sent: look at it, then remove it", why);
    json_decref(doc);
    return e;
}

static bool queued_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.';
}

/* What atomic_file_write leaves when a crash interrupts it: never queued. */
static bool interrupted_write(const char *name)
{
    size_t n = strlen(name);
    return n > 9 && strcmp(name + n - 9, ".json.tmp") == 0;
}

/* The outbox directory, not followed if it is a link. */
static DIR *open_outbox_dir(const struct outbox *ob, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(ob->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOTDIR && lstat(ob->dir, &st) == 0 && S_ISLNK(st.st_mode))
        errno = ELOOP; /* O_DIRECTORY is checked first */
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        if (!atomic_file_state_link_error(ob->dir, err, errlen))
            snprintf(err, errlen, "%s: %s", ob->dir, strerror(errno));
    }
    return d;
}

static int load_entries(struct outbox *ob, char *err, size_t errlen)
{
    DIR *d = open_outbox_dir(ob, err, errlen);
    struct dirent *de;
    if (!d)
        return -1;
    while ((de = readdir(d))) {
        char *path = NULL;
        if (!queued_name(de->d_name) || asprintf(&path, "%s/%s", ob->dir, de->d_name) < 0) {
            if (interrupted_write(de->d_name))
                unlinkat(dirfd(d), de->d_name, 0);
            continue;
        }
        struct entry *e = load_entry(ob, d, de->d_name, path);
        if (e && remember(ob, e) < 0)
            entry_free(e);
        free(path);
    }
    closedir(d);
    if (ob->n > 1) /* qsort must not see the NULL of an empty outbox */
        qsort(ob->entries, ob->n, sizeof *ob->entries, by_id);
    if (ob->n)
        log_info("outbox: %zu undelivered notification%s from before; sending", ob->n,
                 ob->n == 1 ? "" : "s");
    return 0;
}

/* notifications.log is appended to without following a link; one that is
 * a link already stops start-up rather than every delivery's log line. */
static int check_log_file(const struct outbox *ob, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(ob->log_path, &st) < 0 || !S_ISLNK(st.st_mode))
        return 0;
    errno = ELOOP;
    atomic_file_state_link_error(ob->log_path, err, errlen);
    return -1;
}

struct outbox *outbox_open(const char *state_dir, struct loop *loop, struct http_engine *http,
                           char *err, size_t errlen)
{
    struct outbox *ob = calloc(1, sizeof *ob);
    if (!ob || asprintf(&ob->dir, "%s/outbox", state_dir) < 0 ||
        asprintf(&ob->log_path, "%s/notifications.log", state_dir) < 0) {
        snprintf(err, errlen, "out of memory");
        outbox_free(ob);
        return NULL;
    }
    ob->loop = loop;
    ob->http = http;
    if (check_log_file(ob, err, errlen) < 0 || store_make_directories(ob->dir, err, errlen) < 0 ||
        load_entries(ob, err, errlen) < 0) {
        outbox_free(ob);
        return NULL;
    }
    return ob;
}

void outbox_free(struct outbox *ob)
{
    if (!ob)
        return;
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->entries[i]->transfer)
            http_cancel(ob->http, ob->entries[i]->transfer);
        entry_free(ob->entries[i]);
    }
    if (ob->timer)
        loop_cancel_timer(ob->loop, ob->timer);
    free(ob->entries);
    free(ob->dir);
    free(ob->log_path);
    free(ob);
}
