/*
 * test_state_files.c — the files pejld keeps in its state directory beside
 * the journal (test_journal.c has its own), on real files: a symbolic link
 * where alerts.json, notifications.log, the outbox directory, an outbox
 * entry or an HTTP cache entry belongs is refused with a message that names
 * it, and neither it nor what it points to is read, written or removed.
 * Also the outbox loader's check that an entry's id is its file name (pejld
 * removes and renames the file by that id), and an e-mail's graph kept in
 * its entry as base64 and loaded again (a damaged one is left alone).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "alert_ledger.h"
#include "alerting.h"
#include "http_cache.h"
#include "outbox.h"
#include "tests/unit/unit_files.h"

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

/* Asserts that `path` is still a link to `target`, which holds `text`. */
static void assert_link_untouched(const char *path, const char *target, const char *text)
{
    char got[4096];
    ssize_t n = readlink(path, got, sizeof got - 1);
    if (n < 0)
        fail_msg("%s is no longer a link: %s", path, strerror(errno));
    got[n] = '\0';
    assert_string_equal(got, target);
    size_t len;
    char *now = unit_read_file(target, &len);
    assert_string_equal(now, text);
    free(now);
}

/* ---- alerts.json ---- */

static void test_alerts_link_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state"), *elsewhere = unit_temp_dir("state");
    char *path = unit_path(dir, "alerts.json"), *target = unit_path(elsewhere, "alerts.json");
    const char text[] = "{\"format\": \"pejl-alerts 1\"}\n";
    unit_write_file(target, text, sizeof text - 1, O_TRUNC);
    assert_int_equal(symlink(target, path), 0);

    struct alert_ledger l = {0};
    char err[1024] = "";
    assert_int_equal(alert_ledger_load(&l, path, err, sizeof err), -1);
    assert_true(strncmp(err, path, strlen(path)) == 0);
    assert_contains(err, "a symbolic link");
    assert_contains(err, "move it aside");
    assert_int_equal(l.n_alerts, 0);
    err[0] = '\0';
    assert_null(alerting_open(dir, err, sizeof err));
    assert_contains(err, "a symbolic link");
    assert_link_untouched(path, target, text);
    free(path);
    free(target);
    unit_remove_tree(elsewhere);
    unit_remove_tree(dir);
}

/* ---- the outbox ---- */

/* Queues one notification in `dir` and returns its file's name. */
static char *queue_one(const char *dir)
{
    char err[1024] = "";
    struct outbox *ob = outbox_open(dir, NULL, NULL, err, sizeof err);
    if (!ob)
        fail_msg("outbox_open: %s", err);
    const char payload[] = "{\"text\": \"hello\"}";
    struct outbox_item item = {.receiver = "ops",
                               .summary = "one",
                               .fingerprints = "fp1",
                               .payload = payload,
                               .len = sizeof payload - 1};
    assert_int_equal(outbox_add(ob, &item, false), 0);
    outbox_free(ob);
    char *outbox = unit_path(dir, "outbox"), *name = NULL;
    DIR *d = opendir(outbox);
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d));)
        if (strstr(de->d_name, ".json"))
            name = strdup(de->d_name);
    closedir(d);
    free(outbox);
    assert_non_null(name);
    return name;
}

static size_t entries_after_open(const char *dir, char *err, size_t errlen)
{
    struct outbox *ob = outbox_open(dir, NULL, NULL, err, errlen);
    if (!ob)
        return (size_t)-1;
    size_t n = outbox_size(ob);
    outbox_free(ob);
    return n;
}

/* A queued entry that is a link is not sent (nor removed after sending). */
static void test_outbox_entry_link_not_loaded(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state"), *elsewhere = unit_temp_dir("state");
    char *name = queue_one(dir);
    char err[1024] = "";
    assert_int_equal(entries_after_open(dir, err, sizeof err), 1); /* the real file loads */

    char *outbox = unit_path(dir, "outbox");
    char *path = unit_path(outbox, name), *target = unit_path(elsewhere, name);
    size_t len;
    char *text = unit_read_file(path, &len);
    unit_write_file(target, text, len, O_TRUNC);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink(target, path), 0);
    assert_int_equal(entries_after_open(dir, err, sizeof err), 0);
    assert_link_untouched(path, target, text);
    free(text);
    free(path);
    free(target);
    free(outbox);
    free(name);
    unit_remove_tree(elsewhere);
    unit_remove_tree(dir);
}

static void test_outbox_dir_link_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state"), *elsewhere = unit_temp_dir("state");
    char *outbox = unit_path(dir, "outbox");
    assert_int_equal(symlink(elsewhere, outbox), 0);
    char err[1024] = "";
    assert_int_equal(entries_after_open(dir, err, sizeof err), (size_t)-1);
    assert_contains(err, outbox);
    assert_contains(err, "a symbolic link");
    free(outbox);
    unit_remove_tree(elsewhere);
    unit_remove_tree(dir);
}

static void test_notification_log_link_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state"), *elsewhere = unit_temp_dir("state");
    char *path = unit_path(dir, "notifications.log"), *target = unit_path(elsewhere, "log");
    const char text[] = "someone else's log\n";
    unit_write_file(target, text, sizeof text - 1, O_TRUNC);
    assert_int_equal(symlink(target, path), 0);
    char err[1024] = "";
    assert_int_equal(entries_after_open(dir, err, sizeof err), (size_t)-1);
    assert_contains(err, path);
    assert_contains(err, "a symbolic link");
    assert_link_untouched(path, target, text);

    /* A dangling link too: pejld would have created what it points to. */
    assert_int_equal(unlink(target), 0);
    assert_int_equal(entries_after_open(dir, err, sizeof err), (size_t)-1);
    assert_int_equal(access(target, F_OK), -1);
    free(path);
    free(target);
    unit_remove_tree(elsewhere);
    unit_remove_tree(dir);
}

/* pejld removes a delivered entry by its id: an id that is not the file's
 * own name (another entry's, or a path) is not believed. */
static void test_outbox_id_must_be_file_name(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state");
    char *name = queue_one(dir);
    char *outbox = unit_path(dir, "outbox");
    char *path = unit_path(outbox, name), *other = unit_path(outbox, "1-000000-1.json");
    assert_int_equal(rename(path, other), 0);
    char err[1024] = "";
    assert_int_equal(entries_after_open(dir, err, sizeof err), 0);
    assert_int_equal(access(other, F_OK), 0); /* left where it is */

    size_t len;
    char *text = unit_read_file(other, &len);
    char *id = strstr(text, "\"id\":\"");
    assert_non_null(id);
    memcpy(id + 6, "../", 3); /* "../<rest of the id>" */
    unit_write_file(other, text, len, O_TRUNC);
    assert_int_equal(entries_after_open(dir, err, sizeof err), 0);
    free(text);
    free(path);
    free(other);
    free(outbox);
    free(name);
    unit_remove_tree(dir);
}

/* The names of the outbox's entries, sorted (the order they were queued). */
static size_t entry_names(const char *dir, char names[][64], size_t max)
{
    char *outbox = unit_path(dir, "outbox");
    DIR *d = opendir(outbox);
    size_t n = 0;
    assert_non_null(d);
    for (struct dirent *de; (de = readdir(d)) && n < max;)
        if (strstr(de->d_name, ".json"))
            snprintf(names[n++], 64, "%.63s", de->d_name);
    closedir(d);
    free(outbox);
    qsort(names, n, 64, (int (*)(const void *, const void *))strcmp);
    return n;
}

/* An e-mail's graph is kept beside its text as base64, whatever its length
 * modulo 3 (the padding), and every such entry loads again. */
static void test_outbox_keeps_graph(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state"), err[1024] = "", names[8][64];
    unsigned char png[6] = {0x89, 'P', 'N', 'G', 0x00, 0xff};
    struct outbox *ob = outbox_open(dir, NULL, NULL, err, sizeof err);
    assert_non_null(ob);
    for (size_t len = 1; len <= sizeof png; len++) {
        struct outbox_item item = {.receiver = "ops",
                                   .summary = "s",
                                   .fingerprints = "fp",
                                   .payload = "Subject: x\r\n\r\ntext\r\n",
                                   .len = 20,
                                   .graph = png,
                                   .graph_len = len,
                                   .graph_name = "ls_exports.png"};
        assert_int_equal(outbox_add(ob, &item, false), 0);
    }
    outbox_free(ob);
    assert_int_equal(entry_names(dir, names, 8), sizeof png);
    for (size_t i = 0; i < sizeof png; i++) {
        char *outbox = unit_path(dir, "outbox"), *path = unit_path(outbox, names[i]);
        json_t *doc = json_load_file(path, 0, NULL);
        assert_non_null(doc);
        const char *coded = json_string_value(json_object_get(doc, "graph"));
        assert_non_null(coded);
        assert_string_equal(json_string_value(json_object_get(doc, "graph_name")),
                            "ls_exports.png");
        unsigned char decoded[16];
        assert_int_equal(EVP_DecodeBlock(decoded, (const unsigned char *)coded, (int)strlen(coded)),
                         (int)(i + 3) / 3 * 3);
        assert_memory_equal(decoded, png, i + 1);
        json_decref(doc);
        free(path);
        free(outbox);
    }
    assert_int_equal(entries_after_open(dir, err, sizeof err), sizeof png);
    unit_remove_tree(dir);
}

/* An entry whose graph is not base64, or has no name, is not sent: it is
 * left where it is, byte for byte, and start-up goes on. */
static void test_outbox_damaged_graph_left_alone(void **state)
{
    (void)state;
    static const char *const damage[] = {
        "\"graph\":\"iVBORw0=\"",                                        /* no graph_name */
        "\"graph_name\":\"x.png\"",                                      /* no graph */
        "\"graph\":\"iVBOR\",\"graph_name\":\"x.png\"",                  /* not a multiple of 4 */
        "\"graph\":\"iV*ORw0=\",\"graph_name\":\"x.png\"",               /* not base64 */
        "\"graph\":7,\"graph_name\":\"x.png\"",                          /* not a string */
        "\"graph\":\"iVBORw0=\",\"graph_name\":\"x\\r\\nBcc: a@b.png\"", /* a header in the name */
        "\"graph\":\"iVBORw0=\",\"graph_name\":\"../x.png\"",            /* not an id */
    };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        char *dir = unit_temp_dir("state"), err[1024] = "";
        char *name = queue_one(dir), *outbox = unit_path(dir, "outbox");
        char *path = unit_path(outbox, name);
        size_t len;
        char *text = unit_read_file(path, &len), *damaged = NULL;
        assert_true(asprintf(&damaged, "%.*s,%s}", (int)len - 1, text, damage[i]) > 0);
        unit_write_file(path, damaged, strlen(damaged), O_TRUNC);
        assert_int_equal(entries_after_open(dir, err, sizeof err), 0);
        free(text);
        text = unit_read_file(path, &len);
        assert_int_equal(len, strlen(damaged));
        assert_memory_equal(text, damaged, len);
        free(text);
        free(damaged);
        free(path);
        free(outbox);
        free(name);
        unit_remove_tree(dir);
    }
}

/* ---- the HTTP cache ---- */

static void test_http_cache_links_not_followed(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("state"), *elsewhere = unit_temp_dir("state");
    const char *key = "0123456789abcdef0123456789abcdef";
    char *path = unit_path(dir, key), *target = unit_path(elsewhere, "entry");
    const char text[] = "pejl-http-cache 1\netag \"v1\"\n\nbody";
    unit_write_file(target, text, sizeof text - 1, O_TRUNC);
    assert_int_equal(symlink(target, path), 0);

    struct http_validators v;
    size_t len;
    assert_int_equal(http_cache_validators(dir, key, &v), -1);
    assert_null(http_cache_body(dir, key, &len));
    assert_int_equal(http_cache_store(dir, key, "\"v2\"", NULL, "new", 3), -1);
    assert_link_untouched(path, target, text);

    /* A link where the temp file goes is not written through either. */
    assert_int_equal(unlink(path), 0);
    char *tmp = unit_path(dir, "0123456789abcdef0123456789abcdef.tmp");
    assert_int_equal(symlink(target, tmp), 0);
    assert_int_equal(http_cache_store(dir, key, "\"v2\"", NULL, "new", 3), -1);
    assert_link_untouched(tmp, target, text);
    assert_int_equal(access(path, F_OK), -1);

    /* Without links the cache works. */
    assert_int_equal(unlink(tmp), 0);
    assert_int_equal(http_cache_store(dir, key, "\"v2\"", NULL, "new", 3), 0);
    char *body = http_cache_body(dir, key, &len);
    assert_non_null(body);
    assert_string_equal(body, "new");
    free(body);
    free(tmp);
    free(path);
    free(target);
    unit_remove_tree(elsewhere);
    unit_remove_tree(dir);
}

/* What a failed test left behind. */
static int remove_temp_dirs(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("state");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alerts_link_refused),
        cmocka_unit_test(test_outbox_entry_link_not_loaded),
        cmocka_unit_test(test_outbox_dir_link_refused),
        cmocka_unit_test(test_notification_log_link_refused),
        cmocka_unit_test(test_outbox_id_must_be_file_name),
        cmocka_unit_test(test_outbox_keeps_graph),
        cmocka_unit_test(test_outbox_damaged_graph_left_alone),
        cmocka_unit_test(test_http_cache_links_not_followed),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_dirs);
}
