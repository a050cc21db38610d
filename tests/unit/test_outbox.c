/*
 * test_outbox.c — the durable outbox (outbox.c) on a real loop, with the
 * HTTP engine's delivery faked: queued notifications are files before
 * anything is sent and come back after a reopen, oldest first; a delivery
 * that succeeds is logged and its file removed; one that fails is tried
 * again after a backoff (never at once), one a receiver refuses for good
 * (4xx) is moved to failed/, a 408, a 429 or a failed e-mail is retried;
 * one delivery per receiver at a time; the bound (outbox.max) refuses all
 * but the urgent; an entry for a receiver the config lost waits; damaged
 * files are left alone; and what a webhook or Alertmanager is sent (URL,
 * body, signature).
 *
 * http_deliver and http_cancel are wrapped (ld --wrap): a delivery is kept
 * in a table, and the test answers it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "outbox.h"
#include "unit_files.h"

/* ---- the fake delivery ---- */

#define DELIVERIES_MAX 64

struct delivery {
    char url[256];
    char body[1024];
    char headers[512]; /* "line\n" each */
    bool email;
    http_done_fn done;
    void *arg;
    bool answered, cancelled;
};

static struct delivery deliveries[DELIVERIES_MAX];
static size_t n_deliveries;
static bool refuse_deliveries; /* http_deliver returns NULL (out of memory) */

struct http_transfer *__wrap_http_deliver(struct http_engine *engine,
                                          const struct http_delivery *delivery, http_done_fn done,
                                          void *arg);
void __wrap_http_cancel(struct http_engine *engine, struct http_transfer *transfer);

struct http_transfer *__wrap_http_deliver(struct http_engine *engine,
                                          const struct http_delivery *delivery, http_done_fn done,
                                          void *arg)
{
    (void)engine;
    if (refuse_deliveries)
        return NULL;
    assert_true(n_deliveries < DELIVERIES_MAX);
    struct delivery *d = &deliveries[n_deliveries++];
    *d = (struct delivery){.done = done, .arg = arg, .email = delivery->rcpt != NULL};
    snprintf(d->url, sizeof d->url, "%s", delivery->url);
    snprintf(d->body, sizeof d->body, "%.*s", (int)delivery->len, delivery->body);
    size_t used = 0;
    for (const char *const *h = delivery->headers; h && *h && used < sizeof d->headers; h++)
        used += (size_t)snprintf(d->headers + used, sizeof d->headers - used, "%s\n", *h);
    return (struct http_transfer *)d;
}

void __wrap_http_cancel(struct http_engine *engine, struct http_transfer *transfer)
{
    (void)engine;
    ((struct delivery *)transfer)->cancelled = true;
}

/* The deliveries started and not answered yet. */
static size_t in_flight(void)
{
    size_t n = 0;
    for (size_t i = 0; i < n_deliveries; i++)
        n += !deliveries[i].answered && !deliveries[i].cancelled;
    return n;
}

static void answer(size_t i, long status, const char *error)
{
    struct http_result r = {.status = status, .tries = 1};
    assert_true(i < n_deliveries);
    assert_false(deliveries[i].answered);
    snprintf(r.error, sizeof r.error, "%s", error);
    deliveries[i].answered = true;
    deliveries[i].done(deliveries[i].arg, &r);
}

/* ---- the fixture ---- */

static char http_engine_stand_in; /* pump() only needs an engine to exist */

struct fixture {
    char *dir;
    struct loop *loop;
    struct outbox *outbox;
    struct outbox_delivery delivery;
    struct receiver receivers[3];
    unsigned char secret[6];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = unit_temp_dir("test_outbox");
    assert_non_null(f->loop = loop_new());
    memcpy(f->secret, "s3cr3t", 6);
    static char *to[] = {"ops@example.org"};
    f->receivers[0] = (struct receiver){
        .name = "chat", .type = RECEIVER_WEBHOOK, .url = "http://127.0.0.1:9/hook"};
    f->receivers[1] = (struct receiver){
        .name = "am", .type = RECEIVER_ALERTMANAGER, .url = "http://127.0.0.1:9/am/"};
    f->receivers[2] = (struct receiver){.name = "mail",
                                        .type = RECEIVER_EMAIL,
                                        .url = "smtp://127.0.0.1:25",
                                        .from = "pejl@example.org",
                                        .to = to,
                                        .n_to = 1};
    f->delivery.receivers = f->receivers;
    f->delivery.n_receivers = 3;
    f->delivery.limits = (struct outbox_settings){
        .max_entries = 100, .backoff_ms = 40, .max_backoff_ms = 80, .timeout_ms = 1000};
    f->delivery.tries = 1;
    memset(deliveries, 0, sizeof deliveries);
    n_deliveries = 0;
    refuse_deliveries = false;
    *state = f;
    return 0;
}

static void open_outbox(struct fixture *f)
{
    char err[512] = "";
    f->outbox =
        outbox_open(f->dir, f->loop, (struct http_engine *)&http_engine_stand_in, err, sizeof err);
    if (!f->outbox)
        fail_msg("outbox_open: %s", err);
}

static void close_outbox(struct fixture *f)
{
    outbox_free(f->outbox);
    f->outbox = NULL;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    close_outbox(f);
    loop_free(f->loop);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

static int add(struct fixture *f, const char *receiver, const char *payload, bool urgent)
{
    struct outbox_item item = {.receiver = receiver,
                               .summary = "ls_exports firing",
                               .fingerprints = "fp1,fp2",
                               .payload = payload,
                               .len = strlen(payload)};
    return outbox_add(f->outbox, &item, urgent);
}

/* The queued files' names in `sub` ("" or "failed"), sorted, one per line. */
static char *listing(const struct fixture *f, const char *sub)
{
    static char names[4096];
    char path[1024];
    struct dirent **list;
    snprintf(path, sizeof path, "%s/outbox/%s", f->dir, sub);
    names[0] = '\0';
    int n = scandir(path, &list, NULL, alphasort);
    if (n < 0)
        return names;
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        char entry[1300];
        snprintf(entry, sizeof entry, "%s/%s", path, list[i]->d_name);
        if (lstat(entry, &st) == 0 && !S_ISDIR(st.st_mode))
            used += (size_t)snprintf(names + used, sizeof names - used, "%s\n", list[i]->d_name);
        free(list[i]);
    }
    free(list);
    return names;
}

static size_t lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

static char *notification_log(const struct fixture *f)
{
    char *path = unit_path(f->dir, "notifications.log");
    size_t len;
    char *text = access(path, F_OK) == 0 ? unit_read_file(path, &len) : strdup("");
    free(path);
    return text;
}

/* ---- running the loop until something happens ---- */

struct wait {
    size_t deliveries;
    bool guard;
};

static void on_poll(struct loop *loop, void *arg)
{
    struct wait *w = arg;
    if (n_deliveries >= w->deliveries)
        loop_stop(loop);
    else
        loop_add_timer(loop, 5, on_poll, w);
}

static void on_guard(struct loop *loop, void *arg)
{
    ((struct wait *)arg)->guard = true;
    loop_stop(loop);
}

/* Runs the loop until `n` deliveries have been started in all, or a bound
 * that proves it does not hang. */
static void run_until_deliveries(struct fixture *f, size_t n)
{
    struct wait w = {.deliveries = n};
    uint64_t guard = loop_add_timer(f->loop, 5000, on_guard, &w);
    loop_add_timer(f->loop, 0, on_poll, &w);
    assert_int_equal(loop_run(f->loop), 0);
    if (!w.guard)
        loop_cancel_timer(f->loop, guard);
    assert_false(w.guard);
}

/* ---- the tests ---- */

/* Queued before a config: only written down; the file holds all of it. */
static void test_queued_as_a_file(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    assert_int_equal(add(f, "chat", "{\"text\":\"Eksport: æøå\\n\"}", false), 0);
    assert_int_equal(outbox_size(f->outbox), 1);
    assert_int_equal(n_deliveries, 0);
    char *names = listing(f, "");
    assert_int_equal(lines(names), 1);
    char path[1024];
    snprintf(path, sizeof path, "%s/outbox/%.*s", f->dir, (int)(strchr(names, '\n') - names),
             names);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "format")), "pejl-outbox 1");
    assert_string_equal(json_string_value(json_object_get(doc, "receiver")), "chat");
    assert_string_equal(json_string_value(json_object_get(doc, "summary")), "ls_exports firing");
    assert_string_equal(json_string_value(json_object_get(doc, "fingerprints")), "fp1,fp2");
    assert_string_equal(json_string_value(json_object_get(doc, "payload")),
                        "{\"text\":\"Eksport: æøå\\n\"}");
    char stem[64];
    snprintf(stem, sizeof stem, "%s.json", json_string_value(json_object_get(doc, "id")));
    assert_memory_equal(names, stem, strlen(stem)); /* the file is named by its id */
    json_decref(doc);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

/* After a reopen the entries come back and go out oldest first, one at a
 * time per receiver, with what was queued. */
static void test_persists_and_keeps_order(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    assert_int_equal(add(f, "chat", "first", false), 0);
    assert_int_equal(add(f, "chat", "second", false), 0);
    assert_int_equal(add(f, "chat", "third", false), 0);
    assert_int_equal(add(f, "am", "to am", false), 0);
    close_outbox(f);
    open_outbox(f);
    assert_int_equal(outbox_size(f->outbox), 4);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(n_deliveries, 2); /* one to chat, one to am */
    assert_int_equal(in_flight(), 2);
    assert_string_equal(deliveries[0].body, "first");
    assert_string_equal(deliveries[0].url, "http://127.0.0.1:9/hook");
    assert_string_equal(deliveries[1].body, "to am");
    answer(0, 200, "");
    assert_int_equal(n_deliveries, 3);
    assert_string_equal(deliveries[2].body, "second");
    answer(2, 204, "");
    assert_string_equal(deliveries[3].body, "third");
    answer(3, 200, "");
    answer(1, 200, "");
    assert_int_equal(in_flight(), 0);
    assert_int_equal(outbox_size(f->outbox), 0);
    assert_string_equal(listing(f, ""), "");
    char *log = notification_log(f);
    assert_int_equal(lines(log), 4);
    assert_non_null(strstr(log, " delivered id="));
    assert_non_null(strstr(log, " receiver=chat tries=1 status=204 alerts=fp1,fp2 "
                                "summary=\"ls_exports firing\"\n"));
    free(log);
}

/* A failure is tried again after a backoff, never at once; the file stays
 * meanwhile. */
static void test_failure_is_retried_after_a_backoff(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "chat", "payload", false), 0);
    assert_int_equal(n_deliveries, 1);
    answer(0, 0, "Couldn't connect to server");
    assert_int_equal(n_deliveries, 1); /* not at once */
    assert_int_equal(outbox_size(f->outbox), 1);
    assert_int_equal(lines(listing(f, "")), 1);
    run_until_deliveries(f, 2);
    assert_string_equal(deliveries[1].body, "payload");
    answer(1, 503, "HTTP 503");
    assert_int_equal(n_deliveries, 2);
    run_until_deliveries(f, 3);
    answer(2, 200, "");
    assert_int_equal(outbox_size(f->outbox), 0);
    char *log = notification_log(f);
    assert_non_null(strstr(log, "delivered id="));
    assert_non_null(strstr(log, "tries=3 status=200"));
    assert_int_equal(lines(log), 1); /* failures are not delivered lines */
    free(log);
}

/* 408 and 429 are worth another try; other 4xx are refused for good. */
static void test_refused_for_good_moves_to_failed(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "chat", "a", false), 0);
    answer(0, 429, "HTTP 429");
    assert_int_equal(outbox_size(f->outbox), 1);
    run_until_deliveries(f, 2);
    answer(1, 408, "HTTP 408");
    assert_int_equal(outbox_size(f->outbox), 1);
    run_until_deliveries(f, 3);
    char *queued = strdup(listing(f, ""));
    answer(2, 404, "HTTP 404");
    assert_int_equal(outbox_size(f->outbox), 0);
    assert_string_equal(listing(f, ""), "");
    assert_string_equal(listing(f, "failed"), queued); /* kept, under the same name */
    free(queued);
    char *log = notification_log(f);
    assert_non_null(strstr(log, " refused id="));
    assert_non_null(strstr(log, "tries=3 status=404"));
    assert_non_null(strstr(log, " error=HTTP 404\n"));
    free(log);
    /* Not tried again, not even after a reopen. */
    close_outbox(f);
    open_outbox(f);
    assert_int_equal(outbox_size(f->outbox), 0);
}

/* An SMTP server's refusal is no HTTP status: e-mail is always retried. */
static void test_email_is_retried(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "mail", "Subject: x\r\n\r\nbody", false), 0);
    assert_true(deliveries[0].email);
    assert_string_equal(deliveries[0].url, "smtp://127.0.0.1:25");
    answer(0, 450, "mailbox busy");
    assert_int_equal(outbox_size(f->outbox), 1);
    assert_string_equal(listing(f, "failed"), "");
}

static void test_bound(void **state)
{
    struct fixture *f = *state;
    f->delivery.limits.max_entries = 2;
    f->receivers[0].url = "http://127.0.0.1:9/hook";
    open_outbox(f);
    assert_false(outbox_full(f->outbox)); /* no config: no bound yet */
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "chat", "1", false), 0);
    assert_false(outbox_full(f->outbox));
    assert_int_equal(add(f, "chat", "2", false), 0);
    assert_true(outbox_full(f->outbox));
    assert_int_equal(add(f, "chat", "3", false), -1);
    assert_int_equal(add(f, "chat", "4", false), -1);
    assert_int_equal(outbox_size(f->outbox), 2);
    assert_int_equal(lines(listing(f, "")), 2);         /* nothing written for a refused one */
    assert_int_equal(add(f, "chat", "full!", true), 0); /* the urgent notice passes */
    assert_int_equal(outbox_size(f->outbox), 3);
    answer(0, 200, "");
    answer(1, 200, "");
    assert_false(outbox_full(f->outbox));
    assert_int_equal(add(f, "chat", "5", false), 0);
}

/* What a webhook and an Alertmanager are sent. */
static void test_what_is_sent(void **state)
{
    struct fixture *f = *state;
    f->receivers[0].secret = f->secret;
    f->receivers[0].secret_len = sizeof f->secret;
    struct alert_label headers[] = {{.name = "Authorization", .value = "Bearer x"}};
    f->receivers[1].headers = headers;
    f->receivers[1].n_headers = 1;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "chat", "{\"a\":1}", false), 0);
    assert_int_equal(add(f, "am", "[]", false), 0);
    /* "X-Pejl-Timestamp: T", then the HMAC of "T." and the body */
    long long stamp = 0;
    int used = 0;
    assert_int_equal(sscanf(deliveries[0].headers, "X-Pejl-Timestamp: %lld\n%n", &stamp, &used), 1);
    assert_true(llabs(stamp - (long long)time(NULL)) < 600);
    char text[64], want[OUTBOX_SIGNATURE_SIZE + 32], sig[OUTBOX_SIGNATURE_SIZE];
    int len = snprintf(text, sizeof text, "%lld.{\"a\":1}", stamp);
    assert_int_equal(outbox_signature(f->secret, sizeof f->secret, text, (size_t)len, sig), 0);
    snprintf(want, sizeof want, "X-Pejl-Signature: %s\n", sig);
    assert_string_equal(deliveries[0].headers + used, want);
    assert_false(deliveries[0].email);
    /* The API path is added, the trailing slash not doubled. */
    assert_string_equal(deliveries[1].url, "http://127.0.0.1:9/am/api/v2/alerts");
    assert_string_equal(deliveries[1].headers, "Authorization: Bearer x\n");
}

/* An entry for a receiver the config no longer has waits for it; the
 * outbox counts as settled meanwhile. */
static void test_receiver_gone(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "old", "x", false), 0);
    assert_int_equal(n_deliveries, 0);
    assert_int_equal(outbox_size(f->outbox), 1);
    assert_true(outbox_settled(f->outbox));
    f->receivers[0].name = "old"; /* it comes back */
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(n_deliveries, 1);
    assert_false(outbox_settled(f->outbox)); /* in flight */
    f->receivers[0].name = "chat";
}

static void on_settled(void *arg)
{
    (*(int *)arg)++;
}

/* Settled once every entry has been tried http.tries times. */
static void test_settled(void **state)
{
    struct fixture *f = *state;
    int settled = 0;
    f->delivery.tries = 2;
    open_outbox(f);
    outbox_on_settled(f->outbox, on_settled, &settled);
    assert_int_equal(add(f, "chat", "x", false), 0);
    assert_false(outbox_settled(f->outbox)); /* not tried yet */
    outbox_use_settings(f->outbox, &f->delivery);
    assert_false(outbox_settled(f->outbox));
    answer(0, 0, "timeout");
    assert_false(outbox_settled(f->outbox)); /* one try of two */
    assert_int_equal(settled, 0);
    run_until_deliveries(f, 2);
    answer(1, 0, "timeout");
    assert_true(outbox_settled(f->outbox));
    assert_true(settled >= 1);
    assert_int_equal(outbox_size(f->outbox), 1); /* left for the daemon */
}

/* A delivery that cannot start is retried like one that failed. */
static void test_cannot_start(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    refuse_deliveries = true;
    assert_int_equal(add(f, "chat", "x", false), 0);
    assert_int_equal(n_deliveries, 0);
    refuse_deliveries = false;
    run_until_deliveries(f, 1);
    assert_string_equal(deliveries[0].body, "x");
}

/* Freed with a delivery in flight: it is cancelled, the file stays. */
static void test_free_cancels(void **state)
{
    struct fixture *f = *state;
    open_outbox(f);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(add(f, "chat", "x", false), 0);
    close_outbox(f);
    assert_true(deliveries[0].cancelled);
    assert_int_equal(lines(listing(f, "")), 1);
}

static void write_in_outbox(const struct fixture *f, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/outbox/%s", f->dir, name);
    unit_write_file(path, text, strlen(text), O_CREAT | O_TRUNC);
}

/* Damaged files are left where they are and not sent; an interrupted
 * write is removed; other names are not the outbox's. */
static void test_damaged_files_are_left(void **state)
{
    struct fixture *f = *state;
    char path[1024];
    snprintf(path, sizeof path, "%s/outbox", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    static const char good[] =
        "{\"format\":\"pejl-outbox 1\",\"id\":\"1-000000-1\",\"receiver\":\"chat\","
        "\"created_at\":\"2026-12-01T10:00:00Z\",\"summary\":\"s\",\"fingerprints\":\"f\","
        "\"payload\":\"kept\"}";
    write_in_outbox(f, "1-000000-1.json", good);
    write_in_outbox(f, "2-000000-1.json", "{\"format\":\"pejl-outbox 1\",");
    write_in_outbox(f, "3-000000-1.json", "{\"format\":\"pejl-outbox 2\",\"id\":\"3-000000-1\"}");
    /* The id must be the file's name: pejld removes the file by it. */
    write_in_outbox(f, "4-000000-1.json",
                    "{\"format\":\"pejl-outbox 1\",\"id\":\"../../x\",\"receiver\":\"chat\","
                    "\"created_at\":\"2026-12-01T10:00:00Z\",\"summary\":\"s\","
                    "\"fingerprints\":\"f\",\"payload\":\"p\"}");
    write_in_outbox(f, "5-000000-1.json",
                    "{\"format\":\"pejl-outbox 1\",\"id\":\"5-000000-1\","
                    "\"receiver\":\"chat\",\"created_at\":\"yesterday\","
                    "\"summary\":\"s\",\"fingerprints\":\"f\",\"payload\":\"p\"}");
    write_in_outbox(f, "6-000000-1.json.tmp", "half");
    write_in_outbox(f, "notes.txt", "mine");
    write_in_outbox(f, ".7-000000-1.json", good);
    open_outbox(f);
    assert_int_equal(outbox_size(f->outbox), 1);
    outbox_use_settings(f->outbox, &f->delivery);
    assert_int_equal(n_deliveries, 1);
    assert_string_equal(deliveries[0].body, "kept");
    answer(0, 200, "");
    assert_string_equal(listing(f, ""), ".7-000000-1.json\n2-000000-1.json\n3-000000-1.json\n"
                                        "4-000000-1.json\n5-000000-1.json\nnotes.txt\n");
}

static int cleanup(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("test_outbox");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_queued_as_a_file),
        T(test_persists_and_keeps_order),
        T(test_failure_is_retried_after_a_backoff),
        T(test_refused_for_good_moves_to_failed),
        T(test_email_is_retried),
        T(test_bound),
        T(test_what_is_sent),
        T(test_receiver_gone),
        T(test_settled),
        T(test_cannot_start),
        T(test_free_cancels),
        T(test_damaged_files_are_left),
    };
    return cmocka_run_group_tests_name("outbox", tests, NULL, cleanup);
}
