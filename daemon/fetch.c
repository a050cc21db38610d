/*
 * fetch.c — fetching request bodies (see fetch.h).
 */
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fetch {
    char *url;
    char *base_dir;
    uint64_t timer;
    fetch_done_fn done;
    void *arg;
};

static int percent_decode(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s != '%') {
            *out++ = *s;
            continue;
        }
        unsigned v;
        if (sscanf(s + 1, "%2x", &v) != 1 || v == 0 || !s[1] || !s[2])
            return -1;
        *out++ = (char)v;
        s += 2;
    }
    *out = '\0';
    return 0;
}

char *fetch_file_path(const char *url, const char *base_dir, char *err, size_t errlen)
{
    char *path = NULL;
    if (strncmp(url, "file://", 7) == 0) {
        if (url[7] != '/') {
            snprintf(err, errlen, "%s: write file:///absolute/path or file:relative/path", url);
            return NULL;
        }
        path = strdup(url + 7);
    } else if (strncmp(url, "file:", 5) == 0 && url[5]) {
        if (url[5] == '/')
            path = strdup(url + 5);
        else if (asprintf(&path, "%s/%s", base_dir, url + 5) < 0)
            path = NULL;
    } else {
        snprintf(err, errlen, "%s: only file: URLs are read by this version of pejld", url);
        return NULL;
    }
    if (path && percent_decode(path) < 0) {
        snprintf(err, errlen, "%s: bad %%-escape", url);
        free(path);
        return NULL;
    }
    return path;
}

/* Reads a regular file of at most `max` bytes. */
static char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if ((size_t)st.st_size > max) {
        snprintf(err, errlen, "%s: %lld bytes, over the %zu-byte limit", path,
                 (long long)st.st_size, max);
        close(fd);
        return NULL;
    }
    char *body = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (body && got < (size_t)st.st_size) {
        ssize_t n = read(fd, body + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!body || got != (size_t)st.st_size) {
        snprintf(err, errlen, "%s: short read", path);
        free(body);
        return NULL;
    }
    body[got] = '\0';
    *len = got;
    return body;
}

static void fetch_free(struct fetch *f)
{
    free(f->url);
    free(f->base_dir);
    free(f);
}

static void run_file_fetch(struct loop *loop, void *arg)
{
    (void)loop;
    struct fetch *f = arg;
    char err[512] = "";
    struct fetch_result result = {0};
    char *path = fetch_file_path(f->url, f->base_dir, err, sizeof err);
    char *body = path ? read_file(path, FETCH_DEFAULT_MAX_BYTES, &result.len, err, sizeof err) : NULL;
    result.body = body;
    result.error = body ? NULL : err;
    f->done(f->arg, &result);
    free(body);
    free(path);
    fetch_free(f);
}

struct fetch *fetch_start(struct loop *loop, const struct pejl_request *request,
                          const char *base_dir, fetch_done_fn done, void *arg)
{
    struct fetch *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->url = strdup(request->url);
    f->base_dir = strdup(base_dir);
    f->done = done;
    f->arg = arg;
    if (!f->url || !f->base_dir || !(f->timer = loop_add_timer(loop, 0, run_file_fetch, f))) {
        fetch_free(f);
        return NULL;
    }
    return f;
}

void fetch_cancel(struct loop *loop, struct fetch *f)
{
    loop_cancel_timer(loop, f->timer);
    fetch_free(f);
}
