/*
 * eurostat.c — the `eurostat` collector: datasets of Eurostat's
 * dissemination API (JSON-stat 2.0).
 *
 *     source = { collector = "eurostat"; dataset = "sts_inpr_m";
 *                filters = { geo = [ "DK" ]; nace_r2 = [ "C21" ]; unit = [ "I21" ];
 *                            s_adj = [ "SCA" ]; };
 *                since = "2015";          # sinceTimePeriod
 *                (or filters = ( [ "geo", "DK" ], … ) for ids libconfig cannot name)
 *                panel = "geo";           # optional: one member per geo code
 *                url = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data"; };
 *
 * The request is URL/DATASET?format=JSON&lang=EN&KEY=VALUE… (a key repeated
 * for several values). Eurostat's error body, its 200 "warning" body (an
 * asynchronous extraction), and HTML under load are errors that say so; an
 * empty result is no observations; cells in positions-with-no-data are
 * simply missing.
 *
 * A url with {dataset} in it is a template for the whole request URL
 * (recorded responses in files, or a mirror): nothing is added to it.
 *
 * Verification (pejld --check-config --online, pejlctl verify) fetches the
 * dataset's last period unfiltered, URL/DATASET?format=JSON&lang=EN&
 * lastTimePeriod=1 (or metadata_url: a base like url, or a template with
 * {dataset}), and the configured request; eurostat_verify.c checks them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/jsonstat_source.h"
#include "../common/url_encode.h"
#include "eurostat_verify.h"

#define EUROSTAT_URL "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data"

struct eurostat_source {
    const struct pejl_host *host;
    struct jsonstat_choice choice;
    char *url, *what;
    struct pejl_request request;
    struct eurostat_wanted wanted; /* for verify: filters with their lines */
};

static const struct source_key keys[] = {
    {"dataset", KEY_STRING, true}, {"filters", KEY_PICKS, false},
    {"since", KEY_STRING, false},  {"panel", KEY_STRING, false},
    {"select", KEY_PICKS, false},  {"time", KEY_STRING, false},
    {"url", KEY_STRING, false},    {"max_elements", KEY_INT, false},
    {"max_cells", KEY_INT, false}, {"metadata_url", KEY_STRING, false},
    {NULL, 0, false},
};

static void eurostat_release(void *state)
{
    struct eurostat_source *src = state;
    if (!src)
        return;
    jsonstat_choice_free(&src->choice);
    eurostat_wanted_free(&src->wanted);
    free(src->url);
    free(src->what);
    free(src);
}

static bool code_ok(const char *code)
{
    for (const char *c = code; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-'))
            return false;
    return *code != '\0';
}

/* Appends &key=value for each value (from `first` on) of one filter array. */
static void append_filter(struct source_reader *r, FILE *url, const config_setting_t *f,
                          const char *key, int first)
{
    char *encoded_key = url_encode(key);
    for (int k = first; encoded_key && k < config_setting_length(f); k++) {
        const char *v = config_setting_get_string_elem(f, k);
        char *encoded = v ? url_encode(v) : NULL;
        if (!encoded)
            source_error_at(r, f, "filters: %s must hold strings", key);
        else
            fprintf(url, "&%s=%s", encoded_key, encoded);
        free(encoded);
    }
    free(encoded_key);
}

/* Appends &key=value for every value of every filter: filters = { geo =
 * [ "DK" ]; } or, for ids libconfig cannot name, ( [ "geo", "DK", … ], … ). */
static int append_filters(struct source_reader *r, FILE *url)
{
    const config_setting_t *filters = config_setting_get_member(r->source, "filters");
    bool list = filters && config_setting_type(filters) == CONFIG_TYPE_LIST;
    for (int i = 0; filters && i < config_setting_length(filters); i++) {
        const config_setting_t *f = config_setting_get_elem(filters, (unsigned)i);
        const char *key = list ? config_setting_get_string_elem(f, 0) : config_setting_name(f);
        if (config_setting_type(f) != CONFIG_TYPE_ARRAY ||
            config_setting_length(f) < (list ? 2 : 1) || !key || !key[0]) {
            if (list)
                source_error_at(r, f,
                                "filters: element %d must be [ \"geo\", \"DK\", … ] (a "
                                "dimension id and its codes)",
                                i + 1);
            else
                source_error(r, "filters", "filters: %s must be an array of codes [ \"DK\", … ]",
                             key);
            continue;
        }
        append_filter(r, url, f, key, list ? 1 : 0);
    }
    return r->problems;
}

static char *build_url(struct source_reader *r, const char *dataset)
{
    char *text = NULL;
    size_t len = 0;
    const char *base = source_string(r, "url"), *since = source_string(r, "since");
    if (base && strstr(base, "{dataset}")) {
        const char *slot = strstr(base, "{dataset}");
        return asprintf(&text, "%.*s%s%s", (int)(slot - base), base, dataset, slot + 9) < 0 ? NULL
                                                                                          : text;
    }
    FILE *url = open_memstream(&text, &len);
    if (!url)
        return NULL;
    fprintf(url, "%s/%s?format=JSON&lang=EN", base ? base : EUROSTAT_URL, dataset);
    append_filters(r, url);
    if (since) {
        char *encoded = url_encode(since);
        fprintf(url, "&sinceTimePeriod=%s", encoded ? encoded : "");
        free(encoded);
    }
    fclose(url);
    return text;
}

static void *eurostat_configure(const struct pejl_host *host, const config_setting_t *source,
                                struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "eurostat"};
    struct eurostat_source *src = calloc(1, sizeof *src);
    if (!src || source_check(&r, keys) > 0 || jsonstat_choice_read(&r, &src->choice) > 0) {
        eurostat_release(src);
        return NULL;
    }
    const char *dataset = source_string(&r, "dataset");
    if (!code_ok(dataset))
        source_error(&r, "dataset", "dataset \"%s\" is not a Eurostat dataset code (like sts_inpr_m)",
                     dataset);
    src->url = r.problems ? NULL : build_url(&r, dataset);
    if (r.problems || !src->url || asprintf(&src->what, "Eurostat dataset %s", dataset) < 0 ||
        eurostat_wanted_read(source, EUROSTAT_URL, src->url, &src->wanted) < 0) {
        eurostat_release(src);
        return NULL;
    }
    src->host = host;
    src->request = (struct pejl_request){.url = src->url};
    return src;
}

static size_t eurostat_plan(void *state, const struct pejl_request **requests)
{
    struct eurostat_source *src = state;
    *requests = &src->request;
    return 1;
}

static int eurostat_decode(void *state, const struct pejl_request *request,
                           const struct pejl_response *response, const struct pejl_sink *sink,
                           char *err, size_t errlen)
{
    struct eurostat_source *src = state;
    (void)request;
    return jsonstat_emit(src->host, &src->choice, response, sink, src->what, err, errlen);
}

static size_t eurostat_verify_plan(void *state, const struct pejl_request **requests)
{
    struct eurostat_source *src = state;
    return eurostat_wanted_plan(&src->wanted, requests);
}

static int eurostat_verify(void *state, const struct pejl_request *request,
                           const struct pejl_response *response,
                           const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    struct eurostat_source *src = state;
    if (!response) {
        sink->problem(sink, src->wanted.dataset_line, 1, "dataset %s not checked online: %s",
                      src->wanted.dataset,
                      src->wanted.why_not ? src->wanted.why_not : "no metadata");
        return 0;
    }
    return eurostat_verify_response(src->host, &src->wanted, &src->choice, request->tag, response,
                                    sink, err, errlen);
}

/* "Eurostat, sts_inpr_m". */
static size_t eurostat_describe(void *state, char *buf, size_t size)
{
    const struct eurostat_source *src = state;
    const char *dataset = src->what + strlen("Eurostat dataset ");
    int n = snprintf(buf, size, "Eurostat, %s", dataset);
    return n < 0 ? 0 : (size_t)n;
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "eurostat",
    .configure = eurostat_configure,
    .plan = eurostat_plan,
    .decode = eurostat_decode,
    .release = eurostat_release,
    .verify_plan = eurostat_verify_plan,
    .verify = eurostat_verify,
    .describe = eurostat_describe,
};
