/*
 * collect.c — running one collection (see collect.h).
 */
#include "collect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "log.h"
#include "period.h"

static void fetch_next(struct collection *c);

static int compare_obs(const void *a, const void *b)
{
    const struct pejl_observation *x = a, *y = b;
    return period_compare(&x->period, &y->period);
}

int collect_check(const struct indicator *ind, struct pejl_observation *obs, size_t n, char *err,
                  size_t errlen)
{
    char period[PERIOD_TEXT_MAX];
    for (size_t i = 0; i < n; i++) {
        period_format(&obs[i].period, period, sizeof period);
        if (obs[i].period.kind != ind->frequency) {
            snprintf(err, errlen, "%s is %s, but the indicator's frequency is %s", period,
                     period_kind_name(obs[i].period.kind), period_kind_name(ind->frequency));
            return -1;
        }
        if (isinf(obs[i].value)) {
            snprintf(err, errlen, "%s: the value is not a finite number", period);
            return -1;
        }
    }
    qsort(obs, n, sizeof *obs, compare_obs);
    for (size_t i = 1; i < n; i++) {
        if (period_equal(&obs[i].period, &obs[i - 1].period)) {
            period_format(&obs[i].period, period, sizeof period);
            snprintf(err, errlen, "period %s appears twice in the response", period);
            return -1;
        }
    }
    return 0;
}

static int emit(void *sink, const struct pejl_observation *obs)
{
    struct collection *c = sink;
    if (c->n == COLLECT_MAX_OBSERVATIONS)
        return -1;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct pejl_observation *grown = realloc(c->obs, cap * sizeof *grown);
        if (!grown)
            return -1;
        c->obs = grown;
        c->cap = cap;
    }
    c->obs[c->n++] = *obs;
    return 0;
}

static void finish(struct collection *c)
{
    if (!c->failed &&
        collect_check(c->indicator, c->obs, c->n, c->error, sizeof c->error) < 0)
        c->failed = true;
    c->done(c, c->arg);
}

static void fail(struct collection *c, const char *reason)
{
    c->failed = true;
    snprintf(c->error, sizeof c->error, "%s", reason);
    finish(c);
}

static void on_fetched(void *arg, const struct fetch_result *result)
{
    struct collection *c = arg;
    const struct pejl_collector *api = c->indicator->collector->api;
    char err[512] = "";
    c->fetch = NULL;
    if (!result->body) {
        fail(c, result->error);
        return;
    }
    size_t before = c->n;
    if (api->decode(c->indicator->source, c->next_request, result->body, result->len, emit, c, err,
                    sizeof err) < 0) {
        fail(c, err[0] ? err : "the collector could not decode the response");
        return;
    }
    if (c->n == COLLECT_MAX_OBSERVATIONS) {
        fail(c, "more than 10 million observations in one collection");
        return;
    }
    log_debug("%s: request %zu of %zu gave %zu observations", c->indicator->id,
              c->next_request + 1, c->n_requests, c->n - before);
    c->next_request++;
    fetch_next(c);
}

static void fetch_next(struct collection *c)
{
    if (c->next_request == c->n_requests) {
        finish(c);
        return;
    }
    c->fetch = fetch_start(c->loop, &c->requests[c->next_request], c->config->dir, on_fetched, c);
    if (!c->fetch)
        fail(c, "out of memory starting a fetch");
}

struct collection *collect_start(struct loop *loop, struct config *config,
                                 const struct indicator *ind, collect_done_fn done, void *arg)
{
    struct collection *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->config = config_ref(config);
    c->indicator = ind;
    c->loop = loop;
    c->done = done;
    c->arg = arg;
    c->n_requests = ind->collector->api->plan(ind->source, &c->requests);
    c->fetch = c->n_requests ? fetch_start(loop, &c->requests[0], config->dir, on_fetched, c) : NULL;
    if (!c->fetch) {
        collect_free(c);
        return NULL;
    }
    return c;
}

void collect_free(struct collection *c)
{
    if (!c)
        return;
    if (c->fetch)
        fetch_cancel(c->loop, c->fetch);
    config_unref(c->config);
    free(c->obs);
    free(c);
}
