/*
 * test_report_revisions.c — the report's Revisioner section and vintages
 * file on known numbers: 2022 first seen as 120 (V1), revised to 125 (V2)
 * and to 128 (V3). Since nothing, the change runs from the first published
 * value; since a moment between the revisions, from the value of that
 * moment; since the last revision there is none; up to V2 the history
 * stops there. A period first published as 0 has no change in %, and is
 * listed first (as large as can be).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_revisions.h"
#include "store.h"
#include "tests/unit/unit_files.h"

#define ID "x"
#define V1 1740808800 /* 2025-03-01T06:00:00Z */
#define V2 1748757600 /* 2025-06-01T06:00:00Z */
#define V3 1756706400 /* 2025-09-01T06:00:00Z */

struct fixture {
    char *base, *state_dir, *rrd_dir, *graph_dir;
    struct store_settings settings;
    struct indicator indicator;
};

static struct pejl_observation year_obs(int year, double value)
{
    struct pejl_period p = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return (struct pejl_observation){.period = p, .value = value};
}

static void stage(struct store *store, const struct indicator *ind, struct pejl_observation *obs,
                  size_t n, int64_t vintage)
{
    assert_int_equal(store_stage(store, ind, obs, n, vintage, NULL, NULL), 0);
    assert_int_equal(store_commit(store), 1);
}

static void fixture_init(struct fixture *f)
{
    char err[512] = "";
    *f = (struct fixture){0};
    f->base = unit_temp_dir("report_revisions");
    f->state_dir = unit_path(f->base, "state");
    f->rrd_dir = unit_path(f->base, "rrd");
    f->graph_dir = unit_path(f->base, "graph");
    f->indicator = (struct indicator){.id = ID, .title = "Eksport", .frequency = PEJL_PERIOD_YEAR};
    f->settings = (struct store_settings){.state_dir = f->state_dir,
                                          .rrd_dir = f->rrd_dir,
                                          .graph_dir = f->graph_dir,
                                          .indicators = &f->indicator,
                                          .n_indicators = 1};
    struct store *store = store_open(&f->settings, err, sizeof err);
    if (!store)
        fail_msg("store_open: %s", err);
    assert_int_equal(store_use_settings(store, &f->settings), 0);
    struct pejl_observation first[] = {year_obs(2021, 0), year_obs(2022, 120)};
    struct pejl_observation second[] = {year_obs(2022, 125)};
    struct pejl_observation third[] = {year_obs(2021, 3), year_obs(2022, 128)};
    stage(store, &f->indicator, first, 2, V1);
    stage(store, &f->indicator, second, 1, V2);
    stage(store, &f->indicator, third, 2, V3);
    store_close(store);
}

static void fixture_free(struct fixture *f)
{
    free(f->state_dir);
    free(f->rrd_dir);
    free(f->graph_dir);
    unit_remove_tree(f->base);
}

/* The section's HTML for revisions since `since`, up to `until`. */
static char *section(const struct fixture *f, int64_t since, int64_t until)
{
    char err[512] = "", *html = NULL;
    size_t len = 0;
    struct report_revisions *rv =
        report_revisions_read(f->state_dir, since, until, err, sizeof err);
    if (!rv)
        fail_msg("report_revisions_read: %s", err);
    FILE *out = open_memstream(&html, &len);
    assert_non_null(out);
    report_revisions_html(out, rv, &f->indicator, 1, LANGUAGE_DA);
    fclose(out);
    report_revisions_free(rv);
    return html;
}

static void assert_has(const char *html, const char *want)
{
    if (!strstr(html, want))
        fail_msg("\"%s\" is not in:\n%s", want, html);
}

static void test_since(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    char *html = section(&f, 0, 0);
    assert_has(html, "De største revisioner i alle tal pejl har set");
    assert_has(html, "<td>2022</td><td>120,0 (2025-03-01)</td><td>128,0 (2025-09-01)</td>"
                     "<td>+6,7 %</td>");
    /* from 0: no % to give, and first */
    char *zero = strstr(html, "<td>2021</td><td>0,0 (2025-03-01)</td><td>3,0 (2025-09-01)</td>"
                              "<td>– %</td>");
    assert_non_null(zero);
    assert_true(zero < strstr(html, "<td>2022</td>"));
    free(html);

    html = section(&f, V1 + 1, 0); /* between V1 and V2: from 120, the value then */
    assert_has(html, "De største revisioner siden 2025-03-01");
    assert_has(html, "<td>2022</td><td>120,0 (2025-03-01)</td><td>128,0 (2025-09-01)</td>");
    free(html);

    html = section(&f, V2, 0); /* V2 itself is before: from 125 */
    assert_has(html, "<td>2022</td><td>125,0 (2025-06-01)</td><td>128,0 (2025-09-01)</td>"
                     "<td>+2,4 %</td>");
    free(html);

    html = section(&f, V3, 0);
    assert_has(html, "<p>Ingen tal er revideret.</p>");
    free(html);

    html = section(&f, 0, V2); /* as of V2 */
    assert_has(html, "<td>2022</td><td>120,0 (2025-03-01)</td><td>125,0 (2025-06-01)</td>"
                     "<td>+4,2 %</td>");
    assert_null(strstr(html, "<td>2021</td>"));
    free(html);
    fixture_free(&f);
}

static void test_vintages_csv(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    char err[512] = "";
    char *data = unit_path(f.base, "data");
    assert_int_equal(mkdir(data, 0755), 0);
    struct report_revisions *rv = report_revisions_read(f.state_dir, 0, V2, err, sizeof err);
    assert_non_null(rv);
    assert_int_equal(report_revisions_write_csv(rv, f.base, &f.indicator, err, sizeof err), 0);
    report_revisions_free(rv);
    char *path = unit_path(data, ID "-vintages.csv");
    size_t len;
    char *csv = unit_read_file(path, &len);
    assert_string_equal(csv, "member,period,vintage,value,status,change_pct\n"
                             ",2021,2025-03-01T06:00:00Z,0,,\n"
                             ",2022,2025-03-01T06:00:00Z,120,,\n"
                             ",2022,2025-06-01T06:00:00Z,125,,4.166666666666674\n");
    free(csv);
    free(path);
    free(data);
    fixture_free(&f);
}

static int remove_temp_dirs(void **state)
{
    (void)state;
    return unit_remove_temp_dirs("report_revisions");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_since),
        cmocka_unit_test(test_vintages_csv),
    };
    return cmocka_run_group_tests(tests, NULL, remove_temp_dirs);
}
