/*
 * config_include.c — drop-in folders for pejld.conf: an @include line
 * whose path has a wildcard (the shipped file's is conf.d/ followed by
 * "*.conf") includes every file the pattern matches, in name order.
 *
 * libconfig 1.5 (Debian 12's) includes one named file per @include and
 * knows no patterns, so before it reads the main file this module replaces
 * such a line by one @include of a list made in memory (a memfd holding an
 * @include line for each match, by its absolute path): the main file keeps
 * its line numbers, and an error in an included file is named by its own
 * path and line, as libconfig reports it. No match, or no folder, is no
 * error (an empty conf.d). A match that is not a regular file, more than
 * CONFIG_INCLUDE_MAX of them, or a main file over 4 MiB is refused with
 * the reason.
 *
 * A plain @include of a relative path is made absolute (relative to the
 * main file's folder): libconfig 1.5 puts its include_dir before every
 * path, absolute ones too, so pejl sets none. An @include inside an
 * included file is read as written. Uses only libc.
 */
#include "config_loader.h"

#include <errno.h>
#include <stdbool.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_INCLUDE_MAX 256
#define CONFIG_TEXT_MAX (4 << 20)

/* The file or pattern of an `@include "FILE"` line, or NULL. */
static char *include_target(const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if ((size_t)(end - p) < 9 || strncmp(p, "@include", 8) != 0 || (p[8] != ' ' && p[8] != '\t'))
        return NULL;
    p += 8;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    const char *close = p < end && *p == '"' ? memchr(p + 1, '"', (size_t)(end - p - 1)) : NULL;
    if (!close || memchr(p + 1, '\\', (size_t)(close - p - 1)))
        return NULL;
    for (const char *q = close + 1; q < end; q++)
        if (*q != ' ' && *q != '\t' && *q != '\r')
            return NULL;
    return strndup(p + 1, (size_t)(close - p - 1));
}

/* A folder that is not there holds no match; one that cannot be read stops. */
static int glob_error(const char *path, int error)
{
    (void)path;
    return error != ENOENT;
}

/* A memfd listing the matches of `pattern` (relative to `dir`) as
 * @include lines; its descriptor, or -1 with err. */
static int list_matches(const char *dir, const char *pattern, char *err, size_t errlen)
{
    char full[4096];
    glob_t g = {0};
    snprintf(full, sizeof full, "%s%s%s", pattern[0] == '/' ? "" : dir,
             pattern[0] == '/' ? "" : "/", pattern);
    int rc = glob(full, 0, glob_error, &g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
        snprintf(err, errlen, "@include \"%s\": cannot read its folder: %s", pattern, strerror(errno));
        globfree(&g);
        return -1;
    }
    if (g.gl_pathc > CONFIG_INCLUDE_MAX) {
        snprintf(err, errlen, "@include \"%s\": %zu files, more than %d; merge some", pattern,
                 (size_t)g.gl_pathc, CONFIG_INCLUDE_MAX);
        globfree(&g);
        return -1;
    }
    int fd = memfd_create("pejl-include", MFD_CLOEXEC);
    for (size_t i = 0; fd >= 0 && i < g.gl_pathc; i++) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) < 0 || !S_ISREG(st.st_mode) || strchr(g.gl_pathv[i], '"')) {
            snprintf(err, errlen, "@include \"%s\": %s is not a regular file with a plain name; "
                     "move it out of the folder", pattern, g.gl_pathv[i]);
            close(fd);
            fd = -1;
        } else if (dprintf(fd, "@include \"%s\"\n", g.gl_pathv[i]) < 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0 && !err[0])
        snprintf(err, errlen, "@include \"%s\": %s", pattern, strerror(errno));
    globfree(&g);
    return fd;
}

/* The file's text, bounded; NULL with err. */
static char *read_text(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    char *text = f ? malloc(CONFIG_TEXT_MAX + 1) : NULL;
    size_t len = text ? fread(text, 1, CONFIG_TEXT_MAX + 1, f) : 0;
    if (!f || !text || ferror(f) || len > CONFIG_TEXT_MAX) {
        snprintf(err, errlen, "%s", !f ? strerror(errno) : len > CONFIG_TEXT_MAX ? "larger than 4 MiB" : "cannot read it");
        free(text);
        text = NULL;
    } else {
        text[len] = '\0';
    }
    if (f)
        fclose(f);
    return text;
}

/* One line of the main file as libconfig is to read it; -1 with err. */
static int expand_line(FILE *o, const char *line, size_t len, bool newline, const char *dir,
                       int *fds, size_t *n_fds, char *err, size_t errlen)
{
    const char *end = newline ? "\n" : "";
    char *target = include_target(line, len);
    if (!target) {
        fwrite(line, 1, len, o);
        fputs(end, o);
        return 0;
    }
    int rc = 0;
    if (!strpbrk(target, "*?[")) {
        fprintf(o, "@include \"%s%s%s\"%s", target[0] == '/' ? "" : dir,
                target[0] == '/' ? "" : "/", target, end);
    } else if (*n_fds == CONFIG_INCLUDE_FILES) {
        snprintf(err, errlen, "more than %d @include lines with a pattern", CONFIG_INCLUDE_FILES);
        rc = -1;
    } else if ((fds[*n_fds] = list_matches(dir, target, err, errlen)) < 0) {
        rc = -1;
    } else {
        fprintf(o, "@include \"/proc/self/fd/%d\"%s", fds[(*n_fds)++], end);
    }
    free(target);
    return rc;
}

char *config_include_expand(const char *path, const char *dir, int *fds, size_t *n_fds, char *err,
                            size_t errlen)
{
    err[0] = '\0';
    *n_fds = 0;
    char *text = read_text(path, err, errlen), *out = NULL;
    size_t size = 0;
    FILE *o = text ? open_memstream(&out, &size) : NULL;
    int rc = o ? 0 : -1;
    for (const char *line = text; rc == 0 && line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        rc = expand_line(o, line, len, nl != NULL, dir, fds, n_fds, err, errlen);
        line = nl ? nl + 1 : NULL;
    }
    if (o)
        fclose(o);
    free(text);
    if (rc < 0) {
        if (!err[0])
            snprintf(err, errlen, "out of memory");
        config_include_close(fds, n_fds);
        free(out);
        return NULL;
    }
    return out;
}

void config_include_close(int *fds, size_t *n_fds)
{
    for (size_t i = 0; i < *n_fds; i++)
        close(fds[i]);
    *n_fds = 0;
}
