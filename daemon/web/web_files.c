/*
 * web_files.c — the report folder as static files (see web_files.h).
 *
 * The path is checked by its characters first (so no "..", no ".pejl-report",
 * no empty or overlong component reaches the file system), then opened
 * beneath the folder's descriptor with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS), or, where the kernel has no openat2, one component
 * at a time with O_NOFOLLOW: a symbolic link planted in the folder is never
 * followed, wherever it points.
 */
#include "web_files.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "web.h"

#define PATH_DEPTH_MAX 4
#define PATH_TEXT_MAX 1024
#define NAME_MAX_BYTES 255

const char *web_files_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},
        {".json", "application/json"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".pdf", "application/pdf"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* "graphs/ls_exports.png": components of [A-Za-z0-9._-], none empty, none
 * starting with a dot, at most PATH_DEPTH_MAX of them. */
static bool path_valid(const char *rel)
{
    size_t depth = 0, len = strlen(rel);
    if (len == 0 || len >= PATH_TEXT_MAX)
        return false;
    for (const char *c = rel; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || n > NAME_MAX_BYTES || c[0] == '.' || ++depth > PATH_DEPTH_MAX)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!name_char(c[i]))
                return false;
        c += n;
        if (*c == '/' && !*++c)
            return false; /* "graphs/": a directory, which is not listed */
    }
    return true;
}

/* Without openat2: one component at a time, never through a link. */
static int open_walk(int dir, const char *rel)
{
    char copy[PATH_TEXT_MAX];
    int at = dup(dir), next;
    snprintf(copy, sizeof copy, "%s", rel);
    char *save = NULL, *part = strtok_r(copy, "/", &save);
    while (at >= 0 && part) {
        char *rest = strtok_r(NULL, "/", &save);
        next = openat(at, part, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (rest ? O_DIRECTORY : 0));
        close(at);
        at = next;
        part = rest;
    }
    return at;
}

static int open_beneath(int dir, const char *rel)
{
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW,
                           .resolve =
                               RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof how);
    return fd < 0 && errno == ENOSYS ? open_walk(dir, rel) : fd;
}

unsigned web_files_open(const char *dir, const char *path, struct web_file *out, char *why,
                        size_t whylen)
{
    const char *rel = path[0] == '/' ? path + 1 : path;
    struct stat st;
    if (!*rel)
        rel = "index.html";
    if (!dir) {
        snprintf(why, whylen, "no report here: pejld writes none (report.directory is not set)");
        return 404;
    }
    if (!path_valid(rel)) {
        snprintf(why, whylen, "no such file in the report");
        return 404;
    }
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(why, whylen, "no report yet (%s)", strerror(errno));
        return 404;
    }
    int fd = open_beneath(dfd, rel);
    close(dfd);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        snprintf(why, whylen, "no such file in the report");
        return 404;
    }
    if (st.st_size > WEB_FILE_MAX) {
        close(fd);
        snprintf(why, whylen, "%s is %lld bytes, more than the %lld MiB served", rel,
                 (long long)st.st_size, (long long)(WEB_FILE_MAX >> 20));
        return 500;
    }
    *out = (struct web_file){.fd = fd, .size = (uint64_t)st.st_size, .type = web_files_type(rel)};
    return 200;
}
