/*
 * reporter.h — the scheduled report: every day at `report.at` (UTC) a
 * child process writes the report folder (report.h) from the daemon's
 * state as it is, so the event loop never waits for the graphs. One
 * report at a time; a run that is still going when the next is due is
 * skipped with a warning.
 */
#ifndef PEJL_REPORTER_H
#define PEJL_REPORTER_H

#include <stdbool.h>
#include <stdint.h>

#include "alerting.h"
#include "config.h"
#include "loop.h"
#include "store.h"

struct reporter;

/* `config` points at the daemon's current-config pointer, so a reload is seen. */
struct reporter *reporter_new(struct loop *loop, struct config *const *config, struct store *store,
                              struct alerting *const *alerting);
void reporter_free(struct reporter *r);
/* (Re)arms the timer for the next report.at; nothing when no report is configured. */
void reporter_schedule(struct reporter *r);
/* Writes a report into `dir` now (pejlctl report); `done` is told the outcome
 * when the child ends. -1 when one is being written already. */
int reporter_run_now(struct reporter *r, const char *dir, void (*done)(void *arg, bool ok),
                     void *arg);
/* Seconds from `now` to the next `minute` of the day (UTC), 1..86400. */
int64_t reporter_delay_s(int64_t now, int minute);

#endif
