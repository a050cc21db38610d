/*
 * worldbank.c — the `worldbank` collector: World Bank API v2 indicator
 * values (e.g. population, SP.POP.TOTL) for a list of countries, one panel
 * member per country (its ISO 3166 alpha-2 code).
 *
 *     source = { collector = "worldbank"; indicator = "SP.POP.TOTL";
 *                countries = [ "DK", "SE", "DE" ];
 *                url = "https://api.worldbank.org/v2"; };
 *
 * The response is [ {page, pages, …}, [ {country:{id}, date, value}, … ] ];
 * further pages are followed. A null value is missing (not yet published).
 * An error comes as [ {"message":[{"id","key","value"}]} ] with status 200.
 *
 * A url with {page} in it is a template for every page instead (recorded
 * responses in files, or a mirror): nothing else is added to it.
 *
 * max_elements (default DECODE_BUDGET_ELEMENTS) bounds the JSON elements of
 * one page, counted before jansson builds its tree of them.
 *
 * Verification (--check-config --online, pejlctl verify) asks URL/country/XX
 * and URL/indicator/CODE (?format=json), or metadata_url: a base like url,
 * or a template with {path} ("country/DK", "indicator/SP.POP.TOTL").
 */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/decode_budget.h"
#include "../common/source_config.h"
#include "worldbank_verify.h"

#define WORLDBANK_URL "https://api.worldbank.org/v2"
#define WORLDBANK_PAGE 1000

struct worldbank_source {
    const struct pejl_host *host;
    char *first_url; /* page 1 */
    char *base;      /* the same without the page number */
    char *indicator; /* SP.POP.TOTL */
    struct decode_budget budget;
    struct pejl_request request;
    struct worldbank_wanted wanted; /* for verify */
};

static const struct source_key keys[] = {
    {"indicator", KEY_STRING, true},
    {"countries", KEY_STRING_ARRAY, true},
    {"url", KEY_STRING, false},
    {"max_elements", KEY_INT, false},
    {"metadata_url", KEY_STRING, false},
    {NULL, 0, false},
};

static bool code_valid(const char *code, size_t max)
{
    size_t n = strlen(code);
    for (const char *c = code; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '.' && *c != '_')
            return false;
    return n > 0 && n <= max;
}

static char *join_countries(char **countries)
{
    size_t len = 1;
    for (size_t i = 0; countries[i]; i++)
        len += strlen(countries[i]) + 1;
    char *joined = calloc(1, len);
    for (size_t i = 0; joined && countries[i]; i++) {
        if (i)
            strcat(joined, ";");
        strcat(joined, countries[i]);
    }
    return joined;
}

/* The url of page `page`: the template filled in, or base + page number. */
static char *page_url(const struct worldbank_source *src, long long page)
{
    char *url;
    const char *slot = strstr(src->base, "{page}");
    int n = slot ? asprintf(&url, "%.*s%lld%s", (int)(slot - src->base), src->base, page, slot + 6)
                 : asprintf(&url, "%s%lld", src->base, page);
    return n < 0 ? NULL : url;
}

static int build_base(struct worldbank_source *src, const char *url, const char *countries,
                      const char *indicator)
{
    if (url && strstr(url, "{page}"))
        return (src->base = strdup(url)) ? 0 : -1;
    return asprintf(&src->base, "%s/country/%s/indicator/%s?format=json&per_page=%d&page=",
                    url ? url : WORLDBANK_URL, countries, indicator, WORLDBANK_PAGE);
}

static void worldbank_release(void *state)
{
    struct worldbank_source *src = state;
    if (!src)
        return;
    free(src->first_url);
    free(src->base);
    worldbank_wanted_free(&src->wanted);
    free(src->indicator);
    free(src);
}

static int check_codes(struct source_reader *r, const char *indicator, char **countries)
{
    if (!code_valid(indicator, 64))
        source_error(r, "indicator", "indicator \"%s\" is not a World Bank indicator code "
                                     "(like SP.POP.TOTL)", indicator);
    for (size_t i = 0; countries && countries[i]; i++)
        if (!code_valid(countries[i], 3))
            source_error(r, "countries", "country \"%s\" is not an ISO code (DK or DNK)",
                         countries[i]);
    if (countries && !countries[0])
        source_error(r, "countries", "countries is empty; name at least one");
    return r->problems;
}

static void *worldbank_configure(const struct pejl_host *host, const config_setting_t *source,
                                 struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "worldbank"};
    if (source_check(&r, keys) > 0)
        return NULL;
    const char *indicator = source_string(&r, "indicator"), *url = source_string(&r, "url");
    char **countries = source_strings(&r, "countries", NULL);
    struct decode_budget budget = {.max_elements = (size_t)source_int_in(&r, "max_elements", 1000,
                                                                         DECODE_BUDGET_ELEMENTS_MAX,
                                                                         DECODE_BUDGET_ELEMENTS),
                                   .max_depth = DECODE_BUDGET_DEPTH};
    struct worldbank_source *src = NULL;
    if (check_codes(&r, indicator, countries) == 0 && (src = calloc(1, sizeof *src))) {
        char *joined = join_countries(countries);
        if (!joined || build_base(src, url, joined, indicator) < 0 ||
            !(src->indicator = strdup(indicator)) || !(src->first_url = page_url(src, 1)) ||
            worldbank_wanted_read(source, WORLDBANK_URL, &src->wanted) < 0) {
            source_error(&r, NULL, "out of memory");
            worldbank_release(src);
            src = NULL;
        }
        free(joined);
    }
    if (src) {
        src->host = host;
        src->budget = budget;
        src->request = (struct pejl_request){.url = src->first_url};
    }
    source_free_strings(countries);
    return src;
}

static size_t worldbank_plan(void *state, const struct pejl_request **requests)
{
    struct worldbank_source *src = state;
    *requests = &src->request;
    return 1;
}

static int api_error(json_t *root, char *err, size_t errlen)
{
    json_t *message = json_object_get(json_array_get(root, 0), "message");
    json_t *first = json_array_get(message, 0);
    if (!first)
        return 0;
    snprintf(err, errlen, "World Bank API error %s: %s: %s",
             json_string_value(json_object_get(first, "id")) ?: "?",
             json_string_value(json_object_get(first, "key")) ?: "?",
             json_string_value(json_object_get(first, "value")) ?: "?");
    return -1;
}

static int emit_row(const struct worldbank_source *src, json_t *row, const struct pejl_sink *sink,
                    char *err, size_t errlen)
{
    const char *member = json_string_value(json_object_get(json_object_get(row, "country"), "id"));
    const char *date = json_string_value(json_object_get(row, "date"));
    json_t *value = json_object_get(row, "value");
    struct pejl_observation obs = {.member = member, .value = NAN};
    if (!member || !date || src->host->period_parse(date, strlen(date), &obs.period) < 0) {
        snprintf(err, errlen, "a row without a country id or with date \"%s\" that is not a period",
                 date ? date : "");
        return -1;
    }
    if (json_is_number(value))
        obs.value = json_number_value(value);
    else if (!json_is_null(value)) {
        snprintf(err, errlen, "%s %s: value is neither a number nor null", member, date);
        return -1;
    }
    if (sink->emit(sink, &obs) < 0) {
        snprintf(err, errlen, "%s %s: observation not accepted (member key too long?)", member, date);
        return -1;
    }
    return 0;
}

static int follow_page(const struct worldbank_source *src, json_t *meta, const struct pejl_sink *sink)
{
    json_int_t page = json_integer_value(json_object_get(meta, "page"));
    json_int_t pages = json_integer_value(json_object_get(meta, "pages"));
    if (page >= pages)
        return 0;
    char *url = page_url(src, (long long)page + 1);
    if (!url)
        return -1;
    struct pejl_request next = {.url = url};
    int rc = sink->follow(sink, &next);
    free(url);
    return rc;
}

static int worldbank_decode(void *state, const struct pejl_request *request,
                            const struct pejl_response *response, const struct pejl_sink *sink,
                            char *err, size_t errlen)
{
    struct worldbank_source *src = state;
    json_error_t jerr;
    (void)request;
    if (decode_budget_check(response->body, response->len, &src->budget,
                            "max_elements in the source", err, errlen) < 0)
        return -1;
    json_t *root = json_loadb(response->body, response->len, 0, &jerr);
    json_t *rows = json_array_get(root, 1);
    int rc = -1;
    if (!root)
        snprintf(err, errlen, "not JSON (%s at byte %d)%s", jerr.text, jerr.position,
                 response->len && response->body[0] == '<' ? ": an HTML page" : "");
    else if (api_error(root, err, errlen) < 0)
        rc = -1;
    else if (response->status != 200)
        snprintf(err, errlen, "World Bank API answered HTTP %ld", response->status);
    else if (!json_is_array(root) || !json_is_array(rows))
        snprintf(err, errlen, "not [page-info, rows]: the World Bank API v2 shape");
    else
        rc = 0;
    for (size_t i = 0; rc == 0 && i < json_array_size(rows); i++)
        rc = emit_row(src, json_array_get(rows, i), sink, err, errlen);
    if (rc == 0 && follow_page(src, json_array_get(root, 0), sink) < 0) {
        snprintf(err, errlen, "too many pages");
        rc = -1;
    }
    json_decref(root);
    source_one_line(err); /* it may quote the API's message, or jansson quoting the body */
    return rc;
}

static size_t worldbank_verify_plan(void *state, const struct pejl_request **requests)
{
    struct worldbank_source *src = state;
    *requests = src->wanted.requests;
    return src->wanted.n;
}

static int worldbank_verify(void *state, const struct pejl_request *request,
                            const struct pejl_response *response,
                            const struct pejl_verify_sink *sink, char *err, size_t errlen)
{
    struct worldbank_source *src = state;
    if (!response) {
        sink->problem(sink, src->wanted.countries_line, 1, "not checked online: %s",
                      src->wanted.why_not ? src->wanted.why_not : "no metadata");
        return 0;
    }
    return worldbank_verify_response(&src->wanted, &src->budget, request->tag, response, sink, err,
                                     errlen);
}

/* "Verdensbanken/World Bank, SP.POP.TOTL": both names, as readers of either language look for one.
 */
static size_t worldbank_describe(void *state, char *buf, size_t size)
{
    const struct worldbank_source *src = state;
    int n = snprintf(buf, size, "Verdensbanken/World Bank, %s", src->indicator);
    return n < 0 ? 0 : (size_t)n;
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "worldbank",
    .configure = worldbank_configure,
    .plan = worldbank_plan,
    .decode = worldbank_decode,
    .release = worldbank_release,
    .verify_plan = worldbank_verify_plan,
    .verify = worldbank_verify,
    .describe = worldbank_describe,
};
