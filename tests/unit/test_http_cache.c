/*
 * test_http_cache.c — what conditional requests remember (http_cache.c):
 * an entry stored and read back (validators and body, binary bytes
 * included), one validator or none, a key per method, URL and body, an
 * entry replaced, the validators it refuses to keep (over-long, more than
 * one line), and entries that are not what http_cache_store writes — cut
 * short, damaged, a link — which are only a cache miss.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "http_cache.h"
#include "unit_files.h"

#define KEY "00112233445566778899aabbccddeeff"

static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_store_and_load(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("test_http_cache");
    static const char body[] = "period,value\n2020,1\0binary\xff";
    assert_int_equal(http_cache_store(dir, KEY, "\"v1\"", "Tue, 01 Dec 2026 10:00:00 GMT", body,
                                      sizeof body - 1),
                     0);
    struct http_validators v;
    assert_int_equal(http_cache_validators(dir, KEY, &v), 0);
    assert_string_equal(v.etag, "\"v1\"");
    assert_string_equal(v.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
    http_validators_free(&v);
    assert_null(v.etag);
    size_t len = 0;
    char *kept = http_cache_body(dir, KEY, &len);
    assert_non_null(kept);
    assert_int_equal(len, sizeof body - 1);
    assert_memory_equal(kept, body, len);
    assert_int_equal(kept[len], '\0');
    free(kept);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.tmp", dir, KEY);
    assert_int_equal(access(path, F_OK), -1); /* the temp file was renamed */
    unit_remove_tree(dir);
}

static void test_one_validator_or_none(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("test_http_cache");
    struct http_validators v;
    assert_int_equal(http_cache_store(dir, KEY, NULL, "Tue, 01 Dec 2026 10:00:00 GMT", "x", 1), 0);
    assert_int_equal(http_cache_validators(dir, KEY, &v), 0);
    assert_null(v.etag);
    assert_string_equal(v.last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
    http_validators_free(&v);
    assert_int_equal(http_cache_store(dir, KEY, "W/\"weak\"", NULL, "x", 1), 0);
    assert_int_equal(http_cache_validators(dir, KEY, &v), 0);
    assert_string_equal(v.etag, "W/\"weak\"");
    assert_null(v.last_modified);
    http_validators_free(&v);
    /* Without validators there is nothing to ask with, but the body stays. */
    assert_int_equal(http_cache_store(dir, KEY, NULL, NULL, "empty-head", 10), 0);
    assert_int_equal(http_cache_validators(dir, KEY, &v), -1);
    assert_null(v.etag);
    size_t len;
    char *kept = http_cache_body(dir, KEY, &len);
    assert_string_equal(kept, "empty-head");
    free(kept);
    /* An empty body is a body. */
    assert_int_equal(http_cache_store(dir, KEY, "\"e\"", NULL, "", 0), 0);
    kept = http_cache_body(dir, KEY, &len);
    assert_non_null(kept);
    assert_int_equal(len, 0);
    free(kept);
    unit_remove_tree(dir);
}

static void test_missing_entry(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("test_http_cache");
    struct http_validators v;
    size_t len = 7;
    assert_int_equal(http_cache_validators(dir, KEY, &v), -1);
    assert_null(http_cache_body(dir, KEY, &len));
    assert_int_equal(len, 7);
    unit_remove_tree(dir);
}

static void test_key(void **state)
{
    (void)state;
    struct pejl_request get = {.url = "https://example.org/a"};
    struct pejl_request get2 = {.method = "GET", .url = "https://example.org/a"};
    struct pejl_request other = {.url = "https://example.org/b"};
    struct pejl_request post = {.method = "POST", .url = "https://example.org/a", .body = "{}"};
    struct pejl_request post2 = {.method = "POST", .url = "https://example.org/a", .body = "{ }"};
    /* The NUL between the parts: "a" + "b" is not "ab" + "". */
    struct pejl_request split1 = {.method = "POST", .url = "https://x/a", .body = "b"};
    struct pejl_request split2 = {.method = "POST", .url = "https://x/ab", .body = ""};
    char *k[7] = {http_cache_key(&get),   http_cache_key(&get2),  http_cache_key(&other),
                  http_cache_key(&post),  http_cache_key(&post2), http_cache_key(&split1),
                  http_cache_key(&split2)};
    for (size_t i = 0; i < 7; i++) {
        assert_non_null(k[i]);
        assert_int_equal(strlen(k[i]), 32);
        assert_int_equal(strspn(k[i], "0123456789abcdef"), 32);
    }
    assert_string_equal(k[0], k[1]); /* GET is the default method */
    assert_string_not_equal(k[0], k[2]);
    assert_string_not_equal(k[0], k[3]);
    assert_string_not_equal(k[3], k[4]);
    assert_string_not_equal(k[5], k[6]);
    char *again = http_cache_key(&post);
    assert_string_equal(again, k[3]); /* stable */
    free(again);
    for (size_t i = 0; i < 7; i++)
        free(k[i]);
}

/* A validator the head cannot hold is refused, and the old entry stays. */
/* Local files are not cached; everything fetched over a network is. */
static void test_applies_to_network_urls_only(void **state)
{
    (void)state;
    assert_false(http_cache_applies("file:///var/lib/pejl/data.csv"));
    assert_false(http_cache_applies("FILE:///data.csv"));
    assert_false(http_cache_applies("file:relative.csv"));
    assert_true(http_cache_applies("https://api.statbank.dk/v1/data"));
    assert_true(http_cache_applies("http://127.0.0.1:8080/file:x"));
    assert_true(http_cache_applies("files.example/x"));
}

static void test_validators_refused(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("test_http_cache");
    assert_int_equal(http_cache_store(dir, KEY, "\"old\"", NULL, "old", 3), 0);
    assert_int_equal(http_cache_store(dir, KEY, "\"a\"\r\nX-Injected: 1", NULL, "new", 3), -1);
    assert_int_equal(http_cache_store(dir, KEY, NULL, "Tue,\n01 Dec", "new", 3), -1);
    char *longest = malloc(HTTP_CACHE_VALIDATOR_MAX + 2);
    assert_non_null(longest);
    memset(longest, 'e', HTTP_CACHE_VALIDATOR_MAX + 1);
    longest[HTTP_CACHE_VALIDATOR_MAX + 1] = '\0';
    assert_int_equal(http_cache_store(dir, KEY, longest, NULL, "new", 3), -1);
    struct http_validators v;
    assert_int_equal(http_cache_validators(dir, KEY, &v), 0);
    assert_string_equal(v.etag, "\"old\"");
    http_validators_free(&v);
    /* The longest one allowed is kept whole. */
    longest[HTTP_CACHE_VALIDATOR_MAX] = '\0';
    assert_int_equal(http_cache_store(dir, KEY, longest, NULL, "new", 3), 0);
    assert_int_equal(http_cache_validators(dir, KEY, &v), 0);
    assert_string_equal(v.etag, longest);
    http_validators_free(&v);
    free(longest);
    unit_remove_tree(dir);
}

static void test_damaged_entries_are_misses(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("test_http_cache");
    static const struct {
        const char *name, *text;
    } damaged[] = {
        {"not ours", "HTTP/1.1 200 OK\n\nbody"},
        {"other version", "pejl-http-cache 2\netag \"a\"\n\nbody"},
        {"head cut short", "pejl-http-cache 1\netag \"a\"\n"},
        {"unknown line", "pejl-http-cache 1\nexpires never\n\nbody"},
        {"etag twice", "pejl-http-cache 1\netag \"a\"\netag \"b\"\n\nbody"},
        {"carriage return", "pejl-http-cache 1\netag \"a\"\r\n\nbody"},
        {"magic only, cut", "pejl-http-cache 1"},
        {"empty", ""},
    };
    for (size_t i = 0; i < sizeof damaged / sizeof *damaged; i++) {
        struct http_validators v;
        size_t len;
        write_file(dir, KEY, damaged[i].text, strlen(damaged[i].text));
        if (http_cache_validators(dir, KEY, &v) == 0)
            fail_msg("%s: validators read from a damaged entry", damaged[i].name);
        char *body = http_cache_body(dir, KEY, &len);
        if (body)
            fail_msg("%s: a body read from a damaged entry", damaged[i].name);
    }
    /* A NUL inside a validator. */
    static const char nul[] = "pejl-http-cache 1\netag \"a\0b\"\n\nbody";
    write_file(dir, KEY, nul, sizeof nul - 1);
    struct http_validators v;
    assert_int_equal(http_cache_validators(dir, KEY, &v), -1);
    unit_remove_tree(dir);
}

/* A link where an entry belongs is neither read nor replaced. */
static void test_link_is_not_followed(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("test_http_cache");
    char target[1024], link[1024];
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    snprintf(link, sizeof link, "%s/%s", dir, KEY);
    static const char entry[] = "pejl-http-cache 1\netag \"a\"\n\nsecret";
    write_file(dir, "elsewhere", entry, sizeof entry - 1);
    assert_int_equal(symlink(target, link), 0);
    struct http_validators v;
    size_t len;
    assert_int_equal(http_cache_validators(dir, KEY, &v), -1);
    assert_null(http_cache_body(dir, KEY, &len));
    assert_int_equal(http_cache_store(dir, KEY, "\"b\"", NULL, "new", 3), -1);
    size_t size;
    char *still = unit_read_file(target, &size);
    assert_int_equal(size, sizeof entry - 1);
    assert_memory_equal(still, entry, size);
    free(still);
    unit_remove_tree(dir);
}

static void test_parse(void **state)
{
    (void)state;
    struct http_cache_entry e;
    static const char both[] = "pejl-http-cache 1\netag \"x\"\nlast-modified Mon\n\nab\ncd";
    assert_int_equal(http_cache_parse(both, sizeof both - 1, &e), 0);
    assert_int_equal(e.etag_len, 3);
    assert_memory_equal(e.etag, "\"x\"", 3);
    assert_int_equal(e.last_modified_len, 3);
    assert_memory_equal(e.last_modified, "Mon", 3);
    assert_int_equal(e.body_len, 5);
    assert_memory_equal(e.body, "ab\ncd", 5);
    static const char bare[] = "pejl-http-cache 1\n\n";
    assert_int_equal(http_cache_parse(bare, sizeof bare - 1, &e), 0);
    assert_null(e.etag);
    assert_null(e.last_modified);
    assert_int_equal(e.body_len, 0);
    /* An empty value is a value; only a missing line means none. */
    static const char empty[] = "pejl-http-cache 1\netag \n\nb";
    assert_int_equal(http_cache_parse(empty, sizeof empty - 1, &e), 0);
    assert_non_null(e.etag);
    assert_int_equal(e.etag_len, 0);
    /* "etag" without its space is not the etag line. */
    static const char nospace[] = "pejl-http-cache 1\netag\n\nb";
    assert_int_equal(http_cache_parse(nospace, sizeof nospace - 1, &e), -1);
    /* Only the bytes given count: the same text cut before its blank line. */
    assert_int_equal(http_cache_parse(both, 30, &e), -1);
    assert_int_equal(http_cache_parse(both, 0, &e), -1);
}

static void test_parse_validator_length(void **state)
{
    (void)state;
    size_t head = strlen("pejl-http-cache 1\netag ");
    size_t len = head + HTTP_CACHE_VALIDATOR_MAX + 1 + 3;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, "pejl-http-cache 1\netag ", head);
    memset(text + head, 'v', HTTP_CACHE_VALIDATOR_MAX);
    memcpy(text + head + HTTP_CACHE_VALIDATOR_MAX, "\n\nb", 4);
    struct http_cache_entry e;
    assert_int_equal(http_cache_parse(text, len, &e), 0);
    assert_int_equal(e.etag_len, HTTP_CACHE_VALIDATOR_MAX);
    free(text);
    len++;
    text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, "pejl-http-cache 1\netag ", head);
    memset(text + head, 'v', HTTP_CACHE_VALIDATOR_MAX + 1);
    memcpy(text + head + HTTP_CACHE_VALIDATOR_MAX + 1, "\n\nb", 4);
    assert_int_equal(http_cache_parse(text, len, &e), -1);
    free(text);
}

static int cleanup(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("test_http_cache");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_and_load),
        cmocka_unit_test(test_one_validator_or_none),
        cmocka_unit_test(test_missing_entry),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_applies_to_network_urls_only),
        cmocka_unit_test(test_validators_refused),
        cmocka_unit_test(test_damaged_entries_are_misses),
        cmocka_unit_test(test_link_is_not_followed),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_validator_length),
    };
    return cmocka_run_group_tests_name("http_cache", tests, NULL, cleanup);
}
