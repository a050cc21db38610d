/*
 * test_collectors.c — collector modules as pejld loads them (dlopen from the
 * build tree, pejld's host table), fed recorded responses with no network:
 * their requests, the observations they decode (checked at known positions
 * against the numbers in the files), their errors for the API's own error
 * bodies, HTML and wrong shapes, follow-up pages, and config problems.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "config.h"
#include "period.h"
#include "plugin.h"
#include "tests/unit/unit_files.h"

static struct plugins *plugins;

struct decoded {
    struct pejl_observation obs[512];
    char members[512][PEJL_MEMBER_MAX + 1];
    size_t n;
    char follow[4][1024];
    size_t n_follow;
};

static int emit(const struct pejl_sink *sink, const struct pejl_observation *obs)
{
    struct decoded *d = sink->core;
    assert_true(d->n < 512);
    d->obs[d->n] = *obs;
    if (obs->member) {
        snprintf(d->members[d->n], sizeof d->members[d->n], "%s", obs->member);
        d->obs[d->n].member = d->members[d->n];
    }
    d->n++;
    return 0;
}

static int follow(const struct pejl_sink *sink, const struct pejl_request *request)
{
    struct decoded *d = sink->core;
    snprintf(d->follow[d->n_follow++], sizeof d->follow[0], "%s", request->url);
    return 0;
}

static const char *no_header(const struct pejl_response *r, const char *name)
{
    (void)r;
    (void)name;
    return NULL;
}

struct source {
    const struct collector_module *module;
    void *state;
    config_t cf;
};

/* Configures `collector` with the body of a source block; NULL state when
 * the collector refused it, with the problems in `diag`. */
static struct source configure(const char *collector, const char *block, struct pejl_diag *diag)
{
    struct source s = {0};
    char text[4096], err[512];
    snprintf(text, sizeof text, "source = { collector = \"%s\"; %s };\n", collector, block);
    config_init(&s.cf);
    if (config_read_string(&s.cf, text) != CONFIG_TRUE)
        fail_msg("test config does not parse: %s", config_error_text(&s.cf));
    s.module = plugin_list_get(plugins, collector, err, sizeof err);
    if (!s.module)
        fail_msg("%s", err);
    diag->default_file = "test.conf";
    s.state = s.module->api->configure(plugin_host(), config_lookup(&s.cf, "source"), diag);
    return s;
}

static void release(struct source *s)
{
    if (s->state)
        s->module->api->release(s->state);
    config_destroy(&s->cf);
}

/* Decodes `len` bytes at `body` as the response to planned request `index`. */
static int decode_body(struct source *s, size_t index, const char *body, size_t len, long status,
                       struct decoded *d, char *err, size_t errlen)
{
    const struct pejl_request *requests;
    size_t n = s->module->api->plan(s->state, &requests);
    assert_true(index < n);
    struct pejl_response response = {.status = status, .body = body, .len = len, .header = no_header};
    struct pejl_sink sink = {.emit = emit, .follow = follow, .core = d};
    err[0] = '\0';
    return s->module->api->decode(s->state, &requests[index], &response, &sink, err, errlen);
}

/* Decodes `file` (from tests/data) as the response to planned request `index`. */
static int decode_file(struct source *s, size_t index, const char *file, long status,
                       struct decoded *d, char *err, size_t errlen)
{
    char *path = unit_path(PEJL_TEST_DATA, file);
    size_t len;
    char *body = unit_read_file(path, &len);
    int rc = decode_body(s, index, body, len, status, d, err, errlen);
    free(body);
    free(path);
    return rc;
}

/* `head`, then `element` and a comma `count` times, then `tail`: a hostile
 * body made at test time (never committed). Caller frees. */
static char *repeated(const char *head, const char *element, size_t count, const char *tail,
                      size_t *len)
{
    size_t h = strlen(head), e = strlen(element), t = strlen(tail);
    char *body = malloc(h + count * (e + 1) + t + 1), *o = body;
    assert_non_null(body);
    memcpy(o, head, h);
    o += h;
    for (size_t i = 0; i < count; i++, o += e + 1) {
        memcpy(o, element, e);
        o[e] = ',';
    }
    if (count)
        o--; /* no comma after the last */
    memcpy(o, tail, t + 1);
    *len = (size_t)(o - body) + t;
    return body;
}

/* Decodes a generated body, printing how long it took (measured, not asserted). */
static int decode_timed(struct source *s, const char *what, const char *body, size_t len, char *err,
                        size_t errlen)
{
    struct decoded *d = calloc(1, sizeof *d);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = decode_body(s, 0, body, len, 200, d, err, errlen);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "  %s: %zu bytes decoded in %.3f s: %s\n", what, len,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            rc < 0 ? err : "accepted");
    free(d);
    return rc;
}

static const struct pejl_observation *find(const struct decoded *d, const char *member,
                                           const char *period)
{
    struct pejl_period p;
    assert_int_equal(period_parse(period, strlen(period), &p), 0);
    for (size_t i = 0; i < d->n; i++)
        if (period_equal(&d->obs[i].period, &p) &&
            strcmp(d->obs[i].member ? d->obs[i].member : "", member ? member : "") == 0)
            return &d->obs[i];
    fail_msg("no observation %s %s", member ? member : "", period);
    return NULL;
}

static void expect_problem(const struct pejl_diag *diag, const char *needle)
{
    for (size_t i = 0; i < diag->n; i++)
        if (strstr(diag->lines[i], needle))
            return;
    for (size_t i = 0; i < diag->n; i++)
        fprintf(stderr, "  got: %s\n", diag->lines[i]);
    fail_msg("no problem mentions \"%s\"", needle);
}

/* ---- ctgov ---- */

static void test_ctgov_requests(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov",
                                "countries = { DK = \"Denmark\"; CH = \"Switzerland\"; };"
                                " from = 2022; to = 2023; terms = [ \"AREA[Phase]PHASE3\" ];",
                                &diag);
    assert_non_null(s.state);
    const struct pejl_request *r;
    assert_int_equal(s.module->api->plan(s.state, &r), 4);
    assert_string_equal(
        r[1].url, "https://clinicaltrials.gov/api/v2/studies?format=json&countTotal=true&pageSize=0"
                  "&filter.advanced=AREA%5BLocationCountry%5D%22Denmark%22%20AND%20AREA%5BStartDate"
                  "%5DRANGE%5B2023-01-01%2C2023-12-31%5D%20AND%20AREA%5BStudyType%5DINTERVENTIONAL"
                  "%20AND%20AREA%5BPhase%5DPHASE3");
    release(&s);
}

static void test_ctgov_decodes_total_count(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov", "countries = { DK = \"Denmark\"; }; from = 2011; to = 2012;", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 1, "ctgov/search_age_count_20260811.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 1);
    const struct pejl_observation *o = find(&d, "DK", "2012");
    assert_true(o->value == 598101.0);
    assert_int_equal(o->status, 0);
    release(&s);
}

/* A year not yet over has a count that grows every day: provisional, so
 * that the revision alert leaves its updates out; the year before is not. */
static void test_ctgov_running_year_provisional(void **state)
{
    (void)state;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    int year = tm.tm_year + 1900;
    char text[128], period[16];
    snprintf(text, sizeof text, "countries = { DK = \"Denmark\"; }; from = %d;", year - 1);
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov", text, &diag);
    struct decoded d = {0};
    char err[512];
    const char *file = "ctgov/search_age_count_20260811.json";
    assert_int_equal(decode_file(&s, 0, file, 200, &d, err, sizeof err), 0);
    assert_int_equal(decode_file(&s, 1, file, 200, &d, err, sizeof err), 0);
    snprintf(period, sizeof period, "%d", year - 1);
    assert_int_equal(find(&d, "DK", period)->status, 0);
    snprintf(period, sizeof period, "%d", year);
    assert_int_equal(find(&d, "DK", period)->status, PEJL_STATUS_PROVISIONAL);
    release(&s);
}

/* The recorded pages of a study listing: the first carries totalCount, the
 * page it leads to (a pageToken request) does not, which a count refuses. */
static void test_ctgov_listing_pages(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov", "countries = { DK = \"Denmark\"; }; from = 2024; to = 2024;", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "ctgov/search_phelan_limit5_20260811.json", 200, &d, err, sizeof err), 0);
    assert_true(find(&d, "DK", "2024")->value == 21.0);
    assert_int_equal(decode_file(&s, 0, "ctgov/search_phelan_next_20260811.json", 200, &d, err, sizeof err), -1);
    assert_string_equal(err, "DK 2024: no totalCount in the response (was countTotal=true sent?)");
    release(&s);
}

/* Statistics Denmark's own CSV (BOM, ';', CRLF, its own columns) is not the
 * period,value[,status] the csv collector reads: refused, naming the column. */
static void test_csv_refuses_dst_csv(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("csv", "url = \"file:x.csv\";", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "dst/STRAF42_data_csv.csv", 200, &d, err, sizeof err), -1);
    assert_string_equal(err, "line 1: \"HERKOMST1\" is not a period (write 2023, 2023-Q1, 2023-01, 2023-W05 or 2023-01-31)");
    release(&s);
}

static void test_ctgov_errors(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov", "countries = { DK = \"Denmark\"; }; from = 2020; to = 2020;", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "http/html", 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "DK 2020: not JSON"));
    assert_int_equal(decode_file(&s, 0, "worldbank/error_invalid_country.json", 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "no totalCount"));
    assert_int_equal(decode_file(&s, 0, "ctgov/search_age_count_20260811.json", 400, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "answered HTTP 400"));
    release(&s);
}

static void test_ctgov_config_problems(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov", "countries = { DK = 1; }; from = 1980; pages = 2;", &diag);
    assert_null(s.state);
    expect_problem(&diag, "unknown key \"pages\" in ctgov source; allowed: collector, countries, from");
    release(&s);
    diag_free(&diag);
    s = configure("ctgov", "from = 2020;", &diag);
    expect_problem(&diag, "ctgov source needs countries = a group");
    release(&s);
    diag_free(&diag);
    s = configure("ctgov", "countries = { DK = 1; }; from = 1980;", &diag);
    expect_problem(&diag, "from = 1980");
    expect_problem(&diag, "countries: DK must be a country name");
    release(&s);
    diag_free(&diag);
}

/* Terms that make the filter longer than 2 KB are all sent: a filter cut
 * short would be a different, wrong query. */
static void test_ctgov_long_filter_is_whole(void **state)
{
    (void)state;
    char block[3500] = "countries = { DK = \"Denmark\"; }; from = 2022; to = 2022; terms = [ ";
    for (int i = 0; i < 90; i++)
        snprintf(block + strlen(block), sizeof block - strlen(block),
                 "%s\"AREA[Condition]term%02d\"", i ? ", " : "", i);
    strcat(block, " ];");
    struct pejl_diag diag = {0};
    struct source s = configure("ctgov", block, &diag);
    assert_non_null(s.state);
    const struct pejl_request *r;
    assert_int_equal(s.module->api->plan(s.state, &r), 1);
    assert_true(strlen(r[0].url) > 3000);
    assert_non_null(strstr(r[0].url, "AREA%5BCondition%5Dterm00%20AND%20"));
    const char *end = "%20AND%20AREA%5BCondition%5Dterm89";
    assert_string_equal(r[0].url + strlen(r[0].url) - strlen(end), end);
    release(&s);
}

/* ---- worldbank ---- */

static void test_worldbank_decodes_panel(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"AT\", \"IN\", \"RU\", \"US\" ];", &diag);
    assert_non_null(s.state);
    const struct pejl_request *r;
    assert_int_equal(s.module->api->plan(s.state, &r), 1);
    assert_string_equal(r[0].url, "https://api.worldbank.org/v2/country/AT;IN;RU;US/indicator/"
                                  "SP.POP.TOTL?format=json&per_page=1000&page=1");
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "worldbank/SP.POP.TOTL_AT_IN_RU_US_2011-2025.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 60);
    assert_true(find(&d, "AT", "2025")->value == 9208163.0);
    assert_true(find(&d, "IN", "2011")->value == 1261224954.0);
    assert_true(find(&d, "US", "2024")->value == 340003797.0);
    assert_int_equal(d.n_follow, 0); /* page 1 of 1 */
    release(&s);
}

static void test_worldbank_error_body(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"XX\" ];", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "worldbank/error_invalid_country.json", 200, &d, err, sizeof err), -1);
    assert_string_equal(err, "World Bank API error 120: Invalid value: The provided parameter value is not valid");
    assert_int_equal(decode_file(&s, 0, "http/html", 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "an HTML page"));
    release(&s);
    s = configure("worldbank", "indicator = \"SP POP\"; countries = [ \"Denmark\" ];", &diag);
    assert_null(s.state);
    expect_problem(&diag, "indicator \"SP POP\" is not a World Bank indicator code");
    expect_problem(&diag, "country \"Denmark\" is not an ISO code");
    release(&s);
    diag_free(&diag);
}

static void test_worldbank_follows_pages(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ]; url = \"http://127.0.0.1:9\";", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "worldbank/page1of2.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 2);
    assert_true(isnan(find(&d, "DK", "2025")->value)); /* null: not published yet */
    assert_int_equal(d.n_follow, 1);
    assert_string_equal(d.follow[0], "http://127.0.0.1:9/country/DK/indicator/SP.POP.TOTL?format=json&per_page=1000&page=2");
    release(&s);
}

/* ---- statbank, eurostat, jsonstat ---- */

static void test_statbank_request_and_decode(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("statbank",
                                "table = \"STRAF42\"; variables = ( { code = \"OVERTRÆD\"; values = [ \"TOT\" ]; },"
                                " { code = \"Tid\"; values = [ \"*\" ]; } );", &diag);
    diag_print(&diag, stderr);
    assert_non_null(s.state);
    const struct pejl_request *r;
    assert_int_equal(s.module->api->plan(s.state, &r), 1);
    assert_string_equal(r[0].url, "https://api.statbank.dk/v1/data");
    assert_string_equal(r[0].method, "POST");
    assert_string_equal(r[0].body, "{\"table\":\"STRAF42\",\"format\":\"JSONSTAT\",\"lang\":\"en\","
                                   "\"variables\":[{\"code\":\"OVERTRÆD\",\"values\":[\"TOT\"]},"
                                   "{\"code\":\"Tid\",\"values\":[\"*\"]}]}");
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "jsonstat/recorded/dst/STRAF42_data_jsonstat.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 1);
    assert_true(find(&d, NULL, "2023")->value == 233454.0);
    assert_int_equal(decode_file(&s, 0, "statbank/error-extract-notfound.json", 400, &d, err, sizeof err), -1);
    assert_string_equal(err, "Statistics Denmark table STRAF42: EXTRACT-NOTFOUND: Tabel findes ikke: "
                             "INVALIDTABLE999 (HTTP 400)");
    release(&s);
    s = configure("statbank", "table = \"X\"; variables = ( { code = \"Tid\"; } );", &diag);
    assert_null(s.state);
    expect_problem(&diag, "each of variables must be { code = \"Tid\"; values = [ \"*\" ]; }");
    release(&s);
    diag_free(&diag);
}

static void test_eurostat_panel_with_status(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("eurostat",
                                "dataset = \"demo_pjan\"; filters = { sex = [ \"T\" ]; age = [ \"TOTAL\" ];"
                                " geo = [ \"BE\", \"FR\" ]; }; since = \"2018\"; panel = \"geo\";", &diag);
    diag_print(&diag, stderr);
    assert_non_null(s.state);
    const struct pejl_request *r;
    s.module->api->plan(s.state, &r);
    assert_string_equal(r[0].url, "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"
                                  "demo_pjan?format=JSON&lang=EN&sex=T&age=TOTAL&geo=BE&geo=FR"
                                  "&sinceTimePeriod=2018");
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "jsonstat/recorded/eurostat/demo_pjan_9geo_4years.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 36); /* 9 countries x 4 years */
    assert_true(find(&d, "BE", "2018")->value == 11398589.0);
    assert_true(find(&d, "FR", "2018")->value == 67026224.0);
    assert_int_equal(find(&d, "FR", "2018")->status, PEJL_STATUS_PROVISIONAL);
    assert_true(find(&d, "UK", "2018")->value == 66273576.0);
    assert_true(isnan(find(&d, "UK", "2025")->value)); /* absent from the sparse value */
    assert_int_equal(decode_file(&s, 0, "jsonstat/eurostat-asynchronous-warning.json", 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "Eurostat dataset demo_pjan: "));
    assert_int_equal(decode_file(&s, 0, "jsonstat/html-server-overloaded.html", 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "HTML"));
    release(&s);
}

/* String values are missing with their text as status; explicit statuses win;
 * pejl keeps the letters it knows. */
static void test_jsonstat_statuses(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("jsonstat", "url = \"file:x.json\"; panel = \"geo\";", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "jsonstat/sparse-string-values-and-status-object.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 9);
    assert_true(isnan(find(&d, "DK", "2022")->value));
    assert_int_equal(find(&d, "DK", "2022")->status, PEJL_STATUS_CONFIDENTIAL);
    assert_true(find(&d, "DK", "2023")->value == 3.0);
    assert_int_equal(find(&d, "DK", "2023")->status, PEJL_STATUS_PROVISIONAL);
    assert_true(isnan(find(&d, "SE", "2022")->value)); /* ".." */
    assert_int_equal(find(&d, "SE", "2022")->status, 0);
    assert_true(find(&d, "NO", "2023")->value == -25e-4);
    assert_int_equal(find(&d, "NO", "2023")->status, PEJL_STATUS_ESTIMATED | PEJL_STATUS_PROVISIONAL);
    release(&s);
}

/* The forms the reference toolkit reads beside the letter of JSON-stat reach
 * the collectors: statuses wrapped in value and category, numbers as strings. */
static void test_jsonstat_liberal_forms(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("jsonstat", "url = \"file:x.json\"; panel = \"geo\";", &diag);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "jsonstat/liberal-status-value-and-category.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 6);
    assert_true(find(&d, "DK", "2022")->value == 2.0);
    assert_int_equal(find(&d, "DK", "2022")->status, PEJL_STATUS_PROVISIONAL);
    assert_int_equal(find(&d, "DK", "2023")->status, PEJL_STATUS_ESTIMATED);
    assert_int_equal(find(&d, "SE", "2021")->status, PEJL_STATUS_PROVISIONAL); /* by position */
    assert_true(isnan(find(&d, "SE", "2023")->value));
    release(&s);
    s = configure("jsonstat", "url = \"file:x.json\";", &diag);
    d = (struct decoded){0};
    assert_int_equal(decode_file(&s, 0, "jsonstat/liberal-values-as-strings.json", 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 6);
    assert_true(find(&d, NULL, "2018")->value == 12.5);
    assert_true(isnan(find(&d, NULL, "2020")->value));
    assert_true(find(&d, NULL, "2023")->value == 7.0);
    release(&s);
}

static void test_jsonstat_select_errors(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("jsonstat", "url = \"file:x.json\"; select = { geo = \"DK\"; };", &diag);
    struct decoded d = {0};
    char err[1024];
    assert_int_equal(decode_file(&s, 0, "jsonstat/recorded/eurostat/demo_pjan_9geo_4years.json", 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "DK"));
    release(&s);
    s = configure("jsonstat", "url = \"file:x.json\"; select = { geo = 4; };", &diag);
    assert_null(s.state);
    expect_problem(&diag, "select: geo must be one category code");
    release(&s);
    diag_free(&diag);
}

/* select's list form names dimensions libconfig cannot (OVERTRÆD, KØN):
 * the request body carries them as JSON strings, the picks find them in
 * the answer. The answer is STRAF42's recorded shape with both variables. */
static void test_statbank_select_danish_ids(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure(
        "statbank",
        "table = \"STRAF42\"; variables = ( { code = \"OVERTRÆD\"; values = [ \"TOT\", \"1\" ]; },"
        " { code = \"KØN\"; values = [ \"*\" ]; }, { code = \"Tid\"; values = [ \"*\" ]; } );"
        " select = ( [ \"OVERTRÆD\", \"1\" ] ); panel = \"KØN\";",
        &diag);
    diag_print(&diag, stderr);
    assert_non_null(s.state);
    const struct pejl_request *r;
    assert_int_equal(s.module->api->plan(s.state, &r), 1);
    assert_string_equal(r[0].body,
                        "{\"table\":\"STRAF42\",\"format\":\"JSONSTAT\",\"lang\":\"en\","
                        "\"variables\":[{\"code\":\"OVERTRÆD\",\"values\":[\"TOT\",\"1\"]},"
                        "{\"code\":\"KØN\",\"values\":[\"*\"]},"
                        "{\"code\":\"Tid\",\"values\":[\"*\"]}]}");
    struct decoded d = {0};
    char err[512];
    const char *file = "jsonstat/danish-dimension-ids-straf42-shape.json";
    assert_int_equal(decode_file(&s, 0, file, 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 6); /* KØN TOT, M, K x 2 years, of OVERTRÆD 1 */
    assert_true(find(&d, "M", "2023")->value == 1012.0);
    assert_true(find(&d, "TOT", "2022")->value == 1001.0);
    release(&s);

    s = configure(
        "statbank",
        "table = \"STRAF42\"; select = ( [ \"OVERTRÆD\", \"TOT\" ], [ \"KØN\", \"K\" ] );", &diag);
    assert_non_null(s.state);
    memset(&d, 0, sizeof d);
    assert_int_equal(decode_file(&s, 0, file, 200, &d, err, sizeof err), 0);
    assert_int_equal(d.n, 2);
    assert_true(find(&d, NULL, "2023")->value == 22.0);
    release(&s);

    /* A code that is not UTF-8 (a config saved as Latin-1) cannot be sent:
     * refused, never dropped from the request. */
    s = configure(
        "statbank",
        "table = \"STRAF42\"; variables = ( { code = \"K\\xd8N\"; values = [ \"TOT\" ]; } );",
        &diag);
    assert_null(s.state);
    expect_problem(&diag, "variables: code and values must be UTF-8");
    release(&s);
    s = configure(
        "statbank",
        "table = \"STRAF42\"; variables = ( { code = \"KOEN\"; values = [ \"\\xd8\" ]; } );",
        &diag);
    assert_null(s.state);
    expect_problem(&diag, "variables: code and values must be UTF-8");
    release(&s);

    /* A pick the answer lacks names the dimension as written. */
    s = configure("statbank",
                  "table = \"STRAF42\"; select = ( [ \"OVERTRÆD\", \"9\" ], [ \"KØN\", \"K\" ] );",
                  &diag);
    memset(&d, 0, sizeof d);
    assert_int_equal(decode_file(&s, 0, file, 200, &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "OVERTRÆD"));
    release(&s);
    diag_free(&diag);
}

/* Every malformed element of select's list form is refused at its line. */
static void test_select_list_problems(void **state)
{
    (void)state;
    static const struct {
        const char *select, *problem;
    } cases[] = {
        {"( \"KØN\" )", "test.conf:2: select: element 1 must be [ \"KØN\", \"TOT\" ]"},
        {"( [ \"KØN\" ] )", "test.conf:2: select: element 1 must be [ \"KØN\", \"TOT\" ]"},
        {"( [ \"KØN\", \"TOT\", \"M\" ] )", "test.conf:2: select: element 1 must be"},
        {"( [ 1, 2 ] )", "test.conf:2: select: element 1 must be"},
        {"( { KOEN = \"TOT\"; } )", "test.conf:2: select: element 1 must be"},
        {"( ( \"KØN\", \"TOT\" ) )", "test.conf:2: select: element 1 must be"},
        {"( [ \"TID\", \"2023\" ],\n [ \"\", \"TOT\" ] )",
         "test.conf:3: select: element 2: dimension id \"\" must be 1 to 64 bytes of UTF-8"},
        {"( [ \"K\\x01N\", \"TOT\" ] )",
         "test.conf:2: select: element 1: dimension id \"K N\" must be"},
        {"( [ \"K\\xd8N\", \"TOT\" ] )", "test.conf:2: select: element 1: dimension id"},
        {"( [ \""
         "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"
         "\", \"T\" ] )",
         "must be 1 to 64 bytes"},
        {"( [ \"KØN\", \"\" ] )",
         "test.conf:2: select: element 1: category code \"\" of KØN must be"},
        {"( [ \"KØN\", \"TOT\" ],\n [ \"OVERTRÆD\", \"TOT\" ],\n [ \"KØN\", \"M\" ] )",
         "test.conf:4: select: element 3 selects dimension \"KØN\" again"},
        {"\"KØN\"",
         "select must be a group { … } or a list ( [ \"…\", … ], … ) in jsonstat source"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct pejl_diag diag = {0};
        char block[512];
        snprintf(block, sizeof block, "url = \"file:x.json\";\n select = %s;", cases[i].select);
        struct source s = configure("jsonstat", block, &diag);
        assert_null(s.state);
        expect_problem(&diag, cases[i].problem);
        release(&s);
        diag_free(&diag);
    }
    struct pejl_diag diag = {0};
    struct source s = configure("jsonstat", "url = \"file:x.json\"; select = ( );", &diag);
    assert_non_null(s.state); /* nothing selected, as select = { }; */
    release(&s);
    diag_free(&diag);
}

/* filters' list form: a dimension id libconfig cannot name, percent-encoded
 * in the query like its values. */
static void test_eurostat_filters_list(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s =
        configure("eurostat",
                  "dataset = \"demo_pjan\"; filters = ( [ \"geo\", \"DK\", \"SE\" ],"
                  " [ \"KØN\", \"M+K\" ] ); select = ( [ \"KØN\", \"M+K\" ] ); panel = \"geo\";",
                  &diag);
    diag_print(&diag, stderr);
    assert_non_null(s.state);
    const struct pejl_request *r;
    s.module->api->plan(s.state, &r);
    assert_string_equal(r[0].url,
                        "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"
                        "demo_pjan?format=JSON&lang=EN&geo=DK&geo=SE&K%C3%98N=M%2BK");
    release(&s);
    s = configure("eurostat",
                  "dataset = \"demo_pjan\";\n filters = ( [ \"geo\", \"DK\" ],\n [ \"geo\" ] );",
                  &diag);
    assert_null(s.state);
    expect_problem(&diag, "test.conf:3: filters: element 2 must be [ \"geo\", \"DK\", … ]");
    release(&s);
    diag_free(&diag);
}

/* ---- what a decode may cost ---- */

#define BUDGET_REFUSAL "more than 250000 JSON elements (values and member names) in the response"

/* A World Bank page of 400,000 empty rows: refused before jansson builds a
 * tree of it, with the limit and the key that raises it. */
static void test_worldbank_refuses_a_page_over_budget(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s =
        configure("worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ];", &diag);
    size_t len;
    char *body = repeated("[{\"page\":1,\"pages\":1,\"per_page\":50,\"total\":0},[", "[]", 400000,
                          "]]", &len);
    char err[512];
    assert_int_equal(decode_timed(&s, "worldbank, 400000 empty rows", body, len, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, BUDGET_REFUSAL));
    assert_non_null(strstr(err, "raise max_elements in the source"));
    free(body);
    body = repeated("", "[", 100, "", &len); /* deeper than any API nests */
    assert_int_equal(decode_timed(&s, "worldbank, 100 levels", body, len, err, sizeof err), -1);
    assert_non_null(strstr(err, "nested deeper than 64 levels"));
    free(body);
    release(&s);
}

/* max_elements in the source: lower refuses the recorded page, and a value
 * outside its range is a config problem. */
static void test_worldbank_max_elements(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure(
        "worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"AT\" ]; max_elements = 1000;",
        &diag);
    assert_non_null(s.state);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "worldbank/SP.POP.TOTL_AT_IN_RU_US_2011-2025.json", 200, &d,
                                 err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "more than 1000 JSON elements"));
    release(&s);
    s = configure("worldbank",
                  "indicator = \"SP.POP.TOTL\"; countries = [ \"AT\" ]; max_elements = 5;", &diag);
    assert_null(s.state);
    expect_problem(&diag, "max_elements = 5 is out of range; write 1000 to 50000000");
    release(&s);
    diag_free(&diag);
}

static void test_ctgov_refuses_a_body_over_budget(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s =
        configure("ctgov", "countries = { DK = \"Denmark\"; }; from = 2020; to = 2020;", &diag);
    size_t len;
    char *body = repeated("{\"totalCount\":3,\"studies\":[", "{}", 300000, "]}", &len);
    char err[512];
    assert_int_equal(decode_timed(&s, "ctgov, 300000 empty studies", body, len, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "DK 2020: " BUDGET_REFUSAL));
    free(body);
    release(&s);
}

/* A JSON-stat dimension of 300,000 categories: refused before its tree is
 * built, naming the member; Statistics Denmark's error check does not parse
 * a body that big either. */
static void test_statbank_refuses_a_dimension_over_budget(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("statbank", "table = \"STRAF42\";", &diag);
    size_t len;
    char *body = repeated("{\"class\":\"dataset\",\"id\":[\"Tid\"],\"size\":[300000],\"value\":{},"
                          "\"dimension\":{\"Tid\":{\"category\":{\"index\":[",
                          "\"1\"", 300000, "]}}}}", &len);
    char err[768];
    assert_int_equal(decode_timed(&s, "statbank, 300000 categories", body, len, err, sizeof err),
                     -1);
    assert_non_null(
        strstr(err, "Statistics Denmark table STRAF42: \"dimension\": " BUDGET_REFUSAL));
    free(body);
    release(&s);
}

/* max_cells bounds the arrays the sizes make, before they are allocated. */
static void test_eurostat_max_cells(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s =
        configure("eurostat", "dataset = \"demo_pjan\"; panel = \"geo\"; max_cells = 10;", &diag);
    diag_print(&diag, stderr);
    assert_non_null(s.state);
    struct decoded d = {0};
    char err[512];
    assert_int_equal(decode_file(&s, 0, "jsonstat/recorded/eurostat/demo_pjan_9geo_4years.json",
                                 200, &d, err, sizeof err),
                     -1);
    assert_string_equal(err, "Eurostat dataset demo_pjan: the sizes make more than 10 cells; "
                             "select fewer, or raise max_cells in the source");
    release(&s);
    s = configure("eurostat", "dataset = \"demo_pjan\"; max_cells = 0; max_elements = \"x\";",
                  &diag);
    assert_null(s.state);
    expect_problem(&diag, "max_elements must be an integer");
    release(&s);
    diag_free(&diag);
    s = configure("jsonstat", "url = \"file:x.json\"; max_cells = 0;", &diag);
    assert_null(s.state);
    expect_problem(&diag, "max_cells = 0 is out of range; write 1 to 100000000");
    release(&s);
    diag_free(&diag);
}

/* An error a collector passes on is one line, whatever the API's own error
 * body holds: a newline in it would forge a line of pejld's log. */
static void test_api_errors_are_one_line(void **state)
{
    (void)state;
    static const struct {
        const char *collector, *block, *body;
        long status;
        const char *shows; /* what the message must still show */
    } cases[] = {
        {"worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ];",
         "[{\"message\":[{\"id\":\"1\",\"key\":\"a\\nb\",\"value\":\"c\\r\\nerror: forged\"}]}]",
         200, "forged"},
        {"statbank", "table = \"STRAF42\";",
         "{\"errorTypeCode\":\"X\\n\",\"message\":\"a\\nerror: forged\"}", 400, "forged"},
        {"ctgov", "countries = { DK = \"Denmark\"; }; from = 2020; to = 2020;",
         "bad request\nerror: forged", 400, "forged"},
        {"ctgov", "countries = { DK = \"Denmark\"; }; from = 2020; to = 2020;",
         "{\" n \\\nerror: forged\"p", 200, "not JSON"}, /* jansson quotes the line break */
        {"worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ];",
         "{\" n \\\nerror: forged\"p", 200, "not JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct pejl_diag diag = {0};
        struct source s = configure(cases[i].collector, cases[i].block, &diag);
        assert_non_null(s.state);
        struct decoded d = {0};
        char err[768];
        assert_int_equal(decode_body(&s, 0, cases[i].body, strlen(cases[i].body), cases[i].status,
                                     &d, err, sizeof err),
                         -1);
        if (strpbrk(err, "\r\n"))
            fail_msg("%s: a line break in \"%s\"", cases[i].collector, err);
        assert_non_null(strstr(err, cases[i].shows));
        release(&s);
    }
}

/* ---- exec ---- */

static void test_exec_config(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct source s = configure("exec", "program = \"wait-days\"; args = [ 1 ];", &diag);
    assert_null(s.state);
    expect_problem(&diag, "args must be an array of strings");
    release(&s);
    diag_free(&diag);
    s = configure("exec", "program = \"wait-days\";", &diag);
    expect_problem(&diag, "program \"wait-days\" must be an absolute path");
    release(&s);
    diag_free(&diag);
    s = configure("exec", "program = \"/usr/bin/x\"; args = [ \"--a\", \"b c\" ]; timeout = \"2s\";", &diag);
    assert_non_null(s.state);
    const struct pejl_request *r;
    assert_int_equal(s.module->api->plan(s.state, &r), 1);
    assert_string_equal(r[0].url, "exec:");
    assert_string_equal(r[0].argv[0], "/usr/bin/x");
    assert_string_equal(r[0].argv[2], "b c");
    assert_null(r[0].argv[3]);
    assert_int_equal(r[0].timeout_ms, 2000);
    release(&s);
}

/* Each collector names its source from the configured request, as a
 * reader knows it; a short buffer gets a cut, terminated name and the
 * length it needed. */
static void expect_described(const char *collector, const char *block, const char *name)
{
    struct pejl_diag diag = {0};
    struct source s = configure(collector, block, &diag);
    char buf[128], small[8];
    assert_non_null(s.state);
    assert_non_null(s.module->api->describe);
    size_t n = s.module->api->describe(s.state, buf, sizeof buf);
    assert_string_equal(buf, name);
    assert_int_equal(n, strlen(name));
    assert_int_equal(s.module->api->describe(s.state, small, sizeof small), strlen(name));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, name, sizeof small - 1);
    release(&s);
    diag_free(&diag);
}

static void test_sources_described(void **state)
{
    (void)state;
    expect_described("statbank", "table = \"SITC2R4\";", "Danmarks Statistik, SITC2R4");
    expect_described("eurostat", "dataset = \"sts_inpr_m\";", "Eurostat, sts_inpr_m");
    expect_described("ctgov", "countries = { DK = \"Denmark\"; }; from = 2020; to = 2020;",
                     "ClinicalTrials.gov");
    expect_described("worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ];",
                     "Verdensbanken/World Bank, SP.POP.TOTL");
    expect_described("csv", "url = \"file:demo-data/ls_exports.csv\";", "ls_exports.csv");
    expect_described("csv", "url = \"https://example.org/figures/x.csv?y=1\";", "example.org");
    expect_described("jsonstat", "url = \"https://data.ssb.no/api/v0/dataset/1082.json\";",
                     "data.ssb.no");
    expect_described("jsonstat", "url = \"file:bundle.json\"; dataset = \"oecd\";",
                     "bundle.json, oecd");
    expect_described("exec", "program = \"/usr/local/bin/fetch-figures\";", "fetch-figures");
}

int main(void)
{
    plugins = plugin_list_new(PEJL_BUILD_DIR "/lib/pejl/collectors");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctgov_requests),
        cmocka_unit_test(test_ctgov_decodes_total_count),
        cmocka_unit_test(test_ctgov_errors),
        cmocka_unit_test(test_ctgov_listing_pages),
        cmocka_unit_test(test_ctgov_running_year_provisional),
        cmocka_unit_test(test_csv_refuses_dst_csv),
        cmocka_unit_test(test_ctgov_config_problems),
        cmocka_unit_test(test_ctgov_long_filter_is_whole),
        cmocka_unit_test(test_worldbank_decodes_panel),
        cmocka_unit_test(test_worldbank_error_body),
        cmocka_unit_test(test_worldbank_follows_pages),
        cmocka_unit_test(test_statbank_request_and_decode),
        cmocka_unit_test(test_eurostat_panel_with_status),
        cmocka_unit_test(test_jsonstat_statuses),
        cmocka_unit_test(test_jsonstat_liberal_forms),
        cmocka_unit_test(test_jsonstat_select_errors),
        cmocka_unit_test(test_statbank_select_danish_ids),
        cmocka_unit_test(test_select_list_problems),
        cmocka_unit_test(test_eurostat_filters_list),
        cmocka_unit_test(test_exec_config),
        cmocka_unit_test(test_sources_described),
        cmocka_unit_test(test_worldbank_refuses_a_page_over_budget),
        cmocka_unit_test(test_worldbank_max_elements),
        cmocka_unit_test(test_ctgov_refuses_a_body_over_budget),
        cmocka_unit_test(test_statbank_refuses_a_dimension_over_budget),
        cmocka_unit_test(test_eurostat_max_cells),
        cmocka_unit_test(test_api_errors_are_one_line),
    };
    int failed = cmocka_run_group_tests_name("collectors", tests, NULL, NULL);
    plugin_list_free(plugins);
    return failed;
}
