/*
 * graph_plan.h — what an indicator's graph shows, worked out from the
 * config, the stored series and the evaluation (assess.h) — the same
 * figures the status table and the alerts use: the observed series, the
 * target paths and the projection as curves over time, the baseline, the
 * target and the range thresholds as markers, the status and the source.
 *
 * Every label is built to its full length. What does not fit on a graph
 * (more series, curves or markers than graph.h holds) is said on the graph
 * itself, in its message line, and logged: never left out without a word.
 *
 * Drawing (librrd) happens in graph_indicator(), which pejld calls only in
 * its graph child process or in a command that runs alone (--report).
 *
 * Of the config it sees only struct graph_settings.
 */
#ifndef PEJL_GRAPH_PLAN_H
#define PEJL_GRAPH_PLAN_H

#include <stdint.h>

#include "graph.h"
#include "indicator.h"
#include "store.h"
#include "words.h"

struct name_index;

/* What graphs need of the config: the indicators they draw, the language
 * of their labels and where the grapher puts its PNGs. The pointers are
 * the config's: valid while it is. */
struct graph_settings {
    const struct indicator *indicators;
    size_t n_indicators;
    enum language language;
    const char *graph_dir;
    const struct name_index *by_id; /* the indicators by id; NULL: searched one by one */
    /* graph = { width = …; scale = …; }: the plot area's width at scale 1
     * (0: graph.h's default) and the zoom (0: 1) */
    int width;
    double scale;
    const struct time_event *events; /* on every graph's time axis */
    size_t n_events;
};

/* What `id`'s graph shows, evaluated at `now`. NULL with `err` "out of
 * memory", or with `err` "" when nothing is stored yet (no graph). */
struct graph_plan *graph_plan_new(const struct graph_settings *settings, struct store *store,
                                  const char *id, int64_t now, char *err, size_t errlen);
/* Adds the indicator's own series as known at `then` (read from
 * `then_store`), drawn thin and dashed behind today's (--compare-to).
 * Nothing for a panel kept only as members. -1 without memory. */
int graph_plan_earlier(struct graph_plan *plan, const struct store *then_store, int64_t then);
const struct graph_spec *graph_plan_spec(const struct graph_plan *plan);
void graph_plan_free(struct graph_plan *plan);

/* Draws the graph `plan` describes into `image_path` ("PNG", "SVG" or
 * "PDF"); `id` names it in the log. 0 when drawn. */
int graph_plan_draw(struct graph_plan *plan, const char *id, const char *image_path,
                    const char *format);
/* Draws `id`'s graph into `image_path` ("PNG", "SVG" or "PDF"), evaluated
 * at `now`. 0 when drawn or when there is nothing stored to draw. */
int graph_indicator(const struct graph_settings *settings, struct store *store, const char *id,
                    int64_t now, const char *image_path, const char *format);

#endif
