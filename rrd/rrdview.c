/*
 * rrdview.c — RRD files as a view of the journal (see rrdview.h).
 * Only librrd's thread-safe `_r` functions and its rrdcached client are used.
 */
#include "rrdview.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "../daemon/period.h"
#include "../daemon/value.h"

struct rrdview {
    char *dir;
    char *daemon;
};

/* Points to write: "T:V" strings in one buffer. */
struct update_args {
    const char **argv;
    char *text;
    int argc;
    int64_t first_t;
};

bool rrd_value_equal(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

struct rrdview *rrdview_new(const char *dir, const char *daemon)
{
    struct rrdview *v = calloc(1, sizeof *v);
    if (!v || !(v->dir = strdup(dir)) || (daemon && !(v->daemon = strdup(daemon)))) {
        rrdview_free(v);
        return NULL;
    }
    return v;
}

void rrdview_free(struct rrdview *v)
{
    if (!v)
        return;
    if (v->daemon)
        rrdc_disconnect();
    free(v->dir);
    free(v->daemon);
    free(v);
}

const char *rrdview_daemon(const struct rrdview *v)
{
    return v->daemon;
}

char *rrdview_path(const struct rrdview *v, const char *id)
{
    char *path;
    return asprintf(&path, "%s/%s.rrd", v->dir, id) < 0 ? NULL : path;
}

static int librrd_error(char *err, size_t errlen, const char *what, const char *path)
{
    const char *why = rrd_test_error() ? rrd_get_error() : "unknown librrd error";
    snprintf(err, errlen, "%s %s: %s", what, path, why);
    rrd_clear_error();
    return -1;
}

static int connect_daemon(struct rrdview *v, char *err, size_t errlen)
{
    if (rrdc_is_connected(v->daemon))
        return 0;
    if (rrdc_connect(v->daemon) != 0 || !rrdc_is_connected(v->daemon))
        return librrd_error(err, errlen, "cannot reach rrdcached at", v->daemon);
    return 0;
}

static void free_update_args(struct update_args *u)
{
    free(u->argv);
    free(u->text);
}

/* Decimal digits of a timestamp (positive); returns how many. */
static size_t put_time(char *o, int64_t t)
{
    char tmp[24], *d = tmp + sizeof tmp;
    do
        *--d = (char)('0' + t % 10);
    while (t /= 10);
    size_t n = (size_t)(tmp + sizeof tmp - d);
    memcpy(o, d, n);
    return n;
}

static int build_update_args(struct update_args *u, enum pejl_period_kind kind,
                             const struct stored_observation *items, size_t n)
{
    const size_t width = 48; /* "%lld:%.17g" fits in 44 */
    *u = (struct update_args){0};
    u->argv = calloc(n ? n : 1, sizeof *u->argv);
    u->text = malloc(n * width + 1);
    if (!u->argv || !u->text)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (items[i].obs.period.kind != kind)
            continue; /* records of an earlier frequency stay in the journal only */
        char *slot = u->text + (size_t)u->argc * width;
        int64_t t = period_end(&items[i].obs.period);
        /* "T:V" without printf: this runs for every point of every rebuild */
        size_t at = put_time(slot, t);
        slot[at++] = ':';
        if (isnan(items[i].obs.value))
            strcpy(slot + at, "U");
        else
            value_format(items[i].obs.value, slot + at, width - at);
        if (u->argc == 0)
            u->first_t = t;
        u->argv[u->argc++] = slot;
    }
    return 0;
}

static void create_args(enum pejl_period_kind kind, char ds[64], char last[64], char avg[64])
{
    /* Longer than the longest period plus the day before the first one. */
    long heartbeat = (long)(period_kind_max_days(kind) + 2) * RRD_STEP;
    snprintf(ds, 64, "DS:value:GAUGE:%ld:U:U", heartbeat);
    snprintf(last, 64, "RRA:LAST:0.5:1:%d", RRD_LAST_ROWS);
    snprintf(avg, 64, "RRA:AVERAGE:0.5:%d:%d", RRD_AVERAGE_STEPS, RRD_AVERAGE_ROWS);
}

static int create_file(struct rrdview *v, const char *path, enum pejl_period_kind kind,
                       int64_t first_t, char *err, size_t errlen)
{
    char ds[64], last[64], avg[64];
    create_args(kind, ds, last, avg);
    const char *argv[] = {ds, last, avg};
    /* Start the day before the first period begins, so its update is accepted. */
    time_t start = (time_t)(first_t - (int64_t)(period_kind_max_days(kind) + 1) * RRD_STEP);
    int rc = v->daemon ? rrdc_create_r2(path, RRD_STEP, start, 0, NULL, NULL, 3, argv)
                       : rrd_create_r2(path, RRD_STEP, start, 0, NULL, NULL, 3, argv);
    return rc == 0 ? 0 : librrd_error(err, errlen, "cannot create", path);
}

static int update_file(struct rrdview *v, const char *path, const struct update_args *u,
                       char *err, size_t errlen)
{
    if (u->argc == 0)
        return 0;
    int rc = v->daemon ? rrdc_update(path, u->argc, u->argv)
                       : rrd_update_r(path, NULL, u->argc, u->argv);
    return rc == 0 ? 0 : librrd_error(err, errlen, "cannot update", path);
}

static int64_t last_update(struct rrdview *v, const char *path)
{
    if (!v->daemon && access(path, F_OK) < 0)
        return -1;
    time_t last = v->daemon ? rrdc_last(path) : rrd_last_r(path);
    rrd_clear_error();
    return (int64_t)last;
}

static int rebuild_via_daemon(struct rrdview *v, const char *path, enum pejl_period_kind kind,
                              const struct update_args *u, char *err, size_t errlen)
{
    rrdc_forget(path); /* drop updates queued for the old file; fails when none */
    rrd_clear_error();
    if (create_file(v, path, kind, u->first_t, err, errlen) < 0)
        return -1;
    return update_file(v, path, u, err, errlen);
}

static int rebuild_local(struct rrdview *v, const char *path, enum pejl_period_kind kind,
                         const struct update_args *u, char *err, size_t errlen)
{
    /* A new file is written in place: a reader finds it whole or not at all
     * matching, and the start-up check rebuilds a half-written one. An
     * existing file is replaced by rename, so readers never see it half done. */
    if (access(path, F_OK) < 0) {
        int rc = create_file(v, path, kind, u->first_t, err, errlen);
        return rc == 0 ? update_file(v, path, u, err, errlen) : rc;
    }
    char *tmp;
    if (asprintf(&tmp, "%s.tmp", path) < 0)
        return -1;
    int rc = create_file(v, tmp, kind, u->first_t, err, errlen);
    if (rc == 0)
        rc = update_file(v, tmp, u, err, errlen);
    if (rc == 0 && rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot rename %s over %s: %s", tmp, path, strerror(errno));
        rc = -1;
    }
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int rrdview_rebuild(struct rrdview *v, const char *id, enum pejl_period_kind kind,
                    const struct stored_observation *items, size_t n, char *err, size_t errlen)
{
    struct update_args u = {0};
    char *path = rrdview_path(v, id);
    int rc = -1;
    snprintf(err, errlen, "%s: out of memory", id);
    if (path && build_update_args(&u, kind, items, n) == 0) {
        if (u.argc == 0)
            rc = 0; /* nothing of this frequency yet: no file */
        else if (v->daemon)
            rc = connect_daemon(v, err, errlen) < 0
                     ? -1
                     : rebuild_via_daemon(v, path, kind, &u, err, errlen);
        else
            rc = rebuild_local(v, path, kind, &u, err, errlen);
    }
    free_update_args(&u);
    free(path);
    return rc;
}

int rrdview_write(struct rrdview *v, const char *id, enum pejl_period_kind kind,
                  const struct stored_observation *items, size_t n, size_t from, char *err,
                  size_t errlen)
{
    if (from == 0 || (v->daemon && connect_daemon(v, err, errlen) < 0))
        return rrdview_rebuild(v, id, kind, items, n, err, errlen);
    char *path = rrdview_path(v, id);
    struct update_args u = {0};
    int rc = -1;
    if (path && build_update_args(&u, kind, items + from, n - from) == 0) {
        int64_t last = last_update(v, path);
        if (u.argc > 0 && last > 0 && u.first_t > last)
            rc = update_file(v, path, &u, err, errlen);
        else
            rc = 1; /* the file does not end where the new points begin */
    }
    free_update_args(&u);
    free(path);
    return rc == 1 ? rrdview_rebuild(v, id, kind, items, n, err, errlen) : rc;
}

static const struct stored_observation *last_of_kind(const struct stored_observation *items,
                                                      size_t n, enum pejl_period_kind kind)
{
    while (n-- > 0)
        if (items[n].obs.period.kind == kind)
            return &items[n];
    return NULL;
}

int rrdview_check(struct rrdview *v, const char *id, enum pejl_period_kind kind,
                  const struct stored_observation *items, size_t n, char *err, size_t errlen)
{
    const struct stored_observation *last = last_of_kind(items, n, kind);
    if (!last)
        return 0;
    if (v->daemon && connect_daemon(v, err, errlen) < 0)
        return -1;
    int64_t t = period_end(&last->obs.period);
    struct rrd_sample *samples = NULL;
    size_t count = 0;
    if (rrdview_fetch(v, id, t - RRD_STEP, t, &samples, &count, err, errlen) < 0)
        return -1;
    /* librrd rounds the end up: look for the row of the period end itself. */
    const struct rrd_sample *row = NULL;
    for (size_t i = 0; i < count; i++)
        if (samples[i].t == t)
            row = &samples[i];
    int rc = -1;
    if (!row)
        snprintf(err, errlen, "%s.rrd has no row for the last period", id);
    else if (!rrd_value_equal(row->value, last->obs.value))
        snprintf(err, errlen, "%s.rrd holds %g for the last period, the journal %g", id,
                 row->value, last->obs.value);
    else
        rc = 0;
    free(samples);
    return rc;
}

static void free_fetch(char **names, unsigned long ds_count, rrd_value_t *data)
{
    for (unsigned long i = 0; names && i < ds_count; i++)
        free(names[i]);
    free(names);
    free(data);
}

int rrdview_fetch(struct rrdview *v, const char *id, int64_t start, int64_t end,
                  struct rrd_sample **samples, size_t *count, char *err, size_t errlen)
{
    char *path = rrdview_path(v, id);
    time_t s = (time_t)start, e = (time_t)end;
    unsigned long step = RRD_STEP, ds_count = 0;
    char **names = NULL;
    rrd_value_t *data = NULL;
    *samples = NULL;
    *count = 0;
    if (!path)
        return -1;
    if (!v->daemon && access(path, R_OK) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    int rc = v->daemon ? rrdc_fetch(path, "LAST", &s, &e, &step, &ds_count, &names, &data)
                       : rrd_fetch_r(path, "LAST", &s, &e, &step, &ds_count, &names, &data);
    if (rc != 0 || ds_count != 1) {
        rc = librrd_error(err, errlen, "cannot fetch from", path);
    } else {
        size_t rows = (size_t)((e - s) / (time_t)step);
        *samples = calloc(rows ? rows : 1, sizeof **samples);
        for (size_t i = 0; *samples && i < rows; i++)
            (*samples)[i] = (struct rrd_sample){(int64_t)s + (int64_t)((i + 1) * step), data[i]};
        *count = *samples ? rows : 0;
    }
    free_fetch(names, ds_count, data);
    free(path);
    return rc;
}

int rrdview_flush(struct rrdview *v, const char *id)
{
    char err[256], *path;
    if (!v->daemon)
        return 0;
    if (connect_daemon(v, err, sizeof err) < 0 || !(path = rrdview_path(v, id)))
        return -1;
    int rc = rrdc_flush(path);
    rrd_clear_error();
    free(path);
    return rc;
}
