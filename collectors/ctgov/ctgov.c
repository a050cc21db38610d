/*
 * ctgov.c — the `ctgov` collector: counts of interventional studies on
 * ClinicalTrials.gov (API v2) per country and start year, one request each.
 *
 *     source = { collector = "ctgov";
 *                countries = { DK = "Denmark"; SE = "Sweden"; };  # member = LocationCountry
 *                from = 2015; to = 2024;                          # start years; to: this year
 *                terms = [ "AREA[Phase]PHASE3" ];                 # extra filter.advanced terms
 *                url = "https://clinicaltrials.gov/api/v2/studies"; };
 *
 * Each response is {"totalCount": N, …} (countTotal=true&pageSize=0); N
 * becomes the observation of that year for that country. The running year
 * is marked provisional. Pace requests with http.hosts (about 1 a second).
 *
 * A url with {country} and {year} in it is a template instead: each request
 * is that url with the member key and the year filled in, and no query is
 * added (recorded responses in files, or a mirror).
 *
 * max_elements (default DECODE_BUDGET_ELEMENTS) bounds the JSON elements of
 * a response, counted before jansson builds its tree of them.
 *
 * Verification (--check-config --online, pejlctl verify) counts each
 * country's studies once (ctgov_verify.c), at metadata_url: a base like
 * url, or a template with {country} (recorded answers in files).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/decode_budget.h"
#include "../common/source_config.h"
#include "../common/url_encode.h"
#include "ctgov_verify.h"

#define CTGOV_URL "https://clinicaltrials.gov/api/v2/studies"

struct ctgov_cell {
    char member[PEJL_MEMBER_MAX + 1];
    int year;
};

struct ctgov_source {
    const struct pejl_host *host;
    struct ctgov_cell *cells;
    struct pejl_request *requests;
    char **urls;
    size_t n;
    struct decode_budget budget;
    struct ctgov_wanted wanted; /* for verify */
};

static const struct source_key keys[] = {
    {"countries", KEY_GROUP, true},
    {"from", KEY_INT, true},
    {"to", KEY_INT, false},
    {"terms", KEY_STRING_ARRAY, false},
    {"url", KEY_STRING, false},
    {"max_elements", KEY_INT, false},
    {"metadata_url", KEY_STRING, false},
    {NULL, 0, false},
};

static int this_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

/* url with {country} and {year} replaced; NULL when out of memory. */
static char *fill_template(const char *url, const char *member, int year)
{
    char *out = malloc(strlen(url) * 2 + 16), *o = out; /* {country} (9) becomes at most 15 */
    if (!out)
        return NULL;
    for (const char *c = url; *c;) {
        if (strncmp(c, "{country}", 9) == 0) {
            o += sprintf(o, "%s", member);
            c += 9;
        } else if (strncmp(c, "{year}", 6) == 0) {
            o += sprintf(o, "%d", year);
            c += 6;
        } else {
            *o++ = *c++;
        }
    }
    *o = '\0';
    return out;
}

/* The filter.advanced query, as long as the terms make it (a cut filter
 * would be a different query); NULL when out of memory. */
static char *build_filter(const char *country, int year, char **terms)
{
    char *filter = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&filter, &len);
    if (!f)
        return NULL;
    fprintf(f,
            "AREA[LocationCountry]\"%s\" AND AREA[StartDate]RANGE[%d-01-01,%d-12-31] AND "
            "AREA[StudyType]INTERVENTIONAL",
            country, year, year);
    for (size_t i = 0; terms && terms[i]; i++)
        fprintf(f, " AND %s", terms[i]);
    if (fclose(f) != 0) {
        free(filter);
        return NULL;
    }
    return filter;
}

static char *build_url(const char *base, const char *member, const char *country, int year,
                       char **terms)
{
    if (strstr(base, "{country}") && strstr(base, "{year}"))
        return fill_template(base, member, year);
    char *filter = build_filter(country, year, terms);
    char *encoded = filter ? url_encode(filter) : NULL, *url = NULL;
    if (encoded && asprintf(&url, "%s?format=json&countTotal=true&pageSize=0&filter.advanced=%s",
                            base, encoded) < 0)
        url = NULL;
    free(encoded);
    free(filter);
    return url;
}

static void ctgov_release(void *state)
{
    struct ctgov_source *src = state;
    if (!src)
        return;
    for (size_t i = 0; i < src->n; i++)
        free(src->urls[i]);
    free(src->urls);
    free(src->cells);
    free(src->requests);
    ctgov_wanted_free(&src->wanted);
    free(src);
}

static int check_countries(struct source_reader *r, const config_setting_t *countries)
{
    for (int i = 0; i < config_setting_length(countries); i++) {
        const config_setting_t *c = config_setting_get_elem(countries, (unsigned)i);
        const char *key = config_setting_name(c);
        if (config_setting_type(c) != CONFIG_TYPE_STRING || strlen(key) > PEJL_MEMBER_MAX)
            source_error(r, "countries",
                         "countries: %s must be a country name as ClinicalTrials.gov writes it "
                         "(DK = \"Denmark\";), with a key of at most %d characters",
                         key, PEJL_MEMBER_MAX);
    }
    if (config_setting_length(countries) == 0)
        source_error(r, "countries", "countries is empty; name at least one");
    return r->problems;
}

static int fill(struct ctgov_source *src, const config_setting_t *countries, int from, int to,
                const char *base, char **terms)
{
    size_t n_countries = (size_t)config_setting_length(countries), k = 0;
    src->n = n_countries * (size_t)(to - from + 1);
    src->cells = calloc(src->n, sizeof *src->cells);
    src->requests = calloc(src->n, sizeof *src->requests);
    src->urls = calloc(src->n, sizeof *src->urls);
    if (!src->cells || !src->requests || !src->urls)
        return -1;
    for (size_t c = 0; c < n_countries; c++) {
        const config_setting_t *country = config_setting_get_elem(countries, (unsigned)c);
        for (int year = from; year <= to; year++, k++) {
            snprintf(src->cells[k].member, sizeof src->cells[k].member, "%s",
                     config_setting_name(country));
            src->cells[k].year = year;
            src->urls[k] = build_url(base, config_setting_name(country),
                                     config_setting_get_string(country), year, terms);
            if (!src->urls[k])
                return -1;
            src->requests[k] = (struct pejl_request){.url = src->urls[k], .tag = k};
        }
    }
    return 0;
}

static void *ctgov_configure(const struct pejl_host *host, const config_setting_t *source,
                             struct pejl_diag *diag)
{
    struct source_reader r = {.host = host, .source = source, .diag = diag, .collector = "ctgov"};
    if (source_check(&r, keys) > 0)
        return NULL;
    const config_setting_t *countries = config_setting_get_member(source, "countries");
    int from = (int)source_int(&r, "from", 0), to = (int)source_int(&r, "to", this_year());
    if (from < 1990 || to < from || to > 9999)
        source_error(&r, "from", "from = %d; to = %d is not a range of start years from 1990 on",
                     from, to);
    struct decode_budget budget = {.max_elements = (size_t)source_int_in(&r, "max_elements", 1000,
                                                                         DECODE_BUDGET_ELEMENTS_MAX,
                                                                         DECODE_BUDGET_ELEMENTS),
                                   .max_depth = DECODE_BUDGET_DEPTH};
    if (check_countries(&r, countries) > 0)
        return NULL;
    char **terms = source_strings(&r, "terms", NULL);
    const char *base = source_string(&r, "url");
    struct ctgov_source *src = calloc(1, sizeof *src);
    if (!src || fill(src, countries, from, to, base ? base : CTGOV_URL, terms) < 0 ||
        ctgov_wanted_read(source, CTGOV_URL, &src->wanted) < 0) {
        source_error(&r, NULL, "out of memory");
        ctgov_release(src);
        src = NULL;
    }
    if (src) {
        src->host = host;
        src->budget = budget;
    }
    source_free_strings(terms);
    return src;
}

static size_t ctgov_plan(void *state, const struct pejl_request **requests)
{
    struct ctgov_source *src = state;
    *requests = src->requests;
    return src->n;
}

static int ctgov_decode(void *state, const struct pejl_request *request,
                        const struct pejl_response *response, const struct pejl_sink *sink,
                        char *err, size_t errlen)
{
    struct ctgov_source *src = state;
    const struct ctgov_cell *cell = &src->cells[request->tag];
    json_error_t jerr;
    char why[512];
    if (decode_budget_check(response->body, response->len, &src->budget,
                            "max_elements in the source", why, sizeof why) < 0) {
        snprintf(err, errlen, "%s %d: %s", cell->member, cell->year, why);
        return -1;
    }
    json_t *root = json_loadb(response->body, response->len, 0, &jerr);
    json_t *count = root ? json_object_get(root, "totalCount") : NULL;
    int rc = -1;
    if (response->status != 200)
        snprintf(err, errlen, "%s %d: ClinicalTrials.gov answered HTTP %ld: %.200s", cell->member,
                 cell->year, response->status, response->body);
    else if (!root)
        snprintf(err, errlen, "%s %d: not JSON (%s at byte %d)", cell->member, cell->year,
                 jerr.text, jerr.position);
    else if (!json_is_integer(count) || json_integer_value(count) < 0)
        snprintf(err, errlen, "%s %d: no totalCount in the response (was countTotal=true sent?)",
                 cell->member, cell->year);
    else
        rc = 0;
    if (rc == 0) {
        struct pejl_observation obs = {
            .period = {.year = (int16_t)cell->year, .kind = PEJL_PERIOD_YEAR},
            .value = (double)json_integer_value(count),
            .status = cell->year >= this_year() ? PEJL_STATUS_PROVISIONAL : 0,
            .member = cell->member};
        rc = sink->emit(sink, &obs);
    }
    json_decref(root);
    source_one_line(err); /* it may quote the body, or jansson quoting it */
    return rc;
}

static size_t ctgov_verify_plan(void *state, const struct pejl_request **requests)
{
    struct ctgov_source *src = state;
    *requests = src->wanted.requests;
    return src->wanted.n;
}

static int ctgov_verify(void *state, const struct pejl_request *request,
                        const struct pejl_response *response, const struct pejl_verify_sink *sink,
                        char *err, size_t errlen)
{
    struct ctgov_source *src = state;
    if (!response) {
        sink->problem(sink, 0, 1, "not checked online: %s",
                      src->wanted.why_not ? src->wanted.why_not : "no countries");
        return 0;
    }
    return ctgov_verify_response(&src->wanted, &src->budget, request->tag, response, sink, err,
                                 errlen);
}

/* The registry: its answers are counts of its own records. */
static size_t ctgov_describe(void *state, char *buf, size_t size)
{
    (void)state;
    int n = snprintf(buf, size, "ClinicalTrials.gov");
    return n < 0 ? 0 : (size_t)n;
}

__attribute__((visibility("default"))) const struct pejl_collector pejl_collector = {
    .abi_version = PEJL_COLLECTOR_ABI,
    .name = "ctgov",
    .configure = ctgov_configure,
    .plan = ctgov_plan,
    .decode = ctgov_decode,
    .release = ctgov_release,
    .verify_plan = ctgov_verify_plan,
    .verify = ctgov_verify,
    .describe = ctgov_describe,
};
