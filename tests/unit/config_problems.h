/*
 * config_problems.h — what the config tests share: a config file in a temp
 * dir (`tmpdir`, `conf_path`, set up by each test program), written from
 * a string, and the check that loading it fails with a problem that reads
 * "FILE:LINE: …needle…". Included by test_config.c and
 * test_notify_config.c after <cmocka.h>.
 */
#ifndef PEJL_TEST_CONFIG_PROBLEMS_H
#define PEJL_TEST_CONFIG_PROBLEMS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#define COLLECTORS "collector_dir = \"" PEJL_BUILD_DIR "/lib/pejl/collectors\";\n"
#define CSV_SOURCE "source = { collector = \"csv\"; url = \"file:x.csv\"; };"

static char tmpdir[256];
static char conf_path[300];

static void write_config(const char *text)
{
    FILE *f = fopen(conf_path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Loads `text`; asserts it fails and returns the problems. */
static struct pejl_diag load_failing(const char *text)
{
    struct pejl_diag diag = {0};
    write_config(text);
    struct config *c = config_load(conf_path, NULL, &diag);
    assert_null(c);
    assert_true(diag.n > 0);
    return diag;
}

/* Asserts some problem reads "FILE:LINE: …needle…" ("FILE: …" for line 0). */
static void expect_problem(const char *text, int line, const char *needle)
{
    struct pejl_diag diag = load_failing(text);
    char prefix[400];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d: ", conf_path, line);
    else
        snprintf(prefix, sizeof prefix, "%s: ", conf_path);
    bool found = false;
    for (size_t i = 0; i < diag.n; i++)
        found |= strncmp(diag.lines[i], prefix, strlen(prefix)) == 0 &&
                 strstr(diag.lines[i], needle) != NULL;
    if (!found) {
        for (size_t i = 0; i < diag.n; i++)
            fprintf(stderr, "  got: %s\n", diag.lines[i]);
        fail_msg("expected \"%s…%s\"", prefix, needle);
    }
    diag_free(&diag);
}

#endif
