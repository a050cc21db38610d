/*
 * test_report_dir.c — where a report may be written (report_dir_check and
 * report_dir_clash): a new folder, an empty one, an earlier report (with its
 * marker, or the complete layout of one from before the marker), and what is
 * refused because pejl did not write it — a user's file, a partial layout,
 * a link among the parts, a regular file where the folder should be — or
 * because it is, holds or lies in the state, RRD or graph directory, also
 * when a link leads there; and ".." after a folder that does not exist.
 *
 * Nothing is written by the functions under test: each case checks too that
 * what was in the folder is still there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "report.h"
#include "unit_files.h"

#define MARKER_TEXT                                                                                \
    "pejl report: pejld replaces this folder whole with its next report; keep nothing of yours "   \
    "in it\n"

struct fixture {
    char *root; /* real path: the temp dir may lie behind a link */
    char *state_dir, *rrd_dir, *graph_dir;
    struct report_keep_out keep_out;
    char real[4096], err[2048];
};

static char *path_in(const struct fixture *f, const char *name)
{
    return unit_path(f->root, name);
}

static void make_dir(const struct fixture *f, const char *name)
{
    char *p = path_in(f, name);
    if (mkdir(p, 0700) < 0)
        fail_msg("mkdir %s: %s", p, strerror(errno));
    free(p);
}

static void make_file(const struct fixture *f, const char *name, const char *text)
{
    char *p = path_in(f, name);
    unit_write_file(p, text, strlen(text), O_CREAT | O_TRUNC);
    free(p);
}

static void make_link(const struct fixture *f, const char *name, const char *target)
{
    char *p = path_in(f, name);
    if (symlink(target, p) < 0)
        fail_msg("symlink %s: %s", p, strerror(errno));
    free(p);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    char *tmp = unit_temp_dir("test_report_dir");
    f->root = realpath(tmp, NULL);
    assert_non_null(f->root);
    free(tmp);
    make_dir(f, "state");
    make_dir(f, "state/rrd");
    make_dir(f, "graphs");
    f->state_dir = path_in(f, "state");
    f->rrd_dir = path_in(f, "state/rrd");
    f->graph_dir = path_in(f, "graphs");
    f->keep_out = (struct report_keep_out){f->state_dir, f->rrd_dir, f->graph_dir};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->state_dir);
    free(f->rrd_dir);
    free(f->graph_dir);
    unit_remove_tree(f->root);
    free(f);
    return 0;
}

/* report_dir_check on `name` under the root (or `name` itself when absolute). */
static int check(struct fixture *f, const char *name)
{
    char *p = name[0] == '/' ? strdup(name) : path_in(f, name);
    assert_non_null(p);
    f->err[0] = '\0';
    int rc = report_dir_check(p, &f->keep_out, f->real, sizeof f->real, f->err, sizeof f->err);
    if (rc < 0 && !f->err[0])
        fail_msg("%s refused without a reason", p);
    free(p);
    return rc;
}

static void assert_real(const struct fixture *f, const char *name)
{
    char *p = path_in(f, name);
    assert_string_equal(f->real, p);
    free(p);
}

static void assert_err_has(const struct fixture *f, const char *part)
{
    if (!strstr(f->err, part))
        fail_msg("error \"%s\" does not say \"%s\"", f->err, part);
}

static void assert_exists(const struct fixture *f, const char *name)
{
    char *p = path_in(f, name);
    if (access(p, F_OK) < 0)
        fail_msg("%s is gone", p);
    free(p);
}

static void test_new_folder(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(check(f, "report"), 0);
    assert_real(f, "report");
    /* Several levels that do not exist yet, a "." and trailing slashes. */
    assert_int_equal(check(f, "a/./b/c//"), 0);
    assert_real(f, "a/b/c");
    char *p = path_in(f, "report");
    assert_int_equal(access(p, F_OK), -1); /* checking made nothing */
    free(p);
}

static void test_empty_folder(void **state)
{
    struct fixture *f = *state;
    make_dir(f, "report");
    assert_int_equal(check(f, "report"), 0);
    assert_real(f, "report");
}

static void make_report(struct fixture *f, const char *name, bool marker)
{
    char sub[512];
    make_dir(f, name);
    static const char *const files[] = {"index.html", "report.md", "status.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(sub, sizeof sub, "%s/%s", name, files[i]);
        make_file(f, sub, "x");
    }
    snprintf(sub, sizeof sub, "%s/data", name);
    make_dir(f, sub);
    snprintf(sub, sizeof sub, "%s/data/ls_exports.csv", name);
    make_file(f, sub, "period,value\n");
    snprintf(sub, sizeof sub, "%s/graphs", name);
    make_dir(f, sub);
    static const char *const graphs[] = {"ls_exports.png", "ls_exports.svg", "ls-2.pdf",
                                         "ls_exports.png.tmp"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(sub, sizeof sub, "%s/graphs/%s", name, graphs[i]);
        make_file(f, sub, "x");
    }
    if (marker) {
        snprintf(sub, sizeof sub, "%s/.pejl-report", name);
        make_file(f, sub, MARKER_TEXT);
    }
}

static void test_earlier_report_with_marker(void **state)
{
    struct fixture *f = *state;
    make_report(f, "report", true);
    assert_int_equal(check(f, "report"), 0);
    /* With its marker even a partial one (a killed run) is pejl's. */
    make_dir(f, "partial");
    make_file(f, "partial/.pejl-report", MARKER_TEXT);
    make_file(f, "partial/.writing", "");
    make_file(f, "partial/index.html", "x");
    assert_int_equal(check(f, "partial"), 0);
    assert_exists(f, "partial/index.html");
}

static void test_marker_must_be_pejls(void **state)
{
    struct fixture *f = *state;
    make_dir(f, "report");
    make_file(f, "report/.pejl-report", "mine\n");
    make_file(f, "report/index.html", "x");
    assert_int_equal(check(f, "report"), -1);
    assert_err_has(f, "holds .pejl-report, so it is not a pejl report");
    /* A link named like the marker is not the marker, even to a good one. */
    make_dir(f, "linked");
    make_file(f, "good-marker", MARKER_TEXT);
    char *target = path_in(f, "good-marker");
    make_link(f, "linked/.pejl-report", target);
    free(target);
    assert_int_equal(check(f, "linked"), -1);
    assert_err_has(f, "holds .pejl-report");
}

static void test_pre_marker_layout(void **state)
{
    struct fixture *f = *state;
    make_report(f, "old", false);
    assert_int_equal(check(f, "old"), 0);
    /* Without the marker only the complete layout counts: one part less,
     * and it could be anyone's. */
    char *p = path_in(f, "old/status.json");
    assert_int_equal(unlink(p), 0);
    free(p);
    assert_int_equal(check(f, "old"), -1);
    assert_err_has(f, "holds parts of one without its .pejl-report");
    assert_exists(f, "old/index.html");
}

static void test_users_files(void **state)
{
    struct fixture *f = *state;
    make_dir(f, "docs");
    make_file(f, "docs/thesis.docx", "mine");
    assert_int_equal(check(f, "docs"), -1);
    assert_err_has(f, "holds thesis.docx, so it is not a pejl report");
    assert_err_has(f, "or move thesis.docx away");
    /* Beside an earlier report, with its marker. */
    make_report(f, "report", true);
    make_file(f, "report/notes.txt", "mine");
    assert_int_equal(check(f, "report"), -1);
    assert_err_has(f, "holds notes.txt");
    /* Inside its parts: a name that is no indicator id, another type, a folder. */
    make_report(f, "r2", true);
    make_file(f, "r2/data/My Data.csv", "mine");
    assert_int_equal(check(f, "r2"), -1);
    assert_err_has(f, "holds data/My Data.csv");
    make_report(f, "r3", true);
    make_file(f, "r3/graphs/ls_exports.jpg", "mine");
    assert_int_equal(check(f, "r3"), -1);
    assert_err_has(f, "holds graphs/ls_exports.jpg");
    make_report(f, "r4", true);
    make_dir(f, "r4/graphs/old.png");
    assert_int_equal(check(f, "r4"), -1);
    assert_err_has(f, "holds graphs/old.png");
    /* data as a file instead of a folder. */
    make_dir(f, "r5");
    make_file(f, "r5/.pejl-report", MARKER_TEXT);
    make_file(f, "r5/data", "x");
    assert_int_equal(check(f, "r5"), -1);
    assert_err_has(f, "holds data,");
    assert_exists(f, "docs/thesis.docx");
    assert_exists(f, "report/notes.txt");
}

static void test_links_among_the_parts(void **state)
{
    struct fixture *f = *state;
    make_dir(f, "elsewhere");
    make_file(f, "elsewhere/ls_exports.csv", "mine");
    make_report(f, "report", true);
    char *p = path_in(f, "report/data"), *target = path_in(f, "elsewhere");
    unit_remove_tree(p);
    make_link(f, "report/data", target);
    assert_int_equal(check(f, "report"), -1);
    assert_err_has(f, "holds data,");
    make_report(f, "r2", true);
    make_link(f, "r2/graphs/x.png", "/etc/passwd");
    assert_int_equal(check(f, "r2"), -1);
    assert_err_has(f, "holds graphs/x.png");
    free(target);
    assert_exists(f, "elsewhere/ls_exports.csv");
}

/* A link to the folder is followed: the folder it names is checked. */
static void test_link_to_the_folder(void **state)
{
    struct fixture *f = *state;
    make_report(f, "report", true);
    char *target = path_in(f, "report");
    make_link(f, "current", target);
    free(target);
    assert_int_equal(check(f, "current"), 0);
    assert_real(f, "report");
    make_dir(f, "docs");
    make_file(f, "docs/mine.txt", "x");
    make_link(f, "to-docs", "docs");
    assert_int_equal(check(f, "to-docs"), -1);
    assert_err_has(f, "/docs holds mine.txt");
    /* A link into the state directory is a clash, not a new folder. */
    make_link(f, "sneaky", "graphs");
    assert_int_equal(check(f, "sneaky/report"), -1);
    assert_err_has(f, "/graphs/report lies in the graph directory");
    /* A link to nowhere: the folder it names would be made. */
    make_link(f, "dangling", "nothing-here");
    assert_int_equal(check(f, "dangling"), -1);
    assert_err_has(f, "exists and is not a folder");
}

static void test_regular_file(void **state)
{
    struct fixture *f = *state;
    make_file(f, "report", "x");
    assert_int_equal(check(f, "report"), -1);
    char expected[4300];
    snprintf(expected, sizeof expected,
             "report directory %s/report exists and is not a folder; give the report a folder "
             "of its own",
             f->root);
    assert_string_equal(f->err, expected);
    assert_int_equal(check(f, "report/sub"), -1); /* a file as a parent */
    assert_exists(f, "report");
}

static void test_dot_dot_after_a_missing_folder(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(check(f, "missing/../report"), -1);
    assert_err_has(f, "write it without \"..\" after a folder that does not exist");
    /* After one that exists, ".." is resolved. */
    make_dir(f, "there");
    assert_int_equal(check(f, "there/../report"), 0);
    assert_real(f, "report");
}

static void test_clashes(void **state)
{
    struct fixture *f = *state;
    char expected[4300];
    assert_int_equal(check(f, "state"), -1);
    snprintf(expected, sizeof expected,
             "report directory %s/state is the state directory; give the report a folder of its "
             "own, outside it",
             f->root);
    assert_string_equal(f->err, expected);
    assert_int_equal(check(f, "state/report"), -1);
    assert_err_has(f, "lies in the state directory");
    assert_int_equal(check(f, "state/rrd"), -1);
    assert_err_has(f, "lies in the state directory"); /* the state dir is checked first */
    assert_int_equal(check(f, "graphs"), -1);
    assert_err_has(f, "is the graph directory");
    assert_int_equal(check(f, "graphs/new/report"), -1);
    assert_err_has(f, "lies in the graph directory");
    assert_int_equal(check(f, f->root), -1);
    assert_err_has(f, "holds the state directory");
    assert_int_equal(check(f, "/"), -1);
    assert_err_has(f, "report directory / holds the state directory");
    /* report_dir_clash says the same, and only that. */
    char *p = path_in(f, "graphs/x");
    assert_int_equal(report_dir_clash(p, &f->keep_out, f->err, sizeof f->err), -1);
    assert_err_has(f, "lies in the graph directory");
    free(p);
    make_dir(f, "docs");
    make_file(f, "docs/mine.txt", "x");
    p = path_in(f, "docs");
    assert_int_equal(report_dir_clash(p, &f->keep_out, f->err, sizeof f->err), 0);
    free(p);
    /* A name that only starts like the state directory is no clash. */
    assert_int_equal(check(f, "state-report"), 0);
    assert_int_equal(check(f, "graphs2"), 0);
}

/* The RRD directory on its own, outside the state directory. */
static void test_rrd_dir_elsewhere(void **state)
{
    struct fixture *f = *state;
    make_dir(f, "rrd");
    free(f->rrd_dir);
    f->keep_out.rrd_dir = f->rrd_dir = path_in(f, "rrd");
    assert_int_equal(check(f, "rrd"), -1);
    assert_err_has(f, "is the RRD directory");
    /* A directory not configured (NULL) clashes with nothing. */
    free(f->graph_dir);
    f->keep_out.graph_dir = f->graph_dir = NULL;
    assert_int_equal(check(f, "graphs"), 0);
}

static void test_bad_paths(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(
        report_dir_check("", &f->keep_out, f->real, sizeof f->real, f->err, sizeof f->err), -1);
    assert_err_has(f, "give a path of 1-4095 characters");
    char *longest = malloc(5000);
    assert_non_null(longest);
    memset(longest, 'a', 4999);
    longest[0] = '/';
    longest[4999] = '\0';
    assert_int_equal(check(f, longest), -1);
    assert_err_has(f, "give a path of 1-4095 characters");
    free(longest);
    /* Resolved, the path must fit the caller's buffer. */
    char small[8];
    char *p = path_in(f, "report");
    assert_int_equal(report_dir_check(p, &f->keep_out, small, sizeof small, f->err, sizeof f->err),
                     -1);
    assert_err_has(f, "the path is too long");
    free(p);
}

static int cleanup(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("test_report_dir");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_new_folder),
        T(test_empty_folder),
        T(test_earlier_report_with_marker),
        T(test_marker_must_be_pejls),
        T(test_pre_marker_layout),
        T(test_users_files),
        T(test_links_among_the_parts),
        T(test_link_to_the_folder),
        T(test_regular_file),
        T(test_dot_dot_after_a_missing_folder),
        T(test_clashes),
        T(test_rrd_dir_elsewhere),
        T(test_bad_paths),
    };
    return cmocka_run_group_tests_name("report_dir", tests, NULL, cleanup);
}
