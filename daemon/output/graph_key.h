/*
 * graph_key.h — whether a graph on disk still shows what it would be drawn
 * with now, so that an unchanged graph is not drawn again.
 *
 * The key is a 64-bit hash of everything a graph is made of: its plan
 * (graph_plan.h: every label, curve, marker, the time span and the axes —
 * a complete description of the picture but for the values the RRD files
 * hold), the stored series it draws (every period, value, status and
 * vintage), the day of the evaluation and pejl's version. It is kept in a
 * small file beside the PNG, ".ID.png.key", with the PNG's size and mtime,
 * so a PNG removed or replaced by hand is drawn again. A missing,
 * unreadable or corrupt key file means: draw. Key files are written without
 * fsync: a lost one costs a redraw, nothing else.
 *
 * It hashes and reads files; it never draws (no librrd).
 */
#ifndef PEJL_GRAPH_KEY_H
#define PEJL_GRAPH_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "graph.h"
#include "series.h"

/* The key of `id`'s graph drawn from `spec` (its image path and format are
 * left out) over the series of `set`, evaluated at `now`. */
uint64_t graph_key_of(const struct graph_spec *spec, const struct series_set *set, const char *id,
                      int64_t now);
/* True when the key file beside `png` holds `key` and describes the PNG
 * that is there. */
bool graph_key_current(const char *png, uint64_t key);
/* Records that `png` was just drawn with `key`. 0, or -1 with `err`. */
int graph_key_save(const char *png, uint64_t key, char *err, size_t errlen);
/* The key file's path for `png`: DIR/.NAME.key. -1 when it does not fit. */
int graph_key_path(const char *png, char *buf, size_t size);

#endif
