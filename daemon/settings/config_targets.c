/*
 * config_targets.c — an indicator's targets in pejld.conf: target = { … }
 * or targets = ( … ), each checked against its kind (see evaluate.h for
 * what the figures mean).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"
#include "period.h"

static const char *const target_keys[] = {"kind",   "year",        "value",    "baseline",
                                          "path",   "top",         "among",    "direction",
                                          "window", "significant", "moderate", NULL};
static const char *const baseline_keys[] = {"period", "value", NULL};

double config_number(const config_setting_t *s, bool *ok)
{
    int type = s ? config_setting_type(s) : CONFIG_TYPE_NONE;
    *ok = type == CONFIG_TYPE_FLOAT || type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64;
    return type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
           : *ok                     ? (double)config_setting_get_int64(s)
                                     : NAN;
}

static enum target_kind target_kind_of(struct loader *l, const config_setting_t *g, const char *who)
{
    const char *kind = config_get_string(l, g, "kind", false, who);
    static const char *const names[] = {"path", "above_baseline", "rank", "trend"};
    for (int k = 0; kind && k < 4; k++)
        if (strcmp(kind, names[k]) == 0)
            return (enum target_kind)k;
    if (kind)
        diag_config_error(l->diag, config_setting_get_member(g, "kind"),
                          "%s: target kind \"%s\" unknown; write path, above_baseline, rank or trend",
                          who, kind);
    return TARGET_PATH;
}

static void load_baseline(struct loader *l, const config_setting_t *g, struct target *t,
                          const char *who)
{
    const config_setting_t *b = config_setting_get_member(g, "baseline");
    if (!b) {
        if (t->kind == TARGET_PATH || t->kind == TARGET_ABOVE_BASELINE)
            diag_config_error(l->diag, g, "%s: the target needs baseline = { period = \"2023\"; }", who);
        return;
    }
    if (config_setting_type(b) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, b, "%s: baseline must be { period = \"2023\"; value = 174.0; }", who);
        return;
    }
    config_check_keys(l, b, "a baseline", baseline_keys);
    const char *period = config_get_string(l, b, "period", true, who);
    if (period && period_parse(period, strlen(period), &t->baseline) < 0)
        diag_config_error(l->diag, config_setting_get_member(b, "period"),
                          "%s: baseline period \"%s\" is not a period", who, period);
    bool ok;
    const config_setting_t *v = config_setting_get_member(b, "value");
    double value = config_number(v, &ok);
    if (v && !ok)
        diag_config_error(l->diag, v, "%s: baseline value must be a number", who);
    else if (v)
        t->baseline_value = value; /* absent: the stored value of that period */
}

static void load_target_words(struct loader *l, const config_setting_t *g, struct target *t,
                              const char *who)
{
    const char *path = config_get_string(l, g, "path", false, who);
    if (path && strcmp(path, "linear") == 0)
        t->path = PATH_LINEAR;
    else if (path && strcmp(path, "cagr") != 0)
        diag_config_error(l->diag, config_setting_get_member(g, "path"),
                          "%s: path \"%s\" unknown; write \"cagr\" or \"linear\"", who, path);
    const char *direction = config_get_string(l, g, "direction", false, who);
    if (direction && strcmp(direction, "down") == 0)
        t->direction = -1;
    else if (direction && strcmp(direction, "up") != 0)
        diag_config_error(l->diag, config_setting_get_member(g, "direction"),
                          "%s: direction \"%s\" unknown; write \"up\" or \"down\"", who, direction);
    const char *among = config_get_string(l, g, "among", false, who);
    if (among && strcmp(among, "panel") != 0)
        diag_config_error(l->diag, config_setting_get_member(g, "among"),
                          "%s: among \"%s\" unknown; the rank is among the panel (\"panel\")", who,
                          among);
}

/* significant/moderate: the category thresholds, in the unit the kind
 * classifies by (see evaluate.h). */
static void load_thresholds(struct loader *l, const config_setting_t *g, struct target *t,
                            const char *who)
{
    static const char *const keys[] = {"significant", "moderate"};
    double *slots[] = {&t->significant, &t->moderate};
    for (int i = 0; i < 2; i++) {
        const config_setting_t *v = config_setting_get_member(g, keys[i]);
        bool ok;
        double x = config_number(v, &ok);
        if (v && !ok)
            diag_config_error(l->diag, v, "%s: %s must be a number, e.g. %s", who, keys[i],
                              i == 0 ? "0.95" : "0.60");
        else if (v)
            *slots[i] = x;
    }
    if (t->kind == TARGET_RANK && (!isnan(t->significant) || !isnan(t->moderate)))
        diag_config_error(l->diag, g, "%s: a rank target is classified by top = N; drop "
                          "significant/moderate", who);
    if (t->significant < t->moderate)
        diag_config_error(l->diag, g, "%s: significant (%g) must not be below moderate (%g)", who,
                          t->significant, t->moderate);
}

static void load_target(struct loader *l, const config_setting_t *g, struct target *t, const char *who)
{
    evaluate_target_defaults(t);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "%s: a target must be a group { year = 2030; … }", who);
        return;
    }
    config_check_keys(l, g, "a target", target_keys);
    t->kind = target_kind_of(l, g, who);
    long long year = 0, top = t->top, window = t->window_years;
    config_integer(l, g, "year", 1900, 2200, &year);
    config_integer(l, g, "top", 1, 100, &top);
    config_integer(l, g, "window", 1, 50, &window);
    t->year = (int)year, t->top = (int)top, t->window_years = (int)window;
    if (!year && t->kind != TARGET_TREND)
        diag_config_error(l->diag, g, "%s: the target needs year = 2030;", who);
    bool ok;
    t->value = config_number(config_setting_get_member(g, "value"), &ok);
    if (t->kind == TARGET_PATH && !ok)
        diag_config_error(l->diag, g, "%s: a path target needs value = 350.0;", who);
    load_target_words(l, g, t, who);
    load_baseline(l, g, t, who);
    load_thresholds(l, g, t, who);
}

void config_load_targets(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const char *who = ind->id ? ind->id : "indicator";
    const config_setting_t *one = config_setting_get_member(group, "target");
    const config_setting_t *many = config_setting_get_member(group, "targets");
    if (one && many) {
        diag_config_error(l->diag, many, "%s: write target = { … } or targets = ( … ), not both", who);
        return;
    }
    if (many && config_setting_type(many) != CONFIG_TYPE_LIST) {
        diag_config_error(l->diag, many, "%s: targets must be a list ( { … }, { … } )", who);
        return;
    }
    size_t n = one ? 1 : many ? (size_t)config_setting_length(many) : 0;
    if (n == 0 || !(ind->targets = calloc(n, sizeof *ind->targets)))
        return;
    ind->n_targets = n;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *g = one ? one : config_setting_get_elem(many, (unsigned)i);
        load_target(l, g, &ind->targets[i], who);
        for (size_t j = 0; j < i; j++)
            if (ind->targets[j].year == ind->targets[i].year) /* the year names its alerts */
                diag_config_error(l->diag, g, ind->targets[i].year ? "%s: two targets for %d; keep one"
                                                                   : "%s: two trend targets; keep one",
                                  who, ind->targets[i].year);
    }
}
