/*
 * config.c — reading and validating pejld.conf (see config.h).
 *
 * Every check reports through the diag list and carries on, so one run of
 * `pejld --check-config` shows every problem in the file at once.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_loader.h"
#include "log.h"
#include "period.h"
#include "report_dir.h"
#include "series.h"

#define DEFAULT_STATE_DIR "/var/lib/pejl"
#define DEFAULT_INTERVAL_S (6 * 3600)
#define DEFAULT_EVALUATION_S 3600 /* staleness moves by days; an hour is plenty */

static const char *const global_keys[] = {"state_dir", "rrd_dir",   "graph_dir", "collector_dir",
                                          "log_level", "rrdcached", "http",      "indicators",
                                          "evaluation_interval", "receivers", "routes", "outbox",
                                          "external_url", "language", "report", "control_socket",
                                          "illustrative", "listen", "graph", "events",
                                          NULL};
static const char *const http_keys[] = {"timeout",     "connect_timeout", "max_bytes", "tries",
                                        "backoff",     "max_backoff",     "ca_file",   "concurrency",
                                        "hosts",       NULL};
static const char *const host_keys[] = {"host", "concurrency", "spacing", NULL};
static const char *const indicator_keys[] = {"id",       "title",       "unit",   "frequency",
                                             "interval", "pejlemaerke", "source", "derive",
                                             "target",   "targets",     "stale_after",
                                             "alerts",   "max_members",
                                             "published", "source_name", "illustrative",
                                             "events", NULL};
static const char *const derive_keys[] = {"scale", "annual", "rolling", "per_million",
                                          "combine", "rank", NULL};

static bool member_key_ok(const char *key)
{
    return series_member_valid(key);
}

static const char *type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP: return "a group { }";
    case CONFIG_TYPE_INT: case CONFIG_TYPE_INT64: return "an integer";
    case CONFIG_TYPE_FLOAT: return "a number";
    case CONFIG_TYPE_STRING: return "a string";
    case CONFIG_TYPE_BOOL: return "a boolean";
    case CONFIG_TYPE_ARRAY: return "an array [ ]";
    case CONFIG_TYPE_LIST: return "a list ( )";
    default: return "something else";
    }
}

static bool key_allowed(const char *name, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(name, *allowed) == 0)
            return true;
    return false;
}

void config_check_keys(struct loader *l, const config_setting_t *group, const char *what,
                       const char *const *allowed)
{
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(s);
        if (name && !key_allowed(name, allowed)) {
            char list[512] = "";
            for (const char *const *a = allowed; *a; a++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         a == allowed ? "" : ", ", *a);
            diag_config_error(l->diag, s, "unknown key \"%s\" in %s; allowed: %s", name, what,
                              list);
        }
    }
}

/* A string member: NULL when absent (and `required` reports it) or of another type. */
const char *config_get_string(struct loader *l, const config_setting_t *group, const char *key,
                              bool required, const char *what)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s) {
        if (required)
            diag_config_error(l->diag, group, "%s: \"%s\" is missing", what, key);
        return NULL;
    }
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        diag_config_error(l->diag, s, "%s: \"%s\" must be a string, not %s", what, key,
                          type_name(config_setting_type(s)));
        return NULL;
    }
    return config_setting_get_string(s);
}

char *config_resolve_path(struct loader *l, const config_setting_t *where, const char *path)
{
    char *out = NULL;
    if (!*path || strchr(path, '\n')) {
        diag_config_error(l->diag, where, "\"%s\" is not a usable path", path);
        return NULL;
    }
    if (path[0] == '/')
        out = strdup(path);
    else if (asprintf(&out, "%s/%s", l->config->dir, path) < 0)
        out = NULL;
    return out;
}

static char *dir_setting(struct loader *l, const config_setting_t *root, const char *key)
{
    const char *value = config_get_string(l, root, key, false, "settings");
    return value ? config_resolve_path(l, config_setting_get_member(root, key), value) : NULL;
}

static bool address_valid(const char *addr)
{
    if (!*addr || strlen(addr) > 256)
        return false;
    for (const char *c = addr; *c; c++)
        if (!isgraph((unsigned char)*c))
            return false;
    return true;
}

static void load_globals(struct loader *l, const config_setting_t *root,
                         const struct config_overrides *ov)
{
    struct config *c = l->config;
    config_check_keys(l, root, "the settings", global_keys);
    char *state = dir_setting(l, root, "state_dir");
    if (ov && ov->state_dir) {
        free(state);
        state = realpath(ov->state_dir, NULL);
        if (!state)
            state = strdup(ov->state_dir);
    } else if (!state) {
        const char *env = getenv("STATE_DIRECTORY"); /* systemd's StateDirectory= */
        state = strdup(env && *env == '/' ? env : DEFAULT_STATE_DIR);
    }
    c->state_dir = state;
    c->rrd_dir = dir_setting(l, root, "rrd_dir");
    c->graph_dir = dir_setting(l, root, "graph_dir");
    c->collector_dir = dir_setting(l, root, "collector_dir");
    if (!c->rrd_dir && asprintf(&c->rrd_dir, "%s/rrd", state) < 0)
        c->rrd_dir = NULL;
    if (!c->graph_dir && asprintf(&c->graph_dir, "%s/graphs", state) < 0)
        c->graph_dir = NULL;
    if (!c->collector_dir)
        c->collector_dir = plugin_default_dir();

    const char *level = config_get_string(l, root, "log_level", false, "settings");
    c->log_level = LOG_LEVEL_INFO;
    if (level && log_level_from_name(level) < 0)
        diag_config_error(l->diag, config_setting_get_member(root, "log_level"),
                          "log_level \"%s\" unknown; write error, warning, info or debug", level);
    else if (level)
        c->log_level = (enum log_level)log_level_from_name(level);

    const char *rrdcached = config_get_string(l, root, "rrdcached", false, "settings");
    if (rrdcached && !address_valid(rrdcached))
        diag_config_error(l->diag, config_setting_get_member(root, "rrdcached"),
                          "rrdcached \"%s\" is not an address; write unix:/path or host:port",
                          rrdcached);
    else if (rrdcached)
        c->rrdcached = strdup(rrdcached);
    const char *language = config_get_string(l, root, "language", false, "settings");
    if (language && strcmp(language, "en") == 0)
        c->language = LANGUAGE_EN;
    else if (language && strcmp(language, "da") != 0)
        diag_config_error(l->diag, config_setting_get_member(root, "language"),
                          "language \"%s\" unknown; write \"da\" or \"en\"", language);
    const char *socket = config_get_string(l, root, "control_socket", false, "settings");
    if (socket)
        c->control_socket =
            config_resolve_path(l, config_setting_get_member(root, "control_socket"), socket);
    int64_t every_ms = DEFAULT_EVALUATION_S * 1000;
    config_duration_ms(l, root, "evaluation_interval", 60000, &every_ms);
    c->evaluation_interval_s = every_ms / 1000;
}

/* `ms` in the largest unit that writes it exactly: "1d", "90s", "250ms". */
static const char *duration_text(int64_t ms, char *buf, size_t size)
{
    static const struct {
        int64_t ms;
        const char *unit;
    } units[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        if (ms > 0 && ms % units[i].ms == 0) {
            snprintf(buf, size, "%lld%s", (long long)(ms / units[i].ms), units[i].unit);
            return buf;
        }
    }
    if (ms == 0)
        snprintf(buf, size, "0s");
    else
        snprintf(buf, size, "%lldms", (long long)ms);
    return buf;
}

/* A duration setting in milliseconds, from min_ms to PEJL_DURATION_MAX_MS;
 * keeps *out when absent. */
void config_duration_ms(struct loader *l, const config_setting_t *group, const char *key,
                        int64_t min_ms, int64_t *out)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s)
        return;
    int64_t ms = config_setting_type(s) == CONFIG_TYPE_STRING
                     ? duration_parse_ms(config_setting_get_string(s))
                     : -1;
    char min[32], max[32];
    if (ms < min_ms)
        diag_config_error(
            l->diag, s,
            "%s must be a duration such as \"500ms\", \"30s\" or \"2m\"%s (from %s to %s)", key,
            min_ms > 0 ? ", above zero" : "", duration_text(min_ms, min, sizeof min),
            duration_text(PEJL_DURATION_MAX_MS, max, sizeof max));
    else
        *out = ms;
}

/* An integer setting in [min, max]; keeps *out when absent. */
void config_integer(struct loader *l, const config_setting_t *group, const char *key, long long min,
                    long long max, long long *out)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s)
        return;
    int type = config_setting_type(s);
    long long v = type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64 ? config_setting_get_int64(s)
                                                                       : min - 1;
    if (v < min || v > max)
        diag_config_error(l->diag, s, "%s must be an integer from %lld to %lld", key, min, max);
    else
        *out = v;
}

/* report = { directory = "/var/lib/pejl/report"; at = "06:00"; svg = false; }; */
static void load_report(struct loader *l, const config_setting_t *root)
{
    static const char *const keys[] = {"directory", "at", "svg", "snapshot", NULL};
    const config_setting_t *g = config_setting_get_member(root, "report");
    int hh, mm, used = 0;
    if (!g)
        return;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "report must be a group { directory = \"…\"; at = \"06:00\"; }");
        return;
    }
    config_check_keys(l, g, "report", keys);
    const char *dir = config_get_string(l, g, "directory", true, "report");
    const char *at = config_get_string(l, g, "at", true, "report");
    if (dir)
        l->config->report_dir =
            config_resolve_path(l, config_setting_get_member(g, "directory"), dir);
    char why[1024];
    struct report_keep_out keep_out = report_dir_keep_out(l->config);
    if (l->config->report_dir &&
        report_dir_clash(l->config->report_dir, &keep_out, why, sizeof why) < 0)
        diag_config_error(l->diag, config_setting_get_member(g, "directory"), "report: %s", why);
    if (at && (sscanf(at, "%2d:%2d%n", &hh, &mm, &used) != 2 || at[used] || hh > 23 || mm > 59 ||
               hh < 0 || mm < 0))
        diag_config_error(l->diag, config_setting_get_member(g, "at"),
                          "report: at = \"%s\" is not a time of day; write \"06:00\" (UTC)", at);
    else if (at)
        l->config->report_minute = hh * 60 + mm;
    const config_setting_t *svg = config_setting_get_member(g, "svg");
    if (svg && config_setting_type(svg) != CONFIG_TYPE_BOOL)
        diag_config_error(l->diag, svg, "report: svg must be true or false");
    else if (svg)
        l->config->report_svg = config_setting_get_bool(svg);
    const config_setting_t *snapshot = config_setting_get_member(g, "snapshot");
    if (snapshot && config_setting_type(snapshot) != CONFIG_TYPE_BOOL)
        diag_config_error(l->diag, snapshot, "report: snapshot must be true or false");
    else if (snapshot)
        l->config->report_snapshot = config_setting_get_bool(snapshot);
}

static void load_host_limit(struct loader *l, const config_setting_t *group,
                            struct http_host_limit *limit)
{
    if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, group, "each of http.hosts must be a group { host = \"…\"; … }");
        return;
    }
    config_check_keys(l, group, "an http host", host_keys);
    const char *host = config_get_string(l, group, "host", true, "http host");
    long long concurrency = l->config->http.default_concurrency;
    config_integer(l, group, "concurrency", 1, 64, &concurrency);
    limit->host = strdup(host ? host : "");
    limit->concurrency = (int)concurrency;
    config_duration_ms(l, group, "spacing", 0, &limit->spacing_ms);
}

static void load_http(struct loader *l, const config_setting_t *root)
{
    struct http_settings *h = &l->config->http;
    http_settings_default(h);
    const config_setting_t *group = config_setting_get_member(root, "http");
    if (!group)
        return;
    if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, group, "http must be a group { timeout = \"60s\"; … }");
        return;
    }
    config_check_keys(l, group, "http", http_keys);
    long long tries = h->tries, concurrency = h->default_concurrency, max_bytes = (long long)h->max_bytes;
    config_duration_ms(l, group, "timeout", 1, &h->timeout_ms);
    config_duration_ms(l, group, "connect_timeout", 1, &h->connect_timeout_ms);
    config_duration_ms(l, group, "backoff", 1, &h->backoff_ms);
    config_duration_ms(l, group, "max_backoff", 1, &h->max_backoff_ms);
    config_integer(l, group, "tries", 1, 100, &tries);
    config_integer(l, group, "concurrency", 1, 64, &concurrency);
    config_integer(l, group, "max_bytes", 1024, (long long)1 << 34, &max_bytes);
    h->tries = (int)tries;
    h->default_concurrency = (int)concurrency;
    h->max_bytes = (size_t)max_bytes;
    const char *ca = config_get_string(l, group, "ca_file", false, "http");
    if (ca)
        h->ca_file = config_resolve_path(l, config_setting_get_member(group, "ca_file"), ca);
    const config_setting_t *hosts = config_setting_get_member(group, "hosts");
    if (hosts && config_setting_type(hosts) != CONFIG_TYPE_LIST) {
        diag_config_error(l->diag, hosts, "http.hosts must be a list ( { host = \"…\"; … } )");
    } else if (hosts && config_setting_length(hosts) > 0) {
        h->n_hosts = (size_t)config_setting_length(hosts);
        h->hosts = calloc(h->n_hosts, sizeof *h->hosts);
        for (size_t i = 0; h->hosts && i < h->n_hosts; i++)
            load_host_limit(l, config_setting_get_elem(hosts, (unsigned)i), &h->hosts[i]);
    }
}

static void load_interval(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const config_setting_t *s = config_setting_get_member(group, "interval");
    ind->interval_s = DEFAULT_INTERVAL_S;
    if (!s)
        return;
    int type = config_setting_type(s);
    if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
        ind->interval_s = config_setting_get_int64(s);
    else if (type == CONFIG_TYPE_STRING)
        ind->interval_s = duration_parse(config_setting_get_string(s));
    else
        ind->interval_s = -1;
    if (ind->interval_s < 1 || ind->interval_s > PEJL_INTERVAL_MAX_S) {
        diag_config_error(l->diag, s,
                          "%s: interval must be a duration such as \"30m\", \"6h\" or \"1d\" "
                          "(or seconds), from 1s to %lldd",
                          ind->id ? ind->id : "indicator", PEJL_INTERVAL_MAX_S / 86400);
        ind->interval_s = DEFAULT_INTERVAL_S; /* never used: the config is refused */
    }
}

static void load_pejlemaerke(struct loader *l, const config_setting_t *group,
                             struct indicator *ind)
{
    const config_setting_t *s = config_setting_get_member(group, "pejlemaerke");
    if (!s)
        return;
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_INT || config_setting_get_int(s) < 0 || config_setting_get_int(s) > 6)
        diag_config_error(l->diag, s, "%s: pejlemaerke must be an integer 1..6 (0: context series)",
                          ind->id ? ind->id : "indicator");
    else
        ind->pejlemaerke = config_setting_get_int(s);
}

static void load_scale(struct loader *l, const config_setting_t *group, struct derive_spec *d,
                       const char *who)
{
    const config_setting_t *s = config_setting_get_member(group, "scale");
    d->scale = 1;
    if (!s)
        return;
    int type = config_setting_type(s);
    double v = type == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
               : type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64 ? (double)config_setting_get_int64(s)
                                                                      : NAN;
    if (!isfinite(v) || v == 0)
        diag_config_error(l->diag, s, "%s: scale must be a non-zero number such as 0.000001", who);
    else
        d->scale = v;
}

static void load_temporal(struct loader *l, const config_setting_t *group, struct indicator *ind,
                          const char *who)
{
    struct derive_spec *d = &ind->derive;
    const char *annual = config_get_string(l, group, "annual", false, who);
    long long rolling = 0;
    config_integer(l, group, "rolling", 2, 120, &rolling);
    if (annual && strcmp(annual, "sum") != 0)
        diag_config_error(l->diag, config_setting_get_member(group, "annual"),
                          "%s: annual = \"%s\" unknown; write annual = \"sum\"", who, annual);
    else if (annual && rolling)
        diag_config_error(l->diag, group, "%s: annual and rolling exclude each other", who);
    else if (annual && ind->frequency != PEJL_PERIOD_YEAR)
        diag_config_error(l->diag, config_setting_get_member(group, "annual"),
                          "%s: annual = \"sum\" makes yearly values; set frequency = \"annual\"", who);
    else if (annual)
        d->temporal = TEMPORAL_ANNUAL_SUM;
    else if (rolling) {
        d->temporal = TEMPORAL_ROLLING_SUM;
        d->rolling = (int)rolling;
    }
}

static void load_combine(struct loader *l, const config_setting_t *group, struct derive_spec *d,
                         const char *who)
{
    const char *combine = config_get_string(l, group, "combine", false, who);
    const char *rank = config_get_string(l, group, "rank", false, who);
    const char *per_million = config_get_string(l, group, "per_million", false, who);
    if (combine && rank)
        diag_config_error(l->diag, group, "%s: combine and rank exclude each other", who);
    else if (combine && strcmp(combine, "sum") != 0)
        diag_config_error(l->diag, config_setting_get_member(group, "combine"),
                          "%s: combine = \"%s\" unknown; write combine = \"sum\"", who, combine);
    else if (combine)
        d->combine = COMBINE_SUM;
    else if (rank && !member_key_ok(rank))
        diag_config_error(l->diag, config_setting_get_member(group, "rank"),
                          "%s: rank = \"%s\" is not a member key (a category code like \"DK\" or "
                          "\"M+K\", 1 to %d bytes without whitespace or control characters)",
                          who, rank, PEJL_MEMBER_MAX);
    else if (rank) {
        d->combine = COMBINE_RANK;
        snprintf(d->rank_member, sizeof d->rank_member, "%s", rank);
    }
    if (per_million)
        d->per_million = strdup(per_million); /* checked against the catalogue later */
}

static void load_derive(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const char *who = ind->id ? ind->id : "indicator";
    const config_setting_t *d = config_setting_get_member(group, "derive");
    ind->derive.scale = 1;
    if (!d)
        return;
    if (config_setting_type(d) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, d, "%s: derive must be a group { combine = \"sum\"; … }", who);
        return;
    }
    config_check_keys(l, d, "derive", derive_keys);
    ind->derive.active = true;
    load_scale(l, d, &ind->derive, who);
    load_temporal(l, d, ind, who);
    load_combine(l, d, &ind->derive, who);
}

/* per_million names another indicator: it must exist and not be this one. */
static void check_references(struct loader *l)
{
    const struct config *c = l->config;
    for (size_t i = 0; i < c->n_indicators; i++) {
        const struct indicator *ind = &c->indicators[i];
        const char *ref = ind->derive.per_million;
        if (ref && (!config_find(c, ref) || (ind->id && strcmp(ref, ind->id) == 0)))
            diag_add(l->diag, c->path, ind->line,
                     "%s: per_million = \"%s\" names no other indicator of this file",
                     ind->id ? ind->id : "indicator", ref);
    }
}

static void load_indicator(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    ind->line = (int)config_setting_source_line(group);
    if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, group, "each indicator must be a group { id = \"…\"; … }");
        return;
    }
    config_check_keys(l, group, "an indicator", indicator_keys);
    const char *id = config_get_string(l, group, "id", true, "indicator");
    if (id && !indicator_id_valid(id))
        diag_config_error(l->diag, config_setting_get_member(group, "id"),
                          "indicator id \"%s\" must be 1-%d characters of a-z, 0-9, _ and -", id,
                          INDICATOR_ID_MAX);
    else if (id)
        ind->id = strdup(id);
    const char *who = ind->id ? ind->id : "indicator";
    const char *title = config_get_string(l, group, "title", true, who);
    const char *unit = config_get_string(l, group, "unit", false, who);
    ind->title = strdup(title ? title : "");
    ind->unit = strdup(unit ? unit : "");
    const char *freq = config_get_string(l, group, "frequency", true, who);
    if (freq && !(ind->frequency = period_kind_from_name(freq)))
        diag_config_error(l->diag, config_setting_get_member(group, "frequency"),
                          "%s: frequency \"%s\" unknown; write annual, quarterly, monthly, weekly "
                          "or daily",
                          who, freq);
    load_interval(l, group, ind);
    load_pejlemaerke(l, group, ind);
    config_load_sources(l, group, ind);
    config_load_provenance(l, group, ind);
    load_derive(l, group, ind);
    config_load_targets(l, group, ind);
    config_load_published(l, group, ind);
    config_load_events(l, group, ind->id ? ind->id : "indicator", &ind->events, &ind->n_events);
    ind->stale_after_s = evaluate_stale_after_default(ind->frequency);
    int64_t stale_ms = ind->stale_after_s * 1000;
    config_duration_ms(l, group, "stale_after", 86400000, &stale_ms);
    ind->stale_after_s = stale_ms / 1000;
    config_load_alert_rules(l, group, ind);
    long long max_members = COLLECT_DEFAULT_MEMBERS;
    config_integer(l, group, "max_members", 1, COLLECT_MAX_MEMBERS, &max_members);
    ind->max_members = (size_t)max_members;
}

static void check_duplicates(struct loader *l)
{
    const struct config *c = l->config;
    for (size_t i = 0; i < c->n_indicators; i++)
        for (size_t j = 0; j < i; j++)
            if (c->indicators[i].id && c->indicators[j].id &&
                strcmp(c->indicators[i].id, c->indicators[j].id) == 0)
                diag_add(l->diag, c->path, c->indicators[i].line,
                         "indicator id \"%s\" is already used on line %d", c->indicators[i].id,
                         c->indicators[j].line);
}

static void load_indicators(struct loader *l, const config_setting_t *root)
{
    const config_setting_t *list = config_setting_get_member(root, "indicators");
    if (!list) {
        diag_add(l->diag, l->config->path, 0, "no indicators = ( … ); nothing to follow");
        return;
    }
    if (config_setting_type(list) != CONFIG_TYPE_LIST) {
        diag_config_error(l->diag, list, "indicators must be a list ( { … }, { … } )");
        return;
    }
    size_t n = (size_t)config_setting_length(list);
    l->config->indicators = calloc(n ? n : 1, sizeof *l->config->indicators);
    if (!l->config->indicators)
        return;
    l->config->n_indicators = n;
    for (size_t i = 0; i < n; i++)
        load_indicator(l, config_setting_get_elem(list, (unsigned)i), &l->config->indicators[i]);
    check_duplicates(l);
    check_references(l);
}

static int locate(struct config *c, const char *path)
{
    c->path = realpath(path, NULL);
    if (!c->path)
        return -1;
    c->dir = strdup(c->path);
    if (!c->dir)
        return -1;
    char *slash = strrchr(c->dir, '/');
    if (slash == c->dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    return 0;
}

static int parse_file(config_t *cf, struct config *c, const char *path, struct pejl_diag *diag)
{
    int fds[CONFIG_INCLUDE_FILES];
    size_t n_fds = 0;
    char err[600];
    config_init(cf);
    char *text = config_include_expand(c->path, c->dir, fds, &n_fds, err, sizeof err);
    if (!text) {
        diag_add(diag, path, 0, "cannot read: %s", err);
        return -1;
    }
    int ok = config_read_string(cf, text);
    free(text);
    config_include_close(fds, &n_fds);
    if (ok == CONFIG_TRUE)
        return 0;
    const char *file = config_error_file(cf);
    if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
        diag_add(diag, file ? file : path, 0, "cannot read: %s", config_error_text(cf));
    else
        diag_add(diag, file ? file : path, config_error_line(cf), "%s", config_error_text(cf));
    return -1;
}

struct config *config_load(const char *path, const struct config_overrides *overrides,
                           struct pejl_diag *diag)
{
    struct config *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refs = 1;
    size_t before = diag->n;
    if (locate(c, path) < 0) {
        diag_add(diag, path, 0, "cannot open: %s", strerror(errno));
        config_unref(c);
        return NULL;
    }
    diag->default_file = c->path;
    config_t cf;
    if (parse_file(&cf, c, path, diag) == 0) {
        struct loader l = {.config = c, .diag = diag};
        const config_setting_t *root = config_root_setting(&cf);
        load_globals(&l, root, overrides);
        config_load_illustrative(&l, root);
        load_http(&l, root);
        c->plugins = c->collector_dir ? plugin_list_new(c->collector_dir) : NULL;
        load_indicators(&l, root);
        if (overrides && overrides->manual_files)
            config_check_manual_files(&l, root);
        config_load_notifications(&l, root);
        load_report(&l, root);
        config_load_listen(&l, root);
        config_load_graph(&l, root);
    }
    config_destroy(&cf);
    diag->default_file = NULL;
    if (diag->n == before && config_index_build(c) < 0)
        diag_add(diag, c->path, 0, "out of memory while indexing the indicators");
    if (diag->n != before) {
        config_unref(c);
        return NULL;
    }
    return c;
}

struct config *config_ref(struct config *config)
{
    config->refs++;
    return config;
}

static void free_indicator(struct indicator *ind)
{
    config_free_sources(ind);
    derive_spec_free(&ind->derive);
    free(ind->targets);
    config_free_alert_rules(ind);
    config_free_published(ind);
    config_free_events(ind->events, ind->n_events);
    free(ind->id);
    free(ind->title);
    free(ind->unit);
    free(ind->source_name);
}

void config_unref(struct config *c)
{
    if (!c || --c->refs > 0)
        return;
    for (size_t i = 0; i < c->n_indicators; i++)
        free_indicator(&c->indicators[i]);
    config_index_free(c);
    free(c->indicators);
    plugin_list_free(c->plugins); /* after the collectors' release() */
    free(c->path);
    free(c->dir);
    free(c->state_dir);
    free(c->rrd_dir);
    free(c->graph_dir);
    free(c->collector_dir);
    free(c->rrdcached);
    http_settings_free(&c->http);
    config_free_notifications(c);
    free(c->report_dir);
    free(c->control_socket);
    free(c->listen);
    config_free_events(c->events, c->n_events);
    free(c);
}

const struct indicator *config_find(const struct config *c, const char *id)
{
    if (c->by_id.n > 0) /* by_id holds every indicator, or is empty */
        return name_index_get(&c->by_id, id);
    return indicator_find(c->indicators, c->n_indicators, id);
}
