/*
 * config_sources.c — an indicator's `source`: one group, or a list of up to
 * INDICATOR_MAX_SOURCES groups spliced across table breaks, each valid for
 * the periods from..until:
 *
 *   source = ( { collector = "statbank"; table = "SITC2R4Y"; …; until = "2021"; },
 *              { collector = "statbank"; table = "SITC2R4"; …; from = "2022-01"; } );
 *
 * `from` and `until` are pejld's keys, not the collector's: they are read
 * here and taken out of the group before the collector's configure() sees
 * it (the parsed file is pejld's own and is thrown away once read), so a
 * collector still refuses every key it does not know, and no collector
 * needs to know about splicing. The range is written as strings (periods);
 * an integer `from` is left to the collector: ctgov's first start year
 * (from = 2015) is its own key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"
#include "period.h"
#include "url.h"

/* What a source asks for is fetched in a scheme pejld speaks (exec: is the
 * exec collector's own): said by --check-config, not at the first collection. */
static void check_source_urls(struct loader *l, const config_setting_t *src,
                              const struct indicator_source *s, const char *who)
{
    static const char *const schemes[] = {"https", "http", "file", NULL};
    const struct pejl_collector *api = s->collector->api;
    const config_setting_t *url = config_setting_get_member(src, "url");
    const struct pejl_request *requests = NULL;
    size_t n = api->plan(s->state, &requests);
    char err[URL_SHOWN_MAX + 100];
    for (size_t i = 0; i < n; i++) {
        if (!requests[i].url || strcmp(requests[i].url, "exec:") == 0 ||
            url_check_scheme(requests[i].url, schemes, err, sizeof err) == 0)
            continue;
        diag_config_error(l->diag, url ? url : src, "%s: source url %s", who, err);
        return; /* one is enough: the others come from the same setting */
    }
    const config_setting_t *meta = config_setting_get_member(src, "metadata_url");
    n = api->verify_plan ? api->verify_plan(s->state, &requests) : 0;
    for (size_t i = 0; i < n; i++) {
        if (requests[i].url && url_check_scheme(requests[i].url, schemes, err, sizeof err) == 0)
            continue; /* the metadata is never exec:, whatever the data are */
        diag_config_error(l->diag, meta ? meta : src, "%s: metadata url %s", who,
                          requests[i].url ? err : "missing");
        return;
    }
}

/* from = "…" or until = "…": a period in any form pejld reads, taken out of
 * the group. 0, or -1 when malformed (reported). */
static int take_period(struct loader *l, config_setting_t *src, const char *key,
                       struct pejl_period *out, const char *who)
{
    config_setting_t *s = config_setting_get_member(src, key);
    if (!s || (strcmp(key, "from") == 0 && config_setting_type(s) == CONFIG_TYPE_INT))
        return 0; /* ctgov's own from = 2015 (a start year), not a range */
    const char *text =
        config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
    int rc = 0;
    if (!text || period_parse(text, strlen(text), out) < 0) {
        diag_config_error(l->diag, s,
                          "%s: source %s must be a period such as \"2021\", \"2022-01\" or "
                          "\"2022-Q1\"",
                          who, key);
        *out = (struct pejl_period){0};
        rc = -1;
    }
    config_setting_remove(src, key);
    return rc;
}

static int load_range(struct loader *l, config_setting_t *src, struct indicator_source *s,
                      const char *who)
{
    int rc = take_period(l, src, "from", &s->from, who);
    rc |= take_period(l, src, "until", &s->until, who);
    if (rc == 0 && s->from.kind && s->until.kind &&
        period_start(&s->from) >= period_end(&s->until)) {
        char from[PERIOD_TEXT_MAX], until[PERIOD_TEXT_MAX];
        period_format(&s->from, from, sizeof from);
        period_format(&s->until, until, sizeof until);
        diag_config_error(l->diag, src, "%s: source from = \"%s\" is after until = \"%s\"", who,
                          from, until);
        rc = -1;
    }
    return rc;
}

static void load_one(struct loader *l, config_setting_t *src, struct indicator_source *s,
                     const char *who)
{
    s->line = (int)config_setting_source_line(src);
    if (config_setting_type(src) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, src, "%s: source must be a group { collector = \"…\"; … }", who);
        return;
    }
    load_range(l, src, s, who);
    const char *name = config_get_string(l, src, "collector", true, who);
    if (!name || !l->config->plugins)
        return;
    char err[512];
    s->collector = plugin_list_get(l->config->plugins, name, err, sizeof err);
    if (!s->collector) {
        diag_config_error(l->diag, config_setting_get_member(src, "collector"), "%s: %s", who, err);
        return;
    }
    size_t before = l->diag->n;
    l->diag->context = who; /* the collector's messages name the indicator */
    s->state = s->collector->api->configure(plugin_host(), src, l->diag);
    l->diag->context = NULL;
    if (!s->state && l->diag->n == before)
        diag_config_error(l->diag, src, "%s: collector %s refused this source", who, name);
    else if (s->state)
        check_source_urls(l, src, s, who);
}

/* Later sources give later periods: each starts and ends no earlier than
 * the one before it (an open end is the latest, an open start the earliest). */
static void check_order(struct loader *l, const config_setting_t *list, const struct indicator *ind,
                        const char *who)
{
    for (size_t i = 1; i < ind->n_sources; i++) {
        const struct indicator_source *a = &ind->sources[i - 1], *b = &ind->sources[i];
        bool starts_before =
            a->from.kind && (!b->from.kind || period_start(&b->from) < period_start(&a->from));
        bool ends_before =
            b->until.kind && (!a->until.kind || period_end(&b->until) < period_end(&a->until));
        if (starts_before || ends_before)
            diag_config_error(l->diag, config_setting_get_elem(list, (unsigned)i),
                              "%s: source %zu %s before source %zu does; list the sources oldest "
                              "first (the later one wins where both give a period)",
                              who, i + 1, starts_before ? "starts" : "ends", i);
    }
}

static void load_list(struct loader *l, config_setting_t *list, struct indicator *ind,
                      const char *who)
{
    int n = config_setting_length(list);
    if (n < 1 || n > INDICATOR_MAX_SOURCES) {
        diag_config_error(l->diag, list,
                          "%s: source lists 1 to %d groups { collector = \"…\"; … }, not %d", who,
                          INDICATOR_MAX_SOURCES, n);
        return;
    }
    if (!(ind->sources = calloc((size_t)n, sizeof *ind->sources)))
        return;
    ind->n_sources = (size_t)n;
    for (int i = 0; i < n; i++)
        load_one(l, config_setting_get_elem(list, (unsigned)i), &ind->sources[i], who);
    check_order(l, list, ind, who);
}

void config_load_sources(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const char *who = ind->id ? ind->id : "indicator";
    config_setting_t *src = config_setting_get_member(group, "source");
    if (!src) {
        diag_config_error(l->diag, group, "%s: \"source\" is missing", who);
        return;
    }
    if (config_setting_type(src) == CONFIG_TYPE_LIST) {
        load_list(l, src, ind, who);
    } else if (config_setting_type(src) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, src,
                          "%s: source must be a group { collector = \"…\"; … } or a list of them "
                          "( { …; until = \"2021\"; }, { …; from = \"2022-01\"; } )",
                          who);
        return;
    } else if ((ind->sources = calloc(1, sizeof *ind->sources))) {
        ind->n_sources = 1;
        load_one(l, src, &ind->sources[0], who);
    }
    if (ind->n_sources) {
        ind->collector = ind->sources[ind->n_sources - 1].collector;
        ind->source = ind->sources[ind->n_sources - 1].state;
    }
}

void config_free_sources(struct indicator *ind)
{
    for (size_t i = 0; i < ind->n_sources; i++)
        if (ind->sources[i].state && ind->sources[i].collector)
            ind->sources[i].collector->api->release(ind->sources[i].state);
    free(ind->sources);
    ind->sources = NULL;
    ind->n_sources = 0;
    ind->source = NULL;
    ind->collector = NULL;
}
