/*
 * commands.c — the control socket's commands (see commands.h).
 */
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "as_of.h"
#include "assess.h"
#include "commands_as_of.h"
#include "duration.h"
#include "log.h"
#include "metrics.h"
#include "name_index.h"
#include "outbox.h"
#include "period.h"
#include "report.h"
#include "reporter.h"
#include "status.h"
#include "timestamp.h"
#include "value.h"

/* A COLLECT that waits for its collections. */
struct waiting_collect {
    struct control_client *client;
    char (*ids)[INDICATOR_ID_MAX + 1];
    char **outcomes; /* NULL until that collection ends */
    size_t n;
    struct waiting_collect *next;
};

/* A VERIFY that waits for its verification. */
struct waiting_verify {
    struct commands *cmds;
    struct control_client *client;
    void *verification;
    struct waiting_verify *next;
};

static bool wants_json(const struct control_request *r, int from)
{
    for (int i = from; i < r->argc; i++)
        if (strcmp(r->argv[i], "json") == 0)
            return true;
    return false;
}

/* Text built with stdio into memory. */
struct text {
    char *buf;
    size_t len;
    FILE *f;
};

static FILE *text_open(struct text *t)
{
    *t = (struct text){0};
    return t->f = open_memstream(&t->buf, &t->len);
}

/* Drops what `t` holds and opens it anew (the JSON form instead of the text). */
static FILE *text_reopen(struct text *t)
{
    fclose(t->f);
    free(t->buf);
    return text_open(t);
}

static char *text_close(struct text *t)
{
    if (t->f && fclose(t->f) != 0) {
        free(t->buf);
        return NULL;
    }
    return t->buf;
}

static void reply_text(struct control_client *c, struct text *t, const char *message)
{
    char *text = text_close(t);
    if (text)
        control_reply(c, message, text);
    else
        control_error(c, "out of memory");
    free(text);
}

/* An indicator by its id: hashed when the config's index is given. */
static const struct indicator *find_indicator(const struct commands_state *d, const char *id)
{
    return d->by_id ? name_index_get(d->by_id, id)
                    : indicator_find(d->indicators, d->n_indicators, id);
}

/* ---- STATUS [ID] [json] [as-of=TIME] ---- */

/* One indicator's rows of the table `all`: the header and its rows, or its
 * objects. */
static void status_one(FILE *out, char *all, const char *id, bool json)
{
    if (json) {
        json_t *rows = json_loads(all, 0, NULL), *row, *kept = json_array();
        size_t i;
        json_array_foreach(rows, i, row)
            if (strcmp(json_string_value(json_object_get(row, "indicator")), id) == 0)
                json_array_append(kept, row);
        json_dumpf(kept, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
        fputc('\n', out);
        json_decref(rows);
        json_decref(kept);
        return;
    }
    size_t idlen = strlen(id), n = 0;
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n"), n++)
        if (n == 0 || (strncmp(line, id, idlen) == 0 && line[idlen] == ' '))
            fprintf(out, "%s\n", line);
}

int commands_status_write(FILE *out, const struct commands_state *d, const struct store *store,
                          const struct alerting *alerting, int64_t now, const char *id, bool json)
{
    struct text t;
    if (!text_open(&t))
        return -1;
    if (json)
        status_print_json(t.f, d->indicators, d->n_indicators, store, alerting, now);
    else
        status_print(t.f, d->indicators, d->n_indicators, store, alerting, now);
    char *all = text_close(&t);
    if (!all)
        return -1;
    if (id)
        status_one(out, all, id, json);
    else
        fputs(all, out);
    free(all);
    return 0;
}

static void cmd_status(struct commands *cmds, struct control_client *c,
                       const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    const char *id = r->argc > 1 && !commands_option_word(r->argv[1]) ? r->argv[1] : NULL;
    struct text t;
    int64_t as_of;
    if (id && !find_indicator(d, id)) {
        control_error(c, "no indicator %s", id);
        return;
    }
    if (commands_as_of(d, c, r, &as_of) < 0)
        return;
    if (as_of > 0) { /* the journal read again up to then: in a child, answered later */
        commands_status_as_of(cmds, c, id, as_of, wants_json(r, 1));
        return;
    }
    if (!text_open(&t)) {
        control_error(c, "out of memory");
        return;
    }
    if (commands_status_write(t.f, d, d->store, d->alerting, d->now, id, wants_json(r, 1)) < 0) {
        free(text_close(&t));
        control_error(c, "out of memory");
        return;
    }
    reply_text(c, &t, "status");
}

/* ---- ALERTS [json] ---- */

static void cmd_alerts(struct commands *cmds, struct control_client *c,
                       const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    const struct alert_ledger *l = alerting_ledger(d->alerting);
    int64_t now = d->now;
    struct text t;
    if (!text_open(&t)) {
        control_error(c, "out of memory");
        return;
    }
    if (wants_json(r, 1)) {
        alerting_print_json(t.f, d->alerting, now);
        reply_text(c, &t, "alerts");
        return;
    }
    for (size_t i = 0; i < l->n_alerts; i++) {
        const struct alert *a = &l->alerts[i];
        bool silenced = alerting_silenced(d->alerting, a, now);
        char since[TIMESTAMP_TEXT_MAX];
        if (!alert_active(a) || a->orphan)
            continue;
        timestamp_format(a->starts_at, since, sizeof since);
        fprintf(t.f, "%-8s %-24s %-10s since %s  %s%s  %s\n", alert_state_name(a->state), a->indicator,
                a->rule, since, a->fingerprint, silenced ? " (silenced)" : "", a->summary);
    }
    reply_text(c, &t, "alerts");
}

/* ---- SILENCE, UNSILENCE, SILENCES ---- */

static void cmd_silence(struct commands *cmds, struct control_client *c,
                        const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    char err[300];
    struct silence s = {0};
    int64_t duration = r->argc > 2 ? duration_parse(r->argv[2]) : -1,
            now = (int64_t)time(NULL);
    bool force = r->argc == 6 && strcmp(r->argv[5], "force") == 0;
    if (r->argc < 4 || r->argc > 6 || (r->argc == 6 && !force)) {
        control_error(c, "SILENCE<TAB>MATCHER<TAB>DURATION<TAB>COMMENT[<TAB>BY[<TAB>force]]");
        return;
    }
    if (silence_parse_matcher(r->argv[1], &s, err, sizeof err) < 0 ||
        (!force && silence_check_rules(&s, d->indicators, d->n_indicators, err,
                                       sizeof err) < 0)) {
        control_error(c, "%s", err);
        return;
    }
    if (duration <= 0) {
        control_error(c, "duration \"%s\": write e.g. 7d, 12h or 1w", r->argv[2]);
        return;
    }
    if (!r->argv[3][0] || strlen(r->argv[3]) >= sizeof s.comment) {
        control_error(c, "a silence needs a comment of 1-%zu bytes: say why", sizeof s.comment - 1);
        return;
    }
    snprintf(s.id, sizeof s.id, "%08x%08x", arc4random(), arc4random());
    s.starts_at = now, s.ends_at = now + duration;
    snprintf(s.comment, sizeof s.comment, "%s", r->argv[3]);
    snprintf(s.created_by, sizeof s.created_by, "%s", r->argc >= 5 ? r->argv[4] : "pejlctl");
    if (alerting_add_silence(d->alerting, &s) < 0) {
        control_error(c, "out of memory");
        return;
    }
    char until[TIMESTAMP_TEXT_MAX], line[128];
    timestamp_format(s.ends_at, until, sizeof until);
    snprintf(line, sizeof line, "%s until %s", s.id, until);
    log_info("silence %s: %s until %s by %s: %s", s.id, r->argv[1], until, s.created_by, s.comment);
    control_reply(c, "silenced", line);
}

static void cmd_unsilence(struct commands *cmds, struct control_client *c,
                          const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    if (r->argc != 2)
        control_error(c, "UNSILENCE<TAB>ID");
    else if (alerting_remove_silence(d->alerting, r->argv[1]) < 0)
        control_error(c, "no silence %s", r->argv[1]);
    else
        control_reply(c, "unsilenced", "");
}

static void cmd_silences(struct commands *cmds, struct control_client *c,
                         const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    const struct alert_ledger *l = alerting_ledger(d->alerting);
    struct text t;
    if (!text_open(&t)) {
        control_error(c, "out of memory");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < l->n_silences; i++) {
        const struct silence *s = &l->silences[i];
        char until[TIMESTAMP_TEXT_MAX];
        timestamp_format(s->ends_at, until, sizeof until);
        json_array_append_new(list, silence_to_json(s));
        fprintf(t.f, "%s  %s/%s  until %s  by %s: %s\n", s->id, s->indicator[0] ? s->indicator : "*",
                s->rule[0] ? s->rule : "*", until, s->created_by, s->comment);
    }
    if (wants_json(r, 1) && !text_reopen(&t)) {
        json_decref(list);
        control_error(c, "out of memory");
        return;
    }
    if (wants_json(r, 1)) {
        json_dumpf(list, t.f, JSON_INDENT(2));
        fputc('\n', t.f);
    }
    json_decref(list);
    reply_text(c, &t, "silences");
}

/* ---- METRICS: the Prometheus text exposition format (metrics.h) ---- */

static void cmd_metrics(struct commands *cmds, struct control_client *c,
                        const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    struct text t;
    (void)r;
    if (!text_open(&t)) {
        control_error(c, "out of memory");
        return;
    }
    struct metrics_input in = {.indicators = d->indicators,
                               .n_indicators = d->n_indicators,
                               .store = d->store,
                               .alerting = d->alerting,
                               .now = d->now,
                               .collections_failed = d->collections_failed,
                               .outbox_pending = d->outbox ? outbox_size(d->outbox) : 0};
    metrics_write(t.f, &in);
    reply_text(c, &t, "metrics");
}

/* ---- RELOAD ---- */

static void cmd_reload(struct commands *cmds, struct control_client *c,
                       const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    (void)r;
    if (cmds->daemon.reload(cmds->daemon.arg) < 0)
        control_error(c, "%s has problems (see pejld's log, or pejld --check-config); still "
                         "running on the previous config", d->config_path);
    else
        control_reply(c, "reloaded", "");
}

/* ---- GRAPH ID: the PNG, in base64 ---- */

/* In base64 (76 characters and a line break per 57 bytes) it fits a reply. */
#define GRAPH_PNG_MAX ((size_t)16 << 20)
_Static_assert(GRAPH_PNG_MAX / 57 * 78 + 200 < CONTROL_REPLY_MAX, "a graph fits a reply");

/* The whole PNG, or NULL with `why` saying what is wrong. */
static char *read_png(const char *path, size_t *len, char *why, size_t whylen)
{
    struct stat st;
    char *png = NULL;
    FILE *f = fopen(path, "rbe");
    *len = 0;
    if (!f || fstat(fileno(f), &st) < 0 || st.st_size == 0) {
        snprintf(why, whylen, "is not there yet (nothing collected, or not drawn yet)");
    } else if ((size_t)st.st_size > GRAPH_PNG_MAX) {
        snprintf(why, whylen, "is %lld bytes, more than the %zu MiB a reply may carry; open %s",
                 (long long)st.st_size, GRAPH_PNG_MAX >> 20, path);
    } else if (!(png = malloc((size_t)st.st_size))) {
        snprintf(why, whylen, "cannot be read: out of memory");
    } else if ((*len = fread(png, 1, (size_t)st.st_size, f)) != (size_t)st.st_size) {
        snprintf(why, whylen, "cannot be read whole from %s (being redrawn? try again)", path);
        free(png);
        png = NULL;
    }
    if (f)
        fclose(f);
    return png;
}

/* `png` in base64 (libcrypto's), 57 bytes to a line of 76 characters
 * ended by LF, as RFC 2045 shapes it; NULL when out of memory. */
static char *png_text(const unsigned char *png, size_t len)
{
    char *text = malloc((len + 56) / 57 * 77 + 1), *o = text;
    for (size_t at = 0; text && at < len; at += 57) {
        int n = len - at < 57 ? (int)(len - at) : 57;
        o += EVP_EncodeBlock((unsigned char *)o, png + at, n);
        *o++ = '\n';
    }
    if (text)
        *o = '\0';
    return text;
}

static void reply_png(struct control_client *c, const char *id, const char *path);

/* The graph as of a moment is drawn: its PNG, or the error. */
static void graph_drawn(void *arg, const char *png)
{
    struct control_client *c = arg;
    if (png)
        reply_png(c, "this indicator as of then", png);
    else
        control_error(c, "the graph as of then was not drawn; see pejld's log");
}

static void cmd_graph(struct commands *cmds, struct control_client *c,
                      const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    char *path = NULL;
    int64_t as_of;
    bool usage = r->argc < 2 || r->argc > 3 || (r->argc == 3 && strncmp(r->argv[2], "as-of=", 6) != 0);
    if (usage || !find_indicator(d, r->argv[1])) {
        control_error(c, usage ? "GRAPH<TAB>ID[<TAB>as-of=TIME]" : "no indicator %s", usage ? "" : r->argv[1]);
        return;
    }
    if (commands_as_of(d, c, r, &as_of) < 0)
        return;
    if (as_of > 0) {
        if (!cmds->daemon.graph_as_of ||
            cmds->daemon.graph_as_of(cmds->daemon.arg, r->argv[1], as_of, graph_drawn, c) < 0)
            control_error(c, "the graph as of then could not be started (see pejld's log)");
        return;
    }
    if (asprintf(&path, "%s/%s.png", d->graph_dir, r->argv[1]) < 0) {
        control_error(c, "out of memory");
        return;
    }
    reply_png(c, r->argv[1], path);
    free(path);
}

/* The PNG at `path` as GRAPH's reply. */
static void reply_png(struct control_client *c, const char *id, const char *path)
{
    char *png, why[600];
    size_t len = 0;
    png = read_png(path, &len, why, sizeof why);
    if (!png) {
        control_error(c, "the graph of %s %s", id, why);
        return;
    }
    char *coded = png_text((const unsigned char *)png, len);
    free(png);
    if (!coded) {
        control_error(c, "out of memory");
        return;
    }
    control_reply(c, "png base64", coded);
    free(coded);
}

/* ---- COLLECT [ID...]: answers when they are done ---- */

static void waiting_free(struct waiting_collect *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->outcomes[i]);
    free(w->outcomes);
    free(w->ids);
    free(w);
}

static void answer_collect(struct waiting_collect *w)
{
    struct text t;
    size_t failed = 0;
    if (!text_open(&t)) {
        control_error(w->client, "out of memory");
        return;
    }
    for (size_t i = 0; i < w->n; i++) {
        fprintf(t.f, "%s\t%s\n", w->ids[i], w->outcomes[i] ? w->outcomes[i] : "not finished");
        failed += !w->outcomes[i] || strncmp(w->outcomes[i], "ok", 2) != 0;
    }
    reply_text(w->client, &t, failed ? "collected, with failures" : "collected");
}

static void cmd_collect(struct commands *cmds, struct control_client *c,
                        const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    struct waiting_collect *w = calloc(1, sizeof *w);
    size_t n = r->argc > 1 ? (size_t)r->argc - 1 : d->n_indicators;
    if (!w || !(w->ids = calloc(n, sizeof *w->ids)) || !(w->outcomes = calloc(n, sizeof *w->outcomes))) {
        if (w)
            free(w->ids), free(w);
        control_error(c, "out of memory");
        return;
    }
    w->client = c, w->n = n;
    for (size_t i = 0; i < n; i++) {
        const char *id = r->argc > 1 ? r->argv[i + 1] : d->indicators[i].id;
        if (!find_indicator(d, id)) {
            control_error(c, "no indicator %s", id);
            waiting_free(w);
            return;
        }
        snprintf(w->ids[i], sizeof w->ids[i], "%s", id);
    }
    for (size_t i = 0; i < n; i++)
        if (cmds->daemon.collect_now(cmds->daemon.arg, w->ids[i]) < 0 && !w->outcomes[i])
            w->outcomes[i] = strdup("failed\tcould not start");
    w->next = cmds->waiting_collects;
    cmds->waiting_collects = w;
}

void commands_collected(struct commands *cmds, const char *id, bool ok, const char *error,
                        const struct ingest_summary *sum)
{
    for (struct waiting_collect **p = &cmds->waiting_collects; *p;) {
        struct waiting_collect *w = *p;
        bool done = true;
        for (size_t i = 0; i < w->n; i++) {
            if (!w->outcomes[i] && strcmp(w->ids[i], id) == 0) {
                char *o = NULL, words[200];
                if (ok && sum) {
                    store_summary_text(sum, words, sizeof words);
                    (void)!asprintf(&o, "ok\t%s", words);
                } else {
                    (void)!asprintf(&o, "failed\t%s", error ? error : "failed");
                }
                w->outcomes[i] = o;
            }
            done &= w->outcomes[i] != NULL;
        }
        if (done) {
            *p = w->next;
            answer_collect(w);
            waiting_free(w);
        } else {
            p = &w->next;
        }
    }
}

void commands_abandon(struct commands *cmds)
{
    commands_as_of_abandon(cmds);
    while (cmds->waiting_verifies) {
        struct waiting_verify *w = cmds->waiting_verifies;
        cmds->waiting_verifies = w->next;
        cmds->daemon.verify_cancel(cmds->daemon.arg, w->verification);
        control_error(w->client, "pejld is stopping");
        free(w);
    }
    while (cmds->waiting_collects) {
        struct waiting_collect *w = cmds->waiting_collects;
        cmds->waiting_collects = w->next;
        control_error(w->client, "pejld is stopping");
        waiting_free(w);
    }
}

/* ---- REPORT DIR: answers when it is written ---- */

static void report_done(void *arg, bool ok)
{
    struct control_client *c = arg;
    if (ok)
        control_reply(c, "report written", "");
    else
        control_error(c, "the report was not written; see pejld's log (the previous one is as it was)");
}

/* REPORT's words after DIR: as-of=TIME and compare-to=TIME, each at most once. */
static bool report_words_ok(const struct control_request *r)
{
    for (int i = 2; i < r->argc; i++)
        if (strncmp(r->argv[i], "as-of=", 6) != 0 && strncmp(r->argv[i], "compare-to=", 11) != 0)
            return false;
    return r->argc >= 2 && r->argc <= 4 && (r->argc < 4 || strncmp(r->argv[2], r->argv[3], 3) != 0);
}

/* compare-to=TIME resolved into *then (0 without one); -1 when answered. */
static int report_compare_to(const struct commands_state *d, struct control_client *c,
                             const struct control_request *r, int64_t *then, const char **name)
{
    char err[1024];
    *then = 0, *name = NULL;
    for (int i = 2; i < r->argc; i++) {
        const char *spec = r->argv[i] + 11;
        if (strncmp(r->argv[i], "compare-to=", 11) != 0)
            continue;
        if (as_of_resolve(d->store_settings.state_dir, spec, then, err, sizeof err) < 0) {
            control_error(c, "compare-to %s", err);
            return -1;
        }
        *name = as_of_name_valid(spec) ? spec : NULL;
    }
    return 0;
}

static void cmd_report(struct commands *cmds, struct control_client *c,
                       const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    int64_t as_of, compare_to;
    const char *name;
    if (!report_words_ok(r) || r->argv[1][0] != '/' || strlen(r->argv[1]) > 2048 ||
        strstr(r->argv[1], "/../")) {
        control_error(c, "REPORT<TAB>DIR[<TAB>as-of=TIME][<TAB>compare-to=TIME], with DIR an "
                         "absolute path pejld may write to");
        return;
    }
    if (commands_as_of(d, c, r, &as_of) < 0 || report_compare_to(d, c, r, &compare_to, &name) < 0)
        return;
    char real[2100], err[1024];
    struct report_keep_out keep_out = d->keep_out;
    if (report_dir_check(r->argv[1], &keep_out, real, sizeof real, err, sizeof err) < 0 ||
        report_dir_writable(real, err, sizeof err) < 0) {
        control_error(c, "%s", err); /* the report process checks again before it swaps */
        return;
    }
    if (!d->reporter ||
        reporter_run_compared(d->reporter, real, as_of, compare_to, name, report_done, c) < 0)
        control_error(c, "a report is being written already; try again in a moment");
}

/* ---- VERIFY [ID...]: answers when the metadata has been checked ---- */

static void unlink_verify(struct waiting_verify *w)
{
    for (struct waiting_verify **p = &w->cmds->waiting_verifies; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            return;
        }
}

static void verified(void *arg, const struct pejl_diag *report, size_t problems)
{
    struct waiting_verify *w = arg;
    struct text t;
    char message[64];
    unlink_verify(w);
    if (!text_open(&t)) {
        control_error(w->client, "out of memory");
    } else {
        for (size_t i = 0; i < report->n; i++)
            fprintf(t.f, "%s\n", report->lines[i]);
        if (problems)
            snprintf(message, sizeof message, "problems: %zu", problems);
        else
            snprintf(message, sizeof message, "verified, no problems");
        reply_text(w->client, &t, message);
    }
    free(w);
}

static void cmd_verify(struct commands *cmds, struct control_client *c,
                       const struct control_request *r)
{
    const struct commands_state *d = &cmds->state;
    size_t n = r->argc > 1 ? (size_t)r->argc - 1 : d->n_indicators;
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    struct waiting_verify *w = calloc(1, sizeof *w);
    if (!ids || !w || !cmds->daemon.verify) {
        control_error(c, ids && w ? "verification is not available" : "out of memory");
        free(ids), free(w);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = r->argc > 1 ? r->argv[i + 1] : d->indicators[i].id;
        if (!find_indicator(d, ids[i])) {
            control_error(c, "no indicator %s", ids[i]);
            free(ids), free(w);
            return;
        }
    }
    *w = (struct waiting_verify){.cmds = cmds, .client = c};
    w->verification = cmds->daemon.verify(cmds->daemon.arg, ids, n, verified, w);
    free(ids);
    if (!w->verification) {
        control_error(c, "the check could not start (out of memory)");
        free(w);
        return;
    }
    w->next = cmds->waiting_verifies;
    cmds->waiting_verifies = w;
}

/* ---- the table ---- */

typedef void (*command_fn)(struct commands *cmds, struct control_client *c,
                           const struct control_request *r);

static const struct {
    const char *name, *usage;
    command_fn fn;
} table[] = {
    {"STATUS", "STATUS [ID] [json] [as-of=TIME]: the status table (as known at TIME)",
     cmd_status},
    {"ALERTS", "ALERTS [json]: alerts away from OK", cmd_alerts},
    {"SILENCE",
     "SILENCE MATCHER DURATION COMMENT [BY [force]]: silence alerts (force: for an indicator or "
     "rule not in the config yet)",
     cmd_silence},
    {"UNSILENCE", "UNSILENCE ID: end a silence", cmd_unsilence},
    {"SILENCES", "SILENCES [json]: the silences", cmd_silences},
    {"RELOAD", "RELOAD: reload the config (validated first)", cmd_reload},
    {"METRICS", "METRICS: Prometheus text exposition", cmd_metrics},
    {"COLLECT", "COLLECT [ID...]: collect now; answers when done", cmd_collect},
    {"GRAPH", "GRAPH ID [as-of=TIME]: the indicator's PNG, base64", cmd_graph},
    {"REPORT",
     "REPORT DIR [as-of=TIME] [compare-to=TIME]: write a report folder (an absolute path pejld "
     "may write to)",
     cmd_report},
    {"VERIFY", "VERIFY [ID...]: check the sources against their own metadata; answers when done",
     cmd_verify},
    {"SNAPSHOT", "SNAPSHOT NAME [TIME]: name a moment (now) for as-of=NAME", commands_snapshot},
    {"REVISIONS",
     "REVISIONS ID [period=P] [as-of=TIME] [json]: every value each period has had, with its "
     "vintage",
     commands_revisions},
};

void commands_handle(void *arg, struct control_client *c, const struct control_request *r)
{
    struct commands *cmds = arg;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(r->argv[0], table[i].name) == 0) {
            cmds->daemon.state(cmds->daemon.arg, &cmds->state);
            table[i].fn(cmds, c, r);
            return;
        }
    if (strcmp(r->argv[0], "HELP") == 0) {
        struct text t;
        if (!text_open(&t)) {
            control_error(c, "out of memory");
            return;
        }
        for (size_t i = 0; i < sizeof table / sizeof *table; i++)
            fprintf(t.f, "%s\n", table[i].usage);
        reply_text(c, &t, "commands (arguments separated by TAB)");
        return;
    }
    control_error(c, "unknown command %.40s; HELP lists them", r->argv[0]);
}
