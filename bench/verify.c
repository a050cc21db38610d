/*
 * verify.c — what a variant wrote, checked after its timed work: every RRD
 * file exists (sizes summed, to compare with the bare librrd files; their
 * bytes differ, as librrd starts each archive at a random row), sampled
 * files return every stored value at its month's end through rrd_fetch_r(),
 * and pejl's journal holds N*M records.
 */
#include "ingest.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rrd.h>

#include "rrdview.h"

#define SAMPLES 16

/* The LAST row of month j is on the day ending at its end. */
static int check_rows(const char *path, size_t series, size_t months, time_t start,
                      unsigned long step, size_t rows, const rrd_value_t *data, char *err,
                      size_t errlen)
{
    for (size_t j = 0; j < months; j++) {
        int64_t t = synth_time(j);
        size_t row = (size_t)((t - (int64_t)start) / (int64_t)step) - 1;
        double want = synth_value(series, j);
        if (row < rows && data[row] == want)
            continue;
        snprintf(err, errlen, "%s: month %zu (t=%lld) holds %.17g, expected %.17g", path, j,
                 (long long)t, row < rows ? data[row] : -1.0, want);
        return -1;
    }
    return 0;
}

static int check_values(const char *path, size_t series, size_t months, char *err, size_t errlen)
{
    time_t start = (time_t)(synth_time(0) - RRD_STEP), end = (time_t)synth_time(months - 1);
    unsigned long step = RRD_STEP, ds_count = 0;
    char **names = NULL;
    rrd_value_t *data = NULL;
    if (rrd_fetch_r(path, "LAST", &start, &end, &step, &ds_count, &names, &data) != 0) {
        snprintf(err, errlen, "rrd_fetch_r %s: %s", path, rrd_get_error());
        rrd_clear_error();
        return -1;
    }
    size_t rows = (size_t)((end - start) / (time_t)step);
    int rc = -1;
    if (ds_count != 1 || step != RRD_STEP)
        snprintf(err, errlen, "%s: %lu data sources, step %lu", path, ds_count, step);
    else
        rc = check_rows(path, series, months, start, step, rows, data, err, errlen);
    for (unsigned long i = 0; i < ds_count; i++)
        free(names[i]);
    free(names);
    free(data);
    return rc;
}

static bool sampled(size_t series, size_t n)
{
    if (n <= SAMPLES)
        return true;
    for (size_t k = 0; k < SAMPLES; k++)
        if (series == k * (n - 1) / (SAMPLES - 1))
            return true;
    return false;
}

int verify_rrd_files(const struct bench_params *p, struct variant_result *r)
{
    char path[PATH_MAX];
    struct stat st;
    r->files_bytes = 0;
    for (size_t i = 0; i < p->n_series; i++) {
        synth_rrd_path(p->dir, i, path, sizeof path);
        if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            snprintf(r->error, sizeof r->error, "%s: %s", path, strerror(errno));
            return -1;
        }
        r->files_bytes += (uint64_t)st.st_size;
        if (sampled(i, p->n_series) &&
            check_values(path, i, p->n_months, r->error, sizeof r->error) < 0)
            return -1;
    }
    return 0;
}

int verify_journal(const struct bench_params *p, struct variant_result *r)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/state/journal", p->dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(r->error, sizeof r->error, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t lines = 0, cap = 0;
    char *line = NULL;
    while (getline(&line, &cap, f) > 0)
        lines += line[0] != '@'; /* commit records are not records */
    free(line);
    fclose(f);
    size_t expected = p->n_series * p->n_months;
    if (lines >= 1 && lines - 1 == expected)
        return 0;
    snprintf(r->error, sizeof r->error, "%s: %zu records after the header, expected %zu", path,
             lines ? lines - 1 : 0, expected);
    return -1;
}
