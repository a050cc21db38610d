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

#include "file_name.h"
#include "log.h"
#include "period.h"
#include "value.h"

struct rrdview {
    char *dir;
    char *daemon;
    char **told; /* indicators whose periods before 1980 were logged */
    size_t n_told;
};

/* Points to write: "T:V" strings in one buffer, and "T:U" at the start of a
 * period that follows a missing one: without it the update after the gap
 * would span more than the heartbeat and leave that period unknown too. */
struct update_args {
    const char **argv;
    char *text;
    int argc;
    int64_t first_t;
};

bool rrdview_value_equal(double a, double b)
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
    for (size_t i = 0; i < v->n_told; i++)
        free(v->told[i]);
    free(v->told);
    free(v->dir);
    free(v->daemon);
    free(v);
}

const char *rrdview_daemon(const struct rrdview *v)
{
    return v->daemon;
}

/* A file name's longest component (NAME_MAX), less ".rrd.tmp". */
#define RRD_NAME_MAX (255 - 8)

char *rrdview_path(const struct rrdview *v, const char *id)
{
    /* Indicator ids are [a-z0-9_-]: the first dot ends the id. */
    const char *dot = strchr(id, '.');
    int id_len = dot ? (int)(dot - id) : (int)strlen(id);
    char member[RRD_NAME_MAX + 1] = "";
    if (dot && id_len < RRD_NAME_MAX - FILE_NAME_HASHED_MIN)
        file_name_escape(dot + 1, member, (size_t)(RRD_NAME_MAX - id_len - 1) + 1);
    char *path;
    return asprintf(&path, "%s/%.*s%s%s.rrd", v->dir, id_len, id, dot ? "." : "", member) < 0
               ? NULL
               : path;
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

/* Whether a record belongs in the file: of the file's frequency, and from 1980 on. */
static bool in_view(const struct stored_observation *item, enum pejl_period_kind kind)
{
    return item->obs.period.kind == kind && period_start(&item->obs.period) >= RRD_FIRST_TIME;
}

/* Says once per indicator (per view: per start or reload) that its periods
 * before 1980 are in the journal only. `id` is a series key, "ID.MEMBER". */
static void tell_left_out(struct rrdview *v, const char *id, enum pejl_period_kind kind,
                          const struct stored_observation *items, size_t n)
{
    size_t left_out = 0, len = strcspn(id, ".");
    for (size_t i = 0; i < n; i++)
        left_out += items[i].obs.period.kind == kind && !in_view(&items[i], kind);
    if (left_out == 0)
        return;
    for (size_t i = 0; i < v->n_told; i++)
        if (strlen(v->told[i]) == len && strncmp(v->told[i], id, len) == 0)
            return;
    char **grown = realloc(v->told, (v->n_told + 1) * sizeof *grown);
    if (!grown)
        return;
    v->told = grown;
    if (!(v->told[v->n_told] = strndup(id, len)))
        return;
    v->n_told++;
    log_info("%.*s: periods before 1980 are kept in the journal only, as librrd cannot store "
             "them; its RRD file holds 1980 on (%s: %zu periods left out)",
             (int)len, id, id, left_out);
}

/* Decimal digits of a timestamp (positive: the view begins in 1980); returns how many. */
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

#define UPDATE_WIDTH 48 /* "%lld:%.17g" fits in 44 */

/* Adds "T:V", or "T:U" for NaN, without printf: this runs for every point of
 * every rebuild. */
static void add_point(struct update_args *u, int64_t t, double value)
{
    char *slot = u->text + (size_t)u->argc * UPDATE_WIDTH;
    size_t at = put_time(slot, t);
    slot[at++] = ':';
    if (isnan(value))
        strcpy(slot + at, "U");
    else
        value_format(value, slot + at, UPDATE_WIDTH - at);
    if (u->argc == 0)
        u->first_t = t;
    u->argv[u->argc++] = slot;
}

/* The points of items[0..n) that belong in the file; `prev_end` is where the
 * file ends before them (0: a new file). Records of an earlier frequency and
 * periods before 1980 stay in the journal only. */
static int build_update_args(struct update_args *u, enum pejl_period_kind kind,
                             const struct stored_observation *items, size_t n, int64_t prev_end)
{
    *u = (struct update_args){0};
    u->argv = calloc(n ? 2 * n : 1, sizeof *u->argv);
    u->text = malloc(2 * n * UPDATE_WIDTH + 1);
    if (!u->argv || !u->text)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!in_view(&items[i], kind))
            continue;
        int64_t start = period_start(&items[i].obs.period);
        if (prev_end > 0 && start > prev_end)
            add_point(u, start, NAN); /* the periods between are missing */
        prev_end = period_end(&items[i].obs.period);
        add_point(u, prev_end, items[i].obs.value);
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
    /* Start the day before the first period begins, so its update is accepted;
     * not before 1980, which librrd and rrdcached both take. */
    int64_t start = first_t - (int64_t)(period_kind_max_days(kind) + 1) * RRD_STEP;
    if (start < RRD_FIRST_TIME)
        start = RRD_FIRST_TIME;
    int rc = v->daemon ? rrdc_create_r2(path, RRD_STEP, (time_t)start, 0, NULL, NULL, 3, argv)
                       : rrd_create_r2(path, RRD_STEP, (time_t)start, 0, NULL, NULL, 3, argv);
    return rc == 0 ? 0 : librrd_error(err, errlen, "cannot create", path);
}

/* librrd's client builds each UPDATE in a 4096-byte buffer and refuses a
 * longer one (ENOBUFS, no message): a rebuild of more than about 130 points
 * goes to rrdcached in commands of at most this many bytes of points. */
#define DAEMON_UPDATE_BYTES 2048

static int update_via_daemon(const char *path, const struct update_args *u)
{
    for (int from = 0, to; from < u->argc; from = to) {
        size_t bytes = 0;
        for (to = from; to < u->argc && (to == from || bytes < DAEMON_UPDATE_BYTES); to++)
            bytes += strlen(u->argv[to]) + 1;
        int rc = rrdc_update(path, to - from, u->argv + from);
        if (rc != 0) {
            if (rc > 0 && !rrd_test_error())
                rrd_set_error("%s", strerror(rc));
            return -1;
        }
    }
    return 0;
}

static int update_file(struct rrdview *v, const char *path, const struct update_args *u,
                       char *err, size_t errlen)
{
    if (u->argc == 0)
        return 0;
    int rc = v->daemon ? update_via_daemon(path, u) : rrd_update_r(path, NULL, u->argc, u->argv);
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
    tell_left_out(v, id, kind, items, n);
    if (path && build_update_args(&u, kind, items, n, 0) == 0) {
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
    int64_t last = path ? last_update(v, path) : -1;
    if (path && build_update_args(&u, kind, items + from, n - from, last) == 0) {
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

/* Rows of the LAST archive as librrd returns them: value i ends at
 * first_t + i * step. */
struct last_rows {
    rrd_value_t *data;
    char **names;
    unsigned long ds_count, step;
    int64_t first_t;
    size_t count;
};

static void free_last_rows(struct last_rows *r)
{
    for (unsigned long i = 0; r->names && i < r->ds_count; i++)
        free(r->names[i]);
    free(r->names);
    free(r->data);
}

/* rrdcached sends fetched rows as text, about 1 us a row: 15-30 ms for a
 * file of 40 years against 0.4 ms read directly. Through a daemon on this
 * machine (a unix socket) the check has it write the file, then reads it. */
static bool read_directly(struct rrdview *v, const char *path, bool whole_file)
{
    if (!v->daemon)
        return true;
    bool local = strncmp(v->daemon, "unix:", 5) == 0 || v->daemon[0] == '/';
    if (!whole_file || !local || access(path, R_OK) < 0)
        return false;
    int rc = rrdc_flush(path);
    rrd_clear_error();
    return rc == 0;
}

static int fetch_last_rows(struct rrdview *v, const char *id, int64_t start, int64_t end,
                           bool whole_file, struct last_rows *r, char *err, size_t errlen)
{
    char *path = rrdview_path(v, id);
    time_t s = (time_t)start, e = (time_t)end;
    *r = (struct last_rows){.step = RRD_STEP};
    if (!path)
        return -1;
    if (!v->daemon && access(path, R_OK) < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    int rc = read_directly(v, path, whole_file)
                 ? rrd_fetch_r(path, "LAST", &s, &e, &r->step, &r->ds_count, &r->names, &r->data)
                 : rrdc_fetch(path, "LAST", &s, &e, &r->step, &r->ds_count, &r->names, &r->data);
    if (rc != 0 || r->ds_count != 1 || r->step == 0) {
        rc = librrd_error(err, errlen, "cannot fetch from", path);
        free_last_rows(r);
        *r = (struct last_rows){0};
    } else {
        r->first_t = (int64_t)s + (int64_t)r->step;
        r->count = (size_t)((e - s) / (time_t)r->step);
    }
    free(path);
    return rc;
}

/* The value of the row that ends at `t`, or NULL. */
static const double *row_at(const struct last_rows *rows, int64_t t)
{
    int64_t step = (int64_t)rows->step;
    if (t < rows->first_t || (t - rows->first_t) % step != 0)
        return NULL;
    size_t k = (size_t)((t - rows->first_t) / step);
    return k < rows->count ? &rows->data[k] : NULL;
}

/* Every period of the view that ends in (begin, end] against its row. */
static int compare_rows(const char *id, const struct last_rows *rows,
                        const struct stored_observation *items, size_t n,
                        enum pejl_period_kind kind, int64_t begin, char *err, size_t errlen)
{
    const struct stored_observation *first_bad = NULL;
    const double *first_row = NULL;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t t = period_end(&items[i].obs.period);
        if (!in_view(&items[i], kind) || t <= begin)
            continue; /* not in the file, or older than its LAST archive reaches */
        const double *row = row_at(rows, t);
        if (row && rrdview_value_equal(*row, items[i].obs.value))
            continue;
        if (bad++ == 0) {
            first_bad = &items[i];
            first_row = row;
        }
    }
    if (bad == 0)
        return 0;
    char period[PERIOD_TEXT_MAX];
    period_format(&first_bad->obs.period, period, sizeof period);
    if (!first_row)
        snprintf(err, errlen, "%s.rrd has no row for %s", id, period);
    else
        snprintf(err, errlen, "%s.rrd holds %g for %s, the journal %g (%zu periods differ)", id,
                 *first_row, period, first_bad->obs.value, bad);
    return -1;
}

int rrdview_check(struct rrdview *v, const char *id, enum pejl_period_kind kind,
                  const struct stored_observation *items, size_t n, char *err, size_t errlen)
{
    const struct stored_observation *last = last_of_kind(items, n, kind);
    tell_left_out(v, id, kind, items, n);
    if (!last || !in_view(last, kind))
        return 0; /* nothing in the view: no file */
    if (v->daemon && connect_daemon(v, err, errlen) < 0)
        return -1;
    /* One fetch from the first period the LAST archive still holds to the last. */
    int64_t end = period_end(&last->obs.period);
    int64_t begin = end - (int64_t)RRD_LAST_ROWS * RRD_STEP, first = end;
    for (size_t i = 0; i < n; i++) {
        int64_t t = period_end(&items[i].obs.period);
        if (in_view(&items[i], kind) && t > begin && t < first)
            first = t;
    }
    struct last_rows rows;
    if (fetch_last_rows(v, id, first - RRD_STEP, end, true, &rows, err, errlen) < 0)
        return -1;
    int rc = compare_rows(id, &rows, items, n, kind, begin, err, errlen);
    free_last_rows(&rows);
    return rc;
}

int rrdview_fetch(struct rrdview *v, const char *id, int64_t start, int64_t end,
                  struct rrd_sample **samples, size_t *count, char *err, size_t errlen)
{
    struct last_rows r;
    *samples = NULL;
    *count = 0;
    if (fetch_last_rows(v, id, start, end, false, &r, err, errlen) < 0)
        return -1;
    *samples = calloc(r.count ? r.count : 1, sizeof **samples);
    for (size_t i = 0; *samples && i < r.count; i++)
        (*samples)[i] = (struct rrd_sample){r.first_t + (int64_t)(i * r.step), r.data[i]};
    *count = *samples ? r.count : 0;
    free_last_rows(&r);
    if (!*samples)
        snprintf(err, errlen, "%s: out of memory", id);
    return *samples ? 0 : -1;
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
