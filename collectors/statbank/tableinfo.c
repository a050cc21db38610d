/*
 * tableinfo.c — reading a tableinfo document (see tableinfo.h).
 */
#include "tableinfo.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../common/decode_budget.h"

void tableinfo_free(struct tableinfo *info)
{
    for (size_t i = 0; i < info->n_variables; i++) {
        struct tableinfo_variable *v = &info->variables[i];
        for (size_t k = 0; k < v->n_values; k++)
            free(v->values[k]);
        free(v->values);
        free(v->id);
    }
    free(info->variables);
    free(info->id);
    *info = (struct tableinfo){0};
}

static int read_values(json_t *values, struct tableinfo_variable *v, char *err, size_t errlen)
{
    if (!json_is_array(values)) {
        snprintf(err, errlen, "variable %.40s has no \"values\" list", v->id);
        return -1;
    }
    v->values = calloc(json_array_size(values) + 1, sizeof *v->values);
    if (!v->values) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < json_array_size(values); k++) {
        const char *id = json_string_value(json_object_get(json_array_get(values, k), "id"));
        if (!id) {
            snprintf(err, errlen, "value %zu of variable %.40s has no string \"id\"", k + 1, v->id);
            return -1;
        }
        if (!(v->values[v->n_values] = strdup(id))) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        v->n_values++;
    }
    return 0;
}

static int read_variable(json_t *var, struct tableinfo_variable *v, char *err, size_t errlen)
{
    const char *id = json_string_value(json_object_get(var, "id"));
    json_t *elimination = json_object_get(var, "elimination");
    if (!id) {
        snprintf(err, errlen, "a variable without a string \"id\"");
        return -1;
    }
    if (!(v->id = strdup(id))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (elimination && !json_is_boolean(elimination)) {
        snprintf(err, errlen, "variable %.40s: \"elimination\" is not true or false", id);
        return -1;
    }
    v->elimination = json_is_true(elimination);
    v->time = json_is_true(json_object_get(var, "time"));
    return read_values(json_object_get(var, "values"), v, err, errlen);
}

static int read_table(json_t *root, struct tableinfo *out, char *err, size_t errlen)
{
    const char *type = json_string_value(json_object_get(root, "errorTypeCode"));
    const char *message = json_string_value(json_object_get(root, "message"));
    json_t *variables = json_object_get(root, "variables");
    if (type) {
        snprintf(err, errlen, "the API answered %.60s: %.200s", type, message ? message : "");
        return -1;
    }
    if (!json_is_object(root) || !json_is_array(variables)) {
        snprintf(err, errlen, "not a tableinfo document (an object with a \"variables\" list)");
        return -1;
    }
    const char *id = json_string_value(json_object_get(root, "id"));
    out->id = strdup(id ? id : "");
    out->variables = calloc(json_array_size(variables) + 1, sizeof *out->variables);
    if (!out->id || !out->variables) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < json_array_size(variables); i++) {
        out->n_variables++;
        if (read_variable(json_array_get(variables, i), &out->variables[i], err, errlen) < 0)
            return -1;
    }
    return 0;
}

int tableinfo_parse(const char *body, size_t len, size_t max_elements, struct tableinfo *out,
                    char *err, size_t errlen)
{
    struct decode_budget budget = {.max_elements = max_elements, .max_depth = DECODE_BUDGET_DEPTH};
    json_error_t jerr;
    *out = (struct tableinfo){0};
    if (decode_budget_check(body, len, &budget, "max_elements in the source", err, errlen) < 0)
        return -1;
    json_t *root = json_loadb(body, len, 0, &jerr);
    if (!root) {
        snprintf(err, errlen, "not JSON (%s at byte %d)%s", jerr.text, jerr.position,
                 len && body[0] == '<' ? ": an HTML page" : "");
        return -1;
    }
    int rc = read_table(root, out, err, errlen);
    json_decref(root);
    if (rc < 0)
        tableinfo_free(out);
    for (char *c = err; rc < 0 && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return rc;
}

const struct tableinfo_variable *tableinfo_find(const struct tableinfo *info, const char *id)
{
    for (size_t i = 0; i < info->n_variables; i++)
        if (strcmp(info->variables[i].id, id) == 0)
            return &info->variables[i];
    for (size_t i = 0; i < info->n_variables; i++)
        if (strcasecmp(info->variables[i].id, id) == 0)
            return &info->variables[i];
    return NULL;
}
