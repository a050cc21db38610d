/*
 * graph.c — one graph per indicator (see graph.h), legible printed and on
 * a projector: white background, DejaVu Sans (it has æ, ø, å), thick
 * lines, colours that stay apart in greyscale.
 */
#include "graph.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* The arguments being built, and the strings they own. */
struct args {
    const char *argv[160];
    int argc;
    char *owned[160];
    size_t n_owned;
    bool failed;
};

static void arg(struct args *a, const char *s)
{
    if (a->argc < (int)(sizeof a->argv / sizeof *a->argv))
        a->argv[a->argc++] = s;
    else
        a->failed = true;
}

__attribute__((format(printf, 2, 3))) static void argf(struct args *a, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0 || a->n_owned == sizeof a->owned / sizeof *a->owned) {
        free(s);
        a->failed = true;
    } else {
        a->owned[a->n_owned++] = s;
        arg(a, s);
    }
    va_end(ap);
}

/* A legend text with rrd_graph's ':' escaped, owned by `a`. */
static const char *text(struct args *a, const char *s)
{
    char *e = escape_colons(s ? s : "");
    if (!e || a->n_owned == sizeof a->owned / sizeof *a->owned) {
        free(e);
        a->failed = true;
        return "";
    }
    return a->owned[a->n_owned++] = e;
}

static void add_lines(const struct graph_spec *spec, struct args *a)
{
    for (size_t i = 0; i < spec->n_lines; i++) {
        const char *path = text(a, spec->lines[i].rrd_path);
        const char *color = palette[i % (sizeof palette / sizeof *palette)];
        argf(a, "DEF:v%zu=%s:value:LAST", i, path);
        if (i == 0 && spec->provisional_from) { /* the latest provisional stretch lighter */
            argf(a, "CDEF:firm=TIME,%lld,LT,v0,UNKN,IF", (long long)spec->provisional_from);
            argf(a, "CDEF:prov=TIME,%lld,GE,v0,UNKN,IF", (long long)spec->provisional_from);
            argf(a, "LINE3:firm#%s:%s", color, text(a, spec->lines[0].label));
            argf(a, "LINE3:prov#%s66:%s", color, text(a, spec->provisional_label));
        } else {
            argf(a, "LINE%d:v%zu#%s:%s", i == 0 ? 3 : 2, i, color, text(a, spec->lines[i].label));
        }
    }
}

int graph_curve_rpn(const struct graph_curve *c, const char *def, char *buf, size_t size)
{
    double span = (double)(c->t1 - c->t0);
    int n = c->log ? snprintf(buf, size,
                              "%s,POP,TIME,%lld,LT,TIME,%lld,GT,+,UNKN,%.17g,%.17g,TIME,%lld,-,%.17g,/,POW,*,IF",
                              def, (long long)c->t0, (long long)c->t1, c->v0, c->v1 / c->v0,
                              (long long)c->t0, span)
                   : snprintf(buf, size,
                              "%s,POP,TIME,%lld,LT,TIME,%lld,GT,+,UNKN,%.17g,%.17g,TIME,%lld,-,*,%.17g,/,+,IF",
                              def, (long long)c->t0, (long long)c->t1, c->v0, c->v1 - c->v0,
                              (long long)c->t0, span);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* A curve over TIME: UNKN outside [t0, t1]. */
static void add_curves(const struct graph_spec *spec, struct args *a)
{
    for (size_t i = 0; i < spec->n_curves; i++) {
        const struct graph_curve *c = &spec->curves[i];
        char rpn[512];
        if (graph_curve_rpn(c, "v0", rpn, sizeof rpn) < 0) {
            a->failed = true;
            return;
        }
        argf(a, "CDEF:c%zu=%s", i, rpn);
        argf(a, "LINE%d:c%zu#%s:%s%s", c->width ? c->width : 2, i, c->color, text(a, c->label),
             c->dashed ? ":dashes=8,5" : "");
    }
}

static void add_rules(const struct graph_spec *spec, struct args *a)
{
    for (size_t i = 0; i < spec->n_rules; i++) {
        const struct graph_rule *r = &spec->rules[i];
        if (r->vertical)
            argf(a, "VRULE:%lld#%s:%s:dashes=3,4", (long long)r->time, r->color, text(a, r->label));
        else
            argf(a, "HRULE:%.17g#%s:%s:dashes=3,4", r->value, r->color, text(a, r->label));
    }
}

#define MARK_COLOR "8E44AD"
#define MARK_SPAN (60 * 86400) /* a bar this wide before the period's end */

/* Published figures: distinct bars, one legend entry for them all. */
static void add_marks(const struct graph_spec *spec, struct args *a)
{
    for (size_t i = 0; i < spec->n_marks && i < GRAPH_MAX_MARKS; i++) {
        const struct graph_mark *m = &spec->marks[i];
        argf(a, "CDEF:m%zu=v0,POP,TIME,%lld,LT,TIME,%lld,GT,+,UNKN,%.17g,IF", i,
             (long long)(m->time - MARK_SPAN), (long long)m->time, m->value);
        if (i == 0)
            argf(a, "LINE9:m0#" MARK_COLOR ":%s", text(a, spec->marks_label));
        else
            argf(a, "LINE9:m%zu#" MARK_COLOR, i);
    }
}

/* The status, a message and the source as legend lines, left-aligned. */
static void add_comments(const struct graph_spec *spec, struct args *a)
{
    const char *lines[] = {spec->message, spec->status, spec->footer};
    arg(a, "COMMENT:\\n");
    for (size_t i = 0; i < 3; i++)
        if (lines[i] && *lines[i])
            argf(a, "COMMENT:%s\\l", text(a, lines[i]));
}

/* Years on the time axis once a graph spans more than three: every year up
 * to 12 of them, then every 2, 5 or 10 years, so labels never run into each
 * other (a 1980-2030 graph has 11, not 51). */
static void add_year_grid(const struct graph_spec *spec, struct args *a)
{
    int64_t years = (spec->end - spec->start) / (366 * 86400);
    int step = years <= 12 ? 1 : years <= 24 ? 2 : years <= 60 ? 5 : 10;
    if (years < 3)
        return; /* dates, as librrd chooses them */
    if (step == 1)
        arg(a, "--x-grid=MONTH:6:YEAR:1:YEAR:1:0:%Y");
    else
        argf(a, "--x-grid=YEAR:1:YEAR:%d:YEAR:%d:0:%%Y", step, step);
}

int graph_draw(const struct graph_spec *spec, char *err, size_t errlen)
{
    char start[32], end[32], *tmp = NULL;
    struct args a = {0};
    snprintf(start, sizeof start, "%lld", (long long)spec->start);
    snprintf(end, sizeof end, "%lld", (long long)spec->end);
    if (spec->n_lines == 0 || spec->n_lines > GRAPH_MAX_LINES ||
        asprintf(&tmp, "%s.tmp", spec->image_path) < 0) {
        snprintf(err, errlen, "nothing to draw, or out of memory");
        return -1;
    }
    const char *head[] = {"graph", tmp, "--imgformat", spec->format ? spec->format : "PNG",
                          "--start", start, "--end", end,
                          "--title", spec->title, "--vertical-label", spec->unit,
                          "--width", "900", "--height", "360", "--font", "DEFAULT:11:DejaVu Sans",
                          "--font", "TITLE:14:DejaVu Sans",
                          "--color", "BACK#FFFFFF", "--color", "CANVAS#FFFFFF",
                          "--color", "GRID#E4E4E4", "--color", "MGRID#C8C8C8",
                          "--disable-rrdtool-tag", "--slope-mode"};
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        arg(&a, head[i]);
    if (spec->daemon) {
        arg(&a, "--daemon");
        arg(&a, spec->daemon);
    }
    add_year_grid(spec, &a);
    if (!isnan(spec->lower))
        argf(&a, "--lower-limit=%.17g", spec->lower);
    if (!isnan(spec->upper))
        argf(&a, "--upper-limit=%.17g", spec->upper);
    add_lines(spec, &a);
    add_curves(spec, &a);
    add_rules(spec, &a);
    add_marks(spec, &a);
    add_comments(spec, &a);
    int rc = a.failed ? -1 : 0;
    if (rc < 0)
        snprintf(err, errlen, "out of memory, or too many graph elements");
    rrd_info_t *info = NULL;
    if (rc == 0) {
        rrd_clear_error();
        info = rrd_graph_v(a.argc, (char **)a.argv);
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
    for (size_t i = 0; i < a.n_owned; i++)
        free(a.owned[i]);
    free(tmp);
    return rc;
}
