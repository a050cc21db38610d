/*
 * source_config.h — reading a collector's `source { … }` block: the checks
 * every collector makes (only known keys, each of the right type, required
 * ones present) with messages in one style. Compiled into each module that
 * uses it; it reports through the host table and keeps no state.
 */
#ifndef PEJL_SOURCE_CONFIG_H
#define PEJL_SOURCE_CONFIG_H

#include <stdbool.h>

#include "../collector.h"

enum source_key_type {
    KEY_STRING,
    KEY_INT,
    KEY_STRING_ARRAY,
    KEY_GROUP,
    KEY_LIST,
    KEY_DURATION,
    KEY_PICKS /* a group { geo = "DK"; } or a list ( [ "KØN", "TOT" ], … ) */
};

struct source_key {
    const char *name;
    enum source_key_type type;
    bool required;
};

struct source_reader {
    const struct pejl_host *host;
    const config_setting_t *source;
    struct pejl_diag *diag;
    const char *collector; /* for messages: "… in eurostat source" */
    int problems;
};

/* Checks every key against `keys` (a list ending with {NULL}); `collector`
 * itself is always allowed. Returns the number of problems reported. */
int source_check(struct source_reader *r, const struct source_key *keys);

/* Accessors for keys that source_check accepted; absent → fallback/NULL. */
const char *source_string(const struct source_reader *r, const char *name);
long long source_int(const struct source_reader *r, const char *name, long long fallback);
int64_t source_duration_ms(struct source_reader *r, const char *name, int64_t fallback);
/* An integer key that must lie in min..max (a limit); reported when not. */
long long source_int_in(struct source_reader *r, const char *name, long long min, long long max,
                        long long fallback);
/* A NULL-terminated copy of a string array; NULL when absent. Free with
 * source_free_strings. */
char **source_strings(const struct source_reader *r, const char *name, size_t *count);
void source_free_strings(char **strings);
void source_error(struct source_reader *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As source_error, at the line of `where` (an element of a list). */
void source_error_at(struct source_reader *r, const config_setting_t *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Where a URL points, for a source's name: the host of an http(s) URL, the
 * file name of a file: URL (a template's {slots} kept), the URL otherwise.
 * As snprintf: returns the length needed. */
size_t source_url_place(const char *url, char *buf, size_t size);

/* Makes a message that quotes an API's own text one line: control bytes
 * (a newline would forge a line of pejld's log) become spaces. */
void source_one_line(char *message);

#endif
