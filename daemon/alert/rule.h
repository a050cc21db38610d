/*
 * rule.h — alert rules: what each one reads (an evaluation of a target,
 * the latest value, the age of the data, the collection record) and the
 * state it gives, OK / WARNING / CRITICAL / UNKNOWN, with a one-line
 * summary and the figures behind it in words, in the configured language
 * (rule_words.h).
 *
 * Pure functions, no I/O, no clock: the caller passes `now`. UNKNOWN means
 * "no usable data", never "target missed". Hysteresis lives here (a rule
 * leaves a bad state only when its figure is clear of the threshold by a
 * margin); holding for N evaluations lives in alert.c.
 */
#ifndef PEJL_RULE_H
#define PEJL_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evaluate.h"
#include "number_format.h" /* enum language */
#include "published.h"
#include "range.h"

struct indicator;

enum alert_state { ALERT_OK, ALERT_WARNING, ALERT_CRITICAL, ALERT_UNKNOWN };

enum rule_kind {
    RULE_PROGRESS,   /* the progress category of a target */
    RULE_PATH_GAP,   /* % against the target path */
    RULE_PROJECTION, /* projection against the target, % */
    RULE_BASELINE,   /* % against the baseline level */
    RULE_RANK,       /* rank among the panel */
    RULE_RANGE,      /* the latest value */
    RULE_STALE,      /* days since the latest period ended */
    RULE_COLLECT,    /* failed collections in a row */
    RULE_REVISION,   /* the largest revision in the latest collection, % */
    RULE_RECONCILE,  /* pejl's figure against a published one, % (the largest) */
    RULE_KINDS
};

#define RULE_NAME_MAX 16
#define ALERT_SUMMARY_MAX 256
#define ALERT_DESCRIPTION_MAX 1024
#define ALERT_ERROR_MAX 200

struct alert_label {
    char *name, *value;
};

struct alert_rule {
    enum rule_kind kind;
    int target;                /* index into the indicator's targets; -1 when none */
    struct range warning, critical;
    unsigned for_count;        /* hold for this many evaluations (default 1) … */
    int64_t for_s;             /* … and this long (default 0) before changing state */
    double hysteresis;         /* margin, in the unit of the rule's figure */
    struct alert_label *labels; /* extra labels from the config */
    size_t n_labels;
    char fingerprint[17];      /* of the identity labels, see alert.h */
    int line;
    bool provisional; /* revision: updates of provisional figures count too */
};

/* What the collections of an indicator did lately; kept by alerting.c. */
struct collection_record {
    unsigned consecutive_failures;
    int64_t last_attempt, last_success;
    char last_error[ALERT_ERROR_MAX];
    /* the largest revision of the last successful collection */
    double revision_pct; /* NAN: none */
    char revised_series[SERIES_KEY_MAX + 1];
    struct pejl_period revised_period;
    double revised_from, revised_to;
    /* the largest update of a figure provisional when first seen (not a
     * revision unless the rule says provisional = true); pct 0: none */
    struct figure_change provisional;
};

struct rule_input {
    const struct indicator *indicator;
    const struct stored_observation *latest; /* newest value of its own series; NULL: none */
    const struct evaluation *evaluations; /* one per target of the indicator */
    const struct collection_record *collection;
    int64_t now;
    const struct published_check *published; /* one per published figure of the indicator */
    size_t n_published;
    enum language language; /* of the summary and description (rule_words.h) */
};

struct rule_result {
    enum alert_state state;
    double value; /* the figure the rule read; NAN when none */
    char summary[ALERT_SUMMARY_MAX];
    char description[ALERT_DESCRIPTION_MAX];
};

/* Fills in a rule's default thresholds and margin where the config left
 * them out; `rule->kind` and `rule->target` must be set. */
void rule_defaults(struct alert_rule *rule, const struct indicator *indicator);
/* Checks `rule`; `current` is the alert's state now (for the hysteresis). */
void rule_check(const struct alert_rule *rule, const struct rule_input *in,
                enum alert_state current, struct rule_result *out);
/* Whether a rule kind reads a target, and of which kinds. */
bool rule_takes_target(enum rule_kind kind, enum target_kind target);
bool rule_needs_target(enum rule_kind kind);

const char *rule_kind_name(enum rule_kind kind);
int rule_kind_from_name(const char *name); /* -1 when unknown */
const char *alert_state_name(enum alert_state state); /* "OK", "WARNING", … */
int alert_state_from_name(const char *name);
/* "warning", "critical", "unknown", or "info" for revisions; NULL for OK. */
const char *alert_severity(enum rule_kind kind, enum alert_state state);
/* How bad a state is, for ordering: OK < UNKNOWN < WARNING < CRITICAL. */
int alert_state_rank(enum alert_state state);

#endif
