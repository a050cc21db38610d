/*
 * report_dir.c — where a scheduled report may not go: into, around or onto
 * the state, RRD or graph directory. The config is checked for it when it
 * is read (settings), and output/report.c again before every report.
 */
#include "report_dir.h"

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PATH with the symlinks of the part that exists resolved; the rest as written. */
int report_dir_resolve(const char *path, char *out, size_t size, char *err, size_t errlen)
{
    char head[4096], rest[4200] = "", tail[4200];
    size_t len = strlen(path);
    bool absolute = path[0] == '/';
    if (len == 0 || len >= sizeof head) {
        snprintf(err, errlen, "\"%.64s\": give a path of 1-%zu characters", path, sizeof head - 1);
        return -1;
    }
    memcpy(head, path, len + 1);
    for (;;) {
        while (len > 0 && head[len - 1] == '/')
            head[--len] = '\0';
        char *real = realpath(len ? head : absolute ? "/" : ".", NULL);
        if (real) {
            int n =
                snprintf(out, size, "%s%s", strcmp(real, "/") == 0 && rest[0] ? "" : real, rest);
            free(real);
            if (n < (int)size)
                return 0;
            snprintf(err, errlen, "%.64s…: the path is too long", path);
            return -1;
        }
        if (errno != ENOENT || len == 0) {
            snprintf(err, errlen, "cannot resolve %s: %s", path, strerror(errno));
            return -1;
        }
        char *slash = strrchr(head, '/');
        const char *name = slash ? slash + 1 : head;
        if (strcmp(name, "..") == 0) {
            snprintf(err, errlen, "%s: write it without \"..\" after a folder that does not exist",
                     path);
            return -1;
        }
        if (strcmp(name, ".") != 0) {
            snprintf(tail, sizeof tail, "/%s%s", name, rest);
            memcpy(rest, tail, sizeof rest);
        }
        len = slash ? (size_t)(slash - head) : 0;
        head[len] = '\0';
    }
}

/* Whether `inner` is `outer` or lies inside it (both real paths). */
static bool within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);
    return strcmp(outer, "/") == 0 ||
           (strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/'));
}

static int clash_with(const char *real, const char *what, const char *dir, char *err, size_t errlen)
{
    char own[4096];
    if (!dir)
        return 0;
    if (report_dir_resolve(dir, own, sizeof own, err, errlen) < 0)
        return -1;
    if (strcmp(real, own) == 0)
        snprintf(err, errlen,
                 "report directory %s is the %s directory; give the report a folder of its own, "
                 "outside it",
                 real, what);
    else if (within(real, own))
        snprintf(err, errlen,
                 "report directory %s lies in the %s directory %s; give the report a folder of its "
                 "own, outside it",
                 real, what, own);
    else if (within(own, real))
        snprintf(
            err, errlen,
            "report directory %s holds the %s directory %s; give the report a folder of its own",
            real, what, own);
    else
        return 0;
    return -1;
}

struct report_keep_out report_dir_keep_out(const struct config *config)
{
    return (struct report_keep_out){
        .state_dir = config->state_dir, .rrd_dir = config->rrd_dir, .graph_dir = config->graph_dir};
}

int report_dir_clash_real(const char *real, const struct report_keep_out *c, char *err,
                          size_t errlen)
{
    return clash_with(real, "state", c->state_dir, err, errlen) < 0 ||
                   clash_with(real, "RRD", c->rrd_dir, err, errlen) < 0 ||
                   clash_with(real, "graph", c->graph_dir, err, errlen) < 0
               ? -1
               : 0;
}

int report_dir_clash(const char *dir, const struct report_keep_out *c, char *err, size_t errlen)
{
    char real[4096];
    return report_dir_resolve(dir, real, sizeof real, err, errlen) < 0
               ? -1
               : report_dir_clash_real(real, c, err, errlen);
}

int report_dir_writable(const char *real, char *err, size_t errlen)
{
    char parent[4200];
    snprintf(parent, sizeof parent, "%s", real);
    for (;;) { /* the folder is made beside its final place, then renamed */
        char *slash = strrchr(parent, '/');
        if (!slash)
            return 0;
        *(slash == parent ? slash + 1 : slash) = '\0';
        if (access(parent, F_OK) == 0)
            break;
        if (slash == parent)
            return 0;
    }
    if (access(parent, W_OK | X_OK) == 0)
        return 0;
    if (errno == EROFS)
        snprintf(err, errlen,
                 "pejld cannot write in %s: read-only file system. Under systemd, the service "
                 "may write only its own directories (ProtectSystem=strict): add "
                 "ReadWritePaths=%s with `systemctl edit pejld`, or write the report under "
                 "/var/lib/pejl-report",
                 parent, parent);
    else if (errno == EACCES)
        snprintf(err, errlen,
                 "pejld (user %ld) may not write in %s: make the folder writable by group pejl "
                 "(chgrp pejl %s && chmod g+w %s), or choose another",
                 (long)geteuid(), parent, parent, parent);
    else
        snprintf(err, errlen, "pejld cannot write in %s: %s", parent, strerror(errno));
    return -1;
}
