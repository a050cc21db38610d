/*
 * report_since.c — the report's "since then" section (see report_since.h).
 *
 * Each part is a table written through a small sink, once as HTML and once
 * as Markdown, so the two say the same. Long lists are cut at
 * SINCE_MAX_ROWS with the number left out said under them: a panel of
 * thirty countries revised at once should not push the rest off the page.
 */
#include "report_since.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_plan.h"
#include "log.h"
#include "number_format.h"
#include "period.h"
#include "report.h"
#include "rule.h"
#include "timestamp.h"

#define SINCE_MAX_ROWS 40
#define CELLS 6

struct since_words {
    const char *since, *until, *summary, *none, *more, *member, *members, *indicator, *period,
        *value, *then, *now, *change, *revisions, *target, *rule, *state, *opened, *closed, *before,
        *still_open, *cut, *snapshot, *no_alerts;
    const char *parts[5]; /* new periods, revised, progress, ranks, alerts */
};

static const struct since_words da = {
    .since = "Siden",
    .until = "til",
    .summary = "Hvad der er ændret",
    .none = "Ingen.",
    .more = "flere, ikke vist",
    .member = "Serie",
    .members = "Medlemmer",
    .indicator = "Indikator",
    .period = "Periode",
    .value = "Værdi",
    .then = "Da",
    .now = "Nu",
    .change = "Ændring",
    .revisions = "Revisioner",
    .target = "Mål",
    .rule = "Regel",
    .state = "Tilstand",
    .opened = "Åbnet",
    .closed = "Lukket",
    .before = "før",
    .still_open = "stadig åben",
    .cut = "ældre skift ikke gemt",
    .snapshot = "øjebliksbillede",
    .no_alerts = "Ikke vist: en rapport pr. et tidligere tidspunkt har ingen alarmer (de er "
                 "dæmonens, fra dens tid).",
    .parts = {"Nye perioder", "Reviderede tal", "Ændret fremdrift", "Ændrede placeringer",
              "Alarmer åbnet og lukket"},
};

static const struct since_words en = {
    .since = "Since",
    .until = "to",
    .summary = "What changed",
    .none = "None.",
    .more = "more, not shown",
    .member = "Series",
    .members = "Members",
    .indicator = "Indicator",
    .period = "Period",
    .value = "Value",
    .then = "Then",
    .now = "Now",
    .change = "Change",
    .revisions = "Revisions",
    .target = "Target",
    .rule = "Rule",
    .state = "State",
    .opened = "Opened",
    .closed = "Closed",
    .before = "before",
    .still_open = "still open",
    .cut = "older changes not kept",
    .snapshot = "snapshot",
    .no_alerts = "Not shown: a report as of an earlier moment has no alerts (they are the "
                 "daemon's, of its time).",
    .parts = {"New periods", "Revised figures", "Progress changed", "Ranks moved",
              "Alerts opened and closed"},
};

/* ---- building ---- */

int report_since_build(struct report_since *s, const struct report_compare *compare,
                       const struct report_settings *settings, const struct store *store,
                       const struct alerting *alerting, int64_t now, char *err, size_t errlen)
{
    struct compare_inputs in = {.indicators = settings->graphs.indicators,
                                .n_indicators = settings->graphs.n_indicators,
                                .state_dir = compare->state_dir,
                                .then_store = compare->then_store,
                                .store = store,
                                .alerting = alerting,
                                .then = compare->then,
                                .now = now};
    *s = (struct report_since){.compare = compare, .language = settings->graphs.language};
    if (compare->then >= now) {
        char then[TIMESTAMP_TEXT_MAX], at[TIMESTAMP_TEXT_MAX];
        timestamp_format(compare->then, then, sizeof then);
        timestamp_format(now, at, sizeof at);
        snprintf(err, errlen,
                 "--compare-to %s is not before the report's moment %s: compare with an earlier "
                 "date or snapshot",
                 then, at);
        return -1;
    }
    return compare_build(&s->comparison, &in, err, errlen);
}

void report_since_free(struct report_since *s)
{
    compare_free(&s->comparison);
}

/* ---- the sink: HTML or Markdown ---- */

struct sink {
    FILE *f;
    bool html;
    const struct since_words *sw;
    const struct words *w;
};

static void escaped(const struct sink *k, const char *s)
{
    if (k->html) {
        report_html_escaped(k->f, s);
        return;
    }
    for (; *s; s++) /* a cell must not end the table's column */
        fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, k->f);
}

static void heading(const struct sink *k, const char *text, const char *id)
{
    if (k->html) {
        fprintf(k->f, "<h3 id=\"since-%s\">", id);
        escaped(k, text);
        fputs("</h3>\n", k->f);
    } else {
        fprintf(k->f, "\n### %s\n\n", text);
    }
}

static void paragraph(const struct sink *k, const char *cls, const char *text)
{
    if (k->html) {
        fprintf(k->f, "<p class=\"%s\">", cls);
        escaped(k, text);
        fputs("</p>\n", k->f);
    } else {
        fprintf(k->f, "%s\n", text);
    }
}

static void table_head(const struct sink *k, const char *kind, const char *const *heads, int n)
{
    if (k->html)
        fprintf(k->f, "<table class=\"since\" data-since=\"%s\"><thead><tr>", kind);
    else
        fputc('|', k->f);
    for (int i = 0; i < n; i++) {
        fputs(k->html ? "<th>" : " ", k->f);
        escaped(k, heads[i]);
        fputs(k->html ? "</th>" : " |", k->f);
    }
    if (k->html) {
        fputs("</tr></thead><tbody>\n", k->f);
        return;
    }
    fputs("\n|", k->f);
    for (int i = 0; i < n; i++)
        fputs(" --- |", k->f);
    fputc('\n', k->f);
}

/* A row; `id` and `period` go into its data attributes (HTML). */
static void table_row(const struct sink *k, const char *id, const char *period,
                      char cells[CELLS][200], int n)
{
    if (k->html) {
        fprintf(k->f, "<tr data-id=\"%s\" data-period=\"", id);
        escaped(k, period);
        fputs("\">", k->f);
    } else {
        fputc('|', k->f);
    }
    for (int i = 0; i < n; i++) {
        fputs(k->html ? "<td>" : " ", k->f);
        escaped(k, cells[i]);
        fputs(k->html ? "</td>" : " |", k->f);
    }
    fputs(k->html ? "</tr>\n" : "\n", k->f);
}

static void table_end(const struct sink *k, size_t left_out)
{
    char text[120];
    if (k->html)
        fputs("</tbody></table>\n", k->f);
    if (left_out) {
        snprintf(text, sizeof text, "+ %zu %s", left_out, k->sw->more);
        if (!k->html)
            fputc('\n', k->f);
        paragraph(k, "since-more", text);
    }
}

/* ---- the parts ---- */

/* One decimal, none for large figures (as the report's table). */
static const char *number(const struct sink *k, double v, char *buf, size_t size)
{
    if (isnan(v))
        return "-";
    words_number(k->w, v, fabs(v) >= 10000 ? 0 : 1, buf, size);
    return buf;
}

static const char *indicator_title(const struct indicator *ind, const char *id)
{
    return ind ? ind->title : id;
}

static int by_indicator_and_period(const void *a, const void *b)
{
    const struct compare_figure *x = *(const struct compare_figure *const *)a;
    const struct compare_figure *y = *(const struct compare_figure *const *)b;
    if (x->indicator != y->indicator) /* the config's order: they are one array */
        return x->indicator < y->indicator ? -1 : 1;
    return period_compare(&x->change.period, &y->change.period);
}

/* One row of new periods: the figures order[i..) of one indicator and
 * period, its own value and how many of its members got the period too.
 * Returns the index after them. */
static size_t new_row(const struct sink *k, const struct compare_figure **order, size_t n, size_t i,
                      bool shown)
{
    const struct compare_figure *f = order[i];
    double own = NAN;
    size_t members = 0, j = i;
    for (; j < n && order[j]->indicator == f->indicator &&
           period_equal(&order[j]->change.period, &f->change.period);
         j++) {
        if (order[j]->member[0])
            members++;
        else
            own = order[j]->change.now_value;
    }
    if (shown) {
        char cells[CELLS][200], a[32], p[PERIOD_TEXT_MAX];
        period_format(&f->change.period, p, sizeof p);
        snprintf(cells[0], 200, "%s", f->indicator->title);
        snprintf(cells[1], 200, "%s", p);
        snprintf(cells[2], 200, "%s", number(k, own, a, sizeof a));
        snprintf(cells[3], 200, "%zu", members);
        table_row(k, f->indicator->id, p, cells, 4);
    }
    return j;
}

static void part_new(const struct sink *k, const struct comparison *c)
{
    const struct since_words *sw = k->sw;
    const char *heads[] = {sw->indicator, sw->period, sw->value, sw->members};
    size_t rows = 0;
    heading(k, sw->parts[0], "new");
    if (!c->n_new_periods) {
        paragraph(k, "since-none", sw->none);
        return;
    }
    const struct compare_figure **order = calloc(c->n_new_periods, sizeof *order);
    size_t n = order ? c->n_new_periods : 0;
    for (size_t i = 0; i < n; i++)
        order[i] = &c->new_periods[i];
    qsort(order, n, sizeof *order, by_indicator_and_period);
    table_head(k, "new", heads, 4);
    for (size_t i = 0; i < n; rows++)
        i = new_row(k, order, n, i, rows < SINCE_MAX_ROWS);
    table_end(k, rows > SINCE_MAX_ROWS ? rows - SINCE_MAX_ROWS : 0);
    free(order);
}

static int by_size_of_revision(const void *a, const void *b)
{
    double x = fabs(compare_change_pct(&(*(const struct compare_figure *const *)a)->change));
    double y = fabs(compare_change_pct(&(*(const struct compare_figure *const *)b)->change));
    x = isnan(x) ? -1 : x, y = isnan(y) ? -1 : y;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void revised_row(const struct sink *k, const struct compare_figure *f)
{
    char cells[CELLS][200], a[32], b[32], p[PERIOD_TEXT_MAX];
    double pct = compare_change_pct(&f->change);
    period_format(&f->change.period, p, sizeof p);
    snprintf(cells[0], 200, "%s", f->indicator->title);
    snprintf(cells[1], 200, "%s", f->member[0] ? f->member : "-");
    snprintf(cells[2], 200, "%s", p);
    snprintf(cells[3], 200, "%s → %s", number(k, f->change.then_value, a, sizeof a),
             number(k, f->change.now_value, b, sizeof b));
    if (isnan(pct))
        snprintf(cells[4], 200, "-");
    else
        snprintf(cells[4], 200, "%s%s %%", pct > 0 ? "+" : "", number(k, pct, a, sizeof a));
    snprintf(cells[5], 200, "%u", f->change.revisions);
    table_row(k, f->indicator->id, p, cells, 6);
}

/* Revised figures, the largest revision (in %) first. */
static void part_revised(const struct sink *k, const struct comparison *c)
{
    const struct since_words *sw = k->sw;
    const char *heads[] = {sw->indicator, sw->member, sw->period, "", sw->change, sw->revisions};
    char then_now[80];
    heading(k, sw->parts[1], "revised");
    if (!c->n_revised) {
        paragraph(k, "since-none", sw->none);
        return;
    }
    const struct compare_figure **order = calloc(c->n_revised, sizeof *order);
    size_t n = order ? c->n_revised : 0;
    for (size_t i = 0; i < n; i++)
        order[i] = &c->revised[i];
    qsort(order, n, sizeof *order, by_size_of_revision);
    snprintf(then_now, sizeof then_now, "%s → %s", sw->then, sw->now);
    heads[3] = then_now;
    table_head(k, "revised", heads, 6);
    for (size_t i = 0; i < n && i < SINCE_MAX_ROWS; i++)
        revised_row(k, order[i]);
    table_end(k, n > SINCE_MAX_ROWS ? n - SINCE_MAX_ROWS : 0);
    free(order);
}

static void target_text(const struct compare_target *t, char *buf, size_t size)
{
    const struct target *target = &t->indicator->targets[t->target];
    if (target->kind == TARGET_TREND)
        snprintf(buf, size, "%s", target->direction > 0 ? "trend +" : "trend -");
    else
        snprintf(buf, size, "%d", target->year);
}

static void part_progress(const struct sink *k, const struct comparison *c)
{
    const struct since_words *sw = k->sw;
    const char *heads[] = {sw->indicator, sw->target, sw->then, sw->now};
    heading(k, sw->parts[2], "progress");
    if (!c->n_progress) {
        paragraph(k, "since-none", sw->none);
        return;
    }
    table_head(k, "progress", heads, 4);
    for (size_t i = 0; i < c->n_progress; i++) {
        const struct compare_target *t = &c->progress[i];
        char cells[CELLS][200];
        snprintf(cells[0], 200, "%s", t->indicator->title);
        target_text(t, cells[1], 200);
        snprintf(cells[2], 200, "%s", k->w->categories[t->then.progress]);
        snprintf(cells[3], 200, "%s", k->w->categories[t->now.progress]);
        table_row(k, t->indicator->id, "", cells, 4);
    }
    table_end(k, 0);
}

/* "2023: 6" or "-". */
static void rank_text(const struct sink *k, const struct evaluation *e, char *buf, size_t size)
{
    char p[PERIOD_TEXT_MAX], a[32];
    if (isnan(e->latest_value)) {
        snprintf(buf, size, "-");
        return;
    }
    period_format(&e->latest, p, sizeof p);
    words_number(k->w, e->latest_value, 0, a, sizeof a);
    snprintf(buf, size, "%s: %s", p, a);
}

static void part_ranks(const struct sink *k, const struct comparison *c)
{
    const struct since_words *sw = k->sw;
    const char *heads[] = {sw->indicator, sw->target, sw->then, sw->now};
    heading(k, sw->parts[3], "ranks");
    if (!c->n_ranks) {
        paragraph(k, "since-none", sw->none);
        return;
    }
    table_head(k, "ranks", heads, 4);
    for (size_t i = 0; i < c->n_ranks; i++) {
        const struct compare_target *t = &c->ranks[i];
        char cells[CELLS][200];
        snprintf(cells[0], 200, "%s", t->indicator->title);
        snprintf(cells[1], 200, "top %d, %d", t->indicator->targets[t->target].top,
                 t->indicator->targets[t->target].year);
        rank_text(k, &t->then, cells[2], 200);
        rank_text(k, &t->now, cells[3], 200);
        table_row(k, t->indicator->id, "", cells, 4);
    }
    table_end(k, 0);
}

static void date_of(int64_t t, char *buf, size_t size)
{
    timestamp_format(t, buf, size);
    char *tee = strchr(buf, 'T');
    if (tee && (strcmp(tee, "T00:00:00Z") == 0 || strcmp(tee, "T23:59:59Z") == 0))
        *tee = '\0'; /* a day's start or end (a date given): the date says it */
}

static void part_alerts(const struct sink *k, const struct comparison *c)
{
    const struct since_words *sw = k->sw;
    const char *heads[] = {sw->indicator, sw->rule, sw->state, sw->opened, sw->closed};
    heading(k, sw->parts[4], "alerts");
    if (!c->alerts_read) {
        paragraph(k, "since-none", sw->no_alerts);
        return;
    }
    if (!c->n_alerts) {
        paragraph(k, "since-none", sw->none);
        return;
    }
    table_head(k, "alerts", heads, 5);
    for (size_t i = 0; i < c->n_alerts && i < SINCE_MAX_ROWS; i++) {
        const struct compare_alert *a = &c->alerts[i];
        char cells[CELLS][200], when[TIMESTAMP_TEXT_MAX];
        snprintf(cells[0], 200, "%s", indicator_title(a->indicator, a->indicator_id));
        snprintf(cells[1], 200, "%s", a->rule);
        snprintf(cells[2], 200, "%s", alert_state_name(a->state));
        date_of(a->opened, when, sizeof when);
        snprintf(cells[3], 200, "%s%s%s", a->opened ? when : sw->before, a->history_cut ? "; " : "",
                 a->history_cut ? sw->cut : "");
        date_of(a->closed, when, sizeof when);
        snprintf(cells[4], 200, "%s", a->closed ? when : sw->still_open);
        table_row(k, a->indicator_id, "", cells, 5);
    }
    table_end(k, c->n_alerts > SINCE_MAX_ROWS ? c->n_alerts - SINCE_MAX_ROWS : 0);
}

/* A moment for a heading: "1. april 2025" / "1 April 2025" for a date,
 * the RFC 3339 text for a moment within a day (tables keep ISO dates). */
static void people_date(enum language language, int64_t t, char *buf, size_t size)
{
    date_of(t, buf, size);
    int year, month, day;
    char rest;
    if (sscanf(buf, "%4d-%2d-%2d%c", &year, &month, &day, &rest) == 3)
        number_format_date(language, year, month, day, buf, size);
}

/* "Siden 1. april 2025" or "Siden møde-april (øjebliksbillede, 1. april 2025)". */
static void title(const struct report_since *s, const struct since_words *sw, char *buf,
                  size_t size)
{
    char when[TIMESTAMP_TEXT_MAX];
    people_date(s->language, s->comparison.then, when, sizeof when);
    if (s->compare->name)
        snprintf(buf, size, "%s %s (%s, %s)", sw->since, s->compare->name, sw->snapshot, when);
    else
        snprintf(buf, size, "%s %s", sw->since, when);
}

/* "Hvad der er ændret (1. april 2025 til 1. juli 2025): Nye perioder 1; …". */
static void summary(const struct report_since *s, const struct since_words *sw, char *buf,
                    size_t size)
{
    const struct comparison *c = &s->comparison;
    char from[TIMESTAMP_TEXT_MAX], to[TIMESTAMP_TEXT_MAX];
    size_t counts[] = {c->n_new_periods, c->n_revised, c->n_progress, c->n_ranks, c->n_alerts};
    people_date(s->language, c->then, from, sizeof from);
    people_date(s->language, c->now, to, sizeof to);
    int n = snprintf(buf, size, "%s (%s %s %s):", sw->summary, from, sw->until, to);
    for (size_t i = 0; i < 5 && n > 0 && (size_t)n < size; i++)
        n +=
            snprintf(buf + n, size - (size_t)n, "%s %s %zu", i ? ";" : "", sw->parts[i], counts[i]);
}

static void write_section(const struct sink *k, const struct report_since *s)
{
    char text[600];
    title(s, k->sw, text, sizeof text);
    if (k->html) {
        fputs("<section id=\"since\">\n<h2>", k->f);
        escaped(k, text);
        fputs("</h2>\n", k->f);
    } else {
        fprintf(k->f, "## %s\n\n", text);
    }
    summary(s, k->sw, text, sizeof text);
    paragraph(k, "since-summary", text);
    part_new(k, &s->comparison);
    part_revised(k, &s->comparison);
    part_progress(k, &s->comparison);
    part_ranks(k, &s->comparison);
    part_alerts(k, &s->comparison);
    fputs(k->html ? "</section>\n" : "\n", k->f);
}

void report_since_html(FILE *f, const struct report_since *s)
{
    struct sink k = {.f = f,
                     .html = true,
                     .sw = s->language == LANGUAGE_EN ? &en : &da,
                     .w = words_for(s->language)};
    fputs("<style>#since{border:2px solid #1F5FA8;padding:0 1em 1em;margin:1em 0 2em}"
          "#since h3{font-size:1.05em;margin:1em 0 .3em}table.since{width:auto}</style>\n",
          f);
    write_section(&k, s);
}

void report_since_markdown(FILE *f, const struct report_since *s)
{
    struct sink k = {.f = f,
                     .html = false,
                     .sw = s->language == LANGUAGE_EN ? &en : &da,
                     .w = words_for(s->language)};
    write_section(&k, s);
}

int report_since_graph(const struct report_settings *settings, const struct report_compare *compare,
                       struct store *store, const char *id, int64_t now, const char *image_path,
                       const char *format)
{
    char err[512];
    if (!compare)
        return graph_indicator(&settings->graphs, store, id, now, image_path, format);
    struct graph_plan *p = graph_plan_new(&settings->graphs, store, id, now, err, sizeof err);
    if (!p && err[0])
        log_err("%s: graph not drawn: %s", id, err);
    if (!p)
        return err[0] ? -1 : 0;
    int rc = graph_plan_earlier(p, compare->then_store, compare->then);
    if (rc < 0)
        log_err("%s: graph not drawn: out of memory", id);
    else
        rc = graph_plan_draw(p, id, image_path, format);
    graph_plan_free(p);
    return rc;
}
