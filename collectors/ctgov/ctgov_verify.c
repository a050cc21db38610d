/*
 * ctgov_verify.c — country names against ClinicalTrials.gov's counts (see
 * ctgov_verify.h).
 */
#include "ctgov_verify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/url_encode.h"

void ctgov_wanted_free(struct ctgov_wanted *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->names[i]);
        free(w->urls[i]);
    }
    free(w->names);
    free(w->urls);
    free(w->lines);
    free(w->requests);
    free(w->terms);
    *w = (struct ctgov_wanted){0};
}

/* metadata_url with {country} (the member key) filled in, or the count query. */
static char *country_url(const char *meta, const char *base, const char *key, const char *name)
{
    char *url = NULL, *filter = NULL, *encoded;
    const char *slot = meta ? strstr(meta, "{country}") : NULL;
    if (slot)
        return asprintf(&url, "%.*s%s%s", (int)(slot - meta), meta, key, slot + 9) < 0 ? NULL : url;
    if (asprintf(&filter, "AREA[LocationCountry]\"%s\"", name) < 0)
        return NULL;
    encoded = url_encode(filter);
    if (!encoded || asprintf(&url, "%s?format=json&countTotal=true&pageSize=1&filter.advanced=%s",
                             meta ? meta : base, encoded) < 0)
        url = NULL;
    free(encoded);
    free(filter);
    return url;
}

/* The terms as one string, to name them in the warning that they are not
 * checked. */
static int read_terms(const config_setting_t *source, struct ctgov_wanted *w)
{
    const config_setting_t *terms = config_setting_get_member(source, "terms");
    size_t size = 0;
    FILE *f = terms && config_setting_length(terms) > 0 ? open_memstream(&w->terms, &size) : NULL;
    if (!terms || config_setting_length(terms) == 0)
        return 0;
    if (!f)
        return -1;
    for (int i = 0; i < config_setting_length(terms); i++) {
        const char *term = config_setting_get_string_elem(terms, i);
        fprintf(f, "%s%s", i ? " AND " : "", term ? term : "");
    }
    w->terms_line = (int)config_setting_source_line(terms);
    return fclose(f) == 0 ? 0 : -1;
}

int ctgov_wanted_read(const config_setting_t *source, const char *default_url,
                      struct ctgov_wanted *w)
{
    const char *meta = NULL, *url = NULL;
    const config_setting_t *countries = config_setting_get_member(source, "countries");
    size_t n = countries ? (size_t)config_setting_length(countries) : 0;
    config_setting_lookup_string(source, "metadata_url", &meta);
    config_setting_lookup_string(source, "url", &url);
    *w = (struct ctgov_wanted){0};
    if (!meta && url && strstr(url, "{country}")) {
        w->why_not = "url is a template for recorded data; give metadata_url beside it to verify "
                     "the country names";
        return 0;
    }
    if (read_terms(source, w) < 0)
        return -1;
    w->names = calloc(n + 1, sizeof *w->names);
    w->urls = calloc(n + 1, sizeof *w->urls);
    w->lines = calloc(n + 1, sizeof *w->lines);
    w->requests = calloc(n + 1, sizeof *w->requests);
    if (!w->names || !w->urls || !w->lines || !w->requests)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *c = config_setting_get_elem(countries, (unsigned)i);
        const char *name = config_setting_get_string(c);
        w->names[i] = strdup(name ? name : "");
        w->urls[i] =
            country_url(meta, url ? url : default_url, config_setting_name(c), name ? name : "");
        w->lines[i] = (int)config_setting_source_line(c);
        w->n++;
        if (!w->names[i] || !w->urls[i])
            return -1;
        w->requests[i] = (struct pejl_request){.url = w->urls[i], .tag = i};
    }
    return 0;
}

int ctgov_verify_response(const struct ctgov_wanted *w, const struct decode_budget *budget,
                          uintptr_t tag, const struct pejl_response *response,
                          const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    json_error_t jerr;
    char why[300];
    if (tag >= w->n)
        return -1;
    const char *name = w->names[tag];
    if (decode_budget_check(response->body, response->len, budget, "max_elements in the source",
                            why, sizeof why) < 0) {
        snprintf(err, errlen, "ClinicalTrials.gov count for \"%s\": %s", name, why);
        return -1;
    }
    json_t *root = json_loadb(response->body, response->len, 0, &jerr);
    json_t *count = json_object_get(root, "totalCount");
    int rc = 0;
    if (response->status != 200 || !json_is_integer(count) || json_integer_value(count) < 0) {
        snprintf(err, errlen, "ClinicalTrials.gov count for \"%s\": HTTP %ld, %s: %.200s", name,
                 response->status, root ? "no totalCount" : "not JSON", response->body);
        rc = -1;
    } else if (json_integer_value(count) == 0) {
        sink->problem(sink, w->lines[tag], 0,
                      "ClinicalTrials.gov counts no study at all with LocationCountry \"%s\"; it "
                      "does not tell an unknown name from a country without studies, so write "
                      "the name as it does (e.g. \"Korea, Republic of\")",
                      name);
    }
    if (rc == 0 && tag == 0 && w->terms)
        sink->problem(sink, w->terms_line, 1,
                      "terms \"%.200s\" not checked online: the check counts each country's "
                      "studies without them, so a wrong term shows only at the first "
                      "collection",
                      w->terms);
    json_decref(root);
    source_one_line(err);
    return rc;
}
