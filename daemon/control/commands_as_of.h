/*
 * commands_as_of.h — the control commands of "what did we know then"
 * (issue 16): the as-of argument STATUS, REPORT and GRAPH take
 * ("as-of=TIME", TIME a date, an RFC 3339 time or a snapshot's name),
 * SNAPSHOT NAME [TIME] and REVISIONS ID [period=P] [json].
 *
 * REVISIONS is answered by pejld, not by pejlctl reading the journal: the
 * state directory is pejl's (0750), the control socket is already the way
 * in for whoever may ask, and pejlctl stays a thin client that links no
 * journal code. The journal is read once per request, read-only (as
 * pejld --status reads it), in a child process (state.as_of_reads,
 * offload.h) whose reply the loop passes on: a large state (bench/asof:
 * ~0.6 s at 1.2 million records) never pauses the daemon. The reply is
 * deferred; a client that hangs up meanwhile has its child killed
 * (control_on_hangup); a request beyond the reads allowed at once is answered
 * "busy: … try again".
 *
 * Private to daemon/control: commands.c calls it.
 */
#ifndef PEJL_COMMANDS_AS_OF_H
#define PEJL_COMMANDS_AS_OF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "commands.h"

/* Whether `word` is an option word ("json", "as-of=…", "period=…") rather
 * than an argument such as an indicator id. */
bool commands_option_word(const char *word);
/* The moment of r's "as-of=TIME" word in *as_of (0 when there is none).
 * -1 when TIME does not resolve: the client has been answered then. */
int commands_as_of(const struct commands_state *d, struct control_client *c,
                   const struct control_request *r, int64_t *as_of);
/* SNAPSHOT NAME [TIME]: saves NAME for TIME, default now. */
void commands_snapshot(struct commands *cmds, struct control_client *c,
                       const struct control_request *r);
/* REVISIONS ID [period=P] [as-of=TIME] [json]: every value of each period. */
void commands_revisions(struct commands *cmds, struct control_client *c,
                        const struct control_request *r);
/* STATUS [ID] [json] as-of=TIME: the table (one indicator's rows) as known
 * at `as_of`, read in a child; `c` is answered when it is done. */
void commands_status_as_of(struct commands *cmds, struct control_client *c, const char *id,
                           int64_t as_of, bool json);
/* The daemon stops: what waits for a child is answered so, the child killed. */
void commands_as_of_abandon(struct commands *cmds);

/* The status table (commands.c) from `store`, evaluated at `now`, with
 * `alerting`'s alerts (NULL: none); one indicator's rows when `id` is set.
 * -1 when out of memory. */
int commands_status_write(FILE *out, const struct commands_state *d, const struct store *store,
                          const struct alerting *alerting, int64_t now, const char *id, bool json);

#endif
