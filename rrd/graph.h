/*
 * graph.h — draws an indicator's PNG with librrd's rrd_graph.
 *
 * librrd 1.7's graphing is not safe to run from two threads, and a graph can
 * take a while: pejld calls this only in a child process (see grapher.h).
 * The file is written beside its final name and renamed into place, so a
 * reader never sees half a PNG.
 */
#ifndef PEJL_GRAPH_H
#define PEJL_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#define GRAPH_MAX_LINES 24

struct graph_line {
    const char *rrd_path;
    const char *label; /* legend */
};

struct graph_spec {
    struct graph_line lines[GRAPH_MAX_LINES];
    size_t n_lines;
    const char *image_path;
    const char *title; /* UTF-8 */
    const char *unit;  /* UTF-8, on the vertical axis */
    const char *daemon; /* rrdcached address or NULL */
    int64_t start, end; /* UTC seconds */
};

int graph_draw(const struct graph_spec *spec, char *err, size_t errlen);

#endif
