/*
 * report_revisions.c — the report's vintages files and revisions section
 * (see report_revisions.h).
 */
#include "report_revisions.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "as_of.h"
#include "csv_field.h"
#include "period.h"
#include "report.h"
#include "series.h"
#include "timestamp.h"
#include "value.h"

/* One period's revision: its value before (at `since`, or first published)
 * and its last value, with their vintages. */
struct revision {
    char key[SERIES_KEY_MAX + 1];
    struct pejl_period period;
    double from, to, pct;
    int64_t from_vintage, to_vintage;
};

struct report_revisions {
    struct as_of_history *history;
    int64_t since, until;
    struct revision *largest; /* sorted by |pct|, largest first */
    size_t n, cap;
};

static bool known(const struct report_revisions *rv, const struct as_of_vintage *v)
{
    return rv->until <= 0 || v->vintage <= rv->until;
}

/* The values [at, end) of one period: its revision, if it had one after since. */
static int period_revision(struct report_revisions *rv, const char *key,
                           const struct as_of_vintage *v, size_t n)
{
    const struct as_of_vintage *before = NULL, *last = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!known(rv, &v[i]))
            continue;
        if (!before || v[i].vintage <= rv->since)
            before = &v[i]; /* the value at `since`, or the first published */
        last = &v[i];
    }
    if (!last || last == before || last->vintage <= rv->since || last->value == before->value)
        return 0;
    if (array_grow((void **)&rv->largest, &rv->cap, rv->n + 1, sizeof *rv->largest) < 0)
        return -1;
    struct revision *r = &rv->largest[rv->n++];
    *r = (struct revision){.period = last->period,
                           .from = before->value,
                           .to = last->value,
                           .from_vintage = before->vintage,
                           .to_vintage = last->vintage,
                           .pct =
                               before->value != 0 ? (last->value / before->value - 1) * 100 : NAN};
    snprintf(r->key, sizeof r->key, "%s", key);
    return 0;
}

struct gathering {
    struct report_revisions *rv;
    int rc;
};

static void series_revisions(const char *key, void *arg)
{
    struct gathering *g = arg;
    size_t n, at = 0;
    const struct as_of_vintage *v = as_of_history_series(g->rv->history, key, &n);
    while (g->rc == 0 && at < n) {
        size_t end = at + 1;
        while (end < n && period_end(&v[end].period) == period_end(&v[at].period))
            end++;
        g->rc = period_revision(g->rv, key, v + at, end - at);
        at = end;
    }
}

static double magnitude(const struct revision *r)
{
    return isnan(r->pct) ? INFINITY : fabs(r->pct); /* from 0: as large as can be */
}

static int by_magnitude(const void *a, const void *b)
{
    double x = magnitude(a), y = magnitude(b);
    int c = x < y   ? 1
            : x > y ? -1
                    : strcmp(((const struct revision *)a)->key, ((const struct revision *)b)->key);
    return c ? c
           : period_end(&((const struct revision *)a)->period) <
                   period_end(&((const struct revision *)b)->period)
               ? -1
               : 1;
}

struct report_revisions *report_revisions_read(const char *state_dir, int64_t since, int64_t until,
                                               char *err, size_t errlen)
{
    struct report_revisions *rv = calloc(1, sizeof *rv);
    if (!rv) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    *rv = (struct report_revisions){.since = since, .until = until};
    if (!(rv->history = as_of_history_read(state_dir, NULL, err, errlen))) {
        free(rv);
        return NULL;
    }
    struct gathering g = {rv, 0};
    as_of_history_each(rv->history, series_revisions, &g);
    if (g.rc < 0) {
        snprintf(err, errlen, "out of memory gathering the revisions");
        report_revisions_free(rv);
        return NULL;
    }
    if (rv->n > 1)
        qsort(rv->largest, rv->n, sizeof *rv->largest, by_magnitude);
    return rv;
}

void report_revisions_free(struct report_revisions *rv)
{
    if (!rv)
        return;
    as_of_history_free(rv->history);
    free(rv->largest);
    free(rv);
}

/* ---- data/ID-vintages.csv ---- */

struct csv_writing {
    const struct report_revisions *rv;
    const char *id;
    FILE *f;
};

static void csv_rows(FILE *f, const struct report_revisions *rv, const char *member,
                     const struct as_of_vintage *v, size_t n)
{
    const struct as_of_vintage *first = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!known(rv, &v[i]))
            continue;
        if (!first || period_end(&first->period) != period_end(&v[i].period))
            first = &v[i];
        char period[PERIOD_TEXT_MAX], value[32], status[16], when[TIMESTAMP_TEXT_MAX], pct[32] = "";
        period_format(&v[i].period, period, sizeof period);
        value_format(v[i].value, value, sizeof value);
        status_format(v[i].status, status, sizeof status);
        timestamp_format(v[i].vintage, when, sizeof when);
        if (first != &v[i] && first->value != 0)
            value_format((v[i].value / first->value - 1) * 100, pct, sizeof pct);
        csv_field_write(f, member);
        fprintf(f, ",%s,%s,%s,%s,%s\n", period, when, value, status, pct);
    }
}

static void csv_series(const char *key, void *arg)
{
    struct csv_writing *w = arg;
    size_t len = strlen(w->id), n;
    if (strncmp(key, w->id, len) != 0 || (key[len] != '\0' && key[len] != '.'))
        return;
    const struct as_of_vintage *v = as_of_history_series(w->rv->history, key, &n);
    csv_rows(w->f, w->rv, key[len] ? key + len + 1 : "", v, n);
}

int report_revisions_write_csv(const struct report_revisions *rv, const char *dir,
                               const struct indicator *ind, char *err, size_t errlen)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/data/%s-vintages.csv", dir, ind->id);
    FILE *f = fopen(path, "wex");
    if (!f) {
        snprintf(err, errlen, "cannot create %s: %m", path);
        return -1;
    }
    fputs("member,period,vintage,value,status,change_pct\n", f);
    struct csv_writing w = {rv, ind->id, f};
    as_of_history_each(rv->history, csv_series, &w);
    if (ferror(f) | (fclose(f) != 0)) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

/* ---- the section ---- */

static const char *title_of(const char *key, const struct indicator *inds, size_t n)
{
    size_t len = strcspn(key, ".");
    for (size_t i = 0; i < n; i++)
        if (strlen(inds[i].id) == len && strncmp(inds[i].id, key, len) == 0)
            return inds[i].title ? inds[i].title : inds[i].id;
    return NULL; /* not in the config any more: left out */
}

/* The cells of one revision, in the report's number conventions. */
struct revision_text {
    char period[PERIOD_TEXT_MAX], from[48], to[48], pct[48], from_day[16], to_day[16];
};

static void revision_text(const struct revision *r, enum language language, struct revision_text *t)
{
    const struct words *w = words_for(language);
    period_format(&r->period, t->period, sizeof t->period);
    words_number(w, r->from, fabs(r->from) >= 10000 ? 0 : 1, t->from, sizeof t->from);
    words_number(w, r->to, fabs(r->to) >= 10000 ? 0 : 1, t->to, sizeof t->to);
    if (isnan(r->pct))
        snprintf(t->pct, sizeof t->pct, "–");
    else
        words_number(w, r->pct, 1, t->pct + (r->pct > 0), sizeof t->pct - 1);
    if (!isnan(r->pct) && r->pct > 0)
        t->pct[0] = '+';
    char when[TIMESTAMP_TEXT_MAX];
    timestamp_format(r->from_vintage, when, sizeof when);
    snprintf(t->from_day, sizeof t->from_day, "%.10s", when);
    timestamp_format(r->to_vintage, when, sizeof when);
    snprintf(t->to_day, sizeof t->to_day, "%.10s", when);
}

static void lead(FILE *f, const struct report_revisions *rv, bool da)
{
    char when[TIMESTAMP_TEXT_MAX];
    timestamp_format(rv->since, when, sizeof when);
    if (rv->since > 0)
        fprintf(f, da ? "De største revisioner siden %.10s" : "The largest revisions since %.10s",
                when);
    else
        fputs(da ? "De største revisioner i alle tal pejl har set"
                 : "The largest revisions of all figures pejl has seen",
              f);
}

void report_revisions_html(FILE *f, const struct report_revisions *rv, const struct indicator *inds,
                           size_t n_inds, enum language language)
{
    bool da = language != LANGUAGE_EN;
    fprintf(f, "<h2 id=\"revisions\">%s</h2>\n<p>", da ? "Revisioner" : "Revisions");
    lead(f, rv, da);
    fputs(
        da ? " (ændring fra den tidligere værdi til den seneste; alle værdier i "
             "data/ID-vintages.csv).</p>\n"
           : " (from the earlier value to the latest; every value in data/ID-vintages.csv).</p>\n",
        f);
    size_t shown = 0;
    for (size_t i = 0; i < rv->n && shown < REPORT_REVISIONS_SHOWN; i++) {
        const char *title = title_of(rv->largest[i].key, inds, n_inds);
        if (!title)
            continue;
        if (shown++ == 0)
            fprintf(f,
                    "<table id=\"revisions-table\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                    "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
                    da ? "Indikator" : "Indicator", da ? "Periode" : "Period",
                    da ? "Før" : "Before", da ? "Nu" : "Now", da ? "Ændring" : "Change");
        struct revision_text t;
        revision_text(&rv->largest[i], language, &t);
        const char *dot = strchr(rv->largest[i].key, '.');
        fputs("<tr data-series=\"", f);
        report_html_escaped(f, rv->largest[i].key);
        fputs("\"><td>", f);
        report_html_escaped(f, title);
        if (dot) {
            fputs(" · ", f);
            report_html_escaped(f, dot + 1);
        }
        fprintf(f, "</td><td>%s</td><td>%s (%s)</td><td>%s (%s)</td><td>%s %%</td></tr>\n",
                t.period, t.from, t.from_day, t.to, t.to_day, t.pct);
    }
    if (shown)
        fputs("</tbody></table>\n", f);
    else
        fputs(da ? "<p>Ingen tal er revideret.</p>\n" : "<p>No figure was revised.</p>\n", f);
}

void report_revisions_markdown(FILE *f, const struct report_revisions *rv,
                               const struct indicator *inds, size_t n_inds, enum language language)
{
    bool da = language != LANGUAGE_EN;
    fprintf(f, "\n## %s\n\n", da ? "Revisioner" : "Revisions");
    lead(f, rv, da);
    fputs(".\n\n", f);
    size_t shown = 0;
    for (size_t i = 0; i < rv->n && shown < REPORT_REVISIONS_SHOWN; i++) {
        const char *title = title_of(rv->largest[i].key, inds, n_inds);
        if (!title)
            continue;
        if (shown++ == 0)
            fprintf(f, "| %s | %s | %s | %s | %s |\n| --- | --- | --- | --- | --- |\n",
                    da ? "Indikator" : "Indicator", da ? "Periode" : "Period",
                    da ? "Før" : "Before", da ? "Nu" : "Now", da ? "Ændring" : "Change");
        struct revision_text t;
        revision_text(&rv->largest[i], language, &t);
        const char *dot = strchr(rv->largest[i].key, '.');
        fprintf(f, "| %s%s%s | %s | %s (%s) | %s (%s) | %s %% |\n", title, dot ? " · " : "",
                dot ? dot + 1 : "", t.period, t.from, t.from_day, t.to, t.to_day, t.pct);
    }
    if (!shown)
        fputs(da ? "Ingen tal er revideret.\n" : "No figure was revised.\n", f);
}
