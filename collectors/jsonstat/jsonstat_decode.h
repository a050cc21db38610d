/*
 * jsonstat_decode.h — turns the bytes of a JSON-stat response into a table
 * of cells with their dimensions, or into one line saying what is wrong.
 * Shared by the collectors that read JSON-stat (jsonstat, statbank,
 * eurostat), which compile it in as the csv collector does csv_parse.c.
 *
 * Read: JSON-stat 2.0 datasets (Eurostat), 1.x bundles of named datasets,
 * among them Statistics Denmark's {"dataset": …}; category.index as an object
 * or an array or absent (one category); value as a dense array or a sparse
 * object keyed by the flat index; status as one string, an array or an
 * object; a dataset embedded in a 2.0 collection's link.item (the one named
 * by its href or label, or the only one). Refused with a message that says
 * what came instead: collections of links only,
 * Eurostat's and Statistics Denmark's error bodies, HTML pages, invalid JSON
 * or UTF-8, and documents whose parts do not fit together.
 *
 * Beyond the letter of the format, what the reference toolkit (JSONstat() of
 * jsonstat-toolkit) reads is read alike: sizes and index positions as
 * strings of digits or as whole reals (3.0); index arrays of numbers (their
 * decimal text is the code); categories given by category.label alone, in
 * its order; id, size and role inside "dimension" (1.x); no "value", null or
 * [] (every cell missing); status wrapped as {"value": …, "category": …}
 * (older Eurostat services), its entries symbols or positions in
 * category.index. Two things the toolkit does not do: without "size" the
 * sizes are the category counts, and a value written as a string holding a
 * decimal number ("12.5", "+1", ".5", spaces around allowed; as JavaScript's
 * Number() reads it, hexadecimal and Infinity aside) is that number (the
 * toolkit keeps the string; any other string is a missing value with the
 * string as its status). What stays ambiguous is refused, saying what and where: a
 * size that is not the category count, two categories at one position,
 * label-only categories whose order JavaScript would change (numeric keys
 * not first and ascending), "id" or "size" differing between the top and
 * "dimension", a dense value or status array of the wrong length, digits
 * with a comma ("1,5") as a value, a bundle of several datasets with none
 * named.
 *
 * The decoder is pure: no I/O, no global state, never a read past `len` (the
 * buffer need not be NUL-terminated). It checks the whole document in one
 * pass without building a tree, reads `value` and `status` straight into
 * arrays and hands only the small members (`dimension`, `id`, `size`, `role`)
 * to jansson, so a million cells cost about their own size in memory.
 * Numbers are exactly the doubles strtod gives in the C locale, which is the
 * locale pejld and pejlctl run in.
 */
#ifndef PEJL_JSONSTAT_DECODE_H
#define PEJL_JSONSTAT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most cells a dataset may have (the product of its sizes). */
#ifndef JSONSTAT_MAX_CELLS
#define JSONSTAT_MAX_CELLS 100000000u
#endif
/* Most dimensions a dataset may have. */
#define JSONSTAT_MAX_DIMS 64
/* Most distinct status strings in one dataset. */
#define JSONSTAT_MAX_STATUSES UINT16_MAX

struct jsonstat_category {
    char *code;
    char *label; /* NULL when the document gives none */
};

struct jsonstat_dimension {
    char *id;
    char *label; /* may be NULL */
    size_t size;
    struct jsonstat_category *categories; /* `size` of them, in index order */
    bool is_time, is_geo, is_metric;      /* from `role` */
};

struct jsonstat_dataset {
    char *label, *source, *updated; /* may be NULL */
    size_t n_dims;
    struct jsonstat_dimension *dims;
    size_t n_cells; /* the product of the sizes; 0 for an empty result */
    double *values; /* n_cells; NAN when missing (null, absent, a string) */
    /*
     * Status per cell, only if some cell has one: status_index[cell] picks
     * statuses[status_index[cell]], where statuses[0] is NULL (no status).
     * A value that is a string (":C", "..") is missing, with that string as
     * its status unless `status` gives the cell one. Otherwise NULL.
     */
    uint16_t *status_index;
    char **statuses;
    size_t n_statuses; /* entries in `statuses`, the NULL included */
};

/* Cells a collector's dataset may have unless its max_cells says otherwise:
 * 16 MB of values and a fifth of a second of the loop (10 million took 0.8 s
 * of CPU), hundreds of times what a filtered query returns. */
#define JSONSTAT_DEFAULT_CELLS 2000000u

/* What one decode may cost, refused before it is spent. */
struct jsonstat_limits {
    /* JSON elements of each member read as a tree (dimension, id, size, role):
     * a dimension of a million categories is refused here. */
    size_t max_elements;
    size_t max_cells; /* the product of the sizes, at most JSONSTAT_MAX_CELLS */
};

/*
 * Decodes `len` bytes at `buf` into `*out`, which is overwritten (not freed).
 * `dataset_name` picks a dataset of a 1.x bundle that holds more than one; it
 * is ignored for a document that is a dataset itself. Returns 0, or -1 with
 * `*out` empty and a one-line reason in `err`. jsonstat_decode allows
 * DECODE_BUDGET_ELEMENTS elements per member and JSONSTAT_MAX_CELLS cells.
 */
int jsonstat_decode(const char *buf, size_t len, const char *dataset_name,
                    struct jsonstat_dataset *out, char *err, size_t errlen);
int jsonstat_decode_within(const char *buf, size_t len, const char *dataset_name,
                           const struct jsonstat_limits *limits, struct jsonstat_dataset *out,
                           char *err, size_t errlen);

void jsonstat_free(struct jsonstat_dataset *ds);

/* The status of a cell, or NULL. */
const char *jsonstat_status(const struct jsonstat_dataset *ds, size_t cell);

/* Row-major, last dimension fastest; positions[i] < dims[i].size. */
size_t jsonstat_flat_index(const struct jsonstat_dataset *ds, const size_t *positions);

/* Index of the dimension or category, or -1. */
int jsonstat_find_dimension(const struct jsonstat_dataset *ds, const char *id);
int jsonstat_find_category(const struct jsonstat_dimension *dim, const char *code);

/* `explicit_id` if given (-1 if there is no such dimension); else the first
 * dimension with role time; else one named time, tid, year or time_period in
 * any case; else -1. */
int jsonstat_time_dimension(const struct jsonstat_dataset *ds, const char *explicit_id);

/* --- selecting series (jsonstat_select.c) --- */

/* One dimension fixed to one of its categories. */
struct jsonstat_pick {
    const char *dimension;
    const char *code;
};

/*
 * What to take out of a dataset: every dimension but the time dimension and
 * the free one must be picked, unless it has a single category. With a free
 * dimension (a panel, e.g. geo) there is a series per category of it.
 */
struct jsonstat_query {
    const char *time_dimension; /* NULL: jsonstat_time_dimension(ds, NULL) */
    const char *free_dimension; /* NULL: one series */
    const struct jsonstat_pick *picks;
    size_t n_picks;
};

/* One cell of a series. Strings point into the dataset. */
struct jsonstat_cell {
    const char *period; /* the time category's code, e.g. "2023M01" */
    double value;       /* NAN when missing */
    const char *status; /* NULL when none */
};

struct jsonstat_series {
    const struct jsonstat_category *category; /* of the free dimension; NULL without one */
    size_t n;                                 /* cells: one per time category */
    struct jsonstat_cell *cells;              /* in the time dimension's index order */
};

/* The series a query selects. Valid as long as the dataset it came from. */
struct jsonstat_panel {
    int time_dimension;
    int free_dimension; /* -1 without one */
    size_t n_series;    /* the free dimension's size, or 1 */
    struct jsonstat_series *series;
};

/*
 * Selects `query` from `ds` into `*out`, which is overwritten. Returns 0, or
 * -1 with `*out` empty and a one-line reason in `err` that lists what could
 * have been chosen: the dimension ids or the first codes of a dimension.
 */
int jsonstat_select(const struct jsonstat_dataset *ds, const struct jsonstat_query *query,
                    struct jsonstat_panel *out, char *err, size_t errlen);

void jsonstat_panel_free(struct jsonstat_panel *panel);

#endif
