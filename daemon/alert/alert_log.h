/*
 * alert_log.h — the alert state on disk, written by group commit: a
 * snapshot (STATE/alerts.json, alert_ledger.h) and a log of what changed
 * since (STATE/alerts.log), appended once per loop pass that changed
 * something. It may use core and the ledger; it never decides what an
 * alert is, only where it is kept.
 *
 * Why a log: a collection changes one indicator's collection record and at
 * most its few alerts, but the ledger holds every alert of the catalogue.
 * Rewriting the whole snapshot per pass made each collection cost O(N)
 * (O(N²) for a catalogue); appending the changed entries costs what
 * changed. The log is folded into a fresh snapshot when it has grown past
 * the snapshot's size (at least 64 KiB), so the bytes written stay within
 * about twice the bytes changed, and start-up reads at most twice the
 * snapshot. Per-indicator files were the other choice: a file and a
 * rename per collection, and no single place for marks and silences.
 *
 * The log, line by line:
 *   pejl-alerts-log 1 GENERATION
 *   {"alert": {...}} CRC             an alert as it is now (replaces it)
 *   {"collection": ID, "record": {...}} CRC
 *   {"mark": {...}} CRC              what a receiver was told
 *   @commit COUNT CRC                the COUNT records above are one pass
 * CRC is the CRC-32 of the line before it, 8 hex digits, as in the
 * journal's format 2. A pass counts when its commit line is on disk
 * (fdatasync); records after the last commit, and one torn line at the
 * end, are what a kill -9 leaves: dropped with a warning, nothing
 * committed is lost. A damaged line followed by intact ones is not what
 * a crash leaves, and is refused like a damaged snapshot.
 *
 * Silences and removals (orphans dropped, stray marks) are rare: they
 * rewrite the snapshot. The snapshot names its generation and the log the
 * generation it continues; a compaction writes the snapshot (generation
 * + 1) first and then a fresh log, so a crash in between leaves a log of
 * the old generation, which is ignored, for the snapshot holds it all.
 * An alerts.json of pejl before the log (no generation, no log) loads as
 * it is and is upgraded in place at the first save.
 */
#ifndef PEJL_ALERT_LOG_H
#define PEJL_ALERT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_ledger.h"

#define ALERT_LOG_HEADER "pejl-alerts-log 1 "

struct alert_log;

/* Reads the snapshot `snapshot` and replays the log `log` over it into the
 * empty ledger `l`; none of either is fine. NULL with err when refused. */
struct alert_log *alert_log_open(struct alert_ledger *l, const char *snapshot, const char *log,
                                 char *err, size_t errlen);
/* Writes what changed in `l` since the last save: appended to the log, or
 * a new snapshot; nothing when nothing changed. -1 with err: nothing of it
 * counts, and the changes stay for the next save. */
int alert_log_save(struct alert_log *g, struct alert_ledger *l, int64_t now, char *err,
                   size_t errlen);
/* The same for the status table: a glance (alert_ledger_glance) at the
 * snapshot and at the log's committed records, into the empty ledger `l`,
 * which is for reading only. -1 when either is not as pejld writes it, or
 * cannot be read (l is then empty): alert_log_open says what is wrong. */
int alert_log_glance(struct alert_ledger *l, const char *snapshot, const char *log);
void alert_log_close(struct alert_log *g);
/* Bytes written (snapshots and log) since open: for tests and benchmarks. */
uint64_t alert_log_written(const struct alert_log *g);

/* Replays log text (header included) over `l`, which holds the snapshot of
 * `generation`. *end: the bytes that count (the rest is an unfinished
 * pass or a torn line, *dropped records of it); *stale: the log belongs to
 * an older snapshot and was not applied. -1 with err naming `name`. */
int alert_log_replay(struct alert_ledger *l, const char *name, const char *text, size_t len,
                     size_t *end, size_t *dropped, bool *stale, char *err, size_t errlen);

#endif
