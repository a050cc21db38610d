/*
 * reporter.c — the daily report in a child process (see reporter.h).
 */
#include "reporter.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "as_of.h"
#include "rrdview.h"
#include "log.h"
#include "report.h"
#include "spawn.h"
#include "timestamp.h"

struct reporter {
    struct loop *loop;
    struct reporter_settings settings;
    struct store *store;
    struct alerting *const *alerting;
    uint64_t timer;
    pid_t child, parent;
    char *dir;                          /* where the running child writes */
    void (*done)(void *arg, bool ok);   /* who asked for it, if anyone */
    void *done_arg;
    int64_t as_of;                      /* of the running child's report; 0: now */
    int64_t compare_to;                 /* its --compare-to moment; 0: none */
    char compare_name[AS_OF_NAME_MAX + 1]; /* the snapshot's name, or "" */
};

int64_t reporter_delay_s(int64_t now, int minute)
{
    int64_t today = now - now % 86400, at = today + (int64_t)minute * 60;
    return at > now ? at - now : at + 86400 - now;
}

struct reporter *reporter_new(struct loop *loop, const struct reporter_settings *settings,
                              struct store *store, struct alerting *const *alerting)
{
    struct reporter *r = calloc(1, sizeof *r);
    if (r)
        *r = (struct reporter){
            .loop = loop, .settings = *settings, .store = store, .alerting = alerting};
    return r;
}

void reporter_use_settings(struct reporter *r, const struct reporter_settings *settings)
{
    r->settings = *settings;
}

void reporter_free(struct reporter *r)
{
    if (!r)
        return;
    if (r->timer)
        loop_cancel_timer(r->loop, r->timer);
    if (r->child > 0) { /* the temp folder it leaves is cleared by the next run */
        kill(r->child, SIGTERM);
        waitpid(r->child, NULL, 0);
    }
    if (r->done)
        r->done(r->done_arg, false);
    free(r->dir);
    free(r);
}

/* A report as known at r->as_of: the journal read again up to then, its
 * graphs drawn from RRD files of its own; no alerts (the daemon's are of
 * today). */
static int write_as_of(struct reporter *r, const struct report_options *o, char *err,
                       size_t errlen)
{
    char views[4096];
    struct report_options at = *o;
    at.as_of = r->as_of;
    struct store *store =
        as_of_store_with_views(&r->settings.store, r->as_of, views, sizeof views, err, errlen);
    if (!store)
        return -1;
    int rc = report_write(r->dir, &r->settings.report, store, NULL, r->as_of, &at, err, errlen);
    store_close(store);
    as_of_views_remove(views);
    return rc;
}

/* report.snapshot: the report's moment, named by its date. */
static void save_snapshot(const struct reporter *r, int64_t t)
{
    char name[AS_OF_NAME_MAX + 1], err[1024];
    if (as_of_snapshot_save_dated(r->settings.store.state_dir, "report", t, name, sizeof name, err,
                                  sizeof err) == 0)
        log_info("report: snapshot %s saved (--as-of %s reads the state of then)", name, name);
    else
        log_err("report: no snapshot saved: %s", err);
}

static void __attribute__((noreturn)) write_in_child(struct reporter *r)
{
    char err[512];
    struct report_options o = {.svg = r->settings.svg};
    spawn_die_with_parent(r->parent); /* a report outliving pejld would race the next one */
    store_leave_journal(r->store); /* the journal lock is pejld's alone */
    setenv("TZ", "UTC", 1);
    tzset();
    if (rrdview_daemon(store_rrdview(r->store)))
        rrdc_disconnect(); /* the parent's connection is not ours to use */
    struct report_compare compare = {.then = r->compare_to,
                                     .name = r->compare_name[0] ? r->compare_name : NULL,
                                     .state_dir = r->settings.store.state_dir};
    if (r->compare_to > 0) { /* the journal as known then, read here: the child's own */
        compare.then_store = store_read_as_of(&r->settings.store, r->compare_to, err, sizeof err);
        if (!compare.then_store) {
            log_err("report: --compare-to: %s; the previous report is as it was", err);
            _exit(1);
        }
        o.compare = &compare, o.compare_to = r->compare_to;
    }
    int64_t now = r->as_of > 0 ? r->as_of : (int64_t)time(NULL);
    int rc = r->as_of > 0 ? write_as_of(r, &o, err, sizeof err)
                          : report_write(r->dir, &r->settings.report, r->store, *r->alerting, now,
                                         &o, err, sizeof err);
    if (rc < 0)
        log_err("report: %s; the previous report is as it was", err);
    else if (r->settings.snapshot)
        save_snapshot(r, now);
    _exit(rc < 0 ? 1 : 0);
}

static void on_child_exit(struct loop *loop, pid_t pid, int status, void *arg)
{
    (void)loop, (void)pid;
    struct reporter *r = arg;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    r->child = 0;
    if (ok)
        log_info("report: written to %s", r->dir);
    else
        log_err("report: the report process failed; the previous report is as it was");
    if (r->done)
        r->done(r->done_arg, ok);
    r->done = NULL;
}

static int start(struct reporter *r, const char *dir)
{
    if (r->child > 0)
        return -1;
    char *copy = strdup(dir);
    if (!copy)
        return -1;
    free(r->dir);
    r->dir = copy;
    fflush(NULL);
    r->parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        log_err("report: cannot fork: %m");
        return -1;
    }
    if (pid == 0)
        write_in_child(r);
    r->child = pid;
    if (loop_watch_child(r->loop, pid, on_child_exit, r) < 0)
        log_err("report: cannot watch process %d", (int)pid);
    return 0;
}

static void on_due(struct loop *loop, void *arg)
{
    (void)loop;
    struct reporter *r = arg;
    r->timer = 0;
    reporter_schedule(r);
    if (r->child <= 0)
        r->as_of = 0, r->compare_to = 0; /* the scheduled report: of today */
    if (start(r, r->settings.dir) < 0)
        log_warn("report: the previous report is still being written; skipping this one");
}

int reporter_run_now(struct reporter *r, const char *dir, void (*done)(void *arg, bool ok), void *arg)
{
    return reporter_run_as_of(r, dir, 0, done, arg);
}

int reporter_run_as_of(struct reporter *r, const char *dir, int64_t as_of,
                       void (*done)(void *arg, bool ok), void *arg)
{
    return reporter_run_compared(r, dir, as_of, 0, NULL, done, arg);
}

int reporter_run_compared(struct reporter *r, const char *dir, int64_t as_of, int64_t compare_to,
                          const char *name, void (*done)(void *arg, bool ok), void *arg)
{
    if (r->child > 0)
        return -1;
    r->as_of = as_of;
    r->compare_to = compare_to;
    snprintf(r->compare_name, sizeof r->compare_name, "%s", name ? name : "");
    if (start(r, dir) < 0)
        return -1;
    r->done = done, r->done_arg = arg;
    return 0;
}

void reporter_schedule(struct reporter *r)
{
    if (r->timer)
        loop_cancel_timer(r->loop, r->timer);
    r->timer = 0;
    if (!r->settings.dir)
        return;
    r->timer = loop_add_timer(
        r->loop, reporter_delay_s((int64_t)time(NULL), r->settings.minute) * 1000, on_due, r);
}
