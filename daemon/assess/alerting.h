/*
 * alerting.h — the alerts of pejld: after every collection, at start-up
 * and every evaluation_interval, each indicator's rules are checked and
 * its alerts stepped; the collection records (failures in a row, the last
 * revision) are kept for the collect and revision rules; everything is
 * remembered in STATE/alerts.json and STATE/alerts.log (alert_log.h): once
 * per loop pass, only when something changed, only what changed.
 *
 * A restart restores the alerts as they were: an unchanged condition
 * neither loses its alert nor raises a new one (same fingerprint, same
 * startsAt). Alerts whose rule left the config are resolved and kept for
 * a week, so the notifiers (step 4) can tell the receivers.
 */
#ifndef PEJL_ALERTING_H
#define PEJL_ALERTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert_ledger.h"
#include "indicator.h"
#include "store.h"

struct alerting;

/* Reads STATE/alerts.json and replays STATE/alerts.log over it (none yet is
 * fine); writes nothing; NULL with err when unreadable. */
struct alerting *alerting_open(const char *state_dir, char *err, size_t errlen);
/* The same for the status table only (alert_log_glance: each alert's state,
 * times, summary; the silences), read without a JSON tree of the whole
 * state; read in full when a glance cannot be had. Never saved. */
struct alerting *alerting_open_view(const char *state_dir, char *err, size_t errlen);
void alerting_free(struct alerting *al);

/* Follows the rules of the config's `n_indicators` (at start and at each
 * reload): creates alerts for new rules; resolves and marks those whose
 * rule went away. Nothing of `indicators` is kept. */
void alerting_use_indicators(struct alerting *al, const struct indicator *indicators,
                             size_t n_indicators, int64_t now);
/* The language of summaries and descriptions from the next evaluation on
 * (Danish until told; at start and at each reload). Text is not identity:
 * a new language rewrites the words of the alerts, raises none and tells
 * no receiver anything it has not been told. */
void alerting_use_language(struct alerting *al, enum language language);
/* A collection of `indicator` ended: stored (with its summary) or failed. */
void alerting_collected(struct alerting *al, const char *indicator, bool ok, const char *error,
                        const struct ingest_summary *summary, int64_t now);
/* Checks the rules of one indicator (NULL: all of `indicators`) after a
 * collection of its data (`collected`) or by the clock; returns how many
 * alerts changed state. */
size_t alerting_evaluate(struct alerting *al, const struct indicator *indicators,
                         size_t n_indicators, const struct store *store, const char *indicator,
                         int64_t now, bool collected);
/* Writes the file when something changed since the last save. */
int alerting_save(struct alerting *al, int64_t now);

const struct alert_ledger *alerting_ledger(const struct alerting *al);
/* For the notifier, which keeps its marks there: what it changes it must
 * touch (alert_ledger_touch*) to have it saved at the next alerting_save. */
struct alert_ledger *alerting_ledger_for_update(struct alerting *al);
bool alerting_silenced(const struct alerting *al, const struct alert *a, int64_t now);
/* What the collections of `indicator` did lately; NULL when never collected. */
const struct collection_record *alerting_collection(const struct alerting *al, const char *indicator);
int alerting_add_silence(struct alerting *al, const struct silence *s);
/* Ends silence `id` at once; -1 when there is none. */
int alerting_remove_silence(struct alerting *al, const char *id);
/* The worst alert of `ind` that concerns its target `target` or no target. */
const struct alert *alerting_worst(const struct alerting *al, const struct indicator *ind,
                                   int target);
/* The alerts away from OK (not those of rules gone from the config), each
 * as the ledger keeps it with `silenced`, as a JSON array: pejlctl alerts
 * --json and /api/v1/alerts. -1 when a write failed. */
int alerting_print_json(FILE *out, const struct alerting *al, int64_t now);

#endif
