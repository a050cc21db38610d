/*
 * http_cache.c — validators and last bodies for conditional requests
 * (see http_cache.h). Entry layout:
 *
 *     pejl-http-cache 1\n
 *     etag <value>\n            (optional)
 *     last-modified <value>\n   (optional)
 *     \n
 *     <body bytes>
 */
#include "http_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "fnv.h"

#define CACHE_MAGIC "pejl-http-cache 1\n"

static uint64_t hash_request(uint64_t seed, const struct pejl_request *r)
{
    const char *parts[] = {r->method ? r->method : "GET", r->url, r->body ? r->body : ""};
    uint64_t h = seed;
    for (size_t i = 0; i < 3; i++)
        h = fnv1a(h, parts[i], strlen(parts[i]) + 1); /* the NUL separates the parts */
    return h;
}

char *http_cache_key(const struct pejl_request *r)
{
    char *key;
    if (asprintf(&key, "%016llx%016llx", (unsigned long long)hash_request(FNV64_OFFSET, r),
                 (unsigned long long)hash_request(0x9e3779b97f4a7c15ull, r)) < 0)
        return NULL;
    return key;
}

static char *entry_path(const char *dir, const char *key)
{
    char *path;
    return asprintf(&path, "%s/%s", dir, key) < 0 ? NULL : path;
}

/* Reads the whole entry; NULL when absent or not an entry. */
static char *read_entry(const char *dir, const char *key, size_t *len)
{
    char *path = entry_path(dir, key);
    FILE *f = path ? fopen(path, "rb") : NULL;
    free(path);
    if (!f)
        return NULL;
    char *text = NULL;
    size_t cap = 0;
    FILE *mem = open_memstream(&text, &cap);
    char buf[65536];
    size_t n;
    while (mem && (n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, mem);
    fclose(f);
    if (!mem || fclose(mem) != 0 || cap < sizeof CACHE_MAGIC - 1 ||
        memcmp(text, CACHE_MAGIC, sizeof CACHE_MAGIC - 1) != 0) {
        free(text);
        return NULL;
    }
    *len = cap;
    return text;
}

/* Start of the body: after the first empty line. */
static const char *body_start(const char *text, size_t len)
{
    const char *hit = memmem(text, len, "\n\n", 2);
    return hit ? hit + 2 : NULL;
}

int http_cache_validators(const char *dir, const char *key, struct http_validators *out)
{
    size_t len;
    char *text = read_entry(dir, key, &len);
    const char *body = text ? body_start(text, len) : NULL;
    *out = (struct http_validators){0};
    if (!body) {
        free(text);
        return -1;
    }
    for (char *line = text + sizeof CACHE_MAGIC - 1; line < body - 1;) {
        char *end = strchr(line, '\n');
        *end = '\0';
        if (strncmp(line, "etag ", 5) == 0)
            out->etag = strdup(line + 5);
        else if (strncmp(line, "last-modified ", 14) == 0)
            out->last_modified = strdup(line + 14);
        line = end + 1;
    }
    free(text);
    return out->etag || out->last_modified ? 0 : -1;
}

void http_validators_free(struct http_validators *v)
{
    free(v->etag);
    free(v->last_modified);
    *v = (struct http_validators){0};
}

char *http_cache_body(const char *dir, const char *key, size_t *len)
{
    size_t total;
    char *text = read_entry(dir, key, &total);
    const char *body = text ? body_start(text, total) : NULL;
    char *copy = NULL;
    if (body) {
        *len = total - (size_t)(body - text);
        copy = malloc(*len + 1);
        if (copy) {
            memcpy(copy, body, *len);
            copy[*len] = '\0';
        }
    }
    free(text);
    return copy;
}

static bool one_line(const char *value)
{
    return !value || (!strchr(value, '\n') && !strchr(value, '\r') &&
                      strlen(value) <= HTTP_CACHE_VALIDATOR_MAX);
}

int http_cache_store(const char *dir, const char *key, const char *etag,
                     const char *last_modified, const char *body, size_t len)
{
    char *path = entry_path(dir, key), *tmp = NULL, *head = NULL;
    int rc = -1, fd = -1;
    if (!path || !one_line(etag) || !one_line(last_modified) ||
        asprintf(&tmp, "%s.tmp", path) < 0 ||
        asprintf(&head, CACHE_MAGIC "%s%s%s%s%s%s\n", etag ? "etag " : "", etag ? etag : "",
                 etag ? "\n" : "", last_modified ? "last-modified " : "",
                 last_modified ? last_modified : "", last_modified ? "\n" : "") < 0)
        goto out;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && write_all(fd, head, strlen(head)) == 0 && write_all(fd, body, len) == 0 &&
        close(fd) == 0) {
        fd = -1;
        rc = rename(tmp, path);
    }
    if (rc < 0)
        unlink(tmp);
out:
    if (fd >= 0)
        close(fd);
    free(path);
    free(tmp);
    free(head);
    return rc;
}
