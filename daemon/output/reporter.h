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
#include "loop.h"
#include "report.h"
#include "store.h"

struct reporter;

/* What the scheduled report needs of the config (borrowed from it). */
struct reporter_settings {
    struct report_settings report;
    const char *dir; /* report = { directory = …; }; NULL: no scheduled report */
    int minute;      /* report.at, of the day, UTC */
    bool svg;
    bool snapshot;               /* report.snapshot: each report names its moment */
    struct store_settings store; /* where a report as of a moment reads the journal */
};

/* `settings` is copied; what it points to must stay valid until the next
 * reporter_use_settings() (a reload) or reporter_free(). */
struct reporter *reporter_new(struct loop *loop, const struct reporter_settings *settings,
                              struct store *store, struct alerting *const *alerting);
void reporter_free(struct reporter *r);
/* A reload: reports from now on follow `settings` (copied, as above);
 * reporter_schedule() then re-arms the timer. */
void reporter_use_settings(struct reporter *r, const struct reporter_settings *settings);
/* (Re)arms the timer for the next report.at; nothing when no report is configured. */
void reporter_schedule(struct reporter *r);
/* Writes a report into `dir` now (pejlctl report); `done` is told the outcome
 * when the child ends. -1 when one is being written already. */
int reporter_run_now(struct reporter *r, const char *dir, void (*done)(void *arg, bool ok),
                     void *arg);
/* The same as known at `as_of` (0: now): the child reads the journal up to
 * then (store_read_as_of) and draws from RRD files of its own. */
int reporter_run_as_of(struct reporter *r, const char *dir, int64_t as_of,
                       void (*done)(void *arg, bool ok), void *arg);
/* The same with --compare-to: the report begins with what changed since
 * `compare_to` (a snapshot's `name`, or NULL) and its graphs carry the
 * series as known then (report_since.h). */
int reporter_run_compared(struct reporter *r, const char *dir, int64_t as_of, int64_t compare_to,
                          const char *name, void (*done)(void *arg, bool ok), void *arg);
/* Seconds from `now` to the next `minute` of the day (UTC), 1..86400. */
int64_t reporter_delay_s(int64_t now, int minute);

#endif
