/*
 * web_files.h — the report folder as static files for the HTTP endpoint
 * (web.c): a request path is opened beneath the folder, never outside it
 * (no "..", no symbolic links, no hidden names), only regular files of at
 * most WEB_FILE_MAX bytes, with the content type of their extension. No
 * directory is listed. Internal to web/.
 */
#ifndef PEJL_WEB_FILES_H
#define PEJL_WEB_FILES_H

#include <stddef.h>
#include <stdint.h>

struct web_file {
    int fd; /* open, read-only: the caller's to close */
    uint64_t size;
    const char *type; /* Content-Type */
};

/* Opens `path` ("/", "/index.html", "/graphs/ls_exports.png") in `dir`.
 * Returns 200 with `out` filled, or the HTTP status (404, 500) with the
 * reason in `why`. `dir` NULL: no report is configured. */
unsigned web_files_open(const char *dir, const char *path, struct web_file *out, char *why,
                        size_t whylen);

/* The Content-Type of a file name by its extension. */
const char *web_files_type(const char *name);

#endif
