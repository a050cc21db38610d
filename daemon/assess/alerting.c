/*
 * alerting.c — checking rules, stepping alerts, remembering them
 * (see alerting.h).
 */
#include "alerting.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_log.h"
#include "assess.h"
#include "log.h"
#include "name_index.h"

#define ORPHAN_KEEP_S (7 * 86400)

/* What changed is tracked by the ledger itself (alert_ledger_touch*), so
 * that the log gets only the entries that changed. */
struct alerting {
    struct alert_log *log;
    struct alert_ledger ledger;
    enum language language; /* of summaries and descriptions */
};

struct alerting *alerting_open(const char *state_dir, char *err, size_t errlen)
{
    struct alerting *al = calloc(1, sizeof *al);
    char *snapshot = NULL, *log = NULL;
    if (!al || asprintf(&snapshot, "%s/alerts.json", state_dir) < 0 ||
        asprintf(&log, "%s/alerts.log", state_dir) < 0) {
        free(al);
        free(snapshot);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    al->log = alert_log_open(&al->ledger, snapshot, log, err, errlen);
    free(snapshot);
    free(log);
    if (!al->log) {
        alerting_free(al);
        return NULL;
    }
    return al;
}

struct alerting *alerting_open_view(const char *state_dir, char *err, size_t errlen)
{
    struct alerting *al = calloc(1, sizeof *al);
    char *snapshot = NULL, *log = NULL;
    if (al && asprintf(&snapshot, "%s/alerts.json", state_dir) >= 0 &&
        asprintf(&log, "%s/alerts.log", state_dir) >= 0 &&
        alert_log_glance(&al->ledger, snapshot, log) == 0) {
        free(snapshot);
        free(log);
        return al; /* al->log NULL: never saved */
    }
    free(al);
    free(snapshot);
    free(log);
    return alerting_open(state_dir, err, errlen);
}

void alerting_free(struct alerting *al)
{
    if (!al)
        return;
    alert_ledger_free(&al->ledger);
    alert_log_close(al->log);
    free(al);
}

void alerting_use_language(struct alerting *al, enum language language)
{
    al->language = language; /* the words change at the next evaluation; the alerts do not */
}

const struct alert_ledger *alerting_ledger(const struct alerting *al)
{
    return &al->ledger;
}

struct alert_ledger *alerting_ledger_for_update(struct alerting *al)
{
    return &al->ledger; /* what the caller changes, it touches */
}

/* The rule of alert `a` among its indicator's (found in `by_id`, the
 * indicators by id), or NULL when the config no longer has it. */
static const struct alert_rule *rule_of(const struct name_index *by_id, const struct alert *a,
                                        const struct indicator **ind)
{
    *ind = name_index_get(by_id, a->indicator);
    for (size_t i = 0; *ind && i < (*ind)->n_rules; i++)
        if (strcmp((*ind)->rules[i].fingerprint, a->fingerprint) == 0)
            return &(*ind)->rules[i];
    return NULL;
}

/* An alert whose rule is gone: resolved, kept a while for the notifiers. */
static void orphan(struct alerting *al, struct alert *a, int64_t now)
{
    if (!a->orphan || alert_active(a))
        alert_ledger_touch(&al->ledger, a);
    if (!a->orphan)
        log_info("alert %s/%s (%s): its rule is no longer configured%s", a->indicator, a->rule,
                 a->fingerprint, alert_active(a) ? "; resolved" : "");
    a->orphan = true;
    if (alert_active(a)) {
        struct alert_transition *t = alert_history_add(a);
        if (t) {
            *t = (struct alert_transition){.at = now, .from = a->state, .to = ALERT_OK};
            snprintf(t->summary, sizeof t->summary, "its rule is no longer configured");
        }
        a->state = a->pending = ALERT_OK;
        a->since = a->ends_at = now;
    }
}

/* Marks of alerts that are gone; the outbox-full notice (indicator-less) stays. */
static void drop_stray_marks(struct alerting *al)
{
    struct alert_ledger *l = &al->ledger;
    size_t kept = 0;
    for (size_t i = 0; i < l->n_marks; i++)
        if (alert_ledger_find(l, l->marks[i].fingerprint) || l->marks[i].state != ALERT_OK)
            l->marks[kept++] = l->marks[i];
    bool dropped = kept != l->n_marks;
    l->n_marks = kept;
    if (dropped && alert_ledger_reindex(l) < 0)
        log_err("out of memory for the alert hashes; lookups scan");
}

static void drop_old_orphans(struct alerting *al, int64_t now)
{
    size_t kept = 0;
    for (size_t i = 0; i < al->ledger.n_alerts; i++) {
        const struct alert *a = &al->ledger.alerts[i];
        if (!a->orphan || now - (a->ends_at ? a->ends_at : a->evaluated_at) <= ORPHAN_KEEP_S)
            al->ledger.alerts[kept++] = *a;
        else
            alert_free(&al->ledger.alerts[i]);
    }
    bool dropped = kept != al->ledger.n_alerts;
    al->ledger.n_alerts = kept;
    if (dropped && alert_ledger_reindex(&al->ledger) < 0)
        log_err("out of memory for the alert hashes; lookups scan");
    drop_stray_marks(al);
}

void alerting_use_indicators(struct alerting *al, const struct indicator *indicators,
                             size_t n_indicators, int64_t now)
{
    /* Every alert looks up its indicator: by a hash, not a scan of the
     * catalogue per alert. Without memory for it, no alert is orphaned. */
    struct name_index by_id = {0};
    bool indexed = true;
    for (size_t i = 0; indexed && i < n_indicators; i++)
        indexed = !indicators[i].id ||
                  name_index_put(&by_id, indicators[i].id, (void *)&indicators[i]) == 0;
    for (size_t i = 0; indexed && i < al->ledger.n_alerts; i++) {
        const struct indicator *ind;
        if (!rule_of(&by_id, &al->ledger.alerts[i], &ind))
            orphan(al, &al->ledger.alerts[i], now);
    }
    if (!indexed)
        log_err("out of memory: alerts of indicators no longer configured are kept as they are");
    name_index_clear(&by_id);
    for (size_t i = 0; i < n_indicators; i++) {
        const struct indicator *ind = &indicators[i];
        for (size_t k = 0; k < ind->n_rules; k++) {
            struct alert fresh;
            if (alert_ledger_find(&al->ledger, ind->rules[k].fingerprint))
                continue;
            alert_init(&fresh, ind, &ind->rules[k]);
            if (!alert_ledger_add(&al->ledger, &fresh)) {
                log_err("%s: out of memory for its %s alert", ind->id,
                        rule_kind_name(ind->rules[k].kind));
                alert_free(&fresh); /* its labels */
            }
        }
    }
    drop_old_orphans(al, now);
}

void alerting_collected(struct alerting *al, const char *indicator, bool ok, const char *error,
                        const struct ingest_summary *sum, int64_t now)
{
    struct collection_record *c = alert_ledger_collection(&al->ledger, indicator, true);
    if (!c)
        return;
    c->last_attempt = now;
    if (!ok) {
        if (c->consecutive_failures < UINT_MAX)
            c->consecutive_failures++;
        snprintf(c->last_error, sizeof c->last_error, "%s", error ? error : "failed");
    } else {
        c->consecutive_failures = 0;
        c->last_success = now;
        c->last_error[0] = '\0';
        c->revision_pct = sum && sum->revision_pct > 0 ? sum->revision_pct : NAN;
        if (!isnan(c->revision_pct)) {
            snprintf(c->revised_series, sizeof c->revised_series, "%s", sum->revised_series);
            c->revised_period = sum->revised_period;
            c->revised_from = sum->revised_from;
            c->revised_to = sum->revised_to;
        }
        c->provisional = sum ? sum->provisional : (struct figure_change){0};
    }
    alert_ledger_touch_collection(&al->ledger, indicator);
}

static void log_transition(const struct alert *a, enum alert_state from)
{
    const struct alert_transition *t = &a->history[a->n_history - 1];
    bool worse = alert_state_rank(a->state) > alert_state_rank(from) && a->state != ALERT_UNKNOWN;
    char name[INDICATOR_ID_MAX + RULE_NAME_MAX + 2];
    snprintf(name, sizeof name, "%s/%s", a->indicator, a->rule);
    struct log_fields fields = {.indicator = a->indicator, .alert = name,
                                .fingerprint = a->fingerprint, .event = "alert"};
    log_with(worse ? LOG_LEVEL_WARNING : LOG_LEVEL_INFO, &fields, "alert %s %s -> %s (%s): %s", a->rule,
             alert_state_name(from), alert_state_name(a->state), a->fingerprint, t->summary);
}

static size_t evaluate_one(struct alerting *al, const struct indicator *ind,
                           const struct store *store, int64_t now, bool collected)
{
    struct evaluation *evals = calloc(ind->n_targets + 1, sizeof *evals);
    struct published_check *published = calloc(ind->n_published + 1, sizeof *published);
    size_t changes = 0;
    if (!evals || !published) {
        log_err("%s: out of memory for evaluating its alerts", ind->id);
        free(evals);
        free(published);
        return 0;
    }
    struct rule_input in = {.indicator = ind,
                            .evaluations = evals,
                            .now = now,
                            .collection = alert_ledger_collection(&al->ledger, ind->id, false),
                            .published = published,
                            .n_published = ind->n_published,
                            .language = al->language};
    in.latest = assess(ind, store, now, evals);
    assess_published(ind, store, published);
    if (!in.latest && (!in.collection || !in.collection->last_attempt)) {
        free(evals); /* not collected yet: pending, not unknown */
        free(published);
        return 0;
    }
    for (size_t k = 0; k < ind->n_rules; k++) {
        const struct alert_rule *rule = &ind->rules[k];
        struct alert *a = alert_ledger_find(&al->ledger, rule->fingerprint);
        struct rule_result result;
        if (!a)
            continue; /* out of memory in alerting_use_indicators; logged there */
        enum alert_state from = a->state, pending = a->pending;
        rule_check(rule, &in, a->state, &result);
        bool same_words = strcmp(a->summary, result.summary) == 0;
        if (alert_step(a, ind, rule, &result, now, collected)) {
            log_transition(a, from);
            changes++;
        }
        if (!same_words || a->pending != pending || a->state != from)
            alert_ledger_touch(&al->ledger, a);
    }
    free(evals);
    free(published);
    return changes;
}

size_t alerting_evaluate(struct alerting *al, const struct indicator *indicators,
                         size_t n_indicators, const struct store *store, const char *indicator,
                         int64_t now, bool collected)
{
    size_t changes = 0;
    for (size_t i = 0; i < n_indicators; i++)
        if (!indicator || strcmp(indicators[i].id, indicator) == 0)
            changes += evaluate_one(al, &indicators[i], store, now, collected);
    alert_ledger_expire_silences(&al->ledger, now); /* a rewrite when one ended */
    return changes;
}

int alerting_save(struct alerting *al, int64_t now)
{
    char err[512];
    if (!al->log) {
        log_err("alert state not saved: it was opened for viewing (alerting_open_view)");
        return -1;
    }
    if (alert_log_save(al->log, &al->ledger, now, err, sizeof err) < 0) {
        log_err("alert state not saved: %s; it is kept in memory and saved at the next change",
                err);
        return -1;
    }
    return 0;
}

const struct collection_record *alerting_collection(const struct alerting *al, const char *indicator)
{
    /* not created (false): the ledger is not changed */
    return alert_ledger_collection((struct alert_ledger *)&al->ledger, indicator, false);
}

bool alerting_silenced(const struct alerting *al, const struct alert *a, int64_t now)
{
    for (size_t i = 0; i < al->ledger.n_silences; i++)
        if (silence_matches(&al->ledger.silences[i], a, now))
            return true;
    return false;
}

int alerting_add_silence(struct alerting *al, const struct silence *s)
{
    return alert_ledger_add_silence(&al->ledger, s); /* a rewrite */
}

int alerting_remove_silence(struct alerting *al, const char *id)
{
    struct alert_ledger *l = &al->ledger;
    for (size_t i = 0; i < l->n_silences; i++)
        if (strcmp(l->silences[i].id, id) == 0) {
            memmove(l->silences + i, l->silences + i + 1, (l->n_silences - i - 1) * sizeof *l->silences);
            l->n_silences--;
            alert_ledger_rewrite(l);
            return 0;
        }
    return -1;
}

const struct alert *alerting_worst(const struct alerting *al, const struct indicator *ind,
                                   int target)
{
    const struct alert *worst = NULL;
    for (size_t k = 0; k < ind->n_rules; k++) {
        const struct alert_rule *rule = &ind->rules[k];
        const struct alert *a = alert_ledger_find(&al->ledger, rule->fingerprint);
        if (!a || (rule->target >= 0 && rule->target != target))
            continue;
        if (!worst || alert_state_rank(a->state) > alert_state_rank(worst->state))
            worst = a;
    }
    return worst;
}

int alerting_print_json(FILE *out, const struct alerting *al, int64_t now)
{
    const struct alert_ledger *l = alerting_ledger(al);
    json_t *list = json_array();
    for (size_t i = 0; i < l->n_alerts; i++) {
        const struct alert *a = &l->alerts[i];
        if (!alert_active(a) || a->orphan)
            continue;
        json_t *o = alert_to_json(a);
        json_object_set_new(o, "silenced", json_boolean(alerting_silenced(al, a, now)));
        json_array_append_new(list, o);
    }
    int rc = json_dumpf(list, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(list);
    return rc;
}
