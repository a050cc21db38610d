/*
 * alert_ledger.h — what alerting remembers across restarts, in one JSON
 * file in the state directory (STATE/alerts.json): every alert with its
 * state, pending change, startsAt/endsAt, last notification and recent
 * transitions; each indicator's collection record; the silences.
 *
 * Saved by write-temp, fsync, rename (atomic_file.h), so a crash leaves
 * the previous or the new file. A file that does not parse is refused
 * with its path and what is wrong in it, never silently replaced.
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
};

/* What a receiver was last told about an alert. */
struct notify_mark {
    char fingerprint[17];
    char receiver[65];
    enum alert_state state;  /* OK: told it was resolved (or never told it fired) */
    int64_t at;              /* when it was queued for the receiver */
    int64_t starts_at;       /* of the episode it was told about */
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
/* Appends an alert (pointers into the ledger may move); NULL without memory. */
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

json_t *alert_to_json(const struct alert *a);
json_t *silence_to_json(const struct silence *s);

#endif
