/*
 * jsonstat_source.c — from a JSON-stat response to observations (see
 * jsonstat_source.h).
 */
#include "jsonstat_source.h"

#include "decode_budget.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jsonstat_choice_pick(struct jsonstat_choice *c, const char *dimension, const char *code)
{
    struct jsonstat_pick *grown = realloc(c->picks, (c->n_picks + 1) * sizeof *grown);
    if (!grown)
        return -1;
    c->picks = grown;
    grown[c->n_picks].dimension = strdup(dimension);
    grown[c->n_picks].code = strdup(code);
    c->n_picks++;
    return grown[c->n_picks - 1].dimension && grown[c->n_picks - 1].code ? 0 : -1;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Whether `text` is 1..max bytes of UTF-8 without control characters (C0,
 * DEL, C1): a dimension id or category code a JSON-stat document can hold. */
static bool utf8_text_ok(const char *text, size_t max)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strlen(text);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n;) {
        unsigned cp = s[i];
        size_t len = cp < 0x80                  ? 1
                     : cp >= 0xc2 && cp <= 0xdf ? 2
                     : cp >= 0xe0 && cp <= 0xef ? 3
                     : cp >= 0xf0 && cp <= 0xf4 ? 4
                                                : 0;
        if (len == 0 || i + len > n)
            return false;
        cp = len == 1 ? cp : cp & (0xff >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3fu);
        }
        static const unsigned shortest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < shortest[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0x20 ||
            (cp >= 0x7f && cp <= 0x9f))
            return false;
        i += len;
    }
    return true;
}

/* select = { geo = "DK"; … }: ids are libconfig names, so ASCII only. */
static void read_select_group(struct source_reader *r, const config_setting_t *select,
                              struct jsonstat_choice *c)
{
    for (int i = 0; i < config_setting_length(select); i++) {
        const config_setting_t *s = config_setting_get_elem(select, (unsigned)i);
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
            source_error(r, "select", "select: %s must be one category code (a string)",
                         config_setting_name(s));
        else if (jsonstat_choice_pick(c, config_setting_name(s), config_setting_get_string(s)) < 0)
            source_error(r, NULL, "out of memory");
    }
}

#define SELECT_LIST_FORM "[ \"KØN\", \"TOT\" ] (a dimension id and one category code)"

/* One [ "KØN", "TOT" ] of the list form; 0 or -1 (reported). */
static int read_select_pair(struct source_reader *r, const config_setting_t *pair, int n,
                            const struct jsonstat_choice *c)
{
    const char *id = config_setting_get_string_elem(pair, 0);
    const char *code = config_setting_get_string_elem(pair, 1);
    if (config_setting_type(pair) != CONFIG_TYPE_ARRAY || config_setting_length(pair) != 2 || !id ||
        !code) {
        source_error_at(r, pair, "select: element %d must be " SELECT_LIST_FORM, n);
        return -1;
    }
    if (!utf8_text_ok(id, JSONSTAT_DIMENSION_ID_MAX)) {
        source_error_at(r, pair,
                        "select: element %d: dimension id \"%s\" must be 1 to %d bytes of UTF-8 "
                        "without control characters",
                        n, id, JSONSTAT_DIMENSION_ID_MAX);
        return -1;
    }
    if (!utf8_text_ok(code, JSONSTAT_DIMENSION_ID_MAX)) {
        source_error_at(r, pair,
                        "select: element %d: category code \"%s\" of %s must be 1 to %d bytes of "
                        "UTF-8 without control characters",
                        n, code, id, JSONSTAT_DIMENSION_ID_MAX);
        return -1;
    }
    for (size_t k = 0; k < c->n_picks; k++)
        if (strcmp(c->picks[k].dimension, id) == 0) {
            source_error_at(r, pair,
                            "select: element %d selects dimension \"%s\" again; pick "
                            "one category code per dimension",
                            n, id);
            return -1;
        }
    return 0;
}

/* select = ( [ "KØN", "TOT" ], [ "OVERTRÆD", "TOT" ] ): ids in any UTF-8. */
static void read_select_list(struct source_reader *r, const config_setting_t *select,
                             struct jsonstat_choice *c)
{
    for (int i = 0; i < config_setting_length(select); i++) {
        const config_setting_t *pair = config_setting_get_elem(select, (unsigned)i);
        if (read_select_pair(r, pair, i + 1, c) == 0 &&
            jsonstat_choice_pick(c, config_setting_get_string_elem(pair, 0),
                                 config_setting_get_string_elem(pair, 1)) < 0)
            source_error(r, NULL, "out of memory");
    }
}

int jsonstat_choice_read(struct source_reader *r, struct jsonstat_choice *c)
{
    *c = (struct jsonstat_choice){0};
    const config_setting_t *select = config_setting_get_member(r->source, "select");
    if (select && config_setting_type(select) == CONFIG_TYPE_LIST)
        read_select_list(r, select, c);
    else if (select)
        read_select_group(r, select, c);
    c->time = dup_or_null(source_string(r, "time"));
    c->panel = dup_or_null(source_string(r, "panel"));
    c->dataset = dup_or_null(source_string(r, "dataset"));
    c->limits.max_elements = (size_t)source_int_in(
        r, "max_elements", 1000, DECODE_BUDGET_ELEMENTS_MAX, DECODE_BUDGET_ELEMENTS);
    c->limits.max_cells =
        (size_t)source_int_in(r, "max_cells", 1, JSONSTAT_MAX_CELLS, JSONSTAT_DEFAULT_CELLS);
    return r->problems;
}

void jsonstat_choice_free(struct jsonstat_choice *c)
{
    for (size_t i = 0; i < c->n_picks; i++) {
        free((char *)c->picks[i].dimension);
        free((char *)c->picks[i].code);
    }
    free(c->picks);
    free(c->time);
    free(c->panel);
    free(c->dataset);
    *c = (struct jsonstat_choice){0};
}

/* Keeps the letters pejl knows (p e b d u c, in either case) of a status
 * like "p", "ep" or Eurostat's ":C" (confidential). */
static uint32_t status_bits(const struct pejl_host *host, const char *status)
{
    uint32_t bits = 0, one;
    for (const char *c = status; c && *c; c++) {
        char lower = (char)tolower((unsigned char)*c);
        if (lower != '-' && host->status_parse(&lower, 1, &one) == 0)
            bits |= one;
    }
    return bits;
}

static int emit_series(const struct pejl_host *host, const struct jsonstat_series *series,
                       const struct pejl_sink *sink, char *err, size_t errlen)
{
    const char *member = series->category ? series->category->code : NULL;
    if (member && strlen(member) > PEJL_MEMBER_MAX) {
        snprintf(err, errlen, "panel member \"%s\" is longer than %d bytes", member,
                 PEJL_MEMBER_MAX);
        return -1;
    }
    for (size_t i = 0; i < series->n; i++) {
        const struct jsonstat_cell *cell = &series->cells[i];
        struct pejl_observation obs = {.value = cell->value,
                                       .status = status_bits(host, cell->status),
                                       .member = member};
        if (host->period_parse(cell->period, strlen(cell->period), &obs.period) < 0) {
            snprintf(err, errlen,
                     "time category \"%s\" is not a period (pejl reads 2023, 2023Q1, 2023K1, "
                     "2023M01, 2023-01, 2023U05, 2023-01-31)",
                     cell->period);
            return -1;
        }
        if (sink->emit(sink, &obs) < 0) {
            if (member)
                snprintf(err, errlen,
                         "observation %s of panel member \"%s\" not accepted (a member is a "
                         "code of 1..%d bytes without whitespace or control characters)",
                         cell->period, member, PEJL_MEMBER_MAX);
            else
                snprintf(err, errlen, "observation %s not accepted", cell->period);
            source_one_line(err); /* the member is the source's text */
            return -1;
        }
    }
    return 0;
}

int jsonstat_emit(const struct pejl_host *host, const struct jsonstat_choice *choice,
                  const struct pejl_response *response, const struct pejl_sink *sink,
                  const char *what, char *err, size_t errlen)
{
    struct jsonstat_dataset ds;
    struct jsonstat_panel panel;
    char why[768];
    if (jsonstat_decode_within(response->body, response->len, choice->dataset, &choice->limits, &ds,
                               why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s%s", what, why,
                 response->status >= 300 ? " (an error response)" : "");
        return -1;
    }
    struct jsonstat_query query = {.time_dimension = choice->time, .free_dimension = choice->panel,
                                   .picks = choice->picks, .n_picks = choice->n_picks};
    if (jsonstat_select(&ds, &query, &panel, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", what, why);
        jsonstat_free(&ds);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < panel.n_series; i++)
        rc = emit_series(host, &panel.series[i], sink, err, errlen);
    jsonstat_panel_free(&panel);
    jsonstat_free(&ds);
    return rc;
}
