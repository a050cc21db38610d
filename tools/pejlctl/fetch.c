/*
 * fetch.c — the bytes pejlctl works on: a local path, `-` for stdin, a
 * file: URL (file:///abs/path, file:rel/path) or an http(s) URL fetched with
 * libcurl's easy interface. A command-line tool may block, so it does; it
 * still verifies TLS, follows redirects to http(s) only (from https to
 * https only) and stops at PEJLCTL_MAX_BODY bytes, as pejld does.
 */
#include "pejlctl.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A body being received; NUL-terminated all along. */
struct growing {
    struct pejlctl_body *body;
    size_t cap;
    bool too_big, out_of_memory;
};

static bool append(struct growing *g, const char *bytes, size_t n)
{
    struct pejlctl_body *b = g->body;
    if (n > PEJLCTL_MAX_BODY - b->len) {
        g->too_big = true;
        return false;
    }
    if (b->len + n + 1 > g->cap) {
        size_t cap = g->cap ? g->cap : 65536;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *bytes_new = realloc(b->bytes, cap);
        if (!bytes_new) {
            g->out_of_memory = true;
            return false;
        }
        b->bytes = bytes_new;
        g->cap = cap;
    }
    memcpy(b->bytes + b->len, bytes, n);
    b->len += n;
    b->bytes[b->len] = '\0';
    return true;
}

static int read_fd(int fd, const char *name, struct pejlctl_body *out, char *err, size_t errlen)
{
    struct growing g = {.body = out};
    struct stat st;
    char chunk[65536];
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: a directory", name);
        return -1;
    }
    if (!append(&g, "", 0))
        goto failed;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", name, strerror(errno));
            return -1;
        }
        if (n == 0)
            return 0;
        if (!append(&g, chunk, (size_t)n))
            goto failed;
    }
failed:
    snprintf(err, errlen, "%s: %s", name,
             g.too_big ? "larger than the 64 MiB limit" : "out of memory");
    return -1;
}

static int read_path(const char *path, struct pejlctl_body *out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = read_fd(fd, path, out, err, errlen);
    close(fd);
    return rc;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The path of a file: URL, %-decoded; NULL with a reason if it is none. */
static char *file_url_path(const char *url, char *err, size_t errlen)
{
    const char *p = url + strlen("file:");
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        if (strncmp(p, "localhost/", 10) == 0)
            p += 9;
        if (*p != '/') {
            snprintf(err, errlen, "%s: write file:///absolute/path or file:relative/path", url);
            return NULL;
        }
    }
    char *path = malloc(strlen(p) + 1), *o = path;
    if (!path) {
        snprintf(err, errlen, "%s: out of memory", url);
        return NULL;
    }
    for (; *p; p++) {
        if (*p != '%') {
            *o++ = *p;
            continue;
        }
        int hi = hex_value(p[1]), lo = hi >= 0 ? hex_value(p[2]) : -1;
        if (hi < 0 || lo < 0 || hi * 16 + lo == 0) {
            snprintf(err, errlen, "%s: bad %%-escape", url);
            free(path);
            return NULL;
        }
        *o++ = (char)(hi * 16 + lo);
        p += 2;
    }
    *o = '\0';
    if (!*path) {
        snprintf(err, errlen, "%s: no path", url);
        free(path);
        return NULL;
    }
    return path;
}

static size_t on_body(char *bytes, size_t size, size_t n, void *arg)
{
    return append(arg, bytes, size * n) ? size * n : 0;
}

static void set_options(CURL *curl, const char *url, struct growing *g, char *curl_err)
{
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "pejl/" PEJL_VERSION);
    /* from https, https only: a redirect to http would bring plain text
     * where TLS was asked for */
    bool https = strncmp(url, "https://", 8) == 0;
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, https ? "https" : "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)PEJLCTL_MAX_BODY);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 600L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, g);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
}

static int fetch_url(const char *url, struct pejlctl_body *out, char *err, size_t errlen)
{
    struct growing g = {.body = out};
    char curl_err[CURL_ERROR_SIZE] = "";
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "%s: libcurl failed to start", url);
        return -1;
    }
    CURL *curl = curl_easy_init();
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    if (curl && append(&g, "", 0)) {
        set_options(curl, url, &g, curl_err);
        rc = curl_easy_perform(curl);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->http_status);
    }
    char *target = NULL;
    if (rc == CURLE_UNSUPPORTED_PROTOCOL &&
        curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &target) == CURLE_OK && target &&
        strcmp(target, url) != 0)
        snprintf(err, errlen, "%s: redirected to a %.*s: URL, which is not followed from %s", url,
                 (int)strcspn(target, ":"), target,
                 strncmp(url, "https://", 8) == 0 ? "https (https only)"
                                                  : "http (http and https only)");
    else if (rc != CURLE_OK)
        snprintf(err, errlen, "%s: %s", url,
                 g.too_big || rc == CURLE_FILESIZE_EXCEEDED ? "larger than the 64 MiB limit"
                 : curl_err[0]                              ? curl_err
                                                            : curl_easy_strerror(rc));
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return rc == CURLE_OK ? 0 : -1;
}

int pejlctl_fetch(const char *where, struct pejlctl_body *out, char *err, size_t errlen)
{
    *out = (struct pejlctl_body){0};
    int rc;
    if (strcmp(where, "-") == 0) {
        rc = read_fd(STDIN_FILENO, "stdin", out, err, errlen);
    } else if (strncmp(where, "http://", 7) == 0 || strncmp(where, "https://", 8) == 0) {
        rc = fetch_url(where, out, err, errlen);
    } else if (strncmp(where, "file:", 5) == 0) {
        char *path = file_url_path(where, err, errlen);
        rc = path ? read_path(path, out, err, errlen) : -1;
        free(path);
    } else if (strstr(where, "://")) {
        snprintf(err, errlen, "%s: only file:, http: and https: URLs are read", where);
        rc = -1;
    } else {
        rc = read_path(where, out, err, errlen);
    }
    if (rc < 0)
        pejlctl_body_free(out);
    return rc;
}

void pejlctl_body_free(struct pejlctl_body *body)
{
    free(body->bytes);
    *body = (struct pejlctl_body){0};
}
