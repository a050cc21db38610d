/*
 * fetch.c — fetching request bodies (see fetch.h).
 */
#include "fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spawn.h"

struct fetch {
    struct fetcher *fetcher;
    struct http_transfer *transfer;
    struct spawn *spawn;
    fetch_done_fn done;
    void *arg;
};

static bool unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-._~/", c);
}

static char *file_url(const char *path)
{
    size_t n = strlen(path);
    char *url = malloc(7 + n * 3 + 1), *o = url;
    if (!url)
        return NULL;
    o += sprintf(o, "file://");
    for (const unsigned char *c = (const unsigned char *)path; *c; c++)
        o += unreserved(*c) ? sprintf(o, "%c", *c) : sprintf(o, "%%%02X", *c);
    return url;
}

char *fetch_resolve_url(const char *url, const char *base_dir, char *err, size_t errlen)
{
    if (strncmp(url, "file:", 5) != 0 || strncmp(url, "file://", 7) == 0)
        return strdup(url);
    const char *path = url + 5;
    if (!*path) {
        snprintf(err, errlen, "%s: no path", url);
        return NULL;
    }
    if (*path == '/')
        return file_url(path);
    char *joined, *result;
    if (asprintf(&joined, "%s/%s", base_dir, path) < 0)
        return NULL;
    result = file_url(joined);
    free(joined);
    return result;
}

static void on_http_done(void *arg, const struct http_result *r)
{
    struct fetch *f = arg;
    struct fetch_result result = {.status = r->status, .body = r->body, .len = r->len,
                                  .http = r, .not_modified = r->not_modified};
    if (r->error[0]) {
        result = (struct fetch_result){.error = r->error, .http = r};
    }
    f->transfer = NULL;
    f->done(f->arg, &result);
    free(f);
}

static void on_spawn_done(void *arg, const struct spawn_result *r)
{
    struct fetch *f = arg;
    struct fetch_result result = {.status = 200, .body = r->out, .len = r->len};
    if (!r->out)
        result = (struct fetch_result){.error = r->error};
    f->spawn = NULL;
    f->done(f->arg, &result);
    free(f);
}

struct fetch *fetch_start(struct fetcher *fetcher, const struct pejl_request *request,
                          const char *base_dir, fetch_done_fn done, void *arg)
{
    struct fetch *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    *f = (struct fetch){.fetcher = fetcher, .done = done, .arg = arg};
    if (strcmp(request->url, "exec:") == 0) {
        int64_t timeout = request->timeout_ms > 0 ? request->timeout_ms : fetcher->exec_timeout_ms;
        f->spawn = spawn_start(fetcher->loop, request->argv, timeout, fetcher->max_bytes,
                               on_spawn_done, f);
    } else {
        char err[256];
        struct pejl_request resolved = *request;
        char *url = fetch_resolve_url(request->url, base_dir, err, sizeof err);
        resolved.url = url;
        f->transfer = url ? http_fetch(fetcher->http, &resolved, on_http_done, f) : NULL;
        free(url);
    }
    if (!f->spawn && !f->transfer) {
        free(f);
        return NULL;
    }
    return f;
}

void fetch_cancel(struct fetch *f)
{
    if (f->transfer)
        http_cancel(f->fetcher->http, f->transfer);
    if (f->spawn)
        spawn_cancel(f->spawn);
    free(f);
}
