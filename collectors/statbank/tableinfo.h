/*
 * tableinfo.h — Statistics Denmark's table metadata (GET /v1/tableinfo?id=
 * TABLE&format=JSON): the table's variables, whether each may be left out
 * of a request (`elimination`), which one is time, and every value code.
 *
 * Pure: bytes in, a small tree of copies out. What a document may cost is
 * bounded before jansson builds anything (decode_budget), so a huge or
 * deeply nested body is refused in one linear pass. Compiled into the
 * statbank module and its fuzzer.
 */
#ifndef PEJL_TABLEINFO_H
#define PEJL_TABLEINFO_H

#include <stdbool.h>
#include <stddef.h>

struct tableinfo_variable {
    char *id;         /* "SITC", "Tid", "OMRÅDE" */
    bool elimination; /* may be left out (the API sums over it) */
    bool time;        /* the time variable */
    char **values;    /* value codes, in the table's order */
    size_t n_values;
};

struct tableinfo {
    char *id; /* the table, "SITC2R4" */
    struct tableinfo_variable *variables;
    size_t n_variables;
};

/* Parses `len` bytes of a tableinfo response. 0, or -1 with a one-line
 * reason in `err` (not JSON, the API's error body, a wrong shape, over
 * `max_elements` JSON elements). */
int tableinfo_parse(const char *body, size_t len, size_t max_elements, struct tableinfo *out,
                    char *err, size_t errlen);
void tableinfo_free(struct tableinfo *info);

/* The variable called `id` (case-insensitive in ASCII letters, as the API
 * reads codes), or NULL. */
const struct tableinfo_variable *tableinfo_find(const struct tableinfo *info, const char *id);

#endif
