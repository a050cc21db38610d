/*
 * config.h — pejld's configuration (libconfig): global settings and the
 * indicator catalogue, validated completely before anything uses it.
 *
 * A loaded config is immutable and reference-counted: a reload builds a new
 * one beside the old, and work in flight keeps the config it started with.
 */
#ifndef PEJL_CONFIG_H
#define PEJL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "duration.h"
#include "derive.h"
#include "diag.h"
#include "evaluate.h"
#include "http.h"
#include "indicator.h"
#include "log.h"
#include "name_index.h"
#include "plugin.h"
#include "receiver.h"
#include "rule.h"
#include "words.h"

#define EX_CONFIG_ERROR 78 /* sysexits.h EX_CONFIG */

/* Panel members an indicator may have unless max_members says otherwise:
 * each is an RRD file, a graph line and a series to evaluate. */
#define COLLECT_DEFAULT_MEMBERS 300
#define COLLECT_MAX_MEMBERS 100000

struct config {
    int refs;
    char *path; /* absolute path of the file */
    char *dir;  /* its directory: relative paths resolve against it */
    char *state_dir, *rrd_dir, *graph_dir, *collector_dir;
    enum log_level log_level;
    char *rrdcached; /* librrd daemon address, or NULL */
    int64_t evaluation_interval_s; /* alerts between collections (staleness) */
    struct http_settings http; /* cache_dir is set by the daemon, not the file */
    struct indicator *indicators;
    size_t n_indicators;
    char *external_url; /* where people reach pejl's graphs and reports; NULL: nowhere */
    enum language language; /* of graphs and reports */
    char *control_socket;   /* NULL: $RUNTIME_DIRECTORY/pejld.sock or STATE_DIR/pejld.sock */
    char *report_dir;       /* report = { directory = …; at = "06:00"; }; NULL: no scheduled report */
    int report_minute;      /* of the day, UTC */
    bool report_svg;
    bool report_snapshot;   /* report.snapshot: each report saves a snapshot of its moment */
    struct receiver *receivers;
    size_t n_receivers;
    struct route *routes;
    size_t n_routes;
    struct outbox_settings outbox;
    struct plugins *plugins;
    bool illustrative; /* illustrative = true: the whole catalogue is made up (the demo) */
    /* config_index.c: indicators by id, and by the id their per_million
     * names (a struct config_dependents each); empty: not indexed. */
    struct name_index by_id, dependents;
    /* listen = "127.0.0.1:9817": the read-only HTTP endpoint (config_listen.c); NULL: none */
    char *listen;
    struct sockaddr_storage listen_addr;
    socklen_t listen_addr_len;
    /* graph = { width = 500; scale = 2; }: the plot area's width at scale 1
     * and the zoom of every graph (config_graph.c) */
    int graph_width;
    double graph_scale;
    struct time_event *events; /* events = ( … ) at the top: on every graph */
    size_t n_events;
};

/* The indicators derived from one indicator (per_million = its id). */
struct config_dependents {
    const struct indicator **items;
    size_t n, cap;
};

/* Command-line settings that win over the file. */
struct config_overrides {
    const char *state_dir;
    bool manual_files; /* --check-config: manual series files exist and hold rows */
};

/* Loads and validates `path`; NULL when `diag` holds any problem. */
struct config *config_load(const char *path, const struct config_overrides *overrides,
                           struct pejl_diag *diag);
/* Where alerts go when nothing routes them: a sentence saying so and what
 * to do ("" when some route reaches a receiver). pejld logs it at start,
 * --check-config prints it as a warning. */
void config_unrouted(const struct config *config, char *buf, size_t size);
struct config *config_ref(struct config *config);
void config_unref(struct config *config);
const struct indicator *config_find(const struct config *config, const char *id);
/* The indicators whose per_million names `id`; NULL when there are none. */
const struct config_dependents *config_dependents_of(const struct config *config, const char *id);
/* config_index.c: builds by_id and dependents once the indicators are
 * loaded (-1: out of memory, nothing indexed); frees them. */
int config_index_build(struct config *config);
void config_index_free(struct config *config);
/* config_listen.c: "127.0.0.1:9817" or "[::1]:9817" into `addr`; -1 when
 * it is not a numeric address and a port from 1 to 65535. */
int config_listen_parse(const char *text, struct sockaddr_storage *addr, socklen_t *len);


#endif
