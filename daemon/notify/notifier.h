/*
 * notifier.h — which receiver hears about which alert, and when: after
 * every evaluation pass (and when a wait runs out) each alert is matched
 * against the routes; a receiver is told when an alert starts firing
 * (after the route's group_wait, so alerts that start together go
 * together), when its state changes, again every repeat_interval while it
 * fires, and when it is resolved (send_resolved). Silenced alerts keep
 * their state and are not told. What each receiver was last told is kept
 * in the alert state (notify marks), so a restart repeats nothing.
 *
 * Notifications are rendered here (notice.h) and queued in the outbox;
 * an alert whose notification the full outbox refuses stays due.
 */
#ifndef PEJL_NOTIFIER_H
#define PEJL_NOTIFIER_H

#include <stdint.h>

#include "alerting.h"
#include "indicator.h"
#include "outbox.h"
#include "receiver.h"
#include "store.h"

struct name_index;

/* What the notifier needs of the config; read during notifier_run only. */
struct notifier_settings {
    const struct indicator *indicators; /* what an alert is about */
    size_t n_indicators;
    const struct receiver *receivers;
    size_t n_receivers;
    const struct route *routes;
    size_t n_routes;
    const char *external_url; /* where people reach graphs and reports; NULL: nowhere */
    const char *graph_dir;    /* the PNG an e-mail carries */
    const struct name_index *by_id; /* the indicators by id; NULL: searched one by one */
    enum language language;         /* of the notices' words and figures */
};

/* Queues what is due at `now`; returns when something next falls due
 * (a group_wait or repeat_interval running out), 0 when nothing will.
 * `no_wait`: group_wait is over already (pejld --once notifies once, at
 * the end, with every alert of the run). */
int64_t notifier_run(struct alerting *alerting, const struct notifier_settings *settings,
                     const struct store *store, struct outbox *outbox, int64_t now, bool no_wait);

#endif
