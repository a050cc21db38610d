/*
 * report_dir.h — where a scheduled report may not go (the state, RRD and
 * graph directories), checked when the config is read and before a report.
 */
#ifndef PEJL_REPORT_DIR_H
#define PEJL_REPORT_DIR_H

#include <stddef.h>

struct config;

/* The directories pejl keeps its own files in, which a report keeps out of. */
struct report_keep_out {
    const char *state_dir, *rrd_dir, *graph_dir;
};

/* Those of `config` (borrowed from it). */
struct report_keep_out report_dir_keep_out(const struct config *config);
/* PATH with the symlinks of the part that exists resolved into `out`, the
 * rest as written; -1 with err saying why not. */
int report_dir_resolve(const char *path, char *out, size_t size, char *err, size_t errlen);
/* Whether the resolved `real` is, holds or lies in the state, RRD or graph
 * directory: -1 with err saying what to do instead. */
int report_dir_clash_real(const char *real, const struct report_keep_out *keep_out, char *err,
                          size_t errlen);
/* Only whether DIR is, holds or lies in the state, RRD or graph directory
 * (what a config can be checked for before the folder exists). */
int report_dir_clash(const char *dir, const struct report_keep_out *keep_out, char *err,
                     size_t errlen);

/* Whether this process may create the report folder `real` (resolved): the
 * folder it is written beside, or the nearest one of its parents that
 * exists, must be writable. -1 with err saying why not and what to do (a
 * read-only file system under systemd's ProtectSystem=strict needs
 * ReadWritePaths=; a folder of another user needs group pejl). */
int report_dir_writable(const char *real, char *err, size_t errlen);

#endif
