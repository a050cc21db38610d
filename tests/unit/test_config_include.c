/*
 * test_config_include.c — drop-in folders (daemon/settings/config_include.c):
 * an @include with a wildcard includes every match in name order, none is
 * no error, an error in an included file is named by that file and line,
 * the main file keeps its line numbers, a directory among the matches and
 * a missing plain @include are refused with what to do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "config_problems.h"

#define BASE COLLECTORS "indicators = ( { id = \"a\"; title = \"A\"; frequency = \"annual\"; " CSV_SOURCE " } );\n"
#define RECEIVER(name) "receivers = ( { name = \"" name "\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9093\"; } );\n"

static char confd[400];

static void write_file(const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", confd, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", confd, name);
    unlink(path);
}

static void test_matches_included_in_order(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_file("10-receivers.conf", RECEIVER("am"));
    write_file("20-routes.conf", "routes = ( { receivers = [ \"am\" ]; } );\n");
    write_file("notes.txt", "this is not a config file at all {\n");
    write_config(BASE "@include \"conf.d/*.conf\"\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_int_equal(c->n_receivers, 1);
    assert_string_equal(c->receivers[0].name, "am");
    assert_int_equal(c->n_routes, 1); /* 20- read after 10-: its receiver was known */
    config_unref(c);
    remove_file("10-receivers.conf");
    remove_file("20-routes.conf");
    remove_file("notes.txt");
}

static void test_no_match_is_no_error(void **state)
{
    (void)state;
    struct pejl_diag diag = {0};
    write_config(BASE "@include \"conf.d/*.conf\"\n");
    struct config *c = config_load(conf_path, NULL, &diag);
    diag_print(&diag, stderr);
    assert_non_null(c);
    assert_int_equal(c->n_receivers, 0);
    config_unref(c);
}

static void test_errors_name_their_file_and_line(void **state)
{
    (void)state;
    char where[700];
    write_file("bad.conf", "# a comment\nreceivers = ;\n");
    struct pejl_diag diag = load_failing(BASE "@include \"conf.d/*.conf\"\n");
    snprintf(where, sizeof where, "%s/bad.conf:2: ", confd);
    bool found = false;
    for (size_t i = 0; i < diag.n; i++)
        found |= strncmp(diag.lines[i], where, strlen(where)) == 0;
    if (!found)
        fail_msg("expected a problem at %s, got %s", where, diag.n ? diag.lines[0] : "none");
    diag_free(&diag);
    remove_file("bad.conf");
    /* the main file keeps its line numbers after the include */
    expect_problem(BASE "@include \"conf.d/*.conf\"\nlog_level = \"loud\";\n", 4, "log_level");
}

static void test_refusals(void **state)
{
    (void)state;
    char sub[600];
    snprintf(sub, sizeof sub, "%s/dir.conf", confd);
    assert_int_equal(mkdir(sub, 0700), 0);
    expect_problem(BASE "@include \"conf.d/*.conf\"\n", 0, "dir.conf is not a regular file");
    rmdir(sub);
    expect_problem(BASE "@include \"conf.d/missing.conf\"\n", 3, "cannot open include file");
    /* two files may not set the same top-level key */
    write_file("a.conf", RECEIVER("one"));
    write_file("b.conf", RECEIVER("two"));
    struct pejl_diag diag = load_failing(BASE "@include \"conf.d/*.conf\"\n");
    diag_free(&diag);
    remove_file("a.conf");
    remove_file("b.conf");
}

int main(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_config_include.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return 1;
    snprintf(conf_path, sizeof conf_path, "%s/pejld.conf", tmpdir);
    snprintf(confd, sizeof confd, "%s/conf.d", tmpdir);
    if (mkdir(confd, 0700) < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_included_in_order),
        cmocka_unit_test(test_no_match_is_no_error),
        cmocka_unit_test(test_errors_name_their_file_and_line),
        cmocka_unit_test(test_refusals),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(conf_path);
    rmdir(confd);
    rmdir(tmpdir);
    return failed;
}
