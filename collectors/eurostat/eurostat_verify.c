/*
 * eurostat_verify.c — a eurostat source against the dataset's codes (see
 * eurostat_verify.h).
 */
#include "eurostat_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/nearest.h"

#define LIST_SHOWN 400

void eurostat_wanted_free(struct eurostat_wanted *w)
{
    for (size_t i = 0; i < w->n_filters; i++) {
        for (size_t k = 0; k < w->filters[i].n_codes; k++)
            free(w->filters[i].codes[k]);
        free(w->filters[i].codes);
        free(w->filters[i].dimension);
    }
    free(w->filters);
    free(w->dataset);
    free(w->codes_url);
    *w = (struct eurostat_wanted){0};
}

static int line_of(const config_setting_t *source, const char *name)
{
    const config_setting_t *s = config_setting_get_member(source, name);
    return s ? (int)config_setting_source_line(s) : 0;
}

static int read_filter(const config_setting_t *f, struct eurostat_filter *out)
{
    out->dimension = strdup(config_setting_name(f) ? config_setting_name(f) : "");
    out->line = (int)config_setting_source_line(f);
    out->codes = calloc((size_t)config_setting_length(f) + 1, sizeof *out->codes);
    if (!out->dimension || !out->codes)
        return -1;
    for (int k = 0; k < config_setting_length(f); k++) {
        const char *code = config_setting_get_string_elem(f, k);
        if (!(out->codes[out->n_codes] = strdup(code ? code : "")))
            return -1;
        out->n_codes++;
    }
    return 0;
}

static int codes_url(const config_setting_t *source, const char *default_url,
                     struct eurostat_wanted *w)
{
    const char *meta = NULL, *url = NULL, *slot;
    config_setting_lookup_string(source, "metadata_url", &meta);
    config_setting_lookup_string(source, "url", &url);
    if (meta && (slot = strstr(meta, "{dataset}")))
        return asprintf(&w->codes_url, "%.*s%s%s", (int)(slot - meta), meta, w->dataset, slot + 9);
    if (!meta && url && strstr(url, "{dataset}")) {
        w->why_not = "url is a template for recorded data; give metadata_url beside it to verify "
                     "the dataset's codes";
        return 0;
    }
    return asprintf(&w->codes_url, "%s/%s?format=JSON&lang=EN&lastTimePeriod=1",
                    meta  ? meta
                    : url ? url
                          : default_url,
                    w->dataset);
}

int eurostat_wanted_read(const config_setting_t *source, const char *default_url,
                         const char *data_url, struct eurostat_wanted *w)
{
    const char *dataset = NULL;
    const config_setting_t *filters = config_setting_get_member(source, "filters");
    size_t n = filters ? (size_t)config_setting_length(filters) : 0;
    config_setting_lookup_string(source, "dataset", &dataset);
    *w = (struct eurostat_wanted){.dataset_line = line_of(source, "dataset"),
                                  .panel_line = line_of(source, "panel"),
                                  .since_line = line_of(source, "since")};
    w->dataset = strdup(dataset ? dataset : "");
    w->filters = calloc(n + 1, sizeof *w->filters);
    if (!w->dataset || !w->filters)
        return -1;
    for (size_t i = 0; i < n; i++) {
        w->n_filters++;
        if (read_filter(config_setting_get_elem(filters, (unsigned)i), &w->filters[i]) < 0)
            return -1;
    }
    if (codes_url(source, default_url, w) < 0)
        return -1;
    w->requests[0] = (struct pejl_request){.url = w->codes_url, .tag = EUROSTAT_VERIFY_CODES};
    w->requests[1] = (struct pejl_request){.url = data_url, .tag = EUROSTAT_VERIFY_DATA};
    return 0;
}

size_t eurostat_wanted_plan(struct eurostat_wanted *w, const struct pejl_request **requests)
{
    *requests = w->requests;
    return w->codes_url ? 2 : 0;
}

/* ---- the checks ---- */

static void list_codes(const struct jsonstat_dimension *dim, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < dim->size && len + 1 < size; i++) {
        int n = snprintf(buf + len, size - len, "%s%.40s", i ? ", " : "", dim->categories[i].code);
        if (n < 0 || (size_t)n >= size - len) {
            snprintf(buf + (size > 6 ? size - 6 : 0), size > 6 ? 6 : size, ", …");
            return;
        }
        len += (size_t)n;
    }
}

static void nearest_of(const char *wanted, const char **names, size_t n, char *buf, size_t size)
{
    char near[256];
    if (names && nearest_codes(wanted, names, n, near, sizeof near))
        snprintf(buf, size, "; nearest: %s", near);
    else
        buf[0] = '\0';
}

static void unknown_dimension(const struct eurostat_wanted *w, const struct jsonstat_dataset *ds,
                              const char *id, int line, const struct pejl_verify_sink *sink)
{
    char near[300], ids[LIST_SHOWN];
    size_t len = 0;
    const char **names = calloc(ds->n_dims + 1, sizeof *names);
    ids[0] = '\0';
    for (size_t i = 0; i < ds->n_dims; i++) {
        if (names)
            names[i] = ds->dims[i].id;
        int n = snprintf(ids + len, sizeof ids - len, "%s%.40s", i ? ", " : "", ds->dims[i].id);
        len += n > 0 && (size_t)n < sizeof ids - len ? (size_t)n : 0;
    }
    nearest_of(id, names, ds->n_dims, near, sizeof near);
    free(names);
    sink->problem(sink, line, 0, "dataset %s has no dimension %s%s; its dimensions are %s",
                  w->dataset, id, near, ids);
}

static void check_filter(const struct eurostat_wanted *w, const struct jsonstat_dataset *ds,
                         const struct eurostat_filter *f, const struct pejl_verify_sink *sink)
{
    int at = jsonstat_find_dimension(ds, f->dimension);
    if (at < 0) {
        unknown_dimension(w, ds, f->dimension, f->line, sink);
        return;
    }
    const struct jsonstat_dimension *dim = &ds->dims[at];
    const char **codes = calloc(dim->size + 1, sizeof *codes);
    for (size_t i = 0; codes && i < dim->size; i++)
        codes[i] = dim->categories[i].code;
    for (size_t k = 0; k < f->n_codes; k++) {
        char near[300], all[LIST_SHOWN];
        if (jsonstat_find_category(dim, f->codes[k]) >= 0)
            continue;
        nearest_of(f->codes[k], codes, dim->size, near, sizeof near);
        list_codes(dim, all, sizeof all);
        if (near[0])
            sink->problem(sink, f->line, 0, "dataset %s, dimension %s has no code \"%s\"%s",
                          w->dataset, dim->id, f->codes[k], near);
        else
            sink->problem(sink, f->line, 0,
                          "dataset %s, dimension %s has no code \"%s\"; its %zu codes: %s",
                          w->dataset, dim->id, f->codes[k], dim->size, all);
    }
    free(codes);
}

static const struct eurostat_filter *filter_of(const struct eurostat_wanted *w, const char *id)
{
    for (size_t i = 0; i < w->n_filters; i++)
        if (strcmp(w->filters[i].dimension, id) == 0)
            return &w->filters[i];
    return NULL;
}

static bool chosen(const struct jsonstat_choice *choice, const char *id)
{
    if (choice->panel && strcmp(choice->panel, id) == 0)
        return true;
    for (size_t i = 0; i < choice->n_picks; i++)
        if (strcmp(choice->picks[i].dimension, id) == 0)
            return true;
    return false;
}

/* Every dimension but time gets one code, or is the panel or selected. */
static void check_pinned(const struct eurostat_wanted *w, const struct jsonstat_choice *choice,
                         const struct jsonstat_dataset *ds, const struct pejl_verify_sink *sink)
{
    int time = jsonstat_time_dimension(ds, choice->time);
    for (size_t i = 0; i < ds->n_dims; i++) {
        const struct jsonstat_dimension *dim = &ds->dims[i];
        const struct eurostat_filter *f = filter_of(w, dim->id);
        size_t n = f ? f->n_codes : dim->size;
        char all[LIST_SHOWN];
        if ((int)i == time || n <= 1 || chosen(choice, dim->id))
            continue;
        list_codes(dim, all, sizeof all);
        if (f)
            sink->problem(sink, f->line, 0,
                          "dataset %s, dimension %s: %zu codes requested, but it is neither the "
                          "panel nor selected; keep one or write panel = \"%s\"",
                          w->dataset, dim->id, n, dim->id);
        else
            sink->problem(sink, w->dataset_line, 0,
                          "dataset %s, dimension %s has %zu codes and no filter; pin it "
                          "(filters = { %s = [ \"…\" ]; }) or make it the panel; its codes: %s",
                          w->dataset, dim->id, n, dim->id, all);
    }
    if (choice->panel && jsonstat_find_dimension(ds, choice->panel) < 0)
        unknown_dimension(w, ds, choice->panel, w->panel_line, sink);
}

static void check_codes(const struct eurostat_wanted *w, const struct jsonstat_choice *choice,
                        const struct jsonstat_dataset *ds, const struct pejl_verify_sink *sink)
{
    for (size_t i = 0; i < w->n_filters; i++)
        check_filter(w, ds, &w->filters[i], sink);
    check_pinned(w, choice, ds, sink);
}

/* The periods the data request gets, to pejld as coverage. */
static void check_data(const struct pejl_host *host, const struct eurostat_wanted *w,
                       const struct jsonstat_choice *choice, const struct jsonstat_dataset *ds,
                       const struct pejl_verify_sink *sink)
{
    int line = w->since_line ? w->since_line : w->dataset_line;
    int time = jsonstat_time_dimension(ds, choice->time);
    if (time < 0 || ds->n_cells == 0 || ds->dims[time].size == 0) {
        sink->problem(sink, line, 0, "dataset %s: the configured request returns no data%s",
                      w->dataset, time < 0 ? " with a time dimension" : "");
        return;
    }
    const struct jsonstat_dimension *t = &ds->dims[time];
    const char *first = t->categories[0].code, *last = t->categories[t->size - 1].code;
    struct pejl_period a, b;
    if (host->period_parse(first, strlen(first), &a) < 0 ||
        host->period_parse(last, strlen(last), &b) < 0) {
        sink->problem(sink, line, 1,
                      "dataset %s: time codes such as \"%.40s\" are not periods "
                      "pejl reads; the time range was not checked",
                      w->dataset, first);
        return;
    }
    sink->coverage(sink, line, &a, &b);
}

/* Eurostat's answer that a query is too big for one answer (413, or the
 * 200 "asynchronous" warning): the codes cannot be listed this way. */
static bool too_big(const struct pejl_response *response)
{
    size_t n = response->len < 4096 ? response->len : 4096;
    return memmem(response->body, n, "EXTRACTION_TOO_BIG", 18) ||
           memmem(response->body, n, "ASYNCHRONOUS_RESPONSE", 21);
}

int eurostat_verify_response(const struct pejl_host *host, const struct eurostat_wanted *w,
                             const struct jsonstat_choice *choice, uintptr_t tag,
                             const struct pejl_response *response,
                             const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    struct jsonstat_dataset ds;
    char why[768];
    if (tag == EUROSTAT_VERIFY_CODES && too_big(response)) {
        sink->problem(sink, w->dataset_line, 1,
                      "dataset %s is too big for Eurostat to list its codes in one answer (its "
                      "last period, unfiltered); the filters' codes were not checked",
                      w->dataset);
        return 0;
    }
    if (jsonstat_decode_within(response->body, response->len, NULL, &choice->limits, &ds, why,
                               sizeof why) < 0) {
        snprintf(err, errlen, "dataset %s, %s: %s", w->dataset,
                 tag == EUROSTAT_VERIFY_CODES ? "its codes (last period, unfiltered)"
                                              : "the configured request",
                 why);
        return -1;
    }
    if (tag == EUROSTAT_VERIFY_CODES)
        check_codes(w, choice, &ds, sink);
    else
        check_data(host, w, choice, &ds, sink);
    jsonstat_free(&ds);
    return 0;
}
