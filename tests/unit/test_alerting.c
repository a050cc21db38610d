/*
 * test_alerting.c — the alerts of pejld (alerting.c) on a real config and
 * store: nothing is raised before the first collection; a stored series
 * evaluated through its rules to alert states (a range on the latest value,
 * a path gap per target); the worst alert per indicator and target; the
 * collection records (failures in a row, the error, the last revision)
 * and the collect and revision rules that read them; silences that match,
 * that do not, and that expire; the ledger saved only when something
 * changed and read back after a restart with the same fingerprints and
 * startsAt, raising nothing anew; and alerts whose rule left the config,
 * resolved and kept a week.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerting.h"
#include "config.h"
#include "diag.h"
#include "pejld.h"
#include "store.h"
#include "unit_files.h"

#define NOW INT64_C(1748736000)     /* 2025-06-01: the 2024 figure is not stale */
#define VINTAGE INT64_C(1735689600) /* 2025-01-01 */

/* Two path targets: the data run ahead of the first (+6 % against its
 * path in 2024) and behind the second (-8 %). */
#define TARGETS                                                                                    \
    "  targets = ( { year = 2030; value = 350.0; baseline = { period = \"2023\"; value = 174.0; "  \
    "}; },\n"                                                                                      \
    "    { year = 2029; value = 1000.0; baseline = { period = \"2023\"; value = 174.0; }; } );\n"

#define ALERTS                                                                                     \
    "  alerts = ( { rule = \"range\"; warning = \"~:200\"; critical = \"~:300\"; },\n"             \
    "    { rule = \"path_gap\"; warning = \"-4:\"; critical = \"-5:\"; },\n"                       \
    "    { rule = \"collect\"; }, { rule = \"revision\"; } );\n"

struct fixture {
    char *dir, state_dir[1024];
    struct config *config;
    struct store *store;
    struct alerting *alerting;
    const struct indicator *ls;
};

static struct config *load(struct fixture *f, const char *alerts)
{
    char conf[1100];
    snprintf(conf, sizeof conf, "%s/pejld.conf", f->dir);
    FILE *out = fopen(conf, "w");
    assert_non_null(out);
    fprintf(out,
            "collector_dir = \"" PEJL_BUILD_DIR "/lib/pejl/collectors\";\n"
            "state_dir = \"%s\";\n"
            "indicators = ( { id = \"ls\"; title = \"Eksport\"; unit = \"mia. kr.\";\n"
            "  pejlemaerke = 5; frequency = \"annual\";\n"
            "  source = { collector = \"csv\"; url = \"file:x.csv\"; };\n" TARGETS "%s },\n"
            "  { id = \"other\"; title = \"Andet\"; unit = \"x\"; frequency = \"annual\";\n"
            "  source = { collector = \"csv\"; url = \"file:y.csv\"; };\n"
            "  alerts = ( { rule = \"range\"; warning = \"~:1\"; } ); } );\n",
            f->state_dir, alerts);
    fclose(out);
    struct pejl_diag diag = {0};
    struct config *c = config_load(conf, NULL, &diag);
    diag_print(&diag, stderr);
    diag_free(&diag);
    assert_non_null(c);
    return c;
}

static void open_alerting(struct fixture *f, int64_t now)
{
    char err[512];
    f->alerting = alerting_open(f->state_dir, err, sizeof err);
    if (!f->alerting)
        fail_msg("alerting_open: %s", err);
    alerting_use_indicators(f->alerting, f->config->indicators, f->config->n_indicators, now);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[512];
    assert_non_null(f);
    f->dir = unit_temp_dir("test_alerting");
    snprintf(f->state_dir, sizeof f->state_dir, "%s/state", f->dir);
    f->config = load(f, ALERTS);
    f->ls = config_find(f->config, "ls");
    struct store_settings store = pejld_store_settings(f->config);
    f->store = store_open(&store, err, sizeof err);
    if (!f->store)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_use_settings(f->store, &store), 0);
    open_alerting(f, NOW);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    alerting_free(f->alerting);
    store_close(f->store);
    config_unref(f->config);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

static void must_store(void *arg, bool stored, const struct ingest_summary *summary,
                       const char *error)
{
    (void)arg, (void)summary;
    if (!stored)
        fail_msg("not stored: %s", error);
}

/* 2019-2024: 131 … 205. */
static void store_exports(struct fixture *f)
{
    static const double values[] = {131, 145, 160, 174, 189, 205};
    struct pejl_observation obs[6];
    for (size_t i = 0; i < 6; i++)
        obs[i] = (struct pejl_observation){
            .period = {.year = (int16_t)(2019 + i), .kind = PEJL_PERIOD_YEAR}, .value = values[i]};
    assert_int_equal(store_stage(f->store, f->ls, obs, 6, VINTAGE, must_store, NULL), 0);
    assert_int_equal(store_commit(f->store), 1);
}

/* The alert of ls's rule `k` (in config order, targets expanded). */
static const struct alert *alert_of(const struct fixture *f, size_t k)
{
    assert_true(k < f->ls->n_rules);
    const struct alert *a = NULL;
    const struct alert_ledger *l = alerting_ledger(f->alerting);
    for (size_t i = 0; i < l->n_alerts; i++)
        if (strcmp(l->alerts[i].fingerprint, f->ls->rules[k].fingerprint) == 0)
            a = &l->alerts[i];
    assert_non_null(a);
    return a;
}

/* ls's rules in order: range, path_gap (2030), path_gap (2029), collect, revision. */
enum { RANGE, GAP_2030, GAP_2029, COLLECT, REVISION, N_RULES };

static void test_rules_of_the_config(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->ls->n_rules, N_RULES);
    assert_int_equal(f->ls->rules[GAP_2030].target, 0);
    assert_int_equal(f->ls->rules[GAP_2029].target, 1);
    assert_int_equal(f->ls->rules[RANGE].target, -1);
    /* One alert per rule, OK and never evaluated, before anything is known. */
    assert_int_equal(alerting_ledger(f->alerting)->n_alerts, N_RULES + 1);
    for (size_t k = 0; k < N_RULES; k++) {
        assert_int_equal(alert_of(f, k)->state, ALERT_OK);
        assert_int_equal(alert_of(f, k)->evaluated_at, 0);
    }
}

/* Not collected yet: pending, not unknown; nothing changes. */
static void test_nothing_before_the_first_collection(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators,
                                       f->store, NULL, NOW, false),
                     0);
    for (size_t k = 0; k < N_RULES; k++)
        assert_int_equal(alert_of(f, k)->evaluated_at, 0);
    assert_null(alerting_collection(f->alerting, "ls"));
}

static void test_evaluated_to_alert_states(void **state)
{
    struct fixture *f = *state;
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    size_t changes = alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators,
                                       f->store, "ls", NOW, true);
    assert_int_equal(changes, 2);
    const struct alert *range = alert_of(f, RANGE), *behind = alert_of(f, GAP_2029);
    assert_int_equal(range->state, ALERT_WARNING); /* 205 is over 200, not over 300 */
    assert_float_equal(range->value, 205, 1e-9);
    assert_int_equal(range->starts_at, NOW);
    assert_int_equal(range->evaluated_at, NOW);
    assert_string_equal(alert_label(range, "severity"), "warning");
    assert_int_equal(range->n_history, 1);
    assert_int_equal(range->history[0].from, ALERT_OK);
    assert_int_equal(range->history[0].to, ALERT_WARNING);
    assert_true(range->summary[0] != '\0');
    assert_int_equal(alert_of(f, GAP_2030)->state, ALERT_OK);
    assert_true(alert_of(f, GAP_2030)->value > 4); /* ahead of the first path */
    assert_int_equal(behind->state, ALERT_CRITICAL);
    assert_true(behind->value < -5);
    assert_string_equal(alert_label(behind, "target"), "2029");
    assert_int_equal(alert_of(f, COLLECT)->state, ALERT_OK);
    assert_int_equal(alert_of(f, REVISION)->state, ALERT_OK);
    /* Only ls was evaluated. */
    const struct indicator *other = config_find(f->config, "other");
    assert_int_equal(alerting_worst(f->alerting, other, -1)->evaluated_at, 0);
    /* The same again changes nothing. */
    assert_int_equal(alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators,
                                       f->store, "ls", NOW + 60, true),
                     0);
    assert_int_equal(alert_of(f, RANGE)->starts_at, NOW);
}

/* The worst alert of an indicator: for a target, its own rules and those
 * of no target; with -1, those of no target only. */
static void test_worst_per_target(void **state)
{
    struct fixture *f = *state;
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, NULL,
                      NOW, true);
    assert_ptr_equal(alerting_worst(f->alerting, f->ls, 0), alert_of(f, RANGE));
    assert_ptr_equal(alerting_worst(f->alerting, f->ls, 1), alert_of(f, GAP_2029));
    assert_int_equal(alerting_worst(f->alerting, f->ls, -1)->state, ALERT_WARNING);
    assert_ptr_equal(alerting_worst(f->alerting, f->ls, -1), alert_of(f, RANGE));
}

static void test_collection_records(void **state)
{
    struct fixture *f = *state;
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW - 100);
    for (int i = 1; i <= 3; i++) {
        char error[64];
        snprintf(error, sizeof error, "HTTP 503 (try %d)", i);
        alerting_collected(f->alerting, "ls", false, error, NULL, NOW + i);
    }
    const struct collection_record *c = alerting_collection(f->alerting, "ls");
    assert_non_null(c);
    assert_int_equal(c->consecutive_failures, 3);
    assert_string_equal(c->last_error, "HTTP 503 (try 3)");
    assert_int_equal(c->last_attempt, NOW + 3);
    assert_int_equal(c->last_success, NOW - 100);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, "ls",
                      NOW + 10, true);
    assert_int_equal(alert_of(f, COLLECT)->state, ALERT_WARNING); /* 3 in a row */
    assert_float_equal(alert_of(f, COLLECT)->value, 3, 1e-9);
    /* A failure without words is still said. */
    alerting_collected(f->alerting, "ls", false, NULL, NULL, NOW + 20);
    assert_string_equal(c->last_error, "failed");
    /* A success with a revision: the failures end, the revision is kept. */
    struct ingest_summary sum = {.received = 6,
                                 .revised = 1,
                                 .revision_pct = 7.5,
                                 .revised_series = "ls",
                                 .revised_period = {.year = 2023, .kind = PEJL_PERIOD_YEAR},
                                 .revised_from = 174,
                                 .revised_to = 187.05};
    alerting_collected(f->alerting, "ls", true, NULL, &sum, NOW + 30);
    assert_int_equal(c->consecutive_failures, 0);
    assert_string_equal(c->last_error, "");
    assert_int_equal(c->last_success, NOW + 30);
    assert_float_equal(c->revision_pct, 7.5, 1e-9);
    assert_string_equal(c->revised_series, "ls");
    assert_int_equal(c->revised_period.year, 2023);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, "ls",
                      NOW + 40, true);
    assert_int_equal(alert_of(f, COLLECT)->state, ALERT_OK);
    assert_int_equal(alert_of(f, REVISION)->state, ALERT_WARNING);
    assert_string_equal(alert_label(alert_of(f, REVISION), "severity"), "info");
    /* Only a provisional figure updated: kept apart, and no revision. */
    struct ingest_summary updated = {
        .received = 6,
        .provisional_updated = 1,
        .provisional = {.pct = 20,
                        .series = "ls",
                        .period = {.year = 2025, .kind = PEJL_PERIOD_YEAR},
                        .from = 50,
                        .to = 60}};
    alerting_collected(f->alerting, "ls", true, NULL, &updated, NOW + 45);
    assert_true(isnan(c->revision_pct));
    assert_float_equal(c->provisional.pct, 20, 1e-9);
    assert_int_equal(c->provisional.period.year, 2025);
    /* The next success without one: none. */
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW + 50);
    assert_true(isnan(c->revision_pct));
    assert_true(c->provisional.pct == 0);
    /* Records are per indicator. */
    assert_null(alerting_collection(f->alerting, "other"));
}

static struct silence silence_for(const char *id, const char *indicator, const char *rule,
                                  int64_t from, int64_t to)
{
    struct silence s = {.starts_at = from, .ends_at = to};
    snprintf(s.id, sizeof s.id, "%s", id);
    snprintf(s.indicator, sizeof s.indicator, "%s", indicator);
    snprintf(s.rule, sizeof s.rule, "%s", rule);
    snprintf(s.comment, sizeof s.comment, "known");
    snprintf(s.created_by, sizeof s.created_by, "test");
    return s;
}

static void test_silences(void **state)
{
    struct fixture *f = *state;
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, NULL,
                      NOW, true);
    struct silence s = silence_for("00000000000000a1", "ls", "range", NOW, NOW + 3600);
    assert_int_equal(alerting_add_silence(f->alerting, &s), 0);
    const struct alert *range = alert_of(f, RANGE), *gap = alert_of(f, GAP_2029);
    assert_true(alerting_silenced(f->alerting, range, NOW + 10));
    assert_false(alerting_silenced(f->alerting, gap, NOW + 10));     /* another rule */
    assert_false(alerting_silenced(f->alerting, range, NOW - 1));    /* not begun */
    assert_false(alerting_silenced(f->alerting, range, NOW + 3600)); /* over */
    /* Any rule of every indicator with a star. */
    struct silence all = silence_for("00000000000000a2", "", "path_gap", NOW, NOW + 60);
    assert_int_equal(alerting_add_silence(f->alerting, &all), 0);
    assert_true(alerting_silenced(f->alerting, gap, NOW));
    /* Silencing hides an alert from the receivers; its state goes on. */
    assert_int_equal(gap->state, ALERT_CRITICAL);
    /* Evaluating past its end drops an expired silence. */
    assert_int_equal(alerting_ledger(f->alerting)->n_silences, 2);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, NULL,
                      NOW + 120, false);
    assert_int_equal(alerting_ledger(f->alerting)->n_silences, 1);
    assert_string_equal(alerting_ledger(f->alerting)->silences[0].id, "00000000000000a1");
    assert_int_equal(alerting_remove_silence(f->alerting, "00000000000000a1"), 0);
    assert_int_equal(alerting_remove_silence(f->alerting, "00000000000000a1"), -1);
    assert_false(alerting_silenced(f->alerting, range, NOW + 10));
}

static char *alerts_json(const struct fixture *f)
{
    return unit_path(f->state_dir, "alerts.json");
}

/* Saved only when something changed; read back after a restart with the
 * same fingerprints, states and startsAt, and nothing raised anew. */
static void test_saved_and_restored(void **state)
{
    struct fixture *f = *state;
    char *path = alerts_json(f);
    assert_int_equal(alerting_save(f->alerting, NOW), 0); /* the new alerts */
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(alerting_save(f->alerting, NOW), 0);
    assert_int_equal(access(path, F_OK), -1); /* nothing changed: not written */
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, NULL,
                      NOW, true);
    struct silence s = silence_for("00000000000000b1", "ls", "", NOW, NOW + 86400);
    assert_int_equal(alerting_add_silence(f->alerting, &s), 0);
    assert_int_equal(alerting_save(f->alerting, NOW), 0);
    assert_int_equal(access(path, F_OK), 0);
    struct alert range = *alert_of(f, RANGE), gap = *alert_of(f, GAP_2029);
    alerting_free(f->alerting);
    open_alerting(f, NOW + 3600); /* a restart an hour later */
    const struct alert *range2 = alert_of(f, RANGE), *gap2 = alert_of(f, GAP_2029);
    assert_int_equal(range2->state, ALERT_WARNING);
    assert_int_equal(range2->starts_at, range.starts_at);
    assert_int_equal(range2->n_history, range.n_history);
    assert_string_equal(range2->summary, range.summary);
    assert_int_equal(gap2->state, ALERT_CRITICAL);
    assert_int_equal(gap2->starts_at, gap.starts_at);
    const struct collection_record *c = alerting_collection(f->alerting, "ls");
    assert_non_null(c);
    assert_int_equal(c->last_success, NOW);
    assert_int_equal(alerting_ledger(f->alerting)->n_silences, 1);
    assert_true(alerting_silenced(f->alerting, range2, NOW + 3600));
    /* The unchanged condition, evaluated by the clock: no change. */
    assert_int_equal(alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators,
                                       f->store, NULL, NOW + 3600, false),
                     0);
    assert_int_equal(alert_of(f, RANGE)->starts_at, NOW);
    free(path);
}

/* A damaged alerts.json stops start-up rather than losing the alerts. */
static void test_damaged_ledger(void **state)
{
    struct fixture *f = *state;
    char *path = alerts_json(f), err[512] = "";
    unit_write_file(path, "{\"format\":", 10, O_CREAT | O_TRUNC);
    assert_null(alerting_open(f->state_dir, err, sizeof err));
    assert_non_null(strstr(err, "alerts.json"));
    free(path);
}

/* The status table's view (alerting_open_view): the worst alert per
 * target and the silences as a full open has them; it is never saved; a
 * state it cannot glance at is read in full, and refused as start-up
 * refuses it. */
static void test_view(void **state)
{
    struct fixture *f = *state;
    char *path = alerts_json(f), err[512] = "";
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, NULL,
                      NOW, true);
    struct silence s = silence_for("00000000000000b1", "ls", "", NOW, NOW + 86400);
    assert_int_equal(alerting_add_silence(f->alerting, &s), 0);
    assert_int_equal(alerting_save(f->alerting, NOW), 0);
    struct alerting *view = alerting_open_view(f->state_dir, err, sizeof err);
    assert_non_null(view);
    alerting_use_indicators(view, f->config->indicators, f->config->n_indicators, NOW);
    for (int target = 0; target < 2; target++) {
        const struct alert *want = alerting_worst(f->alerting, f->ls, target);
        const struct alert *got = alerting_worst(view, f->ls, target);
        assert_non_null(got);
        assert_string_equal(got->fingerprint, want->fingerprint);
        assert_int_equal(got->state, want->state);
        assert_int_equal(got->since, want->since);
        assert_string_equal(got->summary, want->summary);
        assert_true(alerting_silenced(view, got, NOW));
    }
    long long size = unit_file_size(path);
    assert_int_equal(alerting_save(view, NOW + 60), -1); /* a view is not the state */
    assert_int_equal(unit_file_size(path), size);
    alerting_free(view);
    unit_write_file(path, "{\"format\":", 10, O_CREAT | O_TRUNC);
    assert_null(alerting_open_view(f->state_dir, err, sizeof err));
    assert_non_null(strstr(err, "alerts.json"));
    free(path);
}

/* A rule that left the config: its alert resolved and kept a week for the
 * notifiers, then dropped; a rule that comes back starts afresh. */
static void test_rule_gone(void **state)
{
    struct fixture *f = *state;
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators, f->store, NULL,
                      NOW, true);
    char fingerprint[17];
    snprintf(fingerprint, sizeof fingerprint, "%s", alert_of(f, RANGE)->fingerprint);
    struct config *without = load(f, "  alerts = ( { rule = \"collect\"; } );\n");
    alerting_use_indicators(f->alerting, without->indicators, without->n_indicators, NOW + 100);
    const struct alert *a = alert_ledger_find(alerting_ledger_for_update(f->alerting), fingerprint);
    assert_non_null(a);
    assert_true(a->orphan);
    assert_int_equal(a->state, ALERT_OK);
    assert_int_equal(a->ends_at, NOW + 100);
    assert_string_equal(a->history[a->n_history - 1].summary, "its rule is no longer configured");
    assert_int_equal(a->history[a->n_history - 1].from, ALERT_WARNING);
    /* Still there after six days, gone after eight. */
    alerting_use_indicators(f->alerting, without->indicators, without->n_indicators,
                            NOW + 6 * 86400);
    assert_non_null(alert_ledger_find(alerting_ledger_for_update(f->alerting), fingerprint));
    alerting_use_indicators(f->alerting, without->indicators, without->n_indicators,
                            NOW + 8 * 86400);
    assert_null(alert_ledger_find(alerting_ledger_for_update(f->alerting), fingerprint));
    /* Back in the config: a fresh alert, OK, for the same fingerprint. */
    alerting_use_indicators(f->alerting, f->config->indicators, f->config->n_indicators,
                            NOW + 9 * 86400);
    a = alert_ledger_find(alerting_ledger_for_update(f->alerting), fingerprint);
    assert_non_null(a);
    assert_false(a->orphan);
    assert_int_equal(a->state, ALERT_OK);
    assert_int_equal(a->evaluated_at, 0);
    config_unref(without);
}

static int cleanup(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("test_alerting");
}

/* language = "da" after "en" (a reload, or a restart with the new config):
 * the alerts' words follow at the next evaluation, but text is not
 * identity: the same alerts, fingerprints, episodes and history, no change
 * of state to notify. */
static void test_language_change_is_no_new_alert(void **state)
{
    struct fixture *f = *state;
    store_exports(f);
    alerting_collected(f->alerting, "ls", true, NULL, NULL, NOW);
    alerting_use_language(f->alerting, LANGUAGE_EN);
    assert_int_equal(alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators,
                                       f->store, "ls", NOW, true),
                     2);
    const struct alert *range = alert_of(f, RANGE);
    char fingerprint[17];
    snprintf(fingerprint, sizeof fingerprint, "%s", range->fingerprint);
    assert_non_null(strstr(range->summary, " mia. kr. in "));
    size_t n_alerts = alerting_ledger(f->alerting)->n_alerts, n_history = range->n_history;

    alerting_use_language(f->alerting, LANGUAGE_DA);
    assert_int_equal(alerting_evaluate(f->alerting, f->config->indicators, f->config->n_indicators,
                                       f->store, NULL, NOW + 60, false),
                     0);
    range = alert_of(f, RANGE);
    assert_non_null(strstr(range->summary, " mia. kr. i "));
    assert_non_null(strstr(alert_description(range), "Tærskler: advarsel"));
    assert_string_equal(range->fingerprint, fingerprint);
    assert_int_equal(range->state, ALERT_WARNING);
    assert_int_equal(range->starts_at, NOW);
    assert_int_equal(range->n_history, n_history);
    assert_int_equal(alerting_ledger(f->alerting)->n_alerts, n_alerts);

    /* Saved and read back: the Danish words, the same alert. */
    assert_int_equal(alerting_save(f->alerting, NOW + 60), 0);
    alerting_free(f->alerting);
    open_alerting(f, NOW + 120);
    range = alert_of(f, RANGE);
    assert_non_null(strstr(range->summary, " mia. kr. i "));
    assert_string_equal(range->fingerprint, fingerprint);
    assert_int_equal(range->starts_at, NOW);
    assert_int_equal(alerting_ledger(f->alerting)->n_alerts, n_alerts);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        T(test_rules_of_the_config),
        T(test_nothing_before_the_first_collection),
        T(test_evaluated_to_alert_states),
        T(test_worst_per_target),
        T(test_collection_records),
        T(test_silences),
        T(test_saved_and_restored),
        T(test_damaged_ledger),
        T(test_view),
        T(test_rule_gone),
        T(test_language_change_is_no_new_alert),
    };
    return cmocka_run_group_tests_name("alerting", tests, NULL, cleanup);
}
