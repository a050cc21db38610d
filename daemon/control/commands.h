/*
 * commands.h — what the control socket can ask of pejld (pejlctl's
 * commands): STATUS, ALERTS, SILENCE, UNSILENCE, SILENCES, RELOAD, METRICS,
 * COLLECT, GRAPH, REPORT, VERIFY, SNAPSHOT, REVISIONS and HELP (STATUS,
 * GRAPH and REPORT also as of a moment: commands_as_of.h). Each answers from the daemon's
 * state as it is; COLLECT answers when the collections it started are
 * done, VERIFY when the sources' metadata has been checked, STATUS as of a
 * moment and REVISIONS when a child has read the journal back.
 *
 * The commands never see the daemon's context: the wiring (daemon/) hands
 * them its state and what they may ask of it in struct commands_daemon.
 */
#ifndef PEJL_COMMANDS_H
#define PEJL_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "control.h"
#include "diag.h"
#include "indicator.h"
#include "report_dir.h"
#include "store.h"

struct alerting;
struct outbox;
struct name_index;
struct offload;
struct reporter;
struct waiting_as_of;
struct waiting_collect;
struct waiting_verify;

/* A verification's report (see collect/verify.h): "FILE:LINE: id: message"
 * lines, `problems` of them not warnings. */
typedef void (*commands_verified_fn)(void *arg, const struct pejl_diag *report, size_t problems);

/* The daemon as a command sees it, taken afresh for each request: the
 * parts of the config the commands use, never the whole of it. */
struct commands_state {
    const struct indicator *indicators;
    size_t n_indicators;
    const struct name_index *by_id;  /* the indicators by id; NULL: searched one by one */
    const char *graph_dir;           /* where GRAPH finds the PNGs */
    struct report_keep_out keep_out; /* where REPORT may not write */
    const char *config_path;
    struct store *store;
    struct alerting *alerting;
    struct outbox *outbox;     /* NULL: none */
    struct reporter *reporter; /* NULL: none */
    unsigned collections_failed;
    int64_t now;                          /* the moment alerts are evaluated at */
    struct store_settings store_settings; /* for reading the journal as of a moment */
    struct offload *as_of_reads;          /* where that reading runs (a child); NULL: nowhere */
};

/* What the commands may ask of the daemon; `arg` is its context. */
struct commands_daemon {
    void *arg;
    void (*state)(void *arg, struct commands_state *out);
    /* -1 when the config has problems and the previous one keeps running */
    int (*reload)(void *arg);
    /* Collects `id` now; -1 when there is no such indicator. */
    int (*collect_now)(void *arg, const char *id);
    /* Checks the `n` indicators' sources against their metadata; `done`
     * runs from the loop once, unless verify_cancel comes first. Returns
     * the verification, or NULL when it could not start. */
    void *(*verify)(void *arg, const char *const *ids, size_t n, commands_verified_fn done,
                    void *done_arg);
    void (*verify_cancel)(void *arg, void *verification);
    /* Draws `id`'s graph as known at `as_of` in a child process; `done`
     * runs from the loop with the PNG's path (removed after it returns),
     * or NULL when it was not drawn. -1 when it could not start. */
    int (*graph_as_of)(void *arg, const char *id, int64_t as_of,
                       void (*done)(void *done_arg, const char *png), void *done_arg);
};

struct commands {
    struct commands_daemon daemon;
    struct commands_state state; /* the daemon's, as the request being answered found it */
    struct waiting_collect *waiting_collects; /* COLLECT requests not answered yet */
    struct waiting_verify *waiting_verifies;  /* VERIFY requests not answered yet */
    struct waiting_as_of *waiting_as_of;      /* as-of reads not answered yet */
};

/* The control socket's handler; `arg` is a struct commands. */
void commands_handle(void *arg, struct control_client *client, const struct control_request *r);
/* A collection of `id` ended: answers the COLLECT requests that waited for it. */
void commands_collected(struct commands *cmds, const char *id, bool ok, const char *error,
                        const struct ingest_summary *summary);
/* Answers what still waits (the daemon stops). */
void commands_abandon(struct commands *cmds);

#endif
