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
#include <time.h>
#include <unistd.h>

#include "assess.h"
#include "csv_field.h"
#include "graph_plan.h"
#include "grapher.h"
#include "log.h"
#include "period.h"
#include "projection.h"
#include "report_revisions.h"
#include "report_since.h"
#include "status.h"
#include "timestamp.h"
#include "value.h"
#include "number_format.h"

/* The status table's columns, in order. */
enum column {
    COL_PM,
    COL_TITLE,
    COL_LATEST,
    COL_COMPARED,
    COL_TARGET,
    COL_PATH,
    COL_GAP,
    COL_PROGRESS,
    COL_DISTANCE,
    COL_PROJECTION,
    COL_ALERT,
    COL_COLLECTED,
    COLUMNS
};

struct row {
    const struct indicator *ind;
    const struct target *target; /* NULL: no target */
    struct evaluation e;
    const struct alert *alert;
    bool silenced, graph;
    int64_t collected;
    int64_t vintage;                   /* of the latest figure; 0 without one */
    struct published_check *published; /* the indicator's published figures beside pejl's */
};

/* What every section of the report reads. A section is a function
 * `void (FILE *, const struct report *)` called in the order of
 * html_sections[] and markdown_sections[] below. */
struct report {
    const struct report_settings *settings;
    const struct words *w;
    enum language language;
    struct row *rows; /* pejlemærker 1..6 in order, then context series */
    size_t n;
    int64_t now;
    struct store *store;
    const struct alerting *alerting;
    const char *dir; /* the folder being written */
    const struct report_compare *compare; /* --compare-to, or NULL */
    const struct report_since *since;     /* what changed since then, or NULL */
    struct report_revisions *revisions; /* report_revisions.h */
};

/* ---- what is in it ---- */

static bool english(const struct report *rp)
{
    return rp->language == LANGUAGE_EN;
}

/* A rank: a rank target, a derived rank, or a series kept as one (its
 * unit says "placering" or "rank", as the catalogue's manual ranks do). */
static bool is_rank(const struct indicator *ind)
{
    for (size_t i = 0; i < ind->n_targets; i++)
        if (ind->targets[i].kind == TARGET_RANK)
            return true;
    return ind->derive.combine == COMBINE_RANK || strncmp(ind->unit, "placering", 9) == 0 ||
           strncmp(ind->unit, "rank", 4) == 0;
}

/* One decimal, none for large figures (6.044.961 inhabitants, not
 * 6.044.961,0), thousands separated, the real minus sign; "–" for none. */
static const char *number(double v, const struct report *rp, char *buf, size_t size)
{
    number_format_grouped(rp->language, v, fabs(v) >= 10000 ? 0 : 1, buf, size);
    return buf;
}

/* A date for people: "1. oktober 2025" / "1 October 2025". */
static const char *date_words(const struct report *rp, int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || number_format_date(rp->language, tm.tm_year + 1900, tm.tm_mon + 1,
                                                  tm.tm_mday, buf, size) < 0)
        snprintf(buf, size, "%s", NUMBER_FORMAT_NONE);
    return buf;
}

/* "189,0 mia. kr.", "63.000 personer", a rank "3. plads" / "3rd place". */
static const char *figure_with_unit(const struct report *rp, const struct indicator *ind, double v,
                                    char *buf, size_t size)
{
    char a[64];
    if (is_rank(ind) && isfinite(v)) {
        number_format_rank(rp->language, v, a, sizeof a);
        snprintf(buf, size, "%s %s", a, rp->language == LANGUAGE_EN ? "place" : "plads");
        return buf;
    }
    number_format_unit(rp->language, number(v, rp, a, sizeof a), ind->unit, buf, size);
    return buf;
}

static void target_words(const struct report *rp, const struct row *r, char *buf, size_t size)
{
    const struct words *w = rp->w;
    const struct target *t = r->target;
    char v[64], b[PERIOD_TEXT_MAX], u[160];
    if (!t) {
        snprintf(buf, size, "%s", NUMBER_FORMAT_NONE);
        return;
    }
    number_format_grouped(rp->language, t->value, number_format_step_decimals(t->value), v,
                          sizeof v);
    number_format_unit(rp->language, v, r->ind->unit, u, sizeof u);
    period_format(&t->baseline, b, sizeof b);
    switch (t->kind) {
    case TARGET_PATH:
        snprintf(buf, size, "%s %s %d", u, w->in_year, t->year);
        break;
    case TARGET_ABOVE_BASELINE: snprintf(buf, size, "> %s %s, %d", w->level_of, b, t->year); break;
    case TARGET_RANK: snprintf(buf, size, "%s %d, %d", w->top, t->top, t->year); break;
    case TARGET_TREND: snprintf(buf, size, "%s", t->direction > 0 ? w->trend_up : w->trend_down); break;
    }
}

/* An alert rule's name in the report's language. */
static const char *rule_words(const struct report *rp, const char *rule)
{
    static const char *const names[][3] = {
        {"progress", "fremdrift", "progress"},
        {"path_gap", "afstand til stien", "path gap"},
        {"projection", "fremskrivning", "projection"},
        {"baseline", "basisniveau", "baseline"},
        {"rank", "placering", "rank"},
        {"range", "interval", "range"},
        {"stale", "forældet", "stale"},
        {"collect", "indsamling", "collection"},
        {"revision", "revision", "revision"},
        {"reconcile", "afstemning", "reconciliation"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(rule, names[i][0]) == 0)
            return names[i][rp->language == LANGUAGE_EN ? 2 : 1];
    return rule;
}

/* The alert, secondary to the progress: "Advarsel: forældet", "OK", "–". */
static void alert_words(const struct report *rp, const struct row *r, char *buf, size_t size)
{
    static const char *const da[] = {"OK", "Advarsel", "Kritisk", "Ukendt"};
    static const char *const en[] = {"OK", "Warning", "Critical", "Unknown"};
    const struct alert *a = r->alert;
    if (!a) {
        snprintf(buf, size, "%s", NUMBER_FORMAT_NONE);
        return;
    }
    const char *state = (rp->language == LANGUAGE_EN ? en : da)[a->state];
    if (a->state == ALERT_OK)
        snprintf(buf, size, "%s", state);
    else
        snprintf(buf, size, "%s: %s%s", state, rule_words(rp, a->rule),
                 !r->silenced                  ? ""
                 : rp->language == LANGUAGE_EN ? " (silenced)"
                                               : " (dæmpet)");
}

/* "151,8 (2024-09–2025-08)": the compared figure with its periods, or "–". */
static void compared_words(const struct report *rp, const struct row *r, char *buf, size_t size)
{
    char a[32], from[PERIOD_TEXT_MAX], to[PERIOD_TEXT_MAX];
    if (isnan(r->e.compared_value)) {
        snprintf(buf, size, "%s", NUMBER_FORMAT_NONE);
        return;
    }
    period_format(&r->e.compared_from, from, sizeof from);
    period_format(&r->e.compared_to, to, sizeof to);
    snprintf(buf, size, "%s (%s–%s)", number(r->e.compared_value, rp, a, sizeof a), from, to);
}

/* When the figures were fetched. A report drawn for an earlier status date
 * (--now) than the fetch must not show a fetch after its own date as if it
 * had happened then: the cell says so, and a note under the table the date. */
static void collected_words(const struct report *rp, const struct row *r, char *buf, size_t size)
{
    if (!r->collected)
        snprintf(buf, size, "%s", NUMBER_FORMAT_NONE);
    else if (r->collected > rp->now)
        snprintf(buf, size, "%s",
                 rp->language == LANGUAGE_EN ? "after the status date" : "efter statusdatoen");
    else
        date_words(rp, r->collected, buf, size);
}

/* The progress in words: "i risiko", "på sporet (forældet)", "–". */
static void progress_words(const struct report *rp, const struct row *r, char *buf, size_t size)
{
    const struct words *w = rp->w;
    snprintf(buf, size, "%s%s%s%s", r->target ? w->categories[r->e.progress] : NUMBER_FORMAT_NONE,
             r->e.stale ? " (" : "", r->e.stale ? w->stale : "", r->e.stale ? ")" : "");
}

/* The cells of one row, in the table's order. */
static void cells(const struct report *rp, const struct row *r, char out[COLUMNS][200])
{
    char a[64];
    snprintf(out[COL_TITLE], 200, "%s", r->ind->title);
    snprintf(out[COL_PM], 200, "%d", r->ind->pejlemaerke);
    if (!isnan(r->e.days_since_period_end)) {
        char p[PERIOD_TEXT_MAX], v[160];
        period_format(&r->e.latest, p, sizeof p);
        if (isnan(r->e.latest_value)) /* a panel kept as members: its newest period */
            snprintf(out[COL_LATEST], 200, "%s", p);
        else
            snprintf(out[COL_LATEST], 200, "%s: %s", p,
                     figure_with_unit(rp, r->ind, r->e.latest_value, v, sizeof v));
    } else {
        snprintf(out[COL_LATEST], 200, "%s", rp->w->no_data);
    }
    compared_words(rp, r, out[COL_COMPARED], 200);
    target_words(rp, r, out[COL_TARGET], 200);
    snprintf(out[COL_PATH], 200, "%s", number(r->e.path_value, rp, a, sizeof a));
    number_format_percent(rp->language, r->e.gap_pct, 1, NUMBER_FORMAT_PLUS, out[COL_GAP], 200);
    progress_words(rp, r, out[COL_PROGRESS], 200);
    number_format(rp->language, r->e.time_distance_years, 1, NUMBER_FORMAT_PLUS, out[COL_DISTANCE],
                  200);
    snprintf(out[COL_PROJECTION], 200, "%s", number(r->e.projection, rp, a, sizeof a));
    alert_words(rp, r, out[COL_ALERT], 200);
    collected_words(rp, r, out[COL_COLLECTED], 200);
}

/* Pejlemærker 1..6 in their order, then the context series (0); an
 * indicator's rows stay together and in the config's order (stable). */
static int row_order(const struct row *r)
{
    return r->ind->pejlemaerke > 0 ? r->ind->pejlemaerke : 1000;
}

static void sort_rows(struct report *rp)
{
    for (size_t i = 1; i < rp->n; i++) {
        struct row r = rp->rows[i];
        size_t k = i;
        for (; k > 0 && row_order(&rp->rows[k - 1]) > row_order(&r); k--)
            rp->rows[k] = rp->rows[k - 1];
        rp->rows[k] = r;
    }
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
            *r = (struct row){.ind = ind,
                              .target = ind->n_targets ? &ind->targets[k] : NULL,
                              .e = evals[k],
                              .collected = rec ? rec->last_success : 0,
                              .vintage = latest ? latest->vintage : 0};
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

void report_html_escaped(FILE *f, const char *s)
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

static const char *const heads_da[] = {
    "PM",        "Indikator", "Seneste",          "12 mdr. gns.",  "Mål",   "Stiens værdi",
    "Afvigelse", "Fremdrift", "Tidsafstand (år)", "Fremskrivning", "Alarm", "Sidst hentet"};
static const char *const heads_en[] = {"PM",         "Indicator", "Latest",
                                       "12-mo mean", "Target",    "Path value",
                                       "Gap",        "Progress",  "Time distance (years)",
                                       "Projection", "Alert",     "Last collected"};

static const char *const *heads(const struct report *rp)
{
    return rp->language == LANGUAGE_EN ? heads_en : heads_da;
}

/* A4 with 15 mm margins leaves 18 cm: a figure is 16 cm wide, kept whole
 * on one page with its caption, its border inside its width (box-sizing),
 * so print loses no edge of it. */
static const char *css =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;color:#222;max-width:60em}"
    "h1{font-size:1.5em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    "h3{font-size:1.05em;margin:1.4em 0 .4em}"
    "table{border-collapse:collapse;width:100%;font-size:.85em}"
    "th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top;"
    "hyphens:auto}td.title{overflow-wrap:anywhere;min-width:11em}"
    "th{background:#eef2f6}td.num{text-align:right;white-space:nowrap}"
    "td.progress{font-weight:bold}"
    "td.p1{background:#d8efdc;color:#14532d}td.p2{background:#fcefc7;color:#6b4a00}"
    "td.p3{background:#f8d7d3;color:#7a1f16}td.p4{background:#eab7b1;color:#5c0f08}"
    "td.p0{background:#ececec;color:#444}"
    "td.alert{color:#555;font-size:.9em}"
    "figure{margin:1em 0;break-inside:avoid;page-break-inside:avoid}"
    "figure img{display:block;width:16cm;max-width:100%;height:auto;box-sizing:border-box;"
    "border:1px solid #ccc}"
    "figcaption{font-size:.85em;color:#555;margin-top:.3em}"
    "p.note{font-size:.85em;color:#555}"
    "p.illustrative{background:#fbe3e0;border:2px solid #B03A2E;color:#7a1f16;padding:.6em 1em;"
    "font-size:1.2em}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{margin:0;max-width:none}table{font-size:7.5pt}th,td{padding:.2em .3em}"
    "h2,h3{break-after:avoid;page-break-after:avoid}tr{break-inside:avoid}"
    "a{color:inherit;text-decoration:none}}";

/* ---- per indicator: the latest and compared figures, the published ones ---- */

/* "Seneste 2025-08: 162,6 indeks · 12 mdr. gns.: 151,8 (2024-09–2025-08),
 * sammenlignet med basisår 2024"; "" without a value. The latest period
 * is the indicator's; a compared figure is a target's (the first that has one). */
static void latest_sentence(const struct report *rp, const struct row *first, char *buf,
                            size_t size)
{
    const struct words *w = rp->w;
    const struct row *cmp = NULL;
    char p[PERIOD_TEXT_MAX], a[160], c[120], base[PERIOD_TEXT_MAX];
    buf[0] = '\0';
    if (isnan(first->e.latest_value))
        return;
    for (const struct row *r = first; r < rp->rows + rp->n && r->ind == first->ind && !cmp; r++)
        cmp = isnan(r->e.compared_value) ? NULL : r;
    period_format(&first->e.latest, p, sizeof p);
    int n = snprintf(buf, size, "%s %s: %s", w->latest, p,
                     figure_with_unit(rp, first->ind, first->e.latest_value, a, sizeof a));
    if (!cmp || n < 0 || (size_t)n >= size)
        return;
    compared_words(rp, cmp, c, sizeof c);
    period_format(&cmp->target->baseline, base, sizeof base);
    snprintf(buf + n, size - (size_t)n, " · %s: %s, %s %s", w->compared_mean, c, w->compared_with,
             base);
}

/* The points evaluate.c fits its trend to: the indicator's own values of
 * the last `window_years` up to the latest, as the graph's band uses them. */
#define WINDOW_MAX 512
static size_t window_points(const struct report *rp, const struct row *r, double *years,
                            double *values)
{
    const struct series *s = store_series(rp->store, r->ind->id);
    size_t k = 0;
    if (!s || isnan(r->e.latest_value))
        return 0;
    double latest = evaluate_year_of(period_end(&r->e.latest));
    double from = latest - (r->target->window_years > 0 ? r->target->window_years : 5);
    for (size_t i = 0; i < s->n && k < WINDOW_MAX; i++) {
        const struct pejl_observation *o = &s->items[i].obs;
        double when = evaluate_year_of(period_end(&o->period));
        if (o->period.kind == r->ind->frequency && !isnan(o->value) && when >= from - 1e-6 &&
            when <= latest + 1e-6)
            years[k] = when, values[k++] = o->value;
    }
    return k;
}

/* A path target's projection to its year with the 80 % band and the
 * probability of reaching the target at that trend (projection.h, the
 * graphs' method); false when there is no band (fewer than three points). */
static bool row_projection(const struct report *rp, const struct row *r, struct projection *out)
{
    double years[WINDOW_MAX], values[WINDOW_MAX];
    const struct target *t = r->target;
    if (!t || t->kind != TARGET_PATH || r->e.final)
        return false;
    size_t k = window_points(rp, r, years, values);
    int direction = isnan(r->e.baseline_value) || t->value >= r->e.baseline_value ? 1 : -1;
    projection_fit(years, values, k, (double)t->year + 1, PROJECTION_LEVEL, t->value, direction,
                   out);
    return !isnan(out->probability) && !isnan(out->low);
}

/* "Fremskrivning til 2030: 292,0 mia. kr. (80 %-interval 265,1–321,6);
 * sandsynlighed for at nå målet ved samme trend: 3 %". "" without a band. */
static void projection_sentence(const struct report *rp, const struct row *r, char *buf,
                                size_t size)
{
    struct projection pr;
    char centre[160], low[64], high[64], target[160], chance[64];
    buf[0] = '\0';
    if (!row_projection(rp, r, &pr))
        return;
    figure_with_unit(rp, r->ind, pr.centre, centre, sizeof centre);
    number(pr.low, rp, low, sizeof low);
    number(pr.high, rp, high, sizeof high);
    target_words(rp, r, target, sizeof target);
    projection_chance_text(rp->language, pr.probability, chance, sizeof chance);
    snprintf(buf, size,
             english(rp) ? "Projection to %d: %s (80 %% interval %s–%s); probability of reaching "
                           "%s at this trend: %s"
                         : "Fremskrivning til %d: %s (80 %%-interval %s–%s); sandsynlighed for at "
                           "nå %s ved samme trend: %s",
             r->target->year, centre, low, high, target, chance);
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
    snprintf(out[1], 300, "%s", number(c->figure->value, rp, a, sizeof a));
    snprintf(out[2], 300, "%s", number(c->pejl_value, rp, a, sizeof a));
    number_format_percent(rp->language, c->diff_pct, 1, NUMBER_FORMAT_PLUS, out[3], 300);
    snprintf(out[4], 300, "%s", c->figure->source);
}

static void html_published(FILE *f, const struct report *rp, const struct row *r)
{
    const char *const *heads =
        rp->language == LANGUAGE_EN ? published_heads_en : published_heads_da;
    char c[5][300];
    if (!r->ind->n_published)
        return;
    fprintf(f, "<table class=\"published\" data-indicator=\"%s\"><caption>%s — ", r->ind->id,
            rp->w->published_figures);
    report_html_escaped(f, r->ind->title);
    fputs("</caption><thead><tr>", f);
    for (int i = 0; i < 5; i++)
        fprintf(f, "<th>%s</th>", heads[i]);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t k = 0; k < r->ind->n_published; k++) {
        published_cells(rp, &r->published[k], c);
        fputs("<tr>", f);
        for (int i = 0; i < 5; i++) {
            fputs("<td>", f);
            report_html_escaped(f, c[i]);
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
    char text[600];
    latest_sentence(rp, r, text, sizeof text);
    if (text[0]) {
        fprintf(f, "<p class=\"figures\" data-indicator=\"%s\">", r->ind->id);
        report_html_escaped(f, text);
        fputs("</p>\n", f);
    }
    for (const struct row *t = r; t < rp->rows + rp->n && t->ind == r->ind; t++) {
        projection_sentence(rp, t, text, sizeof text);
        if (text[0]) {
            fprintf(f, "<p class=\"projection\" data-indicator=\"%s\">", r->ind->id);
            report_html_escaped(f, text);
            fputs("</p>\n", f);
        }
    }
    html_published(f, rp, r);
}

static void markdown_figures(FILE *f, const struct report *rp, const struct row *r)
{
    const char *const *heads =
        rp->language == LANGUAGE_EN ? published_heads_en : published_heads_da;
    char text[400], c[5][300];
    latest_sentence(rp, r, text, sizeof text);
    if (text[0])
        fprintf(f, "\n%s\n", text);
    for (const struct row *t = r; t < rp->rows + rp->n && t->ind == r->ind; t++) {
        projection_sentence(rp, t, text, sizeof text);
        if (text[0])
            fprintf(f, "\n%s\n", text);
    }
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
    report_html_escaped(f, rp->w->illustrative);
    fputs("</strong>", f);
    if (n < all) {
        fputs(": ", f);
        for (size_t i = 0, said = 0; i < rp->n; i++)
            if (rp->rows[i].ind->illustrative &&
                (i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind)) {
                fputs(said++ ? ", " : "", f);
                report_html_escaped(f, rp->rows[i].ind->title);
            }
    }
    fputs("</p>\n", f);
}

/* The first row of each indicator, in the report's order. */
static bool first_of_indicator(const struct report *rp, size_t i)
{
    return i == 0 || rp->rows[i - 1].ind != rp->rows[i].ind;
}

/* The cells of a source row: indicator, source (name and table), data to,
 * last collected, vintage of the latest figure. */
static void source_cells(const struct report *rp, const struct row *r, char out[5][300])
{
    size_t all, n = count_illustrative(rp, &all);
    bool mark = r->ind->illustrative && n < all; /* all of them: the banner says so */
    snprintf(out[0], 300, "%s", r->ind->title);
    snprintf(out[1], 300, "%s%s%s%s", r->ind->source_name, mark ? " (" : "",
             mark ? rp->w->illustrative : "", mark ? ")" : "");
    if (!isnan(r->e.days_since_period_end))
        period_format(&r->e.latest, out[2], 300);
    else
        snprintf(out[2], 300, "%s", NUMBER_FORMAT_NONE);
    collected_words(rp, r, out[3], 300);
    if (r->vintage && r->vintage <= rp->now)
        date_words(rp, r->vintage, out[4], 300);
    else if (r->vintage)
        collected_words(rp, &(struct row){.collected = r->vintage}, out[4], 300);
    else
        snprintf(out[4], 300, "%s", NUMBER_FORMAT_NONE);
}

static const char *const source_heads_da[] = {"Indikator", "Kilde og tabel", "Data til og med",
                                              "Sidst hentet", "Årgang (seneste tal)"};
static const char *const source_heads_en[] = {"Indicator", "Source and table", "Data to",
                                              "Last collected", "Vintage (latest figure)"};

/* Each indicator and its source, once. */
static void html_sources(FILE *f, const struct report *rp)
{
    const char *const *h = rp->language == LANGUAGE_EN ? source_heads_en : source_heads_da;
    char c[5][300];
    fprintf(f, "<h2>%s</h2>\n<table id=\"sources\"><thead><tr>", rp->w->sources);
    for (int i = 0; i < 5; i++)
        fprintf(f, "<th>%s</th>", h[i]);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < rp->n; i++) {
        if (!first_of_indicator(rp, i))
            continue;
        source_cells(rp, &rp->rows[i], c);
        fprintf(f, "<tr data-indicator=\"%s\">", rp->rows[i].ind->id);
        for (int k = 0; k < 5; k++) {
            fputs("<td>", f);
            report_html_escaped(f, c[k]);
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* A Markdown table row; a '|' in a cell must not end its column. */
static void markdown_cells(FILE *f, char *const *c, int n)
{
    fputc('|', f);
    for (int k = 0; k < n; k++) {
        for (char *p = c[k]; *p; p++)
            if (*p == '|')
                *p = '/';
        fprintf(f, " %s |", c[k]);
    }
    fputc('\n', f);
}

static void markdown_heads(FILE *f, const char *const *h, int n)
{
    fputc('|', f);
    for (int i = 0; i < n; i++)
        fprintf(f, " %s |", h[i]);
    fputs("\n|", f);
    for (int i = 0; i < n; i++)
        fputs(" --- |", f);
    fputc('\n', f);
}

static void markdown_sources(FILE *f, const struct report *rp)
{
    char c[5][300];
    fprintf(f, "\n## %s\n\n", rp->w->sources);
    markdown_heads(f, rp->language == LANGUAGE_EN ? source_heads_en : source_heads_da, 5);
    for (size_t i = 0; i < rp->n; i++) {
        if (!first_of_indicator(rp, i))
            continue;
        source_cells(rp, &rp->rows[i], c);
        markdown_cells(f, (char *[]){c[0], c[1], c[2], c[3], c[4]}, 5);
    }
}

/* ---- the sections, in order ---- */

/* "Status for pejlemærkerne, 1. oktober 2025". */
static void title_words(const struct report *rp, char *buf, size_t size)
{
    char when[64];
    snprintf(buf, size, "%s, %s",
             english(rp) ? "Status of the targets" : "Status for pejlemærkerne",
             date_words(rp, rp->now, when, sizeof when));
}

/* The columns of the pejlemærker's table, and of the context series'. */
static const enum column target_columns[] = {
    COL_PM,  COL_TITLE,    COL_LATEST,   COL_COMPARED,   COL_TARGET, COL_PATH,
    COL_GAP, COL_PROGRESS, COL_DISTANCE, COL_PROJECTION, COL_ALERT,  COL_COLLECTED};
static const enum column context_columns[] = {COL_TITLE, COL_LATEST, COL_ALERT, COL_COLLECTED};

static bool is_context(const struct row *r)
{
    return r->ind->pejlemaerke == 0;
}

static const char *cell_class(const struct row *r, enum column c, char *buf, size_t size)
{
    buf[0] = '\0';
    if (c == COL_PROGRESS && r->target)
        snprintf(buf, size, " class=\"progress p%d\"", (int)r->e.progress);
    else if (c == COL_ALERT)
        snprintf(buf, size, " class=\"alert\"");
    else if (c == COL_TITLE)
        snprintf(buf, size, " class=\"title\"");
    else if (c == COL_PATH || c == COL_GAP || c == COL_DISTANCE || c == COL_PROJECTION ||
             c == COL_PM)
        snprintf(buf, size, " class=\"num\"");
    return buf;
}

static void html_row(FILE *f, const struct report *rp, const struct row *r,
                     const enum column *columns, size_t n)
{
    char c[COLUMNS][200], cls[64];
    cells(rp, r, c);
    fprintf(f, "<tr class=\"%s\" data-indicator=\"%s\">",
            r->alert ? alert_state_name(r->alert->state) : "none", r->ind->id);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "<td%s>", cell_class(r, columns[i], cls, sizeof cls));
        report_html_escaped(f, c[columns[i]]);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

/* The columns of the table; "Sidst hentet" last, and left out when no
 * figure was fetched by the status date (the note under the table says when). */
static size_t table_columns(const struct report *rp, bool context, const enum column **columns)
{
    bool fetched = false;
    for (size_t i = 0; i < rp->n; i++)
        fetched |= rp->rows[i].collected && rp->rows[i].collected <= rp->now;
    *columns = context ? context_columns : target_columns;
    size_t n = context ? sizeof context_columns / sizeof *context_columns
                       : sizeof target_columns / sizeof *target_columns;
    return fetched ? n : n - 1;
}

/* The table of the rows that are (or are not) context series. */
static void html_table(FILE *f, const struct report *rp, bool context)
{
    const enum column *columns;
    size_t n = table_columns(rp, context, &columns);
    fprintf(f, "<table id=\"%s\"><thead><tr>", context ? "context" : "status");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "<th>%s</th>", heads(rp)[columns[i]]);
    fputs("</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < rp->n; i++)
        if (is_context(&rp->rows[i]) == context)
            html_row(f, rp, &rp->rows[i], columns, n);
    fputs("</tbody></table>\n", f);
}

/* Under the table, when the figures were fetched after the status date:
 * the report is drawn for an earlier day than its data were fetched. */
static void fetched_note(const struct report *rp, char *buf, size_t size)
{
    int64_t last = 0;
    char when[64], status[64];
    buf[0] = '\0';
    for (size_t i = 0; i < rp->n; i++)
        if (rp->rows[i].collected > last)
            last = rp->rows[i].collected;
    if (last <= rp->now)
        return;
    date_words(rp, last, when, sizeof when);
    date_words(rp, rp->now, status, sizeof status);
    snprintf(buf, size,
             english(rp) ? "The figures were collected up to %s, after the status date %s: the "
                           "status is evaluated as at %s, from the figures held when the report "
                           "was drawn."
                         : "Tallene er hentet senest %s, efter statusdatoen %s: status er "
                           "beregnet pr. %s ud fra de tal, pejl havde, da rapporten blev lavet.",
             when, status, status);
}

static void html_head(FILE *f, const struct report *rp)
{
    char title[200];
    title_words(rp, title, sizeof title);
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
            "<title>pejl — ",
            english(rp) ? "en" : "da");
    report_html_escaped(f, title);
    fprintf(f, "</title><style>%s</style></head><body>\n<h1>", css);
    report_html_escaped(f, title);
    fputs("</h1>\n", f);
}

/* The width and height of a PNG from its header; false when it is none. */
static bool png_size(const char *dir, const char *id, unsigned *width, unsigned *height)
{
    char path[4400];
    unsigned char h[24];
    snprintf(path, sizeof path, "%s/graphs/%s.png", dir, id);
    FILE *f = fopen(path, "rbe");
    size_t n = f ? fread(h, 1, sizeof h, f) : 0;
    if (f)
        fclose(f);
    if (n != sizeof h || memcmp(h + 12, "IHDR", 4) != 0)
        return false;
    *width = (unsigned)h[16] << 24 | (unsigned)h[17] << 16 | (unsigned)h[18] << 8 | h[19];
    *height = (unsigned)h[20] << 24 | (unsigned)h[21] << 16 | (unsigned)h[22] << 8 | h[23];
    return *width > 0 && *height > 0;
}

/* 16 cm at CSS's 96 px per inch: the width a figure is printed at. */
#define FIGURE_CSS_PX 605

/* An indicator's graph, its caption, its figures in words and its
 * published figures. The image carries its size for 16 cm, so the page is
 * laid out before it loads and prints at the width its text was drawn for. */
static void html_indicator(FILE *f, const struct report *rp, const struct row *r)
{
    unsigned width, height;
    if (r->ind->pejlemaerke > 0)
        fprintf(f, "<h3 id=\"h-%s\">%s %d · ", r->ind->id, rp->w->pejlemaerke, r->ind->pejlemaerke);
    else
        fprintf(f, "<h3 id=\"h-%s\">", r->ind->id);
    report_html_escaped(f, r->ind->title);
    fputs("</h3>\n", f);
    if (r->graph) {
        fprintf(f, "<figure id=\"%s\"><img src=\"graphs/%s.png\"", r->ind->id, r->ind->id);
        if (png_size(rp->dir, r->ind->id, &width, &height))
            fprintf(f, " width=\"%d\" height=\"%u\"", FIGURE_CSS_PX,
                    (unsigned)((double)height * FIGURE_CSS_PX / width + 0.5));
        fputs(" alt=\"", f);
        report_html_escaped(f, r->ind->title);
        fprintf(f, "\"><figcaption>%s: ", rp->w->source);
        report_html_escaped(f, r->ind->source_name);
        fprintf(f, " · <a href=\"data/%s.csv\">data/%s.csv</a></figcaption></figure>\n", r->ind->id,
                r->ind->id);
    }
    html_figures(f, rp, r);
}

static void html_indicators(FILE *f, const struct report *rp, bool context)
{
    for (size_t i = 0; i < rp->n; i++)
        if (first_of_indicator(rp, i) && is_context(&rp->rows[i]) == context)
            html_indicator(f, rp, &rp->rows[i]);
}

static bool any_context(const struct report *rp, bool context)
{
    for (size_t i = 0; i < rp->n; i++)
        if (is_context(&rp->rows[i]) == context)
            return true;
    return false;
}

/* The pejlemærker: the table, then each with its graph, in order. */
static void html_targets(FILE *f, const struct report *rp)
{
    char note[600];
    if (!any_context(rp, false))
        return;
    fprintf(f, "<h2>%s</h2>\n", english(rp) ? "The targets (pejlemærker)" : "Pejlemærkerne");
    html_table(f, rp, false);
    fetched_note(rp, note, sizeof note);
    if (note[0]) {
        fputs("<p class=\"note\" id=\"fetched\">", f);
        report_html_escaped(f, note);
        fputs("</p>\n", f);
    }
    html_indicators(f, rp, false);
}

/* Context series: figures the targets are read against, not targets. */
static void html_context(FILE *f, const struct report *rp)
{
    if (!any_context(rp, true))
        return;
    fprintf(f, "<h2>%s</h2>\n", english(rp) ? "Context series" : "Kontekstserier");
    html_table(f, rp, true);
    html_indicators(f, rp, true);
}

/* What the words and figures mean, as paragraphs (the same in Markdown). */
static const char *const method_da[] = {
    "Mål og målsti. Hvert pejlemærke måles mod sit mål i strategien. Et mål for et niveau i et "
    "år (fx 350 mia. kr. i 2030) giver en målsti fra basisåret med en jævn årlig vækstrate "
    "(eller en ret linje, hvor målet siger det). Stiens værdi er stien i den seneste periode, "
    "afvigelsen er det seneste tal mod stien i procent, og tidsafstanden er, hvor mange år tallet "
    "er foran (+) eller bagud (−) for stien.",
    "Fremdrift. Som i Eurostats opfølgning på FN's verdensmål sammenholdes den faktiske årlige "
    "vækst over de seneste (op til) fem år med den vækst, målet kræver: på sporet ved mindst 95 % "
    "af den krævede vækst, i risiko ved mindst 60 %, ikke på sporet under det, og bevæger sig "
    "væk, når tallet går den forkerte vej. Et mål over et basisniveau er på sporet på eller over "
    "basisåret og i risiko ned til 2 % under; et trendmål er på sporet ved mindst 1 % om året i "
    "den rigtige retning. Tærsklerne kan sættes pr. mål.",
    "Fremskrivning. En log-lineær trend (mindste kvadraters metode på tallenes logaritme, lineær "
    "hvis et tal ikke er positivt) over vurderingsperioden, forlænget til målåret. Den siger, "
    "hvor tallet ender, hvis udviklingen fortsætter som hidtil — ikke en prognose. Båndet om "
    "fremskrivningen er et 80 %-prædiktionsinterval ud fra trendens residualer (Students "
    "t-fordeling med n − 2 frihedsgrader, bredere jo længere fremskrivningen rækker), og "
    "sandsynligheden for at nå målet er andelen af den fordeling, der når målet i målåret.",
    "Placering. Danmarks plads blandt de sammenlignede lande (1 = bedst); målet er en plads i "
    "top N i målåret.",
    "Forældet. Et tal er forældet, når der ikke er kommet en nyere periode inden for den normale "
    "offentliggørelsesfrist (årstal 400 dage efter periodens slutning, kvartaler 120, måneder "
    "75).",
    "Revisioner. pejl gemmer hvert tal, det har set, med dets årgang (hvornår det blev hentet); "
    "et revideret tal erstatter ikke det gamle i journalen, og en revision af et offentliggjort "
    "tal giver en alarm.",
};
static const char *const method_en[] = {
    "Targets and paths. Each target (pejlemærke) is measured against the strategy's goal. A "
    "level to reach in a year (e.g. 350 bn DKK in 2030) gives a path from the baseline year at "
    "a constant annual growth rate (or a straight line where the target says so). The path "
    "value is the path at the latest period, the gap is the latest figure against the path in "
    "per cent, and the time distance is how many years the figure is ahead of (+) or behind "
    "(−) the path.",
    "Progress. As in Eurostat's monitoring of the UN Sustainable Development Goals, the actual "
    "annual growth over the last (up to) five years is set against the growth the target "
    "requires: on track at 95 % of the required growth or more, at risk at 60 % or more, off "
    "track below that, and moving away when the figure goes the wrong way. A target above a "
    "baseline level is on track at or above the baseline year and at risk down to 2 % below; a "
    "trend target is on track at 1 % a year or more in the right direction. The thresholds can "
    "be set per target.",
    "Projection. A log-linear trend (least squares on the figures' logarithm, linear if a "
    "figure is not positive) over the assessment window, extended to the target year. It says "
    "where the figure ends if things go on as they have — not a forecast. The band around it is "
    "an 80 % prediction interval from the trend's residuals (Student's t with n − 2 degrees of "
    "freedom, wider the further it reaches), and the probability of reaching the target is the "
    "share of that distribution that reaches the target in the target year.",
    "Rank. Denmark's place among the countries compared (1 = best); the target is a place in "
    "the top N in the target year.",
    "Stale. A figure is stale when no newer period has come within the usual publication lag "
    "(annual figures 400 days after the period's end, quarterly 120, monthly 75).",
    "Revisions. pejl keeps every figure it has seen with its vintage (when it was collected); a "
    "revised figure does not replace the old one in the journal, and a revision of a published "
    "figure raises an alert.",
};

static void method_paragraphs(const struct report *rp, const char *const **p, size_t *n)
{
    *p = english(rp) ? method_en : method_da;
    *n = english(rp) ? sizeof method_en / sizeof *method_en : sizeof method_da / sizeof *method_da;
}

static void html_method(FILE *f, const struct report *rp)
{
    const char *const *p;
    size_t n;
    method_paragraphs(rp, &p, &n);
    fprintf(f, "<h2 id=\"method\">%s</h2>\n", english(rp) ? "Method" : "Metode");
    for (size_t i = 0; i < n; i++) {
        const char *dot = strchr(p[i], '.');
        fprintf(f, "<p><strong>%.*s</strong>", (int)(dot - p[i] + 1), p[i]);
        report_html_escaped(f, dot + 1);
        fputs("</p>\n", f);
    }
}

static void html_tail(FILE *f, const struct report *rp)
{
    (void)rp;
    fputs("</body></html>\n", f);
}

typedef void (*report_section)(FILE *f, const struct report *rp);

/* index.html, section by section. A new section is a function here. */
/* "Siden <date>" (--compare-to): what changed since then, read first. */
static void html_since(FILE *f, const struct report *rp)
{
    if (rp->since)
        report_since_html(f, rp->since);
}

static void html_revisions(FILE *f, const struct report *rp)
{
    report_revisions_html(f, rp->revisions, rp->settings->graphs.indicators,
                          rp->settings->graphs.n_indicators, rp->language);
}

static const report_section html_sections[] = {
    html_head,   html_banner,    html_since,   html_targets, html_context,
    html_method, html_revisions, html_sources, html_tail,
};

static int write_html(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "index.html", err, errlen);
    if (!f)
        return -1;
    for (size_t i = 0; i < sizeof html_sections / sizeof *html_sections; i++)
        html_sections[i](f, rp);
    return finish(f, "index.html", err, errlen);
}

/* ---- report.md: the same, for pasting ---- */

static void markdown_head(FILE *f, const struct report *rp)
{
    char title[200];
    title_words(rp, title, sizeof title);
    fprintf(f, "# %s\n\n", title);
    size_t all, n = count_illustrative(rp, &all);
    (void)all;
    if (n > 0)
        fprintf(f, "> **%s**\n\n", rp->w->illustrative); /* which: in the sources */
}

static void markdown_table(FILE *f, const struct report *rp, bool context)
{
    const enum column *columns;
    size_t n = table_columns(rp, context, &columns);
    const char *h[COLUMNS];
    char c[COLUMNS][200], *picked[COLUMNS];
    for (size_t i = 0; i < n; i++)
        h[i] = heads(rp)[columns[i]];
    markdown_heads(f, h, (int)n);
    for (size_t i = 0; i < rp->n; i++) {
        if (is_context(&rp->rows[i]) != context)
            continue;
        cells(rp, &rp->rows[i], c);
        for (size_t k = 0; k < n; k++)
            picked[k] = c[columns[k]];
        markdown_cells(f, picked, (int)n);
    }
}

static void markdown_indicators(FILE *f, const struct report *rp, bool context)
{
    for (size_t i = 0; i < rp->n; i++) {
        const struct row *r = &rp->rows[i];
        if (!first_of_indicator(rp, i) || is_context(r) != context)
            continue;
        if (r->ind->pejlemaerke > 0)
            fprintf(f, "\n### %s %d · %s\n", rp->w->pejlemaerke, r->ind->pejlemaerke,
                    r->ind->title);
        else
            fprintf(f, "\n### %s\n", r->ind->title);
        if (r->graph)
            fprintf(f, "\n![%s](graphs/%s.png)\n\n%s: %s · [data/%s.csv](data/%s.csv)\n",
                    r->ind->title, r->ind->id, rp->w->source, r->ind->source_name, r->ind->id,
                    r->ind->id);
        markdown_figures(f, rp, r);
    }
}

static void markdown_targets(FILE *f, const struct report *rp)
{
    char note[600];
    if (!any_context(rp, false))
        return;
    fprintf(f, "## %s\n\n", english(rp) ? "The targets (pejlemærker)" : "Pejlemærkerne");
    markdown_table(f, rp, false);
    fetched_note(rp, note, sizeof note);
    if (note[0])
        fprintf(f, "\n%s\n", note);
    markdown_indicators(f, rp, false);
}

static void markdown_context(FILE *f, const struct report *rp)
{
    if (!any_context(rp, true))
        return;
    fprintf(f, "\n## %s\n\n", english(rp) ? "Context series" : "Kontekstserier");
    markdown_table(f, rp, true);
    markdown_indicators(f, rp, true);
}

static void markdown_method(FILE *f, const struct report *rp)
{
    const char *const *p;
    size_t n;
    method_paragraphs(rp, &p, &n);
    fprintf(f, "\n## %s\n", english(rp) ? "Method" : "Metode");
    for (size_t i = 0; i < n; i++) {
        const char *dot = strchr(p[i], '.');
        fprintf(f, "\n**%.*s**%s\n", (int)(dot - p[i] + 1), p[i], dot + 1);
    }
}

/* report.md, section by section, as index.html. */
static void markdown_since(FILE *f, const struct report *rp)
{
    if (rp->since)
        report_since_markdown(f, rp->since);
}

static void markdown_revisions(FILE *f, const struct report *rp)
{
    report_revisions_markdown(f, rp->revisions, rp->settings->graphs.indicators,
                              rp->settings->graphs.n_indicators, rp->language);
}

static const report_section markdown_sections[] = {
    markdown_head,   markdown_since,     markdown_targets, markdown_context,
    markdown_method, markdown_revisions, markdown_sources,
};

static int write_markdown(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "report.md", err, errlen);
    if (!f)
        return -1;
    for (size_t i = 0; i < sizeof markdown_sections / sizeof *markdown_sections; i++)
        markdown_sections[i](f, rp);
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

/* A field of a CSV for a spreadsheet: quoted when it holds the separator,
 * a quote or a line break. */
static void sheet_field(FILE *f, const char *s, char sep)
{
    if (strchr(s, sep) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r'))
        csv_quoted(f, s);
    else
        fputs(s, f);
}

static const char *const sheet_heads_da[] = {
    "Pejlemærke",   "Indikator",     "Enhed",     "Seneste periode", "Seneste værdi", "Mål",
    "Stiens værdi", "Afvigelse (%)", "Fremdrift", "Fremskrivning",   "Alarm",         "Kilde"};
static const char *const sheet_heads_en[] = {
    "Target (pejlemærke)", "Indicator", "Unit",     "Latest period", "Latest value", "Target",
    "Path value",          "Gap (%)",   "Progress", "Projection",    "Alert",        "Source"};

/* status-excel.csv: the status table for a spreadsheet opened by double
 * click. Danish Excel splits on ';' and reads a decimal comma, and needs
 * the UTF-8 BOM to read "æøå"; English Excel wants ',' and '.'. Numbers
 * are plain (no separators, an ASCII minus) so they stay numbers. */
static int write_sheet_csv(const char *dir, const struct report *rp, char *err, size_t errlen)
{
    FILE *f = create(dir, "status-excel.csv", err, errlen);
    char sep = english(rp) ? ',' : ';';
    if (!f)
        return -1;
    fputs("\xef\xbb\xbf", f);
    for (int i = 0; i < 12; i++)
        fprintf(f, "%s%s", i ? (char[]){sep, 0} : "",
                (english(rp) ? sheet_heads_en : sheet_heads_da)[i]);
    fputs("\r\n", f);
    for (size_t i = 0; i < rp->n; i++) {
        const struct row *r = &rp->rows[i];
        char c[COLUMNS][200], v[4][40], pm[16], latest[PERIOD_TEXT_MAX] = "";
        cells(rp, r, c);
        snprintf(pm, sizeof pm, "%d", r->ind->pejlemaerke);
        if (!isnan(r->e.days_since_period_end))
            period_format(&r->e.latest, latest, sizeof latest);
        number_format_spreadsheet(rp->language, r->e.latest_value, v[0], sizeof v[0]);
        number_format_spreadsheet(rp->language, r->e.path_value, v[1], sizeof v[1]);
        number_format_spreadsheet(rp->language, r->e.gap_pct, v[2], sizeof v[2]);
        number_format_spreadsheet(rp->language, r->e.projection, v[3], sizeof v[3]);
        const char *fields[] = {pm,     r->ind->title, r->ind->unit,
                                latest, v[0],          c[COL_TARGET],
                                v[1],   v[2],          r->target ? c[COL_PROGRESS] : "",
                                v[3],   c[COL_ALERT],  r->ind->source_name};
        for (int k = 0; k < 12; k++) {
            if (k)
                fputc(sep, f);
            sheet_field(f, fields[k], sep);
        }
        fputs("\r\n", f);
    }
    return finish(f, "status-excel.csv", err, errlen);
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
    static const char *const files[] = {"index.html", "report.md",     "status.json",
                                        "status.csv", "published.csv", "status-excel.csv"};
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return false;
    if (S_ISDIR(st.st_mode) && (strcmp(name, "data") == 0 || strcmp(name, "graphs") == 0)) {
        *parts |= name[0] == 'd' ? 1u << 3 : 1u << 4;
        return parts_only(dir, name, name[0] == 'd' ? csv : drawn, lo);
    }
    if (!S_ISREG(st.st_mode))
        return false;
    for (unsigned i = 0; i < sizeof files / sizeof *files; i++)
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
    rp->dir = tmp;
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
    return write_status(tmp, rp, store, al, err, errlen) < 0 ||
                   write_html(tmp, rp, err, errlen) < 0 ||
                   write_markdown(tmp, rp, err, errlen) < 0 ||
                   write_status_csv(tmp, rp, err, errlen) < 0 ||
                   write_published_csv(tmp, rp, err, errlen) < 0 ||
                   write_sheet_csv(tmp, rp, err, errlen) < 0
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
    struct report rp = {.settings = settings,
                        .w = words_for(settings->graphs.language),
                        .language = settings->graphs.language,
                        .now = now,
                        .store = store,
                        .alerting = alerting,
                        .compare = o->compare};
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
    sort_rows(&rp);
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
