/*
 * test_config.c — every class of configuration error is reported with the
 * file, the line and a message that says what to write, and several
 * problems are reported in one go. Also: durations, path resolution,
 * collector modules that are not what they claim to be, and source URLs in
 * a scheme pejld does not fetch (refused here, not at the first collection).
 *
 * Each case writes a config file into a temp dir; the collectors come from
 * the build tree (PEJL_BUILD_DIR/lib/pejl/collectors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "config_problems.h"
#include "reporter.h"

static void test_valid_config_loads_and_resolves_paths(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS "state_dir = \"state\";\nlog_level = \"debug\";\n"
                            "indicators = ( { id = \"ls_exports\"; title = \"Life science-eksport\";\n"
                            "  unit = \"mia. kr.\"; frequency = \"annual\"; interval = \"1d12h\";\n"
                            "  pejlemaerke = 5; " CSV_SOURCE " } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    char expect[400];
    snprintf(expect, sizeof expect, "%s/state", tmpdir);
    assert_string_equal(c->state_dir, expect);
    snprintf(expect, sizeof expect, "%s/state/rrd", tmpdir);
    assert_string_equal(c->rrd_dir, expect);
    assert_int_equal(c->log_level, LOG_LEVEL_DEBUG);
    assert_int_equal(c->n_indicators, 1);
    const struct indicator *ind = config_find(c, "ls_exports");
    assert_non_null(ind);
    assert_string_equal(ind->unit, "mia. kr.");
    assert_int_equal(ind->frequency, PEJL_PERIOD_YEAR);
    assert_int_equal(ind->interval_s, 36 * 3600);
    assert_int_equal(ind->pejlemaerke, 5);
    assert_string_equal(ind->collector->name, "csv");
    config_unref(c);
    diag_free(&diag);
}

/* Regression: loading a second module moved the first one's record in memory. */
static void test_several_collectors_stay_valid(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS "indicators = (\n"
                            " { id = \"a\"; title = \"A\"; frequency = \"annual\"; " CSV_SOURCE " },\n"
                            " { id = \"b\"; title = \"B\"; frequency = \"annual\";\n"
                            "   source = { collector = \"exec\"; program = \"/bin/true\"; }; },\n"
                            " { id = \"c\"; title = \"C\"; frequency = \"annual\"; " CSV_SOURCE " } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_string_equal(config_find(c, "a")->collector->api->name, "csv");
    assert_string_equal(config_find(c, "b")->collector->api->name, "exec");
    assert_ptr_equal(config_find(c, "a")->collector, config_find(c, "c")->collector);
    config_unref(c);
}

/* Indicators found by id through the config's index (and only those it
 * holds), and the indicators derived from one (per_million) in file order:
 * refresh after a collection asks for them rather than walking the file. */
static void test_index_finds_indicators_and_dependents(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS
                 "indicators = (\n"
                 " { id = \"pop\"; title = \"P\"; frequency = \"annual\"; " CSV_SOURCE " },\n"
                 " { id = \"a\"; title = \"A\"; frequency = \"annual\"; " CSV_SOURCE "\n"
                 "   derive = { per_million = \"pop\"; }; },\n"
                 " { id = \"ab\"; title = \"AB\"; frequency = \"annual\"; " CSV_SOURCE " },\n"
                 " { id = \"c\"; title = \"C\"; frequency = \"annual\"; " CSV_SOURCE "\n"
                 "   derive = { per_million = \"pop\"; }; } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    for (size_t i = 0; i < c->n_indicators; i++)
        assert_ptr_equal(config_find(c, c->indicators[i].id), &c->indicators[i]);
    assert_null(config_find(c, "b"));
    assert_null(config_find(c, ""));
    const struct config_dependents *d = config_dependents_of(c, "pop");
    assert_non_null(d);
    assert_int_equal(d->n, 2);
    assert_string_equal(d->items[0]->id, "a");
    assert_string_equal(d->items[1]->id, "c");
    assert_null(config_dependents_of(c, "a"));
    assert_null(config_dependents_of(c, "po"));
    config_unref(c);
    diag_free(&diag);
}

static void test_state_dir_override_wins(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    struct config_overrides ov = {.state_dir = "/var/tmp/pejl-override"};
    write_config(COLLECTORS "state_dir = \"state\";\nindicators = ( { id = \"a\"; title = \"A\";"
                            " frequency = \"monthly\"; " CSV_SOURCE " } );\n");
    struct config *c = config_load(conf_path, &ov, &diag);
    assert_non_null(c);
    assert_string_equal(c->state_dir, "/var/tmp/pejl-override");
    assert_string_equal(c->graph_dir, "/var/tmp/pejl-override/graphs");
    config_unref(c);
}

static void test_syntax_error_names_line(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "log_level = \"info\";\nindicators = ( { id = = \"a\"; } );\n", 3, "syntax error");
}

static void test_missing_file(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    assert_null(config_load("/nonexistent/pejld.conf", NULL, &diag));
    assert_int_equal(diag.n, 1);
    assert_non_null(strstr(diag.lines[0], "/nonexistent/pejld.conf: cannot open"));
    diag_free(&diag);
}

static void test_unknown_keys(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "stat_dir = \"x\";\nindicators = ();\n", 2,
                   "unknown key \"stat_dir\" in the settings; allowed: state_dir,");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              "  colour = \"red\"; " CSV_SOURCE " } );\n",
                   3, "unknown key \"colour\" in an indicator");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              "  source = { collector = \"csv\"; url = \"file:x.csv\";\n"
                              "    sheet = 2; }; } );\n",
                   4, "unknown key \"sheet\" in csv source");
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = 5; frequency = \"annual\";\n"
                              "  " CSV_SOURCE " } );\n",
                   2, "a: \"title\" must be a string, not an integer");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              "  interval = true; " CSV_SOURCE " } );\n",
                   3, "interval must be a duration");
    expect_problem(COLLECTORS "indicators = { id = \"a\"; };\n", 2, "indicators must be a list");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              "  pejlemaerke = 7; " CSV_SOURCE " } );\n",
                   3, "pejlemaerke must be an integer 1..6");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              "  source = \"csv\"; } );\n",
                   3, "source must be a group");
}

static void test_bad_values(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = ( { id = \"LS exports\"; title = \"A\";\n"
                              " frequency = \"annual\"; " CSV_SOURCE " } );\n",
                   2, "indicator id \"LS exports\" must be 1-64 characters of a-z, 0-9, _ and -");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\";\n"
                              " frequency = \"yearly\"; " CSV_SOURCE " } );\n",
                   3, "frequency \"yearly\" unknown; write annual, quarterly, monthly");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " interval = \"5x\"; " CSV_SOURCE " } );\n",
                   3, "a: interval must be a duration");
    expect_problem(COLLECTORS "log_level = \"loud\";\nindicators = ();\n", 2,
                   "log_level \"loud\" unknown");
    expect_problem(COLLECTORS "rrdcached = \"unix:/run/rrd cached.sock\";\nindicators = ();\n", 2,
                   "is not an address");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " source = { collector = \"csv\"; }; } );\n",
                   3, "csv source needs url");
}

static void test_missing_keys(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE " } );\n",
                   2, "a: \"title\" is missing");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\"; } );\n",
                   2, "a: \"source\" is missing");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " source = { url = \"file:x.csv\"; }; } );\n",
                   3, "a: \"collector\" is missing");
    expect_problem(COLLECTORS "log_level = \"info\";\n", 0, "no indicators");
}

static void test_duplicate_ids_name_both_lines(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = (\n"
                              " { id = \"a\"; title = \"A\"; frequency = \"annual\"; " CSV_SOURCE " },\n"
                              " { id = \"a\"; title = \"B\"; frequency = \"annual\"; " CSV_SOURCE " } );\n",
                   4, "indicator id \"a\" is already used on line 3");
}

/* A source's URLs are in a scheme pejld fetches — https, http or file, in
 * lower case — or --check-config says so; before, ftp:// and the like
 * passed and failed only at the first collection. */
static void expect_source_url(const char *url, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text,
             COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                        " source = { collector = \"csv\"; url = \"%s\"; }; } );\n",
             url);
    if (!needle) {
        struct pejl_diag diag = {0};
        write_config(text);
        struct config *c = config_load(conf_path, NULL, &diag);
        diag_print(&diag, stderr);
        if (!c)
            fail_msg("source url %s refused", url);
        config_unref(c);
        diag_free(&diag);
        return;
    }
    expect_problem(text, 3, needle);
}

static void test_source_url_schemes(void **state)
{
    (void)state;
    static const char *const others[] = {
        "ftp",  "ftps", "dict", "gopher", "gophers", "ldap",  "ldaps", "telnet",    "tftp",
        "scp",  "sftp", "smb",  "smbs",   "imap",    "imaps", "pop3",  "smtp",      "smtps",
        "rtsp", "rtmp", "mqtt", "ws",     "wss",     "exec",  "data",  "javascript"};
    char url[200], needle[300];
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        snprintf(url, sizeof url, "%s://127.0.0.1/x.csv", others[i]);
        snprintf(needle, sizeof needle,
                 "a: source url \"%s://127.0.0.1/x.csv\": write https://, "
                 "http:// or file:, not %s:",
                 others[i], others[i]);
        expect_source_url(url, needle);
    }
    expect_source_url("ftp://user:SECRET@127.0.0.1/x.csv",
                      "a: source url \"ftp://***@127.0.0.1/x.csv\": write https://");
    expect_source_url("HTTPS://api.example.org/x.csv", "write the scheme in lower case, https:");
    expect_source_url("Http://127.0.0.1/x.csv", "write the scheme in lower case, http:");
    expect_source_url("FILE:x.csv", "write the scheme in lower case, file:");
    expect_source_url("File:///tmp/x.csv", "write the scheme in lower case, file:");
    expect_source_url("x.csv",
                      "a: source url \"***\" has no scheme; write https://, http:// or file:");
    expect_source_url("/tmp/x.csv", "has no scheme");
    expect_source_url("//api.example.org/x.csv", "has no scheme");
    expect_source_url("api.example.org/x.csv", "has no scheme");
    expect_source_url("127.0.0.1:8080/x.csv", "has no scheme");
    expect_source_url("https://api.example.org/x.csv", NULL);
    expect_source_url("http://127.0.0.1:8080/x.csv", NULL);
    expect_source_url("file:x.csv", NULL);
    expect_source_url("file:///tmp/x.csv", NULL);
}

static void test_unknown_collector(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " source = { collector = \"sdmx\"; }; } );\n",
                   3, "a: no collector \"sdmx\": " PEJL_BUILD_DIR "/lib/pejl/collectors/sdmx.so not found");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " source = { collector = \"../../bin/sh\"; }; } );\n",
                   3, "collector name \"../../bin/sh\" is not [a-z0-9_]+");
}

static void test_modules_that_are_not_collectors(void **state)
{
    (void)state;
    /* Both modules are built by tests/unit/CMakeLists.txt into PEJL_BAD_COLLECTORS. */
    char text[1024];
    snprintf(text, sizeof text,
             "collector_dir = \"%s\";\n"
             "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
             " source = { collector = \"abi_mismatch\"; }; },\n"
             " { id = \"b\"; title = \"B\"; frequency = \"annual\";\n"
             " source = { collector = \"no_symbol\"; }; } );\n",
             PEJL_BAD_COLLECTORS);
    expect_problem(text, 3,
                   "abi_mismatch.so: collector ABI version 999, pejld speaks 3; rebuild it");
    expect_problem(text, 5, "no_symbol.so: not a pejl collector (no symbol pejl_collector)");
}

/* max_members: panel members one collection may have. */
static void test_max_members_problems(void **state)
{
    (void)state;
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   " " CSV_SOURCE "\n max_members = 0; } );\n",
                   4, "max_members must be an integer from 1 to 100000");
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   " " CSV_SOURCE "\n max_members = \"300\"; } );\n",
                   4, "max_members must be an integer from 1 to 100000");
}

static void test_derive_problems(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"monthly\";\n"
                              " " CSV_SOURCE "\n derive = { annual = \"sum\"; }; } );\n",
                   4, "a: annual = \"sum\" makes yearly values; set frequency = \"annual\"");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n derive = { combine = \"sum\"; rank = \"DK\"; }; } );\n",
                   4, "a: combine and rank exclude each other");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n derive = { per_million = \"pop\"; scale = 0; mean = 1; }; } );\n",
                   2, "a: per_million = \"pop\" names no other indicator of this file");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n derive = { scale = 0; }; } );\n",
                   4, "a: scale must be a non-zero number");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n derive = { mean = 1; rolling = 1; }; } );\n",
                   4, "unknown key \"mean\" in derive; allowed: scale, annual, rolling");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n derive = { rolling = 1; }; } );\n",
                   4, "rolling must be an integer from 2 to 120");
    expect_problem(
        COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   " " CSV_SOURCE "\n derive = { rank = \"D K\"; }; } );\n",
        4, "a: rank = \"D K\" is not a member key (a category code like \"DK\" or \"M+K\"");
}

/* rank names a member: any category code of 1..64 bytes. */
static void test_rank_of_a_real_code(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                            " " CSV_SOURCE "\n derive = { rank = \"K64.2\"; }; } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_string_equal(config_find(c, "a")->derive.rank_member, "K64.2");
    config_unref(c);
    diag_free(&diag);
}

static void test_target_problems(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { year = 2030; }; } );\n",
                   4, "a: a path target needs value = 350.0;");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { kind = \"best\"; year = 2030; }; } );\n",
                   4, "a: target kind \"best\" unknown; write path, above_baseline, rank or trend");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { value = 1; year = 2030; baseline = { period = \"2023M13\"; }; }; } );\n",
                   4, "a: baseline period \"2023M13\" is not a period");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { kind = \"trend\"; direction = \"sideways\"; }; targets = (); } );\n",
                   4, "a: write target = { … } or targets = ( … ), not both");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { value = 1; year = 2030; baseline = { period = \"2023\"; };\n"
                              " significant = \"high\"; }; } );\n",
                   5, "a: significant must be a number, e.g. 0.95");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { value = 1; year = 2030; baseline = { period = \"2023\"; };\n"
                              " significant = 0.5; moderate = 0.7; }; } );\n",
                   4, "a: significant (0.5) must not be below moderate (0.7)");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n target = { kind = \"rank\"; top = 5; year = 2030; moderate = 7; }; } );\n",
                   4, "a: a rank target is classified by top = N; drop significant/moderate");
    expect_problem(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                              " " CSV_SOURCE "\n targets = ( { kind = \"trend\"; },\n"
                              "   { kind = \"trend\"; direction = \"down\"; } ); } );\n",
                   5, "a: two trend targets; keep one");
}

#define ALERTING_INDICATOR(alerts)                                                           \
    COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"        \
               " " CSV_SOURCE "\n target = { value = 1; year = 2030; baseline = { period = \"2023\"; }; };\n" \
               alerts "\n} );\n"

static void test_alert_rule_problems(void **state)
{
    (void)state;
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"loud\"; } );"), 5,
                   "a: rule \"loud\" unknown; write progress, path_gap");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"range\"; warning = \"30x\"; } );"), 5,
                   "a: warning: range \"30x\" is not a threshold; write e.g.");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"range\"; } );"), 5,
                   "a: a range rule needs warning = \"300:\" and/or critical = \"250:\"");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"progress\"; critical = \"1:\"; } );"), 5,
                   "a: progress follows the target's categories");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"rank\"; } );"), 5,
                   "a: rule rank needs a target it can read (kind = \"rank\")");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; target = 2030; } );"), 5,
                   "a: rule stale reads no target; drop target");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"path_gap\"; target = 2031; } );"), 5,
                   "a: target = 2031 names none of its targets");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; for = 0; } );"), 5,
                   "for must be an integer from 1 to 1000");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; for = \"soon\"; } );"), 5,
                   "for must be a duration such as");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; hysteresis = -1; } );"), 5,
                   "a: hysteresis must be a number of 0 or more");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; labels = { severity = \"x\"; }; } );"), 5,
                   "a: label \"severity\" must be [A-Za-z_][A-Za-z0-9_]* and not one pejl sets");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; labels = { fingerprint = \"x\"; }; } );"), 5,
                   "a: label \"fingerprint\" must be [A-Za-z_][A-Za-z0-9_]* and not one pejl sets");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; labels = { team = 1; }; } );"), 5,
                   "a: label team must be a one-line string");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; silence = 1; } );"), 5,
                   "unknown key \"silence\" in an alert rule");
    expect_problem(ALERTING_INDICATOR(" alerts = { rule = \"stale\"; };"), 5,
                   "a: alerts must be a list");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; },\n { rule = \"stale\"; } );"), 6,
                   "a: this stale rule repeats the one on line 5; give one of them labels");
    expect_problem(COLLECTORS "evaluation_interval = \"5s\";\n", 2,
                   "evaluation_interval must be a duration such as");
    expect_problem(
        ALERTING_INDICATOR(" alerts = ( { rule = \"revision\"; provisional = \"yes\"; } );"), 5,
        "a: provisional must be true or false (without quotes)");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"revision\"; provisional = 1; } );"),
                   5, "a: provisional must be true or false (without quotes)");
    expect_problem(ALERTING_INDICATOR(" alerts = ( { rule = \"stale\"; provisional = true; } );"),
                   5, "a: only a revision rule takes provisional");
}

#define PUBLISHING(frequency, published)                                                   \
    COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"" frequency "\";\n" \
               " " CSV_SOURCE "\n" published "\n} );\n"

/* graph = { … } and events = ( … ), globally and per indicator: each
 * malformed value named with its line; good ones loaded. */
#define GRAPHING(top, events)                                                                      \
    COLLECTORS top "\nindicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"     \
               " " CSV_SOURCE "\n" events "\n} );\n"

static void test_graph_and_event_problems(void **state)
{
    (void)state;
    expect_problem(GRAPHING("graph = 2;", ""), 2, "graph must be a group { width = 500; scale = 2; }");
    expect_problem(GRAPHING("graph = { width = 10; };", ""), 2, "width must be an integer from 300 to 2000");
    expect_problem(GRAPHING("graph = { width = \"wide\"; };", ""), 2, "width must be an integer");
    expect_problem(GRAPHING("graph = { scale = 9; };", ""), 2, "graph: scale must be a number from 0.5 to 4");
    expect_problem(GRAPHING("graph = { scale = \"2x\"; };", ""), 2, "graph: scale must be a number");
    expect_problem(GRAPHING("graph = { zoom = 2; };", ""), 2, "unknown key \"zoom\" in graph");
    expect_problem(GRAPHING("events = { date = \"2024-06-01\"; text = \"S\"; };", ""), 2,
                   "events: events must be a list of at most 16");
    expect_problem(GRAPHING("events = ( \"2024-06-01\" );", ""), 2,
                   "events: each event must be a group { date = \"2024-06-01\"; text = \"…\"; }");
    expect_problem(GRAPHING("", " events = ( { date = \"2024-13-01\"; text = \"S\"; } );"), 5,
                   "a: event date \"2024-13-01\" is not a day; write e.g. \"2024-06-01\"");
    expect_problem(GRAPHING("", " events = ( { date = \"2024\"; text = \"S\"; } );"), 5,
                   "a: event date \"2024\" is not a day");
    expect_problem(GRAPHING("", " events = ( { date = \"2024-06-01\"; text = \"\"; } );"), 5,
                   "a: event text must be one line of 1-80 bytes of UTF-8");
    expect_problem(GRAPHING("", " events = ( { date = \"2024-06-01\"; text = \"\\xff\"; } );"), 5,
                   "a: event text must be one line of 1-80 bytes of UTF-8");
    expect_problem(GRAPHING("", " events = ( { date = \"2024-06-01\"; } );"), 5, "text");
    expect_problem(GRAPHING("", " events = ( { date = \"2024-06-01\"; text = \"S\"; note = 1; } );"), 5,
                   "unknown key \"note\" in an event");
    struct pejl_diag diag = {0};
    write_config(GRAPHING("graph = { width = 700; scale = 1.5; };\n"
                          "events = ( { date = \"2024-06-01\"; text = \"Strategi\"; } );",
                          " events = ( { date = \"2022-01-01\"; text = \"Tabelskift\"; } );"));
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_int_equal(c->graph_width, 700);
    assert_true(c->graph_scale == 1.5);
    assert_int_equal(c->n_events, 1);
    assert_int_equal(c->events[0].time, 1717200000); /* 2024-06-01T00:00:00Z */
    assert_string_equal(c->events[0].text, "Strategi");
    assert_int_equal(c->indicators[0].n_events, 1);
    assert_string_equal(c->indicators[0].events[0].text, "Tabelskift");
    config_unref(c);
    diag_free(&diag);
}

/* published = ( … ): every malformed figure is named with its line. */
static void test_published_problems(void **state)
{
    (void)state;
    expect_problem(PUBLISHING("annual", " published = { period = \"2023\"; };"), 4,
                   "a: published must be a list of at most 100");
    expect_problem(PUBLISHING("annual", " published = ( \"2023\" );"), 4,
                   "a: each published figure must be a group");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023x\"; value = 1; source = \"S\"; } );"), 4,
                   "a: published period \"2023x\" is not a period");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023M01\"; value = 1; source = \"S\"; } );"), 4,
                   "a: published period \"2023M01\" is not one of this annual series; give a annual period");
    expect_problem(PUBLISHING("weekly", " published = ( { period = \"2023\"; value = 1; source = \"S\"; } );"), 4,
                   "is not one of this weekly series");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; source = \"S\"; } );"), 4,
                   "a: a published figure needs value = 174.0;");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = \"174\"; source = \"S\"; } );"), 4,
                   "a: published value must be a finite number");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; } );"), 4,
                   "source");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; source = \"\"; } );"), 4,
                   "a: published source must be one line of 1-200 bytes of UTF-8");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; source = \"\\xff\\xfe\"; } );"), 4,
                   "a: published source must be one line of 1-200 bytes of UTF-8");
    char long_source[600];
    snprintf(long_source, sizeof long_source,
             PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; source = \"%0201d\"; } );"), 0);
    expect_problem(long_source, 4, "a: published source must be one line of 1-200 bytes");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; source = \"S\"; note = 1; } );"), 4,
                   "unknown key \"note\" in a published figure");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; source = \"S\"; },\n"
                                        "   { period = \"2023\"; value = 2; source = \"T\"; } );"), 5,
                   "a: 2023 is published already on line 4; keep one");
    char many[12000] = COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                                  " " CSV_SOURCE "\n published = (";
    for (int i = 0; i < 101; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%s{ period = \"%d\"; value = 1; source = \"S\"; }",
                 i ? ", " : "", 1900 + i);
    strcat(many, " );\n} );\n");
    expect_problem(many, 4, "a: published must be a list of at most 100");
    expect_problem(PUBLISHING("annual", " published = ( { period = \"2023\"; value = 1; source = \"S\"; } );\n"
                                        " alerts = ( { rule = \"reconcile\"; threshold = -1; } );"), 5,
                   "a: threshold must be a percentage above 0");
    expect_problem(PUBLISHING("annual", " alerts = ( { rule = \"reconcile\"; } );"), 4,
                   "a: rule reconcile needs published = ( … ) figures to compare with");
    expect_problem(PUBLISHING("annual", " alerts = ( { rule = \"stale\"; threshold = 2; } );"), 4,
                   "a: threshold is for the reconcile rule");
}

/* Valid published figures load; a year over a monthly series is allowed;
 * the default rules then include reconcile, whose threshold is ±2 %. */
static void test_published_loads(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"monthly\";\n"
                            " " CSV_SOURCE "\n published = ( { period = \"2023\"; value = 174.0; source = \"Erhvervsministeriet (2024)\"; },\n"
                            "   { period = \"2024-03\"; value = 12; source = \"Danmarks Statistik\"; } ); },\n"
                            " { id = \"b\"; title = \"B\"; frequency = \"annual\"; " CSV_SOURCE "\n"
                            " published = ( { period = \"2021\"; value = 63000; source = \"S\"; } );\n"
                            " alerts = ( { rule = \"reconcile\"; threshold = 5; } ); },\n"
                            " { id = \"c\"; title = \"C\"; frequency = \"annual\"; " CSV_SOURCE " } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    const struct indicator *a = config_find(c, "a"), *b = config_find(c, "b"), *none = config_find(c, "c");
    assert_int_equal(a->n_published, 2);
    assert_int_equal(a->published[0].period.kind, PEJL_PERIOD_YEAR);
    assert_float_equal(a->published[0].value, 174.0, 0);
    assert_string_equal(a->published[0].source, "Erhvervsministeriet (2024)");
    assert_int_equal(a->published[1].period.kind, PEJL_PERIOD_MONTH);
    assert_int_equal(a->published[0].line, 4); /* libconfig counts the line after it */
    assert_int_equal(a->n_rules, 4); /* stale, collect, revision, reconcile */
    assert_int_equal(a->rules[3].kind, RULE_RECONCILE);
    assert_true(range_alerts(&a->rules[3].warning, 2.1));
    assert_true(range_alerts(&a->rules[3].warning, -2.1));
    assert_false(range_alerts(&a->rules[3].warning, 1.9));
    assert_int_equal(b->n_rules, 1);
    assert_true(range_alerts(&b->rules[0].warning, -5.1));
    assert_false(range_alerts(&b->rules[0].warning, 4.9));
    assert_int_equal(none->n_published, 0);
    assert_int_equal(none->n_rules, 3); /* no published figures: no reconcile rule */
    config_unref(c);
    diag_free(&diag);
}

/* Without alerts: progress on each target, stale, collect, revision; a
 * target rule without target = applies to every target it can read. */
static void test_alert_rules_defaults(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                            " " CSV_SOURCE "\n targets = ( { value = 1; year = 2030; baseline = { period = \"2023\"; }; },\n"
                            " { value = 1; year = 2025; baseline = { period = \"2016\"; }; } ); },\n"
                            " { id = \"b\"; title = \"B\"; frequency = \"annual\"; " CSV_SOURCE "\n"
                            " targets = ( { value = 1; year = 2030; baseline = { period = \"2023\"; }; },\n"
                            " { kind = \"trend\"; } );\n"
                            " alerts = ( { rule = \"path_gap\"; for = \"2d\"; }, { rule = \"progress\"; target = \"trend\"; } ); },\n"
                            " { id = \"c\"; title = \"C\"; frequency = \"annual\"; " CSV_SOURCE " alerts = (); },\n"
                            " { id = \"d\"; title = \"D\"; frequency = \"annual\"; " CSV_SOURCE "\n"
                            " alerts = ( { rule = \"revision\"; provisional = true; } ); } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    const struct indicator *a = config_find(c, "a"), *b = config_find(c, "b"), *none = config_find(c, "c");
    assert_int_equal(a->n_rules, 5);
    assert_int_equal(a->rules[0].kind, RULE_PROGRESS);
    assert_int_equal(a->rules[1].target, 1);
    assert_int_equal(a->rules[2].kind, RULE_STALE);
    assert_int_equal(a->rules[4].kind, RULE_REVISION);
    assert_string_not_equal(a->rules[0].fingerprint, a->rules[1].fingerprint);
    assert_int_equal(b->n_rules, 2);
    assert_int_equal(b->rules[0].kind, RULE_PATH_GAP);
    assert_int_equal(b->rules[0].target, 0); /* the only path target */
    assert_int_equal(b->rules[0].for_s, 2 * 86400);
    assert_int_equal(b->rules[0].for_count, 1);
    assert_true(b->rules[0].warning.set);
    assert_int_equal(b->rules[1].target, 1);
    assert_int_equal(none->n_rules, 0);
    assert_false(a->rules[4].provisional); /* by default, final figures only */
    assert_int_equal(config_find(c, "d")->n_rules, 1);
    assert_true(config_find(c, "d")->rules[0].provisional);
    assert_int_equal(c->evaluation_interval_s, 3600);
    config_unref(c);
    diag_free(&diag);
}

static void test_report_settings(void **state)
{
    (void)state;
    expect_problem(COLLECTORS "report = { directory = \"rep\"; at = \"6 am\"; };\n", 2,
                   "report: at = \"6 am\" is not a time of day; write \"06:00\" (UTC)");
    expect_problem(COLLECTORS "report = { at = \"06:00\"; };\n", 2, "report: \"directory\" is missing");
    expect_problem(COLLECTORS "report = { directory = \"rep\"; at = \"24:00\"; };\n", 2, "is not a time of day");
    expect_problem(COLLECTORS "report = { directory = \"rep\"; at = \"06:00\"; svg = 1; };\n", 2,
                   "report: svg must be true or false");
    expect_problem(COLLECTORS "report = \"daily\";\n", 2, "report must be a group");
    expect_problem(COLLECTORS "report = { directory = \"rep\"; snapshot = \"yes\"; };\n", 2,
                   "report: snapshot must be true or false");
    expect_problem(COLLECTORS "language = \"sv\";\n", 2, "language \"sv\" unknown; write \"da\" or \"en\"");
    /* the delay to the next 06:00 UTC */
    assert_int_equal(reporter_delay_s(1795327200 - 60, 360), 60);        /* 05:59 -> 1 min */
    assert_int_equal(reporter_delay_s(1795327200, 360), 86400);          /* 06:00 -> tomorrow */
    assert_int_equal(reporter_delay_s(1795327200 + 3600, 360), 82800);   /* 07:00 -> 23 h */
}

static void test_every_problem_reported_at_once(void **state)
{
    (void)state;
    struct pejl_diag diag = load_failing(COLLECTORS "log_level = \"loud\";\nbogus = 1;\n"
                                                    "indicators = ( { id = \"A\"; frequency = \"x\";\n"
                                                    " interval = \"0s\"; " CSV_SOURCE " } );\n");
    /* log_level, bogus, id, title, frequency, interval */
    assert_int_equal(diag.n, 6);
    diag_free(&diag);
}

/* Durations and intervals too large to be meant, or to compute with: each
 * is refused at its line with the range allowed, not overflowed later. */
static void test_durations_bounded(void **state)
{
    (void)state;
    static const char *const intervals[] = {
        "99999999999999999", "31708800", "-5", "\"367d\"", "\"2147483647w\"", "\"9999999999999s\""};
    for (size_t i = 0; i < sizeof intervals / sizeof *intervals; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                            " interval = %s; " CSV_SOURCE " } );\n",
                 intervals[i]);
        expect_problem(text, 3,
                       "a: interval must be a duration such as \"30m\", \"6h\" or \"1d\" "
                       "(or seconds), from 1s to 366d");
    }
    expect_problem(
        COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   " stale_after = \"2147483647w2147483647w2147483647w2147483647w"
                   "2147483647w2147483647w2147483647w2147483647w\"; " CSV_SOURCE " } );\n",
        3,
        "stale_after must be a duration such as \"500ms\", \"30s\" or \"2m\", above zero "
        "(from 1d to 3660d)");
    expect_problem(
        COLLECTORS "http = { max_backoff = \"3661d\"; };\nindicators = ();\n", 2,
        "max_backoff must be a duration such as \"500ms\", \"30s\" or \"2m\", above zero "
        "(from 1ms to 3660d)");
    expect_problem(COLLECTORS "evaluation_interval = \"2147483647w\";\nindicators = ();\n", 2,
                   "evaluation_interval must be a duration such as \"500ms\", \"30s\" or \"2m\", "
                   "above zero (from 1m to 3660d)");
    struct pejl_diag diag = {0};
    write_config(COLLECTORS "http = { max_backoff = \"3660d\"; };\n"
                            "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                            " interval = 31622400; stale_after = \"3660d\"; " CSV_SOURCE " } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c); /* the largest allowed values load */
    assert_int_equal(c->indicators[0].interval_s, 366 * 86400);
    assert_int_equal(c->http.max_backoff_ms, 3660 * 86400000ll);
    config_unref(c);
}

static void test_parse_duration(void **state)
{
    (void)state;
    assert_int_equal(duration_parse("90"), 90);
    assert_int_equal(duration_parse("90s"), 90);
    assert_int_equal(duration_parse("15m"), 900);
    assert_int_equal(duration_parse("6h"), 21600);
    assert_int_equal(duration_parse("1d12h"), 129600);
    assert_int_equal(duration_parse("2w"), 1209600);
    assert_int_equal(duration_parse(""), -1);
    assert_int_equal(duration_parse("h"), -1);
    assert_int_equal(duration_parse("1h30"), -1);
    assert_int_equal(duration_parse("-5m"), -1);
    assert_int_equal(duration_parse("5 m"), -1);
    assert_int_equal(duration_parse("99999999999s"), -1);
    /* at most 3660 days, sums included, and never an overflow */
    assert_int_equal(duration_parse("3660d"), 3660 * 86400);
    assert_int_equal(duration_parse("3659d23h59m60s"), 3660 * 86400);
    assert_int_equal(duration_parse("3660d1s"), -1);
    assert_int_equal(duration_parse("2147483647w"), -1);
    assert_int_equal(duration_parse_ms("2147483647w2147483647w2147483647w2147483647w"
                                              "2147483647w2147483647w2147483647w2147483647w"),
                     -1);
    assert_int_equal(duration_parse("316224000"), 3660 * 86400);
    assert_int_equal(duration_parse("316224001"), -1);
}

static void test_indicator_id_valid(void **state)
{
    (void)state;
    assert_true(indicator_id_valid("ls_exports-2030"));
    assert_false(indicator_id_valid(""));
    assert_false(indicator_id_valid("../etc"));
    assert_false(indicator_id_valid("a/b"));
    assert_false(indicator_id_valid("Exports"));
    char long_id[66];
    memset(long_id, 'a', 65);
    long_id[65] = '\0';
    assert_false(indicator_id_valid(long_id));
    long_id[64] = '\0';
    assert_true(indicator_id_valid(long_id));
}

/* source_name and illustrative: what every output shows of an indicator's
 * provenance; malformed values are named with their line. */
static void test_provenance_problems(void **state)
{
    (void)state;
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   "  source_name = 5; " CSV_SOURCE " } );\n",
                   3, "a: \"source_name\" must be a string, not an integer");
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   "  source_name = \"\"; " CSV_SOURCE " } );\n",
                   3, "a: source_name must be 1-200 bytes of UTF-8 text on one line");
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   "  source_name = \"Danmarks\\nStatistik\"; " CSV_SOURCE " } );\n",
                   3, "a: source_name must be 1-200 bytes");
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   "  source_name = \"\\xff\\xfe\"; " CSV_SOURCE " } );\n",
                   3, "a: source_name must be 1-200 bytes of UTF-8");
    expect_problem(COLLECTORS
                   "illustrative = \"yes\";\nindicators = ( { id = \"a\"; title = \"A\";\n"
                   "  frequency = \"annual\"; " CSV_SOURCE " } );\n",
                   2, "settings: illustrative must be true or false");
    expect_problem(COLLECTORS
                   "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                   "  illustrative = 1; " CSV_SOURCE " } );\n",
                   3, "a: illustrative must be true or false");
}

/* The config's source_name wins; without one the collector describes its
 * request; illustrative is the catalogue's unless an indicator says otherwise. */
static void test_provenance_loaded(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(COLLECTORS
                 "illustrative = true;\n"
                 "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                 "  source_name = \"Danmarks Statistik, SITC2R4\"; " CSV_SOURCE " },\n"
                 "  { id = \"b\"; title = \"B\"; frequency = \"annual\"; illustrative = false;\n"
                 "    source = { collector = \"eurostat\"; dataset = \"sts_inpr_m\"; }; } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_true(c->illustrative);
    assert_string_equal(config_find(c, "a")->source_name, "Danmarks Statistik, SITC2R4");
    assert_true(config_find(c, "a")->illustrative);
    assert_string_equal(config_find(c, "b")->source_name, "Eurostat, sts_inpr_m");
    assert_false(config_find(c, "b")->illustrative);
    config_unref(c);
    write_config(COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
                            "  " CSV_SOURCE " } );\n");
    c = config_load(conf_path, NULL, &diag);
    assert_non_null(c);
    assert_false(c->illustrative);
    assert_false(config_find(c, "a")->illustrative);
    assert_string_equal(config_find(c, "a")->source_name, "x.csv");
    config_unref(c);
    diag_free(&diag);
}

/* --check-config (overrides.manual_files) looks at a csv source's file:
 * missing, empty or header-only is a problem at the url's line naming the
 * path; a file with a row passes, and so does the daemon's own load. */
static int load_manual(const char *url, const char *content, struct pejl_diag *diag,
                       bool check)
{
    char path[512], text[2048];
    snprintf(path, sizeof path, "%s/manual.csv", tmpdir);
    unlink(path);
    if (content) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
    }
    snprintf(text, sizeof text,
             COLLECTORS "indicators = ( { id = \"wait\"; title = \"A\"; frequency = \"annual\";\n"
                        " source = { collector = \"csv\";\n url = \"%s\"; }; } );\n",
             url);
    write_config(text);
    struct config_overrides ov = {.manual_files = check};
    struct config *c = config_load(conf_path, &ov, diag);
    int ok = c != NULL;
    config_unref(c);
    unlink(path);
    return ok;
}

static void expect_manual(const char *url, const char *content, const char *needle)
{
    struct pejl_diag diag = {0};
    char prefix[1024];
    snprintf(prefix, sizeof prefix, "%s:4: wait: manual series file %s/manual.csv ", conf_path,
             tmpdir);
    int ok = load_manual(url, content, &diag, true);
    if (!needle) {
        diag_print(&diag, stderr);
        assert_true(ok);
    } else {
        assert_false(ok);
        assert_int_equal(diag.n, 1);
        if (strncmp(diag.lines[0], prefix, strlen(prefix)) != 0 || !strstr(diag.lines[0], needle))
            fail_msg("got \"%s\", expected \"%s…%s\"", diag.lines[0], prefix, needle);
    }
    diag_free(&diag);
}

static void test_manual_files(void **state)
{
    (void)state;
    char abs[512];
    snprintf(abs, sizeof abs, "file://%s/manual.csv", tmpdir);
    expect_manual("file:manual.csv", NULL, "is missing: put the figures there as CSV");
    expect_manual(abs, NULL, "is missing");
    expect_manual("file:manual.csv", "", "is empty: put the figures there");
    expect_manual("file:manual.csv", "# W.A.I.T.\n\n  \n", "is empty");
    expect_manual("file:manual.csv", "# W.A.I.T.\nperiod,value,status\n",
                  "has a header but no rows: add one row per period");
    expect_manual("file:manual.csv", "\xef\xbb\xbfperiod,value\r\n", "has a header but no rows");
    expect_manual("file:manual.csv", "# published\nperiod,value,status\n2023,169,\n", NULL);
    expect_manual(abs, "period,value,status\n2023,..,\n", NULL);
    expect_manual("file:manual.csv", "2023,169", NULL); /* no header, one row */
    /* the daemon's own load (no --check-config) starts without the file */
    struct pejl_diag diag = {0};
    assert_true(load_manual("file:manual.csv", NULL, &diag, false));
    assert_int_equal(diag.n, 0);
    diag_free(&diag);
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_config.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return 1;
    snprintf(conf_path, sizeof conf_path, "%s/pejld.conf", tmpdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_config_loads_and_resolves_paths),
        cmocka_unit_test(test_provenance_problems),
        cmocka_unit_test(test_provenance_loaded),
        cmocka_unit_test(test_state_dir_override_wins),
        cmocka_unit_test(test_several_collectors_stay_valid),
        cmocka_unit_test(test_index_finds_indicators_and_dependents),
        cmocka_unit_test(test_syntax_error_names_line),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_duplicate_ids_name_both_lines),
        cmocka_unit_test(test_source_url_schemes),
        cmocka_unit_test(test_manual_files),
        cmocka_unit_test(test_unknown_collector),
        cmocka_unit_test(test_modules_that_are_not_collectors),
        cmocka_unit_test(test_max_members_problems),
        cmocka_unit_test(test_derive_problems),
        cmocka_unit_test(test_rank_of_a_real_code),
        cmocka_unit_test(test_target_problems),
        cmocka_unit_test(test_alert_rule_problems),
        cmocka_unit_test(test_alert_rules_defaults),
        cmocka_unit_test(test_published_problems),
        cmocka_unit_test(test_published_loads),
        cmocka_unit_test(test_report_settings),
        cmocka_unit_test(test_graph_and_event_problems),
        cmocka_unit_test(test_every_problem_reported_at_once),
        cmocka_unit_test(test_durations_bounded),
        cmocka_unit_test(test_parse_duration),
        cmocka_unit_test(test_indicator_id_valid),
    };
    int failed = cmocka_run_group_tests_name("config", tests, NULL, NULL);
    unlink(conf_path);
    rmdir(tmpdir);
    return failed;
}
