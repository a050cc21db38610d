/*
 * test_web_files.c — the report folder as the HTTP endpoint serves it
 * (daemon/web/web_files.c): index.html for "/", files beneath the folder
 * with their content types; and never a symbolic link (to a file or a
 * directory, at the end or in the middle), "..", a hidden name, an empty
 * component, a directory, a path without a report, or a file over the
 * size bound.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit_files.h"
#include "web.h"
#include "web_files.h"

static void put(const char *dir, const char *name, const char *text)
{
    char *path = unit_path(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* The status of `path`; a 200's file is read whole into `body` and closed. */
static unsigned get(const char *dir, const char *path, char *body, size_t size, const char **type)
{
    struct web_file file;
    char why[600];
    unsigned status = web_files_open(dir, path, &file, why, sizeof why);
    if (status != 200)
        return status;
    ssize_t n = read(file.fd, body, size - 1);
    close(file.fd);
    assert_true(n >= 0 && (uint64_t)n == file.size);
    body[n] = '\0';
    *type = file.type;
    return status;
}

static void test_report_files(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("web"), body[256], *sub = unit_path(dir, "graphs");
    const char *type = NULL;
    assert_int_equal(mkdir(sub, 0700), 0);
    put(dir, "index.html", "<html>");
    put(dir, "graphs/ls_exports.png", "PNG");
    put(dir, "status.csv", "a,b");
    assert_int_equal(get(dir, "/", body, sizeof body, &type), 200);
    assert_string_equal(body, "<html>");
    assert_string_equal(type, "text/html; charset=utf-8");
    assert_int_equal(get(dir, "/graphs/ls_exports.png", body, sizeof body, &type), 200);
    assert_string_equal(body, "PNG");
    assert_string_equal(type, "image/png");
    assert_int_equal(get(dir, "/status.csv", body, sizeof body, &type), 200);
    assert_string_equal(type, "text/csv; charset=utf-8");
    assert_string_equal(web_files_type("x.svg"), "image/svg+xml");
    assert_string_equal(web_files_type("x.json"), "application/json");
    assert_string_equal(web_files_type("x.exe"), "application/octet-stream");
    free(sub);
    unit_remove_tree(dir);
}

static void test_nothing_outside(void **state)
{
    (void)state;
    char *top = unit_temp_dir("web"), *dir = unit_path(top, "report"), body[256];
    const char *type = NULL;
    assert_int_equal(mkdir(dir, 0700), 0);
    put(top, "secret", "outside");
    char *sub = unit_path(dir, "graphs"), *link = unit_path(dir, "leak.html"),
         *dirlink = unit_path(dir, "up"), *target = unit_path(top, "secret");
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(symlink(top, dirlink), 0);
    put(dir, ".pejl-report", "");
    put(dir, "graphs/.x.png.key", "");
    static const char *const refused[] = {
        "/leak.html",
        "/up/secret",
        "/../secret",
        "/graphs/../../secret",
        "/graphs",
        "/graphs/",
        "//secret",
        "/.pejl-report",
        "/graphs/.x.png.key",
        "/a//b",
        "/nosuch.html",
        "/a\x01.png",
        "/a b.html",
        "/a/b/c/d/e.html",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        unsigned status = get(dir, refused[i], body, sizeof body, &type);
        if (status != 404)
            fail_msg("%s: %u", refused[i], status);
    }
    char why[600];
    struct web_file file;
    assert_int_equal(web_files_open(NULL, "/", &file, why, sizeof why), 404);
    assert_non_null(strstr(why, "report.directory is not set"));
    char *gone = unit_path(top, "nosuch");
    assert_int_equal(web_files_open(gone, "/", &file, why, sizeof why), 404);
    assert_non_null(strstr(why, "no report yet"));
    free(gone);
    free(sub), free(link), free(dirlink), free(target), free(dir);
    unit_remove_tree(top);
}

static void test_file_size_bounded(void **state)
{
    (void)state;
    char *dir = unit_temp_dir("web"), *path = unit_path(dir, "big.pdf"), why[600];
    struct web_file file;
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, WEB_FILE_MAX + 1), 0); /* sparse */
    close(fd);
    assert_int_equal(web_files_open(dir, "/big.pdf", &file, why, sizeof why), 500);
    assert_non_null(strstr(why, "more than the 64 MiB served"));
    free(path);
    unit_remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_files),
        cmocka_unit_test(test_nothing_outside),
        cmocka_unit_test(test_file_size_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
