/*
 * silence.c — matching alerts against silences (see silence.h).
 */
#include "silence.h"

#include <stdio.h>
#include <string.h>

#include "indicator.h"

int silence_parse_matcher(const char *text, struct silence *s, char *err, size_t errlen)
{
    const char *slash = strchr(text, '/');
    size_t id_len = slash ? (size_t)(slash - text) : strlen(text);
    char id[INDICATOR_ID_MAX + 1] = "";
    const char *rule = slash ? slash + 1 : "";
    bool any = id_len == 1 && text[0] == '*';
    if (id_len <= INDICATOR_ID_MAX && !any)
        memcpy(id, text, id_len), id[id_len] = '\0';
    if ((!any && (id_len > INDICATOR_ID_MAX || !indicator_id_valid(id))) ||
        (slash && rule_kind_from_name(rule) < 0) || (any && !slash)) {
        snprintf(err, errlen, "silence matcher \"%s\": write INDICATOR, INDICATOR/RULE or */RULE, "
                 "with a rule of progress, path_gap, projection, baseline, rank, range, stale, "
                 "collect or revision", text);
        return -1;
    }
    snprintf(s->indicator, sizeof s->indicator, "%s", any ? "" : id);
    snprintf(s->rule, sizeof s->rule, "%s", rule);
    return 0;
}

/* Whether the indicator has a rule of that name ("" any). */
static bool has_rule(const struct indicator *ind, const char *rule)
{
    if (!rule[0])
        return true;
    for (size_t k = 0; k < ind->n_rules; k++)
        if (strcmp(rule_kind_name(ind->rules[k].kind), rule) == 0)
            return true;
    return false;
}

static void rule_names(const struct indicator *ind, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < ind->n_rules && used < size; k++) {
        const char *name = rule_kind_name(ind->rules[k].kind);
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen |= ind->rules[j].kind == ind->rules[k].kind;
        if (!seen)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
    }
}

static const struct indicator *find(const struct indicator *indicators, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (indicators[i].id && strcmp(indicators[i].id, id) == 0)
            return &indicators[i];
    return NULL;
}

int silence_check_rules(const struct silence *s, const struct indicator *indicators, size_t n,
                        char *err, size_t errlen)
{
    char names[200];
    if (s->indicator[0]) {
        const struct indicator *ind = find(indicators, n, s->indicator);
        if (!ind) {
            snprintf(err, errlen,
                     "no indicator %s in the config, so the silence would match "
                     "nothing; check the id (pejlctl status lists them), or --force for one about "
                     "to be added",
                     s->indicator);
            return -1;
        }
        if (has_rule(ind, s->rule))
            return 0;
        rule_names(ind, names, sizeof names);
        snprintf(err, errlen,
                 "%s has no %s rule (its rules: %s), so the silence would match "
                 "nothing; check the rule, or --force for one about to be added",
                 s->indicator, s->rule, names[0] ? names : "none");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (has_rule(&indicators[i], s->rule))
            return 0;
    snprintf(err, errlen,
             "no indicator has a %s rule, so the silence would match nothing; check "
             "the rule, or --force for one about to be added",
             s->rule);
    return -1;
}

bool silence_expired(const struct silence *s, int64_t now)
{
    return now >= s->ends_at;
}

bool silence_matches(const struct silence *s, const struct alert *a, int64_t now)
{
    return now >= s->starts_at && !silence_expired(s, now) &&
           (!s->indicator[0] || strcmp(s->indicator, a->indicator) == 0) &&
           (!s->rule[0] || strcmp(s->rule, a->rule) == 0);
}
