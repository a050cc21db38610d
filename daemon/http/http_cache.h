/*
 * http_cache.h — what conditional requests need to remember: per request,
 * the validators (ETag, Last-Modified) of the last 200 and its body, so that
 * a 304 Not Modified can be decoded like the response it stands for.
 *
 * One file per request in the cache directory, named by a 128-bit hash of
 * method, URL and body; written to a temp file and renamed into place. The
 * cache is only an optimisation: a missing or damaged entry means an
 * unconditional request, never an error.
 */
#ifndef PEJL_HTTP_CACHE_H
#define PEJL_HTTP_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "collector.h"

/* Longest ETag or Last-Modified kept; a longer one is not (a header line
 * servers take is 8 KiB), and its request stays unconditional. */
#define HTTP_CACHE_VALIDATOR_MAX 8000

struct http_validators {
    char *etag, *last_modified;
};

/* An entry's parts, pointing into its text; a validator absent is NULL. */
struct http_cache_entry {
    const char *etag, *last_modified, *body;
    size_t etag_len, last_modified_len, body_len;
};

/* Splits an entry's `len` bytes; -1 when they are not an entry as
 * http_cache_store writes one (so a damaged file is only a cache miss). */
int http_cache_parse(const char *text, size_t len, struct http_cache_entry *entry);

/* Whether responses from `url` are worth keeping: not a local file
 * (file:), which is read again as cheaply as its copy would be and would
 * only double the disk it takes (4 MB at 500 CSV indicators). */
bool http_cache_applies(const char *url);
/* The entry's name for `request` (32 hex digits). Caller frees. */
char *http_cache_key(const struct pejl_request *request);
int http_cache_validators(const char *dir, const char *key, struct http_validators *out);
void http_validators_free(struct http_validators *v);
/* The kept body, NUL-terminated, or NULL. Caller frees. */
char *http_cache_body(const char *dir, const char *key, size_t *len);
int http_cache_store(const char *dir, const char *key, const char *etag, const char *last_modified,
                     const char *body, size_t len);

#endif
