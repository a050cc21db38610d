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

int graph_draw(const struct graph_spec *spec, char *err, size_t errlen)
{
    char start[32], end[32], *tmp = NULL, *def = NULL, *escaped = escape_colons(spec->rrd_path);
    snprintf(start, sizeof start, "%lld", (long long)spec->start);
    snprintf(end, sizeof end, "%lld", (long long)spec->end);
    if (!escaped || asprintf(&tmp, "%s.tmp", spec->image_path) < 0 ||
        asprintf(&def, "DEF:v=%s:value:LAST", escaped) < 0) {
        snprintf(err, errlen, "out of memory");
        free(escaped);
        return -1;
    }
    const char *argv[32] = {"graph", tmp, "--imgformat", "PNG", "--start", start, "--end", end,
                            "--title", spec->title, "--vertical-label", spec->unit,
                            "--width", "900", "--height", "360", "--font", "DEFAULT:11:DejaVu Sans",
                            "--font", "TITLE:14:DejaVu Sans", "--color", "BACK#FFFFFF",
                            "--color", "CANVAS#FFFFFF", "--disable-rrdtool-tag", def, "LINE3:v#1F5FA8:observed"};
    int argc = 27;
    if (spec->daemon) {
        argv[argc++] = "--daemon";
        argv[argc++] = spec->daemon;
    }
    rrd_clear_error();
    rrd_info_t *info = rrd_graph_v(argc, (char **)argv);
    int rc = 0;
    if (!info || rrd_test_error()) {
        snprintf(err, errlen, "%s", rrd_test_error() ? rrd_get_error() : "rrd_graph failed");
        rc = -1;
    } else if (rename(tmp, spec->image_path) < 0) {
        snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (info)
        rrd_info_free(info);
    if (rc < 0)
        unlink(tmp);
    rrd_clear_error();
    free(tmp);
    free(def);
    free(escaped);
    return rc;
}
