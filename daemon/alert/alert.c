/*
 * alert.c — an alert's labels, fingerprint and state machine (see alert.h).
 */
#include "alert.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indicator.h"
#include "fnv.h"
#include "utf8.h"

static void add(struct label_set *set, const char *name, const char *value)
{
    if (set->n == ALERT_LABELS_MAX)
        return; /* config.c allows fewer user labels than fit */
    struct label *l = &set->items[set->n++];
    snprintf(l->name, sizeof l->name, "%s", name);
    snprintf(l->value, sizeof l->value, "%s", value);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct label *)a)->name, ((const struct label *)b)->name);
}

void alert_labels(const struct indicator *ind, const struct alert_rule *rule,
                  enum alert_state state, struct label_set *out)
{
    char text[LABEL_VALUE_MAX];
    const char *severity = alert_severity(rule->kind, state);
    out->n = 0;
    snprintf(text, sizeof text, "pejl_%s", rule_kind_name(rule->kind));
    add(out, "alertname", text);
    add(out, "indicator", ind->id);
    if (ind->pejlemaerke > 0) {
        snprintf(text, sizeof text, "%d", ind->pejlemaerke);
        add(out, "pejlemaerke", text);
    }
    add(out, "rule", rule_kind_name(rule->kind));
    if (rule->target >= 0) {
        int year = ind->targets[rule->target].year;
        snprintf(text, sizeof text, "%d", year);
        add(out, "target", year ? text : "trend");
    }
    for (size_t i = 0; i < rule->n_labels; i++)
        add(out, rule->labels[i].name, rule->labels[i].value);
    if (severity)
        add(out, "severity", severity);
    qsort(out->items, out->n, sizeof *out->items, by_name);
}

void alert_fingerprint(const struct label_set *labels, char out[17])
{
    uint64_t h = FNV64_OFFSET;
    for (size_t i = 0; i < labels->n; i++) {
        const struct label *l = &labels->items[i];
        if (strcmp(l->name, "severity") == 0)
            continue; /* severity changes; the alert stays the same one */
        h = fnv1a(h, l->name, strlen(l->name) + 1);
        h = fnv1a(h, l->value, strlen(l->value) + 1);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

const char *alert_label_get(const struct label_set *labels, const char *name)
{
    for (size_t i = 0; i < labels->n; i++)
        if (strcmp(labels->items[i].name, name) == 0)
            return labels->items[i].value;
    return NULL;
}

/* ---- the labels an alert keeps ---- */

int alert_set_labels(struct alert *a, const struct label_set *set)
{
    char packed[ALERT_LABELS_MAX * (LABEL_NAME_MAX + LABEL_VALUE_MAX)];
    size_t size = 0;
    for (size_t i = 0; i < set->n; i++) {
        size_t name = strlen(set->items[i].name) + 1, value = strlen(set->items[i].value) + 1;
        memcpy(packed + size, set->items[i].name, name); /* each fits its slot: no overflow */
        memcpy(packed + size + name, set->items[i].value, value);
        size += name + value;
    }
    if (a->labels && a->n_labels == set->n && a->labels_size == size &&
        memcmp(a->labels, packed, size) == 0)
        return 0; /* as they were: most evaluations */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return -1;
    memcpy(copy, packed, size);
    free(a->labels);
    a->labels = copy;
    a->labels_size = size;
    a->n_labels = set->n;
    return 0;
}

void alert_label_set(const struct alert *a, struct label_set *out)
{
    const char *p = a->labels;
    out->n = 0;
    for (size_t i = 0; i < a->n_labels && i < ALERT_LABELS_MAX; i++) {
        struct label *l = &out->items[out->n++];
        size_t name = strlen(p) + 1, value = strlen(p + name) + 1;
        memcpy(l->name, p, name); /* packed from a label_set: each fits */
        memcpy(l->value, p + name, value);
        p += name + value;
    }
}

const char *alert_label(const struct alert *a, const char *name)
{
    const char *p = a->labels;
    for (size_t i = 0; i < a->n_labels; i++) {
        const char *value = p + strlen(p) + 1;
        if (strcmp(p, name) == 0)
            return value;
        p = value + strlen(value) + 1;
    }
    return NULL;
}

/* The labels of the rule in `state`, kept by the alert; without memory for
 * a change, the last ones stay (they differ at most in severity). */
static void relabel(struct alert *a, const struct indicator *ind, const struct alert_rule *rule,
                    enum alert_state state)
{
    struct label_set set;
    alert_labels(ind, rule, state, &set);
    alert_set_labels(a, &set);
}

void alert_init(struct alert *a, const struct indicator *ind, const struct alert_rule *rule)
{
    struct label_set set;
    *a = (struct alert){.state = ALERT_OK, .pending = ALERT_OK, .value = 0};
    snprintf(a->indicator, sizeof a->indicator, "%s", ind->id);
    snprintf(a->rule, sizeof a->rule, "%s", rule_kind_name(rule->kind));
    alert_labels(ind, rule, ALERT_OK, &set);
    alert_fingerprint(&set, a->fingerprint);
    alert_set_labels(a, &set); /* without memory, none: the fingerprint is what counts */
}

bool alert_active(const struct alert *a)
{
    return a->state != ALERT_OK;
}

struct alert_transition *alert_history_add(struct alert *a)
{
    if (a->n_history == ALERT_HISTORY_MAX) {
        memmove(a->history, a->history + 1, (ALERT_HISTORY_MAX - 1) * sizeof *a->history);
        a->n_history--;
    } else {
        struct alert_transition *grown =
            realloc(a->history, (a->n_history + 1) * sizeof *a->history);
        if (!grown)
            return NULL;
        a->history = grown;
    }
    struct alert_transition *t = &a->history[a->n_history++];
    *t = (struct alert_transition){0};
    return t;
}

void alert_free(struct alert *a)
{
    free(a->history);
    a->history = NULL;
    a->n_history = 0;
    free(a->description);
    a->description = NULL;
    free(a->labels);
    a->labels = NULL;
    a->labels_size = a->n_labels = 0;
}

const char *alert_description(const struct alert *a)
{
    return a->description ? a->description : "";
}

int alert_set_description(struct alert *a, const char *text)
{
    char *copy = strndup(text, ALERT_DESCRIPTION_MAX - 1);
    if (!copy)
        return -1;
    utf8_scrub(copy); /* cut perhaps inside a character */
    free(a->description);
    a->description = copy;
    return 0;
}

static void remember(struct alert *a, enum alert_state from, int64_t now)
{
    struct alert_transition *t = alert_history_add(a);
    if (!t)
        return; /* out of memory: the state changed all the same */
    *t = (struct alert_transition){.at = now, .from = from, .to = a->state};
    snprintf(t->summary, sizeof t->summary, "%s", a->summary);
}

static void transition(struct alert *a, enum alert_state to, int64_t now)
{
    enum alert_state from = a->state;
    a->state = to;
    a->since = now;
    if (from == ALERT_OK) {
        a->starts_at = now; /* a new episode */
        a->ends_at = 0;
    } else if (to == ALERT_OK) {
        a->ends_at = now;
    }
    remember(a, from, now);
}

bool alert_step(struct alert *a, const struct indicator *ind, const struct alert_rule *rule,
                const struct rule_result *r, int64_t now, bool collected)
{
    a->evaluated_at = now;
    a->value = r->value;
    snprintf(a->summary, sizeof a->summary, "%s", r->summary);
    utf8_scrub(a->summary); /* cut at the buffer's end, perhaps inside a character */
    if (strcmp(alert_description(a), r->description) != 0)
        alert_set_description(a, r->description); /* without memory: the last one stays */
    a->orphan = false;
    bool changed = false;
    if (r->state == a->state) {
        a->pending = a->state;
        a->pending_count = 0;
    } else {
        if (r->state != a->pending || a->pending_count == 0) {
            a->pending = r->state;
            a->pending_count = 0;
            a->pending_since = now;
        }
        if ((collected || a->pending_count == 0) && a->pending_count < UINT_MAX)
            a->pending_count++;
        if (a->pending_count >= rule->for_count && now - a->pending_since >= rule->for_s) {
            transition(a, r->state, now);
            a->pending = a->state;
            a->pending_count = 0;
            changed = true;
        }
    }
    relabel(a, ind, rule, a->state);
    return changed;
}
