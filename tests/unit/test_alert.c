/*
 * test_alert.c — one alert over time: `for` in evaluations and duration,
 * flapping input that never holds long enough, hysteresis through a real
 * rule, startsAt kept across an escalation and endsAt on recovery, a
 * fingerprint that ignores severity, the bounded history, and silences.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alert.h"
#include "config.h"
#include "silence.h"

static struct collector_module csv_module = {.name = "csv"};

static struct indicator exports(struct target *t)
{
    evaluate_target_defaults(t);
    t->year = 2030;
    t->value = 350;
    t->baseline = (struct pejl_period){.year = 2023, .kind = PEJL_PERIOD_YEAR};
    t->baseline_value = 174;
    return (struct indicator){.id = "ls_exports", .title = "Life science-eksport",
                              .unit = "mia. kr.", .pejlemaerke = 5,
                              .frequency = PEJL_PERIOD_YEAR, .stale_after_s = 400 * 86400,
                              .collector = &csv_module, .targets = t, .n_targets = 1};
}

static struct alert_rule gap_rule(const struct indicator *ind, unsigned for_count, int64_t for_s)
{
    struct alert_rule r = {.kind = RULE_PATH_GAP, .target = 0, .hysteresis = NAN,
                           .for_count = for_count, .for_s = for_s};
    rule_defaults(&r, ind); /* warning "-5:", critical "-10:", margin 0.5 */
    return r;
}

/* One evaluation with the gap to the path at `gap` %. */
static bool step_gap(struct alert *a, const struct indicator *ind, const struct alert_rule *r,
                     double gap, int64_t now)
{
    struct evaluation e = {.gap_pct = gap, .previous_value = NAN};
    struct rule_input in = {
        .indicator = ind, .evaluations = &e, .now = now, .language = LANGUAGE_EN};
    struct rule_result result;
    rule_check(r, &in, a->state, &result);
    return alert_step(a, ind, r, &result, now, true);
}

static void test_for_counts_evaluations(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 3, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    assert_false(step_gap(&a, &ind, &r, -7, 100));
    assert_false(step_gap(&a, &ind, &r, -7, 200));
    assert_int_equal(a.state, ALERT_OK);
    assert_int_equal(a.pending, ALERT_WARNING);
    assert_true(step_gap(&a, &ind, &r, -7, 300));
    assert_int_equal(a.state, ALERT_WARNING);
    assert_int_equal(a.starts_at, 300);
    assert_int_equal(a.since, 300);
    assert_string_equal(alert_label(&a, "severity"), "warning");
    alert_free(&a);
}

/* An alert is sized by its content: its description is allocated as long
 * as it is (cut below ALERT_DESCRIPTION_MAX, a split character's byte made
 * '?', as before), not a fixed kilobyte in each of a catalogue's alerts. */
static void test_description_sized_by_content(void **state)
{
    (void)state;
    assert_true(sizeof(struct alert) <
                sizeof(struct label_set) + ALERT_SUMMARY_MAX + ALERT_DESCRIPTION_MAX);
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    assert_string_equal(alert_description(&a), "");
    step_gap(&a, &ind, &r, -7, 100);
    assert_true(strlen(alert_description(&a)) > 0);
    char longest[2 * ALERT_DESCRIPTION_MAX] = "";
    while (strlen(longest) + 2 < sizeof longest)
        strcat(longest, "\xc3\xa6"); /* æ, two bytes: the cut splits one */
    assert_int_equal(alert_set_description(&a, longest), 0);
    const char *cut = alert_description(&a);
    assert_int_equal(strlen(cut), ALERT_DESCRIPTION_MAX - 1);
    assert_int_equal(cut[ALERT_DESCRIPTION_MAX - 2], '?');
    alert_free(&a);
    assert_null(a.description);
}

/* Labels too are sized by their content: a block of "name\0value\0" as
 * long as they are, not sixteen fixed 160-byte slots (2.5 KB) in each of a
 * catalogue's alerts. */
static void test_labels_sized_by_content(void **state)
{
    (void)state;
    assert_true(sizeof(struct alert) < 1024);
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    char longest[LABEL_VALUE_MAX] = ""; /* the longest a value can be */
    memset(longest, 'x', sizeof longest - 1);
    struct alert_label team[2] = {{.name = "team", .value = "analysis"},
                                  {.name = "owner", .value = longest}};
    r.labels = team;
    r.n_labels = 2;
    struct label_set want;
    alert_labels(&ind, &r, ALERT_OK, &want);
    char fingerprint[17];
    alert_fingerprint(&want, fingerprint);
    struct alert a;
    alert_init(&a, &ind, &r);
    assert_string_equal(a.fingerprint, fingerprint);
    assert_true(a.labels_size < 400); /* what they hold, not 2.5 KB */
    assert_int_equal(a.n_labels, want.n);
    struct label_set got;
    alert_label_set(&a, &got);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        assert_string_equal(got.items[i].name, want.items[i].name);
        assert_string_equal(got.items[i].value, want.items[i].value);
    }
    assert_string_equal(alert_label(&a, "owner"), longest);
    assert_null(alert_label(&a, "severity"));
    step_gap(&a, &ind, &r, -7, 100); /* WARNING: severity joins, in name order */
    assert_string_equal(alert_label(&a, "severity"), "warning");
    alert_label_set(&a, &got);
    for (size_t i = 1; i < got.n; i++)
        assert_true(strcmp(got.items[i - 1].name, got.items[i].name) < 0);
    alert_fingerprint(&got, fingerprint); /* severity is not identity */
    assert_string_equal(fingerprint, a.fingerprint);
    alert_free(&a);
    assert_null(a.labels);
}

/* Clock evaluations (start-up, hourly) do not count towards for = N. */
static void test_clock_evaluations_do_not_count(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 2, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    struct evaluation e = {.gap_pct = -7, .previous_value = NAN};
    struct rule_input in = {
        .indicator = &ind, .evaluations = &e, .now = 0, .language = LANGUAGE_EN};
    struct rule_result result;
    rule_check(&r, &in, a.state, &result);
    assert_false(alert_step(&a, &ind, &r, &result, 10, false)); /* first sighting: 1 */
    assert_false(alert_step(&a, &ind, &r, &result, 20, false)); /* a restart: still 1 */
    assert_int_equal(a.pending_count, 1);
    assert_true(alert_step(&a, &ind, &r, &result, 30, true)); /* the next collection: 2 */
    assert_int_equal(a.state, ALERT_WARNING);
    assert_int_equal(a.starts_at, 30);
    alert_free(&a);
}

static void test_for_duration(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 86400);
    struct alert a;
    alert_init(&a, &ind, &r);
    assert_false(step_gap(&a, &ind, &r, -12, 1000));
    assert_false(step_gap(&a, &ind, &r, -12, 1000 + 86399));
    assert_true(step_gap(&a, &ind, &r, -12, 1000 + 86400));
    assert_int_equal(a.state, ALERT_CRITICAL);
    alert_free(&a);
}

/* Input that flips every evaluation never holds for 2 and never fires. */
static void test_flapping_never_fires(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 2, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    for (int i = 0; i < 20; i++)
        assert_false(step_gap(&a, &ind, &r, i % 2 ? -7 : -1, 100 * i));
    assert_int_equal(a.state, ALERT_OK);
    assert_int_equal(a.n_history, 0);
    alert_free(&a);
}

/* A value hovering at the threshold: in, then 0.2 out, stays; 0.6 out clears. */
static void test_hysteresis_on_the_way_back(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    assert_true(step_gap(&a, &ind, &r, -5.1, 10));
    assert_false(step_gap(&a, &ind, &r, -4.8, 20)); /* within the 0.5 margin */
    assert_false(step_gap(&a, &ind, &r, -5.3, 30));
    assert_int_equal(a.state, ALERT_WARNING);
    assert_true(step_gap(&a, &ind, &r, -4.4, 40));
    assert_int_equal(a.state, ALERT_OK);
    assert_int_equal(a.ends_at, 40);
    assert_int_equal(a.starts_at, 10);
    assert_null(alert_label(&a, "severity"));
    alert_free(&a);
}

/* WARNING -> CRITICAL is the same alert: one fingerprint, one startsAt. */
static void test_escalation_keeps_identity(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    char fingerprint[17];
    strcpy(fingerprint, a.fingerprint);
    assert_string_equal(fingerprint, r.fingerprint[0] ? r.fingerprint : fingerprint);
    step_gap(&a, &ind, &r, -7, 10);
    step_gap(&a, &ind, &r, -12, 20);
    assert_int_equal(a.state, ALERT_CRITICAL);
    assert_int_equal(a.starts_at, 10);
    assert_int_equal(a.since, 20);
    assert_string_equal(a.fingerprint, fingerprint);
    struct label_set labels;
    alert_labels(&ind, &r, ALERT_CRITICAL, &labels);
    char again[17];
    alert_fingerprint(&labels, again);
    assert_string_equal(again, fingerprint);
    assert_string_equal(alert_label_get(&labels, "target"), "2030");
    assert_string_equal(alert_label_get(&labels, "pejlemaerke"), "5");
    assert_string_equal(alert_label_get(&labels, "alertname"), "pejl_path_gap");
    /* a user label is part of the identity */
    struct alert_label team = {.name = "team", .value = "analysis"};
    r.labels = &team;
    r.n_labels = 1;
    alert_labels(&ind, &r, ALERT_OK, &labels);
    alert_fingerprint(&labels, again);
    assert_string_not_equal(again, fingerprint);
    alert_free(&a);
}

static void test_unknown_is_not_a_miss(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    assert_true(step_gap(&a, &ind, &r, NAN, 10));
    assert_int_equal(a.state, ALERT_UNKNOWN);
    assert_string_equal(alert_label(&a, "severity"), "unknown");
    assert_non_null(strstr(a.summary, "unknown"));
    alert_free(&a);
}

static void test_history_is_bounded(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    for (int i = 0; i < 40; i++)
        assert_true(step_gap(&a, &ind, &r, i % 2 ? -1 : -12, i));
    assert_int_equal(a.n_history, ALERT_HISTORY_MAX);
    assert_int_equal(a.history[ALERT_HISTORY_MAX - 1].at, 39);
    assert_int_equal(a.history[0].at, 40 - ALERT_HISTORY_MAX);
    alert_free(&a);
}

static void test_silences(void **state)
{
    (void)state;
    struct target t;
    struct indicator ind = exports(&t);
    struct alert_rule r = gap_rule(&ind, 1, 0);
    struct alert a;
    alert_init(&a, &ind, &r);
    char err[300];
    struct silence s = {.starts_at = 100, .ends_at = 200};
    assert_int_equal(silence_parse_matcher("ls_exports", &s, err, sizeof err), 0);
    assert_true(silence_matches(&s, &a, 150));
    assert_false(silence_matches(&s, &a, 99));
    assert_false(silence_matches(&s, &a, 200)); /* ended */
    assert_int_equal(silence_parse_matcher("ls_exports/stale", &s, err, sizeof err), 0);
    assert_false(silence_matches(&s, &a, 150));
    assert_int_equal(silence_parse_matcher("*/path_gap", &s, err, sizeof err), 0);
    assert_true(silence_matches(&s, &a, 150));
    static const char *const bad[] = {"", "*", "LS", "ls_exports/", "ls_exports/bogus",
                                      "../x", "a/b/c"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_equal(silence_parse_matcher(bad[i], &s, err, sizeof err), -1);
        assert_non_null(strstr(err, "write INDICATOR, INDICATOR/RULE"));
    }
    alert_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_for_counts_evaluations),
        cmocka_unit_test(test_description_sized_by_content),
        cmocka_unit_test(test_labels_sized_by_content),
        cmocka_unit_test(test_clock_evaluations_do_not_count),
        cmocka_unit_test(test_for_duration),
        cmocka_unit_test(test_flapping_never_fires),
        cmocka_unit_test(test_hysteresis_on_the_way_back),
        cmocka_unit_test(test_escalation_keeps_identity),
        cmocka_unit_test(test_unknown_is_not_a_miss),
        cmocka_unit_test(test_history_is_bounded),
        cmocka_unit_test(test_silences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
