/*
 * fuzz_http_cache.c — the HTTP cache's entry reader (daemon/http/http_cache.c)
 * on arbitrary bytes. An entry it accepts has validators that can be sent
 * as header values (one line, no NUL, not over the limit) and a body inside
 * the input; stored again with http_cache_store and read back through the
 * file functions pejld uses, it gives the same validators and body.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static char dir[] = "/tmp/pejl-fuzz-http-cache.XXXXXX";

static void remove_cache_dir(void)
{
    char path[64];
    snprintf(path, sizeof path, "%s/entry", dir);
    unlink(path);
    rmdir(dir);
}

/* One temp dir per process, removed when it exits. */
static const char *cache_dir(void)
{
    static bool made;
    if (!made) {
        CHECK(mkdtemp(dir));
        atexit(remove_cache_dir);
    }
    made = true;
    return dir;
}

static void check_value(const char *value, size_t len)
{
    CHECK(len <= HTTP_CACHE_VALIDATOR_MAX);
    CHECK(!memchr(value, '\n', len) && !memchr(value, '\r', len) && !memchr(value, '\0', len));
}

/* A NUL-terminated copy (the input is not terminated: no strndup on it). */
static char *copy_of(const char *s, size_t n)
{
    char *copy = malloc(n + 1);
    CHECK(copy);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

/* Stored again and read back: the same validators and body. */
static void round_trip(const struct http_cache_entry *e)
{
    char *etag = e->etag ? copy_of(e->etag, e->etag_len) : NULL;
    char *modified = e->last_modified ? copy_of(e->last_modified, e->last_modified_len) : NULL;
    CHECK(http_cache_store(cache_dir(), "entry", etag, modified, e->body, e->body_len) == 0);
    struct http_validators v;
    size_t len = 0;
    char *body = http_cache_body(cache_dir(), "entry", &len);
    CHECK(body && len == e->body_len && memcmp(body, e->body, len) == 0 && body[len] == '\0');
    if (etag || modified) {
        CHECK(http_cache_validators(cache_dir(), "entry", &v) == 0);
        CHECK(!etag == !v.etag && (!etag || strcmp(etag, v.etag) == 0));
        CHECK(!modified == !v.last_modified &&
              (!modified || strcmp(modified, v.last_modified) == 0));
        http_validators_free(&v);
    } else {
        CHECK(http_cache_validators(cache_dir(), "entry", &v) < 0);
    }
    free(body);
    free(etag);
    free(modified);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct http_cache_entry e;
    if (http_cache_parse(text, size, &e) < 0)
        return 0;
    if (e.etag)
        check_value(e.etag, e.etag_len);
    if (e.last_modified)
        check_value(e.last_modified, e.last_modified_len);
    CHECK(e.body >= text && e.body + e.body_len == text + size);
    round_trip(&e);
    return 0;
}
