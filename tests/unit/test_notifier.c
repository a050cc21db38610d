/*
 * test_notifier.c — who is told what, and when: group_wait holds a new
 * alert back, repeat_interval repeats a firing one, a change of state is
 * told at once, send_resolved = false keeps the end quiet, a silence keeps
 * the state but tells nothing, matchers route by labels (a resolution goes
 * where the alert went), the first matching route speaks for a receiver,
 * Alertmanager hears the end of an old severity, a full outbox is
 * reported once past its bound, and a restart repeats nothing.
 *
 * A real config file, alert state and outbox in a temp dir; the outbox
 * has no HTTP engine, so notifications stay queued for inspection.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "notifier.h"
#include "pejld.h"
#include "timestamp.h"

#define T0 INT64_C(1795327200) /* 2026-11-22T06:00:00Z */
#define COLLECTORS "collector_dir = \"" PEJL_BUILD_DIR "/lib/pejl/collectors\";\n"

struct fixture {
    char dir[256];
    struct config *config;
    struct alerting *alerting;
    struct outbox *outbox;
};

static const char *const base_config =
    COLLECTORS
    "indicators = ( { id = \"ls_exports\"; title = \"Life science-eksport\"; unit = \"mia. kr.\";\n"
    "  pejlemaerke = 5; frequency = \"annual\"; source = { collector = \"csv\"; url = \"file:x.csv\"; };\n"
    "  alerts = ( { rule = \"stale\"; }, { rule = \"collect\"; } ); } );\n";

static void start(struct fixture *f, const char *notify_config)
{
    char path[300], err[512];
    struct pejl_diag diag = {0};
    snprintf(path, sizeof path, "%s/pejld.conf", f->dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fprintf(out, "%sstate_dir = \"%s\";\n%s", base_config, f->dir, notify_config);
    fclose(out);
    f->config = config_load(path, NULL, &diag);
    diag_print(&diag, stderr);
    diag_free(&diag);
    assert_non_null(f->config);
    assert_non_null(f->alerting = alerting_open(f->dir, err, sizeof err));
    assert_non_null(f->outbox = outbox_open(f->dir, NULL, NULL, err, sizeof err));
    struct outbox_delivery delivery = pejld_outbox_delivery(f->config);
    outbox_use_settings(f->outbox, &delivery);
    alerting_use_indicators(f->alerting, f->config->indicators, f->config->n_indicators, T0);
}

static void stop(struct fixture *f)
{
    outbox_free(f->outbox);
    alerting_free(f->alerting);
    config_unref(f->config);
    f->outbox = NULL, f->alerting = NULL, f->config = NULL;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "%s/pejl-notifier.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[600];
    stop(f);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Puts the indicator's `rule` alert into `state` since `since`, as alerting would. */
static struct alert *set_alert(struct fixture *f, const char *rule, enum alert_state state,
                               int64_t since)
{
    struct alert_ledger *l = alerting_ledger_for_update(f->alerting);
    const struct indicator *ind = config_find(f->config, "ls_exports");
    for (size_t i = 0; i < l->n_alerts; i++) {
        struct alert *a = &l->alerts[i];
        if (strcmp(a->rule, rule) != 0)
            continue;
        const struct alert_rule *r = NULL;
        for (size_t k = 0; k < ind->n_rules; k++)
            if (strcmp(ind->rules[k].fingerprint, a->fingerprint) == 0)
                r = &ind->rules[k];
        assert_non_null(r);
        if (a->state == ALERT_OK && state != ALERT_OK)
            a->starts_at = since, a->ends_at = 0;
        if (state == ALERT_OK && a->state != ALERT_OK)
            a->ends_at = since;
        a->state = state, a->since = since;
        struct label_set labels;
        alert_labels(ind, r, state, &labels);
        assert_int_equal(alert_set_labels(a, &labels), 0);
        snprintf(a->summary, sizeof a->summary, "ls_exports: %s is %s", rule, alert_state_name(state));
        return a;
    }
    fail_msg("no %s alert", rule);
    return NULL;
}

static int64_t run(struct fixture *f, int64_t now)
{
    struct notifier_settings settings = pejld_notifier_settings(f->config);
    return notifier_run(f->alerting, &settings, NULL, f->outbox, now, false);
}

/* The queued notifications' JSON bodies, oldest first (webhook/AM receivers). */
static json_t *queued(struct fixture *f)
{
    char cmd[400], line[512];
    json_t *all = json_array();
    snprintf(cmd, sizeof cmd, "ls '%s/outbox' | grep 'json$' | sort", f->dir);
    FILE *ls = popen(cmd, "r");
    while (ls && fgets(line, sizeof line, ls)) {
        char path[800];
        line[strcspn(line, "\n")] = '\0';
        snprintf(path, sizeof path, "%s/outbox/%s", f->dir, line);
        json_t *entry = json_load_file(path, 0, NULL);
        assert_non_null(entry);
        json_t *body = json_loads(json_string_value(json_object_get(entry, "payload")), 0, NULL);
        assert_non_null(body);
        json_object_set_new(body, "_receiver", json_copy(json_object_get(entry, "receiver")));
        json_array_append_new(all, body);
        json_decref(entry);
    }
    if (ls)
        pclose(ls);
    return all;
}

static json_t *last_queued(struct fixture *f)
{
    json_t *all = queued(f);
    json_t *last = json_incref(json_array_get(all, json_array_size(all) - 1));
    json_decref(all);
    return last;
}

#define WEBHOOK(name, extra)                                                                       \
    "{ name = \"" name "\"; type = \"webhook\"; url = \"http://127.0.0.1:9/hook\"; " extra " }"

static void test_group_wait_then_repeat(void **state)
{
    struct fixture *f = *state;
    start(f, "receivers = ( " WEBHOOK("chat", "") " );\n"
             "routes = ( { receivers = [ \"chat\" ]; group_wait = \"30s\"; repeat_interval = \"1d\"; } );\n");
    set_alert(f, "stale", ALERT_WARNING, T0);
    assert_int_equal(run(f, T0 + 10), T0 + 30); /* held back; due at the end of group_wait */
    assert_int_equal(outbox_size(f->outbox), 0);
    set_alert(f, "collect", ALERT_WARNING, T0 + 20); /* starts inside the wait: joins later */
    run(f, T0 + 30);
    assert_int_equal(outbox_size(f->outbox), 1);
    json_t *body = last_queued(f);
    assert_string_equal(json_string_value(json_object_get(body, "status")), "firing");
    assert_int_equal(json_array_size(json_object_get(body, "alerts")), 1);
    json_decref(body);
    run(f, T0 + 50);
    assert_int_equal(outbox_size(f->outbox), 2); /* the second alert after its own wait */
    assert_int_equal(run(f, T0 + 60), T0 + 30 + 86400); /* next: the first one's repeat */
    assert_int_equal(outbox_size(f->outbox), 2);
    run(f, T0 + 30 + 86400);
    assert_int_equal(outbox_size(f->outbox), 3);
}

static void test_change_resolve_and_quiet_end(void **state)
{
    struct fixture *f = *state;
    start(f, "receivers = ( " WEBHOOK("loud", "") ", " WEBHOOK("quiet", "") " );\n"
             "routes = ( { receivers = [ \"loud\" ]; group_wait = \"0s\"; },\n"
             "           { receivers = [ \"quiet\" ]; group_wait = \"0s\"; send_resolved = false; } );\n");
    set_alert(f, "stale", ALERT_WARNING, T0);
    run(f, T0);
    assert_int_equal(outbox_size(f->outbox), 2); /* one to each */
    set_alert(f, "stale", ALERT_CRITICAL, T0 + 100);
    run(f, T0 + 100);
    assert_int_equal(outbox_size(f->outbox), 4); /* a change is told at once */
    set_alert(f, "stale", ALERT_OK, T0 + 200);
    run(f, T0 + 200);
    assert_int_equal(outbox_size(f->outbox), 5); /* only loud hears the end */
    json_t *body = last_queued(f);
    assert_string_equal(json_string_value(json_object_get(body, "_receiver")), "loud");
    assert_string_equal(json_string_value(json_object_get(body, "status")), "resolved");
    json_t *alert = json_array_get(json_object_get(body, "alerts"), 0);
    assert_string_equal(json_string_value(json_object_get(alert, "endsAt")), "2026-11-22T06:03:20Z");
    assert_string_equal(json_string_value(json_object_get(json_object_get(alert, "labels"), "severity")),
                        "critical"); /* it ends with the severity it fired with */
    json_decref(body);
    set_alert(f, "stale", ALERT_WARNING, T0 + 300); /* a new episode: both hear it */
    run(f, T0 + 300);
    assert_int_equal(outbox_size(f->outbox), 7);
}

static void test_silence_keeps_state_tells_nothing(void **state)
{
    struct fixture *f = *state;
    char err[300];
    start(f, "receivers = ( " WEBHOOK("chat", "") " );\n"
             "routes = ( { receivers = [ \"chat\" ]; group_wait = \"0s\"; } );\n");
    struct silence s = {.id = "0123456789abcdef", .starts_at = T0, .ends_at = T0 + 3600};
    assert_int_equal(silence_parse_matcher("ls_exports/stale", &s, err, sizeof err), 0);
    assert_int_equal(alerting_add_silence(f->alerting, &s), 0);
    struct alert *a = set_alert(f, "stale", ALERT_CRITICAL, T0);
    run(f, T0 + 60);
    assert_int_equal(outbox_size(f->outbox), 0);
    assert_int_equal(a->state, ALERT_CRITICAL);
    set_alert(f, "collect", ALERT_WARNING, T0); /* not silenced */
    run(f, T0 + 60);
    assert_int_equal(outbox_size(f->outbox), 1);
    run(f, T0 + 3600); /* the silence is over */
    assert_int_equal(outbox_size(f->outbox), 2);
}

static void test_matchers_route_by_labels(void **state)
{
    struct fixture *f = *state;
    start(f, "receivers = ( " WEBHOOK("pager", "") ", " WEBHOOK("all", "") " );\n"
             "routes = ( { receivers = [ \"pager\" ]; match = { severity = \"critical\"; pejlemaerke = 5; }; group_wait = \"0s\"; },\n"
             "           { receivers = [ \"pager\", \"all\" ]; match = { rule = \"collect\"; }; group_wait = \"0s\"; } );\n");
    set_alert(f, "stale", ALERT_WARNING, T0);
    run(f, T0);
    assert_int_equal(outbox_size(f->outbox), 0); /* warning: no route */
    set_alert(f, "stale", ALERT_CRITICAL, T0 + 10);
    run(f, T0 + 10);
    assert_int_equal(outbox_size(f->outbox), 1); /* critical: the pager */
    set_alert(f, "stale", ALERT_OK, T0 + 20);
    run(f, T0 + 20);
    assert_int_equal(outbox_size(f->outbox), 2); /* the end goes where the alert went */
    set_alert(f, "collect", ALERT_CRITICAL, T0 + 30);
    run(f, T0 + 30);
    json_t *all = queued(f);
    /* pager got it through the first route only; all through the second */
    assert_int_equal(json_array_size(all), 4);
    json_decref(all);
}

static void test_alertmanager_hears_old_severity_end(void **state)
{
    struct fixture *f = *state;
    start(f, "receivers = ( { name = \"am\"; type = \"alertmanager\"; url = \"http://127.0.0.1:9\"; "
             "resend_interval = \"10m\"; } );\n"
             "routes = ( { receivers = [ \"am\" ]; group_wait = \"0s\"; } );\n");
    set_alert(f, "stale", ALERT_WARNING, T0);
    run(f, T0);
    json_t *body = last_queued(f);
    assert_true(json_is_array(body));
    /* pushed again before 4 x 10 min run out, counted on the real clock */
    int64_t ends = 0, clock = (int64_t)time(NULL);
    assert_int_equal(timestamp_parse(json_string_value(json_object_get(json_array_get(body, 0), "endsAt")), &ends), 0);
    assert_in_range(ends, clock + 2400 - 5, clock + 2400 + 5);
    json_decref(body);
    assert_int_equal(run(f, T0 + 60), T0 + 600);
    set_alert(f, "stale", ALERT_CRITICAL, T0 + 120);
    run(f, T0 + 120);
    body = last_queued(f);
    assert_int_equal(json_array_size(body), 2);
    json_t *old = json_array_get(body, 0), *now = json_array_get(body, 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(old, "labels"), "severity")), "warning");
    assert_string_equal(json_string_value(json_object_get(old, "endsAt")), "2026-11-22T06:02:00Z");
    assert_string_equal(json_string_value(json_object_get(json_object_get(now, "labels"), "severity")), "critical");
    json_decref(body);
}

/* What identifies a file's content on disk: gone, or the same inode, size
 * and modification time. */
struct file_sig {
    int rc;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

static struct file_sig file_sig(const struct fixture *f, const char *name)
{
    char path[700];
    struct stat st = {0};
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    struct file_sig sig = {.rc = stat(path, &st)};
    sig.ino = st.st_ino, sig.size = st.st_size, sig.mtime = st.st_mtim;
    return sig;
}

static void assert_same_file(struct file_sig a, struct file_sig b)
{
    assert_int_equal(a.rc, b.rc);
    assert_int_equal(a.ino, b.ino);
    assert_int_equal(a.size, b.size);
    assert_int_equal(a.mtime.tv_sec, b.mtime.tv_sec);
    assert_int_equal(a.mtime.tv_nsec, b.mtime.tv_nsec);
}

/* A notifier pass that tells nobody anything changes nothing, so the save
 * after it writes nothing: the alert state files stay as they were. */
static void test_quiet_pass_writes_nothing(void **state)
{
    struct fixture *f = *state;
    start(f, "receivers = ( " WEBHOOK("chat", "") " );\n"
             "routes = ( { receivers = [ \"chat\" ]; group_wait = \"0s\"; } );\n");
    set_alert(f, "stale", ALERT_WARNING, T0);
    run(f, T0);
    assert_int_equal(outbox_size(f->outbox), 1);
    assert_int_equal(alerting_save(f->alerting, T0), 0);
    struct file_sig snapshot = file_sig(f, "alerts.json"), log = file_sig(f, "alerts.log");
    assert_int_equal(snapshot.rc, 0);
    for (int64_t t = T0 + 60; t < T0 + 600; t += 60) {
        run(f, t); /* within repeat_interval: nothing to tell */
        assert_int_equal(outbox_size(f->outbox), 1);
        assert_int_equal(alerting_save(f->alerting, t), 0);
    }
    assert_same_file(file_sig(f, "alerts.json"), snapshot);
    assert_same_file(file_sig(f, "alerts.log"), log);
}

static void test_restart_repeats_nothing(void **state)
{
    struct fixture *f = *state;
    const char *conf = "receivers = ( " WEBHOOK("chat", "") " );\n"
                       "routes = ( { receivers = [ \"chat\" ]; group_wait = \"0s\"; } );\n";
    start(f, conf);
    set_alert(f, "stale", ALERT_WARNING, T0);
    run(f, T0);
    assert_int_equal(outbox_size(f->outbox), 1);
    assert_int_equal(alerting_save(f->alerting, T0), 0);
    stop(f);
    start(f, conf); /* the outbox and the marks come back */
    assert_int_equal(outbox_size(f->outbox), 1);
    run(f, T0 + 60);
    assert_int_equal(outbox_size(f->outbox), 1);
}

static void test_full_outbox(void **state)
{
    struct fixture *f = *state;
    start(f, "receivers = ( " WEBHOOK("chat", "") " );\n"
             "routes = ( { receivers = [ \"chat\" ]; group_wait = \"0s\"; repeat_interval = \"1m\"; } );\n"
             "outbox = { max = 10; };\n");
    set_alert(f, "stale", ALERT_WARNING, T0);
    for (int i = 0; i < 10; i++)
        run(f, T0 + 60 * i); /* a repeat a minute fills it */
    assert_int_equal(outbox_size(f->outbox), 10);
    assert_true(outbox_full(f->outbox));
    run(f, T0 + 600);
    assert_int_equal(outbox_size(f->outbox), 11); /* the notice that it is full, past the bound */
    json_t *body = last_queued(f);
    json_t *labels = json_object_get(json_array_get(json_object_get(body, "alerts"), 0), "labels");
    assert_string_equal(json_string_value(json_object_get(labels, "alertname")), "pejl_outbox_full");
    json_decref(body);
    run(f, T0 + 660);
    assert_int_equal(outbox_size(f->outbox), 11); /* once, and the due repeat waits */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_group_wait_then_repeat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_resolve_and_quiet_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silence_keeps_state_tells_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_matchers_route_by_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alertmanager_hears_old_severity_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_repeats_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quiet_pass_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_outbox, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
