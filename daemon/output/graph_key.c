/*
 * graph_key.c — the key of a drawn graph (see graph_key.h).
 */
#include "graph_key.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fnv.h"

#define KEY_MAGIC "pejl-graph-key 1"

static uint64_t hash_bytes(uint64_t h, const void *p, size_t len)
{
    return fnv1a(h, p, len);
}

static uint64_t hash_i64(uint64_t h, int64_t v)
{
    return hash_bytes(h, &v, sizeof v);
}

/* Every NaN alike (its sign and payload are not the value); -0 as 0. */
static uint64_t hash_double(uint64_t h, double v)
{
    if (isnan(v))
        return hash_bytes(h, "nan", 3);
    v = v == 0 ? 0 : v;
    return hash_bytes(h, &v, sizeof v);
}

static int64_t day_of(int64_t t)
{
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* NULL and "" differ; the terminator keeps "ab","c" apart from "a","bc". */
static uint64_t hash_text(uint64_t h, const char *s)
{
    return s ? hash_bytes(h, s, strlen(s) + 1) : hash_bytes(h, "\xff", 1);
}

static uint64_t hash_curves(uint64_t h, const struct graph_spec *s)
{
    h = hash_i64(h, (int64_t)s->n_curves);
    for (size_t i = 0; i < s->n_curves && i < GRAPH_MAX_CURVES; i++) {
        const struct graph_curve *c = &s->curves[i];
        h = hash_i64(hash_i64(h, c->t0), c->t1);
        h = hash_double(hash_double(h, c->v0), c->v1);
        h = hash_i64(h, (int64_t)c->log << 2 | (int64_t)c->dashed << 1);
        h = hash_i64(h, c->width);
        h = hash_text(hash_text(h, c->label), c->color);
    }
    return h;
}

static uint64_t hash_rules_marks(uint64_t h, const struct graph_spec *s)
{
    h = hash_i64(h, (int64_t)s->n_rules);
    for (size_t i = 0; i < s->n_rules && i < GRAPH_MAX_RULES; i++) {
        const struct graph_rule *r = &s->rules[i];
        h = hash_i64(h, r->vertical);
        h = hash_i64(hash_double(h, r->value), r->time);
        h = hash_text(hash_text(h, r->label), r->color);
    }
    h = hash_i64(h, (int64_t)s->n_marks);
    for (size_t i = 0; i < s->n_marks && i < GRAPH_MAX_MARKS; i++)
        h = hash_double(hash_i64(h, s->marks[i].time), s->marks[i].value);
    return hash_text(h, s->marks_label);
}

/* A line's file by its name: which series it draws (the values are hashed
 * from the series). The directory may be spelt differently from run to
 * run (relative, then resolved) for the same picture. */
static uint64_t hash_file_name(uint64_t h, const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return hash_text(h, slash ? slash + 1 : path);
}

/* Times by their day, as the span is: a curve that ends at the evaluation
 * time (a trend, a band) moves by seconds from run to run, under a pixel. */
static uint64_t hash_times(uint64_t h, const int64_t *times, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = hash_i64(h, day_of(times[i]));
    return h;
}

/* The curves drawn from values the plan passes in rather than from RRD
 * files: a rank graph's members, the projection's band, the series as
 * known earlier (--compare-to). */
static uint64_t hash_points(uint64_t h, const struct graph_spec *s)
{
    for (size_t i = 0; i < s->n_tracks && i < GRAPH_MAX_TRACKS; i++) {
        const struct graph_track *t = &s->tracks[i];
        h = hash_i64(hash_text(h, t->label), (int64_t)t->n);
        if (t->n)
            h = hash_bytes(hash_times(h, t->times, t->n), t->values, t->n * sizeof *t->values);
    }
    const struct graph_band *b = &s->band;
    h = hash_i64(hash_text(h, b->label), (int64_t)b->n);
    if (b->n)
        h = hash_bytes(hash_bytes(hash_times(h, b->times, b->n), b->low, b->n * sizeof *b->low),
                       b->high, b->n * sizeof *b->high);
    h = hash_i64(hash_text(h, s->earlier_label), (int64_t)s->n_earlier);
    if (s->n_earlier)
        h = hash_bytes(hash_times(h, s->earlier_times, s->n_earlier), s->earlier_values,
                       s->n_earlier * sizeof *s->earlier_values);
    return h;
}

/* How it is drawn: size, zoom, axis, colours, a rank graph's zone. */
static uint64_t hash_drawing(uint64_t h, const struct graph_spec *s)
{
    h = hash_double(hash_i64(h, s->width), s->scale);
    h = hash_double(hash_double(h, s->data_low), s->data_high);
    h = hash_i64(hash_i64(hash_i64(h, s->strong), s->rank_of), s->rank_top);
    h = hash_text(hash_text(h, s->zone_label), s->status_color);
    return hash_i64(h, s->decimal);
}

static uint64_t hash_spec(uint64_t h, const struct graph_spec *s)
{
    h = hash_i64(h, (int64_t)s->n_lines);
    for (size_t i = 0; i < s->n_lines && i < GRAPH_MAX_LINES; i++)
        h = hash_text(hash_file_name(h, s->lines[i].rrd_path), s->lines[i].label);
    h = hash_rules_marks(hash_curves(h, s), s);
    h = hash_i64(h, (int64_t)s->n_period_ends);
    if (s->period_ends)
        h = hash_bytes(h, s->period_ends, s->n_period_ends * sizeof *s->period_ends);
    h = hash_text(hash_i64(h, s->provisional_from), s->provisional_label);
    const char *texts[] = {s->title,     s->unit,    s->status, s->footer,   s->vintage,
                           s->watermark, s->message, s->daemon, s->time_note};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        h = hash_text(h, texts[i]);
    /* The span by its days: a graph evaluated at the clock ends "now" plus
     * a margin, seconds apart from run to run; a day is under a pixel. */
    h = hash_i64(hash_i64(h, day_of(s->start)), day_of(s->end));
    h = hash_double(hash_double(h, s->lower), s->upper);
    return hash_drawing(hash_points(h, s), s);
}

static uint64_t hash_series(const struct series *s)
{
    uint64_t h = hash_text(FNV64_OFFSET, s->id);
    for (size_t i = 0; i < s->n; i++) {
        const struct stored_observation *o = &s->items[i];
        const struct pejl_period *p = &o->obs.period;
        h = hash_i64(h, (int64_t)p->year << 24 | (int64_t)p->kind << 16 | p->index << 8 | p->day);
        h = hash_double(h, o->obs.value);
        h = hash_i64(hash_i64(h, o->obs.status), o->vintage);
    }
    return hash_i64(h, (int64_t)s->provisional_updates);
}

/* Members are summed: the key must not depend on the order they are kept in. */
static void add_member(const struct series *s, void *arg)
{
    *(uint64_t *)arg += hash_series(s);
}

uint64_t graph_key_of(const struct graph_spec *spec, const struct series_set *set, const char *id,
                      int64_t now)
{
    uint64_t h = hash_text(FNV64_OFFSET, "pejl " PEJL_VERSION);
    h = hash_spec(hash_i64(h, day_of(now)), spec);
    const struct series *own = set ? series_get(set, id) : NULL;
    uint64_t members = 0;
    if (own)
        h = hash_i64(h, (int64_t)hash_series(own));
    if (set)
        series_each_member(set, id, add_member, &members);
    return hash_i64(h, (int64_t)members);
}

int graph_key_path(const char *png, char *buf, size_t size)
{
    const char *slash = strrchr(png, '/');
    int dir = slash ? (int)(slash - png + 1) : 0;
    int n = snprintf(buf, size, "%.*s.%s.key", dir, png, png + dir);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* What the key file says of the PNG: its size and mtime. */
static void describe_png(const struct stat *st, char *buf, size_t size)
{
    snprintf(buf, size, "%jd %jd.%09ld", (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
             st->st_mtim.tv_nsec);
}

bool graph_key_current(const char *png, uint64_t key)
{
    char path[PATH_MAX], line[160], expect[160], what[80];
    struct stat st;
    if (graph_key_path(png, path, sizeof path) < 0 || stat(png, &st) < 0)
        return false;
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool read = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    describe_png(&st, what, sizeof what);
    snprintf(expect, sizeof expect, KEY_MAGIC " %016" PRIx64 " %s\n", key, what);
    return read && strcmp(line, expect) == 0;
}

int graph_key_save(const char *png, uint64_t key, char *err, size_t errlen)
{
    char path[PATH_MAX], tmp[PATH_MAX + 8], what[80];
    struct stat st;
    if (graph_key_path(png, path, sizeof path) < 0 ||
        snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long for its key file", png);
        return -1;
    }
    if (stat(png, &st) < 0) {
        snprintf(err, errlen, "%s: %s", png, strerror(errno));
        return -1;
    }
    describe_png(&st, what, sizeof what);
    /* O_NOFOLLOW: a link planted in the graph directory must not make pejl
     * write through it; rename below replaces a link, never its target. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (fd >= 0 && !f)
        close(fd);
    int bad = !f || fprintf(f, KEY_MAGIC " %016" PRIx64 " %s\n", key, what) < 0;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad || rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
