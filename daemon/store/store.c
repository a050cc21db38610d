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

#include <jansson.h>

#include "array.h"
#include "rrdview.h"
#include "journal.h"
#include "log.h"
#include "period.h"

/* One staged collection. */
struct pending_batch {
    char id[INDICATOR_ID_MAX + 1];
    char **members; /* copies of the member keys; [0] is NULL, the own series */
    size_t n_members, cap_members;
    json_t *member_index; /* member key -> its index in members (jansson's seeded hash) */
    enum pejl_period_kind kind;
    struct ingest_summary summary;
    size_t change_begin, change_end; /* its records among the commit's (journal_staged) */
    store_done_fn done;
    void *arg;
};

struct store {
    struct journal *journal;
    struct series_set *series;
    struct rrdview *rrd;
    struct pending_batch *batches;
    size_t n_batches, cap_batches;
    size_t skipped_missing; /* NaN records replayed and ignored */
    int64_t as_of; /* replay leaves out records of a later vintage; 0: none */
    struct series *replayed; /* the series of the last record replayed */
};

int store_make_directories(const char *path, char *err, size_t errlen)
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

/* Records without a value (NaN: a missing cell that earlier pejld
 * journaled) are skipped: they are neither a series' latest value nor what
 * a later value revises. */
static int replay_record(void *arg, const struct journal_record *r)
{
    struct store *store = arg;
    if (store->as_of > 0 && r->vintage > store->as_of)
        return 0; /* not yet known then: each period keeps the value it had */
    if (isnan(r->obs.value)) {
        store->skipped_missing++;
        return 0;
    }
    /* A commit's records come series by series: the last one is likely
     * the one again, without hashing its key. */
    struct series *s = store->replayed;
    if (!s || strcmp(s->id, r->indicator) != 0)
        s = store->replayed = series_get_or_add(store->series, r->indicator);
    return s && series_put(s, &r->obs, r->vintage) >= 0 ? 0 : -1;
}

struct store *store_open(const struct store_settings *settings, char *err, size_t errlen)
{
    struct store *store = calloc(1, sizeof *store);
    if (!store)
        return NULL;
    if (store_make_directories(settings->state_dir, err, errlen) < 0 ||
        store_make_directories(settings->rrd_dir, err, errlen) < 0 ||
        store_make_directories(settings->graph_dir, err, errlen) < 0 ||
        !(store->series = series_set_new()) ||
        !(store->journal = journal_open(settings->state_dir, replay_record, store, err, errlen))) {
        store_close(store);
        return NULL;
    }
    log_info("journal %s: %llu records, %zu series", journal_path(store->journal),
             (unsigned long long)journal_records(store->journal), series_count(store->series));
    if (store->skipped_missing > 0)
        log_info("journal: %zu record%s of a missing cell (nan, by an earlier pejld) ignored",
                 store->skipped_missing, store->skipped_missing == 1 ? "" : "s");
    return store;
}

struct store *store_read(const struct store_settings *settings, char *err, size_t errlen)
{
    return store_read_as_of(settings, 0, err, errlen);
}

struct store *store_read_as_of(const struct store_settings *settings, int64_t as_of, char *err,
                               size_t errlen)
{
    struct store *store = calloc(1, sizeof *store);
    if (store)
        store->as_of = as_of;
    if (!store || !(store->series = series_set_new()) ||
        !(store->rrd = rrdview_new(settings->rrd_dir, settings->rrdcached))) {
        snprintf(err, errlen, "out of memory");
        store_close(store);
        return NULL;
    }
    if (journal_read(settings->state_dir, replay_record, store, err, errlen) < 0) {
        store_close(store);
        return NULL;
    }
    return store; /* its RRD view is only read from (graphs), never checked or written */
}

void store_close(struct store *store)
{
    if (!store)
        return;
    journal_close(store->journal);
    series_set_free(store->series);
    rrdview_free(store->rrd);
    free(store->batches);
    free(store);
}

void store_leave_journal(struct store *store)
{
    journal_leave(store->journal);
}

struct view_check {
    struct store *store;
    enum pejl_period_kind kind;
};

static void check_one_view(const struct series *s, void *arg)
{
    const struct view_check *vc = arg;
    char err[512];
    if (s->n == 0 ||
        rrdview_check(vc->store->rrd, s->id, vc->kind, s->items, s->n, err, sizeof err) == 0)
        return;
    log_warn("%s: RRD file does not match the journal (%s); rebuilding it", s->id, err);
    if (rrdview_rebuild(vc->store->rrd, s->id, vc->kind, s->items, s->n, err, sizeof err) < 0)
        log_err("%s: cannot rebuild its RRD file: %s", s->id, err);
}

static void check_view(struct store *store, const struct indicator *ind)
{
    struct view_check vc = {store, ind->frequency};
    const struct series *s = series_get(store->series, ind->id);
    if (s)
        check_one_view(s, &vc);
    series_each_member(store->series, ind->id, check_one_view, &vc);
}

int store_use_settings(struct store *store, const struct store_settings *settings)
{
    struct rrdview *view = rrdview_new(settings->rrd_dir, settings->rrdcached);
    if (!view)
        return -1;
    rrdview_free(store->rrd);
    store->rrd = view;
    for (size_t i = 0; i < settings->n_indicators; i++)
        check_view(store, &settings->indicators[i]);
    return 0;
}

/* Writes one series' RRD file afresh (store_draw_from). */
static void draw_one_view(const struct series *s, void *arg)
{
    const struct view_check *vc = arg;
    char err[512];
    if (s->n > 0 &&
        rrdview_rebuild(vc->store->rrd, s->id, vc->kind, s->items, s->n, err, sizeof err) < 0)
        log_err("%s: cannot write its RRD file: %s", s->id, err);
}

int store_draw_from(struct store *store, const struct store_settings *settings)
{
    struct rrdview *view = rrdview_new(settings->rrd_dir, settings->rrdcached);
    if (!view)
        return -1;
    rrdview_free(store->rrd);
    store->rrd = view;
    for (size_t i = 0; i < settings->n_indicators; i++) {
        const struct indicator *ind = &settings->indicators[i];
        struct view_check vc = {store, ind->frequency};
        const struct series *s = series_get(store->series, ind->id);
        if (s)
            draw_one_view(s, &vc);
        series_each_member(store->series, ind->id, draw_one_view, &vc);
    }
    return 0;
}

static int grow_array(void **items, size_t *cap, size_t n, size_t size)
{
    return array_grow(items, cap, n + 1, size);
}

/* Index of `member` in the batch's keys, adding it; 0 for NULL. Found
 * through a hash: a panel's members may come in any order, and a linear
 * search made 20,000 of them take 2 s. */
static long member_index(struct pending_batch *batch, const char *member)
{
    if (!member)
        return 0;
    json_t *known = json_object_get(batch->member_index, member);
    if (known)
        return (long)json_integer_value(known);
    if (grow_array((void **)&batch->members, &batch->cap_members, batch->n_members,
                   sizeof *batch->members) < 0 ||
        !(batch->members[batch->n_members] = strdup(member)))
        return -1;
    if (json_object_set_new(batch->member_index, member,
                            json_integer((json_int_t)batch->n_members)) < 0) {
        free(batch->members[batch->n_members]);
        return -1;
    }
    return (long)batch->n_members++;
}

static void free_members(struct pending_batch *batch)
{
    for (size_t i = 0; i < batch->n_members; i++)
        free(batch->members[i]);
    free(batch->members);
    json_decref(batch->member_index);
    batch->members = NULL;
    batch->member_index = NULL;
    batch->n_members = batch->cap_members = 0;
}

/* Keeps the largest change in `largest`, for the revision alert. */
static void keep_largest(struct figure_change *largest, const char *key, double from,
                         const struct pejl_observation *obs)
{
    double pct = fabs(obs->value / from - 1) * 100;
    if (from == 0 || !(pct > largest->pct))
        return; /* a status change, or nothing to measure a change against */
    largest->pct = pct;
    snprintf(largest->series, sizeof largest->series, "%s", key);
    largest->period = obs->period;
    largest->from = from;
    largest->to = obs->value;
}

/* Counts a revision, or the update of a figure that was provisional when
 * first seen, and keeps the largest of each. */
static void note_revision(struct ingest_summary *sum, const char *key,
                          const struct stored_observation *previous, const struct pejl_observation *obs)
{
    double from = previous->obs.value;
    if (series_provisional(previous)) {
        sum->provisional_updated++;
        keep_largest(&sum->provisional, key, from, obs);
        return;
    }
    sum->revised++;
    struct figure_change largest = {.pct = sum->revision_pct};
    keep_largest(&largest, key, from, obs);
    if (largest.pct == sum->revision_pct)
        return;
    sum->revision_pct = largest.pct;
    snprintf(sum->revised_series, sizeof sum->revised_series, "%s", key);
    sum->revised_period = obs->period;
    sum->revised_from = from;
    sum->revised_to = obs->value;
}

static int stage_one(struct store *store, const struct series *s, const struct pejl_observation *obs,
                     int64_t vintage, struct pending_batch *batch, const char *key)
{
    const struct stored_observation *previous;
    batch->summary.received++;
    if (isnan(obs->value)) { /* a missing cell: no value, so no change to store */
        batch->summary.missing++;
        return 0;
    }
    enum series_change change = series_classify(s, obs, &previous);
    if (change == SERIES_SAME) {
        batch->summary.unchanged++;
        return 0;
    }
    if (change == SERIES_NEW)
        batch->summary.added++;
    else
        note_revision(&batch->summary, key, previous, obs);
    /* The journal holds the change until its commit, and gives it back then
     * (store_commit): nothing of it is kept here a second time. */
    struct journal_record record = {.indicator = key, .obs = *obs, .vintage = vintage};
    record.obs.member = NULL;
    return journal_stage(store->journal, &record);
}

/* Stages every observation; the current series is looked up once per member. */
static int stage_all(struct store *store, struct pending_batch *batch,
                     const struct pejl_observation *obs, size_t n, int64_t vintage)
{
    char key[SERIES_KEY_MAX + 1];
    long member = -1;
    const struct series *s = NULL;
    for (size_t i = 0; i < n; i++) {
        long m = member_index(batch, obs[i].member);
        if (m < 0)
            return -1;
        if (m != member) {
            member = m;
            if (series_key(key, sizeof key, batch->id, batch->members[m]) < 0)
                return -1;
            s = series_get(store->series, key);
        }
        if (stage_one(store, s, &obs[i], vintage, batch, key) < 0)
            return -1;
    }
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
    batch->change_begin = journal_staged(store->journal);
    struct journal_mark mark = journal_mark(store->journal);
    batch->members = calloc(1, sizeof *batch->members); /* [0]: the own series */
    batch->n_members = batch->cap_members = batch->members ? 1 : 0;
    batch->member_index = json_object();
    if (!batch->members || !batch->member_index || stage_all(store, batch, obs, n, vintage) < 0) {
        log_err("%s: out of memory while staging observations", ind->id);
        journal_rollback(store->journal, mark);
        free_members(batch);
        return -1;
    }
    batch->change_end = journal_staged(store->journal);
    store->n_batches++;
    return 0;
}

void store_summary_text(const struct ingest_summary *sum, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%zu observations: %zu new, %zu revised, %zu unchanged",
                     sum->received, sum->added, sum->revised, sum->unchanged);
    if (sum->missing > 0 && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, ", %zu missing", sum->missing);
    if (sum->provisional_updated > 0 && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ", %zu provisional updated", sum->provisional_updated);
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
    if (series_provisional(old)) /* a provisional figure growing is not news */
        log_debug("%s: %s updated from %.6g to %.6g (provisional when first seen %s)", id, period,
                  old->obs.value, obs->value, seen);
    else
        log_info("%s: %s revised from %.6g to %.6g (the old value was first seen %s)", id, period,
                 old->obs.value, obs->value, seen);
}

static void update_view(struct store *store, const struct series *s, enum pejl_period_kind kind,
                        size_t first, bool revised)
{
    char err[512];
    int rc = revised ? rrdview_rebuild(store->rrd, s->id, kind, s->items, s->n, err, sizeof err)
                     : rrdview_write(store->rrd, s->id, kind, s->items, s->n, first, err,
                                     sizeof err);
    if (rc < 0) /* the journal has it; the next start-up check rebuilds the file */
        log_err("%s: RRD file not updated: %s", s->id, err);
}

/* Applying a commit's records as the journal gives them back: a run of
 * records of one series at a time, its RRD file brought up to date when the
 * run ends (collections send a series' observations together). */
struct applying {
    struct store *store;
    size_t batch, record; /* the batch the next record belongs to; records so far */
    struct series *series; /* of the current run, or NULL */
    enum pejl_period_kind kind;
    size_t first; /* the run's lowest index put, or SIZE_MAX */
    bool revised;
};

static void end_run(struct applying *a)
{
    if (a->series && a->first != SIZE_MAX)
        update_view(a->store, a->series, a->kind, a->first, a->revised);
    a->series = NULL;
}

static int apply_record(void *arg, const struct journal_record *r)
{
    struct applying *a = arg;
    struct store *store = a->store;
    while (a->batch < store->n_batches && a->record >= store->batches[a->batch].change_end)
        a->batch++;
    a->record++;
    if (a->batch == store->n_batches)
        return -1; /* more records than were staged */
    enum pejl_period_kind kind = store->batches[a->batch].kind;
    if (!a->series || strcmp(a->series->id, r->indicator) != 0 || kind != a->kind) {
        end_run(a);
        *a = (struct applying){.store = store, .batch = a->batch, .record = a->record,
                               .series = series_get_or_add(store->series, r->indicator),
                               .kind = kind, .first = SIZE_MAX};
        if (!a->series)
            return -1;
    }
    const struct stored_observation *old = series_find(a->series, &r->obs.period);
    if (old) {
        a->revised = true;
        log_revision(r->indicator, old, &r->obs);
    }
    long at = series_put(a->series, &r->obs, r->vintage);
    if (at < 0)
        return -1;
    if ((size_t)at < a->first)
        a->first = (size_t)at;
    return 0;
}

/* The committed records, read back from the journal, into the series and
 * the RRD files. If that fails the journal still has them: the next
 * start-up replays them and rebuilds what disagrees. */
static void apply_commit(struct store *store)
{
    char err[512];
    struct applying a = {.store = store, .first = SIZE_MAX};
    if (journal_each_committed(store->journal, apply_record, &a, err, sizeof err) < 0)
        log_err("%s; the series in memory lack part of it until pejld restarts", err);
    end_run(&a);
}

static void finish(struct store *store, bool stored, const char *error)
{
    size_t n = store->n_batches;
    store->n_batches = 0;
    for (size_t b = 0; b < n; b++) {
        struct pending_batch *batch = &store->batches[b];
        if (batch->done)
            batch->done(batch->arg, stored, &batch->summary, error);
        free_members(batch);
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
    apply_commit(store);
    finish(store, true, NULL);
    return n;
}

const struct series *store_series(const struct store *store, const char *id)
{
    return series_get(store->series, id);
}

bool store_value_at(void *arg, const char *indicator, const char *member, int64_t end,
                    double *value, uint32_t *status, bool *exact)
{
    struct store *store = arg;
    char key[SERIES_KEY_MAX + 1];
    if (series_key(key, sizeof key, indicator, member) < 0)
        return false;
    const struct series *s = series_get(store->series, key);
    for (size_t i = s ? s->n : 0; i-- > 0;) {
        int64_t e = period_end(&s->items[i].obs.period);
        if (e <= end && !isnan(s->items[i].obs.value)) {
            *value = s->items[i].obs.value;
            *status = s->items[i].obs.status;
            *exact = e == end;
            return true;
        }
    }
    return false;
}

const struct series_set *store_series_set(const struct store *store)
{
    return store->series;
}

struct rrdview *store_rrdview(struct store *store)
{
    return store->rrd;
}

const char *store_journal_path(const struct store *store)
{
    return journal_path(store->journal);
}

uint64_t store_journal_bytes(const struct store *store)
{
    return store->journal ? journal_bytes(store->journal) : 0;
}

uint64_t store_journal_records(const struct store *store)
{
    return store->journal ? journal_records(store->journal) : 0;
}

int store_journal_health(const struct store *store, char *why, size_t whylen)
{
    if (!store->journal) {
        snprintf(why, whylen, "the journal is open read-only");
        return -1;
    }
    return journal_health(store->journal, why, whylen);
}
