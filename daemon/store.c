/*
 * store.c — staging, group commit and applying observations (see store.h).
 */
#include "store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../rrd/rrdview.h"
#include "journal.h"
#include "log.h"
#include "period.h"

/* One observation that changes the store when its commit succeeds. */
struct pending_change {
    struct pejl_observation obs;
    int64_t vintage;
};

/* One staged collection. */
struct pending_batch {
    char id[INDICATOR_ID_MAX + 1];
    enum pejl_period_kind kind;
    struct ingest_summary summary;
    size_t change_begin, change_end; /* its range in store->changes */
    store_done_fn done;
    void *arg;
};

struct store {
    struct journal *journal;
    struct series_set *series;
    struct rrdview *rrd;
    struct pending_change *changes;
    size_t n_changes, cap_changes;
    struct pending_batch *batches;
    size_t n_batches, cap_batches;
};

int make_directories(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    for (char *p = buf + 1;; p++) {
        bool last = *p == '\0';
        if (*p != '/' && !last)
            continue;
        *p = '\0';
        if (mkdir(buf, 0750) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory %s: %s", buf, strerror(errno));
            return -1;
        }
        if (last)
            return 0;
        *p = '/';
    }
}

static int replay_record(void *arg, const struct journal_record *r)
{
    struct store *store = arg;
    struct series *s = series_get_or_add(store->series, r->indicator);
    return s && series_put(s, &r->obs, r->vintage) >= 0 ? 0 : -1;
}

struct store *store_open(const struct config *config, char *err, size_t errlen)
{
    struct store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    if (make_directories(config->state_dir, err, errlen) < 0 ||
        make_directories(config->rrd_dir, err, errlen) < 0 ||
        make_directories(config->graph_dir, err, errlen) < 0 ||
        !(store->series = series_set_new()) ||
        !(store->journal = journal_open(config->state_dir, replay_record, store, err, errlen))) {
        store_close(store);
        return NULL;
    }
    log_info("journal %s: %llu records, %zu series", journal_path(store->journal),
             (unsigned long long)journal_records(store->journal), series_count(store->series));
    return store;
}

void store_close(struct store *store)
{
    if (!store)
        return;
    journal_close(store->journal);
    series_set_free(store->series);
    rrdview_free(store->rrd);
    free(store->changes);
    free(store->batches);
    free(store);
}

static void check_view(struct store *store, const struct indicator *ind)
{
    char err[512];
    const struct series *s = series_get(store->series, ind->id);
    if (!s || s->n == 0)
        return;
    if (rrdview_check(store->rrd, ind->id, ind->frequency, s->items, s->n, err, sizeof err) == 0)
        return;
    log_warn("%s: RRD file does not match the journal (%s); rebuilding it", ind->id, err);
    if (rrdview_rebuild(store->rrd, ind->id, ind->frequency, s->items, s->n, err, sizeof err) < 0)
        log_err("%s: cannot rebuild its RRD file: %s", ind->id, err);
}

int store_use_config(struct store *store, const struct config *config)
{
    struct rrdview *view = rrdview_new(config->rrd_dir, config->rrdcached);
    if (!view)
        return -1;
    rrdview_free(store->rrd);
    store->rrd = view;
    for (size_t i = 0; i < config->n_indicators; i++)
        check_view(store, &config->indicators[i]);
    return 0;
}

static int grow_array(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t new_cap = *cap ? *cap * 2 : 64;
    void *grown = realloc(*items, new_cap * size);
    if (!grown)
        return -1;
    *items = grown;
    *cap = new_cap;
    return 0;
}

static int stage_one(struct store *store, const struct series *s, const struct pejl_observation *obs,
                     int64_t vintage, struct pending_batch *batch)
{
    const struct stored_observation *previous;
    enum series_change change = series_classify(s, obs, &previous);
    batch->summary.received++;
    if (change == SERIES_SAME) {
        batch->summary.unchanged++;
        return 0;
    }
    if (change == SERIES_NEW)
        batch->summary.added++;
    else
        batch->summary.revised++;
    struct journal_record record = {.indicator = batch->id, .obs = *obs, .vintage = vintage};
    if (grow_array((void **)&store->changes, &store->cap_changes, store->n_changes,
                   sizeof *store->changes) < 0 ||
        journal_stage(store->journal, &record) < 0)
        return -1;
    store->changes[store->n_changes++] = (struct pending_change){.obs = *obs, .vintage = vintage};
    return 0;
}

int store_stage(struct store *store, const struct indicator *ind, const struct pejl_observation *obs,
                size_t n, int64_t vintage, store_done_fn done, void *arg)
{
    if (grow_array((void **)&store->batches, &store->cap_batches, store->n_batches,
                   sizeof *store->batches) < 0)
        return -1;
    struct pending_batch *batch = &store->batches[store->n_batches];
    *batch = (struct pending_batch){.kind = ind->frequency, .done = done, .arg = arg};
    snprintf(batch->id, sizeof batch->id, "%s", ind->id);
    batch->change_begin = store->n_changes;
    struct journal_mark mark = journal_mark(store->journal);
    const struct series *s = series_get(store->series, ind->id);
    for (size_t i = 0; i < n; i++) {
        if (stage_one(store, s, &obs[i], vintage, batch) < 0) {
            log_err("%s: out of memory while staging observations", ind->id);
            journal_rollback(store->journal, mark);
            store->n_changes = batch->change_begin;
            return -1;
        }
    }
    batch->change_end = store->n_changes;
    store->n_batches++;
    return 0;
}

bool store_has_staged(const struct store *store)
{
    return store->n_batches > 0;
}

static void log_revision(const char *id, const struct stored_observation *old,
                         const struct pejl_observation *obs)
{
    char period[PERIOD_TEXT_MAX], seen[32];
    time_t t = (time_t)old->vintage;
    struct tm tm;
    period_format(&obs->period, period, sizeof period);
    gmtime_r(&t, &tm);
    strftime(seen, sizeof seen, "%Y-%m-%d", &tm);
    log_info("%s: %s revised from %.6g to %.6g (the old value was first seen %s)", id, period,
             old->obs.value, obs->value, seen);
}

/* Applies batch `b`'s changes to its series; returns the first changed index. */
static size_t apply_batch(struct store *store, size_t b, bool *revised)
{
    struct pending_batch *batch = &store->batches[b];
    struct series *s = series_get_or_add(store->series, batch->id);
    size_t first = SIZE_MAX;
    for (size_t i = batch->change_begin; s && i < batch->change_end; i++) {
        struct pending_change *c = &store->changes[i];
        const struct stored_observation *old = series_find(s, &c->obs.period);
        if (old) {
            *revised = true;
            log_revision(batch->id, old, &c->obs);
        }
        long at = series_put(s, &c->obs, c->vintage);
        if (at >= 0 && (size_t)at < first)
            first = (size_t)at;
    }
    return first;
}

static void update_view(struct store *store, const struct pending_batch *batch, size_t first,
                        bool revised)
{
    char err[512];
    const struct series *s = series_get(store->series, batch->id);
    if (!s || first == SIZE_MAX)
        return;
    int rc = revised ? rrdview_rebuild(store->rrd, batch->id, batch->kind, s->items, s->n, err,
                                       sizeof err)
                     : rrdview_write(store->rrd, batch->id, batch->kind, s->items, s->n, first,
                                     err, sizeof err);
    if (rc < 0) /* the journal has it; the next start-up check rebuilds the file */
        log_err("%s: RRD file not updated: %s", batch->id, err);
}

static void finish(struct store *store, bool stored, const char *error)
{
    size_t n = store->n_batches;
    store->n_batches = 0;
    store->n_changes = 0;
    for (size_t b = 0; b < n; b++) {
        struct pending_batch *batch = &store->batches[b];
        if (batch->done)
            batch->done(batch->arg, stored, &batch->summary, error);
    }
}

size_t store_commit(struct store *store)
{
    char err[512];
    size_t n = store->n_batches;
    if (n == 0)
        return 0;
    if (journal_commit(store->journal, err, sizeof err) < 0) {
        log_err("journal: %s; %zu collections not stored", err, n);
        finish(store, false, err);
        return n;
    }
    for (size_t b = 0; b < n; b++) {
        bool revised = false;
        size_t first = apply_batch(store, b, &revised);
        update_view(store, &store->batches[b], first, revised);
    }
    finish(store, true, NULL);
    return n;
}

const struct series *store_series(const struct store *store, const char *id)
{
    return series_get(store->series, id);
}

struct rrdview *store_rrdview(struct store *store)
{
    return store->rrd;
}

const char *store_journal_path(const struct store *store)
{
    return journal_path(store->journal);
}
