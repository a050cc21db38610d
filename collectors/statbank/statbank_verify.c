/*
 * statbank_verify.c — a statbank source against its tableinfo (see
 * statbank_verify.h).
 */
#include "statbank_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/decode_budget.h"
#include "../common/nearest.h"
#include "../common/url_encode.h"

#define STATBANK_URL "https://api.statbank.dk/v1"
#define LIST_SHOWN 400

void statbank_wanted_free(struct statbank_wanted *w)
{
    for (size_t i = 0; i < w->n_variables; i++) {
        struct statbank_wanted_variable *v = &w->variables[i];
        for (size_t k = 0; k < v->n_values; k++)
            free(v->values[k]);
        free(v->values);
        free(v->code);
    }
    free(w->variables);
    free(w->table);
    free(w->metadata_url);
    *w = (struct statbank_wanted){0};
}

static int line_of(const config_setting_t *source, const char *name)
{
    const config_setting_t *s = config_setting_get_member(source, name);
    return s ? (int)config_setting_source_line(s) : 0;
}

static int read_variable(const config_setting_t *group, struct statbank_wanted_variable *v)
{
    const char *code = NULL;
    const config_setting_t *values = config_setting_get_member(group, "values");
    config_setting_lookup_string(group, "code", &code);
    v->line = (int)config_setting_source_line(group);
    v->code = strdup(code ? code : "");
    v->values = calloc((size_t)config_setting_length(values) + 1, sizeof *v->values);
    if (!v->code || !v->values)
        return -1;
    for (int k = 0; k < config_setting_length(values); k++) {
        const char *value = config_setting_get_string_elem(values, k);
        if (!(v->values[v->n_values] = strdup(value ? value : "")))
            return -1;
        v->n_values++;
    }
    return 0;
}

/* tableinfo's URL: metadata_url filled in or extended, else the API's. */
static int metadata_url(const config_setting_t *source, const char *url, const char *lang,
                        struct statbank_wanted *w)
{
    const char *meta = NULL, *slot;
    config_setting_lookup_string(source, "metadata_url", &meta);
    if (meta && (slot = strstr(meta, "{table}")))
        return asprintf(&w->metadata_url, "%.*s%s%s", (int)(slot - meta), meta, w->table, slot + 7);
    if (!meta && url && strstr(url, "{table}")) {
        w->why_not = "url is a template for recorded data; give metadata_url beside it to verify "
                     "the table's codes";
        return 0;
    }
    char *table = url_encode(w->table), *language = url_encode(lang);
    int n = table && language ? asprintf(&w->metadata_url, "%s/tableinfo?id=%s&format=JSON&lang=%s",
                                         meta  ? meta
                                         : url ? url
                                               : STATBANK_URL,
                                         table, language)
                              : -1;
    free(table);
    free(language);
    return n;
}

int statbank_wanted_read(const config_setting_t *source, const char *url, const char *lang,
                         struct statbank_wanted *w)
{
    const char *table = NULL;
    const config_setting_t *list = config_setting_get_member(source, "variables");
    size_t n = list ? (size_t)config_setting_length(list) : 0;
    config_setting_lookup_string(source, "table", &table);
    *w = (struct statbank_wanted){.table_line = line_of(source, "table"),
                                  .panel_line = line_of(source, "panel"),
                                  .max_elements = DECODE_BUDGET_ELEMENTS};
    w->table = strdup(table ? table : "");
    w->variables = calloc(n + 1, sizeof *w->variables);
    if (!w->table || !w->variables)
        return -1;
    for (size_t i = 0; i < n; i++) {
        w->n_variables++;
        if (read_variable(config_setting_get_elem(list, (unsigned)i), &w->variables[i]) < 0)
            return -1;
    }
    return metadata_url(source, url, lang, w) < 0 ? -1 : 0;
}

/* ---- selectors ---- */

/* One comparison of a range selector (">=2020M01<2021M01") holds for `code`. */
static bool compare_holds(const char *op, size_t oplen, const char *bound, size_t blen,
                          const char *code)
{
    char b[128];
    snprintf(b, sizeof b, "%.*s", (int)blen, bound);
    int c = strcmp(code, b);
    bool equal = oplen == 2;
    return op[0] == '>' ? (c > 0 || (equal && c == 0)) : (c < 0 || (equal && c == 0));
}

static bool range_holds(const char *selector, const char *code)
{
    for (const char *p = selector; *p;) {
        if (*p != '<' && *p != '>')
            return false;
        size_t oplen = p[1] == '=' ? 2 : 1;
        const char *bound = p + oplen, *end = bound + strcspn(bound, "<>");
        if (!compare_holds(p, oplen, bound, (size_t)(end - bound), code))
            return false;
        p = end;
    }
    return true;
}

static bool selects(const char *selector, const char *code)
{
    size_t n = strlen(selector);
    if (strcmp(selector, "*") == 0)
        return true;
    if (n > 1 && selector[n - 1] == '*')
        return strncmp(selector, code, n - 1) == 0;
    if (selector[0] == '<' || selector[0] == '>')
        return range_holds(selector, code);
    return strcmp(selector, code) == 0 || strcasecmp(selector, code) == 0;
}

static bool is_pattern(const char *selector)
{
    return strchr(selector, '*') || selector[0] == '<' || selector[0] == '>';
}

/* ---- the checks ---- */

static void list_codes(char *const *codes, size_t n, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len + 1 < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%.40s", i ? ", " : "", codes[i]);
        if (w < 0 || (size_t)w >= size - len) {
            snprintf(buf + (size > 6 ? size - 6 : 0), size > 6 ? 6 : size, ", …");
            return;
        }
        len += (size_t)w;
    }
}

static void variable_ids(const struct tableinfo *info, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < info->n_variables && len + 1 < size; i++) {
        int w = snprintf(buf + len, size - len, "%s%.40s", i ? ", " : "", info->variables[i].id);
        len += w > 0 ? (size_t)w : 0;
    }
}

static void unknown_variable(const struct statbank_wanted *w, const struct tableinfo *info,
                             const char *code, int line, const char *key,
                             const struct pejl_verify_sink *sink)
{
    char ids[LIST_SHOWN], near[256];
    const char **names = calloc(info->n_variables + 1, sizeof *names);
    for (size_t i = 0; names && i < info->n_variables; i++)
        names[i] = info->variables[i].id;
    size_t n = names ? nearest_codes(code, names, info->n_variables, near, sizeof near) : 0;
    free(names);
    variable_ids(info, ids, sizeof ids);
    sink->problem(sink, line, 0, "table %s has no variable %s (%s)%s%s; its variables are %s",
                  w->table, code, key, n ? "; nearest: " : "", n ? near : "", ids);
}

static size_t check_value(const struct statbank_wanted *w, const struct statbank_wanted_variable *v,
                          const struct tableinfo_variable *t, const char *selector,
                          const struct pejl_verify_sink *sink)
{
    size_t matched = 0;
    for (size_t k = 0; k < t->n_values; k++)
        matched += selects(selector, t->values[k]);
    if (matched)
        return matched;
    char near[256], all[LIST_SHOWN];
    size_t n = is_pattern(selector) ? 0
                                    : nearest_codes(selector, (const char *const *)t->values,
                                                    t->n_values, near, sizeof near);
    list_codes(t->values, t->n_values, all, sizeof all);
    if (n)
        sink->problem(sink, v->line, 0, "table %s, variable %s has no value \"%s\"; nearest: %s",
                      w->table, t->id, selector, near);
    else
        sink->problem(sink, v->line, 0,
                      "table %s, variable %s has no value matching \"%s\"; its %zu values: %s",
                      w->table, t->id, selector, t->n_values, all);
    return 0;
}

static bool picked(const struct jsonstat_choice *choice, const char *id)
{
    for (size_t i = 0; i < choice->n_picks; i++)
        if (strcasecmp(choice->picks[i].dimension, id) == 0)
            return true;
    return false;
}

static bool is_panel(const struct jsonstat_choice *choice, const char *id)
{
    return choice->panel && strcasecmp(choice->panel, id) == 0;
}

/* The periods the time variable's selection gets, to pejld as coverage. */
static void time_coverage(const struct pejl_host *host, const struct statbank_wanted *w,
                          const struct tableinfo_variable *t,
                          const struct statbank_wanted_variable *v,
                          const struct pejl_verify_sink *sink)
{
    const char *first = NULL, *last = NULL;
    for (size_t k = 0; k < t->n_values; k++) {
        bool in = !v;
        for (size_t s = 0; v && !in && s < v->n_values; s++)
            in = selects(v->values[s], t->values[k]);
        if (in && !first)
            first = t->values[k];
        if (in)
            last = t->values[k];
    }
    if (!v && t->n_values)
        first = last; /* without Tid the API gives the latest period only */
    struct pejl_period a, b;
    if (!first)
        return;
    if (host->period_parse(first, strlen(first), &a) < 0 ||
        host->period_parse(last, strlen(last), &b) < 0) {
        sink->problem(sink, v ? v->line : w->table_line, 1,
                      "table %s: time codes such as \"%.40s\" are not periods pejl reads; the time "
                      "range was not checked",
                      w->table, first);
        return;
    }
    sink->coverage(sink, v ? v->line : w->table_line, &a, &b);
}

static void check_requested(const struct pejl_host *host, const struct statbank_wanted *w,
                            const struct jsonstat_choice *choice, const struct tableinfo *info,
                            const struct pejl_verify_sink *sink)
{
    for (size_t i = 0; i < w->n_variables; i++) {
        const struct statbank_wanted_variable *v = &w->variables[i];
        const struct tableinfo_variable *t = tableinfo_find(info, v->code);
        if (!t) {
            unknown_variable(w, info, v->code, v->line, "in variables", sink);
            continue;
        }
        size_t matched = 0;
        for (size_t k = 0; k < v->n_values; k++)
            matched += check_value(w, v, t, v->values[k], sink);
        if (t->time)
            time_coverage(host, w, t, v, sink);
        else if (matched > 1 && !is_panel(choice, t->id) && !picked(choice, t->id))
            sink->problem(sink, v->line, 0,
                          "table %s, variable %s: %zu values requested, but it is neither the "
                          "panel nor selected; pin it to one value or write panel = \"%s\"",
                          w->table, t->id, matched, t->id);
    }
}

static const struct statbank_wanted_variable *wanted(const struct statbank_wanted *w,
                                                     const char *id)
{
    for (size_t i = 0; i < w->n_variables; i++)
        if (strcasecmp(w->variables[i].code, id) == 0)
            return &w->variables[i];
    return NULL;
}

/* Variables the API cannot leave out must be in the request. */
static void check_eliminable(const struct pejl_host *host, const struct statbank_wanted *w,
                             const struct tableinfo *info, const struct pejl_verify_sink *sink)
{
    for (size_t i = 0; i < info->n_variables; i++) {
        const struct tableinfo_variable *t = &info->variables[i];
        if (wanted(w, t->id))
            continue;
        if (t->time) {
            time_coverage(host, w, t, NULL, sink);
            continue;
        }
        if (t->elimination)
            continue;
        char all[LIST_SHOWN];
        list_codes(t->values, t->n_values, all, sizeof all);
        sink->problem(sink, w->table_line, 0,
                      "table %s, variable %s cannot be eliminated and is not in variables; pin it "
                      "({ code = \"%s\"; values = [ \"%s\" ]; }) or make it the panel; its values: "
                      "%s",
                      w->table, t->id, t->id, t->n_values ? t->values[0] : "", all);
    }
}

int statbank_verify_tableinfo(const struct pejl_host *host, const struct statbank_wanted *w,
                              const struct jsonstat_choice *choice, const char *body, size_t len,
                              const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    struct tableinfo info;
    char why[512];
    if (tableinfo_parse(body, len, w->max_elements, &info, why, sizeof why) < 0) {
        snprintf(err, errlen, "tableinfo of %s: %s", w->table, why);
        return -1;
    }
    if (info.id[0] && strcasecmp(info.id, w->table) != 0)
        sink->problem(sink, w->table_line, 0, "the metadata is of table %s, not %s", info.id,
                      w->table);
    check_requested(host, w, choice, &info, sink);
    check_eliminable(host, w, &info, sink);
    if (choice->panel && !tableinfo_find(&info, choice->panel))
        unknown_variable(w, &info, choice->panel, w->panel_line, "the panel", sink);
    else if (choice->panel && !wanted(w, choice->panel))
        sink->problem(sink, w->panel_line, 0,
                      "table %s: the panel %s is not in variables, so the API sums over it; add "
                      "it with the values to follow",
                      w->table, choice->panel);
    tableinfo_free(&info);
    return 0;
}
