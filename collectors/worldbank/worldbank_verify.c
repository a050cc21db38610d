/*
 * worldbank_verify.c — countries and indicator against the World Bank
 * API's own lists (see worldbank_verify.h).
 */
#include "worldbank_verify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void worldbank_wanted_free(struct worldbank_wanted *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->items ? w->items[i] : NULL);
        free(w->urls ? w->urls[i] : NULL);
    }
    free(w->items);
    free(w->urls);
    free(w->requests);
    *w = (struct worldbank_wanted){0};
}

/* metadata_url with {path} filled in, or base/path?format=json. */
static char *item_url(const char *meta, const char *base, const char *item)
{
    char *url;
    const char *slot = meta ? strstr(meta, "{path}") : NULL;
    int n = slot ? asprintf(&url, "%.*s%s%s", (int)(slot - meta), meta, item, slot + 6)
                 : asprintf(&url, "%s/%s?format=json", meta ? meta : base, item);
    return n < 0 ? NULL : url;
}

static int add_item(struct worldbank_wanted *w, const char *meta, const char *base,
                    const char *kind, const char *code)
{
    size_t i = w->n;
    if (asprintf(&w->items[i], "%s/%s", kind, code) < 0) {
        w->items[i] = NULL;
        return -1;
    }
    w->n++;
    if (!(w->urls[i] = item_url(meta, base, w->items[i])))
        return -1;
    w->requests[i] = (struct pejl_request){.url = w->urls[i], .tag = i};
    return 0;
}

int worldbank_wanted_read(const config_setting_t *source, const char *default_url,
                          struct worldbank_wanted *w)
{
    const char *meta = NULL, *url = NULL, *indicator = NULL;
    const config_setting_t *countries = config_setting_get_member(source, "countries");
    const config_setting_t *ind = config_setting_get_member(source, "indicator");
    size_t n = countries ? (size_t)config_setting_length(countries) : 0;
    config_setting_lookup_string(source, "metadata_url", &meta);
    config_setting_lookup_string(source, "url", &url);
    config_setting_lookup_string(source, "indicator", &indicator);
    *w = (struct worldbank_wanted){
        .countries_line = countries ? (int)config_setting_source_line(countries) : 0,
        .indicator_line = ind ? (int)config_setting_source_line(ind) : 0};
    if (!meta && url && strstr(url, "{page}")) {
        w->why_not = "url is a template for recorded data; give metadata_url beside it to verify "
                     "the countries and the indicator";
        return 0;
    }
    const char *base = url ? url : default_url;
    w->items = calloc(n + 2, sizeof *w->items);
    w->urls = calloc(n + 2, sizeof *w->urls);
    w->requests = calloc(n + 2, sizeof *w->requests);
    if (!w->items || !w->urls || !w->requests)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *code = config_setting_get_string_elem(countries, (int)i);
        if (add_item(w, meta, base, "country", code ? code : "") < 0)
            return -1;
    }
    return add_item(w, meta, base, "indicator", indicator ? indicator : "");
}

static int api_message(json_t *root, char *buf, size_t size)
{
    json_t *first = json_array_get(json_object_get(json_array_get(root, 0), "message"), 0);
    if (!first)
        return 0;
    snprintf(buf, size, "%s %s: %s", json_string_value(json_object_get(first, "id")) ?: "?",
             json_string_value(json_object_get(first, "key")) ?: "?",
             json_string_value(json_object_get(first, "value")) ?: "?");
    return -1;
}

static void check_item(const struct worldbank_wanted *w, const char *item, json_t *root,
                       const struct pejl_verify_sink *sink)
{
    bool country = strncmp(item, "country/", 8) == 0;
    const char *code = strchr(item, '/') + 1;
    int line = country ? w->countries_line : w->indicator_line;
    json_t *row = json_array_get(json_array_get(root, 1), 0);
    const char *id = json_string_value(json_object_get(row, "id"));
    const char *iso2 = json_string_value(json_object_get(row, "iso2Code"));
    const char *name = json_string_value(json_object_get(row, "name"));
    char message[300];
    if (api_message(root, message, sizeof message) < 0)
        sink->problem(sink, line, 0, "the World Bank API does not know %s \"%s\" (%s)",
                      country ? "country" : "indicator", code, message);
    else if (!id || (strcasecmp(id, code) != 0 && !(iso2 && strcasecmp(iso2, code) == 0)))
        sink->problem(sink, line, 0, "the World Bank API answered %s \"%s\" with %s \"%.40s\"",
                      country ? "country" : "indicator", code, id ? "a different id" : "no id",
                      id ? id : "");
    else if (!name)
        sink->problem(sink, line, 1, "%s \"%s\" has no name in the World Bank API's answer",
                      country ? "country" : "indicator", code);
}

int worldbank_verify_response(const struct worldbank_wanted *w, const struct decode_budget *budget,
                              uintptr_t tag, const struct pejl_response *response,
                              const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    json_error_t jerr;
    char why[300];
    if (tag >= w->n)
        return -1;
    const char *item = w->items[tag];
    if (decode_budget_check(response->body, response->len, budget, "max_elements in the source",
                            why, sizeof why) < 0) {
        snprintf(err, errlen, "World Bank %s: %s", item, why);
        return -1;
    }
    json_t *root = json_loadb(response->body, response->len, 0, &jerr);
    int rc = 0;
    if (!root || !json_is_array(root)) {
        snprintf(err, errlen, "World Bank %s: not the API's JSON (HTTP %ld%s%s)", item,
                 response->status, root ? "" : ", ", root ? "" : jerr.text);
        rc = -1;
    } else {
        check_item(w, item, root, sink);
    }
    json_decref(root);
    source_one_line(err);
    return rc;
}
