/*
 * csv.c — the `csv` collector: observations from one CSV file at a URL.
 *
 *     source { collector = "csv"; url = "file:demo-data/employment.csv"; }
 *
 * It asks pejld for that one URL and decodes the body with csv_parse.c,
 * emitting the observations sorted by period. Like every collector it never
 * does I/O itself and keeps no global state: everything lives in the state
 * that configure returns.
 */
#include "../common/source_config.h"
#include "csv_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_source {
    const struct pejl_host *host;
    struct csv_callbacks callbacks;
    char *url;
    struct pejl_request request; /* points at url */
};

static const struct source_key keys[] = {
    {"url", KEY_STRING, true},
    {NULL, 0, false},
};

static struct csv_source *source_new(const struct pejl_host *host, const char *url)
{
    struct csv_source *src = calloc(1, sizeof *src);
    if (!src || !(src->url = strdup(url))) {
        free(src);
        return NULL;
    }
    src->host = host;
    src->callbacks =
        (struct csv_callbacks){host->period_parse, host->period_format, host->status_parse};
    src->request = (struct pejl_request){.url = src->url};
    return src;
}

static void *csv_configure(const struct pejl_host *host, const config_setting_t *source,
                           struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "csv"};
    if (source_check(&r, keys) > 0)
        return NULL;
    const char *url = source_string(&r, "url");
    if (url[0] == '\0') {
        source_error(&r, "url", "url is empty in csv source");
        return NULL;
    }
    struct csv_source *src = source_new(host, url);
    if (!src)
        source_error(&r, NULL, "out of memory");
    return src;
}

static size_t csv_plan(void *state, const struct pejl_request **requests)
{
    struct csv_source *src = state;
    *requests = &src->request;
    return 1;
}

static int emit_rows(const struct csv_table *table, const struct pejl_sink *sink, char *err,
                     size_t errlen)
{
    for (size_t i = 0; i < table->n; i++) {
        if (sink->emit(sink, &table->rows[i].obs) < 0) {
            snprintf(err, errlen, "line %zu: observation not accepted", table->rows[i].line);
            return -1;
        }
    }
    return 0;
}

static int csv_decode(void *state, const struct pejl_request *request,
                      const struct pejl_response *response, const struct pejl_sink *sink, char *err,
                      size_t errlen)
{
    struct csv_source *src = state;
    struct csv_table table;
    (void)request;
    if (response->status < 200 || response->status > 299) {
        snprintf(err, errlen, "%s answered HTTP %ld", src->url, response->status);
        return -1;
    }
    if (csv_parse(response->body, response->len, &src->callbacks, &table, err, errlen) < 0)
        return -1;
    int rc = emit_rows(&table, sink, err, errlen);
    csv_table_free(&table);
    return rc;
}

static void csv_release(void *state)
{
    struct csv_source *src = state;
    if (!src)
        return;
    free(src->url);
    free(src);
}

/* The file's name (or the host it is fetched from): a CSV holds figures
 * from reports, whose publisher the config names with source_name. */
static size_t csv_describe(void *state, char *buf, size_t size)
{
    const struct csv_source *src = state;
    return source_url_place(src->url, buf, size);
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "csv",
    .configure = csv_configure,
    .plan = csv_plan,
    .decode = csv_decode,
    .release = csv_release,
    .describe = csv_describe,
};
