/*
 * daemon.c — pejld at run time: collections started by the scheduler (or
 * all at once with --once), their observations staged and group-committed
 * before every wait of the loop, alerts checked after each collection and
 * every evaluation_interval, graphs redrawn for what changed, and the
 * signals: TERM/INT stop, HUP reload, USR1 flush.
 */
#include "pejld.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "rrdview.h"
#include "collect.h"
#include "commands.h"
#include "log.h"
#include "notifier.h"
#include "status.h"
#include "timestamp.h"
#include "url.h"

#define FIRST_RUN_SPREAD_MS 5000

struct job {
    struct pejld *d;
    char id[INDICATOR_ID_MAX + 1];
    struct collection *collection; /* while it runs; NULL once collected */
    struct job *next;              /* in d->jobs */
};

static void sd_state(const char *state)
{
    sd_notify(0, state);
}

/* One line for `systemctl status`: how the alerts stand, and the last collection. */
static void sd_status(const struct pejld *d)
{
    const struct alert_ledger *l = alerting_ledger(d->alerting);
    size_t count[4] = {0};
    int64_t last = 0;
    char when[TIMESTAMP_TEXT_MAX] = "none yet", line[256];
    for (size_t i = 0; i < l->n_alerts; i++)
        if (!l->alerts[i].orphan)
            count[l->alerts[i].state]++;
    for (size_t i = 0; i < l->n_collections; i++)
        if (l->collections[i].record.last_attempt > last)
            last = l->collections[i].record.last_attempt;
    if (last)
        timestamp_format(last, when, sizeof when);
    snprintf(line, sizeof line, "STATUS=%zu indicators; alerts: %zu critical, %zu warning, %zu unknown, %zu ok; "
             "last collection %s", d->config->n_indicators, count[ALERT_CRITICAL], count[ALERT_WARNING],
             count[ALERT_UNKNOWN], count[ALERT_OK], when);
    sd_state(line);
}

/* WATCHDOG=1 from the loop itself (sd-event's): a loop that hangs stops the pings. */
static void start_watchdog(struct pejld *d)
{
    if (loop_watchdog(d->loop) < 0)
        log_warn("watchdog: cannot ping systemd from the loop: %s; systemd may restart pejld",
                 strerror(errno));
}

static int start_collection(void *arg, const char *id);

int64_t pejld_now(const struct pejld *d)
{
    return d->now_override ? d->now_override : (int64_t)time(NULL);
}

struct store_settings pejld_store_settings(const struct config *config)
{
    return (struct store_settings){
        .state_dir = config->state_dir,
        .rrd_dir = config->rrd_dir,
        .graph_dir = config->graph_dir,
        .rrdcached = config->rrdcached,
        .indicators = config->indicators,
        .n_indicators = config->n_indicators,
    };
}

struct graph_settings pejld_graph_settings(const struct config *config)
{
    return (struct graph_settings){
        .indicators = config->indicators,
        .n_indicators = config->n_indicators,
        .language = config->language,
        .graph_dir = config->graph_dir,
        .by_id = config->by_id.n ? &config->by_id : NULL,
        .width = config->graph_width,
        .scale = config->graph_scale,
        .events = config->events,
        .n_events = config->n_events,
    };
}

struct outbox_delivery pejld_outbox_delivery(const struct config *config)
{
    return (struct outbox_delivery){
        .receivers = config->receivers,
        .n_receivers = config->n_receivers,
        .limits = config->outbox,
        .tries = config->http.tries,
    };
}

struct notifier_settings pejld_notifier_settings(const struct config *config)
{
    return (struct notifier_settings){
        .indicators = config->indicators,
        .n_indicators = config->n_indicators,
        .receivers = config->receivers,
        .n_receivers = config->n_receivers,
        .routes = config->routes,
        .n_routes = config->n_routes,
        .external_url = config->external_url,
        .graph_dir = config->graph_dir,
        .by_id = config->by_id.n ? &config->by_id : NULL,
        .language = config->language,
    };
}

static void hold_config(void *config)
{
    config_ref(config);
}

static void release_config(void *config)
{
    config_unref(config);
}

struct collect_settings pejld_collect_settings(struct config *config)
{
    return (struct collect_settings){
        .dir = config->dir, .owner = config, .hold = hold_config, .release = release_config};
}

struct reporter_settings pejld_reporter_settings(const struct config *config)
{
    return (struct reporter_settings){
        .report = {.graphs = pejld_graph_settings(config), .keep_out = report_dir_keep_out(config)},
        .dir = config->report_dir,
        .minute = config->report_minute,
        .svg = config->report_svg,
        .snapshot = config->report_snapshot,
        .store = pejld_store_settings(config),
    };
}

static void notify_due(struct loop *loop, void *arg);

/* Tells the receivers what is due, and wakes up when the next thing is. */
static void notify_receivers(struct pejld *d)
{
    int64_t now = pejld_now(d), next;
    if (!d->outbox || (d->mode == MODE_ONCE && !d->once_notified))
        return; /* --once tells the receivers once, at the end */
    struct notifier_settings settings = pejld_notifier_settings(d->config);
    next = notifier_run(d->alerting, &settings, d->store, d->outbox, now, d->mode == MODE_ONCE);
    if (d->mode == MODE_DAEMON)
        sd_status(d);
    if (d->notify_timer)
        loop_cancel_timer(d->loop, d->notify_timer);
    d->notify_timer = next && d->mode == MODE_DAEMON
                          ? loop_add_timer(d->loop, (next - now) * 1000, notify_due, d)
                          : 0;
}

static void notify_due(struct loop *loop, void *arg)
{
    (void)loop;
    struct pejld *d = arg;
    d->notify_timer = 0;
    notify_receivers(d);
}

/* A collection ended: its record, then its alerts. */
static void collection_ended(struct pejld *d, const char *id, bool ok, const char *error,
                             const struct ingest_summary *sum)
{
    if (!ok)
        d->collections_failed++;
    /* when it happened is the clock's; --now only moves the evaluation */
    alerting_collected(d->alerting, id, ok, error, sum, (int64_t)time(NULL));
    alerting_evaluate(d->alerting, d->config->indicators, d->config->n_indicators, d->store, id,
                      pejld_now(d), true);
    notify_receivers(d);
    commands_collected(&d->commands, id, ok, error, sum);
}

/* --once in two rounds: indicators derived from another (per_million) start
 * after every other one has been collected and stored. */
static void start_once(struct pejld *d, bool dependents)
{
    for (size_t i = 0; i < d->config->n_indicators; i++) {
        const struct indicator *ind = &d->config->indicators[i];
        if ((ind->derive.per_million != NULL) == dependents)
            start_collection(d, ind->id);
    }
}

/* --once ends when every collection is stored, every graph drawn, and
 * every notification tried once (the rest waits in the outbox). */
static void notify_receivers(struct pejld *d);

static void once_maybe_done(struct pejld *d)
{
    if (d->mode != MODE_ONCE || !d->once_collected || grapher_busy(d->grapher))
        return;
    if (!d->once_notified) { /* the graphs are drawn: e-mail can attach them */
        d->once_notified = true;
        notify_receivers(d);
    }
    if (!d->outbox || outbox_settled(d->outbox))
        loop_stop(d->loop);
}

static void on_outbox_settled(void *arg)
{
    once_maybe_done(arg);
}

/* --once: after the last collection, draw every graph, then stop. */
static void once_collected(struct pejld *d)
{
    for (size_t i = 0; i < d->config->n_indicators; i++)
        grapher_request(d->grapher, d->config->indicators[i].id);
    d->once_collected = true;
    once_maybe_done(d);
}

static void forget_job(struct job *job)
{
    for (struct job **p = &job->d->jobs; *p; p = &(*p)->next)
        if (*p == job) {
            *p = job->next;
            break;
        }
}

static void job_finished(struct job *job)
{
    struct pejld *d = job->d;
    forget_job(job);
    d->collections_running--;
    if (d->mode == MODE_DAEMON)
        scheduler_finished(d->scheduler, job->id);
    free(job);
    if (d->mode == MODE_DAEMON || d->collections_running > 0)
        return;
    if (!d->dependents_started) {
        /* now the indicators derived from others, with those stored */
        d->dependents_started = true;
        start_once(d, true);
    }
    if (d->collections_running == 0)
        once_collected(d);
}

/* Indicators derived from `id` (per_million) are out of date once it changed:
 * collect them again now rather than at their next interval. */
static void refresh_dependents(struct pejld *d, const char *id)
{
    const struct config_dependents *dependents = config_dependents_of(d->config, id);
    for (size_t i = 0; dependents && i < dependents->n; i++) {
        log_info("%s: collecting again, as %s changed", dependents->items[i]->id, id);
        scheduler_run_now(d->scheduler, dependents->items[i]->id);
    }
}

static void on_stored(void *arg, bool stored, const struct ingest_summary *sum, const char *error)
{
    struct job *job = arg;
    collection_ended(job->d, job->id, stored, error, sum);
    if (!stored) {
        log_with(LOG_LEVEL_ERROR, &(struct log_fields){.indicator = job->id, .event = "store_failed"},
                 "%s: observations not stored: %s", job->id, error);
    } else {
        char words[200];
        store_summary_text(sum, words, sizeof words);
        log_with(LOG_LEVEL_INFO, &(struct log_fields){.indicator = job->id, .event = "collected"},
                 "%s: %s", job->id, words);
        if (sum->added + sum->revised + sum->provisional_updated > 0 &&
            job->d->mode == MODE_DAEMON) {
            grapher_request(job->d->grapher, job->id);
            refresh_dependents(job->d, job->id);
        }
    }
    job_finished(job);
}

static void on_collected(struct collection *c, void *arg)
{
    struct job *job = arg;
    struct pejld *d = job->d;
    job->collection = NULL; /* ours to free below */
    if (c->failed) {
        collection_ended(d, job->id, false, c->error, NULL);
        log_with(LOG_LEVEL_ERROR, &(struct log_fields){.indicator = job->id, .event = "collection_failed"},
                 "%s: collection failed: %s; its stored data is kept", job->id, c->error);
        collect_free(c);
        job_finished(job);
        return;
    }
    struct pejl_observation *derived = NULL;
    size_t n = c->n;
    char err[512];
    if (c->indicator->derive.active) {
        struct derive_input in = {.spec = &c->indicator->derive, .frequency = c->indicator->frequency,
                                  .lookup = store_value_at, .lookup_arg = d->store};
        if (derive_apply(&in, c->obs, c->n, &derived, &n, err, sizeof err) < 0) {
            collection_ended(d, job->id, false, err, NULL);
            log_err("%s: %s; its stored data is kept", job->id, err);
            collect_free(c);
            job_finished(job);
            return;
        }
    }
    int64_t vintage = d->vintage_override ? d->vintage_override : (int64_t)time(NULL);
    int rc = store_stage(d->store, c->indicator, derived ? derived : c->obs, n, vintage, on_stored,
                         job);
    free(derived);
    collect_free(c);
    if (rc < 0) {
        collection_ended(d, job->id, false, "out of memory while staging", NULL);
        job_finished(job);
    }
}

static int start_collection(void *arg, const char *id)
{
    struct pejld *d = arg;
    const struct indicator *ind = config_find(d->config, id);
    struct job *job = calloc(1, sizeof *job);
    if (!ind || !job) {
        free(job);
        return -1;
    }
    job->d = d;
    snprintf(job->id, sizeof job->id, "%s", id);
    log_debug("%s: collecting with %s", id, ind->collector->name);
    struct collect_settings settings = pejld_collect_settings(d->config);
    if (!(job->collection = collect_start(&d->fetcher, &settings, ind, on_collected, job))) {
        log_err("%s: cannot start a collection", id);
        collection_ended(d, id, false, "cannot start a collection", NULL);
        free(job);
        return -1;
    }
    job->next = d->jobs;
    d->jobs = job;
    d->collections_running++;
    return 0;
}

static void commit_before_sleep(struct loop *loop, void *arg)
{
    (void)loop;
    struct pejld *d = arg;
    store_commit(d->store);
    alerting_save(d->alerting, pejld_now(d));
}

/* Time alone changes some alerts (stale): check them all now and then. */
static void evaluate_all(struct loop *loop, void *arg)
{
    struct pejld *d = arg;
    alerting_evaluate(d->alerting, d->config->indicators, d->config->n_indicators, d->store, NULL,
                      pejld_now(d), false);
    notify_receivers(d);
    if (d->mode == MODE_DAEMON)
        loop_add_timer(loop, d->config->evaluation_interval_s * 1000, evaluate_all, d);
}

/* For the journal's INDICATOR= field: whether a message begins with an id
 * of the config in use. */
static bool is_indicator(void *arg, const char *id)
{
    const struct pejld *d = arg;
    return d->config && config_find(d->config, id) != NULL;
}

/* Plain text beyond this machine is allowed only when asked for, and said at every start. */
static void warn_insecure(const struct config *config)
{
    for (size_t i = 0; i < config->n_receivers; i++) {
        const struct receiver *r = &config->receivers[i];
        bool plain = strncmp(r->url, "http://", 7) == 0 ||
                     (strncmp(r->url, "smtp://", 7) == 0 && !r->starttls);
        char shown[URL_SHOWN_MAX];
        if (r->insecure_plaintext && plain && !url_host_is_loopback(r->url))
            log_warn("receiver %s: notifications to %s go in plain text (insecure_plaintext = true)",
                     r->name, url_redact(r->url, shown, sizeof shown));
    }
}

/* Points the HTTP engine at the current config, with its cache in the state dir. */
static int configure_fetcher(struct pejld *d)
{
    struct http_settings settings = d->config->http;
    char *cache_dir = NULL, err[512];
    if (asprintf(&cache_dir, "%s/http-cache", d->config->state_dir) < 0 ||
        store_make_directories(cache_dir, err, sizeof err) < 0) {
        log_warn("http: no conditional requests: %s", cache_dir ? err : "out of memory");
        free(cache_dir);
        cache_dir = NULL;
    }
    settings.cache_dir = cache_dir;
    int rc = d->fetcher.http ? http_configure(d->fetcher.http, &settings)
                             : ((d->fetcher.http = http_new(d->loop, &settings)) ? 0 : -1);
    free(cache_dir);
    d->fetcher.loop = d->loop;
    d->fetcher.exec_timeout_ms = settings.timeout_ms;
    d->fetcher.max_bytes = settings.max_bytes;
    return rc;
}

int pejld_collect_now(struct pejld *d, const char *id)
{
    return d->scheduler && config_find(d->config, id) ? scheduler_run_now(d->scheduler, id) : -1;
}

/* The control socket: config's control_socket, else $PEJL_SOCKET, else
 * $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=pejl: /run/pejl) or the
 * state directory — the order pejlctl looks in. */
static int open_control(struct pejld *d)
{
    char err[512], *path = NULL;
    const char *runtime = getenv("RUNTIME_DIRECTORY"), *named = getenv("PEJL_SOCKET");
    if (d->config->control_socket)
        path = strdup(d->config->control_socket);
    else if (named && *named == '/')
        path = strdup(named);
    else if (asprintf(&path, "%s/pejld.sock", runtime && *runtime == '/' ? runtime : d->config->state_dir) < 0)
        path = NULL;
    pejld_commands_init(d);
    d->control =
        path ? control_open(d->loop, path, commands_handle, &d->commands, err, sizeof err) : NULL;
    if (!d->control)
        log_err("control: %s", path ? err : "out of memory");
    else
        log_info("control socket %s", path);
    free(path);
    return d->control ? 0 : -1;
}

int pejld_reload(struct pejld *d)
{
    struct pejl_diag diag = {0};
    int rc = -1;
    sd_state("RELOADING=1");
    struct config *next = config_load(d->config_path, &d->overrides, &diag);
    if (!next) {
        log_err("reload: %s has %zu problem(s); still running on the previous config",
                d->config_path, diag.n);
        diag_log(&diag);
    } else if (strcmp(next->state_dir, d->config->state_dir) != 0) {
        log_err("reload: state_dir changed from %s to %s; restart pejld to move its state; "
                "still running on the previous config",
                d->config->state_dir, next->state_dir);
        config_unref(next);
    } else {
        config_unref(d->config);
        d->config = next;
        log_set_level(next->log_level);
        configure_fetcher(d);
        struct store_settings store = pejld_store_settings(next);
        store_use_settings(d->store, &store);
        struct graph_settings graphs = pejld_graph_settings(next);
        grapher_use_settings(d->grapher, &graphs);
        scheduler_sync(d->scheduler, next->indicators, next->n_indicators, FIRST_RUN_SPREAD_MS);
        alerting_use_indicators(d->alerting, next->indicators, next->n_indicators, pejld_now(d));
        alerting_use_language(d->alerting, next->language);
        struct outbox_delivery delivery = pejld_outbox_delivery(next);
        outbox_use_settings(d->outbox, &delivery);
        warn_insecure(next);
        if (strcmp(next->listen ? next->listen : "", d->listening) != 0)
            log_warn("reload: listen changed to \"%s\"; the HTTP endpoint stays on \"%s\" "
                     "until pejld restarts",
                     next->listen ? next->listen : "", d->listening);
        struct reporter_settings reports = pejld_reporter_settings(next);
        if (d->reporter) {
            reporter_use_settings(d->reporter, &reports);
            reporter_schedule(d->reporter);
        }
        alerting_evaluate(d->alerting, next->indicators, next->n_indicators, d->store, NULL,
                          pejld_now(d), false);
        notify_receivers(d);
        log_info("reloaded %s: %zu indicators", next->path, next->n_indicators);
        rc = 0;
    }
    diag_free(&diag);
    sd_state("READY=1");
    return rc;
}

/* Makes everything durable: the journal commit, and rrdcached's queues. */
static int flush_all(struct pejld *d)
{
    int failed = 0;
    store_commit(d->store);
    struct rrdview *view = store_rrdview(d->store);
    for (size_t i = 0; view && i < d->config->n_indicators; i++)
        failed += rrdview_flush(view, d->config->indicators[i].id) < 0;
    return failed;
}

static void flush(struct pejld *d)
{
    int failed = flush_all(d);
    log_info("flushed%s", failed ? " (rrdcached did not take every file)" : "");
}

static void on_signal(struct loop *loop, int signo, void *arg)
{
    struct pejld *d = arg;
    switch (signo) {
    case SIGHUP:
        pejld_reload(d);
        break;
    case SIGUSR1:
        flush(d);
        break;
    default:
        log_info("%s received; stopping", strsignal(signo));
        d->stopping = true;
        sd_state("STOPPING=1");
        loop_stop(loop);
    }
}

static void on_graphs_idle(void *arg)
{
    once_maybe_done(arg);
}

static int setup(struct pejld *d)
{
    char err[512];
    struct store_settings store = pejld_store_settings(d->config);
    struct graph_settings graphs = pejld_graph_settings(d->config);
    struct reporter_settings reports = pejld_reporter_settings(d->config);
    static const int signals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
    signal(SIGPIPE, SIG_IGN);
    if (!(d->loop = loop_new()))
        return -1;
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
        if (loop_on_signal(d->loop, signals[i], on_signal, d) < 0)
            return -1;
    /* the alert state first: a damaged file stops us before the journal replay */
    if (!(d->alerting = alerting_open(d->config->state_dir, err, sizeof err)) ||
        !(d->store = store_open(&store, err, sizeof err))) {
        log_err("%s", err);
        return -1;
    }
    if (configure_fetcher(d) < 0 || store_use_settings(d->store, &store) < 0 ||
        !(d->grapher = grapher_new(d->loop, &graphs, d->store, on_graphs_idle, d)) ||
        loop_before_sleep(d->loop, commit_before_sleep, d) < 0)
        return -1;
    grapher_set_now(d->grapher, d->now_override);
    if (d->mode == MODE_DAEMON) /* --once asks for every graph at once */
        grapher_set_window(d->grapher, GRAPHER_WINDOW_MS);
    if (!(d->outbox = outbox_open(d->config->state_dir, d->loop, d->fetcher.http, err, sizeof err))) {
        log_err("%s", err);
        return -1;
    }
    outbox_on_settled(d->outbox, on_outbox_settled, d);
    struct outbox_delivery delivery = pejld_outbox_delivery(d->config);
    outbox_use_settings(d->outbox, &delivery);
    warn_insecure(d->config);
    log_set_indicator_test(is_indicator, d);
    char unrouted[1024];
    config_unrouted(d->config, unrouted, sizeof unrouted);
    if (unrouted[0] && d->mode == MODE_DAEMON)
        log_warn("%s", unrouted);
    alerting_use_indicators(d->alerting, d->config->indicators, d->config->n_indicators,
                            pejld_now(d));
    alerting_use_language(d->alerting, d->config->language);
    evaluate_all(d->loop, d); /* the state as restored, checked against what is stored */
    if (d->mode == MODE_DAEMON &&
        (!(d->reporter = reporter_new(d->loop, &reports, d->store, &d->alerting)) ||
         !(d->scheduler = scheduler_new(d->loop, start_collection, d)) ||
         scheduler_sync(d->scheduler, d->config->indicators, d->config->n_indicators,
                        FIRST_RUN_SPREAD_MS) < 0))
        return -1;
    if (d->reporter)
        reporter_schedule(d->reporter);
    if (d->mode == MODE_DAEMON && (open_control(d) < 0 || pejld_web_open(d) < 0))
        return -1;
    return 0;
}

static void teardown(struct pejld *d)
{
    log_set_indicator_test(NULL, NULL); /* the config may go before the last message */
    if (d->store)
        flush_all(d); /* finish what this pass staged (and the jobs waiting for it) */
    while (d->jobs) { /* collections still fetching: stopped, their stored data kept */
        struct job *job = d->jobs;
        d->jobs = job->next;
        collect_free(job->collection);
        free(job);
    }
    if (d->alerting)
        alerting_save(d->alerting, pejld_now(d));
    alerting_free(d->alerting);
    commands_abandon(&d->commands);
    control_close(d->control);
    web_close(d->web);
    offload_free(d->as_of_reads); /* after those that wait for them */
    scheduler_free(d->scheduler);
    reporter_free(d->reporter);
    outbox_free(d->outbox); /* before the engine its deliveries run on */
    if (d->notify_timer)
        loop_cancel_timer(d->loop, d->notify_timer);
    http_free(d->fetcher.http);
    grapher_free(d->grapher);
    store_close(d->store);
    loop_free(d->loop);
}

static int run_once(struct pejld *d)
{
    start_once(d, false);
    if (d->collections_running == 0) {
        d->dependents_started = true;
        start_once(d, true);
    }
    if (d->collections_running == 0)
        return 1;
    if (loop_run(d->loop) < 0)
        return 1;
    if (d->stopping)
        return 1;
    unsigned graph_failures = grapher_failures(d->grapher);
    alerting_save(d->alerting, pejld_now(d));
    status_print(stdout, d->config->indicators, d->config->n_indicators, d->store, d->alerting,
                 pejld_now(d));
    printf("pejld: %zu indicators, %u failed; RRD files in %s, graphs in %s\n",
           d->config->n_indicators, d->collections_failed, d->config->rrd_dir,
           d->config->graph_dir);
    return d->collections_failed == 0 && graph_failures == 0 ? 0 : 1;
}

int pejld_run(struct pejld *d)
{
    int status = 1;
    if (setup(d) < 0) {
        log_err("cannot start; see the messages above");
    } else if (d->mode == MODE_ONCE) {
        status = run_once(d);
    } else {
        log_info("pejld %s running: %zu indicators, state in %s", PEJL_VERSION,
                 d->config->n_indicators, d->config->state_dir);
        start_watchdog(d);
        sd_status(d);
        sd_state("READY=1");
        status = loop_run(d->loop) < 0 ? 1 : 0;
    }
    teardown(d);
    return status;
}
