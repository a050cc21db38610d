/*
 * test_alert_ledger.c — unit tests of daemon/alert/alert_ledger.c, the alert
 * state file STATE/alerts.json, on real files: a full round trip of two
 * alerts (every field), a collection record and a silence; NaN figures
 * saved as null and read back as NaN; extreme figures and times; a missing
 * file as an empty ledger; a hand-written "pejl-alerts 1" file from
 * tests/data/alert_ledger; malformed files (not JSON, duplicate keys, wrong
 * format, wrong shapes, bad states, times, sizes, indicator ids, silence
 * rules) refused with the path, the place ("alerts[1]") and "move it
 * aside", leaving the ledger empty and the file untouched; text that is not
 * UTF-8 saved as '?' so the file stays JSON; alert_ledger_find / alert_ledger_add /
 * alert_ledger_collection / alert_ledger_add_silence / alert_ledger_expire_silences; and the
 * saved file's mode 0600 with no ".tmp" left beside it.
 * Also a case these tests found broken: counts above 1 000 000
 * (consecutive_failures, pending_count) are saved but refused on load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert_ledger.h"
#include "period.h"
#include "timestamp.h"
#include "tests/unit/unit_files.h"

#define T0 INT64_C(1795327200) /* 2026-11-22T06:00:00Z */

/* ---- fixtures ---- */

struct fixture {
    char *dir;
    char *path; /* DIR/alerts.json, not created */
};

static int setup_dir(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = unit_temp_dir("ledger");
    f->path = unit_path(f->dir, "alerts.json");
    *state = f;
    return 0;
}

static int remove_dir(void **state)
{
    struct fixture *f = *state;
    free(f->path);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

static struct pejl_period period_of(const char *s)
{
    struct pejl_period p = {0};
    if (period_parse(s, strlen(s), &p) != 0)
        fail_msg("period_parse(\"%s\") failed", s);
    return p;
}

/* Adds a label (in name order) to the alert's labels. */
static void set_label(struct alert *a, const char *name, const char *value)
{
    struct label_set set;
    alert_label_set(a, &set);
    assert_true(set.n < ALERT_LABELS_MAX);
    struct label *l = &set.items[set.n++];
    snprintf(l->name, sizeof l->name, "%s", name);
    snprintf(l->value, sizeof l->value, "%s", value);
    assert_int_equal(alert_set_labels(a, &set), 0);
}

static void add_transition(struct alert *a, int64_t at, enum alert_state from,
                           enum alert_state to, const char *summary)
{
    assert_true(a->n_history < ALERT_HISTORY_MAX);
    struct alert_transition *t = alert_history_add(a);
    assert_non_null(t);
    t->at = at;
    t->from = from;
    t->to = to;
    snprintf(t->summary, sizeof t->summary, "%s", summary);
}

/* A critical alert with a pending change back to WARNING: every field set. */
/* (Filled through a pointer: clang's ASan took the returned struct's
 * named return slot for a variable out of scope.) */
static void critical_alert(struct alert *out)
{
    struct alert a = {0};
    snprintf(a.fingerprint, sizeof a.fingerprint, "0123456789abcdef");
    snprintf(a.indicator, sizeof a.indicator, "ls_exports");
    snprintf(a.rule, sizeof a.rule, "path_gap");
    set_label(&a, "alertname", "pejl_path_gap");
    set_label(&a, "indicator", "ls_exports");
    set_label(&a, "severity", "critical");
    a.state = ALERT_CRITICAL;
    a.pending = ALERT_WARNING;
    a.pending_count = 2;
    a.pending_since = T0 - 600;
    a.since = T0 - 86400;
    a.starts_at = T0 - 90000;
    a.ends_at = 0;
    a.evaluated_at = T0 - 60;
    a.last_notified = T0 - 3600;
    a.value = 0.81;
    snprintf(a.summary, sizeof a.summary, "ls_exports is 0.81 %% off the path to 2030");
    a.description = strdup("Latest 2025: 182 mia. kr.\n\"path\" says 196\\197\ttab, æøå €");
    add_transition(&a, T0 - 200000, ALERT_OK, ALERT_UNKNOWN, "no data yet");
    add_transition(&a, T0 - 90000, ALERT_UNKNOWN, ALERT_WARNING, "6 % off the path");
    add_transition(&a, T0 - 86400, ALERT_WARNING, ALERT_CRITICAL, "11 % off the path");
    a.orphan = false;
    *out = a;
}

/* An alert that ended, its rule gone from the config. */
static void ended_alert(struct alert *out)
{
    struct alert a = {0};
    snprintf(a.fingerprint, sizeof a.fingerprint, "fedcba9876543210");
    snprintf(a.indicator, sizeof a.indicator, "co2_total");
    snprintf(a.rule, sizeof a.rule, "stale");
    set_label(&a, "alertname", "pejl_stale");
    set_label(&a, "indicator", "co2_total");
    set_label(&a, "team", "analysis");
    a.state = ALERT_OK;
    a.pending = ALERT_UNKNOWN;
    a.pending_count = 1;
    a.pending_since = T0 - 30;
    a.since = T0 - 1000;
    a.starts_at = T0 - 50000;
    a.ends_at = T0 - 1000;
    a.evaluated_at = T0;
    a.last_notified = T0 - 999;
    a.value = -12.5;
    snprintf(a.summary, sizeof a.summary, "co2_total data is 12 days old");
    a.description = strdup("Latest period 2026-10 ended 12 days ago.");
    add_transition(&a, T0 - 50000, ALERT_OK, ALERT_WARNING, "400 days old");
    add_transition(&a, T0 - 40000, ALERT_WARNING, ALERT_UNKNOWN, "no data");
    add_transition(&a, T0 - 1000, ALERT_UNKNOWN, ALERT_OK, "12 days old");
    a.orphan = true;
    *out = a;
}

static struct silence maintenance_silence(void)
{
    struct silence s = {0};
    snprintf(s.id, sizeof s.id, "a1b2c3d4e5f60718");
    snprintf(s.indicator, sizeof s.indicator, "ls_exports");
    snprintf(s.rule, sizeof s.rule, "stale");
    s.starts_at = T0 - 3600;
    s.ends_at = T0 + 86400;
    snprintf(s.comment, sizeof s.comment, "Source down for maintenance");
    snprintf(s.created_by, sizeof s.created_by, "ops@example.org");
    return s;
}

static void fill_collection(struct collection_record *c)
{
    c->consecutive_failures = 2;
    c->last_attempt = T0 - 120;
    c->last_success = T0 - 7200;
    snprintf(c->last_error, sizeof c->last_error, "HTTP 503 from api.example.org");
    c->revision_pct = 3.5;
    snprintf(c->revised_series, sizeof c->revised_series, "ls_exports.DK");
    c->revised_period = period_of("2025-Q3");
    c->revised_from = 100.25;
    c->revised_to = 103.75;
    c->provisional = (struct figure_change){
        .pct = 37.5, .series = "ls_exports.SE", .period = period_of("2026"), .from = 40, .to = 55};
}

/* Two alerts, one collection record, one silence. */
static void sample_ledger(struct alert_ledger *l)
{
    struct alert a, b;
    critical_alert(&a);
    ended_alert(&b);
    struct silence s = maintenance_silence();
    *l = (struct alert_ledger){0};
    assert_non_null(alert_ledger_add(l, &a));
    assert_non_null(alert_ledger_add(l, &b));
    struct collection_record *c = alert_ledger_collection(l, "ls_exports", true);
    assert_non_null(c);
    fill_collection(c);
    assert_int_equal(alert_ledger_add_silence(l, &s), 0);
}

static void save_ok(const struct alert_ledger *l, const char *path, int64_t now)
{
    char err[512] = "";
    if (alert_ledger_save(l, path, now, err, sizeof err) != 0)
        fail_msg("alert_ledger_save(%s): %s", path, err);
}

static void load_ok(struct alert_ledger *l, const char *path)
{
    char err[1024] = "";
    *l = (struct alert_ledger){0};
    if (alert_ledger_load(l, path, err, sizeof err) != 0)
        fail_msg("alert_ledger_load(%s): %s", path, err);
}

static void save_sample(const char *path)
{
    struct alert_ledger l;
    sample_ledger(&l);
    save_ok(&l, path, T0);
    alert_ledger_free(&l);
}

/* The saved file as JSON (it must be JSON, and UTF-8). */
static json_t *load_json(const char *path)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("%s is not JSON: line %d: %s", path, jerr.line, jerr.text);
    return doc;
}

static json_t *alert_at(json_t *doc, size_t i)
{
    json_t *a = json_array_get(json_object_get(doc, "alerts"), i);
    assert_non_null(a);
    return a;
}

/* ---- comparisons ---- */

static void assert_same_figure(double want, double got)
{
    if (isnan(want)) {
        if (!isnan(got))
            fail_msg("want NaN, got %.17g", got);
        return;
    }
    if (want != got || signbit(want) != signbit(got))
        fail_msg("want %.17g, got %.17g", want, got);
}

static void assert_same_alert(const struct alert *w, const struct alert *g)
{
    assert_string_equal(g->fingerprint, w->fingerprint);
    assert_string_equal(g->indicator, w->indicator);
    assert_string_equal(g->rule, w->rule);
    struct label_set want, got;
    alert_label_set(w, &want);
    alert_label_set(g, &got);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        assert_string_equal(got.items[i].name, want.items[i].name);
        assert_string_equal(got.items[i].value, want.items[i].value);
    }
    assert_int_equal(g->state, w->state);
    assert_int_equal(g->pending, w->pending);
    assert_int_equal(g->pending_count, w->pending_count);
    assert_int_equal(g->pending_since, w->pending_since);
    assert_int_equal(g->since, w->since);
    assert_int_equal(g->starts_at, w->starts_at);
    assert_int_equal(g->ends_at, w->ends_at);
    assert_int_equal(g->evaluated_at, w->evaluated_at);
    assert_int_equal(g->last_notified, w->last_notified);
    assert_same_figure(w->value, g->value);
    assert_string_equal(g->summary, w->summary);
    assert_string_equal(g->description, w->description);
    assert_int_equal(g->n_history, w->n_history);
    for (size_t i = 0; i < w->n_history; i++) {
        assert_int_equal(g->history[i].at, w->history[i].at);
        assert_int_equal(g->history[i].from, w->history[i].from);
        assert_int_equal(g->history[i].to, w->history[i].to);
        assert_string_equal(g->history[i].summary, w->history[i].summary);
    }
    assert_int_equal(g->orphan, w->orphan);
}

static void assert_same_collection(const struct collection_record *w,
                                   const struct collection_record *g)
{
    assert_int_equal(g->consecutive_failures, w->consecutive_failures);
    assert_int_equal(g->last_attempt, w->last_attempt);
    assert_int_equal(g->last_success, w->last_success);
    assert_string_equal(g->last_error, w->last_error);
    assert_same_figure(w->provisional.pct, g->provisional.pct);
    if (w->provisional.pct > 0) {
        assert_string_equal(g->provisional.series, w->provisional.series);
        assert_true(period_equal(&g->provisional.period, &w->provisional.period));
        assert_same_figure(w->provisional.from, g->provisional.from);
        assert_same_figure(w->provisional.to, g->provisional.to);
    }
    assert_same_figure(w->revision_pct, g->revision_pct);
    if (isnan(w->revision_pct))
        return; /* the revised_* fields mean nothing then */
    assert_string_equal(g->revised_series, w->revised_series);
    assert_true(period_equal(&g->revised_period, &w->revised_period));
    assert_same_figure(w->revised_from, g->revised_from);
    assert_same_figure(w->revised_to, g->revised_to);
}

static void assert_same_silence(const struct silence *w, const struct silence *g)
{
    assert_string_equal(g->id, w->id);
    assert_string_equal(g->indicator, w->indicator);
    assert_string_equal(g->rule, w->rule);
    assert_int_equal(g->starts_at, w->starts_at);
    assert_int_equal(g->ends_at, w->ends_at);
    assert_string_equal(g->comment, w->comment);
    assert_string_equal(g->created_by, w->created_by);
}

static void assert_same_ledger(const struct alert_ledger *w, const struct alert_ledger *g)
{
    assert_int_equal(g->n_alerts, w->n_alerts);
    for (size_t i = 0; i < w->n_alerts; i++)
        assert_same_alert(&w->alerts[i], &g->alerts[i]);
    assert_int_equal(g->n_collections, w->n_collections);
    for (size_t i = 0; i < w->n_collections; i++) {
        assert_string_equal(g->collections[i].indicator, w->collections[i].indicator);
        assert_same_collection(&w->collections[i].record, &g->collections[i].record);
    }
    assert_int_equal(g->n_silences, w->n_silences);
    for (size_t i = 0; i < w->n_silences; i++)
        assert_same_silence(&w->silences[i], &g->silences[i]);
}

static void assert_empty(const struct alert_ledger *l)
{
    assert_null(l->alerts);
    assert_int_equal(l->n_alerts, 0);
    assert_int_equal(l->cap_alerts, 0);
    assert_null(l->collections);
    assert_int_equal(l->n_collections, 0);
    assert_int_equal(l->cap_collections, 0);
    assert_null(l->silences);
    assert_int_equal(l->n_silences, 0);
    assert_int_equal(l->cap_silences, 0);
}

/* alert_ledger_load must refuse `path`: -1, an error that starts with the path,
 * contains every string of `expect` and tells to move the file aside, an
 * empty ledger, and the file as it was. */
static void assert_refused(const char *path, const char *name, const char *const *expect)
{
    struct alert_ledger l = {0};
    char err[1024] = "";
    size_t before_len, after_len;
    char *before = unit_read_file(path, &before_len);
    int rc = alert_ledger_load(&l, path, err, sizeof err);
    if (rc != -1)
        fail_msg("%s: alert_ledger_load returned %d, want -1", name, rc);
    if (strncmp(err, path, strlen(path)) != 0 || strncmp(err + strlen(path), ": ", 2) != 0)
        fail_msg("%s: the error does not start with the path: %s", name, err);
    if (!strstr(err, "move it aside"))
        fail_msg("%s: the error does not say to move the file aside: %s", name, err);
    for (; expect && *expect; expect++)
        if (!strstr(err, *expect))
            fail_msg("%s: the error does not name %s: %s", name, *expect, err);
    assert_empty(&l);
    char *after = unit_read_file(path, &after_len);
    if (after_len != before_len || memcmp(before, after, before_len) != 0)
        fail_msg("%s: alert_ledger_load changed the file", name);
    free(before);
    free(after);
}

/* ---- round trips ---- */

static void test_round_trip_every_field(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger saved, loaded;
    sample_ledger(&saved);
    save_ok(&saved, f->path, T0);
    load_ok(&loaded, f->path);
    assert_same_ledger(&saved, &loaded);

    /* the same content again: the file does not drift from save to save */
    char *second = unit_path(f->dir, "again.json");
    save_ok(&loaded, second, T0);
    size_t n1, n2;
    char *a = unit_read_file(f->path, &n1), *b = unit_read_file(second, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    free(second);
    alert_ledger_free(&saved);
    alert_ledger_free(&loaded);
    assert_empty(&loaded);
}

/* The document around the alerts: format, saved_at, times as RFC 3339,
 * 0 as null, the value as a number. */
static void test_saved_document(void **state)
{
    struct fixture *f = *state;
    char when[TIMESTAMP_TEXT_MAX];
    save_sample(f->path);
    json_t *doc = load_json(f->path);
    assert_string_equal(json_string_value(json_object_get(doc, "format")), "pejl-alerts 1");
    timestamp_format(T0, when, sizeof when);
    assert_string_equal(when, "2026-11-22T06:00:00Z");
    assert_string_equal(json_string_value(json_object_get(doc, "saved_at")), when);
    json_t *a = alert_at(doc, 0);
    assert_string_equal(json_string_value(json_object_get(a, "state")), "CRITICAL");
    assert_string_equal(json_string_value(json_object_get(a, "pending")), "WARNING");
    assert_string_equal(json_string_value(json_object_get(a, "since")), "2026-11-21T06:00:00Z");
    assert_true(json_is_null(json_object_get(a, "ends_at")));
    assert_true(json_is_real(json_object_get(a, "value")));
    assert_true(json_real_value(json_object_get(a, "value")) == 0.81);
    assert_int_equal(json_array_size(json_object_get(a, "history")), 3);
    json_t *c = json_object_get(json_object_get(doc, "collections"), "ls_exports");
    assert_string_equal(json_string_value(json_object_get(c, "revised_period")), "2025-Q3");
    json_t *u = json_object_get(c, "provisional_update");
    assert_string_equal(json_string_value(json_object_get(u, "period")), "2026");
    assert_true(json_number_value(json_object_get(u, "pct")) == 37.5);
    assert_int_equal(json_array_size(json_object_get(doc, "silences")), 1);
    json_decref(doc);

    /* saved with now = 0: saved_at is null, and the file still loads */
    struct alert_ledger l, back;
    sample_ledger(&l);
    save_ok(&l, f->path, 0);
    doc = load_json(f->path);
    assert_true(json_is_null(json_object_get(doc, "saved_at")));
    json_decref(doc);
    load_ok(&back, f->path);
    assert_same_ledger(&l, &back);
    alert_ledger_free(&l);
    alert_ledger_free(&back);
}

static void test_nan_survives_as_null(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l = {0}, back;
    struct alert a;
    critical_alert(&a);
    a.value = NAN;
    assert_non_null(alert_ledger_add(&l, &a));
    struct collection_record *c = alert_ledger_collection(&l, "ls_exports", true);
    assert_non_null(c);
    assert_true(isnan(c->revision_pct)); /* a new record has no revision */
    fill_collection(c);
    c->revision_pct = NAN;
    save_ok(&l, f->path, T0);

    json_t *doc = load_json(f->path);
    assert_true(json_is_null(json_object_get(alert_at(doc, 0), "value")));
    json_t *jc = json_object_get(json_object_get(doc, "collections"), "ls_exports");
    assert_true(json_is_null(json_object_get(jc, "revision_pct")));
    assert_null(json_object_get(jc, "revised_series")); /* no revision, nothing about it */
    json_decref(doc);

    load_ok(&back, f->path);
    assert_int_equal(back.n_alerts, 1);
    assert_true(isnan(back.alerts[0].value));
    assert_int_equal(back.n_collections, 1);
    assert_true(isnan(back.collections[0].record.revision_pct));
    assert_same_ledger(&l, &back);
    alert_ledger_free(&l);
    alert_ledger_free(&back);
}

/* Infinities have no JSON form: saved as null, read back as NaN. Every
 * finite double comes back bit for bit, -0 and subnormals too. */
static void test_extreme_figures(void **state)
{
    struct fixture *f = *state;
    static const double figures[] = {DBL_MAX, -DBL_MAX, DBL_MIN, 4.9406564584124654e-324, -0.0,
                                     0.1, 1e-300, 123456789012345678.0, -1.0 / 3.0, 0};
    const size_t n = sizeof figures / sizeof *figures;
    struct alert_ledger l = {0}, back;
    for (size_t i = 0; i < n; i++) {
        struct alert a;
        critical_alert(&a);
        snprintf(a.fingerprint, sizeof a.fingerprint, "%016zx", i);
        a.value = figures[i];
        assert_non_null(alert_ledger_add(&l, &a));
    }
    struct alert inf;
    critical_alert(&inf);
    snprintf(inf.fingerprint, sizeof inf.fingerprint, "ffffffffffffffff");
    inf.value = INFINITY;
    assert_non_null(alert_ledger_add(&l, &inf));
    struct collection_record *c = alert_ledger_collection(&l, "ls_exports", true);
    fill_collection(c);
    c->revised_from = -0.0;
    c->revised_to = DBL_MAX;
    save_ok(&l, f->path, T0);
    load_ok(&back, f->path);
    assert_int_equal(back.n_alerts, n + 1);
    for (size_t i = 0; i < n; i++)
        assert_same_figure(figures[i], back.alerts[i].value);
    assert_true(isnan(back.alerts[n].value));
    assert_same_collection(c, &back.collections[0].record);
    alert_ledger_free(&l);
    alert_ledger_free(&back);
}

/* Times before 1970 and after 2038 come back to the second; 0 is "none". */
static void test_times_round_trip(void **state)
{
    struct fixture *f = *state;
    static const int64_t times[] = {1, -86400, INT64_C(2147483648), INT64_C(4102444799),
                                    T0 + 59};
    struct alert_ledger l = {0}, back;
    struct alert a;
    critical_alert(&a);
    a.pending_since = times[0];
    a.since = times[1];
    a.starts_at = times[2];
    a.ends_at = times[3];
    a.evaluated_at = times[4];
    a.last_notified = 0;
    a.history[0].at = 0;
    assert_non_null(alert_ledger_add(&l, &a));
    save_ok(&l, f->path, T0);
    load_ok(&back, f->path);
    assert_int_equal(back.n_alerts, 1);
    assert_same_alert(&a, &back.alerts[0]);
    json_t *doc = load_json(f->path);
    json_t *j = alert_at(doc, 0);
    assert_string_equal(json_string_value(json_object_get(j, "since")), "1969-12-31T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(j, "ends_at")), "2099-12-31T23:59:59Z");
    assert_true(json_is_null(json_object_get(j, "last_notified")));
    json_decref(doc);
    alert_ledger_free(&l);
    alert_ledger_free(&back);
}

/* Whatever count the daemon can reach, alert_ledger_save writes and alert_ledger_load
 * must read back. consecutive_failures grows by one per failed collection,
 * without limit (alerting.c), and an indicator may be collected every
 * second (config.c: interval >= 1 s): a source down for 11.6 days at
 * interval = "1s" (or 116 days at "10s") passes 1 000 000, and then pejld
 * refuses its own file at the next start. */
static void test_large_failure_count_loads_back(void **state)
{
    struct fixture *f = *state;
    char err[1024] = "";
    struct alert_ledger l = {0}, back = {0};
    struct collection_record *c = alert_ledger_collection(&l, "ls_exports", true);
    assert_non_null(c);
    fill_collection(c);
    c->consecutive_failures = 1000001;
    save_ok(&l, f->path, T0);
    alert_ledger_free(&l);
    int rc = alert_ledger_load(&back, f->path, err, sizeof err);
    unsigned got = rc == 0 && back.n_collections ? back.collections[0].record.consecutive_failures
                                                 : 0;
    alert_ledger_free(&back);
    if (rc != 0)
        fail_msg("a ledger pejld saved with consecutive_failures = 1000001 is refused: %s", err);
    assert_int_equal(got, 1000001);
}

/* The same for pending_count, which grows once per evaluation while a
 * rule's `for` duration has not passed. */
static void test_large_pending_count_loads_back(void **state)
{
    struct fixture *f = *state;
    char err[1024] = "";
    struct alert_ledger l = {0}, back = {0};
    struct alert a;
    critical_alert(&a);
    a.pending_count = 1000001;
    assert_non_null(alert_ledger_add(&l, &a));
    save_ok(&l, f->path, T0);
    alert_ledger_free(&l);
    int rc = alert_ledger_load(&back, f->path, err, sizeof err);
    unsigned got = rc == 0 && back.n_alerts ? back.alerts[0].pending_count : 0;
    alert_ledger_free(&back);
    if (rc != 0)
        fail_msg("a ledger pejld saved with pending_count = 1000001 is refused: %s", err);
    assert_int_equal(got, 1000001);
}

static void test_empty_ledger_round_trip(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l = {0}, back;
    save_ok(&l, f->path, T0);
    json_t *doc = load_json(f->path);
    assert_int_equal(json_array_size(json_object_get(doc, "alerts")), 0);
    assert_true(json_is_object(json_object_get(doc, "collections")));
    assert_int_equal(json_object_size(json_object_get(doc, "collections")), 0);
    assert_int_equal(json_array_size(json_object_get(doc, "silences")), 0);
    json_decref(doc);
    load_ok(&back, f->path);
    assert_empty(&back);
}

static void test_missing_file_is_empty(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l = {0};
    char err[256] = "untouched";
    assert_int_equal(alert_ledger_load(&l, f->path, err, sizeof err), 0);
    assert_empty(&l);
    assert_int_equal(access(f->path, F_OK), -1); /* loading does not create it */

    /* nor does a state directory that is not there yet */
    char *deeper = unit_path(f->dir, "not-yet/alerts.json");
    assert_int_equal(alert_ledger_load(&l, deeper, err, sizeof err), 0);
    assert_empty(&l);
    free(deeper);
}

/* A file pejld cannot read is an error with its path, not an empty ledger. */
static void test_unreadable_path_is_an_error(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l = {0};
    char err[512] = "";
    assert_int_equal(mkdir(f->path, 0700), 0); /* a directory where the file should be */
    assert_int_equal(alert_ledger_load(&l, f->path, err, sizeof err), -1);
    assert_non_null(strstr(err, f->path));
    assert_empty(&l);
    rmdir(f->path);
}

/* A file written by hand to the documented format, with the liberties a
 * reader allows (an offset, integer figures, keys in another order). */
static void test_loads_format1_file(void **state)
{
    (void)state;
    struct alert_ledger l;
    char *path = unit_path(PEJL_TEST_DATA, "alert_ledger/format1.json");
    load_ok(&l, path);
    free(path);

    assert_int_equal(l.n_alerts, 1);
    const struct alert *a = &l.alerts[0];
    assert_string_equal(a->fingerprint, "5c0ffee5c0ffee00");
    assert_string_equal(a->indicator, "ls_exports");
    assert_string_equal(a->rule, "path_gap");
    struct label_set labels;
    alert_label_set(a, &labels);
    assert_int_equal(labels.n, 6);
    assert_string_equal(alert_label(a, "severity"), "warning");
    assert_string_equal(alert_label(a, "target"), "2030");
    assert_string_equal(labels.items[0].name, "alertname");
    assert_string_equal(labels.items[5].name, "target");
    assert_int_equal(a->state, ALERT_WARNING);
    assert_int_equal(a->pending, ALERT_CRITICAL);
    assert_int_equal(a->pending_count, 1);
    assert_int_equal(a->pending_since, T0); /* 07:00+01:00 */
    assert_int_equal(a->since, T0 - 2 * 86400);
    assert_int_equal(a->starts_at, T0 - 2 * 86400);
    assert_int_equal(a->ends_at, 0);
    assert_int_equal(a->evaluated_at, T0);
    assert_int_equal(a->last_notified, 0);
    assert_same_figure(-7, a->value);
    assert_string_equal(a->summary, "ls_exports is 7 % below the path to its 2030 target");
    assert_non_null(strchr(a->description, '\n'));
    assert_false(a->orphan);
    assert_int_equal(a->n_history, 1);
    assert_int_equal(a->history[0].at, T0 - 2 * 86400);
    assert_int_equal(a->history[0].from, ALERT_OK);
    assert_int_equal(a->history[0].to, ALERT_WARNING);

    assert_int_equal(l.n_collections, 2);
    const struct collection_record *c = alert_ledger_collection(&l, "ls_exports", false);
    assert_non_null(c);
    assert_int_equal(c->consecutive_failures, 0);
    assert_int_equal(c->last_attempt, T0 - 60);
    assert_string_equal(c->last_error, "");
    assert_same_figure(2.5, c->revision_pct);
    assert_string_equal(c->revised_series, "ls_exports");
    struct pejl_period q2 = period_of("2025-Q2");
    assert_true(period_equal(&c->revised_period, &q2));
    assert_same_figure(40, c->revised_from);
    assert_same_figure(41, c->revised_to);
    assert_true(c->provisional.pct == 0); /* older files have no provisional_update */
    c = alert_ledger_collection(&l, "clinical_trials", false);
    assert_non_null(c);
    assert_int_equal(c->consecutive_failures, 3);
    assert_int_equal(c->last_success, 0);
    assert_true(isnan(c->revision_pct));

    assert_int_equal(l.n_silences, 1);
    assert_string_equal(l.silences[0].indicator, "");
    assert_string_equal(l.silences[0].rule, "collect");
    assert_int_equal(l.silences[0].ends_at, T0 + 18 * 3600);
    alert_ledger_free(&l);
}

/* ---- malformed files ---- */

static void write_text(const char *path, const char *s)
{
    unit_write_file(path, s, strlen(s), O_TRUNC);
}

/* The sample ledger as compact JSON text; caller frees. */
static char *sample_compact(const char *path)
{
    save_sample(path);
    json_t *doc = load_json(path);
    char *s = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    assert_non_null(s);
    return s;
}

/* `s` with `insert` put right after the first `anchor`; caller frees. */
static char *insert_after(const char *s, const char *anchor, const char *insert)
{
    const char *at = strstr(s, anchor);
    if (!at)
        fail_msg("\"%s\" not in the sample", anchor);
    size_t head = (size_t)(at - s) + strlen(anchor);
    char *out;
    if (asprintf(&out, "%.*s%s%s", (int)head, s, insert, s + head) < 0)
        fail_msg("asprintf failed");
    return out;
}

static void test_refuses_text_that_is_not_json(void **state)
{
    struct fixture *f = *state;
    static const char *const none[] = {NULL};
    static const char *const line1[] = {"line 1", NULL};
    write_text(f->path, "this is not json\n");
    assert_refused(f->path, "garbage", line1);
    write_text(f->path, "");
    assert_refused(f->path, "empty file", NULL);
    write_text(f->path, "\"pejl-alerts 1\"");
    assert_refused(f->path, "a bare string", NULL);

    char *s = sample_compact(f->path);
    s[strlen(s) / 2] = '\0';
    write_text(f->path, s); /* cut in the middle */
    assert_refused(f->path, "truncated", none);
    free(s);

    s = sample_compact(f->path);
    char *t = insert_after(s, "\"value\":", "NaN,\"x\":");
    write_text(f->path, t);
    assert_refused(f->path, "a NaN literal", none);
    free(t);
    free(s);

    s = sample_compact(f->path);
    char *trailing;
    assert_true(asprintf(&trailing, "%s\n{}\n", s) > 0);
    write_text(f->path, trailing);
    assert_refused(f->path, "trailing data", none);
    free(trailing);
    free(s);

    static const char raw_ff[] = "{\"format\":\"pejl-alerts 1\",\"alerts\":[],"
                                 "\"collections\":{},\"silences\":[],\"x\":\"\xff\"}";
    write_text(f->path, raw_ff);
    assert_refused(f->path, "a raw 0xff byte", none);
}

static void test_refuses_duplicate_keys(void **state)
{
    struct fixture *f = *state;
    static const char *const duplicate[] = {"duplicate", NULL};
    static const struct {
        const char *name, *anchor, *insert;
    } cases[] = {
        {"top level", "{", "\"format\":\"pejl-alerts 1\","},
        {"in an alert", "\"alerts\":[{", "\"fingerprint\":\"0000000000000000\","},
        {"in the labels", "\"labels\":{", "\"alertname\":\"pejl_other\","},
        {"in the collections", "\"collections\":{", "\"ls_exports\":{},"},
        {"in a silence", "\"silences\":[{", "\"rule\":\"collect\","},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = sample_compact(f->path);
        char *t = insert_after(s, cases[i].anchor, cases[i].insert);
        write_text(f->path, t);
        assert_refused(f->path, cases[i].name, duplicate);
        free(t);
        free(s);
    }
}

/* ---- well-formed JSON, wrong content: the sample with one change ---- */

static void set_format_2(json_t *doc)
{
    json_object_set_new(doc, "format", json_string("pejl-alerts 2"));
}

static void drop_format(json_t *doc)
{
    json_object_del(doc, "format");
}

static void alerts_object(json_t *doc)
{
    json_object_set_new(doc, "alerts", json_object());
}

static void collections_list(json_t *doc)
{
    json_object_set_new(doc, "collections", json_array());
}

static void silences_string(json_t *doc)
{
    json_object_set_new(doc, "silences", json_string("none"));
}

static void drop_silences(json_t *doc)
{
    json_object_del(doc, "silences");
}

static void state_broken(json_t *doc)
{
    json_object_set_new(alert_at(doc, 1), "state", json_string("BROKEN"));
}

static void state_lowercase(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "pending", json_string("warning"));
}

static void since_yesterday(json_t *doc)
{
    json_object_set_new(alert_at(doc, 1), "since", json_string("yesterday"));
}

static void starts_feb_30(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "starts_at", json_string("2026-02-30T00:00:00Z"));
}

static void evaluated_without_zone(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "evaluated_at", json_string("2026-11-22T06:00:00"));
}

static void notified_as_number(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "last_notified", json_integer(T0));
}

static void fingerprint_17(json_t *doc)
{
    json_object_set_new(alert_at(doc, 1), "fingerprint", json_string("0123456789abcdef0"));
}

static void history_17(json_t *doc)
{
    json_t *history = json_object_get(alert_at(doc, 1), "history");
    json_t *first = json_array_get(history, 0);
    while (json_array_size(history) < ALERT_HISTORY_MAX + 1)
        json_array_append_new(history, json_deep_copy(first));
}

static void history_bad_state(json_t *doc)
{
    json_t *history = json_object_get(alert_at(doc, 0), "history");
    json_object_set_new(json_array_get(history, 2), "to", json_string("FIRING"));
}

static void history_not_list(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "history", json_object());
}

static void value_as_text(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "value", json_string("0.81"));
}

static void drop_summary(json_t *doc)
{
    json_object_del(alert_at(doc, 1), "summary");
}

static void summary_256(json_t *doc)
{
    char s[ALERT_SUMMARY_MAX + 1];
    memset(s, 'x', ALERT_SUMMARY_MAX);
    s[ALERT_SUMMARY_MAX] = '\0';
    json_object_set_new(alert_at(doc, 0), "summary", json_string(s));
}

static void pending_count_negative(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "pending_count", json_integer(-1));
}

static void pending_count_real(json_t *doc)
{
    json_object_set_new(alert_at(doc, 0), "pending_count", json_real(2.0));
}

static void labels_17(json_t *doc)
{
    json_t *labels = json_object_get(alert_at(doc, 0), "labels");
    for (int i = 0; json_object_size(labels) <= ALERT_LABELS_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "extra%02d", i);
        json_object_set_new(labels, name, json_string("x"));
    }
}

static void label_number(json_t *doc)
{
    json_object_set_new(json_object_get(alert_at(doc, 0), "labels"), "team", json_integer(5));
}

static void alert_not_object(json_t *doc)
{
    json_array_set_new(json_object_get(doc, "alerts"), 1, json_integer(42));
}

static void orphan_as_text(json_t *doc)
{
    json_object_set_new(json_array_get(json_object_get(doc, "alerts"), 0), "orphan",
                        json_string("no"));
}

/* Two alerts with one fingerprint would be one alert stepped twice. */
static void fingerprint_twice(json_t *doc)
{
    json_t *alerts = json_object_get(doc, "alerts");
    json_object_set(json_array_get(alerts, 1), "fingerprint",
                    json_object_get(json_array_get(alerts, 0), "fingerprint"));
}

static void silence_bad_indicator(json_t *doc)
{
    json_t *s = json_array_get(json_object_get(doc, "silences"), 0);
    json_object_set_new(s, "indicator", json_string("../x"));
}

static void collection_bad_id(json_t *doc)
{
    json_t *collections = json_object_get(doc, "collections");
    json_object_set_new(collections, "../etc",
                        json_deep_copy(json_object_get(collections, "ls_exports")));
}

static void collection_upper_id(json_t *doc)
{
    json_t *collections = json_object_get(doc, "collections");
    json_object_set_new(collections, "LS_Exports",
                        json_deep_copy(json_object_get(collections, "ls_exports")));
}

static void collection_bad_period(json_t *doc)
{
    json_t *c = json_object_get(json_object_get(doc, "collections"), "ls_exports");
    json_object_set_new(c, "revised_period", json_string("2025-Q5"));
}

static void collection_provisional_no_period(json_t *doc)
{
    json_t *c = json_object_get(json_object_get(doc, "collections"), "ls_exports");
    json_object_del(json_object_get(c, "provisional_update"), "period");
}

static void collection_provisional_zero(json_t *doc)
{
    json_t *c = json_object_get(json_object_get(doc, "collections"), "ls_exports");
    json_object_set_new(json_object_get(c, "provisional_update"), "pct", json_real(0));
}

static void collection_failures_text(json_t *doc)
{
    json_t *c = json_object_get(json_object_get(doc, "collections"), "ls_exports");
    json_object_set_new(c, "consecutive_failures", json_string("2"));
}

static void silence_unknown_rule(json_t *doc)
{
    json_t *s = json_array_get(json_object_get(doc, "silences"), 0);
    json_object_set_new(s, "rule", json_string("nosuchrule"));
}

static void silence_ends_yesterday(json_t *doc)
{
    json_t *s = json_array_get(json_object_get(doc, "silences"), 0);
    json_object_set_new(s, "ends_at", json_string("yesterday"));
}

struct bad_case {
    const char *name;
    void (*change)(json_t *doc);
    const char *expect[4];
};

static void check_bad_cases(const char *path, const struct bad_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        save_sample(path);
        json_t *doc = load_json(path);
        cases[i].change(doc);
        if (json_dump_file(doc, path, JSON_INDENT(1)) != 0)
            fail_msg("%s: cannot write %s", cases[i].name, path);
        json_decref(doc);
        assert_refused(path, cases[i].name, cases[i].expect);
    }
}

static void test_refuses_bad_document(void **state)
{
    struct fixture *f = *state;
    static const struct bad_case cases[] = {
        {"format 2", set_format_2, {"\"format\"", "pejl-alerts 1"}},
        {"no format", drop_format, {"\"format\""}},
        {"alerts an object", alerts_object, {"\"alerts\"", "list"}},
        {"collections a list", collections_list, {"\"collections\""}},
        {"silences a string", silences_string, {"\"silences\""}},
        {"no silences", drop_silences, {"\"silences\""}},
    };
    check_bad_cases(f->path, cases, sizeof cases / sizeof *cases);

    static const char *const format[] = {"\"format\"", NULL};
    write_text(f->path, "[]");
    assert_refused(f->path, "a list", format);
}

static void test_refuses_bad_alert(void **state)
{
    struct fixture *f = *state;
    static const struct bad_case cases[] = {
        {"state BROKEN", state_broken, {"alerts[1]", "\"state\"", "OK, WARNING, CRITICAL"}},
        {"pending in lower case", state_lowercase, {"alerts[0]", "\"pending\""}},
        {"since yesterday", since_yesterday, {"alerts[1]", "\"since\"", "RFC 3339"}},
        {"February 30", starts_feb_30, {"alerts[0]", "\"starts_at\""}},
        {"a time without zone", evaluated_without_zone, {"alerts[0]", "\"evaluated_at\""}},
        {"a time as a number", notified_as_number, {"alerts[0]", "\"last_notified\""}},
        {"fingerprint of 17", fingerprint_17, {"alerts[1]", "\"fingerprint\""}},
        {"17 transitions", history_17, {"alerts[1]", "\"history\"", "16"}},
        {"transition to FIRING", history_bad_state, {"alerts[0]", "\"to\""}},
        {"history an object", history_not_list, {"alerts[0]", "\"history\""}},
        {"value as text", value_as_text, {"alerts[0]", "\"value\""}},
        {"no summary", drop_summary, {"alerts[1]", "\"summary\""}},
        {"summary of 256", summary_256, {"alerts[0]", "\"summary\""}},
        {"pending_count -1", pending_count_negative, {"alerts[0]", "\"pending_count\""}},
        {"pending_count 2.0", pending_count_real, {"alerts[0]", "\"pending_count\""}},
        {"17 labels", labels_17, {"alerts[0]", "\"labels\""}},
        {"a label number", label_number, {"alerts[0]", "team"}},
        {"an alert 42", alert_not_object, {"alerts[1]", "object"}},
        {"orphan as text", orphan_as_text, {"alerts[0]", "\"orphan\""}},
        {"one fingerprint twice", fingerprint_twice, {"alerts[1]", "twice"}},
    };
    check_bad_cases(f->path, cases, sizeof cases / sizeof *cases);
}

static void test_refuses_bad_collection_and_silence(void **state)
{
    struct fixture *f = *state;
    static const struct bad_case cases[] = {
        {"collection ../etc", collection_bad_id, {"collections.../etc", "indicator id"}},
        {"collection LS_Exports", collection_upper_id, {"collections.LS_Exports"}},
        {"revised 2025-Q5", collection_bad_period, {"collections.ls_exports", "revised_period"}},
        {"provisional update without a period", collection_provisional_no_period,
         {"collections.ls_exports", "\"period\""}},
        {"provisional update of 0 %", collection_provisional_zero,
         {"collections.ls_exports", "pct above 0"}},
        {"failures as text", collection_failures_text,
         {"collections.ls_exports", "\"consecutive_failures\""}},
        {"silence rule nosuchrule", silence_unknown_rule, {"silences[0]", "nosuchrule"}},
        {"silence of ../x", silence_bad_indicator, {"silences[0]", "not an indicator id"}},
        {"silence ends yesterday", silence_ends_yesterday, {"silences[0]", "\"ends_at\""}},
    };
    check_bad_cases(f->path, cases, sizeof cases / sizeof *cases);
}

/* The whole message fits a 512-byte buffer, the size alerting.c uses for
 * its own errors; a short buffer is cut, never overrun. */
static void test_error_fits(void **state)
{
    struct fixture *f = *state;
    static const struct bad_case cases[] = {
        {"state BROKEN", state_broken, {"alerts[1]", "\"state\""}},
    };
    check_bad_cases(f->path, cases, 1);

    struct alert_ledger l = {0};
    char whole[512] = "";
    assert_int_equal(alert_ledger_load(&l, f->path, whole, sizeof whole), -1);
    assert_true(strlen(whole) < sizeof whole - 1);
    assert_non_null(strstr(whole, "(active alerts will be raised again)"));
    assert_empty(&l);

    char err[16];
    memset(err, 'Z', sizeof err);
    assert_int_equal(alert_ledger_load(&l, f->path, err, 8), -1);
    assert_int_equal(strlen(err), 7);
    assert_int_equal(err[8], 'Z');
    assert_empty(&l);
}

/* ---- text that is not UTF-8 ---- */

static void test_invalid_utf8_saved_as_question_marks(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l = {0}, back;
    struct alert a;
    critical_alert(&a);
    snprintf(a.summary, sizeof a.summary, "cut inside \xc3");
    free(a.description); /* the raw bytes, not scrubbed as alert_set_description would */
    a.description =
        strdup("a \xff byte, overlong \xc0\xaf, surrogate \xed\xa0\x80, beyond \xf4\x90\x80\x80, "
               "lone \x80, short \xe2\x82"
               "A, fine: æ € \xf0\x9f\x99\x82");
    struct label_set labels;
    alert_label_set(&a, &labels);
    snprintf(labels.items[1].value, sizeof labels.items[1].value, "caf\xe9");
    assert_int_equal(alert_set_labels(&a, &labels), 0);
    snprintf(a.history[0].summary, sizeof a.history[0].summary, "\xfe\xff");
    assert_non_null(alert_ledger_add(&l, &a));

    /* a summary cut by snprintf at its buffer's end, mid-character */
    struct alert b;
    ended_alert(&b);
    memset(b.summary, 'x', sizeof b.summary - 2);
    b.summary[sizeof b.summary - 2] = '\xc3';
    b.summary[sizeof b.summary - 1] = '\0';
    assert_non_null(alert_ledger_add(&l, &b));

    struct collection_record *c = alert_ledger_collection(&l, "ls_exports", true);
    fill_collection(c);
    snprintf(c->last_error, sizeof c->last_error, "server said \xff\xfe");
    struct silence s = maintenance_silence();
    snprintf(s.comment, sizeof s.comment, "r\xf8" "d gr\xf8" "d");
    snprintf(s.created_by, sizeof s.created_by, "\xc3");
    assert_int_equal(alert_ledger_add_silence(&l, &s), 0);

    save_ok(&l, f->path, T0);
    json_decref(load_json(f->path)); /* valid JSON, valid UTF-8 */
    load_ok(&back, f->path);
    assert_int_equal(back.n_alerts, 2);
    const struct alert *g = &back.alerts[0];
    assert_string_equal(g->summary, "cut inside ?");
    assert_string_equal(g->description,
                        "a ? byte, overlong ??, surrogate ???, beyond ????, lone ?, short ??A, "
                        "fine: æ € \xf0\x9f\x99\x82");
    alert_label_set(g, &labels);
    assert_string_equal(labels.items[1].value, "caf?");
    assert_string_equal(g->history[0].summary, "??");
    char want[ALERT_SUMMARY_MAX];
    memset(want, 'x', sizeof want - 2);
    want[sizeof want - 2] = '?';
    want[sizeof want - 1] = '\0';
    assert_string_equal(back.alerts[1].summary, want);
    assert_string_equal(back.collections[0].record.last_error, "server said ??");
    assert_string_equal(back.silences[0].comment, "r?d gr?d");
    assert_string_equal(back.silences[0].created_by, "?");

    /* the rest of the record is intact */
    assert_int_equal(g->state, ALERT_CRITICAL);
    assert_same_figure(0.81, g->value);
    snprintf(c->last_error, sizeof c->last_error, "server said ??");
    assert_same_collection(c, &back.collections[0].record);
    alert_ledger_free(&l);
    alert_ledger_free(&back);
}

/* ---- the in-memory ledger ---- */

static void test_find_and_add(void **state)
{
    (void)state;
    struct alert_ledger l = {0};
    assert_null(alert_ledger_find(&l, "0123456789abcdef"));
    for (unsigned i = 0; i < 40; i++) { /* past the first allocation */
        struct alert a;
        critical_alert(&a);
        snprintf(a.fingerprint, sizeof a.fingerprint, "%016x", i * 7919u);
        a.pending_count = i;
        struct alert *added = alert_ledger_add(&l, &a);
        assert_non_null(added);
        assert_ptr_equal(added, &l.alerts[i]);
        assert_string_equal(added->fingerprint, a.fingerprint);
    }
    assert_int_equal(l.n_alerts, 40);
    for (unsigned i = 0; i < 40; i++) {
        char fp[17];
        snprintf(fp, sizeof fp, "%016x", i * 7919u);
        struct alert *found = alert_ledger_find(&l, fp);
        assert_non_null(found);
        assert_int_equal(found->pending_count, i);
        assert_same_figure(0.81, found->value);
    }
    assert_null(alert_ledger_find(&l, "ffffffffffffffff"));
    assert_null(alert_ledger_find(&l, ""));
    assert_null(alert_ledger_find(&l, "0000000000000000x"));
    alert_ledger_free(&l);
    assert_empty(&l);
    alert_ledger_free(&l); /* twice is harmless */
}

static void test_collection_records(void **state)
{
    (void)state;
    struct alert_ledger l = {0};
    assert_null(alert_ledger_collection(&l, "ls_exports", false));
    assert_int_equal(l.n_collections, 0);

    struct collection_record *c = alert_ledger_collection(&l, "ls_exports", true);
    assert_non_null(c);
    assert_int_equal(l.n_collections, 1);
    assert_string_equal(l.collections[0].indicator, "ls_exports");
    assert_int_equal(c->consecutive_failures, 0);
    assert_int_equal(c->last_attempt, 0);
    assert_int_equal(c->last_success, 0);
    assert_string_equal(c->last_error, "");
    assert_true(isnan(c->revision_pct));
    c->consecutive_failures = 4;

    assert_ptr_equal(alert_ledger_collection(&l, "ls_exports", false), c);
    assert_ptr_equal(alert_ledger_collection(&l, "ls_exports", true), c); /* not a second one */
    assert_int_equal(l.n_collections, 1);
    assert_null(alert_ledger_collection(&l, "ls_export", false));
    assert_null(alert_ledger_collection(&l, "ls_exports_x", false));

    for (int i = 0; i < 30; i++) { /* past the first allocation */
        char id[16];
        snprintf(id, sizeof id, "ind%02d", i);
        struct collection_record *r = alert_ledger_collection(&l, id, true);
        assert_non_null(r);
        r->consecutive_failures = (unsigned)i;
    }
    assert_int_equal(l.n_collections, 31);
    assert_int_equal(alert_ledger_collection(&l, "ls_exports", false)->consecutive_failures, 4);
    assert_int_equal(alert_ledger_collection(&l, "ind17", false)->consecutive_failures, 17);
    alert_ledger_free(&l);
}

static void test_silences_expire(void **state)
{
    (void)state;
    struct alert_ledger l = {0};
    struct silence s = maintenance_silence();
    static const struct {
        const char *id;
        int64_t ends_at;
    } silences[] = {
        {"0000000000000001", T0 - 1},    /* ended a second ago: dropped */
        {"0000000000000002", T0 + 1},    /* ends in a second: kept */
        {"0000000000000003", T0},        /* ends now: over (silence_expired: now >= ends_at) */
        {"0000000000000004", T0 + 3600}, /* kept */
        {"0000000000000005", T0 - 86400},
    };
    for (size_t i = 0; i < 5; i++) {
        snprintf(s.id, sizeof s.id, "%s", silences[i].id);
        s.ends_at = silences[i].ends_at;
        assert_int_equal(alert_ledger_add_silence(&l, &s), 0);
    }
    assert_int_equal(l.n_silences, 5);
    assert_string_equal(l.silences[4].id, "0000000000000005");

    assert_int_equal(alert_ledger_expire_silences(&l, T0), 3);
    assert_int_equal(l.n_silences, 2);
    assert_string_equal(l.silences[0].id, "0000000000000002"); /* in their order */
    assert_string_equal(l.silences[1].id, "0000000000000004");
    assert_string_equal(l.silences[0].comment, "Source down for maintenance");

    assert_int_equal(alert_ledger_expire_silences(&l, T0), 0); /* nothing more */
    assert_int_equal(l.n_silences, 2);
    assert_int_equal(alert_ledger_expire_silences(&l, T0 + 3600), 2);
    assert_int_equal(l.n_silences, 0);
    assert_int_equal(alert_ledger_expire_silences(&l, T0 + 7200), 0);

    for (int i = 0; i < 20; i++) /* past the first allocation */
        assert_int_equal(alert_ledger_add_silence(&l, &s), 0);
    assert_int_equal(l.n_silences, 20);
    alert_ledger_free(&l);
    assert_int_equal(alert_ledger_expire_silences(&l, T0), 0); /* on an empty ledger */
}

/* ---- the file itself ---- */

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void assert_mode_0600_alone(const struct fixture *f)
{
    struct stat st;
    char *tmp;
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_true(asprintf(&tmp, "%s.tmp", f->path) > 0);
    assert_int_equal(access(tmp, F_OK), -1);
    free(tmp);
    assert_int_equal(count_entries(f->dir), 1);
}

static void test_file_mode_and_no_temp(void **state)
{
    struct fixture *f = *state;
    mode_t old = umask(022);
    save_sample(f->path); /* a new file */
    assert_mode_0600_alone(f);
    save_sample(f->path); /* replacing it */
    assert_mode_0600_alone(f);

    /* a file someone made readable to all is replaced by a private one */
    assert_int_equal(chmod(f->path, 0644), 0);
    save_sample(f->path);
    assert_mode_0600_alone(f);

    /* a temp file left by a crash, longer than the new content */
    char *tmp;
    assert_true(asprintf(&tmp, "%s.tmp", f->path) > 0);
    static char junk[256 * 1024];
    memset(junk, '{', sizeof junk);
    unit_write_file(tmp, junk, sizeof junk, O_TRUNC);
    save_sample(f->path);
    assert_mode_0600_alone(f);
    struct alert_ledger l;
    load_ok(&l, f->path);
    assert_int_equal(l.n_alerts, 2);
    alert_ledger_free(&l);
    free(tmp);
    umask(old);
}

static void test_save_into_missing_directory_fails(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    char err[512] = "";
    char *path = unit_path(f->dir, "not-there/alerts.json");
    sample_ledger(&l);
    assert_int_equal(alert_ledger_save(&l, path, T0, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_int_equal(count_entries(f->dir), 0);
    alert_ledger_free(&l);
    free(path);
}

/* What a failed test left behind. */
static int remove_temp_dirs(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("ledger");
}

#define DIR_TEST(t) cmocka_unit_test_setup_teardown(t, setup_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        DIR_TEST(test_round_trip_every_field),
        DIR_TEST(test_saved_document),
        DIR_TEST(test_nan_survives_as_null),
        DIR_TEST(test_extreme_figures),
        DIR_TEST(test_times_round_trip),
        DIR_TEST(test_large_failure_count_loads_back),
        DIR_TEST(test_large_pending_count_loads_back),
        DIR_TEST(test_empty_ledger_round_trip),
        DIR_TEST(test_missing_file_is_empty),
        DIR_TEST(test_unreadable_path_is_an_error),
        cmocka_unit_test(test_loads_format1_file),
        DIR_TEST(test_refuses_text_that_is_not_json),
        DIR_TEST(test_refuses_duplicate_keys),
        DIR_TEST(test_refuses_bad_document),
        DIR_TEST(test_refuses_bad_alert),
        DIR_TEST(test_refuses_bad_collection_and_silence),
        DIR_TEST(test_error_fits),
        DIR_TEST(test_invalid_utf8_saved_as_question_marks),
        cmocka_unit_test(test_find_and_add),
        cmocka_unit_test(test_collection_records),
        cmocka_unit_test(test_silences_expire),
        DIR_TEST(test_file_mode_and_no_temp),
        DIR_TEST(test_save_into_missing_directory_fails),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_dirs);
}
