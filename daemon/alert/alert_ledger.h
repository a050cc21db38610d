/*
 * alert_ledger.h — what alerting remembers across restarts, in one JSON
 * file in the state directory (STATE/alerts.json): every alert with its
 * state, pending change, startsAt/endsAt, last notification and recent
 * transitions; each indicator's collection record; the silences.
 *
 * Saved by write-temp, fsync, rename (atomic_file.h), so a crash leaves
 * the previous or the new file. A file that does not parse is refused
 * with its path and what is wrong in it, never silently replaced. Between
 * two such snapshots the changes go to a log beside it (alert_log.h); the
 * ledger keeps track of what changed (the touch functions) for it.
 *
 * Lookups (alert by fingerprint, collection by indicator, mark by
 * fingerprint and receiver) are hashed: the daemon looks up every alert of
 * every indicator each pass, so a scan would make a pass O(N²).
 */
#ifndef PEJL_ALERT_LEDGER_H
#define PEJL_ALERT_LEDGER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "silence.h"

#define ALERT_LEDGER_FORMAT "pejl-alerts 1"

struct collection_entry {
    char indicator[INDICATOR_ID_MAX + 1];
    struct collection_record record;
    bool dirty; /* changed since the last save */
};

/* What a receiver was last told about an alert. */
struct notify_mark {
    char fingerprint[17];
    char receiver[65];
    enum alert_state state;  /* OK: told it was resolved (or never told it fired) */
    int64_t at;              /* when it was queued for the receiver */
    int64_t starts_at;       /* of the episode it was told about */
    bool dirty;              /* changed since the last save */
};

/* An open-addressing hash of entry indexes (slot: index + 1, 0 empty). */
struct ledger_index {
    uint32_t *slots;
    size_t cap; /* a power of two, or 0 */
};

struct alert_ledger {
    struct alert *alerts;
    size_t n_alerts, cap_alerts;
    struct collection_entry *collections;
    size_t n_collections, cap_collections;
    struct silence *silences;
    size_t n_silences, cap_silences;
    struct notify_mark *marks;
    size_t n_marks, cap_marks;
    struct ledger_index by_fingerprint, by_indicator, by_mark;
    /* What changed since the last save: these entries (indexes), or so much
     * (an entry removed, the silences) that the whole file is rewritten. */
    size_t *dirty_alerts, n_dirty_alerts, cap_dirty_alerts;
    size_t *dirty_collections, n_dirty_collections, cap_dirty_collections;
    size_t *dirty_marks, n_dirty_marks, cap_dirty_marks;
    bool rewrite;
    uint64_t generation; /* of the snapshot, to tell its own log from an older one */
};

/* Reads `path` into an empty ledger; a missing file is an empty ledger. */
int alert_ledger_load(struct alert_ledger *l, const char *path, char *err, size_t errlen);
/* The same from text; `name` stands for the file in messages. */
int alert_ledger_parse(struct alert_ledger *l, const char *name, const char *text, size_t len,
                       char *err, size_t errlen);
int alert_ledger_save(const struct alert_ledger *l, const char *path, int64_t now, char *err,
                      size_t errlen);
void alert_ledger_free(struct alert_ledger *l);

struct alert *alert_ledger_find(const struct alert_ledger *l, const char *fingerprint);
/* Appends an alert (pointers into the ledger may move), taking over what it
 * owns (its history: the caller does not free it); NULL without memory. */
struct alert *alert_ledger_add(struct alert_ledger *l, const struct alert *a);
/* The collection record of an indicator, created empty when `create`. */
struct collection_record *alert_ledger_collection(struct alert_ledger *l, const char *indicator,
                                                  bool create);
int alert_ledger_add_silence(struct alert_ledger *l, const struct silence *s);
/* The mark of (fingerprint, receiver), created (state OK, never) when `create`. */
struct notify_mark *alert_ledger_mark(struct alert_ledger *l, const char *fingerprint,
                                      const char *receiver, bool create);
/* Drops silences that ended; returns how many. */
size_t alert_ledger_expire_silences(struct alert_ledger *l, int64_t now);

/* Tells the ledger an entry changed, to be saved at the next save. */
void alert_ledger_touch(struct alert_ledger *l, const struct alert *a);
void alert_ledger_touch_collection(struct alert_ledger *l, const char *indicator);
void alert_ledger_touch_mark(struct alert_ledger *l, const struct notify_mark *m);
/* Entries were removed or the silences changed: the next save rewrites
 * the whole file. */
void alert_ledger_rewrite(struct alert_ledger *l);
/* After entries were removed from the arrays: rebuilds the hashes (and
 * asks for a rewrite). -1 without memory (lookups then fall back to scans). */
int alert_ledger_reindex(struct alert_ledger *l);
bool alert_ledger_changed(const struct alert_ledger *l);
/* Forgets what changed: it was saved. */
void alert_ledger_saved(struct alert_ledger *l);

json_t *alert_to_json(const struct alert *a);
json_t *silence_to_json(const struct silence *s);
json_t *alert_ledger_collection_json(const struct collection_record *c);
json_t *alert_ledger_mark_json(const struct notify_mark *m);
/* Log records (alert_log.c) read with the snapshot's rules: an alert, a
 * collection record or a mark replaces the ledger's entry of the same key
 * (or is added); `silences` replaces them all. -1 with err naming `name`. */
int alert_ledger_apply(struct alert_ledger *l, const char *name, json_t *record, char *err,
                       size_t errlen);

/* A glance for the status table (`pejld --status`): of each alert only
 * fingerprint, indicator, rule, state, since, starts_at, ends_at,
 * evaluated_at, summary and orphan (no labels, description, history,
 * collection records or marks), and the silences; read from snapshot text
 * into the empty ledger `l` without a JSON tree of it. -1 when the text is
 * not as pejld writes it (l is then empty): read it in full, which says
 * what is wrong. A glanced ledger is for reading; it is never saved. */
int alert_ledger_glance(struct alert_ledger *l, const char *name, const char *text, size_t len);
/* A log record (without its CRC) over a glanced ledger; -1 as above. */
int alert_ledger_glance_record(struct alert_ledger *l, const char *text, size_t len);

#endif
