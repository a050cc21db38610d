/*
 * pejld_commands.c — the wiring between the control socket's commands
 * (control/commands.c) and the daemon: what they see of its context and
 * what they may ask of it, so that control/ never includes pejld.h.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "as_of.h"
#include "log.h"
#include "offload.h"
#include "pejld.h"
#include "rrdview.h"
#include "spawn.h"
#include "verify.h"

static void state(void *arg, struct commands_state *out)
{
    struct pejld *d = arg;
    *out = (struct commands_state){
        .indicators = d->config->indicators,
        .n_indicators = d->config->n_indicators,
        .by_id = d->config->by_id.n ? &d->config->by_id : NULL,
        .graph_dir = d->config->graph_dir,
        .keep_out = report_dir_keep_out(d->config),
        .config_path = d->config_path,
        .store = d->store,
        .alerting = d->alerting,
        .outbox = d->outbox,
        .reporter = d->reporter,
        .collections_failed = d->collections_failed,
        .now = pejld_now(d),
        .store_settings = pejld_store_settings(d->config),
        .as_of_reads = d->as_of_reads,
    };
}

static int reload(void *arg)
{
    return pejld_reload(arg);
}

static int collect_now(void *arg, const char *id)
{
    return pejld_collect_now(arg, id);
}

/* VERIFY: the indicators of the running config, through the daemon's
 * fetcher; the verification holds that config until it is done. */
static void *verify(void *arg, const char *const *ids, size_t n, commands_verified_fn done,
                    void *done_arg)
{
    struct pejld *d = arg;
    const struct indicator **inds = calloc(n ? n : 1, sizeof *inds);
    struct verification *v = NULL;
    for (size_t i = 0; inds && i < n; i++)
        if (!(inds[i] = config_find(d->config, ids[i]))) {
            free(inds);
            return NULL;
        }
    struct verify_settings settings = {.file = d->config->path,
                                       .collect = pejld_collect_settings(d->config)};
    if (inds)
        v = verify_start(&d->fetcher, &settings, inds, n, done, done_arg);
    free(inds);
    return v;
}

static void verify_stop(void *arg, void *verification)
{
    (void)arg;
    verify_cancel(verification);
}

/* GRAPH ID as-of=TIME: drawn by a child of its own into a folder of its
 * own, from the journal read up to then (the daemon's RRD files and PNGs
 * are today's and stay as they are). */
struct graph_as_of_job {
    char dir[4096], png[4200];
    void (*done)(void *arg, const char *png);
    void *done_arg;
};

static void __attribute__((noreturn)) draw_as_of(struct pejld *d, const char *id, int64_t as_of,
                                                  const char *dir, pid_t parent)
{
    char views[4096], err[1024];
    spawn_die_with_parent(parent);
    store_leave_journal(d->store); /* the journal lock is pejld's alone */
    setenv("TZ", "UTC", 1);
    tzset();
    if (rrdview_daemon(store_rrdview(d->store)))
        rrdc_disconnect(); /* the parent's connection is not ours to use */
    struct store_settings settings = pejld_store_settings(d->config);
    struct store *store =
        as_of_store_with_views(&settings, as_of, views, sizeof views, err, sizeof err);
    if (!store) {
        log_err("graph of %s as of then: %s", id, err);
        _exit(1);
    }
    struct graph_settings graphs = pejld_graph_settings(d->config);
    graphs.graph_dir = dir; /* ID.png and its key, in the job's own folder */
    int rc = grapher_draw_one(&graphs, store, id, as_of);
    store_close(store);
    as_of_views_remove(views);
    _exit(rc == 0 ? 0 : 1); /* GRAPHER_UNCHANGED: nothing stored then, no graph */
}

static void graph_as_of_ended(struct loop *loop, pid_t pid, int status, void *arg)
{
    (void)loop, (void)pid;
    struct graph_as_of_job *job = arg;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && access(job->png, R_OK) == 0;
    job->done(job->done_arg, ok ? job->png : NULL);
    as_of_views_remove(job->dir); /* the folder and what is in it are the job's own */
    free(job);
}

static int graph_as_of(void *arg, const char *id, int64_t as_of,
                       void (*done)(void *done_arg, const char *png), void *done_arg)
{
    struct pejld *d = arg;
    struct graph_as_of_job *job = calloc(1, sizeof *job);
    const char *tmp = getenv("TMPDIR");
    if (!job)
        return -1;
    *job = (struct graph_as_of_job){.done = done, .done_arg = done_arg};
    snprintf(job->dir, sizeof job->dir, "%s/pejl-graph.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(job->dir)) {
        log_err("graph as of then: cannot create a folder in %s: %m", tmp && *tmp ? tmp : "/tmp");
        free(job);
        return -1;
    }
    snprintf(job->png, sizeof job->png, "%s/%s.png", job->dir, id);
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        draw_as_of(d, id, as_of, job->dir, parent);
    if (pid < 0 || loop_watch_child(d->loop, pid, graph_as_of_ended, job) < 0) {
        log_err("graph as of then: cannot start its process");
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        rmdir(job->dir);
        free(job);
        return -1;
    }
    return 0;
}

/* In an as-of read's child: what is the daemon's alone. */
static void as_of_read_child(void *arg)
{
    struct pejld *d = arg;
    store_leave_journal(d->store); /* the journal lock is pejld's alone */
    if (rrdview_daemon(store_rrdview(d->store)))
        rrdc_disconnect(); /* the parent's connection is not ours to use */
}

void pejld_commands_init(struct pejld *d)
{
    const struct offload_settings reads = {.what = "as-of read",
                                           .max_jobs = PEJLD_AS_OF_READS,
                                           .timeout_ms = PEJLD_AS_OF_READ_TIMEOUT_MS,
                                           .max_bytes = CONTROL_REPLY_MAX,
                                           .in_child = as_of_read_child,
                                           .in_child_arg = d};
    if (!d->as_of_reads && !(d->as_of_reads = offload_new(d->loop, &reads)))
        log_err("as-of reads: out of memory; status --as-of and revisions will fail");
    d->commands.daemon = (struct commands_daemon){
        .arg = d, .state = state, .reload = reload, .collect_now = collect_now,
        .verify = verify, .verify_cancel = verify_stop, .graph_as_of = graph_as_of};
}
