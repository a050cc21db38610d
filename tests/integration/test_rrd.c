/*
 * test_rrd.c — the RRD view against real librrd files, and (with
 * --rrdcached) the same cases through a real rrdcached that this test starts
 * on a unix socket in a temp dir and stops at the end.
 *
 * Round trip: what rrd_fetch returns at each period end is exactly the
 * stored value. Revisions, late periods, deleted, truncated and disagreeing
 * files all end in a file that matches the series again.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "period.h"
#include "series.h"
#include "rrdview.h"

static char tmpdir[256];
static char daemon_addr[300];
static pid_t rrdcached_pid;

static const char *daemon_or_null(void)
{
    return daemon_addr[0] ? daemon_addr : NULL;
}

/* A monthly series of `n` months from 2005-01; every 7th value missing. */
static struct stored_observation *monthly(size_t n)
{
    struct stored_observation *items = calloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i].obs.period = (struct pejl_period){
            .year = (int16_t)(2005 + i / 12), .kind = PEJL_PERIOD_MONTH, .index = (uint8_t)(i % 12 + 1)};
        items[i].obs.value = i % 7 == 3 ? NAN : 100.0 + (double)i * 1.25 + 1.0 / 3.0;
        items[i].vintage = 1700000000;
    }
    return items;
}

static void assert_matches(struct rrdview *v, const char *id, const struct stored_observation *items,
                           size_t n)
{
    char err[512];
    struct rrd_sample *samples;
    size_t count;
    int64_t start = period_start(&items[0].obs.period) - 86400;
    int64_t end = period_end(&items[n - 1].obs.period);
    if (daemon_or_null())
        rrdview_flush(v, id);
    assert_int_equal(rrdview_fetch(v, id, start, end, &samples, &count, err, sizeof err), 0);
    size_t k = 0;
    for (size_t i = 0; i < count && k < n; i++) {
        if (samples[i].t != period_end(&items[k].obs.period))
            continue;
        /* Equal up to librrd's rate arithmetic (see rrdview_value_equal). */
        if (!rrdview_value_equal(samples[i].value, items[k].obs.value))
            fail_msg("at %lld: rrd has %.17g, the series %.17g", (long long)samples[i].t,
                     samples[i].value, items[k].obs.value);
        k++;
    }
    assert_int_equal(k, n); /* every period end was found */
    free(samples);
}

static struct rrdview *view(void)
{
    struct rrdview *v = rrdview_new(tmpdir, daemon_or_null());
    assert_non_null(v);
    return v;
}

static ino_t inode_of(const char *id)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s.rrd", tmpdir, id);
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static void test_round_trip_every_kind(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    const struct {
        const char *id, *first;
        enum pejl_period_kind kind;
    } cases[] = {{"annual", "1990", PEJL_PERIOD_YEAR},   {"quarterly", "2001-Q3", PEJL_PERIOD_QUARTER},
                 {"weekly", "2020-W50", PEJL_PERIOD_WEEK}, {"daily", "2024-02-27", PEJL_PERIOD_DAY}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct stored_observation items[6];
        struct pejl_period p;
        assert_int_equal(period_parse(cases[c].first, strlen(cases[c].first), &p), 0);
        for (size_t i = 0; i < 6; i++) {
            items[i] = (struct stored_observation){.obs = {.period = p, .value = 174.0 + (double)i * 0.1}};
            /* next period: start from the day after this one ends */
            int64_t next_day = period_end(&p) / 86400;
            struct pejl_period q = p;
            if (cases[c].kind == PEJL_PERIOD_YEAR) {
                q.year++;
            } else if (cases[c].kind == PEJL_PERIOD_QUARTER) {
                q.index = (uint8_t)(q.index % 4 + 1);
                q.year = (int16_t)(q.year + (q.index == 1));
            } else if (cases[c].kind == PEJL_PERIOD_WEEK) {
                q.index = (uint8_t)(q.index + 1);
                if (!period_valid(&q)) {
                    q.index = 1;
                    q.year++;
                }
            } else {
                time_t t = (time_t)(next_day * 86400);
                struct tm tm;
                gmtime_r(&t, &tm);
                q = (struct pejl_period){.year = (int16_t)(tm.tm_year + 1900), .kind = PEJL_PERIOD_DAY,
                                         .index = (uint8_t)(tm.tm_mon + 1), .day = (uint8_t)tm.tm_mday};
            }
            p = q;
        }
        assert_int_equal(rrdview_rebuild(v, cases[c].id, cases[c].kind, items, 6, err, sizeof err), 0);
        assert_matches(v, cases[c].id, items, 6);
        if (rrdview_check(v, cases[c].id, cases[c].kind, items, 6, err, sizeof err) != 0)
            fail_msg("%s", err);
    }
    rrdview_free(v);
}

static void test_monthly_round_trip_and_append(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    struct stored_observation *items = monthly(240);
    assert_int_equal(rrdview_write(v, "exports", PEJL_PERIOD_MONTH, items, 100, 0, err, sizeof err), 0);
    assert_matches(v, "exports", items, 100);
    ino_t before = inode_of("exports");
    /* 140 new months after the last one: an append, the file stays the same file. */
    assert_int_equal(rrdview_write(v, "exports", PEJL_PERIOD_MONTH, items, 240, 100, err, sizeof err), 0);
    assert_matches(v, "exports", items, 240);
    if (!daemon_or_null())
        assert_int_equal(inode_of("exports"), before);
    free(items);
    rrdview_free(v);
}

static void test_revision_rebuilds(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    struct stored_observation *items = monthly(120);
    assert_int_equal(rrdview_rebuild(v, "revised", PEJL_PERIOD_MONTH, items, 120, err, sizeof err), 0);
    ino_t before = inode_of("revised");
    items[50].obs.value = 176.2; /* a published value revised */
    items[119].obs.value = 42.0;
    assert_int_equal(rrdview_rebuild(v, "revised", PEJL_PERIOD_MONTH, items, 120, err, sizeof err), 0);
    assert_matches(v, "revised", items, 120);
    if (!daemon_or_null())
        assert_int_not_equal(inode_of("revised"), before); /* a new file renamed into place */
    free(items);
    rrdview_free(v);
}

static void test_late_period_rebuilds(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    struct stored_observation *all = monthly(36);
    /* The file first sees months 0..35 without month 10; then month 10 arrives. */
    struct stored_observation gap[35];
    memcpy(gap, all, 10 * sizeof *all);
    memcpy(gap + 10, all + 11, 25 * sizeof *all);
    assert_int_equal(rrdview_rebuild(v, "late", PEJL_PERIOD_MONTH, gap, 35, err, sizeof err), 0);
    assert_int_equal(rrdview_write(v, "late", PEJL_PERIOD_MONTH, all, 36, 10, err, sizeof err), 0);
    assert_matches(v, "late", all, 36);
    free(all);
    rrdview_free(v);
}

static void test_damaged_files_are_detected_and_rebuilt(void **state)
{
    (void)state;
    char err[512], path[512];
    struct rrdview *v = view();
    struct stored_observation *items = monthly(60);
    snprintf(path, sizeof path, "%s/damaged.rrd", tmpdir);
    assert_int_equal(rrdview_rebuild(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), 0);
    assert_int_equal(rrdview_check(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), 0);

    /* The journal knows a newer value than the file: disagreement. */
    items[59].obs.value = 999.0;
    assert_int_equal(rrdview_check(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), -1);
    assert_non_null(strstr(err, "999"));
    assert_int_equal(rrdview_rebuild(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), 0);
    assert_int_equal(rrdview_check(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), 0);

    if (!daemon_or_null()) { /* rrdcached keeps files open: damage them locally only */
        assert_int_equal(truncate(path, 5000), 0);
        assert_int_equal(rrdview_check(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), -1);
        assert_non_null(strstr(err, "too small"));
        assert_int_equal(rrdview_rebuild(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), 0);
        assert_matches(v, "damaged", items, 60);
    }
    assert_int_equal(unlink(path), 0);
    if (daemon_or_null())
        rrdview_flush(v, "damaged");
    assert_int_equal(rrdview_check(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), -1);
    assert_int_equal(rrdview_rebuild(v, "damaged", PEJL_PERIOD_MONTH, items, 60, err, sizeof err), 0);
    assert_matches(v, "damaged", items, 60);
    free(items);
    rrdview_free(v);
}

static void test_other_frequencies_are_left_out(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    /* A journal may hold annual records from before the indicator became monthly. */
    struct stored_observation items[3] = {
        {.obs = {.period = {.year = 2020, .kind = PEJL_PERIOD_YEAR}, .value = 1.0}},
        {.obs = {.period = {.year = 2021, .kind = PEJL_PERIOD_MONTH, .index = 1}, .value = 2.0}},
        {.obs = {.period = {.year = 2021, .kind = PEJL_PERIOD_MONTH, .index = 2}, .value = 3.0}}};
    assert_int_equal(rrdview_rebuild(v, "mixed", PEJL_PERIOD_MONTH, items, 3, err, sizeof err), 0);
    assert_matches(v, "mixed", items + 1, 2);
    rrdview_free(v);
}

/* A kill -9 between the journal's commit of a revision and the rename of the
 * rebuilt file leaves the file right in its last period and wrong in an older
 * one: the start-up check must see that. */
static void test_check_compares_every_period(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    struct stored_observation *items = monthly(120);
    assert_int_equal(rrdview_rebuild(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err),
                     0);
    if (rrdview_check(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err) != 0)
        fail_msg("a fresh file (values 1/3 apart, some unknown) does not pass: %s", err);

    items[30].obs.value = 555.5; /* 2007-07 revised in the journal only */
    assert_int_equal(rrdview_check(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err), -1);
    assert_non_null(strstr(err, "2007-07"));
    assert_non_null(strstr(err, "555.5"));
    assert_int_equal(rrdview_rebuild(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err),
                     0);
    assert_int_equal(rrdview_check(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err), 0);
    assert_matches(v, "older", items, 120);

    items[3].obs.value = 7.0; /* an unknown value became known */
    assert_int_equal(rrdview_check(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err), -1);
    items[3].obs.value = NAN;
    items[0].obs.value = NAN; /* a known one became unknown, in the very first period */
    assert_int_equal(rrdview_check(v, "older", PEJL_PERIOD_MONTH, items, 120, err, sizeof err), -1);
    free(items);
    rrdview_free(v);
}

/* A missing period between two others is unknown in the file, and the
 * periods after it still hold their values: the check passes. */
static void test_check_passes_a_series_with_a_gap(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    struct stored_observation *all = monthly(36), gap[33];
    memcpy(gap, all, 10 * sizeof *all); /* months 10, 20 and 21 missing */
    memcpy(gap + 10, all + 11, 9 * sizeof *all);
    memcpy(gap + 19, all + 22, 14 * sizeof *all);
    assert_int_equal(rrdview_rebuild(v, "gappy", PEJL_PERIOD_MONTH, gap, 33, err, sizeof err), 0);
    if (rrdview_check(v, "gappy", PEJL_PERIOD_MONTH, gap, 33, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_matches(v, "gappy", gap, 33);
    free(all);
    rrdview_free(v);
}

/* World Bank population begins in 1960; librrd takes no time before 1970
 * (and rrdcached no file that begins before 1980). */
static struct stored_observation *annual(int from, int to)
{
    size_t n = (size_t)(to - from + 1);
    struct stored_observation *items = calloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i].obs.period =
            (struct pejl_period){.year = (int16_t)(from + (int)i), .kind = PEJL_PERIOD_YEAR};
        items[i].obs.value = 4579603.0 + (double)i * 12345.5;
    }
    return items;
}

static void test_periods_before_1980_stay_in_the_journal(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    struct stored_observation *items = annual(1960, 2025); /* 2025 arrives later */
    if (rrdview_write(v, "population", PEJL_PERIOD_YEAR, items, 65, 0, err, sizeof err) != 0)
        fail_msg("1960-2024: %s", err);
    if (rrdview_check(v, "population", PEJL_PERIOD_YEAR, items, 65, err, sizeof err) != 0)
        fail_msg("1960-2024: %s", err);
    /* The LAST archive holds 40 years of days: 1980-1983 have rolled out. */
    assert_matches(v, "population", items + 24, 41); /* 1984-2024 */

    /* The file began in 1980: nothing at the end of 1979 or before. */
    struct rrd_sample *rows;
    size_t count;
    int64_t end_1979 = period_end(&items[19].obs.period);
    assert_int_equal(end_1979, RRD_FIRST_TIME);
    assert_int_equal(rrdview_fetch(v, "population", end_1979 - 5 * 86400, end_1979, &rows, &count,
                                   err, sizeof err),
                     0);
    for (size_t i = 0; i < count; i++)
        assert_true(isnan(rows[i].value));
    free(rows);

    /* 2025 appended; 1965 revised (journal only); both leave a matching file. */
    assert_int_equal(
        rrdview_write(v, "population", PEJL_PERIOD_YEAR, items, 66, 65, err, sizeof err), 0);
    items[5].obs.value = 1.0;
    assert_int_equal(
        rrdview_write(v, "population", PEJL_PERIOD_YEAR, items, 66, 5, err, sizeof err), 0);
    assert_int_equal(rrdview_check(v, "population", PEJL_PERIOD_YEAR, items, 66, err, sizeof err),
                     0);
    assert_matches(v, "population", items + 25, 41); /* 1985-2025 */
    free(items);

    /* A series wholly before 1980 has no file, and nothing to disagree with. */
    items = annual(1960, 1979);
    assert_int_equal(rrdview_rebuild(v, "sixties", PEJL_PERIOD_YEAR, items, 20, err, sizeof err),
                     0);
    assert_int_equal(inode_of("sixties"), 0);
    assert_int_equal(rrdview_check(v, "sixties", PEJL_PERIOD_YEAR, items, 20, err, sizeof err), 0);
    free(items);
    rrdview_free(v);
}

/* A series longer than the LAST archive (40 years of days): the check
 * compares what the archive can hold, and the file passes. */
static void test_check_of_a_series_longer_than_the_archive(void **state)
{
    (void)state;
    char err[512];
    struct rrdview *v = view();
    size_t n = 46 * 12; /* 1980-01 to 2025-12 */
    struct stored_observation *items = calloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i].obs.period = (struct pejl_period){.year = (int16_t)(1980 + i / 12),
                                                   .kind = PEJL_PERIOD_MONTH,
                                                   .index = (uint8_t)(i % 12 + 1)};
        items[i].obs.value = (double)i / 3.0;
    }
    if (rrdview_rebuild(v, "long", PEJL_PERIOD_MONTH, items, n, err, sizeof err) != 0)
        fail_msg("%s", err);
    if (rrdview_check(v, "long", PEJL_PERIOD_MONTH, items, n, err, sizeof err) != 0)
        fail_msg("%s", err);
    items[n - 100].obs.value = -1.0; /* inside the archive's reach */
    assert_int_equal(rrdview_check(v, "long", PEJL_PERIOD_MONTH, items, n, err, sizeof err), -1);
    free(items);
    rrdview_free(v);
}

static int start_rrdcached(void)
{
    char sock[300], pidfile[300], journal[300];
    snprintf(sock, sizeof sock, "unix:%s/rrdcached.sock", tmpdir);
    snprintf(pidfile, sizeof pidfile, "%s/rrdcached.pid", tmpdir);
    snprintf(journal, sizeof journal, "%s/rrdcached-journal", tmpdir);
    mkdir(journal, 0700);
    rrdcached_pid = fork();
    if (rrdcached_pid == 0) {
        execlp("rrdcached", "rrdcached", "-g", "-l", sock, "-b", tmpdir, "-p", pidfile, "-j",
               journal, "-w", "3600", "-F", (char *)NULL);
        _exit(127);
    }
    snprintf(daemon_addr, sizeof daemon_addr, "%s", sock);
    for (int i = 0; i < 100; i++) { /* up to 5 s for the socket */
        struct stat st;
        if (stat(sock + 5, &st) == 0)
            return 0;
        usleep(50000);
    }
    fprintf(stderr, "rrdcached did not create %s\n", sock + 5);
    return -1;
}

static void remove_tree(const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", dir, (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/test_rrd.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return 1;
    bool cached = argc > 1 && strcmp(argv[1], "--rrdcached") == 0;
    if (cached && start_rrdcached() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_kind),
        cmocka_unit_test(test_monthly_round_trip_and_append),
        cmocka_unit_test(test_revision_rebuilds),
        cmocka_unit_test(test_late_period_rebuilds),
        cmocka_unit_test(test_damaged_files_are_detected_and_rebuilt),
        cmocka_unit_test(test_other_frequencies_are_left_out),
        cmocka_unit_test(test_check_compares_every_period),
        cmocka_unit_test(test_check_passes_a_series_with_a_gap),
        cmocka_unit_test(test_periods_before_1980_stay_in_the_journal),
        cmocka_unit_test(test_check_of_a_series_longer_than_the_archive),
    };
    int failed = cmocka_run_group_tests_name(cached ? "rrd via rrdcached" : "rrd", tests, NULL, NULL);
    if (rrdcached_pid > 0) {
        kill(rrdcached_pid, SIGTERM);
        waitpid(rrdcached_pid, NULL, 0);
    }
    remove_tree(tmpdir);
    return failed;
}
