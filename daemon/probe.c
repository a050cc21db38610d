/*
 * probe.c — pejld --probe ID: runs one indicator's collection as the daemon
 * would, stores nothing, and prints what would be stored as CSV
 * (period,value,status) so an integrator can check a source by eye; where
 * spliced sources overlap, each one's value and the difference on stderr.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "collect.h"
#include "csv_field.h"
#include "log.h"
#include "period.h"
#include "value.h"
#include "pejld.h"

struct probe {
    struct loop *loop;
    int status;
};

/* A probe stores nothing and so reads nothing stored: per_million finds no
 * population and leaves those values missing. */
static bool nothing_stored(void *arg, const char *indicator, const char *member, int64_t end,
                           double *value, uint32_t *status, bool *exact)
{
    (void)arg, (void)indicator, (void)member, (void)end, (void)value, (void)status, (void)exact;
    return false;
}

/* The indicator's own series as period,value,status; panel members as
 * member,period,value,status when there are any. */
static void print_observations(const struct pejl_observation *obs, size_t n)
{
    bool panel = false;
    for (size_t i = 0; i < n; i++)
        panel |= obs[i].member != NULL;
    printf(panel ? "member,period,value,status\n" : "period,value,status\n");
    for (size_t i = 0; i < n; i++) {
        char period[PERIOD_TEXT_MAX], status[8], value[32] = "";
        period_format(&obs[i].period, period, sizeof period);
        status_format(obs[i].status, status, sizeof status);
        if (!isnan(obs[i].value))
            value_format(obs[i].value, value, sizeof value);
        if (panel) {
            csv_field_write(stdout, obs[i].member ? obs[i].member : "");
            putchar(',');
        }
        printf("%s,%s,%s\n", period, value, status);
    }
}

/* Where sources overlap: each one's value (scaled as the indicator is) and
 * how far the later differs from the one before it, in %; on stderr, so
 * that stdout stays the CSV of what would be stored. */
static void print_overlaps(const struct collection *c)
{
    const struct indicator *ind = c->indicator;
    if (!c->spliced.n_overlaps)
        return;
    fprintf(stderr, "%s: sources overlap (the later one is kept):\nmember,period", ind->id);
    for (size_t i = 0; i < ind->n_sources; i++) {
        char name[128];
        collect_source_name(&ind->sources[i], name, sizeof name);
        fputc(',', stderr);
        csv_field_write(stderr, name);
    }
    fprintf(stderr, ",difference %%\n");
    for (size_t k = 0; k < c->spliced.n_overlaps; k++) {
        const struct splice_overlap *o = &c->spliced.overlaps[k];
        char period[PERIOD_TEXT_MAX], value[32], diff[32] = "";
        double older = NAN, newer = NAN;
        period_format(&o->period, period, sizeof period);
        csv_field_write(stderr, o->member ? o->member : "");
        fprintf(stderr, ",%s", period);
        for (size_t i = 0; i < ind->n_sources; i++) {
            value[0] = '\0';
            if (!isnan(o->value[i])) {
                value_format(o->value[i] * ind->derive.scale, value, sizeof value);
                older = newer;
                newer = o->value[i];
            }
            fprintf(stderr, ",%s", value);
        }
        if (!isnan(older) && older != 0)
            snprintf(diff, sizeof diff, "%+.1f", (newer - older) / fabs(older) * 100);
        fprintf(stderr, ",%s\n", diff);
    }
}

static int derive_and_print(const struct collection *c)
{
    struct pejl_observation *derived = NULL;
    size_t n = c->n;
    char err[512];
    if (c->indicator->derive.active) {
        struct derive_input in = {.spec = &c->indicator->derive, .frequency = c->indicator->frequency,
                                  .lookup = nothing_stored};
        if (derive_apply(&in, c->obs, c->n, &derived, &n, err, sizeof err) < 0) {
            log_err("%s: %s", c->indicator->id, err);
            return 1;
        }
    }
    print_observations(derived ? derived : c->obs, n);
    print_overlaps(c);
    free(derived);
    return 0;
}

static void on_probed(struct collection *c, void *arg)
{
    struct probe *p = arg;
    if (c->failed) {
        log_err("%s: collection failed: %s", c->indicator->id, c->error);
        p->status = 1;
    } else {
        p->status = derive_and_print(c);
    }
    collect_free(c);
    loop_stop(p->loop);
}

struct http_settings pejld_interactive_http(const struct config *config)
{
    struct http_settings http = config->http; /* the engine copies what it keeps */
    http.tries = http.tries > 2 ? 2 : http.tries;
    http.max_backoff_ms = http.max_backoff_ms > 2000 ? 2000 : http.max_backoff_ms;
    http.backoff_ms = http.backoff_ms > http.max_backoff_ms ? http.max_backoff_ms : http.backoff_ms;
    return http;
}

int pejld_probe(struct config *config, const char *id)
{
    const struct indicator *ind = config_find(config, id);
    if (!ind) {
        log_err("--probe: no indicator \"%s\" in %s", id, config->path);
        return 1;
    }
    struct probe p = {.loop = loop_new(), .status = 1};
    /* No cache directory: a probe sends no conditional requests and keeps nothing. */
    struct fetcher fetcher = {.loop = p.loop, .exec_timeout_ms = config->http.timeout_ms,
                              .max_bytes = config->http.max_bytes};
    struct http_settings http = pejld_interactive_http(config);
    fetcher.http = p.loop ? http_new(p.loop, &http) : NULL;
    struct collect_settings settings = pejld_collect_settings(config);
    if (!fetcher.http || !collect_start(&fetcher, &settings, ind, on_probed, &p)) {
        log_err("%s: cannot start a collection", id);
    } else {
        loop_run(p.loop);
    }
    http_free(fetcher.http);
    loop_free(p.loop);
    return p.status;
}
