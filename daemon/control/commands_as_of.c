/*
 * commands_as_of.c — as-of arguments, SNAPSHOT and REVISIONS (see
 * commands_as_of.h).
 */
#include "commands_as_of.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as_of.h"
#include "offload.h"
#include "period.h"
#include "timestamp.h"
#include "value.h"

#define AS_OF_WORD "as-of="
#define PERIOD_WORD "period="

bool commands_option_word(const char *word)
{
    return strcmp(word, "json") == 0 || strncmp(word, AS_OF_WORD, strlen(AS_OF_WORD)) == 0 ||
           strncmp(word, PERIOD_WORD, strlen(PERIOD_WORD)) == 0;
}

/* The text after `prefix` in r's arguments, or NULL. */
static const char *option(const struct control_request *r, const char *prefix)
{
    for (int i = 1; i < r->argc; i++)
        if (strncmp(r->argv[i], prefix, strlen(prefix)) == 0)
            return r->argv[i] + strlen(prefix);
    return NULL;
}

int commands_as_of(const struct commands_state *d, struct control_client *c,
                   const struct control_request *r, int64_t *as_of)
{
    char err[1024];
    const char *spec = option(r, AS_OF_WORD);
    *as_of = 0;
    if (!spec)
        return 0;
    if (as_of_resolve(d->store_settings.state_dir, spec, as_of, err, sizeof err) < 0) {
        control_error(c, "as-of %s", err);
        return -1;
    }
    return 0;
}

void commands_snapshot(struct commands *cmds, struct control_client *c,
                       const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    char err[1024], when[TIMESTAMP_TEXT_MAX], message[256];
    int64_t t = d->now;
    if (r->argc < 2 || r->argc > 3) {
        control_error(c, "SNAPSHOT<TAB>NAME[<TAB>TIME]");
        return;
    }
    if (r->argc == 3 &&
        as_of_resolve(d->store_settings.state_dir, r->argv[2], &t, err, sizeof err) < 0) {
        control_error(c, "%s", err);
        return;
    }
    if (as_of_snapshot_save(d->store_settings.state_dir, r->argv[1], t, err, sizeof err) < 0) {
        control_error(c, "%s", err);
        return;
    }
    timestamp_format(t, when, sizeof when);
    snprintf(message, sizeof message, "snapshot %s saved: %s", r->argv[1], when);
    control_reply(c, message, "");
}

/* ---- REVISIONS: its listing ---- */

struct listing {
    const struct as_of_history *history;
    const char *id, *period; /* period: the one wanted, or NULL */
    int64_t as_of;
    FILE *text;
    json_t *json; /* the JSON form instead of the text, or NULL */
    size_t periods;
};

static bool known(const struct listing *l, const struct as_of_vintage *v)
{
    return l->as_of <= 0 || v->vintage <= l->as_of;
}

static void text_value(struct listing *l, const char *key, const char *period,
                       const struct as_of_vintage *v, const struct as_of_vintage *first)
{
    char value[32], status[16], when[TIMESTAMP_TEXT_MAX], change[48] = "first published";
    value_format(v->value, value, sizeof value);
    if (status_format(v->status, status, sizeof status) == 0)
        snprintf(status, sizeof status, "-");
    timestamp_format(v->vintage, when, sizeof when);
    if (v != first && first->value != 0)
        snprintf(change, sizeof change, "%+.2f %%", (v->value / first->value - 1) * 100);
    else if (v != first)
        snprintf(change, sizeof change, "-");
    fprintf(l->text, "%-24s %-10s %-20s %14s %-6s %s\n", key, period, when, value, status, change);
}

static json_t *json_value(const struct as_of_vintage *v, const struct as_of_vintage *first)
{
    char status[16];
    status_format(v->status, status, sizeof status);
    json_t *o = json_object();
    json_object_set_new(o, "vintage", timestamp_json(v->vintage));
    json_object_set_new(o, "value", json_real(v->value));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "change_pct",
                        v != first && first->value != 0
                            ? json_real((v->value / first->value - 1) * 100)
                            : json_null());
    return o;
}

/* The values [0, n) of one period of series `key`. */
static void list_period(struct listing *l, const char *key, const struct as_of_vintage *v, size_t n)
{
    char period[PERIOD_TEXT_MAX];
    period_format(&v->period, period, sizeof period);
    if (l->period && strcmp(period, l->period) != 0)
        return;
    const struct as_of_vintage *first = NULL;
    json_t *values = l->json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!known(l, &v[i]))
            continue;
        first = first ? first : &v[i];
        if (values)
            json_array_append_new(values, json_value(&v[i], first));
        else
            text_value(l, key, period, &v[i], first);
    }
    if (first)
        l->periods++;
    if (values && first) {
        json_t *o = json_object();
        json_object_set_new(o, "series", json_string(key));
        json_object_set_new(o, "period", json_string(period));
        json_object_set_new(o, "values", values);
        json_array_append_new(l->json, o);
    } else {
        json_decref(values);
    }
}

static void list_series(const char *key, void *arg)
{
    struct listing *l = arg;
    size_t len = strlen(l->id), n, at = 0;
    if (strncmp(key, l->id, len) != 0 || (key[len] != '\0' && key[len] != '.'))
        return;
    const struct as_of_vintage *v = as_of_history_series(l->history, key, &n);
    while (at < n) {
        size_t end = at + 1;
        while (end < n && period_end(&v[end].period) == period_end(&v[at].period))
            end++;
        list_period(l, key, v + at, end - at);
        at = end;
    }
}

static int revisions_args(const struct commands_state *d, struct control_client *c,
                          const struct control_request *r, const char **id)
{
    *id = NULL;
    for (int i = 1; i < r->argc; i++)
        if (!commands_option_word(r->argv[i]))
            *id = *id ? "" : r->argv[i];
    if (!*id || !**id) {
        control_error(c, "REVISIONS<TAB>ID[<TAB>period=P][<TAB>as-of=TIME][<TAB>json]");
        return -1;
    }
    if (!indicator_find(d->indicators, d->n_indicators, *id)) {
        control_error(c, "no indicator %s", *id);
        return -1;
    }
    return 0;
}

/* ---- reads of the journal, each in a child (offload.h) ---- */

/* What a child reads and writes: the request as the loop parsed it. Its
 * document is the reply's message on the first line, then the reply. */
struct as_of_read {
    struct commands_state state;
    char id[INDICATOR_ID_MAX + 1], period[PERIOD_TEXT_MAX];
    int64_t as_of; /* 0: all that is known (REVISIONS without as-of) */
    bool json;
};

/* A STATUS or REVISIONS that waits for its child. */
struct waiting_as_of {
    struct commands *cmds;
    struct control_client *client;
    struct offload_job *job;
    struct as_of_read read;
    struct waiting_as_of *next;
};

/* In the child: the table as known at `as_of`, evaluated then; no alerts
 * (the daemon's are of today). */
static int status_work(FILE *out, void *arg, char *err, size_t errlen)
{
    const struct as_of_read *a = arg;
    struct store *store = store_read_as_of(&a->state.store_settings, a->as_of, err, errlen);
    if (!store)
        return -1;
    fputs("status\n", out);
    int rc = commands_status_write(out, &a->state, store, NULL, a->as_of, a->id[0] ? a->id : NULL,
                                   a->json);
    store_close(store);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    return rc;
}

/* In the child: REVISIONS' listing, the message before it. */
static int revisions_work(FILE *out, void *arg, char *err, size_t errlen)
{
    const struct as_of_read *a = arg;
    struct listing l = {.id = a->id, .period = a->period[0] ? a->period : NULL, .as_of = a->as_of};
    char *buf = NULL;
    size_t len = 0;
    struct as_of_history *history =
        as_of_history_read(a->state.store_settings.state_dir, a->id, err, errlen);
    if (!history)
        return -1;
    l.history = history;
    if (a->json ? !(l.json = json_array()) : !(l.text = open_memstream(&buf, &len))) {
        as_of_history_free(history);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (l.text)
        fprintf(l.text, "%-24s %-10s %-20s %14s %-6s %s\n", "series", "period", "vintage", "value",
                "status", "change from first");
    as_of_history_each(history, list_series, &l);
    as_of_history_free(history);
    if (l.json) {
        fputs("revisions\n", out);
        json_dumpf(l.json, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
        json_decref(l.json);
        return 0;
    }
    fclose(l.text);
    fprintf(out, "revisions: %zu period%s\n%s", l.periods, l.periods == 1 ? "" : "s",
            buf ? buf : "");
    free(buf);
    return 0;
}

static void unlink_waiting(struct waiting_as_of *w)
{
    for (struct waiting_as_of **p = &w->cmds->waiting_as_of; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            return;
        }
}

/* The client hung up: its child is killed, its slot free for another. */
static void as_of_read_hangup(void *arg)
{
    struct waiting_as_of *w = arg;
    unlink_waiting(w);
    offload_cancel(w->job);
    free(w);
}

/* From the loop: the child's reply, or why there is none. */
static void as_of_read_done(void *arg, const char *doc, size_t len, const char *error)
{
    struct waiting_as_of *w = arg;
    (void)len;
    unlink_waiting(w);
    control_on_hangup(w->client, NULL, NULL);
    const char *lf = doc ? strchr(doc, '\n') : NULL;
    if (lf) {
        char message[128];
        snprintf(message, sizeof message, "%.*s", (int)(lf - doc), doc);
        control_reply(w->client, message, lf + 1);
    } else {
        control_error(w->client, "%s", error ? error : "the as-of read said nothing");
    }
    free(w);
}

/* Starts `work` for `read` in a child; the client is answered when it
 * ends, or now when it cannot start (busy: try again). */
static void start_read(struct commands *cmds, struct control_client *c,
                       const struct as_of_read *read, offload_work_fn work)
{
    char err[256];
    struct waiting_as_of *w = calloc(1, sizeof *w);
    if (!w || !cmds->state.as_of_reads) {
        free(w);
        control_error(c, "the journal cannot be read as of then here (out of memory)");
        return;
    }
    *w = (struct waiting_as_of){.cmds = cmds, .client = c, .read = *read};
    if (offload_start(cmds->state.as_of_reads, work, &w->read, as_of_read_done, w, &w->job, err,
                      sizeof err) != OFFLOAD_STARTED) {
        free(w);
        control_error(c, "%s", err);
        return;
    }
    w->next = cmds->waiting_as_of;
    cmds->waiting_as_of = w;
    control_on_hangup(c, as_of_read_hangup, w);
}

void commands_status_as_of(struct commands *cmds, struct control_client *c, const char *id,
                           int64_t as_of, bool json)
{
    struct as_of_read read = {.state = cmds->state, .as_of = as_of, .json = json};
    snprintf(read.id, sizeof read.id, "%s", id ? id : "");
    start_read(cmds, c, &read, status_work);
}

void commands_revisions(struct commands *cmds, struct control_client *c,
                        const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    struct as_of_read read = {.state = *d};
    const char *id, *period = option(r, PERIOD_WORD);
    if (revisions_args(d, c, r, &id) < 0 || commands_as_of(d, c, r, &read.as_of) < 0)
        return;
    if (strlen(id) > INDICATOR_ID_MAX || (period && strlen(period) >= sizeof read.period)) {
        control_error(c, "no %s %s", period ? "period" : "indicator", period ? period : id);
        return;
    }
    snprintf(read.id, sizeof read.id, "%s", id);
    snprintf(read.period, sizeof read.period, "%s", period ? period : "");
    for (int i = 1; i < r->argc; i++)
        read.json |= strcmp(r->argv[i], "json") == 0;
    start_read(cmds, c, &read, revisions_work);
}

void commands_as_of_abandon(struct commands *cmds)
{
    while (cmds->waiting_as_of) {
        struct waiting_as_of *w = cmds->waiting_as_of;
        cmds->waiting_as_of = w->next;
        offload_cancel(w->job);
        control_on_hangup(w->client, NULL, NULL);
        control_error(w->client, "pejld is stopping");
        free(w);
    }
}
