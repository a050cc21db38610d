/*
 * jsonstat.c — bench_jsonstat: the JSON-stat decoder the collectors share,
 * on generated Eurostat-shaped documents of a million cells or more, next to
 * `jq length FILE` (and jansson's json_load_file, which the decoder avoids
 * for `value` and `status`) in the same run.
 *
 *     build/bench/bench_jsonstat [RUNS] [NACE]     (defaults 5 and 250)
 *
 * The documents are freq × unit × s_adj × nace_r2 × geo × time with 16
 * countries and 250 months, so NACE=250 makes 1,000,000 cells: a dense one
 * (`value` an array with nulls) and a sparse one (`value` an object without
 * the missing cells), both with a `status` object for about 9% of the cells,
 * written to a temp file in $TMPDIR and removed at the end.
 *
 * Each measurement runs in a child process of its own (forked, or spawned
 * without a shell for jq); wall time is taken around it and peak RSS is the
 * child's ru_maxrss, so both include starting the process and reading the
 * file. The panel variant also checks every one of its 16 × 250 cells
 * against the values the generator wrote, so a fast wrong decoder fails.
 * A benchmark, not a test: nothing here is part of ctest.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../collectors/jsonstat/jsonstat_decode.h"

#ifndef PEJL_BENCH_BUILD_TYPE
#define PEJL_BENCH_BUILD_TYPE ""
#endif
#ifndef PEJL_BENCH_DECODER_FLAGS
#define PEJL_BENCH_DECODER_FLAGS ""
#endif

#define N_GEO 16
#define N_TIME 250
#define RUNS_MAX 51
#define PANEL_NACE 21 /* the panel is nace_r2 = N021 */

extern char **environ;

static const char *const geo_codes[N_GEO] = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE",
                                             "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT"};

/* --- the generated cells --- */

static uint32_t mix(size_t cell)
{
    uint64_t x = (uint64_t)cell * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(x >> 32);
}

static bool cell_confidential(size_t cell)
{
    return cell % 211 == 5; /* no value, status "c" */
}

static bool cell_missing(size_t cell)
{
    return cell_confidential(cell) || cell % 37 == 3;
}

/* Tenths: values like 1234.5, as Eurostat's indices and levels look. */
static uint32_t cell_tenths(size_t cell)
{
    return mix(cell) % 400000 + 100;
}

static const char *cell_status(size_t cell)
{
    if (cell_confidential(cell))
        return "c";
    if (cell_missing(cell))
        return NULL;
    if (cell % 97 == 0)
        return "e";
    if (cell % 13 == 0)
        return "p";
    return NULL;
}

/* --- writing a document --- */

struct shape {
    size_t n_nace, n_cells;
};

static void write_value(FILE *f, size_t cell)
{
    uint32_t t = cell_tenths(cell);
    fprintf(f, "%u.%u", t / 10, t % 10);
}

static void write_values(FILE *f, const struct shape *s, bool dense)
{
    bool first = true;
    fputs(dense ? "\"value\":[" : "\"value\":{", f);
    for (size_t cell = 0; cell < s->n_cells; cell++) {
        if (dense) {
            fputs(cell ? "," : "", f);
            if (cell_missing(cell))
                fputs("null", f);
            else
                write_value(f, cell);
        } else if (!cell_missing(cell)) {
            fprintf(f, "%s\"%zu\":", first ? "" : ",", cell);
            write_value(f, cell);
            first = false;
        }
    }
    fputs(dense ? "]," : "},", f);
}

static void write_statuses(FILE *f, const struct shape *s)
{
    bool first = true;
    fputs("\"status\":{", f);
    for (size_t cell = 0; cell < s->n_cells; cell++) {
        const char *status = cell_status(cell);
        if (status) {
            fprintf(f, "%s\"%zu\":\"%s\"", first ? "" : ",", cell, status);
            first = false;
        }
    }
    fputs("},", f);
}

static void write_category(FILE *f, const char *id, const char *label, size_t n,
                           void (*code)(size_t i, char *buf, size_t size))
{
    char buf[32];
    fprintf(f, "\"%s\":{\"label\":\"%s\",\"category\":{\"index\":{", id, label);
    for (size_t i = 0; i < n; i++) {
        code(i, buf, sizeof buf);
        fprintf(f, "%s\"%s\":%zu", i ? "," : "", buf, i);
    }
    fputs("},\"label\":{", f);
    for (size_t i = 0; i < n; i++) {
        code(i, buf, sizeof buf);
        fprintf(f, "%s\"%s\":\"%s %s\"", i ? "," : "", buf, label, buf);
    }
    fputs("}}}", f);
}

static void one_code(size_t i, char *buf, size_t size)
{
    (void)i;
    snprintf(buf, size, "X");
}

static void nace_code(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "N%03zu", i);
}

static void geo_code(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%s", geo_codes[i]);
}

static void time_code(size_t i, char *buf, size_t size)
{
    snprintf(buf, size, "%04zu-%02zu", 2004 + i / 12, i % 12 + 1);
}

static void write_dimensions(FILE *f, const struct shape *s)
{
    fprintf(f,
            "\"id\":[\"freq\",\"unit\",\"s_adj\",\"nace_r2\",\"geo\",\"time\"],"
            "\"size\":[1,1,1,%zu,%d,%d],\"dimension\":{",
            s->n_nace, N_GEO, N_TIME);
    write_category(f, "freq", "Time frequency", 1, one_code);
    fputc(',', f);
    write_category(f, "unit", "Unit of measure", 1, one_code);
    fputc(',', f);
    write_category(f, "s_adj", "Seasonal adjustment", 1, one_code);
    fputc(',', f);
    write_category(f, "nace_r2", "Statistical classification of economic activities", s->n_nace,
                   nace_code);
    fputc(',', f);
    write_category(f, "geo", "Geopolitical entity (reporting)", N_GEO, geo_code);
    fputc(',', f);
    write_category(f, "time", "Time", N_TIME, time_code);
    fputs("},", f);
}

/* Writes the document in Eurostat's member order; returns its size, or -1. */
static long long write_document(const char *path, const struct shape *s, bool dense)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("{\"version\":\"2.0\",\"class\":\"dataset\",\"label\":\"Generated for bench_jsonstat\","
          "\"source\":\"ESTAT\",\"updated\":\"2026-01-01T11:00:00+0100\",",
          f);
    write_values(f, s, dense);
    write_statuses(f, s);
    write_dimensions(f, s);
    fputs("\"extension\":{\"lang\":\"EN\",\"id\":\"BENCH\",\"annotation\":[{\"type\":\"OBS_"
          "COUNT\",\"title\":\"1\"}],\"positions-with-no-data\":{\"time\":[]}}}\n",
          f);
    if (fclose(f) != 0)
        return -1;
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* --- what runs in a child --- */

enum tool { TOOL_JQ, TOOL_JANSSON, TOOL_DECODE, TOOL_PANEL, TOOL_COUNT };

static const char *const tool_names[TOOL_COUNT] = {"jq length", "jansson json_load_file",
                                                   "jsonstat_decode", "decode + 16-country panel"};

static char *read_whole(const char *path, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0)
        return NULL;
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (buf && got != (size_t)st.st_size) {
        free(buf);
        return NULL;
    }
    *len = got;
    return buf;
}

/* Every cell of the panel, against what the generator wrote. */
static int check_panel(const struct jsonstat_panel *panel)
{
    if (panel->n_series != N_GEO)
        return -1;
    for (size_t g = 0; g < N_GEO; g++) {
        const struct jsonstat_series *series = &panel->series[g];
        if (strcmp(series->category->code, geo_codes[g]) != 0 || series->n != N_TIME)
            return -1;
        for (size_t t = 0; t < N_TIME; t++) {
            size_t cell = ((size_t)PANEL_NACE * N_GEO + g) * N_TIME + t;
            const struct jsonstat_cell *c = &series->cells[t];
            const char *status = cell_status(cell);
            double expected = cell_missing(cell) ? NAN : cell_tenths(cell) / 10.0;
            bool same_value = isnan(expected) ? isnan(c->value) : c->value == expected;
            bool same_status = status ? c->status && strcmp(c->status, status) == 0 : !c->status;
            if (!same_value || !same_status)
                return -1;
        }
    }
    return 0;
}

static int decode_child(const char *path, bool panel)
{
    size_t len;
    char err[512];
    struct jsonstat_dataset ds;
    char *buf = read_whole(path, &len);
    if (!buf || jsonstat_decode(buf, len, NULL, &ds, err, sizeof err) < 0) {
        fprintf(stderr, "bench_jsonstat: %s: %s\n", path, buf ? err : strerror(errno));
        return 1;
    }
    free(buf); /* as a collector would: the body is not needed any more */
    int rc = 0;
    if (panel) {
        char code[16];
        nace_code(PANEL_NACE, code, sizeof code);
        struct jsonstat_pick pick = {"nace_r2", code};
        struct jsonstat_query query = {.free_dimension = "geo", .picks = &pick, .n_picks = 1};
        struct jsonstat_panel p;
        if (jsonstat_select(&ds, &query, &p, err, sizeof err) < 0 || check_panel(&p) < 0) {
            fprintf(stderr, "bench_jsonstat: %s: the panel is wrong %s\n", path, err);
            rc = 2;
        }
        jsonstat_panel_free(&p);
    }
    jsonstat_free(&ds);
    return rc;
}

static int jansson_child(const char *path)
{
    json_error_t error;
    json_t *json = json_load_file(path, 0, &error);
    if (!json) {
        fprintf(stderr, "bench_jsonstat: jansson: %s\n", error.text);
        return 1;
    }
    json_decref(json);
    return 0;
}

/* --- measuring --- */

struct run {
    bool ok;
    double wall_s;
    long rss_kb;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t spawn_jq(const char *path)
{
    posix_spawn_file_actions_t actions;
    pid_t pid;
    char *argv[] = {"jq", "length", (char *)path, NULL};
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid, "jq", &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

static struct run measure(enum tool tool, const char *path)
{
    struct run r = {0};
    struct rusage usage;
    int status;
    double start = now();
    pid_t pid = tool == TOOL_JQ ? spawn_jq(path) : fork();
    if (pid == 0) {
        int rc =
            tool == TOOL_JANSSON ? jansson_child(path) : decode_child(path, tool == TOOL_PANEL);
        _exit(rc);
    }
    if (pid < 0 || wait4(pid, &status, 0, &usage) != pid)
        return r;
    r.wall_s = now() - start;
    r.rss_kb = usage.ru_maxrss;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int compare_longs(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* Median wall time and peak RSS over `runs`, and the range of wall times. */
struct summary {
    bool ok;
    double wall_s, min_s, max_s;
    long rss_kb;
};

static struct summary measure_runs(enum tool tool, const char *path, int runs)
{
    double walls[RUNS_MAX];
    long rss[RUNS_MAX];
    struct summary s = {.ok = true};
    for (int i = 0; i < runs; i++) {
        struct run r = measure(tool, path);
        s.ok = s.ok && r.ok;
        walls[i] = r.wall_s;
        rss[i] = r.rss_kb;
    }
    qsort(walls, (size_t)runs, sizeof *walls, compare_doubles);
    qsort(rss, (size_t)runs, sizeof *rss, compare_longs);
    s.wall_s = walls[runs / 2];
    s.min_s = walls[0];
    s.max_s = walls[runs - 1];
    s.rss_kb = rss[runs / 2];
    return s;
}

/* --- the report --- */

static void jq_version(char *buf, size_t size)
{
    int fds[2];
    posix_spawn_file_actions_t actions;
    pid_t pid;
    char *argv[] = {"jq", "--version", NULL};
    snprintf(buf, size, "jq not found");
    if (pipe(fds) < 0)
        return;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    if (posix_spawnp(&pid, "jq", &actions, NULL, argv, environ) == 0) {
        close(fds[1]);
        ssize_t n = read(fds[0], buf, size - 1);
        buf[n > 0 ? n : 0] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        waitpid(pid, NULL, 0);
    } else {
        close(fds[1]);
    }
    close(fds[0]);
    posix_spawn_file_actions_destroy(&actions);
}

static void print_header(const struct shape *s, int runs)
{
    char version[64];
    size_t missing = 0, with_status = 0;
    for (size_t cell = 0; cell < s->n_cells; cell++) {
        missing += cell_missing(cell);
        with_status += cell_status(cell) != NULL;
    }
    jq_version(version, sizeof version);
    printf("bench_jsonstat: JSON-stat decoding, median of %d runs, each in a child process\n",
           runs);
    printf("documents: freq 1 x unit 1 x s_adj 1 x nace_r2 %zu x geo %d x time %d = %zu cells, "
           "%.1f%% missing, %.1f%% with a status\n",
           s->n_nace, N_GEO, N_TIME, s->n_cells, 100.0 * (double)missing / (double)s->n_cells,
           100.0 * (double)with_status / (double)s->n_cells);
    printf("decoder compiled with \"%s\" (build type \"%s\"); %s; jansson %s\n",
           PEJL_BENCH_DECODER_FLAGS, PEJL_BENCH_BUILD_TYPE, version, JANSSON_VERSION);
    printf("wall = spawn to exit, file read included; peak RSS = the child's ru_maxrss\n\n");
    printf("%-8s %8s  %-26s %7s %13s %8s %12s %9s %9s\n", "document", "size_MB", "tool", "wall_s",
           "range_s", "MB/s", "peak_RSS_MB", "time/jq", "rss/jq");
}

static void print_row(const char *document, double mb, enum tool tool, const struct summary *s,
                      const struct summary *jq)
{
    char range[32];
    snprintf(range, sizeof range, "%.3f-%.3f", s->min_s, s->max_s);
    printf("%-8s %8.2f  %-26s %7.3f %13s %8.1f %12.1f", document, mb, tool_names[tool], s->wall_s,
           range, mb / s->wall_s, (double)s->rss_kb / 1024.0);
    if (jq->ok && jq->wall_s > 0 && jq->rss_kb > 0)
        printf(" %9.2f %9.2f", s->wall_s / jq->wall_s, (double)s->rss_kb / (double)jq->rss_kb);
    else
        printf(" %9s %9s", "-", "-");
    printf("%s\n", s->ok ? "" : "  FAILED");
}

/* Runs every tool on one document; true if the decoder met the aim. */
static bool bench_document(const char *document, const char *path, long long bytes, int runs)
{
    struct summary results[TOOL_COUNT];
    double mb = (double)bytes / 1e6;
    for (int t = 0; t < TOOL_COUNT; t++) {
        results[t] = measure_runs((enum tool)t, path, runs);
        print_row(document, mb, (enum tool)t, &results[t], &results[TOOL_JQ]);
        fflush(stdout);
    }
    const struct summary *jq = &results[TOOL_JQ], *panel = &results[TOOL_PANEL];
    return jq->ok && panel->ok && results[TOOL_DECODE].ok && panel->wall_s <= jq->wall_s &&
           panel->rss_kb <= jq->rss_kb;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 5;
    long nace = argc > 2 ? atol(argv[2]) : 250;
    if (argc > 3 || runs < 1 || runs > RUNS_MAX || nace <= PANEL_NACE || nace > 10000) {
        fprintf(stderr, "usage: bench_jsonstat [RUNS (1-%d)] [NACE (%d-10000)]\n", RUNS_MAX,
                PANEL_NACE + 1);
        return 64;
    }
    struct shape s = {.n_nace = (size_t)nace, .n_cells = (size_t)nace * N_GEO * N_TIME};
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bench_jsonstat.XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_jsonstat: mkdtemp %s: %s\n", dir, strerror(errno));
        return 1;
    }
    print_header(&s, runs);
    bool met = true;
    static const char *const documents[] = {"dense", "sparse"};
    for (int i = 0; i < 2; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s.json", dir, documents[i]);
        long long bytes = write_document(path, &s, i == 0);
        if (bytes < 0) {
            fprintf(stderr, "bench_jsonstat: cannot write %s: %s\n", path, strerror(errno));
            rmdir(dir);
            return 1;
        }
        met = bench_document(documents[i], path, bytes, runs) && met;
        unlink(path);
    }
    rmdir(dir);
    printf("\naim (decode + panel no slower than jq and no more memory, both documents): %s\n",
           met ? "met" : "NOT met");
    return met ? 0 : 3;
}
