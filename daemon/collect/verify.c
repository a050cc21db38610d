/*
 * verify.c — sources against their own metadata (see verify.h).
 */
#include "verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "loop.h"
#include "period.h"
#include "url.h"

/* One indicator's check: its verify_plan requests, one after another. */
struct check {
    struct verification *v;
    const struct indicator *indicator;
    const struct pejl_request *requests; /* in the collector's state */
    size_t n_requests, next;
    struct fetch *fetch;
    struct pejl_diag report;
    int *lines; /* the config line of each report line, to sort them by */
    size_t cap_lines, noted;
    size_t problems;
    int line; /* of the indicator, for problems without a line of their own */
    bool done;
    /* several sources (a splice): checked one after another, their periods
     * (each cut to its from..until) joined before the targets' needs are */
    size_t source;
    size_t covered; /* sources that said what they cover */
    struct pejl_period first, last;
    int coverage_line;
};

struct verification {
    struct fetcher *fetcher;
    struct verify_settings settings; /* its config held */
    struct check *checks;
    size_t n_checks, running;
    struct loop *loop;
    uint64_t timer, deadline;
    verify_done_fn done;
    void *arg;
};

static void check_next(struct check *c);

/* ---- what the targets need ---- */

static double frequency_years(enum pejl_period_kind kind)
{
    switch (kind) {
    case PEJL_PERIOD_QUARTER:
        return 0.25;
    case PEJL_PERIOD_MONTH:
        return 1.0 / 12;
    case PEJL_PERIOD_WEEK:
        return 7 / 365.25;
    case PEJL_PERIOD_DAY:
        return 1 / 365.25;
    default:
        return 1.0;
    }
}

static void target_name(const struct target *t, char *buf, size_t size)
{
    if (t->year)
        snprintf(buf, size, "the %d target", t->year);
    else
        snprintf(buf, size, "the trend target");
}

static size_t baseline_need(const struct indicator *ind, const struct target *t, double have,
                            const char *first, const char *file, int line, struct pejl_diag *diag)
{
    char name[32], base[PERIOD_TEXT_MAX];
    if ((t->kind != TARGET_PATH && t->kind != TARGET_ABOVE_BASELINE) ||
        t->baseline.kind == PEJL_PERIOD_NONE || !isnan(t->baseline_value))
        return 0;
    if (evaluate_year_of(period_start(&t->baseline)) >= have - 1e-9)
        return 0;
    target_name(t, name, sizeof name);
    period_format(&t->baseline, base, sizeof base);
    diag_add(diag, file, line,
             "%s: %s needs its baseline %s from the source, which starts in %s; give the "
             "baseline's value (baseline = { period = \"%s\"; value = …; }) or a source with older "
             "data",
             ind->id, name, base, first, base);
    return 1;
}

static size_t window_need(const struct indicator *ind, const struct target *t, double have,
                          const struct pejl_period *last, const char *first, const char *file,
                          int line, struct pejl_diag *diag)
{
    char name[32], latest[PERIOD_TEXT_MAX];
    if (t->kind != TARGET_PATH && t->kind != TARGET_TREND)
        return 0;
    double end = evaluate_year_of(period_end(last));
    if (ind->frequency == PEJL_PERIOD_YEAR)
        end = floor(end + 1e-9); /* the latest whole year */
    double need = end - t->window_years - frequency_years(ind->frequency);
    if (need >= have - 1e-9)
        return 0;
    target_name(t, name, sizeof name);
    period_format(last, latest, sizeof latest);
    diag_add(diag, file, line,
             "%s: %s measures progress over %d years before the latest period (%s), so it needs "
             "data from %.0f, but the source starts in %s; add an older source or a shorter window",
             ind->id, name, t->window_years, latest, floor(need + 1e-9), first);
    return 1;
}

size_t verify_coverage(const struct indicator *ind, const struct pejl_period *first,
                       const struct pejl_period *last, const char *file, int line,
                       struct pejl_diag *diag)
{
    char from[PERIOD_TEXT_MAX];
    double have = evaluate_year_of(period_start(first));
    if (ind->frequency == PEJL_PERIOD_YEAR && first->kind != PEJL_PERIOD_YEAR)
        have = ceil(have - 1e-9); /* the first whole year */
    period_format(first, from, sizeof from);
    size_t problems = 0;
    for (size_t i = 0; i < ind->n_targets; i++) {
        problems += baseline_need(ind, &ind->targets[i], have, from, file, line, diag);
        problems += window_need(ind, &ind->targets[i], have, last, from, file, line, diag);
    }
    return problems;
}

/* ---- the sink collectors report to ---- */

/* Notes `line` for the report lines added since the last call. */
static void note_lines(struct check *c, int line)
{
    if (array_grow((void **)&c->lines, &c->cap_lines, c->report.n, sizeof *c->lines) < 0)
        return;
    for (size_t i = c->noted; i < c->report.n; i++)
        c->lines[i] = line;
    c->noted = c->report.n;
}

/* The report in the order of the config's lines (stable: a key's problems
 * stay in the order they were found). */
static void sort_by_line(struct check *c)
{
    if (c->noted != c->report.n)
        return; /* a line could not be noted: keep the order found */
    for (size_t i = 1; i < c->report.n; i++) {
        int line = c->lines[i];
        char *text = c->report.lines[i];
        size_t k = i;
        for (; k > 0 && c->lines[k - 1] > line; k--) {
            c->lines[k] = c->lines[k - 1];
            c->report.lines[k] = c->report.lines[k - 1];
        }
        c->lines[k] = line;
        c->report.lines[k] = text;
    }
}

static void sink_problem(const struct pejl_verify_sink *sink, int line, int warning,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void sink_problem(const struct pejl_verify_sink *sink, int line, int warning,
                         const char *fmt, ...)
{
    struct check *c = sink->core;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    for (char *p = message; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' '; /* it may quote the source's own text */
    diag_add(&c->report, c->v->settings.file, line > 0 ? line : c->line, "%s: %s%s",
             c->indicator->id, warning ? "warning: " : "", message);
    note_lines(c, line > 0 ? line : c->line);
    c->problems += !warning;
}

/* One source's periods, cut to its range, joined to what the others cover. */
static void join_coverage(struct check *c, int line, const struct pejl_period *first,
                          const struct pejl_period *last)
{
    const struct indicator_source *s = &c->indicator->sources[c->source];
    if (s->from.kind && period_start(&s->from) > period_start(first))
        first = &s->from;
    if (s->until.kind && period_end(&s->until) < period_end(last))
        last = &s->until;
    if (period_start(first) >= period_end(last))
        return; /* the source gives nothing inside its range: it widens nothing */
    if (!c->covered++ || period_start(first) < period_start(&c->first)) {
        c->first = *first;
        c->coverage_line = line > 0 ? line : c->line;
    }
    if (c->covered == 1 || period_end(last) > period_end(&c->last))
        c->last = *last;
}

/* The targets' needs against the union of a splice's sources, once all
 * are checked; when one could not say what it covers, a warning. */
static void check_joined_coverage(struct check *c)
{
    size_t n = c->indicator->n_sources;
    if (n < 2 || c->indicator->n_targets == 0)
        return; /* no target needs any period */
    if (c->covered == n) {
        c->problems += verify_coverage(c->indicator, &c->first, &c->last, c->v->settings.file,
                                       c->coverage_line, &c->report);
        note_lines(c, c->coverage_line);
        return;
    }
    diag_add(&c->report, c->v->settings.file, c->line,
             "%s: warning: the time range of the %zu sources was not checked against the "
             "targets: %zu of them said what periods they cover",
             c->indicator->id, n, c->covered);
    note_lines(c, c->line);
}

static void sink_coverage(const struct pejl_verify_sink *sink, int line,
                          const struct pejl_period *first, const struct pejl_period *last)
{
    struct check *c = sink->core;
    if (!period_valid(first) || !period_valid(last))
        return;
    if (c->indicator->n_sources > 1) {
        join_coverage(c, line, first, last);
        return;
    }
    c->problems += verify_coverage(c->indicator, first, last, c->v->settings.file,
                                   line > 0 ? line : c->line, &c->report);
    note_lines(c, line > 0 ? line : c->line);
}

static const char *response_header(const struct pejl_response *response, const char *name)
{
    const struct http_result *http = response->core;
    return http ? http_result_header(http, name) : NULL;
}

/* ---- the run ---- */

/* The collector and state of the source being checked. */
static const struct pejl_collector *source_api(const struct check *c, void **state)
{
    const struct indicator *ind = c->indicator;
    if (ind->n_sources == 0) { /* an indicator not made by the config reader */
        *state = ind->source;
        return ind->collector->api;
    }
    *state = ind->sources[c->source].state;
    return ind->sources[c->source].collector->api;
}

/* Moves the lines of `from` to the end of `to`. */
static void diag_move(struct pejl_diag *to, struct pejl_diag *from)
{
    if (from->n &&
        array_grow((void **)&to->lines, &to->cap, to->n + from->n, sizeof *to->lines) == 0) {
        memcpy(to->lines + to->n, from->lines, from->n * sizeof *from->lines);
        to->n += from->n;
        from->n = 0;
    }
    diag_free(from);
}

static void finish(struct verification *v)
{
    struct pejl_diag all = {0};
    size_t problems = 0;
    for (size_t i = 0; i < v->n_checks; i++) {
        problems += v->checks[i].problems;
        sort_by_line(&v->checks[i]);
        diag_move(&all, &v->checks[i].report);
    }
    v->done(v->arg, &all, problems);
    diag_free(&all);
    verify_cancel(v);
}

static void check_done(struct check *c)
{
    check_joined_coverage(c);
    c->done = true;
    if (--c->v->running == 0)
        finish(c->v);
}

static void on_fetched(void *arg, const struct fetch_result *result)
{
    struct check *c = arg;
    void *state;
    const struct pejl_collector *api = source_api(c, &state);
    const struct pejl_request *request = &c->requests[c->next++];
    struct pejl_verify_sink sink = {.problem = sink_problem, .coverage = sink_coverage, .core = c};
    char err[768] = "";
    c->fetch = NULL;
    if (!result->body) {
        snprintf(err, sizeof err, "%s", result->error ? result->error : "no answer");
        sink.problem(&sink, 0, 0, "metadata not fetched: %s", err);
    } else {
        struct pejl_response response = {.status = result->status,
                                         .body = result->body,
                                         .len = result->len,
                                         .header = response_header,
                                         .core = result->http};
        if (api->verify(state, request, &response, &sink, err, sizeof err) < 0) {
            url_redact_in(err, sizeof err, request->url);
            sink.problem(&sink, 0, 0, "%s", err[0] ? err : "the metadata could not be read");
        }
    }
    check_next(c);
}

static void check_plan(struct check *c);

static void check_next(struct check *c)
{
    while (c->next >= c->n_requests && c->source + 1 < c->indicator->n_sources) {
        c->source++; /* the next source of a splice */
        check_plan(c);
    }
    if (c->next >= c->n_requests) {
        check_done(c);
        return;
    }
    const struct pejl_request *request = &c->requests[c->next];
    /* the config refuses other schemes; exec: here would run nothing it names */
    bool fetchable = request->url && strcmp(request->url, "exec:") != 0;
    c->fetch = fetchable
                   ? fetch_start(c->v->fetcher, request, c->v->settings.collect.dir, on_fetched, c)
                   : NULL;
    if (!c->fetch) {
        struct pejl_verify_sink sink = {
            .problem = sink_problem, .coverage = sink_coverage, .core = c};
        sink.problem(&sink, 0, 0, "cannot fetch the metadata (%s)", "the URL is not fetchable");
        c->next++;
        check_next(c); /* no recursion deeper than the requests: each is tried once */
    }
}

/* Plans the check of the indicator's current source; what has nothing to
 * fetch is done at once. */
static void check_plan(struct check *c)
{
    void *state;
    const struct pejl_collector *api = source_api(c, &state);
    c->requests = NULL;
    c->n_requests = c->next = 0;
    struct pejl_verify_sink sink = {.problem = sink_problem, .coverage = sink_coverage, .core = c};
    char err[256] = "";
    if (!api->verify_plan || !api->verify) {
        sink.problem(&sink, 0, 1,
                     "not checked online: the %s collector has no source metadata "
                     "to check against",
                     api->name);
        return;
    }
    c->n_requests = api->verify_plan(state, &c->requests);
    if (c->n_requests == 0 && api->verify(state, NULL, NULL, &sink, err, sizeof err) < 0)
        sink.problem(&sink, 0, 1, "not checked online: %s", err);
}

static void on_start(struct loop *loop, void *arg)
{
    struct verification *v = arg;
    (void)loop;
    v->timer = 0;
    v->running++; /* so that no check finishes the whole while this loop runs */
    for (size_t i = 0; i < v->n_checks; i++)
        check_next(&v->checks[i]);
    if (--v->running == 0)
        finish(v);
}

static void on_deadline(struct loop *loop, void *arg)
{
    struct verification *v = arg;
    (void)loop;
    v->deadline = 0;
    for (size_t i = 0; i < v->n_checks; i++) {
        struct check *c = &v->checks[i];
        if (c->done)
            continue;
        struct pejl_verify_sink sink = {
            .problem = sink_problem, .coverage = sink_coverage, .core = c};
        sink.problem(&sink, 0, 0, "no answer for the metadata within %.1f s; not checked",
                     (double)v->settings.deadline_ms / 1000);
    }
    finish(v);
}

struct verification *verify_start(struct fetcher *fetcher, const struct verify_settings *settings,
                                  const struct indicator *const *indicators, size_t n,
                                  verify_done_fn done, void *arg)
{
    struct verification *v = calloc(1, sizeof *v);
    if (!v || !(v->checks = calloc(n ? n : 1, sizeof *v->checks))) {
        free(v);
        return NULL;
    }
    *v = (struct verification){.fetcher = fetcher,
                               .settings = *settings,
                               .checks = v->checks,
                               .n_checks = n,
                               .running = n,
                               .loop = fetcher->loop,
                               .done = done,
                               .arg = arg};
    if (v->settings.deadline_ms <= 0)
        v->settings.deadline_ms = VERIFY_DEFAULT_DEADLINE_MS;
    for (size_t i = 0; i < n; i++) {
        v->checks[i] =
            (struct check){.v = v, .indicator = indicators[i], .line = indicators[i]->line};
        check_plan(&v->checks[i]);
    }
    /* started from the loop, so that done never runs inside verify_start */
    v->timer = loop_add_timer(v->loop, 0, on_start, v);
    v->deadline = loop_add_timer(v->loop, v->settings.deadline_ms, on_deadline, v);
    if (!v->timer || !v->deadline) {
        loop_cancel_timer(v->loop, v->timer);
        loop_cancel_timer(v->loop, v->deadline);
        free(v->checks);
        free(v);
        return NULL;
    }
    if (settings->collect.hold)
        settings->collect.hold(settings->collect.owner);
    return v;
}

void verify_cancel(struct verification *v)
{
    if (!v)
        return;
    loop_cancel_timer(v->loop, v->deadline);
    loop_cancel_timer(v->loop, v->timer);
    for (size_t i = 0; i < v->n_checks; i++) {
        if (v->checks[i].fetch)
            fetch_cancel(v->checks[i].fetch);
        diag_free(&v->checks[i].report);
        free(v->checks[i].lines);
    }
    if (v->settings.collect.release)
        v->settings.collect.release(v->settings.collect.owner);
    free(v->checks);
    free(v);
}
