/*
 * config_provenance.c — where an indicator's figures come from and whether
 * they are real: `source_name` (the publisher and its table in words a
 * reader knows; defaulted from the collector's describe()) and
 * `illustrative` (made-up figures, for the whole catalogue or one
 * indicator), which every output then shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"
#include "utf8.h"

#define SOURCE_NAME_MAX 200 /* one line under a graph */

/* A boolean key of `group` into *out; absent keeps *out. */
static void load_bool(struct loader *l, const config_setting_t *group, const char *key,
                      const char *who, bool *out)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s)
        return;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        diag_config_error(l->diag, s, "%s: %s must be true or false", who, key);
    else
        *out = config_setting_get_bool(s);
}

void config_load_illustrative(struct loader *l, const config_setting_t *root)
{
    load_bool(l, root, "illustrative", "settings", &l->config->illustrative);
}

static bool name_usable(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SOURCE_NAME_MAX || !utf8_valid(name))
        return false;
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    return true;
}

/* One source's words: its collector's describe(), else the collector's name. */
static void describe_one(const struct indicator_source *s, char *buf, size_t size)
{
    const struct pejl_collector *api = s->collector ? s->collector->api : NULL;
    if (!api || !api->describe || !s->state || api->describe(s->state, buf, size) == 0 ||
        !name_usable(buf))
        snprintf(buf, size, "%s", s->collector ? s->collector->name : "");
}

/* A splice's sources joined oldest first, the institution said once:
 * "Danmarks Statistik, SITC2R4Y + SITC2R4". */
static char *described_sources(const struct indicator *ind)
{
    char all[INDICATOR_MAX_SOURCES * (SOURCE_NAME_MAX + 3) + 1] = "", one[SOURCE_NAME_MAX + 1];
    size_t institution = 0;
    for (size_t i = 0; i < ind->n_sources; i++) {
        describe_one(&ind->sources[i], one, sizeof one);
        const char *comma = strstr(one, ", ");
        const char *part = one;
        if (i == 0)
            institution = comma ? (size_t)(comma - one) + 2 : 0;
        else if (institution && strncmp(one, all, institution) == 0)
            part = one + institution;
        size_t used = strlen(all);
        if (snprintf(all + used, sizeof all - used, "%s%s", i ? " + " : "", part) < 0)
            return NULL;
    }
    if (!name_usable(all)) /* too long: the newest source alone */
        describe_one(&ind->sources[ind->n_sources - 1], all, SOURCE_NAME_MAX + 1);
    return strdup(all);
}

/* The collector's own words for the source, else its name. */
static char *described(const struct indicator *ind)
{
    if (ind->n_sources > 1)
        return described_sources(ind);
    char buf[SOURCE_NAME_MAX + 1];
    const struct pejl_collector *api = ind->collector ? ind->collector->api : NULL;
    if (api && api->describe && ind->source && api->describe(ind->source, buf, sizeof buf) > 0 &&
        name_usable(buf))
        return strdup(buf);
    return strdup(ind->collector ? ind->collector->name : "");
}

void config_load_provenance(struct loader *l, const config_setting_t *group, struct indicator *ind)
{
    const char *who = ind->id ? ind->id : "indicator";
    const char *name = config_get_string(l, group, "source_name", false, who);
    if (name && !name_usable(name))
        diag_config_error(l->diag, config_setting_get_member(group, "source_name"),
                          "%s: source_name must be 1-%d bytes of UTF-8 text on one line, like "
                          "\"Danmarks Statistik, SITC2R4\"",
                          who, SOURCE_NAME_MAX);
    ind->source_name = name && name_usable(name) ? strdup(name) : described(ind);
    ind->illustrative = l->config->illustrative;
    load_bool(l, group, "illustrative", who, &ind->illustrative);
}
