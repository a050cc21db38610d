/*
 * commands.h — what the control socket can ask of pejld (pejlctl's
 * commands): STATUS, ALERTS, SILENCE, UNSILENCE, SILENCES, RELOAD, METRICS,
 * COLLECT, GRAPH and HELP. Each answers from the daemon's state as it is;
 * COLLECT answers when the collections it started are done.
 */
#ifndef PEJL_COMMANDS_H
#define PEJL_COMMANDS_H

#include <stdbool.h>

#include "control.h"
#include "store.h"

struct pejld;

/* The control socket's handler; `arg` is the daemon's context. */
void commands_handle(void *arg, struct control_client *client, const struct control_request *r);
/* A collection of `id` ended: answers the COLLECT requests that waited for it. */
void commands_collected(struct pejld *d, const char *id, bool ok, const char *error,
                        const struct ingest_summary *summary);
/* Answers what still waits (the daemon stops). */
void commands_abandon(struct pejld *d);

#endif
