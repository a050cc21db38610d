/*
 * alert.h — one alert: an indicator's rule over time. It keeps its state
 * (OK / WARNING / CRITICAL / UNKNOWN), changes it only after the rule has
 * given the new state for `for` evaluations and duration, remembers since
 * when it fires (startsAt) and when it ended (endsAt), and its last
 * transitions.
 *
 * Sized by its content: the transitions (most alerts have none), the
 * description (a few hundred bytes, not a fixed kilobyte) and the labels
 * (one block of their text, some 100 bytes, not 16 fixed slots of 160)
 * are allocated, so an alert owns memory; alert_free releases it. A
 * struct label_set is the labels taken apart, for a while (routing, a
 * notice): alert_label_set gives one.
 *
 * Identity: the fingerprint is a hash of the identity labels (alertname,
 * indicator, pejlemaerke, rule, target, and the rule's own labels), not of
 * severity — a warning that becomes critical is the same alert, with the
 * same fingerprint and startsAt, so receivers can follow it.
 */
#ifndef PEJL_ALERT_H
#define PEJL_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include "rule.h"
#include "series.h"

#define ALERT_HISTORY_MAX 16
#define ALERT_LABELS_MAX 16
#define LABEL_NAME_MAX 32
#define LABEL_VALUE_MAX 128

struct label {
    char name[LABEL_NAME_MAX];
    char value[LABEL_VALUE_MAX];
};

struct label_set {
    size_t n;
    struct label items[ALERT_LABELS_MAX]; /* sorted by name */
};

struct alert_transition {
    int64_t at;
    enum alert_state from, to;
    char summary[ALERT_SUMMARY_MAX];
};

struct alert {
    char fingerprint[17];
    char indicator[INDICATOR_ID_MAX + 1];
    char rule[RULE_NAME_MAX];
    char *labels;                  /* identity labels plus severity, as last evaluated: */
    size_t labels_size, n_labels;  /* n_labels × "name\0value\0", sorted by name; owned */
    enum alert_state state;        /* the confirmed state */
    enum alert_state pending;      /* a different state the rule has been giving … */
    unsigned pending_count;        /* … this many evaluations in a row … */
    int64_t pending_since;         /* … since then */
    int64_t since;                 /* when `state` began */
    int64_t starts_at, ends_at;    /* of the current or last episode away from OK; 0: none */
    int64_t evaluated_at;          /* 0: never evaluated */
    int64_t last_notified;         /* 0: never (the notifiers of step 4 set it) */
    double value;                  /* the figure the rule read */
    char summary[ALERT_SUMMARY_MAX];
    char *description;                /* owned, < ALERT_DESCRIPTION_MAX bytes; NULL: none yet */
    struct alert_transition *history; /* oldest first; allocated, at most ALERT_HISTORY_MAX */
    size_t n_history;
    bool orphan;                   /* its rule is no longer in the config */
    bool dirty;                    /* changed since the last save (alert_ledger.h) */
};

/* The identity labels of a rule of an indicator, sorted; plus severity
 * for a state other than OK. */
void alert_labels(const struct indicator *indicator, const struct alert_rule *rule,
                  enum alert_state state, struct label_set *out);
/* The hash of the identity labels, 16 hex digits. */
void alert_fingerprint(const struct label_set *labels, char out[17]);
/* A fresh alert for a rule: OK, never evaluated. */
void alert_init(struct alert *a, const struct indicator *indicator, const struct alert_rule *rule);
/* Feeds one evaluation's result; true when the state changed.
 *
 * `for = N` counts collections: a new state must be seen after N
 * collections in a row (its first sighting counts, whatever caused the
 * evaluation). Evaluations by the clock (`collected` false: start-up,
 * evaluation_interval) can complete a `for` duration but add nothing to the
 * count, so a restart does not hurry an alert along. */
bool alert_step(struct alert *a, const struct indicator *indicator, const struct alert_rule *rule,
                const struct rule_result *result, int64_t now, bool collected);
/* Appends a transition, dropping the oldest past ALERT_HISTORY_MAX; NULL
 * without memory (the transition is then not remembered). */
struct alert_transition *alert_history_add(struct alert *a);
/* The description, "" when there is none yet. */
const char *alert_description(const struct alert *a);
/* Replaces the description with a copy of `text` (cut to fewer than
 * ALERT_DESCRIPTION_MAX bytes, at a character's end). -1 without memory:
 * the old one is kept. */
int alert_set_description(struct alert *a, const char *text);
/* The alert's labels taken apart into `out`. */
void alert_label_set(const struct alert *a, struct label_set *out);
/* Replaces the alert's labels with `set` (sorted by name); -1 without
 * memory: the old ones are kept. */
int alert_set_labels(struct alert *a, const struct label_set *set);
/* The value of the alert's label `name`, or NULL. */
const char *alert_label(const struct alert *a, const char *name);
/* Frees what `a` owns (its history, description and labels); an alert copied into a ledger is the
 * ledger's to free. */
void alert_free(struct alert *a);
/* Away from OK: firing (WARNING, CRITICAL) or without usable data (UNKNOWN). */
bool alert_active(const struct alert *a);
const char *alert_label_get(const struct label_set *labels, const char *name);

#endif
