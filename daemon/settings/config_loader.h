/*
 * config_loader.h — what the parts of the config reader share (config.c,
 * config_targets.c, config_alerts.c): the loader state and the checked
 * getters. Every getter reports a problem through the diag list and
 * carries on, so one run shows every problem in the file. Internal to
 * the config reader; the rest of pejld uses config.h.
 */
#ifndef PEJL_CONFIG_LOADER_H
#define PEJL_CONFIG_LOADER_H

#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct loader {
    struct config *config;
    struct pejl_diag *diag;
};

/* Reports every key of `group` that is not in the NULL-ended `allowed`. */
void config_check_keys(struct loader *l, const config_setting_t *group, const char *what,
                       const char *const *allowed);
/* A string member: NULL when absent (and `required` reports it) or of another type. */
const char *config_get_string(struct loader *l, const config_setting_t *group, const char *key,
                              bool required, const char *what);
/* A duration setting in milliseconds; keeps *out when absent. */
void config_duration_ms(struct loader *l, const config_setting_t *group, const char *key,
                        int64_t min_ms, int64_t *out);
/* An integer setting in [min, max]; keeps *out when absent. */
void config_integer(struct loader *l, const config_setting_t *group, const char *key, long long min,
                    long long max, long long *out);
/* `path` made absolute against the config file's directory. */
char *config_resolve_path(struct loader *l, const config_setting_t *where, const char *path);
/* A number (integer or float); *ok false and NAN when absent or not a number. */
double config_number(const config_setting_t *s, bool *ok);

/* illustrative = true|false at the top of the file (before the indicators). */
void config_load_illustrative(struct loader *l, const config_setting_t *root);
/* An indicator's source_name (else its collector's describe()) and
 * illustrative; after its source. */
void config_load_provenance(struct loader *l, const config_setting_t *group, struct indicator *ind);

/* source = { … } or a list of them with from/until (config_sources.c). */
void config_load_sources(struct loader *l, const config_setting_t *group, struct indicator *ind);
void config_free_sources(struct indicator *ind);
void config_load_targets(struct loader *l, const config_setting_t *group, struct indicator *ind);
/* alerts = ( … ), or the default rules when absent; after the targets. */
void config_load_alert_rules(struct loader *l, const config_setting_t *group,
                             struct indicator *ind);
void config_free_alert_rules(struct indicator *ind);
/* graph = { width; scale; } and events = ( … ) at the top (config_graph.c). */
void config_load_graph(struct loader *l, const config_setting_t *root);
/* events = ( … ) in `group`, into *events (caller frees with config_free_events). */
void config_load_events(struct loader *l, const config_setting_t *group, const char *who,
                        struct time_event **events, size_t *n);
void config_free_events(struct time_event *events, size_t n);
/* published = ( … ): the owner's published figures; after the frequency. */
void config_load_published(struct loader *l, const config_setting_t *group, struct indicator *ind);
void config_free_published(struct indicator *ind);
/* receivers = ( … ), routes = ( … ), outbox = { … }, external_url. */
void config_load_notifications(struct loader *l, const config_setting_t *root);
void config_free_notifications(struct config *config);
/* --check-config: every csv source's file: exists and has a header and a row. */
void config_check_manual_files(struct loader *l, const config_setting_t *root);
/* listen = "host:port" (config_listen.c). */
void config_load_listen(struct loader *l, const config_setting_t *root);

/* config_include.c: the main file's text with each @include line of a
 * pattern (a wildcard) replaced by the @include of a list in memory of the
 * matching files, and relative @include paths made absolute (relative to
 * `dir`). The list descriptors go to `fds` (at most CONFIG_INCLUDE_FILES),
 * closed with config_include_close once libconfig has read them. NULL with
 * err when the file cannot be read or a match cannot be included. */
#define CONFIG_INCLUDE_FILES 8
char *config_include_expand(const char *path, const char *dir, int *fds, size_t *n_fds, char *err,
                            size_t errlen);
void config_include_close(int *fds, size_t *n_fds);

#endif
