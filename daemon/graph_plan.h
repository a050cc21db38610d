/*
 * graph_plan.h — what an indicator's graph shows, worked out from the
 * config, the stored series and the evaluation (assess.h) — the same
 * figures the status table and the alerts use: the observed series, the
 * target paths and the projection as curves over time, the baseline, the
 * target and the range thresholds as markers, the status and the source.
 *
 * Drawing (librrd) happens in graph_indicator(), which pejld calls only in
 * its graph child process or in a command that runs alone (--report).
 */
#ifndef PEJL_GRAPH_PLAN_H
#define PEJL_GRAPH_PLAN_H

#include <stdint.h>

#include "config.h"
#include "store.h"

/* Draws `id`'s graph into `image_path` ("PNG", "SVG" or "PDF"), evaluated
 * at `now`. 0 when drawn or when there is nothing stored to draw. */
int graph_indicator(const struct config *config, struct store *store, const char *id,
                    int64_t now, const char *image_path, const char *format);

#endif
