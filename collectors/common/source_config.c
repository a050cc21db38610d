/*
 * source_config.c — checks and accessors for source blocks (see
 * source_config.h).
 */
#include "source_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(enum source_key_type type)
{
    switch (type) {
    case KEY_STRING: return "a string";
    case KEY_INT: return "an integer";
    case KEY_STRING_ARRAY: return "an array of strings [ \"…\", … ]";
    case KEY_GROUP: return "a group { … }";
    case KEY_LIST: return "a list ( … )";
    case KEY_DURATION: return "a duration such as \"30s\"";
    case KEY_PICKS:
        return "a group { … } or a list ( [ \"…\", … ], … )";
    }
    return "?";
}

static bool type_matches(const config_setting_t *s, enum source_key_type type)
{
    int t = config_setting_type(s);
    switch (type) {
    case KEY_STRING: case KEY_DURATION: return t == CONFIG_TYPE_STRING;
    case KEY_INT: return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
    case KEY_GROUP: return t == CONFIG_TYPE_GROUP;
    case KEY_LIST: return t == CONFIG_TYPE_LIST;
    case KEY_PICKS:
        return t == CONFIG_TYPE_GROUP || t == CONFIG_TYPE_LIST;
    case KEY_STRING_ARRAY:
        if (t != CONFIG_TYPE_ARRAY)
            return false;
        for (int i = 0; i < config_setting_length(s); i++)
            if (config_setting_type(config_setting_get_elem(s, (unsigned)i)) != CONFIG_TYPE_STRING)
                return false;
        return true;
    }
    return false;
}

void source_error(struct source_reader *r, const char *name, const char *fmt, ...)
{
    char message[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    const config_setting_t *where = name ? config_setting_get_member(r->source, name) : NULL;
    r->host->config_error(r->diag, where ? where : r->source, "%s", message);
    r->problems++;
}

void source_error_at(struct source_reader *r, const config_setting_t *where, const char *fmt, ...)
{
    char message[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    source_one_line(message);
    r->host->config_error(r->diag, where, "%s", message);
    r->problems++;
}

void source_one_line(char *message)
{
    for (unsigned char *c = (unsigned char *)message; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            *c = ' ';
}

static const struct source_key *find_key(const struct source_key *keys, const char *name)
{
    for (; keys->name; keys++)
        if (strcmp(keys->name, name) == 0)
            return keys;
    return NULL;
}

static void list_keys(const struct source_key *keys, char *buf, size_t size)
{
    snprintf(buf, size, "collector");
    for (; keys->name; keys++)
        snprintf(buf + strlen(buf), size - strlen(buf), ", %s", keys->name);
}

int source_check(struct source_reader *r, const struct source_key *keys)
{
    char allowed[512];
    list_keys(keys, allowed, sizeof allowed);
    for (int i = 0; i < config_setting_length(r->source); i++) {
        const config_setting_t *s = config_setting_get_elem(r->source, (unsigned)i);
        const char *name = config_setting_name(s);
        const struct source_key *key = name ? find_key(keys, name) : NULL;
        if (name && strcmp(name, "collector") == 0)
            continue;
        if (!key)
            source_error(r, name, "unknown key \"%s\" in %s source; allowed: %s", name ? name : "",
                         r->collector, allowed);
        else if (!type_matches(s, key->type))
            source_error(r, name, "%s must be %s in %s source", name, type_name(key->type),
                         r->collector);
    }
    for (; keys->name; keys++)
        if (keys->required && !config_setting_get_member(r->source, keys->name))
            source_error(r, NULL, "%s source needs %s = %s", r->collector, keys->name,
                         type_name(keys->type));
    return r->problems;
}

const char *source_string(const struct source_reader *r, const char *name)
{
    const config_setting_t *s = config_setting_get_member(r->source, name);
    return s && config_setting_type(s) == CONFIG_TYPE_STRING ? config_setting_get_string(s) : NULL;
}

long long source_int(const struct source_reader *r, const char *name, long long fallback)
{
    const config_setting_t *s = config_setting_get_member(r->source, name);
    int t = s ? config_setting_type(s) : CONFIG_TYPE_NONE;
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 ? config_setting_get_int64(s) : fallback;
}

long long source_int_in(struct source_reader *r, const char *name, long long min, long long max,
                        long long fallback)
{
    long long value = source_int(r, name, fallback);
    if (value >= min && value <= max)
        return value;
    source_error(r, name, "%s = %lld is out of range; write %lld to %lld", name, value, min, max);
    return fallback;
}

int64_t source_duration_ms(struct source_reader *r, const char *name, int64_t fallback)
{
    const char *text = source_string(r, name);
    if (!text)
        return fallback;
    int64_t ms = r->host->duration_ms(text);
    if (ms <= 0) {
        source_error(r, name, "%s \"%s\" is not a duration; write e.g. \"30s\" or \"2m\"", name, text);
        return fallback;
    }
    return ms;
}

char **source_strings(const struct source_reader *r, const char *name, size_t *count)
{
    const config_setting_t *s = config_setting_get_member(r->source, name);
    if (!s || config_setting_type(s) != CONFIG_TYPE_ARRAY)
        return NULL;
    size_t n = (size_t)config_setting_length(s);
    char **out = calloc(n + 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        const char *text = config_setting_get_string_elem(s, (int)i);
        if (!(out[i] = strdup(text ? text : ""))) {
            source_free_strings(out);
            return NULL;
        }
    }
    if (count)
        *count = n;
    return out;
}

void source_free_strings(char **strings)
{
    for (size_t i = 0; strings && strings[i]; i++)
        free(strings[i]);
    free(strings);
}

size_t source_url_place(const char *url, char *buf, size_t size)
{
    const char *from = url, *scheme = strstr(url, "://");
    size_t len;
    if (strncmp(url, "file:", 5) == 0) {
        const char *slash = strrchr(url, '/');
        from = slash ? slash + 1 : url + 5;
        len = strlen(from);
    } else if (scheme) {
        from = scheme + 3;
        len = strcspn(from, "/?#");
    } else {
        len = strlen(url);
    }
    int n = snprintf(buf, size, "%.*s", (int)len, from);
    return n < 0 ? 0 : (size_t)n;
}
