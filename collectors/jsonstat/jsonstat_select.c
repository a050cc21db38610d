/*
 * jsonstat_select.c — takes series out of a decoded dataset (see
 * jsonstat_decode.h): every dimension is fixed to one category except the
 * time dimension and at most one free dimension, whose categories each get
 * a series.
 *
 * A mistake in a query is a mistake in somebody's configuration, so each
 * message lists what would have been right: the dimension ids, or the first
 * CODES_SHOWN codes of the dimension concerned.
 */
#include "jsonstat_decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODES_SHOWN 20
#define SHOWN_CUT 40

/* A message built piece by piece; cut (never overflowed) at its size. */
struct message {
    char *buf;
    size_t size, len;
};

static void add(struct message *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct message *m, const char *fmt, ...)
{
    if (m->len + 1 >= m->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(m->buf + m->len, m->size - m->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        m->len = m->len + (size_t)n < m->size ? m->len + (size_t)n : m->size - 1;
}

/* Adds a name from a document: control bytes replaced, long names cut. */
static void add_name(struct message *m, const char *name)
{
    size_t n = strlen(name), cut = n > SHOWN_CUT ? SHOWN_CUT : n;
    while (cut > 0 && cut < n && ((unsigned char)name[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)name[i];
        add(m, "%c", c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
    if (cut < n)
        add(m, "...");
}

static void add_quoted(struct message *m, const char *name)
{
    add(m, "\"");
    add_name(m, name);
    add(m, "\"");
}

static void add_dimension_ids(struct message *m, const struct jsonstat_dataset *ds)
{
    add(m, "the dimensions are ");
    for (size_t i = 0; i < ds->n_dims; i++) {
        add(m, "%s", i ? ", " : "");
        add_name(m, ds->dims[i].id);
    }
}

static void add_codes(struct message *m, const struct jsonstat_dimension *dim)
{
    if (dim->size == 0) {
        add(m, "it has no categories");
        return;
    }
    for (size_t i = 0; i < dim->size && i < CODES_SHOWN; i++) {
        add(m, "%s", i ? ", " : "");
        add_name(m, dim->categories[i].code);
    }
    if (dim->size > CODES_SHOWN)
        add(m, ", … (%zu in all)", dim->size);
}

/* The dimension `id`, or -1 after saying it is unknown (`role` says what for). */
static int find_dimension(const struct jsonstat_dataset *ds, const char *id, const char *role,
                          struct message *m)
{
    int at = jsonstat_find_dimension(ds, id);
    if (at >= 0)
        return at;
    add(m, "no dimension ");
    add_quoted(m, id);
    add(m, "%s; ", role);
    add_dimension_ids(m, ds);
    return -1;
}

static int find_time(const struct jsonstat_dataset *ds, const char *id, struct message *m)
{
    if (id)
        return find_dimension(ds, id, " for time", m);
    int at = jsonstat_time_dimension(ds, NULL);
    if (at >= 0)
        return at;
    add(m, "no time dimension (none has role time or is called time, Tid, year or "
           "TIME_PERIOD); name it: ");
    add_dimension_ids(m, ds);
    return -1;
}

/* Fixes one dimension to the picked category; -1 after saying why not. */
static int apply_pick(const struct jsonstat_dataset *ds, const struct jsonstat_pick *pick,
                      const struct jsonstat_panel *panel, size_t *positions, bool *picked,
                      struct message *m)
{
    int at = find_dimension(ds, pick->dimension, "", m);
    if (at < 0)
        return -1;
    const struct jsonstat_dimension *dim = &ds->dims[at];
    if (at == panel->time_dimension || at == panel->free_dimension) {
        add_quoted(m, dim->id);
        add(m, " is the %s dimension; it cannot be fixed to one code",
            at == panel->time_dimension ? "time" : "free");
        return -1;
    }
    if (picked[at]) {
        add(m, "dimension ");
        add_quoted(m, dim->id);
        add(m, " is selected twice");
        return -1;
    }
    int position = jsonstat_find_category(dim, pick->code);
    if (position < 0) {
        add(m, "no code ");
        add_quoted(m, pick->code);
        add(m, " in dimension ");
        add_quoted(m, dim->id);
        add(m, "; its codes are ");
        add_codes(m, dim);
        return -1;
    }
    picked[at] = true;
    positions[at] = (size_t)position;
    return 0;
}

/* Every other dimension must have one category or be picked. */
static int check_unpicked(const struct jsonstat_dataset *ds, const struct jsonstat_panel *panel,
                          const bool *picked, struct message *m)
{
    for (size_t i = 0; i < ds->n_dims; i++) {
        const struct jsonstat_dimension *dim = &ds->dims[i];
        if (picked[i] || (int)i == panel->time_dimension || (int)i == panel->free_dimension ||
            dim->size <= 1)
            continue;
        add(m, "dimension ");
        add_quoted(m, dim->id);
        add(m, " has %zu categories; select one of ", dim->size);
        add_codes(m, dim);
        return -1;
    }
    return 0;
}

static int resolve(const struct jsonstat_dataset *ds, const struct jsonstat_query *query,
                   struct jsonstat_panel *panel, size_t *positions, bool *picked, struct message *m)
{
    panel->free_dimension = -1;
    if ((panel->time_dimension = find_time(ds, query->time_dimension, m)) < 0)
        return -1;
    if (query->free_dimension) {
        panel->free_dimension = find_dimension(ds, query->free_dimension, " to vary", m);
        if (panel->free_dimension < 0)
            return -1;
        if (panel->free_dimension == panel->time_dimension) {
            add_quoted(m, query->free_dimension);
            add(m, " is the time dimension; it cannot also be the free one");
            return -1;
        }
    }
    for (size_t i = 0; i < query->n_picks; i++)
        if (apply_pick(ds, &query->picks[i], panel, positions, picked, m) < 0)
            return -1;
    return check_unpicked(ds, panel, picked, m);
}

/* True if some fixed dimension has no categories: then there are no cells. */
static bool has_empty_dimension(const struct jsonstat_dataset *ds,
                                const struct jsonstat_panel *panel)
{
    for (size_t i = 0; i < ds->n_dims; i++)
        if ((int)i != panel->time_dimension && (int)i != panel->free_dimension &&
            ds->dims[i].size == 0)
            return true;
    return false;
}

static void fill_series(const struct jsonstat_dataset *ds, const struct jsonstat_panel *panel,
                        size_t *positions, struct jsonstat_series *series)
{
    const struct jsonstat_dimension *time = &ds->dims[panel->time_dimension];
    for (size_t t = 0; t < series->n; t++) {
        positions[panel->time_dimension] = t;
        size_t cell = jsonstat_flat_index(ds, positions);
        series->cells[t] = (struct jsonstat_cell){.period = time->categories[t].code,
                                                  .value = ds->values[cell],
                                                  .status = jsonstat_status(ds, cell)};
    }
}

static int build(const struct jsonstat_dataset *ds, struct jsonstat_panel *panel, size_t *positions)
{
    const struct jsonstat_dimension *free_dim =
        panel->free_dimension >= 0 ? &ds->dims[panel->free_dimension] : NULL;
    size_t per_series = has_empty_dimension(ds, panel) ? 0 : ds->dims[panel->time_dimension].size;
    panel->n_series = free_dim ? free_dim->size : 1;
    panel->series = calloc(panel->n_series ? panel->n_series : 1, sizeof *panel->series);
    size_t n_cells = panel->n_series * per_series; /* at most the dataset's cells */
    struct jsonstat_cell *cells = calloc(n_cells ? n_cells : 1, sizeof *cells);
    if (!panel->series || !cells) {
        free(cells);
        return -1;
    }
    panel->series[0].cells = cells; /* owns the block, even without series */
    for (size_t s = 0; s < panel->n_series; s++) {
        struct jsonstat_series *series = &panel->series[s];
        series->category = free_dim ? &free_dim->categories[s] : NULL;
        series->n = per_series;
        series->cells = cells + s * per_series;
        if (free_dim)
            positions[panel->free_dimension] = s;
        fill_series(ds, panel, positions, series);
    }
    return 0;
}

int jsonstat_select(const struct jsonstat_dataset *ds, const struct jsonstat_query *query,
                    struct jsonstat_panel *out, char *err, size_t errlen)
{
    char fallback[1];
    struct message m = {errlen ? err : fallback, errlen ? errlen : sizeof fallback, 0};
    size_t *positions = calloc(ds->n_dims ? ds->n_dims : 1, sizeof *positions);
    bool *picked = calloc(ds->n_dims ? ds->n_dims : 1, sizeof *picked);
    *out = (struct jsonstat_panel){.time_dimension = -1, .free_dimension = -1};
    m.buf[0] = '\0';
    int rc = -1;
    if (!positions || !picked)
        add(&m, "out of memory");
    else if (resolve(ds, query, out, positions, picked, &m) == 0 &&
             (rc = build(ds, out, positions)) < 0)
        add(&m, "out of memory");
    free(positions);
    free(picked);
    if (rc < 0)
        jsonstat_panel_free(out);
    return rc;
}

void jsonstat_panel_free(struct jsonstat_panel *panel)
{
    if (panel->series)
        free(panel->series[0].cells);
    free(panel->series);
    *panel = (struct jsonstat_panel){.time_dimension = -1, .free_dimension = -1};
}
