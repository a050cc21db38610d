/*
 * pejld_web.c — the wiring between the HTTP endpoint (web/) and the
 * daemon: what a request may read of its context, so that web/ never
 * includes pejld.h; and opening the endpoint when `listen` is set.
 */
#include <stdio.h>

#include "log.h"
#include "pejld.h"
#include "web.h"

static void state(void *arg, struct web_state *out)
{
    struct pejld *d = arg;
    *out = (struct web_state){
        .indicators = d->config->indicators,
        .n_indicators = d->config->n_indicators,
        .store = d->store,
        .alerting = d->alerting,
        .now = pejld_now(d),
        .collections_failed = d->collections_failed,
        .outbox_pending = d->outbox ? outbox_size(d->outbox) : 0,
        .report_dir = d->config->report_dir,
        .store_settings = pejld_store_settings(d->config),
        .as_of_reads = d->as_of_reads,
        .stopping = d->stopping,
    };
}

int pejld_web_open(struct pejld *d)
{
    char err[512];
    const struct web_daemon daemon = {.arg = d, .state = state};
    if (!d->config->listen)
        return 0; /* off unless configured */
    d->web = web_open(d->loop, (const struct sockaddr *)&d->config->listen_addr,
                      d->config->listen_addr_len, &daemon, err, sizeof err);
    if (!d->web) {
        log_err("listen %s: %s", d->config->listen, err);
        return -1;
    }
    snprintf(d->listening, sizeof d->listening, "%s", d->config->listen);
    log_info("http endpoint on %s (/metrics, /healthz, /api/v1/, the report)", d->config->listen);
    return 0;
}
