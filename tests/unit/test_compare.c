/*
 * test_compare.c — the alerts of "since then" (daemon/assess/compare.c),
 * read from an alert state with known transitions: an alert open before
 * then that closed in between (opened "before"), one that opened and
 * closed in between (at its worst severity), one still open now, changes
 * before then and after now left out, and an alert whose kept transitions
 * all lie after then marked as having forgotten older ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerting.h"
#include "compare.h"
#include "tests/unit/unit_files.h"

#define THEN 1743465600 /* 2025-04-01 */
#define NOW 1751328000  /* 2025-07-01 */

/* An alert of `rule` with the transitions `history` (JSON list items). */
static void alert_json(FILE *f, const char *rule, const char *state, const char *history,
                       bool first)
{
    fprintf(
        f,
        "%s{\"fingerprint\": \"%016x\", \"indicator\": \"exports\", \"rule\": \"%s\","
        " \"labels\": {\"alertname\": \"pejl_%s\", \"indicator\": \"exports\", \"rule\": \"%s\"},"
        " \"state\": \"%s\", \"pending\": \"OK\", \"pending_count\": 0, \"pending_since\": null, "
        "\"since\": \"2025-01-01T00:00:00Z\", \"starts_at\": null,"
        " \"ends_at\": null, \"evaluated_at\": \"2025-07-01T00:00:00Z\", \"last_notified\": null,"
        " \"value\": 1, \"summary\": \"\", \"description\": \"\", \"orphan\": false,"
        " \"history\": [%s]}",
        first ? "" : ",", (unsigned)(rule[0] * 7919u + strlen(history)), rule, rule, rule, state,
        history);
}

#define T(at, from, to)                                                                            \
    "{\"at\": \"" at "\", \"from\": \"" from "\", \"to\": \"" to "\", \"summary\": \"\"}"

static char *state_with_alerts(void)
{
    char *dir = unit_temp_dir("compare"), *path = unit_path(dir, "alerts.json");
    char *journal = unit_path(dir, "journal");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"format\": \"pejl-alerts 1\", \"saved_at\": \"2025-07-01T00:00:00Z\", \"alerts\": [",
          f);
    alert_json(
        f, "stale", "OK",
        T("2025-02-01T00:00:00Z", "OK", "WARNING") "," T("2025-05-01T00:00:00Z", "WARNING", "OK"),
        true);
    alert_json(
        f, "range", "WARNING",
        T("2025-01-01T00:00:00Z", "OK", "WARNING") "," T(
            "2025-02-01T00:00:00Z", "WARNING",
            "OK") "," T("2025-04-15T00:00:00Z", "OK",
                        "WARNING") "," T("2025-04-20T00:00:00Z", "WARNING",
                                         "CRITICAL") "," T("2025-05-01T00:00:00Z", "CRITICAL",
                                                           "OK") "," T("2025-06-01T00:00:00Z", "OK",
                                                                       "WARNING") "," T("2025-08-"
                                                                                        "01T00:00:"
                                                                                        "00Z",
                                                                                        "WARNING",
                                                                                        "OK"),
        false);
    char flapping[16 * 120] = "";
    for (int i = 0; i < 16; i++) /* every day from 2 April: 8 episodes, all 16 kept */
        snprintf(flapping + strlen(flapping), sizeof flapping - strlen(flapping),
                 "%s{\"at\": \"2025-04-%02dT00:00:00Z\", \"from\": \"%s\", \"to\": \"%s\", "
                 "\"summary\": \"\"}",
                 i ? "," : "", 2 + i, i % 2 ? "WARNING" : "OK", i % 2 ? "OK" : "WARNING");
    alert_json(f, "collect", "OK", flapping, false);
    fputs("], \"collections\": {}, \"silences\": []}\n", f);
    assert_int_equal(fclose(f), 0);
    unit_write_file(journal, "pejl-journal 2\n", 15, O_TRUNC);
    free(path);
    free(journal);
    return dir;
}

static void test_alerts_opened_and_closed_in_between(void **state)
{
    (void)state;
    char *dir = state_with_alerts(), err[512];
    struct alerting *al = alerting_open(dir, err, sizeof err);
    if (!al)
        fail_msg("alerting_open: %s", err);
    struct comparison c;
    struct compare_inputs in = {.state_dir = dir, .alerting = al, .then = THEN, .now = NOW};
    if (compare_build(&c, &in, err, sizeof err) < 0)
        fail_msg("compare_build: %s", err);
    assert_int_equal(c.n_alerts, 3 + 8);
    assert_int_equal(c.n_new_periods + c.n_revised + c.n_progress + c.n_ranks, 0);
    const struct compare_alert *stale = NULL, *range[2] = {NULL, NULL};
    for (size_t i = 0; i < c.n_alerts; i++) {
        assert_null(c.alerts[i].indicator); /* not in the (empty) config */
        assert_string_equal(c.alerts[i].indicator_id, "exports");
        if (strcmp(c.alerts[i].rule, "collect") == 0)
            assert_true(c.alerts[i].history_cut); /* what came before 2 April is forgotten */
        else if (strcmp(c.alerts[i].rule, "stale") == 0)
            stale = &c.alerts[i];
        else
            range[range[0] ? 1 : 0] = &c.alerts[i];
    }
    assert_non_null(stale);
    assert_int_equal(stale->opened, 0);          /* before then */
    assert_int_equal(stale->closed, 1746057600); /* 2025-05-01 */
    assert_int_equal(stale->state, ALERT_WARNING);
    assert_non_null(range[1]);
    assert_int_equal(range[0]->opened, 1744675200); /* 2025-04-15 */
    assert_int_equal(range[0]->closed, 1746057600);
    assert_int_equal(range[0]->state, ALERT_CRITICAL); /* the worst it reached */
    assert_int_equal(range[1]->opened, 1748736000);    /* 2025-06-01 */
    assert_int_equal(range[1]->closed, 0);             /* still open now: August is later */
    assert_false(range[0]->history_cut || range[1]->history_cut || stale->history_cut);
    compare_free(&c);
    alerting_free(al);
    unit_remove_tree(dir);
}

static int teardown(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("compare");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alerts_opened_and_closed_in_between),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
