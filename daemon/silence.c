/*
 * silence.c — matching alerts against silences (see silence.h).
 */
#include "silence.h"

#include <stdio.h>
#include <string.h>

#include "config.h"

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
