/*
 * test_graph_earlier.c — the series as known earlier (--compare-to), as
 * graph.c hands it to rrd_graph: exported with a real librrd (rrd_xport)
 * day by day, it is each earlier value at its period's end, a straight line
 * between two periods, unknown across a missing period and before the
 * first; and a graph with it draws (the legend's empty line included).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <rrd.h>

#include "graph.h"
#include "period.h"
#include "rrdview.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/pejl-earlier.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(tmpdir));
    setenv("TZ", "UTC", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd);
}

static int64_t year_end(int year)
{
    struct pejl_period p = {.year = (int16_t)year, .kind = PEJL_PERIOD_YEAR};
    return period_end(&p);
}

/* Today's series 2019-2023 in an RRD file; the path (caller frees). */
static char *today_rrd(void)
{
    struct stored_observation items[5];
    char err[256];
    for (int i = 0; i < 5; i++)
        items[i] = (struct stored_observation){
            .obs = {.period = {.year = (int16_t)(2019 + i), .kind = PEJL_PERIOD_YEAR},
                    .value = 100 + 10 * i}};
    struct rrdview *v = rrdview_new(tmpdir, NULL);
    assert_int_equal(rrdview_rebuild(v, "exports", PEJL_PERIOD_YEAR, items, 5, err, sizeof err), 0);
    char *path = rrdview_path(v, "exports");
    rrdview_free(v);
    return path;
}

/* Earlier: 2019 100, 2020 110, 2021 125, 2022 missing, 2023 150. */
static const int64_t *earlier_times(void)
{
    static int64_t t[5];
    t[0] = year_end(2019), t[1] = year_end(2020), t[2] = year_end(2021);
    t[3] = year_end(2021) + 1; /* the missing 2022 starts: a break */
    t[4] = year_end(2023);
    return t;
}
static const double earlier_values[] = {100, 110, 125, NAN, 150};

static struct graph_spec spec_with_earlier(const char *rrd)
{
    struct graph_spec s = {.n_lines = 1,
                           .title = "Eksport",
                           .unit = "mia. kr.",
                           .start = year_end(2018),
                           .end = year_end(2024),
                           .lower = NAN,
                           .upper = NAN,
                           .earlier_times = earlier_times(),
                           .earlier_values = earlier_values,
                           .n_earlier = 5,
                           .earlier_label = "Kendt pr. 2025-04-01"};
    s.lines[0] = (struct graph_line){.rrd_path = rrd, .label = "Observeret"};
    return s;
}

/* librrd's drawing and export keep caches (fontconfig, its parser) they
 * never free: they run in a child that ends with _exit, as in pejld. */
#define DAYS (366 * 6 + 2)

/* The earlier series "e0" exported day by day over 2019-2024 into
 * values[0..*n), by a child. */
static void export_earlier(const struct graph_spec *spec, double *values, size_t *n)
{
    int fds[2], status = -1;
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char start[32], end[32];
        char **defs = graph_data_defs(spec);
        const char *argv[40] = {"xport",  "--start", start,       "--end", end,
                                "--step", "86400",   "--maxrows", "5000"};
        int argc = 9, columns;
        time_t from, to;
        unsigned long step, n_columns;
        char **legends;
        rrd_value_t *data;
        snprintf(start, sizeof start, "%lld", (long long)year_end(2018));
        snprintf(end, sizeof end, "%lld", (long long)year_end(2024));
        for (size_t i = 0; defs && defs[i] && argc < 38; i++)
            argv[argc++] = defs[i];
        argv[argc++] = "XPORT:e0:earlier";
        if (!defs ||
            rrd_xport(argc, (char **)argv, &columns, &from, &to, &step, &n_columns, &legends,
                      &data) != 0 ||
            step != 86400) {
            fprintf(stderr, "rrd_xport: %s\n", rrd_get_error());
            _exit(1);
        }
        size_t rows = (size_t)(to - from) / step;
        for (size_t row = 0; row < rows && row < DAYS; row++) {
            double v[2] = {(double)(from + (time_t)((row + 1) * step)), data[row]};
            if (write(fds[1], v, sizeof v) != (ssize_t)sizeof v)
                _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    double v[2];
    *n = 0;
    while (*n < DAYS && read(fds[0], v, sizeof v) == (ssize_t)sizeof v) {
        values[2 * *n] = v[0], values[2 * *n + 1] = v[1];
        (*n)++;
    }
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_earlier_drawn_at_its_period_ends(void **state)
{
    (void)state;
    char *rrd = today_rrd();
    struct graph_spec spec = spec_with_earlier(rrd);
    static double rows[2 * DAYS];
    size_t n, known = 0;
    export_earlier(&spec, rows, &n);
    assert_true(n > 365 * 5);
    for (size_t row = 0; row < n; row++) {
        int64_t at = (int64_t)rows[2 * row];
        double drawn = rows[2 * row + 1];
        if (at == year_end(2020))
            assert_float_equal(drawn, 110, 1e-9);
        else if (at == year_end(2021))
            assert_float_equal(drawn, 125, 1e-9);
        else if (at == year_end(2020) + 183 * 86400) /* half of 2021 (365 days) gone */
            assert_float_equal(drawn, 110 + 15.0 * 183 / 365, 1e-9);
        if (at <= year_end(2019) || at > year_end(2021)) {
            if (!isnan(drawn))
                fail_msg("at %lld the earlier series is drawn (%.3f) where it has no line",
                         (long long)at, drawn);
        } else {
            assert_false(isnan(drawn));
            known++;
        }
    }
    assert_int_equal(known, 366 + 365); /* every day of 2020 and 2021 */
    free(rrd);
}

static void test_graph_with_earlier_draws(void **state)
{
    (void)state;
    char *rrd = today_rrd(), png[400];
    struct graph_spec spec = spec_with_earlier(rrd);
    struct stat st;
    int status = -1;
    snprintf(png, sizeof png, "%s/exports.png", tmpdir);
    spec.image_path = png;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char err[512];
        int rc = graph_draw(&spec, err, sizeof err);
        if (rc < 0)
            fprintf(stderr, "not drawn: %s\n", err);
        _exit(rc < 0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(stat(png, &st), 0);
    assert_true(st.st_size > 5000);
    spec.n_earlier = 0; /* none: no e0 */
    char **defs = graph_data_defs(&spec);
    for (size_t i = 0; defs && defs[i]; i++)
        assert_null(strstr(defs[i], "e0"));
    graph_data_defs_free(defs);
    free(rrd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_earlier_drawn_at_its_period_ends),
        cmocka_unit_test(test_graph_with_earlier_draws),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
