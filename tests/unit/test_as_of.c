/*
 * test_as_of.c — unit tests of daemon/store/as_of.c and store_read_as_of()
 * on a real state directory: a date means the end of its day, a time is
 * taken as written, a snapshot's name its saved moment; an unknown name is
 * an error naming the snapshots file and the names in it; names that are
 * malformed, look like a date or exist already are refused, and so is a
 * link planted as the snapshots file, a malformed line (with its number)
 * and an oversized file. A store read as of a moment before, between and
 * after two revisions holds the value of that moment; the history lists
 * every value of a period in the order recorded, sorted by period, of
 * every series, of one indicator with its members, or of one member.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "as_of.h"
#include "store.h"
#include "tests/unit/unit_files.h"

#define ID "ls_test"
#define V1 1700000000 /* 2023-11-14T22:13:20Z */
#define V2 1700086400
#define V3 1700172800

struct fixture {
    char *base, *state_dir, *rrd_dir, *graph_dir, *snapshots;
    struct store_settings settings;
    struct indicator indicator;
};

static void fixture_init(struct fixture *f)
{
    *f = (struct fixture){0};
    f->base = unit_temp_dir("as_of");
    f->state_dir = unit_path(f->base, "state");
    f->rrd_dir = unit_path(f->base, "rrd");
    f->graph_dir = unit_path(f->base, "graph");
    f->snapshots = unit_path(f->state_dir, AS_OF_FILE);
    f->settings = (struct store_settings){.state_dir = f->state_dir,
                                          .rrd_dir = f->rrd_dir,
                                          .graph_dir = f->graph_dir,
                                          .indicators = &f->indicator,
                                          .n_indicators = 1};
    f->indicator.id = ID;
    f->indicator.frequency = PEJL_PERIOD_YEAR;
    char err[512];
    if (store_make_directories(f->state_dir, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static void fixture_free(struct fixture *f)
{
    free(f->state_dir);
    free(f->rrd_dir);
    free(f->graph_dir);
    free(f->snapshots);
    unit_remove_tree(f->base);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(as_of_name_valid("board-2025-06"));
    assert_true(as_of_name_valid("Q2.meeting_1"));
    assert_true(as_of_name_valid("2025H1"));
    char longest[AS_OF_NAME_MAX + 2];
    memset(longest, 'a', sizeof longest);
    longest[AS_OF_NAME_MAX] = '\0';
    assert_true(as_of_name_valid(longest));
    longest[AS_OF_NAME_MAX] = 'a';
    longest[AS_OF_NAME_MAX + 1] = '\0';
    assert_false(as_of_name_valid(longest));
    assert_false(as_of_name_valid(""));
    assert_false(as_of_name_valid("2025-06-01"));
    assert_false(as_of_name_valid("2025-06-01-board"));
    assert_false(as_of_name_valid("a b"));
    assert_false(as_of_name_valid("../x"));
    assert_false(as_of_name_valid("møde"));
}

static void assert_resolves(const struct fixture *f, const char *spec, int64_t want)
{
    int64_t t = 0;
    char err[1024] = "";
    if (as_of_resolve(f->state_dir, spec, &t, err, sizeof err) < 0)
        fail_msg("%s: %s", spec, err);
    assert_int_equal(t, want);
}

static void assert_refused(const struct fixture *f, const char *spec, const char *says)
{
    int64_t t = 0;
    char err[1024] = "";
    assert_int_equal(as_of_resolve(f->state_dir, spec, &t, err, sizeof err), -1);
    if (!strstr(err, says))
        fail_msg("%s: \"%s\" does not say \"%s\"", spec, err, says);
}

static void test_resolve_times(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    /* 2025-06-01 is day 20240 since 1970 */
    assert_resolves(&f, "2025-06-01", 20240LL * 86400 + 86399);
    assert_resolves(&f, "2025-06-01T10:00:00Z", 20240LL * 86400 + 36000);
    assert_resolves(&f, "2025-06-01T12:00:00+02:00", 20240LL * 86400 + 36000);
    assert_refused(&f, "2025-13-01", "not a date");
    assert_refused(&f, "2025-06-01T25:00:00Z", "not a date");
    assert_refused(&f, "2025-06-01 10:00", "not a date");
    assert_refused(&f, "no such/name", "snapshot name");
    fixture_free(&f);
}

static void test_snapshots(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    char err[1024] = "";
    /* no file yet: the error says so and names the file */
    assert_refused(&f, "board", "no snapshot named \"board\"");
    assert_refused(&f, "board", f.snapshots);
    assert_refused(&f, "board", "none saved yet");

    assert_int_equal(as_of_snapshot_save(f.state_dir, "board", V1, err, sizeof err), 0);
    assert_int_equal(as_of_snapshot_save(f.state_dir, "board.2", V2, err, sizeof err), 0);
    assert_resolves(&f, "board", V1);
    assert_resolves(&f, "board.2", V2);
    size_t len;
    char *text = unit_read_file(f.snapshots, &len);
    assert_string_equal(text, "board 2023-11-14T22:13:20Z\nboard.2 2023-11-15T22:13:20Z\n");
    free(text);

    /* a duplicate, a malformed name, one like a date: refused, nothing written */
    assert_int_equal(as_of_snapshot_save(f.state_dir, "board", V3, err, sizeof err), -1);
    assert_non_null(strstr(err, "exists already"));
    assert_int_equal(as_of_snapshot_save(f.state_dir, "a/b", V3, err, sizeof err), -1);
    assert_int_equal(as_of_snapshot_save(f.state_dir, "2025-06-01", V3, err, sizeof err), -1);
    assert_non_null(strstr(err, "like a date"));
    assert_int_equal(unit_file_size(f.snapshots), (long long)len);

    /* an unknown name: the file and the names it has */
    assert_refused(&f, "boards", "no snapshot named \"boards\"");
    assert_refused(&f, "boards", "the snapshots are: board board.2");

    struct as_of_snapshot *all;
    size_t n;
    assert_int_equal(as_of_snapshot_list(f.state_dir, &all, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(all[1].name, "board.2");
    assert_int_equal(all[1].t, V2);
    free(all);
    fixture_free(&f);
}

static void test_bad_snapshot_files(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    char err[1024] = "";
    const char *lines = "# our meetings\n\nboard 2025-06-01T10:00:00Z\nbroken line here\n";
    unit_write_file(f.snapshots, lines, strlen(lines), O_TRUNC);
    assert_refused(&f, "board", ":4: not \"NAME TIME\"");
    assert_int_equal(as_of_snapshot_save(f.state_dir, "next", V1, err, sizeof err), -1);
    assert_non_null(strstr(err, ":4:"));

    /* larger than the bound: refused, not read on */
    char *big = malloc(AS_OF_FILE_MAX + 2);
    memset(big, '#', AS_OF_FILE_MAX + 1);
    unit_write_file(f.snapshots, big, AS_OF_FILE_MAX + 1, O_TRUNC);
    free(big);
    assert_refused(&f, "board", "larger than");

    /* a link planted as the file is not followed, for reading or writing */
    char *target = unit_path(f.base, "elsewhere");
    unit_write_file(target, "x 2025-06-01\n", 13, O_TRUNC);
    unlink(f.snapshots);
    assert_int_equal(symlink(target, f.snapshots), 0);
    assert_refused(&f, "x", "link");
    assert_int_equal(as_of_snapshot_save(f.state_dir, "y", V1, err, sizeof err), -1);
    assert_non_null(strstr(err, "link"));
    assert_int_equal(unit_file_size(target), 13);
    free(target);
    fixture_free(&f);
}

static struct pejl_observation year_obs(int year, double value)
{
    struct pejl_period p = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return (struct pejl_observation){.period = p, .value = value};
}

/* Three collections: 2022 and 2023 at V1; 2023 revised at V2 (and 2024
 * new); 2023 revised again at V3. */
static void write_vintages(const struct fixture *f)
{
    char err[512] = "";
    struct store *store = store_open(&f->settings, err, sizeof err);
    if (!store)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_use_settings(store, &f->settings), 0);
    struct pejl_observation first[] = {year_obs(2022, 10), year_obs(2023, 100)};
    struct pejl_observation second[] = {year_obs(2023, 110), year_obs(2024, 50)};
    struct pejl_observation third[] = {year_obs(2023, 121), year_obs(2023, 7)};
    third[1].member = "DK"; /* a member's series: ls_test.DK */
    assert_int_equal(store_stage(store, &f->indicator, first, 2, V1, NULL, NULL), 0);
    assert_int_equal(store_commit(store), 1);
    assert_int_equal(store_stage(store, &f->indicator, second, 2, V2, NULL, NULL), 0);
    assert_int_equal(store_commit(store), 1);
    assert_int_equal(store_stage(store, &f->indicator, third, 2, V3, NULL, NULL), 0);
    assert_int_equal(store_commit(store), 1);
    store_close(store);
}

/* The series as known at `as_of`: "2022=10 2023=100" */
static void assert_as_of(const struct fixture *f, int64_t as_of, const char *want)
{
    char err[512] = "", got[256] = "";
    struct store *store = store_read_as_of(&f->settings, as_of, err, sizeof err);
    if (!store)
        fail_msg("store_read_as_of: %s", err);
    const struct series *s = store_series(store, ID);
    for (size_t i = 0, used = 0; s && i < s->n; i++)
        used += (size_t)snprintf(got + used, sizeof got - used, "%s%d=%g", i ? " " : "",
                                 s->items[i].obs.period.year, s->items[i].obs.value);
    store_close(store);
    assert_string_equal(got, want);
}

static void test_store_as_of(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    write_vintages(&f);
    assert_as_of(&f, V1 - 1, "");
    assert_as_of(&f, V1, "2022=10 2023=100");
    assert_as_of(&f, V2 - 1, "2022=10 2023=100");
    assert_as_of(&f, V2 + 1, "2022=10 2023=110 2024=50");
    assert_as_of(&f, V3, "2022=10 2023=121 2024=50");
    assert_as_of(&f, 0, "2022=10 2023=121 2024=50");
    fixture_free(&f);
}

static void test_history(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    write_vintages(&f);
    char err[512] = "";
    struct as_of_history *h = as_of_history_read(f.state_dir, NULL, err, sizeof err);
    if (!h)
        fail_msg("as_of_history_read: %s", err);
    size_t n;
    const struct as_of_vintage *v = as_of_history_series(h, ID, &n);
    assert_int_equal(n, 5);
    const int years[] = {2022, 2023, 2023, 2023, 2024};
    const double values[] = {10, 100, 110, 121, 50};
    const int64_t vintages[] = {V1, V1, V2, V3, V2};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].period.year, years[i]);
        assert_true(v[i].value == values[i]);
        assert_int_equal(v[i].vintage, vintages[i]);
    }
    assert_null(as_of_history_series(h, "ls_other", &n));
    assert_int_equal(n, 0);
    as_of_history_free(h);

    h = as_of_history_read(f.state_dir, "ls_other", err, sizeof err);
    assert_non_null(h);
    assert_null(as_of_history_series(h, ID, &n));
    as_of_history_free(h);
    h = as_of_history_read(f.state_dir, "ls_tes", err, sizeof err); /* not a prefix match */
    assert_non_null(h);
    assert_null(as_of_history_series(h, ID, &n));
    as_of_history_free(h);
    h = as_of_history_read(f.state_dir, ID, err, sizeof err); /* and its members */
    assert_non_null(as_of_history_series(h, ID, &n));
    assert_int_equal(n, 5);
    v = as_of_history_series(h, ID ".DK", &n);
    assert_int_equal(n, 1);
    assert_true(v[0].value == 7 && v[0].vintage == V3);
    as_of_history_free(h);
    h = as_of_history_read(f.state_dir, ID ".DK", err, sizeof err); /* the member alone */
    assert_null(as_of_history_series(h, ID, &n));
    assert_non_null(as_of_history_series(h, ID ".DK", &n));
    as_of_history_free(h);
    fixture_free(&f);
}

static int remove_temp_dirs(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("as_of");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),       cmocka_unit_test(test_resolve_times),
        cmocka_unit_test(test_snapshots),   cmocka_unit_test(test_bad_snapshot_files),
        cmocka_unit_test(test_store_as_of), cmocka_unit_test(test_history),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_dirs);
}
