/*
 * pejld_commands.c — the wiring between the control socket's commands
 * (control/commands.c) and the daemon: what they see of its context and
 * what they may ask of it, so that control/ never includes pejld.h.
 */
#include "pejld.h"

static void state(void *arg, struct commands_state *out)
{
    struct pejld *d = arg;
    *out = (struct commands_state){
        .indicators = d->config->indicators,
        .n_indicators = d->config->n_indicators,
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

void pejld_commands_init(struct pejld *d)
{
    d->commands.daemon = (struct commands_daemon){
        .arg = d, .state = state, .reload = reload, .collect_now = collect_now};
}
