/*
 * config_alerts.c — an indicator's alert rules in pejld.conf:
 *
 *   alerts = ( { rule = "progress"; target = 2030; for = 2; },
 *              { rule = "range"; warning = "300:"; critical = "250:"; for = "7d"; },
 *              { rule = "stale"; labels = { team = "analysis"; }; } );
 *
 * Without `alerts`, an indicator gets progress on each target, stale,
 * collect and revision, with their defaults (rule.c); `alerts = ()` turns
 * alerting off. A target rule without `target` applies to every target of
 * a kind it can read.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "array.h"
#include "config_loader.h"

#define USER_LABELS_MAX 8

static const char *const rule_keys[] = {"rule", "target", "warning", "critical", "for",
                                        "hysteresis", "labels", "provisional", "threshold",
                                        NULL};
/* The labels pejl sets, and `fingerprint`, which /metrics puts beside them
 * (a rule's label of that name would repeat it in pejl_alert_state). */
static const char *const reserved_labels[] = {"alertname", "indicator", "pejlemaerke", "rule",
                                              "target",    "severity",  "fingerprint", NULL};

static bool label_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= LABEL_NAME_MAX || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
            return false;
    for (const char *const *r = reserved_labels; *r; r++)
        if (strcmp(name, *r) == 0)
            return false;
    return true;
}

static bool copy_label(struct alert_label *to, const char *name, const char *value)
{
    to->name = strdup(name);
    to->value = strdup(value);
    if (to->name && to->value)
        return true;
    free(to->name);
    free(to->value);
    *to = (struct alert_label){0};
    return false;
}

static void load_labels(struct loader *l, const config_setting_t *g, struct alert_rule *r,
                        const char *who)
{
    const config_setting_t *labels = config_setting_get_member(g, "labels");
    if (!labels)
        return;
    int n = config_setting_length(labels);
    if (config_setting_type(labels) != CONFIG_TYPE_GROUP || n > USER_LABELS_MAX) {
        diag_config_error(l->diag, labels, "%s: labels must be a group of at most %d, e.g. "
                          "labels = { team = \"analysis\"; }", who, USER_LABELS_MAX);
        return;
    }
    if (!(r->labels = calloc((size_t)n + 1, sizeof *r->labels)))
        return;
    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(labels, (unsigned)i);
        const char *name = config_setting_name(s);
        const char *value = config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
        if (!label_name_ok(name))
            diag_config_error(l->diag, s, "%s: label \"%s\" must be [A-Za-z_][A-Za-z0-9_]* and not "
                              "one pejl sets (alertname, indicator, pejlemaerke, rule, target, "
                              "severity, fingerprint)", who, name);
        else if (!value || strlen(value) >= LABEL_VALUE_MAX || strpbrk(value, "\r\n"))
            diag_config_error(l->diag, s, "%s: label %s must be a one-line string under %d bytes",
                              who, name, LABEL_VALUE_MAX);
        else if (copy_label(&r->labels[r->n_labels], name, value))
            r->n_labels++;
    }
}

static void load_range(struct loader *l, const config_setting_t *g, const char *key,
                       struct range *out, const char *who)
{
    char err[200];
    const char *text = config_get_string(l, g, key, false, who);
    if (text && range_parse(text, out, err, sizeof err) < 0)
        diag_config_error(l->diag, config_setting_get_member(g, key), "%s: %s: %s", who, key, err);
}

/* for = 3 (evaluations) or for = "2d" (held that long). */
static void load_for(struct loader *l, const config_setting_t *g, struct alert_rule *r,
                     const char *who)
{
    const config_setting_t *s = config_setting_get_member(g, "for");
    if (!s)
        return;
    if (config_setting_type(s) == CONFIG_TYPE_STRING) {
        int64_t ms = -1;
        config_duration_ms(l, g, "for", 1000, &ms);
        r->for_s = ms > 0 ? ms / 1000 : 0;
        return;
    }
    long long count = 0;
    config_integer(l, g, "for", 1, 1000, &count);
    r->for_count = (unsigned)count;
    (void)who;
}

/* provisional = true (revision rules): updates of figures that were
 * provisional when first seen count as revisions too. */
static void load_provisional(struct loader *l, const config_setting_t *g, struct alert_rule *r,
                             const char *who)
{
    const config_setting_t *s = config_setting_get_member(g, "provisional");
    if (!s)
        return;
    if (r->kind != RULE_REVISION)
        diag_config_error(l->diag, s, "%s: only a revision rule takes provisional", who);
    else if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        diag_config_error(l->diag, s, "%s: provisional must be true or false (without quotes)",
                          who);
    else
        r->provisional = config_setting_get_bool(s);
}

/* threshold = 2.0: reconcile warns when pejl's figure is more than that
 * many % off a published one (warning = "-2:2"). */
static void load_threshold(struct loader *l, const config_setting_t *g, struct alert_rule *r,
                           const char *who)
{
    const config_setting_t *t = config_setting_get_member(g, "threshold");
    char text[RANGE_TEXT_MAX], err[200];
    bool ok;
    double pct = config_number(t, &ok);
    if (!t)
        return;
    if (r->kind != RULE_RECONCILE)
        diag_config_error(l->diag, t, "%s: threshold is for the reconcile rule; write warning = "
                          "\"…\" here", who);
    else if (!ok || !isfinite(pct) || pct <= 0 || pct >= 1000)
        diag_config_error(l->diag, t, "%s: threshold must be a percentage above 0, e.g. 2.0", who);
    else if (r->warning.set)
        diag_config_error(l->diag, t, "%s: write threshold or warning, not both", who);
    else if (snprintf(text, sizeof text, "-%g:%g", pct, pct) >= (int)sizeof text ||
             range_parse(text, &r->warning, err, sizeof err) < 0)
        diag_config_error(l->diag, t, "%s: threshold: %s", who, err);
}

/* The rule's common settings; kind and target come from the caller. */
static void load_rule_settings(struct loader *l, const config_setting_t *g, struct alert_rule *r,
                               const char *who)
{
    bool ok;
    const config_setting_t *h = config_setting_get_member(g, "hysteresis");
    r->hysteresis = config_number(h, &ok);
    if (h && (!ok || r->hysteresis < 0))
        diag_config_error(l->diag, h, "%s: hysteresis must be a number of 0 or more, in the unit "
                          "of the rule's figure", who);
    load_range(l, g, "warning", &r->warning, who);
    load_range(l, g, "critical", &r->critical, who);
    load_for(l, g, r, who);
    load_labels(l, g, r, who);
    load_provisional(l, g, r, who);
    load_threshold(l, g, r, who);
    if (r->kind == RULE_PROGRESS && (r->warning.set || r->critical.set))
        diag_config_error(l->diag, g, "%s: progress follows the target's categories; set "
                          "significant/moderate on the target instead of warning/critical", who);
    if (r->kind == RULE_RANGE && !r->warning.set && !r->critical.set)
        diag_config_error(l->diag, g, "%s: a range rule needs warning = \"300:\" and/or "
                          "critical = \"250:\"", who);
}

static struct alert_rule *add_rule(struct indicator *ind, size_t *cap)
{
    if (array_grow((void **)&ind->rules, cap, ind->n_rules + 1, sizeof *ind->rules) < 0)
        return NULL;
    struct alert_rule *r = &ind->rules[ind->n_rules++];
    *r = (struct alert_rule){.target = -1, .hysteresis = NAN};
    return r;
}

static struct alert_rule *copy_rule(struct indicator *ind, size_t *cap, const struct alert_rule *from)
{
    size_t at = (size_t)(from - ind->rules);
    struct alert_rule *r = add_rule(ind, cap); /* may move the array */
    if (!r)
        return NULL;
    *r = ind->rules[at];
    const struct alert_label *labels = ind->rules[at].labels;
    r->n_labels = 0;
    r->labels = calloc(ind->rules[at].n_labels + 1, sizeof *r->labels);
    for (size_t i = 0; r->labels && i < ind->rules[at].n_labels; i++)
        if (!copy_label(&r->labels[r->n_labels], labels[i].name, labels[i].value))
            break;
        else
            r->n_labels++;
    return r;
}

/* target = 2030 (or "trend"): the index of that target; -2 when there is none. */
static int chosen_target(struct loader *l, const config_setting_t *g, const struct indicator *ind,
                         const char *who)
{
    const config_setting_t *s = config_setting_get_member(g, "target");
    if (!s)
        return -1;
    bool trend = config_setting_type(s) == CONFIG_TYPE_STRING &&
                 strcmp(config_setting_get_string(s), "trend") == 0;
    long long year = -1;
    if (!trend)
        config_integer(l, g, "target", 1900, 2200, &year);
    for (size_t i = 0; i < ind->n_targets; i++)
        if (trend ? ind->targets[i].kind == TARGET_TREND : ind->targets[i].year == year)
            return (int)i;
    if (trend || year > 0)
        diag_config_error(l->diag, s, "%s: target = %s%lld names none of its targets", who,
                          trend ? "\"trend\"" : "", trend ? 0LL : year);
    return -2;
}

/* A target rule: one per target it can read (or the one named). */
static void place_on_targets(struct loader *l, const config_setting_t *g, struct indicator *ind,
                             size_t *cap, size_t at, const char *who)
{
    int chosen = chosen_target(l, g, ind, who);
    enum rule_kind kind = ind->rules[at].kind;
    if (chosen == -2)
        return;
    bool placed = false;
    for (size_t i = 0; i < ind->n_targets; i++) {
        if ((chosen >= 0 && (int)i != chosen) || !rule_takes_target(kind, ind->targets[i].kind))
            continue;
        struct alert_rule *r = placed ? copy_rule(ind, cap, &ind->rules[at]) : &ind->rules[at];
        if (r)
            r->target = (int)i;
        placed = true;
    }
    if (!placed)
        diag_config_error(l->diag, g, "%s: rule %s needs a target it can read (%s)", who,
                          rule_kind_name(kind),
                          kind == RULE_PATH_GAP || kind == RULE_PROJECTION ? "a path target"
                          : kind == RULE_BASELINE                        ? "kind = \"above_baseline\""
                          : kind == RULE_RANK                            ? "kind = \"rank\""
                                                                         : "any target");
}

static void load_rule(struct loader *l, const config_setting_t *g, struct indicator *ind,
                      size_t *cap, const char *who)
{
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "%s: each alert rule must be a group { rule = \"stale\"; }", who);
        return;
    }
    config_check_keys(l, g, "an alert rule", rule_keys);
    const char *name = config_get_string(l, g, "rule", true, who);
    int kind = rule_kind_from_name(name);
    if (name && kind < 0)
        diag_config_error(l->diag, config_setting_get_member(g, "rule"),
                          "%s: rule \"%s\" unknown; write progress, path_gap, projection, baseline, "
                          "rank, range, stale, collect, revision or reconcile", who, name);
    struct alert_rule *r = kind >= 0 ? add_rule(ind, cap) : NULL;
    if (!r)
        return;
    r->kind = (enum rule_kind)kind;
    r->line = (int)config_setting_source_line(g);
    size_t at = ind->n_rules - 1;
    load_rule_settings(l, g, r, who);
    if (r->kind == RULE_RECONCILE && !ind->n_published)
        diag_config_error(l->diag, g, "%s: rule reconcile needs published = ( … ) figures to "
                          "compare with", who);
    if (rule_needs_target(r->kind))
        place_on_targets(l, g, ind, cap, at, who);
    else if (config_setting_get_member(g, "target"))
        diag_config_error(l->diag, config_setting_get_member(g, "target"),
                          "%s: rule %s reads no target; drop target", who, name);
}

static void default_rules(struct indicator *ind, size_t *cap)
{
    static const enum rule_kind always[] = {RULE_STALE, RULE_COLLECT, RULE_REVISION};
    for (size_t i = 0; i < ind->n_targets; i++) {
        struct alert_rule *r = add_rule(ind, cap);
        if (r)
            r->kind = RULE_PROGRESS, r->target = (int)i, r->line = ind->line;
    }
    for (size_t i = 0; i < sizeof always / sizeof *always; i++) {
        struct alert_rule *r = add_rule(ind, cap);
        if (r)
            r->kind = always[i], r->line = ind->line;
    }
    struct alert_rule *r = ind->n_published ? add_rule(ind, cap) : NULL;
    if (r) /* published figures: say when pejl's do not reproduce them */
        r->kind = RULE_RECONCILE, r->line = ind->line;
}

/* Two rules with one fingerprint would be one alert: refuse that. */
static void finish_rules(struct loader *l, struct indicator *ind, const config_setting_t *list)
{
    for (size_t i = 0; i < ind->n_rules; i++) {
        struct alert_rule *r = &ind->rules[i];
        struct label_set labels;
        if (r->target < 0 && rule_needs_target(r->kind))
            continue; /* reported already */
        rule_defaults(r, ind);
        alert_labels(ind, r, ALERT_OK, &labels);
        alert_fingerprint(&labels, r->fingerprint);
        for (size_t j = 0; j < i; j++)
            if (strcmp(ind->rules[j].fingerprint, r->fingerprint) == 0)
                diag_add(l->diag, l->config->path, r->line ? r->line : (int)config_setting_source_line(list),
                         "%s: this %s rule repeats the one on line %d; give one of them "
                         "labels = { … } to tell them apart, or drop it",
                         ind->id, rule_kind_name(r->kind), ind->rules[j].line);
    }
}

void config_load_alert_rules(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const char *who = ind->id ? ind->id : "indicator";
    const config_setting_t *list = config_setting_get_member(group, "alerts");
    size_t cap = 0;
    if (!list) {
        default_rules(ind, &cap);
    } else if (config_setting_type(list) != CONFIG_TYPE_LIST) {
        diag_config_error(l->diag, list, "%s: alerts must be a list ( { rule = \"stale\"; }, … )", who);
        return;
    } else {
        for (int i = 0; i < config_setting_length(list); i++)
            load_rule(l, config_setting_get_elem(list, (unsigned)i), ind, &cap, who);
    }
    if (ind->id)
        finish_rules(l, ind, list ? list : group);
}

void config_free_alert_rules(struct indicator *ind)
{
    for (size_t i = 0; i < ind->n_rules; i++) {
        for (size_t k = 0; k < ind->rules[i].n_labels; k++) {
            free(ind->rules[i].labels[k].name);
            free(ind->rules[i].labels[k].value);
        }
        free(ind->rules[i].labels);
    }
    free(ind->rules);
    ind->rules = NULL;
    ind->n_rules = 0;
}
