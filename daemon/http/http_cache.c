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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "fnv.h"
#include "log.h"

#define CACHE_MAGIC "pejl-http-cache 1\n"

static uint64_t hash_request(uint64_t seed, const struct pejl_request *r)
{
    const char *parts[] = {r->method ? r->method : "GET", r->url, r->body ? r->body : ""};
    uint64_t h = seed;
    for (size_t i = 0; i < 3; i++)
        h = fnv1a(h, parts[i], strlen(parts[i]) + 1); /* the NUL separates the parts */
    return h;
}

bool http_cache_applies(const char *url)
{
    return strncasecmp(url, "file:", 5) != 0;
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

/* A link where an entry belongs is not followed, and not used. */
static void warn_link(const char *path)
{
    char why[1024];
    if (atomic_file_state_link_error(path, why, sizeof why))
        log_warn("http cache: %s; it is not used", why);
}

/* Reads the whole entry; NULL when absent or not an entry. */
static char *read_entry(const char *dir, const char *key, size_t *len)
{
    char *path = entry_path(dir, key);
    int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fd < 0 && path)
        warn_link(path);
    free(path);
    if (!f) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char *text = NULL;
    size_t cap = 0;
    FILE *mem = open_memstream(&text, &cap);
    char buf[65536];
    size_t n;
    bool ok = mem != NULL;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = fwrite(buf, 1, n, mem) == n;
    ok = ok && !ferror(f); /* a read cut short is no entry, not a shorter body */
    fclose(f);
    if ((mem && fclose(mem) != 0) || !ok) {
        free(text);
        return NULL;
    }
    *len = cap; /* open_memstream's size: the bytes written */
    return text;
}

/* One "name value" line of the head; -1 on a line pejld does not write. */
static int parse_line(const char *line, size_t len, struct http_cache_entry *e)
{
    static const char etag[] = "etag ", modified[] = "last-modified ";
    const char **value = NULL;
    size_t *value_len = NULL, skip = 0;
    if (len >= sizeof etag - 1 && memcmp(line, etag, sizeof etag - 1) == 0)
        value = &e->etag, value_len = &e->etag_len, skip = sizeof etag - 1;
    else if (len >= sizeof modified - 1 && memcmp(line, modified, sizeof modified - 1) == 0)
        value = &e->last_modified, value_len = &e->last_modified_len, skip = sizeof modified - 1;
    if (!value || *value || len - skip > HTTP_CACHE_VALIDATOR_MAX || memchr(line, '\0', len) ||
        memchr(line, '\r', len))
        return -1; /* unknown, twice, too long, or not a header value */
    *value = line + skip;
    *value_len = len - skip;
    return 0;
}

int http_cache_parse(const char *text, size_t len, struct http_cache_entry *e)
{
    size_t at = sizeof CACHE_MAGIC - 1;
    *e = (struct http_cache_entry){0};
    if (len < at || memcmp(text, CACHE_MAGIC, at) != 0)
        return -1;
    for (;;) {
        const char *end = memchr(text + at, '\n', len - at);
        if (!end)
            return -1; /* the head never ended: cut short */
        size_t line_len = (size_t)(end - (text + at));
        if (line_len == 0)
            break;
        if (parse_line(text + at, line_len, e) < 0)
            return -1;
        at += line_len + 1;
    }
    e->body = text + at + 1;
    e->body_len = len - at - 1;
    return 0;
}

int http_cache_validators(const char *dir, const char *key, struct http_validators *out)
{
    size_t len;
    struct http_cache_entry e;
    char *text = read_entry(dir, key, &len);
    *out = (struct http_validators){0};
    if (!text || http_cache_parse(text, len, &e) < 0 || (!e.etag && !e.last_modified)) {
        free(text);
        return -1;
    }
    out->etag = e.etag ? strndup(e.etag, e.etag_len) : NULL;
    out->last_modified = e.last_modified ? strndup(e.last_modified, e.last_modified_len) : NULL;
    free(text);
    if ((e.etag && !out->etag) || (e.last_modified && !out->last_modified)) {
        http_validators_free(out);
        return -1;
    }
    return 0;
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
    struct http_cache_entry e;
    char *text = read_entry(dir, key, &total), *copy = NULL;
    if (text && http_cache_parse(text, total, &e) == 0 && (copy = malloc(e.body_len + 1))) {
        memcpy(copy, e.body, e.body_len);
        copy[e.body_len] = '\0';
        *len = e.body_len;
    }
    free(text);
    return copy;
}

static bool one_line(const char *value)
{
    return !value || (!strpbrk(value, "\r\n") && strlen(value) <= HTTP_CACHE_VALIDATOR_MAX);
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
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) { /* not ours to replace */
        errno = ELOOP;
        warn_link(path);
        goto out;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) { /* nothing of ours to remove */
        warn_link(tmp);
        goto out;
    }
    if (atomic_file_write_all(fd, head, strlen(head)) == 0 &&
        atomic_file_write_all(fd, body, len) == 0 && close(fd) == 0) {
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
