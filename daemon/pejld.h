/*
 * pejld.h — the daemon's one context: everything pejld holds at run time
 * hangs off this struct, and there is no other mutable global state
 * (logging's level and sink aside).
 */
#ifndef PEJL_PEJLD_H
#define PEJL_PEJLD_H

#include <stdbool.h>

#include "alerting.h"
#include "config.h"
#include "fetch.h"
#include "grapher.h"
#include "loop.h"
#include "commands.h"
#include "offload.h"
#include "control.h"
#include "outbox.h"
#include "reporter.h"
#include "scheduler.h"
#include "store.h"
#include "web.h"

enum pejld_mode { MODE_DAEMON, MODE_ONCE };

/* As-of reads (pejlctl status --as-of, revisions, the API's ?as_of=): at
 * most this many children at a time, each stopped after this long. */
#define PEJLD_AS_OF_READS 2
#define PEJLD_AS_OF_READ_TIMEOUT_MS 60000

struct pejld {
    enum pejld_mode mode;
    const char *config_path;
    struct config_overrides overrides;
    struct config *config; /* current; collections hold their own reference */
    struct loop *loop;
    struct fetcher fetcher; /* the HTTP engine and the exec runner */
    struct store *store;
    struct scheduler *scheduler;
    struct grapher *grapher;
    struct alerting *alerting;
    struct outbox *outbox;
    struct reporter *reporter;
    struct control *control;           /* the control socket; NULL with --once */
    struct commands commands;          /* what the control socket can ask */
    struct web *web;                   /* the HTTP endpoint; NULL: listen not set, or --once */
    struct offload *as_of_reads;       /* as-of reads of the journal, in children */
    char listening[128];               /* its listen = "…", as opened (a reload keeps it) */
    uint64_t notify_timer;
    int64_t now_override; /* --now: evaluate at this moment instead of the clock's */
    int64_t vintage_override; /* --vintage: collections first seen then, not now */
    struct job *jobs; /* collections in flight or being stored */
    unsigned collections_running;
    unsigned collections_failed;
    bool stopping;
    bool dependents_started; /* --once: the second round has begun */
    bool once_collected;     /* --once: every collection is done */
    bool once_notified;      /* --once: and the graphs drawn, the receivers told */
};

/* The moment alerts are evaluated at: --now, or the clock. */
int64_t pejld_now(const struct pejld *d);

/* What the store needs of `config` (see store.h); valid while `config` is. */
struct store_settings pejld_store_settings(const struct config *config);
/* What graphs need of `config` (see graph_plan.h); valid while `config` is. */
struct graph_settings pejld_graph_settings(const struct config *config);
/* What the outbox needs of `config` (see outbox.h); valid while `config` is. */
struct outbox_delivery pejld_outbox_delivery(const struct config *config);
/* What the notifier needs of `config` (see notifier.h). */
struct notifier_settings pejld_notifier_settings(const struct config *config);
/* What a collection needs of `config` (see collect.h): each collection
 * holds a reference to it while it runs. */
struct collect_settings pejld_collect_settings(struct config *config);
/* What the scheduled report needs of `config` (see reporter.h); valid while
 * `config` is. */
struct reporter_settings pejld_reporter_settings(const struct config *config);

/* config's http settings for a command someone waits for at a terminal
 * (--probe, --check-config --online): one retry, soon, so that a machine
 * without a network answers in seconds, not after the daemon's patient
 * backoff. (probe.c) */
struct http_settings pejld_interactive_http(const struct config *config);

/* Reloads the config (SIGHUP, pejlctl reload); -1 when it has problems
 * (logged) and the previous one keeps running. */
int pejld_reload(struct pejld *d);
/* Collects `id` now (pejlctl collect); -1 when there is no such indicator. */
int pejld_collect_now(struct pejld *d, const char *id);

/* Hands the control socket's commands what they may see and ask of `d`
 * (pejld_commands.c). */
void pejld_commands_init(struct pejld *d);
/* Opens the HTTP endpoint when the config sets listen (pejld_web.c);
 * -1 (logged) when it cannot listen there. */
int pejld_web_open(struct pejld *d);

/* Opens the store and runs until stopped (daemon) or done (--once).
 * Returns the process exit status. */
int pejld_run(struct pejld *d);

/* --probe ID: collect one indicator, print period,value,status; exit status. */
int pejld_probe(struct config *config, const char *id);

#endif
