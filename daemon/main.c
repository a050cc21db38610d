/*
 * main.c — pejld's command line: options, then one of --check-config,
 * --probe, --once or the daemon.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "as_of.h"
#include "log.h"
#include "pejld.h"
#include "report.h"
#include "spawn.h"
#include "status.h"
#include "timestamp.h"
#include "verify.h"

#define DEFAULT_CONFIG "/etc/pejl/pejld.conf"

struct options {
    const char *config;
    const char *probe;
    const char *state_dir;
    const char *report; /* --report DIR */
    const char *compare_to; /* --compare-to NAME|TIME */
    const char *as_of;  /* --as-of TIME|SNAPSHOT, resolved once the state dir is known */
    bool foreground, once, check, online, verbose, status, json, svg, pdf;
    int64_t now; /* --now; 0: the clock */
    int64_t vintage; /* --vintage: what --once stores counts as first seen then; 0: the clock */
    double scale; /* --scale: the graphs' zoom over the config's; 0: the config's */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: pejld [-c FILE] [-f] [-v] [--state-dir DIR] [--once | --check-config [--online] | "
            "--probe ID]\n"
            "  -c, --config FILE   configuration (default " DEFAULT_CONFIG ")\n"
            "  -f, --foreground    stay in the foreground, log to stderr\n"
            "      --once          collect, store and graph every indicator once, then exit\n"
            "                      (0: all collected; 1: any failed)\n"
            "      --check-config  validate the configuration, print FILE:LINE: problems\n"
            "                      (exit 0, or 78 when there are problems)\n"
            "      --online        with --check-config: also check every source against its\n"
            "                      own metadata (tables' variables and codes, countries)\n"
            "      --probe ID      collect one indicator, store nothing, print it as CSV\n"
            "      --status        print the status table from the state directory\n"
            "                      (works beside a running pejld; --json for machines)\n"
            "      --report DIR    write a report folder (index.html, report.md, status.json,\n"
            "                      data/, graphs/) from the state directory; --svg, --pdf\n"
            "                      add SVG and PDF graphs\n"
            "      --compare-to NAME|TIME  with --report: a first section on what changed since\n"
            "                      the snapshot NAME or TIME, and the series then in each graph\n"
            "      --state-dir DIR use DIR for the journal (and default RRD/graph dirs)\n"
            "      --now TIME      with --once, --status or --report: evaluate as at\n"
            "                      TIME (2025-10-01 or 2025-10-01T06:00:00Z), not now\n"
            "      --as-of TIME    with --status or --report: only what was known at TIME\n"
            "                      (a date means its end, 23:59:59 UTC; or a snapshot's name);\n"
            "                      evaluated at TIME too unless --now says otherwise\n"
            "      --vintage TIME  with --once: store what is collected as first seen at TIME\n"
            "                      (later than the journal's records; for histories and tests)\n"
            "      --scale N       with --once or --report: draw graphs at zoom N (0.5-4),\n"
            "                      not the config's graph.scale\n"
            "  -v, --verbose       log debug messages\n"
            "      --version       print the version\n"
            "  -h, --help          this text\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_ONCE = 256, OPT_CHECK, OPT_PROBE, OPT_STATE, OPT_VERSION, OPT_STATUS, OPT_JSON,
           OPT_NOW, OPT_REPORT, OPT_SVG, OPT_PDF, OPT_ONLINE, OPT_AS_OF, OPT_VINTAGE,
           OPT_COMPARE_TO, OPT_SCALE };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"foreground", no_argument, NULL, 'f'},
        {"verbose", no_argument, NULL, 'v'},      {"help", no_argument, NULL, 'h'},
        {"once", no_argument, NULL, OPT_ONCE},    {"check-config", no_argument, NULL, OPT_CHECK},
        {"probe", required_argument, NULL, OPT_PROBE},
        {"state-dir", required_argument, NULL, OPT_STATE},
        {"version", no_argument, NULL, OPT_VERSION}, {"status", no_argument, NULL, OPT_STATUS},
        {"json", no_argument, NULL, OPT_JSON},       {"now", required_argument, NULL, OPT_NOW},
        {"report", required_argument, NULL, OPT_REPORT}, {"svg", no_argument, NULL, OPT_SVG},
        {"pdf", no_argument, NULL, OPT_PDF},      {"online", no_argument, NULL, OPT_ONLINE},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"vintage", required_argument, NULL, OPT_VINTAGE},
        {"compare-to", required_argument, NULL, OPT_COMPARE_TO},
        {"scale", required_argument, NULL, OPT_SCALE},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "c:fvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o->config = optarg; break;
        case 'f': o->foreground = true; break;
        case 'v': o->verbose = true; break;
        case 'h': usage(stdout); exit(0);
        case OPT_ONCE: o->once = true; break;
        case OPT_CHECK: o->check = true; break;
        case OPT_PROBE: o->probe = optarg; break;
        case OPT_STATE: o->state_dir = optarg; break;
        case OPT_VERSION: printf("pejld %s\n", PEJL_VERSION); exit(0);
        case OPT_STATUS: o->status = true; break;
        case OPT_JSON: o->json = true; break;
        case OPT_REPORT: o->report = optarg; break;
        case OPT_SVG: o->svg = true; break;
        case OPT_PDF: o->pdf = true; break;
        case OPT_ONLINE: o->online = true; break;
        case OPT_AS_OF: o->as_of = optarg; break;
        case OPT_VINTAGE:
            if (timestamp_parse(optarg, &o->vintage) < 0 || o->vintage <= 0) {
                fprintf(stderr, "pejld: --vintage %s: write a date (2025-10-01) or an RFC 3339 "
                                "time (2025-10-01T06:00:00Z)\n", optarg);
                return -1;
            }
            break;
        case OPT_COMPARE_TO: o->compare_to = optarg; break;
        case OPT_NOW:
            if (timestamp_parse(optarg, &o->now) < 0 || o->now <= 0) {
                fprintf(stderr, "pejld: --now %s: write a date (2025-10-01) or an RFC 3339 time "
                                "(2025-10-01T06:00:00Z)\n", optarg);
                return -1;
            }
            break;
        case OPT_SCALE: {
            char *end;
            o->scale = strtod(optarg, &end);
            if (*end || !(o->scale >= 0.5 && o->scale <= 4)) {
                fprintf(stderr, "pejld: --scale %s: write a zoom from 0.5 to 4 (2: for print)\n",
                        optarg);
                return -1;
            }
            break;
        }
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc || (o->once + o->check + o->status + (o->probe != NULL) + (o->report != NULL)) > 1 ||
        (o->json && !o->status) || (o->now && !o->once && !o->status && !o->report) ||
        ((o->svg || o->pdf || o->compare_to) && !o->report) || (o->online && !o->check) ||
        (o->as_of && !o->status && !o->report) || (o->vintage && !o->once) ||
        (o->scale && !o->once && !o->report)) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Detaches from the terminal; from here on logs go to syslog. */
static int daemonize(void)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0 || chdir("/") < 0)
        return -1;
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
        return -1;
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    close(null);
    log_init(log_level(), LOG_TO_SYSLOG);
    return 0;
}

static struct config *load(const struct options *o, const struct config_overrides *ov)
{
    struct pejl_diag diag = {0};
    struct config *config = config_load(o->config, ov, &diag);
    if (config && o->scale)
        config->graph_scale = o->scale;
    if (o->check || !config)
        diag_print(&diag, stderr);
    if (!config && !o->check)
        fprintf(stderr, "pejld: %zu problem(s) in %s; nothing started\n", diag.n, o->config);
    diag_free(&diag);
    return config;
}

struct online {
    struct loop *loop;
    size_t problems, lines;
};

static void on_verified(void *arg, const struct pejl_diag *report, size_t problems)
{
    struct online *o = arg;
    diag_print(report, stderr);
    o->problems = problems;
    o->lines = report->n;
    loop_stop(o->loop);
}

/* --check-config --online: every source against its own metadata, on a
 * loop of its own, as --probe runs a collection (no cache directory). */
static int check_online(struct config *config)
{
    struct online o = {.loop = loop_new(), .problems = 1};
    struct fetcher fetcher = {.loop = o.loop, .exec_timeout_ms = config->http.timeout_ms,
                              .max_bytes = config->http.max_bytes};
    struct http_settings http = pejld_interactive_http(config);
    fetcher.http = o.loop ? http_new(o.loop, &http) : NULL;
    const struct indicator **all = calloc(config->n_indicators + 1, sizeof *all);
    for (size_t i = 0; all && i < config->n_indicators; i++)
        all[i] = &config->indicators[i];
    struct verify_settings settings = {.file = config->path,
                                       .collect = pejld_collect_settings(config)};
    if (!all || !fetcher.http ||
        !verify_start(&fetcher, &settings, all, config->n_indicators, on_verified, &o))
        log_err("--online: cannot start the checks (out of memory)");
    else
        loop_run(o.loop);
    free(all);
    http_free(fetcher.http);
    loop_free(o.loop);
    if (o.problems) {
        printf("%s: %zu problem(s) against the sources' metadata\n", config->path, o.problems);
        return EX_CONFIG_ERROR;
    }
    if (o.lines)
        printf("%s: OK, %zu indicators checked online; %zu warning(s) say what was not checked\n",
               config->path, config->n_indicators, o.lines);
    else
        printf("%s: OK, %zu indicators checked online\n", config->path, config->n_indicators);
    return 0;
}

/* --status: the table from what the journal holds, without the daemon.
 * As of a moment (as_of > 0) it has no alerts: those are what the daemon
 * saw when it ran, not what the figures of then would say. */
static int print_status(const struct config *config, bool json, int64_t now, int64_t as_of)
{
    char err[512];
    struct store_settings store_settings = pejld_store_settings(config);
    struct store *store = store_read_as_of(&store_settings, as_of, err, sizeof err);
    if (store && as_of > 0) {
        char when[TIMESTAMP_TEXT_MAX];
        timestamp_format(as_of, when, sizeof when);
        if (!json)
            printf("as known at %s: only figures first seen by then; no alerts\n", when);
        int rc = json ? status_print_json(stdout, config->indicators, config->n_indicators, store,
                                          NULL, now)
                      : (status_print(stdout, config->indicators, config->n_indicators, store,
                                      NULL, now),
                         0);
        store_close(store);
        return rc < 0 ? 1 : 0;
    }
    struct alerting *alerting =
        store ? alerting_open_view(config->state_dir, err, sizeof err) : NULL;
    if (!alerting) {
        log_err("--status: %s", err);
        store_close(store);
        return 1;
    }
    /* the alerts as the daemon last saved them; the figures as at `now` */
    alerting_use_indicators(alerting, config->indicators, config->n_indicators, now);
    const struct indicator *inds = config->indicators;
    size_t n = config->n_indicators;
    int rc = json ? status_print_json(stdout, inds, n, store, alerting, now)
                  : (status_print(stdout, inds, n, store, alerting, now), 0);
    alerting_free(alerting);
    store_close(store);
    return rc < 0 ? 1 : 0;
}

/* --compare-to: the moment and the journal as known then. */
static struct store *read_then(const struct config *config, const char *spec,
                               struct report_compare *compare, char *err, size_t errlen)
{
    struct store_settings store_settings = pejld_store_settings(config);
    *compare = (struct report_compare){.name = as_of_name_valid(spec) ? spec : NULL,
                                       .state_dir = config->state_dir};
    if (as_of_resolve(config->state_dir, spec, &compare->then, err, errlen) < 0)
        return NULL;
    struct store *then = store_read_as_of(&store_settings, compare->then, err, errlen);
    compare->then_store = then;
    return then;
}

/* report.snapshot: the report's moment under its date ("report-2025-06-01"). */
static void save_snapshot(const char *state_dir, int64_t t)
{
    char name[AS_OF_NAME_MAX + 1], err[1024];
    if (as_of_snapshot_save_dated(state_dir, "report", t, name, sizeof name, err, sizeof err) < 0)
        log_err("--report: no snapshot saved: %s", err);
    else
        printf("snapshot %s saved\n", name);
}

/* --report DIR: the report folder from what the state directory holds.
 * Written by a child process, as the daemon's graphs are: librrd's drawing
 * keeps font caches it never frees, and a child that ends with _exit
 * leaves them to the kernel. */
static int write_report(const struct config *config, const char *dir, bool svg, bool pdf,
                        int64_t now, int64_t as_of, const char *compare_to)
{
    char err[512], views[4096] = "";
    struct report_compare compare;
    struct report_options ro = {
        .svg = svg, .pdf = pdf, .as_of = as_of, .compare = compare_to ? &compare : NULL};
    struct store_settings store_settings = pejld_store_settings(config);
    struct store *then = NULL;
    struct store *store = as_of > 0 ? as_of_store_with_views(&store_settings, as_of, views,
                                                             sizeof views, err, sizeof err)
                                    : store_read(&store_settings, err, sizeof err);
    if (store && compare_to && !(then = read_then(config, compare_to, &compare, err, sizeof err))) {
        log_err("--compare-to %s: %s", compare_to, err);
        store_close(store);
        as_of_views_remove(views);
        return 1;
    }
    ro.compare_to = compare_to ? compare.then : 0; /* the Revisioner section: since then too */
    struct alerting *alerting = store ? alerting_open(config->state_dir, err, sizeof err) : NULL;
    int rc = 1, status = 0;
    if (!alerting) {
        log_err("--report: %s", err);
    } else {
        alerting_use_indicators(alerting, config->indicators, config->n_indicators, now);
        fflush(NULL);
        pid_t parent = getpid(), pid = fork();
        if (pid == 0) {
            spawn_die_with_parent(parent); /* killed with us: the old report stays */
            setenv("TZ", "UTC", 1); /* periods are UTC; so are the graphs' axes */
            tzset();
            struct report_settings settings = pejld_reporter_settings(config).report;
            /* as of a moment: no alerts (see print_status) */
            if (report_write(dir, &settings, store, as_of > 0 ? NULL : alerting, now, &ro, err,
                             sizeof err) < 0) {
                log_err("--report: %s; the previous report, if any, is as it was", err);
                _exit(1);
            }
            _exit(0);
        }
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
            rc = WEXITSTATUS(status);
        else
            log_err("--report: the report process failed%s", pid < 0 ? " to start" : "");
    }
    if (rc == 0)
        printf("report written to %s\n", dir);
    if (rc == 0 && config->report_snapshot)
        save_snapshot(config->state_dir, as_of > 0 ? as_of : now);
    alerting_free(alerting);
    store_close(then);
    store_close(store);
    as_of_views_remove(views);
    return rc;
}

/* The moment to evaluate at: --now, else --as-of's, else the clock's. */
static int64_t now_of(const struct options *o, int64_t as_of)
{
    return o->now ? o->now : as_of ? as_of : (int64_t)time(NULL);
}

int main(int argc, char **argv)
{
    struct options o = {.config = DEFAULT_CONFIG};
    if (parse_options(argc, argv, &o) < 0)
        return 64; /* EX_USAGE */
    log_init(o.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, log_detect_sink());
    struct config_overrides ov = {.state_dir = o.state_dir, .manual_files = o.check};
    struct config *config = load(&o, &ov);
    if (!config)
        return EX_CONFIG_ERROR;
    if (!o.verbose)
        log_set_level(config->log_level);
    int status;
    if (o.check) {
        char unrouted[1024];
        config_unrouted(config, unrouted, sizeof unrouted);
        if (unrouted[0])
            fprintf(stderr, "warning: %s\n", unrouted);
    }
    int64_t as_of = 0;
    char err[1024];
    if (o.check && o.online) {
        status = check_online(config);
    } else if (o.check) {
        printf("%s: OK, %zu indicators\n", config->path, config->n_indicators);
        status = 0;
    } else if (o.probe) {
        status = pejld_probe(config, o.probe);
    } else if (o.as_of && as_of_resolve(config->state_dir, o.as_of, &as_of, err, sizeof err) < 0) {
        fprintf(stderr, "pejld: --as-of %s\n", err);
        status = 64; /* EX_USAGE */
    } else if (o.report) {
        status = write_report(config, o.report, o.svg, o.pdf, now_of(&o, as_of), as_of, o.compare_to);
    } else if (o.status) {
        status = print_status(config, o.json, now_of(&o, as_of), as_of);
    } else {
        bool detach = !o.once && !o.foreground && log_detect_sink() == LOG_TO_STDERR;
        if (detach && daemonize() < 0) {
            log_err("cannot detach: %m");
            config_unref(config);
            return 1;
        }
        struct pejld d = {.mode = o.once ? MODE_ONCE : MODE_DAEMON, .config_path = o.config,
                          .overrides = ov, .config = config, .now_override = o.now,
                          .vintage_override = o.vintage};
        status = pejld_run(&d);
        config = d.config; /* a reload may have replaced it */
    }
    config_unref(config);
    return status;
}
