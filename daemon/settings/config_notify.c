/*
 * config_notify.c — receivers, routes and the outbox in pejld.conf:
 *
 *   receivers = (
 *     { name = "ops-mail"; type = "email"; url = "smtp://127.0.0.1:25";
 *       from = "pejl@example.org"; to = [ "ops@example.org" ]; attach_graph = true; },
 *     { name = "chat"; type = "webhook"; url = "https://hooks.example.org/pejl";
 *       secret_file = "/etc/pejl/webhook.secret"; headers = { X-Team = "analysis"; }; },
 *     { name = "am"; type = "alertmanager"; url = "http://127.0.0.1:9093"; } );
 *   routes = ( { receivers = [ "ops-mail", "chat" ]; match = { severity = "critical"; };
 *                group_wait = "30s"; repeat_interval = "24h"; send_resolved = true; } );
 *   outbox = { max = 10000; backoff = "30s"; max_backoff = "1h"; timeout = "30s"; };
 *
 * Plain text leaves the machine only when the receiver says
 * insecure_plaintext = true: smtp:// to another host needs STARTTLS, and
 * http:// is for loopback. Secret files must be readable by their owner
 * only (secret_file.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"
#include "rule.h"
#include "secret_file.h"
#include "url.h"

static const char *const receiver_keys[] = {
    "name", "type", "url", "insecure_plaintext", "starttls", "from", "to", "attach_graph", "group",
    "credentials_file", "secret_file", "headers", "resend_interval", NULL};
static const char *const route_keys[] = {"receivers", "match", "group_wait", "repeat_interval",
                                         "send_resolved", NULL};
static const char *const outbox_keys[] = {"max", "backoff", "max_backoff", "timeout", NULL};
static const char *const type_names[] = {"email", "webhook", "alertmanager"};

const char *receiver_type_name(enum receiver_type type)
{
    return type <= RECEIVER_ALERTMANAGER ? type_names[type] : "?";
}

bool config_route_matches(const struct route *route, const struct label_set *labels)
{
    for (size_t i = 0; i < route->n_match; i++) {
        const char *value = alert_label_get(labels, route->match[i].label);
        if (!value || strcmp(value, route->match[i].value) != 0)
            return false;
    }
    return true;
}

/* The scheme and host of a URL, through libcurl's own parser. */
static int url_parts(const char *url, char **scheme, char **host)
{
    CURLU *u = curl_url();
    *scheme = *host = NULL;
    int rc = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
                     curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
                     curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK
                 ? 0
                 : -1;
    curl_url_cleanup(u);
    return rc;
}

/* localhost, an address in 127.0.0.0/8 (not a name that starts "127."), or ::1. */
static bool loopback_host(const char *host)
{
    struct in_addr v4;
    struct in6_addr v6;
    char bare[64];
    size_t n = strlen(host);
    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &v4) == 1)
        return (ntohl(v4.s_addr) >> 24) == 127;
    if (n > 2 && n < sizeof bare && host[0] == '[' && host[n - 1] == ']') {
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
        host = bare;
    }
    return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

bool url_host_is_loopback(const char *url)
{
    char *scheme, *host;
    bool loopback = false;
    if (url_parts(url, &scheme, &host) == 0)
        loopback = loopback_host(host);
    curl_free(scheme);
    curl_free(host);
    return loopback;
}

/* ---- secrets ---- */

/* A secret file (see secret_file.h), or NULL with the reason reported. */
static char *read_secret(struct loader *l, const config_setting_t *where, const char *path,
                         size_t *len, const char *who)
{
    char err[600];
    char *secret = secret_file_read(path, len, err, sizeof err);
    if (!secret)
        diag_config_error(l->diag, where, "%s: %s", who, err);
    return secret;
}

/* A secret file's path: "$CREDENTIALS_DIRECTORY/NAME" is where systemd's
 * LoadCredential= put NAME; anything else is a path (relative to the config). */
static char *secret_path(struct loader *l, const config_setting_t *where, const char *file,
                         const char *who)
{
    static const char var[] = "$CREDENTIALS_DIRECTORY/";
    if (strncmp(file, var, sizeof var - 1) != 0)
        return config_resolve_path(l, where, file);
    const char *dir = getenv("CREDENTIALS_DIRECTORY"), *name = file + sizeof var - 1;
    char *path = NULL;
    if (!*name || strchr(name, '/')) {
        diag_config_error(l->diag, where, "%s: write $CREDENTIALS_DIRECTORY/NAME with the name "
                          "given to LoadCredential=", who);
        return NULL;
    }
    if (!dir || *dir != '/') {
        diag_config_error(l->diag, where, "%s: %s, but CREDENTIALS_DIRECTORY is not set: run "
                          "pejld as a systemd service with LoadCredential=%s:…", who, file, name);
        return NULL;
    }
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        path = NULL;
    return path;
}

static void load_credentials(struct loader *l, const config_setting_t *g, struct receiver *r,
                             const char *who)
{
    const char *file = config_get_string(l, g, "credentials_file", false, who);
    const config_setting_t *where = config_setting_get_member(g, "credentials_file");
    size_t len;
    char *path = file ? secret_path(l, where, file, who) : NULL;
    char *text = path ? read_secret(l, where, path, &len, who) : NULL;
    char *colon = text ? memchr(text, ':', len) : NULL;
    if (text && (!colon || colon == text || strchr(text, '\n')))
        diag_config_error(l->diag, where, "%s: %s must hold one line user:password", who, path);
    else if (text) {
        *colon = '\0';
        r->username = strdup(text);
        r->password = strdup(colon + 1);
    }
    free(path);
    if (text)
        secret_file_free(text, len); /* no copy of the password lingers in freed memory */
}

static void load_secret(struct loader *l, const config_setting_t *g, struct receiver *r,
                        const char *who)
{
    const char *file = config_get_string(l, g, "secret_file", false, who);
    const config_setting_t *where = config_setting_get_member(g, "secret_file");
    char *path = file ? secret_path(l, where, file, who) : NULL;
    if (path)
        r->secret = (unsigned char *)read_secret(l, where, path, &r->secret_len, who);
    free(path);
}

/* ---- receivers ---- */

static bool address_ok(const char *a)
{
    const char *at = strchr(a, '@');
    return at && at != a && at[1] && strlen(a) < 255 && !strpbrk(a, " \t\r\n<>,;\"()[]\\") &&
           strchr(at + 1, '@') == NULL;
}

static void load_addresses(struct loader *l, const config_setting_t *g, struct receiver *r,
                           const char *who)
{
    const char *from = config_get_string(l, g, "from", true, who);
    const config_setting_t *to = config_setting_get_member(g, "to");
    if (from && !address_ok(from))
        diag_config_error(l->diag, config_setting_get_member(g, "from"),
                          "%s: from \"%s\" is not an address like pejl@example.org", who, from);
    else if (from)
        r->from = strdup(from);
    if (!to || (config_setting_type(to) != CONFIG_TYPE_ARRAY && config_setting_type(to) != CONFIG_TYPE_LIST) ||
        config_setting_length(to) == 0) {
        diag_config_error(l->diag, to ? to : g, "%s: to must list the addresses, to = [ \"ops@example.org\" ]", who);
        return;
    }
    r->to = calloc((size_t)config_setting_length(to), sizeof *r->to);
    for (int i = 0; r->to && i < config_setting_length(to); i++) {
        const char *a = config_setting_get_string_elem(to, i);
        if (!a || !address_ok(a))
            diag_config_error(l->diag, to, "%s: to[%d] is not an address like ops@example.org", who, i);
        else
            r->to[r->n_to++] = strdup(a);
    }
}

static bool header_name_ok(const char *name)
{
    static const char *const reserved[] = {"content-type", "content-length", "host",
                                           "x-pejl-signature", "x-pejl-timestamp", "authorization",
                                           NULL};
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return false;
    for (const char *const *r = reserved; *r; r++)
        if (strcasecmp(name, *r) == 0)
            return false;
    return *name != '\0';
}

static void load_headers(struct loader *l, const config_setting_t *g, struct receiver *r,
                         const char *who)
{
    const config_setting_t *h = config_setting_get_member(g, "headers");
    if (!h)
        return;
    if (config_setting_type(h) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, h, "%s: headers must be a group { X-Team = \"analysis\"; }", who);
        return;
    }
    r->headers = calloc((size_t)config_setting_length(h) + 1, sizeof *r->headers);
    for (int i = 0; r->headers && i < config_setting_length(h); i++) {
        const config_setting_t *s = config_setting_get_elem(h, (unsigned)i);
        const char *name = config_setting_name(s), *value = config_setting_get_string(s);
        if (!header_name_ok(name) || !value || strpbrk(value, "\r\n") || strlen(value) > 1000)
            diag_config_error(l->diag, s, "%s: header %s must be a token other than Content-Type, "
                              "Host, Authorization, X-Pejl-Signature or X-Pejl-Timestamp, with a one-line "
                              "string", who, name);
        else {
            r->headers[r->n_headers].name = strdup(name);
            r->headers[r->n_headers++].value = strdup(value);
        }
    }
}

/* The URL's scheme fits the type (in lower case: what pejld matches it
 * with), and plain text stays on this machine. */
static void check_url(struct loader *l, const config_setting_t *g, struct receiver *r, const char *who)
{
    static const char *const email_schemes[] = {"smtp", "smtps", NULL}, *const http_schemes[] = {
                                                                            "https", "http", NULL};
    const config_setting_t *where = config_setting_get_member(g, "url");
    char *scheme = NULL, *host = NULL, shown[URL_SHOWN_MAX], err[URL_SHOWN_MAX + 100];
    if (url_check_scheme(r->url, r->type == RECEIVER_EMAIL ? email_schemes : http_schemes, err,
                         sizeof err) < 0) {
        diag_config_error(l->diag, where, "%s: a%s %s receiver's url %s", who,
                          r->type == RECEIVER_WEBHOOK ? "" : "n", type_names[r->type], err);
    } else if (url_parts(r->url, &scheme, &host) < 0) {
        diag_config_error(l->diag, where, "%s: url \"%s\" is not a URL", who,
                          url_redact(r->url, shown, sizeof shown));
    } else if (!url_host_is_loopback(r->url) && !r->insecure_plaintext &&
               (strcmp(scheme, "http") == 0 || (strcmp(scheme, "smtp") == 0 && !r->starttls))) {
        diag_config_error(l->diag, where, "%s: %s to %s would leave this machine in plain text; use "
                          "https, smtps or starttls = true, or say insecure_plaintext = true", who,
                          scheme, host);
    }
    curl_free(scheme);
    curl_free(host);
}

static bool flag(struct loader *l, const config_setting_t *g, const char *key, bool fallback,
                 const char *who)
{
    const config_setting_t *s = config_setting_get_member(g, key);
    if (!s)
        return fallback;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        diag_config_error(l->diag, s, "%s: %s must be true or false", who, key);
        return fallback;
    }
    return config_setting_get_bool(s);
}

static enum receiver_type receiver_type_of(struct loader *l, const config_setting_t *g, const char *who)
{
    const char *type = config_get_string(l, g, "type", true, who);
    for (int t = 0; type && t < 3; t++)
        if (strcmp(type, type_names[t]) == 0)
            return (enum receiver_type)t;
    if (type)
        diag_config_error(l->diag, config_setting_get_member(g, "type"),
                          "%s: type \"%s\" unknown; write email, webhook or alertmanager", who, type);
    return RECEIVER_WEBHOOK;
}

static void load_receiver(struct loader *l, const config_setting_t *g, struct receiver *r)
{
    r->line = (int)config_setting_source_line(g);
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "each receiver must be a group { name = \"…\"; type = \"…\"; }");
        return;
    }
    config_check_keys(l, g, "a receiver", receiver_keys);
    const char *name = config_get_string(l, g, "name", true, "receiver");
    if (name && (!indicator_id_valid(name) || strlen(name) > RECEIVER_NAME_MAX))
        diag_config_error(l->diag, config_setting_get_member(g, "name"),
                          "receiver name \"%s\" must be 1-%d characters of a-z, 0-9, _ and -", name,
                          RECEIVER_NAME_MAX);
    r->name = strdup(name ? name : "");
    const char *who = r->name[0] ? r->name : "receiver";
    r->type = receiver_type_of(l, g, who);
    const char *url = config_get_string(l, g, "url", true, who);
    r->url = url ? strdup(url) : NULL;
    r->insecure_plaintext = flag(l, g, "insecure_plaintext", false, who);
    r->starttls = flag(l, g, "starttls", url && !url_host_is_loopback(url), who);
    r->attach_graph = flag(l, g, "attach_graph", false, who);
    r->group_mail = flag(l, g, "group", false, who);
    int64_t resend_ms = 3600 * 1000;
    config_duration_ms(l, g, "resend_interval", 60000, &resend_ms);
    r->resend_s = resend_ms / 1000;
    if (r->url)
        check_url(l, g, r, who);
    if (r->type == RECEIVER_EMAIL) {
        load_addresses(l, g, r, who);
        load_credentials(l, g, r, who);
    } else if (r->type == RECEIVER_WEBHOOK) {
        load_secret(l, g, r, who);
        load_headers(l, g, r, who);
    }
    static const char *const email_only[] = {"from",     "to",       "attach_graph",
                                             "credentials_file", "starttls", "group"};
    for (size_t i = 0; r->type != RECEIVER_EMAIL && i < sizeof email_only / sizeof *email_only; i++)
        if (config_setting_get_member(g, email_only[i]))
            diag_config_error(l->diag, config_setting_get_member(g, email_only[i]),
                              "%s: %s is for email receivers", who, email_only[i]);
}

/* ---- routes ---- */

static long receiver_index(const struct config *c, const char *name)
{
    for (size_t i = 0; i < c->n_receivers; i++)
        if (strcmp(c->receivers[i].name, name) == 0)
            return (long)i;
    return -1;
}

static void load_route_receivers(struct loader *l, const config_setting_t *g, struct route *r)
{
    const config_setting_t *list = config_setting_get_member(g, "receivers");
    int n = list ? config_setting_length(list) : 0;
    if (!list || (config_setting_type(list) != CONFIG_TYPE_ARRAY &&
                  config_setting_type(list) != CONFIG_TYPE_LIST) || n == 0) {
        diag_config_error(l->diag, list ? list : g, "a route needs receivers = [ \"ops-mail\" ]");
        return;
    }
    r->receivers = calloc((size_t)n, sizeof *r->receivers);
    for (int i = 0; r->receivers && i < n; i++) {
        const char *name = config_setting_get_string_elem(list, i);
        long at = name ? receiver_index(l->config, name) : -1;
        if (at < 0)
            diag_config_error(l->diag, list, "route: receiver \"%s\" is not defined in receivers",
                              name ? name : "?");
        else
            r->receivers[r->n_receivers++] = (size_t)at;
    }
}

/* Whether `value` can ever be the value of pejl's own label `label`: a
 * route matching severity = "critcal" would match nothing, silently. */
static bool known_label_value(const struct config *c, const char *label, const char *value,
                              char *expected, size_t size)
{
    static const char *const severities[] = {"warning", "critical", "unknown", "info", NULL};
    if (strcmp(label, "severity") == 0) {
        snprintf(expected, size, "warning, critical, unknown or info");
        for (const char *const *s = severities; *s; s++)
            if (strcmp(value, *s) == 0)
                return true;
        return false;
    }
    if (strcmp(label, "rule") == 0) {
        size_t at = (size_t)snprintf(expected, size, "one of");
        for (int k = 0; k < RULE_KINDS && at < size; k++)
            at += (size_t)snprintf(expected + at, size - at, " %s", rule_kind_name((enum rule_kind)k));
        return rule_kind_from_name(value) >= 0;
    }
    if (strcmp(label, "indicator") == 0) {
        snprintf(expected, size, "the id of an indicator in this file");
        for (size_t i = 0; i < c->n_indicators; i++)
            if (c->indicators[i].id && strcmp(c->indicators[i].id, value) == 0)
                return true;
        return false;
    }
    return true;
}

static void load_matchers(struct loader *l, const config_setting_t *g, struct route *r)
{
    const config_setting_t *m = config_setting_get_member(g, "match");
    if (!m)
        return;
    if (config_setting_type(m) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, m, "route: match must be a group { severity = \"critical\"; }");
        return;
    }
    r->match = calloc((size_t)config_setting_length(m) + 1, sizeof *r->match);
    for (int i = 0; r->match && i < config_setting_length(m); i++) {
        const config_setting_t *s = config_setting_get_elem(m, (unsigned)i);
        char number[32];
        const char *value = config_setting_get_string(s);
        if (!value && config_setting_type(s) == CONFIG_TYPE_INT) /* pejlemaerke = 5 */
            snprintf(number, sizeof number, "%d", config_setting_get_int(s)), value = number;
        if (!value) {
            diag_config_error(l->diag, s, "route: match %s must be a string or a whole number",
                              config_setting_name(s));
            continue;
        }
        char expected[256];
        if (!known_label_value(l->config, config_setting_name(s), value, expected, sizeof expected)) {
            diag_config_error(l->diag, s, "route: match %s = \"%s\" matches no alert; %s is %s",
                              config_setting_name(s), value, config_setting_name(s), expected);
            continue;
        }
        r->match[r->n_match].label = strdup(config_setting_name(s));
        r->match[r->n_match++].value = strdup(value);
    }
}

static void load_route(struct loader *l, const config_setting_t *g, struct route *r)
{
    r->line = (int)config_setting_source_line(g);
    r->group_wait_s = 30, r->repeat_interval_s = 86400, r->send_resolved = true;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "each route must be a group { receivers = [ … ]; }");
        return;
    }
    config_check_keys(l, g, "a route", route_keys);
    load_route_receivers(l, g, r);
    load_matchers(l, g, r);
    int64_t wait_ms = r->group_wait_s * 1000, repeat_ms = r->repeat_interval_s * 1000;
    config_duration_ms(l, g, "group_wait", 0, &wait_ms);
    config_duration_ms(l, g, "repeat_interval", 60000, &repeat_ms);
    r->group_wait_s = wait_ms / 1000, r->repeat_interval_s = repeat_ms / 1000;
    r->send_resolved = flag(l, g, "send_resolved", true, "route");
}

/* ---- outbox and the whole ---- */

static void load_outbox(struct loader *l, const config_setting_t *root)
{
    struct outbox_settings *o = &l->config->outbox;
    *o = (struct outbox_settings){.max_entries = 10000, .backoff_ms = 30000,
                                  .max_backoff_ms = 3600000, .timeout_ms = 30000};
    const config_setting_t *g = config_setting_get_member(root, "outbox");
    if (!g)
        return;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "outbox must be a group { max = 10000; backoff = \"30s\"; }");
        return;
    }
    config_check_keys(l, g, "outbox", outbox_keys);
    long long max = (long long)o->max_entries;
    config_integer(l, g, "max", 10, 10000000, &max);
    o->max_entries = (size_t)max;
    config_duration_ms(l, g, "backoff", 100, &o->backoff_ms);
    config_duration_ms(l, g, "max_backoff", 100, &o->max_backoff_ms);
    config_duration_ms(l, g, "timeout", 1000, &o->timeout_ms);
}

static void *load_list(struct loader *l, const config_setting_t *root, const char *key,
                       size_t size, size_t *n)
{
    const config_setting_t *list = config_setting_get_member(root, key);
    *n = 0;
    if (!list)
        return NULL;
    if (config_setting_type(list) != CONFIG_TYPE_LIST) {
        diag_config_error(l->diag, list, "%s must be a list ( { … }, { … } )", key);
        return NULL;
    }
    void *items = calloc((size_t)config_setting_length(list) + 1, size);
    if (items)
        *n = (size_t)config_setting_length(list);
    return items;
}

void config_unrouted(const struct config *c, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < c->n_routes; i++)
        if (c->routes[i].n_receivers > 0)
            return;
    snprintf(buf, size,
             "%s: alerts are kept and shown (pejlctl alerts) but sent nowhere: %s; add a "
             "receiver and a route (examples in pejld.conf(5) and the shipped pejld.conf)",
             c->path, c->n_receivers ? "no route names a receiver" : "there are no receivers");
}

void config_load_notifications(struct loader *l, const config_setting_t *root)
{
    struct config *c = l->config;
    const char *external = config_get_string(l, root, "external_url", false, "settings");
    if (external && strncmp(external, "https://", 8) != 0 && strncmp(external, "http://", 7) != 0)
        diag_config_error(l->diag, config_setting_get_member(root, "external_url"),
                          "external_url must be an http:// or https:// URL");
    else if (external)
        c->external_url = strdup(external);
    load_outbox(l, root);
    c->receivers = load_list(l, root, "receivers", sizeof *c->receivers, &c->n_receivers);
    for (size_t i = 0; i < c->n_receivers; i++) {
        const config_setting_t *g = config_setting_get_elem(config_setting_get_member(root, "receivers"), (unsigned)i);
        load_receiver(l, g, &c->receivers[i]);
        for (size_t j = 0; j < i; j++)
            if (c->receivers[i].name[0] && strcmp(c->receivers[i].name, c->receivers[j].name) == 0)
                diag_config_error(l->diag, g, "receiver \"%s\" is defined twice (also on line %d)",
                                  c->receivers[i].name, c->receivers[j].line);
    }
    c->routes = load_list(l, root, "routes", sizeof *c->routes, &c->n_routes);
    for (size_t i = 0; i < c->n_routes; i++)
        load_route(l, config_setting_get_elem(config_setting_get_member(root, "routes"), (unsigned)i),
                   &c->routes[i]);
}

static void free_receiver(struct receiver *r)
{
    free(r->name);
    free(r->url);
    free(r->from);
    for (size_t i = 0; i < r->n_to; i++)
        free(r->to[i]);
    free(r->to);
    free(r->username);
    if (r->password)
        memset(r->password, 0, strlen(r->password));
    free(r->password);
    if (r->secret)
        memset(r->secret, 0, r->secret_len);
    free(r->secret);
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
}

void config_free_notifications(struct config *c)
{
    for (size_t i = 0; i < c->n_receivers; i++)
        free_receiver(&c->receivers[i]);
    free(c->receivers);
    for (size_t i = 0; i < c->n_routes; i++) {
        for (size_t k = 0; k < c->routes[i].n_match; k++) {
            free(c->routes[i].match[k].label);
            free(c->routes[i].match[k].value);
        }
        free(c->routes[i].match);
        free(c->routes[i].receivers);
    }
    free(c->routes);
    free(c->external_url);
}
