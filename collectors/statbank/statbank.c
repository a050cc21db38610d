/*
 * statbank.c — the `statbank` collector: Statistics Denmark and Danmarks
 * Nationalbank tables through api.statbank.dk/v1.
 *
 *     source = { collector = "statbank"; table = "IPOP2021";
 *                variables = ( { code = "BRANCHE07"; values = [ "CF" ]; },
 *                              { code = "SÆSON"; values = [ "SÆSON" ]; },
 *                              { code = "Tid"; values = [ "*" ]; } );
 *                panel = "SITC";        # optional: a variable with several values
 *                select = { … };        # optional, as for jsonstat
 *                lang = "en";           # default en
 *                url = "https://api.statbank.dk/v1"; };
 *
 * It POSTs {"table":…,"format":"JSONSTAT","lang":…,"variables":[…]} to
 * URL/data and decodes the JSON-stat 1.x answer (the {"dataset":…}
 * wrapper, an extra ContentsCode dimension). The API's error bodies
 * ({"errorTypeCode","message"}) become the error, with the
 * StatbankAPI-Request-Id of the response in the log.
 *
 * A url with {table} in it is a template for the whole request URL (recorded
 * responses in files, or a mirror); otherwise /data is appended.
 *
 * Verification (pejld --check-config --online, pejlctl verify) fetches
 * URL/tableinfo?id=TABLE&format=JSON&lang=LANG, or metadata_url: a base
 * like url, or a template with {table} (recorded tableinfo in files);
 * statbank_verify.c checks the source against it.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/jsonstat_source.h"
#include "statbank_verify.h"

#define STATBANK_URL "https://api.statbank.dk/v1"
/* Longest body read as a possible error body. */
#define STATBANK_ERROR_MAX 65536

struct statbank_source {
    const struct pejl_host *host;
    struct jsonstat_choice choice;
    char *table, *url, *body, *what;
    struct pejl_request request;
    struct statbank_wanted wanted; /* for verify: variables with their lines */
    struct pejl_request metadata;  /* GET tableinfo */
};

static const struct source_key keys[] = {
    {"table", KEY_STRING, true},   {"variables", KEY_LIST, false},
    {"lang", KEY_STRING, false},   {"url", KEY_STRING, false},
    {"select", KEY_PICKS, false},  {"panel", KEY_STRING, false},
    {"time", KEY_STRING, false},   {"max_elements", KEY_INT, false},
    {"max_cells", KEY_INT, false}, {"metadata_url", KEY_STRING, false},
    {NULL, 0, false},
};

static void statbank_release(void *state)
{
    struct statbank_source *src = state;
    if (!src)
        return;
    jsonstat_choice_free(&src->choice);
    statbank_wanted_free(&src->wanted);
    free(src->table);
    free(src->url);
    free(src->body);
    free(src->what);
    free(src);
}

/* {"code": …, "values": [ … ]} from one { code = …; values = [ … ]; } group. */
static json_t *variable_json(struct source_reader *r, const config_setting_t *v)
{
    const char *code = NULL;
    const config_setting_t *values = config_setting_get_member(v, "values");
    if (config_setting_type(v) != CONFIG_TYPE_GROUP || !config_setting_lookup_string(v, "code", &code) ||
        !values || config_setting_type(values) != CONFIG_TYPE_ARRAY || config_setting_length(values) == 0 ||
        config_setting_length(v) != 2) {
        source_error(r, "variables", "each of variables must be { code = \"Tid\"; values = [ \"*\" ]; }");
        return NULL;
    }
    json_t *list = json_array();
    for (int i = 0; i < config_setting_length(values); i++) {
        const char *value = config_setting_get_string_elem(values, i);
        if (!value) {
            source_error(r, "variables", "variable %s: values must be strings", code);
            json_decref(list);
            return NULL;
        }
        if (json_array_append_new(list, json_string(value)) < 0)
            break; /* not UTF-8: jansson makes no string of it */
    }
    json_t *variable = json_array_size(list) == (size_t)config_setting_length(values)
                           ? json_pack("{s:s, s:O}", "code", code, "values", list)
                           : NULL;
    json_decref(list);
    if (!variable)
        source_error(r, "variables",
                     "variables: code and values must be UTF-8 (save the config as UTF-8)");
    return variable;
}

static char *request_body(struct source_reader *r, const char *table, const char *lang)
{
    json_t *vars = json_array();
    const config_setting_t *list = config_setting_get_member(r->source, "variables");
    if (list && config_setting_type(list) != CONFIG_TYPE_LIST)
        source_error(r, "variables", "variables must be a list ( { code = …; values = [ … ]; }, … )");
    for (int i = 0; list && config_setting_type(list) == CONFIG_TYPE_LIST &&
                    i < config_setting_length(list); i++) {
        json_t *v = variable_json(r, config_setting_get_elem(list, (unsigned)i));
        if (v)
            json_array_append_new(vars, v);
    }
    json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "table", table, "format", "JSONSTAT", "lang",
                             lang, "variables", vars);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    return text;
}

static char *data_url(const char *url, const char *table)
{
    char *out;
    const char *slot = url ? strstr(url, "{table}") : NULL;
    int n = slot ? asprintf(&out, "%.*s%s%s", (int)(slot - url), url, table, slot + 7)
                 : asprintf(&out, "%s/data", url ? url : STATBANK_URL);
    return n < 0 ? NULL : out;
}

static void *statbank_configure(const struct pejl_host *host, const config_setting_t *source,
                                struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "statbank"};
    struct statbank_source *src = calloc(1, sizeof *src);
    if (!src || source_check(&r, keys) > 0 || jsonstat_choice_read(&r, &src->choice) > 0) {
        statbank_release(src);
        return NULL;
    }
    const char *table = source_string(&r, "table"), *lang = source_string(&r, "lang");
    const char *url = source_string(&r, "url");
    src->host = host;
    src->table = strdup(table);
    src->body = request_body(&r, table, lang ? lang : "en");
    if (r.problems || !src->table || !src->body ||
        !(src->url = data_url(url, table)) ||
        asprintf(&src->what, "Statistics Denmark table %s", table) < 0 ||
        statbank_wanted_read(source, url, lang ? lang : "en", &src->wanted) < 0) {
        statbank_release(src);
        return NULL;
    }
    src->wanted.max_elements = src->choice.limits.max_elements;
    src->metadata = (struct pejl_request){.url = src->wanted.metadata_url};
    src->request = (struct pejl_request){.url = src->url, .method = "POST", .body = src->body,
                                         .content_type = "application/json"};
    return src;
}

static size_t statbank_plan(void *state, const struct pejl_request **requests)
{
    struct statbank_source *src = state;
    *requests = &src->request;
    return 1;
}

/* The API's own error body, when that is what came back. Error bodies are a
 * line; a bigger body is data, which only the JSON-stat decoder reads (a
 * tree of all of it would cost a hundred times its size). */
static int api_error(const struct statbank_source *src, const struct pejl_response *response,
                     char *err, size_t errlen)
{
    bool small = response->len <= STATBANK_ERROR_MAX;
    json_t *root = small ? json_loadb(response->body, response->len, 0, NULL) : NULL;
    const char *type = json_string_value(json_object_get(root, "errorTypeCode"));
    const char *message = json_string_value(json_object_get(root, "message"));
    int rc = 0;
    if (type || response->status >= 300) {
        const char *id = response->header(response, "StatbankAPI-Request-Id");
        snprintf(err, errlen, "%s: %s%s%s (HTTP %ld%s%s)", src->what, type ? type : "error",
                 message ? ": " : "", message ? message : "", response->status,
                 id ? ", StatbankAPI-Request-Id " : "", id ? id : "");
        source_one_line(err);
        rc = -1;
    }
    json_decref(root);
    return rc;
}

static int statbank_decode(void *state, const struct pejl_request *request,
                           const struct pejl_response *response, const struct pejl_sink *sink,
                           char *err, size_t errlen)
{
    struct statbank_source *src = state;
    (void)request;
    if (api_error(src, response, err, errlen) < 0)
        return -1;
    return jsonstat_emit(src->host, &src->choice, response, sink, src->what, err, errlen);
}

static size_t statbank_verify_plan(void *state, const struct pejl_request **requests)
{
    struct statbank_source *src = state;
    *requests = &src->metadata;
    return src->metadata.url ? 1 : 0;
}

static int statbank_verify(void *state, const struct pejl_request *request,
                           const struct pejl_response *response,
                           const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    struct statbank_source *src = state;
    (void)request;
    if (!response) {
        sink->problem(sink, src->wanted.table_line, 1, "table %s not checked online: %s",
                      src->table, src->wanted.why_not ? src->wanted.why_not : "no metadata");
        return 0;
    }
    return statbank_verify_tableinfo(src->host, &src->wanted, &src->choice, response->body,
                                     response->len, sink, err, errlen);
}

/* "Danmarks Statistik, SITC2R4": Statistikbanken is Statistics Denmark's. */
static size_t statbank_describe(void *state, char *buf, size_t size)
{
    const struct statbank_source *src = state;
    int n = snprintf(buf, size, "Danmarks Statistik, %s", src->table);
    return n < 0 ? 0 : (size_t)n;
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "statbank",
    .configure = statbank_configure,
    .plan = statbank_plan,
    .decode = statbank_decode,
    .release = statbank_release,
    .verify_plan = statbank_verify_plan,
    .verify = statbank_verify,
    .describe = statbank_describe,
};
