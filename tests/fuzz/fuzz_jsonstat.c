/*
 * fuzz_jsonstat.c — jsonstat_decode on arbitrary bytes, then, on whatever
 * decodes, the lookups and jsonstat_select with every dimension in turn as
 * the free one. Besides the sanitizers' checks it aborts when an answer
 * breaks a promise of jsonstat_decode.h: a failure leaves the dataset empty
 * with a one-line reason; the sizes make n_cells; codes are unique; every
 * status index points at a status; a selected cell is the dataset's cell.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/jsonstat/jsonstat_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

static void check_dimensions(const struct jsonstat_dataset *ds)
{
    size_t cells = 1;
    for (size_t i = 0; i < ds->n_dims; i++) {
        const struct jsonstat_dimension *dim = &ds->dims[i];
        CHECK(dim->id && jsonstat_find_dimension(ds, dim->id) == (int)i);
        for (size_t j = 0; j < dim->size; j++)
            CHECK(dim->categories[j].code &&
                  jsonstat_find_category(dim, dim->categories[j].code) == (int)j);
        cells *= dim->size;
    }
    CHECK(cells == ds->n_cells);
}

static void check_cells(const struct jsonstat_dataset *ds)
{
    size_t last[JSONSTAT_MAX_DIMS];
    if (ds->n_statuses)
        CHECK(ds->statuses[0] == NULL);
    for (size_t i = 0; i < ds->n_cells; i++) {
        CHECK(!isinf(ds->values[i]));
        if (ds->status_index)
            CHECK(ds->status_index[i] < ds->n_statuses);
        const char *status = jsonstat_status(ds, i);
        CHECK(!status || status[0]);
    }
    if (ds->n_cells == 0)
        return;
    for (size_t i = 0; i < ds->n_dims; i++)
        last[i] = ds->dims[i].size - 1;
    CHECK(jsonstat_flat_index(ds, last) == ds->n_cells - 1);
}

static bool same(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* Picks the first code of every dimension but the time and the free one. */
static void select_with_free(const struct jsonstat_dataset *ds, int time, int free_dim)
{
    struct jsonstat_pick picks[JSONSTAT_MAX_DIMS];
    size_t n = 0, positions[JSONSTAT_MAX_DIMS] = {0};
    for (size_t i = 0; i < ds->n_dims; i++)
        if ((int)i != time && (int)i != free_dim && ds->dims[i].size > 0)
            picks[n++] = (struct jsonstat_pick){ds->dims[i].id, ds->dims[i].categories[0].code};
    struct jsonstat_query query = {.time_dimension = ds->dims[time].id,
                                   .free_dimension = free_dim >= 0 ? ds->dims[free_dim].id : NULL,
                                   .picks = picks,
                                   .n_picks = n};
    struct jsonstat_panel panel;
    char err[256];
    CHECK(jsonstat_select(ds, &query, &panel, err, sizeof err) == 0);
    for (size_t s = 0; s < panel.n_series; s++) {
        const struct jsonstat_series *series = &panel.series[s];
        if (free_dim >= 0)
            positions[free_dim] = s;
        for (size_t t = 0; t < series->n; t++) {
            positions[time] = t;
            size_t cell = jsonstat_flat_index(ds, positions);
            CHECK(same(series->cells[t].value, ds->values[cell]));
            CHECK(series->cells[t].status == jsonstat_status(ds, cell));
            CHECK(series->cells[t].period == ds->dims[time].categories[t].code);
        }
    }
    jsonstat_panel_free(&panel);
}

static void check_select(const struct jsonstat_dataset *ds)
{
    int time = jsonstat_time_dimension(ds, NULL);
    struct jsonstat_panel panel;
    char err[256];
    if (time < 0) {
        CHECK(jsonstat_select(ds, &(struct jsonstat_query){0}, &panel, err, sizeof err) < 0);
        CHECK(err[0] && !strchr(err, '\n') && !panel.series);
        time = 0; /* name one, as a configuration would */
    }
    select_with_free(ds, time, -1);
    for (size_t i = 0; i < ds->n_dims && i < 8; i++)
        if ((int)i != time)
            select_with_free(ds, time, (int)i);
    /* Errors: an unknown dimension and an unknown code. */
    struct jsonstat_pick bad = {"\x01no such dimension", "x"};
    CHECK(jsonstat_select(ds,
                          &(struct jsonstat_query){
                              .time_dimension = ds->dims[time].id, .picks = &bad, .n_picks = 1},
                          &panel, err, sizeof err) < 0);
    CHECK(err[0] && !strchr(err, '\n'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonstat_dataset ds;
    char err[512];
    /* The last byte picks a dataset name for bundles, so both paths run. */
    const char *name = size && data[size - 1] == '\n' ? "dataset" : NULL;
    if (jsonstat_decode((const char *)data, size, name, &ds, err, sizeof err) < 0) {
        CHECK(err[0] && !strchr(err, '\n') && !strchr(err, '\r'));
        CHECK(!ds.dims && !ds.values && !ds.status_index && !ds.statuses && ds.n_cells == 0);
        return 0;
    }
    CHECK(err[0] == '\0');
    check_dimensions(&ds);
    check_cells(&ds);
    check_select(&ds);
    jsonstat_free(&ds);
    return 0;
}
