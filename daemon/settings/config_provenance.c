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

/* The collector's own words for the source, else its name. */
static char *described(const struct indicator *ind)
{
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
