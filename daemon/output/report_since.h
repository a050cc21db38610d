/*
 * report_since.h — the first section of a report made with --compare-to:
 * "Siden <date>" / "Since <date>", what changed since then (compare.h) in
 * the report's language: new periods, revised figures (then → now, %),
 * progress categories that changed, ranks that moved, alerts opened and
 * closed. Written into index.html and report.md by report.c; it writes no
 * file of its own (the report's folder holds only the parts report.c
 * knows).
 */
#ifndef PEJL_REPORT_SINCE_H
#define PEJL_REPORT_SINCE_H

#include <stdio.h>

#include "compare.h"
#include "report.h"
#include "words.h"

struct report_since {
    struct comparison comparison;
    const struct report_compare *compare;
    enum language language;
};

/* Works out what changed; -1 with err. */
int report_since_build(struct report_since *s, const struct report_compare *compare,
                       const struct report_settings *settings, const struct store *store,
                       const struct alerting *alerting, int64_t now, char *err, size_t errlen);
void report_since_free(struct report_since *s);

void report_since_html(FILE *f, const struct report_since *s);
void report_since_markdown(FILE *f, const struct report_since *s);

/* Draws `id`'s graph, as graph_indicator() does, with the series as known
 * then behind today's when `compare` is given. */
int report_since_graph(const struct report_settings *settings, const struct report_compare *compare,
                       struct store *store, const char *id, int64_t now, const char *image_path,
                       const char *format);

#endif
