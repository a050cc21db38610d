/*
 * compare.c — what changed between then and now (see compare.h).
 */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "as_of.h"
#include "assess.h"
#include "period.h"

struct building {
    struct comparison *c;
    const struct indicator *indicator;
    const struct indicator *indicators;
    size_t n_indicators;
    const struct as_of_history *history;
    int64_t then, now;
    size_t cap_new, cap_revised, cap_progress, cap_ranks, cap_alerts;
    bool failed;
};

double compare_change_pct(const struct period_change *change)
{
    if (isnan(change->then_value) || change->then_value == 0)
        return NAN;
    return (change->now_value - change->then_value) / fabs(change->then_value) * 100;
}

/* ---- figures ---- */

static void add_figure(struct building *b, const char *member, const struct period_change *change)
{
    struct comparison *c = b->c;
    bool fresh = isnan(change->then_value);
    struct compare_figure **items = fresh ? &c->new_periods : &c->revised;
    size_t *n = fresh ? &c->n_new_periods : &c->n_revised;
    size_t *cap = fresh ? &b->cap_new : &b->cap_revised;
    if (b->failed || array_grow((void **)items, cap, *n + 1, sizeof **items) < 0) {
        b->failed = true;
        return;
    }
    struct compare_figure *f = &(*items)[(*n)++];
    *f = (struct compare_figure){.indicator = b->indicator, .change = *change};
    snprintf(f->member, sizeof f->member, "%s", member ? member : "");
}

/* The values of one period, v[0..n) in the order recorded: what it was
 * then and now, and how often it changed in between. False when it is not
 * known now, or holds the value it had then. */
static bool period_changed(const struct as_of_vintage *v, size_t n, int64_t then, int64_t now,
                           struct period_change *out)
{
    const struct as_of_vintage *at_then = NULL, *at_now = NULL;
    unsigned revisions = 0;
    for (size_t i = 0; i < n && v[i].vintage <= now; i++) {
        if (v[i].vintage <= then)
            at_then = &v[i];
        else if (at_now && at_now->value != v[i].value)
            revisions++;
        at_now = &v[i];
    }
    if (!at_now || (at_then && at_then->value == at_now->value))
        return false;
    *out = (struct period_change){.period = at_now->period,
                                  .then_value = at_then ? at_then->value : NAN,
                                  .now_value = at_now->value,
                                  .now_status = at_now->status,
                                  .now_vintage = at_now->vintage,
                                  .revisions = revisions};
    return true;
}

/* Every period of series `key` new or revised since then. */
static void series_figures(struct building *b, const struct as_of_history *h, const char *key,
                           const char *member)
{
    size_t n = 0;
    const struct as_of_vintage *v = as_of_history_series(h, key, &n);
    for (size_t i = 0, j; i < n; i = j) {
        struct period_change ch;
        for (j = i + 1; j < n && period_equal(&v[j].period, &v[i].period); j++)
            ;
        if (period_changed(v + i, j - i, b->then, b->now, &ch))
            add_figure(b, member, &ch);
    }
}

/* Member series: keys "ID.MEMBER" of an indicator in the config. */
static void member_figures(const char *key, void *arg)
{
    struct building *b = arg;
    const char *dot = strchr(key, '.');
    char id[INDICATOR_ID_MAX + 1];
    if (!dot || (size_t)(dot - key) > INDICATOR_ID_MAX)
        return;
    snprintf(id, sizeof id, "%.*s", (int)(dot - key), key);
    b->indicator = indicator_find(b->indicators, b->n_indicators, id);
    if (b->indicator)
        series_figures(b, b->history, key, dot + 1);
}

/* ---- targets: progress categories and ranks ---- */

static int add_target(struct building *b, bool rank, size_t k, const struct evaluation *then,
                      const struct evaluation *now)
{
    struct comparison *c = b->c;
    struct compare_target **items = rank ? &c->ranks : &c->progress;
    size_t *n = rank ? &c->n_ranks : &c->n_progress;
    if (array_grow((void **)items, rank ? &b->cap_ranks : &b->cap_progress, *n + 1,
                   sizeof **items) < 0)
        return -1;
    (*items)[(*n)++] =
        (struct compare_target){.indicator = b->indicator, .target = k, .then = *then, .now = *now};
    return 0;
}

/* A rank moved: the latest rank then and now differ (a new period with the
 * same rank is no move). */
static bool rank_moved(const struct evaluation *then, const struct evaluation *now)
{
    if (isnan(then->latest_value) != isnan(now->latest_value))
        return true;
    return !isnan(now->latest_value) && then->latest_value != now->latest_value;
}

static int compare_targets(struct building *b, const struct compare_inputs *in)
{
    const struct indicator *ind = b->indicator;
    struct evaluation *then = calloc(ind->n_targets + 1, sizeof *then);
    struct evaluation *now = calloc(ind->n_targets + 1, sizeof *now);
    int rc = then && now ? 0 : -1;
    if (rc == 0) {
        assess(ind, in->then_store, in->then, then);
        assess(ind, in->store, in->now, now);
    }
    for (size_t k = 0; rc == 0 && k < ind->n_targets; k++) {
        if (then[k].progress != now[k].progress)
            rc = add_target(b, false, k, &then[k], &now[k]);
        if (rc == 0 && ind->targets[k].kind == TARGET_RANK && rank_moved(&then[k], &now[k]))
            rc = add_target(b, true, k, &then[k], &now[k]);
    }
    free(then);
    free(now);
    return rc;
}

/* ---- alerts: episodes that began or ended in between ---- */

static bool state_active(enum alert_state s)
{
    return s != ALERT_OK;
}

static int add_episode(struct building *b, const struct compare_inputs *in, const struct alert *a,
                       const struct compare_alert *episode)
{
    struct comparison *c = b->c;
    if (array_grow((void **)&c->alerts, &b->cap_alerts, c->n_alerts + 1, sizeof *c->alerts) < 0)
        return -1;
    struct compare_alert *e = &c->alerts[c->n_alerts++];
    *e = *episode;
    e->indicator = indicator_find(in->indicators, in->n_indicators, a->indicator);
    snprintf(e->indicator_id, sizeof e->indicator_id, "%s", a->indicator);
    snprintf(e->rule, sizeof e->rule, "%s", a->rule);
    e->history_cut = a->n_history == ALERT_HISTORY_MAX && a->history[0].at > in->then;
    return 0;
}

static int alert_episodes(struct building *b, const struct compare_inputs *in,
                          const struct alert *a)
{
    struct compare_alert open = {0};
    bool in_episode = false; /* away from OK within the window (or since before it) */
    for (size_t i = 0; i < a->n_history; i++) {
        const struct alert_transition *t = &a->history[i];
        if (t->at <= in->then || t->at > in->now)
            continue;
        if (!state_active(t->from) && state_active(t->to)) {
            open = (struct compare_alert){.state = t->to, .opened = t->at};
            in_episode = true;
        } else if (state_active(t->from) && !state_active(t->to)) {
            if (!in_episode) /* it was open at `then` */
                open = (struct compare_alert){.state = t->from};
            open.closed = t->at;
            if (add_episode(b, in, a, &open) < 0)
                return -1;
            in_episode = false;
        } else if (state_active(t->to)) { /* a change of severity */
            if (!in_episode)
                open = (struct compare_alert){.state = t->from}, in_episode = true;
            if (alert_state_rank(t->to) > alert_state_rank(open.state))
                open.state = t->to;
        }
    }
    return in_episode && open.opened ? add_episode(b, in, a, &open) : 0;
}

static int compare_alerts(struct building *b, const struct compare_inputs *in)
{
    const struct alert_ledger *l = in->alerting ? alerting_ledger(in->alerting) : NULL;
    for (size_t i = 0; l && i < l->n_alerts; i++)
        if (alert_episodes(b, in, &l->alerts[i]) < 0)
            return -1;
    return 0;
}

/* ---- the whole ---- */

int compare_build(struct comparison *c, const struct compare_inputs *in, char *err, size_t errlen)
{
    struct building b = {.c = c,
                         .indicators = in->indicators,
                         .n_indicators = in->n_indicators,
                         .then = in->then,
                         .now = in->now};
    *c = (struct comparison){.then = in->then, .now = in->now, .alerts_read = in->alerting != NULL};
    struct as_of_history *history = as_of_history_read(in->state_dir, NULL, err, errlen);
    if (!history)
        return -1;
    b.history = history;
    for (size_t i = 0; i < in->n_indicators && !b.failed; i++) {
        b.indicator = &in->indicators[i];
        series_figures(&b, history, b.indicator->id, NULL);
        if (!b.failed && compare_targets(&b, in) < 0)
            b.failed = true;
    }
    if (!b.failed)
        as_of_history_each(history, member_figures, &b);
    as_of_history_free(history);
    if (b.failed || compare_alerts(&b, in) < 0) {
        snprintf(err, errlen, "out of memory");
        compare_free(c);
        return -1;
    }
    return 0;
}

void compare_free(struct comparison *c)
{
    free(c->new_periods);
    free(c->revised);
    free(c->progress);
    free(c->ranks);
    free(c->alerts);
    *c = (struct comparison){0};
}
