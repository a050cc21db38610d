/*
 * config_published.c — the figures an indicator's owner has published, in
 * pejld.conf (see published.h for how they are compared):
 *
 *   published = ( { period = "2023"; value = 174.0;
 *                   source = "Erhvervsministeriet pba. Danmarks Statistik (2024)"; }, … );
 *
 * Each needs a period the indicator's series has (its frequency, or a year
 * over a monthly, quarterly or daily series), a finite value and a source
 * of 1-200 bytes of one-line UTF-8; a period at most once; at most 100.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"
#include "period.h"
#include "utf8.h"

static const char *const published_keys[] = {"period", "value", "source", NULL};

static void load_period(struct loader *l, const config_setting_t *g, struct indicator *ind,
                        struct published_figure *f, const char *who)
{
    const char *text = config_get_string(l, g, "period", true, who);
    if (!text)
        return;
    if (period_parse(text, strlen(text), &f->period) < 0) {
        diag_config_error(l->diag, config_setting_get_member(g, "period"),
                          "%s: published period \"%s\" is not a period; write e.g. \"2023\"", who,
                          text);
        f->period.kind = PEJL_PERIOD_NONE;
    } else if (!published_period_fits(&f->period, ind->frequency)) {
        diag_config_error(l->diag, config_setting_get_member(g, "period"),
                          "%s: published period \"%s\" is not one of this %s series; give a %s "
                          "period%s",
                          who, text, period_kind_name(ind->frequency),
                          period_kind_name(ind->frequency),
                          ind->frequency == PEJL_PERIOD_YEAR || ind->frequency == PEJL_PERIOD_WEEK
                              ? ""
                              : " or a year (compared with the mean of its periods)");
        f->period.kind = PEJL_PERIOD_NONE;
    }
}

static void load_source_text(struct loader *l, const config_setting_t *g,
                             struct published_figure *f, const char *who)
{
    const char *source = config_get_string(l, g, "source", true, who);
    if (!source)
        return;
    size_t n = strlen(source);
    if (n == 0 || n > PUBLISHED_SOURCE_MAX || !utf8_valid(source) || strpbrk(source, "\r\n\t"))
        diag_config_error(l->diag, config_setting_get_member(g, "source"),
                          "%s: published source must be one line of 1-%d bytes of UTF-8 naming "
                          "who published the figure, e.g. \"Danmarks Statistik (2024)\"",
                          who, PUBLISHED_SOURCE_MAX);
    else if (!(f->source = strdup(source)))
        diag_config_error(l->diag, g, "%s: out of memory", who);
}

static void load_figure(struct loader *l, const config_setting_t *g, struct indicator *ind,
                        struct published_figure *f, const char *who)
{
    const config_setting_t *period = config_setting_get_member(g, "period");
    /* libconfig gives a group the line after its end: its period's is the one to name */
    f->line = (int)config_setting_source_line(period ? period : g);
    f->value = NAN;
    if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
        diag_config_error(l->diag, g,
                          "%s: each published figure must be a group { period = "
                          "\"2023\"; value = 174.0; source = \"…\"; }",
                          who);
        return;
    }
    config_check_keys(l, g, "a published figure", published_keys);
    load_period(l, g, ind, f, who);
    bool ok;
    const config_setting_t *v = config_setting_get_member(g, "value");
    double value = config_number(v, &ok);
    if (!v)
        diag_config_error(l->diag, g, "%s: a published figure needs value = 174.0;", who);
    else if (!ok || !isfinite(value))
        diag_config_error(l->diag, v, "%s: published value must be a finite number", who);
    else
        f->value = value;
    load_source_text(l, g, f, who);
}

void config_load_published(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const char *who = ind->id ? ind->id : "indicator";
    const config_setting_t *list = config_setting_get_member(group, "published");
    if (!list)
        return;
    int n = config_setting_length(list);
    if (config_setting_type(list) != CONFIG_TYPE_LIST || n > PUBLISHED_MAX) {
        diag_config_error(l->diag, list,
                          "%s: published must be a list of at most %d, e.g. "
                          "published = ( { period = \"2023\"; value = 174.0; source = \"…\"; } )",
                          who, PUBLISHED_MAX);
        return;
    }
    if (n == 0 || !(ind->published = calloc((size_t)n, sizeof *ind->published)))
        return;
    ind->n_published = (size_t)n;
    for (size_t i = 0; i < ind->n_published; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        struct published_figure *f = &ind->published[i];
        load_figure(l, g, ind, f, who);
        for (size_t j = 0; j < i && f->period.kind; j++)
            if (period_equal(&ind->published[j].period, &f->period)) {
                char p[PERIOD_TEXT_MAX];
                period_format(&f->period, p, sizeof p);
                diag_config_error(l->diag, g, "%s: %s is published already on line %d; keep one",
                                  who, p, ind->published[j].line);
                break;
            }
    }
}

void config_free_published(struct indicator *ind)
{
    for (size_t i = 0; i < ind->n_published; i++)
        free(ind->published[i].source);
    free(ind->published);
    ind->published = NULL;
    ind->n_published = 0;
}
