/*
 * pejld_commands.c — the wiring between the control socket's commands
 * (control/commands.c) and the daemon: what they see of its context and
 * what they may ask of it, so that control/ never includes pejld.h.
 */
#include <stdlib.h>

#include "pejld.h"
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

void pejld_commands_init(struct pejld *d)
{
    d->commands.daemon = (struct commands_daemon){
        .arg = d, .state = state, .reload = reload, .collect_now = collect_now,
        .verify = verify, .verify_cancel = verify_stop};
}
