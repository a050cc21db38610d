/*
 * report.h — a report folder for the people who brief Life Science Rådet:
 * index.html (the status of every pejlemærke with its graph; CSS inline,
 * images relative, readable printed on A4 and on screen), report.md (the
 * same in Markdown, for pasting into documents; each indicator's latest
 * value in words and its published figures beside pejl's), status.json (the
 * evaluation results), status.csv (the latest and the compared value per
 * indicator and target), status-excel.csv (the same for a spreadsheet in
 * the report's language: Danish ';', decimal comma, UTF-8 BOM),
 * published.csv (the published figures beside pejl's), data/ID.csv (the
 * series behind each graph: period, value, status, vintage),
 * data/ID-vintages.csv (every value each period has had, and a
 * "Revisioner" section: report_revisions.h) and graphs/ID.png (and .svg,
 * .pdf when asked). Written as of a moment, all of it shows what was known
 * then (report_options.as_of). index.html and report.md are written
 * section by section (report.c's html_sections[] and markdown_sections[]):
 * the title, the illustrative banner, the pejlemærker, the context series,
 * the method, the sources.
 *
 * Written from the state directory (no running pejld needed) into a
 * temporary folder beside DIR, then swapped in with one rename, so a
 * reader sees the old report or the new one, never half of one.
 *
 * It must never delete what pejl did not write: DIR is refused when it is,
 * holds or lies in the state, RRD or graph directory, or exists and holds
 * anything but an earlier report (marked by its .pejl-report file, or the
 * complete layout of a report from before the marker) or nothing at all.
 */
#ifndef PEJL_REPORT_H
#define PEJL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alerting.h"
#include "graph_plan.h"
#include "report_dir.h"
#include "store.h"

/* What a report needs of the config (borrowed from it). */
struct report_settings {
    struct graph_settings graphs;    /* its indicators, language and graphs */
    struct report_keep_out keep_out; /* where it may not go */
};

/* --compare-to: the moment the report's first section compares with
 * (report_since.h), and its graphs' dashed line of the series then. */
struct report_compare {
    int64_t then;
    const char *name;               /* the snapshot's name; NULL: a time was given */
    const struct store *then_store; /* the journal as known at `then` */
    const char *state_dir;          /* whose journal holds what changed in between */
};

struct report_options {
    bool svg, pdf; /* SVG and PDF graphs beside the PNGs */
    int64_t as_of; /* the store was read as known then (store_read_as_of); 0: today */
    int64_t compare_to; /* the "Revisioner" section: revisions since then; 0: all */
    const struct report_compare *compare; /* NULL: no comparison */
};

/* Where a report may go: DIR with its symlinks resolved into `real`, or -1
 * with err saying why not and what to do instead. */
int report_dir_check(const char *dir, const struct report_keep_out *keep_out, char *real,
                     size_t size, char *err, size_t errlen);

int report_write(const char *dir, const struct report_settings *settings, struct store *store,
                 const struct alerting *alerting, int64_t now, const struct report_options *o,
                 char *err, size_t errlen);

/* `s` as HTML text or attribute value: & < > " escaped. Every section of
 * the report's index.html writes its text through this. */
void report_html_escaped(FILE *f, const char *s);

#endif
