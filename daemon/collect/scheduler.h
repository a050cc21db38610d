/*
 * scheduler.h — when each indicator is collected.
 *
 * Each indicator runs every `interval`, spread by ±10 % jitter so that many
 * indicators of one source do not hit it at the same second. An indicator
 * whose previous collection is still running is skipped, never run twice
 * at once. The scheduler knows ids and intervals only; what a run does is
 * the start callback's business.
 */
#ifndef PEJL_SCHEDULER_H
#define PEJL_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include "indicator.h"
#include "loop.h"

struct scheduler;

/* Starts a collection of `id`; returns 0, or -1 when it could not start. */
typedef int (*scheduler_start_fn)(void *arg, const char *id);

struct scheduler *scheduler_new(struct loop *loop, scheduler_start_fn start, void *arg);
void scheduler_free(struct scheduler *s);

/* Follows the indicators of a (re)loaded config: new ones are scheduled to start within
 * `first_within_ms`, removed ones are dropped, changed intervals apply from
 * the next run. -1 when an indicator could not be scheduled (out of
 * memory; logged): it is tried again at the next sync and whenever a
 * collection finishes. */
int scheduler_sync(struct scheduler *s, const struct indicator *indicators, size_t n_indicators,
                   int64_t first_within_ms);
/* Collects `id` as soon as possible (once more after the current run if
 * one is running); its regular interval follows from then. -1: unknown id,
 * or no timer for it (out of memory; logged, and tried again as for sync). */
int scheduler_run_now(struct scheduler *s, const char *id);
/* Marks `id`'s collection as finished. */
void scheduler_finished(struct scheduler *s, const char *id);
bool scheduler_running(const struct scheduler *s, const char *id);
/* Jittered delay for `interval_s`, in milliseconds. */
int64_t scheduler_jitter_ms(int64_t interval_s);

#endif
