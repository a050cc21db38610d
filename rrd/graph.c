/*
 * graph.c — one PNG per indicator (see graph.h). The full design (target
 * path, projection, status legend) builds on this; here: the series over
 * time with its title and unit, legible when printed.
 */
#include "graph.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rrd.h>

/* rrd_graph's DEF splits on ':'; a path must escape it. */
static char *escape_colons(const char *path)
{
    size_t n = strlen(path), extra = 0;
    for (const char *c = path; *c; c++)
        extra += *c == ':';
    char *out = malloc(n + extra + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *c = path; *c; c++) {
        if (*c == ':')
            *o++ = '\\';
        *o++ = *c;
    }
    *o = '\0';
    return out;
}

/* Colours that stay apart on paper and a projector; the first is the indicator's. */
static const char *const palette[] = {"1F5FA8", "D1495B", "EDAE49", "00798C", "66A182",
                                      "8D6A9F", "30638E", "E07A5F", "3D405B", "81B29A",
                                      "F2CC8F", "6B705C"};

/* Adds DEF and LINE arguments for every line; returns the new argc or -1. */
static int add_lines(const struct graph_spec *spec, const char **argv, int argc, char **owned,
                     size_t *n_owned)
{
    for (size_t i = 0; i < spec->n_lines; i++) {
        char *path = escape_colons(spec->lines[i].rrd_path);
        char *label = escape_colons(spec->lines[i].label);
        char *def = NULL, *line = NULL;
        int ok = path && label &&
                 asprintf(&def, "DEF:v%zu=%s:value:LAST", i, path) >= 0 &&
                 asprintf(&line, "LINE%d:v%zu#%s:%s", i == 0 ? 3 : 2, i,
                          palette[i % (sizeof palette / sizeof *palette)], label) >= 0;
        free(path);
        free(label);
        if (!ok) {
            free(def);
            return -1;
        }
        argv[argc++] = owned[(*n_owned)++] = def;
        argv[argc++] = owned[(*n_owned)++] = line;
    }
    return argc;
}

int graph_draw(const struct graph_spec *spec, char *err, size_t errlen)
{
    char start[32], end[32], *tmp = NULL, *owned[2 * GRAPH_MAX_LINES];
    size_t n_owned = 0;
    const char *argv[40 + 2 * GRAPH_MAX_LINES];
    snprintf(start, sizeof start, "%lld", (long long)spec->start);
    snprintf(end, sizeof end, "%lld", (long long)spec->end);
    if (spec->n_lines == 0 || spec->n_lines > GRAPH_MAX_LINES ||
        asprintf(&tmp, "%s.tmp", spec->image_path) < 0) {
        snprintf(err, errlen, "nothing to draw, or out of memory");
        return -1;
    }
    const char *head[] = {"graph", tmp, "--imgformat", "PNG", "--start", start, "--end", end,
                          "--title", spec->title, "--vertical-label", spec->unit,
                          "--width", "900", "--height", "360", "--font", "DEFAULT:11:DejaVu Sans",
                          "--font", "TITLE:14:DejaVu Sans", "--color", "BACK#FFFFFF",
                          "--color", "CANVAS#FFFFFF", "--disable-rrdtool-tag"};
    int argc = (int)(sizeof head / sizeof *head);
    memcpy(argv, head, sizeof head);
    if (spec->daemon) {
        argv[argc++] = "--daemon";
        argv[argc++] = spec->daemon;
    }
    argc = add_lines(spec, argv, argc, owned, &n_owned);
    int rc = argc < 0 ? -1 : 0;
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    rrd_info_t *info = NULL;
    if (rc == 0) {
        rrd_clear_error();
        info = rrd_graph_v(argc, (char **)argv);
        if (!info || rrd_test_error()) {
            snprintf(err, errlen, "%s", rrd_test_error() ? rrd_get_error() : "rrd_graph failed");
            rc = -1;
        } else if (rename(tmp, spec->image_path) < 0) {
            snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
            rc = -1;
        }
    }
    if (info)
        rrd_info_free(info);
    if (rc < 0)
        unlink(tmp);
    rrd_clear_error();
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(tmp);
    return rc;
}
