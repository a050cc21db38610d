/*
 * notifier.c — routing alerts to receivers (see notifier.h).
 */
#include "notifier.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "fnv.h"
#include "log.h"
#include "name_index.h"
#include "notice.h"
#include "number_format.h"
#include "period.h"
#include "utf8.h"

struct pass {
    struct alerting *alerting;
    struct alert_ledger *ledger;
    const struct notifier_settings *settings;
    const struct store *store;
    struct outbox *outbox;
    int64_t now, next_due; /* evaluation time: alerts' times are in it (--now moves it) */
    int64_t clock;         /* the real time: e-mail dates, Alertmanager's endsAt */
    bool no_wait;
    char host[256];
};

struct batch {
    struct notice *notices;
    size_t n, cap;
};

static void due_later(struct pass *p, int64_t when)
{
    if (when > p->now && (p->next_due == 0 || when < p->next_due))
        p->next_due = when;
}

/* ---- the facts a notice carries ---- */

/* A figure in a notice: exact, thousands separated, in the notice's
 * language ("63,000", "41.9", "−2.5"; "63.000", "41,9"). */
static void notice_number(enum language language, double v, char *buf, size_t size)
{
    number_format_grouped(language, v, number_format_step_decimals(fabs(v)), buf, size);
}

static void target_words(enum language language, const struct indicator *ind, const char *year,
                         char *buf, size_t size)
{
    for (size_t i = 0; year && i < ind->n_targets; i++) {
        const struct target *t = &ind->targets[i];
        char v[32], b[PERIOD_TEXT_MAX];
        if (t->year ? atoi(year) != t->year : strcmp(year, "trend") != 0)
            continue;
        period_format(&t->baseline, b, sizeof b);
        notice_number(language, t->value, v, sizeof v);
        if (t->kind == TARGET_PATH)
            snprintf(buf, size, rule_words(language, "%s %s in %d (from %s)"), v, ind->unit,
                     t->year, b);
        else if (t->kind == TARGET_ABOVE_BASELINE)
            snprintf(buf, size, rule_words(language, "above the %s level in %d"), b, t->year);
        else if (t->kind == TARGET_RANK)
            snprintf(buf, size, rule_words(language, "top %d of the panel in %d"), t->top, t->year);
        else
            snprintf(buf, size, "%s",
                     rule_words_text(language, t->direction > 0 ? "a trend up" : "a trend down"));
    }
}

static void latest_words(const struct pass *p, const struct indicator *ind, char *buf, size_t size)
{
    const struct series *s = p->store ? store_series(p->store, ind->id) : NULL;
    for (size_t i = s ? s->n : 0; i-- > 0;) {
        char period[PERIOD_TEXT_MAX], v[32];
        if (isnan(s->items[i].obs.value))
            continue;
        period_format(&s->items[i].obs.period, period, sizeof period);
        notice_number(p->settings->language, s->items[i].obs.value, v, sizeof v);
        snprintf(buf, size, "%s: %s %s", period, v, ind->unit);
        return;
    }
}

static void describe(const struct pass *p, struct notice *n)
{
    const struct alert *a = n->alert;
    const struct notifier_settings *s = p->settings;
    const struct indicator *ind =
        s->by_id ? name_index_get(s->by_id, a->indicator)
                 : indicator_find(s->indicators, s->n_indicators, a->indicator);
    const char *external = p->settings->external_url;
    enum language language = p->settings->language;
    if (ind) {
        snprintf(n->title, sizeof n->title, "%s", ind->title);
        snprintf(n->source, sizeof n->source, "%s%s",
                 ind->source_name ? ind->source_name : ind->collector->name,
                 ind->illustrative
                     ? rule_words_text(language, " (illustrative data, not official statistics)")
                     : "");
        target_words(language, ind, alert_label_get(&n->labels, "target"), n->target,
                     sizeof n->target);
        latest_words(p, ind, n->latest, sizeof n->latest);
        snprintf(n->graph_path, sizeof n->graph_path, "%s/%s.png", p->settings->graph_dir, ind->id);
        if (access(n->graph_path, R_OK) != 0)
            n->graph_path[0] = '\0';
    }
    if (external) {
        size_t len = strlen(external);
        int cut = (int)(len && external[len - 1] == '/' ? len - 1 : len);
        snprintf(n->graph_url, sizeof n->graph_url, "%.*s/graphs/%s.png", cut, external, a->indicator);
        snprintf(n->generator_url, sizeof n->generator_url, "%.*s/#%s", cut, external, a->indicator);
    }
    utf8_scrub(n->title), utf8_scrub(n->source), utf8_scrub(n->target), utf8_scrub(n->latest);
}

/* The labels an alert is routed and sent with: a resolved one keeps the
 * severity it fired with, so the route that carried it carries the end. */
static void routing_labels(const struct alert *a, enum alert_state told, struct label_set *out)
{
    alert_label_set(a, out);
    const char *severity = alert_severity((enum rule_kind)rule_kind_from_name(a->rule), told);
    if (a->state != ALERT_OK || !severity || alert_label_get(out, "severity") ||
        out->n == ALERT_LABELS_MAX)
        return;
    struct label *l = &out->items[out->n++];
    snprintf(l->name, sizeof l->name, "severity");
    snprintf(l->value, sizeof l->value, "%s", severity);
    for (size_t i = out->n - 1; i > 0 && strcmp(out->items[i - 1].name, l->name) > 0; i--) {
        struct label swap = out->items[i]; /* keep them sorted */
        out->items[i] = out->items[i - 1];
        out->items[i - 1] = swap;
        l = &out->items[i - 1];
    }
}

/* ---- deciding ---- */

static struct notice *add_notice(struct batch *b, const struct pass *p, const struct alert *a,
                                 const struct label_set *labels, bool resolved, enum alert_state state)
{
    if (array_grow((void **)&b->notices, &b->cap, b->n + 1, sizeof *b->notices) < 0)
        return NULL;
    struct notice *n = &b->notices[b->n++];
    int64_t ends = a->ends_at ? a->ends_at : p->now;
    if (ends < a->starts_at) /* --now moved back in time: an end never comes before its start */
        ends = a->starts_at;
    *n = (struct notice){.alert = a,
                         .labels = *labels,
                         .resolved = resolved,
                         .state = state,
                         .starts_at = a->starts_at,
                         .ends_at = resolved ? ends : 0,
                         .language = p->settings->language};
    describe(p, n);
    return n;
}

static int64_t repeat_of(const struct route *r, const struct receiver *rc)
{
    return rc->type == RECEIVER_ALERTMANAGER && rc->resend_s < r->repeat_interval_s
               ? rc->resend_s
               : r->repeat_interval_s;
}

static void decide_firing(struct pass *p, const struct route *r, const struct receiver *rc,
                          const struct alert *a, const struct notify_mark *m, struct batch *b)
{
    bool new_episode = !m || m->state == ALERT_OK || m->starts_at != a->starts_at;
    if (new_episode && !p->no_wait && p->now < a->starts_at + r->group_wait_s) {
        due_later(p, a->starts_at + r->group_wait_s);
        return;
    }
    if (!new_episode && m->state == a->state && p->now - m->at < repeat_of(r, rc)) {
        due_later(p, m->at + repeat_of(r, rc));
        return;
    }
    if (!new_episode && m->state != a->state && rc->type == RECEIVER_ALERTMANAGER) {
        struct label_set old; /* Alertmanager keys alerts by all labels: end the old severity */
        alert_label_set(a, &old);
        for (size_t i = 0; i < old.n; i++)
            if (strcmp(old.items[i].name, "severity") == 0)
                snprintf(old.items[i].value, sizeof old.items[i].value, "%s",
                         alert_severity((enum rule_kind)rule_kind_from_name(a->rule), m->state));
        struct notice *n = add_notice(b, p, a, &old, true, ALERT_OK);
        if (n)
            n->ends_at = p->now;
    }
    struct label_set labels;
    alert_label_set(a, &labels);
    add_notice(b, p, a, &labels, false, a->state);
}

static void decide(struct pass *p, const struct route *r, const struct receiver *rc,
                   const struct alert *a, struct notify_mark *m, const struct label_set *labels,
                   struct batch *b)
{
    if (a->state != ALERT_OK) {
        decide_firing(p, r, rc, a, m, b);
    } else if (m && m->state != ALERT_OK) {
        if (r->send_resolved || rc->type == RECEIVER_ALERTMANAGER) /* it must hear the end */
            add_notice(b, p, a, labels, true, ALERT_OK);
        else if (m) {
            m->state = ALERT_OK, m->at = p->now; /* the end, not told */
            alert_ledger_touch_mark(p->ledger, m);
        }
    }
}

/* ---- sending ---- */

static void mark_told(struct pass *p, const struct receiver *rc, const struct notice *n)
{
    struct notify_mark *m = alert_ledger_mark(p->ledger, n->alert->fingerprint, rc->name, true);
    if (!m)
        return; /* out of memory: it will be told again, which is allowed */
    if (n->resolved && n->alert->state != ALERT_OK)
        return; /* the end of an old severity: the alert itself still fires */
    m->state = n->resolved ? ALERT_OK : n->state;
    m->at = p->now;
    m->starts_at = n->starts_at;
    alert_ledger_touch_mark(p->ledger, m);
    struct alert *a = alert_ledger_find(p->ledger, n->alert->fingerprint);
    if (a) {
        a->last_notified = p->now;
        alert_ledger_touch(p->ledger, a);
    }
}

static void fingerprints(const struct notice *n, size_t count, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used + 18 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "", n[i].alert->fingerprint);
}

static int queue(struct pass *p, const struct receiver *rc, const char *summary, const char *fps,
                 char *payload, size_t len, bool urgent)
{
    struct outbox_item item = {.receiver = rc->name, .summary = summary, .fingerprints = fps,
                               .payload = payload, .len = len};
    int rc_ = payload ? outbox_add(p->outbox, &item, urgent) : -1;
    if (!payload)
        log_err("notify: out of memory rendering a notification for %s", rc->name);
    free(payload);
    return rc_;
}

/* An e-mail: its text message, and the graph to attach if there is one. */
static int queue_mail(struct pass *p, const struct receiver *rc, const struct notice *n,
                      const char *summary, bool urgent)
{
    struct notice_mail mail;
    if (notice_email(rc, n, p->clock, p->host, &mail) < 0)
        return queue(p, rc, summary, n->alert->fingerprint, NULL, 0, urgent);
    struct outbox_item item = {.receiver = rc->name,
                               .summary = summary,
                               .fingerprints = n->alert->fingerprint,
                               .payload = mail.message,
                               .len = mail.len,
                               .graph = mail.graph,
                               .graph_len = mail.graph_len,
                               .graph_name = mail.graph_name};
    int rc_ = outbox_add(p->outbox, &item, urgent);
    notice_mail_free(&mail);
    return rc_;
}

/* A group's mail (receiver group = true): one message, graphs linked. */
static bool queue_group_mail(struct pass *p, const struct receiver *rc, struct batch *b,
                             const char *subject, const char *fps)
{
    struct notice_mail mail;
    if (notice_email_group(rc, b->notices, b->n, subject, fps, p->clock, p->host, &mail) < 0)
        return queue(p, rc, subject, fps, NULL, 0, false) == 0;
    struct outbox_item item = {.receiver = rc->name, .summary = subject, .fingerprints = fps,
                               .payload = mail.message, .len = mail.len};
    bool queued = outbox_add(p->outbox, &item, false) == 0;
    notice_mail_free(&mail);
    for (size_t i = 0; queued && i < b->n; i++)
        mark_told(p, rc, &b->notices[i]);
    return queued;
}

/* E-mail: one message per alert, or per group with group = true. Webhook
 * and Alertmanager: one request per group. */
static bool send_batch(struct pass *p, const struct route *r, const struct receiver *rc,
                       struct batch *b)
{
    char fps[2048], subject[ALERT_SUMMARY_MAX + 32];
    size_t len = 0;
    bool queued_all = true;
    if (rc->type == RECEIVER_EMAIL && rc->group_mail && b->n > 1) {
        fingerprints(b->notices, b->n, fps, sizeof fps);
        notice_subject(&b->notices[0], subject, sizeof subject);
        snprintf(subject + strlen(subject), sizeof subject - strlen(subject), " (+%zu)", b->n - 1);
        return queue_group_mail(p, rc, b, subject, fps);
    }
    if (rc->type == RECEIVER_EMAIL) {
        for (size_t i = 0; i < b->n; i++) {
            notice_subject(&b->notices[i], subject, sizeof subject);
            if (queue_mail(p, rc, &b->notices[i], subject, false) == 0)
                mark_told(p, rc, &b->notices[i]);
            else
                queued_all = false;
        }
        return queued_all;
    }
    char *body = rc->type == RECEIVER_WEBHOOK
                     ? notice_webhook(rc, r, b->notices, b->n, p->settings->external_url, &len)
                     : notice_alertmanager(b->notices, b->n, p->clock + 4 * rc->resend_s, &len);
    fingerprints(b->notices, b->n, fps, sizeof fps);
    notice_subject(&b->notices[0], subject, sizeof subject);
    if (b->n > 1)
        snprintf(subject + strlen(subject), sizeof subject - strlen(subject), " (+%zu)", b->n - 1);
    if (queue(p, rc, subject, fps, body, len, false) < 0)
        return false;
    for (size_t i = 0; i < b->n; i++)
        mark_told(p, rc, &b->notices[i]);
    return true;
}

/* The outbox refused for lack of room: say so once through this receiver,
 * past the bound, so whoever reads it learns that notifications wait. */
static void tell_full(struct pass *p, const struct receiver *rc)
{
    static const char name[] = "pejl_outbox_full";
    struct alert full = {.state = ALERT_CRITICAL, .since = p->now, .starts_at = p->now};
    snprintf(full.fingerprint, sizeof full.fingerprint, "%016llx",
             (unsigned long long)fnv1a(FNV64_OFFSET, name, sizeof name - 1));
    struct notify_mark *m = alert_ledger_mark(p->ledger, full.fingerprint, rc->name, true);
    if (!m || m->state == ALERT_CRITICAL)
        return;
    snprintf(full.indicator, sizeof full.indicator, "pejld");
    snprintf(full.rule, sizeof full.rule, "outbox");
    snprintf(full.summary, sizeof full.summary,
             "pejld: the outbox is full (%zu undelivered); new notifications wait", outbox_size(p->outbox));
    char description[ALERT_DESCRIPTION_MAX];
    full.description = description; /* full is not freed: it owns nothing */
    snprintf(description, sizeof description,
             "Notifications are queued in the outbox until a receiver takes them; it holds %zu, "
             "its bound (outbox.max). Alerts keep their state and are notified once there is room. "
             "Check the receivers and pejld's log.", outbox_size(p->outbox));
    struct label_set labels = {0};
    snprintf(labels.items[0].name, sizeof labels.items[0].name, "alertname");
    snprintf(labels.items[0].value, sizeof labels.items[0].value, "%s", name);
    snprintf(labels.items[1].name, sizeof labels.items[1].name, "severity");
    snprintf(labels.items[1].value, sizeof labels.items[1].value, "critical");
    labels.n = 2;
    struct notice n = {.alert = &full, .labels = labels, .state = ALERT_CRITICAL, .starts_at = p->now};
    char subject[ALERT_SUMMARY_MAX + 32];
    size_t len = 0;
    notice_subject(&n, subject, sizeof subject);
    int queued;
    if (rc->type == RECEIVER_EMAIL) {
        queued = queue_mail(p, rc, &n, subject, true);
    } else {
        char *payload = rc->type == RECEIVER_WEBHOOK
                            ? notice_webhook(rc, NULL, &n, 1, p->settings->external_url, &len)
                            : notice_alertmanager(&n, 1, p->clock + 4 * rc->resend_s, &len);
        queued = queue(p, rc, subject, full.fingerprint, payload, len, true);
    }
    if (queued == 0) {
        m->state = ALERT_CRITICAL, m->at = p->now, m->starts_at = p->now;
        alert_ledger_touch_mark(p->ledger, m);
    }
}

static void clear_full(struct pass *p, const struct receiver *rc)
{
    static const char name[] = "pejl_outbox_full";
    char fingerprint[17];
    snprintf(fingerprint, sizeof fingerprint, "%016llx",
             (unsigned long long)fnv1a(FNV64_OFFSET, name, sizeof name - 1));
    struct notify_mark *m = alert_ledger_mark(p->ledger, fingerprint, rc->name, false);
    if (m && m->state != ALERT_OK && !outbox_full(p->outbox)) {
        m->state = ALERT_OK;
        alert_ledger_touch_mark(p->ledger, m);
        log_info("outbox: room again; %s is told about alerts as before", rc->name);
    }
}

/* ---- the pass ---- */

static bool route_has(const struct route *r, size_t receiver)
{
    for (size_t i = 0; i < r->n_receivers; i++)
        if (r->receivers[i] == receiver)
            return true;
    return false;
}

static void run_route(struct pass *p, const struct route *r, size_t ri, bool *handled)
{
    const struct receiver *rc = &p->settings->receivers[ri];
    struct batch b = {0};
    for (size_t i = 0; i < p->ledger->n_alerts; i++) {
        const struct alert *a = &p->ledger->alerts[i];
        struct notify_mark *m = alert_ledger_mark(p->ledger, a->fingerprint, rc->name, false);
        struct label_set labels;
        routing_labels(a, m ? m->state : ALERT_OK, &labels);
        if (handled[i] || !config_route_matches(r, &labels))
            continue;
        handled[i] = true; /* the first route that matches an alert speaks for it */
        if (!alerting_silenced(p->alerting, a, p->now))
            decide(p, r, rc, a, m, &labels, &b);
    }
    if (b.n && !send_batch(p, r, rc, &b) && outbox_full(p->outbox))
        tell_full(p, rc);
    free(b.notices);
}

int64_t notifier_run(struct alerting *alerting, const struct notifier_settings *settings,
                     const struct store *store, struct outbox *outbox, int64_t now, bool no_wait)
{
    struct pass p = {.alerting = alerting,
                     .ledger = alerting_ledger_for_update(alerting),
                     .settings = settings,
                     .store = store,
                     .outbox = outbox,
                     .now = now,
                     .no_wait = no_wait,
                     .clock = (int64_t)time(NULL)};
    if (gethostname(p.host, sizeof p.host - 1) < 0 || !p.host[0])
        snprintf(p.host, sizeof p.host, "localhost");
    for (size_t ri = 0; ri < settings->n_receivers; ri++) {
        bool *handled = calloc(p.ledger->n_alerts + 1, sizeof *handled);
        if (!handled)
            break;
        clear_full(&p, &settings->receivers[ri]);
        for (size_t k = 0; k < settings->n_routes; k++)
            if (route_has(&settings->routes[k], ri))
                run_route(&p, &settings->routes[k], ri, handled);
        free(handled);
    }
    return p.next_due;
}
