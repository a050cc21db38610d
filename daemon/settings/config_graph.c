/*
 * config_graph.c — how graphs are drawn, and the events on their time axes:
 *
 *   graph = { width = 500; scale = 2; };   # the plot area's width in pixels
 *                                          # at scale 1 (300-2000), the zoom (0.5-4)
 *   events = ( { date = "2024-06-01"; text = "Strategi for life science"; }, … );
 *
 * `events` also goes in an indicator's group, for that graph alone. At most
 * 16 in each place; a date is a day (YYYY-MM-DD), a text one line of 1-80
 * bytes of UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"
#include "period.h"
#include "utf8.h"

#define GRAPH_WIDTH_MIN 300
#define GRAPH_WIDTH_MAX 2000
#define GRAPH_SCALE_DEFAULT 2.0 /* sharp when printed 16 cm wide, and on a high-density screen */

static const char *const graph_keys[] = {"width", "scale", NULL};
static const char *const event_keys[] = {"date", "text", NULL};

void config_load_graph(struct loader *l, const config_setting_t *root)
{
    const config_setting_t *g = config_setting_get_member(root, "graph");
    long long width = 0;
    l->config->graph_scale = GRAPH_SCALE_DEFAULT;
    config_load_events(l, root, "events", &l->config->events, &l->config->n_events);
    if (!g)
        return;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g, "graph must be a group { width = 500; scale = 2; }");
        return;
    }
    config_check_keys(l, g, "graph", graph_keys);
    config_integer(l, g, "width", GRAPH_WIDTH_MIN, GRAPH_WIDTH_MAX, &width);
    l->config->graph_width = (int)width;
    const config_setting_t *scale = config_setting_get_member(g, "scale");
    bool ok;
    double v = config_number(scale, &ok);
    if (scale && (!ok || !(v >= 0.5 && v <= 4)))
        diag_config_error(l->diag, scale,
                          "graph: scale must be a number from 0.5 to 4 (2: twice the pixels, "
                          "for print)");
    else if (scale)
        l->config->graph_scale = v;
}

static void load_event(struct loader *l, const config_setting_t *g, const char *who,
                       struct time_event *e)
{
    struct pejl_period day;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g,
                          "%s: each event must be a group { date = \"2024-06-01\"; text = \"…\"; }",
                          who);
        return;
    }
    config_check_keys(l, g, "an event", event_keys);
    const char *date = config_get_string(l, g, "date", true, who);
    const char *text = config_get_string(l, g, "text", true, who);
    if (date && (period_parse(date, strlen(date), &day) < 0 || day.kind != PEJL_PERIOD_DAY))
        diag_config_error(l->diag, config_setting_get_member(g, "date"),
                          "%s: event date \"%s\" is not a day; write e.g. \"2024-06-01\"", who,
                          date);
    else if (date)
        e->time = period_start(&day);
    size_t n = text ? strlen(text) : 0;
    if (text && (n == 0 || n > EVENT_TEXT_MAX || !utf8_valid(text) || strpbrk(text, "\r\n\t")))
        diag_config_error(l->diag, config_setting_get_member(g, "text"),
                          "%s: event text must be one line of 1-%d bytes of UTF-8, e.g. "
                          "\"Strategi for life science\"",
                          who, EVENT_TEXT_MAX);
    else if (text && !(e->text = strdup(text)))
        diag_config_error(l->diag, g, "%s: out of memory", who);
}

void config_load_events(struct loader *l, const config_setting_t *group, const char *who,
                        struct time_event **events, size_t *n)
{
    const config_setting_t *list = config_setting_get_member(group, "events");
    if (!list)
        return;
    int len = config_setting_length(list);
    if (config_setting_type(list) != CONFIG_TYPE_LIST || len > EVENTS_MAX) {
        diag_config_error(l->diag, list,
                          "%s: events must be a list of at most %d, e.g. events = ( { date = "
                          "\"2024-06-01\"; text = \"Strategi for life science\"; } );",
                          who, EVENTS_MAX);
        return;
    }
    if (len == 0 || !(*events = calloc((size_t)len, sizeof **events)))
        return;
    *n = (size_t)len;
    for (size_t i = 0; i < *n; i++)
        load_event(l, config_setting_get_elem(list, (unsigned)i), who, &(*events)[i]);
}

void config_free_events(struct time_event *events, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(events[i].text);
    free(events);
}
