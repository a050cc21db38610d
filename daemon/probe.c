/*
 * probe.c — pejld --probe ID: runs one indicator's collection as the daemon
 * would, stores nothing, and prints what would be stored as CSV
 * (period,value,status) so an integrator can check a source by eye.
 */
#include <math.h>
#include <stdio.h>

#include "collect.h"
#include "log.h"
#include "period.h"
#include "pejld.h"

struct probe {
    struct loop *loop;
    int status;
};

static void print_observations(const struct collection *c)
{
    printf("period,value,status\n");
    for (size_t i = 0; i < c->n; i++) {
        char period[PERIOD_TEXT_MAX], status[8];
        period_format(&c->obs[i].period, period, sizeof period);
        status_format(c->obs[i].status, status, sizeof status);
        if (isnan(c->obs[i].value))
            printf("%s,,%s\n", period, status);
        else
            printf("%s,%.17g,%s\n", period, c->obs[i].value, status);
    }
}

static void on_probed(struct collection *c, void *arg)
{
    struct probe *p = arg;
    if (c->failed) {
        log_err("%s: collection failed: %s", c->indicator->id, c->error);
        p->status = 1;
    } else {
        print_observations(c);
        p->status = 0;
    }
    collect_free(c);
    loop_stop(p->loop);
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
    fetcher.http = p.loop ? http_new(p.loop, &config->http) : NULL;
    if (!fetcher.http || !collect_start(&fetcher, config, ind, on_probed, &p)) {
        log_err("%s: cannot start a collection", id);
    } else {
        loop_run(p.loop);
    }
    http_free(fetcher.http);
    loop_free(p.loop);
    return p.status;
}
