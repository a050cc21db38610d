/*
 * test_config_sources.c — an indicator's source as a list spliced across
 * table breaks (daemon/settings/config_sources.c): from/until are pejld's
 * keys, read as periods and kept from the collector (which refuses keys it
 * does not know); malformed ranges, out-of-order sources, empty or too
 * long lists are each named with file and line.
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
#include "period.h"

#define HEAD COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\";\n"
#define CSV(extra) "{ collector = \"csv\"; url = \"file:x.csv\"; " extra " }"

static void test_list_loads_with_ranges(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(HEAD "  source = ( " CSV(
        "until = \"2021\";") ",\n"
                             "             " CSV("from = \"2022-01\";") " ); } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    const struct indicator *ind = config_find(c, "a");
    assert_int_equal(ind->n_sources, 2);
    assert_int_equal(ind->sources[0].from.kind, PEJL_PERIOD_NONE);
    assert_int_equal(ind->sources[0].until.kind, PEJL_PERIOD_YEAR);
    assert_int_equal(ind->sources[0].until.year, 2021);
    assert_int_equal(ind->sources[1].from.kind, PEJL_PERIOD_MONTH);
    assert_int_equal(ind->sources[1].line, 4);
    assert_ptr_equal(ind->source, ind->sources[1].state); /* the newest */
    struct pejl_period y2021 = {.year = 2021, .kind = PEJL_PERIOD_YEAR},
                       m2021 = {.year = 2021, .kind = PEJL_PERIOD_MONTH, .index = 12},
                       y2022 = {.year = 2022, .kind = PEJL_PERIOD_YEAR};
    assert_true(indicator_source_covers(&ind->sources[0], &y2021));
    assert_true(indicator_source_covers(&ind->sources[0], &m2021));
    assert_false(indicator_source_covers(&ind->sources[0], &y2022));
    assert_true(indicator_source_covers(&ind->sources[1], &y2022));
    assert_false(indicator_source_covers(&ind->sources[1], &m2021));
    config_unref(c);
}

static void test_single_group_takes_a_range(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(HEAD "  source = " CSV("from = \"2007\";") "; } );\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_int_equal(config_find(c, "a")->n_sources, 1);
    assert_int_equal(config_find(c, "a")->sources[0].from.year, 2007);
    config_unref(c);
}

static void test_malformed_ranges(void **state)
{
    (void)state;
    expect_problem(
        HEAD "  source = ( " CSV("until = \"2021\";") ",\n"
                                                      "    " CSV("from = \"22-01\";") " ); } );\n",
        4, "a: source from must be a period such as \"2021\"");
    expect_problem(HEAD "  source = " CSV("until = 2021.5;") "; } );\n", 3,
                   "a: source until must be a period");
    expect_problem(HEAD "  source = ( " CSV("from = \"2022\"; until = \"2021-06\";") " ); } );\n",
                   3, "a: source from = \"2022\" is after until = \"2021-06\"");
}

static void test_sources_in_order(void **state)
{
    (void)state;
    expect_problem(HEAD "  source = ( " CSV(
                       "from = \"2022-01\";") ",\n"
                                              "    " CSV("until = \"2021\";") " ); } );\n",
                   4, "a: source 2 starts before source 1 does; list the sources oldest first");
    expect_problem(
        HEAD "  source = ( " CSV("until = \"2025\";") ",\n"
                                                      "    " CSV("until = \"2021\";") " ); } );\n",
        4, "a: source 2 ends before source 1 does");
}

static void test_list_shape(void **state)
{
    (void)state;
    expect_problem(HEAD "  source = ( ); } );\n", 3, "a: source lists 1 to 8 groups");
    char text[4096] = HEAD "  source = ( ";
    for (int i = 0; i < 9; i++)
        strcat(text, i ? ", " CSV("") : CSV(""));
    strcat(text, " ); } );\n");
    expect_problem(text, 3, "a: source lists 1 to 8 groups { collector = \"…\"; … }, not 9");
    expect_problem(HEAD "  source = ( " CSV("") ",\n    \"x.csv\" ); } );\n", 4,
                   "a: source must be a group");
    expect_problem(HEAD "  source = 5; } );\n", 3, "a: source must be a group { collector");
}

/* The collector still refuses what it does not know, in any source of a list. */
static void test_collector_keys_still_checked(void **state)
{
    (void)state;
    expect_problem(
        HEAD "  source = ( " CSV("until = \"2021\";") ",\n"
                                                      "    " CSV("form = \"2022\";") " ); } );\n",
        4, "unknown key \"form\" in csv source");
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_config_sources.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return 1;
    snprintf(conf_path, sizeof conf_path, "%s/pejld.conf", tmpdir);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_loads_with_ranges),
        cmocka_unit_test(test_single_group_takes_a_range),
        cmocka_unit_test(test_malformed_ranges),
        cmocka_unit_test(test_sources_in_order),
        cmocka_unit_test(test_list_shape),
        cmocka_unit_test(test_collector_keys_still_checked),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(conf_path);
    rmdir(tmpdir);
    return failed;
}
