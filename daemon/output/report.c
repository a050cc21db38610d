/*
 * report.c — the report folder (see report.h).
 */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/file.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assess.h"
#include "csv_field.h"
#include "graph_plan.h"
#include "grapher.h"
#include "log.h"
#include "period.h"
#include "report_revisions.h"
#include "report_since.h"
#include "status.h"
#include "timestamp.h"
#include "value.h"

#define COLUMNS 12

struct row {
    const struct indicator *ind;
    const struct target *target; /* NULL: no target */
    struct evaluation e;
    const struct alert *alert;
    bool silenced, graph;
    int64_t collected;
    struct published_check *published; /* the indicator's published figures beside pejl's */
};

struct report {
    const struct report_settings *settings;
    const struct words *w;
    struct row *rows;
    size_t n;
    int64_t now;
    const struct report_compare *compare; /* --compare-to, or NULL */
    const struct report_since *since;     /* what changed since then, or NULL */
    struct report_revisions *revisions; /* report_revisions.h */
};

/* ---- what is in it ---- */

/* One decimal, none for large figures (6044961 inhabitants, not 6044961,0). */
static const char *number(double v, const struct words *w, char *buf, size_t size)
{
    words_number(w, v, fabs(v) >= 10000 ? 0 : 1, buf, size);
    return buf;
}

static void target_words(const struct row *r, const struct words *w, char *buf, size_t size)
{
    const struct target *t = r->target;
    char v[32], b[PERIOD_TEXT_MAX];
    if (!t) {
        snprintf(buf, size, "-");
        return;
    }
    value_format(t->value, v, sizeof v);
    period_format(&t->baseline, b, sizeof b);
    switch (t->kind) {
    case TARGET_PATH: snprintf(buf, size, "%s %s %s %d", v, r->ind->unit, w->in_year, t->year); break;
    case TARGET_ABOVE_BASELINE: snprintf(buf, size, "> %s %s, %d", w->level_of, b, t->year); break;
    case TARGET_RANK: snprintf(buf, size, "%s %d, %d", w->top, t->top, t->year); break;
    case TARGET_TREND: snprintf(buf, size, "%s", t->direction > 0 ? w->trend_up : w->trend_down); break;
    }
}

static void alert_words(const struct row *r, char *buf, size_t size)
{
    if (!r->alert)
        snprintf(buf, size, "-");
    else if (r->alert->state == ALERT_OK)
        snprintf(buf, size, "OK");
    else
        snprintf(buf, size, "%s %s%s", alert_state_name(r->alert->state), r->alert->rule,
                 r->silenced ? " (silenced)" : "");
}

/* "151,8 (2024-09–2025-08)": the compared figure with its periods, or "-". */
static void compared_words(const struct row *r, const struct words *w, char *buf, size_t size)
{
    char a[32], from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX];
    if (isnan(r->e.compared_value)) {
        snprintf(buf, size, "-");
        return;
    }
    period_format(&r->e.compared_from, from, sizeof from);
    period_format(&r->e.compared_to, to, sizeof to);
    snprintf(buf, size, "%s (%s–%s)", number(r->e.compared_value, w, a, sizeof a), from, to);
}

/* The cells of one row, in the table's order. */
static void cells(const struct report *rp, const struct row *r, char out[COLUMNS][200])
{
    const struct words *w = rp->w;
    char a[32];
    snprintf(out[0], 200, "%s", r->ind->title);
    snprintf(out[1], 200, "%d", r->ind->pejlemaerke);
    if (!isnan(r->e.days_since_period_end)) {
        char p[PERIOD_TEXT_MAX];
        period_format(&r->e.latest, p, sizeof p);
        if (isnan(r->e.latest_value)) /* a panel kept as members: its newest period */
            snprintf(out[2], 200, "%s", p);
        else
            snprintf(out[2], 200, "%s: %s %s", p, number(r->e.latest_value, w, a, sizeof a), r->ind->unit);
    } else {
        snprintf(out[2], 200, "%s", w->no_data);
    }
    compared_words(r, w, out[3], 200);
    target_words(r, w, out[4], 200);
    snprintf(out[5], 200, "%s", number(r->e.path_value, w, a, sizeof a));
    snprintf(out[6], 200, "%s%s", number(r->e.gap_pct, w, a, sizeof a), isnan(r->e.gap_pct) ? "" : " %");
    snprintf(out[7], 200, "%s%s%s%s", r->target ? w->categories[r->e.progress] : "-",
             r->e.stale ? " (" : "", r->e.stale ? w->stale : "", r->e.stale ? ")" : "");
    snprintf(out[8], 200, "%s", number(r->e.time_distance_years, w, a, sizeof a));
    snprintf(out[9], 200, "%s", number(r->e.projection, w, a, sizeof a));
    alert_words(r, out[10], 200);
    if (r->collected)
        timestamp_format(r->collected, out[11], 200);
    else
        snprintf(out[11], 200, "-");
}

static int gather(struct report *rp, struct store *store, const struct alerting *al)
{
    const struct graph_settings *c = &rp->settings->graphs;
    for (size_t i = 0; i < c->n_indicators; i++) {
        const struct indicator *ind = &c->indicators[i];
        size_t n = ind->n_targets ? ind->n_targets : 1;
        struct evaluation *evals = calloc(n, sizeof *evals);
        struct row *grown = realloc(rp->rows, (rp->n + n) * sizeof *grown);
        if (!evals || !grown) {
            free(evals);
            return -1;
        }
        rp->rows = grown;
        const struct stored_observation *latest = assess(ind, store, rp->now, evals);
        const struct collection_record *rec = al ? alerting_collection(al, ind->id) : NULL;
        for (size_t k = 0; k < n; k++) {
            struct row *r = &rp->rows[rp->n++];
            *r = (struct row){.ind = ind, .target = ind->n_targets ? &ind->targets[k] : NULL,
                              .e = evals[k], .collected = rec ? rec->last_success : 0};
            r->published = calloc(ind->n_published + 1, sizeof *r->published);
            if (!r->published) {
                free(evals);
                return -1;
            }
            assess_published(ind, store, r->published);
            if (!ind->n_targets) { /* the latest value and its age only */
                r->e = (struct evaluation){.latest_value = NAN, .compared_value = NAN,
                                           .baseline_value = NAN, .path_value = NAN, .gap_pct = NAN,
                                           .time_distance_years = NAN, .projection = NAN,
                                           .days_since_period_end = NAN};
                const struct series *own = store_series(store, ind->id);
                if (latest) {
                    r->e.latest = latest->obs.period, r->e.latest_value = latest->obs.value;
                    evaluate_staleness(&r->e, rp->now, ind->stale_after_s);
                    if (!(own && latest >= own->items && latest < own->items + own->n))
                        r->e.latest_value = NAN; /* a member's value is not the indicator's */
                }
            }
            r->alert = al ? alerting_worst(al, ind, (int)k) : NULL;
            r->silenced = r->alert && alerting_silenced(al, r->alert, rp->now);
        }
        free(evals);
    }
    return 0;
}

/* ---- writing ---- */

static FILE *create(const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "we");
    if (!f)
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return f;
}

static int finish(FILE *f, const char *name, char *err, size_t errlen)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s", name);
        return -1;
    }
    return 0;
}

static void html_escaped(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static const char *const heads_da[] = {"Indikator", "PM", "Seneste", "12 mdr. gns.", "Mål", "Stiens værdi", "Afvigelse",
                                       "Fremdrift", "Tidsafstand (år)", "Fremskrivning", "Alarm", "Sidst hentet"};
static const char *const heads_en[] = {"Indicator", "PM", "Latest", "12-mo mean", "Target", "Path value", "Gap",
                                       "Progress", "Time distance (years)", "Projection", "Alert", "Last collected"};

static const char *const *heads(const struct report *rp)
{
    return rp->settings->graphs.language == LANGUAGE_EN ? heads_en : heads_da;
}

static const char *css =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;color:#222}"
    "h1{font-size:1.5em}table{border-collapse:collapse;width:100%;font-size:.85em}"
    "th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#eef2f6}tr.CRITICAL td.alert{background:#f6d5d9}"
    "tr.WARNING td.alert{background:#fbecc9}tr.UNKNOWN td.alert{background:#e4e4e4}"
    "figure{margin:2em 0;page-break-inside:avoid}figure img{max-width:100%;border:1px solid #ddd}"
    "figcaption{font-size:.85em;color:#555}"
    "p.illustrative{background:#fbe3e0;border:2px solid #B03A2E;color:#7a1f16;padding:.6em 1em;"
    "font-size:1.2em}"
    "@page{size:A4;margin:15mm}@media print{body{margin:0}table{font-size:7.5pt}}";

/* ---- per indicator: the latest and compared figures, the published ones ---- */

/* "Seneste 2025-08: 162,6 indeks · 12 mdr. gns.: 151,8 (2024-09–2025-08),
 * sammenlignet med basisår 2024"; "" without a value. The latest period
 * is the indicator's; a compared figure is a target's (the first that has one). */
static void latest_sentence(const struct report *rp, const struct row *first, char *buf,
                            size_t size)
{
    const struct words *w = rp->w;
    const struct row *cmp = NULL;
    char p[PERIOD_TEXT_MAX], a[32], c[120], base[PERIOD_TEXT_MAX];
    buf[0] = '\0';
    if (isnan(first->e.latest_value))
        return;
    for (const struct row *r = first; r < rp->rows + rp->n && r->ind == first->ind && !cmp; r++)
        cmp = isnan(r->e.compared_value) ? NULL : r;
    period_format(&first->e.latest, p, sizeof p);
    int n = snprintf(buf, size, "%s %s: %s %s", w->latest, p,
                     number(first->e.latest_value, w, a, sizeof a), first->ind->unit);
    if (!cmp || n < 0 || (size_t)n >= size)
        return;
    compared_words(cmp, w, c, sizeof c);
    period_format(&cmp->target->baseline, base, sizeof base);
    snprintf(buf + n, size - (size_t)n, " · %s: %s, %s %s", w->compared_mean, c, w->compared_with,
             base);
}

static const char *const published_heads_da[] = {"Periode", "Offentliggjort", "pejl", "Forskel",
                                                 "Kilde"};
static const char *const published_heads_en[] = {"Period", "Published", "pejl", "Difference",
                                                 "Source"};

/* The cells of one published figure: period, published, pejl's, difference, source. */
static void published_cells(const struct report *rp, const struct published_check *c,
                            char out[5][300])
{
    char a[32];
    period_format(&c->figure->period, out[0], 300);
    snprintf(out[1], 300, "%s", number(c->figure->value, rp->w, a, sizeof a));
    snprintf(out[2], 300, "%s", number(c->pejl_value, rp->w, a, sizeof a));
    snprintf(out[3], 300, "%s%s", number(c->diff_pct, rp->w, a, sizeof a),
             isnan(c->diff_pct) ? "" : " %");
    snprintf(out[4], 300, "%s", c->figure->source);
}

static void html_published(FILE *f, const struct report *rp, const struct row *r)
{
    const char *const *heads = rp->w == words_for(LANGUAGE_EN) ? published_heads_en
                                                               : published_heads_da;
    char c[5][300];
    if (!r->ind->n_published)
        return;
    fprintf(f, "<table class=\"published\" data-indicator=\"%s\"><caption>%s — ", r->ind->id,
            rp->w->published_figures);
    html_escaped(f, r->ind->title);
    fputs("</caption><thead><tr>", f);
    for (int i = 0; i < 5; i++)
        fprintf(f, "<th>%s</th>", heads[i]);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t k = 0; k < r->ind->n_published; k++) {
        published_cells(rp, &r->published[k], c);
        fputs("<tr>", f);
        for (int i = 0; i < 5; i++) {
            fputs("<td>", f);
            html_escaped(f, c[i]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* Under an indicator's graph: its latest (and compared) figure in words,
 * and its published figures beside pejl's. */
static void html_figures(FILE *f, const struct report *rp, const struct row *r)
{
    char text[400];
    latest_sentence(rp, r, text, sizeof text);
    if (text[0]) {
        fprintf(f, "<p class=\"figures\" data-indicator=\"%s\">", r->ind->id);
        html_escaped(f, text);
        fputs("</p>\n", f);
    }
    html_published(f, rp, r);
}

static void markdown_figures(FILE *f, const struct report *rp, const struct row *r)
{
    const char *const *heads = rp->w == words_for(LANGUAGE_EN) ? published_heads_en
                                                               : published_heads_da;
    char text[400], c[5][300];
    latest_sentence(rp, r, text, sizeof text);
    if (text[0])
        fprintf(f, "\n%s: %s\n", r->ind->title, text);
    if (!r->ind->n_published)
        return;
    fprintf(f, "\n%s — %s:\n\n|", rp->w->published_figures, r->ind->title);
    for (int i = 0; i < 5; i++)
        fprintf(f, " %s |", heads[i]);
    fputs("\n| --- | --- | --- | --- | --- |\n", f);
    for (size_t k = 0; k < r->ind->n_published; k++) {
        published_cells(rp, &r->published[k], c);
        fputc('|', f);
        for (int i = 0; i < 5; i++) {
            for (char *p = c[i]; *p; p++)
                if (*p == '|')
                    *p = '/';
            fprintf(f, " %s |", c[i]);
        }
        fputc('\n', f);
    }
}

/* ---- where the figures come from, and whether they are real ---- */

/* How many of the report's indicators are illustrative (rows of one
 * indicator counted once), and how many indicators it has. */
static size_t count_illustrative(const struct report *rp, size_t *indicators)
{
    size_t n = 0;
    *indicators = 0;
    for (size_t i = 0; i < rp->n; i++)
        if (i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind) {
            (*indicators)++;
            n += rp->rows[i].ind->illustrative;
        }
    return n;
}

/* The banner at the top: what a reader must know before any figure. */
static void html_banner(FILE *f, const struct report *rp)
{
    size_t all, n = count_illustrative(rp, &all);
    if (n == 0)
        return;
    fputs("<p class=\"illustrative\" role=\"note\"><strong>", f);
    html_escaped(f, rp->w->illustrative);
    fputs("</strong>", f);
    if (n < all) {
        fputs(": ", f);
        for (size_t i = 0, said = 0; i < rp->n; i++)
            if (rp->rows[i].ind->illustrative &&
                (i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind)) {
                fputs(said++ ? ", " : "", f);
                html_escaped(f, rp->rows[i].ind->title);
            }
    }
    fputs("</p>\n", f);
}

/* Each indicator and its source, once. */
static void html_sources(FILE *f, const struct report *rp)
{
    fprintf(f, "<h2>%s</h2>\n<ul id=\"sources\">\n", rp->w->sources);
    for (size_t i = 0; i < rp->n; i++) {
        const struct indicator *ind = rp->rows[i].ind;
        if (i > 0 && rp->rows[i - 1].ind == ind)
            continue;
        fprintf(f, "<li data-indicator=\"%s\">", ind->id);
        html_escaped(f, ind->title);
        fputs(": ", f);
        html_escaped(f, ind->source_name);
        if (ind->illustrative) {
            fputs(" (", f);
            html_escaped(f, rp->w->illustrative);
            fputc(')', f);
        }
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
}

static void markdown_provenance(FILE *f, const struct report *rp, bool banner)
{
    size_t all, n = count_illustrative(rp, &all);
    (void)all;
    if (banner) {
        if (n > 0)
            fprintf(f, "> **%s**\n\n", rp->w->illustrative); /* which: in the sources */
        return;
    }
    fprintf(f, "\n## %s\n\n", rp->w->sources);
    for (size_t i = 0; i < rp->n; i++)
        if (i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind)
            fprintf(f, "- %s: %s%s%s%s\n", rp->rows[i].ind->title, rp->rows[i].ind->source_name,
                    rp->rows[i].ind->illustrative ? " (" : "",
                    rp->rows[i].ind->illustrative ? rp->w->illustrative : "",
                    rp->rows[i].ind->illustrative ? ")" : "");
}

static void html_row(FILE *f, const struct report *rp, const struct row *r)
{
    char c[COLUMNS][200];
    cells(rp, r, c);
    fprintf(f, "<tr class=\"%s\" data-indicator=\"%s\">", r->alert ? alert_state_name(r->alert->state) : "none",
            r->ind->id);
    for (int i = 0; i < COLUMNS; i++) {
        fprintf(f, "<td%s>", i == 10 ? " class=\"alert\"" : i == 7 ? " class=\"progress\"" : "");
        html_escaped(f, c[i]);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

static int write_html(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "index.html", err, errlen);
    char when[TIMESTAMP_TEXT_MAX];
    if (!f)
        return -1;
    timestamp_format(rp->now, when, sizeof when);
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<title>pejl — %s %s</title><style>%s</style></head><body>\n",
            rp->settings->graphs.language == LANGUAGE_EN ? "en" : "da", rp->w->status, when, css);
    fprintf(f, "<h1>%s — %s</h1>\n",
            rp->settings->graphs.language == LANGUAGE_EN ? "Status of the pejlemærker"
                                                         : "Status for pejlemærkerne",
            when);
    html_banner(f, rp);
    if (rp->since)
        report_since_html(f, rp->since);
    fputs("<table id=\"status\"><thead><tr>", f);
    for (int i = 0; i < COLUMNS; i++)
        fprintf(f, "<th>%s</th>", heads(rp)[i]);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < rp->n; i++)
        html_row(f, rp, &rp->rows[i]);
    fputs("</tbody></table>\n", f);
    for (size_t i = 0; i < rp->n; i++) {
        const struct row *r = &rp->rows[i];
        if (i > 0 && rp->rows[i - 1].ind == r->ind)
            continue; /* one graph per indicator */
        if (r->graph) {
            fprintf(f, "<figure id=\"%s\"><img src=\"graphs/%s.png\" alt=\"", r->ind->id, r->ind->id);
            html_escaped(f, r->ind->title);
            fprintf(f, "\"><figcaption>");
            html_escaped(f, r->ind->title);
            fprintf(f, " — %s: ", rp->w->source);
            html_escaped(f, r->ind->source_name);
            fprintf(f, " — <a href=\"data/%s.csv\">data/%s.csv</a></figcaption></figure>\n", r->ind->id, r->ind->id);
        }
        html_figures(f, rp, r);
    }
    report_revisions_html(f, rp->revisions, rp->settings->graphs.indicators,
                          rp->settings->graphs.n_indicators, rp->settings->graphs.language);
    html_sources(f, rp);
    fputs("</body></html>\n", f);
    return finish(f, "index.html", err, errlen);
}

static int write_markdown(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "report.md", err, errlen);
    char when[TIMESTAMP_TEXT_MAX], c[COLUMNS][200];
    if (!f)
        return -1;
    timestamp_format(rp->now, when, sizeof when);
    fprintf(f, "# %s — %s\n\n",
            rp->settings->graphs.language == LANGUAGE_EN ? "Status of the pejlemærker"
                                                         : "Status for pejlemærkerne",
            when);
    markdown_provenance(f, rp, true);
    if (rp->since)
        report_since_markdown(f, rp->since);
    fputc('|', f);
    for (int i = 0; i < COLUMNS; i++)
        fprintf(f, " %s |", heads(rp)[i]);
    fputs("\n|", f);
    for (int i = 0; i < COLUMNS; i++)
        fputs(" --- |", f);
    fputc('\n', f);
    for (size_t i = 0; i < rp->n; i++) {
        cells(rp, &rp->rows[i], c);
        fputc('|', f);
        for (int k = 0; k < COLUMNS; k++) {
            for (char *p = c[k]; *p; p++)
                if (*p == '|')
                    *p = '/'; /* a cell must not end the table's column */
            fprintf(f, " %s |", c[k]);
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < rp->n; i++) {
        if (rp->rows[i].graph && (i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind))
            fprintf(f, "\n## %s\n\n![%s](graphs/%s.png)\n\nData: [data/%s.csv](data/%s.csv)\n",
                    rp->rows[i].ind->title, rp->rows[i].ind->title, rp->rows[i].ind->id,
                    rp->rows[i].ind->id, rp->rows[i].ind->id);
        if (i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind)
            markdown_figures(f, rp, &rp->rows[i]);
    }
    report_revisions_markdown(f, rp->revisions, rp->settings->graphs.indicators,
                              rp->settings->graphs.n_indicators, rp->settings->graphs.language);
    markdown_provenance(f, rp, false);
    return finish(f, "report.md", err, errlen);
}

struct csv_out {
    FILE *f;
    const char *indicator;
};

static void csv_series(const struct series *s, void *arg)
{
    struct csv_out *o = arg;
    const char *dot = strchr(s->id, '.');
    for (size_t i = 0; i < s->n; i++) {
        char period[PERIOD_TEXT_MAX], value[32] = "", status[16], vintage[TIMESTAMP_TEXT_MAX];
        period_format(&s->items[i].obs.period, period, sizeof period);
        if (!isnan(s->items[i].obs.value)) /* a missing cell is empty, never "nan" */
            value_format(s->items[i].obs.value, value, sizeof value);
        status_format(s->items[i].obs.status, status, sizeof status);
        timestamp_format(s->items[i].vintage, vintage, sizeof vintage);
        csv_field_write(o->f, dot ? dot + 1 : ""); /* a code may hold a comma */
        fprintf(o->f, ",%s,%s,%s,%s\n", period, value, status, vintage);
    }
}

static int write_data(const char *dir, struct store *store, const struct indicator *ind, char *err,
                      size_t errlen)
{
    char name[128];
    snprintf(name, sizeof name, "data/%s.csv", ind->id);
    FILE *f = create(dir, name, err, errlen);
    if (!f)
        return -1;
    struct csv_out o = {.f = f, .indicator = ind->id};
    fputs("member,period,value,status,vintage\n", f);
    const struct series *own = store_series(store, ind->id);
    if (own)
        csv_series(own, &o);
    series_each_member(store_series_set(store), ind->id, csv_series, &o);
    return finish(f, name, err, errlen);
}

/* A CSV number: shortest exact, empty when there is none. */
static const char *csv_number(double v, char *buf, size_t size)
{
    if (isnan(v) || isinf(v))
        buf[0] = '\0';
    else
        value_format(v, buf, size);
    return buf;
}

static void csv_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* status.csv: a row per indicator and target — the latest value and, apart
 * from it, the figure the target compares (a 12-month mean) with its periods. */
static int write_status_csv(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "status.csv", err, errlen);
    if (!f)
        return -1;
    fputs("indicator,target,latest_period,latest_value,compared_from,compared_to,compared_value,"
          "baseline_value,path_value,gap_pct,progress\n", f);
    for (size_t i = 0; i < rp->n; i++) {
        const struct row *r = &rp->rows[i];
        char latest[PERIOD_TEXT_MAX] = "", from[PERIOD_TEXT_MAX] = "", to[PERIOD_TEXT_MAX] = "",
             target[16] = "", v[5][32];
        if (!isnan(r->e.days_since_period_end))
            period_format(&r->e.latest, latest, sizeof latest);
        if (!isnan(r->e.compared_value)) {
            period_format(&r->e.compared_from, from, sizeof from);
            period_format(&r->e.compared_to, to, sizeof to);
        }
        if (r->target)
            snprintf(target, sizeof target, r->target->year ? "%d" : "trend", r->target->year);
        fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r->ind->id, target, latest,
                csv_number(r->e.latest_value, v[0], 32), from, to,
                csv_number(r->e.compared_value, v[1], 32),
                csv_number(r->e.baseline_value, v[2], 32),
                csv_number(r->e.path_value, v[3], 32), csv_number(r->e.gap_pct, v[4], 32),
                r->target ? evaluate_progress_name(r->e.progress) : "");
    }
    return finish(f, "status.csv", err, errlen);
}

/* published.csv: every published figure beside pejl's. */
static int write_published_csv(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "published.csv", err, errlen);
    if (!f)
        return -1;
    fputs("indicator,period,published_value,pejl_value,diff_pct,source\n", f);
    for (size_t i = 0; i < rp->n; i++) {
        const struct row *r = &rp->rows[i];
        if (i > 0 && rp->rows[i - 1].ind == r->ind)
            continue;
        for (size_t k = 0; k < r->ind->n_published; k++) {
            const struct published_check *c = &r->published[k];
            char p[PERIOD_TEXT_MAX], v[3][32];
            period_format(&c->figure->period, p, sizeof p);
            fprintf(f, "%s,%s,%s,%s,%s,", r->ind->id, p, csv_number(c->figure->value, v[0], 32),
                    csv_number(c->pejl_value, v[1], 32), csv_number(c->diff_pct, v[2], 32));
            csv_quoted(f, c->figure->source);
            fputc('\n', f);
        }
    }
    return finish(f, "published.csv", err, errlen);
}

static int write_graphs(const char *dir, struct report *rp, struct store *store,
                        const struct report_options *o)
{
    for (size_t i = 0; i < rp->n; i++) {
        struct row *r = &rp->rows[i];
        char png[4400], svg[4400], pdf[4400];
        if (i > 0 && rp->rows[i - 1].ind == r->ind) {
            r->graph = rp->rows[i - 1].graph;
            continue;
        }
        snprintf(png, sizeof png, "%s/graphs/%s.png", dir, r->ind->id);
        snprintf(svg, sizeof svg, "%s/graphs/%s.svg", dir, r->ind->id);
        snprintf(pdf, sizeof pdf, "%s/graphs/%s.pdf", dir, r->ind->id);
        /* the daemon's PNG when its key says it is current; not with the
         * dashed series of --compare-to, which the key does not know */
        if (((rp->compare || !grapher_copy_current(&rp->settings->graphs, store, r->ind->id, rp->now, png)) &&
             report_since_graph(rp->settings, rp->compare, store, r->ind->id, rp->now, png, "PNG") < 0) ||
            (o->svg &&
             report_since_graph(rp->settings, rp->compare, store, r->ind->id, rp->now, svg, "SVG") < 0) ||
            (o->pdf &&
             report_since_graph(rp->settings, rp->compare, store, r->ind->id, rp->now, pdf, "PDF") < 0))
            return -1;
        r->graph = access(png, R_OK) == 0;
    }
    return 0;
}

static int write_status(const char *dir, const struct report *rp, struct store *store,
                        const struct alerting *al, char *err, size_t errlen)
{
    FILE *f = create(dir, "status.json", err, errlen);
    if (!f)
        return -1;
    if (status_print_json(f, rp->settings->graphs.indicators, rp->settings->graphs.n_indicators,
                          store, al, rp->now) < 0) {
        fclose(f);
        snprintf(err, errlen, "cannot write status.json");
        return -1;
    }
    return finish(f, "status.json", err, errlen);
}

/* ---- where it may go ---- */

/* A report replaces its folder whole, so pejl writes only where that loses
 * nothing: a new or empty folder, or an earlier report. Its marker names
 * the folders pejl wrote; the previous version left none, so its complete
 * layout (every part below, nothing else) counts as one too. */
#define MARKER ".pejl-report"
#define WRITING ".writing"
static const char marker_text[] = "pejl report: pejld replaces this folder whole with its next "
                                  "report; keep nothing of yours in it\n";

/* What a folder holds, as far as a report goes. */
struct layout {
    size_t entries;
    bool marker, writing, complete; /* complete: every part the previous version wrote */
    char stray[300];                /* the first entry that is no part of a report */
};

/* ID.EXT, with ID an indicator id and EXT one of `exts`; or ID.EXT.tmp, a
 * graph that a killed run was drawing. */
static bool part_name(const char *name, const char *const *exts)
{
    const char *dot = strchr(name, '.');
    if (!dot || dot == name)
        return false;
    for (const char *p = name; p < dot; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    for (; *exts; exts++) {
        size_t n = strlen(*exts);
        if (strncmp(dot + 1, *exts, n) == 0 && (!dot[n + 1] || strcmp(dot + n + 1, ".tmp") == 0))
            return true;
    }
    return false;
}

static bool marker_ok(int dir)
{
    char text[sizeof marker_text + 1];
    int fd = openat(dir, MARKER, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text) : -1;
    if (fd >= 0)
        close(fd);
    return n == (ssize_t)sizeof marker_text - 1 && memcmp(text, marker_text, (size_t)n) == 0;
}

/* data/ or graphs/: regular files named ID.EXT and nothing else. */
static bool parts_only(int parent, const char *sub, const char *const *exts, struct layout *lo)
{
    int fd = openat(parent, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    struct stat st;
    if (!d) {
        if (fd >= 0)
            close(fd);
        snprintf(lo->stray, sizeof lo->stray, "%s (unreadable)", sub);
        return false;
    }
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
            !part_name(de->d_name, exts)) {
            snprintf(lo->stray, sizeof lo->stray, "%.20s/%.200s", sub, de->d_name);
            break;
        }
    }
    closedir(d);
    return !lo->stray[0];
}

/* One entry at the top of the folder; false when it is no part of a report. */
static bool top_part(int dir, const char *name, struct layout *lo, unsigned *parts)
{
    static const char *const csv[] = {"csv", NULL}, *const drawn[] = {"png", "svg", "pdf", NULL};
    static const char *const files[] = {"index.html", "report.md", "status.json", "status.csv",
                                        "published.csv"};
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return false;
    if (S_ISDIR(st.st_mode) && (strcmp(name, "data") == 0 || strcmp(name, "graphs") == 0)) {
        *parts |= name[0] == 'd' ? 1u << 3 : 1u << 4;
        return parts_only(dir, name, name[0] == 'd' ? csv : drawn, lo);
    }
    if (!S_ISREG(st.st_mode))
        return false;
    for (unsigned i = 0; i < 5; i++)
        if (strcmp(name, files[i]) == 0) {
            *parts |= i < 3 ? 1u << i : 0; /* the CSVs are newer than the layout without a marker */
            return true;
        }
    if (strcmp(name, WRITING) == 0)
        return lo->writing = true;
    return strcmp(name, MARKER) == 0 && (lo->marker = marker_ok(dir));
}

/* What DIR holds; -1 (err set) when it cannot be read. A DIR that is not
 * there holds nothing; one that is not a folder is all stray. */
static int read_layout(const char *dir, struct layout *lo, char *err, size_t errlen)
{
    struct dirent *de;
    unsigned parts = 0;
    *lo = (struct layout){0};
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        if (errno == ENOENT)
            return 0;
        if (errno == ENOTDIR || errno == ELOOP) {
            snprintf(lo->stray, sizeof lo->stray, "itself");
            lo->entries = 1;
            return 0;
        }
        snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) && !lo->stray[0]) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        lo->entries++;
        if (!top_part(dirfd(d), de->d_name, lo, &parts) && !lo->stray[0])
            snprintf(lo->stray, sizeof lo->stray, "%.200s", de->d_name);
    }
    closedir(d);
    lo->complete = parts == 0x1f;
    return 0;
}

static bool earlier_report(const struct layout *lo)
{
    return !lo->stray[0] && (lo->entries == 0 || lo->marker || lo->complete);
}

int report_dir_check(const char *dir, const struct report_keep_out *keep_out, char *real,
                     size_t size, char *err, size_t errlen)
{
    struct layout lo;
    if (report_dir_resolve(dir, real, size, err, errlen) < 0 ||
        report_dir_clash_real(real, keep_out, err, errlen) < 0 ||
        read_layout(real, &lo, err, errlen) < 0)
        return -1;
    if (earlier_report(&lo))
        return 0;
    if (strcmp(lo.stray, "itself") == 0)
        snprintf(
            err, errlen,
            "report directory %s exists and is not a folder; give the report a folder of its own",
            real);
    else
        snprintf(
            err, errlen,
            "report directory %s holds %s, so it is not a pejl report (one holds "
            "only what pejl wrote, and is replaced whole): give the report a new or empty folder, "
            "or move %s away",
            real, lo.stray[0] ? lo.stray : "parts of one without its " MARKER,
            lo.stray[0] ? lo.stray : "them");
    return -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Removes a folder pejl wrote: callers check that it is one first. */
static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* A report run holds a lock on DIR.tmp-PID/.writing while it writes; one
 * that died released it (the kernel drops it with the process, zombie or
 * not), so its folder can go — if it is one: it carries the marker and
 * nothing but parts of a report. */
static bool abandoned(const char *tmp)
{
    char path[4600], err[300];
    struct layout lo;
    if (read_layout(tmp, &lo, err, sizeof err) < 0 || lo.stray[0] || !lo.marker || !lo.writing)
        return false;
    snprintf(path, sizeof path, "%s/" WRITING, tmp);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool free_to_take = flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd);
    return free_to_take;
}

/* Temp folders of report runs that were killed ("DIR.tmp-*" nobody writes). */
static void remove_abandoned(const char *dir)
{
    char parent[2200], prefix[2200];
    const char *slash = strrchr(dir, '/');
    snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - dir) : 1, slash ? dir : ".");
    snprintf(prefix, sizeof prefix, "%s.tmp-", slash ? slash + 1 : dir);
    DIR *d = opendir(parent[0] ? parent : "/");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char path[4500];
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", parent[0] ? parent : "", de->d_name);
        if (abandoned(path))
            remove_tree(path);
    }
    if (d)
        closedir(d);
}

/* The new report takes DIR's place in one step; the old one is removed
 * after — if it still is one (it was checked before the report was drawn). */
static int swap_in(const char *tmp, const char *dir, char *err, size_t errlen)
{
    struct layout lo;
    char why[300];
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        if (read_layout(tmp, &lo, why, sizeof why) == 0 && earlier_report(&lo))
            remove_tree(tmp);
        else
            log_warn("report: what was in %s is kept in %s: it is not a pejl report", dir, tmp);
        return 0;
    }
    if (errno == ENOENT && rename(tmp, dir) == 0)
        return 0;
    snprintf(err, errlen, "cannot put the report in place at %s: %s", dir, strerror(errno));
    return -1;
}

static int write_all_parts(const char *tmp, struct report *rp, struct store *store,
                           const struct alerting *al, const struct report_options *o, char *err,
                           size_t errlen)
{
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/graphs", tmp);
    if (mkdir(sub, 0755) < 0)
        goto fail;
    snprintf(sub, sizeof sub, "%s/data", tmp);
    if (mkdir(sub, 0755) < 0)
        goto fail;
    if (write_graphs(tmp, rp, store, o) < 0) {
        snprintf(err, errlen, "a graph could not be drawn; see the log");
        return -1;
    }
    for (size_t i = 0; i < rp->settings->graphs.n_indicators; i++)
        if (write_data(tmp, store, &rp->settings->graphs.indicators[i], err, errlen) < 0 ||
            report_revisions_write_csv(rp->revisions, tmp, &rp->settings->graphs.indicators[i],
                                       err, errlen) < 0)
            return -1;
    return write_status(tmp, rp, store, al, err, errlen) < 0 || write_html(tmp, rp, err, errlen) < 0 ||
                   write_markdown(tmp, rp, err, errlen) < 0 ||
                   write_status_csv(tmp, rp, err, errlen) < 0 ||
                   write_published_csv(tmp, rp, err, errlen) < 0
               ? -1
               : 0;
fail:
    snprintf(err, errlen, "cannot create %s: %s", sub, strerror(errno));
    return -1;
}

/* DIR.tmp-PID, locked (its .writing) and marked as pejl's; -1 when not made. */
static int make_temp(const char *tmp, int *lock, char *err, size_t errlen)
{
    char path[2300];
    if (mkdir(tmp, 0755) < 0) {
        snprintf(err, errlen, "cannot create %s: %s%s", tmp, strerror(errno),
                 errno == EEXIST ? " (not a report run's: move it away)" : "");
        return -1;
    }
    snprintf(path, sizeof path, "%s/" WRITING, tmp);
    *lock = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (*lock < 0 || flock(*lock, LOCK_EX) < 0) {
        snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
        goto fail;
    }
    snprintf(path, sizeof path, "%s/" MARKER, tmp);
    FILE *f = fopen(path, "wex");
    if (!f || fputs(marker_text, f) < 0 || fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        goto fail;
    }
    return 0;
fail:
    if (*lock >= 0)
        close(*lock);
    *lock = -1;
    remove_tree(tmp); /* made just now, by us */
    return -1;
}

int report_write(const char *dir, const struct report_settings *settings, struct store *store,
                 const struct alerting *alerting, int64_t now, const struct report_options *o,
                 char *err, size_t errlen)
{
    struct report rp = {.settings = settings, .w = words_for(settings->graphs.language),
                        .now = now, .compare = o->compare};
    struct report_since since;
    char target[2100], tmp[2200], path[2300];
    int lock = -1;
    if (report_dir_check(dir, &settings->keep_out, target, sizeof target, err, errlen) < 0)
        return -1;
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", target, (int)getpid());
    remove_abandoned(target);
    snprintf(path, sizeof path, "%s", target);
    char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        *slash = '\0';
        if (store_make_directories(path, err, errlen) < 0)
            return -1;
    }
    if (make_temp(tmp, &lock, err, errlen) < 0)
        return -1;
    int rc = gather(&rp, store, alerting);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
    /* the history up to what the store knows (as_of), revisions since compare_to */
    if (rc == 0 && !(rp.revisions = report_revisions_read(settings->keep_out.state_dir,
                                                          o->compare_to, o->as_of, err, errlen)))
        rc = -1;
    if (rc == 0 && o->compare &&
        (rc = report_since_build(&since, o->compare, settings, store, alerting, now, err, errlen)) == 0)
        rp.since = &since;
    if (rc == 0)
        rc = write_all_parts(tmp, &rp, store, alerting, o, err, errlen);
    if (rc == 0) /* once more: the folder may have changed while the report was drawn */
        rc = report_dir_check(target, &settings->keep_out, path, sizeof path, err, errlen);
    if (rc == 0)
        rc = swap_in(tmp, target, err, errlen);
    if (rc == 0) { /* the lock file came along; it is not part of the report */
        snprintf(path, sizeof path, "%s/" WRITING, target);
        unlink(path);
    }
    if (rc < 0)
        remove_tree(tmp); /* the previous report stays as it was */
    close(lock);
    if (rp.since)
        report_since_free(&since);
    for (size_t i = 0; i < rp.n; i++)
        free(rp.rows[i].published);
    free(rp.rows);
    report_revisions_free(rp.revisions);
    return rc;
}
