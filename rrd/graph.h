/*
 * graph.h — draws an indicator's graph with librrd's rrd_graph: the
 * observed series (the latest provisional stretch lighter), the target
 * paths and the projection drawn from their definitions, markers for the
 * baseline, the target and thresholds, a status line, a source footer and,
 * for made-up figures, a mark across the plot area.
 *
 * librrd 1.7's graphing is not safe to run from two threads, and a graph can
 * take a while: pejld calls this only in a child process (see grapher.h).
 * The file is written beside its final name and renamed into place, so a
 * reader never sees half a PNG.
 */
#ifndef PEJL_GRAPH_H
#define PEJL_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRAPH_MAX_LINES 24
#define GRAPH_MAX_CURVES 6
#define GRAPH_MAX_RULES 8
#define GRAPH_MAX_MARKS 16
#define GRAPH_MAX_TRACKS 24

/* The plot area's width at scale 1 (pixels), and the fonts': chosen so that
 * the whole image pasted 16 cm wide keeps its text at 9 pt or more. */
#define GRAPH_DEFAULT_WIDTH 500
#define GRAPH_FONT_SIZE 14
#define GRAPH_TITLE_SIZE 16

struct graph_line {
    const char *rrd_path;
    const char *label; /* legend */
};

/* A curve drawn from the path's definition over TIME (an RPN expression),
 * never stored as fake observations: from (t0, v0) to (t1, v1), with
 * constant growth (`log`) or linearly. */
struct graph_curve {
    int64_t t0, t1;
    double v0, v1;
    bool log, dashed;
    int width;         /* line width; 0: 2 */
    const char *label;
    const char *color; /* RRGGBB */
};

/* A horizontal (value) or vertical (time) marker with its legend. */
struct graph_rule {
    bool vertical;
    double value;
    int64_t time;
    const char *label;
    const char *color;
};

/* A published figure: a short bar ending at `time` (its period's end, where
 * the evaluation places the period's value), at `value`. */
struct graph_mark {
    int64_t time;
    double value;
};

/* A series given point by point (a member's rank, the edge of a band),
 * joined by straight lines; `values` NAN where there is none. */
struct graph_track {
    const char *label;
    const int64_t *times;
    const double *values;
    size_t n;
};

/* A shaded band between two tracks over the same times (the projection's
 * uncertainty). */
struct graph_band {
    const int64_t *times;
    const double *low, *high;
    size_t n;
    const char *label;
};

/* A name written just right of a rank graph's plot area, on the row of
 * its latest place (a league table's order): the strong one (Denmark) in
 * the strong colour, the others muted; names on one place share its row. */
struct graph_edge_label {
    const char *text;
    int rank;
    bool strong;
};

struct graph_spec {
    struct graph_line lines[GRAPH_MAX_LINES];
    size_t n_lines;
    struct graph_curve curves[GRAPH_MAX_CURVES];
    size_t n_curves;
    struct graph_rule rules[GRAPH_MAX_RULES];
    size_t n_rules;
    /* The ends of the periods drawn, ascending, from the first period to the
     * last: each value is drawn at its period's end, where the evaluation
     * reads it, and joined to the next by a straight line. NULL: drawn as
     * the file holds it, a step across each period (for periods shorter
     * than a pixel, where the two look the same). */
    const int64_t *period_ends;
    size_t n_period_ends;
    int64_t provisional_from; /* the own series from here on is provisional: drawn lighter; 0: none */
    const char *provisional_label;
    const char *image_path;
    const char *format;  /* "PNG" (default), "SVG" or "PDF" */
    const char *title;   /* UTF-8 */
    const char *unit;    /* UTF-8, on the vertical axis */
    const char *status;  /* a legend line: where the indicator stands; NULL: none */
    const char *footer;  /* the source; NULL: none */
    const char *vintage; /* how recent the data are and the date of the status; NULL: none */
    const char *time_note; /* how to read the time axis, a line of its own; NULL: none */
    /* Written across the top of the plot area, over the data but
     * translucent ("Illustrative data — not official statistics"); NULL: none */
    const char *watermark;
    const char *message; /* shown when there is too little to draw a line; NULL: none */
    const char *daemon;  /* rrdcached address or NULL */
    int64_t start, end;  /* UTC seconds */
    double lower, upper; /* the vertical axis at least spans these; NAN: as the data need */
    struct graph_mark marks[GRAPH_MAX_MARKS]; /* published figures, one legend entry for all */
    size_t n_marks;
    const char *marks_label;
    /* The series as it was known earlier (--compare-to), drawn thin and
     * dashed behind the lines: each value at its time (its period's end),
     * joined by straight lines; a NAN value breaks the line. "e0" in
     * graph_data_defs(). n_earlier 0: none. */
    const int64_t *earlier_times;
    const double *earlier_values;
    size_t n_earlier;
    const char *earlier_label;
    /* Print and screen: the plot area's width at scale 1 (0: the default),
     * and every dimension times `scale` (librrd's zoom; 0: 1). */
    int width;
    double scale;
    /* Where the values drawn lie (NAN: unknown): with the curves, rules and
     * lower/upper, the axis' bounds, rounded to at most 8 labels. */
    double data_low, data_high;
    /* Line `strong` (an index into lines; -1: none) is drawn in the strong
     * colour, the others muted: Denmark among its peers. */
    int strong;
    /* A rank graph: lines and tracks are ranks among `rank_of` members,
     * drawn with rank 1 at the top and labelled with the real ranks; the
     * places 1..rank_top are shaded, `zone_label` in the legend. */
    int rank_of, rank_top;
    const char *zone_label;
    struct graph_track tracks[GRAPH_MAX_TRACKS]; /* muted, after the lines */
    size_t n_tracks;
    struct graph_band band;   /* n == 0: none */
    const char *status_color; /* RRGGBB of the status line, as the report's; NULL: black */
    /* The decimal mark of the axis' labels: ',' for Danish, '.' otherwise
     * (0: '.'). */
    char decimal;
    /* A rank graph's names at the right edge (rank_of > 0); n 0: none. */
    struct graph_edge_label edge_labels[GRAPH_MAX_TRACKS + 1];
    size_t n_edge_labels;
};

int graph_draw(const struct graph_spec *spec, char *err, size_t errlen);
/* Where graph_draw put the plot area (image pixels, PDF points) and the
 * times at its left and right edges: what a test needs to find a time on
 * the drawn image. */
struct graph_frame {
    long left, top, width, height;
    int64_t start, end;
    double low, high; /* the values at the plot area's bottom and top */
};
int graph_draw_framed(const struct graph_spec *spec, struct graph_frame *frame, char *err,
                      size_t errlen);
/* The data definitions graph_draw hands rrd_graph: DEFs and CDEFs whose
 * line i is "l<i>" and curve i "c<i>", for tests that export what is drawn
 * with rrd_xport. NULL-terminated; NULL without memory. */
char **graph_data_defs(const struct graph_spec *spec);
void graph_data_defs_free(char **defs);
/* The RPN that draws `c` over TIME, on the time grid of DEF `def`: what
 * graph_draw uses, for tests that export it with rrd_xport. */
int graph_curve_rpn(const struct graph_curve *c, const char *def, char *buf, size_t size);

#endif
