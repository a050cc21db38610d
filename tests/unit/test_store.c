/*
 * test_store.c — unit tests of daemon/store/store.c on a real state directory
 * (settings built by hand, no rrdcached): staging a collection changes nothing
 * until store_commit, which tells the collection its outcome exactly once
 * (added/revised/unchanged); an unchanged collection writes nothing to the
 * journal; a revision writes exactly one record; a reopened store holds the
 * revised value with its new vintage; a commit that cannot be written (EFBIG,
 * in a child) reports stored=false and leaves series and journal as they were.
 * A missing cell (NAN) is neither journaled nor a revision, and a journal an
 * earlier pejld wrote with NaN records loads with them ignored; a figure
 * provisional when first seen that changes is a provisional update, counted
 * apart from revisions, also after a replay.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "journal.h"
#include "period.h"
#include "store.h"
#include "tests/unit/unit_files.h"

#define HEADER_LEN 15 /* "pejl-journal 2\n" */
#define ID "ls_test"
#define V1 1700000000
#define V2 1700086400
#define V3 1700172800
/* the vintages of tests/data/journal/nan-records/journal */
#define OLD_V1 1796612214
#define OLD_V2 1796612215

/* A state dir with its own store settings and one annual indicator. */
struct fixture {
    char *base;
    char *state_dir, *rrd_dir, *graph_dir;
    struct store_settings settings;
    struct indicator indicator;
    char *journal;
};

static void fixture_init(struct fixture *f)
{
    *f = (struct fixture){0};
    f->base = unit_temp_dir("store");
    f->state_dir = unit_path(f->base, "state");
    f->rrd_dir = unit_path(f->base, "rrd");
    f->graph_dir = unit_path(f->base, "graph");
    f->settings.state_dir = f->state_dir;
    f->settings.rrd_dir = f->rrd_dir;
    f->settings.graph_dir = f->graph_dir;
    f->settings.rrdcached = NULL;
    f->indicator.id = ID;
    f->indicator.frequency = PEJL_PERIOD_YEAR;
    f->indicator.collector = NULL; /* store never uses it */
    f->settings.indicators = &f->indicator;
    f->settings.n_indicators = 1;
    f->journal = unit_path(f->state_dir, JOURNAL_FILE);
}

static void fixture_free(struct fixture *f)
{
    free(f->state_dir);
    free(f->rrd_dir);
    free(f->graph_dir);
    free(f->journal);
    unit_remove_tree(f->base);
}

static struct store *open_store(const struct fixture *f)
{
    char err[1024] = "";
    struct store *store = store_open(&f->settings, err, sizeof err);
    if (!store)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_use_settings(store, &f->settings), 0);
    return store;
}

/* What the done callback was told. */
struct outcome {
    int calls;
    bool stored;
    struct ingest_summary summary;
    char error[512];
};

static void record_outcome(void *arg, bool stored, const struct ingest_summary *summary,
                           const char *error)
{
    struct outcome *o = arg;
    o->calls++;
    o->stored = stored;
    o->summary = *summary;
    snprintf(o->error, sizeof o->error, "%s", error ? error : "(null)");
}

static void assert_summary(const struct outcome *o, size_t received, size_t added, size_t revised,
                           size_t unchanged)
{
    assert_int_equal(o->summary.received, received);
    assert_int_equal(o->summary.added, added);
    assert_int_equal(o->summary.revised, revised);
    assert_int_equal(o->summary.unchanged, unchanged);
}

static struct pejl_observation year_obs(int year, double value, uint32_t status)
{
    struct pejl_period p = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return (struct pejl_observation){.period = p, .value = value, .status = status};
}

/* Length of the journal line for one observation of `id` (journal.h's format). */
/* The journal writes the shortest decimal that reads back as the same double. */
static void shortest(double v, char *buf, size_t size)
{
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, size, "%.*g", precision, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Length of the commit record closing `count` records (journal.h). */
static long long commit_length(unsigned count)
{
    char line[64];
    int n = snprintf(line, sizeof line, "@commit %u", count);
    return n + 10; /* " crc\n" */
}

static long long id_line_length(const char *id, const struct pejl_observation *o, int64_t vintage)
{
    char period[PERIOD_TEXT_MAX], status[8], value[32], line[256];
    period_format(&o->period, period, sizeof period);
    if (status_format(o->status, status, sizeof status) == 0)
        strcpy(status, "-");
    if (isnan(o->value))
        strcpy(value, "nan");
    else
        shortest(o->value, value, sizeof value);
    int n = snprintf(line, sizeof line, "%s %s %s %s %lld", id, period, value, status,
                     (long long)vintage);
    n += snprintf(line + n, sizeof line - (size_t)n, " %08x\n",
                  (unsigned)crc32(0L, (const Bytef *)line, (uInt)n));
    return n;
}

static long long line_length(const struct pejl_observation *o, int64_t vintage)
{
    return id_line_length(ID, o, vintage);
}

static void assert_item(const struct series *s, size_t i, int year, double value, uint32_t status,
                        int64_t vintage)
{
    assert_true(i < s->n);
    const struct stored_observation *it = &s->items[i];
    assert_int_equal(it->obs.period.year, year);
    assert_int_equal(it->obs.period.kind, PEJL_PERIOD_YEAR);
    if (isnan(value)) {
        if (!isnan(it->obs.value))
            fail_msg("%d: %.17g, expected nan", year, it->obs.value);
    } else if (it->obs.value != value) {
        fail_msg("%d: %.17g, expected %.17g", year, it->obs.value, value);
    }
    assert_int_equal(it->obs.status, status);
    assert_int_equal(it->vintage, vintage);
}

static void test_stage_commit_revise_reopen(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    assert_string_equal(store_journal_path(store), f.journal);
    assert_int_equal(unit_file_size(f.journal), HEADER_LEN);
    assert_false(store_has_staged(store));
    assert_int_equal(store_commit(store), 0);

    /* Three new observations: nothing happens before the commit. */
    struct pejl_observation obs[3] = {
        year_obs(2020, 1.5, 0),
        year_obs(2021, 0.1 + 0.2, PEJL_STATUS_PROVISIONAL),
        year_obs(2022, 4, PEJL_STATUS_CONFIDENTIAL),
    };
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 3, V1, record_outcome, &out), 0);
    assert_true(store_has_staged(store));
    assert_int_equal(out.calls, 0);
    assert_null(store_series(store, ID));
    assert_int_equal(unit_file_size(f.journal), HEADER_LEN);

    assert_int_equal(store_commit(store), 1);
    assert_int_equal(out.calls, 1);
    assert_true(out.stored);
    assert_string_equal(out.error, "(null)");
    assert_summary(&out, 3, 3, 0, 0);
    assert_false(store_has_staged(store));
    long long size = HEADER_LEN + line_length(&obs[0], V1) + line_length(&obs[1], V1) +
                     line_length(&obs[2], V1) + commit_length(3);
    assert_int_equal(unit_file_size(f.journal), size);
    const struct series *s = store_series(store, ID);
    assert_non_null(s);
    assert_int_equal(s->n, 3);
    assert_item(s, 0, 2020, 1.5, 0, V1);
    assert_item(s, 1, 2021, 0.1 + 0.2, PEJL_STATUS_PROVISIONAL, V1);
    assert_item(s, 2, 2022, 4, PEJL_STATUS_CONFIDENTIAL, V1);
    char *rrd = unit_path(f.rrd_dir, ID ".rrd");
    assert_true(unit_file_size(rrd) > 0); /* the RRD view was written */
    free(rrd);
    assert_int_equal(store_commit(store), 0); /* told once only */
    assert_int_equal(out.calls, 1);

    /* The same three again: unchanged, and the journal does not grow. */
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 3, V2, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_int_equal(out.calls, 1);
    assert_true(out.stored);
    assert_summary(&out, 3, 0, 0, 3);
    assert_int_equal(unit_file_size(f.journal), size);
    s = store_series(store, ID);
    assert_item(s, 1, 2021, 0.1 + 0.2, PEJL_STATUS_PROVISIONAL, V1); /* vintage kept */

    /* One change (of a provisional figure: an update, not a revision):
     * exactly one record more. */
    obs[1].value = 0.5;
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 3, V3, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_int_equal(out.calls, 1);
    assert_true(out.stored);
    assert_summary(&out, 3, 0, 0, 2);
    assert_int_equal(out.summary.provisional_updated, 1);
    size += line_length(&obs[1], V3) + commit_length(1);
    assert_int_equal(unit_file_size(f.journal), size);
    s = store_series(store, ID);
    assert_int_equal(s->n, 3);
    assert_item(s, 1, 2021, 0.5, PEJL_STATUS_PROVISIONAL, V3);

    /* A new status alone is a revision too. */
    obs[0].status = PEJL_STATUS_ESTIMATED;
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 1, V3, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 1, 0, 1, 0);
    size += line_length(&obs[0], V3) + commit_length(1);
    assert_int_equal(unit_file_size(f.journal), size);
    store_close(store);

    /* Reopened: the journal's last word per period, with its vintage. */
    store = open_store(&f);
    s = store_series(store, ID);
    assert_non_null(s);
    assert_int_equal(s->n, 3);
    assert_item(s, 0, 2020, 1.5, PEJL_STATUS_ESTIMATED, V3);
    assert_item(s, 1, 2021, 0.5, PEJL_STATUS_PROVISIONAL, V3);
    assert_item(s, 2, 2022, 4, PEJL_STATUS_CONFIDENTIAL, V1);
    assert_null(store_series(store, "ls_other"));
    assert_int_equal(unit_file_size(f.journal), size);
    store_close(store);
    fixture_free(&f);
}

static void test_two_collections_one_commit(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct indicator other = {.id = "ls_other", .frequency = PEJL_PERIOD_YEAR};
    struct store *store = open_store(&f);
    struct pejl_observation a[2] = {year_obs(2020, 1, 0), year_obs(2021, 2, 0)};
    struct pejl_observation b[1] = {year_obs(2019, 9, 0)};
    struct outcome out_a = {0}, out_b = {0};
    assert_int_equal(store_stage(store, &f.indicator, a, 2, V1, record_outcome, &out_a), 0);
    assert_int_equal(store_stage(store, &other, b, 1, V2, record_outcome, &out_b), 0);
    assert_int_equal(store_commit(store), 2);
    assert_int_equal(out_a.calls, 1);
    assert_int_equal(out_b.calls, 1);
    assert_summary(&out_a, 2, 2, 0, 0);
    assert_summary(&out_b, 1, 1, 0, 0);
    assert_int_equal(unit_file_size(f.journal), HEADER_LEN + line_length(&a[0], V1) +
                                                    line_length(&a[1], V1) +
                                                    id_line_length("ls_other", &b[0], V2) +
                                                    commit_length(3)); /* one for both */
    assert_int_equal(store_series(store, ID)->n, 2);
    assert_int_equal(store_series(store, "ls_other")->n, 1);
    assert_item(store_series(store, "ls_other"), 0, 2019, 9, 0, V2);
    store_close(store);
    fixture_free(&f);
}

/* In a child (the size limit must not reach the test process): the commit
 * fails, the collection hears stored=false, and nothing was applied. */
/* A panel: each member is its own series ("ID.DK"), journal key and RRD file;
 * after a restart a deleted member RRD is rebuilt from the journal. */
static void test_panel_members(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    struct pejl_observation obs[5] = {year_obs(2022, 70.3, 0), year_obs(2023, 74.0, 0),
                                      year_obs(2022, 101.5, 0), year_obs(2023, 98.0, 0),
                                      year_obs(2023, 3.0, 0)};
    obs[0].member = obs[1].member = "DK";
    obs[2].member = obs[3].member = "SE";
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 5, V1, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 5, 5, 0, 0);
    char key[SERIES_KEY_MAX + 1];
    snprintf(key, sizeof key, "%s.DK", ID);
    assert_int_equal(store_series(store, key)->n, 2);
    assert_item(store_series(store, key), 1, 2023, 74.0, 0, V1);
    snprintf(key, sizeof key, "%s.SE", ID);
    assert_item(store_series(store, key), 0, 2022, 101.5, 0, V1);
    assert_int_equal(store_series(store, ID)->n, 1); /* the own series: 2023 = 3 */
    char *rrd = unit_path(f.rrd_dir, ID ".SE.rrd");
    assert_int_equal(access(rrd, F_OK), 0);
    size_t len;
    char *text = unit_read_file(f.journal, &len);
    assert_non_null(strstr(text, ID ".DK 2023 74 - "));
    free(text);

    store_close(store);
    assert_int_equal(unlink(rrd), 0);
    store = open_store(&f); /* the start-up check rebuilds what is missing */
    assert_int_equal(access(rrd, F_OK), 0);
    assert_int_equal(store_series(store, key)->n, 2);
    free(rrd);
    store_close(store);
    fixture_free(&f);
}

/* Members in any order (time-major, as a JSON-stat panel may come): each
 * observation lands in its own member's series, found by hash. */
static void test_members_interleaved(void **state)
{
    (void)state;
    enum { MEMBERS = 300 };
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    static struct pejl_observation obs[2 * MEMBERS];
    static char names[MEMBERS][8];
    for (int i = 0; i < MEMBERS; i++)
        snprintf(names[i], sizeof names[i], "M%d", i);
    for (int y = 0; y < 2; y++)
        for (int i = 0; i < MEMBERS; i++) {
            obs[y * MEMBERS + i] = year_obs(2022 + y, 1000 * y + i, 0);
            obs[y * MEMBERS + i].member = names[i];
        }
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 2 * MEMBERS, V1, record_outcome, &out),
                     0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 2 * MEMBERS, 2 * MEMBERS, 0, 0);
    for (int i = 0; i < MEMBERS; i += 37) {
        char key[SERIES_KEY_MAX + 1];
        snprintf(key, sizeof key, "%s.%.7s", ID, names[i]);
        const struct series *s = store_series(store, key);
        assert_non_null(s);
        assert_int_equal(s->n, 2);
        assert_item(s, 0, 2022, i, 0, V1);
        assert_item(s, 1, 2023, 1000 + i, 0, V1);
    }
    store_close(store);
    fixture_free(&f);
}

static int failed_commit_child(const struct fixture *f, long long good_size)
{
    char err[1024];
    struct store *store = store_open(&f->settings, err, sizeof err);
    if (!store || store_use_settings(store, &f->settings) < 0)
        return 10;
    struct pejl_observation obs[400];
    for (int i = 0; i < 400; i++)
        obs[i] = year_obs(3000 + i, i * 1.25, 0);
    struct outcome out = {0};
    if (store_stage(store, &f->indicator, obs, 400, V2, record_outcome, &out) < 0)
        return 11;
    struct rlimit small;
    if (getrlimit(RLIMIT_FSIZE, &small) < 0)
        return 12;
    small.rlim_cur = (rlim_t)good_size + 1000;
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &small) < 0)
        return 13;
    if (store_commit(store) != 1 || out.calls != 1)
        return 14;
    if (out.stored || !strstr(out.error, "cannot write") || out.summary.added != 400)
        return 15;
    const struct series *s = store_series(store, ID);
    if (!s || s->n != 1 || s->items[0].obs.period.year != 2020)
        return 16;
    struct stat st;
    if (stat(f->journal, &st) < 0 || st.st_size != good_size)
        return 17;
    if (store_has_staged(store))
        return 18;
    store_close(store);
    return 0;
}

static void test_failed_commit(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    struct pejl_observation first = year_obs(2020, 7, 0);
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, &first, 1, V1, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_true(out.stored);
    store_close(store);
    long long good = unit_file_size(f.journal);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(failed_commit_child(&f, good));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);

    store = open_store(&f);
    const struct series *s = store_series(store, ID);
    assert_int_equal(s->n, 1);
    assert_item(s, 0, 2020, 7, 0, V1);
    assert_int_equal(unit_file_size(f.journal), good);
    store_close(store);
    fixture_free(&f);
}

/* A missing cell (NAN) is not a value: not journaled, not a revision, and
 * a later collection without it keeps the value seen before. */
static void test_missing_cells(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    struct pejl_observation obs[3] = {year_obs(2020, 1.5, 0),
                                      year_obs(2021, NAN, PEJL_STATUS_PROVISIONAL),
                                      year_obs(2022, NAN, PEJL_STATUS_CONFIDENTIAL)};
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 3, V1, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 3, 1, 0, 0);
    assert_int_equal(out.summary.missing, 2);
    long long size = HEADER_LEN + line_length(&obs[0], V1) + commit_length(1);
    assert_int_equal(unit_file_size(f.journal), size);
    assert_int_equal(store_series(store, ID)->n, 1);

    /* Now 2020 is missing and 2021 has a value: 2021 is new, 2020 stays. */
    obs[0].value = NAN;
    obs[1].value = 7;
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 2, V2, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 2, 1, 0, 0);
    assert_int_equal(out.summary.missing, 1);
    assert_true(out.summary.revision_pct == 0);
    const struct series *s = store_series(store, ID);
    assert_int_equal(s->n, 2);
    assert_item(s, 0, 2020, 1.5, 0, V1);
    assert_item(s, 1, 2021, 7, PEJL_STATUS_PROVISIONAL, V2);
    size_t len;
    char *text = unit_read_file(f.journal, &len);
    assert_null(strstr(text, " nan "));
    free(text);
    store_close(store);
    fixture_free(&f);
}

/* A journal an earlier pejld wrote with NaN records (tests/data/journal):
 * it loads; the NaN records are neither the latest value nor the base of a
 * revision, so the value that followed one is not a revision either. */
static void test_journal_with_nan_records(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    assert_int_equal(store_make_directories(f.state_dir, (char[64]){0}, 64), 0);
    size_t len;
    char *old = unit_read_file(PEJL_TEST_DATA "/journal/nan-records/journal", &len);
    unit_write_file(f.journal, old, len, O_CREAT | O_WRONLY | O_TRUNC);
    free(old);
    struct store *store = open_store(&f);
    const struct series *s = store_series(store, ID);
    assert_non_null(s);
    assert_int_equal(s->n, 2);               /* 2022 had only NaN */
    assert_item(s, 0, 2020, 1.5, 0, OLD_V1); /* its later NaN retracted nothing */
    assert_item(s, 1, 2021, 7, PEJL_STATUS_PROVISIONAL, OLD_V2);

    struct pejl_observation obs[3] = {
        year_obs(2020, 1.5, 0), year_obs(2021, 7, PEJL_STATUS_PROVISIONAL), year_obs(2022, 3, 0)};
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, obs, 3, V3, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 3, 1, 0, 2);
    assert_int_equal(out.summary.provisional_updated, 0);
    store_close(store);
    fixture_free(&f);
}

/* A figure provisional when first seen that changes is an update, not a
 * revision: counted apart, in the summary and in the series (also after a
 * replay, which knows each value's status from its journal record); once a
 * final figure has been seen, its change is a revision. */
static void test_provisional_updates(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    struct pejl_observation obs = year_obs(2025, 40, PEJL_STATUS_PROVISIONAL);
    struct outcome out = {0};
    assert_int_equal(store_stage(store, &f.indicator, &obs, 1, V1, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);

    obs.value = 55; /* still provisional */
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, &obs, 1, V2, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 1, 0, 0, 0);
    assert_int_equal(out.summary.provisional_updated, 1);
    assert_true(out.summary.revision_pct == 0);
    assert_float_equal(out.summary.provisional.pct, 37.5, 1e-9);
    assert_string_equal(out.summary.provisional.series, ID);
    assert_float_equal(out.summary.provisional.from, 40, 0);
    assert_float_equal(out.summary.provisional.to, 55, 0);

    obs.value = 60, obs.status = 0; /* final now: the provisional one was updated */
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, &obs, 1, V3, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 1, 0, 0, 0);
    assert_int_equal(out.summary.provisional_updated, 1);
    assert_int_equal(store_series(store, ID)->provisional_updates, 2);
    store_close(store);

    store = open_store(&f); /* replayed: the same count, and 60 was final when first seen */
    assert_int_equal(store_series(store, ID)->provisional_updates, 2);
    obs.value = 66;
    out = (struct outcome){0};
    assert_int_equal(store_stage(store, &f.indicator, &obs, 1, V3 + 1, record_outcome, &out), 0);
    assert_int_equal(store_commit(store), 1);
    assert_summary(&out, 1, 0, 1, 0);
    assert_int_equal(out.summary.provisional_updated, 0);
    assert_float_equal(out.summary.revision_pct, 10, 1e-9);
    assert_int_equal(store_series(store, ID)->provisional_updates, 2);
    store_close(store);
    fixture_free(&f);
}


/* ---- a large group commit ---- */

enum { LARGE_SERIES = 1000, LARGE_MONTHS = 240 };

static void large_observations(int series, struct pejl_observation *obs, double shift)
{
    for (int m = 0; m < LARGE_MONTHS; m++)
        obs[m] = (struct pejl_observation){
            .period = {.year = (int16_t)(2005 + m / 12), .kind = PEJL_PERIOD_MONTH,
                       .index = (uint8_t)(m % 12 + 1)},
            .value = series + m / 8.0 + shift};
}

struct told {
    size_t calls, added, revised;
};

static void count_told(void *arg, bool stored, const struct ingest_summary *summary,
                       const char *error)
{
    struct told *t = arg;
    (void)error;
    assert_true(stored);
    t->calls++;
    t->added += summary->added;
    t->revised += summary->revised;
}

static void stage_large(struct store *store, struct told *told, double shift)
{
    struct pejl_observation obs[LARGE_MONTHS];
    char id[16];
    for (int i = 0; i < LARGE_SERIES; i++) {
        snprintf(id, sizeof id, "ind%d", i);
        struct indicator ind = {.id = id, .frequency = PEJL_PERIOD_MONTH};
        large_observations(i, obs, i % 10 == 0 ? shift : 0);
        assert_int_equal(store_stage(store, &ind, obs, LARGE_MONTHS, V1, count_told, told), 0);
    }
}

static void assert_large_series(const struct store *store, double shift)
{
    char id[16];
    for (int i = 0; i < LARGE_SERIES; i++) {
        snprintf(id, sizeof id, "ind%d", i);
        const struct series *s = store_series(store, id);
        assert_non_null(s);
        assert_int_equal(s->n, LARGE_MONTHS);
        for (int m = 0; m < LARGE_MONTHS; m += 7)
            assert_true(s->items[m].obs.value == i + m / 8.0 + (i % 10 == 0 ? shift : 0));
    }
}

/* Bytes malloc has handed out, large (mmapped) blocks included. */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* 240,000 staged changes are not held in memory beside the journal's
 * staging (they once were, 48 bytes each, doubling: ingest peaked at 27–90
 * MB against the bare librrd loop's 4 MB); the commit applies them, read
 * back from the journal, to the series as staged; a second commit revising
 * every tenth series too, and a reopened store holds the same. */
static void test_large_commit_not_kept_twice(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct store *store = open_store(&f);
    struct told told = {0};
    size_t before = heap_in_use();
    stage_large(store, &told, 0);
    size_t held = heap_in_use() - before;
    if (held > (size_t)LARGE_SERIES * LARGE_MONTHS * 16)
        fail_msg("staging %d changes holds %zu bytes", LARGE_SERIES * LARGE_MONTHS, held);
    assert_int_equal(store_commit(store), LARGE_SERIES);
    assert_int_equal(told.calls, LARGE_SERIES);
    assert_int_equal(told.added, LARGE_SERIES * LARGE_MONTHS);
    assert_large_series(store, 0);

    told = (struct told){0};
    stage_large(store, &told, 0.5);
    assert_int_equal(store_commit(store), LARGE_SERIES);
    assert_int_equal(told.revised, LARGE_SERIES / 10 * LARGE_MONTHS);
    assert_large_series(store, 0.5);
    told = (struct told){0};
    stage_large(store, &told, 0.5); /* nothing changed: an empty commit */
    assert_int_equal(store_commit(store), LARGE_SERIES);
    assert_int_equal(told.added + told.revised, 0);
    assert_large_series(store, 0.5);
    store_close(store);

    store = open_store(&f);
    assert_large_series(store, 0.5);
    store_close(store);
    fixture_free(&f);
}

/* What a failed test left behind. */
static int remove_temp_dirs(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("store");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panel_members),
        cmocka_unit_test(test_members_interleaved),
        cmocka_unit_test(test_stage_commit_revise_reopen),
        cmocka_unit_test(test_two_collections_one_commit),
        cmocka_unit_test(test_failed_commit),
        cmocka_unit_test(test_missing_cells),
        cmocka_unit_test(test_journal_with_nan_records),
        cmocka_unit_test(test_provisional_updates),
        cmocka_unit_test(test_large_commit_not_kept_twice),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_dirs);
}
