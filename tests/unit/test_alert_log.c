/*
 * test_alert_log.c — the alert state's snapshot and log (alert_log.h) on
 * real files: a change is appended, not the whole ledger rewritten; a
 * restart replays the log over the snapshot; the log is folded into a new
 * snapshot when it outgrows it; an unfinished pass or a torn last line
 * (what kill -9 leaves) is dropped with everything committed kept; a
 * damaged line followed by more is refused; a log of an older snapshot is
 * ignored and one of a newer snapshot refused; an alerts.json of pejl
 * before the log loads and is upgraded in place; hashed lookups find every
 * alert among thousands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "alert_log.h"
#include "tests/unit/unit_files.h"

#define T0 INT64_C(1795327200) /* 2026-11-22T06:00:00Z */

struct fixture {
    char *dir, *snapshot, *log;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->dir = unit_temp_dir("alertlog");
    f->snapshot = unit_path(f->dir, "alerts.json");
    f->log = unit_path(f->dir, "alerts.log");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->snapshot);
    free(f->log);
    unit_remove_tree(f->dir);
    free(f);
    return 0;
}

static struct alert make_alert(unsigned i)
{
    struct alert a = {.state = ALERT_OK, .pending = ALERT_OK, .value = NAN};
    snprintf(a.fingerprint, sizeof a.fingerprint, "%016x", i * 2654435761u);
    snprintf(a.indicator, sizeof a.indicator, "ind%u", i / 4);
    snprintf(a.rule, sizeof a.rule, "progress");
    return a; /* owning nothing: alert_labelled() gives it labels */
}

static struct alert alert_labelled(unsigned i)
{
    struct alert a = make_alert(i);
    struct label_set labels = {.n = 1};
    snprintf(labels.items[0].name, sizeof labels.items[0].name, "alertname");
    snprintf(labels.items[0].value, sizeof labels.items[0].value, "pejl_progress");
    assert_int_equal(alert_set_labels(&a, &labels), 0);
    return a;
}

static struct alert_log *open_log(struct fixture *f, struct alert_ledger *l)
{
    char err[512] = "";
    *l = (struct alert_ledger){0};
    struct alert_log *g = alert_log_open(l, f->snapshot, f->log, err, sizeof err);
    if (!g)
        fail_msg("alert_log_open: %s", err);
    return g;
}

static void save(struct alert_log *g, struct alert_ledger *l, int64_t now)
{
    char err[512] = "";
    if (alert_log_save(g, l, now, err, sizeof err) != 0)
        fail_msg("alert_log_save: %s", err);
}

/* A ledger of `n` alerts and a collection record per 4, saved. */
static struct alert_log *filled(struct fixture *f, struct alert_ledger *l, unsigned n)
{
    struct alert_log *g = open_log(f, l);
    for (unsigned i = 0; i < n; i++) {
        struct alert a = alert_labelled(i);
        assert_non_null(alert_ledger_add(l, &a));
        if (i % 4 == 0)
            assert_non_null(alert_ledger_collection(l, a.indicator, true));
    }
    save(g, l, T0);
    return g;
}

/* Raises alert `i` (a pass of the daemon's). */
static void raise_alert(struct alert_ledger *l, unsigned i, enum alert_state state, int64_t at)
{
    struct alert want = make_alert(i);
    struct alert *a = alert_ledger_find(l, want.fingerprint);
    assert_non_null(a);
    a->state = state, a->since = at, a->starts_at = at;
    snprintf(a->summary, sizeof a->summary, "raised at %lld", (long long)at);
    alert_ledger_touch(l, a);
}

static void assert_same_ledger(const struct alert_ledger *a, const struct alert_ledger *b)
{
    assert_int_equal(a->n_alerts, b->n_alerts);
    for (size_t i = 0; i < a->n_alerts; i++) {
        const struct alert *other = alert_ledger_find(b, a->alerts[i].fingerprint);
        assert_non_null(other);
        json_t *x = alert_to_json(&a->alerts[i]), *y = alert_to_json(other);
        assert_true(json_equal(x, y));
        json_decref(x);
        json_decref(y);
    }
    assert_int_equal(a->n_collections, b->n_collections);
    assert_int_equal(a->n_marks, b->n_marks);
    for (size_t i = 0; i < a->n_marks; i++) {
        const struct notify_mark *m = &a->marks[i];
        struct notify_mark *o =
            alert_ledger_mark((struct alert_ledger *)b, m->fingerprint, m->receiver, false);
        assert_non_null(o);
        assert_int_equal(o->state, m->state);
        assert_int_equal(o->at, m->at);
    }
}

static void reopen_and_compare(struct fixture *f, const struct alert_ledger *want)
{
    struct alert_ledger back;
    struct alert_log *g = open_log(f, &back);
    assert_same_ledger(want, &back);
    alert_log_close(g);
    alert_ledger_free(&back);
}

/* A change appends what changed; the snapshot stays; a restart has it. */
static void test_append_and_replay(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    struct alert_log *g = filled(f, &l, 400);
    long long snapshot = unit_file_size(f->snapshot);
    struct stat before, after;
    assert_int_equal(stat(f->snapshot, &before), 0);
    uint64_t written = alert_log_written(g);
    raise_alert(&l, 7, ALERT_WARNING, T0 + 60);
    struct collection_record *c = alert_ledger_collection(&l, "ind1", false);
    c->last_attempt = T0 + 60;
    alert_ledger_touch_collection(&l, "ind1");
    struct notify_mark *m = alert_ledger_mark(&l, make_alert(7).fingerprint, "chat", true);
    m->state = ALERT_WARNING, m->at = T0 + 61;
    save(g, &l, T0 + 60);
    assert_int_equal(stat(f->snapshot, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino); /* not rewritten */
    assert_int_equal(unit_file_size(f->snapshot), snapshot);
    uint64_t pass = alert_log_written(g) - written;
    assert_true(pass > 0 && pass < 2000); /* one alert, one record, one mark: not 400 alerts */
    assert_true(pass * 50 < (uint64_t)snapshot);
    written = alert_log_written(g);
    save(g, &l, T0 + 120); /* nothing changed: nothing written */
    assert_int_equal(alert_log_written(g), written);
    reopen_and_compare(f, &l);
    alert_log_close(g);
    alert_ledger_free(&l);
}

/* The log is folded into a new snapshot once it is larger. */
static void test_compaction(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    struct alert_log *g = filled(f, &l, 100);
    uint64_t generation = l.generation;
    assert_int_equal(generation, 1);
    long long header = unit_file_size(f->log);
    for (unsigned pass = 0; pass < 400 && l.generation == generation; pass++) {
        raise_alert(&l, pass % 100, pass % 2 ? ALERT_OK : ALERT_CRITICAL, T0 + pass);
        save(g, &l, T0 + pass);
        assert_true(unit_file_size(f->log) <= 64 * 1024 + 4096);
    }
    assert_int_equal(l.generation, generation + 1); /* compacted once */
    assert_int_equal(unit_file_size(f->log), header); /* a fresh log */
    reopen_and_compare(f, &l);
    raise_alert(&l, 3, ALERT_WARNING, T0 + 9999); /* and appending goes on */
    save(g, &l, T0 + 9999);
    assert_true(unit_file_size(f->log) > header);
    reopen_and_compare(f, &l);
    alert_log_close(g);
    alert_ledger_free(&l);
}

/* kill -9 mid-save: records without their commit line and a torn line
 * are dropped with a warning; the file is cut back; nothing else lost. */
static void test_torn_tail(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    struct alert_log *g = filled(f, &l, 20);
    raise_alert(&l, 5, ALERT_CRITICAL, T0 + 60);
    save(g, &l, T0 + 60);
    long long committed = unit_file_size(f->log);
    alert_log_close(g);
    size_t len = 0;
    char *log = unit_read_file(f->log, &len);
    /* a pass's records again, without its commit line, then half a line */
    const char *last_record = log;
    for (const char *p = log; (p = strstr(p, "\n{")); p++)
        last_record = p + 1;
    size_t record_len = (size_t)(strchr(last_record, '\n') - last_record) + 1;
    unit_append(f->log, last_record, record_len);
    unit_append(f->log, last_record, record_len / 2);
    free(log);
    long long torn = unit_file_size(f->log);
    reopen_and_compare(f, &l);
    /* a commit line with a wrong count does not commit anything either */
    unit_append(f->log, "@commit 3 00000000\n", 19);
    struct alert_ledger back;
    g = open_log(f, &back);
    assert_same_ledger(&l, &back);
    assert_int_equal(unit_file_size(f->log), torn + 19); /* reading cuts nothing (--status) */
    raise_alert(&back, 6, ALERT_WARNING, T0 + 120);      /* the next save cuts it, then appends */
    save(g, &back, T0 + 120);
    size_t now_len = 0;
    char *now = unit_read_file(f->log, &now_len);
    assert_true((long long)now_len > committed && (long long)now_len < torn);
    assert_string_equal(now + now_len - 1, "\n");
    free(now);
    alert_log_close(g);
    reopen_and_compare(f, &back);
    alert_ledger_free(&back);
    alert_ledger_free(&l);
}

/* A damaged line with intact lines after it is not a crash: refused. */
static void test_damage_refused(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    struct alert_log *g = filled(f, &l, 20);
    raise_alert(&l, 5, ALERT_CRITICAL, T0 + 60);
    save(g, &l, T0 + 60);
    raise_alert(&l, 6, ALERT_CRITICAL, T0 + 120);
    save(g, &l, T0 + 120);
    alert_log_close(g);
    alert_ledger_free(&l);
    size_t len = 0;
    char *log = unit_read_file(f->log, &len);
    char *second = strchr(log, '\n') + 1; /* the first record */
    second[10] ^= 1;
    unit_write_file(f->log, log, len, O_TRUNC);
    char err[512] = "", *copy = malloc(len);
    memcpy(copy, log, len);
    struct alert_ledger back = {0};
    assert_null(alert_log_open(&back, f->snapshot, f->log, err, sizeof err));
    assert_int_equal(back.n_alerts, 0);
    assert_non_null(strstr(err, f->log));
    assert_non_null(strstr(err, "truncate -s"));
    size_t now_len = 0;
    char *now = unit_read_file(f->log, &now_len); /* left as it was */
    assert_int_equal(now_len, len);
    assert_memory_equal(now, copy, len);
    free(now);
    free(copy);
    free(log);
}

/* A crash between a compaction's snapshot and its fresh log leaves the old
 * log: ignored, for the new snapshot holds it all. A log newer than the
 * snapshot (a snapshot restored alone) is refused. */
static void test_generations(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    struct alert_log *g = filled(f, &l, 10);
    raise_alert(&l, 1, ALERT_CRITICAL, T0 + 60);
    save(g, &l, T0 + 60);
    size_t len = 0;
    char *old_log = unit_read_file(f->log, &len), *old_snapshot;
    size_t snapshot_len = 0;
    old_snapshot = unit_read_file(f->snapshot, &snapshot_len);
    raise_alert(&l, 1, ALERT_OK, T0 + 120);
    alert_ledger_rewrite(&l); /* as a silence would */
    save(g, &l, T0 + 120);
    assert_int_equal(l.generation, 2);
    alert_log_close(g);
    unit_write_file(f->log, old_log, len, O_TRUNC); /* the crash */
    reopen_and_compare(f, &l); /* alert 1 is OK, not the old log's CRITICAL */
    unit_write_file(f->snapshot, old_snapshot, snapshot_len, O_TRUNC);
    char header[] = ALERT_LOG_HEADER "5\n";
    unit_write_file(f->log, header, strlen(header), O_TRUNC);
    char err[512] = "";
    struct alert_ledger back = {0};
    assert_null(alert_log_open(&back, f->snapshot, f->log, err, sizeof err));
    assert_non_null(strstr(err, "generation 5"));
    free(old_log);
    free(old_snapshot);
    alert_ledger_free(&l);
}

/* An alerts.json of pejl before the log loads, and the first save
 * upgrades it in place (a snapshot with a generation, and its log). */
static void test_old_format(void **state)
{
    struct fixture *f = *state;
    size_t len = 0;
    char *path = unit_path(PEJL_TEST_DATA, "alert_ledger/format1.json");
    char *old = unit_read_file(path, &len);
    free(path);
    assert_null(strstr(old, "generation"));
    unit_write_file(f->snapshot, old, len, O_TRUNC);
    free(old);
    struct alert_ledger l;
    struct alert_log *g = open_log(f, &l);
    assert_true(l.n_alerts > 0);
    assert_int_equal(l.generation, 0);
    struct alert *a = &l.alerts[0];
    a->pending_count = 1;
    alert_ledger_touch(&l, a);
    save(g, &l, T0);
    assert_int_equal(l.generation, 1);
    assert_true(unit_file_size(f->log) > 0);
    reopen_and_compare(f, &l);
    alert_log_close(g);
    alert_ledger_free(&l);
}

/* What the status table shows of each alert, glanced at, is what the full
 * reader reads; the rest is not read. */
static void assert_glance_matches(struct fixture *f, const struct alert_ledger *want)
{
    struct alert_ledger seen = {0};
    assert_int_equal(alert_log_glance(&seen, f->snapshot, f->log), 0);
    assert_int_equal(seen.n_alerts, want->n_alerts);
    assert_int_equal(seen.n_silences, want->n_silences);
    for (size_t i = 0; i < want->n_alerts; i++) {
        const struct alert *w = &want->alerts[i], *g = alert_ledger_find(&seen, w->fingerprint);
        assert_non_null(g);
        assert_string_equal(g->indicator, w->indicator);
        assert_string_equal(g->rule, w->rule);
        assert_int_equal(g->state, w->state);
        assert_int_equal(g->since, w->since);
        assert_int_equal(g->starts_at, w->starts_at);
        assert_int_equal(g->ends_at, w->ends_at);
        assert_int_equal(g->evaluated_at, w->evaluated_at);
        assert_string_equal(g->summary, w->summary);
        assert_int_equal(g->orphan, w->orphan);
        assert_null(g->description); /* not shown: not read */
        assert_int_equal(g->n_history, 0);
    }
    assert_false(alert_ledger_changed(&seen));
    alert_ledger_free(&seen);
}

/* pejld --status glances at the snapshot and the committed passes of the
 * log: escapes and UTF-8 in a summary, an orphan, a silence, a torn tail
 * (dropped as a restart drops it) and a stale log (ignored) read as the
 * full reader reads them. */
static void test_glance(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    struct alert_log *g = filled(f, &l, 40);
    struct silence s = {.starts_at = T0, .ends_at = T0 + 86400};
    snprintf(s.id, sizeof s.id, "s1");
    snprintf(s.indicator, sizeof s.indicator, "ind2");
    assert_int_equal(alert_ledger_add_silence(&l, &s), 0);
    raise_alert(&l, 3, ALERT_CRITICAL, T0 + 30);
    save(g, &l, T0 + 30); /* a rewrite: the silence is in the snapshot */
    raise_alert(&l, 7, ALERT_WARNING, T0 + 60);
    struct alert *a = alert_ledger_find(&l, make_alert(7).fingerprint);
    snprintf(a->summary, sizeof a->summary, "Ø \"quoted\" back\\slash\ttab −1,5 %%");
    a->evaluated_at = T0 + 61;
    a = alert_ledger_find(&l, make_alert(9).fingerprint);
    a->orphan = true, a->ends_at = T0 + 62;
    alert_ledger_touch(&l, a);
    save(g, &l, T0 + 60);
    assert_glance_matches(f, &l);
    struct alert_ledger before_tail;
    alert_log_close(open_log(f, &before_tail));
    raise_alert(&l, 8, ALERT_CRITICAL, T0 + 90); /* a pass cut short by kill -9: */
    json_t *record = json_pack("{s:o}", "alert",
                               alert_to_json(alert_ledger_find(&l, make_alert(8).fingerprint)));
    char *line = json_dumps(record, JSON_COMPACT), tail[16];
    snprintf(tail, sizeof tail, " %08lx\n", crc32(0L, (const Bytef *)line, (uInt)strlen(line)));
    unit_append(f->log, line, strlen(line)); /* an intact record without its commit line */
    unit_append(f->log, tail, strlen(tail));
    unit_append(f->log, line, strlen(line) / 2); /* and a torn one */
    free(line);
    json_decref(record);
    assert_glance_matches(f, &before_tail);
    char header[] = ALERT_LOG_HEADER "1\n{\"alert\": 3} 00000000\n"; /* an older generation's */
    unit_write_file(f->log, header, strlen(header), O_TRUNC);
    struct alert_ledger snapshot_only;
    alert_log_close(open_log(f, &snapshot_only));
    assert_glance_matches(f, &snapshot_only);
    alert_ledger_free(&snapshot_only);
    alert_ledger_free(&before_tail);
    alert_log_close(g);
    alert_ledger_free(&l);
}

/* Text not as pejld writes it is not guessed at: the glance gives up, with
 * nothing kept, and the full reader (alert_log_open) says what is wrong. */
static void test_glance_gives_up(void **state)
{
    struct fixture *f = *state;
    struct alert_ledger l;
    alert_log_close(filled(f, &l, 10));
    alert_ledger_free(&l);
    size_t len = 0;
    char *snapshot = unit_read_file(f->snapshot, &len);
    static const char *const damage[][2] = {
        {"\"summary\":", "\"summery\":"},           /* a field missing */
        {"\"state\": \"OK\"", "\"state\": \"ok\""}, /* not a state */
        {"\"orphan\": false", "\"orphan\": FALSE"},
        {"\"alerts\": [", "\"alerts\": {"},
        {"\"format\": \"pejl-alerts 1\"", "\"format\": \"pejl-alerts 9\""},
    };
    for (size_t i = 0; i < sizeof damage / sizeof *damage; i++) {
        char *at = strstr(snapshot, damage[i][0]);
        assert_non_null(at);
        assert_int_equal(strlen(damage[i][0]), strlen(damage[i][1]));
        char *copy = strdup(snapshot);
        memcpy(copy + (at - snapshot), damage[i][1], strlen(damage[i][1]));
        unit_write_file(f->snapshot, copy, len, O_TRUNC);
        struct alert_ledger seen = {0};
        assert_int_equal(alert_log_glance(&seen, f->snapshot, f->log), -1);
        assert_int_equal(seen.n_alerts, 0);
        free(copy);
    }
    unit_write_file(f->snapshot, snapshot, len - 40, O_TRUNC); /* cut short */
    struct alert_ledger seen = {0};
    assert_int_equal(alert_log_glance(&seen, f->snapshot, f->log), -1);
    char err[512] = "";
    assert_null(alert_log_open(&seen, f->snapshot, f->log, err, sizeof err));
    assert_non_null(strstr(err, f->snapshot));
    unit_write_file(f->snapshot, snapshot, len, O_TRUNC);
    assert_int_equal(alert_log_glance(&seen, f->snapshot, f->log), 0);
    alert_ledger_free(&seen);
    free(snapshot);
}

/* A state written by pejl before labels were sized by their content (the
 * build of a74ad29, a rule's own labels with UTF-8 and quotes among them)
 * loads with every label, and each alert's fingerprint is still the hash
 * of its labels: the config's rules find their alerts again. */
static void test_labels_of_older_pejl(void **state)
{
    struct fixture *f = *state;
    static const char *const names[] = {"alerts.json", "alerts.log"};
    for (size_t i = 0; i < 2; i++) {
        char *from = unit_path(PEJL_TEST_DATA "/alert_ledger/written-by-a74ad29", names[i]);
        size_t len = 0;
        char *text = unit_read_file(from, &len);
        unit_write_file(i ? f->log : f->snapshot, text, len, O_TRUNC);
        free(text);
        free(from);
    }
    struct alert_ledger l;
    alert_log_close(open_log(f, &l));
    assert_int_equal(l.n_alerts, 6);
    for (size_t i = 0; i < l.n_alerts; i++) {
        struct label_set labels;
        char fingerprint[17];
        alert_label_set(&l.alerts[i], &labels);
        alert_fingerprint(&labels, fingerprint);
        assert_string_equal(fingerprint, l.alerts[i].fingerprint);
        assert_string_equal(alert_label(&l.alerts[i], "indicator"), l.alerts[i].indicator);
    }
    const struct alert *range = alert_ledger_find(&l, "b30039fee51caf1b");
    assert_non_null(range);
    assert_string_equal(alert_label(range, "owner"), "Søren Ærø, eksport og \"handel\"");
    assert_string_equal(alert_label(range, "severity"), "warning");
    alert_ledger_free(&l);
}

/* Thousands of alerts, each found by its fingerprint; marks by both keys;
 * found again after entries were removed and the hashes rebuilt. */
static void test_hashed_lookups(void **state)
{
    (void)state;
    struct alert_ledger l = {0};
    for (unsigned i = 0; i < 5000; i++) {
        struct alert a = make_alert(i);
        assert_non_null(alert_ledger_add(&l, &a));
        assert_non_null(alert_ledger_mark(&l, a.fingerprint, i % 2 ? "chat" : "mail", true));
    }
    for (unsigned i = 0; i < 5000; i++) {
        struct alert a = make_alert(i);
        struct alert *found = alert_ledger_find(&l, a.fingerprint);
        assert_non_null(found);
        assert_string_equal(found->fingerprint, a.fingerprint);
        assert_non_null(alert_ledger_mark(&l, a.fingerprint, i % 2 ? "chat" : "mail", false));
        assert_null(alert_ledger_mark(&l, a.fingerprint, i % 2 ? "mail" : "chat", false));
    }
    l.n_alerts = 2500; /* the second half removed */
    assert_int_equal(alert_ledger_reindex(&l), 0);
    assert_non_null(alert_ledger_find(&l, make_alert(2499).fingerprint));
    assert_null(alert_ledger_find(&l, make_alert(2500).fingerprint));
    assert_true(alert_ledger_changed(&l));
    alert_ledger_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_and_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damage_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_format, setup, teardown),
        cmocka_unit_test(test_hashed_lookups),
        cmocka_unit_test_setup_teardown(test_glance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_labels_of_older_pejl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glance_gives_up, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
