/*
 * test_graph_key.c — the key that tells whether a graph on disk is still
 * what it would be drawn as (graph_key.c): unchanged inputs give the same
 * key; a changed value, vintage, member, target (a curve of the plan), an
 * evaluation on another day or a relative state dir spelt absolute next
 * time behave as they must; the key file beside the PNG is current only for
 * that key and that PNG (missing, corrupt, or PNG replaced: not current).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "graph_key.h"
#include "series.h"
#include "unit_files.h"

#define NOON INT64_C(1767268800) /* 2026-01-01 12:00 UTC */
#define DAY INT64_C(86400)

struct fixture {
    struct series_set *set;
    struct graph_spec spec;
    int64_t ends[3];
};

static void put(struct series_set *set, const char *key, int month, double value, int64_t vintage)
{
    struct series *s = series_get_or_add(set, key);
    assert_non_null(s);
    struct pejl_observation o = {
        .period = {.year = 2025, .kind = PEJL_PERIOD_MONTH, .index = (uint8_t)month},
        .value = value};
    assert_true(series_put(s, &o, vintage) >= 0);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->set = series_set_new();
    assert_non_null(f->set);
    for (int m = 1; m <= 3; m++)
        put(f->set, "exports", m, 100 + m, NOON - 10 * DAY);
    put(f->set, "panel.DK", 1, 5, NOON - 10 * DAY);
    put(f->set, "panel.SE", 1, 7, NOON - 10 * DAY);
    f->ends[0] = 1738368000, f->ends[1] = 1740787200, f->ends[2] = 1743465600;
    f->spec = (struct graph_spec){
        .lines = {{"state/rrd/exports.rrd", "Observeret"}},
        .n_lines = 1,
        .curves = {{.t0 = 1735689600,
                    .t1 = 1893456000,
                    .v0 = 100,
                    .v1 = 350,
                    .log = true,
                    .label = "Mål",
                    .color = "1F77B4"}},
        .n_curves = 1,
        .period_ends = f->ends,
        .n_period_ends = 3,
        .title = "Eksport",
        .unit = "mia. kr.",
        .status = "på sporet",
        .start = 1735689600,
        .end = 1893456000,
        .lower = 0,
        .upper = __builtin_nan(""),
    };
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    series_set_free(f->set);
    free(f);
    return 0;
}

static uint64_t key(struct fixture *f, const char *id, int64_t now)
{
    return graph_key_of(&f->spec, f->set, id, now);
}

static void same_inputs_same_key(void **state)
{
    struct fixture *f = *state;
    uint64_t k = key(f, "exports", NOON);
    assert_true(k == key(f, "exports", NOON));
    assert_true(k == key(f, "exports", NOON - 12 * 3600));             /* the same day, 00:00 */
    f->spec.lines[0].rrd_path = "/var/lib/pejl/state/rrd/exports.rrd"; /* spelt absolute */
    f->spec.upper = -__builtin_nan("");                                /* another NaN */
    assert_true(k == key(f, "exports", NOON));
    f->spec.end += 3600; /* evaluated at the clock an hour later: the span ends later */
    assert_true(k == key(f, "exports", NOON + 3600));
    f->spec.end += DAY;
    assert_true(k != key(f, "exports", NOON + 3600));
}

static void changed_inputs_new_key(void **state)
{
    struct fixture *f = *state;
    uint64_t k = key(f, "exports", NOON);
    assert_true(k != key(f, "exports", NOON + DAY)); /* the next day */
    put(f->set, "exports", 3, 103.5, NOON);          /* a revision */
    uint64_t revised = key(f, "exports", NOON);
    assert_true(revised != k);
    put(f->set, "exports", 4, 104, NOON); /* a new month */
    assert_true(key(f, "exports", NOON) != revised);
}

static void changed_target_new_key(void **state)
{
    struct fixture *f = *state;
    uint64_t k = key(f, "exports", NOON);
    f->spec.curves[0].v1 = 400; /* the target's value */
    assert_true(key(f, "exports", NOON) != k);
    f->spec.curves[0].v1 = 350;
    assert_true(key(f, "exports", NOON) == k);
    f->spec.status = "i risiko";
    assert_true(key(f, "exports", NOON) != k);
    uint64_t with_status = key(f, "exports", NOON);
    f->spec.time_note = "Årstallene står ved årets udgang"; /* a line drawn under the graph */
    assert_true(key(f, "exports", NOON) != with_status);
}

static void members_in_key(void **state)
{
    struct fixture *f = *state;
    uint64_t k = key(f, "panel", NOON);
    put(f->set, "panel.SE", 1, 8, NOON);
    assert_true(key(f, "panel", NOON) != k);
    assert_true(key(f, "panel", NOON) != key(f, "exports", NOON));
}

static void key_file_beside_png(void **state)
{
    struct fixture *f = *state;
    char *dir = unit_temp_dir("graph_key"), *png = unit_path(dir, "exports.png");
    char *file = unit_path(dir, ".exports.png.key"), path[512], err[256];
    uint64_t k = key(f, "exports", NOON);
    assert_int_equal(graph_key_path(png, path, sizeof path), 0);
    assert_string_equal(path, file);
    assert_false(graph_key_current(png, k)); /* no PNG, no key */
    unit_write_file(png, "\x89PNG one", 8, O_TRUNC);
    assert_false(graph_key_current(png, k)); /* a PNG, no key */
    assert_int_equal(graph_key_save(png, k, err, sizeof err), 0);
    assert_true(graph_key_current(png, k));
    assert_false(graph_key_current(png, k + 1));               /* another key */
    unit_write_file(file, "pejl-graph-key 1 zz", 19, O_TRUNC); /* corrupt */
    assert_false(graph_key_current(png, k));
    assert_int_equal(graph_key_save(png, k, err, sizeof err), 0);
    unit_write_file(png, "\x89PNG other one", 14, O_TRUNC); /* replaced by hand */
    assert_false(graph_key_current(png, k));
    unlink(png);
    assert_false(graph_key_current(png, k));
    assert_int_equal(graph_key_save(png, k, err, sizeof err), -1); /* nothing to describe */
    assert_non_null(strstr(err, "exports.png"));
    free(png);
    free(file);
    unit_remove_tree(dir);
}

/* A link planted at the key's temporary name is not written through: the
 * file it points at (a user's) keeps its content. */
static void key_not_written_through_a_link(void **state)
{
    struct fixture *f = *state;
    char *dir = unit_temp_dir("graph_key"), *png = unit_path(dir, "exports.png");
    char *tmp = unit_path(dir, ".exports.png.key.tmp"), *victim = unit_path(dir, "user.txt");
    char err[256], buf[32] = "";
    unit_write_file(png, "\x89PNG one", 8, O_TRUNC);
    unit_write_file(victim, "mine", 4, O_TRUNC);
    assert_int_equal(symlink(victim, tmp), 0);
    assert_int_equal(graph_key_save(png, key(f, "exports", NOON), err, sizeof err), -1);
    FILE *v = fopen(victim, "r");
    assert_non_null(v);
    assert_non_null(fgets(buf, sizeof buf, v));
    fclose(v);
    assert_string_equal(buf, "mine");
    free(png);
    free(tmp);
    free(victim);
    unit_remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(same_inputs_same_key, setup, teardown),
        cmocka_unit_test_setup_teardown(changed_inputs_new_key, setup, teardown),
        cmocka_unit_test_setup_teardown(changed_target_new_key, setup, teardown),
        cmocka_unit_test_setup_teardown(members_in_key, setup, teardown),
        cmocka_unit_test_setup_teardown(key_file_beside_png, setup, teardown),
        cmocka_unit_test_setup_teardown(key_not_written_through_a_link, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
