/*
 * check.c — `pejlctl check [ID...]`: pejld's alerts as a Nagios/Icinga
 * service check, by the monitoring-plugins conventions: one line
 * "PEJL STATE - text | perfdata" and exit 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN.
 *
 * The state is the worst of the alerts of the indicators asked for (all
 * when none is named) that are not silenced; a revision alert (severity
 * "info") is news, not a fault, and leaves the check OK. pejld out of
 * reach, an unknown indicator or an answer that cannot be read is UNKNOWN.
 * Perfdata: each indicator's latest value and, where a target has a path,
 * its gap in %. Uses the control socket through ask.c, and jansson.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pejlctl.h"

enum check_state { CHECK_OK = 0, CHECK_WARNING = 1, CHECK_CRITICAL = 2, CHECK_UNKNOWN = 3 };

static const char *const state_words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

struct check {
    char *const *ids; /* NULL: every indicator */
    int n_ids;
    enum check_state state;
    int n_critical, n_warning, n_unknown;
    char worst[512]; /* the first alert of the worst state: "ID: summary" */
};

static int unknown(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int unknown(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("PEJL UNKNOWN - ");
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    return CHECK_UNKNOWN;
}

static bool asked_for(const struct check *c, const char *id)
{
    if (!c->n_ids)
        return true;
    for (int i = 0; i < c->n_ids; i++)
        if (id && strcmp(c->ids[i], id) == 0)
            return true;
    return false;
}

/* The reply body of one request as JSON; NULL (and the UNKNOWN line
 * printed, *rc set) when it cannot be had. */
static json_t *ask_json(const char *socket_path, const char *command, int *rc)
{
    struct pejlctl_reply r = {0};
    char *words[] = {(char *)command, "json"};
    int got = pejlctl_ask(socket_path, words, 2, &r);
    json_t *doc = NULL;
    if (got == PEJLCTL_EXIT_UNAVAILABLE)
        *rc = unknown("cannot reach pejld at %s", socket_path);
    else if (got != PEJLCTL_EXIT_OK || r.status < 0)
        *rc = unknown("pejld refused the request: %s", r.message ? r.message : "?");
    else if (!(doc = json_loads(r.body, 0, NULL)) || !json_is_array(doc))
        *rc = unknown("pejld's %s answer is not a JSON list", command);
    free(r.message);
    free(r.body);
    if (doc && !json_is_array(doc)) {
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

static enum check_state state_of(json_t *alert)
{
    const char *state = json_string_value(json_object_get(alert, "state"));
    const char *severity = json_string_value(json_object_get(json_object_get(alert, "labels"), "severity"));
    if (json_is_true(json_object_get(alert, "silenced")) || (severity && strcmp(severity, "info") == 0))
        return CHECK_OK;
    if (state && strcmp(state, "CRITICAL") == 0)
        return CHECK_CRITICAL;
    if (state && strcmp(state, "WARNING") == 0)
        return CHECK_WARNING;
    return state && strcmp(state, "UNKNOWN") == 0 ? CHECK_UNKNOWN : CHECK_OK;
}

/* How bad a state is for the check's outcome: OK < UNKNOWN < WARNING < CRITICAL,
 * as pejld orders alerts (an indicator with no data is less urgent than one behind). */
static int badness(enum check_state s)
{
    static const int rank[] = {0, 2, 3, 1};
    return rank[s];
}

static void count_alerts(struct check *c, json_t *alerts)
{
    size_t i;
    json_t *a;
    json_array_foreach(alerts, i, a)
    {
        const char *id = json_string_value(json_object_get(a, "indicator"));
        enum check_state s = state_of(a);
        if (!asked_for(c, id) || s == CHECK_OK)
            continue;
        c->n_critical += s == CHECK_CRITICAL, c->n_warning += s == CHECK_WARNING;
        c->n_unknown += s == CHECK_UNKNOWN;
        if (badness(s) > badness(c->state)) {
            c->state = s;
            const char *summary = json_string_value(json_object_get(a, "summary"));
            snprintf(c->worst, sizeof c->worst, "%s: %s", id, summary ? summary : "");
        }
    }
}

/* A perfdata label: quoted, with a quote inside doubled. */
static void put_label(FILE *out, const char *id, const char *suffix)
{
    fputc('\'', out);
    for (const char *p = id; *p; p++)
        fputs(*p == '\'' ? "''" : (char[]){*p, '\0'}, out);
    fprintf(out, "%s'", suffix);
}

static void put_perfdata(FILE *out, const struct check *c, json_t *rows, size_t *n_indicators)
{
    size_t i;
    json_t *row;
    const char *last = "";
    json_array_foreach(rows, i, row)
    {
        const char *id = json_string_value(json_object_get(row, "indicator"));
        if (!id || !asked_for(c, id))
            continue;
        json_t *latest = json_object_get(row, "latest_value"), *gap = json_object_get(row, "gap_pct");
        if (strcmp(id, last) != 0) { /* one row per target: the value once */
            (*n_indicators)++;
            if (json_is_number(latest)) {
                fputc(' ', out);
                put_label(out, id, "");
                fprintf(out, "=%.15g", json_number_value(latest));
            }
        }
        if (json_is_number(gap) && isfinite(json_number_value(gap))) {
            char suffix[32];
            json_t *year = json_object_get(row, "target_year");
            snprintf(suffix, sizeof suffix, "_gap_%lld", json_is_integer(year) ? (long long)json_integer_value(year) : 0LL);
            fputc(' ', out);
            put_label(out, id, suffix);
            fprintf(out, "=%.2f%%", json_number_value(gap));
        }
        last = id;
    }
}

static const char *unknown_id(const struct check *c, json_t *rows)
{
    for (int k = 0; k < c->n_ids; k++) {
        bool found = false;
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            const char *id = json_string_value(json_object_get(row, "indicator"));
            found |= id && strcmp(id, c->ids[k]) == 0;
        }
        if (!found)
            return c->ids[k];
    }
    return NULL;
}

static int report(struct check *c, json_t *rows, json_t *alerts)
{
    const char *missing = unknown_id(c, rows);
    if (missing)
        return unknown("no indicator %s in pejld's config", missing);
    count_alerts(c, alerts);
    char *line = NULL;
    size_t size = 0, n_indicators = 0;
    FILE *perf = open_memstream(&line, &size);
    if (!perf)
        return unknown("%s", "out of memory");
    put_perfdata(perf, c, rows, &n_indicators);
    fclose(perf);
    printf("PEJL %s - ", state_words[c->state]);
    if (c->state == CHECK_OK)
        printf("%zu indicator%s, no alert", n_indicators, n_indicators == 1 ? "" : "s");
    else
        printf("%d critical, %d warning, %d unknown of %zu indicator%s; %s", c->n_critical,
               c->n_warning, c->n_unknown, n_indicators, n_indicators == 1 ? "" : "s", c->worst);
    printf(" |%s\n", line ? line : "");
    free(line);
    return (int)c->state;
}

int check_main(int argc, char **argv)
{
    static const struct option options[] = {{"socket", required_argument, NULL, 's'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *socket_path = getenv("PEJL_SOCKET");
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "s:h", options, NULL)) != -1) {
        if (opt == 's') {
            socket_path = optarg;
        } else {
            FILE *to = opt == 'h' ? stdout : stderr;
            fprintf(to, "usage: pejlctl [--socket PATH] check [ID...]\n"
                        "pejld's alerts as a Nagios/Icinga check: one line with perfdata;\n"
                        "exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n");
            return opt == 'h' ? CHECK_OK : CHECK_UNKNOWN;
        }
    }
    if (!socket_path || !*socket_path)
        socket_path = pejlctl_default_socket();
    struct check c = {.ids = argv + optind, .n_ids = argc - optind};
    int rc = CHECK_UNKNOWN;
    json_t *rows = ask_json(socket_path, "STATUS", &rc);
    json_t *alerts = rows ? ask_json(socket_path, "ALERTS", &rc) : NULL;
    if (rows && alerts)
        rc = report(&c, rows, alerts);
    json_decref(rows);
    json_decref(alerts);
    return rc;
}
