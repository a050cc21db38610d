/*
 * test_verify.c — checking sources against their own metadata: each
 * collector's verify hook as pejld loads it (dlopen from the build tree),
 * fed the recorded SITC2R4 and STRAF42 tableinfo and hand-written
 * Eurostat, World Bank and ClinicalTrials.gov answers (tests/data/verify),
 * and core's check of a source's periods against the targets
 * (verify_coverage). Problems must name the config line of the offending
 * key and, for a code that does not exist, the nearest that do.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "period.h"
#include "plugin.h"
#include "verify.h"
#include "tests/unit/unit_files.h"

static struct plugins *plugins;

/* What a verify hook reported. */
struct report {
    char problems[32][1024];
    int lines[32];
    bool warning[32];
    size_t n;
    struct pejl_period first, last;
    int coverage_line;
    bool covered;
};

static void problem(const struct pejl_verify_sink *sink, int line, int warning, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

static void problem(const struct pejl_verify_sink *sink, int line, int warning, const char *fmt,
                    ...)
{
    struct report *r = sink->core;
    va_list ap;
    assert_true(r->n < 32);
    va_start(ap, fmt);
    vsnprintf(r->problems[r->n], sizeof r->problems[0], fmt, ap);
    va_end(ap);
    r->lines[r->n] = line;
    r->warning[r->n++] = warning;
}

static void coverage(const struct pejl_verify_sink *sink, int line, const struct pejl_period *first,
                     const struct pejl_period *last)
{
    struct report *r = sink->core;
    r->first = *first, r->last = *last, r->coverage_line = line, r->covered = true;
}

static const char *no_header(const struct pejl_response *r, const char *name)
{
    (void)r, (void)name;
    return NULL;
}

struct source {
    const struct collector_module *module;
    void *state;
    config_t cf;
};

/* `block` is the body of a source block that starts on line 1; it may
 * span lines. */
static struct source configure(const char *collector, const char *block)
{
    struct source s = {0};
    struct pejl_diag diag = {.default_file = "test.conf"};
    char text[8192], err[512];
    snprintf(text, sizeof text, "source = { collector = \"%s\"; %s };\n", collector, block);
    config_init(&s.cf);
    if (config_read_string(&s.cf, text) != CONFIG_TRUE)
        fail_msg("test config does not parse: %s", config_error_text(&s.cf));
    s.module = plugin_list_get(plugins, collector, err, sizeof err);
    if (!s.module)
        fail_msg("%s", err);
    s.state = s.module->api->configure(plugin_host(), config_lookup(&s.cf, "source"), &diag);
    for (size_t i = 0; i < diag.n; i++)
        fprintf(stderr, "  config: %s\n", diag.lines[i]);
    assert_non_null(s.state);
    diag_free(&diag);
    return s;
}

static void release(struct source *s)
{
    s->module->api->release(s->state);
    config_destroy(&s->cf);
}

static size_t plan(struct source *s, const struct pejl_request **requests)
{
    assert_non_null(s->module->api->verify_plan);
    return s->module->api->verify_plan(s->state, requests);
}

/* Verifies `body` as the answer to verify_plan's request `index`. */
static int verify_body(struct source *s, size_t index, const char *body, size_t len,
                       struct report *r, char *err, size_t errlen)
{
    const struct pejl_request *requests;
    assert_true(index < plan(s, &requests));
    struct pejl_response response = {.status = 200, .body = body, .len = len, .header = no_header};
    struct pejl_verify_sink sink = {.problem = problem, .coverage = coverage, .core = r};
    err[0] = '\0';
    return s->module->api->verify(s->state, &requests[index], &response, &sink, err, errlen);
}

static int verify_file(struct source *s, size_t index, const char *file, struct report *r,
                       char *err, size_t errlen)
{
    char name[256];
    snprintf(name, sizeof name, "verify/%s", file);
    char *path = unit_path(PEJL_TEST_DATA, name);
    size_t len;
    char *body = unit_read_file(path, &len);
    int rc = verify_body(s, index, body, len, r, err, errlen);
    free(body);
    free(path);
    return rc;
}

/* The problem that mentions `needle`, which must be at `line`. */
static void expect(const struct report *r, const char *needle, int line)
{
    for (size_t i = 0; i < r->n; i++)
        if (strstr(r->problems[i], needle)) {
            if (r->lines[i] != line)
                fail_msg("\"%s\" at line %d, not %d", r->problems[i], r->lines[i], line);
            return;
        }
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "  got (line %d): %s\n", r->lines[i], r->problems[i]);
    fail_msg("no problem mentions \"%s\"", needle);
}

static void expect_period(const struct pejl_period *p, const char *text)
{
    char got[PERIOD_TEXT_MAX];
    period_format(p, got, sizeof got);
    assert_string_equal(got, text);
}

/* ---- statbank: tableinfo ---- */

static const char *exports_wrong =
    "table = \"SITC2R4\";\n"                                                       /* line 1 */
    "variables = ( { code = \"SITC\"; values = [ \"54\", \"774\", \"872\" ]; },\n" /* 2 */
    "              { code = \"INDUD\"; values = [ \"2\" ]; },\n"                   /* 3 */
    "              { code = \"LAND\"; values = [ \"W1\" ]; },\n"                   /* 4 */
    "              { code = \"Tid\"; values = [ \"*\" ]; } );\n"                   /* 5 */
    "panel = \"SITC\";";                                                           /* 6 */

static void test_statbank_sitc2r4_wrong_codes(void **state)
{
    (void)state;
    struct source s = configure("statbank", exports_wrong);
    struct report r = {0};
    char err[512];
    const struct pejl_request *requests;
    assert_int_equal(plan(&s, &requests), 1);
    assert_string_equal(requests[0].url,
                        "https://api.statbank.dk/v1/tableinfo?id=SITC2R4&format=JSON&lang=en");
    assert_int_equal(verify_file(&s, 0, "SITC2R4_tableinfo_en.json", &r, err, sizeof err), 0);
    expect(&r, "variable SITC has no value \"774\"; nearest: 77, 74", 2);
    expect(&r, "variable SITC has no value \"872\"; nearest: 87", 2);
    expect(&r, "UHBEGREB cannot be eliminated and is not in variables", 1);
    assert_int_equal(r.n, 3);
    assert_true(r.covered);
    expect_period(&r.first, "2022-01");
    expect_period(&r.last, "2026-01");
    assert_int_equal(r.coverage_line, 5);
    release(&s);
}

static void test_statbank_sitc2r4_right_codes(void **state)
{
    (void)state;
    struct source s =
        configure("statbank", "table = \"SITC2R4\";\n"
                              "variables = ( { code = \"SITC\"; values = [ \"54\", \"87\" ]; },\n"
                              "  { code = \"INDUD\"; values = [ \"2\" ]; },\n"
                              "  { code = \"UHBEGREB\"; values = [ \"GP\" ]; },\n"
                              "  { code = \"LAND\"; values = [ \"W1\" ]; },\n"
                              "  { code = \"Tid\"; values = [ \">=2023M01<2024M01\" ]; } );\n"
                              "panel = \"SITC\";");
    struct report r = {0};
    char err[512];
    assert_int_equal(verify_file(&s, 0, "SITC2R4_tableinfo_en.json", &r, err, sizeof err), 0);
    for (size_t i = 0; i < r.n; i++)
        fprintf(stderr, "  got: %s\n", r.problems[i]);
    assert_int_equal(r.n, 0);
    expect_period(&r.first, "2023-01");
    expect_period(&r.last, "2023-12");
    release(&s);
}

static void test_statbank_several_values_not_panel(void **state)
{
    (void)state;
    struct source s =
        configure("statbank", "table = \"SITC2R4\";\n"
                              "variables = ( { code = \"SITC\"; values = [ \"54\", \"87\" ]; },\n"
                              "  { code = \"INDUD\"; values = [ \"*\" ]; },\n"
                              "  { code = \"UHBEGREB\"; values = [ \"GP\" ]; } );\n"
                              "panel = \"LAND\";");
    struct report r = {0};
    char err[512];
    assert_int_equal(verify_file(&s, 0, "SITC2R4_tableinfo_en.json", &r, err, sizeof err), 0);
    expect(&r, "variable SITC: 2 values requested, but it is neither the panel nor selected", 2);
    expect(&r, "variable INDUD: 2 values requested", 3);
    expect(&r, "the panel LAND is not in variables", 5);
    /* without Tid the API gives the latest period only */
    expect_period(&r.first, "2026-01");
    expect_period(&r.last, "2026-01");
    release(&s);
}

static void test_statbank_straf42_unknown_variable(void **state)
{
    (void)state;
    struct source s =
        configure("statbank", "table = \"STRAF42\"; lang = \"da\";\n"
                              "variables = ( { code = \"OVERTRAED\"; values = [ \"TOT\" ]; },\n"
                              "  { code = \"KØN\"; values = [ \"W\" ]; },\n"
                              "  { code = \"AFGØRELSE\"; values = [ \"11*\", \"9*\" ]; },\n"
                              "  { code = \"Tid\"; values = [ \">=2020\" ]; } );\n"
                              "panel = \"AFGØRELSE\"; metadata_url = \"http://127.0.0.1:1/v1\";");
    struct report r = {0};
    char err[512];
    const struct pejl_request *requests;
    assert_int_equal(plan(&s, &requests), 1);
    assert_string_equal(requests[0].url,
                        "http://127.0.0.1:1/v1/tableinfo?id=STRAF42&format=JSON&lang=da");
    assert_int_equal(verify_file(&s, 0, "STRAF42_tableinfo_en.json", &r, err, sizeof err), 0);
    expect(&r, "table STRAF42 has no variable OVERTRAED (in variables); nearest: OVERTRÆD", 2);
    expect(&r, "variable KØN has no value \"W\"", 3);
    expect(&r, "no value matching \"9*\"", 4);
    assert_int_equal(r.n, 3);
    expect_period(&r.first, "2020");
    release(&s);
}

static void test_statbank_template_without_metadata(void **state)
{
    (void)state;
    struct source s =
        configure("statbank", "table = \"SITC2R4\"; url = \"file:data/{table}.json\";");
    const struct pejl_request *requests;
    struct report r = {0};
    struct pejl_verify_sink sink = {.problem = problem, .coverage = coverage, .core = &r};
    char err[256];
    assert_int_equal(plan(&s, &requests), 0);
    assert_int_equal(s.module->api->verify(s.state, NULL, NULL, &sink, err, sizeof err), 0);
    assert_int_equal(r.n, 1);
    assert_true(r.warning[0]);
    assert_non_null(strstr(r.problems[0], "give metadata_url"));
    release(&s);
    s = configure("statbank", "table = \"SITC2R4\"; url = \"file:data/{table}.json\";\n"
                              "metadata_url = \"file:meta/{table}.tableinfo.json\";");
    assert_int_equal(plan(&s, &requests), 1);
    assert_string_equal(requests[0].url, "file:meta/SITC2R4.tableinfo.json");
    release(&s);
}

/* Truncated, wrong shapes, the API's error, HTML, huge: a clear error, no tree of it. */
static void test_statbank_malformed_tableinfo(void **state)
{
    (void)state;
    static const struct {
        const char *body, *says;
    } cases[] = {
        {"{\"id\":\"SITC2R4\",\"variables\":[{\"id\":\"SITC\",\"values\":[{\"id\":\"00\"",
         "not JSON"},
        {"{\"variables\":5}", "not a tableinfo document"},
        {"[1,2]", "not a tableinfo document"},
        {"{\"variables\":[{\"values\":[]}]}", "a variable without a string \"id\""},
        {"{\"variables\":[{\"id\":\"A\",\"values\":[{\"text\":\"x\"}]}]}", "value 1 of variable A"},
        {"{\"variables\":[{\"id\":\"A\",\"elimination\":\"no\",\"values\":[]}]}", "elimination"},
        {"{\"variables\":[{\"id\":\"A\"}]}", "no \"values\" list"},
        {"{\"errorTypeCode\":\"EXTRACT-NOTFOUND\",\"message\":\"Tabel findes ikke: X\"}",
         "EXTRACT-NOTFOUND"},
        {"<html><body>busy</body></html>", "an HTML page"},
    };
    struct source s = configure("statbank", "table = \"SITC2R4\";");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct report r = {0};
        char err[512];
        assert_int_equal(
            verify_body(&s, 0, cases[i].body, strlen(cases[i].body), &r, err, sizeof err), -1);
        if (!strstr(err, cases[i].says) || strchr(err, '\n'))
            fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].says);
    }
    /* a million values: refused by the budget before jansson builds anything */
    size_t n = 1000000, len = 0;
    char *huge = malloc(n * 11 + 64);
    assert_non_null(huge);
    len += (size_t)sprintf(huge, "{\"variables\":[{\"id\":\"A\",\"values\":[");
    for (size_t i = 0; i < n; i++, len += 10)
        memcpy(huge + len, "{\"id\":\"x\"},", 10);
    len += (size_t)sprintf(huge + len - 1, "]}]}") - 1;
    struct report r = {0};
    char err[512];
    assert_int_equal(verify_body(&s, 0, huge, len, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "max_elements"));
    free(huge);
    release(&s);
}

/* ---- eurostat ---- */

static void test_eurostat_codes_and_coverage(void **state)
{
    (void)state;
    struct source s =
        configure("eurostat", "dataset = \"sts_inpr_m\";\n"
                              "filters = { geo = [ \"DK\" ]; nace_r2 = [ \"C2l\" ];\n"
                              "            unit = [ \"I21\", \"PCH_PRE\" ]; nace = [ \"C\" ]; };\n"
                              "since = \"2015-01\";\n"
                              "metadata_url = \"file:meta/{dataset}.json\";");
    const struct pejl_request *requests;
    struct report r = {0};
    char err[512];
    assert_int_equal(plan(&s, &requests), 2);
    assert_string_equal(requests[0].url, "file:meta/sts_inpr_m.json");
    assert_non_null(strstr(requests[1].url, "/sts_inpr_m?format=JSON&lang=EN&geo=DK"));
    assert_int_equal(verify_file(&s, 0, "eurostat/sts_inpr_m-codes.json", &r, err, sizeof err), 0);
    expect(&r, "dimension nace_r2 has no code \"C2l\"; nearest: C21, C26", 2);
    expect(&r, "has no dimension nace; nearest: nace_r2", 3);
    expect(&r, "dimension unit: 2 codes requested, but it is neither the panel nor selected", 3);
    expect(&r, "dimension s_adj has 3 codes and no filter", 1);
    assert_int_equal(r.n, 4);
    assert_false(r.covered);
    assert_int_equal(verify_file(&s, 1, "eurostat/sts_inpr_m-data.json", &r, err, sizeof err), 0);
    assert_true(r.covered);
    expect_period(&r.first, "2015-01");
    expect_period(&r.last, "2025-08");
    assert_int_equal(r.coverage_line, 4);
    /* an error body is an error, not a check that passed */
    const char *error =
        "{\"error\":[{\"status\":404,\"id\":100,\"label\":\"ERR_NOT_FOUND_4: no\"}]}";
    assert_int_equal(verify_body(&s, 0, error, strlen(error), &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "dataset sts_inpr_m, its codes"));
    release(&s);
}

/* A dataset too big to list unfiltered: a warning that says what was not
 * checked, not a failed check nor silence. */
static void test_eurostat_too_big_to_list(void **state)
{
    (void)state;
    struct source s = configure("eurostat", "dataset = \"bd_size\";");
    const char *async = "{\"warning\":{\"status\":413,\"label\":\"ASYNCHRONOUS_RESPONSE. Your "
                        "request will be treated asynchronously. Please try again later.\"}}";
    char *path =
        unit_path(PEJL_TEST_DATA, "jsonstat/recorded/eurostat/ds-045409-extraction-too-big.json");
    size_t len;
    char *too_big = unit_read_file(path, &len), err[512];
    const char *bodies[] = {async, too_big};
    size_t lens[] = {strlen(async), len};
    for (size_t i = 0; i < 2; i++) {
        struct report r = {0};
        assert_int_equal(verify_body(&s, 0, bodies[i], lens[i], &r, err, sizeof err), 0);
        assert_int_equal(r.n, 1);
        assert_true(r.warning[0]);
        assert_non_null(strstr(r.problems[0], "dataset bd_size is too big for Eurostat to list"));
    }
    free(too_big);
    free(path);
    release(&s);
}

static void test_eurostat_right_codes(void **state)
{
    (void)state;
    struct source s =
        configure("eurostat", "dataset = \"sts_inpr_m\";\n"
                              "filters = { geo = [ \"DK\", \"SE\" ]; nace_r2 = [ \"C21\" ];\n"
                              "            unit = [ \"I21\" ]; s_adj = [ \"SCA\" ]; };\n"
                              "panel = \"geo\";");
    struct report r = {0};
    char err[512];
    assert_int_equal(verify_file(&s, 0, "eurostat/sts_inpr_m-codes.json", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 0);
    release(&s);
}

/* ---- worldbank and ctgov ---- */

static void test_worldbank_countries_and_indicator(void **state)
{
    (void)state;
    struct source s = configure("worldbank", "indicator = \"SP.POP.TOTL\";\n"
                                             "countries = [ \"DK\", \"XX\" ];\n"
                                             "metadata_url = \"file:wb/{path}.json\";");
    const struct pejl_request *requests;
    struct report r = {0};
    char err[512];
    assert_int_equal(plan(&s, &requests), 3);
    assert_string_equal(requests[0].url, "file:wb/country/DK.json");
    assert_string_equal(requests[1].url, "file:wb/country/XX.json");
    assert_string_equal(requests[2].url, "file:wb/indicator/SP.POP.TOTL.json");
    assert_int_equal(verify_file(&s, 0, "wb/country/DK.json", &r, err, sizeof err), 0);
    assert_int_equal(verify_file(&s, 2, "wb/indicator/SP.POP.TOTL.json", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(verify_file(&s, 1, "wb/country/XX.json", &r, err, sizeof err), 0);
    expect(&r, "does not know country \"XX\" (120 Invalid value", 2);
    /* the answer for another indicator */
    assert_int_equal(verify_file(&s, 2, "wb/country/DK.json", &r, err, sizeof err), 0);
    expect(&r, "answered indicator \"SP.POP.TOTL\" with a different id \"DNK\"", 1);
    assert_int_equal(verify_body(&s, 0, "<html>", 6, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "not the API's JSON"));
    release(&s);
    s = configure("worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ];");
    assert_int_equal(plan(&s, &requests), 2);
    assert_string_equal(requests[0].url, "https://api.worldbank.org/v2/country/DK?format=json");
    release(&s);
}

static void test_ctgov_country_names(void **state)
{
    (void)state;
    struct source s = configure("ctgov", "from = 2020;\n"
                                         "countries = { DK = \"Denmark\";\n"
                                         "              AT = \"Atlantis\"; };");
    const struct pejl_request *requests;
    struct report r = {0};
    char err[512];
    assert_int_equal(plan(&s, &requests), 2);
    assert_non_null(strstr(requests[0].url, "countTotal=true&pageSize=1&filter.advanced="
                                            "AREA%5BLocationCountry%5D%22Denmark%22"));
    assert_int_equal(verify_file(&s, 0, "ctgov/DK.json", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(verify_file(&s, 1, "ctgov/Atlantis.json", &r, err, sizeof err), 0);
    expect(&r, "counts no study at all with LocationCountry \"Atlantis\"", 3);
    assert_int_equal(verify_body(&s, 1, "{}", 2, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "no totalCount"));
    release(&s);
}

/* terms (extra filter.advanced terms, e.g. a sponsor class) are not part of
 * the country counts: the check says so as a warning at their line, once,
 * instead of passing them in silence. */
static void test_ctgov_terms_not_checked(void **state)
{
    (void)state;
    struct source s = configure("ctgov", "from = 2020;\n"
                                         "countries = { DK = \"Denmark\"; SE = \"Sweden\"; };\n"
                                         "terms = [ \"AREA[LeadSponsorClass]INDUSTRY\" ];");
    const struct pejl_request *requests;
    struct report r = {0};
    char err[512];
    assert_int_equal(plan(&s, &requests), 2);
    assert_int_equal(verify_file(&s, 0, "ctgov/DK.json", &r, err, sizeof err), 0);
    assert_int_equal(verify_file(&s, 1, "ctgov/DK.json", &r, err, sizeof err), 0);
    assert_int_equal(r.n, 1);
    assert_true(r.warning[0]);
    expect(&r, "terms \"AREA[LeadSponsorClass]INDUSTRY\" not checked online", 3);
    release(&s);
}

/* metadata_url must be a string, in every collector that reads it. */
static void test_metadata_url_malformed(void **state)
{
    (void)state;
    static const char *const blocks[][2] = {
        {"statbank", "table = \"SITC2R4\";\nmetadata_url = 5;"},
        {"eurostat", "dataset = \"sts_inpr_m\";\nmetadata_url = [ \"x\" ];"},
        {"worldbank", "indicator = \"SP.POP.TOTL\"; countries = [ \"DK\" ];\nmetadata_url = 1.5;"},
        {"ctgov", "from = 2020; countries = { DK = \"Denmark\"; };\nmetadata_url = { a = 1; };"},
    };
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        struct pejl_diag diag = {.default_file = "test.conf"};
        config_t cf;
        char text[1024], err[256];
        snprintf(text, sizeof text, "source = { collector = \"%s\"; %s };\n", blocks[i][0],
                 blocks[i][1]);
        config_init(&cf);
        assert_int_equal(config_read_string(&cf, text), CONFIG_TRUE);
        const struct collector_module *m = plugin_list_get(plugins, blocks[i][0], err, sizeof err);
        assert_non_null(m);
        assert_null(m->api->configure(plugin_host(), config_lookup(&cf, "source"), &diag));
        assert_true(diag.n >= 1);
        if (!strstr(diag.lines[0], ":2: metadata_url must be a string"))
            fail_msg("%s: %s", blocks[i][0], diag.lines[0]);
        diag_free(&diag);
        config_destroy(&cf);
    }
}

/* ---- core: the whole check ends by its deadline ---- */

struct outcome {
    struct loop *loop;
    size_t problems, lines;
    char first[1024];
};

static void on_verified(void *arg, const struct pejl_diag *report, size_t problems)
{
    struct outcome *o = arg;
    o->problems = problems, o->lines = report->n;
    snprintf(o->first, sizeof o->first, "%s", report->n ? report->lines[0] : "");
    loop_stop(o->loop);
}

/* A server that takes the connection and never answers: the engine's own
 * timeout is a minute, the check's deadline 300 ms. */
static void test_deadline_ends_a_check(void **state)
{
    (void)state;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    assert_int_equal(bind(server, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(server, 4), 0);
    assert_int_equal(getsockname(server, (struct sockaddr *)&addr, &len), 0);
    char block[256];
    snprintf(block, sizeof block,
             "table = \"SITC2R4\";\nmetadata_url = \"http://127.0.0.1:%d/v1\";",
             ntohs(addr.sin_port));
    struct source s = configure("statbank", block);
    struct indicator ind = {.id = "ls_exports",
                            .frequency = PEJL_PERIOD_YEAR,
                            .collector = s.module,
                            .source = s.state,
                            .line = 7};
    const struct indicator *inds[] = {&ind};
    struct outcome o = {.loop = loop_new()};
    struct http_settings hs;
    http_settings_default(&hs);
    hs.tries = 1, hs.timeout_ms = 60000;
    struct fetcher fetcher = {.loop = o.loop, .http = http_new(o.loop, &hs), .max_bytes = 1 << 20};
    struct verify_settings vs = {.file = "t.conf", .collect = {.dir = "/"}, .deadline_ms = 300};
    alarm(20); /* a check that never ended would hang the suite */
    assert_non_null(verify_start(&fetcher, &vs, inds, 1, on_verified, &o));
    loop_run(o.loop);
    alarm(0);
    assert_int_equal(o.problems, 1);
    assert_string_equal(
        o.first, "t.conf:7: ls_exports: no answer for the metadata within 0.3 s; not checked");
    http_free(fetcher.http);
    loop_free(o.loop);
    close(server);
    release(&s);
}

/* ---- core: what the targets need of the periods a source covers ---- */

static struct pejl_period period(const char *text)
{
    struct pejl_period p;
    assert_int_equal(period_parse(text, strlen(text), &p), 0);
    return p;
}

static void test_coverage_against_targets(void **state)
{
    (void)state;
    struct target t;
    evaluate_target_defaults(&t);
    t.kind = TARGET_PATH, t.year = 2030, t.value = 350, t.baseline = period("2020");
    t.baseline_value = NAN;
    struct indicator ind = {
        .id = "ls_exports", .frequency = PEJL_PERIOD_YEAR, .targets = &t, .n_targets = 1};
    struct pejl_period first = period("2022M01"), last = period("2026M01");
    struct pejl_diag diag = {0};
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 2);
    assert_non_null(strstr(diag.lines[0],
                           "x.conf:9: ls_exports: the 2030 target needs its "
                           "baseline 2020 from the source, which starts in 2022-01"));
    assert_non_null(strstr(diag.lines[1], "over 5 years before the latest period (2026-01), so "
                                          "it needs data from 2020"));
    diag_free(&diag);
    t.baseline_value = 174.0; /* given: only the window needs the source */
    t.baseline = period("2023");
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 1);
    diag_free(&diag);
    first = period("2020M01"); /* 2020 to 2025 whole years: enough */
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 0);
    first = period("2020M02"); /* 2020 is not whole: the first whole year is 2021 */
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 1);
    diag_free(&diag);
    t.kind = TARGET_RANK; /* needs no history */
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 0);
    t.kind = TARGET_ABOVE_BASELINE, t.baseline = period("2024"), t.baseline_value = NAN;
    ind.frequency = PEJL_PERIOD_MONTH;
    first = period("2024M01");
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 0);
    first = period("2024M02");
    assert_int_equal(verify_coverage(&ind, &first, &last, "x.conf", 9, &diag), 1);
    diag_free(&diag);
}

int main(void)
{
    plugins = plugin_list_new(PEJL_BUILD_DIR "/lib/pejl/collectors");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statbank_sitc2r4_wrong_codes),
        cmocka_unit_test(test_statbank_sitc2r4_right_codes),
        cmocka_unit_test(test_statbank_several_values_not_panel),
        cmocka_unit_test(test_statbank_straf42_unknown_variable),
        cmocka_unit_test(test_statbank_template_without_metadata),
        cmocka_unit_test(test_statbank_malformed_tableinfo),
        cmocka_unit_test(test_eurostat_codes_and_coverage),
        cmocka_unit_test(test_eurostat_right_codes),
        cmocka_unit_test(test_eurostat_too_big_to_list),
        cmocka_unit_test(test_worldbank_countries_and_indicator),
        cmocka_unit_test(test_ctgov_country_names),
        cmocka_unit_test(test_ctgov_terms_not_checked),
        cmocka_unit_test(test_metadata_url_malformed),
        cmocka_unit_test(test_coverage_against_targets),
        cmocka_unit_test(test_deadline_ends_a_check),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    plugin_list_free(plugins);
    return rc;
}
