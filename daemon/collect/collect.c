/*
 * collect.c — running one collection (see collect.h).
 */
#include "collect.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "log.h"
#include "period.h"
#include "series.h"
#include "url.h"

/* pejld's own copy of a request, strings and all. */
struct collection_request {
    struct pejl_request request;
    char *strings[5]; /* url, method, body, content_type, and the argv block */
};

static void fetch_next(struct collection *c);

bool collect_member_key_valid(const char *member)
{
    return series_member_valid(member);
}

static int compare_obs(const void *a, const void *b)
{
    const struct pejl_observation *x = a, *y = b;
    int m = strcmp(x->member ? x->member : "", y->member ? y->member : "");
    return m ? m : period_compare(&x->period, &y->period);
}

static int check_one(const struct indicator *ind, const struct pejl_observation *o, char *err,
                     size_t errlen)
{
    char period[PERIOD_TEXT_MAX];
    period_format(&o->period, period, sizeof period);
    /* annual = "sum" takes months or quarters; derive checks what it makes of them */
    if (o->period.kind != ind->frequency && ind->derive.temporal != TEMPORAL_ANNUAL_SUM) {
        snprintf(err, errlen, "%s is %s, but the indicator's frequency is %s", period,
                 period_kind_name(o->period.kind), period_kind_name(ind->frequency));
        return -1;
    }
    if (isinf(o->value)) {
        snprintf(err, errlen, "%s: the value is not a finite number", period);
        return -1;
    }
    return 0;
}

int collect_check(const struct indicator *ind, struct pejl_observation *obs, size_t n, char *err,
                  size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if (check_one(ind, &obs[i], err, errlen) < 0)
            return -1;
    qsort(obs, n, sizeof *obs, compare_obs);
    for (size_t i = 1; i < n; i++) {
        if (compare_obs(&obs[i], &obs[i - 1]) == 0) {
            char period[PERIOD_TEXT_MAX];
            period_format(&obs[i].period, period, sizeof period);
            snprintf(err, errlen, "period %s%s%s appears twice in the response", period,
                     obs[i].member ? " of " : "", obs[i].member ? obs[i].member : "");
            return -1;
        }
    }
    return 0;
}

/* ---- requests ---- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Copies argv into one block: the pointer array followed by the strings. */
static char *copy_argv(const char *const *argv)
{
    size_t n = 0, bytes = 0;
    for (; argv && argv[n]; n++)
        bytes += strlen(argv[n]) + 1;
    if (!argv)
        return NULL;
    char *block = malloc((n + 1) * sizeof(char *) + bytes);
    if (!block)
        return NULL;
    char **ptrs = (char **)(void *)block, *text = block + (n + 1) * sizeof(char *);
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = strcpy(text, argv[i]);
        text += strlen(argv[i]) + 1;
    }
    ptrs[n] = NULL;
    return block;
}

static int add_request(struct collection *c, const struct pejl_request *r)
{
    if (c->n_requests == COLLECT_MAX_REQUESTS || !r->url)
        return -1;
    if (array_grow((void **)&c->requests, &c->cap_requests, c->n_requests + 1,
                   sizeof *c->requests) < 0)
        return -1;
    struct collection_request *copy = &c->requests[c->n_requests];
    *copy = (struct collection_request){
        .strings = {strdup(r->url), dup_or_null(r->method), dup_or_null(r->body),
                    dup_or_null(r->content_type), copy_argv(r->argv)}};
    copy->request = (struct pejl_request){
        .url = copy->strings[0], .method = copy->strings[1], .body = copy->strings[2],
        .content_type = copy->strings[3], .argv = (const char *const *)(void *)copy->strings[4],
        .timeout_ms = r->timeout_ms, .tag = r->tag};
    c->n_requests++;
    return 0;
}

/* ---- the sink a collector decodes into ---- */

/* The collection's copy of `member`, found by jansson's seeded hash (keys
 * come from the network: no search per member, no collisions to order), or
 * NULL when out of memory or beyond the indicator's max_members. */
static const char *intern_member(struct collection *c, const char *member)
{
    json_t *known = json_object_get(c->member_index, member);
    if (known)
        return c->members[json_integer_value(known)];
    if (c->n_members == c->indicator->max_members) {
        c->members_over = true;
        return NULL;
    }
    if (!c->member_index && !(c->member_index = json_object()))
        return NULL;
    char **grown = realloc(c->members, (c->n_members + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    c->members = grown;
    char *copy = strdup(member);
    if (!copy ||
        json_object_set_new(c->member_index, member, json_integer((json_int_t)c->n_members)) < 0) {
        free(copy);
        return NULL;
    }
    return c->members[c->n_members++] = copy;
}

static int emit(const struct pejl_sink *sink, const struct pejl_observation *obs)
{
    struct collection *c = sink->core;
    if (c->n == COLLECT_MAX_OBSERVATIONS)
        return -1;
    if (array_grow((void **)&c->obs, &c->cap, c->n + 1, sizeof *c->obs) < 0)
        return -1;
    struct pejl_observation copy = *obs;
    if (obs->member &&
        (!collect_member_key_valid(obs->member) || !(copy.member = intern_member(c, obs->member))))
        return -1;
    c->obs[c->n++] = copy;
    return 0;
}

static int follow(const struct pejl_sink *sink, const struct pejl_request *request)
{
    return add_request(sink->core, request);
}

static const char *response_header(const struct pejl_response *response, const char *name)
{
    const struct http_result *http = response->core;
    return http ? http_result_header(http, name) : NULL;
}

/* ---- several sources ---- */

/* The collector and state of the source being fetched. */
static const struct pejl_collector *source_api(const struct collection *c, void **state)
{
    const struct indicator *ind = c->indicator;
    if (ind->n_sources == 0) { /* an indicator not made by the config reader */
        *state = ind->source;
        return ind->collector->api;
    }
    *state = ind->sources[c->source].state;
    return ind->sources[c->source].collector->api;
}

static int plan_source(struct collection *c)
{
    void *state;
    const struct pejl_request *planned;
    size_t n = source_api(c, &state)->plan(state, &planned);
    for (size_t i = 0; i < n; i++)
        if (add_request(c, &planned[i]) < 0)
            return -1;
    return 0;
}

void collect_source_name(const struct indicator_source *s, char *buf, size_t size)
{
    const struct pejl_collector *api = s->collector->api;
    if (!api->describe || api->describe(s->state, buf, size) == 0)
        snprintf(buf, size, "%s", s->collector->name);
}

static void log_seams(const struct collection *c)
{
    for (size_t i = 0; i < c->spliced.n_seams; i++) {
        const struct splice_seam *s = &c->spliced.seams[i];
        char first[PERIOD_TEXT_MAX], name[128];
        period_format(&s->first, first, sizeof first);
        collect_source_name(&c->indicator->sources[s->source], name, sizeof name);
        log_info("%s: spliced: source %zu (%s) from %s on, in %zu series; marked as a break (b)",
                 c->indicator->id, s->source + 1, name, first, s->members);
    }
}

/* Checks each source's observations on their own, then splices them. */
static int splice_sources(struct collection *c)
{
    struct splice_part parts[INDICATOR_MAX_SOURCES];
    size_t n = c->indicator->n_sources, begin = 0;
    c->source_end[n - 1] = c->n;
    for (size_t i = 0; i < n; begin = c->source_end[i++]) {
        parts[i] = (struct splice_part){.obs = c->obs + begin, .n = c->source_end[i] - begin};
        char err[sizeof c->error - 32];
        if (collect_check(c->indicator, c->obs + begin, parts[i].n, err, sizeof err) < 0) {
            snprintf(c->error, sizeof c->error, "source %zu: %s", i + 1, err);
            return -1;
        }
    }
    if (splice_apply(c->indicator, parts, n, &c->spliced, c->error, sizeof c->error) < 0)
        return -1;
    free(c->obs);
    c->obs = c->spliced.obs;
    c->n = c->cap = c->spliced.n;
    c->spliced.obs = NULL;
    log_seams(c);
    return 0;
}

/* ---- the run ---- */

static void finish(struct collection *c)
{
    if (!c->failed && c->indicator->n_sources > 1)
        c->failed = splice_sources(c) < 0;
    else if (!c->failed && collect_check(c->indicator, c->obs, c->n, c->error, sizeof c->error) < 0)
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
    void *state;
    const struct pejl_collector *api = source_api(c, &state);
    const struct pejl_request *request = &c->requests[c->next_request].request;
    char err[768] = "";
    c->fetch = NULL;
    if (!result->body) {
        fail(c, result->error);
        return;
    }
    c->not_modified += result->not_modified;
    struct pejl_response response = {.status = result->status, .body = result->body,
                                     .len = result->len, .header = response_header,
                                     .core = result->http};
    struct pejl_sink sink = {.emit = emit, .follow = follow, .core = c};
    size_t before = c->n;
    int decoded = api->decode(state, request, &response, &sink, err, sizeof err);
    if (c->members_over) {
        snprintf(err, sizeof err,
                 "more than %zu panel members in one collection (max_members = %zu: an RRD file "
                 "each); if the source really has that many, raise max_members of the indicator",
                 c->indicator->max_members, c->indicator->max_members);
        fail(c, err);
        return;
    }
    if (decoded < 0) {
        url_redact_in(err, sizeof err, request->url); /* a collector may quote the URL it asked */
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
    /* a source done: the next one's requests (its own, so follow-ups stay in order) */
    while (c->next_request == c->n_requests && c->source + 1 < c->indicator->n_sources) {
        c->source_end[c->source++] = c->n;
        if (plan_source(c) < 0) {
            fail(c, "cannot plan the next source's requests (out of memory, or too many)");
            return;
        }
    }
    if (c->next_request == c->n_requests) {
        finish(c);
        return;
    }
    c->fetch = fetch_start(c->fetcher, &c->requests[c->next_request].request, c->settings.dir,
                           on_fetched, c);
    if (!c->fetch)
        fail(c, "cannot start a fetch (out of memory, or a URL that is not one)");
}

struct collection *collect_start(struct fetcher *fetcher, const struct collect_settings *settings,
                                 const struct indicator *ind, collect_done_fn done, void *arg)
{
    struct collection *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->settings = *settings;
    if (c->settings.hold)
        c->settings.hold(c->settings.owner);
    c->indicator = ind;
    c->fetcher = fetcher;
    c->done = done;
    c->arg = arg;
    /* the first source that asks for anything starts the collection */
    for (;;) {
        if (plan_source(c) < 0)
            break;
        if (c->n_requests || c->source + 1 >= ind->n_sources)
            break;
        c->source_end[c->source++] = 0;
    }
    c->fetch = c->n_requests
                   ? fetch_start(fetcher, &c->requests[0].request, settings->dir, on_fetched, c)
                   : NULL;
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
        fetch_cancel(c->fetch);
    for (size_t i = 0; i < c->n_requests; i++)
        for (size_t k = 0; k < 5; k++)
            free(c->requests[i].strings[k]);
    free(c->requests);
    for (size_t i = 0; i < c->n_members; i++)
        free(c->members[i]);
    free(c->members);
    json_decref(c->member_index);
    if (c->settings.release)
        c->settings.release(c->settings.owner);
    free(c->obs);
    splice_result_free(&c->spliced);
    free(c);
}
