/*
 * pejl.c — the series ingested through pejl's own path: store_stage() per
 * series, then one store_commit() for all (group commit: one fdatasync, as
 * the daemon does for collections finishing in one loop pass), or one
 * store_commit() per series (N fdatasyncs) to show what group commit saves.
 *
 * bench_ingest is linked with --wrap=write,--wrap=fdatasync, so the
 * journal's write() and fdatasync() calls in pejlcore come through the
 * wrappers below and are timed: that splits store_commit() into journal
 * write, fdatasync and the rest (series and RRD files).
 */
#include "ingest.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "store.h"

ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

/* The wrappers' tally: global because the linker routes plain calls here. */
static struct io_tally {
    double write_s, fsync_s;
    unsigned long fsyncs;
} io;

ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
    double t0 = bench_now();
    ssize_t n = __real_write(fd, buf, len);
    int saved = errno; /* the journal reads it */
    io.write_s += bench_now() - t0;
    errno = saved;
    return n;
}

int __wrap_fdatasync(int fd)
{
    double t0 = bench_now();
    int rc = __real_fdatasync(fd);
    int saved = errno;
    io.fsync_s += bench_now() - t0;
    io.fsyncs++;
    errno = saved;
    return rc;
}

struct told {
    size_t stored, failed, added;
};

struct pejl_run {
    char state[PATH_MAX], rrd[PATH_MAX], graphs[PATH_MAX];
    struct store_settings settings;
    struct store *store;
    struct pejl_observation *obs;
    struct told told;
};

static void count_done(void *arg, bool stored, const struct ingest_summary *summary,
                       const char *error)
{
    struct told *told = arg;
    (void)error;
    if (!stored) {
        told->failed++;
        return;
    }
    told->stored++;
    told->added += summary->added;
}

static int open_store(struct pejl_run *run, const struct bench_params *p, struct variant_result *r)
{
    snprintf(run->state, sizeof run->state, "%s/state", p->dir);
    snprintf(run->rrd, sizeof run->rrd, "%s/rrd", p->dir);
    snprintf(run->graphs, sizeof run->graphs, "%s/graphs", p->dir);
    run->settings = (struct store_settings){
        .state_dir = run->state, .rrd_dir = run->rrd, .graph_dir = run->graphs};
    run->store = store_open(&run->settings, r->error, sizeof r->error);
    if (!run->store)
        return -1;
    if (store_use_settings(run->store, &run->settings) == 0)
        return 0;
    snprintf(r->error, sizeof r->error, "store_use_settings failed");
    return -1;
}

static int stage_series(struct pejl_run *run, const struct bench_params *p, size_t series,
                        struct variant_result *r)
{
    char id[16];
    synth_id(series, id, sizeof id);
    struct indicator indicator = {.id = id, .frequency = PEJL_PERIOD_MONTH};
    synth_observations(series, p->n_months, run->obs);
    if (store_stage(run->store, &indicator, run->obs, p->n_months, BENCH_VINTAGE, count_done,
                    &run->told) == 0)
        return 0;
    snprintf(r->error, sizeof r->error, "%s: store_stage failed", id);
    return -1;
}

static void commit(struct pejl_run *run, struct variant_result *r)
{
    double t0 = bench_now();
    store_commit(run->store);
    r->commit_s += bench_now() - t0;
}

static int ingest(struct pejl_run *run, const struct bench_params *p, bool commit_each,
                  struct variant_result *r)
{
    for (size_t i = 0; i < p->n_series; i++) {
        double t0 = bench_now();
        if (stage_series(run, p, i, r) < 0)
            return -1;
        r->stage_s += bench_now() - t0;
        if (commit_each)
            commit(run, r);
    }
    if (!commit_each)
        commit(run, r);
    return 0;
}

static int check_told(const struct told *told, const struct bench_params *p,
                      struct variant_result *r)
{
    if (told->stored == p->n_series && told->failed == 0 &&
        told->added == p->n_series * p->n_months)
        return 0;
    snprintf(r->error, sizeof r->error,
             "store told %zu collections stored, %zu failed, %zu observations added "
             "(expected %zu, 0, %zu)",
             told->stored, told->failed, told->added, p->n_series, p->n_series * p->n_months);
    return -1;
}

static int run_pejl(const struct bench_params *p, struct variant_result *r, bool commit_each)
{
    struct pejl_run *run = calloc(1, sizeof *run);
    if (!run || !(run->obs = calloc(p->n_months, sizeof *run->obs))) {
        free(run);
        snprintf(r->error, sizeof r->error, "out of memory");
        return -1;
    }
    log_init(LOG_LEVEL_WARNING, LOG_TO_STDERR);
    double t0 = bench_now();
    int rc = open_store(run, p, r);
    io = (struct io_tally){0}; /* the journal header's fdatasync is not a commit */
    if (rc == 0)
        rc = ingest(run, p, commit_each, r);
    store_close(run->store);
    r->wall_s = bench_now() - t0;
    r->journal_write_s = io.write_s;
    r->fsync_s = io.fsync_s;
    r->fsyncs = io.fsyncs;
    if (rc == 0)
        rc = check_told(&run->told, p, r);
    free(run->obs);
    free(run);
    return rc;
}

int run_pejl_group(const struct bench_params *p, struct variant_result *r)
{
    return run_pejl(p, r, false);
}

int run_pejl_each(const struct bench_params *p, struct variant_result *r)
{
    return run_pejl(p, r, true);
}
